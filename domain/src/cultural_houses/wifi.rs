//! A cultural house's Wi-Fi: its timeline, the checks every change goes through (by hand, by
//! file or by the API), who may make it, and the write at the version it was read at.

use super::*;

/// Appends the house's current Wi-Fi state to its timeline.
pub(super) async fn record_wifi_change<'e, E>(executor: E, house_id: i64, changed_by: &str) -> Result<(), StoreError>
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
    page: crate::db::Page,
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
pub(super) fn checked(mut update: WifiUpdate) -> Result<WifiUpdate, Said> {
    update.ssid = crate::text::optional("ssid", update.ssid.as_deref(), MAX_SSID_BYTES)?;
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
    value.map(|value| crate::read_past_moment(field, value, crate::EARLIEST_EQUIPMENT_DATE)).transpose()
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
pub(super) fn check_wifi_permission(
    principal: &Principal,
    house: &CulturalHouse,
    update: &WifiUpdate,
) -> Result<(), Denied> {
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
    db: &crate::Db,
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
    if !crate::params::unit_in_scope(&mut *tx, principal, village_id).await? {
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
pub(super) async fn update_wifi_row(
    tx: &mut sqlx::Transaction<'_, Any>,
    change: &WifiChangeToWrite,
) -> Result<(), StoreError> {
    let (before, update) = (&change.before, &change.update);
    let unrestricted = Visibility { only_active_wifi: false, scope_of_user: None };
    let (has_bandwidth, bandwidth) = crate::db::nullable_f64(update.bandwidth_mbps);
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
    .bind(crate::now_utc_text())
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
    crate::audit::record(
        &mut **tx,
        crate::audit::Actor::Principal(principal),
        &crate::audit::Change {
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
