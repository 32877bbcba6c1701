//! The July 2025 reorganisation of Thạch Thành as data: the real resolution table applied to the
//! real pre-2025 communes, with records on both sides of the day.

use bandoso_tests::{create_account, on_each_backend, post_file, As};
use domain::access::Principal;
use domain::admin_units::{self, Level, NewUnit};
use domain::audit::Actor;
use domain::cultural_houses::{self, NewHouse};
use domain::reorganisation;
use domain::{Db, StoreError};
use http::StatusCode;
use model::{Role, WifiStatus};

/// The resolution's table (old code → new code), as the demo embeds it from `../shared/data`.
const RESOLUTION_TABLE: &str = include_str!("../../server/src/demo/data/thach-thanh-reorganisation-2025.csv");

/// The 24 former communes (the table's first two columns are their codes and names) and the
/// table itself, as the file an administrator imports.
fn resolution_files() -> (String, Vec<u8>) {
    (RESOLUTION_TABLE.to_owned(), RESOLUTION_TABLE.as_bytes().to_vec())
}

/// Province 38, district 391 and the 24 former communes, each with two villages and a
/// cultural house in each village.
async fn pre_2025_units(db: &Db, communes_csv: &str) {
    let mut tx = db.begin_write().await.expect("begin");
    domain::coverage::upsert_operator(&mut *tx, "viettel", "Viettel").await.expect("operator");
    let province = admin_units::insert(
        &mut *tx,
        &NewUnit { parent_id: None, level: Level::Province, code: "38", name: "Tỉnh Thanh Hóa", boundary: None },
    )
    .await
    .expect("province");
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
    .await
    .expect("district");
    for line in communes_csv.lines().skip(1) {
        let cells: Vec<&str> = line.split(',').collect();
        let (code, name) = (cells[0], cells[1]);
        let commune = admin_units::insert(
            &mut *tx,
            &NewUnit { parent_id: Some(district), level: Level::Commune, code, name, boundary: None },
        )
        .await
        .expect("commune");
        for number in 1..=2 {
            let village_code = format!("{code}-0{number}");
            let village_name = format!("Thôn {number}");
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
            .await
            .expect("village");
            let house_name = format!("Nhà văn hóa {village_code}");
            cultural_houses::insert(
                &mut tx,
                &NewHouse {
                    village_id: village,
                    name: &house_name,
                    lon: 105.6,
                    lat: 20.2,
                    wifi_status: WifiStatus::Active,
                    wifi_provider: Some("viettel"),
                    bandwidth_mbps: None,
                    installed_at: None,
                    last_verified_at: None,
                    ssid: None,
                    ssid_public: false,
                },
                "test",
            )
            .await
            .expect("house");
        }
    }
    tx.commit().await.expect("commit");
}

async fn count(db: &Db, sql: &str) -> i64 {
    let (count,): (i64,) = sqlx::query_as(sql).fetch_one(db.pool()).await.expect(sql);
    count
}

async fn scope_of(db: &Db, username: &str) -> Vec<String> {
    let rows: Vec<(String,)> = sqlx::query_as(
        "SELECT u.code FROM user_scope s JOIN app_user a ON a.id = s.user_id JOIN admin_unit u ON u.id = s.admin_unit_id
         WHERE a.username = $1 ORDER BY u.code",
    )
    .bind(username)
    .fetch_all(db.pool())
    .await
    .expect("scope");
    rows.into_iter().map(|(code,)| code).collect()
}

async fn admin_principal(db: &Db) -> Principal {
    create_account(db, "quantri", "quantri-password", Role::Admin, &[]).await;
    let (user_id,): (i64,) =
        sqlx::query_as("SELECT id FROM app_user WHERE username = 'quantri'").fetch_one(db.pool()).await.expect("id");
    Principal { user_id, username: "quantri".into(), role: Role::Admin, operator: None, token_id: None }
}

