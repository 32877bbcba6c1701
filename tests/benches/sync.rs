//! `make bench`, sync part: 10,000 visits through `POST /api/v1/sync` in batches of 500, as the
//! team member's phones send them, against a plain transactional insert of the same rows through
//! sqlx in the same run. Runs on SQLite and, when `BANDOSO_TEST_POSTGRES_URL` is set, PostgreSQL;
//! writes `target/bench/sync.md`.
//!
//! The two paths do not promise the same thing, and the report says so: the sync checks every
//! record (scope, household, position against the village boundary) before writing it (one bad
//! record is rejected alone, never holding back the rest) and writes its audit entry, one
//! transaction per batch, while the baseline inserts 500 unchecked rows per transaction. The
//! ratio is what that safety costs.
//!
//! A benchmark, not a test: it measures and reports, it does not fail on a slow machine.

use bandoso_tests::{demo_login, send_json, As, TestDb};
use http::{Method, StatusCode};
use serde_json::{json, Value};
use std::fmt::Write as _;
use std::time::{Duration, Instant};

/// Visits per run, and per request (the sync's largest batch).
const VISITS: usize = 10_000;
const BATCH: usize = 500;
/// Households the visits are spread over.
const HOUSEHOLDS: usize = 200;
const VILLAGE: &str = "15187-01";

#[tokio::main]
async fn main() {
    let mut report = String::from("# Sync ingest: 10,000 visits\n\n");
    let _ = writeln!(
        report,
        "Reproduce with `make bench`. `sync` sends the visits through the router as the \
         `tocongnghe.kimtan` demo account, {BATCH} per `POST /api/v1/sync` (each record checked \
         and audited; one transaction per batch); `plain insert` writes the same rows with sqlx, \
         {BATCH} per transaction, unchecked. Ratio = sync visits/s ÷ plain visits/s.\n"
    );
    let _ = writeln!(
        report,
        "| database | sync (s) | sync visits/s | plain insert (s) | plain visits/s | ratio |\n|---|---:|---:|---:|---:|---:|"
    );
    let mut backends = vec![("SQLite", TestDb::sqlite().await)];
    match TestDb::postgres().await {
        Some(db) => backends.push(("PostgreSQL", db)),
        None => eprintln!("PostgreSQL: BANDOSO_TEST_POSTGRES_URL not set, skipped"),
    }
    for (name, test_db) in backends {
        server::demo::reload(&test_db.db).await.expect("demo data");
        let app = test_db.app();
        let member = demo_login(&app, "tocongnghe.kimtan").await;
        let households = households(&app, &member).await;
        let through_sync = sync_visits(&app, &member, &households).await;
        let plain = plain_insert(&test_db, &households).await;
        let (sync_rate, plain_rate) = (VISITS as f64 / through_sync.as_secs_f64(), VISITS as f64 / plain.as_secs_f64());
        let line = format!(
            "| {name} | {:.2} | {sync_rate:.0} | {:.2} | {plain_rate:.0} | {:.2} |",
            through_sync.as_secs_f64(),
            plain.as_secs_f64(),
            sync_rate / plain_rate
        );
        println!("{line}");
        let _ = writeln!(report, "{line}");
        test_db.finish().await;
    }
    let folder = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/bench");
    std::fs::create_dir_all(&folder).expect("create target/bench");
    std::fs::write(folder.join("sync.md"), &report).expect("write the report");
    println!("\nwritten to target/bench/sync.md");
}

fn uuid() -> String {
    uuid::Uuid::new_v4().to_string()
}

/// Stores the households the visits go to; returns their (UUID, id on the server).
async fn households(app: &axum::Router, member: &As) -> Vec<(String, i64)> {
    let records: Vec<Value> = (0..HOUSEHOLDS)
        .map(|index| {
            json!({"kind": "household", "uuid": uuid(), "village_code": VILLAGE, "label": format!("Hộ đo hiệu năng {index}"),
                   "lon": 105.684, "lat": 20.126, "accuracy_m": 10.0, "adults": 2})
        })
        .collect();
    let results = sync(app, member, records).await;
    results
        .iter()
        .map(|result| {
            (result["uuid"].as_str().unwrap_or_default().to_owned(), result["id"].as_i64().expect("household stored"))
        })
        .collect()
}

async fn sync(app: &axum::Router, member: &As, records: Vec<Value>) -> Vec<Value> {
    let (status, body) = send_json(app, Method::POST, "/api/v1/sync", member, Some(json!({"records": records}))).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let results = body["results"].as_array().cloned().unwrap_or_default();
    assert!(results.iter().all(|result| result["outcome"] == "stored"), "every record stored");
    results
}

fn visit(household_uuid: &str, index: usize) -> Value {
    json!({"kind": "visit", "uuid": uuid(), "household_uuid": household_uuid,
           "visited_at": format!("2026-11-{:02}T0{}:00:00Z", 1 + index % 20, index % 9), "lon": 105.684, "lat": 20.126,
           "accuracy_m": 9.0, "people_helped": 2, "skills": ["vneid_install", "banking_qr"], "vneid_activated": true,
           "bank_account_opened": null, "note": null, "network": {"effective_type": "4g", "downlink_mbps": 6.5}})
}

/// Sends the visits through the router in batches and returns the time taken.
async fn sync_visits(app: &axum::Router, member: &As, households: &[(String, i64)]) -> Duration {
    let visits: Vec<Value> = (0..VISITS).map(|index| visit(&households[index % households.len()].0, index)).collect();
    let started = Instant::now();
    for batch in visits.chunks(BATCH) {
        sync(app, member, batch.to_vec()).await;
    }
    started.elapsed()
}

/// Writes the same number of visit rows with sqlx, `BATCH` per transaction.
async fn plain_insert(test_db: &TestDb, households: &[(String, i64)]) -> Duration {
    let (village,): (i64,) = sqlx::query_as("SELECT id FROM admin_unit WHERE code = $1")
        .bind(VILLAGE)
        .fetch_one(test_db.db.pool())
        .await
        .expect("village");
    let started = Instant::now();
    for batch_start in (0..VISITS).step_by(BATCH) {
        let mut tx = test_db.db.begin_write().await.expect("transaction");
        for index in batch_start..(batch_start + BATCH).min(VISITS) {
            sqlx::query(
                "INSERT INTO visit (client_uuid, household_id, village_id, visited_at, lon, lat, accuracy_m, people_helped,
                                   skills, vneid_activated, outside_area, network_type, network_downlink_mbps,
                                   recorded_by, received_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 0, '4g', $11, 'bench', $12)",
            )
            .bind(uuid())
            .bind(households[index % households.len()].1)
            .bind(village)
            .bind(format!("2026-11-{:02}T0{}:00:00Z", 1 + index % 20, index % 9))
            .bind(105.684)
            .bind(20.126)
            .bind(9.0)
            .bind(2_i64)
            .bind("vneid_install,banking_qr")
            .bind(1_i64)
            .bind(6.5)
            .bind("2026-11-26T00:00:00Z")
            .execute(&mut *tx)
            .await
            .expect("insert");
        }
        tx.commit().await.expect("commit");
    }
    started.elapsed()
}
