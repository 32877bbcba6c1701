//! Donated devices allocated to households: the "chưa có thiết bị" list, allocating one device of
//! the commune's stock, cancelling an allocation not yet handed over, and the lists of allocations.

use super::{commit_audited, read_item};
use crate::access::{self, Principal};
use crate::params::Params;
use crate::StoreError;
use model::donations::{Allocation, AllocationStatus, EligibleHousehold, NewAllocation};
use model::{said, Capability};
use sqlx::{Any, Executor};

/// How much a household's flags weigh in the "chưa có thiết bị" ranking (SQL over `h`).
const NEED_SQL: &str = "(3 * h.poor + 2 * h.near_poor + 2 * h.disability + h.elderly + h.ethnic_minority)";

/// A flagged household without a smartphone and with no device allocated or delivered (SQL over `h`).
pub(super) const ELIGIBLE_SQL: &str = "(h.poor + h.near_poor + h.ethnic_minority + h.elderly + h.disability) > 0
    AND h.has_smartphone = 0
    AND NOT EXISTS (SELECT 1 FROM allocation a WHERE a.household_id = h.id AND a.status <> 'cancelled')";

/// id, label, village code, the five flags (0/1), need.
type EligibleRow = (i64, String, String, i64, i64, i64, i64, i64, i64);

/// The "chưa có thiết bị" list of a village in scope: eligible households, most in need first.
pub async fn eligible<'e, E>(
    executor: E,
    principal: &Principal,
    village_code: &str,
) -> Result<Vec<EligibleHousehold>, StoreError>
where
    E: Executor<'e, Database = Any>,
{
    access::require(principal, Capability::RecordField)?;
    let mut params = Params::new();
    let scope = params.scope_of(principal);
    let sql = format!(
        "WITH RECURSIVE {cte}
         SELECT h.id, h.label, v.code, h.poor, h.near_poor, h.ethnic_minority, h.elderly, h.disability, {NEED_SQL} AS need
         FROM household h JOIN admin_unit v ON v.id = h.village_id
         WHERE v.code = {village} AND {in_scope} AND {ELIGIBLE_SQL}
         ORDER BY need DESC, h.label, h.id",
        cte = scope.cte,
        village = params.bind(village_code.trim().to_owned()),
        in_scope = scope.covers("h.village_id"),
    );
    let rows: Vec<EligibleRow> = params.query_as(&sql)?.fetch_all(executor).await?;
    Ok(rows
        .into_iter()
        .map(|(id, label, village_code, poor, near_poor, ethnic_minority, elderly, disability, need)| {
            EligibleHousehold {
                id,
                label,
                village_code,
                poor: poor == 1,
                near_poor: near_poor == 1,
                ethnic_minority: ethnic_minority == 1,
                elderly: elderly == 1,
                disability: disability == 1,
                need,
            }
        })
        .collect())
}

/// Allocates one device of the household's commune stock to the household. Officers (and admins)
/// only, within their scope. 409 when no such device is left, or the household already waits for
/// one of this kind.
pub async fn allocate(
    db: &crate::Db,
    principal: &Principal,
    request: &NewAllocation,
) -> Result<Allocation, StoreError> {
    access::require(principal, Capability::ManageDonations)?;
    if !request.item.is_device() {
        return Err(StoreError::Invalid(said(
            "item: money is not allocated to households",
            "item: tiền không phân bổ cho hộ gia đình",
        )));
    }
    let mut tx = db.begin_write().await?;
    let found: Option<(i64, Option<i64>)> = sqlx::query_as(
        "SELECT h.village_id, v.parent_id FROM household h JOIN admin_unit v ON v.id = h.village_id WHERE h.id = $1",
    )
    .bind(request.household_id)
    .fetch_optional(&mut *tx)
    .await?;
    let Some((village_id, Some(commune_id))) = found else {
        return Err(StoreError::Invalid(said(
            format!("household_id: no household {}", request.household_id),
            format!("household_id: không có hộ {}", request.household_id),
        )));
    };
    if !crate::params::unit_in_scope(&mut *tx, principal, village_id).await? {
        return Err(StoreError::Denied(access::Denied::Scope));
    }
    let taken = sqlx::query(
        "UPDATE device_stock SET available = available - 1, allocated = allocated + 1
         WHERE commune_id = $1 AND item = $2 AND available > 0",
    )
    .bind(commune_id)
    .bind(request.item.as_str())
    .execute(&mut *tx)
    .await?;
    if taken.rows_affected() == 0 {
        return Err(StoreError::StateConflict(said(
            format!("no {} left in the commune's stock to allocate", request.item.as_str()),
            format!("kho của xã không còn {} để phân bổ", request.item.as_str()),
        )));
    }
    let inserted: Result<(i64,), sqlx::Error> = sqlx::query_as(
        "INSERT INTO allocation (commune_id, item, household_id, village_id, status, allocated_by, allocated_at)
         VALUES ($1, $2, $3, $4, 'allocated', $5, $6) RETURNING id",
    )
    .bind(commune_id)
    .bind(request.item.as_str())
    .bind(request.household_id)
    .bind(village_id)
    .bind(principal.audit_name())
    .bind(crate::now_utc_text())
    .fetch_one(&mut *tx)
    .await;
    let id = match inserted {
        Ok((id,)) => id,
        Err(error) if crate::violates_unique(&error, "allocation_open_once") => {
            return Err(StoreError::StateConflict(said(
                format!("household {} already waits for a {}", request.household_id, request.item.as_str()),
                format!("hộ {} đã đang chờ một {}", request.household_id, request.item.as_str()),
            )))
        }
        Err(other) => return Err(other.into()),
    };
    let after = serde_json::json!({"household_id": request.household_id, "item": request.item.as_str()});
    let allocation = allocation_by_id(&mut *tx, id).await?;
    commit_audited(tx, principal, "allocate", ("allocation", &id.to_string()), &after).await?;
    Ok(allocation)
}

