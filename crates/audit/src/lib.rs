//! SahasrahBot's audit bot (`discord.md` §3): a second Discord application with its own
//! token and every intent (message content included) that
//!
//! - records messages into `audit_messages`: direct messages always (with guild id 0),
//!   guild messages when the guild's `AuditLogging` is `true` and the channel is not in
//!   `audit.excluded_channels`; every edit is a new row;
//! - reports edits, deletes (single and bulk), joins, leaves and bans to the guild's
//!   `AuditLogChannel`;
//! - prunes rows older than `audit.retention_days` at start and then every
//!   `audit.prune_interval_secs`;
//! - answers `messagehistory` / `deletedhistory` (CSV exports) for members with Manage
//!   Messages, after the guild's `CommandPrefix` (default `$`);
//! - moderates guild messages ([`moderation`]).
//!
//! Messages go through a bounded queue to batched inserts ([`recorder`]); the queue is
//! written out when the bot stops. Wiring (the binary): supervise
//! `run(&config, Deps { db, guild_config }, cancel)`; without a token it returns
//! [`Error::NoToken`] at once. Tests point [`AuditSettings::http_proxy`] and
//! [`AuditSettings::gateway_url`] at the testkit's fake Discord.
//!
//! The gateway loop and the HTTP client set-up follow `sahasrahbot-discord`'s; they are
//! repeated here (a few lines) because this crate may depend on `core` only.

pub mod commands;
pub mod embeds;
mod error;
mod gateway;
mod guilds;
mod history;
pub mod moderation;
pub mod prune;
pub mod recorder;
pub mod store;
pub mod zip;

use std::sync::{Arc, RwLock};
use std::time::Duration;

use sahasrahbot_core::config::Config;
use sahasrahbot_core::guild_config::GuildConfig;
use sea_orm::DatabaseConnection;
use tokio_util::sync::CancellationToken;
use tracing::Instrument as _;
use twilight_http::Client;
use twilight_model::channel::Message;
use twilight_model::guild::Permissions;
use twilight_model::id::Id;
use twilight_model::id::marker::{ChannelMarker, GuildMarker, RoleMarker, UserMarker};

pub use error::{Error, Result};

use recorder::Recorder;
use store::{NewRow, Store};

/// How the audit bot connects and what it keeps.
#[derive(Debug, Clone)]
pub struct AuditSettings {
    /// The bot token (without the `Bot ` prefix).
    pub token: String,
    /// Plain-HTTP host:port that replaces `discord.com` (tests point it at the fake).
    pub http_proxy: Option<String>,
    /// Gateway URL that replaces `wss://gateway.discord.gg` (tests point it at the fake).
    pub gateway_url: Option<String>,
    /// Days message history is kept.
    pub retention_days: u32,
    /// Time between two prunes (the first runs at start).
    pub prune_interval: Duration,
    /// Channels whose guild messages are neither recorded nor reported.
    pub excluded_channels: Vec<u64>,
    /// Discord's phishing-domain hash list.
    pub bad_domains_url: String,
    /// How often that list is downloaded again.
    pub bad_domains_refresh: Duration,
    /// Rows the recorder's queue holds before the gateway waits.
    pub queue_capacity: usize,
    /// Rows per insert statement.
    pub batch_size: usize,
}

impl Default for AuditSettings {
    fn default() -> Self {
        Self::from_config(&Config::default())
    }
}

fn non_empty(value: &str) -> Option<String> {
    let value = value.trim();
    (!value.is_empty()).then(|| value.to_owned())
}

impl AuditSettings {
    /// The settings of the configured audit bot.
    pub fn from_config(config: &Config) -> Self {
        let audit = &config.audit;
        Self {
            token: audit.token.expose().to_owned(),
            http_proxy: non_empty(&audit.http_proxy),
            gateway_url: non_empty(&audit.gateway_url),
            retention_days: audit.retention_days.max(1),
            prune_interval: Duration::from_secs(audit.prune_interval_secs.max(1)),
            excluded_channels: audit.excluded_channels.clone(),
            bad_domains_url: audit.bad_domains_url.clone(),
            bad_domains_refresh: Duration::from_secs(audit.bad_domains_refresh_secs.max(1)),
            queue_capacity: 10_000,
            batch_size: 500,
        }
    }

    /// The twilight HTTP client for these settings: users-only mentions by default.
    pub fn http_client(&self) -> Client {
        let mentions = twilight_model::channel::message::AllowedMentions {
            parse: vec![twilight_model::channel::message::MentionType::Users],
            ..Default::default()
        };
        let mut builder = Client::builder()
            .token(self.token.clone())
            .default_allowed_mentions(mentions);
        if let Some(proxy) = &self.http_proxy {
            builder = builder.proxy(proxy.clone(), true);
        }
        builder.build()
    }
}

/// What the audit bot needs from the rest of the application.
#[derive(Debug, Clone)]
pub struct Deps {
    /// The database (`audit_messages`).
    pub db: DatabaseConnection,
    /// Per-guild settings (`AuditLogging`, `AuditLogChannel`, `CommandPrefix`).
    pub guild_config: Arc<GuildConfig>,
}

/// Shared state of a running audit bot.
pub(crate) struct Bot {
    pub(crate) http: Arc<Client>,
    pub(crate) web: reqwest::Client,
    pub(crate) store: Store,
    pub(crate) recorder: Recorder,
    pub(crate) guild_config: Arc<GuildConfig>,
    pub(crate) guilds: guilds::Guilds,
    pub(crate) me: RwLock<Option<Id<UserMarker>>>,
    pub(crate) settings: AuditSettings,
    pub(crate) bad_domains: moderation::BadDomains,
}

