//! The chosen indicator in detail: its trend over the year, the map of the units one level
//! down, and their table, where a unit with units below it opens them.

use super::{percent_text, Choice};
use crate::indicators::{CommuneFigure, IndicatorStatus, Source};
use crate::model::CommuneArea;
use crate::ui_text;
use leptos::prelude::*;

/// The units of the breakdown shaded by the chosen indicator, drawn as SVG from their outlines
/// (no tiles, no script: it renders on the server and prints). Each shape opens its unit.
#[component]
pub(super) fn Choropleth(status: IndicatorStatus, areas: Vec<CommuneArea>, choice: Memo<Choice>) -> impl IntoView {
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
            let href = Choice { unit: Some(area.code.clone()), ..choice.get_untracked() }.href();
            view! {
                <a href=href>
                    <path d=path class=format!("choro choro-{band}") data-commune=area.code>
                        <title>{label}</title>
                    </path>
                </a>
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
pub(super) fn TrendChart(status: IndicatorStatus) -> impl IntoView {
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

/// The breakdown units of the chosen indicator, furthest behind first (or by name), each opening
/// the units below it when it has some.
#[component]
pub(super) fn UnitTable(status: IndicatorStatus, choice: Memo<Choice>, drillable: Vec<String>) -> impl IntoView {
    let indicator = status.indicator;
    let entered = status.source == Source::Entered;
    let rows = move || {
        let mut rows: Vec<CommuneFigure> = status.communes.clone();
        if choice.get().by_name {
            rows.sort_by(|a, b| a.commune.cmp(&b.commune));
        } else {
            rows.sort_by(furthest_behind_first);
        }
        rows
    };
    view! {
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
                        <th>{ui_text(|t| t.dashboard.unit)}</th>
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
                            // A unit opens the level below it; a village opens on the map.
                            let href = if drillable.contains(&row.commune_code) {
                                Some(Choice { unit: Some(row.commune_code.clone()), ..choice.get_untracked() }.href())
                            } else if row.level == "village" {
                                Some(format!("/?village={}", row.commune_code))
                            } else {
                                None
                            };
                            let name = row.commune.clone();
                            view! {
                                <tr data-commune=row.commune_code.clone()>
                                    <td>
                                        {match href {
                                            Some(href) => view! { <a href=href data-testid="drill-down">{name}</a> }.into_any(),
                                            None => name.into_any(),
                                        }}
                                    </td>
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

/// Largest gap first; units with no figure after those with one, by name.
pub(super) fn furthest_behind_first(a: &CommuneFigure, b: &CommuneFigure) -> std::cmp::Ordering {
    match (a.gap, b.gap) {
        (Some(a_gap), Some(b_gap)) => b_gap.total_cmp(&a_gap).then_with(|| a.commune.cmp(&b.commune)),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => a.commune.cmp(&b.commune),
    }
}