/// Withdraws an allocation not yet handed over; the device goes back to the available stock.
pub async fn cancel_allocation(db: &crate::Db, principal: &Principal, id: i64) -> Result<Allocation, StoreError> {
    access::require(principal, Capability::ManageDonations)?;
    let mut tx = db.begin_write().await?;
    let found: Option<(i64, i64, String)> =
        sqlx::query_as("SELECT village_id, commune_id, item FROM allocation WHERE id = $1")
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?;
    let (village_id, commune_id, item) = found.ok_or(StoreError::NotFound)?;
    if !crate::params::unit_in_scope(&mut *tx, principal, village_id).await? {
        return Err(StoreError::Denied(access::Denied::Scope));
    }
    let cancelled = sqlx::query(
        "UPDATE allocation SET status = 'cancelled', cancelled_at = $2 WHERE id = $1 AND status = 'allocated'",
    )
    .bind(id)
    .bind(crate::now_utc_text())
    .execute(&mut *tx)
    .await?;
    if cancelled.rows_affected() == 0 {
        return Err(StoreError::StateConflict(said(
            format!("allocation {id} is no longer waiting for its handover"),
            format!("phân bổ {id} không còn chờ bàn giao"),
        )));
    }
    sqlx::query(
        "UPDATE device_stock SET allocated = allocated - 1, available = available + 1 WHERE commune_id = $1 AND item = $2",
    )
    .bind(commune_id)
    .bind(&item)
    .execute(&mut *tx)
    .await?;
    let after = serde_json::json!({"status": "cancelled"});
    let allocation = allocation_by_id(&mut *tx, id).await?;
    commit_audited(tx, principal, "cancel", ("allocation", &id.to_string()), &after).await?;
    Ok(allocation)
}

/// An allocation as stored, with its household, village and commune.
#[derive(sqlx::FromRow)]
struct AllocationRow {
    id: i64,
    item: String,
    household_id: i64,
    household_uuid: String,
    household: String,
    village_code: String,
    commune_code: String,
    status: String,
    allocated_at: String,
    delivered_at: Option<String>,
    serial: Option<String>,
    photo_uuid: Option<String>,
    guided: Option<i64>,
}

/// The columns of an [`AllocationRow`].
const ALLOCATION_SELECT: &str = "SELECT a.id, a.item, a.household_id, h.client_uuid AS household_uuid,
        h.label AS household, v.code AS village_code, c.code AS commune_code, a.status, a.allocated_at,
        a.delivered_at, a.serial, a.photo_uuid, a.guided
    FROM allocation a JOIN household h ON h.id = a.household_id JOIN admin_unit v ON v.id = a.village_id
    JOIN admin_unit c ON c.id = a.commune_id";

fn read_allocation(row: AllocationRow) -> Result<Allocation, StoreError> {
    Ok(Allocation {
        id: row.id,
        item: read_item(&row.item)?,
        household_id: row.household_id,
        household_uuid: row.household_uuid,
        household: row.household,
        village_code: row.village_code,
        commune_code: row.commune_code,
        status: crate::parse_stored("allocation.status", &row.status)?,
        allocated_at: row.allocated_at,
        delivered_at: row.delivered_at,
        serial: row.serial,
        photo_uuid: row.photo_uuid,
        guided: row.guided.map(|guided| guided == 1),
    })
}

async fn allocation_by_id<'e, E>(executor: E, id: i64) -> Result<Allocation, StoreError>
where
    E: Executor<'e, Database = Any>,
{
    let sql = format!("{ALLOCATION_SELECT} WHERE a.id = $1");
    let row: Option<AllocationRow> = sqlx::query_as(&sql).bind(id).fetch_optional(executor).await?;
    read_allocation(row.ok_or(StoreError::NotFound)?)
}

/// Allocations in the principal's scope, optionally of one village and one status, newest first:
/// the officer's list, and what a team member's phone downloads to hand devices over offline.
pub async fn allocations<'e, E>(
    executor: E,
    principal: &Principal,
    village_code: Option<&str>,
    status: Option<AllocationStatus>,
) -> Result<Vec<Allocation>, StoreError>
where
    E: Executor<'e, Database = Any>,
{
    access::require(principal, Capability::RecordField)?;
    let mut params = Params::new();
    let scope = params.scope_of(principal);
    let sql = format!(
        "WITH RECURSIVE {cte}
         {ALLOCATION_SELECT}
         WHERE {in_scope} AND ({any_village} OR v.code = {village}) AND ({any_status} OR a.status = {status})
         ORDER BY a.allocated_at DESC, a.id DESC",
        cte = scope.cte,
        in_scope = scope.covers("a.village_id"),
        any_village = params.bind(village_code.is_none()),
        village = params.bind(village_code.unwrap_or_default().trim().to_owned()),
        any_status = params.bind(status.is_none()),
        status = params.bind(status.map_or("", AllocationStatus::as_str)),
    );
    let rows: Vec<AllocationRow> = params.query_as(&sql)?.fetch_all(executor).await?;
    rows.into_iter().map(read_allocation).collect()
}
