//! The validity check: one plane sweep over every edge of an area, O(n log n) in its n vertices.
//!
//! Why not geo's `Validation`: it compares every edge of a ring with every other one and relates
//! every pair of rings and of polygons, which is quadratic (a 60,000-vertex area took 16 s).
//! Why not geo's public `sweep::Intersections` either: it tests every pair of edges whose x-ranges
//! overlap, so a ring of long zig-zag edges (each spanning the whole width) is quadratic again, and
//! the limit on upload size would not bound the time. This is the Shamos–Hoey sweep instead: edges
//! in a balanced tree ordered from south to north at the sweep position, and only neighbours in that
//! order are tested, which finds a crossing if there is one (the sweep stops at the first problem,
//! so the k of Bentley–Ottmann is at most 1).
//!
//! Vertices are visited in (lon, lat) order. At each distinct point the check looks at the "star" of
//! edges there: those ending, starting, or passing through it. In angular order, the edges of each
//! ring passage (in, out) must not interleave with another passage's (that would be a crossing
//! through a vertex), no two may point the same way (a shared stretch or a spike), and one ring may
//! pass the point only once. Touching at a point is otherwise allowed, as in OGC and geo: a hole may
//! touch the outer boundary or another hole, and polygons of a MultiPolygon may touch each other.
//! Whether a touching hole disconnects the interior is not checked (geo does not check it either).
//!
//! When a ring's westernmost vertex is reached, the edge just south of it tells which face it
//! starts in: a hole must start in its own polygon's interior, a polygon must not start in another
//! polygon's interior. Those findings wait until the sweep ends, because a crossing found later
//! makes them meaningless and is the better thing to report.
//!
//! All decisions use geo's exact orientation predicate (`RobustKernel`), so no tolerance is
//! involved: two positions are the same point only when their coordinates are equal.

use std::cell::Cell;
use std::cmp::Ordering;
use std::collections::{BTreeSet, HashSet};

use geo::kernels::{Kernel, Orientation, RobustKernel};
use geo::line_intersection::{line_intersection, LineIntersection};
use geo::{Coord, Line, LineString, MultiPolygon};

use super::problem::{Problem, ProblemKind, RingId};

type Pt = Coord<f64>;

/// Checks that an area is a valid (OGC) MultiPolygon and returns the first problem met otherwise.
/// Pure and synchronous: O(n log n) time and O(n) memory for n vertices.
pub fn check_area(area: &MultiPolygon<f64>) -> Result<(), Problem> {
    check_rings(area.0.iter().enumerate().flat_map(|(polygon, shape)| {
        std::iter::once(shape.exterior())
            .chain(shape.interiors())
            .enumerate()
            .map(move |(ring, coords)| (RingId { polygon, ring }, coords))
    }))
}

/// The same check for any set of rings, each named by the caller: the repair uses it on one ring at
/// a time to count the rings that are broken on their own.
pub(crate) fn check_rings<'a>(rings: impl IntoIterator<Item = (RingId, &'a LineString<f64>)>) -> Result<(), Problem> {
    let plane = Plane::new(rings)?;
    Sweep { plane: &plane, active: BTreeSet::new(), deferred: None, block: Vec::new(), star: Vec::new() }.run()
}

/// One ring of the plane, its vertices being `points[start..start + len]` (open: no closing repeat).
struct Ring {
    id: RingId,
    start: usize,
    len: usize,
    /// Counter-clockwise, decided exactly at the westernmost vertex.
    ccw: bool,
    /// Index (in `points`) of the westernmost (then southernmost) vertex.
    westmost: usize,
}

/// The vertices of all rings, cleaned of repeated positions; edge `i` goes from vertex `i` to the
/// next vertex of its ring.
struct Plane {
    points: Vec<Pt>,
    ring_of: Vec<usize>,
    rings: Vec<Ring>,
}

