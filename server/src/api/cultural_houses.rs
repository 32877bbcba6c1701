//! Cultural houses: the listing, one house, its Wi-Fi (edit, history, import).

use super::error::ApiError;
use super::error::ErrorBody;
use super::extract::{IfMatch, Json, Listing, NoFilter, Paged, Path, Query, Upload, Versioned};
use super::paging::HISTORY_PAGE;
use super::params::{self, ImportQuery};
use crate::auth::{Caller, SignedIn};
use axum::extract::State;
use domain::access::Visibility;
use domain::cultural_houses::{self, HouseFilter, WifiUpdate};
use domain::house_placement::{self, Placement};
use domain::imports::ImportOutcome;
use domain::Db;
use geojson::{Feature, FeatureCollection, Geometry, JsonObject, Value};
use model::{CulturalHouse, CulturalHouseDetail, WifiChange};
use serde::Deserialize;
use serde_json::json;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListQuery {
    /// `minLon,minLat,maxLon,maxLat`
    bbox: Option<String>,
    /// One status or several separated by commas.
    status: Option<String>,
    /// Commune code (GSO).
    commune: Option<String>,
}

impl ListQuery {
    async fn filter(&self, db: &Db) -> Result<HouseFilter, ApiError> {
        Ok(HouseFilter {
            bbox: self.bbox.as_deref().map(params::bbox).transpose()?,
            statuses: self.status.as_deref().map(params::statuses).transpose()?.unwrap_or_default(),
            commune_code: match &self.commune {
                Some(code) => Some(params::commune(db, code).await?),
                None => None,
            },
            ..HouseFilter::default()
        })
    }
}

#[utoipa::path(get, path = "/api/v1/cultural-houses", tag = "cultural houses",
    params(
        ("bbox" = Option<String>, Query, description = "minLon,minLat,maxLon,maxLat"),
        ("status" = Option<String>, Query, description = "One or more of active, broken, installing, planned, none, comma separated"),
        ("commune" = Option<String>, Query, description = "GSO code of a commune"),
        ("limit" = Option<i64>, Query, description = "Page size, 1 to 5000 (default: everything)"),
        ("offset" = Option<i64>, Query, description = "Houses to skip, with limit; a full page carries a Link rel=next header"),
    ),
    responses((status = 200, description = "GeoJSON FeatureCollection of Points", content_type = "application/geo+json", body = Object), (status = 400, description = "Malformed parameters or body", body = ErrorBody)))]
/// The public sees houses with working Wi-Fi everywhere; accounts see every house in scope.
pub async fn list(
    State(db): State<Db>,
    Caller(viewer): Caller,
    listing: Listing<ListQuery>,
) -> Result<impl axum::response::IntoResponse, ApiError> {
    let page = listing.page;
    let filter = HouseFilter {
        limit: page.map(|page| page.limit),
        offset: page.map_or(0, |page| page.offset),
        ..listing.filter.filter(&db).await?
    };
    let houses = cultural_houses::list(db.pool(), &filter, Visibility::of(&viewer)).await?;
    Ok((listing.link(houses.len()), Json(feature_collection(houses))))
}

/// Houses as a GeoJSON FeatureCollection of Points.
pub fn feature_collection(houses: Vec<CulturalHouse>) -> FeatureCollection {
    FeatureCollection {
        bbox: None,
        features: houses.into_iter().map(|house| house_feature(house, None)).collect(),
        foreign_members: None,
    }
}

#[utoipa::path(get, path = "/api/v1/cultural-houses/{id}", tag = "cultural houses",
    params(("id" = i64, Path, description = "Cultural house id")),
    responses((status = 200, description = "GeoJSON Feature with `coverage`; the ETag header is the version", body = Object),
        (status = 404, description = "No such house visible to the caller", body = ErrorBody)))]
/// One house; the `ETag` carries its version, to send back as `If-Match` when editing.
pub async fn get_one(
    State(db): State<Db>,
    Caller(viewer): Caller,
    Path(id): Path<i64>,
) -> Result<Versioned<Feature>, ApiError> {
    let CulturalHouseDetail { house, coverage } = cultural_houses::detail(db.pool(), id, Visibility::of(&viewer))
        .await
        .map_err(ApiError::not_found("cultural house"))?;
    Ok(Versioned(house.version, house_feature(house, Some(json!(coverage)))))
}

#[utoipa::path(put, path = "/api/v1/cultural-houses/{id}/wifi", tag = "cultural houses",
    params(("id" = i64, Path, description = "Cultural house id"),
        ("If-Match" = String, Header, description = "The ETag (version) of the house as read, e.g. \"3\"")),
    request_body = WifiUpdate,
    responses((status = 200, description = "The house as it now is (GeoJSON Feature); new ETag", body = Object), (status = 400, description = "Malformed parameters or body", body = ErrorBody),
        (status = 403, description = "Role, scope or operator does not allow it", body = ErrorBody),
        (status = 409, description = "Changed meanwhile; `current_version` says by how much", body = ErrorBody),
        (status = 422, description = "A field breaks a rule", body = ErrorBody),
        (status = 428, description = "If-Match missing", body = ErrorBody)))]
