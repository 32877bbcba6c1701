//! What an import expects of a table: its columns under their canonical keys with the headers
//! offices write for them, and how some columns' cells become canonical text. The header row is
//! found here, below any title lines, and each file column is tied to a key or ignored.

use super::row::RawRow;
use super::values::{folds_to, normalise_key, parse_date, parse_decimal, parse_flag, parse_word, quoted, Words};
use super::{said, RowProblem, Said};
use csv::StringRecord;

/// A column an import reads.
#[derive(Clone, Copy, Debug)]
pub struct Column {
    /// The canonical key: the field name of the row type, always accepted as a header.
    pub key: &'static str,
    /// Other headers accepted for the column, such as "Mã thôn" for `village_code`.
    pub aliases: &'static [&'static str],
    /// Whether the header row must name this column (a cell may still be empty).
    pub required: bool,
}

/// How a column's cells are brought to canonical text before the row is deserialised, so the row
/// type declares plain `String`, `bool`, `f64` fields and a bad cell is reported with its line and
/// column like any other. An empty cell stays empty (absent for an `Option`).
#[derive(Clone, Copy, Debug)]
pub enum Values {
    /// A word of the map (or a canonical value) becomes the canonical value; see [`super::value_alias`].
    Words(&'static Words),
    /// Yes/no in any spelling becomes `true` or `false`; see [`super::parse_flag`].
    Flag,
    /// A decimal with a comma or a dot becomes a number with a dot; see [`super::parse_decimal`].
    Decimal,
    /// A date in any accepted form becomes `YYYY-MM-DD` (or a UTC timestamp); see [`super::parse_date`].
    Date,
}

impl Values {
    /// The canonical text of `text`.
    fn canonical(self, text: &str) -> Result<String, Said> {
        Ok(match self {
            Values::Words(words) => parse_word(words, text)?.unwrap_or_default().to_owned(),
            Values::Flag => parse_flag(text)?.map(|flag| flag.to_string()).unwrap_or_default(),
            Values::Decimal => parse_decimal(text)?.map(|number| number.to_string()).unwrap_or_default(),
            Values::Date => parse_date(text)?.unwrap_or_default(),
        })
    }
}

/// The columns of an import.
#[derive(Clone, Copy, Debug)]
pub struct Spec {
    pub columns: &'static [Column],
    /// The [`Values`] of some columns, by key; the others are read as written.
    pub values: &'static [(&'static str, Values)],
}

/// The header row is looked for among this many first non-blank rows.
pub(crate) const HEADER_SEARCH_ROWS: usize = 20;

/// The header row of a table and what each of its cells means.
pub(crate) struct Header {
    pub(crate) line: u64,
    /// The columns the spec knows, in the spec's order.
    fields: Vec<Field>,
    /// The canonical keys of `fields`, the field names for deserialising.
    pub(crate) keys: StringRecord,
    /// Headers the spec does not know, as written.
    pub(crate) ignored: Vec<String>,
    /// How many cells the header row has; a value beyond them has no column.
    width: usize,
}

/// A column of the file tied to a column of the spec.
struct Field {
    position: usize,
    header: String,
    key: &'static str,
    values: Option<Values>,
}

impl Field {
    /// The column as a message names it: its header, and its key when the header does not show it.
    fn label(&self) -> String {
        if normalise_key(&self.header).contains(&normalise_key(self.key)) {
            format!("'{}'", self.header)
        } else {
            format!("'{}' ({})", self.header, self.key)
        }
    }
}

impl Spec {
    /// The header row among `rows`: the first that names every required column (and at least one
    /// column). Otherwise, the problems of the row that came closest.
    pub(crate) fn header(&self, rows: &[RawRow]) -> Result<Header, Vec<RowProblem>> {
        let named: Vec<Vec<Option<usize>>> = rows.iter().map(|row| self.columns_named(&row.cells)).collect();
        let complete = |columns: &Vec<Option<usize>>| {
            columns.iter().any(Option::is_some)
                && self
                    .columns
                    .iter()
                    .enumerate()
                    .all(|(index, column)| !column.required || columns.contains(&Some(index)))
        };
        match named.iter().position(complete) {
            Some(found) => self.tie(&rows[found], &named[found]),
            None => {
                // The first of the rows naming the most columns.
                let closest = named.iter().rev().max_by_key(|columns| columns.iter().flatten().count());
                Err(self.missing(closest.map_or(&[][..], Vec::as_slice)))
            }
        }
    }

