//! A tournament race linked to a room: its SpeedGaming episode, players and per-handler
//! behaviour (room settings, gatekeeping, the `!tournamentrace` roll, status hooks).

use std::sync::{Arc, Mutex};

use rand::SeedableRng;
use sahasrahbot_core::db::entities::{spoiler_races, tournament_games, users};
use sahasrahbot_core::ports::{AllowedMentions, ChatMessage as DiscordMessage, ChatTarget};
use sahasrahbot_core::presets::alttpr::{AlttprOptions, build_request};
use sahasrahbot_core::presets::user::{self, UserPresets};
use sahasrahbot_core::presets::{Game, Preset, ProviderRequest};
use sahasrahbot_racetime::{ChatMessage, MessageOptions, RaceSettings, Room};
use sahasrahbot_seedgen::providers::dash::DashRequest;
use sahasrahbot_seedgen::providers::varia::VariaRequest;
use sahasrahbot_seedgen::spoilers::SpoilerType;
use sahasrahbot_seedgen::{GeneratedSeed, SeedProvider, Surface};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
use serde::Deserialize;
use tracing::{info, warn};

use super::embeds::{self, EmbedContext};
use super::{EngineServices, base_settings, qualifier, texts, upsert_result};
use crate::speedgaming::versus;
use crate::title_map::{INVALID_MODE_MESSAGE, TitleMap};
use crate::{Episode, Error, EventDefinition, HandlerKind, Result};

/// A runner resolved to a linked guild member (§2.3).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResolvedPlayer {
    /// The Discord username.
    pub name: String,
    /// The Discord user id.
    pub discord_id: u64,
    /// The linked racetime.gg id, if any.
    pub racetime_id: Option<String>,
    /// The member's roles.
    pub roles: Vec<u64>,
}

/// The league site's mode of an episode (§3.3).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct LeagueMode {
    /// The preset to roll.
    pub preset: String,
    /// A co-op (team) race.
    #[serde(default)]
    pub coop: bool,
    /// A spoiler race.
    #[serde(default)]
    pub spoiler: bool,
}

/// What `update_data` loads.
#[derive(Debug, Clone)]
struct Snapshot {
    episode: Episode,
    players: Vec<ResolvedPlayer>,
    team: Vec<String>,
    league: Option<LeagueMode>,
    game_number: Option<i32>,
    game_settings: Option<serde_json::Value>,
}

/// The core `Rng` over a `Send` generator.
pub(crate) struct CoreRng(pub(crate) rand::rngs::StdRng);

impl CoreRng {
    pub(crate) fn new() -> Self {
        Self(rand::rngs::StdRng::from_entropy())
    }
}

impl sahasrahbot_core::presets::mystery::Rng for CoreRng {
    fn next_u32(&mut self) -> u32 {
        rand::RngCore::next_u32(&mut self.0)
    }
}

/// A tournament race linked to a room.
pub struct TournamentRace {
    pub(crate) services: Arc<EngineServices>,
    pub(crate) event: EventDefinition,
    pub(crate) episode_id: i64,
    room: Option<String>,
    snapshot: Mutex<Snapshot>,
}

impl std::fmt::Debug for TournamentRace {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TournamentRace")
            .field("event", &self.event.event_slug)
            .field("episode_id", &self.episode_id)
            .field("room", &self.room)
            .finish_non_exhaustive()
    }
}

fn is_open_race(kind: HandlerKind) -> bool {
    kind.is_daily() || kind == HandlerKind::AlttprQualifier
}

impl TournamentRace {
    /// Loads the episode and everything the race needs (`update_data`, §2.2).
    pub(crate) async fn prepare(
        services: Arc<EngineServices>,
        event: EventDefinition,
        episode_id: i64,
        room: Option<&Room>,
    ) -> Result<Self> {
        let snapshot = load(&services, &event, episode_id, room).await?;
        Ok(Self {
            services,
            event,
            episode_id,
            room: room.map(|r| r.name().to_owned()),
            snapshot: Mutex::new(snapshot),
        })
    }

    pub(crate) fn with_room(mut self, room: &str) -> Self {
        self.room = Some(room.to_owned());
        self
    }

