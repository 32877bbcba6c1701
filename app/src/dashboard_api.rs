//! Server function behind the leaders' dashboard; the same domain queries as the REST API.

use crate::error::AppError;
use crate::indicators::Indicator;
use crate::indicators::{IndicatorStatus, VillagePriority};
use crate::model::{CommuneArea, Role};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// Everything the dashboard draws for one year.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Dashboard {
    pub year: i32,
    pub statuses: Vec<IndicatorStatus>,
    pub priorities: Vec<VillagePriority>,
    /// Boundaries of the communes the table lists, for the choropleth.
    pub communes: Vec<CommuneArea>,
    /// The viewer's role: officers get the form for their figures, admins the one for targets.
    pub role: Role,
    /// The targets for 2025 and 2026 of each indicator, in the order of `statuses` (the
    /// appendix's two columns in the report).
    pub plan_targets: Vec<(Option<f64>, Option<f64>)>,
}

/// The dashboard for `year` (`None`: this year), over the caller's communes.
#[server(endpoint = "dashboard")]
pub async fn load_dashboard(year: Option<i32>) -> Result<Dashboard, AppError> {
    crate::error::responding(async move {
        use domain::{admin_units, geometry, indicators};
        let state = crate::map_api::state()?;
        let principal = crate::map_api::viewer(&state).await?.ok_or(AppError::SignInRequired)?;
        let year =
            crate::indicators::plan_year(year.unwrap_or_else(domain::current_year)).map_err(AppError::Invalid)?;
        let statuses = indicators::status(&state.db, &principal, year).await?;
        let priorities = indicators::priorities(&state.db, &principal).await?;
        let listed: Vec<&str> = statuses
            .first()
            .map(|status| status.communes.iter().map(|c| c.commune_code.as_str()).collect())
            .unwrap_or_default();
        let communes = admin_units::list_for_display(state.db.pool(), admin_units::Level::Commune, None)
            .await?
            .into_iter()
            .filter(|unit| listed.contains(&unit.code.as_str()))
            .map(|unit| CommuneArea {
                rings: unit.area.as_ref().map(geometry::outer_rings).unwrap_or_default(),
                code: unit.code,
                name: unit.name,
            })
            .collect();
        let targets_2025 = indicators::area_targets(state.db.pool(), 2025).await?;
        let targets_2026 = indicators::area_targets(state.db.pool(), 2026).await?;
        let plan_targets = statuses
            .iter()
            .map(|status| {
                let of = |targets: &[(Indicator, Option<f64>)]| {
                    targets.iter().find(|(known, _)| *known == status.indicator).and_then(|(_, target)| *target)
                };
                (of(&targets_2025), of(&targets_2026))
            })
            .collect();
        Ok(Dashboard { year, statuses, priorities, communes, role: principal.role, plan_targets })
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
