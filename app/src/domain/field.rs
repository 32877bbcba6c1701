//! Households and door-to-door visits, and the sync of records made on phones.
//!
//! A phone may send the same record many times (a lost answer, a reload, a server restart in the
//! middle of a batch). Every record carries the phone's UUID, unique in its table: storing it is
//! `INSERT … ON CONFLICT (client_uuid) DO NOTHING`, so a second copy — even one racing the first
//! on another connection — is recognised as "already stored" and never duplicates the first.
//! A batch is one transaction, so it pays for one commit (one disk flush) instead of one per
//! record, and one bad record never holds back the others: a household or visit is checked
//! completely (fields, scope, household) before its first write, so a rejection leaves nothing
//! behind, and a handover, which moves several rows, runs in its own savepoint. A database error
//! fails the whole batch: nothing is acknowledged and the phone sends it again.

use super::access::{self, Principal};
use super::csv_import::{said, Said};
use super::StoreError;
pub use crate::field_records::{HouseholdEntry, VillageProgress};
use crate::field_records::{
    HouseholdRecord, Skill, SyncOutcome, SyncRecord, SyncResult, VillageMeasurement, VisitRecord,
};
use crate::model::Role;
use sqlx::{Any, Executor};

/// Most records one sync request may carry; a phone with more sends several batches.
pub const MAX_BATCH: usize = 500;
/// Longest household label and visit note, in characters.
const MAX_LABEL_CHARS: usize = 200;
const MAX_NOTE_CHARS: usize = 2000;
/// Earliest plausible visit: the plan dates from May 2025. A phone with a wrong clock is told so.
const EARLIEST_VISIT: &str = "2025-01-01T00:00:00Z";

/// Roles that record households and visits.
pub const RECORDERS: [Role; 3] = Role::RECORDERS;

/// Stores a batch: households first (visits in the same batch may point at them), then visits,
/// then device handovers (which may name a visit), in one transaction. Answers one result per
/// record, in the request's order; nothing is stored unless the whole answer is (a phone that gets
/// no answer resends the batch).
/// Records that are not even well-formed JSON records are rejected one by one, not the batch.
pub async fn sync(
    db: &super::Db,
    principal: &Principal,
    records: Vec<serde_json::Value>,
) -> Result<Vec<SyncResult>, StoreError> {
    if !RECORDERS.contains(&principal.role) {
        return Err(StoreError::Denied(access::Denied::Role));
    }
    let mut results: Vec<Option<SyncResult>> = vec![None; records.len()];
    let mut households = Vec::new();
    let mut visits = Vec::new();
    let mut handovers = Vec::new();
    for (index, value) in records.into_iter().enumerate() {
        let uuid = value.get("uuid").and_then(|uuid| uuid.as_str()).unwrap_or_default().to_owned();
        match parse_record(value) {
            Ok(SyncRecord::Household(record)) => households.push((index, record)),
            Ok(SyncRecord::Visit(record)) => visits.push((index, record)),
            Ok(SyncRecord::Handover(record)) => handovers.push((index, record)),
            Err(error) => {
                results[index] = Some(rejected(
                    uuid,
                    said(format!("not a record: {error}"), format!("bản ghi không đúng dạng: {error}")),
                ))
            }
        }
    }
    let mut batch = db.begin_write().await?;
    let mut context = BatchContext::default();
    for (index, record) in households {
        results[index] = Some(store_household(&mut batch, &mut context, principal, record).await?);
    }
    for (index, record) in visits {
        results[index] = Some(store_visit(&mut batch, &mut context, principal, record).await?);
    }
    for (index, record) in handovers {
        results[index] = Some(super::donations::store_handover(&mut batch, &mut context, principal, record).await?);
    }
    super::audit::record_all(&mut batch, super::audit::Actor::Principal(principal), &context.audit).await?;
    batch.commit().await?;
    Ok(results.into_iter().flatten().collect())
}

