//! The server's web plumbing shared by server functions and the REST API: browser sessions
//! (tower-sessions' store on our database), signing in (axum-login's backend), resolving who sent
//! a request, and the short-lived cache of map answers. The domain below knows none of it.

pub mod auth_backend;
pub mod caller;
pub mod client;
pub mod layer_cache;
pub mod sessions;
