//! Ports through which the handlers reach the tournament engine and spoiler log upload. The
//! binary passes implementations in ([`crate::tournament`] adapts the tournament engine);
//! tests pass fakes.

use std::sync::Arc;

use async_trait::async_trait;
use sahasrahbot_core::db::entities::tournament_results;
use sahasrahbot_racetime::{ChatMessage, HandlerError, HandlerResult, Room};
use sahasrahbot_seedgen::GeneratedSeed;

/// A tournament race linked to a room (racetime.md §3.7): the callbacks the room makes.
#[async_trait]
pub trait TournamentRace: Send + Sync {
    /// racetime.gg ids of the players; their join requests are accepted automatically.
    fn player_racetime_ids(&self) -> Vec<String>;

    /// Whether this racetime.gg user may gatekeep (accepted and promoted on request).
    async fn can_gatekeep(&self, racetime_id: &str) -> bool;

    /// `!tournamentrace` from an entrant or a monitor, after the room's gate (tournament.md
    /// §2.9). `Ok(true)` when a seed was rolled: the room then counts a seed as rolled
    /// (`seed_rolled`) until `!cancel`; `Ok(false)` when the race has no roll or one of its
    /// own guards stopped it (nothing is marked).
    async fn process_tournament_race(
        &self,
        room: &Room,
        args: &[String],
        message: &ChatMessage,
    ) -> Result<bool, HandlerError>;

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

/// Finds the tournament race of a room: the one the service linked when it opened the room,
/// or one rebuilt from the room's `tournament_results` row (restarts, tournament.md §2.14).
///
/// The room handler asks whenever it needs the race and has none yet (on `begin`, join
/// requests, status changes, `!tournamentrace`, `!promote`), so a room the service opens is
/// linked whichever runs first: the handler's `begin`, the service's link, or its row.
#[async_trait]
pub trait TournamentService: Send + Sync {
    /// The race the service already linked to `room` (`category/slug`), if any.
    fn linked(&self, room: &str) -> Option<Arc<dyn TournamentRace>> {
        let _ = room;
        None
    }

    /// The tournament race for this row (event and episode id), or `None` when the event is
    /// unknown or no longer active (the room then stays unlinked).
    async fn resume(
        &self,
        room: &Room,
        row: &tournament_results::Model,
    ) -> Result<Option<Arc<dyn TournamentRace>>, crate::Error>;

    /// The room's handler ended (the race finished or was cancelled): forget its race.
    fn unlink(&self, room: &str) {
        let _ = room;
    }
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
