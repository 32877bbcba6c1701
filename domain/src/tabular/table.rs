//! A table opened from an upload and its data rows streamed as serde values. Rows are read one at
//! a time from the source (a CSV reader or a sheet), so a million-row CSV never has its rows held.

use super::detect::{detect, Content};
use super::row::RawRow;
use super::sheet::{SheetRows, Workbook};
use super::spec::{in_column, Header, Spec, HEADER_SEARCH_ROWS};
use super::text::TextRows;
use super::values::{capped, quoted};
use super::{said, RowProblem, Said};
use csv::{DeserializeErrorKind, ErrorKind, StringRecord};
use serde::de::DeserializeOwned;
use std::borrow::Cow;
use std::collections::VecDeque;
use std::marker::PhantomData;

/// Where the rows come from.
enum Source<'a> {
    Text(TextRows<'a>),
    Sheet(SheetRows),
}

impl Iterator for Source<'_> {
    type Item = Result<RawRow, RowProblem>;

    fn next(&mut self) -> Option<Self::Item> {
        match self {
            Source::Text(rows) => rows.next(),
            Source::Sheet(rows) => rows.next().map(Ok),
        }
    }
}

/// A table whose header row has been found and tied to a [`Spec`].
pub struct Table<'a> {
    header: Header,
    /// Rows read past the header while looking for it.
    pending: VecDeque<RawRow>,
    source: Source<'a>,
}

impl<'a> Table<'a> {
    /// Opens `bytes` (any supported format) and finds the header row. In a workbook, the first
    /// sheet with such a row is read; when none has one, the problems are those of the first
    /// sheet. Fails with every problem of the file or of its header.
    pub fn open(bytes: &'a [u8], spec: &Spec) -> Result<Table<'a>, Vec<RowProblem>> {
        debug_assert!(
            spec.values.iter().all(|(key, _)| spec.columns.iter().any(|column| column.key == *key)),
            "every key of Spec::values must name a column of the spec"
        );
        match detect(bytes).map_err(whole_file)? {
            Content::Text(text) => Table::start(Source::Text(TextRows::new(text)), spec),
            Content::Workbook(workbook) => Table::first_sheet_with_header(*workbook, spec),
        }
    }

    fn first_sheet_with_header(mut workbook: Workbook<'a>, spec: &Spec) -> Result<Table<'a>, Vec<RowProblem>> {
        let mut first_problems = None;
        for sheet in 0..workbook.sheet_count() {
            let table =
                workbook.sheet(sheet).map_err(whole_file).and_then(|rows| Table::start(Source::Sheet(rows), spec));
            match table {
                Ok(table) => return Ok(table),
                Err(problems) => {
                    first_problems.get_or_insert(problems);
                }
            }
        }
        Err(first_problems
            .unwrap_or_else(|| whole_file(said("the workbook has no sheet", "tệp Excel không có trang tính nào"))))
    }

    /// Reads up to [`HEADER_SEARCH_ROWS`] non-blank rows to find the header among them; the rows
    /// after it wait in `pending`.
    fn start(mut source: Source<'a>, spec: &Spec) -> Result<Table<'a>, Vec<RowProblem>> {
        let mut first_rows = Vec::new();
        while first_rows.len() < HEADER_SEARCH_ROWS {
            match source.next() {
                None => break,
                Some(Err(problem)) => return Err(vec![problem]),
                Some(Ok(row)) if row.is_blank() => {}
                Some(Ok(row)) => first_rows.push(row),
            }
        }
        let header = spec.header(&first_rows)?;
        let pending = first_rows.into_iter().filter(|row| row.line > header.line).collect();
        Ok(Table { header, pending, source })
    }

    /// The line of the header row.
    pub fn header_line(&self) -> u64 {
        self.header.line
    }

    /// The headers of the columns that the spec does not know (such as "STT" or "Ghi chú"), as the
    /// file wrote them, for the caller to show as ignored.
    pub fn ignored_columns(&self) -> &[String] {
        &self.header.ignored
    }

    /// The data rows, as `T` whose field names are the spec's keys. Blank rows are skipped; a row
    /// that cannot be read yields one problem per fault.
    pub fn rows<T: DeserializeOwned>(self) -> Rows<'a, T> {
        Rows { table: self, record: StringRecord::new(), problems: VecDeque::new(), row: PhantomData }
    }
}

fn whole_file(said: Said) -> Vec<RowProblem> {
    vec![RowProblem::whole_file(said)]
}

/// The data rows of a [`Table`], each with its line, or a problem of a row.
pub struct Rows<'a, T> {
    table: Table<'a>,
    /// The current row under the canonical keys, reused from row to row.
    record: StringRecord,
    /// Further problems of the last row read.
    problems: VecDeque<RowProblem>,
    row: PhantomData<fn() -> T>,
}

impl<T: DeserializeOwned> Iterator for Rows<'_, T> {
    type Item = Result<(u64, T), RowProblem>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some(problem) = self.problems.pop_front() {
                return Some(Err(problem));
            }
            let table = &mut self.table;
            let row = match table.pending.pop_front().map(Ok).or_else(|| table.source.next())? {
                Ok(row) => row,
                Err(problem) => return Some(Err(problem)),
            };
            if row.is_blank() {
                continue;
            }
            self.problems.extend(table.header.project(&row, &mut self.record));
            if self.problems.is_empty() {
                let value = self.record.deserialize(Some(&table.header.keys));
                return Some(value.map(|value| (row.line, value)).map_err(|error| {
                    RowProblem::at_line(row.line, not_deserialised(&table.header, &self.record, &error))
                }));
            }
        }
    }
}

