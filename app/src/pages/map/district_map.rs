//! The map area: the server's picture of the district, then Leaflet's moving map (a wasm piece
//! of its own) once someone moves the map or picks a layer.

use super::layers::{LayerInputs, LayerShape, ShapePlace};
use crate::model::{CommuneArea, CulturalHouse};
use crate::pages::leaflet::Leaflet;
use crate::{ui_text, use_texts};
use leptos::prelude::*;
use leptos::wasm_split::{wasm_split, SplitLoaderError};
use leptos_leaflet::prelude::*;

/// The map area. The server renders a canvas of the map's size holding a picture of the
/// district's tiles and houses (`map_preview`); Leaflet replaces it once someone moves the map
/// (a touch on it, or its button) or picks a layer, and only then is Leaflet fetched
/// (`pages::leaflet`). Leaflet exists only in the browser: rendering its components on the
/// server would also create browser-only values there, which must not cross threads.
#[component]
pub(super) fn DistrictMap(
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
    let preview =
        StoredValue::new(bounds.and_then(|bounds| crate::pages::map_preview::preview(bounds, &tiles, &rings)));
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
                {preview.get_value().map(|preview| view! { <crate::pages::map_preview::MapPreview preview visible selected/> })}
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
    crate::pages::house_markers::sync_markers(map, visible, selected);
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
