//! Server function behind the setup page (`/thiet-lap`): the first-run checklist. The files
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
