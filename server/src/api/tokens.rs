//! API tokens (admins only): `GET/POST /tokens`, `DELETE /tokens/{id}`. The secret appears once,
//! in the answer to the POST; it is never stored or logged.

use super::error::{not_found, ErrorBody};
use super::ApiError;
use crate::auth::{signed_in, Caller};
use app::domain::accounts;
use app::domain::audit::{self, Actor};
use app::domain::tokens::{self, TokenInfo};
use app::domain::{Db, StoreError};
use axum::extract::rejection::{JsonRejection, PathRejection};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::{Extension, Json};
use serde::{Deserialize, Serialize};

#[utoipa::path(get, path = "/api/v1/tokens", tag = "administration",
    responses((status = 200, description = "Every token, newest first (never the secret)", body = Vec<TokenInfo>), (status = 401, description = "No valid session or token", body = ErrorBody), (status = 403, description = "Role, scope or operator does not allow it", body = ErrorBody)),
    security(("session" = []), ("token" = [])))]
pub async fn list(State(db): State<Db>) -> Result<Json<Vec<TokenInfo>>, ApiError> {
    Ok(Json(tokens::list(db.pool()).await?))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateToken {
    /// The account the token acts as.
    username: String,
    /// What the token is for, e.g. "Viettel OSS sync".
    name: String,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CreatedToken {
    #[serde(flatten)]
    info: TokenInfo,
    /// The secret: shown this once.
    token: String,
}

#[utoipa::path(post, path = "/api/v1/tokens", tag = "administration",
    request_body = CreateToken,
    responses((status = 201, description = "Created; `token` is the secret, shown this once", body = CreatedToken), (status = 400, description = "Malformed parameters or body", body = ErrorBody), (status = 401, description = "No valid session or token", body = ErrorBody), (status = 403, description = "Role, scope or operator does not allow it", body = ErrorBody),
        (status = 422, description = "Unknown account or bad name", body = ErrorBody)),
    security(("session" = []), ("token" = [])))]
pub async fn create(
    State(db): State<Db>,
    Extension(Caller(viewer)): Extension<Caller>,
    body: Result<Json<CreateToken>, JsonRejection>,
) -> Result<(StatusCode, Json<CreatedToken>), ApiError> {
    let principal = signed_in(viewer)?;
    let Json(request) = body?;
    let owner = accounts::find_active_by_username(db.pool(), request.username.trim())
        .await?
        .ok_or_else(|| StoreError::Invalid(format!("username: no active account {}", request.username.trim())))?;
    let mut tx = db.begin_write().await?;
    let (id, token) = tokens::create(&mut *tx, owner.id, &request.name, principal.user_id).await?;
    let info = tokens::get(&mut *tx, id).await?;
    audit::record(
        &mut *tx,
        Actor::Principal(&principal),
        &audit::Change {
            action: "create",
            entity_type: "api_token",
            entity_id: &id.to_string(),
            before: None,
            after: Some(&serde_json::json!(info)),
        },
    )
    .await?;
    tx.commit().await.map_err(StoreError::from)?;
    Ok((StatusCode::CREATED, Json(CreatedToken { info, token })))
}

#[utoipa::path(delete, path = "/api/v1/tokens/{id}", tag = "administration",
    params(("id" = i64, Path, description = "Token id")),
    responses((status = 200, description = "Revoked", body = TokenInfo), (status = 401, description = "No valid session or token", body = ErrorBody), (status = 403, description = "Role, scope or operator does not allow it", body = ErrorBody),
        (status = 404, description = "No such token", body = ErrorBody)),
    security(("session" = []), ("token" = [])))]
pub async fn revoke(
    State(db): State<Db>,
    Extension(Caller(viewer)): Extension<Caller>,
    id: Result<Path<i64>, PathRejection>,
) -> Result<Json<TokenInfo>, ApiError> {
    let principal = signed_in(viewer)?;
    let Path(id) = id?;
    let mut tx = db.begin_write().await?;
    let before = tokens::get(&mut *tx, id).await.map_err(not_found("token"))?;
    tokens::revoke(&mut *tx, id).await?;
    let after = tokens::get(&mut *tx, id).await?;
    audit::record(
        &mut *tx,
        Actor::Principal(&principal),
        &audit::Change {
            action: "revoke",
            entity_type: "api_token",
            entity_id: &id.to_string(),
            before: Some(&serde_json::json!(before)),
            after: Some(&serde_json::json!(after)),
        },
    )
    .await?;
    tx.commit().await.map_err(StoreError::from)?;
    Ok(Json(after))
}
