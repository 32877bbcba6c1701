//! Accounts: `GET /me`, and for those who manage accounts (admins: every account; commune
//! officers: the team members of their communes) `GET/POST /users`, `PATCH /users/{id}` and
//! `POST /users/{id}/password`. Every write is audited; the rules (who may manage whom) are the
//! domain's (`domain::accounts`).

use super::error::{ApiError, ErrorBody};
use super::extract::{Created, Json, Path};
use crate::auth::SignedIn;
use axum::extract::State;
use domain::accounts;
use domain::Db;
use model::accounts::{Account, AccountChange};
use model::Role;
use serde::Deserialize;

#[utoipa::path(get, path = "/api/v1/me", tag = "accounts",
    responses((status = 200, description = "The calling account", body = Account)))]
/// The caller's own account.
pub async fn me(State(db): State<Db>, SignedIn(principal): SignedIn) -> Result<Json<Account>, ApiError> {
    Ok(Json(accounts::account(&db, &principal, principal.user_id).await?))
}

#[utoipa::path(get, path = "/api/v1/users", tag = "accounts",
    responses((status = 200, description = "The accounts the caller manages (an admin: every account)", body = Vec<Account>)))]
pub async fn list(State(db): State<Db>, SignedIn(principal): SignedIn) -> Result<Json<Vec<Account>>, ApiError> {
    Ok(Json(accounts::accounts(&db, &principal).await?))
}

/// A new account over the API, with the password chosen by the caller, or made up by the server
/// and answered once when absent.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateUser {
    username: String,
    display_name: String,
    password: Option<String>,
    role: Role,
    operator: Option<String>,
    #[serde(default)]
    scope: Vec<String>,
}

/// An account just created, with the password the server made up for it (only then, only once).
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct CreatedUser {
    #[serde(flatten)]
    account: Account,
    #[serde(skip_serializing_if = "Option::is_none")]
    password: Option<String>,
}

#[utoipa::path(post, path = "/api/v1/users", tag = "accounts",
    request_body = CreateUser,
    responses((status = 201, description = "Created", body = CreatedUser), (status = 400, description = "Malformed parameters or body", body = ErrorBody),
        (status = 422, description = "A field breaks a rule", body = ErrorBody)))]
pub async fn create(
    State(db): State<Db>,
    SignedIn(principal): SignedIn,
    Json(request): Json<CreateUser>,
) -> Result<Created<CreatedUser>, ApiError> {
    let new = model::accounts::NewAccount {
        username: request.username,
        display_name: request.display_name,
        password: request.password,
        role: request.role,
        operator: request.operator,
        scope: request.scope,
    };
    let created = accounts::create(&db, &principal, &new).await?;
    Ok(Created(CreatedUser { account: created.account, password: created.generated_password }))
}

#[utoipa::path(patch, path = "/api/v1/users/{id}", tag = "accounts",
    params(("id" = i64, Path, description = "Account id")),
    request_body = AccountChange,
    responses((status = 200, description = "Updated", body = Account), (status = 400, description = "Malformed parameters or body", body = ErrorBody),
        (status = 404, description = "No such account", body = ErrorBody),
        (status = 422, description = "A field breaks a rule", body = ErrorBody)))]
pub async fn update(
    State(db): State<Db>,
    SignedIn(principal): SignedIn,
    Path(id): Path<i64>,
    Json(change): Json<AccountChange>,
) -> Result<Json<Account>, ApiError> {
    Ok(Json(accounts::change(&db, &principal, id, &change).await.map_err(ApiError::not_found("user"))?))
}

/// A password made up by the server for an account, shown once.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct NewPassword {
    password: String,
}

#[utoipa::path(post, path = "/api/v1/users/{id}/password", tag = "accounts",
    params(("id" = i64, Path, description = "Account id")),
    responses((status = 200, description = "The account's new password, shown this once; its sessions have ended", body = NewPassword),
        (status = 404, description = "No such account, or not one the caller manages", body = ErrorBody)))]
/// Resets the password of an account the caller manages (a team member who forgot theirs).
pub async fn reset_password(
    State(db): State<Db>,
    SignedIn(principal): SignedIn,
    Path(id): Path<i64>,
) -> Result<Json<NewPassword>, ApiError> {
    let password = accounts::reset_password(&db, &principal, id).await.map_err(ApiError::not_found("user"))?;
    Ok(Json(NewPassword { password }))
}
