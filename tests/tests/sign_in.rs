//! Signing in and browser sessions, on SQLite and PostgreSQL: throttling that counts each client
//! (also behind a trusted proxy) and each account atomically without locking the owner out,
//! sessions that expire, end on sign-out, password change or a disabled account, and a new
//! session id at every sign-in.

use bandoso_tests::{demo_login, login, on_each_backend, send, send_json, try_login, As};
use http::{Method, StatusCode};
use serde_json::json;
use std::net::SocketAddr;

/// A sign-in as a browser would send it: from `peer`, with extra headers and cookies. Answers the
/// status and the cookies the answer sets (`name=value`).
async fn sign_in(
    app: &axum::Router,
    username: &str,
    password: &str,
    peer: &str,
    headers: &[(&str, &str)],
    cookies: &[String],
) -> (StatusCode, Vec<String>) {
    let mut request =
        http::Request::post("/api/auth/login").header(http::header::CONTENT_TYPE, "application/x-www-form-urlencoded");
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    if !cookies.is_empty() {
        request = request.header(http::header::COOKIE, cookies.join("; "));
    }
    let mut request =
        request.body(axum::body::Body::from(format!("username={username}&password={password}"))).expect("request");
    let peer: SocketAddr = peer.parse().expect("peer address");
    request.extensions_mut().insert(axum::extract::ConnectInfo(peer));
    let response = tower::ServiceExt::oneshot(app.clone(), request).await.expect("response");
    let set = response
        .headers()
        .get_all(http::header::SET_COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .filter_map(|value| value.split(';').next())
        .map(str::to_owned)
        .collect();
    (response.status(), set)
}

/// The cookie named `name` among those an answer set.
fn cookie(set: &[String], name: &str) -> Option<String> {
    set.iter().find(|cookie| cookie.starts_with(&format!("{name}="))).cloned()
}

#[tokio::test]
async fn login_is_throttled_per_account_without_revealing_which_accounts_exist() {
    on_each_backend(|test_db| async move {
        server::demo::reload(&test_db.db).await.expect("demo");
        let app = test_db.app();
        let (status, unknown, cookie) = try_login(&app, "nobody-here", "wrong password").await;
        assert!(!status.is_success() && cookie.is_none());
        let (wrong_status, wrong, _) = try_login(&app, "lanhdao", "wrong password").await;
        assert_eq!((status, &unknown), (wrong_status, &wrong), "unknown account and wrong password answer alike");
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        assert!(wrong.contains("InvalidCredentials"), "{wrong}");
        for _ in 0..4 {
            try_login(&app, "lanhdao", "wrong password").await;
        }
        let (status, body, cookie) = try_login(&app, "lanhdao", server::demo::DEMO_PASSWORD).await;
        assert!(cookie.is_none(), "locked even with the right password: {body}");
        assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
        assert!(body.contains("Throttled"), "{body}");
        // Another account from the same address still signs in (the address limit is higher).
        login(&app, "admin", server::demo::DEMO_PASSWORD).await;
        test_db
    })
    .await;
}

#[tokio::test]
async fn sessions_expire_when_idle_and_end_on_logout_or_password_change() {
    on_each_backend(|test_db| async move {
        server::demo::reload(&test_db.db).await.expect("demo");
        let mut parts = bandoso_tests::test_state_parts(test_db.db.clone());
        // Long enough that a loaded machine still makes the first request in time.
        parts.sessions.idle_timeout = std::time::Duration::from_secs(4);
        let short_lived = server::app(app::state::AppState::new(parts));
        let session = demo_login(&short_lived, "lanhdao").await;
        let (status, _) = send(&short_lived, Method::GET, "/api/v1/me", &session, None).await;
        assert_eq!(status, StatusCode::OK);
        // Five idle seconds pass: the store's expiry moves into the past as the clock would have
        // moved past it, with no real wait.
        sqlx::query("UPDATE session SET expires_at = expires_at - 5")
            .execute(test_db.db.pool())
            .await
            .expect("sessions age");
        let (status, _) = send(&short_lived, Method::GET, "/api/v1/me", &session, None).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "idle session expired");

        let app = test_db.app();
        let first = demo_login(&app, "canbo.kimtan").await;
        let second = demo_login(&app, "canbo.kimtan").await;
        let As::Session(first_cookie) = &first else { unreachable!("demo_login returns a session") };
        let change = http::Request::post("/api/auth/password")
            .header(http::header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(http::header::COOKIE, first_cookie)
            .body(axum::body::Body::from("current=bandoso-demo&new=a-brand-new-password"))
            .expect("request");
        let response = tower::ServiceExt::oneshot(app.clone(), change).await.expect("response");
        assert!(response.status().is_success(), "password changed");
        let renewed = bandoso_tests::session_cookie(response.headers()).map_or(first.clone(), As::Session);
        let (status, _) = send(&app, Method::GET, "/api/v1/me", &second, None).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "the other session ended");
        let (status, _) = send(&app, Method::GET, "/api/v1/me", &renewed, None).await;
        assert_eq!(status, StatusCode::OK, "the session that changed the password continues");
        login(&app, "canbo.kimtan", "a-brand-new-password").await;

        let As::Session(cookie) = &renewed else { unreachable!("sessions only") };
        let logout = http::Request::post("/api/auth/logout")
            .header(http::header::COOKIE, cookie)
            .body(axum::body::Body::empty())
            .expect("request");
        let response = tower::ServiceExt::oneshot(app.clone(), logout).await.expect("response");
        assert!(response.status().is_success());
        let (status, _) = send(&app, Method::GET, "/api/v1/me", &renewed, None).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "logged out");
        test_db
    })
    .await;
}

