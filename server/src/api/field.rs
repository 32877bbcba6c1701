//! The field app's API: `POST /api/v1/sync` for the records phones queue offline, corrections of
//! synced visits, a village's household list, and the per-village aggregates built from them
//! (progress, field-measured network).

use super::error::ApiError;
use super::error::ErrorBody;
use super::extract::{IfMatch, Json, Listing, Paged, Path, Versioned};
use super::paging::HISTORY_PAGE;
use super::params;
use crate::auth::SignedIn;
use axum::extract::State;
use domain::field::{self, HouseholdEntry, VillageProgress};
use domain::Db;
use domain::{sync, visit_edits};
use model::field_records::{EditedVisit, SyncResult, VillageMeasurement, VisitEdit};
use serde::{Deserialize, Serialize};

/// A batch of queued records. Each is checked on its own: a malformed one is rejected alone.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SyncRequest {
    /// Up to 500 records, each `{"kind": "household" | "visit" | "handover", "uuid": …, …}`.
    #[schema(value_type = Vec<model::field_records::SyncRecord>)]
    records: Vec<serde_json::Value>,
}

impl SyncRequest {
    /// The records, if the batch is small enough to be answered in one transaction.
    fn records(self) -> Result<Vec<serde_json::Value>, ApiError> {
        if self.records.len() > sync::MAX_BATCH {
            return Err(ApiError::BadBody(format!(
                "records: at most {} per request, got {}; send several batches",
                sync::MAX_BATCH,
                self.records.len()
            )));
        }
        Ok(self.records)
    }
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SyncResponse {
    /// One result per record, in the request's order.
    results: Vec<SyncResult>,
}

#[utoipa::path(post, path = "/api/v1/sync", tag = "field",
    request_body = SyncRequest,
    responses((status = 200, description = "One result per record: stored, already_stored or rejected (with reason)", body = SyncResponse),
        (status = 400, description = "Not a batch, or more than 500 records", body = ErrorBody)))]
/// `POST /api/v1/sync`: stores what a phone recorded. Idempotent per record UUID: sending a batch
/// again (after a lost answer) stores nothing twice and answers `already_stored`. A record is
/// acknowledged only once committed.
pub async fn sync(
    State(db): State<Db>,
    SignedIn(principal): SignedIn,
    Json(request): Json<SyncRequest>,
) -> Result<Json<SyncResponse>, ApiError> {
    Ok(Json(SyncResponse { results: sync::sync(&db, &principal, request.records()?).await? }))
}

#[utoipa::path(get, path = "/api/v1/progress/villages", tag = "field",
    responses((status = 200, description = "Door-to-door progress per village in scope", body = Vec<VillageProgress>)))]
/// `GET /api/v1/progress/villages`: households, visits, people helped and VNeID activations per
/// village in the caller's scope. Aggregates only.
pub async fn progress(
    State(db): State<Db>,
    SignedIn(principal): SignedIn,
) -> Result<Json<Vec<VillageProgress>>, ApiError> {
    Ok(Json(field::progress(db.pool(), &principal).await?))
}

#[utoipa::path(get, path = "/api/v1/field-measurements", tag = "field",
    responses((status = 200, description = "Network measured by the teams' phones, per village in scope", body = Vec<VillageMeasurement>)))]
/// `GET /api/v1/field-measurements`: what phones measured per village (sample count, median
/// quality and downlink), to compare with what operators report.
pub async fn measurements(
    State(db): State<Db>,
    SignedIn(principal): SignedIn,
) -> Result<Json<Vec<VillageMeasurement>>, ApiError> {
    Ok(Json(field::measurements(db.pool(), &principal).await?))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HouseholdsQuery {
    /// Village code (required).
    village: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/households", tag = "field",
    params(("village" = String, Query, description = "Village code"),
        ("limit" = Option<i64>, Query, description = "Page size, 1 to 5000 (default 1000)"),
        ("offset" = Option<i64>, Query, description = "Households to skip; a full page carries a Link rel=next header")),
    responses((status = 200, description = "Households of the village, not yet visited first", body = Vec<HouseholdEntry>),
        (status = 400, description = "Malformed parameters", body = ErrorBody)))]
/// `GET /api/v1/households?village=CODE`: the list a team member works through, with each
/// household's position and visits. A village outside the caller's scope lists nothing.
pub async fn households(
    State(db): State<Db>,
    SignedIn(principal): SignedIn,
    listing: Listing<HouseholdsQuery, HISTORY_PAGE>,
) -> Result<Paged<HouseholdEntry>, ApiError> {
    let village = params::required("village", listing.filter.village.clone(), "the village code")?;
    Ok(listing.answer(field::households(db.pool(), &principal, &village, listing.page_or_all()).await?))
}

#[utoipa::path(patch, path = "/api/v1/visits/{uuid}", tag = "field",
    params(("uuid" = String, Path, description = "The visit's UUID (given by the phone)"),
        ("If-Match" = String, Header, description = "The visit's version as last seen, e.g. \"1\" right after sync")),
    request_body = VisitEdit,
    responses((status = 200, description = "The visit's new version; also in the ETag header", body = EditedVisit),
        (status = 400, description = "Malformed body or If-Match", body = ErrorBody),
        (status = 404, description = "No such visit in the caller's scope", body = ErrorBody),
        (status = 409, description = "Corrected meanwhile; `current_version` says the version now", body = ErrorBody),
        (status = 422, description = "A field breaks a rule", body = ErrorBody),
        (status = 428, description = "If-Match missing", body = ErrorBody)))]
/// `PATCH /api/v1/visits/{uuid}`: corrects what a synced visit says happened (people helped,
/// skills, outcomes, note). Place, time and household stay as recorded.
pub async fn edit_visit(
    State(db): State<Db>,
    SignedIn(principal): SignedIn,
    Path(uuid): Path<String>,
    IfMatch(version): IfMatch,
    Json(edit): Json<VisitEdit>,
) -> Result<Versioned<EditedVisit>, ApiError> {
    let edited =
        visit_edits::edit_visit(&db, &principal, &uuid, version, &edit).await.map_err(ApiError::not_found("visit"))?;
    Ok(Versioned(edited.version, edited))
}
