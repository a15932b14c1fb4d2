//! Shared harness of the engine tests: the testkit fake racetime.gg joined by the real
//! racetime client, a wiremock SpeedGaming (JSON served as `text/html`), league site and seed
//! providers, a recording notifier, a fake guild directory and a migrated test database.
#![allow(
    dead_code,
    unreachable_pub,
    reason = "each test file uses a different subset"
)]

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, TimeZone, Utc};
use sahasrahbot_core::db::entities::users;
use sahasrahbot_core::presets::PresetStore;
use sahasrahbot_racetime::model::RaceStatusValue;
use sahasrahbot_racetime::{
    Backoff, Bot, BotConfig, CancellationToken, Commands, HandlerError, HandlerFactory,
    HandlerRegistry, HandlerResult, HostConfig, Invocation, RaceData, RaceHandler, Room,
};
use sahasrahbot_seedgen::spoilers::SpoilerPublisher;
use sahasrahbot_seedgen::storage::SpoilerStore;
use sahasrahbot_seedgen::testing::config_at;
use sahasrahbot_seedgen::{Seedgen, SeedgenConfig};
use sahasrahbot_testkit::db::TestDb;
use sahasrahbot_testkit::racetime::{FakeConfig, FakeRacetime};
use sahasrahbot_tournament::engine::{Engine, EngineConfig, EngineServices};
use sahasrahbot_tournament::ports::RacetimeBots;
use sahasrahbot_tournament::testing::{sg_episode, sg_player};
use sahasrahbot_tournament::{EventDefinition, HandlerKind, SpeedGaming};
use sea_orm::{ActiveModelTrait, Set};
use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

pub const WAIT: Duration = Duration::from_secs(10);
pub const GUILD: u64 = 543_577_975_032_119_296;
pub const AUDIT: u64 = 546_728_638_272_241_674;
pub const COMMENTARY: u64 = 1_157_407_211_094_556_703;

/// A fresh directory for published spoiler logs.
fn spoiler_dir() -> std::path::PathBuf {
    static N: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let n = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    std::env::temp_dir().join(format!(
        "sahasrahbot-tournament-spoilers-{}-{n}",
        std::process::id()
    ))
}

/// A preset directory: the project's presets plus copies of `open` under the fixed-preset
/// and title-map names the handlers roll (not shipped with the project).
fn presets_dir() -> std::path::PathBuf {
    static N: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let n = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let dir = std::env::temp_dir().join(format!(
        "sahasrahbot-tournament-presets-{}-{n}",
        std::process::id()
    ));
    let alttpr = dir.join("alttpr");
    std::fs::create_dir_all(&alttpr).expect("preset dir");
    let source = format!("{}/../../presets/alttpr", env!("CARGO_MANIFEST_DIR"));
    for entry in std::fs::read_dir(&source).expect("project presets") {
        let entry = entry.expect("preset file");
        std::fs::copy(entry.path(), alttpr.join(entry.file_name())).expect("copy preset");
    }
    for name in ["casualboots", "nologic_rods", "hmg", "adboots"] {
        std::fs::copy(
            alttpr.join("open.yaml"),
            alttpr.join(format!("{name}.yaml")),
        )
        .expect("copy preset");
    }
    dir
}

/// The fixed "now" of the tests.
pub fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 2, 13, 2, 0, 0).unwrap()
}

pub use sahasrahbot_tournament::testing::{FakeGuilds, RecordingNotifier};

/// The engine, once built (the bot's handlers need it, the engine needs the bot).
#[derive(Clone, Default)]
pub struct EngineSlot(pub Arc<OnceLock<Engine>>);

/// A minimal room handler: `!tournamentrace` and the in_progress hook go to the linked race.
pub struct TestHandler {
    engine: EngineSlot,
}

fn boxed(e: sahasrahbot_tournament::Error) -> HandlerError {
    Box::new(e)
}

