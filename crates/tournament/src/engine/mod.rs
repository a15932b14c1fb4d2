//! The tournament race engine (`tournament.md` §1.4–§2.14, §3.2–§3.5, §5): one engine for
//! every event, with the per-handler differences as data and small hooks.
//!
//! - [`Engine::create_room`]: dedupe, SpeedGaming refetch, players, room, results row,
//!   invites, DMs or announcement, welcome (§1.6, §2.5).
//! - [`Engine::create_races_tick`] / [`Engine::run`]: the `create_races` loop (§1.4).
//! - [`TournamentRace`]: the race linked to a room — what the room handler calls
//!   (gatekeeping, `!tournamentrace`, status hooks); [`Engine::linked`] finds it by room name
//!   and [`Engine::resume`] rebuilds it after a restart (§2.14).

pub mod embeds;
mod qualifier;
mod race;
pub mod submission;
pub mod texts;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, Utc};
use sahasrahbot_core::db::entities::{
    asynctournamentliverace, tournament_games, tournament_results,
};
use sahasrahbot_core::ports::{AllowedMentions, ChatMessage, ChatNotifier, ChatTarget};
use sahasrahbot_core::presets::PresetStore;
use sahasrahbot_racetime::model::RaceStatusValue;
use sahasrahbot_racetime::{CancellationToken, ChatAction, MessageOptions, RaceSettings, Room};
use sahasrahbot_seedgen::Seedgen;
use sahasrahbot_seedgen::spoilers::SpoilerPublisher;
use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, Set};
use tracing::{Instrument, info, info_span, warn};

pub use embeds::{player_embed, room_opened_embed, seed_code, tournament_embed};
pub(crate) use race::resolve_players;
pub use race::{LeagueMode, ResolvedPlayer, TournamentRace};
pub use submission::{SubmissionDone, SubmissionForm};

use crate::ports::{GuildDirectory, RacetimeBots};
use crate::time::Window;
use crate::{
    Episode, Error, EventDefinition, HandlerKind, Registry, Result, SpeedGaming, race_info,
};

/// Settings of the engine that are not per event.
#[derive(Debug, Clone)]
pub struct EngineConfig {
    /// The racetime.gg site, for room links (`https://racetime.gg`).
    pub racetime_url: String,
    /// The ALTTPR league site (`https://alttprleague.com`); `/api/episode?id=` is read.
    pub league_base_url: String,
    /// The SpeedGaming Discord webhook of the ALTTPR daily announcement (`SG_DISCORD_WEBHOOK`).
    pub sg_discord_webhook: Option<String>,
    /// The bot's web address (`APP_URL`), for settings submission links.
    pub app_url: String,
    /// How often `create_races` runs (5 minutes in production).
    pub create_races_interval: Duration,
    /// How long the first `create_races` pass waits for the expected category bots to
    /// connect (a minute).
    pub bots_startup_wait: Duration,
}

impl Default for EngineConfig {
    fn default() -> Self {
        Self {
            racetime_url: "https://racetime.gg".to_owned(),
            league_base_url: "https://alttprleague.com".to_owned(),
            sg_discord_webhook: None,
            app_url: "https://sahasrahbotapi.synack.live".to_owned(),
            create_races_interval: Duration::from_secs(300),
            bots_startup_wait: Duration::from_secs(60),
        }
    }
}

/// The time source of the engine (tests pass a fixed clock).
pub type Clock = Arc<dyn Fn() -> DateTime<Utc> + Send + Sync>;

/// Everything the engine and its linked races share.
pub struct EngineServices {
    /// The database.
    pub db: DatabaseConnection,
    /// SpeedGaming.
    pub speedgaming: SpeedGaming,
    /// The racetime.gg category bots.
    pub bots: RacetimeBots,
    /// Discord guild members.
    pub guilds: Arc<dyn GuildDirectory>,
    /// Discord sends.
    pub notifier: Arc<dyn ChatNotifier>,
    /// Seed providers.
    pub seedgen: Arc<Seedgen>,
    /// Global preset files.
    pub presets: Arc<PresetStore>,
    /// Spoiler log publication (league spoiler races); `None` makes those rolls fail.
    pub spoilers: Option<SpoilerPublisher>,
    /// HTTP client for the league site and the webhook.
    pub http: reqwest::Client,
    /// Engine settings.
    pub config: EngineConfig,
    /// The clock.
    pub clock: Clock,
}

