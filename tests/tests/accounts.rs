//! Accounts, roles, scopes, tokens, sessions and the audit trail, on SQLite and PostgreSQL.

use bandoso_tests::{
    all_houses, demo_login, house_where, login, on_each_backend, put_wifi, send, send_json, try_login, As,
};
use http::{Method, StatusCode};
use serde_json::{json, Value};
use std::collections::BTreeSet;

/// The authorization matrix: who may call each route and server function.
#[path = "accounts/matrix.rs"]
mod matrix;
use matrix::{ACTORS, API_MATRIX, SERVER_FN_MATRIX};

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
            Some(json!({"username": "spare", "display_name": "Spare", "password": "spare-password", "role": "leader", "scope": ["38"]})),
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
        // A disagreement Viettel may answer in Khu phố 2 (declared good, then measured weak three
        // times over two days), and a declaration of Viettel's over a year old it may confirm.
        let stale_id = bandoso_tests::coverage::matrix_fixtures(&test_db, &admin).await;

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
                    ("POST", "/coverage-reports/{id}/confirm") => format!("/coverage-reports/{stale_id}/confirm"),
                    ("POST", "/coverage/disagreements/{village}/{operator}/answers") => {
                        "/coverage/disagreements/15187-02/viettel/answers".to_owned()
                    }
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
                        .replace("{kind}", "villages")
                        .replace("{file}", "villages.xlsx")
                        .replace("{uuid}", &kim_tan_visit)
                );
                let uri = match path.as_str() {
                    "/audit" => format!("{uri}?entity_type=user&entity_id={spare_user}"),
                    "/admin-units" => format!("{uri}?level=commune"),
                    "/households" | "/donations/eligible" => format!("{uri}?village=15187-01"),
                    "/map/cultural-houses" | "/map/visits" | "/map/progress" | "/map/donations" => format!("{uri}?zoom=12&bbox=105.4,20.0,105.9,20.4"),
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
                    ("PUT", "/cultural-houses/{id}/position") => {
                        Some(json!({"lat": 20.2, "lon": 105.6, "accuracy_m": 8}))
                    }
                    ("PUT", _) => Some(json!({"status": "active", "provider": "viettel", "bandwidth_mbps": 100})),
                    ("POST", "/users") => Some(json!({
                        "username": format!("new-{name}"), "display_name": "New", "password": "a long password",
                        "role": "leader", "scope": ["38"]
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
                    ("POST", "/measurements") => Some(json!({
                        "uuid": uuid::Uuid::new_v4().to_string(), "measured_at": "2026-11-20T03:00:00Z",
                        "village_code": "15187-01", "operator": "viettel", "network_type": "4G",
                        "latency_ms": 80.0, "download_kbps": 4000.0, "upload_kbps": 900.0
                    })),
                    ("POST", "/coverage/disagreements/15187-02/viettel/answers") => {
                        Some(json!({"answer": "acknowledged"}))
                    }
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
                } else if path == "/imports/boundaries" {
                    let file = bandoso_tests::coverage_area_file("15187-01", "viettel", 105.60, 20.20)
                        .replace("\"village_code\"", "\"code\"")
                        .replace("\"operator\"", "\"name\"");
                    let uri = format!("{uri}?dry_run=true");
                    bandoso_tests::post_file(&app, &uri, &who, "application/geo+json", file.into_bytes()).await
                } else if path == "/imports/reorganisation" {
                    // Kim Tân's part of July 2025, already applied by the demo: a no-op.
                    let csv = ["15187", "15214", "15241", "15253", "15256", "15265"]
                        .iter()
                        .fold("old_code,new_code,new_name,effective_date\n".to_owned(), |csv, old| {
                            csv + &format!("{old},15187,Xã Kim Tân,2025-07-01\n")
                        });
                    bandoso_tests::post_file(&app, &uri, &who, "text/csv", csv.into_bytes()).await
                } else if path == "/imports/{kind}" {
                    // A village of Kim Tân, in a dry run: the data stay as the demo has them.
                    let csv = "commune_code,name\n15187,Thôn mới\n".as_bytes().to_vec();
                    bandoso_tests::post_file(&app, &format!("{uri}?dry_run=true"), &who, "text/csv", csv).await
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
                    "/api/map/place" => format!("id={kim_tan_house}&lat=20.2&lon=105.6&accuracy_m=8"),
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
        let (status, body) = create(json!({"username": "vnpt.th", "display_name": "VNPT", "password": "short", "role": "telecom", "operator": "vnpt", "scope": ["38"]})).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(body["error"]["message"].as_str().unwrap_or_default().contains("password"));
        let (status, body) = create(json!({"username": "vnpt.th", "display_name": "VNPT", "password": "long enough pw", "role": "telecom", "scope": ["38"]})).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(body["error"]["message"].as_str().unwrap_or_default().starts_with("operator"));
        let (status, body) = create(json!({"username": "vnpt.th", "display_name": "VNPT", "password": "long enough pw", "role": "telecom", "operator": "vnpt", "scope": ["00000"]})).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(body["error"]["message"].as_str().unwrap_or_default().contains("00000"));
        let (status, created) = create(json!({"username": "vnpt.th", "display_name": "VNPT", "password": "long enough pw", "role": "telecom", "operator": "vnpt", "scope": ["38"]})).await;
        assert_eq!(status, StatusCode::CREATED, "{created}");
        let (status, _) = create(json!({"username": "vnpt.th", "display_name": "Again", "password": "long enough pw", "role": "leader", "scope": ["38"]})).await;
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
