//! The leaders' dashboard over the API: indicators against targets per commune, officers'
//! figures, admins' targets, and the villages to act on next.

use super::error::ApiError;
use super::error::ErrorBody;
use super::extract::{Json, Query};
use super::params;
use crate::auth::SignedIn;
use axum::extract::State;
use axum::http::StatusCode;
use domain::indicators::{self, ReportedFigure, EVERYWHERE};
use domain::Db;
use model::indicators::{Indicator, IndicatorStatus, VillagePriority};
use serde::Deserialize;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct YearQuery {
    pub year: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/indicators", tag = "dashboard",
    params(("year" = Option<i32>, Query, description = "The plan year (default: this year)")),
    responses((status = 200, description = "Every indicator: target, actual over the caller's communes, each commune's figure and gap", body = Vec<IndicatorStatus>),
        (status = 400, description = "Malformed parameters", body = ErrorBody)))]
/// `GET /api/v1/indicators?year=2026`: where the caller's communes stand against the plan.
pub async fn list(
    State(db): State<Db>,
    SignedIn(principal): SignedIn,
    Query(query): Query<YearQuery>,
) -> Result<Json<Vec<IndicatorStatus>>, ApiError> {
    Ok(Json(indicators::status(&db, &principal, params::year(query.year.as_deref())?).await?))
}

#[utoipa::path(get, path = "/api/v1/priorities", tag = "dashboard",
    responses((status = 200, description = "Villages ranked by combined gap, most urgent first, with their reasons", body = Vec<VillagePriority>)))]
/// `GET /api/v1/priorities`: "nên làm gì tiếp", the villages to act on next.
pub async fn priorities(
    State(db): State<Db>,
    SignedIn(principal): SignedIn,
) -> Result<Json<Vec<VillagePriority>>, ApiError> {
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
        (status = 422, description = "A field breaks a rule", body = ErrorBody)))]
/// `PUT /api/v1/targets`: an admin's target for an indicator and year, everywhere or per commune.
pub async fn set_target(
    State(db): State<Db>,
    SignedIn(principal): SignedIn,
    Json(change): Json<TargetChange>,
) -> Result<StatusCode, ApiError> {
    let unit = params::optional(change.unit_code.as_deref()).unwrap_or(EVERYWHERE);
    indicators::set_target(&db, &principal, change.indicator, change.year, unit, change.percent).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(post, path = "/api/v1/indicator-reports", tag = "dashboard",
    request_body = ReportedFigure,
    responses((status = 204, description = "Figure stored (replacing the same commune's for the same quarter)"),
        (status = 400, description = "Malformed body", body = ErrorBody),
        (status = 403, description = "Role or scope does not allow it", body = ErrorBody),
        (status = 422, description = "A field breaks a rule", body = ErrorBody)))]
/// `POST /api/v1/indicator-reports`: a commune officer's figure for an indicator the app does
/// not record (schools, offices, enterprises), per quarter.
pub async fn report(
    State(db): State<Db>,
    SignedIn(principal): SignedIn,
    Json(figure): Json<ReportedFigure>,
) -> Result<StatusCode, ApiError> {
    indicators::report_figure(&db, &principal, &figure).await?;
    Ok(StatusCode::NO_CONTENT)
}
