//! Accounts, roles, scopes, tokens, sessions and the audit trail, on SQLite and PostgreSQL.

use bandoso_tests::{demo_login, login, on_each_backend, put_wifi, send, send_json, try_login, As};
use http::{Method, StatusCode};
use serde_json::{json, Value};
use std::collections::BTreeSet;

/// The actors of the matrix, by demo username (`None` is the public).
const ACTORS: [Option<&str>; 6] =
    [None, Some("admin"), Some("lanhdao"), Some("canbo.kimtan"), Some("tocongnghe.kimtan"), Some("viettel")];

/// Who may call each API route: the matrix every new route must join.
const API_MATRIX: &[(&str, &str, &[&str])] = &[
    ("GET", "/cultural-houses", &["public", "admin", "lanhdao", "canbo.kimtan", "tocongnghe.kimtan", "viettel"]),
    ("GET", "/cultural-houses/{id}", &["public", "admin", "lanhdao", "canbo.kimtan", "tocongnghe.kimtan", "viettel"]),
    ("PUT", "/cultural-houses/{id}/wifi", &["admin", "canbo.kimtan", "viettel"]),
    (
        "GET",
        "/cultural-houses/{id}/wifi-history",
        &["public", "admin", "lanhdao", "canbo.kimtan", "tocongnghe.kimtan", "viettel"],
    ),
    ("GET", "/admin-units", &["public", "admin", "lanhdao", "canbo.kimtan", "tocongnghe.kimtan", "viettel"]),
    (
        "GET",
        "/exports/cultural-houses.csv",
        &["public", "admin", "lanhdao", "canbo.kimtan", "tocongnghe.kimtan", "viettel"],
    ),
    (
        "GET",
        "/exports/cultural-houses.geojson",
        &["public", "admin", "lanhdao", "canbo.kimtan", "tocongnghe.kimtan", "viettel"],
    ),
    ("GET", "/exports/coverage.csv", &["public", "admin", "lanhdao", "canbo.kimtan", "tocongnghe.kimtan", "viettel"]),
    ("POST", "/coverage-reports", &["admin", "viettel"]),
    (
        "GET",
        "/villages/{code}/coverage-history",
        &["public", "admin", "lanhdao", "canbo.kimtan", "tocongnghe.kimtan", "viettel"],
    ),
    ("POST", "/imports/coverage", &["admin", "viettel"]),
    ("POST", "/imports/coverage-areas", &["admin", "viettel"]),
    ("POST", "/imports/wifi", &["admin", "canbo.kimtan", "viettel"]),
    ("POST", "/sync", &["admin", "canbo.kimtan", "tocongnghe.kimtan"]),
    ("GET", "/progress/villages", &["admin", "lanhdao", "canbo.kimtan", "tocongnghe.kimtan"]),
    ("GET", "/map/cultural-houses", &["public", "admin", "lanhdao", "canbo.kimtan", "tocongnghe.kimtan", "viettel"]),
    ("GET", "/map/visits", &["admin", "lanhdao", "canbo.kimtan", "tocongnghe.kimtan"]),
    ("GET", "/households", &["admin", "canbo.kimtan", "tocongnghe.kimtan"]),
    ("PATCH", "/visits/{uuid}", &["admin", "canbo.kimtan", "tocongnghe.kimtan"]),
    ("GET", "/field-measurements", &["admin", "lanhdao", "canbo.kimtan", "tocongnghe.kimtan", "viettel"]),
    ("GET", "/indicators", &["admin", "lanhdao", "canbo.kimtan"]),
    ("GET", "/priorities", &["admin", "lanhdao", "canbo.kimtan"]),
    ("GET", "/reports/indicators.csv", &["admin", "lanhdao", "canbo.kimtan"]),
    ("GET", "/reports/quarterly.xlsx", &["admin", "lanhdao", "canbo.kimtan"]),
    ("GET", "/reports/priorities.csv", &["admin", "lanhdao", "canbo.kimtan"]),
    ("PUT", "/targets", &["admin"]),
    ("POST", "/indicator-reports", &["admin", "canbo.kimtan"]),
    ("GET", "/me", &["admin", "lanhdao", "canbo.kimtan", "tocongnghe.kimtan", "viettel"]),
    ("GET", "/users", &["admin"]),
    ("POST", "/users", &["admin"]),
    ("PATCH", "/users/{id}", &["admin"]),
    ("GET", "/tokens", &["admin"]),
    ("POST", "/tokens", &["admin"]),
    ("DELETE", "/tokens/{id}", &["admin"]),
    ("GET", "/audit", &["admin"]),
    ("GET", "/donors", &["admin", "canbo.kimtan"]),
    ("POST", "/donors", &["admin", "canbo.kimtan"]),
    (
        "GET",
        "/donations/acknowledgements",
        &["public", "admin", "lanhdao", "canbo.kimtan", "tocongnghe.kimtan", "viettel"],
    ),
    ("GET", "/donations/stock", &["public", "admin", "lanhdao", "canbo.kimtan", "tocongnghe.kimtan", "viettel"]),
    ("GET", "/donations/eligible", &["admin", "canbo.kimtan", "tocongnghe.kimtan"]),
    ("GET", "/donations/villages", &["admin", "lanhdao", "canbo.kimtan", "tocongnghe.kimtan"]),
    ("GET", "/pledges", &["admin", "lanhdao", "canbo.kimtan"]),
    ("POST", "/pledges", &["admin", "canbo.kimtan"]),
    ("POST", "/pledges/{id}/receive", &["admin", "canbo.kimtan"]),
    ("GET", "/allocations", &["admin", "canbo.kimtan", "tocongnghe.kimtan"]),
    ("POST", "/allocations", &["admin", "canbo.kimtan"]),
    ("POST", "/allocations/{id}/cancel", &["admin", "canbo.kimtan"]),
    ("PUT", "/handover-photos/{uuid}", &["admin", "canbo.kimtan", "tocongnghe.kimtan"]),
    ("GET", "/handover-photos/{uuid}", &["admin", "canbo.kimtan", "tocongnghe.kimtan"]),
    ("GET", "/exports/donations.csv", &["public", "admin", "lanhdao", "canbo.kimtan", "tocongnghe.kimtan", "viettel"]),
    ("GET", "/reports/donations.xlsx", &["admin", "lanhdao", "canbo.kimtan"]),
];

