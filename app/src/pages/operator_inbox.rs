//! The operator's inbox on `/nha-mang`: the disagreements between what it declares and what
//! phones measured, each with its evidence, age and answer; a telecom account answers them
//! (acknowledged, will fix by a date, disagree with a reason, fixed with a new declaration) and
//! re-confirms declarations over a year old with one click. Admins and officers see the same
//! lists without the forms.
//!
//! It talks to the REST routes (`/api/v1/coverage/...`), the same ones operators' systems use,
//! with the browser session as credentials; every write reloads the lists.

use super::api_client::{get_json, post_json, CallFailure};
use crate::i18n::fill;
use crate::model::Role;
use crate::{ui_text, use_texts};
use leptos::prelude::*;
use leptos::task::spawn_local;
use serde::Deserialize;

/// A disagreement as the inbox shows it (the fields it needs of the API's comparison).
#[derive(Clone, Debug, PartialEq, Deserialize)]
struct Disagreement {
    village_code: String,
    village: String,
    operator: String,
    declared_technology: Option<String>,
    declared_quality: Option<String>,
    declared_at: Option<String>,
    samples: i64,
    days: i64,
    phones: i64,
    median_quality: String,
    age_days: Option<i64>,
    answer: Option<AnswerShown>,
    overdue: bool,
}

#[derive(Clone, Debug, PartialEq, Deserialize)]
struct AnswerShown {
    answer: String,
    fix_by: Option<String>,
    reason: Option<String>,
    answered_at: String,
}

/// A declaration over a year old.
#[derive(Clone, Debug, PartialEq, Deserialize)]
struct StaleClaim {
    report_id: i64,
    village: String,
    operator: String,
    technology: String,
    quality: String,
    reported_at: String,
    confirmed_at: Option<String>,
}

/// The inbox's shared state: a counter bumped after each write (the lists reload on it) and the
/// last write's outcome.
#[derive(Clone, Copy)]
struct Inbox {
    generation: RwSignal<u32>,
    outcome: RwSignal<Option<Result<(), String>>>,
}

impl Inbox {
    fn write(self, url: String, body: serde_json::Value) {
        spawn_local(async move {
            let result = post_json::<_, serde_json::Value>(&url, &body).await.map(|_| ());
            self.outcome.set(Some(result.map_err(|failure| refusal(&failure))));
            self.generation.update(|generation| *generation += 1);
        });
    }
}

/// The server's reason for a refused write (its message), or the status.
fn refusal(failure: &CallFailure) -> String {
    match failure {
        CallFailure::Status(status, body) => serde_json::from_str::<serde_json::Value>(body)
            .ok()
            .and_then(|json| json["error"]["message"].as_str().map(str::to_owned))
            .unwrap_or_else(|| format!("HTTP {status}")),
        other => format!("{other:?}"),
    }
}

/// The date part of a stored moment.
fn day(moment: &str) -> String {
    moment.get(..10).unwrap_or(moment).to_owned()
}

