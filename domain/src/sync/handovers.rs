//! Device handovers recorded on phones ("Chắp cánh công nghệ"): the allocation becomes delivered
//! and the device moves from allocated to delivered in the commune's stock, in one savepoint.

use super::records::{
    check_position, check_uuid, outside_scope, plausible_moment, position_binds, rejected, stored, BatchContext,
};
use crate::access::Principal;
use crate::StoreError;
use model::donations::Item;
use model::field_records::{HandoverRecord, SyncOutcome, SyncResult};
use model::{said, Said};
use sqlx::{Any, Executor};

/// Longest serial number or IMEI, in characters.
const MAX_SERIAL_CHARS: usize = 64;

/// Checks a handover record and returns its moment in the stored form.
fn check_handover(record: &HandoverRecord) -> Result<String, Said> {
    check_uuid(&record.uuid)?;
    for (field, uuid) in [("photo_uuid", &record.photo_uuid), ("visit_uuid", &record.visit_uuid)] {
        if let Some(uuid) = uuid {
            check_uuid(uuid)
                .map_err(|problem| said(format!("{field}: {}", problem.en), format!("{field}: {}", problem.vi)))?;
        }
    }
    let moment = plausible_moment("handed_over_at", &record.handed_over_at)?;
    check_position(record.lon, record.lat, record.accuracy_m)?;
    crate::text::optional("serial", record.serial.as_deref(), MAX_SERIAL_CHARS)?;
    Ok(moment)
}

/// Stores a handover from a phone's sync batch: the allocation becomes `delivered` and the device
/// moves from allocated to delivered in the stock. Idempotent per handover UUID.
pub(super) async fn store_handover(
    batch: &mut sqlx::Transaction<'static, Any>,
    context: &mut BatchContext,
    principal: &Principal,
    record: HandoverRecord,
) -> Result<SyncResult, StoreError> {
    let uuid = record.uuid.clone();
    let handed_over_at = match check_handover(&record) {
        Ok(moment) => moment,
        Err(problem) => return Ok(rejected(uuid, problem)),
    };
    // A savepoint: the allocation, the stock and the household change together or not at all.
    let mut tx = sqlx::Acquire::begin(&mut *batch).await?;
    if let Some((id, village_id)) = handover_stored(&mut *tx, &uuid).await? {
        return Ok(if context.unit_in_scope(&mut tx, principal, village_id).await? {
            stored(uuid, SyncOutcome::AlreadyStored, id, false)
        } else {
            rejected(uuid, outside_scope())
        });
    }
    let found: Option<(i64, i64, String, String, i64)> =
        sqlx::query_as("SELECT village_id, commune_id, item, status, household_id FROM allocation WHERE id = $1")
            .bind(record.allocation_id)
            .fetch_optional(&mut *tx)
            .await?;
    let unknown = || {
        said(
            format!("allocation_id: no allocation {} in your scope", record.allocation_id),
            format!("allocation_id: không có phân bổ số {} trong phạm vi của bạn", record.allocation_id),
        )
    };
    let Some((village_id, commune_id, item, status, household_id)) = found else {
        return Ok(rejected(uuid, unknown()));
    };
    if !context.unit_in_scope(&mut tx, principal, village_id).await? {
        return Ok(rejected(uuid, unknown()));
    }
    match status.as_str() {
        "allocated" => {}
        "delivered" => {
            return Ok(rejected(
                uuid,
                said("this device was already handed over", "thiết bị này đã được bàn giao trước đó"),
            ))
        }
        _ => return Ok(rejected(uuid, said("the officer cancelled this allocation", "cán bộ xã đã hủy phân bổ này"))),
    }
    if let Some(photo_uuid) = &record.photo_uuid {
        // Only one's own photo: naming someone else's would also let its author read it.
        let photo: Option<(String,)> =
            sqlx::query_as("SELECT uuid FROM handover_photo WHERE uuid = $1 AND uploaded_by = $2")
                .bind(photo_uuid)
                .bind(principal.audit_name())
                .fetch_optional(&mut *tx)
                .await?;
        if photo.is_none() {
            return Ok(rejected(
                uuid,
                said(
                    "photo_uuid: upload the photo before the handover",
                    "photo_uuid: ảnh bàn giao chưa được tải lên máy chủ",
                ),
            ));
        }
    }
    let (has_position, lon, lat) = position_binds(record.lon, record.lat);
    let (has_accuracy, accuracy) = crate::db::nullable_f64(record.accuracy_m);
    let serial = record.serial.as_deref().map(str::trim).filter(|serial| !serial.is_empty());
    let delivered = sqlx::query(
        "UPDATE allocation
         SET status = 'delivered', handover_uuid = $2, delivered_at = $3, serial = $4, photo_uuid = $5,
             lon = CASE WHEN $6 THEN $7 END, lat = CASE WHEN $6 THEN $8 END, accuracy_m = CASE WHEN $9 THEN $10 END,
             guided = $11, visit_uuid = $12, handed_over_by = $13
         WHERE id = $1 AND status = 'allocated'",
    )
    .bind(record.allocation_id)
    .bind(&uuid)
    .bind(&handed_over_at)
    .bind(serial)
    .bind(record.photo_uuid.as_deref())
    .bind(has_position)
    .bind(lon)
    .bind(lat)
    .bind(has_accuracy)
    .bind(accuracy)
    .bind(i64::from(record.guided))
    .bind(record.visit_uuid.as_deref())
    .bind(principal.audit_name())
    .execute(&mut *tx)
    .await?;
    if delivered.rows_affected() == 0 {
        // Another connection delivered it between our read and our write: this very record
        // (a resend racing itself) or another phone's.
        return Ok(match handover_stored(&mut *tx, &uuid).await? {
            Some((id, _)) => stored(uuid, SyncOutcome::AlreadyStored, id, false),
            None => {
                rejected(uuid, said("this device was already handed over", "thiết bị này đã được bàn giao trước đó"))
            }
        });
    }
    sqlx::query(
        "UPDATE device_stock SET allocated = allocated - 1, delivered = delivered + 1 WHERE commune_id = $1 AND item = $2",
    )
    .bind(commune_id)
    .bind(&item)
    .execute(&mut *tx)
    .await?;
    if item == Item::Smartphone.as_str() {
        sqlx::query("UPDATE household SET has_smartphone = 1 WHERE id = $1")
            .bind(household_id)
            .execute(&mut *tx)
            .await?;
    }
    let after = serde_json::json!({"uuid": uuid, "status": "delivered", "delivered_at": handed_over_at,
        "has_photo": record.photo_uuid.is_some(), "guided": record.guided});
    tx.commit().await?;
    context.audit.push(crate::audit::PendingChange {
        action: "handover",
        entity_type: "allocation",
        entity_id: record.allocation_id.to_string(),
        after,
    });
    Ok(stored(uuid, SyncOutcome::Stored, record.allocation_id, false))
}

/// The allocation (and its village) a handover with this UUID delivered, if one did.
async fn handover_stored<'e, E>(executor: E, uuid: &str) -> Result<Option<(i64, i64)>, StoreError>
where
    E: Executor<'e, Database = Any>,
{
    Ok(sqlx::query_as("SELECT id, village_id FROM allocation WHERE handover_uuid = $1")
        .bind(uuid)
        .fetch_optional(executor)
        .await?)
}
