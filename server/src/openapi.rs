//! The OpenAPI 3 document of the REST API, generated from the handlers' annotations, and a
//! readable page rendered from it (served by us: no documentation viewer fetched from a CDN).

use crate::api;
use axum::http::header;
use axum::response::Html;
use axum::Json;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::OpenApi as Document;
use utoipa::{Modify, OpenApi};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Bản Đồ Số API",
        description = "Cultural houses, their Wi-Fi and the coverage of their villages, for the \
            Bình dân học vụ số movement. GeoJSON follows RFC 7946 ([lon, lat]). Errors are JSON \
            `{\"error\": {\"code\", \"message\", ...}}`. Integrations authenticate with \
            `Authorization: Bearer bds_…` tokens created by an administrator."
    ),
    paths(
        api::health::healthz,
        api::cultural_houses::list,
        api::cultural_houses::get_one,
        api::cultural_houses::update_wifi,
        api::cultural_houses::wifi_history,
        api::cultural_houses::import_wifi,
        api::map_layers::houses,
        api::map_layers::visits,
        api::admin_units::list,
        api::exports::cultural_houses_csv,
        api::exports::cultural_houses_geojson,
        api::exports::coverage_csv,
        api::coverage::create,
        api::coverage::village_history,
        api::coverage::import_csv,
        api::coverage::import_geojson,
        api::field::sync,
        api::field::progress,
        api::field::measurements,
        api::field::households,
        api::field::edit_visit,
        api::indicators::list,
        api::indicators::priorities,
        api::indicators::set_target,
        api::indicators::report,
        api::reports::indicators_csv,
        api::reports::quarterly_xlsx,
        api::reports::priorities_csv,
        api::users::me,
        api::users::list,
        api::users::create,
        api::users::update,
        api::tokens::list,
        api::tokens::create,
        api::tokens::revoke,
        api::audit::list,
        api::donations::list_donors,
        api::donations::create_donor,
        api::donations::acknowledgements,
        api::donations::list_pledges,
        api::donations::create_pledge,
        api::donations::receive_pledge,
        api::donations::stock,
        api::donations::eligible,
        api::donations::list_allocations,
        api::donations::allocate,
        api::donations::cancel_allocation,
        api::donations::put_photo,
        api::donations::get_photo,
        api::donations::villages,
        api::donations::stock_csv,
        api::donations::report_xlsx,
    ),
    modifiers(&Credentials)
)]
pub struct ApiDoc;

/// Declares the two ways to authenticate: the browser's session cookie and API tokens.
struct Credentials;

impl Modify for Credentials {
    fn modify(&self, document: &mut Document) {
        let components = document.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "token",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).bearer_format("bds_…").build()),
        );
        components.add_security_scheme(
            "session",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::new(crate::SESSION_COOKIE))),
        );
    }
}

/// `GET /api/openapi.json`
pub async fn document() -> Json<Document> {
    Json(ApiDoc::openapi())
}

/// Policy of the documentation page: our stylesheet and nothing else.
const PAGE_POLICY: &str = "default-src 'none'; style-src 'self'; frame-ancestors 'none'; base-uri 'none'";

/// `GET /api/docs`: the document as a plain page, one section per route.
pub async fn page() -> ([(header::HeaderName, &'static str); 1], Html<String>) {
    let document = ApiDoc::openapi();
    let mut body = String::new();
    for (path, item) in &document.paths.paths {
        let operations = [
            ("GET", &item.get),
            ("POST", &item.post),
            ("PUT", &item.put),
            ("PATCH", &item.patch),
            ("DELETE", &item.delete),
        ];
        for (method, operation) in operations {
            let Some(operation) = operation else { continue };
            body.push_str(&format!("<section><h2><code>{method} {}</code></h2>", escape(path)));
            if let Some(description) = &operation.description {
                body.push_str(&format!("<p>{}</p>", escape(description)));
            }
            if let Some(parameters) = &operation.parameters {
                body.push_str("<h3>Parameters</h3><ul>");
                for parameter in parameters {
                    let description = parameter.description.as_deref().unwrap_or_default();
                    body.push_str(&format!(
                        "<li><code>{}</code> {}</li>",
                        escape(&parameter.name),
                        escape(description)
                    ));
                }
                body.push_str("</ul>");
            }
            body.push_str("<h3>Responses</h3><ul>");
            for (status, response) in &operation.responses.responses {
                let description = match response {
                    utoipa::openapi::RefOr::T(response) => response.description.clone(),
                    utoipa::openapi::RefOr::Ref(reference) => reference.ref_location.clone(),
                };
                body.push_str(&format!("<li><code>{}</code> {}</li>", escape(status), escape(&description)));
            }
            body.push_str("</ul></section>");
        }
    }
    let html = Html(format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{title}</title><link rel=\"stylesheet\" href=\"/pkg/bandoso.css\"></head>\
         <body><main class=\"page page--wide\"><h1>{title}</h1><p>{description}</p>\
         <p><a href=\"/api/openapi.json\">openapi.json</a></p>{body}</main></body></html>",
        title = escape(&document.info.title),
        description = escape(document.info.description.as_deref().unwrap_or_default()),
    ));
    ([(header::CONTENT_SECURITY_POLICY, PAGE_POLICY)], html)
}

/// Escapes text for HTML.
fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}
