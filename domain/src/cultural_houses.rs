//! Village cultural houses (nhà văn hóa) and the state of their public Wi-Fi.

use super::access::{self, Denied, Principal, Visibility};
use super::imports::{said, ImportOutcome, Said};
use super::params::Params;
use super::tabular::{Column, Spec, Values, WIFI_STATUS_WORDS};
use super::StoreError;
pub use model::WifiUpdate;
use model::{Capability, CulturalHouse, Role, WifiEditing, WifiStatus};
use serde::Deserialize;
use sqlx::{Any, Executor};

/// A viewport in degrees: west, south, east, north (the order of a GeoJSON `bbox`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct BBox {
    pub min_lon: f64,
    pub min_lat: f64,
    pub max_lon: f64,
    pub max_lat: f64,
}

impl BBox {
    /// The whole world: what "no viewport" means (floats are never bound as NULL, see
    /// `db::nullable_f64`).
    pub const WORLD: BBox = BBox { min_lon: -180.0, min_lat: -90.0, max_lon: 180.0, max_lat: 90.0 };
}

/// Which houses a listing returns. Empty `statuses` means every status.
#[derive(Clone, Debug, Default)]
pub struct HouseFilter {
    pub bbox: Option<BBox>,
    pub statuses: Vec<WifiStatus>,
    pub commune_code: Option<String>,
    /// At most this many houses, after skipping `offset` (in the listing's stable order).
    pub limit: Option<i64>,
    pub offset: i64,
}

/// A house to create.
#[derive(Clone, Debug)]
pub struct NewHouse<'a> {
    pub village_id: i64,
    pub name: &'a str,
    pub lon: f64,
    pub lat: f64,
    pub wifi_status: WifiStatus,
    pub wifi_provider: Option<&'a str>,
    pub bandwidth_mbps: Option<f64>,
    pub installed_at: Option<&'a str>,
    pub last_verified_at: Option<&'a str>,
    pub ssid: Option<&'a str>,
    pub ssid_public: bool,
}

#[derive(sqlx::FromRow)]
struct HouseRow {
    id: i64,
    name: String,
    village_code: String,
    village: String,
    commune_code: String,
    commune: String,
    lon: f64,
    lat: f64,
    wifi_status: String,
    wifi_provider: Option<String>,
    wifi_provider_name: Option<String>,
    bandwidth_mbps: Option<f64>,
    installed_at: Option<String>,
    last_verified_at: Option<String>,
    ssid: Option<String>,
    ssid_public: i64,
    version: i64,
}

impl TryFrom<HouseRow> for CulturalHouse {
    type Error = StoreError;

    fn try_from(row: HouseRow) -> Result<Self, Self::Error> {
        let wifi_status = row
            .wifi_status
            .parse()
            .map_err(|error| StoreError::Corrupt(format!("cultural house {}: {error}", row.id)))?;
        Ok(CulturalHouse {
            id: row.id,
            name: row.name,
            village_code: row.village_code,
            village: row.village,
            commune_code: row.commune_code,
            commune: row.commune,
            lon: row.lon,
            lat: row.lat,
            wifi_status,
            wifi_provider: row.wifi_provider,
            wifi_provider_name: row.wifi_provider_name,
            bandwidth_mbps: row.bandwidth_mbps,
            installed_at: row.installed_at,
            last_verified_at: row.last_verified_at,
            ssid: row.ssid,
            ssid_public: row.ssid_public != 0,
            version: row.version,
        })
    }
}

/// The house as `visibility` may see it: the public sees a network name only when the operator
/// made it public.
fn shown_with(mut house: CulturalHouse, visibility: Visibility) -> CulturalHouse {
    if visibility.only_active_wifi && !house.ssid_public {
        house.ssid = None;
    }
    house
}

const SELECT_HOUSES: &str = "
    SELECT h.id, h.name, v.code AS village_code, v.name AS village,
           c.code AS commune_code, c.name AS commune, h.lon, h.lat, h.wifi_status,
           h.wifi_provider, o.name AS wifi_provider_name, h.bandwidth_mbps, h.installed_at,
           h.last_verified_at, h.ssid, h.ssid_public, h.version
    FROM cultural_house h
    JOIN admin_unit v ON v.id = h.village_id
    JOIN admin_unit c ON c.id = v.parent_id
    LEFT JOIN operator o ON o.code = h.wifi_provider";

