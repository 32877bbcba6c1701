//! Server functions behind the map page. They call the same domain queries as the REST API.

use crate::error::AppError;
use crate::model::{CulturalHouseDetail, MapData};
use leptos::prelude::*;

#[cfg(feature = "ssr")]
pub(crate) fn state() -> Result<crate::state::AppState, AppError> {
    use_context::<crate::state::AppState>().ok_or_else(|| {
        tracing::error!("AppState missing from the server function context");
        AppError::Unavailable
    })
}

/// The viewer of the current server-function call (browser session, or the public).
#[cfg(feature = "ssr")]
pub(crate) async fn viewer(state: &crate::state::AppState) -> Result<domain::access::Viewer, AppError> {
    use crate::web::caller::{resolve_viewer, CredentialError};
    let parts = use_context::<http::request::Parts>().ok_or(AppError::Unavailable)?;
    resolve_viewer(&parts, &state.db).await.map_err(|error| match error {
        CredentialError::Store(error) => error.into(),
        CredentialError::Malformed | CredentialError::InvalidToken => AppError::SignInRequired,
    })
}

/// The cultural houses the viewer may see, the commune boundaries and the tile source.
#[server(endpoint = "map/data")]
pub async fn load_map_data() -> Result<MapData, AppError> {
    crate::error::responding(async move {
        use crate::model::CommuneArea;
        use domain::access::Visibility;
        use domain::{admin_units, cultural_houses, geometry, meta};

        let state = state()?;
        let viewer = viewer(&state).await?;
        let visibility = Visibility::of(&viewer);
        let pool = state.db.pool();
        let houses = cultural_houses::list(pool, &cultural_houses::HouseFilter::default(), visibility).await?;
        let communes = admin_units::list_for_display(pool, admin_units::Level::Commune, None)
            .await?
            .into_iter()
            .map(|unit| CommuneArea {
                rings: unit.area.as_ref().map(geometry::outer_rings).unwrap_or_default(),
                code: unit.code,
                name: unit.name,
            })
            .collect();
        let wifi_editing = viewer.as_ref().map_or(crate::model::WifiEditing::No, cultural_houses::wifi_editing);
        let mut tiles = state.tiles.clone();
        if let Some(credit) = meta::boundary_credit(pool).await? {
            // The tiles' attribution is HTML the operator configured; the credit is data, so text.
            tiles.attribution = format!("{} | {}", tiles.attribution, html_escape::encode_text(&credit));
        }
        let setup_needed = houses.is_empty()
            && viewer.as_ref().is_some_and(|principal| principal.role.can(crate::model::Capability::ManagePlaces));
        Ok(MapData {
            setup_needed,
            houses,
            communes,
            tiles,
            is_demo: meta::is_demo(pool).await?,
            public_view: viewer.is_none(),
            wifi_editing,
            operators: domain::coverage::operators(pool).await?,
        })
    })
    .await
}

/// The latest coverage of every village, for the coverage and dead-zone layers.
#[server(endpoint = "map/coverage")]
pub async fn load_coverage() -> Result<Vec<crate::model::VillageCoverage>, AppError> {
    crate::error::responding(async move {
        let state = state()?;
        Ok(domain::coverage::operator_claims(state.db.pool(), true).await?)
    })
    .await
}

/// Saves a Wi-Fi change made by hand in the details panel, at the version the form was filled
/// from (a change by someone else meanwhile is a conflict, never overwritten).
#[server(endpoint = "map/wifi")]
pub async fn save_wifi(
    id: i64,
    version: i64,
    update: crate::model::WifiUpdate,
) -> Result<crate::model::CulturalHouse, AppError> {
    crate::error::responding(async move {
        let state = state()?;
        let principal = viewer(&state).await?.ok_or(AppError::SignInRequired)?;
        Ok(domain::cultural_houses::update_wifi(&state.db, &principal, id, version, update).await?)
    })
    .await
}

