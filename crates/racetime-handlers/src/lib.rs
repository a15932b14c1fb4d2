//! SahasrahBot's racetime.gg room handlers (racetime.md §3): the core handler and one module
//! per category, on the `sahasrahbot-racetime` client.
//!
//! * [`start_racetime_bots`]: what the binary calls: one bot per configured category, each
//!   with its handler; categories without (or with refused) credentials are reported
//!   disabled.
//! * [`Services`]: what the handlers share: database, seed providers, presets, and the
//!   ports ([`ChatNotifier`](sahasrahbot_core::ports::ChatNotifier) for Discord,
//!   [`TournamentService`] / [`TournamentRace`] for tournaments, served by the engine through
//!   [`EngineTournaments`] ([`Services::with_tournament_engine`]), [`SpoilerLogs`]), and the
//!   [`RacetimeBots`](sahasrahbot_tournament::ports::RacetimeBots) every connected category
//!   bot joins ([`Services::with_racetime_bots`]).
//! * [`RoomHandler`]: the core handler, generic over a [`Category`] (see [`categories`]).
//! * [`rejoin_unlisted_rooms`]: the start-up sweep of `rtggunlistedrooms`.
//!
//! Commands injected through the [`HandlerRegistry`](sahasrahbot_racetime::HandlerRegistry)
//! are announced and run with moderator rights by [`inject_command`].

pub mod categories;
pub mod core;
mod error;
mod fanout;
mod generate;
pub mod konot;
pub mod ports;
mod register;
mod services;
pub mod spoiler;
pub mod tournament;
pub mod unlisted;

pub use crate::core::{Category, Intro, RoomFactory, RoomHandler};
pub use error::{Error, Result};
pub use ports::{SpoilerKind, SpoilerLogs, TournamentRace, TournamentService};
pub use register::{CoreOnly, StartedBots, bot_config, start, start_category, start_racetime_bots};
pub use services::Services;
pub use tournament::EngineTournaments;
pub use unlisted::{UnlistedSweep, rejoin_unlisted_rooms};

use sahasrahbot_racetime::{CommandOutcome, HandlerRegistry};

/// Runs `cmd` in the live room `room` (`category/slug`) as the API does (racetime.md §3.10):
/// first posts `Executing command from API request: {cmd}`, then dispatches it as a
/// moderator and monitor and waits for it to finish.
///
/// # Errors
/// [`sahasrahbot_racetime::Error::RoomNotHandled`] when the room is not live.
pub async fn inject_command(
    registry: &HandlerRegistry,
    room: &str,
    cmd: &str,
) -> Result<CommandOutcome> {
    let handle = registry
        .get(room)
        .ok_or_else(|| sahasrahbot_racetime::Error::RoomNotHandled(room.to_owned()))?;
    handle
        .room()
        .send_message(format!("Executing command from API request: {cmd}"))?;
    Ok(handle.dispatch_command(cmd).await?)
}
