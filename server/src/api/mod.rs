//! REST API v1: GeoJSON (RFC 7946, lon/lat) for maps and integrations. Every error is JSON.
//!
//! [`api_routes`] is the one list of routes: each names its [`Access`], the router is built from
//! it, and the authorization matrix test walks the same list, so a route cannot be added without
//! an access rule or escape the test.

pub mod admin_units;
pub mod audit;
pub mod coverage;
pub mod cultural_houses;
pub mod donations;
pub mod error;
pub mod exports;
pub mod field;
pub mod health;
pub mod indicators;
pub mod map_layers;
pub mod paging;
pub mod reports;
pub mod tokens;
pub mod users;
pub mod versions;

use crate::auth::{
    self, Access, ADMIN, DASHBOARD_READERS, DONATION_MANAGERS, FIELD_READERS, FIGURE_REPORTERS, RECORDERS, REPORTERS,
    SIGNED_IN, WIFI_EDITORS,
};
use app::state::AppState;
use axum::extract::DefaultBodyLimit;
use axum::http::Method;
use axum::routing::{delete, get, patch, post, put, MethodRouter};
use axum::Router;
pub use error::ApiError;
use std::collections::BTreeMap;

/// One route of the API: method, path (under `/api/v1`), who may call it, and its handler.
pub struct ApiRoute {
    pub method: Method,
    pub path: &'static str,
    pub access: Access,
    handler: MethodRouter<AppState>,
}

fn route(method: Method, path: &'static str, access: Access, handler: MethodRouter<AppState>) -> ApiRoute {
    ApiRoute { method, path, access, handler }
}

