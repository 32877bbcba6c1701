//! The first-run checklist: how much of the reference data is loaded where the viewer works.

use crate::access::{self, Principal, Visibility};
use crate::params::Params;
use crate::{Db, StoreError};
use model::setup::SetupChecklist;
use model::Capability;

/// The counts of the checklist within the principal's scope (admins: everywhere).
pub async fn checklist(db: &Db, principal: &Principal) -> Result<SetupChecklist, StoreError> {
    access::require(principal, Capability::ManagePlaces)?;
    let mut params = Params::new();
    let visible = params.visible_to(Visibility::of(&Some(principal.clone())));
    let (units, houses, households) =
        (visible.covers("u.id"), visible.covers("h.village_id"), visible.covers("h.village_id"));
    let sql = format!(
        "WITH RECURSIVE {cte}
         SELECT (SELECT COUNT(*) FROM admin_unit u WHERE u.level = 'commune' AND u.valid_to IS NULL AND {units}),
                (SELECT COUNT(*) FROM admin_unit u WHERE u.level = 'village' AND u.valid_to IS NULL AND {units}),
                (SELECT COUNT(*) FROM cultural_house h WHERE {houses}),
                (SELECT COUNT(*) FROM cultural_house h WHERE h.position_pending = 1 AND {houses}),
                (SELECT COUNT(*) FROM household h WHERE {households})",
        cte = visible.cte,
    );
    let (communes, villages, cultural_houses, houses_to_place, households): (i64, i64, i64, i64, i64) =
        params.query_as(&sql)?.fetch_one(db.pool()).await?;
    let accounts = i64::try_from(crate::accounts::accounts(db, principal).await?.len()).unwrap_or(i64::MAX);
    Ok(SetupChecklist { communes, villages, cultural_houses, houses_to_place, households, accounts })
}
