//! The speed test a phone runs against our own server ("Đo sóng tại đây"): a tiny answer for the
//! round trip, incompressible bytes to download, and a sink to upload to. For signed-in accounts
//! only, a limited number of calls per account and window, and bounded in size, so that the
//! routes cannot be used to cost the server (or a phone) much data.

use super::error::{ApiError, ErrorBody};
use super::extract::{Json, Query, Upload};
use crate::auth::SignedIn;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use domain::access::Principal;
use domain::Db;
use rand::RngCore;
use serde::{Deserialize, Serialize};

/// Largest download and upload of one call: at 1.6 Mbit/s, ten seconds' worth.
pub const MAX_TEST_BYTES: usize = 2 * 1024 * 1024;
/// Download size when the client names none.
const DEFAULT_DOWNLOAD_BYTES: usize = 256 * 1024;
/// Calls of the speed-test routes one account may make per window: a measurement takes about
/// seven (five round trips, a download, an upload), so several measurements in a row pass and a
/// runaway loop does not.
pub const CALLS_PER_WINDOW: i64 = 40;
/// The window of [`CALLS_PER_WINDOW`], seconds.
pub const WINDOW_SECONDS: i64 = 10 * 60;
/// The body type of test payloads: random bytes, which the compression layer leaves alone.
pub const TEST_CONTENT_TYPE: &str = "application/octet-stream";

/// Counts a call of the account; refuses it past the limit.
async fn count_call(db: &Db, principal: &Principal) -> Result<(), ApiError> {
    let key = format!("speedtest:{}", principal.user_id);
    domain::throttle::count_request(db, &key, CALLS_PER_WINDOW, WINDOW_SECONDS)
        .await?
        .map_err(|locked| ApiError::TooManyRequests { retry_after: locked.seconds })
}

/// Never kept by a browser, a service worker or a proxy: a cached answer measures nothing.
const NO_STORE: (header::HeaderName, &str) = (header::CACHE_CONTROL, "no-store");

#[utoipa::path(get, path = "/api/v1/speedtest/ping", tag = "speedtest",
    responses((status = 204, description = "Nothing: the round trip is the measurement"),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 429, description = "Too many calls; Retry-After says when to try again", body = ErrorBody)))]
/// `GET /api/v1/speedtest/ping`: answers nothing, as fast as it can; the phone times the round
/// trip (several, and keeps the median).
pub async fn ping(State(db): State<Db>, SignedIn(principal): SignedIn) -> Result<Response, ApiError> {
    count_call(&db, &principal).await?;
    Ok((axum::http::StatusCode::NO_CONTENT, [NO_STORE]).into_response())
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DownloadQuery {
    /// How many bytes to send, 1 to 2 MiB (default 256 KiB).
    bytes: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/speedtest/download", tag = "speedtest",
    params(("bytes" = Option<i64>, Query, description = "Bytes to send, 1 to 2097152 (default 262144)")),
    responses((status = 200, description = "That many random bytes, never compressed or cached", content_type = "application/octet-stream"),
        (status = 400, description = "bytes out of range", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 429, description = "Too many calls; Retry-After says when to try again", body = ErrorBody)))]
/// `GET /api/v1/speedtest/download?bytes=N`: N random bytes. Random so that no compression on
/// the way makes the link look faster than it is; the server's compression layer skips this
/// content type as well.
pub async fn download(
    State(db): State<Db>,
    SignedIn(principal): SignedIn,
    Query(query): Query<DownloadQuery>,
) -> Result<Response, ApiError> {
    let size = match query.bytes.as_deref().map(str::trim) {
        None => DEFAULT_DOWNLOAD_BYTES,
        Some(text) => {
            text.parse::<usize>().ok().filter(|size| (1..=MAX_TEST_BYTES).contains(size)).ok_or_else(|| {
                ApiError::invalid("bytes", format!("expected a whole number from 1 to {MAX_TEST_BYTES}"))
            })?
        }
    };
    count_call(&db, &principal).await?;
    let mut payload = vec![0_u8; size];
    rand::rng().fill_bytes(&mut payload);
    Ok(([(header::CONTENT_TYPE, TEST_CONTENT_TYPE), NO_STORE], payload).into_response())
}

/// What the server received.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Received {
    pub bytes: usize,
}

#[utoipa::path(post, path = "/api/v1/speedtest/upload", tag = "speedtest",
    request_body(content = String, content_type = "application/octet-stream", description = "Up to 2 MiB of any bytes"),
    responses((status = 200, description = "How many bytes arrived", body = Received),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 413, description = "Larger than 2 MiB", body = ErrorBody),
        (status = 429, description = "Too many calls; Retry-After says when to try again", body = ErrorBody)))]
/// `POST /api/v1/speedtest/upload`: takes up to 2 MiB, keeps nothing, and says how much arrived;
/// the phone times the request.
pub async fn upload(
    State(db): State<Db>,
    SignedIn(principal): SignedIn,
    Upload(body): Upload,
) -> Result<Json<Received>, ApiError> {
    count_call(&db, &principal).await?;
    Ok(Json(Received { bytes: body.len() }))
}
