//! Reading the tables that commune offices and operators really keep: XLSX, ODS and old XLS
//! workbooks, and CSV or TSV text in UTF-8 or UTF-16 with whatever separator their Excel wrote,
//! with Vietnamese or English headers, title lines above the table and blank rows below it. Every
//! import of the app (villages, cultural houses, households, accounts, Wi-Fi, coverage) reads its
//! file here, so an office worker meets one set of rules and one kind of message, in both languages,
//! that says which line and column to fix.
//!
//! [`Table::open`] finds the format and the header row, then [`Table::rows`] streams the data rows
//! as serde values whose field names are the [`Spec`]'s canonical keys; [`read_all`] does both and
//! collects every problem. Nothing here writes: callers import only when every row is good.
//!
//! Cells are text until the row type reads them. A spec may give a column [`Values`] (Vietnamese
//! words for an enum, yes/no, a decimal comma, a day-first date) so the text is canonical before
//! serde sees it: the row type stays plain (`String`, `bool`, `f64`) and a cell that cannot be
//! read is reported with its line and column like any other. The same readings are public
//! functions ([`parse_flag`], [`parse_decimal`], [`parse_date`], [`value_alias`]) for values that
//! come from elsewhere, such as the JSON API.

mod detect;
mod row;
mod sheet;
mod spec;
mod table;
mod text;
mod values;

#[cfg(test)]
mod tests;

pub use spec::{Column, Spec, Values};
pub use table::{Rows, Table};
pub use values::{
    normalise_key, parse_date, parse_decimal, parse_flag, parse_word, slug, value_alias, Words, QUALITY_WORDS,
    TECHNOLOGY_WORDS, VILLAGE_TYPE_WORDS, WIFI_STATUS_WORDS,
};

pub use crate::problems::RowProblem;
pub use model::{said, Said};
use serde::de::DeserializeOwned;

/// At most this many problems are listed, so a file of a million bad rows still gets a short
/// answer; one more problem says how many were left out.
pub const PROBLEM_LIMIT: usize = 1_000;

/// Every data row with its line, and the headers of the ignored columns.
pub type AllRows<T> = (Vec<(u64, T)>, Vec<String>);

/// Reads every data row of `bytes` as `T`, with its line. On success, also returns the headers of
/// the columns that the spec does not know, as the file wrote them, for the caller to show as
/// "ignored columns". Otherwise returns every problem (at most [`PROBLEM_LIMIT`] and a count of
/// the rest), because one attempt should show the officer everything there is to fix.
pub fn read_all<T: DeserializeOwned>(bytes: &[u8], spec: &Spec) -> Result<AllRows<T>, Vec<RowProblem>> {
    let table = Table::open(bytes, spec)?;
    let ignored = table.ignored_columns().to_vec();
    let mut rows = Vec::new();
    let mut problems = Vec::new();
    let mut left_out = 0_u64;
    for row in table.rows::<T>() {
        match row {
            Ok(row) => rows.push(row),
            Err(problem) if problems.len() < PROBLEM_LIMIT => problems.push(problem),
            Err(_) => left_out += 1,
        }
    }
    if left_out > 0 {
        problems.push(RowProblem::whole_file(said(
            format!("and {left_out} more problems"),
            format!("và {left_out} lỗi khác"),
        )));
    }
    if rows.is_empty() && problems.is_empty() {
        problems.push(RowProblem::whole_file(said(
            "the file has a header but no rows",
            "tệp chỉ có dòng tiêu đề, không có dòng dữ liệu",
        )));
    }
    if problems.is_empty() {
        Ok((rows, ignored))
    } else {
        Err(problems)
    }
}
