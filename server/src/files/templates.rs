//! The templates of the reference-data imports: a workbook with the header row the import reads
//! (Vietnamese, with the key in parentheses) and one example line, for an office to fill in.

use super::{header_row, Download, FileError};
use domain::reference_imports::ReferenceKind;
use rust_xlsxwriter::{Format, Workbook};

/// The template of `kind`'s file, named after the kind (`villages.xlsx`).
pub fn template_xlsx(kind: ReferenceKind) -> Result<Download, FileError> {
    let columns = kind.template();
    let mut workbook = Workbook::new();
    let head = Format::new().set_bold();
    let sheet = workbook.add_worksheet().set_name(super::sheet_name(kind.as_str()))?;
    let titles: Vec<&str> = columns.iter().map(|(title, _)| title.as_str()).collect();
    header_row(sheet, 0, &titles, &head)?;
    for (column, (title, example)) in columns.iter().enumerate() {
        // Codes stay text: a spreadsheet would drop the leading zeros of "01".
        sheet.write_string(1, column as u16, *example)?;
        sheet
            .set_column_width(column as u16, title.chars().count().max(example.chars().count()).max(10) as f64 + 2.0)?;
    }
    Ok(Download::xlsx(format!("{}.xlsx", kind.as_str()), workbook.save_to_buffer()?))
}
