//! Reading CSV files for bulk imports: UTF-8 (with or without a byte-order mark), a header line
//! naming the columns in any order, and every problem reported with its line so that one attempt
//! shows everything to fix. Nothing here writes: callers import only when every row is good.

use serde::de::DeserializeOwned;
use serde::Serialize;

pub use model::{said, Said};

/// A line of a file that could not be imported, and why.
#[derive(utoipa::ToSchema, Clone, Debug, PartialEq, Serialize)]
pub struct RowProblem {
    /// 1-based line of a CSV file (the header is line 1); absent for a GeoJSON file.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u64>,
    /// 0-based index of a GeoJSON feature in its FeatureCollection; absent for a CSV file.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub feature: Option<u64>,
    /// What is wrong, in English.
    pub message: String,
    /// The same in Vietnamese.
    pub message_vi: String,
}

impl RowProblem {
    /// A problem of a CSV line.
    pub fn at_line(line: u64, said: Said) -> RowProblem {
        RowProblem { line: Some(line), feature: None, message: said.en, message_vi: said.vi }
    }

    /// A problem of a GeoJSON feature.
    pub fn at_feature(feature: u64, said: Said) -> RowProblem {
        RowProblem { line: None, feature: Some(feature), message: said.en, message_vi: said.vi }
    }

    /// A problem of the whole file.
    pub fn whole_file(said: Said) -> RowProblem {
        RowProblem { line: None, feature: None, message: said.en, message_vi: said.vi }
    }
}

/// Most problems a refusal lists; the rest are counted in one last problem.
pub const MAX_PROBLEMS: usize = 1000;
/// Longest message of one problem, in characters: a line may quote a value of megabytes.
pub const MAX_PROBLEM_CHARS: usize = 300;

/// A file refused whole, its problems bounded ([`MAX_PROBLEMS`], [`MAX_PROBLEM_CHARS`]): a
/// rejected 15 MiB file is answered in kilobytes, not in twice its size.
pub fn rejected_file(mut problems: Vec<RowProblem>) -> super::StoreError {
    let more = problems.len().saturating_sub(MAX_PROBLEMS);
    problems.truncate(MAX_PROBLEMS);
    for problem in &mut problems {
        shorten(&mut problem.message);
        shorten(&mut problem.message_vi);
    }
    if more > 0 {
        problems.push(RowProblem::whole_file(said(
            format!("… and {more} more problems; correct these first"),
            format!("… và {more} lỗi nữa; hãy sửa các lỗi trên trước"),
        )));
    }
    super::StoreError::RejectedFile(problems)
}

/// Cuts a message to [`MAX_PROBLEM_CHARS`] characters, marking the cut.
fn shorten(message: &mut String) {
    if let Some((cut, _)) = message.char_indices().nth(MAX_PROBLEM_CHARS) {
        message.truncate(cut);
        message.push('…');
    }
}

/// What an import did (or, in a dry run, would do).
#[derive(utoipa::ToSchema, Clone, Debug, PartialEq, Serialize)]
pub struct ImportOutcome {
    pub rows: usize,
    pub dry_run: bool,
}

