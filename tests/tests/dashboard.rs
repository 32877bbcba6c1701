//! The leaders' dashboard on SQLite and PostgreSQL: indicators computed from recorded data on a
//! fixture with known answers (including a commune with nothing recorded and a village merged
//! away), officers' figures, admins' targets, and the priority list.

use bandoso_tests::{demo_login, on_each_backend, send, send_json, As, TestDb};
use http::{Method, StatusCode};
use serde_json::{json, Value};

/// Thạch Bình: the demo holds no households or visits in it (nor in the four communes it was
/// made of in July 2025), so the fixture below is all it has.
const THACH_BINH: &str = "15211";

fn uuid() -> String {
    uuid::Uuid::new_v4().to_string()
}

async fn villages_of(test_db: &TestDb, commune: &str) -> Vec<String> {
    let rows: Vec<(String,)> = sqlx::query_as(
        "SELECT v.code FROM admin_unit v JOIN admin_unit c ON c.id = v.parent_id
         WHERE c.code = $1 AND v.valid_to IS NULL ORDER BY v.code",
    )
    .bind(commune)
    .fetch_all(test_db.db.pool())
    .await
    .expect("villages");
    rows.into_iter().map(|(code,)| code).collect()
}

async fn indicator(app: &axum::Router, who: &As, year: i32, code: &str) -> Value {
    let (status, body) = send_json(app, Method::GET, &format!("/api/v1/indicators?year={year}"), who, None).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body.as_array().and_then(|all| all.iter().find(|i| i["indicator"] == code).cloned()).expect("indicator listed")
}

fn commune<'a>(status: &'a Value, code: &str) -> &'a Value {
    status["communes"].as_array().and_then(|all| all.iter().find(|c| c["commune_code"] == code)).expect("commune")
}

/// Four households in the first village of Thạch Bình (10 adults), two of them visited by the
/// admin: 3 and 2 people guided, VNeID activated once.
async fn record_fixture(app: &axum::Router, admin: &As, village: &str) {
    let homes: Vec<String> = (0..4).map(|_| uuid()).collect();
    let mut records: Vec<Value> = homes
        .iter()
        .zip([2, 2, 3, 3])
        .map(|(home, adults)| {
            json!({"kind": "household", "uuid": home, "village_code": village, "label": "Hộ thử", "adults": adults})
        })
        .collect();
    for (home, helped, vneid) in [(&homes[0], 3, true), (&homes[1], 2, false)] {
        records.push(json!({"kind": "visit", "uuid": uuid(), "household_uuid": home,
            "visited_at": "2026-10-01T02:00:00Z", "people_helped": helped, "skills": ["vneid_install"],
            "vneid_activated": vneid}));
    }
    let (status, body) = send_json(app, Method::POST, "/api/v1/sync", admin, Some(json!({"records": records}))).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body["results"].as_array().expect("results").iter().all(|r| r["outcome"] == "stored"), "{body}");
}

