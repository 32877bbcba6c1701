//! What a reorganisation does to the database: units ended into their successors, new units
//! (or new versions of a code), villages moved with their former parents remembered, districts
//! dissolved, accounts rescoped, and the audit entries that say so.

use super::plan::{Line, Merge};
use super::ReorganisationOutcome;
use crate::admin_units::{unit_type_from_name, Level};
use crate::audit::{self, Actor};
use crate::imports::RowProblem;
use crate::tabular::normalise_key;
use crate::StoreError;
use model::said;
use sqlx::{Any, Transaction};

/// A unit as the reorganisation reads it.
#[derive(Clone, Debug, sqlx::FromRow)]
struct UnitRow {
    id: i64,
    parent_id: Option<i64>,
    level: String,
    code: String,
    name: String,
    valid_from: String,
    successor_id: Option<i64>,
}

impl UnitRow {
    fn level(&self) -> Result<Level, StoreError> {
        crate::parse_stored("admin_unit.level", &self.level)
    }
}

const UNIT_COLUMNS: &str = "id, parent_id, level, code, name, valid_from, successor_id";

async fn current_unit(tx: &mut Transaction<'_, Any>, code: &str) -> Result<Option<UnitRow>, StoreError> {
    let sql = format!("SELECT {UNIT_COLUMNS} FROM admin_unit WHERE code = $1 AND valid_to IS NULL");
    Ok(sqlx::query_as(&sql).bind(code).fetch_optional(&mut **tx).await?)
}

async fn unit_from(tx: &mut Transaction<'_, Any>, code: &str, valid_from: &str) -> Result<Option<UnitRow>, StoreError> {
    let sql = format!("SELECT {UNIT_COLUMNS} FROM admin_unit WHERE code = $1 AND valid_from = $2");
    Ok(sqlx::query_as(&sql).bind(code).bind(valid_from).fetch_optional(&mut **tx).await?)
}

async fn unit_ended_on(tx: &mut Transaction<'_, Any>, code: &str, day: &str) -> Result<Option<UnitRow>, StoreError> {
    let sql = format!("SELECT {UNIT_COLUMNS} FROM admin_unit WHERE code = $1 AND valid_to = $2");
    Ok(sqlx::query_as(&sql).bind(code).bind(day).fetch_optional(&mut **tx).await?)
}

/// The level of a merge's old units as stored (the first one found), to order merges.
pub(super) async fn level_of_olds(tx: &mut Transaction<'_, Any>, merge: &Merge) -> Result<Option<Level>, StoreError> {
    for old in &merge.olds {
        let unit = match current_unit(tx, &old.old_code).await? {
            Some(unit) => Some(unit),
            None => unit_ended_on(tx, &old.old_code, &merge.effective).await?,
        };
        if let Some(unit) = unit {
            return unit.level().map(Some);
        }
    }
    Ok(None)
}

fn problem_at(line: u64, en: String, vi: String) -> RowProblem {
    RowProblem::at_line(line, said(en, vi))
}