    fn snap(&self) -> std::sync::MutexGuard<'_, Snapshot> {
        // Only whole snapshots are swapped in; a poisoned one is still consistent.
        self.snapshot
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    pub(crate) async fn update_data(&self, room: &Room) -> Result<()> {
        let fresh = load(&self.services, &self.event, self.episode_id, Some(room)).await?;
        *self.snap() = fresh;
        Ok(())
    }

    /// The event this race belongs to.
    pub fn event(&self) -> &EventDefinition {
        &self.event
    }

    /// The SpeedGaming episode id.
    pub fn episode_id(&self) -> i64 {
        self.episode_id
    }

    /// The linked room's name.
    pub fn room_name(&self) -> Option<&str> {
        self.room.as_deref()
    }

    /// The episode as last fetched.
    pub fn episode(&self) -> Episode {
        self.snap().episode.clone()
    }

    /// The resolved players (none for open races).
    pub fn players(&self) -> Vec<ResolvedPlayer> {
        self.snap().players.clone()
    }

    /// The league mode (league events only).
    pub fn league_mode(&self) -> Option<LeagueMode> {
        self.snap().league.clone()
    }

    /// The players' Discord usernames, `" vs. "`/`", "`-joined.
    pub fn versus(&self) -> String {
        let names: Vec<String> = self.snap().players.iter().map(|p| p.name.clone()).collect();
        versus(&names)
    }

    /// racetime.gg ids of the players; their join requests are accepted.
    pub fn player_racetime_ids(&self) -> Vec<String> {
        self.snap()
            .players
            .iter()
            .filter_map(|p| p.racetime_id.clone())
            .collect()
    }

    /// Whether this racetime.gg user may gatekeep (§2.6): a member of the `sg-volunteers`
    /// team snapshot, or the linked guild member holds a helper role. Lookup failures count
    /// as no.
    pub async fn can_gatekeep(&self, racetime_id: &str) -> bool {
        if self.snap().team.iter().any(|m| m == racetime_id) {
            return true;
        }
        if self.event.helper_roles.is_empty() {
            return false;
        }
        let user = match users::Entity::find()
            .filter(users::Column::RtggId.eq(racetime_id))
            .one(&self.services.db)
            .await
        {
            Ok(Some(u)) => u,
            Ok(None) => return false,
            Err(e) => {
                warn!(error = %e, "gatekeeper lookup failed");
                return false;
            }
        };
        let Some(discord_id) = user.discord_user_id.and_then(|d| u64::try_from(d).ok()) else {
            return false;
        };
        match self
            .services
            .guilds
            .member(self.event.guild_id, discord_id)
            .await
        {
            Ok(Some(m)) => m.roles.iter().any(|r| self.event.helper_roles.contains(r)),
            Ok(None) => false,
            Err(e) => {
                warn!(error = %e, "gatekeeper member lookup failed");
                false
            }
        }
    }

    /// The submitted SMRL settings: `(randomizer, preset)` (§3.6), when there are some.
    pub fn smrl_settings(&self) -> Option<(String, String)> {
        let snap = self.snap();
        let settings = snap.game_settings.as_ref()?;
        let field = |k: &str| {
            settings
                .get(k)
                .and_then(serde_json::Value::as_str)
                .map(str::to_owned)
        };
        Some((field("randomizer")?, field("preset")?))
    }

    /// The room's info text (§2.12).
    pub fn race_info(&self) -> Result<String> {
        let snap = self.snap();
        let names: Vec<&str> = snap.players.iter().map(|p| p.name.as_str()).collect();
        crate::race_info::race_info(
            self.event.handler,
            &snap.episode,
            &versus(&names),
            snap.game_number,
        )
    }

