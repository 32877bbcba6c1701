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

use super::admin_units::{unit_type_from_name, Level};
use super::audit::{self, Actor};
use super::imports::{self, RowProblem};
use super::tabular::{normalise_key, Column, Spec, Values};
use super::{Db, StoreError};
use model::{said, Said};
use serde::{Deserialize, Serialize};
use sqlx::{Any, Transaction};
use std::collections::{BTreeMap, HashMap};

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

/// One line of the file as read.
#[derive(Debug, Deserialize)]
struct FileRow {
    old_code: String,
    old_name: Option<String>,
    new_code: Option<String>,
    new_name: Option<String>,
    effective_date: String,
    legal_basis: Option<String>,
    new_parent_code: Option<String>,
}

/// One line that passed its own checks.
#[derive(Clone, Debug, PartialEq)]
struct Line {
    line: u64,
    old_code: String,
    old_name: Option<String>,
    /// `None`: the old unit is dissolved, not merged.
    new_code: Option<String>,
    new_name: Option<String>,
    /// `YYYY-MM-DD`.
    effective: String,
    legal_basis: Option<String>,
    new_parent_code: Option<String>,
}

/// Old units that become one new unit.
#[derive(Clone, Debug, PartialEq)]
struct Merge {
    new_code: String,
    new_name: String,
    effective: String,
    legal_basis: Option<String>,
    new_parent_code: Option<String>,
    /// The lines naming the old units, in file order.
    olds: Vec<Line>,
}

/// What a file asks for, checked line by line and across lines.
#[derive(Debug, Default)]
struct Plan {
    merges: Vec<Merge>,
    dissolutions: Vec<Line>,
    ignored_columns: Vec<String>,
    rows: usize,
}

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
        merges.push((level.map_or(usize::MAX, Level::rank), merge));
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

/// Reads the file and checks each line and the lines together (no database).
fn read_plan(file: &[u8], today: &str) -> Result<Plan, Vec<RowProblem>> {
    let checked = imports::read_and_check(file, &FILE_SPEC, |line, row: &FileRow| check_line(line, row, today))?;
    let rows = checked.rows.len();
    let mut plan = group(checked.rows)?;
    plan.ignored_columns = checked.ignored_columns;
    plan.rows = rows;
    Ok(plan)
}

const MAX_CODE_CHARS: usize = 40;
const MAX_NAME_CHARS: usize = 200;
const MAX_BASIS_CHARS: usize = 300;

fn check_line(line: u64, row: &FileRow, today: &str) -> Result<Line, Vec<Said>> {
    let mut problems = Vec::new();
    let mut keep = |result: Result<Option<String>, Said>| result.map_err(|said| problems.push(said)).ok().flatten();
    let old_code = keep(super::text::required("old_code", &row.old_code, MAX_CODE_CHARS).map(Some));
    let old_name = keep(super::text::optional("old_name", row.old_name.as_deref(), MAX_NAME_CHARS));
    let new_code = keep(super::text::optional("new_code", row.new_code.as_deref(), MAX_CODE_CHARS));
    let new_name = keep(super::text::optional("new_name", row.new_name.as_deref(), MAX_NAME_CHARS));
    let legal_basis = keep(super::text::optional("legal_basis", row.legal_basis.as_deref(), MAX_BASIS_CHARS));
    let new_parent_code =
        keep(super::text::optional("new_parent_code", row.new_parent_code.as_deref(), MAX_CODE_CHARS));
    // The table reader has made every date `YYYY-MM-DD` or a timestamp; a change takes effect
    // on a day.
    let effective = (row.effective_date.len() == 10).then(|| row.effective_date.clone());
    match &effective {
        None => problems.push(said(
            format!("effective_date: '{}' is not a day like 2025-07-01", row.effective_date),
            format!("effective_date: '{}' không phải một ngày như 01/07/2025", row.effective_date),
        )),
        Some(date) if date.as_str() > today => problems.push(said(
            format!(
                "effective_date: {date} is in the future; import the reorganisation on or after the day it \
                 takes effect (until then the units of today stay current)"
            ),
            format!(
                "effective_date: {date} là ngày trong tương lai; hãy nhập việc sắp xếp từ ngày nó có hiệu lực \
                 (trước đó các đơn vị hiện nay vẫn còn hiệu lực)"
            ),
        )),
        Some(_) => {}
    }
    match (&new_code, &new_name) {
        (Some(_), None) => problems.push(said(
            "new_name: the name of the new unit is required (e.g. Xã Kim Tân)",
            "new_name: cần tên của đơn vị mới (ví dụ Xã Kim Tân)",
        )),
        (None, Some(_)) => problems.push(said(
            "new_code: a new name without a new code; leave both empty to dissolve the old unit",
            "new_code: có tên mới mà không có mã mới; để trống cả hai nếu đơn vị cũ bị giải thể",
        )),
        _ => {}
    }
    match (old_code, effective) {
        (Some(old_code), Some(effective)) if problems.is_empty() => {
            Ok(Line { line, old_code, old_name, new_code, new_name, effective, legal_basis, new_parent_code })
        }
        _ => Err(problems),
    }
}

