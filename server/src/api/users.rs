//! Accounts: `GET /me`, and for admins `GET/POST /users`, `PATCH /users/{id}`. Every write is audited.

use super::error::{not_found, ErrorBody};
use super::ApiError;
use crate::auth::{signed_in, Caller};
use app::domain::accounts::{self, NewUser, UserRow};
use app::domain::audit::{self, Actor};
use app::domain::{Db, StoreError};
use app::model::Role;
use axum::extract::rejection::{JsonRejection, PathRejection};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::{Extension, Json};
use serde::{Deserialize, Serialize};

/// An account as the API shows it: never the password hash.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct UserView {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub role: String,
    pub operator: Option<String>,
    pub scope: Vec<String>,
    pub disabled: bool,
}

/// Loads an account's view on one connection (a transaction's, to see its own writes).
async fn load_view(connection: &mut sqlx::AnyConnection, id: i64) -> Result<UserView, StoreError> {
    let row: UserRow = accounts::get_row(&mut *connection, id).await?;
    Ok(UserView {
        scope: accounts::scope_codes(&mut *connection, row.id).await?,
        id: row.id,
        username: row.username,
        display_name: row.display_name,
        role: row.role,
        operator: row.operator,
        disabled: row.disabled_at.is_some(),
    })
}

async fn view_of(db: &Db, id: i64) -> Result<UserView, StoreError> {
    let mut connection = db.pool().acquire().await?;
    load_view(&mut connection, id).await
}

#[utoipa::path(get, path = "/api/v1/me", tag = "accounts",
    responses((status = 200, description = "The calling account", body = UserView), (status = 401, description = "No valid session or token", body = ErrorBody), (status = 403, description = "Role, scope or operator does not allow it", body = ErrorBody)),
    security(("session" = []), ("token" = [])))]
/// The caller's own account.
pub async fn me(
    State(db): State<Db>,
    Extension(Caller(viewer)): Extension<Caller>,
) -> Result<Json<UserView>, ApiError> {
    let principal = signed_in(viewer)?;
    Ok(Json(view_of(&db, principal.user_id).await?))
}

#[utoipa::path(get, path = "/api/v1/users", tag = "accounts",
    responses((status = 200, description = "Every account", body = Vec<UserView>), (status = 401, description = "No valid session or token", body = ErrorBody), (status = 403, description = "Role, scope or operator does not allow it", body = ErrorBody)),
    security(("session" = []), ("token" = [])))]
pub async fn list(State(db): State<Db>) -> Result<Json<Vec<UserView>>, ApiError> {
    let mut views = Vec::new();
    for row in accounts::list_rows(db.pool()).await? {
        views.push(view_of(&db, row.id).await?);
    }
    Ok(Json(views))
}

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
    responses((status = 201, description = "Created", body = UserView), (status = 400, description = "Malformed parameters or body", body = ErrorBody), (status = 401, description = "No valid session or token", body = ErrorBody), (status = 403, description = "Role, scope or operator does not allow it", body = ErrorBody),
        (status = 422, description = "A field breaks a rule", body = ErrorBody)),
    security(("session" = []), ("token" = [])))]
