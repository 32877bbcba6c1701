//! Coverage fixtures of the authorization matrix (`tests/accounts.rs`), kept apart so that file stays short.

use crate::{send_json, As, TestDb};
use http::{Method, StatusCode};
use serde_json::json;

/// Makes Viettel's answerable disagreement in 15187-02 and a stale declaration of Viettel's in
/// 15187-03; answers the stale declaration's id.
pub async fn matrix_fixtures(test_db: &TestDb, admin: &As) -> i64 {
    let app = test_db.app();
    for village in ["15187-02", "15187-03"] {
        sqlx::query(
            "DELETE FROM coverage_report
             WHERE operator = 'viettel' AND village_id = (SELECT id FROM admin_unit WHERE code = $1)",
        )
        .bind(village)
        .execute(test_db.db.pool())
        .await
        .expect("clear the demo's declarations");
    }
    for (village, quality, date) in [("15187-02", "good", "2026-11-01"), ("15187-03", "fair", "2025-06-01")] {
        let report = json!({"village_code": village, "operator": "viettel", "technology": "4G", "quality": quality,
            "reported_at": date});
        let (status, body) = send_json(&app, Method::POST, "/api/v1/coverage-reports", admin, Some(report)).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
    }
    let weak = |at: &str| {
        json!({"kind": "measurement", "uuid": uuid::Uuid::new_v4().to_string(), "measured_at": at,
            "village_code": "15187-02", "operator": "viettel", "network_type": "3G", "latency_ms": 500.0,
            "download_kbps": 200.0})
    };
    let records = vec![weak("2026-11-10T03:00:00Z"), weak("2026-11-11T03:00:00Z"), weak("2026-11-11T04:00:00Z")];
    let (_, synced) = send_json(&app, Method::POST, "/api/v1/sync", admin, Some(json!({"records": records}))).await;
    assert!(synced["results"].as_array().is_some_and(|r| r.iter().all(|r| r["outcome"] == "stored")), "{synced}");
    let (id,): (i64,) = sqlx::query_as(
        "SELECT r.id FROM coverage_report r JOIN admin_unit v ON v.id = r.village_id
         WHERE v.code = '15187-03' AND r.operator = 'viettel'",
    )
    .fetch_one(test_db.db.pool())
    .await
    .expect("the stale declaration");
    id
}
