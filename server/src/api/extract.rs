//! What handlers take and give besides the caller: JSON, path and query extractors whose
//! rejections are the API's own errors, a page of a listing, the version a write was read at, and
//! the answers that carry headers (a created record, a version, a page with its next link). With
//! them a handler is the domain call and its answer.

use super::error::ApiError;
use super::paging::{next_link, PageQuery};
use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, OriginalUri, Request};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use domain::db::Page;
use serde::de::DeserializeOwned;
use serde::Serialize;

/// A JSON body (or answer); a malformed body is a 400 naming what is wrong, a large one a 413.
#[derive(Debug, FromRequest)]
#[from_request(via(axum::Json), rejection(ApiError))]
pub struct Json<T>(pub T);

impl<T: Serialize> IntoResponse for Json<T> {
    fn into_response(self) -> Response {
        axum::Json(self.0).into_response()
    }
}

/// Path segments; a malformed one is a 400.
#[derive(Debug, FromRequestParts)]
#[from_request(via(axum::extract::Path), rejection(ApiError))]
pub struct Path<T>(pub T);

/// Query parameters; an unknown or malformed one is a 400.
#[derive(Debug, FromRequestParts)]
#[from_request(via(axum::extract::Query), rejection(ApiError))]
pub struct Query<T>(pub T);

/// The raw body of a file upload or a picture.
#[derive(Debug)]
pub struct Upload(pub Bytes);

impl<S: Send + Sync> FromRequest<S> for Upload {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, ApiError> {
        Ok(Upload(Bytes::from_request(request, state).await?))
    }
}

/// The `Content-Type` a request declares (empty when absent or unreadable).
#[derive(Debug)]
pub struct ContentType(pub String);

impl<S: Send + Sync> FromRequestParts<S> for ContentType {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let declared = parts.headers.get(header::CONTENT_TYPE).and_then(|value| value.to_str().ok());
        Ok(ContentType(declared.unwrap_or_default().to_owned()))
    }
}

/// The filter of a listing that takes only `limit` and `offset`.
#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NoFilter {}

/// A listing's filter (the query's other parameters, into `T`) and its page (`limit`, `offset`).
/// `DEFAULT_LIMIT` applies when the client names no `limit` (0: the whole listing).
#[derive(Debug)]
pub struct Listing<T, const DEFAULT_LIMIT: i64 = 0> {
    pub filter: T,
    pub page: Option<Page>,
    uri: Uri,
}

impl<T, const DEFAULT_LIMIT: i64> Listing<T, DEFAULT_LIMIT> {
    /// The page, or the whole listing when none was asked for.
    pub fn page_or_all(&self) -> Page {
        self.page.unwrap_or(Page::ALL)
    }

    /// `Link: <…>; rel="next"` when `returned` items fill the page.
    pub fn link(&self, returned: usize) -> HeaderMap {
        next_link(&self.uri, self.page, returned)
    }

    /// The answer: these items, linking to the next page when this one is full.
    pub fn answer<U: Serialize>(&self, items: Vec<U>) -> Paged<U> {
        Paged { link: self.link(items.len()), items }
    }
}

impl<T: DeserializeOwned, S: Send + Sync, const DEFAULT_LIMIT: i64> FromRequestParts<S> for Listing<T, DEFAULT_LIMIT> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, ApiError> {
        let uri =
            parts.extensions.get::<OriginalUri>().map_or_else(|| parts.uri.clone(), |original| original.0.clone());
        let pairs: Vec<(String, String)> = serde_urlencoded::from_str(parts.uri.query().unwrap_or_default())
            .map_err(|error| ApiError::BadQuery(format!("Failed to deserialize query string: {error}")))?;
        let (paging, others): (Vec<_>, Vec<_>) =
            pairs.into_iter().partition(|(key, _)| key == "limit" || key == "offset");
        let find = |name: &str| paging.iter().find(|(key, _)| key == name).map(|(_, value)| value.clone());
        let paging = PageQuery { limit: find("limit"), offset: find("offset") };
        let page = paging.page((DEFAULT_LIMIT > 0).then_some(DEFAULT_LIMIT))?;
        let others = serde_urlencoded::to_string(&others).map_err(|error| ApiError::BadQuery(error.to_string()))?;
        let filter = serde_urlencoded::from_str(&others)
            .map_err(|error| ApiError::BadQuery(format!("Failed to deserialize query string: {error}")))?;
        Ok(Listing { filter, page, uri })
    }
}

/// A page of a listing: the items as JSON, and `Link: <…>; rel="next"` when the page is full.
#[derive(Debug)]
pub struct Paged<U> {
    link: HeaderMap,
    items: Vec<U>,
}

impl<U: Serialize> IntoResponse for Paged<U> {
    fn into_response(self) -> Response {
        (self.link, axum::Json(self.items)).into_response()
    }
}

/// The version a write was read at: `If-Match: "N"` (428 without it, 400 when unreadable), so two
/// edits of one version never silently overwrite each other.
#[derive(Clone, Copy, Debug)]
pub struct IfMatch(pub i64);

impl<S: Send + Sync> FromRequestParts<S> for IfMatch {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, ApiError> {
        let value = parts.headers.get(header::IF_MATCH).ok_or(ApiError::PreconditionRequired)?;
        value
            .to_str()
            .ok()
            .map(|text| text.trim().trim_start_matches("W/").trim_matches('"'))
            .and_then(|version| version.parse::<i64>().ok())
            .map(IfMatch)
            .ok_or_else(|| ApiError::invalid("If-Match", "expected the ETag of the record as read, e.g. \"3\""))
    }
}

/// A record at a version: JSON with the version as its `ETag`, to send back as `If-Match`.
#[derive(Debug)]
pub struct Versioned<T>(pub i64, pub T);

impl<T: Serialize> IntoResponse for Versioned<T> {
    fn into_response(self) -> Response {
        let mut response = axum::Json(self.1).into_response();
        if let Ok(value) = HeaderValue::from_str(&format!("\"{}\"", self.0)) {
            response.headers_mut().insert(header::ETAG, value);
        }
        response
    }
}

/// A record just created: 201 with the record as JSON.
#[derive(Debug)]
pub struct Created<T>(pub T);

impl<T: Serialize> IntoResponse for Created<T> {
    fn into_response(self) -> Response {
        (StatusCode::CREATED, axum::Json(self.0)).into_response()
    }
}
