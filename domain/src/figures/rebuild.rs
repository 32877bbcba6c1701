//! Rebuilding every kept figure from the records, in one transaction. The national data set is
//! loaded with the triggers paused ([`pause`]) and rebuilt once; the tests compare what the
//! triggers kept with what a rebuild recounts.

use super::{later_sql, quarter_sql};
use crate::{Backend, Db, StoreError};

/// The `app_meta` key that makes the triggers skip their work during a bulk load.
const PAUSED_KEY: &str = "figures_paused";
/// The `app_meta` key the migration leaves until the figures of existing data are built.
const STALE_KEY: &str = "figures_stale";

/// The figures kept per village and quarter, and per unit and quarter (same columns).
const FIGURES: [&str; 8] =
    ["households", "adults", "visited", "helped", "vneid", "flagged", "houses_known", "houses_active"];

/// Makes the triggers skip their work until [`rebuild`] runs: for loading millions of rows at
/// once, which the triggers would otherwise apply one by one.
pub async fn pause(db: &Db) -> Result<(), StoreError> {
    sqlx::query("INSERT INTO app_meta (key, value) VALUES ($1, '1') ON CONFLICT (key) DO NOTHING")
        .bind(PAUSED_KEY)
        .execute(db.pool())
        .await?;
    Ok(())
}

/// Builds the figures once after the migration that introduced them (or a restore of a backup
/// made before it), and never again.
pub async fn rebuild_if_stale(db: &Db) -> Result<(), StoreError> {
    let stale: Option<(String,)> =
        sqlx::query_as("SELECT value FROM app_meta WHERE key = $1").bind(STALE_KEY).fetch_optional(db.pool()).await?;
    if stale.is_some() {
        rebuild(db).await?;
    }
    Ok(())
}

/// Recounts every kept figure from the records and resumes the triggers.
pub async fn rebuild(db: &Db) -> Result<(), StoreError> {
    let backend = db.backend();
    let mut tx = db.begin_write().await?;
    sqlx::query("INSERT INTO app_meta (key, value) VALUES ($1, '1') ON CONFLICT (key) DO NOTHING")
        .bind(PAUSED_KEY)
        .execute(&mut *tx)
        .await?;
    for statement in statements(backend) {
        sqlx::query(&statement).execute(&mut *tx).await?;
    }
    sqlx::query("DELETE FROM app_meta WHERE key = $1 OR key = $2")
        .bind(PAUSED_KEY)
        .bind(STALE_KEY)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

/// The periods of every village under a parent (`village_id, parent_id, valid_from, valid_to`):
/// the recorded former ones and the current one.
const PERIODS: &str = "(SELECT f.unit_id AS village_id, f.parent_id, f.valid_from, f.valid_to
                        FROM admin_unit_former_parent f JOIN admin_unit v ON v.id = f.unit_id
                        WHERE v.level = 'village'
                        UNION ALL
                        SELECT v.id, v.parent_id,
                               COALESCE((SELECT MAX(f.valid_to) FROM admin_unit_former_parent f WHERE f.unit_id = v.id),
                                        v.valid_from),
                               v.valid_to
                        FROM admin_unit v WHERE v.level = 'village') AS period";

