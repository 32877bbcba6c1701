//! Mobile and fixed coverage reports per village, operator and technology. Every report is kept
//! (history); readers ask for the latest per operator and technology.

use super::imports::{check_items, read_and_check, said, Checked, RowProblem, Said};
use super::tabular::{value_alias, Column, Spec, QUALITY_WORDS, TECHNOLOGY_WORDS};
use super::StoreError;
use model::CoverageEntry;
use sqlx::{Any, Executor};

/// A report to record.
#[derive(Clone, Debug)]
pub struct NewReport<'a> {
    pub village_id: i64,
    pub operator: &'a str,
    pub technology: &'a str,
    pub quality: &'a str,
    pub source: &'a str,
    pub reported_at: &'a str,
    pub reported_by: Option<&'a str>,
    /// The covered area, GeoJSON geometry text (checked on the way in).
    pub area: Option<&'a str>,
}

/// Records a report and returns its id.
pub async fn insert<'e, E>(executor: E, report: &NewReport<'_>) -> Result<i64, StoreError>
where
    E: Executor<'e, Database = Any>,
{
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO coverage_report (village_id, operator, technology, quality, source, reported_at, reported_by, area)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
         RETURNING id",
    )
    .bind(report.village_id)
    .bind(report.operator)
    .bind(report.technology)
    .bind(report.quality)
    .bind(report.source)
    .bind(report.reported_at)
    .bind(report.reported_by)
    .bind(report.area)
    .fetch_one(executor)
    .await?;
    Ok(id)
}

/// The latest report per operator, technology and source for the village of a cultural house,
/// ordered by operator then technology.
pub async fn latest_for_house<'e, E>(executor: E, house_id: i64) -> Result<Vec<CoverageEntry>, StoreError>
where
    E: Executor<'e, Database = Any>,
{
    let rows: Vec<(String, String, String, String, String, String)> = sqlx::query_as(
        "SELECT r.operator, o.name, r.technology, r.quality, r.source, r.reported_at
         FROM coverage_report r
         JOIN operator o ON o.code = r.operator
         JOIN cultural_house h ON h.village_id = r.village_id
         WHERE h.id = $1
           AND NOT EXISTS (
               SELECT 1 FROM coverage_report newer
               WHERE newer.village_id = r.village_id AND newer.operator = r.operator
                 AND newer.technology = r.technology AND newer.source = r.source
                 AND (newer.reported_at > r.reported_at
                      OR (newer.reported_at = r.reported_at AND newer.id > r.id)))
         ORDER BY o.name, r.technology, r.source",
    )
    .bind(house_id)
    .fetch_all(executor)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(operator, operator_name, technology, quality, source, reported_at)| CoverageEntry {
            operator,
            operator_name,
            technology,
            quality,
            source,
            reported_at,
        })
        .collect())
}

/// Every operator as (code, name), by name.
pub async fn operators<'e, E>(executor: E) -> Result<Vec<(String, String)>, StoreError>
where
    E: Executor<'e, Database = Any>,
{
    Ok(sqlx::query_as("SELECT code, name FROM operator ORDER BY name").fetch_all(executor).await?)
}

/// Creates or renames a network operator (Viettel, VNPT, MobiFone, …).
pub async fn upsert_operator<'e, E>(executor: E, code: &str, name: &str) -> Result<(), StoreError>
where
    E: Executor<'e, Database = Any>,
{
    sqlx::query(
        "INSERT INTO operator (code, name) VALUES ($1, $2)
         ON CONFLICT (code) DO UPDATE SET name = excluded.name",
    )
    .bind(code)
    .bind(name)
    .execute(executor)
    .await?;
    Ok(())
}

/// Mobile and fixed-line technologies a report can name.
pub const TECHNOLOGIES: [&str; 5] = ["2G", "3G", "4G", "5G", "FTTH"];
/// Coverage qualities, worst first.
pub const QUALITIES: [&str; 4] = ["none", "weak", "fair", "good"];

/// A coverage report as an operator submits it (one API call or one CSV row).
#[derive(utoipa::ToSchema, Clone, Debug, PartialEq, serde::Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct SubmittedReport {
    pub village_code: String,
    /// Defaults to the operator of a telecom account.
    pub operator: Option<String>,
    pub technology: String,
    pub quality: String,
    /// `YYYY-MM-DD` or RFC 3339; defaults to now.
    pub reported_at: Option<String>,
    /// The covered area: a GeoJSON Polygon or MultiPolygon ([lon, lat], closed rings, valid).
    #[serde(default)]
    #[schema(value_type = Option<Object>)]
    pub area: Option<geojson::Geometry>,
}

