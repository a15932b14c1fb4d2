//! Issue #7's end-to-end async tournament: the Discord bot against the testkit's fake
//! Discord (alttpr.com stubbed by wiremock) and the web app through a browser-like client
//! logged in with the fake OAuth provider, both on the SAME database and the SAME
//! [`AsyncTournaments`] instance. Three runners, two pools, one forfeit, one timeout (by
//! the bot's enforcement loop), a VoD, the web review, `/async calculate_scores
//! only_approved:true`, and the web and JSON leaderboards, with the DB rows asserted on the
//! way. SQLite always; MariaDB / PostgreSQL when `TEST_MYSQL_URL` / `TEST_POSTGRES_URL` are
//! set.

use crate::async_common;
use crate::web_common;

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use chrono::{NaiveDateTime, TimeDelta, Timelike, Utc};
use poem::Endpoint;
use poem::http::StatusCode;
use sahasrahbot_api::{AppState, app};
use sahasrahbot_core::db::entities::{
    asynctournament as tournaments, asynctournamentauditlog as audit,
    asynctournamentpermalink as permalinks, asynctournamentpermalinkpool as pools,
    asynctournamentpermissions as permissions, asynctournamentrace as races, users,
};
use sahasrahbot_core::guild_config::GuildConfig;
use sahasrahbot_core::presets::PresetStore;
use sahasrahbot_core::telemetry::Telemetry;
use sahasrahbot_discord::{BotSettings, CogSettings, Deps, SpeedGamingSettings};
use sahasrahbot_migrations::migrate;
use sahasrahbot_seedgen::Seedgen;
use sahasrahbot_seedgen::testing::config_at;
use sahasrahbot_testkit::db::TestDb;
use sahasrahbot_testkit::discord::{FakeDiscord, FakeUser, RestCall, SentInteraction};
use sahasrahbot_testkit::oauth::FakeOAuth;
use sahasrahbot_tournament::asynctournament::AsyncTournaments;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, DatabaseConnection, EntityTrait, IntoActiveModel,
};
use serde_json::{Value, json};
use tokio_util::sync::CancellationToken;
use web_common::{Browser, body, config, csrf_in, location};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// How long a step may take.
const WAIT: Duration = Duration::from_secs(30);
/// The JSON API key (permission `asynctournament`).
const KEY: &str = "scenario-async-key-0123456789";

fn runner(n: u64) -> FakeUser {
    FakeUser::member(300_000_000_000_000_000 + n, &format!("runner{n}"))
}

fn staff() -> FakeUser {
    FakeUser::member(400_000_000_000_000_001, "staff")
}

fn snowflake(user: &FakeUser) -> i64 {
    i64::try_from(user.id).expect("a snowflake")
}

/// The spec's run score (`discord.md` §4.7): clamp((2 − elapsed/par) × 100, 0, 105).
fn formula(elapsed: f64, par: f64) -> f64 {
    ((2.0 - elapsed / par) * 100.0).clamp(0.0, 105.0)
}

/// The spec's par: the mean of the (at most) five fastest finished times.
fn par_of(finished: &[f64]) -> f64 {
    let mut sorted = finished.to_vec();
    sorted.sort_by(f64::total_cmp);
    let top = &sorted[..sorted.len().min(5)];
    top.iter().sum::<f64>() / top.len() as f64
}

fn close(actual: Option<f64>, expected: f64) -> bool {
    actual.is_some_and(|a| (a - expected).abs() < 1e-6)
}

/// alttpr.com answering one game per request (`SCN1`, `SCN2`, …).
async fn mount_alttpr(server: &MockServer, games: usize) {
    for n in 1..=games {
        let game = json!({"hash": format!("SCN{n}"), "generated": "2026-11-22T01:02:03+00:00",
                          "patch": [{"1573397": [0, 1, 2, 3, 4, 9]}],
                          "spoiler": {"meta": {"name": "Open", "spoilers": "off"}}});
        Mock::given(method("POST"))
            .and(path("/live/api/randomizer"))
            .respond_with(ResponseTemplate::new(200).set_body_json(game))
            .up_to_n_times(1)
            .mount(server)
            .await;
    }
}

/// The running bot; stopped when dropped.
struct Bot {
    fake: FakeDiscord,
    db: DatabaseConnection,
    cancel: CancellationToken,
    _ext: MockServer,
}

impl Drop for Bot {
    fn drop(&mut self) {
        self.cancel.cancel();
    }
}

