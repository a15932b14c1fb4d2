//! One category bot: token lifecycle, discovery, joining rooms, room creation.

use std::sync::atomic::{AtomicU64, Ordering};

use std::sync::{Arc, Weak};

use futures_util::StreamExt;
use futures_util::future::BoxFuture;
use tokio::sync::{Notify, watch};
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;
use tracing::{Instrument, debug, error, info, warn};

use crate::api::{AccessToken, Api, RaceSettings};
use crate::config::BotConfig;
use crate::error::{Error, Result};
use crate::handler::{Commands, HandlerFactory, RaceHandler};
use crate::model::{CategoryData, RaceData, Team};
use crate::registry::{HandlerRegistry, RoomHandle};
use crate::room::{BotOps, new_room};

static NEXT_ROOM_ID: AtomicU64 = AtomicU64::new(1);

struct Inner<F: HandlerFactory> {
    config: Arc<BotConfig>,
    factory: F,
    api: Arc<Api>,
    registry: HandlerRegistry,
    commands: Arc<Commands<F::Handler>>,
    token_tx: watch::Sender<Arc<AccessToken>>,
    token_rx: watch::Receiver<Arc<AccessToken>>,
    refresh: Arc<Notify>,
    cancel: CancellationToken,
    tracker: TaskTracker,
    join_lock: tokio::sync::Mutex<()>,
    /// Stops the shutdown watcher when the bot is dropped.
    _watcher: tokio_util::sync::DropGuard,
}

/// A racetime.gg bot for one category. Cheap to clone.
///
/// [`Bot::connect`] fetches the first token; [`Bot::run`] polls the category and keeps the token
/// fresh until the cancellation token fires, then closes every room socket and returns.
pub struct Bot<F: HandlerFactory> {
    inner: Arc<Inner<F>>,
}

impl<F: HandlerFactory> Clone for Bot<F> {
    fn clone(&self) -> Self {
        Self {
            inner: self.inner.clone(),
        }
    }
}

impl<F: HandlerFactory> std::fmt::Debug for Bot<F> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Bot")
            .field("category", &self.inner.config.category)
            .finish_non_exhaustive()
    }
}

