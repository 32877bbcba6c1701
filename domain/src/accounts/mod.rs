//! User accounts: passwords (argon2id), roles, scopes and the rules around them.

mod manage;
mod passwords;

pub(crate) use manage::may_manage;
pub use manage::{account, accounts, change, create, reset_password, CreatedAccount};
pub use passwords::{
    change_own_password, check_password_policy, decoy_hash, generate_password, hash_password, password_matches,
    prepare_password, set_password_hash, verify_password, MAX_PASSWORD_LEN, MIN_PASSWORD_LEN,
};

use super::admin_units;
use super::StoreError;
use model::{said, CurrentUser, Role};
use sqlx::{Any, Executor};

/// An account as stored (the hash never leaves the server).
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct UserRow {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub password_hash: String,
    pub role: String,
    pub operator: Option<String>,
    pub disabled_at: Option<String>,
    pub session_epoch: i64,
}

/// An active account, ready for permission checks.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct User {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub operator: Option<String>,
    /// Changing the password changes this, which ends every other session of the account.
    pub password_hash: String,
    /// Grows each time the account is disabled, which ends its sessions for good.
    pub session_epoch: i64,
}

impl User {
    /// The account acting, through a browser session (`token_id` `None`) or an API token.
    pub fn principal(&self, token_id: Option<i64>) -> crate::access::Principal {
        crate::access::Principal {
            user_id: self.id,
            username: self.username.clone(),
            role: self.role,
            operator: self.operator.clone(),
            token_id,
        }
    }

    /// What a browser session is bound to: the password hash and the session epoch. Changing the
    /// password, or disabling the account, ends the sessions made before. (At epoch 0 it is the
    /// hash alone, as sessions made before the epoch existed were bound.)
    pub fn session_binding(&self) -> String {
        match self.session_epoch {
            0 => self.password_hash.clone(),
            epoch => format!("{}#{epoch}", self.password_hash),
        }
    }

    pub fn current_user(&self) -> CurrentUser {
        CurrentUser {
            username: self.username.clone(),
            display_name: self.display_name.clone(),
            role: self.role,
            operator: self.operator.clone(),
        }
    }
}

impl TryFrom<UserRow> for User {
    type Error = StoreError;

    fn try_from(row: UserRow) -> Result<Self, Self::Error> {
        let role = row.role.parse().map_err(|error| StoreError::Corrupt(format!("user {}: {error}", row.id)))?;
        Ok(User {
            id: row.id,
            username: row.username,
            display_name: row.display_name,
            role,
            operator: row.operator,
            password_hash: row.password_hash,
            session_epoch: row.session_epoch,
        })
    }
}

/// What a new account needs. `scope_codes` are administrative unit codes; the password arrives
/// already checked and hashed (see [`prepare_password`]).
#[derive(Clone, Debug)]
pub struct NewUser<'a> {
    pub username: &'a str,
    pub display_name: &'a str,
    pub password_hash: &'a str,
    pub role: Role,
    pub operator: Option<&'a str>,
    pub scope_codes: &'a [String],
}

/// Longest name shown for an account.
pub const MAX_DISPLAY_NAME_CHARS: usize = 100;

const SELECT_USER: &str =
    "SELECT id, username, display_name, password_hash, role, operator, disabled_at, session_epoch FROM app_user";

/// An active account by username (disabled accounts are treated as absent).
pub async fn find_active_by_username<'e, E>(executor: E, username: &str) -> Result<Option<User>, StoreError>
where
    E: Executor<'e, Database = Any>,
{
    let sql = format!("{SELECT_USER} WHERE username = $1 AND disabled_at IS NULL");
    let row: Option<UserRow> = sqlx::query_as(&sql).bind(username).fetch_optional(executor).await?;
    row.map(User::try_from).transpose()
}

