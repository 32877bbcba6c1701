//! Coverage you can trust: measurements made on the doorstep, declared against measured per
//! village and operator, the operators' answers to a disagreement, and their re-confirmation of
//! old declarations. The rules live in `domain::coverage::{measured, answers, claims}`.

use super::error::{ApiError, ErrorBody};
use super::extract::{Created, Json, Listing, Path};
use crate::auth::SignedIn;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use domain::coverage::answers::{self, Answer, SubmittedAnswer};
use domain::coverage::claims::{self, StaleClaim};
use domain::coverage::measured::{self, Comparison, ComparisonFilter, DisagreementCount, Verdict};
use domain::{Db, StoreError};
use model::field_records::{MeasurementRecord, SyncOutcome, SyncResult};
use serde::Deserialize;

#[utoipa::path(post, path = "/api/v1/measurements", tag = "coverage",
    request_body = MeasurementRecord,
    responses((status = 201, description = "Stored", body = SyncResult),
        (status = 200, description = "Stored before under this UUID: nothing changed", body = SyncResult),
        (status = 400, description = "Malformed body", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 422, description = "A field breaks a rule, or the place is outside your scope", body = ErrorBody)))]
/// `POST /api/v1/measurements`: one measurement (a speed test, or no signal) by any signed-in
/// account, e.g. from the map page; the field app queues them through `POST /api/v1/sync`.
/// Idempotent per UUID, like the sync.
pub async fn record(
    State(db): State<Db>,
    SignedIn(principal): SignedIn,
    Json(record): Json<MeasurementRecord>,
) -> Result<Response, ApiError> {
    let result = domain::sync::record_measurement(&db, &principal, record).await?;
    match result.outcome {
        SyncOutcome::Stored => Ok(Created(result).into_response()),
        SyncOutcome::AlreadyStored => Ok((StatusCode::OK, Json(result)).into_response()),
        SyncOutcome::Rejected => Err(StoreError::Invalid(model::said(
            result.reason.unwrap_or_default(),
            result.reason_vi.unwrap_or_default(),
        ))
        .into()),
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DisagreementQuery {
    /// `disagrees` (default), `agrees`, `too_few_samples`, `undeclared`, or `all`.
    verdict: Option<String>,
    /// Only this commune (code).
    commune: Option<String>,
    /// Only this operator (code).
    operator: Option<String>,
}

impl DisagreementQuery {
    fn filter(&self) -> Result<ComparisonFilter, ApiError> {
        let verdict = match self.verdict.as_deref().map(str::trim).unwrap_or("disagrees") {
            "all" => None,
            "disagrees" => Some(Verdict::Disagrees),
            "agrees" => Some(Verdict::Agrees),
            "too_few_samples" => Some(Verdict::TooFewSamples),
            "undeclared" => Some(Verdict::Undeclared),
            other => {
                return Err(ApiError::invalid(
                    "verdict",
                    format!("'{other}' is not one of disagrees, agrees, too_few_samples, undeclared, all"),
                ))
            }
        };
        let blank_to_none =
            |value: &Option<String>| value.as_deref().map(str::trim).filter(|v| !v.is_empty()).map(str::to_owned);
        Ok(ComparisonFilter {
            verdict,
            commune_code: blank_to_none(&self.commune),
            operator: blank_to_none(&self.operator).map(|operator| operator.to_lowercase()),
        })
    }
}

#[utoipa::path(get, path = "/api/v1/coverage/disagreements", tag = "coverage",
    params(("verdict" = Option<String>, Query, description = "disagrees (default), agrees, too_few_samples, undeclared or all"),
        ("commune" = Option<String>, Query, description = "Commune code"),
        ("operator" = Option<String>, Query, description = "Operator code"),
        ("limit" = Option<i64>, Query, description = "Page size, 1 to 5000 (default 1000)"),
        ("offset" = Option<i64>, Query, description = "Rows to skip; a full page carries a Link rel=next header")),
    responses((status = 200, description = "Declared next to measured, by commune, village and operator", body = Vec<Comparison>),
        (status = 400, description = "Malformed parameters", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody)))]
