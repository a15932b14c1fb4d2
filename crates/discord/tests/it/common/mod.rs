//! The shared harness of the crate's tests: the bot run through `run_with_speedgaming`
//! against the testkit's fake Discord, one wiremock server standing in for every outside
//! service (alttpr.com at `/`, its branches at `/live`, `/beeta`, `/tournament`, VARIA at
//! `/varia`, CTJets at `/ctjets`, DASH at `/dash`, samus.link at `/sm` and `/smz3`,
//! racetime.gg at `/rtgg`, the ladder at `/ladder` and `/archive`, SpeedGaming at `/api`),
//! a migrated test database, and the helpers the tests assert with.

#![allow(dead_code, unreachable_pub)]

use std::sync::Arc;
use std::time::Duration;

use sahasrahbot_core::db::entities::users;
use sahasrahbot_core::guild_config::GuildConfig;
use sahasrahbot_core::presets::PresetStore;
use sahasrahbot_core::telemetry::Telemetry;
use sahasrahbot_discord::{
    BotSettings, CogSettings, Deps, Error, SpeedGamingSettings, run_with_speedgaming,
};
use sahasrahbot_migrations::migrate;
use sahasrahbot_seedgen::spoilers::SpoilerPublisher;
use sahasrahbot_seedgen::storage::SpoilerStore;
use sahasrahbot_seedgen::testing::config_at;
use sahasrahbot_seedgen::{Seedgen, SeedgenConfig};
use sahasrahbot_testkit::db::TestDb;
use sahasrahbot_testkit::discord::{FakeDiscord, FakeDiscordConfig, FakeUser, RestCall};
use sahasrahbot_tournament::asynctournament::AsyncTournaments;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, DatabaseConnection, EntityTrait};
use serde_json::Value;
use tokio_util::sync::CancellationToken;
use wiremock::MockServer;

/// How long a test waits for the bot.
pub const WAIT: Duration = Duration::from_secs(10);
/// The fake Discord's guild, also the bot's ALTTP Randomizer guild.
pub const GUILD: u64 = 500_000_000_000_000_001;
/// The fake Discord's text channel.
pub const CHANNEL: u64 = 600_000_000_000_000_001;
/// The public web app URL the bot links to.
pub const APP_URL: &str = "https://app.example";
/// Where published spoiler logs are linked.
pub const SPOILER_URL: &str = "https://spoilers.example/logs/";

/// Everything the bot is started with; [`Setup::adjust`] may change any of it.
#[derive(Debug, Clone)]
pub struct BotConfig {
    pub settings: BotSettings,
    pub cogs: CogSettings,
    pub speedgaming: SpeedGamingSettings,
    pub seedgen: SeedgenConfig,
}

impl BotConfig {
    /// The defaults: the fake Discord, and every outside service on `ext`.
    fn new(fake: &FakeDiscord, ext: &MockServer) -> Self {
        let uri = ext.uri();
        // One attempt: the tests of failing providers expect a single request.
        let mut seedgen = config_at(&uri);
        seedgen.policy.timeout = Duration::from_secs(2);
        seedgen.policy.max_attempts = 1;
        seedgen.alttpr.baseurl = uri.clone();
        seedgen.alttpr.daily_url = format!("{uri}/api/daily");
        seedgen.varia_base = format!("{uri}/varia");
        seedgen.ctjets_base = format!("{uri}/ctjets");
        seedgen.dash_base = format!("{uri}/dash");
        Self {
            settings: BotSettings {
                alttp_randomizer_servers: vec![GUILD],
                sync_commands_on_start: true,
                holy_images_url: format!("{uri}/holyimages.json"),
                ..bot_settings(fake)
            },
            cogs: CogSettings {
                app_url: APP_URL.to_owned(),
                racetime_url: format!("{uri}/rtgg"),
                ladder_url: format!("{uri}/ladder"),
                ladder_archive_url: format!("{uri}/archive"),
                // Long enough that no second tick happens unless a test asks for it.
                daily_interval: Duration::from_secs(3600),
                ..CogSettings::default()
            },
            speedgaming: SpeedGamingSettings {
                api_endpoint: format!("{uri}/api/"),
            },
            seedgen,
        }
    }
}

/// The connection settings of a client of `fake` (its token, REST proxy and gateway),
/// with no guild lists and no command sync.
pub fn bot_settings(fake: &FakeDiscord) -> BotSettings {
    BotSettings {
        token: fake.token(),
        alttp_randomizer_servers: Vec::new(),
        http_proxy: Some(fake.http_proxy()),
        gateway_url: Some(fake.gateway_url()),
        sync_commands_on_start: false,
        holy_images_url: String::new(),
        shards: None,
    }
}