/// One report as listed in a village's history.
#[derive(utoipa::ToSchema, Clone, Debug, PartialEq, serde::Serialize, sqlx::FromRow)]
pub struct ReportEntry {
    pub id: i64,
    pub operator: String,
    pub technology: String,
    pub quality: String,
    pub source: String,
    pub reported_at: String,
    pub reported_by: Option<String>,
}

/// A report that passed every check, ready to insert.
#[derive(Clone, Debug, PartialEq)]
pub struct CheckedReport {
    pub village_id: i64,
    pub operator: String,
    pub technology: String,
    pub quality: String,
    pub reported_at: String,
    /// GeoJSON geometry text of the covered area.
    pub area: Option<String>,
}

/// What a principal may report on: the villages in scope (code → id) and the operators it may
/// speak for (`None`: any, for admins).
pub struct ReportingRights {
    villages: std::collections::HashMap<String, i64>,
    own_operator: Option<String>,
    known_operators: std::collections::HashSet<String>,
}

impl ReportingRights {
    /// Rights given directly: villages (code → id) in scope, the operator reported for (`None`:
    /// any known operator) and the known operator codes.
    pub fn new(
        villages: std::collections::HashMap<String, i64>,
        own_operator: Option<String>,
        known_operators: std::collections::HashSet<String>,
    ) -> ReportingRights {
        ReportingRights { villages, own_operator, known_operators }
    }

    /// Loads the rights of `principal` (admin or telecom).
    pub async fn load(
        pool: &sqlx::AnyPool,
        principal: &super::access::Principal,
    ) -> Result<ReportingRights, StoreError> {
        use model::{Capability, Role};
        super::access::require(principal, Capability::ReportCoverage)?;
        let own_operator = match (principal.role, &principal.operator) {
            (Role::Telecom, Some(operator)) => Some(operator.clone()),
            (Role::Telecom, None) => return Err(StoreError::Denied(super::access::Denied::Operator)),
            _ => None,
        };
        let mut params = super::params::Params::new();
        let scope = params.scope_of(principal);
        let sql = format!(
            "WITH RECURSIVE {cte}
             SELECT code, id FROM admin_unit
             WHERE level = 'village' AND valid_to IS NULL AND {in_scope}",
            cte = scope.cte,
            in_scope = scope.covers("id"),
        );
        let rows: Vec<(String, i64)> = params.query_as(&sql)?.fetch_all(pool).await?;
        let operators: Vec<(String,)> = sqlx::query_as("SELECT code FROM operator").fetch_all(pool).await?;
        Ok(ReportingRights {
            villages: rows.into_iter().collect(),
            own_operator,
            known_operators: operators.into_iter().map(|(code,)| code).collect(),
        })
    }

    /// Checks one submitted report; the errors name the field and the value, one per problem.
    pub fn check(&self, report: &SubmittedReport) -> Result<CheckedReport, Vec<Said>> {
        let mut problems = Vec::new();
        let village_code = report.village_code.trim();
        let village_id = self.villages.get(village_code).copied();
        if village_id.is_none() {
            problems.push(said(
                format!("village_code: '{village_code}' is not a village in your scope"),
                format!("village_code: '{village_code}' không phải là thôn trong phạm vi của bạn"),
            ));
        }
        let given = report.operator.as_deref().map(|operator| operator.trim().to_lowercase()).filter(|o| !o.is_empty());
        let operator = match (given.as_deref(), &self.own_operator) {
            (Some(given), Some(own)) if given != own => {
                problems.push(said(
                    format!("operator: '{given}' is not your operator ({own})"),
                    format!("operator: '{given}' không phải nhà mạng của bạn ({own})"),
                ));
                None
            }
            (Some(given), _) if !self.known_operators.contains(given) => {
                problems.push(unknown_operator(given));
                None
            }
            (Some(given), _) => Some(given.to_owned()),
            (None, Some(own)) => Some(own.clone()),
            (None, None) => {
                problems.push(required("operator"));
                None
            }
        };
        let technology = value_alias(TECHNOLOGY_WORDS, &report.technology)
            .map_or_else(|| report.technology.trim().to_uppercase(), str::to_owned);
        if !TECHNOLOGIES.contains(&technology.as_str()) {
            problems.push(not_one_of("technology", report.technology.trim(), &TECHNOLOGIES));
        }
        let quality = value_alias(QUALITY_WORDS, &report.quality)
            .map_or_else(|| report.quality.trim().to_lowercase(), str::to_owned);
        if !QUALITIES.contains(&quality.as_str()) {
            problems.push(not_one_of("quality", report.quality.trim(), &QUALITIES));
        }
        let reported_at = match report.reported_at.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
            None => Some(super::now_utc_text()),
            Some(text) => match super::read_past_moment("reported_at", text, super::EARLIEST_REPORT_DATE) {
                Ok(moment) => Some(moment),
                Err(problem) => {
                    problems.push(problem);
                    None
                }
            },
        };
        let area = report.area.as_ref().and_then(|geometry| match super::geometry::parse_area(geometry) {
            Ok(_) => Some(geometry.to_string()),
            Err(problem) => {
                problems.push(said(format!("area: {problem}"), format!("area: vùng không hợp lệ ({problem})")));
                None
            }
        });
        match (village_id, operator, reported_at) {
            (Some(village_id), Some(operator), Some(reported_at)) if problems.is_empty() => {
                Ok(CheckedReport { village_id, operator, technology, quality, reported_at, area })
            }
            _ => Err(problems),
        }
    }
}

