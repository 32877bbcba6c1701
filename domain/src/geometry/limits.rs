//! Size limits, checked by counting positions before anything else is done with a geometry.
//!
//! The validity check is O(n log n): 0.15 µs a vertex for a smooth ring, up to 0.9 µs for the worst
//! shape tried (a comb of long zig-zag edges), measured on this 2-core machine under load (see
//! examples/big_area.rs). The repair costs about ten times more. The limits bound what one request
//! can cost whatever its file looks like.

/// Most vertices (positions, closing ones included) one area may have. Dense but honest GIS exports
/// of a commune or an operator's coverage area reach a few hundred thousand; 400,000 must pass.
/// 500,000 leaves that margin and checks in well under a second.
pub const MAX_VERTICES_PER_AREA: usize = 500_000;

/// Most vertices one uploaded file may have, all its geometries together. A 16 MiB upload of
/// ordinary coordinates (8–9 decimals, 25–40 bytes a position) holds 400,000–670,000 positions, so
/// this only refuses files of short, coarse coordinates packed to maximise the vertex count, and
/// bounds one request's validity checks at about a second of one core.
pub const MAX_VERTICES_PER_FILE: usize = 1_000_000;

/// Positions in a GeoJSON geometry, of any type (collections included), without converting it:
/// a walk over vector lengths, cheap enough to run before any other work.
pub fn count_positions(geometry: &geojson::Geometry) -> usize {
    count_value(&geometry.value)
}

fn count_value(value: &geojson::Value) -> usize {
    match value {
        geojson::Value::Point(_) => 1,
        geojson::Value::MultiPoint(points) | geojson::Value::LineString(points) => points.len(),
        geojson::Value::MultiLineString(lines) | geojson::Value::Polygon(lines) => lines.iter().map(Vec::len).sum(),
        geojson::Value::MultiPolygon(polygons) => polygons.iter().flatten().map(Vec::len).sum(),
        geojson::Value::GeometryCollection(geometries) => geometries.iter().map(count_positions).sum(),
    }
}

/// Refuses one area with more than `MAX_VERTICES_PER_AREA` positions; returns its count otherwise.
pub fn check_area_size(geometry: &geojson::Geometry) -> Result<usize, String> {
    let count = count_positions(geometry);
    if count > MAX_VERTICES_PER_AREA {
        return Err(format!(
            "the geometry has {count} positions, more than the {MAX_VERTICES_PER_AREA} allowed for one area; \
             simplify it (a 1 m tolerance is plenty for a boundary) and import it again"
        ));
    }
    Ok(count)
}

/// Refuses a file whose geometries have more than `MAX_VERTICES_PER_FILE` positions together;
/// returns the total otherwise. Stops counting as soon as the limit is passed.
pub fn check_file_size<'a>(geometries: impl IntoIterator<Item = &'a geojson::Geometry>) -> Result<usize, String> {
    let mut total = 0usize;
    for geometry in geometries {
        total = total.saturating_add(count_positions(geometry));
        if total > MAX_VERTICES_PER_FILE {
            return Err(format!(
                "the file has more than {MAX_VERTICES_PER_FILE} positions in its geometries; \
                 split it into several files or simplify its boundaries"
            ));
        }
    }
    Ok(total)
}
