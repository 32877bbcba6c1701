//! "Chắp cánh công nghệ" (`/tang-thiet-bi`): each commune's device stock and the thank-you list
//! for everyone; pledges for leaders; donors, pledges, the "chưa có thiết bị" list and allocations
//! for commune officers.
//!
//! It talks to the REST routes (`/api/v1/donors`, `/pledges`, `/allocations`, …), the same ones
//! integrations use, with the browser session as credentials. The lists load in the browser once
//! the page is up; every write reloads them, so the counts shown are always the database's.

use super::api_client::{get_json, post_json, CallFailure};
use crate::auth_api::signed_in_user;
use crate::donations::{
    Acknowledgement, Allocation, AllocationStatus, Condition, Donor, DonorKind, EligibleHousehold, Item, NewAllocation,
    NewDonor, NewPledge, Pledge, PledgeStatus, StockLine,
};
use crate::field_records::VillageProgress;
use crate::i18n::donations::DonationTexts;
use crate::i18n::fill;
use crate::model::{Capability, Role};
use crate::{ui_text, use_texts};
use leptos::prelude::*;
use leptos::task::spawn_local;

/// The page's shared state: a counter bumped after each write (every list reloads on it) and the
/// last write's outcome.
#[derive(Clone, Copy)]
struct Desk {
    texts: Signal<&'static crate::i18n::Texts>,
    generation: RwSignal<u32>,
    outcome: RwSignal<Option<Result<(), String>>>,
}

impl Desk {
    /// Sends a write; on success every list reloads, on failure the reason is shown.
    fn write<B: serde::Serialize + 'static>(self, url: String, body: B) {
        spawn_local(async move {
            // The answer is the changed record; the lists reload to show it.
            let result = post_json::<B, serde_json::Value>(&url, &body).await.map(|_| ());
            let texts = self.texts.get_untracked();
            self.outcome.set(Some(result.map_err(|failure| failure_text(texts, &failure))));
            self.generation.update(|generation| *generation += 1);
        });
    }
}

/// What a failed write means for the person at the desk, in the page's language.
fn failure_text(texts: &crate::i18n::Texts, failure: &CallFailure) -> String {
    let detail = |body: &str| {
        serde_json::from_str::<serde_json::Value>(body)
            .ok()
            .and_then(|json| json["error"]["message"].as_str().map(str::to_owned))
            .unwrap_or_default()
    };
    match failure {
        CallFailure::Status(409, body) => fill(texts.donations.write_conflict, "detail", detail(body)),
        CallFailure::Status(422 | 400, body) => fill(texts.donations.write_invalid, "detail", detail(body)),
        CallFailure::Forbidden | CallFailure::SignedOut => texts.donations.write_forbidden.to_owned(),
        _ => texts.donations.load_failed.to_owned(),
    }
}

/// Whole đồng with thousands separated by dots, as Vietnamese write them.
fn format_vnd(value: i64) -> String {
    let digits = value.unsigned_abs().to_string();
    let mut grouped = String::new();
    for (index, digit) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index).is_multiple_of(3) {
            grouped.push('.');
        }
        grouped.push(digit);
    }
    if value < 0 {
        format!("-{grouped}")
    } else {
        grouped
    }
}

/// A list fetched in the browser, again after each write.
fn listing<T>(desk: Desk, url: impl Fn() -> Option<String> + 'static) -> LocalResource<Option<Result<T, CallFailure>>>
where
    T: serde::de::DeserializeOwned + 'static,
{
    LocalResource::new(move || {
        desk.generation.track();
        let url = url();
        async move {
            match url {
                Some(url) => Some(get_json::<T>(&url).await),
                None => None,
            }
        }
    })
}

#[component]
pub fn DonationsPage() -> impl IntoView {
    let texts = use_texts();
    let user = Resource::new_blocking(|| (), |_| signed_in_user());
    let desk = Desk { texts, generation: RwSignal::new(0), outcome: RwSignal::new(None) };
    view! {
        <section class="page donations" data-testid="donations-page">
            <h2>{ui_text(|t| t.donations.title)}</h2>
            <p class="hint">{ui_text(|t| t.donations.intro)}</p>
            <p role="status" class="notice" data-testid="donation-outcome">
                {move || match desk.outcome.get() {
                    Some(Ok(())) => texts.get().donations.saved.to_owned(),
                    Some(Err(reason)) => reason,
                    None => String::new(),
                }}
            </p>
            <StockTable desk/>
            <Thanks desk/>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    let role = user.await.ok().flatten().map(|user| user.role);
                    view! {
                        <p class="button-row">
                            <a class="button-link" href="/api/v1/exports/donations.csv">{ui_text(|t| t.donations.export_csv)}</a>
                            {role.is_some_and(|role| role.can(Capability::ReadDashboard)).then(|| view! {
                                <a class="button-link" href="/api/v1/reports/donations.xlsx">{ui_text(|t| t.donations.export_xlsx)}</a>
                            })}
                        </p>
                        {role.is_some_and(|role| role.can(Capability::ReadDashboard)).then(|| view! { <Pledges desk role=role.unwrap_or(Role::Leader)/> })}
                        {role.is_some_and(manages).then(|| view! {
                            <ManagersDesk desk/>
                        })}
                    }
                })}
            </Suspense>
        </section>
    }
}

