//! `GET /api/v1/audit?entity_type=…&entity_id=…` (admins): the history of one entity.

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
