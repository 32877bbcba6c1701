//! The OpenAPI document describes every route the API has.

use bandoso_tests::{get, get_json, TestDb};
use http::StatusCode;

#[tokio::test]
async fn the_openapi_document_covers_every_route_and_both_credentials() {
    let test_db = TestDb::sqlite().await;
    let app = test_db.app();
    let (status, document) = get_json(&app, "/api/openapi.json").await;
    assert_eq!(status, StatusCode::OK);
    assert!(document["openapi"].as_str().unwrap_or_default().starts_with("3."), "{}", document["openapi"]);
    for route in server::api::api_routes() {
        let path = format!("/api/v1{}", route.path);
        let method = route.method.as_str().to_lowercase();
        assert!(document["paths"][&path][&method].is_object(), "{} {path} is not documented", route.method);
    }
    assert!(document["paths"]["/healthz"]["get"].is_object());
    let schemes = &document["components"]["securitySchemes"];
    assert_eq!(schemes["token"]["scheme"], "bearer");
    assert_eq!(schemes["session"]["in"], "cookie");
    assert!(document["components"]["schemas"]["WifiUpdate"].is_object());

    let (status, page) = get(&app, "/api/docs").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("<code>PUT /api/v1/cultural-houses/{id}/wifi</code>"));
    assert!(page.contains("If-Match"));
    test_db.finish().await;
}
