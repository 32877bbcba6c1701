//! The quarterly report to the district People's Committee (seed §VI.1): an XLSX laid out like
//! the plan's appendix (indicator, targets 2025/2026, actual, owning office, coordinating units)
//! with one sheet per commune, and the same figures as CSV.

use super::error::ErrorBody;
use super::exports::{csv_download, download};
use super::indicators::{year_of, YearQuery};
use super::ApiError;
use crate::auth::{signed_in, Caller};
use app::domain::indicators;
use app::domain::{Db, StoreError};
use app::indicators::{IndicatorStatus, Source};
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::response::Response;
use axum::Extension;
use rust_xlsxwriter::{Format, FormatAlign, FormatBorder, Workbook, Worksheet, XlsxError};
use serde::Serialize;

fn xlsx_failed(error: XlsxError) -> ApiError {
    ApiError::Store(StoreError::Invalid(format!("cannot write the XLSX report: {error}")))
}

/// One row of the CSV: an indicator in a commune (or `*`, the caller's whole area).
#[derive(Serialize)]
struct FigureRow<'a> {
    year: i32,
    indicator: &'a str,
    indicator_name: &'a str,
    commune_code: &'a str,
    commune: &'a str,
    numerator: Option<f64>,
    denominator: Option<f64>,
    percent: Option<f64>,
    target: Option<f64>,
    gap: Option<f64>,
    period: Option<&'a str>,
    source: &'a str,
    owner: &'a str,
}

/// The caller's indicators for the year asked for.
async fn statuses_of(
    db: &Db,
    viewer: app::domain::access::Viewer,
    query: Result<Query<YearQuery>, QueryRejection>,
) -> Result<(i32, Vec<IndicatorStatus>), ApiError> {
    let principal = signed_in(viewer)?;
    let Query(query) = query?;
    let year = year_of(query)?;
    Ok((year, indicators::status(db, &principal, year).await?))
}

fn source_vi(source: Source) -> &'static str {
    match source {
        Source::Recorded => "Dữ liệu ghi nhận trên ứng dụng",
        Source::Entered => "Cán bộ xã nhập",
    }
}

fn rounded(percent: Option<f64>) -> Option<f64> {
    percent.map(|value| (value * 10.0).round() / 10.0)
}

#[utoipa::path(get, path = "/api/v1/reports/indicators.csv", tag = "dashboard",
    params(("year" = Option<i32>, Query, description = "The plan year (default: this year)")),
    responses((status = 200, description = "CSV (UTF-8 with BOM): every indicator per commune and for the whole area (`*`)", content_type = "text/csv", body = String),
        (status = 400, description = "Malformed parameters", body = ErrorBody),
        (status = 401, description = "No valid session or token", body = ErrorBody),
        (status = 403, description = "Role does not read the dashboard", body = ErrorBody)),
    security(("session" = []), ("token" = [])))]
/// `GET /api/v1/reports/indicators.csv?year=2026`
pub async fn indicators_csv(
    State(db): State<Db>,
    Extension(Caller(viewer)): Extension<Caller>,
    query: Result<Query<YearQuery>, QueryRejection>,
) -> Result<Response, ApiError> {
    let (year, statuses) = statuses_of(&db, viewer, query).await?;
    let mut rows = Vec::new();
    for status in &statuses {
        let common =
            |commune_code, commune, actual: Option<app::indicators::Ratio>, percent, target, gap, period| FigureRow {
                year,
                indicator: status.indicator.as_str(),
                indicator_name: &status.name_vi,
                commune_code,
                commune,
                numerator: actual.map(|ratio| ratio.numerator),
                denominator: actual.map(|ratio| ratio.denominator),
                percent: rounded(percent),
                target,
                gap: rounded(gap),
                period,
                source: source_vi(status.source),
                owner: &status.owner,
            };
        rows.push(common("*", "Toàn địa bàn", status.actual, status.percent, status.target, status.gap, None));
        for figure in &status.communes {
            rows.push(common(
                &figure.commune_code,
                &figure.commune,
                figure.actual,
                figure.percent,
                status.target,
                figure.gap,
                figure.period.as_deref(),
            ));
        }
    }
    csv_download(&format!("chi-tieu-{year}.csv"), &rows)
}

