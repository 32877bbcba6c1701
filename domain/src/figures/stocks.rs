//! Reading the kept figures: sums of the quarterly changes up to a quarter, per unit of the time,
//! per village, per quarter of an area, per recorder; and today's Wi-Fi of the cultural houses.
//! Each query reads kept rows only (one per unit or village and quarter), never the records.

use crate::access::Principal;
use crate::params::Params;
use crate::StoreError;
use sqlx::any::AnyRow;
use sqlx::{Any, Executor, FromRow, Row};
use std::collections::HashMap;

/// The kept figures of a place up to a moment: counts, summed over the quarters.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Stocks {
    pub households: i64,
    pub adults: i64,
    pub visited: i64,
    pub helped: i64,
    pub vneid: i64,
    pub flagged: i64,
    pub houses_known: i64,
    pub houses_active: i64,
}

impl std::ops::AddAssign for Stocks {
    fn add_assign(&mut self, other: Stocks) {
        self.households += other.households;
        self.adults += other.adults;
        self.visited += other.visited;
        self.helped += other.helped;
        self.vneid += other.vneid;
        self.flagged += other.flagged;
        self.houses_known += other.houses_known;
        self.houses_active += other.houses_active;
    }
}

/// SQL of the sums read into [`Stocks`], cast so both databases answer 64-bit integers.
const SUMS: &str = "CAST(COALESCE(SUM(households), 0) AS BIGINT) AS households, CAST(COALESCE(SUM(adults), 0) AS BIGINT) AS adults,
                    CAST(COALESCE(SUM(visited), 0) AS BIGINT) AS visited, CAST(COALESCE(SUM(helped), 0) AS BIGINT) AS helped,
                    CAST(COALESCE(SUM(vneid), 0) AS BIGINT) AS vneid, CAST(COALESCE(SUM(flagged), 0) AS BIGINT) AS flagged,
                    CAST(COALESCE(SUM(houses_known), 0) AS BIGINT) AS houses_known,
                    CAST(COALESCE(SUM(houses_active), 0) AS BIGINT) AS houses_active";

impl<'r> FromRow<'r, AnyRow> for Stocks {
    fn from_row(row: &'r AnyRow) -> Result<Self, sqlx::Error> {
        Ok(Stocks {
            households: row.try_get("households")?,
            adults: row.try_get("adults")?,
            visited: row.try_get("visited")?,
            helped: row.try_get("helped")?,
            vneid: row.try_get("vneid")?,
            flagged: row.try_get("flagged")?,
            houses_known: row.try_get("houses_known")?,
            houses_active: row.try_get("houses_active")?,
        })
    }
}

/// Kept figures of one unit (or village) by id.
#[derive(Clone, Debug)]
pub struct UnitStocks {
    pub id: i64,
    pub stocks: Stocks,
}

impl<'r> FromRow<'r, AnyRow> for UnitStocks {
    fn from_row(row: &'r AnyRow) -> Result<Self, sqlx::Error> {
        Ok(UnitStocks { id: row.try_get("id")?, stocks: Stocks::from_row(row)? })
    }
}

/// Whose area a query reads: everywhere, or a principal's scope (with the units it was made of).
#[derive(Clone, Copy, Debug)]
pub enum Area<'a> {
    Everywhere,
    ScopeOf(&'a Principal),
}

impl<'a> Area<'a> {
    /// Administrators read everywhere; everyone else their scope.
    pub fn of(principal: &'a Principal) -> Area<'a> {
        if principal.role == model::Role::Admin {
            Area::Everywhere
        } else {
            Area::ScopeOf(principal)
        }
    }

    /// `WITH RECURSIVE …` and the condition that the unit in `column` lies in the area.
    fn clause(self, params: &mut Params<'_>, column: &str) -> (String, String) {
        match self {
            Area::Everywhere => (String::new(), "TRUE".to_owned()),
            Area::ScopeOf(principal) => {
                let scope = params.scope_of(principal);
                (format!("WITH RECURSIVE {}", scope.cte), scope.covers(column))
            }
        }
    }
}

/// Every unit's kept figures up to and including `quarter` (`YYYY-Qn`), within the area.
pub async fn by_unit<'e, E>(executor: E, area: Area<'_>, quarter: &str) -> Result<Vec<UnitStocks>, StoreError>
where
    E: Executor<'e, Database = Any>,
{
    let mut params = Params::new();
    let (with, covers) = area.clause(&mut params, "unit_id");
    let sql = format!(
        "{with} SELECT unit_id AS id, {SUMS} FROM unit_quarter
         WHERE quarter <= {quarter} AND {covers} GROUP BY unit_id",
        quarter = params.bind(quarter.to_owned()),
    );
    Ok(params.query_as(&sql)?.fetch_all(executor).await?)
}

