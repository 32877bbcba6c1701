//! "Chắp cánh công nghệ" files: each commune's stock as CSV, and the donations report (stock,
//! thank-you list, pledges and, for those who see households, allocations and handovers) as XLSX.

use super::{header_row, Download, FileError};
use domain::donations::DonationsReport;
use model::donations::{Acknowledgement, Allocation, AllocationStatus, Pledge, StockLine};
use rust_xlsxwriter::{Format, Workbook, XlsxError};
use serde::Serialize;

/// Each commune's stock per kind of device, as CSV.
pub fn stock_csv(lines: &[StockLine]) -> Result<Download, FileError> {
    Download::csv("chap-canh-cong-nghe.csv", &lines.iter().map(StockRow::from).collect::<Vec<_>>())
}

/// The donations report; handovers only for roles that see households.
pub fn report_xlsx(report: &DonationsReport) -> Result<Download, FileError> {
    let bytes = workbook(&report.stock, &report.acknowledgements, &report.pledges, report.handovers.as_deref())?;
    Ok(Download::xlsx("chap-canh-cong-nghe.xlsx", bytes))
}

/// A stock line as a CSV row (the item as its code).
#[derive(Serialize)]
struct StockRow<'a> {
    commune_code: &'a str,
    commune: &'a str,
    item: &'static str,
    received: i64,
    available: i64,
    allocated: i64,
    delivered: i64,
}

impl<'a> From<&'a StockLine> for StockRow<'a> {
    fn from(line: &'a StockLine) -> Self {
        StockRow {
            commune_code: &line.commune_code,
            commune: &line.commune,
            item: line.item.as_str(),
            received: line.received,
            available: line.available,
            allocated: line.allocated,
            delivered: line.delivered,
        }
    }
}

/// Vietnamese name of an item, for the report.
fn item_vi(item: model::donations::Item) -> &'static str {
    app::i18n::Locale::Vi.texts().donations.item(item)
}

fn workbook(
    stock: &[StockLine],
    thanks: &[Acknowledgement],
    pledges: &[Pledge],
    handovers: Option<&[Allocation]>,
) -> Result<Vec<u8>, XlsxError> {
    let mut workbook = Workbook::new();
    let head = Format::new().set_bold();
    let sheet = workbook.add_worksheet().set_name("Tồn kho theo xã")?;
    header_row(sheet, 0, &["Mã xã", "Xã", "Loại", "Đã nhận", "Còn trong kho", "Đã phân bổ", "Đã bàn giao"], &head)?;
    for (index, line) in stock.iter().enumerate() {
        let row = index as u32 + 1;
        sheet.write_string(row, 0, &line.commune_code)?;
        sheet.write_string(row, 1, &line.commune)?;
        sheet.write_string(row, 2, item_vi(line.item))?;
        for (column, value) in [line.received, line.available, line.allocated, line.delivered].into_iter().enumerate() {
            sheet.write_number(row, column as u16 + 3, value as f64)?;
        }
    }
    let sheet = workbook.add_worksheet().set_name("Nhà hảo tâm")?;
    header_row(sheet, 0, &["Nhà hảo tâm", "Thiết bị", "Giá trị (đồng)"], &head)?;
    for (index, thank) in thanks.iter().enumerate() {
        let row = index as u32 + 1;
        sheet.write_string(row, 0, thank.name.as_deref().unwrap_or("Nhà hảo tâm ẩn danh"))?;
        sheet.write_number(row, 1, thank.devices as f64)?;
        sheet.write_number(row, 2, thank.value_vnd as f64)?;
    }
    let sheet = workbook.add_worksheet().set_name("Cam kết")?;
    header_row(sheet, 0, &["Ngày", "Nhà hảo tâm", "Xã", "Loại", "Số lượng", "Giá trị (đồng)", "Trạng thái"], &head)?;
    for (index, pledge) in pledges.iter().enumerate() {
        let row = index as u32 + 1;
        sheet.write_string(row, 0, &pledge.pledged_at)?;
        sheet.write_string(row, 1, pledge.donor.as_deref().unwrap_or("Nhà hảo tâm ẩn danh"))?;
        sheet.write_string(row, 2, &pledge.commune)?;
        sheet.write_string(row, 3, item_vi(pledge.item))?;
        if let Some(quantity) = pledge.quantity {
            sheet.write_number(row, 4, quantity as f64)?;
        }
        if let Some(value) = pledge.value_vnd {
            sheet.write_number(row, 5, value as f64)?;
        }
        let status = match pledge.status {
            model::donations::PledgeStatus::Pledged => "Đã cam kết",
            model::donations::PledgeStatus::Received => "Đã nhận",
        };
        sheet.write_string(row, 6, status)?;
    }
    if let Some(handovers) = handovers {
        let sheet = workbook.add_worksheet().set_name("Phân bổ và bàn giao")?;
        let titles =
            ["Thôn", "Hộ", "Loại", "Phân bổ ngày", "Trạng thái", "Bàn giao ngày", "Sê-ri/IMEI", "Đã hướng dẫn"];
        header_row(sheet, 0, &titles, &head)?;
        for (index, allocation) in handovers.iter().enumerate() {
            let row = index as u32 + 1;
            sheet.write_string(row, 0, &allocation.village_code)?;
            sheet.write_string(row, 1, &allocation.household)?;
            sheet.write_string(row, 2, item_vi(allocation.item))?;
            sheet.write_string(row, 3, &allocation.allocated_at)?;
            let status = match allocation.status {
                AllocationStatus::Allocated => "Chờ bàn giao",
                AllocationStatus::Delivered => "Đã bàn giao",
                AllocationStatus::Cancelled => "Đã hủy",
            };
            sheet.write_string(row, 4, status)?;
            sheet.write_string(row, 5, allocation.delivered_at.as_deref().unwrap_or(""))?;
            sheet.write_string(row, 6, allocation.serial.as_deref().unwrap_or(""))?;
            let guided = match allocation.guided {
                Some(true) => "Có",
                Some(false) => "Không",
                None => "",
            };
            sheet.write_string(row, 7, guided)?;
        }
    }
    workbook.save_to_buffer()
}
