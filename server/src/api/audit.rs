//! `GET /api/v1/audit?entity_type=…&entity_id=…` (admins): the history of one entity.

use super::error::ErrorBody;
use super::paging::{next_link, PageQuery, HISTORY_PAGE};
use super::ApiError;
use app::domain::audit::{self, AuditEntry};
use app::domain::db::Page;
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
    limit: Option<String>,
    offset: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/audit", tag = "administration",
    params(("entity_type" = String, Query, description = "e.g. cultural_house, user, api_token, village_coverage"),
        ("entity_id" = String, Query, description = "Id (or code) of the entity"),
        ("limit" = Option<i64>, Query, description = "Page size, 1 to 5000 (default 1000)"),
        ("offset" = Option<i64>, Query, description = "Entries to skip; a full page carries a Link rel=next header")),
    responses((status = 200, description = "History of the entity, newest first", body = Vec<AuditEntry>), (status = 400, description = "Malformed parameters or body", body = ErrorBody), (status = 401, description = "No valid session or token", body = ErrorBody), (status = 403, description = "Role, scope or operator does not allow it", body = ErrorBody)),
    security(("session" = []), ("token" = [])))]
pub async fn list(
    State(db): State<Db>,
    axum::extract::OriginalUri(uri): axum::extract::OriginalUri,
    query: Result<Query<AuditQuery>, QueryRejection>,
) -> Result<(axum::http::HeaderMap, Json<Vec<AuditEntry>>), ApiError> {
    let Query(query) = query?;
    let paging = PageQuery { limit: query.limit, offset: query.offset };
    let page = paging.page(Some(HISTORY_PAGE))?.unwrap_or(Page::ALL);
    let entity_type = query
        .entity_type
        .filter(|t| !t.trim().is_empty())
        .ok_or_else(|| ApiError::invalid("entity_type", "required, e.g. cultural_house, user, api_token"))?;
    let entity_id =
        query.entity_id.filter(|t| !t.trim().is_empty()).ok_or_else(|| ApiError::invalid("entity_id", "required"))?;
    let entries = audit::for_entity(db.pool(), entity_type.trim(), entity_id.trim(), page).await?;
    Ok((next_link(&uri, Some(page), entries.len()), Json(entries)))
}
