//! The leaders' downloads: the quarterly report (XLSX), the indicators and the priority list
//! (CSV). The files are laid out in `crate::files::indicators`.

use super::error::ApiError;
use super::error::ErrorBody;
use super::extract::Query;
use super::indicators::IndicatorQuery;
use crate::auth::SignedIn;
use crate::files::{self, Download};
use axum::extract::State;
use domain::db::Page;
use domain::indicators::{self, PriorityFilter};
use domain::Db;

#[utoipa::path(get, path = "/api/v1/reports/indicators.csv", tag = "dashboard",
    params(("year" = Option<i32>, Query, description = "The plan year (default: this year)"),
        ("period" = Option<String>, Query, description = "A quarter of the year begun so far (default: the latest)"),
        ("unit" = Option<String>, Query, description = "A unit of the caller's area (default: the top of it)"),
        ("boundaries" = Option<String>, Query, description = "of_the_time (default) or today")),
    responses((status = 200, description = "CSV (UTF-8 with BOM): every indicator for the area (`*`) and each unit one level down", content_type = "text/csv", body = String),
        (status = 400, description = "Malformed parameters", body = ErrorBody)))]
/// `GET /api/v1/reports/indicators.csv?year=2026`
pub async fn indicators_csv(
    State(db): State<Db>,
    SignedIn(principal): SignedIn,
    Query(query): Query<IndicatorQuery>,
) -> Result<Download, ApiError> {
    let overview = indicators::overview(&db, &principal, &query.request()?).await?;
    Ok(files::indicators::indicators_csv(overview.year, &overview.indicators)?)
}

#[utoipa::path(get, path = "/api/v1/reports/quarterly.xlsx", tag = "dashboard",
    params(("year" = Option<i32>, Query, description = "The plan year (default: this year)"),
        ("period" = Option<String>, Query, description = "A quarter of the year begun so far (default: the latest)"),
        ("unit" = Option<String>, Query, description = "A unit of the caller's area (default: the top of it)"),
        ("boundaries" = Option<String>, Query, description = "of_the_time (default) or today")),
    responses((status = 200, description = "XLSX: the appendix table with actuals, then one sheet per unit one level down", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body = Vec<u8>),
        (status = 400, description = "Malformed parameters", body = ErrorBody)))]
/// `GET /api/v1/reports/quarterly.xlsx?year=2026`
pub async fn quarterly_xlsx(
    State(db): State<Db>,
    SignedIn(principal): SignedIn,
    Query(query): Query<IndicatorQuery>,
) -> Result<Download, ApiError> {
    let overview = indicators::overview(&db, &principal, &query.request()?).await?;
    let (targets_2025, targets_2026) =
        (indicators::area_targets(db.pool(), 2025).await?, indicators::area_targets(db.pool(), 2026).await?);
    Ok(files::indicators::quarterly_xlsx(overview.year, &overview.indicators, &targets_2025, &targets_2026)?)
}

#[utoipa::path(get, path = "/api/v1/reports/priorities.csv", tag = "dashboard",
    responses((status = 200, description = "CSV (UTF-8 with BOM): the villages to act on next, most urgent first, with their reasons", content_type = "text/csv", body = String)))]
/// `GET /api/v1/reports/priorities.csv`
pub async fn priorities_csv(State(db): State<Db>, SignedIn(principal): SignedIn) -> Result<Download, ApiError> {
    let ranked = indicators::priorities(&db, &principal, &PriorityFilter::default(), Page::ALL).await?;
    Ok(files::indicators::priorities_csv(ranked)?)
}
