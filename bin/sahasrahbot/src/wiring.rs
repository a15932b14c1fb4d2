//! The shared services of a running bot, and the subsystems built from them.

use std::path::PathBuf;
use std::sync::Arc;

use async_trait::async_trait;
use rand::SeedableRng;
use rand::rngs::StdRng;
use sahasrahbot_core::config::Config;
use sahasrahbot_core::guild_config::GuildConfig;
use sahasrahbot_core::ports::ChatNotifier;
use sahasrahbot_core::presets::PresetStore;
use sahasrahbot_core::telemetry::Telemetry;
use sahasrahbot_racetime::HandlerRegistry;
use sahasrahbot_racetime_handlers::{Services, SpoilerKind, SpoilerLogs};
use sahasrahbot_seedgen::spoilers::{
    LOCAL_SPOILER_DIR, SpoilerPublisher, SpoilerType, spoiler_backend,
};
use sahasrahbot_seedgen::storage::Backend;
use sahasrahbot_seedgen::{GeneratedSeed, Seedgen};
use sahasrahbot_tournament::ports::RacetimeBots;
use sea_orm::DatabaseConnection;

use crate::error::AppError;
use crate::supervisor::{RunResult, Subsystem};
use crate::tournaments::{Parts, Tournaments};

/// Everything the subsystems share, built once at start-up.
pub(crate) struct App {
    pub(crate) config: Arc<Config>,
    pub(crate) db: DatabaseConnection,
    pub(crate) presets: Arc<PresetStore>,
    pub(crate) seedgen: Arc<Seedgen>,
    pub(crate) spoilers: Arc<SpoilerPublisher>,
    pub(crate) guild_config: Arc<GuildConfig>,
    pub(crate) telemetry: Telemetry,
    pub(crate) registry: HandlerRegistry,
    /// The running racetime.gg category bots, filled as they connect.
    pub(crate) racetime_bots: RacetimeBots,
    /// The tournament engine and loops, when Discord is configured.
    pub(crate) tournaments: Option<Tournaments>,
    /// The Discord bot's custom emojis, shared with the tournament engine's embeds.
    pub(crate) emojis: sahasrahbot_discord::EmojiCache,
    /// The async tournaments: one for the process, so the Discord bot's scoring drops the
    /// leaderboard cache the web pages read (hand clones to both).
    pub(crate) async_tournaments: sahasrahbot_tournament::asynctournament::AsyncTournaments,
}

impl App {
    /// Builds the shared services over an open, migrated database.
    pub(crate) fn build(config: Config, db: DatabaseConnection) -> Result<Self, AppError> {
        let seedgen = Seedgen::from_config(&config, Some(db.clone())).map_err(AppError::Seedgen)?;
        let spoilers = SpoilerPublisher::from_config(&config).map_err(AppError::Seedgen)?;
        let (seedgen, presets) = (
            Arc::new(seedgen),
            Arc::new(PresetStore::new(&config.presets.dir)),
        );
        let racetime_bots = RacetimeBots::new();
        // The engine's first pass waits for the category bots that will start here.
        for slug in config.racetime_categories() {
            if config.racetime.credentials(slug).is_some() {
                racetime_bots.expect(slug);
            }
        }
        let emojis = sahasrahbot_discord::EmojiCache::default();
        let tournaments = notifier(&config).and_then(|notifier| {
            Tournaments::build(Parts {
                config: &config,
                db: db.clone(),
                seedgen: seedgen.clone(),
                presets: presets.clone(),
                spoilers: &spoilers,
                bots: racetime_bots.clone(),
                notifier,
                emojis: emojis.clone(),
            })
        });
        Ok(Self {
            presets,
            seedgen,
            spoilers: Arc::new(spoilers),
            racetime_bots,
            tournaments,
            emojis,
            guild_config: Arc::new(GuildConfig::new(db.clone())),
            telemetry: Telemetry::new(db.clone(), &config.telemetry),
            registry: HandlerRegistry::new(),
            async_tournaments: sahasrahbot_tournament::asynctournament::AsyncTournaments::new(
                db.clone(),
            ),
            config: Arc::new(config),
            db,
        })
    }

    /// The directory the web server serves under `/spoilers/`, when logs are local.
    pub(crate) fn local_spoiler_dir(&self) -> Option<PathBuf> {
        match spoiler_backend(&self.config) {
            Backend::Local(_) => Some(PathBuf::from(LOCAL_SPOILER_DIR)),
            Backend::S3 { .. } => None,
        }
    }

    /// The tournament subsystem, when Discord is configured.
    pub(crate) fn tournaments(&self) -> Option<Subsystem> {
        self.tournaments.as_ref().map(Tournaments::subsystem)
    }

