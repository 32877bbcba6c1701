//! Handing a donated device over ("Chắp cánh công nghệ"): the devices the commune officer
//! allocated in the chosen village, and the sheet that records a handover on the phone (serial,
//! photo, whether the household was shown how to use it). The record joins the same queue as
//! visits and is synced the same way; its photo is compressed here and uploaded first.

use super::queue::{PhotoAttachment, QueueState, QueuedRecord};
use super::{device, Field, Sheet};
use crate::donations::Allocation;
use crate::field_records::{HandoverRecord, Skill, SyncRecord, VisitRecord};
use crate::i18n::fill;
use crate::{ui_text, use_texts};
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;

/// Longest side of a compressed photo, in pixels: enough to see the device and the people.
const PHOTO_MAX_SIDE: f64 = 1280.0;
/// JPEG quality of a compressed photo (about 100–200 KB at 1280 px).
const PHOTO_QUALITY: f64 = 0.7;

/// The open allocations of the chosen village that this phone has not handed over yet.
fn due(field: Field) -> Vec<Allocation> {
    let handed_over: Vec<i64> = field.records.with(|records| {
        records
            .iter()
            .filter(|queued| queued.state != QueueState::Rejected)
            .filter_map(|queued| match &queued.record {
                SyncRecord::Handover(handover) => Some(handover.allocation_id),
                _ => None,
            })
            .collect()
    });
    field.allocations.get().into_iter().filter(|allocation| !handed_over.contains(&allocation.id)).collect()
}

/// "Thiết bị chờ bàn giao": shown when the officer has allocated devices in this village.
#[component]
pub(super) fn HandoverList(field: Field) -> impl IntoView {
    let texts = use_texts();
    view! {
        {move || {
            let due = due(field);
            (!due.is_empty()).then(|| {
                let texts = texts.get().donations;
                view! {
                    <h3>{texts.handovers_heading}</h3>
                    <ul class="door-list" data-testid="handover-list">
                        {due
                            .into_iter()
                            .map(|allocation| {
                                let label = format!("{} — {}", texts.item(allocation.item), allocation.household);
                                let sheet = Sheet::Handover(Box::new(allocation));
                                view! {
                                    <li>
                                        <button
                                            type="button"
                                            class="door"
                                            data-testid="handover-due"
                                            on:click=move |_| field.sheet.set(sheet.clone())
                                        >
                                            <span class="door__label">{label}</span>
                                            <span class="door__meta">{texts.handover}</span>
                                        </button>
                                    </li>
                                }
                            })
                            .collect_view()}
                    </ul>
                }
            })
        }}
    }
}

/// Reads a picture the camera took and compresses it to a JPEG `data:` URL.
async fn compress(file: web_sys::File) -> Result<String, wasm_bindgen::JsValue> {
    let url = web_sys::Url::create_object_url_with_blob(&file)?;
    let image = web_sys::HtmlImageElement::new()?;
    let loaded = js_sys::Promise::new(&mut |resolve, reject| {
        image.set_onload(Some(&resolve));
        image.set_onerror(Some(&reject));
    });
    image.set_src(&url);
    let decoded = wasm_bindgen_futures::JsFuture::from(loaded).await;
    web_sys::Url::revoke_object_url(&url)?;
    decoded?;
    let (width, height) = (f64::from(image.natural_width()), f64::from(image.natural_height()));
    if width < 1.0 || height < 1.0 {
        return Err(wasm_bindgen::JsValue::from_str("empty picture"));
    }
    let scale = (PHOTO_MAX_SIDE / width.max(height)).min(1.0);
    let (target_width, target_height) = ((width * scale).round(), (height * scale).round());
    let document = web_sys::window().and_then(|window| window.document()).ok_or("no document")?;
    let canvas: web_sys::HtmlCanvasElement = document.create_element("canvas")?.dyn_into()?;
    canvas.set_width(target_width as u32);
    canvas.set_height(target_height as u32);
    let context: web_sys::CanvasRenderingContext2d = canvas.get_context("2d")?.ok_or("no 2d context")?.dyn_into()?;
    context.draw_image_with_html_image_element_and_dw_and_dh(&image, 0.0, 0.0, target_width, target_height)?;
    canvas.to_data_url_with_type_and_encoder_options("image/jpeg", &wasm_bindgen::JsValue::from_f64(PHOTO_QUALITY))
}

/// Roughly how many kilobytes a base64 `data:` URL holds.
fn data_url_kb(data_url: &str) -> usize {
    data_url.len() * 3 / 4 / 1024
}

