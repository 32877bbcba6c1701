//! The operators' page: upload a Wi-Fi or coverage CSV, check it (dry run) and import it, with the
//! upload's progress and every problem of a rejected file by line.
//!
//! It talks to the REST import routes (`/api/v1/imports/...`), the same ones operators' systems
//! use, with the browser session as credentials. The setup page sends its reference-data files
//! the same way and shows their answers with [`UploadResult`].

use crate::model::Capability;
use crate::{ui_text, use_texts};
use leptos::html::Input;
use leptos::prelude::*;
use serde::Deserialize;

/// Which import a file goes to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Wifi,
    Coverage,
    CoverageAreas,
}

impl Kind {
    fn route(self) -> &'static str {
        match self {
            Kind::Wifi => "/api/v1/imports/wifi",
            Kind::Coverage => "/api/v1/imports/coverage",
            Kind::CoverageAreas => "/api/v1/imports/coverage-areas",
        }
    }

    /// The value of the kind picker's option.
    fn value(self) -> &'static str {
        match self {
            Kind::Wifi => "wifi",
            Kind::Coverage => "coverage",
            Kind::CoverageAreas => "coverage-areas",
        }
    }

    #[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
    fn content_type(self) -> &'static str {
        match self {
            Kind::Wifi | Kind::Coverage => "text/csv",
            Kind::CoverageAreas => "application/geo+json",
        }
    }

    /// What the file picker offers.
    fn accept(self) -> &'static str {
        match self {
            // The server reads the format from the file itself (`domain::tabular`).
            Kind::Wifi | Kind::Coverage => {
                ".csv,.tsv,.txt,.xlsx,.xls,.ods,text/csv,text/plain,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,application/vnd.ms-excel,application/vnd.oasis.opendocument.spreadsheet"
            }
            Kind::CoverageAreas => ".geojson,.json,application/geo+json,application/json",
        }
    }
}

/// One problem of a rejected file, as the API reports it: by line (CSV) or feature index (GeoJSON).
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct Problem {
    #[serde(default)]
    pub line: Option<u64>,
    #[serde(default)]
    pub feature: Option<u64>,
    pub message: String,
    /// The same problem in Vietnamese (the API sends both).
    #[serde(default)]
    pub message_vi: String,
}

impl Problem {
    /// Where the problem is, as the table shows it: the line, `#index` of a feature, or a dash
    /// for the whole file.
    fn place(&self) -> String {
        match (self.line, self.feature) {
            (Some(line), _) => line.to_string(),
            (None, Some(feature)) => format!("#{feature}"),
            (None, None) => "—".to_owned(),
        }
    }

    /// The problem in the page's language (English when no Vietnamese was sent).
    fn message_in(&self, locale: crate::i18n::Locale) -> &str {
        match locale {
            crate::i18n::Locale::Vi if !self.message_vi.is_empty() => &self.message_vi,
            _ => &self.message,
        }
    }
}

/// A new account and its one-time password, as a reference-data import of accounts answers.
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub(crate) struct SheetLine {
    pub(crate) username: String,
    pub(crate) display_name: String,
    pub(crate) password: String,
}

/// A count that an import of administrative units answers besides its rows, each with its words
/// (`SetupTexts::unit_counts`, in this order).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum UnitCount {
    Created,
    Updated,
    Pending,
    Repaired,
    Ended,
    Moved,
    AccountsRescoped,
    AlreadyApplied,
}

/// Where an upload stands. (Only the browser uploads; the server renders the idle form.)
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
pub(crate) enum UploadState {
    Idle,
    Uploading(u32),
    Checking,
    Accepted {
        /// Lines of a table, or features of a GeoJSON file (`of_features`).
        rows: u64,
        of_features: bool,
        dry_run: bool,
        /// Created, updated and unchanged records, when the import tells them apart.
        counts: Option<[u64; 3]>,
        /// What a boundary or reorganisation import did to the units.
        unit_counts: Vec<(UnitCount, u64)>,
        /// New accounts' one-time passwords, for the sign-in sheet.
        sheet: Vec<SheetLine>,
    },
    Rejected(Vec<Problem>),
    Failed(String),
}

