//! The tournament port over the real engine (racetime.md §3.7, tournament.md §2.6–§2.14):
//! [`EngineTournaments`] serves [`TournamentService`] from an
//! [`Engine`](sahasrahbot_tournament::engine::Engine), and the engine's
//! [`TournamentRace`](sahasrahbot_tournament::engine::TournamentRace) is the room's
//! [`TournamentRace`].

use std::sync::Arc;

use async_trait::async_trait;
use sahasrahbot_core::db::entities::tournament_results;
use sahasrahbot_racetime::{ChatMessage, HandlerError, HandlerResult, Room};
use sahasrahbot_tournament::engine::{self, Engine};

use crate::ports::{TournamentRace, TournamentService};

/// The tournament engine as the room handlers' [`TournamentService`]: the races it links
/// when it opens rooms, and resumption from `tournament_results` rows after a restart.
#[derive(Debug, Clone)]
pub struct EngineTournaments(Arc<Engine>);

impl EngineTournaments {
    /// The port over `engine` (the one running `create_races`, so its links are seen).
    pub fn new(engine: Arc<Engine>) -> Self {
        Self(engine)
    }

    /// The engine.
    pub fn engine(&self) -> &Arc<Engine> {
        &self.0
    }
}

fn as_port(race: Arc<engine::TournamentRace>) -> Arc<dyn TournamentRace> {
    race
}

#[async_trait]
impl TournamentService for EngineTournaments {
    fn linked(&self, room: &str) -> Option<Arc<dyn TournamentRace>> {
        self.0.linked(room).map(as_port)
    }

    async fn resume(
        &self,
        room: &Room,
        row: &tournament_results::Model,
    ) -> Result<Option<Arc<dyn TournamentRace>>, crate::Error> {
        Ok(self.0.resume(room, row).await?.map(as_port))
    }

    fn unlink(&self, room: &str) {
        self.0.unlink(room);
    }
}

fn boxed(e: sahasrahbot_tournament::Error) -> HandlerError {
    Box::new(e)
}

// The engine race's inherent methods share these names; they are called by path so the
// trait methods never call themselves.
#[async_trait]
impl TournamentRace for engine::TournamentRace {
    fn player_racetime_ids(&self) -> Vec<String> {
        engine::TournamentRace::player_racetime_ids(self)
    }

    async fn can_gatekeep(&self, racetime_id: &str) -> bool {
        engine::TournamentRace::can_gatekeep(self, racetime_id).await
    }

    async fn process_tournament_race(
        &self,
        room: &Room,
        args: &[String],
        message: &ChatMessage,
    ) -> Result<bool, HandlerError> {
        engine::TournamentRace::process_tournament_race(self, room, args, message)
            .await
            .map_err(boxed)
    }

    async fn on_room_resume(&self, room: &Room) -> HandlerResult {
        engine::TournamentRace::on_room_resume(self, room)
            .await
            .map_err(boxed)
    }

    async fn on_race_pending(&self, room: &Room) -> HandlerResult {
        engine::TournamentRace::on_race_pending(self, room)
            .await
            .map_err(boxed)
    }

    async fn on_race_start(&self, room: &Room) -> HandlerResult {
        engine::TournamentRace::on_race_start(self, room)
            .await
            .map_err(boxed)
    }
}