/// Applies one merge, or answers the problems that prevent it (the caller rolls back).
pub(super) async fn apply_merge(
    tx: &mut Transaction<'_, Any>,
    merge: &Merge,
    outcome: &mut ReorganisationOutcome,
    changes: &mut ChangeLog,
) -> Result<Result<(), Vec<RowProblem>>, StoreError> {
    let first_line = merge.olds[0].line;
    let new_version = unit_from(tx, &merge.new_code, &merge.effective).await?;
    // Already applied: the new unit exists from the effective date and every old unit ended then
    // into it.
    if let Some(new_unit) = &new_version {
        let mut applied = 0;
        for old in &merge.olds {
            let ended = unit_ended_on(tx, &old.old_code, &merge.effective).await?;
            if ended.is_some_and(|ended| ended.successor_id == Some(new_unit.id)) {
                applied += 1;
            }
        }
        if applied == merge.olds.len() {
            outcome.already_applied += applied;
            return Ok(Ok(()));
        }
        if applied > 0 {
            return Ok(Err(vec![problem_at(
                first_line,
                format!(
                    "{} of the {} old units of {} have already merged into it and the others not: \
                     correct the file to the whole change as it was decided",
                    applied,
                    merge.olds.len(),
                    merge.new_code
                ),
                format!(
                    "{} trong {} đơn vị cũ của {} đã được nhập vào nó, các đơn vị còn lại thì chưa: \
                     hãy sửa tệp cho đúng toàn bộ việc sắp xếp đã quyết định",
                    applied,
                    merge.olds.len(),
                    merge.new_code
                ),
            )]));
        }
    }
    let mut problems = Vec::new();
    let mut olds = Vec::new();
    for old in &merge.olds {
        match check_old_unit(tx, old).await? {
            Ok(unit) => olds.push(unit),
            Err(problem) => problems.push(problem),
        }
    }
    if !problems.is_empty() {
        return Ok(Err(problems));
    }
    let level = olds[0].level()?;
    for (unit, line) in olds.iter().zip(&merge.olds) {
        if unit.level()? != level {
            problems.push(problem_at(
                line.line,
                format!(
                    "{} is a {} but {} is a {level}: only units of one level merge",
                    unit.code, unit.level, olds[0].code
                ),
                format!(
                    "{} là cấp {} còn {} là cấp {level}: chỉ các đơn vị cùng cấp mới hợp nhất",
                    unit.code, unit.level, olds[0].code
                ),
            ));
        }
    }
    if matches!(level, Level::Village | Level::Country) {
        problems.push(problem_at(
            first_line,
            format!(
                "{} is a {level}: this import merges provinces, districts and communes; villages are added, \
                 renamed and retired in the villages page",
                olds[0].code
            ),
            format!(
                "{} là cấp {level}: việc nhập này hợp nhất tỉnh, huyện và xã; thôn được thêm, đổi tên và \
                 ngừng sử dụng ở trang thôn",
                olds[0].code
            ),
        ));
    }
    let continuing = merge.olds.iter().any(|old| old.old_code == merge.new_code);
    // A new code that names a current unit outside the merge: a unit that created by an earlier
    // boundary import for this very date is the new unit; any other would be swallowed silently.
    let precreated = match current_unit(tx, &merge.new_code).await? {
        Some(unit) if !continuing && unit.valid_from == merge.effective && unit.successor_id.is_none() => Some(unit),
        Some(unit) if !continuing => {
            problems.push(problem_at(
                first_line,
                format!(
                    "new_code {} is the current unit '{}', which the file does not end; if it takes part in the \
                     merge, add the line {} → {}",
                    merge.new_code, unit.name, merge.new_code, merge.new_code
                ),
                format!(
                    "new_code {} là đơn vị hiện hành '{}', mà tệp không chấm dứt; nếu nó cùng hợp nhất, hãy thêm \
                     dòng {} → {}",
                    merge.new_code, unit.name, merge.new_code, merge.new_code
                ),
            ));
            None
        }
        _ => None,
    };
    if new_version.is_some() && precreated.is_none() {
        problems.push(problem_at(
            first_line,
            format!("a unit {} from {} exists already and is not this merge's", merge.new_code, merge.effective),
            format!("đã có đơn vị {} từ ngày {} không thuộc việc hợp nhất này", merge.new_code, merge.effective),
        ));
    }
    let parent_id = match &merge.new_parent_code {
        Some(code) => match current_unit(tx, code).await? {
            Some(parent) if parent.level()?.rank() < level.rank() => Some(parent.id),
            Some(parent) => {
                problems.push(problem_at(
                    first_line,
                    format!("new_parent_code {code} is a {}, not a level above a {level}", parent.level),
                    format!("new_parent_code {code} là cấp {}, không phải cấp trên của cấp {level}", parent.level),
                ));
                None
            }
            None => {
                problems.push(problem_at(
                    first_line,
                    format!("new_parent_code: no current unit has the code {code}"),
                    format!("new_parent_code: không có đơn vị hiện hành nào mã {code}"),
                ));
                None
            }
        },
        None => {
            let parent = olds[0].parent_id;
            if olds.iter().any(|old| old.parent_id != parent) {
                problems.push(problem_at(
                    first_line,
                    format!(
                        "the old units of {} belong to different units; add the column new_parent_code with the \
                         code of the unit {} belongs to",
                        merge.new_code, merge.new_code
                    ),
                    format!(
                        "các đơn vị cũ của {} thuộc các đơn vị khác nhau; hãy thêm cột new_parent_code (mã cấp \
                         trên mới) với mã của đơn vị mà {} trực thuộc",
                        merge.new_code, merge.new_code
                    ),
                ));
            }
            parent
        }
    };
    if !problems.is_empty() {
        return Ok(Err(problems));
    }
    let old_ids: Vec<i64> = olds.iter().map(|old| old.id).collect();
    for old in &olds {
        end_unit(tx, old.id, &merge.effective, merge.legal_basis.as_deref()).await?;
    }
    let new_id = match precreated {
        Some(unit) => {
            sqlx::query(
                "UPDATE admin_unit SET name = $2, parent_id = $3, unit_type = $4, established_by = $5 WHERE id = $1",
            )
            .bind(unit.id)
            .bind(&merge.new_name)
            .bind(parent_id)
            .bind(unit_type_from_name(&merge.new_name))
            .bind(merge.legal_basis.as_deref())
            .execute(&mut **tx)
            .await?;
            unit.id
        }
        None => create_unit(tx, merge, level, parent_id).await?,
    };
    outcome.created += 1;
    outcome.ended += olds.len();
    for old in &olds {
        sqlx::query("UPDATE admin_unit SET successor_id = $2 WHERE id = $1")
            .bind(old.id)
            .bind(new_id)
            .execute(&mut **tx)
            .await?;
        outcome.moved += move_children(tx, old.id, new_id, &merge.effective).await?;
    }
    outcome.accounts_rescoped += rescope(tx, &old_ids, &[new_id], changes).await?;
    changes.merged.push(serde_json::json!({
        "new": { "code": merge.new_code, "name": merge.new_name, "valid_from": merge.effective },
        "old": olds.iter().map(|old| serde_json::json!({ "code": old.code, "name": old.name })).collect::<Vec<_>>(),
        "legal_basis": merge.legal_basis,
    }));
    Ok(Ok(()))
}