pub async fn create(
    State(db): State<Db>,
    Extension(Caller(viewer)): Extension<Caller>,
    body: Result<Json<CreateUser>, JsonRejection>,
) -> Result<(StatusCode, Json<UserView>), ApiError> {
    let principal = signed_in(viewer)?;
    let Json(request) = body?;
    let password_hash = accounts::prepare_password(&request.password)?;
    let mut tx = db.begin_write().await?;
    let new_user = NewUser {
        username: request.username.trim(),
        display_name: &request.display_name,
        password_hash: &password_hash,
        role: request.role,
        operator: request.operator.as_deref(),
        scope_codes: &request.scope,
    };
    let id = accounts::insert(&mut tx, &new_user).await?;
    let created = load_view(&mut tx, id).await?;
    audit::record(
        &mut *tx,
        Actor::Principal(&principal),
        &audit::Change {
            action: "create",
            entity_type: "user",
            entity_id: &id.to_string(),
            before: None,
            after: Some(&serde_json::json!(created)),
        },
    )
    .await?;
    tx.commit().await.map_err(StoreError::from)?;
    Ok((StatusCode::CREATED, Json(created)))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateUser {
    display_name: Option<String>,
    role: Option<Role>,
    /// `null` clears it (when the role changes away from telecom).
    #[serde(default, with = "double_option")]
    #[schema(value_type = Option<String>)]
    operator: Option<Option<String>>,
    scope: Option<Vec<String>>,
    disabled: Option<bool>,
    /// A new password set by the admin (the user should change it after signing in).
    password: Option<String>,
}

/// Distinguishes an absent field (`None`) from an explicit `null` (`Some(None)`).
mod double_option {
    use serde::{Deserialize, Deserializer};

    pub fn deserialize<'de, D, T>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
    where
        D: Deserializer<'de>,
        T: Deserialize<'de>,
    {
        Option::<T>::deserialize(deserializer).map(Some)
    }
}

#[utoipa::path(patch, path = "/api/v1/users/{id}", tag = "accounts",
    params(("id" = i64, Path, description = "Account id")),
    request_body = UpdateUser,
    responses((status = 200, description = "Updated", body = UserView), (status = 400, description = "Malformed parameters or body", body = ErrorBody), (status = 401, description = "No valid session or token", body = ErrorBody), (status = 403, description = "Role, scope or operator does not allow it", body = ErrorBody),
        (status = 404, description = "No such account", body = ErrorBody),
        (status = 422, description = "A field breaks a rule", body = ErrorBody)),
    security(("session" = []), ("token" = [])))]
pub async fn update(
    State(db): State<Db>,
    Extension(Caller(viewer)): Extension<Caller>,
    id: Result<Path<i64>, PathRejection>,
    body: Result<Json<UpdateUser>, JsonRejection>,
) -> Result<Json<UserView>, ApiError> {
    let principal = signed_in(viewer)?;
    let Path(id) = id?;
    let Json(request) = body?;
    let mut tx = db.begin_write().await?;
    let before = load_view(&mut tx, id).await.map_err(not_found("user"))?;
    let role = match request.role {
        Some(role) => role,
        None => before.role.parse().map_err(|error| StoreError::Invalid(format!("role: {error}")))?,
    };
    let operator = request.operator.unwrap_or(before.operator.clone());
    let scope = request.scope.unwrap_or(before.scope.clone());
    let display_name = request.display_name.unwrap_or(before.display_name.clone());
    if display_name.trim().is_empty() {
        return Err(StoreError::Invalid("display_name: must not be empty".to_owned()).into());
    }
    if id == principal.user_id && (role != Role::Admin || request.disabled == Some(true)) {
        return Err(StoreError::Invalid("an admin cannot demote or disable their own account".to_owned()).into());
    }
    accounts::check_account(&before.username, role, operator.as_deref(), &scope)?;
    let disabled = request.disabled.unwrap_or(before.disabled);
    accounts::update(&mut *tx, id, display_name.trim(), role, operator.as_deref(), disabled).await?;
    accounts::replace_scope(&mut tx, id, &scope).await?;
    if let Some(password) = &request.password {
        accounts::set_password(&mut *tx, id, password).await?;
    }
    let after = load_view(&mut tx, id).await?;
    audit::record(
        &mut *tx,
        Actor::Principal(&principal),
        &audit::Change {
            action: if request.password.is_some() { "update_and_reset_password" } else { "update" },
            entity_type: "user",
            entity_id: &id.to_string(),
            before: Some(&serde_json::json!(before)),
            after: Some(&serde_json::json!(after)),
        },
    )
    .await?;
    tx.commit().await.map_err(StoreError::from)?;
    Ok(Json(after))
}
