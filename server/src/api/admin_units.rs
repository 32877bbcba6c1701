//! `GET /api/v1/admin-units?level=commune[&parent=CODE]`: boundaries simplified for display;
//! `POST /api/v1/imports/boundaries` and `POST /api/v1/imports/reorganisation`: the units
//! themselves, for administrators.

use super::auth::SignedIn;
use super::error::{ApiError, ErrorBody};
use super::extract::{Json, Query, Upload};
use super::params::{self, ImportQuery};
use axum::extract::State;
use domain::admin_units::{self, DisplayUnit, Level};
use domain::audit::Actor;
use domain::boundary_import::{self, BoundaryOptions, BoundaryOutcome};
use domain::reorganisation::{self, ReorganisationOutcome};
use domain::Db;
use geojson::{Feature, FeatureCollection, Geometry, JsonObject};
use serde::Deserialize;
use serde_json::json;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListQuery {
    level: Option<String>,
    parent: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/admin-units", tag = "administrative units",
    params(("level" = String, Query, description = "country, province, district, commune or village"),
        ("parent" = Option<String>, Query, description = "Code of the parent unit")),
    responses((status = 200, description = "GeoJSON FeatureCollection of boundaries simplified for display", body = Object), (status = 400, description = "Malformed parameters or body", body = ErrorBody)))]
pub async fn list(State(db): State<Db>, Query(query): Query<ListQuery>) -> Result<Json<FeatureCollection>, ApiError> {
    let level_text = params::required("level", query.level, "country, province, district, commune or village")?;
    let level: Level = level_text.parse().map_err(|error| ApiError::invalid("level", format!("{error}")))?;
    let units = admin_units::list_for_display(db.pool(), level, params::optional(query.parent.as_deref())).await?;
    Ok(Json(FeatureCollection {
        bbox: None,
        features: units.into_iter().map(unit_feature).collect(),
        foreign_members: None,
    }))
}

fn unit_feature(unit: DisplayUnit) -> Feature {
    let mut properties = JsonObject::new();
    properties.insert("code".into(), json!(unit.code));
    properties.insert("name".into(), json!(unit.name));
    properties.insert("level".into(), json!(unit.level));
    properties.insert("parent_code".into(), json!(unit.parent_code));
    Feature {
        bbox: None,
        geometry: unit.area.as_ref().map(Geometry::from),
        id: Some(geojson::feature::Id::String(unit.code)),
        properties: Some(properties),
        foreign_members: None,
    }
}

/// The query of the boundary import.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct BoundaryQuery {
    /// true: check the file and answer what would change, writing nothing
    dry_run: Option<bool>,
    /// true: repair rings that cross or touch themselves instead of refusing them; the answer
    /// lists each repaired feature
    repair: Option<bool>,
}

#[utoipa::path(post, path = "/api/v1/imports/boundaries", tag = "imports",
    params(BoundaryQuery),
    request_body(content = Object, content_type = "application/geo+json",
        description = "A FeatureCollection of Polygon/MultiPolygon features with properties code and name, and level, parent_code to create a unit, valid_from for a unit a reorganisation creates on that day"),
    responses((status = 200, description = "Imported (or would import) these boundaries", body = BoundaryOutcome),
        (status = 413, description = "Larger than 16 MiB", body = ErrorBody),
        (status = 422, description = "Rejected whole; `problems` lists each bad feature by index", body = ErrorBody)))]
/// `POST /api/v1/imports/boundaries[?dry_run=true][&repair=true]`: administrative boundaries,
/// all or nothing.
pub async fn import_boundaries(
    State(db): State<Db>,
    SignedIn(principal): SignedIn,
    Query(query): Query<BoundaryQuery>,
    Upload(file): Upload,
) -> Result<Json<BoundaryOutcome>, ApiError> {
    let options = BoundaryOptions { dry_run: query.dry_run.unwrap_or(false), repair: query.repair.unwrap_or(false) };
    Ok(Json(boundary_import::import_boundaries(&db, &file, options, Actor::Principal(&principal)).await?))
}

#[utoipa::path(post, path = "/api/v1/imports/reorganisation", tag = "imports",
    params(ImportQuery),
    request_body(content = String, content_type = "text/csv",
        description = "CSV or XLSX. Columns: old_code, new_code, new_name, effective_date, and optionally old_name, legal_basis, new_parent_code (Vietnamese headers accepted). An empty new_code dissolves a district"),
    responses((status = 200, description = "Applied (or would apply) the reorganisation", body = ReorganisationOutcome),
        (status = 413, description = "Larger than 16 MiB", body = ErrorBody),
        (status = 422, description = "Rejected whole; `problems` lists each bad line", body = ErrorBody)))]
/// `POST /api/v1/imports/reorganisation[?dry_run=true]`: units merged or dissolved on a date,
/// all or nothing; importing the same file again changes nothing.
pub async fn import_reorganisation(
    State(db): State<Db>,
    SignedIn(principal): SignedIn,
    Query(query): Query<ImportQuery>,
    Upload(file): Upload,
) -> Result<Json<ReorganisationOutcome>, ApiError> {
    Ok(Json(reorganisation::import(&db, &file, query.dry_run(), Actor::Principal(&principal)).await?))
}
