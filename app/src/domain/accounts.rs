//! User accounts: passwords (argon2id), roles, scopes and the rules around them.

use super::admin_units;
use super::StoreError;
use crate::model::{CurrentUser, Role};
use argon2::password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use sqlx::{Any, Executor};

/// Shortest password accepted: long enough to resist guessing when login is throttled.
pub const MIN_PASSWORD_LEN: usize = 10;
/// Longest password accepted, so hashing cannot be used to burn CPU.
pub const MAX_PASSWORD_LEN: usize = 256;

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
}

impl User {
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
        let role = row.role.parse().map_err(|error| StoreError::Invalid(format!("user {}: {error}", row.id)))?;
        Ok(User {
            id: row.id,
            username: row.username,
            display_name: row.display_name,
            role,
            operator: row.operator,
            password_hash: row.password_hash,
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

/// Checks a password against the policy; the message is shown to the person choosing it.
pub fn check_password_policy(password: &str) -> Result<(), StoreError> {
    let length = password.chars().count();
    if length < MIN_PASSWORD_LEN {
        return Err(StoreError::Invalid(format!("password must have at least {MIN_PASSWORD_LEN} characters")));
    }
    if length > MAX_PASSWORD_LEN {
        return Err(StoreError::Invalid(format!("password must have at most {MAX_PASSWORD_LEN} characters")));
    }
    Ok(())
}

/// Checks a chosen password against the policy and hashes it.
pub fn prepare_password(password: &str) -> Result<String, StoreError> {
    check_password_policy(password)?;
    hash_password(password)
}

/// A random password for accounts created without one (printed once, to be changed at first use).
pub fn generate_password() -> String {
    use rand::Rng;
    // No 0/O, 1/l/I: read aloud over the phone or copied from paper without mistakes.
    const ALPHABET: &[u8] = b"abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut rng = rand::rng();
    (0..16).map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char).collect()
}

/// Hashes a password with argon2id and a random salt (PHC string format).
pub fn hash_password(password: &str) -> Result<String, StoreError> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|error| StoreError::Invalid(format!("cannot hash password: {error}")))
}

/// Whether `password` matches the stored hash. An unreadable hash never matches.
pub fn verify_password(stored_hash: &str, password: &str) -> bool {
    PasswordHash::new(stored_hash)
        .map(|hash| Argon2::default().verify_password(password.as_bytes(), &hash).is_ok())
        .unwrap_or(false)
}

/// A valid hash of a password nobody knows: verifying against it when the account does not exist
/// takes as long as a real check, so response times do not tell which usernames exist.
pub fn decoy_hash() -> &'static str {
    static DECOY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DECOY.get_or_init(|| hash_password("decoy password that matches nothing").unwrap_or_default())
}

const SELECT_USER: &str = "SELECT id, username, display_name, password_hash, role, operator, disabled_at FROM app_user";

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
        return Err(StoreError::Invalid(
            "username: 3 to 64 characters among letters a-z, digits, '.', '_' and '-'".to_owned(),
        ));
    }
    match (role, operator) {
        (Role::Telecom, None) => {
            return Err(StoreError::Invalid("operator: required for a telecom account".to_owned()))
        }
        (Role::Telecom, Some(_)) | (_, None) => {}
        (_, Some(_)) => {
            return Err(StoreError::Invalid("operator: only telecom accounts act for an operator".to_owned()))
        }
    }
    if role != Role::Admin && scope_codes.is_empty() {
        return Err(StoreError::Invalid(
            "scope: every role but admin needs at least one administrative unit".to_owned(),
        ));
    }
    Ok(())
}

/// Creates an account with its scope, in the caller's transaction. Returns the new id.
pub async fn insert(tx: &mut sqlx::Transaction<'_, Any>, user: &NewUser<'_>) -> Result<i64, StoreError> {
    check_account(user.username, user.role, user.operator, user.scope_codes)?;
    if user.display_name.trim().is_empty() {
        return Err(StoreError::Invalid("display_name: must not be empty".to_owned()));
    }
    let exists: Option<(i64,)> = sqlx::query_as("SELECT id FROM app_user WHERE username = $1")
        .bind(user.username)
        .fetch_optional(&mut **tx)
        .await?;
    if exists.is_some() {
        return Err(StoreError::Invalid(format!("username: {} is taken", user.username)));
    }
    if let Some(operator) = user.operator {
        let known: Option<(String,)> = sqlx::query_as("SELECT code FROM operator WHERE code = $1")
            .bind(operator)
            .fetch_optional(&mut **tx)
            .await?;
        if known.is_none() {
            return Err(StoreError::Invalid(format!("operator: no operator has code {operator}")));
        }
    }
    let now = super::now_utc_text();
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO app_user (username, display_name, password_hash, role, operator, created_at, password_changed_at)
         VALUES ($1, $2, $3, $4, $5, $6, $6)
         RETURNING id",
    )
    .bind(user.username)
    .bind(user.display_name.trim())
    .bind(user.password_hash)
    .bind(user.role.as_str())
    .bind(user.operator)
    .bind(now)
    .fetch_one(&mut **tx)
    .await?;
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
            return Err(StoreError::Invalid(format!("scope: no administrative unit has code {code}")));
        };
        sqlx::query("INSERT INTO user_scope (user_id, admin_unit_id) VALUES ($1, $2) ON CONFLICT DO NOTHING")
            .bind(user_id)
            .bind(unit_id)
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

/// Sets a new password (policy checked) and records when.
pub async fn set_password<'e, E>(executor: E, user_id: i64, password: &str) -> Result<(), StoreError>
where
    E: Executor<'e, Database = Any>,
{
    let password_hash = prepare_password(password)?;
    let result = sqlx::query("UPDATE app_user SET password_hash = $2, password_changed_at = $3 WHERE id = $1")
        .bind(user_id)
        .bind(password_hash)
        .bind(super::now_utc_text())
        .execute(executor)
        .await?;
    super::touched_a_row(&result)
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
    fn passwords_hash_with_salt_and_verify() {
        let first = hash_password("correct horse battery").expect("hash");
        let second = hash_password("correct horse battery").expect("hash");
        assert_ne!(first, second, "salted");
        assert!(first.starts_with("$argon2id$"));
        assert!(verify_password(&first, "correct horse battery"));
        assert!(!verify_password(&first, "correct horse battery!"));
        assert!(!verify_password("not a hash", "anything"));
        assert!(!verify_password(decoy_hash(), "decoy"));
    }

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
        assert!(check_password_policy("short").is_err());
        assert!(check_password_policy("long enough!").is_ok());
    }
}
