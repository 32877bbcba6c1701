//! Security headers on every response.

use app::security::PageNonce;
use app::state::AppState;
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;
use std::sync::Arc;

/// What the policies depend on, made once at start-up (every response passes through
/// [`headers`]).
#[derive(Clone, Debug)]
pub struct Policies {
    tile_url: Arc<str>,
    service_worker: Option<HeaderValue>,
}

impl Policies {
    pub fn new(state: &AppState) -> Policies {
        let service_worker = HeaderValue::from_str(&app::security::service_worker_policy(&state.tiles.url)).ok();
        Policies { tile_url: state.tiles.url.as_str().into(), service_worker }
    }
}

/// Adds the headers every response carries: a rendered page gets the page policy with the nonce
/// of its inline scripts (see [`PageNonce`]), the service worker its own, everything else the
/// strict API policy.
pub async fn headers(State(policies): State<Policies>, mut request: Request, next: Next) -> Response {
    let is_service_worker = request.uri().path() == app::security::SERVICE_WORKER_PATH;
    let page_nonce = PageNonce::default();
    request.extensions_mut().insert(page_nonce.clone());
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    let own_policy = match (is_service_worker, page_nonce.get()) {
        (true, _) => policies.service_worker,
        (false, Some(nonce)) => HeaderValue::from_str(&app::security::page_policy(nonce, &policies.tile_url)).ok(),
        (false, None) => None,
    };
    if let Some(policy) = own_policy {
        headers.insert(header::CONTENT_SECURITY_POLICY, policy);
    }
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("strict-origin-when-cross-origin"));
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    if !headers.contains_key(header::CONTENT_SECURITY_POLICY) {
        headers.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(app::security::API_POLICY));
    }
    response
}

/// Refuses writes a page of another origin makes the browser send with our cookies (cross-site
/// request forgery, login CSRF included): a POST, PUT, PATCH or DELETE that the browser says
/// comes from elsewhere (`Sec-Fetch-Site` other than `same-origin` or `none`), or whose `Origin`
/// names another host than the request's, is answered 403 before any handler runs. "Same site"
/// is not enough: another port or a sibling subdomain is another origin. Requests without these
/// headers (API clients, curl) carry no cookies of a victim and pass; API tokens never ride on
/// cookies.
pub async fn same_origin_writes(request: Request, next: Next) -> Response {
    use axum::response::IntoResponse;
    if is_cross_origin_write(&request) {
        return crate::api::error::ApiError::Forbidden("a write from another site's page is refused").into_response();
    }
    next.run(request).await
}

fn is_cross_origin_write(request: &Request) -> bool {
    use axum::http::Method;
    if matches!(*request.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        return false;
    }
    let headers = request.headers();
    if let Some(site) = headers.get("sec-fetch-site").and_then(|value| value.to_str().ok()) {
        return !matches!(site, "same-origin" | "none");
    }
    let (Some(origin), Some(host)) = (
        headers.get(header::ORIGIN).and_then(|value| value.to_str().ok()),
        headers.get(header::HOST).and_then(|value| value.to_str().ok()),
    ) else {
        return false;
    };
    // `Origin: null` (sandboxed frames, some redirects) is another origin too.
    origin.split_once("://").map(|(_, authority)| authority) != Some(host)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(headers: &[(&str, &str)]) -> bool {
        let mut request = axum::http::Request::post("/api/auth/login");
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        is_cross_origin_write(&request.body(axum::body::Body::empty()).expect("request"))
    }

    #[test]
    fn writes_from_other_origins_are_recognised() {
        assert!(!write(&[]), "an API client");
        assert!(!write(&[("sec-fetch-site", "same-origin")]));
        assert!(!write(&[("sec-fetch-site", "none")]), "typed or bookmarked by the person");
        for site in ["same-site", "cross-site"] {
            assert!(write(&[("sec-fetch-site", site)]), "{site}");
        }
        assert!(!write(&[("origin", "https://bandoso.example"), ("host", "bandoso.example")]));
        assert!(write(&[("origin", "https://bandoso.example:8443"), ("host", "bandoso.example")]), "another port");
        assert!(write(&[("origin", "https://evil.bandoso.example"), ("host", "bandoso.example")]), "a sibling");
        assert!(write(&[("origin", "null"), ("host", "bandoso.example")]));
        let read = axum::http::Request::get("/").header("sec-fetch-site", "cross-site").body(axum::body::Body::empty());
        assert!(!is_cross_origin_write(&read.expect("request")), "reads are links, not forgery");
    }
}
