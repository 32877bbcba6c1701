//! `GET /api/v1/cultural-houses` and `GET /api/v1/cultural-houses/{id}`.

use super::error::{not_found, ErrorBody};
use super::paging::{next_link, PageQuery, HISTORY_PAGE};
use super::versions::{if_match_version, version_tag};
use super::ApiError;
use crate::auth::{signed_in, Caller};
use app::domain::access::Visibility;
use app::domain::admin_units::{self, Level};
use app::domain::csv_import::ImportOutcome;
use app::domain::cultural_houses::{self, BBox, HouseFilter, WifiUpdate};
use app::domain::db::Page;
use app::domain::Db;
use app::model::{CulturalHouse, CulturalHouseDetail, WifiChange, WifiStatus};
use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::Extension;
use axum::Json;
use geojson::{Feature, FeatureCollection, Geometry, JsonObject, Value};
use serde::Deserialize;
use serde_json::json;

/// Longest commune code accepted; real GSO codes have 5 digits.
const MAX_CODE_LEN: usize = 32;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListQuery {
    /// `minLon,minLat,maxLon,maxLat`
    bbox: Option<String>,
    /// One status or several separated by commas.
    status: Option<String>,
    /// Commune code (GSO).
    commune: Option<String>,
    /// Page size, 1 to 5000; without it every matching house is returned.
    limit: Option<String>,
    /// Houses to skip before the page (with `limit`).
    offset: Option<String>,
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
    Extension(Caller(viewer)): Extension<Caller>,
    axum::extract::OriginalUri(uri): axum::extract::OriginalUri,
    query: Result<Query<ListQuery>, QueryRejection>,
) -> Result<(HeaderMap, Json<FeatureCollection>), ApiError> {
    let Query(query) = query?;
    let page = PageQuery { limit: query.limit, offset: query.offset }.page(None)?;
    let filter = HouseFilter {
        bbox: query.bbox.as_deref().map(parse_bbox).transpose()?,
        statuses: query.status.as_deref().map(parse_statuses).transpose()?.unwrap_or_default(),
        commune_code: match query.commune {
            Some(code) => Some(check_commune(&db, code).await?),
            None => None,
        },
        limit: page.map(|page| page.limit),
        offset: page.map_or(0, |page| page.offset),
    };
    let houses = cultural_houses::list(db.pool(), &filter, Visibility::of(&viewer)).await?;
    Ok((next_link(&uri, page, houses.len()), Json(feature_collection(houses))))
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
    Extension(Caller(viewer)): Extension<Caller>,
    id: Result<Path<i64>, PathRejection>,
) -> Result<(HeaderMap, Json<Feature>), ApiError> {
    let Path(id) = id?;
    let CulturalHouseDetail { house, coverage } =
        cultural_houses::detail(db.pool(), id, Visibility::of(&viewer)).await.map_err(not_found("cultural house"))?;
    Ok((version_tag(house.version), Json(house_feature(house, Some(json!(coverage))))))
}

#[utoipa::path(put, path = "/api/v1/cultural-houses/{id}/wifi", tag = "cultural houses",
    params(("id" = i64, Path, description = "Cultural house id"),
        ("If-Match" = String, Header, description = "The ETag (version) of the house as read, e.g. \"3\"")),
    request_body = WifiUpdate,
    responses((status = 200, description = "The house as it now is (GeoJSON Feature); new ETag", body = Object), (status = 400, description = "Malformed parameters or body", body = ErrorBody), (status = 401, description = "No valid session or token", body = ErrorBody), (status = 403, description = "Role, scope or operator does not allow it", body = ErrorBody),
        (status = 409, description = "Changed meanwhile; `current_version` says by how much", body = ErrorBody),
        (status = 422, description = "A field breaks a rule", body = ErrorBody),
        (status = 428, description = "If-Match missing", body = ErrorBody)),
    security(("session" = []), ("token" = [])))]
