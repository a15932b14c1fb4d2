//! SahasrahBot's Discord bot (specs: `discord.md`).
//!
//! - [`run`] / [`run_with`]: the bot the binary supervises — one twilight gateway shard,
//!   command registration once per start, every INTERACTION_CREATE handled on its own task,
//!   clean shutdown when the cancellation token fires.
//! - [`sync_commands`]: registers the global and per-guild slash commands (what
//!   `sahasrahbot discord sync-commands` calls).
//! - [`DiscordNotifier`]: the [`ChatNotifier`](sahasrahbot_core::ports::ChatNotifier) port
//!   other crates use to post to channels and DM users.
//! - [`commands`]: the command definitions and the dispatch table; one module per group.
//! - [`components`]: `custom_id` routing for buttons and selects.
//! - [`embeds`]: embeds shared by several commands (the ALTTPR seed embed, §5.1).
//! - [`errors`]: the error type and what users see when a command fails (§1.7).
//!
//! Wiring (the binary): build [`Deps`] (database, `PresetStore`, `Seedgen` with the
//! database for audit rows, `Telemetry`, `GuildConfig`, the process's `AsyncTournaments`),
//! then supervise
//! `run(&config, deps, cancel)`; without a token it returns [`Error::NoToken`] at once (report
//! the subsystem disabled). `sahasrahbot discord sync-commands` calls
//! `sync_commands(&BotSettings::from_config(&config))`. Other subsystems get the
//! `ChatNotifier` as `Arc::new(DiscordNotifier::from_settings(&BotSettings::from_config(&config)))`.
//! Tests set [`BotSettings::http_proxy`] and [`BotSettings::gateway_url`] to the testkit's
//! fake Discord.
//!
//! [`DiscordDirectory`] is the tournament engine's
//! [`GuildDirectory`](sahasrahbot_tournament::ports::GuildDirectory) (members by id or
//! username over REST): `Arc::new(DiscordDirectory::from_settings(&settings))`.
//!
//! [`run_with_speedgaming`] also takes the [`SpeedGamingSettings`] of `/sgdaily` (the API
//! base, `speedgaming.api_endpoint`; `run` reads it from the configuration, the other entry
//! points use SpeedGaming's public API).
//!
//! [`DiscordWeekPorts`] is the tournament `week_races` loop's
//! [`ScheduledEvents`](sahasrahbot_tournament::week::ScheduledEvents) and
//! [`ChannelBoard`](sahasrahbot_tournament::week::ChannelBoard) (guild scheduled events and
//! the scheduling-needs board over REST):
//! `Arc::new(DiscordWeekPorts::from_settings(&settings))`.
//!
//! [`run_with_cogs`] also takes the command groups' [`CogSettings`] (`APP_URL`,
//! `RACETIME_URL`, the ALTTPR Ladder URLs, the daily announcer's and the async tournament
//! loops' intervals; `run` reads them from the configuration, [`run_with`] uses the
//! defaults). The daily announcer and the async tournament loops run beside the gateway and
//! stop with it.

pub mod commands;
pub mod components;
mod context;
mod directory;
pub mod embeds;
mod emojis;
pub mod errors;
mod gateway;
mod notifier;
mod tournament_week;

use std::sync::{Arc, RwLock};

use sahasrahbot_core::config::Config;
use sahasrahbot_core::guild_config::GuildConfig;
use sahasrahbot_core::presets::PresetStore;
use sahasrahbot_core::telemetry::Telemetry;
use sahasrahbot_seedgen::Seedgen;
use sahasrahbot_tournament::asynctournament::AsyncTournaments;
use sea_orm::DatabaseConnection;
use tokio_util::sync::CancellationToken;
use twilight_http::Client;
use twilight_model::id::Id;
use twilight_model::id::marker::{ApplicationMarker, UserMarker};

pub use directory::DiscordDirectory;
pub use emojis::EmojiCache;
pub use errors::Error;
pub use notifier::DiscordNotifier;
pub use tournament_week::DiscordWeekPorts;

/// Settings of individual command groups that are not part of the connection (see
/// [`run_with_cogs`]); [`CogSettings::default`] matches the original bot's defaults.
#[derive(Debug, Clone)]
pub struct CogSettings {
    /// The web app's public base URL (`APP_URL`): account-linking links point there.
    pub app_url: String,
    /// racetime.gg's public base URL (`RACETIME_URL`): user and race-history lookups.
    pub racetime_url: String,
    /// The ALTTPR Ladder's base URL (racer verification counts its races).
    pub ladder_url: String,
    /// The ALTTPR Ladder archive's base URL (earlier seasons, by Discord id).
    pub ladder_archive_url: String,
    /// How often the daily announcer polls alttpr.com's daily game (5 minutes).
    pub daily_interval: std::time::Duration,
    /// How often the async tournament's start-timeout and 12-hour loops run (60 s).
    pub async_enforcement_interval: std::time::Duration,
    /// How often the async tournament scores are recalculated (1 hour).
    pub async_scoring_interval: std::time::Duration,
    /// The pause between the async race countdown's messages (1 s; tests shorten it).
    pub async_countdown_tick: std::time::Duration,
}