/// A list loaded in the browser, with its loading, failure and emptiness told alike everywhere on
/// the page.
fn shown<T>(
    texts: &'static DonationTexts,
    loaded: Option<Result<Vec<T>, CallFailure>>,
    empty: &'static str,
    render: impl FnOnce(Vec<T>) -> AnyView,
) -> AnyView {
    match loaded {
        None => view! { <p class="hint">{texts.loading}</p> }.into_any(),
        Some(Err(_)) => view! { <p class="notice">{texts.load_failed}</p> }.into_any(),
        Some(Ok(list)) if list.is_empty() => view! { <p class="hint">{empty}</p> }.into_any(),
        Some(Ok(list)) => render(list),
    }
}

/// Commune officers and admins register donors and pledges and allocate devices.
fn manages(role: Role) -> bool {
    matches!(role, Role::Admin | Role::CommuneOfficer)
}

#[component]
fn StockTable(desk: Desk) -> impl IntoView {
    let texts = use_texts();
    let stock = listing::<Vec<StockLine>>(desk, || Some("/api/v1/donations/stock".to_owned()));
    view! {
        <h3>{ui_text(|t| t.donations.stock_heading)}</h3>
        {move || {
            let texts = texts.get().donations;
            shown(texts, stock.get().flatten(), texts.no_stock, |lines| {
                view! {
                    <div class="table-scroll">
                        <table class="commune-table stock-table table--stack" data-testid="stock-table">
                            <thead><tr>
                                <th>{texts.commune}</th><th>{texts.item_heading}</th><th>{texts.received}</th>
                                <th>{texts.available}</th><th>{texts.allocated}</th><th>{texts.delivered}</th>
                            </tr></thead>
                            <tbody>
                                {lines.into_iter().map(|line| view! {
                                    <tr data-commune=line.commune_code.clone() data-item=line.item.as_str()>
                                        <td>{line.commune}</td>
                                        <td>{texts.item(line.item)}</td>
                                        <td data-label=texts.received>{line.received}</td>
                                        <td data-label=texts.available data-testid="stock-available">{line.available}</td>
                                        <td data-label=texts.allocated>{line.allocated}</td>
                                        <td data-label=texts.delivered data-testid="stock-delivered">{line.delivered}</td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                }
                .into_any()
            })
        }}
    }
}

#[component]
fn Thanks(desk: Desk) -> impl IntoView {
    let texts = use_texts();
    let thanks = listing::<Vec<Acknowledgement>>(desk, || Some("/api/v1/donations/acknowledgements".to_owned()));
    view! {
        <h3>{ui_text(|t| t.donations.thanks_heading)}</h3>
        {move || {
            let texts = texts.get().donations;
            shown(texts, thanks.get().flatten(), texts.no_thanks, |thanks| {
                view! {
                    <ul class="thanks" data-testid="thanks">
                        {thanks.into_iter().map(|thank| {
                            let name = thank.name.clone().unwrap_or_else(|| texts.anonymous.to_owned());
                            let mut gifts = Vec::new();
                            if thank.devices > 0 {
                                gifts.push(fill(texts.devices_count, "count", thank.devices));
                            }
                            if thank.value_vnd > 0 {
                                gifts.push(fill(texts.value_vnd, "value", format_vnd(thank.value_vnd)));
                            }
                            view! {
                                <li><strong>{name}</strong>" ("{texts.kind(thank.kind)}") — "{gifts.join(", ")}</li>
                            }
                        }).collect_view()}
                    </ul>
                }
                .into_any()
            })
        }}
    }
}

#[component]
fn Pledges(desk: Desk, role: Role) -> impl IntoView {
    let texts = use_texts();
    let pledges = listing::<Vec<Pledge>>(desk, || Some("/api/v1/pledges".to_owned()));
    let can_receive = manages(role);
    view! {
        <h3>{ui_text(|t| t.donations.pledges_heading)}</h3>
        {move || {
            let texts = texts.get().donations;
            shown(texts, pledges.get().flatten(), texts.no_pledges, |pledges| {
                view! {
                    <ul class="record-list" data-testid="pledges">
                        {pledges.into_iter().map(|pledge| {
                            let amount = match pledge.quantity {
                                Some(quantity) => format!("{quantity} × {}", texts.item(pledge.item)),
                                None => fill(texts.value_vnd, "value", format_vnd(pledge.value_vnd.unwrap_or_default())),
                            };
                            let donor = pledge.donor.clone().unwrap_or_else(|| texts.anonymous.to_owned());
                            let waiting = pledge.status == PledgeStatus::Pledged;
                            let receive_url = format!("/api/v1/pledges/{}/receive", pledge.id);
                            view! {
                                <li class="record" data-testid="pledge">
                                    <p class="record__title"><strong>{amount}</strong>" — "{donor}" · "{pledge.commune}</p>
                                    <p>
                                        <span class=if waiting { "badge badge--pending" } else { "badge badge--synced" }>
                                            {if waiting { texts.pledged } else { texts.received }}
                                        </span>
                                    </p>
                                    {(waiting && can_receive).then(|| view! {
                                        <button type="button" class="button button--secondary" data-testid="receive-pledge"
                                            on:click=move |_| desk.write(receive_url.clone(), serde_json::json!({}))>
                                            {texts.mark_received}
                                        </button>
                                    })}
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }
                .into_any()
            })
        }}
    }
}

/// The villages in the officer's scope, read once for both desks below.
type Villages = LocalResource<Option<Result<Vec<VillageProgress>, CallFailure>>>;

/// What commune officers (and admins) work with: donors and pledges, then allocation.
#[component]
fn ManagersDesk(desk: Desk) -> impl IntoView {
    let villages: Villages = listing(desk, || Some("/api/v1/progress/villages".to_owned()));
    view! {
        <DonorDesk desk villages/>
        <Allocating desk villages/>
    }
}

/// Registering donors and their pledges.
#[component]
fn DonorDesk(desk: Desk, villages: Villages) -> impl IntoView {
    let texts = use_texts();
    let donors = listing::<Vec<Donor>>(desk, || Some("/api/v1/donors".to_owned()));
    let name = RwSignal::new(String::new());
    let kind = RwSignal::new("business".to_owned());
    let contact = RwSignal::new(String::new());
    let anonymous = RwSignal::new(false);
    let add_donor = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let kind = DonorKind::ALL
            .into_iter()
            .find(|known| known.as_str() == kind.get_untracked())
            .unwrap_or(DonorKind::Business);
        let contact = Some(contact.get_untracked().trim().to_owned()).filter(|contact| !contact.is_empty());
        let donor = NewDonor { kind, name: name.get_untracked(), contact, anonymous: anonymous.get_untracked() };
        desk.write("/api/v1/donors".to_owned(), donor);
    };
    let donor_id = RwSignal::new(String::new());
    let commune = RwSignal::new(String::new());
    let item = RwSignal::new("smartphone".to_owned());
    let quantity = RwSignal::new("1".to_owned());
    let condition = RwSignal::new("new".to_owned());
    let value = RwSignal::new(String::new());
    let add_pledge = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let item = item.get_untracked().parse::<Item>().unwrap_or(Item::Smartphone);
        let device = item.is_device();
        let pledge = NewPledge {
            donor_id: donor_id.get_untracked().parse().unwrap_or_default(),
            commune_code: commune.get_untracked(),
            item,
            quantity: if device { quantity.get_untracked().trim().parse().ok() } else { None },
            condition: device.then(|| {
                if condition.get_untracked() == "refurbished" {
                    Condition::Refurbished
                } else {
                    Condition::New
                }
            }),
            value_vnd: value.get_untracked().replace(['.', ',', ' '], "").parse().ok(),
            note: None,
        };
        desk.write("/api/v1/pledges".to_owned(), pledge);
    };
    let communes = move || {
        let mut codes: Vec<String> = villages
            .get()
            .flatten()
            .and_then(Result::ok)
            .unwrap_or_default()
            .into_iter()
            .map(|village| village.commune_code)
            .collect();
        codes.dedup();
        codes
    };
    view! {
        <h3>{ui_text(|t| t.donations.donors_heading)}</h3>
        <form class="form" on:submit=add_donor data-testid="donor-form">
            <label class="field">
                <span>{ui_text(|t| t.donations.donor_name)}</span>
                <input type="text" maxlength="200" required bind:value=name data-testid="donor-name"/>
            </label>
            <label class="field">
                <span>{ui_text(|t| t.donations.donor_kind)}</span>
                <select bind:value=kind>
                    {DonorKind::ALL.into_iter().map(|choice| view! {
                        <option value=choice.as_str()>{move || texts.get().donations.kind(choice)}</option>
                    }).collect_view()}
                </select>
            </label>
            <label class="field">
                <span>{ui_text(|t| t.donations.contact)}</span>
                <input type="text" maxlength="500" bind:value=contact placeholder=ui_text(|t| t.donations.contact_hint)/>
            </label>
            <label class="check check--big">
                <input type="checkbox" bind:checked=anonymous/>" "{ui_text(|t| t.donations.stay_anonymous)}
            </label>
            <button type="submit" class="button" data-testid="add-donor">{ui_text(|t| t.donations.add_donor)}</button>
        </form>
        <h3>{ui_text(|t| t.donations.add_pledge)}</h3>
        <form class="form" on:submit=add_pledge data-testid="pledge-form">
            <label class="field">
                <span>{ui_text(|t| t.donations.donor)}</span>
                <select bind:value=donor_id required data-testid="pledge-donor">
                    <option value="">"—"</option>
                    {move || donors.get().flatten().and_then(Result::ok).unwrap_or_default().into_iter().map(|donor| {
                        let label = match &donor.contact {
                            Some(contact) => format!("{} ({contact})", donor.name),
                            None => donor.name.clone(),
                        };
                        view! { <option value=donor.id.to_string()>{label}</option> }
                    }).collect_view()}
                </select>
            </label>
            <label class="field">
                <span>{ui_text(|t| t.donations.commune)}</span>
                <select bind:value=commune required data-testid="pledge-commune">
                    <option value="">"—"</option>
                    {move || communes().into_iter().map(|code| view! { <option value=code.clone()>{code.clone()}</option> }).collect_view()}
                </select>
            </label>
            <label class="field">
                <span>{ui_text(|t| t.donations.item_heading)}</span>
                <select bind:value=item data-testid="pledge-item">
                    {Item::ALL.into_iter().map(|choice| view! {
                        <option value=choice.as_str()>{move || texts.get().donations.item(choice)}</option>
                    }).collect_view()}
                </select>
            </label>
            <Show when=move || item.get() != Item::Money.as_str()>
                <label class="field">
                    <span>{ui_text(|t| t.donations.quantity)}</span>
                    <input type="number" inputmode="numeric" min="1" bind:value=quantity data-testid="pledge-quantity"/>
                </label>
                <label class="field">
                    <span>{ui_text(|t| t.donations.condition)}</span>
                    <select bind:value=condition>
                        <option value="new">{ui_text(|t| t.donations.condition_new)}</option>
                        <option value="refurbished">{ui_text(|t| t.donations.condition_refurbished)}</option>
                    </select>
                </label>
            </Show>
            <label class="field">
                <span>{ui_text(|t| t.donations.value_label)}</span>
                <input type="text" inputmode="numeric" bind:value=value/>
            </label>
            <button type="submit" class="button" data-testid="add-pledge">{ui_text(|t| t.donations.add_pledge)}</button>
        </form>
    }
}

/// The "chưa có thiết bị" list of a village and the devices allocated in the officer's area.
#[component]
fn Allocating(desk: Desk, villages: Villages) -> impl IntoView {
    let texts = use_texts();
    let village = RwSignal::new(String::new());
    let eligible = listing::<Vec<EligibleHousehold>>(desk, move || {
        let code = village.get();
        (!code.is_empty())
            .then(|| format!("/api/v1/donations/eligible?village={}", js_sys::encode_uri_component(&code)))
    });
    let allocations = listing::<Vec<Allocation>>(desk, || Some("/api/v1/allocations".to_owned()));
    let item = RwSignal::new("smartphone".to_owned());
    view! {
        <h3>{ui_text(|t| t.donations.allocate_heading)}</h3>
        <div class="form">
            <label class="field">
                <span>{ui_text(|t| t.donations.village)}</span>
                <select bind:value=village data-testid="allocate-village">
                    <option value="">"—"</option>
                    {move || villages.get().flatten().and_then(Result::ok).unwrap_or_default().into_iter().map(|village| {
                        let label = format!("{} ({})", village.village, village.village_code);
                        view! { <option value=village.village_code.clone()>{label}</option> }
                    }).collect_view()}
                </select>
            </label>
            <label class="field">
                <span>{ui_text(|t| t.donations.item_heading)}</span>
                <select bind:value=item data-testid="allocate-item">
                    {Item::DEVICES.into_iter().map(|choice| view! {
                        <option value=choice.as_str()>{move || texts.get().donations.item(choice)}</option>
                    }).collect_view()}
                </select>
            </label>
        </div>
        {move || {
            if village.get().is_empty() {
                return ().into_any();
            }
            let texts_now = texts.get();
            let texts = texts_now.donations;
            shown(texts, eligible.get().flatten(), texts.no_eligible, |households| {
                view! {
                    <ul class="record-list" data-testid="eligible">
                        {households.into_iter().map(|household| {
                            let field_texts = texts_now.field;
                            let needs: Vec<&str> = [
                                (household.poor, field_texts.poor),
                                (household.near_poor, field_texts.near_poor),
                                (household.ethnic_minority, field_texts.ethnic_minority),
                                (household.elderly, field_texts.elderly),
                                (household.disability, field_texts.disability),
                            ]
                            .into_iter()
                            .filter_map(|(flagged, name)| flagged.then_some(name))
                            .collect();
                            let household_id = household.id;
                            view! {
                                <li class="record" data-testid="eligible-household">
                                    <p class="record__title"><strong>{household.label}</strong></p>
                                    <p class="hint">{texts.need_flags}": "{needs.join(", ")}</p>
                                    <button type="button" class="button" data-testid="allocate"
                                        on:click=move |_| {
                                            let item = item.get_untracked().parse::<Item>().unwrap_or(Item::Smartphone);
                                            desk.write(
                                                "/api/v1/allocations".to_owned(),
                                                NewAllocation { household_id, item },
                                            );
                                        }>
                                        {texts.allocate}
                                    </button>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }
                .into_any()
            })
        }}
        <h3>{ui_text(|t| t.donations.allocations_heading)}</h3>
        {move || {
            let texts = texts.get().donations;
            shown(texts, allocations.get().flatten(), texts.no_allocations, |list| {
                view! {
                    <ul class="record-list" data-testid="allocations">
                        {list.into_iter().map(|allocation| {
                            let waiting = allocation.status == AllocationStatus::Allocated;
                            let cancel_url = format!("/api/v1/allocations/{}/cancel", allocation.id);
                            let when = allocation.delivered_at.clone().unwrap_or_else(|| allocation.allocated_at.clone());
                            view! {
                                <li class="record" data-testid="allocation" data-status=format!("{:?}", allocation.status).to_lowercase()>
                                    <p class="record__title">
                                        <strong>{texts.item(allocation.item)}</strong>" — "{allocation.household}
                                        " ("{allocation.village_code}") "<small>{when.get(..10).unwrap_or_default().to_owned()}</small>
                                    </p>
                                    <p><span class=if waiting { "badge badge--pending" } else { "badge badge--synced" }>
                                        {texts.status(allocation.status)}
                                    </span></p>
                                    {waiting.then(|| view! {
                                        <button type="button" class="button button--secondary"
                                            on:click=move |_| desk.write(cancel_url.clone(), serde_json::json!({}))>
                                            {texts.cancel_allocation}
                                        </button>
                                    })}
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }
                .into_any()
            })
        }}
    }
}

#[cfg(test)]
mod tests {
    use super::format_vnd;

    #[test]
    fn money_is_grouped_by_thousands_with_dots() {
        assert_eq!(format_vnd(0), "0");
        assert_eq!(format_vnd(999), "999");
        assert_eq!(format_vnd(1000), "1.000");
        assert_eq!(format_vnd(20_000_000), "20.000.000");
        assert_eq!(format_vnd(-1_500), "-1.500");
    }
}