/// `PUT /api/v1/cultural-houses/{id}/wifi`: replaces the Wi-Fi state; answers the house as it
/// now is. `If-Match` with the version read (the `ETag` of the house) is required: a stale version
/// is a 409, so two operators' edits never silently overwrite each other.
pub async fn update_wifi(
    State(db): State<Db>,
    Extension(Caller(viewer)): Extension<Caller>,
    headers: HeaderMap,
    id: Result<Path<i64>, PathRejection>,
    body: Result<Json<WifiUpdate>, JsonRejection>,
) -> Result<(HeaderMap, Json<Feature>), ApiError> {
    let Path(id) = id?;
    let Json(update) = body?;
    let expected_version = if_match_version(&headers)?;
    let principal = signed_in(viewer)?;
    let house = cultural_houses::update_wifi(&db, &principal, id, expected_version, update)
        .await
        .map_err(not_found("cultural house"))?;
    Ok((version_tag(house.version), Json(house_feature(house, None))))
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
    Extension(Caller(viewer)): Extension<Caller>,
    axum::extract::OriginalUri(uri): axum::extract::OriginalUri,
    id: Result<Path<i64>, PathRejection>,
    query: Result<Query<PageQuery>, QueryRejection>,
) -> Result<(HeaderMap, Json<Vec<WifiChange>>), ApiError> {
    let Path(id) = id?;
    let Query(query) = query?;
    let page = query.page(Some(HISTORY_PAGE))?.unwrap_or(Page::ALL);
    let history = cultural_houses::wifi_history(db.pool(), id, Visibility::of(&viewer), page)
        .await
        .map_err(not_found("cultural house"))?;
    Ok((next_link(&uri, Some(page), history.len()), Json(history)))
}

/// A house as a GeoJSON Point feature; `coverage` is added for the single-house view.
fn house_feature(house: CulturalHouse, coverage: Option<serde_json::Value>) -> Feature {
    let mut properties = JsonObject::new();
    properties.insert("id".into(), json!(house.id));
    properties.insert("name".into(), json!(house.name));
    properties.insert("village".into(), json!(house.village));
    properties.insert("village_code".into(), json!(house.village_code));
    properties.insert("commune".into(), json!(house.commune));
    properties.insert("commune_code".into(), json!(house.commune_code));
    properties.insert("wifi_status".into(), json!(house.wifi_status));
    properties.insert("wifi_provider".into(), json!(house.wifi_provider));
    properties.insert("wifi_provider_name".into(), json!(house.wifi_provider_name));
    properties.insert("bandwidth_mbps".into(), json!(house.bandwidth_mbps));
    properties.insert("installed_at".into(), json!(house.installed_at));
    properties.insert("last_verified_at".into(), json!(house.last_verified_at));
    properties.insert("ssid".into(), json!(house.ssid));
    properties.insert("ssid_public".into(), json!(house.ssid_public));
    if let Some(coverage) = coverage {
        properties.insert("coverage".into(), coverage);
    }
    Feature {
        bbox: None,
        geometry: Some(Geometry::new(Value::Point(vec![house.lon, house.lat]))),
        id: Some(geojson::feature::Id::Number(house.id.into())),
        properties: Some(properties),
        foreign_members: None,
    }
}

pub(super) fn parse_bbox(text: &str) -> Result<BBox, ApiError> {
    let invalid = |message: &str| ApiError::invalid("bbox", message);
    let numbers = text
        .split(',')
        .map(|part| part.trim().parse::<f64>().ok().filter(|n| n.is_finite()))
        .collect::<Option<Vec<f64>>>()
        .ok_or_else(|| invalid("expected four numbers minLon,minLat,maxLon,maxLat"))?;
    let [min_lon, min_lat, max_lon, max_lat] = numbers[..] else {
        return Err(invalid("expected four numbers minLon,minLat,maxLon,maxLat"));
    };
    if ![min_lon, max_lon].iter().all(|lon| (-180.0..=180.0).contains(lon)) {
        return Err(invalid("longitudes must be within -180..180"));
    }
    if ![min_lat, max_lat].iter().all(|lat| (-90.0..=90.0).contains(lat)) {
        return Err(invalid("latitudes must be within -90..90"));
    }
    if min_lon > max_lon || min_lat > max_lat {
        return Err(invalid("minimum must not exceed maximum (order is minLon,minLat,maxLon,maxLat)"));
    }
    Ok(BBox { min_lon, min_lat, max_lon, max_lat })
}

