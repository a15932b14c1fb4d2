//! SahasrahBot's HTTP API and web pages, on poem and poem-openapi.
//!
//! [`app`] builds the routes; [`serve`] runs them on the configured address until
//! cancelled. The OpenAPI document is served at `/api/openapi.json`; locally stored
//! spoiler logs under `/spoilers/`.

mod api;
mod error;
mod health;
mod problem;
mod server;
mod spoilers;
mod state;
pub mod web;

pub use error::{Error, Result};
pub use health::DiscordHealth;
pub use problem::{PROBLEM_JSON, Problem};
pub use server::{app, openapi_json, serve};
pub use state::AppState;
