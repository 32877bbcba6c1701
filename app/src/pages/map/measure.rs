//! "Đo sóng tại đây" on the map page, for every signed-in account: leaders, operators' staff,
//! officers and team members alike. It is the field app's panel (`field::measure`) with the
//! phone's position watched only while it is open, and each measurement kept in the phone's
//! queue first (one made with no signal is not lost), then sent to `POST /api/v1/measurements`
//! when there is a network: at once, when the page opens again, or when the network returns.

use crate::field_records::{MeasurementRecord, SyncRecord};
use crate::i18n::fill;
use crate::pages::field::device::{self, Fix};
use crate::pages::field::measure::{MeasurePanel, MeasureTarget};
use crate::pages::field::phone_store;
use crate::pages::field::queue::{self, QueueState, QueuedRecord};
use crate::{ui_text, use_texts};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos::wasm_split::{wasm_split, SplitLoaderError};

/// The panel is a wasm piece of its own, fetched when someone opens "Đo sóng tại đây": most
/// visits to the map never measure. `fallible` like the map's other pieces.
#[wasm_split(measure_panel, wasm_split_path = ::leptos::wasm_split, fallible)]
pub(super) fn measure_panel(parts: MeasureParts) -> Result<AnyView, SplitLoaderError> {
    let MeasureParts { account, villages } = parts;
    Ok(view! { <MapMeasure account villages/> }.into_any())
}

/// What the panel is opened with, as one value (a lazy function's arguments cross between wasm
/// pieces).
pub(super) struct MeasureParts {
    pub(super) account: String,
    /// `(code, "village · commune")` of the villages on the map, for the village picker.
    pub(super) villages: Vec<(String, String)>,
}

/// What the phone holds of this account's measurements.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Held {
    waiting: usize,
    refused: usize,
}

async fn held(account: &str) -> Result<Held, phone_store::PhoneStoreError> {
    let database = phone_store::open().await?;
    let mut held = Held::default();
    for queued in queue::load(&database).await? {
        if !queued.belongs_to(Some(account)) || !matches!(queued.record, SyncRecord::Measurement(_)) {
            continue;
        }
        match queued.state {
            QueueState::Pending => held.waiting += 1,
            QueueState::Rejected => held.refused += 1,
            QueueState::Synced => {}
        }
    }
    Ok(held)
}

/// Sends what this account left waiting on the phone, then counts what is still there.
async fn send_waiting(account: String, shown: RwSignal<Option<Held>>, failed: RwSignal<bool>) {
    if device::is_online() {
        if let Ok(database) = phone_store::open().await {
            // A send that stops early leaves the rest waiting; the count below says so.
            let _ = queue::send_pending_measurements(&database, &account).await;
        }
    }
    match held(&account).await {
        Ok(counts) => shown.set(Some(counts)),
        Err(_) => failed.set(true),
    }
}

#[component]
fn MapMeasure(account: String, villages: Vec<(String, String)>) -> impl IntoView {
    let texts = use_texts();
    let account = StoredValue::new(account);
    let position = RwSignal::new(None::<Fix>);
    let village = RwSignal::new(None::<String>);
    let shown = RwSignal::new(None::<Held>);
    let failed = RwSignal::new(false);
    let send = move || spawn_local(send_waiting(account.get_value(), shown, failed));
    Effect::new(move |_| {
        send();
        let watch = device::watch_position(move |fix| position.set(Some(fix)), |_| ());
        let back_online = window_event_listener(leptos::ev::online, move |_| send());
        on_cleanup(move || {
            if let Some(id) = watch {
                device::stop_watching(id);
            }
            back_online.remove();
        });
    });
    let keep = Callback::new(move |record: MeasurementRecord| {
        let mut queued = QueuedRecord::pending(SyncRecord::Measurement(record), device::now_ms());
        queued.author = Some(account.get_value());
        spawn_local(async move {
            let saved = match phone_store::open().await {
                Ok(database) => queue::save(&database, &queued).await,
                Err(error) => Err(error),
            };
            match saved {
                Ok(()) => send_waiting(account.get_value(), shown, failed).await,
                Err(_) => failed.set(true),
            }
        });
    });
    let target = MeasureTarget {
        position: position.into(),
        // Unchosen, the server finds the village whose boundary holds the position.
        village: village.into(),
        keep,
        offers_with_visits: false,
    };
    let summary = move || {
        let texts = texts.get();
        if failed.get() {
            return texts.field.measure_phone_failed.to_owned();
        }
        match shown.get() {
            None => String::new(),
            Some(Held { waiting: 0, refused: 0 }) => texts.field.measure_all_sent.to_owned(),
            Some(Held { waiting, refused }) => {
                let waiting = fill(texts.field.measure_waiting, "count", waiting);
                if refused == 0 {
                    waiting
                } else {
                    format!("{waiting} {}", fill(texts.field.measure_refused, "count", refused))
                }
            }
        }
    };
    view! {
        <label class="field">
            <span>{ui_text(|t| t.field.measure_village)}</span>
            <select data-testid="measure-village"
                on:change=move |event| village.set(Some(event_target_value(&event)).filter(|code| !code.is_empty()))>
                <option value="">{ui_text(|t| t.field.measure_village_by_position)}</option>
                {villages
                    .into_iter()
                    .map(|(code, name)| view! { <option value=code>{name}</option> })
                    .collect_view()}
            </select>
        </label>
        <MeasurePanel target/>
        <p class="hint" role="status" data-testid="measure-sent">{summary}</p>
        <p class="hint">{ui_text(|t| t.field.measure_where)}</p>
    }
}
