//! Importing administrative boundaries from a GeoJSON FeatureCollection.
//!
//! All or nothing: every feature is checked first, then all are written in one transaction, and
//! any problem (in the file or against the database) leaves the database as it was. Every problem
//! is reported, each with the index of its feature, so one run shows everything to fix.
//!
//! A feature names its unit by `code`, and by `valid_from` when a code has named several units
//! over time (see [`crate::admin_units`]). A boundary for a unit that a reorganisation has not
//! created yet (its `valid_from` is later than the current unit of its code) is kept aside and
//! given to that unit when the reorganisation is imported: boundaries may come before or after.
//! Rings that simplification made cross themselves are repaired on request (`repair`), and the
//! outcome says which features were repaired and how much their area changed.

use super::admin_units::{self, Boundary, Level, NewUnit};
use super::geometry;
use super::imports::{self, RowProblem};
use super::{Db, StoreError};
use model::{said, Said};
use serde::Serialize;
use std::collections::HashSet;

/// How to import a file.
#[derive(Clone, Copy, Debug, Default)]
pub struct BoundaryOptions {
    /// Check and write in a transaction that is rolled back: the outcome is exact, nothing stays.
    pub dry_run: bool,
    /// Repair rings that cross or touch themselves instead of refusing them.
    pub repair: bool,
}

/// A feature whose area was repaired, and what the repair did.
#[derive(utoipa::ToSchema, Clone, Debug, PartialEq, Serialize)]
pub struct RepairedFeature {
    pub feature: u64,
    pub code: String,
    /// What was repaired and how the area changed, in English.
    pub summary: String,
}

/// What an import changed (or, in a dry run, would change).
#[derive(utoipa::ToSchema, Clone, Debug, Default, PartialEq, Serialize)]
pub struct BoundaryOutcome {
    pub features: usize,
    pub dry_run: bool,
    pub created: usize,
    pub updated: usize,
    /// Boundaries kept for units that a reorganisation will create from their `valid_from`.
    pub pending: usize,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub repaired: Vec<RepairedFeature>,
}

/// A feature that passed the file-level checks.
struct CheckedFeature {
    index: usize,
    code: String,
    name: String,
    level: Option<Level>,
    parent_code: Option<String>,
    valid_from: Option<String>,
    boundary: Boundary,
}

/// What the import does with one feature, decided against the database.
enum Target {
    Update(i64),
    Create,
    Pending,
}

/// Imports the boundaries of a GeoJSON file (see the module documentation), recording the import
/// in the audit log as done by `actor` (an account must be an administrator's).
pub async fn import_boundaries(
    db: &Db,
    file: &[u8],
    options: BoundaryOptions,
    actor: super::audit::Actor<'_>,
) -> Result<BoundaryOutcome, StoreError> {
    if let super::audit::Actor::Principal(principal) = actor {
        super::access::require(principal, model::Capability::Administer)?;
    }
    let text = std::str::from_utf8(file)
        .map_err(|error| imports::rejected_file(vec![RowProblem::whole_file(imports::not_utf8(error.valid_up_to()))]))?
        .to_owned();
    let (features, repaired) =
        super::off_the_runtime(move || check_file(&text, options.repair)).await?.map_err(imports::rejected_file)?;
    let mut problems = Vec::new();
    let mut outcome =
        BoundaryOutcome { features: features.len(), dry_run: options.dry_run, repaired, ..BoundaryOutcome::default() };
    let mut transaction = db.begin_write().await?;
    for feature in &features {
        let problem = |said: Said| RowProblem::at_feature(feature.index as u64, said);
        let target = match target_of(&mut transaction, feature).await? {
            Ok(target) => target,
            Err(said) => {
                problems.push(problem(said));
                continue;
            }
        };
        match target {
            Target::Update(id) => {
                admin_units::update_boundary(&mut *transaction, id, &feature.name, &feature.boundary).await?;
                outcome.updated += 1;
            }
            Target::Pending => {
                keep_pending(&mut transaction, feature).await?;
                outcome.pending += 1;
            }
            Target::Create => match create(&mut transaction, feature).await? {
                Ok(()) => outcome.created += 1,
                Err(said) => problems.push(problem(said)),
            },
        }
    }
    if !problems.is_empty() {
        transaction.rollback().await?;
        return Err(imports::rejected_file(problems));
    }
    let codes: Vec<&str> = features.iter().map(|feature| feature.code.as_str()).collect();
    let after = serde_json::json!({
        "created": outcome.created, "updated": outcome.updated, "pending": outcome.pending,
        "repaired": outcome.repaired.iter().map(|repaired| &repaired.code).collect::<Vec<_>>(), "codes": codes,
    });
    super::audit::record(
        &mut *transaction,
        actor,
        &super::audit::Change {
            action: "import_boundaries",
            entity_type: "admin_unit",
            entity_id: "*",
            before: None,
            after: Some(&after),
        },
    )
    .await?;
    if options.dry_run {
        transaction.rollback().await?;
    } else {
        transaction.commit().await?;
    }
    Ok(outcome)
}

