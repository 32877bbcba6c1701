pub mod account;
pub(crate) mod api_client;
pub mod dashboard;
pub mod donations;
pub mod field;
#[cfg(feature = "hydrate")]
mod house_markers;
pub(crate) mod leaflet;
pub mod map;
mod map_preview;
pub mod members;
pub mod operator_inbox;
pub mod operator_upload;
pub mod report;
pub mod routes;
pub mod setup;
