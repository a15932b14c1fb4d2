//! The shared core of SahasrahBot.
//!
//! Every other crate of the bot builds on this one:
//! - [`config`]: the configuration (figment: defaults, `sahasrahbot.toml`, `SAHASRAHBOT_*`
//!   environment, and the Python bot's environment names), validation and secret masking;
//! - [`db`]: connecting to SQLite, MySQL/MariaDB or PostgreSQL, and the sea-orm entities of
//!   the tables the bot uses (names and types as the Python bot's MySQL schema has them);
//! - [`guild_config`]: per-guild settings, cached;
//! - [`presets`]: preset files and the mystery roller;
//! - [`telemetry`]: usage events, flushed to the database, purged, reported;
//! - [`ports`]: traits through which lower crates reach higher ones (Discord messages);
//! - [`reference`]: the reference ids that join a user-facing failure to its log line.

pub mod config;
pub mod db;
mod error;
#[cfg(feature = "gateway")]
pub mod gateway;
pub mod guild_config;
pub mod ports;
pub mod presets;
pub mod reference;
pub mod telemetry;

pub use error::{Error, Result};