/// Server functions and who may call them successfully. Called in this order: signing in again
/// renews the session id and signing out ends the session, so those two come last.
const SERVER_FN_MATRIX: &[(&str, &[&str])] = &[
    ("/api/map/data", &["public", "admin", "lanhdao", "canbo.kimtan", "tocongnghe.kimtan", "viettel"]),
    ("/api/map/house", &["public", "admin", "lanhdao", "canbo.kimtan", "tocongnghe.kimtan", "viettel"]),
    ("/api/map/history", &["public", "admin", "lanhdao", "canbo.kimtan", "tocongnghe.kimtan", "viettel"]),
    ("/api/map/coverage", &["public", "admin", "lanhdao", "canbo.kimtan", "tocongnghe.kimtan", "viettel"]),
    ("/api/map/measured", &["public", "admin", "lanhdao", "canbo.kimtan", "tocongnghe.kimtan", "viettel"]),
    ("/api/dashboard", &["admin", "lanhdao", "canbo.kimtan"]),
    ("/api/dashboard/figure", &["admin", "canbo.kimtan"]),
    ("/api/dashboard/target", &["admin"]),
    ("/api/map/tiles", &["public", "admin", "lanhdao", "canbo.kimtan", "tocongnghe.kimtan", "viettel"]),
    ("/api/map/progress", &["public", "admin", "lanhdao", "canbo.kimtan", "tocongnghe.kimtan", "viettel"]),
    ("/api/map/donations", &["public", "admin", "lanhdao", "canbo.kimtan", "tocongnghe.kimtan", "viettel"]),
    ("/api/auth/me", &["public", "admin", "lanhdao", "canbo.kimtan", "tocongnghe.kimtan", "viettel"]),
    ("/api/map/wifi", &["admin", "canbo.kimtan"]),
    ("/api/auth/password", &["admin", "lanhdao", "canbo.kimtan", "tocongnghe.kimtan", "viettel"]),
    ("/api/auth/login", &["public", "admin", "lanhdao", "canbo.kimtan", "tocongnghe.kimtan", "viettel"]),
    ("/api/auth/logout", &["public", "admin", "lanhdao", "canbo.kimtan", "tocongnghe.kimtan", "viettel"]),
];

