//! Placing a cultural house on the map where it really stands: a team member or officer at the
//! house takes the phone's GPS fix ("Tôi đang đứng ở nhà văn hóa"), or an officer drags its pin.
//! A house imported without a position waits at its village's centre (`position_pending`) until
//! then; placing it clears that and keeps the fix's accuracy.

use crate::access::{self, Principal, Visibility};
use crate::audit::{self, Actor};
use crate::{Db, StoreError};
use model::{said, Capability, CulturalHouse};
use serde::Deserialize;

/// Worst accuracy accepted, in metres: a fix vaguer than this would not say which house it is.
pub const MAX_ACCURACY_M: f64 = 500.0;

/// Where a house stands: decimal degrees, and the accuracy of the fix when it came from a phone.
#[derive(utoipa::ToSchema, Clone, Copy, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Placement {
    pub lat: f64,
    pub lon: f64,
    /// Radius of the phone's fix in metres (absent when a pin was dragged).
    #[serde(default)]
    pub accuracy_m: Option<f64>,
}

impl Placement {
    /// The placement, or the rule it breaks, naming the field.
    fn checked(self) -> Result<Placement, StoreError> {
        if !(self.lat.is_finite() && (-90.0..=90.0).contains(&self.lat)) {
            return Err(said("lat: expected -90 to 90", "lat: vĩ độ từ -90 đến 90").into());
        }
        if !(self.lon.is_finite() && (-180.0..=180.0).contains(&self.lon)) {
            return Err(said("lon: expected -180 to 180", "lon: kinh độ từ -180 đến 180").into());
        }
        if self.accuracy_m.is_some_and(|metres| !(metres.is_finite() && (0.0..=MAX_ACCURACY_M).contains(&metres))) {
            return Err(said(
                format!("accuracy_m: expected 0 to {MAX_ACCURACY_M} metres; wait for a better GPS fix"),
                format!("accuracy_m: độ chính xác từ 0 đến {MAX_ACCURACY_M} mét; hãy chờ GPS bắt được vị trí tốt hơn"),
            )
            .into());
        }
        Ok(self)
    }
}

/// Places house `id` (one the principal may see and record in the field for), audited.
pub async fn place(db: &Db, principal: &Principal, id: i64, placement: Placement) -> Result<CulturalHouse, StoreError> {
    access::require(principal, Capability::RecordField)?;
    let placement = placement.checked()?;
    let visibility = Visibility::of(&Some(principal.clone()));
    let mut tx = db.begin_write().await?;
    let before = crate::cultural_houses::get(&mut *tx, id, visibility).await?;
    let (has_accuracy, accuracy) = crate::db::nullable_f64(placement.accuracy_m);
    sqlx::query(
        "UPDATE cultural_house SET lon = $2, lat = $3, position_accuracy_m = CASE WHEN $5 THEN $4 END,
                position_pending = 0
         WHERE id = $1",
    )
    .bind(id)
    .bind(placement.lon)
    .bind(placement.lat)
    .bind(accuracy)
    .bind(has_accuracy)
    .execute(&mut *tx)
    .await?;
    let change = audit::Change {
        action: "place",
        entity_type: "cultural_house",
        entity_id: &id.to_string(),
        before: Some(&serde_json::json!({"lon": before.lon, "lat": before.lat})),
        after: Some(
            &serde_json::json!({"lon": placement.lon, "lat": placement.lat, "accuracy_m": placement.accuracy_m}),
        ),
    };
    audit::record(&mut *tx, Actor::Principal(principal), &change).await?;
    let after = crate::cultural_houses::get(&mut *tx, id, visibility).await?;
    tx.commit().await?;
    Ok(after)
}
