//! What the validity check reports: the first problem it meets, named by polygon and ring and
//! placed by longitude/latitude, so that an import report can point an operator at it.

use std::fmt;

/// A ring of a MultiPolygon: `polygon` counts from 0 in the MultiPolygon (a single Polygon is
/// polygon 0); `ring` is the GeoJSON ring index, 0 being the outer boundary and 1.. the holes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RingId {
    pub polygon: usize,
    pub ring: usize,
}

impl RingId {
    fn role(self) -> &'static str {
        if self.ring == 0 {
            "outer boundary"
        } else {
            "a hole"
        }
    }
}

impl fmt::Display for RingId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "polygon {}, ring {} ({})", self.polygon, self.ring, self.role())
    }
}

/// The kinds of invalidity, in the order of the OGC rules that geo's own validation also applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProblemKind {
    /// A coordinate is NaN or infinite.
    NotFinite { ring: RingId },
    /// Fewer than 3 distinct positions once repeated ones are dropped: the ring encloses nothing.
    TooFewPositions { ring: RingId },
    /// Two edges cross. `ring == other` when a ring crosses itself (the bow tie).
    Crossing { ring: RingId, other: RingId },
    /// A ring goes out and comes straight back along the same line (zero-width spike).
    Spike { ring: RingId },
    /// Two edges lie along each other. `ring == other` when a ring runs back along itself.
    SharedStretch { ring: RingId, other: RingId },
    /// A ring passes twice through the same point (OGC forbids it; geo's check too).
    SelfTouch { ring: RingId },
    /// A hole that is not inside its polygon's outer boundary.
    HoleOutside { hole: RingId },
    /// A hole inside another hole of the same polygon.
    NestedHole { hole: RingId, outer: RingId },
    /// One polygon of a MultiPolygon lies inside another one (their interiors overlap).
    PolygonInside { inner: usize, outer: usize },
}

/// The first problem found in an area, with the place (longitude, latitude) where it is.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Problem {
    pub kind: ProblemKind,
    /// (lon, lat) of the crossing, touching point, spike tip, or westernmost point of a misplaced
    /// ring.
    pub at: (f64, f64),
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let at = format!("lon {:.7}, lat {:.7}", self.at.0, self.at.1);
        match self.kind {
            ProblemKind::NotFinite { ring } => write!(f, "{ring} has a coordinate that is not a finite number"),
            ProblemKind::TooFewPositions { ring } => {
                write!(f, "{ring} has fewer than 3 distinct positions, so it encloses nothing")
            }
            ProblemKind::Crossing { ring, other } if ring == other => write!(f, "{ring} crosses itself at {at}"),
            ProblemKind::Crossing { ring, other } => write!(f, "{} cross at {at}", pair(ring, other)),
            ProblemKind::Spike { ring } => {
                write!(f, "{ring} turns straight back on itself (a zero-width spike) at {at}")
            }
            ProblemKind::SharedStretch { ring, other } if ring == other => {
                write!(f, "{ring} runs back along itself from {at}")
            }
            ProblemKind::SharedStretch { ring, other } if ring.polygon != other.polygon => write!(
                f,
                "{} share a stretch of boundary from {at} (parts of a MultiPolygon may touch only at points)",
                pair(ring, other)
            ),
            ProblemKind::SharedStretch { ring, other } => {
                write!(f, "{} share a stretch of boundary from {at}", pair(ring, other))
            }
            ProblemKind::SelfTouch { ring } => {
                write!(f, "{ring} passes twice through the point {at} (a ring may not touch itself)")
            }
            ProblemKind::HoleOutside { hole } => {
                write!(f, "{hole} is not inside the outer boundary (its westernmost point is {at})")
            }
            ProblemKind::NestedHole { hole, outer } => write!(
                f,
                "in polygon {}, the hole ring {} lies inside the hole ring {} (westernmost point {at})",
                hole.polygon, hole.ring, outer.ring
            ),
            ProblemKind::PolygonInside { inner, outer } => {
                write!(f, "polygon {inner} overlaps polygon {outer}: it lies inside it (westernmost point {at})")
            }
        }
    }
}

/// Two rings named together: shorter when they belong to the same polygon, and by polygon only
/// when they belong to different ones (which rings of two polygons meet rarely helps a reader).
fn pair(a: RingId, b: RingId) -> String {
    if a.polygon == b.polygon {
        format!("in polygon {}, ring {} ({}) and ring {} ({})", a.polygon, a.ring, a.role(), b.ring, b.role())
    } else {
        format!("the boundaries of polygons {} and {}", a.polygon.min(b.polygon), a.polygon.max(b.polygon))
    }
}

impl std::error::Error for Problem {}
