//! What the field work adds up to: a village's household list, door-to-door progress per village,
//! and the network the teams' phones measured. Records arrive through [`crate::sync`].

use super::access::{self, Principal};
use super::params::Params;
use super::StoreError;
pub use crate::sync::{insert_household, insert_visit, StoredVisit};
use model::field_records::VillageMeasurement;
pub use model::field_records::{HouseholdEntry, VillageProgress};
use model::Capability;
use sqlx::{Any, Executor};

/// The households of one village within the principal's scope, not-yet-visited first, then by
/// label. Only roles that record visits see them (they hold names).
pub async fn households<'e, E>(
    executor: E,
    principal: &Principal,
    village_code: &str,
    page: super::db::Page,
) -> Result<Vec<HouseholdEntry>, StoreError>
where
    E: Executor<'e, Database = Any>,
{
    access::require(principal, Capability::RecordField)?;
    let mut params = Params::new();
    let scope = params.scope_of(principal);
    let sql = format!(
        "WITH RECURSIVE {cte}
         SELECT * FROM (
             SELECT h.id, h.client_uuid AS uuid, v.code AS village_code, h.label, h.lon, h.lat,
                    (SELECT COUNT(*) FROM visit x WHERE x.household_id = h.id) AS visits,
                    (SELECT MAX(x.visited_at) FROM visit x WHERE x.household_id = h.id) AS last_visited_at,
                    h.version
             FROM household h JOIN admin_unit v ON v.id = h.village_id
             WHERE v.code = {village} AND {in_scope}
         ) AS listed
         ORDER BY CASE WHEN visits = 0 THEN 0 ELSE 1 END, label, id
         LIMIT {limit} OFFSET {offset}",
        cte = scope.cte,
        village = params.bind(village_code.trim().to_owned()),
        in_scope = scope.covers("h.village_id"),
        limit = params.bind(page.limit),
        offset = params.bind(page.offset),
    );
    Ok(params.query_as(&sql)?.fetch_all(executor).await?)
}

/// Progress of every current village the principal may see, by commune and village name, read
/// from each village's kept totals (`village_now`, `village_visit_total`), never from the visits.
pub async fn progress<'e, E>(executor: E, principal: &Principal) -> Result<Vec<VillageProgress>, StoreError>
where
    E: Executor<'e, Database = Any>,
{
    let mut params = Params::new();
    let scope = params.scope_of(principal);
    let sql = format!(
        "WITH RECURSIVE {cte}
         SELECT v.code AS village_code, v.name AS village, c.code AS commune_code,
                CAST(COALESCE(n.households, 0) AS BIGINT) AS households,
                CAST(COALESCE(n.visited, 0) AS BIGINT) AS households_visited,
                CAST(COALESCE(t.visits, 0) AS BIGINT) AS visits,
                CAST(COALESCE(t.people_helped, 0) AS BIGINT) AS people_helped,
                CAST(COALESCE(n.vneid, 0) AS BIGINT) AS vneid_activations,
                CAST(COALESCE(n.flagged, 0) AS BIGINT) AS flagged_visits
         FROM admin_unit v JOIN admin_unit c ON c.id = v.parent_id
         LEFT JOIN village_now n ON n.village_id = v.id
         LEFT JOIN village_visit_total t ON t.village_id = v.id
         WHERE v.level = 'village' AND v.valid_to IS NULL AND {in_scope}
         ORDER BY c.name, v.name, v.code",
        cte = scope.cte,
        in_scope = scope.covers("v.id"),
    );
    Ok(params.query_as(&sql)?.fetch_all(executor).await?)
}

/// A sample's place on the coverage quality scale (index into `coverage::QUALITIES`).
fn sample_rank(effective_type: &str, downlink_mbps: Option<f64>) -> usize {
    match effective_type {
        "4g" if downlink_mbps.is_some_and(|mbps| mbps >= 5.0) => 3,
        "4g" => 2,
        "3g" => 1,
        _ => 0,
    }
}

/// Field measurements per village within the principal's scope: the network samples taken with
/// visits and the measurements made on purpose (speed tests and "no signal here"), each ranked on
/// the coverage quality scale.
pub async fn measurements<'e, E>(executor: E, principal: &Principal) -> Result<Vec<VillageMeasurement>, StoreError>
where
    E: Executor<'e, Database = Any>,
{
    let mut params = Params::new();
    let scope = params.scope_of(principal);
    // One sample per row: (village, kind, downlink Mbps, moment, quality when measured on purpose).
    let sql = format!(
        "WITH RECURSIVE {cte}
         SELECT v.code, x.network_type, x.network_downlink_mbps, x.visited_at, CAST(NULL AS TEXT)
         FROM visit x JOIN admin_unit v ON v.id = x.village_id
         WHERE x.network_type IS NOT NULL AND {visit_in_scope}
         UNION ALL
         SELECT v.code, m.network_type, m.download_kbps / 1000.0, m.measured_at, m.quality
         FROM measurement m JOIN admin_unit v ON v.id = m.village_id
         WHERE {measurement_in_scope}
         ORDER BY 1",
        cte = scope.cte,
        visit_in_scope = scope.covers("x.village_id"),
        measurement_in_scope = scope.covers("m.village_id"),
    );
    type Row = (String, String, Option<f64>, String, Option<String>);
    let rows: Vec<Row> = params.query_as(&sql)?.fetch_all(executor).await?;
    let mut by_village: std::collections::BTreeMap<String, Vec<(usize, Option<f64>, String)>> =
        std::collections::BTreeMap::new();
    for (village, kind, downlink, at, quality) in rows {
        let rank = match quality {
            Some(quality) => super::coverage::QUALITIES
                .iter()
                .position(|known| *known == quality)
                .ok_or_else(|| StoreError::Corrupt(format!("measurement.quality '{quality}'")))?,
            None => sample_rank(&kind, downlink),
        };
        by_village.entry(village).or_default().push((rank, downlink, at));
    }
    Ok(by_village
        .into_iter()
        .map(|(village_code, samples)| {
            let mut ranks: Vec<usize> = samples.iter().map(|(rank, _, _)| *rank).collect();
            ranks.sort_unstable();
            let mut downlinks: Vec<f64> = samples.iter().filter_map(|(_, downlink, _)| *downlink).collect();
            downlinks.sort_by(f64::total_cmp);
            VillageMeasurement {
                village_code,
                samples: samples.len() as i64,
                quality: super::coverage::QUALITIES[ranks[ranks.len() / 2]].to_owned(),
                median_downlink_mbps: downlinks.get(downlinks.len() / 2).copied(),
                latest_at: samples.iter().map(|(_, _, at)| at.clone()).max().unwrap_or_default(),
            }
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn samples_rank_like_coverage_qualities() {
        assert_eq!(super::super::coverage::QUALITIES[sample_rank("4g", Some(12.0))], "good");
        assert_eq!(super::super::coverage::QUALITIES[sample_rank("4g", None)], "fair");
        assert_eq!(super::super::coverage::QUALITIES[sample_rank("3g", Some(9.0))], "weak");
        assert_eq!(super::super::coverage::QUALITIES[sample_rank("slow-2g", None)], "none");
    }
}
