//! The queue of records made on this phone. Every record is written to the phone first and sent
//! to `POST /api/v1/sync` later; it becomes "synced" only when the server's answer names its UUID
//! as stored (or stored before). An answer that never arrives leaves it pending, and sending it
//! again is harmless because the server stores each UUID once.

use super::phone_store::{self, PhoneStoreError, QUEUE};
use crate::field_records::{EditedVisit, SyncOutcome, SyncRecord, SyncResult, VisitEdit, VisitRecord};
use crate::pages::api_client::{patch_json, post_json, put_bytes, CallFailure, ErrorAnswer};
use serde::{Deserialize, Serialize};
use web_sys::IdbDatabase;

/// Records per request: small enough that a batch gets through a weak 3G link before it drops.
const BATCH: usize = 100;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum QueueState {
    /// On the phone only ("đang chờ đồng bộ").
    Pending,
    /// The server acknowledged this exact record.
    Synced,
    /// The server refused it; `reason_vi` says why. Kept on the phone so nothing vanishes.
    Rejected,
}

/// One record as the phone keeps it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct QueuedRecord {
    pub record: SyncRecord,
    pub state: QueueState,
    /// When it was saved on the phone (ms since the epoch); the queue is sent in this order.
    pub saved_at_ms: f64,
    pub server_id: Option<i64>,
    pub reason: Option<String>,
    pub reason_vi: Option<String>,
    #[serde(default)]
    pub outside_area: bool,
    /// The server's version of a synced visit (1 when first stored): sent back with a correction.
    #[serde(default)]
    pub version: Option<i64>,
    /// A handover's photo, uploaded before the record itself.
    #[serde(default)]
    pub photo: Option<PhotoAttachment>,
    /// How the list names a record whose own fields do not say it (a handover: device and household).
    #[serde(default)]
    pub caption: Option<String>,
    /// The account that made it on this phone: only that account sends it or sees it listed, so
    /// a shared phone neither credits the next person with it nor shows it to them. `None` for
    /// records kept before phones noted it (they go with whoever signs in).
    #[serde(default)]
    pub author: Option<String>,
}

/// A photo kept on the phone with the record it belongs to, as a compressed JPEG `data:` URL.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PhotoAttachment {
    pub uuid: String,
    /// The picture; dropped once its record is synced, to give the phone its space back.
    pub data_url: Option<String>,
    /// The server has stored the picture.
    pub uploaded: bool,
}

impl QueuedRecord {
    pub fn pending(record: SyncRecord, saved_at_ms: f64) -> QueuedRecord {
        QueuedRecord {
            record,
            state: QueueState::Pending,
            saved_at_ms,
            server_id: None,
            reason: None,
            reason_vi: None,
            outside_area: false,
            version: None,
            photo: None,
            caption: None,
            author: None,
        }
    }

    /// Whether the account signed in on this phone (`None`: nobody) may see and send it.
    pub fn belongs_to(&self, account: Option<&str>) -> bool {
        account.is_some_and(|account| self.author.as_deref().is_none_or(|author| author == account))
    }

    pub fn uuid(&self) -> &str {
        match &self.record {
            SyncRecord::Household(household) => &household.uuid,
            SyncRecord::Visit(visit) => &visit.uuid,
            SyncRecord::Handover(handover) => &handover.uuid,
            SyncRecord::Measurement(measurement) => &measurement.uuid,
        }
    }

    /// Households go first (visits name them), then visits (handovers name them), then handovers;
    /// measurements name nothing and go last.
    fn send_order(&self) -> u8 {
        match self.record {
            SyncRecord::Household(_) => 0,
            SyncRecord::Visit(_) => 1,
            SyncRecord::Handover(_) => 2,
            SyncRecord::Measurement(_) => 3,
        }
    }

    /// Takes the server's verdict on this record.
    fn apply(&mut self, result: &SyncResult) {
        match result.outcome {
            SyncOutcome::Stored | SyncOutcome::AlreadyStored => {
                self.state = QueueState::Synced;
                self.server_id = result.id;
                self.outside_area = result.outside_area;
                self.version = self.version.or(Some(1));
                if let Some(photo) = &mut self.photo {
                    photo.data_url = None;
                }
            }
            SyncOutcome::Rejected => {
                self.state = QueueState::Rejected;
                self.reason = result.reason.clone();
                self.reason_vi = result.reason_vi.clone();
            }
        }
    }
}

/// Why a sync stopped early. Records not yet acknowledged stay pending either way.
#[derive(Clone, Debug, PartialEq)]
pub enum SyncFailure {
    Phone(PhoneStoreError),
    Server(CallFailure),
}

impl From<PhoneStoreError> for SyncFailure {
    fn from(error: PhoneStoreError) -> Self {
        SyncFailure::Phone(error)
    }
}