    /// For each cell of a row, the spec column its text names.
    fn columns_named(&self, cells: &StringRecord) -> Vec<Option<usize>> {
        cells.iter().map(|header| self.column_named(header)).collect()
    }

    /// The spec column a header names. A trailing parenthesis holds a unit or the key ("Vĩ độ
    /// (lat)", "Băng thông (Mbps)"), so the header is tried whole, then without it, then as it.
    fn column_named(&self, header: &str) -> Option<usize> {
        let (before, inside) = header
            .trim_end()
            .strip_suffix(')')
            .and_then(|rest| rest.rsplit_once('('))
            .map_or((None, None), |(before, inside)| (Some(before), Some(inside)));
        [Some(header), before, inside]
            .into_iter()
            .flatten()
            .map(normalise_key)
            .filter(|name| !name.is_empty())
            .find_map(|name| self.columns.iter().position(|column| column.names().any(|n| folds_to(n, &name))))
    }

    /// Ties the cells of the header row to the spec's columns; two cells naming one column is a
    /// problem, as the file would say two things about one value.
    fn tie(&self, row: &RawRow, named: &[Option<usize>]) -> Result<Header, Vec<RowProblem>> {
        let mut fields: Vec<(usize, Field)> = Vec::new();
        let mut ignored = Vec::new();
        let mut problems = Vec::new();
        for (position, (header, column)) in row.cells.iter().zip(named).enumerate() {
            let Some(index) = *column else {
                if !header.is_empty() {
                    ignored.push(header.to_owned());
                }
                continue;
            };
            let key = self.columns[index].key;
            if let Some((_, first)) = fields.iter().find(|(earlier, _)| *earlier == index) {
                problems.push(RowProblem::at_line(row.line, twice(&first.header, header, key)));
                continue;
            }
            let values = self.values.iter().find(|(named, _)| *named == key).map(|(_, values)| *values);
            fields.push((index, Field { position, header: header.to_owned(), key, values }));
        }
        if !problems.is_empty() {
            return Err(problems);
        }
        fields.sort_by_key(|(index, _)| *index);
        let fields: Vec<Field> = fields.into_iter().map(|(_, field)| field).collect();
        let keys = fields.iter().map(|field| field.key).collect();
        Ok(Header { line: row.line, fields, keys, ignored, width: row.cells.len() })
    }

    /// One problem for each required column that `named` lacks, or one saying no column was
    /// found at all.
    fn missing(&self, named: &[Option<usize>]) -> Vec<RowProblem> {
        let mut problems: Vec<RowProblem> = (self.columns.iter().enumerate())
            .filter(|(index, column)| column.required && !named.contains(&Some(*index)))
            .map(|(_, column)| RowProblem::whole_file(missing_column(column)))
            .collect();
        if problems.is_empty() {
            problems.push(RowProblem::whole_file(no_header(self.columns)));
        }
        problems
    }
}

impl Column {
    /// The headers that name the column: its key, then its aliases.
    fn names(&self) -> impl Iterator<Item = &'static str> {
        std::iter::once(self.key).chain(self.aliases.iter().copied())
    }

    /// The names, for a message.
    fn accepted(&self) -> String {
        self.names().collect::<Vec<_>>().join(", ")
    }
}

fn missing_column(column: &Column) -> Said {
    let (key, accepted, rows) = (column.key, column.accepted(), HEADER_SEARCH_ROWS);
    said(
        format!("missing column '{key}': no header in the first {rows} rows is one of {accepted}"),
        format!("thiếu cột '{key}': trong {rows} dòng đầu không có tiêu đề nào là một trong {accepted}"),
    )
}

