//! Disagreements between what operators declare and what phones measured, counted per commune
//! and operator (with how many are overdue): what a leader takes to the operators' meeting.
//! They come with the dashboard's own data, rendered on the server like the rest of the page.

use crate::dashboard_api::DisagreementLine;
use crate::ui_text;
use leptos::prelude::*;

#[component]
pub(super) fn DisagreementCounts(lines: Vec<DisagreementLine>) -> impl IntoView {
    view! {
        <h3>{ui_text(|t| t.inbox.title)}</h3>
        {if lines.is_empty() {
            view! { <p class="hint">{ui_text(|t| t.inbox.none)}</p> }.into_any()
        } else {
            view! {
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
                        {lines
                            .into_iter()
                            .map(|line| view! {
                                <tr>
                                    <td>{line.commune.unwrap_or_default()}</td>
                                    <td>{line.operator}</td>
                                    <td>{line.disagreements}</td>
                                    <td>{line.overdue}</td>
                                </tr>
                            })
                            .collect_view()}
                    </tbody>
                </table>
            }
            .into_any()
        }}
    }
}
