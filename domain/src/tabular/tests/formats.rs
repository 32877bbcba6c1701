//! One table in every format an office or operator uploads reads to the same rows, on the lines
//! the file shows.

use super::common::{expected, Report, OFFICE_CSV, REPORTS};
use crate::tabular::{read_all, Column, Spec, Table};
use rust_xlsxwriter::{ExcelDateTime, Format, Formula, Workbook, XlsxError};

fn read(bytes: &[u8]) -> (Vec<(u64, Report)>, Vec<String>) {
    read_all::<Report>(bytes, &REPORTS).unwrap_or_else(|problems| panic!("{problems:#?}"))
}

fn utf16(text: &str, bom: bool, unit: fn(u16) -> [u8; 2]) -> Vec<u8> {
    let bom = bom.then_some('\u{feff}');
    bom.into_iter().chain(text.chars()).collect::<String>().encode_utf16().flat_map(unit).collect()
}

/// Excel's "Unicode Text": the office table with tabs.
fn unicode_text() -> String {
    OFFICE_CSV.replace(';', "\t")
}

const IGNORED: [&str; 2] = ["STT", "Ghi chú"];

#[test]
fn plain_utf8_comma_csv_with_the_keys() {
    let csv = "\
village_code,name,lat,lon,quality,technology,reported_at,wifi
15187,Thôn Nà Hin,21.0285,105.8542,good,4G,2024-03-15,true
01234,\"Bản Khuổi, Pác\",21.5,105.25,weak,FTTH,2024-03-16,false
15188,Thôn 3,22,106,good,4G,,
";
    let (rows, ignored) = read(csv.as_bytes());
    assert_eq!(rows, expected([2, 3, 4]));
    assert!(ignored.is_empty(), "{ignored:?}");
}

#[test]
fn utf8_bom_semicolons_vietnamese_headers_title_and_trailing_blank_rows() {
    let bytes = [b"\xEF\xBB\xBF", OFFICE_CSV.as_bytes()].concat();
    assert_eq!(read(&bytes), (expected([4, 5, 6]), IGNORED.map(String::from).to_vec()));
}

#[test]
fn utf16le_with_bom_and_tabs_as_excel_unicode_text() {
    let bytes = utf16(&unicode_text(), true, u16::to_le_bytes);
    assert_eq!(read(&bytes).0, expected([4, 5, 6]));
}

#[test]
fn utf16be_with_bom() {
    let bytes = utf16(&unicode_text(), true, u16::to_be_bytes);
    assert_eq!(read(&bytes).0, expected([4, 5, 6]));
}

#[test]
fn utf16_without_bom_in_either_order() {
    for unit in [u16::to_le_bytes, u16::to_be_bytes] {
        assert_eq!(read(&utf16(&unicode_text(), false, unit)).0, expected([4, 5, 6]));
    }
}

#[test]
fn pipes_and_crlf_line_ends() {
    let text = OFFICE_CSV.replace(';', "|").replace('\n', "\r\n");
    assert_eq!(read(text.as_bytes()).0, expected([4, 5, 6]));
}

#[test]
fn empty_lines_inside_and_above_keep_the_line_numbers() {
    let text = "\n\nMã thôn,Tên,Vĩ độ,Kinh độ,Chất lượng,Công nghệ,Ngày báo cáo,Có Wi-Fi\n\n\
                15187,Thôn Nà Hin,21.0285,105.8542,Tốt,4G,15/03/2024,x\n\n\
                01234,\"Bản Khuổi, Pác\",21.5,105.25,Kém,FTTH,2024-03-16,0\n\
                15188,Thôn 3,22,106,Tốt,4g,,\n\n\n";
    assert_eq!(read(text.as_bytes()).0, expected([5, 7, 8]));
}

