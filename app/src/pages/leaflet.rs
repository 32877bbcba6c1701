//! Leaflet in the page when a map needs it.
//!
//! Leaflet's script and stylesheet were a tenth of the map page's first load; on slow 3G that
//! is seconds before anything else. The map page opens on its server-rendered picture of the
//! district with every house on it (`map_preview`), which reads and takes a tap without
//! Leaflet, and fetches Leaflet when someone moves the map or picks a layer; the field app asks
//! at once. `public/hydrate.js` (`window.bandosoLoadLeaflet`) does the fetching: one load for the
//! page however many maps ask, and a failed one (offline, nothing kept) may be asked again.

use leptos::prelude::*;

/// Where a page's Leaflet is: not asked for, coming, in, or failed to come.
#[derive(Clone, Copy)]
pub struct Leaflet {
    asked: RwSignal<bool>,
    pub ready: RwSignal<bool>,
    pub failed: RwSignal<bool>,
}

impl Leaflet {
    pub fn new() -> Leaflet {
        Leaflet { asked: RwSignal::new(false), ready: RwSignal::new(false), failed: RwSignal::new(false) }
    }

    /// Asks for Leaflet unless it is in or coming; `ready` turns true once it is usable.
    pub fn request(self) {
        if self.ready.get_untracked() || (self.asked.get_untracked() && !self.failed.get_untracked()) {
            return;
        }
        self.asked.set(true);
        self.failed.set(false);
        #[cfg(feature = "hydrate")]
        leptos::task::spawn_local(async move {
            match load().await {
                Ok(()) => self.ready.set(true),
                Err(_) => self.failed.set(true),
            }
        });
    }

    /// What Leaflet draws could not be shown after all (its wasm piece did not come): back to
    /// "failed", so that the next request tries again.
    pub fn lost(self) {
        self.ready.set(false);
        self.failed.set(true);
    }

    /// Asked for and not in yet.
    pub fn loading(self) -> bool {
        self.asked.get() && !self.ready.get() && !self.failed.get()
    }
}

impl Default for Leaflet {
    fn default() -> Leaflet {
        Leaflet::new()
    }
}

#[cfg(feature = "hydrate")]
async fn load() -> Result<(), wasm_bindgen::JsValue> {
    use wasm_bindgen::prelude::wasm_bindgen;

    #[wasm_bindgen]
    extern "C" {
        #[wasm_bindgen(catch, js_namespace = window, js_name = bandosoLoadLeaflet)]
        fn load_leaflet() -> Result<js_sys::Promise, wasm_bindgen::JsValue>;
    }
    wasm_bindgen_futures::JsFuture::from(load_leaflet()?).await.map(|_| ())
}