/// The bot's dependencies on `db` with the seed providers of `seedgen`, no spoiler logs.
pub fn deps(db: &DatabaseConnection, seedgen: SeedgenConfig) -> Deps {
    let seedgen = Seedgen::new(seedgen, Some(db.clone()), None).expect("seedgen");
    Deps {
        db: db.clone(),
        presets: Arc::new(PresetStore::new(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../presets"
        ))),
        seedgen: Arc::new(seedgen),
        telemetry: Telemetry::disabled(),
        guild_config: Arc::new(GuildConfig::new(db.clone())),
        spoilers: None,
        emojis: sahasrahbot_discord::EmojiCache::default(),
        async_tournaments: AsyncTournaments::new(db.clone()),
    }
}

type Adjust = Box<dyn FnOnce(&mut BotConfig)>;

/// What a test may change before the bot starts; [`Setup::start`] starts it.
#[derive(Default)]
pub struct Setup {
    fake: FakeDiscordConfig,
    db: Option<TestDb>,
    ext: Option<MockServer>,
    adjust: Option<Adjust>,
}

impl Setup {
    /// The fake Discord's configuration (guilds, channels, heartbeat).
    pub fn fake(mut self, config: FakeDiscordConfig) -> Self {
        self.fake = config;
        self
    }

    /// The database (migrated when the bot starts) instead of a fresh SQLite one.
    pub fn db(mut self, db: TestDb) -> Self {
        self.db = Some(db);
        self
    }

    /// An outside-services server the test prepared (mounted before the bot's first
    /// background tick).
    pub fn ext(mut self, ext: MockServer) -> Self {
        self.ext = Some(ext);
        self
    }

    /// Changes the bot's configuration (after the earlier changes).
    pub fn adjust(mut self, change: impl FnOnce(&mut BotConfig) + 'static) -> Self {
        let earlier = self.adjust.take();
        self.adjust = Some(Box::new(move |config| {
            if let Some(earlier) = earlier {
                earlier(config);
            }
            change(config);
        }));
        self
    }

    /// Starts the bot and waits until it identified.
    pub async fn start(self) -> Harness {
        let db = match self.db {
            Some(db) => db,
            None => TestDb::sqlite().await,
        };
        migrate(db.conn()).await.expect("migrate");
        let ext = match self.ext {
            Some(ext) => ext,
            None => MockServer::start().await,
        };
        let fake = FakeDiscord::start_with(self.fake)
            .await
            .expect("fake discord");
        let mut config = BotConfig::new(&fake, &ext);
        if let Some(adjust) = self.adjust {
            adjust(&mut config);
        }
        let spoiler_dir = tempfile::tempdir().expect("tempdir");
        let (cancel, task) = spawn_bot(&fake, &db, &config, &spoiler_dir).await;
        Harness {
            fake,
            ext,
            db,
            config,
            spoiler_dir,
            cancel,
            task,
        }
    }
}

/// The bot on a fresh SQLite database with the defaults.
pub async fn start() -> Harness {
    Setup::default().start().await
}

/// The bot on `db` with the defaults.
pub async fn start_on(db: TestDb) -> Harness {
    Setup::default().db(db).start().await
}

/// The databases to run DB tests on: SQLite, plus MariaDB / PostgreSQL when
/// `TEST_MYSQL_URL` / `TEST_POSTGRES_URL` are set.
pub async fn databases() -> Vec<TestDb> {
    TestDb::all().await
}

/// A running bot and its fakes; the bot stops when this is dropped.
pub struct Harness {
    pub fake: FakeDiscord,
    /// The outside services.
    pub ext: MockServer,
    pub db: TestDb,
    /// What the bot was started with.
    pub config: BotConfig,
    /// Where published spoiler logs are written.
    pub spoiler_dir: tempfile::TempDir,
    pub cancel: CancellationToken,
    pub task: tokio::task::JoinHandle<Result<(), Error>>,
}

impl Drop for Harness {
    fn drop(&mut self) {
        self.cancel.cancel();
    }
}

impl Harness {
    /// Sends `/name` with `options` as `user` and returns the interaction's calls once `n`
    /// were made (see [`wait_calls`]).
    pub async fn command(
        &self,
        user: &FakeUser,
        name: &str,
        options: Value,
        n: usize,
    ) -> Vec<RestCall> {
        let i = self.fake.slash_command(user, name, options);
        wait_calls(&self.fake, &i.token, n).await
    }

    /// Cancels the bot and waits for it to stop (at most [`WAIT`]); what its task returned.
    pub async fn stop(&mut self) -> Result<Result<(), Error>, tokio::task::JoinError> {
        self.cancel.cancel();
        tokio::time::timeout(WAIT, &mut self.task)
            .await
            .expect("stopped in time")
    }

    /// Stops the bot and starts a new one (a process restart: nothing kept in memory) with
    /// the same configuration, fake Discord, database and outside services; waits for its
    /// IDENTIFY.
    pub async fn restart(&mut self) {
        self.cancel.cancel();
        let _ = (&mut self.task).await;
        let (cancel, task) = spawn_bot(&self.fake, &self.db, &self.config, &self.spoiler_dir).await;
        self.cancel = cancel;
        self.task = task;
    }
}

