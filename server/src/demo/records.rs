//! The demo's field records: households, visits and the Wi-Fi timeline, dated across 2025 and
//! 2026 so that the dashboard's history shows the communes of each period.

use super::places::Placer;
use domain::StoreError;
use rand::rngs::StdRng;
use rand::Rng;

/// Household labels of the demo: invented, as every demo household is.
const FAMILY_NAMES: [&str; 8] =
    ["Hà Văn", "Bùi Thị", "Quách Văn", "Trương Thị", "Lê Văn", "Phạm Thị", "Đinh Văn", "Nguyễn Thị"];
const GIVEN_NAMES: [&str; 8] = ["An", "Bình", "Chung", "Dung", "Hải", "Lan", "Minh", "Thảo"];

/// Households lie within this distance (degrees, about 1.5 km) of their commune's centre.
const HOUSEHOLD_SPREAD_DEG: f64 = 0.014;

/// A moment between March 2025 and November 2026, in the morning.
fn visit_moment(rng: &mut StdRng) -> String {
    let months_since_2025 = rng.random_range(2..23);
    format!(
        "{}-{:02}-{:02}T0{}:30:00Z",
        2025 + months_since_2025 / 12,
        months_since_2025 % 12 + 1,
        rng.random_range(1..=28),
        rng.random_range(1..=9)
    )
}

/// A demo village and how to place points inside its commune of today.
pub(super) struct DemoPlace<'a> {
    pub village_id: i64,
    pub village_code: &'a str,
    pub placer: &'a Placer<'a>,
}

/// A few households in a village, about two in three visited once or twice, with the phone's
/// network sample on most visits, between March 2025 and November 2026 (both sides of the
/// reorganisation); `phones` draws which flagged households have no smartphone. Returns how many
/// households and visits it added.
pub(super) async fn insert_field_records(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    rng: &mut StdRng,
    phones: &mut StdRng,
    place: &DemoPlace<'_>,
) -> Result<(usize, usize), StoreError> {
    use domain::field::{insert_household, insert_visit, StoredVisit};
    use model::field_records::{HouseholdRecord, NetworkSample, Skill, VisitRecord};
    let new_uuid = |rng: &mut StdRng| uuid::Builder::from_random_bytes(rng.random()).into_uuid().to_string();
    let (mut households, mut visits) = (0, 0);
    for _ in 0..rng.random_range(3..=6) {
        let (lon, lat) = place.placer.point(rng, HOUSEHOLD_SPREAD_DEG);
        let family = FAMILY_NAMES[rng.random_range(0..FAMILY_NAMES.len())];
        let given = GIVEN_NAMES[rng.random_range(0..GIVEN_NAMES.len())];
        let household = HouseholdRecord {
            uuid: new_uuid(rng),
            village_code: place.village_code.to_owned(),
            label: format!("Hộ {family} {given}"),
            lon: Some(lon),
            lat: Some(lat),
            accuracy_m: Some(rng.random_range(5.0..30.0_f64).round()),
            poor: rng.random_bool(0.15),
            near_poor: rng.random_bool(0.15),
            ethnic_minority: rng.random_bool(0.3),
            elderly: rng.random_bool(0.2),
            disability: rng.random_bool(0.05),
            adults: Some(rng.random_range(1..=5)),
            has_smartphone: None,
        };
        let flagged = household.poor
            || household.near_poor
            || household.ethnic_minority
            || household.elderly
            || household.disability;
        // Drawn from their own generator, so the other field values stay as they were.
        let household = HouseholdRecord { has_smartphone: Some(!(flagged && phones.random_bool(0.6))), ..household };
        let Some(household_id) = insert_household(&mut **tx, &household, place.village_id, "demo").await? else {
            continue;
        };
        households += 1;
        let visit_count = if rng.random_bool(0.65) { rng.random_range(1..=2) } else { 0 };
        for _ in 0..visit_count {
            let skills: Vec<Skill> = Skill::ALL.into_iter().filter(|_| rng.random_bool(0.35)).collect();
            let network_type = ["4g", "4g", "4g", "3g", "2g"][rng.random_range(0..5)];
            let visit = VisitRecord {
                uuid: new_uuid(rng),
                household_uuid: Some(household.uuid.clone()),
                household_id: None,
                visited_at: visit_moment(rng),
                lon: household.lon,
                lat: household.lat,
                accuracy_m: household.accuracy_m,
                people_helped: rng.random_range(1..=4),
                skills: if skills.is_empty() { vec![Skill::VneidInstall] } else { skills },
                vneid_activated: Some(rng.random_bool(0.6)),
                bank_account_opened: Some(rng.random_bool(0.4)),
                note: None,
                has_smartphone: None,
                network: rng.random_bool(0.8).then(|| NetworkSample {
                    effective_type: Some(network_type.to_owned()),
                    downlink_mbps: Some((rng.random_range(0.3..20.0_f64) * 10.0).round() / 10.0),
                }),
            };
            let stored = StoredVisit {
                visited_at: &visit.visited_at,
                household_id,
                village_id: place.village_id,
                outside_area: false,
            };
            if insert_visit(&mut **tx, &visit, &stored, "demo").await?.is_some() {
                visits += 1;
            }
        }
    }
    Ok((households, visits))
}

/// Dates the demo's history as it would have been written: a household is listed at its first
/// visit (households never visited in September 2025), a house's Wi-Fi state is known from its
/// installation (or January 2025).
pub(super) async fn date_history(tx: &mut sqlx::Transaction<'_, sqlx::Any>) -> Result<(), StoreError> {
    sqlx::query(
        "UPDATE household SET created_at = COALESCE(
             (SELECT MIN(x.visited_at) FROM visit x WHERE x.household_id = household.id), '2025-09-01T01:00:00Z')
         WHERE created_by = 'demo'",
    )
    .execute(&mut **tx)
    .await?;
    sqlx::query(
        "UPDATE wifi_change SET changed_at = COALESCE(installed_at, '2025-01-15T00:00:00Z') WHERE changed_by = 'demo'",
    )
    .execute(&mut **tx)
    .await?;
    sqlx::query("UPDATE cultural_house SET updated_at = COALESCE(installed_at, '2025-01-15T00:00:00Z')")
        .execute(&mut **tx)
        .await?;
    Ok(())
}