/// A required field left empty.
pub fn required(field: &str) -> Said {
    said(format!("{field}: required"), format!("{field}: bắt buộc phải có"))
}

/// An operator code no operator has.
pub fn unknown_operator(code: &str) -> Said {
    said(format!("operator: no operator has code '{code}'"), format!("operator: không có nhà mạng mã '{code}'"))
}

/// A value outside a fixed list.
fn not_one_of(field: &str, value: &str, allowed: &[&str]) -> Said {
    let allowed = allowed.join(", ");
    said(
        format!("{field}: '{value}' is not one of {allowed}"),
        format!("{field}: '{value}' không thuộc các giá trị {allowed}"),
    )
}

/// A report as recorded: what the map will show for the village.
#[derive(utoipa::ToSchema, Clone, Debug, PartialEq, serde::Serialize)]
pub struct RecordedReport {
    pub village_code: String,
    pub operator: String,
    pub technology: String,
    pub quality: String,
    pub reported_at: String,
}

/// Records one report (the operator's own for a telecom account), audited with it.
pub async fn report(
    db: &super::Db,
    principal: &super::access::Principal,
    submitted: &SubmittedReport,
) -> Result<RecordedReport, StoreError> {
    let rights = ReportingRights::load(db.pool(), principal).await?;
    let checked = rights.check(submitted).map_err(|problems| StoreError::Invalid(joined(&problems)))?;
    let village_code = submitted.village_code.trim();
    let mut tx = db.begin_write().await?;
    insert_checked(&mut tx, std::slice::from_ref(&checked), &principal.audit_name()).await?;
    let change = super::audit::Change {
        action: "report",
        entity_type: "village_coverage",
        entity_id: village_code,
        before: None,
        after: Some(&serde_json::json!(submitted)),
    };
    super::audit::record(&mut *tx, super::audit::Actor::Principal(principal), &change).await?;
    tx.commit().await?;
    let CheckedReport { operator, technology, quality, reported_at, .. } = checked;
    Ok(RecordedReport { village_code: village_code.to_owned(), operator, technology, quality, reported_at })
}

/// Several problems of one report as one message, in both languages.
fn joined(problems: &[Said]) -> Said {
    let en: Vec<&str> = problems.iter().map(|problem| problem.en.as_str()).collect();
    let vi: Vec<&str> = problems.iter().map(|problem| problem.vi.as_str()).collect();
    said(en.join("; "), vi.join("; "))
}

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
    db: &super::Db,
    principal: &super::access::Principal,
    file: &[u8],
    format: FileFormat,
    dry_run: bool,
) -> Result<super::imports::ImportOutcome, StoreError> {
    let rights = ReportingRights::load(db.pool(), principal).await?;
    let (check, action): (FileCheck, _) = match format {
        FileFormat::Csv => (check_csv, "import_csv"),
        FileFormat::GeoJson => (check_geojson, "import_geojson"),
    };
    let file = file.to_vec();
    let checked =
        super::off_the_runtime(move || check(&file, &rights)).await?.map_err(super::imports::rejected_file)?;
    let reports = &checked.rows;
    if !dry_run {
        let mut tx = db.begin_write().await?;
        insert_checked(&mut tx, reports, &principal.audit_name()).await?;
        let change = super::audit::Change {
            action,
            entity_type: "coverage_report",
            entity_id: "*",
            before: None,
            after: Some(&serde_json::json!({ "rows": reports.len() })),
        };
        super::audit::record(&mut *tx, super::audit::Actor::Principal(principal), &change).await?;
        tx.commit().await?;
    }
    Ok(checked.outcome(dry_run))
}

