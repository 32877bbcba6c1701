//! Cultural houses (nhà văn hóa) of villages: name, position if known, Wi-Fi state if known.
//!
//! A house is found again by its code. A house the demo or an older version created has none: a
//! line naming the same village and house name gives it the code. A house without a position
//! stands at the centre of its village's (or commune's) boundary with `position_pending` set, so
//! the map shows it and the app asks someone standing there to place it. The Wi-Fi of a house
//! already known changes through the Wi-Fi import or form, which keep its timeline.

use super::{code_or_made, position, required_code, Applied, Context, Extent, Kind};
use crate::admin_units::Level;
use crate::cultural_houses::{self, NewHouse};
use crate::tabular::{Column, Spec, Values, WIFI_STATUS_WORDS};
use crate::StoreError;
use model::{said, Said, WifiStatus};
use serde::Deserialize;
use sqlx::{Any, Transaction};

/// Longest house name, in characters.
const MAX_NAME_CHARS: usize = 200;

pub(super) const SPEC: Spec = Spec {
    columns: &[
        Column { key: "village_code", aliases: &["Mã thôn", "Mã thôn/bản", "Mã khu phố"], required: true },
        Column { key: "code", aliases: &["Mã nhà văn hóa", "Mã NVH"], required: false },
        Column { key: "name", aliases: &["Tên nhà văn hóa", "Nhà văn hóa", "Tên NVH"], required: true },
        Column { key: "lat", aliases: &["Vĩ độ"], required: false },
        Column { key: "lon", aliases: &["Kinh độ"], required: false },
        Column {
            key: "wifi_status", aliases: &["Tình trạng Wi-Fi", "Wi-Fi", "Trạng thái Wi-Fi"], required: false
        },
        Column { key: "provider", aliases: &["Nhà mạng", "Nhà cung cấp"], required: false },
    ],
    values: &[("lat", Values::Decimal), ("lon", Values::Decimal), ("wifi_status", Values::Words(WIFI_STATUS_WORDS))],
};

pub(super) const EXAMPLE: &[&str] =
    &["15187-01", "15187-01-nvh", "Nhà văn hóa Khu phố 1", "20.1234", "105.6789", "Hoạt động", "viettel"];

#[derive(Deserialize)]
pub(super) struct Row {
    village_code: String,
    code: Option<String>,
    name: String,
    lat: Option<f64>,
    lon: Option<f64>,
    wifi_status: Option<String>,
    provider: Option<String>,
}

pub(super) struct House {
    village_code: String,
    code: String,
    name: String,
    /// (lon, lat)
    position: Option<(f64, f64)>,
    wifi_status: WifiStatus,
    provider: Option<String>,
}

pub(super) struct Houses;

impl Kind for Houses {
    type Row = Row;
    type Item = House;
    const SPEC: &'static Spec = &SPEC;
    const AUDIT: (&'static str, &'static str) = ("import_cultural_houses", "cultural_house");

    fn check(row: &Row) -> Result<House, Vec<Said>> {
        let mut problems = Vec::new();
        let village_code = required_code("village_code", &row.village_code).map_err(|e| problems.push(e)).ok();
        let name = crate::text::required("name", &row.name, MAX_NAME_CHARS).map_err(|e| problems.push(e)).ok();
        let position = position(row.lat, row.lon).map_err(|e| problems.push(e)).ok().flatten();
        let wifi_status = row.wifi_status.as_deref().filter(|s| !s.is_empty()).unwrap_or("none");
        let wifi_status: Option<WifiStatus> = wifi_status
            .parse()
            .map_err(|_| problems.push(said("wifi_status: unknown value", "wifi_status: giá trị không hợp lệ")))
            .ok();
        let provider = row.provider.as_deref().map(str::trim).filter(|p| !p.is_empty()).map(str::to_lowercase);
        if wifi_status.is_some_and(|status| !matches!(status, WifiStatus::None | WifiStatus::Planned))
            && provider.is_none()
        {
            problems.push(said(
                "provider: required when Wi-Fi is installing, active or broken",
                "provider: bắt buộc ghi nhà mạng khi Wi-Fi đang lắp đặt, hoạt động hoặc hỏng",
            ));
        }
        let (Some(village_code), Some(name), Some(wifi_status), true) =
            (village_code, name, wifi_status, problems.is_empty())
        else {
            return Err(problems);
        };
        let code = code_or_made("code", row.code.as_deref(), &village_code, &name).map_err(|e| vec![e])?;
        Ok(House { village_code, code, name, position, wifi_status, provider })
    }

