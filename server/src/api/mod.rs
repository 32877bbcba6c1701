//! REST API v1: GeoJSON (RFC 7946, lon/lat) for maps and integrations. Every error is JSON.
//!
//! [`api_routes`] is the one list of routes. Each names its [`Access`] and its handler, whose
//! `#[utoipa::path]` gives the method, the path and the documentation; the router, the access
//! checks, the OpenAPI document and the authorization matrix test are all built from this list,
//! so a route cannot be added without an access rule, documentation, or the test.

pub mod admin_units;
pub mod audit;
pub mod coverage;
pub mod coverage_trust;
pub mod cultural_houses;
pub mod donations;
pub mod error;
pub mod exports;
pub mod extract;
pub mod field;
pub mod health;
pub mod indicators;
pub mod map_layers;
pub mod paging;
pub mod params;
pub mod reference_imports;
pub mod reports;
pub mod speedtest;
pub mod tokens;
pub mod users;

use crate::auth::{self, Access};
use app::state::AppState;
use axum::extract::DefaultBodyLimit;
use axum::http::Method;
use axum::routing::MethodRouter;
use axum::Router;
pub use error::ApiError;
use model::Capability;
use std::collections::BTreeMap;
use utoipa::openapi::path::{Operation, PathItem, Paths};
use utoipa::openapi::schema::Schema;
use utoipa::openapi::RefOr;
use utoipa_axum::router::UtoipaMethodRouter;
use utoipa_axum::routes;

/// Where the API lives; the handlers' documented paths start with it.
pub const PREFIX: &str = "/api/v1";

/// One route of the API: its method and path (under [`PREFIX`]), who may call it, its handler and
/// its documentation.
pub struct ApiRoute {
    pub method: Method,
    pub path: String,
    pub access: Access,
    handler: MethodRouter<AppState>,
    /// The route's documented operation, with the schemas it names.
    pub documentation: Paths,
    pub schemas: Vec<(String, RefOr<Schema>)>,
}

impl ApiRoute {
    fn new(access: Access, (schemas, documentation, handler): UtoipaMethodRouter<AppState>) -> ApiRoute {
        let (path, method) = documentation
            .paths
            .iter()
            .find_map(|(path, item)| Some((path.clone(), only_method(item)?)))
            .unwrap_or_else(|| panic!("a route's handler documents no operation: {:?}", documentation.paths.keys()));
        let path = path.strip_prefix(PREFIX).unwrap_or(&path).to_owned();
        ApiRoute { method, path, access, handler, documentation, schemas }
    }

    /// Accepts files up to [`crate::MAX_IMPORT_BYTES`] instead of the usual body limit.
    fn taking_files(self) -> ApiRoute {
        self.taking_up_to(crate::MAX_IMPORT_BYTES)
    }

    /// Accepts bodies up to `bytes` instead of the usual body limit.
    fn taking_up_to(mut self, bytes: usize) -> ApiRoute {
        self.handler = self.handler.layer(DefaultBodyLimit::max(bytes));
        self
    }
}

/// The method of a path item that documents exactly one operation.
fn only_method(item: &PathItem) -> Option<Method> {
    let documented: Vec<(Method, &Option<Operation>)> = vec![
        (Method::GET, &item.get),
        (Method::POST, &item.post),
        (Method::PUT, &item.put),
        (Method::PATCH, &item.patch),
        (Method::DELETE, &item.delete),
    ];
    let mut methods = documented.into_iter().filter(|(_, operation)| operation.is_some()).map(|(method, _)| method);
    let method = methods.next()?;
    methods.next().is_none().then_some(method)
}

