//! Coverage you can trust, on SQLite and PostgreSQL: measurements stored once and checked, the
//! speed-test routes (signed-in only, bounded, rate-limited), declared against measured with the
//! disagreement rule, the operators' answers, overdue disagreements and stale declarations.

use bandoso_tests::{demo_login, on_each_backend, send, send_json, As, TestDb};
use http::{Method, StatusCode};
use serde_json::{json, Value};

/// The UTC date `days` days before today, `YYYY-MM-DD` (stored timestamps make the fixtures; the
/// tests never sleep).
fn days_ago(days: i64) -> String {
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).expect("clock").as_secs() as i64;
    // Howard Hinnant's civil-from-days.
    let z = now / 86_400 - days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

/// A measurement record of the given quality, as the field app queues it.
fn measurement(village: &str, operator: &str, at: &str, quality: &str) -> Value {
    let (network, no_signal, latency, download) = match quality {
        "good" => ("4G", false, json!(40.0), json!(12_000.0)),
        "fair" => ("4G", false, json!(120.0), json!(2_000.0)),
        "weak" => ("3G", false, json!(400.0), json!(300.0)),
        _ => ("none", true, Value::Null, Value::Null),
    };
    json!({"kind": "measurement", "uuid": uuid::Uuid::new_v4().to_string(), "measured_at": at,
        "village_code": village, "operator": operator, "network_type": network, "no_signal": no_signal,
        "latency_ms": latency, "download_kbps": download, "upload_kbps": if no_signal { Value::Null } else { json!(500.0) }})
}

/// Syncs records as `who` and answers each record's outcome.
async fn sync(app: &axum::Router, who: &As, records: Vec<Value>) -> Vec<Value> {
    let (status, body) = send_json(app, Method::POST, "/api/v1/sync", who, Some(json!({"records": records}))).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body["results"].as_array().cloned().unwrap_or_default()
}

async fn telecom_token(app: &axum::Router, username: &str) -> As {
    let admin = demo_login(app, "admin").await;
    let body = json!({"username": username, "name": "coverage trust tests"});
    let (status, created) = send_json(app, Method::POST, "/api/v1/tokens", &admin, Some(body)).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    As::Token(created["token"].as_str().expect("secret").to_owned())
}

/// Makes `quality` on 4G the only declaration of `operator` in `village`, made on `date`.
async fn declare(test_db: &TestDb, operator_as: &As, village: &str, operator: &str, quality: &str, date: &str) {
    sqlx::query(
        "DELETE FROM coverage_report WHERE operator = $1 AND village_id = (SELECT id FROM admin_unit WHERE code = $2)",
    )
    .bind(operator)
    .bind(village)
    .execute(test_db.db.pool())
    .await
    .expect("clear the demo's declarations");
    let report = json!({"village_code": village, "technology": "4G", "quality": quality, "reported_at": date});
    let app = test_db.app();
    let (status, body) = send_json(&app, Method::POST, "/api/v1/coverage-reports", operator_as, Some(report)).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
}

