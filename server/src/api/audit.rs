//! `GET /api/v1/audit?entity_type=…&entity_id=…` (admins): the history of one entity.

use super::error::{ApiError, ErrorBody};
use super::extract::{Listing, Paged};
use super::paging::HISTORY_PAGE;
use super::params;
use axum::extract::State;
use domain::audit::{self, AuditEntry};
use domain::Db;
use serde::Deserialize;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuditQuery {
    entity_type: Option<String>,
    entity_id: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/audit", tag = "administration",
    params(("entity_type" = String, Query, description = "e.g. cultural_house, user, api_token, village_coverage"),
        ("entity_id" = String, Query, description = "Id (or code) of the entity"),
        ("limit" = Option<i64>, Query, description = "Page size, 1 to 5000 (default 1000)"),
        ("offset" = Option<i64>, Query, description = "Entries to skip; a full page carries a Link rel=next header")),
    responses((status = 200, description = "History of the entity, newest first", body = Vec<AuditEntry>), (status = 400, description = "Malformed parameters or body", body = ErrorBody)))]
pub async fn list(
    State(db): State<Db>,
    listing: Listing<AuditQuery, HISTORY_PAGE>,
) -> Result<Paged<AuditEntry>, ApiError> {
    let filter = &listing.filter;
    let entity_type =
        params::required("entity_type", filter.entity_type.clone(), "e.g. cultural_house, user, api_token")?;
    let entity_id = params::required("entity_id", filter.entity_id.clone(), "the entity's id or code")?;
    Ok(listing.answer(audit::for_entity(db.pool(), &entity_type, &entity_id, listing.page_or_all()).await?))
}
