//! A problem of an imported file, by line (tables) or feature (GeoJSON), in both languages: what
//! the table reader finds and every import reports the same way.

use model::Said;
use serde::Serialize;

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
