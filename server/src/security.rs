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
