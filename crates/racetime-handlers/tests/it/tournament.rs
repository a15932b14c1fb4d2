//! The room handlers with the REAL tournament engine, end to end through the racetime client
//! against the fake racetime.gg (tournament.md §2.6, §2.9, §2.13, §2.14; P13, P14, P23,
//! P27–P31; racetime.md §4 rows 25–28, 35): the engine opens rooms through the category bot
//! started by `start_category`, the room's handler links them lazily, accepts join requests,
//! rolls through `!tournamentrace`, resumes after a restart and runs the status hooks.
//!
//! Row 31 (an unknown goal becomes a custom goal) is covered through the same client by
//! `crates/tournament/tests/engine_rooms.rs` and `crates/racetime/tests/client.rs`; here the
//! league goal is also absent from the fake's goal list.

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, TimeZone, Utc};
use sahasrahbot_core::db::entities::{asynctournamentliverace, tournament_results, users};
use sahasrahbot_core::presets::PresetStore;
use sahasrahbot_racetime::{CancellationToken, HandlerRegistry, HostConfig};
use sahasrahbot_racetime_handlers::core::texts;
use sahasrahbot_racetime_handlers::{Services, start_category};
use sahasrahbot_seedgen::Seedgen;
use sahasrahbot_seedgen::spoilers::SpoilerPublisher;
use sahasrahbot_seedgen::storage::SpoilerStore;
use sahasrahbot_testkit::db::TestDb;
use sahasrahbot_testkit::racetime::{FakeConfig, FakeRacetime};
use sahasrahbot_tournament::engine::{
    CreateOutcome, Engine, EngineConfig, EngineServices, texts as engine_texts,
};
use sahasrahbot_tournament::ports::RacetimeBots;
use sahasrahbot_tournament::testing::{
    FakeGuilds, RecordingNotifier, seed_qualifier, sg_episode, sg_player,
};
use sahasrahbot_tournament::{EventDefinition, HandlerKind, SpeedGaming};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
use serde_json::{Value, json};
use tokio::task::JoinHandle;
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::common::{bot_config, seedgen_config};

const WAIT: Duration = Duration::from_secs(10);
const LEAGUE_EPISODE: i64 = 1001;
const QUALIFIER_EPISODE: i64 = 3001;
const GLHF: &str = "Good luck, have fun!  Mid-race chat is disabled.  If you need assistance, please ping @Admins in Discord.";

/// The fixed "now" of the engine.
fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 2, 13, 2, 0, 0).unwrap()
}

fn league_event() -> EventDefinition {
    HandlerKind::AlttprLeague.default_definition("alttprleague")
}

fn qualifier_event() -> EventDefinition {
    HandlerKind::AlttprQualifier.default_definition("alttpr")
}

/// A SpeedGaming episode of `event` starting 20 minutes after [`now`].
fn episode(id: i64, event: &str, title: &str, players: Vec<Value>) -> Value {
    sg_episode(
        id,
        event,
        title,
        now() + chrono::Duration::minutes(20),
        players,
        &[],
    )
}

/// What outlives a process: racetime.gg, SpeedGaming, the league site, alttpr.com, Discord
/// and the database.
struct World {
    fake: FakeRacetime,
    db: TestDb,
    sg: MockServer,
    web: MockServer,
    notifier: Arc<RecordingNotifier>,
    guilds: Arc<FakeGuilds>,
}

/// One bot process: the engine and the alttpr category bot, sharing one [`RacetimeBots`].
struct Process {
    engine: Arc<Engine>,
    services: Arc<Services>,
    registry: HandlerRegistry,
    cancel: CancellationToken,
    task: Option<JoinHandle<()>>,
}

impl Drop for Process {
    fn drop(&mut self) {
        self.cancel.cancel();
    }
}

impl Process {
    /// Stops the bot and waits for it (the process exits).
    async fn stop(mut self) {
        self.cancel.cancel();
        if let Some(task) = self.task.take() {
            let _ = tokio::time::timeout(WAIT, task).await;
        }
    }