#[async_trait]
impl RaceHandler for TestHandler {
    fn commands() -> Commands<Self> {
        Commands::new().add(
            "tournamentrace",
            |me: Arc<Self>, room: Room, inv: Invocation| async move {
                let Some(race) = me.engine.0.get().and_then(|e| e.linked(room.name())) else {
                    room.send_message("This room is not associated with a tournament.")?;
                    return Ok(());
                };
                let rolled = race
                    .process_tournament_race(&room, &inv.args, &inv.message)
                    .await
                    .map_err(boxed)?;
                if rolled {
                    room.send_message("(test handler: seed_rolled)")?;
                }
                Ok(())
            },
        )
    }

    async fn race_data(&self, room: &Room, previous: &RaceData) -> HandlerResult {
        let now = room.race().status.value.clone();
        if now != previous.status.value
            && now == RaceStatusValue::InProgress
            && let Some(race) = self.engine.0.get().and_then(|e| e.linked(room.name()))
        {
            race.on_race_start(room).await.map_err(boxed)?;
        }
        Ok(())
    }
}

pub struct TestFactory(pub EngineSlot);

#[async_trait]
impl HandlerFactory for TestFactory {
    type Handler = TestHandler;

    async fn create(&self, _race: &RaceData) -> Result<TestHandler, HandlerError> {
        Ok(TestHandler {
            engine: self.0.clone(),
        })
    }
}

/// SpeedGaming: `/schedule` filtered by event and `when`, `/episode` by id; bodies as
/// `text/html`. Events in `failing` answer 500.
/// Every `/schedule` query is kept in `queries`.
#[derive(Clone, Default)]
pub struct SgState {
    pub episodes: Arc<Mutex<Vec<Value>>>,
    pub failing: Arc<Mutex<HashSet<String>>>,
    pub queries: Arc<Mutex<Vec<HashMap<String, String>>>>,
}

impl SgState {
    /// Replaces the episodes SpeedGaming knows.
    pub fn set(&self, episodes: Vec<Value>) {
        *self.episodes.lock().unwrap() = episodes;
    }

    /// The `/schedule` responder over this state.
    pub fn schedule(&self) -> Schedule {
        Schedule(self.clone())
    }
}

/// SpeedGaming's `/schedule` (see [`SgState`]).
pub struct Schedule(SgState);

impl Respond for Schedule {
    fn respond(&self, req: &Request) -> ResponseTemplate {
        let q: HashMap<String, String> = req.url.query_pairs().into_owned().collect();
        self.0.queries.lock().unwrap().push(q.clone());
        let event = q.get("event").cloned().unwrap_or_default();
        if self.0.failing.lock().unwrap().contains(&event) {
            return ResponseTemplate::new(500).set_body_string("boom");
        }
        let parse = |k: &str| q.get(k).and_then(|v| DateTime::parse_from_rfc3339(v).ok());
        let (Some(from), Some(to)) = (parse("from"), parse("to")) else {
            return ResponseTemplate::new(400);
        };
        let list: Vec<Value> = self
            .0
            .episodes
            .lock()
            .unwrap()
            .iter()
            .filter(|e| e["event"]["slug"] == json!(event))
            .filter(|e| {
                e["when"]
                    .as_str()
                    .and_then(|w| DateTime::parse_from_rfc3339(w).ok())
                    .is_some_and(|w| w >= from && w <= to)
            })
            .cloned()
            .collect();
        ResponseTemplate::new(200).set_body_raw(serde_json::to_vec(&list).unwrap(), "text/html")
    }
}

struct EpisodeById(SgState);

impl Respond for EpisodeById {
    fn respond(&self, req: &Request) -> ResponseTemplate {
        let id: i64 = req
            .url
            .query_pairs()
            .find(|(k, _)| k == "id")
            .and_then(|(_, v)| v.parse().ok())
            .unwrap_or(-1);
        let body = self
            .0
            .episodes
            .lock()
            .unwrap()
            .iter()
            .find(|e| e["id"] == json!(id))
            .cloned()
            .unwrap_or_else(|| json!({"error": "Episode not found"}));
        ResponseTemplate::new(200).set_body_raw(serde_json::to_vec(&body).unwrap(), "text/html")
    }
}

