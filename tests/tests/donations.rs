//! "Chắp cánh công nghệ" on SQLite and PostgreSQL: the stock always adds up (in the database, not
//! only in the code), concurrent allocations of the last device, who may allocate and hand over,
//! donors' privacy, handover photos, and the exports.

use bandoso_tests::{
    allocate, demo_login, eligible_household, get_bytes, on_each_backend, received_pledge, send, send_json,
    send_raw_bytes, As, TestDb, TINY_PNG,
};
use http::{Method, StatusCode};
use serde_json::{json, Value};

fn uuid() -> String {
    uuid::Uuid::new_v4().to_string()
}

fn handover(uuid: &str, allocation_id: i64, photo_uuid: Option<&str>) -> Value {
    json!({"kind": "handover", "uuid": uuid, "allocation_id": allocation_id, "handed_over_at": "2026-11-21T02:30:00Z",
           "serial": "IMEI 490154203237518", "photo_uuid": photo_uuid, "lon": 105.684, "lat": 20.126,
           "accuracy_m": 8.0, "guided": true, "visit_uuid": null})
}

async fn sync(app: &axum::Router, who: &As, records: Vec<Value>) -> Vec<Value> {
    let (status, body) = send_json(app, Method::POST, "/api/v1/sync", who, Some(json!({"records": records}))).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body["results"].as_array().cloned().unwrap_or_default()
}

/// One commune's stock line of one item: (received, available, allocated, delivered).
async fn stock_of(app: &axum::Router, commune: &str, item: &str) -> (i64, i64, i64, i64) {
    let (_, stock) = send_json(app, Method::GET, "/api/v1/donations/stock", &As::Public, None).await;
    stock
        .as_array()
        .into_iter()
        .flatten()
        .find(|line| line["commune_code"] == commune && line["item"] == item)
        .map(|line| {
            let count = |key: &str| line[key].as_i64().unwrap_or_default();
            (count("received"), count("available"), count("allocated"), count("delivered"))
        })
        .unwrap_or_default()
}

/// Every stock line agrees with the rows it counts: received pledges, and allocations by status.
async fn assert_stock_matches_rows(test_db: &TestDb) {
    let rows: Vec<(i64, String, i64, i64, i64, i64)> =
        sqlx::query_as("SELECT commune_id, item, received, available, allocated, delivered FROM device_stock")
            .fetch_all(test_db.db.pool())
            .await
            .expect("stock");
    assert!(!rows.is_empty());
    for (commune_id, item, received, available, allocated, delivered) in rows {
        let (pledged,): (i64,) = sqlx::query_as(
            "SELECT COALESCE(SUM(quantity), 0) FROM pledge WHERE commune_id = $1 AND item = $2 AND status = 'received'",
        )
        .bind(commune_id)
        .bind(&item)
        .fetch_one(test_db.db.pool())
        .await
        .expect("pledged");
        let count = |status: &'static str| {
            let item = item.clone();
            async move {
                let (count,): (i64,) = sqlx::query_as(
                    "SELECT COUNT(*) FROM allocation WHERE commune_id = $1 AND item = $2 AND status = $3",
                )
                .bind(commune_id)
                .bind(&item)
                .bind(status)
                .fetch_one(test_db.db.pool())
                .await
                .expect("allocations");
                count
            }
        };
        assert_eq!(received, pledged, "{item}: received = sum of received pledges");
        assert_eq!(allocated, count("allocated").await, "{item}: allocated rows");
        assert_eq!(delivered, count("delivered").await, "{item}: delivered rows");
        assert_eq!(received, available + allocated + delivered, "{item}: adds up");
    }
}