impl Plane {
    fn new<'a>(rings: impl IntoIterator<Item = (RingId, &'a LineString<f64>)>) -> Result<Self, Problem> {
        let mut plane = Plane { points: Vec::new(), ring_of: Vec::new(), rings: Vec::new() };
        for (id, ring) in rings {
            if let Some(bad) = ring.coords().find(|c| !(c.x.is_finite() && c.y.is_finite())) {
                return Err(Problem { kind: ProblemKind::NotFinite { ring: id }, at: (bad.x, bad.y) });
            }
            let start = plane.points.len();
            for c in ring.coords() {
                // `+ 0.0` turns -0.0 into 0.0, so that equal positions also sort as equal.
                let point = Coord { x: c.x + 0.0, y: c.y + 0.0 };
                if plane.points.len() == start || plane.points.last() != Some(&point) {
                    plane.points.push(point);
                }
            }
            while plane.points.len() > start + 1 && plane.points.last() == plane.points.get(start) {
                plane.points.pop();
            }
            let len = plane.points.len() - start;
            if len < 3 {
                let at = ring.coords().next().map_or((0.0, 0.0), |c| (c.x, c.y));
                return Err(Problem { kind: ProblemKind::TooFewPositions { ring: id }, at });
            }
            let index = plane.rings.len();
            plane.ring_of.resize(start + len, index);
            let westmost = (start..start + len).min_by(|&a, &b| lex(plane.points[a], plane.points[b])).unwrap_or(start);
            plane.rings.push(Ring { id, start, len, ccw: false, westmost });
            // Exact: the turn at the extreme vertex has the ring's orientation (collinear means a spike,
            // which the sweep reports there).
            let turn =
                orient(plane.points[plane.prev(westmost)], plane.points[westmost], plane.points[plane.next(westmost)]);
            plane.rings[index].ccw = turn == Orientation::CounterClockwise;
        }
        Ok(plane)
    }

    fn ring(&self, vertex: usize) -> &Ring {
        &self.rings[self.ring_of[vertex]]
    }

    fn next(&self, vertex: usize) -> usize {
        let ring = self.ring(vertex);
        if vertex + 1 == ring.start + ring.len {
            ring.start
        } else {
            vertex + 1
        }
    }

    fn prev(&self, vertex: usize) -> usize {
        let ring = self.ring(vertex);
        if vertex == ring.start {
            ring.start + ring.len - 1
        } else {
            vertex - 1
        }
    }

    /// Edge `id` (from vertex `id` to the next of its ring) as the sweep sees it.
    fn edge(&self, id: usize) -> Edge {
        let (a, b) = (self.points[id], self.points[self.next(id)]);
        let forward = lex(a, b) == Ordering::Less;
        let (p, q) = if forward { (a, b) } else { (b, a) };
        Edge { p, q, id, forward }
    }

    /// The ring of a passage: a vertex index, or `points.len() + edge` for an edge passing through.
    fn passage_ring(&self, passage: usize) -> RingId {
        self.ring(passage % self.points.len()).id
    }
}

/// (lon, lat) order: the order in which the sweep meets points. Vertical edges then behave as if
/// sheared slightly east at their northern end, which changes no orientation test.
fn lex(a: Pt, b: Pt) -> Ordering {
    a.x.total_cmp(&b.x).then_with(|| a.y.total_cmp(&b.y))
}

fn orient(p: Pt, q: Pt, r: Pt) -> Orientation {
    RobustKernel::orient2d(p, q, r)
}

/// An edge as the sweep sees it: from its western end `p` to its eastern end `q`.
#[derive(Debug, Clone, Copy)]
struct Edge {
    p: Pt,
    q: Pt,
    id: usize,
    /// The ring runs from `p` to `q` along this edge (west to east).
    forward: bool,
}

impl Edge {
    /// Whether `at` lies on the line of the edge: for an active edge, whether it passes through `at`.
    fn through(&self, at: Pt) -> bool {
        orient(self.p, self.q, at) == Orientation::Collinear
    }
}

/// Either an active edge, or a point looked up in the active set (sorting just below or just
/// above the edges through that point).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Probe {
    Below,
    Edge,
    Above,
}

/// An entry of the active set. The edge sits in a `Cell` so that at an ordinary vertex (one edge
/// of a ring ends where the next starts, and no other edge passes there) the next edge takes the
/// ending one's place without leaving the tree: it sorts exactly where that one did, against every
/// other active edge, so the order of the set stays valid, and two tree searches are saved.
#[derive(Debug)]
struct Key {
    edge: Cell<Edge>,
    probe: Probe,
}

impl Key {
    fn edge(edge: Edge) -> Key {
        Key { edge: Cell::new(edge), probe: Probe::Edge }
    }

    fn probe(at: Pt, probe: Probe) -> Key {
        Key { edge: Cell::new(Edge { p: at, q: at, id: usize::MAX, forward: false }), probe }
    }
}

