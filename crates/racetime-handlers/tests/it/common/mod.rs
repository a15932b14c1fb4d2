//! Shared harness: the testkit fake racetime.gg, a migrated test database, wiremock seed
//! providers, and recording fakes for the ports.
#![allow(
    dead_code,
    unreachable_pub,
    reason = "each test file uses a different subset"
)]

use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use sahasrahbot_core::db::entities::tournament_results;
use sahasrahbot_core::presets::PresetStore;
use sahasrahbot_racetime::{
    Backoff, BotConfig, CancellationToken, ChatMessage, HandlerError, HandlerRegistry,
    HandlerResult, HostConfig, Room,
};
use sahasrahbot_racetime_handlers::{
    Category, Services, SpoilerKind, SpoilerLogs, TournamentRace, TournamentService,
};
use sahasrahbot_seedgen::testing::config_at;
use sahasrahbot_seedgen::{GeneratedSeed, Seedgen, SeedgenConfig};
use sahasrahbot_testkit::db::TestDb;
use sahasrahbot_testkit::racetime::{FakeConfig, FakeRacetime, NewRace};
use serde_json::{Value, json};
use tokio::task::JoinHandle;
use wiremock::matchers::{method, path_regex};
use wiremock::{Mock, MockServer, ResponseTemplate};

pub const WAIT: Duration = Duration::from_secs(10);

/// The file-select code of [`alttpr_game`].
pub const CODE: &str = "Ether/Heart/Bombs/Lamp/Bow";

/// An alttpr.com generate answer.
pub fn alttpr_game(hash: &str) -> Value {
    json!({
        "logic": "NoGlitches",
        "patch": [{"1573395": [0, 0, 9, 28, 3, 11, 0]}],
        "spoiler": {"meta": {"name": "Standard", "spoilers": "off", "version": "31.0.9"}},
        "hash": hash,
        "generated": "2026-11-22T01:02:03+00:00",
        "size": 2
    })
}

pub use sahasrahbot_tournament::testing::RecordingNotifier;

/// Publishes every spoiler log at a fixed address.
pub struct FakeSpoilers;

#[async_trait]
impl SpoilerLogs for FakeSpoilers {
    async fn publish(
        &self,
        seed: &GeneratedSeed,
        kind: SpoilerKind,
    ) -> Result<String, sahasrahbot_racetime_handlers::Error> {
        let kind = match kind {
            SpoilerKind::Full => "full",
            SpoilerKind::Progression => "progression",
        };
        Ok(format!(
            "https://spoilers.example/{}-{kind}.txt",
            seed.hash_or_id
        ))
    }
}

/// A tournament race with fixed players and gatekeepers; records what the room asked.
/// `!tournamentrace` answers "rolled" unless `no_roll` is set. The service reports it
/// linked to the rooms in `linked_rooms` (rooms it opened).
#[derive(Default)]
pub struct FakeTournament {
    pub players: Mutex<Vec<String>>,
    pub gatekeepers: Mutex<Vec<String>>,
    pub calls: Mutex<Vec<String>>,
    pub no_roll: std::sync::atomic::AtomicBool,
    pub linked_rooms: Mutex<Vec<String>>,
}

#[async_trait]
impl TournamentRace for FakeTournament {
    fn player_racetime_ids(&self) -> Vec<String> {
        self.players.lock().unwrap().clone()
    }

    async fn can_gatekeep(&self, racetime_id: &str) -> bool {
        self.gatekeepers
            .lock()
            .unwrap()
            .iter()
            .any(|g| g == racetime_id)
    }

    async fn process_tournament_race(
        &self,
        room: &Room,
        args: &[String],
        _message: &ChatMessage,
    ) -> Result<bool, HandlerError> {
        self.calls.lock().unwrap().push(format!("process {args:?}"));
        if self.no_roll.load(std::sync::atomic::Ordering::SeqCst) {
            room.send_message("Tournament guard said no.")?;
            return Ok(false);
        }
        room.send_message("Tournament seed rolled.")?;
        Ok(true)
    }

    async fn on_room_resume(&self, _room: &Room) -> HandlerResult {
        self.calls.lock().unwrap().push("resume".to_owned());
        Ok(())
    }

    async fn on_race_pending(&self, _room: &Room) -> HandlerResult {
        self.calls.lock().unwrap().push("pending".to_owned());
        Ok(())
    }

    async fn on_race_start(&self, _room: &Room) -> HandlerResult {
        self.calls.lock().unwrap().push("start".to_owned());
        Ok(())
    }
}

/// Resumes every room's row as the one [`FakeTournament`].
pub struct FakeTournamentService(pub Arc<FakeTournament>);

