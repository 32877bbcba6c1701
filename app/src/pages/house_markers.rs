//! Cultural-house markers, drawn straight through Leaflet in the browser.
//!
//! One `L.featureGroup` holds every marker and carries one click handler, so re-filtering
//! replaces markers without allocating a handler per marker. Markers are `L.divIcon`s styled by
//! CSS classes (`house-marker status-…`): big enough for a thumb, colour from the stylesheet.
//! We bind `L.divIcon` ourselves because `leaflet` 0.5's `DivIcon::new` constructs an `L.Icon`
//! (its binding names the wrong class), which throws for want of an image URL.

use crate::model::CulturalHouse;
use leptos::prelude::*;
use leptos_leaflet::leaflet::{DivIconOptions, FeatureGroup, Icon, LatLng, Marker, MarkerOptions, Point};
use leptos_leaflet::prelude::MapReadSignal;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = L, js_name = divIcon)]
    fn div_icon(options: &DivIconOptions) -> Icon;
}

/// Marker option under which each marker keeps the id of its house, for the shared click handler.
const HOUSE_ID_OPTION: &str = "houseId";
/// Diameter of a marker in CSS pixels.
const MARKER_SIZE: f64 = 26.0;

/// Keeps the map's markers equal to `visible`; a tap on one selects its house.
pub fn sync_markers(map: MapReadSignal, visible: Memo<Vec<CulturalHouse>>, selected: RwSignal<Option<i64>>) {
    let group = StoredValue::new_local(None::<FeatureGroup>);
    Effect::new(move |_| {
        let Some(map) = map.get() else { return };
        let houses = visible.get();
        let layer = match group.get_value() {
            Some(layer) => layer,
            None => {
                let layer = new_group(selected);
                layer.add_to(&map);
                group.set_value(Some(layer.clone()));
                layer
            }
        };
        layer.clear_layers();
        for house in &houses {
            layer.add_layer(&house_marker(house));
        }
    });
    on_cleanup(move || {
        if let Some(layer) = group.get_value() {
            layer.remove();
        }
    });
}

fn new_group(selected: RwSignal<Option<i64>>) -> FeatureGroup {
    let layer = FeatureGroup::new();
    let on_click = Closure::<dyn Fn(JsValue)>::new(move |event: JsValue| {
        let id = js_sys::Reflect::get(&event, &"layer".into())
            .and_then(|marker| js_sys::Reflect::get(&marker, &"options".into()))
            .and_then(|options| js_sys::Reflect::get(&options, &HOUSE_ID_OPTION.into()))
            .ok()
            .and_then(|id| id.as_f64());
        if let Some(id) = id {
            selected.set(Some(id as i64));
        }
    });
    // The group lives as long as the map; its one handler is handed to JavaScript for good.
    layer.on("click", on_click.into_js_value().unchecked_ref());
    layer
}

fn house_marker(house: &CulturalHouse) -> Marker {
    let icon_options = DivIconOptions::new();
    // `house-<id>` lets tests and styles find one house's marker.
    icon_options.set_class_name(format!("house-marker status-{} house-{}", house.wifi_status.as_str(), house.id));
    icon_options.set_icon_size(Point::new(MARKER_SIZE, MARKER_SIZE));
    icon_options.set_icon_anchor(Point::new(MARKER_SIZE / 2.0, MARKER_SIZE / 2.0));
    let options = MarkerOptions::new();
    options.set_icon(div_icon(&icon_options));
    options.set_title(house.name.clone());
    options.set_alt(house.name.clone());
    // Ids are far below 2^53, so they survive the trip through a JavaScript number.
    let _ = js_sys::Reflect::set(&options, &HOUSE_ID_OPTION.into(), &JsValue::from_f64(house.id as f64));
    Marker::new_with_options(&LatLng::new(house.lat, house.lon), &options)
}
