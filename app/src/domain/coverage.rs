//! Mobile and fixed coverage reports per village, operator and technology. Every report is kept
//! (history); readers ask for the latest per operator and technology.

use super::StoreError;
use crate::model::CoverageEntry;
use sqlx::{Any, Executor};

/// A report to record.
#[derive(Clone, Debug)]
pub struct NewReport<'a> {
    pub village_id: i64,
    pub operator: &'a str,
    pub technology: &'a str,
    pub quality: &'a str,
    pub source: &'a str,
    pub reported_at: &'a str,
    pub reported_by: Option<&'a str>,
}

/// Records a report and returns its id.
pub async fn insert<'e, E>(executor: E, report: &NewReport<'_>) -> Result<i64, StoreError>
where
    E: Executor<'e, Database = Any>,
{
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO coverage_report (village_id, operator, technology, quality, source, reported_at, reported_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         RETURNING id",
    )
    .bind(report.village_id)
    .bind(report.operator)
    .bind(report.technology)
    .bind(report.quality)
    .bind(report.source)
    .bind(report.reported_at)
    .bind(report.reported_by)
    .fetch_one(executor)
    .await?;
    Ok(id)
}

/// The latest report per operator, technology and source for the village of a cultural house,
/// ordered by operator then technology.
pub async fn latest_for_house<'e, E>(executor: E, house_id: i64) -> Result<Vec<CoverageEntry>, StoreError>
where
    E: Executor<'e, Database = Any>,
{
    let rows: Vec<(String, String, String, String, String, String)> = sqlx::query_as(
        "SELECT r.operator, o.name, r.technology, r.quality, r.source, r.reported_at
         FROM coverage_report r
         JOIN operator o ON o.code = r.operator
         JOIN cultural_house h ON h.village_id = r.village_id
         WHERE h.id = $1
           AND NOT EXISTS (
               SELECT 1 FROM coverage_report newer
               WHERE newer.village_id = r.village_id AND newer.operator = r.operator
                 AND newer.technology = r.technology AND newer.source = r.source
                 AND (newer.reported_at > r.reported_at
                      OR (newer.reported_at = r.reported_at AND newer.id > r.id)))
         ORDER BY o.name, r.technology, r.source",
    )
    .bind(house_id)
    .fetch_all(executor)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(operator, operator_name, technology, quality, source, reported_at)| CoverageEntry {
            operator,
            operator_name,
            technology,
            quality,
            source,
            reported_at,
        })
        .collect())
}

/// Creates or renames a network operator (Viettel, VNPT, MobiFone, …).
pub async fn upsert_operator<'e, E>(executor: E, code: &str, name: &str) -> Result<(), StoreError>
where
    E: Executor<'e, Database = Any>,
{
    sqlx::query(
        "INSERT INTO operator (code, name) VALUES ($1, $2)
         ON CONFLICT (code) DO UPDATE SET name = excluded.name",
    )
    .bind(code)
    .bind(name)
    .execute(executor)
    .await?;
    Ok(())
}