/// Reads one record of a batch, naming the field at fault (`skills[0]: unknown variant …`): the
/// `kind` picks the shape, which is then read with its path tracked.
fn parse_record(value: serde_json::Value) -> Result<SyncRecord, String> {
    let serde_json::Value::Object(mut fields) = value else {
        return Err("expected an object with a kind".to_owned());
    };
    let kind = fields.remove("kind");
    let rest = serde_json::Value::Object(fields);
    let at_path = |error: serde_path_to_error::Error<serde_json::Error>| format!("{}: {}", error.path(), error.inner());
    match kind.as_ref().and_then(|kind| kind.as_str()) {
        Some("household") => serde_path_to_error::deserialize(rest).map(SyncRecord::Household).map_err(at_path),
        Some("visit") => serde_path_to_error::deserialize(rest).map(SyncRecord::Visit).map_err(at_path),
        Some("handover") => serde_path_to_error::deserialize(rest).map(SyncRecord::Handover).map_err(at_path),
        _ => Err("kind: expected household, visit or handover".to_owned()),
    }
}

pub(super) fn rejected(uuid: String, reason: Said) -> SyncResult {
    SyncResult {
        uuid,
        outcome: SyncOutcome::Rejected,
        id: None,
        reason: Some(reason.en),
        reason_vi: Some(reason.vi),
        outside_area: false,
    }
}

pub(super) fn stored(uuid: String, outcome: SyncOutcome, id: i64, outside_area: bool) -> SyncResult {
    SyncResult { uuid, outcome, id: Some(id), reason: None, reason_vi: None, outside_area }
}

/// A client UUID: 36 characters of the canonical form (any version); phones make them with
/// `crypto.randomUUID()`.
pub(super) fn check_uuid(uuid: &str) -> Result<(), Said> {
    let canonical = uuid.len() == 36
        && uuid.char_indices().all(|(index, c)| match index {
            8 | 13 | 18 | 23 => c == '-',
            _ => c.is_ascii_hexdigit(),
        });
    if canonical {
        Ok(())
    } else {
        Err(said(format!("uuid: '{uuid}' is not a UUID"), format!("uuid: '{uuid}' không phải là UUID")))
    }
}

/// A position given whole (both or neither coordinate), in range, with a sane accuracy.
pub(super) fn check_position(lon: Option<f64>, lat: Option<f64>, accuracy_m: Option<f64>) -> Result<(), Said> {
    match (lon, lat) {
        (None, None) => {}
        (Some(lon), Some(lat))
            if lon.is_finite()
                && lat.is_finite()
                && (-180.0..=180.0).contains(&lon)
                && (-90.0..=90.0).contains(&lat) => {}
        _ => {
            return Err(said(
                "lon, lat: give both, as degrees within -180..180 and -90..90",
                "lon, lat: cần cả kinh độ và vĩ độ, trong khoảng -180..180 và -90..90",
            ))
        }
    }
    if accuracy_m.is_some_and(|metres| !metres.is_finite() || !(0.0..=100_000.0).contains(&metres)) {
        return Err(said("accuracy_m: expected metres from 0 to 100000", "accuracy_m: cần số mét từ 0 đến 100000"));
    }
    Ok(())
}

/// The id of a current village by code, if the principal may record there.
async fn village_in_scope(
    tx: &mut sqlx::AnyConnection,
    context: &mut BatchContext,
    principal: &Principal,
    code: &str,
) -> Result<Result<i64, Said>, StoreError> {
    let found = super::admin_units::find_by_code(&mut *tx, code.trim()).await?;
    let village = match found {
        Some((id, super::admin_units::Level::Village)) => id,
        _ => {
            return Ok(Err(said(
                format!("village_code: no village has code '{}'", code.trim()),
                format!("village_code: không có thôn mã '{}'", code.trim()),
            )))
        }
    };
    if context.unit_in_scope(tx, principal, village).await? {
        Ok(Ok(village))
    } else {
        Ok(Err(outside_scope()))
    }
}

pub(super) fn outside_scope() -> Said {
    said("this village is outside your scope", "thôn này ngoài phạm vi của bạn")
}

