//! The leaders' part of the national benchmark (issue 21): on the data set the map part
//! generated, through the router, the indicators and the dashboard's server function as a
//! country administrator, a province leader and a commune officer, the first page of the
//! priority list, the progress and donations layers, and the quarterly XLSX and indicators CSV
//! of the whole country (time to last byte and the process's peak memory).

use super::{gzip_len, peak_memory_kib, reset_peak_memory};
use axum::Router;
use bandoso_tests::{get_bytes, login, As, TestDb};
use http::StatusCode;
use model::Role;
use std::fmt::Write as _;
use std::time::{Duration, Instant};

/// Requests per measured line (each answer is an area's whole picture, so fewer than the map's).
const SAMPLES: usize = 40;
const PASSWORD: &str = "bench-password-2026";

/// Who asks: an account and what it is called in the report.
struct Asker {
    label: &'static str,
    who: As,
}

async fn account(app: &Router, test_db: &TestDb, username: &str, role: Role, scope: &[String]) -> As {
    bandoso_tests::create_account(&test_db.db, username, PASSWORD, role, scope).await;
    As::Session(login(app, username, PASSWORD).await)
}

/// The leaders' lines of the report for one database.
pub async fn measure(app: &Router, test_db: &TestDb) -> String {
    let mut section = String::from(
        "\n### Leaders' answers\n\nTargets: country p95 ≤ 500 ms, province ≤ 150 ms, commune ≤ 50 ms, each \
         answer ≤ 300 KB gzipped; report files of the whole country in ≤ 30 s with peak memory ≤ 300 MiB.\n\n\
         | answer | who | p50 (ms) | p95 (ms) | gzipped (KB) |\n|---|---|---:|---:|---:|\n",
    );
    let askers = [
        Asker { label: "country admin", who: account(app, test_db, "bench.country", Role::Admin, &[]).await },
        Asker {
            label: "province leader",
            who: account(app, test_db, "bench.province", Role::Leader, &["Nprovince7".to_owned()]).await,
        },
        Asker {
            label: "commune officer",
            who: account(app, test_db, "bench.commune", Role::CommuneOfficer, &["Ncommune1234".to_owned()]).await,
        },
    ];
    for asker in &askers {
        for (answer, uri) in [
            ("indicators", "/api/v1/indicators?year=2026"),
            ("priorities, first page", "/api/v1/priorities?limit=20"),
            ("progress list (every village in scope)", "/api/v1/progress/villages"),
            ("donations list (every village in scope)", "/api/v1/donations/villages"),
            ("progress layer, zoomed out", "/api/v1/map/progress?zoom=6"),
            ("donations layer, zoomed out", "/api/v1/map/donations?zoom=6"),
        ] {
            let line = measure_get(app, uri, &asker.who).await;
            let _ = writeln!(section, "| {answer} | {} | {line} |", asker.label);
        }
        let line = measure_dashboard(app, &asker.who).await;
        let _ = writeln!(section, "| dashboard (server function) | {} | {line} |", asker.label);
    }
    let _ = writeln!(section, "\n| report of the whole country | time to last byte (s) | size (KB) | peak memory (MiB) |\n|---|---:|---:|---:|");
    for (report, uri) in [
        ("quarterly XLSX", "/api/v1/reports/quarterly.xlsx?year=2026"),
        ("indicators CSV", "/api/v1/reports/indicators.csv?year=2026"),
        ("priorities CSV (every village)", "/api/v1/reports/priorities.csv"),
    ] {
        reset_peak_memory();
        let started = Instant::now();
        let (status, _, body) = get_bytes(app, uri, &askers[0].who).await;
        let took = started.elapsed();
        assert_eq!(status, StatusCode::OK, "{uri}");
        let _ = writeln!(
            section,
            "| {report} | {:.1} | {:.0} | {} |",
            took.as_secs_f64(),
            body.len() as f64 / 1024.0,
            peak_memory_kib() / 1024
        );
    }
    section
}

/// `p50 | p95 | gzipped KB` of a GET.
async fn measure_get(app: &Router, uri: &str, who: &As) -> String {
    let mut timings = Vec::with_capacity(SAMPLES);
    let mut gzipped = 0;
    for sample in 0..SAMPLES {
        let started = Instant::now();
        let (status, _, body) = get_bytes(app, uri, who).await;
        timings.push(started.elapsed());
        assert_eq!(status, StatusCode::OK, "{uri}: {}", String::from_utf8_lossy(&body[..body.len().min(300)]));
        if sample == 0 {
            gzipped = gzip_len(&body);
        }
    }
    percentiles(timings, gzipped)
}

/// The dashboard's server function, as the page calls it.
async fn measure_dashboard(app: &Router, who: &As) -> String {
    let mut timings = Vec::with_capacity(SAMPLES);
    let mut gzipped = 0;
    for sample in 0..SAMPLES {
        let mut request = http::Request::post("/api/dashboard")
            .header(http::header::CONTENT_TYPE, "application/x-www-form-urlencoded");
        if let As::Session(cookie) = who {
            request = request.header(http::header::COOKIE, cookie);
        }
        let started = Instant::now();
        let response = tower::ServiceExt::oneshot(
            app.clone(),
            request.body(axum::body::Body::from("year=2026")).expect("request"),
        )
        .await
        .expect("response");
        let status = response.status();
        let body = axum::body::to_bytes(response.into_body(), usize::MAX).await.expect("body");
        timings.push(started.elapsed());
        assert_eq!(status, StatusCode::OK, "dashboard: {}", String::from_utf8_lossy(&body[..body.len().min(300)]));
        if sample == 0 {
            gzipped = gzip_len(&body);
        }
    }
    percentiles(timings, gzipped)
}

fn percentiles(mut timings: Vec<Duration>, gzipped: usize) -> String {
    timings.sort();
    let at = |share: usize| timings[(timings.len() * share / 100).min(timings.len() - 1)].as_secs_f64() * 1000.0;
    format!("{:.1} | {:.1} | {:.1}", at(50), at(95), gzipped as f64 / 1024.0)
}