    /// The Discord bot.
    pub(crate) fn discord(&self) -> Subsystem {
        let config = self.config.clone();
        let deps = sahasrahbot_discord::Deps {
            db: self.db.clone(),
            presets: self.presets.clone(),
            seedgen: self.seedgen.clone(),
            telemetry: self.telemetry.clone(),
            guild_config: self.guild_config.clone(),
            spoilers: Some(self.spoilers.clone()),
            emojis: self.emojis.clone(),
            async_tournaments: self.async_tournaments.clone(),
        };
        Box::new(move |cancel| {
            let (config, deps) = (config.clone(), deps.clone());
            Box::pin(async move {
                sahasrahbot_discord::run(&config, deps, cancel)
                    .await
                    .map_err(Into::into)
            })
        })
    }

    /// The audit bot (message history, reports, moderation).
    pub(crate) fn audit(&self) -> Subsystem {
        let config = self.config.clone();
        let deps = sahasrahbot_audit::Deps {
            db: self.db.clone(),
            guild_config: self.guild_config.clone(),
        };
        Box::new(move |cancel| {
            let (config, deps) = (config.clone(), deps.clone());
            Box::pin(async move {
                sahasrahbot_audit::run(&config, deps, cancel)
                    .await
                    .map_err(Into::into)
            })
        })
    }

    /// The racetime.gg bot of category `slug` (which has credentials).
    pub(crate) fn racetime(&self, slug: &str) -> Subsystem {
        let mut services = Services::new(
            self.db.clone(),
            self.seedgen.clone(),
            PresetStore::new(&self.config.presets.dir),
            sahasrahbot_racetime::HostConfig {
                host: self.config.racetime.host.clone(),
                port: self.config.racetime.port,
                secure: self.config.racetime.secure,
            },
        )
        .with_command_prefix(self.config.racetime.command_prefix.clone())
        .with_spoiler_logs(Arc::new(PublishSpoilers(self.spoilers.clone())))
        .with_racetime_bots(self.racetime_bots.clone());
        if let Some(tournaments) = &self.tournaments {
            services = services.with_tournament_engine(tournaments.engine.clone());
        }
        if let Some(notifier) = notifier(&self.config) {
            services = services.with_notifier(notifier);
        }
        let services = Arc::new(services);
        let (config, registry, slug) =
            (self.config.clone(), self.registry.clone(), slug.to_owned());
        Box::new(move |cancel| {
            let (config, services, registry, slug) = (
                config.clone(),
                services.clone(),
                registry.clone(),
                slug.clone(),
            );
            Box::pin(async move { run_category(&config, &slug, services, registry, cancel).await })
        })
    }
}

/// The Discord notifier other subsystems post through, when the bot has a token.
fn notifier(config: &Config) -> Option<Arc<dyn ChatNotifier>> {
    if config.discord.token.is_blank() {
        return None;
    }
    let http = sahasrahbot_discord::BotSettings::from_config(config).http_client();
    Some(Arc::new(sahasrahbot_discord::DiscordNotifier::new(
        Arc::new(http),
    )))
}

/// Runs one category's bot until `cancel`. Credentials racetime.gg refuses disable the
/// category until restart instead of being retried in a loop.
async fn run_category(
    config: &Config,
    slug: &str,
    services: Arc<Services>,
    registry: HandlerRegistry,
    cancel: tokio_util::sync::CancellationToken,
) -> RunResult {
    let Some(bot_config) = sahasrahbot_racetime_handlers::bot_config(config, slug) else {
        return Ok(());
    };
    match sahasrahbot_racetime_handlers::start_category(
        bot_config,
        services,
        registry,
        cancel.clone(),
    )
    .await
    {
        Ok(task) => {
            task.await?;
            if cancel.is_cancelled() {
                Ok(())
            } else {
                Err("the bot stopped".into())
            }
        }
        Err(sahasrahbot_racetime_handlers::Error::Racetime(
            e @ sahasrahbot_racetime::Error::InvalidClient(_),
        )) => {
            tracing::error!(error = %e, "racetime.gg refused the credentials; category disabled until restart");
            cancel.cancelled().await;
            Ok(())
        }
        Err(e) => Err(e.into()),
    }
}

/// Spoiler races publish through the configured spoiler log store.
struct PublishSpoilers(Arc<SpoilerPublisher>);

#[async_trait]
impl SpoilerLogs for PublishSpoilers {
    async fn publish(
        &self,
        seed: &GeneratedSeed,
        kind: SpoilerKind,
    ) -> Result<String, sahasrahbot_racetime_handlers::Error> {
        let kind = match kind {
            SpoilerKind::Full => SpoilerType::Spoiler,
            SpoilerKind::Progression => SpoilerType::Progression,
        };
        let mut rng = StdRng::from_entropy();
        self.0
            .publish(seed, kind, &mut rng)
            .await
            .map_err(Into::into)
    }
}
