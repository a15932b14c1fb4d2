//! [`Services`]: what every room handler shares (database, seed providers, presets, ports)
//! and the process-wide per-room memory (intro sent, tournament links).

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};

use sahasrahbot_core::ports::ChatNotifier;
use sahasrahbot_core::presets::PresetStore;
use sahasrahbot_racetime::HostConfig;
use sahasrahbot_seedgen::Seedgen;
use sahasrahbot_tournament::engine::Engine;
use sahasrahbot_tournament::ports::RacetimeBots;
use sea_orm::DatabaseConnection;

use crate::ports::{SpoilerLogs, TournamentRace, TournamentService};
use crate::tournament::EngineTournaments;

/// Everything the handlers need, shared by every category bot of the process.
pub struct Services {
    /// The database (spoiler races, unlisted rooms, KONOT, whitelist, watchlists).
    pub db: DatabaseConnection,
    /// Seed providers.
    pub seedgen: Arc<Seedgen>,
    /// Global preset files.
    pub presets: PresetStore,
    /// Discord fan-out (watchlists); `None` when Discord is disabled.
    pub notifier: Option<Arc<dyn ChatNotifier>>,
    /// The tournament races of rooms; `None` when tournaments do not run in this process.
    pub tournaments: Option<Arc<dyn TournamentService>>,
    /// Where each category bot puts itself once connected, so the tournament engine can open
    /// rooms in its category; `None` when nothing opens rooms.
    pub racetime_bots: Option<RacetimeBots>,
    /// Spoiler log publication; spoiler commands fail with a clear message without it.
    pub spoilers: Option<Arc<dyn SpoilerLogs>>,
    /// The racetime.gg server (for links to rooms).
    pub racetime_host: HostConfig,
    /// Chat command prefix (`!`), as shown in the intro.
    pub command_prefix: String,
    intro_sent: Mutex<HashSet<String>>,
    tournament_links: Mutex<HashMap<String, Arc<dyn TournamentRace>>>,
}

impl std::fmt::Debug for Services {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Services")
            .field("racetime_host", &self.racetime_host)
            .field("command_prefix", &self.command_prefix)
            .finish_non_exhaustive()
    }
}

impl Services {
    /// Services with no Discord, tournament or spoiler-log port and no bot registry; add them
    /// with the `with_*` methods.
    pub fn new(
        db: DatabaseConnection,
        seedgen: Arc<Seedgen>,
        presets: PresetStore,
        racetime_host: HostConfig,
    ) -> Self {
        Self {
            db,
            seedgen,
            presets,
            notifier: None,
            tournaments: None,
            racetime_bots: None,
            spoilers: None,
            racetime_host,
            command_prefix: "!".to_owned(),
            intro_sent: Mutex::new(HashSet::new()),
            tournament_links: Mutex::new(HashMap::new()),
        }
    }

    /// Sets the Discord fan-out.
    pub fn with_notifier(mut self, notifier: Arc<dyn ChatNotifier>) -> Self {
        self.notifier = Some(notifier);
        self
    }

    /// Sets the tournament port.
    pub fn with_tournaments(mut self, tournaments: Arc<dyn TournamentService>) -> Self {
        self.tournaments = Some(tournaments);
        self
    }

    /// Sets the tournament port to the tournament engine ([`EngineTournaments`]): rooms it
    /// opens or that have a `tournament_results` row are linked to its races.
    pub fn with_tournament_engine(self, engine: Arc<Engine>) -> Self {
        self.with_tournaments(Arc::new(EngineTournaments::new(engine)))
    }

    /// Sets the bot registry each category bot joins once connected ([`crate::start`]), the
    /// same [`RacetimeBots`] the tournament engine opens rooms through.
    pub fn with_racetime_bots(mut self, bots: RacetimeBots) -> Self {
        self.racetime_bots = Some(bots);
        self
    }

    /// Sets the spoiler-log port.
    pub fn with_spoiler_logs(mut self, spoilers: Arc<dyn SpoilerLogs>) -> Self {
        self.spoilers = Some(spoilers);
        self
    }

    /// Sets the command prefix shown in intros.
    pub fn with_command_prefix(mut self, prefix: impl Into<String>) -> Self {
        self.command_prefix = prefix.into();
        self
    }

    /// Links a tournament race to a room (the tournament engine calls this right after it
    /// opens the room); the room's handler uses it from then on.
    pub fn link_tournament(&self, room: &str, race: Arc<dyn TournamentRace>) {
        lock(&self.tournament_links).insert(room.to_owned(), race);
    }

    /// The tournament race linked to a room.
    pub fn tournament(&self, room: &str) -> Option<Arc<dyn TournamentRace>> {
        lock(&self.tournament_links).get(room).cloned()
    }

    /// Forgets the tournament race of a room, here and in the tournament port.
    pub(crate) fn unlink_tournament(&self, room: &str) {
        lock(&self.tournament_links).remove(room);
        if let Some(port) = &self.tournaments {
            port.unlink(room);
        }
    }

    /// Marks the intro of `room` sent; false when it already was.
    pub(crate) fn mark_intro_sent(&self, room: &str) -> bool {
        lock(&self.intro_sent).insert(room.to_owned())
    }

    /// `http(s)://host[:port]/{path}` on the racetime.gg server.
    pub fn racetime_url(&self, path: &str) -> String {
        self.racetime_host
            .http_url(path)
            .map(|u| u.to_string())
            .unwrap_or_else(|_| path.to_owned())
    }
}

/// Locks a std mutex; a poisoned one (a panic while held) still holds usable data.
pub(crate) fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}
