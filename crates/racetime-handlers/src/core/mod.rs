//! The core room handler (racetime.md §3.2–§3.6): per-room state, lifecycle hooks, status
//! transitions, unlisted-room rows, tournament auto-accept, and the roll guard.

mod commands;
pub mod texts;

use std::marker::PhantomData;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use sahasrahbot_racetime::model::Entrant;
use sahasrahbot_racetime::{
    ChatAction, ChatMessage, Commands, HandlerError, HandlerFactory, HandlerResult, RaceData,
    RaceHandler, Room,
};
use tokio::time::Instant;
use tracing::{Instrument, info, info_span, warn};

use crate::konot::{self, KonotSegment};
use crate::ports::TournamentRace;
use crate::services::{Services, lock};
use crate::{fanout, spoiler, unlisted};

pub(crate) use commands::core_commands;

/// How a category greets a room that is open or invitational when the handler starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Intro {
    /// The core greeting, once per room per process.
    Core,
    /// The core greeting with the "Roll a Game" button, once per room per process, not in
    /// bot-opened or tournament rooms.
    Alttpr,
    /// A fixed greeting on every handler start (contra).
    EveryStart(&'static str),
    /// No greeting.
    None,
}

/// What makes one category different from the core handler.
pub trait Category: Send + Sync + Sized + 'static {
    /// The intro rule.
    const INTRO: Intro = Intro::Core;
    /// Whether `!cancel` is monitor-only and deletes the scheduled spoiler race (alttpr).
    const MONITOR_CANCEL: bool = false;
    /// Whether the room's comments are hidden when the countdown starts (alttpr).
    const HIDE_COMMENTS_ON_PENDING: bool = false;

    /// Adds (or replaces) commands on top of the core ones.
    fn commands(core: Commands<RoomHandler<Self>>) -> Commands<RoomHandler<Self>>;
}

#[derive(Debug, Default)]
struct RollState {
    rolled: bool,
    in_flight: bool,
}

/// The room handler of category `C`: one per room, for the life of the room task.
pub struct RoomHandler<C> {
    pub(crate) services: Arc<Services>,
    locked: AtomicBool,
    roll: Mutex<RollState>,
    last_status: Mutex<Option<String>>,
    last_unlisted: Mutex<bool>,
    pub(crate) konot: Mutex<Option<KonotSegment>>,
    pub(crate) spoiler: spoiler::SpoilerState,
    last_echo: Mutex<Option<Instant>>,
    /// Serialises tournament look-ups (a command and a hook must not resume twice).
    tournament_lookup: tokio::sync::Mutex<()>,
    /// The room's `tournament_results` row names an event the service does not run: no
    /// point asking again.
    tournament_inactive: AtomicBool,
    _category: PhantomData<fn() -> C>,
}

impl<C> std::fmt::Debug for RoomHandler<C> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RoomHandler")
            .field("locked", &self.locked)
            .finish_non_exhaustive()
    }
}

/// How long after an echo of a server error further errors are only logged: they are most
/// likely the failure of the echo itself (racetime.md §5.14).
const ECHO_QUIET: Duration = Duration::from_secs(5);

impl<C: Category> RoomHandler<C> {
    /// A fresh handler (unlocked, nothing rolled).
    pub fn new(services: Arc<Services>) -> Self {
        Self {
            services,
            locked: AtomicBool::new(false),
            roll: Mutex::new(RollState::default()),
            last_status: Mutex::new(None),
            last_unlisted: Mutex::new(false),
            konot: Mutex::new(None),
            spoiler: spoiler::SpoilerState::default(),
            last_echo: Mutex::new(None),
            tournament_lookup: tokio::sync::Mutex::new(()),
            tournament_inactive: AtomicBool::new(false),
            _category: PhantomData,
        }
    }

    /// The shared services.
    pub fn services(&self) -> &Arc<Services> {
        &self.services
    }

    /// Whether `!lock` is in force.
    pub fn is_locked_flag(&self) -> bool {
        self.locked.load(Ordering::SeqCst)
    }

    pub(crate) fn set_locked(&self, locked: bool) {
        self.locked.store(locked, Ordering::SeqCst);
    }

