//! The home page: the district map of cultural houses coloured by Wi-Fi status, with filters, a
//! legend, a count against the plan's target, a details sheet and a plain list (readable before
//! the wasm arrives and by screen readers).

mod district_map;
mod layers;
mod measure;
mod sheet;

use crate::map_api::load_map_data;
use crate::model::{CulturalHouse, MapData, WifiStatus};
use crate::pages::leaflet::Leaflet;
use crate::{ui_text, use_texts};
use district_map::DistrictMap;
use layers::{coverage_choices, LayerInputs, LayerPicker, Legend, MapLayer};
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_query_map};
use leptos_router::params::ParamsMap;
use sheet::{house_sheet, SheetParts};

/// Query parameter names; the same names as the REST API's filters.
const STATUS_PARAM: &str = "status";
const COMMUNE_PARAM: &str = "commune";
const VILLAGE_PARAM: &str = "village";

#[component]
pub fn MapPage() -> impl IntoView {
    // Blocking: the server sends the page with the data in place, so it reads before hydration.
    let data = Resource::new_blocking(|| (), |_| load_map_data());
    let data_resource = data;
    // The open house outlives a reload of the data after a change made in its sheet.
    let selected = RwSignal::new(None::<i64>);
    provide_context(sheet::PlacedHere::default());

    view! {
        <Suspense fallback=move || view! { <p class="notice">{ui_text(|t| t.loading)}</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(data) => {
                        let on_saved = Callback::new(move |()| data_refetch(data_resource));
                        view! { <MapView data selected on_saved/> }.into_any()
                    }
                    Err(_) => view! {
                        <p class="notice notice--error" role="alert">{ui_text(|t| t.load_failed)}</p>
                    }
                    .into_any(),
                }
            })}
        </Suspense>
    }
}

/// Loads the map data again (after a change made on this page), re-rendering the map.
fn data_refetch(data: Resource<Result<MapData, crate::error::AppError>>) {
    data.refetch();
}

/// The active filters, read from the URL so a filtered view can be shared as a link.
#[derive(Clone, Debug, PartialEq, Default)]
struct Filters {
    status: Option<WifiStatus>,
    commune: Option<String>,
}

impl Filters {
    fn from_query(query: &ParamsMap) -> Filters {
        Filters {
            status: query.get(STATUS_PARAM).and_then(|value| value.parse().ok()),
            commune: query.get(COMMUNE_PARAM).filter(|value| !value.is_empty()),
        }
    }

    fn to_query(&self) -> String {
        let mut query = ParamsMap::new();
        if let Some(status) = self.status {
            query.insert(STATUS_PARAM, status.as_str().to_owned());
        }
        if let Some(commune) = &self.commune {
            query.insert(COMMUNE_PARAM, commune.clone());
        }
        let query = query.to_query_string();
        if query.is_empty() {
            "/".to_owned()
        } else {
            query
        }
    }

    fn matches(&self, house: &CulturalHouse) -> bool {
        self.status.is_none_or(|status| house.wifi_status == status)
            && self.commune.as_ref().is_none_or(|code| &house.commune_code == code)
    }
}

