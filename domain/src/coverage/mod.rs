//! Mobile and fixed coverage reports per village, operator and technology. Every report is kept
//! (history); readers ask for the latest per operator and technology.

mod answer_log;
pub mod answers;
pub mod claims;
mod files;
pub mod measured;

pub use files::{check_csv, check_geojson, import_file, FileFormat, FILE_SPEC, MAX_AREA_FEATURES};

use crate::imports::{said, Said};
use crate::tabular::{value_alias, QUALITY_WORDS, TECHNOLOGY_WORDS};
use crate::StoreError;
use model::CoverageEntry;
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
    /// The covered area, GeoJSON geometry text (checked on the way in).
    pub area: Option<&'a str>,
}

/// Records a report and returns its id.
pub async fn insert<'e, E>(executor: E, report: &NewReport<'_>) -> Result<i64, StoreError>
where
    E: Executor<'e, Database = Any>,
{
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO coverage_report (village_id, operator, technology, quality, source, reported_at, reported_by, area)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
         RETURNING id",
    )
    .bind(report.village_id)
    .bind(report.operator)
    .bind(report.technology)
    .bind(report.quality)
    .bind(report.source)
    .bind(report.reported_at)
    .bind(report.reported_by)
    .bind(report.area)
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

/// Every operator as (code, name), by name.
pub async fn operators<'e, E>(executor: E) -> Result<Vec<(String, String)>, StoreError>
where
    E: Executor<'e, Database = Any>,
{
    Ok(sqlx::query_as("SELECT code, name FROM operator ORDER BY name").fetch_all(executor).await?)
}

/// Adds a network operator, or renames one, for the server's operator (`bandoso operator add`):
/// checked (a code of a-z, 0-9 and '-', a name) and audited.
pub async fn add_operator(
    db: &crate::Db,
    code: &str,
    name: &str,
    actor: crate::audit::Actor<'_>,
) -> Result<(), StoreError> {
    let code = code.trim().to_lowercase();
    let well_formed = !code.is_empty()
        && code.len() <= 32
        && code.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if !well_formed {
        return Err(model::said(
            format!("operator code '{code}': use 1 to 32 letters a-z, digits or '-'"),
            format!("mã nhà mạng '{code}': dùng 1 đến 32 chữ a-z, chữ số hoặc '-'"),
        )
        .into());
    }
    let name = crate::text::required("name", name, 100)?;
    let mut tx = db.begin_write().await?;
    upsert_operator(&mut *tx, &code, &name).await?;
    let after = serde_json::json!({"code": code, "name": name});
    let change = crate::audit::Change {
        action: "upsert",
        entity_type: "operator",
        entity_id: &code,
        before: None,
        after: Some(&after),
    };
    crate::audit::record(&mut *tx, actor, &change).await?;
    tx.commit().await?;
    Ok(())
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

/// Mobile and fixed-line technologies a report can name.
pub const TECHNOLOGIES: [&str; 5] = ["2G", "3G", "4G", "5G", "FTTH"];
/// Coverage qualities, worst first.
pub const QUALITIES: [&str; 4] = ["none", "weak", "fair", "good"];

/// A coverage report as an operator submits it (one API call or one CSV row).
#[derive(utoipa::ToSchema, Clone, Debug, PartialEq, serde::Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct SubmittedReport {
    pub village_code: String,
    /// Defaults to the operator of a telecom account.
    pub operator: Option<String>,
    pub technology: String,
    pub quality: String,
    /// `YYYY-MM-DD` or RFC 3339; defaults to now.
    pub reported_at: Option<String>,
    /// The covered area: a GeoJSON Polygon or MultiPolygon ([lon, lat], closed rings, valid).
    #[serde(default)]
    #[schema(value_type = Option<Object>)]
    pub area: Option<geojson::Geometry>,
}

/// One report as listed in a village's history.
#[derive(utoipa::ToSchema, Clone, Debug, PartialEq, serde::Serialize, sqlx::FromRow)]
pub struct ReportEntry {
    pub id: i64,
    pub operator: String,
    pub technology: String,
    pub quality: String,
    pub source: String,
    pub reported_at: String,
    pub reported_by: Option<String>,
}

