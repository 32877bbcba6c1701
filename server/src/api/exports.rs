//! Exports of the current state for reporting and for operators' own systems: CSV and GeoJSON.
//! What an export holds follows the caller's visibility, as the map does.

use super::error::ApiError;
use crate::auth::Caller;
use crate::files::Download;
use axum::extract::State;
use domain::access::Visibility;
use domain::cultural_houses::{self, HouseFilter};
use domain::{coverage, Db};

#[utoipa::path(get, path = "/api/v1/exports/cultural-houses.csv", tag = "exports",
    responses((status = 200, description = "CSV (UTF-8 with BOM) of the houses the caller may see", content_type = "text/csv", body = String)))]
/// `GET /api/v1/exports/cultural-houses.csv`
pub async fn cultural_houses_csv(State(db): State<Db>, Caller(viewer): Caller) -> Result<Download, ApiError> {
    let houses = cultural_houses::list(db.pool(), &HouseFilter::default(), Visibility::of(&viewer)).await?;
    Ok(Download::csv("nha-van-hoa.csv", &houses)?)
}

#[utoipa::path(get, path = "/api/v1/exports/cultural-houses.geojson", tag = "exports",
    responses((status = 200, description = "GeoJSON of the houses the caller may see", content_type = "application/geo+json", body = Object)))]
/// `GET /api/v1/exports/cultural-houses.geojson`
pub async fn cultural_houses_geojson(State(db): State<Db>, Caller(viewer): Caller) -> Result<Download, ApiError> {
    let houses = cultural_houses::list(db.pool(), &HouseFilter::default(), Visibility::of(&viewer)).await?;
    let collection = super::cultural_houses::feature_collection(houses);
    Ok(Download {
        file_name: "nha-van-hoa.geojson".into(),
        content_type: "application/geo+json",
        bytes: collection.to_string().into_bytes(),
    })
}

#[utoipa::path(get, path = "/api/v1/exports/coverage.csv", tag = "exports",
    responses((status = 200, description = "CSV of the latest report per village, operator, technology and source", content_type = "text/csv", body = String)))]
/// `GET /api/v1/exports/coverage.csv`: the latest report per village, operator, technology, source.
pub async fn coverage_csv(State(db): State<Db>) -> Result<Download, ApiError> {
    Ok(Download::csv("vung-phu-song.csv", &coverage::latest_everywhere(db.pool()).await?)?)
}