/// Thirty wrong passwords sent at once for one account, and forty at once from one address for
/// forty unknown accounts: each is counted before its password is checked, so no more than the
/// limits ever reach the check, however they race.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn parallel_attempts_cannot_pass_a_limit_together() {
    on_each_backend(|test_db| async move {
        server::demo::reload(&test_db.db).await.expect("demo");
        let app = test_db.app();
        let race = |usernames: Vec<String>, peer: &'static str| {
            let app = app.clone();
            async move {
                let attempts = usernames.into_iter().map(|username| {
                    let app = app.clone();
                    tokio::spawn(async move { sign_in(&app, &username, "wrong-password", peer, &[], &[]).await.0 })
                });
                let mut checked = 0;
                for attempt in attempts.collect::<Vec<_>>() {
                    match attempt.await.expect("attempt") {
                        StatusCode::UNAUTHORIZED => checked += 1,
                        StatusCode::TOO_MANY_REQUESTS => {}
                        other => panic!("unexpected answer {other}"),
                    }
                }
                checked
            }
        };
        let one_account = race(vec!["lanhdao".to_owned(); 30], "198.51.100.10:40000").await;
        assert_eq!(one_account, domain::throttle::ACCOUNT_LIMIT, "one account, checked at most its limit");
        let one_address = race((0..40).map(|n| format!("nobody-{n}")).collect(), "198.51.100.11:40000").await;
        assert_eq!(one_address, domain::throttle::ADDRESS_LIMIT, "one address, checked at most its limit");
        test_db
    })
    .await;
}

/// Someone who knows a username (Wi-Fi histories show who changed what) guesses from elsewhere:
/// new browsers are locked out of that account for a while, but the owner's own browser, known
/// from an earlier sign-in, still signs in.
#[tokio::test]
async fn an_attacker_locks_out_unknown_browsers_but_not_the_owners() {
    on_each_backend(|test_db| async move {
        server::demo::reload(&test_db.db).await.expect("demo");
        let app = test_db.app();
        let (status, set) = sign_in(&app, "admin", "bandoso-demo", "192.0.2.20:1000", &[], &[]).await;
        assert_eq!(status, StatusCode::OK);
        let device = cookie(&set, "bandoso_device").expect("the owner's browser is made known");
        for _ in 0..8 {
            sign_in(&app, "admin", "guess", "203.0.113.66:5000", &[], &[]).await;
        }
        let (status, _) = sign_in(&app, "admin", "bandoso-demo", "203.0.113.67:5000", &[], &[]).await;
        assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "a new browser waits");
        let (status, _) = sign_in(&app, "admin", "bandoso-demo", "192.0.2.20:1000", &[], &[device]).await;
        assert_eq!(status, StatusCode::OK, "the owner's known browser is not locked out");
        test_db
    })
    .await;
}