/// South-to-north order of edges that are active together. It needs no sweep position: the edge
/// that starts later has its western end within the other's range, and as active edges never
/// cross (a crossing stops the sweep), comparing that end with the other edge gives their order.
impl Ord for Key {
    fn cmp(&self, other: &Self) -> Ordering {
        let (mine, theirs) = (self.edge.get(), other.edge.get());
        match (self.probe, other.probe) {
            (Probe::Edge, Probe::Edge) if mine.id == theirs.id => Ordering::Equal,
            (Probe::Edge, Probe::Edge) if lex(mine.p, theirs.p) != Ordering::Greater => edge_order(&mine, &theirs),
            (Probe::Edge, Probe::Edge) => edge_order(&theirs, &mine).reverse(),
            (Probe::Edge, probe) => point_order(theirs.p, probe, &mine).reverse(),
            (probe, Probe::Edge) => point_order(mine.p, probe, &theirs),
            (probe, other_probe) => probe.cmp(&other_probe),
        }
    }
}

impl PartialOrd for Key {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for Key {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Key {}

/// Order of `a` and `b` where `b` starts at or after `a`'s start.
fn edge_order(a: &Edge, b: &Edge) -> Ordering {
    match orient(a.p, a.q, b.p) {
        Orientation::CounterClockwise => Ordering::Less,
        Orientation::Clockwise => Ordering::Greater,
        Orientation::Collinear => match orient(a.p, a.q, b.q) {
            Orientation::CounterClockwise => Ordering::Less,
            Orientation::Clockwise => Ordering::Greater,
            Orientation::Collinear => a.id.cmp(&b.id),
        },
    }
}

/// Where a probe point sorts relative to an active edge.
fn point_order(at: Pt, probe: Probe, edge: &Edge) -> Ordering {
    match orient(edge.p, edge.q, at) {
        Orientation::CounterClockwise => Ordering::Greater,
        Orientation::Clockwise => Ordering::Less,
        Orientation::Collinear if probe == Probe::Below => Ordering::Less,
        Orientation::Collinear => Ordering::Greater,
    }
}

/// Where two edges cross at a point interior to both, if they do.
fn proper_crossing(a: &Edge, b: &Edge) -> Option<Pt> {
    let sides = |l: &Edge, m: &Edge| (orient(l.p, l.q, m.p), orient(l.p, l.q, m.q));
    let opposite =
        |(s, t): (Orientation, Orientation)| s != Orientation::Collinear && t != Orientation::Collinear && s != t;
    if !(opposite(sides(a, b)) && opposite(sides(b, a))) {
        return None;
    }
    match line_intersection(Line::new(a.p, a.q), Line::new(b.p, b.q)) {
        Some(LineIntersection::SinglePoint { intersection, .. }) => Some(intersection),
        _ => Some(a.p),
    }
}

/// One edge leaving a sweep point, tagged with the ring passage it belongs to.
#[derive(Clone, Copy)]
struct HalfEdge {
    to: Pt,
    passage: usize,
    edge: usize,
}

/// Upper half-plane (angles [0, π)) first, then counter-clockwise: an exact angular order.
fn angular_order(at: Pt, a: Pt, b: Pt) -> Ordering {
    let upper = |v: Pt| v.y > at.y || (v.y == at.y && v.x > at.x);
    upper(b).cmp(&upper(a)).then_with(|| match orient(at, a, b) {
        Orientation::CounterClockwise => Ordering::Less,
        Orientation::Clockwise => Ordering::Greater,
        Orientation::Collinear => Ordering::Equal,
    })
}

/// The sweep's state. The keys of the active set hold `Cell`s: they are only ever changed to an
/// edge that sorts in the same place (see `Key`), so the tree's order is never broken.
struct Sweep<'a> {
    plane: &'a Plane,
    active: BTreeSet<Key>,
    /// The first problem found at a ring's westernmost vertex, reported if no crossing is found.
    deferred: Option<Problem>,
    /// Reused buffers: the active edges through the current point (south to north), and its star.
    block: Vec<Edge>,
    star: Vec<HalfEdge>,
}

impl Sweep<'_> {
    fn run(mut self) -> Result<(), Problem> {
        let points = &self.plane.points;
        let mut order: Vec<usize> = (0..points.len()).collect();
        order.sort_unstable_by(|&a, &b| lex(points[a], points[b]));
        for group in order.chunk_by(|&a, &b| points[a] == points[b]) {
            let at = points[group[0]];
            let passed = match group {
                [vertex] => self.pass(at, *vertex)?,
                _ => false,
            };
            if !passed {
                self.visit(at, group)?;
            }
        }
        self.deferred.map_or(Ok(()), Err)
    }