#[tokio::test]
async fn recorded_indicators_have_the_fixture_answers_per_commune() {
    on_each_backend(|test_db| async move {
        server::demo::reload(&test_db.db).await.expect("demo");
        let app = test_db.app();
        let admin = demo_login(&app, "admin").await;
        let villages = villages_of(&test_db, THACH_BINH).await;
        assert!(villages.len() >= 3, "{villages:?}");
        record_fixture(&app, &admin, &villages[0]).await;
        // Wi-Fi: exactly one working house in Thạch Bình; then its last village is merged away.
        let pool = test_db.db.pool();
        sqlx::query(
            "UPDATE cultural_house SET wifi_status = 'broken'
             WHERE village_id IN (SELECT v.id FROM admin_unit v JOIN admin_unit c ON c.id = v.parent_id WHERE c.code = $1)",
        )
        .bind(THACH_BINH)
        .execute(pool)
        .await
        .expect("break");
        sqlx::query(
            "UPDATE cultural_house SET wifi_status = 'active'
             WHERE village_id = (SELECT id FROM admin_unit WHERE code = $1)",
        )
        .bind(&villages[0])
        .execute(pool)
        .await
        .expect("repair one");
        let houses = |test_db: &TestDb| {
            let pool = test_db.db.pool().clone();
            async move {
                let (count,): (i64,) = sqlx::query_as(
                    "SELECT COUNT(*) FROM cultural_house h JOIN admin_unit v ON v.id = h.village_id
                     JOIN admin_unit c ON c.id = v.parent_id WHERE c.code = $1 AND v.valid_to IS NULL",
                )
                .bind(THACH_BINH)
                .fetch_one(&pool)
                .await
                .expect("count");
                count as f64
            }
        };
        let all_houses = houses(&test_db).await;
        let leader = demo_login(&app, "lanhdao").await;

        let wifi = indicator(&app, &leader, 2026, "cultural_house_wifi").await;
        let cam = commune(&wifi, THACH_BINH);
        assert_eq!((cam["actual"]["numerator"].as_f64(), cam["actual"]["denominator"].as_f64()), (Some(1.0), Some(all_houses)));
        assert_eq!(wifi["target"], 100.0);
        assert_eq!(wifi["source"], "recorded");
        assert_eq!(wifi["owner"], "Phòng Văn hóa, Khoa học và Thông tin");

        sqlx::query("UPDATE admin_unit SET valid_to = '2025-07-01T00:00:00Z' WHERE code = $1")
            .bind(villages.last().expect("a village"))
            .execute(pool)
            .await
            .expect("merge away");
        let remaining = houses(&test_db).await;
        assert!(remaining < all_houses, "the merged village had a house");
        let wifi = indicator(&app, &leader, 2026, "cultural_house_wifi").await;
        assert_eq!(commune(&wifi, THACH_BINH)["actual"]["denominator"].as_f64(), Some(remaining));

        let families = indicator(&app, &leader, 2026, "digital_families").await;
        let cam = commune(&families, THACH_BINH);
        assert_eq!((cam["actual"]["numerator"].as_f64(), cam["actual"]["denominator"].as_f64()), (Some(2.0), Some(4.0)));
        assert_eq!((cam["percent"].as_f64(), cam["gap"].as_f64()), (Some(50.0), Some(50.0)));
        let vneid = indicator(&app, &leader, 2026, "adults_vneid").await;
        let cam = commune(&vneid, THACH_BINH);
        assert_eq!((cam["percent"].as_f64(), cam["gap"].as_f64()), (Some(10.0), Some(70.0)), "1 of 10 adults; target 80");
        assert_eq!(indicator(&app, &leader, 2025, "adults_vneid").await["target"], 60.0);
        // This year's trend ends with today's figure; Thạch Bình's households were listed today, so
        // they count in no earlier quarter.
        let this_year = domain::current_year();
        // (Wi-Fi is left out: this test sets house states behind the history's back.)
        for code in ["digital_families", "adults_vneid", "digital_ambassadors"] {
            let status = indicator(&app, &leader, this_year, code).await;
            let trend = status["trend"].as_array().cloned().expect("trend");
            assert!(!trend.is_empty() && trend.len() <= 4, "{code}: {trend:?}");
            assert_eq!(trend.last().map(|point| &point["actual"]), Some(&status["actual"]), "{code}");
            assert!(trend.iter().all(|point| point["period"].as_str().is_some_and(|p| p.starts_with(&this_year.to_string()))));
        }
        let guides = indicator(&app, &leader, 2026, "digital_ambassadors").await;
        let cam = commune(&guides, THACH_BINH);
        assert_eq!((cam["actual"]["numerator"].as_f64(), cam["actual"]["denominator"].as_f64()), (Some(1.0), Some(1.0)));

        // A commune where nothing is recorded has no figure, not a zero.
        let empty: Vec<(String,)> = sqlx::query_as(
            "SELECT c.code FROM admin_unit c WHERE c.level = 'commune' AND c.valid_to IS NULL AND NOT EXISTS (
                 SELECT 1 FROM household h JOIN admin_unit v ON v.id = h.village_id WHERE v.parent_id = c.id)",
        )
        .fetch_all(pool)
        .await
        .expect("empty communes");
        let empty = &empty.first().expect("a commune without households").0;
        let blank = commune(&families, empty);
        assert!(blank["actual"].is_null() && blank["percent"].is_null() && blank["gap"].is_null(), "{blank}");

        // The commune officer of Kim Tân sees Kim Tân only, by its villages; team members and
        // operators see nothing.
        let officer = demo_login(&app, "canbo.kimtan").await;
        let scoped = indicator(&app, &officer, 2026, "digital_families").await;
        let mut codes: Vec<String> = scoped["communes"]
            .as_array()
            .expect("communes")
            .iter()
            .filter_map(|c| c["commune_code"].as_str().map(str::to_owned))
            .collect();
        codes.sort();
        assert_eq!(codes, villages_of(&test_db, "15187").await, "Kim Tân's villages, one level down");
        assert!(scoped["communes"].as_array().expect("units").iter().all(|c| c["level"] == "village"));
        for role in ["tocongnghe.kimtan", "viettel"] {
            let who = demo_login(&app, role).await;
            let (status, _) = send_json(&app, Method::GET, "/api/v1/indicators", &who, None).await;
            assert_eq!(status, StatusCode::FORBIDDEN, "{role}");
        }
        let (status, body) = send_json(&app, Method::GET, "/api/v1/indicators?year=soon", &leader, None).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
        test_db
    })
    .await;
}