/// Inserts checked reports in the caller's transaction, a chunk of rows per statement.
pub async fn insert_checked(
    tx: &mut sqlx::Transaction<'_, Any>,
    reports: &[CheckedReport],
    reported_by: &str,
) -> Result<(), StoreError> {
    use super::db::{values_placeholders, BULK_CHUNK_ROWS};
    for chunk in reports.chunks(BULK_CHUNK_ROWS) {
        let sql = format!(
            "INSERT INTO coverage_report (village_id, operator, technology, quality, source, reported_at, reported_by, area)
             VALUES {}",
            values_placeholders(chunk.len(), 8)
        );
        let mut query = sqlx::query(&sql);
        for report in chunk {
            query = query
                .bind(report.village_id)
                .bind(&report.operator)
                .bind(&report.technology)
                .bind(&report.quality)
                .bind("operator")
                .bind(&report.reported_at)
                .bind(reported_by)
                .bind(report.area.as_deref());
        }
        query.execute(&mut **tx).await?;
    }
    Ok(())
}

/// One row of the coverage export: the latest report per village, operator, technology and source.
#[derive(Clone, Debug, PartialEq, serde::Serialize, sqlx::FromRow)]
pub struct LatestCoverage {
    pub village_code: String,
    pub village: String,
    pub commune_code: Option<String>,
    pub operator: String,
    pub technology: String,
    pub quality: String,
    pub source: String,
    pub reported_at: String,
    /// GeoJSON geometry text of the covered area, when the report drew one (not in CSV exports).
    #[serde(skip)]
    pub area: Option<String>,
}

/// The latest report of every village, operator, technology and source, by village code.
pub async fn latest_everywhere<'e, E>(executor: E) -> Result<Vec<LatestCoverage>, StoreError>
where
    E: Executor<'e, Database = Any>,
{
    Ok(sqlx::query_as(
        "SELECT v.code AS village_code, v.name AS village, c.code AS commune_code, r.operator, r.technology,
                r.quality, r.source, r.reported_at, r.area
         FROM coverage_report r
         JOIN admin_unit v ON v.id = r.village_id
         LEFT JOIN admin_unit c ON c.id = v.parent_id
         WHERE NOT EXISTS (
             SELECT 1 FROM coverage_report newer
             WHERE newer.village_id = r.village_id AND newer.operator = r.operator
               AND newer.technology = r.technology AND newer.source = r.source
               AND (newer.reported_at > r.reported_at OR (newer.reported_at = r.reported_at AND newer.id > r.id)))
         ORDER BY v.code, r.operator, r.technology, r.source",
    )
    .fetch_all(executor)
    .await?)
}

/// Every report of a village, newest first.
pub async fn village_history<'e, E>(
    executor: E,
    village_code: &str,
    page: super::db::Page,
) -> Result<Vec<ReportEntry>, StoreError>
where
    E: Executor<'e, Database = Any>,
{
    Ok(sqlx::query_as(
        "SELECT r.id, r.operator, r.technology, r.quality, r.source, r.reported_at, r.reported_by
         FROM coverage_report r JOIN admin_unit v ON v.id = r.village_id
         WHERE v.code = $1 AND v.level = 'village'
         ORDER BY r.reported_at DESC, r.id DESC
         LIMIT $2 OFFSET $3",
    )
    .bind(village_code)
    .bind(page.limit)
    .bind(page.offset)
    .fetch_all(executor)
    .await?)
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
    let text = std::str::from_utf8(bytes).map_err(|error| whole_file(super::imports::not_utf8(error.valid_up_to())))?;
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
    super::geometry::check_file_size(collection.features.iter().filter_map(|feature| feature.geometry.as_ref()))
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

/// What operators claim now, per village, operator and technology (field measurements left
/// out), with the drawn areas thinned for display when `with_areas`.
pub async fn operator_claims<'e, E>(executor: E, with_areas: bool) -> Result<Vec<model::VillageCoverage>, StoreError>
where
    E: Executor<'e, Database = Any>,
{
    Ok(latest_everywhere(executor)
        .await?
        .into_iter()
        .filter(|entry| entry.source == "operator")
        .map(|entry| model::VillageCoverage {
            areas: entry
                .area
                .as_deref()
                .filter(|_| with_areas)
                .and_then(super::geometry::read_stored)
                .map(|area| super::geometry::outer_rings(&super::geometry::simplify_for_display(&area)))
                .unwrap_or_default(),
            village_code: entry.village_code,
            operator: entry.operator,
            technology: entry.technology,
            quality: entry.quality,
        })
        .collect())
}

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
