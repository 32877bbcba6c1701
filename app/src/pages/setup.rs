//! The setup page (`/thiet-lap`), phone first: how much of the area's reference data is loaded
//! (communes, villages, cultural houses, households, accounts), what is missing, and a form per
//! kind to check and import the office's spreadsheet, with its template. Admins see the whole
//! area, commune officers their communes.
//!
//! Files go to the REST import routes (`/api/v1/imports/{kind}`), as the operators' page sends its
//! own, and their answers are shown the same way (problems by line, a sign-in sheet for new
//! accounts).

use super::account::Allowed;
use super::operator_upload::{UploadResult, UploadState};
use crate::i18n::fill;
use crate::model::setup::SetupChecklist;
use crate::model::Capability;
use crate::setup_api::load_setup_checklist;
use crate::{ui_text, use_texts};
use leptos::html::Input;
use leptos::prelude::*;

/// One import form of the page, in the order of the checklist's steps (communes' boundaries,
/// villages, cultural houses, households, accounts), then the reorganisation of units.
/// `SetupTexts::kinds` and `columns` hold their words in the same order.
struct ImportForm {
    /// The import route's last segment: `/api/v1/imports/{kind}`.
    kind: &'static str,
    anchor: &'static str,
    /// What the file picker offers (the server reads the format from the file itself).
    accept: &'static str,
    /// Units (boundaries, reorganisations) are the administrator's; the rest is also commune
    /// officers' for their communes.
    admin_only: bool,
    /// The reference kinds have an XLSX template to fill in.
    has_template: bool,
    /// A boundary file may have its self-crossing rings repaired on request.
    offers_repair: bool,
}

const TABLES: &str = ".xlsx,.xls,.ods,.csv,.tsv,.txt,text/csv,text/plain";

const fn reference(kind: &'static str, anchor: &'static str) -> ImportForm {
    ImportForm { kind, anchor, accept: TABLES, admin_only: false, has_template: true, offers_repair: false }
}

const FORMS: [ImportForm; 6] = [
    ImportForm {
        kind: "boundaries",
        anchor: "dia-gioi",
        accept: ".geojson,.json,application/geo+json,application/json",
        admin_only: true,
        has_template: false,
        offers_repair: true,
    },
    reference("villages", "thon"),
    reference("cultural-houses", "nha-van-hoa"),
    reference("households", "ho-gia-dinh"),
    reference("accounts", "tai-khoan"),
    ImportForm {
        kind: "reorganisation",
        anchor: "sap-nhap",
        accept: TABLES,
        admin_only: true,
        has_template: false,
        offers_repair: false,
    },
];

/// The address a form sends its file to.
fn import_url(kind: &str, dry_run: bool, repair: bool) -> String {
    let options: Vec<&str> = [(dry_run, "dry_run=true"), (repair, "repair=true")]
        .into_iter()
        .filter_map(|(asked, option)| asked.then_some(option))
        .collect();
    let query = if options.is_empty() { String::new() } else { format!("?{}", options.join("&")) };
    format!("/api/v1/imports/{kind}{query}")
}

#[component]
pub fn SetupPage() -> impl IntoView {
    view! {
        <section class="page setup-page">
            <h2>{ui_text(|t| t.setup.title)}</h2>
            <Allowed capability=Capability::ManagePlaces page=|user| {
                let admin = user.role.can(Capability::Administer);
                view! {
                    <p class="hint">{ui_text(|t| t.setup.intro)}</p>
                    <Checklist admin/>
                    {FORMS
                        .iter()
                        .enumerate()
                        .filter(|(_, form)| admin || !form.admin_only)
                        .map(|(index, form)| view! { <KindForm index form/> })
                        .collect_view()}
                }
            }/>
        </section>
    }
}

/// The first-run checklist: each step's count, and what to do where nothing is loaded yet.
#[component]
fn Checklist(admin: bool) -> impl IntoView {
    let texts = use_texts();
    let checklist = Resource::new_blocking(|| (), |_| load_setup_checklist());
    view! {
        <h3>{ui_text(|t| t.setup.checklist_heading)}</h3>
        <Suspense fallback=move || view! { <p>{ui_text(|t| t.loading)}</p> }>
            {move || Suspend::new(async move {
                match checklist.await {
                    Ok(counts) => view! { <Steps counts admin texts/> }.into_any(),
                    Err(_) => view! { <p role="alert">{ui_text(|t| t.load_failed)}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Steps(counts: SetupChecklist, admin: bool, texts: Signal<&'static crate::i18n::Texts>) -> impl IntoView {
    let numbers = [counts.communes, counts.villages, counts.cultural_houses, counts.households, counts.accounts];
    let to_place = counts.houses_to_place;
    view! {
        <ol class="checklist" data-testid="setup-checklist">
            {numbers
                .into_iter()
                .enumerate()
                .map(|(step, count)| {
                    // Each step has its form below, the communes' one for administrators only.
                    let anchor = FORMS.get(step).filter(|form| admin || !form.admin_only).map(|form| form.anchor);
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
fn KindForm(index: usize, form: &'static ImportForm) -> impl IntoView {
    let texts = use_texts();
    let kind = form.kind;
    let state = RwSignal::new(UploadState::Idle);
    let repair = RwSignal::new(false);
    let file_input = NodeRef::<Input>::new();
    let busy = move || matches!(state.get(), UploadState::Uploading(_) | UploadState::Checking);
    let start = move |dry_run: bool| {
        let url = import_url(kind, dry_run, repair.get_untracked());
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
        <section class="setup-kind" id=form.anchor data-testid=format!("setup-{kind}")>
            <h3>{move || texts.get().setup.kinds[index]}</h3>
            <p class="hint">{move || texts.get().setup.columns[index]}</p>
            {form.has_template.then(|| view! {
                <p>
                    <a class="button-link" href=format!("/api/v1/imports/templates/{kind}.xlsx") download>
                        {ui_text(|t| t.setup.template)}
                    </a>
                </p>
            })}
            <form class="form" on:submit=|event| event.prevent_default()>
                <label class="field">
                    <span>{ui_text(|t| t.choose_file)}</span>
                    <input type="file" node_ref=file_input data-testid=format!("setup-file-{kind}")
                        accept=form.accept on:change=move |_| state.set(UploadState::Idle)/>
                </label>
                {form.offers_repair.then(|| view! {
                    <label class="check">
                        <input type="checkbox" data-testid="setup-repair"
                            on:change=move |event| {
                                repair.set(event_target_checked(&event));
                                state.set(UploadState::Idle);
                            }/>
                        <span>{ui_text(|t| t.setup.repair)}</span>
                    </label>
                })}
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms_send_their_options_in_the_query() {
        assert_eq!(import_url("villages", false, false), "/api/v1/imports/villages");
        assert_eq!(import_url("reorganisation", true, false), "/api/v1/imports/reorganisation?dry_run=true");
        assert_eq!(import_url("boundaries", true, true), "/api/v1/imports/boundaries?dry_run=true&repair=true");
        assert_eq!(import_url("boundaries", false, true), "/api/v1/imports/boundaries?repair=true");
    }

    #[test]
    fn every_form_has_its_words_and_an_anchor_of_its_own() {
        for texts in [&crate::i18n::setup::VI, &crate::i18n::setup::EN] {
            assert!(texts.columns.iter().chain(texts.kinds.iter()).all(|text| !text.is_empty()));
        }
        let anchors: std::collections::BTreeSet<_> = FORMS.iter().map(|form| form.anchor).collect();
        assert_eq!(anchors.len(), FORMS.len());
    }
}
