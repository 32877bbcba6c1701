//! "Chắp cánh công nghệ": donors, pledges, each commune's device stock, allocations to households
//! and handovers recorded on phones.
//!
//! The stock moves one device at a time, by a conditional UPDATE (`… WHERE available > 0`) in the
//! same transaction as the allocation row it pays for: of two officers allocating the last device
//! at once, the second UPDATE finds none left (PostgreSQL re-reads the row after the first commits;
//! SQLite's write transactions take turns) and gets a 409. The table's CHECK constraints
//! (`received = available + allocated + delivered`, none negative) refuse any write that would
//! break the counts, whoever makes it.

mod allocations;
mod photos;

pub use allocations::{allocate, allocations, cancel_allocation, eligible};
pub use photos::{check_photo, photo, store_photo, PhotoProblem, MAX_PHOTO_BYTES, PHOTO_TYPES};

use crate::access::{self, Principal};
use crate::params::Params;
use crate::StoreError;
use model::donations::{
    Acknowledgement, Condition, Donor, DonorKind, Item, NewDonor, NewPledge, Pledge, StockLine, VillageDonations,
};
use model::{said, Capability};
use sqlx::{Any, Executor};

const MAX_NAME_CHARS: usize = 200;
const MAX_TEXT_CHARS: usize = 500;
/// Most devices one pledge may count.
const MAX_QUANTITY: i64 = 100_000;
/// Largest value of one pledge (10,000 billion đồng): far above any real gift, and small enough
/// that no sum of pledges can overflow.
const MAX_VALUE_VND: i64 = 10_000_000_000_000;

fn is_manager(principal: &Principal) -> bool {
    principal.role.can(Capability::ManageDonations)
}

/// A text field trimmed, with a length limit; `None` when empty.
fn optional_text(field: &str, value: Option<&str>, max_chars: usize) -> Result<Option<String>, StoreError> {
    Ok(crate::text::optional_lines(field, value, max_chars)?)
}

/// Records a change in the audit log and commits, so that the entry exists exactly when the
/// change does. `entity` is the entity's type and id.
pub(super) async fn commit_audited(
    mut tx: sqlx::Transaction<'_, Any>,
    principal: &Principal,
    action: &str,
    (entity_type, entity_id): (&str, &str),
    after: &serde_json::Value,
) -> Result<(), StoreError> {
    let change = crate::audit::Change { action, entity_type, entity_id, before: None, after: Some(after) };
    crate::audit::record(&mut *tx, crate::audit::Actor::Principal(principal), &change).await?;
    tx.commit().await?;
    Ok(())
}

/// Registers a donor.
pub async fn create_donor(db: &crate::Db, principal: &Principal, donor: &NewDonor) -> Result<Donor, StoreError> {
    access::require(principal, Capability::ManageDonations)?;
    let name = &crate::text::required("name", &donor.name, MAX_NAME_CHARS)?;
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
    .bind(crate::now_utc_text())
    .fetch_one(&mut *tx)
    .await?;
    // The contact is personal data: the audit log notes that one was given, not what it is.
    let after = serde_json::json!({"kind": donor.kind.as_str(), "name": name, "has_contact": contact.is_some(),
        "anonymous": donor.anonymous});
    commit_audited(tx, principal, "create", ("donor", &id.to_string()), &after).await?;
    Ok(Donor { id, kind: donor.kind, name: name.to_owned(), contact, anonymous: donor.anonymous })
}

fn read_kind(kind: &str) -> Result<DonorKind, StoreError> {
    crate::parse_stored("donor.kind", kind)
}

pub(super) fn read_item(item: &str) -> Result<Item, StoreError> {
    crate::parse_stored("item", item)
}

