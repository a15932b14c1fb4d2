//! The tournament subsystem (tournament.md §1.4): the engine's room creation every 5
//! minutes, the `week_races` loop every 15 minutes and the bad-Discord report every 4 hours
//! (15 seconds each in debug mode), over the registry of this configuration.
//!
//! It needs the Discord bot's token: players are resolved in Discord guilds and every
//! notice goes to Discord.

use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use sahasrahbot_core::config::Config;
use sahasrahbot_core::ports::ChatNotifier;
use sahasrahbot_core::presets::PresetStore;
use sahasrahbot_seedgen::Seedgen;
use sahasrahbot_seedgen::spoilers::SpoilerPublisher;
use sahasrahbot_tournament::bad_discord::{BadDiscordReport, BadDiscordServices};
use sahasrahbot_tournament::engine::{Clock, Engine, EngineConfig, EngineServices};
use sahasrahbot_tournament::ports::RacetimeBots;
use sahasrahbot_tournament::week::{WeekConfig, WeekRaces, WeekServices};
use sahasrahbot_tournament::{Registry, SpeedGaming};
use sea_orm::DatabaseConnection;

use crate::supervisor::Subsystem;

/// The loops' period in debug mode (the original's DEBUG setting).
const DEBUG_INTERVAL: Duration = Duration::from_secs(15);

/// The engine and its two maintenance loops, built from one registry.
pub(crate) struct Tournaments {
    /// Room creation and the races linked to rooms (the racetime handlers reach it).
    pub(crate) engine: Arc<Engine>,
    week: WeekRaces,
    bad_discord: BadDiscordReport,
}

/// What the subsystem is built from.
pub(crate) struct Parts<'a> {
    pub(crate) config: &'a Config,
    pub(crate) db: DatabaseConnection,
    pub(crate) seedgen: Arc<Seedgen>,
    pub(crate) presets: Arc<PresetStore>,
    pub(crate) spoilers: &'a SpoilerPublisher,
    pub(crate) bots: RacetimeBots,
    pub(crate) notifier: Arc<dyn ChatNotifier>,
    /// The Discord bot's custom emojis (for the seed embeds' file-select code).
    pub(crate) emojis: sahasrahbot_discord::EmojiCache,
}

impl Tournaments {
    /// Builds the engine and loops, or `None` without a Discord token.
    pub(crate) fn build(parts: Parts<'_>) -> Option<Self> {
        let config = parts.config;
        if config.discord.token.is_blank() {
            return None;
        }
        let registry = Registry::from_config(config);
        let discord = sahasrahbot_discord::BotSettings::from_config(config);
        let http = Arc::new(discord.http_client());
        let guilds = Arc::new(
            sahasrahbot_discord::DiscordDirectory::new(http.clone()).with_emojis(parts.emojis),
        );
        let week_ports = Arc::new(sahasrahbot_discord::DiscordWeekPorts::new(http));
        let web = reqwest::Client::new();
        let mut speedgaming =
            SpeedGaming::new(web.clone(), config.speedgaming.api_endpoint.clone());
        if config.debug {
            // The original's DEBUG schedule: `test` is episode 1, read from the fixture files.
            speedgaming = speedgaming.with_debug(config.speedgaming.debug_fixtures_dir.clone());
        }
        let clock: Clock = Arc::new(Utc::now);
        // A configured interval wins; otherwise the original's (15 s in debug mode).
        let every = |configured: Option<u64>, production: Duration| match configured {
            Some(secs) => Duration::from_secs(secs),
            None if config.debug => DEBUG_INTERVAL,
            None => production,
        };
        let intervals = &config.tournament;
        let sg_webhook = &config.webhooks.sg_discord;
        let engine = Engine::from_registry(
            EngineServices {
                db: parts.db.clone(),
                speedgaming: speedgaming.clone(),
                bots: parts.bots,
                guilds: guilds.clone(),
                notifier: parts.notifier.clone(),
                seedgen: parts.seedgen,
                presets: parts.presets,
                spoilers: Some(parts.spoilers.clone()),
                http: web,
                config: EngineConfig {
                    racetime_url: config.racetime.url.trim_end_matches('/').to_owned(),
                    sg_discord_webhook: (!sg_webhook.is_blank())
                        .then(|| sg_webhook.expose().to_owned()),
                    app_url: config.api.app_url.clone(),
                    create_races_interval: every(
                        intervals.create_races_interval_secs,
                        EngineConfig::default().create_races_interval,
                    ),
                    ..EngineConfig::default()
                },
                clock: clock.clone(),
            },
            &registry,
        );
        let week = WeekRaces::from_registry(
            WeekServices {
                db: parts.db,
                speedgaming: speedgaming.clone(),
                guilds: guilds.clone(),
                notifier: parts.notifier.clone(),
                events: week_ports.clone(),
                board: week_ports,
                config: WeekConfig {
                    app_url: config.api.app_url.clone(),
                    interval: every(
                        intervals.week_races_interval_secs,
                        sahasrahbot_tournament::week::DEFAULT_INTERVAL,
                    ),
                },
                clock: clock.clone(),
            },
            &registry,
        );
        let bad_discord = BadDiscordReport::from_registry(
            BadDiscordServices {
                speedgaming,
                guilds,
                notifier: parts.notifier,
                interval: every(
                    intervals.bad_discord_interval_secs,
                    sahasrahbot_tournament::bad_discord::DEFAULT_INTERVAL,
                ),
                clock,
            },
            &registry,
        );
        Some(Self {
            engine: Arc::new(engine),
            week,
            bad_discord,
        })
    }

    /// The supervised task running the three loops until cancelled.
    pub(crate) fn subsystem(&self) -> Subsystem {
        let (engine, week, bad_discord) = (
            self.engine.clone(),
            self.week.clone(),
            self.bad_discord.clone(),
        );
        Box::new(move |cancel| {
            let (engine, week, bad_discord) = (engine.clone(), week.clone(), bad_discord.clone());
            Box::pin(async move {
                tokio::join!(
                    engine.run(cancel.clone()),
                    week.run(cancel.clone()),
                    bad_discord.run(cancel.clone()),
                );
                Ok(())
            })
        })
    }
}
