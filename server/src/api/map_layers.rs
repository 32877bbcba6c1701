//! Map layers for any viewport: `GET /api/v1/map/cultural-houses`, `/visits`, `/progress` and `/donations` with
//! `bbox` and `zoom`, answered with single features zoomed in and grid clusters zoomed out, so a
//! provincial or national map stays small (see `domain::map_layers`). Answers are reused for
//! a few seconds (`app::web::layer_cache`): the same zoomed-out view, opened by many people, is
//! counted once.

use super::error::{ApiError, ErrorBody};
use super::extract::Query;
use super::params;
use crate::auth::Caller;
use app::web::layer_cache::{LayerCache, LayerKey, FRESH_FOR};
use axum::body::Bytes;
use axum::extract::{FromRef, FromRequestParts};
use axum::http::header;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use domain::access::Visibility;
use domain::map_layers::{self, Viewport};
use domain::Db;
use model::map_layers::{DonationLayer, HouseLayer, ProgressLayer, VisitLayer};
use serde::Deserialize;

/// The view a layer is asked for. Both are read as text so a malformed value gets its own
/// precise error (`params::viewport`); the API documentation gives their real types.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ViewportQuery {
    /// minLon,minLat,maxLon,maxLat (default: the world)
    bbox: Option<String>,
    /// Map zoom, 0 to 22: from 11 on single houses or villages (at most 5000), below that grid
    /// clusters
    #[param(value_type = u8, required = true)]
    zoom: Option<String>,
}

impl ViewportQuery {
    fn viewport(&self) -> Result<Viewport, ApiError> {
        params::viewport(self.bbox.as_deref(), self.zoom.as_deref())
    }
}

#[utoipa::path(get, path = "/api/v1/map/cultural-houses", tag = "map",
    params(ViewportQuery),
    responses((status = 200, description = "Houses or clusters of houses in the view", body = HouseLayer),
        (status = 400, description = "Malformed bbox or zoom", body = ErrorBody)))]
/// The public sees houses with working Wi-Fi everywhere; accounts see every house in scope.
pub async fn houses(view: LayerView) -> Result<Response, ApiError> {
    view.answer("houses", map_layers::houses(&view.db, view.visibility, &view.viewport)).await
}

#[utoipa::path(get, path = "/api/v1/map/visits", tag = "map",
    params(ViewportQuery),
    responses((status = 200, description = "Visits per village or per cluster of villages in the view", body = VisitLayer),
        (status = 400, description = "Malformed bbox or zoom", body = ErrorBody)))]
/// Door-to-door visits and people helped per village in the caller's scope.
pub async fn visits(view: LayerView) -> Result<Response, ApiError> {
    view.answer("visits", map_layers::visits(&view.db, view.visibility, &view.viewport)).await
}

#[utoipa::path(get, path = "/api/v1/map/progress", tag = "map",
    params(ViewportQuery),
    responses((status = 200, description = "Door-to-door progress per village or per cluster of villages in the view", body = ProgressLayer),
        (status = 400, description = "Malformed bbox or zoom", body = ErrorBody)))]
/// Households, households visited, people helped and VNeID activations per village in scope,
/// from the kept village totals.
pub async fn progress(view: LayerView) -> Result<Response, ApiError> {
    view.answer("progress", map_layers::progress(&view.db, view.visibility, &view.viewport)).await
}

#[utoipa::path(get, path = "/api/v1/map/donations", tag = "map",
    params(ViewportQuery),
    responses((status = 200, description = "Donated devices per village or per cluster of villages in the view", body = DonationLayer),
        (status = 400, description = "Malformed bbox or zoom", body = ErrorBody)))]
/// Devices handed over, waiting for their handover, and eligible households still waiting, per
/// village in scope, from the kept village totals.
pub async fn donations(view: LayerView) -> Result<Response, ApiError> {
    view.answer("donations", map_layers::donations(&view.db, view.visibility, &view.viewport)).await
}

/// What every layer request carries: the view asked for, what the caller may see in it, and
/// where its answer is read and kept.
pub struct LayerView {
    db: Db,
    cache: LayerCache,
    viewport: Viewport,
    visibility: Visibility,
}

impl<S> FromRequestParts<S> for LayerView
where
    Db: FromRef<S>,
    LayerCache: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        let Caller(viewer) = Caller::from_request_parts(parts, state).await?;
        let Query(query) = Query::<ViewportQuery>::from_request_parts(parts, state).await?;
        Ok(LayerView {
            db: Db::from_ref(state),
            cache: LayerCache::from_ref(state),
            viewport: query.viewport()?,
            visibility: Visibility::of(&viewer),
        })
    }
}

impl LayerView {
    /// The answer kept for this view of `layer` if still fresh; else what `compute` reads (it
    /// runs only then), serialised once and kept for the next viewers of the same view.
    async fn answer<Layer: serde::Serialize>(
        &self,
        layer: &'static str,
        compute: impl std::future::Future<Output = Result<Layer, domain::StoreError>>,
    ) -> Result<Response, ApiError> {
        let key = LayerKey::new(layer, &self.viewport, self.visibility);
        if let Some(bytes) = self.cache.fresh(&key) {
            return Ok(layer_response(bytes, self.visibility));
        }
        let answer = compute.await?;
        let bytes = Bytes::from(serde_json::to_vec(&answer).map_err(|error| ApiError::Internal(error.to_string()))?);
        self.cache.store(key, bytes.clone());
        Ok(layer_response(bytes, self.visibility))
    }
}

/// The layer's JSON, with how long a browser may reuse it: as long as the server does, and only
/// the browser itself when the answer depends on who asked.
fn layer_response(bytes: Bytes, visibility: Visibility) -> Response {
    let sharing = if visibility.only_active_wifi { "public" } else { "private" };
    let cache_control = format!("{sharing}, max-age={}", FRESH_FOR.as_secs());
    ([(header::CONTENT_TYPE, "application/json".to_owned()), (header::CACHE_CONTROL, cache_control)], bytes)
        .into_response()
}
