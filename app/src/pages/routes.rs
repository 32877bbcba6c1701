//! The pages other than the map as lazy routes. Built with `cargo leptos build --split` (as
//! `make build` does), each is a wasm piece of its own, fetched with the page that needs it: the
//! map page a phone opens first does not carry the field app, the dashboard or the donations
//! pages. The map stays in the main bundle: one module to start on the page most people open.
//! The browser bundle needs `--split`: a lazy view is a wasm import that only the splitter
//! resolves (the server build does not care).

use super::account::{AccountPage, LoginPage};
use super::dashboard::DashboardPage;
use super::donations::DonationsPage;
use super::field::FieldPage;
use super::members::MembersPage;
use super::operator_upload::OperatorUploadPage;
use super::report::ReportPage;
use super::setup::SetupPage;
use leptos::prelude::*;
use leptos_router::{lazy_route, LazyRoute};

/// A route type per page; its `view` is the split point. Pages read their own data (the server
/// rendered it into the page), so a route has no data of its own to load.
macro_rules! lazy_pages {
    ($($route:ident => $page:ident),* $(,)?) => {$(
        #[derive(Debug)]
        pub struct $route;

        #[lazy_route]
        impl LazyRoute for $route {
            fn data() -> Self {
                $route
            }

            fn view(_this: Self) -> AnyView {
                view! { <$page/> }.into_any()
            }
        }
    )*};
}

lazy_pages! {
    LoginRoute => LoginPage,
    AccountRoute => AccountPage,
    DashboardRoute => DashboardPage,
    ReportRoute => ReportPage,
    FieldRoute => FieldPage,
    DonationsRoute => DonationsPage,
    OperatorUploadRoute => OperatorUploadPage,
    SetupRoute => SetupPage,
    MembersRoute => MembersPage,
}