/// The current unit an old line names, or why it cannot end on the line's date.
async fn check_old_unit(tx: &mut Transaction<'_, Any>, old: &Line) -> Result<Result<UnitRow, RowProblem>, StoreError> {
    let Some(unit) = current_unit(tx, &old.old_code).await? else {
        let ended: Option<(String,)> = sqlx::query_as(
            "SELECT MAX(valid_to) FROM admin_unit WHERE code = $1 AND valid_to IS NOT NULL HAVING COUNT(*) > 0",
        )
        .bind(&old.old_code)
        .fetch_optional(&mut **tx)
        .await?;
        return Ok(Err(match ended {
            Some((day,)) => problem_at(
                old.line,
                format!("old_code {}: that unit ended on {day} and no current unit has the code", old.old_code),
                format!(
                    "old_code {}: đơn vị đó đã chấm dứt từ ngày {day} và không đơn vị hiện hành nào mang mã này",
                    old.old_code
                ),
            ),
            None => problem_at(
                old.line,
                format!("old_code {}: no unit has this code", old.old_code),
                format!("old_code {}: không có đơn vị nào mang mã này", old.old_code),
            ),
        }));
    };
    if unit.valid_from >= old.effective {
        return Ok(Err(problem_at(
            old.line,
            format!(
                "old_code {} exists only from {}, so it cannot end on {}",
                old.old_code, unit.valid_from, old.effective
            ),
            format!(
                "old_code {} chỉ có từ ngày {}, nên không thể chấm dứt ngày {}",
                old.old_code, unit.valid_from, old.effective
            ),
        )));
    }
    if let Some(name) = &old.old_name {
        if normalise_key(name) != normalise_key(&unit.name) {
            return Ok(Err(problem_at(
                old.line,
                format!(
                    "old_code {} is '{}' in the database but the file says '{name}': check the code",
                    old.old_code, unit.name
                ),
                format!(
                    "old_code {} là '{}' trong cơ sở dữ liệu nhưng tệp ghi '{name}': hãy kiểm tra lại mã",
                    old.old_code, unit.name
                ),
            )));
        }
    }
    Ok(Ok(unit))
}

