//! Boundary import (all or nothing, precise errors), the demo data set and the SQLite set-up.

use bandoso_tests::{get_json, on_each_backend, TestDb};
use domain::admin_units::Level;
use domain::audit::Actor;
use domain::boundary_import::{import_boundaries, BoundaryOptions, BoundaryOutcome};
use domain::imports::RowProblem;
use domain::{Db, StoreError};
use serde_json::json;

fn square(lon: f64, lat: f64, size: f64) -> serde_json::Value {
    json!({"type": "Polygon", "coordinates": [[[lon, lat], [lon + size, lat], [lon + size, lat + size], [lon, lat + size], [lon, lat]]]})
}

fn feature(properties: serde_json::Value, geometry: serde_json::Value) -> serde_json::Value {
    json!({"type": "Feature", "properties": properties, "geometry": geometry})
}

fn collection(features: Vec<serde_json::Value>) -> String {
    json!({"type": "FeatureCollection", "features": features}).to_string()
}

/// Imports a boundary file as the command line does, without repairs.
async fn import(db: &Db, file: &str) -> Result<BoundaryOutcome, StoreError> {
    import_boundaries(db, file.as_bytes(), BoundaryOptions::default(), Actor::CommandLine).await
}

/// The problems of a refused import, each as "feature N: message" (or the message alone).
async fn refusal(db: &Db, file: &str) -> Vec<String> {
    match import(db, file).await {
        Err(StoreError::RejectedFile(problems)) => problems.iter().map(rendered).collect(),
        other => panic!("the file must be refused: {other:?}"),
    }
}

fn rendered(problem: &RowProblem) -> String {
    match problem.feature {
        Some(feature) => format!("feature {feature}: {}", problem.message),
        None => problem.message.clone(),
    }
}

fn created_and_updated(outcome: &BoundaryOutcome) -> (usize, usize) {
    (outcome.created, outcome.updated)
}