/// Houses matching the filter that the viewer may see, ordered by commune, village and name.
pub async fn list<'e, E>(
    executor: E,
    filter: &HouseFilter,
    visibility: Visibility,
) -> Result<Vec<CulturalHouse>, StoreError>
where
    E: Executor<'e, Database = Any>,
{
    let requested: Vec<WifiStatus> =
        if filter.statuses.is_empty() { WifiStatus::ALL.to_vec() } else { filter.statuses.clone() };
    let allowed: Vec<&'static str> = requested
        .iter()
        .filter(|status| !visibility.only_active_wifi || **status == WifiStatus::Active)
        .map(|status| status.as_str())
        .collect();
    if allowed.is_empty() {
        return Ok(Vec::new());
    }
    let mut params = Params::new();
    let commune = params.bind(filter.commune_code.clone());
    // Five slots, one per status: a fixed-arity IN keeps the statement identical on both
    // databases and cacheable, which a dynamically built list would not.
    let statuses: Vec<String> =
        (0..5).map(|index| params.bind(allowed.get(index).or(allowed.first()).copied())).collect();
    let bbox = filter.bbox.unwrap_or(BBox::WORLD);
    let [west, south, east, north] =
        [bbox.min_lon, bbox.min_lat, bbox.max_lon, bbox.max_lat].map(|degrees| params.bind(degrees));
    let visible = params.visible_to(visibility);
    let sql = format!(
        "WITH RECURSIVE {scope}
         {SELECT_HOUSES}
         WHERE ({commune} IS NULL OR c.code = {commune})
           AND h.wifi_status IN ({statuses})
           AND h.lon >= {west} AND h.lat >= {south} AND h.lon <= {east} AND h.lat <= {north}
           AND {visible_here}
         ORDER BY c.name, v.name, h.name, h.id
         LIMIT {limit} OFFSET {offset}",
        scope = visible.cte,
        statuses = statuses.join(", "),
        visible_here = visible.covers("h.village_id"),
        limit = params.bind(filter.limit.unwrap_or(i64::MAX)),
        offset = params.bind(filter.offset),
    );
    let rows: Vec<HouseRow> = params.query_as(&sql)?.fetch_all(executor).await?;
    rows.into_iter().map(|row| Ok(shown_with(CulturalHouse::try_from(row)?, visibility))).collect()
}

/// One house by id, if the viewer may see it (otherwise `NotFound`: existence is not revealed).
pub async fn get<'e, E>(executor: E, id: i64, visibility: Visibility) -> Result<CulturalHouse, StoreError>
where
    E: Executor<'e, Database = Any>,
{
    let mut params = Params::new();
    let visible = params.visible_to(visibility);
    let sql = format!(
        "WITH RECURSIVE {scope} {SELECT_HOUSES}
         WHERE h.id = {id} AND ({public} = FALSE OR h.wifi_status = 'active') AND {visible_here}",
        scope = visible.cte,
        id = params.bind(id),
        public = params.bind(visibility.only_active_wifi),
        visible_here = visible.covers("h.village_id"),
    );
    let row: Option<HouseRow> = params.query_as(&sql)?.fetch_optional(executor).await?;
    Ok(shown_with(row.ok_or(StoreError::NotFound)?.try_into()?, visibility))
}

/// Creates a house (and the first version of its Wi-Fi timeline) and returns its id.
pub async fn insert(
    tx: &mut sqlx::Transaction<'_, Any>,
    house: &NewHouse<'_>,
    recorded_by: &str,
) -> Result<i64, StoreError> {
    let id = insert_row(&mut **tx, house).await?;
    record_wifi_change(&mut **tx, id, recorded_by).await?;
    Ok(id)
}

