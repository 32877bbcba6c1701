//! The API's error type and its JSON rendering: `{"error": {"code": "...", "message": "..."}}`.

use app::domain::StoreError;
use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// A query parameter or path segment is malformed; `parameter` names it.
    #[error("{parameter}: {message}")]
    InvalidParameter {
        parameter: &'static str,
        message: String,
    },
    #[error("{0}")]
    BadQuery(String),
    #[error("no such {0}")]
    NotFound(&'static str),
    #[error("no such API route")]
    RouteNotFound,
    #[error("the database does not answer")]
    Unavailable,
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl ApiError {
    pub fn invalid(parameter: &'static str, message: impl Into<String>) -> ApiError {
        ApiError::InvalidParameter {
            parameter,
            message: message.into(),
        }
    }

    pub fn status_code(&self) -> StatusCode {
        match self {
            ApiError::InvalidParameter { .. } | ApiError::BadQuery(_) => StatusCode::BAD_REQUEST,
            ApiError::NotFound(_)
            | ApiError::RouteNotFound
            | ApiError::Store(StoreError::NotFound) => StatusCode::NOT_FOUND,
            ApiError::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::Store(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn code(&self) -> &'static str {
        match self {
            ApiError::InvalidParameter { .. } | ApiError::BadQuery(_) => "invalid_parameter",
            ApiError::NotFound(_)
            | ApiError::RouteNotFound
            | ApiError::Store(StoreError::NotFound) => "not_found",
            ApiError::Unavailable => "unavailable",
            ApiError::Store(_) => "internal_error",
        }
    }
}

impl From<QueryRejection> for ApiError {
    fn from(rejection: QueryRejection) -> Self {
        ApiError::BadQuery(rejection.body_text())
    }
}

impl From<PathRejection> for ApiError {
    fn from(rejection: PathRejection) -> Self {
        ApiError::BadQuery(rejection.body_text())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.status_code();
        let message = if status.is_server_error() {
            // The detail goes to the log, never to the client.
            tracing::error!(error = %self, "request failed");
            match self {
                ApiError::Unavailable => self.to_string(),
                _ => "internal error; it has been logged".to_owned(),
            }
        } else {
            self.to_string()
        };
        let mut body = json!({ "error": { "code": self.code(), "message": message } });
        if let ApiError::InvalidParameter { parameter, .. } = &self {
            body["error"]["parameter"] = json!(parameter);
        }
        (status, Json(body)).into_response()
    }
}
