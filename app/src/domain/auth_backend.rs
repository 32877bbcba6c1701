//! The axum-login backend: how a browser session's user is authenticated and reloaded.

use super::accounts::{self, User};
use super::{Db, StoreError};
use axum_login::{AuthUser, AuthnBackend, UserId};

impl AuthUser for User {
    type Id = i64;

    fn id(&self) -> i64 {
        self.id
    }

    /// Sessions are bound to the password hash: a password change signs out every other session.
    fn session_auth_hash(&self) -> &[u8] {
        self.password_hash.as_bytes()
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
    type User = User;
    type Credentials = Credentials;
    type Error = StoreError;

    async fn authenticate(&self, credentials: Credentials) -> Result<Option<User>, StoreError> {
        let user = accounts::find_active_by_username(self.db.pool(), credentials.username.trim()).await?;
        // Argon2 is slow on purpose; run it off the async workers, and run it even for unknown
        // usernames (against a decoy) so timing does not reveal which accounts exist.
        let stored_hash = user.as_ref().map_or_else(|| accounts::decoy_hash().to_owned(), |u| u.password_hash.clone());
        let password = credentials.password;
        let matches = tokio::task::spawn_blocking(move || accounts::verify_password(&stored_hash, &password))
            .await
            .unwrap_or(false);
        Ok(user.filter(|_| matches))
    }

    async fn get_user(&self, user_id: &UserId<Self>) -> Result<Option<User>, StoreError> {
        accounts::find_active(self.db.pool(), *user_id).await
    }
}
