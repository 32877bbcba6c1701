//! Network measurements made on phones (a speed test, or "no signal here"): checked, placed in
//! the village they were made in (the one chosen, else the one whose boundary holds the
//! position), stored once per UUID.

use super::records::{
    answer_if_stored, check_position, check_uuid, outside_scope, plausible_moment, position_binds, rejected, stored,
    village_in_scope, BatchContext,
};
use crate::access::Principal;
use crate::coverage::measured::{measured_quality, Figures};
use crate::StoreError;
use model::field_records::{MeasurementRecord, NetworkType, SyncOutcome, SyncResult};
use model::{said, Said};

/// Longest round trip taken as a measurement, milliseconds: beyond a minute the phone was not
/// measuring the network but waiting for it.
const MAX_LATENCY_MS: f64 = 60_000.0;
/// Fastest throughput taken as a measurement, kbit/s (10 Gbit/s): more is a phone's mistake.
const MAX_KBPS: f64 = 10_000_000.0;

/// Checks what a measurement says, apart from where it was made; answers its moment in the
/// stored form.
pub(crate) fn check_measurement(record: &MeasurementRecord) -> Result<String, Said> {
    check_uuid(&record.uuid)?;
    let measured_at = plausible_moment("measured_at", &record.measured_at)?;
    check_position(record.lon, record.lat, record.accuracy_m)?;
    for (field, value, highest) in [
        ("latency_ms", record.latency_ms, MAX_LATENCY_MS),
        ("download_kbps", record.download_kbps, MAX_KBPS),
        ("upload_kbps", record.upload_kbps, MAX_KBPS),
    ] {
        if value.is_some_and(|value| !value.is_finite() || !(0.0..=highest).contains(&value)) {
            return Err(said(
                format!("{field}: expected a number from 0 to {highest}"),
                format!("{field}: cần một số từ 0 đến {highest}"),
            ));
        }
    }
    let no_network = record.network_type == NetworkType::NoNetwork;
    if record.no_signal {
        if !no_network || record.latency_ms.is_some() || record.download_kbps.is_some() || record.upload_kbps.is_some()
        {
            return Err(said(
                "no_signal: a place without signal has network_type 'none' and no figures",
                "no_signal: nơi không có sóng có network_type 'none' và không có số đo",
            ));
        }
    } else if no_network || record.download_kbps.is_none() {
        return Err(said(
            "download_kbps: a measurement with signal needs its download speed (or send no_signal)",
            "download_kbps: phép đo có sóng cần tốc độ tải xuống (hoặc gửi no_signal)",
        ));
    }
    if record.lon.is_none() && record.village_code.as_deref().is_none_or(|code| code.trim().is_empty()) {
        return Err(said(
            "village_code or lon, lat: one is required to place the measurement",
            "village_code hoặc lon, lat: cần một trong hai để biết nơi đo",
        ));
    }
    Ok(measured_at)
}

/// The current village in the principal's scope whose boundary holds the point, if any.
async fn village_at(
    tx: &mut sqlx::AnyConnection,
    context: &mut BatchContext,
    principal: &Principal,
    lon: f64,
    lat: f64,
) -> Result<Option<i64>, StoreError> {
    use geo::Contains;
    let candidates: Vec<(i64, String)> = sqlx::query_as(
        "SELECT id, boundary FROM admin_unit
         WHERE level = 'village' AND valid_to IS NULL AND boundary IS NOT NULL
           AND min_lon <= $1 AND max_lon >= $1 AND min_lat <= $2 AND max_lat >= $2
         ORDER BY id",
    )
    .bind(lon)
    .bind(lat)
    .fetch_all(&mut *tx)
    .await?;
    for (id, boundary) in candidates {
        let holds =
            crate::geometry::read_stored(&boundary).is_some_and(|area| area.contains(&geo::Point::new(lon, lat)));
        if holds && context.unit_in_scope(tx, principal, id).await? {
            return Ok(Some(id));
        }
    }
    Ok(None)
}

