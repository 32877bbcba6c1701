//! Declared against measured: what an operator declares for a village next to what phones
//! measured there since, and the rule that flags a disagreement the operator must answer.
//!
//! The rule, written once here: a village and operator **disagree** when the operator's
//! declaration in force (its best mobile quality among its latest report per technology) is
//! `good` or `fair`, and since that declaration at least [`MIN_SAMPLES`] measurements on at least
//! [`MIN_DAYS`] distinct days found `weak` or `none`, and the median of all measurements since is
//! `weak` or `none` (so three bad samples among a hundred good ones do not count). A few bad
//! samples short of that are `too_few_samples`; anything else `agrees`. A new declaration starts
//! the comparison afresh: evidence older than the claim does not contradict it.

use super::QUALITIES;
use crate::access::Principal;
use crate::StoreError;
use model::Role;
use std::collections::{BTreeMap, BTreeSet};

/// Fewest weak-or-none measurements that make a disagreement.
pub const MIN_SAMPLES: usize = 3;
/// Fewest distinct days (UTC) those measurements must span: one bad afternoon is not a pattern.
pub const MIN_DAYS: usize = 2;
/// An unanswered disagreement older than this many days is overdue.
pub const OVERDUE_DAYS: i64 = 30;
/// Download speed, kbit/s, from which a measurement is `good` (the threshold the visits' network
/// samples use too); below [`FAIR_KBPS`] it is `weak`.
pub const GOOD_KBPS: f64 = 5_000.0;
pub const FAIR_KBPS: f64 = 1_000.0;
/// Round trip, milliseconds, above which a fast download is still only `fair` (calls and
/// public-service sites feel broken beyond it).
pub const GOOD_LATENCY_MS: f64 = 300.0;

/// What a measurement found, as far as its quality goes.
#[derive(Clone, Copy, Debug)]
pub struct Figures {
    pub no_signal: bool,
    pub latency_ms: Option<f64>,
    pub download_kbps: Option<f64>,
}

/// A measurement on the coverage quality scale ([`QUALITIES`]), so that it compares with what
/// operators declare: no signal is `none`; ≥ 5 Mbit/s (with a round trip ≤ 300 ms) `good`;
/// ≥ 1 Mbit/s `fair`; anything slower `weak`.
pub fn measured_quality(figures: &Figures) -> &'static str {
    if figures.no_signal {
        return "none";
    }
    let download = figures.download_kbps.unwrap_or(0.0);
    let quick = figures.latency_ms.is_none_or(|ms| ms <= GOOD_LATENCY_MS);
    if download >= GOOD_KBPS && quick {
        "good"
    } else if download >= FAIR_KBPS {
        "fair"
    } else {
        "weak"
    }
}

/// A quality's place on the scale, worst first (an unknown stored value fails loudly).
fn rank(quality: &str) -> Result<usize, StoreError> {
    QUALITIES
        .iter()
        .position(|known| *known == quality)
        .ok_or_else(|| StoreError::Corrupt(format!("coverage quality '{quality}'")))
}

/// What the rule says of one village and operator.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    Agrees,
    Disagrees,
    TooFewSamples,
    /// Measured, but the operator declares nothing for the village.
    Undeclared,
}

/// One measurement as the rule reads it.
#[derive(Clone, Debug)]
pub struct Sample {
    pub measured_at: String,
    pub quality: String,
    pub recorded_by: String,
    pub download_kbps: Option<f64>,
    pub latency_ms: Option<f64>,
}

/// The rule's reading of the samples since a declaration.
#[derive(Clone, Debug, PartialEq)]
pub struct Reading {
    pub verdict: Verdict,
    pub median_quality: String,
    /// When the disagreement began: the sample that completed the evidence.
    pub since: Option<String>,
    pub weak_samples: usize,
}

