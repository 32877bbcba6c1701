//! Server function behind the leaders' dashboard; the same domain queries as the REST API.

use crate::error::AppError;
use crate::indicators::{Indicator, Overview, VillagePriority};
use crate::model::{CommuneArea, Role};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// Villages of "Nên làm gì tiếp" on the dashboard's first screen.
pub const PRIORITIES_SHOWN: i64 = 5;

/// Everything the dashboard draws for one area and period.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Dashboard {
    pub overview: Overview,
    /// The most urgent villages of the area shown.
    pub priorities: Vec<VillagePriority>,
    /// Outlines of the units of the breakdown that have one, for the choropleth.
    pub areas: Vec<CommuneArea>,
    /// The viewer's role: officers get the form for their figures, admins the one for targets.
    pub role: Role,
    /// The targets for 2025 and 2026 of each indicator, in the order of the overview's (the
    /// appendix's two columns in the report).
    pub plan_targets: Vec<(Option<f64>, Option<f64>)>,
    /// Disagreements between what operators declare and what phones measured, per commune and
    /// operator in the viewer's scope.
    pub disagreements: Vec<DisagreementLine>,
}

/// One commune and operator's disagreements, and how many of them are overdue.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DisagreementLine {
    pub commune: Option<String>,
    pub operator: String,
    pub disagreements: i64,
    pub overdue: i64,
}

/// The dashboard for `year` (`None`: this year), one of its quarters (`None`: the latest),
/// one unit of the caller's area (`None`: the top of it), by the units of the time or today's.
#[server(endpoint = "dashboard")]
pub async fn load_dashboard(
    year: Option<i32>,
    period: Option<String>,
    unit: Option<String>,
    today: Option<bool>,
) -> Result<Dashboard, AppError> {
    crate::error::responding(async move {
        use crate::indicators::{Boundaries, OverviewRequest};
        use domain::indicators;
        let state = crate::map_api::state()?;
        let principal = crate::map_api::viewer(&state).await?.ok_or(AppError::SignInRequired)?;
        let year =
            crate::indicators::plan_year(year.unwrap_or_else(domain::current_year)).map_err(AppError::Invalid)?;
        let boundaries = if today == Some(true) { Boundaries::Today } else { Boundaries::OfTheTime };
        let request = OverviewRequest { year, period, unit, boundaries };
        let overview = indicators::overview(&state.db, &principal, &request).await?;
        let filter = indicators::PriorityFilter {
            unit: overview.area.as_ref().filter(|area| area.level != "province").map(|area| area.code.clone()),
        };
        let first_page = domain::db::Page::first(PRIORITIES_SHOWN);
        let priorities = indicators::priorities(&state.db, &principal, &filter, first_page).await?;
        let codes: Vec<String> = overview.units.iter().map(|unit| unit.code.clone()).collect();
        let areas = indicators::breakdown_outlines(state.db.pool(), &overview, &codes)
            .await?
            .into_iter()
            .map(|(code, name, rings)| CommuneArea { code, name, rings })
            .collect();
        let targets_2025 = indicators::area_targets(state.db.pool(), 2025).await?;
        let targets_2026 = indicators::area_targets(state.db.pool(), 2026).await?;
        let plan_targets = overview
            .indicators
            .iter()
            .map(|status| {
                let of = |targets: &[(Indicator, Option<f64>)]| {
                    targets.iter().find(|(known, _)| *known == status.indicator).and_then(|(_, target)| *target)
                };
                (of(&targets_2025), of(&targets_2026))
            })
            .collect();
        let disagreements = domain::coverage::measured::count_by_commune(&state.db, &principal)
            .await?
            .into_iter()
            .map(|count| DisagreementLine {
                commune: count.commune,
                operator: count.operator,
                disagreements: count.disagreements,
                overdue: count.overdue,
            })
            .collect();
        Ok(Dashboard { overview, priorities, areas, role: principal.role, plan_targets, disagreements })
    })
    .await
}
/// An officer's figure for an indicator the app does not record (the dashboard's form).
#[server(endpoint = "dashboard/figure")]
pub async fn report_figure(
    indicator: Indicator,
    commune_code: String,
    period: String,
    numerator: f64,
    denominator: f64,
    note: Option<String>,
) -> Result<(), AppError> {
    crate::error::responding(async move {
        let state = crate::map_api::state()?;
        let principal = crate::map_api::viewer(&state).await?.ok_or(AppError::SignInRequired)?;
        let figure =
            domain::indicators::ReportedFigure { indicator, commune_code, period, numerator, denominator, note };
        Ok(domain::indicators::report_figure(&state.db, &principal, &figure).await?)
    })
    .await
}

/// An admin's target (the dashboard's form). An empty `percent` returns to the plan's target.
#[server(endpoint = "dashboard/target")]
pub async fn set_target(indicator: Indicator, year: i32, unit_code: String, percent: String) -> Result<(), AppError> {
    crate::error::responding(async move {
        let state = crate::map_api::state()?;
        let principal = crate::map_api::viewer(&state).await?.ok_or(AppError::SignInRequired)?;
        let percent = match percent.trim() {
            "" => None,
            text => Some(text.replace(',', ".").parse::<f64>().map_err(|_| {
                AppError::Invalid(crate::model::said(
                    format!("percent: '{text}' is not a number"),
                    format!("percent: '{text}' không phải là số"),
                ))
            })?),
        };
        let unit = match unit_code.trim() {
            "" => domain::indicators::EVERYWHERE,
            code => code,
        };
        Ok(domain::indicators::set_target(&state.db, &principal, indicator, year, unit, percent).await?)
    })
    .await
}