async fn measurement_count(test_db: &TestDb) -> i64 {
    let (count,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM measurement").fetch_one(test_db.db.pool()).await.expect("count");
    count
}

#[tokio::test]
async fn measurements_are_checked_placed_and_stored_once() {
    on_each_backend(|test_db| async move {
        server::demo::reload(&test_db.db).await.expect("demo");
        let app = test_db.app();
        let team = demo_login(&app, "tocongnghe.kimtan").await;
        // The field app offers both, and says what a measurement costs before it starts.
        let (status, page) = send(&app, Method::GET, "/thuc-dia", &team, None).await;
        assert_eq!(status, StatusCode::OK);
        assert!(page.contains("Đo sóng tại đây") && page.contains("Không có sóng ở đây"), "field page");
        assert!(page.contains("tối đa khoảng 1.6 MB"), "the cost is shown before the test");
        let before = measurement_count(&test_db).await;
        let measured_samples = |app: axum::Router, who: As| async move {
            let (_, layer) = send_json(&app, Method::GET, "/api/v1/field-measurements", &who, None).await;
            by_village(&layer, "15187-01")["samples"].as_i64().unwrap_or_default()
        };
        let samples_before = measured_samples(app.clone(), team.clone()).await;
        let dead_zone = measurement("15187-01", "viettel", &format!("{}T07:00:00Z", days_ago(1)), "none");
        let results = sync(&app, &team, vec![dead_zone.clone()]).await;
        assert_eq!(results[0]["outcome"], "stored", "{results:?}");
        let results = sync(&app, &team, vec![dead_zone]).await;
        assert_eq!(results[0]["outcome"], "already_stored", "sent again after a lost answer");
        assert_eq!(measurement_count(&test_db).await, before + 1);
        let (quality, no_signal): (String, i64) =
            sqlx::query_as("SELECT quality, no_signal FROM measurement ORDER BY id DESC LIMIT 1")
                .fetch_one(test_db.db.pool())
                .await
                .expect("stored");
        assert_eq!((quality.as_str(), no_signal), ("none", 1));

        let today = days_ago(0);
        let mut future = measurement("15187-01", "viettel", &format!("{}T07:00:00Z", days_ago(-3)), "good");
        future["measured_at"] = json!(format!("{}T07:00:00Z", days_ago(-3)));
        let mut slow = measurement("15187-01", "viettel", &format!("{today}T01:00:00Z"), "weak");
        slow["latency_ms"] = json!(-5.0);
        let mut contradictory = measurement("15187-01", "viettel", &format!("{today}T01:00:00Z"), "none");
        contradictory["download_kbps"] = json!(100.0);
        let unknown_operator = measurement("15187-01", "gmobile", &format!("{today}T01:00:00Z"), "good");
        let elsewhere = measurement("15190-01", "viettel", &format!("{today}T01:00:00Z"), "good");
        let results = sync(&app, &team, vec![future, slow, contradictory, unknown_operator, elsewhere]).await;
        let reasons: Vec<&str> = results.iter().map(|r| r["reason"].as_str().unwrap_or_default()).collect();
        assert!(results.iter().all(|r| r["outcome"] == "rejected"), "{results:?}");
        assert!(reasons[0].contains("measured_at"), "{reasons:?}");
        assert!(reasons[1].contains("latency_ms"), "{reasons:?}");
        assert!(reasons[2].contains("no_signal"), "{reasons:?}");
        assert!(reasons[3].contains("operator"), "{reasons:?}");
        assert!(reasons[4].contains("outside your scope"), "{reasons:?}");
        assert_eq!(measurement_count(&test_db).await, before + 1, "nothing rejected was stored");

        // Any signed-in account may measure through the REST route; the village is found from
        // the position when none is chosen.
        // The demo draws communes only: Khu phố 1 gets a small square of its own here.
        let square = json!({"type": "Polygon", "coordinates": [[[105.60, 20.20], [105.62, 20.20], [105.62, 20.22],
            [105.60, 20.22], [105.60, 20.20]]]});
        sqlx::query(
            "UPDATE admin_unit SET boundary = $1, min_lon = 105.60, min_lat = 20.20, max_lon = 105.62, max_lat = 20.22
             WHERE code = '15187-01'",
        )
        .bind(square.to_string())
        .execute(test_db.db.pool())
        .await
        .expect("draw the village");
        let inside = geo::Point::new(105.61, 20.21);
        let mut located = measurement("", "viettel", &format!("{today}T02:00:00Z"), "fair");
        let object = located.as_object_mut().expect("object");
        object.remove("kind");
        object.remove("village_code");
        object.insert("lon".to_owned(), json!(inside.x()));
        object.insert("lat".to_owned(), json!(inside.y()));
        object.insert("accuracy_m".to_owned(), json!(12.0));
        let leader = demo_login(&app, "lanhdao").await;
        let (status, stored) =
            send_json(&app, Method::POST, "/api/v1/measurements", &leader, Some(located.clone())).await;
        assert_eq!(status, StatusCode::CREATED, "{stored}");
        let (village,): (String,) = sqlx::query_as(
            "SELECT v.code FROM measurement m JOIN admin_unit v ON v.id = m.village_id WHERE m.client_uuid = $1",
        )
        .bind(located["uuid"].as_str().unwrap_or_default())
        .fetch_one(test_db.db.pool())
        .await
        .expect("stored");
        assert_eq!(village, "15187-01");
        let (status, again) = send_json(&app, Method::POST, "/api/v1/measurements", &leader, Some(located)).await;
        assert_eq!((status, again["outcome"].as_str()), (StatusCode::OK, Some("already_stored")));
        let mut nowhere = measurement("", "viettel", &format!("{today}T02:00:00Z"), "fair");
        let object = nowhere.as_object_mut().expect("object");
        object.remove("kind");
        object.remove("village_code");
        let (status, _) = send_json(&app, Method::POST, "/api/v1/measurements", &leader, Some(nowhere.clone())).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "no village and no position");
        let (status, _) = send(&app, Method::POST, "/api/v1/measurements", &As::Public, Some(nowhere)).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        // The map's "đo thực tế" layer counts them with the visits' network samples.
        assert_eq!(measured_samples(app.clone(), team.clone()).await, samples_before + 2);
        test_db
    })
    .await;
}

