//! Test harness: builds the real application (`server::app`) on a fresh, migrated database of
//! either backend, so every integration test runs unchanged on SQLite and on PostgreSQL.
//!
//! PostgreSQL tests use the server named by `BANDOSO_TEST_POSTGRES_URL` (a URL to a maintenance
//! database such as `postgres://postgres@127.0.0.1:5432/postgres`); each test creates its own
//! database there and drops it afterwards. Without that variable the PostgreSQL variant is
//! skipped with a message, except under `CI=true`, where it fails: CI must test both.

pub mod coverage;
pub mod national;

use app::state::{AppState, SessionSettings, StateParts};
use axum::body::Body;
use axum::Router;
use domain::Db;
use http::{Request, Response, StatusCode};
use leptos::prelude::LeptosOptions;
use model::TileSource;
use sqlx::Connection;
use tower::ServiceExt;

/// Environment variable naming the PostgreSQL server for tests.
pub const POSTGRES_ENV: &str = "BANDOSO_TEST_POSTGRES_URL";

/// A database created for one test; dropped (PostgreSQL) or deleted (SQLite) by [`TestDb::finish`],
/// or, when a failed test never gets there, when the value is dropped.
pub struct TestDb {
    pub db: Db,
    pub url: String,
    cleanup: Option<Cleanup>,
}

enum Cleanup {
    /// The database file's folder, deleted with the value.
    Sqlite {
        _folder: tempfile::TempDir,
    },
    Postgres {
        admin_url: String,
        name: String,
    },
}

impl TestDb {
    /// A new SQLite database file in a temporary folder, migrated.
    pub async fn sqlite() -> TestDb {
        let folder = tempfile::tempdir().expect("temporary folder for the test database");
        let url = format!("sqlite://{}", folder.path().join("test.db").display());
        let db = Db::connect(&url).await.expect("open SQLite test database");
        db.migrate().await.expect("migrate SQLite test database");
        TestDb { db, url, cleanup: Some(Cleanup::Sqlite { _folder: folder }) }
    }

    /// A new PostgreSQL database, migrated; `None` (after saying so) when no server is configured.
    pub async fn postgres() -> Option<TestDb> {
        let Ok(admin_url) = std::env::var(POSTGRES_ENV) else {
            let in_ci = std::env::var("CI").is_ok_and(|value| value == "true");
            assert!(!in_ci, "{POSTGRES_ENV} is not set, but CI=true requires the PostgreSQL suite");
            eprintln!("PostgreSQL SKIPPED: set {POSTGRES_ENV} to run this test on PostgreSQL");
            return None;
        };
        let name = format!("bandoso_test_{}", uuid::Uuid::new_v4().simple());
        let mut admin = sqlx::PgConnection::connect(&admin_url).await.expect("connect to the PostgreSQL test server");
        sqlx::query(&format!("CREATE DATABASE {name}")).execute(&mut admin).await.expect("create test database");
        admin.close().await.ok();
        let url = database_url_with_name(&admin_url, &name);
        let db = Db::connect(&url).await.expect("open PostgreSQL test database");
        db.migrate().await.expect("migrate PostgreSQL test database");
        Some(TestDb { db, url, cleanup: Some(Cleanup::Postgres { admin_url, name }) })
    }

    /// Closes the pool and removes the database. Closing waits for connections in use to come
    /// back; a test that left one checked out (a task still running) must not hang the suite, so
    /// the wait is bounded and the PostgreSQL drop is forced.
    pub async fn finish(mut self) {
        if tokio::time::timeout(std::time::Duration::from_secs(10), self.db.close()).await.is_err() {
            eprintln!("the test database pool did not close within 10 s; dropping the database anyway");
        }
        if let Some(Cleanup::Postgres { admin_url, name }) = self.cleanup.take() {
            drop_postgres_database(&admin_url, &name).await;
        }
    }

