//! Every indicator over a leader's area for a quarter, broken down one level (a province by its
//! communes, a commune by its villages), by the units of that quarter or rolled up into today's,
//! read from the kept figures: the answer costs about as much for a commune as for the country's
//! first screen, because it reads one kept row per unit and quarter, never the records.

use super::view::{closure, Scope, View};
use super::{quarters_begun, target_for, target_overrides, EVERYWHERE};
use crate::access::{self, Principal};
use crate::figures::{stocks, Area, Boundaries, Stocks, UnitTree};
use crate::{Db, StoreError};
use model::indicators::{
    gap, plan_year, CommuneFigure, Indicator, IndicatorStatus, Overview, OverviewRequest, Ratio, Source, TrendPoint,
    UnitRef,
};
use model::{said, Capability};
use std::collections::HashMap;

/// Every indicator for `year` over the principal's area (its latest quarter, units of the time):
/// the overview's figures, for the reports and the API's plain list.
pub async fn status(db: &Db, principal: &Principal, year: i32) -> Result<Vec<IndicatorStatus>, StoreError> {
    let request = OverviewRequest { year, ..OverviewRequest::default() };
    Ok(overview(db, principal, &request).await?.indicators)
}

/// The indicators of the requested area and period (see the module documentation).
pub async fn overview(db: &Db, principal: &Principal, request: &OverviewRequest) -> Result<Overview, StoreError> {
    access::require(principal, Capability::ReadDashboard)?;
    let year = plan_year(request.year)?;
    let now = crate::now_utc_text();
    let periods: Vec<String> = quarters_begun(year, &now).into_iter().map(|(period, _)| period).collect();
    let current = quarter_of(&now);
    let period = match &request.period {
        Some(period) if periods.contains(period) => period.clone(),
        Some(period) => {
            return Err(StoreError::Invalid(said(
                format!("period: {period} is not a quarter of {year} begun so far"),
                format!("period: {period} không phải một quý đã bắt đầu của năm {year}"),
            )))
        }
        None => periods.last().cloned().unwrap_or_else(|| current.clone()),
    };
    let is_now = period >= current;
    // Units as they were on the period's last day; today's when the period is the current one.
    let day_after = if is_now { tomorrow(&now) } else { day_after(&period) };
    // Villages listed: those of the period, or today's when rolled up into today's units.
    let listing_day = match request.boundaries {
        Boundaries::OfTheTime => day_after.clone(),
        Boundaries::Today => tomorrow(&now),
    };
    let pool = db.pool();
    let tree = UnitTree::load(pool).await?;
    let scope = Scope::load(db, principal, &tree).await?;
    let mut view = View::choose(&tree, &scope, request, &day_after)?;
    let area = Area::of(principal);
    let overrides = target_overrides(pool, year).await?;
    let figures = Figures::read(db, &tree, &view, area, &period, &listing_day, is_now).await?;
    if let Some(villages) = &figures.villages {
        view.units = villages.clone();
    }
    let trend = Trend::read(db, &tree, &scope, &view, area, (year, &period), &listing_day).await?;
    let indicators = Indicator::all()
        .map(|indicator| {
            let definition = indicator.definition();
            let communes: Vec<CommuneFigure> = view
                .units
                .iter()
                .enumerate()
                .map(|(index, unit)| {
                    let actual = figures.ratio(indicator, index);
                    let percent = actual.and_then(Ratio::percent);
                    let target = target_for(&overrides, indicator, year, &unit.code);
                    CommuneFigure {
                        commune_code: unit.code.clone(),
                        commune: unit.name.clone(),
                        level: unit.level.clone(),
                        actual,
                        percent,
                        target,
                        gap: gap(target, percent),
                        period: (definition.source == Source::Entered)
                            .then(|| figures.report_period(indicator, index))
                            .flatten(),
                    }
                })
                .collect();
            let actual = match figures.area_reports.get(&(indicator, 0)) {
                Some((_, ratio)) => Some(*ratio),
                None => communes.iter().filter_map(|figure| figure.actual).reduce(|sum, ratio| sum + ratio),
            };
            let percent = actual.and_then(Ratio::percent);
            let area_code = view.area.as_ref().map_or(EVERYWHERE, |area| area.code.as_str());
            let target = target_for(&overrides, indicator, year, area_code);
            IndicatorStatus {
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
                period: Some(period.clone()),
                communes,
                trend: trend.points(indicator),
            }
        })
        .collect();
    Ok(Overview {
        year,
        period,
        periods,
        boundaries: request.boundaries,
        area: view.area,
        path: view.path,
        units: view.units,
        indicators,
    })
}

