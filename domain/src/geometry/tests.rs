use super::synthetic::{zigzag_ring, Rng, Star};
use super::*;
use geo::{LineString, Polygon, Validation};

fn geometry(json: &str) -> geojson::Geometry {
    json.parse().expect("test geometry parses")
}

#[test]
fn accepts_a_closed_square() {
    let square =
        geometry(r#"{"type":"Polygon","coordinates":[[[105,20],[105.1,20],[105.1,20.1],[105,20.1],[105,20]]]}"#);
    let area = parse_area(&square).expect("square is valid");
    assert_eq!(bounding_box(&area), Some((105.0, 20.0, 105.1, 20.1)));
}

#[test]
fn rejects_points_swapped_coordinates_bow_ties_and_broken_rings() {
    let cases = [
        (r#"{"type":"Point","coordinates":[105,20]}"#, "Point"),
        (r#"{"type":"Polygon","coordinates":[[[20,105],[20.1,105],[20.1,105.1],[20,105]]]}"#, "[lon, lat]"),
        (r#"{"type":"Polygon","coordinates":[[[0,0],[1,1],[1,0],[0,1],[0,0]]]}"#, "invalid geometry"),
        (r#"{"type":"Polygon","coordinates":[[[105,20],[105.1,20],[105.1,20.1],[105,20.1]]]}"#, "not closed"),
        (r#"{"type":"Polygon","coordinates":[[[105,20],[105.1,20],[105,20]]]}"#, "at least 4"),
        (r#"{"type":"MultiPolygon","coordinates":[[]]}"#, "no ring"),
    ];
    for (json, expected) in cases {
        let problem = parse_area(&geometry(json)).expect_err(json);
        assert!(problem.contains(expected), "{json}: {problem}");
    }
}

/// A closed ring from (x, y) pairs.
fn ring(points: &[(f64, f64)]) -> LineString<f64> {
    let mut coords: Vec<(f64, f64)> = points.to_vec();
    coords.push(points[0]);
    LineString::from(coords)
}

fn polygon(outer: &[(f64, f64)], holes: &[&[(f64, f64)]]) -> Polygon<f64> {
    Polygon::new(ring(outer), holes.iter().map(|hole| ring(hole)).collect())
}

fn area(polygons: Vec<Polygon<f64>>) -> MultiPolygon<f64> {
    MultiPolygon(polygons)
}

const SQUARE: &[(f64, f64)] = &[(0.0, 0.0), (4.0, 0.0), (4.0, 4.0), (0.0, 4.0)];

fn shifted(points: &[(f64, f64)], dx: f64, dy: f64) -> Vec<(f64, f64)> {
    points.iter().map(|&(x, y)| (x + dx, y + dy)).collect()
}

/// Our verdict must match geo's quadratic `is_valid` on every case small enough for it.
fn verdict(area: &MultiPolygon<f64>) -> Result<(), Problem> {
    let ours = check_area(area);
    assert_eq!(ours.is_ok(), area.is_valid(), "geo disagrees on {area:?}: ours {ours:?}");
    ours
}

fn kind(area: &MultiPolygon<f64>) -> ProblemKind {
    verdict(area).expect_err("area is invalid").kind
}

const R0: RingId = RingId { polygon: 0, ring: 0 };
const R1: RingId = RingId { polygon: 0, ring: 1 };

#[test]
fn a_bow_tie_crosses_itself_where_its_edges_meet() {
    let bow_tie = area(vec![polygon(&[(0.0, 0.0), (1.0, 1.0), (1.0, 0.0), (0.0, 1.0)], &[])]);
    let problem = verdict(&bow_tie).expect_err("bow tie");
    assert_eq!(problem, Problem { kind: ProblemKind::Crossing { ring: R0, other: R0 }, at: (0.5, 0.5) });
    assert_eq!(
        problem.to_string(),
        "polygon 0, ring 0 (outer boundary) crosses itself at lon 0.5000000, lat 0.5000000"
    );
}

#[test]
fn holes_must_lie_inside_their_outer_ring_and_outside_each_other() {
    let crossing_hole = area(vec![polygon(SQUARE, &[&[(3.0, 1.0), (5.0, 1.0), (5.0, 2.0), (3.0, 2.0)]])]);
    assert_eq!(kind(&crossing_hole), ProblemKind::Crossing { ring: R0, other: R1 });
    let outside = area(vec![polygon(SQUARE, &[&shifted(SQUARE, 10.0, 0.0)])]);
    assert_eq!(kind(&outside), ProblemKind::HoleOutside { hole: R1 });
    let big = [(0.5, 0.5), (3.5, 0.5), (3.5, 3.5), (0.5, 3.5)];
    let small = [(1.0, 1.0), (2.0, 1.0), (2.0, 2.0), (1.0, 2.0)];
    let nested = area(vec![polygon(SQUARE, &[&big, &small])]);
    assert_eq!(kind(&nested), ProblemKind::NestedHole { hole: RingId { polygon: 0, ring: 2 }, outer: R1 });
    let around = area(vec![polygon(&big, &[&shifted(&big, -0.25, -0.25)])]);
    assert!(matches!(kind(&around), ProblemKind::Crossing { .. }));
}

#[test]
fn touching_at_a_point_is_allowed_but_not_along_a_line_nor_across() {
    // A hole whose vertex lies on the outer ring's edge; two holes sharing a vertex.
    let hole_on_edge = [(0.0, 2.0), (2.0, 1.0), (3.0, 2.0), (2.0, 3.0)];
    verdict(&area(vec![polygon(SQUARE, &[&hole_on_edge])])).expect("hole touches outer ring at a point");
    let left = [(1.0, 2.0), (2.0, 1.0), (3.0, 2.0), (2.0, 3.0)];
    let right = [(3.0, 2.0), (3.5, 1.0), (3.75, 2.0), (3.5, 3.0)];
    verdict(&area(vec![polygon(SQUARE, &[&left, &right])])).expect("holes touch at a point");
    // Polygons touching at a corner, and one touching another's edge with a vertex.
    let corner = area(vec![polygon(SQUARE, &[]), polygon(&shifted(SQUARE, 4.0, 4.0), &[])]);
    verdict(&corner).expect("polygons touch at a corner");
    let tip = area(vec![polygon(SQUARE, &[]), polygon(&[(4.0, 2.0), (6.0, 1.0), (6.0, 3.0)], &[])]);
    verdict(&tip).expect("a vertex on the other polygon's edge");
    // Along a line: neighbouring squares, a hole running along the outer ring.
    let side = area(vec![polygon(SQUARE, &[]), polygon(&shifted(SQUARE, 4.0, 1.0), &[])]);
    let shared = ProblemKind::SharedStretch { ring: R0, other: RingId { polygon: 1, ring: 0 } };
    assert_eq!(kind(&side), shared);
    assert!(side.0.len() == 2 && check_area(&side).is_err_and(|p| p.to_string().contains("touch only at points")));
    let along = area(vec![polygon(SQUARE, &[&[(0.0, 1.0), (1.0, 1.0), (1.0, 2.0), (0.0, 2.0)]])]);
    assert_eq!(kind(&along), ProblemKind::SharedStretch { ring: R0, other: R1 });
    // Through a shared vertex: the hole's vertex sits on the outer edge but the hole goes out.
    let through = area(vec![polygon(SQUARE, &[&[(3.0, 1.0), (4.0, 2.0), (5.0, 2.0), (4.0, 3.0), (3.0, 3.0)]])]);
    let problem = verdict(&through).expect_err("hole goes out through two vertices");
    assert_eq!(problem, Problem { kind: ProblemKind::Crossing { ring: R0, other: R1 }, at: (4.0, 2.0) });
}

#[test]
fn overlapping_polygons_of_a_multipolygon_are_refused() {
    let crossing = area(vec![polygon(SQUARE, &[]), polygon(&shifted(SQUARE, 2.0, 1.0), &[])]);
    let problem = verdict(&crossing).expect_err("overlap");
    assert_eq!(problem.kind, ProblemKind::Crossing { ring: R0, other: RingId { polygon: 1, ring: 0 } });
    assert!(problem.to_string().starts_with("the boundaries of polygons 0 and 1 cross at"), "{problem}");
    let inner = [(1.0, 1.0), (2.0, 1.0), (2.0, 2.0), (1.0, 2.0)];
    let inside = area(vec![polygon(SQUARE, &[]), polygon(&inner, &[])]);
    assert_eq!(kind(&inside), ProblemKind::PolygonInside { inner: 1, outer: 0 });
    let reversed = area(vec![polygon(&inner, &[]), polygon(SQUARE, &[])]);
    assert_eq!(kind(&reversed), ProblemKind::PolygonInside { inner: 0, outer: 1 });
    let big = [(0.5, 0.5), (3.5, 0.5), (3.5, 3.5), (0.5, 3.5)];
    let island_in_lake = area(vec![polygon(SQUARE, &[&big]), polygon(&inner, &[])]);
    verdict(&island_in_lake).expect("a polygon inside another's hole");
    let island_in_island = area(vec![polygon(SQUARE, &[&big]), polygon(&inner, &[]), polygon(&inner, &[])]);
    assert!(matches!(kind(&island_in_island), ProblemKind::SharedStretch { .. }));
}

#[test]
fn spikes_self_touches_and_degenerate_rings_are_refused() {
    let spike = area(vec![polygon(&[(0.0, 0.0), (4.0, 0.0), (4.0, 2.0), (6.0, 2.0), (4.0, 2.0), (4.0, 4.0)], &[])]);
    assert_eq!(kind(&spike), ProblemKind::Spike { ring: R0 });
    let inward =
        area(vec![polygon(&[(0.0, 0.0), (4.0, 0.0), (4.0, 2.0), (2.0, 2.0), (3.0, 2.0), (4.0, 3.0), (0.0, 4.0)], &[])]);
    assert_eq!(kind(&inward), ProblemKind::Spike { ring: R0 }, "a spike that comes back short of its base");
    let figure_eight = area(vec![polygon(
        &[(0.0, 0.0), (2.0, 0.0), (2.0, 2.0), (4.0, 2.0), (4.0, 4.0), (2.0, 4.0), (2.0, 2.0), (0.0, 2.0)],
        &[],
    )]);
    assert_eq!(kind(&figure_eight), ProblemKind::SelfTouch { ring: R0 });
    let repeated = area(vec![polygon(&[(0.0, 0.0), (0.0, 0.0), (4.0, 0.0), (4.0, 4.0), (4.0, 4.0), (0.0, 4.0)], &[])]);
    verdict(&repeated).expect("repeated positions are dropped");
    let flat = area(vec![polygon(&[(0.0, 0.0), (1.0, 0.0), (1.0, 0.0)], &[])]);
    assert_eq!(kind(&flat), ProblemKind::TooFewPositions { ring: R0 });
    let not_finite = area(vec![polygon(&[(0.0, 0.0), (f64::NAN, 0.0), (1.0, 1.0)], &[])]);
    assert!(matches!(check_area(&not_finite), Err(Problem { kind: ProblemKind::NotFinite { .. }, .. })));
}

#[test]
fn long_overlapping_edges_are_checked_without_comparing_every_pair() {
    let comb = area(vec![Polygon::new(zigzag_ring(2_001), Vec::new())]);
    verdict(&comb).expect("a zig-zag comb is valid");
}

/// The real district outline and 2025 communes, as the demo embeds them from `../shared/data`.
fn shared_areas() -> Vec<(String, MultiPolygon<f64>)> {
    [
        include_str!("../../../server/src/demo/data/thach-thanh-district.geojson"),
        include_str!("../../../server/src/demo/data/thach-thanh-communes-2025.geojson"),
    ]
    .into_iter()
    .map(|text| text.parse::<geojson::FeatureCollection>().expect("a FeatureCollection"))
    .flat_map(|collection| collection.features)
    .map(|feature| {
        let name = feature.property("name").and_then(|n| n.as_str()).unwrap_or("?").to_owned();
        let area = parse_area(feature.geometry.as_ref().expect("feature has a geometry"));
        (name.clone(), area.unwrap_or_else(|problem| panic!("{name}: {problem}")))
    })
    .collect()
}

#[test]
fn the_shared_district_and_communes_are_valid() {
    let areas = shared_areas();
    assert_eq!(areas.len(), 1 + 6, "the district and its six communes of 2025");
    for (name, area) in areas {
        assert!(area.is_valid(), "geo's check agrees on {name}");
        let simplified = simplify_for_display(&area);
        assert_eq!(check_area(&simplified).is_ok(), simplified.is_valid(), "{name} simplified for display");
    }
}

#[test]
fn random_star_shapes_agree_with_geo_and_so_do_their_perturbations() {
    let mut rng = Rng::new(7);
    let mut broken = 0;
    for case in 0..300 {
        let star = Star { centre: (105.6, 20.2), radius: 0.05, jitter: 0.6 };
        let n = 4 + rng.below(40);
        let outer = star.ring(&mut rng, n);
        let hole_star = Star { centre: (105.6 + 0.06 * (rng.unit() - 0.5), 20.2), radius: 0.02, jitter: 0.5 };
        let n = 3 + rng.below(12);
        let hole = hole_star.ring(&mut rng, n);
        let island = Star { centre: (105.6 + 0.2 * rng.unit(), 20.2 + 0.05 * rng.unit()), ..star };
        let mut shapes = vec![Polygon::new(outer.clone(), Vec::new())];
        match case % 3 {
            0 => verdict(&area(shapes.clone())).expect("a star-shaped ring is simple"),
            1 => shapes[0] = Polygon::new(outer.clone(), vec![hole]),
            _ => {
                let n = 3 + rng.below(20);
                shapes.push(Polygon::new(island.ring(&mut rng, n), Vec::new()));
            }
        }
        let _ = verdict(&area(shapes.clone()));
        // Perturb: move one vertex anywhere near the shape, or swap two neighbours.
        let mut coords = outer.0.clone();
        let last = coords.len() - 2;
        let k = rng.below(last + 1);
        if rng.unit() < 0.5 {
            coords[k] = geo::Coord { x: 105.6 + 0.1 * (rng.unit() - 0.5), y: 20.2 + 0.1 * (rng.unit() - 0.5) };
        } else {
            coords.swap(k, (k + 1).min(last));
        }
        coords.pop();
        coords.push(coords[0]);
        shapes[0] = Polygon::new(LineString(coords), shapes[0].interiors().to_vec());
        broken += usize::from(verdict(&area(shapes)).is_err());
    }
    assert!(broken > 100, "perturbations broke only {broken} of 300 shapes");
}

#[test]
fn a_generated_crossing_is_found_where_it_was_made() {
    let star = Star { centre: (105.6, 20.2), radius: 0.1, jitter: 0.001 };
    let ring = star.ring(&mut Rng::new(3), 2_000);
    let broken = area(vec![Polygon::new(star.with_crossing(&ring, 1_990), Vec::new())]);
    let problem = verdict(&broken).expect_err("crossing");
    assert_eq!(problem.kind, ProblemKind::Crossing { ring: R0, other: R0 });
    let (x, y) = problem.at;
    assert!((x - 105.7).abs() < 1e-3 && (y - 20.2).abs() < 5e-3, "{problem}");
}

#[test]
fn sizes_are_counted_before_any_work() {
    let square = geometry(r#"{"type":"MultiPolygon","coordinates":[[[[105,20],[105.1,20],[105.1,20.1],[105,20]]]]}"#);
    assert_eq!(count_positions(&square), 4);
    assert_eq!(check_file_size([&square, &square]), Ok(8));
    let star = Star { centre: (105.6, 20.2), radius: 0.1, jitter: 0.0 };
    let huge = geojson::Geometry::from(&star.ring(&mut Rng::new(1), MAX_VERTICES_PER_AREA));
    let message = parse_area(&geojson::Geometry::new(geojson::Value::Polygon(vec![match huge.value {
        geojson::Value::LineString(positions) => positions,
        _ => unreachable!(),
    }])))
    .expect_err("too big");
    assert!(message.contains("500001 positions, more than the 500000 allowed"), "{message}");
    let many = vec![square; MAX_VERTICES_PER_FILE / 4 + 1];
    assert!(check_file_size(&many).is_err_and(|m| m.contains("split it")));
}

/// A commune-sized square (0.02° ≈ 2 km) near Thạch Thành, as (lon, lat) pairs.
fn commune_square(dx: f64) -> Vec<(f64, f64)> {
    shifted(&[(0.0, 0.0), (0.02, 0.0), (0.02, 0.02), (0.0, 0.02)], 105.6 + dx, 20.2)
}

fn assert_repaired(broken: &MultiPolygon<f64>, rings: &[RingId]) -> Repaired {
    assert!(check_area(broken).is_err(), "the case is broken to begin with");
    let repaired = repair_area(broken).unwrap_or_else(|refusal| panic!("{refusal}"));
    check_area(&repaired.area).expect("a repair gives a valid area");
    assert!(repaired.area.is_valid(), "geo agrees that the repair is valid");
    assert_eq!(repaired.rings_repaired, rings);
    assert!(repaired.area_change().abs() <= MAX_REPAIR_AREA_CHANGE, "{}", repaired.summary());
    repaired
}

/// The ring with vertices k and k+1 swapped at the first k (from `from`) where that makes it cross
/// itself: what a careless simplification does.
fn with_bow_tie(ring: &LineString<f64>, from: usize) -> LineString<f64> {
    (from..ring.0.len() - 2)
        .map(|k| {
            let mut coords = ring.0.clone();
            coords.swap(k, k + 1);
            LineString(coords)
        })
        .find(|twisted| {
            let problem = check_area(&area(vec![Polygon::new(twisted.clone(), Vec::new())]));
            matches!(problem, Err(Problem { kind: ProblemKind::Crossing { .. }, .. }))
        })
        .expect("some swap makes a bow tie")
}

#[test]
fn a_bow_tie_commune_is_repaired_and_the_report_says_so() {
    let star = Star { centre: (105.6, 20.2), radius: 0.03, jitter: 0.2 };
    let mut communes = vec![("synthetic".to_owned(), star.ring(&mut Rng::new(5), 300))];
    communes.extend(shared_areas().into_iter().skip(1).map(|(name, area)| (name, area.0[0].exterior().clone())));
    for (name, ring) in communes {
        let broken = area(vec![Polygon::new(with_bow_tie(&ring, ring.0.len() / 3), Vec::new())]);
        let repaired = assert_repaired(&broken, &[R0]);
        let summary = repaired.summary();
        assert!(summary.starts_with("repaired 1 ring that crossed"), "{name}: {summary}");
        assert!(summary.contains("km² before"), "{summary}");
    }
}

#[test]
fn spikes_touches_and_stray_holes_are_repaired_without_changing_the_area() {
    let square = commune_square(0.0);
    let mut spiky = square.clone();
    spiky.splice(2..2, [(105.62, 20.21), (105.63, 20.21), (105.62, 20.21)]);
    let repaired = assert_repaired(&area(vec![polygon(&spiky, &[])]), &[R0]);
    assert!(repaired.area_change().abs() < 1e-6, "{} ({:e})", repaired.summary(), repaired.area_change());
    let eight: Vec<(f64, f64)> =
        [(0.0, 0.0), (1.0, 0.0), (1.0, 1.0), (2.0, 1.0), (2.0, 2.0), (1.0, 2.0), (1.0, 1.0), (0.0, 1.0)]
            .iter()
            .map(|&(x, y)| (105.6 + 0.01 * x, 20.2 + 0.01 * y))
            .collect();
    assert_repaired(&area(vec![polygon(&eight, &[])]), &[R0]);
    let poking = shifted(&[(0.001, 0.001), (0.02005, 0.001), (0.02005, 0.002), (0.001, 0.002)], 105.6, 20.2);
    let repaired = assert_repaired(&area(vec![polygon(&square, &[&poking])]), &[]);
    assert_eq!((repaired.polygons_before, repaired.polygons_after), (1, 1));
}

#[test]
fn a_valid_area_comes_back_unchanged() {
    let valid = area(vec![polygon(&commune_square(0.0), &[]), polygon(&commune_square(0.05), &[])]);
    let repaired = repair_area(&valid).expect("nothing to refuse");
    assert_eq!(repaired.area, valid);
    assert!(repaired.rings_repaired.is_empty() && repaired.area_change() == 0.0);
    assert!((repaired.area_before_km2 - 2.0 * 2.226 * 2.088).abs() < 0.1, "{}", repaired.summary());
}

#[test]
fn a_repair_that_would_drop_or_invent_a_large_part_is_refused() {
    // The same commune given twice: merging them halves the area the file declares.
    let twice = area(vec![polygon(&commune_square(0.0), &[]), polygon(&commune_square(0.0), &[])]);
    let refusal = repair_area(&twice).expect_err("a polygon given twice");
    assert!(refusal.starts_with("repair refused") && refusal.contains("(-50.0 %)"), "{refusal}");
    // A bow tie of two equal lobes: as drawn it encloses nothing, resolved it encloses both lobes.
    let tie = [(0.0, 0.0), (0.02, 0.02), (0.02, 0.0), (0.0, 0.02)];
    let refusal = repair_area(&area(vec![polygon(&shifted(&tie, 105.6, 20.2), &[])])).expect_err("big bow tie");
    assert!(refusal.starts_with("repair refused"), "{refusal}");
    let not_a_number = area(vec![polygon(&[(105.6, 20.2), (f64::NAN, 20.2), (105.7, 20.3)], &[])]);
    assert!(repair_area(&not_a_number).is_err_and(|refusal| refusal.starts_with("cannot repair")));
}

/// A ring on a small integer grid: random corners (crossing, touching, sharing edges and vertices
/// with other rings), or a rectangle or diamond, sometimes with a midpoint on one side, in either
/// direction and from any vertex.
fn grid_ring(rng: &mut Rng, size: usize, shaped: bool) -> LineString<f64> {
    let mut corners: Vec<(f64, f64)> = if shaped {
        let mut at = || rng.below(size) as f64;
        let (x, y, w, h) = (at(), at(), 1.0 + at(), 1.0 + at());
        match rng.below(2) {
            0 => vec![(x, y), (x + w, y), (x + w, y + h), (x, y + h)],
            _ => vec![(x + w, y), (x + 2.0 * w, y + h), (x + w, y + 2.0 * h), (x, y + h)],
        }
    } else {
        let n = 3 + rng.below(5);
        (0..n).map(|_| (rng.below(size) as f64, rng.below(size) as f64)).collect()
    };
    if shaped && rng.below(2) == 0 {
        let k = rng.below(4);
        let (a, b) = (corners[k], corners[(k + 1) % 4]);
        corners.insert(k + 1, ((a.0 + b.0) / 2.0, (a.1 + b.1) / 2.0));
    }
    if rng.below(2) == 0 {
        corners.reverse();
    }
    let turn = rng.below(corners.len());
    corners.rotate_left(turn);
    ring(&corners)
}

#[test]
fn degenerate_grid_shapes_agree_with_geo() {
    use geo::Area;
    let mut rng = Rng::new(11);
    let (mut compared, mut valid) = (0, 0);
    for _ in 0..20_000 {
        let (size, shaped) = (3 + rng.below(8), rng.below(2) == 0);
        let polygons = (0..1 + rng.below(3))
            .map(|_| {
                let outer = grid_ring(&mut rng, size, shaped);
                let holes = (0..rng.below(3)).map(|_| grid_ring(&mut rng, size, shaped)).collect();
                Polygon::new(outer, holes)
            })
            .collect();
        let shapes = area(polygons);
        // geo accepts rings of zero area (all vertices on one line); this check refuses them.
        let flat = |ring: &LineString<f64>| Polygon::new(ring.clone(), Vec::new()).unsigned_area() == 0.0;
        if shapes.0.iter().any(|p| flat(p.exterior()) || p.interiors().iter().any(flat)) {
            continue;
        }
        compared += 1;
        valid += usize::from(verdict(&shapes).is_ok());
    }
    assert!(compared > 10_000 && valid > 1_000, "{compared} compared, {valid} valid");
}