/// An SG player.
pub fn player(name: &str, discord_id: &str, tag: &str) -> Value {
    sg_player(name, discord_id, tag)
}

/// An episode of `event` starting (`when`) `minutes` from [`now`], countdown 10 min later.
pub fn episode(
    id: i64,
    event: &str,
    title: &str,
    minutes: i64,
    players: Vec<Value>,
    channels: &[&str],
) -> Value {
    sg_episode(
        id,
        event,
        title,
        now() + chrono::Duration::minutes(minutes),
        players,
        channels,
    )
}

pub fn seedgen_config(server: &MockServer) -> SeedgenConfig {
    config_at(&server.uri())
}

pub struct Harness {
    pub fake: FakeRacetime,
    pub db: TestDb,
    pub sg: MockServer,
    pub sg_state: SgState,
    pub web: MockServer,
    pub notifier: Arc<RecordingNotifier>,
    pub guilds: Arc<FakeGuilds>,
    pub engine: Engine,
    pub registry: HandlerRegistry,
    cancel: CancellationToken,
}

impl Drop for Harness {
    fn drop(&mut self) {
        self.cancel.cancel();
    }
}

/// The league event with the test audit/commentary channels.
pub fn league_event() -> EventDefinition {
    HandlerKind::AlttprLeague.default_definition("alttprleague")
}

impl Harness {
    pub async fn new(events: Vec<EventDefinition>) -> Self {
        Self::with_db(events, TestDb::sqlite().await).await
    }

    pub async fn with_db(events: Vec<EventDefinition>, db: TestDb) -> Self {
        Self::with_config(events, db, Duration::from_secs(300)).await
    }

    pub async fn with_config(events: Vec<EventDefinition>, db: TestDb, interval: Duration) -> Self {
        sahasrahbot_migrations::migrate(db.conn())
            .await
            .expect("migrations");
        let fake = FakeRacetime::start_with(FakeConfig {
            goals: vec![
                "Beat the game".to_owned(),
                "Beat the game - Tournament (Solo)".to_owned(),
                "Beat the game - Casual".to_owned(),
            ],
            ..FakeConfig::default()
        })
        .await
        .expect("fake racetime");
        fake.add_team("sg-volunteers", "SG Volunteers", &[]);
        let sg = MockServer::start().await;
        let sg_state = SgState::default();
        Mock::given(method("GET"))
            .and(path("/schedule"))
            .respond_with(sg_state.schedule())
            .mount(&sg)
            .await;
        Mock::given(method("GET"))
            .and(path("/episode"))
            .respond_with(EpisodeById(sg_state.clone()))
            .mount(&sg)
            .await;
        let web = MockServer::start().await;
        sahasrahbot_testkit::alttpr::mount(&web, "h4sh").await;
        let cancel = CancellationToken::new();
        let registry = HandlerRegistry::new();
        let slot = EngineSlot::default();
        let mut config = BotConfig::new(fake.category(), fake.client_id(), fake.client_secret())
            .with_host(HostConfig::insecure(fake.host(), fake.port()));
        config.scan_interval = Duration::from_millis(50);
        let fast = Backoff {
            base: Duration::from_millis(20),
            max: Duration::from_millis(200),
        };
        config.feed_backoff = fast;
        config.reconnect_backoff = fast;
        config.token_backoff = fast;
        let bot = Bot::connect(
            config,
            TestFactory(slot.clone()),
            registry.clone(),
            cancel.clone(),
        )
        .await
        .expect("bot connects");
        tokio::spawn({
            let bot = bot.clone();
            async move { bot.run().await }
        });
        let bots = RacetimeBots::new();
        bots.insert(Arc::new(bot));

        let notifier = Arc::new(RecordingNotifier::default());
        let guilds = Arc::new(FakeGuilds::default());
        let seedgen =
            Seedgen::new(seedgen_config(&web), Some(db.conn().clone()), None).expect("seedgen");
        let services = EngineServices {
            db: db.conn().clone(),
            speedgaming: SpeedGaming::new(reqwest::Client::new(), sg.uri()),
            bots,
            guilds: guilds.clone(),
            notifier: notifier.clone(),
            seedgen: Arc::new(seedgen),
            presets: Arc::new(PresetStore::new(presets_dir())),
            spoilers: Some(SpoilerPublisher::new(
                SpoilerStore::local(spoiler_dir(), "https://spoilers.example")
                    .expect("spoiler dir"),
            )),
            http: reqwest::Client::new(),
            config: EngineConfig {
                racetime_url: fake.base_url(),
                league_base_url: web.uri(),
                sg_discord_webhook: Some(format!("{}/sg-webhook", web.uri())),
                create_races_interval: interval,
                app_url: "https://app.example".to_owned(),
                ..EngineConfig::default()
            },
            clock: Arc::new(now),
        };
        let engine = Engine::new(services, events);
        let _ = slot.0.set(engine.clone());
        Self {
            fake,
            db,
            sg,
            sg_state,
            web,
            notifier,
            guilds,
            engine,
            registry,
            cancel,
        }
    }

