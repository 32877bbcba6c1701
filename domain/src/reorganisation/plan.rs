//! A reorganisation file read and checked on its own (no database): each line, then the lines
//! together (merges grouped by new code; splits, repeats and chains refused).

use super::FILE_SPEC;
use crate::imports::{self, RowProblem};
use model::{said, Said};
use serde::Deserialize;
use std::collections::{BTreeMap, HashMap};

/// One line of the file as read.
#[derive(Debug, Deserialize)]
struct FileRow {
    old_code: String,
    old_name: Option<String>,
    new_code: Option<String>,
    new_name: Option<String>,
    effective_date: String,
    legal_basis: Option<String>,
    new_parent_code: Option<String>,
}

/// One line that passed its own checks.
#[derive(Clone, Debug, PartialEq)]
pub(super) struct Line {
    pub(super) line: u64,
    pub(super) old_code: String,
    pub(super) old_name: Option<String>,
    /// `None`: the old unit is dissolved, not merged.
    pub(super) new_code: Option<String>,
    pub(super) new_name: Option<String>,
    /// `YYYY-MM-DD`.
    pub(super) effective: String,
    pub(super) legal_basis: Option<String>,
    pub(super) new_parent_code: Option<String>,
}

/// Old units that become one new unit.
#[derive(Clone, Debug, PartialEq)]
pub(super) struct Merge {
    pub(super) new_code: String,
    pub(super) new_name: String,
    pub(super) effective: String,
    pub(super) legal_basis: Option<String>,
    pub(super) new_parent_code: Option<String>,
    /// The lines naming the old units, in file order.
    pub(super) olds: Vec<Line>,
}

/// What a file asks for, checked line by line and across lines.
#[derive(Debug, Default)]
pub(super) struct Plan {
    pub(super) merges: Vec<Merge>,
    pub(super) dissolutions: Vec<Line>,
    pub(super) ignored_columns: Vec<String>,
    pub(super) rows: usize,
}

/// Reads the file and checks each line and the lines together (no database).
pub(super) fn read_plan(file: &[u8], today: &str) -> Result<Plan, Vec<RowProblem>> {
    let checked = imports::read_and_check(file, &FILE_SPEC, |line, row: &FileRow| check_line(line, row, today))?;
    let rows = checked.rows.len();
    let mut plan = group(checked.rows)?;
    plan.ignored_columns = checked.ignored_columns;
    plan.rows = rows;
    Ok(plan)
}

const MAX_CODE_CHARS: usize = 40;
const MAX_NAME_CHARS: usize = 200;
const MAX_BASIS_CHARS: usize = 300;

fn check_line(line: u64, row: &FileRow, today: &str) -> Result<Line, Vec<Said>> {
    let mut problems = Vec::new();
    let mut keep = |result: Result<Option<String>, Said>| result.map_err(|said| problems.push(said)).ok().flatten();
    let old_code = keep(crate::text::required("old_code", &row.old_code, MAX_CODE_CHARS).map(Some));
    let old_name = keep(crate::text::optional("old_name", row.old_name.as_deref(), MAX_NAME_CHARS));
    let new_code = keep(crate::text::optional("new_code", row.new_code.as_deref(), MAX_CODE_CHARS));
    let new_name = keep(crate::text::optional("new_name", row.new_name.as_deref(), MAX_NAME_CHARS));
    let legal_basis = keep(crate::text::optional("legal_basis", row.legal_basis.as_deref(), MAX_BASIS_CHARS));
    let new_parent_code =
        keep(crate::text::optional("new_parent_code", row.new_parent_code.as_deref(), MAX_CODE_CHARS));
    // The table reader has made every date `YYYY-MM-DD` or a timestamp; a change takes effect
    // on a day.
    let effective = (row.effective_date.len() == 10).then(|| row.effective_date.clone());
    match &effective {
        None => problems.push(said(
            format!("effective_date: '{}' is not a day like 2025-07-01", row.effective_date),
            format!("effective_date: '{}' không phải một ngày như 01/07/2025", row.effective_date),
        )),
        Some(date) if date.as_str() > today => problems.push(said(
            format!(
                "effective_date: {date} is in the future; import the reorganisation on or after the day it \
                 takes effect (until then the units of today stay current)"
            ),
            format!(
                "effective_date: {date} là ngày trong tương lai; hãy nhập việc sắp xếp từ ngày nó có hiệu lực \
                 (trước đó các đơn vị hiện nay vẫn còn hiệu lực)"
            ),
        )),
        Some(_) => {}
    }
    match (&new_code, &new_name) {
        (Some(_), None) => problems.push(said(
            "new_name: the name of the new unit is required (e.g. Xã Kim Tân)",
            "new_name: cần tên của đơn vị mới (ví dụ Xã Kim Tân)",
        )),
        (None, Some(_)) => problems.push(said(
            "new_code: a new name without a new code; leave both empty to dissolve the old unit",
            "new_code: có tên mới mà không có mã mới; để trống cả hai nếu đơn vị cũ bị giải thể",
        )),
        _ => {}
    }
    match (old_code, effective) {
        (Some(old_code), Some(effective)) if problems.is_empty() => {
            Ok(Line { line, old_code, old_name, new_code, new_name, effective, legal_basis, new_parent_code })
        }
        _ => Err(problems),
    }
}

