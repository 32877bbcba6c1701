//! Who sent a request: resolving the caller from an API token or the browser session.

use domain::access::Viewer;
use domain::StoreError;

/// Why the credentials presented with a request were refused.
#[derive(Debug, thiserror::Error)]
pub enum CredentialError {
    #[error("the Authorization header must be 'Bearer <token>'")]
    Malformed,
    #[error("the API token is invalid or revoked")]
    InvalidToken,
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Who sent a request: an API token (`Authorization: Bearer …`) if one is presented, otherwise
/// the browser session's account, otherwise the public. A presented but bad token is an error,
/// never a silent fall-back to the public.
pub async fn resolve_viewer(parts: &http::request::Parts, db: &domain::Db) -> Result<Viewer, CredentialError> {
    if let Some(value) = parts.headers.get(http::header::AUTHORIZATION) {
        let token =
            value.to_str().ok().and_then(|value| value.strip_prefix("Bearer ")).ok_or(CredentialError::Malformed)?;
        return match domain::tokens::authenticate(db.pool(), token.trim()).await? {
            Some((user, token_id)) => Ok(Some(user.principal(Some(token_id)))),
            None => Err(CredentialError::InvalidToken),
        };
    }
    Ok(parts
        .extensions
        .get::<super::auth_backend::AuthSession>()
        .and_then(|session| session.user.as_ref())
        .map(|user| user.principal(None)))
}