/// Every route under [`PREFIX`].
pub fn api_routes() -> Vec<ApiRoute> {
    use Access::{Needs, Public};
    use Capability::{
        Administer, EditWifi, ManageAccounts, ManageDonations, ManagePlaces, ReadDashboard, ReadFieldProgress,
        RecordField, ReportCoverage, ReportFigures, SignIn,
    };
    vec![
        ApiRoute::new(Public, routes!(cultural_houses::list)),
        ApiRoute::new(Public, routes!(cultural_houses::get_one)),
        ApiRoute::new(Needs(EditWifi), routes!(cultural_houses::update_wifi)),
        ApiRoute::new(Needs(RecordField), routes!(cultural_houses::put_position)),
        ApiRoute::new(Public, routes!(cultural_houses::wifi_history)),
        ApiRoute::new(Public, routes!(map_layers::houses)),
        ApiRoute::new(Needs(ReadFieldProgress), routes!(map_layers::visits)),
        ApiRoute::new(Needs(ReadFieldProgress), routes!(map_layers::progress)),
        ApiRoute::new(Needs(ReadFieldProgress), routes!(map_layers::donations)),
        ApiRoute::new(Public, routes!(admin_units::list)),
        ApiRoute::new(Needs(Administer), routes!(admin_units::import_boundaries)).taking_files(),
        ApiRoute::new(Needs(Administer), routes!(admin_units::import_reorganisation)).taking_files(),
        ApiRoute::new(Public, routes!(exports::cultural_houses_csv)),
        ApiRoute::new(Public, routes!(exports::cultural_houses_geojson)),
        ApiRoute::new(Public, routes!(exports::coverage_csv)),
        ApiRoute::new(Needs(EditWifi), routes!(cultural_houses::import_wifi)).taking_files(),
        ApiRoute::new(Needs(ManagePlaces), routes!(reference_imports::import)).taking_files(),
        ApiRoute::new(Public, routes!(reference_imports::template)),
        ApiRoute::new(Needs(ReportCoverage), routes!(coverage::create)),
        ApiRoute::new(Public, routes!(coverage::village_history)),
        ApiRoute::new(Needs(ReportCoverage), routes!(coverage::import_csv)).taking_files(),
        ApiRoute::new(Needs(ReportCoverage), routes!(coverage::import_geojson)).taking_files(),
        ApiRoute::new(Needs(RecordField), routes!(field::sync)),
        ApiRoute::new(Needs(ReadFieldProgress), routes!(field::progress)),
        ApiRoute::new(Needs(RecordField), routes!(field::households)),
        ApiRoute::new(Needs(RecordField), routes!(field::edit_visit)),
        ApiRoute::new(Needs(SignIn), routes!(field::measurements)),
        ApiRoute::new(Needs(SignIn), routes!(coverage_trust::record)),
        ApiRoute::new(Needs(SignIn), routes!(coverage_trust::disagreements)),
        ApiRoute::new(Needs(SignIn), routes!(coverage_trust::summary)),
        ApiRoute::new(Needs(ReportCoverage), routes!(coverage_trust::answer)),
        ApiRoute::new(Needs(ReportCoverage), routes!(coverage_trust::stale_claims)),
        ApiRoute::new(Needs(ReportCoverage), routes!(coverage_trust::confirm)),
        ApiRoute::new(Needs(SignIn), routes!(speedtest::ping)),
        ApiRoute::new(Needs(SignIn), routes!(speedtest::download)),
        ApiRoute::new(Needs(SignIn), routes!(speedtest::upload)).taking_up_to(speedtest::MAX_TEST_BYTES),
        ApiRoute::new(Needs(ReadDashboard), routes!(indicators::list)),
        ApiRoute::new(Needs(ReadDashboard), routes!(indicators::priorities)),
        ApiRoute::new(Needs(ReadDashboard), routes!(reports::indicators_csv)),
        ApiRoute::new(Needs(ReadDashboard), routes!(reports::priorities_csv)),
        ApiRoute::new(Needs(ReadDashboard), routes!(reports::quarterly_xlsx)),
        ApiRoute::new(Needs(Administer), routes!(indicators::set_target)),
        ApiRoute::new(Needs(ReportFigures), routes!(indicators::report)),
        ApiRoute::new(Needs(ManageDonations), routes!(donations::list_donors)),
        ApiRoute::new(Needs(ManageDonations), routes!(donations::create_donor)),
        ApiRoute::new(Public, routes!(donations::acknowledgements)),
        ApiRoute::new(Public, routes!(donations::stock)),
        ApiRoute::new(Needs(RecordField), routes!(donations::eligible)),
        ApiRoute::new(Needs(ReadFieldProgress), routes!(donations::villages)),
        ApiRoute::new(Needs(ReadDashboard), routes!(donations::list_pledges)),
        ApiRoute::new(Needs(ManageDonations), routes!(donations::create_pledge)),
        ApiRoute::new(Needs(ManageDonations), routes!(donations::receive_pledge)),
        ApiRoute::new(Needs(RecordField), routes!(donations::list_allocations)),
        ApiRoute::new(Needs(ManageDonations), routes!(donations::allocate)),
        ApiRoute::new(Needs(ManageDonations), routes!(donations::cancel_allocation)),
        ApiRoute::new(Needs(RecordField), routes!(donations::put_photo)),
        ApiRoute::new(Needs(RecordField), routes!(donations::get_photo)),
        ApiRoute::new(Public, routes!(donations::stock_csv)),
        ApiRoute::new(Needs(ReadDashboard), routes!(donations::report_xlsx)),
        ApiRoute::new(Needs(SignIn), routes!(users::me)),
        ApiRoute::new(Needs(ManageAccounts), routes!(users::list)),
        ApiRoute::new(Needs(ManageAccounts), routes!(users::create)),
        ApiRoute::new(Needs(ManageAccounts), routes!(users::update)),
        ApiRoute::new(Needs(ManageAccounts), routes!(users::reset_password)),
        ApiRoute::new(Needs(Administer), routes!(tokens::list)),
        ApiRoute::new(Needs(Administer), routes!(tokens::create)),
        ApiRoute::new(Needs(Administer), routes!(tokens::revoke)),
        ApiRoute::new(Needs(Administer), routes!(audit::list)),
    ]
}

/// The router for [`PREFIX`], each route behind the access check it declares.
pub fn routes(state: &AppState) -> Router<AppState> {
    let mut by_path: BTreeMap<String, MethodRouter<AppState>> = BTreeMap::new();
    for api_route in api_routes() {
        let guarded = api_route
            .handler
            .route_layer(axum::middleware::from_fn_with_state((state.db.clone(), api_route.access), auth::enforce));
        let merged = match by_path.remove(&api_route.path) {
            Some(existing) => existing.merge(guarded),
            None => guarded,
        };
        by_path.insert(api_route.path, merged);
    }
    by_path
        .into_iter()
        .fold(Router::new(), |router, (path, handler)| router.route(&path, handler))
        .fallback(|| async { ApiError::RouteNotFound })
}
