//! Setting up a place: what of its reference data is loaded, for the first-run checklist.

use serde::{Deserialize, Serialize};

/// How much of an area's reference data is loaded, within the viewer's scope: each count is a
/// step of the checklist, and a zero is what is missing.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SetupChecklist {
    pub communes: i64,
    pub villages: i64,
    pub cultural_houses: i64,
    /// Cultural houses still standing at their village's or commune's centre, to be placed.
    pub houses_to_place: i64,
    pub households: i64,
    /// Accounts the viewer manages (every account for admins, their team members for officers).
    pub accounts: i64,
}