#[tokio::test]
async fn officers_enter_figures_in_scope_and_admins_change_targets() {
    on_each_backend(|test_db| async move {
        server::demo::reload(&test_db.db).await.expect("demo");
        let app = test_db.app();
        let officer = demo_login(&app, "canbo.kimtan").await;
        let report = |commune: &str, period: &str, numerator: f64, denominator: f64, indicator: &str| {
            json!({"indicator": indicator, "commune_code": commune, "period": period,
                   "numerator": numerator, "denominator": denominator, "note": "Báo cáo của UBND xã"})
        };
        for (body, expected) in [
            (report("15187", "2026-Q1", 45.0, 50.0, "public_staff"), StatusCode::NO_CONTENT),
            (report("15187", "2026-Q2", 48.0, 50.0, "public_staff"), StatusCode::NO_CONTENT),
            (report("15187", "2026-Q2", 47.0, 50.0, "public_staff"), StatusCode::NO_CONTENT),
            (report(THACH_BINH, "2026-Q2", 1.0, 2.0, "public_staff"), StatusCode::FORBIDDEN),
            (report("15187", "2026-Q2", 9.0, 10.0, "cultural_house_wifi"), StatusCode::UNPROCESSABLE_ENTITY),
            (report("15187", "2026-Q2", 11.0, 10.0, "public_staff"), StatusCode::UNPROCESSABLE_ENTITY),
            (report("15187", "2026-Q5", 1.0, 10.0, "public_staff"), StatusCode::UNPROCESSABLE_ENTITY),
            (report("15187", "2026-Q2", 1.0, 0.0, "public_staff"), StatusCode::UNPROCESSABLE_ENTITY),
            (report("99999", "2026-Q2", 1.0, 2.0, "public_staff"), StatusCode::UNPROCESSABLE_ENTITY),
        ] {
            let (status, text) =
                send(&app, Method::POST, "/api/v1/indicator-reports", &officer, Some(body.clone())).await;
            assert_eq!(status, expected, "{body} → {text}");
        }
        let leader = demo_login(&app, "lanhdao").await;
        let staff = indicator(&app, &leader, 2026, "public_staff").await;
        let kim_tan = commune(&staff, "15187");
        assert_eq!(kim_tan["percent"].as_f64(), Some(94.0), "the latest quarter, corrected: 47 of 50");
        assert_eq!((kim_tan["period"].as_str(), kim_tan["gap"].as_f64()), (Some("2026-Q2"), Some(6.0)));
        assert_eq!(staff["source"], "entered");
        let trend: Vec<Option<f64>> =
            staff["trend"].as_array().expect("trend").iter().map(|point| point["percent"].as_f64()).collect();
        assert_eq!(trend[..2], [Some(90.0), Some(94.0)], "each quarter's own reports: {trend:?}");
        assert!(indicator(&app, &leader, 2025, "public_staff").await["actual"].is_null(), "2026 figures stay in 2026");

        let admin = demo_login(&app, "admin").await;
        let set = |body: Value| {
            let (app, admin) = (app.clone(), admin.clone());
            async move { send(&app, Method::PUT, "/api/v1/targets", &admin, Some(body)).await.0 }
        };
        assert_eq!(
            set(json!({"indicator": "public_staff", "year": 2026, "percent": 95})).await,
            StatusCode::NO_CONTENT
        );
        assert_eq!(
            set(json!({"indicator": "public_staff", "year": 2026, "unit_code": "15187", "percent": 90})).await,
            StatusCode::NO_CONTENT
        );
        let staff = indicator(&app, &leader, 2026, "public_staff").await;
        assert_eq!(staff["target"], 95.0);
        assert_eq!(commune(&staff, "15187")["gap"].as_f64(), Some(0.0), "Kim Tân's own target, 90, is met");
        assert_eq!(
            set(json!({"indicator": "public_staff", "year": 2026, "percent": 101})).await,
            StatusCode::UNPROCESSABLE_ENTITY
        );
        assert_eq!(set(json!({"indicator": "nope", "year": 2026, "percent": 50})).await, StatusCode::BAD_REQUEST);
        assert_eq!(
            set(json!({"indicator": "public_staff", "year": 2026, "percent": null})).await,
            StatusCode::NO_CONTENT
        );
        assert_eq!(indicator(&app, &leader, 2026, "public_staff").await["target"], 100.0, "back to the plan's");
        let (status, _) = send(
            &app,
            Method::PUT,
            "/api/v1/targets",
            &leader,
            Some(json!({"indicator": "public_staff", "year": 2026, "percent": 10})),
        )
        .await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let (audited,): (i64,) = sqlx::query_as(
            "SELECT COUNT(*) FROM audit_log WHERE entity_type IN ('indicator_target', 'indicator_report')",
        )
        .fetch_one(test_db.db.pool())
        .await
        .expect("audit");
        assert_eq!(audited, 3 + 3, "three reports and three target changes");
        test_db
    })
    .await;
}

