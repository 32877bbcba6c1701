//! What an attacker or a careless client can no longer do, on SQLite and PostgreSQL: overflow the
//! public donation lists, plant formulas in CSV exports, write from another origin, borrow a
//! photo, learn what exists outside their scope, read other communes' donors, split one record
//! into two by the case of its UUID, store implausible values, or get megabytes of problems back.

use bandoso_tests::{all_houses, demo_login, house_where, on_each_backend, send, send_json, As};
use http::{Method, StatusCode};
use serde_json::{json, Value};

fn uuid() -> String {
    uuid::Uuid::new_v4().to_string()
}

async fn sync(app: &axum::Router, who: &As, records: Vec<Value>) -> Vec<Value> {
    let (status, body) = send_json(app, Method::POST, "/api/v1/sync", who, Some(json!({"records": records}))).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body["results"].as_array().cloned().unwrap_or_default()
}

/// A new account created by the admin over the API, signed in.
async fn account(app: &axum::Router, admin: &As, username: &str, role: &str, scope: &[&str]) -> As {
    let body = json!({"username": username, "display_name": username, "password": "a long password",
        "role": role, "scope": scope});
    let (status, created) = send_json(app, Method::POST, "/api/v1/users", admin, Some(body)).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    As::Session(bandoso_tests::login(app, username, "a long password").await)
}

#[tokio::test]
async fn pledge_values_are_bounded_and_huge_stored_values_never_break_the_public_lists() {
    on_each_backend(|test_db| async move {
        server::demo::reload(&test_db.db).await.expect("demo");
        let app = test_db.app();
        let officer = demo_login(&app, "canbo.kimtan").await;
        let (_, donors) = send_json(&app, Method::GET, "/api/v1/donors", &officer, None).await;
        let pledge = json!({"donor_id": donors[0]["id"], "commune_code": "15187", "item": "money",
            "value_vnd": i64::MAX});
        let (status, body) = send_json(&app, Method::POST, "/api/v1/pledges", &officer, Some(pledge)).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        // Values stored before the bound existed: two of them would overflow a sum.
        sqlx::query("UPDATE pledge SET value_vnd = $1 WHERE status = 'received'")
            .bind(i64::MAX)
            .execute(test_db.db.pool())
            .await
            .expect("old values");
        let (status, thanks) =
            send_json(&app, Method::GET, "/api/v1/donations/acknowledgements", &As::Public, None).await;
        assert_eq!(status, StatusCode::OK, "{thanks}");
        assert!(thanks.as_array().is_some_and(|donors| donors.iter().any(|donor| donor["value_vnd"] == i64::MAX)));
        let (status, _, _) = bandoso_tests::get_bytes(&app, "/api/v1/reports/donations.xlsx", &officer).await;
        assert_eq!(status, StatusCode::OK);
        test_db
    })
    .await;
}

#[tokio::test]
async fn csv_cells_that_would_run_as_formulas_are_neutralised() {
    on_each_backend(|test_db| async move {
        server::demo::reload(&test_db.db).await.expect("demo");
        let app = test_db.app();
        let admin = demo_login(&app, "admin").await;
        let house = house_where(&all_houses(&app, &admin).await, |p| p["village_code"] == "15187-01");
        let wifi = json!({"status": "active", "provider": "viettel", "ssid": "=HYPERLINK(\"x\")"});
        let (status, body) = bandoso_tests::put_wifi(&app, &admin, &admin, house, Some(wifi)).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        sqlx::query("UPDATE admin_unit SET name = '@SUM(1+1)' WHERE code = '15187-01'")
            .execute(test_db.db.pool())
            .await
            .expect("a village named like a formula");
        let (_, houses) = send(&app, Method::GET, "/api/v1/exports/cultural-houses.csv", &admin, None).await;
        assert!(houses.contains("'=HYPERLINK") && houses.contains("'@SUM(1+1)"), "{houses:.2000}");
        assert!(!houses.contains(",=HYPERLINK"), "no cell starts a formula");
        let (_, priorities) = send(&app, Method::GET, "/api/v1/reports/priorities.csv", &admin, None).await;
        assert!(!priorities.contains(",@SUM"), "{priorities:.2000}");
        test_db
    })
    .await;
}

