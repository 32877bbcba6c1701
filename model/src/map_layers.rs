//! Map layers for any viewport, from a village to the whole country: the server answers single
//! features when the view holds few enough of them, else counts per grid cell, so a zoomed-out
//! national map stays a few kilobytes (issue 8). Shared by the server and the browser.

use crate::WifiStatus;
use serde::{Deserialize, Serialize};

/// The cultural houses of a viewport.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum HouseLayer {
    /// Each house (zoomed in, and not too many).
    Houses { houses: Vec<HousePoint> },
    /// Houses counted per square grid cell of `cell_deg` degrees.
    Clusters { cell_deg: f64, clusters: Vec<HouseCluster> },
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct HousePoint {
    pub id: i64,
    pub lon: f64,
    pub lat: f64,
    pub wifi_status: WifiStatus,
}

/// The houses of one grid cell, drawn at their mean position.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct HouseCluster {
    pub lon: f64,
    pub lat: f64,
    pub houses: i64,
    /// Houses with working Wi-Fi.
    pub active: i64,
    /// Houses whose Wi-Fi is broken.
    pub broken: i64,
}

/// Door-to-door visits of a viewport, per village or per grid cell. A village is drawn at the
/// mean GPS position of its visits.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum VisitLayer {
    Villages {
        villages: Vec<VillageVisits>,
        /// Visits in scope made where no phone had a GPS fix: counted, not drawn.
        without_position: i64,
    },
    Clusters {
        cell_deg: f64,
        clusters: Vec<VisitCluster>,
        without_position: i64,
    },
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct VillageVisits {
    pub village_id: i64,
    pub lon: f64,
    pub lat: f64,
    pub visits: i64,
    pub people_helped: i64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct VisitCluster {
    pub lon: f64,
    pub lat: f64,
    pub villages: i64,
    pub visits: i64,
    pub people_helped: i64,
}

/// Door-to-door progress of a viewport, from the kept village totals (issue 21): each village
/// with households drawn at its cultural house when the view holds few enough, else sums per grid
/// cell.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ProgressLayer {
    Villages {
        villages: Vec<VillageProgressPoint>,
        /// Villages in scope with households but no cultural house to draw them at: counted.
        without_position: i64,
    },
    Clusters {
        cell_deg: f64,
        clusters: Vec<ProgressCluster>,
        without_position: i64,
    },
}

/// A village's door-to-door progress, at its cultural house.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct VillageProgressPoint {
    pub village_code: String,
    pub lon: f64,
    pub lat: f64,
    pub progress: ProgressFigures,
}

/// The villages of one grid cell, at their mean position, their progress summed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ProgressCluster {
    pub lon: f64,
    pub lat: f64,
    pub villages: i64,
    pub progress: ProgressFigures,
}

/// Door-to-door progress of a village or of a cell.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ProgressFigures {
    /// Households recorded.
    pub households: i64,
    /// Households with at least one visit.
    pub households_visited: i64,
    pub people_helped: i64,
    /// Visits that ended with VNeID activated.
    pub vneid_activations: i64,
}

/// Donated devices of a viewport, from the kept village totals, like [`ProgressLayer`]: villages
/// where a device was handed over, is waiting for its handover, or an eligible household waits.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum DonationLayer {
    Villages {
        villages: Vec<VillageDonationPoint>,
        /// Villages in scope with devices but no cultural house to draw them at: counted.
        without_position: i64,
    },
    Clusters {
        cell_deg: f64,
        clusters: Vec<DonationCluster>,
        without_position: i64,
    },
}

/// A village's donated devices, at its cultural house.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct VillageDonationPoint {
    pub village_code: String,
    pub lon: f64,
    pub lat: f64,
    pub devices: DonationFigures,
}

/// The villages of one grid cell, at their mean position, their devices summed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct DonationCluster {
    pub lon: f64,
    pub lat: f64,
    pub villages: i64,
    pub devices: DonationFigures,
}

/// Donated devices of a village or of a cell.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct DonationFigures {
    /// Devices handed over.
    pub delivered: i64,
    /// Devices allocated to a household, waiting for their handover.
    pub allocated: i64,
    /// Eligible households still waiting for a device.
    pub waiting: i64,
}
