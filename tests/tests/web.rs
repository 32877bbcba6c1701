//! What every answer carries (security headers, bounded bodies) and how pages and files travel
//! (precompressed copies, brotli, concurrent renders), on SQLite and PostgreSQL.

use bandoso_tests::{demo_login, on_each_backend, send};
use http::{Method, StatusCode};
use serde_json::json;

#[tokio::test]
async fn responses_carry_security_headers_and_bodies_are_bounded() {
    on_each_backend(|test_db| async move {
        server::demo::reload(&test_db.db).await.expect("demo");
        let app = test_db.app();
        let page = tower::ServiceExt::oneshot(
            app.clone(),
            http::Request::get("/").body(axum::body::Body::empty()).expect("request"),
        )
        .await
        .expect("response");
        let policy = page.headers()[http::header::CONTENT_SECURITY_POLICY].to_str().expect("ascii").to_owned();
        assert_eq!(page.headers()[http::header::X_CONTENT_TYPE_OPTIONS], "nosniff");
        assert!(page.headers().contains_key(http::header::REFERRER_POLICY));
        let html = bandoso_tests::body_text(page).await;
        let nonce = html.split("nonce=\"").nth(1).and_then(|rest| rest.split('"').next()).expect("a nonce in the page");
        assert!(policy.contains(&format!("'nonce-{nonce}'")), "{policy}");
        assert!(policy.contains("frame-ancestors 'none'") && policy.contains("https://tiles.example"), "{policy}");
        assert!(!policy.contains("unsafe-inline"), "{policy}");
        let api = tower::ServiceExt::oneshot(
            app.clone(),
            http::Request::get("/api/v1/admin-units?level=commune").body(axum::body::Body::empty()).expect("request"),
        )
        .await
        .expect("response");
        assert!(api.headers()[http::header::CONTENT_SECURITY_POLICY]
            .to_str()
            .unwrap_or_default()
            .starts_with("default-src 'none'"));
        let worker = tower::ServiceExt::oneshot(
            app.clone(),
            http::Request::get("/sw.js").body(axum::body::Body::empty()).expect("request"),
        )
        .await
        .expect("response");
        assert_eq!(
            worker.headers()[http::header::CONTENT_SECURITY_POLICY],
            "default-src 'none'; connect-src 'self' https://tiles.example; frame-ancestors 'none'; base-uri 'none'",
            "the service worker may fetch the app shell from our origin and tiles from the tile server, nothing else"
        );

        let admin = demo_login(&app, "admin").await;
        let huge = json!({"username": "x".repeat(2 * 1024 * 1024), "name": "too big"});
        let (status, _) = send(&app, Method::POST, "/api/v1/tokens", &admin, Some(huge)).await;
        assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
        test_db
    })
    .await;
}

/// A built file with a brotli copy beside it (`bandoso precompress`) reaches a browser that
/// accepts brotli as that copy, untouched by the response compression; any other client gets gzip.
#[tokio::test]
async fn static_files_are_sent_as_their_precompressed_copies() {
    on_each_backend(|test_db| async move {
        let site = tempfile::tempdir().expect("site folder");
        std::fs::create_dir(site.path().join("pkg")).expect("pkg folder");
        let script: String = (0..3000).map(|n| format!("const v{n} = {n};\n")).collect();
        std::fs::write(site.path().join("pkg/bandoso.js"), &script).expect("script");
        server::precompress::precompress(site.path()).expect("precompress");
        let brotli_copy = std::fs::read(site.path().join("pkg/bandoso.js.br")).expect("brotli copy");
        let mut parts = bandoso_tests::test_state_parts(test_db.db.clone());
        parts.leptos_options.site_root = site.path().to_string_lossy().as_ref().into();
        let app = server::app(app::state::AppState::new(parts));

        let (status, headers, sent) = bandoso_tests::get_encoded(&app, "/pkg/bandoso.js", "gzip, deflate, br").await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(headers[http::header::CONTENT_ENCODING], "br");
        assert!(headers[http::header::CONTENT_TYPE].to_str().unwrap_or_default().contains("javascript"));
        assert_eq!(sent, brotli_copy, "the copy itself, not compressed twice");

        let (_, headers, _) = bandoso_tests::get_encoded(&app, "/pkg/bandoso.js", "gzip").await;
        assert_eq!(headers[http::header::CONTENT_ENCODING], "gzip");
        test_db
    })
    .await;
}

/// A page is made per request, so the compression layer compresses it: brotli for a browser that
/// accepts it (about a fifth smaller than gzip on a phone's link), gzip for one that does not.
#[tokio::test]
async fn pages_are_sent_with_brotli_to_a_browser_that_accepts_it() {
    use std::io::Read;

    on_each_backend(|test_db| async move {
        server::demo::reload(&test_db.db).await.expect("demo");
        let app = test_db.app();

        let (status, headers, sent) = bandoso_tests::get_encoded(&app, "/", "gzip, deflate, br").await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(headers[http::header::CONTENT_ENCODING], "br");
        let mut page = String::new();
        brotli::Decompressor::new(sent.as_slice(), 4096).read_to_string(&mut page).expect("brotli decodes");
        assert!(page.contains("data-testid=\"wifi-count\""), "the map page: {page:.300}");
        assert!(page.contains("preview-marker"), "the map picture carries the houses");

        let (_, headers, sent) = bandoso_tests::get_encoded(&app, "/", "gzip").await;
        assert_eq!(headers[http::header::CONTENT_ENCODING], "gzip");
        let mut page = String::new();
        flate2::read::GzDecoder::new(sent.as_slice()).read_to_string(&mut page).expect("gzip decodes");
        assert!(page.contains("data-testid=\"wifi-count\""), "the map page: {page:.300}");
        test_db
    })
    .await;
}

/// Pages rendered at the same time each carry the nonce of their own scripts, and none breaks
/// another: on this single-threaded runtime the renders interleave, and reading a signal while
/// Leptos writes the `<head>` once made them panic ("… already been disposed"; see `App`).
#[tokio::test]
async fn pages_rendered_at_the_same_time_each_carry_their_own_nonce() {
    on_each_backend(|test_db| async move {
        server::demo::reload(&test_db.db).await.expect("demo");
        let app = test_db.app();
        let pages = (0..12).map(|_| {
            let app = app.clone();
            tokio::spawn(async move {
                let request = http::Request::get("/").body(axum::body::Body::empty()).expect("request");
                let page = tower::ServiceExt::oneshot(app, request).await.expect("response");
                let policy = page.headers().get(http::header::CONTENT_SECURITY_POLICY).cloned();
                (policy, bandoso_tests::body_text(page).await)
            })
        });
        for page in pages.collect::<Vec<_>>() {
            let (policy, html) = page.await.expect("page task");
            let policy = policy.and_then(|value| value.to_str().map(str::to_owned).ok()).unwrap_or_default();
            let nonce = html.split("nonce=\"").nth(1).and_then(|rest| rest.split('"').next()).expect("a nonce");
            assert!(policy.contains(&format!("'nonce-{nonce}'")), "{policy}");
        }

        test_db
    })
    .await;
}
