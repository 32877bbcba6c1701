//! Who is acting, and what they may see and change.
//!
//! Every request resolves to a [`Viewer`]: the public, or a [`Principal`] (an account, acting
//! through a session or an API token). Scope checks walk the unit tree in SQL (a recursive query
//! over `admin_unit.parent_id`), so a scope on a commune covers its villages on both databases.

use model::{Capability, Role};

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

/// Requires that the principal's role has `capability`: the one role check of the domain.
pub fn require(principal: &Principal, capability: Capability) -> Result<(), Denied> {
    if principal.role.can(capability) {
        Ok(())
    } else {
        Err(Denied::Role)
    }
}

/// Requires a signed-in viewer whose role has `capability`.
pub fn require_signed_in(viewer: &Viewer, capability: Capability) -> Result<&Principal, Denied> {
    let principal = viewer.as_ref().ok_or(Denied::NotSignedIn)?;
    require(principal, capability)?;
    Ok(principal)
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
    fn capabilities_are_required_of_the_role() {
        let leader = Some(principal(Role::Leader));
        assert!(require_signed_in(&leader, Capability::ReadDashboard).is_ok());
        assert_eq!(require_signed_in(&leader, Capability::Administer), Err(Denied::Role));
        assert_eq!(require_signed_in(&None, Capability::SignIn), Err(Denied::NotSignedIn));
    }
}
