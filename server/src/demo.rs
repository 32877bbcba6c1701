//! The Thạch Thành demo data set: the district's real communes and towns by name and GSO code
//! (public facts), with invented villages, cultural houses, Wi-Fi states and coverage reports.
//!
//! Commune boundaries are not public here, so each commune gets the Voronoi cell of an
//! approximate centre: the cells tile the district without gaps or overlaps, which is what the
//! map needs to be read, and the UI footer says they are approximate. Real boundaries replace
//! them with `bandoso import boundaries`. Generation is deterministic (fixed seed), so every
//! machine shows the same demo.

use domain::accounts::{self, NewUser};
use domain::admin_units::{self, Boundary, Level, NewUnit};
use domain::coverage::{self, NewReport};
use domain::cultural_houses::{self, NewHouse};
use domain::{meta, Db, StoreError};
use model::{Role, WifiStatus};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::fmt;

mod donations;

/// Communes and towns of huyện Thạch Thành before the July 2025 merger (GSO codes), each with an
/// approximate centre (lon, lat) inside the district.
const COMMUNES: [(&str, &str, f64, f64); 24] = [
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

const OPERATORS: [(&str, &str); 3] = [("viettel", "Viettel"), ("vnpt", "VNPT"), ("mobifone", "MobiFone")];

/// Common village names in the midlands of Thanh Hóa; numbered "Khu phố" for towns.
const VILLAGE_NAMES: [&str; 16] = [
    "Thôn Đồng Tâm",
    "Thôn Tân Sơn",
    "Thôn Sơn Thủy",
    "Thôn Làng Mới",
    "Thôn Trung Tâm",
    "Thôn Đông Hòa",
    "Thôn Bái Đa",
    "Thôn Cao Sơn",
    "Thôn Tân Lập",
    "Thôn Hợp Tiến",
    "Thôn Mỹ Lợi",
    "Thôn Quyết Thắng",
    "Thôn Thành Công",
    "Thôn Đồng Ẻn",
    "Thôn Liên Sơn",
    "Thôn Phú Thọ",
];

/// The password of every demo account (README, "Demo accounts"). Demo data only: production
/// accounts come from `bandoso user add` or the first-run admin.
pub const DEMO_PASSWORD: &str = "bandoso-demo";

/// A demo account.
pub struct DemoUser {
    pub username: &'static str,
    pub display_name: &'static str,
    pub role: Role,
    pub operator: Option<&'static str>,
    pub scope: &'static [&'static str],
}

const fn demo_user(
    username: &'static str,
    display_name: &'static str,
    role: Role,
    operator: Option<&'static str>,
    scope: &'static [&'static str],
) -> DemoUser {
    DemoUser { username, display_name, role, operator, scope }
}

/// One account per role.
pub const DEMO_USERS: [DemoUser; 5] = [
    demo_user("admin", "Quản trị hệ thống", Role::Admin, None, &[]),
    demo_user("lanhdao", "Lãnh đạo huyện", Role::Leader, None, &["391"]),
    demo_user("canbo.kimtan", "Cán bộ TT Kim Tân", Role::CommuneOfficer, None, &["15187"]),
    demo_user("tocongnghe.kimtan", "Tổ công nghệ số Khu phố 1–2", Role::TeamMember, None, &["15187-01", "15187-02"]),
    demo_user("viettel", "Viettel Thanh Hóa", Role::Telecom, Some("viettel"), &["391"]),
];

/// The first communes of [`COMMUNES`] get demo households and visits (Kim Tân, where the demo
/// team works, first): enough for the field app and the dashboard to show something, few enough
/// that reloading the demo stays fast.
const FIELD_COMMUNES: usize = 4;

/// Household labels of the demo: invented, as every demo household is.
const FAMILY_NAMES: [&str; 8] =
    ["Hà Văn", "Bùi Thị", "Quách Văn", "Trương Thị", "Lê Văn", "Phạm Thị", "Đinh Văn", "Nguyễn Thị"];
const GIVEN_NAMES: [&str; 8] = ["An", "Bình", "Chung", "Dung", "Hải", "Lan", "Minh", "Thảo"];

