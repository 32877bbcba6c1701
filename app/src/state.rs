//! The state every request handler and server function shares. One value, built at start-up:
//! no global pools.

use crate::model::TileSource;
use axum::extract::FromRef;
use domain::Db;
use leptos::prelude::LeptosOptions;
use std::sync::Arc;

/// The shared state behind one reference count. axum clones a router's state for every handler
/// call and every stateful middleware; with the parts behind one `Arc` that clone is a single
/// counter increment instead of copying the tile source's strings and the Leptos options' fields
/// (measured at about 4% of a map request's CPU time).
#[derive(Clone, Debug)]
pub struct AppState(Arc<StateParts>);

impl AppState {
    pub fn new(parts: StateParts) -> Self {
        AppState(Arc::new(parts))
    }
}

impl std::ops::Deref for AppState {
    type Target = StateParts;

    fn deref(&self) -> &StateParts {
        &self.0
    }
}

/// What the state holds; built once by `bandoso serve` (or a test) and never changed after.
#[derive(Debug)]
pub struct StateParts {
    pub leptos_options: LeptosOptions,
    pub db: Db,
    pub tiles: TileSource,
    pub sessions: SessionSettings,
    /// Map layers answered in the last seconds (see `web::layer_cache`).
    pub map_layers: crate::web::layer_cache::LayerCache,
    /// Proxies whose forwarding headers name the client (sign-in throttling behind TLS proxies).
    pub trusted_proxies: crate::web::client::TrustedProxies,
}

impl FromRef<AppState> for Db {
    fn from_ref(state: &AppState) -> Db {
        state.db.clone()
    }
}

impl FromRef<AppState> for crate::web::layer_cache::LayerCache {
    fn from_ref(state: &AppState) -> Self {
        state.map_layers.clone()
    }
}

/// Only the page and server-function handlers of `leptos_axum` ask for the options.
impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> LeptosOptions {
        state.leptos_options.clone()
    }
}

/// How browser sessions behave.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SessionSettings {
    /// Send the cookie only over HTTPS; on whenever the site is served behind TLS.
    pub secure_cookie: bool,
    /// A session ends after this long without a request.
    pub idle_timeout: std::time::Duration,
}

impl Default for SessionSettings {
    fn default() -> Self {
        SessionSettings { secure_cookie: false, idle_timeout: std::time::Duration::from_secs(12 * 60 * 60) }
    }
}