#[tokio::test]
async fn the_2025_merger_ends_24_communes_creates_6_moves_villages_and_scopes_once() {
    let (communes, file) = resolution_files();
    on_each_backend(|test_db| {
        let (communes, file) = (communes.clone(), file.clone());
        async move {
            let db = &test_db.db;
            pre_2025_units(db, &communes).await;
            create_account(db, "canbo.thanhtruc", "canbo-password", Role::CommuneOfficer, &["15241".into()]).await;
            create_account(db, "lanhdao", "lanhdao-password", Role::Leader, &["391".into()]).await;
            let admin = admin_principal(db).await;

            let dry = reorganisation::import(db, &file, true, Actor::Principal(&admin)).await.expect("dry run");
            assert_eq!((dry.dry_run, dry.ended, dry.created), (true, 24, 6), "{dry:?}");
            assert_eq!(
                count(db, "SELECT COUNT(*) FROM admin_unit WHERE level = 'commune' AND valid_to IS NULL").await,
                24
            );

            let outcome = reorganisation::import(db, &file, false, Actor::Principal(&admin)).await.expect("import");
            assert_eq!((outcome.rows, outcome.ended, outcome.created, outcome.moved), (24, 24, 6, 48), "{outcome:?}");
            assert_eq!(outcome.accounts_rescoped, 1, "the officer of Thành Trực");
            let current = "SELECT COUNT(*) FROM admin_unit WHERE level = 'commune' AND valid_to IS NULL";
            assert_eq!(count(db, current).await, 6);
            assert_eq!(
                count(db, "SELECT COUNT(*) FROM admin_unit WHERE level = 'commune' AND valid_to = '2025-07-01'").await,
                24
            );
            // Every village lies under its new commune, remembering the old one.
            let misplaced = "SELECT COUNT(*) FROM admin_unit v JOIN admin_unit c ON c.id = v.parent_id
                             WHERE v.level = 'village' AND (c.valid_to IS NOT NULL OR c.valid_from <> '2025-07-01')";
            assert_eq!(count(db, misplaced).await, 0);
            assert_eq!(count(db, "SELECT COUNT(*) FROM admin_unit_former_parent").await, 48);
            let (parent_code,): (String,) = sqlx::query_as(
                "SELECT c.code FROM admin_unit v JOIN admin_unit c ON c.id = v.parent_id WHERE v.code = '15241-01'",
            )
            .fetch_one(db.pool())
            .await
            .expect("village of Thành Trực");
            assert_eq!(parent_code, "15187", "Thành Trực's villages are in Kim Tân now");
            assert_eq!(scope_of(db, "canbo.thanhtruc").await, vec!["15187".to_owned()]);
            assert_eq!(scope_of(db, "lanhdao").await, vec!["391".to_owned()], "the district itself stays");
            // The town and the commune that took its code are two units of one code.
            let versions: Vec<(String, String, Option<String>)> = sqlx::query_as(
                "SELECT name, valid_from, valid_to FROM admin_unit WHERE code = '15187' ORDER BY valid_from",
            )
            .fetch_all(db.pool())
            .await
            .expect("versions");
            assert_eq!(versions[0].0, "Thị trấn Kim Tân");
            assert_eq!(versions[0].2.as_deref(), Some("2025-07-01"));
            assert_eq!((versions[1].0.as_str(), versions[1].1.as_str()), ("Xã Kim Tân", "2025-07-01"));
            assert_eq!(versions[1].2, None);

            let again = reorganisation::import(db, &file, false, Actor::Principal(&admin)).await.expect("again");
            assert_eq!((again.ended, again.created, again.already_applied), (0, 0, 24), "{again:?}");
            assert_eq!(count(db, "SELECT COUNT(*) FROM admin_unit").await, 2 + 24 + 6 + 48);
            assert_eq!(
                count(db, "SELECT COUNT(*) FROM audit_log WHERE action = 'reorganise'").await,
                1,
                "a second import changed nothing, so recorded nothing"
            );
            test_db
        }
    })
    .await;
}

#[tokio::test]
async fn the_district_can_be_dissolved_and_its_accounts_keep_their_communes() {
    let (communes, file) = resolution_files();
    on_each_backend(|test_db| {
        let (communes, file) = (communes.clone(), file.clone());
        async move {
            let db = &test_db.db;
            pre_2025_units(db, &communes).await;
            create_account(db, "lanhdao", "lanhdao-password", Role::Leader, &["391".into()]).await;
            reorganisation::import(db, &file, false, Actor::CommandLine).await.expect("merger");
            let district_end =
                b"old_code,new_code,new_name,effective_date,legal_basis\n391,,,2025-07-01,72/2025/QH15\n";
            let outcome = reorganisation::import(db, district_end, false, Actor::CommandLine).await.expect("dissolved");
            assert_eq!((outcome.ended, outcome.moved, outcome.accounts_rescoped), (1, 6, 1), "{outcome:?}");
            let under_province = "SELECT COUNT(*) FROM admin_unit c JOIN admin_unit p ON p.id = c.parent_id
                                  WHERE c.level = 'commune' AND c.valid_to IS NULL AND p.code = '38'";
            assert_eq!(count(db, under_province).await, 6);
            assert_eq!(scope_of(db, "lanhdao").await, vec!["15187", "15190", "15199", "15211", "15229", "15250"]);
            test_db
        }
    })
    .await;
}

