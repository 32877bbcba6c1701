//! Exports of the current state for reporting and for operators' own systems: CSV (UTF-8 with a
//! byte-order mark, so spreadsheet programs show Vietnamese correctly) and GeoJSON. What an export
//! holds follows the caller's visibility, as the map does.

use super::ApiError;
use crate::auth::Caller;
use app::domain::access::Visibility;
use app::domain::cultural_houses::{self, HouseFilter};
use app::domain::{coverage, Db, StoreError};
use axum::extract::State;
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::Extension;
use serde::Serialize;

/// Builds a downloadable CSV answer from serialisable rows.
pub(super) fn csv_download<T: Serialize>(file_name: &str, rows: &[T]) -> Result<Response, ApiError> {
    let mut writer = csv::Writer::from_writer(Vec::from("\u{feff}".as_bytes()));
    for row in rows {
        writer.serialize(row).map_err(|error| StoreError::Invalid(format!("cannot write CSV: {error}")))?;
    }
    let bytes = writer.into_inner().map_err(|error| StoreError::Invalid(format!("cannot write CSV: {error}")))?;
    Ok(download(file_name, "text/csv; charset=utf-8", bytes))
}

pub(super) fn download(file_name: &str, content_type: &'static str, bytes: Vec<u8>) -> Response {
    let mut response = bytes.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    if let Ok(value) = HeaderValue::from_str(&format!("attachment; filename=\"{file_name}\"")) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    response
}

#[utoipa::path(get, path = "/api/v1/exports/cultural-houses.csv", tag = "exports",
    responses((status = 200, description = "CSV (UTF-8 with BOM) of the houses the caller may see", content_type = "text/csv", body = String)))]
/// `GET /api/v1/exports/cultural-houses.csv`
pub async fn cultural_houses_csv(
    State(db): State<Db>,
    Extension(Caller(viewer)): Extension<Caller>,
) -> Result<Response, ApiError> {
    let houses = cultural_houses::list(db.pool(), &HouseFilter::default(), Visibility::of(&viewer)).await?;
    csv_download("nha-van-hoa.csv", &houses)
}

#[utoipa::path(get, path = "/api/v1/exports/cultural-houses.geojson", tag = "exports",
    responses((status = 200, description = "GeoJSON of the houses the caller may see", content_type = "application/geo+json", body = Object)))]
/// `GET /api/v1/exports/cultural-houses.geojson`
pub async fn cultural_houses_geojson(
    State(db): State<Db>,
    Extension(Caller(viewer)): Extension<Caller>,
) -> Result<Response, ApiError> {
    let houses = cultural_houses::list(db.pool(), &HouseFilter::default(), Visibility::of(&viewer)).await?;
    let collection = super::cultural_houses::feature_collection(houses);
    Ok(download("nha-van-hoa.geojson", "application/geo+json", collection.to_string().into_bytes()))
}

#[utoipa::path(get, path = "/api/v1/exports/coverage.csv", tag = "exports",
    responses((status = 200, description = "CSV of the latest report per village, operator, technology and source", content_type = "text/csv", body = String)))]
/// `GET /api/v1/exports/coverage.csv`: the latest report per village, operator, technology, source.
pub async fn coverage_csv(State(db): State<Db>) -> Result<Response, ApiError> {
    let rows = coverage::latest_everywhere(db.pool()).await?;
    csv_download("vung-phu-song.csv", &rows)
}
