//! The home page: the district map of cultural houses coloured by Wi-Fi status, with filters, a
//! legend, a count against the plan's target, a details sheet and a plain list (readable before
//! the wasm arrives and by screen readers).

use super::leaflet::Leaflet;
use crate::i18n::Texts;
use crate::map_api::{load_house_detail, load_map_data, load_wifi_history};
use crate::model::{CommuneArea, CulturalHouse, MapData, WifiStatus};
use crate::{ui_text, use_texts};
use leptos::prelude::*;
use leptos::wasm_split::{wasm_split, SplitLoaderError};
use leptos_leaflet::prelude::*;
use leptos_router::hooks::{use_navigate, use_query_map};
use leptos_router::params::ParamsMap;

/// Query parameter names; the same names as the REST API's filters.
const STATUS_PARAM: &str = "status";
const COMMUNE_PARAM: &str = "commune";
const VILLAGE_PARAM: &str = "village";

#[component]
pub fn MapPage() -> impl IntoView {
    // Blocking: the server sends the page with the data in place, so it reads before hydration.
    let data = Resource::new_blocking(|| (), |_| load_map_data());
    let data_resource = data;

    view! {
        <Suspense fallback=move || view! { <p class="notice">{ui_text(|t| t.loading)}</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(data) => view! { <MapView data on_saved=Callback::new(move |()| data_refetch(data_resource))/> }.into_any(),
                    Err(_) => view! {
                        <p class="notice notice--error" role="alert">{ui_text(|t| t.load_failed)}</p>
                    }
                    .into_any(),
                }
            })}
        </Suspense>
    }
}

/// Loads the map data again (after a change made on this page), re-rendering the map.
fn data_refetch(data: Resource<Result<MapData, crate::error::AppError>>) {
    data.refetch();
}

/// The active filters, read from the URL so a filtered view can be shared as a link.
#[derive(Clone, Debug, PartialEq, Default)]
struct Filters {
    status: Option<WifiStatus>,
    commune: Option<String>,
}

impl Filters {
    fn from_query(query: &ParamsMap) -> Filters {
        Filters {
            status: query.get(STATUS_PARAM).and_then(|value| value.parse().ok()),
            commune: query.get(COMMUNE_PARAM).filter(|value| !value.is_empty()),
        }
    }

    fn to_query(&self) -> String {
        let mut query = ParamsMap::new();
        if let Some(status) = self.status {
            query.insert(STATUS_PARAM, status.as_str().to_owned());
        }
        if let Some(commune) = &self.commune {
            query.insert(COMMUNE_PARAM, commune.clone());
        }
        let query = query.to_query_string();
        if query.is_empty() {
            "/".to_owned()
        } else {
            query
        }
    }

    fn matches(&self, house: &CulturalHouse) -> bool {
        self.status.is_none_or(|status| house.wifi_status == status)
            && self.commune.as_ref().is_none_or(|code| &house.commune_code == code)
    }
}