#[tokio::test]
async fn the_speed_test_is_for_accounts_bounded_uncompressed_and_rate_limited() {
    on_each_backend(|test_db| async move {
        server::demo::reload(&test_db.db).await.expect("demo");
        let app = test_db.app();
        for (method, uri) in [
            (Method::GET, "/api/v1/speedtest/ping"),
            (Method::GET, "/api/v1/speedtest/download?bytes=1000"),
            (Method::POST, "/api/v1/speedtest/upload"),
        ] {
            let (status, _) = send(&app, method, uri, &As::Public, None).await;
            assert_eq!(status, StatusCode::UNAUTHORIZED, "{uri}");
        }
        let team = demo_login(&app, "tocongnghe.kimtan").await;
        let accept = [(http::header::ACCEPT_ENCODING, "br, gzip")];
        let (status, headers, body) =
            bandoso_tests::get_bytes_with(&app, "/api/v1/speedtest/download?bytes=100000", &team, &accept).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(body.len(), 100_000, "exactly the bytes asked for, never compressed");
        assert!(headers.get(http::header::CONTENT_ENCODING).is_none(), "{headers:?}");
        assert_eq!(headers[http::header::CACHE_CONTROL], "no-store");
        let zeros = body.iter().filter(|byte| **byte == 0).count();
        assert!(zeros < 1_000, "random bytes, not a compressible run ({zeros} zeros)");
        let (status, _) = send(&app, Method::GET, "/api/v1/speedtest/download?bytes=3000000", &team, None).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "over 2 MiB");

        let upload = |bytes: usize| {
            let app = app.clone();
            let team = team.clone();
            async move {
                bandoso_tests::send_raw_bytes(
                    &app,
                    Method::POST,
                    "/api/v1/speedtest/upload",
                    &team,
                    "application/octet-stream",
                    Some(vec![7_u8; bytes]),
                    None,
                )
                .await
            }
        };
        let (status, text) = upload(300_000).await;
        assert_eq!(status, StatusCode::OK, "{text}");
        assert_eq!(serde_json::from_str::<Value>(&text).expect("JSON")["bytes"], 300_000);
        let (status, _) = upload(3 * 1024 * 1024).await;
        assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);

        // The limit counts every call of one account; another account is not held back.
        let leader = demo_login(&app, "lanhdao").await;
        for call in 1..=server::api::speedtest::CALLS_PER_WINDOW {
            let (status, _) = send(&app, Method::GET, "/api/v1/speedtest/ping", &leader, None).await;
            assert_eq!(status, StatusCode::NO_CONTENT, "call {call}");
        }
        let (status, headers, _) = bandoso_tests::get_bytes_with(&app, "/api/v1/speedtest/ping", &leader, &[]).await;
        assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
        let retry: i64 = headers[http::header::RETRY_AFTER].to_str().expect("text").parse().expect("seconds");
        assert!((1..=server::api::speedtest::WINDOW_SECONDS).contains(&retry), "{retry}");
        let (status, _) = send(&app, Method::GET, "/api/v1/speedtest/ping", &team, None).await;
        assert_eq!(status, StatusCode::NO_CONTENT, "another account still measures");
        test_db
    })
    .await;
}

