//! Security headers on every response.

use app::state::AppState;
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;

/// Adds the headers every response carries; pages already carry their own CSP (with the nonce of
/// their inline script, see `app::security`), everything else gets the strict API policy.
pub async fn headers(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let is_service_worker = request.uri().path() == app::security::SERVICE_WORKER_PATH;
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    if is_service_worker {
        if let Ok(policy) = HeaderValue::from_str(&app::security::service_worker_policy(&state.tiles.url)) {
            headers.insert(header::CONTENT_SECURITY_POLICY, policy);
        }
    }
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("strict-origin-when-cross-origin"));
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    if !headers.contains_key(header::CONTENT_SECURITY_POLICY) {
        headers.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(app::security::API_POLICY));
    }
    response
}
