//! Server functions for signing in and out and changing one's password.

use crate::error::AppError;
use crate::model::CurrentUser;
use leptos::prelude::*;

/// The signed-in account, if any.
#[server(endpoint = "auth/me")]
pub async fn signed_in_user() -> Result<Option<CurrentUser>, AppError> {
    crate::error::responding(async move {
        let session = auth_session().await?;
        Ok(session.user.as_ref().map(|user| user.current_user()))
    })
    .await
}

#[cfg(feature = "ssr")]
async fn auth_session() -> Result<crate::domain::auth_backend::AuthSession, AppError> {
    leptos_axum::extract::<crate::domain::auth_backend::AuthSession>().await.map_err(|error| {
        tracing::error!(%error, "auth session layer missing");
        AppError::Unavailable
    })
}

/// Signs in with username and password. Throttled per account and per client address; the error
/// never tells whether the username exists.
#[server(endpoint = "auth/login")]
pub async fn login(username: String, password: String) -> Result<CurrentUser, AppError> {
    crate::error::responding(async move {
        use crate::domain::auth_backend::Credentials;
        use crate::domain::throttle;
        use axum::extract::ConnectInfo;
        use std::net::SocketAddr;

        let state = crate::map_api::state()?;
        let mut session = auth_session().await?;
        let address = leptos_axum::extract::<ConnectInfo<SocketAddr>>()
            .await
            .map(|ConnectInfo(address)| address.ip().to_string())
            .unwrap_or_else(|_| "unknown".to_owned());
        let username = username.trim().to_owned();
        let keys = throttle::keys(&username, &address);
        if let Some(seconds) = throttle::locked_for(&state.db, &keys).await? {
            return Err(AppError::Throttled { minutes: (seconds + 59) / 60 });
        }
        let credentials = Credentials { username: username.clone(), password };
        let user = session.authenticate(credentials).await.map_err(|error| {
            tracing::error!(%error, "authentication backend failed");
            AppError::Unavailable
        })?;
        let Some(user) = user else {
            throttle::record_failure(&state.db, &keys).await?;
            return Err(AppError::InvalidCredentials);
        };
        session.login(&user).await.map_err(|error| {
            tracing::error!(%error, "cannot start session");
            AppError::Unavailable
        })?;
        throttle::clear_account(&state.db, &username).await?;
        Ok(user.current_user())
    })
    .await
}

/// Ends the browser session.
#[server(endpoint = "auth/logout")]
pub async fn logout() -> Result<(), AppError> {
    crate::error::responding(async move {
        let mut session = auth_session().await?;
        session.logout().await.map_err(|error| {
            tracing::error!(%error, "cannot end session");
            AppError::Unavailable
        })?;
        Ok(())
    })
    .await
}

/// Changes the signed-in account's password after checking the current one. Other sessions of
/// the account end (they are bound to the password hash); this one continues.
#[server(endpoint = "auth/password")]
pub async fn change_password(current: String, new: String) -> Result<(), AppError> {
    crate::error::responding(async move {
        use crate::domain::{accounts, audit};

        let state = crate::map_api::state()?;
        let mut session = auth_session().await?;
        let user = session.user.clone().ok_or(AppError::SignInRequired)?;
        let stored_hash = user.password_hash.clone();
        let matches = tokio::task::spawn_blocking(move || accounts::verify_password(&stored_hash, &current))
            .await
            .unwrap_or(false);
        if !matches {
            return Err(AppError::InvalidCredentials);
        }
        let mut tx = state.db.begin_write().await?;
        accounts::set_password(&mut *tx, user.id, &new).await?;
        let principal = crate::domain::access::Principal::from_user(&user, None);
        audit::record(
            &mut *tx,
            audit::Actor::Principal(&principal),
            &audit::Change {
                action: "change_password",
                entity_type: "user",
                entity_id: &user.id.to_string(),
                before: None,
                after: None,
            },
        )
        .await?;
        tx.commit().await.map_err(crate::domain::StoreError::from)?;
        let refreshed = accounts::find_active(state.db.pool(), user.id).await?.ok_or(AppError::SignInRequired)?;
        session.login(&refreshed).await.map_err(|error| {
            tracing::error!(%error, "cannot renew session");
            AppError::Unavailable
        })?;
        Ok(())
    })
    .await
}
