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
use sea_orm::DatabaseConnection;

use crate::error::AppError;
use crate::supervisor::{RunResult, Subsystem};

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
}

impl App {
    /// Builds the shared services over an open, migrated database.
    pub(crate) fn build(config: Config, db: DatabaseConnection) -> Result<Self, AppError> {
        let seedgen = Seedgen::from_config(&config, Some(db.clone())).map_err(AppError::Seedgen)?;
        let spoilers = SpoilerPublisher::from_config(&config).map_err(AppError::Seedgen)?;
        Ok(Self {
            presets: Arc::new(PresetStore::new(&config.presets.dir)),
            seedgen: Arc::new(seedgen),
            spoilers: Arc::new(spoilers),
            guild_config: Arc::new(GuildConfig::new(db.clone())),
            telemetry: Telemetry::new(db.clone(), &config.telemetry),
            registry: HandlerRegistry::new(),
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

    /// The Discord notifier other subsystems post through, when the bot has a token.
    fn notifier(&self) -> Option<Arc<dyn ChatNotifier>> {
        if self.config.discord.token.is_blank() {
            return None;
        }
        let http = sahasrahbot_discord::BotSettings::from_config(&self.config).http_client();
        Some(Arc::new(sahasrahbot_discord::DiscordNotifier::new(
            Arc::new(http),
        )))
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
        .with_spoiler_logs(Arc::new(PublishSpoilers(self.spoilers.clone())));
        if let Some(notifier) = self.notifier() {
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