/// Which unit a feature's boundary belongs to: the current unit of its code, the unit of its
/// code from its `valid_from`, a unit to come, or a new unit.
async fn target_of(
    transaction: &mut sqlx::Transaction<'_, sqlx::Any>,
    feature: &CheckedFeature,
) -> Result<Result<Target, Said>, StoreError> {
    let current: Option<(i64, String, String)> =
        sqlx::query_as("SELECT id, level, valid_from FROM admin_unit WHERE code = $1 AND valid_to IS NULL")
            .bind(&feature.code)
            .fetch_optional(&mut **transaction)
            .await?;
    if let Some(valid_from) = &feature.valid_from {
        let version: Option<(i64, String)> =
            sqlx::query_as("SELECT id, level FROM admin_unit WHERE code = $1 AND valid_from = $2")
                .bind(&feature.code)
                .bind(valid_from)
                .fetch_optional(&mut **transaction)
                .await?;
        if let Some((id, level)) = version {
            return Ok(check_level(feature, &level).map(|()| Target::Update(id)));
        }
        if let Some((_, _, current_from)) = &current {
            return Ok(if valid_from > current_from {
                Ok(Target::Pending)
            } else {
                Err(said(
                    format!(
                        "code {} has no unit from {valid_from} (its current unit dates from {current_from})",
                        feature.code
                    ),
                    format!(
                        "mã {} không có đơn vị nào từ ngày {valid_from} (đơn vị hiện hành có từ ngày {current_from})",
                        feature.code
                    ),
                ))
            });
        }
    }
    if let Some((id, level, _)) = current {
        return Ok(check_level(feature, &level).map(|()| Target::Update(id)));
    }
    // No current unit: the code may still name one unit of the past (a commune merged away),
    // whose boundary the file gives; several such units need the feature's `valid_from`.
    let ended: Vec<(i64, String, String)> =
        sqlx::query_as("SELECT id, level, valid_to FROM admin_unit WHERE code = $1 ORDER BY valid_from")
            .bind(&feature.code)
            .fetch_all(&mut **transaction)
            .await?;
    Ok(match ended.as_slice() {
        [] => Ok(Target::Create),
        [(id, level, _)] => check_level(feature, level).map(|()| Target::Update(*id)),
        [.., (_, _, last_end)] => Err(said(
            format!(
                "code {} named several units, the last until {last_end}; add \"valid_from\" to say which one",
                feature.code
            ),
            format!(
                "mã {} đã dùng cho nhiều đơn vị, đơn vị sau cùng đến ngày {last_end}; thêm \"valid_from\" để chỉ rõ đơn vị nào",
                feature.code
            ),
        )),
    })
}