/// Groups the lines into merges and dissolutions, refusing splits, repeated old codes, a new unit
/// described two ways and chains within one file.
fn group(lines: Vec<Line>) -> Result<Plan, Vec<RowProblem>> {
    let mut problems = Vec::new();
    let mut first_line_of_old: HashMap<String, &Line> = HashMap::new();
    for line in &lines {
        match first_line_of_old.get(&line.old_code) {
            None => {
                first_line_of_old.insert(line.old_code.clone(), line);
            }
            Some(first) if first.new_code == line.new_code => problems.push(RowProblem::at_line(
                line.line,
                said(
                    format!("old_code {} repeats line {}", line.old_code, first.line),
                    format!("old_code {} lặp lại dòng {}", line.old_code, first.line),
                ),
            )),
            Some(first) => problems.push(RowProblem::at_line(line.line, split_refused(&line.old_code, first.line))),
        }
    }
    let mut merges: BTreeMap<&str, Merge> = BTreeMap::new();
    let mut dissolutions = Vec::new();
    for line in &lines {
        let Some(new_code) = line.new_code.as_deref() else {
            dissolutions.push(line.clone());
            continue;
        };
        let merge = merges.entry(new_code).or_insert_with(|| Merge {
            new_code: new_code.to_owned(),
            new_name: line.new_name.clone().unwrap_or_default(),
            effective: line.effective.clone(),
            legal_basis: line.legal_basis.clone(),
            new_parent_code: line.new_parent_code.clone(),
            olds: Vec::new(),
        });
        let first = merge.olds.first().map_or(line.line, |first| first.line);
        let differs = |what: &str, what_vi: &str| {
            RowProblem::at_line(
                line.line,
                said(
                    format!("{what} of new unit {new_code} differs from line {first}; one new unit has one {what}"),
                    format!("{what_vi} của đơn vị mới {new_code} khác với dòng {first}; mỗi đơn vị mới chỉ có một {what_vi}"),
                ),
            )
        };
        if line.new_name.as_deref() != Some(merge.new_name.as_str()) {
            problems.push(differs("new_name", "tên mới"));
        }
        if line.effective != merge.effective {
            problems.push(differs("effective_date", "ngày hiệu lực"));
        }
        if line.new_parent_code != merge.new_parent_code {
            problems.push(differs("new_parent_code", "mã cấp trên mới"));
        }
        merge.olds.push(line.clone());
    }
    for merge in merges.values() {
        let ended_elsewhere = lines
            .iter()
            .find(|line| line.old_code == merge.new_code && line.new_code.as_deref() != Some(merge.new_code.as_str()));
        if let Some(line) = ended_elsewhere {
            problems.push(RowProblem::at_line(
                line.line,
                said(
                    format!(
                        "{} is ended on this line and is the new unit of line {}: one file cannot chain two changes; \
                         import them as two files, in order",
                        merge.new_code, merge.olds[0].line
                    ),
                    format!(
                        "{} vừa bị chấm dứt ở dòng này vừa là đơn vị mới ở dòng {}: một tệp không thể nối hai lần \
                         thay đổi; hãy nhập thành hai tệp, theo thứ tự",
                        merge.new_code, merge.olds[0].line
                    ),
                ),
            ));
        }
    }
    if problems.is_empty() {
        Ok(Plan { merges: merges.into_values().collect(), dissolutions, ..Plan::default() })
    } else {
        problems.sort_by_key(|problem| problem.line);
        Err(problems)
    }
}