/// The id of an already stored record with this UUID.
async fn stored_id<'e, E>(executor: E, table: &str, uuid: &str) -> Result<Option<i64>, StoreError>
where
    E: Executor<'e, Database = Any>,
{
    let sql = format!("SELECT id FROM {table} WHERE client_uuid = $1");
    let row: Option<(i64,)> = sqlx::query_as(&sql).bind(uuid).fetch_optional(executor).await?;
    Ok(row.map(|(id,)| id))
}

/// What a batch carries from record to record. Lookups made once per village and reused (a
/// phone's batch is mostly one village): whether the village is in the principal's scope, and the
/// area its visits' positions are checked against, both read inside the batch's transaction. And
/// the audit entries of the households and visits stored, written together before the commit.
#[derive(Default)]
pub(super) struct BatchContext {
    in_scope: std::collections::HashMap<i64, bool>,
    areas: std::collections::HashMap<i64, Option<geo::MultiPolygon<f64>>>,
    audit: Vec<super::audit::PendingChange>,
}

impl BatchContext {
    /// [`access::unit_in_scope`], remembered per unit.
    pub(super) async fn unit_in_scope(
        &mut self,
        tx: &mut sqlx::AnyConnection,
        principal: &Principal,
        unit_id: i64,
    ) -> Result<bool, StoreError> {
        if let Some(known) = self.in_scope.get(&unit_id) {
            return Ok(*known);
        }
        let in_scope = access::unit_in_scope(&mut *tx, principal, unit_id).await?;
        self.in_scope.insert(unit_id, in_scope);
        Ok(in_scope)
    }

    /// Whether a point lies outside the village's boundary, or its commune's when the village
    /// has none. A unit without any boundary flags nothing: there is nothing to compare with.
    async fn outside_village(
        &mut self,
        tx: &mut sqlx::AnyConnection,
        village_id: i64,
        lon: f64,
        lat: f64,
    ) -> Result<bool, StoreError> {
        use geo::Contains;
        use std::collections::hash_map::Entry;
        let area = match self.areas.entry(village_id) {
            Entry::Occupied(known) => known.into_mut(),
            Entry::Vacant(slot) => {
                let row: Option<(Option<String>, Option<String>)> = sqlx::query_as(
                    "SELECT v.boundary, c.boundary FROM admin_unit v LEFT JOIN admin_unit c ON c.id = v.parent_id
                     WHERE v.id = $1",
                )
                .bind(village_id)
                .fetch_optional(&mut *tx)
                .await?;
                let boundary = row.and_then(|(village, commune)| village.or(commune));
                slot.insert(boundary.as_deref().and_then(super::geometry::read_stored))
            }
        };
        Ok(area.as_ref().is_some_and(|area| !area.contains(&geo::Point::new(lon, lat))))
    }
}

