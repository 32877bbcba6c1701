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
async fn auth_session() -> Result<crate::web::auth_backend::AuthSession, AppError> {
    leptos_axum::extract::<crate::web::auth_backend::AuthSession>().await.map_err(|error| {
        tracing::error!(%error, "auth session layer missing");
        AppError::Unavailable
    })
}

/// Signs in with username and password. Throttled per account and per client address; the error
/// never tells whether the username exists.
#[server(endpoint = "auth/login")]
pub async fn login(username: String, password: String) -> Result<CurrentUser, AppError> {
    crate::error::responding(async move {
        use crate::web::auth_backend::Credentials;
        use axum::extract::ConnectInfo;
        use domain::throttle;
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
        use domain::accounts;

        let state = crate::map_api::state()?;
        let mut session = auth_session().await?;
        let user = session.user.clone().ok_or(AppError::SignInRequired)?;
        let principal = domain::access::Principal::from_user(&user, None);
        if !accounts::change_own_password(&state.db, &principal, &user.password_hash, &current, &new).await? {
            return Err(AppError::InvalidCredentials);
        }
        let refreshed = accounts::find_active(state.db.pool(), user.id).await?.ok_or(AppError::SignInRequired)?;
        session.login(&crate::web::auth_backend::SessionUser(refreshed)).await.map_err(|error| {
            tracing::error!(%error, "cannot renew session");
            AppError::Unavailable
        })?;
        Ok(())
    })
    .await
}
