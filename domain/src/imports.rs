//! What every import shares: the problems of a refused file (by line or feature, in both
//! languages, bounded), the outcome of an import or a dry run, and checking every row before
//! anything is written (all or nothing). Files are read by [`crate::tabular`].

use serde::Serialize;

pub use model::{said, Said};

pub use crate::problems::RowProblem;

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
    /// Columns of the file the import does not know, as the file named them: not read (an office
    /// file often carries its own, such as "STT"), and said so in case one was meant.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub ignored_columns: Vec<String>,
}

/// The rows of a file that passed every check, and the columns it ignored.
#[derive(Clone, Debug, PartialEq)]
pub struct Checked<U> {
    pub rows: Vec<U>,
    pub ignored_columns: Vec<String>,
}

impl<U> Checked<U> {
    /// What importing these rows did, or in a dry run would do.
    pub fn outcome(&self, dry_run: bool) -> ImportOutcome {
        ImportOutcome { rows: self.rows.len(), dry_run, ignored_columns: self.ignored_columns.clone() }
    }
}

/// Reads every row of a table file ([`crate::tabular`]) and checks each row read with `check`
/// (which lists a row's problems, with its line): all rows, or every problem of either kind in
/// line order, so one attempt shows the officer everything there is to fix.
pub fn read_and_check<T: serde::de::DeserializeOwned, U>(
    file: &[u8],
    spec: &crate::tabular::Spec,
    check: impl FnMut(u64, &T) -> Result<U, Vec<Said>>,
) -> Result<Checked<U>, Vec<RowProblem>> {
    let (checked, problems) = read_checking(file, spec, check)?;
    if problems.is_empty() {
        Ok(checked)
    } else {
        Err(problems)
    }
}

/// [`read_and_check`], answering the good rows beside the problems of the others, for an import
/// that checks the good rows against the database too before it refuses the file: the officer
/// then sees an unknown village and a malformed number in one answer. Only a problem of the
/// whole file (no header row, no rows) is an error.
pub fn read_checking<T: serde::de::DeserializeOwned, U>(
    file: &[u8],
    spec: &crate::tabular::Spec,
    mut check: impl FnMut(u64, &T) -> Result<U, Vec<Said>>,
) -> Result<(Checked<U>, Vec<RowProblem>), Vec<RowProblem>> {
    let table = crate::tabular::Table::open(file, spec)?;
    let ignored_columns = table.ignored_columns().to_vec();
    let mut checked = Vec::new();
    let mut problems = Vec::new();
    for row in table.rows::<T>() {
        match row {
            Ok((line, row)) => match check(line, &row) {
                Ok(good) => checked.push(good),
                Err(messages) => problems.extend(messages.into_iter().map(|said| RowProblem::at_line(line, said))),
            },
            Err(problem) => problems.push(problem),
        }
    }
    if checked.is_empty() && problems.is_empty() {
        return Err(vec![RowProblem::whole_file(said(
            "the file has a header but no rows",
            "tệp chỉ có dòng tiêu đề, không có dòng dữ liệu",
        ))]);
    }
    problems.sort_by_key(|problem| problem.line);
    Ok((Checked { rows: checked, ignored_columns }, problems))
}

/// A text file (GeoJSON) that is not UTF-8, with where its first bad byte is.
pub fn not_utf8(offset: usize) -> Said {
    said(
        format!("the file is not UTF-8 text (first bad byte at offset {offset}); export it again as UTF-8"),
        format!("tệp không phải văn bản UTF-8 (byte lỗi đầu tiên ở vị trí {offset}); hãy xuất lại tệp dạng UTF-8"),
    )
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