/// The donors an officer may pledge from: every donor for admins; for commune officers the donors
/// of their communes (created by them, or with a pledge to one of their communes) with the private
/// contact, and other communes' donors without it (anonymous ones not at all).
pub async fn donors<'e, E>(executor: E, principal: &Principal) -> Result<Vec<Donor>, StoreError>
where
    E: Executor<'e, Database = Any>,
{
    access::require(principal, Capability::ManageDonations)?;
    let mut params = Params::new();
    let scope = params.scope_of(principal);
    let sql = format!(
        "WITH RECURSIVE {cte}
         SELECT d.id, d.kind, d.name, d.contact, d.anonymous,
                CASE WHEN {everywhere} OR d.created_by = {me} OR EXISTS (
                    SELECT 1 FROM pledge p WHERE p.donor_id = d.id AND p.commune_id IN (SELECT id FROM scope_units))
                THEN 1 ELSE 0 END AS ours
         FROM donor d ORDER BY d.name, d.id",
        cte = scope.cte,
        everywhere = scope.everywhere(),
        me = params.bind(principal.audit_name()),
    );
    let rows: Vec<(i64, String, String, Option<String>, i64, i64)> = params.query_as(&sql)?.fetch_all(executor).await?;
    let mut listed = Vec::new();
    for (id, kind, name, contact, anonymous, ours) in rows {
        let (anonymous, ours) = (anonymous == 1, ours == 1);
        // Another commune's donor: listed (to record a pledge from it) without its contact; an
        // anonymous one of another commune is none of this officer's business.
        if ours || !anonymous {
            listed.push(Donor { id, kind: read_kind(&kind)?, name, contact: contact.filter(|_| ours), anonymous });
        }
    }
    Ok(listed)
}

/// A received pledge with its donor, as the thank-you list adds them up.
#[derive(sqlx::FromRow)]
struct ReceivedGift {
    id: i64,
    name: String,
    kind: String,
    anonymous: i64,
    item: String,
    quantity: Option<i64>,
    value_vnd: Option<i64>,
}

/// The public thank-you list: donors whose gifts have arrived, most devices first. Anonymous
/// donors are listed without a name; contacts never appear. Sums are made here, saturating: a
/// value stored before values were bounded can never make the list fail.
pub async fn acknowledgements<'e, E>(executor: E) -> Result<Vec<Acknowledgement>, StoreError>
where
    E: Executor<'e, Database = Any>,
{
    let rows: Vec<ReceivedGift> = sqlx::query_as(
        "SELECT d.id, d.name, d.kind, d.anonymous, p.item, p.quantity, p.value_vnd
         FROM donor d JOIN pledge p ON p.donor_id = d.id AND p.status = 'received'
         ORDER BY d.id",
    )
    .fetch_all(executor)
    .await?;
    let mut donors: Vec<(i64, Acknowledgement)> = Vec::new();
    for ReceivedGift { id, name, kind, anonymous, item, quantity, value_vnd } in rows {
        if donors.last().is_none_or(|(last, _)| *last != id) {
            let thanked = Acknowledgement {
                name: (anonymous == 0).then_some(name),
                kind: read_kind(&kind)?,
                devices: 0,
                value_vnd: 0,
            };
            donors.push((id, thanked));
        }
        if let Some((_, thanked)) = donors.last_mut() {
            if read_item(&item)?.is_device() {
                thanked.devices = thanked.devices.saturating_add(quantity.unwrap_or(0));
            }
            thanked.value_vnd = thanked.value_vnd.saturating_add(value_vnd.unwrap_or(0));
        }
    }
    donors.sort_by(|(a_id, a), (b_id, b)| {
        b.devices.cmp(&a.devices).then(b.value_vnd.cmp(&a.value_vnd)).then(a_id.cmp(b_id))
    });
    Ok(donors.into_iter().map(|(_, thanked)| thanked).collect())
}

/// The id of a current commune the principal may act in.
async fn commune_in_scope(
    tx: &mut sqlx::Transaction<'_, Any>,
    principal: &Principal,
    code: &str,
) -> Result<i64, StoreError> {
    match crate::admin_units::find_by_code(&mut **tx, code.trim()).await? {
        Some((id, crate::admin_units::Level::Commune)) => {
            if crate::params::unit_in_scope(&mut **tx, principal, id).await? {
                Ok(id)
            } else {
                Err(StoreError::Denied(access::Denied::Scope))
            }
        }
        _ => Err(StoreError::Invalid(said(
            format!("commune_code: no commune has code '{}'", code.trim()),
            format!("commune_code: không có xã nào mã '{}'", code.trim()),
        ))),
    }
}