/// Why a split is refused, and what it would need.
fn split_refused(old_code: &str, first_line: u64) -> Said {
    said(
        format!(
            "old_code {old_code} also goes to another new unit on line {first_line}: that is a split, which this \
             import does not do. A split needs to say which villages go to which new unit; merge the whole unit \
             into one of them here, then move the villages of the other part to its unit"
        ),
        format!(
            "old_code {old_code} còn được chuyển vào một đơn vị mới khác ở dòng {first_line}: đó là chia tách, \
             việc nhập này chưa làm được. Chia tách cần biết thôn nào về đơn vị mới nào; hãy nhập cả đơn vị vào \
             một đơn vị mới ở đây, rồi chuyển các thôn của phần còn lại sang đơn vị của chúng"
        ),
    )
}

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
        super::parse_stored("admin_unit.level", &self.level)
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
async fn level_of_olds(tx: &mut Transaction<'_, Any>, merge: &Merge) -> Result<Option<Level>, StoreError> {
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
async fn apply_merge(
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
async fn dissolve(
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
struct ChangeLog {
    merged: Vec<serde_json::Value>,
    dissolved: Vec<serde_json::Value>,
    accounts: Vec<(i64, Vec<String>, Vec<String>)>,
}

impl ChangeLog {
    async fn record(
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

#[cfg(test)]
mod tests {
    use super::*;

    const TODAY: &str = "2026-12-01";

    fn plan(text: &str) -> Result<Plan, Vec<RowProblem>> {
        read_plan(text.as_bytes(), TODAY)
    }

    #[test]
    fn merges_are_grouped_by_new_code() {
        let plan = plan(
            "old_code,old_name,new_code,new_name,effective_date,legal_basis\n\
             15187,Thị trấn Kim Tân,15187,Xã Kim Tân,2025-07-01,1686/NQ-UBTVQH15\n\
             15214,Xã Thạch Định,15187,Xã Kim Tân,01/07/2025,1686/NQ-UBTVQH15\n\
             15190,Thị trấn Vân Du,15190,Xã Vân Du,2025-07-01,1686/NQ-UBTVQH15\n\
             391,Huyện Thạch Thành,,,2025-07-01,\n",
        )
        .expect("a good file");
        assert_eq!(plan.rows, 4);
        assert_eq!(plan.merges.len(), 2);
        assert_eq!(plan.merges[0].new_code, "15187");
        assert_eq!(plan.merges[0].olds.len(), 2);
        assert_eq!(plan.merges[0].effective, "2025-07-01", "day-first dates are read");
        assert_eq!(plan.dissolutions.len(), 1);
    }

    #[test]
    fn a_split_is_refused_with_what_it_would_need() {
        let problems = plan(
            "old_code,new_code,new_name,effective_date\n\
             1,10,Xã A,2025-07-01\n\
             1,11,Xã B,2025-07-01\n",
        )
        .expect_err("a split");
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].line, Some(3));
        assert!(problems[0].message.contains("split"), "{}", problems[0].message);
        assert!(problems[0].message_vi.contains("chia tách"), "{}", problems[0].message_vi);
    }

    #[test]
    fn one_new_unit_is_described_one_way_and_dates_are_not_in_the_future() {
        let problems = plan(
            "old_code,new_code,new_name,effective_date\n\
             1,10,Xã A,2025-07-01\n\
             2,10,Xã Á,2025-07-01\n",
        )
        .expect_err("two names for one unit");
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(problems[0].line, Some(3));
        assert!(problems[0].message.contains("new_name of new unit 10 differs from line 2"), "{problems:?}");
        let problems = plan(
            "old_code,new_code,new_name,effective_date\n\
             3,11,Xã B,2099-01-01\n\
             4,12,,2025-07-01\n",
        )
        .expect_err("refused");
        let lines: Vec<Option<u64>> = problems.iter().map(|problem| problem.line).collect();
        assert_eq!(lines, vec![Some(2), Some(3)], "{problems:?}");
        assert!(problems[0].message.contains("future"));
        assert!(problems[1].message.contains("new_name"));
    }

    #[test]
    fn a_chain_within_one_file_is_refused() {
        let problems = plan(
            "old_code,new_code,new_name,effective_date\n\
             1,2,Xã B,2025-07-01\n\
             2,3,Xã C,2025-07-01\n",
        )
        .expect_err("a chain");
        assert!(problems.iter().any(|problem| problem.message.contains("chain")), "{problems:?}");
    }

    #[test]
    fn vietnamese_headers_are_read() {
        let plan = plan(
            "Mã cũ;Tên cũ;Mã mới;Tên mới;Ngày hiệu lực;Căn cứ\n\
             15241;Xã Thành Trực;15187;Xã Kim Tân;01/07/2025;1686/NQ-UBTVQH15\n",
        )
        .expect("read");
        assert_eq!(plan.merges[0].olds[0].old_code, "15241");
    }
}
