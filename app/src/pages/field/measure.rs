//! "Đo sóng tại đây" and "Không có sóng ở đây": a short speed test against our own server, or
//! one tap where there is no signal at all, each kept in the phone's queue with the position and
//! the SIM's operator (asked once, remembered on the phone) and sent exactly once by its UUID.
//! The field app queues them with its visits; the map page (any signed-in account) with
//! `pages::map::measure`. A team member may also have one taken after each visit saved online.
//!
//! What a test costs is shown before it starts. The round trip is the median of five tiny
//! requests; download and upload each start with a small probe and stop there on a slow link, so
//! a weak connection spends little data; on a fast one a bigger transfer measures it better.

use super::device::{self, Fix};
use super::phone_store;
use super::state::Field;
use crate::field_records::{MeasurementRecord, NetworkType, SyncRecord};
use crate::i18n::fill;
use crate::{ui_text, use_texts};
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

const CACHE_SIM_OPERATOR: &str = "sim-operator";
const CACHE_OPERATORS: &str = "operators";
const CACHE_NETWORK_TYPE: &str = "network-type";
/// "1" when a team member wants a measurement after each visit saved online.
const CACHE_WITH_VISITS: &str = "measure-with-visits";
/// Round trips measured; the median is kept.
const PINGS: usize = 5;
/// The probe of each direction, and the transfer that follows it on a fast link.
const PROBE_BYTES: usize = 64 * 1024;
const DOWNLOAD_BYTES: usize = 1024 * 1024;
const UPLOAD_BYTES: usize = 512 * 1024;
/// A probe slower than this marks a slow link: the test stops at the probe.
const SLOW_PROBE_MS: f64 = 1500.0;
/// The most a test spends, in bytes (both probes and both transfers).
const MOST_BYTES: usize = 2 * PROBE_BYTES + DOWNLOAD_BYTES + UPLOAD_BYTES;

/// What a test costs at most, as the panel says it before it starts.
fn most_megabytes() -> String {
    format!("{:.1}", MOST_BYTES as f64 / 1_048_576.0)
}

/// Why a test could not finish.
#[derive(Clone, Debug, PartialEq)]
enum TestFailure {
    Unreachable,
    Status(u16),
}

/// Sends one request and answers how long it took (ms) and how many bytes the answer carried.
async fn timed(method: &str, url: &str, body: Option<&[u8]>) -> Result<(f64, usize), TestFailure> {
    let window = web_sys::window().ok_or(TestFailure::Unreachable)?;
    let init = web_sys::RequestInit::new();
    init.set_method(method);
    init.set_credentials(web_sys::RequestCredentials::SameOrigin);
    if let Some(bytes) = body {
        let array = js_sys::Uint8Array::from(bytes);
        init.set_body(&array);
    }
    let request = web_sys::Request::new_with_str_and_init(url, &init).map_err(|_| TestFailure::Unreachable)?;
    let started = device::now_ms();
    let response: web_sys::Response = JsFuture::from(window.fetch_with_request(&request))
        .await
        .map_err(|_| TestFailure::Unreachable)?
        .dyn_into()
        .map_err(|_| TestFailure::Unreachable)?;
    let buffer = JsFuture::from(response.array_buffer().map_err(|_| TestFailure::Unreachable)?)
        .await
        .map_err(|_| TestFailure::Unreachable)?;
    let elapsed = (device::now_ms() - started).max(1.0);
    if !response.ok() {
        return Err(TestFailure::Status(response.status()));
    }
    Ok((elapsed, js_sys::ArrayBuffer::from(buffer).byte_length() as usize))
}

/// kbit/s of `bytes` moved in `ms`.
fn kbps(bytes: usize, ms: f64) -> f64 {
    (bytes as f64 * 8.0) / ms
}

/// What a finished test found.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Figures {
    latency_ms: f64,
    download_kbps: f64,
    upload_kbps: f64,
}

/// Runs the test: five round trips, then download and upload, each stopped at its probe on a
/// slow link.
async fn speed_test() -> Result<Figures, TestFailure> {
    let mut rounds = Vec::with_capacity(PINGS);
    for _ in 0..PINGS {
        rounds.push(timed("GET", "/api/v1/speedtest/ping", None).await?.0);
    }
    rounds.sort_by(f64::total_cmp);
    let latency_ms = rounds[PINGS / 2];
    let download = |bytes: usize| async move {
        let (ms, got) = timed("GET", &format!("/api/v1/speedtest/download?bytes={bytes}"), None).await?;
        Ok::<_, TestFailure>((ms, got))
    };
    let (probe_ms, probe_bytes) = download(PROBE_BYTES).await?;
    let download_kbps = if probe_ms > SLOW_PROBE_MS {
        kbps(probe_bytes, probe_ms)
    } else {
        let (ms, bytes) = download(DOWNLOAD_BYTES).await?;
        kbps(bytes, ms)
    };
    let payload = vec![0x5a_u8; UPLOAD_BYTES];
    let (probe_ms, _) = timed("POST", "/api/v1/speedtest/upload", Some(&payload[..PROBE_BYTES])).await?;
    let upload_kbps = if probe_ms > SLOW_PROBE_MS {
        kbps(PROBE_BYTES, probe_ms)
    } else {
        let (ms, _) = timed("POST", "/api/v1/speedtest/upload", Some(&payload)).await?;
        kbps(UPLOAD_BYTES, ms)
    };
    Ok(Figures { latency_ms, download_kbps, upload_kbps })
}

