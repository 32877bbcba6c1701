//! The field app's API: `POST /api/v1/sync` for the records phones queue offline, and the
//! per-village aggregates built from them (progress, field-measured network).

use super::error::{not_found, ErrorBody};
use super::paging::{next_link, PageQuery, HISTORY_PAGE};
use super::versions::{if_match_version, version_tag};
use super::ApiError;
use crate::auth::{signed_in, Caller};
use app::domain::db::Page;
use app::domain::field::{self, HouseholdEntry, VillageProgress};
use app::domain::visit_edits;
use app::domain::Db;
use app::field_records::SyncResult;
use app::field_records::VillageMeasurement;
use app::field_records::{EditedVisit, VisitEdit};
use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::{Extension, Json};
use serde::{Deserialize, Serialize};

/// A batch of queued records. Each is checked on its own: a malformed one is rejected alone.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SyncRequest {
    /// Up to 500 records, each `{"kind": "household" | "visit", "uuid": …, …}`.
    #[schema(value_type = Vec<app::field_records::SyncRecord>)]
    records: Vec<serde_json::Value>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SyncResponse {
    /// One result per record, in the request's order.
    results: Vec<SyncResult>,
}

#[utoipa::path(post, path = "/api/v1/sync", tag = "field",
    request_body = SyncRequest,
    responses((status = 200, description = "One result per record: stored, already_stored or rejected (with reason)", body = SyncResponse),
        (status = 400, description = "Not a batch, or more than 500 records", body = ErrorBody),
        (status = 401, description = "No valid session or token", body = ErrorBody),
        (status = 403, description = "Role does not record visits", body = ErrorBody)),
    security(("session" = []), ("token" = [])))]
/// `POST /api/v1/sync`: stores what a phone recorded. Idempotent per record UUID: sending a batch
/// again (after a lost answer) stores nothing twice and answers `already_stored`. A record is
/// acknowledged only once committed.
pub async fn sync(
    State(db): State<Db>,
    Extension(Caller(viewer)): Extension<Caller>,
    body: Result<Json<SyncRequest>, JsonRejection>,
) -> Result<Json<SyncResponse>, ApiError> {
    let principal = signed_in(viewer)?;
    let Json(request) = body?;
    if request.records.len() > field::MAX_BATCH {
        return Err(ApiError::BadBody(format!(
            "records: at most {} per request, got {}; send several batches",
            field::MAX_BATCH,
            request.records.len()
        )));
    }
    let results = field::sync(&db, &principal, request.records).await?;
    Ok(Json(SyncResponse { results }))
}

#[utoipa::path(get, path = "/api/v1/progress/villages", tag = "field",
    responses((status = 200, description = "Door-to-door progress per village in scope", body = Vec<VillageProgress>),
        (status = 401, description = "No valid session or token", body = ErrorBody),
        (status = 403, description = "Role does not see field data", body = ErrorBody)),
    security(("session" = []), ("token" = [])))]
/// `GET /api/v1/progress/villages`: households, visits, people helped and VNeID activations per
/// village in the caller's scope. Aggregates only.
pub async fn progress(
    State(db): State<Db>,
    Extension(Caller(viewer)): Extension<Caller>,
) -> Result<Json<Vec<VillageProgress>>, ApiError> {
    let principal = signed_in(viewer)?;
    Ok(Json(field::progress(db.pool(), &principal).await?))
}

#[utoipa::path(get, path = "/api/v1/field-measurements", tag = "field",
    responses((status = 200, description = "Network measured by the teams' phones, per village in scope", body = Vec<VillageMeasurement>),
        (status = 401, description = "No valid session or token", body = ErrorBody)),
    security(("session" = []), ("token" = [])))]
