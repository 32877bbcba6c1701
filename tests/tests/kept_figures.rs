//! The kept figures (migration 0012) equal a full recount after random inserts, edits and
//! deletions on both sides of a reorganisation, a retired village and a house that moves: as
//! tables (what the triggers kept against what `figures::rebuild` recounts) and as indicators
//! (the overview of every quarter, by the units of the time and rolled up into today's, against
//! the indicators' definitions counted from the records).

use bandoso_tests::{on_each_backend, TestDb};
use domain::access::Principal;
use domain::admin_units::{self, Level, NewUnit};
use domain::audit::Actor;
use domain::Db;
use model::indicators::{Boundaries, Indicator, OverviewRequest};
use model::Role;
use std::collections::{BTreeMap, HashMap};

/// A fixed pseudo-random sequence (xorshift), so a failure replays.
struct Random(u64);

impl Random {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
    /// A moment between January 2025 and November 2026.
    fn moment(&mut self) -> String {
        let month = self.below(23);
        format!("{}-{:02}-{:02}T{:02}:00:00Z", 2025 + month / 12, month % 12 + 1, 1 + self.below(28), self.below(24))
    }
}

/// Province → district → communes A, B, C with two villages each, a cultural house per village.
async fn small_area(db: &Db) -> Vec<i64> {
    let mut tx = db.begin_write().await.expect("begin");
    domain::coverage::upsert_operator(&mut *tx, "viettel", "Viettel").await.expect("operator");
    let unit = |parent, level, code: &'static str, name: &'static str| NewUnit {
        parent_id: parent,
        level,
        code,
        name,
        boundary: None,
    };
    let province = admin_units::insert(&mut *tx, &unit(None, Level::Province, "P", "Tỉnh P")).await.expect("p");
    let district =
        admin_units::insert(&mut *tx, &unit(Some(province), Level::District, "D", "Huyện D")).await.expect("d");
    let mut villages = Vec::new();
    for (code, name, first, second) in
        [("A", "Xã A", "A-1", "A-2"), ("B", "Xã B", "B-1", "B-2"), ("C", "Xã C", "C-1", "C-2")]
    {
        let commune =
            admin_units::insert(&mut *tx, &unit(Some(district), Level::Commune, code, name)).await.expect("c");
        for village_code in [first, second] {
            let village = admin_units::insert(&mut *tx, &unit(Some(commune), Level::Village, village_code, "Thôn"))
                .await
                .expect("v");
            sqlx::query(
                "INSERT INTO cultural_house (village_id, name, lon, lat, wifi_status, updated_at)
                 VALUES ($1, 'Nhà văn hóa', 105.6, 20.2, 'planned', '2025-01-01T00:00:00Z')",
            )
            .bind(village)
            .execute(&mut *tx)
            .await
            .expect("house");
            villages.push(village);
        }
    }
    tx.commit().await.expect("commit");
    villages
}

