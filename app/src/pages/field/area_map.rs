//! The chosen village on a map: its households (not yet visited in orange, visited in grey) and
//! the phone's position with its accuracy circle. Leaflet runs in the browser only, so the page
//! mounts this after hydration.

use super::tile_cache::Area;
use super::Field;
use crate::model::TileSource;
use leptos::prelude::*;
use leptos_leaflet::leaflet::{CircleMarker, FeatureGroup, LatLng, LatLngBounds};
use leptos_leaflet::prelude::*;
use wasm_bindgen::JsValue;

/// Radius of a household's dot in screen pixels (the same at every zoom, big enough to see in
/// sunlight).
const DOOR_RADIUS_PX: f64 = 9.0;

/// A dot of fixed screen size (`L.circleMarker`) with its style in CSS classes.
fn dot(lat: f64, lon: f64, class: &str) -> CircleMarker {
    let options = js_sys::Object::new();
    for (name, value) in [
        ("radius", JsValue::from_f64(DOOR_RADIUS_PX)),
        ("className", JsValue::from_str(class)),
        ("weight", JsValue::from_f64(2.0)),
        ("fillOpacity", JsValue::from_f64(0.9)),
        ("interactive", JsValue::FALSE),
    ] {
        // Setting a property on a fresh plain object cannot fail.
        let _ = js_sys::Reflect::set(&options, &JsValue::from_str(name), &value);
    }
    CircleMarker::new_with_options(&LatLng::new(lat, lon), &options)
}

#[component]
pub(super) fn AreaMap(field: Field, tiles: TileSource) -> impl IntoView {
    let (map, set_map) = create_map_signal();
    let doors = Memo::new(move |_| field.doors());
    let placed = Memo::new(move |_| doors.with(|doors| doors.iter().filter(|door| door.position.is_some()).count()));
    // Frame the village when another village is chosen or households with a position come or go,
    // not on every visit recorded (the map would jump under the thumb).
    Effect::new(move |_| {
        let _village = field.village.get();
        let _placed = placed.get();
        let Some(map) = map.get() else { return };
        let points: Vec<(f64, f64)> = doors.get_untracked().iter().filter_map(|door| door.position).collect();
        let fix = field.position.get_untracked().map(|fix| (fix.lon, fix.lat));
        if let Some(area) = Area::around(points.into_iter().chain(fix)) {
            map.fit_bounds(&LatLngBounds::new(
                &LatLng::new(area.south, area.west),
                &LatLng::new(area.north, area.east),
            ));
        }
    });

    // The households' dots, redrawn when the list or a visit count changes.
    let dots = StoredValue::new_local(None::<FeatureGroup>);
    Effect::new(move |_| {
        let Some(map) = map.get() else { return };
        let doors = doors.get();
        let group = dots.get_value().unwrap_or_else(|| {
            let group = FeatureGroup::new();
            group.add_to(&map);
            dots.set_value(Some(group.clone()));
            group
        });
        group.clear_layers();
        for door in &doors {
            if let Some((lon, lat)) = door.position {
                let class = if door.visits > 0 { "door-dot door-dot--visited" } else { "door-dot" };
                group.add_layer(&dot(lat, lon, class));
            }
        }
    });
    on_cleanup(move || {
        if let Some(group) = dots.get_value() {
            group.remove();
        }
    });

    view! {
        <MapContainer class="field-map" center=Position::new(20.1, 105.6) zoom=13.0 map=set_map>
            <TileLayer url=tiles.url attribution=tiles.attribution/>
            {move || field.position.get().map(|fix| view! {
                <Circle
                    center=JsSignal::derive_local(move || Position::new(fix.lat, fix.lon))
                    radius=fix.accuracy_m.max(5.0)
                    class_name="my-position"
                    weight=2.0
                    fill_opacity=0.2
                    interactive=false
                />
            })}
        </MapContainer>
    }
}