#[component]
fn MapView(data: MapData, on_saved: Callback<()>) -> impl IntoView {
    let query = use_query_map();
    let filters = Memo::new(move |_| Filters::from_query(&query.read()));
    let bounds = data.bounds();
    let MapData { houses, communes, tiles, is_demo, public_view, wifi_editing, operators } = data;
    let operators = StoredValue::new(operators);
    let houses = StoredValue::new(houses);
    let visible = Memo::new(move |_| {
        let filters = filters.get();
        houses.with_value(|houses| houses.iter().filter(|house| filters.matches(house)).cloned().collect::<Vec<_>>())
    });
    // `?village=CODE` (a link from the dashboard's priority list) opens that village's house.
    let linked_village = query.read_untracked().get(VILLAGE_PARAM);
    let selected = RwSignal::new(linked_village.and_then(|code| {
        houses.with_value(|houses| houses.iter().find(|house| house.village_code == code).map(|house| house.id))
    }));
    let selected_house = Memo::new(move |_| {
        selected.get().and_then(|id| houses.with_value(|all| all.iter().find(|h| h.id == id).cloned()))
    });
    let commune_options = communes.iter().map(|c| (c.code.clone(), c.name.clone())).collect::<Vec<_>>();
    let layer = RwSignal::new(MapLayer::Wifi);
    // A layer is drawn by Leaflet: picking one asks for it (the picture shows houses only).
    let leaflet = Leaflet::new();
    Effect::new(move |_| {
        if layer.get() != MapLayer::Wifi {
            leaflet.request();
        }
    });
    // Coverage is loaded in the browser only, once the page is up: the first paint needs none,
    // and the server-rendered page must not wait for it. (Effects never run on the server.)
    let coverage = RwSignal::new(Vec::<crate::model::VillageCoverage>::new());
    let measured = RwSignal::new(Vec::<crate::field_records::VillageMeasurement>::new());
    let progress = RwSignal::new(Vec::<crate::field_records::VillageProgress>::new());
    let donations = RwSignal::new(Vec::<crate::donations::VillageDonations>::new());
    Effect::new(move |_| {
        leptos::task::spawn_local(async move {
            if let Ok(loaded) = crate::map_api::load_coverage().await {
                coverage.set(loaded);
            }
        });
        if !public_view {
            leptos::task::spawn_local(async move {
                if let Ok(loaded) = crate::map_api::load_field_measurements().await {
                    measured.set(loaded);
                }
            });
            leptos::task::spawn_local(async move {
                if let Ok(loaded) = crate::map_api::load_village_progress().await {
                    progress.set(loaded);
                }
            });
            leptos::task::spawn_local(async move {
                if let Ok(loaded) = crate::map_api::load_village_donations().await {
                    donations.set(loaded);
                }
            });
        }
    });
    let layers = LayerInputs { layer, houses, coverage, measured, progress, donations };
    let has_measurements = Signal::derive(move || measured.with(|measured| !measured.is_empty()));
    let has_progress = Signal::derive(move || progress.with(|progress| !progress.is_empty()));
    let has_donations = Signal::derive(move || donations.with(|donations| !donations.is_empty()));
    let layer_options = Signal::derive(move || coverage.with(|coverage| coverage_choices(coverage)));

    view! {
        <section class="toolbar" aria-label=ui_text(|t| t.legend)>
            <WifiCount visible public_view/>
            <FilterBar filters commune_options public_view/>
            <LayerPicker layer layer_options has_measurements has_progress has_donations/>
        </section>
        {public_view.then(|| view! {
            <p class="public-notice" data-testid="public-notice">
                {ui_text(|t| t.public_notice)}" "<a href="/dang-nhap">{ui_text(|t| t.sign_in)}</a>
            </p>
        })}
        <div class="map-wrap">
            <DistrictMap visible communes tiles bounds selected layers leaflet/>
            <Legend layer/>
        </div>
        {move || {
            selected_house.get().map(|house| {
                let editor = match &wifi_editing {
                    crate::model::WifiEditing::No => None,
                    crate::model::WifiEditing::AnyOperator => Some(None),
                    crate::model::WifiEditing::OwnOperator(operator) => Some(Some(operator.clone())),
                };
                let sheet = house_sheet(SheetParts { house, selected, editor, operators: operators.get_value(), on_saved });
                view! {
                    <Suspense fallback=move || view! { <p class="notice">{ui_text(|t| t.loading)}</p> }>
                        {Suspend::new(async move {
                            sheet.await.unwrap_or_else(|_| {
                                view! {
                                    <section class="sheet" data-testid="house-detail-failed">
                                        <header class="sheet__header">
                                            <p class="notice notice--error" role="alert">{ui_text(|t| t.load_failed)}</p>
                                            <button type="button" class="sheet__close" on:click=move |_| selected.set(None)>
                                                {ui_text(|t| t.close)}
                                            </button>
                                        </header>
                                    </section>
                                }
                                .into_any()
                            })
                        })}
                    </Suspense>
                }
            })
        }}
        <HouseList visible selected/>
        <footer class="app-footer">
            {is_demo.then(|| view! {
                <p class="demo-notice" data-testid="demo-notice">{ui_text(|t| t.demo_notice)}</p>
            })}
        </footer>
    }
    .into_any()
}

