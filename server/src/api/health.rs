//! `GET /healthz`: 200 when the database answers, 503 otherwise (for load balancers and uptime checks).

use super::ApiError;
use app::domain::Db;
use axum::extract::State;
use axum::Json;
use serde_json::{json, Value};

pub async fn healthz(State(db): State<Db>) -> Result<Json<Value>, ApiError> {
    db.ping().await.map_err(|error| {
        tracing::warn!(%error, "health check: database does not answer");
        ApiError::Unavailable
    })?;
    Ok(Json(json!({ "status": "ok" })))
}
