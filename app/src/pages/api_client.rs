//! The browser's calls to the REST API (`/api/v1/…`) with the session cookie: the field app's
//! sync and lists, and the donations page.

use serde::de::DeserializeOwned;
use serde::Serialize;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{Request, RequestCredentials, RequestInit, Response};

/// Why a call did not give an answer the app can use.
#[derive(Clone, Debug, PartialEq)]
pub enum CallFailure {
    /// No answer at all: no network, the server down, or the connection cut mid-way.
    Unreachable,
    /// The session ended (401): sign in again; nothing on the phone is lost.
    SignedOut,
    /// The account may not do this (403).
    Forbidden,
    /// Any other status, with the server's message.
    Status(u16, String),
    /// A 2xx answer the app could not read.
    Unreadable(String),
}

/// The API's error answer, `{"error": {"message", "message_vi"?, "problems"?}}`, with the
/// problems of a rejected file read as `P` (`serde::de::IgnoredAny` where they do not matter).
#[derive(Debug, serde::Deserialize)]
pub(crate) struct ErrorAnswer<P> {
    pub error: ErrorDetail<P>,
}

#[derive(Debug, serde::Deserialize)]
pub(crate) struct ErrorDetail<P> {
    pub message: String,
    #[serde(default)]
    pub message_vi: Option<String>,
    #[serde(default = "Vec::new")]
    pub problems: Vec<P>,
}

/// A request body and its media type.
type Body<'a> = (&'a wasm_bindgen::JsValue, &'a str);

async fn call(method: &str, url: &str, body: Option<Body<'_>>, extra: &[(&str, &str)]) -> Result<String, CallFailure> {
    let window = web_sys::window().ok_or(CallFailure::Unreachable)?;
    let init = RequestInit::new();
    init.set_method(method);
    init.set_credentials(RequestCredentials::SameOrigin);
    let headers = web_sys::Headers::new().map_err(|_| CallFailure::Unreachable)?;
    headers.set("Accept", "application/json").map_err(|_| CallFailure::Unreachable)?;
    if let Some((body, content_type)) = body {
        headers.set("Content-Type", content_type).map_err(|_| CallFailure::Unreachable)?;
        init.set_body(body);
    }
    for (name, value) in extra {
        headers.set(name, value).map_err(|_| CallFailure::Unreachable)?;
    }
    init.set_headers(&headers);
    let request = Request::new_with_str_and_init(url, &init).map_err(|_| CallFailure::Unreachable)?;
    let response: Response = JsFuture::from(window.fetch_with_request(&request))
        .await
        .map_err(|_| CallFailure::Unreachable)?
        .dyn_into()
        .map_err(|_| CallFailure::Unreachable)?;
    // A body cut off mid-way is as good as no answer: the records stay queued.
    let text = JsFuture::from(response.text().map_err(|_| CallFailure::Unreachable)?)
        .await
        .map_err(|_| CallFailure::Unreachable)?
        .as_string()
        .unwrap_or_default();
    match response.status() {
        200..=299 => Ok(text),
        401 => Err(CallFailure::SignedOut),
        403 => Err(CallFailure::Forbidden),
        status => Err(CallFailure::Status(status, text)),
    }
}

pub async fn get_json<T: DeserializeOwned>(url: &str) -> Result<T, CallFailure> {
    let text = call("GET", url, None, &[]).await?;
    serde_json::from_str(&text).map_err(|error| CallFailure::Unreadable(error.to_string()))
}

fn json_body<B: Serialize>(body: &B) -> Result<wasm_bindgen::JsValue, CallFailure> {
    let json = serde_json::to_string(body).map_err(|error| CallFailure::Unreadable(error.to_string()))?;
    Ok(wasm_bindgen::JsValue::from_str(&json))
}

pub async fn post_json<B: Serialize, T: DeserializeOwned>(url: &str, body: &B) -> Result<T, CallFailure> {
    let text = call("POST", url, Some((&json_body(body)?, "application/json")), &[]).await?;
    serde_json::from_str(&text).map_err(|error| CallFailure::Unreadable(error.to_string()))
}

/// Uploads bytes (a file) with their media type; the answer's body is not read.
pub async fn put_bytes(url: &str, bytes: &js_sys::Uint8Array, content_type: &str) -> Result<(), CallFailure> {
    call("PUT", url, Some((bytes.as_ref(), content_type)), &[]).await.map(|_| ())
}

/// A change: `if_match` is the record's version as last seen (`"3"`) where the route is
/// conditional (a visit's correction), `None` where it is not (an account).
pub async fn patch_json<B: Serialize, T: DeserializeOwned>(
    url: &str,
    body: &B,
    if_match: Option<&str>,
) -> Result<T, CallFailure> {
    let condition: Vec<(&str, &str)> = if_match.map(|version| ("If-Match", version)).into_iter().collect();
    let text = call("PATCH", url, Some((&json_body(body)?, "application/json")), &condition).await?;
    serde_json::from_str(&text).map_err(|error| CallFailure::Unreadable(error.to_string()))
}
