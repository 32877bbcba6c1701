//! The lists of the field app: the sync bar, the village picker, the position line, the
//! village's households and the records kept on this phone.

use super::device;
use super::queue::{CorrectionFailure, QueueState, SyncFailure};
use super::state::{Door, Field, Notice, Sheet};
use crate::field_records::SyncRecord;
use crate::i18n::fill;
use crate::pages::api_client::CallFailure;
use crate::{ui_text, use_texts};
use leptos::prelude::*;
use leptos::task::spawn_local;

/// Synced records listed under "Bản ghi trên máy này" (pending and refused ones are all listed).
const SYNCED_SHOWN: usize = 30;

/// A distance as people say it: metres up to a kilometre, then kilometres.
fn distance_text(metres: f64) -> String {
    if metres < 1000.0 {
        format!("{} m", (metres / 10.0).round() * 10.0)
    } else {
        format!("{:.1} km", metres / 1000.0)
    }
}

/// Network state, what waits to be sent, the sync button and the last outcome.
#[component]
pub(super) fn SyncBar(field: Field) -> impl IntoView {
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
            {move || match field.others_waiting.get() {
                0 => None,
                count => Some(view! {
                    <p class="hint" data-testid="others-waiting">{fill(texts.get().field.others_waiting, "count", count)}</p>
                }),
            }}
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
pub(super) fn VillagePicker(field: Field) -> impl IntoView {
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
pub(super) fn PositionLine(field: Field) -> impl IntoView {
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
pub(super) fn DoorList(field: Field) -> impl IntoView {
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
pub(super) fn RecordList(field: Field) -> impl IntoView {
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
                                SyncRecord::Measurement(measurement) => {
                                    (texts.kind_measurement, device::local_time(&measurement.measured_at))
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