    fn problem(at: Pt, kind: ProblemKind) -> Problem {
        Problem { kind, at: (at.x, at.y) }
    }

    /// The ordinary vertex, most of them: one edge ends at `at`, the next starts there, and no
    /// other edge passes. The next edge takes the ending one's place; only its two new neighbours
    /// need testing. Returns false, having changed nothing, for any other vertex.
    fn pass(&self, at: Pt, vertex: usize) -> Result<bool, Problem> {
        let plane = self.plane;
        let (before, after) = (plane.edge(plane.prev(vertex)), plane.edge(vertex));
        let (ending, starting) = match (before.q == at, after.q == at) {
            (true, false) => (before, after),
            (false, true) => (after, before),
            _ => return Ok(false),
        };
        let above = Key::probe(at, Probe::Above);
        let mut southwards = self.active.range(..&above).rev();
        let Some(slot) = southwards.next().filter(|key| key.edge.get().id == ending.id) else { return Ok(false) };
        let south = southwards.next().map(|key| key.edge.get());
        if south.is_some_and(|edge| edge.through(at)) {
            return Ok(false);
        }
        slot.edge.set(starting);
        let north = self.active.range(&above..).next().map(|key| key.edge.get());
        self.check_pair(south, Some(starting))?;
        self.check_pair(Some(starting), north)?;
        Ok(true)
    }

    /// Any other point: star check, then edges out of the tree and into it, then the new
    /// neighbours and the rings whose westernmost vertex is here.
    fn visit(&mut self, at: Pt, vertices: &[usize]) -> Result<(), Problem> {
        let plane = self.plane;
        let above = Key::probe(at, Probe::Above);
        self.collect_through(at, &above);
        self.check_star(at, vertices)?;
        let edges = || vertices.iter().flat_map(|&v| [plane.edge(v), plane.edge(plane.prev(v))]);
        for ending in edges().filter(|edge| edge.q == at) {
            self.active.remove(&Key::edge(ending));
        }
        for starting in edges().filter(|edge| edge.p == at) {
            self.active.insert(Key::edge(starting));
        }
        let south = self.collect_through(at, &above);
        let north = self.active.range(&above..).next().map(|key| key.edge.get());
        match (self.block.first().copied(), self.block.last().copied()) {
            (Some(first), Some(last)) => {
                self.check_pair(south, Some(first))?;
                self.check_pair(Some(last), north)?;
            }
            _ => self.check_pair(south, north)?,
        }
        let starting: Vec<usize> =
            vertices.iter().filter(|&&v| plane.ring(v).westmost == v).map(|&v| plane.ring_of[v]).collect();
        if !starting.is_empty() && self.deferred.is_none() {
            self.classify_starts(at, south, &starting);
        }
        Ok(())
    }

    /// Fills `block` with the active edges through `at`, south to north, and returns the active
    /// edge just south of them: one search down the tree.
    fn collect_through(&mut self, at: Pt, above: &Key) -> Option<Edge> {
        self.block.clear();
        let mut south = None;
        for key in self.active.range(..above).rev() {
            let edge = key.edge.get();
            if !edge.through(at) {
                south = Some(edge);
                break;
            }
            self.block.push(edge);
        }
        self.block.reverse();
        south
    }

    fn check_pair(&self, a: Option<Edge>, b: Option<Edge>) -> Result<(), Problem> {
        let (Some(a), Some(b)) = (a, b) else { return Ok(()) };
        match proper_crossing(&a, &b) {
            Some(at) => {
                let (ring, other) = (self.plane.ring(a.id).id, self.plane.ring(b.id).id);
                Err(Self::problem(at, ProblemKind::Crossing { ring: ring.min(other), other: ring.max(other) }))
            }
            None => Ok(()),
        }
    }