/// "N/M nhà văn hóa có Wi-Fi" over the houses the filters let through; the public view, which
/// holds only working Wi-Fi, counts "N nhà văn hóa có Wi-Fi miễn phí".
#[component]
fn WifiCount(visible: Memo<Vec<CulturalHouse>>, public_view: bool) -> impl IntoView {
    if public_view {
        return view! {
            <p class="wifi-count" data-testid="wifi-count" aria-live="polite">
                <strong>{move || visible.with(Vec::len)}</strong>" "{ui_text(|t| t.public_wifi_suffix)}
            </p>
        }
        .into_any();
    }
    let active = move || visible.with(|houses| houses.iter().filter(|h| h.wifi_status == WifiStatus::Active).count());
    let total = move || visible.with(Vec::len);
    view! {
        <p class="wifi-count" data-testid="wifi-count" aria-live="polite">
            <strong>{active}"/"{total}</strong>" "{ui_text(|t| t.wifi_count_suffix)}
        </p>
    }
    .into_any()
}

#[component]
fn FilterBar(filters: Memo<Filters>, commune_options: Vec<(String, String)>, public_view: bool) -> impl IntoView {
    let texts = use_texts();
    let navigate = use_navigate();
    let apply = move |next: Filters| navigate(&next.to_query(), Default::default());
    let apply_status = {
        let apply = apply.clone();
        move |event| {
            let value = event_target_value(&event);
            apply(Filters { status: value.parse().ok(), ..filters.get_untracked() });
        }
    };
    let apply_commune = move |event| {
        let value = event_target_value(&event);
        apply(Filters { commune: Some(value).filter(|v| !v.is_empty()), ..filters.get_untracked() });
    };
    let selected_status = move || filters.get().status.map(|s| s.as_str().to_owned()).unwrap_or_default();
    let selected_commune = move || filters.get().commune.unwrap_or_default();

    view! {
        <div class="filters">
            // The public view holds only working Wi-Fi: a status filter would have nothing to do.
            {(!public_view).then(|| view! {
            <label class="field">
                <span>{ui_text(|t| t.filter_status)}</span>
                <select data-testid="status-filter" on:change=apply_status prop:value=selected_status>
                    <option value="">{ui_text(|t| t.all_statuses)}</option>
                    {WifiStatus::ALL
                        .into_iter()
                        .map(|status| view! {
                            <option value=status.as_str() selected=move || filters.get().status == Some(status)>
                                {move || texts.get().status(status)}
                            </option>
                        })
                        .collect_view()}
                </select>
            </label>
            })}
            <label class="field">
                <span>{ui_text(|t| t.filter_commune)}</span>
                <select data-testid="commune-filter" on:change=apply_commune prop:value=selected_commune>
                    <option value="">{ui_text(|t| t.all_communes)}</option>
                    {commune_options
                        .into_iter()
                        .map(|(code, name)| {
                            let is_selected = {
                                let code = code.clone();
                                move || filters.get().commune.as_deref() == Some(code.as_str())
                            };
                            view! { <option value=code selected=is_selected>{name}</option> }
                        })
                        .collect_view()}
                </select>
            </label>
        </div>
    }
}

/// CSS class of a status dot/marker; the colours live in `style/main.css`.
fn status_class(status: WifiStatus) -> String {
    format!("status-{}", status.as_str())
}