/// A report that passed every check, ready to insert.
#[derive(Clone, Debug, PartialEq)]
pub struct CheckedReport {
    pub village_id: i64,
    pub operator: String,
    pub technology: String,
    pub quality: String,
    pub reported_at: String,
    /// GeoJSON geometry text of the covered area.
    pub area: Option<String>,
}

impl CheckedReport {
    /// The report to insert, by `reported_by`, as the operator's own.
    pub fn as_new<'a>(&'a self, reported_by: &'a str) -> NewReport<'a> {
        NewReport {
            village_id: self.village_id,
            operator: &self.operator,
            technology: &self.technology,
            quality: &self.quality,
            source: "operator",
            reported_at: &self.reported_at,
            reported_by: Some(reported_by),
            area: self.area.as_deref(),
        }
    }
}

/// What a principal may report on: the villages in scope (code → id) and the operators it may
/// speak for (`None`: any, for admins).
pub struct ReportingRights {
    villages: std::collections::HashMap<String, i64>,
    own_operator: Option<String>,
    known_operators: std::collections::HashSet<String>,
}

impl ReportingRights {
    /// Rights given directly: villages (code → id) in scope, the operator reported for (`None`:
    /// any known operator) and the known operator codes.
    pub fn new(
        villages: std::collections::HashMap<String, i64>,
        own_operator: Option<String>,
        known_operators: std::collections::HashSet<String>,
    ) -> ReportingRights {
        ReportingRights { villages, own_operator, known_operators }
    }

    /// Loads the rights of `principal` (admin or telecom).
    pub async fn load(
        pool: &sqlx::AnyPool,
        principal: &crate::access::Principal,
    ) -> Result<ReportingRights, StoreError> {
        use model::{Capability, Role};
        crate::access::require(principal, Capability::ReportCoverage)?;
        let own_operator = match (principal.role, &principal.operator) {
            (Role::Telecom, Some(operator)) => Some(operator.clone()),
            (Role::Telecom, None) => return Err(StoreError::Denied(crate::access::Denied::Operator)),
            _ => None,
        };
        let mut params = crate::params::Params::new();
        let scope = params.scope_of(principal);
        let sql = format!(
            "WITH RECURSIVE {cte}
             SELECT code, id FROM admin_unit
             WHERE level = 'village' AND valid_to IS NULL AND {in_scope}",
            cte = scope.cte,
            in_scope = scope.covers("id"),
        );
        let rows: Vec<(String, i64)> = params.query_as(&sql)?.fetch_all(pool).await?;
        let operators: Vec<(String,)> = sqlx::query_as("SELECT code FROM operator").fetch_all(pool).await?;
        Ok(ReportingRights {
            villages: rows.into_iter().collect(),
            own_operator,
            known_operators: operators.into_iter().map(|(code,)| code).collect(),
        })
    }