    /// The application on this database, as `bandoso serve` builds it.
    pub fn app(&self) -> Router {
        server::app(test_state(self.db.clone()))
    }
}

/// A test that failed panics before [`TestDb::finish`]: its PostgreSQL database is dropped here,
/// on a thread with a runtime of its own (a destructor cannot wait on the test's runtime), so
/// failed runs leave nothing behind on the server.
impl Drop for TestDb {
    fn drop(&mut self) {
        let Some(Cleanup::Postgres { admin_url, name }) = self.cleanup.take() else { return };
        let dropping =
            std::thread::spawn(move || match tokio::runtime::Builder::new_current_thread().enable_all().build() {
                Ok(runtime) => runtime.block_on(drop_postgres_database(&admin_url, &name)),
                Err(error) => eprintln!("could not drop test database {name}: {error}"),
            });
        if dropping.join().is_err() {
            eprintln!("dropping a test database panicked");
        }
    }
}

/// Drops a test's PostgreSQL database, even with connections still open to it.
async fn drop_postgres_database(admin_url: &str, name: &str) {
    if let Ok(mut admin) = sqlx::PgConnection::connect(admin_url).await {
        let drop_sql = format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)");
        if let Err(error) = sqlx::query(&drop_sql).execute(&mut admin).await {
            eprintln!("could not drop test database {name}: {error}");
        }
    }
}

/// Replaces the database name (the URL path) of a PostgreSQL URL.
fn database_url_with_name(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((base, query)) => (base, Some(query)),
        None => (url, None),
    };
    let authority_end = base.find("://").map(|i| i + 3).unwrap_or(0);
    let base = match base[authority_end..].find('/') {
        Some(slash) => &base[..authority_end + slash],
        None => base,
    };
    match query {
        Some(query) => format!("{base}/{name}?{query}"),
        None => format!("{base}/{name}"),
    }
}

/// The state `bandoso serve` would build, with a fixed tile source.
pub fn test_state(db: Db) -> AppState {
    AppState::new(test_state_parts(db))
}

/// The parts of [`test_state`], for a test that changes one before building the state.
pub fn test_state_parts(db: Db) -> StateParts {
    StateParts {
        leptos_options: LeptosOptions::builder().output_name("bandoso").site_root("target/site").build(),
        db,
        tiles: TileSource { url: "https://tiles.example/{z}/{x}/{y}.png".into(), attribution: "test".into() },
        sessions: SessionSettings::default(),
        map_layers: Default::default(),
        trusted_proxies: Default::default(),
    }
}

/// Adds `who`'s credentials to a request.
fn with_credentials(request: http::request::Builder, who: &As) -> http::request::Builder {
    match who {
        As::Public => request,
        As::Session(cookie) => request.header(http::header::COOKIE, cookie),
        As::Token(token) => request.header(http::header::AUTHORIZATION, format!("Bearer {token}")),
    }
}

/// GETs `uri` as `who` and keeps the body as bytes (files such as XLSX), with the headers.
pub async fn get_bytes(app: &Router, uri: &str, who: &As) -> (StatusCode, http::HeaderMap, Vec<u8>) {
    let request = with_credentials(Request::get(uri), who);
    let response = app.clone().oneshot(request.body(Body::empty()).expect("request")).await.expect("response");
    let (parts, body) = response.into_parts();
    let bytes = axum::body::to_bytes(body, usize::MAX).await.expect("body");
    (parts.status, parts.headers, bytes.to_vec())
}

/// GETs `uri` as `who` with extra request headers, body as sent (still encoded), with the headers.
pub async fn get_bytes_with(
    app: &Router,
    uri: &str,
    who: &As,
    headers: &[(http::HeaderName, &str)],
) -> (StatusCode, http::HeaderMap, Vec<u8>) {
    let mut request = with_credentials(Request::get(uri), who);
    for (name, value) in headers {
        request = request.header(name, *value);
    }
    let response = app.clone().oneshot(request.body(Body::empty()).expect("request")).await.expect("response");
    let (parts, body) = response.into_parts();
    let bytes = axum::body::to_bytes(body, usize::MAX).await.expect("body");
    (parts.status, parts.headers, bytes.to_vec())
}