/// One random write to the records.
async fn random_write(db: &Db, random: &mut Random, villages: &[i64], step: usize) {
    let pool = db.pool();
    let ids = |sql: &'static str| async move {
        let rows: Vec<(i64,)> = sqlx::query_as(sql).fetch_all(pool).await.expect(sql);
        rows.into_iter().map(|(id,)| id).collect::<Vec<i64>>()
    };
    match random.below(10) {
        0 | 1 => {
            sqlx::query(
                "INSERT INTO household (client_uuid, village_id, label, adults, created_by, created_at, poor, has_smartphone)
                 VALUES ($1, $2, 'Hộ', $3, 'test', $4, $5, $6)",
            )
            .bind(format!("household-{step}"))
            .bind(*random.pick(villages))
            .bind(random.below(6) as i64)
            .bind(random.moment())
            .bind(random.below(2) as i64)
            .bind(random.below(2) as i64)
            .execute(pool)
            .await
            .expect("household");
        }
        2..=4 => {
            let households = ids("SELECT id FROM household").await;
            if households.is_empty() {
                return;
            }
            let household = *random.pick(&households);
            let (village,): (i64,) = sqlx::query_as("SELECT village_id FROM household WHERE id = $1")
                .bind(household)
                .fetch_one(pool)
                .await
                .expect("village");
            sqlx::query(
                "INSERT INTO visit (client_uuid, household_id, village_id, visited_at, people_helped, skills,
                                    vneid_activated, outside_area, recorded_by, received_at)
                 VALUES ($1, $2, $3, $4, $5, 'vneid_install', $6, $7, $8, '2026-11-30T00:00:00Z')",
            )
            .bind(format!("visit-{step}"))
            .bind(household)
            .bind(village)
            .bind(random.moment())
            .bind(random.below(5) as i64)
            .bind(random.below(2) as i64)
            .bind((random.below(5) == 0) as i64)
            .bind(*random.pick(&["an", "binh", "chi"]))
            .execute(pool)
            .await
            .expect("visit");
        }
        5 => {
            let visits = ids("SELECT id FROM visit").await;
            if let Some(visit) = visits.get(random.below(visits.len().max(1) as u64) as usize) {
                sqlx::query("UPDATE visit SET visited_at = $2, people_helped = $3, vneid_activated = $4 WHERE id = $1")
                    .bind(visit)
                    .bind(random.moment())
                    .bind(random.below(5) as i64)
                    .bind(random.below(2) as i64)
                    .execute(pool)
                    .await
                    .expect("edit visit");
            }
        }
        6 => {
            let visits = ids("SELECT id FROM visit").await;
            if let Some(visit) = visits.get(random.below(visits.len().max(1) as u64) as usize) {
                sqlx::query("DELETE FROM visit WHERE id = $1").bind(visit).execute(pool).await.expect("delete");
            }
        }
        7 => {
            let households = ids("SELECT id FROM household").await;
            if let Some(household) = households.get(random.below(households.len().max(1) as u64) as usize) {
                sqlx::query("UPDATE household SET adults = $2, created_at = $3, has_smartphone = $4 WHERE id = $1")
                    .bind(household)
                    .bind(random.below(6) as i64)
                    .bind(random.moment())
                    .bind(random.below(2) as i64)
                    .execute(pool)
                    .await
                    .expect("edit household");
            }
        }
        8 => {
            // A Wi-Fi change, later than the house's last one, as the app writes them.
            let houses = ids("SELECT id FROM cultural_house").await;
            let house = *random.pick(&houses);
            let status = *random.pick(&["active", "broken", "planned", "active"]);
            let (version, last): (i64, Option<String>) = sqlx::query_as(
                "SELECT COALESCE(MAX(version), 0) + 1, MAX(changed_at) FROM wifi_change WHERE cultural_house_id = $1",
            )
            .bind(house)
            .fetch_one(pool)
            .await
            .expect("version");
            let moment = random.moment();
            let moment = match last {
                Some(last) if last > moment => last,
                _ => moment,
            };
            sqlx::query("UPDATE cultural_house SET wifi_status = $2, version = $3 WHERE id = $1")
                .bind(house)
                .bind(status)
                .bind(version)
                .execute(pool)
                .await
                .expect("house state");
            sqlx::query(
                "INSERT INTO wifi_change (cultural_house_id, version, wifi_status, changed_at, changed_by)
                 VALUES ($1, $2, $3, $4, 'test')",
            )
            .bind(house)
            .bind(version)
            .bind(status)
            .bind(moment)
            .execute(pool)
            .await
            .expect("wifi change");
        }
        _ => {
            let households = ids("SELECT id FROM household").await;
            if let Some(household) = households.get(random.below(households.len().max(1) as u64) as usize) {
                sqlx::query("DELETE FROM visit WHERE household_id = $1")
                    .bind(household)
                    .execute(pool)
                    .await
                    .expect("d");
                sqlx::query("DELETE FROM household WHERE id = $1").bind(household).execute(pool).await.expect("d");
            }
        }
    }
}