/// `PUT /api/v1/cultural-houses/{id}/wifi`: replaces the Wi-Fi state; answers the house as it
/// now is. `If-Match` with the version read (the `ETag` of the house) is required: a stale version
/// is a 409, so two operators' edits never silently overwrite each other.
pub async fn update_wifi(
    State(db): State<Db>,
    SignedIn(principal): SignedIn,
    Path(id): Path<i64>,
    IfMatch(version): IfMatch,
    Json(update): Json<WifiUpdate>,
) -> Result<Versioned<Feature>, ApiError> {
    let house = cultural_houses::update_wifi(&db, &principal, id, version, update)
        .await
        .map_err(ApiError::not_found("cultural house"))?;
    Ok(Versioned(house.version, house_feature(house, None)))
}

#[utoipa::path(get, path = "/api/v1/cultural-houses/{id}/wifi-history", tag = "cultural houses",
    params(("id" = i64, Path, description = "Cultural house id"),
        ("limit" = Option<i64>, Query, description = "Page size, 1 to 5000 (default 1000)"),
        ("offset" = Option<i64>, Query, description = "Versions to skip; a full page carries a Link rel=next header")),
    responses((status = 200, description = "Every version, newest first", body = Vec<WifiChange>),
        (status = 404, description = "No such house visible to the caller", body = ErrorBody)))]
/// `GET /api/v1/cultural-houses/{id}/wifi-history`: every version of the house's Wi-Fi, newest first.
pub async fn wifi_history(
    State(db): State<Db>,
    Caller(viewer): Caller,
    Path(id): Path<i64>,
    listing: Listing<NoFilter, HISTORY_PAGE>,
) -> Result<Paged<WifiChange>, ApiError> {
    let history = cultural_houses::wifi_history(db.pool(), id, Visibility::of(&viewer), listing.page_or_all())
        .await
        .map_err(ApiError::not_found("cultural house"))?;
    Ok(listing.answer(history))
}

#[utoipa::path(post, path = "/api/v1/imports/wifi", tag = "imports",
    params(ImportQuery),
    request_body(content = String, content_type = "text/csv",
        description = "Columns: cultural_house_id or village_code, status, provider, bandwidth_mbps, installed_at, last_verified_at"),
    responses((status = 200, description = "Imported (or would import) this many rows", body = ImportOutcome),
        (status = 403, description = "Role, scope or operator does not allow it", body = ErrorBody),
        (status = 413, description = "Larger than 16 MiB", body = ErrorBody),
        (status = 422, description = "Rejected whole; `problems` lists each bad line", body = ErrorBody)))]
/// `POST /api/v1/imports/wifi[?dry_run=true]` with a CSV body: the Wi-Fi of many houses at once,
/// all or nothing, each change in the house's timeline and the audit log.
pub async fn import_wifi(
    State(db): State<Db>,
    SignedIn(principal): SignedIn,
    Query(query): Query<ImportQuery>,
    Upload(file): Upload,
) -> Result<Json<ImportOutcome>, ApiError> {
    Ok(Json(cultural_houses::import_wifi_file(&db, &principal, &file, query.dry_run()).await?))
}

#[utoipa::path(put, path = "/api/v1/cultural-houses/{id}/position", tag = "cultural houses",
    params(("id" = i64, Path, description = "Cultural house id")),
    request_body = Placement,
    responses((status = 200, description = "The house where it now stands", body = Object),
        (status = 404, description = "No such house in the caller's scope", body = ErrorBody),
        (status = 422, description = "A coordinate out of range, or a GPS fix too vague", body = ErrorBody)))]
/// `PUT /api/v1/cultural-houses/{id}/position`: where the house really stands (a phone's GPS fix
/// with its accuracy, or a dragged pin); audited, and the house is no longer waiting to be placed.
pub async fn put_position(
    State(db): State<Db>,
    SignedIn(principal): SignedIn,
    Path(id): Path<i64>,
    Json(placement): Json<Placement>,
) -> Result<Json<Feature>, ApiError> {
    let house =
        house_placement::place(&db, &principal, id, placement).await.map_err(ApiError::not_found("cultural house"))?;
    Ok(Json(house_feature(house, None)))
}

/// A house as a GeoJSON Point feature; `coverage` is added for the single-house view.
/// Every field of the house is a property, but its position (the geometry) and its version (the
/// `ETag`).
fn house_feature(house: CulturalHouse, coverage: Option<serde_json::Value>) -> Feature {
    let geometry = Geometry::new(Value::Point(vec![house.lon, house.lat]));
    let id = geojson::feature::Id::Number(house.id.into());
    let mut properties = match serde_json::to_value(house) {
        Ok(serde_json::Value::Object(properties)) => properties,
        _ => JsonObject::new(),
    };
    for kept_elsewhere in ["lon", "lat", "version"] {
        properties.remove(kept_elsewhere);
    }
    if let Some(coverage) = coverage {
        properties.insert("coverage".into(), coverage);
    }
    Feature { bbox: None, geometry: Some(geometry), id: Some(id), properties: Some(properties), foreign_members: None }
}