/// The problems of a refused file as (line, English message).
fn problems(result: Result<reorganisation::ReorganisationOutcome, StoreError>) -> Vec<(Option<u64>, String)> {
    match result {
        Err(StoreError::RejectedFile(problems)) => {
            problems.into_iter().map(|problem| (problem.line, problem.message)).collect()
        }
        other => panic!("the file must be refused: {other:?}"),
    }
}

#[tokio::test]
async fn unknown_codes_and_splits_are_refused_with_their_line_and_nothing_changes() {
    let (communes, _) = resolution_files();
    on_each_backend(|test_db| {
        let communes = communes.clone();
        async move {
            let db = &test_db.db;
            pre_2025_units(db, &communes).await;
            let before = count(db, "SELECT COUNT(*) FROM admin_unit WHERE valid_to IS NULL").await;
            let unknown = "old_code,old_name,new_code,new_name,effective_date\n\
                           15241,Xã Thành Trực,15187,Xã Kim Tân,2025-07-01\n\
                           99999,Xã Không Có,15187,Xã Kim Tân,2025-07-01\n";
            let found = problems(reorganisation::import(db, unknown.as_bytes(), false, Actor::CommandLine).await);
            assert_eq!(found.len(), 1, "{found:?}");
            assert_eq!(found[0].0, Some(3));
            assert!(found[0].1.contains("99999"), "{found:?}");
            let split = "old_code,new_code,new_name,effective_date\n\
                         15241,15187,Xã Kim Tân,2025-07-01\n\
                         15241,15190,Xã Vân Du,2025-07-01\n";
            let found = problems(reorganisation::import(db, split.as_bytes(), false, Actor::CommandLine).await);
            assert_eq!(found[0].0, Some(3));
            assert!(found[0].1.contains("split"), "{found:?}");
            let wrong_name = "old_code,old_name,new_code,new_name,effective_date\n\
                              15241,Xã Thành Tâm,15187,Xã Kim Tân,2025-07-01\n";
            let found = problems(reorganisation::import(db, wrong_name.as_bytes(), false, Actor::CommandLine).await);
            assert!(found[0].1.contains("check the code"), "{found:?}");
            assert_eq!(count(db, "SELECT COUNT(*) FROM admin_unit WHERE valid_to IS NULL").await, before);
            test_db
        }
    })
    .await;
}

#[tokio::test]
async fn administrators_import_a_reorganisation_through_the_api() {
    let (communes, file) = resolution_files();
    on_each_backend(|test_db| {
        let (communes, file) = (communes.clone(), file.clone());
        async move {
            pre_2025_units(&test_db.db, &communes).await;
            create_account(&test_db.db, "quantri", "quantri-password", Role::Admin, &[]).await;
            create_account(&test_db.db, "lanhdao", "lanhdao-password", Role::Leader, &["391".into()]).await;
            let app = test_db.app();
            let admin = As::Session(bandoso_tests::login(&app, "quantri", "quantri-password").await);
            let leader = As::Session(bandoso_tests::login(&app, "lanhdao", "lanhdao-password").await);
            let uri = "/api/v1/imports/reorganisation";
            let (status, _) = post_file(&app, uri, &leader, "text/csv", file.clone()).await;
            assert_eq!(status, StatusCode::FORBIDDEN);
            let (status, body) =
                post_file(&app, &format!("{uri}?dry_run=true"), &admin, "text/csv", file.clone()).await;
            assert_eq!(status, StatusCode::OK, "{body}");
            assert!(body.contains("\"ended\":24") && body.contains("\"dry_run\":true"), "{body}");
            let (status, body) = post_file(&app, uri, &admin, "text/csv", file.clone()).await;
            assert_eq!(status, StatusCode::OK, "{body}");
            let (_, communes) = bandoso_tests::get_json(&app, "/api/v1/admin-units?level=commune").await;
            assert_eq!(communes["features"].as_array().map(Vec::len), Some(6));
            let bad = b"old_code,new_code,new_name,effective_date\n15241,15187,,2025-07-01\n".to_vec();
            let (status, body) = post_file(&app, uri, &admin, "text/csv", bad).await;
            assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
            assert!(body.contains("\"line\":2") && body.contains("new_name"), "{body}");
            test_db
        }
    })
    .await;
}

