//! "Chắp cánh công nghệ": donors, pledges, each commune's device stock, allocations to households
//! and handovers recorded on phones.
//!
//! The stock moves one device at a time, by a conditional UPDATE (`… WHERE available > 0`) in the
//! same transaction as the allocation row it pays for: of two officers allocating the last device
//! at once, the second UPDATE finds none left (PostgreSQL re-reads the row after the first commits;
//! SQLite's write transactions take turns) and gets a 409. The table's CHECK constraints
//! (`received = available + allocated + delivered`, none negative) refuse any write that would
//! break the counts, whoever makes it.

use super::access::{self, Principal};
use super::csv_import::{said, Said};
use super::field::{check_position, check_uuid, outside_scope, plausible_moment, position_binds, rejected, stored};
use super::StoreError;
use crate::donations::{
    Acknowledgement, Allocation, AllocationStatus, Condition, Donor, DonorKind, EligibleHousehold, Item, NewAllocation,
    NewDonor, NewPledge, Pledge, PledgeStatus, StockLine, VillageDonations,
};
use crate::field_records::{HandoverRecord, SyncOutcome, SyncResult};
use crate::model::Role;
use sqlx::{Any, Executor};

/// Roles that register donors and pledges and allocate devices: commune officers (and admins).
pub const MANAGERS: [Role; 2] = [Role::Admin, Role::CommuneOfficer];
/// Largest photo of a handover the server keeps. The phone compresses to about 150 KB.
pub const MAX_PHOTO_BYTES: usize = 1024 * 1024;
/// Largest side of a stored photo, in pixels.
const MAX_PHOTO_SIDE: usize = 4096;
const MAX_NAME_CHARS: usize = 200;
const MAX_TEXT_CHARS: usize = 500;
const MAX_SERIAL_CHARS: usize = 64;
/// Most devices one pledge may count.
const MAX_QUANTITY: i64 = 100_000;
/// Image types a handover photo may have.
pub const PHOTO_TYPES: [&str; 3] = ["image/jpeg", "image/png", "image/webp"];

fn require(principal: &Principal, roles: &[Role]) -> Result<(), StoreError> {
    if roles.contains(&principal.role) {
        Ok(())
    } else {
        Err(StoreError::Denied(access::Denied::Role))
    }
}

fn is_manager(principal: &Principal) -> bool {
    MANAGERS.contains(&principal.role)
}

/// A text field trimmed, with a length limit; `None` when empty.
fn optional_text(field: &str, value: Option<&str>, max_chars: usize) -> Result<Option<String>, StoreError> {
    let value = value.map(str::trim).filter(|value| !value.is_empty());
    if value.is_some_and(|value| value.chars().count() > max_chars) {
        return Err(StoreError::Invalid(format!("{field}: at most {max_chars} characters")));
    }
    Ok(value.map(str::to_owned))
}

/// Records a change in the audit log and commits, so that the entry exists exactly when the
/// change does. `entity` is the entity's type and id.
async fn commit_audited(
    mut tx: sqlx::Transaction<'_, Any>,
    principal: &Principal,
    action: &str,
    (entity_type, entity_id): (&str, &str),
    after: &serde_json::Value,
) -> Result<(), StoreError> {
    let change = super::audit::Change { action, entity_type, entity_id, before: None, after: Some(after) };
    super::audit::record(&mut *tx, super::audit::Actor::Principal(principal), &change).await?;
    tx.commit().await?;
    Ok(())
}

/// Registers a donor.
pub async fn create_donor(db: &super::Db, principal: &Principal, donor: &NewDonor) -> Result<Donor, StoreError> {
    require(principal, &MANAGERS)?;
    let name = donor.name.trim();
    if name.is_empty() || name.chars().count() > MAX_NAME_CHARS {
        return Err(StoreError::Invalid(format!("name: 1 to {MAX_NAME_CHARS} characters")));
    }
    let contact = optional_text("contact", donor.contact.as_deref(), MAX_TEXT_CHARS)?;
    let mut tx = db.begin_write().await?;
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO donor (kind, name, contact, anonymous, created_by, created_at)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(donor.kind.as_str())
    .bind(name)
    .bind(contact.as_deref())
    .bind(i64::from(donor.anonymous))
    .bind(principal.audit_name())
    .bind(super::now_utc_text())
    .fetch_one(&mut *tx)
    .await?;
    // The contact is personal data: the audit log notes that one was given, not what it is.
    let after = serde_json::json!({"kind": donor.kind.as_str(), "name": name, "has_contact": contact.is_some(),
        "anonymous": donor.anonymous});
    commit_audited(tx, principal, "create", ("donor", &id.to_string()), &after).await?;
    Ok(Donor { id, kind: donor.kind, name: name.to_owned(), contact, anonymous: donor.anonymous })
}

