//! A national-scale data set for the benchmarks (issue 8): 100,000 villages, each with its
//! cultural house, 1,000,000 households, 5,000,000 visits, 200,000 delivered devices and two
//! rounds of coverage reports per village, over 63 provinces, 700 districts and 10,000 communes.
//!
//! Everything is generated inside the database with `INSERT … SELECT` over a number series, so
//! millions of rows take minutes on two cores rather than hours of round trips. Values come from
//! a fixed hash of the row number: every run builds the same data, and the figures of two runs
//! compare. Positions follow Vietnam's shape: districts are spread from the northern mountains
//! (wide, 102.5–107.5° E) along the coast to the Mekong delta, and their villages lie within
//! about 15 km of the district's centre, so a district view holds one district's houses.
//!
//! Row ids are set here, not by the database, so that parents and children line up by
//! arithmetic; PostgreSQL's identity sequences are moved past them at the end.

use domain::{Backend, Db, StoreError};
use std::time::{Duration, Instant};

/// How big a data set to generate. Every count follows from the number of villages.
#[derive(Clone, Copy, Debug)]
pub struct Scale {
    pub villages: i64,
}

/// Fixed shares of the data set.
pub const HOUSEHOLDS_PER_VILLAGE: i64 = 10;
pub const VISITS_PER_HOUSEHOLD: i64 = 5;
pub const VILLAGES_PER_COMMUNE: i64 = 10;
/// Devices delivered per village (20 per commune, one commune stock line each).
pub const DONATIONS_PER_VILLAGE: i64 = 2;
const PROVINCES: i64 = 63;
const DISTRICTS: i64 = 700;
const OPERATORS: [(&str, &str); 3] = [("viettel", "Viettel"), ("vnpt", "VNPT"), ("mobifone", "MobiFone")];

/// Id ranges per level, so every unit's id follows from its number.
const COUNTRY_ID: i64 = 1;
const PROVINCE_BASE: i64 = 100;
const DISTRICT_BASE: i64 = 1_000;
const COMMUNE_BASE: i64 = 100_000;
const VILLAGE_BASE: i64 = 1_000_000;

/// Half the side of the square a district's villages are spread over, in degrees (≈ 15 km).
const DISTRICT_RADIUS_DEG: f64 = 0.14;

impl Scale {
    /// The country: 100,000 villages.
    pub const NATIONAL: Scale = Scale { villages: 100_000 };

    pub fn communes(self) -> i64 {
        self.villages / VILLAGES_PER_COMMUNE
    }
    pub fn households(self) -> i64 {
        self.villages * HOUSEHOLDS_PER_VILLAGE
    }
    pub fn visits(self) -> i64 {
        self.households() * VISITS_PER_HOUSEHOLD
    }
    pub fn donations(self) -> i64 {
        self.villages * DONATIONS_PER_VILLAGE
    }
    pub fn districts(self) -> i64 {
        DISTRICTS.min(self.communes())
    }
    fn provinces(self) -> i64 {
        PROVINCES.min(self.districts())
    }
}

/// What was generated and how long each table took.
#[derive(Debug, Default)]
pub struct Generated {
    pub steps: Vec<(String, i64, Duration)>,
}

impl Generated {
    pub fn total(&self) -> Duration {
        self.steps.iter().map(|(_, _, took)| *took).sum()
    }
}

/// A value in [0, 1) from a row number and a salt: a multiplicative hash, the same on both
/// databases (64-bit integer arithmetic, then a float division).
fn unit_hash(number: &str, salt: i64) -> String {
    format!("(CAST((({number}) * 2654435761 + {salt}) % 1000003 AS DOUBLE PRECISION) / 1000003)")
}

/// Rows numbered 0 to `count - 1` as a FROM item with column `n`.
fn series(db: &Db, count: i64) -> String {
    match db.backend() {
        Backend::Postgres => format!("generate_series(0, {}) AS seq(n)", count - 1),
        Backend::Sqlite => format!(
            "(WITH RECURSIVE seq(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM seq WHERE n < {}) SELECT n FROM seq) AS seq",
            count - 1
        ),
    }
}