async fn insert_row<'e, E>(executor: E, house: &NewHouse<'_>) -> Result<i64, StoreError>
where
    E: Executor<'e, Database = Any>,
{
    let (has_bandwidth, bandwidth_mbps) = super::db::nullable_f64(house.bandwidth_mbps);
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO cultural_house (village_id, name, lon, lat, wifi_status, wifi_provider,
                                     bandwidth_mbps, installed_at, last_verified_at, updated_at, ssid, ssid_public)
         VALUES ($1, $2, $3, $4, $5, $6, CASE WHEN $11 THEN $7 END, $8, $9, $10, $12, $13)
         RETURNING id",
    )
    .bind(house.village_id)
    .bind(house.name)
    .bind(house.lon)
    .bind(house.lat)
    .bind(house.wifi_status.as_str())
    .bind(house.wifi_provider)
    .bind(bandwidth_mbps)
    .bind(house.installed_at)
    .bind(house.last_verified_at)
    .bind(super::now_utc_text())
    .bind(has_bandwidth)
    .bind(house.ssid)
    .bind(i64::from(house.ssid_public))
    .fetch_one(executor)
    .await?;
    Ok(id)
}

/// A house with its village's latest coverage: the details panel and `GET /api/v1/cultural-houses/{id}`.
pub async fn detail(
    pool: &sqlx::AnyPool,
    id: i64,
    visibility: Visibility,
) -> Result<model::CulturalHouseDetail, StoreError> {
    let house = get(pool, id, visibility).await?;
    let coverage = super::coverage::latest_for_house(pool, id).await?;
    Ok(model::CulturalHouseDetail { house, coverage })
}

/// Appends the house's current Wi-Fi state to its timeline.
async fn record_wifi_change<'e, E>(executor: E, house_id: i64, changed_by: &str) -> Result<(), StoreError>
where
    E: Executor<'e, Database = Any>,
{
    sqlx::query(
        "INSERT INTO wifi_change (cultural_house_id, version, wifi_status, wifi_provider, bandwidth_mbps,
                                  installed_at, last_verified_at, ssid, ssid_public, changed_at, changed_by)
         SELECT id, version, wifi_status, wifi_provider, bandwidth_mbps, installed_at, last_verified_at, ssid,
                ssid_public, updated_at, $2
         FROM cultural_house WHERE id = $1",
    )
    .bind(house_id)
    .bind(changed_by)
    .execute(executor)
    .await?;
    Ok(())
}

#[derive(sqlx::FromRow)]
struct WifiChangeRow {
    version: i64,
    wifi_status: String,
    wifi_provider: Option<String>,
    bandwidth_mbps: Option<f64>,
    installed_at: Option<String>,
    last_verified_at: Option<String>,
    ssid: Option<String>,
    ssid_public: i64,
    changed_at: String,
    changed_by: String,
}

/// The Wi-Fi timeline of a house the viewer may see, newest version first.
pub async fn wifi_history(
    pool: &sqlx::AnyPool,
    id: i64,
    visibility: Visibility,
    page: super::db::Page,
) -> Result<Vec<model::WifiChange>, StoreError> {
    get(pool, id, visibility).await?;
    let rows: Vec<WifiChangeRow> = sqlx::query_as(
        "SELECT version, wifi_status, wifi_provider, bandwidth_mbps, installed_at, last_verified_at, ssid, ssid_public,
                changed_at, changed_by
         FROM wifi_change WHERE cultural_house_id = $1 ORDER BY version DESC
         LIMIT $2 OFFSET $3",
    )
    .bind(id)
    .bind(page.limit)
    .bind(page.offset)
    .fetch_all(pool)
    .await?;
    rows.into_iter()
        .map(|row| {
            Ok(model::WifiChange {
                version: row.version,
                wifi_status: row.wifi_status.parse().map_err(|e| StoreError::Corrupt(format!("wifi_change: {e}")))?,
                wifi_provider: row.wifi_provider,
                bandwidth_mbps: row.bandwidth_mbps,
                installed_at: row.installed_at,
                last_verified_at: row.last_verified_at,
                ssid: row.ssid.filter(|_| row.ssid_public != 0 || !visibility.only_active_wifi),
                ssid_public: row.ssid_public != 0,
                changed_at: row.changed_at,
                changed_by: row.changed_by,
            })
        })
        .collect()
}