fn check_pledge(pledge: &NewPledge) -> Result<(), StoreError> {
    if pledge.value_vnd.is_some_and(|value| !(0..=MAX_VALUE_VND).contains(&value)) {
        return Err(StoreError::Invalid(said(
            format!("value_vnd: expected 0 to {MAX_VALUE_VND}"),
            format!("value_vnd: cần từ 0 đến {MAX_VALUE_VND}"),
        )));
    }
    if pledge.item.is_device() {
        match pledge.quantity {
            Some(quantity) if (1..=MAX_QUANTITY).contains(&quantity) => {}
            _ => {
                return Err(StoreError::Invalid(said(
                    format!("quantity: devices need 1 to {MAX_QUANTITY}"),
                    format!("quantity: thiết bị cần số lượng từ 1 đến {MAX_QUANTITY}"),
                )))
            }
        }
        if pledge.condition.is_none() {
            return Err(StoreError::Invalid(said(
                "condition: devices are new or refurbished",
                "condition: thiết bị mới (new) hoặc đã tân trang (refurbished)",
            )));
        }
    } else if pledge.quantity.is_some() || pledge.condition.is_some() || pledge.value_vnd.is_none() {
        return Err(StoreError::Invalid(said(
            "money: give value_vnd, and no quantity or condition",
            "money: ghi value_vnd, không ghi quantity hay condition",
        )));
    }
    Ok(())
}

