//! Coverage reports and CSV imports by operators, on SQLite and PostgreSQL.

use bandoso_tests::{demo_login, on_each_backend, post_file, send_json, As, TestDb};
use http::{Method, StatusCode};
use serde_json::{json, Value};

async fn report_count(test_db: &TestDb) -> i64 {
    let (count,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM coverage_report").fetch_one(test_db.db.pool()).await.expect("count");
    count
}

async fn viettel_token(app: &axum::Router) -> As {
    let admin = demo_login(app, "admin").await;
    let body = json!({"username": "viettel", "name": "coverage tests"});
    let (status, created) = send_json(app, Method::POST, "/api/v1/tokens", &admin, Some(body)).await;
    assert_eq!(status, StatusCode::CREATED);
    As::Token(created["token"].as_str().expect("secret").to_owned())
}

#[tokio::test]
async fn an_operator_reports_coverage_for_its_own_network_only() {
    on_each_backend(|test_db| async move {
        server::demo::reload(&test_db.db).await.expect("demo");
        let app = test_db.app();
        let viettel = viettel_token(&app).await;
        let report =
            json!({"village_code": "15190-01", "technology": "5G", "quality": "good", "reported_at": "2026-11-01"});
        let (status, created) = send_json(&app, Method::POST, "/api/v1/coverage-reports", &viettel, Some(report)).await;
        assert_eq!(status, StatusCode::CREATED, "{created}");
        assert_eq!(created["operator"], "viettel");
        let (_, history) =
            send_json(&app, Method::GET, "/api/v1/villages/15190-01/coverage-history", &As::Public, None).await;
        assert_eq!(history[0]["technology"], "5G");
        assert_eq!(history[0]["reported_at"], "2026-11-01T00:00:00Z");
        assert!(history[0]["reported_by"].as_str().unwrap_or_default().starts_with("viettel"));

        let other = json!({"village_code": "15190-01", "operator": "vnpt", "technology": "4G", "quality": "weak"});
        let (status, body) = send_json(&app, Method::POST, "/api/v1/coverage-reports", &viettel, Some(other)).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(body["error"]["message"].as_str().unwrap_or_default().contains("not your operator"), "{body}");
        let officer = demo_login(&app, "canbo.kimtan").await;
        let mine = json!({"village_code": "15187-01", "operator": "vnpt", "technology": "4G", "quality": "weak"});
        let (status, _) = send_json(&app, Method::POST, "/api/v1/coverage-reports", &officer, Some(mine)).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "officers do not report for operators");
        test_db
    })
    .await;
}

#[tokio::test]
async fn a_csv_import_is_checked_whole_and_written_all_or_nothing() {
    on_each_backend(|test_db| async move {
        server::demo::reload(&test_db.db).await.expect("demo");
        let app = test_db.app();
        let viettel = viettel_token(&app).await;
        let before = report_count(&test_db).await;
        let good = "\u{feff}village_code,technology,quality,reported_at\n15187-01,4G,good,2026-11-02\n15187-02,5G,fair,2026-11-02\n15190-01,FTTH,good,2026-11-02\n";

        let (status, dry) = post_file(&app, "/api/v1/imports/coverage?dry_run=true", &viettel, "text/csv", good.into()).await;
        assert_eq!(status, StatusCode::OK, "{dry}");
        let dry: Value = serde_json::from_str(&dry).expect("JSON");
        assert_eq!((dry["rows"].as_u64(), dry["dry_run"].as_bool()), (Some(3), Some(true)));
        assert_eq!(report_count(&test_db).await, before, "a dry run writes nothing");

        let (status, done) = post_file(&app, "/api/v1/imports/coverage", &viettel, "text/csv", good.into()).await;
        assert_eq!(status, StatusCode::OK, "{done}");
        assert_eq!(report_count(&test_db).await, before + 3);

        let bad = "village_code,technology,quality\n15187-01,4G,good\n00000-99,4G,good\n15187-02,4G,superb\n";
        let (status, text) = post_file(&app, "/api/v1/imports/coverage", &viettel, "text/csv", bad.into()).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        let rejected: Value = serde_json::from_str(&text).expect("JSON");
        assert_eq!(rejected["error"]["code"], "invalid_file");
        let problems = rejected["error"]["problems"].as_array().cloned().unwrap_or_default();
        let lines: Vec<u64> = problems.iter().filter_map(|p| p["line"].as_u64()).collect();
        assert_eq!(lines, [3, 4], "{problems:?}");
        assert_eq!(report_count(&test_db).await, before + 3, "the good first line was not written either");
        test_db
    })
    .await;
}