async fn unit_count(test_db: &TestDb) -> i64 {
    let (count,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM admin_unit").fetch_one(test_db.db.pool()).await.expect("count units");
    count
}

async fn stored_boundary(test_db: &TestDb, code: &str) -> Option<String> {
    let (boundary,): (Option<String>,) =
        sqlx::query_as("SELECT boundary FROM admin_unit WHERE code = $1 ORDER BY valid_from DESC LIMIT 1")
            .bind(code)
            .fetch_one(test_db.db.pool())
            .await
            .expect("unit exists");
    boundary
}

#[tokio::test]
async fn a_generated_file_creates_new_units_and_updates_existing_ones() {
    on_each_backend(|test_db| async move {
        server::demo::reload(&test_db.db).await.expect("demo loads");
        let file = collection(vec![
            feature(json!({"code": "15187", "name": "Thị trấn Kim Tân"}), square(105.66, 20.10, 0.05)),
            feature(
                json!({"code": "99001", "name": "Xã Thử Nghiệm", "level": "commune", "parent_code": "38"}),
                json!({"type": "MultiPolygon", "coordinates": [square(105.5, 20.0, 0.02)["coordinates"], square(105.6, 20.0, 0.02)["coordinates"]]}),
            ),
            feature(json!({"code": 99002, "name": "Thôn Mới", "level": "village", "parent_code": "99001"}), square(105.5, 20.0, 0.01)),
        ]);
        let before = unit_count(&test_db).await;
        let outcome = import(&test_db.db, &file).await.expect("valid file imports");
        assert_eq!(created_and_updated(&outcome), (2, 1));
        let audit = domain::audit::for_entity(test_db.db.pool(), "admin_unit", "*", domain::db::Page::ALL).await.expect("audit");
        let imports: Vec<_> = audit.iter().filter(|entry| entry.action == "import_boundaries").collect();
        assert_eq!((imports.len(), imports[0].actor.as_str()), (1, "command line"), "the import is audited");
        assert_eq!(unit_count(&test_db).await, before + 2);
        let kim_tan = stored_boundary(&test_db, "15187").await.expect("boundary stored");
        assert!(kim_tan.contains("105.71"), "the imported square replaced the demo cell: {kim_tan}");

        let (_, communes) = get_json(&test_db.app(), "/api/v1/admin-units?level=village&parent=99001").await;
        assert_eq!(communes["features"][0]["properties"]["code"], "99002");
        assert_eq!(communes["features"][0]["geometry"]["type"], "MultiPolygon");
        test_db
    })
    .await;
}

#[tokio::test]
async fn a_bad_file_imports_nothing_and_names_every_problem() {
    on_each_backend(|test_db| async move {
        server::demo::reload(&test_db.db).await.expect("demo loads");
        let before_units = unit_count(&test_db).await;
        let before_boundary = stored_boundary(&test_db, "15187").await;
        let bow_tie = json!({"type": "Polygon", "coordinates": [[[105.0, 20.0], [105.1, 20.1], [105.1, 20.0], [105.0, 20.1], [105.0, 20.0]]]});
        let file = collection(vec![
            // Valid on its own: must not be written because the rest of the file is bad.
            feature(json!({"code": "15187", "name": "Thị trấn Kim Tân"}), square(105.66, 20.10, 0.05)),
            feature(json!({"code": "15190", "name": "Thị trấn Vân Du"}), bow_tie),
            feature(json!({"code": "88001", "name": "Xã Không Cấp"}), square(105.5, 20.0, 0.01)),
            feature(json!({"code": "88002", "name": "Xã Mồ Côi", "level": "commune", "parent_code": "00000"}), square(105.5, 20.0, 0.01)),
            feature(json!({"code": "15196", "name": "Xã Thạch Lâm", "level": "village"}), square(105.4, 20.3, 0.01)),
        ]);
        let rendered = refusal(&test_db.db, &file).await;
        assert!(rendered[0].starts_with("feature 1: invalid geometry"), "{rendered:?}");
        assert_eq!(rendered.len(), 1, "geometry problems stop the file before the database is read: {rendered:?}");
        assert_eq!(unit_count(&test_db).await, before_units);
        assert_eq!(stored_boundary(&test_db, "15187").await, before_boundary);

        // Without the geometry problem, the database checks run and report every remaining problem.
        let file = collection(vec![
            feature(json!({"code": "15187", "name": "Thị trấn Kim Tân"}), square(105.66, 20.10, 0.05)),
            feature(json!({"code": "88001", "name": "Xã Không Cấp"}), square(105.5, 20.0, 0.01)),
            feature(json!({"code": "88002", "name": "Xã Mồ Côi", "level": "commune", "parent_code": "00000"}), square(105.5, 20.0, 0.01)),
            feature(json!({"code": "15196", "name": "Xã Thạch Lâm", "level": "village"}), square(105.4, 20.3, 0.01)),
        ]);
        let rendered = refusal(&test_db.db, &file).await;
        assert_eq!(rendered.len(), 3, "{rendered:?}");
        assert!(rendered[0].starts_with("feature 1: code 88001 is not in the database"), "{rendered:?}");
        assert!(rendered[1].starts_with("feature 2: parent_code 00000"), "{rendered:?}");
        assert!(rendered[2].starts_with("feature 3: code 15196 is a commune"), "{rendered:?}");
        assert_eq!(unit_count(&test_db).await, before_units);
        assert_eq!(stored_boundary(&test_db, "15187").await, before_boundary, "the valid feature was rolled back");
        test_db
    })
    .await;
}

#[tokio::test]
async fn the_real_district_outline_imports_onto_the_demo_data() {
    // The real outline, as the demo embeds it from `../shared/data`.
    let text = include_str!("../../server/src/demo/data/thach-thanh-district.geojson").to_owned();
    on_each_backend(|test_db| {
        let text = text.clone();
        async move {
            // On an empty database the district's parent (province 38) is unknown: nothing is written.
            let problems = refusal(&test_db.db, &text).await;
            assert!(problems[0].contains("parent_code 38"), "{problems:?}");
            assert_eq!(unit_count(&test_db).await, 0);

            server::demo::reload(&test_db.db).await.expect("demo loads");
            let outcome = import(&test_db.db, &text).await.expect("the real outline is valid");
            assert_eq!(created_and_updated(&outcome), (0, 1), "the district of the past takes its outline");
            let outline = stored_boundary(&test_db, "391").await.expect("outline stored");
            assert!(outline.contains("MultiPolygon"), "{}", &outline[..80]);
            let (_, districts) = get_json(&test_db.app(), "/api/v1/admin-units?level=district").await;
            assert_eq!(districts["features"], json!([]), "no district is current since July 2025");
            test_db
        }
    })
    .await;
}

#[tokio::test]
async fn demo_data_reloads_identically_and_never_replaces_real_data() {
    on_each_backend(|test_db| async move {
        let first = server::demo::reload(&test_db.db).await.expect("demo loads");
        assert_eq!((first.communes, first.former_communes), (6, 24));
        assert!(first.cultural_houses >= 24 * 4);
        let (_, before) = get_json(&test_db.app(), "/api/v1/cultural-houses").await;
        let second = server::demo::reload(&test_db.db).await.expect("demo reloads");
        assert_eq!(first, second);
        let (_, after) = get_json(&test_db.app(), "/api/v1/cultural-houses").await;
        let strip_ids = |collection: &serde_json::Value| {
            collection["features"]
                .as_array()
                .map(|features| {
                    features
                        .iter()
                        .map(|f| (f["properties"]["name"].clone(), f["geometry"].clone()))
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default()
        };
        assert_eq!(strip_ids(&before), strip_ids(&after), "deterministic demo");
        assert!(!server::demo::load_if_empty(&test_db.db).await.expect("check"), "not empty: nothing loaded");

        sqlx::query("DELETE FROM app_meta").execute(test_db.db.pool()).await.expect("forget the demo marker");
        let refused = server::demo::reload(&test_db.db).await;
        assert!(matches!(refused, Err(server::demo::DemoError::RealDataPresent)), "{refused:?}");
        test_db
    })
    .await;
}

#[tokio::test]
async fn the_database_enforces_its_rules() {
    on_each_backend(|test_db| async move {
        let pool = test_db.db.pool();
        let orphan = sqlx::query(
            "INSERT INTO cultural_house (village_id, name, lon, lat, updated_at) VALUES (424242, 'x', 105, 20, '2025-01-01T00:00:00Z')",
        )
        .execute(pool)
        .await;
        assert!(orphan.is_err(), "foreign keys are enforced");
        let unit = domain::admin_units::NewUnit {
            parent_id: None,
            level: Level::Province,
            code: "38",
            name: "Tỉnh Thanh Hóa",
            boundary: None,
        };
        domain::admin_units::insert(pool, &unit).await.expect("first insert");
        assert!(domain::admin_units::insert(pool, &unit).await.is_err(), "codes are unique");
        test_db
    })
    .await;
}

#[tokio::test]
async fn sqlite_creates_its_file_and_runs_in_wal_mode() {
    let folder = tempfile::tempdir().expect("temporary folder");
    let path = folder.path().join("nested").join("bandoso.db");
    let db = domain::Db::connect(&format!("sqlite://{}", path.display())).await.expect("connect creates the file");
    db.migrate().await.expect("migrate");
    assert!(path.exists());
    let (mode,): (String,) = sqlx::query_as("PRAGMA journal_mode").fetch_one(db.pool()).await.expect("journal mode");
    assert_eq!(mode.to_lowercase(), "wal");
    let (foreign_keys,): (i64,) = sqlx::query_as("PRAGMA foreign_keys").fetch_one(db.pool()).await.expect("pragma");
    assert_eq!(foreign_keys, 1);
    db.close().await;
}

#[tokio::test]
async fn the_demo_draws_the_six_real_communes_inside_the_real_district_outline() {
    use geo::{BoundingRect, Contains, GeodesicArea};
    on_each_backend(|test_db| async move {
        server::demo::reload(&test_db.db).await.expect("demo loads");
        let app = test_db.app();
        let (_, communes) = get_json(&app, "/api/v1/admin-units?level=commune").await;
        let features = communes["features"].as_array().cloned().expect("features");
        let mut codes: Vec<&str> = features.iter().filter_map(|f| f["properties"]["code"].as_str()).collect();
        codes.sort();
        assert_eq!(codes, ["15187", "15190", "15199", "15211", "15229", "15250"], "the 6 communes since July 2025");
        assert!(features.iter().all(|f| f["properties"]["name"].as_str().is_some_and(|name| name.starts_with("Xã "))));
        // The outline of the former district, as the demo keeps it for its period.
        let outline = stored_boundary(&test_db, "391").await.expect("the district's outline");
        let outline: geojson::Geometry = outline.parse().expect("GeoJSON");
        let outline: geo::Geometry<f64> = outline.try_into().expect("geometry");
        // Two sources drawn at about 50 m: a commune may pass the outline's box by a few metres.
        let frame = outline.bounding_rect().expect("a box");
        let margin = 0.001;
        let frame = geo::Rect::new(
            geo::coord! { x: frame.min().x - margin, y: frame.min().y - margin },
            geo::coord! { x: frame.max().x + margin, y: frame.max().y + margin },
        );
        let mut total_km2 = 0.0;
        for feature in &features {
            let geometry: geojson::Geometry = serde_json::from_value(feature["geometry"].clone()).expect("geometry");
            let area: geo::Geometry<f64> = geometry.try_into().expect("an area");
            let ring_box = area.bounding_rect().expect("a box");
            let framed = geo::Polygon::from(frame);
            assert!(
                framed.contains(&geo::Polygon::from(ring_box)),
                "{} lies inside the outline's box",
                feature["properties"]["code"]
            );
            total_km2 += area.geodesic_area_unsigned() / 1e6;
        }
        assert!((total_km2 - 559.0).abs() <= 5.0, "the communes cover the district: {total_km2:.1} km²");
        // Their sources are credited where the map shows them: the attribution in the page's data.
        let (status, _, page) = bandoso_tests::get_bytes(&app, "/", &bandoso_tests::As::Public).await;
        assert_eq!(status, http::StatusCode::OK);
        let page = String::from_utf8(page).expect("UTF-8 page");
        assert!(page.contains("lamngockhuong/vietnam-3d-map (MIT)"), "the map credits the boundaries' source");
        test_db
    })
    .await;
}