/// Starts the bot on `db` with `service` against a new fake Discord; every outside service
/// on a wiremock server with alttpr.com's randomizer answering `games` games.
async fn start_bot(db: &DatabaseConnection, service: AsyncTournaments, games: usize) -> Bot {
    let ext = MockServer::start().await;
    mount_alttpr(&ext, games).await;
    let uri = ext.uri();
    let fake = FakeDiscord::start().await.expect("fake discord");
    let mut seedgen = config_at(&uri);
    seedgen.policy.timeout = Duration::from_secs(2);
    seedgen.policy.max_attempts = 1;
    seedgen.alttpr.baseurl = uri.clone();
    seedgen.alttpr.daily_url = format!("{uri}/api/daily");
    let deps = Deps {
        db: db.clone(),
        presets: Arc::new(PresetStore::new(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../presets"
        ))),
        seedgen: Arc::new(Seedgen::new(seedgen, Some(db.clone()), None).expect("seedgen")),
        telemetry: Telemetry::disabled(),
        guild_config: Arc::new(GuildConfig::new(db.clone())),
        spoilers: None,
        emojis: sahasrahbot_discord::EmojiCache::default(),
        async_tournaments: service,
    };
    let settings = BotSettings {
        token: fake.token(),
        alttp_randomizer_servers: vec![fake.guild_id()],
        http_proxy: Some(fake.http_proxy()),
        gateway_url: Some(fake.gateway_url()),
        sync_commands_on_start: false,
        holy_images_url: format!("{uri}/holyimages.json"),
        shards: None,
    };
    let cogs = CogSettings {
        app_url: web_common::APP_URL.to_owned(),
        racetime_url: format!("{uri}/rtgg"),
        ladder_url: format!("{uri}/ladder"),
        ladder_archive_url: format!("{uri}/archive"),
        daily_interval: Duration::from_secs(3600),
        // The start-timeout loop runs often enough for the timeout step below.
        async_enforcement_interval: Duration::from_millis(300),
        async_scoring_interval: Duration::from_secs(3600),
        async_countdown_tick: Duration::from_millis(5),
    };
    let speedgaming = SpeedGamingSettings {
        api_endpoint: format!("{uri}/api/"),
    };
    let cancel = CancellationToken::new();
    tokio::spawn(sahasrahbot_discord::run_with_speedgaming(
        settings,
        cogs,
        speedgaming,
        deps,
        cancel.clone(),
    ));
    assert!(
        fake.wait_for_gateway(WAIT, |s| s.identifies >= 1 && s.live >= 1)
            .await,
        "the bot identified"
    );
    // READY and GUILD_CREATE are handled before the first interaction is dispatched.
    tokio::time::sleep(Duration::from_millis(200)).await;
    Bot {
        fake,
        db: db.clone(),
        cancel,
        _ext: ext,
    }
}

impl Bot {
    fn owner(&self) -> FakeUser {
        FakeUser::member(self.fake.owner_id(), "Synack")
    }

    /// Sends an interaction and waits until the REST calls made since satisfy `done`; those
    /// calls.
    async fn act(
        &self,
        send: impl FnOnce() -> SentInteraction,
        done: impl Fn(&[RestCall]) -> bool,
    ) -> Vec<RestCall> {
        let before = self.fake.rest_calls().len();
        send();
        let ok = self
            .fake
            .wait_until(WAIT, |calls| done(&calls[before.min(calls.len())..]))
            .await;
        tokio::time::sleep(Duration::from_millis(100)).await;
        let calls: Vec<RestCall> = self.fake.rest_calls().into_iter().skip(before).collect();
        assert!(ok, "the step did not complete: {calls:#?}");
        calls
    }

    /// `/async <sub> <options>` in the tournament channel; the calls of the interaction once
    /// `n` were made.
    async fn command(&self, who: &FakeUser, sub: &str, options: Value, n: usize) -> Vec<RestCall> {
        let options = json!([{"name": sub, "type": 1, "options": options}]);
        let before = self.fake.rest_calls().len();
        let sent = self.fake.slash_command(who, "async", options);
        let token = sent.token.clone();
        let mine = move |c: &RestCall| c.path.contains(&token);
        let ok = self
            .fake
            .wait_until(WAIT, |calls| {
                calls[before.min(calls.len())..]
                    .iter()
                    .filter(|c| mine(c))
                    .count()
                    >= n
            })
            .await;
        tokio::time::sleep(Duration::from_millis(100)).await;
        let calls: Vec<RestCall> = self
            .fake
            .rest_calls()
            .into_iter()
            .skip(before)
            .filter(|c| c.path.contains(&sent.token))
            .collect();
        assert!(ok, "/async {sub}: {calls:#?}");
        calls
    }

