//! The plan's indicators against their targets, per commune and over the caller's area, and the
//! villages to act on next. Figures the app records are computed from the same tables the map
//! and the field app use (no second copy); the others come from officers' reports.

use super::access::{self, Principal};
use super::params::Params;
use super::StoreError;
use model::indicators::{
    gap, plan_year, CommuneFigure, Indicator, IndicatorStatus, PriorityReason, Ratio, Source, TrendPoint,
    VillagePriority, WEIGHT_NOT_VISITED, WEIGHT_NO_LIST, WEIGHT_NO_WIFI, WEIGHT_WEAK_COVERAGE,
};
use model::said;
use model::Capability;
use sqlx::{Any, Executor};
use std::collections::HashMap;

/// Targets apply everywhere unless a commune has its own: this code stands for "everywhere".
pub const EVERYWHERE: &str = "*";

/// A current commune within the principal's scope.
#[derive(Clone, Debug, sqlx::FromRow)]
struct Commune {
    id: i64,
    code: String,
    name: String,
}

async fn communes<'e, E>(executor: E, principal: &Principal) -> Result<Vec<Commune>, StoreError>
where
    E: Executor<'e, Database = Any>,
{
    let mut params = Params::new();
    let scope = params.scope_of(principal);
    let sql = format!(
        "WITH RECURSIVE {cte}
         SELECT c.id, c.code, c.name FROM admin_unit c
         WHERE c.level = 'commune' AND c.valid_to IS NULL AND {in_scope}
         ORDER BY c.name, c.code",
        cte = scope.cte,
        in_scope = scope.covers("c.id"),
    );
    Ok(params.query_as(&sql)?.fetch_all(executor).await?)
}

/// Later than any stored timestamp: "as of now" for the queries below.
const NOW_AND_EVER: &str = "9999-12-31T23:59:59Z";

/// `(commune id, numerator, denominator)` rows of a recorded indicator for every current commune,
/// counting what was recorded before `before` (`None`: everything, with today's Wi-Fi states).
async fn recorded<'e, E>(
    executor: E,
    indicator: Indicator,
    before: Option<&str>,
) -> Result<Vec<(i64, f64, f64)>, StoreError>
where
    E: Executor<'e, Database = Any>,
{
    // Each query counts per commune through its current villages. Counts are cast to floating
    // point in SQL so both databases hand back the same type.
    let sql = match (indicator, before) {
        (Indicator::CulturalHouseWifi, None) => {
            "SELECT v.parent_id, CAST(SUM(CASE WHEN h.wifi_status = 'active' THEN 1 ELSE 0 END) AS DOUBLE PRECISION),
                    CAST(COUNT(*) AS DOUBLE PRECISION)
             FROM cultural_house h JOIN admin_unit v ON v.id = h.village_id
             WHERE v.valid_to IS NULL GROUP BY v.parent_id"
        }
        // In the past: each house's state is its latest Wi-Fi version written before then; a
        // house the app did not know yet counts in neither part of the share.
        (Indicator::CulturalHouseWifi, Some(_)) => {
            "SELECT v.parent_id, CAST(SUM(CASE WHEN known.status = 'active' THEN 1 ELSE 0 END) AS DOUBLE PRECISION),
                    CAST(COUNT(known.status) AS DOUBLE PRECISION)
             FROM (SELECT h.village_id,
                          (SELECT w.wifi_status FROM wifi_change w
                           WHERE w.cultural_house_id = h.id AND w.changed_at < $1
                           ORDER BY w.version DESC LIMIT 1) AS status
                   FROM cultural_house h) AS known
             JOIN admin_unit v ON v.id = known.village_id
             WHERE v.valid_to IS NULL GROUP BY v.parent_id"
        }
        (Indicator::DigitalFamilies, _) => {
            "SELECT v.parent_id,
                    CAST(SUM(CASE WHEN EXISTS (SELECT 1 FROM visit x WHERE x.household_id = h.id
                                               AND x.people_helped > 0 AND x.visited_at < $1)
                                  THEN 1 ELSE 0 END) AS DOUBLE PRECISION),
                    CAST(COUNT(*) AS DOUBLE PRECISION)
             FROM household h JOIN admin_unit v ON v.id = h.village_id
             WHERE v.valid_to IS NULL AND h.created_at < $1 GROUP BY v.parent_id"
        }
        (Indicator::AdultsVneid, _) => {
            "SELECT v.parent_id,
                    CAST((SELECT COUNT(*) FROM visit x JOIN admin_unit xv ON xv.id = x.village_id
                          WHERE xv.parent_id = v.parent_id AND x.vneid_activated = 1 AND x.visited_at < $1)
                         AS DOUBLE PRECISION),
                    CAST(COALESCE(SUM(h.adults), 0) AS DOUBLE PRECISION)
             FROM household h JOIN admin_unit v ON v.id = h.village_id
             WHERE v.valid_to IS NULL AND h.created_at < $1 GROUP BY v.parent_id"
        }
        (Indicator::DigitalAmbassadors, _) => {
            "SELECT commune_id, CAST(SUM(CASE WHEN helped >= 5 THEN 1 ELSE 0 END) AS DOUBLE PRECISION),
                    CAST(COUNT(*) AS DOUBLE PRECISION)
             FROM (SELECT v.parent_id AS commune_id, x.recorded_by, SUM(x.people_helped) AS helped
                   FROM visit x JOIN admin_unit v ON v.id = x.village_id
                   WHERE v.valid_to IS NULL AND x.visited_at < $1 GROUP BY v.parent_id, x.recorded_by) AS guides
             GROUP BY commune_id"
        }
        _ => return Ok(Vec::new()),
    };
    let query = sqlx::query_as(sql);
    // Today's Wi-Fi states need no moment; every other query counts up to one.
    let query = if sql.contains("$1") { query.bind(before.unwrap_or(NOW_AND_EVER)) } else { query };
    let rows: Vec<(i64, f64, f64)> = query.fetch_all(executor).await?;
    Ok(rows)
}

