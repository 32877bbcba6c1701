//! The map's REST API and page, driven through `server::app` on SQLite and PostgreSQL.

use bandoso_tests::{demo_login, get, get_json, on_each_backend, send_json, As, TestDb};
use http::{Method, StatusCode};
use serde_json::Value;

async fn seeded(test_db: &TestDb) -> server::demo::DemoCounts {
    server::demo::reload(&test_db.db).await.expect("demo data loads")
}

/// Every cultural house `who` may see, as GeoJSON features.
async fn every_house(app: &axum::Router, who: &As) -> Vec<Value> {
    let (_, all) = send_json(app, Method::GET, "/api/v1/cultural-houses", who, None).await;
    features(&all).clone()
}

fn features(collection: &Value) -> &Vec<Value> {
    assert_eq!(collection["type"], "FeatureCollection");
    collection["features"].as_array().expect("features array")
}

#[tokio::test]
async fn health_check_answers_when_the_database_does() {
    on_each_backend(|test_db| async move {
        let (status, body) = get_json(&test_db.app(), "/healthz").await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(body["status"], "ok");
        test_db
    })
    .await;
}

#[tokio::test]
async fn health_check_reports_a_closed_database_as_unavailable() {
    on_each_backend(|test_db| async move {
        let app = test_db.app();
        test_db.db.close().await;
        let (status, body) = get_json(&app, "/healthz").await;
        assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(body["error"]["code"], "unavailable");
        test_db
    })
    .await;
}

#[tokio::test]
async fn cultural_houses_are_geojson_points_with_the_contract_properties() {
    on_each_backend(|test_db| async move {
        let counts = seeded(&test_db).await;
        let app = test_db.app();
        let admin = demo_login(&app, "admin").await;
        let (status, body) = send_json(&app, Method::GET, "/api/v1/cultural-houses", &admin, None).await;
        assert_eq!(status, StatusCode::OK);
        let features = features(&body);
        assert_eq!(features.len(), counts.cultural_houses);
        for feature in features {
            assert_eq!(feature["geometry"]["type"], "Point");
            let lon = feature["geometry"]["coordinates"][0].as_f64().expect("lon");
            let lat = feature["geometry"]["coordinates"][1].as_f64().expect("lat");
            assert!((105.3..106.0).contains(&lon) && (19.9..20.5).contains(&lat), "[{lon}, {lat}] is in Thạch Thành");
            let properties = &feature["properties"];
            for key in [
                "id",
                "name",
                "village",
                "commune",
                "wifi_status",
                "wifi_provider",
                "wifi_provider_name",
                "bandwidth_mbps",
                "last_verified_at",
            ] {
                assert!(properties.get(key).is_some(), "property {key} missing in {properties}");
            }
            assert_eq!(feature["id"], properties["id"]);
        }
        let statuses: std::collections::HashSet<&str> =
            features.iter().filter_map(|f| f["properties"]["wifi_status"].as_str()).collect();
        assert_eq!(statuses.len(), 5, "the demo shows every Wi-Fi status: {statuses:?}");
        test_db
    })
    .await;
}

