//! `make bench`, geometry part: what a dense coverage area costs the server. A GIS export of an
//! operator's coverage may hold hundreds of thousands of vertices; the validity check must stay
//! fast, and while two such files are checked the server must keep answering everyone else.
//!
//! 1. The validity check of a 400,000-vertex area (in the process, best of three).
//! 2. Two 400,000-vertex coverage-area files posted at once (dry runs, through the router on a
//!    loopback port of a two-worker server, as `bandoso serve` runs on two cores) while `/healthz`
//!    is asked every 10 ms: its latencies meanwhile (target: p95 ≤ 50 ms).
//!
//! Writes `target/bench/geometry.md`. A benchmark, not a test: it measures and reports.

use bandoso_tests::{demo_login, As, TestDb};
use domain::geometry::synthetic::{Rng, Star};
use geo::{MultiPolygon, Polygon};
use std::fmt::Write as _;
use std::time::{Duration, Instant};

const VERTICES: usize = 400_000;

/// A valid star-shaped area of `VERTICES` vertices around a Kim Tân village, as GeoJSON.
fn dense_area() -> geojson::Geometry {
    let star = Star { centre: (105.62, 20.17), radius: 0.02, jitter: 1e-3 };
    let area = MultiPolygon(vec![Polygon::new(star.ring(&mut Rng::new(7), VERTICES), Vec::new())]);
    geojson::Geometry::from(&area)
}

fn percentile(sorted: &[Duration], fraction: f64) -> Duration {
    sorted[((sorted.len() as f64 - 1.0) * fraction).round() as usize]
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let mut report = String::from(
        "# Dense coverage areas\n\nReproduce with `make bench` (`cargo bench -p bandoso-tests --bench geometry`).\n\n",
    );
    let geometry = dense_area();
    let mut fastest = Duration::MAX;
    for _ in 0..3 {
        let started = Instant::now();
        let checked = domain::geometry::parse_area(&geometry);
        fastest = fastest.min(started.elapsed());
        assert!(checked.is_ok(), "the generated area is valid: {checked:?}");
    }
    let line =
        format!("Validity check of a {VERTICES}-vertex area: {:.0} ms (best of 3).", fastest.as_secs_f64() * 1e3);
    println!("{line}");
    let _ = writeln!(report, "{line}\n");

    let test_db = TestDb::sqlite().await;
    server::demo::reload(&test_db.db).await.expect("demo data");
    let app = test_db.app();
    let admin = demo_login(&app, "admin").await;
    let As::Session(cookie) = admin else { unreachable!("a session") };
    let file = serde_json::json!({"type": "FeatureCollection", "features": [{"type": "Feature",
        "properties": {"village_code": "15187-01", "operator": "viettel", "technology": "4G", "quality": "good"},
        "geometry": geometry}]})
    .to_string();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind loopback");
    let address = listener.local_addr().expect("address");
    let server = tokio::spawn(async move { axum::serve(listener, app).await });
    let client = reqwest_like::Client::new(address);

    let uploads: Vec<_> = (0..2)
        .map(|_| {
            let (client, cookie, file) = (client.clone(), cookie.clone(), file.clone());
            tokio::spawn(async move {
                let started = Instant::now();
                let status = client.post("/api/v1/imports/coverage-areas?dry_run=true", &cookie, file).await;
                (status, started.elapsed())
            })
        })
        .collect();
    let mut latencies = Vec::new();
    while uploads.iter().any(|upload| !upload.is_finished()) {
        let started = Instant::now();
        let status = client.get("/healthz").await;
        latencies.push(started.elapsed());
        assert_eq!(status, 200, "healthz answers");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let mut upload_lines = Vec::new();
    for upload in uploads {
        let (status, took) = upload.await.expect("upload task");
        upload_lines.push(format!("answered {status} in {:.2} s", took.as_secs_f64()));
    }
    latencies.sort();
    let (p50, p95, max) = (percentile(&latencies, 0.5), percentile(&latencies, 0.95), latencies[latencies.len() - 1]);
    let met = if p95 <= Duration::from_millis(50) { "met" } else { "NOT met" };
    let line = format!(
        "Two {VERTICES}-vertex files at once ({}): `/healthz` meanwhile, {} requests: p50 {:.1} ms, p95 {:.1} ms, max {:.1} ms (target p95 ≤ 50 ms: {met}).",
        upload_lines.join(", "),
        latencies.len(),
        p50.as_secs_f64() * 1e3,
        p95.as_secs_f64() * 1e3,
        max.as_secs_f64() * 1e3,
    );
    println!("{line}");
    let _ = writeln!(report, "{line}");
    server.abort();
    test_db.finish().await;
    let folder = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/bench");
    std::fs::create_dir_all(&folder).expect("create target/bench");
    std::fs::write(folder.join("geometry.md"), &report).expect("write the report");
    println!("\nwritten to target/bench/geometry.md");
}

/// A minimal HTTP/1.1 client over hyper for loopback requests (no TLS, no redirects).
mod reqwest_like {
    use http_body_util::{BodyExt, Full};
    use hyper_util::client::legacy::Client as Hyper;
    use hyper_util::rt::TokioExecutor;

    #[derive(Clone)]
    pub struct Client {
        base: String,
        inner: Hyper<hyper_util::client::legacy::connect::HttpConnector, Full<bytes::Bytes>>,
    }

    impl Client {
        pub fn new(address: std::net::SocketAddr) -> Client {
            Client { base: format!("http://{address}"), inner: Hyper::builder(TokioExecutor::new()).build_http() }
        }

        pub async fn get(&self, path: &str) -> u16 {
            let request = http::Request::get(format!("{}{path}", self.base)).body(Full::default()).expect("request");
            self.send(request).await
        }

        pub async fn post(&self, path: &str, cookie: &str, body: String) -> u16 {
            let request = http::Request::post(format!("{}{path}", self.base))
                .header(http::header::COOKIE, cookie)
                .header(http::header::CONTENT_TYPE, "application/geo+json")
                .body(Full::new(bytes::Bytes::from(body)))
                .expect("request");
            self.send(request).await
        }

        async fn send(&self, request: http::Request<Full<bytes::Bytes>>) -> u16 {
            let response = self.inner.request(request).await.expect("loopback answers");
            let status = response.status().as_u16();
            let _ = response.into_body().collect().await;
            status
        }
    }
}