    pub fn add_episode(&self, e: Value) {
        self.sg_state.episodes.lock().unwrap().push(e);
    }

    /// A linked user: `users` row (Discord id → racetime id) plus a guild member.
    pub async fn add_player(&self, discord_id: u64, name: &str, racetime: bool) -> Option<String> {
        let rt = racetime.then(|| self.fake.add_user(name, false));
        users::ActiveModel {
            discord_user_id: Set(Some(discord_id as i64)),
            display_name: Set(Some(name.to_owned())),
            rtgg_id: Set(rt.clone()),
            created: Set(now().naive_utc()),
            updated: Set(now().naive_utc()),
            test_user: Set(false),
            ..Default::default()
        }
        .insert(self.db.conn())
        .await
        .expect("user row");
        self.guilds.add(GUILD, discord_id, name, &[]);
        rt
    }

    pub async fn mock_league(&self, episode: i64, mode: Value) {
        Mock::given(method("GET"))
            .and(path("/api/episode"))
            .and(wiremock::matchers::query_param("id", episode.to_string()))
            .respond_with(ResponseTemplate::new(200).set_body_json(mode))
            .mount(&self.web)
            .await;
    }

    pub fn startrace_count(&self) -> usize {
        self.fake
            .http_requests()
            .iter()
            .filter(|r| r.ends_with("/startrace"))
            .count()
    }

    /// Waits until the room's bot socket sent a frame matching `pred`.
    pub async fn wait_action(&self, room: &str, pred: impl Fn(&Value) -> bool) -> bool {
        self.fake
            .wait_until(WAIT, |f| f.bot_actions(room).iter().any(&pred))
            .await
    }

    /// Waits until the bot's socket to `room` is up: chat sent before it reaches nobody.
    pub async fn wait_joined(&self, room: &str) {
        let joined = self
            .fake
            .wait_until(WAIT, |f| f.open_bot_sockets(room) > 0)
            .await;
        assert!(joined, "the bot never connected to {room}");
    }

    pub async fn wait_message(&self, room: &str, text: &str) {
        let ok = self
            .fake
            .wait_until(WAIT, |f| f.bot_messages(room).iter().any(|m| m == text))
            .await;
        assert!(
            ok,
            "no message {text:?}; got {:#?}",
            self.fake.bot_messages(room)
        );
    }

    /// Non-DM `message` frames the bot sent, in order.
    pub fn sent_messages(&self, room: &str) -> Vec<Value> {
        self.fake
            .bot_actions(room)
            .into_iter()
            .filter(|a| a["action"] == "message")
            .map(|a| a["data"].clone())
            .collect()
    }
}
