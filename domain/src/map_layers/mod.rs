//! Map layers for a viewport (bounding box and zoom), sized for a national deployment: 100,000
//! cultural houses and millions of visits. Zoomed in, the layer lists features; zoomed out (or
//! when a view would hold more than [`MAX_POINTS`]) it counts them per grid cell in the database,
//! so neither the query result nor the response grows with the country.
//!
//! Visits are read from `village_visit_total`, one row per village kept exact by triggers
//! (migration 0009), never counted from the visits themselves on a view.

mod villages;

pub use villages::{donations, progress};

use super::access::Visibility;
use super::cultural_houses::BBox;
use super::params::Params;
use super::{Backend, Db, StoreError};
use model::map_layers::{HouseCluster, HouseLayer, HousePoint, VillageVisits, VisitCluster, VisitLayer};
use model::WifiStatus;

/// From this zoom on (about one district on a phone screen) a layer lists single features.
pub const POINTS_FROM_ZOOM: u8 = 11;
/// Most features a layer lists; a view with more is answered with clusters even zoomed in.
pub const MAX_POINTS: i64 = 5000;
/// Deepest zoom a map asks for (Leaflet's OpenStreetMap layers stop at 19).
pub const MAX_ZOOM: u8 = 22;
/// Grid cells across one 256-pixel map tile when clustering: cells of 32 pixels, about the size
/// of a marker, so clusters never overlap and never leave gaps.
const CELLS_PER_TILE: f64 = 8.0;

/// What the map shows: its bounding box and zoom level (Web Mercator, as Leaflet counts it).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Viewport {
    pub bbox: BBox,
    pub zoom: u8,
}

impl Viewport {
    /// The side of a grid cell in degrees at this zoom.
    pub fn cell_deg(&self) -> f64 {
        360.0 / 2f64.powi(i32::from(self.zoom)) / CELLS_PER_TILE
    }

    fn lists_points(&self) -> bool {
        self.zoom >= POINTS_FROM_ZOOM
    }
}

/// The grid cell of a row, as SQL: the coordinate's distance from the world's south-west corner
/// divided by the cell size, rounded down. The grid is fixed to the world, not to the view, so
/// clusters stay put while the map pans. The quotient is never negative, so SQLite's integer cast
/// (which truncates) rounds down; PostgreSQL's cast would round to nearest, hence `FLOOR`.
fn grid_cell(db: &Db, column: &str, world_edge: f64, cell: &str) -> String {
    match db.backend() {
        Backend::Sqlite => format!("CAST(({column} + {world_edge:.1}) / {cell} AS INTEGER)"),
        Backend::Postgres => format!("FLOOR(({column} + {world_edge:.1}) / {cell})"),
    }
}

/// What both layers filter on: rows whose position (`lon`, `lat` of the alias `table`) lies in
/// the view, of units the viewer may see (the unit id in `unit`). Binds the box and the scope.
fn in_view(params: &mut Params<'_>, viewport: &Viewport, visibility: Visibility, table: &str, unit: &str) -> InView {
    let bbox = viewport.bbox;
    let [west, south, east, north] =
        [bbox.min_lon, bbox.min_lat, bbox.max_lon, bbox.max_lat].map(|degrees| params.bind(degrees));
    let scope = params.visible_to(visibility);
    InView {
        condition: format!(
            "{table}.lon >= {west} AND {table}.lat >= {south} AND {table}.lon <= {east} AND {table}.lat <= {north}
             AND {in_scope}",
            in_scope = scope.covers(unit)
        ),
        cte: scope.cte,
    }
}

/// A view's condition and the scope clause it needs.
struct InView {
    cte: String,
    condition: String,
}

/// The cultural houses a viewer may see in a viewport.
pub async fn houses(db: &Db, visibility: Visibility, viewport: &Viewport) -> Result<HouseLayer, StoreError> {
    if viewport.lists_points() {
        let mut params = Params::new();
        let view = in_view(&mut params, viewport, visibility, "h", "h.village_id");
        let sql = format!(
            "WITH RECURSIVE {cte}
             SELECT h.id, h.lon, h.lat, h.wifi_status FROM cultural_house h
             WHERE {view} AND ({everything} OR h.wifi_status = 'active')
             ORDER BY h.id LIMIT {limit}",
            cte = view.cte,
            view = view.condition,
            everything = params.bind(!visibility.only_active_wifi),
            limit = params.bind(MAX_POINTS + 1),
        );
        let rows: Vec<(i64, f64, f64, String)> = params.query_as(&sql)?.fetch_all(db.pool()).await?;
        if rows.len() as i64 <= MAX_POINTS {
            let houses = rows
                .into_iter()
                .map(|(id, lon, lat, status)| {
                    let wifi_status: WifiStatus = super::parse_stored("cultural_house.wifi_status", &status)?;
                    Ok(HousePoint { id, lon, lat, wifi_status })
                })
                .collect::<Result<_, StoreError>>()?;
            return Ok(HouseLayer::Houses { houses });
        }
    }
    let cell_deg = viewport.cell_deg();
    let mut params = Params::new();
    let view = in_view(&mut params, viewport, visibility, "h", "h.village_id");
    let cell = params.bind(cell_deg);
    let sql = format!(
        "WITH RECURSIVE {cte}
         SELECT AVG(h.lon), AVG(h.lat), COUNT(*),
                SUM(CASE WHEN h.wifi_status = 'active' THEN 1 ELSE 0 END),
                SUM(CASE WHEN h.wifi_status = 'broken' THEN 1 ELSE 0 END)
         FROM cultural_house h WHERE {view} AND ({everything} OR h.wifi_status = 'active')
         GROUP BY {column}, {row}",
        cte = view.cte,
        view = view.condition,
        everything = params.bind(!visibility.only_active_wifi),
        column = grid_cell(db, "h.lon", 180.0, &cell),
        row = grid_cell(db, "h.lat", 90.0, &cell),
    );
    let rows: Vec<(f64, f64, i64, i64, i64)> = params.query_as(&sql)?.fetch_all(db.pool()).await?;
    let clusters = rows
        .into_iter()
        .map(|(lon, lat, houses, active, broken)| HouseCluster { lon, lat, houses, active, broken })
        .collect();
    Ok(HouseLayer::Clusters { cell_deg, clusters })
}