async fn end_unit(tx: &mut Transaction<'_, Any>, id: i64, day: &str, basis: Option<&str>) -> Result<(), StoreError> {
    sqlx::query("UPDATE admin_unit SET valid_to = $2, ended_by = $3 WHERE id = $1")
        .bind(id)
        .bind(day)
        .bind(basis)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Creates the new unit of a merge, with the boundary imported for it in advance if any.
async fn create_unit(
    tx: &mut Transaction<'_, Any>,
    merge: &Merge,
    level: Level,
    parent_id: Option<i64>,
) -> Result<i64, StoreError> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO admin_unit (parent_id, level, code, name, unit_type, valid_from, established_by,
                                 boundary, min_lon, min_lat, max_lon, max_lat)
         SELECT $1, $2, $3, $4, $5, $6, $7, p.boundary, p.min_lon, p.min_lat, p.max_lon, p.max_lat
         FROM (SELECT 1 AS one) AS this
         LEFT JOIN admin_unit_pending_boundary p ON p.code = $3 AND p.valid_from = $6
         RETURNING id",
    )
    .bind(parent_id)
    .bind(level.as_str())
    .bind(&merge.new_code)
    .bind(&merge.new_name)
    .bind(unit_type_from_name(&merge.new_name))
    .bind(&merge.effective)
    .bind(merge.legal_basis.as_deref())
    .fetch_one(&mut **tx)
    .await?;
    sqlx::query("DELETE FROM admin_unit_pending_boundary WHERE code = $1 AND valid_from = $2")
        .bind(&merge.new_code)
        .bind(&merge.effective)
        .execute(&mut **tx)
        .await?;
    Ok(id)
}

/// Moves the current units below `from` to `to` on `day`, remembering their parent until then.
/// Returns how many moved.
async fn move_children(tx: &mut Transaction<'_, Any>, from: i64, to: i64, day: &str) -> Result<usize, StoreError> {
    // The period under `from` began when the unit last moved, or when it began.
    sqlx::query(
        "INSERT INTO admin_unit_former_parent (unit_id, parent_id, valid_from, valid_to)
         SELECT c.id, c.parent_id, since.valid_from, $2
         FROM admin_unit c
         JOIN (SELECT u.id, COALESCE((SELECT MAX(f.valid_to) FROM admin_unit_former_parent f WHERE f.unit_id = u.id),
                                     u.valid_from) AS valid_from
               FROM admin_unit u WHERE u.parent_id = $1 AND u.valid_to IS NULL) AS since ON since.id = c.id
         WHERE since.valid_from < $2",
    )
    .bind(from)
    .bind(day)
    .execute(&mut **tx)
    .await?;
    let moved = sqlx::query("UPDATE admin_unit SET parent_id = $2 WHERE parent_id = $1 AND valid_to IS NULL")
        .bind(from)
        .bind(to)
        .execute(&mut **tx)
        .await?;
    Ok(usize::try_from(moved.rows_affected()).unwrap_or(usize::MAX))
}

/// Dissolves a district: it ends, its current communes belong to its parent, and accounts
/// scoped to it are scoped to those communes (the area they saw, no more).
pub(super) async fn dissolve(
    tx: &mut Transaction<'_, Any>,
    line: &Line,
    outcome: &mut ReorganisationOutcome,
    changes: &mut ChangeLog,
) -> Result<Result<(), RowProblem>, StoreError> {
    if let Some(ended) = unit_ended_on(tx, &line.old_code, &line.effective).await? {
        if ended.successor_id.is_none() {
            outcome.already_applied += 1;
            return Ok(Ok(()));
        }
    }
    let unit = match check_old_unit(tx, line).await? {
        Ok(unit) => unit,
        Err(problem) => return Ok(Err(problem)),
    };
    if unit.level()? != Level::District {
        return Ok(Err(problem_at(
            line.line,
            format!(
                "{} is a {}: only a district is dissolved (its communes then belong to its province); a {} merges \
                 into another unit: give its new_code",
                unit.code, unit.level, unit.level
            ),
            format!(
                "{} là cấp {}: chỉ cấp huyện được giải thể (các xã khi đó thuộc tỉnh); cấp {} phải hợp nhất vào \
                 một đơn vị khác: hãy ghi new_code",
                unit.code, unit.level, unit.level
            ),
        )));
    }
    let Some(parent_id) = unit.parent_id else {
        return Ok(Err(problem_at(
            line.line,
            format!("{} belongs to no province, so its communes would belong to nothing", unit.code),
            format!("{} không thuộc tỉnh nào, nên các xã của nó sẽ không thuộc đơn vị nào", unit.code),
        )));
    };
    let children: Vec<(i64,)> = sqlx::query_as("SELECT id FROM admin_unit WHERE parent_id = $1 AND valid_to IS NULL")
        .bind(unit.id)
        .fetch_all(&mut **tx)
        .await?;
    let children: Vec<i64> = children.into_iter().map(|(id,)| id).collect();
    end_unit(tx, unit.id, &line.effective, line.legal_basis.as_deref()).await?;
    outcome.ended += 1;
    outcome.moved += move_children(tx, unit.id, parent_id, &line.effective).await?;
    outcome.accounts_rescoped += rescope(tx, &[unit.id], &children, changes).await?;
    changes.dissolved.push(serde_json::json!({
        "code": unit.code, "name": unit.name, "valid_to": line.effective, "legal_basis": line.legal_basis,
    }));
    Ok(Ok(()))
}

