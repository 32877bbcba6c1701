//! Workbooks (XLSX, XLSB, ODS, old XLS) through calamine, their cells as the text a person sees,
//! so that a workbook and a CSV of the same table read alike. Lines are the spreadsheet's row
//! numbers, so the officer finds the row a problem names.

use super::row::RawRow;
use super::values::{date_text, timestamp_text};
use super::{said, Said};
use calamine::{Data, ExcelDateTime, Ods, Range, Reader, Sheets, Xls, Xlsb, Xlsx};
use csv::StringRecord;
use std::io::Cursor;
use time::macros::format_description;
use time::{Date, Month, PrimitiveDateTime, Time};

type Bytes<'a> = Cursor<&'a [u8]>;

/// An opened workbook.
pub(crate) struct Workbook<'a> {
    sheets: Sheets<Bytes<'a>>,
}

type Opener = for<'a> fn(Bytes<'a>) -> Result<Sheets<Bytes<'a>>, calamine::Error>;

/// Opens a zip upload: XLSX, then ODS, then XLSB.
pub(crate) fn open_zip(bytes: &[u8]) -> Result<Workbook<'_>, Said> {
    let openers: [Opener; 3] = [
        |bytes| Ok(Sheets::Xlsx(Xlsx::new(bytes)?)),
        |bytes| Ok(Sheets::Ods(Ods::new(bytes)?)),
        |bytes| Ok(Sheets::Xlsb(Xlsb::new(bytes)?)),
    ];
    first_that_opens(bytes, &openers).unwrap_or_else(|| Err(zip_not_a_spreadsheet()))
}

/// Opens an OLE upload: an old XLS, or an XLSX that a password encrypted (Office wraps those in
/// OLE, and calamine's XLSX reader is the one that recognises them).
pub(crate) fn open_ole(bytes: &[u8]) -> Result<Workbook<'_>, Said> {
    let openers: [Opener; 2] = [|bytes| Ok(Sheets::Xls(Xls::new(bytes)?)), |bytes| Ok(Sheets::Xlsx(Xlsx::new(bytes)?))];
    first_that_opens(bytes, &openers).unwrap_or_else(|| Err(office_file_not_a_workbook()))
}

/// The first reader that opens `bytes`; a password stops the search, since no other reader will
/// do better.
fn first_that_opens<'a>(bytes: &'a [u8], openers: &[Opener]) -> Option<Result<Workbook<'a>, Said>> {
    openers.iter().find_map(|open| match open(Cursor::new(bytes)) {
        Ok(sheets) => Some(Ok(Workbook { sheets })),
        Err(error) if is_password(&error) => Some(Err(password_protected())),
        Err(_) => None,
    })
}

fn is_password(error: &calamine::Error) -> bool {
    use calamine::{Error, OdsError, XlsError, XlsbError, XlsxError};
    matches!(
        error,
        Error::Xlsx(XlsxError::Password)
            | Error::Xls(XlsError::Password)
            | Error::Xlsb(XlsbError::Password)
            | Error::Ods(OdsError::Password)
    )
}

impl Workbook<'_> {
    /// How many sheets the workbook has.
    pub(crate) fn sheet_count(&self) -> usize {
        self.sheets.sheet_names().len()
    }

    /// The rows of sheet `n` (0-based).
    pub(crate) fn sheet(&mut self, n: usize) -> Result<SheetRows, Said> {
        match self.sheets.worksheet_range_at(n) {
            Some(Ok(range)) => Ok(SheetRows { range, next: 0 }),
            Some(Err(error)) => Err(damaged(&error.to_string())),
            None => Err(damaged("no such sheet")),
        }
    }
}

/// The rows of one sheet, each with its spreadsheet row number.
pub(crate) struct SheetRows {
    range: Range<Data>,
    next: usize,
}

impl Iterator for SheetRows {
    type Item = RawRow;

    fn next(&mut self) -> Option<RawRow> {
        let (first_row, _) = self.range.start()?;
        if self.next >= self.range.height() {
            return None;
        }
        let row = self.next;
        self.next += 1;
        let mut cells = StringRecord::new();
        let mut errors = Vec::new();
        for column in 0..self.range.width() {
            match self.range.get((row, column)).map_or(Ok(String::new()), cell_text) {
                Ok(text) => cells.push_field(&text),
                Err(error) => {
                    cells.push_field("");
                    errors.push((column, error));
                }
            }
        }
        Some(RawRow { line: u64::from(first_row) + row as u64 + 1, cells, errors })
    }
}

/// A cell as text: strings trimmed; whole numbers without ".0" (a code 15187 typed as a number
/// reads "15187"); other numbers with a dot; dates as `YYYY-MM-DD`, or `YYYY-MM-DDTHH:MM:SSZ`
/// with a time of day; an error value (#N/A, #REF!) as `Err` with its text.
fn cell_text(cell: &Data) -> Result<String, String> {
    Ok(match cell {
        Data::Empty => String::new(),
        Data::String(text) => text.trim().to_owned(),
        Data::Int(number) => number.to_string(),
        Data::Float(number) => number_text(*number),
        Data::Bool(flag) => flag.to_string(),
        Data::DateTime(moment) => excel_moment_text(moment),
        Data::DateTimeIso(text) => iso_moment_text(text),
        Data::DurationIso(text) => text.clone(),
        Data::Error(error) => return Err(error.to_string()),
    })
}

