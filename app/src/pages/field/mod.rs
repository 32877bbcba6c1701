//! The field app (`/thuc-dia`): a team member's village households, nearest first, and the forms
//! that record a visit or a new household in a few taps, offline first.
//!
//! Every record goes to the phone's store before anything else ([`queue`]); the screen says
//! "đang chờ đồng bộ" until the server acknowledges that exact record. Sending happens on app
//! start, when the network comes back, on a retry timer and from the "Đồng bộ ngay" button.
//! The page is rendered on the server as an empty frame (no personal data), so the service
//! worker can keep it and it opens offline; the lists come from the phone's store and the API.

mod area_map;
pub(crate) mod device;
mod forms;
mod handover;
mod lists;
pub(in crate::pages) mod measure;
pub(in crate::pages) mod phone_store;
pub(in crate::pages) mod queue;
pub(in crate::pages) mod state;
/// Also fills tile URLs for the map page's server-rendered picture (`pages::map_preview`).
pub(in crate::pages) mod tile_cache;

use crate::ui_text;
use forms::{AreaDownload, NewHouseholdForm, VisitForm};
use leptos::prelude::*;
use leptos::task::spawn_local;
use lists::{DoorList, PositionLine, RecordList, SyncBar, VillagePicker};
use state::{Field, Sheet};
use std::time::Duration;

/// How often a phone with pending records tries again while it believes it is online.
const RETRY_EVERY: Duration = Duration::from_secs(30);

/// Forgets, at sign-out, what this phone keeps for the account (`queue::forget_at_sign_out`), so
/// the next person on a shared phone sees no household of it. A store that cannot be opened has
/// nothing to forget.
pub(in crate::pages) async fn forget_at_sign_out() -> Result<(), phone_store::PhoneStoreError> {
    let database = phone_store::open().await?;
    queue::forget_at_sign_out(&database).await
}

#[component]
pub fn FieldPage() -> impl IntoView {
    let field = Field::new();
    // The tile source is the same for everyone, so it may sit in the page the service worker keeps.
    let tiles = Resource::new_blocking(|| (), |_| crate::map_api::load_tile_source());
    // The area map is drawn by Leaflet, fetched for this page when it starts (`pages::leaflet`).
    let leaflet = super::leaflet::Leaflet::new();

    Effect::new(move |_| {
        leaflet.request();
        spawn_local(field.start());
        let watch = device::watch_position(
            move |fix| {
                field.position.set(Some(fix));
                field.position_denied.set(false);
            },
            // 1 = PERMISSION_DENIED; a timeout or no fix just keeps waiting.
            move |code| field.position_denied.set(code == 1),
        );
        let back_online = window_event_listener(leptos::ev::online, move |_| {
            field.online.set(true);
            spawn_local(field.sync());
        });
        let gone_offline = window_event_listener(leptos::ev::offline, move |_| field.online.set(false));
        let retry = set_interval_with_handle(
            move || {
                if device::is_online() {
                    spawn_local(field.sync());
                }
            },
            RETRY_EVERY,
        );
        on_cleanup(move || {
            if let Some(id) = watch {
                device::stop_watching(id);
            }
            back_online.remove();
            gone_offline.remove();
            if let Ok(handle) = retry {
                handle.clear();
            }
        });
    });

    view! {
        <section class="page field-app" data-testid="field-page" data-ready=move || field.ready.get().to_string()>
            <h2>{ui_text(|t| t.field.title)}</h2>
            <SyncBar field/>
            <VillagePicker field/>
            <PositionLine field/>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    let tiles = tiles.await.ok();
                    let map_tiles = tiles.clone();
                    view! {
                        <Show when=move || leaflet.ready.get() fallback=|| view! { <div class="field-map"></div> }>
                            {map_tiles.clone().map(|tiles| view! { <area_map::AreaMap field tiles/> })}
                        </Show>
                        {tiles.map(|tiles| view! { <AreaDownload field tiles/> })}
                    }
                })}
            </Suspense>
            <handover::HandoverList field/>
            <DoorList field/>
            <RecordList field/>
            // Measuring the network is done now and then; the households come first.
            <measure::MeasurePanel target=measure::MeasureTarget::field(field)/>
            {move || match field.sheet.get() {
                Sheet::Closed => ().into_any(),
                Sheet::NewHousehold => view! { <NewHouseholdForm field/> }.into_any(),
                Sheet::Visit { household_uuid, label, editing } => {
                    view! { <VisitForm field household_uuid label editing/> }.into_any()
                }
                Sheet::Handover(allocation) => view! { <handover::HandoverForm field allocation/> }.into_any(),
            }}
        </section>
    }
}