/// The map area. The server renders a canvas of the map's size holding a picture of the
/// district's tiles and houses (`map_preview`); Leaflet replaces it once someone moves the map
/// (a touch on it, or its button) or picks a layer, and only then is Leaflet fetched
/// (`pages::leaflet`). Leaflet exists only in the browser: rendering its components on the
/// server would also create browser-only values there, which must not cross threads.
#[component]
fn DistrictMap(
    visible: Memo<Vec<CulturalHouse>>,
    communes: Vec<CommuneArea>,
    tiles: crate::model::TileSource,
    bounds: Option<((f64, f64), (f64, f64))>,
    selected: RwSignal<Option<i64>>,
    layers: LayerInputs,
    leaflet: Leaflet,
) -> impl IntoView {
    let texts = use_texts();
    let rings: Vec<Vec<(f64, f64)>> = communes.into_iter().flat_map(|commune| commune.rings).collect();
    let preview = StoredValue::new(bounds.and_then(|bounds| super::map_preview::preview(bounds, &tiles, &rings)));
    let rings = StoredValue::new(rings);
    let tiles = StoredValue::new(tiles);
    let button_text = move || {
        let texts = texts.get();
        if leaflet.failed.get() {
            texts.map_interactive_failed
        } else if leaflet.loading() {
            texts.map_interactive_loading
        } else {
            texts.map_interactive
        }
    };
    let placeholder = move || {
        view! {
            <div class="map__canvas">
                {preview.get_value().map(|preview| view! { <super::map_preview::MapPreview preview visible selected/> })}
            </div>
            <button type="button" class="map__interactive" data-testid="map-interactive"
                disabled=move || leaflet.loading() on:click=move |_| leaflet.request()>
                {button_text}
            </button>
        }
    };

    view! {
        <div class="map" role="region" aria-label=ui_text(|t| t.map_label) on:pointerdown=move |_| leaflet.request()>
            <Show when=move || leaflet.ready.get() fallback=placeholder>
                {move || {
                    let parts = MovingMapParts {
                        visible,
                        rings: rings.get_value(),
                        tiles: tiles.get_value(),
                        bounds,
                        selected,
                        layers,
                    };
                    let map = moving_map(parts);
                    let shown = async move {
                        map.await.unwrap_or_else(|_| {
                            // Back to the picture, its button offering another try.
                            leaflet.lost();
                            ().into_any()
                        })
                    };
                    view! { <Suspense fallback=placeholder>{Suspend::new(shown)}</Suspense> }
                }}
            </Show>
        </div>
    }
}

/// What the map's layers are drawn from; the shapes are worked out by the moving map only.
#[derive(Clone, Copy)]
struct LayerInputs {
    layer: RwSignal<MapLayer>,
    houses: StoredValue<Vec<CulturalHouse>>,
    coverage: RwSignal<Vec<crate::model::VillageCoverage>>,
    measured: RwSignal<Vec<crate::field_records::VillageMeasurement>>,
    progress: RwSignal<Vec<crate::field_records::VillageProgress>>,
    donations: RwSignal<Vec<crate::donations::VillageDonations>>,
}

impl LayerInputs {
    fn shapes(self) -> Vec<LayerShape> {
        let LayerInputs { layer, houses, coverage, measured, progress, donations } = self;
        coverage.with(|coverage| {
            measured.with(|measured| {
                progress.with(|progress| {
                    donations.with(|donations| {
                        houses.with_value(|houses| {
                            layer_shapes(&layer.get(), houses, &LayerData { coverage, measured, progress, donations })
                        })
                    })
                })
            })
        })
    }
}

/// What the moving map is opened with, as one value: a lazy function's arguments cross between
/// wasm pieces.
struct MovingMapParts {
    visible: Memo<Vec<CulturalHouse>>,
    /// The communes' outer rings, `(lon, lat)`.
    rings: Vec<Vec<(f64, f64)>>,
    tiles: crate::model::TileSource,
    bounds: Option<((f64, f64), (f64, f64))>,
    selected: RwSignal<Option<i64>>,
    layers: LayerInputs,
}

/// Leaflet's side of the map (its components, the markers, the layers' shapes) is a wasm piece
/// of its own, fetched with Leaflet itself when someone moves the map: the picture
/// (`map_preview`) is what the first load needs. On the server it is a plain call (and never
/// made: the server renders the picture). `fallible`: a piece that cannot be fetched (a dropped
/// link, offline before the service worker kept it) is an `Err` to show, where Leptos's
/// `#[lazy]` would abort the whole app.
#[wasm_split(moving_map, wasm_split_path = ::leptos::wasm_split, fallible)]
fn moving_map(parts: MovingMapParts) -> Result<AnyView, SplitLoaderError> {
    let MovingMapParts { visible, rings, tiles, bounds, selected, layers } = parts;
    let outlines = rings
        .into_iter()
        .map(|ring| ring.into_iter().map(|(lon, lat)| Position::new(lat, lon)).collect::<Vec<_>>())
        .collect::<Vec<_>>();
    let circles = Signal::derive(move || layers.shapes());
    // Leaflet finds its container by id in the document, and a view that comes as a wasm piece
    // is built before it is attached: the map is made a frame later, once it is in the page.
    let attached = RwSignal::new(false);
    request_animation_frame(move || attached.set(true));
    let outlines = StoredValue::new(outlines);
    let tiles = StoredValue::new(tiles);
    Ok(view! {
        <Show when=move || attached.get() fallback=|| view! { <div class="map__canvas"></div> }>
            <LeafletMap visible outlines=outlines.get_value() tiles=tiles.get_value() bounds selected circles/>
        </Show>
    }
    .into_any())
}