    /// 🏁 → pick `pool` → confirm; the new thread's id.
    async fn open_thread(&self, who: &FakeUser, pool: &str) -> u64 {
        let channel = self.fake.channel_id();
        let calls = self
            .act(
                || {
                    self.fake
                        .component_in(who, "sahasrahbot:new_async_race", channel, 1)
                },
                |calls| calls.iter().any(|c| c.path.ends_with("/callback")),
            )
            .await;
        let data = &callback(&calls).body["data"];
        let select = &data["components"][0]["components"][0];
        let value = select["options"]
            .as_array()
            .unwrap_or_else(|| panic!("a pool select: {calls:#?}"))
            .iter()
            .find(|o| o["label"] == pool)
            .expect("the pool is offered")["value"]
            .as_str()
            .expect("a value")
            .to_owned();
        let select_id = select["custom_id"].as_str().expect("an id").to_owned();
        let calls = self
            .act(
                || self.fake.select_in(who, &select_id, &[&value], channel, 2),
                |calls| calls.iter().any(|c| c.path.ends_with("/callback")),
            )
            .await;
        assert_eq!(callback(&calls).body["type"], 7, "{calls:#?}");
        let confirm = &callback(&calls).body["data"]["components"][1]["components"][0];
        let confirm_id = confirm["custom_id"].as_str().expect("an id").to_owned();
        let calls = self
            .act(
                || self.fake.component_in(who, &confirm_id, channel, 2),
                |calls| {
                    calls
                        .iter()
                        .any(|c| c.method == "PATCH" && c.path.ends_with("/@original"))
                },
            )
            .await;
        let member = calls
            .iter()
            .find(|c| c.method == "PUT" && c.path.ends_with(&format!("/thread-members/{}", who.id)))
            .unwrap_or_else(|| panic!("the runner is added to a thread: {calls:#?}"));
        member
            .path
            .split('/')
            .nth(2)
            .and_then(|t| t.parse().ok())
            .expect("a thread id")
    }

    /// Ready → countdown → GO.
    async fn ready(&self, who: &FakeUser, thread: u64) {
        self.act(
            || {
                self.fake
                    .component_in(who, "sahasrahbot:async_ready", thread, 50)
            },
            |calls| calls.iter().any(|c| c.body["content"] == "**GO!**"),
        )
        .await;
    }

    /// Finish from the GO message.
    async fn finish(&self, who: &FakeUser, thread: u64) {
        let calls = self
            .act(
                || {
                    self.fake
                        .component_in(who, "sahasrahbot:async_finish", thread, 60)
                },
                |calls| calls.iter().any(|c| c.method == "PATCH"),
            )
            .await;
        let text = callback(&calls).body["data"]["content"]
            .as_str()
            .unwrap_or("");
        assert!(text.starts_with("Your finish time of **"), "{calls:#?}");
    }

    /// The `users` row of `who`.
    async fn user(&self, who: &FakeUser) -> users::Model {
        users::Entity::find()
            .all(&self.db)
            .await
            .expect("users")
            .into_iter()
            .find(|u| u.discord_user_id == Some(snowflake(who)))
            .expect("the users row")
    }

    /// The run in the thread `thread`.
    async fn race_in(&self, thread: u64) -> races::Model {
        all::<races::Entity>(&self.db)
            .await
            .into_iter()
            .find(|r| r.thread_id == Some(i64::try_from(thread).expect("a snowflake")))
            .expect("the thread's race")
    }

    /// Waits until the run in `thread` has `status`.
    async fn until_status(&self, thread: u64, status: &str) -> races::Model {
        eventually(|| async {
            let race = self.race_in(thread).await;
            (race.status == status).then_some(race)
        })
        .await
        .unwrap_or_else(|| panic!("the race in {thread} did not become {status}"))
    }
}

/// The interaction callback among `calls` (background posts may be interleaved).
fn callback(calls: &[RestCall]) -> &RestCall {
    let found: Vec<&RestCall> = calls
        .iter()
        .filter(|c| c.path.ends_with("/callback"))
        .collect();
    assert_eq!(found.len(), 1, "one callback: {calls:#?}");
    found[0]
}

fn has_callback(calls: &[RestCall]) -> bool {
    calls.iter().any(|c| c.path.ends_with("/callback"))
}

