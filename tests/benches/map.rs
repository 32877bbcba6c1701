//! `make bench`, national part (issue 8): generates the national data set (100,000 cultural
//! houses, 1,000,000 households, 5,000,000 visits, 200,000 donations, coverage history) on SQLite
//! and, when `BANDOSO_TEST_POSTGRES_URL` is set, PostgreSQL, then measures
//! - the map layers (`/api/v1/map/cultural-houses`, `/api/v1/map/visits`) through the router, for
//!   district views and the whole country zoomed out: p50/p95 latency and gzipped size;
//! - HTTP throughput of the houses layer on loopback against a bare axum handler that returns the
//!   same bytes from memory, with the same load loop in the same run;
//! - the process's peak memory (VmHWM) while serving;
//! - the leaders' answers (indicators, dashboard, priorities, village layers, reports) as a
//!   country administrator, a province leader and a commune officer (`national/leaders.rs`).
//!
//! Writes `target/bench/map.md`. A benchmark, not a test: it reports, it does not fail on a slow
//! machine. `BANDOSO_BENCH_VILLAGES` sets a smaller scale for a quick look.

#[path = "national/leaders.rs"]
mod leaders;

use axum::Router;
use bandoso_tests::national::{self, Scale};
use bandoso_tests::{get_bytes, login, As, TestDb};
use http::StatusCode;
use http_body_util::BodyExt;
use model::Role;
use std::fmt::Write as _;
use std::io::Write as _;
use std::time::{Duration, Instant};

/// Requests per measured view.
const SAMPLES: usize = 200;
/// Districts the district views rotate over.
const DISTRICT_VIEWS: i64 = 20;
/// The load loop: concurrent keep-alive connections, and how long each side is driven.
const CONNECTIONS: usize = 16;
const LOAD_TIME: Duration = Duration::from_secs(5);
/// Vietnam on a phone, zoomed out to see the whole country.
const COUNTRY_BBOX: [f64; 4] = [102.0, 8.3, 110.0, 23.5];
const COUNTRY_ZOOM: u8 = 5;
const DISTRICT_ZOOM: u8 = 12;
const BENCH_USER: &str = "bench.admin";
const BENCH_PASSWORD: &str = "bench-password-2026";

#[tokio::main]
async fn main() {
    let scale = Scale {
        villages: std::env::var("BANDOSO_BENCH_VILLAGES")
            .ok()
            .and_then(|text| text.parse().ok())
            .unwrap_or(Scale::NATIONAL.villages),
    };
    let mut report = format!(
        "# National scale: map layers, HTTP throughput, memory\n\nReproduce with `make bench`. Data set: \
         {} cultural houses, {} households, {} visits, {} donations, {} coverage reports (generated in the \
         database by `tests/src/national.rs`). Layers are requested through the application's router as \
         an administrator (whole country in scope; the houses layer also as the public): district views \
         rotate over {DISTRICT_VIEWS} districts at zoom {DISTRICT_ZOOM}, the country view is \
         `bbox={COUNTRY_BBOX:?}&zoom={COUNTRY_ZOOM}`. {SAMPLES} requests per line, each view moved by a \
         hair's breadth (10⁻⁷°) per request, as people pan, so none is answered from the few-seconds \
         layer cache: these are the database's times. Targets: district p95 ≤ 50 ms, country p95 ≤ \
         100 ms, ≤ 200 KB gzipped.\n",
        scale.villages,
        scale.households(),
        scale.visits(),
        scale.donations(),
        scale.villages * 6
    );
    let mut backends = vec![("SQLite", TestDb::sqlite().await)];
    match TestDb::postgres().await {
        Some(db) => backends.push(("PostgreSQL", db)),
        None => eprintln!("PostgreSQL: BANDOSO_TEST_POSTGRES_URL not set, skipped"),
    }
    for (name, test_db) in backends {
        let section = measure_backend(name, &test_db, scale).await;
        print!("{section}");
        report.push_str(&section);
        test_db.finish().await;
    }
    let folder = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/bench");
    std::fs::create_dir_all(&folder).expect("create target/bench");
    std::fs::write(folder.join("map.md"), &report).expect("write target/bench/map.md");
    println!("report: target/bench/map.md");
}