fn number_text(number: f64) -> String {
    // Beyond 2^53 a float no longer holds every whole number, so it is not a typed code.
    const EXACT: f64 = 9_007_199_254_740_992.0;
    if number.fract() == 0.0 && number.abs() < EXACT {
        format!("{number:.0}")
    } else {
        number.to_string()
    }
}

/// An Excel date or time serial. A duration (`[h]:mm`) is not a moment and stays a number of days.
fn excel_moment_text(moment: &ExcelDateTime) -> String {
    if moment.is_duration() {
        return number_text(moment.as_f64());
    }
    let (year, month, day, hour, minute, second, _) = moment.to_ymd_hms_milli();
    let date = Month::try_from(month).ok().and_then(|month| Date::from_calendar_date(year.into(), month, day).ok());
    match (date, Time::from_hms(hour, minute, second)) {
        (Some(date), Ok(time)) => cell_moment_text(PrimitiveDateTime::new(date, time)),
        // Excel's 29 February 1900, which never was.
        _ => number_text(moment.as_f64()),
    }
}

/// An ODS date (`2021-01-01`) or local date and time (`2021-01-01T10:10:10`) in the app's form.
fn iso_moment_text(text: &str) -> String {
    let with_time = format_description!("[year]-[month]-[day]T[hour]:[minute]:[second][optional [.[subsecond]]]");
    match PrimitiveDateTime::parse(text, with_time) {
        Ok(moment) => cell_moment_text(moment),
        Err(_) => text.to_owned(),
    }
}

/// A cell's moment: the date alone when there is no time of day.
fn cell_moment_text(moment: PrimitiveDateTime) -> String {
    if moment.time() == Time::MIDNIGHT {
        date_text(moment.date())
    } else {
        timestamp_text(moment.replace_millisecond(0).unwrap_or(moment))
    }
}

fn password_protected() -> Said {
    said(
        "The workbook is protected by a password, so it cannot be read. In Excel choose File > Info > Protect \
         Workbook > Encrypt with Password, clear the password, save, and upload the file again.",
        "Tệp Excel được đặt mật khẩu nên không đọc được. Trong Excel hãy chọn Tệp > Thông tin > Bảo vệ sổ làm việc > \
         Mã hóa bằng mật khẩu, xóa mật khẩu, lưu lại rồi tải tệp lên lại.",
    )
}

fn zip_not_a_spreadsheet() -> Said {
    said(
        "This is a compressed (zip) file but not a spreadsheet; it may be a Word document or a folder of files. \
         Upload the Excel (.xlsx) or CSV file itself, extracted from the zip.",
        "Đây là tệp nén (zip) nhưng không phải bảng tính; có thể là tệp Word hoặc một thư mục nén. Hãy giải nén và \
         tải lên chính tệp Excel (.xlsx) hoặc CSV.",
    )
}

fn office_file_not_a_workbook() -> Said {
    said(
        "This is an old Office file (such as a Word .doc) but not an Excel workbook. Upload the Excel file (.xls or \
         .xlsx) or the CSV file that holds the table.",
        "Đây là tệp Office cũ (ví dụ tệp Word .doc) nhưng không phải bảng tính Excel. Hãy tải lên tệp Excel (.xls \
         hoặc .xlsx) hoặc tệp CSV có bảng dữ liệu.",
    )
}

fn damaged(detail: &str) -> Said {
    said(
        format!(
            "The workbook could not be read ({detail}); it may be damaged. Open it in Excel, save it again as .xlsx, \
             and upload the new file."
        ),
        format!(
            "Không đọc được tệp Excel ({detail}); tệp có thể bị hỏng. Hãy mở bằng Excel, lưu lại dạng .xlsx rồi tải \
             tệp mới lên."
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use calamine::{CellErrorType, ExcelDateTimeType};

    #[test]
    fn cells_read_as_a_person_sees_them() {
        let moment = |serial| Data::DateTime(ExcelDateTime::new(serial, ExcelDateTimeType::DateTime, false));
        let cases = [
            (Data::Float(15187.0), "15187"),
            (Data::Float(-3.0), "-3"),
            (Data::Float(20.1234), "20.1234"),
            (Data::Float(1e20), "100000000000000000000"),
            (Data::Int(42), "42"),
            (Data::String("  01234 ".into()), "01234"),
            (Data::Bool(true), "true"),
            (Data::Empty, ""),
            (moment(45366.0), "2024-03-15"),
            (moment(45366.4375), "2024-03-15T10:30:00Z"),
            (Data::DateTime(ExcelDateTime::new(1.5, ExcelDateTimeType::TimeDelta, false)), "1.5"),
            (Data::DateTimeIso("2021-01-01".into()), "2021-01-01"),
            (Data::DateTimeIso("2021-01-01T10:10:10.5".into()), "2021-01-01T10:10:10Z"),
            (Data::DurationIso("PT10H".into()), "PT10H"),
        ];
        for (cell, text) in cases {
            assert_eq!(cell_text(&cell), Ok(text.to_owned()), "{cell:?}");
        }
        assert_eq!(cell_text(&Data::Error(CellErrorType::NA)), Err("#N/A".to_owned()));
    }

    #[test]
    fn a_zip_that_is_no_spreadsheet_is_named_so() {
        let zip = b"PK\x03\x04\x14\0\0\0\0\0";
        assert_eq!(open_zip(zip).err(), Some(zip_not_a_spreadsheet()));
    }

    #[test]
    fn an_office_file_that_is_no_workbook_is_named_so() {
        let ole = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1\0\0\0\0";
        assert_eq!(open_ole(ole).err(), Some(office_file_not_a_workbook()));
    }
}