impl<F: HandlerFactory> Bot<F> {
    /// Authorizes with client credentials. [`Error::InvalidClient`] means the credentials are
    /// wrong (do not retry); other errors are transient.
    pub async fn connect(
        config: BotConfig,
        factory: F,
        registry: HandlerRegistry,
        cancel: CancellationToken,
    ) -> Result<Self> {
        // The room sockets' TLS config names ring itself (`tls.rs`); other rustls users in
        // the process may rely on the process-wide default provider, which is ambiguous (a
        // panic on first use) if the final binary enables more than one. Pin ring unless the
        // application already chose one.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let api = Arc::new(Api::new(
            config.host.clone(),
            &config.extra_root_certificates,
        )?);
        let token = api.token(&config.client_id, &config.client_secret).await?;
        info!(category = %config.category, expires_in = ?token.expires_in, "authorized with racetime.gg");
        let (token_tx, token_rx) = watch::channel(Arc::new(token));
        // Room tasks check the cancellation token when signalled, not on every wake-up. The
        // watcher also ends when the bot is dropped uncancelled.
        let watcher_stop = CancellationToken::new();
        tokio::spawn({
            let cancel = cancel.clone();
            let stop = watcher_stop.clone();
            let registry = registry.clone();
            async move {
                tokio::select! {
                    _ = cancel.cancelled() => registry.signal_all(),
                    _ = stop.cancelled() => {}
                }
            }
        });
        Ok(Self {
            inner: Arc::new(Inner {
                config: Arc::new(config),
                factory,
                api,
                registry,
                commands: Arc::new(F::Handler::commands()),
                token_tx,
                token_rx,
                refresh: Arc::new(Notify::new()),
                cancel,
                tracker: TaskTracker::new(),
                join_lock: tokio::sync::Mutex::new(()),
                _watcher: watcher_stop.drop_guard(),
            }),
        })
    }

    /// The bot's configuration.
    pub fn config(&self) -> &BotConfig {
        &self.inner.config
    }

    /// The registry this bot's rooms are listed in.
    pub fn registry(&self) -> &HandlerRegistry {
        &self.inner.registry
    }

    /// The factory.
    pub fn factory(&self) -> &F {
        &self.inner.factory
    }

    /// The cancellation token that stops this bot.
    pub fn cancellation_token(&self) -> &CancellationToken {
        &self.inner.cancel
    }

    fn token(&self) -> String {
        self.inner.token_rx.borrow().value.clone()
    }

    /// Runs discovery and token refresh until cancelled, then waits for every room task to
    /// close its socket.
    pub async fn run(&self) {
        let span = tracing::info_span!("racetime_bot", category = %self.inner.config.category);
        async {
            let refresh = self.clone();
            self.inner
                .tracker
                .spawn(async move { refresh.refresh_loop().await }.in_current_span());
            self.discovery_loop().await;
            self.inner.tracker.close();
            self.inner.tracker.wait().await;
            info!("racetime bot stopped");
        }
        .instrument(span)
        .await;
    }

    async fn refresh_loop(&self) {
        let cancel = &self.inner.cancel;
        let config = &self.inner.config;
        let mut last_requested: Option<tokio::time::Instant> = None;
        loop {
            let lifetime = self.inner.token_rx.borrow().expires_in;
            let wait = if lifetime > config.token_refresh_margin {
                lifetime - config.token_refresh_margin
            } else {
                lifetime / 2
            };
            let deadline = tokio::time::Instant::now() + wait;
            loop {
                tokio::select! {
                    _ = cancel.cancelled() => return,
                    _ = tokio::time::sleep_until(deadline) => break,
                    _ = self.inner.refresh.notified() => {
                        // Rooms ask for a token after "Permission denied". A deactivated bot
                        // is denied with every token, so such requests are rate-limited.
                        if last_requested
                            .is_some_and(|t| t.elapsed() < config.token_refresh_cooldown)
                        {
                            debug!("token refresh request ignored (cooldown)");
                            continue;
                        }
                        last_requested = Some(tokio::time::Instant::now());
                        info!("token refresh requested");
                        break;
                    }
                }
            }
            let mut attempt = 0;
            loop {
                let result = self
                    .inner
                    .api
                    .token(&config.client_id, &config.client_secret)
                    .await;
                match result {
                    Ok(token) => {
                        info!(expires_in = ?token.expires_in, "token refreshed");
                        // Every room task watches this and reconnects with the new token.
                        self.inner.token_tx.send_replace(Arc::new(token));
                        self.inner.registry.signal_all();
                        break;
                    }
                    Err(e) => {
                        attempt += 1;
                        let delay = config.token_backoff.delay(attempt);
                        error!(error = %e, attempt, ?delay, "token refresh failed");
                        tokio::select! {
                            _ = cancel.cancelled() => return,
                            _ = tokio::time::sleep(delay) => {}
                        }
                    }
                }
            }
        }
    }

    async fn discovery_loop(&self) {
        let config = &self.inner.config;
        let mut failures = 0;
        loop {
            let wait = match self.scan().await {
                Ok(()) => {
                    failures = 0;
                    config.scan_interval
                }
                Err(e) => {
                    failures += 1;
                    let delay = config.feed_backoff.delay(failures);
                    warn!(error = %e, failures, ?delay, "category feed failed");
                    delay
                }
            };
            tokio::select! {
                _ = self.inner.cancel.cancelled() => return,
                _ = tokio::time::sleep(wait) => {}
            }
        }
    }

    /// Fetches the bot feed once and joins every new race that should be handled.
    pub async fn scan(&self) -> Result<()> {
        let feed = self.category_data().await?;
        let new: Vec<String> = feed
            .current_races
            .into_iter()
            .filter(|r| !r.status.value.is_terminal() && !self.inner.registry.contains(&r.name))
            .map(|r| r.name)
            .collect();
        if new.is_empty() {
            return Ok(());
        }
        debug!(count = new.len(), "joining new races");
        futures_util::stream::iter(new)
            .for_each_concurrent(
                self.inner.config.join_concurrency.max(1),
                |name| async move {
                    if let Err(e) = self.join_room(&name, false).await {
                        warn!(room = %name, error = %e, "could not join room");
                    }
                },
            )
            .await;
        Ok(())
    }

    /// The bot feed `GET /o/{category}/data` (lists unlisted races too).
    pub async fn category_data(&self) -> Result<CategoryData> {
        self.inner
            .api
            .category_feed(&self.inner.config.category, &self.token())
            .await
    }

    /// `GET /{category}/{slug}/data`.
    pub async fn race_data(&self, name: &str) -> Result<RaceData> {
        self.inner.api.race_data(name).await
    }

    /// Joins a room by name (`category/slug`), e.g. one the bot created or a room to resume.
    /// Returns the live handle (an existing one if already handled), or `None` when
    /// `should_handle` refused it and `force` is false.
    pub async fn join_room(&self, name: &str, force: bool) -> Result<Option<RoomHandle>> {
        let category = &self.inner.config.category;
        if !name
            .strip_prefix(category.as_str())
            .is_some_and(|rest| rest.starts_with('/') && rest.len() > 1)
        {
            return Err(Error::WrongCategory {
                room: name.to_owned(),
                category: category.clone(),
            });
        }
        if self.inner.cancel.is_cancelled() {
            return Err(Error::Shutdown);
        }
        if let Some(h) = self.inner.registry.get(name).filter(RoomHandle::is_live) {
            return Ok(Some(h));
        }
        let race = self.inner.api.race_data(name).await?;
        let _guard = self.inner.join_lock.lock().await;
        if let Some(h) = self.inner.registry.get(name).filter(RoomHandle::is_live) {
            return Ok(Some(h));
        }
        if !force && !self.inner.factory.should_handle(&race) {
            info!(room = %name, status = race.status.value.as_str(), "ignoring race by configuration");
            return Ok(None);
        }
        let handler = self
            .inner
            .factory
            .create(&race)
            .await
            .map_err(|e| Error::InvalidRequest(format!("failed to create handler: {e}")))?;
        let (handle, task) = new_room(
            NEXT_ROOM_ID.fetch_add(1, Ordering::Relaxed),
            race,
            handler,
            self.inner.commands.clone(),
            self.inner.config.clone(),
            self.inner.api.clone(),
            self.inner.token_rx.clone(),
            self.inner.refresh.clone(),
            self.inner.cancel.clone(),
            self.inner.registry.clone(),
            Arc::new(WeakBot(Arc::downgrade(&self.inner))),
        );
        if let Err(existing) = self.inner.registry.insert_if_absent(handle.clone()) {
            return Ok(Some(existing));
        }
        self.inner.tracker.spawn(task.run());
        info!(room = %name, "joined room");
        Ok(Some(handle))
    }

    /// Opens a room (`POST /o/{category}/startrace`) and returns its name from the `Location`
    /// header. A `goal` that is not one of the category's goals is sent as `custom_goal`.
    /// Not retried: a retry after a server-side success would open a second room.
    pub async fn start_race(&self, settings: &RaceSettings) -> Result<String> {
        settings.check_goal()?;
        let mut settings = settings.clone();
        if let Some(goal) = settings.goal.clone() {
            let feed = self.category_data().await?;
            if !feed.goals.contains(&goal) {
                settings.set_custom_goal(goal);
            }
        }
        self.inner
            .api
            .start_race(&self.inner.config.category, &self.token(), &settings)
            .await
    }

    /// [`Bot::start_race`], then joins the new room (forced).
    pub async fn start_race_and_join(&self, settings: &RaceSettings) -> Result<RoomHandle> {
        let name = self.start_race(settings).await?;
        self.join_room(&name, true)
            .await?
            .ok_or(Error::RoomNotHandled(name))
    }

    /// `GET /team/{slug}/data`.
    pub async fn get_team(&self, slug: &str) -> Result<Team> {
        self.inner.api.team(slug).await
    }

    /// `GET /user/{id}/data` (the public profile, as JSON).
    pub async fn get_user(&self, user_id: &str) -> Result<serde_json::Value> {
        self.inner.api.user(user_id).await
    }
}

