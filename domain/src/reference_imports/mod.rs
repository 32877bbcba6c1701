//! Loading a place's reference data from the tables its offices keep: villages, cultural houses,
//! households and accounts. One function per kind ([`import`]) serves the REST API, the command
//! line and the setup page alike.
//!
//! Every import reads its file with [`crate::tabular`] (XLSX, ODS, CSV or UTF-16 text, any
//! separator, Vietnamese or English headers), checks every line, then applies the lines in one
//! transaction: all or nothing, every problem listed by line in both languages. A dry run does
//! the same and rolls back, so its counts are those of a real import. Importing the same file
//! again changes nothing: villages and cultural houses are found again by code (made from the
//! commune's or village's code and the name when the file gives none), households by village and
//! label, accounts by username. Admins (and the command line) import anywhere; a commune officer
//! only within their communes, and only team-member accounts. Each import is one audit entry.

mod accounts;
mod checklist;
mod households;
mod houses;
mod villages;

pub use checklist::checklist;

use crate::access::{self, Principal};
use crate::admin_units::Level;
use crate::audit::{self, Actor};
use crate::imports::{self, rejected_file, RowProblem};
use crate::params::Params;
use crate::tabular::Spec;
use crate::{Db, StoreError};
use model::{said, Capability, Role, Said};
use serde::de::DeserializeOwned;
use serde::Serialize;
use sqlx::{Any, Transaction};
use std::collections::{HashMap, HashSet};
use std::str::FromStr;

/// The kinds of reference data a place loads, in the order a new place loads them.
#[derive(utoipa::ToSchema, Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ReferenceKind {
    Villages,
    CulturalHouses,
    Households,
    Accounts,
}

impl ReferenceKind {
    pub const ALL: [ReferenceKind; 4] =
        [ReferenceKind::Villages, ReferenceKind::CulturalHouses, ReferenceKind::Households, ReferenceKind::Accounts];

    /// The name in URLs and on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            ReferenceKind::Villages => "villages",
            ReferenceKind::CulturalHouses => "cultural-houses",
            ReferenceKind::Households => "households",
            ReferenceKind::Accounts => "accounts",
        }
    }

    /// The columns of the kind's file.
    pub fn spec(self) -> &'static Spec {
        match self {
            ReferenceKind::Villages => &villages::SPEC,
            ReferenceKind::CulturalHouses => &houses::SPEC,
            ReferenceKind::Households => &households::SPEC,
            ReferenceKind::Accounts => &accounts::SPEC,
        }
    }

    /// The template of the kind's file: each column's header as offices write it (with the key
    /// in parentheses, which the import also reads) and one example line.
    pub fn template(self) -> Vec<(String, &'static str)> {
        let example = match self {
            ReferenceKind::Villages => villages::EXAMPLE,
            ReferenceKind::CulturalHouses => houses::EXAMPLE,
            ReferenceKind::Households => households::EXAMPLE,
            ReferenceKind::Accounts => accounts::EXAMPLE,
        };
        (self.spec().columns.iter().zip(example))
            .map(|(column, value)| {
                let header = column
                    .aliases
                    .first()
                    .map_or_else(|| column.key.to_owned(), |vietnamese| format!("{vietnamese} ({})", column.key));
                (header, *value)
            })
            .collect()
    }
}

impl FromStr for ReferenceKind {
    type Err = model::UnknownValue;

    fn from_str(value: &str) -> Result<Self, Self::Err> {
        ReferenceKind::ALL.into_iter().find(|kind| kind.as_str() == value).ok_or_else(|| model::UnknownValue {
            value: value.to_owned(),
            expected: "villages, cultural-houses, households, accounts",
        })
    }
}

/// What an import of reference data did (or, in a dry run, would do).
#[derive(utoipa::ToSchema, Clone, Debug, Default, PartialEq, Serialize)]
pub struct ReferenceOutcome {
    /// Data lines of the file.
    pub rows: usize,
    pub dry_run: bool,
    /// Records the file added.
    pub created: usize,
    /// Records it found and changed (a new name, flags, a position).
    pub updated: usize,
    /// Records it found as they already were: a file imported twice is all `unchanged`.
    pub unchanged: usize,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub ignored_columns: Vec<String>,
    /// Accounts the file created with the password made up for each, shown this once so the
    /// officer can print a sign-in sheet (empty in a dry run: nothing was created).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub sign_in_sheet: Vec<SignInLine>,
}

/// One line of a sign-in sheet: a new account and its first password.
#[derive(utoipa::ToSchema, Clone, Debug, PartialEq, Serialize)]
pub struct SignInLine {
    pub username: String,
    pub display_name: String,
    pub password: String,
}