/// Behind a declared proxy, each client named by its forwarding header has its own count; the
/// same header from anyone else is not believed.
#[tokio::test]
async fn clients_behind_a_trusted_proxy_are_counted_apart() {
    on_each_backend(|test_db| async move {
        server::demo::reload(&test_db.db).await.expect("demo");
        let mut parts = bandoso_tests::test_state_parts(test_db.db.clone());
        parts.trusted_proxies = "10.0.0.1".parse().expect("proxy list");
        let behind_proxy = server::app(app::state::AppState::new(parts));
        let proxy = "10.0.0.1:443";
        let (mallory, alice) = ([("x-forwarded-for", "203.0.113.5")], [("x-forwarded-for", "198.51.100.9")]);
        for n in 0..=domain::throttle::ADDRESS_LIMIT {
            sign_in(&behind_proxy, &format!("nobody-{n}"), "guess", proxy, &mallory, &[]).await;
        }
        let (status, _) = sign_in(&behind_proxy, "lanhdao", "bandoso-demo", proxy, &mallory, &[]).await;
        assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "the guessing client is locked");
        let (status, _) = sign_in(&behind_proxy, "lanhdao", "bandoso-demo", proxy, &alice, &[]).await;
        assert_eq!(status, StatusCode::OK, "everyone else behind the proxy still signs in");

        let direct = test_db.app();
        for n in 0..=domain::throttle::ADDRESS_LIMIT {
            sign_in(&direct, &format!("someone-{n}"), "guess", "10.0.0.2:443", &mallory, &[]).await;
        }
        let (status, _) = sign_in(&direct, "lanhdao", "bandoso-demo", "10.0.0.2:443", &alice, &[]).await;
        assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "a forwarding header from an undeclared peer is ignored");
        test_db
    })
    .await;
}

/// On a shared office computer, signing in while someone is signed in gives a new session id: a
/// session id planted (or left) before never carries over to the next account.
#[tokio::test]
async fn signing_in_on_a_signed_in_browser_starts_a_new_session() {
    on_each_backend(|test_db| async move {
        server::demo::reload(&test_db.db).await.expect("demo");
        let app = test_db.app();
        let first = login(&app, "lanhdao", "bandoso-demo").await;
        let (status, set) =
            sign_in(&app, "canbo.kimtan", "bandoso-demo", "192.0.2.1:1", &[], std::slice::from_ref(&first)).await;
        assert_eq!(status, StatusCode::OK);
        let second = cookie(&set, server::SESSION_COOKIE).expect("a session cookie");
        assert_ne!(first, second, "a new session id");
        let (status, _) = send(&app, Method::GET, "/api/v1/me", &As::Session(first), None).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "the old id is no session any more");
        let (_, me) = send_json(&app, Method::GET, "/api/v1/me", &As::Session(second), None).await;
        assert_eq!(me["username"], "canbo.kimtan");
        test_db
    })
    .await;
}

/// Disabling an account ends its sessions for good: enabled again, it signs in anew.
#[tokio::test]
async fn a_disabled_accounts_sessions_do_not_come_back_when_it_is_enabled() {
    on_each_backend(|test_db| async move {
        server::demo::reload(&test_db.db).await.expect("demo");
        let app = test_db.app();
        let admin = demo_login(&app, "admin").await;
        let leader = demo_login(&app, "lanhdao").await;
        let (_, me) = send_json(&app, Method::GET, "/api/v1/me", &leader, None).await;
        let uri = format!("/api/v1/users/{}", me["id"]);
        for disabled in [true, false] {
            let (status, _) = send_json(&app, Method::PATCH, &uri, &admin, Some(json!({"disabled": disabled}))).await;
            assert_eq!(status, StatusCode::OK);
        }
        let (status, _) = send(&app, Method::GET, "/api/v1/me", &leader, None).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "the session from before the account was disabled");
        demo_login(&app, "lanhdao").await;
        test_db
    })
    .await;
}

#[tokio::test]
async fn the_sign_in_page_tells_someone_signed_in_to_sign_out_first() {
    on_each_backend(|test_db| async move {
        server::demo::reload(&test_db.db).await.expect("demo");
        let app = test_db.app();
        let (_, _, public) = bandoso_tests::get_bytes(&app, "/dang-nhap", &bandoso_tests::As::Public).await;
        let public = String::from_utf8_lossy(&public);
        assert!(public.contains("data-testid=\"login-form\""), "the form for someone signed out");
        let leader = bandoso_tests::demo_login(&app, "lanhdao").await;
        let (_, _, page) = bandoso_tests::get_bytes(&app, "/dang-nhap", &leader).await;
        let page = String::from_utf8_lossy(&page);
        assert!(page.contains("data-testid=\"already-signed-in\"") && page.contains("Lãnh đạo tỉnh"), "{page:.400}");
        assert!(!page.contains("data-testid=\"login-form\""), "no second sign-in over a session");
        test_db
    })
    .await;
}
