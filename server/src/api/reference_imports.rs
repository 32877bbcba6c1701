//! `POST /api/v1/imports/{kind}` (villages, cultural houses, households, accounts) and
//! `GET /api/v1/imports/templates/{kind}.xlsx`: a place loads its reference data from the tables
//! its offices keep, with the templates to fill in.

use super::auth::SignedIn;
use super::error::{ApiError, ErrorBody};
use super::extract::{Json, Path, Query, Upload};
use super::params::ImportQuery;
use crate::files::{self, Download};
use axum::extract::State;
use domain::audit::Actor;
use domain::reference_imports::{self, ReferenceKind, ReferenceOutcome};
use domain::Db;

/// The kind a path names; any other is a route that does not exist.
fn kind(text: &str) -> Result<ReferenceKind, ApiError> {
    text.parse().map_err(|_| ApiError::RouteNotFound)
}

#[utoipa::path(post, path = "/api/v1/imports/{kind}", tag = "imports",
    params(("kind" = String, Path, description = "villages, cultural-houses, households or accounts"),
        ImportQuery),
    request_body(content = String, content_type = "text/csv",
        description = "XLSX, ODS, or CSV/TSV text (UTF-8 with or without BOM, UTF-16; comma, semicolon or tab). \
            Headers in English or Vietnamese; see the templates. villages: commune_code, name, code, unit_type. \
            cultural-houses: village_code, name, code, lat, lon, wifi_status, provider. households: village_code, \
            label, poor, near_poor, ethnic_minority, elderly, disability, adults, has_smartphone, lat, lon. \
            accounts: username, display_name, role, scope, operator"),
    responses((status = 200, description = "Imported (or would import); new accounts' passwords are shown this once", body = ReferenceOutcome),
        (status = 403, description = "Role does not allow it", body = ErrorBody),
        (status = 404, description = "No such kind", body = ErrorBody),
        (status = 413, description = "Larger than 16 MiB", body = ErrorBody),
        (status = 422, description = "Rejected whole; `problems` lists each bad line (out of scope included)", body = ErrorBody)))]
/// `POST /api/v1/imports/{kind}[?dry_run=true]`: all or nothing; the same file twice changes
/// nothing the second time.
pub async fn import(
    State(db): State<Db>,
    SignedIn(principal): SignedIn,
    Path(kind_name): Path<String>,
    Query(query): Query<ImportQuery>,
    Upload(file): Upload,
) -> Result<Json<ReferenceOutcome>, ApiError> {
    let kind = kind(&kind_name)?;
    Ok(Json(reference_imports::import(&db, kind, &file, query.dry_run(), Actor::Principal(&principal)).await?))
}

#[utoipa::path(get, path = "/api/v1/imports/templates/{file}", tag = "imports",
    params(("file" = String, Path, description = "villages.xlsx, cultural-houses.xlsx, households.xlsx or accounts.xlsx")),
    responses((status = 200, description = "XLSX: the header row and one example line",
            content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body = Vec<u8>),
        (status = 404, description = "No such template", body = ErrorBody)))]
/// `GET /api/v1/imports/templates/{kind}.xlsx`
pub async fn template(Path(file): Path<String>) -> Result<Download, ApiError> {
    let kind = kind(file.strip_suffix(".xlsx").ok_or(ApiError::RouteNotFound)?)?;
    Ok(files::templates::template_xlsx(kind)?)
}