fn read_kind(kind: &str) -> Result<DonorKind, StoreError> {
    DonorKind::ALL
        .into_iter()
        .find(|known| known.as_str() == kind)
        .ok_or_else(|| StoreError::Invalid(format!("stored donor kind '{kind}' is unknown")))
}

fn read_item(item: &str) -> Result<Item, StoreError> {
    item.parse().map_err(|_| StoreError::Invalid(format!("stored item '{item}' is unknown")))
}

/// Every donor with the private contact: officers and admins only.
pub async fn donors<'e, E>(executor: E, principal: &Principal) -> Result<Vec<Donor>, StoreError>
where
    E: Executor<'e, Database = Any>,
{
    require(principal, &MANAGERS)?;
    let rows: Vec<(i64, String, String, Option<String>, i64)> =
        sqlx::query_as("SELECT id, kind, name, contact, anonymous FROM donor ORDER BY name, id")
            .fetch_all(executor)
            .await?;
    rows.into_iter()
        .map(|(id, kind, name, contact, anonymous)| {
            Ok(Donor { id, kind: read_kind(&kind)?, name, contact, anonymous: anonymous == 1 })
        })
        .collect()
}

/// The public thank-you list: donors whose gifts have arrived, most devices first. Anonymous
/// donors are listed without a name; contacts never appear.
pub async fn acknowledgements<'e, E>(executor: E) -> Result<Vec<Acknowledgement>, StoreError>
where
    E: Executor<'e, Database = Any>,
{
    let rows: Vec<(String, String, i64, i64, i64)> = sqlx::query_as(
        "SELECT d.name, d.kind, d.anonymous,
                COALESCE(SUM(CASE WHEN p.item <> 'money' THEN p.quantity ELSE 0 END), 0) AS devices,
                COALESCE(SUM(COALESCE(p.value_vnd, 0)), 0) AS value_vnd
         FROM donor d JOIN pledge p ON p.donor_id = d.id AND p.status = 'received'
         GROUP BY d.id, d.name, d.kind, d.anonymous
         ORDER BY devices DESC, value_vnd DESC, d.id",
    )
    .fetch_all(executor)
    .await?;
    rows.into_iter()
        .map(|(name, kind, anonymous, devices, value_vnd)| {
            Ok(Acknowledgement { name: (anonymous == 0).then_some(name), kind: read_kind(&kind)?, devices, value_vnd })
        })
        .collect()
}

/// The id of a current commune the principal may act in.
async fn commune_in_scope(
    tx: &mut sqlx::Transaction<'_, Any>,
    principal: &Principal,
    code: &str,
) -> Result<i64, StoreError> {
    match super::admin_units::find_by_code(&mut **tx, code.trim()).await? {
        Some((id, super::admin_units::Level::Commune)) => {
            if access::unit_in_scope(&mut **tx, principal, id).await? {
                Ok(id)
            } else {
                Err(StoreError::Denied(access::Denied::Scope))
            }
        }
        _ => Err(StoreError::Invalid(format!("commune_code: no commune has code '{}'", code.trim()))),
    }
}

fn check_pledge(pledge: &NewPledge) -> Result<(), StoreError> {
    if pledge.value_vnd.is_some_and(|value| value < 0) {
        return Err(StoreError::Invalid("value_vnd: expected 0 or more".to_owned()));
    }
    if pledge.item.is_device() {
        match pledge.quantity {
            Some(quantity) if (1..=MAX_QUANTITY).contains(&quantity) => {}
            _ => return Err(StoreError::Invalid(format!("quantity: devices need 1 to {MAX_QUANTITY}"))),
        }
        if pledge.condition.is_none() {
            return Err(StoreError::Invalid("condition: devices are new or refurbished".to_owned()));
        }
    } else if pledge.quantity.is_some() || pledge.condition.is_some() || pledge.value_vnd.is_none() {
        return Err(StoreError::Invalid("money: give value_vnd, and no quantity or condition".to_owned()));
    }
    Ok(())
}