/// Fixtures of the rule, all Viettel in Kim Tân: 15187-01 disagrees (declared good 60 days ago,
/// then weak or none three times over two days, 50 days ago: overdue), 15187-02 agrees (good
/// measured), 15187-03 has too few bad samples, 15187-04 disagrees since 19 days (not overdue).
async fn rule_fixtures(test_db: &TestDb, viettel: &As) {
    let app = test_db.app();
    let officer = demo_login(&app, "canbo.kimtan").await;
    let team = demo_login(&app, "tocongnghe.kimtan").await;
    for (village, declared) in [("15187-01", 60), ("15187-02", 60), ("15187-03", 60), ("15187-04", 25)] {
        declare(test_db, viettel, village, "viettel", "good", &days_ago(declared)).await;
    }
    let at = |days: i64, hour: u8| format!("{}T{hour:02}:00:00Z", days_ago(days));
    let records = vec![
        measurement("15187-01", "viettel", &at(50, 8), "weak"),
        measurement("15187-01", "viettel", &at(50, 9), "none"),
        measurement("15187-01", "viettel", &at(49, 8), "weak"),
        // Before the declaration: not evidence against it.
        measurement("15187-02", "viettel", &at(70, 8), "none"),
        measurement("15187-02", "viettel", &at(10, 8), "good"),
        measurement("15187-02", "viettel", &at(9, 8), "good"),
        measurement("15187-02", "viettel", &at(8, 8), "fair"),
        measurement("15187-03", "viettel", &at(10, 8), "weak"),
        measurement("15187-03", "viettel", &at(9, 8), "none"),
        measurement("15187-04", "viettel", &at(20, 8), "weak"),
        measurement("15187-04", "viettel", &at(19, 0), "weak"),
        measurement("15187-04", "viettel", &at(19, 0), "none"),
    ];
    let (team_records, officer_records): (Vec<Value>, Vec<Value>) =
        records.into_iter().partition(|record| record["village_code"] == "15187-01");
    for (who, records) in [(&team, team_records), (&officer, officer_records)] {
        for result in sync(&app, who, records).await {
            assert_eq!(result["outcome"], "stored", "{result}");
        }
    }
    // A second phone in 15187-01.
    let result = sync(&app, &officer, vec![measurement("15187-01", "viettel", &at(48, 8), "weak")]).await;
    assert_eq!(result[0]["outcome"], "stored");
}

fn by_village<'a>(list: &'a Value, village: &str) -> &'a Value {
    list.as_array()
        .and_then(|rows| rows.iter().find(|row| row["village_code"] == village))
        .unwrap_or_else(|| panic!("{village} is not listed: {list}"))
}

#[tokio::test]
async fn declared_and_measured_are_compared_by_the_rule() {
    on_each_backend(|test_db| async move {
        server::demo::reload(&test_db.db).await.expect("demo");
        let app = test_db.app();
        let viettel = telecom_token(&app, "viettel").await;
        rule_fixtures(&test_db, &viettel).await;
        let leader = demo_login(&app, "lanhdao").await;
        let (status, all) =
            send_json(&app, Method::GET, "/api/v1/coverage/disagreements?verdict=all&commune=15187", &leader, None)
                .await;
        assert_eq!(status, StatusCode::OK, "{all}");
        let first = by_village(&all, "15187-01");
        assert_eq!(first["verdict"], "disagrees");
        assert_eq!(
            (first["samples"].as_i64(), first["days"].as_i64(), first["phones"].as_i64()),
            (Some(4), Some(3), Some(2))
        );
        assert_eq!(first["declared_quality"], "good");
        assert_eq!(first["median_quality"], "weak");
        assert_eq!(first["overdue"], true, "unanswered for 49 days");
        assert_eq!(first["since"], format!("{}T08:00:00Z", days_ago(49)));
        let second = by_village(&all, "15187-02");
        assert_eq!((second["verdict"].as_str(), second["samples"].as_i64()), (Some("agrees"), Some(3)));
        assert_eq!(by_village(&all, "15187-03")["verdict"], "too_few_samples");
        let fourth = by_village(&all, "15187-04");
        assert_eq!((fourth["verdict"].as_str(), fourth["overdue"].as_bool()), (Some("disagrees"), Some(false)));
        assert_eq!(fourth["age_days"], 19);

        let (_, open) =
            send_json(&app, Method::GET, "/api/v1/coverage/disagreements?commune=15187", &leader, None).await;
        let villages: Vec<&str> =
            open.as_array().into_iter().flatten().filter_map(|r| r["village_code"].as_str()).collect();
        assert_eq!(villages.iter().filter(|v| v.starts_with("15187-0")).count(), 2, "{villages:?}");
        let (_, page) =
            send_json(&app, Method::GET, "/api/v1/coverage/disagreements?commune=15187&limit=1", &leader, None).await;
        assert_eq!(page.as_array().map(Vec::len), Some(1), "paged");

        let (_, summary) = send_json(&app, Method::GET, "/api/v1/coverage/disagreements/summary", &leader, None).await;
        let kim_tan = summary
            .as_array()
            .and_then(|rows| rows.iter().find(|r| r["commune_code"] == "15187" && r["operator"] == "viettel"))
            .unwrap_or_else(|| panic!("Kim Tân's count: {summary}"));
        assert_eq!((kim_tan["disagreements"].as_i64(), kim_tan["overdue"].as_i64()), (Some(2), Some(1)));

        // The overdue disagreement raises its village in the leaders' priority list, by its weight.
        let (_, ranked) = send_json(&app, Method::GET, "/api/v1/priorities?unit=15187&limit=5000", &leader, None).await;
        let overdue_reason = |village: &str| {
            by_village(&ranked, village)["reasons"]
                .as_array()
                .and_then(|reasons| reasons.iter().find(|r| r["kind"] == "overdue_disagreement").cloned())
        };
        assert_eq!(overdue_reason("15187-01").map(|r| r["operators"].clone()), Some(json!(["viettel"])));
        assert_eq!(overdue_reason("15187-04"), None, "not overdue yet");

        // A telecom account sees its own operator's only; the public nothing.
        let (_, mine) =
            send_json(&app, Method::GET, "/api/v1/coverage/disagreements?verdict=all", &viettel, None).await;
        assert!(mine
            .as_array()
            .is_some_and(|rows| !rows.is_empty() && rows.iter().all(|r| r["operator"] == "viettel")));
        let (_, theirs) =
            send_json(&app, Method::GET, "/api/v1/coverage/disagreements?operator=vnpt", &viettel, None).await;
        assert_eq!(theirs, json!([]));
        let (status, _) = send(&app, Method::GET, "/api/v1/coverage/disagreements", &As::Public, None).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        test_db
    })
    .await;
}