/// The area's kept figures changed in each quarter up to and including `quarter`, oldest first
/// (a figure at the end of a quarter is the sum of the changes up to it).
pub async fn area_by_quarter<'e, E>(
    executor: E,
    area: Area<'_>,
    quarter: &str,
) -> Result<Vec<(String, Stocks)>, StoreError>
where
    E: Executor<'e, Database = Any>,
{
    let mut params = Params::new();
    let (with, covers) = area.clause(&mut params, "unit_id");
    let sql = format!(
        "{with} SELECT quarter, {SUMS} FROM unit_quarter
         WHERE quarter <= {quarter} AND {covers} GROUP BY quarter ORDER BY quarter",
        quarter = params.bind(quarter.to_owned()),
    );
    let rows: Vec<AnyRow> = params.query(&sql)?.fetch_all(executor).await?;
    rows.iter().map(|row| Ok((row.try_get("quarter")?, Stocks::from_row(row)?))).collect()
}

/// The kept figures of the villages that belonged to `parent` before `day_after` (and existed
/// then), up to and including `quarter`, with each village's code and name.
pub async fn villages_of<'e, E>(
    executor: E,
    parent: i64,
    day_after: &str,
    quarter: &str,
) -> Result<Vec<(String, String, Stocks)>, StoreError>
where
    E: Executor<'e, Database = Any>,
{
    let rows: Vec<AnyRow> = sqlx::query(&format!(
        "SELECT v.code, v.name, {SUMS}
         FROM admin_unit v LEFT JOIN village_quarter q ON q.village_id = v.id AND q.quarter <= $3
         WHERE v.level = 'village' AND v.valid_from < $2 AND (v.valid_to IS NULL OR v.valid_to >= $2)
           AND COALESCE((SELECT f.parent_id FROM admin_unit_former_parent f
                         WHERE f.unit_id = v.id AND f.valid_from < $2 AND f.valid_to >= $2), v.parent_id) = $1
         GROUP BY v.id, v.code, v.name ORDER BY v.name, v.code"
    ))
    .bind(parent)
    .bind(day_after)
    .bind(quarter)
    .fetch_all(executor)
    .await?;
    rows.iter().map(|row| Ok((row.try_get("code")?, row.try_get("name")?, Stocks::from_row(row)?))).collect()
}

/// People guided per recorder and unit of the time, up to and including `quarter`: `(unit,
/// recorder, visits, people helped)` for every pair with visits left.
pub async fn recorders_by_unit<'e, E>(
    executor: E,
    area: Area<'_>,
    quarter: &str,
) -> Result<Vec<(i64, String, i64, i64)>, StoreError>
where
    E: Executor<'e, Database = Any>,
{
    let mut params = Params::new();
    let (with, covers) = area.clause(&mut params, "unit_id");
    let sql = format!(
        "{with} SELECT unit_id, recorder, CAST(SUM(visits) AS BIGINT), CAST(SUM(helped) AS BIGINT)
         FROM recorder_unit_quarter WHERE quarter <= {quarter} AND {covers}
         GROUP BY unit_id, recorder HAVING SUM(visits) > 0",
        quarter = params.bind(quarter.to_owned()),
    );
    Ok(params.query_as(&sql)?.fetch_all(executor).await?)
}

/// People guided per recorder in the villages that belonged to `parent` before `day_after`, up
/// to and including `quarter`: `(village code, recorder, visits, people helped)`.
pub async fn recorders_by_village<'e, E>(
    executor: E,
    parent: i64,
    day_after: &str,
    quarter: &str,
) -> Result<Vec<(String, String, i64, i64)>, StoreError>
where
    E: Executor<'e, Database = Any>,
{
    Ok(sqlx::query_as(
        "SELECT v.code, q.recorder, CAST(SUM(q.visits) AS BIGINT), CAST(SUM(q.helped) AS BIGINT)
         FROM recorder_village_quarter q JOIN admin_unit v ON v.id = q.village_id
         WHERE q.quarter <= $3 AND v.valid_from < $2 AND (v.valid_to IS NULL OR v.valid_to >= $2)
           AND COALESCE((SELECT f.parent_id FROM admin_unit_former_parent f
                         WHERE f.unit_id = v.id AND f.valid_from < $2 AND f.valid_to >= $2), v.parent_id) = $1
         GROUP BY v.code, q.recorder HAVING SUM(q.visits) > 0",
    )
    .bind(parent)
    .bind(day_after)
    .bind(quarter)
    .fetch_all(executor)
    .await?)
}

