//! The sync of records made on phones: households, door-to-door visits, device handovers and
//! network measurements.
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

mod handovers;
mod households;
mod measurements;
mod records;
mod visits;

pub use households::insert_household;
pub use measurements::record_measurement;
pub(crate) use records::{check_uuid, normalised_uuid};
pub(crate) use visits::{check_visit_content, skill_codes};
pub use visits::{insert_visit, StoredVisit};

use crate::access::{self, Principal};
use crate::StoreError;
use model::field_records::{SyncRecord, SyncResult};
use model::{said, Capability};
use records::BatchContext;
use std::collections::HashMap;

/// Most records one sync request may carry; a phone with more sends several batches.
pub const MAX_BATCH: usize = 500;

/// Stores a batch: households first (visits in the same batch may point at them), then visits,
/// then device handovers (which may name a visit), then measurements, in one transaction. Answers one result per
/// record, in the request's order; nothing is stored unless the whole answer is (a phone that gets
/// no answer resends the batch).
/// Records that are not even well-formed JSON records are rejected one by one, not the batch.
pub async fn sync(
    db: &crate::Db,
    principal: &Principal,
    records: Vec<serde_json::Value>,
) -> Result<Vec<SyncResult>, StoreError> {
    access::require(principal, Capability::RecordField)?;
    let mut results: Vec<Option<SyncResult>> = vec![None; records.len()];
    let mut as_sent = Vec::with_capacity(records.len());
    let mut households = Vec::new();
    let mut visits = Vec::new();
    let mut handovers = Vec::new();
    let mut measured = Vec::new();
    let mut seen: HashMap<(String, String), serde_json::Value> = HashMap::new();
    for (index, mut value) in records.into_iter().enumerate() {
        let uuid = value.get("uuid").and_then(|uuid| uuid.as_str()).unwrap_or_default().to_owned();
        as_sent.push(uuid.clone());
        normalise_uuids(&mut value);
        let kind = value.get("kind").and_then(|kind| kind.as_str()).unwrap_or_default().to_owned();
        let key = (kind, records::normalised_uuid(&uuid));
        match seen.get(&key) {
            Some(earlier) if *earlier != value => {
                results[index] = Some(records::rejected(
                    uuid,
                    said(
                        "uuid: sent twice in this batch with different content; one record, one UUID",
                        "uuid: gửi hai lần trong cùng một lô với nội dung khác nhau; mỗi bản ghi một UUID",
                    ),
                ));
                continue;
            }
            Some(_) => {}
            None => {
                seen.insert(key, value.clone());
            }
        }
        match parse_record(value) {
            Ok(SyncRecord::Household(record)) => households.push((index, record)),
            Ok(SyncRecord::Visit(record)) => visits.push((index, record)),
            Ok(SyncRecord::Handover(record)) => handovers.push((index, record)),
            Ok(SyncRecord::Measurement(record)) => measured.push((index, record)),
            Err(error) => {
                results[index] = Some(records::rejected(
                    uuid,
                    said(format!("not a record: {error}"), format!("bản ghi không đúng dạng: {error}")),
                ))
            }
        }
    }
    let mut batch = db.begin_write().await?;
    let mut context = BatchContext::default();
    for (index, record) in households {
        results[index] = Some(households::store_household(&mut batch, &mut context, principal, record).await?);
    }
    for (index, record) in visits {
        results[index] = Some(visits::store_visit(&mut batch, &mut context, principal, record).await?);
    }
    for (index, record) in handovers {
        results[index] = Some(handovers::store_handover(&mut batch, &mut context, principal, record).await?);
    }
    for (index, record) in measured {
        results[index] = Some(measurements::store_measurement(&mut batch, &mut context, principal, record).await?);
    }
    crate::audit::record_all(&mut batch, crate::audit::Actor::Principal(principal), &context.audit).await?;
    batch.commit().await?;
    // Each answer names its record as the phone wrote its UUID, however it is stored.
    Ok(results
        .into_iter()
        .zip(as_sent)
        .filter_map(|(result, uuid)| result.map(|result| SyncResult { uuid, ..result }))
        .collect())
}

/// The UUIDs a record carries, in the form stored (see [`records::normalised_uuid`]).
fn normalise_uuids(value: &mut serde_json::Value) {
    for field in ["uuid", "household_uuid", "photo_uuid", "visit_uuid"] {
        if let Some(serde_json::Value::String(uuid)) = value.get_mut(field) {
            *uuid = records::normalised_uuid(uuid);
        }
    }
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
        Some("measurement") => serde_path_to_error::deserialize(rest).map(SyncRecord::Measurement).map_err(at_path),
        _ => Err("kind: expected household, visit, handover or measurement".to_owned()),
    }
}

#[cfg(test)]
mod tests {
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
                Just("visit"), Just("household"), Just("handover"), Just("measurement"), Just("other")]) {
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