    /// The startrace settings of the handler (§2.4, §3.2, §3.3, §5).
    pub(crate) fn room_settings(&self) -> Result<RaceSettings> {
        let info = self.race_info()?;
        let ev = &self.event;
        Ok(match ev.handler {
            HandlerKind::AlttprQualifier => RaceSettings {
                invitational: false,
                start_delay: 30,
                auto_start: false,
                allow_prerace_chat: false,
                allow_midrace_chat: false,
                ..base_settings(&ev.racetime_goal, info, false)
            },
            HandlerKind::AlttprDaily | HandlerKind::Smz3Weekly => {
                let coop = self.snap().episode.title().to_lowercase().contains("co-op");
                RaceSettings {
                    invitational: false,
                    ..base_settings(&ev.racetime_goal, info, coop)
                }
            }
            HandlerKind::InvLeague | HandlerKind::AlttprLeague => {
                let mode = self
                    .league_mode()
                    .ok_or_else(|| Error::League(texts::NO_LEAGUE_MODE.to_owned()))?;
                let goal = if mode.coop || mode.spoiler {
                    "Beat the game - Tournament (Co-op)"
                } else {
                    "Beat the game - Tournament (Solo)"
                };
                RaceSettings {
                    require_even_teams: true,
                    ..base_settings(goal, info, mode.coop)
                }
            }
            _ => base_settings(&ev.racetime_goal, info, ev.coop),
        })
    }

    /// Whether the room gets the ALTTPR welcome with the roll button (§2.8).
    pub(crate) fn has_alttpr_welcome(&self) -> bool {
        self.event.handler.is_alttpr_tournament_race()
    }

    /// `!tournamentrace` after the room's gate (§2.9): the handler's roll. `Ok(true)` when a
    /// seed was rolled (the room then sets `seed_rolled`); `Ok(false)` when the handler has
    /// no roll or a guard stopped it.
    pub async fn process_tournament_race(
        &self,
        room: &Room,
        args: &[String],
        message: &ChatMessage,
    ) -> Result<bool> {
        let _ = args;
        let span = tracing::info_span!("tournament_race", event = %self.event.event_slug, episode = self.episode_id, room = room.name());
        let work = async {
            match self.event.handler {
                HandlerKind::AlttprQualifier => qualifier::roll(self, room, message).await,
                kind if kind.is_alttpr_tournament_race() => self.alttpr_roll(room).await,
                HandlerKind::Smrl => self.smrl_roll(room).await,
                // No roll: dailies, test, SMWDE.
                _ => Ok(false),
            }
        };
        tracing::Instrument::instrument(work, span).await
    }

    /// The room's handler was (re)created for a linked race.
    pub async fn on_room_resume(&self, room: &Room) -> Result<()> {
        let _ = room;
        Ok(())
    }

    /// The race went `pending`.
    pub async fn on_race_pending(&self, room: &Room) -> Result<()> {
        let _ = room;
        Ok(())
    }

    /// The race went `in_progress`.
    pub async fn on_race_start(&self, room: &Room) -> Result<()> {
        if self.event.handler == HandlerKind::AlttprQualifier {
            qualifier::on_race_start(self, room).await?;
        }
        Ok(())
    }

    pub(crate) async fn load_preset(&self, name: &str) -> Result<Preset> {
        let users = UserPresets::new(self.services.db.clone());
        user::fetch(&self.services.presets, &users, Game::Alttpr, name)
            .await
            .map_err(|e| Error::Preset(e.to_string()))
    }