impl<F: HandlerFactory> Drop for Inner<F> {
    fn drop(&mut self) {
        // The token watch closes with the bot: its rooms see that and leave.
        self.registry.signal_all();
    }
}

/// A factory that builds every handler with `Default`.
#[derive(Debug, Clone, Copy, Default)]
pub struct DefaultFactory<H>(std::marker::PhantomData<fn() -> H>);

impl<H> DefaultFactory<H> {
    /// A new factory.
    pub fn new() -> Self {
        Self(std::marker::PhantomData)
    }
}

#[async_trait::async_trait]
impl<H: RaceHandler + Default> HandlerFactory for DefaultFactory<H> {
    type Handler = H;

    async fn create(&self, _race: &RaceData) -> std::result::Result<H, crate::HandlerError> {
        Ok(H::default())
    }
}

/// The bot as seen from its rooms: a weak reference, so rooms do not keep the bot alive.
struct WeakBot<F: HandlerFactory>(Weak<Inner<F>>);

impl<F: HandlerFactory> WeakBot<F> {
    fn bot(&self) -> Result<Bot<F>> {
        self.0
            .upgrade()
            .map(|inner| Bot { inner })
            .ok_or(Error::Shutdown)
    }
}

impl<F: HandlerFactory> BotOps for WeakBot<F> {
    fn join(&self, name: String, force: bool) -> BoxFuture<'static, Result<Option<RoomHandle>>> {
        let bot = self.bot();
        Box::pin(async move { bot?.join_room(&name, force).await })
    }

    fn start_race(&self, settings: RaceSettings) -> BoxFuture<'static, Result<String>> {
        let bot = self.bot();
        Box::pin(async move { bot?.start_race(&settings).await })
    }

    fn get_team(&self, slug: String) -> BoxFuture<'static, Result<Team>> {
        let bot = self.bot();
        Box::pin(async move { bot?.get_team(&slug).await })
    }

    fn is_gone(&self) -> bool {
        self.0.strong_count() == 0
    }
}
