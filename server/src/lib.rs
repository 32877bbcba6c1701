//! The Bản Đồ Số server: an axum router serving the Leptos app (SSR, hydration, server functions),
//! the REST API v1 and static files, plus the command-line tasks around it.

// Leptos view types of the bigger pages nest deeper than the default limit of 128 when the
// release build lays them out.
#![recursion_limit = "256"]

pub mod api;
pub mod auth;
pub mod backup;
pub mod cli;
pub mod demo;
pub mod files;
pub mod openapi;
pub mod precompress;
pub mod security;

use app::state::AppState;
use app::web::auth_backend::Backend;
use app::web::sessions::DbSessionStore;
use app::{shell, App};
use axum::extract::DefaultBodyLimit;
use axum::Router;
use axum_login::AuthManagerLayerBuilder;
use leptos::prelude::provide_context;
use leptos_axum::{generate_route_list, LeptosRoutes};
use tower_http::compression::{CompressionLayer, CompressionLevel};
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::trace::TraceLayer;
use tower_sessions::cookie::SameSite;
use tower_sessions::{Expiry, SessionManagerLayer};

/// Compression of what is made per request (pages, API answers) for a browser that accepts it:
/// brotli, else gzip. Level 5 rather than each algorithm's default: brotli's default is its
/// slowest (11, for the build's static copies, `precompress`), and at 5 a district page is about
/// a fifth smaller than gzip's for a fraction of a millisecond.
const DYNAMIC_COMPRESSION: CompressionLevel = CompressionLevel::Precise(5);

/// What the compression layer compresses: its defaults (not tiny answers, images, gRPC or event
/// streams), and never opaque bytes. The speed test's download is random bytes
/// (`application/octet-stream`): compressing them gains nothing and would spend the server's
/// CPU on the measurement, so they go out as they are.
fn worth_compressing() -> impl tower_http::compression::Predicate {
    use tower_http::compression::predicate::{DefaultPredicate, NotForContentType, Predicate};
    DefaultPredicate::new().and(NotForContentType::const_new(api::speedtest::TEST_CONTENT_TYPE))
}

/// Largest request body a route accepts, unless it says otherwise.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;
/// Largest file an import route accepts (50,000 CSV rows take about 3 MB); also the hard cap on
/// any request body.
pub const MAX_IMPORT_BYTES: usize = 16 * 1024 * 1024;
/// Name of the session cookie.
pub const SESSION_COOKIE: &str = "bandoso_session";

/// Builds the whole HTTP application around one shared state; tests drive it directly.
pub fn app(state: AppState) -> Router {
    // Runs in the context of every render (pages, the 404 page) and server function call.
    let provide_state = {
        let state = state.clone();
        move || {
            provide_context(state.clone());
            app::security::record_page_nonce();
        }
    };
    let render_shell = {
        let options = state.leptos_options.clone();
        move || shell(options.clone())
    };
    let idle_timeout = time::Duration::try_from(state.sessions.idle_timeout).unwrap_or(time::Duration::hours(12));
    let sessions = SessionManagerLayer::new(DbSessionStore::new(state.db.clone()))
        .with_name(SESSION_COOKIE)
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_secure(state.sessions.secure_cookie)
        .with_expiry(Expiry::OnInactivity(idle_timeout));
    let authentication = AuthManagerLayerBuilder::new(Backend::new(state.db.clone()), sessions).build();
    Router::new()
        .route("/healthz", axum::routing::get(api::health::healthz))
        .route("/api/openapi.json", axum::routing::get(openapi::document))
        .route("/api/docs", axum::routing::get(openapi::page))
        .nest("/api/v1", api::routes(&state))
        .leptos_routes_with_context(&state, generate_route_list(App), provide_state.clone(), render_shell)
        .fallback(leptos_axum::file_and_error_handler_with_context::<AppState, _>(provide_state, shell))
        .layer(authentication)
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(RequestBodyLimitLayer::new(MAX_IMPORT_BYTES))
        .layer(CompressionLayer::new().quality(DYNAMIC_COMPRESSION).compress_when(worth_compressing()))
        .layer(axum::middleware::from_fn(security::same_origin_writes))
        .layer(axum::middleware::from_fn_with_state(security::Policies::new(&state), security::headers))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

/// Logs to stderr, filtered by `RUST_LOG` (default: info for our crates, warn for the rest).
pub fn init_tracing() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn,server=info,app=info,bandoso=info"));
    tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr).init();
}
