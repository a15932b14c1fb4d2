//! Ports through which the handlers reach code of higher layers (tournaments) or code not
//! written yet (spoiler log upload). The binary passes implementations in.

use std::sync::Arc;

use async_trait::async_trait;
use sahasrahbot_core::db::entities::tournament_results;
use sahasrahbot_racetime::{ChatMessage, HandlerResult, Room};
use sahasrahbot_seedgen::GeneratedSeed;

/// A tournament race linked to a room (racetime.md §3.7): the callbacks the room makes.
#[async_trait]
pub trait TournamentRace: Send + Sync {
    /// racetime.gg ids of the players; their join requests are accepted automatically.
    fn player_racetime_ids(&self) -> Vec<String>;

    /// Whether this racetime.gg user may gatekeep (accepted and promoted on request).
    async fn can_gatekeep(&self, racetime_id: &str) -> bool;

    /// `!tournamentrace` from an entrant or a monitor.
    async fn process_tournament_race(
        &self,
        room: &Room,
        args: &[String],
        message: &ChatMessage,
    ) -> HandlerResult;

    /// The room's handler was (re)created for a race already linked.
    async fn on_room_resume(&self, room: &Room) -> HandlerResult {
        let _ = room;
        Ok(())
    }

    /// The race went `pending` (countdown).
    async fn on_race_pending(&self, room: &Room) -> HandlerResult {
        let _ = room;
        Ok(())
    }

    /// The race went `in_progress`.
    async fn on_race_start(&self, room: &Room) -> HandlerResult {
        let _ = room;
        Ok(())
    }
}

/// Builds the tournament race of a room from its `tournament_results` row, when a handler
/// is created for a room that was already linked (restarts).
#[async_trait]
pub trait TournamentService: Send + Sync {
    /// The tournament race for this row (event and episode id), or `None` when the event is
    /// unknown.
    async fn resume(
        &self,
        room: &Room,
        row: &tournament_results::Model,
    ) -> Result<Option<Arc<dyn TournamentRace>>, crate::Error>;
}

/// What kind of spoiler log a spoiler race posts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SpoilerKind {
    /// The full log.
    Full,
    /// Only the progression items.
    Progression,
}

/// Formats and uploads an alttpr spoiler log, returning its public URL.
#[async_trait]
pub trait SpoilerLogs: Send + Sync {
    /// Publishes the spoiler of `seed` (generated with spoilers `generate`).
    async fn publish(
        &self,
        seed: &GeneratedSeed,
        kind: SpoilerKind,
    ) -> Result<String, crate::Error>;
}