#[component]
fn MapView(data: MapData, selected: RwSignal<Option<i64>>, on_saved: Callback<()>) -> impl IntoView {
    let query = use_query_map();
    let filters = Memo::new(move |_| Filters::from_query(&query.read()));
    let bounds = data.bounds();
    let MapData { houses, communes, tiles, is_demo, public_view, wifi_editing, operators, setup_needed } = data;
    let operators = StoredValue::new(operators);
    let houses = StoredValue::new(houses);
    let visible = Memo::new(move |_| {
        let filters = filters.get();
        houses.with_value(|houses| houses.iter().filter(|house| filters.matches(house)).cloned().collect::<Vec<_>>())
    });
    // `?village=CODE` (a link from the dashboard's priority list) opens that village's house.
    let linked_village = query.read_untracked().get(VILLAGE_PARAM);
    if selected.get_untracked().is_none() {
        let linked = linked_village.and_then(|code| {
            houses.with_value(|houses| houses.iter().find(|house| house.village_code == code).map(|house| house.id))
        });
        selected.set(linked);
    }
    let selected_house = Memo::new(move |_| {
        selected.get().and_then(|id| houses.with_value(|all| all.iter().find(|h| h.id == id).cloned()))
    });
    let commune_options = communes.iter().map(|c| (c.code.clone(), c.name.clone())).collect::<Vec<_>>();
    let layer = RwSignal::new(MapLayer::Wifi);
    // A layer is drawn by Leaflet: picking one asks for it (the picture shows houses only).
    let leaflet = Leaflet::new();
    Effect::new(move |_| {
        if layer.get() != MapLayer::Wifi {
            leaflet.request();
        }
    });
    // Coverage is loaded in the browser only, once the page is up: the first paint needs none,
    // and the server-rendered page must not wait for it. (Effects never run on the server.)
    let coverage = RwSignal::new(Vec::<crate::model::VillageCoverage>::new());
    let measured = RwSignal::new(Vec::<crate::field_records::VillageMeasurement>::new());
    let progress = RwSignal::new(Vec::<crate::field_records::VillageProgress>::new());
    let donations = RwSignal::new(Vec::<crate::donations::VillageDonations>::new());
    let disagreements = RwSignal::new(Vec::<layers::Disagreement>::new());
    Effect::new(move |_| {
        leptos::task::spawn_local(async move {
            if let Ok(loaded) = crate::map_api::load_coverage().await {
                coverage.set(loaded);
            }
        });
        if !public_view {
            leptos::task::spawn_local(async move {
                if let Ok(loaded) = crate::map_api::load_field_measurements().await {
                    measured.set(loaded);
                }
            });
            leptos::task::spawn_local(async move {
                if let Ok(loaded) = crate::map_api::load_village_progress().await {
                    progress.set(loaded);
                }
            });
            leptos::task::spawn_local(async move {
                if let Ok(loaded) = crate::map_api::load_village_donations().await {
                    donations.set(loaded);
                }
            });
            leptos::task::spawn_local(async move {
                let url = "/api/v1/coverage/disagreements";
                if let Ok(loaded) = crate::pages::api_client::get_json::<Vec<layers::Disagreement>>(url).await {
                    disagreements.set(loaded);
                }
            });
        }
    });
    let layers = LayerInputs { layer, houses, coverage, measured, progress, donations, disagreements };
    let has_disagreements = Signal::derive(move || disagreements.with(|found| !found.is_empty()));
    let has_measurements = Signal::derive(move || measured.with(|measured| !measured.is_empty()));
    let has_progress = Signal::derive(move || progress.with(|progress| !progress.is_empty()));
    let has_donations = Signal::derive(move || donations.with(|donations| !donations.is_empty()));
    let layer_options = Signal::derive(move || coverage.with(|coverage| coverage_choices(coverage)));

    view! {
        {setup_needed.then(|| view! {
            <p class="notice" data-testid="setup-prompt">
                {ui_text(|t| t.setup.map_prompt)}" "
                <a class="button-link" href="/thiet-lap">{ui_text(|t| t.setup.page_link)}</a>
            </p>
        })}
        <section class="toolbar" aria-label=ui_text(|t| t.legend)>
            <WifiCount visible public_view/>
            <FilterBar filters commune_options public_view/>
            <LayerPicker layer layer_options has_measurements has_progress has_donations has_disagreements/>
        </section>
        {public_view.then(|| view! {
            <p class="public-notice" data-testid="public-notice">
                {ui_text(|t| t.public_notice)}" "<a href="/dang-nhap">{ui_text(|t| t.sign_in)}</a>
            </p>
        })}
        <div class="map-wrap">
            <DistrictMap visible communes tiles bounds selected layers leaflet/>
            <Legend layer/>
        </div>
        {move || {
            selected_house.get().map(|house| {
                let editor = match &wifi_editing {
                    crate::model::WifiEditing::No => None,
                    crate::model::WifiEditing::AnyOperator => Some(None),
                    crate::model::WifiEditing::OwnOperator(operator) => Some(Some(operator.clone())),
                };
                let sheet = house_sheet(SheetParts { house, selected, editor, operators: operators.get_value(), on_saved });
                view! {
                    <Suspense fallback=move || view! { <p class="notice">{ui_text(|t| t.loading)}</p> }>
                        {Suspend::new(async move {
                            sheet.await.unwrap_or_else(|_| {
                                view! {
                                    <section class="sheet" data-testid="house-detail-failed">
                                        <header class="sheet__header">
                                            <p class="notice notice--error" role="alert">{ui_text(|t| t.load_failed)}</p>
                                            <button type="button" class="sheet__close" on:click=move |_| selected.set(None)>
                                                {ui_text(|t| t.close)}
                                            </button>
                                        </header>
                                    </section>
                                }
                                .into_any()
                            })
                        })}
                    </Suspense>
                }
            })
        }}
        <HouseList visible selected/>
        {(!public_view).then(|| view! { <MeasureDetails houses/> })}
        <footer class="app-footer">
            {is_demo.then(|| view! {
                <p class="demo-notice" data-testid="demo-notice">{ui_text(|t| t.demo_notice)}</p>
            })}
        </footer>
    }
    .into_any()
}