/// `GET /api/v1/field-measurements`: what phones measured per village (sample count, median
/// quality and downlink), to compare with what operators report.
pub async fn measurements(
    State(db): State<Db>,
    Extension(Caller(viewer)): Extension<Caller>,
) -> Result<Json<Vec<VillageMeasurement>>, ApiError> {
    let principal = signed_in(viewer)?;
    Ok(Json(field::measurements(db.pool(), &principal).await?))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HouseholdsQuery {
    /// Village code (required).
    village: Option<String>,
    limit: Option<String>,
    offset: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/households", tag = "field",
    params(("village" = String, Query, description = "Village code"),
        ("limit" = Option<i64>, Query, description = "Page size, 1 to 5000 (default 1000)"),
        ("offset" = Option<i64>, Query, description = "Households to skip; a full page carries a Link rel=next header")),
    responses((status = 200, description = "Households of the village, not yet visited first", body = Vec<HouseholdEntry>),
        (status = 400, description = "Malformed parameters", body = ErrorBody),
        (status = 401, description = "No valid session or token", body = ErrorBody),
        (status = 403, description = "Role does not see households", body = ErrorBody)),
    security(("session" = []), ("token" = [])))]
/// `GET /api/v1/households?village=CODE`: the list a team member works through, with each
/// household's position and visits. A village outside the caller's scope lists nothing.
pub async fn households(
    State(db): State<Db>,
    Extension(Caller(viewer)): Extension<Caller>,
    axum::extract::OriginalUri(uri): axum::extract::OriginalUri,
    query: Result<Query<HouseholdsQuery>, QueryRejection>,
) -> Result<(axum::http::HeaderMap, Json<Vec<HouseholdEntry>>), ApiError> {
    let principal = signed_in(viewer)?;
    let Query(query) = query?;
    let village = query
        .village
        .filter(|code| !code.trim().is_empty())
        .ok_or_else(|| ApiError::invalid("village", "required: the village code"))?;
    let page = PageQuery { limit: query.limit, offset: query.offset }.page(Some(HISTORY_PAGE))?.unwrap_or(Page::ALL);
    let list = field::households(db.pool(), &principal, &village, page).await?;
    Ok((next_link(&uri, Some(page), list.len()), Json(list)))
}

#[utoipa::path(patch, path = "/api/v1/visits/{uuid}", tag = "field",
    params(("uuid" = String, Path, description = "The visit's UUID (given by the phone)"),
        ("If-Match" = String, Header, description = "The visit's version as last seen, e.g. \"1\" right after sync")),
    request_body = VisitEdit,
    responses((status = 200, description = "The visit's new version; also in the ETag header", body = EditedVisit),
        (status = 400, description = "Malformed body or If-Match", body = ErrorBody),
        (status = 401, description = "No valid session or token", body = ErrorBody),
        (status = 403, description = "Role does not record visits", body = ErrorBody),
        (status = 404, description = "No such visit in the caller's scope", body = ErrorBody),
        (status = 409, description = "Corrected meanwhile; `current_version` says the version now", body = ErrorBody),
        (status = 422, description = "A field breaks a rule", body = ErrorBody),
        (status = 428, description = "If-Match missing", body = ErrorBody)),
    security(("session" = []), ("token" = [])))]
/// `PATCH /api/v1/visits/{uuid}`: corrects what a synced visit says happened (people helped,
/// skills, outcomes, note). Place, time and household stay as recorded.
pub async fn edit_visit(
    State(db): State<Db>,
    Extension(Caller(viewer)): Extension<Caller>,
    headers: HeaderMap,
    uuid: Result<Path<String>, PathRejection>,
    body: Result<Json<VisitEdit>, JsonRejection>,
) -> Result<(HeaderMap, Json<EditedVisit>), ApiError> {
    let Path(uuid) = uuid?;
    let Json(edit) = body?;
    let expected_version = if_match_version(&headers)?;
    let principal = signed_in(viewer)?;
    let edited =
        visit_edits::edit_visit(&db, &principal, &uuid, expected_version, &edit).await.map_err(not_found("visit"))?;
    Ok((version_tag(edited.version), Json(edited)))
}
