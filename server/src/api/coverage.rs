//! Coverage reports from operators: one at a time (JSON) or a whole file, and a village's report
//! history. Reports are never edited, only added: the map reads the latest.

use super::error::ApiError;
use super::error::ErrorBody;
use super::extract::{Created, Json, Listing, NoFilter, Paged, Path, Query, Upload};
use super::paging::HISTORY_PAGE;
use super::params::ImportQuery;
use crate::auth::SignedIn;
use axum::extract::State;
use domain::coverage::{self, FileFormat, RecordedReport, ReportEntry, SubmittedReport};
use domain::imports::ImportOutcome;
use domain::Db;

#[utoipa::path(post, path = "/api/v1/coverage-reports", tag = "coverage",
    request_body = SubmittedReport,
    responses((status = 201, description = "Recorded", body = RecordedReport), (status = 400, description = "Malformed parameters or body", body = ErrorBody),
        (status = 403, description = "Role, scope or operator does not allow it", body = ErrorBody),
        (status = 422, description = "A field breaks a rule", body = ErrorBody)))]
/// `POST /api/v1/coverage-reports`: one report; a telecom account reports for its own operator only.
pub async fn create(
    State(db): State<Db>,
    SignedIn(principal): SignedIn,
    Json(submitted): Json<SubmittedReport>,
) -> Result<Created<RecordedReport>, ApiError> {
    Ok(Created(coverage::report(&db, &principal, &submitted).await?))
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
    Path(code): Path<String>,
    listing: Listing<NoFilter, HISTORY_PAGE>,
) -> Result<Paged<ReportEntry>, ApiError> {
    Ok(listing.answer(coverage::village_history(db.pool(), code.trim(), listing.page_or_all()).await?))
}

#[utoipa::path(post, path = "/api/v1/imports/coverage", tag = "imports",
    params(ImportQuery),
    request_body(content = String, content_type = "text/csv",
        description = "Columns: village_code, operator, technology, quality, reported_at"),
    responses((status = 200, description = "Imported (or would import) this many rows", body = ImportOutcome),
        (status = 403, description = "Role, scope or operator does not allow it", body = ErrorBody),
        (status = 413, description = "Larger than 16 MiB", body = ErrorBody),
        (status = 422, description = "Rejected whole; `problems` lists each bad line", body = ErrorBody)))]
/// `POST /api/v1/imports/coverage[?dry_run=true]` with a CSV body (UTF-8, header line naming the
/// columns). All or nothing: any bad line rejects the file with every problem listed by line.
pub async fn import_csv(
    State(db): State<Db>,
    SignedIn(principal): SignedIn,
    Query(query): Query<ImportQuery>,
    Upload(file): Upload,
) -> Result<Json<ImportOutcome>, ApiError> {
    Ok(Json(coverage::import_file(&db, &principal, &file, FileFormat::Csv, query.dry_run()).await?))
}

#[utoipa::path(post, path = "/api/v1/imports/coverage-areas", tag = "imports",
    params(ImportQuery),
    request_body(content = Object, content_type = "application/geo+json",
        description = "A FeatureCollection of Polygon/MultiPolygon features with properties village_code, technology, quality, and optionally operator and reported_at"),
    responses((status = 200, description = "Imported (or would import) this many features", body = ImportOutcome),
        (status = 403, description = "Role, scope or operator does not allow it", body = ErrorBody),
        (status = 413, description = "Larger than 16 MiB", body = ErrorBody),
        (status = 422, description = "Rejected whole; `problems` lists each bad feature by index", body = ErrorBody)))]
/// `POST /api/v1/imports/coverage-areas[?dry_run=true]` with a GeoJSON body: coverage reports
/// that draw their area. All or nothing, every bad feature reported by its index.
pub async fn import_geojson(
    State(db): State<Db>,
    SignedIn(principal): SignedIn,
    Query(query): Query<ImportQuery>,
    Upload(file): Upload,
) -> Result<Json<ImportOutcome>, ApiError> {
    Ok(Json(coverage::import_file(&db, &principal, &file, FileFormat::GeoJson, query.dry_run()).await?))
}
