//! The demo data set: the former huyện Thạch Thành (Thanh Hóa) with its real geography and its
//! real history. Its 24 communes and towns, with invented villages, cultural houses, households
//! and visits from early 2025, live through the reorganisation of 1 July 2025, applied here as an
//! administrator would import it: they merge into today's 6 communes, which get their real
//! polygons, and the district level ends. Records made before that day belong to the communes of
//! their time; later ones to today's. Generation is deterministic (fixed seeds), so every machine
//! shows the same demo. Real places replace it by importing their own data (README, "Setting up
//! your area").

use domain::accounts::{self, NewUser};
use domain::admin_units::{self, Level, NewUnit};
use domain::audit::Actor;
use domain::coverage::{self, NewReport};
use domain::cultural_houses::{self, NewHouse};
use domain::{meta, reorganisation, Db, StoreError};
use model::{Role, WifiStatus};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::fmt;

mod donations;
mod places;
mod records;

use places::{Placer, FORMER_COMMUNES};

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

/// One account per role, as they were set up before July 2025: the reorganisation then scopes the
/// district's operator account to its 6 communes and the town's officer to the commune that took
/// its code. The leader is the province's, the level above the commune since 2025.
pub const DEMO_USERS: [DemoUser; 5] = [
    demo_user("admin", "Quản trị hệ thống", Role::Admin, None, &[]),
    demo_user("lanhdao", "Lãnh đạo tỉnh", Role::Leader, None, &["38"]),
    demo_user("canbo.kimtan", "Cán bộ xã Kim Tân", Role::CommuneOfficer, None, &["15187"]),
    demo_user("tocongnghe.kimtan", "Tổ công nghệ số Khu phố 1–2", Role::TeamMember, None, &["15187-01", "15187-02"]),
    demo_user("viettel", "Viettel Thanh Hóa", Role::Telecom, Some("viettel"), &["391"]),
];

/// The first former communes of [`FORMER_COMMUNES`] get demo households and visits (Kim Tân,
/// where the demo team works, first): enough for the field app and the dashboard to show
/// something, few enough that reloading the demo stays fast.
const FIELD_COMMUNES: usize = 4;

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
    /// Communes of today.
    pub communes: usize,
    /// Communes and towns until the reorganisation of July 2025.
    pub former_communes: usize,
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
            "{} communes ({} before July 2025), {} villages, {} cultural houses, {} coverage reports, {} households, \
             {} visits, {} pledges, {} accounts (password {DEMO_PASSWORD})",
            self.communes,
            self.former_communes,
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
        "login_device",
        "indicator_report",
        "indicator_target",
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
        "village_now",
        "village_quarter",
        "unit_quarter",
        "recorder_village_quarter",
        "recorder_unit_quarter",
        "admin_unit_former_parent",
        "admin_unit_pending_boundary",
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
            boundary: Some(&places::district_outline()?),
        },
    )
    .await?;
    let communes_2025 = places::communes_2025()?;
    for (index, (code, name, lon, lat)) in FORMER_COMMUNES.iter().enumerate() {
        let successor = places::successor_code(code)
            .and_then(|successor| communes_2025.iter().find(|area| area.code == successor))
            .ok_or_else(|| StoreError::Corrupt(format!("demo: {name} has no commune of today")))?;
        let placer = Placer::new(successor, (*lon, *lat));
        let commune = admin_units::insert(
            &mut *tx,
            &NewUnit { parent_id: Some(district), level: Level::Commune, code, name, boundary: None },
        )
        .await?;
        counts.former_communes += 1;
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
            let (house_lon, house_lat) = placer.village(&mut rng);
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
                    lon: house_lon,
                    lat: house_lat,
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
                let place = records::DemoPlace { village_id: village, village_code: &village_code, placer: &placer };
                let (households, visits) =
                    records::insert_field_records(&mut tx, &mut field_rng, &mut phone_rng, &place).await?;
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
    records::date_history(&mut tx).await?;
    // July 2025, as an administrator lived it: the resolution's table, then the district's end.
    for change in [places::REORGANISATION_2025, places::DISTRICT_ENDED] {
        reorganisation::apply_in(&mut tx, change.as_bytes(), Actor::CommandLine).await?;
    }
    places::draw_communes_2025(&mut tx, &communes_2025).await?;
    counts.communes = communes_2025.len();
    meta::mark_demo(&mut *tx).await?;
    meta::set_boundary_credit(&mut *tx, places::BOUNDARY_CREDIT).await?;
    tx.commit().await?;
    // After the commit: donations are made through the domain's own operations, each its own
    // transaction. A failure here leaves a demo without donations, which a reload makes whole.
    counts.pledges = donations::insert(db).await?;
    Ok(counts)
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
