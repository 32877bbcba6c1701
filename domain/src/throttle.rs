//! Login throttling per account and per client address, kept in the database so that every app
//! server sees the same counts.

use super::{Db, StoreError};

/// Failed attempts allowed per account within one window.
pub const ACCOUNT_LIMIT: i64 = 5;
/// Failed attempts allowed per client address within one window (several people may share one).
pub const ADDRESS_LIMIT: i64 = 20;
/// Length of a window, in seconds; a locked key unlocks when its window ends.
pub const WINDOW_SECONDS: i64 = 15 * 60;

/// The throttle keys of one login attempt.
pub fn keys(username: &str, address: &str) -> [(String, i64); 2] {
    [(format!("account:{}", username.to_lowercase()), ACCOUNT_LIMIT), (format!("ip:{address}"), ADDRESS_LIMIT)]
}

fn now() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}

/// Seconds until the first locked key unlocks, or `None` when none is locked.
pub async fn locked_for(db: &Db, keys: &[(String, i64)]) -> Result<Option<i64>, StoreError> {
    let now = now();
    let mut wait = None;
    for (key, limit) in keys {
        let row: Option<(i64, i64)> =
            sqlx::query_as("SELECT failures, window_started FROM login_throttle WHERE key = $1")
                .bind(key)
                .fetch_optional(db.pool())
                .await?;
        if let Some((failures, started)) = row {
            let remaining = started + WINDOW_SECONDS - now;
            if failures >= *limit && remaining > 0 {
                wait = Some(wait.map_or(remaining, |w: i64| w.max(remaining)));
            }
        }
    }
    Ok(wait)
}

/// Counts one failure against every key, starting a new window where the old one ended.
pub async fn record_failure(db: &Db, keys: &[(String, i64)]) -> Result<(), StoreError> {
    let now = now();
    for (key, _) in keys {
        sqlx::query(
            "INSERT INTO login_throttle (key, failures, window_started) VALUES ($1, 1, $2)
             ON CONFLICT (key) DO UPDATE SET
                 failures = CASE WHEN login_throttle.window_started + $3 <= $2 THEN 1 ELSE login_throttle.failures + 1 END,
                 window_started = CASE WHEN login_throttle.window_started + $3 <= $2 THEN $2 ELSE login_throttle.window_started END",
        )
        .bind(key)
        .bind(now)
        .bind(WINDOW_SECONDS)
        .execute(db.pool())
        .await?;
    }
    Ok(())
}

/// Forgets the failures of an account after it signs in successfully (the address keeps its count).
pub async fn clear_account(db: &Db, username: &str) -> Result<(), StoreError> {
    sqlx::query("DELETE FROM login_throttle WHERE key = $1")
        .bind(format!("account:{}", username.to_lowercase()))
        .execute(db.pool())
        .await?;
    Ok(())
}
