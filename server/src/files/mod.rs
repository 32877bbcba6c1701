//! Files people download: CSV (UTF-8 with a byte-order mark, so spreadsheet programs show
//! Vietnamese correctly, and every cell a spreadsheet would run as a formula neutralised) and
//! XLSX reports laid out as the plan's appendix. The API's handlers answer with a [`Download`].

pub mod donations;
pub mod indicators;
pub mod templates;

use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

/// The media type of an XLSX workbook.
pub const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// Why a file could not be written: a failure of the server, logged and never blamed on the
/// request.
#[derive(Debug, thiserror::Error)]
pub enum FileError {
    #[error("cannot write CSV: {0}")]
    Csv(#[from] csv::Error),
    #[error("cannot write XLSX: {0}")]
    Xlsx(#[from] rust_xlsxwriter::XlsxError),
    #[error("cannot write the file: {0}")]
    Io(#[from] std::io::Error),
}

/// A file as an attachment: its name, media type and bytes.
#[derive(Debug)]
pub struct Download {
    pub file_name: String,
    pub content_type: &'static str,
    pub bytes: Vec<u8>,
}

impl Download {
    /// A CSV file of serialisable rows, its cells safe to open in a spreadsheet program.
    pub fn csv<T: Serialize>(file_name: impl Into<String>, rows: &[T]) -> Result<Download, FileError> {
        let mut plain = csv::Writer::from_writer(Vec::new());
        for row in rows {
            plain.serialize(row)?;
        }
        let plain = plain.into_inner().map_err(|error| FileError::Io(error.into_error()))?;
        let mut reader = csv::ReaderBuilder::new().has_headers(false).from_reader(plain.as_slice());
        let mut writer = csv::Writer::from_writer(Vec::from("\u{feff}".as_bytes()));
        for record in reader.records() {
            writer.write_record(record?.iter().map(|cell| neutralised(cell).into_owned()))?;
        }
        let bytes = writer.into_inner().map_err(|error| FileError::Io(error.into_error()))?;
        Ok(Download { file_name: file_name.into(), content_type: "text/csv; charset=utf-8", bytes })
    }

    /// An XLSX workbook.
    pub fn xlsx(file_name: impl Into<String>, bytes: Vec<u8>) -> Download {
        Download { file_name: file_name.into(), content_type: XLSX, bytes }
    }
}

impl IntoResponse for Download {
    fn into_response(self) -> Response {
        let mut response = self.bytes.into_response();
        let headers = response.headers_mut();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(self.content_type));
        if let Ok(value) = HeaderValue::from_str(&format!("attachment; filename=\"{}\"", self.file_name)) {
            headers.insert(header::CONTENT_DISPOSITION, value);
        }
        response
    }
}

/// A cell as a spreadsheet program should show it: text that would start a formula (`=`, `+`,
/// `-`, `@`, or a tab or carriage return before one) gets a leading apostrophe, which the
/// program shows as text and never runs (OWASP's advice on CSV injection). Numbers, negative ones
/// included, stay numbers.
pub fn neutralised(cell: &str) -> std::borrow::Cow<'_, str> {
    let starts_formula = cell.starts_with(['=', '+', '-', '@', '\t', '\r']);
    if starts_formula && cell.parse::<f64>().is_err() {
        std::borrow::Cow::Owned(format!("'{cell}"))
    } else {
        std::borrow::Cow::Borrowed(cell)
    }
}

/// A worksheet name Excel accepts: at most 31 characters, none of `[]:*?/\`.
pub fn sheet_name(name: &str) -> String {
    name.chars().filter(|c| !"[]:*?/\\".contains(*c)).take(31).collect()
}

/// Writes a bold header row.
pub fn header_row(
    sheet: &mut rust_xlsxwriter::Worksheet,
    row: u32,
    titles: &[&str],
    format: &rust_xlsxwriter::Format,
) -> Result<(), rust_xlsxwriter::XlsxError> {
    for (column, title) in titles.iter().enumerate() {
        sheet.write_string_with_format(row, column as u16, *title, format)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_become_text_and_numbers_stay_numbers() {
        for formula in ["=HYPERLINK(\"x\")", "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1", "-x"] {
            assert_eq!(neutralised(formula), format!("'{formula}"), "{formula:?}");
        }
        for plain in ["Thôn 1", "-12.5", "+3", "105.6", "", "a=b"] {
            assert_eq!(neutralised(plain), plain);
        }
    }

    #[test]
    fn a_csv_download_carries_the_byte_order_mark_and_neutralised_cells() {
        #[derive(Serialize)]
        struct Row {
            name: &'static str,
            value: f64,
        }
        let rows = [Row { name: "=1+2", value: -1.5 }, Row { name: "Bản Mường", value: 2.0 }];
        let download = Download::csv("x.csv", &rows).expect("csv");
        let text = String::from_utf8(download.bytes).expect("utf-8");
        assert_eq!(text, "\u{feff}name,value\n'=1+2,-1.5\nBản Mường,2.0\n");
    }
}
