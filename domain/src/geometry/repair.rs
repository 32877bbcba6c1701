//! Repair of areas that simplification broke: rings that cross or touch themselves (bow ties,
//! spikes), and what follows from them (a hole poking out, two islands overlapping).
//!
//! Each ring is replaced by the region it encloses, counting every loop once (geo's boolean
//! operations with the non-zero fill rule, which resolve self-intersections); holes are then cut
//! from their polygon, and polygons that still overlap are merged. A repair is only accepted when it
//! keeps the area the file declares (signed ring areas, as a GIS computes them) within
//! `MAX_REPAIR_AREA_CHANGE`: a small twisted lobe passes, a ring looping twice or a polygon given
//! twice does not, because then the repair would be guessing what the file meant.

use geo::algorithm::bool_ops::{unary_union, BooleanOps, FillRule, OpType};
use geo::orient::{Direction, Orient};
use geo::{GeodesicArea, LineString, MultiPolygon, Polygon};

use super::problem::{Problem, ProblemKind, RingId};
use super::sweep::{check_area, check_rings};

/// Largest relative change of area (0.01 = 1 %) a repair may make.
pub const MAX_REPAIR_AREA_CHANGE: f64 = 0.01;

/// A repaired area and what the repair did, for the import report.
#[derive(Debug, Clone, PartialEq)]
pub struct Repaired {
    /// Valid (it passes `check_area`).
    pub area: MultiPolygon<f64>,
    /// The rings that were broken on their own (crossing, touching or running back along themselves).
    pub rings_repaired: Vec<RingId>,
    pub polygons_before: usize,
    pub polygons_after: usize,
    /// Geodesic (WGS 84) areas; "before" counts each ring as drawn (signed), as a GIS would.
    pub area_before_km2: f64,
    pub area_after_km2: f64,
}

impl Repaired {
    /// Relative change of area, e.g. 0.002 for +0.2 %.
    pub fn area_change(&self) -> f64 {
        relative_change(self.area_before_km2, self.area_after_km2)
    }

    /// One sentence for the import report.
    pub fn summary(&self) -> String {
        let rings: Vec<String> =
            self.rings_repaired.iter().map(|ring| format!("polygon {} ring {}", ring.polygon, ring.ring)).collect();
        let mut text = match rings.len() {
            0 => "no ring crossed itself".to_owned(),
            1 => format!("repaired 1 ring that crossed, touched or ran back along itself ({})", rings.join(", ")),
            n => {
                format!("repaired {n} rings that crossed, touched or ran back along themselves ({})", rings.join(", "))
            }
        };
        if self.polygons_before != self.polygons_after {
            text += &format!("; {} polygons became {}", self.polygons_before, self.polygons_after);
        }
        text + &format!(
            "; area {:.3} km² before, {:.3} km² after ({:+.2} %)",
            self.area_before_km2,
            self.area_after_km2,
            self.area_change() * 100.0
        )
    }
}

