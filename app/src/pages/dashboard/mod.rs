//! The leaders' dashboard (`/bang-dieu-khien`), phone first. Its first screen lists every
//! indicator at once (value, target, a bar), the units furthest behind and the five villages to
//! act on next; the chosen indicator's trend, map and table follow. The area is broken down one
//! level (a province by its communes, a commune by its villages) and a unit opens the level
//! below it. Every choice is a link (`?year=&period=&unit=&today=&indicator=&sort=`), so the page
//! works, can be shared and goes back before (or without) the wasm.

mod details;
mod disagreements;
mod forms;

use crate::dashboard_api::{load_dashboard, Dashboard};
use crate::error::AppError;
use crate::i18n::{fill, Locale};
use crate::indicators::{Indicator, IndicatorStatus, Overview, Source, VillagePriority};
use crate::model::Role;
use crate::{ui_text, use_texts, LocaleContext};
use details::{furthest_behind_first, Choropleth, TrendChart, UnitTable};
use forms::{FigureForm, FormInputs, Saved, TargetForm};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// Plan years the picker offers (the plan runs 2025–2026; later years keep the 2026 targets).
const YEARS: [i32; 3] = [2025, 2026, 2027];
/// Units named under "furthest behind".
const BEHIND_SHOWN: usize = 3;

/// The page's choices, read from the URL.
#[derive(Clone, Debug, PartialEq)]
pub(super) struct Choice {
    year: Option<i32>,
    period: Option<String>,
    /// The unit shown (its code); the top of the leader's area when absent.
    unit: Option<String>,
    /// Today's boundaries ("theo địa giới hiện nay") instead of those of the period.
    today: bool,
    indicator: Indicator,
    by_name: bool,
}

impl Choice {
    fn from_query(query: &leptos_router::params::ParamsMap) -> Choice {
        let text = |name: &str| query.get(name).filter(|value| !value.is_empty());
        Choice {
            year: text("year").and_then(|year| year.parse().ok()),
            period: text("period"),
            unit: text("unit"),
            today: text("today").as_deref() == Some("1"),
            indicator: text("indicator").and_then(|code| code.parse().ok()).unwrap_or(Indicator::CulturalHouseWifi),
            by_name: text("sort").as_deref() == Some("name"),
        }
    }

    /// The page's address for these choices.
    fn href(&self) -> String {
        let mut query = vec![format!("indicator={}", self.indicator)];
        if let Some(year) = self.year {
            query.push(format!("year={year}"));
        }
        if let Some(period) = &self.period {
            query.push(format!("period={period}"));
        }
        if let Some(unit) = &self.unit {
            query.push(format!("unit={unit}"));
        }
        if self.today {
            query.push("today=1".to_owned());
        }
        if self.by_name {
            query.push("sort=name".to_owned());
        }
        format!("/bang-dieu-khien?{}", query.join("&"))
    }
}

/// A share as the dashboard and the report print it: whole percent, or a dash when unknown.
pub(super) fn percent_text(percent: Option<f64>) -> String {
    percent.map(|value| format!("{value:.0}%")).unwrap_or_else(|| "—".to_owned())
}