/// The office table as an XLSX workbook behind a cover sheet: the code a number where Excel
/// made it one and text where it keeps a leading zero, coordinates as numbers, dates as date
/// cells, the Wi-Fi flag as booleans, and a row holding only a space below the table.
fn office_xlsx() -> Result<Vec<u8>, XlsxError> {
    let mut workbook = Workbook::new();
    workbook.add_worksheet().set_name("Hướng dẫn")?.write_string(0, 0, "Điền bảng ở trang sau")?;
    let sheet = workbook.add_worksheet().set_name("Báo cáo")?;
    sheet.write_string(0, 0, "DANH SÁCH THÔN BẢN XÃ NÀ HIN")?;
    let headers =
        ["STT", "Mã thôn/bản", "Tên thôn", "Vĩ độ (lat)", "Kinh độ", "Chất lượng", "Công nghệ", "Ngày báo cáo"];
    for (column, header) in (0..).zip(headers.into_iter().chain(["Có Wi-Fi", "Ghi chú"])) {
        sheet.write_string(2, column, header)?;
    }
    let date = Format::new().set_num_format("dd/mm/yyyy");
    for (row, number) in [(3, 1.0), (4, 2.0), (5, 3.0)] {
        sheet.write_number(row, 0, number)?;
    }
    sheet.write_number(3, 1, 15187.0)?.write_string(4, 1, "01234")?.write_number(5, 1, 15188.0)?;
    sheet.write_string(3, 2, "Thôn Nà Hin")?.write_string(4, 2, "Bản Khuổi, Pác")?.write_string(5, 2, "Thôn 3")?;
    for (row, lat, lon) in [(3, 21.0285, 105.8542), (4, 21.5, 105.25), (5, 22.0, 106.0)] {
        sheet.write_number(row, 3, lat)?.write_number(row, 4, lon)?;
    }
    sheet.write_string(3, 5, "Tốt")?.write_string(4, 5, "Yếu")?.write_string(5, 5, "good")?;
    sheet.write_string(3, 6, "4G")?.write_string(4, 6, "Cáp quang")?.write_string(5, 6, "LTE")?;
    sheet.write_datetime_with_format(3, 7, ExcelDateTime::from_ymd(2024, 3, 15)?, &date)?;
    sheet.write_datetime_with_format(4, 7, ExcelDateTime::from_ymd(2024, 3, 16)?, &date)?;
    sheet.write_boolean(3, 8, true)?.write_boolean(4, 8, false)?;
    sheet.write_string(4, 9, "đường xa")?;
    sheet.write_string(7, 0, " ")?;
    workbook.save_to_buffer()
}

#[test]
fn xlsx_with_numbers_dates_text_codes_and_a_cover_sheet() -> Result<(), XlsxError> {
    let (rows, ignored) = read(&office_xlsx()?);
    assert_eq!(rows, expected([4, 5, 6]));
    assert_eq!(ignored, IGNORED);
    Ok(())
}

#[test]
fn xlsx_time_of_day_and_cell_errors() -> Result<(), XlsxError> {
    const SPEC: Spec = Spec {
        columns: &[
            Column { key: "at", aliases: &[], required: true },
            Column { key: "note", aliases: &[], required: false },
        ],
        values: &[],
    };
    #[derive(Debug, PartialEq, serde::Deserialize)]
    struct Row {
        at: String,
        note: Option<String>,
    }
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.write_string(0, 0, "at")?.write_string(0, 1, "note")?.write_string(0, 2, "STT")?;
    let moment = ExcelDateTime::parse_from_str("2024-03-15T10:30:00")?;
    sheet.write_datetime_with_format(1, 0, moment, &Format::new().set_num_format("yyyy-mm-dd hh:mm"))?;
    sheet.write_formula(2, 0, Formula::new("=NA()").set_result("#N/A"))?;
    // An error in a column the spec does not read is nobody's problem.
    sheet.write_string(3, 0, "later")?.write_formula(3, 2, Formula::new("=1/0").set_result("#DIV/0!"))?;
    let bytes = workbook.save_to_buffer()?;
    let rows: Vec<_> = Table::open(&bytes, &SPEC).unwrap().rows::<Row>().collect();
    assert_eq!(rows.len(), 3, "{rows:#?}");
    assert_eq!(rows[0], Ok((2, Row { at: "2024-03-15T10:30:00Z".into(), note: None })));
    let error = rows[1].as_ref().unwrap_err();
    assert_eq!(error.line, Some(3));
    assert!(error.message.contains("'at'") && error.message.contains("#N/A"), "{error:?}");
    assert!(error.message_vi.contains("#N/A"), "{error:?}");
    assert_eq!(rows[2], Ok((4, Row { at: "later".into(), note: None })));
    Ok(())
}

#[test]
fn header_line_and_ignored_columns_are_told_before_the_rows() {
    let table = Table::open(OFFICE_CSV.as_bytes(), &REPORTS).unwrap();
    assert_eq!(table.header_line(), 3);
    assert_eq!(table.ignored_columns(), IGNORED);
}
