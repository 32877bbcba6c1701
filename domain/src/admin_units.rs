//! Administrative units (province → district → commune → village) and their boundaries.
//!
//! Units are generic rows with a level and validity dates, so the July 2025 merger of communes
//! (and any later one) is new data, not new code: a reorganisation ([`crate::reorganisation`])
//! ends units (`valid_to`, `successor_id`) and creates others. One code may name two units over
//! two periods (the town "Thị trấn Kim Tân" until 2025-07-01 and the commune "Xã Kim Tân" from
//! it share 15187): a unit is told apart by its code *and* `valid_from`, and at most one unit of
//! a code is current (`valid_to` empty). Lookups by code mean the current unit.

use super::StoreError;
use sqlx::{Any, Executor};
use std::fmt;
use std::str::FromStr;

/// The level of an administrative unit, from the largest down.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Level {
    Country,
    Province,
    District,
    Commune,
    Village,
}

impl Level {
    pub const ALL: [Level; 5] = [Level::Country, Level::Province, Level::District, Level::Commune, Level::Village];

    /// Larger units rank lower: a parent's rank is below its children's.
    pub fn rank(self) -> usize {
        self as usize
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Level::Country => "country",
            Level::Province => "province",
            Level::District => "district",
            Level::Commune => "commune",
            Level::Village => "village",
        }
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Level {
    type Err = model::UnknownValue;

    fn from_str(value: &str) -> Result<Self, Self::Err> {
        Level::ALL.into_iter().find(|level| level.as_str() == value).ok_or_else(|| model::UnknownValue {
            value: value.to_owned(),
            expected: "country, province, district, commune, village",
        })
    }
}

/// The kind of unit within a level, read from the first words of its name as Vietnamese writes
/// them ("Xã Kim Tân", "Thị trấn Vân Du", "Khu phố 1"): pickers then say "Xã" where no town
/// remains, and "Xã / thị trấn" where one does.
pub fn unit_type_from_name(name: &str) -> Option<&'static str> {
    const PREFIXES: [(&str, &str); 16] = [
        ("tỉnh ", "tinh"),
        ("thành phố ", "thanh_pho"),
        ("huyện ", "huyen"),
        ("quận ", "quan"),
        ("thị xã ", "thi_xa"),
        ("thị trấn ", "thi_tran"),
        ("xã ", "xa"),
        ("phường ", "phuong"),
        ("đặc khu ", "dac_khu"),
        ("thôn ", "thon"),
        ("bản ", "ban"),
        ("khu phố ", "khu_pho"),
        ("tổ dân phố ", "to_dan_pho"),
        ("xóm ", "xom"),
        ("ấp ", "ap"),
        ("làng ", "lang"),
    ];
    let name = name.trim().to_lowercase();
    PREFIXES.iter().find(|(prefix, _)| name.starts_with(prefix)).map(|(_, unit_type)| *unit_type)
}

/// A unit to create.
#[derive(Clone, Debug)]
pub struct NewUnit<'a> {
    pub parent_id: Option<i64>,
    pub level: Level,
    pub code: &'a str,
    pub name: &'a str,
    pub boundary: Option<&'a Boundary>,
}

/// A validated boundary ready to store: GeoJSON geometry text plus its bounding box, kept in
/// columns so viewport queries need no geometry parsing.
#[derive(Clone, Debug)]
pub struct Boundary {
    pub geojson: String,
    pub min_lon: f64,
    pub min_lat: f64,
    pub max_lon: f64,
    pub max_lat: f64,
}

/// A current unit with its stored boundary, as listed for maps.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct UnitWithBoundary {
    pub code: String,
    pub name: String,
    pub level: String,
    pub parent_code: Option<String>,
    pub boundary: Option<String>,
}

/// The id and level of the current unit with this code, if any.
pub async fn find_by_code<'e, E>(executor: E, code: &str) -> Result<Option<(i64, Level)>, StoreError>
where
    E: Executor<'e, Database = Any>,
{
    let row: Option<(i64, String)> =
        sqlx::query_as("SELECT id, level FROM admin_unit WHERE code = $1 AND valid_to IS NULL")
            .bind(code)
            .fetch_optional(executor)
            .await?;
    row.map(|(id, level)| {
        level
            .parse()
            .map(|level| (id, level))
            .map_err(|_| StoreError::Corrupt(format!("unit {code} has an unknown level {level}")))
    })
    .transpose()
}