fn no_header(columns: &[Column]) -> Said {
    let (all, rows) = (columns.iter().map(Column::accepted).collect::<Vec<_>>().join("; "), HEADER_SEARCH_ROWS);
    said(
        format!("no header row found: the first {rows} rows name none of the columns ({all})"),
        format!("không tìm thấy dòng tiêu đề: {rows} dòng đầu không có cột nào ({all})"),
    )
}

fn twice(first: &str, second: &str, key: &str) -> Said {
    said(
        format!("columns '{first}' and '{second}' both give {key}; keep one of them"),
        format!("cột '{first}' và cột '{second}' đều là {key}; hãy chỉ giữ một cột"),
    )
}

impl Header {
    /// The cells of `row` under the canonical keys, in the order of [`Header::keys`], written
    /// into `record`; or the problems of the row (error values, values without a column, values
    /// that their column's [`Values`] cannot read).
    pub(crate) fn project(&self, row: &RawRow, record: &mut StringRecord) -> Vec<RowProblem> {
        let mut problems = Vec::new();
        let mut problem = |said: Said| problems.push(RowProblem::at_line(row.line, said));
        if let Some((position, value)) = row.cells.iter().enumerate().skip(self.width).find(|(_, v)| !v.is_empty()) {
            problem(without_column(position, value));
        }
        record.clear();
        for field in &self.fields {
            let text = row.cells.get(field.position).unwrap_or_default();
            if let Some((_, error)) = row.errors.iter().find(|(position, _)| *position == field.position) {
                problem(error_value(&field.label(), error));
            }
            match field.values.map(|values| values.canonical(text)) {
                None => record.push_field(text),
                Some(Ok(canonical)) => record.push_field(&canonical),
                Some(Err(said)) => problem(in_column(&field.label(), said)),
            }
        }
        problems
    }

    /// The label of the deserialised field at `index` of [`Header::keys`].
    pub(crate) fn label(&self, index: usize) -> Option<String> {
        self.fields.get(index).map(Field::label)
    }
}

/// A message about a column's value, led by the column.
pub(crate) fn in_column(label: &str, said: Said) -> Said {
    Said { en: format!("column {label}: {}", said.en), vi: format!("cột {label}: {}", said.vi) }
}

fn error_value(label: &str, error: &str) -> Said {
    in_column(
        label,
        super::said(
            format!("the cell shows the error {error}; fix the formula or type the value"),
            format!("ô có lỗi {error}; hãy sửa công thức hoặc nhập giá trị"),
        ),
    )
}

fn without_column(position: usize, value: &str) -> Said {
    let (number, value) = (position + 1, quoted(value));
    said(
        format!("value {value} in column {number} has no header; a separator inside a value may have split it"),
        format!("giá trị {value} ở cột thứ {number} không có tiêu đề; có thể dấu phân cách trong giá trị đã tách nó"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const SPEC: Spec = Spec {
        columns: &[
            Column { key: "village_code", aliases: &["Mã thôn", "Mã thôn/bản"], required: true },
            Column { key: "lat", aliases: &["Vĩ độ"], required: false },
            Column { key: "bandwidth_mbps", aliases: &["Băng thông"], required: false },
        ],
        values: &[],
    };

    #[test]
    fn headers_match_by_key_alias_and_parenthesis() {
        let named = |header| SPEC.column_named(header).map(|index| SPEC.columns[index].key);
        for header in ["village_code", "Village Code", "MÃ THÔN", "ma-thon", "Mã thôn/bản", "Mã thôn (village_code)"]
        {
            assert_eq!(named(header), Some("village_code"), "{header}");
        }
        // An unknown wording still names its column by the key in parentheses.
        assert_eq!(named("Mã làng (village_code)"), Some("village_code"));
        assert_eq!(named("Vĩ độ (lat)"), Some("lat"));
        assert_eq!(named(" vi_do "), Some("lat"));
        assert_eq!(named("Băng thông (Mbps)"), Some("bandwidth_mbps"));
        for header in ["STT", "Ghi chú", "", "()", "Kinh độ"] {
            assert_eq!(named(header), None, "{header}");
        }
    }
}
