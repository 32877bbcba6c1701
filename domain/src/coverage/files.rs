//! Coverage files as operator offices keep them: a table (CSV, TSV or a workbook) of reports,
//! or a GeoJSON FeatureCollection of covered areas; checked whole, written all or nothing.

use super::{insert_checked, required, CheckedReport, ReportingRights, SubmittedReport};
use crate::imports::{check_items, read_and_check, said, Checked, RowProblem, Said};
use crate::tabular::{Column, Spec};
use crate::StoreError;

/// The formats a coverage file comes in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileFormat {
    /// One report per line of a table (CSV, TSV or a workbook; see [`FILE_SPEC`]).
    Csv,
    /// A FeatureCollection of areas, one report per feature.
    GeoJson,
}

/// Reads and checks a whole file of one format: every report, or every problem.
type FileCheck = fn(&[u8], &ReportingRights) -> Result<Checked<CheckedReport>, Vec<RowProblem>>;

/// Checks a coverage file and, unless `dry_run`, records every report in it with one audit entry:
/// all or nothing, every refused line or feature named.
pub async fn import_file(
    db: &crate::Db,
    principal: &crate::access::Principal,
    file: &[u8],
    format: FileFormat,
    dry_run: bool,
) -> Result<crate::imports::ImportOutcome, StoreError> {
    let rights = ReportingRights::load(db.pool(), principal).await?;
    let (check, action): (FileCheck, _) = match format {
        FileFormat::Csv => (check_csv, "import_csv"),
        FileFormat::GeoJson => (check_geojson, "import_geojson"),
    };
    let file = file.to_vec();
    let checked =
        crate::off_the_runtime(move || check(&file, &rights)).await?.map_err(crate::imports::rejected_file)?;
    let reports = &checked.rows;
    if !dry_run {
        let mut tx = db.begin_write().await?;
        insert_checked(&mut tx, reports, &principal.audit_name()).await?;
        let change = crate::audit::Change {
            action,
            entity_type: "coverage_report",
            entity_id: "*",
            before: None,
            after: Some(&serde_json::json!({ "rows": reports.len() })),
        };
        crate::audit::record(&mut *tx, crate::audit::Actor::Principal(principal), &change).await?;
        tx.commit().await?;
    }
    Ok(checked.outcome(dry_run))
}

/// The properties of a coverage-area feature: a report without its area (the feature's geometry).
/// Other properties are ignored: GIS tools add their own (ids, styles).
#[derive(Clone, Debug, serde::Deserialize)]
struct AreaProperties {
    village_code: Option<String>,
    operator: Option<String>,
    technology: Option<String>,
    quality: Option<String>,
    reported_at: Option<String>,
}

/// Largest number of features a coverage-area file may hold.
pub const MAX_AREA_FEATURES: usize = 50_000;

/// Reads and checks a whole GeoJSON FeatureCollection of coverage areas: each feature a Polygon
/// or MultiPolygon with `village_code`, `technology`, `quality` and optionally `operator` and
/// `reported_at` properties. Every bad feature is reported by its index; nothing is returned for
/// import unless every feature is good.
pub fn check_geojson(bytes: &[u8], rights: &ReportingRights) -> Result<Checked<CheckedReport>, Vec<RowProblem>> {
    let whole_file = |said: Said| vec![RowProblem::whole_file(said)];
    let text = std::str::from_utf8(bytes).map_err(|error| whole_file(crate::imports::not_utf8(error.valid_up_to())))?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let collection = match text.parse::<geojson::GeoJson>() {
        Ok(geojson::GeoJson::FeatureCollection(collection)) => collection,
        Ok(_) => {
            return Err(whole_file(said(
                "expected a GeoJSON FeatureCollection",
                "tệp phải là một FeatureCollection GeoJSON",
            )))
        }
        Err(error) => {
            return Err(whole_file(said(format!("not GeoJSON: {error}"), format!("không phải GeoJSON: {error}"))))
        }
    };
    if collection.features.is_empty() {
        return Err(whole_file(said(
            "the FeatureCollection has no features",
            "FeatureCollection không có đối tượng nào",
        )));
    }
    if collection.features.len() > MAX_AREA_FEATURES {
        return Err(whole_file(said(
            format!("more than {MAX_AREA_FEATURES} features; split the file"),
            format!("nhiều hơn {MAX_AREA_FEATURES} đối tượng; hãy chia nhỏ tệp"),
        )));
    }
    // Counting positions is cheap and bounds what the validity checks below may cost.
    crate::geometry::check_file_size(collection.features.iter().filter_map(|feature| feature.geometry.as_ref()))
        .map_err(|problem| whole_file(said(problem.clone(), format!("tệp quá lớn: {problem}"))))?;
    let items: Vec<(u64, geojson::Feature)> =
        collection.features.into_iter().enumerate().map(|(index, feature)| (index as u64, feature)).collect();
    let checked = check_items(items, RowProblem::at_feature, |feature| {
        let properties = serde_json::Value::Object(feature.properties.clone().unwrap_or_default());
        let properties: AreaProperties = serde_json::from_value(properties).map_err(|error| {
            vec![said(
                format!("properties: {error} (expected text values)"),
                format!("properties: {error} (các thuộc tính phải là chữ)"),
            )]
        })?;
        let Some(geometry) = feature.geometry.clone() else {
            return Err(vec![said(
                "geometry: required (a Polygon or MultiPolygon)",
                "geometry: bắt buộc phải có (Polygon hoặc MultiPolygon)",
            )]);
        };
        let missing = required;
        let mut problems = Vec::new();
        for (field, value) in [
            ("village_code", &properties.village_code),
            ("technology", &properties.technology),
            ("quality", &properties.quality),
        ] {
            if value.as_deref().is_none_or(|v| v.trim().is_empty()) {
                problems.push(missing(field));
            }
        }
        if !problems.is_empty() {
            return Err(problems);
        }
        rights.check(&SubmittedReport {
            village_code: properties.village_code.unwrap_or_default(),
            operator: properties.operator,
            technology: properties.technology.unwrap_or_default(),
            quality: properties.quality.unwrap_or_default(),
            reported_at: properties.reported_at,
            area: Some(geometry),
        })
    })?;
    Ok(Checked { rows: checked, ignored_columns: Vec::new() })
}

