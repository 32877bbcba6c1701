//! The table every format test reads: coverage reports of three villages, as an office keeps
//! them (Vietnamese headers, a title above, words for values) and as the API names them.

use crate::tabular::{Column, RowProblem, Spec, Values, QUALITY_WORDS, TECHNOLOGY_WORDS};
use serde::Deserialize;

pub const REPORTS: Spec = Spec {
    columns: &[
        Column { key: "village_code", aliases: &["Mã thôn", "Mã thôn/bản"], required: true },
        Column { key: "name", aliases: &["Tên", "Tên thôn"], required: true },
        Column { key: "lat", aliases: &["Vĩ độ"], required: true },
        Column { key: "lon", aliases: &["Kinh độ"], required: true },
        Column { key: "quality", aliases: &["Chất lượng"], required: true },
        Column { key: "technology", aliases: &["Công nghệ"], required: true },
        Column { key: "reported_at", aliases: &["Ngày báo cáo"], required: false },
        Column { key: "wifi", aliases: &["Có Wi-Fi"], required: false },
    ],
    values: &[
        ("lat", Values::Decimal),
        ("lon", Values::Decimal),
        ("quality", Values::Words(QUALITY_WORDS)),
        ("technology", Values::Words(TECHNOLOGY_WORDS)),
        ("reported_at", Values::Date),
        ("wifi", Values::Flag),
    ],
};

#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Report {
    pub village_code: String,
    pub name: String,
    pub lat: f64,
    pub lon: f64,
    pub quality: String,
    pub technology: String,
    pub reported_at: Option<String>,
    pub wifi: Option<bool>,
}

/// The three reports, on the given lines.
pub fn expected(lines: [u64; 3]) -> Vec<(u64, Report)> {
    let report =
        |code: &str, name: &str, (lat, lon), quality: &str, technology: &str, date: Option<&str>, wifi| Report {
            village_code: code.into(),
            name: name.into(),
            lat,
            lon,
            quality: quality.into(),
            technology: technology.into(),
            reported_at: date.map(Into::into),
            wifi,
        };
    let reports = [
        report("15187", "Thôn Nà Hin", (21.0285, 105.8542), "good", "4G", Some("2024-03-15"), Some(true)),
        report("01234", "Bản Khuổi, Pác", (21.5, 105.25), "weak", "FTTH", Some("2024-03-16"), Some(false)),
        report("15188", "Thôn 3", (22.0, 106.0), "good", "4G", None, None),
    ];
    lines.into_iter().zip(reports).collect()
}

/// The table as an office's Excel saves it as "CSV" with Vietnamese settings: a title and a blank
/// line above the header, a numbering and a notes column, semicolons, decimal commas, day-first
/// dates, words for values, and blank rows below. The data are on lines 4 to 6.
pub const OFFICE_CSV: &str = "\
DANH SÁCH THÔN BẢN XÃ NÀ HIN;;;;;;;;;
;;;;;;;;;
STT;Mã thôn/bản;Tên thôn;Vĩ độ (lat);Kinh độ;Chất lượng;Công nghệ;Ngày báo cáo;Có Wi-Fi;Ghi chú
1;15187;Thôn Nà Hin;21,0285;105,8542;Tốt;4G;15/03/2024;có;
2;01234;Bản Khuổi, Pác;21,5;105,25;Yếu;Cáp quang;16/3/2024;không;đường xa
3;15188;Thôn 3;22;106;tốt;LTE;;;
;;;;;;;;;
;;;;;;;;;

";

/// Every problem of reading `bytes`, or a panic if they read.
pub fn problems(bytes: &[u8]) -> Vec<RowProblem> {
    match crate::tabular::read_all::<Report>(bytes, &REPORTS) {
        Ok((rows, _)) => panic!("expected problems, read {rows:?}"),
        Err(problems) => problems,
    }
}

/// The only problem of reading `bytes`.
pub fn problem(bytes: &[u8]) -> RowProblem {
    let mut problems = problems(bytes);
    assert_eq!(problems.len(), 1, "{problems:#?}");
    problems.remove(0)
}
