//! [`AppState`]: the handles every route may use, built with `AppState::new(db)` and
//! `with_…` methods.
//!
//! ```no_run
//! # async fn demo(db: sea_orm::DatabaseConnection) {
//! use std::sync::Arc;
//! use sahasrahbot_api::AppState;
//! use sahasrahbot_core::config::Config;
//! use sahasrahbot_core::presets::PresetStore;
//!
//! let state = AppState::new(db)
//!     .with_config(Arc::new(Config::default()))
//!     .with_presets(Arc::new(PresetStore::new("presets")))
//!     .with_spoiler_dir(Some("data/spoilers".into()));
//! # let _ = state;
//! # }
//! ```

use std::path::{Path, PathBuf};
use std::sync::Arc;

use sahasrahbot_core::config::Config;
use sahasrahbot_core::presets::PresetStore;
use sahasrahbot_core::presets::user::UserPresets;
use sahasrahbot_racetime::HandlerRegistry;
use sahasrahbot_tournament::asynctournament::AsyncTournaments;
use sahasrahbot_tournament::ports::{DirectoryError, GuildDirectory, Member, RacetimeBots};
use sea_orm::DatabaseConnection;

use crate::health::{CachedDiscordHealth, DiscordHealth};

/// Shared state of the HTTP routes. Cheap to clone: everything sits behind one `Arc`.
#[derive(Clone)]
pub struct AppState {
    inner: Arc<Inner>,
}

/// The racetime.gg handles `/api/racetime/cmd` dispatches through.
#[derive(Clone, Debug)]
pub(crate) struct Racetime {
    /// Live rooms of every category bot of this process, by `category/slug`.
    pub(crate) registry: HandlerRegistry,
    /// The running category bots, by category slug.
    pub(crate) bots: RacetimeBots,
}

#[derive(Clone)]
struct Inner {
    db: DatabaseConnection,
    config: Arc<Config>,
    spoiler_dir: Option<PathBuf>,
    presets: Arc<PresetStore>,
    racetime: Option<Racetime>,
    discord: Option<Arc<CachedDiscordHealth>>,
    http: reqwest::Client,
    elections: Option<Arc<dyn crate::web::ElectionDiscord>>,
    submissions: Option<Arc<dyn crate::web::Submissions>>,
    async_tournaments: AsyncTournaments,
    guilds: Option<Arc<dyn GuildDirectory>>,
}

impl std::fmt::Debug for AppState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppState")
            .field("spoiler_dir", &self.inner.spoiler_dir)
            .field("presets", &self.inner.presets.root())
            .field("racetime", &self.inner.racetime.is_some())
            .field("discord", &self.inner.discord.is_some())
            .finish_non_exhaustive()
    }
}

impl AppState {
    /// State over `db` with the defaults: the default configuration, global presets from
    /// the configuration's preset directory, no local spoiler logs, no racetime.gg bots, no
    /// Discord (reported "disabled" by `/healthcheck`), a plain HTTP client.
    pub fn new(db: DatabaseConnection) -> Self {
        let config = Arc::new(Config::default());
        let presets = Arc::new(PresetStore::new(&config.presets.dir));
        Self {
            inner: Arc::new(Inner {
                db: db.clone(),
                config,
                spoiler_dir: None,
                presets,
                racetime: None,
                discord: None,
                http: reqwest::Client::new(),
                elections: None,
                submissions: None,
                async_tournaments: AsyncTournaments::new(db.clone()),
                guilds: None,
            }),
        }
    }

    fn edit(mut self, f: impl FnOnce(&mut Inner)) -> Self {
        f(Arc::make_mut(&mut self.inner));
        self
    }

    /// The bot's configuration (`APP_URL`, secrets, debug mode, …). Does not change the
    /// preset store: set that with [`AppState::with_presets`].
    pub fn with_config(self, config: Arc<Config>) -> Self {
        self.edit(|i| i.config = config)
    }

    /// The local spoiler log directory served under `/spoilers/` (`None`: logs live in S3).
    pub fn with_spoiler_dir(self, dir: Option<PathBuf>) -> Self {
        self.edit(|i| i.spoiler_dir = dir)
    }

    /// The global preset store (the same one the bots use, so its listing cache is shared).
    pub fn with_presets(self, presets: Arc<PresetStore>) -> Self {
        self.edit(|i| i.presets = presets)
    }

