//! Coverage reports from operators: one at a time (JSON) or a whole CSV file, and a village's
//! report history. Reports are never edited, only added: the map reads the latest.

use super::error::ErrorBody;
use super::paging::{next_link, PageQuery, HISTORY_PAGE};
use super::ApiError;
use crate::auth::{signed_in, Caller};
use app::domain::audit::{self, Actor};
use app::domain::coverage::{self, ReportEntry, ReportingRights, SubmittedReport};
use app::domain::csv_import::{ImportOutcome, RowProblem};
use app::domain::db::Page;
use app::domain::{Db, StoreError};
use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, JsonRejection, PathRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::{Extension, Json};
use serde::Deserialize;
use serde_json::json;

#[utoipa::path(post, path = "/api/v1/coverage-reports", tag = "coverage",
    request_body = SubmittedReport,
    responses((status = 201, description = "Recorded", body = Object), (status = 400, description = "Malformed parameters or body", body = ErrorBody), (status = 401, description = "No valid session or token", body = ErrorBody), (status = 403, description = "Role, scope or operator does not allow it", body = ErrorBody),
        (status = 422, description = "A field breaks a rule", body = ErrorBody)),
    security(("session" = []), ("token" = [])))]
/// `POST /api/v1/coverage-reports`: one report; a telecom account reports for its own operator only.
pub async fn create(
    State(db): State<Db>,
    Extension(Caller(viewer)): Extension<Caller>,
    body: Result<Json<SubmittedReport>, JsonRejection>,
) -> Result<(StatusCode, Json<serde_json::Value>), ApiError> {
    let principal = signed_in(viewer)?;
    let Json(submitted) = body?;
    let rights = ReportingRights::load(db.pool(), &principal).await?;
    let checked = rights.check(&submitted).map_err(|problems| {
        let messages: Vec<String> = problems.into_iter().map(|problem| problem.en).collect();
        StoreError::Invalid(messages.join("; "))
    })?;
    let mut tx = db.begin_write().await?;
    coverage::insert_checked(&mut tx, std::slice::from_ref(&checked), &principal.audit_name()).await?;
    audit::record(
        &mut *tx,
        Actor::Principal(&principal),
        &audit::Change {
            action: "report",
            entity_type: "village_coverage",
            entity_id: submitted.village_code.trim(),
            before: None,
            after: Some(&json!(submitted)),
        },
    )
    .await?;
    tx.commit().await.map_err(StoreError::from)?;
    Ok((
        StatusCode::CREATED,
        Json(json!({
            "village_code": submitted.village_code.trim(),
            "operator": checked.operator,
            "technology": checked.technology,
            "quality": checked.quality,
            "reported_at": checked.reported_at,
        })),
    ))
}

#[utoipa::path(get, path = "/api/v1/villages/{code}/coverage-history", tag = "coverage",
    params(("code" = String, Path, description = "Village code"),
        ("limit" = Option<i64>, Query, description = "Page size, 1 to 5000 (default 1000)"),
        ("offset" = Option<i64>, Query, description = "Reports to skip; a full page carries a Link rel=next header")),
    responses((status = 200, description = "Every report, newest first", body = Vec<ReportEntry>),
        (status = 400, description = "Malformed parameters", body = ErrorBody)))]
/// `GET /api/v1/villages/{code}/coverage-history`: every report of a village, newest first.
pub async fn village_history(
    State(db): State<Db>,
    axum::extract::OriginalUri(uri): axum::extract::OriginalUri,
    code: Result<Path<String>, PathRejection>,
    query: Result<Query<PageQuery>, QueryRejection>,
) -> Result<(axum::http::HeaderMap, Json<Vec<ReportEntry>>), ApiError> {
    let Path(code) = code?;
    let Query(query) = query?;
    let page = query.page(Some(HISTORY_PAGE))?.unwrap_or(Page::ALL);
    let history = coverage::village_history(db.pool(), code.trim(), page).await?;
    Ok((next_link(&uri, Some(page), history.len()), Json(history)))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ImportQuery {
    /// `true`: check the file and say what would be imported, write nothing.
    dry_run: Option<bool>,
}

#[utoipa::path(post, path = "/api/v1/imports/coverage", tag = "imports",
    params(("dry_run" = Option<bool>, Query, description = "Check and count without writing")),
    request_body(content = String, content_type = "text/csv",
        description = "Columns: village_code, operator, technology, quality, reported_at"),
    responses((status = 200, description = "Imported (or would import) this many rows", body = ImportOutcome), (status = 401, description = "No valid session or token", body = ErrorBody), (status = 403, description = "Role, scope or operator does not allow it", body = ErrorBody),
        (status = 413, description = "Larger than 16 MiB", body = ErrorBody),
        (status = 422, description = "Rejected whole; `problems` lists each bad line", body = ErrorBody)),
    security(("session" = []), ("token" = [])))]
