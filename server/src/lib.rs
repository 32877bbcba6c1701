//! The Bản Đồ Số server: an axum router serving the Leptos app (SSR, hydration, server functions),
//! the REST API v1 and static files, plus the command-line tasks around it.

pub mod api;
pub mod cli;
pub mod demo;

use app::state::AppState;
use app::{shell, App};
use axum::Router;
use leptos::prelude::provide_context;
use leptos_axum::{generate_route_list, LeptosRoutes};
use tower_http::compression::CompressionLayer;
use tower_http::trace::TraceLayer;

/// Builds the whole HTTP application around one shared state; tests drive it directly.
pub fn app(state: AppState) -> Router {
    let provide_state = {
        let state = state.clone();
        move || provide_context(state.clone())
    };
    let render_shell = {
        let options = state.leptos_options.clone();
        move || shell(options.clone())
    };
    Router::new()
        .route("/healthz", axum::routing::get(api::health::healthz))
        .nest("/api/v1", api::routes())
        .leptos_routes_with_context(
            &state,
            generate_route_list(App),
            provide_state.clone(),
            render_shell,
        )
        .fallback(leptos_axum::file_and_error_handler_with_context::<
            AppState,
            _,
        >(provide_state, shell))
        .layer(CompressionLayer::new())
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

/// Logs to stderr, filtered by `RUST_LOG` (default: info for our crates, warn for the rest).
pub fn init_tracing() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| {
        tracing_subscriber::EnvFilter::new("warn,server=info,app=info,bandoso=info")
    });
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .init();
}
