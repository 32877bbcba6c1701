//! The state every request handler and server function shares. One value, built at start-up,
//! cloned per request (everything inside is reference-counted): no global pools.

use crate::domain::Db;
use crate::model::TileSource;
use axum::extract::FromRef;
use leptos::prelude::LeptosOptions;

#[derive(Clone, Debug, FromRef)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub db: Db,
    pub tiles: TileSource,
    pub sessions: SessionSettings,
    /// Map layers answered in the last seconds (see `domain::layer_cache`).
    pub map_layers: crate::domain::layer_cache::LayerCache,
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