#[tokio::test]
async fn bad_files_get_precise_errors_and_import_nothing() {
    on_each_backend(|test_db| async move {
        server::demo::reload(&test_db.db).await.expect("demo");
        let app = test_db.app();
        let viettel = viettel_token(&app).await;
        let before = report_count(&test_db).await;
        let latin1 = b"village_code,technology,quality\n15187-01,4G,t\xf4t\n".to_vec();
        let missing_column = b"village_code,quality\n15187-01,good\n".to_vec();
        let mut garbage = Vec::with_capacity(10 * 1024 * 1024);
        let mut state: u32 = 2166136261;
        while garbage.len() < 10 * 1024 * 1024 {
            state = state.wrapping_mul(16777619) ^ 0x5bd1e995;
            garbage.extend_from_slice(&state.to_le_bytes());
        }
        let cases: [(&str, Vec<u8>, &str); 3] = [
            ("wrong encoding", latin1, "UTF-8"),
            ("missing column", missing_column, "'technology'"),
            ("10 MB of garbage", garbage, ""),
        ];
        for (case, bytes, expected) in cases {
            let (status, text) = post_file(&app, "/api/v1/imports/coverage", &viettel, "text/csv", bytes).await;
            assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{case}: {}", &text[..text.len().min(300)]);
            let body: Value = serde_json::from_str(&text).expect("JSON");
            let first = body["error"]["problems"][0]["message"].as_str().unwrap_or_default().to_owned();
            assert!(first.contains(expected), "{case}: {first}");
            let in_vietnamese = body["error"]["problems"][0]["message_vi"].as_str().unwrap_or_default().to_owned();
            assert!(!in_vietnamese.is_empty() && in_vietnamese != first, "{case}: Vietnamese too: {in_vietnamese}");
        }
        let too_big = vec![b'a'; server::MAX_IMPORT_BYTES + 1];
        let (status, _) = post_file(&app, "/api/v1/imports/coverage", &viettel, "text/csv", too_big).await;
        assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
        assert_eq!(report_count(&test_db).await, before);
        test_db
    })
    .await;
}

