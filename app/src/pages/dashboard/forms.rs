//! The forms at the foot of the dashboard: a commune officer's figure for an indicator the app
//! does not record, and an admin's target.

use crate::dashboard_api::{ReportFigure, SetTarget};
use crate::i18n::Locale;
use crate::indicators::Source;
use crate::{ui_text, use_texts, LocaleContext};
use leptos::prelude::*;

/// The `<option>`s of an indicator picker, named in the chosen language.
fn indicator_options(
    definitions: Vec<&'static crate::indicators::Definition>,
    locale: RwSignal<Locale>,
) -> impl IntoView {
    definitions
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
        .collect_view()
}

/// Which form saved last (its message is shown again after the page's data reloads).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Saved {
    Figure,
    Target,
}

/// A commune officer's figure for an indicator the app does not record.
#[component]
pub(super) fn FigureForm(
    communes: Vec<(String, String)>,
    year: i32,
    refresh: Callback<()>,
    saved: RwSignal<Option<Saved>>,
) -> impl IntoView {
    let texts = use_texts();
    let locale = expect_context::<LocaleContext>().0;
    let action = ServerAction::<ReportFigure>::new();
    Effect::new(move |_| {
        if let Some(Ok(())) = action.value().get() {
            saved.set(Some(Saved::Figure));
            refresh.run(());
        }
    });
    let entered: Vec<&'static crate::indicators::Definition> =
        crate::indicators::DEFINITIONS.iter().filter(|definition| definition.source == Source::Entered).collect();
    let quarters: Vec<String> = (1..=4).map(|quarter| format!("{year}-Q{quarter}")).collect();
    let outcome = move || match action.value().get() {
        Some(Err(error)) => Some(("form__error", texts.get().error(&error))),
        _ => (saved.get() == Some(Saved::Figure))
            .then(|| ("notice notice--ok", texts.get().dashboard.figure_saved.to_owned())),
    };
    view! {
        <details class="dashboard-form" data-testid="figure-form" open=move || saved.get() == Some(Saved::Figure)>
            <summary>{ui_text(|t| t.dashboard.figure_heading)}</summary>
            <ActionForm action attr:class="form">
                <label class="field">
                    <span>{ui_text(|t| t.dashboard.indicator)}</span>
                    <select name="indicator">
                        {indicator_options(entered, locale)}
                    </select>
                </label>
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
                {move || outcome().map(|(class, text)| view! { <p class=class role="status">{text}</p> })}
                <button type="submit" class="button" disabled=move || action.pending().get()>
                    {ui_text(|t| t.save)}
                </button>
            </ActionForm>
        </details>
    }
    .into_any()
}

/// An admin's target for an indicator and year, everywhere or for one commune.
#[component]
pub(super) fn TargetForm(
    communes: Vec<(String, String)>,
    year: i32,
    refresh: Callback<()>,
    saved: RwSignal<Option<Saved>>,
) -> impl IntoView {
    let texts = use_texts();
    let locale = expect_context::<LocaleContext>().0;
    let action = ServerAction::<SetTarget>::new();
    Effect::new(move |_| {
        if let Some(Ok(())) = action.value().get() {
            saved.set(Some(Saved::Target));
            refresh.run(());
        }
    });
    let outcome = move || match action.value().get() {
        Some(Err(error)) => Some(("form__error", texts.get().error(&error))),
        _ => (saved.get() == Some(Saved::Target))
            .then(|| ("notice notice--ok", texts.get().dashboard.target_saved.to_owned())),
    };
    view! {
        <details class="dashboard-form" data-testid="target-form" open=move || saved.get() == Some(Saved::Target)>
            <summary>{ui_text(|t| t.dashboard.target_heading)}</summary>
            <ActionForm action attr:class="form">
                <label class="field">
                    <span>{ui_text(|t| t.dashboard.indicator)}</span>
                    <select name="indicator">
                        {indicator_options(crate::indicators::DEFINITIONS.iter().collect(), locale)}
                    </select>
                </label>
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
                {move || outcome().map(|(class, text)| view! { <p class=class role="status">{text}</p> })}
                <button type="submit" class="button" disabled=move || action.pending().get()>
                    {ui_text(|t| t.save)}
                </button>
            </ActionForm>
        </details>
    }
    .into_any()
}