async fn spawn_bot(
    fake: &FakeDiscord,
    db: &TestDb,
    config: &BotConfig,
    spoiler_dir: &tempfile::TempDir,
) -> (
    CancellationToken,
    tokio::task::JoinHandle<Result<(), Error>>,
) {
    let spoilers = SpoilerStore::local(spoiler_dir.path(), SPOILER_URL).expect("spoiler store");
    let deps = Deps {
        spoilers: Some(Arc::new(SpoilerPublisher::new(spoilers))),
        ..deps(db.conn(), config.seedgen.clone())
    };
    let cancel = CancellationToken::new();
    let identifies = fake.gateway_stats().identifies;
    let task = tokio::spawn(run_with_speedgaming(
        config.settings.clone(),
        config.cogs.clone(),
        config.speedgaming.clone(),
        deps,
        cancel.clone(),
    ));
    assert!(
        fake.wait_for_gateway(WAIT, |s| s.identifies > identifies && s.live >= 1)
            .await,
        "the bot identified"
    );
    // READY and GUILD_CREATE are handled before the first interaction is dispatched.
    tokio::time::sleep(Duration::from_millis(200)).await;
    (cancel, task)
}

/// An ordinary member.
pub fn member() -> FakeUser {
    FakeUser::member(111_111_111_111_111_111, "runner")
}

/// A guild administrator.
pub fn admin() -> FakeUser {
    FakeUser::admin(222_222_222_222_222_222, "admin")
}

/// A `users` row for `discord_id` (named `user{discord_id}`), linked to racetime.gg when
/// `rtgg` is given.
pub async fn user_row(
    db: &DatabaseConnection,
    discord_id: u64,
    rtgg: Option<&str>,
) -> users::Model {
    users::ActiveModel {
        discord_user_id: Set(Some(i64::try_from(discord_id).expect("a snowflake"))),
        display_name: Set(Some(format!("user{discord_id}"))),
        rtgg_id: Set(rtgg.map(str::to_owned)),
        test_user: Set(false),
        ..Default::default()
    }
    .insert(db)
    .await
    .expect("users row")
}

/// Every row of the table `E`.
pub async fn all_rows<E: EntityTrait>(db: &TestDb) -> Vec<E::Model> {
    E::find().all(db.conn()).await.expect("rows")
}

/// The calls made for one interaction (its callback and its webhook), in order.
pub fn calls_for(fake: &FakeDiscord, token: &str) -> Vec<RestCall> {
    fake.rest_calls()
        .into_iter()
        .filter(|c| c.path.contains(token))
        .collect()
}

/// Waits for `n` calls of the interaction `token`, then a little more so that anything
/// unexpected that follows is seen too.
pub async fn wait_calls(fake: &FakeDiscord, token: &str, n: usize) -> Vec<RestCall> {
    fake.wait_until(WAIT, |calls| {
        calls.iter().filter(|c| c.path.contains(token)).count() >= n
    })
    .await;
    tokio::time::sleep(Duration::from_millis(150)).await;
    calls_for(fake, token)
}

/// The string `key` of every object in the array `list` (command, option or choice names,
/// choice values).
pub fn strings<'a>(list: &'a Value, key: &str) -> Vec<&'a str> {
    list.as_array()
        .unwrap_or_else(|| panic!("a list: {list}"))
        .iter()
        .map(|item| {
            item[key]
                .as_str()
                .unwrap_or_else(|| panic!("a string {key}: {item}"))
        })
        .collect()
}

/// The names of the commands a bulk overwrite registered.
pub fn command_names(bulk_overwrite: &RestCall) -> Vec<&str> {
    strings(&bulk_overwrite.body, "name")
}

/// The field names of an embed.
pub fn field_names(embed: &Value) -> Vec<String> {
    embed["fields"]
        .as_array()
        .map(|f| {
            f.iter()
                .map(|x| x["name"].as_str().unwrap_or("").to_owned())
                .collect()
        })
        .unwrap_or_default()
}

/// Whether a callback or message body is ephemeral (flag 64).
pub fn is_ephemeral(body: &Value) -> bool {
    let flags = body["data"]["flags"]
        .as_u64()
        .or_else(|| body["flags"].as_u64())
        .unwrap_or(0);
    flags & 64 == 64
}

/// A subcommand invocation's `options` array.
pub fn sub(name: &str, options: Value) -> Value {
    serde_json::json!([{"name": name, "type": 1, "options": options}])
}

/// Asserts `call` is a type-4 callback with the given visibility and returns its data.
pub fn message_callback(call: &RestCall, ephemeral: bool) -> &Value {
    assert_eq!(call.method, "POST", "{call:#?}");
    assert!(call.path.ends_with("/callback"), "{call:#?}");
    assert_eq!(call.body["type"], 4, "{call:#?}");
    let data = &call.body["data"];
    if ephemeral {
        assert_eq!(data["flags"], 64, "ephemeral: {call:#?}");
    } else {
        assert!(
            data.get("flags").is_none_or(|f| f.is_null() || f == 0),
            "public: {call:#?}"
        );
    }
    data
}
