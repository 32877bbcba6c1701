//! Optimistic concurrency for the records edited through the API: the `ETag` names a record's
//! version and a write must send it back in `If-Match`.

use super::error::ApiError;
use axum::http::{header, HeaderMap, HeaderValue};

/// An `ETag` header naming a version.
pub fn version_tag(version: i64) -> HeaderMap {
    let mut headers = HeaderMap::new();
    if let Ok(value) = HeaderValue::from_str(&format!("\"{version}\"")) {
        headers.insert(header::ETAG, value);
    }
    headers
}

/// The version named by `If-Match: "N"`.
pub fn if_match_version(headers: &HeaderMap) -> Result<i64, ApiError> {
    let value = headers.get(header::IF_MATCH).ok_or(ApiError::PreconditionRequired)?;
    value
        .to_str()
        .ok()
        .map(|text| text.trim().trim_start_matches("W/").trim_matches('"'))
        .and_then(|version| version.parse::<i64>().ok())
        .ok_or_else(|| ApiError::invalid("If-Match", "expected the ETag of the record as read, e.g. \"3\""))
}
