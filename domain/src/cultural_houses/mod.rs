//! Village cultural houses (nhà văn hóa) and the state of their public Wi-Fi.

use super::access::{self, Denied, Principal, Visibility};
use super::imports::{said, ImportOutcome, Said};
use super::params::Params;
use super::tabular::{Column, Spec, Values, WIFI_STATUS_WORDS};
use super::StoreError;
pub use model::WifiUpdate;
use model::{Capability, CulturalHouse, Role, WifiEditing, WifiStatus};
use serde::Deserialize;
use sqlx::{Any, Executor};

mod wifi;
mod wifi_file;

pub use wifi::*;
pub use wifi_file::*;

/// A viewport in degrees: west, south, east, north (the order of a GeoJSON `bbox`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct BBox {
    pub min_lon: f64,
    pub min_lat: f64,
    pub max_lon: f64,
    pub max_lat: f64,
}

impl BBox {
    /// The whole world: what "no viewport" means (floats are never bound as NULL, see
    /// `db::nullable_f64`).
    pub const WORLD: BBox = BBox { min_lon: -180.0, min_lat: -90.0, max_lon: 180.0, max_lat: 90.0 };
}

/// Which houses a listing returns. Empty `statuses` means every status.
#[derive(Clone, Debug, Default)]
pub struct HouseFilter {
    pub bbox: Option<BBox>,
    pub statuses: Vec<WifiStatus>,
    pub commune_code: Option<String>,
    /// At most this many houses, after skipping `offset` (in the listing's stable order).
    pub limit: Option<i64>,
    pub offset: i64,
}

/// A house to create.
#[derive(Clone, Debug)]
pub struct NewHouse<'a> {
    pub village_id: i64,
    pub name: &'a str,
    pub lon: f64,
    pub lat: f64,
    pub wifi_status: WifiStatus,
    pub wifi_provider: Option<&'a str>,
    pub bandwidth_mbps: Option<f64>,
    pub installed_at: Option<&'a str>,
    pub last_verified_at: Option<&'a str>,
    pub ssid: Option<&'a str>,
    pub ssid_public: bool,
}

#[derive(sqlx::FromRow)]
struct HouseRow {
    id: i64,
    name: String,
    village_code: String,
    village: String,
    commune_code: String,
    commune: String,
    lon: f64,
    lat: f64,
    wifi_status: String,
    wifi_provider: Option<String>,
    wifi_provider_name: Option<String>,
    bandwidth_mbps: Option<f64>,
    installed_at: Option<String>,
    last_verified_at: Option<String>,
    ssid: Option<String>,
    ssid_public: i64,
    version: i64,
}

impl TryFrom<HouseRow> for CulturalHouse {
    type Error = StoreError;

    fn try_from(row: HouseRow) -> Result<Self, Self::Error> {
        let wifi_status = row
            .wifi_status
            .parse()
            .map_err(|error| StoreError::Corrupt(format!("cultural house {}: {error}", row.id)))?;
        Ok(CulturalHouse {
            id: row.id,
            name: row.name,
            village_code: row.village_code,
            village: row.village,
            commune_code: row.commune_code,
            commune: row.commune,
            lon: row.lon,
            lat: row.lat,
            wifi_status,
            wifi_provider: row.wifi_provider,
            wifi_provider_name: row.wifi_provider_name,
            bandwidth_mbps: row.bandwidth_mbps,
            installed_at: row.installed_at,
            last_verified_at: row.last_verified_at,
            ssid: row.ssid,
            ssid_public: row.ssid_public != 0,
            version: row.version,
        })
    }
}

/// The house as `visibility` may see it: the public sees a network name only when the operator
/// made it public.
fn shown_with(mut house: CulturalHouse, visibility: Visibility) -> CulturalHouse {
    if visibility.only_active_wifi && !house.ssid_public {
        house.ssid = None;
    }
    house
}

const SELECT_HOUSES: &str = "
    SELECT h.id, h.name, v.code AS village_code, v.name AS village,
           c.code AS commune_code, c.name AS commune, h.lon, h.lat, h.wifi_status,
           h.wifi_provider, o.name AS wifi_provider_name, h.bandwidth_mbps, h.installed_at,
           h.last_verified_at, h.ssid, h.ssid_public, h.version
    FROM cultural_house h
    JOIN admin_unit v ON v.id = h.village_id
    JOIN admin_unit c ON c.id = v.parent_id
    LEFT JOIN operator o ON o.code = h.wifi_provider";