/// Officers' reports of a year: `(indicator, commune id, period, ratio)`, oldest period first.
async fn entered<'e, E>(executor: E, year: i32) -> Result<Vec<(String, i64, String, Ratio)>, StoreError>
where
    E: Executor<'e, Database = Any>,
{
    let rows: Vec<(String, i64, String, f64, f64)> = sqlx::query_as(
        "SELECT indicator, admin_unit_id, period, numerator, denominator FROM indicator_report
         WHERE period LIKE $1 ORDER BY period",
    )
    .bind(format!("{year}-%"))
    .fetch_all(executor)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(indicator, unit, period, numerator, denominator)| {
            (indicator, unit, period, Ratio { numerator, denominator })
        })
        .collect())
}

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

/// The sum of the communes' shares within scope; `None` when none has a figure.
fn recorded_in_scope(rows: Vec<(i64, f64, f64)>, in_scope: &std::collections::HashSet<i64>) -> Option<Ratio> {
    rows.into_iter()
        .filter(|(commune, _, denominator)| in_scope.contains(commune) && *denominator > 0.0)
        .map(|(_, numerator, denominator)| Ratio { numerator, denominator })
        .reduce(|sum, ratio| sum + ratio)
}

/// The target of every indicator for a year over the whole area (admins' or the plan's).
pub async fn area_targets<'e, E>(executor: E, year: i32) -> Result<Vec<(Indicator, Option<f64>)>, StoreError>
where
    E: Executor<'e, Database = Any>,
{
    let overrides = target_overrides(executor, year).await?;
    Ok(Indicator::all().map(|indicator| (indicator, target_for(&overrides, indicator, year, EVERYWHERE))).collect())
}

