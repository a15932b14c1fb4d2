//! Start-up: one [`Bot`] per configured category with the category's handler.

use std::sync::Arc;

use sahasrahbot_core::config::Config;
use sahasrahbot_racetime::{Bot, BotConfig, CancellationToken, HandlerRegistry, HostConfig};
use tokio::task::JoinHandle;
use tracing::{Instrument, error, info, info_span, warn};

use crate::categories::{
    Alttpr, Contra, CtJets, Ff1r, Sgl, Smb3r, Smr, SmwHacks, Smz3, Test, Twwr, Z1r, Z2r,
};
use crate::core::{Category, Intro, RoomFactory, RoomHandler};
use crate::services::Services;
use crate::unlisted::rejoin_unlisted_rooms;

/// A category without a module of its own: the core handler only.
#[derive(Debug)]
pub struct CoreOnly;

impl Category for CoreOnly {
    const INTRO: Intro = Intro::Core;

    fn commands(
        core: sahasrahbot_racetime::Commands<RoomHandler<Self>>,
    ) -> sahasrahbot_racetime::Commands<RoomHandler<Self>> {
        core
    }
}

/// The outcome of [`start_racetime_bots`].
#[derive(Debug, Default)]
pub struct StartedBots {
    /// Category slugs whose bot runs, each with its task (ends after cancellation).
    pub running: Vec<(String, JoinHandle<()>)>,
    /// Category slugs not started, with the reason (no credentials, refused credentials).
    pub disabled: Vec<(String, String)>,
}

/// The client settings of one category from the configuration.
pub fn bot_config(config: &Config, slug: &str) -> Option<BotConfig> {
    let creds = config.racetime.credentials(slug)?;
    let host = HostConfig {
        host: config.racetime.host.clone(),
        port: config.racetime.port,
        secure: config.racetime.secure,
    };
    let mut c =
        BotConfig::new(slug, creds.client_id.clone(), creds.client_secret.expose()).with_host(host);
    c.command_prefix = config.racetime.command_prefix.clone();
    Some(c)
}

/// Starts one bot per category of [`Config::racetime_categories`] (`test` only in debug
/// mode) with its handler, all listed in `registry`. A category without credentials, or
/// whose credentials racetime.gg refuses (401), is reported in
/// [`StartedBots::disabled`] and the others keep running. Each bot first sweeps its
/// `rtggunlistedrooms` rows ([`rejoin_unlisted_rooms`]), then polls until `cancel` fires.
pub async fn start_racetime_bots(
    config: &Config,
    services: Arc<Services>,
    registry: HandlerRegistry,
    cancel: CancellationToken,
) -> StartedBots {
    let mut out = StartedBots::default();
    for slug in config.racetime_categories() {
        let Some(bot_config) = bot_config(config, slug) else {
            warn!(
                category = slug,
                "racetime.gg category disabled: no credentials"
            );
            out.disabled
                .push((slug.to_owned(), "no credentials configured".to_owned()));
            continue;
        };
        let started = start_category(
            bot_config,
            services.clone(),
            registry.clone(),
            cancel.clone(),
        )
        .await;
        match started {
            Ok(task) => out.running.push((slug.to_owned(), task)),
            Err(e) => {
                error!(category = slug, error = %e, "racetime.gg category disabled");
                out.disabled.push((slug.to_owned(), e.to_string()));
            }
        }
    }
    out
}

/// Starts the bot of one category with the handler its slug calls for.
pub async fn start_category(
    config: BotConfig,
    services: Arc<Services>,
    registry: HandlerRegistry,
    cancel: CancellationToken,
) -> crate::Result<JoinHandle<()>> {
    match config.category.as_str() {
        "alttpr" => start::<Alttpr>(config, services, registry, cancel).await,
        "test" => start::<Test>(config, services, registry, cancel).await,
        "smz3" => start::<Smz3>(config, services, registry, cancel).await,
        "smr" => start::<Smr>(config, services, registry, cancel).await,
        "z1r" => start::<Z1r>(config, services, registry, cancel).await,
        "z2r" => start::<Z2r>(config, services, registry, cancel).await,
        "ct-jets" => start::<CtJets>(config, services, registry, cancel).await,
        "ff1r" => start::<Ff1r>(config, services, registry, cancel).await,
        "smb3r" => start::<Smb3r>(config, services, registry, cancel).await,
        "twwr" => start::<Twwr>(config, services, registry, cancel).await,
        "sgl" => start::<Sgl>(config, services, registry, cancel).await,
        "smw-hacks" => start::<SmwHacks>(config, services, registry, cancel).await,
        "contra" => start::<Contra>(config, services, registry, cancel).await,
        _ => start::<CoreOnly>(config, services, registry, cancel).await,
    }
}

/// Starts a bot of category `C`: connects (an error means the category is disabled), puts
/// the bot into [`Services::racetime_bots`] (replacing the category's earlier bot, so the
/// tournament engine opens rooms through the live one), then spawns the unlisted-room sweep
/// followed by the bot's run loop.
pub async fn start<C: Category>(
    config: BotConfig,
    services: Arc<Services>,
    registry: HandlerRegistry,
    cancel: CancellationToken,
) -> crate::Result<JoinHandle<()>> {
    let slug = config.category.clone();
    let db = services.db.clone();
    let bots = services.racetime_bots.clone();
    let bot = Bot::connect(config, RoomFactory::<C>::new(services), registry, cancel).await?;
    if let Some(bots) = bots {
        bots.insert(Arc::new(bot.clone()));
        info!(category = %slug, "racetime.gg bot registered for tournament rooms");
    }
    let span = info_span!("racetime_bot", category = %slug);
    Ok(tokio::spawn(
        async move {
            info!("racetime.gg bot started");
            if let Err(e) = rejoin_unlisted_rooms(&bot, &db).await {
                warn!(error = %e, "unlisted room sweep failed");
            }
            bot.run().await;
        }
        .instrument(span),
    ))
}
