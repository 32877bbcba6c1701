//! Who is acting, and what they may see and change.
//!
//! Every request resolves to a [`Viewer`]: the public, or a [`Principal`] (an account, acting
//! through a session or an API token). Scope checks walk the unit tree in SQL (a recursive query
//! over `admin_unit.parent_id`), so a scope on a commune covers its villages on both databases.

use super::accounts::User;
use super::StoreError;
use crate::model::Role;
use sqlx::{Any, Executor};

/// An authenticated actor.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Principal {
    pub user_id: i64,
    pub username: String,
    pub role: Role,
    /// The operator a telecom account acts for.
    pub operator: Option<String>,
    /// Set when acting through an API token rather than a browser session.
    pub token_id: Option<i64>,
}

impl Principal {
    pub fn from_user(user: &User, token_id: Option<i64>) -> Principal {
        Principal {
            user_id: user.id,
            username: user.username.clone(),
            role: user.role,
            operator: user.operator.clone(),
            token_id,
        }
    }

    /// How the audit log names this actor.
    pub fn audit_name(&self) -> String {
        match self.token_id {
            Some(token) => format!("{} (token {token})", self.username),
            None => self.username.clone(),
        }
    }
}

/// Whoever is asking: nobody in particular, or a principal.
pub type Viewer = Option<Principal>;

/// Why an action is refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Denied {
    #[error("sign in first")]
    NotSignedIn,
    #[error("your role may not do this")]
    Role,
    #[error("this is outside your scope")]
    Scope,
    #[error("this belongs to another operator")]
    Operator,
}

/// Requires a signed-in principal with one of `roles`.
pub fn require_role<'a>(viewer: &'a Viewer, roles: &[Role]) -> Result<&'a Principal, Denied> {
    let principal = viewer.as_ref().ok_or(Denied::NotSignedIn)?;
    if roles.contains(&principal.role) {
        Ok(principal)
    } else {
        Err(Denied::Role)
    }
}

/// What part of the data a listing may show a viewer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Visibility {
    /// The public sees only cultural houses with working Wi-Fi (where free Wi-Fi is).
    pub only_active_wifi: bool,
    /// Limit to the scope of this account; `None` means everywhere.
    pub scope_of_user: Option<i64>,
}

impl Visibility {
    pub fn of(viewer: &Viewer) -> Visibility {
        match viewer {
            None => Visibility { only_active_wifi: true, scope_of_user: None },
            Some(principal) if principal.role == Role::Admin => {
                Visibility { only_active_wifi: false, scope_of_user: None }
            }
            Some(principal) => Visibility { only_active_wifi: false, scope_of_user: Some(principal.user_id) },
        }
    }
}

/// SQL of the ids of every unit in the scope of user `$N` (the units named and all below them).
/// Callers splice it into a `WITH RECURSIVE` clause.
pub fn scope_units_cte(user_param: usize) -> String {
    format!(
        "scope_units(id) AS (
             SELECT admin_unit_id FROM user_scope WHERE user_id = ${user_param}
             UNION
             SELECT child.id FROM admin_unit child JOIN scope_units parent ON child.parent_id = parent.id
         )"
    )
}

/// Whether an administrative unit lies within a principal's scope (admins: always).
pub async fn unit_in_scope<'e, E>(executor: E, principal: &Principal, unit_id: i64) -> Result<bool, StoreError>
where
    E: Executor<'e, Database = Any>,
{
    if principal.role == Role::Admin {
        return Ok(true);
    }
    let sql = format!("WITH RECURSIVE {} SELECT COUNT(*) FROM scope_units WHERE id = $2", scope_units_cte(1));
    let (count,): (i64,) = sqlx::query_as(&sql).bind(principal.user_id).bind(unit_id).fetch_one(executor).await?;
    Ok(count > 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn principal(role: Role) -> Principal {
        Principal { user_id: 7, username: "u".into(), role, operator: None, token_id: None }
    }

    #[test]
    fn the_public_sees_working_wifi_everywhere_and_accounts_their_scope() {
        assert_eq!(Visibility::of(&None), Visibility { only_active_wifi: true, scope_of_user: None });
        assert_eq!(
            Visibility::of(&Some(principal(Role::Admin))),
            Visibility { only_active_wifi: false, scope_of_user: None }
        );
        assert_eq!(
            Visibility::of(&Some(principal(Role::Leader))),
            Visibility { only_active_wifi: false, scope_of_user: Some(7) }
        );
    }

    #[test]
    fn roles_are_required_by_name() {
        let leader = Some(principal(Role::Leader));
        assert!(require_role(&leader, &[Role::Leader, Role::Admin]).is_ok());
        assert_eq!(require_role(&leader, &[Role::Admin]), Err(Denied::Role));
        assert_eq!(require_role(&None, &[Role::Admin]), Err(Denied::NotSignedIn));
    }
}

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
pub async fn resolve_viewer(parts: &http::request::Parts, db: &super::Db) -> Result<Viewer, CredentialError> {
    if let Some(value) = parts.headers.get(http::header::AUTHORIZATION) {
        let token =
            value.to_str().ok().and_then(|value| value.strip_prefix("Bearer ")).ok_or(CredentialError::Malformed)?;
        return match super::tokens::authenticate(db.pool(), token.trim()).await? {
            Some((user, token_id)) => Ok(Some(Principal::from_user(&user, Some(token_id)))),
            None => Err(CredentialError::InvalidToken),
        };
    }
    Ok(parts
        .extensions
        .get::<super::auth_backend::AuthSession>()
        .and_then(|session| session.user.as_ref())
        .map(|user| Principal::from_user(user, None)))
}
