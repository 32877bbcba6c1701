//! The plan's indicators against their targets, over the leader's area broken down one level
//! ([`overview`]), and the villages to act on next ([`priorities`]). Figures the app records are
//! read from the kept figures ([`crate::figures`]); the others come from officers' reports, which
//! are entered here, as are admins' targets.

mod overview;
mod priorities;
mod view;

pub use overview::{breakdown_outlines, overview, status};
pub use priorities::{priorities, PriorityFilter};

use super::access::{self, Principal};
use super::StoreError;
use model::indicators::{plan_year, Indicator, Source};
use model::said;
use model::Capability;
use sqlx::{Any, Executor};
use std::collections::HashMap;

/// Targets apply everywhere unless a commune has its own: this code stands for "everywhere".
pub const EVERYWHERE: &str = "*";

/// The quarters of `year` that have begun by `now` (RFC 3339 text): `(period, start of the next
/// quarter)`.
fn quarters_begun(year: i32, now: &str) -> Vec<(String, String)> {
    (1..=4)
        .filter(|quarter| format!("{year}-{:02}-01T00:00:00Z", (quarter - 1) * 3 + 1).as_str() <= now)
        .map(|quarter| {
            let next = if quarter == 4 {
                format!("{}-01-01T00:00:00Z", year + 1)
            } else {
                format!("{year}-{:02}-01T00:00:00Z", quarter * 3 + 1)
            };
            (format!("{year}-Q{quarter}"), next)
        })
        .collect()
}

/// Targets set by admins for a year: `(indicator, unit code or "*") → percent`.
async fn target_overrides<'e, E>(executor: E, year: i32) -> Result<HashMap<(String, String), f64>, StoreError>
where
    E: Executor<'e, Database = Any>,
{
    let rows: Vec<(String, String, f64)> =
        sqlx::query_as("SELECT indicator, unit_code, percent FROM indicator_target WHERE year = $1")
            .bind(year)
            .fetch_all(executor)
            .await?;
    Ok(rows.into_iter().map(|(indicator, unit, percent)| ((indicator, unit), percent)).collect())
}

/// The target of an indicator for a year: an admin's for the unit, else an admin's for
/// everywhere, else the plan's.
fn target_for(overrides: &HashMap<(String, String), f64>, indicator: Indicator, year: i32, unit: &str) -> Option<f64> {
    let key = |unit: &str| (indicator.as_str().to_owned(), unit.to_owned());
    overrides.get(&key(unit)).or_else(|| overrides.get(&key(EVERYWHERE))).copied().or_else(|| {
        let definition = indicator.definition();
        match year {
            2025 => definition.target_2025,
            2026.. => definition.target_2026,
            _ => None,
        }
    })
}

/// The target of every indicator for a year over the whole area (admins' or the plan's).
pub async fn area_targets<'e, E>(executor: E, year: i32) -> Result<Vec<(Indicator, Option<f64>)>, StoreError>
where
    E: Executor<'e, Database = Any>,
{
    let overrides = target_overrides(executor, year).await?;
    Ok(Indicator::all().map(|indicator| (indicator, target_for(&overrides, indicator, year, EVERYWHERE))).collect())
}

