//! The leaders' dashboard (`/bang-dieu-khien`): the plan's indicators against the year's targets
//! as cards, a choropleth and a table of communes for the chosen indicator, and the villages to
//! act on next. Every choice is a link (`?year=&indicator=&sort=`), so the page works and can be
//! shared before (or without) the wasm.

mod forms;

use crate::dashboard_api::{load_dashboard, Dashboard};
use crate::error::AppError;
use crate::i18n::{fill, Locale};
use crate::indicators::{CommuneFigure, Indicator, IndicatorStatus, Source, VillagePriority};
use crate::model::{CommuneArea, Role};
use crate::{ui_text, use_texts, LocaleContext};
use forms::{FigureForm, FormInputs, Saved, TargetForm};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// Priority villages listed (the rest are further down the same ranking).
const PRIORITIES_SHOWN: usize = 20;
/// Plan years the picker offers (the plan runs 2025–2026; later years keep the 2026 targets).
const YEARS: [i32; 3] = [2025, 2026, 2027];

/// The page's choices, read from the URL.
#[derive(Clone, Debug, PartialEq)]
struct Choice {
    year: Option<i32>,
    indicator: Indicator,
    by_name: bool,
    /// One commune's figures on the cards instead of the whole area's.
    commune: Option<String>,
}

impl Choice {
    fn from_query(query: &leptos_router::params::ParamsMap) -> Choice {
        Choice {
            year: query.get("year").and_then(|year| year.parse().ok()),
            indicator: query
                .get("indicator")
                .and_then(|code| code.parse().ok())
                .unwrap_or(Indicator::CulturalHouseWifi),
            by_name: query.get("sort").as_deref() == Some("name"),
            commune: query.get("commune").filter(|code| !code.is_empty()),
        }
    }