/// Today's cultural houses and those with working Wi-Fi, per parent of today's villages within
/// the area: `parent → (houses, working)`.
pub async fn houses_now_by_parent<'e, E>(executor: E, area: Area<'_>) -> Result<HashMap<i64, (i64, i64)>, StoreError>
where
    E: Executor<'e, Database = Any>,
{
    let mut params = Params::new();
    let (with, covers) = area.clause(&mut params, "v.id");
    let sql = format!(
        "{with} SELECT v.parent_id, CAST(SUM(n.houses) AS BIGINT), CAST(SUM(n.houses_active) AS BIGINT)
         FROM village_now n JOIN admin_unit v ON v.id = n.village_id
         WHERE v.valid_to IS NULL AND n.houses > 0 AND {covers} GROUP BY v.parent_id",
    );
    let rows: Vec<(i64, i64, i64)> = params.query_as(&sql)?.fetch_all(executor).await?;
    Ok(rows.into_iter().map(|(parent, houses, working)| (parent, (houses, working))).collect())
}

/// Today's cultural houses and those with working Wi-Fi of each of `parent`'s villages today:
/// `village code → (houses, working)`.
pub async fn houses_now_of_villages<'e, E>(executor: E, parent: i64) -> Result<HashMap<String, (i64, i64)>, StoreError>
where
    E: Executor<'e, Database = Any>,
{
    let rows: Vec<(String, i64, i64)> = sqlx::query_as(
        "SELECT v.code, n.houses, n.houses_active FROM village_now n JOIN admin_unit v ON v.id = n.village_id
         WHERE v.parent_id = $1 AND v.valid_to IS NULL AND n.houses > 0",
    )
    .bind(parent)
    .fetch_all(executor)
    .await?;
    Ok(rows.into_iter().map(|(code, houses, working)| (code, (houses, working))).collect())
}

/// The kept changes per unit and quarter up to and including `quarter`, within the area: what a
/// trend over the quarters of a year sums.
pub async fn by_unit_and_quarter<'e, E>(
    executor: E,
    area: Area<'_>,
    quarter: &str,
) -> Result<Vec<(i64, String, Stocks)>, StoreError>
where
    E: Executor<'e, Database = Any>,
{
    let mut params = Params::new();
    let (with, covers) = area.clause(&mut params, "unit_id");
    let sql = format!(
        "{with} SELECT unit_id, quarter, {SUMS} FROM unit_quarter
         WHERE quarter <= {quarter} AND {covers} GROUP BY unit_id, quarter",
        quarter = params.bind(quarter.to_owned()),
    );
    let rows: Vec<AnyRow> = params.query(&sql)?.fetch_all(executor).await?;
    rows.iter().map(|row| Ok((row.try_get("unit_id")?, row.try_get("quarter")?, Stocks::from_row(row)?))).collect()
}

/// People guided per unit of the time, recorder and quarter (changes, not totals), up to and
/// including `quarter`: `(unit, recorder, quarter, visits, people helped)`.
pub async fn recorders_by_unit_and_quarter<'e, E>(
    executor: E,
    area: Area<'_>,
    quarter: &str,
) -> Result<Vec<(i64, String, String, i64, i64)>, StoreError>
where
    E: Executor<'e, Database = Any>,
{
    let mut params = Params::new();
    let (with, covers) = area.clause(&mut params, "unit_id");
    let sql = format!(
        "{with} SELECT unit_id, recorder, quarter, CAST(visits AS BIGINT), CAST(helped AS BIGINT)
         FROM recorder_unit_quarter WHERE quarter <= {quarter} AND {covers}",
        quarter = params.bind(quarter.to_owned()),
    );
    Ok(params.query_as(&sql)?.fetch_all(executor).await?)
}