#[utoipa::path(get, path = "/api/v1/reports/quarterly.xlsx", tag = "dashboard",
    params(("year" = Option<i32>, Query, description = "The plan year (default: this year)")),
    responses((status = 200, description = "XLSX: the appendix table with actuals, then one sheet per commune", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body = Vec<u8>),
        (status = 400, description = "Malformed parameters", body = ErrorBody),
        (status = 401, description = "No valid session or token", body = ErrorBody),
        (status = 403, description = "Role does not read the dashboard", body = ErrorBody)),
    security(("session" = []), ("token" = [])))]
/// `GET /api/v1/reports/quarterly.xlsx?year=2026`
pub async fn quarterly_xlsx(
    State(db): State<Db>,
    Extension(Caller(viewer)): Extension<Caller>,
    query: Result<Query<YearQuery>, QueryRejection>,
) -> Result<Response, ApiError> {
    let (year, statuses) = statuses_of(&db, viewer, query).await?;
    let targets_2025 = indicators::area_targets(db.pool(), 2025).await?;
    let targets_2026 = indicators::area_targets(db.pool(), 2026).await?;
    let bytes = workbook(year, &statuses, &targets_2025, &targets_2026).map_err(xlsx_failed)?;
    Ok(download(
        &format!("bao-cao-binh-dan-hoc-vu-so-{year}.xlsx"),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        bytes,
    ))
}

/// A worksheet name Excel accepts: at most 31 characters, none of `[]:*?/\`.
fn sheet_name(name: &str) -> String {
    name.chars().filter(|c| !"[]:*?/\\".contains(*c)).take(31).collect()
}

fn header(sheet: &mut Worksheet, row: u32, titles: &[&str], format: &Format) -> Result<(), XlsxError> {
    for (column, title) in titles.iter().enumerate() {
        sheet.write_string_with_format(row, column as u16, *title, format)?;
    }
    Ok(())
}

fn write_optional(sheet: &mut Worksheet, row: u32, column: u16, value: Option<f64>) -> Result<(), XlsxError> {
    if let Some(value) = value {
        sheet.write_number(row, column, value)?;
    }
    Ok(())
}

