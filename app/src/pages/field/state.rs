//! The field app's state, shared by its parts: the phone's queue and copies of the lists, the
//! chosen village, the position, the network, and the sheet open over the list.

use super::device::{self, Fix};
use super::phone_store;
use super::queue::{self, CorrectionFailure, QueueState, QueuedRecord, SyncFailure, SyncReport};
use crate::field_records::{HouseholdEntry, SyncRecord, VillageProgress, VisitRecord};
use crate::pages::api_client::{get_json, CallFailure};
use leptos::prelude::*;
use leptos::task::spawn_local;

/// Household lists of up to this many villages are kept on the phone for offline use; a team
/// member has a few, an officer a commune's worth.
const PREFETCH_VILLAGES: usize = 25;

const CACHE_VILLAGES: &str = "villages";
const CACHE_CHOSEN_VILLAGE: &str = "chosen-village";
/// The account the copies were made for.
const CACHE_ACCOUNT: &str = "account";

fn households_key(village_code: &str) -> String {
    format!("households:{village_code}")
}

fn allocations_key(village_code: &str) -> String {
    format!("allocations:{village_code}")
}

/// What the status line tells the team member after an action.
#[derive(Clone, Debug, PartialEq)]
pub(super) enum Notice {
    SavedOnPhone,
    Synced(SyncReport),
    SyncFailed(SyncFailure),
    PhoneStore(phone_store::PhoneStoreError),
    Account(CallFailure),
    Corrected,
    CorrectionFailed(CorrectionFailure),
}

/// The sheet open over the list.
#[derive(Clone, Debug, PartialEq)]
pub(super) enum Sheet {
    Closed,
    NewHousehold,
    /// A new visit, or the correction of one (`editing`: the queued visit as it is now).
    Visit {
        household_uuid: String,
        label: String,
        editing: Option<Box<QueuedRecord>>,
    },
    /// The handover of a device the commune officer allocated.
    Handover(Box<crate::donations::Allocation>),
}

/// A household as the list shows it: from the server's list or recorded on this phone.
#[derive(Clone, Debug, PartialEq)]
pub(super) struct Door {
    pub(super) uuid: String,
    pub(super) label: String,
    pub(super) position: Option<(f64, f64)>,
    pub(super) visits: i64,
    /// Something about this household (itself or a visit) is not on the server yet.
    pub(super) waiting: bool,
    pub(super) distance_m: Option<f64>,
}

/// The page's state, shared by its parts (all signals, so it is `Copy`).
#[derive(Clone, Copy)]
pub(super) struct Field {
    pub(super) records: RwSignal<Vec<QueuedRecord>>,
    pub(super) villages: RwSignal<Vec<VillageProgress>>,
    pub(super) village: RwSignal<Option<String>>,
    /// The chosen village's households as last fetched from the server (`None`: never fetched).
    pub(super) households: RwSignal<Option<Vec<HouseholdEntry>>>,
    /// Devices allocated in the chosen village, waiting for their handover (as last fetched).
    pub(super) allocations: RwSignal<Vec<crate::donations::Allocation>>,
    pub(super) position: RwSignal<Option<Fix>>,
    pub(super) position_denied: RwSignal<bool>,
    pub(super) online: RwSignal<bool>,
    pub(super) syncing: RwSignal<bool>,
    pub(super) notice: RwSignal<Option<Notice>>,
    pub(super) sheet: RwSignal<Sheet>,
    /// Set once the phone's store has been read: tests and people can trust the lists then.
    pub(super) ready: RwSignal<bool>,
    /// The account signed in on this phone, as the server last said (`None`: nobody).
    pub(super) account: RwSignal<Option<String>>,
    /// Records another account made on this phone and has not sent yet: counted, never listed.
    pub(super) others_waiting: RwSignal<usize>,
}

impl Field {
    pub(super) fn new() -> Field {
        Field {
            records: RwSignal::new(Vec::new()),
            villages: RwSignal::new(Vec::new()),
            village: RwSignal::new(None),
            households: RwSignal::new(None),
            allocations: RwSignal::new(Vec::new()),
            position: RwSignal::new(None),
            position_denied: RwSignal::new(false),
            online: RwSignal::new(true),
            syncing: RwSignal::new(false),
            notice: RwSignal::new(None),
            sheet: RwSignal::new(Sheet::Closed),
            ready: RwSignal::new(false),
            account: RwSignal::new(None),
            others_waiting: RwSignal::new(0),
        }
    }

