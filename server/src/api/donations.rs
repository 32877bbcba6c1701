//! "Chắp cánh công nghệ" over the API: donors and pledges (officers), the communes' device stock
//! and the public acknowledgement list, allocations to households, handover photos, the map
//! layer's per-village figures, and exports for reporting. Handovers themselves arrive through
//! `POST /api/v1/sync`, like visits.

use super::error::{not_found, ErrorBody};
use super::exports::{csv_download, download};
use super::ApiError;
use crate::auth::{signed_in, Caller};
use app::domain::donations::{self, PhotoProblem};
use app::domain::{Db, StoreError};
use app::donations::{
    Acknowledgement, Allocation, AllocationStatus, Donor, EligibleHousehold, NewAllocation, NewDonor, NewPledge,
    Pledge, StockLine, VillageDonations,
};
use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, JsonRejection, PathRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use rust_xlsxwriter::{Format, Workbook, XlsxError};
use serde::{Deserialize, Serialize};

#[utoipa::path(get, path = "/api/v1/donors", tag = "donations",
    responses((status = 200, description = "Every donor, with the private contact", body = Vec<Donor>),
        (status = 401, description = "No valid session or token", body = ErrorBody),
        (status = 403, description = "Only commune officers and admins see donors' contacts", body = ErrorBody)),
    security(("session" = []), ("token" = [])))]
/// `GET /api/v1/donors`
pub async fn list_donors(
    State(db): State<Db>,
    Extension(Caller(viewer)): Extension<Caller>,
) -> Result<Json<Vec<Donor>>, ApiError> {
    let principal = signed_in(viewer)?;
    Ok(Json(donations::donors(db.pool(), &principal).await?))
}

#[utoipa::path(post, path = "/api/v1/donors", tag = "donations", request_body = NewDonor,
    responses((status = 201, description = "The donor registered", body = Donor),
        (status = 400, description = "Malformed body", body = ErrorBody),
        (status = 403, description = "Only commune officers and admins register donors", body = ErrorBody),
        (status = 422, description = "A field breaks a rule", body = ErrorBody)),
    security(("session" = []), ("token" = [])))]
/// `POST /api/v1/donors`
pub async fn create_donor(
    State(db): State<Db>,
    Extension(Caller(viewer)): Extension<Caller>,
    body: Result<Json<NewDonor>, JsonRejection>,
) -> Result<(StatusCode, Json<Donor>), ApiError> {
    let principal = signed_in(viewer)?;
    let Json(donor) = body?;
    Ok((StatusCode::CREATED, Json(donations::create_donor(&db, &principal, &donor).await?)))
}

#[utoipa::path(get, path = "/api/v1/donations/acknowledgements", tag = "donations",
    responses((status = 200, description = "Donors whose gifts arrived, most devices first; anonymous donors without a name, no contacts", body = Vec<Acknowledgement>)))]
/// `GET /api/v1/donations/acknowledgements`: the public thank-you list.
pub async fn acknowledgements(State(db): State<Db>) -> Result<Json<Vec<Acknowledgement>>, ApiError> {
    Ok(Json(donations::acknowledgements(db.pool()).await?))
}

#[utoipa::path(get, path = "/api/v1/pledges", tag = "donations",
    responses((status = 200, description = "Pledges to the communes in scope, newest first", body = Vec<Pledge>),
        (status = 401, description = "No valid session or token", body = ErrorBody),
        (status = 403, description = "Role does not read donations", body = ErrorBody)),
    security(("session" = []), ("token" = [])))]
/// `GET /api/v1/pledges`: anonymous donors' names only for officers and admins.
pub async fn list_pledges(
    State(db): State<Db>,
    Extension(Caller(viewer)): Extension<Caller>,
) -> Result<Json<Vec<Pledge>>, ApiError> {
    let principal = signed_in(viewer)?;
    Ok(Json(donations::pledges(db.pool(), &principal).await?))
}

#[utoipa::path(post, path = "/api/v1/pledges", tag = "donations", request_body = NewPledge,
    responses((status = 201, description = "The pledge, not yet received", body = Pledge),
        (status = 400, description = "Malformed body", body = ErrorBody),
        (status = 403, description = "Not an officer of this commune", body = ErrorBody),
        (status = 422, description = "A field breaks a rule", body = ErrorBody)),
    security(("session" = []), ("token" = [])))]