    /// The handler's seed and the alttpr.com base URL it was generated on.
    async fn roll_seed(&self, room: &Room) -> Result<(GeneratedSeed, Option<String>)> {
        let (preset, branch, spoiler) = match self.event.handler {
            HandlerKind::InvLeague | HandlerKind::AlttprLeague => {
                let mode = self
                    .league_mode()
                    .ok_or_else(|| Error::League(texts::NO_LEAGUE_MODE.to_owned()))?;
                (mode.preset, None, mode.spoiler)
            }
            HandlerKind::Boots => ("casualboots".to_owned(), None, false),
            HandlerKind::NoLogic => ("nologic_rods".to_owned(), Some("beeta"), false),
            HandlerKind::AlttprHmg => ("hmg".to_owned(), Some("live"), false),
            HandlerKind::AlttprDe | HandlerKind::AlttprMini => {
                let map = self.event.title_map.clone().unwrap_or_else(|| {
                    if self.event.handler == HandlerKind::AlttprDe {
                        TitleMap::alttprde()
                    } else {
                        TitleMap::alttprmini()
                    }
                });
                let title = self.episode().title().to_owned();
                match map.preset_for_title(&title) {
                    Ok(p) => (p.to_owned(), None, false),
                    Err(e) => {
                        room.send_message(INVALID_MODE_MESSAGE)?;
                        return Err(Error::Preset(e.to_string()));
                    }
                }
            }
            other => return Err(Error::Config(format!("{} has no seed roll", other.id()))),
        };
        let preset = self.load_preset(&preset).await?;
        let opts = AlttprOptions {
            hints: false,
            nohints: true,
            spoilers: if spoiler { "generate" } else { "off" }.to_owned(),
            tournament: true,
            allow_quickswap: true,
            branch: branch.map(str::to_owned),
            ..AlttprOptions::default()
        };
        let request = build_request(&preset, &opts, &mut CoreRng::new())
            .map_err(|e| Error::Preset(e.to_string()))?;
        let audit = preset.audit();
        let baseurl = match &request {
            ProviderRequest::Alttpr { baseurl, .. } => baseurl.clone(),
            _ => None,
        };
        let seed = self
            .services
            .seedgen
            .generate(&request, Some(&audit), Some(Surface::Racetime))
            .await?;
        if spoiler {
            let publisher = self.services.spoilers.as_ref().ok_or_else(|| {
                Error::Config(
                    "spoiler logs cannot be published (no spoiler storage configured)".to_owned(),
                )
            })?;
            let url = publisher
                .publish(
                    &seed,
                    SpoilerType::Spoiler,
                    &mut rand::rngs::StdRng::from_entropy(),
                )
                .await?;
            let existing = spoiler_races::Entity::find()
                .filter(spoiler_races::Column::SrlId.eq(room.name()))
                .one(&self.services.db)
                .await?;
            let mut row: spoiler_races::ActiveModel = match existing {
                Some(r) => r.into(),
                None => spoiler_races::ActiveModel {
                    srl_id: Set(Some(room.name().to_owned())),
                    date: Set((self.services.clock)().naive_utc()),
                    ..Default::default()
                },
            };
            row.spoiler_url = Set(Some(url));
            row.studytime = Set(Some(0));
            row.save(&self.services.db).await?;
        }
        Ok((seed, baseurl))
    }

    /// The SMRL playoff roll (§3.6): a VARIA or DASH seed from the submitted settings,
    /// posted in the room and set as the bot info.
    async fn smrl_roll(&self, room: &Room) -> Result<bool> {
        let s = &self.services;
        room.send_message(texts::GENERATING)?;
        self.update_data(room).await?;
        let episode = self.episode();
        upsert_result(
            &s.db,
            room.name(),
            self.episode_id,
            &episode.event.slug,
            None,
        )
        .await?;
        let (randomizer, preset) = self
            .smrl_settings()
            .ok_or_else(|| Error::Config("Missing bracket settings.  Please submit!".to_owned()))?;
        let url = match randomizer.as_str() {
            "smvaria" => {
                let request = VariaRequest {
                    settings_preset: preset,
                    skills_preset: "Season_Races".to_owned(),
                    race: true,
                    settings: None,
                };
                s.seedgen
                    .varia
                    .generate(&request, Some(Surface::Racetime))
                    .await?
                    .url
            }
            "smdash" => {
                let request = DashRequest {
                    mode: preset,
                    spoiler: false,
                };
                s.seedgen
                    .dash
                    .generate(&request, Some(Surface::Racetime))
                    .await?
                    .url
            }
            other => {
                return Err(Error::Config(format!("unknown SMRL randomizer {other:?}")));
            }
        };
        room.send_message(url.clone())?;
        room.set_bot_raceinfo(url.clone())?;
        upsert_result(
            &s.db,
            room.name(),
            self.episode_id,
            &episode.event.slug,
            Some(&url),
        )
        .await?;
        room.send_message("Seed has been generated!")?;
        Ok(true)
    }