    /// Whether this process's bot handles `room`.
    fn handles(&self, room: &str) -> bool {
        self.registry.contains(room)
    }
}

impl World {
    async fn new() -> Self {
        let db = TestDb::sqlite().await;
        sahasrahbot_migrations::migrate(db.conn())
            .await
            .expect("migrations");
        // The league goal is not in the category: it is sent as a custom goal (row 31).
        let fake = FakeRacetime::start_with(FakeConfig::default())
            .await
            .expect("fake racetime");
        // Tests that need gatekeepers replace the team with one that has members.
        fake.add_team("sg-volunteers", "SG Volunteers", &[]);
        let sg = MockServer::start().await;
        let web = MockServer::start().await;
        sahasrahbot_testkit::alttpr::mount(&web, "h4sh").await;
        Self {
            fake,
            db,
            sg,
            web,
            notifier: Arc::new(RecordingNotifier::default()),
            guilds: Arc::new(FakeGuilds::default()),
        }
    }

    /// SpeedGaming serves `episode` by id (as `text/html`, like the real site).
    async fn add_episode(&self, episode: Value) {
        let id = episode["id"].as_i64().unwrap();
        Mock::given(method("GET"))
            .and(path("/episode"))
            .and(query_param("id", id.to_string()))
            .respond_with(
                ResponseTemplate::new(200)
                    .set_body_raw(serde_json::to_vec(&episode).unwrap(), "text/html"),
            )
            .mount(&self.sg)
            .await;
    }

    /// The league site's mode of `episode`.
    async fn league_mode(&self, episode: i64, mode: Value) {
        Mock::given(method("GET"))
            .and(path("/api/episode"))
            .and(query_param("id", episode.to_string()))
            .respond_with(ResponseTemplate::new(200).set_body_json(mode))
            .mount(&self.web)
            .await;
    }

    /// A linked user: racetime.gg account, `users` row and member of `guild`.
    async fn add_player(&self, guild: u64, discord_id: u64, name: &str) -> String {
        let rt = self.fake.add_user(name, false);
        users::ActiveModel {
            discord_user_id: Set(Some(discord_id as i64)),
            display_name: Set(Some(name.to_owned())),
            rtgg_id: Set(Some(rt.clone())),
            created: Set(now().naive_utc()),
            updated: Set(now().naive_utc()),
            test_user: Set(false),
            ..Default::default()
        }
        .insert(self.db.conn())
        .await
        .expect("user row");
        self.guilds.add(guild, discord_id, name, &[]);
        rt
    }

    fn seedgen(&self) -> Arc<Seedgen> {
        Arc::new(
            Seedgen::new(
                seedgen_config(&self.web),
                Some(self.db.conn().clone()),
                None,
            )
            .expect("seedgen"),
        )
    }

    /// Starts a process running `events`: the engine, and the alttpr bot started with
    /// `start_category` over services wired to the engine and to the engine's bot registry,
    /// the way the binary wires them.
    async fn process(&self, events: Vec<EventDefinition>) -> Process {
        let presets = format!("{}/../../presets", env!("CARGO_MANIFEST_DIR"));
        let seedgen = self.seedgen();
        let bots = RacetimeBots::new();
        let engine = Arc::new(Engine::new(
            EngineServices {
                db: self.db.conn().clone(),
                speedgaming: SpeedGaming::new(reqwest::Client::new(), self.sg.uri()),
                bots: bots.clone(),
                guilds: self.guilds.clone(),
                notifier: self.notifier.clone(),
                seedgen: seedgen.clone(),
                presets: Arc::new(PresetStore::new(&presets)),
                // League spoiler races publish their log here (P18).
                spoilers: Some(SpoilerPublisher::new(
                    SpoilerStore::local(
                        std::env::temp_dir().join(format!(
                            "sahasrahbot-handlers-spoilers-{}",
                            std::process::id()
                        )),
                        "https://spoilers.example",
                    )
                    .expect("spoiler dir"),
                )),
                http: reqwest::Client::new(),
                config: EngineConfig {
                    racetime_url: self.fake.base_url(),
                    league_base_url: self.web.uri(),
                    sg_discord_webhook: None,
                    app_url: "https://app.example".to_owned(),
                    create_races_interval: Duration::from_secs(300),
                    ..EngineConfig::default()
                },
                clock: Arc::new(now),
            },
            events,
        ));
        let services = Arc::new(
            Services::new(
                self.db.conn().clone(),
                seedgen,
                PresetStore::new(&presets),
                HostConfig::insecure(self.fake.host(), self.fake.port()),
            )
            .with_notifier(self.notifier.clone())
            .with_racetime_bots(bots)
            .with_tournament_engine(engine.clone()),
        );
        let registry = HandlerRegistry::new();
        let cancel = CancellationToken::new();
        let task = start_category(
            bot_config(&self.fake),
            services.clone(),
            registry.clone(),
            cancel.clone(),
        )
        .await
        .expect("the alttpr bot starts");
        Process {
            engine,
            services,
            registry,
            cancel,
            task: Some(task),
        }
    }