/// GETs `uri` as the public would with `Accept-Encoding: accept_encoding`, body as sent (still
/// encoded), for the tests of what the server compresses and how.
pub async fn get_encoded(app: &Router, uri: &str, accept_encoding: &str) -> (StatusCode, http::HeaderMap, Vec<u8>) {
    let request = Request::get(uri).header(http::header::ACCEPT_ENCODING, accept_encoding);
    let response = app.clone().oneshot(request.body(Body::empty()).expect("request")).await.expect("response");
    let (parts, body) = response.into_parts();
    let bytes = axum::body::to_bytes(body, usize::MAX).await.expect("body");
    (parts.status, parts.headers, bytes.to_vec())
}

/// Credentials presented with a test request.
#[derive(Clone, Debug)]
pub enum As {
    Public,
    /// A browser session: the `Cookie` header value returned by [`login`].
    Session(String),
    /// An API token.
    Token(String),
}

/// Sends a request with optional JSON body as `who`; returns status and body text.
pub async fn send(
    app: &Router,
    method: http::Method,
    uri: &str,
    who: &As,
    body: Option<serde_json::Value>,
) -> (StatusCode, String) {
    send_with(app, method, uri, who, body, &[]).await
}

/// [`send`] with extra request headers.
pub async fn send_with(
    app: &Router,
    method: http::Method,
    uri: &str,
    who: &As,
    body: Option<serde_json::Value>,
    headers: &[(http::HeaderName, String)],
) -> (StatusCode, String) {
    let mut request = Request::builder().method(method).uri(uri);
    for (name, value) in headers {
        request = request.header(name, value);
    }
    let raw = body.map(|json| ("application/json", json.to_string().into_bytes()));
    send_raw(app, request, who, raw).await
}

/// Sends `request` as `who` with an optional body of the given content type.
async fn send_raw(
    app: &Router,
    mut request: http::request::Builder,
    who: &As,
    body: Option<(&str, Vec<u8>)>,
) -> (StatusCode, String) {
    request = with_credentials(request, who);
    let body = match body {
        Some((content_type, bytes)) => {
            request = request.header(http::header::CONTENT_TYPE, content_type);
            Body::from(bytes)
        }
        None => Body::empty(),
    };
    let response = app.clone().oneshot(request.body(body).expect("valid request")).await.expect("router is infallible");
    let status = response.status();
    (status, body_text(response).await)
}

/// Sends any bytes (or none) with a content type and an optional `If-Match`, as `who`: for
/// requests that are wrong on purpose.
pub async fn send_raw_bytes(
    app: &Router,
    method: http::Method,
    uri: &str,
    who: &As,
    content_type: &str,
    body: Option<Vec<u8>>,
    if_match: Option<String>,
) -> (StatusCode, String) {
    let mut request = Request::builder().method(method).uri(uri);
    if let Some(version) = if_match {
        request = request.header(http::header::IF_MATCH, version);
    }
    send_raw(app, request, who, body.map(|bytes| (content_type, bytes))).await
}

/// Reads a paged listing from `first` to its end as `who`, following `Link: <…>; rel="next"`.
/// Returns every page's JSON body and every `Link` header seen, in order.
pub async fn follow_pages(app: &Router, who: &As, first: &str) -> (Vec<serde_json::Value>, Vec<String>) {
    let mut uri = first.to_owned();
    let (mut pages, mut links) = (Vec::new(), Vec::new());
    loop {
        let request = with_credentials(Request::get(&uri), who);
        let response = app.clone().oneshot(request.body(Body::empty()).expect("request")).await.expect("response");
        assert_eq!(response.status(), StatusCode::OK, "{uri}");
        let next = response.headers().get(http::header::LINK).and_then(|v| v.to_str().ok()).map(str::to_owned);
        let text = body_text(response).await;
        pages.push(serde_json::from_str(&text).unwrap_or_else(|error| panic!("{uri}: not JSON ({error}): {text}")));
        match next {
            Some(link) => {
                uri = link.trim_start_matches('<').split('>').next().unwrap_or_default().to_owned();
                links.push(link);
            }
            None => return (pages, links),
        }
    }
}