/// Reads the import API's answer: `{rows, dry_run}` (`features` for boundaries) or
/// `{error: {message, problems}}`.
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
fn read_answer(status: u16, body: &str) -> UploadState {
    #[derive(Deserialize)]
    struct Outcome {
        rows: Option<u64>,
        features: Option<u64>,
        dry_run: bool,
        created: Option<u64>,
        updated: Option<u64>,
        unchanged: Option<u64>,
        #[serde(default)]
        sign_in_sheet: Vec<SheetLine>,
        // A boundary import's own counts.
        pending: Option<u64>,
        #[serde(default)]
        repaired: Vec<serde_json::Value>,
        // A reorganisation's own counts.
        ended: Option<u64>,
        moved: Option<u64>,
        accounts_rescoped: Option<u64>,
        already_applied: Option<u64>,
    }
    impl Outcome {
        fn unit_counts(&self) -> Vec<(UnitCount, u64)> {
            let repaired = Some(self.repaired.len() as u64);
            let counts = if self.features.is_some() {
                vec![
                    (UnitCount::Created, self.created),
                    (UnitCount::Updated, self.updated),
                    (UnitCount::Pending, self.pending),
                    (UnitCount::Repaired, repaired),
                ]
            } else if self.ended.is_some() {
                vec![
                    (UnitCount::Ended, self.ended),
                    (UnitCount::Created, self.created),
                    (UnitCount::Moved, self.moved),
                    (UnitCount::AccountsRescoped, self.accounts_rescoped),
                    (UnitCount::AlreadyApplied, self.already_applied),
                ]
            } else {
                Vec::new()
            };
            counts.into_iter().filter_map(|(count, value)| Some(count).zip(value)).collect()
        }
    }
    if (200..300).contains(&status) {
        return match serde_json::from_str::<Outcome>(body) {
            Ok(outcome) => UploadState::Accepted {
                rows: outcome.rows.or(outcome.features).unwrap_or(0),
                of_features: outcome.rows.is_none() && outcome.features.is_some(),
                dry_run: outcome.dry_run,
                counts: outcome.created.zip(outcome.updated).zip(outcome.unchanged).map(|((c, u), n)| [c, u, n]),
                unit_counts: outcome.unit_counts(),
                sheet: outcome.sign_in_sheet,
            },
            Err(error) => UploadState::Failed(error.to_string()),
        };
    }
    match serde_json::from_str::<super::api_client::ErrorAnswer<Problem>>(body) {
        Ok(answer) if !answer.error.problems.is_empty() => UploadState::Rejected(answer.error.problems),
        Ok(answer) => UploadState::Failed(answer.error.message),
        Err(_) => UploadState::Failed(format!("HTTP {status}")),
    }
}

/// Sends the file with XMLHttpRequest, whose upload events give the progress that `fetch` cannot.
#[cfg(feature = "hydrate")]
pub(crate) fn send_file(url: String, content_type: &str, file: web_sys::File, state: RwSignal<UploadState>) {
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::JsCast;

    let failed = |message: &str| state.set(UploadState::Failed(message.to_owned()));
    let Ok(request) = web_sys::XmlHttpRequest::new() else { return failed("XMLHttpRequest") };
    if request.open_with_async("POST", &url, true).is_err()
        || request.set_request_header("Content-Type", content_type).is_err()
    {
        return failed("XMLHttpRequest.open");
    }
    if let Ok(upload) = request.upload() {
        let on_progress = Closure::<dyn Fn(web_sys::ProgressEvent)>::new(move |event: web_sys::ProgressEvent| {
            if event.length_computable() && event.total() > 0.0 {
                let percent = (100.0 * event.loaded() / event.total()).round() as u32;
                state.set(if percent >= 100 { UploadState::Checking } else { UploadState::Uploading(percent) });
            }
        });
        upload.set_onprogress(Some(on_progress.as_ref().unchecked_ref()));
        // The handler must live as long as the request; it is small and freed with the page.
        on_progress.forget();
    }
    let finished = request.clone();
    let on_load = Closure::once_into_js(move || {
        let body = finished.response_text().ok().flatten().unwrap_or_default();
        state.set(read_answer(finished.status().unwrap_or(0), &body));
    });
    request.set_onload(Some(on_load.unchecked_ref()));
    let on_error = Closure::once_into_js(move || state.set(UploadState::Failed("network".to_owned())));
    request.set_onerror(Some(on_error.unchecked_ref()));
    state.set(UploadState::Uploading(0));
    if request.send_with_opt_blob(Some(&file)).is_err() {
        failed("XMLHttpRequest.send");
    }
}

#[component]
pub fn OperatorUploadPage() -> impl IntoView {
    view! {
        <section class="page page--wide">
            <h2>{ui_text(|t| t.operator_page_title)}</h2>
            // Those who keep Wi-Fi current: operators' staff, officers, admins.
            <super::account::Allowed capability=Capability::EditWifi page=|user| view! {
                <UploadForm/>
                <super::operator_inbox::OperatorInbox role=user.role/>
            }/>
        </section>
    }
}

