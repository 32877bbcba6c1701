//! What the map shows beside the cultural houses: the layers (coverage, dead zones, measured
//! network, declared against measured, door-to-door progress, donated devices), their shapes,
//! the picker and the legend.

use super::status_class;
use crate::model::{CulturalHouse, WifiStatus};
use crate::{ui_text, use_texts};
use leptos::prelude::*;

/// What the map's layers are drawn from; the shapes are worked out by the moving map only.
#[derive(Clone, Copy)]
pub(super) struct LayerInputs {
    pub(super) layer: RwSignal<MapLayer>,
    pub(super) houses: StoredValue<Vec<CulturalHouse>>,
    pub(super) coverage: RwSignal<Vec<crate::model::VillageCoverage>>,
    pub(super) measured: RwSignal<Vec<crate::field_records::VillageMeasurement>>,
    pub(super) progress: RwSignal<Vec<crate::field_records::VillageProgress>>,
    pub(super) donations: RwSignal<Vec<crate::donations::VillageDonations>>,
    pub(super) disagreements: RwSignal<Vec<Disagreement>>,
}

/// A village and operator whose measurements contradict the declaration
/// (`GET /api/v1/coverage/disagreements`): the fields the layer needs.
#[derive(Clone, Debug, PartialEq, serde::Deserialize)]
pub(super) struct Disagreement {
    pub(super) village_code: String,
    pub(super) overdue: bool,
}

impl LayerInputs {
    pub(super) fn shapes(self) -> Vec<LayerShape> {
        let LayerInputs { layer, houses, coverage, measured, progress, donations, disagreements } = self;
        coverage.with(|coverage| {
            measured.with(|measured| {
                progress.with(|progress| {
                    donations.with(|donations| {
                        disagreements.with(|disagreements| {
                            houses.with_value(|houses| {
                                let data = LayerData { coverage, measured, progress, donations, disagreements };
                                layer_shapes(&layer.get(), houses, &data)
                            })
                        })
                    })
                })
            })
        })
    }
}

#[component]
pub(super) fn Legend(layer: RwSignal<MapLayer>) -> impl IntoView {
    let texts = use_texts();
    let wifi = move || {
        WifiStatus::ALL
            .into_iter()
            .map(|status| {
                view! {
                    <li>
                        <span class=format!("dot {}", status_class(status)) aria-hidden="true"></span>
                        {move || texts.get().status(status)}
                    </li>
                }
            })
            .collect_view()
    };
    let qualities = move || {
        ["good", "fair", "weak", "none"]
            .into_iter()
            .map(|quality| {
                view! {
                    <li>
                        <span class=format!("dot coverage-{quality}") aria-hidden="true"></span>
                        {move || texts.get().quality(quality)}
                    </li>
                }
            })
            .collect_view()
    };
    view! {
        <ul class="legend" aria-label=ui_text(|t| t.legend)>
            {wifi}
            {move || match layer.get() {
                MapLayer::Wifi => ().into_any(),
                MapLayer::Coverage { .. } | MapLayer::Measured => qualities().into_any(),
                MapLayer::Visits => ["done", "mid", "low", "none", "unlisted"]
                    .into_iter()
                    .map(|band| view! {
                        <li>
                            <span class=format!("dot progress-{band}") aria-hidden="true"></span>
                            {move || texts.get().progress_band(band)}
                        </li>
                    })
                    .collect_view()
                    .into_any(),
                MapLayer::Donations => ["delivered", "allocated", "pending"]
                    .into_iter()
                    .map(|band| view! {
                        <li>
                            <span class=format!("dot donation-{band}") aria-hidden="true"></span>
                            {move || texts.get().donations.band(band)}
                        </li>
                    })
                    .collect_view()
                    .into_any(),
                MapLayer::DeadZones => view! {
                    <li>
                        <span class="dot dead-zone" aria-hidden="true"></span>
                        {ui_text(|t| t.layer_dead_zones)}
                    </li>
                }
                .into_any(),
                MapLayer::Disagreements => view! {
                    <li>
                        <span class="dot disagreement" aria-hidden="true"></span>
                        {ui_text(|t| t.inbox.title)}
                    </li>
                    <li>
                        <span class="dot disagreement overdue" aria-hidden="true"></span>
                        {ui_text(|t| t.inbox.overdue)}
                    </li>
                }
                .into_any(),
            }}
        </ul>
    }
}