/// Checks a file of `kind` and, unless `dry_run`, imports it, as `actor` (an account needs
/// [`Capability::ManagePlaces`] for places, [`Capability::ManageAccounts`] for accounts; the
/// command line acts everywhere).
pub async fn import(
    db: &Db,
    kind: ReferenceKind,
    file: &[u8],
    dry_run: bool,
    actor: Actor<'_>,
) -> Result<ReferenceOutcome, StoreError> {
    if let Actor::Principal(principal) = actor {
        let needed =
            if kind == ReferenceKind::Accounts { Capability::ManageAccounts } else { Capability::ManagePlaces };
        access::require(principal, needed)?;
    }
    match kind {
        ReferenceKind::Villages => run::<villages::Villages>(db, file, dry_run, actor).await,
        ReferenceKind::CulturalHouses => run::<houses::Houses>(db, file, dry_run, actor).await,
        ReferenceKind::Households => run::<households::Households>(db, file, dry_run, actor).await,
        ReferenceKind::Accounts => run::<accounts::Accounts>(db, file, dry_run, actor).await,
    }
}

/// What happened to one line's record.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Applied {
    Created,
    Updated,
    Unchanged,
}

/// One kind of reference data: how a line is read and checked on its own, and how it is applied
/// against the database within the import's transaction.
trait Kind {
    type Row: DeserializeOwned;
    type Item: Send + 'static;
    const SPEC: &'static Spec;
    /// `action` and `entity_type` of the import's audit entry.
    const AUDIT: (&'static str, &'static str);

    /// A line checked on its own (text lengths, codes, numbers), before any database work.
    fn check(row: &Self::Row) -> Result<Self::Item, Vec<Said>>;

    /// Work done on every checked item before the transaction opens (password hashing).
    async fn prepare(_db: &Db, _items: &mut [(u64, Self::Item)]) -> Result<(), StoreError> {
        Ok(())
    }

    /// Applies one item; a problem of the line (unknown village, out of scope) is `Ok(Err(..))`.
    async fn apply(
        tx: &mut Transaction<'static, Any>,
        context: &mut Context<'_>,
        item: &Self::Item,
    ) -> Result<Result<(Applied, String), Vec<Said>>, StoreError>;

    /// Whatever the import's answer shows of an applied item besides counts (a new password).
    fn sign_in_line(_item: &Self::Item, _applied: Applied) -> Option<SignInLine> {
        None
    }
}

/// Reads, checks and applies a file of kind `K`; see [`import`].
async fn run<K: Kind>(db: &Db, file: &[u8], dry_run: bool, actor: Actor<'_>) -> Result<ReferenceOutcome, StoreError> {
    let file = file.to_vec();
    let (checked, mut problems) =
        crate::off_the_runtime(move || imports::read_checking(&file, K::SPEC, |line, row| Ok((line, K::check(row)?))))
            .await?
            .map_err(rejected_file)?;
    let mut items = checked.rows;
    K::prepare(db, &mut items).await?;
    let mut outcome = ReferenceOutcome {
        rows: items.len() + problems.iter().filter_map(|problem| problem.line).collect::<HashSet<_>>().len(),
        dry_run,
        ignored_columns: checked.ignored_columns,
        ..ReferenceOutcome::default()
    };
    let mut tx = db.begin_write().await?;
    let mut context = Context::new(&mut tx, actor).await?;
    let mut changed = Vec::new();
    for (line, item) in &items {
        match K::apply(&mut tx, &mut context, item).await? {
            Err(said) => problems.extend(said.into_iter().map(|said| RowProblem::at_line(*line, said))),
            Ok((applied, key)) => {
                match applied {
                    Applied::Created => outcome.created += 1,
                    Applied::Updated => outcome.updated += 1,
                    Applied::Unchanged => outcome.unchanged += 1,
                }
                if applied != Applied::Unchanged {
                    changed.push(key);
                }
                outcome.sign_in_sheet.extend(K::sign_in_line(item, applied));
            }
        }
    }
    if !problems.is_empty() {
        tx.rollback().await?;
        problems.sort_by_key(|problem| problem.line);
        return Err(rejected_file(problems));
    }
    if !changed.is_empty() {
        record(&mut tx, actor, K::AUDIT, &outcome, &changed).await?;
    }
    if dry_run {
        tx.rollback().await?;
        outcome.sign_in_sheet.clear();
    } else {
        tx.commit().await?;
    }
    Ok(outcome)
}

/// Most keys of changed records one audit entry names; the rest are counted.
const AUDITED_KEYS: usize = 10_000;

