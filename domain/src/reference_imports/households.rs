//! A commune's household list, so the teams start with it on their phones. Personal data stays
//! minimal: a label the team knows the household by, the needs that decide who is helped first,
//! and no identity numbers. A household is found again by its village and label.

use super::{position, required_code, Applied, Context, Kind};
use crate::admin_units::Level;
use crate::tabular::{Column, Spec, Values};
use crate::StoreError;
use model::field_records::HouseholdRecord;
use model::{said, Said};
use serde::Deserialize;
use sqlx::{Any, Transaction};
use std::collections::hash_map::Entry;
use std::collections::HashMap;

/// Longest household label, in characters (as the field app allows).
const MAX_LABEL_CHARS: usize = 200;

pub(super) const SPEC: Spec = Spec {
    columns: &[
        Column { key: "village_code", aliases: &["Mã thôn", "Mã thôn/bản", "Mã khu phố"], required: true },
        Column {
            key: "label", aliases: &["Chủ hộ", "Tên hộ", "Tên chủ hộ", "Họ tên chủ hộ", "Hộ"], required: true
        },
        Column { key: "poor", aliases: &["Hộ nghèo", "Nghèo"], required: false },
        Column { key: "near_poor", aliases: &["Hộ cận nghèo", "Cận nghèo"], required: false },
        Column { key: "ethnic_minority", aliases: &["Dân tộc thiểu số", "DTTS"], required: false },
        Column { key: "elderly", aliases: &["Người cao tuổi", "Cao tuổi"], required: false },
        Column { key: "disability", aliases: &["Khuyết tật", "Người khuyết tật"], required: false },
        Column { key: "adults", aliases: &["Số người lớn", "Người lớn"], required: false },
        Column {
            key: "has_smartphone",
            aliases: &["Có điện thoại thông minh", "Điện thoại thông minh", "Có smartphone"],
            required: false,
        },
        Column { key: "lat", aliases: &["Vĩ độ"], required: false },
        Column { key: "lon", aliases: &["Kinh độ"], required: false },
    ],
    values: &[
        ("poor", Values::Flag),
        ("near_poor", Values::Flag),
        ("ethnic_minority", Values::Flag),
        ("elderly", Values::Flag),
        ("disability", Values::Flag),
        ("has_smartphone", Values::Flag),
        ("lat", Values::Decimal),
        ("lon", Values::Decimal),
    ],
};

pub(super) const EXAMPLE: &[&str] =
    &["15187-01", "Hộ ông Hà Văn A, xóm Đồi", "có", "không", "có", "không", "không", "3", "không", "", ""];

#[derive(Deserialize)]
pub(super) struct Row {
    village_code: String,
    label: String,
    poor: Option<bool>,
    near_poor: Option<bool>,
    ethnic_minority: Option<bool>,
    elderly: Option<bool>,
    disability: Option<bool>,
    adults: Option<i64>,
    has_smartphone: Option<bool>,
    lat: Option<f64>,
    lon: Option<f64>,
}

/// A checked line: what it says, absent where the file says nothing (a known household keeps it).
pub(super) struct Household {
    village_code: String,
    label: String,
    /// poor, near_poor, ethnic_minority, elderly, disability
    flags: [Option<bool>; 5],
    adults: Option<i64>,
    has_smartphone: Option<bool>,
    /// (lon, lat)
    position: Option<(f64, f64)>,
}

/// A household as stored, to compare a line with.
#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub(super) struct Stored {
    id: i64,
    label: String,
    poor: i64,
    near_poor: i64,
    ethnic_minority: i64,
    elderly: i64,
    disability: i64,
    adults: Option<i64>,
    has_smartphone: Option<i64>,
    lon: Option<f64>,
    lat: Option<f64>,
}

pub(super) struct Households;

impl Kind for Households {
    type Row = Row;
    type Item = Household;
    const SPEC: &'static Spec = &SPEC;
    const AUDIT: (&'static str, &'static str) = ("import_households", "household");

    fn check(row: &Row) -> Result<Household, Vec<Said>> {
        let mut problems = Vec::new();
        let village_code = required_code("village_code", &row.village_code).map_err(|e| problems.push(e)).ok();
        let label = crate::text::required("label", &row.label, MAX_LABEL_CHARS).map_err(|e| problems.push(e)).ok();
        let position = position(row.lat, row.lon).map_err(|e| problems.push(e)).ok().flatten();
        if row.adults.is_some_and(|adults| !(0..=100).contains(&adults)) {
            problems.push(said("adults: expected 0 to 100", "adults: số người lớn từ 0 đến 100"));
        }
        match (village_code, label) {
            (Some(village_code), Some(label)) if problems.is_empty() => Ok(Household {
                village_code,
                label,
                flags: [row.poor, row.near_poor, row.ethnic_minority, row.elderly, row.disability],
                adults: row.adults,
                has_smartphone: row.has_smartphone,
                position,
            }),
            _ => Err(problems),
        }
    }

