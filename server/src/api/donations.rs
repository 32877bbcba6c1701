//! "Chắp cánh công nghệ" over the API: donors and pledges (officers), the communes' device stock
//! and the public acknowledgement list, allocations to households, handover photos, the map
//! layer's per-village figures, and exports for reporting. Handovers themselves arrive through
//! `POST /api/v1/sync`, like visits.

use super::error::{ApiError, ErrorBody};
use super::extract::{ContentType, Created, Json, Path, Query, Upload};
use super::params;
use crate::auth::SignedIn;
use crate::files::{self, Download};
use axum::extract::State;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use domain::donations::{self, PhotoProblem};
use domain::Db;
use model::donations::{
    Acknowledgement, Allocation, AllocationStatus, Donor, EligibleHousehold, NewAllocation, NewDonor, NewPledge,
    Pledge, StockLine, VillageDonations,
};
use serde::Deserialize;

#[utoipa::path(get, path = "/api/v1/donors", tag = "donations",
    responses((status = 200, description = "Every donor, with the private contact", body = Vec<Donor>),
        (status = 403, description = "Only commune officers and admins see donors' contacts", body = ErrorBody)))]
/// `GET /api/v1/donors`
pub async fn list_donors(State(db): State<Db>, SignedIn(principal): SignedIn) -> Result<Json<Vec<Donor>>, ApiError> {
    Ok(Json(donations::donors(db.pool(), &principal).await?))
}

#[utoipa::path(post, path = "/api/v1/donors", tag = "donations", request_body = NewDonor,
    responses((status = 201, description = "The donor registered", body = Donor),
        (status = 400, description = "Malformed body", body = ErrorBody),
        (status = 403, description = "Only commune officers and admins register donors", body = ErrorBody),
        (status = 422, description = "A field breaks a rule", body = ErrorBody)))]
/// `POST /api/v1/donors`
pub async fn create_donor(
    State(db): State<Db>,
    SignedIn(principal): SignedIn,
    Json(donor): Json<NewDonor>,
) -> Result<Created<Donor>, ApiError> {
    Ok(Created(donations::create_donor(&db, &principal, &donor).await?))
}

#[utoipa::path(get, path = "/api/v1/donations/acknowledgements", tag = "donations",
    responses((status = 200, description = "Donors whose gifts arrived, most devices first; anonymous donors without a name, no contacts", body = Vec<Acknowledgement>)))]
/// `GET /api/v1/donations/acknowledgements`: the public thank-you list.
pub async fn acknowledgements(State(db): State<Db>) -> Result<Json<Vec<Acknowledgement>>, ApiError> {
    Ok(Json(donations::acknowledgements(db.pool()).await?))
}

#[utoipa::path(get, path = "/api/v1/pledges", tag = "donations",
    responses((status = 200, description = "Pledges to the communes in scope, newest first", body = Vec<Pledge>)))]
/// `GET /api/v1/pledges`: anonymous donors' names only for officers and admins.
pub async fn list_pledges(State(db): State<Db>, SignedIn(principal): SignedIn) -> Result<Json<Vec<Pledge>>, ApiError> {
    Ok(Json(donations::pledges(db.pool(), &principal).await?))
}

#[utoipa::path(post, path = "/api/v1/pledges", tag = "donations", request_body = NewPledge,
    responses((status = 201, description = "The pledge, not yet received", body = Pledge),
        (status = 400, description = "Malformed body", body = ErrorBody),
        (status = 403, description = "Not an officer of this commune", body = ErrorBody),
        (status = 422, description = "A field breaks a rule", body = ErrorBody)))]
/// `POST /api/v1/pledges`
pub async fn create_pledge(
    State(db): State<Db>,
    SignedIn(principal): SignedIn,
    Json(pledge): Json<NewPledge>,
) -> Result<Created<Pledge>, ApiError> {
    Ok(Created(donations::create_pledge(&db, &principal, &pledge).await?))
}

#[utoipa::path(post, path = "/api/v1/pledges/{id}/receive", tag = "donations",
    params(("id" = i64, Path, description = "The pledge")),
    responses((status = 200, description = "Received: its devices are now available in the commune's stock", body = Pledge),
        (status = 403, description = "Not an officer of this commune", body = ErrorBody),
        (status = 404, description = "No such pledge", body = ErrorBody),
        (status = 409, description = "Already received", body = ErrorBody)))]