/// Reads a remembered choice from the phone.
async fn remembered(key: &str) -> Option<String> {
    let database = phone_store::open().await.ok()?;
    phone_store::get(&database, phone_store::CACHE, key).await.ok().flatten()
}

async fn remember(key: &str, value: &str) {
    if let Ok(database) = phone_store::open().await {
        let _ = phone_store::put(&database, phone_store::CACHE, key, value).await;
    }
}

/// Where the panel stands.
#[derive(Clone, Debug, PartialEq)]
enum Step {
    Idle,
    Measuring,
    Measured(Figures),
    Failed(String),
    NoSignalSaved,
}

/// Builds the record of one measurement; `figures` absent means no signal.
fn measurement(
    figures: Option<Figures>,
    fix: Option<Fix>,
    village_code: Option<String>,
    operator: String,
    network: &str,
) -> Option<MeasurementRecord> {
    let network_type = match (figures, network) {
        (None, _) => NetworkType::NoNetwork,
        (_, "5G") => NetworkType::FiveG,
        (_, "3G") => NetworkType::ThreeG,
        (_, "2G") => NetworkType::TwoG,
        _ => NetworkType::FourG,
    };
    Some(MeasurementRecord {
        uuid: device::new_uuid()?,
        measured_at: device::now_rfc3339(),
        village_code,
        lon: fix.map(|fix| fix.lon),
        lat: fix.map(|fix| fix.lat),
        accuracy_m: fix.map(|fix| fix.accuracy_m),
        operator,
        network_type,
        no_signal: figures.is_none(),
        latency_ms: figures.map(|f| f.latency_ms),
        download_kbps: figures.map(|f| f.download_kbps),
        upload_kbps: figures.map(|f| f.upload_kbps),
    })
}

/// After a new visit is saved: a measurement where it was made, when the team member asked for
/// one with each visit, has chosen the SIM's operator, and the phone is online. A test that
/// fails records nothing (the visit is kept either way; "Không có sóng ở đây" is a choice).
pub(super) async fn after_visit(field: Field) {
    if !device::is_online() || remembered(CACHE_WITH_VISITS).await.as_deref() != Some("1") {
        return;
    }
    let Some(operator) = remembered(CACHE_SIM_OPERATOR).await.filter(|operator| !operator.is_empty()) else {
        return;
    };
    let network = remembered(CACHE_NETWORK_TYPE).await.unwrap_or_else(|| "4G".to_owned());
    let Ok(figures) = speed_test().await else { return };
    let fix = field.position.get_untracked();
    if let Some(record) = measurement(Some(figures), fix, field.village.get_untracked(), operator, &network) {
        field.record(SyncRecord::Measurement(record), None).await;
    }
}

/// Where a panel gets its position and village, and what it does with a measurement.
#[derive(Clone, Copy)]
pub(in crate::pages) struct MeasureTarget {
    pub position: Signal<Option<Fix>>,
    pub village: Signal<Option<String>>,
    /// Keeps the record on the phone and sends it when it can.
    pub keep: Callback<MeasurementRecord>,
    /// The field app offers a measurement after each visit; the map page has no visits.
    pub offers_with_visits: bool,
}

impl MeasureTarget {
    /// The field app's: its position, its village, its queue.
    pub(super) fn field(field: Field) -> MeasureTarget {
        MeasureTarget {
            position: field.position.into(),
            village: field.village.into(),
            keep: Callback::new(move |record| {
                spawn_local(async move {
                    field.record(SyncRecord::Measurement(record), None).await;
                });
            }),
            offers_with_visits: true,
        }
    }
}