/// Applies the rule to the samples made since the declaration (`declared`: its quality).
pub fn judge(declared: Option<&str>, samples: &[Sample]) -> Result<Reading, StoreError> {
    let mut ranks = samples.iter().map(|sample| rank(&sample.quality)).collect::<Result<Vec<_>, _>>()?;
    ranks.sort_unstable();
    // The lower median: with an even count, the worse of the two middle samples.
    let median = ranks.get(ranks.len().saturating_sub(1) / 2).copied().unwrap_or(0);
    let weak = rank("weak")?;
    let mut bad: Vec<&Sample> =
        samples.iter().filter(|sample| rank(&sample.quality).is_ok_and(|r| r <= weak)).collect();
    bad.sort_by(|a, b| a.measured_at.cmp(&b.measured_at));
    let mut days = BTreeSet::new();
    let mut since = None;
    for (count, sample) in bad.iter().enumerate() {
        days.insert(sample.measured_at.get(..10).unwrap_or(&sample.measured_at));
        if since.is_none() && count + 1 >= MIN_SAMPLES && days.len() >= MIN_DAYS {
            since = Some(sample.measured_at.clone());
        }
    }
    let verdict = match declared {
        None => Verdict::Undeclared,
        Some(declared) if rank(declared)? <= weak => Verdict::Agrees,
        Some(_) if bad.is_empty() => Verdict::Agrees,
        Some(_) if since.is_some() && median <= weak => Verdict::Disagrees,
        Some(_) if since.is_some() => Verdict::Agrees,
        Some(_) => Verdict::TooFewSamples,
    };
    Ok(Reading {
        since: since.filter(|_| verdict == Verdict::Disagrees),
        verdict,
        median_quality: QUALITIES[median].to_owned(),
        weak_samples: bad.len(),
    })
}

/// The median of some figures, if any.
fn median(mut values: Vec<f64>) -> Option<f64> {
    values.sort_by(f64::total_cmp);
    values.get(values.len().saturating_sub(1) / 2).copied().filter(|_| !values.is_empty())
}

/// The operators a principal sees comparisons for: a telecom account its own only.
pub(crate) fn operator_filter(principal: &Principal) -> Result<Option<String>, StoreError> {
    match (principal.role, &principal.operator) {
        (Role::Telecom, Some(operator)) => Ok(Some(operator.clone())),
        (Role::Telecom, None) => Err(crate::access::Denied::Operator.into()),
        _ => Ok(None),
    }
}

/// An operator's declaration in force for a village.
#[derive(Clone, Debug, sqlx::FromRow)]
pub(crate) struct Declaration {
    pub village_id: i64,
    pub operator: String,
    pub report_id: i64,
    pub technology: String,
    pub quality: String,
    pub reported_at: String,
    pub confirmed_at: Option<String>,
}

/// The declarations in force, per (village, operator): for each, the best mobile quality among
/// the operator's latest report per technology (fixed lines are not what a phone measures).
pub(crate) async fn declarations(
    executor: &mut sqlx::AnyConnection,
    operator: Option<&str>,
) -> Result<BTreeMap<(i64, String), Declaration>, StoreError> {
    let rows: Vec<Declaration> = sqlx::query_as(
        "SELECT r.village_id, r.operator, r.id AS report_id, r.technology, r.quality, r.reported_at, r.confirmed_at
         FROM coverage_report r
         WHERE r.source = 'operator' AND r.technology <> 'FTTH' AND ($1 IS NULL OR r.operator = $1)
           AND NOT EXISTS (
               SELECT 1 FROM coverage_report newer
               WHERE newer.village_id = r.village_id AND newer.operator = r.operator
                 AND newer.technology = r.technology AND newer.source = r.source
                 AND (newer.reported_at > r.reported_at OR (newer.reported_at = r.reported_at AND newer.id > r.id)))",
    )
    .bind(operator)
    .fetch_all(&mut *executor)
    .await?;
    let mut in_force: BTreeMap<(i64, String), Declaration> = BTreeMap::new();
    for row in rows {
        let key = (row.village_id, row.operator.clone());
        let better = match in_force.get(&key) {
            None => true,
            Some(kept) => (rank(&row.quality)?, &row.reported_at) > (rank(&kept.quality)?, &kept.reported_at),
        };
        if better {
            in_force.insert(key, row);
        }
    }
    Ok(in_force)
}