#[tokio::test]
async fn a_wifi_csv_updates_many_houses_at_once_within_the_operator_boundary() {
    on_each_backend(|test_db| async move {
        server::demo::reload(&test_db.db).await.expect("demo");
        let app = test_db.app();
        let admin = demo_login(&app, "admin").await;
        let (_, houses) = send_json(&app, Method::GET, "/api/v1/cultural-houses", &admin, None).await;
        let houses = houses["features"].as_array().cloned().unwrap_or_default();
        let find = |predicate: &dyn Fn(&Value) -> bool| {
            houses.iter().find(|h| predicate(&h["properties"])).map(|h| h["properties"].clone()).expect("such a house")
        };
        let own = find(&|p| p["wifi_provider"] == "viettel" && p["wifi_status"] == "active");
        let free = find(&|p| p["wifi_provider"].is_null());
        let foreign = find(&|p| p["wifi_provider"] == "vnpt");
        let viettel = viettel_token(&app).await;

        let bad = format!(
            "cultural_house_id,village_code,status,provider,bandwidth_mbps\n{},,broken,viettel,\n,{},active,viettel,200\n{},,active,viettel,100\n,99999-01,active,viettel,\n{},,active,viettel,\n",
            own["id"], free["village_code"].as_str().unwrap_or_default(), foreign["id"], own["id"]
        );
        let (status, text) = post_file(&app, "/api/v1/imports/wifi", &viettel, "text/csv", bad.into_bytes()).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{text}");
        let problems: Value = serde_json::from_str(&text).expect("JSON");
        let lines: Vec<u64> =
            problems["error"]["problems"].as_array().map(|p| p.iter().filter_map(|p| p["line"].as_u64()).collect()).unwrap_or_default();
        assert_eq!(lines, [4, 5, 6], "{problems}");
        assert!(problems["error"]["problems"][2]["message"].as_str().unwrap_or_default().contains("line 2"), "{problems}");
        let version = |id: &Value| {
            let (app, admin, id) = (app.clone(), admin.clone(), id.as_i64().unwrap_or_default());
            async move { bandoso_tests::house_version(&app, &admin, id).await }
        };
        assert_eq!(version(&own["id"]).await, "\"1\"", "nothing written");

        let good = format!(
            "cultural_house_id,village_code,status,provider,bandwidth_mbps,last_verified_at,ssid,ssid_public\n{},,broken,viettel,,2026-11-20,,\n,{},active,Viettel,200,2026-11-20,Viettel NVH Đông,có\n",
            own["id"], free["village_code"].as_str().unwrap_or_default()
        );
        let (status, dry) = post_file(&app, "/api/v1/imports/wifi?dry_run=true", &viettel, "text/csv", good.clone().into_bytes()).await;
        assert_eq!(status, StatusCode::OK, "{dry}");
        assert_eq!(version(&own["id"]).await, "\"1\"", "a dry run writes nothing");
        let (status, done) = post_file(&app, "/api/v1/imports/wifi", &viettel, "text/csv", good.into_bytes()).await;
        assert_eq!(status, StatusCode::OK, "{done}");
        assert_eq!(version(&own["id"]).await, "\"2\"");
        let uri = format!("/api/v1/cultural-houses/{}", free["id"]);
        let (_, now) = send_json(&app, Method::GET, &uri, &admin, None).await;
        assert_eq!(now["properties"]["wifi_provider"], "viettel");
        assert_eq!(now["properties"]["bandwidth_mbps"], 200.0);
        assert_eq!(now["properties"]["ssid"], "Viettel NVH Đông");
        assert_eq!(now["properties"]["ssid_public"], true);
        let (_, audit) =
            send_json(&app, Method::GET, "/api/v1/audit?entity_type=cultural_house&entity_id=*", &admin, None).await;
        assert_eq!(audit.as_array().map(Vec::len), Some(1), "one audit entry for the file: {audit}");
        let after: Value = serde_json::from_str(audit[0]["after_json"].as_str().unwrap_or("{}")).unwrap_or_default();
        assert_eq!(after["rows"], 2);
        assert!(after["houses"].as_array().is_some_and(|houses| houses.contains(&own["id"])), "{after}");
        let history_uri = format!("/api/v1/cultural-houses/{}/wifi-history", own["id"]);
        let (_, history) = send_json(&app, Method::GET, &history_uri, &admin, None).await;
        assert_eq!(history[0]["version"], 2, "the import joined the house's timeline: {history}");
        assert!(history[0]["changed_by"].as_str().unwrap_or_default().starts_with("viettel"), "{history}");
        test_db
    })
    .await;
}

#[tokio::test]
async fn exports_follow_the_viewer_and_open_in_spreadsheets() {
    on_each_backend(|test_db| async move {
        let counts = server::demo::reload(&test_db.db).await.expect("demo");
        let app = test_db.app();
        let admin = demo_login(&app, "admin").await;
        let (status, all) =
            bandoso_tests::send(&app, Method::GET, "/api/v1/exports/cultural-houses.csv", &admin, None).await;
        assert_eq!(status, StatusCode::OK);
        assert!(
            all.starts_with("\u{feff}id,name,village_code,village,commune_code,commune,lon,lat,wifi_status"),
            "{}",
            &all[..120]
        );
        assert_eq!(all.lines().count(), counts.cultural_houses + 1, "a header and one line per house");
        assert!(all.contains("Nhà văn hóa Khu phố 1,15187-01"));

        let (_, public) =
            bandoso_tests::send(&app, Method::GET, "/api/v1/exports/cultural-houses.csv", &As::Public, None).await;
        let public_rows: Vec<&str> = public.lines().skip(1).collect();
        assert!(!public_rows.is_empty() && public_rows.len() < counts.cultural_houses);
        assert!(public_rows.iter().all(|row| row.contains(",active,")), "the public export holds working Wi-Fi only");

        let (status, geojson) =
            send_json(&app, Method::GET, "/api/v1/exports/cultural-houses.geojson", &admin, None).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(geojson["features"].as_array().map(Vec::len), Some(counts.cultural_houses));

        let (status, coverage) =
            bandoso_tests::send(&app, Method::GET, "/api/v1/exports/coverage.csv", &As::Public, None).await;
        assert_eq!(status, StatusCode::OK);
        assert!(coverage
            .starts_with("\u{feff}village_code,village,commune_code,operator,technology,quality,source,reported_at"));
        assert!(!coverage.contains("2025-03-15"), "only the latest report of each kind is exported");
        assert!(coverage.lines().count() > counts.villages * 3, "3 operators report 4G in every village");
        test_db
    })
    .await;
}