/// Stores one measurement of a batch (or of the REST route), audited with the batch.
pub(crate) async fn store_measurement(
    tx: &mut sqlx::AnyConnection,
    context: &mut BatchContext,
    principal: &Principal,
    record: MeasurementRecord,
) -> Result<SyncResult, StoreError> {
    let uuid = record.uuid.clone();
    let measured_at = match check_measurement(&record) {
        Ok(measured_at) => measured_at,
        Err(problem) => return Ok(rejected(uuid, problem)),
    };
    if let Some(answer) = answer_if_stored(tx, context, principal, "measurement", &uuid).await? {
        return Ok(answer);
    }
    let operator = record.operator.trim().to_lowercase();
    let known: Option<(String,)> =
        sqlx::query_as("SELECT code FROM operator WHERE code = $1").bind(&operator).fetch_optional(&mut *tx).await?;
    if known.is_none() {
        return Ok(rejected(uuid, crate::coverage::unknown_operator(&operator)));
    }
    let village_id =
        match (record.village_code.as_deref().map(str::trim).filter(|code| !code.is_empty()), record.lon, record.lat) {
            (Some(code), _, _) => match village_in_scope(tx, context, principal, code).await? {
                Ok(id) => id,
                Err(problem) => return Ok(rejected(uuid, problem)),
            },
            (None, Some(lon), Some(lat)) => match village_at(tx, context, principal, lon, lat).await? {
                Some(id) => id,
                None => {
                    return Ok(rejected(
                        uuid,
                        said(
                            format!(
                                "{}: no village of yours holds this position; choose the village",
                                outside_scope().en
                            ),
                            format!("{}: vị trí này không thuộc thôn nào của bạn; hãy chọn thôn", outside_scope().vi),
                        ),
                    ))
                }
            },
            _ => return Ok(rejected(uuid, outside_scope())),
        };
    // Every check is above this line: what follows writes.
    let figures =
        Figures { no_signal: record.no_signal, latency_ms: record.latency_ms, download_kbps: record.download_kbps };
    let quality = measured_quality(&figures);
    let (has_position, lon, lat) = position_binds(record.lon, record.lat);
    let (has_accuracy, accuracy) = crate::db::nullable_f64(record.accuracy_m);
    let (has_latency, latency) = crate::db::nullable_f64(record.latency_ms);
    let (has_download, download) = crate::db::nullable_f64(record.download_kbps);
    let (has_upload, upload) = crate::db::nullable_f64(record.upload_kbps);
    let inserted: Option<(i64,)> = sqlx::query_as(
        "INSERT INTO measurement (client_uuid, village_id, operator, network_type, no_signal, latency_ms,
                                  download_kbps, upload_kbps, quality, lon, lat, accuracy_m, measured_at,
                                  recorded_by, received_at)
         VALUES ($1, $2, $3, $4, $5, CASE WHEN $16 THEN $6 END, CASE WHEN $17 THEN $7 END,
                 CASE WHEN $18 THEN $8 END, $9, CASE WHEN $19 THEN $10 END, CASE WHEN $19 THEN $11 END,
                 CASE WHEN $20 THEN $12 END, $13, $14, $15)
         ON CONFLICT (client_uuid) DO NOTHING
         RETURNING id",
    )
    .bind(&uuid)
    .bind(village_id)
    .bind(&operator)
    .bind(record.network_type.as_str())
    .bind(i64::from(record.no_signal))
    .bind(latency)
    .bind(download)
    .bind(upload)
    .bind(quality)
    .bind(lon)
    .bind(lat)
    .bind(accuracy)
    .bind(&measured_at)
    .bind(principal.audit_name())
    .bind(crate::now_utc_text())
    .bind(has_latency)
    .bind(has_download)
    .bind(has_upload)
    .bind(has_position)
    .bind(has_accuracy)
    .fetch_optional(&mut *tx)
    .await?;
    let Some((id,)) = inserted else {
        return answer_if_stored(tx, context, principal, "measurement", &uuid).await?.ok_or(StoreError::NotFound);
    };
    context.audit.push(crate::audit::PendingChange {
        action: "sync",
        entity_type: "measurement",
        entity_id: id.to_string(),
        after: serde_json::json!({
            "uuid": uuid, "village_id": village_id, "operator": operator, "measured_at": measured_at,
            "network_type": record.network_type.as_str(), "no_signal": record.no_signal, "quality": quality,
        }),
    });
    Ok(stored(uuid, SyncOutcome::Stored, id, false))
}

/// Stores one measurement sent on its own (`POST /api/v1/measurements`, any signed-in account):
/// the same checks and the same once-per-UUID answer as in a batch.
pub async fn record_measurement(
    db: &crate::Db,
    principal: &Principal,
    record: MeasurementRecord,
) -> Result<SyncResult, StoreError> {
    crate::access::require(principal, model::Capability::SignIn)?;
    let mut record = record;
    record.uuid = super::records::normalised_uuid(&record.uuid);
    let mut tx = db.begin_write().await?;
    let mut context = BatchContext::default();
    let result = store_measurement(&mut tx, &mut context, principal, record).await?;
    crate::audit::record_all(&mut tx, crate::audit::Actor::Principal(principal), &context.audit).await?;
    tx.commit().await?;
    Ok(result)
}