/// Every kept table as lines of text, rows of zeros left out, in a comparable order.
async fn kept_tables(db: &Db) -> BTreeMap<String, Vec<String>> {
    let figures = ["households", "adults", "visited", "helped", "vneid", "flagged", "houses_known", "houses_active"];
    let now = [
        "households",
        "adults",
        "visited",
        "helped",
        "vneid",
        "flagged",
        "houses",
        "houses_active",
        "houses_broken",
        "devices_waiting",
    ];
    let mut tables = BTreeMap::new();
    for (table, keys, values) in [
        ("village_quarter", &["village_id", "quarter"][..], &figures[..]),
        ("unit_quarter", &["unit_id", "quarter"][..], &figures[..]),
        ("recorder_village_quarter", &["village_id", "recorder", "quarter"][..], &["visits", "helped"][..]),
        ("recorder_unit_quarter", &["unit_id", "recorder", "quarter"][..], &["visits", "helped"][..]),
        ("village_now", &["village_id"][..], &now[..]),
    ] {
        let line = keys.iter().chain(values).map(|column| format!("CAST({column} AS TEXT)")).collect::<Vec<_>>();
        let not_zero = values.iter().map(|column| format!("{column} <> 0")).collect::<Vec<_>>();
        let sql = format!("SELECT {} FROM {table} WHERE {}", line.join(" || '/' || "), not_zero.join(" OR "));
        let rows: Vec<(String,)> = sqlx::query_as(&sql).fetch_all(db.pool()).await.expect(table);
        let mut lines: Vec<String> = rows.into_iter().map(|(line,)| line).collect();
        lines.sort();
        tables.insert(table.to_owned(), lines);
    }
    tables
}

/// The indicators' definitions counted from the records, per village before `day`: households,
/// adults, households helped, VNeID activations, houses known and working, and people helped
/// per recorder.
#[derive(Default, Clone)]
struct Recount {
    households: i64,
    adults: i64,
    helped: i64,
    vneid: i64,
    known: i64,
    working: i64,
    guides: BTreeMap<String, i64>,
}

async fn recount_village(db: &Db, village: i64, day: &str, now: bool) -> Recount {
    let pool = db.pool();
    let one = |sql: &'static str| async move {
        let (value,): (i64,) =
            sqlx::query_as(sql).bind(village).bind(day).fetch_one(pool).await.unwrap_or_else(|e| panic!("{sql}: {e}"));
        value
    };
    let guides: Vec<(String, i64)> = sqlx::query_as(
        "SELECT recorded_by, CAST(SUM(people_helped) AS BIGINT) FROM visit
         WHERE village_id = $1 AND visited_at < $2 GROUP BY recorded_by",
    )
    .bind(village)
    .bind(day)
    .fetch_all(pool)
    .await
    .expect("guides");
    let (known, working) = if now {
        (
            one("SELECT COUNT(*) FROM cultural_house WHERE village_id = $1 AND $2 = $2").await,
            one("SELECT COUNT(*) FROM cultural_house WHERE village_id = $1 AND wifi_status = 'active' AND $2 = $2")
                .await,
        )
    } else {
        let latest = "(SELECT w.wifi_status FROM wifi_change w WHERE w.cultural_house_id = h.id AND w.changed_at < $2
                       ORDER BY w.version DESC LIMIT 1)";
        let known: (i64,) =
            sqlx::query_as(&format!("SELECT COUNT({latest}) FROM cultural_house h WHERE h.village_id = $1"))
                .bind(village)
                .bind(day)
                .fetch_one(pool)
                .await
                .expect("known");
        let working: (i64,) = sqlx::query_as(&format!(
            "SELECT COUNT(*) FROM cultural_house h WHERE h.village_id = $1 AND {latest} = 'active'"
        ))
        .bind(village)
        .bind(day)
        .fetch_one(pool)
        .await
        .expect("working");
        (known.0, working.0)
    };
    Recount {
        households: one("SELECT COUNT(*) FROM household WHERE village_id = $1 AND created_at < $2").await,
        adults: one(
            "SELECT CAST(COALESCE(SUM(adults), 0) AS BIGINT) FROM household WHERE village_id = $1 AND created_at < $2",
        )
        .await,
        helped: one("SELECT COUNT(*) FROM household h WHERE h.village_id = $1 AND h.created_at < $2 AND EXISTS
                 (SELECT 1 FROM visit x WHERE x.household_id = h.id AND x.people_helped > 0 AND x.visited_at < $2)")
        .await,
        vneid: one("SELECT COUNT(*) FROM visit WHERE village_id = $1 AND vneid_activated = 1 AND visited_at < $2")
            .await,
        known,
        working,
        guides: guides.into_iter().collect(),
    }
}