/// Longest network name 802.11 allows, in bytes.
const MAX_SSID_BYTES: usize = 32;

/// A text field trimmed, blank as absent: a form's empty field and an omitted JSON field mean
/// the same.
fn given(value: Option<String>) -> Option<String> {
    value.map(|value| value.trim().to_owned()).filter(|value| !value.is_empty())
}

/// The update with its values normalised (blank fields as absent, the provider's code in lower
/// case, dates in the stored form), or the first rule it breaks, naming the field. Every way in
/// (the page's form, the REST API, an import line) goes through here.
fn checked(mut update: WifiUpdate) -> Result<WifiUpdate, Said> {
    update.ssid = super::text::optional("ssid", update.ssid.as_deref(), MAX_SSID_BYTES)?;
    update.provider = given(update.provider).map(|provider| provider.to_lowercase());
    update.installed_at = given(update.installed_at);
    update.last_verified_at = given(update.last_verified_at);
    if let Some(ssid) = &update.ssid {
        if ssid.len() > MAX_SSID_BYTES {
            let shown = ssid.escape_debug();
            return Err(said(
                format!("ssid: at most {MAX_SSID_BYTES} bytes of printable text, got '{shown}'"),
                format!("ssid: tối đa {MAX_SSID_BYTES} byte chữ in được, nhận được '{shown}'"),
            ));
        }
    }
    if update.ssid_public && update.ssid.is_none() {
        return Err(said("ssid_public: there is no ssid to show", "ssid_public: chưa có tên mạng (ssid) để hiện"));
    }
    check_values(update)
}

/// An installation or verification date in the stored form, between 1990 and tomorrow.
fn equipment_date(field: &str, value: Option<&str>) -> Result<Option<String>, Said> {
    value.map(|value| super::read_past_moment(field, value, super::EARLIEST_EQUIPMENT_DATE)).transpose()
}

/// The status, provider, bandwidth and dates of an update checked, dates in the stored form.
fn check_values(mut update: WifiUpdate) -> Result<WifiUpdate, Said> {
    let needs_provider = !matches!(update.status, WifiStatus::None | WifiStatus::Planned);
    if needs_provider && update.provider.is_none() {
        return Err(said(
            format!("provider: required when the status is {}", update.status),
            format!("provider: bắt buộc khi trạng thái là {}", update.status),
        ));
    }
    if let Some(mbps) = update.bandwidth_mbps {
        if !mbps.is_finite() || !(0.0..=100_000.0).contains(&mbps) {
            return Err(said(
                "bandwidth_mbps: expected a number from 0 to 100000",
                "bandwidth_mbps: cần một số từ 0 đến 100000",
            ));
        }
    }
    update.installed_at = equipment_date("installed_at", update.installed_at.as_deref())?;
    update.last_verified_at = equipment_date("last_verified_at", update.last_verified_at.as_deref())?;
    Ok(update)
}

/// How a principal may change houses' Wi-Fi (scope aside): any operator's (admins, commune
/// officers), only their own operator's (telecom accounts), or not at all. The map's form and
/// every write ask this one rule.
pub fn wifi_editing(principal: &Principal) -> WifiEditing {
    match (principal.role.can(Capability::EditWifi), principal.role, &principal.operator) {
        (false, _, _) | (true, Role::Telecom, None) => WifiEditing::No,
        (true, Role::Telecom, Some(operator)) => WifiEditing::OwnOperator(operator.clone()),
        (true, _, _) => WifiEditing::AnyOperator,
    }
}

/// Whether the principal may make this change to this house: telecom accounts may take over a
/// house with no provider, never another operator's.
fn check_wifi_permission(principal: &Principal, house: &CulturalHouse, update: &WifiUpdate) -> Result<(), Denied> {
    match wifi_editing(principal) {
        WifiEditing::AnyOperator => Ok(()),
        WifiEditing::OwnOperator(own) => {
            let current_is_other = house.wifi_provider.as_deref().is_some_and(|p| p != own);
            let new_is_other = update.provider.as_deref().is_some_and(|p| p != own);
            if current_is_other || new_is_other {
                Err(Denied::Operator)
            } else {
                Ok(())
            }
        }
        WifiEditing::No => Err(Denied::Role),
    }
}

