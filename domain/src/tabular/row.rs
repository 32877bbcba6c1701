//! A row as every source of a table gives it (text or workbook), before a spec reads it.

use csv::StringRecord;

/// A row as the file has it: its line, its cells as text, and the cells that hold a spreadsheet
/// error value (by position, with the error's text, such as "#N/A").
pub(crate) struct RawRow {
    pub(crate) line: u64,
    pub(crate) cells: StringRecord,
    pub(crate) errors: Vec<(usize, String)>,
}

impl RawRow {
    /// Whether the row has nothing in it: Excel leaves such rows below (and inside) tables.
    pub(crate) fn is_blank(&self) -> bool {
        self.errors.is_empty() && self.cells.iter().all(str::is_empty)
    }
}
