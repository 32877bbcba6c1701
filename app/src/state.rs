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
}
