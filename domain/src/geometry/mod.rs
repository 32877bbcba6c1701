//! Boundary geometry: checking what an import brings, repairing what simplification broke, and
//! thinning it for display.
//!
//! Everything here is synchronous, pure and CPU-bound: the server calls the checks and the repair
//! inside `spawn_blocking`, after `check_file_size` has bounded the work.

mod limits;
mod problem;
mod repair;
mod sweep;
pub mod synthetic;

#[cfg(test)]
mod tests;

use geo::{BoundingRect, MultiPolygon, Simplify};

pub use limits::{check_area_size, check_file_size, count_positions, MAX_VERTICES_PER_AREA, MAX_VERTICES_PER_FILE};
pub use problem::{Problem, ProblemKind, RingId};
pub use repair::{repair_area, Repaired, MAX_REPAIR_AREA_CHANGE};
pub use sweep::check_area;

/// Tolerance (degrees, ≈ 50 m) of the simplification applied to boundaries sent for display:
/// enough detail at district zoom, a fraction of the bytes on slow 3G.
pub const DISPLAY_TOLERANCE_DEG: f64 = 0.0005;

/// Checks that a GeoJSON geometry is an area usable as an administrative boundary and converts it.
/// The error says what is wrong in words an import report can show.
pub fn parse_area(geometry: &geojson::Geometry) -> Result<MultiPolygon<f64>, String> {
    let area = read_area(geometry)?;
    check_area(&area).map_err(|problem| format!("invalid geometry: {problem}"))?;
    Ok(area)
}

/// Everything `parse_area` checks except validity (crossings, holes, overlaps): what an import
/// needs to offer `repair_area` for an area that `check_area` refused.
pub fn read_area(geometry: &geojson::Geometry) -> Result<MultiPolygon<f64>, String> {
    check_area_size(geometry)?;
    check_rings(&geometry.value)?;
    let area = match geo::Geometry::<f64>::try_from(&geometry.value) {
        Ok(geo::Geometry::Polygon(polygon)) => MultiPolygon(vec![polygon]),
        Ok(geo::Geometry::MultiPolygon(polygons)) => polygons,
        Ok(other) => return Err(format!("geometry must be a Polygon or MultiPolygon, not {}", geometry_kind(&other))),
        Err(error) => return Err(format!("unreadable geometry: {error}")),
    };
    if area.0.is_empty() {
        return Err("geometry has no polygon".to_owned());
    }
    for coordinate in area.0.iter().flat_map(|polygon| {
        polygon.exterior().coords().chain(polygon.interiors().iter().flat_map(|ring| ring.coords()))
    }) {
        let in_range = coordinate.x.is_finite()
            && coordinate.y.is_finite()
            && (-180.0..=180.0).contains(&coordinate.x)
            && (-90.0..=90.0).contains(&coordinate.y);
        if !in_range {
            return Err(format!(
                "coordinate [{}, {}] is not a longitude/latitude pair (RFC 7946 order is [lon, lat])",
                coordinate.x, coordinate.y
            ));
        }
    }
    Ok(area)
}

/// RFC 7946 rings: at least four positions of two or three numbers, the last equal to the
/// first. `geo` would close an open ring silently, hiding a truncated file, so this is checked on
/// the GeoJSON itself.
fn check_rings(value: &geojson::Value) -> Result<(), String> {
    let polygons: Vec<&geojson::PolygonType> = match value {
        geojson::Value::Polygon(rings) => vec![rings],
        geojson::Value::MultiPolygon(polygons) => polygons.iter().collect(),
        _ => return Ok(()),
    };
    for (polygon_index, rings) in polygons.into_iter().enumerate() {
        if rings.is_empty() {
            return Err(format!("polygon {polygon_index} has no ring"));
        }
        for (ring_index, ring) in rings.iter().enumerate() {
            let place = format!("polygon {polygon_index}, ring {ring_index}");
            if let Some(bad) = ring.iter().find(|position| !(2..=3).contains(&position.len())) {
                return Err(format!("{place}: position {bad:?} must have 2 or 3 numbers"));
            }
            if ring.len() < 4 {
                return Err(format!("{place}: a ring needs at least 4 positions, has {}", ring.len()));
            }
            if ring.first() != ring.last() {
                return Err(format!("{place}: the ring is not closed (the last position must equal the first)"));
            }
        }
    }
    Ok(())
}

fn geometry_kind(geometry: &geo::Geometry<f64>) -> &'static str {
    match geometry {
        geo::Geometry::Point(_) => "a Point",
        geo::Geometry::Line(_) => "a Line",
        geo::Geometry::LineString(_) => "a LineString",
        geo::Geometry::Polygon(_) => "a Polygon",
        geo::Geometry::MultiPoint(_) => "a MultiPoint",
        geo::Geometry::MultiLineString(_) => "a MultiLineString",
        geo::Geometry::MultiPolygon(_) => "a MultiPolygon",
        geo::Geometry::GeometryCollection(_) => "a GeometryCollection",
        geo::Geometry::Rect(_) => "a Rect",
        geo::Geometry::Triangle(_) => "a Triangle",
    }
}

/// The (min_lon, min_lat, max_lon, max_lat) box of an area.
pub fn bounding_box(area: &MultiPolygon<f64>) -> Option<(f64, f64, f64, f64)> {
    area.bounding_rect().map(|rect| (rect.min().x, rect.min().y, rect.max().x, rect.max().y))
}

/// Reads a stored boundary (GeoJSON geometry text). Stored boundaries were validated on the way
/// in, so a failure here means the row was edited by hand; callers skip such rows.
pub fn read_stored(boundary: &str) -> Option<MultiPolygon<f64>> {
    let geometry: geojson::Geometry = boundary.parse().ok()?;
    match geo::Geometry::<f64>::try_from(geometry).ok()? {
        geo::Geometry::Polygon(polygon) => Some(MultiPolygon(vec![polygon])),
        geo::Geometry::MultiPolygon(polygons) => Some(polygons),
        _ => None,
    }
}

/// The area thinned for display (Ramer–Douglas–Peucker).
pub fn simplify_for_display(area: &MultiPolygon<f64>) -> MultiPolygon<f64> {
    area.simplify(DISPLAY_TOLERANCE_DEG)
}

/// Outer rings as (lon, lat) pairs: what the map draws. Holes are left out on purpose: commune
/// boundaries have none that matter at district zoom.
pub fn outer_rings(area: &MultiPolygon<f64>) -> Vec<Vec<(f64, f64)>> {
    area.0.iter().map(|polygon| polygon.exterior().coords().map(|c| (c.x, c.y)).collect()).collect()
}