fn workbook(
    year: i32,
    statuses: &[IndicatorStatus],
    targets_2025: &[(app::indicators::Indicator, Option<f64>)],
    targets_2026: &[(app::indicators::Indicator, Option<f64>)],
) -> Result<Vec<u8>, XlsxError> {
    let mut workbook = Workbook::new();
    let bold = Format::new().set_bold();
    let head = Format::new().set_bold().set_border(FormatBorder::Thin).set_align(FormatAlign::Center).set_text_wrap();
    let target_of = |targets: &[(app::indicators::Indicator, Option<f64>)], indicator| {
        targets.iter().find(|(known, _)| *known == indicator).and_then(|(_, target)| *target)
    };

    let sheet = workbook.add_worksheet().set_name(sheet_name(&format!("Chỉ tiêu {year}")))?;
    sheet.write_string_with_format(
        0,
        0,
        format!("Kết quả thực hiện các chỉ tiêu Phong trào “Bình dân học vụ số” năm {year}"),
        &bold,
    )?;
    header(
        sheet,
        2,
        &[
            "STT",
            "Chỉ tiêu",
            "Chỉ tiêu giao năm 2025 (%)",
            "Chỉ tiêu giao năm 2026 (%)",
            "Thực hiện (%)",
            "Tử số",
            "Mẫu số",
            "Đơn vị chủ trì",
            "Đơn vị phối hợp",
            "Nguồn số liệu",
        ],
        &head,
    )?;
    for (index, status) in statuses.iter().enumerate() {
        let row = 3 + index as u32;
        sheet.write_number(row, 0, (index + 1) as f64)?;
        sheet.write_string(row, 1, &status.name_vi)?;
        write_optional(sheet, row, 2, target_of(targets_2025, status.indicator))?;
        write_optional(sheet, row, 3, target_of(targets_2026, status.indicator))?;
        write_optional(sheet, row, 4, rounded(status.percent))?;
        write_optional(sheet, row, 5, status.actual.map(|ratio| ratio.numerator))?;
        write_optional(sheet, row, 6, status.actual.map(|ratio| ratio.denominator))?;
        sheet.write_string(row, 7, &status.owner)?;
        sheet.write_string(row, 8, &status.coordinating)?;
        sheet.write_string(row, 9, source_vi(status.source))?;
    }
    sheet.set_column_width(1, 60)?;
    sheet.set_column_width(7, 30)?;
    sheet.set_column_width(8, 40)?;
    sheet.set_column_width(9, 30)?;

    let communes: Vec<(String, String)> = statuses
        .first()
        .map(|status| status.communes.iter().map(|c| (c.commune_code.clone(), c.commune.clone())).collect())
        .unwrap_or_default();
    for (code, name) in communes {
        let sheet = workbook.add_worksheet().set_name(sheet_name(&name))?;
        sheet.write_string_with_format(0, 0, format!("{name} ({code}): chỉ tiêu năm {year}"), &bold)?;
        header(
            sheet,
            2,
            &[
                "STT",
                "Chỉ tiêu",
                "Mục tiêu (%)",
                "Thực hiện (%)",
                "Tử số",
                "Mẫu số",
                "Còn thiếu (điểm %)",
                "Kỳ báo cáo",
            ],
            &head,
        )?;
        for (index, status) in statuses.iter().enumerate() {
            let row = 3 + index as u32;
            let figure = status.communes.iter().find(|figure| figure.commune_code == code);
            sheet.write_number(row, 0, (index + 1) as f64)?;
            sheet.write_string(row, 1, &status.name_vi)?;
            write_optional(sheet, row, 2, status.target)?;
            write_optional(sheet, row, 3, rounded(figure.and_then(|f| f.percent)))?;
            write_optional(sheet, row, 4, figure.and_then(|f| f.actual).map(|ratio| ratio.numerator))?;
            write_optional(sheet, row, 5, figure.and_then(|f| f.actual).map(|ratio| ratio.denominator))?;
            write_optional(sheet, row, 6, rounded(figure.and_then(|f| f.gap)))?;
            if let Some(period) = figure.and_then(|f| f.period.as_deref()) {
                sheet.write_string(row, 7, period)?;
            }
        }
        sheet.set_column_width(1, 60)?;
    }
    workbook.save_to_buffer()
}

/// One row of the priority list's CSV.
#[derive(Serialize)]
struct PriorityRow {
    rank: usize,
    village_code: String,
    village: String,
    commune_code: String,
    commune: String,
    score: f64,
    /// The reasons in Vietnamese, separated by "; ".
    reasons: String,
    lon: Option<f64>,
    lat: Option<f64>,
}

#[utoipa::path(get, path = "/api/v1/reports/priorities.csv", tag = "dashboard",
    responses((status = 200, description = "CSV (UTF-8 with BOM): the villages to act on next, most urgent first, with their reasons", content_type = "text/csv", body = String),
        (status = 401, description = "No valid session or token", body = ErrorBody),
        (status = 403, description = "Role does not read the dashboard", body = ErrorBody)),
    security(("session" = []), ("token" = [])))]
/// `GET /api/v1/reports/priorities.csv`
pub async fn priorities_csv(
    State(db): State<Db>,
    Extension(Caller(viewer)): Extension<Caller>,
) -> Result<Response, ApiError> {
    let principal = signed_in(viewer)?;
    let texts = app::i18n::VI.dashboard;
    let rows: Vec<PriorityRow> = indicators::priorities(&db, &principal)
        .await?
        .into_iter()
        .enumerate()
        .map(|(index, village)| PriorityRow {
            rank: index + 1,
            reasons: village.reasons.iter().map(|reason| texts.reason(reason)).collect::<Vec<_>>().join("; "),
            score: (village.score * 100.0).round() / 100.0,
            village_code: village.village_code,
            village: village.village,
            commune_code: village.commune_code,
            commune: village.commune,
            lon: village.lon,
            lat: village.lat,
        })
        .collect();
    csv_download("uu-tien.csv", &rows)
}