impl Default for CogSettings {
    fn default() -> Self {
        Self {
            app_url: "http://localhost:5001".to_owned(),
            racetime_url: "https://racetime.gg".to_owned(),
            ladder_url: "https://alttprladder.com".to_owned(),
            ladder_archive_url: "https://archive.alttprladder.com".to_owned(),
            daily_interval: commands::daily::DEFAULT_INTERVAL,
            async_enforcement_interval: commands::asynctournament::loops::ENFORCEMENT_INTERVAL,
            async_scoring_interval: commands::asynctournament::loops::SCORING_INTERVAL,
            async_countdown_tick: commands::asynctournament::runner::COUNTDOWN_TICK,
        }
    }
}

impl CogSettings {
    /// The settings of the configured bot.
    pub fn from_config(config: &Config) -> Self {
        Self {
            app_url: config.api.app_url.trim_end_matches('/').to_owned(),
            racetime_url: config.racetime.url.trim_end_matches('/').to_owned(),
            daily_interval: config.discord.daily_interval_secs.map_or(
                commands::daily::DEFAULT_INTERVAL,
                std::time::Duration::from_secs,
            ),
            async_enforcement_interval: config.discord.async_enforcement_interval_secs.map_or(
                commands::asynctournament::loops::ENFORCEMENT_INTERVAL,
                std::time::Duration::from_secs,
            ),
            async_scoring_interval: config.discord.async_scoring_interval_secs.map_or(
                commands::asynctournament::loops::SCORING_INTERVAL,
                std::time::Duration::from_secs,
            ),
            ..Self::default()
        }
    }
}

/// Where the bot reads SpeedGaming (`/sgdaily`); see [`run_with_speedgaming`].
#[derive(Debug, Clone)]
pub struct SpeedGamingSettings {
    /// The SpeedGaming API base (`speedgaming.api_endpoint`, `SG_API_ENDPOINT`).
    pub api_endpoint: String,
}

impl Default for SpeedGamingSettings {
    fn default() -> Self {
        Self {
            api_endpoint: "https://speedgaming.org/api".to_owned(),
        }
    }
}

impl SpeedGamingSettings {
    /// The settings of the configured bot.
    pub fn from_config(config: &Config) -> Self {
        Self {
            api_endpoint: config
                .speedgaming
                .api_endpoint
                .trim_end_matches('/')
                .to_owned(),
        }
    }
}

/// The crate's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// How the bot connects: credentials, guild lists, and (for tests) where Discord is.
#[derive(Debug, Clone)]
pub struct BotSettings {
    /// The bot token (without the `Bot ` prefix).
    pub token: String,
    /// Guilds that get `/welcome` and `/rom` (`ALTTP_RANDOMIZER_SERVERS`).
    pub alttp_randomizer_servers: Vec<u64>,
    /// Plain-HTTP host:port that replaces `discord.com` (tests point it at the fake).
    pub http_proxy: Option<String>,
    /// Gateway URL that replaces `wss://gateway.discord.gg` (tests point it at the fake).
    pub gateway_url: Option<String>,
    /// Register the commands when the bot starts (once per start, never per READY).
    pub sync_commands_on_start: bool,
    /// Where `/holyimage` reads the holy image list (tests point it at a stub).
    pub holy_images_url: String,
    /// The shards this process runs; `None` is the single shard 0 of 1.
    pub shards: Option<ShardRange>,
}

/// A contiguous range of shards run by one process (`first..first+count` of `total`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ShardRange {
    /// The first shard number.
    pub first: u32,
    /// How many shards this process runs.
    pub count: u32,
    /// The total number of shards of the bot.
    pub total: u32,
}

impl Default for ShardRange {
    /// Shard 0 of 1.
    fn default() -> Self {
        Self {
            first: 0,
            count: 1,
            total: 1,
        }
    }
}

/// The holy image list of alttp.mymm1.com.
pub const HOLY_IMAGES_URL: &str = "http://alttp.mymm1.com/holyimage/holyimages.json";

