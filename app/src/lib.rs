//! Bản Đồ Số: the Leptos application (pages, components, server functions) and, with the `ssr`
//! feature, the web plumbing (sessions, callers) the server shares with its REST API.

// Leptos view types of the bigger pages nest deeper than the default limit of 128 when the
// release build lays them out.
#![recursion_limit = "256"]

pub mod auth_api;
pub mod dashboard_api;
pub mod error;
pub mod i18n;
pub mod map_api;
mod pages;
pub mod setup_api;

pub use model::{self, donations, field_records, indicators, map_layers};

#[cfg(feature = "ssr")]
pub use domain;
#[cfg(feature = "ssr")]
pub mod security;
#[cfg(feature = "ssr")]
pub mod state;
#[cfg(feature = "ssr")]
pub mod web;

use i18n::{Locale, Texts};
use leptos::prelude::*;
use leptos_meta::{provide_meta_context, Html, Meta, MetaTags, Stylesheet, Title};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{path, Lazy, SsrMode};
use pages::routes;

/// The HTML document around the app. Leaflet is served from our own origin (copied from npm at
/// build time) so the map works where no CDN is reachable; a map asks for it when it needs it
/// (`pages::leaflet`).
pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html>
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <meta name="theme-color" content="#0b5d3b"/>
                <link rel="icon" href="/favicon.svg" type="image/svg+xml"/>
                <link rel="manifest" href="/manifest.webmanifest"/>
                <link rel="apple-touch-icon" href="/icon-192.png"/>
                <AutoReload options=options.clone()/>
                // Our loader rather than `<HydrationScripts>`: the wasm is requested once the page has
                // painted, so on a slow link the text and the map picture get the bandwidth first.
                <script type="module" src="/hydrate.js"></script>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

/// The chosen language, shared with every component through context.
#[derive(Clone, Copy)]
pub struct LocaleContext(pub RwSignal<Locale>);

/// The texts of the current language; re-renders what reads them when the language changes.
pub fn use_texts() -> Signal<&'static Texts> {
    let locale = expect_context::<LocaleContext>().0;
    Signal::derive(move || locale.get().texts())
}

/// One text of the UI that follows the language switch, for a view's text or attribute:
/// `{ui_text(|t| t.loading)}`. Every such text goes through this one function, so the browser
/// bundle holds one copy of Leptos's reactive-text code for all of them; a `move ||
/// texts.get().loading` closure per text is a type of its own, and each made its own copy.
pub fn ui_text(pick: fn(&Texts) -> &'static str) -> impl Fn() -> &'static str + Copy + Send + Sync + 'static {
    let locale = expect_context::<LocaleContext>().0;
    move || pick(locale.get().texts())
}

/// The language the visitor chose before (cookie), read the same way on the server and in the
/// browser so that hydration sees the same text the server rendered.
fn initial_locale() -> Locale {
    #[cfg(feature = "ssr")]
    {
        use_context::<http::request::Parts>()
            .and_then(|parts| {
                parts
                    .headers
                    .get(http::header::COOKIE)
                    .and_then(|value| value.to_str().ok())
                    .map(Locale::from_cookie_header)
            })
            .unwrap_or_default()
    }
    #[cfg(not(feature = "ssr"))]
    {
        use wasm_bindgen::JsCast;
        document()
            .dyn_into::<web_sys::HtmlDocument>()
            .ok()
            .and_then(|document| document.cookie().ok())
            .map(|cookie| Locale::from_cookie_header(&cookie))
            .unwrap_or_default()
    }
}

/// Stores the language in a cookie for a year, so the next visit and the server agree.
fn remember_locale(locale: Locale) {
    #[cfg(not(feature = "ssr"))]
    {
        use wasm_bindgen::JsCast;
        if let Ok(document) = document().dyn_into::<web_sys::HtmlDocument>() {
            let cookie = format!("{}={}; path=/; max-age=31536000; samesite=lax", i18n::LOCALE_COOKIE, locale.tag());
            // A refused cookie only means the choice is forgotten on reload.
            let _ = document.set_cookie(&cookie);
        }
    }
    #[cfg(feature = "ssr")]
    let _ = locale;
}