fn features(collection: &Value) -> Vec<Value> {
    collection["features"].as_array().cloned().unwrap_or_default()
}

/// Demo houses as the admin sees them.
async fn all_houses(app: &axum::Router, admin: &As) -> Vec<Value> {
    let (status, body) = send_json(app, Method::GET, "/api/v1/cultural-houses", admin, None).await;
    assert_eq!(status, StatusCode::OK);
    features(&body)
}

fn house_where(houses: &[Value], predicate: impl Fn(&Value) -> bool) -> i64 {
    houses
        .iter()
        .find(|house| predicate(&house["properties"]))
        .and_then(|house| house["id"].as_i64())
        .expect("the demo data has such a house")
}

/// Creates a token for the demo telecom account and returns (id, secret).
async fn telecom_token(app: &axum::Router, admin: &As, name: &str) -> (i64, String) {
    let body = json!({"username": "viettel", "name": name});
    let (status, created) = send_json(app, Method::POST, "/api/v1/tokens", admin, Some(body)).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    (created["id"].as_i64().expect("token id"), created["token"].as_str().expect("secret").to_owned())
}

fn denied(status: StatusCode) -> bool {
    status == StatusCode::UNAUTHORIZED || status == StatusCode::FORBIDDEN
}

#[tokio::test]
async fn every_route_and_server_function_follows_the_authorization_matrix() {
    on_each_backend(|test_db| async move {
        server::demo::reload(&test_db.db).await.expect("demo");
        let app = test_db.app();
        let admin = demo_login(&app, "admin").await;

        // The matrix names every route the router has, and nothing else.
        let declared: BTreeSet<(String, String)> = server::api::api_routes()
            .iter()
            .map(|route| (route.method.to_string(), route.path.to_owned()))
            .collect();
        let tested: BTreeSet<(String, String)> =
            API_MATRIX.iter().map(|(method, path, _)| ((*method).to_owned(), (*path).to_owned())).collect();
        assert_eq!(declared, tested, "add every new API route to API_MATRIX");
        let registered: BTreeSet<String> =
            leptos::server_fn::axum::server_fn_paths().map(|(path, _)| path.to_owned()).collect();
        let tested: BTreeSet<String> = SERVER_FN_MATRIX.iter().map(|(path, _)| (*path).to_owned()).collect();
        assert_eq!(registered, tested, "add every new server function to SERVER_FN_MATRIX");

        let houses = all_houses(&app, &admin).await;
        // Working Wi-Fi (the public sees it) in the team member's village, not another operator's:
        // every role the matrix admits may read and edit it, so a refusal can only come from the role.
        let kim_tan_house = house_where(&houses, |p| {
            p["village_code"] == "15187-01"
                && p["wifi_status"] == "active"
                && p["wifi_provider"] != "vnpt"
                && p["wifi_provider"] != "mobifone"
        });
        let (_, token) = telecom_token(&app, &admin, "matrix").await;
        let (spare_token, _) = telecom_token(&app, &admin, "to revoke").await;
        let (_, spare_user) = send_json(
            &app,
            Method::POST,
            "/api/v1/users",
            &admin,
            Some(json!({"username": "spare", "display_name": "Spare", "password": "spare-password", "role": "leader", "scope": ["391"]})),
        )
        .await;
        let spare_user = spare_user["id"].as_i64().expect("user id");
        let (kim_tan_visit,): (String,) = sqlx::query_as(
            "SELECT v.client_uuid FROM visit v JOIN admin_unit a ON a.id = v.village_id
             WHERE a.code = '15187-01' ORDER BY v.id LIMIT 1",
        )
        .fetch_one(test_db.db.pool())
        .await
        .expect("a demo visit in Khu phố 1");
        // A handover photo in Khu phố 1, which every role that sees handovers there may fetch.
        let shown_photo = uuid::Uuid::new_v4().to_string();
        let (status, text) = bandoso_tests::send_raw_bytes(
            &app,
            Method::PUT,
            &format!("/api/v1/handover-photos/{shown_photo}"),
            &admin,
            "image/png",
            Some(bandoso_tests::TINY_PNG.to_vec()),
            None,
        )
        .await;
        assert_eq!(status, StatusCode::CREATED, "{text}");
        bandoso_tests::received_pledge(&app, &admin, "15187", "smartphone", 1).await;
        let household = bandoso_tests::eligible_household(&app, &admin, "15187-01").await;
        let (_, allocation) = bandoso_tests::allocate(&app, &admin, household, "smartphone").await;
        let handover = json!({"kind": "handover", "uuid": uuid::Uuid::new_v4().to_string(),
            "allocation_id": allocation["id"], "handed_over_at": "2026-11-20T03:00:00Z", "photo_uuid": shown_photo,
            "guided": false});
        let (_, synced) =
            send_json(&app, Method::POST, "/api/v1/sync", &admin, Some(json!({"records": [handover]}))).await;
        assert_eq!(synced["results"][0]["outcome"], "stored", "{synced}");

        for actor in ACTORS {
            // Signing in afresh: the admin's own turn below changes its password, which ends its
            // other sessions, and the donation routes need fixtures made by an admin.
            let admin = demo_login(&app, "admin").await;
            let name = actor.unwrap_or("public");
            let who = match actor {
                None => As::Public,
                Some("viettel") => As::Token(token.clone()),
                Some(username) => demo_login(&app, username).await,
            };
            for (method, path, allowed) in API_MATRIX {
                // Routes that change a donation's state get a fresh one for each caller.
                let path = match (*method, *path) {
                    ("POST", "/pledges/{id}/receive") => {
                        let (_, donors) = send_json(&app, Method::GET, "/api/v1/donors", &admin, None).await;
                        let pledge = json!({"donor_id": donors[0]["id"], "commune_code": "15187", "item": "laptop",
                            "quantity": 1, "condition": "refurbished"});
                        let (_, created) = send_json(&app, Method::POST, "/api/v1/pledges", &admin, Some(pledge)).await;
                        format!("/pledges/{}/receive", created["id"])
                    }
                    ("POST", "/allocations/{id}/cancel") => {
                        bandoso_tests::received_pledge(&app, &admin, "15187", "tablet", 1).await;
                        let household = bandoso_tests::eligible_household(&app, &admin, "15187-01").await;
                        let (_, allocation) = bandoso_tests::allocate(&app, &admin, household, "tablet").await;
                        format!("/allocations/{}/cancel", allocation["id"])
                    }
                    ("PUT", "/handover-photos/{uuid}") => format!("/handover-photos/{}", uuid::Uuid::new_v4()),
                    ("GET", "/handover-photos/{uuid}") => format!("/handover-photos/{shown_photo}"),
                    _ => (*path).to_owned(),
                };
                let allocation_body = if (*method, path.as_str()) == ("POST", "/allocations") {
                    bandoso_tests::received_pledge(&app, &admin, "15187", "sim_data", 1).await;
                    let household = bandoso_tests::eligible_household(&app, &admin, "15187-01").await;
                    Some(json!({"household_id": household, "item": "sim_data"}))
                } else {
                    None
                };
                let uri = format!(
                    "/api/v1{}",
                    path.replace("/cultural-houses/{id}", &format!("/cultural-houses/{kim_tan_house}"))
                        .replace("/users/{id}", &format!("/users/{spare_user}"))
                        .replace("/tokens/{id}", &format!("/tokens/{spare_token}"))
                        .replace("{code}", "15187-01")
                        .replace("{uuid}", &kim_tan_visit)
                );
                let uri = match path.as_str() {
                    "/audit" => format!("{uri}?entity_type=user&entity_id={spare_user}"),
                    "/admin-units" => format!("{uri}?level=commune"),
                    "/households" | "/donations/eligible" => format!("{uri}?village=15187-01"),
                    "/map/cultural-houses" | "/map/visits" => format!("{uri}?zoom=12&bbox=105.4,20.0,105.9,20.4"),
                    _ => uri,
                };
                let body = match (*method, path.as_str()) {
                    ("POST", "/donors") => Some(json!({"kind": "business", "name": format!("Donor by {name}")})),
                    ("POST", "/pledges") => {
                        let (_, donors) = send_json(&app, Method::GET, "/api/v1/donors", &admin, None).await;
                        Some(json!({"donor_id": donors[0]["id"], "commune_code": "15187", "item": "money",
                            "value_vnd": 500000}))
                    }
                    ("POST", "/allocations") => allocation_body,
                    ("PUT", "/targets") => Some(json!({"indicator": "public_staff", "year": 2026, "percent": 95})),
                    ("POST", "/indicator-reports") => Some(json!({
                        "indicator": "public_staff", "commune_code": "15187", "period": "2026-Q1",
                        "numerator": 1, "denominator": 2
                    })),
                    ("PUT", _) => Some(json!({"status": "active", "provider": "viettel", "bandwidth_mbps": 100})),
                    ("POST", "/users") => Some(json!({
                        "username": format!("new-{name}"), "display_name": "New", "password": "a long password",
                        "role": "leader", "scope": ["391"]
                    })),
                    ("POST", "/tokens") => Some(json!({"username": "viettel", "name": format!("by {name}")})),
                    ("POST", "/coverage-reports") => Some(json!({
                        "village_code": "15187-01", "operator": "viettel", "technology": "4G", "quality": "good"
                    })),
                    ("PATCH", "/visits/{uuid}") => Some(json!({
                        "people_helped": 2, "skills": ["online_safety"], "vneid_activated": null,
                        "bank_account_opened": null, "note": format!("corrected by {name}")
                    })),
                    ("PATCH", _) => Some(json!({"display_name": format!("Renamed by {name}")})),
                    ("POST", "/sync") => Some(json!({"records": []})),
                    _ => None,
                };
                let method: Method = method.parse().expect("method");
                let headers = if method == Method::PUT && path.starts_with("/cultural-houses") {
                    vec![(http::header::IF_MATCH, bandoso_tests::house_version(&app, &admin, kim_tan_house).await)]
                } else if path == "/visits/{uuid}" {
                    let (version,): (i64,) = sqlx::query_as("SELECT version FROM visit WHERE client_uuid = $1")
                        .bind(&kim_tan_visit)
                        .fetch_one(test_db.db.pool())
                        .await
                        .expect("visit version");
                    vec![(http::header::IF_MATCH, format!("\"{version}\""))]
                } else {
                    Vec::new()
                };
                let (status, text) = if path.starts_with("/handover-photos/") && method == Method::PUT {
                    let photo = Some(bandoso_tests::TINY_PNG.to_vec());
                    bandoso_tests::send_raw_bytes(&app, method.clone(), &uri, &who, "image/png", photo, None).await
                } else if path == "/imports/coverage" {
                    let csv = b"village_code,operator,technology,quality\n15187-01,viettel,5G,fair\n".to_vec();
                    bandoso_tests::post_file(&app, &uri, &who, "text/csv", csv).await
                } else if path == "/imports/coverage-areas" {
                    let file = bandoso_tests::coverage_area_file("15187-01", "viettel", 105.60, 20.20);
                    bandoso_tests::post_file(&app, &uri, &who, "application/geo+json", file.into_bytes()).await
                } else if path == "/imports/wifi" {
                    let csv = format!("cultural_house_id,status,provider\n{kim_tan_house},active,viettel\n").into_bytes();
                    bandoso_tests::post_file(&app, &uri, &who, "text/csv", csv).await
                } else {
                    bandoso_tests::send_with(&app, method.clone(), &uri, &who, body, &headers).await
                };
                if allowed.contains(&name) {
                    assert!(status.is_success(), "{name} {method} {uri} should be allowed, got {status}: {text}");
                } else {
                    assert!(
                        denied(status) || status == StatusCode::NOT_FOUND,
                        "{name} {method} {uri} should be refused, got {status}: {text}"
                    );
                }
            }
            for (path, allowed) in SERVER_FN_MATRIX {
                let form = match *path {
                    "/api/map/house" | "/api/map/history" => format!("id={kim_tan_house}"),
                    "/api/auth/login" => format!("username={}&password=bandoso-demo", actor.unwrap_or("admin")),
                    "/api/auth/password" => "current=bandoso-demo&new=bandoso-demo".to_owned(),
                    "/api/dashboard/figure" => {
                        "indicator=public_staff&commune_code=15187&period=2026-Q1&numerator=1&denominator=2&note=".to_owned()
                    }
                    "/api/dashboard/target" => "indicator=public_staff&year=2026&unit_code=*&percent=95".to_owned(),
                    "/api/map/wifi" => {
                        let version = bandoso_tests::house_version(&app, &admin, kim_tan_house).await;
                        format!("id={kim_tan_house}&version={}&update[status]=active&update[provider]=viettel", version.trim_matches('"'))
                    }
                    _ => String::new(),
                };
                let mut request = http::Request::post(*path).header(http::header::CONTENT_TYPE, "application/x-www-form-urlencoded");
                if let As::Session(cookie) = &who {
                    request = request.header(http::header::COOKIE, cookie);
                }
                let response = tower::ServiceExt::oneshot(app.clone(), request.body(axum::body::Body::from(form)).expect("request"))
                    .await
                    .expect("response");
                let status = response.status();
                let text = bandoso_tests::body_text(response).await;
                // A telecom integration acts through its token, not a browser session: it has no
                // session for server functions, so it is treated as the public there.
                let effective = if name == "viettel" { "public" } else { name };
                let expect_ok = allowed.contains(&effective) || (*path == "/api/auth/login");
                assert_eq!(status.is_success(), expect_ok, "{name} {path}: {status} {text}");
            }
        }
        test_db
    })
    .await;
}