/// One village and operator: declared next to measured, with the rule's verdict.
#[derive(Clone, Debug, PartialEq, serde::Serialize, utoipa::ToSchema)]
pub struct Comparison {
    pub village_code: String,
    pub village: String,
    pub commune_code: Option<String>,
    pub commune: Option<String>,
    pub operator: String,
    /// The declaration in force: its id (to answer or confirm it), technology, quality, date.
    pub declared_report_id: Option<i64>,
    pub declared_technology: Option<String>,
    pub declared_quality: Option<String>,
    pub declared_at: Option<String>,
    /// When the operator last confirmed the declaration unchanged.
    pub declared_confirmed_at: Option<String>,
    /// Measurements since the declaration (all of them when there is none).
    pub samples: i64,
    /// Distinct UTC days they were made on.
    pub days: i64,
    /// Distinct accounts (phones in practice) that made them.
    pub phones: i64,
    pub weak_samples: i64,
    pub median_quality: String,
    pub median_download_kbps: Option<f64>,
    pub median_latency_ms: Option<f64>,
    pub latest_measured_at: String,
    pub verdict: Verdict,
    /// When the disagreement began (the sample that completed the evidence).
    pub since: Option<String>,
    /// Whole days since then.
    pub age_days: Option<i64>,
    /// The operator's latest answer since the declaration.
    pub answer: Option<super::answer_log::Answer>,
    /// Unanswered for more than 30 days.
    pub overdue: bool,
}

/// Which comparisons to list.
#[derive(Clone, Debug, Default)]
pub struct ComparisonFilter {
    /// Only this verdict (`None`: every village and operator that was measured).
    pub verdict: Option<Verdict>,
    pub commune_code: Option<String>,
    pub operator: Option<String>,
}