async fn store_household(
    tx: &mut sqlx::AnyConnection,
    context: &mut BatchContext,
    principal: &Principal,
    record: HouseholdRecord,
) -> Result<SyncResult, StoreError> {
    let uuid = record.uuid.clone();
    if let Err(problem) = check_household(&record) {
        return Ok(rejected(uuid, problem));
    }
    if let Some(id) = stored_id(&mut *tx, "household", &uuid).await? {
        return Ok(stored(uuid, SyncOutcome::AlreadyStored, id, false));
    }
    let village_id = match village_in_scope(tx, context, principal, &record.village_code).await? {
        Ok(id) => id,
        Err(problem) => return Ok(rejected(uuid, problem)),
    };
    // Every check is above this line: the batch has no savepoint per record, so a rejection after
    // a write would leave the write in place.
    let Some(id) = insert_household(&mut *tx, &record, village_id, &principal.audit_name()).await? else {
        // Another connection stored the same UUID between our look-up and our insert.
        let id = stored_id(&mut *tx, "household", &uuid).await?.ok_or(StoreError::NotFound)?;
        return Ok(stored(uuid, SyncOutcome::AlreadyStored, id, false));
    };
    context.audit.push(super::audit::PendingChange {
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
    let (has_position, lon, lat) = position_binds(record.lon, record.lat);
    let (has_accuracy, accuracy) = super::db::nullable_f64(record.accuracy_m);
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
    .bind(super::now_utc_text())
    .bind(has_position)
    .bind(has_accuracy)
    .bind(record.has_smartphone.map(i64::from))
    .fetch_optional(executor)
    .await?;
    Ok(inserted.map(|(id,)| id))
}

fn check_household(record: &HouseholdRecord) -> Result<(), Said> {
    check_uuid(&record.uuid)?;
    let label = record.label.trim();
    if label.is_empty() || label.chars().count() > MAX_LABEL_CHARS {
        return Err(said(
            format!("label: 1 to {MAX_LABEL_CHARS} characters"),
            format!("label: tên hộ từ 1 đến {MAX_LABEL_CHARS} ký tự"),
        ));
    }
    check_position(record.lon, record.lat, record.accuracy_m)?;
    if record.adults.is_some_and(|adults| !(0..=100).contains(&adults)) {
        return Err(said("adults: expected 0 to 100", "adults: số người lớn từ 0 đến 100"));
    }
    Ok(())
}

/// Floats for a position that may be absent: never bound as NULL (see `db::nullable_f64`).
pub(super) fn position_binds(lon: Option<f64>, lat: Option<f64>) -> (bool, f64, f64) {
    match (lon, lat) {
        (Some(lon), Some(lat)) => (true, lon, lat),
        _ => (false, 0.0, 0.0),
    }
}

/// The household a visit names, with its village: by server id or by the phone's UUID.
async fn visit_household(
    tx: &mut sqlx::AnyConnection,
    record: &VisitRecord,
) -> Result<Result<(i64, i64), Said>, StoreError> {
    let row: Option<(i64, i64)> = match (&record.household_id, &record.household_uuid) {
        (Some(id), _) => {
            sqlx::query_as("SELECT id, village_id FROM household WHERE id = $1")
                .bind(id)
                .fetch_optional(&mut *tx)
                .await?
        }
        (None, Some(uuid)) => {
            sqlx::query_as("SELECT id, village_id FROM household WHERE client_uuid = $1")
                .bind(uuid)
                .fetch_optional(&mut *tx)
                .await?
        }
        (None, None) => {
            return Ok(Err(said(
                "household_uuid or household_id: one is required",
                "household_uuid hoặc household_id: cần một trong hai",
            )))
        }
    };
    Ok(row.ok_or_else(|| {
        said(
            "household: not stored on the server (was its own record rejected?)",
            "hộ gia đình: chưa có trên máy chủ (bản ghi hộ có bị từ chối không?)",
        )
    }))
}

async fn store_visit(
    tx: &mut sqlx::AnyConnection,
    context: &mut BatchContext,
    principal: &Principal,
    record: VisitRecord,
) -> Result<SyncResult, StoreError> {
    let uuid = record.uuid.clone();
    let visited_at = match check_visit(&record) {
        Ok(visited_at) => visited_at,
        Err(problem) => return Ok(rejected(uuid, problem)),
    };
    if let Some(id) = stored_id(&mut *tx, "visit", &uuid).await? {
        return Ok(stored(uuid, SyncOutcome::AlreadyStored, id, false));
    }
    let (household_id, village_id) = match visit_household(tx, &record).await? {
        Ok(found) => found,
        Err(problem) => return Ok(rejected(uuid, problem)),
    };
    if !context.unit_in_scope(tx, principal, village_id).await? {
        return Ok(rejected(uuid, outside_scope()));
    }
    let outside_area = match (record.lon, record.lat) {
        (Some(lon), Some(lat)) => context.outside_village(tx, village_id, lon, lat).await?,
        _ => false,
    };
    // Every check is above this line (see `store_household`).
    let Some(id) = insert_visit(
        &mut *tx,
        &record,
        &StoredVisit { visited_at: &visited_at, household_id, village_id, outside_area },
        &principal.audit_name(),
    )
    .await?
    else {
        let id = stored_id(&mut *tx, "visit", &uuid).await?.ok_or(StoreError::NotFound)?;
        return Ok(stored(uuid, SyncOutcome::AlreadyStored, id, false));
    };
    if let Some(has_smartphone) = record.has_smartphone {
        sqlx::query("UPDATE household SET has_smartphone = $2 WHERE id = $1")
            .bind(household_id)
            .bind(i64::from(has_smartphone))
            .execute(&mut *tx)
            .await?;
    }
    let skills: Vec<&str> = record.skills.iter().map(|skill| skill.as_str()).collect();
    let after = serde_json::json!({
        "uuid": uuid, "household_id": household_id, "visited_at": visited_at,
        "people_helped": record.people_helped, "skills": skills, "outside_area": outside_area,
        "has_smartphone": record.has_smartphone,
    });
    context.audit.push(super::audit::PendingChange {
        action: "sync",
        entity_type: "visit",
        entity_id: id.to_string(),
        after,
    });
    Ok(stored(uuid, SyncOutcome::Stored, id, outside_area))
}

/// What the server adds to a visit record when storing it.
pub struct StoredVisit<'a> {
    /// `visited_at` in the stored form.
    pub visited_at: &'a str,
    pub household_id: i64,
    pub village_id: i64,
    pub outside_area: bool,
}

/// Inserts a checked visit unless its UUID is already stored; returns the new id, or `None` when
/// the UUID was there.
pub async fn insert_visit<'e, E>(
    executor: E,
    record: &VisitRecord,
    stored: &StoredVisit<'_>,
    recorded_by: &str,
) -> Result<Option<i64>, StoreError>
where
    E: Executor<'e, Database = Any>,
{
    let (has_position, lon, lat) = position_binds(record.lon, record.lat);
    let (has_accuracy, accuracy) = super::db::nullable_f64(record.accuracy_m);
    let network = record
        .network
        .clone()
        .unwrap_or(crate::field_records::NetworkSample { effective_type: None, downlink_mbps: None });
    let (has_downlink, downlink) = super::db::nullable_f64(network.downlink_mbps);
    let skills: Vec<&str> = record.skills.iter().map(|skill| skill.as_str()).collect();
    let note = record.note.as_deref().map(str::trim).filter(|note| !note.is_empty());
    let inserted: Option<(i64,)> = sqlx::query_as(
        "INSERT INTO visit (client_uuid, household_id, village_id, visited_at, lon, lat, accuracy_m, people_helped,
                           skills, vneid_activated, bank_account_opened, note, outside_area, network_type,
                           network_downlink_mbps, recorded_by, received_at)
         VALUES ($1, $2, $3, $4, CASE WHEN $18 THEN $5 END, CASE WHEN $18 THEN $6 END, CASE WHEN $19 THEN $7 END,
                 $8, $9, $10, $11, $12, $13, $14, CASE WHEN $20 THEN $15 END, $16, $17)
         ON CONFLICT (client_uuid) DO NOTHING
         RETURNING id",
    )
    .bind(&record.uuid)
    .bind(stored.household_id)
    .bind(stored.village_id)
    .bind(stored.visited_at)
    .bind(lon)
    .bind(lat)
    .bind(accuracy)
    .bind(record.people_helped)
    .bind(skills.join(","))
    .bind(record.vneid_activated.map(i64::from))
    .bind(record.bank_account_opened.map(i64::from))
    .bind(note)
    .bind(i64::from(stored.outside_area))
    .bind(network.effective_type.as_deref())
    .bind(downlink)
    .bind(recorded_by)
    .bind(super::now_utc_text())
    .bind(has_position)
    .bind(has_accuracy)
    .bind(has_downlink)
    .fetch_optional(executor)
    .await?;
    Ok(inserted.map(|(id,)| id))
}