    /// The page's address for these choices.
    fn href(&self) -> String {
        let mut query = vec![format!("indicator={}", self.indicator)];
        if let Some(year) = self.year {
            query.push(format!("year={year}"));
        }
        if self.by_name {
            query.push("sort=name".to_owned());
        }
        if let Some(commune) = &self.commune {
            query.push(format!("commune={commune}"));
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
    let data = Resource::new(move || choice.get().year, load_dashboard);
    let refresh = Callback::new(move |()| data.refetch());
    // Outlives the reload that a saved form triggers, so the form can still say it was saved.
    let saved = RwSignal::new(None::<Saved>);
    view! {
        <section class="page page--wide dashboard" data-testid="dashboard">
            <h2>{ui_text(|t| t.dashboard.title)}</h2>
            <Suspense fallback=move || view! { <p class="hint">{ui_text(|t| t.dashboard.loading)}</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(dashboard) => view! { <DashboardBody dashboard choice refresh saved/> }.into_any(),
                        Err(AppError::SignInRequired) => view! {
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
    let year = dashboard.year;
    let statuses = StoredValue::new(dashboard.statuses);
    let communes = StoredValue::new(dashboard.communes);
    let priorities = dashboard.priorities;
    let role = dashboard.role;
    let commune_names: Vec<(String, String)> = statuses.with_value(|all| {
        all.first()
            .map(|status| status.communes.iter().map(|c| (c.commune_code.clone(), c.commune.clone())).collect())
            .unwrap_or_default()
    });
    let chosen = Memo::new(move |_| {
        let indicator = choice.get().indicator;
        statuses.with_value(|all| all.iter().find(|status| status.indicator == indicator).cloned())
    });
    view! {
        <nav class="year-picker" aria-label=ui_text(|t| t.dashboard.year)>
            <span>{ui_text(|t| t.dashboard.year)}": "</span>
            {YEARS
                .into_iter()
                .map(|option| {
                    let href = move || Choice { year: Some(option), ..choice.get() }.href();
                    view! {
                        <a href=href class="chip-link" aria-current=move || (option == year).then_some("page")>{option}</a>
                    }
                })
                .collect_view()}
        </nav>
        <p><a class="button-link" href=format!("/bao-cao?year={year}") data-testid="report-link">
            {ui_text(|t| t.dashboard.report_link)}
        </a></p>
        <CommunePicker choice communes=commune_names.clone()/>
        <ul class="kpi-grid" data-testid="kpi-cards">
            {move || statuses.get_value().into_iter().map(|status| view! { <KpiCard status choice/> }).collect_view()}
        </ul>
        {move || chosen.get().map(|status| {
            let areas = communes.get_value();
            let heading = status.clone();
            view! {
                <h3 data-testid="chosen-indicator">{move || name_of(&heading, locale.get())}</h3>
                <TrendChart status=status.clone()/>
                <Choropleth status=status.clone() areas/>
                <CommuneTable status choice/>
            }
        })}
        <Priorities priorities/>
        {(role == Role::CommuneOfficer || role == Role::Admin).then(|| view! {
            <FigureForm inputs=FormInputs { communes: commune_names.clone(), year, refresh, saved }/>
        })}
        {(role == Role::Admin).then(|| view! { <TargetForm inputs=FormInputs { communes: commune_names, year, refresh, saved }/> })}
    }
    .into_any()
}

/// Narrows the cards to one commune (or back to the whole area).
#[component]
fn CommunePicker(choice: Memo<Choice>, communes: Vec<(String, String)>) -> impl IntoView {
    let navigate = leptos_router::hooks::use_navigate();
    let on_change = move |event: leptos::ev::Event| {
        let code = event_target_value(&event);
        let commune = (!code.is_empty()).then_some(code);
        navigate(&Choice { commune, ..choice.get_untracked() }.href(), Default::default());
    };
    view! {
        <label class="field commune-picker">
            <span>{ui_text(|t| t.dashboard.commune)}</span>
            <select data-testid="dashboard-commune" on:change=on_change prop:value=move || choice.get().commune.unwrap_or_default()>
                <option value="">{ui_text(|t| t.dashboard.whole_area)}</option>
                {communes
                    .into_iter()
                    .map(|(code, name)| view! { <option value=code>{name}</option> })
                    .collect_view()}
            </select>
        </label>
    }
}

fn name_of(status: &IndicatorStatus, locale: Locale) -> String {
    match locale {
        Locale::Vi => status.name_vi.clone(),
        Locale::En => status.name_en.clone(),
    }
}

#[component]
fn KpiCard(status: IndicatorStatus, choice: Memo<Choice>) -> impl IntoView {
    let texts = use_texts();
    let locale = expect_context::<LocaleContext>().0;
    let indicator = status.indicator;
    let href = move || Choice { indicator, ..choice.get() }.href();
    let selected = move || choice.get().indicator == indicator;
    // The whole area's figure, or the chosen commune's.
    let area = (status.percent, status.target);
    let communes = status.communes.clone();
    let shown = Memo::new(move |_| match choice.get().commune {
        Some(code) => communes
            .iter()
            .find(|figure| figure.commune_code == code)
            .map(|figure| (figure.percent, figure.target))
            .unwrap_or((None, area.1)),
        None => area,
    });
    let progress = move || {
        let (percent, target) = shown.get();
        percent.zip(target).map_or(
            0.0,
            |(percent, target)| {
                if target > 0.0 {
                    (percent / target * 100.0).min(100.0)
                } else {
                    100.0
                }
            },
        )
    };
    let source = status.source;
    let name = status.clone();
    view! {
        <li class="kpi" class:kpi--selected=selected data-indicator=indicator.as_str()>
            <a href=href class="kpi__link">
                <span class="kpi__name">{move || name_of(&name, locale.get())}</span>
                <span class="kpi__value">
                    {move || match shown.get().0 {
                        Some(percent) => percent_text(Some(percent)).into_any(),
                        None => view! { <small>{ui_text(|t| t.dashboard.no_figure)}</small> }.into_any(),
                    }}
                </span>
                <span class="kpi__target">
                    {move || match shown.get().1 {
                        Some(percent) => fill(texts.get().dashboard.target, "percent", format!("{percent:.0}")),
                        None => texts.get().dashboard.no_target.to_owned(),
                    }}
                </span>
                <progress max="100" value=progress aria-hidden="true"></progress>
                <span class="kpi__owner">{ui_text(|t| t.dashboard.owner)}": "{status.owner.clone()}</span>
                <span class="kpi__source">
                    {move || match source {
                        Source::Recorded => texts.get().dashboard.source_recorded,
                        Source::Entered => texts.get().dashboard.source_entered,
                    }}
                </span>
            </a>
        </li>
    }
    .into_any()
}

/// The communes shaded by the chosen indicator, drawn as SVG from their boundaries (no tiles, no
/// script: it renders on the server and prints).
#[component]
fn Choropleth(status: IndicatorStatus, areas: Vec<CommuneArea>) -> impl IntoView {
    let points = areas.iter().flat_map(|area| area.rings.iter().flatten());
    let (mut west, mut south, mut east, mut north) = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
    for (lon, lat) in points {
        west = west.min(*lon);
        east = east.max(*lon);
        south = south.min(*lat);
        north = north.max(*lat);
    }
    if west > east {
        return ().into_any();
    }
    // Equirectangular with the longitude shrunk by the latitude's cosine: true enough shapes for
    // a district, in a 1000-unit-wide box.
    let shrink = ((south + north) / 2.0).to_radians().cos();
    let scale = 1000.0 / ((east - west) * shrink).max(1e-9);
    let height = ((north - south) * scale).ceil();
    let project = move |(lon, lat): (f64, f64)| ((lon - west) * shrink * scale, (north - lat) * scale);
    let shapes = areas
        .into_iter()
        .map(|area| {
            let figure = status.communes.iter().find(|figure| figure.commune_code == area.code).cloned();
            let percent = figure.as_ref().and_then(|figure| figure.percent);
            let band = match percent {
                None => "none".to_owned(),
                Some(value) => ((value / 25.0).floor() as i64).clamp(0, 4).to_string(),
            };
            let path: String = area
                .rings
                .iter()
                .map(|ring| {
                    let mut d = String::new();
                    for (index, point) in ring.iter().enumerate() {
                        let (x, y) = project(*point);
                        d.push_str(&format!("{}{x:.1} {y:.1} ", if index == 0 { "M" } else { "L" }));
                    }
                    d.push('Z');
                    d
                })
                .collect();
            let label = format!("{}: {}", area.name, percent_text(percent));
            view! {
                <path d=path class=format!("choro choro-{band}") data-commune=area.code>
                    <title>{label}</title>
                </path>
            }
        })
        .collect_view();
    view! {
        <figure class="choropleth">
            <svg viewBox=format!("0 0 1000 {height}") role="img" aria-label=ui_text(|t| t.dashboard.map_heading)>
                {shapes}
            </svg>
            <figcaption>
                <ul class="legend">
                    {["0", "1", "2", "3", "4"]
                        .into_iter()
                        .zip(["0–24%", "25–49%", "50–74%", "75–99%", "100%"])
                        .map(|(band, label)| view! {
                            <li><span class=format!("dot choro-{band}") aria-hidden="true"></span>{label}</li>
                        })
                        .collect_view()}
                    <li>
                        <span class="dot choro-none" aria-hidden="true"></span>
                        {ui_text(|t| t.dashboard.legend_none)}
                    </li>
                </ul>
            </figcaption>
        </figure>
    }
    .into_any()
}

/// The area's figure quarter by quarter against the year's target, as an SVG line.
#[component]
fn TrendChart(status: IndicatorStatus) -> impl IntoView {
    // Quarter slots 100 units apart; 0–100% drawn from y = 140 up to y = 20.
    let x = |index: usize| 50.0 + index as f64 * 100.0;
    let y = |percent: f64| 140.0 - percent.clamp(0.0, 100.0) * 1.2;
    let points: Vec<(usize, f64, String)> = status
        .trend
        .iter()
        .enumerate()
        .filter_map(|(index, point)| point.percent.map(|percent| (index, percent, point.period.clone())))
        .collect();
    let line: String =
        points.iter().map(|(index, percent, _)| format!("{:.1},{:.1} ", x(*index), y(*percent))).collect();
    let target = status.target.map(|target| {
        let at = y(target);
        view! { <line class="trend__target" x1="10" x2="390" y1=at y2=at></line> }
    });
    let labels = status
        .trend
        .iter()
        .enumerate()
        .map(|(index, point)| {
            let quarter = point.period.split('-').nth(1).unwrap_or_default().to_owned();
            view! { <text class="trend__label" x=x(index) y="158">{quarter}</text> }
        })
        .collect_view();
    let dots = points
        .into_iter()
        .map(|(index, percent, period)| {
            view! {
                <circle class="trend__dot" cx=x(index) cy=y(percent) r="5"><title>{format!("{period}: {percent:.0}%")}</title></circle>
                <text class="trend__value" x=x(index) y=y(percent) - 10.0>{format!("{percent:.0}%")}</text>
            }
        })
        .collect_view();
    view! {
        <figure class="trend" data-testid="trend">
            <svg viewBox="0 0 400 165" role="img" aria-label=ui_text(|t| t.dashboard.trend_heading)>
                {target}
                <polyline class="trend__line" points=line></polyline>
                {dots}
                {labels}
            </svg>
            <figcaption class="hint">{ui_text(|t| t.dashboard.trend_caption)}</figcaption>
        </figure>
    }
    .into_any()
}

#[component]
fn CommuneTable(status: IndicatorStatus, choice: Memo<Choice>) -> impl IntoView {
    let indicator = status.indicator;
    let entered = status.source == Source::Entered;
    let rows = move || {
        let mut rows: Vec<CommuneFigure> = status.communes.clone();
        if choice.get().by_name {
            rows.sort_by(|a, b| a.commune.cmp(&b.commune));
        } else {
            // Largest gap first; communes with no figure after those with one.
            rows.sort_by(|a, b| match (a.gap, b.gap) {
                (Some(a_gap), Some(b_gap)) => b_gap.total_cmp(&a_gap),
                (Some(_), None) => std::cmp::Ordering::Less,
                (None, Some(_)) => std::cmp::Ordering::Greater,
                (None, None) => a.commune.cmp(&b.commune),
            });
        }
        rows
    };
    view! {
        <h3>{ui_text(|t| t.dashboard.communes_heading)}</h3>
        <p class="button-row">
            <a class="chip-link" href=move || Choice { indicator, by_name: false, ..choice.get() }.href()
                aria-current=move || (!choice.get().by_name).then_some("page")>
                {ui_text(|t| t.dashboard.sort_by_gap)}
            </a>
            <a class="chip-link" href=move || Choice { indicator, by_name: true, ..choice.get() }.href() data-testid="sort-by-name"
                aria-current=move || choice.get().by_name.then_some("page")>
                {ui_text(|t| t.dashboard.sort_by_name)}
            </a>
        </p>
        <div class="table-scroll">
            <table class="problems commune-table" data-testid="commune-table">
                <thead>
                    <tr>
                        <th>{ui_text(|t| t.dashboard.commune)}</th>
                        <th>{ui_text(|t| t.dashboard.actual)}</th>
                        <th>{ui_text(|t| t.dashboard.gap)}</th>
                        {entered.then(|| view! { <th>{ui_text(|t| t.dashboard.period)}</th> })}
                    </tr>
                </thead>
                <tbody>
                    {move || rows()
                        .into_iter()
                        .map(|row| {
                            let counts = row
                                .actual
                                .map(|ratio| format!(" ({}/{})", ratio.numerator, ratio.denominator))
                                .unwrap_or_default();
                            view! {
                                <tr data-commune=row.commune_code.clone()>
                                    <td>{row.commune.clone()}</td>
                                    <td>{percent_text(row.percent)}<small>{counts}</small></td>
                                    <td>{row.gap.map(|gap| format!("{gap:.0}")).unwrap_or_else(|| "—".to_owned())}</td>
                                    {entered.then(|| view! { <td>{row.period.clone().unwrap_or_default()}</td> })}
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        </div>
    }
    .into_any()
}

#[component]
fn Priorities(priorities: Vec<VillagePriority>) -> impl IntoView {
    let texts = use_texts();
    let shown: Vec<VillagePriority> = priorities.into_iter().take(PRIORITIES_SHOWN).collect();
    let empty = shown.is_empty();
    view! {
        <h3>{ui_text(|t| t.dashboard.priorities_heading)}</h3>
        <p class="hint">{ui_text(|t| t.dashboard.priorities_hint)}</p>
        {empty.then(|| view! { <p class="hint">{ui_text(|t| t.dashboard.no_priorities)}</p> })}
        <ol class="priority-list" data-testid="priority-list">
            {shown
                .into_iter()
                .map(|village| {
                    let reasons = village.reasons.clone();
                    let href = format!("/?commune={}&village={}", village.commune_code, village.village_code);
                    view! {
                        <li data-village=village.village_code.clone()>
                            <strong>{village.village.clone()}</strong>" · "{village.commune.clone()}
                            <ul class="priority-list__reasons">
                                {move || {
                                    let texts = texts.get().dashboard;
                                    reasons.iter().map(|reason| view! { <li>{texts.reason(reason)}</li> }).collect_view()
                                }}
                            </ul>
                            <a class="button-link" href=href>{ui_text(|t| t.dashboard.open_on_map)}</a>
                        </li>
                    }
                })
                .collect_view()}
        </ol>
    }
    .into_any()
}