/// `POST /api/v1/pledges`
pub async fn create_pledge(
    State(db): State<Db>,
    Extension(Caller(viewer)): Extension<Caller>,
    body: Result<Json<NewPledge>, JsonRejection>,
) -> Result<(StatusCode, Json<Pledge>), ApiError> {
    let principal = signed_in(viewer)?;
    let Json(pledge) = body?;
    Ok((StatusCode::CREATED, Json(donations::create_pledge(&db, &principal, &pledge).await?)))
}

#[utoipa::path(post, path = "/api/v1/pledges/{id}/receive", tag = "donations",
    params(("id" = i64, Path, description = "The pledge")),
    responses((status = 200, description = "Received: its devices are now available in the commune's stock", body = Pledge),
        (status = 403, description = "Not an officer of this commune", body = ErrorBody),
        (status = 404, description = "No such pledge", body = ErrorBody),
        (status = 409, description = "Already received", body = ErrorBody)),
    security(("session" = []), ("token" = [])))]
/// `POST /api/v1/pledges/{id}/receive`
pub async fn receive_pledge(
    State(db): State<Db>,
    Extension(Caller(viewer)): Extension<Caller>,
    id: Result<Path<i64>, PathRejection>,
) -> Result<Json<Pledge>, ApiError> {
    let principal = signed_in(viewer)?;
    let Path(id) = id?;
    Ok(Json(donations::receive_pledge(&db, &principal, id).await.map_err(not_found("pledge"))?))
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
        (status = 400, description = "No village given", body = ErrorBody),
        (status = 403, description = "Role does not see households", body = ErrorBody)),
    security(("session" = []), ("token" = [])))]
/// `GET /api/v1/donations/eligible?village=CODE`: the "chưa có thiết bị" list.
pub async fn eligible(
    State(db): State<Db>,
    Extension(Caller(viewer)): Extension<Caller>,
    query: Result<Query<VillageQuery>, QueryRejection>,
) -> Result<Json<Vec<EligibleHousehold>>, ApiError> {
    let principal = signed_in(viewer)?;
    let Query(query) = query?;
    let village = query
        .village
        .filter(|code| !code.trim().is_empty())
        .ok_or_else(|| ApiError::invalid("village", "required: the village code"))?;
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
        (status = 400, description = "Malformed parameters", body = ErrorBody),
        (status = 403, description = "Role does not see households", body = ErrorBody)),
    security(("session" = []), ("token" = [])))]
/// `GET /api/v1/allocations`: what a team member's phone downloads to hand devices over offline.
pub async fn list_allocations(
    State(db): State<Db>,
    Extension(Caller(viewer)): Extension<Caller>,
    query: Result<Query<AllocationsQuery>, QueryRejection>,
) -> Result<Json<Vec<Allocation>>, ApiError> {
    let principal = signed_in(viewer)?;
    let Query(query) = query?;
    let village = query.village.as_deref().map(str::trim).filter(|code| !code.is_empty());
    Ok(Json(donations::allocations(db.pool(), &principal, village, query.status).await?))
}

#[utoipa::path(post, path = "/api/v1/allocations", tag = "donations", request_body = NewAllocation,
    responses((status = 201, description = "One device of the commune's stock now waits for this household", body = Allocation),
        (status = 403, description = "Only the commune's officers allocate", body = ErrorBody),
        (status = 409, description = "No such device left, or the household already waits for one", body = ErrorBody),
        (status = 422, description = "No such household, or money", body = ErrorBody)),
    security(("session" = []), ("token" = [])))]
/// `POST /api/v1/allocations`
pub async fn allocate(
    State(db): State<Db>,
    Extension(Caller(viewer)): Extension<Caller>,
    body: Result<Json<NewAllocation>, JsonRejection>,
) -> Result<(StatusCode, Json<Allocation>), ApiError> {
    let principal = signed_in(viewer)?;
    let Json(request) = body?;
    Ok((StatusCode::CREATED, Json(donations::allocate(&db, &principal, &request).await?)))
}

