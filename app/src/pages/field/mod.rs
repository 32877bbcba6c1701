//! The field app (`/thuc-dia`): a team member's village households, nearest first, and the forms
//! that record a visit or a new household in a few taps, offline first.
//!
//! Every record goes to the phone's store before anything else ([`queue`]); the screen says
//! "đang chờ đồng bộ" until the server acknowledges that exact record. Sending happens on app
//! start, when the network comes back, on a retry timer and from the "Đồng bộ ngay" button.
//! The page is rendered on the server as an empty frame (no personal data), so the service
//! worker can keep it and it opens offline; the lists come from the phone's store and the API.

mod area_map;
mod device;
mod handover;
mod phone_store;
mod queue;
/// Also fills tile URLs for the map page's server-rendered picture (`pages::map_preview`).
pub(in crate::pages) mod tile_cache;

use super::api_client::{get_json, CallFailure};
use crate::field_records::{HouseholdEntry, HouseholdRecord, Skill, SyncRecord, VillageProgress, VisitRecord};
use crate::i18n::fill;
use crate::{ui_text, use_texts};
use device::Fix;
use leptos::prelude::*;
use leptos::task::spawn_local;
use queue::{CorrectionFailure, QueueState, QueuedRecord, SyncFailure, SyncReport};
use std::time::Duration;

/// How often a phone with pending records tries again while it believes it is online.
const RETRY_EVERY: Duration = Duration::from_secs(30);
/// Household lists of up to this many villages are kept on the phone for offline use; a team
/// member has a few, an officer a commune's worth.
const PREFETCH_VILLAGES: usize = 25;
/// Synced records listed under "Bản ghi trên máy này" (pending and refused ones are all listed).
const SYNCED_SHOWN: usize = 30;
/// Longest note the form accepts (the server allows more; a note is meant to be short).
const NOTE_MAX_CHARS: usize = 500;

const CACHE_VILLAGES: &str = "villages";
const CACHE_CHOSEN_VILLAGE: &str = "chosen-village";

fn households_key(village_code: &str) -> String {
    format!("households:{village_code}")
}

fn allocations_key(village_code: &str) -> String {
    format!("allocations:{village_code}")
}

/// What the status line tells the team member after an action.
#[derive(Clone, Debug, PartialEq)]
enum Notice {
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
enum Sheet {
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
struct Door {
    uuid: String,
    label: String,
    position: Option<(f64, f64)>,
    visits: i64,
    /// Something about this household (itself or a visit) is not on the server yet.
    waiting: bool,
    distance_m: Option<f64>,
}

/// The page's state, shared by its parts (all signals, so it is `Copy`).
#[derive(Clone, Copy)]
struct Field {
    records: RwSignal<Vec<QueuedRecord>>,
    villages: RwSignal<Vec<VillageProgress>>,
    village: RwSignal<Option<String>>,
    /// The chosen village's households as last fetched from the server (`None`: never fetched).
    households: RwSignal<Option<Vec<HouseholdEntry>>>,
    /// Devices allocated in the chosen village, waiting for their handover (as last fetched).
    allocations: RwSignal<Vec<crate::donations::Allocation>>,
    position: RwSignal<Option<Fix>>,
    position_denied: RwSignal<bool>,
    online: RwSignal<bool>,
    syncing: RwSignal<bool>,
    notice: RwSignal<Option<Notice>>,
    sheet: RwSignal<Sheet>,
    /// Set once the phone's store has been read: tests and people can trust the lists then.
    ready: RwSignal<bool>,
}

impl Field {
    fn new() -> Field {
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
        }
    }

    fn pending_count(self) -> usize {
        self.records.with(|records| records.iter().filter(|record| record.state == QueueState::Pending).count())
    }

    /// Reads the queue from the phone again (after a save or a sync).
    async fn reload_records(self) {
        match load_records().await {
            Ok(records) => self.records.set(records),
            Err(error) => self.notice.set(Some(Notice::PhoneStore(error))),
        }
    }

