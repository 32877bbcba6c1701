//! "Nên làm gì tiếp": the villages of a leader's area ranked by combined gap, most urgent first,
//! read from each village's kept totals (`village_now`) and paged, so the first page of a
//! country's list costs one ordered read.

use crate::access::{self, Principal};
use crate::db::Page;
use crate::params::Params;
use crate::StoreError;
use model::indicators::{
    PriorityReason, VillagePriority, WEIGHT_NOT_VISITED, WEIGHT_NO_LIST, WEIGHT_NO_WIFI, WEIGHT_OVERDUE_DISAGREEMENT,
    WEIGHT_WEAK_COVERAGE,
};
use model::Capability;
use std::collections::BTreeMap;

/// Which villages to rank: within one unit of the leader's area (by code), or all of it.
#[derive(Clone, Debug, Default)]
pub struct PriorityFilter {
    pub unit: Option<String>,
}

/// What the ranking needs to know of a village.
#[derive(sqlx::FromRow)]
struct VillageFacts {
    village_code: String,
    village: String,
    commune_code: String,
    commune: String,
    houses: i64,
    houses_active: i64,
    /// The first of the houses' states in the order of `MIN(wifi_status)`, when none works.
    wifi_status: Option<String>,
    good_mobile: i64,
    households: i64,
    visited: i64,
    score: f64,
    lon: Option<f64>,
    lat: Option<f64>,
}

/// The principal's villages (within `filter.unit` when given) with something to do, ranked by
/// score, most urgent first, then by code; one page of them.
pub async fn priorities(
    db: &crate::Db,
    principal: &Principal,
    filter: &PriorityFilter,
    page: Page,
) -> Result<Vec<VillagePriority>, StoreError> {
    access::require(principal, Capability::ReadDashboard)?;
    // Overdue disagreements come from comparing measurements with declarations, a rule written
    // in Rust (`coverage::measured`); their villages join the score as a list of codes.
    let overdue = crate::coverage::measured::overdue_by_village(db, principal).await?;
    let mut params = Params::new();
    let scope = params.scope_of(principal);
    let overdue_codes: Vec<String> = overdue.keys().map(|code| params.bind(code.clone())).collect();
    let overdue_term = if overdue_codes.is_empty() {
        String::new()
    } else {
        format!(" + CASE WHEN v.code IN ({}) THEN {WEIGHT_OVERDUE_DISAGREEMENT} ELSE 0 END", overdue_codes.join(", "))
    };
    let (unit_cte, within) = match &filter.unit {
        Some(code) => {
            let code = params.bind(code.clone());
            (
                format!(
                    ", within_unit(id) AS (
                         SELECT id FROM admin_unit WHERE code = {code} AND valid_to IS NULL
                         UNION
                         SELECT unit.id FROM admin_unit unit JOIN within_unit above ON unit.parent_id = above.id
                     )"
                ),
                " AND v.id IN (SELECT id FROM within_unit)",
            )
        }
        None => (String::new(), ""),
    };
    let kept = |column: &str| format!("COALESCE(n.{column}, 0)");
    let score = format!(
        "CAST(CASE WHEN {houses} > 0 AND {active} = 0 THEN {WEIGHT_NO_WIFI} ELSE 0 END
          + CASE WHEN {good_mobile} = 0 THEN {WEIGHT_WEAK_COVERAGE} ELSE 0 END
          + CASE WHEN {households} = 0 THEN {WEIGHT_NO_LIST}
                 ELSE {WEIGHT_NOT_VISITED} * CAST({households} - {visited} AS DOUBLE PRECISION) / {households} END
          {overdue_term}
          AS DOUBLE PRECISION)",
        houses = kept("houses"),
        active = kept("houses_active"),
        good_mobile = kept("good_mobile"),
        households = kept("households"),
        visited = kept("visited"),
    );
    // With no house working, `MIN(wifi_status)` of the houses: the first state present in
    // alphabetical order.
    let sql = format!(
        "WITH RECURSIVE {cte}{unit_cte}
         SELECT v.code AS village_code, v.name AS village, c.code AS commune_code, c.name AS commune,
                {houses} AS houses, {active} AS houses_active,
                CASE WHEN n.houses_broken > 0 THEN 'broken' WHEN n.houses_installing > 0 THEN 'installing'
                     WHEN n.houses_none > 0 THEN 'none' WHEN n.houses_planned > 0 THEN 'planned' END AS wifi_status,
                {good_mobile} AS good_mobile, {households} AS households, {visited} AS visited, {score} AS score,
                (SELECT MIN(h.lon) FROM cultural_house h WHERE h.village_id = v.id) AS lon,
                (SELECT MIN(h.lat) FROM cultural_house h WHERE h.village_id = v.id) AS lat
         FROM admin_unit v
         JOIN admin_unit c ON c.id = v.parent_id
         LEFT JOIN village_now n ON n.village_id = v.id
         WHERE v.level = 'village' AND v.valid_to IS NULL AND {in_scope}{within} AND {score} > 0
         ORDER BY score DESC, v.code
         LIMIT {limit} OFFSET {offset}",
        cte = scope.cte,
        in_scope = scope.covers("v.id"),
        houses = kept("houses"),
        active = kept("houses_active"),
        good_mobile = kept("good_mobile"),
        households = kept("households"),
        visited = kept("visited"),
        limit = params.bind(page.limit),
        offset = params.bind(page.offset),
    );
    let villages: Vec<VillageFacts> = params.query_as(&sql)?.fetch_all(db.pool()).await?;
    Ok(villages.into_iter().map(|village| ranked(village, &overdue)).collect())
}

/// A village's reasons for its rank; `overdue`: the operators late to answer, per village code.
fn ranked(village: VillageFacts, overdue: &BTreeMap<String, Vec<String>>) -> VillagePriority {
    let mut reasons = Vec::new();
    if village.houses > 0 && village.houses_active == 0 {
        let wifi_status = village.wifi_status.unwrap_or_else(|| "none".to_owned());
        reasons.push(PriorityReason::NoWorkingWifi { wifi_status });
    }
    if village.good_mobile == 0 {
        reasons.push(PriorityReason::WeakCoverage);
    }
    if village.households == 0 {
        reasons.push(PriorityReason::NoHouseholdList);
    } else if village.visited < village.households {
        let not_visited = village.households - village.visited;
        reasons.push(PriorityReason::HouseholdsNotVisited { not_visited, households: village.households });
    }
    if let Some(operators) = overdue.get(&village.village_code) {
        reasons.push(PriorityReason::OverdueDisagreement { operators: operators.clone() });
    }
    VillagePriority {
        village_code: village.village_code,
        village: village.village,
        commune_code: village.commune_code,
        commune: village.commune,
        score: village.score,
        reasons,
        lon: village.lon,
        lat: village.lat,
    }
}
