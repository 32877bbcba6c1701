//! `GET /api/v1/audit?entity_type=…&entity_id=…` (admins): the history of one entity.

use super::error::ErrorBody;
use super::ApiError;
use app::domain::audit::{self, AuditEntry};
use app::domain::Db;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::Json;
use serde::Deserialize;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuditQuery {
    entity_type: Option<String>,
    entity_id: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/audit", tag = "administration",
    params(("entity_type" = String, Query, description = "e.g. cultural_house, user, api_token, village_coverage"),
        ("entity_id" = String, Query, description = "Id (or code) of the entity")),
    responses((status = 200, description = "History of the entity, newest first", body = Vec<AuditEntry>), (status = 400, description = "Malformed parameters or body", body = ErrorBody), (status = 401, description = "No valid session or token", body = ErrorBody), (status = 403, description = "Role, scope or operator does not allow it", body = ErrorBody)),
    security(("session" = []), ("token" = [])))]
pub async fn list(
    State(db): State<Db>,
    query: Result<Query<AuditQuery>, QueryRejection>,
) -> Result<Json<Vec<AuditEntry>>, ApiError> {
    let Query(query) = query?;
    let entity_type = query
        .entity_type
        .filter(|t| !t.trim().is_empty())
        .ok_or_else(|| ApiError::invalid("entity_type", "required, e.g. cultural_house, user, api_token"))?;
    let entity_id =
        query.entity_id.filter(|t| !t.trim().is_empty()).ok_or_else(|| ApiError::invalid("entity_id", "required"))?;
    Ok(Json(audit::for_entity(db.pool(), entity_type.trim(), entity_id.trim()).await?))
}