#[component]
pub fn DashboardPage() -> impl IntoView {
    let texts = use_texts();
    let query = use_query_map();
    let choice = Memo::new(move |_| query.with(Choice::from_query));
    let data = Resource::new(
        move || {
            let choice = choice.get();
            (choice.year, choice.period, choice.unit, choice.today)
        },
        |(year, period, unit, today)| load_dashboard(year, period, unit, Some(today)),
    );
    let refresh = Callback::new(move |()| data.refetch());
    // Outlives the reload that a saved form triggers, so the form can still say it was saved.
    let saved = RwSignal::new(None::<Saved>);
    view! {
        <section class="page page--wide dashboard" data-testid="dashboard">
            <Suspense fallback=move || view! { <p class="hint">{ui_text(|t| t.dashboard.loading)}</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(dashboard) => view! { <DashboardBody dashboard choice refresh saved/> }.into_any(),
                        Err(AppError::SignInRequired) => view! {
                            <h2>{ui_text(|t| t.dashboard.title)}</h2>
                            <p class="notice">{ui_text(|t| t.dashboard.sign_in_needed)}</p>
                            <a class="button-link" href="/dang-nhap">{ui_text(|t| t.sign_in)}</a>
                        }
                        .into_any(),
                        Err(AppError::Forbidden) => {
                            view! { <p class="notice">{ui_text(|t| t.dashboard.not_allowed)}</p> }.into_any()
                        }
                        Err(error) => view! { <p class="notice notice--error">{move || texts.get().error(&error)}</p> }
                            .into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn DashboardBody(
    dashboard: Dashboard,
    choice: Memo<Choice>,
    refresh: Callback<()>,
    saved: RwSignal<Option<Saved>>,
) -> impl IntoView {
    let locale = expect_context::<LocaleContext>().0;
    let Dashboard { overview, priorities, areas, role, disagreements, .. } = dashboard;
    let year = overview.year;
    let statuses = StoredValue::new(overview.indicators.clone());
    let drillable: Vec<String> =
        overview.units.iter().filter(|unit| unit.has_children).map(|unit| unit.code.clone()).collect();
    // Officers report for communes: the breakdown's communes, or the commune shown.
    let form_communes: Vec<(String, String)> = match &overview.area {
        Some(area) if area.level == "commune" => vec![(area.code.clone(), area.name.clone())],
        _ => overview
            .units
            .iter()
            .filter(|unit| unit.level == "commune")
            .map(|u| (u.code.clone(), u.name.clone()))
            .collect(),
    };
    let chosen = Memo::new(move |_| {
        let indicator = choice.get().indicator;
        statuses.with_value(|all| all.iter().find(|status| status.indicator == indicator).cloned())
    });
    let breakdown_level = overview.units.first().map(|unit| unit.level.clone()).unwrap_or_default();
    view! {
        <AreaHeading overview=overview.clone() choice/>
        <Controls overview=overview.clone() choice/>
        <ol class="indicator-list" data-testid="kpi-cards">
            {move || statuses.get_value().into_iter().map(|status| view! { <IndicatorRow status choice/> }).collect_view()}
        </ol>
        {move || chosen.get().map(|status| view! { <Behind status choice/> })}
        <Priorities priorities/>
        <disagreements::DisagreementCounts lines=disagreements/>
        {move || chosen.get().map(|status| {
            let heading = status.clone();
            let method = status.clone();
            let level = breakdown_level.clone();
            view! {
                <h3 data-testid="chosen-indicator">{move || name_of(&heading, locale.get())}</h3>
                <p class="hint">{move || match locale.get() { Locale::Vi => method.method_vi.clone(), Locale::En => method.method_en.clone() }}</p>
                <TrendChart status=status.clone()/>
                <h3>{move || use_texts().get().dashboard.by_level(&level).to_owned()}</h3>
                <Choropleth status=status.clone() areas=areas.clone() choice/>
                <UnitTable status choice drillable=drillable.clone()/>
            }
        })}
        <p class="button-row">
            <a class="button-link" href=move || choice.get().href().replace("/bang-dieu-khien", "/bao-cao") data-testid="report-link">
                {ui_text(|t| t.dashboard.report_link)}
            </a>
            <a class="button-link" href="/api/v1/reports/priorities.csv" download>{ui_text(|t| t.dashboard.priorities_csv)}</a>
        </p>
        {(role == Role::CommuneOfficer || role == Role::Admin).then(|| view! {
            <FigureForm inputs=FormInputs { communes: form_communes.clone(), year, refresh, saved }/>
        })}
        {(role == Role::Admin).then(|| view! {
            <TargetForm inputs=FormInputs { communes: form_communes, year, refresh, saved }/>
        })}
    }
    .into_any()
}

/// The area shown, with the way back up to the top of the leader's area.
#[component]
fn AreaHeading(overview: Overview, choice: Memo<Choice>) -> impl IntoView {
    let up = |unit: Option<String>| Choice { unit, ..choice.get_untracked() }.href();
    let name = overview.area.as_ref().map(|area| area.name.clone());
    let crumbs = overview
        .path
        .iter()
        .map(|unit| view! { <li><a href=up(Some(unit.code.clone()))>{unit.name.clone()}</a></li> })
        .collect_view();
    let drilled = choice.get_untracked().unit.is_some();
    view! {
        <nav class="crumbs" aria-label=ui_text(|t| t.dashboard.area)>
            <ol>
                {drilled.then(|| view! { <li><a href=up(None) data-testid="area-top">{ui_text(|t| t.dashboard.whole_area)}</a></li> })}
                {crumbs}
            </ol>
        </nav>
        <h2 data-testid="area-name">
            {ui_text(|t| t.dashboard.title)}
            {name.map(|name| view! { <span class="dashboard__area">{name}</span> })}
        </h2>
    }
}

/// Year, quarter and boundaries, as links.
#[component]
fn Controls(overview: Overview, choice: Memo<Choice>) -> impl IntoView {
    let year = overview.year;
    let period = overview.period.clone();
    let today = choice.get_untracked().today;
    let toggle = Choice { today: !today, ..choice.get_untracked() }.href();
    view! {
        <nav class="year-picker" aria-label=ui_text(|t| t.dashboard.year)>
            {YEARS
                .into_iter()
                .map(|option| {
                    let href = Choice { year: Some(option), period: None, ..choice.get_untracked() }.href();
                    view! { <a href=href class="chip-link" aria-current=(option == year).then_some("page")>{option}</a> }
                })
                .collect_view()}
        </nav>
        <nav class="year-picker" aria-label=ui_text(|t| t.dashboard.quarter) data-testid="periods">
            {overview
                .periods
                .into_iter()
                .map(|option| {
                    let current = (option == period).then_some("page");
                    let href = Choice { period: Some(option.clone()), ..choice.get_untracked() }.href();
                    let label = option.split('-').nth(1).unwrap_or_default().to_owned();
                    view! { <a href=href class="chip-link" aria-current=current data-period=option>{label}</a> }
                })
                .collect_view()}
        </nav>
        <p>
            <a href=toggle class="toggle-link" role="switch" aria-checked=if today { "true" } else { "false" } data-testid="today-boundaries">
                {ui_text(|t| t.dashboard.today_boundaries)}
            </a>
            <small class="hint">" "{ui_text(|t| t.dashboard.today_boundaries_hint)}</small>
        </p>
    }
}

fn name_of(status: &IndicatorStatus, locale: Locale) -> String {
    match locale {
        Locale::Vi => status.name_vi.clone(),
        Locale::En => status.name_en.clone(),
    }
}

/// One indicator in the compact list: name, value against target, a bar; one line when there is
/// nothing to count yet. Tapping it opens its details below.
#[component]
fn IndicatorRow(status: IndicatorStatus, choice: Memo<Choice>) -> impl IntoView {
    let texts = use_texts();
    let locale = expect_context::<LocaleContext>().0;
    let indicator = status.indicator;
    let href = move || Choice { indicator, ..choice.get() }.href();
    let selected = move || (choice.get().indicator == indicator).then_some("true");
    let progress = match (status.percent, status.target) {
        (Some(percent), Some(target)) if target > 0.0 => (percent / target * 100.0).min(100.0),
        (Some(_), _) => 100.0,
        _ => 0.0,
    };
    let name = status.clone();
    let source = status.source;
    view! {
        <li class="indicator-row" data-indicator=indicator.as_str()>
            <a href=href class="indicator-row__link" aria-current=selected>
                <span class="indicator-row__name">{move || name_of(&name, locale.get())}</span>
                {match status.percent {
                    Some(percent) => view! {
                        <span class="indicator-row__value">{percent_text(Some(percent))}</span>
                        <span class="indicator-row__target">
                            {move || match status.target {
                                Some(target) => fill(texts.get().dashboard.target, "percent", format!("{target:.0}")),
                                None => texts.get().dashboard.no_target.to_owned(),
                            }}
                        </span>
                        // A drawing, not a style attribute: the page's policy allows no inline styles.
                        <svg class="indicator-row__bar" viewBox="0 0 100 10" preserveAspectRatio="none" aria-hidden="true">
                            <rect width=format!("{progress:.1}") height="10"/>
                        </svg>
                    }
                    .into_any(),
                    None => view! {
                        <span class="indicator-row__none">
                            {move || match source {
                                Source::Recorded => texts.get().dashboard.no_figure,
                                Source::Entered => texts.get().dashboard.no_report,
                            }}
                        </span>
                    }
                    .into_any(),
                }}
            </a>
        </li>
    }
}

/// The units furthest behind on the chosen indicator.
#[component]
fn Behind(status: IndicatorStatus, choice: Memo<Choice>) -> impl IntoView {
    let mut units = status.communes.clone();
    units.retain(|unit| unit.gap.is_some_and(|gap| gap > 0.0));
    units.sort_by(furthest_behind_first);
    units.truncate(BEHIND_SHOWN);
    if units.is_empty() {
        return ().into_any();
    }
    view! {
        <h3>{ui_text(|t| t.dashboard.behind_heading)}</h3>
        <ul class="behind-list" data-testid="behind">
            {units
                .into_iter()
                .map(|unit| {
                    let href = Choice { unit: Some(unit.commune_code.clone()), ..choice.get_untracked() }.href();
                    let gap = unit.gap.map(|gap| format!("−{gap:.0}")).unwrap_or_default();
                    view! {
                        <li>
                            <a href=href>{unit.commune.clone()}</a>
                            " "<strong>{percent_text(unit.percent)}</strong>" "<small>{gap}</small>
                        </li>
                    }
                })
                .collect_view()}
        </ul>
    }
    .into_any()
}

/// The five villages to act on next in the area shown.
#[component]
fn Priorities(priorities: Vec<VillagePriority>) -> impl IntoView {
    let texts = use_texts();
    let empty = priorities.is_empty();
    view! {
        <h3>{ui_text(|t| t.dashboard.priorities_heading)}</h3>
        {empty.then(|| view! { <p class="hint">{ui_text(|t| t.dashboard.no_priorities)}</p> })}
        <ol class="priority-list" data-testid="priority-list">
            {priorities
                .into_iter()
                .map(|village| {
                    let reasons = village.reasons.clone();
                    let href = format!("/?commune={}&village={}", village.commune_code, village.village_code);
                    view! {
                        <li data-village=village.village_code.clone()>
                            <a href=href><strong>{village.village.clone()}</strong></a>" · "{village.commune.clone()}
                            <ul class="priority-list__reasons">
                                {move || {
                                    let texts = texts.get().dashboard;
                                    reasons.iter().map(|reason| view! { <li>{texts.reason(reason)}</li> }).collect_view()
                                }}
                            </ul>
                        </li>
                    }
                })
                .collect_view()}
        </ol>
        <p class="hint">{ui_text(|t| t.dashboard.priorities_hint)}</p>
    }
    .into_any()
}