impl BotSettings {
    /// The settings of the configured bot.
    pub fn from_config(config: &Config) -> Self {
        Self {
            token: config.discord.token.expose().to_owned(),
            alttp_randomizer_servers: config.discord.alttp_randomizer_servers.clone(),
            http_proxy: non_empty(&config.discord.http_proxy),
            gateway_url: non_empty(&config.discord.gateway_url),
            sync_commands_on_start: true,
            holy_images_url: HOLY_IMAGES_URL.to_owned(),
            shards: (config.discord.shard_total > 0).then_some(ShardRange {
                first: config.discord.shard_first,
                count: config.discord.shard_count,
                total: config.discord.shard_total,
            }),
        }
    }

    /// The twilight HTTP client for these settings (the ratelimiter stays on).
    pub fn http_client(&self) -> Client {
        let mut builder = Client::builder()
            .token(self.token.clone())
            .default_allowed_mentions(users_only_mentions());
        if let Some(proxy) = &self.http_proxy {
            builder = builder.proxy(proxy.clone(), true);
        }
        builder.build()
    }
}

fn non_empty(value: &str) -> Option<String> {
    let value = value.trim();
    (!value.is_empty()).then(|| value.to_owned())
}

/// Default allowed mentions: users only (§1.2).
pub(crate) fn users_only_mentions() -> twilight_model::channel::message::AllowedMentions {
    twilight_model::channel::message::AllowedMentions {
        parse: vec![twilight_model::channel::message::MentionType::Users],
        ..Default::default()
    }
}

/// What the commands need from the rest of the application.
#[derive(Debug, Clone)]
pub struct Deps {
    /// The database.
    pub db: DatabaseConnection,
    /// Global presets.
    pub presets: Arc<PresetStore>,
    /// Seed providers (audit rows are written by it).
    pub seedgen: Arc<Seedgen>,
    /// Anonymous usage telemetry.
    pub telemetry: Telemetry,
    /// Per-guild settings.
    pub guild_config: Arc<GuildConfig>,
    /// Where `/alttpr spoiler` publishes spoiler logs; `None` when not configured (the
    /// command then says so).
    pub spoilers: Option<Arc<sahasrahbot_seedgen::spoilers::SpoilerPublisher>>,
    /// The custom emojis the gateway fills; pass the same cache to
    /// [`DiscordDirectory::with_emojis`] so tournament embeds show them too.
    pub emojis: EmojiCache,
    /// The async tournaments (`/async`, its buttons and loops); share one with the web
    /// server so scoring drops the leaderboard cache both read.
    pub async_tournaments: AsyncTournaments,
}

/// Shared state of a running bot.
#[derive(Debug)]
pub(crate) struct Bot {
    pub(crate) http: Arc<Client>,
    pub(crate) application_id: Id<ApplicationMarker>,
    pub(crate) owner_id: Option<Id<UserMarker>>,
    pub(crate) bot_user_id: RwLock<Option<Id<UserMarker>>>,
    pub(crate) deps: Deps,
    /// Plain HTTP client for non-Discord lookups (holy images).
    pub(crate) web: reqwest::Client,
    /// Where the holy image list is.
    pub(crate) holy_images_url: String,
    /// The holy image list, cached for autocompletes.
    pub(crate) holy_cache: tokio::sync::Mutex<Option<(std::time::Instant, serde_json::Value)>>,
    /// Custom emojis the bot can see, by name (filled from GUILD_CREATE); the one of
    /// [`Deps::emojis`].
    pub(crate) emojis: EmojiCache,
    /// Settings of the command groups.
    pub(crate) cogs: CogSettings,
    /// `/dailygame`'s cache of the daily hash and game.
    pub(crate) daily_cache: commands::daily::Cache,
    /// The SpeedGaming client of `/sgdaily`.
    pub(crate) speedgaming: sahasrahbot_tournament::SpeedGaming,
    /// The async tournaments ([`Deps::async_tournaments`]).
    pub(crate) asyncs: AsyncTournaments,
}

impl Bot {
    /// `<:name:id>` for a custom emoji the bot can see.
    pub(crate) fn emoji(&self, name: &str) -> Option<String> {
        self.emojis.mention(name)
    }

    /// The CDN URL of a custom emoji the bot can see.
    pub(crate) fn emoji_url(&self, name: &str) -> Option<String> {
        self.emojis.url(name)
    }

    /// Whether `user` is the application's owner.
    pub(crate) fn is_owner(&self, user: Id<UserMarker>) -> bool {
        self.owner_id == Some(user)
    }
}

/// What [`sync_commands`] registered.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SyncReport {
    /// Names of the global commands.
    pub global: Vec<String>,
    /// Per guild: the guild id and its command names.
    pub guilds: Vec<(u64, Vec<String>)>,
}

