//! The field app's calls to the REST API (`/api/v1/…`) with the browser's session cookie.

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

async fn call(method: &str, url: &str, body: Option<String>, extra: &[(&str, &str)]) -> Result<String, CallFailure> {
    let window = web_sys::window().ok_or(CallFailure::Unreachable)?;
    let init = RequestInit::new();
    init.set_method(method);
    init.set_credentials(RequestCredentials::SameOrigin);
    let headers = web_sys::Headers::new().map_err(|_| CallFailure::Unreachable)?;
    headers.set("Accept", "application/json").map_err(|_| CallFailure::Unreachable)?;
    if let Some(body) = body.as_deref() {
        headers.set("Content-Type", "application/json").map_err(|_| CallFailure::Unreachable)?;
        init.set_body(&wasm_bindgen::JsValue::from_str(body));
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

pub async fn post_json<B: Serialize, T: DeserializeOwned>(url: &str, body: &B) -> Result<T, CallFailure> {
    let body = serde_json::to_string(body).map_err(|error| CallFailure::Unreadable(error.to_string()))?;
    let text = call("POST", url, Some(body), &[]).await?;
    serde_json::from_str(&text).map_err(|error| CallFailure::Unreadable(error.to_string()))
}

/// A conditional correction: `if_match` is the record's version as last seen (`"3"`).
pub async fn patch_json<B: Serialize, T: DeserializeOwned>(
    url: &str,
    body: &B,
    if_match: &str,
) -> Result<T, CallFailure> {
    let body = serde_json::to_string(body).map_err(|error| CallFailure::Unreadable(error.to_string()))?;
    let text = call("PATCH", url, Some(body), &[("If-Match", if_match)]).await?;
    serde_json::from_str(&text).map_err(|error| CallFailure::Unreadable(error.to_string()))
}
