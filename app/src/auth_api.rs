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

/// Signs in with username and password. Throttled per client address and per account (apart for
/// each browser that signed into it before); the error never tells whether the username exists.
/// A browser already signed in gets a new session id, so a session fixed on a shared computer
/// never carries over to the next account.
#[server(endpoint = "auth/login")]
pub async fn login(username: String, password: String) -> Result<CurrentUser, AppError> {
    crate::error::responding(async move {
        use crate::web::auth_backend::Credentials;
        use domain::throttle::{self, Attempt};

        let state = crate::map_api::state()?;
        let mut session = auth_session().await?;
        let client = crate::web::client::RequestClient::of_this_request(&state.trusted_proxies).await;
        let username = username.trim().to_owned();
        let attempt =
            Attempt { username: &username, address: &client.address, device_token: client.device_token.as_deref() };
        let admitted = throttle::begin(&state.db, &attempt)
            .await?
            .map_err(|locked| AppError::Throttled { minutes: (locked.seconds + 59) / 60 })?;
        let credentials = Credentials { username: username.clone(), password };
        let user = session.authenticate(credentials).await.map_err(|error| {
            tracing::error!(%error, "authentication backend failed");
            AppError::Unavailable
        })?;
        let Some(user) = user else {
            return Err(AppError::InvalidCredentials);
        };
        session.login(&user).await.map_err(|error| {
            tracing::error!(%error, "cannot start session");
            AppError::Unavailable
        })?;
        // axum-login renews the id only for a browser that was signed out: renew it every time.
        session.session.cycle_id().await.map_err(|error| {
            tracing::error!(%error, "cannot renew the session id");
            AppError::Unavailable
        })?;
        throttle::succeeded(&state.db, &admitted).await?;
        let device = throttle::remember_device(&state.db, &username, client.device_token.as_deref()).await?;
        crate::web::client::set_device_cookie(&device, state.sessions.secure_cookie);
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
        let principal = user.principal(None);
        if !accounts::change_own_password(&state.db, &principal, &user.password_hash, &current, &new).await? {
            return Err(AppError::InvalidCredentials);
        }
        let refreshed = accounts::find_active(state.db.pool(), user.id).await?.ok_or(AppError::SignInRequired)?;
        session.login(&crate::web::auth_backend::SessionUser::from(refreshed)).await.map_err(|error| {
            tracing::error!(%error, "cannot renew session");
            AppError::Unavailable
        })?;
        Ok(())
    })
    .await
}