/// Both lists, for any account the operators' page admits; the forms for telecom accounts only.
#[component]
pub fn OperatorInbox(role: Role) -> impl IntoView {
    let inbox = Inbox { generation: RwSignal::new(0), outcome: RwSignal::new(None) };
    let answers = role == Role::Telecom;
    // Declarations are re-confirmed by operators; admins see them too, officers do not.
    let sees_claims = role.can(crate::model::Capability::ReportCoverage);
    let disagreements = LocalResource::new(move || {
        inbox.generation.track();
        get_json::<Vec<Disagreement>>("/api/v1/coverage/disagreements")
    });
    let stale = LocalResource::new(move || {
        inbox.generation.track();
        async move {
            if sees_claims {
                get_json::<Vec<StaleClaim>>("/api/v1/coverage/stale-claims").await
            } else {
                Ok(Vec::new())
            }
        }
    });
    let texts = use_texts();
    // The lists are fetched by the browser: drawn only once the page is hydrated, so the server's
    // page and the browser's first render agree (an effect never runs on the server).
    let hydrated = RwSignal::new(false);
    Effect::new(move |_| hydrated.set(true));
    view! {
        <section class="inbox" data-testid="operator-inbox">
            <h3>{ui_text(|t| t.inbox.title)}</h3>
            <p class="hint">{ui_text(|t| t.inbox.intro)}</p>
            <p role="status" class="notice" data-testid="inbox-outcome">
                {move || match inbox.outcome.get() {
                    Some(Ok(())) => texts.get().inbox.saved.to_owned(),
                    Some(Err(detail)) => fill(texts.get().inbox.refused, "detail", detail),
                    None => String::new(),
                }}
            </p>
            <Show when=move || hydrated.get()>
            <Suspense fallback=move || view! { <p>{ui_text(|t| t.loading)}</p> }>
                {move || Suspend::new(async move {
                    match disagreements.await {
                        Ok(rows) if rows.is_empty() => view! { <p>{ui_text(|t| t.inbox.none)}</p> }.into_any(),
                        Ok(rows) => view! { <DisagreementTable rows answers inbox/> }.into_any(),
                        Err(_) => view! { <p role="alert">{ui_text(|t| t.inbox.load_failed)}</p> }.into_any(),
                    }
                })}
            </Suspense>
            </Show>
            <Show when=move || sees_claims && hydrated.get()>
                <h3>{ui_text(|t| t.inbox.stale_title)}</h3>
                <Suspense fallback=move || view! { <p>{ui_text(|t| t.loading)}</p> }>
                    {move || Suspend::new(async move {
                        match stale.await {
                            Ok(rows) if rows.is_empty() => {
                                view! { <p>{ui_text(|t| t.inbox.stale_none)}</p> }.into_any()
                            }
                            Ok(rows) => view! { <StaleTable rows answers inbox/> }.into_any(),
                            Err(_) => view! { <p role="alert">{ui_text(|t| t.inbox.load_failed)}</p> }.into_any(),
                        }
                    })}
                </Suspense>
            </Show>
        </section>
    }
}

#[component]
fn DisagreementTable(rows: Vec<Disagreement>, answers: bool, inbox: Inbox) -> impl IntoView {
    let texts = use_texts();
    view! {
        <table class="problems" data-testid="disagreements">
            <thead>
                <tr>
                    <th scope="col">{ui_text(|t| t.inbox.village)}</th>
                    <th scope="col">{ui_text(|t| t.inbox.operator)}</th>
                    <th scope="col">{ui_text(|t| t.inbox.declared)}</th>
                    <th scope="col">{ui_text(|t| t.inbox.measured)}</th>
                    <th scope="col">{ui_text(|t| t.inbox.age)}</th>
                    <th scope="col">{ui_text(|t| t.inbox.answer)}</th>
                </tr>
            </thead>
            <tbody>
                {rows
                    .into_iter()
                    .map(|row| {
                        let t = texts.get_untracked();
                        let declared = format!(
                            "{} {} ({})",
                            row.declared_technology.clone().unwrap_or_default(),
                            t.quality(row.declared_quality.as_deref().unwrap_or("none")),
                            day(row.declared_at.as_deref().unwrap_or_default()),
                        );
                        let measured = fill(
                            &fill(
                                &fill(&fill(t.inbox.measured_summary, "quality", t.quality(&row.median_quality)), "samples", row.samples),
                                "days",
                                row.days,
                            ),
                            "phones",
                            row.phones,
                        );
                        let age = row.age_days.map(|days| fill(t.inbox.age_days, "days", days)).unwrap_or_default();
                        let answered = match &row.answer {
                            Some(answer) => format!(
                                "{} {} {} ({})",
                                t.inbox.answer_name(&answer.answer),
                                answer.fix_by.clone().unwrap_or_default(),
                                answer.reason.clone().unwrap_or_default(),
                                day(&answer.answered_at),
                            ),
                            None => t.inbox.unanswered.to_owned(),
                        };
                        let url = format!("/api/v1/coverage/disagreements/{}/{}/answers", row.village_code, row.operator);
                        let technology = row.declared_technology.clone().unwrap_or_else(|| "4G".to_owned());
                        view! {
                            <tr data-testid="disagreement" data-village=row.village_code.clone()>
                                <td>{row.village.clone()}</td>
                                <td>{row.operator.clone()}</td>
                                <td>{declared}</td>
                                <td>{measured}</td>
                                <td>
                                    {age}
                                    {row.overdue.then(|| view! { " " <span class="badge badge--rejected">{t.inbox.overdue}</span> })}
                                </td>
                                <td>
                                    <p>{answered}</p>
                                    {answers.then(|| view! { <AnswerForm url technology inbox/> })}
                                </td>
                            </tr>
                        }
                    })
                    .collect_view()}
            </tbody>
        </table>
    }
}

