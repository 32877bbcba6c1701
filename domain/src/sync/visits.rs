//! Door-to-door visits recorded on phones: checked, placed in their village, stored once per UUID.

use super::records::{
    answer_if_stored, check_position, check_uuid, plausible_moment, position_binds, rejected, stored, BatchContext,
};
use crate::access::Principal;
use crate::StoreError;
use model::field_records::{Skill, SyncOutcome, SyncResult, VisitRecord};
use model::{said, Said};
use sqlx::{Any, Executor};

/// Longest visit note, in characters.
const MAX_NOTE_CHARS: usize = 2000;

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
    Ok(row.ok_or_else(household_unknown))
}

/// A visit's household that is not stored, or not in the principal's scope: one answer for both.
fn household_unknown() -> Said {
    said(
        "household: not stored on the server, or outside your scope (was its own record rejected?)",
        "hộ gia đình: chưa có trên máy chủ hoặc ngoài phạm vi của bạn (bản ghi hộ có bị từ chối không?)",
    )
}

pub(super) async fn store_visit(
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
    if let Some(answer) = answer_if_stored(tx, context, principal, "visit", &uuid).await? {
        return Ok(answer);
    }
    let (household_id, village_id) = match visit_household(tx, &record).await? {
        Ok(found) => found,
        Err(problem) => return Ok(rejected(uuid, problem)),
    };
    if !context.unit_in_scope(tx, principal, village_id).await? {
        return Ok(rejected(uuid, household_unknown()));
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
        return answer_if_stored(tx, context, principal, "visit", &uuid).await?.ok_or(StoreError::NotFound);
    };
    if let Some(has_smartphone) = record.has_smartphone {
        sqlx::query("UPDATE household SET has_smartphone = $2 WHERE id = $1")
            .bind(household_id)
            .bind(i64::from(has_smartphone))
            .execute(&mut *tx)
            .await?;
    }
    let skills = skill_codes(&record.skills);
    let after = serde_json::json!({
        "uuid": uuid, "household_id": household_id, "visited_at": visited_at,
        "people_helped": record.people_helped, "skills": skills, "outside_area": outside_area,
        "has_smartphone": record.has_smartphone,
    });
    context.audit.push(crate::audit::PendingChange {
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
    let (has_accuracy, accuracy) = crate::db::nullable_f64(record.accuracy_m);
    let network = record
        .network
        .clone()
        .unwrap_or(model::field_records::NetworkSample { effective_type: None, downlink_mbps: None });
    let (has_downlink, downlink) = crate::db::nullable_f64(network.downlink_mbps);
    let skills = skill_codes(&record.skills);
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
    .bind(crate::now_utc_text())
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

/// Checks what a visit says happened: the part a later edit may change.
/// The codes of a visit's skills as stored: each skill once, in the order first named (a phone
/// that repeats a skill ten thousand times stores eight codes at most).
pub(crate) fn skill_codes(skills: &[Skill]) -> Vec<&'static str> {
    let mut codes: Vec<&'static str> = Vec::new();
    for skill in skills {
        if !codes.contains(&skill.as_str()) {
            codes.push(skill.as_str());
        }
    }
    codes
}

pub(crate) fn check_visit_content(people_helped: i64, skills: &[Skill], note: Option<&str>) -> Result<(), Said> {
    if !(0..=100).contains(&people_helped) {
        return Err(said("people_helped: expected 0 to 100", "people_helped: số người được hỗ trợ từ 0 đến 100"));
    }
    if skills.is_empty() {
        return Err(said("skills: name at least one skill", "skills: chọn ít nhất một kỹ năng"));
    }
    crate::text::optional_lines("note", note, MAX_NOTE_CHARS)?;
    Ok(())
}
