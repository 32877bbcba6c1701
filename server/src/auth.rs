//! Access control for the REST API: every route declares an [`Access`], and one middleware
//! resolves the caller and enforces it before the handler runs. Handlers then apply the finer
//! rules (scope, operator) through the domain layer.

use crate::api::ApiError;
use app::domain::access::{resolve_viewer, CredentialError, Viewer};
use app::domain::Db;
use app::model::Role;
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;

/// Who may call a route.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    /// Anyone; what they see still depends on who they are.
    Public,
    /// A signed-in account (session or token) with one of these roles.
    Roles(&'static [Role]),
}

/// Every role: any signed-in account.
pub const SIGNED_IN: &[Role] = &Role::ALL;
pub const ADMIN: &[Role] = &[Role::Admin];
/// Who may change a cultural house's Wi-Fi (scope and operator are checked by the domain).
pub const WIFI_EDITORS: &[Role] = &[Role::Admin, Role::CommuneOfficer, Role::Telecom];
/// Who may report coverage (telecom for its own operator; admins for any).
pub const REPORTERS: &[Role] = &[Role::Admin, Role::Telecom];
/// Who records households and visits (the field app's sync).
pub const RECORDERS: &[Role] = &app::domain::field::RECORDERS;
/// Register donors and pledges, allocate donated devices: commune officers and admins.
pub const DONATION_MANAGERS: &[Role] = &app::domain::donations::MANAGERS;
/// Who reads door-to-door progress: everyone but telecom accounts, which see no household data.
pub const FIELD_READERS: &[Role] = &Role::FIELD_READERS;
/// Roles that read the leaders' dashboard (aggregates only).
pub const DASHBOARD_READERS: &[Role] = &app::domain::indicators::DASHBOARD_READERS;
/// Roles that enter the figures the app does not record.
pub const FIGURE_REPORTERS: &[Role] = &app::domain::indicators::REPORTERS;

/// The caller of this request, put in the request extensions by [`enforce`].
#[derive(Clone, Debug)]
pub struct Caller(pub Viewer);

/// The signed-in principal, for handlers of routes that need one (their [`Access`] already
/// refused the public, so this only fails if a route's access rule and handler disagree).
pub fn signed_in(viewer: Viewer) -> Result<app::domain::access::Principal, ApiError> {
    viewer.ok_or(ApiError::Unauthenticated("sign in or send an API token"))
}

/// Resolves the caller and applies the route's [`Access`]: 401 without a valid identity where one
/// is needed, 403 for a role the route does not admit.
pub async fn enforce(
    State((db, access)): State<(Db, Access)>,
    mut request: Request,
    next: Next,
) -> Result<Response, ApiError> {
    let (mut parts, body) = request.into_parts();
    let viewer = resolve_viewer(&parts, &db).await.map_err(|error| match error {
        CredentialError::Malformed => ApiError::Unauthenticated("the Authorization header must be 'Bearer <token>'"),
        CredentialError::InvalidToken => ApiError::Unauthenticated("the API token is invalid or revoked"),
        CredentialError::Store(error) => error.into(),
    })?;
    if let Access::Roles(roles) = access {
        match &viewer {
            None => return Err(ApiError::Unauthenticated("sign in or send an API token")),
            Some(principal) if !roles.contains(&principal.role) => {
                return Err(ApiError::Forbidden("your role may not use this route"))
            }
            Some(_) => {}
        }
    }
    parts.extensions.insert(Caller(viewer));
    request = Request::from_parts(parts, body);
    Ok(next.run(request).await)
}