#[tokio::test]
async fn filters_by_status_commune_and_bbox() {
    on_each_backend(|test_db| async move {
        seeded(&test_db).await;
        let app = test_db.app();
        let admin = demo_login(&app, "admin").await;
        let get_json = |uri: &'static str| {
            let (app, admin) = (app.clone(), admin.clone());
            async move { send_json(&app, Method::GET, uri, &admin, None).await }
        };
        let (_, all) = get_json("/api/v1/cultural-houses").await;
        let all = features(&all).clone();
        let count_where =
            |predicate: &dyn Fn(&Value) -> bool| all.iter().filter(|f| predicate(&f["properties"])).count();

        let (status, active) = get_json("/api/v1/cultural-houses?status=active").await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(features(&active).len(), count_where(&|p| p["wifi_status"] == "active"));

        let (_, two) = get_json("/api/v1/cultural-houses?status=broken,none").await;
        assert_eq!(features(&two).len(), count_where(&|p| p["wifi_status"] == "broken" || p["wifi_status"] == "none"));

        let (_, kim_tan) = get_json("/api/v1/cultural-houses?commune=15187").await;
        let kim_tan = features(&kim_tan);
        assert!(!kim_tan.is_empty());
        assert_eq!(kim_tan.len(), count_where(&|p| p["commune_code"] == "15187"));
        assert!(kim_tan.iter().all(|f| f["properties"]["commune"] == "Xã Kim Tân"));

        let first = &all[0]["geometry"]["coordinates"];
        let (lon, lat) = (first[0].as_f64().unwrap_or_default(), first[1].as_f64().unwrap_or_default());
        let bbox = format!("{},{},{},{}", lon - 1e-6, lat - 1e-6, lon + 1e-6, lat + 1e-6);
        let uri = format!("/api/v1/cultural-houses?bbox={bbox}");
        let (_, boxed) = send_json(&app, Method::GET, &uri, &admin, None).await;
        let boxed = features(&boxed);
        assert_eq!(boxed.len(), 1);
        assert_eq!(boxed[0]["id"], all[0]["id"]);
        test_db
    })
    .await;
}

#[tokio::test]
async fn malformed_parameters_get_a_json_400_naming_the_problem() {
    on_each_backend(|test_db| async move {
        seeded(&test_db).await;
        let app = test_db.app();
        let cases = [
            ("/api/v1/cultural-houses?bbox=1,2,3", "bbox"),
            ("/api/v1/cultural-houses?bbox=a,b,c,d", "bbox"),
            ("/api/v1/cultural-houses?bbox=106,21,105,20", "bbox"),
            ("/api/v1/cultural-houses?bbox=0,0,181,1", "bbox"),
            ("/api/v1/cultural-houses?status=working", "status"),
            ("/api/v1/cultural-houses?status=", "status"),
            ("/api/v1/cultural-houses?commune=99999", "commune"),
            ("/api/v1/cultural-houses?commune=391", "commune"),
            ("/api/v1/admin-units", "level"),
            ("/api/v1/admin-units?level=hamlet", "level"),
        ];
        for (uri, parameter) in cases {
            let (status, body) = get_json(&app, uri).await;
            assert_eq!(status, StatusCode::BAD_REQUEST, "{uri}: {body}");
            assert_eq!(body["error"]["code"], "invalid_parameter", "{uri}: {body}");
            assert_eq!(body["error"]["parameter"], parameter, "{uri}: {body}");
            assert!(!body["error"]["message"].as_str().unwrap_or_default().is_empty());
        }
        for uri in
            ["/api/v1/cultural-houses?colour=red", "/api/v1/cultural-houses/abc", "/api/v1/cultural-houses?bbox=%ZZ"]
        {
            let (status, body) = get_json(&app, uri).await;
            assert_eq!(status, StatusCode::BAD_REQUEST, "{uri}: {body}");
            assert_eq!(body["error"]["code"], "invalid_parameter", "{uri}: {body}");
        }
        let (status, body) = get_json(&app, "/api/v1/cultural-houses/987654").await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert_eq!(body["error"]["code"], "not_found");
        let (status, body) = get_json(&app, "/api/v1/no-such-thing").await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert_eq!(body["error"]["code"], "not_found");
        test_db
    })
    .await;
}

