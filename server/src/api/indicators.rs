//! The leaders' dashboard over the API: indicators against targets per commune, officers'
//! figures, admins' targets, and the villages to act on next.

use super::error::ErrorBody;
use super::ApiError;
use crate::auth::{signed_in, Caller};
use app::domain::indicators::{self, ReportedFigure, EVERYWHERE};
use app::domain::Db;
use app::indicators::{Indicator, IndicatorStatus, VillagePriority};
use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::{Extension, Json};
use serde::Deserialize;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct YearQuery {
    year: Option<String>,
}

/// The year asked for, or the current one.
pub(super) fn year_of(query: YearQuery) -> Result<i32, ApiError> {
    match query.year.as_deref().map(str::trim).filter(|year| !year.is_empty()) {
        None => Ok(app::domain::current_year()),
        Some(text) => text
            .parse::<i32>()
            .ok()
            .filter(|year| (2020..=2100).contains(year))
            .ok_or_else(|| ApiError::invalid("year", "expected a year from 2020 to 2100")),
    }
}

#[utoipa::path(get, path = "/api/v1/indicators", tag = "dashboard",
    params(("year" = Option<i32>, Query, description = "The plan year (default: this year)")),
    responses((status = 200, description = "Every indicator: target, actual over the caller's communes, each commune's figure and gap", body = Vec<IndicatorStatus>),
        (status = 400, description = "Malformed parameters", body = ErrorBody),
        (status = 401, description = "No valid session or token", body = ErrorBody),
        (status = 403, description = "Role does not read the dashboard", body = ErrorBody)),
    security(("session" = []), ("token" = [])))]
/// `GET /api/v1/indicators?year=2026`: where the caller's communes stand against the plan.
pub async fn list(
    State(db): State<Db>,
    Extension(Caller(viewer)): Extension<Caller>,
    query: Result<Query<YearQuery>, QueryRejection>,
) -> Result<Json<Vec<IndicatorStatus>>, ApiError> {
    let principal = signed_in(viewer)?;
    let Query(query) = query?;
    Ok(Json(indicators::status(&db, &principal, year_of(query)?).await?))
}

#[utoipa::path(get, path = "/api/v1/priorities", tag = "dashboard",
    responses((status = 200, description = "Villages ranked by combined gap, most urgent first, with their reasons", body = Vec<VillagePriority>),
        (status = 401, description = "No valid session or token", body = ErrorBody),
        (status = 403, description = "Role does not read the dashboard", body = ErrorBody)),
    security(("session" = []), ("token" = [])))]
/// `GET /api/v1/priorities`: "nên làm gì tiếp", the villages to act on next.
pub async fn priorities(
    State(db): State<Db>,
    Extension(Caller(viewer)): Extension<Caller>,
) -> Result<Json<Vec<VillagePriority>>, ApiError> {
    let principal = signed_in(viewer)?;
    Ok(Json(indicators::priorities(&db, &principal).await?))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TargetChange {
    indicator: Indicator,
    year: i32,
    /// A commune code, or `*` (the default) for everywhere.
    unit_code: Option<String>,
    /// Percent, 0 to 100; `null` removes the change so the plan's target applies again.
    percent: Option<f64>,
}

#[utoipa::path(put, path = "/api/v1/targets", tag = "dashboard",
    request_body = TargetChange,
    responses((status = 204, description = "Target set (or back to the plan's)"),
        (status = 400, description = "Malformed body", body = ErrorBody),
        (status = 401, description = "No valid session or token", body = ErrorBody),
        (status = 403, description = "Admins only", body = ErrorBody),
        (status = 422, description = "A field breaks a rule", body = ErrorBody)),
    security(("session" = []), ("token" = [])))]
/// `PUT /api/v1/targets`: an admin's target for an indicator and year, everywhere or per commune.
pub async fn set_target(
    State(db): State<Db>,
    Extension(Caller(viewer)): Extension<Caller>,
    body: Result<Json<TargetChange>, JsonRejection>,
) -> Result<StatusCode, ApiError> {
    let principal = signed_in(viewer)?;
    let Json(change) = body?;
    let unit = change.unit_code.as_deref().map(str::trim).filter(|code| !code.is_empty()).unwrap_or(EVERYWHERE);
    indicators::set_target(&db, &principal, change.indicator, change.year, unit, change.percent).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(post, path = "/api/v1/indicator-reports", tag = "dashboard",
    request_body = ReportedFigure,
    responses((status = 204, description = "Figure stored (replacing the same commune's for the same quarter)"),
        (status = 400, description = "Malformed body", body = ErrorBody),
        (status = 401, description = "No valid session or token", body = ErrorBody),
        (status = 403, description = "Role or scope does not allow it", body = ErrorBody),
        (status = 422, description = "A field breaks a rule", body = ErrorBody)),
    security(("session" = []), ("token" = [])))]
/// `POST /api/v1/indicator-reports`: a commune officer's figure for an indicator the app does
/// not record (schools, offices, enterprises), per quarter.
pub async fn report(
    State(db): State<Db>,
    Extension(Caller(viewer)): Extension<Caller>,
    body: Result<Json<ReportedFigure>, JsonRejection>,
) -> Result<StatusCode, ApiError> {
    let principal = signed_in(viewer)?;
    let Json(figure) = body?;
    indicators::report_figure(&db, &principal, &figure).await?;
    Ok(StatusCode::NO_CONTENT)
}
