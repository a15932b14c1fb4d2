//! The per-room handler trait, the factory that creates handlers, and command registration.

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use async_trait::async_trait;

use crate::command::{KeywordArgs, parse_keyword_args};
use crate::error::Error;
use crate::model::{ChatMessage, RaceData};
use crate::room::Room;

/// What a hook or command returns. The error's text is what `Command raised exception: …` shows.
pub type HandlerResult = Result<(), HandlerError>;

/// Any error a handler wants to report.
pub type HandlerError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// A room handler: one value per room, kept for the whole life of the room task (it outlives
/// reconnects and token refreshes), so per-room state lives in its fields.
///
/// Hooks (`begin`, `race_data`, `chat_message`, `error`, `end`) run one at a time in the room's
/// task, in frame order: state changes made there are serialized. Commands run in their own
/// tasks, concurrently with each other and with the hooks; guard shared state with a lock.
#[async_trait]
pub trait RaceHandler: Send + Sync + Sized + 'static {
    /// The commands of this handler type, built once per bot.
    fn commands() -> Commands<Self> {
        Commands::new()
    }

    /// Called once, after the first successful connection (not after reconnects).
    async fn begin(&self, room: &Room) -> HandlerResult {
        let _ = room;
        Ok(())
    }

    /// Called once when the room reaches a terminal status (after that status's `race_data`).
    async fn end(&self, room: &Room) -> HandlerResult {
        let _ = room;
        Ok(())
    }

    /// Called for every `race.data` frame whose version is not older than the current one;
    /// [`Room::race`] already returns the new data, `previous` is the data before.
    async fn race_data(&self, room: &Room, previous: &RaceData) -> HandlerResult {
        let _ = (room, previous);
        Ok(())
    }

    /// Called for every chat message (including bot and system ones) before command dispatch.
    async fn chat_message(&self, room: &Room, message: &ChatMessage) -> HandlerResult {
        let _ = (room, message);
        Ok(())
    }

    /// Called for every server `error` frame. The default logs them.
    async fn error(&self, room: &Room, errors: &[String]) -> HandlerResult {
        tracing::warn!(room = room.name(), ?errors, "racetime.gg reported an error");
        Ok(())
    }

    /// Called when the room gives up reconnecting (after the configured number of consecutive
    /// failures). The room task then ends; discovery may join it again later.
    async fn gave_up(&self, room: &Room, error: &Error) {
        tracing::error!(room = room.name(), %error, "giving up on room");
    }
}

/// Creates a handler for each room a bot joins.
#[async_trait]
pub trait HandlerFactory: Send + Sync + 'static {
    /// The handler type.
    type Handler: RaceHandler;

    /// Whether discovery (and a non-forced join) should handle this race. Default: any status
    /// that is not terminal.
    fn should_handle(&self, race: &RaceData) -> bool {
        !race.status.value.is_terminal()
    }

    /// Builds the handler for a room (for example, restoring state from a database).
    async fn create(&self, race: &RaceData) -> Result<Self::Handler, HandlerError>;
}

/// A command call.
#[derive(Debug, Clone)]
pub struct Invocation {
    /// Command name (without prefix).
    pub name: String,
    /// Words after the command word, split on single spaces.
    pub args: Vec<String>,
    /// The chat message (or a synthetic one for injected commands).
    pub message: Arc<ChatMessage>,
}

impl Invocation {
    /// The `ex2_` parse of the whole message (positional `[0]` is the command word).
    pub fn keyword_args(&self) -> KeywordArgs {
        parse_keyword_args(&self.message.message)
    }
}

/// A boxed command future.
pub type CommandFuture = Pin<Box<dyn Future<Output = HandlerResult> + Send + 'static>>;

type CommandFn<H> = Arc<dyn Fn(Arc<H>, Room, Invocation) -> CommandFuture + Send + Sync>;

/// Commands by exact (case-sensitive) name.
pub struct Commands<H> {
    map: HashMap<String, CommandFn<H>>,
}

impl<H: Send + Sync + 'static> Default for Commands<H> {
    fn default() -> Self {
        Self::new()
    }
}

impl<H> std::fmt::Debug for Commands<H> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_set().entries(self.map.keys()).finish()
    }
}

impl<H: Send + Sync + 'static> Commands<H> {
    /// No commands.
    pub fn new() -> Self {
        Self {
            map: HashMap::new(),
        }
    }

    /// Registers `name` (replacing any command of that name).
    pub fn add<F, Fut>(mut self, name: impl Into<String>, f: F) -> Self
    where
        F: Fn(Arc<H>, Room, Invocation) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = HandlerResult> + Send + 'static,
    {
        self.map.insert(
            name.into(),
            Arc::new(move |h, room, inv| Box::pin(f(h, room, inv))),
        );
        self
    }

    /// Whether `name` is registered.
    pub fn contains(&self, name: &str) -> bool {
        self.map.contains_key(name)
    }

    /// The registered names.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.map.keys().map(String::as_str)
    }

    pub(crate) fn get(&self, name: &str) -> Option<CommandFn<H>> {
        self.map.get(name).cloned()
    }
}
