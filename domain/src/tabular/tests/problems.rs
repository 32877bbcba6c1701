//! Files that cannot be imported as they are: each problem says what to do, in both languages,
//! on the line and column to fix.

use super::common::{problem, problems, Report, OFFICE_CSV, REPORTS};
use crate::tabular::{read_all, Column, RowProblem, Spec, Table, PROBLEM_LIMIT};

const HEADER: &str = "Mã thôn,Tên,Vĩ độ,Kinh độ,Chất lượng,Công nghệ";

fn assert_says(problem: &RowProblem, english: &[&str], vietnamese: &[&str]) {
    for part in english {
        assert!(problem.message.contains(part), "{part:?} not in {problem:#?}");
    }
    for part in vietnamese {
        assert!(problem.message_vi.contains(part), "{part:?} not in {problem:#?}");
    }
}

#[test]
fn windows_code_page_text_says_how_to_save_as_utf8() {
    // "Tên thôn" in Windows-1258 on line 2: ê is 0xEA, ô is 0xF4.
    let bytes = b"village_code,name\n15187,T\xEAn th\xF4n\n";
    let problem = problem(bytes);
    assert_eq!(problem.line, None);
    assert_says(&problem, &["line 2", "Windows-1258", "CSV UTF-8", ".xlsx"], &["dòng 2", "CSV UTF-8", ".xlsx"]);
    assert!(!problem.message.contains("offset"), "{problem:?}");
}