/// Checks a visit and returns its moment in the stored form.
fn check_visit(record: &VisitRecord) -> Result<String, Said> {
    check_uuid(&record.uuid)?;
    if let Some(household_uuid) = &record.household_uuid {
        check_uuid(household_uuid).map_err(|problem| said(format!("household_{}", problem.en), problem.vi))?;
    }
    let visited_at = plausible_moment("visited_at", &record.visited_at)?;
    check_position(record.lon, record.lat, record.accuracy_m)?;
    check_visit_content(record.people_helped, &record.skills, record.note.as_deref())?;
    if let Some(network) = &record.network {
        let known = ["slow-2g", "2g", "3g", "4g"];
        if network.effective_type.as_deref().is_some_and(|kind| !known.contains(&kind)) {
            return Err(said(
                "network.effective_type: expected slow-2g, 2g, 3g or 4g",
                "network.effective_type: cần slow-2g, 2g, 3g hoặc 4g",
            ));
        }
        if network.downlink_mbps.is_some_and(|mbps| !mbps.is_finite() || !(0.0..=10_000.0).contains(&mbps)) {
            return Err(said(
                "network.downlink_mbps: expected 0 to 10000",
                "network.downlink_mbps: cần số từ 0 đến 10000",
            ));
        }
    }
    Ok(visited_at)
}