#[component]
fn UploadForm() -> impl IntoView {
    let texts = use_texts();
    let kind = RwSignal::new(Kind::Wifi);
    let state = RwSignal::new(UploadState::Idle);
    let file_input = NodeRef::<Input>::new();
    let busy = move || matches!(state.get(), UploadState::Uploading(_) | UploadState::Checking);
    let start = move |dry_run: bool| {
        let url = format!("{}{}", kind.get_untracked().route(), if dry_run { "?dry_run=true" } else { "" });
        let file = file_input.get_untracked().and_then(|input| input.files()).and_then(|files| files.get(0));
        match file {
            None => state.set(UploadState::Failed(texts.get_untracked().no_file.to_owned())),
            #[cfg(feature = "hydrate")]
            Some(file) => {
                // The browser's type for the file when it knows one (an XLSX is not text/csv).
                let declared = file.type_();
                let content_type =
                    if declared.is_empty() { kind.get_untracked().content_type().to_owned() } else { declared };
                send_file(url, &content_type, file, state)
            }
            #[cfg(not(feature = "hydrate"))]
            Some(_) => {
                let _ = url;
            }
        }
    };
    let columns = move || match kind.get() {
        Kind::Wifi => texts.get().columns_wifi,
        Kind::Coverage => texts.get().columns_coverage,
        Kind::CoverageAreas => texts.get().columns_coverage_areas,
    };

    view! {
        <form class="form" on:submit=|event| event.prevent_default()>
            <label class="field">
                <span>{ui_text(|t| t.upload_kind)}</span>
                <select data-testid="upload-kind" on:change=move |event| {
                    let chosen = event_target_value(&event);
                    let all = [Kind::Wifi, Kind::Coverage, Kind::CoverageAreas];
                    kind.set(all.into_iter().find(|kind| kind.value() == chosen).unwrap_or(Kind::Wifi));
                    state.set(UploadState::Idle);
                }>
                    <option value=Kind::Wifi.value()>{ui_text(|t| t.upload_kind_wifi)}</option>
                    <option value=Kind::Coverage.value()>{ui_text(|t| t.upload_kind_coverage)}</option>
                    <option value=Kind::CoverageAreas.value()>{ui_text(|t| t.upload_kind_coverage_areas)}</option>
                </select>
            </label>
            <p class="hint">{columns}</p>
            <label class="field">
                <span>{ui_text(|t| t.choose_file)}</span>
                <input type="file" accept=move || kind.get().accept() data-testid="upload-file" node_ref=file_input
                    on:change=move |_| state.set(UploadState::Idle)/>
            </label>
            <div class="button-row">
                <button type="button" class="button button--secondary" data-testid="check-file" disabled=busy
                    on:click=move |_| start(true)>
                    {ui_text(|t| t.check_file)}
                </button>
                <button type="button" class="button" data-testid="import-file" disabled=busy
                    on:click=move |_| start(false)>
                    {ui_text(|t| t.import_file)}
                </button>
            </div>
        </form>
        <UploadResult state/>
    }
}

#[component]
pub(crate) fn UploadResult(state: RwSignal<UploadState>) -> impl IntoView {
    let texts = use_texts();
    let locale = expect_context::<crate::LocaleContext>().0;
    move || {
        let texts = texts.get();
        let locale = locale.get();
        match state.get() {
            UploadState::Idle => ().into_any(),
            UploadState::Uploading(percent) => view! {
                <div class="upload-status" role="status" data-testid="upload-status">
                    <progress max="100" value=percent></progress>
                    <span>{texts.uploading_percent.replace("{percent}", &percent.to_string())}</span>
                </div>
            }
            .into_any(),
            UploadState::Checking => view! {
                <div class="upload-status" role="status" data-testid="upload-status">
                    <progress></progress>
                    <span>{texts.checking}</span>
                </div>
            }
            .into_any(),
            UploadState::Accepted { rows, of_features, dry_run, counts, unit_counts, sheet } => {
                let template = match (of_features, dry_run) {
                    (false, true) => texts.rows_valid,
                    (false, false) => texts.rows_imported,
                    (true, true) => texts.setup.features_valid,
                    (true, false) => texts.setup.features_imported,
                };
                let counts = counts.map(|[created, updated, unchanged]| {
                    let counts = crate::i18n::fill(texts.setup.counts, "created", created);
                    crate::i18n::fill(&crate::i18n::fill(&counts, "updated", updated), "unchanged", unchanged)
                });
                let unit_counts = unit_counts
                    .into_iter()
                    .map(|(count, value)| format!("{}: {value}", texts.setup.unit_counts[count as usize]))
                    .collect::<Vec<_>>()
                    .join(" · ");
                view! {
                    <p class="notice notice--ok" role="status" data-testid="upload-result">
                        {template.replace("{rows}", &rows.to_string())} " " {counts} {unit_counts}
                    </p>
                    {(!sheet.is_empty()).then(|| view! { <SignInSheet lines=sheet/> })}
                }
                .into_any()
            }
            UploadState::Rejected(problems) => view! {
                <div class="upload-problems" role="alert" data-testid="upload-problems">
                    <p class="notice notice--error">
                        {texts.file_rejected.replace("{count}", &problems.len().to_string())}
                    </p>
                    <table class="problems">
                        <thead>
                            <tr><th scope="col">{texts.line_or_feature}</th><th scope="col">{texts.problem}</th></tr>
                        </thead>
                        <tbody>
                            {problems
                                .into_iter()
                                .map(|problem| {
                                    let message = problem.message_in(locale).to_owned();
                                    view! { <tr><td>{problem.place()}</td><td>{message}</td></tr> }
                                })
                                .collect_view()}
                        </tbody>
                    </table>
                </div>
            }
            .into_any(),
            UploadState::Failed(message) => view! {
                <p class="notice notice--error" role="alert" data-testid="upload-result">
                    {format!("{} ({message})", texts.load_failed)}
                </p>
            }
            .into_any(),
        }
    }
}