#[tokio::test]
async fn one_house_carries_the_latest_coverage_per_operator_and_technology() {
    on_each_backend(|test_db| async move {
        seeded(&test_db).await;
        let app = test_db.app();
        let admin = demo_login(&app, "admin").await;
        let (_, all) = send_json(&app, Method::GET, "/api/v1/cultural-houses", &admin, None).await;
        let id = features(&all)[0]["id"].as_i64().expect("numeric id");
        let uri = format!("/api/v1/cultural-houses/{id}");
        let (status, house) = send_json(&app, Method::GET, &uri, &admin, None).await;
        assert_eq!(status, StatusCode::OK);
        let coverage = house["properties"]["coverage"].as_array().expect("coverage array");
        let mut keys: Vec<(String, String)> =
            coverage.iter().map(|entry| (entry["operator"].to_string(), entry["technology"].to_string())).collect();
        let reported = keys.len();
        keys.sort();
        keys.dedup();
        assert_eq!(keys.len(), reported, "one entry per operator and technology: {coverage:?}");
        let operators: std::collections::HashSet<_> = coverage.iter().map(|e| e["operator"].clone()).collect();
        assert_eq!(operators.len(), 3, "Viettel, VNPT and MobiFone report 4G everywhere");
        // The demo records each 4G report twice (March, then September): only September shows.
        for entry in coverage.iter().filter(|e| e["technology"] == "4G") {
            assert_eq!(entry["reported_at"], "2025-09-15T00:00:00Z");
        }
        test_db
    })
    .await;
}

#[tokio::test]
async fn admin_units_list_commune_boundaries() {
    on_each_backend(|test_db| async move {
        let counts = seeded(&test_db).await;
        let app = test_db.app();
        let (status, body) = get_json(&app, "/api/v1/admin-units?level=commune").await;
        assert_eq!(status, StatusCode::OK);
        let communes = features(&body);
        assert_eq!(communes.len(), counts.communes);
        for commune in communes {
            assert_eq!(commune["geometry"]["type"], "MultiPolygon");
            assert_eq!(commune["properties"]["level"], "commune");
            assert_eq!(commune["properties"]["parent_code"], "38", "communes belong to the province since July 2025");
        }
        let (_, villages) = get_json(&app, "/api/v1/admin-units?level=village&parent=15187").await;
        let villages = features(&villages);
        assert!(!villages.is_empty());
        assert!(villages.iter().all(|v| v["properties"]["parent_code"] == "15187" && v["geometry"].is_null()));
        test_db
    })
    .await;
}

#[tokio::test]
async fn the_map_page_is_server_rendered_in_vietnamese_with_english_on_request() {
    on_each_backend(|test_db| async move {
        seeded(&test_db).await;
        let app = test_db.app();
        let (status, html) = get(&app, "/").await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains("<html lang=\"vi\""), "{}", &html[..200.min(html.len())]);
        assert!(html.contains("nhà văn hóa có Wi-Fi miễn phí"), "the public view counts free Wi-Fi");
        assert!(html.contains("Nhà văn hóa Khu phố 1"), "house names are in the first response");
        assert!(!html.contains("status-filter"), "the public view has only working Wi-Fi to filter");
        assert!(html.contains("Dữ liệu minh họa"), "the demo data set is labelled");
        assert!(!html.contains("<template"), "content is in place, not streamed out of order");

        let request = http::Request::get("/")
            .header(http::header::COOKIE, "lang=en")
            .body(axum::body::Body::empty())
            .expect("request");
        let response = tower::ServiceExt::oneshot(app.clone(), request).await.expect("response");
        let english = bandoso_tests::body_text(response).await;
        assert!(english.contains("<html lang=\"en\""));
        assert!(english.contains("cultural houses with free Wi-Fi"));
        assert!(english.contains("Demo data"));

        let bandoso_tests::As::Session(cookie) = demo_login(&app, "lanhdao").await else { unreachable!("a session") };
        let request = http::Request::get("/")
            .header(http::header::COOKIE, format!("{cookie}; lang=vi"))
            .body(axum::body::Body::empty())
            .expect("request");
        let response = tower::ServiceExt::oneshot(app.clone(), request).await.expect("response");
        let leader = bandoso_tests::body_text(response).await;
        // Hydration markers (`<!>`) aside, the count reads "N/128 nhà văn hóa có Wi-Fi".
        let leader = leader.replace("<!>", "");
        assert!(leader.contains("/128</strong> nhà văn hóa có Wi-Fi"), "a leader sees every house");
        assert!(leader.contains("status-filter") && leader.contains("Lãnh đạo tỉnh"));
        test_db
    })
    .await;
}

