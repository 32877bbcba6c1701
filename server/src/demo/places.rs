//! Where the demo happens: the former huyện Thạch Thành as it really is. Its 24 communes and towns
//! until 30 June 2025 (GSO codes and names, public facts), the reorganisation that merged them
//! into 6 communes on 1 July 2025 (Resolution 1686/NQ-UBTVQH15), the district's outline and the
//! 6 communes' polygons, embedded from `data/` (sources and licences in `data/README.md`, credited
//! in the README and the map's attribution). Villages and cultural houses are invented, each
//! placed inside the polygon of the commune it belongs to today.

use domain::admin_units::{self, Boundary};
use domain::geometry;
use domain::StoreError;
use geo::{Contains, InteriorPoint, MultiPolygon, Point};
use rand::rngs::StdRng;
use rand::Rng;

/// Outline of the former district (GSO 391), for its period.
const DISTRICT_OUTLINE: &str = include_str!("data/thach-thanh-district.geojson");
/// The 6 communes since 1 July 2025.
const COMMUNES_2025: &str = include_str!("data/thach-thanh-communes-2025.geojson");
/// Old code → new code, effective date, legal basis: applied as an administrator would.
/// The credit the demo's boundaries ask for on the map (sources and licences: `data/README.md`).
pub(super) const BOUNDARY_CREDIT: &str =
    "Ranh giới xã: lamngockhuong/vietnam-3d-map (MIT), huyện cũ: daohoangson/dvhcvn (GPL-3.0)";
pub(super) const REORGANISATION_2025: &str = include_str!("data/thach-thanh-reorganisation-2025.csv");
/// The district level ended the same day (Law 72/2025/QH15 on local government organisation).
pub(super) const DISTRICT_ENDED: &str =
    "old_code,old_name,new_code,new_name,effective_date,legal_basis\n391,Huyện Thạch Thành,,,2025-07-01,72/2025/QH15\n";

/// Communes and towns of huyện Thạch Thành until 30 June 2025 (GSO codes), each with an
/// approximate centre (lon, lat) that places its villages within its successor's polygon.
pub(super) const FORMER_COMMUNES: [(&str, &str, f64, f64); 24] = [
    ("15187", "Thị trấn Kim Tân", 105.684, 20.126),
    ("15190", "Thị trấn Vân Du", 105.703, 20.072),
    ("15196", "Xã Thạch Lâm", 105.435, 20.360),
    ("15199", "Xã Thạch Quảng", 105.516, 20.346),
    ("15202", "Xã Thạch Tượng", 105.464, 20.342),
    ("15205", "Xã Thạch Cẩm", 105.543, 20.317),
    ("15208", "Xã Thạch Sơn", 105.485, 20.307),
    ("15211", "Xã Thạch Bình", 105.586, 20.294),
    ("15214", "Xã Thạch Định", 105.516, 20.283),
    ("15220", "Xã Thạch Long", 105.557, 20.272),
    ("15223", "Xã Thành Mỹ", 105.605, 20.261),
    ("15226", "Xã Thành Yên", 105.641, 20.253),
    ("15229", "Xã Thành Vinh", 105.537, 20.242),
    ("15232", "Xã Thành Minh", 105.578, 20.224),
    ("15235", "Xã Thành Công", 105.670, 20.219),
    ("15238", "Xã Thành Tân", 105.622, 20.214),
    ("15241", "Xã Thành Trực", 105.697, 20.186),
    ("15247", "Xã Thành Tâm", 105.605, 20.175),
    ("15250", "Xã Thành An", 105.650, 20.171),
    ("15253", "Xã Thành Thọ", 105.731, 20.166),
    ("15256", "Xã Thành Tiến", 105.779, 20.147),
    ("15259", "Xã Thành Long", 105.630, 20.125),
    ("15265", "Xã Thành Hưng", 105.733, 20.124),
    ("15268", "Xã Ngọc Trạo", 105.750, 20.087),
];

/// Villages of one former commune lie within this distance (degrees, about 2 km) of its centre.
const VILLAGE_SPREAD_DEG: f64 = 0.018;

/// A real area read from the embedded files.
pub(super) struct Area {
    pub code: String,
    pub name: String,
    pub boundary: Boundary,
    shape: MultiPolygon<f64>,
}

