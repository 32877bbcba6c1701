//! `limit`/`offset` paging shared by every list route, with an RFC 8288 `Link: <…>; rel="next"`
//! header on a full page so that clients follow links instead of computing offsets.

use super::error::ApiError;
use axum::http::{header, HeaderMap, HeaderValue, Uri};
use domain::db::Page;
use serde::Deserialize;

/// Largest page a client may ask for.
pub const MAX_PAGE: i64 = 5000;

/// The page size of histories and the audit log when the client names none: they grow without
/// bound, so they are never sent whole.
pub const HISTORY_PAGE: i64 = 1000;

/// The paging parameters of a list route's query string (flattened into its own query type).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PageQuery {
    /// Page size, 1 to [`MAX_PAGE`].
    pub limit: Option<String>,
    /// Rows to skip before the page (with `limit`).
    pub offset: Option<String>,
}

impl PageQuery {
    /// The page asked for; `default_limit` applies when `limit` is absent (`None`: everything).
    pub fn page(&self, default_limit: Option<i64>) -> Result<Option<Page>, ApiError> {
        let limit = self.limit.as_deref().map(|text| parse_count("limit", text, 1, MAX_PAGE)).transpose()?;
        let offset =
            self.offset.as_deref().map(|text| parse_count("offset", text, 0, i64::from(i32::MAX))).transpose()?;
        match (limit.or(default_limit), offset) {
            (None, Some(_)) => Err(ApiError::invalid("offset", "only with limit")),
            (None, None) => Ok(None),
            (Some(limit), offset) => Ok(Some(Page { limit, offset: offset.unwrap_or(0) })),
        }
    }
}

/// A whole number within `min..=max`.
fn parse_count(parameter: &'static str, text: &str, min: i64, max: i64) -> Result<i64, ApiError> {
    text.trim()
        .parse::<i64>()
        .ok()
        .filter(|count| (min..=max).contains(count))
        .ok_or_else(|| ApiError::invalid(parameter, format!("expected a whole number from {min} to {max}")))
}

/// Headers for a page of `returned` rows: a full page may have a next one, so it links to it,
/// keeping the request's other parameters.
pub fn next_link(uri: &Uri, page: Option<Page>, returned: usize) -> HeaderMap {
    let mut headers = HeaderMap::new();
    let Some(page) = page.filter(|page| returned as i64 == page.limit) else {
        return headers;
    };
    let kept: Vec<&str> = uri
        .query()
        .unwrap_or_default()
        .split('&')
        .filter(|pair| !pair.is_empty() && !pair.starts_with("offset=") && !pair.starts_with("limit="))
        .collect();
    let mut next = kept.join("&");
    if !next.is_empty() {
        next.push('&');
    }
    let link = format!("<{}?{next}limit={}&offset={}>; rel=\"next\"", uri.path(), page.limit, page.offset + page.limit);
    if let Ok(value) = HeaderValue::from_str(&link) {
        headers.insert(header::LINK, value);
    }
    headers
}

#[cfg(test)]
mod tests {
    use super::*;

    fn query(limit: Option<&str>, offset: Option<&str>) -> PageQuery {
        PageQuery { limit: limit.map(str::to_owned), offset: offset.map(str::to_owned) }
    }

    #[test]
    fn pages_are_bounded_and_offset_needs_a_limit() {
        assert_eq!(query(None, None).page(None).ok(), Some(None));
        assert_eq!(query(None, None).page(Some(100)).ok(), Some(Some(Page { limit: 100, offset: 0 })));
        assert_eq!(query(Some("5"), Some("10")).page(None).ok(), Some(Some(Page { limit: 5, offset: 10 })));
        for (limit, offset) in
            [(Some("0"), None), (Some("5001"), None), (Some("x"), None), (None, Some("3")), (Some("5"), Some("-1"))]
        {
            assert!(query(limit, offset).page(None).is_err(), "{limit:?} {offset:?}");
        }
    }

    #[test]
    fn a_full_page_links_to_the_next_keeping_other_parameters() {
        let uri: Uri = "/api/v1/audit?entity_type=user&limit=2&offset=4".parse().expect("uri");
        let page = Some(Page { limit: 2, offset: 4 });
        let link = next_link(&uri, page, 2);
        assert_eq!(link[header::LINK], "</api/v1/audit?entity_type=user&limit=2&offset=6>; rel=\"next\"");
        assert!(next_link(&uri, page, 1).is_empty(), "a short page is the last");
        assert!(next_link(&uri, None, 10).is_empty(), "no paging, no link");
    }
}