/// What the map shows beside the cultural houses.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum MapLayer {
    Wifi,
    /// The latest quality one operator reports for one technology, village by village.
    Coverage {
        operator: String,
        technology: String,
    },
    /// Villages without good 4G/5G from any operator.
    DeadZones,
    /// What the teams' phones measured (Network Information API), beside the operators' claims.
    Measured,
    /// Door-to-door progress: the share of each village's households visited.
    Visits,
    /// Donated devices: handed over, waiting for their handover, or households still waiting.
    Donations,
    /// "Khác biệt khai báo / đo thực tế": villages where phones measured weaker than an operator
    /// declares, the overdue ones (unanswered for 30 days) marked.
    Disagreements,
}

impl MapLayer {
    fn value(&self) -> String {
        match self {
            MapLayer::Wifi => "wifi".to_owned(),
            MapLayer::DeadZones => "dead".to_owned(),
            MapLayer::Measured => "measured".to_owned(),
            MapLayer::Visits => "visits".to_owned(),
            MapLayer::Donations => "donations".to_owned(),
            MapLayer::Disagreements => "disagreements".to_owned(),
            MapLayer::Coverage { operator, technology } => format!("coverage:{operator}:{technology}"),
        }
    }

    fn from_value(value: &str) -> MapLayer {
        match value.split(':').collect::<Vec<_>>()[..] {
            ["dead"] => MapLayer::DeadZones,
            ["measured"] => MapLayer::Measured,
            ["visits"] => MapLayer::Visits,
            ["donations"] => MapLayer::Donations,
            ["disagreements"] => MapLayer::Disagreements,
            ["coverage", operator, technology] => {
                MapLayer::Coverage { operator: operator.to_owned(), technology: technology.to_owned() }
            }
            _ => MapLayer::Wifi,
        }
    }
}

/// The (operator, technology) pairs that have reports, for the layer picker.
pub(super) fn coverage_choices(coverage: &[crate::model::VillageCoverage]) -> Vec<(String, String)> {
    let mut choices: Vec<(String, String)> =
        coverage.iter().map(|entry| (entry.operator.clone(), entry.technology.clone())).collect();
    choices.sort();
    choices.dedup();
    choices
}

/// A shaded shape of a map layer: a circle around a village's cultural house, or the area an
/// operator drew for its coverage report.
#[derive(Clone, Debug, PartialEq)]
pub(super) struct LayerShape {
    pub(super) key: String,
    pub(super) place: ShapePlace,
    pub(super) class: String,
}

#[derive(Clone, Debug, PartialEq)]
pub(super) enum ShapePlace {
    Around {
        lat: f64,
        lon: f64,
    },
    /// One outer ring, `(lon, lat)`.
    Area(Vec<(f64, f64)>),
}

/// What the layers are drawn from, besides the houses (each loaded after the first paint).
struct LayerData<'a> {
    coverage: &'a [crate::model::VillageCoverage],
    measured: &'a [crate::field_records::VillageMeasurement],
    progress: &'a [crate::field_records::VillageProgress],
    donations: &'a [crate::donations::VillageDonations],
    disagreements: &'a [Disagreement],
}