#[tokio::test]
async fn the_public_sees_only_working_wifi_and_accounts_only_their_scope() {
    on_each_backend(|test_db| async move {
        seeded(&test_db).await;
        let app = test_db.app();
        let admin = demo_login(&app, "admin").await;
        let all = every_house(&app, &admin).await;

        let (status, public) = get_json(&app, "/api/v1/cultural-houses").await;
        assert_eq!(status, StatusCode::OK);
        let public = features(&public);
        let active = all.iter().filter(|f| f["properties"]["wifi_status"] == "active").count();
        assert_eq!(public.len(), active);
        let (_, none) = get_json(&app, "/api/v1/cultural-houses?status=broken").await;
        assert!(features(&none).is_empty(), "the public never sees broken Wi-Fi");
        let hidden = all.iter().find(|f| f["properties"]["wifi_status"] != "active").expect("a non-active house");
        let (status, _) = get(&app, &format!("/api/v1/cultural-houses/{}", hidden["id"])).await;
        assert_eq!(status, StatusCode::NOT_FOUND);

        let officer = demo_login(&app, "canbo.kimtan").await;
        let (_, own) = send_json(&app, Method::GET, "/api/v1/cultural-houses", &officer, None).await;
        let own = features(&own);
        assert_eq!(own.len(), all.iter().filter(|f| f["properties"]["commune_code"] == "15187").count());
        assert!(own.iter().all(|f| f["properties"]["commune_code"] == "15187"));

        let member = demo_login(&app, "tocongnghe.kimtan").await;
        let (_, villages) = send_json(&app, Method::GET, "/api/v1/cultural-houses", &member, None).await;
        let villages = features(&villages);
        assert_eq!(villages.len(), 2, "one house in each of the two villages of the team");
        let other = all.iter().find(|f| f["properties"]["commune_code"] != "15187").expect("a house elsewhere");
        let uri = format!("/api/v1/cultural-houses/{}", other["id"]);
        let (status, _) = send_json(&app, Method::GET, &uri, &member, None).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "outside the scope does not exist for the viewer");

        let leader = demo_login(&app, "lanhdao").await;
        let (_, district) = send_json(&app, Method::GET, "/api/v1/cultural-houses", &leader, None).await;
        assert_eq!(features(&district).len(), all.len(), "a district scope covers every commune");
        test_db
    })
    .await;
}

#[tokio::test]
async fn wifi_saved_by_hand_through_the_map_page_respects_versions_and_scope() {
    on_each_backend(|test_db| async move {
        seeded(&test_db).await;
        let app = test_db.app();
        let admin = demo_login(&app, "admin").await;
        let all = every_house(&app, &admin).await;
        let house_in = |commune: &str| {
            all.iter()
                .find(|f| f["properties"]["commune_code"] == commune)
                .and_then(|f| f["id"].as_i64())
                .expect("a house")
        };
        let bandoso_tests::As::Session(cookie) = demo_login(&app, "canbo.kimtan").await else {
            unreachable!("a session")
        };
        let save = |id: i64, version: i64| {
            let (app, cookie) = (app.clone(), cookie.clone());
            async move {
                let form = format!(
                    "id={id}&version={version}&update[status]=broken&update[provider]=vnpt\
                     &update[last_verified_at]=2026-11-20&update[ssid]=VNPT-Test&update[ssid_public]=true"
                );
                let request = http::Request::post("/api/map/wifi")
                    .header(http::header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                    .header(http::header::COOKIE, cookie)
                    .body(axum::body::Body::from(form))
                    .expect("request");
                let response = tower::ServiceExt::oneshot(app, request).await.expect("response");
                (response.status(), bandoso_tests::body_text(response).await)
            }
        };
        let own = house_in("15187");
        let (status, body) = save(own, 1).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert!(body.contains("\"wifi_status\":\"broken\"") && body.contains("\"version\":2"), "{body}");
        assert!(body.contains("\"ssid\":\"VNPT-Test\"") && body.contains("\"ssid_public\":true"), "{body}");
        let (status, body) = save(own, 1).await;
        assert_eq!(status, StatusCode::CONFLICT, "a stale form is a conflict: {body}");
        assert!(body.contains("Conflict"), "{body}");
        let (status, _) = save(house_in("15190"), 1).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "outside the officer's commune");
        test_db
    })
    .await;
}