/// Groups the lines into merges and dissolutions, refusing splits, repeated old codes, a new unit
/// described two ways and chains within one file.
fn group(lines: Vec<Line>) -> Result<Plan, Vec<RowProblem>> {
    let mut problems = Vec::new();
    let mut first_line_of_old: HashMap<String, &Line> = HashMap::new();
    for line in &lines {
        match first_line_of_old.get(&line.old_code) {
            None => {
                first_line_of_old.insert(line.old_code.clone(), line);
            }
            Some(first) if first.new_code == line.new_code => problems.push(RowProblem::at_line(
                line.line,
                said(
                    format!("old_code {} repeats line {}", line.old_code, first.line),
                    format!("old_code {} lặp lại dòng {}", line.old_code, first.line),
                ),
            )),
            Some(first) => problems.push(RowProblem::at_line(line.line, split_refused(&line.old_code, first.line))),
        }
    }
    let mut merges: BTreeMap<&str, Merge> = BTreeMap::new();
    let mut dissolutions = Vec::new();
    for line in &lines {
        let Some(new_code) = line.new_code.as_deref() else {
            dissolutions.push(line.clone());
            continue;
        };
        let merge = merges.entry(new_code).or_insert_with(|| Merge {
            new_code: new_code.to_owned(),
            new_name: line.new_name.clone().unwrap_or_default(),
            effective: line.effective.clone(),
            legal_basis: line.legal_basis.clone(),
            new_parent_code: line.new_parent_code.clone(),
            olds: Vec::new(),
        });
        let first = merge.olds.first().map_or(line.line, |first| first.line);
        let differs = |what: &str, what_vi: &str| {
            RowProblem::at_line(
                line.line,
                said(
                    format!("{what} of new unit {new_code} differs from line {first}; one new unit has one {what}"),
                    format!("{what_vi} của đơn vị mới {new_code} khác với dòng {first}; mỗi đơn vị mới chỉ có một {what_vi}"),
                ),
            )
        };
        if line.new_name.as_deref() != Some(merge.new_name.as_str()) {
            problems.push(differs("new_name", "tên mới"));
        }
        if line.effective != merge.effective {
            problems.push(differs("effective_date", "ngày hiệu lực"));
        }
        if line.new_parent_code != merge.new_parent_code {
            problems.push(differs("new_parent_code", "mã cấp trên mới"));
        }
        merge.olds.push(line.clone());
    }
    for merge in merges.values() {
        let ended_elsewhere = lines
            .iter()
            .find(|line| line.old_code == merge.new_code && line.new_code.as_deref() != Some(merge.new_code.as_str()));
        if let Some(line) = ended_elsewhere {
            problems.push(RowProblem::at_line(
                line.line,
                said(
                    format!(
                        "{} is ended on this line and is the new unit of line {}: one file cannot chain two changes; \
                         import them as two files, in order",
                        merge.new_code, merge.olds[0].line
                    ),
                    format!(
                        "{} vừa bị chấm dứt ở dòng này vừa là đơn vị mới ở dòng {}: một tệp không thể nối hai lần \
                         thay đổi; hãy nhập thành hai tệp, theo thứ tự",
                        merge.new_code, merge.olds[0].line
                    ),
                ),
            ));
        }
    }
    if problems.is_empty() {
        Ok(Plan { merges: merges.into_values().collect(), dissolutions, ..Plan::default() })
    } else {
        problems.sort_by_key(|problem| problem.line);
        Err(problems)
    }
}