/// Applies a Wi-Fi change after checking role, scope and operator, and records it in the audit
/// log in the same transaction. Returns the house as it now is.
pub async fn update_wifi(
    db: &super::Db,
    principal: &Principal,
    id: i64,
    expected_version: i64,
    update: WifiUpdate,
) -> Result<CulturalHouse, StoreError> {
    access::require(principal, Capability::EditWifi)?;
    let update = checked(update).map_err(StoreError::from)?;
    let mut tx = db.begin_write().await?;
    // Read without scope first so that "not in scope" and "does not exist" can be told apart
    // for someone allowed to write here at all.
    let unrestricted = Visibility { only_active_wifi: false, scope_of_user: None };
    let before = get(&mut *tx, id, unrestricted).await?;
    let (village_id,): (i64,) =
        sqlx::query_as("SELECT village_id FROM cultural_house WHERE id = $1").bind(id).fetch_one(&mut *tx).await?;
    if !access::unit_in_scope(&mut *tx, principal, village_id).await? {
        return Err(StoreError::Denied(Denied::Scope));
    }
    check_wifi_permission(principal, &before, &update).map_err(StoreError::Denied)?;
    if before.version != expected_version {
        return Err(StoreError::Conflict { current_version: before.version });
    }
    let provider_name = match &update.provider {
        Some(provider) => {
            let known: Option<(String,)> = sqlx::query_as("SELECT name FROM operator WHERE code = $1")
                .bind(provider)
                .fetch_optional(&mut *tx)
                .await?;
            let (name,) = known.ok_or_else(|| {
                StoreError::Invalid(said(
                    format!("provider: no operator has code {provider}"),
                    format!("provider: không có nhà mạng mã {provider}"),
                ))
            })?;
            Some(name)
        }
        None => None,
    };
    let change = WifiChangeToWrite { before, update, provider_name };
    let after = write_wifi(&mut tx, principal, &change).await?;
    tx.commit().await?;
    Ok(after)
}

/// A checked Wi-Fi change, ready to write: the house as read, the change, and the display name of
/// the new provider (so the house as it will be is known without reading it back).
#[derive(Clone, Debug)]
pub struct WifiChangeToWrite {
    pub before: CulturalHouse,
    pub update: WifiUpdate,
    pub provider_name: Option<String>,
}

impl WifiChangeToWrite {
    /// The house once the change is written.
    fn after(&self) -> CulturalHouse {
        let update = &self.update;
        CulturalHouse {
            wifi_status: update.status,
            wifi_provider: update.provider.clone(),
            wifi_provider_name: self.provider_name.clone(),
            bandwidth_mbps: update.bandwidth_mbps,
            installed_at: update.installed_at.clone(),
            last_verified_at: update.last_verified_at.clone(),
            ssid: update.ssid.clone(),
            ssid_public: update.ssid_public,
            version: self.before.version + 1,
            ..self.before.clone()
        }
    }
}