    /// Checks one submitted report; the errors name the field and the value, one per problem.
    pub fn check(&self, report: &SubmittedReport) -> Result<CheckedReport, Vec<Said>> {
        let mut problems = Vec::new();
        let village_code = report.village_code.trim();
        let village_id = self.villages.get(village_code).copied();
        if village_id.is_none() {
            problems.push(said(
                format!("village_code: '{village_code}' is not a village in your scope"),
                format!("village_code: '{village_code}' không phải là thôn trong phạm vi của bạn"),
            ));
        }
        let given = report.operator.as_deref().map(|operator| operator.trim().to_lowercase()).filter(|o| !o.is_empty());
        let operator = match (given.as_deref(), &self.own_operator) {
            (Some(given), Some(own)) if given != own => {
                problems.push(said(
                    format!("operator: '{given}' is not your operator ({own})"),
                    format!("operator: '{given}' không phải nhà mạng của bạn ({own})"),
                ));
                None
            }
            (Some(given), _) if !self.known_operators.contains(given) => {
                problems.push(unknown_operator(given));
                None
            }
            (Some(given), _) => Some(given.to_owned()),
            (None, Some(own)) => Some(own.clone()),
            (None, None) => {
                problems.push(required("operator"));
                None
            }
        };
        let technology = value_alias(TECHNOLOGY_WORDS, &report.technology)
            .map_or_else(|| report.technology.trim().to_uppercase(), str::to_owned);
        if !TECHNOLOGIES.contains(&technology.as_str()) {
            problems.push(not_one_of("technology", report.technology.trim(), &TECHNOLOGIES));
        }
        let quality = value_alias(QUALITY_WORDS, &report.quality)
            .map_or_else(|| report.quality.trim().to_lowercase(), str::to_owned);
        if !QUALITIES.contains(&quality.as_str()) {
            problems.push(not_one_of("quality", report.quality.trim(), &QUALITIES));
        }
        let reported_at = match report.reported_at.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
            None => Some(crate::now_utc_text()),
            Some(text) => match crate::read_past_moment("reported_at", text, crate::EARLIEST_REPORT_DATE) {
                Ok(moment) => Some(moment),
                Err(problem) => {
                    problems.push(problem);
                    None
                }
            },
        };
        let area = report.area.as_ref().and_then(|geometry| match crate::geometry::parse_area(geometry) {
            Ok(_) => Some(geometry.to_string()),
            Err(problem) => {
                problems.push(said(format!("area: {problem}"), format!("area: vùng không hợp lệ ({problem})")));
                None
            }
        });
        match (village_id, operator, reported_at) {
            (Some(village_id), Some(operator), Some(reported_at)) if problems.is_empty() => {
                Ok(CheckedReport { village_id, operator, technology, quality, reported_at, area })
            }
            _ => Err(problems),
        }
    }
}

/// A required field left empty.
pub fn required(field: &str) -> Said {
    said(format!("{field}: required"), format!("{field}: bắt buộc phải có"))
}

/// An operator code no operator has.
pub fn unknown_operator(code: &str) -> Said {
    said(format!("operator: no operator has code '{code}'"), format!("operator: không có nhà mạng mã '{code}'"))
}

/// A value outside a fixed list.
fn not_one_of(field: &str, value: &str, allowed: &[&str]) -> Said {
    let allowed = allowed.join(", ");
    said(
        format!("{field}: '{value}' is not one of {allowed}"),
        format!("{field}: '{value}' không thuộc các giá trị {allowed}"),
    )
}

/// A report as recorded: what the map will show for the village.
#[derive(utoipa::ToSchema, Clone, Debug, PartialEq, serde::Serialize)]
pub struct RecordedReport {
    pub village_code: String,
    pub operator: String,
    pub technology: String,
    pub quality: String,
    pub reported_at: String,
}

/// Records one report (the operator's own for a telecom account), audited with it.
pub async fn report(
    db: &crate::Db,
    principal: &crate::access::Principal,
    submitted: &SubmittedReport,
) -> Result<RecordedReport, StoreError> {
    let rights = ReportingRights::load(db.pool(), principal).await?;
    let checked = rights.check(submitted).map_err(|problems| StoreError::Invalid(joined(&problems)))?;
    let village_code = submitted.village_code.trim();
    let mut tx = db.begin_write().await?;
    insert_checked(&mut tx, std::slice::from_ref(&checked), &principal.audit_name()).await?;
    let change = crate::audit::Change {
        action: "report",
        entity_type: "village_coverage",
        entity_id: village_code,
        before: None,
        after: Some(&serde_json::json!(submitted)),
    };
    crate::audit::record(&mut *tx, crate::audit::Actor::Principal(principal), &change).await?;
    tx.commit().await?;
    let CheckedReport { operator, technology, quality, reported_at, .. } = checked;
    Ok(RecordedReport { village_code: village_code.to_owned(), operator, technology, quality, reported_at })
}

/// Several problems of one report as one message, in both languages.
fn joined(problems: &[Said]) -> Said {
    let en: Vec<&str> = problems.iter().map(|problem| problem.en.as_str()).collect();
    let vi: Vec<&str> = problems.iter().map(|problem| problem.vi.as_str()).collect();
    said(en.join("; "), vi.join("; "))
}

