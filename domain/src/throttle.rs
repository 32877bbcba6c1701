//! Sign-in throttling, kept in the database so that every app server sees the same counts.
//!
//! Each attempt is counted before its password is checked, one atomic upsert per key, so parallel
//! attempts cannot slip past a limit between a check and a count; an attempt over any limit is
//! refused without checking the password, and a successful one takes itself back off the counts.
//!
//! The keys: the client address (several people may share one, so its limit is higher), and the
//! account, counted apart for each browser that signed into it before ("known devices", OWASP's
//! device cookies) and for all other browsers together. Someone guessing at a known username from
//! elsewhere thus locks out unknown browsers only, never the owner's phone or office computer.

use super::tokens::{hash as token_hash, random_secret};
use super::{Db, StoreError};

/// Attempts allowed per account from unknown browsers together, and per known browser, within
/// one window.
pub const ACCOUNT_LIMIT: i64 = 5;
/// Attempts allowed per client address within one window (several people may share one).
pub const ADDRESS_LIMIT: i64 = 20;
/// Length of a window, in seconds; a locked key unlocks when its window ends.
pub const WINDOW_SECONDS: i64 = 15 * 60;
/// How long a browser stays known to an account after its last sign-in.
pub const DEVICE_DAYS: i64 = 400;

/// One sign-in attempt: which account, from which client address, from which browser.
#[derive(Clone, Debug)]
pub struct Attempt<'a> {
    pub username: &'a str,
    pub address: &'a str,
    /// The browser's device token (its cookie), if it has one.
    pub device_token: Option<&'a str>,
}

/// An attempt that may go ahead; [`succeeded`] takes it back off the counts.
#[derive(Clone, Debug)]
pub struct Admitted {
    account_key: String,
    address_key: String,
}

/// Why an attempt was refused: the keys unlock in this many seconds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Locked {
    pub seconds: i64,
}

fn now() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}

/// The account's key for this attempt: its own when the browser is known to the account, else the
/// one shared by every unknown browser.
async fn account_key(db: &Db, attempt: &Attempt<'_>) -> Result<String, StoreError> {
    let username = attempt.username.to_lowercase();
    if let Some(token) = attempt.device_token {
        let hash = token_hash(token);
        let oldest = super::format_utc(time::OffsetDateTime::now_utc() - time::Duration::days(DEVICE_DAYS));
        let known: Option<(String,)> = sqlx::query_as(
            "SELECT token_hash FROM login_device WHERE token_hash = $1 AND username = $2 AND last_used_at >= $3",
        )
        .bind(&hash)
        .bind(&username)
        .bind(oldest)
        .fetch_optional(db.pool())
        .await?;
        if known.is_some() {
            return Ok(format!("device:{hash}"));
        }
    }
    Ok(format!("account:{username}"))
}

/// Counts one attempt against `key` and answers the count within the current window and the
/// window's start (a new window starts where the old one ended).
async fn count(db: &Db, key: &str, now: i64) -> Result<(i64, i64), StoreError> {
    Ok(sqlx::query_as(
        "INSERT INTO login_throttle (key, failures, window_started) VALUES ($1, 1, $2)
         ON CONFLICT (key) DO UPDATE SET
             failures = CASE WHEN login_throttle.window_started + $3 <= $2 THEN 1 ELSE login_throttle.failures + 1 END,
             window_started = CASE WHEN login_throttle.window_started + $3 <= $2 THEN $2 ELSE login_throttle.window_started END
         RETURNING failures, window_started",
    )
    .bind(key)
    .bind(now)
    .bind(WINDOW_SECONDS)
    .fetch_one(db.pool())
    .await?)
}

/// Counts an attempt and says whether it may check its password.
pub async fn begin(db: &Db, attempt: &Attempt<'_>) -> Result<Result<Admitted, Locked>, StoreError> {
    let now = now();
    let admitted =
        Admitted { account_key: account_key(db, attempt).await?, address_key: format!("ip:{}", attempt.address) };
    let mut wait = None;
    for (key, limit) in [(&admitted.account_key, ACCOUNT_LIMIT), (&admitted.address_key, ADDRESS_LIMIT)] {
        let (attempts, started) = count(db, key, now).await?;
        if attempts > limit {
            let remaining = (started + WINDOW_SECONDS - now).max(1);
            wait = Some(wait.map_or(remaining, |longest: i64| longest.max(remaining)));
        }
    }
    Ok(match wait {
        Some(seconds) => Err(Locked { seconds }),
        None => Ok(admitted),
    })
}

/// A successful sign-in: the account's count for this browser is forgotten, and the attempt
/// leaves the address's count (a success is no guess).
pub async fn succeeded(db: &Db, admitted: &Admitted) -> Result<(), StoreError> {
    sqlx::query("DELETE FROM login_throttle WHERE key = $1").bind(&admitted.account_key).execute(db.pool()).await?;
    sqlx::query("UPDATE login_throttle SET failures = failures - 1 WHERE key = $1 AND failures > 0")
        .bind(&admitted.address_key)
        .execute(db.pool())
        .await?;
    Ok(())
}

/// Makes this browser known to the account after a successful sign-in: keeps (and refreshes) its
/// token when it has one for this account, else makes a new one. Answers the token to store in
/// the browser's cookie.
pub async fn remember_device(db: &Db, username: &str, token: Option<&str>) -> Result<String, StoreError> {
    let username = username.to_lowercase();
    let now = super::now_utc_text();
    if let Some(token) = token {
        let refreshed =
            sqlx::query("UPDATE login_device SET last_used_at = $3 WHERE token_hash = $1 AND username = $2")
                .bind(token_hash(token))
                .bind(&username)
                .bind(&now)
                .execute(db.pool())
                .await?;
        if refreshed.rows_affected() > 0 {
            return Ok(token.to_owned());
        }
    }
    let token = random_secret();
    sqlx::query("INSERT INTO login_device (token_hash, username, created_at, last_used_at) VALUES ($1, $2, $3, $3)")
        .bind(token_hash(&token))
        .bind(&username)
        .bind(&now)
        .execute(db.pool())
        .await?;
    Ok(token)
}

/// Counts one request against `key` in windows of `window_seconds` (a new window starts where
/// the old one ended) and answers whether it is within `limit`; over it, when the key unlocks.
/// For costly routes any account may call (the speed test): the count lives in the database so
/// that every app server sees the same one.
pub async fn count_request(
    db: &Db,
    key: &str,
    limit: i64,
    window_seconds: i64,
) -> Result<Result<(), Locked>, StoreError> {
    let now = now();
    let (requests, started): (i64, i64) = sqlx::query_as(
        "INSERT INTO request_throttle (key, requests, window_started) VALUES ($1, 1, $2)
         ON CONFLICT (key) DO UPDATE SET
             requests = CASE WHEN request_throttle.window_started + $3 <= $2 THEN 1 ELSE request_throttle.requests + 1 END,
             window_started = CASE WHEN request_throttle.window_started + $3 <= $2 THEN $2 ELSE request_throttle.window_started END
         RETURNING requests, window_started",
    )
    .bind(key)
    .bind(now)
    .bind(window_seconds)
    .fetch_one(db.pool())
    .await?;
    Ok(if requests > limit { Err(Locked { seconds: (started + window_seconds - now).max(1) }) } else { Ok(()) })
}