    fn messages(&self, room: &str) -> Vec<String> {
        self.fake.bot_messages(room)
    }

    async fn wait_message(&self, room: &str, text: &str) {
        let ok = self
            .fake
            .wait_until(WAIT, |f| f.bot_messages(room).iter().any(|m| m == text))
            .await;
        assert!(ok, "no message {text:?}; got {:#?}", self.messages(room));
    }

    fn count(&self, room: &str, text: &str) -> usize {
        self.messages(room).iter().filter(|m| *m == text).count()
    }

    fn entrant_status(&self, room: &str, user: &str) -> String {
        self.fake.race(room)["entrants"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["user"]["id"] == user)
            .map(|e| e["status"]["value"].as_str().unwrap().to_owned())
            .unwrap_or_default()
    }

    fn is_monitor(&self, room: &str, user: &str) -> bool {
        self.fake.race(room)["monitors"]
            .as_array()
            .is_some_and(|m| m.iter().any(|u| u["id"] == user))
    }

    /// Requests to alttpr.com's generate endpoint so far.
    async fn rolls(&self) -> usize {
        self.web
            .received_requests()
            .await
            .unwrap()
            .iter()
            .filter(|r| r.url.path().ends_with("/api/randomizer"))
            .count()
    }

    async fn results_row(&self, room: &str) -> tournament_results::Model {
        tournament_results::Entity::find()
            .filter(tournament_results::Column::SrlId.eq(room))
            .one(self.db.conn())
            .await
            .unwrap()
            .expect("a tournament_results row")
    }