/// A feature of a coverage-area file; `geometry` as given.
fn area_feature(village_code: &str, operator: &str, quality: Option<&str>, geometry: Value) -> Value {
    let mut properties = json!({"village_code": village_code, "operator": operator, "technology": "4G", "fid": 7});
    if let Some(quality) = quality {
        properties["quality"] = json!(quality);
    }
    json!({"type": "Feature", "properties": properties, "geometry": geometry})
}

fn square(lon: f64, lat: f64) -> Value {
    json!({"type": "Polygon", "coordinates": [[[lon, lat], [lon + 0.01, lat], [lon + 0.01, lat + 0.01], [lon, lat + 0.01], [lon, lat]]]})
}

#[tokio::test]
async fn coverage_areas_from_geojson_are_checked_whole_and_drawn_on_the_map() {
    on_each_backend(|test_db| async move {
        server::demo::reload(&test_db.db).await.expect("demo");
        let app = test_db.app();
        let viettel = viettel_token(&app).await;
        let before = report_count(&test_db).await;
        let post = |bytes: Vec<u8>, dry_run: bool| {
            let (app, viettel) = (app.clone(), viettel.clone());
            async move {
                let uri = format!("/api/v1/imports/coverage-areas{}", if dry_run { "?dry_run=true" } else { "" });
                let (status, text) = post_file(&app, &uri, &viettel, "application/geo+json", bytes).await;
                let body: Value = serde_json::from_str(&text).unwrap_or_else(|_| panic!("JSON: {text}"));
                (status, body)
            }
        };

        let bad = json!({"type": "FeatureCollection", "features": [
            area_feature("15187-01", "viettel", Some("good"), square(105.6, 20.2)),
            area_feature("15187-01", "viettel", Some("good"),
                json!({"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]]})),
            area_feature("15187-01", "viettel", Some("good"),
                json!({"type": "Polygon", "coordinates": [[[105.6, 20.2], [105.7, 20.2], [105.7, 20.3], [105.6, 20.3]]]})),
            area_feature("15187-01", "viettel", Some("good"), json!({"type": "Point", "coordinates": [105.6, 20.2]})),
            area_feature("99999-01", "viettel", Some("good"), square(105.6, 20.2)),
            area_feature("15187-02", "viettel", None, square(105.6, 20.2)),
            area_feature("15187-02", "vnpt", Some("fair"), square(105.6, 20.2)),
            json!({"type": "Feature", "properties": {"village_code": "15187-02", "technology": "4G", "quality": "good"}, "geometry": null}),
            area_feature("15187-02", "viettel", Some("good"),
                json!({"type": "Polygon", "coordinates": [[[20.2, 105.6], [20.3, 105.6], [20.3, 105.7], [20.2, 105.6]]]})),
        ]});
        let (status, body) = post(bad.to_string().into_bytes(), false).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        let problems = body["error"]["problems"].as_array().cloned().unwrap_or_default();
        let features: Vec<u64> = problems.iter().filter_map(|p| p["feature"].as_u64()).collect();
        assert_eq!(features, [1, 2, 3, 4, 5, 6, 7, 8], "{body}");
        assert!(problems.iter().all(|p| p.get("line").is_none()), "GeoJSON problems have no line: {body}");
        let message = |index: usize| problems[index]["message"].as_str().unwrap_or_default().to_owned();
        assert!(message(0).contains("invalid geometry"), "bow tie: {}", message(0));
        assert!(message(1).contains("not closed"), "open ring: {}", message(1));
        assert!(message(2).contains("Point"), "{}", message(2));
        assert!(message(3).contains("99999-01"), "{}", message(3));
        assert!(message(4).contains("quality: required"), "{}", message(4));
        assert!(message(5).contains("not your operator"), "{}", message(5));
        assert!(message(6).contains("geometry: required"), "{}", message(6));
        assert!(message(7).contains("[lon, lat]"), "swapped coordinates: {}", message(7));

        let whole_file_cases: [(&str, Vec<u8>, &str); 5] = [
            ("not JSON", b"village_code,technology\n".to_vec(), "not GeoJSON"),
            ("a lone feature", area_feature("15187-01", "viettel", Some("good"), square(105.6, 20.2)).to_string().into_bytes(), "FeatureCollection"),
            ("no features", br#"{"type":"FeatureCollection","features":[]}"#.to_vec(), "no features"),
            ("wrong encoding", b"{\"type\":\"FeatureCollection\",\"features\":[],\"name\":\"Th\xe0nh\"}".to_vec(), "UTF-8"),
            ("10 MB of garbage", vec![0x9f; 10 * 1024 * 1024], "UTF-8"),
        ];
        for (case, bytes, expected) in whole_file_cases {
            let (status, body) = post(bytes, false).await;
            assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{case}: {body}");
            let first = body["error"]["problems"][0]["message"].as_str().unwrap_or_default().to_owned();
            assert!(first.contains(expected), "{case}: {first}");
        }
        assert_eq!(report_count(&test_db).await, before, "nothing of a rejected file is written");

        let good = bandoso_tests::coverage_area_file("15187-01", "viettel", 105.6, 20.2).into_bytes();
        let (status, body) = post(good.clone(), true).await;
        assert_eq!((status, body["rows"].as_u64(), body["dry_run"].as_bool()), (StatusCode::OK, Some(1), Some(true)));
        assert_eq!(report_count(&test_db).await, before, "a dry run writes nothing");
        let (status, body) = post(good, false).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(report_count(&test_db).await, before + 1);

        let request = http::Request::post("/api/map/coverage")
            .header(http::header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(axum::body::Body::empty())
            .expect("request");
        let response = tower::ServiceExt::oneshot(app.clone(), request).await.expect("response");
        let layer: Value = serde_json::from_str(&bandoso_tests::body_text(response).await).expect("JSON");
        let drawn = layer
            .as_array()
            .and_then(|entries| {
                entries.iter().find(|e| e["village_code"] == "15187-01" && e["operator"] == "viettel" && e["technology"] == "4G")
            })
            .cloned()
            .expect("the village's latest viettel 4G report");
        assert_eq!(drawn["quality"], "good");
        assert_eq!(drawn["areas"][0][0], json!([105.6, 20.2]), "the map gets the drawn ring: {drawn}");

        let with_area = json!({"village_code": "15187-02", "technology": "5G", "quality": "fair", "area": square(105.61, 20.21)});
        let (status, body) = send_json(&app, Method::POST, "/api/v1/coverage-reports", &viettel, Some(with_area)).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        let open = json!({"village_code": "15187-02", "technology": "5G", "quality": "fair",
            "area": {"type": "Polygon", "coordinates": [[[105.6, 20.2], [105.7, 20.2], [105.7, 20.3]]]}});
        let (status, body) = send_json(&app, Method::POST, "/api/v1/coverage-reports", &viettel, Some(open)).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert!(body["error"]["message"].as_str().unwrap_or_default().starts_with("area:"), "{body}");
        test_db
    })
    .await;
}

#[tokio::test]
async fn histories_are_paged_with_next_links() {
    on_each_backend(|test_db| async move {
        server::demo::reload(&test_db.db).await.expect("demo");
        let app = test_db.app();
        let (status, whole) =
            send_json(&app, Method::GET, "/api/v1/villages/15187-01/coverage-history", &As::Public, None).await;
        assert_eq!(status, StatusCode::OK);
        let whole: Vec<i64> = whole.as_array().expect("list").iter().filter_map(|r| r["id"].as_i64()).collect();
        assert!(whole.len() > 3, "the demo village has a history to page through: {whole:?}");

        let first = "/api/v1/villages/15187-01/coverage-history?limit=2";
        let (pages, _) = bandoso_tests::follow_pages(&app, &As::Public, first).await;
        let mut paged = Vec::new();
        for page in &pages {
            let page = page.as_array().cloned().unwrap_or_default();
            assert!(page.len() <= 2);
            paged.extend(page.iter().filter_map(|r| r["id"].as_i64()));
        }
        assert_eq!(paged, whole, "the pages hold every report once, in order");
        let (status, body) =
            send_json(&app, Method::GET, "/api/v1/villages/15187-01/coverage-history?limit=0", &As::Public, None).await;
        assert_eq!((status, body["error"]["parameter"].as_str()), (StatusCode::BAD_REQUEST, Some("limit")));
        let (status, body) =
            send_json(&app, Method::GET, "/api/v1/villages/15187-01/coverage-history?page=2", &As::Public, None).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "unknown parameters are refused: {body}");
        test_db
    })
    .await;
}

/// The files operator offices really keep: an XLSX workbook, a semicolon CSV (Excel in Vietnamese),
/// UTF-16 "Unicode text", Vietnamese headers and Vietnamese quality words. Each imports, and
/// records exactly what the plain CSV of the same reports records.
#[tokio::test]
async fn the_files_offices_keep_import_as_the_plain_csv_does() {
    on_each_backend(|test_db| async move {
        server::demo::reload(&test_db.db).await.expect("demo");
        let app = test_db.app();
        let viettel = demo_login(&app, "viettel").await;
        let plain = "village_code,operator,technology,quality,reported_at\n\
                     15187-01,viettel,4G,good,2026-11-01\n15187-02,viettel,FTTH,fair,2026-11-02\n";
        let vietnamese = "Mã thôn,Nhà mạng,Công nghệ,Chất lượng,Ngày báo cáo\n\
                          15187-01,Viettel,4G,Tốt,01/11/2026\n15187-02,Viettel,Cáp quang,Khá,02/11/2026\n";
        let semicolons = format!("\u{feff}BÁO CÁO VÙNG PHỦ SÓNG\n\n{}", vietnamese.replace(',', ";"));
        let unicode_text: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain(vietnamese.replace(',', "\t").encode_utf16().flat_map(u16::to_le_bytes))
            .collect();
        let mut workbook = rust_xlsxwriter::Workbook::new();
        let sheet = workbook.add_worksheet();
        for (row, line) in vietnamese.lines().enumerate() {
            for (column, cell) in line.split(',').enumerate() {
                sheet.write_string(row as u32, column as u16, cell).expect("cell");
            }
        }
        let xlsx = workbook.save_to_buffer().expect("workbook");
        let latest = |test_db: &TestDb| {
            let pool = test_db.db.pool().clone();
            async move {
                let rows: Vec<(String, String, String, String, String)> = sqlx::query_as(
                    "SELECT v.code, r.operator, r.technology, r.quality, r.reported_at
                     FROM coverage_report r JOIN admin_unit v ON v.id = r.village_id ORDER BY r.id DESC LIMIT 2",
                )
                .fetch_all(&pool)
                .await
                .expect("reports");
                rows
            }
        };
        let variants: [(&str, Vec<u8>); 5] = [
            ("plain CSV", plain.as_bytes().to_vec()),
            ("Vietnamese headers and words", vietnamese.as_bytes().to_vec()),
            ("semicolons with a title", semicolons.into_bytes()),
            ("UTF-16 Unicode text", unicode_text),
            ("XLSX", xlsx),
        ];
        let mut expected = None;
        for (variant, bytes) in variants {
            let (status, text) = post_file(&app, "/api/v1/imports/coverage", &viettel, "text/csv", bytes).await;
            assert_eq!(status, StatusCode::OK, "{variant}: {text}");
            let recorded = latest(&test_db).await;
            match &expected {
                None => expected = Some(recorded),
                Some(plain) => assert_eq!(&recorded, plain, "{variant} records what the plain CSV does"),
            }
        }
        test_db
    })
    .await;
}
