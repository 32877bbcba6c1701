//! The field app's forms: a new household, a visit (with its skill chips and yes / no / not
//! asked outcomes), and the download of the area's map tiles.

use super::device;
use super::queue::{QueueState, QueuedRecord};
use super::state::{Field, Sheet};
use super::tile_cache;
use crate::field_records::{HouseholdRecord, Skill, SyncRecord, VisitRecord};
use crate::i18n::fill;
use crate::{ui_text, use_texts};
use leptos::prelude::*;
use leptos::task::spawn_local;

/// Longest note the form accepts (the server allows more; a note is meant to be short).
const NOTE_MAX_CHARS: usize = 500;

/// A household met for the first time: its name, the plan's eligibility flags, and its position
/// from GPS. Saving it opens the visit form for it.
#[component]
pub(super) fn NewHouseholdForm(field: Field) -> impl IntoView {
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
pub(super) fn SheetActions(
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
pub(super) fn SkillChips(skills: RwSignal<Vec<Skill>>) -> impl IntoView {
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
pub(super) fn VisitForm(
    field: Field,
    household_uuid: String,
    label: String,
    editing: Option<Box<QueuedRecord>>,
) -> impl IntoView {
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
                None => {
                    let saved = field.record(SyncRecord::Visit(visit), None).await;
                    if saved {
                        spawn_local(super::measure::after_visit(field));
                    }
                    saved
                }
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
pub(super) fn AreaDownload(field: Field, tiles: crate::model::TileSource) -> impl IntoView {
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