#[async_trait]
impl TournamentService for FakeTournamentService {
    fn linked(&self, room: &str) -> Option<Arc<dyn TournamentRace>> {
        if self
            .0
            .linked_rooms
            .lock()
            .unwrap()
            .iter()
            .any(|r| r == room)
        {
            Some(self.0.clone())
        } else {
            None
        }
    }

    async fn resume(
        &self,
        _room: &Room,
        row: &tournament_results::Model,
    ) -> Result<Option<Arc<dyn TournamentRace>>, sahasrahbot_racetime_handlers::Error> {
        if row.event.as_deref() == Some("test-event") {
            Ok(Some(self.0.clone()))
        } else {
            Ok(None)
        }
    }
}

pub struct Harness {
    pub fake: FakeRacetime,
    pub db: TestDb,
    pub providers: MockServer,
    pub registry: HandlerRegistry,
    pub notifier: Arc<RecordingNotifier>,
    pub tournament: Arc<FakeTournament>,
    pub services: Arc<Services>,
    running: Mutex<Vec<(CancellationToken, JoinHandle<()>)>>,
}

pub fn presets_dir() -> String {
    format!("{}/../../presets", env!("CARGO_MANIFEST_DIR"))
}

/// A stand-in Chrono Trigger ROM file (ctjot.com is a wiremock server).
fn fake_rom() -> std::path::PathBuf {
    let path = std::env::temp_dir().join(format!("sahasrahbot-rth-{}.sfc", std::process::id()));
    if !path.exists() {
        std::fs::write(&path, b"not a rom").expect("fake rom");
    }
    path
}

/// A bot for `fake`'s category that scans every 50 ms and retries within 200 ms.
pub fn bot_config(fake: &FakeRacetime) -> BotConfig {
    let mut c = BotConfig::new(fake.category(), fake.client_id(), fake.client_secret())
        .with_host(HostConfig::insecure(fake.host(), fake.port()));
    c.scan_interval = Duration::from_millis(50);
    let fast = Backoff {
        base: Duration::from_millis(20),
        max: Duration::from_millis(200),
    };
    c.feed_backoff = fast;
    c.reconnect_backoff = fast;
    c.token_backoff = fast;
    c.token_reconnect_spread = Duration::from_millis(50);
    c
}

pub fn seedgen_config(server: &MockServer) -> SeedgenConfig {
    SeedgenConfig {
        ctjets_rom: fake_rom(),
        ..config_at(&server.uri())
    }
}

impl Harness {
    pub async fn new(category: &str) -> Self {
        Self::with_db(category, TestDb::sqlite().await).await
    }

    pub async fn with_db(category: &str, db: TestDb) -> Self {
        Self::with_fake(
            FakeConfig {
                category: category.to_owned(),
                category_name: category.to_uppercase(),
                ..FakeConfig::default()
            },
            db,
        )
        .await
    }

    /// A harness whose fake racetime.gg issues tokens valid for `secs` seconds.
    pub async fn with_token_lifetime(category: &str, secs: u64) -> Self {
        Self::with_fake(
            FakeConfig {
                category: category.to_owned(),
                category_name: category.to_uppercase(),
                token_lifetime_secs: secs,
                ..FakeConfig::default()
            },
            TestDb::sqlite().await,
        )
        .await
    }

    async fn with_fake(config: FakeConfig, db: TestDb) -> Self {
        sahasrahbot_migrations::migrate(db.conn())
            .await
            .expect("migrations");
        let fake = FakeRacetime::start_with(config)
            .await
            .expect("fake racetime");
        let providers = MockServer::start().await;
        let notifier = Arc::new(RecordingNotifier::default());
        let tournament = Arc::new(FakeTournament::default());
        let services = Arc::new(Self::build_services(
            &fake,
            &db,
            &providers,
            &notifier,
            &tournament,
        ));
        Self {
            fake,
            db,
            providers,
            registry: HandlerRegistry::new(),
            notifier,
            tournament,
            services,
            running: Mutex::new(Vec::new()),
        }
    }

    fn build_services(
        fake: &FakeRacetime,
        db: &TestDb,
        providers: &MockServer,
        notifier: &Arc<RecordingNotifier>,
        tournament: &Arc<FakeTournament>,
    ) -> Services {
        let seedgen = Seedgen::new(seedgen_config(providers), Some(db.conn().clone()), None)
            .expect("seedgen");
        Services::new(
            db.conn().clone(),
            Arc::new(seedgen),
            PresetStore::new(presets_dir()),
            HostConfig::insecure(fake.host(), fake.port()),
        )
        .with_notifier(notifier.clone())
        .with_spoiler_logs(Arc::new(FakeSpoilers))
        .with_tournaments(Arc::new(FakeTournamentService(tournament.clone())))
    }