impl std::fmt::Debug for EngineServices {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EngineServices")
            .field("bots", &self.bots)
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

impl EngineServices {
    /// The room URL of a room path (`/alttpr/slug`) or name (`alttpr/slug`).
    pub fn room_url(&self, path: &str) -> String {
        format!(
            "{}/{}",
            self.config.racetime_url.trim_end_matches('/'),
            path.trim_start_matches('/')
        )
    }

    pub(crate) async fn send(&self, target: ChatTarget, message: ChatMessage) -> Result<()> {
        self.notifier
            .notify(target, message)
            .await
            .map_err(|e| Error::Discord(e.to_string()))
    }

    /// A plain message to a channel; failures are logged.
    pub(crate) async fn post(
        &self,
        channel: Option<u64>,
        content: String,
        mentions: AllowedMentions,
    ) {
        let Some(channel) = channel else { return };
        let message = ChatMessage {
            content,
            allowed_mentions: mentions,
            ..ChatMessage::default()
        };
        if let Err(e) = self.send(ChatTarget::Channel(channel), message).await {
            warn!(channel, error = %e, "Discord message not delivered");
        }
    }

    /// An embed to a channel; failures are logged.
    pub(crate) async fn post_embed(&self, channel: Option<u64>, embed: &serde_json::Value) {
        let Some(channel) = channel else { return };
        let message = ChatMessage {
            embed: Some(embed.to_string()),
            ..ChatMessage::default()
        };
        if let Err(e) = self.send(ChatTarget::Channel(channel), message).await {
            warn!(channel, error = %e, "Discord embed not delivered");
        }
    }
}

/// What [`Engine::create_room`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CreateOutcome {
    /// A room was opened (its name, `category/slug`).
    Created(String),
    /// The episode already has a live room (its name).
    Exists(String),
    /// A gate said no (the qualifier without a live race).
    Skipped(&'static str),
}

/// The tournament engine.
#[derive(Clone)]
pub struct Engine {
    services: Arc<EngineServices>,
    events: Arc<Vec<EventDefinition>>,
    links: Arc<Mutex<HashMap<String, Arc<TournamentRace>>>>,
}

impl std::fmt::Debug for Engine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Engine")
            .field(
                "events",
                &self
                    .events
                    .iter()
                    .map(|e| &e.event_slug)
                    .collect::<Vec<_>>(),
            )
            .finish_non_exhaustive()
    }
}