    /// Whether a seed is rolled in this room.
    pub fn seed_rolled(&self) -> bool {
        lock(&self.roll).rolled
    }

    /// Marks a seed rolled (tournament code rolling its own seed) or clears it.
    pub fn set_seed_rolled(&self, rolled: bool) {
        lock(&self.roll).rolled = rolled;
    }

    /// The tournament race linked to the room (as far as this process knows now; see
    /// [`RoomHandler::find_tournament`]).
    pub fn tournament(&self, room: &Room) -> Option<Arc<dyn TournamentRace>> {
        self.services.tournament(room.name())
    }

    /// The tournament race of the room, linking it first when the room has none yet: the
    /// race the tournament service linked (a room it opened), else one rebuilt from the
    /// room's `tournament_results` row (then `on_room_resume` runs). Asked again each time
    /// it is needed while nothing is found, because the service links a room it opens, and
    /// writes its row, after the bot joined it (tournament.md §2.14). Failures are logged
    /// and leave the room unlinked for now.
    pub async fn find_tournament(&self, room: &Room) -> Option<Arc<dyn TournamentRace>> {
        if let Some(race) = self.tournament(room) {
            return Some(race);
        }
        let port = self.services.tournaments.clone()?;
        let _guard = self.tournament_lookup.lock().await;
        if let Some(race) = self.tournament(room) {
            return Some(race);
        }
        if let Some(race) = port.linked(room.name()) {
            info!(
                room = room.name(),
                category = room.category(),
                "tournament race linked"
            );
            self.services.link_tournament(room.name(), race.clone());
            return Some(race);
        }
        if self.tournament_inactive.load(Ordering::SeqCst) {
            return None;
        }
        use sahasrahbot_core::db::entities::tournament_results as tr;
        use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
        let row = match tr::Entity::find()
            .filter(tr::Column::SrlId.eq(room.name()))
            .one(&self.services.db)
            .await
        {
            Ok(Some(row)) => row,
            Ok(None) => return None,
            Err(e) => {
                warn!(room = room.name(), category = room.category(), error = %e, "tournament lookup failed");
                return None;
            }
        };
        match port.resume(room, &row).await {
            Ok(Some(race)) => {
                info!(
                    room = room.name(),
                    category = room.category(),
                    event = ?row.event,
                    "tournament race resumed"
                );
                self.services.link_tournament(room.name(), race.clone());
                if let Err(e) = race.on_room_resume(room).await {
                    warn!(room = room.name(), category = room.category(), error = %e, "tournament on_room_resume failed");
                }
                Some(race)
            }
            Ok(None) => {
                self.tournament_inactive.store(true, Ordering::SeqCst);
                None
            }
            Err(e) => {
                warn!(room = room.name(), category = room.category(), error = %e, "could not resume the tournament race");
                None
            }
        }
    }

    /// Runs a roll under the guard: refused when already rolled (or another roll is under
    /// way: two quick rolls no longer both pass, racetime.md §5.16) or locked. `roll`
    /// answers whether a seed now counts as rolled.
    pub(crate) async fn guarded_roll<F, Fut>(
        &self,
        room: &Room,
        message: &ChatMessage,
        roll: F,
    ) -> HandlerResult
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<bool, HandlerError>>,
    {
        {
            let mut state = lock(&self.roll);
            if state.rolled || state.in_flight {
                drop(state);
                room.send_message(texts::ALREADY_ROLLED)?;
                return Ok(());
            }
            if self.is_locked_flag() && !message.sender_is_monitor() {
                drop(state);
                room.send_message(texts::LOCKED)?;
                return Ok(());
            }
            state.in_flight = true;
        }
        let result = roll().await;
        let mut state = lock(&self.roll);
        state.in_flight = false;
        if let Ok(true) = result {
            state.rolled = true;
        }
        result.map(|_| ())
    }