/// Writes a checked Wi-Fi change at the version `before` was read at: bumps the version, appends
/// the timeline and the audit log. A concurrent writer that committed in between leaves nothing
/// to update, which is reported as a conflict. Three statements per change, none of them a read:
/// an import of 50,000 rows depends on it.
/// Sets the house's Wi-Fi at the version it was read at; a change committed meanwhile by someone
/// else leaves no row to update and is reported as a conflict.
async fn update_wifi_row(tx: &mut sqlx::Transaction<'_, Any>, change: &WifiChangeToWrite) -> Result<(), StoreError> {
    let (before, update) = (&change.before, &change.update);
    let unrestricted = Visibility { only_active_wifi: false, scope_of_user: None };
    let (has_bandwidth, bandwidth) = super::db::nullable_f64(update.bandwidth_mbps);
    let updated = sqlx::query(
        "UPDATE cultural_house
         SET wifi_status = $2, wifi_provider = $3, bandwidth_mbps = CASE WHEN $8 THEN $4 END,
             installed_at = $5, last_verified_at = $6, updated_at = $7, version = version + 1,
             ssid = $10, ssid_public = $11
         WHERE id = $1 AND version = $9",
    )
    .bind(before.id)
    .bind(update.status.as_str())
    .bind(update.provider.as_deref())
    .bind(bandwidth)
    .bind(update.installed_at.as_deref())
    .bind(update.last_verified_at.as_deref())
    .bind(super::now_utc_text())
    .bind(has_bandwidth)
    .bind(before.version)
    .bind(update.ssid.as_deref())
    .bind(i64::from(update.ssid_public))
    .execute(&mut **tx)
    .await?;
    if updated.rows_affected() == 0 {
        let current = get(&mut **tx, before.id, unrestricted).await?;
        return Err(StoreError::Conflict { current_version: current.version });
    }
    Ok(())
}

async fn write_wifi(
    tx: &mut sqlx::Transaction<'_, Any>,
    principal: &Principal,
    change: &WifiChangeToWrite,
) -> Result<CulturalHouse, StoreError> {
    let before = &change.before;
    update_wifi_row(tx, change).await?;
    record_wifi_change(&mut **tx, before.id, &principal.audit_name()).await?;
    let after = change.after();
    super::audit::record(
        &mut **tx,
        super::audit::Actor::Principal(principal),
        &super::audit::Change {
            action: "update_wifi",
            entity_type: "cultural_house",
            entity_id: &before.id.to_string(),
            before: Some(&serde_json::json!(before)),
            after: Some(&serde_json::json!(after)),
        },
    )
    .await?;
    Ok(after)
}

/// Columns of a Wi-Fi file (CSV, TSV or a workbook; the API's names or Vietnamese headers, in any
/// order). A row names its house by `cultural_house_id`, or by `village_code` when the village
/// has exactly one cultural house.
pub const WIFI_FILE_SPEC: Spec = Spec {
    columns: &[
        Column { key: "cultural_house_id", aliases: &["Mã nhà văn hóa", "ID nhà văn hóa"], required: false },
        Column { key: "village_code", aliases: &["Mã thôn", "Mã thôn/bản", "Mã khu phố"], required: false },
        Column { key: "status", aliases: &["Trạng thái", "Tình trạng", "Tình trạng Wi-Fi"], required: true },
        Column { key: "provider", aliases: &["Nhà mạng", "Nhà cung cấp"], required: false },
        Column {
            key: "bandwidth_mbps",
            aliases: &["Băng thông", "Băng thông (Mbps)", "Tốc độ (Mbps)"],
            required: false,
        },
        Column { key: "installed_at", aliases: &["Ngày lắp đặt"], required: false },
        Column { key: "last_verified_at", aliases: &["Ngày kiểm tra", "Ngày xác minh"], required: false },
        Column { key: "ssid", aliases: &["Tên mạng", "Tên Wi-Fi", "SSID"], required: false },
        Column { key: "ssid_public", aliases: &["Công khai tên mạng", "Hiện tên mạng"], required: false },
    ],
    // A decimal comma needs reading before the number does; words, dates and yes/no are read by
    // the checks every Wi-Fi change goes through.
    values: &[("bandwidth_mbps", Values::Decimal)],
};

#[derive(Clone, Debug, Deserialize)]
struct WifiRow {
    cultural_house_id: Option<i64>,
    village_code: Option<String>,
    status: String,
    provider: Option<String>,
    bandwidth_mbps: Option<f64>,
    installed_at: Option<String>,
    last_verified_at: Option<String>,
    ssid: Option<String>,
    ssid_public: Option<String>,
}

/// Reads a yes/no cell of a CSV file: spreadsheets write booleans in many ways.
fn parse_flag(field: &str, text: Option<&str>) -> Result<bool, Said> {
    super::tabular::parse_flag(text.unwrap_or_default())
        .map(Option::unwrap_or_default)
        .map_err(|problem| said(format!("{field}: {}", problem.en), format!("{field}: {}", problem.vi)))
}