    /// The star at `at`: see the module comment. Most points are one ring passing, which needs only
    /// the spike test.
    fn check_star(&mut self, at: Pt, vertices: &[usize]) -> Result<(), Problem> {
        let plane = self.plane;
        let passing = self.block.iter().filter(|edge| edge.q != at);
        if let ([vertex], None) = (vertices, passing.clone().next()) {
            let (a, b) = (plane.points[plane.prev(*vertex)], plane.points[plane.next(*vertex)]);
            let same_way = orient(at, a, b) == Orientation::Collinear
                && (a.x > at.x) == (b.x > at.x)
                && (a.x < at.x) == (b.x < at.x)
                && (a.y > at.y) == (b.y > at.y)
                && (a.y < at.y) == (b.y < at.y);
            return match same_way {
                true => Err(Self::problem(at, ProblemKind::Spike { ring: plane.ring(*vertex).id })),
                false => Ok(()),
            };
        }
        self.star.clear();
        for &v in vertices {
            let (prev, next) = (plane.prev(v), plane.next(v));
            self.star.extend([
                HalfEdge { to: plane.points[prev], passage: v, edge: prev },
                HalfEdge { to: plane.points[next], passage: v, edge: v },
            ]);
        }
        for through in passing {
            let (passage, edge) = (plane.points.len() + through.id, through.id);
            self.star.extend([HalfEdge { to: through.p, passage, edge }, HalfEdge { to: through.q, passage, edge }]);
        }
        self.star.sort_by(|a, b| angular_order(at, a.to, b.to));
        for pair in self.star.windows(2) {
            if angular_order(at, pair[0].to, pair[1].to) == Ordering::Equal {
                let (ring, other) = (plane.passage_ring(pair[0].passage), plane.passage_ring(pair[1].passage));
                // Two consecutive edges of a ring pointing the same way: it went out and came back.
                let (e, f) = (pair[0].edge, pair[1].edge);
                let spike = pair[0].passage == pair[1].passage || plane.next(e) == f || plane.next(f) == e;
                let kind = match spike {
                    true => ProblemKind::Spike { ring },
                    false => ProblemKind::SharedStretch { ring: ring.min(other), other: ring.max(other) },
                };
                return Err(Self::problem(at, kind));
            }
        }
        // Passages as chords of a circle around `at`: they must nest like brackets.
        let (mut open, mut seen) = (Vec::new(), HashSet::new());
        for edge in &self.star {
            if seen.insert(edge.passage) {
                open.push(edge.passage);
            } else if let Some(&top) = open.last() {
                if top != edge.passage {
                    let (ring, other) = (plane.passage_ring(edge.passage), plane.passage_ring(top));
                    let kind = ProblemKind::Crossing { ring: ring.min(other), other: ring.max(other) };
                    return Err(Self::problem(at, kind));
                }
                open.pop();
            }
        }
        let mut passages: Vec<(RingId, usize)> = seen.into_iter().map(|p| (plane.passage_ring(p), p)).collect();
        passages.sort_unstable();
        match passages.windows(2).find(|pair| pair[0].0 == pair[1].0) {
            Some(pair) => Err(Self::problem(at, ProblemKind::SelfTouch { ring: pair[0].0 })),
            None => Ok(()),
        }
    }

    /// For each ring whose westernmost vertex is `at` (south to north), the face its first edge
    /// starts in is the face just north of the active edge below it.
    fn classify_starts(&mut self, at: Pt, south: Option<Edge>, starting: &[usize]) {
        let plane = self.plane;
        let mut done = Vec::with_capacity(starting.len());
        let mut below = south;
        for edge in &self.block {
            let ring = plane.ring_of[edge.id];
            if starting.contains(&ring) && !done.contains(&ring) {
                done.push(ring);
                if let Some(kind) = misplaced(plane, ring, below.as_ref()) {
                    self.deferred = Some(Self::problem(at, kind));
                    return;
                }
            }
            below = Some(*edge);
        }
    }
}

/// Whether ring `ring`, starting just north of edge `below` (or with nothing south of it), is
/// somewhere it may not be.
fn misplaced(plane: &Plane, ring: usize, below: Option<&Edge>) -> Option<ProblemKind> {
    let me = plane.rings[ring].id;
    let Some(below) = below else {
        return (me.ring > 0).then_some(ProblemKind::HoleOutside { hole: me });
    };
    let other = plane.ring(below.id);
    // The ring's inside is on its left; moving east along `below`, the left is the north.
    let inside_north = below.forward == other.ccw;
    match (me.ring, other.id) {
        // An outer boundary starting inside another polygon's interior (inside its outer ring or
        // just outside one of its holes). Its own rings below it mean a misplaced hole, reported there.
        (0, them) if them.polygon != me.polygon && (them.ring == 0) == inside_north => {
            Some(ProblemKind::PolygonInside { inner: me.polygon, outer: them.polygon })
        }
        (0, _) => None,
        (_, them) if them.polygon != me.polygon => Some(ProblemKind::HoleOutside { hole: me }),
        (_, them) if them.ring == 0 => (!inside_north).then_some(ProblemKind::HoleOutside { hole: me }),
        (_, them) => inside_north.then_some(ProblemKind::NestedHole { hole: me, outer: them }),
    }
}