    async fn intro(&self, room: &Room, race: &RaceData) -> HandlerResult {
        let greeting = texts::intro(&self.services.command_prefix);
        match C::INTRO {
            Intro::None => {}
            Intro::EveryStart(text) => room.send_message(text)?,
            Intro::Core => {
                if self.services.mark_intro_sent(room.name()) {
                    room.send_message(greeting)?;
                }
            }
            Intro::Alttpr => {
                if self.tournament(room).is_some() || race.opened_by_bot.is_some() {
                    return Ok(());
                }
                if self.services.mark_intro_sent(room.name()) {
                    let options = sahasrahbot_racetime::MessageOptions {
                        actions: Some([("Roll a Game".to_owned(), roll_a_game_action())].into()),
                        ..Default::default()
                    };
                    room.send_message_with(greeting, options)?;
                }
            }
        }
        Ok(())
    }

    async fn auto_accept(&self, room: &Room, race: &RaceData) -> HandlerResult {
        // Deleted users (no user object) cannot be accepted (racetime.md §5.10).
        let requests: Vec<&str> = race
            .entrants
            .iter()
            .filter(|e| e.status.value == "requested")
            .filter_map(|e| e.user.as_ref().map(|u| u.id.as_str()))
            .collect();
        if requests.is_empty() {
            return Ok(());
        }
        let Some(tournament) = self.find_tournament(room).await else {
            return Ok(());
        };
        let players = tournament.player_racetime_ids();
        for id in requests {
            if players.iter().any(|p| p == id) {
                room.accept_request(id)?;
            } else if tournament.can_gatekeep(id).await {
                room.accept_request(id)?;
                room.add_monitor(id)?;
            }
        }
        Ok(())
    }

    async fn status_changed(&self, room: &Room, status: &str) -> HandlerResult {
        fanout::status_changed(&self.services, room, status);
        match status {
            "pending" => {
                if let Some(t) = self.find_tournament(room).await {
                    t.on_race_pending(room).await?;
                }
                if C::HIDE_COMMENTS_ON_PENDING {
                    room.edit(|s| s.hide_comments = true).await?;
                }
            }
            "in_progress" => {
                spoiler::send_spoiler_log(self, room).await?;
                if let Some(t) = self.find_tournament(room).await {
                    t.on_race_start(room).await?;
                }
            }
            "finished" => {
                let mut segment = lock(&self.konot).clone();
                if segment.is_none() {
                    // A room the category feed joined before the previous segment's handler
                    // wrote its row (begin() found none): look again now.
                    segment = konot::resume(&self.services.db, room.name()).await?;
                    lock(&self.konot).clone_from(&segment);
                }
                if let Some(segment) = segment {
                    konot::create_next_room(&self.services, room, &segment).await?;
                }
            }
            _ => {}
        }
        Ok(())
    }
}

/// The alttpr intro's "Roll a Game" button (racetime.md §3.12 alttpr).
pub(crate) fn roll_a_game_action() -> ChatAction {
    use serde_json::json;
    ChatAction {
        message: Some(
            "!newrace --preset=${preset} ${--quickswap} ${--spoiler_race} --countdown=${countdown} --branch=${branch}"
                .to_owned(),
        ),
        submit: Some("Roll Game".to_owned()),
        survey: Some(json!([
            {"name": "preset", "label": "Preset", "type": "input", "placeholder": "eg. standard",
             "help": "The preset to use for the game.  See https://sahasrahbot.synack.live/rtgg.html for a list of presets."},
            {"name": "--quickswap", "label": "Quickswap", "type": "bool", "default": true,
             "help": "Whether or not to allow quickswap.  Defaults to true."},
            {"name": "--spoiler_race", "label": "Spoiler Race", "type": "bool",
             "help": "Is this a spoiler race? Default is false."},
            {"name": "countdown", "label": "Countdown", "type": "input", "default": "900",
             "placeholder": "eg. 900 (ignored if not spoiler race)",
             "help": "How long to wait before sending the spoiler log.  Defaults to 900 seconds.  Ignored if not a spoiler race."},
            {"name": "branch", "label": "Branch", "type": "select",
             "options": {"live": "Live", "tournament": "Tournament", "beeta": "Beeta"},
             "default": "live",
             "help": "Which branch to use for the game.  Defaults to live."}
        ])),
        ..Default::default()
    }
}