/// "N/M nhà văn hóa có Wi-Fi" over the houses the filters let through; the public view, which
/// holds only working Wi-Fi, counts "N nhà văn hóa có Wi-Fi miễn phí".
#[component]
fn WifiCount(visible: Memo<Vec<CulturalHouse>>, public_view: bool) -> impl IntoView {
    if public_view {
        return view! {
            <p class="wifi-count" data-testid="wifi-count" aria-live="polite">
                <strong>{move || visible.with(Vec::len)}</strong>" "{ui_text(|t| t.public_wifi_suffix)}
            </p>
        }
        .into_any();
    }
    let active = move || visible.with(|houses| houses.iter().filter(|h| h.wifi_status == WifiStatus::Active).count());
    let total = move || visible.with(Vec::len);
    view! {
        <p class="wifi-count" data-testid="wifi-count" aria-live="polite">
            <strong>{active}"/"{total}</strong>" "{ui_text(|t| t.wifi_count_suffix)}
        </p>
    }
    .into_any()
}

#[component]
fn FilterBar(filters: Memo<Filters>, commune_options: Vec<(String, String)>, public_view: bool) -> impl IntoView {
    let navigate = use_navigate();
    let apply = move |next: Filters| navigate(&next.to_query(), Default::default());
    let apply_status = {
        let apply = apply.clone();
        move |event| {
            let value = event_target_value(&event);
            apply(Filters { status: value.parse().ok(), ..filters.get_untracked() });
        }
    };
    let apply_commune = move |event| {
        let value = event_target_value(&event);
        apply(Filters { commune: Some(value).filter(|v| !v.is_empty()), ..filters.get_untracked() });
    };
    let selected_status = move || filters.get().status.map(|s| s.as_str().to_owned()).unwrap_or_default();
    let selected_commune = move || filters.get().commune.unwrap_or_default();
    let kinds = crate::model::CommuneKinds::of(commune_options.iter().map(|(_, name)| name.as_str())).index();
    let texts = use_texts();

    view! {
        <div class="filters">
            // The public view holds only working Wi-Fi: a status filter would have nothing to do.
            {(!public_view).then(|| view! {
            <label class="field">
                <span>{ui_text(|t| t.filter_status)}</span>
                <select data-testid="status-filter" on:change=apply_status prop:value=selected_status>
                    <option value="">{ui_text(|t| t.all_statuses)}</option>
                    {status_options(move |status| filters.get().status == Some(status))}
                </select>
            </label>
            })}
            <label class="field">
                <span>{move || texts.get().filter_commune[kinds]}</span>
                <select data-testid="commune-filter" on:change=apply_commune prop:value=selected_commune>
                    <option value="">{move || texts.get().all_communes[kinds]}</option>
                    {named_options(commune_options, selected_commune)}
                </select>
            </label>
        </div>
    }
}

/// An `<option>` per Wi-Fi status, named in the chosen language; `is_chosen` marks the selected.
fn status_options(is_chosen: impl Fn(WifiStatus) -> bool + Copy + Send + Sync + 'static) -> impl IntoView {
    let texts = use_texts();
    WifiStatus::ALL
        .into_iter()
        .map(|status| {
            view! {
                <option value=status.as_str() selected=move || is_chosen(status)>
                    {move || texts.get().status(status)}
                </option>
            }
        })
        .collect_view()
}

/// An `<option>` per `(value, name)`; `chosen` gives the selected value.
fn named_options(
    choices: Vec<(String, String)>,
    chosen: impl Fn() -> String + Copy + Send + Sync + 'static,
) -> impl IntoView {
    choices
        .into_iter()
        .map(|(value, name)| {
            let is_selected = {
                let value = value.clone();
                move || chosen() == value
            };
            view! { <option value=value selected=is_selected>{name}</option> }
        })
        .collect_view()
}

/// CSS class of a status dot/marker; the colours live in `style/main.css`.
pub(super) fn status_class(status: WifiStatus) -> String {
    format!("status-{}", status.as_str())
}