/// The statements of a rebuild, in order.
fn statements(backend: Backend) -> Vec<String> {
    let quarter = |expression: &str| quarter_sql(backend, expression);
    let later = |first: &str, second: &str| later_sql(backend, first, second);
    let figures = FIGURES.join(", ");
    let sums = FIGURES.map(|column| format!("SUM({column})")).join(", ");
    let signed = |sign: &str| FIGURES.map(|column| format!("{sign}q.{column}")).join(", ");
    let previous_status = "(SELECT p.wifi_status FROM wifi_change p
                            WHERE p.cultural_house_id = w.cultural_house_id AND p.version < w.version
                            ORDER BY p.version DESC LIMIT 1)";
    let zeros = |count: usize| vec!["0"; count].join(", ");
    vec![
        "DELETE FROM village_quarter".into(),
        "DELETE FROM unit_quarter".into(),
        "DELETE FROM recorder_village_quarter".into(),
        "DELETE FROM recorder_unit_quarter".into(),
        "DELETE FROM village_now".into(),
        "UPDATE household SET
             first_visited_at = (SELECT MIN(x.visited_at) FROM visit x WHERE x.household_id = household.id),
             first_helped_at = (SELECT MIN(x.visited_at) FROM visit x
                                WHERE x.household_id = household.id AND x.people_helped > 0),
             waiting_device = CASE WHEN (poor + near_poor + ethnic_minority + elderly + disability) > 0
                                        AND has_smartphone = 0
                                        AND NOT EXISTS (SELECT 1 FROM allocation a
                                                        WHERE a.household_id = household.id AND a.status <> 'cancelled')
                                   THEN 1 ELSE 0 END"
            .into(),
        format!(
            "UPDATE wifi_change SET
                 village_id = (SELECT h.village_id FROM cultural_house h WHERE h.id = wifi_change.cultural_house_id),
                 known_change = CASE WHEN {previous} IS NULL THEN 1 ELSE 0 END,
                 active_change = CASE WHEN wifi_status = 'active' THEN 1 ELSE 0 END
                                 - CASE WHEN {previous} = 'active' THEN 1 ELSE 0 END",
            previous = previous_status.replace("w.", "wifi_change."),
        ),
        // Each record's part, by village and quarter (see the migration for when each counts).
        format!(
            "INSERT INTO village_quarter (village_id, quarter, {figures})
             SELECT village_id, quarter, {sums} FROM (
                 SELECT village_id, {created} AS quarter, 1 AS households, COALESCE(adults, 0) AS adults, 0 AS visited,
                        0 AS helped, 0 AS vneid, 0 AS flagged, 0 AS houses_known, 0 AS houses_active
                 FROM household
                 UNION ALL
                 SELECT village_id, {first_visit}, 0, 0, 1, 0, 0, 0, 0, 0 FROM household WHERE first_visited_at IS NOT NULL
                 UNION ALL
                 SELECT village_id, {first_help}, 0, 0, 0, 1, 0, 0, 0, 0 FROM household WHERE first_helped_at IS NOT NULL
                 UNION ALL
                 SELECT village_id, {visited}, 0, 0, 0, 0, CASE WHEN vneid_activated = 1 THEN 1 ELSE 0 END, outside_area, 0, 0
                 FROM visit WHERE vneid_activated = 1 OR outside_area = 1
                 UNION ALL
                 SELECT village_id, {changed}, 0, 0, 0, 0, 0, 0, known_change, active_change
                 FROM wifi_change WHERE village_id IS NOT NULL
             ) AS part GROUP BY village_id, quarter",
            created = quarter("created_at"),
            first_visit = quarter(&later("created_at", "first_visited_at")),
            first_help = quarter(&later("created_at", "first_helped_at")),
            visited = quarter("visited_at"),
            changed = quarter("changed_at"),
        ),
        // A village's figures count for each parent of its history from the day it entered it
        // until the day it left.
        format!(
            "INSERT INTO unit_quarter (unit_id, quarter, {figures})
             SELECT unit_id, quarter, {sums} FROM (
                 SELECT period.parent_id AS unit_id, {entered} AS quarter, {plus}
                 FROM village_quarter q JOIN {PERIODS} ON period.village_id = q.village_id
                 UNION ALL
                 SELECT period.parent_id, {left}, {minus}
                 FROM village_quarter q JOIN {PERIODS} ON period.village_id = q.village_id
                 WHERE period.valid_to IS NOT NULL
             ) AS part GROUP BY unit_id, quarter",
            entered = later("q.quarter", &quarter("period.valid_from")),
            left = later("q.quarter", &quarter("period.valid_to")),
            plus = signed(""),
            minus = signed("-"),
        ),
        format!(
            "INSERT INTO recorder_village_quarter (village_id, recorder, quarter, visits, helped)
             SELECT village_id, recorded_by, {visited}, COUNT(*), SUM(people_helped)
             FROM visit GROUP BY village_id, recorded_by, {visited}",
            visited = quarter("visited_at"),
        ),
        format!(
            "INSERT INTO recorder_unit_quarter (unit_id, recorder, quarter, visits, helped)
             SELECT unit_id, recorder, quarter, SUM(visits), SUM(helped) FROM (
                 SELECT period.parent_id AS unit_id, q.recorder, {entered} AS quarter, q.visits, q.helped
                 FROM recorder_village_quarter q JOIN {PERIODS} ON period.village_id = q.village_id
                 UNION ALL
                 SELECT period.parent_id, q.recorder, {left}, -q.visits, -q.helped
                 FROM recorder_village_quarter q JOIN {PERIODS} ON period.village_id = q.village_id
                 WHERE period.valid_to IS NOT NULL
             ) AS part GROUP BY unit_id, recorder, quarter",
            entered = later("q.quarter", &quarter("period.valid_from")),
            left = later("q.quarter", &quarter("period.valid_to")),
        ),
        // Each village's totals now: its records, its houses by Wi-Fi state, operators' good mobile
        // claims, devices given.
        format!(
            "INSERT INTO village_now (village_id, households, adults, visited, helped, vneid, flagged, houses,
                                      houses_active, houses_broken, houses_installing, houses_planned, houses_none,
                                      good_mobile, devices_allocated, devices_delivered, devices_waiting)
             SELECT village_id, SUM(households), SUM(adults), SUM(visited), SUM(helped), SUM(vneid), SUM(flagged),
                    SUM(houses), SUM(houses_active), SUM(houses_broken), SUM(houses_installing), SUM(houses_planned),
                    SUM(houses_none), SUM(good_mobile), SUM(devices_allocated), SUM(devices_delivered),
                    SUM(devices_waiting)
             FROM (
                 SELECT village_id, households, adults, visited, helped, vneid, flagged, {house_zeros},
                        0 AS good_mobile, 0 AS devices_allocated, 0 AS devices_delivered, 0 AS devices_waiting
                 FROM village_quarter
                 UNION ALL
                 SELECT village_id, {six_zeros}, 1,
                        CASE WHEN wifi_status = 'active' THEN 1 ELSE 0 END,
                        CASE WHEN wifi_status = 'broken' THEN 1 ELSE 0 END,
                        CASE WHEN wifi_status = 'installing' THEN 1 ELSE 0 END,
                        CASE WHEN wifi_status = 'planned' THEN 1 ELSE 0 END,
                        CASE WHEN wifi_status = 'none' THEN 1 ELSE 0 END, 0, 0, 0, 0
                 FROM cultural_house
                 UNION ALL
                 SELECT village_id, {six_zeros}, {house_zero_values}, 0, 0, 0, SUM(waiting_device)
                 FROM household GROUP BY village_id
                 UNION ALL
                 SELECT r.village_id, {six_zeros}, {house_zero_values}, 1, 0, 0, 0
                 FROM coverage_report r
                 WHERE r.source = 'operator' AND r.quality = 'good' AND r.technology IN ('4G', '5G')
                   AND NOT EXISTS (SELECT 1 FROM coverage_report newer
                                   WHERE newer.village_id = r.village_id AND newer.operator = r.operator
                                     AND newer.technology = r.technology AND newer.source = r.source
                                     AND (newer.reported_at > r.reported_at
                                          OR (newer.reported_at = r.reported_at AND newer.id > r.id)))
                 UNION ALL
                 SELECT village_id, {six_zeros}, {house_zero_values}, 0,
                        CASE WHEN status = 'allocated' THEN 1 ELSE 0 END, CASE WHEN status = 'delivered' THEN 1 ELSE 0 END, 0
                 FROM allocation
             ) AS part GROUP BY village_id",
            house_zeros = "0 AS houses, 0 AS houses_active, 0 AS houses_broken, 0 AS houses_installing, \
                           0 AS houses_planned, 0 AS houses_none",
            six_zeros = zeros(6),
            house_zero_values = zeros(6),
        ),
    ]
}