#[utoipa::path(post, path = "/api/v1/allocations/{id}/cancel", tag = "donations",
    params(("id" = i64, Path, description = "The allocation")),
    responses((status = 200, description = "Cancelled: the device is available again", body = Allocation),
        (status = 403, description = "Only the commune's officers cancel", body = ErrorBody),
        (status = 404, description = "No such allocation", body = ErrorBody),
        (status = 409, description = "Already handed over or cancelled", body = ErrorBody)),
    security(("session" = []), ("token" = [])))]
/// `POST /api/v1/allocations/{id}/cancel`
pub async fn cancel_allocation(
    State(db): State<Db>,
    Extension(Caller(viewer)): Extension<Caller>,
    id: Result<Path<i64>, PathRejection>,
) -> Result<Json<Allocation>, ApiError> {
    let principal = signed_in(viewer)?;
    let Path(id) = id?;
    Ok(Json(donations::cancel_allocation(&db, &principal, id).await.map_err(not_found("allocation"))?))
}

#[utoipa::path(put, path = "/api/v1/handover-photos/{uuid}", tag = "donations",
    params(("uuid" = String, Path, description = "The photo's UUID, made by the phone")),
    request_body(content = Vec<u8>, content_type = "image/jpeg", description = "JPEG, PNG or WebP, at most 1 MiB and 4096 pixels a side"),
    responses((status = 201, description = "Stored"),
        (status = 200, description = "Stored before under this UUID: kept as it was"),
        (status = 401, description = "No valid session or token", body = ErrorBody),
        (status = 403, description = "Role does not record handovers", body = ErrorBody),
        (status = 413, description = "Larger than 1 MiB", body = ErrorBody),
        (status = 415, description = "Not image/jpeg, image/png or image/webp", body = ErrorBody),
        (status = 422, description = "Not a picture of the declared type, or too many pixels", body = ErrorBody)),
    security(("session" = []), ("token" = [])))]
/// `PUT /api/v1/handover-photos/{uuid}`: the phone uploads a handover's photo before the handover
/// record that names it. Idempotent per UUID.
pub async fn put_photo(
    State(db): State<Db>,
    Extension(Caller(viewer)): Extension<Caller>,
    headers: HeaderMap,
    uuid: Result<Path<String>, PathRejection>,
    body: Result<Bytes, BytesRejection>,
) -> Result<StatusCode, ApiError> {
    let principal = signed_in(viewer)?;
    let Path(uuid) = uuid?;
    let bytes = body?;
    let content_type = headers.get(header::CONTENT_TYPE).and_then(|value| value.to_str().ok()).unwrap_or_default();
    let size = donations::check_photo(content_type, &bytes).map_err(|problem| match problem {
        PhotoProblem::UnsupportedType(declared) => ApiError::UnsupportedMediaType(format!(
            "Content-Type '{declared}': send {}",
            donations::PHOTO_TYPES.join(", ")
        )),
        PhotoProblem::TooLarge(_) => ApiError::BodyTooLarge,
        PhotoProblem::Unreadable(problem) => ApiError::Store(StoreError::Invalid(problem.en)),
    })?;
    let created = donations::store_photo(&db, &principal, &uuid, content_type, &bytes, size).await?;
    Ok(if created { StatusCode::CREATED } else { StatusCode::OK })
}

#[utoipa::path(get, path = "/api/v1/handover-photos/{uuid}", tag = "donations",
    params(("uuid" = String, Path, description = "The photo's UUID")),
    responses((status = 200, description = "The picture", content_type = "image/jpeg"),
        (status = 404, description = "No such photo in the caller's area", body = ErrorBody)),
    security(("session" = []), ("token" = [])))]
/// `GET /api/v1/handover-photos/{uuid}`: for its uploader and the officers and team members of
/// the household's area. Kept private to the browser (`Cache-Control: private`).
pub async fn get_photo(
    State(db): State<Db>,
    Extension(Caller(viewer)): Extension<Caller>,
    uuid: Result<Path<String>, PathRejection>,
) -> Result<Response, ApiError> {
    let principal = signed_in(viewer)?;
    let Path(uuid) = uuid?;
    let (content_type, bytes) = donations::photo(db.pool(), &principal, &uuid).await.map_err(not_found("photo"))?;
    let mut response = bytes.into_response();
    let headers = response.headers_mut();
    if let Ok(value) = HeaderValue::from_str(&content_type) {
        headers.insert(header::CONTENT_TYPE, value);
    }
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("private, max-age=86400"));
    Ok(response)
}

