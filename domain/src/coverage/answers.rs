//! The operator's inbox: its answers to the disagreements between what it declares and what was
//! measured, and its re-confirmation of old declarations. Only a telecom account of the operator
//! concerned may answer; anyone else is told there is no such disagreement, the same answer as
//! for one that does not exist, so nothing about other operators leaks. Every answer is audited.

use super::measured::{self, ComparisonFilter, Verdict};
use crate::access::Principal;
use crate::imports::said;
use crate::StoreError;
use model::Role;

pub use super::answer_log::{Answer, AnswerKind};

/// An answer as an operator sends it.
#[derive(Clone, Debug, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SubmittedAnswer {
    pub answer: AnswerKind,
    /// `YYYY-MM-DD`, for `will_fix`: from today to two years ahead.
    pub fix_by: Option<String>,
    /// Why, for `disagree` (required) or any other answer (optional).
    pub reason: Option<String>,
    /// The new declaration of a `fixed` answer: technology and quality.
    pub technology: Option<String>,
    pub quality: Option<String>,
}

/// Longest reason, in characters.
const MAX_REASON_CHARS: usize = 2000;
/// Farthest a promised fix may lie ahead, in days.
const MAX_FIX_DAYS: i64 = 2 * 366;

/// The operator a principal answers for when it may answer for `operator`; anything else is
/// "not found", the same as a disagreement that does not exist.
fn answering_for(principal: &Principal, operator: &str) -> Result<String, StoreError> {
    match (principal.role, &principal.operator) {
        (Role::Telecom, Some(own)) if own == operator => Ok(own.clone()),
        _ => Err(StoreError::NotFound),
    }
}

/// Checks an answer's fields, apart from a `fixed` answer's new declaration.
fn check_answer(
    submitted: &SubmittedAnswer,
    today: time::Date,
) -> Result<(Option<String>, Option<String>), StoreError> {
    let reason = crate::text::optional_lines("reason", submitted.reason.as_deref(), MAX_REASON_CHARS)?;
    if submitted.answer == AnswerKind::Disagree && reason.is_none() {
        return Err(said("reason: say why you disagree", "reason: hãy nêu lý do không đồng ý").into());
    }
    let fix_by = match (submitted.answer, submitted.fix_by.as_deref().map(str::trim).filter(|d| !d.is_empty())) {
        (AnswerKind::WillFix, Some(text)) => {
            let format = time::macros::format_description!("[year]-[month]-[day]");
            let date = time::Date::parse(text, &format)
                .ok()
                .filter(|date| *date >= today && (*date - today).whole_days() <= MAX_FIX_DAYS);
            match date {
                Some(_) => Some(text.to_owned()),
                None => {
                    return Err(said(
                        format!("fix_by: '{text}' is not a date (YYYY-MM-DD) from today to two years ahead"),
                        format!("fix_by: '{text}' không phải ngày (YYYY-MM-DD) từ hôm nay đến hai năm tới"),
                    )
                    .into())
                }
            }
        }
        (AnswerKind::WillFix, None) => {
            return Err(said("fix_by: the date of the fix is required", "fix_by: cần ngày khắc phục").into())
        }
        (_, Some(_)) => {
            return Err(said("fix_by: only with will_fix", "fix_by: chỉ dùng với will_fix").into());
        }
        (_, None) => None,
    };
    let declares = submitted.technology.is_some() || submitted.quality.is_some();
    if declares != (submitted.answer == AnswerKind::Fixed) {
        return Err(said(
            "technology, quality: the new declaration of a 'fixed' answer, and only of it",
            "technology, quality: khai báo mới của câu trả lời 'fixed', và chỉ của nó",
        )
        .into());
    }
    Ok((fix_by, reason))
}

/// Answers the disagreement of `operator` in `village_code`, audited; a `fixed` answer records
/// its new declaration in the same transaction.
pub async fn answer(
    db: &crate::Db,
    principal: &Principal,
    village_code: &str,
    operator: &str,
    submitted: &SubmittedAnswer,
) -> Result<Answer, StoreError> {
    let operator = answering_for(principal, operator.trim())?;
    let village_code = village_code.trim();
    let filter = ComparisonFilter {
        verdict: Some(Verdict::Disagrees),
        operator: Some(operator.clone()),
        ..ComparisonFilter::default()
    };
    let open = measured::compare(db, principal, &filter).await?;
    if !open.iter().any(|comparison| comparison.village_code == village_code) {
        return Err(StoreError::NotFound);
    }
    let (fix_by, reason) = check_answer(submitted, time::OffsetDateTime::now_utc().date())?;
    let declaration = match submitted.answer {
        AnswerKind::Fixed => {
            let rights = super::ReportingRights::load(db.pool(), principal).await?;
            let report = super::SubmittedReport {
                village_code: village_code.to_owned(),
                operator: Some(operator.clone()),
                technology: submitted.technology.clone().unwrap_or_default(),
                quality: submitted.quality.clone().unwrap_or_default(),
                reported_at: None,
                area: None,
            };
            Some(rights.check(&report).map_err(|problems| StoreError::Invalid(super::joined(&problems)))?)
        }
        _ => None,
    };
    let (village_id,): (i64,) =
        sqlx::query_as("SELECT id FROM admin_unit WHERE code = $1 AND level = 'village' AND valid_to IS NULL")
            .bind(village_code)
            .fetch_optional(db.pool())
            .await?
            .ok_or(StoreError::NotFound)?;
    let mut tx = db.begin_write().await?;
    let report_id = match &declaration {
        Some(checked) => Some(super::insert(&mut *tx, &checked.as_new(&principal.audit_name())).await?),
        None => None,
    };
    let answered_at = crate::now_utc_text();
    sqlx::query(
        "INSERT INTO coverage_answer (village_id, operator, answer, fix_by, reason, report_id, answered_by, answered_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(village_id)
    .bind(&operator)
    .bind(submitted.answer.as_str())
    .bind(fix_by.as_deref())
    .bind(reason.as_deref())
    .bind(report_id)
    .bind(principal.audit_name())
    .bind(&answered_at)
    .execute(&mut *tx)
    .await?;
    let stored = Answer {
        answer: submitted.answer,
        fix_by,
        reason,
        report_id,
        answered_by: principal.audit_name(),
        answered_at,
    };
    let entity = format!("{village_code}/{operator}");
    let change = crate::audit::Change {
        action: "answer",
        entity_type: "coverage_disagreement",
        entity_id: &entity,
        before: None,
        after: Some(&serde_json::json!(stored)),
    };
    crate::audit::record(&mut *tx, crate::audit::Actor::Principal(principal), &change).await?;
    tx.commit().await?;
    Ok(stored)
}
