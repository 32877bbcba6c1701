//! The field app's sync endpoint and the aggregates built on it, on SQLite and PostgreSQL:
//! idempotency per record UUID, partial batches, bad records, concurrent copies of one record.

use bandoso_tests::{demo_login, on_each_backend, send_json, As, TestDb};
use http::{Method, StatusCode};
use serde_json::{json, Value};

/// The demo centre of Kim Tân (15187): inside its boundary.
const KIM_TAN: (f64, f64) = (105.684, 20.126);
/// Where the cultural house of a demo village stands (inside its commune of today).
async fn house_position(test_db: &TestDb, village_code: &str) -> (f64, f64) {
    sqlx::query_as(
        "SELECT h.lon, h.lat FROM cultural_house h JOIN admin_unit v ON v.id = h.village_id WHERE v.code = $1",
    )
    .bind(village_code)
    .fetch_one(test_db.db.pool())
    .await
    .expect("the village's cultural house")
}

fn uuid() -> String {
    uuid::Uuid::new_v4().to_string()
}

fn household(uuid: &str, village_code: &str) -> Value {
    json!({"kind": "household", "uuid": uuid, "village_code": village_code, "label": "Hộ bà Hà Thị Lan, xóm Đồi",
           "lon": KIM_TAN.0, "lat": KIM_TAN.1, "accuracy_m": 12.0, "poor": true, "adults": 3})
}

fn visit(uuid: &str, household_uuid: &str) -> Value {
    json!({"kind": "visit", "uuid": uuid, "household_uuid": household_uuid, "visited_at": "2026-11-20T03:15:00Z",
           "lon": KIM_TAN.0, "lat": KIM_TAN.1, "accuracy_m": 9.5, "people_helped": 2,
           "skills": ["vneid_install", "vneid_level2", "banking_qr"], "vneid_activated": true,
           "note": "Đã cài VNeID cho hai người", "network": {"effective_type": "4g", "downlink_mbps": 7.5}})
}

async fn sync(app: &axum::Router, who: &As, records: Vec<Value>) -> (StatusCode, Vec<Value>) {
    let (status, body) = send_json(app, Method::POST, "/api/v1/sync", who, Some(json!({"records": records}))).await;
    (status, body["results"].as_array().cloned().unwrap_or_else(|| vec![body]))
}

async fn count(test_db: &TestDb, table: &str) -> i64 {
    let (count,): (i64,) =
        sqlx::query_as(&format!("SELECT COUNT(*) FROM {table}")).fetch_one(test_db.db.pool()).await.expect("count");
    count
}