/// The outlines of an overview's breakdown units (those that have one), thinned for a picture
/// 1000 points wide: `(code, name, rings)`.
pub async fn breakdown_outlines<'e, E>(
    executor: E,
    overview: &Overview,
    codes: &[String],
) -> Result<Vec<(String, String, Vec<Vec<(f64, f64)>>)>, StoreError>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    let now = crate::now_utc_text();
    let day = if overview.boundaries == Boundaries::Today || overview.period >= quarter_of(&now) {
        tomorrow(&now)
    } else {
        day_after(&overview.period)
    };
    crate::admin_units::outlines_before(executor, codes, &day, 1000.0).await
}

/// `YYYY-Qn` of a moment or day.
fn quarter_of(moment: &str) -> String {
    let month: u32 = moment.get(5..7).and_then(|month| month.parse().ok()).unwrap_or(1);
    format!("{}-Q{}", &moment[..4], month.div_ceil(3))
}

/// The first day of the quarter after `period` (`YYYY-Qn`).
pub(super) fn day_after(period: &str) -> String {
    let year: i32 = period[..4].parse().unwrap_or(2000);
    match period.as_bytes().last() {
        Some(b'1') => format!("{year}-04-01"),
        Some(b'2') => format!("{year}-07-01"),
        Some(b'3') => format!("{year}-10-01"),
        _ => format!("{}-01-01", year + 1),
    }
}

/// The day after `now`'s day.
fn tomorrow(now: &str) -> String {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    time::Date::parse(&now[..10], &format)
        .ok()
        .and_then(time::Date::next_day)
        .and_then(|day| day.format(&format).ok())
        .unwrap_or_else(|| "9999-12-31".to_owned())
}

/// The figures of each breakdown unit.
struct Figures {
    /// The breakdown when it is the villages of a commune (read with their figures).
    villages: Option<Vec<UnitRef>>,
    stocks: Vec<Stocks>,
    /// Today's `(houses, working)` when the period is the current one.
    houses_now: Option<Vec<(i64, i64)>>,
    /// `(ambassadors, guides)` per unit.
    guides: Vec<(i64, i64)>,
    /// Per entered indicator and unit: the latest reported period and the sum of its reports.
    reports: HashMap<(Indicator, usize), (String, Ratio)>,
    /// The same for the area itself when the breakdown is its villages (index 0).
    area_reports: HashMap<(Indicator, usize), (String, Ratio)>,
}

