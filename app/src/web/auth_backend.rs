//! The axum-login backend: how a browser session's user is authenticated and reloaded.

use axum_login::{AuthUser, AuthnBackend, UserId};
use domain::accounts::{self, User};
use domain::{Db, StoreError};

/// The account a browser session belongs to, with what the session is bound to (see
/// [`User::session_binding`]). A type of its own so the session layer's trait can be implemented
/// here, outside the domain that defines [`User`].
#[derive(Clone, Debug)]
pub struct SessionUser {
    user: User,
    binding: String,
}

impl From<User> for SessionUser {
    fn from(user: User) -> Self {
        SessionUser { binding: user.session_binding(), user }
    }
}

impl std::ops::Deref for SessionUser {
    type Target = User;

    fn deref(&self) -> &User {
        &self.user
    }
}

impl AuthUser for SessionUser {
    type Id = i64;

    fn id(&self) -> i64 {
        self.id
    }

    /// Sessions are bound to the password hash and the session epoch: a password change, or the
    /// account being disabled, signs out every other session.
    fn session_auth_hash(&self) -> &[u8] {
        self.binding.as_bytes()
    }
}

/// Username and password from the login form.
#[derive(Clone)]
pub struct Credentials {
    pub username: String,
    pub password: String,
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Credentials").field("username", &self.username).finish_non_exhaustive()
    }
}

#[derive(Clone, Debug)]
pub struct Backend {
    db: Db,
}

impl Backend {
    pub fn new(db: Db) -> Backend {
        Backend { db }
    }
}

/// The session type every handler and server function uses.
pub type AuthSession = axum_login::AuthSession<Backend>;

impl AuthnBackend for Backend {
    type User = SessionUser;
    type Credentials = Credentials;
    type Error = StoreError;

    async fn authenticate(&self, credentials: Credentials) -> Result<Option<SessionUser>, StoreError> {
        let user = accounts::find_active_by_username(self.db.pool(), credentials.username.trim()).await?;
        // Argon2 is slow on purpose; run it off the async workers, and run it even for unknown
        // usernames (against a decoy) so timing does not reveal which accounts exist.
        let stored_hash = user.as_ref().map_or(accounts::decoy_hash(), |user| user.password_hash.as_str());
        let matches = accounts::password_matches(stored_hash, &credentials.password).await;
        Ok(user.filter(|_| matches).map(SessionUser::from))
    }

    async fn get_user(&self, user_id: &UserId<Self>) -> Result<Option<SessionUser>, StoreError> {
        Ok(accounts::find_active(self.db.pool(), *user_id).await?.map(SessionUser::from))
    }
}
