//! Corrections of visits already on the server. A phone edits a record it has not sent yet on its
//! own; once the server holds the record, a correction comes here with the version the phone last
//! saw, and a stale version is refused (409) rather than overwriting someone else's correction.

use super::access::{self, Principal};
use super::sync::check_visit_content;
use super::StoreError;
use model::field_records::{EditedVisit, VisitEdit};
use model::Capability;
use sqlx::Row;

/// The columns a correction may change, as stored.
#[derive(Debug, sqlx::FromRow)]
struct VisitContent {
    id: i64,
    village_id: i64,
    version: i64,
    people_helped: i64,
    skills: String,
    vneid_activated: Option<i64>,
    bank_account_opened: Option<i64>,
    note: Option<String>,
}

impl VisitContent {
    fn audit_json(&self) -> serde_json::Value {
        serde_json::json!({
            "version": self.version, "people_helped": self.people_helped, "skills": self.skills,
            "vneid_activated": self.vneid_activated, "bank_account_opened": self.bank_account_opened,
            "note": self.note,
        })
    }
}

/// Applies a correction to the visit with this UUID if it is still at `expected_version`. A visit
/// outside the principal's scope is reported as missing, so its existence is not revealed.
pub async fn edit_visit(
    db: &super::Db,
    principal: &Principal,
    uuid: &str,
    expected_version: i64,
    edit: &VisitEdit,
) -> Result<EditedVisit, StoreError> {
    access::require(principal, Capability::RecordField)?;
    let note = edit.note.as_deref().map(str::trim).filter(|note| !note.is_empty());
    check_visit_content(edit.people_helped, &edit.skills, note)?;
    let mut tx = db.begin_write().await?;
    let current: VisitContent = sqlx::query_as(
        "SELECT id, village_id, version, people_helped, skills, vneid_activated, bank_account_opened, note
         FROM visit WHERE client_uuid = $1",
    )
    .bind(crate::sync::normalised_uuid(uuid))
    .fetch_optional(&mut *tx)
    .await?
    .ok_or(StoreError::NotFound)?;
    if !crate::params::unit_in_scope(&mut *tx, principal, current.village_id).await? {
        return Err(StoreError::NotFound);
    }
    if current.version != expected_version {
        return Err(StoreError::Conflict { current_version: current.version });
    }
    let skills = crate::sync::skill_codes(&edit.skills);
    let updated = sqlx::query(
        "UPDATE visit SET people_helped = $1, skills = $2, vneid_activated = $3, bank_account_opened = $4, note = $5,
                          version = version + 1, updated_by = $6, updated_at = $7
         WHERE id = $8 AND version = $9
         RETURNING version",
    )
    .bind(edit.people_helped)
    .bind(skills.join(","))
    .bind(edit.vneid_activated.map(i64::from))
    .bind(edit.bank_account_opened.map(i64::from))
    .bind(note)
    .bind(principal.audit_name())
    .bind(super::now_utc_text())
    .bind(current.id)
    .bind(expected_version)
    .fetch_optional(&mut *tx)
    .await?;
    // On PostgreSQL another correction may commit between the read and the update.
    let Some(row) = updated else {
        let (now,): (i64,) =
            sqlx::query_as("SELECT version FROM visit WHERE id = $1").bind(current.id).fetch_one(&mut *tx).await?;
        return Err(StoreError::Conflict { current_version: now });
    };
    let version: i64 = row.try_get(0)?;
    let before = current.audit_json();
    let id = current.id;
    let after = VisitContent {
        version,
        people_helped: edit.people_helped,
        skills: skills.join(","),
        vneid_activated: edit.vneid_activated.map(i64::from),
        bank_account_opened: edit.bank_account_opened.map(i64::from),
        note: note.map(str::to_owned),
        ..current
    };
    super::audit::record(
        &mut *tx,
        super::audit::Actor::Principal(principal),
        &super::audit::Change {
            action: "edit",
            entity_type: "visit",
            entity_id: &id.to_string(),
            before: Some(&before),
            after: Some(&after.audit_json()),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(EditedVisit { uuid: uuid.to_owned(), id, version })
}
