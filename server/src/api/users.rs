//! Accounts: `GET /me`, and for admins `GET/POST /users`, `PATCH /users/{id}`. Every write is
//! audited; the rules (who may manage whom) are the domain's.

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
    responses((status = 200, description = "Every account", body = Vec<Account>)))]
pub async fn list(State(db): State<Db>, SignedIn(principal): SignedIn) -> Result<Json<Vec<Account>>, ApiError> {
    Ok(Json(accounts::accounts(&db, &principal).await?))
}

/// A new account over the API: the password is chosen by the admin.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateUser {
    username: String,
    display_name: String,
    password: String,
    role: Role,
    operator: Option<String>,
    #[serde(default)]
    scope: Vec<String>,
}

#[utoipa::path(post, path = "/api/v1/users", tag = "accounts",
    request_body = CreateUser,
    responses((status = 201, description = "Created", body = Account), (status = 400, description = "Malformed parameters or body", body = ErrorBody),
        (status = 422, description = "A field breaks a rule", body = ErrorBody)))]
pub async fn create(
    State(db): State<Db>,
    SignedIn(principal): SignedIn,
    Json(request): Json<CreateUser>,
) -> Result<Created<Account>, ApiError> {
    let new = model::accounts::NewAccount {
        username: request.username,
        display_name: request.display_name,
        password: Some(request.password),
        role: request.role,
        operator: request.operator,
        scope: request.scope,
    };
    Ok(Created(accounts::create(&db, &principal, &new).await?.account))
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