/// Records a pledge for a commune in the principal's scope (status `pledged`).
pub async fn create_pledge(db: &crate::Db, principal: &Principal, pledge: &NewPledge) -> Result<Pledge, StoreError> {
    access::require(principal, Capability::ManageDonations)?;
    check_pledge(pledge)?;
    let note = optional_text("note", pledge.note.as_deref(), MAX_TEXT_CHARS)?;
    let mut tx = db.begin_write().await?;
    let commune_id = commune_in_scope(&mut tx, principal, &pledge.commune_code).await?;
    let donor: Option<(i64,)> =
        sqlx::query_as("SELECT id FROM donor WHERE id = $1").bind(pledge.donor_id).fetch_optional(&mut *tx).await?;
    if donor.is_none() {
        return Err(StoreError::Invalid(said(
            format!("donor_id: no donor {}", pledge.donor_id),
            format!("donor_id: không có nhà hảo tâm {}", pledge.donor_id),
        )));
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
    .bind(crate::now_utc_text())
    .bind(principal.audit_name())
    .fetch_one(&mut *tx)
    .await?;
    let after = serde_json::to_value(pledge).unwrap_or_default();
    let created = pledge_by_id(&mut *tx, id).await?;
    commit_audited(tx, principal, "create", ("pledge", &id.to_string()), &after).await?;
    Ok(created)
}

/// Marks a pledge as arrived at its commune; its devices join the commune's stock as available.
pub async fn receive_pledge(db: &crate::Db, principal: &Principal, pledge_id: i64) -> Result<Pledge, StoreError> {
    access::require(principal, Capability::ManageDonations)?;
    let mut tx = db.begin_write().await?;
    let row: Option<(i64, String, Option<i64>)> =
        sqlx::query_as("SELECT commune_id, item, quantity FROM pledge WHERE id = $1")
            .bind(pledge_id)
            .fetch_optional(&mut *tx)
            .await?;
    let (commune_id, item, quantity) = row.ok_or(StoreError::NotFound)?;
    if !crate::params::unit_in_scope(&mut *tx, principal, commune_id).await? {
        return Err(StoreError::Denied(access::Denied::Scope));
    }
    let now = crate::now_utc_text();
    let updated =
        sqlx::query("UPDATE pledge SET status = 'received', received_at = $2 WHERE id = $1 AND status = 'pledged'")
            .bind(pledge_id)
            .bind(&now)
            .execute(&mut *tx)
            .await?;
    if updated.rows_affected() == 0 {
        return Err(StoreError::StateConflict(said(
            format!("pledge {pledge_id} was already received"),
            format!("cam kết {pledge_id} đã được nhận trước đó"),
        )));
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

/// A pledge as stored, with its donor's name and commune.
#[derive(sqlx::FromRow)]
struct PledgeRow {
    id: i64,
    donor_id: i64,
    donor: String,
    anonymous: i64,
    commune_code: String,
    commune: String,
    item: String,
    quantity: Option<i64>,
    condition: Option<String>,
    value_vnd: Option<i64>,
    status: String,
    pledged_at: String,
    received_at: Option<String>,
}

/// The columns of a [`PledgeRow`]; callers add WHERE and ORDER BY.
const PLEDGE_SELECT: &str =
    "SELECT p.id, p.donor_id, d.name AS donor, d.anonymous, c.code AS commune_code, c.name AS commune, p.item,
        p.quantity, p.condition, p.value_vnd, p.status, p.pledged_at, p.received_at
    FROM pledge p JOIN donor d ON d.id = p.donor_id JOIN admin_unit c ON c.id = p.commune_id";

/// A pledge from its row. `with_names`: the donor's name even when the donor is anonymous.
fn read_pledge(row: PledgeRow, with_names: bool) -> Result<Pledge, StoreError> {
    Ok(Pledge {
        id: row.id,
        donor_id: row.donor_id,
        donor: (with_names || row.anonymous == 0).then_some(row.donor),
        commune_code: row.commune_code,
        commune: row.commune,
        item: crate::parse_stored("pledge.item", &row.item)?,
        quantity: row.quantity,
        condition: row
            .condition
            .as_deref()
            .map(|condition| crate::parse_stored("pledge.condition", condition))
            .transpose()?,
        value_vnd: row.value_vnd,
        status: crate::parse_stored("pledge.status", &row.status)?,
        pledged_at: row.pledged_at,
        received_at: row.received_at,
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
    access::require(principal, Capability::ReadDashboard)?;
    let mut params = Params::new();
    let scope = params.scope_of(principal);
    let sql = format!(
        "WITH RECURSIVE {cte}
         {PLEDGE_SELECT}
         WHERE {in_scope}
         ORDER BY p.pledged_at DESC, p.id DESC",
        cte = scope.cte,
        in_scope = scope.covers("p.commune_id"),
    );
    let rows: Vec<PledgeRow> = params.query_as(&sql)?.fetch_all(executor).await?;
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

/// Donations per village within the principal's scope, for the map layer: aggregates only, read
/// from each village's kept totals (`village_now`; waiting = eligible households without a
/// device, as `eligible` lists them).
pub async fn village_donations<'e, E>(executor: E, principal: &Principal) -> Result<Vec<VillageDonations>, StoreError>
where
    E: Executor<'e, Database = Any>,
{
    access::require(principal, Capability::ReadFieldProgress)?;
    let mut params = Params::new();
    let scope = params.scope_of(principal);
    let sql = format!(
        "WITH RECURSIVE {cte}
         SELECT * FROM (
             SELECT v.code AS village_code, c.code AS commune_code,
                    CAST(n.devices_delivered AS BIGINT) AS delivered, CAST(n.devices_allocated AS BIGINT) AS allocated,
                    CAST(n.devices_waiting AS BIGINT) AS waiting
             FROM admin_unit v JOIN admin_unit c ON c.id = v.parent_id JOIN village_now n ON n.village_id = v.id
             WHERE v.level = 'village' AND v.valid_to IS NULL AND {in_scope}
         ) AS counted
         WHERE delivered + allocated + waiting > 0
         ORDER BY village_code",
        cte = scope.cte,
        in_scope = scope.covers("v.id"),
    );
    let rows: Vec<(String, String, i64, i64, i64)> = params.query_as(&sql)?.fetch_all(executor).await?;
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

/// What the donations report holds for a principal: every commune's stock, the thank-you list,
/// the pledges in scope and, for roles that see households, the allocations and handovers.
#[derive(Clone, Debug, PartialEq)]
pub struct DonationsReport {
    pub stock: Vec<StockLine>,
    pub acknowledgements: Vec<Acknowledgement>,
    pub pledges: Vec<Pledge>,
    pub handovers: Option<Vec<model::donations::Allocation>>,
}

/// The donations report of a principal who reads the dashboard.
pub async fn report(db: &crate::Db, principal: &Principal) -> Result<DonationsReport, StoreError> {
    access::require(principal, Capability::ReadDashboard)?;
    let pool = db.pool();
    let handovers = if principal.role.can(Capability::RecordField) {
        Some(allocations(pool, principal, None, None).await?)
    } else {
        None
    };
    Ok(DonationsReport {
        stock: stock(pool).await?,
        acknowledgements: acknowledgements(pool).await?,
        pledges: pledges(pool, principal).await?,
        handovers,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

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
