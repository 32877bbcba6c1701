//! Disagreements between what operators declare and what phones measured, counted per commune
//! and operator (with how many are overdue): what a leader takes to the operators' meeting.
//! Loaded in the browser from `GET /api/v1/coverage/disagreements/summary`.

use crate::pages::api_client::get_json;
use crate::ui_text;
use leptos::prelude::*;
use serde::Deserialize;

#[derive(Clone, Debug, PartialEq, Deserialize)]
struct Count {
    commune: Option<String>,
    operator: String,
    disagreements: i64,
    overdue: i64,
}

#[component]
pub(super) fn DisagreementCounts() -> impl IntoView {
    let counts = LocalResource::new(|| get_json::<Vec<Count>>("/api/v1/coverage/disagreements/summary"));
    view! {
        <h3>{ui_text(|t| t.inbox.title)}</h3>
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match counts.await {
                    Ok(rows) if rows.is_empty() => view! { <p class="hint">{ui_text(|t| t.inbox.none)}</p> }.into_any(),
                    Ok(rows) => view! {
                        <table class="problems" data-testid="disagreement-counts">
                            <thead>
                                <tr>
                                    <th scope="col">{ui_text(|t| t.inbox.commune)}</th>
                                    <th scope="col">{ui_text(|t| t.inbox.operator)}</th>
                                    <th scope="col">{ui_text(|t| t.inbox.disagreements)}</th>
                                    <th scope="col">{ui_text(|t| t.inbox.overdue)}</th>
                                </tr>
                            </thead>
                            <tbody>
                                {rows
                                    .into_iter()
                                    .map(|row| view! {
                                        <tr>
                                            <td>{row.commune.unwrap_or_default()}</td>
                                            <td>{row.operator}</td>
                                            <td>{row.disagreements}</td>
                                            <td>{row.overdue}</td>
                                        </tr>
                                    })
                                    .collect_view()}
                            </tbody>
                        </table>
                    }
                    .into_any(),
                    Err(_) => view! { <p role="alert">{ui_text(|t| t.inbox.load_failed)}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}
