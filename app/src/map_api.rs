//! Server functions behind the map page. They call the same domain queries as the REST API.

use crate::error::AppError;
use crate::model::{CulturalHouseDetail, MapData};
use leptos::prelude::*;

#[cfg(feature = "ssr")]
fn state() -> Result<crate::state::AppState, AppError> {
    use_context::<crate::state::AppState>().ok_or_else(|| {
        tracing::error!("AppState missing from the server function context");
        AppError::Unavailable
    })
}

/// Every cultural house, the commune boundaries and the tile source, for the district map.
#[server]
pub async fn load_map_data() -> Result<MapData, AppError> {
    use crate::domain::{admin_units, cultural_houses, geometry, meta};
    use crate::model::CommuneArea;

    let state = state()?;
    let pool = state.db.pool();
    let houses = cultural_houses::list(pool, &cultural_houses::HouseFilter::default()).await?;
    let communes = admin_units::list_for_display(pool, admin_units::Level::Commune, None)
        .await?
        .into_iter()
        .map(|unit| CommuneArea {
            rings: unit
                .area
                .as_ref()
                .map(geometry::outer_rings)
                .unwrap_or_default(),
            code: unit.code,
            name: unit.name,
        })
        .collect();
    Ok(MapData {
        houses,
        communes,
        tiles: state.tiles.clone(),
        is_demo: meta::is_demo(pool).await?,
    })
}

/// One house with its village's latest coverage per operator, for the details panel.
#[server]
pub async fn load_house_detail(id: i64) -> Result<CulturalHouseDetail, AppError> {
    let state = state()?;
    Ok(crate::domain::cultural_houses::detail(state.db.pool(), id).await?)
}