    /// The racetime.gg room registry and category bots `/api/racetime/cmd` dispatches to.
    pub fn with_racetime(self, registry: HandlerRegistry, bots: RacetimeBots) -> Self {
        self.edit(|i| i.racetime = Some(Racetime { registry, bots }))
    }

    /// The Discord liveness check of `/healthcheck` (its answers are reused for 10 s).
    pub fn with_discord_health(self, discord: Arc<dyn DiscordHealth>) -> Self {
        self.edit(|i| i.discord = Some(Arc::new(CachedDiscordHealth::new(discord))))
    }

    /// The HTTP client for outgoing calls (OAuth2 token exchanges, …).
    pub fn with_http(self, http: reqwest::Client) -> Self {
        self.edit(|i| i.http = http)
    }

    /// The Discord side of ranked-choice voting (member roles of private elections, the
    /// election message refresh after a vote).
    pub fn with_election_discord(self, discord: Arc<dyn crate::web::ElectionDiscord>) -> Self {
        self.edit(|i| i.elections = Some(discord))
    }

    /// The database.
    pub fn db(&self) -> &DatabaseConnection {
        &self.inner.db
    }

    /// The configuration.
    pub fn config(&self) -> &Config {
        &self.inner.config
    }

    /// The local spoiler log directory, when logs are stored locally.
    pub fn spoiler_dir(&self) -> Option<&Path> {
        self.inner.spoiler_dir.as_deref()
    }

    /// The global preset store.
    pub fn presets(&self) -> &PresetStore {
        &self.inner.presets
    }

    /// The user (namespaced) presets in the database.
    pub fn user_presets(&self) -> UserPresets {
        UserPresets::new(self.inner.db.clone())
    }

    /// The HTTP client for outgoing calls.
    pub fn http(&self) -> &reqwest::Client {
        &self.inner.http
    }

    /// The racetime.gg handles, when racetime.gg bots run in this process.
    pub(crate) fn racetime(&self) -> Option<&Racetime> {
        self.inner.racetime.as_ref()
    }

    /// The Discord liveness check, when Discord is configured.
    pub(crate) fn discord_health(&self) -> Option<&CachedDiscordHealth> {
        self.inner.discord.as_deref()
    }

    /// The tournament engine behind `/submit` (an `Engine` of the tournament crate).
    pub fn with_submissions(self, submissions: Arc<dyn crate::web::Submissions>) -> Self {
        self.edit(|i| i.submissions = Some(submissions))
    }

    /// The tournament engine behind `/submit`, when tournaments run in this process.
    pub(crate) fn submissions(&self) -> Option<&dyn crate::web::Submissions> {
        self.inner.submissions.as_deref()
    }

    /// The async tournaments the `/async/…` pages and API read and change. Pass the Discord
    /// bot's instance so both share the leaderboard cache that scoring clears (the default
    /// is a separate one over the same database).
    pub fn with_async_tournaments(self, tournaments: AsyncTournaments) -> Self {
        self.edit(|i| i.async_tournaments = tournaments)
    }

    /// Discord guild members, for async-tournament permissions granted to Discord roles.
    /// Without it such grants are not honoured (logged).
    pub fn with_guild_directory(self, guilds: Arc<dyn GuildDirectory>) -> Self {
        self.edit(|i| i.guilds = Some(guilds))
    }

    /// The async tournaments.
    pub(crate) fn async_tournaments(&self) -> &AsyncTournaments {
        &self.inner.async_tournaments
    }

    /// Discord guild members; without Discord, a directory in which nobody is a member.
    pub(crate) fn guild_directory(&self) -> &dyn GuildDirectory {
        match &self.inner.guilds {
            Some(guilds) => guilds.as_ref(),
            None => &NoGuilds,
        }
    }

    /// The Discord side of ranked-choice voting, when Discord is configured.
    pub(crate) fn election_discord(&self) -> Option<&dyn crate::web::ElectionDiscord> {
        self.inner.elections.as_deref()
    }
}

/// The guild directory without Discord: nobody is a member of any guild, so permissions
/// granted to Discord roles do not apply.
struct NoGuilds;

#[async_trait::async_trait]
impl GuildDirectory for NoGuilds {
    async fn member(&self, guild: u64, user: u64) -> Result<Option<Member>, DirectoryError> {
        tracing::warn!(
            guild,
            user,
            "Discord is not configured: role-based permissions cannot be checked"
        );
        Ok(None)
    }

    async fn member_by_name(
        &self,
        _guild: u64,
        _name: &str,
    ) -> Result<Option<Member>, DirectoryError> {
        Ok(None)
    }
}
