//! `make bench`, imports part: how long operators wait for files of 50,000 rows (issue: "files of
//! 50,000 rows import in seconds"). Each file goes through the real router as an operator's
//! session would send it: a dry run (read and check only), then the import (check and write, one
//! transaction). Runs on SQLite and, when `BANDOSO_TEST_POSTGRES_URL` is set, PostgreSQL; writes
//! `target/bench/imports.md`.
//!
//! A benchmark, not a test: it measures and reports, it does not fail on a slow machine.

use bandoso_tests::{demo_login, post_file, As, TestDb};
use domain::admin_units::{self, Level, NewUnit};
use domain::cultural_houses::{self, NewHouse};
use model::WifiStatus;
use std::fmt::Write as _;
use std::time::{Duration, Instant};

/// Rows (and features) per file.
const ROWS: usize = 50_000;
/// Code of the synthetic commune that holds the benchmark's villages.
const COMMUNE: &str = "99990";

#[tokio::main]
async fn main() {
    let mut report = String::from("# Imports of 50,000-row files\n\n");
    let _ = writeln!(report, "Reproduce with `make bench`. Each file is sent through the router as the `viettel` demo account (dry run, then import).\n");
    let _ = writeln!(
        report,
        "| database | file | bytes | dry run (s) | import (s) | rows/s (import) |\n|---|---|---:|---:|---:|---:|"
    );
    let mut backends = vec![("SQLite", TestDb::sqlite().await)];
    match TestDb::postgres().await {
        Some(db) => backends.push(("PostgreSQL", db)),
        None => eprintln!("PostgreSQL: BANDOSO_TEST_POSTGRES_URL not set, skipped"),
    }
    for (name, test_db) in backends {
        let houses = prepare(&test_db).await;
        let app = test_db.app();
        let viettel = demo_login(&app, "viettel").await;
        for (file, route, content_type, bytes) in files(&houses) {
            let dry = timed(&app, &viettel, &format!("{route}?dry_run=true"), content_type, bytes.clone()).await;
            let import = timed(&app, &viettel, route, content_type, bytes.clone()).await;
            let rate = ROWS as f64 / import.as_secs_f64();
            let line = format!(
                "| {name} | {file} | {} | {:.2} | {:.2} | {rate:.0} |",
                bytes.len(),
                dry.as_secs_f64(),
                import.as_secs_f64()
            );
            println!("{line}");
            let _ = writeln!(report, "{line}");
        }
        test_db.finish().await;
    }
    let folder = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/bench");
    std::fs::create_dir_all(&folder).expect("create target/bench");
    std::fs::write(folder.join("imports.md"), &report).expect("write the report");
    println!("\nwritten to target/bench/imports.md");
}

/// Demo data plus one commune of `ROWS` villages, each with a cultural house without Wi-Fi.
/// Returns the houses' (id, village code).
async fn prepare(test_db: &TestDb) -> Vec<(i64, String)> {
    server::demo::reload(&test_db.db).await.expect("demo data");
    let started = Instant::now();
    let mut tx = test_db.db.begin_write().await.expect("transaction");
    let (province, _) = admin_units::find_by_code(&mut *tx, "38").await.expect("query").expect("demo province");
    let commune = admin_units::insert(
        &mut *tx,
        &NewUnit {
            parent_id: Some(province),
            level: Level::Commune,
            code: COMMUNE,
            name: "Xã đo hiệu năng",
            boundary: None,
        },
    )
    .await
    .expect("commune");
    let mut houses = Vec::with_capacity(ROWS);
    for index in 0..ROWS {
        let code = format!("{COMMUNE}-{index:05}");
        let name = format!("Thôn {index}");
        let village = admin_units::insert(
            &mut *tx,
            &NewUnit { parent_id: Some(commune), level: Level::Village, code: &code, name: &name, boundary: None },
        )
        .await
        .expect("village");
        let house = NewHouse {
            village_id: village,
            name: &format!("Nhà văn hóa {name}"),
            lon: 105.5 + (index % 300) as f64 * 0.001,
            lat: 20.0 + (index / 300) as f64 * 0.001,
            wifi_status: WifiStatus::None,
            wifi_provider: None,
            bandwidth_mbps: None,
            installed_at: None,
            last_verified_at: None,
            ssid: None,
            ssid_public: false,
        };
        let id = cultural_houses::insert(&mut tx, &house, "bench").await.expect("house");
        houses.push((id, code));
    }
    tx.commit().await.expect("commit");
    eprintln!("prepared {ROWS} villages and houses in {:.1} s", started.elapsed().as_secs_f64());
    houses
}

/// The three import files, each of `ROWS` rows or features.
fn files(houses: &[(i64, String)]) -> Vec<(&'static str, &'static str, &'static str, Vec<u8>)> {
    let mut coverage = String::from("village_code,technology,quality,reported_at\n");
    let mut wifi = String::from("cultural_house_id,status,provider,bandwidth_mbps,last_verified_at,ssid,ssid_public\n");
    let mut features = Vec::with_capacity(houses.len());
    for (index, (id, code)) in houses.iter().enumerate() {
        let _ = writeln!(coverage, "{code},4G,{},2026-11-01", ["good", "fair", "weak"][index % 3]);
        let _ = writeln!(wifi, "{id},active,viettel,100,2026-11-20,VIETTEL-NVH-{index},true");
        let (lon, lat) = (105.5 + (index % 300) as f64 * 0.001, 20.0 + (index / 300) as f64 * 0.001);
        let ring = [[lon, lat], [lon + 0.0008, lat], [lon + 0.0008, lat + 0.0008], [lon, lat + 0.0008], [lon, lat]];
        features.push(serde_json::json!({
            "type": "Feature",
            "properties": {"village_code": code, "technology": "5G", "quality": "good"},
            "geometry": {"type": "Polygon", "coordinates": [ring]}
        }));
    }
    let areas = serde_json::json!({"type": "FeatureCollection", "features": features}).to_string();
    vec![
        ("coverage CSV", "/api/v1/imports/coverage", "text/csv", coverage.into_bytes()),
        ("Wi-Fi CSV", "/api/v1/imports/wifi", "text/csv", wifi.into_bytes()),
        ("coverage areas GeoJSON", "/api/v1/imports/coverage-areas", "application/geo+json", areas.into_bytes()),
    ]
}

async fn timed(app: &axum::Router, who: &As, uri: &str, content_type: &str, bytes: Vec<u8>) -> Duration {
    let started = Instant::now();
    let (status, body) = post_file(app, uri, who, content_type, bytes).await;
    let elapsed = started.elapsed();
    assert!(status.is_success(), "{uri}: {status} {}", &body[..body.len().min(500)]);
    elapsed
}
