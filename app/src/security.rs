//! Content-Security-Policy values: the page may load only what it needs.

/// Policy for JSON and other non-page responses: nothing may load, nothing may frame them.
pub const API_POLICY: &str = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'";

/// Where a page's render leaves the nonce Leptos gave its inline scripts, so the server's security
/// middleware can send the matching policy on the response itself.
///
/// The middleware puts one in each request's extensions; the render, which sees the request's
/// parts, fills it ([`record_page_nonce`]). Setting the header through Leptos's response options
/// instead proved unreliable: a render's options reached the wrong response now and then (a
/// page went out with the strict API policy and did not hydrate, a static file with a page's).
#[derive(Clone, Debug, Default)]
pub struct PageNonce(std::sync::Arc<std::sync::OnceLock<String>>);

impl PageNonce {
    /// The nonce of the page this request rendered, if it rendered one.
    pub fn get(&self) -> Option<&str> {
        self.0.get().map(String::as_str)
    }
}

/// Records the current render's nonce in its request's [`PageNonce`]; runs in the render's
/// context (the server provides it with the app state). Outside a page render it does nothing.
#[cfg(feature = "ssr")]
pub fn record_page_nonce() {
    use leptos::prelude::use_context;
    let (Some(nonce), Some(parts)) = (leptos::nonce::use_nonce(), use_context::<http::request::Parts>()) else {
        return;
    };
    if let Some(slot) = parts.extensions.get::<PageNonce>() {
        // A render happens once per request; a second value could only repeat the first.
        let _ = slot.0.set(nonce.to_string());
    }
}

/// Path of the service worker script (`public/sw.js`).
pub const SERVICE_WORKER_PATH: &str = "/sw.js";

/// Policy of the service worker script, which governs the worker's own requests: the app shell
/// from our origin, and map tiles from the configured tile server (served from the phone's tile
/// cache when kept there, else fetched), and nothing else.
pub fn service_worker_policy(tile_url: &str) -> String {
    let tiles = tile_origin(tile_url).map(|origin| format!(" {origin}")).unwrap_or_default();
    format!("default-src 'none'; connect-src 'self'{tiles}; frame-ancestors 'none'; base-uri 'none'")
}

/// SHA-256 of the empty string: the map component writes an empty `style` attribute on its
/// container, the only inline style the page has. Allowing exactly that keeps `unsafe-inline` out.
const EMPTY_INLINE_STYLE: &str = "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='";

/// Policy for a rendered page. Scripts: our own files (the wasm loader `/hydrate.js` among them),
/// the inline scripts carrying this response's nonce (the data the page was rendered with, for
/// hydration), and WebAssembly compilation. Styles: our own files (Leaflet positions its
/// layers through the style properties, which CSP does not restrict). Images: our own, inline
/// data (Leaflet, the preview of a handover photo), `blob:` (the field app reads the camera's
/// picture through an object URL to compress it), and the configured tile server's origin, which the field app also fetches from
/// to keep an area's tiles on the phone.
pub fn page_policy(nonce: &str, tile_url: &str) -> String {
    let tiles = tile_origin(tile_url).map(|origin| format!(" {origin}")).unwrap_or_default();
    format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
         style-src 'self' 'unsafe-hashes' {EMPTY_INLINE_STYLE}; \
         img-src 'self' data: blob:{tiles}; connect-src 'self'{tiles}; font-src 'self'; manifest-src 'self'; \
         object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )
}

/// `scheme://host[:port]` of a tile URL template, with a `{s}` subdomain placeholder widened to a
/// wildcard (`https://{s}.tile.example/…` → `https://*.tile.example`).
fn tile_origin(tile_url: &str) -> Option<String> {
    let (scheme, rest) = tile_url.split_once("://")?;
    let host = rest.split('/').next().filter(|host| !host.is_empty())?;
    Some(format!("{scheme}://{}", host.replace("{s}", "*")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tile_origins_are_reduced_to_scheme_and_host() {
        assert_eq!(
            tile_origin("https://tile.openstreetmap.org/{z}/{x}/{y}.png").as_deref(),
            Some("https://tile.openstreetmap.org")
        );
        assert_eq!(
            tile_origin("https://{s}.tiles.vn:8443/{z}/{x}/{y}.png").as_deref(),
            Some("https://*.tiles.vn:8443")
        );
        assert_eq!(tile_origin("/tiles/{z}/{x}/{y}.png"), None);
    }

    #[test]
    fn the_page_policy_names_the_nonce_and_tile_server() {
        let policy = page_policy("abc", "https://tile.openstreetmap.org/{z}/{x}/{y}.png");
        assert!(policy.contains("'nonce-abc'"));
        assert!(policy.contains("img-src 'self' data: blob: https://tile.openstreetmap.org;"));
        assert!(policy.contains("connect-src 'self' https://tile.openstreetmap.org;"));
        assert!(policy.contains("frame-ancestors 'none'"));
        let worker = service_worker_policy("https://tile.openstreetmap.org/{z}/{x}/{y}.png");
        assert!(worker.contains("connect-src 'self' https://tile.openstreetmap.org;"), "{worker}");
        assert!(worker.starts_with("default-src 'none'"));
    }
}