/// Margin (degrees) around the commune centres that bounds the outer Voronoi cells.
const OUTER_MARGIN_DEG: f64 = 0.035;

#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    #[error("the database holds data that is not the demo data set; refusing to replace it")]
    RealDataPresent,
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<sqlx::Error> for DemoError {
    fn from(error: sqlx::Error) -> Self {
        DemoError::Store(error.into())
    }
}

/// How much the demo data set holds.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct DemoCounts {
    pub communes: usize,
    pub villages: usize,
    pub cultural_houses: usize,
    pub coverage_reports: usize,
    pub users: usize,
    pub households: usize,
    pub visits: usize,
    pub pledges: usize,
}

impl fmt::Display for DemoCounts {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} communes, {} villages, {} cultural houses, {} coverage reports, {} households, {} visits, {} pledges, {} accounts \
             (password {DEMO_PASSWORD})",
            self.communes,
            self.villages,
            self.cultural_houses,
            self.coverage_reports,
            self.households,
            self.visits,
            self.pledges,
            self.users
        )
    }
}

/// Loads the demo data when the database has no administrative unit yet. Returns whether it did.
pub async fn load_if_empty(db: &Db) -> Result<bool, DemoError> {
    if has_units(db).await? {
        return Ok(false);
    }
    reload(db).await?;
    Ok(true)
}