    /// The generic ALTTPR roll (§2.10).
    async fn alttpr_roll(&self, room: &Room) -> Result<bool> {
        let s = &self.services;
        room.send_message(texts::GENERATING)?;
        self.update_data(room).await?;
        let (seed, baseurl) = self.roll_seed(room).await?;

        let episode = self.episode();
        let info = self.race_info()?;
        let versus = self.versus();
        let room_url = s.room_url(&room.race().url);
        let channels = episode.broadcast_channels();
        let settings_map = match s
            .seedgen
            .alttpr
            .settings_map(baseurl.as_deref(), Some(Surface::Racetime))
            .await
        {
            Ok(map) => map,
            Err(e) => {
                warn!(error = %e, "alttpr.com settings labels not read; the embeds show raw values");
                serde_json::json!({})
            }
        };
        let ctx = EmbedContext {
            title: &info,
            versus: &versus,
            room_url: &room_url,
            broadcast_channels: &channels,
            settings_map: &settings_map,
            emoji: &|name| s.guilds.emoji(name),
        };
        let player_embed = embeds::player_embed(&seed, ctx);
        let tournament_embed = embeds::tournament_embed(&seed, ctx);

        room.set_bot_raceinfo(embeds::seed_code(&seed))?;
        s.post_embed(self.event.audit_channel, &player_embed).await;
        if !channels.is_empty() {
            s.post_embed(self.event.commentary_channel, &tournament_embed)
                .await;
        }
        for player in self.players() {
            let message = DiscordMessage {
                embed: Some(player_embed.to_string()),
                ..DiscordMessage::default()
            };
            if let Err(e) = s.send(ChatTarget::User(player.discord_id), message).await {
                warn!(player = %player.name, error = %e, "seed DM not delivered");
                s.post(
                    self.event.audit_channel,
                    format!("@here could not send DM to {}", player.name),
                    AllowedMentions::UsersAndEveryone,
                )
                .await;
                room.send_message(format!(
                    "Could not send DM to {}.  Please contact a Tournament Moderator for assistance.",
                    player.name
                ))?;
            }
        }
        for entrant in &room.race().entrants {
            if let Some(user) = &entrant.user {
                room.send_message_with(
                    seed.url.clone(),
                    MessageOptions {
                        direct_to: Some(user.id.clone()),
                        ..MessageOptions::default()
                    },
                )?;
            }
        }
        upsert_result(
            &s.db,
            room.name(),
            self.episode_id,
            &episode.event.slug,
            Some(&seed.url),
        )
        .await?;
        room.send_message(texts::GENERATED)?;
        info!(room = room.name(), seed = %seed.url, "tournament seed rolled");
        Ok(true)
    }
}

/// `update_data`: the episode, the game row, the `sg-volunteers` team, the players (not for
/// open races) and the league mode (league events).
async fn load(
    s: &EngineServices,
    event: &EventDefinition,
    episode_id: i64,
    room: Option<&Room>,
) -> Result<Snapshot> {
    let episode = s.speedgaming.episode(episode_id).await?;
    let game = match i32::try_from(episode_id) {
        Ok(id) => tournament_games::Entity::find_by_id(id).one(&s.db).await?,
        Err(_) => None,
    };
    let game_number = game.as_ref().and_then(|g| g.game_number);
    let game_settings = game.and_then(|g| g.settings);
    let bot = s.bots.get(&event.racetime_category)?;
    let team = sg_volunteers(bot.as_ref()).await?;
    let players = if is_open_race(event.handler) {
        Vec::new()
    } else {
        resolve_players(&s.db, s.guilds.as_ref(), event, &episode).await?
    };
    let league = match event.handler {
        HandlerKind::InvLeague | HandlerKind::AlttprLeague => {
            let mode = fetch_league_mode(s, episode_id).await?;
            if mode.is_none() {
                warn!(
                    episode = episode_id,
                    "the league site has no mode for the episode"
                );
                if let Some(room) = room {
                    room.send_message(texts::NO_LEAGUE_MODE)?;
                }
                return Err(Error::League(texts::NO_LEAGUE_MODE.to_owned()));
            }
            mode
        }
        _ => None,
    };
    Ok(Snapshot {
        episode,
        players,
        team,
        league,
        game_number,
        game_settings,
    })
}