/// Records a pledge for a commune in the principal's scope (status `pledged`).
pub async fn create_pledge(db: &super::Db, principal: &Principal, pledge: &NewPledge) -> Result<Pledge, StoreError> {
    require(principal, &MANAGERS)?;
    check_pledge(pledge)?;
    let note = optional_text("note", pledge.note.as_deref(), MAX_TEXT_CHARS)?;
    let mut tx = db.begin_write().await?;
    let commune_id = commune_in_scope(&mut tx, principal, &pledge.commune_code).await?;
    let donor: Option<(i64,)> =
        sqlx::query_as("SELECT id FROM donor WHERE id = $1").bind(pledge.donor_id).fetch_optional(&mut *tx).await?;
    if donor.is_none() {
        return Err(StoreError::Invalid(format!("donor_id: no donor {}", pledge.donor_id)));
    }
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO pledge (donor_id, commune_id, item, quantity, condition, value_vnd, note, status, pledged_at,
                             created_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, 'pledged', $8, $9) RETURNING id",
    )
    .bind(pledge.donor_id)
    .bind(commune_id)
    .bind(pledge.item.as_str())
    .bind(pledge.quantity)
    .bind(pledge.condition.map(Condition::as_str))
    .bind(pledge.value_vnd)
    .bind(note.as_deref())
    .bind(super::now_utc_text())
    .bind(principal.audit_name())
    .fetch_one(&mut *tx)
    .await?;
    let after = serde_json::to_value(pledge).unwrap_or_default();
    let created = pledge_by_id(&mut *tx, id).await?;
    commit_audited(tx, principal, "create", ("pledge", &id.to_string()), &after).await?;
    Ok(created)
}

/// Marks a pledge as arrived at its commune; its devices join the commune's stock as available.
pub async fn receive_pledge(db: &super::Db, principal: &Principal, pledge_id: i64) -> Result<Pledge, StoreError> {
    require(principal, &MANAGERS)?;
    let mut tx = db.begin_write().await?;
    let row: Option<(i64, String, Option<i64>)> =
        sqlx::query_as("SELECT commune_id, item, quantity FROM pledge WHERE id = $1")
            .bind(pledge_id)
            .fetch_optional(&mut *tx)
            .await?;
    let (commune_id, item, quantity) = row.ok_or(StoreError::NotFound)?;
    if !access::unit_in_scope(&mut *tx, principal, commune_id).await? {
        return Err(StoreError::Denied(access::Denied::Scope));
    }
    let now = super::now_utc_text();
    let updated =
        sqlx::query("UPDATE pledge SET status = 'received', received_at = $2 WHERE id = $1 AND status = 'pledged'")
            .bind(pledge_id)
            .bind(&now)
            .execute(&mut *tx)
            .await?;
    if updated.rows_affected() == 0 {
        return Err(StoreError::StateConflict(format!("pledge {pledge_id} was already received")));
    }
    if let (true, Some(quantity)) = (read_item(&item)?.is_device(), quantity) {
        sqlx::query(
            "INSERT INTO device_stock (commune_id, item, received, available) VALUES ($1, $2, $3, $3)
             ON CONFLICT (commune_id, item) DO UPDATE
             SET received = device_stock.received + excluded.received,
                 available = device_stock.available + excluded.available",
        )
        .bind(commune_id)
        .bind(&item)
        .bind(quantity)
        .execute(&mut *tx)
        .await?;
    }
    let after = serde_json::json!({"status": "received", "received_at": now});
    let received = pledge_by_id(&mut *tx, pledge_id).await?;
    commit_audited(tx, principal, "receive", ("pledge", &pledge_id.to_string()), &after).await?;
    Ok(received)
}

type PledgeRow = (
    i64,
    i64,
    String,
    i64,
    String,
    String,
    String,
    Option<i64>,
    Option<String>,
    Option<i64>,
    String,
    String,
    Option<String>,
);