/// Replaces the demo data with a fresh copy, in one transaction. Refuses when the database holds
/// anything but the demo data set, so a mistyped command cannot wipe real records.
pub async fn reload(db: &Db) -> Result<DemoCounts, DemoError> {
    if has_units(db).await? && !meta::is_demo(db.pool()).await? {
        return Err(DemoError::RealDataPresent);
    }
    let mut tx = db.begin_write().await?;
    // Children before parents, so that every foreign key holds after each statement.
    for table in [
        "session",
        "login_throttle",
        "audit_log",
        "api_token",
        "user_scope",
        "app_user",
        "allocation",
        "handover_photo",
        "device_stock",
        "pledge",
        "donor",
        "visit",
        "village_visit_total",
        "household",
        "coverage_report",
        "wifi_change",
        "cultural_house",
        "admin_unit",
        "operator",
    ] {
        sqlx::query(&format!("DELETE FROM {table}")).execute(&mut *tx).await?;
    }
    for (code, name) in OPERATORS {
        coverage::upsert_operator(&mut *tx, code, name).await?;
    }
    let mut rng = StdRng::seed_from_u64(391);
    // A second generator for the field records, so that adding them left every other demo value
    // as it was.
    let mut field_rng = StdRng::seed_from_u64(2025);
    let mut phone_rng = StdRng::seed_from_u64(7);
    let mut counts = DemoCounts::default();
    let province = admin_units::insert(
        &mut *tx,
        &NewUnit { parent_id: None, level: Level::Province, code: "38", name: "Tỉnh Thanh Hóa", boundary: None },
    )
    .await?;
    let district = admin_units::insert(
        &mut *tx,
        &NewUnit {
            parent_id: Some(province),
            level: Level::District,
            code: "391",
            name: "Huyện Thạch Thành",
            boundary: None,
        },
    )
    .await?;
    let centres: Vec<(f64, f64)> = COMMUNES.iter().map(|(_, _, lon, lat)| (*lon, *lat)).collect();
    for (index, (code, name, lon, lat)) in COMMUNES.iter().enumerate() {
        let cell = voronoi_cell(&centres, index);
        let boundary = boundary_of(&cell);
        let commune = admin_units::insert(
            &mut *tx,
            &NewUnit { parent_id: Some(district), level: Level::Commune, code, name, boundary: Some(&boundary) },
        )
        .await?;
        counts.communes += 1;
        // Villages stay within this radius of the centre, which keeps them inside the cell.
        let radius = 0.45 * nearest_neighbour_distance(&centres, index);
        let is_town = name.starts_with("Thị trấn");
        let village_count = rng.random_range(4..=7);
        let first_name = rng.random_range(0..VILLAGE_NAMES.len());
        for number in 0..village_count {
            let village_name = if is_town {
                format!("Khu phố {}", number + 1)
            } else {
                VILLAGE_NAMES[(first_name + number) % VILLAGE_NAMES.len()].to_owned()
            };
            let village_code = format!("{code}-{:02}", number + 1);
            let village = admin_units::insert(
                &mut *tx,
                &NewUnit {
                    parent_id: Some(commune),
                    level: Level::Village,
                    code: &village_code,
                    name: &village_name,
                    boundary: None,
                },
            )
            .await?;
            counts.villages += 1;
            let angle = rng.random_range(0.0..std::f64::consts::TAU);
            let distance = radius * rng.random_range(0.15_f64..1.0).sqrt();
            let house_name = format!("Nhà văn hóa {village_name}");
            let wifi = demo_wifi(&mut rng, is_town);
            // Derived from the count, not drawn from `rng`, so the rest of the demo data stays
            // as it was: two houses in three show their network name publicly.
            let ssid = wifi
                .provider
                .filter(|_| wifi.installed_at.is_some())
                .map(|provider| format!("{}-NVH-{:03}", provider.to_uppercase(), counts.cultural_houses + 1));
            cultural_houses::insert(
                &mut tx,
                &NewHouse {
                    village_id: village,
                    name: &house_name,
                    lon: lon + distance * angle.cos(),
                    lat: lat + distance * angle.sin(),
                    wifi_status: wifi.status,
                    wifi_provider: wifi.provider,
                    bandwidth_mbps: wifi.bandwidth_mbps,
                    installed_at: wifi.installed_at.as_deref(),
                    last_verified_at: wifi.last_verified_at.as_deref(),
                    ssid: ssid.as_deref(),
                    ssid_public: ssid.is_some() && counts.cultural_houses % 3 != 0,
                },
                "demo",
            )
            .await?;
            counts.cultural_houses += 1;
            counts.coverage_reports += insert_demo_coverage(&mut tx, &mut rng, village, is_town).await?;
            if index < FIELD_COMMUNES {
                let place =
                    DemoPlace { village_id: village, village_code: &village_code, lon: *lon, lat: *lat, radius };
                let (households, visits) =
                    insert_demo_field_records(&mut tx, &mut field_rng, &mut phone_rng, &place).await?;
                counts.households += households;
                counts.visits += visits;
            }
        }
    }
    let password_hash = demo_password_hash()?;
    for demo in &DEMO_USERS {
        let scope_codes: Vec<String> = demo.scope.iter().map(|code| (*code).to_owned()).collect();
        let user = NewUser {
            username: demo.username,
            display_name: demo.display_name,
            password_hash: &password_hash,
            role: demo.role,
            operator: demo.operator,
            scope_codes: &scope_codes,
        };
        accounts::insert(&mut tx, &user).await?;
        counts.users += 1;
    }
    meta::mark_demo(&mut *tx).await?;
    tx.commit().await?;
    // After the commit: donations are made through the domain's own operations, each its own
    // transaction. A failure here leaves a demo without donations, which a reload makes whole.
    counts.pledges = donations::insert(db).await?;
    Ok(counts)
}

/// Where a demo village lies: its commune's centre and the radius that keeps points inside the
/// commune's cell.
struct DemoPlace<'a> {
    village_id: i64,
    village_code: &'a str,
    lon: f64,
    lat: f64,
    radius: f64,
}