/// Every route under `/api/v1`.
pub fn api_routes() -> Vec<ApiRoute> {
    vec![
        route(Method::GET, "/cultural-houses", Access::Public, get(cultural_houses::list)),
        route(Method::GET, "/cultural-houses/{id}", Access::Public, get(cultural_houses::get_one)),
        route(
            Method::PUT,
            "/cultural-houses/{id}/wifi",
            Access::Roles(WIFI_EDITORS),
            put(cultural_houses::update_wifi),
        ),
        route(Method::GET, "/cultural-houses/{id}/wifi-history", Access::Public, get(cultural_houses::wifi_history)),
        route(Method::GET, "/map/cultural-houses", Access::Public, get(map_layers::houses)),
        route(Method::GET, "/map/visits", Access::Roles(FIELD_READERS), get(map_layers::visits)),
        route(Method::GET, "/admin-units", Access::Public, get(admin_units::list)),
        route(Method::GET, "/exports/cultural-houses.csv", Access::Public, get(exports::cultural_houses_csv)),
        route(Method::GET, "/exports/cultural-houses.geojson", Access::Public, get(exports::cultural_houses_geojson)),
        route(Method::GET, "/exports/coverage.csv", Access::Public, get(exports::coverage_csv)),
        route(
            Method::POST,
            "/imports/wifi",
            Access::Roles(WIFI_EDITORS),
            post(cultural_houses::import_wifi).layer(DefaultBodyLimit::max(crate::MAX_IMPORT_BYTES)),
        ),
        route(Method::POST, "/coverage-reports", Access::Roles(REPORTERS), post(coverage::create)),
        route(Method::GET, "/villages/{code}/coverage-history", Access::Public, get(coverage::village_history)),
        route(
            Method::POST,
            "/imports/coverage",
            Access::Roles(REPORTERS),
            post(coverage::import_csv).layer(DefaultBodyLimit::max(crate::MAX_IMPORT_BYTES)),
        ),
        route(
            Method::POST,
            "/imports/coverage-areas",
            Access::Roles(REPORTERS),
            post(coverage::import_geojson).layer(DefaultBodyLimit::max(crate::MAX_IMPORT_BYTES)),
        ),
        route(Method::POST, "/sync", Access::Roles(RECORDERS), post(field::sync)),
        route(Method::GET, "/progress/villages", Access::Roles(FIELD_READERS), get(field::progress)),
        route(Method::GET, "/households", Access::Roles(RECORDERS), get(field::households)),
        route(Method::PATCH, "/visits/{uuid}", Access::Roles(RECORDERS), patch(field::edit_visit)),
        route(Method::GET, "/field-measurements", Access::Roles(SIGNED_IN), get(field::measurements)),
        route(Method::GET, "/indicators", Access::Roles(DASHBOARD_READERS), get(indicators::list)),
        route(Method::GET, "/priorities", Access::Roles(DASHBOARD_READERS), get(indicators::priorities)),
        route(Method::GET, "/reports/indicators.csv", Access::Roles(DASHBOARD_READERS), get(reports::indicators_csv)),
        route(Method::GET, "/reports/priorities.csv", Access::Roles(DASHBOARD_READERS), get(reports::priorities_csv)),
        route(Method::GET, "/reports/quarterly.xlsx", Access::Roles(DASHBOARD_READERS), get(reports::quarterly_xlsx)),
        route(Method::PUT, "/targets", Access::Roles(ADMIN), put(indicators::set_target)),
        route(Method::POST, "/indicator-reports", Access::Roles(FIGURE_REPORTERS), post(indicators::report)),
        route(Method::GET, "/donors", Access::Roles(DONATION_MANAGERS), get(donations::list_donors)),
        route(Method::POST, "/donors", Access::Roles(DONATION_MANAGERS), post(donations::create_donor)),
        route(Method::GET, "/donations/acknowledgements", Access::Public, get(donations::acknowledgements)),
        route(Method::GET, "/donations/stock", Access::Public, get(donations::stock)),
        route(Method::GET, "/donations/eligible", Access::Roles(RECORDERS), get(donations::eligible)),
        route(Method::GET, "/donations/villages", Access::Roles(FIELD_READERS), get(donations::villages)),
        route(Method::GET, "/pledges", Access::Roles(DASHBOARD_READERS), get(donations::list_pledges)),
        route(Method::POST, "/pledges", Access::Roles(DONATION_MANAGERS), post(donations::create_pledge)),
        route(Method::POST, "/pledges/{id}/receive", Access::Roles(DONATION_MANAGERS), post(donations::receive_pledge)),
        route(Method::GET, "/allocations", Access::Roles(RECORDERS), get(donations::list_allocations)),
        route(Method::POST, "/allocations", Access::Roles(DONATION_MANAGERS), post(donations::allocate)),
        route(
            Method::POST,
            "/allocations/{id}/cancel",
            Access::Roles(DONATION_MANAGERS),
            post(donations::cancel_allocation),
        ),
        route(Method::PUT, "/handover-photos/{uuid}", Access::Roles(RECORDERS), put(donations::put_photo)),
        route(Method::GET, "/handover-photos/{uuid}", Access::Roles(RECORDERS), get(donations::get_photo)),
        route(Method::GET, "/exports/donations.csv", Access::Public, get(donations::stock_csv)),
        route(Method::GET, "/reports/donations.xlsx", Access::Roles(DASHBOARD_READERS), get(donations::report_xlsx)),
        route(Method::GET, "/me", Access::Roles(SIGNED_IN), get(users::me)),
        route(Method::GET, "/users", Access::Roles(ADMIN), get(users::list)),
        route(Method::POST, "/users", Access::Roles(ADMIN), post(users::create)),
        route(Method::PATCH, "/users/{id}", Access::Roles(ADMIN), patch(users::update)),
        route(Method::GET, "/tokens", Access::Roles(ADMIN), get(tokens::list)),
        route(Method::POST, "/tokens", Access::Roles(ADMIN), post(tokens::create)),
        route(Method::DELETE, "/tokens/{id}", Access::Roles(ADMIN), delete(tokens::revoke)),
        route(Method::GET, "/audit", Access::Roles(ADMIN), get(audit::list)),
    ]
}

/// The router for `/api/v1`, each route behind the access check it declares.
pub fn routes(state: &AppState) -> Router<AppState> {
    let mut by_path: BTreeMap<&'static str, MethodRouter<AppState>> = BTreeMap::new();
    for api_route in api_routes() {
        let guarded = api_route
            .handler
            .route_layer(axum::middleware::from_fn_with_state((state.db.clone(), api_route.access), auth::enforce));
        let merged = match by_path.remove(api_route.path) {
            Some(existing) => existing.merge(guarded),
            None => guarded,
        };
        by_path.insert(api_route.path, merged);
    }
    by_path
        .into_iter()
        .fold(Router::new(), |router, (path, handler)| router.route(path, handler))
        .fallback(|| async { ApiError::RouteNotFound })
}