/// Every measured village and operator in the principal's scope (a telecom account: its own
/// operator's only), by commune, village and operator.
pub async fn compare(
    db: &crate::Db,
    principal: &Principal,
    filter: &ComparisonFilter,
) -> Result<Vec<Comparison>, StoreError> {
    let own = operator_filter(principal)?;
    if own.as_ref().is_some_and(|own| filter.operator.as_ref().is_some_and(|asked| asked != own)) {
        return Ok(Vec::new());
    }
    let operator = own.or_else(|| filter.operator.clone());
    let mut connection = db.pool().acquire().await?;
    let declared = declarations(&mut connection, operator.as_deref()).await?;
    let answers = super::answer_log::latest_answers(&mut connection, operator.as_deref()).await?;
    let mut params = crate::params::Params::new();
    let scope = params.scope_of(principal);
    let operator_placeholder = params.bind(operator.clone());
    let commune_placeholder = params.bind(filter.commune_code.clone());
    let sql = format!(
        "WITH RECURSIVE {cte}
         SELECT m.village_id, v.code, v.name, c.code, c.name, m.operator, m.measured_at, m.quality, m.recorded_by,
                m.download_kbps, m.latency_ms
         FROM measurement m
         JOIN admin_unit v ON v.id = m.village_id
         LEFT JOIN admin_unit c ON c.id = v.parent_id
         WHERE {in_scope} AND ({operator_placeholder} IS NULL OR m.operator = {operator_placeholder})
           AND ({commune_placeholder} IS NULL OR c.code = {commune_placeholder})
         ORDER BY m.village_id, m.operator, m.measured_at",
        cte = scope.cte,
        in_scope = scope.covers("m.village_id"),
    );
    type Row =
        (i64, String, String, Option<String>, Option<String>, String, String, String, String, Option<f64>, Option<f64>);
    let rows: Vec<Row> = params.query_as(&sql)?.fetch_all(&mut *connection).await?;
    drop(connection);
    let mut groups: BTreeMap<(i64, String), (Row, Vec<Sample>)> = BTreeMap::new();
    for row in rows {
        let sample = Sample {
            measured_at: row.6.clone(),
            quality: row.7.clone(),
            recorded_by: row.8.clone(),
            download_kbps: row.9,
            latency_ms: row.10,
        };
        groups.entry((row.0, row.5.clone())).or_insert_with(|| (row, Vec::new())).1.push(sample);
    }
    let now = time::OffsetDateTime::now_utc();
    let mut comparisons = Vec::new();
    for (key, ((_, village_code, village, commune_code, commune, operator, ..), samples)) in groups {
        let declaration = declared.get(&key);
        let since_declared: Vec<Sample> = samples
            .into_iter()
            .filter(|sample| declaration.is_none_or(|declared| sample.measured_at >= declared.reported_at))
            .collect();
        if since_declared.is_empty() {
            continue;
        }
        let reading = judge(declaration.map(|declared| declared.quality.as_str()), &since_declared)?;
        if filter.verdict.is_some_and(|wanted| wanted != reading.verdict) {
            continue;
        }
        let answer = answers
            .get(&key)
            .filter(|answer| declaration.is_none_or(|declared| answer.answered_at >= declared.reported_at))
            .cloned();
        let age_days = reading.since.as_deref().and_then(|since| days_between(since, now));
        let overdue = reading.verdict == Verdict::Disagrees
            && answer.is_none()
            && age_days.is_some_and(|days| days > OVERDUE_DAYS);
        let days: BTreeSet<&str> =
            since_declared.iter().map(|s| s.measured_at.get(..10).unwrap_or(&s.measured_at)).collect();
        let phones: BTreeSet<&str> = since_declared.iter().map(|s| s.recorded_by.as_str()).collect();
        comparisons.push(Comparison {
            village_code,
            village,
            commune_code,
            commune,
            operator,
            declared_report_id: declaration.map(|declared| declared.report_id),
            declared_technology: declaration.map(|declared| declared.technology.clone()),
            declared_quality: declaration.map(|declared| declared.quality.clone()),
            declared_at: declaration.map(|declared| declared.reported_at.clone()),
            declared_confirmed_at: declaration.and_then(|declared| declared.confirmed_at.clone()),
            samples: since_declared.len() as i64,
            days: days.len() as i64,
            phones: phones.len() as i64,
            weak_samples: reading.weak_samples as i64,
            median_download_kbps: median(since_declared.iter().filter_map(|s| s.download_kbps).collect()),
            median_latency_ms: median(since_declared.iter().filter_map(|s| s.latency_ms).collect()),
            latest_measured_at: since_declared.iter().map(|s| s.measured_at.clone()).max().unwrap_or_default(),
            median_quality: reading.median_quality,
            verdict: reading.verdict,
            since: reading.since,
            age_days,
            answer,
            overdue,
        });
    }
    comparisons.sort_by(|a, b| {
        (&a.commune, &a.village, &a.village_code, &a.operator).cmp(&(
            &b.commune,
            &b.village,
            &b.village_code,
            &b.operator,
        ))
    });
    Ok(comparisons)
}

/// Whole days from a stored moment to `now` (`None` if the text is not a stored moment).
pub(crate) fn days_between(moment: &str, now: time::OffsetDateTime) -> Option<i64> {
    let then = time::OffsetDateTime::parse(moment, &time::format_description::well_known::Rfc3339).ok()?;
    Some((now - then).whole_days())
}

/// Disagreements per commune and operator, for the dashboard.
#[derive(Clone, Debug, PartialEq, serde::Serialize, utoipa::ToSchema)]
pub struct DisagreementCount {
    pub commune_code: Option<String>,
    pub commune: Option<String>,
    pub operator: String,
    pub disagreements: i64,
    pub overdue: i64,
}