#[tokio::test]
async fn the_stock_adds_up_from_pledge_to_allocation_to_handover() {
    on_each_backend(|test_db| async move {
        server::demo::reload(&test_db.db).await.expect("demo");
        let app = test_db.app();
        let officer = demo_login(&app, "canbo.kimtan").await;
        let member = demo_login(&app, "tocongnghe.kimtan").await;
        assert_stock_matches_rows(&test_db).await;

        let before = stock_of(&app, "15187", "laptop").await;
        received_pledge(&app, &officer, "15187", "laptop", 2).await;
        assert_eq!(stock_of(&app, "15187", "laptop").await, (before.0 + 2, before.1 + 2, before.2, before.3));

        let first = eligible_household(&app, &member, "15187-01").await;
        let second = eligible_household(&app, &member, "15187-01").await;
        let (_, listed) =
            send_json(&app, Method::GET, "/api/v1/donations/eligible?village=15187-01", &member, None).await;
        let listed: Vec<i64> = listed.as_array().into_iter().flatten().filter_map(|h| h["id"].as_i64()).collect();
        assert!(listed.contains(&first) && listed.contains(&second), "{listed:?}");

        let (status, allocation) = allocate(&app, &officer, first, "laptop").await;
        assert_eq!(status, StatusCode::CREATED, "{allocation}");
        assert_eq!(allocation["status"], "allocated");
        let (status, again) = allocate(&app, &officer, first, "laptop").await;
        assert_eq!(status, StatusCode::CONFLICT, "a household waits for one laptop at a time: {again}");
        let (_, listed) =
            send_json(&app, Method::GET, "/api/v1/donations/eligible?village=15187-01", &member, None).await;
        assert!(!listed.to_string().contains(&format!("\"id\":{first},")), "allocated: off the list");
        let (status, money) = allocate(&app, &officer, second, "money").await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{money}");

        // The team member's phone hands it over; a resend changes nothing; a second phone's
        // handover of the same device is refused.
        let allocation_id = allocation["id"].as_i64().expect("id");
        let (_, due) =
            send_json(&app, Method::GET, "/api/v1/allocations?village=15187-01&status=allocated", &member, None).await;
        assert!(
            due.as_array().into_iter().flatten().any(|a| a["id"] == allocation_id),
            "the phone downloads it: {due}"
        );
        let record = handover(&uuid(), allocation_id, None);
        assert_eq!(sync(&app, &member, vec![record.clone()]).await[0]["outcome"], "stored");
        assert_eq!(sync(&app, &member, vec![record]).await[0]["outcome"], "already_stored");
        let other_phone = sync(&app, &member, vec![handover(&uuid(), allocation_id, None)]).await;
        assert_eq!(other_phone[0]["outcome"], "rejected");
        assert!(other_phone[0]["reason_vi"].as_str().unwrap_or_default().contains("đã được bàn giao"));
        assert_eq!(stock_of(&app, "15187", "laptop").await, (before.0 + 2, before.1 + 1, before.2, before.3 + 1));

        // A delivered device cannot be cancelled; a waiting one goes back to the stock.
        let uri = format!("/api/v1/allocations/{allocation_id}/cancel");
        assert_eq!(send(&app, Method::POST, &uri, &officer, None).await.0, StatusCode::CONFLICT);
        let (_, waiting) = allocate(&app, &officer, second, "laptop").await;
        let uri = format!("/api/v1/allocations/{}/cancel", waiting["id"]);
        let (status, cancelled) = send_json(&app, Method::POST, &uri, &officer, None).await;
        assert_eq!((status, cancelled["status"].as_str()), (StatusCode::OK, Some("cancelled")));
        let cancelled_handover =
            sync(&app, &member, vec![handover(&uuid(), waiting["id"].as_i64().expect("id"), None)]).await;
        assert_eq!(cancelled_handover[0]["outcome"], "rejected");
        assert_eq!(stock_of(&app, "15187", "laptop").await, (before.0 + 2, before.1 + 1, before.2, before.3 + 1));
        let (status, _) = send_json(&app, Method::POST, &uri, &officer, None).await;
        assert_eq!(status, StatusCode::CONFLICT, "cancelled once");
        assert_stock_matches_rows(&test_db).await;

        // The database itself refuses counts that do not add up, whoever writes them.
        for broken in [
            "UPDATE device_stock SET delivered = delivered + 1",
            "UPDATE device_stock SET available = available - received - 1, allocated = allocated + received + 1",
            "UPDATE device_stock SET received = 0",
        ] {
            let refused = sqlx::query(broken).execute(test_db.db.pool()).await;
            assert!(refused.is_err(), "{broken} must break a CHECK constraint");
        }
        assert_stock_matches_rows(&test_db).await;
        test_db
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn of_concurrent_allocations_of_the_last_device_exactly_one_wins() {
    on_each_backend(|test_db| async move {
        server::demo::reload(&test_db.db).await.expect("demo");
        let app = test_db.app();
        let officer = demo_login(&app, "canbo.kimtan").await;
        received_pledge(&app, &officer, "15187", "other", 1).await;
        let mut households = Vec::new();
        for _ in 0..6 {
            households.push(eligible_household(&app, &officer, "15187-02").await);
        }
        let mut racing = tokio::task::JoinSet::new();
        for household in households {
            let (app, officer) = (app.clone(), officer.clone());
            racing.spawn(async move { allocate(&app, &officer, household, "other").await });
        }
        let mut statuses = Vec::new();
        while let Some(joined) = racing.join_next().await {
            let (status, body) = joined.expect("task");
            assert!(status == StatusCode::CREATED || status == StatusCode::CONFLICT, "{status}: {body}");
            statuses.push(status);
        }
        assert_eq!(statuses.iter().filter(|status| **status == StatusCode::CREATED).count(), 1, "{statuses:?}");
        assert_eq!(stock_of(&app, "15187", "other").await, (1, 0, 1, 0));
        assert_stock_matches_rows(&test_db).await;
        test_db
    })
    .await;
}

#[tokio::test]
async fn only_officers_allocate_and_team_members_hand_over_only_in_their_villages() {
    on_each_backend(|test_db| async move {
        server::demo::reload(&test_db.db).await.expect("demo");
        let app = test_db.app();
        let admin = demo_login(&app, "admin").await;
        let officer = demo_login(&app, "canbo.kimtan").await;
        let member = demo_login(&app, "tocongnghe.kimtan").await;
        let leader = demo_login(&app, "lanhdao").await;
        received_pledge(&app, &officer, "15187", "tablet", 2).await;
        let inside = eligible_household(&app, &member, "15187-01").await;
        for who in [&member, &leader, &As::Public] {
            let (status, body) = allocate(&app, who, inside, "tablet").await;
            assert!(status == StatusCode::FORBIDDEN || status == StatusCode::UNAUTHORIZED, "{status}: {body}");
        }
        // Another commune's household: out of the Kim Tân officer's reach.
        received_pledge(&app, &admin, "15190", "tablet", 1).await;
        let elsewhere = eligible_household(&app, &admin, "15190-01").await;
        assert_eq!(allocate(&app, &officer, elsewhere, "tablet").await.0, StatusCode::FORBIDDEN);
        let (_, pledge) = send_json(
            &app,
            Method::POST,
            "/api/v1/pledges",
            &officer,
            Some(json!({"donor_id": 1, "commune_code": "15190", "item": "money", "value_vnd": 1000})),
        )
        .await;
        assert_eq!(pledge["error"]["code"], "forbidden", "{pledge}");

        // The team covers Khu phố 1 and 2 only: a device allocated in Khu phố 3 is not theirs to hand over.
        let far = eligible_household(&app, &officer, "15187-03").await;
        let (status, allocation) = allocate(&app, &officer, far, "tablet").await;
        assert_eq!(status, StatusCode::CREATED, "{allocation}");
        let refused = sync(&app, &member, vec![handover(&uuid(), allocation["id"].as_i64().expect("id"), None)]).await;
        assert_eq!(refused[0]["outcome"], "rejected");
        assert!(refused[0]["reason"].as_str().unwrap_or_default().contains("scope"), "{refused:?}");
        let (_, listed) = send_json(&app, Method::GET, "/api/v1/allocations", &member, None).await;
        assert!(
            listed.as_array().into_iter().flatten().all(|a| a["village_code"] != "15187-03"),
            "the phone never downloads it: {listed}"
        );
        test_db
    })
    .await;
}

#[tokio::test]
async fn donors_private_contacts_and_anonymous_names_stay_with_the_officers() {
    on_each_backend(|test_db| async move {
        server::demo::reload(&test_db.db).await.expect("demo");
        let app = test_db.app();
        let officer = demo_login(&app, "canbo.kimtan").await;
        let leader = demo_login(&app, "lanhdao").await;
        let (status, donors) = send_json(&app, Method::GET, "/api/v1/donors", &officer, None).await;
        assert_eq!(status, StatusCode::OK);
        assert!(donors.to_string().contains("0912 345 678"), "officers see contacts: {donors}");
        let (status, pledges) = send_json(&app, Method::GET, "/api/v1/pledges", &officer, None).await;
        assert_eq!(status, StatusCode::OK);
        assert!(pledges.to_string().contains("Nguyễn Văn Hải"), "officers know who gave: {pledges}");
        for who in [As::Public, leader] {
            for uri in [
                "/api/v1/donations/acknowledgements",
                "/api/v1/donations/stock",
                "/api/v1/pledges",
                "/api/v1/donors",
                "/api/v1/exports/donations.csv",
            ] {
                let (_, text) = send(&app, Method::GET, uri, &who, None).await;
                for private in ["0912 345 678", "0237 3 900 100", "Nguyễn Văn Hải", "contact"] {
                    assert!(!text.contains(private), "{who:?} {uri} shows {private}: {text}");
                }
            }
        }
        let (_, thanks) = send_json(&app, Method::GET, "/api/v1/donations/acknowledgements", &As::Public, None).await;
        let thanks = thanks.as_array().cloned().unwrap_or_default();
        assert!(thanks.iter().any(|t| t["name"] == "Viettel Thanh Hóa"));
        assert!(
            thanks.iter().any(|t| t["name"].is_null() && t["value_vnd"] == 20_000_000),
            "anonymous gift: {thanks:?}"
        );
        // A new donor's contact is not copied into the audit log either.
        let (status, _) = send_json(
            &app,
            Method::POST,
            "/api/v1/donors",
            &officer,
            Some(json!({"kind": "individual", "name": "Bà Lê Thị Mai", "contact": "0987 654 321", "anonymous": true})),
        )
        .await;
        assert_eq!(status, StatusCode::CREATED);
        let (audited,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM audit_log WHERE after_json LIKE '%0987%'")
            .fetch_one(test_db.db.pool())
            .await
            .expect("audit");
        assert_eq!(audited, 0);
        test_db
    })
    .await;
}

#[tokio::test]
async fn handover_photos_are_checked_stored_once_and_shown_only_in_scope() {
    on_each_backend(|test_db| async move {
        server::demo::reload(&test_db.db).await.expect("demo");
        let app = test_db.app();
        let officer = demo_login(&app, "canbo.kimtan").await;
        let member = demo_login(&app, "tocongnghe.kimtan").await;
        let leader = demo_login(&app, "lanhdao").await;
        let put = |uuid: String, content_type: &'static str, bytes: Vec<u8>| {
            let (app, member) = (app.clone(), member.clone());
            async move {
                let uri = format!("/api/v1/handover-photos/{uuid}");
                send_raw_bytes(&app, Method::PUT, &uri, &member, content_type, Some(bytes), None).await
            }
        };
        let mut oversized = TINY_PNG.to_vec();
        oversized.resize(1024 * 1024 + 1, 0);
        for (content_type, bytes, expected) in [
            ("image/gif", TINY_PNG.to_vec(), StatusCode::UNSUPPORTED_MEDIA_TYPE),
            ("text/html", b"<script>alert(1)</script>".to_vec(), StatusCode::UNSUPPORTED_MEDIA_TYPE),
            ("image/jpeg", TINY_PNG.to_vec(), StatusCode::UNPROCESSABLE_ENTITY),
            ("image/png", b"not a picture at all".to_vec(), StatusCode::UNPROCESSABLE_ENTITY),
            ("image/png", Vec::new(), StatusCode::UNPROCESSABLE_ENTITY),
            ("image/png", oversized, StatusCode::PAYLOAD_TOO_LARGE),
        ] {
            let (status, text) = put(uuid(), content_type, bytes).await;
            assert_eq!(status, expected, "{content_type}: {text}");
            let error: Value = serde_json::from_str(&text).unwrap_or_else(|_| panic!("JSON error: {text}"));
            assert!(!error["error"]["message"].as_str().unwrap_or_default().is_empty(), "{text}");
        }
        let (status, text) = put("not-a-uuid".to_owned(), "image/png", TINY_PNG.to_vec()).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{text}");
        let (photos,): (i64,) =
            sqlx::query_as("SELECT COUNT(*) FROM handover_photo").fetch_one(test_db.db.pool()).await.expect("count");
        assert_eq!(photos, 0, "nothing refused was stored");

        let photo = uuid();
        assert_eq!(put(photo.clone(), "image/png", TINY_PNG.to_vec()).await.0, StatusCode::CREATED);
        assert_eq!(put(photo.clone(), "image/png", TINY_PNG.to_vec()).await.0, StatusCode::OK, "resent: kept once");

        received_pledge(&app, &officer, "15187", "smartphone", 1).await;
        let household = eligible_household(&app, &member, "15187-02").await;
        let (_, allocation) = allocate(&app, &officer, household, "smartphone").await;
        let allocation_id = allocation["id"].as_i64().expect("id");
        let missing = sync(&app, &member, vec![handover(&uuid(), allocation_id, Some(&uuid()))]).await;
        assert_eq!(missing[0]["outcome"], "rejected", "a photo that never arrived: {missing:?}");
        let stored = sync(&app, &member, vec![handover(&uuid(), allocation_id, Some(&photo))]).await;
        assert_eq!(stored[0]["outcome"], "stored", "{stored:?}");

        let uri = format!("/api/v1/handover-photos/{photo}");
        let (status, headers, bytes) = get_bytes(&app, &uri, &officer).await;
        assert_eq!((status, bytes.as_slice()), (StatusCode::OK, TINY_PNG.as_slice()));
        assert_eq!(headers[http::header::CONTENT_TYPE], "image/png");
        for who in [leader, As::Public] {
            let (status, _, _) = get_bytes(&app, &uri, &who).await;
            assert!(status == StatusCode::FORBIDDEN || status == StatusCode::UNAUTHORIZED, "{who:?}: {status}");
        }
        let (_, after) = send_json(&app, Method::GET, "/api/v1/allocations?status=delivered", &officer, None).await;
        let delivered = after.as_array().into_iter().flatten().find(|a| a["id"] == allocation_id).cloned();
        assert_eq!(delivered.map(|a| a["photo_uuid"].clone()), Some(json!(photo)));
        test_db
    })
    .await;
}

#[tokio::test]
async fn the_map_layer_and_the_reports_show_donations_by_village_and_commune() {
    on_each_backend(|test_db| async move {
        server::demo::reload(&test_db.db).await.expect("demo");
        let app = test_db.app();
        let officer = demo_login(&app, "canbo.kimtan").await;
        let leader = demo_login(&app, "lanhdao").await;
        received_pledge(&app, &officer, "15187", "smartphone", 1).await;
        let household = eligible_household(&app, &officer, "15187-04").await;
        let (_, allocation) = allocate(&app, &officer, household, "smartphone").await;
        let band = |villages: &Value| {
            villages
                .as_array()
                .into_iter()
                .flatten()
                .find(|v| v["village_code"] == "15187-04")
                .map(|v| (v["allocated"].as_i64(), v["delivered"].as_i64()))
        };
        let (status, villages) = send_json(&app, Method::GET, "/api/v1/donations/villages", &leader, None).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(band(&villages), Some((Some(1), Some(0))), "{villages}");
        let record = handover(&uuid(), allocation["id"].as_i64().expect("id"), None);
        assert_eq!(sync(&app, &officer, vec![record]).await[0]["outcome"], "stored");
        let (_, villages) = send_json(&app, Method::GET, "/api/v1/donations/villages", &leader, None).await;
        assert_eq!(band(&villages), Some((Some(0), Some(1))));
        assert!(!villages.to_string().contains("Hộ"), "aggregates only: {villages}");

        let (status, headers, csv) = get_bytes(&app, "/api/v1/exports/donations.csv", &As::Public).await;
        assert_eq!(status, StatusCode::OK);
        assert!(headers[http::header::CONTENT_DISPOSITION].to_str().unwrap_or_default().contains(".csv"));
        let csv = String::from_utf8(csv).expect("UTF-8");
        assert!(csv.starts_with('\u{feff}'), "BOM for spreadsheet programs");
        assert!(csv.contains("commune_code,commune,item,received,available,allocated,delivered"), "{csv}");
        assert!(csv.contains("15187,"), "{csv}");

        use calamine::{Reader, Xlsx};
        for (who, with_households) in [(&officer, true), (&leader, false)] {
            let (status, _, bytes) = get_bytes(&app, "/api/v1/reports/donations.xlsx", who).await;
            assert_eq!(status, StatusCode::OK);
            let mut workbook: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes)).expect("an XLSX file");
            let names = workbook.sheet_names();
            assert!(names.iter().any(|name| name == "Tồn kho theo xã"), "{names:?}");
            assert_eq!(names.iter().any(|name| name == "Phân bổ và bàn giao"), with_households, "{names:?}");
            let stock = workbook.worksheet_range("Tồn kho theo xã").expect("stock sheet");
            let smartphones = stock.rows().any(|row| row[0] == "15187" && row[2] == "Điện thoại thông minh");
            assert!(smartphones, "Kim Tân's smartphones are in the report");
            let thanks = workbook.worksheet_range("Nhà hảo tâm").expect("thanks sheet");
            let names: Vec<String> = thanks.rows().map(|row| row[0].to_string()).collect();
            assert!(names.iter().any(|name| name == "Nhà hảo tâm ẩn danh") && !names.iter().any(|n| n.contains("Hải")));
        }
        test_db
    })
    .await;
}

#[tokio::test]
async fn a_visit_that_finds_no_smartphone_puts_a_flagged_household_on_the_list() {
    on_each_backend(|test_db| async move {
        server::demo::reload(&test_db.db).await.expect("demo");
        let app = test_db.app();
        let member = demo_login(&app, "tocongnghe.kimtan").await;
        let (household, visit) = (uuid(), uuid());
        let not_asked = json!({"kind": "household", "uuid": household, "village_code": "15187-02",
            "label": "Hộ bà Quách Thị Nụ", "lon": null, "lat": null, "accuracy_m": null, "elderly": true,
            "adults": 1});
        assert_eq!(sync(&app, &member, vec![not_asked]).await[0]["outcome"], "stored");
        let eligible = |app: axum::Router, member: As| async move {
            let (_, list) =
                send_json(&app, Method::GET, "/api/v1/donations/eligible?village=15187-02", &member, None).await;
            list.as_array().into_iter().flatten().any(|h| h["label"] == "Hộ bà Quách Thị Nụ")
        };
        assert!(!eligible(app.clone(), member.clone()).await, "not asked yet: not on the list");
        let found_none = json!({"kind": "visit", "uuid": visit, "household_uuid": household,
            "visited_at": "2026-11-22T02:00:00Z", "lon": null, "lat": null, "accuracy_m": null, "people_helped": 1,
            "skills": ["online_safety"], "vneid_activated": null, "bank_account_opened": null, "note": null,
            "network": null, "has_smartphone": false});
        assert_eq!(sync(&app, &member, vec![found_none]).await[0]["outcome"], "stored");
        assert!(eligible(app.clone(), member.clone()).await, "flagged and without a smartphone: on the list");
        test_db
    })
    .await;
}