#[tokio::test]
async fn a_batch_is_stored_record_by_record_and_a_resent_batch_stores_nothing_twice() {
    on_each_backend(|test_db| async move {
        server::demo::reload(&test_db.db).await.expect("demo");
        let app = test_db.app();
        let member = demo_login(&app, "tocongnghe.kimtan").await;
        let before = (count(&test_db, "household").await, count(&test_db, "visit").await);
        let (_, progress_before) = send_json(&app, Method::GET, "/api/v1/progress/villages", &member, None).await;
        let home = uuid();
        let mut bad_skill = visit(&uuid(), &home);
        bad_skill["skills"] = json!(["juggling"]);
        let mut too_many = visit(&uuid(), &home);
        too_many["people_helped"] = json!(500);
        let mut wrong_clock = visit(&uuid(), &home);
        wrong_clock["visited_at"] = json!("1970-01-01T00:00:00Z");
        let batch = vec![
            visit(&uuid(), &home),
            household(&home, "15187-01"),
            bad_skill,
            too_many,
            visit(&uuid(), &uuid()),
            household(&uuid(), "15190-01"),
            json!(5),
            wrong_clock,
            visit(&uuid(), &home),
        ];
        let (status, results) = sync(&app, &member, batch.clone()).await;
        assert_eq!(status, StatusCode::OK, "{results:?}");
        let outcomes: Vec<&str> = results.iter().map(|r| r["outcome"].as_str().unwrap_or_default()).collect();
        assert_eq!(
            outcomes,
            ["stored", "stored", "rejected", "rejected", "rejected", "rejected", "rejected", "rejected", "stored"],
            "a visit before its household in the batch still finds it: {results:?}"
        );
        for (index, expected) in
            [(2, "skills"), (3, "people_helped"), (4, "household"), (5, "scope"), (6, "record"), (7, "clock")]
        {
            let reason = results[index]["reason"].as_str().unwrap_or_default();
            assert!(reason.contains(expected), "record {index}: {reason}");
            assert!(!results[index]["reason_vi"].as_str().unwrap_or_default().is_empty(), "Vietnamese reason too");
        }
        assert_eq!(results[0]["uuid"], batch[0]["uuid"]);
        assert_eq!((count(&test_db, "household").await, count(&test_db, "visit").await), (before.0 + 1, before.1 + 2));

        let (status, again) = sync(&app, &member, batch.clone()).await;
        assert_eq!(status, StatusCode::OK);
        for index in [0, 1, 8] {
            assert_eq!(again[index]["outcome"], "already_stored", "{:?}", again[index]);
            assert_eq!(again[index]["id"], results[index]["id"], "the same record, not a copy");
        }
        assert_eq!(
            (count(&test_db, "household").await, count(&test_db, "visit").await),
            (before.0 + 1, before.1 + 2),
            "nothing twice"
        );

        let (_, progress) = send_json(&app, Method::GET, "/api/v1/progress/villages", &member, None).await;
        let progress = progress.as_array().cloned().unwrap_or_default();
        assert_eq!(progress.len(), 2, "the team sees its two villages: {progress:?}");
        let village = |all: &[Value]| all.iter().find(|p| p["village_code"] == "15187-01").cloned().expect("Khu phố 1");
        let (now, then) = (village(&progress), village(progress_before.as_array().expect("list")));
        let grew = |field: &str| now[field].as_i64().unwrap_or_default() - then[field].as_i64().unwrap_or_default();
        assert_eq!(
            ["households", "households_visited", "visits", "people_helped", "vneid_activations"].map(grew),
            [1, 1, 2, 4, 2]
        );
        let leader = demo_login(&app, "lanhdao").await;
        let (_, district) = send_json(&app, Method::GET, "/api/v1/progress/villages", &leader, None).await;
        let text = district.to_string();
        assert!(!text.contains("Hà Thị Lan") && !text.contains("VNeID cho"), "leaders see aggregates only");
        test_db
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_copies_of_one_record_are_stored_exactly_once() {
    on_each_backend(|test_db| async move {
        server::demo::reload(&test_db.db).await.expect("demo");
        let app = test_db.app();
        let member = demo_login(&app, "tocongnghe.kimtan").await;
        let before = (count(&test_db, "household").await, count(&test_db, "visit").await);
        let home = uuid();
        let batch = vec![household(&home, "15187-02"), visit(&uuid(), &home), visit(&uuid(), &home)];
        let senders: Vec<_> = (0..6)
            .map(|_| {
                let (app, member, batch) = (app.clone(), member.clone(), batch.clone());
                tokio::spawn(async move { sync(&app, &member, batch).await })
            })
            .collect();
        let mut stored = [0; 3];
        let mut ids: Vec<Vec<Value>> = vec![Vec::new(); 3];
        for sender in senders {
            let (status, results) = sender.await.expect("sender finished");
            assert_eq!(status, StatusCode::OK, "{results:?}");
            for (index, result) in results.iter().enumerate() {
                match result["outcome"].as_str() {
                    Some("stored") => stored[index] += 1,
                    Some("already_stored") => {}
                    other => panic!("record {index}: {other:?} {result}"),
                }
                ids[index].push(result["id"].clone());
            }
        }
        assert_eq!(stored, [1, 1, 1], "each record stored by exactly one of the racing requests");
        assert!(ids.iter().all(|same| same.windows(2).all(|pair| pair[0] == pair[1])), "{ids:?}");
        assert_eq!((count(&test_db, "household").await, count(&test_db, "visit").await), (before.0 + 1, before.1 + 2));
        test_db
    })
    .await;
}

#[tokio::test]
async fn visits_outside_their_area_are_flagged_and_phones_measure_the_network() {
    on_each_backend(|test_db| async move {
        server::demo::reload(&test_db.db).await.expect("demo");
        let app = test_db.app();
        let admin = demo_login(&app, "admin").await;
        // Thạch Cẩm (15205) had no demo field records; it is part of Thạch Bình since July 2025.
        let thach_cam = house_position(&test_db, "15205-01").await;
        let at_thach_cam = |mut record: Value| {
            record["lon"] = json!(thach_cam.0);
            record["lat"] = json!(thach_cam.1);
            record
        };
        let home = uuid();
        let mut far = visit(&uuid(), &home);
        far["lon"] = json!(106.6);
        far["lat"] = json!(21.0);
        far["network"] = json!({"effective_type": "3g"});
        let mut slow = at_thach_cam(visit(&uuid(), &home));
        slow["network"] = json!({"effective_type": "4g", "downlink_mbps": 1.2});
        let records = vec![at_thach_cam(household(&home, "15205-01")), at_thach_cam(visit(&uuid(), &home)), far, slow];
        let (_, results) = sync(&app, &admin, records).await;
        let flags: Vec<&Value> = results.iter().map(|r| &r["outside_area"]).collect();
        assert_eq!(flags, [&json!(false), &json!(false), &json!(true), &json!(false)], "{results:?}");
        let (_, progress) = send_json(&app, Method::GET, "/api/v1/progress/villages", &admin, None).await;
        let village = progress.as_array().and_then(|all| all.iter().find(|p| p["village_code"] == "15205-01").cloned());
        assert_eq!(village.map(|v| v["flagged_visits"].clone()), Some(json!(1)));

        let viettel = demo_login(&app, "viettel").await;
        let (status, measured) = send_json(&app, Method::GET, "/api/v1/field-measurements", &viettel, None).await;
        assert_eq!(status, StatusCode::OK);
        let thach_cam =
            measured.as_array().and_then(|all| all.iter().find(|m| m["village_code"] == "15205-01").cloned());
        assert_eq!(
            thach_cam,
            Some(json!({"village_code": "15205-01", "samples": 3, "quality": "fair", "median_downlink_mbps": 7.5,
                        "latest_at": "2026-11-20T03:15:00Z"})),
            "median of good (4g 7.5), weak (3g) and fair (4g 1.2)"
        );
        assert!(!measured.to_string().contains("Hà Thị Lan"), "no household data for operators");
        test_db
    })
    .await;
}

#[tokio::test]
async fn batches_that_are_not_batches_are_refused_whole() {
    on_each_backend(|test_db| async move {
        server::demo::reload(&test_db.db).await.expect("demo");
        let app = test_db.app();
        let member = demo_login(&app, "tocongnghe.kimtan").await;
        let households_before = count(&test_db, "household").await;
        let too_many: Vec<Value> = (0..501).map(|_| household(&uuid(), "15187-01")).collect();
        let (status, body) =
            send_json(&app, Method::POST, "/api/v1/sync", &member, Some(json!({"records": too_many}))).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
        assert!(body["error"]["message"].as_str().unwrap_or_default().contains("500"), "{body}");
        let (status, _) = send_json(&app, Method::POST, "/api/v1/sync", &member, Some(json!([1, 2]))).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert_eq!(count(&test_db, "household").await, households_before);
        let leader = demo_login(&app, "lanhdao").await;
        let (status, _) = send_json(&app, Method::POST, "/api/v1/sync", &leader, Some(json!({"records": []}))).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "leaders do not record visits");
        test_db
    })
    .await;
}

#[tokio::test]
async fn a_team_member_lists_the_households_of_a_village_not_yet_visited_first() {
    on_each_backend(|test_db| async move {
        server::demo::reload(&test_db.db).await.expect("demo");
        let app = test_db.app();
        let member = demo_login(&app, "tocongnghe.kimtan").await;
        let (new_home, visited_home) = (uuid(), uuid());
        let mut visited = household(&visited_home, "15187-02");
        visited["label"] = json!("Hộ 0 đã thăm");
        let mut waiting = household(&new_home, "15187-02");
        waiting["label"] = json!("Hộ 1 chưa thăm");
        let (_, results) = sync(&app, &member, vec![visited, waiting, visit(&uuid(), &visited_home)]).await;
        assert!(results.iter().all(|r| r["outcome"] == "stored"), "{results:?}");

        let (status, list) = send_json(&app, Method::GET, "/api/v1/households?village=15187-02", &member, None).await;
        assert_eq!(status, StatusCode::OK, "{list}");
        let list = list.as_array().cloned().unwrap_or_default();
        let first_visited = list.iter().position(|h| h["visits"] != 0).expect("a visited household");
        assert!(list[..first_visited].iter().all(|h| h["last_visited_at"].is_null()), "unvisited first: {list:?}");
        assert!(list[first_visited..].iter().all(|h| h["visits"] != 0), "{list:?}");
        let mine = list.iter().find(|h| h["uuid"] == visited_home.as_str()).expect("the visited household");
        assert_eq!((&mine["visits"], &mine["last_visited_at"]), (&json!(1), &json!("2026-11-20T03:15:00Z")));

        let (status, other) = send_json(&app, Method::GET, "/api/v1/households?village=15190-01", &member, None).await;
        assert_eq!((status, other), (StatusCode::OK, json!([])), "another commune's households stay hidden");
        let (status, body) = send_json(&app, Method::GET, "/api/v1/households", &member, None).await;
        assert_eq!((status, body["error"]["parameter"].as_str()), (StatusCode::BAD_REQUEST, Some("village")));
        let leader = demo_login(&app, "lanhdao").await;
        let (status, _) = send_json(&app, Method::GET, "/api/v1/households?village=15187-02", &leader, None).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "leaders never see household names");
        test_db
    })
    .await;
}

#[tokio::test]
async fn two_app_servers_on_one_postgresql_share_sessions_and_sync() {
    let Some(test_db) = TestDb::postgres().await else {
        eprintln!("PostgreSQL not configured: two-server test skipped");
        return;
    };
    server::demo::reload(&test_db.db).await.expect("demo");
    // Two servers, each with its own pool, as two processes behind a load balancer would have.
    let second_pool = domain::Db::connect(&test_db.url).await.expect("second pool");
    let (first, second) = (test_db.app(), server::app(bandoso_tests::test_state(second_pool.clone())));
    let member = demo_login(&first, "tocongnghe.kimtan").await;
    let (status, me) = send_json(&second, Method::GET, "/api/v1/me", &member, None).await;
    assert_eq!((status, me["username"].as_str()), (StatusCode::OK, Some("tocongnghe.kimtan")), "{me}");

    let home = uuid();
    let batch = vec![household(&home, "15187-01"), visit(&uuid(), &home)];
    let (_, through_second) = sync(&second, &member, batch.clone()).await;
    let (_, through_first) = sync(&first, &member, batch).await;
    assert!(through_second.iter().all(|r| r["outcome"] == "stored"), "{through_second:?}");
    assert!(through_first.iter().all(|r| r["outcome"] == "already_stored"), "{through_first:?}");
    assert_eq!(through_first[1]["id"], through_second[1]["id"]);

    let bandoso_tests::As::Session(cookie) = &member else { unreachable!("a session") };
    let logout = http::Request::post("/api/auth/logout")
        .header(http::header::COOKIE, cookie)
        .body(axum::body::Body::empty())
        .expect("request");
    let response = tower::ServiceExt::oneshot(second.clone(), logout).await.expect("response");
    assert!(response.status().is_success(), "{}", response.status());
    let (status, _) = send_json(&first, Method::GET, "/api/v1/me", &member, None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "signing out on one server ends the session on both");
    second_pool.close().await;
    test_db.finish().await;
}

async fn edit(app: &axum::Router, who: &As, uuid: &str, if_match: Option<&str>, body: Value) -> (StatusCode, Value) {
    let headers: Vec<(http::HeaderName, String)> =
        if_match.map(|version| vec![(http::header::IF_MATCH, version.to_owned())]).unwrap_or_default();
    let uri = format!("/api/v1/visits/{uuid}");
    let (status, text) = bandoso_tests::send_with(app, Method::PATCH, &uri, who, Some(body), &headers).await;
    (status, serde_json::from_str(&text).unwrap_or(Value::String(text)))
}

#[tokio::test]
async fn a_synced_visit_is_corrected_only_from_the_version_last_seen() {
    on_each_backend(|test_db| async move {
        server::demo::reload(&test_db.db).await.expect("demo");
        let app = test_db.app();
        let member = demo_login(&app, "tocongnghe.kimtan").await;
        let (home, first_visit) = (uuid(), uuid());
        let (_, results) = sync(&app, &member, vec![household(&home, "15187-01"), visit(&first_visit, &home)]).await;
        assert_eq!(results[1]["outcome"], "stored", "{results:?}");
        let correction = json!({"people_helped": 3, "skills": ["banking_qr"], "vneid_activated": false,
                                "bank_account_opened": true, "note": "Sửa: ba người"});

        let (status, body) = edit(&app, &member, &first_visit, None, correction.clone()).await;
        assert_eq!(status, StatusCode::PRECONDITION_REQUIRED, "{body}");
        let (status, body) = edit(&app, &member, &first_visit, Some("\"1\""), correction.clone()).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body["version"], 2);
        // A second phone still holding version 1 is told, not silently overwritten.
        let mut stale = correction.clone();
        stale["people_helped"] = json!(1);
        let (status, body) = edit(&app, &member, &first_visit, Some("\"1\""), stale).await;
        assert_eq!(status, StatusCode::CONFLICT, "{body}");
        assert_eq!(body["error"]["current_version"], 2);
        let (people, skills, bank): (i64, String, Option<i64>) =
            sqlx::query_as("SELECT people_helped, skills, bank_account_opened FROM visit WHERE client_uuid = $1")
                .bind(&first_visit)
                .fetch_one(test_db.db.pool())
                .await
                .expect("visit");
        assert_eq!((people, skills.as_str(), bank), (3, "banking_qr", Some(1)));

        let mut no_skill = correction.clone();
        no_skill["skills"] = json!([]);
        let (status, body) = edit(&app, &member, &first_visit, Some("\"2\""), no_skill).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert!(body["error"]["message"].as_str().unwrap_or_default().contains("skills"), "{body}");
        let (status, _) = edit(&app, &member, &uuid(), Some("\"1\""), correction.clone()).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let (status, body) = edit(&app, &member, &first_visit, Some("\"2\""), json!({"people_helped": 1})).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "a correction names every field: {body}");

        // Outside the scope, the visit does not exist; leaders and operators may not correct visits.
        let other_team = demo_login(&app, "canbo.kimtan").await;
        let (status, _) = edit(&app, &other_team, &first_visit, Some("\"2\""), correction.clone()).await;
        assert_eq!(status, StatusCode::OK, "the commune officer of Kim Tân may correct it");
        for role in ["lanhdao", "viettel"] {
            let who = demo_login(&app, role).await;
            let (status, _) = edit(&app, &who, &first_visit, Some("\"3\""), correction.clone()).await;
            assert_eq!(status, StatusCode::FORBIDDEN, "{role}");
        }
        let (audited,): (i64,) =
            sqlx::query_as("SELECT COUNT(*) FROM audit_log WHERE entity_type = 'visit' AND action = 'edit'")
                .fetch_one(test_db.db.pool())
                .await
                .expect("audit");
        assert_eq!(audited, 2);
        test_db
    })
    .await;
}