/// Locks `m`, going on after a thread panicked while holding it: only inserts and lookups
/// happen under the crate's locks, so poisoned data is still consistent.
pub(crate) fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl Engine {
    /// An engine over `services` running the active `events` (registry order).
    pub fn new(services: EngineServices, events: Vec<EventDefinition>) -> Self {
        Self {
            services: Arc::new(services),
            events: Arc::new(events),
            links: Arc::new(Mutex::new(HashMap::new())),
        }
    }

    /// An engine running the registry's active events.
    pub fn from_registry(services: EngineServices, registry: &Registry) -> Self {
        Self::new(services, registry.events().to_vec())
    }

    /// The shared services.
    pub fn services(&self) -> &Arc<EngineServices> {
        &self.services
    }

    /// The active events.
    pub fn events(&self) -> &[EventDefinition] {
        &self.events
    }

    /// The active event with this slug.
    pub fn event(&self, slug: &str) -> Option<&EventDefinition> {
        self.events.iter().find(|e| e.event_slug == slug)
    }

    /// The tournament race linked to a room, if the engine created or resumed it.
    pub fn linked(&self, room: &str) -> Option<Arc<TournamentRace>> {
        lock(&self.links).get(room).cloned()
    }

    /// Forgets the race of a room (its handler ended: the race finished or was cancelled).
    pub fn unlink(&self, room: &str) -> Option<Arc<TournamentRace>> {
        lock(&self.links).remove(room)
    }

    fn link(&self, room: &str, race: Arc<TournamentRace>) {
        lock(&self.links).insert(room.to_owned(), race);
    }

    /// Rebuilds the tournament race of a room from its `tournament_results` row after a
    /// restart (§2.14): SpeedGaming refetch and player resolution, then links it. `None` when
    /// the row's event is not active.
    pub async fn resume(
        &self,
        room: &Room,
        row: &tournament_results::Model,
    ) -> Result<Option<Arc<TournamentRace>>> {
        let Some(event) = row.event.as_deref().and_then(|slug| self.event(slug)) else {
            info!(room = room.name(), event = ?row.event, "tournament event not active; room stays unlinked");
            return Ok(None);
        };
        let episode_id: i64 = row
            .episode_id
            .as_deref()
            .and_then(|s| s.trim().parse().ok())
            .ok_or_else(|| Error::Config(format!("room {} has no episode id", room.name())))?;
        let race = Arc::new(
            TournamentRace::prepare(self.services.clone(), event.clone(), episode_id, None)
                .await?
                .with_room(room.name()),
        );
        self.link(room.name(), race.clone());
        Ok(Some(race))
    }

    /// Opens the room of an episode if it has none (§1.6, §2.5). A failure is also posted to
    /// the event's audit channel (§2.17) before it is returned.
    pub async fn create_room(
        &self,
        event: &EventDefinition,
        episode_id: i64,
    ) -> Result<CreateOutcome> {
        let span = info_span!("create_room", event = %event.event_slug, episode = episode_id, room = tracing::field::Empty);
        let result = self
            .create_room_inner(event, episode_id)
            .instrument(span)
            .await;
        if let Err(e) = &result {
            warn!(event = %event.event_slug, episode = episode_id, error = %e, "room creation failed");
            self.services
                .post(
                    event.audit_channel,
                    texts::creation_failed(episode_id, &e.to_string()),
                    // As the original: staff may put @here in a message the error carries.
                    AllowedMentions::UsersAndEveryone,
                )
                .await;
        }
        result
    }

    async fn create_room_inner(
        &self,
        event: &EventDefinition,
        episode_id: i64,
    ) -> Result<CreateOutcome> {
        let s = &self.services;
        let bot = s.bots.get(&event.racetime_category)?;

        if event.handler == HandlerKind::AlttprQualifier {
            let live = asynctournamentliverace::Entity::find()
                .filter(asynctournamentliverace::Column::EpisodeId.eq(episode_id))
                .one(&s.db)
                .await?;
            if live.is_none() {
                return Ok(CreateOutcome::Skipped("no live race for this episode"));
            }
        }

        let existing = tournament_results::Entity::find()
            .filter(tournament_results::Column::EpisodeId.eq(episode_id.to_string()))
            .all(&s.db)
            .await?;
        for row in existing {
            let Some(srl_id) = row.srl_id.clone() else {
                continue;
            };
            let data = bot.race_data(&srl_id).await?;
            if data.status.value != RaceStatusValue::Cancelled {
                return Ok(CreateOutcome::Exists(srl_id));
            }
            info!(room = %srl_id, "previous room was cancelled; opening a new one");
            tournament_results::Entity::delete_by_id(row.id)
                .exec(&s.db)
                .await?;
        }

        let race = TournamentRace::prepare(s.clone(), event.clone(), episode_id, None).await?;
        if event.handler == HandlerKind::Smrl && race.smrl_settings().is_none() {
            self.settings_warning(event, &race).await?;
            return Ok(CreateOutcome::Skipped("settings not submitted"));
        }
        let settings = race.room_settings()?;
        let handle = bot.start_race_and_join(&settings).await?;
        let room = handle.room().clone();
        tracing::Span::current().record("room", room.name());
        let race = Arc::new(race.with_room(room.name()));
        self.link(room.name(), race.clone());
        info!(room = room.name(), "race room opened");

        let episode = race.episode();
        upsert_result(&s.db, room.name(), episode_id, &episode.event.slug, None).await?;

        for player in race.players() {
            match &player.racetime_id {
                Some(id) => room.invite_user(id)?,
                None => {
                    warn!(room = room.name(), player = %player.name, "player has no racetime.gg account linked; not invited")
                }
            }
        }

        let room_url = s.room_url(&room.race().url);
        self.send_room_info(event, &race, &episode, &room_url)
            .await?;

        if race.has_alttpr_welcome() {
            send_welcome(&room)?;
        } else if event.handler == HandlerKind::Smrl {
            send_roll_button(&room, texts::SMRL_WELCOME)?;
        }
        Ok(CreateOutcome::Created(room.name().to_owned()))
    }

    /// The SMRL room gate (§3.6): the players are told (again, every tick) that the room
    /// cannot open without settings, and the game row is marked as reminded.
    async fn settings_warning(&self, event: &EventDefinition, race: &TournamentRace) -> Result<()> {
        let s = &self.services;
        let episode = race.episode();
        let link =
            race_info::submit_link(&s.config.app_url, &episode.event.slug, race.episode_id());
        let text = format!(
            "Your upcoming race room cannot be created because settings have not submitted: `{}`!\n\nFor your convenience, please visit {link} to submit the settings.\n\n",
            race.versus()
        );
        for player in race.players() {
            let message = ChatMessage {
                content: text.clone(),
                ..ChatMessage::default()
            };
            if let Err(e) = s.send(ChatTarget::User(player.discord_id), message).await {
                info!(player = %player.name, error = %e, "could not send the settings warning");
            }
        }
        let id = i32::try_from(race.episode_id()).map_err(|_| {
            Error::Config(format!("episode id {} is out of range", race.episode_id()))
        })?;
        let now = (s.clock)().naive_utc();
        match tournament_games::Entity::find_by_id(id).one(&s.db).await? {
            Some(row) => {
                let mut active: tournament_games::ActiveModel = row.into();
                active.event = Set(Some(event.event_slug.clone()));
                active.submitted = Set(Some(1));
                active.updated = Set(now);
                active.update(&s.db).await?;
            }
            None => {
                tournament_games::ActiveModel {
                    episode_id: Set(id),
                    event: Set(Some(event.event_slug.clone())),
                    submitted: Set(Some(1)),
                    created: Set(now),
                    updated: Set(now),
                    ..Default::default()
                }
                .insert(&s.db)
                .await?;
            }
        }
        Ok(())
    }

    async fn send_room_info(
        &self,
        event: &EventDefinition,
        race: &TournamentRace,
        episode: &Episode,
        room_url: &str,
    ) -> Result<()> {
        let s = &self.services;
        let Some(announcement) = race_info::room_opened_announcement(event, episode, room_url)?
        else {
            let embed = embeds::room_opened_embed(&race.versus(), room_url, (s.clock)());
            for player in race.players() {
                let message = ChatMessage {
                    embed: Some(embed.to_string()),
                    ..ChatMessage::default()
                };
                if let Err(e) = s.send(ChatTarget::User(player.discord_id), message).await {
                    info!(player = %player.name, error = %e, "could not send the room-opened DM");
                }
            }
            return Ok(());
        };
        s.post(
            announcement.channel,
            announcement.content,
            AllowedMentions::UsersAndRoles,
        )
        .await;
        if let (Some(content), Some(hook)) =
            (announcement.webhook_content, &s.config.sg_discord_webhook)
        {
            let body = serde_json::json!({
                "content": content,
                "username": race_info::WEBHOOK_USERNAME,
                "allowed_mentions": {"parse": ["users", "roles"]},
            });
            match s.http.post(hook).json(&body).send().await {
                Ok(r) if r.status().is_success() => {}
                Ok(r) => warn!(status = %r.status(), "SG webhook refused the announcement"),
                Err(e) => warn!(error = %e, "SG webhook not reached"),
            }
        }
        Ok(())
    }

    /// One `create_races` pass (§1.4): for every active event, the SpeedGaming episodes of
    /// [now − 30 min, now + lead] get a room. One event's failure does not stop the others.
    pub async fn create_races_tick(&self) {
        let now = (self.services.clock)();
        for event in self.events.iter() {
            let window = Window::create_races(now, event.room_lead());
            let episodes = match self
                .services
                .speedgaming
                .schedule(&event.event_slug, window.from, window.to)
                .await
            {
                Ok(e) => e,
                Err(e) => {
                    warn!(event = %event.event_slug, error = %e, "SpeedGaming schedule failed; event skipped this tick");
                    continue;
                }
            };
            for episode in episodes {
                // Failures were reported to the audit channel by `create_room`.
                if let Ok(CreateOutcome::Created(room)) = self.create_room(event, episode.id).await
                {
                    info!(event = %event.event_slug, episode = episode.id, room, "room created");
                }
            }
        }
    }

    /// Runs `create_races` at once (once the expected category bots have connected, or after
    /// [`EngineConfig::bots_startup_wait`]) and then every interval until `cancel` fires.
    pub async fn run(&self, cancel: CancellationToken) {
        let wait = self.services.config.bots_startup_wait;
        tokio::select! {
            () = cancel.cancelled() => return,
            ready = self.services.bots.ready(wait) => if !ready {
                warn!(?wait, "not every racetime.gg category bot connected in time; rooms of their events fail until it does");
            }
        }
        let mut interval = tokio::time::interval(self.services.config.create_races_interval);
        interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                () = cancel.cancelled() => return,
                _ = interval.tick() => {}
            }
            tokio::select! {
                () = cancel.cancelled() => return,
                () = self.create_races_tick() => {}
            }
        }
    }
}