#[component]
fn LeafletMap(
    visible: Memo<Vec<CulturalHouse>>,
    outlines: Vec<Vec<Position>>,
    tiles: crate::model::TileSource,
    bounds: Option<((f64, f64), (f64, f64))>,
    selected: RwSignal<Option<i64>>,
    circles: Signal<Vec<LayerShape>>,
) -> impl IntoView {
    let (map, set_map) = create_map_signal();
    #[cfg(feature = "hydrate")]
    super::house_markers::sync_markers(map, visible, selected);
    // Never rendered on the server (see `DistrictMap`); the markers need the browser's Leaflet.
    #[cfg(not(feature = "hydrate"))]
    let _ = (visible, selected);
    // Frame the whole district once Leaflet is up, whatever the screen size.
    Effect::new(move |_| {
        if let (Some(map), Some(((south, west), (north, east)))) = (map.get(), bounds) {
            let corners = leptos_leaflet::leaflet::LatLngBounds::new(
                &leptos_leaflet::leaflet::LatLng::new(south, west),
                &leptos_leaflet::leaflet::LatLng::new(north, east),
            );
            // Not animated: the map lands where the server's picture of it already is, instead
            // of zooming through other tiles (a slow link would fetch those too).
            let options = js_sys::Object::new();
            let _ = js_sys::Reflect::set(&options, &"animate".into(), &false.into());
            map.fit_bounds_with_options(&corners, &options);
        }
    });
    let center = bounds
        .map(|((south, west), (north, east))| Position::new((south + north) / 2.0, (west + east) / 2.0))
        .unwrap_or(Position::new(20.2, 105.7));

    view! {
        <MapContainer class="map__canvas" center zoom=11.0 zoom_snap=0.25 map=set_map>
            <TileLayer url=tiles.url attribution=tiles.attribution/>
            {outlines
                .into_iter()
                .map(|positions| view! {
                    <Polygon
                        positions
                        color="#35506b"
                        weight=1.5
                        fill_color="#35506b"
                        fill_opacity=0.04
                        interactive=false
                    />
                })
                .collect_view()}
            <For each=move || circles.get() key=|shape| shape.key.clone() let:shape>
                {match shape.place {
                    ShapePlace::Around { lat, lon } => view! {
                        <Circle
                            center=JsSignal::derive_local(move || Position::new(lat, lon))
                            radius=1500.0
                            class_name=format!("layer-circle {}", shape.class)
                            weight=2.0
                            fill_opacity=0.35
                            interactive=false
                        />
                    }
                    .into_any(),
                    ShapePlace::Area(ring) => {
                        let positions: Vec<Position> =
                            ring.into_iter().map(|(lon, lat)| Position::new(lat, lon)).collect();
                        view! {
                        <Polygon
                            positions
                            class_name=format!("layer-area {}", shape.class)
                            weight=2.0
                            fill_opacity=0.35
                            interactive=false
                        />
                        }
                        .into_any()
                    }
                }}
            </For>
        </MapContainer>
    }
}

#[component]
fn Legend(layer: RwSignal<MapLayer>) -> impl IntoView {
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
            }}
        </ul>
    }
}

/// What the map shows beside the cultural houses.
#[derive(Clone, Debug, PartialEq, Eq)]
enum MapLayer {
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
}

impl MapLayer {
    fn value(&self) -> String {
        match self {
            MapLayer::Wifi => "wifi".to_owned(),
            MapLayer::DeadZones => "dead".to_owned(),
            MapLayer::Measured => "measured".to_owned(),
            MapLayer::Visits => "visits".to_owned(),
            MapLayer::Donations => "donations".to_owned(),
            MapLayer::Coverage { operator, technology } => format!("coverage:{operator}:{technology}"),
        }
    }