/// The members of the racetime.gg team `sg-volunteers` (§2.2 step 4): up to 5 attempts,
/// 4 s apart, as the original's retry.
async fn sg_volunteers(bot: &dyn crate::ports::RacetimeCategory) -> Result<Vec<String>> {
    const ATTEMPTS: u32 = 5;
    let mut attempt = 1;
    loop {
        match bot.get_team("sg-volunteers").await {
            Ok(team) => return Ok(team.members.into_iter().map(|m| m.user.id).collect()),
            Err(e) if attempt < ATTEMPTS => {
                warn!(attempt, error = %e, "sg-volunteers team not read; retrying");
                tokio::time::sleep(std::time::Duration::from_secs(4)).await;
                attempt += 1;
            }
            Err(e) => return Err(e.into()),
        }
    }
}

async fn fetch_league_mode(s: &EngineServices, episode_id: i64) -> Result<Option<LeagueMode>> {
    let url = format!(
        "{}/api/episode",
        s.config.league_base_url.trim_end_matches('/')
    );
    let response = s
        .http
        .get(&url)
        .query(&[("id", episode_id.to_string())])
        .send()
        .await
        .map_err(|e| Error::League(format!("league site not reached: {e}")))?;
    if !response.status().is_success() {
        return Err(Error::League(format!(
            "league site answered {}",
            response.status()
        )));
    }
    let body: serde_json::Value = response
        .json()
        .await
        .map_err(|e| Error::League(format!("league site answered a body that is not JSON: {e}")))?;
    match body.get("mode") {
        None | Some(serde_json::Value::Null) => Ok(None),
        Some(mode) => serde_json::from_value(mode.clone())
            .map(Some)
            .map_err(|e| Error::League(format!("league mode unreadable: {e}"))),
    }
}

/// Player resolution (§2.3): every runner not marked `ignore` must have a `users` row and
/// be a member of the event's guild (a member who left gets a clearer error than the
/// original's crash).
pub(crate) async fn resolve_players(
    db: &sea_orm::DatabaseConnection,
    guilds: &dyn crate::ports::GuildDirectory,
    event: &EventDefinition,
    episode: &Episode,
) -> Result<Vec<ResolvedPlayer>> {
    let dir = |e: crate::ports::DirectoryError| Error::Discord(e.to_string());
    let mut out = Vec::new();
    for p in episode.active_players() {
        if !p.discord_id.is_empty() {
            let id: u64 = p.discord_id.trim().parse().map_err(|_| {
                Error::Player(format!(
                    "The player `{}` has an invalid Discord id `{}` on SpeedGaming.",
                    p.display_name, p.discord_id
                ))
            })?;
            let row = users::Entity::find()
                .filter(users::Column::DiscordUserId.eq(i64::try_from(id).unwrap_or(i64::MAX)))
                .one(db)
                .await?
                .ok_or_else(|| Error::Player(format!("Unable to pull nick data for {id}")))?;
            let member = guilds.member(event.guild_id, id).await.map_err(dir)?.ok_or_else(|| {
                Error::Player(format!(
                    "The player `{}` (Discord id {id}) is not a member of the tournament's Discord server.  Please contact a Tournament moderator for assistance.",
                    p.display_name
                ))
            })?;
            out.push(ResolvedPlayer {
                name: member.name,
                discord_id: id,
                racetime_id: row.rtgg_id,
                roles: member.roles,
            });
        } else if !p.discord_tag.is_empty() {
            let name = p.discord_name();
            let member = guilds
                .member_by_name(event.guild_id, name)
                .await
                .map_err(dir)?
                .ok_or_else(|| Error::Player(format!("Unable to lookup player {name}")))?;
            let row = users::Entity::find()
                .filter(
                    users::Column::DiscordUserId.eq(i64::try_from(member.id).unwrap_or(i64::MAX)),
                )
                .one(db)
                .await?
                .ok_or_else(|| Error::Player(format!("Unable to pull nick data for {name}")))?;
            out.push(ResolvedPlayer {
                name: member.name,
                discord_id: member.id,
                racetime_id: row.rtgg_id,
                roles: member.roles,
            });
        } else {
            return Err(Error::Player(format!(
                "Unable to lookup the player `{}`.  Please contact a Tournament moderator for assistance.",
                p.display_name
            )));
        }
    }
    Ok(out)
}
