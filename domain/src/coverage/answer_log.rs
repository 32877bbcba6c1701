//! The operators' answers as stored: what each may say, and the latest answer to each
//! disagreement, read by the comparison (`measured`) and the inbox (`answers`) alike.

use crate::StoreError;
use std::collections::BTreeMap;

model::named_values! {
    /// How an operator answers a disagreement.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
    #[serde(rename_all = "snake_case")]
    pub enum AnswerKind {
        /// "Đã ghi nhận": seen, being looked at.
        Acknowledged => "acknowledged",
        /// "Sẽ khắc phục trước ngày …": will fix by `fix_by`.
        WillFix => "will_fix",
        /// "Không đồng ý": the operator holds to its declaration, for `reason`.
        Disagree => "disagree",
        /// "Đã khắc phục": fixed, with a new declaration (which starts the comparison afresh).
        Fixed => "fixed",
    }
}

/// An answer as stored and shown to leaders.
#[derive(Clone, Debug, PartialEq, serde::Serialize, utoipa::ToSchema)]
pub struct Answer {
    pub answer: AnswerKind,
    pub fix_by: Option<String>,
    pub reason: Option<String>,
    /// The new declaration of a `fixed` answer.
    pub report_id: Option<i64>,
    pub answered_by: String,
    pub answered_at: String,
}

/// The latest answer per (village id, operator).
pub(crate) async fn latest_answers(
    executor: &mut sqlx::AnyConnection,
    operator: Option<&str>,
) -> Result<BTreeMap<(i64, String), Answer>, StoreError> {
    type Row = (i64, String, String, Option<String>, Option<String>, Option<i64>, String, String);
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT village_id, operator, answer, fix_by, reason, report_id, answered_by, answered_at
         FROM coverage_answer WHERE ($1 IS NULL OR operator = $1)
         ORDER BY answered_at, id",
    )
    .bind(operator)
    .fetch_all(&mut *executor)
    .await?;
    let mut latest = BTreeMap::new();
    for (village_id, operator, answer, fix_by, reason, report_id, answered_by, answered_at) in rows {
        let answer = answer.parse().map_err(|error| StoreError::Corrupt(format!("coverage_answer.answer: {error}")))?;
        latest.insert((village_id, operator), Answer { answer, fix_by, reason, report_id, answered_by, answered_at });
    }
    Ok(latest)
}