/// Whole-number division that rounds down on both databases (the operands are never negative).
fn div(numerator: &str, denominator: i64) -> String {
    format!("(({numerator}) / {denominator})")
}

/// Latitude of district `d` (an SQL expression): spread evenly from 8.8° N to 23.0° N.
fn district_lat(d: &str, districts: i64) -> String {
    format!("(8.8 + 14.2 * (({d}) + 0.5) / {districts})")
}

/// Longitude of district `d` at latitude `lat`: Vietnam's spine, widest in the north.
fn district_lon(d: &str, lat: &str) -> String {
    let spread = unit_hash(d, 17);
    format!(
        "(CASE WHEN {lat} >= 20.5 THEN 102.8 + 4.4 * {spread}
               WHEN {lat} >= 16.0 THEN 105.6 + (20.5 - {lat}) * 0.55 + 0.6 * ({spread} - 0.5)
               WHEN {lat} >= 11.0 THEN 108.6 - (16.0 - {lat}) * 0.2 + 0.4 * ({spread} - 0.5)
               ELSE 106.3 - (11.0 - {lat}) * 0.5 + 0.8 * ({spread} - 0.5) END)"
    )
}

/// Village `v`'s position (lon, lat SQL expressions): its district's centre plus a spread.
fn village_position(v: &str, scale: Scale) -> (String, String) {
    let district = format!("({} * {} / {})", div(v, VILLAGES_PER_COMMUNE), scale.districts(), scale.communes());
    let lat = district_lat(&district, scale.districts());
    let lon = district_lon(&district, &lat);
    let side = 2.0 * DISTRICT_RADIUS_DEG;
    (
        format!("({lon} + {side} * ({} - 0.5))", unit_hash(v, 101)),
        format!("({lat} + {side} * ({} - 0.5))", unit_hash(v, 202)),
    )
}

/// The bounding box of district `d`'s cultural houses: what a leader's district view shows.
pub async fn district_bbox(db: &Db, d: i64) -> Result<[f64; 4], sqlx::Error> {
    let (min_lon, min_lat, max_lon, max_lat): (f64, f64, f64, f64) = sqlx::query_as(
        "SELECT MIN(h.lon), MIN(h.lat), MAX(h.lon), MAX(h.lat)
         FROM cultural_house h JOIN admin_unit village ON village.id = h.village_id
         JOIN admin_unit commune ON commune.id = village.parent_id
         WHERE commune.parent_id = $1",
    )
    .bind(DISTRICT_BASE + d)
    .fetch_one(db.pool())
    .await?;
    Ok([min_lon, min_lat, max_lon, max_lat])
}