/// `GET /api/v1/coverage/disagreements`: per village and operator in the caller's scope (a
/// telecom account: its own operator), the declaration in force next to the median of what was
/// measured since, the verdict of the rule, the operator's answer, its age, and whether it is
/// overdue (unanswered after 30 days).
pub async fn disagreements(
    State(db): State<Db>,
    SignedIn(principal): SignedIn,
    listing: Listing<DisagreementQuery, { super::paging::HISTORY_PAGE }>,
) -> Result<super::extract::Paged<Comparison>, ApiError> {
    let filter = listing.filter.filter()?;
    let page = listing.page_or_all();
    let all = measured::compare(&db, &principal, &filter).await?;
    let offset = usize::try_from(page.offset).unwrap_or(usize::MAX);
    let limit = usize::try_from(page.limit).unwrap_or(usize::MAX);
    Ok(listing.answer(all.into_iter().skip(offset).take(limit).collect()))
}

#[utoipa::path(get, path = "/api/v1/coverage/disagreements/summary", tag = "coverage",
    responses((status = 200, description = "Disagreements and overdue ones per commune and operator", body = Vec<DisagreementCount>),
        (status = 401, description = "Not signed in", body = ErrorBody)))]
/// `GET /api/v1/coverage/disagreements/summary`: how many disagreements (and how many overdue)
/// per commune and operator in the caller's scope, for the dashboard.
pub async fn summary(
    State(db): State<Db>,
    SignedIn(principal): SignedIn,
) -> Result<Json<Vec<DisagreementCount>>, ApiError> {
    Ok(Json(measured::count_by_commune(&db, &principal).await?))
}

#[utoipa::path(post, path = "/api/v1/coverage/disagreements/{village}/{operator}/answers", tag = "coverage",
    params(("village" = String, Path, description = "Village code"), ("operator" = String, Path, description = "Operator code")),
    request_body = SubmittedAnswer,
    responses((status = 201, description = "Answered", body = Answer),
        (status = 400, description = "Malformed body", body = ErrorBody),
        (status = 404, description = "No such disagreement for your operator", body = ErrorBody),
        (status = 422, description = "A field breaks a rule", body = ErrorBody)))]
/// `POST /api/v1/coverage/disagreements/{village}/{operator}/answers`: the operator answers a
/// disagreement: `acknowledged`, `will_fix` by `fix_by`, `disagree` with a `reason`, or `fixed`
/// with a new declaration (`technology`, `quality`). A telecom account of that operator only;
/// anyone else is told there is no such disagreement.
pub async fn answer(
    State(db): State<Db>,
    SignedIn(principal): SignedIn,
    Path((village, operator)): Path<(String, String)>,
    Json(submitted): Json<SubmittedAnswer>,
) -> Result<Created<Answer>, ApiError> {
    let answered = answers::answer(&db, &principal, &village, &operator.to_lowercase(), &submitted)
        .await
        .map_err(ApiError::not_found("disagreement"))?;
    Ok(Created(answered))
}

#[utoipa::path(get, path = "/api/v1/coverage/stale-claims", tag = "coverage",
    responses((status = 200, description = "Declarations neither made nor confirmed for a year, oldest first", body = Vec<StaleClaim>),
        (status = 403, description = "Not an operator's or admin's account", body = ErrorBody)))]
/// `GET /api/v1/coverage/stale-claims`: the declarations in force that are over a year old (a
/// telecom account: its own), for the operator to confirm unchanged or replace.
pub async fn stale_claims(
    State(db): State<Db>,
    SignedIn(principal): SignedIn,
) -> Result<Json<Vec<StaleClaim>>, ApiError> {
    Ok(Json(claims::stale(&db, &principal).await?))
}

#[utoipa::path(post, path = "/api/v1/coverage-reports/{id}/confirm", tag = "coverage",
    params(("id" = i64, Path, description = "The declaration's id")),
    responses((status = 200, description = "Confirmed unchanged now", body = StaleClaim),
        (status = 404, description = "No such stale declaration of your operator", body = ErrorBody)))]
/// `POST /api/v1/coverage-reports/{id}/confirm`: the operator says a stale declaration still
/// holds; it is no longer listed as stale for a year. Audited.
pub async fn confirm(
    State(db): State<Db>,
    SignedIn(principal): SignedIn,
    Path(id): Path<i64>,
) -> Result<Json<StaleClaim>, ApiError> {
    Ok(Json(claims::confirm(&db, &principal, id).await.map_err(ApiError::not_found("stale declaration"))?))
}
