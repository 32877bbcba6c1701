//! REST API v1: GeoJSON (RFC 7946, lon/lat) for maps and integrations. Every error is JSON.

pub mod admin_units;
pub mod cultural_houses;
pub mod error;
pub mod health;

use app::state::AppState;
use axum::routing::get;
use axum::Router;
pub use error::ApiError;

/// Routes under `/api/v1`.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/cultural-houses", get(cultural_houses::list))
        .route("/cultural-houses/{id}", get(cultural_houses::get_one))
        .route("/admin-units", get(admin_units::list))
        .fallback(|| async { ApiError::RouteNotFound })
}