/// Houses matching the filter that the viewer may see, ordered by commune, village and name.
pub async fn list<'e, E>(
    executor: E,
    filter: &HouseFilter,
    visibility: Visibility,
) -> Result<Vec<CulturalHouse>, StoreError>
where
    E: Executor<'e, Database = Any>,
{
    let requested: Vec<WifiStatus> =
        if filter.statuses.is_empty() { WifiStatus::ALL.to_vec() } else { filter.statuses.clone() };
    let allowed: Vec<&'static str> = requested
        .iter()
        .filter(|status| !visibility.only_active_wifi || **status == WifiStatus::Active)
        .map(|status| status.as_str())
        .collect();
    if allowed.is_empty() {
        return Ok(Vec::new());
    }
    let mut params = Params::new();
    let commune = params.bind(filter.commune_code.clone());
    // Five slots, one per status: a fixed-arity IN keeps the statement identical on both
    // databases and cacheable, which a dynamically built list would not.
    let statuses: Vec<String> =
        (0..5).map(|index| params.bind(allowed.get(index).or(allowed.first()).copied())).collect();
    let bbox = filter.bbox.unwrap_or(BBox::WORLD);
    let [west, south, east, north] =
        [bbox.min_lon, bbox.min_lat, bbox.max_lon, bbox.max_lat].map(|degrees| params.bind(degrees));
    let visible = params.visible_to(visibility);
    let sql = format!(
        "WITH RECURSIVE {scope}
         {SELECT_HOUSES}
         WHERE ({commune} IS NULL OR c.code = {commune})
           AND h.wifi_status IN ({statuses})
           AND h.lon >= {west} AND h.lat >= {south} AND h.lon <= {east} AND h.lat <= {north}
           AND {visible_here}
         ORDER BY c.name, v.name, h.name, h.id
         LIMIT {limit} OFFSET {offset}",
        scope = visible.cte,
        statuses = statuses.join(", "),
        visible_here = visible.covers("h.village_id"),
        limit = params.bind(filter.limit.unwrap_or(i64::MAX)),
        offset = params.bind(filter.offset),
    );
    let rows: Vec<HouseRow> = params.query_as(&sql)?.fetch_all(executor).await?;
    rows.into_iter().map(|row| Ok(shown_with(CulturalHouse::try_from(row)?, visibility))).collect()
}

/// One house by id, if the viewer may see it (otherwise `NotFound`: existence is not revealed).
pub async fn get<'e, E>(executor: E, id: i64, visibility: Visibility) -> Result<CulturalHouse, StoreError>
where
    E: Executor<'e, Database = Any>,
{
    let mut params = Params::new();
    let visible = params.visible_to(visibility);
    let sql = format!(
        "WITH RECURSIVE {scope} {SELECT_HOUSES}
         WHERE h.id = {id} AND ({public} = FALSE OR h.wifi_status = 'active') AND {visible_here}",
        scope = visible.cte,
        id = params.bind(id),
        public = params.bind(visibility.only_active_wifi),
        visible_here = visible.covers("h.village_id"),
    );
    let row: Option<HouseRow> = params.query_as(&sql)?.fetch_optional(executor).await?;
    Ok(shown_with(row.ok_or(StoreError::NotFound)?.try_into()?, visibility))
}

/// Creates a house (and the first version of its Wi-Fi timeline) and returns its id.
pub async fn insert(
    tx: &mut sqlx::Transaction<'_, Any>,
    house: &NewHouse<'_>,
    recorded_by: &str,
) -> Result<i64, StoreError> {
    let id = insert_row(&mut **tx, house).await?;
    record_wifi_change(&mut **tx, id, recorded_by).await?;
    Ok(id)
}

async fn insert_row<'e, E>(executor: E, house: &NewHouse<'_>) -> Result<i64, StoreError>
where
    E: Executor<'e, Database = Any>,
{
    let (has_bandwidth, bandwidth_mbps) = super::db::nullable_f64(house.bandwidth_mbps);
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO cultural_house (village_id, name, lon, lat, wifi_status, wifi_provider,
                                     bandwidth_mbps, installed_at, last_verified_at, updated_at, ssid, ssid_public)
         VALUES ($1, $2, $3, $4, $5, $6, CASE WHEN $11 THEN $7 END, $8, $9, $10, $12, $13)
         RETURNING id",
    )
    .bind(house.village_id)
    .bind(house.name)
    .bind(house.lon)
    .bind(house.lat)
    .bind(house.wifi_status.as_str())
    .bind(house.wifi_provider)
    .bind(bandwidth_mbps)
    .bind(house.installed_at)
    .bind(house.last_verified_at)
    .bind(super::now_utc_text())
    .bind(has_bandwidth)
    .bind(house.ssid)
    .bind(i64::from(house.ssid_public))
    .fetch_one(executor)
    .await?;
    Ok(id)
}

/// A house with its village's latest coverage: the details panel and `GET /api/v1/cultural-houses/{id}`.
pub async fn detail(
    pool: &sqlx::AnyPool,
    id: i64,
    visibility: Visibility,
) -> Result<model::CulturalHouseDetail, StoreError> {
    let house = get(pool, id, visibility).await?;
    let coverage = super::coverage::latest_for_house(pool, id).await?;
    Ok(model::CulturalHouseDetail { house, coverage })
}