/// " · " and the name of the area the deployment serves, read from its data.
#[component]
fn AreaName() -> impl IntoView {
    let area = Resource::new(|| (), |_| setup_api::load_area());
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                area.await.ok().flatten().map(|area| view! { <span data-testid="deployment-area">"· " {area}</span> })
            })}
        </Suspense>
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    let locale = RwSignal::new(initial_locale());
    provide_context(LocaleContext(locale));
    let switch_language = move |_| {
        let next = locale.get_untracked().other();
        remember_locale(next);
        locale.set(next);
    };

    // Leptos 0.8 writes the server's `<head>` after the page, outside the render's own store of
    // signals: reading one there read whatever render ran last on the thread, so two pages
    // rendered at once broke each other. The server writes plain values; the browser's follow
    // the language.
    #[cfg(feature = "ssr")]
    let head = {
        let texts = locale.get_untracked().texts();
        view! {
            <Html {..} lang=locale.get_untracked().tag()/>
            <Title text=texts.app_title/>
            <Meta name="description" content=texts.app_subtitle/>
        }
    };
    #[cfg(not(feature = "ssr"))]
    let head = view! {
        <Html {..} lang=move || locale.get().tag()/>
        <Title text=ui_text(|t| t.app_title)/>
        <Meta name="description" content=ui_text(|t| t.app_subtitle)/>
    };

    view! {
        {head}
        <Stylesheet id="leptos" href="/pkg/bandoso.css"/>
        <header class="app-bar">
            <div class="app-bar__titles">
                <h1>{ui_text(|t| t.app_title)}</h1>
                <p>{ui_text(|t| t.app_subtitle)} <AreaName/></p>
            </div>
            <nav class="app-bar__nav">
                <pages::account::AccountLink/>
            </nav>
            <button
                class="app-bar__lang"
                type="button"
                data-testid="language-switch"
                aria-label=ui_text(|t| t.switch_language_label)
                on:click=switch_language
            >
                {ui_text(|t| t.switch_language)}
            </button>
        </header>
        <Router>
            <main>
                // `Async`: each page is sent whole, with its data in place, once the data is read,
                // so it reads before (or without) the wasm. With streaming, the loading placeholder
                // sometimes went first, and only JavaScript replaces it.
                <Routes fallback=move || view! { <p class="notice">{ui_text(|t| t.not_found)}</p> }>
                    <Route path=path!("") view=pages::map::MapPage ssr=SsrMode::Async/>
                    <Route path=path!("dang-nhap") view={Lazy::<routes::LoginRoute>::new()}/>
                    <Route path=path!("tai-khoan") view={Lazy::<routes::AccountRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("bang-dieu-khien") view={Lazy::<routes::DashboardRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("bao-cao") view={Lazy::<routes::ReportRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("thuc-dia") view={Lazy::<routes::FieldRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("tang-thiet-bi") view={Lazy::<routes::DonationsRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("nha-mang") view={Lazy::<routes::OperatorUploadRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("thiet-lap") view={Lazy::<routes::SetupRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("quan-ly-tai-khoan") view={Lazy::<routes::MembersRoute>::new()} ssr=SsrMode::Async/>
                </Routes>
            </main>
        </Router>
    }
}

/// Entry point of the wasm bundle: attaches the app to the server-rendered page. Most pages are
/// lazy routes (`pages::routes`), so hydration waits for the page's own piece.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    register_service_worker();
    let Some(body) = document().body() else { return };
    // Not `leptos::task::spawn_local`: Leptos's executor is set up by the hydration itself.
    wasm_bindgen_futures::spawn_local(async move {
        leptos::mount::hydrate_from_async(body.clone(), App).await.forget();
        // Marks the page as interactive once the page itself, not only the frame around it, is
        // hydrated (an effect of `App` could run before a lazy page had): browser tests wait for
        // it before they tap. Only a test hook: failing to set it changes nothing for people.
        let _ = body.set_attribute("data-hydrated", "true");
    });
}

/// Registers the service worker (`public/sw.js`) that keeps the app shell on the phone, so the app
/// opens with no network. Browsers allow one only in a secure context (HTTPS, or this computer);
/// elsewhere the app works online only.
#[cfg(feature = "hydrate")]
fn register_service_worker() {
    let Some(window) = web_sys::window() else { return };
    if window.is_secure_context() {
        // Registration runs on its own; a failure leaves the app working online.
        let _registration = window.navigator().service_worker().register("/sw.js");
    }
}