    pub(super) fn pending_count(self) -> usize {
        self.records.with(|records| records.iter().filter(|record| record.state == QueueState::Pending).count())
    }

    /// Reads the queue from the phone again (after a save or a sync).
    async fn reload_records(self) {
        match load_records().await {
            Ok(mut records) => {
                let account = self.account.get_untracked();
                let ours = |queued: &QueuedRecord| queued.belongs_to(account.as_deref());
                self.others_waiting
                    .set(records.iter().filter(|queued| queued.state != QueueState::Synced && !ours(queued)).count());
                records.retain(ours);
                self.records.set(records);
            }
            Err(error) => self.notice.set(Some(Notice::PhoneStore(error))),
        }
    }

    /// Everything the page needs when it opens: the queue, the lists (phone copy first, then the
    /// server's when reachable), the position, and a first sync.
    pub(super) async fn start(self) {
        device::ask_for_persistent_storage();
        self.online.set(device::is_online());
        self.learn_account().await;
        self.reload_records().await;
        if self.account.get_untracked().is_none() {
            self.ready.set(true);
            return;
        }
        if let Some(villages) = read_cache::<Vec<VillageProgress>>(CACHE_VILLAGES).await {
            self.villages.set(villages);
        }
        let remembered = read_cache::<String>(CACHE_CHOSEN_VILLAGE).await;
        self.choose_initial_village(remembered.clone());
        if let Some(code) = self.village.get_untracked() {
            self.households.set(read_cache(&households_key(&code)).await);
            self.allocations.set(read_cache(&allocations_key(&code)).await.unwrap_or_default());
        }
        self.ready.set(true);
        if device::is_online() {
            self.sync().await;
            self.refresh_lists(remembered).await;
        }
    }

    /// Who the phone's copies are for. Online, the server says who is signed in, and copies made
    /// for anyone else (or for nobody: a session that ended elsewhere) are forgotten before
    /// anything is shown. Offline, the account last seen here stays: signing out forgets it.
    async fn learn_account(self) {
        let remembered = read_cache::<String>(CACHE_ACCOUNT).await;
        let account = if device::is_online() {
            match crate::auth_api::signed_in_user().await {
                Ok(user) => {
                    let account = user.map(|user| user.username);
                    if account != remembered {
                        self.forget_lists(account.as_deref()).await;
                    }
                    account
                }
                Err(_) => remembered,
            }
        } else {
            remembered
        };
        if account.is_none() {
            self.notice.set(Some(Notice::Account(CallFailure::SignedOut)));
        }
        self.account.set(account);
    }

    /// Drops the copies of the server's lists, on the phone and on the screen, and notes whom the
    /// next copies are for.
    async fn forget_lists(self, account: Option<&str>) {
        let cleared = match phone_store::open().await {
            Ok(database) => phone_store::clear(&database, phone_store::CACHE).await,
            Err(error) => Err(error),
        };
        if let Err(error) = cleared {
            self.notice.set(Some(Notice::PhoneStore(error)));
        }
        if let Some(account) = account {
            write_cache(CACHE_ACCOUNT, &account).await;
        }
        self.villages.set(Vec::new());
        self.village.set(None);
        self.households.set(None);
        self.allocations.set(Vec::new());
    }

    fn choose_initial_village(self, remembered: Option<String>) {
        let villages = self.villages.get_untracked();
        let chosen = remembered
            .filter(|code| villages.iter().any(|village| &village.village_code == code))
            .or_else(|| villages.first().map(|village| village.village_code.clone()));
        if chosen.is_some() && self.village.get_untracked().is_none() {
            self.village.set(chosen);
        }
    }

    /// Fetches the villages and their household lists, keeping copies on the phone.
    async fn refresh_lists(self, remembered: Option<String>) {
        match get_json::<Vec<VillageProgress>>("/api/v1/progress/villages").await {
            Ok(villages) => {
                write_cache(CACHE_VILLAGES, &villages).await;
                let codes: Vec<String> =
                    villages.iter().take(PREFETCH_VILLAGES).map(|village| village.village_code.clone()).collect();
                self.villages.set(villages);
                self.choose_initial_village(remembered);
                for code in codes {
                    self.fetch_households(&code).await;
                }
            }
            Err(CallFailure::SignedOut) => {
                self.forget_lists(None).await;
                self.account.set(None);
                self.reload_records().await;
                self.notice.set(Some(Notice::Account(CallFailure::SignedOut)));
            }
            Err(CallFailure::Forbidden) => self.notice.set(Some(Notice::Account(CallFailure::Forbidden))),
            // Unreachable or failing server: the phone's copies stay in use.
            Err(_) => {}
        }
    }

