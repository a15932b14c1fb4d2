//! SahasrahBot's tournament engine (`tournament.md` of the specs).
//!
//! - [`speedgaming`]: the SpeedGaming client and the episode model with its derived values.
//! - [`definition`]: the handler catalog ([`HandlerKind`]) and each event's
//!   [`EventDefinition`] (guild, channels, roles, timing, room settings).
//! - [`ports`]: how the engine reaches racetime.gg category bots and Discord guilds.
//! - [`registry`]: the active events, built in or read from `tournaments.yaml`.
//! - [`race_info`], [`time`], [`title_map`], [`dailies`]: the texts and data built from
//!   episodes (race infos, announcements, `/sgdaily`), Eastern times and the SG windows,
//!   and the title → preset maps.
//! - [`asynctournament`]: async tournaments — rules, scoring, leaderboard, permissions and
//!   the database service the Discord `/async` commands and the web pages share.
//! - [`bad_discord`]: the report of SpeedGaming runners missing from the event's guild.
//! - [`week`]: the `week_races` loop (submission reminders, Discord scheduled events, the
//!   scheduling-needs board) and its Discord ports.
//!
//! The registry read from `tournaments.yaml`, the race lifecycle, dailies and the loops are
//! built on these.

pub mod asynctournament;
pub mod bad_discord;
pub mod dailies;
pub mod definition;
pub mod engine;
mod error;
pub mod ports;
pub mod race_info;
pub mod registry;
pub mod speedgaming;
#[cfg(feature = "testing")]
pub mod testing;
pub mod time;
pub mod title_map;
pub mod week;

pub use definition::{EventDefinition, HandlerKind};
pub use error::{Error, Result};
pub use registry::Registry;
pub use speedgaming::{Episode, SpeedGaming};
