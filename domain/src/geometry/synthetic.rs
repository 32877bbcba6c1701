//! Synthetic areas for the tests and the benchmark example (examples/big_area.rs). The server never
//! uses them; they live here so that tests and example share one generator.

use std::f64::consts::TAU;

use geo::{Coord, LineString};

/// A small deterministic generator (SplitMix64): reproducible cases without a `rand` dependency.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Uniform in 0..n (n > 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.unit() * n as f64) as usize % n.max(1)
    }
}

/// Where and how big a star-shaped ring is: `radius` in degrees, `jitter` the largest relative
/// shortening of a vertex's radius.
#[derive(Debug, Clone, Copy)]
pub struct Star {
    pub centre: (f64, f64),
    pub radius: f64,
    pub jitter: f64,
}

impl Star {
    /// A closed ring of `n` vertices (plus the closing one) at increasing angles around the centre,
    /// each at a random distance: star-shaped around the centre, hence always simple.
    pub fn ring(&self, rng: &mut Rng, n: usize) -> LineString<f64> {
        let mut coords: Vec<Coord<f64>> = (0..n)
            .map(|k| {
                let angle = TAU * (k as f64 + 0.8 * rng.unit()) / n as f64;
                self.at(angle, self.radius * (1.0 - self.jitter * rng.unit()))
            })
            .collect();
        coords.extend(coords.first().copied());
        LineString(coords)
    }

    fn at(&self, angle: f64, radius: f64) -> Coord<f64> {
        Coord { x: self.centre.0 + radius * angle.cos(), y: self.centre.1 + radius * angle.sin() }
    }

    /// The ring with exactly one crossing made at vertex `k` (1 ≤ k, k + 2 < n): vertices k-1..=k+2
    /// are put on the circle (four points in convex position) and k, k+1 swapped, so the edges
    /// (k-1, k+1) and (k, k+2) are the crossing diagonals of that quadrilateral.
    pub fn with_crossing(&self, ring: &LineString<f64>, k: usize) -> LineString<f64> {
        let mut coords = ring.0.clone();
        for c in &mut coords[k - 1..=k + 2] {
            *c = self.at((c.y - self.centre.1).atan2(c.x - self.centre.0), self.radius);
        }
        coords.swap(k, k + 1);
        LineString(coords)
    }
}

/// A comb of `teeth` long zig-zag edges each spanning the whole width, closed along its west side:
/// a valid polygon on which any check that compares every pair of x-overlapping edges is quadratic.
pub fn zigzag_ring(teeth: usize) -> LineString<f64> {
    let step = 1e-4;
    let mut coords: Vec<Coord<f64>> =
        (0..=teeth).map(|i| Coord { x: 105.0 + (i % 2) as f64 * 0.5, y: 20.0 + i as f64 * step }).collect();
    let top = 20.0 + teeth as f64 * step;
    coords.extend([Coord { x: 104.99, y: top }, Coord { x: 104.99, y: 20.0 }, Coord { x: 105.0, y: 20.0 }]);
    LineString(coords)
}
