pub mod account;
#[cfg(feature = "hydrate")]
mod house_markers;
pub mod map;
pub mod operator_upload;
