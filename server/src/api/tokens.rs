//! API tokens (admins only): `GET/POST /tokens`, `DELETE /tokens/{id}`. The secret appears once,
//! in the answer to the POST; it is never stored or logged.

use super::error::{ApiError, ErrorBody};
use super::extract::{Created, Json, Path};
use crate::auth::SignedIn;
use axum::extract::State;
use domain::tokens::{self, TokenInfo};
use domain::Db;
use serde::{Deserialize, Serialize};

#[utoipa::path(get, path = "/api/v1/tokens", tag = "administration",
    responses((status = 200, description = "Every token, newest first (never the secret)", body = Vec<TokenInfo>)))]
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
    responses((status = 201, description = "Created; `token` is the secret, shown this once", body = CreatedToken), (status = 400, description = "Malformed parameters or body", body = ErrorBody),
        (status = 422, description = "Unknown account or bad name", body = ErrorBody)))]
pub async fn create(
    State(db): State<Db>,
    SignedIn(principal): SignedIn,
    Json(request): Json<CreateToken>,
) -> Result<Created<CreatedToken>, ApiError> {
    let issued = tokens::issue(&db, &principal, &request.username, &request.name).await?;
    Ok(Created(CreatedToken { info: issued.info, token: issued.secret }))
}

#[utoipa::path(delete, path = "/api/v1/tokens/{id}", tag = "administration",
    params(("id" = i64, Path, description = "Token id")),
    responses((status = 200, description = "Revoked", body = TokenInfo),
        (status = 404, description = "No such token", body = ErrorBody)))]
pub async fn revoke(
    State(db): State<Db>,
    SignedIn(principal): SignedIn,
    Path(id): Path<i64>,
) -> Result<Json<TokenInfo>, ApiError> {
    Ok(Json(tokens::revoke_audited(&db, &principal, id).await.map_err(ApiError::not_found("token"))?))
}