/// Scopes every account scoped to one of `from` to all of `to` instead, recording each account's
/// change. Returns how many accounts changed.
async fn rescope(
    tx: &mut Transaction<'_, Any>,
    from: &[i64],
    to: &[i64],
    changes: &mut ChangeLog,
) -> Result<usize, StoreError> {
    let mut rescoped = 0;
    for &old in from {
        let users: Vec<(i64,)> = sqlx::query_as("SELECT user_id FROM user_scope WHERE admin_unit_id = $1")
            .bind(old)
            .fetch_all(&mut **tx)
            .await?;
        for (user_id,) in users {
            let before = scope_codes(tx, user_id).await?;
            sqlx::query("DELETE FROM user_scope WHERE user_id = $1 AND admin_unit_id = $2")
                .bind(user_id)
                .bind(old)
                .execute(&mut **tx)
                .await?;
            for &new in to {
                sqlx::query(
                    "INSERT INTO user_scope (user_id, admin_unit_id)
                     SELECT $1, $2 WHERE NOT EXISTS
                         (SELECT 1 FROM user_scope WHERE user_id = $1 AND admin_unit_id = $2)",
                )
                .bind(user_id)
                .bind(new)
                .execute(&mut **tx)
                .await?;
            }
            let after = scope_codes(tx, user_id).await?;
            changes.accounts.push((user_id, before, after));
            rescoped += 1;
        }
    }
    Ok(rescoped)
}

async fn scope_codes(tx: &mut Transaction<'_, Any>, user_id: i64) -> Result<Vec<String>, StoreError> {
    let rows: Vec<(String,)> = sqlx::query_as(
        "SELECT u.code FROM user_scope s JOIN admin_unit u ON u.id = s.admin_unit_id
         WHERE s.user_id = $1 ORDER BY u.code",
    )
    .bind(user_id)
    .fetch_all(&mut **tx)
    .await?;
    Ok(rows.into_iter().map(|(code,)| code).collect())
}

/// What the audit log keeps of a reorganisation: one entry for the change, one per account whose
/// scope it changed (so the account's own history says why).
#[derive(Default)]
pub(super) struct ChangeLog {
    merged: Vec<serde_json::Value>,
    dissolved: Vec<serde_json::Value>,
    accounts: Vec<(i64, Vec<String>, Vec<String>)>,
}

impl ChangeLog {
    pub(super) async fn record(
        &self,
        tx: &mut Transaction<'_, Any>,
        actor: Actor<'_>,
        outcome: &ReorganisationOutcome,
    ) -> Result<(), StoreError> {
        let after = serde_json::json!({
            "merged": self.merged,
            "dissolved": self.dissolved,
            "ended": outcome.ended,
            "created": outcome.created,
            "moved": outcome.moved,
        });
        let change = audit::Change {
            action: "reorganise",
            entity_type: "admin_unit",
            entity_id: "*",
            before: None,
            after: Some(&after),
        };
        audit::record(&mut **tx, actor, &change).await?;
        for (user_id, before, after) in &self.accounts {
            let entity_id = user_id.to_string();
            let before = serde_json::json!({ "scope": before });
            let after = serde_json::json!({ "scope": after, "reason": "reorganisation" });
            let change = audit::Change {
                action: "rescope",
                entity_type: "app_user",
                entity_id: &entity_id,
                before: Some(&before),
                after: Some(&after),
            };
            audit::record(&mut **tx, actor, &change).await?;
        }
        Ok(())
    }
}