    async fn apply(
        tx: &mut Transaction<'static, Any>,
        context: &mut Context<'_>,
        household: &Household,
    ) -> Result<Result<(Applied, String), Vec<Said>>, StoreError> {
        let key = format!("{} / {}", household.village_code, household.label);
        if let Err(problem) = context.first_time("household", &key) {
            return Ok(Err(problem));
        }
        let village = match context.unit_in_reach(tx, "village_code", &household.village_code, Level::Village).await? {
            Ok(village) => village,
            Err(problem) => return Ok(Err(vec![problem])),
        };
        let existing = stored_in(tx, &mut context.households, village.id).await?.get(&household.label).cloned();
        let Some(before) = existing else {
            let recorded_by = context.principal().map_or_else(|| "command line".to_owned(), |p| p.audit_name());
            let [poor, near_poor, ethnic_minority, elderly, disability] =
                household.flags.map(Option::unwrap_or_default);
            let record = HouseholdRecord {
                uuid: new_uuid(),
                village_code: village.code.clone(),
                label: household.label.clone(),
                lon: household.position.map(|(lon, _)| lon),
                lat: household.position.map(|(_, lat)| lat),
                accuracy_m: None,
                poor,
                near_poor,
                ethnic_minority,
                elderly,
                disability,
                adults: household.adults,
                has_smartphone: household.has_smartphone,
            };
            let id = crate::sync::insert_household(&mut **tx, &record, village.id, &recorded_by)
                .await?
                .ok_or_else(|| StoreError::Corrupt("a new household's UUID was already stored".to_owned()))?;
            return Ok(Ok((Applied::Created, id.to_string())));
        };
        let after = household.over(&before);
        if after == before {
            return Ok(Ok((Applied::Unchanged, before.id.to_string())));
        }
        let (has_position, lon, lat) =
            (after.lon.is_some(), after.lon.unwrap_or_default(), after.lat.unwrap_or_default());
        sqlx::query(
            "UPDATE household SET poor = $2, near_poor = $3, ethnic_minority = $4, elderly = $5, disability = $6,
                    adults = $7, has_smartphone = $8, lon = CASE WHEN $11 THEN $9 END, lat = CASE WHEN $11 THEN $10 END,
                    version = version + 1
             WHERE id = $1",
        )
        .bind(after.id)
        .bind(after.poor)
        .bind(after.near_poor)
        .bind(after.ethnic_minority)
        .bind(after.elderly)
        .bind(after.disability)
        .bind(after.adults)
        .bind(after.has_smartphone)
        .bind(lon)
        .bind(lat)
        .bind(has_position)
        .execute(&mut **tx)
        .await?;
        Ok(Ok((Applied::Updated, after.id.to_string())))
    }
}

impl Household {
    /// The stored household with what this line says laid over it.
    fn over(&self, before: &Stored) -> Stored {
        let flag = |given: Option<bool>, stored: i64| given.map_or(stored, i64::from);
        let [poor, near_poor, ethnic_minority, elderly, disability] = self.flags;
        Stored {
            poor: flag(poor, before.poor),
            near_poor: flag(near_poor, before.near_poor),
            ethnic_minority: flag(ethnic_minority, before.ethnic_minority),
            elderly: flag(elderly, before.elderly),
            disability: flag(disability, before.disability),
            adults: self.adults.or(before.adults),
            has_smartphone: self.has_smartphone.map(i64::from).or(before.has_smartphone),
            lon: self.position.map(|(lon, _)| lon).or(before.lon),
            lat: self.position.map(|(_, lat)| lat).or(before.lat),
            ..before.clone()
        }
    }
}

/// The households of a village by label (the first of a label, when the field app recorded two),
/// read once per village and import.
async fn stored_in<'c>(
    tx: &mut Transaction<'static, Any>,
    cache: &'c mut HashMap<i64, HashMap<String, Stored>>,
    village_id: i64,
) -> Result<&'c HashMap<String, Stored>, StoreError> {
    let vacant = match cache.entry(village_id) {
        Entry::Occupied(known) => return Ok(known.into_mut()),
        Entry::Vacant(vacant) => vacant,
    };
    let rows: Vec<Stored> = sqlx::query_as(
        "SELECT id, label, poor, near_poor, ethnic_minority, elderly, disability, adults, has_smartphone, lon, lat
         FROM household WHERE village_id = $1 ORDER BY id DESC",
    )
    .bind(village_id)
    .fetch_all(&mut **tx)
    .await?;
    Ok(vacant.insert(rows.into_iter().map(|row| (row.label.clone(), row)).collect()))
}

/// A random (version 4) UUID for a household the list brings, as the field app would make one.
fn new_uuid() -> String {
    let mut bytes: [u8; 16] = rand::random();
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let hex: String = bytes.iter().map(|byte| format!("{byte:02x}")).collect();
    format!("{}-{}-{}-{}-{}", &hex[0..8], &hex[8..12], &hex[12..16], &hex[16..20], &hex[20..32])
}