/// Upserts the `tournament_results` row of a room (keyed by `srl_id`) with the episode, the
/// SG event slug and `spoiler` null; sets `permalink` when given.
pub(crate) async fn upsert_result(
    db: &DatabaseConnection,
    room: &str,
    episode_id: i64,
    event: &str,
    permalink: Option<&str>,
) -> Result<()> {
    let row = tournament_results::Entity::find()
        .filter(tournament_results::Column::SrlId.eq(room))
        .one(db)
        .await?;
    let mut active: tournament_results::ActiveModel = match row {
        Some(row) => row.into(),
        None => tournament_results::ActiveModel {
            srl_id: Set(Some(room.to_owned())),
            ..Default::default()
        },
    };
    active.episode_id = Set(Some(episode_id.to_string()));
    active.event = Set(Some(event.to_owned()));
    active.spoiler = Set(None);
    if let Some(p) = permalink {
        active.permalink = Set(Some(p.to_owned()));
    }
    active.save(db).await?;
    Ok(())
}

/// The ALTTPR welcome (§2.8): the plain message, then the pinned roll button.
fn send_welcome(room: &Room) -> Result<()> {
    room.send_message(texts::WELCOME)?;
    send_roll_button(room, texts::CONTROLS)
}

/// A pinned message carrying the "Roll Tournament Seed" button.
fn send_roll_button(room: &Room, text: &str) -> Result<()> {
    let mut actions = std::collections::BTreeMap::new();
    actions.insert(
        texts::ROLL_LABEL.to_owned(),
        ChatAction {
            message: Some(texts::ROLL_COMMAND.to_owned()),
            help: Some(texts::ROLL_HELP.to_owned()),
            ..ChatAction::default()
        },
    );
    room.send_message_with(
        text,
        MessageOptions {
            actions: Some(actions),
            pinned: true,
            direct_to: None,
        },
    )?;
    Ok(())
}

/// The base room settings (§2.4) for `goal` and `info`.
pub(crate) fn base_settings(goal: &str, info: String, team_race: bool) -> RaceSettings {
    let mut s = RaceSettings {
        invitational: true,
        unlisted: false,
        info_user: info,
        start_delay: 15,
        time_limit: 24,
        streaming_required: true,
        auto_start: true,
        allow_comments: true,
        hide_comments: true,
        allow_prerace_chat: true,
        allow_midrace_chat: true,
        allow_non_entrant_chat: false,
        chat_message_delay: 0,
        team_race,
        ..RaceSettings::default()
    };
    s.set_goal(goal);
    s
}
