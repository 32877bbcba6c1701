//! `GET /healthz`: 200 when the database answers, 503 otherwise (for load balancers and uptime checks).

use super::error::{ApiError, ErrorBody};
use super::extract::Json;
use axum::extract::State;
use domain::Db;
use serde_json::{json, Value};

#[utoipa::path(get, path = "/healthz", tag = "operations",
    responses((status = 200, description = "The database answers", body = Object),
        (status = 503, description = "The database does not answer", body = ErrorBody)))]
pub async fn healthz(State(db): State<Db>) -> Result<Json<Value>, ApiError> {
    db.ping().await.map_err(|error| {
        tracing::warn!(%error, "health check: database does not answer");
        ApiError::Unavailable
    })?;
    Ok(Json(json!({ "status": "ok" })))
}