/// Why a principal may not change a house's Wi-Fi, in both languages.
fn denied_here(house: &CulturalHouse, denied: Denied) -> Said {
    let vi = match denied {
        Denied::NotSignedIn => "cần đăng nhập",
        Denied::Role => "vai trò của bạn không được làm việc này",
        Denied::Scope => "ngoài phạm vi của bạn",
        Denied::Operator => "thuộc nhà mạng khác",
    };
    said(format!("{}: {denied}", house.name), format!("{}: {vi}", house.name))
}

/// The houses a principal may change the Wi-Fi of, for checking an import row by row.
pub struct WifiImportRights {
    principal: Principal,
    houses: std::collections::HashMap<i64, CulturalHouse>,
    by_village: std::collections::HashMap<String, Vec<i64>>,
    /// Operator code → display name.
    known_operators: std::collections::HashMap<String, String>,
}

impl WifiImportRights {
    pub async fn load(pool: &sqlx::AnyPool, principal: &Principal) -> Result<WifiImportRights, StoreError> {
        access::require(principal, Capability::EditWifi)?;
        let visible = list(pool, &HouseFilter::default(), Visibility::of(&Some(principal.clone()))).await?;
        let mut by_village: std::collections::HashMap<String, Vec<i64>> = std::collections::HashMap::new();
        for house in &visible {
            by_village.entry(house.village_code.clone()).or_default().push(house.id);
        }
        let operators: Vec<(String, String)> =
            sqlx::query_as("SELECT code, name FROM operator").fetch_all(pool).await?;
        Ok(WifiImportRights {
            principal: principal.clone(),
            houses: visible.into_iter().map(|house| (house.id, house)).collect(),
            by_village,
            known_operators: operators.into_iter().collect(),
        })
    }

    fn check(&self, row: &WifiRow) -> Result<WifiChangeToWrite, Vec<Said>> {
        let house = match (row.cultural_house_id, row.village_code.as_deref().map(str::trim).filter(|c| !c.is_empty()))
        {
            (Some(id), _) => self.houses.get(&id).ok_or_else(|| {
                vec![said(
                    format!("cultural_house_id: {id} is not a house in your scope"),
                    format!("cultural_house_id: {id} không phải nhà văn hóa trong phạm vi của bạn"),
                )]
            })?,
            (None, Some(code)) => match self.by_village.get(code).map(Vec::as_slice) {
                Some([id]) => &self.houses[id],
                Some(ids) => {
                    return Err(vec![said(
                        format!("village_code: {code} has {} cultural houses; give cultural_house_id", ids.len()),
                        format!("village_code: thôn {code} có {} nhà văn hóa; hãy ghi cultural_house_id", ids.len()),
                    )])
                }
                None => {
                    return Err(vec![said(
                        format!("village_code: '{code}' has no cultural house in your scope"),
                        format!("village_code: '{code}' không có nhà văn hóa trong phạm vi của bạn"),
                    )])
                }
            },
            (None, None) => {
                return Err(vec![said(
                    "cultural_house_id or village_code: one is required",
                    "cultural_house_id hoặc village_code: cần một trong hai",
                )])
            }
        };
        let status = super::tabular::value_alias(WIFI_STATUS_WORDS, &row.status)
            .map_or_else(|| row.status.trim().to_lowercase(), str::to_owned);
        let status: WifiStatus = status.parse().map_err(|error: model::UnknownValue| {
            vec![said(
                format!("status: {error}"),
                format!("status: '{}' không thuộc các giá trị {}", error.value, error.expected),
            )]
        })?;
        let update = checked(WifiUpdate {
            status,
            provider: row.provider.clone(),
            bandwidth_mbps: row.bandwidth_mbps,
            installed_at: row.installed_at.clone(),
            last_verified_at: row.last_verified_at.clone(),
            ssid: row.ssid.clone(),
            ssid_public: parse_flag("ssid_public", row.ssid_public.as_deref()).map_err(|error| vec![error])?,
        })
        .map_err(|error| vec![error])?;
        if let Some(provider) = update.provider.as_deref().filter(|p| !self.known_operators.contains_key(*p)) {
            return Err(vec![said(
                format!("provider: no operator has code '{provider}'"),
                format!("provider: không có nhà mạng mã '{provider}'"),
            )]);
        }
        check_wifi_permission(&self.principal, house, &update).map_err(|denied| vec![denied_here(house, denied)])?;
        let provider_name = update.provider.as_ref().and_then(|code| self.known_operators.get(code)).cloned();
        Ok(WifiChangeToWrite { before: house.clone(), update, provider_name })
    }
}