/// Repairs an area that `check_area` refuses (a valid one comes back unchanged). Refuses, with a
/// message for the import report, when the repair would change the area by more than
/// `MAX_REPAIR_AREA_CHANGE` or still not give a valid area. Pure and CPU-bound (boolean operations
/// are O(n log n) too, with a larger constant than the check).
pub fn repair_area(area: &MultiPolygon<f64>) -> Result<Repaired, String> {
    let area_before_km2 = declared_km2(area);
    let mut rings_repaired = Vec::new();
    let mut parts = Vec::with_capacity(area.0.len());
    for (index, polygon) in area.0.iter().enumerate() {
        let mut region = |ring: usize, coords: &LineString<f64>| -> Result<MultiPolygon<f64>, String> {
            let id = RingId { polygon: index, ring };
            let (region, broken) = ring_region(id, coords)?;
            if broken {
                rings_repaired.push(id);
            }
            Ok(region)
        };
        let outer = region(0, polygon.exterior())?;
        let mut holes = Vec::with_capacity(polygon.interiors().len());
        for (i, hole) in polygon.interiors().iter().enumerate() {
            holes.extend(region(i + 1, hole)?.0);
        }
        parts.push((outer, holes));
    }
    // Every ring is fine on its own: the area may be valid, or its rings may sit wrongly together.
    if rings_repaired.is_empty() && check_area(area).is_ok() {
        let (polygons_before, polygons_after, area_after_km2) = (area.0.len(), area.0.len(), area_before_km2);
        let area = area.clone();
        return Ok(Repaired { area, rings_repaired, polygons_before, polygons_after, area_before_km2, area_after_km2 });
    }
    let pieces: Vec<MultiPolygon<f64>> = parts
        .into_iter()
        .map(|(outer, holes)| match holes.is_empty() {
            true => outer,
            false => outer.boolean_op_with_fill_rule(&MultiPolygon(holes), OpType::Difference, FillRule::NonZero),
        })
        .map(|piece| piece.orient(Direction::Default))
        .collect();
    let mut result = MultiPolygon(pieces.iter().flat_map(|piece| piece.0.iter().cloned()).collect());
    if check_area(&result).is_err() {
        result = unary_union(&pieces);
    }
    if let Err(problem) = check_area(&result) {
        return Err(format!("the repair did not give a valid area ({problem}); correct the geometry in a GIS editor"));
    }
    let area_after_km2 = declared_km2(&result);
    let change = relative_change(area_before_km2, area_after_km2);
    if result.0.is_empty() || !change.is_finite() || change.abs() > MAX_REPAIR_AREA_CHANGE {
        return Err(format!(
            "repair refused: it would change the area from {area_before_km2:.3} km² to {area_after_km2:.3} km² \
             ({:+.1} %), more than the {:.0} % a repair may change; the geometry is too broken to guess what it \
             meant, correct it in a GIS editor",
            change * 100.0,
            MAX_REPAIR_AREA_CHANGE * 100.0
        ));
    }
    let (polygons_before, polygons_after) = (area.0.len(), result.0.len());
    Ok(Repaired { area: result, rings_repaired, polygons_before, polygons_after, area_before_km2, area_after_km2 })
}

/// The region a ring encloses, each loop counted once; `true` when the ring had to be resolved.
/// A ring with a coordinate that is not a number cannot be repaired.
fn ring_region(id: RingId, ring: &LineString<f64>) -> Result<(MultiPolygon<f64>, bool), String> {
    let shape = Polygon::new(ring.clone(), Vec::new());
    // Checked alone as an outer ring: a hole alone would be "outside its outer ring".
    match check_rings([(RingId { ring: 0, ..id }, ring)]) {
        Ok(()) => Ok((MultiPolygon(vec![shape.orient(Direction::Default)]), false)),
        Err(problem) if matches!(problem.kind, ProblemKind::NotFinite { .. }) => {
            Err(format!("cannot repair: {}", Problem { kind: ProblemKind::NotFinite { ring: id }, ..problem }))
        }
        Err(_) => {
            let region =
                shape.boolean_op_with_fill_rule(&MultiPolygon::new(Vec::new()), OpType::Union, FillRule::NonZero);
            Ok((region.orient(Direction::Default), true))
        }
    }
}

/// Area as the file draws it: each ring's geodesic area taken as a whole (a twisted lobe counts
/// negatively, as in any GIS), holes subtracted.
fn declared_km2(area: &MultiPolygon<f64>) -> f64 {
    let ring_m2 = |ring: &LineString<f64>| Polygon::new(ring.clone(), Vec::new()).geodesic_area_signed().abs();
    let m2: f64 = area
        .0
        .iter()
        .map(|polygon| ring_m2(polygon.exterior()) - polygon.interiors().iter().map(ring_m2).sum::<f64>())
        .sum();
    m2 / 1e6
}

fn relative_change(before: f64, after: f64) -> f64 {
    if before > 0.0 {
        (after - before) / before
    } else {
        f64::INFINITY
    }
}