/// Places a house where the phone stands ("Tôi đang đứng ở nhà văn hóa"), with the fix's accuracy.
#[server(endpoint = "map/place")]
pub async fn place_house(
    id: i64,
    lat: f64,
    lon: f64,
    accuracy_m: Option<f64>,
) -> Result<crate::model::CulturalHouse, AppError> {
    crate::error::responding(async move {
        let state = state()?;
        let principal = viewer(&state).await?.ok_or(AppError::SignInRequired)?;
        let placement = domain::house_placement::Placement { lat, lon, accuracy_m };
        Ok(domain::house_placement::place(&state.db, &principal, id, placement).await?)
    })
    .await
}

/// The Wi-Fi timeline of one house, newest first, for the details panel.
#[server(endpoint = "map/history")]
pub async fn load_wifi_history(id: i64) -> Result<Vec<crate::model::WifiChange>, AppError> {
    crate::error::responding(async move {
        use domain::access::Visibility;
        let state = state()?;
        let visibility = Visibility::of(&viewer(&state).await?);
        // The panel shows the recent timeline; the full one is in the API (paged).
        let recent = domain::db::Page::first(100);
        Ok(domain::cultural_houses::wifi_history(state.db.pool(), id, visibility, recent).await?)
    })
    .await
}

/// One house with its village's latest coverage per operator, for the details panel.
#[server(endpoint = "map/house")]
pub async fn load_house_detail(id: i64) -> Result<CulturalHouseDetail, AppError> {
    crate::error::responding(async move {
        use domain::access::Visibility;
        let state = state()?;
        let visibility = Visibility::of(&viewer(&state).await?);
        Ok(domain::cultural_houses::detail(state.db.pool(), id, visibility).await?)
    })
    .await
}

/// What the teams' phones measured per village, for the "đo thực tế" layer. Signed-in accounts
/// only (within scope); the public gets an empty list.
#[server(endpoint = "map/measured")]
pub async fn load_field_measurements() -> Result<Vec<crate::field_records::VillageMeasurement>, AppError> {
    crate::error::responding(async move {
        let state = state()?;
        match viewer(&state).await? {
            Some(principal) => Ok(domain::field::measurements(state.db.pool(), &principal).await?),
            None => Ok(Vec::new()),
        }
    })
    .await
}

/// Door-to-door progress per village in the viewer's scope, for the "lượt thăm hộ" layer:
/// aggregates only. Roles that do not read field progress (the public, operators) get none.
#[server(endpoint = "map/progress")]
pub async fn load_village_progress() -> Result<Vec<crate::field_records::VillageProgress>, AppError> {
    crate::error::responding(async move {
        let state = state()?;
        match viewer(&state).await? {
            Some(principal) if principal.role.can(crate::model::Capability::ReadFieldProgress) => {
                Ok(domain::field::progress(state.db.pool(), &principal).await?)
            }
            _ => Ok(Vec::new()),
        }
    })
    .await
}

/// Donations per village in the viewer's scope, for the "tặng thiết bị" layer: aggregates only.
/// Roles that do not read field progress (the public, operators) get none.
#[server(endpoint = "map/donations")]
pub async fn load_village_donations() -> Result<Vec<crate::donations::VillageDonations>, AppError> {
    crate::error::responding(async move {
        let state = state()?;
        match viewer(&state).await? {
            Some(principal) if principal.role.can(crate::model::Capability::ReadFieldProgress) => {
                Ok(domain::donations::village_donations(state.db.pool(), &principal).await?)
            }
            _ => Ok(Vec::new()),
        }
    })
    .await
}

/// The telecom operators (code, name), for the SIM picker of a measurement: the field app and
/// the map page ask this instead of the whole map data.
#[server(endpoint = "map/operators")]
pub async fn load_operators() -> Result<Vec<(String, String)>, AppError> {
    crate::error::responding(async move { Ok(domain::coverage::operators(state()?.db.pool()).await?) }).await
}

/// The map tile source (URL template and attribution), for pages that draw a map without the
/// rest of the map data.
#[server(endpoint = "map/tiles")]
pub async fn load_tile_source() -> Result<crate::model::TileSource, AppError> {
    crate::error::responding(async move { Ok(state()?.tiles.clone()) }).await
}