/// A few households in a village, about two in three visited once or twice, with the phone's
/// network sample on most visits; `phones` draws which flagged households have no smartphone. Returns how many households and visits it added.
async fn insert_demo_field_records(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    rng: &mut StdRng,
    phones: &mut StdRng,
    place: &DemoPlace<'_>,
) -> Result<(usize, usize), StoreError> {
    use domain::field::{insert_household, insert_visit, StoredVisit};
    use model::field_records::{HouseholdRecord, NetworkSample, Skill, VisitRecord};
    let new_uuid = |rng: &mut StdRng| uuid::Builder::from_random_bytes(rng.random()).into_uuid().to_string();
    let (mut households, mut visits) = (0, 0);
    for _ in 0..rng.random_range(3..=6) {
        let angle = rng.random_range(0.0..std::f64::consts::TAU);
        let distance = place.radius * rng.random_range(0.1_f64..0.9).sqrt();
        let family = FAMILY_NAMES[rng.random_range(0..FAMILY_NAMES.len())];
        let given = GIVEN_NAMES[rng.random_range(0..GIVEN_NAMES.len())];
        let household = HouseholdRecord {
            uuid: new_uuid(rng),
            village_code: place.village_code.to_owned(),
            label: format!("Hộ {family} {given}"),
            lon: Some(place.lon + distance * angle.cos()),
            lat: Some(place.lat + distance * angle.sin()),
            accuracy_m: Some(rng.random_range(5.0..30.0_f64).round()),
            poor: rng.random_bool(0.15),
            near_poor: rng.random_bool(0.15),
            ethnic_minority: rng.random_bool(0.3),
            elderly: rng.random_bool(0.2),
            disability: rng.random_bool(0.05),
            adults: Some(rng.random_range(1..=5)),
            has_smartphone: None,
        };
        let flagged = household.poor
            || household.near_poor
            || household.ethnic_minority
            || household.elderly
            || household.disability;
        // Drawn from their own generator, so the other field values stay as they were.
        let household = HouseholdRecord { has_smartphone: Some(!(flagged && phones.random_bool(0.6))), ..household };
        let Some(household_id) = insert_household(&mut **tx, &household, place.village_id, "demo").await? else {
            continue;
        };
        households += 1;
        let visit_count = if rng.random_bool(0.65) { rng.random_range(1..=2) } else { 0 };
        for _ in 0..visit_count {
            let skills: Vec<Skill> = Skill::ALL.into_iter().filter(|_| rng.random_bool(0.35)).collect();
            let network_type = ["4g", "4g", "4g", "3g", "2g"][rng.random_range(0..5)];
            let visit = VisitRecord {
                uuid: new_uuid(rng),
                household_uuid: Some(household.uuid.clone()),
                household_id: None,
                visited_at: format!(
                    "2026-{:02}-{:02}T0{}:30:00Z",
                    rng.random_range(6..=11),
                    rng.random_range(1..=28),
                    rng.random_range(1..=9)
                ),
                lon: household.lon,
                lat: household.lat,
                accuracy_m: household.accuracy_m,
                people_helped: rng.random_range(1..=4),
                skills: if skills.is_empty() { vec![Skill::VneidInstall] } else { skills },
                vneid_activated: Some(rng.random_bool(0.6)),
                bank_account_opened: Some(rng.random_bool(0.4)),
                note: None,
                has_smartphone: None,
                network: rng.random_bool(0.8).then(|| NetworkSample {
                    effective_type: Some(network_type.to_owned()),
                    downlink_mbps: Some((rng.random_range(0.3..20.0_f64) * 10.0).round() / 10.0),
                }),
            };
            let stored = StoredVisit {
                visited_at: &visit.visited_at,
                household_id,
                village_id: place.village_id,
                outside_area: false,
            };
            if insert_visit(&mut **tx, &visit, &stored, "demo").await?.is_some() {
                visits += 1;
            }
        }
    }
    Ok((households, visits))
}

/// The demo password hashed once per process: argon2 is slow on purpose, and reloads are frequent
/// in tests.
fn demo_password_hash() -> Result<String, StoreError> {
    static HASH: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    if let Some(hash) = HASH.get() {
        return Ok(hash.clone());
    }
    accounts::check_password_policy(DEMO_PASSWORD)?;
    let hash = accounts::hash_password(DEMO_PASSWORD)?;
    Ok(HASH.get_or_init(|| hash).clone())
}