    /// Fresh services over the same database and fakes: what a restarted process has.
    pub fn fresh_services(&self) -> Arc<Services> {
        Arc::new(Self::build_services(
            &self.fake,
            &self.db,
            &self.providers,
            &self.notifier,
            &self.tournament,
        ))
    }

    pub fn bot_config(&self) -> BotConfig {
        bot_config(&self.fake)
    }

    /// Starts the category bot with this harness's services.
    pub async fn start<C: Category>(&self) {
        self.start_with::<C>(self.services.clone()).await;
    }

    /// Starts the category bot with the given services.
    pub async fn start_with<C: Category>(&self, services: Arc<Services>) {
        self.start_configured::<C>(self.bot_config(), services)
            .await;
    }

    /// Starts the category bot with the given client configuration and services.
    pub async fn start_configured<C: Category>(&self, config: BotConfig, services: Arc<Services>) {
        let cancel = CancellationToken::new();
        let task = sahasrahbot_racetime_handlers::start::<C>(
            config,
            services,
            self.registry.clone(),
            cancel.clone(),
        )
        .await
        .expect("bot starts");
        self.running.lock().unwrap().push((cancel, task));
    }

    /// Fresh services over the same database and fakes, with another command prefix.
    pub fn services_with_prefix(&self, prefix: &str) -> Arc<Services> {
        Arc::new(
            Self::build_services(
                &self.fake,
                &self.db,
                &self.providers,
                &self.notifier,
                &self.tournament,
            )
            .with_command_prefix(prefix),
        )
    }

    /// Stops every running bot and waits for them (a process exit).
    pub async fn stop(&self) {
        let running: Vec<_> = self.running.lock().unwrap().drain(..).collect();
        for (cancel, task) in running {
            cancel.cancel();
            let _ = tokio::time::timeout(WAIT, task).await;
        }
    }

    /// Opens a race and waits until the bot handles it.
    pub async fn open(&self, opts: NewRace) -> String {
        let room = self.fake.open_race(opts);
        self.wait_handled(&room).await;
        room
    }

    pub async fn wait_handled(&self, room: &str) {
        let registry = self.registry.clone();
        let name = room.to_owned();
        assert!(
            self.fake
                .wait_until(WAIT, |f| registry.contains(&name)
                    && f.open_bot_sockets(&name) > 0)
                .await,
            "bot never joined {room}"
        );
    }

    pub fn messages(&self, room: &str) -> Vec<String> {
        self.fake.bot_messages(room)
    }

    /// Waits until the bot posted `text` in `room`.
    pub async fn wait_message(&self, room: &str, text: &str) {
        let ok = self
            .fake
            .wait_until(WAIT, |f| f.bot_messages(room).iter().any(|m| m == text))
            .await;
        assert!(ok, "no message {text:?}; got {:#?}", self.messages(room));
    }

    /// Waits until the bot posted `n` messages in `room`.
    pub async fn wait_count(&self, room: &str, n: usize) {
        let ok = self
            .fake
            .wait_until(WAIT, |f| f.bot_messages(room).len() >= n)
            .await;
        assert!(
            ok,
            "fewer than {n} messages; got {:#?}",
            self.messages(room)
        );
    }

    /// Sends chat and waits a moment for the replies to settle.
    pub async fn say(&self, room: &str, user: &str, text: &str) {
        self.fake.send_chat(room, user, text);
    }

    /// No new bot message appears for a while.
    pub async fn quiet(&self, room: &str, before: usize) {
        tokio::time::sleep(Duration::from_millis(400)).await;
        assert_eq!(
            self.messages(room).len(),
            before,
            "unexpected messages: {:#?}",
            self.messages(room)
        );
    }

    pub fn info_bot(&self, room: &str) -> String {
        self.fake.race(room)["info_bot"]
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }

    /// Mounts an alttpr.com generate answer at `prefix` (`/live`, `/beeta`, …).
    pub async fn mock_alttpr(&self, prefix: &str, hash: &str) {
        Mock::given(method("POST"))
            .and(path_regex(format!(
                "^{prefix}(/festive)?/api/(randomizer|customizer)$"
            )))
            .respond_with(ResponseTemplate::new(200).set_body_json(alttpr_game(hash)))
            .mount(&self.providers)
            .await;
    }

    /// Bodies and paths of the requests the providers received.
    pub async fn provider_requests(&self) -> Vec<(String, Value)> {
        self.providers
            .received_requests()
            .await
            .unwrap_or_default()
            .iter()
            .map(|r| {
                (
                    r.url.path().to_owned(),
                    serde_json::from_slice(&r.body).unwrap_or(Value::Null),
                )
            })
            .collect()
    }
}

impl Drop for Harness {
    fn drop(&mut self) {
        for (cancel, task) in self.running.lock().unwrap().drain(..) {
            cancel.cancel();
            task.abort();
        }
    }
}