/// Posts a file body (e.g. `text/csv`) as `who`.
pub async fn post_file(app: &Router, uri: &str, who: &As, content_type: &str, bytes: Vec<u8>) -> (StatusCode, String) {
    send_raw(app, Request::post(uri), who, Some((content_type, bytes))).await
}

/// [`send`], parsing the answer as JSON (failing the test with the body when it is not).
pub async fn send_json(
    app: &Router,
    method: http::Method,
    uri: &str,
    who: &As,
    body: Option<serde_json::Value>,
) -> (StatusCode, serde_json::Value) {
    let (status, text) = send(app, method, uri, who, body).await;
    let json = serde_json::from_str(&text).unwrap_or_else(|error| panic!("{uri}: body is not JSON ({error}): {text}"));
    (status, json)
}

/// The current version of a cultural house (its `ETag`), as `If-Match` wants it.
pub async fn house_version(app: &Router, who: &As, id: i64) -> String {
    let request = with_credentials(Request::get(format!("/api/v1/cultural-houses/{id}")), who);
    let response = app.clone().oneshot(request.body(Body::empty()).expect("request")).await.expect("response");
    assert_eq!(response.status(), StatusCode::OK, "house {id} is visible");
    response.headers()[http::header::ETAG].to_str().expect("ascii ETag").to_owned()
}

/// Puts a Wi-Fi update as `who`, with `If-Match` set to the version `reader` sees now.
pub async fn put_wifi(
    app: &Router,
    who: &As,
    reader: &As,
    id: i64,
    body: Option<serde_json::Value>,
) -> (StatusCode, serde_json::Value) {
    let version = house_version(app, reader, id).await;
    let uri = format!("/api/v1/cultural-houses/{id}/wifi");
    let (status, text) = send_with(app, http::Method::PUT, &uri, who, body, &[(http::header::IF_MATCH, version)]).await;
    let json = serde_json::from_str(&text).unwrap_or_else(|error| panic!("{uri}: body is not JSON ({error}): {text}"));
    (status, json)
}

/// Posts the login server function (as the browser's login form does); returns the status, the
/// body and the session cookie (`name=value`) when one was set.
pub async fn try_login(app: &Router, username: &str, password: &str) -> (StatusCode, String, Option<String>) {
    let form =
        format!("username={}&password={}", form_urlencoded_component(username), form_urlencoded_component(password));
    let request = Request::post("/api/auth/login")
        .header(http::header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(form))
        .expect("valid request");
    let response = app.clone().oneshot(request).await.expect("router is infallible");
    let status = response.status();
    let cookie = session_cookie(response.headers());
    (status, body_text(response).await, cookie)
}

