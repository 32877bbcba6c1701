//! A house's details sheet (a wasm piece of its own): its facts, the coverage of its village,
//! the by-hand Wi-Fi form and the Wi-Fi timeline.

use super::{named_options, status_class, status_options};
use crate::i18n::Texts;
use crate::map_api::{load_house_detail, load_wifi_history};
use crate::model::CulturalHouse;
use crate::{ui_text, use_texts};
use leptos::prelude::*;
use leptos::wasm_split::{wasm_split, SplitLoaderError};

fn or_unknown(texts: &Texts, value: Option<String>) -> String {
    value.unwrap_or_else(|| texts.unknown.to_owned())
}

/// Only the date part of a stored timestamp: what a reader on a small screen needs.
fn date_part(timestamp: &str) -> String {
    timestamp.split('T').next().unwrap_or(timestamp).to_owned()
}

/// What the details sheet of one house is opened with, as one value: a lazy function's
/// arguments cross between wasm pieces.
pub(super) struct SheetParts {
    pub(super) house: CulturalHouse,
    pub(super) selected: RwSignal<Option<i64>>,
    pub(super) editor: Option<Option<String>>,
    pub(super) operators: Vec<(String, String)>,
    pub(super) on_saved: Callback<()>,
}

/// The details sheet, with its Wi-Fi form and its two loads, is a wasm piece of its own
/// (`cargo leptos build --split`): a phone fetches it when a house is first opened (or with a
/// `?village=` link), not with the map most visitors only look at. On the server it is a
/// plain call. `fallible` as `moving_map`: a piece that does not come is a message, and the
/// next tap tries again.
#[wasm_split(house_sheet, wasm_split_path = ::leptos::wasm_split, fallible)]
pub(super) fn house_sheet(parts: SheetParts) -> Result<AnyView, SplitLoaderError> {
    let SheetParts { house, selected, editor, operators, on_saved } = parts;
    Ok(view! { <DetailSheet house selected editor operators on_saved/> }.into_any())
}