/// A moment recorded on a phone, in the stored form: not before the plan, not in the future.
pub(super) fn plausible_moment(field: &str, value: &str) -> Result<String, Said> {
    let moment = super::read_moment(field, value)?;
    let latest = super::format_utc(time::OffsetDateTime::now_utc() + time::Duration::days(1));
    if moment.as_str() < EARLIEST_VISIT || moment > latest {
        return Err(said(
            format!("{field}: {moment} is not a plausible moment (is the phone's clock right?)"),
            format!("{field}: thời điểm {moment} không hợp lý (đồng hồ điện thoại có đúng không?)"),
        ));
    }
    Ok(moment)
}

/// Checks what a visit says happened: the part a later edit may change.
pub(super) fn check_visit_content(people_helped: i64, skills: &[Skill], note: Option<&str>) -> Result<(), Said> {
    if !(0..=100).contains(&people_helped) {
        return Err(said("people_helped: expected 0 to 100", "people_helped: số người được hỗ trợ từ 0 đến 100"));
    }
    if skills.is_empty() {
        return Err(said("skills: name at least one skill", "skills: chọn ít nhất một kỹ năng"));
    }
    if note.is_some_and(|note| note.chars().count() > MAX_NOTE_CHARS) {
        return Err(said(
            format!("note: at most {MAX_NOTE_CHARS} characters"),
            format!("note: ghi chú tối đa {MAX_NOTE_CHARS} ký tự"),
        ));
    }
    Ok(())
}

/// The households of one village within the principal's scope, not-yet-visited first, then by
/// label. Only roles that record visits see them (they hold names).
pub async fn households<'e, E>(
    executor: E,
    principal: &Principal,
    village_code: &str,
    page: super::db::Page,
) -> Result<Vec<HouseholdEntry>, StoreError>
where
    E: Executor<'e, Database = Any>,
{
    if !RECORDERS.contains(&principal.role) {
        return Err(StoreError::Denied(access::Denied::Role));
    }
    let sql = format!(
        "WITH RECURSIVE {scope}
         SELECT * FROM (
             SELECT h.id, h.client_uuid AS uuid, v.code AS village_code, h.label, h.lon, h.lat,
                    (SELECT COUNT(*) FROM visit x WHERE x.household_id = h.id) AS visits,
                    (SELECT MAX(x.visited_at) FROM visit x WHERE x.household_id = h.id) AS last_visited_at,
                    h.version
             FROM household h JOIN admin_unit v ON v.id = h.village_id
             WHERE v.code = $2 AND ($3 OR h.village_id IN (SELECT id FROM scope_units))
         ) AS listed
         ORDER BY CASE WHEN visits = 0 THEN 0 ELSE 1 END, label, id
         LIMIT $4 OFFSET $5",
        scope = access::scope_units_cte(1)
    );
    Ok(sqlx::query_as(&sql)
        .bind(principal.user_id)
        .bind(village_code.trim())
        .bind(principal.role == Role::Admin)
        .bind(page.limit)
        .bind(page.offset)
        .fetch_all(executor)
        .await?)
}