/// Whether an entrant counts for `!tournamentrace` (joined, in any racing state).
pub(crate) fn is_racing_entrant(entrant: &Entrant, user_id: &str) -> bool {
    const STATES: [&str; 6] = ["ready", "not_ready", "in_progress", "done", "dnf", "dq"];
    entrant.user.as_ref().is_some_and(|u| u.id == user_id)
        && STATES.contains(&entrant.status.value.as_str())
}

#[async_trait]
impl<C: Category> RaceHandler for RoomHandler<C> {
    fn commands() -> Commands<Self> {
        C::commands(core_commands::<C>())
    }

    async fn begin(&self, room: &Room) -> HandlerResult {
        let span = info_span!("begin", room = room.name(), category = room.category());
        async {
            self.set_locked(false);
            // The tournament link first, so a resumed tournament room is not greeted (the
            // original linked it after the intro).
            self.find_tournament(room).await;
            let race = room.race();
            if race.status.value.is_preparing() {
                self.intro(room, &race).await?;
            }
            if lock(&self.konot).is_none() {
                match konot::resume(&self.services.db, room.name()).await {
                    Ok(segment) => *lock(&self.konot) = segment,
                    Err(e) => warn!(error = %e, "could not load the KONOT segment"),
                }
            }
            spoiler::resume(self, room).await;
            Ok(())
        }
        .instrument(span)
        .await
    }

    async fn end(&self, room: &Room) -> HandlerResult {
        // The race finished or was cancelled: nothing calls its tournament race any more.
        self.services.unlink_tournament(room.name());
        info!(
            room = room.name(),
            category = room.category(),
            "Leaving race room {}",
            room.name()
        );
        Ok(())
    }

    async fn race_data(&self, room: &Room, _previous: &RaceData) -> HandlerResult {
        let span = info_span!("race_data", room = room.name(), category = room.category());
        async {
            let race = room.race();
            self.auto_accept(room, &race).await?;

            let status = race.status.value.as_str().to_owned();
            let changed = {
                let mut last = lock(&self.last_status);
                let changed = last.as_deref().is_some_and(|prev| prev != status);
                *last = Some(status.clone());
                changed
            };
            let result = if changed {
                self.status_changed(room, &status).await
            } else {
                Ok(())
            };

            let was_unlisted = std::mem::replace(&mut *lock(&self.last_unlisted), race.unlisted);
            if was_unlisted != race.unlisted
                && let Err(e) = unlisted::record(
                    &self.services.db,
                    room.name(),
                    room.category(),
                    race.unlisted,
                )
                .await
            {
                warn!(error = %e, "could not record the unlisted room");
            }
            result
        }
        .instrument(span)
        .await
    }

    async fn error(&self, room: &Room, errors: &[String]) -> HandlerResult {
        let now = Instant::now();
        let quiet = {
            let mut last = lock(&self.last_echo);
            let quiet = last.is_some_and(|t| now.duration_since(t) < ECHO_QUIET);
            if !quiet {
                *last = Some(now);
            }
            quiet
        };
        let own_token = errors.iter().any(|e| e.contains("Permission denied"));
        if quiet || own_token {
            warn!(
                room = room.name(),
                category = room.category(),
                ?errors,
                "racetime.gg error not echoed"
            );
            return Ok(());
        }
        room.send_message(texts::exception(&errors.join(",")))?;
        Ok(())
    }
}

/// Builds [`RoomHandler`]s of category `C` for a bot.
pub struct RoomFactory<C> {
    services: Arc<Services>,
    _category: PhantomData<fn() -> C>,
}

impl<C> std::fmt::Debug for RoomFactory<C> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RoomFactory").finish_non_exhaustive()
    }
}

impl<C: Category> RoomFactory<C> {
    /// A factory sharing `services`.
    pub fn new(services: Arc<Services>) -> Self {
        Self {
            services,
            _category: PhantomData,
        }
    }
}

#[async_trait]
impl<C: Category> HandlerFactory for RoomFactory<C> {
    type Handler = RoomHandler<C>;

    async fn create(&self, _race: &RaceData) -> Result<Self::Handler, HandlerError> {
        Ok(RoomHandler::new(self.services.clone()))
    }
}