    fn from_value(value: &str) -> MapLayer {
        match value.split(':').collect::<Vec<_>>()[..] {
            ["dead"] => MapLayer::DeadZones,
            ["measured"] => MapLayer::Measured,
            ["visits"] => MapLayer::Visits,
            ["donations"] => MapLayer::Donations,
            ["coverage", operator, technology] => {
                MapLayer::Coverage { operator: operator.to_owned(), technology: technology.to_owned() }
            }
            _ => MapLayer::Wifi,
        }
    }
}

/// The (operator, technology) pairs that have reports, for the layer picker.
fn coverage_choices(coverage: &[crate::model::VillageCoverage]) -> Vec<(String, String)> {
    let mut choices: Vec<(String, String)> =
        coverage.iter().map(|entry| (entry.operator.clone(), entry.technology.clone())).collect();
    choices.sort();
    choices.dedup();
    choices
}

/// A shaded shape of a map layer: a circle around a village's cultural house, or the area an
/// operator drew for its coverage report.
#[derive(Clone, Debug, PartialEq)]
struct LayerShape {
    key: String,
    place: ShapePlace,
    class: String,
}

#[derive(Clone, Debug, PartialEq)]
enum ShapePlace {
    Around {
        lat: f64,
        lon: f64,
    },
    /// One outer ring, `(lon, lat)`.
    Area(Vec<(f64, f64)>),
}

/// The shapes of a layer: per village with a visible cultural house, a circle around the house,
/// or the drawn areas of a coverage report that has them.
/// What the layers are drawn from, besides the houses (each loaded after the first paint).
struct LayerData<'a> {
    coverage: &'a [crate::model::VillageCoverage],
    measured: &'a [crate::field_records::VillageMeasurement],
    progress: &'a [crate::field_records::VillageProgress],
    donations: &'a [crate::donations::VillageDonations],
}

