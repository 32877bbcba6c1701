//! What the phone itself offers the field app: identifiers, the clock, the network and the
//! position. Browser-only; called from effects and event handlers, never while rendering on the
//! server.

use crate::field_records::NetworkSample;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// A position fix from the phone's GPS.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Fix {
    pub lon: f64,
    pub lat: f64,
    /// Radius of the 95% confidence circle, metres, as the phone reported it.
    pub accuracy_m: f64,
}

/// A version-4 UUID from the browser's cryptographic random source. `crypto.randomUUID()` exists
/// only in secure contexts; a phone opening the app over plain HTTP on a LAN still needs UUIDs.
pub fn new_uuid() -> Option<String> {
    let crypto = web_sys::window()?.crypto().ok()?;
    let mut bytes = [0u8; 16];
    crypto.get_random_values_with_u8_array(&mut bytes).ok()?;
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let hex: String = bytes.iter().map(|byte| format!("{byte:02x}")).collect();
    Some(format!("{}-{}-{}-{}-{}", &hex[0..8], &hex[8..12], &hex[12..16], &hex[16..20], &hex[20..32]))
}

/// Milliseconds since the epoch (orders the queue).
pub fn now_ms() -> f64 {
    js_sys::Date::now()
}

/// The current moment as RFC 3339 in UTC, as the sync API expects it.
pub fn now_rfc3339() -> String {
    String::from(js_sys::Date::new_0().to_iso_string())
}

/// A stored RFC 3339 moment as the phone's local date and time, for lists.
pub fn local_time(rfc3339: &str) -> String {
    let date = js_sys::Date::new(&JsValue::from_str(rfc3339));
    if date.get_time().is_nan() {
        return rfc3339.to_owned();
    }
    format!("{:02}/{:02} {:02}:{:02}", date.get_date(), date.get_month() + 1, date.get_hours(), date.get_minutes())
}

/// Whether the browser believes it has a network (`navigator.onLine`); `false` is reliable,
/// `true` only means "worth trying".
pub fn is_online() -> bool {
    web_sys::window().map(|window| window.navigator().on_line()).unwrap_or(false)
}

/// The phone's network as the Network Information API describes it (Chromium on Android has it;
/// other browsers do not, and then no sample is attached).
pub fn network_sample() -> Option<NetworkSample> {
    let navigator = web_sys::window()?.navigator();
    let connection = js_sys::Reflect::get(&navigator, &"connection".into()).ok().filter(|value| value.is_object())?;
    let effective_type =
        js_sys::Reflect::get(&connection, &"effectiveType".into()).ok().and_then(|value| value.as_string());
    let downlink_mbps = js_sys::Reflect::get(&connection, &"downlink".into()).ok().and_then(|value| value.as_f64());
    (effective_type.is_some() || downlink_mbps.is_some()).then_some(NetworkSample { effective_type, downlink_mbps })
}

/// Asks the browser to keep this site's storage under storage pressure, so the queue is not
/// evicted on a full phone. The browser may say no; the queue still works.
pub fn ask_for_persistent_storage() {
    let Some(window) = web_sys::window() else { return };
    let navigator = window.navigator();
    let Ok(storage) = js_sys::Reflect::get(&navigator, &"storage".into()) else { return };
    if let Ok(persist) =
        js_sys::Reflect::get(&storage, &"persist".into()).and_then(|f| f.dyn_into::<js_sys::Function>())
    {
        let _ = persist.call0(&storage);
    }
}

/// Follows the phone's position until [`stop_watching`] is called with the returned id. The two
/// callbacks live as long as the page (they are small and the watch is started once per visit).
pub fn watch_position(on_fix: impl Fn(Fix) + 'static, on_error: impl Fn(u16) + 'static) -> Option<i32> {
    let geolocation = web_sys::window()?.navigator().geolocation().ok()?;
    // The callbacks' argument types are unstable in web-sys; their few fields are read by name.
    let success = Closure::<dyn Fn(JsValue)>::new(move |position: JsValue| {
        let coordinates = js_sys::Reflect::get(&position, &"coords".into()).unwrap_or(JsValue::UNDEFINED);
        let number =
            |name: &str| js_sys::Reflect::get(&coordinates, &name.into()).ok().and_then(|value| value.as_f64());
        if let (Some(lon), Some(lat), Some(accuracy_m)) = (number("longitude"), number("latitude"), number("accuracy"))
        {
            on_fix(Fix { lon, lat, accuracy_m });
        }
    });
    let failure = Closure::<dyn Fn(JsValue)>::new(move |error: JsValue| {
        let code = js_sys::Reflect::get(&error, &"code".into()).ok().and_then(|value| value.as_f64()).unwrap_or(0.0);
        on_error(code as u16);
    });
    let options = web_sys::PositionOptions::new();
    options.set_enable_high_accuracy(true);
    options.set_maximum_age(15_000);
    options.set_timeout(30_000);
    let id = geolocation
        .watch_position_with_error_callback_and_options(
            success.as_ref().unchecked_ref(),
            Some(failure.as_ref().unchecked_ref()),
            &options,
        )
        .ok();
    success.forget();
    failure.forget();
    id
}

pub fn stop_watching(id: i32) {
    if let Some(geolocation) = web_sys::window().and_then(|window| window.navigator().geolocation().ok()) {
        geolocation.clear_watch(id);
    }
}

/// Great-circle distance in metres (haversine; plenty for sorting a village's houses).
pub fn distance_m(from: (f64, f64), to: (f64, f64)) -> f64 {
    const EARTH_RADIUS_M: f64 = 6_371_000.0;
    let (lon1, lat1) = (from.0.to_radians(), from.1.to_radians());
    let (lon2, lat2) = (to.0.to_radians(), to.1.to_radians());
    let half_chord =
        ((lat2 - lat1) / 2.0).sin().powi(2) + lat1.cos() * lat2.cos() * ((lon2 - lon1) / 2.0).sin().powi(2);
    2.0 * EARTH_RADIUS_M * half_chord.sqrt().asin()
}

#[cfg(test)]
mod tests {
    use super::distance_m;

    #[test]
    fn distance_is_zero_at_the_same_place_and_about_111_km_per_degree_of_latitude() {
        assert!(distance_m((105.6, 20.1), (105.6, 20.1)).abs() < 1e-6);
        let degree = distance_m((105.6, 20.0), (105.6, 21.0));
        assert!((degree - 111_195.0).abs() < 100.0, "{degree}");
    }
}