#[tokio::test]
async fn writes_from_another_origin_are_refused() {
    on_each_backend(|test_db| async move {
        server::demo::reload(&test_db.db).await.expect("demo");
        let app = test_db.app();
        let login = |headers: Vec<(&'static str, &'static str)>| {
            let app = app.clone();
            async move {
                let mut request = http::Request::post("/api/auth/login")
                    .header(http::header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                    .header(http::header::HOST, "bandoso.example");
                for (name, value) in headers {
                    request = request.header(name, value);
                }
                let body = axum::body::Body::from("username=lanhdao&password=bandoso-demo");
                tower::ServiceExt::oneshot(app, request.body(body).expect("request")).await.expect("response").status()
            }
        };
        assert_eq!(login(vec![("sec-fetch-site", "cross-site")]).await, StatusCode::FORBIDDEN, "login CSRF");
        assert_eq!(login(vec![("sec-fetch-site", "same-site")]).await, StatusCode::FORBIDDEN, "a sibling subdomain");
        assert_eq!(login(vec![("origin", "http://bandoso.example:8080")]).await, StatusCode::FORBIDDEN, "another port");
        assert_eq!(login(vec![("sec-fetch-site", "same-origin")]).await, StatusCode::OK);
        assert_eq!(login(vec![("origin", "https://bandoso.example")]).await, StatusCode::OK);
        test_db
    })
    .await;
}

#[tokio::test]
async fn a_handover_may_name_only_its_own_photo() {
    on_each_backend(|test_db| async move {
        server::demo::reload(&test_db.db).await.expect("demo");
        let app = test_db.app();
        let officer = demo_login(&app, "canbo.kimtan").await;
        let member = demo_login(&app, "tocongnghe.kimtan").await;
        let photo = uuid();
        let (status, _) = bandoso_tests::send_raw_bytes(
            &app,
            Method::PUT,
            &format!("/api/v1/handover-photos/{photo}"),
            &officer,
            "image/png",
            Some(bandoso_tests::TINY_PNG.to_vec()),
            None,
        )
        .await;
        assert_eq!(status, StatusCode::CREATED);
        bandoso_tests::received_pledge(&app, &officer, "15187", "tablet", 1).await;
        let household = bandoso_tests::eligible_household(&app, &officer, "15187-01").await;
        let (_, allocation) = bandoso_tests::allocate(&app, &officer, household, "tablet").await;
        let handover = json!({"kind": "handover", "uuid": uuid(), "allocation_id": allocation["id"],
            "handed_over_at": "2026-11-20T03:00:00Z", "photo_uuid": photo, "guided": false});
        let results = sync(&app, &member, vec![handover]).await;
        assert_eq!(results[0]["outcome"], "rejected", "{results:?}");
        assert!(results[0]["reason"].as_str().unwrap_or_default().starts_with("photo_uuid"), "{results:?}");
        test_db
    })
    .await;
}

#[tokio::test]
async fn sync_answers_tell_nothing_about_records_outside_the_scope() {
    on_each_backend(|test_db| async move {
        server::demo::reload(&test_db.db).await.expect("demo");
        let app = test_db.app();
        let admin = demo_login(&app, "admin").await;
        let elsewhere = account(&app, &admin, "team.vandu", "team_member", &["15190"]).await;
        let kim_tan = uuid();
        let household = |uuid: &str, village: &str| {
            json!({"kind": "household", "uuid": uuid, "village_code": village,
            "label": "Hộ thử", "adults": 2})
        };
        let stored = sync(&app, &admin, vec![household(&kim_tan, "15187-01")]).await;
        assert_eq!(stored[0]["outcome"], "stored");
        let vandu_village: (String,) = sqlx::query_as(
            "SELECT v.code FROM admin_unit v JOIN admin_unit c ON c.id = v.parent_id WHERE c.code = '15190' LIMIT 1",
        )
        .fetch_one(test_db.db.pool())
        .await
        .expect("a Vân Du village");
        let answer = sync(&app, &elsewhere, vec![household(&kim_tan, &vandu_village.0)]).await;
        assert_eq!(answer[0]["outcome"], "rejected", "a record stored elsewhere is not 'already stored': {answer:?}");
        assert!(answer[0]["id"].is_null(), "no id of another scope's record");
        let visit = |household_id: Value| {
            json!({"kind": "visit", "uuid": uuid(), "household_id": household_id,
            "visited_at": "2026-11-20T03:00:00Z", "people_helped": 1, "skills": ["online_safety"]})
        };
        let outside = sync(&app, &elsewhere, vec![visit(stored[0]["id"].clone())]).await;
        let missing = sync(&app, &elsewhere, vec![visit(json!(987_654_321))]).await;
        assert_eq!(outside[0]["reason"], missing[0]["reason"], "outside the scope and not there answer alike");
        test_db
    })
    .await;
}

#[tokio::test]
async fn donor_contacts_stay_with_their_commune() {
    on_each_backend(|test_db| async move {
        server::demo::reload(&test_db.db).await.expect("demo");
        let app = test_db.app();
        let admin = demo_login(&app, "admin").await;
        let kim_tan = demo_login(&app, "canbo.kimtan").await;
        let van_du = account(&app, &admin, "canbo.vandu2", "commune_officer", &["15190"]).await;
        for (name, anonymous) in [("Cửa hàng A", false), ("Người giấu tên", true)] {
            let donor = json!({"kind": "individual", "name": name, "contact": "0912 000 000", "anonymous": anonymous});
            let (status, _) = send_json(&app, Method::POST, "/api/v1/donors", &kim_tan, Some(donor)).await;
            assert_eq!(status, StatusCode::CREATED);
        }
        let (_, listed) = send_json(&app, Method::GET, "/api/v1/donors", &van_du, None).await;
        let listed = listed.as_array().cloned().unwrap_or_default();
        let shop =
            listed.iter().find(|donor| donor["name"] == "Cửa hàng A").expect("another commune's donor is listed");
        assert!(shop["contact"].is_null(), "without its contact: {shop}");
        assert!(!listed.iter().any(|donor| donor["name"] == "Người giấu tên"), "nor another commune's anonymous donor");
        let (_, own) = send_json(&app, Method::GET, "/api/v1/donors", &kim_tan, None).await;
        assert!(own.as_array().is_some_and(|donors| donors.iter().any(|d| d["contact"] == "0912 000 000")));
        test_db
    })
    .await;
}

#[tokio::test]
async fn one_uuid_is_one_record_whatever_its_case_and_a_batch_cannot_send_it_twice_differently() {
    on_each_backend(|test_db| async move {
        server::demo::reload(&test_db.db).await.expect("demo");
        let app = test_db.app();
        let member = demo_login(&app, "tocongnghe.kimtan").await;
        let id = uuid();
        let household = |uuid: String, label: &str| {
            json!({"kind": "household", "uuid": uuid, "village_code": "15187-01",
            "label": label})
        };
        let first = sync(&app, &member, vec![household(id.to_uppercase(), "Hộ A")]).await;
        assert_eq!(first[0]["outcome"], "stored");
        assert_eq!(first[0]["uuid"], id.to_uppercase(), "answered as the phone wrote it");
        let again = sync(&app, &member, vec![household(id.clone(), "Hộ A")]).await;
        assert_eq!(again[0]["outcome"], "already_stored", "{again:?}");
        let twice = uuid();
        let batch = sync(&app, &member, vec![household(twice.clone(), "Hộ B"), household(twice, "Hộ C")]).await;
        assert_eq!(batch[0]["outcome"], "stored");
        assert_eq!(batch[1]["outcome"], "rejected", "the second copy differs: {batch:?}");
        test_db
    })
    .await;
}

#[tokio::test]
async fn implausible_values_are_refused_and_repeats_are_stored_once() {
    on_each_backend(|test_db| async move {
        server::demo::reload(&test_db.db).await.expect("demo");
        let app = test_db.app();
        let admin = demo_login(&app, "admin").await;
        let member = demo_login(&app, "tocongnghe.kimtan").await;
        let report = json!({"village_code": "15187-01", "operator": "viettel", "technology": "4G", "quality": "good",
            "reported_at": "9999-12-31"});
        let (status, body) = send_json(&app, Method::POST, "/api/v1/coverage-reports", &admin, Some(report)).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "a report dated 9999 would stay the latest: {body}");
        let house = house_where(&all_houses(&app, &admin).await, |p| p["village_code"] == "15187-02");
        for date in ["0001-01-01", "9999-01-01"] {
            let wifi = json!({"status": "active", "provider": "viettel", "installed_at": date});
            let (status, body) = bandoso_tests::put_wifi(&app, &admin, &admin, house, Some(wifi)).await;
            assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{date}: {body}");
        }
        let figure = json!({"indicator": "public_staff", "commune_code": "15187", "period": "2026-Q1",
            "numerator": 1e308, "denominator": 1e308});
        let (status, _) = send_json(&app, Method::POST, "/api/v1/indicator-reports", &admin, Some(figure)).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        let label =
            |text: &str| json!({"kind": "household", "uuid": uuid(), "village_code": "15187-01", "label": text});
        let refused = sync(&app, &member, vec![label("Hộ \u{0}A"), label("Hộ \u{202E}B")]).await;
        assert!(refused.iter().all(|result| result["outcome"] == "rejected"), "{refused:?}");
        let home = uuid();
        let skills: Vec<&str> = std::iter::repeat_n("online_safety", 10_000).chain(["banking_qr"]).collect();
        let visit = json!({"kind": "visit", "uuid": uuid(), "household_uuid": home,
            "visited_at": "2026-11-20T03:00:00Z", "people_helped": 1, "skills": skills});
        let results = sync(
            &app,
            &member,
            vec![
                json!({"kind": "household", "uuid": home, "village_code": "15187-01",
            "label": "Hộ nhiều kỹ năng"}),
                visit,
            ],
        )
        .await;
        assert_eq!(results[1]["outcome"], "stored", "{results:?}");
        let (stored,): (String,) = sqlx::query_as("SELECT skills FROM visit WHERE id = $1")
            .bind(results[1]["id"].as_i64().expect("id"))
            .fetch_one(test_db.db.pool())
            .await
            .expect("the visit");
        assert_eq!(stored, "online_safety,banking_qr", "each skill once");
        test_db
    })
    .await;
}

#[tokio::test]
async fn a_refused_huge_file_is_answered_in_kilobytes() {
    on_each_backend(|test_db| async move {
        server::demo::reload(&test_db.db).await.expect("demo");
        let app = test_db.app();
        let admin = demo_login(&app, "admin").await;
        let bad = "x".repeat(2_000);
        let mut file = String::from("village_code,operator,technology,quality\n");
        for _ in 0..5_000 {
            file.push_str(&format!("{bad},viettel,4G,good\n"));
        }
        let (status, body) = bandoso_tests::post_file(
            &app,
            "/api/v1/imports/coverage?dry_run=true",
            &admin,
            "text/csv",
            file.clone().into_bytes(),
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(body.len() < file.len() / 10, "{} bytes answered for a file of {}", body.len(), file.len());
        let problems: Value = serde_json::from_str(&body).expect("JSON");
        assert_eq!(problems["error"]["problems"].as_array().map(Vec::len), Some(1001));
        test_db
    })
    .await;
}