/// Villages of the records: `(id, parent before day, valid before day)`.
async fn villages_before(db: &Db, day: &str) -> Vec<(i64, i64)> {
    sqlx::query_as(
        "SELECT v.id, COALESCE((SELECT f.parent_id FROM admin_unit_former_parent f
                                WHERE f.unit_id = v.id AND f.valid_from < $1 AND f.valid_to >= $1), v.parent_id)
         FROM admin_unit v
         WHERE v.level = 'village' AND v.valid_from < $1 AND (v.valid_to IS NULL OR v.valid_to >= $1)",
    )
    .bind(day)
    .fetch_all(db.pool())
    .await
    .expect("villages")
}

/// The unit of today a commune became (itself when current).
async fn today_of(db: &Db, commune: i64) -> i64 {
    let mut current = commune;
    loop {
        let (successor, ended): (Option<i64>, Option<String>) =
            sqlx::query_as("SELECT successor_id, valid_to FROM admin_unit WHERE id = $1")
                .bind(current)
                .fetch_one(db.pool())
                .await
                .expect("unit");
        match (ended, successor) {
            (None, _) | (_, None) => return current,
            (Some(_), Some(next)) => current = next,
        }
    }
}

async fn code_of(db: &Db, id: i64) -> String {
    let (code,): (String,) =
        sqlx::query_as("SELECT code FROM admin_unit WHERE id = $1").bind(id).fetch_one(db.pool()).await.expect("code");
    code
}

fn share(numerator: i64, denominator: i64) -> Option<(f64, f64)> {
    (denominator > 0).then_some((numerator as f64, denominator as f64))
}