/// New accounts with their one-time passwords, to print and hand out.
#[component]
pub(crate) fn SignInSheet(lines: Vec<SheetLine>) -> impl IntoView {
    let texts = use_texts();
    let print = move |_| {
        #[cfg(feature = "hydrate")]
        {
            // Printing is offered, not required: the sheet stays on screen either way.
            let _ = window().print();
        }
    };
    view! {
        <section class="sign-in-sheet" data-testid="sign-in-sheet">
            <h3>{move || texts.get().setup.sign_in_sheet}</h3>
            <p class="hint">{move || texts.get().setup.sign_in_sheet_note}</p>
            <table class="problems">
                <thead>
                    <tr>
                        <th scope="col">{move || texts.get().username}</th>
                        <th scope="col">{move || texts.get().setup.full_name}</th>
                        <th scope="col">{move || texts.get().password}</th>
                    </tr>
                </thead>
                <tbody>
                    {lines
                        .into_iter()
                        .map(|line| view! {
                            <tr><td>{line.username}</td><td>{line.display_name}</td><td><code>{line.password}</code></td></tr>
                        })
                        .collect_view()}
                </tbody>
            </table>
            <button type="button" class="button button--secondary" on:click=print>
                {move || texts.get().setup.print}
            </button>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn import_answers_become_states() {
        assert_eq!(
            read_answer(200, r#"{"rows":3,"dry_run":true}"#),
            UploadState::Accepted {
                rows: 3,
                of_features: false,
                dry_run: true,
                counts: None,
                unit_counts: Vec::new(),
                sheet: Vec::new()
            }
        );
        let reorganisation = r#"{"rows":24,"dry_run":true,"ended":24,"created":6,"moved":120,
            "accounts_rescoped":3,"already_applied":0}"#;
        let UploadState::Accepted { unit_counts, counts, .. } = read_answer(200, reorganisation) else {
            panic!("accepted")
        };
        assert_eq!(counts, None);
        assert_eq!(
            unit_counts,
            [
                (UnitCount::Ended, 24),
                (UnitCount::Created, 6),
                (UnitCount::Moved, 120),
                (UnitCount::AccountsRescoped, 3),
                (UnitCount::AlreadyApplied, 0)
            ]
        );
        let boundaries = r#"{"features":6,"dry_run":false,"created":0,"updated":6,"pending":0,
            "repaired":[{"feature":2,"code":"15187","summary":"ring 1 crossed itself"}]}"#;
        let UploadState::Accepted { rows, of_features, unit_counts, .. } = read_answer(200, boundaries) else {
            panic!("accepted")
        };
        assert_eq!((rows, of_features), (6, true));
        assert_eq!(
            unit_counts,
            [(UnitCount::Created, 0), (UnitCount::Updated, 6), (UnitCount::Pending, 0), (UnitCount::Repaired, 1)]
        );
        let accounts = r#"{"rows":1,"dry_run":false,"created":1,"updated":0,"unchanged":0,
            "sign_in_sheet":[{"username":"tcn.01","display_name":"B","password":"abcdefghijkmnopq"}]}"#;
        let UploadState::Accepted { counts, sheet, .. } = read_answer(200, accounts) else { panic!("accepted") };
        assert_eq!((counts, sheet.len()), (Some([1, 0, 0]), 1));
        let rejected = r#"{"error":{"code":"invalid_file","message":"x","problems":[{"line":4,"message":"bad"}]}}"#;
        assert_eq!(
            read_answer(422, rejected),
            UploadState::Rejected(vec![Problem {
                line: Some(4),
                feature: None,
                message: "bad".into(),
                message_vi: String::new()
            }])
        );
        assert_eq!(
            read_answer(403, r#"{"error":{"code":"forbidden","message":"no"}}"#),
            UploadState::Failed("no".into())
        );
        assert_eq!(read_answer(502, "<html>"), UploadState::Failed("HTTP 502".into()));
    }
}
