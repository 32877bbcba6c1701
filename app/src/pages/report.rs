//! The quarterly report as a printable page (`/bao-cao?year=`): the plan's appendix table with
//! this year's actuals, then one table per commune. The same figures as the XLSX download.

use super::dashboard::percent_text;
use crate::dashboard_api::load_dashboard;
use crate::indicators::{IndicatorStatus, Source};
use crate::{ui_text, use_texts};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

#[component]
pub fn ReportPage() -> impl IntoView {
    let texts = use_texts();
    let query = use_query_map();
    // The report of what the dashboard shows: the same year, quarter, area and boundaries.
    let asked = Memo::new(move |_| {
        query.with(|query| {
            let text = |name: &str| query.get(name).filter(|value| !value.is_empty());
            (
                text("year").and_then(|year| year.parse::<i32>().ok()),
                text("period"),
                text("unit"),
                text("today").as_deref() == Some("1"),
            )
        })
    });
    let data = Resource::new(
        move || asked.get(),
        |(year, period, unit, today)| load_dashboard(year, period, unit, Some(today)),
    );
    view! {
        <section class="page page--wide report" data-testid="report">
            <Suspense fallback=move || view! { <p class="hint">{ui_text(|t| t.dashboard.loading)}</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(dashboard) => view! {
                            <ReportBody year=dashboard.overview.year statuses=dashboard.overview.indicators plan=dashboard.plan_targets/>
                        }
                        .into_any(),
                        Err(error) => view! { <p class="notice notice--error">{move || texts.get().error(&error)}</p> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn ReportBody(year: i32, statuses: Vec<IndicatorStatus>, plan: Vec<(Option<f64>, Option<f64>)>) -> impl IntoView {
    let texts = use_texts();
    let communes: Vec<(String, String)> = statuses
        .first()
        .map(|status| status.communes.iter().map(|c| (c.commune_code.clone(), c.commune.clone())).collect())
        .unwrap_or_default();
    let rows = statuses
        .iter()
        .zip(plan)
        .enumerate()
        .map(|(index, (status, (target_2025, target_2026)))| {
            view! {
                <tr data-indicator=status.indicator.as_str()>
                    <td>{index + 1}</td>
                    <td>{status.name_vi.clone()}</td>
                    <td>{percent_text(target_2025)}</td>
                    <td>{percent_text(target_2026)}</td>
                    <td>{percent_text(status.percent)}</td>
                    <td>{status.owner.clone()}</td>
                    <td>{status.coordinating.clone()}</td>
                    <td>{match status.source { Source::Recorded => texts.get_untracked().dashboard.source_recorded, Source::Entered => texts.get_untracked().dashboard.source_entered }}</td>
                </tr>
            }
        })
        .collect_view();
    let per_commune = communes
        .into_iter()
        .map(|(code, name)| {
            let lines = statuses
                .iter()
                .map(|status| {
                    let figure = status.communes.iter().find(|figure| figure.commune_code == code).cloned();
                    view! {
                        <tr>
                            <td>{status.name_vi.clone()}</td>
                            <td>{percent_text(figure.as_ref().and_then(|f| f.target))}</td>
                            <td>{percent_text(figure.as_ref().and_then(|f| f.percent))}</td>
                            <td>{figure.as_ref().and_then(|f| f.gap).map(|gap| format!("{gap:.0}")).unwrap_or_else(|| "—".to_owned())}</td>
                            <td>{figure.and_then(|f| f.period).unwrap_or_default()}</td>
                        </tr>
                    }
                })
                .collect_view();
            view! {
                <section class="report__commune" data-commune=code.clone()>
                    <h3>{format!("{name} ({code})")}</h3>
                    <table class="problems">
                        <thead><tr><th>"Chỉ tiêu"</th><th>"Mục tiêu"</th><th>"Thực hiện"</th><th>"Còn thiếu (điểm %)"</th><th>"Kỳ báo cáo"</th></tr></thead>
                        <tbody>{lines}</tbody>
                    </table>
                </section>
            }
        })
        .collect_view();
    view! {
        <h2>{format!("Kết quả thực hiện các chỉ tiêu Phong trào “Bình dân học vụ số” năm {year}")}</h2>
        <p class="button-row report__actions">
            <a class="button-link" href=format!("/api/v1/reports/quarterly.xlsx?year={year}")>"XLSX"</a>
            <a class="button-link" href=format!("/api/v1/reports/indicators.csv?year={year}")>"CSV"</a>
            <a class="button-link" href=format!("/api/v1/reports/priorities.csv")>{ui_text(|t| t.dashboard.priorities_csv)}</a>
        </p>
        <div class="table-scroll">
            <table class="problems report__appendix" data-testid="report-appendix">
                <thead>
                    <tr>
                        <th>"STT"</th><th>"Chỉ tiêu"</th><th>"Chỉ tiêu giao năm 2025"</th><th>"Chỉ tiêu giao năm 2026"</th>
                        <th>{format!("Thực hiện năm {year}")}</th><th>"Đơn vị chủ trì"</th><th>"Đơn vị phối hợp"</th><th>"Nguồn số liệu"</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
        {per_commune}
    }
    .into_any()
}
