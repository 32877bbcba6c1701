//! The field app's API: `POST /api/v1/sync` for the records phones queue offline, and the
//! per-village aggregates built from them (progress, field-measured network).

use super::error::ErrorBody;
use super::ApiError;
use crate::auth::{signed_in, Caller};
use app::domain::field::{self, VillageProgress};
use app::domain::Db;
use app::field_records::SyncResult;
use app::field_records::VillageMeasurement;
use axum::extract::rejection::JsonRejection;
use axum::extract::State;
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