/// Creates a unit and returns its id.
pub async fn insert<'e, E>(executor: E, unit: &NewUnit<'_>) -> Result<i64, StoreError>
where
    E: Executor<'e, Database = Any>,
{
    let boundary = unit.boundary;
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO admin_unit (parent_id, level, code, name, boundary, min_lon, min_lat, max_lon, max_lat, unit_type)
         VALUES ($1, $2, $3, $4, $5, CASE WHEN $10 THEN $6 END, CASE WHEN $10 THEN $7 END,
                 CASE WHEN $10 THEN $8 END, CASE WHEN $10 THEN $9 END, $11)
         RETURNING id",
    )
    .bind(unit.parent_id)
    .bind(unit.level.as_str())
    .bind(unit.code)
    .bind(unit.name)
    .bind(boundary.map(|b| b.geojson.as_str()))
    .bind(boundary.map_or(0.0, |b| b.min_lon))
    .bind(boundary.map_or(0.0, |b| b.min_lat))
    .bind(boundary.map_or(0.0, |b| b.max_lon))
    .bind(boundary.map_or(0.0, |b| b.max_lat))
    // Floats are never bound as NULL: see `db::nullable_f64`.
    .bind(boundary.is_some())
    .bind(unit_type_from_name(unit.name))
    .fetch_one(executor)
    .await?;
    Ok(id)
}

/// Replaces the name and boundary of an existing unit.
pub async fn update_boundary<'e, E>(executor: E, id: i64, name: &str, boundary: &Boundary) -> Result<(), StoreError>
where
    E: Executor<'e, Database = Any>,
{
    sqlx::query(
        "UPDATE admin_unit
         SET name = $2, boundary = $3, min_lon = $4, min_lat = $5, max_lon = $6, max_lat = $7, unit_type = $8
         WHERE id = $1",
    )
    .bind(id)
    .bind(name)
    .bind(boundary.geojson.as_str())
    .bind(boundary.min_lon)
    .bind(boundary.min_lat)
    .bind(boundary.max_lon)
    .bind(boundary.max_lat)
    .bind(unit_type_from_name(name))
    .execute(executor)
    .await?;
    Ok(())
}

/// Most names of top units the deployment's name lists; more are marked with "…".
const AREA_NAMES: usize = 3;

/// The name of the area this deployment serves, read from its data (no text of the app names a
/// place): its top current units (the province, or the communes it serves when it has no larger
/// unit), e.g. "Tỉnh Thanh Hóa" or "Xã Kim Tân, Xã Vân Du". `None` on an empty database.
pub async fn deployment_area<'e, E>(executor: E) -> Result<Option<String>, StoreError>
where
    E: Executor<'e, Database = Any>,
{
    let top: Vec<(String, String)> = sqlx::query_as(
        "SELECT level, name FROM admin_unit WHERE valid_to IS NULL AND level <> 'village'
         ORDER BY CASE level WHEN 'country' THEN 0 WHEN 'province' THEN 1 WHEN 'district' THEN 2 ELSE 3 END, name
         LIMIT $1",
    )
    .bind(i64::try_from(AREA_NAMES + 1).unwrap_or(i64::MAX))
    .fetch_all(executor)
    .await?;
    let Some((level, _)) = top.first() else { return Ok(None) };
    let names: Vec<&str> = top.iter().filter(|(other, _)| other == level).map(|(_, name)| name.as_str()).collect();
    let mut area = names.iter().take(AREA_NAMES).copied().collect::<Vec<_>>().join(", ");
    if names.len() > AREA_NAMES {
        area.push_str(", …");
    }
    Ok(Some(area))
}

/// Current units of one level, optionally under one parent (by code), ordered by name.
pub async fn list_with_boundaries<'e, E>(
    executor: E,
    level: Level,
    parent_code: Option<&str>,
) -> Result<Vec<UnitWithBoundary>, StoreError>
where
    E: Executor<'e, Database = Any>,
{
    Ok(sqlx::query_as(
        "SELECT u.code, u.name, u.level, p.code AS parent_code, u.boundary
         FROM admin_unit u LEFT JOIN admin_unit p ON p.id = u.parent_id
         WHERE u.level = $1 AND u.valid_to IS NULL AND ($2 IS NULL OR p.code = $2)
         ORDER BY u.name, u.code",
    )
    .bind(level.as_str())
    .bind(parent_code)
    .fetch_all(executor)
    .await?)
}