impl Figures {
    async fn read(
        db: &Db,
        tree: &UnitTree,
        view: &View,
        area: Area<'_>,
        period: &str,
        listing_day: &str,
        is_now: bool,
    ) -> Result<Figures, StoreError> {
        let pool = db.pool();
        let count = view.units.len();
        let mut figures = Figures {
            villages: None,
            stocks: vec![Stocks::default(); count],
            houses_now: None,
            guides: vec![(0, 0); count],
            reports: HashMap::new(),
            area_reports: HashMap::new(),
        };
        if view.villages {
            let Some(area_id) = view.area_id else { return Ok(figures) };
            let villages = stocks::villages_of(pool, area_id, listing_day, period).await?;
            let position: HashMap<&str, usize> =
                villages.iter().enumerate().map(|(index, (code, _, _))| (code.as_str(), index)).collect();
            figures.villages = Some(
                villages
                    .iter()
                    .map(|(code, name, _)| UnitRef {
                        code: code.clone(),
                        name: name.clone(),
                        level: "village".to_owned(),
                        has_children: false,
                    })
                    .collect(),
            );
            figures.stocks = villages.iter().map(|(_, _, stocks)| *stocks).collect();
            if is_now {
                let houses = stocks::houses_now_of_villages(pool, area_id).await?;
                figures.houses_now =
                    Some(villages.iter().map(|(code, _, _)| houses.get(code).copied().unwrap_or_default()).collect());
            }
            figures.guides = vec![(0, 0); villages.len()];
            for (code, _, _, helped) in stocks::recorders_by_village(pool, area_id, listing_day, period).await? {
                if let Some(index) = position.get(code.as_str()) {
                    count_guide(&mut figures.guides[*index], helped);
                }
            }
            // Officers report for their commune, not per village: the area's own figure.
            let area_only: HashMap<i64, usize> = HashMap::from([(area_id, 0)]);
            let place_in_area = |unit: i64| match view.boundaries {
                Boundaries::OfTheTime => (unit == area_id).then_some(0),
                Boundaries::Today => tree.today(unit).and_then(|today| area_only.get(&today).copied()),
            };
            figures.area_reports = Self::reports(db, place_in_area, period).await?;
            return Ok(figures);
        }
        for kept in stocks::by_unit(pool, area, period).await? {
            if let Some(index) = view.place(tree, kept.id) {
                figures.stocks[index] += kept.stocks;
            }
        }
        if is_now {
            let mut houses = vec![(0, 0); count];
            for (parent, (total, working)) in stocks::houses_now_by_parent(pool, area).await? {
                if let Some(index) = tree.among_ancestors_now(parent, &view.index) {
                    houses[index].0 += total;
                    houses[index].1 += working;
                }
            }
            figures.houses_now = Some(houses);
        }
        // A guide counts once per commune (of the period, or of today) where they guided.
        let mut per_commune: HashMap<(i64, String), (usize, i64)> = HashMap::new();
        for (unit, recorder, _, helped) in stocks::recorders_by_unit(pool, area, period).await? {
            let commune = match view.boundaries {
                Boundaries::OfTheTime => Some(unit),
                Boundaries::Today => tree.today(unit),
            };
            if let (Some(commune), Some(index)) = (commune, view.place(tree, unit)) {
                per_commune.entry((commune, recorder)).or_insert((index, 0)).1 += helped;
            }
        }
        for (index, helped) in per_commune.into_values() {
            count_guide(&mut figures.guides[index], helped);
        }
        figures.reports = Self::reports(db, |unit| view.place(tree, unit), period).await?;
        Ok(figures)
    }

    /// Officers' reports of the year up to `period`: per indicator and breakdown unit, the latest
    /// quarter any of its units reported, and the sum of that quarter's reports (a merged
    /// commune's own report replaces those its predecessors made before it existed).
    async fn reports(
        db: &Db,
        place: impl Fn(i64) -> Option<usize>,
        period: &str,
    ) -> Result<HashMap<(Indicator, usize), (String, Ratio)>, StoreError> {
        let rows: Vec<(String, i64, String, f64, f64)> = sqlx::query_as(
            "SELECT indicator, admin_unit_id, period, numerator, denominator FROM indicator_report
             WHERE period LIKE $1 AND period <= $2",
        )
        .bind(format!("{}-%", &period[..4]))
        .bind(period)
        .fetch_all(db.pool())
        .await?;
        let mut latest: HashMap<(Indicator, usize), (String, Ratio)> = HashMap::new();
        for (indicator, unit, reported, numerator, denominator) in rows {
            let (Ok(indicator), Some(index)) = (indicator.parse::<Indicator>(), place(unit)) else {
                continue;
            };
            let ratio = Ratio { numerator, denominator };
            match latest.get_mut(&(indicator, index)) {
                Some((kept, sum)) if *kept == reported => *sum = *sum + ratio,
                Some((kept, _)) if *kept > reported => {}
                _ => {
                    latest.insert((indicator, index), (reported, ratio));
                }
            }
        }
        Ok(latest)
    }