/// `POST /api/v1/pledges/{id}/receive`
pub async fn receive_pledge(
    State(db): State<Db>,
    SignedIn(principal): SignedIn,
    Path(id): Path<i64>,
) -> Result<Json<Pledge>, ApiError> {
    Ok(Json(donations::receive_pledge(&db, &principal, id).await.map_err(ApiError::not_found("pledge"))?))
}

#[utoipa::path(get, path = "/api/v1/donations/stock", tag = "donations",
    responses((status = 200, description = "Per commune and kind of device: received = available + allocated + delivered", body = Vec<StockLine>)))]
/// `GET /api/v1/donations/stock`: aggregates, public.
pub async fn stock(State(db): State<Db>) -> Result<Json<Vec<StockLine>>, ApiError> {
    Ok(Json(donations::stock(db.pool()).await?))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VillageQuery {
    village: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/donations/eligible", tag = "donations",
    params(("village" = String, Query, description = "Village code")),
    responses((status = 200, description = "Eligible households without a device, most in need first", body = Vec<EligibleHousehold>),
        (status = 400, description = "No village given", body = ErrorBody)))]
/// `GET /api/v1/donations/eligible?village=CODE`: the "chưa có thiết bị" list.
pub async fn eligible(
    State(db): State<Db>,
    SignedIn(principal): SignedIn,
    Query(query): Query<VillageQuery>,
) -> Result<Json<Vec<EligibleHousehold>>, ApiError> {
    let village = params::required("village", query.village, "the village code")?;
    Ok(Json(donations::eligible(db.pool(), &principal, &village).await?))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AllocationsQuery {
    village: Option<String>,
    status: Option<AllocationStatus>,
}

#[utoipa::path(get, path = "/api/v1/allocations", tag = "donations",
    params(("village" = Option<String>, Query, description = "Only this village"),
        ("status" = Option<String>, Query, description = "allocated, delivered or cancelled")),
    responses((status = 200, description = "Allocations in scope, newest first", body = Vec<Allocation>),
        (status = 400, description = "Malformed parameters", body = ErrorBody)))]
/// `GET /api/v1/allocations`: what a team member's phone downloads to hand devices over offline.
pub async fn list_allocations(
    State(db): State<Db>,
    SignedIn(principal): SignedIn,
    Query(query): Query<AllocationsQuery>,
) -> Result<Json<Vec<Allocation>>, ApiError> {
    let village = params::optional(query.village.as_deref());
    Ok(Json(donations::allocations(db.pool(), &principal, village, query.status).await?))
}

#[utoipa::path(post, path = "/api/v1/allocations", tag = "donations", request_body = NewAllocation,
    responses((status = 201, description = "One device of the commune's stock now waits for this household", body = Allocation),
        (status = 403, description = "Only the commune's officers allocate", body = ErrorBody),
        (status = 409, description = "No such device left, or the household already waits for one", body = ErrorBody),
        (status = 422, description = "No such household, or money", body = ErrorBody)))]
/// `POST /api/v1/allocations`
pub async fn allocate(
    State(db): State<Db>,
    SignedIn(principal): SignedIn,
    Json(request): Json<NewAllocation>,
) -> Result<Created<Allocation>, ApiError> {
    Ok(Created(donations::allocate(&db, &principal, &request).await?))
}

#[utoipa::path(post, path = "/api/v1/allocations/{id}/cancel", tag = "donations",
    params(("id" = i64, Path, description = "The allocation")),
    responses((status = 200, description = "Cancelled: the device is available again", body = Allocation),
        (status = 403, description = "Only the commune's officers cancel", body = ErrorBody),
        (status = 404, description = "No such allocation", body = ErrorBody),
        (status = 409, description = "Already handed over or cancelled", body = ErrorBody)))]
/// `POST /api/v1/allocations/{id}/cancel`
pub async fn cancel_allocation(
    State(db): State<Db>,
    SignedIn(principal): SignedIn,
    Path(id): Path<i64>,
) -> Result<Json<Allocation>, ApiError> {
    Ok(Json(donations::cancel_allocation(&db, &principal, id).await.map_err(ApiError::not_found("allocation"))?))
}

/// A refused photo, answered with the status that says why.
impl From<PhotoProblem> for ApiError {
    fn from(problem: PhotoProblem) -> Self {
        match problem {
            PhotoProblem::UnsupportedType(declared) => ApiError::UnsupportedMediaType(format!(
                "Content-Type '{declared}': send {}",
                donations::PHOTO_TYPES.join(", ")
            )),
            PhotoProblem::TooLarge(_) => ApiError::BodyTooLarge,
            PhotoProblem::Unreadable(problem) => ApiError::Store(problem.into()),
        }
    }
}

