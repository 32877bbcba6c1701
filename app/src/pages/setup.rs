//! The setup page (`/thiet-lap`), phone first: how much of the area's reference data is loaded
//! (communes, villages, cultural houses, households, accounts), what is missing, and a form per
//! kind to check and import the office's spreadsheet, with its template. Admins see the whole
//! area, commune officers their communes.
//!
//! Files go to the REST import routes (`/api/v1/imports/{kind}`), as the operators' page sends its
//! own, and their answers are shown the same way (problems by line, a sign-in sheet for new
//! accounts).

use super::operator_upload::{UploadResult, UploadState};
use crate::auth_api::signed_in_user;
use crate::i18n::fill;
use crate::model::setup::SetupChecklist;
use crate::model::Capability;
use crate::setup_api::load_setup_checklist;
use crate::{ui_text, use_texts};
use leptos::html::Input;
use leptos::prelude::*;

/// The kinds of file the page imports, with the URL name and the anchor of each form.
const KINDS: [(&str, &str); 4] = [
    ("villages", "thon"),
    ("cultural-houses", "nha-van-hoa"),
    ("households", "ho-gia-dinh"),
    ("accounts", "tai-khoan"),
];

#[component]
pub fn SetupPage() -> impl IntoView {
    let user = Resource::new_blocking(|| (), |_| signed_in_user());
    view! {
        <section class="page setup-page">
            <h2>{ui_text(|t| t.setup.title)}</h2>
            <Suspense fallback=move || view! { <p>{ui_text(|t| t.loading)}</p> }>
                {move || Suspend::new(async move {
                    match user.await {
                        Ok(Some(user)) if user.role.can(Capability::ManagePlaces) => view! {
                            <p class="hint">{ui_text(|t| t.setup.intro)}</p>
                            <Checklist/>
                            {KINDS
                                .into_iter()
                                .enumerate()
                                .map(|(index, (kind, anchor))| view! { <KindForm index kind anchor/> })
                                .collect_view()}
                        }
                        .into_any(),
                        Ok(Some(_)) => view! { <p role="alert">{ui_text(|t| t.error_forbidden)}</p> }.into_any(),
                        _ => view! { <super::account::SignInPrompt/> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

/// The first-run checklist: each step's count, and what to do where nothing is loaded yet.
#[component]
fn Checklist() -> impl IntoView {
    let texts = use_texts();
    let checklist = Resource::new_blocking(|| (), |_| load_setup_checklist());
    view! {
        <h3>{ui_text(|t| t.setup.checklist_heading)}</h3>
        <Suspense fallback=move || view! { <p>{ui_text(|t| t.loading)}</p> }>
            {move || Suspend::new(async move {
                match checklist.await {
                    Ok(counts) => view! { <Steps counts texts/> }.into_any(),
                    Err(_) => view! { <p role="alert">{ui_text(|t| t.load_failed)}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Steps(counts: SetupChecklist, texts: Signal<&'static crate::i18n::Texts>) -> impl IntoView {
    let numbers = [counts.communes, counts.villages, counts.cultural_houses, counts.households, counts.accounts];
    let to_place = counts.houses_to_place;
    view! {
        <ol class="checklist" data-testid="setup-checklist">
            {numbers
                .into_iter()
                .enumerate()
                .map(|(step, count)| {
                    // Steps after the communes have a form below; the first is the boundaries import.
                    let anchor = step.checked_sub(1).and_then(|kind| KINDS.get(kind)).map(|(_, anchor)| *anchor);
                    let class = if count > 0 { "checklist__step checklist__step--done" } else { "checklist__step" };
                    view! {
                        <li class=class>
                            <strong>{move || texts.get().setup.steps[step]}</strong>
                            ": " {count}
                            {move || {
                                let setup = texts.get().setup;
                                if count == 0 { setup.missing[step].to_owned() } else { format!(" · {}", setup.done) }
                            }}
                            {(step == 2 && to_place > 0).then(|| view! {
                                <span class="hint">
                                    " · " {move || fill(texts.get().setup.houses_to_place, "count", to_place)}
                                </span>
                            })}
                            {anchor.map(|anchor| view! {
                                " " <a href=format!("#{anchor}")>{move || texts.get().setup.go_to_form}</a>
                            })}
                        </li>
                    }
                })
                .collect_view()}
        </ol>
    }
}

/// The form of one kind: the template, the columns, the file, "Kiểm tra" and "Nhập".
#[component]
fn KindForm(index: usize, kind: &'static str, anchor: &'static str) -> impl IntoView {
    let texts = use_texts();
    let state = RwSignal::new(UploadState::Idle);
    let file_input = NodeRef::<Input>::new();
    let busy = move || matches!(state.get(), UploadState::Uploading(_) | UploadState::Checking);
    let start = move |dry_run: bool| {
        let url = format!("/api/v1/imports/{kind}{}", if dry_run { "?dry_run=true" } else { "" });
        let file = file_input.get_untracked().and_then(|input| input.files()).and_then(|files| files.get(0));
        match file {
            None => state.set(UploadState::Failed(texts.get_untracked().no_file.to_owned())),
            #[cfg(feature = "hydrate")]
            Some(file) => super::operator_upload::send_file(url, "application/octet-stream", file, state),
            #[cfg(not(feature = "hydrate"))]
            Some(_) => {
                let _ = url;
            }
        }
    };
    view! {
        <section class="setup-kind" id=anchor data-testid=format!("setup-{kind}")>
            <h3>{move || texts.get().setup.kinds[index]}</h3>
            <p class="hint">{move || texts.get().setup.columns[index]}</p>
            <p>
                <a class="button-link" href=format!("/api/v1/imports/templates/{kind}.xlsx") download>
                    {ui_text(|t| t.setup.template)}
                </a>
            </p>
            <form class="form" on:submit=|event| event.prevent_default()>
                <label class="field">
                    <span>{ui_text(|t| t.choose_file)}</span>
                    <input type="file" node_ref=file_input data-testid=format!("setup-file-{kind}")
                        accept=".xlsx,.xls,.ods,.csv,.tsv,.txt,text/csv,text/plain"
                        on:change=move |_| state.set(UploadState::Idle)/>
                </label>
                <div class="button-row">
                    <button type="button" class="button button--secondary" disabled=busy on:click=move |_| start(true)>
                        {ui_text(|t| t.check_file)}
                    </button>
                    <button type="button" class="button" disabled=busy on:click=move |_| start(false)>
                        {ui_text(|t| t.import_file)}
                    </button>
                </div>
            </form>
            <UploadResult state/>
        </section>
    }
}