/// Why a split is refused, and what it would need.
fn split_refused(old_code: &str, first_line: u64) -> Said {
    said(
        format!(
            "old_code {old_code} also goes to another new unit on line {first_line}: that is a split, which this \
             import does not do. A split needs to say which villages go to which new unit; merge the whole unit \
             into one of them here, then move the villages of the other part to its unit"
        ),
        format!(
            "old_code {old_code} còn được chuyển vào một đơn vị mới khác ở dòng {first_line}: đó là chia tách, \
             việc nhập này chưa làm được. Chia tách cần biết thôn nào về đơn vị mới nào; hãy nhập cả đơn vị vào \
             một đơn vị mới ở đây, rồi chuyển các thôn của phần còn lại sang đơn vị của chúng"
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const TODAY: &str = "2026-12-01";

    fn plan(text: &str) -> Result<Plan, Vec<RowProblem>> {
        read_plan(text.as_bytes(), TODAY)
    }

    #[test]
    fn merges_are_grouped_by_new_code() {
        let plan = plan(
            "old_code,old_name,new_code,new_name,effective_date,legal_basis\n\
             15187,Thị trấn Kim Tân,15187,Xã Kim Tân,2025-07-01,1686/NQ-UBTVQH15\n\
             15214,Xã Thạch Định,15187,Xã Kim Tân,01/07/2025,1686/NQ-UBTVQH15\n\
             15190,Thị trấn Vân Du,15190,Xã Vân Du,2025-07-01,1686/NQ-UBTVQH15\n\
             391,Huyện Thạch Thành,,,2025-07-01,\n",
        )
        .expect("a good file");
        assert_eq!(plan.rows, 4);
        assert_eq!(plan.merges.len(), 2);
        assert_eq!(plan.merges[0].new_code, "15187");
        assert_eq!(plan.merges[0].olds.len(), 2);
        assert_eq!(plan.merges[0].effective, "2025-07-01", "day-first dates are read");
        assert_eq!(plan.dissolutions.len(), 1);
    }

    #[test]
    fn a_split_is_refused_with_what_it_would_need() {
        let problems = plan(
            "old_code,new_code,new_name,effective_date\n\
             1,10,Xã A,2025-07-01\n\
             1,11,Xã B,2025-07-01\n",
        )
        .expect_err("a split");
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].line, Some(3));
        assert!(problems[0].message.contains("split"), "{}", problems[0].message);
        assert!(problems[0].message_vi.contains("chia tách"), "{}", problems[0].message_vi);
    }

    #[test]
    fn one_new_unit_is_described_one_way_and_dates_are_not_in_the_future() {
        let problems = plan(
            "old_code,new_code,new_name,effective_date\n\
             1,10,Xã A,2025-07-01\n\
             2,10,Xã Á,2025-07-01\n",
        )
        .expect_err("two names for one unit");
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(problems[0].line, Some(3));
        assert!(problems[0].message.contains("new_name of new unit 10 differs from line 2"), "{problems:?}");
        let problems = plan(
            "old_code,new_code,new_name,effective_date\n\
             3,11,Xã B,2099-01-01\n\
             4,12,,2025-07-01\n",
        )
        .expect_err("refused");
        let lines: Vec<Option<u64>> = problems.iter().map(|problem| problem.line).collect();
        assert_eq!(lines, vec![Some(2), Some(3)], "{problems:?}");
        assert!(problems[0].message.contains("future"));
        assert!(problems[1].message.contains("new_name"));
    }

    #[test]
    fn a_chain_within_one_file_is_refused() {
        let problems = plan(
            "old_code,new_code,new_name,effective_date\n\
             1,2,Xã B,2025-07-01\n\
             2,3,Xã C,2025-07-01\n",
        )
        .expect_err("a chain");
        assert!(problems.iter().any(|problem| problem.message.contains("chain")), "{problems:?}");
    }

    #[test]
    fn vietnamese_headers_are_read() {
        let plan = plan(
            "Mã cũ;Tên cũ;Mã mới;Tên mới;Ngày hiệu lực;Căn cứ\n\
             15241;Xã Thành Trực;15187;Xã Kim Tân;01/07/2025;1686/NQ-UBTVQH15\n",
        )
        .expect("read");
        assert_eq!(plan.merges[0].olds[0].old_code, "15241");
    }
}
