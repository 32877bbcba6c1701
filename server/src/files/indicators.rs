//! The leaders' files: the quarterly report to the People's Committee (seed §VI.1), an XLSX laid
//! out like the plan's appendix (indicator, targets 2025/2026, actual, owning office,
//! coordinating units) with one sheet per unit one level down (commune, or village); the same figures as CSV; the priority list.

use super::{header_row, sheet_name, Download, FileError};
use model::indicators::{Indicator, IndicatorStatus, Ratio, Source, VillagePriority};
use rust_xlsxwriter::{Format, FormatAlign, FormatBorder, Workbook, Worksheet, XlsxError};
use serde::Serialize;

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

fn source_vi(source: Source) -> &'static str {
    match source {
        Source::Recorded => "Dữ liệu ghi nhận trên ứng dụng",
        Source::Entered => "Cán bộ xã nhập",
    }
}

fn rounded(percent: Option<f64>) -> Option<f64> {
    percent.map(|value| (value * 10.0).round() / 10.0)
}

/// Every indicator per commune and for the caller's whole area (`*`), as CSV.
pub fn indicators_csv(year: i32, statuses: &[IndicatorStatus]) -> Result<Download, FileError> {
    let mut rows = Vec::new();
    for status in statuses {
        let common = |commune_code, commune, actual: Option<Ratio>, percent, target, gap, period| FigureRow {
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
    Download::csv(format!("chi-tieu-{year}.csv"), &rows)
}

/// The quarterly report as XLSX: the appendix table, then a sheet per commune.
pub fn quarterly_xlsx(
    year: i32,
    statuses: &[IndicatorStatus],
    targets_2025: &[(Indicator, Option<f64>)],
    targets_2026: &[(Indicator, Option<f64>)],
) -> Result<Download, FileError> {
    let bytes = workbook(year, statuses, targets_2025, targets_2026)?;
    Ok(Download::xlsx(format!("bao-cao-binh-dan-hoc-vu-so-{year}.xlsx"), bytes))
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
    targets_2025: &[(Indicator, Option<f64>)],
    targets_2026: &[(Indicator, Option<f64>)],
) -> Result<Vec<u8>, XlsxError> {
    let mut workbook = Workbook::new();
    let bold = Format::new().set_bold();
    let head = Format::new().set_bold().set_border(FormatBorder::Thin).set_align(FormatAlign::Center).set_text_wrap();
    let target_of = |targets: &[(Indicator, Option<f64>)], indicator| {
        targets.iter().find(|(known, _)| *known == indicator).and_then(|(_, target)| *target)
    };

    let sheet = workbook.add_worksheet().set_name(sheet_name(&format!("Chỉ tiêu {year}")))?;
    sheet.write_string_with_format(
        0,
        0,
        format!("Kết quả thực hiện các chỉ tiêu Phong trào “Bình dân học vụ số” năm {year}"),
        &bold,
    )?;
    header_row(
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
        // The code first: two villages of a merged commune may share a name, never a code.
        let sheet = workbook.add_worksheet().set_name(sheet_name(&format!("{code} {name}")))?;
        sheet.write_string_with_format(0, 0, format!("{name} ({code}): chỉ tiêu năm {year}"), &bold)?;
        header_row(
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

/// The villages to act on next, most urgent first, with their reasons in Vietnamese.
pub fn priorities_csv(priorities: Vec<VillagePriority>) -> Result<Download, FileError> {
    let texts = app::i18n::VI.dashboard;
    let rows: Vec<PriorityRow> = priorities
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
    Download::csv("uu-tien.csv", &rows)
}