async fn measure_backend(name: &str, test_db: &TestDb, scale: Scale) -> String {
    let mut section = format!("\n## {name}\n\n");
    eprintln!("{name}: generating {} villages…", scale.villages);
    let generated = national::generate(&test_db.db, scale).await.expect("generate the national data set");
    let _ = writeln!(section, "Generated in {:.0} s:", generated.total().as_secs_f64());
    for (table, rows, took) in &generated.steps {
        let _ = writeln!(section, "- {table}: {rows} rows, {:.1} s", took.as_secs_f64());
    }
    let app = test_db.app();
    bandoso_tests::create_account(&test_db.db, BENCH_USER, BENCH_PASSWORD, Role::Admin, &[]).await;
    let admin = As::Session(login(&app, BENCH_USER, BENCH_PASSWORD).await);
    reset_peak_memory();

    let _ = writeln!(
        section,
        "\n| layer | view | who | p50 (ms) | p95 (ms) | gzipped (KB) | shape |\n|---|---|---|---:|---:|---:|---|"
    );
    let mut district_views = Vec::new();
    for district in 0..DISTRICT_VIEWS {
        let bbox = national::district_bbox(&test_db.db, district * scale.districts() / DISTRICT_VIEWS)
            .await
            .expect("district bbox");
        district_views.push((bbox, DISTRICT_ZOOM));
    }
    let country_view = vec![(COUNTRY_BBOX, COUNTRY_ZOOM)];
    let cases = [
        ("cultural-houses", "district", "admin", &district_views, &admin),
        ("cultural-houses", "district", "public", &district_views, &As::Public),
        ("visits", "district", "admin", &district_views, &admin),
        ("cultural-houses", "country", "admin", &country_view, &admin),
        ("cultural-houses", "country", "public", &country_view, &As::Public),
        ("visits", "country", "admin", &country_view, &admin),
        ("progress", "district", "admin", &district_views, &admin),
        ("progress", "country", "admin", &country_view, &admin),
        ("donations", "district", "admin", &district_views, &admin),
        ("donations", "country", "admin", &country_view, &admin),
    ];
    for (layer, view, who_name, views, who) in cases {
        let measured = measure_layer(&app, layer, views, who).await;
        let _ = writeln!(
            section,
            "| {layer} | {view} | {who_name} | {:.1} | {:.1} | {:.1} | {} |",
            measured.p50.as_secs_f64() * 1000.0,
            measured.p95.as_secs_f64() * 1000.0,
            measured.largest_gzip as f64 / 1024.0,
            measured.shape
        );
    }

    let _ = writeln!(
        section,
        "\nHTTP throughput on loopback, {CONNECTIONS} keep-alive connections for {} s per side, public \
         houses layer, one view requested over and over (many people opening the same map: after the \
         first request the application answers from its layer cache, through its whole middleware \
         stack); the bare handler is an axum route returning the same bytes from memory.\n\n\
         | view | application (req/s) | bare axum (req/s) | ratio |\n|---|---:|---:|---:|",
        LOAD_TIME.as_secs()
    );
    for (view, (bbox, zoom)) in [("district", district_views[0]), ("country", country_view[0])] {
        let query = view_query(bbox, zoom, 0);
        let (app_rate, bare_rate) = throughput(&app, &format!("/api/v1/map/cultural-houses?{query}")).await;
        let _ = writeln!(section, "| {view} | {app_rate:.0} | {bare_rate:.0} | {:.2} |", app_rate / bare_rate);
    }
    let _ = writeln!(
        section,
        "\nPeak resident memory of the process while serving the layers and the load (VmHWM, reset after \
         generation; on SQLite the database engine runs inside it): {} MiB.",
        peak_memory_kib() / 1024
    );
    section.push_str(&leaders::measure(&app, test_db).await);
    section
}

struct Measured {
    p50: Duration,
    p95: Duration,
    largest_gzip: usize,
    /// What the answer held, e.g. "143 houses" or "52 clusters".
    shape: String,
}