#[tokio::test]
async fn the_priority_list_ranks_villages_by_combined_gap_with_reasons() {
    on_each_backend(|test_db| async move {
        server::demo::reload(&test_db.db).await.expect("demo");
        let app = test_db.app();
        let admin = demo_login(&app, "admin").await;
        let villages = villages_of(&test_db, THACH_BINH).await;
        record_fixture(&app, &admin, &villages[0]).await;
        let pool = test_db.db.pool();
        for (status, village) in [("active", &villages[0]), ("broken", &villages[1])] {
            sqlx::query("UPDATE cultural_house SET wifi_status = $1 WHERE village_id = (SELECT id FROM admin_unit WHERE code = $2)")
                .bind(status)
                .bind(village)
                .execute(pool)
                .await
                .expect("wifi");
        }
        let leader = demo_login(&app, "lanhdao").await;
        let (pages, links) = bandoso_tests::follow_pages(&app, &leader, "/api/v1/priorities?limit=40").await;
        assert!(!links.is_empty(), "the list comes a page at a time");
        let list: Vec<Value> = pages.iter().flat_map(|page| page.as_array().cloned().expect("a page")).collect();
        let (_, in_thach_binh) =
            send_json(&app, Method::GET, &format!("/api/v1/priorities?unit={THACH_BINH}"), &leader, None).await;
        let in_thach_binh = in_thach_binh.as_array().cloned().expect("list");
        assert!(!in_thach_binh.is_empty() && in_thach_binh.iter().all(|v| v["commune_code"] == THACH_BINH));
        let scores: Vec<f64> = list.iter().filter_map(|v| v["score"].as_f64()).collect();
        assert!(scores.windows(2).all(|pair| pair[0] >= pair[1]), "most urgent first");
        let find = |code: &str| list.iter().find(|v| v["village_code"] == code).cloned();
        let listed = find(&villages[0]).expect("half its households not visited");
        let kinds: Vec<&str> = listed["reasons"].as_array().expect("reasons").iter().filter_map(|r| r["kind"].as_str()).collect();
        assert!(kinds.contains(&"households_not_visited"), "{listed}");
        assert!(!kinds.contains(&"no_working_wifi"), "{listed}");
        let not_visited = listed["reasons"].as_array().expect("reasons").iter().find(|r| r["kind"] == "households_not_visited").cloned().expect("reason");
        assert_eq!((not_visited["not_visited"].as_i64(), not_visited["households"].as_i64()), (Some(2), Some(4)));
        let broken = find(&villages[1]).expect("broken Wi-Fi, no households");
        let kinds: Vec<&str> = broken["reasons"].as_array().expect("reasons").iter().filter_map(|r| r["kind"].as_str()).collect();
        assert!(kinds.contains(&"no_working_wifi") && kinds.contains(&"no_household_list"), "{broken}");
        assert!(broken["score"].as_f64() > listed["score"].as_f64());
        assert!(broken["lat"].is_number(), "a place to open on the map");
        let text = serde_json::to_string(&list).expect("json");
        assert!(!text.contains("Hộ thử"), "no household names in the leaders' list");
        let (status, _, csv) = bandoso_tests::get_bytes(&app, "/api/v1/reports/priorities.csv", &leader).await;
        assert_eq!(status, StatusCode::OK);
        let csv = String::from_utf8(csv).expect("UTF-8");
        assert!(csv.starts_with("\u{feff}rank,village_code,village,commune_code,commune,score,reasons"), "{csv:.80}");
        let broken_line = csv.lines().find(|line| line.contains(&villages[1])).expect("the broken village's line");
        assert!(broken_line.contains("Nhà văn hóa chưa có Wi-Fi hoạt động; ") && broken_line.contains("Chưa lập danh sách hộ"));
        assert_eq!(csv.lines().count(), 1 + list.len());
        test_db
    })
    .await;
}