/// The import's one audit entry: its counts and the keys (codes, ids, usernames) it changed.
async fn record(
    tx: &mut Transaction<'static, Any>,
    actor: Actor<'_>,
    (action, entity_type): (&str, &str),
    outcome: &ReferenceOutcome,
    changed: &[String],
) -> Result<(), StoreError> {
    let after = serde_json::json!({
        "rows": outcome.rows, "created": outcome.created, "updated": outcome.updated,
        "unchanged": outcome.unchanged,
        "changed": &changed[..changed.len().min(AUDITED_KEYS)],
        "changed_not_listed": changed.len().saturating_sub(AUDITED_KEYS),
    });
    let change = audit::Change { action, entity_type, entity_id: "*", before: None, after: Some(&after) };
    audit::record(&mut **tx, actor, &change).await
}

/// A current administrative unit as an import needs it.
#[derive(Clone, Debug)]
struct Unit {
    id: i64,
    level: Level,
    code: String,
    parent_id: Option<i64>,
    /// The centre of its boundary's box, where a house with no position yet stands.
    centre: Option<(f64, f64)>,
}

#[derive(sqlx::FromRow)]
struct UnitRow {
    id: i64,
    level: String,
    code: String,
    parent_id: Option<i64>,
    #[sqlx(flatten)]
    extent: Extent,
}

/// The stored box of a unit's boundary (absent without a boundary).
#[derive(sqlx::FromRow)]
struct Extent {
    min_lon: Option<f64>,
    min_lat: Option<f64>,
    max_lon: Option<f64>,
    max_lat: Option<f64>,
}

impl Extent {
    /// The centre of the box, (lon, lat).
    fn centre(&self) -> Option<(f64, f64)> {
        match (self.min_lon, self.min_lat, self.max_lon, self.max_lat) {
            (Some(west), Some(south), Some(east), Some(north)) => Some(((west + east) / 2.0, (south + north) / 2.0)),
            _ => None,
        }
    }

    /// The centre of the unit `id`'s box, if it has a boundary.
    async fn centre_of(tx: &mut Transaction<'static, Any>, id: i64) -> Result<Option<(f64, f64)>, StoreError> {
        let extent: Option<Extent> =
            sqlx::query_as("SELECT min_lon, min_lat, max_lon, max_lat FROM admin_unit WHERE id = $1")
                .bind(id)
                .fetch_optional(&mut **tx)
                .await?;
        Ok(extent.and_then(|extent| extent.centre()))
    }
}

/// Who imports and where: the units within reach, and units looked up so far.
struct Context<'a> {
    actor: Actor<'a>,
    /// `None`: everywhere (admins, the command line).
    reach: Option<HashSet<i64>>,
    units: HashMap<String, Option<Unit>>,
    /// The keys of the records the file named so far.
    seen: HashSet<String>,
    /// The households of the villages met so far, by label.
    households: HashMap<i64, HashMap<String, households::Stored>>,
}

impl<'a> Context<'a> {
    async fn new(tx: &mut Transaction<'static, Any>, actor: Actor<'a>) -> Result<Context<'a>, StoreError> {
        let reach = match actor {
            Actor::Principal(principal) if principal.role != Role::Admin => Some(scope_ids(tx, principal).await?),
            _ => None,
        };
        Ok(Context { actor, reach, units: HashMap::new(), seen: HashSet::new(), households: HashMap::new() })
    }

    /// The principal importing, if not the command line.
    fn principal(&self) -> Option<&'a Principal> {
        match self.actor {
            Actor::Principal(principal) => Some(principal),
            Actor::CommandLine => None,
        }
    }

    /// Whether the file names this record for the first time; otherwise the line's problem.
    fn first_time(&mut self, what: &str, key: &str) -> Result<(), Vec<Said>> {
        if self.seen.insert(key.to_owned()) {
            Ok(())
        } else {
            Err(vec![named_twice(what, key)])
        }
    }

    fn reaches(&self, unit_id: i64) -> bool {
        self.reach.as_ref().is_none_or(|reach| reach.contains(&unit_id))
    }

    /// The current unit of this code, if any.
    async fn unit(&mut self, tx: &mut Transaction<'static, Any>, code: &str) -> Result<Option<Unit>, StoreError> {
        if let Some(known) = self.units.get(code) {
            return Ok(known.clone());
        }
        let row: Option<UnitRow> = sqlx::query_as(
            "SELECT id, level, code, parent_id, min_lon, min_lat, max_lon, max_lat
             FROM admin_unit WHERE code = $1 AND valid_to IS NULL",
        )
        .bind(code)
        .fetch_optional(&mut **tx)
        .await?;
        let unit = match row {
            None => None,
            Some(row) => Some(Unit {
                level: crate::parse_stored("admin_unit.level", &row.level)?,
                centre: row.extent.centre(),
                id: row.id,
                code: row.code,
                parent_id: row.parent_id,
            }),
        };
        self.units.insert(code.to_owned(), unit.clone());
        Ok(unit)
    }

    /// Forgets a code's unit, once the import has created or changed it.
    fn forget(&mut self, code: &str) {
        self.units.remove(code);
    }

    /// The current unit of `code` at `level`, within reach; or the line's problem, naming `field`.
    async fn unit_in_reach(
        &mut self,
        tx: &mut Transaction<'static, Any>,
        field: &str,
        code: &str,
        level: Level,
    ) -> Result<Result<Unit, Said>, StoreError> {
        let unit = match self.unit(tx, code).await? {
            Some(unit) if unit.level == level => unit,
            _ => {
                let level_vi = level_vi(level);
                return Ok(Err(said(
                    format!("{field}: no current {level} has code '{code}'"),
                    format!("{field}: không có {level_vi} nào đang có hiệu lực mang mã '{code}'"),
                )));
            }
        };
        if !self.reaches(unit.id) {
            return Ok(Err(said(
                format!("{field}: '{code}' is outside your scope"),
                format!("{field}: '{code}' ngoài phạm vi của bạn"),
            )));
        }
        Ok(Ok(unit))
    }
}

