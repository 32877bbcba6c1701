//! API tokens for integrations (telecom operators' systems). A token acts as the account it
//! belongs to; it is shown once at creation and only its SHA-256 hash is stored (tokens are 256
//! random bits, so a fast hash is enough; no salt needed).

use super::accounts::{self, User};
use super::StoreError;
use rand::RngCore;
use serde::Serialize;
use sha2::{Digest, Sha256};
use sqlx::{Any, Executor};

/// Every token starts with this, so leaked tokens are easy to recognise and scan for.
pub const TOKEN_PREFIX: &str = "bds_";

/// A token as listed (never the secret).
#[derive(utoipa::ToSchema, Clone, Debug, PartialEq, Serialize, sqlx::FromRow)]
pub struct TokenInfo {
    pub id: i64,
    pub user_id: i64,
    pub name: String,
    pub token_prefix: String,
    pub created_at: String,
    pub last_used_at: Option<String>,
    pub revoked_at: Option<String>,
}

/// The SHA-256 of a secret, in hex: what is stored instead of the secret.
pub fn hash(token: &str) -> String {
    Sha256::digest(token.as_bytes()).iter().map(|byte| format!("{byte:02x}")).collect()
}

/// 32 random bytes in hex: a secret no one can guess.
pub fn random_secret() -> String {
    let mut secret = [0_u8; 32];
    rand::rng().fill_bytes(&mut secret);
    secret.iter().map(|byte| format!("{byte:02x}")).collect()
}

/// Creates a token for `user_id` and returns its id and the secret (to show once).
pub async fn create<'e, E>(executor: E, user_id: i64, name: &str, created_by: i64) -> Result<(i64, String), StoreError>
where
    E: Executor<'e, Database = Any>,
{
    let name = &super::text::required("name", name, 100)?;
    let token = format!("{TOKEN_PREFIX}{}", random_secret());
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO api_token (user_id, name, token_hash, token_prefix, created_by, created_at)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(user_id)
    .bind(name)
    .bind(hash(&token))
    .bind(&token[..TOKEN_PREFIX.len() + 6])
    .bind(created_by)
    .bind(super::now_utc_text())
    .fetch_one(executor)
    .await?;
    Ok((id, token))
}

/// The active account and token id for a presented secret, recording the use. Revoked tokens and
/// disabled accounts authenticate nobody.
pub async fn authenticate(pool: &sqlx::AnyPool, token: &str) -> Result<Option<(User, i64)>, StoreError> {
    if !token.starts_with(TOKEN_PREFIX) {
        return Ok(None);
    }
    let row: Option<(i64, i64)> =
        sqlx::query_as("SELECT id, user_id FROM api_token WHERE token_hash = $1 AND revoked_at IS NULL")
            .bind(hash(token))
            .fetch_optional(pool)
            .await?;
    let Some((token_id, user_id)) = row else { return Ok(None) };
    let Some(user) = accounts::find_active(pool, user_id).await? else { return Ok(None) };
    sqlx::query("UPDATE api_token SET last_used_at = $2 WHERE id = $1")
        .bind(token_id)
        .bind(super::now_utc_text())
        .execute(pool)
        .await?;
    Ok(Some((user, token_id)))
}

/// Every token, newest first.
pub async fn list<'e, E>(executor: E) -> Result<Vec<TokenInfo>, StoreError>
where
    E: Executor<'e, Database = Any>,
{
    Ok(sqlx::query_as(
        "SELECT id, user_id, name, token_prefix, created_at, last_used_at, revoked_at
         FROM api_token ORDER BY id DESC",
    )
    .fetch_all(executor)
    .await?)
}

/// One token.
pub async fn get<'e, E>(executor: E, id: i64) -> Result<TokenInfo, StoreError>
where
    E: Executor<'e, Database = Any>,
{
    sqlx::query_as(
        "SELECT id, user_id, name, token_prefix, created_at, last_used_at, revoked_at FROM api_token WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(executor)
    .await?
    .ok_or(StoreError::NotFound)
}

/// Revokes a token (idempotent: revoking twice keeps the first time).
pub async fn revoke<'e, E>(executor: E, id: i64) -> Result<(), StoreError>
where
    E: Executor<'e, Database = Any>,
{
    let result = sqlx::query("UPDATE api_token SET revoked_at = COALESCE(revoked_at, $2) WHERE id = $1")
        .bind(id)
        .bind(super::now_utc_text())
        .execute(executor)
        .await?;
    super::touched_a_row(&result)
}

/// A token just issued: what lists show of it, and its secret, shown this once.
#[derive(Clone, Debug, PartialEq)]
pub struct IssuedToken {
    pub info: TokenInfo,
    pub secret: String,
}

/// Issues a token acting as the active account `username` (admins only), audited.
pub async fn issue(
    db: &super::Db,
    principal: &super::access::Principal,
    username: &str,
    name: &str,
) -> Result<IssuedToken, StoreError> {
    super::access::require(principal, model::Capability::Administer)?;
    let username = username.trim();
    let owner = super::accounts::find_active_by_username(db.pool(), username).await?.ok_or_else(|| {
        model::said(
            format!("username: no active account {username}"),
            format!("username: không có tài khoản {username}"),
        )
    })?;
    let mut tx = db.begin_write().await?;
    let (id, secret) = create(&mut *tx, owner.id, name, principal.user_id).await?;
    let info = get(&mut *tx, id).await?;
    audited(&mut tx, principal, "create", id, None, &info).await?;
    tx.commit().await?;
    Ok(IssuedToken { info, secret })
}

/// Revokes a token (admins only), audited; answers it as it now is.
pub async fn revoke_audited(
    db: &super::Db,
    principal: &super::access::Principal,
    id: i64,
) -> Result<TokenInfo, StoreError> {
    super::access::require(principal, model::Capability::Administer)?;
    let mut tx = db.begin_write().await?;
    let before = get(&mut *tx, id).await?;
    revoke(&mut *tx, id).await?;
    let after = get(&mut *tx, id).await?;
    audited(&mut tx, principal, "revoke", id, Some(&before), &after).await?;
    tx.commit().await?;
    Ok(after)
}

async fn audited(
    tx: &mut sqlx::Transaction<'_, Any>,
    principal: &super::access::Principal,
    action: &str,
    id: i64,
    before: Option<&TokenInfo>,
    after: &TokenInfo,
) -> Result<(), StoreError> {
    let before = before.map(|before| serde_json::json!(before));
    let change = super::audit::Change {
        action,
        entity_type: "api_token",
        entity_id: &id.to_string(),
        before: before.as_ref(),
        after: Some(&serde_json::json!(after)),
    };
    super::audit::record(&mut **tx, super::audit::Actor::Principal(principal), &change).await
}