/// Every indicator for `year` over the principal's communes, each with its communes' figures.
pub async fn status(db: &super::Db, principal: &Principal, year: i32) -> Result<Vec<IndicatorStatus>, StoreError> {
    access::require(principal, Capability::ReadDashboard)?;
    let pool = db.pool();
    let communes = communes(pool, principal).await?;
    let overrides = target_overrides(pool, year).await?;
    let reports = entered(pool, year).await?;
    // Ordered by period: a later report of the same commune replaces an earlier one.
    let latest_reports: HashMap<(String, i64), (Ratio, String)> = reports
        .iter()
        .map(|(indicator, unit, period, ratio)| ((indicator.clone(), *unit), (*ratio, period.clone())))
        .collect();
    let in_scope: std::collections::HashSet<i64> = communes.iter().map(|commune| commune.id).collect();
    let quarters = quarters_begun(year, &super::now_utc_text());
    let mut statuses = Vec::new();
    for indicator in Indicator::all() {
        let definition = indicator.definition();
        let recorded_now: HashMap<i64, Ratio> = recorded(pool, indicator, None)
            .await?
            .into_iter()
            .map(|(commune, numerator, denominator)| (commune, Ratio { numerator, denominator }))
            .collect();
        let mut trend = Vec::new();
        for (period, next_start) in &quarters {
            let actual = match definition.source {
                Source::Recorded => recorded_in_scope(recorded(pool, indicator, Some(next_start)).await?, &in_scope),
                Source::Entered => reports
                    .iter()
                    .filter(|(code, unit, at, _)| code == indicator.as_str() && at == period && in_scope.contains(unit))
                    .map(|(_, _, _, ratio)| *ratio)
                    .reduce(|sum, ratio| sum + ratio),
            };
            trend.push(TrendPoint { period: period.clone(), actual, percent: actual.and_then(Ratio::percent) });
        }
        let figures: Vec<CommuneFigure> = communes
            .iter()
            .map(|commune| {
                let (actual, period) = match definition.source {
                    Source::Recorded => (recorded_now.get(&commune.id).copied(), None),
                    Source::Entered => latest_reports
                        .get(&(indicator.as_str().to_owned(), commune.id))
                        .map(|(ratio, period)| (Some(*ratio), Some(period.clone())))
                        .unwrap_or((None, None)),
                };
                let percent = actual.and_then(Ratio::percent);
                let target = target_for(&overrides, indicator, year, &commune.code);
                CommuneFigure {
                    commune_code: commune.code.clone(),
                    commune: commune.name.clone(),
                    actual,
                    percent,
                    target,
                    gap: gap(target, percent),
                    period,
                }
            })
            .collect();
        let actual = figures.iter().filter_map(|figure| figure.actual).reduce(|sum, ratio| sum + ratio);
        let percent = actual.and_then(Ratio::percent);
        let target = target_for(&overrides, indicator, year, EVERYWHERE);
        statuses.push(IndicatorStatus {
            indicator,
            name_vi: definition.name_vi.to_owned(),
            name_en: definition.name_en.to_owned(),
            owner: definition.owner.to_owned(),
            coordinating: definition.coordinating.to_owned(),
            source: definition.source,
            method_vi: definition.method_vi.to_owned(),
            method_en: definition.method_en.to_owned(),
            year,
            target,
            actual,
            percent,
            gap: gap(target, percent),
            communes: figures,
            trend,
        });
    }
    Ok(statuses)
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
    let commune: Option<(i64,)> =
        sqlx::query_as("SELECT id FROM admin_unit WHERE code = $1 AND level = 'commune' AND valid_to IS NULL")
            .bind(&figure.commune_code)
            .fetch_optional(&mut *tx)
            .await?;
    let Some((commune_id,)) = commune else {
        return Err(StoreError::Invalid(said(
            format!("commune_code: no current commune '{}'", figure.commune_code),
            format!("commune_code: không có xã hiện hành '{}'", figure.commune_code),
        )));
    };
    if !access::unit_in_scope(&mut *tx, principal, commune_id).await? {
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

/// What the priority list needs to know of a village.
#[derive(sqlx::FromRow)]
struct VillageFacts {
    village_code: String,
    village: String,
    commune_code: String,
    commune: String,
    wifi_status: Option<String>,
    lon: Option<f64>,
    lat: Option<f64>,
    households: i64,
    visited: i64,
}

/// The principal's villages ranked by combined gap ("nên làm gì tiếp"), most urgent first, each
/// with the reasons for its rank. Villages with nothing to do are left out.
pub async fn priorities(db: &super::Db, principal: &Principal) -> Result<Vec<VillagePriority>, StoreError> {
    access::require(principal, Capability::ReadDashboard)?;
    // Operators' latest claims only: the weak-coverage reason is about what they provide.
    let coverage = super::coverage::operator_claims(db.pool(), false).await?;
    let mut params = Params::new();
    let scope = params.scope_of(principal);
    let sql = format!(
        "WITH RECURSIVE {cte}
         SELECT v.code AS village_code, v.name AS village, c.code AS commune_code, c.name AS commune,
                (SELECT MIN(h.wifi_status) FROM cultural_house h WHERE h.village_id = v.id) AS wifi_status,
                (SELECT MIN(h.lon) FROM cultural_house h WHERE h.village_id = v.id) AS lon,
                (SELECT MIN(h.lat) FROM cultural_house h WHERE h.village_id = v.id) AS lat,
                (SELECT COUNT(*) FROM household h WHERE h.village_id = v.id) AS households,
                (SELECT COUNT(DISTINCT x.household_id) FROM visit x WHERE x.village_id = v.id) AS visited
         FROM admin_unit v JOIN admin_unit c ON c.id = v.parent_id
         WHERE v.level = 'village' AND v.valid_to IS NULL AND {in_scope}",
        cte = scope.cte,
        in_scope = scope.covers("v.id"),
    );
    let villages: Vec<VillageFacts> = params.query_as(&sql)?.fetch_all(db.pool()).await?;
    let dead = model::dead_zone_villages(villages.iter().map(|v| v.village_code.as_str()), &coverage);
    let mut ranked: Vec<VillagePriority> = villages
        .into_iter()
        .filter_map(|village| {
            let mut reasons = Vec::new();
            let mut score = 0.0;
            if let Some(status) = village.wifi_status.as_deref().filter(|status| *status != "active") {
                reasons.push(PriorityReason::NoWorkingWifi { wifi_status: status.to_owned() });
                score += WEIGHT_NO_WIFI;
            }
            if dead.binary_search(&village.village_code).is_ok() {
                reasons.push(PriorityReason::WeakCoverage);
                score += WEIGHT_WEAK_COVERAGE;
            }
            if village.households == 0 {
                reasons.push(PriorityReason::NoHouseholdList);
                score += WEIGHT_NO_LIST;
            } else if village.visited < village.households {
                let not_visited = village.households - village.visited;
                reasons.push(PriorityReason::HouseholdsNotVisited { not_visited, households: village.households });
                score += WEIGHT_NOT_VISITED * not_visited as f64 / village.households as f64;
            }
            (score > 0.0).then_some(VillagePriority {
                village_code: village.village_code,
                village: village.village,
                commune_code: village.commune_code,
                commune: village.commune,
                score,
                reasons,
                lon: village.lon,
                lat: village.lat,
            })
        })
        .collect();
    ranked.sort_by(|a, b| b.score.total_cmp(&a.score).then_with(|| a.village_code.cmp(&b.village_code)));
    Ok(ranked)
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