/// One answer: its kind, and the field that kind needs (date, reason, or new quality).
#[component]
fn AnswerForm(url: String, technology: String, inbox: Inbox) -> impl IntoView {
    let kind = RwSignal::new("acknowledged".to_owned());
    let fix_by = RwSignal::new(String::new());
    let reason = RwSignal::new(String::new());
    let quality = RwSignal::new("good".to_owned());
    let send = move |_| {
        let kind = kind.get_untracked();
        let text = |value: String| (!value.trim().is_empty()).then_some(value);
        let mut body = serde_json::json!({"answer": kind, "reason": text(reason.get_untracked())});
        match kind.as_str() {
            "will_fix" => body["fix_by"] = serde_json::json!(fix_by.get_untracked()),
            "fixed" => {
                body["technology"] = serde_json::json!(technology.clone());
                body["quality"] = serde_json::json!(quality.get_untracked());
            }
            _ => {}
        }
        inbox.write(url.clone(), body);
    };
    let choice = |code: &'static str, name: fn(&crate::i18n::Texts) -> &'static str| {
        view! { <option value=code>{ui_text(name)}</option> }
    };
    view! {
        <form class="form form--inline" on:submit=|event| event.prevent_default()>
            <select data-testid="answer-kind" on:change=move |event| kind.set(event_target_value(&event))>
                {choice("acknowledged", |t| t.inbox.acknowledged)}
                {choice("will_fix", |t| t.inbox.will_fix)}
                {choice("disagree", |t| t.inbox.disagree)}
                {choice("fixed", |t| t.inbox.fixed)}
            </select>
            <Show when=move || kind.get() == "will_fix">
                <label class="field">
                    <span>{ui_text(|t| t.inbox.fix_by)}</span>
                    <input type="date" on:input=move |event| fix_by.set(event_target_value(&event))/>
                </label>
            </Show>
            <Show when=move || kind.get() == "fixed">
                <label class="field">
                    <span>{ui_text(|t| t.inbox.new_quality)}</span>
                    <select on:change=move |event| quality.set(event_target_value(&event))>
                        {choice("good", |t| t.quality_good)}
                        {choice("fair", |t| t.quality_fair)}
                        {choice("weak", |t| t.quality_weak)}
                        {choice("none", |t| t.quality_none)}
                    </select>
                </label>
            </Show>
            <label class="field">
                <span>{ui_text(|t| t.inbox.reason)}</span>
                <input type="text" maxlength="2000" on:input=move |event| reason.set(event_target_value(&event))/>
            </label>
            <button type="button" class="button" data-testid="send-answer" on:click=send>
                {ui_text(|t| t.inbox.send)}
            </button>
        </form>
    }
}

#[component]
fn StaleTable(rows: Vec<StaleClaim>, answers: bool, inbox: Inbox) -> impl IntoView {
    let texts = use_texts();
    view! {
        <table class="problems" data-testid="stale-claims">
            <thead>
                <tr>
                    <th scope="col">{ui_text(|t| t.inbox.village)}</th>
                    <th scope="col">{ui_text(|t| t.inbox.operator)}</th>
                    <th scope="col">{ui_text(|t| t.inbox.declared)}</th>
                    <th scope="col">{ui_text(|t| t.inbox.last_confirmed)}</th>
                    <th scope="col"></th>
                </tr>
            </thead>
            <tbody>
                {rows
                    .into_iter()
                    .map(|row| {
                        let t = texts.get_untracked();
                        let declared = format!("{} {}", row.technology, t.quality(&row.quality));
                        let last = day(row.confirmed_at.as_deref().unwrap_or(&row.reported_at));
                        let url = format!("/api/v1/coverage-reports/{}/confirm", row.report_id);
                        view! {
                            <tr data-testid="stale-claim">
                                <td>{row.village.clone()}</td>
                                <td>{row.operator.clone()}</td>
                                <td>{declared}</td>
                                <td>{last}</td>
                                <td>
                                    {answers.then(|| {
                                        let url = url.clone();
                                        view! {
                                            <button type="button" class="button button--secondary" data-testid="confirm-claim"
                                                on:click=move |_| inbox.write(url.clone(), serde_json::json!({}))>
                                                {ui_text(|t| t.inbox.confirm)}
                                            </button>
                                        }
                                    })}
                                </td>
                            </tr>
                        }
                    })
                    .collect_view()}
            </tbody>
        </table>
    }
}