/// Progress of every current village the principal may see, by commune and village name.
pub async fn progress<'e, E>(executor: E, principal: &Principal) -> Result<Vec<VillageProgress>, StoreError>
where
    E: Executor<'e, Database = Any>,
{
    let sql = format!(
        "WITH RECURSIVE {scope}
         SELECT v.code AS village_code, v.name AS village, c.code AS commune_code,
                (SELECT COUNT(*) FROM household h WHERE h.village_id = v.id) AS households,
                (SELECT COUNT(DISTINCT x.household_id) FROM visit x WHERE x.village_id = v.id) AS households_visited,
                (SELECT COUNT(*) FROM visit x WHERE x.village_id = v.id) AS visits,
                (SELECT COALESCE(SUM(x.people_helped), 0) FROM visit x WHERE x.village_id = v.id) AS people_helped,
                (SELECT COUNT(*) FROM visit x WHERE x.village_id = v.id AND x.vneid_activated = 1) AS vneid_activations,
                (SELECT COUNT(*) FROM visit x WHERE x.village_id = v.id AND x.outside_area = 1) AS flagged_visits
         FROM admin_unit v JOIN admin_unit c ON c.id = v.parent_id
         WHERE v.level = 'village' AND v.valid_to IS NULL AND ($2 OR v.id IN (SELECT id FROM scope_units))
         ORDER BY c.name, v.name, v.code",
        scope = access::scope_units_cte(1)
    );
    Ok(sqlx::query_as(&sql).bind(principal.user_id).bind(principal.role == Role::Admin).fetch_all(executor).await?)
}

/// A sample's place on the coverage quality scale (index into `coverage::QUALITIES`).
fn sample_rank(effective_type: &str, downlink_mbps: Option<f64>) -> usize {
    match effective_type {
        "4g" if downlink_mbps.is_some_and(|mbps| mbps >= 5.0) => 3,
        "4g" => 2,
        "3g" => 1,
        _ => 0,
    }
}

