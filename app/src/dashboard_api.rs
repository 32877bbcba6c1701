//! Server function behind the leaders' dashboard; the same domain queries as the REST API.

use crate::error::AppError;
use crate::indicators::{IndicatorStatus, VillagePriority};
use crate::model::CommuneArea;
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
}

/// The dashboard for `year` (`None`: this year), over the caller's communes.
#[server(endpoint = "dashboard")]
pub async fn load_dashboard(year: Option<i32>) -> Result<Dashboard, AppError> {
    crate::error::responding(async move {
        use crate::domain::{admin_units, geometry, indicators};
        let state = crate::map_api::state()?;
        let principal = crate::map_api::viewer(&state).await?.ok_or(AppError::SignInRequired)?;
        let year = year.unwrap_or_else(crate::domain::current_year);
        if !(2020..=2100).contains(&year) {
            return Err(AppError::Invalid("year: expected 2020 to 2100".into()));
        }
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
        Ok(Dashboard { year, statuses, priorities, communes })
    })
    .await
}