/// The session cookie (`name=value`) a response sets, if any.
pub fn session_cookie(headers: &http::HeaderMap) -> Option<String> {
    headers
        .get_all(http::header::SET_COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .find(|value| value.starts_with(server::SESSION_COOKIE))
        .and_then(|value| value.split(';').next())
        .map(str::to_owned)
}

/// Signs in and returns the session cookie, failing the test when sign-in fails.
pub async fn login(app: &Router, username: &str, password: &str) -> String {
    let (status, body, cookie) = try_login(app, username, password).await;
    assert_eq!(status, StatusCode::OK, "login {username}: {body}");
    cookie.unwrap_or_else(|| panic!("login {username} set no session cookie"))
}

/// Creates an account directly in the database (for data sets without demo accounts).
pub async fn create_account(db: &Db, username: &str, password: &str, role: model::Role, scope_codes: &[String]) {
    let hash = domain::accounts::hash_password(password).expect("hash the password");
    let mut tx = db.begin_write().await.expect("begin");
    let user = domain::accounts::NewUser {
        username,
        display_name: username,
        password_hash: &hash,
        role,
        operator: None,
        scope_codes,
    };
    domain::accounts::insert(&mut tx, &user).await.expect("create the account");
    tx.commit().await.expect("commit the account");
}

/// Signs in as a demo account (demo data must be loaded).
pub async fn demo_login(app: &Router, username: &str) -> As {
    As::Session(login(app, username, server::demo::DEMO_PASSWORD).await)
}

fn form_urlencoded_component(text: &str) -> String {
    text.bytes()
        .map(|byte| match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => (byte as char).to_string(),
            _ => format!("%{byte:02X}"),
        })
        .collect()
}

/// Runs `test` against each backend: always SQLite, and PostgreSQL when configured.
///
/// ```text
/// #[tokio::test]
/// async fn lists_houses() { on_each_backend(|db| async move { ... }).await }
/// ```
pub async fn on_each_backend<F, Fut>(test: F)
where
    F: Fn(TestDb) -> Fut,
    Fut: std::future::Future<Output = TestDb>,
{
    let sqlite = TestDb::sqlite().await;
    test(sqlite).await.finish().await;
    if let Some(postgres) = TestDb::postgres().await {
        test(postgres).await.finish().await;
    }
}

/// Sends a GET through the router and returns status and body text.
pub async fn get(app: &Router, uri: &str) -> (StatusCode, String) {
    let response = app
        .clone()
        .oneshot(Request::get(uri).body(Body::empty()).expect("valid request"))
        .await
        .expect("router is infallible");
    let status = response.status();
    (status, body_text(response).await)
}

/// Sends a GET and parses the body as JSON, failing the test with the body when it is not.
pub async fn get_json(app: &Router, uri: &str) -> (StatusCode, serde_json::Value) {
    let (status, body) = get(app, uri).await;
    let json = serde_json::from_str(&body).unwrap_or_else(|error| panic!("{uri}: body is not JSON ({error}): {body}"));
    (status, json)
}

/// The body as text; binary downloads (XLSX) come through lossily, which is enough to scan them
/// for what must not be there or to report them in a failure.
pub async fn body_text(response: Response<Body>) -> String {
    let bytes = axum::body::to_bytes(response.into_body(), 16 * 1024 * 1024).await.expect("read body");
    String::from_utf8_lossy(&bytes).into_owned()
}

/// A GeoJSON FeatureCollection with one good-4G coverage area: a small square with its south-west
/// corner at (`lon`, `lat`), reported for `village_code` by `operator`.
pub fn coverage_area_file(village_code: &str, operator: &str, lon: f64, lat: f64) -> String {
    let (east, north) = (lon + 0.01, lat + 0.01);
    serde_json::json!({
        "type": "FeatureCollection",
        "features": [{
            "type": "Feature",
            "properties": {"village_code": village_code, "operator": operator, "technology": "4G", "quality": "good"},
            "geometry": {"type": "Polygon", "coordinates": [[[lon, lat], [east, lat], [east, north], [lon, north], [lon, lat]]]}
        }]
    })
    .to_string()
}

/// A real 2×2 red PNG (73 bytes): the smallest honest handover photo.
pub const TINY_PNG: [u8; 73] = [
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52, 0x00, 0x00, 0x00,
    0x02, 0x00, 0x00, 0x00, 0x02, 0x08, 0x02, 0x00, 0x00, 0x00, 0xfd, 0xd4, 0x9a, 0x73, 0x00, 0x00, 0x00, 0x10, 0x49,
    0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0xf8, 0xcf, 0xc0, 0x00, 0x44, 0x0c, 0x10, 0x0a, 0x00, 0x1f, 0xee, 0x03, 0xfd,
    0x8b, 0x5f, 0x14, 0xd4, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82,
];