/// Sets (or, with `None`, removes) an admin's target for an indicator, year and unit (`"*"`:
/// everywhere). Without one, the plan's target applies.
pub async fn set_target(
    db: &super::Db,
    principal: &Principal,
    indicator: Indicator,
    year: i32,
    unit_code: &str,
    percent: Option<f64>,
) -> Result<(), StoreError> {
    access::require(principal, Capability::Administer)?;
    plan_year(year)?;
    if percent.is_some_and(|value| !value.is_finite() || !(0.0..=100.0).contains(&value)) {
        return Err(StoreError::Invalid(said(
            "percent: expected 0 to 100, or null to use the plan's target",
            "percent: cần từ 0 đến 100, hoặc để trống để dùng chỉ tiêu của kế hoạch",
        )));
    }
    let mut tx = db.begin_write().await?;
    if unit_code != EVERYWHERE {
        let known: Option<(i64,)> =
            sqlx::query_as("SELECT id FROM admin_unit WHERE code = $1 AND valid_to IS NULL AND level = 'commune'")
                .bind(unit_code)
                .fetch_optional(&mut *tx)
                .await?;
        if known.is_none() {
            return Err(StoreError::Invalid(said(
                format!("unit: no current commune has the code '{unit_code}'"),
                format!("unit: không có xã hiện hành nào mã '{unit_code}'"),
            )));
        }
    }
    let before: Option<(f64,)> =
        sqlx::query_as("SELECT percent FROM indicator_target WHERE indicator = $1 AND year = $2 AND unit_code = $3")
            .bind(indicator.as_str())
            .bind(year)
            .bind(unit_code)
            .fetch_optional(&mut *tx)
            .await?;
    sqlx::query("DELETE FROM indicator_target WHERE indicator = $1 AND year = $2 AND unit_code = $3")
        .bind(indicator.as_str())
        .bind(year)
        .bind(unit_code)
        .execute(&mut *tx)
        .await?;
    if let Some(value) = percent {
        sqlx::query(
            "INSERT INTO indicator_target (indicator, year, unit_code, percent, updated_by, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(indicator.as_str())
        .bind(year)
        .bind(unit_code)
        .bind(value)
        .bind(principal.audit_name())
        .bind(super::now_utc_text())
        .execute(&mut *tx)
        .await?;
    }
    let entity = format!("{indicator}/{year}/{unit_code}");
    super::audit::record(
        &mut *tx,
        super::audit::Actor::Principal(principal),
        &super::audit::Change {
            action: "set_target",
            entity_type: "indicator_target",
            entity_id: &entity,
            before: before.map(|(value,)| serde_json::json!({ "percent": value })).as_ref(),
            after: percent.map(|value| serde_json::json!({ "percent": value })).as_ref(),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// A figure an officer reports for a commune and quarter.
#[derive(Clone, Debug, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReportedFigure {
    pub indicator: Indicator,
    pub commune_code: String,
    /// `YYYY-Qn`, e.g. `2026-Q3`.
    pub period: String,
    pub numerator: f64,
    pub denominator: f64,
    /// Where the figure comes from (e.g. "Báo cáo của trường THCS Kim Tân").
    pub note: Option<String>,
}

fn check_period(period: &str) -> Result<(), StoreError> {
    let valid = period.split_once("-Q").is_some_and(|(year, quarter)| {
        year.len() == 4
            && year.parse::<i32>().is_ok_and(|year| plan_year(year).is_ok())
            && matches!(quarter, "1" | "2" | "3" | "4")
    });
    if valid {
        Ok(())
    } else {
        Err(StoreError::Invalid(said(
            format!("period: '{period}' is not a quarter like 2026-Q3"),
            format!("period: '{period}' không phải một quý như 2026-Q3"),
        )))
    }
}

/// Largest count an officer may enter (people, pupils, staff of one commune): a typo such as
/// 1e308 would otherwise reach reports as infinity.
const MAX_FIGURE: f64 = 100_000_000.0;

/// Stores an officer's figure for an indicator the app does not record, replacing the same
/// commune's report for the same quarter.
pub async fn report_figure(db: &super::Db, principal: &Principal, figure: &ReportedFigure) -> Result<(), StoreError> {
    access::require(principal, Capability::ReportFigures)?;
    let definition = figure.indicator.definition();
    if definition.source != Source::Entered {
        return Err(StoreError::Invalid(said(
            format!("indicator: {} is computed from recorded data, not entered", figure.indicator),
            format!("indicator: {} được tính từ dữ liệu ghi nhận, không nhập tay", figure.indicator),
        )));
    }
    check_period(&figure.period)?;
    let (numerator, denominator) = (figure.numerator, figure.denominator);
    if !(0.0..=MAX_FIGURE).contains(&numerator) || !(0.0..=MAX_FIGURE).contains(&denominator) || denominator == 0.0 {
        return Err(StoreError::Invalid(said(
            format!("numerator, denominator: expected 0 ≤ numerator and 0 < denominator ≤ {MAX_FIGURE}"),
            format!("numerator, denominator: cần 0 ≤ tử số và 0 < mẫu số ≤ {MAX_FIGURE}"),
        )));
    }
    if numerator > denominator {
        return Err(StoreError::Invalid(said(
            "numerator: cannot exceed the denominator",
            "numerator: tử số không được lớn hơn mẫu số",
        )));
    }
    let note = super::text::optional_lines("note", figure.note.as_deref(), 500)?;
    let note = note.as_deref();
    let mut tx = db.begin_write().await?;
    // The commune of that quarter: a figure of 2025-Q2 is Thành Trực's, even after the merger.
    let quarter_end = overview::day_after(&figure.period);
    let commune: Option<(i64,)> = sqlx::query_as(
        "SELECT id FROM admin_unit WHERE code = $1 AND level = 'commune'
           AND valid_from < $2 AND (valid_to IS NULL OR valid_to >= $2)",
    )
    .bind(&figure.commune_code)
    .bind(&quarter_end)
    .fetch_optional(&mut *tx)
    .await?;
    let Some((commune_id,)) = commune else {
        return Err(StoreError::Invalid(said(
            format!("commune_code: no commune '{}' in {}", figure.commune_code, figure.period),
            format!("commune_code: không có xã '{}' trong {}", figure.commune_code, figure.period),
        )));
    };
    if !crate::params::unit_in_scope(&mut *tx, principal, commune_id).await? {
        return Err(StoreError::Denied(access::Denied::Scope));
    }
    sqlx::query("DELETE FROM indicator_report WHERE indicator = $1 AND admin_unit_id = $2 AND period = $3")
        .bind(figure.indicator.as_str())
        .bind(commune_id)
        .bind(&figure.period)
        .execute(&mut *tx)
        .await?;
    sqlx::query(
        "INSERT INTO indicator_report (indicator, admin_unit_id, period, numerator, denominator, note, entered_by, entered_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(figure.indicator.as_str())
    .bind(commune_id)
    .bind(&figure.period)
    .bind(numerator)
    .bind(denominator)
    .bind(note)
    .bind(principal.audit_name())
    .bind(super::now_utc_text())
    .execute(&mut *tx)
    .await?;
    let entity = format!("{}/{}/{}", figure.indicator, figure.commune_code, figure.period);
    let after = serde_json::json!({ "numerator": numerator, "denominator": denominator, "note": note });
    super::audit::record(
        &mut *tx,
        super::audit::Actor::Principal(principal),
        &super::audit::Change {
            action: "report",
            entity_type: "indicator_report",
            entity_id: &entity,
            before: None,
            after: Some(&after),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_quarters_already_begun_are_charted() {
        let quarters = quarters_begun(2026, "2026-11-26T01:00:00Z");
        assert_eq!(quarters.len(), 4);
        assert_eq!(quarters[0], ("2026-Q1".to_owned(), "2026-04-01T00:00:00Z".to_owned()));
        assert_eq!(quarters[3], ("2026-Q4".to_owned(), "2027-01-01T00:00:00Z".to_owned()));
        assert_eq!(quarters_begun(2026, "2026-05-02T00:00:00Z").len(), 2);
        assert!(quarters_begun(2027, "2026-11-26T01:00:00Z").is_empty());
    }

    #[test]
    fn periods_are_quarters_of_plausible_years() {
        for good in ["2025-Q1", "2026-Q4"] {
            assert!(check_period(good).is_ok(), "{good}");
        }
        for bad in ["2026-Q5", "2026Q1", "26-Q1", "2026-Q", "", "1900-Q1"] {
            assert!(check_period(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn targets_fall_back_from_unit_to_everywhere_to_the_plan() {
        let mut overrides = HashMap::new();
        assert_eq!(target_for(&overrides, Indicator::AdultsVneid, 2025, "15187"), Some(60.0));
        assert_eq!(target_for(&overrides, Indicator::AdultsVneid, 2027, "15187"), Some(80.0));
        assert_eq!(target_for(&overrides, Indicator::PrimaryPupils, 2025, "15187"), None);
        overrides.insert(("adults_vneid".to_owned(), EVERYWHERE.to_owned()), 65.0);
        assert_eq!(target_for(&overrides, Indicator::AdultsVneid, 2025, "15187"), Some(65.0));
        overrides.insert(("adults_vneid".to_owned(), "15187".to_owned()), 70.0);
        assert_eq!(target_for(&overrides, Indicator::AdultsVneid, 2025, "15187"), Some(70.0));
        assert_eq!(target_for(&overrides, Indicator::AdultsVneid, 2025, "15190"), Some(65.0));
    }
}