    /// Everything the page needs when it opens: the queue, the lists (phone copy first, then the
    /// server's when reachable), the position, and a first sync.
    async fn start(self) {
        device::ask_for_persistent_storage();
        self.online.set(device::is_online());
        self.reload_records().await;
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
            Err(failure @ (CallFailure::SignedOut | CallFailure::Forbidden)) => {
                self.notice.set(Some(Notice::Account(failure)));
            }
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
    async fn show_village(self, code: String) {
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
    async fn sync(self) {
        if self.syncing.get_untracked() || self.pending_count() == 0 {
            return;
        }
        self.syncing.set(true);
        let outcome = match phone_store::open().await {
            Ok(database) => queue::send_pending(&database).await,
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
    async fn record(self, record: SyncRecord, saved_at_ms: Option<f64>) -> bool {
        self.keep(QueuedRecord::pending(record, saved_at_ms.unwrap_or_else(device::now_ms))).await
    }

    /// Saves a queued record as it is (with its photo or caption), then tries to send it.
    async fn keep(self, queued: QueuedRecord) -> bool {
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
    async fn correct(self, queued: QueuedRecord, visit: VisitRecord) -> bool {
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

    async fn discard(self, uuid: String) {
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
    fn doors(self) -> Vec<Door> {
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
    fn record_label(self, record: &SyncRecord) -> String {
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
        }
    }
}

async fn load_records() -> Result<Vec<QueuedRecord>, phone_store::PhoneStoreError> {
    let database = phone_store::open().await?;
    queue::load(&database).await
}

/// A copy kept on the phone; `None` when missing or unreadable (it is refetched when online).
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

/// A distance as people say it: metres up to a kilometre, then kilometres.
fn distance_text(metres: f64) -> String {
    if metres < 1000.0 {
        format!("{} m", (metres / 10.0).round() * 10.0)
    } else {
        format!("{:.1} km", metres / 1000.0)
    }
}

#[component]
pub fn FieldPage() -> impl IntoView {
    let field = Field::new();
    // The tile source is the same for everyone, so it may sit in the page the service worker keeps.
    let tiles = Resource::new_blocking(|| (), |_| crate::map_api::load_tile_source());
    // The area map is drawn by Leaflet, fetched for this page when it starts (`pages::leaflet`).
    let leaflet = super::leaflet::Leaflet::new();

    Effect::new(move |_| {
        leaflet.request();
        spawn_local(field.start());
        let watch = device::watch_position(
            move |fix| {
                field.position.set(Some(fix));
                field.position_denied.set(false);
            },
            // 1 = PERMISSION_DENIED; a timeout or no fix just keeps waiting.
            move |code| field.position_denied.set(code == 1),
        );
        let back_online = window_event_listener(leptos::ev::online, move |_| {
            field.online.set(true);
            spawn_local(field.sync());
        });
        let gone_offline = window_event_listener(leptos::ev::offline, move |_| field.online.set(false));
        let retry = set_interval_with_handle(
            move || {
                if device::is_online() {
                    spawn_local(field.sync());
                }
            },
            RETRY_EVERY,
        );
        on_cleanup(move || {
            if let Some(id) = watch {
                device::stop_watching(id);
            }
            back_online.remove();
            gone_offline.remove();
            if let Ok(handle) = retry {
                handle.clear();
            }
        });
    });

    view! {
        <section class="page field-app" data-testid="field-page" data-ready=move || field.ready.get().to_string()>
            <h2>{ui_text(|t| t.field.title)}</h2>
            <SyncBar field/>
            <VillagePicker field/>
            <PositionLine field/>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    let tiles = tiles.await.ok();
                    let map_tiles = tiles.clone();
                    view! {
                        <Show when=move || leaflet.ready.get() fallback=|| view! { <div class="field-map"></div> }>
                            {map_tiles.clone().map(|tiles| view! { <area_map::AreaMap field tiles/> })}
                        </Show>
                        {tiles.map(|tiles| view! { <AreaDownload field tiles/> })}
                    }
                })}
            </Suspense>
            <handover::HandoverList field/>
            <DoorList field/>
            <RecordList field/>
            {move || match field.sheet.get() {
                Sheet::Closed => ().into_any(),
                Sheet::NewHousehold => view! { <NewHouseholdForm field/> }.into_any(),
                Sheet::Visit { household_uuid, label, editing } => {
                    view! { <VisitForm field household_uuid label editing/> }.into_any()
                }
                Sheet::Handover(allocation) => view! { <handover::HandoverForm field allocation/> }.into_any(),
            }}
        </section>
    }
}

/// Network state, what waits to be sent, the sync button and the last outcome.
#[component]
fn SyncBar(field: Field) -> impl IntoView {
    let texts = use_texts();
    let pending = move || field.pending_count();
    let notice = move || {
        let texts = texts.get().field;
        field.notice.get().map(|notice| match notice {
            Notice::SavedOnPhone => ("notice notice--ok", texts.saved_on_phone.to_owned()),
            Notice::Synced(report) if report.rejected > 0 => {
                ("notice notice--error", fill(texts.rejected_count, "count", report.rejected))
            }
            Notice::Synced(report) => ("notice notice--ok", fill(texts.synced_count, "count", report.synced)),
            Notice::SyncFailed(SyncFailure::Phone(error))
            | Notice::PhoneStore(error)
            | Notice::CorrectionFailed(CorrectionFailure::Phone(error)) => {
                ("notice notice--error", fill(texts.phone_store_failed, "error", error))
            }
            Notice::Corrected => ("notice notice--ok", texts.corrected.to_owned()),
            Notice::CorrectionFailed(CorrectionFailure::Conflict) => {
                ("notice notice--error", texts.correction_conflict.to_owned())
            }
            Notice::CorrectionFailed(CorrectionFailure::Server(CallFailure::Unreachable)) => {
                ("notice notice--error", texts.correction_needs_network.to_owned())
            }
            Notice::SyncFailed(SyncFailure::Server(failure))
            | Notice::Account(failure)
            | Notice::CorrectionFailed(CorrectionFailure::Server(failure)) => (
                "notice notice--error",
                match failure {
                    CallFailure::Unreachable => texts.unreachable,
                    CallFailure::SignedOut => texts.signed_out,
                    CallFailure::Forbidden => texts.forbidden,
                    CallFailure::Status(..) | CallFailure::Unreadable(_) => texts.server_error,
                }
                .to_owned(),
            ),
        })
    };
    view! {
        <div class="sync-bar" data-testid="sync-bar">
            <p class="sync-bar__network" data-online=move || field.online.get().to_string()>
                {move || if field.online.get() { texts.get().field.online } else { texts.get().field.offline }}
            </p>
            <p class="sync-bar__pending" data-testid="pending-count" data-count=move || pending().to_string()>
                {move || match pending() {
                    0 => texts.get().field.all_synced.to_owned(),
                    count => fill(texts.get().field.pending, "count", count),
                }}
            </p>
            <button
                type="button"
                class="button"
                data-testid="sync-now"
                disabled=move || field.syncing.get()
                on:click=move |_| spawn_local(field.sync())
            >
                {move || if field.syncing.get() { texts.get().field.syncing } else { texts.get().field.sync_now }}
            </button>
            {move || notice().map(|(class, text)| view! { <p class=class role="status" data-testid="field-notice">{text}</p> })}
            {move || matches!(field.notice.get(), Some(Notice::Account(CallFailure::SignedOut)) | Some(Notice::SyncFailed(SyncFailure::Server(CallFailure::SignedOut))))
                .then(|| view! { <a class="button-link" href="/dang-nhap">{ui_text(|t| t.sign_in)}</a> })}
        </div>
    }
}

#[component]
fn VillagePicker(field: Field) -> impl IntoView {
    view! {
        <label class="field">
            <span>{ui_text(|t| t.field.village)}</span>
            <select
                data-testid="village-picker"
                on:change=move |event| spawn_local(field.show_village(event_target_value(&event)))
                prop:value=move || field.village.get().unwrap_or_default()
            >
                {move || {
                    field
                        .villages
                        .get()
                        .into_iter()
                        .map(|village| {
                            let label = format!("{} ({}/{})", village.village, village.households_visited, village.households);
                            view! { <option value=village.village_code>{label}</option> }
                        })
                        .collect_view()
                }}
            </select>
        </label>
    }
}

#[component]
fn PositionLine(field: Field) -> impl IntoView {
    let texts = use_texts();
    view! {
        <p class="hint" data-testid="position">
            {move || match (field.position.get(), field.position_denied.get()) {
                (Some(fix), _) => fill(texts.get().field.position_accuracy, "meters", fix.accuracy_m.round()),
                (None, true) => texts.get().field.position_denied.to_owned(),
                (None, false) => texts.get().field.position_waiting.to_owned(),
            }}
        </p>
    }
}

/// The village's households; a tap opens the visit form.
#[component]
fn DoorList(field: Field) -> impl IntoView {
    let texts = use_texts();
    let open_visit =
        move |door: &Door| Sheet::Visit { household_uuid: door.uuid.clone(), label: door.label.clone(), editing: None };
    view! {
        <div class="door-list__header">
            <h3>{ui_text(|t| t.field.households)}</h3>
            <button
                type="button"
                class="button"
                data-testid="new-household"
                on:click=move |_| field.sheet.set(Sheet::NewHousehold)
                disabled=move || field.village.get().is_none()
            >
                {ui_text(|t| t.field.new_household)}
            </button>
        </div>
        {move || {
            let texts = texts.get().field;
            if !field.ready.get() {
                return view! { <p class="hint">{texts.loading}</p> }.into_any();
            }
            let doors = field.doors();
            if field.households.with(Option::is_none) && doors.is_empty() {
                return view! { <p class="notice">{texts.no_list_offline}</p> }.into_any();
            }
            if doors.is_empty() {
                return view! { <p class="hint">{texts.no_households}</p> }.into_any();
            }
            view! {
                <ul class="door-list" data-testid="door-list">
                    {doors
                        .into_iter()
                        .map(|door| {
                            let sheet = open_visit(&door);
                            let door_class = if door.visits > 0 { "door door--visited" } else { "door" };
                            let visits = if door.visits == 0 {
                                texts.not_visited.to_owned()
                            } else {
                                fill(texts.visited_times, "count", door.visits)
                            };
                            view! {
                                <li>
                                    <button
                                        type="button"
                                        class=door_class
                                        data-testid="door"
                                        on:click=move |_| field.sheet.set(sheet.clone())
                                    >
                                        <span class="door__label">{door.label}</span>
                                        <span class="door__meta">
                                            {visits}
                                            {door.distance_m.map(|metres| format!(" · {}", distance_text(metres)))}
                                            {door.waiting.then(|| view! { <span class="badge badge--pending">{texts.waiting_badge}</span> })}
                                        </span>
                                    </button>
                                </li>
                            }
                        })
                        .collect_view()}
                </ul>
            }
            .into_any()
        }}
    }
}

/// What this phone recorded, newest first, with each record's state.
#[component]
fn RecordList(field: Field) -> impl IntoView {
    let texts = use_texts();
    view! {
        <h3>{ui_text(|t| t.field.records)}</h3>
        {move || {
            let donation_texts = texts.get().donations;
            let texts = texts.get().field;
            let mut records = field.records.get();
            if records.is_empty() {
                return view! { <p class="hint">{texts.no_records}</p> }.into_any();
            }
            records.reverse();
            // Everything still to do stays listed; of the synced, the latest few are enough.
            let mut synced_shown = 0;
            records.retain(|queued| {
                let keep = queued.state != QueueState::Synced || synced_shown < SYNCED_SHOWN;
                synced_shown += usize::from(queued.state == QueueState::Synced);
                keep
            });
            view! {
                <ul class="record-list" data-testid="record-list">
                    {records
                        .into_iter()
                        .map(|queued| {
                            let (kind, moment) = match &queued.record {
                                SyncRecord::Household(_) => (texts.kind_household, String::new()),
                                SyncRecord::Visit(visit) => (texts.kind_visit, device::local_time(&visit.visited_at)),
                                SyncRecord::Handover(handover) => {
                                    (donation_texts.kind_handover, device::local_time(&handover.handed_over_at))
                                }
                            };
                            let (state_class, state_text) = match queued.state {
                                QueueState::Pending => ("badge badge--pending", texts.state_pending),
                                QueueState::Synced => ("badge badge--synced", texts.state_synced),
                                QueueState::Rejected => ("badge badge--rejected", texts.state_rejected),
                            };
                            let label = queued.caption.clone().unwrap_or_else(|| field.record_label(&queued.record));
                            let uuid = queued.uuid().to_owned();
                            // A pending visit is changed on the phone (not while its batch is on the
                            // way); a synced one is corrected on the server, which needs the network.
                            let synced = queued.state == QueueState::Synced;
                            let editable = match (&queued.record, queued.state) {
                                (SyncRecord::Visit(visit), QueueState::Pending | QueueState::Synced) => {
                                    Some(Sheet::Visit {
                                        household_uuid: visit.household_uuid.clone().unwrap_or_default(),
                                        label: label.clone(),
                                        editing: Some(Box::new(queued.clone())),
                                    })
                                }
                                _ => None,
                            };
                            view! {
                                <li class="record" data-testid="record" data-state=format!("{:?}", queued.state).to_lowercase()>
                                    <p class="record__title">
                                        <strong>{kind}</strong>" "{label}" "<small>{moment}</small>
                                    </p>
                                    <p><span class=state_class>{state_text}</span></p>
                                    {queued.reason_vi.clone().map(|reason| view! { <p class="form__error">{reason}</p> })}
                                    {queued.outside_area.then(|| view! { <p class="hint">{texts.outside_area}</p> })}
                                    {editable.map(|sheet| view! {
                                        <button
                                            type="button"
                                            class="button button--secondary"
                                            disabled=move || if synced { !field.online.get() } else { field.syncing.get() }
                                            on:click=move |_| field.sheet.set(sheet.clone())
                                        >
                                            {texts.edit}
                                        </button>
                                    })}
                                    {(queued.state == QueueState::Rejected).then(|| view! {
                                        <button
                                            type="button"
                                            class="button button--secondary"
                                            on:click=move |_| spawn_local(field.discard(uuid.clone()))
                                        >
                                            {texts.discard}
                                        </button>
                                    })}
                                </li>
                            }
                        })
                        .collect_view()}
                </ul>
            }
            .into_any()
        }}
    }
}

/// A household met for the first time: its name, the plan's eligibility flags, and its position
/// from GPS. Saving it opens the visit form for it.
#[component]
fn NewHouseholdForm(field: Field) -> impl IntoView {
    let texts = use_texts();
    let label = RwSignal::new(String::new());
    let flags: [RwSignal<bool>; 5] = std::array::from_fn(|_| RwSignal::new(false));
    let adults = RwSignal::new(String::new());
    let smartphone = RwSignal::new(String::new());
    let error = RwSignal::new(None::<&'static str>);
    let flag_names = move || {
        let texts = texts.get().field;
        [texts.poor, texts.near_poor, texts.ethnic_minority, texts.elderly, texts.disability]
    };
    let save = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let name = label.get_untracked().trim().to_owned();
        if name.is_empty() {
            error.set(Some(texts.get_untracked().field.label_required));
            return;
        }
        let (Some(uuid), Some(village_code)) = (device::new_uuid(), field.village.get_untracked()) else { return };
        let fix = field.position.get_untracked();
        let [poor, near_poor, ethnic_minority, elderly, disability] = flags.map(|flag| flag.get_untracked());
        let household = HouseholdRecord {
            uuid: uuid.clone(),
            village_code,
            label: name.clone(),
            lon: fix.map(|fix| fix.lon),
            lat: fix.map(|fix| fix.lat),
            accuracy_m: fix.map(|fix| fix.accuracy_m),
            poor,
            near_poor,
            ethnic_minority,
            elderly,
            disability,
            adults: adults.get_untracked().trim().parse().ok(),
            has_smartphone: match smartphone.get_untracked().as_str() {
                "yes" => Some(true),
                "no" => Some(false),
                _ => None,
            },
        };
        spawn_local(async move {
            if field.record(SyncRecord::Household(household), None).await {
                field.sheet.set(Sheet::Visit { household_uuid: uuid, label: name, editing: None });
            }
        });
    };
    view! {
        <div class="field-sheet" role="dialog" aria-modal="true" data-testid="household-form">
            <form class="form" on:submit=save>
                <h3>{ui_text(|t| t.field.new_household)}</h3>
                <label class="field">
                    <span>{ui_text(|t| t.field.household_label)}</span>
                    <input type="text" maxlength="200" bind:value=label data-testid="household-label"/>
                    <small class="hint">{ui_text(|t| t.field.household_label_hint)}</small>
                </label>
                <div class="chips">
                    {move || {
                        flag_names()
                            .into_iter()
                            .zip(flags)
                            .map(|(name, flag)| view! {
                                <label class="check check--big"><input type="checkbox" bind:checked=flag/>" "{name}</label>
                            })
                            .collect_view()
                    }}
                </div>
                <label class="field">
                    <span>{ui_text(|t| t.field.adults)}</span>
                    <input type="number" inputmode="numeric" min="0" max="100" bind:value=adults/>
                </label>
                <label class="field">
                    <span>{ui_text(|t| t.donations.has_smartphone)}</span>
                    <select bind:value=smartphone data-testid="household-smartphone">
                        <option value="">{ui_text(|t| t.donations.smartphone_unknown)}</option>
                        <option value="yes">{ui_text(|t| t.donations.smartphone_yes)}</option>
                        <option value="no">{ui_text(|t| t.donations.smartphone_no)}</option>
                    </select>
                </label>
                <p class="hint" data-testid="household-position">
                    {move || match field.position.get() {
                        Some(fix) => fill(texts.get().field.position_taken, "meters", fix.accuracy_m.round()),
                        None => texts.get().field.position_missing.to_owned(),
                    }}
                </p>
                <p class="form__error" role="alert">{move || error.get()}</p>
                <SheetActions field save=Signal::derive(ui_text(|t| t.field.save_household))/>
            </form>
        </div>
    }
}

/// A sheet's submit button and "Hủy", which closes the sheet without saving.
#[component]
fn SheetActions(
    field: Field,
    save: Signal<&'static str>,
    #[prop(optional)] testid: Option<&'static str>,
) -> impl IntoView {
    view! {
        <div class="button-row">
            <button type="submit" class="button" data-testid=testid>{move || save.get()}</button>
            <button type="button" class="button button--secondary" on:click=move |_| field.sheet.set(Sheet::Closed)>
                {ui_text(|t| t.field.cancel)}
            </button>
        </div>
    }
}

/// The skills taught, as chips to tap on and off.
#[component]
fn SkillChips(skills: RwSignal<Vec<Skill>>) -> impl IntoView {
    let texts = use_texts();
    let toggle = move |skill: Skill| {
        skills.update(|chosen| {
            if let Some(index) = chosen.iter().position(|known| *known == skill) {
                chosen.remove(index);
            } else {
                chosen.push(skill);
            }
        });
    };
    view! {
        <fieldset class="chips">
            <legend>{ui_text(|t| t.field.skills)}</legend>
            {Skill::ALL
                .into_iter()
                .map(|skill| view! {
                    <button
                        type="button"
                        class="chip"
                        data-skill=skill.as_str()
                        aria-pressed=move || skills.with(|chosen| chosen.contains(&skill)).to_string()
                        on:click=move |_| toggle(skill)
                    >
                        {move || texts.get().field.skill(skill)}
                    </button>
                })
                .collect_view()}
        </fieldset>
    }
}

/// Yes / no / not asked, as three large buttons.
#[component]
fn Outcome(legend: Signal<&'static str>, value: RwSignal<Option<bool>>, testid: &'static str) -> impl IntoView {
    let texts = use_texts();
    let choices = move || {
        let texts = texts.get().field;
        [(Some(true), texts.yes), (Some(false), texts.no), (None, texts.not_asked)]
    };
    view! {
        <fieldset class="segmented" data-testid=testid>
            <legend>{legend}</legend>
            {move || {
                choices()
                    .into_iter()
                    .map(|(choice, name)| view! {
                        <button
                            type="button"
                            class="segmented__choice"
                            aria-pressed=move || (value.get() == choice).to_string()
                            on:click=move |_| value.set(choice)
                        >
                            {name}
                        </button>
                    })
                    .collect_view()
            }}
        </fieldset>
    }
}

/// One visit in a few taps: people helped, skills, outcomes, a note.
#[component]
fn VisitForm(field: Field, household_uuid: String, label: String, editing: Option<Box<QueuedRecord>>) -> impl IntoView {
    let texts = use_texts();
    let earlier: Option<VisitRecord> = editing.as_ref().and_then(|queued| match &queued.record {
        SyncRecord::Visit(visit) => Some(visit.clone()),
        _ => None,
    });
    let people = RwSignal::new(earlier.as_ref().map_or(1, |visit| visit.people_helped));
    let skills = RwSignal::new(earlier.as_ref().map(|visit| visit.skills.clone()).unwrap_or_default());
    let vneid = RwSignal::new(earlier.as_ref().and_then(|visit| visit.vneid_activated));
    let bank = RwSignal::new(earlier.as_ref().and_then(|visit| visit.bank_account_opened));
    let note = RwSignal::new(earlier.as_ref().and_then(|visit| visit.note.clone()).unwrap_or_default());
    let smartphone = RwSignal::new(earlier.as_ref().and_then(|visit| visit.has_smartphone));
    // A correction of a synced visit changes what was taught, not the household: the smartphone
    // question is asked on new and not-yet-sent visits only.
    let asks_smartphone = editing.as_ref().is_none_or(|queued| queued.state == QueueState::Pending);
    let error = RwSignal::new(None::<&'static str>);
    let save = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let chosen = skills.get_untracked();
        if chosen.is_empty() {
            error.set(Some(texts.get_untracked().field.skills_required));
            return;
        }
        let fix = field.position.get_untracked();
        let note_text = note.get_untracked().trim().chars().take(NOTE_MAX_CHARS).collect::<String>();
        // An edit keeps the visit's identity, moment, place and network; a new visit takes now.
        let visit = match earlier.clone() {
            Some(earlier) => VisitRecord {
                people_helped: people.get_untracked(),
                skills: chosen,
                vneid_activated: vneid.get_untracked(),
                bank_account_opened: bank.get_untracked(),
                note: (!note_text.is_empty()).then_some(note_text),
                has_smartphone: if asks_smartphone { smartphone.get_untracked() } else { earlier.has_smartphone },
                ..earlier
            },
            None => {
                let Some(uuid) = device::new_uuid() else { return };
                VisitRecord {
                    uuid,
                    household_uuid: Some(household_uuid.clone()),
                    household_id: None,
                    visited_at: device::now_rfc3339(),
                    lon: fix.map(|fix| fix.lon),
                    lat: fix.map(|fix| fix.lat),
                    accuracy_m: fix.map(|fix| fix.accuracy_m),
                    people_helped: people.get_untracked(),
                    skills: chosen,
                    vneid_activated: vneid.get_untracked(),
                    bank_account_opened: bank.get_untracked(),
                    note: (!note_text.is_empty()).then_some(note_text),
                    network: device::network_sample(),
                    has_smartphone: smartphone.get_untracked(),
                }
            }
        };
        let editing = editing.clone();
        spawn_local(async move {
            let done = match editing.map(|queued| *queued) {
                Some(queued) if queued.state == QueueState::Synced => field.correct(queued, visit).await,
                Some(queued) => field.record(SyncRecord::Visit(visit), Some(queued.saved_at_ms)).await,
                None => field.record(SyncRecord::Visit(visit), None).await,
            };
            if done {
                field.sheet.set(Sheet::Closed);
            }
        });
    };
    view! {
        <div class="field-sheet" role="dialog" aria-modal="true" data-testid="visit-form">
            <form class="form" on:submit=save>
                <h3>{move || fill(texts.get().field.visit_heading, "household", &label)}</h3>
                <fieldset class="stepper">
                    <legend>{ui_text(|t| t.field.people_helped)}</legend>
                    <button
                        type="button"
                        class="stepper__button"
                        aria-label=ui_text(|t| t.field.fewer)
                        on:click=move |_| people.update(|count| *count = (*count - 1).max(0))
                    >
                        "−"
                    </button>
                    <output data-testid="people-helped">{move || people.get()}</output>
                    <button
                        type="button"
                        class="stepper__button"
                        aria-label=ui_text(|t| t.field.more)
                        on:click=move |_| people.update(|count| *count = (*count + 1).min(100))
                    >
                        "+"
                    </button>
                </fieldset>
                <SkillChips skills/>
                <Outcome legend=Signal::derive(ui_text(|t| t.field.vneid_activated)) value=vneid testid="vneid-outcome"/>
                <Outcome legend=Signal::derive(ui_text(|t| t.field.bank_account_opened)) value=bank testid="bank-outcome"/>
                {asks_smartphone.then(|| view! {
                    <Outcome
                        legend=Signal::derive(ui_text(|t| t.donations.visit_has_smartphone))
                        value=smartphone
                        testid="smartphone-outcome"
                    />
                })}
                <label class="field">
                    <span>{ui_text(|t| t.field.note)}</span>
                    <textarea rows="2" maxlength="500" bind:value=note data-testid="visit-note"></textarea>
                </label>
                <p class="form__error" role="alert">{move || error.get()}</p>
                <SheetActions field save=Signal::derive(ui_text(|t| t.field.save_visit)) testid="save-visit"/>
            </form>
        </div>
    }
}

/// "Tải bản đồ khu vực": keeps the map tiles around the chosen village on the phone.
#[component]
fn AreaDownload(field: Field, tiles: crate::model::TileSource) -> impl IntoView {
    let texts = use_texts();
    // (done, total) while downloading; the outcome afterwards.
    let progress = RwSignal::new(None::<(usize, usize)>);
    let outcome = RwSignal::new(None::<Result<usize, String>>);
    let download = move |_| {
        let doors = field.doors();
        let fix = field.position.get_untracked().map(|fix| (fix.lon, fix.lat));
        let Some(area) = tile_cache::Area::around(doors.iter().filter_map(|door| door.position).chain(fix)) else {
            outcome.set(Some(Err(texts.get_untracked().field.area_unknown.to_owned())));
            return;
        };
        let urls = tile_cache::tile_urls(&tiles.url, area);
        let total = urls.len();
        progress.set(Some((0, total)));
        outcome.set(None);
        spawn_local(async move {
            let result = tile_cache::download(&urls, move |done| progress.set(Some((done, total)))).await;
            progress.set(None);
            outcome.set(Some(result));
        });
    };
    view! {
        <div class="area-download">
            <button
                type="button"
                class="button button--secondary"
                data-testid="download-area"
                disabled=move || progress.get().is_some() || !field.online.get()
                on:click=download
            >
                {ui_text(|t| t.field.download_area)}
            </button>
            <p class="hint" data-testid="area-status" role="status">
                {move || {
                    let texts = texts.get().field;
                    match (progress.get(), outcome.get()) {
                        (Some((done, total)), _) => {
                            fill(&fill(texts.area_progress, "done", done), "total", total)
                        }
                        (None, Some(Ok(kept))) => fill(texts.area_kept, "count", kept),
                        (None, Some(Err(error))) => fill(texts.area_failed, "error", error),
                        (None, None) => fill(texts.area_hint, "count", tile_cache::MAX_TILES),
                    }
                }}
            </p>
        </div>
    }
}