/// Households and visits in the first village of each old commune, half before 1 July 2025 and
/// half after; Wi-Fi working in the first house of each since March 2025.
async fn records_on_both_sides(db: &Db) {
    let villages: Vec<(i64, String)> =
        sqlx::query_as("SELECT id, code FROM admin_unit WHERE level = 'village' AND code LIKE '%-01' ORDER BY code")
            .fetch_all(db.pool())
            .await
            .expect("villages");
    for (index, (village, code)) in villages.iter().enumerate() {
        for (step, (listed, visited)) in
            [("2025-03-10T02:00:00Z", "2025-05-20T02:00:00Z"), ("2025-08-10T02:00:00Z", "2025-09-20T02:00:00Z")]
                .into_iter()
                .enumerate()
        {
            let household = format!("{code}-household-{step}");
            let (household_id,): (i64,) = sqlx::query_as(
                "INSERT INTO household (client_uuid, village_id, label, adults, created_by, created_at)
                 VALUES ($1, $2, 'Hộ', $3, 'test', $4) RETURNING id",
            )
            .bind(&household)
            .bind(village)
            .bind(2 + (index % 3) as i64)
            .bind(listed)
            .fetch_one(db.pool())
            .await
            .expect("household");
            sqlx::query(
                "INSERT INTO visit (client_uuid, household_id, village_id, visited_at, people_helped, skills,
                                    vneid_activated, recorded_by, received_at)
                 VALUES ($1, $2, $3, $4, $5, 'vneid_install', $6, 'to.cong.nghe', $4)",
            )
            .bind(format!("{household}-visit"))
            .bind(household_id)
            .bind(village)
            .bind(visited)
            .bind(1 + (index % 4) as i64)
            .bind((index % 2) as i64)
            .execute(db.pool())
            .await
            .expect("visit");
        }
        if index % 3 == 0 {
            sqlx::query(
                "UPDATE cultural_house SET wifi_status = 'active', version = 2
                 WHERE village_id = $1",
            )
            .bind(village)
            .execute(db.pool())
            .await
            .expect("house");
            sqlx::query(
                "INSERT INTO wifi_change (cultural_house_id, version, wifi_status, changed_at, changed_by)
                 SELECT id, 2, 'active', '2025-03-01T00:00:00Z', 'test' FROM cultural_house WHERE village_id = $1",
            )
            .bind(village)
            .execute(db.pool())
            .await
            .expect("wifi change");
        }
    }
}

/// Every recorded indicator's figure per unit of an overview: `(indicator, unit code) → (n, d)`.
fn figures_of(overview: &model::indicators::Overview) -> std::collections::BTreeMap<(String, String), (f64, f64)> {
    overview
        .indicators
        .iter()
        .flat_map(|status| {
            status.communes.iter().filter_map(move |figure| {
                let ratio = figure.actual?;
                Some((
                    (status.indicator.to_string(), figure.commune_code.clone()),
                    (ratio.numerator, ratio.denominator),
                ))
            })
        })
        .collect()
}