/// The operators with an overdue disagreement, per village code, in the principal's scope: what
/// raises a village in the priority list.
pub async fn overdue_by_village(
    db: &crate::Db,
    principal: &Principal,
) -> Result<BTreeMap<String, Vec<String>>, StoreError> {
    let filter = ComparisonFilter { verdict: Some(Verdict::Disagrees), ..ComparisonFilter::default() };
    let mut overdue: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for comparison in compare(db, principal, &filter).await?.into_iter().filter(|c| c.overdue) {
        overdue.entry(comparison.village_code).or_default().push(comparison.operator);
    }
    Ok(overdue)
}

/// Counts the disagreements in the principal's scope per commune and operator.
pub async fn count_by_commune(db: &crate::Db, principal: &Principal) -> Result<Vec<DisagreementCount>, StoreError> {
    let filter = ComparisonFilter { verdict: Some(Verdict::Disagrees), ..ComparisonFilter::default() };
    /// Commune name, commune code, operator.
    type Key = (Option<String>, Option<String>, String);
    let mut counts: BTreeMap<Key, (i64, i64)> = BTreeMap::new();
    for comparison in compare(db, principal, &filter).await? {
        let entry = counts.entry((comparison.commune, comparison.commune_code, comparison.operator)).or_default();
        entry.0 += 1;
        entry.1 += i64::from(comparison.overdue);
    }
    Ok(counts
        .into_iter()
        .map(|((commune, commune_code, operator), (disagreements, overdue))| DisagreementCount {
            commune_code,
            commune,
            operator,
            disagreements,
            overdue,
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(at: &str, quality: &str) -> Sample {
        Sample {
            measured_at: at.to_owned(),
            quality: quality.to_owned(),
            recorded_by: "tocongnghe".to_owned(),
            download_kbps: None,
            latency_ms: None,
        }
    }

    #[test]
    fn measurements_rank_like_declarations() {
        let figures = |no_signal, latency_ms, download_kbps| Figures { no_signal, latency_ms, download_kbps };
        assert_eq!(measured_quality(&figures(true, None, None)), "none");
        assert_eq!(measured_quality(&figures(false, Some(40.0), Some(12_000.0))), "good");
        assert_eq!(measured_quality(&figures(false, Some(900.0), Some(12_000.0))), "fair");
        assert_eq!(measured_quality(&figures(false, Some(150.0), Some(1_600.0))), "fair");
        assert_eq!(measured_quality(&figures(false, Some(150.0), Some(300.0))), "weak");
    }

    #[test]
    fn the_rule_needs_three_bad_samples_over_two_days_and_a_bad_median() {
        let bad_days = [
            sample("2026-10-01T08:00:00Z", "weak"),
            sample("2026-10-01T09:00:00Z", "none"),
            sample("2026-10-02T08:00:00Z", "weak"),
        ];
        let reading = judge(Some("good"), &bad_days).expect("judged");
        assert_eq!(reading.verdict, Verdict::Disagrees);
        assert_eq!(reading.since.as_deref(), Some("2026-10-02T08:00:00Z"));
        assert_eq!(judge(Some("weak"), &bad_days).expect("judged").verdict, Verdict::Agrees, "declared weak");
        assert_eq!(judge(None, &bad_days).expect("judged").verdict, Verdict::Undeclared);
        let one_day = [
            sample("2026-10-01T08:00:00Z", "weak"),
            sample("2026-10-01T09:00:00Z", "none"),
            sample("2026-10-01T10:00:00Z", "weak"),
        ];
        assert_eq!(judge(Some("good"), &one_day).expect("judged").verdict, Verdict::TooFewSamples);
        assert_eq!(judge(Some("fair"), &bad_days[..2]).expect("judged").verdict, Verdict::TooFewSamples);
        let mostly_good: Vec<Sample> = bad_days
            .iter()
            .cloned()
            .chain((0..4).map(|hour| sample(&format!("2026-10-03T0{hour}:00:00Z"), "good")))
            .collect();
        assert_eq!(judge(Some("good"), &mostly_good).expect("judged").verdict, Verdict::Agrees);
        assert!(judge(Some("good"), &[sample("2026-10-01T08:00:00Z", "superb")]).is_err(), "unknown stored value");
    }
}