#[tokio::test]
async fn scope_and_operator_boundaries_hold_for_wifi_updates() {
    on_each_backend(|test_db| async move {
        server::demo::reload(&test_db.db).await.expect("demo");
        let app = test_db.app();
        let admin = demo_login(&app, "admin").await;
        let houses = all_houses(&app, &admin).await;
        let van_du_house = house_where(&houses, |p| p["commune_code"] == "15190");
        let kim_tan_house = house_where(&houses, |p| p["commune_code"] == "15187");
        let vnpt_house = house_where(&houses, |p| p["wifi_provider"] == "vnpt");
        let free_house = house_where(&houses, |p| p["wifi_provider"].is_null());
        let update = |provider: &str| Some(json!({"status": "active", "provider": provider, "bandwidth_mbps": 50, "last_verified_at": "2025-11-01"}));

        let officer = demo_login(&app, "canbo.kimtan").await;
        let (status, body) = put_wifi(&app, &officer, &admin, van_du_house, update("viettel")).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "officer of Kim Tân on Vân Du: {body}");
        assert_eq!(body["error"]["code"], "forbidden");
        let (status, body) = put_wifi(&app, &officer, &admin, kim_tan_house, update("vnpt")).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body["properties"]["wifi_provider"], "vnpt");
        assert_eq!(body["properties"]["last_verified_at"], "2025-11-01T00:00:00Z");

        let (_, token) = telecom_token(&app, &admin, "boundaries").await;
        let viettel = As::Token(token);
        let (status, body) = put_wifi(&app, &viettel, &admin, vnpt_house, update("viettel")).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "Viettel on a VNPT house: {body}");
        let (status, body) = put_wifi(&app, &viettel, &admin, free_house, update("vnpt")).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "Viettel cannot hand a house to VNPT: {body}");
        let (status, body) = put_wifi(&app, &viettel, &admin, free_house, update("viettel")).await;
        assert_eq!(status, StatusCode::OK, "Viettel takes over a house with no provider: {body}");

        let (status, body) = put_wifi(&app, &viettel, &admin, free_house, Some(json!({"status": "active"}))).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert!(body["error"]["message"].as_str().unwrap_or_default().contains("provider"));
        let (status, body) = put_wifi(&app, &viettel, &admin, free_house, Some(json!({"status": "lit"}))).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
        let bad_date = json!({"status": "active", "provider": "viettel", "installed_at": "yesterday"});
        let (status, body) = put_wifi(&app, &viettel, &admin, free_house, Some(bad_date)).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert!(body["error"]["message"].as_str().unwrap_or_default().contains("installed_at"));

        // Every accepted change is in the audit log with its actor and before/after state.
        let audit_uri = format!("/api/v1/audit?entity_type=cultural_house&entity_id={free_house}");
        let (status, entries) = send_json(&app, Method::GET, &audit_uri, &admin, None).await;
        assert_eq!(status, StatusCode::OK);
        let entries = entries.as_array().cloned().unwrap_or_default();
        assert_eq!(entries.len(), 1, "only the accepted change is recorded: {entries:?}");
        assert!(entries[0]["actor"].as_str().unwrap_or_default().starts_with("viettel (token"));
        let before: Value = serde_json::from_str(entries[0]["before_json"].as_str().unwrap_or("null")).expect("before");
        let after: Value = serde_json::from_str(entries[0]["after_json"].as_str().unwrap_or("null")).expect("after");
        assert!(before["wifi_provider"].is_null());
        assert_eq!(after["wifi_provider"], "viettel");
        test_db
    })
    .await;
}