/// Compares the overview of every quarter with the recount, unit by unit; answers how many
/// figures (not blank) agreed.
async fn compare_overviews(db: &Db, admin: &Principal) -> usize {
    let mut agreed = 0;
    let now = domain::now_utc_text();
    let current = format!("{}-Q{}", &now[..4], now[5..7].parse::<u32>().expect("month").div_ceil(3));
    for year in [2025, 2026] {
        let periods: Vec<String> = (1..=4).map(|q| format!("{year}-Q{q}")).filter(|p| *p <= current).collect();
        for period in periods {
            let is_now = period == current;
            let day = if is_now {
                "9999-01-01".to_owned()
            } else {
                match &period[5..] {
                    "Q1" => format!("{year}-04-01"),
                    "Q2" => format!("{year}-07-01"),
                    "Q3" => format!("{year}-10-01"),
                    _ => format!("{}-01-01", year + 1),
                }
            };
            let listing_day = if is_now { "2099-01-01".to_owned() } else { day.clone() };
            for boundaries in [Boundaries::OfTheTime, Boundaries::Today] {
                let request = OverviewRequest { year, period: Some(period.clone()), unit: None, boundaries };
                let overview = domain::indicators::overview(db, admin, &request).await.expect("overview");
                // The recount per unit of the breakdown.
                let mut expected: HashMap<String, Recount> = HashMap::new();
                let villages = match boundaries {
                    Boundaries::OfTheTime => villages_before(db, &listing_day).await,
                    Boundaries::Today => villages_before(db, &listing_day).await,
                };
                for (village, parent) in villages {
                    let unit = match boundaries {
                        Boundaries::OfTheTime => parent,
                        Boundaries::Today => today_of(db, parent).await,
                    };
                    let recount = recount_village(db, village, &day, is_now).await;
                    let entry = expected.entry(code_of(db, unit).await).or_default();
                    entry.households += recount.households;
                    entry.adults += recount.adults;
                    entry.helped += recount.helped;
                    entry.vneid += recount.vneid;
                    entry.known += recount.known;
                    entry.working += recount.working;
                    for (recorder, helped) in recount.guides {
                        *entry.guides.entry(recorder).or_default() += helped;
                    }
                }
                for status in &overview.indicators {
                    for figure in &status.communes {
                        let recount = expected.get(&figure.commune_code).cloned().unwrap_or_default();
                        let want = match status.indicator {
                            Indicator::DigitalFamilies => share(recount.helped, recount.households),
                            Indicator::AdultsVneid => share(recount.vneid, recount.adults),
                            Indicator::CulturalHouseWifi => share(recount.working, recount.known),
                            Indicator::DigitalAmbassadors => share(
                                recount.guides.values().filter(|helped| **helped >= 5).count() as i64,
                                recount.guides.len() as i64,
                            ),
                            _ => continue,
                        };
                        let got = figure.actual.map(|ratio| (ratio.numerator, ratio.denominator));
                        assert_eq!(
                            got, want,
                            "{} {period} {boundaries:?} {}: kept figures against the records",
                            status.indicator, figure.commune_code
                        );
                        agreed += usize::from(got.is_some());
                    }
                }
            }
        }
    }
    agreed
}

#[tokio::test]
async fn kept_figures_equal_a_recount_after_random_writes_and_a_reorganisation() {
    on_each_backend(|test_db: TestDb| async move {
        let db = &test_db.db;
        let villages = small_area(db).await;
        bandoso_tests::create_account(db, "quantri", "quantri-password", Role::Admin, &[]).await;
        let (admin_id,): (i64,) = sqlx::query_as("SELECT id FROM app_user WHERE username = 'quantri'")
            .fetch_one(db.pool())
            .await
            .expect("id");
        let admin = Principal {
            user_id: admin_id,
            username: "quantri".into(),
            role: Role::Admin,
            operator: None,
            token_id: None,
        };
        let mut random = Random(0x2025_0701_5EED);
        for step in 0..150 {
            random_write(db, &mut random, &villages, step).await;
        }
        // A and B merge into N on 1 July 2025; later, a village of C is retired and a house moves.
        let merger = b"old_code,new_code,new_name,effective_date\nA,N,Xa N,2025-07-01\nB,N,Xa N,2025-07-01\n";
        domain::reorganisation::import(db, merger, false, Actor::CommandLine).await.expect("merger");
        for step in 150..300 {
            random_write(db, &mut random, &villages, step).await;
        }
        sqlx::query("UPDATE admin_unit SET valid_to = '2026-02-15' WHERE code = 'C-2'")
            .execute(db.pool())
            .await
            .expect("retire a village");
        sqlx::query("UPDATE cultural_house SET village_id = $1 WHERE village_id = $2")
            .bind(villages[0])
            .bind(villages[4])
            .execute(db.pool())
            .await
            .expect("a house moves");
        for step in 300..400 {
            random_write(db, &mut random, &villages, step).await;
        }
        let kept = kept_tables(db).await;
        assert!(kept["unit_quarter"].len() > 10, "the writes left figures: {:?}", kept["unit_quarter"]);
        let agreed = compare_overviews(db, &admin).await;
        assert!(agreed > 100, "the overviews had figures to compare: {agreed}");
        domain::figures::rebuild(db).await.expect("rebuild");
        let recounted = kept_tables(db).await;
        for (table, rows) in &kept {
            assert_eq!(rows, &recounted[table], "{table}: what the triggers kept against a recount");
        }
        test_db
    })
    .await;
}