/// The level as a Vietnamese message names it.
fn level_vi(level: Level) -> &'static str {
    match level {
        Level::Country => "quốc gia",
        Level::Province => "tỉnh",
        Level::District => "huyện",
        Level::Commune => "xã/phường",
        Level::Village => "thôn/bản/tổ dân phố",
    }
}

/// The ids of every unit in a principal's scope (and all below).
async fn scope_ids(tx: &mut Transaction<'static, Any>, principal: &Principal) -> Result<HashSet<i64>, StoreError> {
    let mut params = Params::new();
    let scope = params.scope_of(principal);
    let sql = format!("WITH RECURSIVE {} SELECT id FROM scope_units", scope.cte);
    let rows: Vec<(i64,)> = params.query_as(&sql)?.fetch_all(&mut **tx).await?;
    Ok(rows.into_iter().map(|(id,)| id).collect())
}

/// Longest code a file may give a village or a house.
const MAX_CODE_CHARS: usize = 40;

/// The code a line gives (checked: letters, digits, '-', '_', '.'), or one made of the parent's
/// code and the name, the same each time the same list is imported.
fn code_or_made(field: &str, given: Option<&str>, parent_code: &str, name: &str) -> Result<String, Said> {
    match given.map(str::trim).filter(|code| !code.is_empty()) {
        Some(code) => {
            let fine = code.chars().count() <= MAX_CODE_CHARS
                && code.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
            if fine {
                Ok(code.to_owned())
            } else {
                Err(said(
                    format!("{field}: at most {MAX_CODE_CHARS} characters among letters a-z, digits, '-', '_' and '.'"),
                    format!("{field}: tối đa {MAX_CODE_CHARS} ký tự gồm chữ a-z không dấu, chữ số, '-', '_' và '.'"),
                ))
            }
        }
        None => Ok(format!("{}-{}", parent_code.trim(), crate::tabular::slug(name))),
    }
}

/// A required code cell, trimmed.
fn required_code(field: &str, value: &str) -> Result<String, Said> {
    crate::text::required(field, value, MAX_CODE_CHARS)
}

/// A position given as both lat and lon (or neither), each within its range.
fn position(lat: Option<f64>, lon: Option<f64>) -> Result<Option<(f64, f64)>, Said> {
    match (lat, lon) {
        (None, None) => Ok(None),
        (Some(lat), Some(lon)) if (-90.0..=90.0).contains(&lat) && (-180.0..=180.0).contains(&lon) => {
            Ok(Some((lon, lat)))
        }
        (Some(_), Some(_)) => Err(said(
            "lat/lon: latitude from -90 to 90 and longitude from -180 to 180 (decimal degrees)",
            "vĩ độ/kinh độ: vĩ độ từ -90 đến 90, kinh độ từ -180 đến 180 (độ thập phân)",
        )),
        _ => Err(said("lat/lon: give both or neither", "vĩ độ/kinh độ: ghi cả hai hoặc bỏ trống cả hai")),
    }
}

/// A second line about a record the file already named.
fn named_twice(what: &str, key: &str) -> Said {
    said(
        format!("{what} '{key}' is on an earlier line too; one line each"),
        format!("{what} '{key}' đã có ở một dòng trước; mỗi bản ghi một dòng"),
    )
}
