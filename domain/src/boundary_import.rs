//! Importing administrative boundaries from a GeoJSON FeatureCollection.
//!
//! All or nothing: every feature is checked first, then all are written in one transaction, and
//! any problem (in the file or against the database) leaves the database as it was. Every problem
//! is reported, each with the index of its feature, so one run shows everything to fix.

use super::admin_units::{self, Boundary, Level, NewUnit};
use super::geometry;
use super::{Db, StoreError};
use std::collections::HashSet;
use std::fmt;

/// One problem with one feature of the file (`index` counts from 0, as in the JSON array).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FeatureProblem {
    pub index: Option<usize>,
    pub message: String,
}

impl fmt::Display for FeatureProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.index {
            Some(index) => write!(f, "feature {index}: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

/// Why an import wrote nothing.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("the file was not imported: {} problem(s)", .0.len())]
    Rejected(Vec<FeatureProblem>),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// What an import changed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ImportSummary {
    pub created: usize,
    pub updated: usize,
}

/// A feature that passed the file-level checks.
struct CheckedFeature {
    index: usize,
    code: String,
    name: String,
    level: Option<Level>,
    parent_code: Option<String>,
    boundary: Boundary,
}

/// Imports the boundaries in `geojson_text` (see the module documentation), recording the import
/// in the audit log as done by `actor`.
pub async fn import_boundaries(
    db: &Db,
    geojson_text: &str,
    actor: super::audit::Actor<'_>,
) -> Result<ImportSummary, ImportError> {
    let text = geojson_text.to_owned();
    let features = super::off_the_runtime(move || check_file(&text)).await?.map_err(ImportError::Rejected)?;
    let mut problems = Vec::new();
    let mut summary = ImportSummary::default();
    let mut transaction = db.begin_write().await?;
    for feature in &features {
        let problem = |message: String| FeatureProblem { index: Some(feature.index), message };
        match admin_units::find_by_code(&mut *transaction, &feature.code).await? {
            Some((id, stored_level)) => {
                if let Some(level) = feature.level.filter(|level| *level != stored_level) {
                    problems.push(problem(format!(
                        "code {} is a {stored_level} in the database but the file says {level}",
                        feature.code
                    )));
                    continue;
                }
                admin_units::update_boundary(&mut *transaction, id, &feature.name, &feature.boundary).await?;
                summary.updated += 1;
            }
            None => {
                let Some(level) = feature.level else {
                    problems.push(problem(format!(
                        "code {} is not in the database; add a \"level\" property to create it",
                        feature.code
                    )));
                    continue;
                };
                let parent_id = match &feature.parent_code {
                    None => None,
                    Some(parent_code) => match admin_units::find_by_code(&mut *transaction, parent_code).await? {
                        Some((parent_id, _)) => Some(parent_id),
                        None => {
                            problems.push(problem(format!(
                                "parent_code {parent_code} is neither in the database nor earlier in the file"
                            )));
                            continue;
                        }
                    },
                };
                let unit = NewUnit {
                    parent_id,
                    level,
                    code: &feature.code,
                    name: &feature.name,
                    boundary: Some(&feature.boundary),
                };
                admin_units::insert(&mut *transaction, &unit).await?;
                summary.created += 1;
            }
        }
    }
    if !problems.is_empty() {
        transaction.rollback().await.map_err(StoreError::from)?;
        return Err(ImportError::Rejected(problems));
    }
    let codes: Vec<&str> = features.iter().map(|feature| feature.code.as_str()).collect();
    let after = serde_json::json!({ "created": summary.created, "updated": summary.updated, "codes": codes });
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
    transaction.commit().await.map_err(StoreError::from)?;
    Ok(summary)
}

/// Parses the file and checks every feature on its own, collecting every problem.
fn check_file(geojson_text: &str) -> Result<Vec<CheckedFeature>, Vec<FeatureProblem>> {
    let whole_file = |message: String| vec![FeatureProblem { index: None, message }];
    let parsed: geojson::GeoJson =
        geojson_text.parse().map_err(|error| whole_file(format!("not valid GeoJSON: {error}")))?;
    let geojson::GeoJson::FeatureCollection(collection) = parsed else {
        return Err(whole_file("the file must be a GeoJSON FeatureCollection".to_owned()));
    };
    if collection.features.is_empty() {
        return Err(whole_file("the FeatureCollection has no features".to_owned()));
    }
    geometry::check_file_size(collection.features.iter().filter_map(|feature| feature.geometry.as_ref()))
        .map_err(whole_file)?;
    let mut problems = Vec::new();
    let mut checked = Vec::new();
    let mut seen_codes = HashSet::new();
    for (index, feature) in collection.features.iter().enumerate() {
        match check_feature(index, feature) {
            Ok(feature) if !seen_codes.insert(feature.code.clone()) => problems.push(FeatureProblem {
                index: Some(index),
                message: format!("code {} appears more than once in the file", feature.code),
            }),
            Ok(feature) => checked.push(feature),
            Err(messages) => {
                problems.extend(messages.into_iter().map(|message| FeatureProblem { index: Some(index), message }))
            }
        }
    }
    if problems.is_empty() {
        Ok(checked)
    } else {
        Err(problems)
    }
}

fn check_feature(index: usize, feature: &geojson::Feature) -> Result<CheckedFeature, Vec<String>> {
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
        messages.push("property \"code\" is missing or empty".to_owned());
    }
    let name = text_property("name");
    if name.is_none() {
        messages.push("property \"name\" is missing or empty".to_owned());
    }
    let level = match text_property("level").map(|level| level.parse::<Level>()) {
        None => None,
        Some(Ok(level)) => Some(level),
        Some(Err(error)) => {
            messages.push(format!("property \"level\": {error}"));
            None
        }
    };
    let boundary = match &feature.geometry {
        None => {
            messages.push("geometry is missing".to_owned());
            None
        }
        Some(geometry_value) => match geometry::parse_area(geometry_value) {
            Ok(area) => geometry::bounding_box(&area).map(|(min_lon, min_lat, max_lon, max_lat)| Boundary {
                geojson: geojson::Geometry::from(&area).to_string(),
                min_lon,
                min_lat,
                max_lon,
                max_lat,
            }),
            Err(message) => {
                messages.push(message);
                None
            }
        },
    };
    match (code, name, boundary) {
        (Some(code), Some(name), Some(boundary)) if messages.is_empty() => {
            Ok(CheckedFeature { index, code, name, level, parent_code: text_property("parent_code"), boundary })
        }
        _ => Err(messages),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reports_every_bad_feature_with_its_index() {
        let file = r#"{"type":"FeatureCollection","features":[
            {"type":"Feature","properties":{"code":"1","name":"A"},
             "geometry":{"type":"Polygon","coordinates":[[[105,20],[105.1,20],[105.1,20.1],[105,20]]]}},
            {"type":"Feature","properties":{"name":"B"},
             "geometry":{"type":"Point","coordinates":[105,20]}},
            {"type":"Feature","properties":{"code":"1","name":"C"},
             "geometry":{"type":"Polygon","coordinates":[[[105,20],[105.1,20],[105.1,20.1],[105,20]]]}}
        ]}"#;
        let problems = check_file(file).err().expect("file is rejected");
        let rendered: Vec<String> = problems.iter().map(ToString::to_string).collect();
        assert_eq!(rendered.len(), 3, "{rendered:?}");
        assert!(rendered[0].starts_with("feature 1: property \"code\""));
        assert!(rendered[1].starts_with("feature 1: geometry must be a Polygon"));
        assert!(rendered[2].starts_with("feature 2: code 1 appears more than once"));
    }

    #[test]
    fn rejects_what_is_not_a_feature_collection() {
        let problems = check_file(r#"{"type":"Point","coordinates":[1,2]}"#).err().expect("rejected");
        assert_eq!(problems[0].index, None);
        assert!(check_file("not json").is_err());
    }
}