/// Fills an empty, migrated database with a data set of `scale`.
pub async fn generate(db: &Db, scale: Scale) -> Result<Generated, StoreError> {
    let mut generated = Generated::default();
    let now = "2026-11-01T00:00:00Z";
    let (communes, districts, provinces) = (scale.communes(), scale.districts(), scale.provinces());
    let mut step = |name: &str, rows: i64, started: Instant| {
        generated.steps.push((name.to_owned(), rows, started.elapsed()));
    };

    // The kept figures are rebuilt once at the end instead of by a trigger per row; PostgreSQL
    // runs a trigger as a PL/pgSQL call per row even to skip its work, so there they are off.
    domain::figures::pause(db).await?;
    let bulk_tables =
        ["admin_unit", "cultural_house", "wifi_change", "coverage_report", "household", "visit", "allocation"];
    if db.backend() == Backend::Postgres {
        for table in bulk_tables {
            sqlx::query(&format!("ALTER TABLE {table} DISABLE TRIGGER USER")).execute(db.pool()).await?;
        }
    }
    let started = Instant::now();
    for (code, name) in OPERATORS {
        sqlx::query("INSERT INTO operator (code, name) VALUES ($1, $2) ON CONFLICT (code) DO NOTHING")
            .bind(code)
            .bind(name)
            .execute(db.pool())
            .await?;
    }
    sqlx::query(
        "INSERT INTO admin_unit (id, parent_id, level, code, name) VALUES ($1, NULL, 'country', 'VN', 'Việt Nam')",
    )
    .bind(COUNTRY_ID)
    .execute(db.pool())
    .await?;
    let units = [
        ("province", PROVINCE_BASE, provinces, format!("{COUNTRY_ID}"), "Tỉnh"),
        ("district", DISTRICT_BASE, districts, format!("{PROVINCE_BASE} + n * {provinces} / {districts}"), "Huyện"),
        ("commune", COMMUNE_BASE, communes, format!("{DISTRICT_BASE} + n * {districts} / {communes}"), "Xã"),
    ];
    for (level, base, count, parent, label) in units {
        let sql = format!(
            "INSERT INTO admin_unit (id, parent_id, level, code, name)
             SELECT {base} + n, {parent}, '{level}', 'N{level}' || n, '{label} ' || n FROM {series}",
            series = series(db, count)
        );
        sqlx::query(&sql).execute(db.pool()).await?;
    }
    let (lon, lat) = village_position("n", scale);
    let sql = format!(
        "INSERT INTO admin_unit (id, parent_id, level, code, name, min_lon, min_lat, max_lon, max_lat)
         SELECT {VILLAGE_BASE} + n, {COMMUNE_BASE} + n / {VILLAGES_PER_COMMUNE}, 'village', 'Nvillage' || n,
                'Thôn ' || n, lon - 0.01, lat - 0.01, lon + 0.01, lat + 0.01
         FROM (SELECT n, {lon} AS lon, {lat} AS lat FROM {series}) AS village",
        series = series(db, scale.villages)
    );
    sqlx::query(&sql).execute(db.pool()).await?;
    step("admin_unit", 1 + provinces + districts + communes + scale.villages, started);

    let started = Instant::now();
    let status = unit_hash("n", 303);
    let sql = format!(
        "INSERT INTO cultural_house (id, village_id, name, lon, lat, wifi_status, wifi_provider, bandwidth_mbps,
                                     installed_at, updated_at, version)
         SELECT n + 1, {VILLAGE_BASE} + n, 'Nhà văn hóa thôn ' || n, {lon}, {lat},
                CASE WHEN s < 0.55 THEN 'active' WHEN s < 0.62 THEN 'broken' WHEN s < 0.72 THEN 'installing'
                     WHEN s < 0.85 THEN 'planned' ELSE 'none' END,
                CASE WHEN s < 0.72 THEN (CASE n % 3 WHEN 0 THEN 'viettel' WHEN 1 THEN 'vnpt' ELSE 'mobifone' END) END,
                CASE WHEN s < 0.62 THEN 50 + 10 * (n % 20) END,
                CASE WHEN s < 0.62 THEN '2025-09-01T00:00:00Z' END, '{now}', 1
         FROM (SELECT n, {status} AS s FROM {series}) AS house",
        series = series(db, scale.villages)
    );
    sqlx::query(&sql).execute(db.pool()).await?;
    // Each house's Wi-Fi timeline starts with its state, known from its installation (or June 2025).
    sqlx::query(
        "INSERT INTO wifi_change (cultural_house_id, version, wifi_status, wifi_provider, bandwidth_mbps, installed_at,
                                  changed_at, changed_by)
         SELECT id, 1, wifi_status, wifi_provider, bandwidth_mbps, installed_at,
                COALESCE(installed_at, '2025-06-01T00:00:00Z'), 'generator'
         FROM cultural_house",
    )
    .execute(db.pool())
    .await?;
    step("cultural_house", scale.villages, started);

    let started = Instant::now();
    let reports = scale.villages * OPERATORS.len() as i64 * 2;
    let quality = unit_hash("n", 404);
    let sql = format!(
        "INSERT INTO coverage_report (village_id, operator, technology, quality, source, reported_at, reported_by)
         SELECT {VILLAGE_BASE} + n / 6, CASE (n / 2) % 3 WHEN 0 THEN 'viettel' WHEN 1 THEN 'vnpt' ELSE 'mobifone' END,
                '4G', CASE WHEN q < 0.1 THEN 'none' WHEN q < 0.3 THEN 'weak' WHEN q < 0.6 THEN 'fair' ELSE 'good' END,
                'operator', CASE n % 2 WHEN 0 THEN '2025-06-30T00:00:00Z' ELSE '2026-06-30T00:00:00Z' END, 'generator'
         FROM (SELECT n, {quality} AS q FROM {series}) AS report",
        series = series(db, reports)
    );
    sqlx::query(&sql).execute(db.pool()).await?;
    step("coverage_report", reports, started);

    let started = Instant::now();
    let village = div("n", HOUSEHOLDS_PER_VILLAGE);
    let (village_lon, village_lat) = village_position(&village, scale);
    let sql = format!(
        "INSERT INTO household (id, client_uuid, village_id, label, lon, lat, accuracy_m, poor, near_poor,
                                ethnic_minority, elderly, disability, adults, created_by, created_at, has_smartphone)
         SELECT n + 1, 'generated-household-' || n, {VILLAGE_BASE} + {village}, 'Hộ số ' || n,
                {village_lon} + 0.01 * ({jitter_lon} - 0.5), {village_lat} + 0.01 * ({jitter_lat} - 0.5), 15,
                CASE WHEN n % 11 = 0 THEN 1 ELSE 0 END, CASE WHEN n % 7 = 0 THEN 1 ELSE 0 END,
                CASE WHEN n % 5 = 0 THEN 1 ELSE 0 END, CASE WHEN n % 4 = 0 THEN 1 ELSE 0 END,
                CASE WHEN n % 23 = 0 THEN 1 ELSE 0 END, 1 + n % 4, 'generator', '2025-06-01T00:00:00Z',
                CASE WHEN n % 3 = 0 THEN 0 ELSE 1 END
         FROM {series}",
        jitter_lon = unit_hash("n", 505),
        jitter_lat = unit_hash("n", 606),
        series = series(db, scale.households())
    );
    sqlx::query(&sql).execute(db.pool()).await?;
    step("household", scale.households(), started);

    let started = Instant::now();
    let household = div("n", VISITS_PER_HOUSEHOLD);
    let village = div(&household, HOUSEHOLDS_PER_VILLAGE);
    let (village_lon, village_lat) = village_position(&village, scale);
    let sql = format!(
        "INSERT INTO visit (id, client_uuid, household_id, village_id, visited_at, lon, lat, accuracy_m, people_helped,
                            skills, vneid_activated, bank_account_opened, outside_area, recorded_by, received_at)
         SELECT n + 1, 'generated-visit-' || n, {household} + 1, {VILLAGE_BASE} + {village},
                CASE n % 4 WHEN 0 THEN '2025-08-15T02:00:00Z' WHEN 1 THEN '2025-12-10T03:00:00Z'
                           WHEN 2 THEN '2026-04-20T08:00:00Z' ELSE '2026-10-05T09:00:00Z' END,
                {village_lon} + 0.012 * ({jitter_lon} - 0.5), {village_lat} + 0.012 * ({jitter_lat} - 0.5), 20,
                1 + n % 3,
                CASE n % 3 WHEN 0 THEN 'vneid_install,vneid_level2' WHEN 1 THEN 'banking_qr,online_safety'
                           ELSE 'public_services' END,
                CASE WHEN n % 3 = 0 THEN 1 END, CASE WHEN n % 3 = 1 THEN 1 END, 0, 'generator', '2026-10-05T10:00:00Z'
         FROM {series}",
        jitter_lon = unit_hash("n", 707),
        jitter_lat = unit_hash("n", 808),
        series = series(db, scale.visits())
    );
    sqlx::query(&sql).execute(db.pool()).await?;
    step("visit", scale.visits(), started);

    let started = Instant::now();
    let per_commune = VILLAGES_PER_COMMUNE * DONATIONS_PER_VILLAGE;
    sqlx::query(
        "INSERT INTO donor (id, kind, name, anonymous, created_by, created_at)
         VALUES (1, 'organisation', 'Quỹ Chắp cánh công nghệ', 0, 'generator', $1)",
    )
    .bind(now)
    .execute(db.pool())
    .await?;
    let sql = format!(
        "INSERT INTO pledge (id, donor_id, commune_id, item, quantity, condition, status, pledged_at, received_at, created_by)
         SELECT n + 1, 1, {COMMUNE_BASE} + n, 'smartphone', {per_commune}, 'refurbished', 'received',
                '2025-07-01T00:00:00Z', '2025-07-15T00:00:00Z', 'generator'
         FROM {series}",
        series = series(db, communes)
    );
    sqlx::query(&sql).execute(db.pool()).await?;
    let sql = format!(
        "INSERT INTO device_stock (commune_id, item, received, available, allocated, delivered)
         SELECT {COMMUNE_BASE} + n, 'smartphone', {per_commune}, 0, 0, {per_commune} FROM {series}",
        series = series(db, communes)
    );
    sqlx::query(&sql).execute(db.pool()).await?;
    // Donation `n` goes to household 5n: two per village, twenty per commune, as the stock says.
    let household = format!("(n * {})", HOUSEHOLDS_PER_VILLAGE / DONATIONS_PER_VILLAGE);
    let village = div(&household, HOUSEHOLDS_PER_VILLAGE);
    let sql = format!(
        "INSERT INTO allocation (id, commune_id, item, household_id, village_id, status, allocated_by, allocated_at,
                                 handover_uuid, delivered_at, guided, handed_over_by)
         SELECT n + 1, {COMMUNE_BASE} + {commune}, 'smartphone', {household} + 1, {VILLAGE_BASE} + {village},
                'delivered', 'generator', '2025-08-01T00:00:00Z', 'generated-handover-' || n,
                '2025-08-20T00:00:00Z', 1, 'generator'
         FROM {series}",
        commune = div(&village, VILLAGES_PER_COMMUNE),
        series = series(db, scale.donations())
    );
    sqlx::query(&sql).execute(db.pool()).await?;
    step("donations", scale.donations(), started);

    let started = Instant::now();
    if db.backend() == Backend::Postgres {
        for table in bulk_tables {
            sqlx::query(&format!("ALTER TABLE {table} ENABLE TRIGGER USER")).execute(db.pool()).await?;
        }
    }
    if db.backend() == Backend::Postgres {
        domain::map_layers::rebuild_visit_totals(db).await?;
    }
    domain::figures::rebuild(db).await?;
    step("kept figures", 0, started);

    let started = Instant::now();
    if db.backend() == Backend::Postgres {
        for table in
            ["admin_unit", "cultural_house", "coverage_report", "household", "visit", "donor", "pledge", "allocation"]
        {
            let sql = format!("SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))");
            sqlx::query(&sql).execute(db.pool()).await?;
        }
    }
    // Statistics for the planner; on PostgreSQL also the visibility map, without which index-only
    // scans visit the table anyway (autovacuum would get there, later).
    let analyze = match db.backend() {
        Backend::Postgres => "VACUUM ANALYZE",
        Backend::Sqlite => "ANALYZE",
    };
    sqlx::raw_sql(analyze).execute(db.pool()).await?;
    step("analyze", 0, started);
    Ok(generated)
}
