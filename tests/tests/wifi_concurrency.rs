//! Concurrent Wi-Fi edits of one cultural house, on SQLite and PostgreSQL: optimistic versions
//! make the second of two edits of one version a conflict, never a silent overwrite.

use bandoso_tests::{all_houses, demo_login, house_where, on_each_backend, put_wifi, send, send_json};
use http::{Method, StatusCode};
use serde_json::{json, Value};

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_wifi_edits_conflict_instead_of_overwriting_and_the_timeline_keeps_every_version() {
    on_each_backend(|test_db| async move {
        server::demo::reload(&test_db.db).await.expect("demo");
        let app = test_db.app();
        let admin = demo_login(&app, "admin").await;
        let officer = demo_login(&app, "canbo.kimtan").await;
        let house = house_where(&all_houses(&app, &admin).await, |p| p["commune_code"] == "15187");
        let uri = format!("/api/v1/cultural-houses/{house}/wifi");
        let read_version = bandoso_tests::house_version(&app, &admin, house).await;
        assert_eq!(read_version, "\"1\"");

        // Two editors read version 1; the first write wins, the second is told, not overwritten.
        let first = json!({"status": "broken", "provider": "viettel"});
        let second = json!({"status": "active", "provider": "vnpt", "bandwidth_mbps": 300});
        let if_match = [(http::header::IF_MATCH, read_version.clone())];
        let (status, _) = bandoso_tests::send_with(&app, Method::PUT, &uri, &officer, Some(first), &if_match).await;
        assert_eq!(status, StatusCode::OK);
        let (status, text) =
            bandoso_tests::send_with(&app, Method::PUT, &uri, &admin, Some(second.clone()), &if_match).await;
        assert_eq!(status, StatusCode::CONFLICT, "{text}");
        let conflict: Value = serde_json::from_str(&text).expect("JSON");
        assert_eq!(conflict["error"]["code"], "conflict");
        assert_eq!(conflict["error"]["current_version"], 2);
        let (status, text) = send(&app, Method::PUT, &uri, &admin, Some(second.clone())).await;
        assert_eq!(status, StatusCode::PRECONDITION_REQUIRED, "If-Match is required: {text}");
        let garbled = [(http::header::IF_MATCH, "latest".to_owned())];
        let (status, _) =
            bandoso_tests::send_with(&app, Method::PUT, &uri, &admin, Some(second.clone()), &garbled).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);

        let (status, body) = put_wifi(&app, &admin, &admin, house, Some(second)).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let history_uri = format!("/api/v1/cultural-houses/{house}/wifi-history");
        let (status, history) = send_json(&app, Method::GET, &history_uri, &admin, None).await;
        assert_eq!(status, StatusCode::OK);
        let versions: Vec<(i64, String, String)> = history
            .as_array()
            .map(|entries| {
                entries
                    .iter()
                    .map(|e| {
                        let text = |key: &str| e[key].as_str().unwrap_or_default().to_owned();
                        (e["version"].as_i64().unwrap_or_default(), text("wifi_status"), text("changed_by"))
                    })
                    .collect()
            })
            .unwrap_or_default();
        assert_eq!(versions.len(), 3, "{history}");
        assert_eq!(versions[0], (3, "active".to_owned(), "admin".to_owned()));
        assert_eq!(versions[1], (2, "broken".to_owned(), "canbo.kimtan".to_owned()));
        assert_eq!((versions[2].0, versions[2].2.as_str()), (1, "demo"));
        test_db
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_writers_racing_on_one_version_produce_exactly_one_change() {
    on_each_backend(|test_db| async move {
        server::demo::reload(&test_db.db).await.expect("demo");
        let app = test_db.app();
        let admin = demo_login(&app, "admin").await;
        let house = house_where(&all_houses(&app, &admin).await, |p| p["commune_code"] == "15190");
        let uri = format!("/api/v1/cultural-houses/{house}/wifi");
        let if_match = vec![(http::header::IF_MATCH, "\"1\"".to_owned())];
        let attempts = (0..6).map(|n| {
            let (app, admin, uri, if_match) = (app.clone(), admin.clone(), uri.clone(), if_match.clone());
            tokio::spawn(async move {
                let body = json!({"status": "active", "provider": "vnpt", "bandwidth_mbps": 10 * (n + 1)});
                bandoso_tests::send_with(&app, Method::PUT, &uri, &admin, Some(body), &if_match).await.0
            })
        });
        let mut statuses = Vec::new();
        for attempt in attempts.collect::<Vec<_>>() {
            statuses.push(attempt.await.expect("task"));
        }
        assert_eq!(statuses.iter().filter(|s| **s == StatusCode::OK).count(), 1, "{statuses:?}");
        assert!(statuses.iter().all(|s| *s == StatusCode::OK || *s == StatusCode::CONFLICT), "{statuses:?}");
        assert_eq!(bandoso_tests::house_version(&app, &admin, house).await, "\"2\"");
        test_db
    })
    .await;
}