/// Reads the features of an embedded FeatureCollection as checked areas.
fn areas(collection: &str) -> Result<Vec<Area>, StoreError> {
    let corrupt = |why: String| StoreError::Corrupt(format!("embedded demo geography: {why}"));
    let parsed: geojson::FeatureCollection = collection.parse().map_err(|error| corrupt(format!("{error}")))?;
    parsed
        .features
        .iter()
        .map(|feature| {
            let text = |name: &str| {
                feature
                    .property(name)
                    .and_then(|value| value.as_str())
                    .map(str::to_owned)
                    .ok_or_else(|| corrupt(format!("a feature has no {name}")))
            };
            let geometry = feature.geometry.as_ref().ok_or_else(|| corrupt("a feature has no geometry".into()))?;
            let shape = geometry::parse_area(geometry).map_err(corrupt)?;
            let (min_lon, min_lat, max_lon, max_lat) =
                geometry::bounding_box(&shape).ok_or_else(|| corrupt("an empty area".into()))?;
            let boundary =
                Boundary { geojson: geojson::Geometry::from(&shape).to_string(), min_lon, min_lat, max_lon, max_lat };
            Ok(Area { code: text("code")?, name: text("name")?, boundary, shape })
        })
        .collect()
}

/// The district's outline.
pub(super) fn district_outline() -> Result<Boundary, StoreError> {
    areas(DISTRICT_OUTLINE)?
        .into_iter()
        .next()
        .map(|area| area.boundary)
        .ok_or_else(|| StoreError::Corrupt("embedded demo geography: no district outline".into()))
}

/// The 6 communes of today with their polygons.
pub(super) fn communes_2025() -> Result<Vec<Area>, StoreError> {
    areas(COMMUNES_2025)
}

/// The code of the commune each former commune merged into, from the embedded resolution table.
pub(super) fn successor_code(former_code: &str) -> Option<&'static str> {
    REORGANISATION_2025.lines().skip(1).find_map(|line| {
        let mut cells = line.split(',');
        let old = cells.next()?;
        let _old_name = cells.next()?;
        (old == former_code).then(|| cells.next()).flatten()
    })
}

/// Where the villages of one former commune go: near its centre and inside the polygon of the
/// commune it belongs to today.
pub(super) struct Placer<'a> {
    shape: &'a MultiPolygon<f64>,
    anchor: (f64, f64),
}

impl<'a> Placer<'a> {
    /// Villages gather around the former commune's centre when it lies inside its successor,
    /// otherwise around a point inside the successor.
    pub fn new(area: &'a Area, centre: (f64, f64)) -> Placer<'a> {
        let inside = area.shape.contains(&Point::new(centre.0, centre.1));
        let anchor =
            if inside { centre } else { area.shape.interior_point().map_or(centre, |point| (point.x(), point.y())) };
        Placer { shape: &area.shape, anchor }
    }

    /// A point inside the polygon within `spread` of the anchor (the anchor itself when no drawn
    /// point falls inside, which only a sliver of a commune could cause).
    pub fn point(&self, rng: &mut StdRng, spread: f64) -> (f64, f64) {
        for _ in 0..64 {
            let angle = rng.random_range(0.0..std::f64::consts::TAU);
            let distance = spread * rng.random_range(0.05_f64..1.0).sqrt();
            let candidate = (self.anchor.0 + distance * angle.cos(), self.anchor.1 + distance * angle.sin());
            if self.shape.contains(&Point::new(candidate.0, candidate.1)) {
                return (round6(candidate.0), round6(candidate.1));
            }
        }
        self.anchor
    }

    /// A village's place.
    pub fn village(&self, rng: &mut StdRng) -> (f64, f64) {
        self.point(rng, VILLAGE_SPREAD_DEG)
    }
}

/// Six decimals of a degree are about 10 cm: more is noise in the stored text.
fn round6(value: f64) -> f64 {
    (value * 1e6).round() / 1e6
}

/// Gives each current commune its polygon (after the reorganisation created them).
pub(super) async fn draw_communes_2025(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    communes: &[Area],
) -> Result<(), StoreError> {
    for commune in communes {
        let (id, _) = admin_units::find_by_code(&mut **tx, &commune.code)
            .await?
            .ok_or_else(|| StoreError::Corrupt(format!("demo: commune {} was not created", commune.code)))?;
        admin_units::update_boundary(&mut **tx, id, &commune.name, &commune.boundary).await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn every_former_commune_has_a_successor_among_the_six() {
        let communes = communes_2025().expect("embedded communes");
        assert_eq!(communes.len(), 6);
        for (code, name, _, _) in FORMER_COMMUNES {
            let successor = successor_code(code).unwrap_or_else(|| panic!("{name} has no successor"));
            assert!(communes.iter().any(|commune| commune.code == successor), "{name} → {successor}");
        }
    }

    #[test]
    fn villages_are_placed_inside_their_commune_of_today() {
        let communes = communes_2025().expect("embedded communes");
        let mut rng = StdRng::seed_from_u64(1);
        for (code, _, lon, lat) in FORMER_COMMUNES {
            let successor = successor_code(code).expect("successor");
            let area = communes.iter().find(|commune| commune.code == successor).expect("area");
            let placer = Placer::new(area, (lon, lat));
            for _ in 0..20 {
                let (x, y) = placer.village(&mut rng);
                assert!(area.shape.contains(&Point::new(x, y)), "{code}: ({x}, {y}) outside {successor}");
            }
        }
    }
}