/// What one sync achieved.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SyncReport {
    pub synced: usize,
    pub rejected: usize,
}

#[derive(Serialize)]
struct SyncRequest<'a> {
    records: Vec<&'a SyncRecord>,
}

#[derive(Deserialize)]
struct SyncResponse {
    results: Vec<SyncResult>,
}

/// Every record on the phone, oldest first. A value that cannot be read (written by a future
/// version of the app) stays in the store untouched and is left out here.
pub async fn load(database: &IdbDatabase) -> Result<Vec<QueuedRecord>, PhoneStoreError> {
    let mut records: Vec<QueuedRecord> = phone_store::get_all(database, QUEUE)
        .await?
        .iter()
        .filter_map(|json| serde_json::from_str(json).ok())
        .collect();
    records.sort_by(|a, b| a.saved_at_ms.total_cmp(&b.saved_at_ms));
    Ok(records)
}

/// Saves (or replaces, same UUID) a record and returns once the phone has committed it.
pub async fn save(database: &IdbDatabase, record: &QueuedRecord) -> Result<(), PhoneStoreError> {
    let json = serde_json::to_string(record).map_err(|error| PhoneStoreError(error.to_string()))?;
    phone_store::put(database, QUEUE, record.uuid(), &json).await
}

/// Removes a record the server refused, once the team member has read why.
pub async fn discard(database: &IdbDatabase, uuid: &str) -> Result<(), PhoneStoreError> {
    phone_store::delete(database, QUEUE, uuid).await
}

/// Uploads the photo of a pending record, if it has one not yet on the server, and notes on the
/// phone that it is there. A photo the server refuses makes its record rejected, with the reason:
/// sending it again would not help, and the team member sees why.
async fn upload_photo(database: &IdbDatabase, queued: &mut QueuedRecord) -> Result<(), SyncFailure> {
    let Some(photo) = queued.photo.clone().filter(|photo| !photo.uploaded) else { return Ok(()) };
    let Some(data_url) = photo.data_url.as_deref() else { return Ok(()) };
    let Ok(bytes) = data_url_bytes(data_url) else {
        queued.state = QueueState::Rejected;
        queued.reason = Some("the photo kept on the phone is unreadable".to_owned());
        queued.reason_vi = Some("Ảnh lưu trên điện thoại bị hỏng. Ghi lại bàn giao với ảnh mới.".to_owned());
        save(database, queued).await?;
        return Ok(());
    };
    let url = format!("/api/v1/handover-photos/{}", js_sys::encode_uri_component(&photo.uuid));
    match put_bytes(&url, &bytes, "image/jpeg").await {
        Ok(()) => {
            queued.photo = Some(PhotoAttachment { uploaded: true, ..photo });
        }
        Err(CallFailure::Status(status @ (413 | 415 | 422), message)) => {
            queued.state = QueueState::Rejected;
            queued.reason = Some(format!("photo refused ({status}): {message}"));
            queued.reason_vi =
                Some(format!("Máy chủ không nhận ảnh bàn giao ({status}). Ghi lại bàn giao với ảnh khác."));
        }
        Err(failure) => return Err(SyncFailure::Server(failure)),
    }
    save(database, queued).await?;
    Ok(())
}

/// The bytes of a base64 `data:` URL. Decoded here with `atob`, not fetched: the page's
/// Content-Security-Policy allows `fetch` to our own origin only.
fn data_url_bytes(data_url: &str) -> Result<js_sys::Uint8Array, wasm_bindgen::JsValue> {
    let (_, base64) = data_url.split_once(',').ok_or_else(|| wasm_bindgen::JsValue::from_str("not a data URL"))?;
    let window = web_sys::window().ok_or_else(|| wasm_bindgen::JsValue::from_str("no window"))?;
    // `atob` answers a "binary string": one character per byte, each below 256.
    let bytes: Vec<u8> = window.atob(base64)?.chars().map(|byte| byte as u32 as u8).collect();
    Ok(js_sys::Uint8Array::from(bytes.as_slice()))
}