/// "Đo sóng tại đây", folded under the map for signed-in accounts: opening it fetches the panel
/// (`measure`), which asks for the phone's position only then, and lists the map's villages only
/// then (a country's map holds 100,000 houses; most visits never measure).
#[component]
fn MeasureDetails(houses: StoredValue<Vec<CulturalHouse>>) -> impl IntoView {
    let account = RwSignal::new(None::<String>);
    let unknown = RwSignal::new(false);
    let open = move |_| {
        if account.get_untracked().is_some() {
            return;
        }
        leptos::task::spawn_local(async move {
            let found = match crate::auth_api::signed_in_user().await {
                Ok(user) => user.map(|user| user.username),
                // No network: the account last seen signed in on this phone.
                Err(_) => crate::pages::field::state::account_last_seen().await,
            };
            unknown.set(found.is_none());
            account.set(found);
        });
    };
    view! {
        <details class="measure-details" data-testid="measure-details">
            <summary on:click=open>{ui_text(|t| t.field.measure_here)}</summary>
            {move || unknown.get().then(|| view! { <p role="alert">{ui_text(|t| t.field.measure_signed_out)}</p> })}
            {move || account.get().map(|account| {
                let panel = measure::measure_panel(measure::MeasureParts { account, villages: houses.with_value(|houses| villages_of(houses)) });
                view! {
                    <Suspense fallback=move || view! { <p class="notice">{ui_text(|t| t.loading)}</p> }>
                        {Suspend::new(async move {
                            panel.await.unwrap_or_else(|_| {
                                view! { <p class="notice notice--error" role="alert">{ui_text(|t| t.load_failed)}</p> }
                                    .into_any()
                            })
                        })}
                    </Suspense>
                }
            })}
        </details>
    }
}

/// The villages of the houses on the map, `(code, "village · commune")`, in the list's order.
fn villages_of(houses: &[CulturalHouse]) -> Vec<(String, String)> {
    let mut villages: Vec<(String, String)> = houses
        .iter()
        .map(|house| (house.village_code.clone(), format!("{} · {}", house.village, house.commune)))
        .collect();
    villages.sort_by(|a, b| a.1.cmp(&b.1));
    villages.dedup_by(|a, b| a.0 == b.0);
    villages
}

/// The same houses as the map, as a list: readable before the wasm loads, usable by screen
/// readers, and a second way to open a house on a small screen.
#[component]
fn HouseList(visible: Memo<Vec<CulturalHouse>>, selected: RwSignal<Option<i64>>) -> impl IntoView {
    view! {
        <details class="house-list">
            <summary>{ui_text(|t| t.list_heading)}" ("{move || visible.with(Vec::len)}")"</summary>
            <Show
                when=move || visible.with(|houses| !houses.is_empty())
                fallback=move || view! { <p>{ui_text(|t| t.list_empty)}</p> }
            >
                <ul>
                    <For each=move || visible.get() key=|house| house.id let:house>
                        <li>
                            <button type="button" data-house-id=house.id on:click=move |_| selected.set(Some(house.id))>
                                <span class=format!("dot {}", status_class(house.wifi_status)) aria-hidden="true"></span>
                                <span class="house-list__name">{house.name.clone()}</span>
                                <span class="house-list__place">{format!("{} · {}", house.village, house.commune)}</span>
                            </button>
                        </li>
                    </For>
                </ul>
            </Show>
        </details>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn house(status: WifiStatus, commune_code: &str) -> CulturalHouse {
        CulturalHouse {
            id: 1,
            name: "Nhà văn hóa Thôn Đông".into(),
            village_code: format!("{commune_code}-01"),
            village: "Thôn Đông".into(),
            commune_code: commune_code.into(),
            commune: "Xã Thạch Lâm".into(),
            lon: 105.5,
            lat: 20.3,
            wifi_status: status,
            wifi_provider: None,
            wifi_provider_name: None,
            bandwidth_mbps: None,
            installed_at: None,
            last_verified_at: None,
            ssid: None,
            ssid_public: false,
            version: 1,
        }
    }

    #[test]
    fn filters_round_trip_through_the_url() {
        let filters = Filters { status: Some(WifiStatus::Broken), commune: Some("15196".into()) };
        let query = filters.to_query();
        let parsed: ParamsMap = query
            .trim_start_matches('?')
            .split('&')
            .filter_map(|pair| pair.split_once('='))
            .map(|(key, value)| (key.to_owned(), value.to_owned()))
            .collect();
        assert_eq!(Filters::from_query(&parsed), filters);
        assert_eq!(Filters::default().to_query(), "/");
    }

    #[test]
    fn unknown_status_in_the_url_means_no_status_filter() {
        let query: ParamsMap = [("status", "working".to_owned()), ("commune", String::new())].into_iter().collect();
        assert_eq!(Filters::from_query(&query), Filters::default());
    }

    #[test]
    fn a_house_passes_when_every_set_filter_matches() {
        let broken_in_thach_lam = house(WifiStatus::Broken, "15196");
        assert!(Filters::default().matches(&broken_in_thach_lam));
        assert!(Filters { status: Some(WifiStatus::Broken), commune: None }.matches(&broken_in_thach_lam));
        assert!(!Filters { status: Some(WifiStatus::Active), commune: None }.matches(&broken_in_thach_lam));
        assert!(!Filters { status: None, commune: Some("15187".into()) }.matches(&broken_in_thach_lam));
    }
}