#[tokio::test]
async fn the_operator_answers_its_own_disagreements_each_way_audited() {
    on_each_backend(|test_db| async move {
        server::demo::reload(&test_db.db).await.expect("demo");
        let app = test_db.app();
        let viettel = telecom_token(&app, "viettel").await;
        rule_fixtures(&test_db, &viettel).await;
        let answers = "/api/v1/coverage/disagreements/15187-01/viettel/answers";
        let leader = demo_login(&app, "lanhdao").await;
        let score = |ranked: &Value| by_village(ranked, "15187-01")["score"].as_f64().expect("a score");
        let priorities = "/api/v1/priorities?unit=15187&limit=5000";
        let (_, ranked) = send_json(&app, Method::GET, priorities, &leader, None).await;
        let overdue_score = score(&ranked);

        let (status, body) = send_json(&app, Method::POST, answers, &viettel, Some(json!({"answer": "acknowledged"}))).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        let (_, ranked) = send_json(&app, Method::GET, priorities, &leader, None).await;
        let weight = model::indicators::WEIGHT_OVERDUE_DISAGREEMENT;
        assert!((overdue_score - score(&ranked) - weight).abs() < 1e-9, "answered: the overdue weight is gone");
        let (_, list) = send_json(&app, Method::GET, "/api/v1/coverage/disagreements", &leader, None).await;
        let answered = by_village(&list, "15187-01");
        assert_eq!(answered["answer"]["answer"], "acknowledged");
        assert_eq!(answered["overdue"], false, "answered, so no longer overdue");

        for (refused, field) in [
            (json!({"answer": "will_fix"}), "fix_by"),
            (json!({"answer": "will_fix", "fix_by": days_ago(3)}), "fix_by"),
            (json!({"answer": "disagree"}), "reason"),
            (json!({"answer": "fixed"}), "technology"),
            (json!({"answer": "acknowledged", "fix_by": days_ago(-10)}), "fix_by"),
        ] {
            let (status, body) = send_json(&app, Method::POST, answers, &viettel, Some(refused.clone())).await;
            assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{refused}: {body}");
            assert!(body["error"]["message"].as_str().unwrap_or_default().starts_with(field), "{body}");
        }
        let will_fix = json!({"answer": "will_fix", "fix_by": days_ago(-30)});
        let (status, body) = send_json(&app, Method::POST, answers, &viettel, Some(will_fix)).await;
        assert_eq!((status, body["fix_by"].as_str()), (StatusCode::CREATED, Some(days_ago(-30).as_str())), "{body}");
        let disagree = json!({"answer": "disagree", "reason": "Trạm BTS mới phát sóng từ tháng trước"});
        let (status, body) = send_json(&app, Method::POST, answers, &viettel, Some(disagree)).await;
        assert_eq!((status, body["answer"].as_str()), (StatusCode::CREATED, Some("disagree")), "{body}");

        // Someone else's disagreement, or someone not of the operator: the same "not found", or
        // the role's refusal.
        let (status, _) = send(&app, Method::POST, "/api/v1/coverage/disagreements/15187-01/mobifone/answers", &viettel,
            Some(json!({"answer": "acknowledged"}))).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let (status, _) = send(&app, Method::POST, "/api/v1/coverage/disagreements/15187-02/viettel/answers", &viettel,
            Some(json!({"answer": "acknowledged"}))).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "15187-02 agrees: nothing to answer");
        let admin = demo_login(&app, "admin").await;
        let (status, _) = send(&app, Method::POST, answers, &admin, Some(json!({"answer": "acknowledged"}))).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "an admin does not answer for an operator");
        let officer = demo_login(&app, "canbo.kimtan").await;
        let (status, _) = send(&app, Method::POST, answers, &officer, Some(json!({"answer": "acknowledged"}))).await;
        assert_eq!(status, StatusCode::FORBIDDEN);

        // Fixed, with a new declaration: the comparison starts afresh from it.
        let fixed = json!({"answer": "fixed", "technology": "4G", "quality": "weak"});
        let (status, body) = send_json(&app, Method::POST, answers, &viettel, Some(fixed)).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        assert!(body["report_id"].as_i64().is_some(), "{body}");
        let (_, history) =
            send_json(&app, Method::GET, "/api/v1/villages/15187-01/coverage-history", &As::Public, None).await;
        assert_eq!((history[0]["quality"].as_str(), history[0]["operator"].as_str()), (Some("weak"), Some("viettel")));
        let (_, open) = send_json(&app, Method::GET, "/api/v1/coverage/disagreements", &leader, None).await;
        assert!(open.as_array().is_some_and(|rows| rows.iter().all(|r| r["village_code"] != "15187-01")), "{open}");

        // The operators' page carries the inbox, in Vietnamese first.
        let viettel_session = demo_login(&app, "viettel").await;
        let (status, page) = send(&app, Method::GET, "/nha-mang", &viettel_session, None).await;
        assert_eq!(status, StatusCode::OK);
        assert!(page.contains("data-testid=\"operator-inbox\"") && page.contains("Khác biệt khai báo / đo thực tế"));

        let (count,): (i64,) = sqlx::query_as(
            "SELECT COUNT(*) FROM audit_log WHERE entity_type = 'coverage_disagreement' AND entity_id = '15187-01/viettel'",
        )
        .fetch_one(test_db.db.pool())
        .await
        .expect("audit");
        assert_eq!(count, 4, "acknowledged, will fix, disagree, fixed");
        test_db
    })
    .await;
}

