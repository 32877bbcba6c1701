//! The forms at the foot of the dashboard: a commune officer's figure for an indicator the app
//! does not record, and an admin's target.

use crate::dashboard_api::{ReportFigure, SetTarget};
use crate::error::AppError;
use crate::i18n::{Locale, Texts};
use crate::indicators::Source;
use crate::{ui_text, use_texts, LocaleContext};
use leptos::prelude::*;

/// The indicator picker of a form, its choices named in the chosen language.
#[component]
fn IndicatorPicker(definitions: Vec<&'static crate::indicators::Definition>) -> impl IntoView {
    let locale = expect_context::<LocaleContext>().0;
    view! {
        <label class="field">
            <span>{ui_text(|t| t.dashboard.indicator)}</span>
            <select name="indicator">
                {definitions
                    .into_iter()
                    .map(|definition| {
                        view! {
                            <option value=definition.indicator.as_str()>
                                {move || match locale.get() {
                                    Locale::Vi => definition.name_vi,
                                    Locale::En => definition.name_en,
                                }}
                            </option>
                        }
                    })
                    .collect_view()}
            </select>
        </label>
    }
}

/// Which form saved last (its message is shown again after the page's data reloads).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Saved {
    Figure,
    Target,
}

/// What each form is opened with: the communes to choose from, the page's year, the reload of
/// the page's data and which form saved last.
#[derive(Clone)]
pub(super) struct FormInputs {
    pub(super) communes: Vec<(String, String)>,
    pub(super) year: i32,
    pub(super) refresh: Callback<()>,
    pub(super) saved: RwSignal<Option<Saved>>,
}

/// Follows a form's save: a saved form becomes the one that saved last and the page's data is
/// loaded again. Gives the line the form shows: the refusal, or its "saved" line while it is the
/// form that saved last.
fn after_save(
    value: MappedSignal<Option<Result<(), AppError>>>,
    form: Saved,
    saved: RwSignal<Option<Saved>>,
    refresh: Callback<()>,
    saved_text: fn(&Texts) -> &'static str,
) -> impl Fn() -> Option<(&'static str, String)> + Copy + Send + Sync + 'static {
    let texts = use_texts();
    Effect::new(move |_| {
        if let Some(Ok(())) = value.get() {
            saved.set(Some(form));
            refresh.run(());
        }
    });
    move || match value.get() {
        Some(Err(error)) => Some(("form__error", texts.get().error(&error))),
        _ => (saved.get() == Some(form)).then(|| ("notice notice--ok", saved_text(texts.get()).to_owned())),
    }
}

/// The foot of a form: what its last save gave, and its "Lưu" button (off while a save runs).
#[component]
fn SaveLine(outcome: Signal<Option<(&'static str, String)>>, pending: Memo<bool>) -> impl IntoView {
    view! {
        {move || outcome.get().map(|(class, text)| view! { <p class=class role="status">{text}</p> })}
        <button type="submit" class="button" disabled=move || pending.get()>
            {ui_text(|t| t.save)}
        </button>
    }
}

/// A commune officer's figure for an indicator the app does not record.
#[component]
pub(super) fn FigureForm(inputs: FormInputs) -> impl IntoView {
    let FormInputs { communes, year, refresh, saved } = inputs;
    let action = ServerAction::<ReportFigure>::new();
    let outcome = after_save(action.value(), Saved::Figure, saved, refresh, |texts| texts.dashboard.figure_saved);
    let entered: Vec<&'static crate::indicators::Definition> =
        crate::indicators::DEFINITIONS.iter().filter(|definition| definition.source == Source::Entered).collect();
    let quarters: Vec<String> = (1..=4).map(|quarter| format!("{year}-Q{quarter}")).collect();
    view! {
        <details class="dashboard-form" data-testid="figure-form" open=move || saved.get() == Some(Saved::Figure)>
            <summary>{ui_text(|t| t.dashboard.figure_heading)}</summary>
            <ActionForm action attr:class="form">
                <IndicatorPicker definitions=entered/>
                <label class="field">
                    <span>{ui_text(|t| t.dashboard.commune)}</span>
                    <select name="commune_code">
                        {communes.into_iter().map(|(code, name)| view! { <option value=code>{name}</option> }).collect_view()}
                    </select>
                </label>
                <label class="field">
                    <span>{ui_text(|t| t.dashboard.period)}</span>
                    <select name="period">
                        {quarters.into_iter().map(|quarter| view! { <option value=quarter.clone()>{quarter.clone()}</option> }).collect_view()}
                    </select>
                </label>
                <label class="field">
                    <span>{ui_text(|t| t.dashboard.numerator)}</span>
                    <input type="number" name="numerator" min="0" step="any" inputmode="decimal" required/>
                </label>
                <label class="field">
                    <span>{ui_text(|t| t.dashboard.denominator)}</span>
                    <input type="number" name="denominator" min="1" step="any" inputmode="decimal" required/>
                </label>
                <label class="field">
                    <span>{ui_text(|t| t.dashboard.note)}</span>
                    <input type="text" name="note" maxlength="500"/>
                </label>
                <SaveLine outcome=Signal::derive(outcome) pending=action.pending()/>
            </ActionForm>
        </details>
    }
    .into_any()
}

/// An admin's target for an indicator and year, everywhere or for one commune.
#[component]
pub(super) fn TargetForm(inputs: FormInputs) -> impl IntoView {
    let FormInputs { communes, year, refresh, saved } = inputs;
    let action = ServerAction::<SetTarget>::new();
    let outcome = after_save(action.value(), Saved::Target, saved, refresh, |texts| texts.dashboard.target_saved);
    view! {
        <details class="dashboard-form" data-testid="target-form" open=move || saved.get() == Some(Saved::Target)>
            <summary>{ui_text(|t| t.dashboard.target_heading)}</summary>
            <ActionForm action attr:class="form">
                <IndicatorPicker definitions={crate::indicators::DEFINITIONS.iter().collect()}/>
                <label class="field">
                    <span>{ui_text(|t| t.dashboard.year)}</span>
                    <input type="number" name="year" min="2020" max="2100" value=year required/>
                </label>
                <label class="field">
                    <span>{ui_text(|t| t.dashboard.commune)}</span>
                    <select name="unit_code">
                        <option value="*">{ui_text(|t| t.dashboard.whole_area)}</option>
                        {communes.into_iter().map(|(code, name)| view! { <option value=code>{name}</option> }).collect_view()}
                    </select>
                </label>
                <label class="field">
                    <span>{ui_text(|t| t.dashboard.target_percent)}</span>
                    <input type="text" name="percent" inputmode="decimal"/>
                    <small class="hint">{ui_text(|t| t.dashboard.target_hint)}</small>
                </label>
                <SaveLine outcome=Signal::derive(outcome) pending=action.pending()/>
            </ActionForm>
        </details>
    }
    .into_any()
}