/// Inserts checked reports in the caller's transaction, a chunk of rows per statement.
pub async fn insert_checked(
    tx: &mut sqlx::Transaction<'_, Any>,
    reports: &[CheckedReport],
    reported_by: &str,
) -> Result<(), StoreError> {
    use crate::db::{values_placeholders, BULK_CHUNK_ROWS};
    for chunk in reports.chunks(BULK_CHUNK_ROWS) {
        let sql = format!(
            "INSERT INTO coverage_report (village_id, operator, technology, quality, source, reported_at, reported_by, area)
             VALUES {}",
            values_placeholders(chunk.len(), 8)
        );
        let mut query = sqlx::query(&sql);
        for report in chunk {
            query = query
                .bind(report.village_id)
                .bind(&report.operator)
                .bind(&report.technology)
                .bind(&report.quality)
                .bind("operator")
                .bind(&report.reported_at)
                .bind(reported_by)
                .bind(report.area.as_deref());
        }
        query.execute(&mut **tx).await?;
    }
    Ok(())
}

/// One row of the coverage export: the latest report per village, operator, technology and source.
#[derive(Clone, Debug, PartialEq, serde::Serialize, sqlx::FromRow)]
pub struct LatestCoverage {
    pub village_code: String,
    pub village: String,
    pub commune_code: Option<String>,
    pub operator: String,
    pub technology: String,
    pub quality: String,
    pub source: String,
    pub reported_at: String,
    /// GeoJSON geometry text of the covered area, when the report drew one (not in CSV exports).
    #[serde(skip)]
    pub area: Option<String>,
}

/// The latest report of every village, operator, technology and source, by village code.
pub async fn latest_everywhere<'e, E>(executor: E) -> Result<Vec<LatestCoverage>, StoreError>
where
    E: Executor<'e, Database = Any>,
{
    Ok(sqlx::query_as(
        "SELECT v.code AS village_code, v.name AS village, c.code AS commune_code, r.operator, r.technology,
                r.quality, r.source, r.reported_at, r.area
         FROM coverage_report r
         JOIN admin_unit v ON v.id = r.village_id
         LEFT JOIN admin_unit c ON c.id = v.parent_id
         WHERE NOT EXISTS (
             SELECT 1 FROM coverage_report newer
             WHERE newer.village_id = r.village_id AND newer.operator = r.operator
               AND newer.technology = r.technology AND newer.source = r.source
               AND (newer.reported_at > r.reported_at OR (newer.reported_at = r.reported_at AND newer.id > r.id)))
         ORDER BY v.code, r.operator, r.technology, r.source",
    )
    .fetch_all(executor)
    .await?)
}

/// Every report of a village, newest first.
pub async fn village_history<'e, E>(
    executor: E,
    village_code: &str,
    page: crate::db::Page,
) -> Result<Vec<ReportEntry>, StoreError>
where
    E: Executor<'e, Database = Any>,
{
    Ok(sqlx::query_as(
        "SELECT r.id, r.operator, r.technology, r.quality, r.source, r.reported_at, r.reported_by
         FROM coverage_report r JOIN admin_unit v ON v.id = r.village_id
         WHERE v.code = $1 AND v.level = 'village'
         ORDER BY r.reported_at DESC, r.id DESC
         LIMIT $2 OFFSET $3",
    )
    .bind(village_code)
    .bind(page.limit)
    .bind(page.offset)
    .fetch_all(executor)
    .await?)
}

/// What operators claim now, per village, operator and technology (field measurements left
/// out), with the drawn areas thinned for display when `with_areas`.
pub async fn operator_claims<'e, E>(executor: E, with_areas: bool) -> Result<Vec<model::VillageCoverage>, StoreError>
where
    E: Executor<'e, Database = Any>,
{
    Ok(latest_everywhere(executor)
        .await?
        .into_iter()
        .filter(|entry| entry.source == "operator")
        .map(|entry| model::VillageCoverage {
            areas: entry
                .area
                .as_deref()
                .filter(|_| with_areas)
                .and_then(crate::geometry::read_stored)
                .map(|area| crate::geometry::outer_rings(&crate::geometry::simplify_for_display(&area)))
                .unwrap_or_default(),
            village_code: entry.village_code,
            operator: entry.operator,
            technology: entry.technology,
            quality: entry.quality,
        })
        .collect())
}
