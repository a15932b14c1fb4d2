//! SahasrahBot's HTTP API and web pages, on poem and poem-openapi.
//!
//! [`app`] builds the routes; [`serve`] runs them on the configured address until
//! cancelled. The OpenAPI document is served at `/api/openapi.json`; locally stored
//! spoiler logs under `/spoilers/`.

mod error;
mod health;
mod problem;
mod server;
mod spoilers;
mod state;

pub use error::{Error, Result};
pub use problem::Problem;
pub use server::{app, serve};
pub use state::AppState;