    /// Fetches one village's households and the devices allocated there; shows them if it is the
    /// chosen village.
    async fn fetch_households(self, code: &str) {
        let village = js_sys::encode_uri_component(code);
        let url = format!("/api/v1/households?village={village}&limit=5000");
        if let Ok(households) = get_json::<Vec<HouseholdEntry>>(&url).await {
            write_cache(&households_key(code), &households).await;
            if self.village.get_untracked().as_deref() == Some(code) {
                self.households.set(Some(households));
            }
        }
        let url = format!("/api/v1/allocations?village={village}&status=allocated");
        if let Ok(allocations) = get_json::<Vec<crate::donations::Allocation>>(&url).await {
            write_cache(&allocations_key(code), &allocations).await;
            if self.village.get_untracked().as_deref() == Some(code) {
                self.allocations.set(allocations);
            }
        }
    }

    /// Switches to another village: the phone's copy at once, the server's when it answers.
    pub(super) async fn show_village(self, code: String) {
        self.village.set(Some(code.clone()));
        write_cache(CACHE_CHOSEN_VILLAGE, &code).await;
        self.households.set(read_cache(&households_key(&code)).await);
        self.allocations.set(read_cache(&allocations_key(&code)).await.unwrap_or_default());
        if device::is_online() {
            self.fetch_households(&code).await;
        }
    }

    /// Sends the pending records. One sync at a time per page; a second tap while one runs does
    /// nothing (the running one will send what is pending).
    pub(super) async fn sync(self) {
        let Some(account) = self.account.get_untracked() else { return };
        if self.syncing.get_untracked() || self.pending_count() == 0 {
            return;
        }
        self.syncing.set(true);
        let outcome = match phone_store::open().await {
            Ok(database) => queue::send_pending(&database, &account).await,
            Err(error) => Err(SyncFailure::Phone(error)),
        };
        self.reload_records().await;
        self.syncing.set(false);
        match outcome {
            Ok(report) => {
                self.notice.set(Some(Notice::Synced(report)));
                if let Some(code) = self.village.get_untracked() {
                    self.fetch_households(&code).await;
                }
            }
            Err(failure) => self.notice.set(Some(Notice::SyncFailed(failure))),
        }
    }

    /// Saves a record on the phone (a new one, or a pending one changed: it keeps its place in the
    /// queue), then tries to send it.
    pub(super) async fn record(self, record: SyncRecord, saved_at_ms: Option<f64>) -> bool {
        self.keep(QueuedRecord::pending(record, saved_at_ms.unwrap_or_else(device::now_ms))).await
    }

    /// Saves a queued record as it is (with its photo or caption), then tries to send it.
    pub(super) async fn keep(self, mut queued: QueuedRecord) -> bool {
        if queued.author.is_none() {
            queued.author = self.account.get_untracked();
        }
        let saved = match phone_store::open().await {
            Ok(database) => queue::save(&database, &queued).await,
            Err(error) => Err(error),
        };
        if let Err(error) = saved {
            self.notice.set(Some(Notice::PhoneStore(error)));
            return false;
        }
        self.reload_records().await;
        self.notice.set(Some(Notice::SavedOnPhone));
        if device::is_online() {
            spawn_local(self.sync());
        }
        true
    }

    /// Sends a correction of a synced visit to the server (it needs the network).
    pub(super) async fn correct(self, queued: QueuedRecord, visit: VisitRecord) -> bool {
        let outcome = match phone_store::open().await {
            Ok(database) => queue::correct_synced_visit(&database, queued, visit).await,
            Err(error) => Err(CorrectionFailure::Phone(error)),
        };
        self.reload_records().await;
        match outcome {
            Ok(()) => {
                self.notice.set(Some(Notice::Corrected));
                true
            }
            Err(failure) => {
                self.notice.set(Some(Notice::CorrectionFailed(failure)));
                false
            }
        }
    }

    pub(super) async fn discard(self, uuid: String) {
        let removed = match phone_store::open().await {
            Ok(database) => queue::discard(&database, &uuid).await,
            Err(error) => Err(error),
        };
        if let Err(error) = removed {
            self.notice.set(Some(Notice::PhoneStore(error)));
        }
        self.reload_records().await;
    }