fn parse_statuses(text: &str) -> Result<Vec<WifiStatus>, ApiError> {
    let mut statuses = Vec::new();
    for part in text.split(',').map(str::trim) {
        let status: WifiStatus = part.parse().map_err(|error| ApiError::invalid("status", format!("{error}")))?;
        if !statuses.contains(&status) {
            statuses.push(status);
        }
    }
    Ok(statuses)
}

/// A commune filter must name a current commune: a typo should be an error, not an empty map.
async fn check_commune(db: &Db, code: String) -> Result<String, ApiError> {
    let code = code.trim().to_owned();
    if code.is_empty() || code.len() > MAX_CODE_LEN {
        return Err(ApiError::invalid("commune", "expected a commune code"));
    }
    match admin_units::find_by_code(db.pool(), &code).await? {
        Some((_, Level::Commune)) => Ok(code),
        Some((_, level)) => Err(ApiError::invalid("commune", format!("{code} is a {level}, not a commune"))),
        None => Err(ApiError::invalid("commune", format!("no commune has code {code}"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bbox_accepts_four_ordered_numbers_only() {
        assert_eq!(
            parse_bbox("105.4, 20.0,105.9,20.4").ok(),
            Some(BBox { min_lon: 105.4, min_lat: 20.0, max_lon: 105.9, max_lat: 20.4 })
        );
        for bad in ["", "1,2,3", "1,2,3,4,5", "a,b,c,d", "NaN,0,1,1", "0,0,200,1", "1,1,0,0", "0,-91,1,1"] {
            assert!(parse_bbox(bad).is_err(), "{bad} should be rejected");
        }
    }

    #[test]
    fn statuses_are_a_comma_list_of_known_names() {
        let parsed = parse_statuses("active,broken,active").ok();
        assert_eq!(parsed, Some(vec![WifiStatus::Active, WifiStatus::Broken]));
        assert!(parse_statuses("active,wrong").is_err());
        assert!(parse_statuses("").is_err());
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ImportQuery {
    /// `true`: check the file and say what would change, write nothing.
    dry_run: Option<bool>,
}

#[utoipa::path(post, path = "/api/v1/imports/wifi", tag = "imports",
    params(("dry_run" = Option<bool>, Query, description = "Check and count without writing")),
    request_body(content = String, content_type = "text/csv",
        description = "Columns: cultural_house_id or village_code, status, provider, bandwidth_mbps, installed_at, last_verified_at"),
    responses((status = 200, description = "Imported (or would import) this many rows", body = ImportOutcome), (status = 401, description = "No valid session or token", body = ErrorBody), (status = 403, description = "Role, scope or operator does not allow it", body = ErrorBody),
        (status = 413, description = "Larger than 16 MiB", body = ErrorBody),
        (status = 422, description = "Rejected whole; `problems` lists each bad line", body = ErrorBody)),
    security(("session" = []), ("token" = [])))]
/// `POST /api/v1/imports/wifi[?dry_run=true]` with a CSV body: the Wi-Fi of many houses at once,
/// all or nothing, each change in the house's timeline and the audit log.
pub async fn import_wifi(
    State(db): State<Db>,
    Extension(Caller(viewer)): Extension<Caller>,
    query: Result<Query<ImportQuery>, QueryRejection>,
    body: Result<axum::body::Bytes, axum::extract::rejection::BytesRejection>,
) -> Result<Json<ImportOutcome>, ApiError> {
    let principal = signed_in(viewer)?;
    let Query(query) = query?;
    let body = body?;
    let rights = cultural_houses::WifiImportRights::load(db.pool(), &principal).await?;
    let rows = cultural_houses::check_wifi_csv(&body, &rights).map_err(ApiError::InvalidFile)?;
    let dry_run = query.dry_run.unwrap_or(false);
    if !dry_run {
        cultural_houses::import_wifi(&db, &principal, &rows).await?;
    }
    Ok(Json(ImportOutcome { rows: rows.len(), dry_run }))
}