#[tokio::test]
async fn cultural_houses_page_through_with_limit_offset_and_a_next_link() {
    on_each_backend(|test_db| async move {
        let counts = seeded(&test_db).await;
        let app = test_db.app();
        let admin = demo_login(&app, "admin").await;
        let first = "/api/v1/cultural-houses?status=active,broken,installing,planned,none&limit=50";
        let (pages, links) = bandoso_tests::follow_pages(&app, &admin, first).await;
        for link in &links {
            assert!(link.contains("status=active,broken") && link.ends_with("; rel=\"next\""), "{link}");
        }
        let ids: Vec<i64> =
            pages.iter().flat_map(|page| features(page).iter().filter_map(|f| f["id"].as_i64())).collect();
        let mut unique = ids.clone();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!((ids.len(), unique.len()), (counts.cultural_houses, counts.cultural_houses), "every house once");
        for (uri, parameter) in [
            ("/api/v1/cultural-houses?offset=10", "offset"),
            ("/api/v1/cultural-houses?limit=0", "limit"),
            ("/api/v1/cultural-houses?limit=5001", "limit"),
            ("/api/v1/cultural-houses?limit=ten", "limit"),
            ("/api/v1/cultural-houses?limit=10&offset=-1", "offset"),
        ] {
            let (status, body) = get_json(&app, uri).await;
            assert_eq!(status, StatusCode::BAD_REQUEST, "{uri}");
            assert_eq!(body["error"]["parameter"], parameter, "{uri}: {body}");
        }
        test_db
    })
    .await;
}

#[tokio::test]
async fn the_network_name_is_public_only_when_the_operator_says_so() {
    on_each_backend(|test_db| async move {
        seeded(&test_db).await;
        let app = test_db.app();
        let admin = demo_login(&app, "admin").await;
        let (_, active) = send_json(&app, Method::GET, "/api/v1/cultural-houses?status=active", &admin, None).await;
        let id = features(&active)[0]["id"].as_i64().expect("an active house");
        let provider = features(&active)[0]["properties"]["wifi_provider"].clone();
        let update = |ssid: Value, public: bool| {
            serde_json::json!({"status": "active", "provider": provider, "ssid": ssid, "ssid_public": public})
        };
        let public_ssid = |app: axum::Router| async move {
            let (status, house) = get_json(&app, &format!("/api/v1/cultural-houses/{id}")).await;
            assert_eq!(status, StatusCode::OK);
            house["properties"]["ssid"].clone()
        };

        let (status, body) =
            bandoso_tests::put_wifi(&app, &admin, &admin, id, Some(update("  NVH Thôn Đông  ".into(), false))).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body["properties"]["ssid"], "NVH Thôn Đông", "trimmed, diacritics kept");
        assert_eq!(public_ssid(app.clone()).await, Value::Null, "hidden from the public");
        let (_, export) = get(&app, "/api/v1/exports/cultural-houses.csv").await;
        assert!(!export.contains("NVH Thôn Đông"), "nor in the public export");
        let (_, history) = get_json(&app, &format!("/api/v1/cultural-houses/{id}/wifi-history")).await;
        assert!(history.as_array().expect("list").iter().all(|change| change["ssid"].is_null()), "{history}");

        let (status, _) = bandoso_tests::put_wifi(&app, &admin, &admin, id, Some(update("NVH".into(), true))).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(public_ssid(app.clone()).await, "NVH");
        let (_, timeline) =
            send_json(&app, Method::GET, &format!("/api/v1/cultural-houses/{id}/wifi-history"), &admin, None).await;
        assert_eq!(timeline[0]["ssid"], "NVH");
        assert_eq!(timeline[1]["ssid"], "NVH Thôn Đông", "the timeline keeps every name");

        for (bad, field) in [
            (update("x".repeat(33).into(), false), "ssid"),
            (update("tab\there".into(), false), "ssid"),
            (update(Value::Null, true), "ssid_public"),
        ] {
            let (status, body) = bandoso_tests::put_wifi(&app, &admin, &admin, id, Some(bad)).await;
            assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
            assert!(body.to_string().contains(field), "{body}");
        }
        assert_eq!(public_ssid(app.clone()).await, "NVH", "a rejected change leaves the stored one");
        test_db
    })
    .await;
}