/// The query of a view, moved east by `nudge` × 10⁻⁷ degrees.
fn view_query([min_lon, min_lat, max_lon, max_lat]: [f64; 4], zoom: u8, nudge: usize) -> String {
    let east = nudge as f64 * 1e-7;
    format!("bbox={:.7},{min_lat:.7},{:.7},{max_lat:.7}&zoom={zoom}", min_lon + east, max_lon + east)
}

async fn measure_layer(app: &Router, layer: &str, views: &[([f64; 4], u8)], who: &As) -> Measured {
    let mut timings = Vec::with_capacity(SAMPLES);
    let mut largest_gzip = 0;
    let mut shape = String::new();
    for sample in 0..SAMPLES {
        let (bbox, zoom) = views[sample % views.len()];
        let uri = format!("/api/v1/map/{layer}?{}", view_query(bbox, zoom, sample));
        let started = Instant::now();
        let (status, _, body) = get_bytes(app, &uri, who).await;
        timings.push(started.elapsed());
        assert_eq!(status, StatusCode::OK, "{uri}: {}", String::from_utf8_lossy(&body));
        if sample < views.len() {
            let zipped = gzip_len(&body);
            if zipped >= largest_gzip {
                largest_gzip = zipped;
                shape = describe(&body);
            }
        }
    }
    timings.sort();
    Measured { p50: timings[SAMPLES / 2], p95: timings[SAMPLES * 95 / 100], largest_gzip, shape }
}

fn gzip_len(bytes: &[u8]) -> usize {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(bytes).expect("gzip");
    encoder.finish().expect("gzip").len()
}

/// The kind of a layer answer and how many features it holds.
fn describe(body: &[u8]) -> String {
    let value: serde_json::Value = serde_json::from_slice(body).unwrap_or_default();
    let kind = value["kind"].as_str().unwrap_or("?");
    let count =
        ["houses", "clusters", "villages"].iter().find_map(|key| value[key].as_array().map(|items| (key, items.len())));
    match count {
        Some((key, count)) => format!("{count} {key} ({kind})"),
        None => kind.to_owned(),
    }
}

/// Requests per second of the application's route and of a bare handler serving its bytes.
async fn throughput(app: &Router, path: &str) -> (f64, f64) {
    let (status, _, bytes) = get_bytes(app, path, &As::Public).await;
    assert_eq!(status, StatusCode::OK);
    let bare = Router::new().route(
        "/api/v1/map/cultural-houses",
        axum::routing::get(move || {
            let bytes = bytes.clone();
            async move { ([(http::header::CONTENT_TYPE, "application/json")], bytes) }
        }),
    );
    let app_rate = drive(app.clone(), path).await;
    let bare_rate = drive(bare, path).await;
    (app_rate, bare_rate)
}

/// Serves `router` on a free loopback port and drives `path` with [`CONNECTIONS`] keep-alive
/// connections for [`LOAD_TIME`]; answers requests per second.
async fn drive(router: Router, path: &str) -> f64 {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind loopback");
    let address = listener.local_addr().expect("address");
    let service = router.into_make_service_with_connect_info::<std::net::SocketAddr>();
    let server = tokio::spawn(async move { axum::serve(listener, service).await });
    let uri: http::Uri = format!("http://{address}{path}").parse().expect("uri");
    let client = hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new())
        .build_http::<http_body_util::Empty<bytes::Bytes>>();
    let started = Instant::now();
    let workers: Vec<_> = (0..CONNECTIONS)
        .map(|_| {
            let (client, uri) = (client.clone(), uri.clone());
            tokio::spawn(async move {
                let mut done = 0u64;
                while started.elapsed() < LOAD_TIME {
                    let response = client.get(uri.clone()).await.expect("loopback request");
                    assert_eq!(response.status(), StatusCode::OK);
                    response.into_body().collect().await.expect("body");
                    done += 1;
                }
                done
            })
        })
        .collect();
    let mut total = 0;
    for worker in workers {
        total += worker.await.expect("load worker");
    }
    let rate = total as f64 / started.elapsed().as_secs_f64();
    server.abort();
    rate
}

/// Resets the peak-memory mark (Linux `clear_refs` 5), so the figure covers serving only.
fn reset_peak_memory() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

fn peak_memory_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}