/// Reads and checks a whole coverage CSV file. Every bad line is reported; nothing is returned for
/// import unless every line is good.
pub fn check_csv(bytes: &[u8], rights: &ReportingRights) -> Result<Checked<CheckedReport>, Vec<RowProblem>> {
    read_and_check(bytes, &FILE_SPEC, |_, report: &SubmittedReport| rights.check(report))
}

/// The columns of a coverage file as offices write them: the API's names or Vietnamese headers,
/// Vietnamese words for qualities and technologies, dates in the Vietnamese order.
pub const FILE_SPEC: Spec = Spec {
    columns: &[
        Column {
            key: "village_code",
            aliases: &["Mã thôn", "Mã thôn/bản", "Mã thôn, bản", "Mã khu phố"],
            required: true,
        },
        Column { key: "operator", aliases: &["Nhà mạng", "Doanh nghiệp viễn thông"], required: false },
        Column { key: "technology", aliases: &["Công nghệ", "Loại sóng", "Loại mạng"], required: true },
        Column {
            key: "quality", aliases: &["Chất lượng", "Chất lượng sóng", "Mức sóng"], required: true
        },
        Column { key: "reported_at", aliases: &["Ngày báo cáo", "Ngày cập nhật", "Ngày"], required: false },
    ],
    // Vietnamese words for technologies and qualities, and day-first dates, are read by
    // `ReportingRights::check`, as for reports sent through the API.
    values: &[],
};

#[cfg(test)]
mod tests {
    use super::*;

    fn rights() -> ReportingRights {
        ReportingRights::new(
            [("15187-01".to_owned(), 1), ("15187-02".to_owned(), 2)].into_iter().collect(),
            Some("viettel".to_owned()),
            ["viettel", "vnpt", "mobifone"].into_iter().map(str::to_owned).collect(),
        )
    }

    #[test]
    fn a_good_file_with_a_byte_order_mark_and_vietnamese_free_text_is_read() {
        let file =
            "\u{feff}village_code,technology,quality,reported_at\n15187-01,4g,Good,2025-10-01\n15187-02,FTTH,fair,\n";
        let reports = check_csv(file.as_bytes(), &rights()).expect("valid").rows;
        assert_eq!(reports.len(), 2);
        assert_eq!(reports[0].technology, "4G");
        assert_eq!(reports[0].quality, "good");
        assert_eq!(reports[0].operator, "viettel");
        assert_eq!(reports[0].reported_at, "2025-10-01T00:00:00Z");
    }

    #[test]
    fn every_bad_line_is_named_with_its_problem() {
        let file = "village_code,operator,technology,quality\n15187-01,viettel,4G,good\n99999-01,viettel,4G,good\n15187-02,vnpt,6G,great\n";
        let problems = check_csv(file.as_bytes(), &rights()).expect_err("rejected");
        let lines: Vec<u64> = problems.iter().filter_map(|p| p.line).collect();
        assert_eq!(lines, [3, 4, 4, 4], "{problems:?}");
        assert!(problems[0].message.contains("99999-01"));
        assert!(problems[1].message.starts_with("operator"));
        assert!(problems[2].message.starts_with("technology"));
        assert!(problems[3].message.starts_with("quality"));
    }