/// A refused Wi-Fi edit tells the person why in their language: the page's server function
/// carries the rule's Vietnamese wording (the UI shows it), the REST API sends both. Blank fields
/// mean "not given" on both paths alike, as the page's form sends them.
#[tokio::test]
async fn a_refused_wifi_edit_is_explained_in_vietnamese_and_blank_fields_are_absent_on_every_path() {
    on_each_backend(|test_db| async move {
        seeded(&test_db).await;
        let app = test_db.app();
        let officer = demo_login(&app, "canbo.kimtan").await;
        let (_, all) = send_json(&app, Method::GET, "/api/v1/cultural-houses?commune=15187", &officer, None).await;
        let house = features(&all)[0]["id"].as_i64().expect("a house in Kim Tân");
        let bandoso_tests::As::Session(cookie) = &officer else { unreachable!("a session") };
        let version = bandoso_tests::house_version(&app, &officer, house).await;
        let form = format!(
            "id={house}&version={}&update[status]=active&update[provider]=viettel&update[bandwidth_mbps]=200000",
            version.trim_matches('"')
        );
        let request = http::Request::post("/api/map/wifi")
            .header(http::header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(http::header::COOKIE, cookie)
            .body(axum::body::Body::from(form))
            .expect("request");
        let response = tower::ServiceExt::oneshot(app.clone(), request).await.expect("response");
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let body: Value = serde_json::from_str(&bandoso_tests::body_text(response).await).expect("JSON error");
        assert_eq!(body["Invalid"]["vi"], "bandwidth_mbps: cần một số từ 0 đến 100000", "{body}");

        let uri = format!("/api/v1/cultural-houses/{house}/wifi");
        let headers = [(http::header::IF_MATCH, version.clone())];
        let too_fast = serde_json::json!({"status": "active", "provider": "viettel", "bandwidth_mbps": 200000});
        let (status, text) = bandoso_tests::send_with(&app, Method::PUT, &uri, &officer, Some(too_fast), &headers).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        let body: Value = serde_json::from_str(&text).expect("JSON error");
        assert!(body["error"]["message"].as_str().unwrap_or_default().starts_with("bandwidth_mbps: expected"), "{body}");
        assert_eq!(body["error"]["message_vi"], "bandwidth_mbps: cần một số từ 0 đến 100000", "{body}");

        let blanks = serde_json::json!({"status": "planned", "provider": "", "installed_at": " ", "last_verified_at": "",
            "ssid": ""});
        let (status, text) = bandoso_tests::send_with(&app, Method::PUT, &uri, &officer, Some(blanks), &headers).await;
        assert_eq!(status, StatusCode::OK, "blank fields are absent over REST too: {text}");
        let saved: Value = serde_json::from_str(&text).expect("the house");
        assert_eq!(saved["properties"]["wifi_provider"], Value::Null, "{saved}");
        test_db
    })
    .await;
}