/// Keys that would betray personal data or secrets in a response.
const FORBIDDEN_KEYS: [&str; 7] =
    ["password_hash", "token_hash", "phone", "phone_number", "household_name", "members", "contact"];

fn find_forbidden_key(value: &Value) -> Option<String> {
    match value {
        Value::Object(map) => map.iter().find_map(|(key, value)| {
            if FORBIDDEN_KEYS.contains(&key.as_str()) {
                Some(key.clone())
            } else {
                find_forbidden_key(value)
            }
        }),
        Value::Array(items) => items.iter().find_map(find_forbidden_key),
        _ => None,
    }
}

#[tokio::test]
async fn leader_telecom_and_public_responses_carry_no_personal_data_or_secrets() {
    on_each_backend(|test_db| async move {
        server::demo::reload(&test_db.db).await.expect("demo");
        let app = test_db.app();
        let admin = demo_login(&app, "admin").await;
        let house = house_where(&all_houses(&app, &admin).await, |p| p["wifi_status"] == "active");
        let (_, token) = telecom_token(&app, &admin, "privacy").await;
        let viewers = [As::Public, demo_login(&app, "lanhdao").await, As::Token(token)];
        for who in &viewers {
            for (method, path, _) in API_MATRIX.iter().filter(|(method, _, _)| *method == "GET") {
                let uri = format!("/api/v1{}", path.replace("{id}", &house.to_string()));
                let uri = if uri.ends_with("/admin-units") { format!("{uri}?level=commune") } else { uri };
                let (status, text) = send(&app, method.parse().expect("method"), &uri, who, None).await;
                if let Ok(json) = serde_json::from_str::<Value>(&text) {
                    assert_eq!(find_forbidden_key(&json), None, "{who:?} {uri} ({status})");
                }
                assert!(!text.contains("$argon2"), "{uri} leaks a password hash");
            }
        }
        // Even the admin's user list never carries hashes.
        let (_, users) = send(&app, Method::GET, "/api/v1/users", &admin, None).await;
        assert!(!users.contains("$argon2") && !users.contains("password_hash"));
        test_db
    })
    .await;
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

#[tokio::test]
async fn api_tokens_are_shown_once_stored_hashed_recorded_and_revocable() {
    on_each_backend(|test_db| async move {
        server::demo::reload(&test_db.db).await.expect("demo");
        let app = test_db.app();
        let admin = demo_login(&app, "admin").await;
        let (id, secret) = telecom_token(&app, &admin, "Viettel OSS").await;
        assert!(secret.starts_with("bds_") && secret.len() > 60);
        let (stored,): (String,) = sqlx::query_as("SELECT token_hash FROM api_token WHERE id = $1")
            .bind(id)
            .fetch_one(test_db.db.pool())
            .await
            .expect("token row");
        assert!(!stored.contains(&secret[4..]), "only a hash is stored");
        let (_, listed) = send(&app, Method::GET, "/api/v1/tokens", &admin, None).await;
        assert!(!listed.contains(&secret), "the secret is never listed");

        let token = As::Token(secret.clone());
        let (status, me) = send_json(&app, Method::GET, "/api/v1/me", &token, None).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(me["username"], "viettel");
        assert_eq!(me["operator"], "viettel");
        let (_, tokens) = send_json(&app, Method::GET, "/api/v1/tokens", &admin, None).await;
        let used = tokens.as_array().and_then(|t| t.iter().find(|t| t["id"] == id).cloned()).expect("listed");
        assert!(used["last_used_at"].is_string(), "last use recorded: {used}");

        let (status, _) = send(&app, Method::DELETE, &format!("/api/v1/tokens/{id}"), &admin, None).await;
        assert_eq!(status, StatusCode::OK);
        let (status, body) = send_json(&app, Method::GET, "/api/v1/me", &token, None).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        assert_eq!(body["error"]["code"], "unauthenticated");
        let (status, _) =
            send(&app, Method::GET, "/api/v1/cultural-houses", &As::Token("bds_forged".into()), None).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "a bad token is refused, never treated as the public");
        let (_, audit) =
            send_json(&app, Method::GET, &format!("/api/v1/audit?entity_type=api_token&entity_id={id}"), &admin, None)
                .await;
        let actions: Vec<&str> =
            audit.as_array().map(|a| a.iter().filter_map(|e| e["action"].as_str()).collect()).unwrap_or_default();
        assert_eq!(actions, ["revoke", "create"]);
        test_db
    })
    .await;
}