/// Why `record` did not deserialise, naming the column and its value. serde's own messages (an
/// unknown enum variant, a custom deserializer's) carry no field index, so the column is the one
/// whose value the message quotes, or whose key it names.
fn not_deserialised(header: &Header, record: &StringRecord, error: &csv::Error) -> Said {
    let ErrorKind::Deserialize { err, .. } = error.kind() else {
        return unreadable_row(&error.to_string());
    };
    let message = match err.kind() {
        DeserializeErrorKind::Message(message) | DeserializeErrorKind::Unsupported(message) => Some(message.as_str()),
        _ => None,
    };
    let quotes = |text: &str| message.is_some_and(|message| message.contains(&format!("`{text}`")));
    let index = err.field().and_then(|index| usize::try_from(index).ok()).or_else(|| {
        (record.iter().position(|value| !value.is_empty() && quotes(value)))
            .or_else(|| header.keys.iter().position(quotes))
    });
    let message = message.map_or_else(|| err.to_string(), |message| without_long_values(message, record));
    let Some((label, value)) = index.and_then(|index| Some((header.label(index)?, quoted(record.get(index)?)))) else {
        return unreadable_row(&message);
    };
    let said = match err.kind() {
        DeserializeErrorKind::ParseInt(_) => {
            said(format!("{value} is not a whole number"), format!("{value} không phải là số nguyên"))
        }
        DeserializeErrorKind::ParseFloat(_) => {
            said(format!("{value} is not a number"), format!("{value} không phải là số"))
        }
        DeserializeErrorKind::ParseBool(_) => {
            said(format!("{value} is not true or false"), format!("{value} không phải true hoặc false"))
        }
        _ => said(format!("{value}: {message}"), format!("{value} không hợp lệ ({message})")),
    };
    in_column(&label, said)
}

/// `message` with each long value of `record` in it cut: serde's messages repeat values whole.
fn without_long_values(message: &str, record: &StringRecord) -> String {
    record.iter().fold(message.to_owned(), |message, value| match capped(value) {
        Cow::Owned(cut) => message.replace(value, &cut),
        Cow::Borrowed(_) => message,
    })
}

fn unreadable_row(why: &str) -> Said {
    said(format!("unreadable row: {why}"), format!("không đọc được dòng: {why}"))
}
