//! The OpenAPI 3 document of the REST API, generated from the handlers' annotations, and a
//! readable page rendered from it (served by us: no documentation viewer fetched from a CDN).

use crate::api;
use crate::auth::Access;
use app::state::AppState;
use axum::http::header;
use axum::response::Html;
use axum::Json;
use std::sync::LazyLock;
use utoipa::openapi::content::ContentBuilder;
use utoipa::openapi::path::Operation;
use utoipa::openapi::response::ResponseBuilder;
use utoipa::openapi::security::SecurityRequirement;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{OpenApi as Document, Ref, RefOr};
use utoipa::{Modify, OpenApi};
use utoipa_axum::router::UtoipaMethodRouter;
use utoipa_axum::routes;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Bản Đồ Số API",
        description = "Cultural houses, their Wi-Fi and the coverage of their villages, for the \
            Bình dân học vụ số movement. GeoJSON follows RFC 7946 ([lon, lat]). Errors are JSON \
            `{\"error\": {\"code\", \"message\", ...}}`. Integrations authenticate with \
            `Authorization: Bearer bds_…` tokens created by an administrator."
    ),
    modifiers(&Credentials)
)]
struct ApiDoc;

/// The document, built once from the route list.
static DOCUMENT: LazyLock<Document> = LazyLock::new(build);

/// The whole document: the routes of [`api::api_routes`] (each operation completed from its
/// access rule) and the health check.
pub fn openapi() -> Document {
    DOCUMENT.clone()
}

fn build() -> Document {
    let mut document = ApiDoc::openapi();
    let health: UtoipaMethodRouter<AppState> = routes!(api::health::healthz);
    document.paths.paths.extend(health.1.paths);
    let components = document.components.get_or_insert_with(Default::default);
    for route in api::api_routes() {
        components.schemas.extend(route.schemas);
        let mut documentation = route.documentation;
        for item in documentation.paths.values_mut() {
            for operation in
                [&mut item.get, &mut item.post, &mut item.put, &mut item.patch, &mut item.delete].into_iter().flatten()
            {
                describe_access(operation, route.access);
            }
        }
        document.paths.merge(documentation);
    }
    document
}

/// Adds what a route's [`Access`] means to its operation: the credentials it takes and its 401
/// and 403 answers (unless the handler describes them more precisely).
fn describe_access(operation: &mut Operation, access: Access) {
    let Access::Needs(_) = access else { return };
    let credentials = ["session", "token"].map(|scheme| SecurityRequirement::new(scheme, Vec::<String>::new()));
    operation.security = Some(credentials.into());
    let error = |description: &str| {
        RefOr::T(
            ResponseBuilder::new()
                .description(description)
                .content(
                    "application/json",
                    ContentBuilder::new().schema(Some(Ref::from_schema_name("ErrorBody"))).build(),
                )
                .build(),
        )
    };
    let responses = &mut operation.responses.responses;
    responses.entry("401".to_owned()).or_insert_with(|| error("No valid session or token"));
    responses.entry("403".to_owned()).or_insert_with(|| error("The caller's role may not use this route"));
}

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
    Json(openapi())
}

/// Policy of the documentation page: our stylesheet and nothing else.
const PAGE_POLICY: &str = "default-src 'none'; style-src 'self'; frame-ancestors 'none'; base-uri 'none'";

/// `GET /api/docs`: the document as a plain page, one section per route.
pub async fn page() -> ([(header::HeaderName, &'static str); 1], Html<String>) {
    let document = openapi();
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