/// An active account by id.
pub async fn find_active<'e, E>(executor: E, id: i64) -> Result<Option<User>, StoreError>
where
    E: Executor<'e, Database = Any>,
{
    let sql = format!("{SELECT_USER} WHERE id = $1 AND disabled_at IS NULL");
    let row: Option<UserRow> = sqlx::query_as(&sql).bind(id).fetch_optional(executor).await?;
    row.map(User::try_from).transpose()
}

/// Any account by id, disabled or not.
pub async fn get_row<'e, E>(executor: E, id: i64) -> Result<UserRow, StoreError>
where
    E: Executor<'e, Database = Any>,
{
    let sql = format!("{SELECT_USER} WHERE id = $1");
    sqlx::query_as(&sql).bind(id).fetch_optional(executor).await?.ok_or(StoreError::NotFound)
}

/// Every account, by username.
pub async fn list_rows<'e, E>(executor: E) -> Result<Vec<UserRow>, StoreError>
where
    E: Executor<'e, Database = Any>,
{
    let sql = format!("{SELECT_USER} ORDER BY username");
    Ok(sqlx::query_as(&sql).fetch_all(executor).await?)
}

/// The codes of the units an account's scope names directly.
pub async fn scope_codes<'e, E>(executor: E, user_id: i64) -> Result<Vec<String>, StoreError>
where
    E: Executor<'e, Database = Any>,
{
    let rows: Vec<(String,)> = sqlx::query_as(
        "SELECT u.code FROM user_scope s JOIN admin_unit u ON u.id = s.admin_unit_id
         WHERE s.user_id = $1 ORDER BY u.code",
    )
    .bind(user_id)
    .fetch_all(executor)
    .await?;
    Ok(rows.into_iter().map(|(code,)| code).collect())
}

/// Checks the shape of a new or changed account; messages name the field.
pub fn check_account(
    username: &str,
    role: Role,
    operator: Option<&str>,
    scope_codes: &[String],
) -> Result<(), StoreError> {
    let valid_username = (3..=64).contains(&username.len())
        && username.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
    if !valid_username {
        return Err(StoreError::Invalid(said(
            "username: 3 to 64 characters among letters a-z, digits, '.', '_' and '-'",
            "username: từ 3 đến 64 ký tự gồm chữ a-z không dấu, chữ số, '.', '_' và '-'",
        )));
    }
    match (role, operator) {
        (Role::Telecom, None) => {
            return Err(StoreError::Invalid(said(
                "operator: required for a telecom account",
                "operator: tài khoản nhà mạng phải có nhà mạng",
            )))
        }
        (Role::Telecom, Some(_)) | (_, None) => {}
        (_, Some(_)) => {
            return Err(StoreError::Invalid(said(
                "operator: only telecom accounts act for an operator",
                "operator: chỉ tài khoản nhà mạng mới thuộc một nhà mạng",
            )))
        }
    }
    if role != Role::Admin && scope_codes.is_empty() {
        return Err(StoreError::Invalid(said(
            "scope: every role but admin needs at least one administrative unit",
            "scope: mọi vai trò trừ quản trị cần ít nhất một đơn vị hành chính",
        )));
    }
    Ok(())
}

