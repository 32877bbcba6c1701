//! Villages (thôn, bản, khu phố, tổ dân phố) from a commune's list of names: no boundary needed.

use super::{code_or_made, required_code, Applied, Context, Kind};
use crate::admin_units::{self, Level, NewUnit};
use crate::tabular::{Column, Spec, Values, VILLAGE_TYPE_WORDS};
use crate::StoreError;
use model::{said, Said};
use serde::Deserialize;
use sqlx::{Any, Transaction};

/// Longest village name, in characters.
const MAX_NAME_CHARS: usize = 200;

pub(super) const SPEC: Spec = Spec {
    columns: &[
        Column {
            key: "commune_code", aliases: &["Mã xã", "Mã xã/phường", "Mã phường", "Mã ĐVHC xã"], required: true
        },
        Column {
            key: "code", aliases: &["Mã thôn", "Mã thôn/bản", "Mã khu phố", "Mã tổ dân phố"], required: false
        },
        Column {
            key: "name",
            aliases: &["Tên thôn", "Tên thôn/bản", "Tên thôn, bản", "Tên khu phố", "Thôn/bản"],
            required: true,
        },
        Column { key: "unit_type", aliases: &["Loại", "Loại thôn", "Loại đơn vị"], required: false },
    ],
    values: &[("unit_type", Values::Words(VILLAGE_TYPE_WORDS))],
};

pub(super) const EXAMPLE: &[&str] = &["15187", "15187-01", "Khu phố 1", "Khu phố"];

#[derive(Deserialize)]
pub(super) struct Row {
    commune_code: String,
    code: Option<String>,
    name: String,
    unit_type: Option<String>,
}

pub(super) struct Village {
    commune_code: String,
    code: String,
    name: String,
    unit_type: Option<String>,
}

pub(super) struct Villages;

impl Kind for Villages {
    type Row = Row;
    type Item = Village;
    const SPEC: &'static Spec = &SPEC;
    const AUDIT: (&'static str, &'static str) = ("import_villages", "admin_unit");

    fn check(row: &Row) -> Result<Village, Vec<Said>> {
        let commune_code = required_code("commune_code", &row.commune_code).map_err(|e| vec![e])?;
        let name = crate::text::required("name", &row.name, MAX_NAME_CHARS).map_err(|e| vec![e])?;
        let code = code_or_made("code", row.code.as_deref(), &commune_code, &name).map_err(|e| vec![e])?;
        let unit_type = row.unit_type.clone().filter(|kind| !kind.is_empty());
        Ok(Village { commune_code, code, name, unit_type })
    }

    async fn apply(
        tx: &mut Transaction<'static, Any>,
        context: &mut Context<'_>,
        village: &Village,
    ) -> Result<Result<(Applied, String), Vec<Said>>, StoreError> {
        if let Err(problem) = context.first_time("village", &village.code) {
            return Ok(Err(problem));
        }
        let commune = match context.unit_in_reach(tx, "commune_code", &village.commune_code, Level::Commune).await? {
            Ok(commune) => commune,
            Err(problem) => return Ok(Err(vec![problem])),
        };
        let applied = match context.unit(tx, &village.code).await? {
            None => {
                let unit = NewUnit {
                    parent_id: Some(commune.id),
                    level: Level::Village,
                    code: &village.code,
                    name: &village.name,
                    boundary: None,
                };
                let id = admin_units::insert(&mut **tx, &unit).await?;
                if village.unit_type.is_some() {
                    set_name_and_type(tx, id, village).await?;
                }
                Applied::Created
            }
            Some(unit) if unit.level != Level::Village || unit.parent_id != Some(commune.id) => {
                return Ok(Err(vec![elsewhere(&village.code, &commune.code)]));
            }
            Some(unit) => {
                let (name, unit_type): (String, Option<String>) =
                    sqlx::query_as("SELECT name, unit_type FROM admin_unit WHERE id = $1")
                        .bind(unit.id)
                        .fetch_one(&mut **tx)
                        .await?;
                let same_type = village.unit_type.is_none() || village.unit_type == unit_type;
                if name == village.name && same_type {
                    Applied::Unchanged
                } else {
                    set_name_and_type(tx, unit.id, village).await?;
                    Applied::Updated
                }
            }
        };
        context.forget(&village.code);
        Ok(Ok((applied, village.code.clone())))
    }
}

/// Renames a village and, when the file says, sets its type (otherwise read from the name).
async fn set_name_and_type(tx: &mut Transaction<'static, Any>, id: i64, village: &Village) -> Result<(), StoreError> {
    let unit_type = village.unit_type.as_deref().or_else(|| admin_units::unit_type_from_name(&village.name));
    sqlx::query("UPDATE admin_unit SET name = $2, unit_type = $3 WHERE id = $1")
        .bind(id)
        .bind(&village.name)
        .bind(unit_type)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// A code already used by a unit that is not a village of this commune: moving a village to
/// another commune is a reorganisation, not a list import.
fn elsewhere(code: &str, commune: &str) -> Said {
    said(
        format!("code: '{code}' is already a unit outside commune {commune}; choose another code (moving a village is a reorganisation)"),
        format!("code: mã '{code}' đã là của một đơn vị không thuộc xã {commune}; hãy chọn mã khác (chuyển thôn sang xã khác là sắp xếp đơn vị hành chính)"),
    )
}