    /// The chosen village's households with what this phone recorded, nearest first when the
    /// position is known, otherwise not-yet-visited first.
    pub(super) fn doors(self) -> Vec<Door> {
        let Some(village) = self.village.get() else { return Vec::new() };
        let records = self.records.get();
        let mut doors: Vec<Door> = self
            .households
            .get()
            .unwrap_or_default()
            .into_iter()
            .map(|household| Door {
                position: household.lon.zip(household.lat),
                uuid: household.uuid,
                label: household.label,
                visits: household.visits,
                waiting: false,
                distance_m: None,
            })
            .collect();
        for queued in &records {
            if let SyncRecord::Household(household) = &queued.record {
                let listed = doors.iter().any(|door| door.uuid == household.uuid);
                if household.village_code == village && queued.state != QueueState::Rejected && !listed {
                    doors.push(Door {
                        uuid: household.uuid.clone(),
                        label: household.label.clone(),
                        position: household.lon.zip(household.lat),
                        visits: 0,
                        waiting: queued.state == QueueState::Pending,
                        distance_m: None,
                    });
                }
            }
        }
        for queued in records.iter().filter(|queued| queued.state == QueueState::Pending) {
            if let SyncRecord::Visit(visit) = &queued.record {
                if let Some(door) = doors.iter_mut().find(|door| visit.household_uuid.as_ref() == Some(&door.uuid)) {
                    door.visits += 1;
                    door.waiting = true;
                }
            }
        }
        if let Some(fix) = self.position.get() {
            for door in &mut doors {
                door.distance_m = door.position.map(|position| device::distance_m((fix.lon, fix.lat), position));
            }
            doors.sort_by(|a, b| match (a.distance_m, b.distance_m) {
                (Some(a), Some(b)) => a.total_cmp(&b),
                (Some(_), None) => std::cmp::Ordering::Less,
                (None, Some(_)) => std::cmp::Ordering::Greater,
                (None, None) => a.label.cmp(&b.label),
            });
        } else {
            doors.sort_by_key(|door| door.visits > 0);
        }
        doors
    }

    /// How a record is named in the phone's list.
    pub(super) fn record_label(self, record: &SyncRecord) -> String {
        match record {
            SyncRecord::Household(household) => household.label.clone(),
            SyncRecord::Visit(visit) => {
                let uuid = visit.household_uuid.clone().unwrap_or_default();
                let listed = self.households.with(|households| {
                    households.iter().flatten().find(|household| household.uuid == uuid).map(|h| h.label.clone())
                });
                listed
                    .or_else(|| {
                        self.records.with(|records| {
                            records.iter().find_map(|queued| match &queued.record {
                                SyncRecord::Household(household) if household.uuid == uuid => {
                                    Some(household.label.clone())
                                }
                                _ => None,
                            })
                        })
                    })
                    .unwrap_or_else(|| "—".to_owned())
            }
            // Handovers carry their caption in the queue (see `QueuedRecord::caption`).
            SyncRecord::Handover(_) => "—".to_owned(),
            SyncRecord::Measurement(measurement) => {
                format!("{} {}", measurement.operator, measurement.network_type.as_str())
            }
        }
    }
}

async fn load_records() -> Result<Vec<QueuedRecord>, phone_store::PhoneStoreError> {
    let database = phone_store::open().await?;
    queue::load(&database).await
}

/// A copy kept on the phone; `None` when missing or unreadable (it is refetched when online).
/// The account the field app last saw signed in on this phone: who the map page's measurements
/// are for when it opens with no network (signing out forgets it).
pub(in crate::pages) async fn account_last_seen() -> Option<String> {
    read_cache(CACHE_ACCOUNT).await
}

async fn read_cache<T: serde::de::DeserializeOwned>(key: &str) -> Option<T> {
    let database = phone_store::open().await.ok()?;
    let json = phone_store::get(&database, phone_store::CACHE, key).await.ok()??;
    serde_json::from_str(&json).ok()
}

/// Keeps a copy on the phone. A copy that cannot be written only costs the offline view.
async fn write_cache<T: serde::Serialize>(key: &str, value: &T) {
    let (Ok(database), Ok(json)) = (phone_store::open().await, serde_json::to_string(value)) else { return };
    let _ = phone_store::put(&database, phone_store::CACHE, key, &json).await;
}