/// Creates an account with its scope, in the caller's transaction. Returns the new id.
pub async fn insert(tx: &mut sqlx::Transaction<'_, Any>, user: &NewUser<'_>) -> Result<i64, StoreError> {
    check_account(user.username, user.role, user.operator, user.scope_codes)?;
    let display_name = &crate::text::required("display_name", user.display_name, MAX_DISPLAY_NAME_CHARS)?;
    if let Some(operator) = user.operator {
        let known: Option<(String,)> = sqlx::query_as("SELECT code FROM operator WHERE code = $1")
            .bind(operator)
            .fetch_optional(&mut **tx)
            .await?;
        if known.is_none() {
            return Err(StoreError::Invalid(said(
                format!("operator: no operator has code {operator}"),
                format!("operator: không có nhà mạng mã {operator}"),
            )));
        }
    }
    let now = super::now_utc_text();
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO app_user (username, display_name, password_hash, role, operator, created_at, password_changed_at)
         VALUES ($1, $2, $3, $4, $5, $6, $6)
         RETURNING id",
    )
    .bind(user.username)
    .bind(display_name)
    .bind(user.password_hash)
    .bind(user.role.as_str())
    .bind(user.operator)
    .bind(now)
    .fetch_one(&mut **tx)
    .await
    .map_err(|error| {
        // A name taken is the chooser's mistake, like a malformed one (422), also when two
        // admins create it at the same moment: the constraint decides, never a check beforehand.
        if super::violates_unique(&error, "app_user_username_unique") {
            StoreError::Invalid(said(
                format!("username: {} is taken", user.username),
                format!("username: {} đã có người dùng", user.username),
            ))
        } else {
            error.into()
        }
    })?;
    replace_scope(tx, id, user.scope_codes).await?;
    Ok(id)
}

/// Replaces an account's scope with the units of these codes (each must exist).
pub async fn replace_scope(
    tx: &mut sqlx::Transaction<'_, Any>,
    user_id: i64,
    codes: &[String],
) -> Result<(), StoreError> {
    sqlx::query("DELETE FROM user_scope WHERE user_id = $1").bind(user_id).execute(&mut **tx).await?;
    for code in codes {
        let Some((unit_id, _)) = admin_units::find_by_code(&mut **tx, code).await? else {
            return Err(StoreError::Invalid(said(
                format!("scope: no administrative unit has code {code}"),
                format!("scope: không có đơn vị hành chính mã {code}"),
            )));
        };
        sqlx::query("INSERT INTO user_scope (user_id, admin_unit_id) VALUES ($1, $2) ON CONFLICT DO NOTHING")
            .bind(user_id)
            .bind(unit_id)
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

/// Changes what an admin may change on an account: name, role/operator, disabled state.
pub async fn update<'e, E>(
    executor: E,
    user_id: i64,
    display_name: &str,
    role: Role,
    operator: Option<&str>,
    disabled: bool,
) -> Result<(), StoreError>
where
    E: Executor<'e, Database = Any>,
{
    let result = sqlx::query(
        "UPDATE app_user SET display_name = $2, role = $3, operator = $4,
                session_epoch = session_epoch + CASE WHEN $5 AND disabled_at IS NULL THEN 1 ELSE 0 END,
                disabled_at = CASE WHEN $5 THEN COALESCE(disabled_at, $6) END
         WHERE id = $1",
    )
    .bind(user_id)
    .bind(display_name)
    .bind(role.as_str())
    .bind(operator)
    .bind(disabled)
    .bind(super::now_utc_text())
    .execute(executor)
    .await?;
    super::touched_a_row(&result)
}

/// Whether any active admin exists (the first run creates one when not).
pub async fn has_active_admin<'e, E>(executor: E) -> Result<bool, StoreError>
where
    E: Executor<'e, Database = Any>,
{
    let (count,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM app_user WHERE role = 'admin' AND disabled_at IS NULL")
        .fetch_one(executor)
        .await?;
    Ok(count > 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accounts_are_checked_before_they_are_stored() {
        let scope = vec!["15187".to_owned()];
        assert!(check_account("officer.kimtan", Role::CommuneOfficer, None, &scope).is_ok());
        assert!(check_account("admin", Role::Admin, None, &[]).is_ok());
        assert!(check_account("x", Role::Admin, None, &[]).is_err());
        assert!(check_account("có dấu", Role::Admin, None, &[]).is_err());
        assert!(check_account("viettel", Role::Telecom, None, &scope).is_err());
        assert!(check_account("viettel", Role::Telecom, Some("viettel"), &scope).is_ok());
        assert!(check_account("leader", Role::Leader, Some("viettel"), &scope).is_err());
        assert!(check_account("leader", Role::Leader, None, &[]).is_err());
    }
}
