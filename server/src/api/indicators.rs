//! The leaders' dashboard over the API: indicators against targets per commune, officers'
//! figures, admins' targets, and the villages to act on next.

use super::error::ApiError;
use super::error::ErrorBody;
use super::extract::{Json, Listing, Paged, Query};
use super::params;
use crate::auth::SignedIn;
use axum::extract::State;
use axum::http::StatusCode;
use domain::indicators::{self, PriorityFilter, ReportedFigure, EVERYWHERE};
use domain::Db;
use model::indicators::{Boundaries, Indicator, IndicatorStatus, OverviewRequest, VillagePriority};
use serde::Deserialize;

/// What `GET /api/v1/indicators` is asked.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IndicatorQuery {
    year: Option<String>,
    period: Option<String>,
    unit: Option<String>,
    boundaries: Option<String>,
}

impl IndicatorQuery {
    /// The overview asked for, or which parameter is wrong.
    pub fn request(self) -> Result<OverviewRequest, ApiError> {
        let boundaries = match params::optional(self.boundaries.as_deref()) {
            None | Some("of_the_time") => Boundaries::OfTheTime,
            Some("today") => Boundaries::Today,
            Some(other) => {
                return Err(ApiError::invalid("boundaries", format!("expected of_the_time or today, got '{other}'")))
            }
        };
        Ok(OverviewRequest {
            year: params::year(self.year.as_deref())?,
            period: params::optional(self.period.as_deref()).map(str::to_owned),
            unit: params::optional(self.unit.as_deref()).map(str::to_owned),
            boundaries,
        })
    }
}

#[utoipa::path(get, path = "/api/v1/indicators", tag = "dashboard",
    params(("year" = Option<i32>, Query, description = "The plan year (default: this year)"),
        ("period" = Option<String>, Query, description = "A quarter of the year begun so far, e.g. 2025-Q2 (default: the latest)"),
        ("unit" = Option<String>, Query, description = "Code of a unit of the caller's area to show, broken down one level (default: the top of the caller's area)"),
        ("boundaries" = Option<String>, Query, description = "of_the_time (default): by the units of the period; today: the past rolled up into today's units")),
    responses((status = 200, description = "Every indicator: target, actual over the area, and each unit one level down (`communes`, with its `level`)", body = Vec<IndicatorStatus>),
        (status = 400, description = "Malformed parameters", body = ErrorBody),
        (status = 422, description = "A period not begun, or a unit outside the caller's area", body = ErrorBody)))]
/// `GET /api/v1/indicators?year=2026[&period=2026-Q3][&unit=CODE][&boundaries=today]`: where the
/// caller's area stands against the plan, one level down.
pub async fn list(
    State(db): State<Db>,
    SignedIn(principal): SignedIn,
    Query(query): Query<IndicatorQuery>,
) -> Result<Json<Vec<IndicatorStatus>>, ApiError> {
    Ok(Json(indicators::overview(&db, &principal, &query.request()?).await?.indicators))
}

/// The filter of `GET /api/v1/priorities`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PriorityQuery {
    unit: Option<String>,
}

/// Villages per page of the priority list unless the client asks otherwise.
const PRIORITY_PAGE: i64 = 100;

#[utoipa::path(get, path = "/api/v1/priorities", tag = "dashboard",
    params(("unit" = Option<String>, Query, description = "Only the villages within this unit (a commune, district or province code)"),
        ("limit" = Option<i64>, Query, description = "Page size, 1 to 5000 (default 100)"),
        ("offset" = Option<i64>, Query, description = "Villages to skip; a full page carries a Link rel=next header")),
    responses((status = 200, description = "Villages ranked by combined gap, most urgent first, with their reasons", body = Vec<VillagePriority>),
        (status = 400, description = "Malformed parameters", body = ErrorBody)))]
/// `GET /api/v1/priorities[?unit=CODE]`: "nên làm gì tiếp", the villages to act on next, a page
/// at a time.
pub async fn priorities(
    State(db): State<Db>,
    SignedIn(principal): SignedIn,
    listing: Listing<PriorityQuery, PRIORITY_PAGE>,
) -> Result<Paged<VillagePriority>, ApiError> {
    let filter = PriorityFilter { unit: params::optional(listing.filter.unit.as_deref()).map(str::to_owned) };
    Ok(listing.answer(indicators::priorities(&db, &principal, &filter, listing.page_or_all()).await?))
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
