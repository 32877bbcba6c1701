//! What every kind of synced record shares: its UUID and position checks, the plausible moments
//! a phone may report, the answers per record, and the lookups a batch makes once.

use crate::access::Principal;
use crate::StoreError;
use model::field_records::{SyncOutcome, SyncResult};
use model::{said, Said};

/// Earliest plausible visit: the plan dates from May 2025. A phone with a wrong clock is told so.
const EARLIEST_VISIT: &str = "2025-01-01T00:00:00Z";

pub(crate) fn rejected(uuid: String, reason: Said) -> SyncResult {
    SyncResult {
        uuid,
        outcome: SyncOutcome::Rejected,
        id: None,
        reason: Some(reason.en),
        reason_vi: Some(reason.vi),
        outside_area: false,
    }
}

pub(crate) fn stored(uuid: String, outcome: SyncOutcome, id: i64, outside_area: bool) -> SyncResult {
    SyncResult { uuid, outcome, id: Some(id), reason: None, reason_vi: None, outside_area }
}

/// A client UUID: 36 characters of the canonical form (any version); phones make them with
/// `crypto.randomUUID()`.
pub(crate) fn check_uuid(uuid: &str) -> Result<(), Said> {
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
pub(crate) fn check_position(lon: Option<f64>, lat: Option<f64>, accuracy_m: Option<f64>) -> Result<(), Said> {
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
pub(crate) async fn village_in_scope(
    tx: &mut sqlx::AnyConnection,
    context: &mut BatchContext,
    principal: &Principal,
    code: &str,
) -> Result<Result<i64, Said>, StoreError> {
    let found = crate::admin_units::find_by_code(&mut *tx, code.trim()).await?;
    let village = match found {
        Some((id, crate::admin_units::Level::Village)) => id,
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

/// The one refusal for whatever lies outside the principal's scope, and for a record whose UUID
/// is stored elsewhere: the answer never tells what exists beyond the scope.
pub(crate) fn outside_scope() -> Said {
    said("this record is outside your scope", "bản ghi này ngoài phạm vi của bạn")
}

/// The answer for a record whose UUID is stored already: `already_stored` with its id when it
/// lies in the principal's scope (a phone sending a batch again), else [`outside_scope`].
pub(crate) async fn answer_if_stored(
    tx: &mut sqlx::AnyConnection,
    context: &mut BatchContext,
    principal: &Principal,
    table: &str,
    uuid: &str,
) -> Result<Option<SyncResult>, StoreError> {
    let sql = format!("SELECT id, village_id FROM {table} WHERE client_uuid = $1");
    let row: Option<(i64, i64)> = sqlx::query_as(&sql).bind(uuid).fetch_optional(&mut *tx).await?;
    let Some((id, village_id)) = row else { return Ok(None) };
    Ok(Some(if context.unit_in_scope(tx, principal, village_id).await? {
        stored(uuid.to_owned(), SyncOutcome::AlreadyStored, id, false)
    } else {
        rejected(uuid.to_owned(), outside_scope())
    }))
}

/// A UUID in the form stored: lower case, so the two spellings of one UUID are one record.
pub(crate) fn normalised_uuid(uuid: &str) -> String {
    uuid.trim().to_ascii_lowercase()
}

/// What a batch carries from record to record. Lookups made once per village and reused (a
/// phone's batch is mostly one village): whether the village is in the principal's scope, and the
/// area its visits' positions are checked against, both read inside the batch's transaction. And
/// the audit entries of the households and visits stored, written together before the commit.
#[derive(Default)]
pub(crate) struct BatchContext {
    in_scope: std::collections::HashMap<i64, bool>,
    areas: std::collections::HashMap<i64, Option<geo::MultiPolygon<f64>>>,
    pub(crate) audit: Vec<crate::audit::PendingChange>,
}

impl BatchContext {
    /// [`crate::params::unit_in_scope`], remembered per unit.
    pub(crate) async fn unit_in_scope(
        &mut self,
        tx: &mut sqlx::AnyConnection,
        principal: &Principal,
        unit_id: i64,
    ) -> Result<bool, StoreError> {
        if let Some(known) = self.in_scope.get(&unit_id) {
            return Ok(*known);
        }
        let in_scope = crate::params::unit_in_scope(&mut *tx, principal, unit_id).await?;
        self.in_scope.insert(unit_id, in_scope);
        Ok(in_scope)
    }

    /// Whether a point lies outside the village's boundary, or its commune's when the village
    /// has none. A unit without any boundary flags nothing: there is nothing to compare with.
    pub(crate) async fn outside_village(
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
                slot.insert(boundary.as_deref().and_then(crate::geometry::read_stored))
            }
        };
        Ok(area.as_ref().is_some_and(|area| !area.contains(&geo::Point::new(lon, lat))))
    }
}

/// Floats for a position that may be absent: never bound as NULL (see `db::nullable_f64`).
pub(crate) fn position_binds(lon: Option<f64>, lat: Option<f64>) -> (bool, f64, f64) {
    match (lon, lat) {
        (Some(lon), Some(lat)) => (true, lon, lat),
        _ => (false, 0.0, 0.0),
    }
}

/// A moment recorded on a phone, in the stored form: not before the plan, not in the future.
pub(crate) fn plausible_moment(field: &str, value: &str) -> Result<String, Said> {
    crate::read_past_moment(field, value, EARLIEST_VISIT).map_err(|problem| {
        said(
            format!("{} (is the phone's clock right?)", problem.en),
            format!("{} (đồng hồ điện thoại có đúng không?)", problem.vi),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
