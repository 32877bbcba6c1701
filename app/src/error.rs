//! The error type of server functions: what the browser may learn about a failure.

use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

/// Errors a server function returns to the UI. Internal detail never crosses the wire: the
/// server logs it and sends `Unavailable`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    #[error("not found")]
    NotFound,
    #[error("the service is temporarily unavailable")]
    Unavailable,
    /// The call itself failed: network down, bad arguments, an unreadable answer.
    #[error("request failed: {0}")]
    Transport(String),
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(error: ServerFnErrorErr) -> Self {
        AppError::Transport(error.to_string())
    }
}

#[cfg(feature = "ssr")]
impl From<crate::domain::StoreError> for AppError {
    fn from(error: crate::domain::StoreError) -> Self {
        match error {
            crate::domain::StoreError::NotFound => AppError::NotFound,
            other => {
                tracing::error!(error = %other, "server function failed");
                AppError::Unavailable
            }
        }
    }
}
