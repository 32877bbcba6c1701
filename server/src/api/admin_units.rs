//! `GET /api/v1/admin-units?level=commune[&parent=CODE]`: boundaries simplified for display.

use super::error::{ApiError, ErrorBody};
use super::extract::{Json, Query};
use super::params;
use axum::extract::State;
use domain::admin_units::{self, DisplayUnit, Level};
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