#[utoipa::path(put, path = "/api/v1/handover-photos/{uuid}", tag = "donations",
    params(("uuid" = String, Path, description = "The photo's UUID, made by the phone")),
    request_body(content = Vec<u8>, content_type = "image/jpeg", description = "JPEG, PNG or WebP, at most 1 MiB and 4096 pixels a side"),
    responses((status = 201, description = "Stored"),
        (status = 200, description = "Stored before under this UUID: kept as it was"),
        (status = 413, description = "Larger than 1 MiB", body = ErrorBody),
        (status = 415, description = "Not image/jpeg, image/png or image/webp", body = ErrorBody),
        (status = 422, description = "Not a picture of the declared type, or too many pixels", body = ErrorBody)))]
/// `PUT /api/v1/handover-photos/{uuid}`: the phone uploads a handover's photo before the handover
/// record that names it. Idempotent per UUID.
pub async fn put_photo(
    State(db): State<Db>,
    SignedIn(principal): SignedIn,
    Path(uuid): Path<String>,
    ContentType(content_type): ContentType,
    Upload(bytes): Upload,
) -> Result<StatusCode, ApiError> {
    let size = donations::check_photo(&content_type, &bytes)?;
    let created = donations::store_photo(&db, &principal, &uuid, &content_type, &bytes, size).await?;
    Ok(if created { StatusCode::CREATED } else { StatusCode::OK })
}

#[utoipa::path(get, path = "/api/v1/handover-photos/{uuid}", tag = "donations",
    params(("uuid" = String, Path, description = "The photo's UUID")),
    responses((status = 200, description = "The picture", content_type = "image/jpeg"),
        (status = 404, description = "No such photo in the caller's area", body = ErrorBody)))]
/// `GET /api/v1/handover-photos/{uuid}`: for its uploader and the officers and team members of
/// the household's area. Kept private to the browser (`Cache-Control: private`).
pub async fn get_photo(
    State(db): State<Db>,
    SignedIn(principal): SignedIn,
    Path(uuid): Path<String>,
) -> Result<Response, ApiError> {
    let (content_type, bytes) =
        donations::photo(db.pool(), &principal, &uuid).await.map_err(ApiError::not_found("photo"))?;
    let content_type = HeaderValue::from_str(&content_type).unwrap_or(HeaderValue::from_static("image/jpeg"));
    let private = HeaderValue::from_static("private, max-age=86400");
    Ok(([(header::CONTENT_TYPE, content_type), (header::CACHE_CONTROL, private)], bytes).into_response())
}

#[utoipa::path(get, path = "/api/v1/donations/villages", tag = "donations",
    responses((status = 200, description = "Per village in scope: devices delivered, awaiting handover, and eligible households without one", body = Vec<VillageDonations>)))]
/// `GET /api/v1/donations/villages`: the map layer's figures, aggregates only.
pub async fn villages(
    State(db): State<Db>,
    SignedIn(principal): SignedIn,
) -> Result<Json<Vec<VillageDonations>>, ApiError> {
    Ok(Json(donations::village_donations(db.pool(), &principal).await?))
}

#[utoipa::path(get, path = "/api/v1/exports/donations.csv", tag = "exports",
    responses((status = 200, description = "CSV (UTF-8 with BOM): each commune's stock per kind of device", content_type = "text/csv", body = String)))]
/// `GET /api/v1/exports/donations.csv`
pub async fn stock_csv(State(db): State<Db>) -> Result<Download, ApiError> {
    Ok(files::donations::stock_csv(&donations::stock(db.pool()).await?)?)
}

#[utoipa::path(get, path = "/api/v1/reports/donations.xlsx", tag = "exports",
    responses((status = 200, description = "XLSX: stock per commune, acknowledgements, pledges, and (for officers) handovers",
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")))]
/// `GET /api/v1/reports/donations.xlsx`: for the quarterly report. Donor contacts never appear;
/// households are named only for roles that see them (officers, admins).
pub async fn report_xlsx(State(db): State<Db>, SignedIn(principal): SignedIn) -> Result<Download, ApiError> {
    let report = donations::report(&db, &principal).await?;
    Ok(files::donations::report_xlsx(&report)?)
}
