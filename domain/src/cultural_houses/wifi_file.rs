//! Wi-Fi files from operators and commune offices: the columns read (through the shared table
//! reader), the rights checked row by row, and the import written all or nothing.

use super::*;

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
    crate::tabular::parse_flag(text.unwrap_or_default())
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
        let status = crate::tabular::value_alias(WIFI_STATUS_WORDS, &row.status)
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
) -> Result<crate::imports::Checked<WifiChangeToWrite>, Vec<crate::imports::RowProblem>> {
    // A house named twice would meet itself at a stale version; say so on the second line.
    let mut first_line: std::collections::HashMap<i64, u64> = std::collections::HashMap::new();
    crate::imports::read_and_check(bytes, &WIFI_FILE_SPEC, |line, row: &WifiRow| {
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
    db: &crate::Db,
    principal: &Principal,
    file: &[u8],
    dry_run: bool,
) -> Result<ImportOutcome, StoreError> {
    let rights = WifiImportRights::load(db.pool(), principal).await?;
    let file = file.to_vec();
    let (rows, _rights) = crate::off_the_runtime(move || (check_wifi_csv(&file, &rights), rights)).await?;
    let checked = rows.map_err(crate::imports::rejected_file)?;
    if !dry_run {
        import_wifi(db, principal, &checked.rows).await?;
    }
    Ok(checked.outcome(dry_run))
}

/// Applies checked rows in one transaction (all or nothing). Each change joins its house's
/// timeline (which records every version and who made it); the audit log gets one entry for the
/// file, naming the houses. A row whose house changed since the file was checked fails the whole
/// import (409).
pub async fn import_wifi(db: &crate::Db, principal: &Principal, rows: &[WifiChangeToWrite]) -> Result<(), StoreError> {
    let mut tx = db.begin_write().await?;
    let changed_by = principal.audit_name();
    for chunk in rows.chunks(crate::db::BULK_CHUNK_ROWS) {
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
    crate::audit::record(
        &mut *tx,
        crate::audit::Actor::Principal(principal),
        &crate::audit::Change {
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