    /// Sleeps a moment so anything the bot was going to send has arrived.
    async fn settle(&self) {
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
}

/// A league episode (alice vs. bob) in the plain (solo, no spoiler) mode; returns the world
/// and both racetime ids.
async fn league_world() -> (World, String, String) {
    league_world_in(json!({"mode": {"preset": "open", "coop": false, "spoiler": false}})).await
}

/// A league episode (alice vs. bob) whose league site answers `mode`.
async fn league_world_in(mode: serde_json::Value) -> (World, String, String) {
    let w = World::new().await;
    let guild = league_event().guild_id;
    let alice = w.add_player(guild, 111, "alice").await;
    let bob = w.add_player(guild, 222, "bob").await;
    w.add_episode(episode(
        LEAGUE_EPISODE,
        "alttprleague",
        "Week 1",
        vec![sg_player("Alice", "111", ""), sg_player("Bob", "222", "")],
    ))
    .await;
    w.league_mode(LEAGUE_EPISODE, mode).await;
    (w, alice, bob)
}

/// The engine opens the league room through the process's category bot.
async fn open_league_room(w: &World, p: &Process) -> String {
    let outcome = p
        .engine
        .create_room(&league_event(), LEAGUE_EPISODE)
        .await
        .expect("room created");
    let CreateOutcome::Created(room) = outcome else {
        panic!("no room: {outcome:?}");
    };
    assert!(p.handles(&room), "the category bot's handler runs the room");
    // The engine invited both players; the room's handler sees them.
    assert!(
        w.fake
            .wait_until(WAIT, |_| p.registry.get(&room).is_some_and(|r| r
                .room()
                .race()
                .entrants
                .len()
                == 2))
            .await
    );
    room
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_engine_opened_room_accepts_players_and_gatekeepers_but_not_strangers() {
    let (w, alice, bob) = league_world().await;
    let gatekeeper = w.fake.add_user("volunteer", false);
    let helper = w.fake.add_user("helper", false);
    w.fake.add_team(
        "sg-volunteers",
        "SG Volunteers",
        &[gatekeeper.as_str(), helper.as_str()],
    );
    let p = w.process(vec![league_event()]).await;
    let room = open_league_room(&w, &p).await;
    assert_eq!(w.entrant_status(&room, &alice), "invited");
    assert_eq!(w.entrant_status(&room, &bob), "invited");
    // The room was opened in the category of the bot `start_category` registered, with
    // the league goal sent as a custom goal (row 31).
    assert_eq!(
        w.fake.race(&room)["goal"],
        json!({"name": "Beat the game - Tournament (Solo)", "custom": true})
    );
    let welcome = w.messages(&room);
    assert!(
        welcome.contains(&engine_texts::WELCOME.to_owned()),
        "{welcome:#?}"
    );

    // Alice's invitation turns into a join request; a stranger and a gatekeeper ask too.
    let stranger = w.fake.add_user("stranger", false);
    w.fake.add_existing_entrant(&room, &stranger, "requested");
    w.fake.set_entrant_status(&room, &alice, "requested");
    w.fake.add_existing_entrant(&room, &gatekeeper, "requested");
    assert!(
        w.fake
            .wait_until(WAIT, |_| w.entrant_status(&room, &alice) == "not_ready"
                && w.entrant_status(&room, &gatekeeper) == "not_ready"
                && w.is_monitor(&room, &gatekeeper))
            .await,
        "{:#?}",
        w.fake.race(&room)
    );
    w.settle().await;
    assert_eq!(w.entrant_status(&room, &stranger), "requested");
    assert!(!w.is_monitor(&room, &stranger));
    assert!(!w.is_monitor(&room, &alice));
    let accepted: Vec<String> = w
        .fake
        .bot_actions(&room)
        .iter()
        .filter(|a| a["action"] == "accept_request")
        .map(|a| a["data"]["user"].as_str().unwrap_or_default().to_owned())
        .collect();
    assert!(
        !accepted.contains(&stranger),
        "the stranger was accepted: {accepted:?}"
    );
    // The handler linked the engine's race for this room.
    let linked = p
        .services
        .tournament(&room)
        .expect("linked in the handlers");
    assert_eq!(linked.player_racetime_ids(), vec![alice.clone(), bob]);

    // `!promote` (P28, row 35): silent for a stranger, a monitor for a joined gatekeeper.
    let before = w.messages(&room).len();
    w.fake.send_chat(&room, &stranger, "!promote");
    w.settle().await;
    assert_eq!(w.messages(&room).len(), before, "{:#?}", w.messages(&room));
    assert!(!w.is_monitor(&room, &stranger));
    w.fake.add_existing_entrant(&room, &helper, "not_ready");
    w.fake.send_chat(&room, &helper, "!promote");
    assert!(
        w.fake
            .wait_until(WAIT, |_| w.is_monitor(&room, &helper))
            .await
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tournamentrace_rolls_through_the_engine_once_until_cancelled() {
    let (w, alice, bob) = league_world().await;
    let p = w.process(vec![league_event()]).await;
    let room = open_league_room(&w, &p).await;
    w.fake.set_entrant_status(&room, &alice, "ready");
    w.fake.set_entrant_status(&room, &bob, "not_ready");
    assert!(
        w.fake
            .wait_until(WAIT, |_| p.registry.get(&room).is_some_and(|r| r
                .room()
                .race()
                .entrants
                .iter()
                .all(|e| e.status.value != "invited")))
            .await
    );

    // The gate (P13, row 25): a spectator is refused before anything rolls.
    let spectator = w.fake.add_user("spectator", false);
    w.fake.send_chat(&room, &spectator, "!tournamentrace");
    w.wait_message(&room, texts::TOURNAMENT_ENTRANTS_ONLY).await;
    assert_eq!(w.rolls().await, 0);

    // An entrant rolls through the engine (P14): generating, code in info, URL DMs, done.
    w.fake.send_chat(&room, &alice, "!tournamentrace");
    w.wait_message(&room, engine_texts::GENERATED).await;
    assert_eq!(w.rolls().await, 1);
    let row = w.results_row(&room).await;
    let url = row.permalink.clone().expect("permalink saved");
    assert!(url.ends_with("/h/h4sh"), "{url}");
    assert_eq!(row.episode_id.as_deref(), Some("1001"));
    let info = w.fake.race(&room)["info_bot"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert!(
        info.starts_with('(') && info.ends_with(')') && info.matches('/').count() == 4,
        "{info}"
    );
    let dms: Vec<Value> = w
        .fake
        .bot_actions(&room)
        .into_iter()
        .filter(|a| a["action"] == "message" && a["data"]["direct_to"].is_string())
        .map(|a| a["data"].clone())
        .collect();
    assert_eq!(dms.len(), 2, "{dms:#?}");
    assert!(dms.iter().all(|d| d["message"] == json!(url)));

    // The handler set `seed_rolled` from the engine's answer: a second roll is refused.
    w.fake.send_chat(&room, &bob, "!tournamentrace");
    w.wait_message(&room, texts::ALREADY_ROLLED).await;
    w.settle().await;
    assert_eq!(w.rolls().await, 1);
    assert_eq!(w.count(&room, engine_texts::GENERATED), 1);

    // `!cancel` (alttpr: monitors) clears it (P31): the next roll goes through again.
    let monitor = w.fake.add_user("monitor", false);
    w.fake.add_monitor(&room, &monitor);
    w.fake.send_chat(&room, &monitor, "!cancel");
    w.wait_message(&room, texts::CANCEL).await;
    assert_eq!(w.fake.race(&room)["info_bot"], texts::NEW_RACE);
    w.fake.send_chat(&room, &bob, "!tournamentrace");
    assert!(
        w.fake
            .wait_until(WAIT, |f| f
                .bot_messages(&room)
                .iter()
                .filter(|m| *m == engine_texts::GENERATED)
                .count()
                == 2)
            .await,
        "{:#?}",
        w.messages(&room)
    );
    assert_eq!(w.rolls().await, 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restarted_process_resumes_the_room_from_its_results_row() {
    let (w, alice, _bob) = league_world().await;
    let first = w.process(vec![league_event()]).await;
    let room = open_league_room(&w, &first).await;
    first.stop().await;
    assert!(
        w.fake
            .wait_until(WAIT, |f| f.open_bot_sockets(&room) == 0)
            .await
    );

    // A new process: its engine has no link, only the `tournament_results` row.
    let second = w.process(vec![league_event()]).await;
    assert!(
        w.fake
            .wait_until(WAIT, |f| second.handles(&room)
                && f.open_bot_sockets(&room) > 0)
            .await,
        "the new bot never joined {room}"
    );
    // `begin` resumed the race from the row (SG refetch, players resolved) in both the
    // handlers and the engine.
    assert!(
        w.fake
            .wait_until(WAIT, |_| second.services.tournament(&room).is_some())
            .await
    );
    let race = second.engine.linked(&room).expect("resumed in the engine");
    assert_eq!(race.episode_id(), LEAGUE_EPISODE);
    assert_eq!(race.room_name(), Some(room.as_str()));

    // The resumed link works: an entrant's `!tournamentrace` rolls (P29, row 27).
    w.fake.set_entrant_status(&room, &alice, "not_ready");
    assert!(
        w.fake
            .wait_until(WAIT, |_| second.registry.get(&room).is_some_and(|r| r
                .room()
                .race()
                .entrants
                .iter()
                .any(|e| e.status.value == "not_ready")))
            .await
    );
    w.fake.send_chat(&room, &alice, "!tournamentrace");
    w.wait_message(&room, engine_texts::GENERATED).await;
    assert_eq!(w.rolls().await, 1);
    assert!(w.results_row(&room).await.permalink.is_some());
    // The restarted alttpr handler does not greet the tournament room.
    assert!(!w.messages(&room).iter().any(|m| m.starts_with("Hi!")));

    // A finished race forgets its link in the engine and the handlers.
    w.fake.set_status(&room, "finished");
    assert!(
        w.fake
            .wait_until(WAIT, |_| second.engine.linked(&room).is_none()
                && second.services.tournament(&room).is_none())
            .await
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_row_of_an_inactive_event_leaves_the_room_unlinked() {
    let (w, alice, _bob) = league_world().await;
    let first = w.process(vec![league_event()]).await;
    let room = open_league_room(&w, &first).await;
    first.stop().await;
    // The next process no longer runs the league.
    let second = w.process(vec![qualifier_event()]).await;
    assert!(
        w.fake
            .wait_until(WAIT, |f| second.handles(&room)
                && f.open_bot_sockets(&room) > 0)
            .await
    );
    w.fake.set_entrant_status(&room, &alice, "not_ready");
    w.fake.send_chat(&room, &alice, "!tournamentrace");
    w.wait_message(&room, texts::NOT_A_TOURNAMENT).await;
    assert!(second.engine.linked(&room).is_none());
    assert_eq!(w.rolls().await, 0);
}

/// A qualifier with a live race for its episode.
async fn qualifier_world() -> (World, i32) {
    let w = World::new().await;
    let rows = seed_qualifier(
        w.db.conn(),
        now().naive_utc(),
        i32::try_from(QUALIFIER_EPISODE).ok(),
    )
    .await
    .expect("qualifier rows");
    let live = rows.live.expect("a live race");
    w.add_episode(episode(QUALIFIER_EPISODE, "alttpr", "Pool A", vec![]))
        .await;
    (w, live)
}

async fn live_status(w: &World, live: i32) -> String {
    asynctournamentliverace::Entity::find_by_id(live)
        .one(w.db.conn())
        .await
        .unwrap()
        .unwrap()
        .status
}

async fn open_qualifier_room(p: &Process) -> String {
    match p
        .engine
        .create_room(&qualifier_event(), QUALIFIER_EPISODE)
        .await
        .expect("room created")
    {
        CreateOutcome::Created(room) => room,
        other => panic!("{other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_qualifier_start_hook_runs_on_the_observed_in_progress_transition() {
    let (w, live) = qualifier_world().await;
    let p = w.process(vec![qualifier_event()]).await;
    let room = open_qualifier_room(&p).await;
    let runner = w.fake.add_entrant(&room, "runner");
    assert!(
        w.fake
            .wait_until(WAIT, |_| p.registry.get(&room).is_some_and(|r| r
                .room()
                .race()
                .entrants
                .len()
                == 1))
            .await
    );
    assert_eq!(w.entrant_status(&room, &runner), "not_ready");

    // Countdown: the pending hook (a no-op for the qualifier) and hidden comments (alttpr).
    w.fake.set_status(&room, "pending");
    assert!(
        w.fake
            .wait_until(WAIT, |f| f.race(&room)["hide_comments"] == true)
            .await
    );
    assert_eq!(live_status(&w, live).await, "scheduled");

    // Start (P23, row 28): the engine's qualifier hook runs once.
    w.fake.set_status(&room, "in_progress");
    w.wait_message(&room, GLHF).await;
    assert_eq!(live_status(&w, live).await, "in_progress");
    w.settle().await;
    assert_eq!(w.count(&room, GLHF), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn joining_a_race_already_in_progress_runs_no_start_hook() {
    let (w, live) = qualifier_world().await;
    let first = w.process(vec![qualifier_event()]).await;
    let room = open_qualifier_room(&first).await;
    first.stop().await;
    assert!(
        w.fake
            .wait_until(WAIT, |f| f.open_bot_sockets(&room) == 0)
            .await
    );
    // The race starts while no bot is connected.
    w.fake.set_status(&room, "in_progress");

    // P30: the restarted handler's first frame is in_progress; no transition was observed.
    let second = w.process(vec![qualifier_event()]).await;
    assert!(
        w.fake
            .wait_until(WAIT, |f| second.handles(&room)
                && f.open_bot_sockets(&room) > 0)
            .await
    );
    assert!(
        w.fake
            .wait_until(WAIT, |_| second.engine.linked(&room).is_some())
            .await,
        "the room is resumed from its row"
    );
    w.settle().await;
    assert_eq!(w.count(&room, GLHF), 0, "{:#?}", w.messages(&room));
    assert_eq!(live_status(&w, live).await, "scheduled");
}

/// P18 (tournament.md §2.13, §3.3): a league episode whose mode is a spoiler race rolls a
/// spoiler game, publishes its log and schedules a zero-study spoiler race; when the race
/// starts the room handler posts the log and the study time ends at once.
///
/// The row is written by the engine after the handler began, so the handler must read it
/// from the database at the start (it fails when only the row attached at creation counts).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_league_spoiler_race_posts_the_log_at_the_start_and_begins_at_once() {
    use sahasrahbot_core::db::entities::spoiler_races;
    use sahasrahbot_racetime_handlers::spoiler::BEGIN_RACING;
    let (w, alice, bob) =
        league_world_in(json!({"mode": {"preset": "open", "coop": false, "spoiler": true}})).await;
    let p = w.process(vec![league_event()]).await;
    let room = open_league_room(&w, &p).await;
    // A spoiler race is a co-op-goal room (the baseline's rule).
    assert_eq!(
        w.fake.race(&room)["goal"]["name"],
        "Beat the game - Tournament (Co-op)"
    );
    w.fake.set_entrant_status(&room, &alice, "ready");
    w.fake.set_entrant_status(&room, &bob, "ready");
    assert!(
        w.fake
            .wait_until(WAIT, |_| p.registry.get(&room).is_some_and(|r| r
                .room()
                .race()
                .entrants
                .iter()
                .all(|e| e.status.value == "ready")))
            .await
    );
    w.fake.send_chat(&room, &alice, "!tournamentrace");
    w.wait_message(&room, engine_texts::GENERATED).await;

    // The roll asked alttpr.com for a spoiler game.
    let body: Value = w
        .web
        .received_requests()
        .await
        .unwrap()
        .iter()
        .find(|r| r.url.path().ends_with("/api/randomizer"))
        .map(|r| serde_json::from_slice(&r.body).unwrap())
        .expect("a generate request");
    assert_eq!(body["spoilers"], "generate");
    // The published log and the zero-study spoiler race row.
    let row = spoiler_races::Entity::find()
        .filter(spoiler_races::Column::SrlId.eq(room.as_str()))
        .one(w.db.conn())
        .await
        .unwrap()
        .expect("a spoiler_races row");
    assert_eq!(row.studytime, Some(0));
    assert_eq!(row.started, None);
    let url = row.spoiler_url.clone().expect("a log URL");
    assert!(
        url.starts_with("https://spoilers.example/spoiler__h4sh__"),
        "{url}"
    );

    // The race starts: the log, then the end of the (empty) study time.
    w.fake.set_status(&room, "in_progress");
    w.wait_message(&room, BEGIN_RACING).await;
    let msgs = w.messages(&room);
    let start = msgs
        .iter()
        .position(|m| m == "Sending spoiler log...")
        .unwrap_or_else(|| panic!("no log posted: {msgs:#?}"));
    assert_eq!(
        msgs[start..start + 6].to_vec(),
        vec![
            "Sending spoiler log...".to_owned(),
            "---------------".to_owned(),
            format!("This race's spoiler log: {url}"),
            "---------------".to_owned(),
            "GLHF! :mudora:".to_owned(),
            BEGIN_RACING.to_owned(),
        ]
    );
    let row = spoiler_races::Entity::find()
        .filter(spoiler_races::Column::SrlId.eq(room.as_str()))
        .one(w.db.conn())
        .await
        .unwrap()
        .unwrap();
    assert!(row.started.is_some(), "the start is stamped");
    w.settle().await;
    assert_eq!(w.count(&room, BEGIN_RACING), 1);
}