    /// An indicator's share in a breakdown unit; `None` while there is nothing to count.
    fn ratio(&self, indicator: Indicator, index: usize) -> Option<Ratio> {
        let stocks = self.stocks.get(index)?;
        let counted = |numerator: i64, denominator: i64| {
            (denominator > 0).then_some(Ratio { numerator: numerator as f64, denominator: denominator as f64 })
        };
        match indicator {
            Indicator::CulturalHouseWifi => match &self.houses_now {
                Some(houses) => houses.get(index).and_then(|(total, working)| counted(*working, *total)),
                None => counted(stocks.houses_active, stocks.houses_known),
            },
            Indicator::DigitalFamilies => counted(stocks.helped, stocks.households),
            Indicator::AdultsVneid => counted(stocks.vneid, stocks.adults),
            Indicator::DigitalAmbassadors => {
                self.guides.get(index).and_then(|(ambassadors, guides)| counted(*ambassadors, *guides))
            }
            _ => self.reports.get(&(indicator, index)).map(|(_, ratio)| *ratio),
        }
    }

    fn report_period(&self, indicator: Indicator, index: usize) -> Option<String> {
        self.reports.get(&(indicator, index)).map(|(period, _)| period.clone())
    }
}

/// People a guide must have taught to be a digital ambassador (§IV.7 "Đại sứ số").
const AMBASSADOR_LEARNERS: i64 = 5;

fn count_guide(tally: &mut (i64, i64), helped: i64) {
    tally.1 += 1;
    if helped >= AMBASSADOR_LEARNERS {
        tally.0 += 1;
    }
}

/// The area's figure at the end of each quarter of the year begun so far.
struct Trend {
    points: HashMap<Indicator, Vec<TrendPoint>>,
}

impl Trend {
    async fn read(
        db: &Db,
        tree: &UnitTree,
        scope: &Scope,
        view: &View,
        area: Area<'_>,
        (year, period): (i32, &str),
        listing_day: &str,
    ) -> Result<Trend, StoreError> {
        let pool = db.pool();
        let quarters: Vec<String> =
            (1..=4).map(|quarter| format!("{year}-Q{quarter}")).filter(|quarter| quarter.as_str() <= period).collect();
        // Everything counted in the area shown: the units below it at any time, and what they
        // were made of.
        let shown = view.area_id.map(|area_id| closure(tree, &[area_id]));
        let within = |unit: i64| match &shown {
            Some(units) => units.contains(&unit),
            None => scope.covers(unit),
        };
        let mut changes: HashMap<String, Stocks> = HashMap::new();
        if view.villages {
            for quarter in &quarters {
                let day = match view.boundaries {
                    Boundaries::OfTheTime => day_after(quarter),
                    Boundaries::Today => listing_day.to_owned(),
                };
                let mut total = Stocks::default();
                if let Some(area_id) = view.area_id {
                    for (_, _, stocks) in stocks::villages_of(pool, area_id, &day, quarter).await? {
                        total += stocks;
                    }
                }
                changes.insert(quarter.clone(), total);
            }
        } else {
            let mut before_year = Stocks::default();
            for (unit, quarter, stocks) in stocks::by_unit_and_quarter(pool, area, period).await? {
                if !within(unit) {
                    continue;
                }
                if quarter.as_str() < quarters.first().map_or("", String::as_str) {
                    before_year += stocks;
                } else {
                    *changes.entry(quarter).or_default() += stocks;
                }
            }
            let mut running = before_year;
            for quarter in &quarters {
                running += changes.get(quarter).copied().unwrap_or_default();
                changes.insert(quarter.clone(), running);
            }
        }
        let guides = Self::guides_by_quarter(db, tree, view, area, &quarters, &within).await?;
        let reports: Vec<(String, i64, String, f64, f64)> = sqlx::query_as(
            "SELECT indicator, admin_unit_id, period, numerator, denominator FROM indicator_report WHERE period LIKE $1",
        )
        .bind(format!("{year}-%"))
        .fetch_all(pool)
        .await?;
        let mut points = HashMap::new();
        for indicator in Indicator::all() {
            let series = quarters
                .iter()
                .map(|quarter| {
                    let stocks = changes.get(quarter).copied().unwrap_or_default();
                    let counted = |numerator: i64, denominator: i64| {
                        (denominator > 0)
                            .then_some(Ratio { numerator: numerator as f64, denominator: denominator as f64 })
                    };
                    let actual = match indicator.definition().source {
                        Source::Recorded => match indicator {
                            Indicator::CulturalHouseWifi => counted(stocks.houses_active, stocks.houses_known),
                            Indicator::DigitalFamilies => counted(stocks.helped, stocks.households),
                            Indicator::AdultsVneid => counted(stocks.vneid, stocks.adults),
                            Indicator::DigitalAmbassadors => {
                                guides.get(quarter).and_then(|(ambassadors, all)| counted(*ambassadors, *all))
                            }
                            _ => None,
                        },
                        Source::Entered => reports
                            .iter()
                            .filter(|(code, unit, at, _, _)| {
                                code == indicator.as_str() && at == quarter && within(*unit)
                            })
                            .map(|(_, _, _, numerator, denominator)| Ratio {
                                numerator: *numerator,
                                denominator: *denominator,
                            })
                            .reduce(|sum, ratio| sum + ratio),
                    };
                    TrendPoint { period: quarter.clone(), actual, percent: actual.and_then(Ratio::percent) }
                })
                .collect();
            points.insert(indicator, series);
        }
        Ok(Trend { points })
    }

