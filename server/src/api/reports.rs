//! The leaders' downloads: the quarterly report (XLSX), the indicators and the priority list
//! (CSV). The files are laid out in `crate::files::indicators`.

use super::error::ApiError;
use super::error::ErrorBody;
use super::extract::Query;
use super::indicators::YearQuery;
use super::params;
use crate::auth::SignedIn;
use crate::files::{self, Download};
use axum::extract::State;
use domain::indicators;
use domain::Db;

#[utoipa::path(get, path = "/api/v1/reports/indicators.csv", tag = "dashboard",
    params(("year" = Option<i32>, Query, description = "The plan year (default: this year)")),
    responses((status = 200, description = "CSV (UTF-8 with BOM): every indicator per commune and for the whole area (`*`)", content_type = "text/csv", body = String),
        (status = 400, description = "Malformed parameters", body = ErrorBody)))]
/// `GET /api/v1/reports/indicators.csv?year=2026`
pub async fn indicators_csv(
    State(db): State<Db>,
    SignedIn(principal): SignedIn,
    Query(query): Query<YearQuery>,
) -> Result<Download, ApiError> {
    let year = params::year(query.year.as_deref())?;
    Ok(files::indicators::indicators_csv(year, &indicators::status(&db, &principal, year).await?)?)
}

#[utoipa::path(get, path = "/api/v1/reports/quarterly.xlsx", tag = "dashboard",
    params(("year" = Option<i32>, Query, description = "The plan year (default: this year)")),
    responses((status = 200, description = "XLSX: the appendix table with actuals, then one sheet per commune", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body = Vec<u8>),
        (status = 400, description = "Malformed parameters", body = ErrorBody)))]
/// `GET /api/v1/reports/quarterly.xlsx?year=2026`
pub async fn quarterly_xlsx(
    State(db): State<Db>,
    SignedIn(principal): SignedIn,
    Query(query): Query<YearQuery>,
) -> Result<Download, ApiError> {
    let year = params::year(query.year.as_deref())?;
    let statuses = indicators::status(&db, &principal, year).await?;
    let (targets_2025, targets_2026) =
        (indicators::area_targets(db.pool(), 2025).await?, indicators::area_targets(db.pool(), 2026).await?);
    Ok(files::indicators::quarterly_xlsx(year, &statuses, &targets_2025, &targets_2026)?)
}

#[utoipa::path(get, path = "/api/v1/reports/priorities.csv", tag = "dashboard",
    responses((status = 200, description = "CSV (UTF-8 with BOM): the villages to act on next, most urgent first, with their reasons", content_type = "text/csv", body = String)))]
/// `GET /api/v1/reports/priorities.csv`
pub async fn priorities_csv(State(db): State<Db>, SignedIn(principal): SignedIn) -> Result<Download, ApiError> {
    Ok(files::indicators::priorities_csv(indicators::priorities(&db, &principal).await?)?)
}
