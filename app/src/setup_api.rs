//! Server functions of setting up a place: the name of the area the app bar shows (from the
//! data, never from code), and the setup page's (`/thiet-lap`) first-run checklist. The files
//! themselves go to the REST import routes, as the operators' page sends its own.

use crate::error::AppError;
use crate::model::setup::SetupChecklist;
use leptos::prelude::*;

/// How much of the area's reference data is loaded within the caller's scope.
#[server(endpoint = "setup/checklist")]
pub async fn load_setup_checklist() -> Result<SetupChecklist, AppError> {
    crate::error::responding(async move {
        let state = crate::map_api::state()?;
        let principal = crate::map_api::viewer(&state).await?.ok_or(AppError::SignInRequired)?;
        Ok(domain::reference_imports::checklist(&state.db, &principal).await?)
    })
    .await
}

/// The name of the area the deployment serves (its top units), for everyone; `None` while the
/// database has no unit.
#[server(endpoint = "area")]
pub async fn load_area() -> Result<Option<String>, AppError> {
    crate::error::responding(async move {
        let state = crate::map_api::state()?;
        Ok(domain::admin_units::deployment_area(state.db.pool()).await?)
    })
    .await
}