/// Registers every slash command: a bulk overwrite of the global set, then one of each
/// configured ALTTP Randomizer guild's set.
///
/// # Errors
/// No token, or a Discord request failed.
pub async fn sync_commands(settings: &BotSettings) -> Result<SyncReport> {
    if settings.token.trim().is_empty() {
        return Err(Error::NoToken);
    }
    let http = settings.http_client();
    let app = http.current_user_application().await?.model().await?;
    sync_with(&http, app.id, settings).await
}

async fn sync_with(
    http: &Client,
    application_id: Id<ApplicationMarker>,
    settings: &BotSettings,
) -> Result<SyncReport> {
    let interaction = http.interaction(application_id);
    let global = commands::global_commands();
    interaction.set_global_commands(&global).await?;
    let mut report = SyncReport {
        global: global.iter().map(|c| c.name.clone()).collect(),
        guilds: Vec::new(),
    };
    let guild_set = commands::alttp_guild_commands();
    for guild in &settings.alttp_randomizer_servers {
        let Some(guild_id) = Id::new_checked(*guild) else {
            continue;
        };
        interaction.set_guild_commands(guild_id, &guild_set).await?;
        report
            .guilds
            .push((*guild, guild_set.iter().map(|c| c.name.clone()).collect()));
    }
    tracing::info!(
        global = report.global.len(),
        guilds = report.guilds.len(),
        "Discord commands registered"
    );
    Ok(report)
}

/// Runs the configured bot until `cancel` fires.
///
/// # Errors
/// See [`run_with`].
pub async fn run(config: &Config, deps: Deps, cancel: CancellationToken) -> Result<()> {
    run_with_speedgaming(
        BotSettings::from_config(config),
        CogSettings::from_config(config),
        SpeedGamingSettings::from_config(config),
        deps,
        cancel,
    )
    .await
}

/// Runs the bot: reads the application (id and owner), registers the commands when
/// [`BotSettings::sync_commands_on_start`] is set, then serves the gateway until `cancel`
/// fires; the socket is closed normally and in-flight handlers are left to finish.
///
/// # Errors
/// No token; the application info or the command registration failed; the gateway
/// rejected the token or ended.
pub async fn run_with(settings: BotSettings, deps: Deps, cancel: CancellationToken) -> Result<()> {
    run_with_cogs(settings, CogSettings::default(), deps, cancel).await
}

/// [`run_with`] with the command groups' settings; the background loops (the daily
/// announcer) run beside the gateway and stop with it.
///
/// # Errors
/// See [`run_with`].
pub async fn run_with_cogs(
    settings: BotSettings,
    cogs: CogSettings,
    deps: Deps,
    cancel: CancellationToken,
) -> Result<()> {
    run_with_speedgaming(settings, cogs, SpeedGamingSettings::default(), deps, cancel).await
}

/// [`run_with_cogs`] with the SpeedGaming API `/sgdaily` reads.
///
/// # Errors
/// See [`run_with`].
pub async fn run_with_speedgaming(
    settings: BotSettings,
    cogs: CogSettings,
    speedgaming: SpeedGamingSettings,
    deps: Deps,
    cancel: CancellationToken,
) -> Result<()> {
    if settings.token.trim().is_empty() {
        return Err(Error::NoToken);
    }
    let http = Arc::new(settings.http_client());
    let app = http.current_user_application().await?.model().await?;
    if settings.sync_commands_on_start {
        sync_with(&http, app.id, &settings).await?;
    }
    let web = reqwest::Client::builder()
        .timeout(std::time::Duration::from_secs(10))
        .build()
        .map_err(|e| Error::Gateway(format!("cannot build the HTTP client: {e}")))?;
    let emojis = deps.emojis.clone();
    let asyncs = deps.async_tournaments.clone();
    let bot = Arc::new(Bot {
        http,
        application_id: app.id,
        owner_id: app.owner.map(|o| o.id),
        bot_user_id: RwLock::new(None),
        deps,
        speedgaming: sahasrahbot_tournament::SpeedGaming::new(
            web.clone(),
            speedgaming.api_endpoint,
        ),
        web,
        holy_images_url: settings.holy_images_url.clone(),
        holy_cache: tokio::sync::Mutex::new(None),
        emojis,
        cogs,
        daily_cache: commands::daily::Cache::default(),
        asyncs,
    });
    let loops = cancel.child_token();
    let announcer = tokio::spawn(commands::daily::announce_loop(bot.clone(), loops.clone()));
    let enforcement = commands::asynctournament::loops::spawn(bot.clone(), loops.clone());
    let served = gateway::serve(bot, &settings, cancel).await;
    loops.cancel();
    if let Err(e) = announcer.await {
        tracing::warn!(error = %e, "the daily announcer task failed");
    }
    for task in enforcement {
        if let Err(e) = task.await {
            tracing::warn!(error = %e, "an async tournament loop failed");
        }
    }
    served
}