#[test]
fn a_pdf_is_named() {
    assert_says(&problem(b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n1 0 obj"), &["PDF", ".xlsx"], &["PDF", ".xlsx"]);
}

#[test]
fn a_web_page_saved_as_xls_says_to_save_as_xlsx() {
    let html = "<html xmlns:x=\"urn:schemas-microsoft-com:office:excel\"><body><table><tr><td>Mã thôn</td></tr>";
    let problem = problem(html.as_bytes());
    assert_says(&problem, &["web page", "Excel Workbook (.xlsx)"], &["trang web", ".xlsx"]);
    assert_says(&self::problem(b"  <TABLE border=1><tr><td>1</td></tr></TABLE>"), &["web page"], &["trang web"]);
    let xml_spreadsheet = "<?xml version=\"1.0\"?>\n<Workbook xmlns=\"urn:schemas-microsoft-com:office:spreadsheet\">";
    assert_says(&self::problem(xml_spreadsheet.as_bytes()), &["XML export"], &["tệp xuất XML"]);
}

#[test]
fn an_empty_file_is_named() {
    assert_says(&problem(b""), &["empty"], &["Tệp trống"]);
}

#[test]
fn a_missing_column_names_the_headers_it_accepts() {
    let csv = "Mã thôn,Tên,Kinh độ,Chất lượng,Công nghệ\n15187,Thôn 1,105.8,Tốt,4G\n";
    let problem = problem(csv.as_bytes());
    assert_eq!(problem.line, None);
    assert_says(&problem, &["missing column 'lat'", "lat, Vĩ độ"], &["thiếu cột 'lat'", "lat, Vĩ độ"]);
}

#[test]
fn every_missing_column_is_named() {
    let problems = problems("STT,Tên\n1,Thôn 1\n".as_bytes());
    let missing: Vec<&str> = problems.iter().filter_map(|p| p.message.split('\'').nth(1)).collect();
    assert_eq!(missing, ["village_code", "lat", "lon", "quality", "technology"]);
}

#[test]
fn a_table_with_no_known_column_at_all_says_so() {
    const OPTIONAL: Spec =
        Spec { columns: &[Column { key: "ssid", aliases: &["Tên Wi-Fi"], required: false }], values: &[] };
    let problems = read_all::<Report>(b"a,b\n1,2\n", &OPTIONAL).unwrap_err();
    assert_eq!(problems.len(), 1);
    assert_says(&problems[0], &["no header row", "ssid, Tên Wi-Fi"], &["không tìm thấy dòng tiêu đề"]);
}

#[test]
fn two_headers_for_one_column_are_refused() {
    let csv = format!("{HEADER},Vĩ độ (lat)\n15187,Thôn 1,21.0,105.8,Tốt,4G,21.0\n");
    let problem = problem(csv.as_bytes());
    assert_eq!(problem.line, Some(1));
    assert_says(&problem, &["'Vĩ độ' and 'Vĩ độ (lat)' both give lat"], &["hãy chỉ giữ một cột"]);
}

#[test]
fn bad_values_are_told_by_line_and_column() {
    let csv = OFFICE_CSV.replace("21,0285", "hai mốt").replace("Yếu", "Rất yếu").replace("16/3/2024", "32/3/2024");
    let problems = problems(csv.as_bytes());
    assert_eq!(problems.len(), 3, "{problems:#?}");
    assert_eq!(problems.iter().map(|p| p.line).collect::<Vec<_>>(), [Some(4), Some(5), Some(5)]);
    assert_says(&problems[0], &["column 'Vĩ độ (lat)':", "'hai mốt' is not a number"], &["không phải là số"]);
    assert_says(&problems[1], &["column 'Chất lượng' (quality)", "'Rất yếu'", "good, fair"], &["Tốt, Khá"]);
    assert_says(&problems[2], &["column 'Ngày báo cáo' (reported_at)", "'32/3/2024' is not a date"], &["ngày"]);
}

#[test]
fn type_errors_name_the_column_and_the_value() {
    const SPEC: Spec = Spec {
        columns: &[
            Column { key: "id", aliases: &["Mã"], required: true },
            Column { key: "status", aliases: &["Trạng thái"], required: true },
        ],
        values: &[],
    };
    #[derive(Debug, serde::Deserialize)]
    #[serde(rename_all = "lowercase")]
    enum Status {
        Active,
    }
    #[derive(Debug, serde::Deserialize)]
    struct Row {
        #[allow(dead_code)]
        id: u32,
        #[allow(dead_code)]
        status: Status,
    }
    let long = "x".repeat(500);
    let csv = format!("Mã,Trạng thái\nmười,active\n7,{long}\n");
    let problems = read_all::<Row>(csv.as_bytes(), &SPEC).unwrap_err();
    assert_eq!(problems.len(), 2, "{problems:#?}");
    assert_eq!(problems[0].line, Some(2));
    assert_says(&problems[0], &["column 'Mã' (id): 'mười' is not a whole number"], &["không phải là số nguyên"]);
    assert_eq!(problems[1].line, Some(3));
    assert_says(&problems[1], &["column 'Trạng thái' (status)", "unknown variant", "xxx…"], &["Trạng thái"]);
    assert!(problems[1].message.len() < 300 && problems[1].message_vi.len() < 300, "{:?}", problems[1]);
}

#[test]
fn a_value_beyond_the_header_is_a_problem() {
    let csv = format!("{HEADER}\n15187,Thôn 1, xã A,21.0,105.8,Tốt,4G\n");
    let problems = problems(csv.as_bytes());
    assert_eq!(problems[0].line, Some(2));
    assert_says(&problems[0], &["'4G' in column 7 has no header"], &["không có tiêu đề"]);
}

#[test]
fn each_fault_of_a_row_is_its_own_problem_and_the_rows_go_on() {
    let csv = format!("{HEADER}\n1,A,x,y,Tốt,4G\n2,B,21,105,Tốt,4G\n");
    let rows: Vec<_> = Table::open(csv.as_bytes(), &REPORTS).unwrap().rows::<Report>().collect();
    assert_eq!(rows.len(), 3);
    assert!(rows[0].as_ref().is_err_and(|p| p.line == Some(2) && p.message.contains("(lat)")));
    assert!(rows[1].as_ref().is_err_and(|p| p.line == Some(2) && p.message.contains("(lon)")));
    assert!(rows[2].as_ref().is_ok_and(|(line, report)| *line == 3 && report.village_code == "2"));
}

#[test]
fn a_header_without_rows_is_a_problem() {
    assert_says(&problem(format!("{HEADER}\n,,,,,\n").as_bytes()), &["no rows"], &["không có dòng dữ liệu"]);
}

#[test]
fn problems_are_capped_with_a_count_of_the_rest() {
    let csv = format!("{HEADER}\n{}", "1,A,x,105,Tốt,4G\n".repeat(PROBLEM_LIMIT + 500));
    let problems = problems(csv.as_bytes());
    assert_eq!(problems.len(), PROBLEM_LIMIT + 1);
    assert_eq!(problems[PROBLEM_LIMIT - 1].line, Some(PROBLEM_LIMIT as u64 + 1));
    assert_says(&problems[PROBLEM_LIMIT], &["and 500 more problems"], &["và 500 lỗi khác"]);
}