fn layer_shapes(layer: &MapLayer, houses: &[CulturalHouse], data: &LayerData<'_>) -> Vec<LayerShape> {
    let LayerData { coverage, measured, progress, donations } = *data;
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
        MapLayer::Measured => villages
            .into_iter()
            .filter_map(|house| {
                let found = measured.iter().find(|m| m.village_code == house.village_code)?;
                Some(circle(house, format!("coverage-{} measured", found.quality)))
            })
            .collect(),
        MapLayer::Visits => villages
            .into_iter()
            .filter_map(|house| {
                let found = progress.iter().find(|p| p.village_code == house.village_code)?;
                Some(circle(house, format!("progress-{}", found.band())))
            })
            .collect(),
        MapLayer::Donations => villages
            .into_iter()
            .filter_map(|house| {
                let found = donations.iter().find(|d| d.village_code == house.village_code)?;
                Some(circle(house, format!("donation-{}", found.band())))
            })
            .collect(),
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
fn LayerPicker(
    layer: RwSignal<MapLayer>,
    layer_options: Signal<Vec<(String, String)>>,
    has_measurements: Signal<bool>,
    has_progress: Signal<bool>,
    has_donations: Signal<bool>,
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

fn or_unknown(texts: &Texts, value: Option<String>) -> String {
    value.unwrap_or_else(|| texts.unknown.to_owned())
}

/// Only the date part of a stored timestamp: what a reader on a small screen needs.
fn date_part(timestamp: &str) -> String {
    timestamp.split('T').next().unwrap_or(timestamp).to_owned()
}

/// What the details sheet of one house is opened with, as one value: a lazy function's
/// arguments cross between wasm pieces.
struct SheetParts {
    house: CulturalHouse,
    selected: RwSignal<Option<i64>>,
    editor: Option<Option<String>>,
    operators: Vec<(String, String)>,
    on_saved: Callback<()>,
}

/// The details sheet, with its Wi-Fi form and its two loads, is a wasm piece of its own
/// (`cargo leptos build --split`): a phone fetches it when a house is first opened (or with a
/// `?village=` link), not with the map most visitors only look at. On the server it is a
/// plain call. `fallible` as `moving_map`: a piece that does not come is a message, and the
/// next tap tries again.
#[wasm_split(house_sheet, wasm_split_path = ::leptos::wasm_split, fallible)]
fn house_sheet(parts: SheetParts) -> Result<AnyView, SplitLoaderError> {
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
                <dt>{ui_text(|t| t.commune)}</dt>
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
                        {WifiStatus::ALL
                            .into_iter()
                            .map(|choice| view! {
                                <option value=choice.as_str() selected=move || status.get() == choice>
                                    {move || texts.get().status(choice)}
                                </option>
                            })
                            .collect_view()}
                    </select>
                </label>
                <label class="field">
                    <span>{ui_text(|t| t.provider)}</span>
                    <select data-testid="edit-provider" prop:value=move || provider.get()
                        on:change=move |event| provider.set(event_target_value(&event))>
                        <option value="">{ui_text(|t| t.unknown)}</option>
                        {provider_choices
                            .into_iter()
                            .map(|(code, name)| {
                                let is_selected = {
                                    let code = code.clone();
                                    move || provider.get() == code
                                };
                                view! { <option value=code selected=is_selected>{name}</option> }
                            })
                            .collect_view()}
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

/// The same houses as the map, as a list: readable before the wasm loads, usable by screen
/// readers, and a second way to open a house on a small screen.
#[component]
fn HouseList(visible: Memo<Vec<CulturalHouse>>, selected: RwSignal<Option<i64>>) -> impl IntoView {
    view! {
        <details class="house-list">
            <summary>{ui_text(|t| t.list_heading)}" ("{move || visible.with(Vec::len)}")"</summary>
            <Show
                when=move || visible.with(|houses| !houses.is_empty())
                fallback=move || view! { <p>{ui_text(|t| t.list_empty)}</p> }
            >
                <ul>
                    <For each=move || visible.get() key=|house| house.id let:house>
                        <li>
                            <button type="button" data-house-id=house.id on:click=move |_| selected.set(Some(house.id))>
                                <span class=format!("dot {}", status_class(house.wifi_status)) aria-hidden="true"></span>
                                <span class="house-list__name">{house.name.clone()}</span>
                                <span class="house-list__place">{format!("{} · {}", house.village, house.commune)}</span>
                            </button>
                        </li>
                    </For>
                </ul>
            </Show>
        </details>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn house(status: WifiStatus, commune_code: &str) -> CulturalHouse {
        CulturalHouse {
            id: 1,
            name: "Nhà văn hóa Thôn Đông".into(),
            village_code: format!("{commune_code}-01"),
            village: "Thôn Đông".into(),
            commune_code: commune_code.into(),
            commune: "Xã Thạch Lâm".into(),
            lon: 105.5,
            lat: 20.3,
            wifi_status: status,
            wifi_provider: None,
            wifi_provider_name: None,
            bandwidth_mbps: None,
            installed_at: None,
            last_verified_at: None,
            ssid: None,
            ssid_public: false,
            version: 1,
        }
    }

    #[test]
    fn filters_round_trip_through_the_url() {
        let filters = Filters { status: Some(WifiStatus::Broken), commune: Some("15196".into()) };
        let query = filters.to_query();
        let parsed: ParamsMap = query
            .trim_start_matches('?')
            .split('&')
            .filter_map(|pair| pair.split_once('='))
            .map(|(key, value)| (key.to_owned(), value.to_owned()))
            .collect();
        assert_eq!(Filters::from_query(&parsed), filters);
        assert_eq!(Filters::default().to_query(), "/");
    }

    #[test]
    fn unknown_status_in_the_url_means_no_status_filter() {
        let query: ParamsMap = [("status", "working".to_owned()), ("commune", String::new())].into_iter().collect();
        assert_eq!(Filters::from_query(&query), Filters::default());
    }

    #[test]
    fn a_house_passes_when_every_set_filter_matches() {
        let broken_in_thach_lam = house(WifiStatus::Broken, "15196");
        assert!(Filters::default().matches(&broken_in_thach_lam));
        assert!(Filters { status: Some(WifiStatus::Broken), commune: None }.matches(&broken_in_thach_lam));
        assert!(!Filters { status: Some(WifiStatus::Active), commune: None }.matches(&broken_in_thach_lam));
        assert!(!Filters { status: None, commune: Some("15187".into()) }.matches(&broken_in_thach_lam));
    }
}