#[tokio::test]
async fn the_quarterly_report_opens_with_the_appendix_and_a_sheet_per_commune() {
    use calamine::{Data, Reader, Xlsx};
    on_each_backend(|test_db| async move {
        server::demo::reload(&test_db.db).await.expect("demo");
        let app = test_db.app();
        let officer = demo_login(&app, "canbo.kimtan").await;
        let figure = json!({"indicator": "public_staff", "commune_code": "15187", "period": "2026-Q3",
                            "numerator": 45, "denominator": 50});
        let (status, _) = send(&app, Method::POST, "/api/v1/indicator-reports", &officer, Some(figure)).await;
        assert_eq!(status, StatusCode::NO_CONTENT);
        let leader = demo_login(&app, "lanhdao").await;
        let (status, headers, bytes) =
            bandoso_tests::get_bytes(&app, "/api/v1/reports/quarterly.xlsx?year=2026", &leader).await;
        assert_eq!(status, StatusCode::OK, "{}", String::from_utf8_lossy(&bytes));
        assert!(headers[http::header::CONTENT_DISPOSITION].to_str().unwrap_or_default().contains(".xlsx"));
        let mut workbook: Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).expect("an XLSX file");
        let sheets = workbook.sheet_names();
        assert_eq!(sheets.len(), 1 + 6, "the appendix and one sheet per commune: {sheets:?}");
        let appendix = workbook.worksheet_range("Chỉ tiêu 2026").expect("appendix sheet");
        let text = |range: &calamine::Range<Data>, row: u32, column: u32| match range.get_value((row, column)) {
            Some(Data::String(text)) => text.clone(),
            Some(Data::Float(number)) => number.to_string(),
            other => format!("{other:?}"),
        };
        assert_eq!(text(&appendix, 2, 1), "Chỉ tiêu");
        assert_eq!(text(&appendix, 3, 1), "Cán bộ, công chức, viên chức, người lao động khu vực công có kỹ năng số");
        assert_eq!((text(&appendix, 3, 2), text(&appendix, 3, 3)), ("90".to_owned(), "100".to_owned()));
        assert_eq!(text(&appendix, 3, 7), "Phòng Văn hóa, Khoa học và Thông tin");
        assert_eq!(text(&appendix, 3, 4), "90", "45 of 50 over the district: only Kim Tân reported");
        assert_eq!(text(&appendix, 7, 1), "Người trưởng thành được xác nhận phổ cập kỹ năng số trên VNeID");
        assert_eq!((text(&appendix, 7, 2), text(&appendix, 7, 3)), ("60".to_owned(), "80".to_owned()));
        let kim_tan = sheets.iter().find(|name| name.contains("Kim Tân")).cloned().expect("Kim Tân's sheet");
        let commune = workbook.worksheet_range(&kim_tan).expect("commune sheet");
        assert_eq!((text(&commune, 3, 3), text(&commune, 3, 7)), ("90".to_owned(), "2026-Q3".to_owned()));

        let (status, _, csv) =
            bandoso_tests::get_bytes(&app, "/api/v1/reports/indicators.csv?year=2026", &leader).await;
        assert_eq!(status, StatusCode::OK);
        let csv = String::from_utf8(csv).expect("UTF-8");
        assert!(csv.starts_with("\u{feff}year,indicator,indicator_name,commune_code"), "{}", &csv[..80.min(csv.len())]);
        assert!(csv.contains("public_staff,") && csv.contains(",15187,"), "every commune of every indicator");
        assert_eq!(csv.lines().count(), 1 + 10 * (1 + 6), "a header, then per indicator the area and 6 communes");
        test_db
    })
    .await;
}