/// Field measurements per village within the principal's scope.
pub async fn measurements<'e, E>(executor: E, principal: &Principal) -> Result<Vec<VillageMeasurement>, StoreError>
where
    E: Executor<'e, Database = Any>,
{
    let sql = format!(
        "WITH RECURSIVE {scope}
         SELECT v.code, x.network_type, x.network_downlink_mbps, x.visited_at
         FROM visit x JOIN admin_unit v ON v.id = x.village_id
         WHERE x.network_type IS NOT NULL AND ($2 OR x.village_id IN (SELECT id FROM scope_units))
         ORDER BY v.code",
        scope = access::scope_units_cte(1)
    );
    let rows: Vec<(String, String, Option<f64>, String)> =
        sqlx::query_as(&sql).bind(principal.user_id).bind(principal.role == Role::Admin).fetch_all(executor).await?;
    let mut by_village: std::collections::BTreeMap<String, Vec<(String, Option<f64>, String)>> =
        std::collections::BTreeMap::new();
    for (village, kind, downlink, at) in rows {
        by_village.entry(village).or_default().push((kind, downlink, at));
    }
    Ok(by_village
        .into_iter()
        .map(|(village_code, samples)| {
            let mut ranks: Vec<usize> =
                samples.iter().map(|(kind, downlink, _)| sample_rank(kind, *downlink)).collect();
            ranks.sort_unstable();
            let mut downlinks: Vec<f64> = samples.iter().filter_map(|(_, downlink, _)| *downlink).collect();
            downlinks.sort_by(f64::total_cmp);
            VillageMeasurement {
                village_code,
                samples: samples.len() as i64,
                quality: super::coverage::QUALITIES[ranks[ranks.len() / 2]].to_owned(),
                median_downlink_mbps: downlinks.get(downlinks.len() / 2).copied(),
                latest_at: samples.iter().map(|(_, _, at)| at.clone()).max().unwrap_or_default(),
            }
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn samples_rank_like_coverage_qualities() {
        assert_eq!(super::super::coverage::QUALITIES[sample_rank("4g", Some(12.0))], "good");
        assert_eq!(super::super::coverage::QUALITIES[sample_rank("4g", None)], "fair");
        assert_eq!(super::super::coverage::QUALITIES[sample_rank("3g", Some(9.0))], "weak");
        assert_eq!(super::super::coverage::QUALITIES[sample_rank("slow-2g", None)], "none");
    }

    #[test]
    fn uuids_are_canonical() {
        assert!(check_uuid("0b6f5a2e-59a3-4c55-9a7e-1f2d3c4b5a69").is_ok());
        for bad in
            ["", "0b6f5a2e59a34c559a7e1f2d3c4b5a69", "0b6f5a2e-59a3-4c55-9a7e-1f2d3c4b5a6g", "'; DROP TABLE visit; --"]
        {
            assert!(check_uuid(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn positions_come_whole_and_in_range() {
        assert!(check_position(None, None, None).is_ok());
        assert!(check_position(Some(105.6), Some(20.2), Some(8.0)).is_ok());
        assert!(check_position(Some(105.6), None, None).is_err());
        assert!(check_position(Some(200.0), Some(20.0), None).is_err());
        assert!(check_position(Some(f64::NAN), Some(20.0), None).is_err());
        assert!(check_position(Some(105.6), Some(20.2), Some(-1.0)).is_err());
    }

    /// The sync payload parser on arbitrary and mutated records: it never panics, a well-formed
    /// visit is read, and a visit with one field replaced by junk is either still a valid visit
    /// or refused with that field named.
    mod payload_properties {
        use super::super::parse_record;
        use proptest::prelude::*;
        use serde_json::{json, Value};

        fn leaf() -> impl Strategy<Value = Value> {
            prop_oneof![
                Just(Value::Null),
                any::<bool>().prop_map(Value::Bool),
                any::<i64>().prop_map(|n| json!(n)),
                any::<f64>().prop_map(|n| json!(n)),
                ".{0,12}".prop_map(Value::String),
            ]
        }

        fn any_json() -> impl Strategy<Value = Value> {
            leaf().prop_recursive(3, 24, 6, |inner| {
                prop_oneof![
                    proptest::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
                    proptest::collection::btree_map("[a-z_]{1,12}", inner, 0..6)
                        .prop_map(|map| Value::Object(map.into_iter().collect())),
                ]
            })
        }

        fn visit() -> Value {
            json!({"kind": "visit", "uuid": "0b6f5a2e-59a3-4c55-9a7e-1f2d3c4b5a69",
                   "household_uuid": "1b6f5a2e-59a3-4c55-9a7e-1f2d3c4b5a69", "visited_at": "2026-03-01T08:00:00Z",
                   "lon": 105.6, "lat": 20.2, "accuracy_m": 12.0, "people_helped": 2,
                   "skills": ["vneid_install", "banking_qr"], "vneid_activated": true, "note": "ok"})
        }

        const VISIT_FIELDS: [&str; 11] = [
            "uuid",
            "household_uuid",
            "visited_at",
            "lon",
            "lat",
            "accuracy_m",
            "people_helped",
            "skills",
            "vneid_activated",
            "note",
            "network",
        ];

        #[test]
        fn a_well_formed_visit_is_read() {
            assert!(parse_record(visit()).is_ok());
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(500))]

            #[test]
            fn any_json_is_read_or_refused(value in any_json(), kind in prop_oneof![
                Just("visit"), Just("household"), Just("handover"), Just("other")]) {
                let _ = parse_record(value.clone());
                if let Value::Object(mut fields) = value {
                    fields.insert("kind".to_owned(), json!(kind));
                    let _ = parse_record(Value::Object(fields));
                }
            }

            #[test]
            fn a_mutated_visit_names_the_field(field in proptest::sample::select(&VISIT_FIELDS[..]), junk in any_json()) {
                let mut record = visit();
                record[field] = junk;
                if let Err(problem) = parse_record(record) {
                    prop_assert!(problem.contains(field), "{problem} should name {field}");
                }
            }
        }
    }
}