#[tokio::test]
async fn history_reads_by_the_units_of_its_time_and_rolls_up_into_todays() {
    use model::indicators::{Boundaries, OverviewRequest};
    let (communes, file) = resolution_files();
    on_each_backend(|test_db| {
        let (communes, file) = (communes.clone(), file.clone());
        async move {
            let db = &test_db.db;
            pre_2025_units(db, &communes).await;
            records_on_both_sides(db).await;
            let admin = admin_principal(db).await;
            create_account(db, "canbo.thanhtruc", "canbo-password", Role::CommuneOfficer, &["15241".into()]).await;
            let (officer_id,): (i64,) = sqlx::query_as("SELECT id FROM app_user WHERE username = 'canbo.thanhtruc'")
                .fetch_one(db.pool())
                .await
                .expect("officer");
            let officer = Principal {
                user_id: officer_id,
                username: "canbo.thanhtruc".into(),
                role: Role::CommuneOfficer,
                operator: None,
                token_id: None,
            };
            // Before the merger: Thành Trực's officer reports a figure for 2025-Q2, an admin sets
            // its target for 2025.
            let figure = domain::indicators::ReportedFigure {
                indicator: model::indicators::Indicator::PublicStaff,
                commune_code: "15241".into(),
                period: "2025-Q2".into(),
                numerator: 18.0,
                denominator: 20.0,
                note: None,
            };
            domain::indicators::report_figure(db, &officer, &figure).await.expect("report");
            domain::indicators::set_target(
                db,
                &admin,
                model::indicators::Indicator::AdultsVneid,
                2025,
                "15241",
                Some(70.0),
            )
            .await
            .expect("target");
            let ask = |period: &str, boundaries| OverviewRequest {
                year: 2025,
                period: Some(period.to_owned()),
                unit: None,
                boundaries,
            };
            let q2_before =
                domain::indicators::overview(db, &admin, &ask("2025-Q2", Boundaries::OfTheTime)).await.expect("q2");
            assert_eq!(q2_before.units.len(), 24, "the 24 communes of the time");

            reorganisation::import(db, &file, false, Actor::Principal(&admin)).await.expect("import");

            let q2_after =
                domain::indicators::overview(db, &admin, &ask("2025-Q2", Boundaries::OfTheTime)).await.expect("q2");
            assert_eq!(q2_after.units, q2_before.units, "2025-Q2 still shows its own communes");
            assert_eq!(figures_of(&q2_after), figures_of(&q2_before), "and their figures are unchanged by the import");
            assert!(figures_of(&q2_after).len() > 24, "the comparison had figures: {:?}", figures_of(&q2_after));
            let staff =
                q2_after.indicators.iter().find(|status| status.indicator == model::indicators::Indicator::PublicStaff);
            let thanh_truc =
                staff.and_then(|status| status.communes.iter().find(|figure| figure.commune_code == "15241"));
            assert_eq!(thanh_truc.and_then(|figure| figure.actual).map(|ratio| ratio.numerator), Some(18.0));
            let vneid =
                q2_after.indicators.iter().find(|status| status.indicator == model::indicators::Indicator::AdultsVneid);
            let target = vneid.and_then(|status| status.communes.iter().find(|figure| figure.commune_code == "15241"));
            assert_eq!(target.and_then(|figure| figure.target), Some(70.0), "the target stays with its unit");

            let q3 =
                domain::indicators::overview(db, &admin, &ask("2025-Q3", Boundaries::OfTheTime)).await.expect("q3");
            let codes: Vec<&str> = q3.units.iter().map(|unit| unit.code.as_str()).collect();
            assert_eq!(codes.len(), 6, "2025-Q3 shows today's communes: {codes:?}");

            // Rolled up: each commune of today gets the sums of its predecessors' figures of 2025-Q2.
            let rolled =
                domain::indicators::overview(db, &admin, &ask("2025-Q2", Boundaries::Today)).await.expect("rolled");
            assert_eq!(rolled.units.len(), 6);
            let successor: std::collections::HashMap<String, String> = file_pairs(&file);
            let q2 = figures_of(&q2_after);
            for ((indicator, code), (numerator, denominator)) in figures_of(&rolled) {
                if indicator == "digital_ambassadors" {
                    continue;
                }
                let (sum_n, sum_d) = q2
                    .iter()
                    .filter(|((known, old), _)| *known == indicator && successor.get(old) == Some(&code))
                    .fold((0.0, 0.0), |(n, d), (_, (a, b))| (n + a, d + b));
                assert_eq!(
                    (numerator, denominator),
                    (sum_n, sum_d),
                    "{indicator} of {code}: the sum of its predecessors"
                );
            }
            // The officer of Thành Trực, now of Kim Tân, sees Kim Tân's six predecessors in 2025-Q2.
            let seen = domain::indicators::overview(db, &officer, &ask("2025-Q2", Boundaries::OfTheTime))
                .await
                .expect("officer");
            let mut seen_codes: Vec<&str> = seen.units.iter().map(|unit| unit.code.as_str()).collect();
            seen_codes.sort();
            assert_eq!(seen_codes, ["15187", "15214", "15241", "15253", "15256", "15265"]);
            test_db
        }
    })
    .await;
}

/// Old code → new code, from a reorganisation file.
fn file_pairs(file: &[u8]) -> std::collections::HashMap<String, String> {
    String::from_utf8_lossy(file)
        .lines()
        .skip(1)
        .filter_map(|line| {
            let cells: Vec<&str> = line.split(',').collect();
            Some((cells.first()?.to_string(), cells.get(2)?.to_string()))
        })
        .collect()
}