/// The columns of a [`Pledge`], in [`PledgeRow`] order; callers add WHERE and ORDER BY.
const PLEDGE_SELECT: &str =
    "SELECT p.id, p.donor_id, d.name, d.anonymous, c.code, c.name, p.item, p.quantity, p.condition,
        p.value_vnd, p.status, p.pledged_at, p.received_at
    FROM pledge p JOIN donor d ON d.id = p.donor_id JOIN admin_unit c ON c.id = p.commune_id";

/// A pledge from its row. `with_names`: the donor's name even when the donor is anonymous.
fn read_pledge(row: PledgeRow, with_names: bool) -> Result<Pledge, StoreError> {
    let (
        id,
        donor_id,
        donor,
        anonymous,
        commune_code,
        commune,
        item,
        quantity,
        condition,
        value_vnd,
        status,
        pledged_at,
        received_at,
    ) = row;
    Ok(Pledge {
        id,
        donor_id,
        donor: (with_names || anonymous == 0).then_some(donor),
        commune_code,
        commune,
        item: read_item(&item)?,
        quantity,
        condition: match condition.as_deref() {
            Some("new") => Some(Condition::New),
            Some("refurbished") => Some(Condition::Refurbished),
            _ => None,
        },
        value_vnd,
        status: if status == "received" { PledgeStatus::Received } else { PledgeStatus::Pledged },
        pledged_at,
        received_at,
    })
}

/// One pledge as its officer sees it.
async fn pledge_by_id<'e, E>(executor: E, id: i64) -> Result<Pledge, StoreError>
where
    E: Executor<'e, Database = Any>,
{
    let sql = format!("{PLEDGE_SELECT} WHERE p.id = $1");
    let row: Option<PledgeRow> = sqlx::query_as(&sql).bind(id).fetch_optional(executor).await?;
    read_pledge(row.ok_or(StoreError::NotFound)?, true)
}

/// Pledges to the communes in the principal's scope, newest first. Only officers and admins see
/// anonymous donors' names.
pub async fn pledges<'e, E>(executor: E, principal: &Principal) -> Result<Vec<Pledge>, StoreError>
where
    E: Executor<'e, Database = Any>,
{
    require(principal, &Role::DASHBOARD_READERS)?;
    let sql = format!(
        "WITH RECURSIVE {scope}
         {PLEDGE_SELECT}
         WHERE $2 OR p.commune_id IN (SELECT id FROM scope_units)
         ORDER BY p.pledged_at DESC, p.id DESC",
        scope = access::scope_units_cte(1)
    );
    let rows: Vec<PledgeRow> =
        sqlx::query_as(&sql).bind(principal.user_id).bind(principal.role == Role::Admin).fetch_all(executor).await?;
    rows.into_iter().map(|row| read_pledge(row, is_manager(principal))).collect()
}

/// Every commune's stock per kind of device, by commune name. Aggregates only: anyone may see them.
pub async fn stock<'e, E>(executor: E) -> Result<Vec<StockLine>, StoreError>
where
    E: Executor<'e, Database = Any>,
{
    let rows: Vec<(String, String, String, i64, i64, i64, i64)> = sqlx::query_as(
        "SELECT c.code, c.name, s.item, s.received, s.available, s.allocated, s.delivered
         FROM device_stock s JOIN admin_unit c ON c.id = s.commune_id
         ORDER BY c.name, c.code, s.item",
    )
    .fetch_all(executor)
    .await?;
    rows.into_iter()
        .map(|(commune_code, commune, item, received, available, allocated, delivered)| {
            Ok(StockLine { commune_code, commune, item: read_item(&item)?, received, available, allocated, delivered })
        })
        .collect()
}

/// How much a household's flags weigh in the "chưa có thiết bị" ranking (SQL over `h`).
const NEED_SQL: &str = "(3 * h.poor + 2 * h.near_poor + 2 * h.disability + h.elderly + h.ethnic_minority)";