#[component]
fn DetailSheet(
    house: CulturalHouse,
    selected: RwSignal<Option<i64>>,
    /// `Some(operator)` when the viewer may edit this house's Wi-Fi: `Some(None)` for any
    /// operator, `Some(Some(code))` for one (see `MapData::wifi_editing`).
    editor: Option<Option<String>>,
    operators: Vec<(String, String)>,
    on_saved: Callback<()>,
) -> impl IntoView {
    let texts = use_texts();
    let id = house.id;
    let edit_form = editor.map(|own_operator| {
        let house = house.clone();
        view! { <WifiEditForm house own_operator operators on_saved/> }
    });
    let detail = Resource::new(move || id, load_house_detail);
    let history = Resource::new(move || id, load_wifi_history);
    let status = house.wifi_status;
    let CulturalHouse {
        name,
        village,
        commune,
        wifi_provider_name,
        bandwidth_mbps,
        installed_at,
        last_verified_at,
        ssid,
        ..
    } = house;
    let commune_kind = crate::model::CommuneKinds::of([commune.as_str()]).index();

    view! {
        <section class="sheet" data-testid="house-detail" aria-live="polite">
            <header class="sheet__header">
                <h2>{name}</h2>
                <button type="button" class="sheet__close" on:click=move |_| selected.set(None)>
                    {ui_text(|t| t.close)}
                </button>
            </header>
            <dl class="facts">
                <dt>{ui_text(|t| t.village)}</dt>
                <dd data-testid="detail-village">{village}</dd>
                <dt>{move || texts.get().filter_commune[commune_kind]}</dt>
                <dd data-testid="detail-commune">{commune}</dd>
                <dt>{ui_text(|t| t.wifi)}</dt>
                <dd>
                    <span class=format!("dot {}", status_class(status)) aria-hidden="true"></span>
                    {move || texts.get().status(status)}
                </dd>
                <dt>{ui_text(|t| t.provider)}</dt>
                <dd>{
                    let provider = wifi_provider_name.clone();
                    move || or_unknown(texts.get(), provider.clone())
                }</dd>
                <dt>{ui_text(|t| t.bandwidth)}</dt>
                <dd>{move || or_unknown(texts.get(), bandwidth_mbps.map(|mbps| format!("{mbps} Mbps")))}</dd>
                <dt>{ui_text(|t| t.installed_at)}</dt>
                <dd>{
                    let installed = installed_at.clone();
                    move || or_unknown(texts.get(), installed.as_deref().map(date_part))
                }</dd>
                <dt>{ui_text(|t| t.last_verified)}</dt>
                <dd>{
                    let verified = last_verified_at.clone();
                    move || or_unknown(texts.get(), verified.as_deref().map(date_part))
                }</dd>
                {ssid.map(|ssid| view! {
                    <dt>{ui_text(|t| t.ssid)}</dt>
                    <dd data-testid="detail-ssid">{ssid}</dd>
                })}
            </dl>
            <h3>{ui_text(|t| t.coverage_heading)}</h3>
            <Suspense fallback=move || view! { <p>{ui_text(|t| t.loading)}</p> }>
                {move || Suspend::new(async move {
                    match detail.await {
                        Ok(detail) if detail.coverage.is_empty() => {
                            view! { <p>{ui_text(|t| t.coverage_none)}</p> }.into_any()
                        }
                        Ok(detail) => view! { <CoverageTable entries=detail.coverage/> }.into_any(),
                        Err(_) => view! { <p role="alert">{ui_text(|t| t.load_failed)}</p> }.into_any(),
                    }
                })}
            </Suspense>
            {edit_form}
            <PlaceHere id on_saved/>
            <h3>{ui_text(|t| t.timeline_heading)}</h3>
            <Suspense fallback=move || view! { <p>{ui_text(|t| t.loading)}</p> }>
                {move || Suspend::new(async move {
                    match history.await {
                        Ok(changes) => view! { <WifiTimeline changes/> }.into_any(),
                        Err(_) => view! { <p role="alert">{ui_text(|t| t.load_failed)}</p> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
    .into_any()
}

/// The by-hand Wi-Fi form of the details panel. It sends the version it was filled from, so a
/// change made meanwhile by someone else is reported, never overwritten.
#[component]
fn WifiEditForm(
    house: CulturalHouse,
    own_operator: Option<String>,
    operators: Vec<(String, String)>,
    on_saved: Callback<()>,
) -> impl IntoView {
    use crate::map_api::SaveWifi;
    let texts = use_texts();
    let save = ServerAction::<SaveWifi>::new();
    let status = RwSignal::new(house.wifi_status);
    let provider = RwSignal::new(house.wifi_provider.clone().or(own_operator.clone()).unwrap_or_default());
    let bandwidth = RwSignal::new(house.bandwidth_mbps.map(|mbps| mbps.to_string()).unwrap_or_default());
    let installed = RwSignal::new(house.installed_at.as_deref().map(date_part).unwrap_or_default());
    let verified = RwSignal::new(house.last_verified_at.as_deref().map(date_part).unwrap_or_default());
    let ssid = RwSignal::new(house.ssid.clone().unwrap_or_default());
    let ssid_public = RwSignal::new(house.ssid_public);
    let invalid_bandwidth = RwSignal::new(false);
    Effect::new(move |_| {
        if let Some(Ok(_)) = save.value().get() {
            on_saved.run(());
        }
    });
    let submit = {
        let (id, version) = (house.id, house.version);
        move |event: leptos::ev::SubmitEvent| {
            event.prevent_default();
            let bandwidth_text = bandwidth.get_untracked();
            let bandwidth_mbps = match bandwidth_text.trim() {
                "" => None,
                text => match text.replace(',', ".").parse::<f64>() {
                    Ok(mbps) => Some(mbps),
                    Err(_) => {
                        invalid_bandwidth.set(true);
                        return;
                    }
                },
            };
            invalid_bandwidth.set(false);
            let optional = |text: String| Some(text).filter(|t| !t.trim().is_empty());
            let ssid = optional(ssid.get_untracked());
            save.dispatch(SaveWifi {
                id,
                version,
                update: crate::model::WifiUpdate {
                    status: status.get_untracked(),
                    provider: optional(provider.get_untracked()),
                    bandwidth_mbps,
                    installed_at: optional(installed.get_untracked()),
                    last_verified_at: optional(verified.get_untracked()),
                    ssid_public: ssid.is_some() && ssid_public.get_untracked(),
                    ssid,
                },
            });
        }
    };
    let provider_choices: Vec<(String, String)> = match &own_operator {
        Some(own) => operators.into_iter().filter(|(code, _)| code == own).collect(),
        None => operators,
    };
    let message = move || {
        if invalid_bandwidth.get() {
            return Some(format!("{}: {}", texts.get().bandwidth, texts.get().error_invalid_input));
        }
        save.value().get().map(|result| match result {
            Ok(_) => texts.get().saved.to_owned(),
            Err(error) => texts.get().error(&error),
        })
    };

    view! {
        <details class="wifi-edit" data-testid="wifi-edit">
            <summary>{ui_text(|t| t.edit_wifi)}</summary>
            <form class="form" on:submit=submit>
                <label class="field">
                    <span>{ui_text(|t| t.wifi)}</span>
                    <select data-testid="edit-status" prop:value=move || status.get().as_str()
                        on:change=move |event| {
                            if let Ok(value) = event_target_value(&event).parse() {
                                status.set(value);
                            }
                        }>
                        {status_options(move |choice| status.get() == choice)}
                    </select>
                </label>
                <label class="field">
                    <span>{ui_text(|t| t.provider)}</span>
                    <select data-testid="edit-provider" prop:value=move || provider.get()
                        on:change=move |event| provider.set(event_target_value(&event))>
                        <option value="">{ui_text(|t| t.unknown)}</option>
                        {named_options(provider_choices, move || provider.get())}
                    </select>
                </label>
                <label class="field">
                    <span>{ui_text(|t| t.bandwidth)}" (Mbps)"</span>
                    <input type="text" inputmode="decimal" prop:value=move || bandwidth.get()
                        on:input=move |event| bandwidth.set(event_target_value(&event))/>
                </label>
                <label class="field">
                    <span>{ui_text(|t| t.installed_at)}</span>
                    <input type="date" prop:value=move || installed.get()
                        on:input=move |event| installed.set(event_target_value(&event))/>
                </label>
                <label class="field">
                    <span>{ui_text(|t| t.last_verified)}</span>
                    <input type="date" data-testid="edit-verified" prop:value=move || verified.get()
                        on:input=move |event| verified.set(event_target_value(&event))/>
                </label>
                <label class="field">
                    <span>{ui_text(|t| t.ssid)}</span>
                    <input type="text" maxlength="32" autocomplete="off" data-testid="edit-ssid"
                        prop:value=move || ssid.get() on:input=move |event| ssid.set(event_target_value(&event))/>
                </label>
                <label class="check">
                    <input type="checkbox" data-testid="edit-ssid-public" prop:checked=move || ssid_public.get()
                        on:change=move |event| ssid_public.set(event_target_checked(&event))/>
                    <span>{ui_text(|t| t.ssid_public)}</span>
                </label>
                <p class="form__message" role="status" data-testid="edit-message">{message}</p>
                <button type="submit" class="button" data-testid="edit-save" disabled=move || save.pending().get()>
                    {ui_text(|t| t.save)}
                </button>
            </form>
        </details>
    }
    .into_any()
}

/// Where a GPS placement stands. (Only the browser places; the server renders the idle button.)
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
enum Placing {
    Idle,
    Waiting,
    Done(f64),
    NoGps,
    Failed(crate::error::AppError),
}

/// The last house placed from this page and the fix's accuracy: the map's data is read again
/// after a placement (its dot moves), which draws the sheet anew, and the sheet still says so.
#[derive(Clone, Copy, Debug, Default)]
pub(super) struct PlacedHere(RwSignal<Option<(i64, f64)>>);

/// Worst fix the button waits past, in metres: a fix within it places the house.
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
const GOOD_FIX_M: f64 = 50.0;

/// "Tôi đang đứng ở nhà văn hóa": someone who may record in the field, standing at the house,
/// places it at the phone's GPS fix in one tap (the first fix within [`GOOD_FIX_M`], or the best
/// of the first few).
#[component]
fn PlaceHere(id: i64, on_saved: Callback<()>) -> impl IntoView {
    use crate::model::Capability;
    let texts = use_texts();
    let user = Resource::new(|| (), |_| crate::auth_api::signed_in_user());
    let placed_here = use_context::<PlacedHere>().unwrap_or_default().0;
    let earlier = placed_here.get_untracked().filter(|(placed, _)| *placed == id);
    let placing = RwSignal::new(earlier.map_or(Placing::Idle, |(_, accuracy)| Placing::Done(accuracy)));
    let start = move |_| {
        placing.set(Placing::Waiting);
        #[cfg(feature = "hydrate")]
        {
            use crate::pages::field::device::{stop_watching, watch_position};
            let watch = StoredValue::new(None::<i32>);
            // Fixes seen, and whether one was sent: a fix arriving after it is ignored.
            let (fixes, sent) = (StoredValue::new(0_u32), StoredValue::new(false));
            let id_of_watch = watch_position(
                move |fix| {
                    fixes.update_value(|count| *count += 1);
                    if sent.get_value() || (fix.accuracy_m > GOOD_FIX_M && fixes.get_value() < 5) {
                        return;
                    }
                    sent.set_value(true);
                    if let Some(watching) = watch.get_value() {
                        stop_watching(watching);
                    }
                    let accuracy = fix.accuracy_m;
                    leptos::task::spawn_local(async move {
                        let placed = crate::map_api::place_house(id, fix.lat, fix.lon, Some(accuracy)).await;
                        placing.set(match placed {
                            Ok(_) => {
                                placed_here.set(Some((id, accuracy)));
                                Placing::Done(accuracy)
                            }
                            Err(error) => Placing::Failed(error),
                        });
                        on_saved.run(());
                    });
                },
                move |_| placing.set(Placing::NoGps),
            );
            match id_of_watch {
                Some(watching) => watch.set_value(Some(watching)),
                None => placing.set(Placing::NoGps),
            }
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (id, on_saved);
    };
    let message = move || {
        let texts = texts.get();
        match placing.get() {
            Placing::Idle => String::new(),
            Placing::Waiting => texts.setup.here_waiting.to_owned(),
            Placing::Done(accuracy) => crate::i18n::fill(texts.setup.here_done, "accuracy", accuracy.round()),
            Placing::NoGps => texts.setup.here_no_gps.to_owned(),
            Placing::Failed(error) => texts.error(&error),
        }
    };
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let may_place = matches!(user.await, Ok(Some(user)) if user.role.can(Capability::RecordField));
                may_place.then(|| view! {
                    <div class="place-here" data-testid="place-here">
                        <button type="button" class="button button--secondary" on:click=start
                            disabled=move || placing.get() == Placing::Waiting>
                            {ui_text(|t| t.setup.here_button)}
                        </button>
                        <p class="form__message" role="status">{message}</p>
                    </div>
                })
            })}
        </Suspense>
    }
}

/// The versions of a house's Wi-Fi, newest first.
#[component]
fn WifiTimeline(changes: Vec<crate::model::WifiChange>) -> impl IntoView {
    let texts = use_texts();
    view! {
        <ol class="timeline" data-testid="wifi-timeline">
            {changes
                .into_iter()
                .map(|change| {
                    let status = change.wifi_status;
                    view! {
                        <li>
                            <span class=format!("dot {}", status_class(status)) aria-hidden="true"></span>
                            <strong>{move || texts.get().status(status)}</strong>
                            {change.wifi_provider.map(|provider| format!(" · {provider}"))}
                            <span class="timeline__meta">
                                {format!(" · {} · ", date_part(&change.changed_at))}
                                {ui_text(|t| t.version)}
                                {format!(" {} · {}", change.version, change.changed_by)}
                            </span>
                        </li>
                    }
                })
                .collect_view()}
        </ol>
    }
}

#[component]
fn CoverageTable(entries: Vec<crate::model::CoverageEntry>) -> impl IntoView {
    let texts = use_texts();
    view! {
        <table class="coverage" data-testid="coverage-table">
            <thead>
                <tr>
                    <th scope="col">{ui_text(|t| t.operator)}</th>
                    <th scope="col">{ui_text(|t| t.technology)}</th>
                    <th scope="col">{ui_text(|t| t.quality)}</th>
                </tr>
            </thead>
            <tbody>
                {entries
                    .into_iter()
                    .map(|entry| {
                        let field = entry.source == "field";
                        let quality = entry.quality.clone();
                        view! {
                            <tr>
                                <td>{entry.operator_name}</td>
                                <td>{entry.technology}</td>
                                <td class=format!("quality quality-{}", entry.quality)>
                                    {move || texts.get().quality(&quality)}
                                    {field.then(|| view! { " (" {ui_text(|t| t.field_measured)} ")" })}
                                </td>
                            </tr>
                        }
                    })
                    .collect_view()}
            </tbody>
        </table>
    }
}