/// The shapes of a layer: per village with a visible cultural house, a circle around the house,
/// or the drawn areas of a coverage report that has them.
fn layer_shapes(layer: &MapLayer, houses: &[CulturalHouse], data: &LayerData<'_>) -> Vec<LayerShape> {
    let LayerData { coverage, measured, progress, donations, disagreements } = *data;
    let mut villages: Vec<&CulturalHouse> = Vec::new();
    for house in houses {
        if !villages.iter().any(|known| known.village_code == house.village_code) {
            villages.push(house);
        }
    }
    let circle = |house: &CulturalHouse, class: String| LayerShape {
        key: format!("{}-{class}", house.village_code),
        place: ShapePlace::Around { lat: house.lat, lon: house.lon },
        class,
    };
    // A circle around each village's house that the layer's data names, in the class it gives.
    let each_village = |class_of: &dyn Fn(&str) -> Option<String>| -> Vec<LayerShape> {
        villages.iter().filter_map(|house| Some(circle(house, class_of(&house.village_code)?))).collect()
    };
    match layer {
        MapLayer::Wifi => Vec::new(),
        MapLayer::DeadZones => {
            let dead = crate::model::dead_zone_villages(villages.iter().map(|h| h.village_code.as_str()), coverage);
            villages
                .into_iter()
                .filter(|house| dead.contains(&house.village_code))
                .map(|house| circle(house, "dead-zone".to_owned()))
                .collect()
        }
        MapLayer::Measured => each_village(&|code| {
            let found = measured.iter().find(|m| m.village_code == code)?;
            Some(format!("coverage-{} measured", found.quality))
        }),
        MapLayer::Visits => each_village(&|code| {
            let found = progress.iter().find(|p| p.village_code == code)?;
            Some(format!("progress-{}", found.band()))
        }),
        MapLayer::Donations => each_village(&|code| {
            let found = donations.iter().find(|d| d.village_code == code)?;
            Some(format!("donation-{}", found.band()))
        }),
        MapLayer::Disagreements => each_village(&|code| {
            let mut found = disagreements.iter().filter(|d| d.village_code == code).peekable();
            found.peek()?;
            Some(if found.any(|d| d.overdue) { "disagreement overdue" } else { "disagreement" }.to_owned())
        }),
        MapLayer::Coverage { operator, technology } => villages
            .into_iter()
            .flat_map(|house| {
                let entry = coverage.iter().find(|e| {
                    e.village_code == house.village_code && &e.operator == operator && &e.technology == technology
                });
                let class = format!("coverage-{}", entry.map_or("none", |entry| entry.quality.as_str()));
                match entry.filter(|entry| !entry.areas.is_empty()) {
                    Some(entry) => entry
                        .areas
                        .iter()
                        .enumerate()
                        .map(|(index, ring)| LayerShape {
                            key: format!("{}-{class}-{index}", house.village_code),
                            place: ShapePlace::Area(ring.clone()),
                            class: class.clone(),
                        })
                        .collect::<Vec<_>>(),
                    None => vec![circle(house, class)],
                }
            })
            .collect(),
    }
}

#[component]
pub(super) fn LayerPicker(
    layer: RwSignal<MapLayer>,
    layer_options: Signal<Vec<(String, String)>>,
    has_measurements: Signal<bool>,
    has_progress: Signal<bool>,
    has_donations: Signal<bool>,
    has_disagreements: Signal<bool>,
) -> impl IntoView {
    let texts = use_texts();
    view! {
        <label class="field">
            <span>{ui_text(|t| t.layer)}</span>
            <select data-testid="layer-picker" on:change=move |event| layer.set(MapLayer::from_value(&event_target_value(&event)))
                prop:value=move || layer.get().value()>
                <option value="wifi">{ui_text(|t| t.layer_wifi_only)}</option>
                <option value="dead">{ui_text(|t| t.layer_dead_zones)}</option>
                {move || has_progress.get().then(|| view! {
                    <option value="visits">{ui_text(|t| t.layer_visits)}</option>
                })}
                {move || has_donations.get().then(|| view! {
                    <option value="donations">{ui_text(|t| t.donations.layer)}</option>
                })}
                {move || has_measurements.get().then(|| view! {
                    <option value="measured">{ui_text(|t| t.layer_measured)}</option>
                })}
                {move || has_disagreements.get().then(|| view! {
                    <option value="disagreements">{ui_text(|t| t.inbox.title)}</option>
                })}
                {move || layer_options
                    .get()
                    .into_iter()
                    .map(|(operator, technology)| {
                        let value = MapLayer::Coverage { operator: operator.clone(), technology: technology.clone() }.value();
                        let label = format!("{} {operator} {technology}", texts.get().layer_coverage);
                        view! { <option value=value>{label}</option> }
                    })
                    .collect_view()}
            </select>
        </label>
    }
}
