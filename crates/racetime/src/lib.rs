//! A racetime.gg bot client.
//!
//! * [`Bot`]: one category bot. OAuth2 client credentials (`POST /o/token`), refreshed before
//!   expiry; after a refresh every room socket reconnects with the new token, keeping its
//!   handler (and so its state). Discovery polls the bot feed `/o/{category}/data` (which lists
//!   unlisted rooms) and joins every race whose status is not terminal and that
//!   [`HandlerFactory::should_handle`] accepts; [`Bot::join_room`] joins by name.
//! * One tokio task per room over tokio-tungstenite with the bearer token; reconnects in place
//!   with exponential backoff and jitter, gives up after
//!   [`BotConfig::max_reconnect_failures`] consecutive failures and reports it
//!   ([`RaceHandler::gave_up`]). Unknown statuses, unknown frame types, extra fields and both
//!   `chat.history` shapes are tolerated; malformed frames are logged and skipped.
//! * [`RaceHandler`] hooks and [`Commands`]: `!name args` (case-sensitive, single-space split),
//!   plus [`Invocation::keyword_args`] for the `ex2_` form. Commands run concurrently; an error
//!   posts `Command raised exception: …`; bot and system messages never trigger commands.
//! * [`Room`]: every bot action of the bot socket as a typed method, plus [`Room::edit`];
//!   [`Bot::start_race`], [`Bot::get_team`], [`Bot::get_user`].
//! * [`HandlerRegistry`]: live rooms by name for other subsystems, with command injection.
//! * Shutdown: cancel the [`CancellationToken`] given to
//!   [`Bot::connect`]; [`Bot::run`] returns once every socket is closed.
//!
//! ```no_run
//! use std::sync::Arc;
//! use std::sync::atomic::{AtomicU64, Ordering};
//!
//! use sahasrahbot_racetime::{
//!     Bot, BotConfig, CancellationToken, Commands, DefaultFactory, HandlerRegistry,
//!     HandlerResult, RaceHandler, Room,
//! };
//!
//! #[derive(Default)]
//! struct Counter {
//!     n: AtomicU64, // per-room state: lives as long as the room task, across reconnects
//! }
//!
//! #[async_trait::async_trait]
//! impl RaceHandler for Counter {
//!     fn commands() -> Commands<Self> {
//!         Commands::new().add("count", |me: Arc<Self>, room: Room, inv| async move {
//!             let n = me.n.fetch_add(1, Ordering::SeqCst) + 1;
//!             let flags = inv.keyword_args(); // `--key=value` / `--flag` / `--no-flag`
//!             room.send_message(format!("{n} ({} keywords)", flags.keywords.len()))?;
//!             Ok(())
//!         })
//!     }
//!
//!     async fn begin(&self, room: &Room) -> HandlerResult {
//!         room.send_message("Hello! Type !count.")?;
//!         Ok(())
//!     }
//! }
//!
//! # async fn run() -> Result<(), sahasrahbot_racetime::Error> {
//! let cancel = CancellationToken::new();
//! let registry = HandlerRegistry::new();
//! let config = BotConfig::new("my-category", "client id", "client secret");
//! let bot = Bot::connect(config, DefaultFactory::<Counter>::new(), registry.clone(), cancel.clone())
//!     .await?;
//! tokio::spawn({ let bot = bot.clone(); async move { bot.run().await } });
//! // elsewhere: inject a command as a moderator would
//! registry.dispatch_command("my-category/some-race-1234", "!count").await?;
//! cancel.cancel(); // stops polling and closes every room socket
//! # Ok(()) }
//! ```
//!
//! See `examples/echo_bot.rs` for a complete bot (with `--demo`, it runs against the testkit
//! fake).

mod api;
mod bot;
pub mod command;
mod config;
mod error;
mod handler;
pub mod model;
mod registry;
mod room;
mod tls;

pub use api::RaceSettings;
pub use bot::{Bot, DefaultFactory};
pub use command::{ArgValue, KeywordArgs, ParsedCommand, parse_command, parse_keyword_args};
pub use config::{Backoff, BotConfig, HostConfig};
pub use error::{Error, Result};
pub use handler::{
    CommandFuture, Commands, HandlerError, HandlerFactory, HandlerResult, Invocation, RaceHandler,
};
pub use model::{ChatMessage, RaceData, RaceStatusValue, ServerMessage};
pub use registry::{HandlerRegistry, RoomHandle};
pub use room::{ChatAction, CommandOutcome, MessageOptions, Room};
pub use tokio_util::sync::CancellationToken;
