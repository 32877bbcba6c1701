//! The age of claims: a declaration not made or confirmed for a year may no longer hold, so it is
//! listed for its operator to re-confirm (one click, audited) or replace.

use crate::access::Principal;
use crate::StoreError;
use model::Role;

/// A declaration older than this many days (neither made nor confirmed since) is stale.
pub const STALE_DAYS: i64 = 365;

/// A declaration in force that has not been made or confirmed for a year.
#[derive(Clone, Debug, PartialEq, serde::Serialize, utoipa::ToSchema, sqlx::FromRow)]
pub struct StaleClaim {
    pub report_id: i64,
    pub village_code: String,
    pub village: String,
    pub operator: String,
    pub technology: String,
    pub quality: String,
    pub reported_at: String,
    pub confirmed_at: Option<String>,
}

/// The stale declarations in force in the principal's scope (a telecom account: its own), oldest
/// first.
pub async fn stale(db: &crate::Db, principal: &Principal) -> Result<Vec<StaleClaim>, StoreError> {
    let operator = super::measured::operator_filter(principal)?;
    let oldest = crate::format_utc(time::OffsetDateTime::now_utc() - time::Duration::days(STALE_DAYS));
    let mut params = crate::params::Params::new();
    let scope = params.scope_of(principal);
    let operator = params.bind(operator);
    let oldest = params.bind(oldest);
    let sql = format!(
        "WITH RECURSIVE {cte}
         SELECT r.id AS report_id, v.code AS village_code, v.name AS village, r.operator, r.technology, r.quality,
                r.reported_at, r.confirmed_at
         FROM coverage_report r JOIN admin_unit v ON v.id = r.village_id
         WHERE r.source = 'operator' AND v.valid_to IS NULL AND {in_scope}
           AND ({operator} IS NULL OR r.operator = {operator})
           AND COALESCE(r.confirmed_at, r.reported_at) < {oldest}
           AND NOT EXISTS (
               SELECT 1 FROM coverage_report newer
               WHERE newer.village_id = r.village_id AND newer.operator = r.operator
                 AND newer.technology = r.technology AND newer.source = r.source
                 AND (newer.reported_at > r.reported_at OR (newer.reported_at = r.reported_at AND newer.id > r.id)))
         ORDER BY COALESCE(r.confirmed_at, r.reported_at), v.code, r.operator, r.technology",
        cte = scope.cte,
        in_scope = scope.covers("r.village_id"),
    );
    Ok(params.query_as(&sql)?.fetch_all(db.pool()).await?)
}

/// Confirms a stale declaration unchanged: only a telecom account of its operator may, and only
/// the declaration in force; anything else is "not found". Audited.
pub async fn confirm(db: &crate::Db, principal: &Principal, report_id: i64) -> Result<StaleClaim, StoreError> {
    let own = match (principal.role, &principal.operator) {
        (Role::Telecom, Some(own)) => own.clone(),
        _ => return Err(StoreError::NotFound),
    };
    let claim = stale(db, principal)
        .await?
        .into_iter()
        .find(|claim| claim.report_id == report_id && claim.operator == own)
        .ok_or(StoreError::NotFound)?;
    let confirmed_at = crate::now_utc_text();
    let mut tx = db.begin_write().await?;
    sqlx::query("UPDATE coverage_report SET confirmed_at = $2 WHERE id = $1")
        .bind(report_id)
        .bind(&confirmed_at)
        .execute(&mut *tx)
        .await?;
    let confirmed = StaleClaim { confirmed_at: Some(confirmed_at), ..claim.clone() };
    let entity = report_id.to_string();
    let change = crate::audit::Change {
        action: "confirm",
        entity_type: "coverage_report",
        entity_id: &entity,
        before: Some(&serde_json::json!(claim)),
        after: Some(&serde_json::json!(confirmed)),
    };
    crate::audit::record(&mut *tx, crate::audit::Actor::Principal(principal), &change).await?;
    tx.commit().await?;
    Ok(confirmed)
}