/// Sends every pending record, households before the visits that may point at them and visits
/// before the handovers that may name them, and stores each verdict on the phone as soon as its
/// batch is answered.
pub async fn send_pending(database: &IdbDatabase, account: &str) -> Result<SyncReport, SyncFailure> {
    let mut pending: Vec<QueuedRecord> = load(database)
        .await?
        .into_iter()
        .filter(|record| record.state == QueueState::Pending && record.belongs_to(Some(account)))
        .collect();
    pending.sort_by_key(QueuedRecord::send_order);
    for queued in &mut pending {
        upload_photo(database, queued).await?;
    }
    let mut report = SyncReport {
        synced: 0,
        rejected: pending.iter().filter(|queued| queued.state == QueueState::Rejected).count(),
    };
    pending.retain(|queued| queued.state == QueueState::Pending);
    for batch in pending.chunks_mut(BATCH) {
        let request = SyncRequest { records: batch.iter().map(|queued| &queued.record).collect() };
        let response: SyncResponse = post_json("/api/v1/sync", &request).await.map_err(SyncFailure::Server)?;
        let mut updates = Vec::new();
        for queued in batch.iter_mut() {
            let Some(result) = response.results.iter().find(|result| result.uuid == queued.uuid()) else {
                continue;
            };
            queued.apply(result);
            match queued.state {
                QueueState::Synced => report.synced += 1,
                QueueState::Rejected => report.rejected += 1,
                QueueState::Pending => {}
            }
            let json = serde_json::to_string(&*queued).map_err(|error| PhoneStoreError(error.to_string()))?;
            updates.push((queued.uuid().to_owned(), json));
        }
        phone_store::put_all(database, QUEUE, &updates).await?;
    }
    Ok(report)
}

/// Sends this account's pending measurements one at a time to `POST /api/v1/measurements`: the
/// map page's way, open to every signed-in account (the sync route is the field app's, for those
/// who record visits). Each verdict is stored on the phone as soon as it is known; a refused
/// measurement stays listed with the server's reason, like a refused visit.
pub async fn send_pending_measurements(database: &IdbDatabase, account: &str) -> Result<SyncReport, SyncFailure> {
    let pending = load(database).await?.into_iter().filter(|queued| {
        queued.state == QueueState::Pending
            && queued.belongs_to(Some(account))
            && matches!(queued.record, SyncRecord::Measurement(_))
    });
    let mut report = SyncReport::default();
    for mut queued in pending {
        let SyncRecord::Measurement(measurement) = &queued.record else { continue };
        let result = match post_json::<_, SyncResult>("/api/v1/measurements", measurement).await {
            Ok(result) => result,
            Err(CallFailure::Status(422, body)) => refusal(queued.uuid(), &body),
            Err(failure) => return Err(SyncFailure::Server(failure)),
        };
        queued.apply(&result);
        match queued.state {
            QueueState::Synced => report.synced += 1,
            QueueState::Rejected => report.rejected += 1,
            QueueState::Pending => {}
        }
        save(database, &queued).await?;
    }
    Ok(report)
}

/// The verdict a 422 answer of a single record carries: refused, with the API's reasons.
fn refusal(uuid: &str, body: &str) -> SyncResult {
    let (reason, reason_vi) = match serde_json::from_str::<ErrorAnswer<serde::de::IgnoredAny>>(body) {
        Ok(answer) => (answer.error.message, answer.error.message_vi),
        Err(_) => (body.to_owned(), None),
    };
    SyncResult {
        uuid: uuid.to_owned(),
        outcome: SyncOutcome::Rejected,
        id: None,
        reason: Some(reason),
        reason_vi,
        outside_area: false,
    }
}

/// What a phone forgets when its account signs out: the lists copied from the server (names of
/// households) and the records the server already holds. Records not yet sent, or refused, stay:
/// they are the only copy, and their author sends or reviews them at the next sign-in.
pub async fn forget_at_sign_out(database: &IdbDatabase) -> Result<(), PhoneStoreError> {
    phone_store::clear(database, phone_store::CACHE).await?;
    for record in load(database).await? {
        if record.state == QueueState::Synced {
            discard(database, record.uuid()).await?;
        }
    }
    Ok(())
}

/// Why a correction of a synced visit was not made. The phone's copy is unchanged then.
#[derive(Clone, Debug, PartialEq)]
pub enum CorrectionFailure {
    Phone(PhoneStoreError),
    Server(CallFailure),
    /// Someone corrected the visit on the server since this phone last saw it.
    Conflict,
}

/// Sends a correction of a visit the server already holds, from the version this phone last saw,
/// and keeps the corrected copy on the phone once the server took it.
pub async fn correct_synced_visit(
    database: &IdbDatabase,
    mut queued: QueuedRecord,
    visit: VisitRecord,
) -> Result<(), CorrectionFailure> {
    let edit = VisitEdit {
        people_helped: visit.people_helped,
        skills: visit.skills.clone(),
        vneid_activated: visit.vneid_activated,
        bank_account_opened: visit.bank_account_opened,
        note: visit.note.clone(),
    };
    let url = format!("/api/v1/visits/{}", js_sys::encode_uri_component(&visit.uuid));
    let if_match = format!("\"{}\"", queued.version.unwrap_or(1));
    let edited: EditedVisit = patch_json(&url, &edit, Some(&if_match)).await.map_err(|failure| match failure {
        CallFailure::Status(409, _) => CorrectionFailure::Conflict,
        other => CorrectionFailure::Server(other),
    })?;
    queued.record = SyncRecord::Visit(visit);
    queued.version = Some(edited.version);
    save(database, &queued).await.map_err(CorrectionFailure::Phone)
}