#[utoipa::path(get, path = "/api/v1/donations/villages", tag = "donations",
    responses((status = 200, description = "Per village in scope: devices delivered, awaiting handover, and eligible households without one", body = Vec<VillageDonations>),
        (status = 403, description = "Role does not read field data", body = ErrorBody)),
    security(("session" = []), ("token" = [])))]
/// `GET /api/v1/donations/villages`: the map layer's figures, aggregates only.
pub async fn villages(
    State(db): State<Db>,
    Extension(Caller(viewer)): Extension<Caller>,
) -> Result<Json<Vec<VillageDonations>>, ApiError> {
    let principal = signed_in(viewer)?;
    Ok(Json(donations::village_donations(db.pool(), &principal).await?))
}

#[utoipa::path(get, path = "/api/v1/exports/donations.csv", tag = "exports",
    responses((status = 200, description = "CSV (UTF-8 with BOM): each commune's stock per kind of device", content_type = "text/csv", body = String)))]
/// `GET /api/v1/exports/donations.csv`
pub async fn stock_csv(State(db): State<Db>) -> Result<Response, ApiError> {
    let lines = donations::stock(db.pool()).await?;
    csv_download("chap-canh-cong-nghe.csv", &lines.iter().map(StockRow::from).collect::<Vec<_>>())
}

/// A stock line as a CSV row (the item as its code).
#[derive(Serialize)]
struct StockRow<'a> {
    commune_code: &'a str,
    commune: &'a str,
    item: &'static str,
    received: i64,
    available: i64,
    allocated: i64,
    delivered: i64,
}

impl<'a> From<&'a StockLine> for StockRow<'a> {
    fn from(line: &'a StockLine) -> Self {
        StockRow {
            commune_code: &line.commune_code,
            commune: &line.commune,
            item: line.item.as_str(),
            received: line.received,
            available: line.available,
            allocated: line.allocated,
            delivered: line.delivered,
        }
    }
}

fn xlsx_failed(error: XlsxError) -> ApiError {
    ApiError::Store(StoreError::Invalid(format!("cannot write the XLSX report: {error}")))
}

/// Vietnamese name of an item, for the report.
fn item_vi(item: app::donations::Item) -> &'static str {
    app::i18n::Locale::Vi.texts().donations.item(item)
}

#[utoipa::path(get, path = "/api/v1/reports/donations.xlsx", tag = "exports",
    responses((status = 200, description = "XLSX: stock per commune, acknowledgements, pledges, and (for officers) handovers",
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")),
    security(("session" = []), ("token" = [])))]
/// `GET /api/v1/reports/donations.xlsx`: for the quarterly report. Donor contacts never appear;
/// households are named only for roles that see them (officers, admins).
pub async fn report_xlsx(
    State(db): State<Db>,
    Extension(Caller(viewer)): Extension<Caller>,
) -> Result<Response, ApiError> {
    let principal = signed_in(viewer)?;
    let stock = donations::stock(db.pool()).await?;
    let thanks = donations::acknowledgements(db.pool()).await?;
    let pledges = donations::pledges(db.pool(), &principal).await?;
    let handovers = if principal.role.records_visits() {
        Some(donations::allocations(db.pool(), &principal, None, None).await?)
    } else {
        None
    };
    let bytes = workbook(&stock, &thanks, &pledges, handovers.as_deref()).map_err(xlsx_failed)?;
    Ok(download("chap-canh-cong-nghe.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", bytes))
}