#[tokio::test]
async fn admins_manage_accounts_with_clear_errors() {
    on_each_backend(|test_db| async move {
        server::demo::reload(&test_db.db).await.expect("demo");
        let app = test_db.app();
        let admin = demo_login(&app, "admin").await;
        let create = |body: Value| {
            let (app, admin) = (app.clone(), admin.clone());
            async move { send_json(&app, Method::POST, "/api/v1/users", &admin, Some(body)).await }
        };
        let (status, body) = create(json!({"username": "vnpt.th", "display_name": "VNPT", "password": "short", "role": "telecom", "operator": "vnpt", "scope": ["391"]})).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(body["error"]["message"].as_str().unwrap_or_default().contains("password"));
        let (status, body) = create(json!({"username": "vnpt.th", "display_name": "VNPT", "password": "long enough pw", "role": "telecom", "scope": ["391"]})).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(body["error"]["message"].as_str().unwrap_or_default().starts_with("operator"));
        let (status, body) = create(json!({"username": "vnpt.th", "display_name": "VNPT", "password": "long enough pw", "role": "telecom", "operator": "vnpt", "scope": ["00000"]})).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(body["error"]["message"].as_str().unwrap_or_default().contains("00000"));
        let (status, created) = create(json!({"username": "vnpt.th", "display_name": "VNPT", "password": "long enough pw", "role": "telecom", "operator": "vnpt", "scope": ["391"]})).await;
        assert_eq!(status, StatusCode::CREATED, "{created}");
        let (status, _) = create(json!({"username": "vnpt.th", "display_name": "Again", "password": "long enough pw", "role": "leader", "scope": ["391"]})).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "usernames are unique");
        login(&app, "vnpt.th", "long enough pw").await;

        let id = created["id"].as_i64().expect("id");
        let uri = format!("/api/v1/users/{id}");
        let (status, updated) = send_json(&app, Method::PATCH, &uri, &admin, Some(json!({"disabled": true}))).await;
        assert_eq!(status, StatusCode::OK, "{updated}");
        assert_eq!(updated["disabled"], true);
        let (status, _, cookie) = try_login(&app, "vnpt.th", "long enough pw").await;
        assert!(!status.is_success() && cookie.is_none(), "a disabled account cannot sign in");
        let (status, _) = send_json(&app, Method::PATCH, &uri, &admin, Some(json!({"role": "leader"}))).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "a leader cannot keep an operator");
        let (status, moved) = send_json(&app, Method::PATCH, &uri, &admin, Some(json!({"role": "leader", "operator": null, "scope": ["15187"], "disabled": false}))).await;
        assert_eq!(status, StatusCode::OK, "{moved}");
        assert_eq!(moved["scope"], json!(["15187"]));
        let (_, me) = send_json(&app, Method::GET, "/api/v1/me", &admin, None).await;
        let uri = format!("/api/v1/users/{}", me["id"]);
        let (status, _) = send_json(&app, Method::PATCH, &uri, &admin, Some(json!({"disabled": true}))).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "no admin locks themselves out");
        test_db
    })
    .await;
}

#[tokio::test]
async fn a_fresh_installation_gets_one_admin_and_no_default_password() {
    on_each_backend(|test_db| async move {
        server::cli::ensure_first_admin(&test_db.db, Some("configured-admin-pw".into())).await.expect("first admin");
        server::cli::ensure_first_admin(&test_db.db, Some("another-password".into())).await.expect("no-op");
        let app = test_db.app();
        login(&app, "admin", "configured-admin-pw").await;
        let (status, _, _) = try_login(&app, "admin", "another-password").await;
        assert!(!status.is_success(), "the second call changed nothing");
        test_db
    })
    .await;
}

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
