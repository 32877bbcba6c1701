//! Passwords: the policy, argon2id hashing (off the async workers, outside transactions), and the
//! checks at sign-in.

use crate::StoreError;
use argon2::password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use model::said;
use sqlx::{Any, Executor};

/// Shortest password accepted: long enough to resist guessing when login is throttled.
pub const MIN_PASSWORD_LEN: usize = 10;
/// Longest password accepted, so hashing cannot be used to burn CPU.
pub const MAX_PASSWORD_LEN: usize = 256;

/// Checks a password against the policy; the message is shown to the person choosing it.
pub fn check_password_policy(password: &str) -> Result<(), StoreError> {
    let length = password.chars().count();
    if length < MIN_PASSWORD_LEN {
        return Err(StoreError::Invalid(said(
            format!("password must have at least {MIN_PASSWORD_LEN} characters"),
            format!("mật khẩu cần ít nhất {MIN_PASSWORD_LEN} ký tự"),
        )));
    }
    if length > MAX_PASSWORD_LEN {
        return Err(StoreError::Invalid(said(
            format!("password must have at most {MAX_PASSWORD_LEN} characters"),
            format!("mật khẩu tối đa {MAX_PASSWORD_LEN} ký tự"),
        )));
    }
    Ok(())
}

/// Checks a chosen password against the policy and hashes it off the async workers (argon2 is
/// slow on purpose): call it before opening the transaction that stores the hash, so the write
/// lock is never held while it runs.
pub async fn prepare_password(password: &str) -> Result<String, StoreError> {
    check_password_policy(password)?;
    let password = password.to_owned();
    tokio::task::spawn_blocking(move || hash_password(&password))
        .await
        .map_err(|error| StoreError::Corrupt(format!("password hashing stopped: {error}")))?
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
        .map_err(|error| StoreError::Corrupt(format!("cannot hash password: {error}")))
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

/// Stores a new password's hash (see [`prepare_password`]) and records when: sessions bound to
/// the old hash end.
pub async fn set_password_hash<'e, E>(executor: E, user_id: i64, password_hash: &str) -> Result<(), StoreError>
where
    E: Executor<'e, Database = Any>,
{
    let result = sqlx::query("UPDATE app_user SET password_hash = $2, password_changed_at = $3 WHERE id = $1")
        .bind(user_id)
        .bind(password_hash)
        .bind(crate::now_utc_text())
        .execute(executor)
        .await?;
    crate::touched_a_row(&result)
}

/// Whether `password` matches the stored hash, checked off the async workers.
pub async fn password_matches(stored_hash: &str, password: &str) -> bool {
    let (stored_hash, password) = (stored_hash.to_owned(), password.to_owned());
    tokio::task::spawn_blocking(move || verify_password(&stored_hash, &password)).await.unwrap_or(false)
}

/// Changes the principal's own password after checking the current one: `false` (and nothing
/// changed) when the current password is wrong. Other sessions of the account end, as they are
/// bound to the hash. Audited.
pub async fn change_own_password(
    db: &crate::Db,
    principal: &crate::access::Principal,
    stored_hash: &str,
    current: &str,
    new: &str,
) -> Result<bool, StoreError> {
    if !password_matches(stored_hash, current).await {
        return Ok(false);
    }
    let new_hash = prepare_password(new).await?;
    let mut tx = db.begin_write().await?;
    set_password_hash(&mut *tx, principal.user_id, &new_hash).await?;
    let change = crate::audit::Change {
        action: "change_password",
        entity_type: "user",
        entity_id: &principal.user_id.to_string(),
        before: None,
        after: None,
    };
    crate::audit::record(&mut *tx, crate::audit::Actor::Principal(principal), &change).await?;
    tx.commit().await?;
    Ok(true)
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
    fn the_policy_bounds_the_length() {
        assert!(check_password_policy("short").is_err());
        assert!(check_password_policy("long enough!").is_ok());
        assert!(check_password_policy(&"x".repeat(MAX_PASSWORD_LEN + 1)).is_err());
    }
}