/// A flagged household without a smartphone and with no device allocated or delivered (SQL over `h`).
const ELIGIBLE_SQL: &str = "(h.poor + h.near_poor + h.ethnic_minority + h.elderly + h.disability) > 0
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
    require(principal, &Role::RECORDERS)?;
    let sql = format!(
        "WITH RECURSIVE {scope}
         SELECT h.id, h.label, v.code, h.poor, h.near_poor, h.ethnic_minority, h.elderly, h.disability, {NEED_SQL} AS need
         FROM household h JOIN admin_unit v ON v.id = h.village_id
         WHERE v.code = $2 AND ($3 OR h.village_id IN (SELECT id FROM scope_units)) AND {ELIGIBLE_SQL}
         ORDER BY need DESC, h.label, h.id",
        scope = access::scope_units_cte(1)
    );
    let rows: Vec<EligibleRow> = sqlx::query_as(&sql)
        .bind(principal.user_id)
        .bind(village_code.trim())
        .bind(principal.role == Role::Admin)
        .fetch_all(executor)
        .await?;
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
    db: &super::Db,
    principal: &Principal,
    request: &NewAllocation,
) -> Result<Allocation, StoreError> {
    require(principal, &MANAGERS)?;
    if !request.item.is_device() {
        return Err(StoreError::Invalid("item: money is not allocated to households".to_owned()));
    }
    let mut tx = db.begin_write().await?;
    let found: Option<(i64, Option<i64>)> = sqlx::query_as(
        "SELECT h.village_id, v.parent_id FROM household h JOIN admin_unit v ON v.id = h.village_id WHERE h.id = $1",
    )
    .bind(request.household_id)
    .fetch_optional(&mut *tx)
    .await?;
    let Some((village_id, Some(commune_id))) = found else {
        return Err(StoreError::Invalid(format!("household_id: no household {}", request.household_id)));
    };
    if !access::unit_in_scope(&mut *tx, principal, village_id).await? {
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
        return Err(StoreError::StateConflict(format!(
            "no {} left in the commune's stock to allocate",
            request.item.as_str()
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
    .bind(super::now_utc_text())
    .fetch_one(&mut *tx)
    .await;
    let id = match inserted {
        Ok((id,)) => id,
        Err(sqlx::Error::Database(error)) if error.kind() == sqlx::error::ErrorKind::UniqueViolation => {
            return Err(StoreError::StateConflict(format!(
                "household {} already waits for a {}",
                request.household_id,
                request.item.as_str()
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
pub async fn cancel_allocation(db: &super::Db, principal: &Principal, id: i64) -> Result<Allocation, StoreError> {
    require(principal, &MANAGERS)?;
    let mut tx = db.begin_write().await?;
    let found: Option<(i64, i64, String)> =
        sqlx::query_as("SELECT village_id, commune_id, item FROM allocation WHERE id = $1")
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?;
    let (village_id, commune_id, item) = found.ok_or(StoreError::NotFound)?;
    if !access::unit_in_scope(&mut *tx, principal, village_id).await? {
        return Err(StoreError::Denied(access::Denied::Scope));
    }
    let cancelled = sqlx::query(
        "UPDATE allocation SET status = 'cancelled', cancelled_at = $2 WHERE id = $1 AND status = 'allocated'",
    )
    .bind(id)
    .bind(super::now_utc_text())
    .execute(&mut *tx)
    .await?;
    if cancelled.rows_affected() == 0 {
        return Err(StoreError::StateConflict(format!("allocation {id} is no longer waiting for its handover")));
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

type AllocationRow = (
    i64,
    String,
    i64,
    String,
    String,
    String,
    String,
    String,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<i64>,
);

/// The columns of an [`Allocation`], in [`AllocationRow`] order.
const ALLOCATION_SELECT: &str = "SELECT a.id, a.item, a.household_id, h.client_uuid, h.label, v.code, c.code, a.status,
        a.allocated_at, a.delivered_at, a.serial, a.photo_uuid, a.guided
    FROM allocation a JOIN household h ON h.id = a.household_id JOIN admin_unit v ON v.id = a.village_id
    JOIN admin_unit c ON c.id = a.commune_id";

fn read_allocation(row: AllocationRow) -> Result<Allocation, StoreError> {
    let (
        id,
        item,
        household_id,
        household_uuid,
        household,
        village_code,
        commune_code,
        status,
        allocated_at,
        delivered_at,
        serial,
        photo_uuid,
        guided,
    ) = row;
    Ok(Allocation {
        id,
        item: read_item(&item)?,
        household_id,
        household_uuid,
        household,
        village_code,
        commune_code,
        status: match status.as_str() {
            "allocated" => AllocationStatus::Allocated,
            "delivered" => AllocationStatus::Delivered,
            _ => AllocationStatus::Cancelled,
        },
        allocated_at,
        delivered_at,
        serial,
        photo_uuid,
        guided: guided.map(|guided| guided == 1),
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
    require(principal, &Role::RECORDERS)?;
    let status = status.map(|status| match status {
        AllocationStatus::Allocated => "allocated",
        AllocationStatus::Delivered => "delivered",
        AllocationStatus::Cancelled => "cancelled",
    });
    let sql = format!(
        "WITH RECURSIVE {scope}
         {ALLOCATION_SELECT}
         WHERE ($2 OR a.village_id IN (SELECT id FROM scope_units))
           AND ($3 OR v.code = $4) AND ($5 OR a.status = $6)
         ORDER BY a.allocated_at DESC, a.id DESC",
        scope = access::scope_units_cte(1)
    );
    let rows: Vec<AllocationRow> = sqlx::query_as(&sql)
        .bind(principal.user_id)
        .bind(principal.role == Role::Admin)
        .bind(village_code.is_none())
        .bind(village_code.unwrap_or_default().trim())
        .bind(status.is_none())
        .bind(status.unwrap_or_default())
        .fetch_all(executor)
        .await?;
    rows.into_iter().map(read_allocation).collect()
}

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
    if record.serial.as_deref().is_some_and(|serial| serial.trim().chars().count() > MAX_SERIAL_CHARS) {
        return Err(said(
            format!("serial: at most {MAX_SERIAL_CHARS} characters"),
            format!("serial: số sê-ri/IMEI tối đa {MAX_SERIAL_CHARS} ký tự"),
        ));
    }
    Ok(moment)
}

/// Stores a handover from a phone's sync batch: the allocation becomes `delivered` and the device
/// moves from allocated to delivered in the stock. Idempotent per handover UUID.
pub(super) async fn store_handover(
    batch: &mut sqlx::Transaction<'static, Any>,
    context: &mut super::field::BatchContext,
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
    if let Some(id) = handover_stored(&mut *tx, &uuid).await? {
        return Ok(stored(uuid, SyncOutcome::AlreadyStored, id, false));
    }
    let found: Option<(i64, i64, String, String, i64)> =
        sqlx::query_as("SELECT village_id, commune_id, item, status, household_id FROM allocation WHERE id = $1")
            .bind(record.allocation_id)
            .fetch_optional(&mut *tx)
            .await?;
    let Some((village_id, commune_id, item, status, household_id)) = found else {
        return Ok(rejected(
            uuid,
            said(
                format!("allocation_id: no allocation {}", record.allocation_id),
                format!("allocation_id: không có phân bổ số {}", record.allocation_id),
            ),
        ));
    };
    if !context.unit_in_scope(&mut tx, principal, village_id).await? {
        return Ok(rejected(uuid, outside_scope()));
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
        let photo: Option<(String,)> = sqlx::query_as("SELECT uuid FROM handover_photo WHERE uuid = $1")
            .bind(photo_uuid)
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
    let (has_accuracy, accuracy) = super::db::nullable_f64(record.accuracy_m);
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
            Some(id) => stored(uuid, SyncOutcome::AlreadyStored, id, false),
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
    commit_audited(tx, principal, "handover", ("allocation", &record.allocation_id.to_string()), &after).await?;
    Ok(stored(uuid, SyncOutcome::Stored, record.allocation_id, false))
}

async fn handover_stored<'e, E>(executor: E, uuid: &str) -> Result<Option<i64>, StoreError>
where
    E: Executor<'e, Database = Any>,
{
    let row: Option<(i64,)> = sqlx::query_as("SELECT id FROM allocation WHERE handover_uuid = $1")
        .bind(uuid)
        .fetch_optional(executor)
        .await?;
    Ok(row.map(|(id,)| id))
}

/// Why a photo was refused: the status the API answers with, and the reason in both languages.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PhotoProblem {
    /// Not one of [`PHOTO_TYPES`] (415).
    UnsupportedType(String),
    /// Larger than [`MAX_PHOTO_BYTES`] (413).
    TooLarge(usize),
    /// The bytes are not a picture of the declared type, or too many pixels (422).
    Unreadable(Said),
}

/// Checks an uploaded photo and returns its size in pixels.
pub fn check_photo(content_type: &str, bytes: &[u8]) -> Result<(usize, usize), PhotoProblem> {
    let declared = content_type.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
    if !PHOTO_TYPES.contains(&declared.as_str()) {
        return Err(PhotoProblem::UnsupportedType(declared));
    }
    if bytes.len() > MAX_PHOTO_BYTES {
        return Err(PhotoProblem::TooLarge(bytes.len()));
    }
    let unreadable = || {
        PhotoProblem::Unreadable(said(
            format!("the file is not a {declared} picture"),
            format!("tệp không phải là ảnh {declared}"),
        ))
    };
    let actual = match imagesize::image_type(bytes).map_err(|_| unreadable())? {
        imagesize::ImageType::Jpeg => "image/jpeg",
        imagesize::ImageType::Png => "image/png",
        imagesize::ImageType::Webp => "image/webp",
        _ => return Err(unreadable()),
    };
    if actual != declared {
        return Err(unreadable());
    }
    let size = imagesize::blob_size(bytes).map_err(|_| unreadable())?;
    if size.width == 0 || size.height == 0 || size.width > MAX_PHOTO_SIDE || size.height > MAX_PHOTO_SIDE {
        return Err(PhotoProblem::Unreadable(said(
            format!("the picture is {}×{} pixels; at most {MAX_PHOTO_SIDE} a side", size.width, size.height),
            format!("ảnh {}×{} điểm ảnh; mỗi cạnh tối đa {MAX_PHOTO_SIDE}", size.width, size.height),
        )));
    }
    Ok((size.width, size.height))
}

/// Stores a checked handover photo under the phone's UUID. Idempotent: a photo already stored
/// under this UUID is kept as it is. Returns whether it was stored now.
pub async fn store_photo(
    db: &super::Db,
    principal: &Principal,
    uuid: &str,
    content_type: &str,
    bytes: &[u8],
    (width, height): (usize, usize),
) -> Result<bool, StoreError> {
    require(principal, &Role::RECORDERS)?;
    check_uuid(uuid)?;
    let mut tx = db.begin_write().await?;
    let inserted = sqlx::query(
        "INSERT INTO handover_photo (uuid, content_type, bytes, width, height, uploaded_by, uploaded_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (uuid) DO NOTHING",
    )
    .bind(uuid)
    .bind(content_type.split(';').next().unwrap_or_default().trim().to_ascii_lowercase())
    .bind(bytes.to_vec())
    .bind(i64::try_from(width).unwrap_or(i64::MAX))
    .bind(i64::try_from(height).unwrap_or(i64::MAX))
    .bind(principal.audit_name())
    .bind(super::now_utc_text())
    .execute(&mut *tx)
    .await?;
    if inserted.rows_affected() == 0 {
        // Stored before under this UUID: nothing was written, nothing to record.
        return Ok(false);
    }
    let after = serde_json::json!({"bytes": bytes.len(), "width": width, "height": height});
    commit_audited(tx, principal, "upload", ("handover_photo", uuid), &after).await?;
    Ok(true)
}

/// A stored handover photo (content type and bytes), for whoever uploaded it and for officers and
/// team members of the household's area. Anyone else gets `NotFound`, as if there were none.
pub async fn photo<'e, E>(executor: E, principal: &Principal, uuid: &str) -> Result<(String, Vec<u8>), StoreError>
where
    E: Executor<'e, Database = Any>,
{
    require(principal, &Role::RECORDERS)?;
    let sql = format!(
        "WITH RECURSIVE {scope}
         SELECT p.content_type, p.bytes FROM handover_photo p
         WHERE p.uuid = $2 AND ($3 OR p.uploaded_by = $4 OR EXISTS (
             SELECT 1 FROM allocation a WHERE a.photo_uuid = p.uuid AND a.village_id IN (SELECT id FROM scope_units)))",
        scope = access::scope_units_cte(1)
    );
    let row: Option<(String, Vec<u8>)> = sqlx::query_as(&sql)
        .bind(principal.user_id)
        .bind(uuid)
        .bind(principal.role == Role::Admin)
        .bind(principal.audit_name())
        .fetch_optional(executor)
        .await?;
    row.ok_or(StoreError::NotFound)
}

/// Donations per village within the principal's scope, for the map layer: aggregates only.
pub async fn village_donations<'e, E>(executor: E, principal: &Principal) -> Result<Vec<VillageDonations>, StoreError>
where
    E: Executor<'e, Database = Any>,
{
    require(principal, &Role::FIELD_READERS)?;
    let sql = format!(
        "WITH RECURSIVE {scope}
         SELECT * FROM (
             SELECT v.code AS village_code, c.code AS commune_code,
                    (SELECT COUNT(*) FROM allocation a WHERE a.village_id = v.id AND a.status = 'delivered') AS delivered,
                    (SELECT COUNT(*) FROM allocation a WHERE a.village_id = v.id AND a.status = 'allocated') AS allocated,
                    (SELECT COUNT(*) FROM household h WHERE h.village_id = v.id AND {ELIGIBLE_SQL}) AS waiting
             FROM admin_unit v JOIN admin_unit c ON c.id = v.parent_id
             WHERE v.level = 'village' AND v.valid_to IS NULL AND ($2 OR v.id IN (SELECT id FROM scope_units))
         ) AS counted
         WHERE delivered + allocated + waiting > 0
         ORDER BY village_code",
        scope = access::scope_units_cte(1)
    );
    let rows: Vec<(String, String, i64, i64, i64)> =
        sqlx::query_as(&sql).bind(principal.user_id).bind(principal.role == Role::Admin).fetch_all(executor).await?;
    Ok(rows
        .into_iter()
        .map(|(village_code, commune_code, delivered, allocated, waiting)| VillageDonations {
            village_code,
            commune_code,
            delivered,
            allocated,
            waiting,
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The smallest valid PNG header: signature and an IHDR chunk of the given size.
    fn png(width: u32, height: u32) -> Vec<u8> {
        let mut bytes = vec![0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, b'I', b'H', b'D', b'R'];
        bytes.extend_from_slice(&width.to_be_bytes());
        bytes.extend_from_slice(&height.to_be_bytes());
        bytes.extend_from_slice(&[8, 6, 0, 0, 0, 0, 0, 0, 0]);
        bytes
    }

    #[test]
    fn photos_are_checked_for_type_content_and_size() {
        assert_eq!(check_photo("image/png", &png(640, 480)), Ok((640, 480)));
        assert!(matches!(check_photo("image/gif", &png(640, 480)), Err(PhotoProblem::UnsupportedType(_))));
        assert!(matches!(check_photo("image/jpeg", &png(640, 480)), Err(PhotoProblem::Unreadable(_))));
        assert!(matches!(check_photo("image/png", b"<html>not a picture</html>"), Err(PhotoProblem::Unreadable(_))));
        assert!(matches!(check_photo("image/png", &png(5000, 10)), Err(PhotoProblem::Unreadable(_))));
        let mut huge = png(10, 10);
        huge.resize(MAX_PHOTO_BYTES + 1, 0);
        assert!(matches!(check_photo("image/png", &huge), Err(PhotoProblem::TooLarge(_))));
    }

    #[test]
    fn pledges_are_devices_or_money() {
        let pledge = |item, quantity, condition, value_vnd| NewPledge {
            donor_id: 1,
            commune_code: "15187".into(),
            item,
            quantity,
            condition,
            value_vnd,
            note: None,
        };
        assert!(check_pledge(&pledge(Item::Smartphone, Some(5), Some(Condition::New), None)).is_ok());
        assert!(check_pledge(&pledge(Item::Smartphone, Some(0), Some(Condition::New), None)).is_err());
        assert!(check_pledge(&pledge(Item::Smartphone, Some(5), None, None)).is_err());
        assert!(check_pledge(&pledge(Item::Money, None, None, Some(5_000_000))).is_ok());
        assert!(check_pledge(&pledge(Item::Money, Some(2), None, Some(5_000_000))).is_err());
        assert!(check_pledge(&pledge(Item::Money, None, None, None)).is_err());
        assert!(check_pledge(&pledge(Item::Laptop, Some(1), Some(Condition::Refurbished), Some(-1))).is_err());
    }
}