    async fn apply(
        tx: &mut Transaction<'static, Any>,
        context: &mut Context<'_>,
        house: &House,
    ) -> Result<Result<(Applied, String), Vec<Said>>, StoreError> {
        if let Err(problem) = context.first_time("cultural house", &house.code) {
            return Ok(Err(problem));
        }
        let village = match context.unit_in_reach(tx, "village_code", &house.village_code, Level::Village).await? {
            Ok(village) => village,
            Err(problem) => return Ok(Err(vec![problem])),
        };
        let found: Option<(i64, i64, String, f64, f64, Option<String>)> = sqlx::query_as(
            "SELECT id, village_id, name, lon, lat, code FROM cultural_house
             WHERE code = $1 OR (code IS NULL AND village_id = $2 AND name = $3)
             ORDER BY code IS NULL, id LIMIT 1",
        )
        .bind(&house.code)
        .bind(village.id)
        .bind(&house.name)
        .fetch_optional(&mut **tx)
        .await?;
        let applied = match found {
            Some((_, village_id, ..)) if village_id != village.id => {
                return Ok(Err(vec![said(
                    format!("code: cultural house '{}' belongs to another village", house.code),
                    format!("code: nhà văn hóa mã '{}' thuộc thôn khác", house.code),
                )]));
            }
            Some((id, _, name, lon, lat, code)) => {
                let (lon, lat, keep_pending) = match house.position {
                    Some((new_lon, new_lat)) => (new_lon, new_lat, false),
                    None => (lon, lat, true),
                };
                let same = name == house.name
                    && code.as_deref() == Some(house.code.as_str())
                    && house.position.is_none_or(|(new_lon, new_lat)| new_lon == lon && new_lat == lat);
                if same {
                    Applied::Unchanged
                } else {
                    sqlx::query(
                        "UPDATE cultural_house SET name = $2, code = $3, lon = $4, lat = $5,
                                position_pending = CASE WHEN $6 THEN position_pending ELSE 0 END
                         WHERE id = $1",
                    )
                    .bind(id)
                    .bind(&house.name)
                    .bind(&house.code)
                    .bind(lon)
                    .bind(lat)
                    .bind(keep_pending)
                    .execute(&mut **tx)
                    .await?;
                    Applied::Updated
                }
            }
            None => {
                let commune_centre = match village.parent_id {
                    Some(commune) => Extent::centre_of(tx, commune).await?,
                    None => None,
                };
                let Some((lon, lat)) = house.position.or(village.centre).or(commune_centre) else {
                    return Ok(Err(vec![said(
                        "lat/lon: required, as neither the village nor its commune has a boundary to place the house in meanwhile",
                        "vĩ độ/kinh độ: bắt buộc, vì cả thôn lẫn xã chưa có địa giới để tạm đặt nhà văn hóa",
                    )]));
                };
                if let Some(problem) = unknown_provider(tx, house.provider.as_deref()).await? {
                    return Ok(Err(vec![problem]));
                }
                let new = NewHouse {
                    village_id: village.id,
                    name: &house.name,
                    lon,
                    lat,
                    wifi_status: house.wifi_status,
                    wifi_provider: house.provider.as_deref(),
                    bandwidth_mbps: None,
                    installed_at: None,
                    last_verified_at: None,
                    ssid: None,
                    ssid_public: false,
                };
                let recorded_by = context.principal().map_or_else(|| "command line".to_owned(), |p| p.audit_name());
                let id = cultural_houses::insert(tx, &new, &recorded_by).await?;
                sqlx::query("UPDATE cultural_house SET code = $2, position_pending = $3 WHERE id = $1")
                    .bind(id)
                    .bind(&house.code)
                    .bind(i64::from(house.position.is_none()))
                    .execute(&mut **tx)
                    .await?;
                Applied::Created
            }
        };
        Ok(Ok((applied, house.code.clone())))
    }
}

/// The problem of a provider no operator has as its code.
async fn unknown_provider(
    tx: &mut Transaction<'static, Any>,
    provider: Option<&str>,
) -> Result<Option<Said>, StoreError> {
    let Some(provider) = provider else { return Ok(None) };
    let known: Option<(String,)> =
        sqlx::query_as("SELECT code FROM operator WHERE code = $1").bind(provider).fetch_optional(&mut **tx).await?;
    Ok(known.is_none().then(|| {
        said(
            format!("provider: no operator has code '{provider}'"),
            format!("provider: không có nhà mạng mã '{provider}'"),
        )
    }))
}