/// A unit with its boundary parsed and thinned for display (`None` when it has no boundary yet).
#[derive(Clone, Debug)]
pub struct DisplayUnit {
    pub code: String,
    pub name: String,
    pub level: String,
    pub parent_code: Option<String>,
    pub area: Option<geo::MultiPolygon<f64>>,
}

/// Current units of a level with display-ready boundaries: what both the map page and
/// `GET /api/v1/admin-units` serve.
pub async fn list_for_display<'e, E>(
    executor: E,
    level: Level,
    parent_code: Option<&str>,
) -> Result<Vec<DisplayUnit>, StoreError>
where
    E: Executor<'e, Database = Any>,
{
    let units = list_with_boundaries(executor, level, parent_code).await?;
    Ok(units
        .into_iter()
        .map(|unit| {
            let area = unit.boundary.as_deref().and_then(|text| {
                let parsed = super::geometry::read_stored(text);
                if parsed.is_none() {
                    tracing::warn!(code = %unit.code, "stored boundary is unreadable; serving none");
                }
                parsed.map(|area| super::geometry::simplify_for_display(&area))
            });
            DisplayUnit { code: unit.code, name: unit.name, level: unit.level, parent_code: unit.parent_code, area }
        })
        .collect())
}

/// The outlines of the units with these codes as they were on the day before `day_after`,
/// thinned to what a picture `pixels` wide can show (a country's provinces need far fewer points
/// than a district's communes): the dashboard's choropleth, which draws only its breakdown.
pub async fn outlines_before<'e, E>(
    executor: E,
    codes: &[String],
    day_after: &str,
    pixels: f64,
) -> Result<Vec<(String, String, Vec<Vec<(f64, f64)>>)>, StoreError>
where
    E: Executor<'e, Database = Any>,
{
    use geo::Simplify;
    if codes.is_empty() {
        return Ok(Vec::new());
    }
    let mut params = super::params::Params::new();
    let day = params.bind(day_after.to_owned());
    let listed: Vec<String> = codes.iter().map(|code| params.bind(code.clone())).collect();
    let sql = format!(
        "SELECT code, name, boundary, min_lon, min_lat, max_lon, max_lat FROM admin_unit
         WHERE boundary IS NOT NULL AND code IN ({}) AND valid_from < {day} AND (valid_to IS NULL OR valid_to >= {day})",
        listed.join(", ")
    );
    let rows: Vec<(String, String, String, f64, f64, f64, f64)> = params.query_as(&sql)?.fetch_all(executor).await?;
    let (west, south, east, north) = rows.iter().fold(
        (f64::MAX, f64::MAX, f64::MIN, f64::MIN),
        |(west, south, east, north), (_, _, _, min_lon, min_lat, max_lon, max_lat)| {
            (west.min(*min_lon), south.min(*min_lat), east.max(*max_lon), north.max(*max_lat))
        },
    );
    // Half a pixel of the picture, never finer than the map's own display tolerance.
    let tolerance = ((east - west).max(north - south) / pixels / 2.0).max(super::geometry::DISPLAY_TOLERANCE_DEG);
    Ok(rows
        .into_iter()
        .filter_map(|(code, name, boundary, ..)| {
            let area = super::geometry::read_stored(&boundary)?;
            Some((code, name, super::geometry::outer_rings(&area.simplify(tolerance))))
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_kind_of_unit_is_read_from_its_name() {
        assert_eq!(unit_type_from_name("Xã Kim Tân"), Some("xa"));
        assert_eq!(unit_type_from_name("Thị trấn Kim Tân"), Some("thi_tran"));
        assert_eq!(unit_type_from_name("Thị xã Bỉm Sơn"), Some("thi_xa"));
        assert_eq!(unit_type_from_name("THÔN Đồng Tâm"), Some("thon"));
        assert_eq!(unit_type_from_name("Khu phố 1"), Some("khu_pho"));
        assert_eq!(unit_type_from_name("Kim Tân"), None);
    }

    #[test]
    fn parents_rank_below_their_children() {
        assert!(Level::Province.rank() < Level::Commune.rank());
        assert!(Level::Commune.rank() < Level::Village.rank());
    }
}
