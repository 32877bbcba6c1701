//! Reorganisations of administrative units, imported from the table a resolution comes with
//! (old code → new code, effective date, legal basis), such as Resolution 1686/NQ-UBTVQH15 that
//! merged Thanh Hóa's communes on 1 July 2025.
//!
//! Nothing recorded is rewritten. Each old unit ends (`valid_to` = the effective date,
//! `successor_id` = the unit it merged into); the new unit is created, or, when it keeps the code
//! of a predecessor, created as a new version of that code (see [`crate::admin_units`]). The
//! current units below an old unit (its villages) move to the new one, and the parent they had
//! is kept in `admin_unit_former_parent`, so a visit, a Wi-Fi change or a donation still belongs
//! to the village it happened in, and that village to the commune of the time. Accounts scoped to
//! an old unit are scoped to its successor. Targets and officers' figures stay with the unit and
//! the period they were made for.
//!
//! A unit may merge whole into another (the common case), and a district may be dissolved (the
//! 2025 abolition of the district level: its communes then belong to its province). A split (one
//! old unit shared among several new ones) is refused: it needs to know which village goes to
//! which new unit, which a table of codes does not say.
//!
//! The import is all or nothing: everything is done in one transaction, every problem is listed
//! with its line, and a dry run does the same and rolls back, so its counts are exact. Importing
//! a file again changes nothing: rows already applied are recognised and counted as such.

mod changes;
mod plan;

use super::audit::Actor;
use super::imports;
use super::tabular::{Column, Spec, Values};
use super::{Db, StoreError};
use changes::{apply_merge, dissolve, level_of_olds, ChangeLog};
use plan::read_plan;
use serde::Serialize;
use sqlx::{Any, Transaction};

/// The columns of a reorganisation file, under the English keys or the headers offices write.
pub const FILE_SPEC: Spec = Spec {
    columns: &[
        Column {
            key: "old_code", aliases: &["Mã cũ", "Mã đơn vị cũ", "Mã ĐVHC cũ", "Mã xã cũ"], required: true
        },
        Column {
            key: "old_name", aliases: &["Tên cũ", "Tên đơn vị cũ", "Tên ĐVHC cũ", "Tên xã cũ"], required: false
        },
        Column {
            key: "new_code", aliases: &["Mã mới", "Mã đơn vị mới", "Mã ĐVHC mới", "Mã xã mới"], required: true
        },
        Column {
            key: "new_name",
            aliases: &["Tên mới", "Tên đơn vị mới", "Tên ĐVHC mới", "Tên xã mới"],
            required: false,
        },
        Column {
            key: "effective_date",
            aliases: &["Ngày hiệu lực", "Ngày có hiệu lực", "Hiệu lực từ ngày", "Có hiệu lực từ"],
            required: true,
        },
        Column {
            key: "legal_basis", aliases: &["Căn cứ", "Căn cứ pháp lý", "Nghị quyết", "Văn bản"], required: false
        },
        Column {
            key: "new_parent_code",
            aliases: &["Mã cấp trên mới", "Mã đơn vị cấp trên mới", "Trực thuộc"],
            required: false,
        },
    ],
    values: &[("effective_date", Values::Date)],
};

/// What a reorganisation did (or, in a dry run, would do).
#[derive(utoipa::ToSchema, Clone, Debug, Default, PartialEq, Serialize)]
pub struct ReorganisationOutcome {
    /// Lines of the file.
    pub rows: usize,
    pub dry_run: bool,
    /// Units ended by this import (merged or dissolved).
    pub ended: usize,
    /// Units created (a code kept through the change counts here too, as its new version).
    pub created: usize,
    /// Units (villages, or communes of a dissolved district) that now belong to another unit.
    pub moved: usize,
    /// Accounts whose scope now names the new units.
    pub accounts_rescoped: usize,
    /// Lines already applied by an earlier import of the same change (nothing done again).
    pub already_applied: usize,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub ignored_columns: Vec<String>,
}

/// Checks a reorganisation file and applies it (or, with `dry_run`, applies it and rolls back,
/// so the counts are those of a real import), recording it in the audit log as done by `actor`
/// (an account must be an administrator's).
pub async fn import(
    db: &Db,
    file: &[u8],
    dry_run: bool,
    actor: Actor<'_>,
) -> Result<ReorganisationOutcome, StoreError> {
    if let Actor::Principal(principal) = actor {
        super::access::require(principal, model::Capability::Administer)?;
    }
    let mut tx = db.begin_write().await?;
    let outcome = apply_in(&mut tx, file, actor).await?;
    if dry_run {
        tx.rollback().await?;
    } else {
        tx.commit().await?;
    }
    Ok(ReorganisationOutcome { dry_run, ..outcome })
}

/// Applies a reorganisation file within the caller's transaction (which it leaves uncommitted;
/// on a refusal the caller rolls back). The demo data set uses it to live through July 2025.
pub async fn apply_in(
    tx: &mut Transaction<'_, Any>,
    file: &[u8],
    actor: Actor<'_>,
) -> Result<ReorganisationOutcome, StoreError> {
    let file = file.to_vec();
    let today = super::now_utc_text()[..10].to_owned();
    let plan = super::off_the_runtime(move || read_plan(&file, &today)).await?.map_err(imports::rejected_file)?;
    let mut outcome = ReorganisationOutcome {
        rows: plan.rows,
        ignored_columns: plan.ignored_columns.clone(),
        ..ReorganisationOutcome::default()
    };
    let mut problems = Vec::new();
    let mut changes = ChangeLog::default();
    // Larger units first: communes under two merged districts then share the new one as parent.
    let mut merges = Vec::new();
    for merge in &plan.merges {
        let level = level_of_olds(tx, merge).await?;
        merges.push((level.map_or(usize::MAX, super::admin_units::Level::rank), merge));
    }
    merges.sort_by_key(|(rank, _)| *rank);
    for (_, merge) in merges {
        if let Err(found) = apply_merge(tx, merge, &mut outcome, &mut changes).await? {
            problems.extend(found);
        }
    }
    for line in &plan.dissolutions {
        if let Err(problem) = dissolve(tx, line, &mut outcome, &mut changes).await? {
            problems.push(problem);
        }
    }
    if !problems.is_empty() {
        problems.sort_by_key(|problem| problem.line);
        return Err(imports::rejected_file(problems));
    }
    if outcome.already_applied < outcome.rows {
        changes.record(tx, actor, &outcome).await?;
    }
    Ok(outcome)
}