/// Syncs, as `who`, a poor household without a smartphone in `village_code` (eligible for a
/// donated device) and returns its id on the server.
pub async fn eligible_household(app: &Router, who: &As, village_code: &str) -> i64 {
    let uuid = uuid::Uuid::new_v4().to_string();
    let record = serde_json::json!({"kind": "household", "uuid": uuid, "village_code": village_code,
        "label": format!("Hộ chờ thiết bị {}", &uuid[..8]), "lon": null, "lat": null, "accuracy_m": null,
        "poor": true, "adults": 2, "has_smartphone": false});
    let (status, body) =
        send_json(app, http::Method::POST, "/api/v1/sync", who, Some(serde_json::json!({"records": [record]}))).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body["results"][0]["id"].as_i64().unwrap_or_else(|| panic!("household stored: {body}"))
}

/// Records, as `officer`, a pledge of `quantity` devices of `item` from the first donor to
/// `commune_code` and receives it; returns the pledge's id.
pub async fn received_pledge(app: &Router, officer: &As, commune_code: &str, item: &str, quantity: i64) -> i64 {
    let (status, donors) = send_json(app, http::Method::GET, "/api/v1/donors", officer, None).await;
    assert_eq!(status, StatusCode::OK, "{donors}");
    let donor_id = donors[0]["id"].as_i64().expect("a donor");
    let pledge = serde_json::json!({"donor_id": donor_id, "commune_code": commune_code, "item": item,
        "quantity": quantity, "condition": "new", "value_vnd": 1_000_000 * quantity});
    let (status, created) = send_json(app, http::Method::POST, "/api/v1/pledges", officer, Some(pledge)).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let id = created["id"].as_i64().expect("pledge id");
    let uri = format!("/api/v1/pledges/{id}/receive");
    let (status, received) = send_json(app, http::Method::POST, &uri, officer, None).await;
    assert_eq!(status, StatusCode::OK, "{received}");
    id
}

/// Allocates, as `officer`, one `item` to a household; returns the answer's status and body.
pub async fn allocate(app: &Router, officer: &As, household_id: i64, item: &str) -> (StatusCode, serde_json::Value) {
    let body = serde_json::json!({"household_id": household_id, "item": item});
    send_json(app, http::Method::POST, "/api/v1/allocations", officer, Some(body)).await
}

/// The features of a GeoJSON FeatureCollection answer.
pub fn features(collection: &serde_json::Value) -> Vec<serde_json::Value> {
    collection["features"].as_array().cloned().unwrap_or_default()
}

/// The cultural houses `who` sees, as GeoJSON features.
pub async fn all_houses(app: &Router, who: &As) -> Vec<serde_json::Value> {
    let (status, body) = send_json(app, http::Method::GET, "/api/v1/cultural-houses", who, None).await;
    assert_eq!(status, StatusCode::OK);
    features(&body)
}

/// The id of the first house whose properties satisfy `predicate`.
pub fn house_where(houses: &[serde_json::Value], predicate: impl Fn(&serde_json::Value) -> bool) -> i64 {
    houses
        .iter()
        .find(|house| predicate(&house["properties"]))
        .and_then(|house| house["id"].as_i64())
        .expect("the demo data has such a house")
}

#[cfg(test)]
mod tests {
    use super::database_url_with_name;

    #[test]
    fn replaces_only_the_database_name() {
        assert_eq!(
            database_url_with_name("postgres://postgres@127.0.0.1:5432/postgres", "t1"),
            "postgres://postgres@127.0.0.1:5432/t1"
        );
        assert_eq!(
            database_url_with_name("postgres://h:5432/db?sslmode=disable", "t2"),
            "postgres://h:5432/t2?sslmode=disable"
        );
        assert_eq!(database_url_with_name("postgres://h", "t3"), "postgres://h/t3");
    }
}