#[component]
pub(super) fn HandoverForm(field: Field, allocation: Box<Allocation>) -> impl IntoView {
    let texts = use_texts();
    let serial = RwSignal::new(String::new());
    let photo = RwSignal::new(None::<String>);
    let photo_failed = RwSignal::new(false);
    let guided = RwSignal::new(true);
    let skills = RwSignal::new(Vec::<Skill>::new());
    let error = RwSignal::new(None::<&'static str>);
    let title = {
        let allocation = allocation.clone();
        move || {
            let texts = texts.get().donations;
            fill(&fill(texts.handover_heading, "item", texts.item(allocation.item)), "household", &allocation.household)
        }
    };
    let on_photo = move |event: leptos::ev::Event| {
        let file = event
            .target()
            .and_then(|target| target.dyn_into::<web_sys::HtmlInputElement>().ok())
            .and_then(|input| input.files())
            .and_then(|files| files.get(0));
        let Some(file) = file else { return };
        spawn_local(async move {
            match compress(file).await {
                Ok(data_url) => {
                    photo_failed.set(false);
                    photo.set(Some(data_url));
                }
                Err(_) => {
                    photo.set(None);
                    photo_failed.set(true);
                }
            }
        });
    };
    let save = {
        let allocation = allocation.clone();
        move |event: leptos::ev::SubmitEvent| {
            event.prevent_default();
            let was_guided = guided.get_untracked();
            let taught = skills.get_untracked();
            if was_guided && taught.is_empty() {
                error.set(Some(texts.get_untracked().field.skills_required));
                return;
            }
            let Some(uuid) = device::new_uuid() else { return };
            let fix = field.position.get_untracked();
            let moment = device::now_rfc3339();
            // The guidance is a visit like any other (it counts in the village's progress); the
            // handover names it.
            let visit = if was_guided {
                let Some(visit_uuid) = device::new_uuid() else { return };
                Some(VisitRecord {
                    uuid: visit_uuid,
                    household_uuid: Some(allocation.household_uuid.clone()),
                    household_id: None,
                    visited_at: moment.clone(),
                    lon: fix.map(|fix| fix.lon),
                    lat: fix.map(|fix| fix.lat),
                    accuracy_m: fix.map(|fix| fix.accuracy_m),
                    people_helped: 1,
                    skills: taught,
                    vneid_activated: None,
                    bank_account_opened: None,
                    note: None,
                    network: device::network_sample(),
                    // The handover itself records a smartphone as received (on the server).
                    has_smartphone: None,
                })
            } else {
                None
            };
            let photo_uuid = photo.get_untracked().and_then(|_| device::new_uuid());
            let handover = HandoverRecord {
                uuid,
                allocation_id: allocation.id,
                handed_over_at: moment,
                serial: Some(serial.get_untracked().trim().to_owned()).filter(|serial| !serial.is_empty()),
                photo_uuid: photo_uuid.clone(),
                lon: fix.map(|fix| fix.lon),
                lat: fix.map(|fix| fix.lat),
                accuracy_m: fix.map(|fix| fix.accuracy_m),
                guided: was_guided,
                visit_uuid: visit.as_ref().map(|visit| visit.uuid.clone()),
            };
            let texts_now = texts.get_untracked().donations;
            let household = allocation.household.clone();
            let caption = format!("{} — {household}", texts_now.item(allocation.item));
            let mut queued = QueuedRecord::pending(SyncRecord::Handover(handover), device::now_ms());
            queued.caption = Some(caption);
            queued.photo =
                photo_uuid.map(|uuid| PhotoAttachment { uuid, data_url: photo.get_untracked(), uploaded: false });
            spawn_local(async move {
                if let Some(visit) = visit {
                    let mut guidance = QueuedRecord::pending(SyncRecord::Visit(visit), queued.saved_at_ms - 1.0);
                    guidance.caption = Some(household);
                    if !field.keep(guidance).await {
                        return;
                    }
                }
                if field.keep(queued).await {
                    field.sheet.set(Sheet::Closed);
                }
            });
        }
    };
    view! {
        <div class="field-sheet" role="dialog" aria-modal="true" data-testid="handover-form">
            <form class="form" on:submit=save>
                <h3>{title}</h3>
                <label class="field">
                    <span>{ui_text(|t| t.donations.serial)}</span>
                    <input type="text" maxlength="64" autocomplete="off" bind:value=serial data-testid="handover-serial"/>
                </label>
                <label class="field">
                    <span>{ui_text(|t| t.donations.photo)}</span>
                    <input type="file" accept="image/*" capture="environment" on:change=on_photo data-testid="handover-photo"/>
                    <small class="hint">{ui_text(|t| t.donations.photo_hint)}</small>
                </label>
                {move || photo.get().map(|data_url| view! {
                    <p class="hint" data-testid="photo-ready">
                        {fill(texts.get().donations.photo_ready, "size", data_url_kb(&data_url))}
                    </p>
                    <img class="handover-photo" src=data_url alt=ui_text(|t| t.donations.photo)/>
                })}
                {move || photo_failed.get().then(|| view! { <p class="form__error">{texts.get().donations.photo_failed}</p> })}
                <label class="check check--big">
                    <input type="checkbox" bind:checked=guided data-testid="handover-guided"/>" "{ui_text(|t| t.donations.guided)}
                </label>
                <Show when=move || guided.get()>
                    <super::forms::SkillChips skills/>
                </Show>
                <p class="form__error" role="alert">{move || error.get()}</p>
                <super::forms::SheetActions field save=Signal::derive(ui_text(|t| t.donations.save_handover)) testid="save-handover"/>
            </form>
        </div>
    }
}
