//! The map's village layers for a viewport: door-to-door progress and donated devices, read from
//! the totals kept per village by triggers (`village_now`, `village_visit_total`; issue 21), never
//! by counting households, visits or allocations on a view. A village is drawn at its first
//! cultural house, the way the map draws every village layer; zoomed out (or with more than
//! [`MAX_POINTS`] villages in view) its figures are summed per grid cell like the houses layer.

use super::{grid_cell, in_view, Viewport, MAX_POINTS};
use crate::access::Visibility;
use crate::params::Params;
use crate::{Db, StoreError};
use model::map_layers::{
    DonationCluster, DonationFigures, DonationLayer, ProgressCluster, ProgressFigures, ProgressLayer,
    VillageDonationPoint, VillageProgressPoint,
};

/// What a village layer reads: four figures as SQL over the kept totals (`n`: `village_now`,
/// `t`: `village_visit_total`, either may be missing for a village), and which villages it draws.
struct LayerFigures {
    figures: [&'static str; 4],
    drawn: &'static str,
}

const PROGRESS: LayerFigures = LayerFigures {
    figures: ["n.households", "n.visited", "t.people_helped", "n.vneid"],
    drawn: "COALESCE(n.households, 0) > 0",
};

/// Donations have three figures; the fourth is a constant so both layers share one reader.
const DONATIONS: LayerFigures = LayerFigures {
    figures: ["n.devices_delivered", "n.devices_allocated", "n.devices_waiting", "0"],
    drawn: "COALESCE(n.devices_delivered, 0) + COALESCE(n.devices_allocated, 0) + COALESCE(n.devices_waiting, 0) > 0",
};

/// A village layer as read, before its figures are named.
enum Read {
    Villages { villages: Vec<(String, f64, f64, [i64; 4])>, without_position: i64 },
    Clusters { cell_deg: f64, clusters: Vec<(f64, f64, i64, [i64; 4])>, without_position: i64 },
}

/// Door-to-door progress per village (at its cultural house) or per grid cell, within scope.
pub async fn progress(db: &Db, visibility: Visibility, viewport: &Viewport) -> Result<ProgressLayer, StoreError> {
    let figures = |[households, households_visited, people_helped, vneid_activations]: [i64; 4]| ProgressFigures {
        households,
        households_visited,
        people_helped,
        vneid_activations,
    };
    Ok(match read(db, visibility, viewport, &PROGRESS).await? {
        Read::Villages { villages, without_position } => ProgressLayer::Villages {
            villages: villages
                .into_iter()
                .map(|(village_code, lon, lat, values)| VillageProgressPoint {
                    village_code,
                    lon,
                    lat,
                    progress: figures(values),
                })
                .collect(),
            without_position,
        },
        Read::Clusters { cell_deg, clusters, without_position } => ProgressLayer::Clusters {
            cell_deg,
            clusters: clusters
                .into_iter()
                .map(|(lon, lat, villages, values)| ProgressCluster { lon, lat, villages, progress: figures(values) })
                .collect(),
            without_position,
        },
    })
}

/// Donated devices per village (at its cultural house) or per grid cell, within scope.
pub async fn donations(db: &Db, visibility: Visibility, viewport: &Viewport) -> Result<DonationLayer, StoreError> {
    let figures = |[delivered, allocated, waiting, _]: [i64; 4]| DonationFigures { delivered, allocated, waiting };
    Ok(match read(db, visibility, viewport, &DONATIONS).await? {
        Read::Villages { villages, without_position } => DonationLayer::Villages {
            villages: villages
                .into_iter()
                .map(|(village_code, lon, lat, values)| VillageDonationPoint {
                    village_code,
                    lon,
                    lat,
                    devices: figures(values),
                })
                .collect(),
            without_position,
        },
        Read::Clusters { cell_deg, clusters, without_position } => DonationLayer::Clusters {
            cell_deg,
            clusters: clusters
                .into_iter()
                .map(|(lon, lat, villages, values)| DonationCluster { lon, lat, villages, devices: figures(values) })
                .collect(),
            without_position,
        },
    })
}

/// The villages of a layer in view: listed when zoomed in and few enough, else summed per cell.
/// Driven by the cultural houses in the box (their position index), each village once: its house
/// of lowest id.
async fn read(db: &Db, visibility: Visibility, viewport: &Viewport, layer: &LayerFigures) -> Result<Read, StoreError> {
    let without_position = without_position(db, visibility, layer).await?;
    let from = format!(
        "FROM cultural_house h
         JOIN admin_unit v ON v.id = h.village_id
         LEFT JOIN village_now n ON n.village_id = h.village_id
         LEFT JOIN village_visit_total t ON t.village_id = h.village_id
         WHERE v.valid_to IS NULL AND {drawn}
           AND NOT EXISTS (SELECT 1 FROM cultural_house first WHERE first.village_id = h.village_id AND first.id < h.id)",
        drawn = layer.drawn,
    );
    let [a, b, c, d] = layer.figures.map(|figure| format!("CAST(COALESCE({figure}, 0) AS BIGINT)"));
    if viewport.lists_points() {
        let mut params = Params::new();
        let view = in_view(&mut params, viewport, visibility, "h", "h.village_id");
        let sql = format!(
            "WITH RECURSIVE {cte}
             SELECT v.code, h.lon, h.lat, {a}, {b}, {c}, {d} {from} AND {view}
             ORDER BY v.code LIMIT {limit}",
            cte = view.cte,
            view = view.condition,
            limit = params.bind(MAX_POINTS + 1),
        );
        let rows: Vec<(String, f64, f64, i64, i64, i64, i64)> = params.query_as(&sql)?.fetch_all(db.pool()).await?;
        if rows.len() as i64 <= MAX_POINTS {
            let villages =
                rows.into_iter().map(|(code, lon, lat, a, b, c, d)| (code, lon, lat, [a, b, c, d])).collect();
            return Ok(Read::Villages { villages, without_position });
        }
    }
    let cell_deg = viewport.cell_deg();
    let mut params = Params::new();
    let view = in_view(&mut params, viewport, visibility, "h", "h.village_id");
    let cell = params.bind(cell_deg);
    let sql = format!(
        "WITH RECURSIVE {cte}
         SELECT AVG(h.lon), AVG(h.lat), COUNT(*),
                CAST(SUM({a}) AS BIGINT), CAST(SUM({b}) AS BIGINT), CAST(SUM({c}) AS BIGINT), CAST(SUM({d}) AS BIGINT)
         {from} AND {view}
         GROUP BY {column}, {row}",
        cte = view.cte,
        view = view.condition,
        column = grid_cell(db, "h.lon", 180.0, &cell),
        row = grid_cell(db, "h.lat", 90.0, &cell),
    );
    let rows: Vec<(f64, f64, i64, i64, i64, i64, i64)> = params.query_as(&sql)?.fetch_all(db.pool()).await?;
    let clusters =
        rows.into_iter().map(|(lon, lat, villages, a, b, c, d)| (lon, lat, villages, [a, b, c, d])).collect();
    Ok(Read::Clusters { cell_deg, clusters, without_position })
}

/// Villages in scope the layer would draw but that have no cultural house to draw them at, so a
/// map never silently shows less than was recorded.
async fn without_position(db: &Db, visibility: Visibility, layer: &LayerFigures) -> Result<i64, StoreError> {
    let mut params = Params::new();
    let scope = params.visible_to(visibility);
    let sql = format!(
        "WITH RECURSIVE {cte}
         SELECT COUNT(*) FROM village_now n
         JOIN admin_unit v ON v.id = n.village_id
         LEFT JOIN village_visit_total t ON t.village_id = n.village_id
         WHERE v.valid_to IS NULL AND {drawn} AND {in_scope}
           AND NOT EXISTS (SELECT 1 FROM cultural_house h WHERE h.village_id = n.village_id)",
        cte = scope.cte,
        drawn = layer.drawn,
        in_scope = scope.covers("n.village_id"),
    );
    let (count,): (i64,) = params.query_as(&sql)?.fetch_one(db.pool()).await?;
    Ok(count)
}