fn check_level(feature: &CheckedFeature, stored: &str) -> Result<(), Said> {
    match feature.level.filter(|level| level.as_str() != stored) {
        Some(level) => Err(said(
            format!("code {} is a {stored} in the database but the file says {level}", feature.code),
            format!("mã {} là cấp {stored} trong cơ sở dữ liệu nhưng tệp ghi {level}", feature.code),
        )),
        None => Ok(()),
    }
}

/// Keeps a boundary for the unit a reorganisation will create (replacing one kept before).
async fn keep_pending(
    transaction: &mut sqlx::Transaction<'_, sqlx::Any>,
    feature: &CheckedFeature,
) -> Result<(), StoreError> {
    let valid_from = feature.valid_from.as_deref().unwrap_or_default();
    sqlx::query("DELETE FROM admin_unit_pending_boundary WHERE code = $1 AND valid_from = $2")
        .bind(&feature.code)
        .bind(valid_from)
        .execute(&mut **transaction)
        .await?;
    let boundary = &feature.boundary;
    sqlx::query(
        "INSERT INTO admin_unit_pending_boundary (code, valid_from, name, boundary, min_lon, min_lat, max_lon, max_lat)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(&feature.code)
    .bind(valid_from)
    .bind(&feature.name)
    .bind(&boundary.geojson)
    .bind(boundary.min_lon)
    .bind(boundary.min_lat)
    .bind(boundary.max_lon)
    .bind(boundary.max_lat)
    .execute(&mut **transaction)
    .await?;
    Ok(())
}

/// Creates the unit a feature describes, under its parent.
async fn create(
    transaction: &mut sqlx::Transaction<'_, sqlx::Any>,
    feature: &CheckedFeature,
) -> Result<Result<(), Said>, StoreError> {
    let Some(level) = feature.level else {
        return Ok(Err(said(
            format!("code {} is not in the database; add a \"level\" property to create it", feature.code),
            format!("mã {} chưa có trong cơ sở dữ liệu; thêm thuộc tính \"level\" để tạo đơn vị", feature.code),
        )));
    };
    let parent_id = match &feature.parent_code {
        None => None,
        Some(parent_code) => match admin_units::find_by_code(&mut **transaction, parent_code).await? {
            Some((parent_id, _)) => Some(parent_id),
            None => {
                return Ok(Err(said(
                    format!("parent_code {parent_code} is neither in the database nor earlier in the file"),
                    format!("parent_code {parent_code} không có trong cơ sở dữ liệu, cũng không ở phía trên trong tệp"),
                )))
            }
        },
    };
    let unit =
        NewUnit { parent_id, level, code: &feature.code, name: &feature.name, boundary: Some(&feature.boundary) };
    let id = admin_units::insert(&mut **transaction, &unit).await?;
    if let Some(valid_from) = &feature.valid_from {
        sqlx::query("UPDATE admin_unit SET valid_from = $2 WHERE id = $1")
            .bind(id)
            .bind(valid_from)
            .execute(&mut **transaction)
            .await?;
    }
    Ok(Ok(()))
}

/// A problem of the whole file.
fn whole_file(en: impl Into<String>, vi: impl Into<String>) -> Vec<RowProblem> {
    vec![RowProblem::whole_file(said(en, vi))]
}

/// Parses the file and checks every feature on its own, collecting every problem; with `repair`,
/// broken rings are repaired and listed.
fn check_file(
    geojson_text: &str,
    repair: bool,
) -> Result<(Vec<CheckedFeature>, Vec<RepairedFeature>), Vec<RowProblem>> {
    let parsed: geojson::GeoJson = geojson_text.parse().map_err(|error| {
        whole_file(format!("not valid GeoJSON: {error}"), format!("không phải GeoJSON hợp lệ: {error}"))
    })?;
    let geojson::GeoJson::FeatureCollection(collection) = parsed else {
        return Err(whole_file(
            "the file must be a GeoJSON FeatureCollection",
            "tệp phải là một GeoJSON FeatureCollection",
        ));
    };
    if collection.features.is_empty() {
        return Err(whole_file("the FeatureCollection has no features", "FeatureCollection không có đối tượng nào"));
    }
    geometry::check_file_size(collection.features.iter().filter_map(|feature| feature.geometry.as_ref()))
        .map_err(|message| whole_file(message.clone(), format!("tệp quá lớn: {message}")))?;
    let mut problems = Vec::new();
    let mut checked = Vec::new();
    let mut repaired = Vec::new();
    let mut seen = HashSet::new();
    for (index, feature) in collection.features.iter().enumerate() {
        let at = |said: Said| RowProblem::at_feature(index as u64, said);
        match check_feature(index, feature, repair) {
            Ok((feature, _)) if !seen.insert((feature.code.clone(), feature.valid_from.clone())) => {
                problems.push(at(said(
                    format!("code {} appears more than once in the file", feature.code),
                    format!("mã {} xuất hiện nhiều lần trong tệp", feature.code),
                )))
            }
            Ok((feature, repair)) => {
                if let Some(summary) = repair {
                    repaired.push(RepairedFeature { feature: index as u64, code: feature.code.clone(), summary });
                }
                checked.push(feature);
            }
            Err(messages) => problems.extend(messages.into_iter().map(at)),
        }
    }
    if problems.is_empty() {
        Ok((checked, repaired))
    } else {
        Err(problems)
    }
}

/// A geometry problem in both languages (the geometry checks word their findings in English).
fn geometry_problem(message: String) -> Said {
    said(message.clone(), format!("ranh giới không dùng được: {message}"))
}

/// A checked feature, with what its repair did when it needed one.
fn check_feature(
    index: usize,
    feature: &geojson::Feature,
    repair: bool,
) -> Result<(CheckedFeature, Option<String>), Vec<Said>> {
    let mut messages = Vec::new();
    let text_property = |name: &str| -> Option<String> {
        match feature.property(name)? {
            serde_json::Value::String(text) => Some(text.trim().to_owned()).filter(|t| !t.is_empty()),
            serde_json::Value::Number(number) => Some(number.to_string()),
            _ => None,
        }
    };
    let code = text_property("code");
    if code.is_none() {
        messages.push(said("property \"code\" is missing or empty", "thiếu thuộc tính \"code\" (mã đơn vị)"));
    }
    let name = text_property("name");
    if name.is_none() {
        messages.push(said("property \"name\" is missing or empty", "thiếu thuộc tính \"name\" (tên đơn vị)"));
    }
    let level = match text_property("level").map(|level| level.parse::<Level>()) {
        None => None,
        Some(Ok(level)) => Some(level),
        Some(Err(error)) => {
            messages.push(said(format!("property \"level\": {error}"), format!("thuộc tính \"level\": {error}")));
            None
        }
    };
    let valid_from = match text_property("valid_from").map(|text| super::tabular::parse_date(&text)) {
        None => None,
        Some(Ok(Some(date))) if date.len() == 10 => Some(date),
        Some(_) => {
            messages.push(said(
                "property \"valid_from\" must be a day like 2025-07-01",
                "thuộc tính \"valid_from\" phải là một ngày như 2025-07-01",
            ));
            None
        }
    };
    let mut repair_summary = None;
    let area = match &feature.geometry {
        None => {
            messages.push(said("geometry is missing", "thiếu hình (geometry)"));
            None
        }
        Some(geometry_value) => match geometry::read_area(geometry_value) {
            Err(message) => {
                messages.push(geometry_problem(message));
                None
            }
            Ok(area) => match geometry::check_area(&area) {
                Ok(()) => Some(area),
                Err(problem) if repair => match geometry::repair_area(&area) {
                    Ok(repaired) => {
                        repair_summary = Some(repaired.summary());
                        Some(repaired.area)
                    }
                    Err(why) => {
                        messages.push(geometry_problem(format!("invalid geometry: {problem}; not repaired: {why}")));
                        None
                    }
                },
                Err(problem) => {
                    messages.push(said(
                        format!("invalid geometry: {problem} (import with repair to repair such rings)"),
                        format!(
                            "ranh giới không hợp lệ: {problem} (nhập với tùy chọn sửa ranh giới để tự sửa các vòng như vậy)"
                        ),
                    ));
                    None
                }
            },
        },
    };
    let boundary = area.and_then(|area| {
        geometry::bounding_box(&area).map(|(min_lon, min_lat, max_lon, max_lat)| Boundary {
            geojson: geojson::Geometry::from(&area).to_string(),
            min_lon,
            min_lat,
            max_lon,
            max_lat,
        })
    });
    match (code, name, boundary) {
        (Some(code), Some(name), Some(boundary)) if messages.is_empty() => Ok((
            CheckedFeature {
                index,
                code,
                name,
                level,
                parent_code: text_property("parent_code"),
                valid_from,
                boundary,
            },
            repair_summary,
        )),
        _ => Err(messages),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SQUARE: &str = r#"{"type":"Polygon","coordinates":[[[105,20],[105.1,20],[105.1,20.1],[105,20.1],[105,20]]]}"#;
    /// A square with a spike that runs out and back along itself, as simplification leaves them.
    const SPIKY: &str = r#"{"type":"Polygon","coordinates":[[[105.6,20.2],[105.62,20.2],[105.62,20.21],[105.63,20.21],
        [105.62,20.21],[105.62,20.22],[105.6,20.22],[105.6,20.2]]]}"#;

    fn collection(features: &[(&str, &str)]) -> String {
        let features: Vec<String> = features
            .iter()
            .map(|(properties, geometry)| {
                format!(r#"{{"type":"Feature","properties":{properties},"geometry":{geometry}}}"#)
            })
            .collect();
        format!(r#"{{"type":"FeatureCollection","features":[{}]}}"#, features.join(","))
    }

    #[test]
    fn reports_every_bad_feature_with_its_index() {
        let file = collection(&[
            (r#"{"code":"1","name":"A"}"#, SQUARE),
            (r#"{"name":"B"}"#, r#"{"type":"Point","coordinates":[105,20]}"#),
            (r#"{"code":"1","name":"C"}"#, SQUARE),
        ]);
        let problems = check_file(&file, false).err().expect("file is rejected");
        let found: Vec<(Option<u64>, &str)> =
            problems.iter().map(|problem| (problem.feature, problem.message.as_str())).collect();
        assert_eq!(found.len(), 3, "{found:?}");
        assert!(found[0].0 == Some(1) && found[0].1.starts_with("property \"code\""), "{found:?}");
        assert!(found[1].0 == Some(1) && found[1].1.starts_with("geometry must be a Polygon"), "{found:?}");
        assert!(found[2].0 == Some(2) && found[2].1.starts_with("code 1 appears more than once"), "{found:?}");
        assert!(problems.iter().all(|problem| !problem.message_vi.is_empty()));
    }

    #[test]
    fn a_broken_ring_is_refused_or_repaired_on_request() {
        let file = collection(&[(r#"{"code":"1","name":"A"}"#, SQUARE), (r#"{"code":"2","name":"B"}"#, SPIKY)]);
        let problems = check_file(&file, false).err().expect("refused without repair");
        assert_eq!(problems[0].feature, Some(1));
        assert!(problems[0].message.contains("repair"), "{}", problems[0].message);
        let Ok((features, repaired)) = check_file(&file, true) else { panic!("the ring is repaired") };
        assert_eq!(features.len(), 2);
        assert_eq!(repaired.len(), 1);
        assert_eq!((repaired[0].feature, repaired[0].code.as_str()), (1, "2"));
        assert!(repaired[0].summary.contains("repaired"), "{}", repaired[0].summary);
    }

    #[test]
    fn rejects_what_is_not_a_feature_collection() {
        let problems = check_file(r#"{"type":"Point","coordinates":[1,2]}"#, false).err().expect("rejected");
        assert_eq!(problems[0].feature, None);
        assert!(check_file("not json", false).is_err());
    }
}
