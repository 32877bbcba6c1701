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
    /// Wrong username or password; deliberately does not say which.
    #[error("wrong username or password")]
    InvalidCredentials,
    /// Too many failed logins; try again after this many minutes.
    #[error("too many failed attempts; try again in {minutes} minutes")]
    Throttled { minutes: i64 },
    #[error("sign in first")]
    SignInRequired,
    #[error("not allowed")]
    Forbidden,
    /// Input that breaks a rule, or a state that forbids it; the message, in both languages,
    /// names the field.
    #[error("{0}")]
    Invalid(crate::model::Said),
    /// Someone else changed the record since it was read.
    #[error("changed meanwhile (now version {current_version})")]
    Conflict { current_version: i64 },
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(error: ServerFnErrorErr) -> Self {
        AppError::Transport(error.to_string())
    }
}

#[cfg(feature = "ssr")]
impl AppError {
    /// The HTTP status that says the same as this error.
    pub fn status(&self) -> http::StatusCode {
        use http::StatusCode;
        match self {
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::Unavailable | AppError::Transport(_) => StatusCode::SERVICE_UNAVAILABLE,
            AppError::InvalidCredentials | AppError::SignInRequired => StatusCode::UNAUTHORIZED,
            AppError::Throttled { .. } => StatusCode::TOO_MANY_REQUESTS,
            AppError::Forbidden => StatusCode::FORBIDDEN,
            AppError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::Conflict { .. } => StatusCode::CONFLICT,
        }
    }

    /// Sets the response status of the current server-function call to match this error (a wrong
    /// password is a 401, not a server failure), and returns the error.
    fn with_status(self) -> AppError {
        if let Some(response) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
            response.set_status(self.status());
        }
        self
    }
}

/// Runs a server function's work and, when it fails, sets the HTTP status its error calls for
/// (the body is the serialised error either way). Every server function wraps its body in this.
#[cfg(feature = "ssr")]
pub async fn responding<T>(work: impl std::future::Future<Output = Result<T, AppError>>) -> Result<T, AppError> {
    work.await.map_err(AppError::with_status)
}

#[cfg(feature = "ssr")]
impl From<domain::StoreError> for AppError {
    fn from(error: domain::StoreError) -> Self {
        use domain::access::Denied;
        match error {
            domain::StoreError::NotFound => AppError::NotFound,
            domain::StoreError::Denied(Denied::NotSignedIn) => AppError::SignInRequired,
            domain::StoreError::Denied(_) => AppError::Forbidden,
            domain::StoreError::Invalid(said) | domain::StoreError::StateConflict(said) => AppError::Invalid(said),
            domain::StoreError::Conflict { current_version } => AppError::Conflict { current_version },
            other => {
                tracing::error!(error = %other, "server function failed");
                AppError::Unavailable
            }
        }
    }
}
