//! CSV and TSV text, streamed record by record, with the separator found from the text itself:
//! English Excel writes commas, Vietnamese Excel semicolons (the comma is its decimal separator),
//! "Unicode Text" tabs, and some exports pipes.

use super::row::RawRow;
use super::{said, RowProblem};
use csv::{Reader, ReaderBuilder, StringRecord, Trim};
use std::borrow::Cow;
use std::collections::HashMap;
use std::io::Cursor;

const SEPARATORS: [u8; 4] = [b',', b';', b'\t', b'|'];

/// How many records the separator is judged on: enough to get past title lines above a table.
const SAMPLE_RECORDS: usize = 30;

/// The records of a text table, each with the line it starts on.
pub(crate) struct TextRows<'a> {
    reader: Reader<Cursor<Cow<'a, [u8]>>>,
}

impl<'a> TextRows<'a> {
    pub(crate) fn new(text: Cow<'a, str>) -> TextRows<'a> {
        let separator = separator(text.as_bytes());
        let bytes = match text {
            Cow::Borrowed(text) => Cow::Borrowed(text.as_bytes()),
            Cow::Owned(text) => Cow::Owned(text.into_bytes()),
        };
        TextRows { reader: reader(separator).from_reader(Cursor::new(bytes)) }
    }

    /// The line a record starts on. The reader gives where it began reading, before the empty
    /// lines it skips, so those are counted here.
    fn line_of(&self, record: &StringRecord) -> u64 {
        let Some(position) = record.position() else { return 0 };
        let text: &[u8] = self.reader.get_ref().get_ref();
        let start = usize::try_from(position.byte()).map_or(&[][..], |byte| text.get(byte..).unwrap_or_default());
        let skipped = start.iter().take_while(|b| matches!(b, b'\r' | b'\n')).filter(|b| **b == b'\n').count();
        position.line() + skipped as u64
    }
}

impl Iterator for TextRows<'_> {
    type Item = Result<RawRow, RowProblem>;

    fn next(&mut self) -> Option<Self::Item> {
        let mut cells = StringRecord::new();
        match self.reader.read_record(&mut cells) {
            Ok(false) => None,
            Ok(true) => Some(Ok(RawRow { line: self.line_of(&cells), cells, errors: Vec::new() })),
            Err(error) => {
                let line = error.position().map_or(0, |position| position.line());
                let error = error.to_string();
                Some(Err(RowProblem::at_line(
                    line,
                    said(format!("unreadable line: {error}"), format!("không đọc được dòng: {error}")),
                )))
            }
        }
    }
}

/// Records of any length, so that a title line above the table reads as a short record rather
/// than an error; cells trimmed, as a person reads them.
fn reader(separator: u8) -> ReaderBuilder {
    let mut builder = ReaderBuilder::new();
    builder.delimiter(separator).has_headers(false).flexible(true).trim(Trim::All);
    builder
}

/// The separator of the text: the one its first line names in Excel's `sep=;` hint, else the one
/// that splits the first records (quotes respected) most consistently, that is, whose most common
/// field count, above one, is shared by the most records; on a tie, the one giving more fields,
/// then the one listed first. A comma when none splits anything (a one-column table).
fn separator(text: &[u8]) -> u8 {
    if let Some([hinted, b'\r' | b'\n', ..]) = text.strip_prefix(b"sep=") {
        return *hinted;
    }
    // `max_by_key` keeps the last of equals, hence the reversed list.
    SEPARATORS
        .into_iter()
        .rev()
        .filter_map(|separator| {
            let (fields, records) = usual_field_count(text, separator)?;
            (fields > 1).then_some(((records, fields), separator))
        })
        .max_by_key(|(score, _)| *score)
        .map_or(b',', |(_, separator)| separator)
}

/// The most common field count among the first records split by `separator`, and how many
/// records have it (the larger count wins a tie).
fn usual_field_count(text: &[u8], separator: u8) -> Option<(usize, usize)> {
    let mut counts: HashMap<usize, usize> = HashMap::new();
    for record in reader(separator).from_reader(text).records().take(SAMPLE_RECORDS) {
        *counts.entry(record.ok()?.len()).or_default() += 1;
    }
    counts.into_iter().max_by_key(|&(fields, records)| (records, fields))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_each_separator() {
        assert_eq!(separator(b"a,b,c\n1,2,3\n"), b',');
        assert_eq!(separator(b"a;b;c\n1;2;3\n"), b';');
        assert_eq!(separator(b"a\tb\tc\n1\t2\t3\n"), b'\t');
        assert_eq!(separator(b"a|b|c\n1|2|3\n"), b'|');
        assert_eq!(separator(b"code\n15187\n"), b',');
        assert_eq!(separator(b"a,b\n;\n"), b',');
        assert_eq!(separator(b"sep=;\r\na,b;c\n"), b';');
    }

    #[test]
    fn decimal_commas_do_not_fool_the_semicolon() {
        let text = "Mã thôn;Tên;Vĩ độ;Kinh độ\n15187;Thôn 1;21,0285;105,8542\n15188;Thôn 2;21,03;105,85\n";
        assert_eq!(separator(text.as_bytes()), b';');
    }

    #[test]
    fn quoted_separators_and_a_title_line_do_not_fool_it() {
        let text = "DANH SÁCH THÔN, BẢN\ncode,name\n1,\"Thôn 1; xã A\"\n2,\"Thôn 2; xã B\"\n";
        assert_eq!(separator(text.as_bytes()), b',');
    }

    #[test]
    fn rows_keep_the_line_they_start_on() {
        let text = "title\n\ncode,name\n1,\"two\nlines\"\n2,b\n";
        let rows: Vec<(u64, Vec<String>)> = TextRows::new(Cow::Borrowed(text))
            .map(|row| row.map(|row| (row.line, row.cells.iter().map(str::to_owned).collect())))
            .collect::<Result<_, _>>()
            .unwrap();
        let lines: Vec<u64> = rows.iter().map(|(line, _)| *line).collect();
        assert_eq!(lines, [1, 3, 4, 6]);
        assert_eq!(rows[2].1, ["1", "two\nlines"]);
    }
}