/// Visits per village (or per grid cell) in a viewport, within the account's scope.
pub async fn visits(db: &Db, visibility: Visibility, viewport: &Viewport) -> Result<VisitLayer, StoreError> {
    let without_position = visits_without_position(db, visibility).await?;
    if viewport.lists_points() {
        let mut params = Params::new();
        let view = in_view(&mut params, viewport, visibility, "t", "t.village_id");
        let sql = format!(
            "WITH RECURSIVE {cte}
             SELECT t.village_id, t.lon, t.lat, CAST(t.visits AS BIGINT), CAST(t.people_helped AS BIGINT)
             FROM village_visit_total t WHERE t.visits > 0 AND {view}
             ORDER BY t.village_id LIMIT {limit}",
            cte = view.cte,
            view = view.condition,
            limit = params.bind(MAX_POINTS + 1),
        );
        let rows: Vec<(i64, f64, f64, i64, i64)> = params.query_as(&sql)?.fetch_all(db.pool()).await?;
        if rows.len() as i64 <= MAX_POINTS {
            let villages = rows
                .into_iter()
                .map(|(village_id, lon, lat, visits, people_helped)| VillageVisits {
                    village_id,
                    lon,
                    lat,
                    visits,
                    people_helped,
                })
                .collect();
            return Ok(VisitLayer::Villages { villages, without_position });
        }
    }
    let cell_deg = viewport.cell_deg();
    let mut params = Params::new();
    let view = in_view(&mut params, viewport, visibility, "t", "t.village_id");
    let cell = params.bind(cell_deg);
    let sql = format!(
        "WITH RECURSIVE {cte}
         SELECT SUM(t.lon * t.visits) / SUM(t.visits), SUM(t.lat * t.visits) / SUM(t.visits), COUNT(*),
                CAST(SUM(t.visits) AS BIGINT), CAST(SUM(t.people_helped) AS BIGINT)
         FROM village_visit_total t WHERE t.visits > 0 AND {view}
         GROUP BY {column}, {row}",
        cte = view.cte,
        view = view.condition,
        column = grid_cell(db, "t.lon", 180.0, &cell),
        row = grid_cell(db, "t.lat", 90.0, &cell),
    );
    let rows: Vec<(f64, f64, i64, i64, i64)> = params.query_as(&sql)?.fetch_all(db.pool()).await?;
    let clusters = rows
        .into_iter()
        .map(|(lon, lat, villages, visits, people_helped)| VisitCluster { lon, lat, villages, visits, people_helped })
        .collect();
    Ok(VisitLayer::Clusters { cell_deg, clusters, without_position })
}

/// Recomputes every village's visit totals from the visits: for bulk loads that bypass the
/// triggers (the national benchmark's generator on PostgreSQL), and as a repair.
pub async fn rebuild_visit_totals(db: &Db) -> Result<(), StoreError> {
    let mut tx = db.begin_write().await?;
    sqlx::query("DELETE FROM village_visit_total").execute(&mut *tx).await?;
    sqlx::query(
        "INSERT INTO village_visit_total (village_id, visits, people_helped, positioned, sum_lon, sum_lat, lon, lat)
         SELECT village_id, COUNT(*), SUM(people_helped), COUNT(lon), COALESCE(SUM(lon), 0), COALESCE(SUM(lat), 0),
                AVG(lon), AVG(lat)
         FROM visit GROUP BY village_id",
    )
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Visits in scope whose village has no GPS position at all: the layer cannot draw them but says
/// how many there are, so a map never silently shows less than was recorded.
async fn visits_without_position(db: &Db, visibility: Visibility) -> Result<i64, StoreError> {
    let mut params = Params::new();
    let scope = params.visible_to(visibility);
    let sql = format!(
        "WITH RECURSIVE {cte}
         SELECT CAST(COALESCE(SUM(t.visits), 0) AS BIGINT) FROM village_visit_total t
         WHERE t.lon IS NULL AND {in_scope}",
        cte = scope.cte,
        in_scope = scope.covers("t.village_id"),
    );
    let (count,): (i64,) = params.query_as(&sql)?.fetch_one(db.pool()).await?;
    Ok(count)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_are_a_fixed_share_of_a_tile() {
        let view = |zoom| Viewport { bbox: BBox::WORLD, zoom };
        assert_eq!(view(0).cell_deg(), 45.0);
        assert_eq!(view(5).cell_deg(), 360.0 / 32.0 / 8.0);
        assert!(view(POINTS_FROM_ZOOM).lists_points());
        assert!(!view(POINTS_FROM_ZOOM - 1).lists_points());
    }
}