/// Reads and checks a whole Wi-Fi CSV file (every problem, by line) without writing.
pub fn check_wifi_csv(
    bytes: &[u8],
    rights: &WifiImportRights,
) -> Result<super::imports::Checked<WifiChangeToWrite>, Vec<super::imports::RowProblem>> {
    // A house named twice would meet itself at a stale version; say so on the second line.
    let mut first_line: std::collections::HashMap<i64, u64> = std::collections::HashMap::new();
    super::imports::read_and_check(bytes, &WIFI_FILE_SPEC, |line, row: &WifiRow| {
        let change = rights.check(row)?;
        match first_line.insert(change.before.id, line) {
            Some(earlier) => Err(vec![said(
                format!("{}: already changed on line {earlier}; one line per house", change.before.name),
                format!("{}: đã có ở dòng {earlier}; mỗi nhà văn hóa một dòng", change.before.name),
            )]),
            None => Ok(change),
        }
    })
}

/// Checks a Wi-Fi file and, unless `dry_run`, applies it: every line or none, each refused line
/// named in the answer.
pub async fn import_wifi_file(
    db: &super::Db,
    principal: &Principal,
    file: &[u8],
    dry_run: bool,
) -> Result<ImportOutcome, StoreError> {
    let rights = WifiImportRights::load(db.pool(), principal).await?;
    let file = file.to_vec();
    let (rows, _rights) = super::off_the_runtime(move || (check_wifi_csv(&file, &rights), rights)).await?;
    let checked = rows.map_err(super::imports::rejected_file)?;
    if !dry_run {
        import_wifi(db, principal, &checked.rows).await?;
    }
    Ok(checked.outcome(dry_run))
}

/// Applies checked rows in one transaction (all or nothing). Each change joins its house's
/// timeline (which records every version and who made it); the audit log gets one entry for the
/// file, naming the houses. A row whose house changed since the file was checked fails the whole
/// import (409).
pub async fn import_wifi(db: &super::Db, principal: &Principal, rows: &[WifiChangeToWrite]) -> Result<(), StoreError> {
    let mut tx = db.begin_write().await?;
    let changed_by = principal.audit_name();
    for chunk in rows.chunks(super::db::BULK_CHUNK_ROWS) {
        for change in chunk {
            update_wifi_row(&mut tx, change).await?;
        }
        // The chunk's new versions join the timelines in one statement.
        let ids: Vec<String> = (2..chunk.len() + 2).map(|n| format!("${n}")).collect();
        let sql = format!(
            "INSERT INTO wifi_change (cultural_house_id, version, wifi_status, wifi_provider, bandwidth_mbps,
                                      installed_at, last_verified_at, ssid, ssid_public, changed_at, changed_by)
             SELECT id, version, wifi_status, wifi_provider, bandwidth_mbps, installed_at, last_verified_at, ssid,
                    ssid_public, updated_at, $1
             FROM cultural_house WHERE id IN ({})",
            ids.join(", ")
        );
        let mut query = sqlx::query(&sql).bind(&changed_by);
        for change in chunk {
            query = query.bind(change.before.id);
        }
        query.execute(&mut *tx).await?;
    }
    let houses: Vec<i64> = rows.iter().map(|change| change.before.id).collect();
    super::audit::record(
        &mut *tx,
        super::audit::Actor::Principal(principal),
        &super::audit::Change {
            action: "import_wifi",
            entity_type: "cultural_house",
            entity_id: "*",
            before: None,
            after: Some(&serde_json::json!({ "rows": rows.len(), "houses": houses })),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