#[tokio::test]
async fn stale_declarations_are_listed_and_confirmed_by_their_operator() {
    on_each_backend(|test_db| async move {
        server::demo::reload(&test_db.db).await.expect("demo");
        let app = test_db.app();
        let viettel = telecom_token(&app, "viettel").await;
        declare(&test_db, &viettel, "15187-02", "viettel", "fair", &days_ago(400)).await;
        let (status, stale) = send_json(&app, Method::GET, "/api/v1/coverage/stale-claims", &viettel, None).await;
        assert_eq!(status, StatusCode::OK, "{stale}");
        let claim = by_village(&stale, "15187-02").clone();
        assert!(stale.as_array().is_some_and(|rows| rows.iter().all(|r| r["operator"] == "viettel")));
        let confirm = format!("/api/v1/coverage-reports/{}/confirm", claim["report_id"]);
        let admin = demo_login(&app, "admin").await;
        let (status, _) = send(&app, Method::POST, &confirm, &admin, None).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "only the operator confirms its claims");
        let (status, confirmed) = send_json(&app, Method::POST, &confirm, &viettel, None).await;
        assert_eq!(status, StatusCode::OK, "{confirmed}");
        assert_eq!(confirmed["quality"], "fair");
        assert!(confirmed["confirmed_at"].as_str().is_some_and(|at| at.starts_with(&days_ago(0))));
        let (_, stale) = send_json(&app, Method::GET, "/api/v1/coverage/stale-claims", &viettel, None).await;
        assert!(stale.as_array().is_some_and(|rows| rows.iter().all(|r| r["village_code"] != "15187-02")), "{stale}");
        let (status, _) = send(&app, Method::POST, &confirm, &viettel, None).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "no longer stale");
        let (audited,): (i64,) = sqlx::query_as(
            "SELECT COUNT(*) FROM audit_log WHERE action = 'confirm' AND entity_type = 'coverage_report' AND entity_id = $1",
        )
        .bind(claim["report_id"].to_string())
        .fetch_one(test_db.db.pool())
        .await
        .expect("audit");
        assert_eq!(audited, 1);
        test_db
    })
    .await;
}
