//! The API's error type and its JSON rendering: `{"error": {"code": "...", "message": "..."}}`.

use axum::extract::rejection::{BytesRejection, JsonRejection, PathRejection, QueryRejection};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use domain::access::Denied;
use domain::imports::RowProblem;
use domain::StoreError;
use serde::Serialize;
use utoipa::ToSchema;

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// A query parameter or path segment is malformed; `parameter` names it.
    #[error("{parameter}: {message}")]
    InvalidParameter { parameter: &'static str, message: String },
    #[error("{0}")]
    BadQuery(String),
    #[error("send If-Match with the ETag of the version you edited")]
    PreconditionRequired,
    #[error("the request body is larger than {} bytes", crate::MAX_BODY_BYTES)]
    BodyTooLarge,
    /// The request body is not the JSON the route expects.
    #[error("{0}")]
    BadBody(String),
    /// A body of a media type the route does not take.
    #[error("{0}")]
    UnsupportedMediaType(String),
    #[error("no such {0}")]
    NotFound(&'static str),
    #[error("no such API route")]
    RouteNotFound,
    #[error("the database does not answer")]
    Unavailable,
    #[error("{0}")]
    Unauthenticated(&'static str),
    #[error("{0}")]
    Forbidden(&'static str),
    /// Too many calls of a rate-limited route; the limit lifts after this many seconds.
    #[error("too many requests; try again in {retry_after} seconds")]
    TooManyRequests { retry_after: i64 },
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A failure of the server itself (not of the database or the request); logged, never shown.
    #[error("{0}")]
    Internal(String),
}

impl ApiError {
    pub fn invalid(parameter: &'static str, message: impl Into<String>) -> ApiError {
        ApiError::InvalidParameter { parameter, message: message.into() }
    }

    /// Maps a domain error to the API's, naming what was not found:
    /// `.map_err(ApiError::not_found("pledge"))`.
    pub fn not_found(what: &'static str) -> impl Fn(StoreError) -> ApiError {
        move |error| match error {
            StoreError::NotFound => ApiError::NotFound(what),
            other => other.into(),
        }
    }

    pub fn status_code(&self) -> StatusCode {
        match self {
            ApiError::InvalidParameter { .. } | ApiError::BadQuery(_) | ApiError::BadBody(_) => StatusCode::BAD_REQUEST,
            ApiError::NotFound(_) | ApiError::RouteNotFound | ApiError::Store(StoreError::NotFound) => {
                StatusCode::NOT_FOUND
            }
            ApiError::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            ApiError::BodyTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ApiError::PreconditionRequired => StatusCode::PRECONDITION_REQUIRED,
            ApiError::Store(StoreError::Conflict { .. } | StoreError::StateConflict(_)) => StatusCode::CONFLICT,
            ApiError::Unauthenticated(_) | ApiError::Store(StoreError::Denied(Denied::NotSignedIn)) => {
                StatusCode::UNAUTHORIZED
            }
            ApiError::Forbidden(_) | ApiError::Store(StoreError::Denied(_)) => StatusCode::FORBIDDEN,
            ApiError::Store(StoreError::Invalid(_) | StoreError::RejectedFile(_)) => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::Store(_) | ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn code(&self) -> &'static str {
        match self {
            ApiError::InvalidParameter { .. } | ApiError::BadQuery(_) => "invalid_parameter",
            ApiError::BadBody(_) => "invalid_body",
            ApiError::NotFound(_) | ApiError::RouteNotFound | ApiError::Store(StoreError::NotFound) => "not_found",
            ApiError::Unavailable => "unavailable",
            ApiError::TooManyRequests { .. } => "too_many_requests",
            ApiError::BodyTooLarge => "body_too_large",
            ApiError::UnsupportedMediaType(_) => "unsupported_media_type",
            ApiError::PreconditionRequired => "precondition_required",
            ApiError::Store(StoreError::RejectedFile(_)) => "invalid_file",
            ApiError::Store(StoreError::Conflict { .. } | StoreError::StateConflict(_)) => "conflict",
            ApiError::Unauthenticated(_) | ApiError::Store(StoreError::Denied(Denied::NotSignedIn)) => {
                "unauthenticated"
            }
            ApiError::Forbidden(_) | ApiError::Store(StoreError::Denied(_)) => "forbidden",
            ApiError::Store(StoreError::Invalid(_)) => "invalid_input",
            ApiError::Store(_) | ApiError::Internal(_) => "internal_error",
        }
    }
}

impl From<QueryRejection> for ApiError {
    fn from(rejection: QueryRejection) -> Self {
        ApiError::BadQuery(rejection.body_text())
    }
}

impl From<JsonRejection> for ApiError {
    fn from(rejection: JsonRejection) -> Self {
        if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::BodyTooLarge
        } else {
            ApiError::BadBody(rejection.body_text())
        }
    }
}

impl From<BytesRejection> for ApiError {
    fn from(rejection: BytesRejection) -> Self {
        if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::BodyTooLarge
        } else {
            ApiError::BadBody(rejection.body_text())
        }
    }
}

impl From<PathRejection> for ApiError {
    fn from(rejection: PathRejection) -> Self {
        ApiError::BadQuery(rejection.body_text())
    }
}

/// The body of every error answer of the API.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorDetail {
    /// Stable machine-readable code, e.g. `invalid_parameter`, `forbidden`, `conflict`.
    pub code: String,
    /// What went wrong, for a person.
    pub message: String,
    /// The same in Vietnamese, where the rule that refused the request says it in both languages.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message_vi: Option<String>,
    /// The query parameter or header at fault, for `invalid_parameter`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parameter: Option<String>,
    /// Every problem of a rejected file, by line, for `invalid_file`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub problems: Option<Vec<RowProblem>>,
    /// The version the record is at now, for `conflict`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub current_version: Option<i64>,
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.status_code();
        let retry_after = match &self {
            ApiError::TooManyRequests { retry_after } => Some(*retry_after),
            _ => None,
        };
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
        let detail = ErrorDetail {
            code: self.code().to_owned(),
            message,
            message_vi: match &self {
                ApiError::Store(StoreError::Invalid(said) | StoreError::StateConflict(said)) => Some(said.vi.clone()),
                _ => None,
            },
            parameter: match &self {
                ApiError::InvalidParameter { parameter, .. } => Some((*parameter).to_owned()),
                _ => None,
            },
            current_version: match &self {
                ApiError::Store(StoreError::Conflict { current_version }) => Some(*current_version),
                _ => None,
            },
            problems: match self {
                ApiError::Store(StoreError::RejectedFile(problems)) => Some(problems),
                _ => None,
            },
        };
        let mut response = (status, Json(ErrorBody { error: detail })).into_response();
        if let Some(seconds) = retry_after {
            response.headers_mut().insert(axum::http::header::RETRY_AFTER, seconds.into());
        }
        response
    }
}

/// A file that could not be written is the server's failure.
impl From<crate::files::FileError> for ApiError {
    fn from(error: crate::files::FileError) -> Self {
        ApiError::Internal(error.to_string())
    }
}