    #[test]
    fn whole_file_problems_are_reported_on_line_one() {
        let latin1 = b"village_code,technology,quality\nTh\xe0nh,4G,good\n";
        assert!(check_csv(latin1, &rights()).expect_err("not UTF-8")[0].message.contains("UTF-8"));
        let missing = "village_code,quality\n15187-01,good\n";
        assert!(check_csv(missing.as_bytes(), &rights()).expect_err("missing")[0].message.contains("'technology'"));
        // A column the import does not know is not read, and named (offices add their own, "STT").
        let unknown = "village_code,technology,quality,colour\n15187-01,4G,good,red\n";
        assert_eq!(check_csv(unknown.as_bytes(), &rights()).expect("read").ignored_columns, ["colour"]);
        assert!(check_csv(b"village_code,technology,quality\n", &rights()).is_err(), "no rows");
        assert!(check_csv(b"", &rights()).is_err(), "empty");
    }

    /// A small deterministic fuzzer: random bytes and random mutations of a valid file must give
    /// an answer (accepted or rejected), never a panic.
    #[test]
    fn the_parser_never_panics_on_random_or_mutated_input() {
        let valid =
            b"village_code,operator,technology,quality,reported_at\n15187-01,viettel,4G,good,2025-10-01\n".to_vec();
        let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let rights = rights();
        for round in 0..3000 {
            let input: Vec<u8> = if round % 2 == 0 {
                let length = (next() % 300) as usize;
                (0..length).map(|_| (next() % 256) as u8).collect()
            } else {
                let mut mutated = valid.clone();
                for _ in 0..1 + next() % 6 {
                    let position = (next() as usize) % mutated.len();
                    match next() % 3 {
                        0 => mutated[position] = (next() % 256) as u8,
                        1 => mutated.insert(position, [b',', b'\n', b'"', 0xC3][(next() % 4) as usize]),
                        _ => {
                            mutated.remove(position);
                        }
                    }
                    if mutated.is_empty() {
                        break;
                    }
                }
                mutated
            };
            let _ = check_csv(&input, &rights);
        }
    }

    mod properties {
        use super::*;
        use proptest::prelude::*;

        /// A ring of 0 to 7 positions anywhere (also outside lon/lat ranges), closed or not.
        fn ring() -> impl Strategy<Value = serde_json::Value> {
            (proptest::collection::vec((-400.0..400.0_f64, -200.0..200.0_f64), 0..7), any::<bool>()).prop_map(
                |(mut points, close)| {
                    if close {
                        if let Some(first) = points.first().copied() {
                            points.push(first);
                        }
                    }
                    serde_json::json!(points.into_iter().map(|(x, y)| [x, y]).collect::<Vec<_>>())
                },
            )
        }

        fn geometry() -> impl Strategy<Value = serde_json::Value> {
            prop_oneof![
                proptest::collection::vec(ring(), 0..3)
                    .prop_map(|rings| serde_json::json!({"type": "Polygon", "coordinates": rings})),
                proptest::collection::vec(proptest::collection::vec(ring(), 0..3), 0..3)
                    .prop_map(|polygons| serde_json::json!({"type": "MultiPolygon", "coordinates": polygons})),
                (-400.0..400.0_f64, -200.0..200.0_f64)
                    .prop_map(|(x, y)| serde_json::json!({"type": "Point", "coordinates": [x, y]})),
                Just(serde_json::Value::Null),
            ]
        }

        fn feature() -> impl Strategy<Value = serde_json::Value> {
            let text =
                prop_oneof![Just("15187-01".to_owned()), Just("4G".to_owned()), Just("good".to_owned()), ".{0,12}"];
            (geometry(), text.clone(), text.clone(), text, any::<bool>()).prop_map(
                |(geometry, village_code, technology, quality, numeric)| {
                    let quality = if numeric { serde_json::json!(3) } else { serde_json::json!(quality) };
                    serde_json::json!({"type": "Feature", "geometry": geometry, "properties": {
                        "village_code": village_code, "technology": technology, "quality": quality}})
                },
            )
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(400))]

            /// Any bytes get an answer from both parsers, never a panic.
            #[test]
            fn any_bytes_are_answered(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
                let _ = check_csv(&bytes, &rights());
                let _ = check_geojson(&bytes, &rights());
            }

            /// Generated collections of good and bad features: an accepted file has one report per
            /// feature, each with a valid area; a rejected one names only features that exist.
            #[test]
            fn feature_collections_are_accepted_whole_or_rejected_by_feature(
                features in proptest::collection::vec(feature(), 1..6)
            ) {
                let count = features.len() as u64;
                let file = serde_json::json!({"type": "FeatureCollection", "features": features}).to_string();
                match check_geojson(file.as_bytes(), &rights()).map(|checked| checked.rows) {
                    Ok(reports) => {
                        prop_assert_eq!(reports.len() as u64, count);
                        for report in reports {
                            let area = report.area.expect("an accepted feature has its area");
                            let geometry: geojson::Geometry = area.parse().expect("stored area is GeoJSON");
                            prop_assert!(crate::geometry::parse_area(&geometry).is_ok());
                        }
                    }
                    Err(problems) => {
                        prop_assert!(!problems.is_empty());
                        for problem in problems {
                            prop_assert!(problem.line.is_none());
                            prop_assert!(problem.feature.is_some_and(|index| index < count), "{:?}", problem);
                        }
                    }
                }
            }
        }
    }
}