/// The two buttons, the SIM's operator and the network type the phone shows.
#[component]
pub(in crate::pages) fn MeasurePanel(target: MeasureTarget) -> impl IntoView {
    let texts = use_texts();
    let operator = RwSignal::new(String::new());
    let operators = RwSignal::new(Vec::<(String, String)>::new());
    let network = RwSignal::new("4G".to_owned());
    let with_visits = RwSignal::new(false);
    let step = RwSignal::new(Step::Idle);
    Effect::new(move |_| {
        spawn_local(async move {
            if let Some(chosen) = remembered(CACHE_SIM_OPERATOR).await {
                operator.set(chosen);
            }
            if let Some(kind) = remembered(CACHE_NETWORK_TYPE).await {
                network.set(kind);
            }
            with_visits.set(remembered(CACHE_WITH_VISITS).await.as_deref() == Some("1"));
            // The operators are data: the phone keeps the last list it got for offline use.
            let kept: Option<Vec<(String, String)>> =
                remembered(CACHE_OPERATORS).await.and_then(|json| serde_json::from_str(&json).ok());
            if let Some(kept) = kept {
                operators.set(kept);
            }
            if let Ok(loaded) = crate::map_api::load_operators().await {
                if let Ok(json) = serde_json::to_string(&loaded) {
                    remember(CACHE_OPERATORS, &json).await;
                }
                operators.set(loaded);
            }
        });
    });
    let queue = move |figures: Option<Figures>| {
        let record = measurement(
            figures,
            target.position.get_untracked(),
            target.village.get_untracked(),
            operator.get_untracked(),
            &network.get_untracked(),
        );
        if let Some(record) = record {
            target.keep.run(record);
        }
    };
    // The server places a measurement by its village, else by the position.
    let placed = move || target.village.with(Option::is_some) || target.position.with(Option::is_some);
    let ready = move || !operator.get().is_empty() && placed() && step.get() != Step::Measuring;
    let measure = move |_| {
        step.set(Step::Measuring);
        spawn_local(async move {
            match speed_test().await {
                Ok(figures) => {
                    step.set(Step::Measured(figures));
                    queue(Some(figures));
                }
                Err(TestFailure::Status(429)) => {
                    step.set(Step::Failed(texts.get_untracked().field.measure_limited.to_owned()))
                }
                Err(failure) => step.set(Step::Failed(format!("{failure:?}"))),
            }
        });
    };
    let no_signal = move |_| {
        step.set(Step::NoSignalSaved);
        queue(None);
    };
    let status = move || {
        let texts = texts.get();
        match step.get() {
            Step::Idle if !placed() => texts.field.measure_needs_place.to_owned(),
            Step::Idle => fill(texts.field.measure_cost, "mb", most_megabytes()),
            Step::Measuring => texts.field.measuring.to_owned(),
            Step::Measured(figures) => fill(
                &fill(
                    &fill(texts.field.measured, "latency", format!("{:.0}", figures.latency_ms)),
                    "down",
                    format!("{:.0}", figures.download_kbps),
                ),
                "up",
                format!("{:.0}", figures.upload_kbps),
            ),
            Step::Failed(detail) => fill(texts.field.measure_failed, "detail", detail),
            Step::NoSignalSaved => texts.field.no_signal_saved.to_owned(),
        }
    };
    view! {
        <section class="measure" data-testid="measure-panel">
            <h3>{ui_text(|t| t.field.measure_title)}</h3>
            <label class="field">
                <span>{ui_text(|t| t.field.sim_operator)}</span>
                <select data-testid="sim-operator" on:change=move |event| {
                    let chosen = event_target_value(&event);
                    operator.set(chosen.clone());
                    spawn_local(async move { remember(CACHE_SIM_OPERATOR, &chosen).await });
                }>
                    <option value="" selected=move || operator.get().is_empty()>{ui_text(|t| t.field.choose_operator)}</option>
                    {move || {
                        operators
                            .get()
                            .into_iter()
                            .map(|(code, name)| {
                                let chosen = code.clone();
                                view! { <option value=code selected=move || operator.get() == chosen>{name}</option> }
                            })
                            .collect_view()
                    }}
                </select>
            </label>
            <label class="field">
                <span>{ui_text(|t| t.field.network_type)}</span>
                <select data-testid="network-type" on:change=move |event| {
                    let chosen = event_target_value(&event);
                    network.set(chosen.clone());
                    spawn_local(async move { remember(CACHE_NETWORK_TYPE, &chosen).await });
                }>
                    {["5G", "4G", "3G", "2G"]
                        .into_iter()
                        .map(|kind| view! { <option value=kind selected=move || network.get() == kind>{kind}</option> })
                        .collect_view()}
                </select>
            </label>
            <p class="hint" role="status" data-testid="measure-status">{status}</p>
            <div class="button-row">
                <button type="button" class="button" data-testid="measure-here" disabled=move || !ready() on:click=measure>
                    {ui_text(|t| t.field.measure_here)}
                </button>
                <button type="button" class="button button--secondary" data-testid="no-signal-here"
                    disabled=move || !ready() on:click=no_signal>
                    {ui_text(|t| t.field.no_signal_here)}
                </button>
            </div>
            {target.offers_with_visits.then(|| view! {
                <label class="check">
                    <input type="checkbox" data-testid="measure-with-visits" prop:checked=with_visits
                        on:change=move |event| {
                            let chosen = event_target_checked(&event);
                            with_visits.set(chosen);
                            spawn_local(async move { remember(CACHE_WITH_VISITS, if chosen { "1" } else { "0" }).await });
                        }/>
                    <span>{move || fill(texts.get().field.measure_with_visits, "mb", most_megabytes())}</span>
                </label>
            })}
        </section>
    }
}