impl Bot {
    pub(crate) fn is_me(&self, user: Id<UserMarker>) -> bool {
        *self.me.read().unwrap_or_else(|e| e.into_inner()) == Some(user)
    }

    /// Whether guild messages of `channel` are recorded and reported.
    pub(crate) async fn records(
        &self,
        guild: Id<GuildMarker>,
        channel: Id<ChannelMarker>,
    ) -> Result<bool> {
        if self.settings.excluded_channels.contains(&channel.get()) {
            return Ok(false);
        }
        Ok(self
            .guild_config
            .is_true(history::guild_key(guild), "AuditLogging")
            .await?)
    }

    /// The guild's `AuditLogChannel`, when set to a channel id.
    pub(crate) async fn audit_channel(&self, guild: Id<GuildMarker>) -> Result<Option<u64>> {
        Ok(self
            .guild_config
            .get(history::guild_key(guild), "AuditLogChannel")
            .await?
            .and_then(|v| v.trim().parse::<u64>().ok()))
    }

    /// A member's guild-level permissions; a guild not seen on the gateway yet is fetched.
    pub(crate) async fn permissions(
        &self,
        guild: Id<GuildMarker>,
        user: Id<UserMarker>,
        roles: &[Id<RoleMarker>],
    ) -> Result<Permissions> {
        if let Some(perms) = self.guilds.permissions(guild, user, roles) {
            return Ok(perms);
        }
        let fetched = self.http.guild(guild).await?.model().await?;
        self.guilds
            .set(fetched.id, fetched.owner_id, &fetched.roles);
        Ok(self
            .guilds
            .permissions(guild, user, roles)
            .unwrap_or_else(Permissions::empty))
    }
}

impl NewRow {
    /// The row of one version of `message` (guild 0 for a DM).
    pub fn from_message(message: &Message) -> Self {
        let micros = message.timestamp.as_micros();
        Self {
            guild_id: message.guild_id.map_or(0, Id::get),
            message_id: message.id.get(),
            user_id: message.author.id.get(),
            channel_id: message.channel_id.get(),
            message_date: chrono::DateTime::from_timestamp_micros(micros)
                .unwrap_or_default()
                .naive_utc(),
            content: message.content.clone(),
            attachment: message.attachments.first().map(|a| a.url.clone()),
        }
    }
}

/// Runs the configured audit bot until `cancel` fires.
///
/// # Errors
/// See [`run_with`].
pub async fn run(config: &Config, deps: Deps, cancel: CancellationToken) -> Result<()> {
    run_with(AuditSettings::from_config(config), deps, cancel).await
}

/// Runs the audit bot: reads the application, clears its global slash commands (it has
/// none), then serves the gateway until `cancel` fires. On the way out the pending edits
/// and deletes are handled and the recorder's queue is written.
///
/// # Errors
/// No token; the application info could not be read; the gateway rejected the token or
/// ended.
pub async fn run_with(
    settings: AuditSettings,
    deps: Deps,
    cancel: CancellationToken,
) -> Result<()> {
    if settings.token.trim().is_empty() {
        return Err(Error::NoToken);
    }
    let http = Arc::new(settings.http_client());
    let app = http.current_user_application().await?.model().await?;
    http.interaction(app.id).set_global_commands(&[]).await?;
    let web = reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()
        .map_err(|e| Error::Gateway(format!("cannot build the HTTP client: {e}")))?;
    let store = Store::new(deps.db.clone());
    let recorder_stop = CancellationToken::new();
    let (recorder, writer) = Recorder::spawn(
        store.clone(),
        settings.queue_capacity,
        settings.batch_size,
        recorder_stop.clone(),
    );
    let stats = recorder.stats();
    let bot = Arc::new(Bot {
        http,
        web,
        store: store.clone(),
        recorder,
        guild_config: deps.guild_config,
        guilds: guilds::Guilds::default(),
        me: RwLock::new(None),
        bad_domains: moderation::BadDomains::default(),
        settings,
    });
    let loops = cancel.child_token();
    let feed = tokio::spawn(moderation::refresh_loop(bot.clone(), loops.clone()));
    let retention = bot.settings.retention_days;
    let pruner = tokio::spawn(
        prune::every(bot.settings.prune_interval, loops.clone(), move || {
            let store = store.clone();
            async move {
                if let Err(e) = prune::prune_once(&store, retention).await {
                    tracing::warn!(error = %e, "audit prune failed");
                }
            }
        })
        .instrument(tracing::info_span!("audit_prune")),
    );
    let history_stop = CancellationToken::new();
    let (jobs, job_rx) = tokio::sync::mpsc::channel(1024);
    let worker = tokio::spawn(history::worker(bot.clone(), job_rx, history_stop.clone()));
    let served = gateway::serve(bot.clone(), jobs, cancel)
        .instrument(tracing::info_span!("audit_shard"))
        .await;
    loops.cancel();
    history_stop.cancel();
    for (name, task) in [
        ("bad-domain feed", feed),
        ("prune", pruner),
        ("history", worker),
    ] {
        if let Err(e) = task.await {
            tracing::warn!(error = %e, task = name, "an audit task failed");
        }
    }
    recorder_stop.cancel();
    if let Err(e) = writer.await {
        tracing::warn!(error = %e, "the audit recorder failed");
    }
    tracing::info!(
        written = stats.written.load(std::sync::atomic::Ordering::Relaxed),
        lost = stats.lost.load(std::sync::atomic::Ordering::Relaxed),
        "audit bot stopped"
    );
    served
}
