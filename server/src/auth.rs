//! Access control for the REST API: every route declares an [`Access`], and one middleware
//! resolves the caller and enforces it before the handler runs. Handlers take the caller as an
//! argument ([`Caller`] for anyone, [`SignedIn`] for accounts) and the domain applies the finer
//! rules (scope, operator).

use crate::api::error::ApiError;
use app::web::caller::{resolve_viewer, CredentialError};
use axum::extract::{FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::middleware::Next;
use axum::response::Response;
use domain::access::{Principal, Viewer};
use domain::Db;
use model::Capability;

/// Who may call a route.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    /// Anyone; what they see still depends on who they are.
    Public,
    /// A signed-in account (session or token) whose role has this capability.
    Needs(Capability),
}

/// The caller of a request: the public or an account. Resolved once per request by [`enforce`].
#[derive(Clone, Debug)]
pub struct Caller(pub Viewer);

/// The signed-in caller of a route that needs an account: the public is answered 401.
#[derive(Clone, Debug)]
pub struct SignedIn(pub Principal);

const SIGN_IN: &str = "sign in or send an API token";

impl<S: Send + Sync> FromRequestParts<S> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, ApiError> {
        parts
            .extensions
            .get::<Caller>()
            .cloned()
            .ok_or_else(|| ApiError::Internal("a route's handler ran without its access check".to_owned()))
    }
}

impl<S: Send + Sync> FromRequestParts<S> for SignedIn {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        let Caller(viewer) = Caller::from_request_parts(parts, state).await?;
        viewer.map(SignedIn).ok_or(ApiError::Unauthenticated(SIGN_IN))
    }
}

/// Resolves the caller and applies the route's [`Access`]: 401 without a valid identity where one
/// is needed, 403 for a role the route does not admit.
pub async fn enforce(
    State((db, access)): State<(Db, Access)>,
    request: Request,
    next: Next,
) -> Result<Response, ApiError> {
    let (mut parts, body) = request.into_parts();
    let viewer = resolve_viewer(&parts, &db).await.map_err(|error| match error {
        CredentialError::Malformed => ApiError::Unauthenticated("the Authorization header must be 'Bearer <token>'"),
        CredentialError::InvalidToken => ApiError::Unauthenticated("the API token is invalid or revoked"),
        CredentialError::Store(error) => error.into(),
    })?;
    if let Access::Needs(capability) = access {
        match &viewer {
            None => return Err(ApiError::Unauthenticated(SIGN_IN)),
            Some(principal) if !principal.role.can(capability) => {
                return Err(ApiError::Forbidden("your role may not use this route"))
            }
            Some(_) => {}
        }
    }
    parts.extensions.insert(Caller(viewer));
    Ok(next.run(Request::from_parts(parts, body)).await)
}
