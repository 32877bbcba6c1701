//! Village cultural houses (nhà văn hóa) and the state of their public Wi-Fi.

use super::StoreError;
use crate::model::{CulturalHouse, WifiStatus};
use sqlx::{Any, Executor};

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
    pub const WORLD: BBox = BBox {
        min_lon: -180.0,
        min_lat: -90.0,
        max_lon: 180.0,
        max_lat: 90.0,
    };
}

/// Which houses a listing returns. Empty `statuses` means every status.
#[derive(Clone, Debug, Default)]
pub struct HouseFilter {
    pub bbox: Option<BBox>,
    pub statuses: Vec<WifiStatus>,
    pub commune_code: Option<String>,
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
}

impl TryFrom<HouseRow> for CulturalHouse {
    type Error = StoreError;

    fn try_from(row: HouseRow) -> Result<Self, Self::Error> {
        let wifi_status = row
            .wifi_status
            .parse()
            .map_err(|error| StoreError::Invalid(format!("cultural house {}: {error}", row.id)))?;
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
        })
    }
}

const SELECT_HOUSES: &str = "
    SELECT h.id, h.name, v.code AS village_code, v.name AS village,
           c.code AS commune_code, c.name AS commune, h.lon, h.lat, h.wifi_status,
           h.wifi_provider, o.name AS wifi_provider_name, h.bandwidth_mbps, h.installed_at,
           h.last_verified_at
    FROM cultural_house h
    JOIN admin_unit v ON v.id = h.village_id
    JOIN admin_unit c ON c.id = v.parent_id
    LEFT JOIN operator o ON o.code = h.wifi_provider";

/// Houses matching the filter, ordered by commune, village and name.
pub async fn list<'e, E>(
    executor: E,
    filter: &HouseFilter,
) -> Result<Vec<CulturalHouse>, StoreError>
where
    E: Executor<'e, Database = Any>,
{
    // Five slots, one per status: a fixed-arity IN keeps the statement identical on both
    // databases and cacheable, which a dynamically built list would not.
    let statuses: Vec<&str> = if filter.statuses.is_empty() {
        WifiStatus::ALL.iter().map(|s| s.as_str()).collect()
    } else {
        filter.statuses.iter().map(|s| s.as_str()).collect()
    };
    let slot = |index: usize| statuses.get(index).or(statuses.first()).copied();
    let sql = format!(
        "{SELECT_HOUSES}
         WHERE ($1 IS NULL OR c.code = $1)
           AND h.wifi_status IN ($2, $3, $4, $5, $6)
           AND h.lon >= $7 AND h.lat >= $8 AND h.lon <= $9 AND h.lat <= $10
         ORDER BY c.name, v.name, h.name, h.id"
    );
    let bbox = filter.bbox.unwrap_or(BBox::WORLD);
    let rows: Vec<HouseRow> = sqlx::query_as(&sql)
        .bind(filter.commune_code.as_deref())
        .bind(slot(0))
        .bind(slot(1))
        .bind(slot(2))
        .bind(slot(3))
        .bind(slot(4))
        .bind(bbox.min_lon)
        .bind(bbox.min_lat)
        .bind(bbox.max_lon)
        .bind(bbox.max_lat)
        .fetch_all(executor)
        .await?;
    rows.into_iter().map(CulturalHouse::try_from).collect()
}

/// One house by id.
pub async fn get<'e, E>(executor: E, id: i64) -> Result<CulturalHouse, StoreError>
where
    E: Executor<'e, Database = Any>,
{
    let sql = format!("{SELECT_HOUSES} WHERE h.id = $1");
    let row: Option<HouseRow> = sqlx::query_as(&sql)
        .bind(id)
        .fetch_optional(executor)
        .await?;
    row.ok_or(StoreError::NotFound)?.try_into()
}

/// Creates a house and returns its id.
pub async fn insert<'e, E>(executor: E, house: &NewHouse<'_>) -> Result<i64, StoreError>
where
    E: Executor<'e, Database = Any>,
{
    let (has_bandwidth, bandwidth_mbps) = super::db::nullable_f64(house.bandwidth_mbps);
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO cultural_house (village_id, name, lon, lat, wifi_status, wifi_provider,
                                     bandwidth_mbps, installed_at, last_verified_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, CASE WHEN $11 THEN $7 END, $8, $9, $10)
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
    .fetch_one(executor)
    .await?;
    Ok(id)
}

/// A house with its village's latest coverage: the details panel and `GET /api/v1/cultural-houses/{id}`.
pub async fn detail(
    pool: &sqlx::AnyPool,
    id: i64,
) -> Result<crate::model::CulturalHouseDetail, StoreError> {
    let house = get(pool, id).await?;
    let coverage = super::coverage::latest_for_house(pool, id).await?;
    Ok(crate::model::CulturalHouseDetail { house, coverage })
}