    fn points(&self, indicator: Indicator) -> Vec<TrendPoint> {
        self.points.get(&indicator).cloned().unwrap_or_default()
    }

    /// `(ambassadors, guides)` in the area at the end of each quarter.
    async fn guides_by_quarter(
        db: &Db,
        tree: &UnitTree,
        view: &View,
        area: Area<'_>,
        quarters: &[String],
        within: &(dyn Fn(i64) -> bool + Sync),
    ) -> Result<HashMap<String, (i64, i64)>, StoreError> {
        let Some(last) = quarters.last() else { return Ok(HashMap::new()) };
        let rows = stocks::recorders_by_unit_and_quarter(db.pool(), area, last).await?;
        let mut tallies = HashMap::new();
        for quarter in quarters {
            let mut per_commune: HashMap<(i64, &str), (i64, i64)> = HashMap::new();
            for (unit, recorder, at, visits, helped) in &rows {
                if at > quarter || !within(*unit) {
                    continue;
                }
                // Of the time: the unit the visits counted in at the end of this quarter.
                let commune = match view.boundaries {
                    Boundaries::OfTheTime => Some(*unit),
                    Boundaries::Today => tree.today(*unit),
                };
                if let Some(commune) = commune {
                    let entry = per_commune.entry((commune, recorder.as_str())).or_insert((0, 0));
                    entry.0 += visits;
                    entry.1 += helped;
                }
            }
            let mut tally = (0, 0);
            for (_, helped) in per_commune.into_values().filter(|(visits, _)| *visits > 0) {
                count_guide(&mut tally, helped);
            }
            tallies.insert(quarter.clone(), tally);
        }
        Ok(tallies)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quarters_end_the_day_before_the_next_begins() {
        assert_eq!(quarter_of("2025-07-01T00:00:00Z"), "2025-Q3");
        assert_eq!(quarter_of("2025-06-30"), "2025-Q2");
        assert_eq!(day_after("2025-Q2"), "2025-07-01");
        assert_eq!(day_after("2025-Q4"), "2026-01-01");
        assert_eq!(tomorrow("2026-12-31T10:00:00Z"), "2027-01-01");
    }
}