async fn has_units(db: &Db) -> Result<bool, StoreError> {
    let (count,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM admin_unit").fetch_one(db.pool()).await?;
    Ok(count > 0)
}

struct DemoWifi {
    status: WifiStatus,
    provider: Option<&'static str>,
    bandwidth_mbps: Option<f64>,
    installed_at: Option<String>,
    last_verified_at: Option<String>,
}

/// A plausible Wi-Fi state: most houses working (towns more often), the rest spread over the
/// other states, so every colour of the legend shows on the demo map.
fn demo_wifi(rng: &mut StdRng, is_town: bool) -> DemoWifi {
    let roll = rng.random_range(0..100) + if is_town { 15 } else { 0 };
    let status = match roll {
        0..=9 => WifiStatus::None,
        10..=24 => WifiStatus::Planned,
        25..=34 => WifiStatus::Installing,
        35..=44 => WifiStatus::Broken,
        _ => WifiStatus::Active,
    };
    let installed = matches!(status, WifiStatus::Active | WifiStatus::Broken);
    let provider = (status != WifiStatus::None && status != WifiStatus::Planned)
        .then(|| OPERATORS[rng.random_range(0..OPERATORS.len())].0);
    let date = |rng: &mut StdRng, year: i32| {
        format!("{year}-{:02}-{:02}T08:00:00Z", rng.random_range(1..=12), rng.random_range(1..=28))
    };
    DemoWifi {
        status,
        provider,
        bandwidth_mbps: installed.then(|| [50.0, 100.0, 150.0, 200.0, 300.0][rng.random_range(0..5)]),
        installed_at: installed.then(|| date(rng, 2024)),
        last_verified_at: installed.then(|| date(rng, 2025)),
    }
}

/// Two rounds of 4G reports per operator (spring, then autumn 2025: history the map must skip),
/// plus 5G in towns and fibre (FTTH) in some villages.
async fn insert_demo_coverage(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    rng: &mut StdRng,
    village_id: i64,
    is_town: bool,
) -> Result<usize, StoreError> {
    const QUALITIES: [&str; 4] = ["none", "weak", "fair", "good"];
    let mut inserted = 0;
    for (operator, _) in OPERATORS {
        let mut quality_index: usize = rng.random_range(if is_town { 2 } else { 0 }..4);
        for reported_at in ["2025-03-15T00:00:00Z", "2025-09-15T00:00:00Z"] {
            let report = NewReport {
                village_id,
                operator,
                technology: "4G",
                quality: QUALITIES[quality_index],
                source: "operator",
                reported_at,
                reported_by: Some("demo"),
                area: None,
            };
            coverage::insert(&mut **tx, &report).await?;
            inserted += 1;
            // Networks mostly improve between the two rounds.
            quality_index = (quality_index + rng.random_range(0..2)).min(3);
        }
        let extra = if is_town && operator == "viettel" {
            Some("5G")
        } else if operator != "mobifone" && rng.random_bool(0.4) {
            Some("FTTH")
        } else {
            None
        };
        if let Some(technology) = extra {
            let report = NewReport {
                village_id,
                operator,
                technology,
                quality: QUALITIES[rng.random_range(2..4)],
                source: "operator",
                reported_at: "2025-09-15T00:00:00Z",
                reported_by: Some("demo"),
                area: None,
            };
            coverage::insert(&mut **tx, &report).await?;
            inserted += 1;
        }
    }
    Ok(inserted)
}

fn nearest_neighbour_distance(centres: &[(f64, f64)], index: usize) -> f64 {
    let (x, y) = centres[index];
    centres
        .iter()
        .enumerate()
        .filter(|(other, _)| *other != index)
        .map(|(_, (ox, oy))| ((ox - x).powi(2) + (oy - y).powi(2)).sqrt())
        .fold(f64::INFINITY, f64::min)
}

/// The Voronoi cell of `centres[index]` within the centres' bounding box plus a margin: the box
/// clipped by the half-plane of points nearer to this centre than to each other one.
fn voronoi_cell(centres: &[(f64, f64)], index: usize) -> Vec<(f64, f64)> {
    let (min_x, min_y, max_x, max_y) = centres
        .iter()
        .fold((f64::INFINITY, f64::INFINITY, f64::NEG_INFINITY, f64::NEG_INFINITY), |(a, b, c, d), (x, y)| {
            (a.min(*x), b.min(*y), c.max(*x), d.max(*y))
        });
    let m = OUTER_MARGIN_DEG;
    let mut cell = vec![(min_x - m, min_y - m), (max_x + m, min_y - m), (max_x + m, max_y + m), (min_x - m, max_y + m)];
    let (cx, cy) = centres[index];
    for (other, (ox, oy)) in centres.iter().enumerate() {
        if other == index {
            continue;
        }
        // Keep p where (o - c)·p <= (|o|² - |c|²) / 2.
        let (nx, ny) = (ox - cx, oy - cy);
        let limit = (ox * ox + oy * oy - cx * cx - cy * cy) / 2.0;
        cell = clip_half_plane(&cell, nx, ny, limit);
    }
    cell
}

/// Sutherland–Hodgman clipping of a convex polygon by the half-plane `nx*x + ny*y <= limit`.
fn clip_half_plane(polygon: &[(f64, f64)], nx: f64, ny: f64, limit: f64) -> Vec<(f64, f64)> {
    let side = |(x, y): (f64, f64)| nx * x + ny * y - limit;
    let mut clipped = Vec::with_capacity(polygon.len() + 1);
    for (i, &current) in polygon.iter().enumerate() {
        let next = polygon[(i + 1) % polygon.len()];
        let (sc, sn) = (side(current), side(next));
        if sc <= 0.0 {
            clipped.push(current);
        }
        // Only a strict crossing adds a vertex: a vertex on the line is already kept above.
        if (sc < 0.0 && sn > 0.0) || (sc > 0.0 && sn < 0.0) {
            let t = sc / (sc - sn);
            clipped.push((current.0 + t * (next.0 - current.0), current.1 + t * (next.1 - current.1)));
        }
    }
    clipped
}

/// A stored boundary for a convex ring (closed here, as GeoJSON requires).
fn boundary_of(cell: &[(f64, f64)]) -> Boundary {
    let mut ring: Vec<Vec<f64>> = cell.iter().map(|(x, y)| vec![round6(*x), round6(*y)]).collect();
    if let Some(first) = ring.first().cloned() {
        ring.push(first);
    }
    let geometry = geojson::Geometry::new(geojson::Value::Polygon(vec![ring]));
    let (min_lon, min_lat, max_lon, max_lat) = cell
        .iter()
        .fold((f64::INFINITY, f64::INFINITY, f64::NEG_INFINITY, f64::NEG_INFINITY), |(a, b, c, d), (x, y)| {
            (a.min(*x), b.min(*y), c.max(*x), d.max(*y))
        });
    Boundary { geojson: geometry.to_string(), min_lon, min_lat, max_lon, max_lat }
}

/// Six decimals of a degree are about 10 cm: more is noise in the stored text.
fn round6(value: f64) -> f64 {
    (value * 1e6).round() / 1e6
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{Contains, Point, Polygon};

    fn polygon(cell: &[(f64, f64)]) -> Polygon<f64> {
        Polygon::new(cell.to_vec().into(), vec![])
    }

    #[test]
    fn each_centre_lies_in_its_own_cell_only() {
        let centres: Vec<(f64, f64)> = COMMUNES.iter().map(|(_, _, x, y)| (*x, *y)).collect();
        let cells: Vec<Polygon<f64>> = (0..centres.len()).map(|i| polygon(&voronoi_cell(&centres, i))).collect();
        for (i, (x, y)) in centres.iter().enumerate() {
            for (j, cell) in cells.iter().enumerate() {
                assert_eq!(cell.contains(&Point::new(*x, *y)), i == j, "centre {i} vs cell {j}");
            }
        }
    }

    #[test]
    fn clipping_a_square_by_a_diagonal_keeps_half() {
        let square = [(0.0, 0.0), (1.0, 0.0), (1.0, 1.0), (0.0, 1.0)];
        let half = clip_half_plane(&square, 1.0, 1.0, 1.0);
        assert_eq!(half.len(), 3);
        assert!(half.contains(&(0.0, 0.0)));
    }
}