/// `POST /api/v1/imports/coverage[?dry_run=true]` with a CSV body (UTF-8, header line naming the
/// columns). All or nothing: any bad line rejects the file with every problem listed by line.
pub async fn import_csv(
    State(db): State<Db>,
    Extension(Caller(viewer)): Extension<Caller>,
    query: Result<Query<ImportQuery>, QueryRejection>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Json<ImportOutcome>, ApiError> {
    import_file(db, viewer, query, body, coverage::check_csv, "import_csv").await
}

#[utoipa::path(post, path = "/api/v1/imports/coverage-areas", tag = "imports",
    params(("dry_run" = Option<bool>, Query, description = "Check and count without writing")),
    request_body(content = Object, content_type = "application/geo+json",
        description = "A FeatureCollection of Polygon/MultiPolygon features with properties village_code, technology, quality, and optionally operator and reported_at"),
    responses((status = 200, description = "Imported (or would import) this many features", body = ImportOutcome), (status = 401, description = "No valid session or token", body = ErrorBody), (status = 403, description = "Role, scope or operator does not allow it", body = ErrorBody),
        (status = 413, description = "Larger than 16 MiB", body = ErrorBody),
        (status = 422, description = "Rejected whole; `problems` lists each bad feature by index", body = ErrorBody)),
    security(("session" = []), ("token" = [])))]
/// `POST /api/v1/imports/coverage-areas[?dry_run=true]` with a GeoJSON body: coverage reports
/// that draw their area. All or nothing, every bad feature reported by its index.
pub async fn import_geojson(
    State(db): State<Db>,
    Extension(Caller(viewer)): Extension<Caller>,
    query: Result<Query<ImportQuery>, QueryRejection>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Json<ImportOutcome>, ApiError> {
    import_file(db, viewer, query, body, coverage::check_geojson, "import_geojson").await
}

/// Reads and checks a whole file of one format: every report, or every problem.
type FileCheck = fn(&[u8], &ReportingRights) -> Result<Vec<coverage::CheckedReport>, Vec<RowProblem>>;

/// Reads, checks and (unless a dry run) writes a coverage file with the format's `check`.
async fn import_file(
    db: Db,
    viewer: app::domain::access::Viewer,
    query: Result<Query<ImportQuery>, QueryRejection>,
    body: Result<Bytes, BytesRejection>,
    check: FileCheck,
    action: &str,
) -> Result<Json<ImportOutcome>, ApiError> {
    let principal = signed_in(viewer)?;
    let Query(query) = query?;
    let body = body?;
    let rights = ReportingRights::load(db.pool(), &principal).await?;
    let reports = check(&body, &rights).map_err(ApiError::InvalidFile)?;
    let dry_run = query.dry_run.unwrap_or(false);
    if !dry_run {
        write_import(&db, &principal, &reports, action).await?;
    }
    Ok(Json(ImportOutcome { rows: reports.len(), dry_run }))
}

/// Inserts a checked file's reports and one audit entry for the file, in one transaction.
async fn write_import(
    db: &Db,
    principal: &app::domain::access::Principal,
    reports: &[coverage::CheckedReport],
    action: &str,
) -> Result<(), ApiError> {
    let mut tx = db.begin_write().await?;
    coverage::insert_checked(&mut tx, reports, &principal.audit_name()).await?;
    audit::record(
        &mut *tx,
        Actor::Principal(principal),
        &audit::Change {
            action,
            entity_type: "coverage_report",
            entity_id: "*",
            before: None,
            after: Some(&json!({ "rows": reports.len() })),
        },
    )
    .await?;
    tx.commit().await.map_err(StoreError::from)?;
    Ok(())
}