async fn eventually<T, F: Future<Output = Option<T>>>(probe: impl Fn() -> F) -> Option<T> {
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        if let Some(v) = probe().await {
            return Some(v);
        }
        if tokio::time::Instant::now() > deadline {
            return None;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn all<E: EntityTrait>(db: &DatabaseConnection) -> Vec<E::Model> {
    E::find().all(db).await.expect("rows")
}

async fn runner_row(db: &DatabaseConnection, who: &FakeUser) -> users::Model {
    users::ActiveModel {
        discord_user_id: Set(Some(snowflake(who))),
        display_name: Set(Some(who.name.clone())),
        rtgg_id: Set(Some(format!("rt-{}", who.name))),
        test_user: Set(false),
        ..Default::default()
    }
    .insert(db)
    .await
    .expect("users row")
}

/// Sets a finished run's start and end so it took `seconds`.
async fn set_elapsed(db: &DatabaseConnection, race: &races::Model, start: NaiveDateTime, s: i64) {
    let mut row = race.clone().into_active_model();
    row.start_time = Set(Some(start));
    row.end_time = Set(Some(start + TimeDelta::seconds(s)));
    row.update(db).await.expect("set times");
}

/// The JSON API leaderboard of tournament `t`.
async fn api_board<E: Endpoint>(web: &Browser<E>, t: i32) -> Value {
    let resp = web
        .cli
        .get(format!("/async/api/tournaments/{t}/leaderboard"))
        .header("Authorization", KEY)
        .send()
        .await;
    resp.assert_status_is_ok();
    let text = body(resp).await;
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text}"))
}

/// The run ids a review-queue page links to.
fn listed(html: &str, t: i32) -> Vec<i32> {
    let marker = format!("/async/races/{t}/review/");
    let mut ids: Vec<i32> = html
        .match_indices(&marker)
        .filter_map(|(i, _)| {
            let rest = &html[i + marker.len()..];
            let end = rest.find(|c: char| !c.is_ascii_digit())?;
            rest[..end].parse().ok()
        })
        .collect();
    ids.sort_unstable();
    ids.dedup();
    ids
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_tournament_through_discord_and_the_web_on_one_database() {
    for db in TestDb::all().await {
        let backend = db.name().to_owned();
        scenario(&db, &backend).await;
    }
}

#[allow(clippy::too_many_lines)]
async fn scenario(db: &TestDb, backend: &str) {
    let conn = db.conn();
    migrate(conn).await.expect("migrate");
    // ONE service: the bot and the web app share its leaderboard cache and scoring lock.
    let service = AsyncTournaments::new(conn.clone());
    let bot = start_bot(conn, service.clone(), 2).await;
    let owner = bot.owner();
    let (r1, r2, r3) = (runner(1), runner(2), runner(3));
    let mut runner_ids = Vec::new();
    for r in [&r1, &r2, &r3] {
        runner_ids.push(runner_row(conn, r).await.id);
    }
    let (u1, u2, u3) = (runner_ids[0], runner_ids[1], runner_ids[2]);

    // ---- Discord: /async create with two pools of one seed each.
    let calls = bot
        .command(
            &owner,
            "create",
            json!([{"name": "name", "type": 3, "value": "Scenario Qualifier"},
                   {"name": "permalinks", "type": 3, "value": "Pool A,open,1; Pool B,open,1"}]),
            2,
        )
        .await;
    assert_eq!(calls[0].body["type"], 5, "{backend}: {calls:#?}");
    let tournament = all::<tournaments::Entity>(conn)
        .await
        .into_iter()
        .find(|t| t.name == "Scenario Qualifier")
        .expect("the tournament row");
    let t = tournament.id;
    assert_eq!(
        calls.last().expect("the post").body["embeds"][0]["footer"]["text"],
        format!("ID: {t}")
    );
    assert!(tournament.active);
    assert_eq!(tournament.owner_id, snowflake(&owner));
    assert_eq!(tournament.guild_id as u64, bot.fake.guild_id());
    assert_eq!(tournament.channel_id as u64, bot.fake.channel_id());
    let runs_per_pool = tournament.runs_per_pool;
    assert!(runs_per_pool >= 1, "{backend}");
    let mut pool_rows = all::<pools::Entity>(conn).await;
    pool_rows.sort_by_key(|p| p.id);
    assert_eq!(
        pool_rows
            .iter()
            .map(|p| (p.name.as_str(), p.tournament_id))
            .collect::<Vec<_>>(),
        [("Pool A", t), ("Pool B", t)],
        "{backend}"
    );
    let mut seeds = all::<permalinks::Entity>(conn).await;
    seeds.sort_by_key(|p| p.id);
    assert_eq!(
        seeds
            .iter()
            .map(|p| (p.pool_id, p.url.as_deref(), p.par_time))
            .collect::<Vec<_>>(),
        [
            (pool_rows[0].id, Some("https://alttpr.com/h/SCN1"), None),
            (pool_rows[1].id, Some("https://alttpr.com/h/SCN2"), None),
        ],
        "{backend}"
    );
    let (seed_a, seed_b) = (seeds[0].id, seeds[1].id);

    // ---- Runner 1, Pool A: finishes and submits the VoD.
    let thread_1a = bot.open_thread(&r1, "Pool A").await;
    let race = bot.race_in(thread_1a).await;
    assert_eq!(
        (race.status.as_str(), race.permalink_id, race.user_id),
        ("pending", seed_a, u1),
        "{backend}"
    );
    assert!(race.thread_open_time.is_some(), "{backend}: {race:?}");
    assert_eq!(race.start_time, None);
    bot.ready(&r1, thread_1a).await;
    let race = bot.until_status(thread_1a, "in_progress").await;
    assert!(race.start_time.is_some(), "{backend}");
    bot.finish(&r1, thread_1a).await;
    let race = bot.until_status(thread_1a, "finished").await;
    assert!(race.end_time >= race.start_time, "{backend}");
    let calls = bot
        .act(
            || {
                bot.fake
                    .component_in(&r1, "sahasrahbot:async_submit_vod", thread_1a, 61)
            },
            has_callback,
        )
        .await;
    assert_eq!(callback(&calls).body["type"], 9, "a modal: {calls:#?}");
    let modal_id = callback(&calls).body["data"]["custom_id"]
        .as_str()
        .expect("a modal id")
        .to_owned();
    let calls = bot
        .act(
            || {
                bot.fake.modal_submit_in(
                    &r1,
                    &modal_id,
                    &[
                        ("runner_vod_url", "https://youtu.be/scenario1"),
                        ("runner_notes", "clean run, no resets"),
                    ],
                    thread_1a,
                )
            },
            has_callback,
        )
        .await;
    assert_eq!(callback(&calls).body["type"], 4, "{calls:#?}");
    let race = bot.race_in(thread_1a).await;
    assert_eq!(
        (race.runner_vod_url.as_deref(), race.runner_notes.as_deref()),
        (
            Some("https://youtu.be/scenario1"),
            Some("clean run, no resets")
        ),
        "{backend}"
    );
    assert_eq!(race.review_status, "pending");

    // ---- Runner 2, Pool A: forfeits from the GO message.
    let thread_2a = bot.open_thread(&r2, "Pool A").await;
    assert_eq!(bot.race_in(thread_2a).await.permalink_id, seed_a);
    bot.ready(&r2, thread_2a).await;
    bot.until_status(thread_2a, "in_progress").await;
    let calls = bot
        .act(
            || {
                bot.fake
                    .component_in(&r2, "sahasrahbot:async_forfeit2", thread_2a, 70)
            },
            has_callback,
        )
        .await;
    let confirm_id = callback(&calls).body["data"]["components"][0]["components"][0]["custom_id"]
        .as_str()
        .unwrap_or_else(|| panic!("a confirm button: {calls:#?}"))
        .to_owned();
    bot.act(
        || bot.fake.component_in(&r2, &confirm_id, thread_2a, 71),
        |calls| calls.iter().any(|c| c.method == "PATCH"),
    )
    .await;
    let race = bot.until_status(thread_2a, "forfeit").await;
    assert_eq!(race.end_time, None, "{backend}");

    // ---- Runner 3, Pool B: never presses Ready; the bot's enforcement loop forfeits the
    // run once its start deadline (moved into the past here) has passed.
    let thread_3b = bot.open_thread(&r3, "Pool B").await;
    // The loop first writes the run's start deadline (thread open + 20 minutes); it is
    // moved only after that, so the loop cannot overwrite it.
    let race = eventually(|| async {
        let race = bot.race_in(thread_3b).await;
        race.thread_timeout_time.is_some().then_some(race)
    })
    .await
    .expect("the loop wrote the start deadline");
    assert_eq!(
        (race.permalink_id, race.status.as_str()),
        (seed_b, "pending")
    );
    assert_eq!(
        race.thread_timeout_time,
        race.thread_open_time.map(|t| t + TimeDelta::minutes(20)),
        "{backend}"
    );
    let mut row = race.into_active_model();
    row.thread_timeout_time = Set(Some(Utc::now().naive_utc() - TimeDelta::minutes(1)));
    row.update(conn).await.expect("deadline");
    let race = bot.until_status(thread_3b, "forfeit").await;
    assert_eq!(race.start_time, None, "{backend}: never started");
    let thread_3b_messages = format!("/channels/{thread_3b}/messages");
    let told = format!(
        "<@{}>, the grace period for the start of this run has elapsed",
        r3.id
    );
    assert!(
        bot.fake
            .wait_until(WAIT, |calls| calls.iter().any(|c| c.path
                == thread_3b_messages
                && c.body["content"]
                    .as_str()
                    .is_some_and(|s| s.starts_with(&told))))
            .await,
        "{backend}: the runner is told"
    );

    // ---- Runners 1 and 2, Pool B: both finish (Pool B gets a par from two times).
    let thread_1b = bot.open_thread(&r1, "Pool B").await;
    bot.ready(&r1, thread_1b).await;
    bot.until_status(thread_1b, "in_progress").await;
    bot.finish(&r1, thread_1b).await;
    bot.until_status(thread_1b, "finished").await;
    let thread_2b = bot.open_thread(&r2, "Pool B").await;
    bot.ready(&r2, thread_2b).await;
    bot.until_status(thread_2b, "in_progress").await;
    bot.finish(&r2, thread_2b).await;
    bot.until_status(thread_2b, "finished").await;

    // The Discord runs took milliseconds; for exact scores the finished runs' start and end
    // times are set directly in the DB here (1:10:00, 1:00:00 and 1:30:00).
    let base = (Utc::now().naive_utc() - TimeDelta::days(1))
        .with_nanosecond(0)
        .expect("whole seconds");
    let (e_1a, e_1b, e_2b) = (4200_i64, 3600_i64, 5400_i64);
    let (race_1a, race_2a, race_3b, race_1b, race_2b) = (
        bot.race_in(thread_1a).await,
        bot.race_in(thread_2a).await,
        bot.race_in(thread_3b).await,
        bot.race_in(thread_1b).await,
        bot.race_in(thread_2b).await,
    );
    set_elapsed(conn, &race_1a, base, e_1a).await;
    set_elapsed(conn, &race_1b, base, e_1b).await;
    set_elapsed(conn, &race_2b, base, e_2b).await;
    let mut rows = all::<races::Entity>(conn).await;
    rows.sort_by_key(|r| r.id);
    assert_eq!(
        rows.iter()
            .map(|r| (
                r.id,
                r.user_id,
                r.permalink_id,
                r.status.as_str(),
                r.review_status.as_str(),
                r.reattempted,
                r.score
            ))
            .collect::<Vec<_>>(),
        [
            (
                race_1a.id,
                u1,
                seed_a,
                "finished",
                "pending",
                Some(false),
                None
            ),
            (
                race_2a.id,
                u2,
                seed_a,
                "forfeit",
                "pending",
                Some(false),
                None
            ),
            (
                race_3b.id,
                u3,
                seed_b,
                "forfeit",
                "pending",
                Some(false),
                None
            ),
            (
                race_1b.id,
                u1,
                seed_b,
                "finished",
                "pending",
                Some(false),
                None
            ),
            (
                race_2b.id,
                u2,
                seed_b,
                "finished",
                "pending",
                Some(false),
                None
            ),
        ],
        "{backend}"
    );
    assert!(
        rows.iter()
            .all(|r| r.tournament_id == t && r.thread_id.is_some())
    );

    // ---- Discord: the owner grants the staff member admin.
    let staff = staff();
    let calls = bot
        .command(
            &owner,
            "permissions",
            json!([{"name": "permission", "type": 3, "value": "admin"},
                   {"name": "user", "type": 6, "value": staff.id.to_string()}]),
            2,
        )
        .await;
    assert!(
        calls[1].body["content"]
            .as_str()
            .is_some_and(|c| c.ends_with("has been granted admin permissions.")),
        "{backend}: {calls:#?}"
    );
    let staff_row = bot.user(&staff).await;
    let grants = all::<permissions::Entity>(conn).await;
    assert_eq!(
        grants
            .iter()
            .map(|g| (g.tournament_id, g.user_id, g.role.as_str()))
            .collect::<Vec<_>>(),
        [(t, Some(staff_row.id), "admin")],
        "{backend}"
    );

    // Nothing is approved yet: scoring only approved runs sets no par and no score.
    let calls = bot
        .command(
            &staff,
            "calculate_scores",
            json!([{"name": "only_approved", "type": 5, "value": true}]),
            2,
        )
        .await;
    assert_eq!(calls[1].body["content"], "Done!", "{backend}: {calls:#?}");
    assert!(
        all::<races::Entity>(conn)
            .await
            .iter()
            .all(|r| r.score.is_none()),
        "{backend}"
    );
    assert!(
        all::<permalinks::Entity>(conn)
            .await
            .iter()
            .all(|p| p.par_time.is_none()),
        "{backend}"
    );

    // ---- The web app on the same database and service.
    let oauth = FakeOAuth::start().await.expect("oauth");
    let state = AppState::new(conn.clone())
        .with_config(Arc::new(config(&oauth)))
        .with_async_tournaments(service.clone());
    let web = Browser::new(app(state));
    async_common::key(conn, KEY, "asynctournament").await;
    let resp = web.login_as(&oauth, snowflake(&staff), "staff").await;
    resp.assert_status(StatusCode::FOUND);
    // The login found the staff member's users row (written by /async permissions).
    let staff_rows = all::<users::Entity>(conn)
        .await
        .into_iter()
        .filter(|u| u.discord_user_id == Some(snowflake(&staff)))
        .count();
    assert_eq!(staff_rows, 1, "{backend}");

    // The review queue lists the three finished runs (not the forfeits).
    let queue = format!("/async/races/{t}/queue");
    let resp = web.get(&queue).await;
    resp.assert_status_is_ok();
    let html = body(resp).await;
    let mut finished = vec![race_1a.id, race_1b.id, race_2b.id];
    finished.sort_unstable();
    assert_eq!(listed(&html, t), finished, "{backend}: {html}");

    // Opening runner 1's Pool A run claims it; it shows the VoD and notes.
    let page = format!("/async/races/{t}/review/{}", race_1a.id);
    let resp = web.get(&page).await;
    resp.assert_status_is_ok();
    let html = body(resp).await;
    // minijinja escapes `/` as `&#x2f;`.
    assert!(
        html.contains("href=\"https:&#x2f;&#x2f;youtu.be&#x2f;scenario1\""),
        "{backend}: {html}"
    );
    assert!(html.contains("clean run, no resets"), "{backend}: {html}");
    let claimed = races::Entity::find_by_id(race_1a.id)
        .one(conn)
        .await
        .expect("query")
        .expect("race");
    assert_eq!(claimed.reviewed_by_id, Some(staff_row.id), "{backend}");
    assert_eq!(claimed.review_status, "pending");
    let token = csrf_in(&html).expect("a CSRF token");
    // Without the token the review is refused and nothing changes.
    web.post_form(&page, &[("review_status", "accepted")])
        .await
        .assert_status(StatusCode::FORBIDDEN);
    let resp = web
        .post_form(
            &page,
            &[
                ("review_status", "accepted"),
                ("reviewer_notes", "VoD checked"),
                ("csrf_token", &token),
            ],
        )
        .await;
    resp.assert_status(StatusCode::FOUND);
    assert_eq!(location(&resp), queue, "{backend}");
    // The Pool B runs are approved too (each claimed by opening it first).
    for id in [race_1b.id, race_2b.id] {
        let page = format!("/async/races/{t}/review/{id}");
        let token = csrf_in(&body(web.get(&page).await).await).expect("a CSRF token");
        web.post_form(
            &page,
            &[("review_status", "accepted"), ("csrf_token", &token)],
        )
        .await
        .assert_status(StatusCode::FOUND);
    }
    let mut rows = all::<races::Entity>(conn).await;
    rows.sort_by_key(|r| r.id);
    for r in &rows {
        if r.status == "finished" {
            assert_eq!(
                (r.review_status.as_str(), r.reviewed_by_id),
                ("accepted", Some(staff_row.id)),
                "{backend}: run {}",
                r.id
            );
            assert!(r.reviewed_at.is_some(), "{backend}");
        } else {
            assert_eq!(
                (r.review_status.as_str(), r.reviewed_by_id, r.reviewed_at),
                ("pending", None, None),
                "{backend}: run {}",
                r.id
            );
        }
    }
    let reviewed = rows.iter().find(|r| r.id == race_1a.id).expect("run 1a");
    assert_eq!(reviewed.reviewer_notes.as_deref(), Some("VoD checked"));
    assert!(listed(&body(web.get(&queue).await).await, t).is_empty());

    // ---- Discord: score only the approved runs.
    let calls = bot
        .command(
            &staff,
            "calculate_scores",
            json!([{"name": "only_approved", "type": 5, "value": true}]),
            2,
        )
        .await;
    assert_eq!(calls[1].body["content"], "Done!", "{backend}: {calls:#?}");
    let par_a = par_of(&[e_1a as f64]);
    let par_b = par_of(&[e_1b as f64, e_2b as f64]);
    let (s_1a, s_1b, s_2b) = (
        formula(e_1a as f64, par_a),
        formula(e_1b as f64, par_b),
        formula(e_2b as f64, par_b),
    );
    let seeds = all::<permalinks::Entity>(conn).await;
    let par = |id: i32| seeds.iter().find(|p| p.id == id).and_then(|p| p.par_time);
    assert!(close(par(seed_a), par_a), "{backend}: {seeds:?}");
    assert!(close(par(seed_b), par_b), "{backend}: {seeds:?}");
    let score =
        |rows: &[races::Model], id: i32| rows.iter().find(|r| r.id == id).expect("the run").score;
    let rows = all::<races::Entity>(conn).await;
    assert!(close(score(&rows, race_1a.id), s_1a), "{backend}: {rows:?}");
    assert!(close(score(&rows, race_1b.id), s_1b), "{backend}: {rows:?}");
    assert!(close(score(&rows, race_2b.id), s_2b), "{backend}: {rows:?}");
    // The forfeits are not approved: not counted, no score.
    assert_eq!(score(&rows, race_2a.id), None, "{backend}");
    assert_eq!(score(&rows, race_3b.id), None, "{backend}");

    // The leaderboard: the mean over pools × runs_per_pool slots, an unscored or empty slot
    // counting 0.
    let slots = f64::from(2 * runs_per_pool);
    let expected = [
        (u1, "runner1", (s_1a + s_1b) / slots),
        (u2, "runner2", s_2b / slots),
        (u3, "runner3", 0.0),
    ];
    assert!(expected[0].2 > expected[1].2 && expected[1].2 > expected[2].2);
    let html = body(web.get(&format!("/async/races/{t}/leaderboard")).await).await;
    let positions: Vec<usize> = expected
        .iter()
        .map(|(_, name, _)| {
            html.find(&format!(">{name}</a>"))
                .unwrap_or_else(|| panic!("{backend}: {name} listed: {html}"))
        })
        .collect();
    assert!(
        positions[0] < positions[1] && positions[1] < positions[2],
        "{backend}: {html}"
    );
    for (_, name, score) in expected {
        assert!(
            html.contains(&format!("{score:.3}")),
            "{backend}: {name}'s {score:.3} in {html}"
        );
    }
    let board = api_board(&web, t).await;
    let lines: Vec<(i64, i64, f64)> = board
        .as_array()
        .unwrap_or_else(|| panic!("an array: {board}"))
        .iter()
        .map(|e| {
            (
                e["rank"].as_i64().expect("rank"),
                e["player"]["id"].as_i64().expect("player"),
                e["score"].as_f64().expect("score"),
            )
        })
        .collect();
    assert_eq!(lines.len(), 3, "{backend}: {board}");
    for (n, ((rank, player, score), (user, _, escore))) in lines.iter().zip(expected).enumerate() {
        assert_eq!(
            (*rank, *player),
            (n as i64 + 1, i64::from(user)),
            "{backend}"
        );
        assert!(
            (score - escore).abs() < 1e-9,
            "{backend}: {score} vs {escore}"
        );
    }
    let top = &board[0];
    assert_eq!(
        top["player"]["discord_user_id"],
        snowflake(&r1),
        "{backend}"
    );
    assert_eq!(
        top["counts"],
        json!({"finished": 2, "forfeited": 0, "unplayed": 0}),
        "{backend}"
    );
    let slot = top["races"]
        .as_array()
        .expect("races")
        .iter()
        .find(|r| r["id"] == race_1a.id)
        .unwrap_or_else(|| panic!("run 1a listed: {top}"));
    assert_eq!(slot["elapsed_time"], "01:10:00", "{backend}");
    assert!(close(slot["score"].as_f64(), s_1a), "{backend}: {slot}");
    assert_eq!(
        board[1]["counts"],
        json!({"finished": 1, "forfeited": 1, "unplayed": 0}),
        "{backend}"
    );
    assert_eq!(
        board[2]["counts"],
        json!({"finished": 0, "forfeited": 1, "unplayed": 1}),
        "{backend}"
    );

    // Scoring every run: the forfeits score 0 (Pool B's timeout too, its seed has a par);
    // the approved runs keep their scores, and so does the leaderboard.
    let calls = bot.command(&staff, "calculate_scores", json!([]), 2).await;
    assert_eq!(calls[1].body["content"], "Done!", "{backend}: {calls:#?}");
    let rows = all::<races::Entity>(conn).await;
    assert_eq!(score(&rows, race_2a.id), Some(0.0), "{backend}");
    assert_eq!(score(&rows, race_3b.id), Some(0.0), "{backend}");
    assert!(close(score(&rows, race_1a.id), s_1a), "{backend}");
    assert!(close(score(&rows, race_1b.id), s_1b), "{backend}");
    assert!(close(score(&rows, race_2b.id), s_2b), "{backend}");
    assert!(
        rows.iter().all(|r| r.score_updated_at.is_some()),
        "{backend}"
    );
    let board = api_board(&web, t).await;
    let forfeit = board[1]["races"]
        .as_array()
        .expect("races")
        .iter()
        .find(|r| r["id"] == race_2a.id)
        .unwrap_or_else(|| panic!("the forfeit listed: {board}"));
    assert_eq!(forfeit["score"], 0.0, "{backend}");
    for (line, (user, _, escore)) in board.as_array().expect("array").iter().zip(expected) {
        assert_eq!(line["player"]["id"], user, "{backend}");
        assert!(close(line["score"].as_f64(), escore), "{backend}: {line}");
    }

    // ---- The audit trail of the whole scenario.
    let mut trail = all::<audit::Entity>(conn).await;
    trail.sort_by_key(|r| r.id);
    assert!(trail.iter().all(|r| r.tournament_id == t), "{backend}");
    let owner_row = bot.user(&owner).await.id;
    let run = |u: i32, last: &'static str| {
        [
            ("create_thread", Some(u)),
            ("race_ready", Some(u)),
            ("race_countdown", Some(u)),
            ("race_started", Some(u)),
            (last, Some(u)),
        ]
    };
    let mut expected_trail = vec![("create", Some(owner_row))];
    expected_trail.extend(run(u1, "race_finish"));
    expected_trail.extend(run(u2, "runner_forfeit"));
    expected_trail.extend([("create_thread", Some(u3)), ("timeout_forfeit", None)]);
    expected_trail.extend(run(u1, "race_finish"));
    expected_trail.extend(run(u2, "race_finish"));
    assert_eq!(
        trail
            .iter()
            .map(|r| (r.action.as_str(), r.user_id))
            .collect::<Vec<_>>(),
        expected_trail,
        "{backend}"
    );
    drop(bot);
}
