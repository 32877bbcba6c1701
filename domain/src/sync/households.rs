//! Households recorded on phones: checked, then stored once per UUID.

use super::records::{answer_if_stored, check_position, check_uuid, rejected, stored, village_in_scope, BatchContext};
use crate::access::Principal;
use crate::StoreError;
use model::field_records::{HouseholdRecord, SyncOutcome, SyncResult};
use model::{said, Said};
use sqlx::{Any, Executor};

/// Longest household label, in characters.
const MAX_LABEL_CHARS: usize = 200;

pub(super) async fn store_household(
    tx: &mut sqlx::AnyConnection,
    context: &mut BatchContext,
    principal: &Principal,
    record: HouseholdRecord,
) -> Result<SyncResult, StoreError> {
    let uuid = record.uuid.clone();
    if let Err(problem) = check_household(&record) {
        return Ok(rejected(uuid, problem));
    }
    if let Some(answer) = answer_if_stored(tx, context, principal, "household", &uuid).await? {
        return Ok(answer);
    }
    let village_id = match village_in_scope(tx, context, principal, &record.village_code).await? {
        Ok(id) => id,
        Err(problem) => return Ok(rejected(uuid, problem)),
    };
    // Every check is above this line: the batch has no savepoint per record, so a rejection after
    // a write would leave the write in place.
    let Some(id) = insert_household(&mut *tx, &record, village_id, &principal.audit_name()).await? else {
        // Another connection stored the same UUID between our look-up and our insert.
        return answer_if_stored(tx, context, principal, "household", &uuid).await?.ok_or(StoreError::NotFound);
    };
    context.audit.push(crate::audit::PendingChange {
        action: "sync",
        entity_type: "household",
        entity_id: id.to_string(),
        after: serde_json::json!({"uuid": uuid, "village_code": record.village_code.trim(), "label": record.label.trim()}),
    });
    Ok(stored(uuid, SyncOutcome::Stored, id, false))
}

/// Inserts a checked household unless its UUID is already stored; returns the new id, or `None`
/// when the UUID was there.
pub async fn insert_household<'e, E>(
    executor: E,
    record: &HouseholdRecord,
    village_id: i64,
    created_by: &str,
) -> Result<Option<i64>, StoreError>
where
    E: Executor<'e, Database = Any>,
{
    let (has_position, lon, lat) = super::records::position_binds(record.lon, record.lat);
    let (has_accuracy, accuracy) = crate::db::nullable_f64(record.accuracy_m);
    let inserted: Option<(i64,)> = sqlx::query_as(
        "INSERT INTO household (client_uuid, village_id, label, lon, lat, accuracy_m, poor, near_poor, ethnic_minority,
                                elderly, disability, adults, created_by, created_at, has_smartphone)
         VALUES ($1, $2, $3, CASE WHEN $15 THEN $4 END, CASE WHEN $15 THEN $5 END, CASE WHEN $16 THEN $6 END,
                 $7, $8, $9, $10, $11, $12, $13, $14, $17)
         ON CONFLICT (client_uuid) DO NOTHING
         RETURNING id",
    )
    .bind(&record.uuid)
    .bind(village_id)
    .bind(record.label.trim())
    .bind(lon)
    .bind(lat)
    .bind(accuracy)
    .bind(i64::from(record.poor))
    .bind(i64::from(record.near_poor))
    .bind(i64::from(record.ethnic_minority))
    .bind(i64::from(record.elderly))
    .bind(i64::from(record.disability))
    .bind(record.adults)
    .bind(created_by)
    .bind(crate::now_utc_text())
    .bind(has_position)
    .bind(has_accuracy)
    .bind(record.has_smartphone.map(i64::from))
    .fetch_optional(executor)
    .await?;
    Ok(inserted.map(|(id,)| id))
}

fn check_household(record: &HouseholdRecord) -> Result<(), Said> {
    check_uuid(&record.uuid)?;
    crate::text::required("label", &record.label, MAX_LABEL_CHARS)?;
    check_position(record.lon, record.lat, record.accuracy_m)?;
    if record.adults.is_some_and(|adults| !(0..=100).contains(&adults)) {
        return Err(said("adults: expected 0 to 100", "adults: số người lớn từ 0 đến 100"));
    }
    Ok(())
}