/// Parses every row of a CSV file into `T`, checking the header against the `required` and
/// `allowed` column names. Returns each row with its line number, or every problem found.
pub fn read_csv<T: DeserializeOwned>(
    bytes: &[u8],
    required: &[&str],
    allowed: &[&str],
) -> Result<Vec<(u64, T)>, Vec<RowProblem>> {
    let whole_file = |said: Said| vec![RowProblem::at_line(1, said)];
    let text = std::str::from_utf8(bytes).map_err(|error| whole_file(not_utf8(error.valid_up_to())))?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut reader = csv::ReaderBuilder::new().trim(csv::Trim::All).from_reader(text.as_bytes());
    let headers = reader
        .headers()
        .map_err(|error| {
            whole_file(said(format!("unreadable header: {error}"), format!("không đọc được dòng tiêu đề: {error}")))
        })?
        .clone();
    let columns = allowed.join(", ");
    for column in required {
        if !headers.iter().any(|header| header == *column) {
            return Err(whole_file(said(
                format!("missing column '{column}'; the header must name {columns}"),
                format!("thiếu cột '{column}'; dòng tiêu đề phải có {columns}"),
            )));
        }
    }
    if let Some(unknown) = headers.iter().find(|header| !allowed.contains(header)) {
        return Err(whole_file(said(
            format!("unknown column '{unknown}'; columns are {columns}"),
            format!("cột '{unknown}' không được biết; các cột là {columns}"),
        )));
    }
    let mut rows = Vec::new();
    let mut problems = Vec::new();
    for record in reader.records() {
        match record {
            Err(error) => {
                let line = error.position().map_or(0, |p| p.line());
                problems.push(RowProblem::at_line(line, unreadable_row(&error)));
            }
            Ok(record) => {
                let line = record.position().map_or(0, |p| p.line());
                match record.deserialize::<T>(Some(&headers)) {
                    Ok(row) => rows.push((line, row)),
                    Err(error) => problems.push(RowProblem::at_line(line, unreadable_row(&error))),
                }
            }
        }
    }
    if rows.is_empty() && problems.is_empty() {
        return Err(whole_file(said(
            "the file has a header but no rows",
            "tệp chỉ có dòng tiêu đề, không có dòng dữ liệu",
        )));
    }
    if problems.is_empty() {
        Ok(rows)
    } else {
        Err(problems)
    }
}

/// Checks every parsed CSV row with `check` (which lists a row's problems); all rows or all
/// problems.
pub fn check_rows<T, U>(
    rows: Vec<(u64, T)>,
    check: impl FnMut(&T) -> Result<U, Vec<Said>>,
) -> Result<Vec<U>, Vec<RowProblem>> {
    check_items(rows, RowProblem::at_line, check)
}

/// A file that is not UTF-8, with where its first bad byte is.
pub fn not_utf8(offset: usize) -> Said {
    said(
        format!("the file is not UTF-8 (first bad byte at offset {offset}); save it as UTF-8"),
        format!("tệp không phải UTF-8 (byte lỗi đầu tiên ở vị trí {offset}); hãy lưu tệp dạng UTF-8"),
    )
}

fn unreadable_row(error: &csv::Error) -> Said {
    said(format!("unreadable row: {error}"), format!("không đọc được dòng: {error}"))
}

/// Checks every item (located by a line or a feature index, as `locate` says) with `check`; all
/// items or all problems.
pub fn check_items<T, U>(
    items: Vec<(u64, T)>,
    locate: fn(u64, Said) -> RowProblem,
    mut check: impl FnMut(&T) -> Result<U, Vec<Said>>,
) -> Result<Vec<U>, Vec<RowProblem>> {
    let mut checked = Vec::with_capacity(items.len());
    let mut problems = Vec::new();
    for (place, item) in items {
        match check(&item) {
            Ok(good) => checked.push(good),
            Err(messages) => problems.extend(messages.into_iter().map(|said| locate(place, said))),
        }
    }
    if problems.is_empty() {
        Ok(checked)
    } else {
        Err(problems)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refusal_lists_a_bounded_number_of_bounded_problems() {
        let huge = "x".repeat(10_000);
        let problems: Vec<RowProblem> = (0..2_000)
            .map(|line| RowProblem::at_line(line, said(format!("bad '{huge}'"), format!("sai '{huge}'"))))
            .collect();
        let super::super::StoreError::RejectedFile(answer) = rejected_file(problems) else { panic!("a refusal") };
        assert_eq!(answer.len(), MAX_PROBLEMS + 1);
        assert!(answer.iter().all(|problem| problem.message.chars().count() <= MAX_PROBLEM_CHARS + 1));
        assert!(answer[MAX_PROBLEMS].message.contains("1000 more"), "{:?}", answer[MAX_PROBLEMS]);
    }
}