fn workbook(
    stock: &[StockLine],
    thanks: &[Acknowledgement],
    pledges: &[Pledge],
    handovers: Option<&[Allocation]>,
) -> Result<Vec<u8>, XlsxError> {
    let mut workbook = Workbook::new();
    let head = Format::new().set_bold();
    let sheet = workbook.add_worksheet().set_name("Tồn kho theo xã")?;
    for (column, title) in
        ["Mã xã", "Xã", "Loại", "Đã nhận", "Còn trong kho", "Đã phân bổ", "Đã bàn giao"].iter().enumerate()
    {
        sheet.write_string_with_format(0, column as u16, *title, &head)?;
    }
    for (index, line) in stock.iter().enumerate() {
        let row = index as u32 + 1;
        sheet.write_string(row, 0, &line.commune_code)?;
        sheet.write_string(row, 1, &line.commune)?;
        sheet.write_string(row, 2, item_vi(line.item))?;
        for (column, value) in [line.received, line.available, line.allocated, line.delivered].into_iter().enumerate() {
            sheet.write_number(row, column as u16 + 3, value as f64)?;
        }
    }
    let sheet = workbook.add_worksheet().set_name("Nhà hảo tâm")?;
    for (column, title) in ["Nhà hảo tâm", "Thiết bị", "Giá trị (đồng)"].iter().enumerate() {
        sheet.write_string_with_format(0, column as u16, *title, &head)?;
    }
    for (index, thank) in thanks.iter().enumerate() {
        let row = index as u32 + 1;
        sheet.write_string(row, 0, thank.name.as_deref().unwrap_or("Nhà hảo tâm ẩn danh"))?;
        sheet.write_number(row, 1, thank.devices as f64)?;
        sheet.write_number(row, 2, thank.value_vnd as f64)?;
    }
    let sheet = workbook.add_worksheet().set_name("Cam kết")?;
    for (column, title) in
        ["Ngày", "Nhà hảo tâm", "Xã", "Loại", "Số lượng", "Giá trị (đồng)", "Trạng thái"].iter().enumerate()
    {
        sheet.write_string_with_format(0, column as u16, *title, &head)?;
    }
    for (index, pledge) in pledges.iter().enumerate() {
        let row = index as u32 + 1;
        sheet.write_string(row, 0, &pledge.pledged_at)?;
        sheet.write_string(row, 1, pledge.donor.as_deref().unwrap_or("Nhà hảo tâm ẩn danh"))?;
        sheet.write_string(row, 2, &pledge.commune)?;
        sheet.write_string(row, 3, item_vi(pledge.item))?;
        if let Some(quantity) = pledge.quantity {
            sheet.write_number(row, 4, quantity as f64)?;
        }
        if let Some(value) = pledge.value_vnd {
            sheet.write_number(row, 5, value as f64)?;
        }
        let status = match pledge.status {
            app::donations::PledgeStatus::Pledged => "Đã cam kết",
            app::donations::PledgeStatus::Received => "Đã nhận",
        };
        sheet.write_string(row, 6, status)?;
    }
    if let Some(handovers) = handovers {
        let sheet = workbook.add_worksheet().set_name("Phân bổ và bàn giao")?;
        for (column, title) in
            ["Thôn", "Hộ", "Loại", "Phân bổ ngày", "Trạng thái", "Bàn giao ngày", "Sê-ri/IMEI", "Đã hướng dẫn"]
                .iter()
                .enumerate()
        {
            sheet.write_string_with_format(0, column as u16, *title, &head)?;
        }
        for (index, allocation) in handovers.iter().enumerate() {
            let row = index as u32 + 1;
            sheet.write_string(row, 0, &allocation.village_code)?;
            sheet.write_string(row, 1, &allocation.household)?;
            sheet.write_string(row, 2, item_vi(allocation.item))?;
            sheet.write_string(row, 3, &allocation.allocated_at)?;
            let status = match allocation.status {
                AllocationStatus::Allocated => "Chờ bàn giao",
                AllocationStatus::Delivered => "Đã bàn giao",
                AllocationStatus::Cancelled => "Đã hủy",
            };
            sheet.write_string(row, 4, status)?;
            sheet.write_string(row, 5, allocation.delivered_at.as_deref().unwrap_or(""))?;
            sheet.write_string(row, 6, allocation.serial.as_deref().unwrap_or(""))?;
            let guided = match allocation.guided {
                Some(true) => "Có",
                Some(false) => "Không",
                None => "",
            };
            sheet.write_string(row, 7, guided)?;
        }
    }
    workbook.save_to_buffer()
}
