//! The audit bot run through `run_with` against the testkit's fake Discord, a wiremock
//! server serving the bad-domain list, and a migrated test database.

#![allow(dead_code, unreachable_pub)]

use std::sync::Arc;
use std::time::Duration;

use sahasrahbot_audit::{AuditSettings, Deps, Error, run_with};
use sahasrahbot_core::db::entities::audit_messages;
use sahasrahbot_core::guild_config::GuildConfig;
use sahasrahbot_migrations::migrate;
use sahasrahbot_testkit::db::TestDb;
use sahasrahbot_testkit::discord::{
    FakeDiscord, FakeDiscordConfig, FakeGuild, RestCall, UploadedFile,
};
use sea_orm::{EntityTrait, QueryOrder};
use tokio_util::sync::CancellationToken;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// How long a test waits for the bot.
pub const WAIT: Duration = Duration::from_secs(15);
/// The fake guild.
pub const GUILD: u64 = 500_000_000_000_000_001;
/// Where members talk.
pub const CHANNEL: u64 = 600_000_000_000_000_001;
/// The guild's `AuditLogChannel`.
pub const AUDIT_CHANNEL: u64 = 600_000_000_000_000_002;
/// One of the default excluded channels.
pub const EXCLUDED: u64 = 694_710_452_478_803_968;

/// A change to the bot's settings before it starts.
pub type Adjust = Box<dyn FnOnce(&mut AuditSettings)>;

/// How the bot is started.
pub struct Setup {
    pub db: Option<TestDb>,
    /// Guild settings written before the start: (parameter, value).
    pub guild_settings: Vec<(&'static str, String)>,
    /// The bad-domain list the feed serves.
    pub bad_hashes: Vec<String>,
    pub adjust: Option<Adjust>,
    /// The guild's custom emojis (`RIPLink` among them by default).
    pub emojis: bool,
}

impl Default for Setup {
    /// Logging on, the audit channel set, an empty bad-domain list.
    fn default() -> Self {
        Self {
            db: None,
            guild_settings: vec![
                ("AuditLogging", "true".to_owned()),
                ("AuditLogChannel", AUDIT_CHANNEL.to_string()),
            ],
            bad_hashes: Vec::new(),
            adjust: None,
            emojis: true,
        }
    }
}

/// A running audit bot and its fakes; the bot stops when this is dropped.
pub struct Harness {
    pub fake: FakeDiscord,
    pub feed: MockServer,
    pub db: TestDb,
    pub cancel: CancellationToken,
    pub task: Option<tokio::task::JoinHandle<Result<(), Error>>>,
}

impl Drop for Harness {
    fn drop(&mut self) {
        self.cancel.cancel();
    }
}

impl Setup {
    pub fn settings(mut self, settings: Vec<(&'static str, String)>) -> Self {
        self.guild_settings = settings;
        self
    }

    pub fn bad_hashes(mut self, hashes: Vec<String>) -> Self {
        self.bad_hashes = hashes;
        self
    }

    /// A guild without custom emojis.
    pub fn without_emojis(mut self) -> Self {
        self.emojis = false;
        self
    }

    pub fn db(mut self, db: TestDb) -> Self {
        self.db = Some(db);
        self
    }

    pub fn adjust(mut self, f: impl FnOnce(&mut AuditSettings) + 'static) -> Self {
        self.adjust = Some(Box::new(f));
        self
    }

    /// Starts the bot and waits until it identified and the bad-domain list was fetched.
    pub async fn start(self) -> Harness {
        let db = match self.db {
            Some(db) => db,
            None => TestDb::sqlite().await,
        };
        migrate(db.conn()).await.expect("migrate");
        let guild_config = Arc::new(GuildConfig::new(db.conn().clone()));
        for (parameter, value) in &self.guild_settings {
            guild_config
                .set(GUILD as i64, parameter, value)
                .await
                .expect("guild setting");
        }
        let feed = MockServer::start().await;
        Mock::given(method("GET"))
            .and(path("/bad-domains/hashes.json"))
            .respond_with(ResponseTemplate::new(200).set_body_json(&self.bad_hashes))
            .mount(&feed)
            .await;
        let fake = FakeDiscord::start_with(FakeDiscordConfig {
            token: "fake-audit-token".to_owned(),
            bot_name: "SahasrahBot Audit".to_owned(),
            guilds: vec![{
                let mut guild = FakeGuild {
                    channels: vec![CHANNEL, AUDIT_CHANNEL, EXCLUDED],
                    ..FakeGuild::default()
                };
                if !self.emojis {
                    guild.emojis.clear();
                }
                guild
            }],
            ..FakeDiscordConfig::default()
        })
        .await
        .expect("fake discord");
        let mut settings = AuditSettings {
            token: fake.token(),
            http_proxy: Some(fake.http_proxy()),
            gateway_url: Some(fake.gateway_url()),
            bad_domains_url: format!("{}/bad-domains/hashes.json", feed.uri()),
            ..AuditSettings::default()
        };
        if let Some(adjust) = self.adjust {
            adjust(&mut settings);
        }
        let cancel = CancellationToken::new();
        let deps = Deps {
            db: db.conn().clone(),
            guild_config,
        };
        let task = tokio::spawn(run_with(settings, deps, cancel.clone()));
        let ready = fake
            .wait_for_gateway(WAIT, |s| s.identifies == 1 && s.live == 1)
            .await;
        assert!(
            ready,
            "the audit bot did not identify: {:?}",
            fake.gateway_stats()
        );
        let deadline = tokio::time::Instant::now() + WAIT;
        while feed
            .received_requests()
            .await
            .unwrap_or_default()
            .is_empty()
        {
            assert!(
                tokio::time::Instant::now() < deadline,
                "bad-domain list never fetched"
            );
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        // The list is applied right after the answer is read.
        tokio::time::sleep(Duration::from_millis(100)).await;
        Harness {
            fake,
            feed,
            db,
            cancel,
            task: Some(task),
        }
    }
}

pub async fn start() -> Harness {
    Setup::default().start().await
}

impl Harness {
    /// Every row, in id order.
    pub async fn rows(&self) -> Vec<audit_messages::Model> {
        audit_messages::Entity::find()
            .order_by_asc(audit_messages::Column::Id)
            .all(self.db.conn())
            .await
            .expect("rows")
    }

    /// Waits until `cond` holds over the rows.
    pub async fn wait_rows(&self, cond: impl Fn(&[audit_messages::Model]) -> bool) -> bool {
        let deadline = tokio::time::Instant::now() + WAIT;
        loop {
            if cond(&self.rows().await) {
                return true;
            }
            if tokio::time::Instant::now() >= deadline {
                return false;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// The messages posted to `channel`.
    pub fn posts_to(&self, channel: u64) -> Vec<RestCall> {
        self.fake
            .rest_calls()
            .into_iter()
            .filter(|c| c.method == "POST" && c.path == format!("/channels/{channel}/messages"))
            .collect()
    }

    /// Waits until `count` messages were posted to `channel`; returns them.
    pub async fn wait_posts(&self, channel: u64, count: usize) -> Vec<RestCall> {
        let wanted = format!("/channels/{channel}/messages");
        let ok = self
            .fake
            .wait_until(WAIT, |calls| {
                calls
                    .iter()
                    .filter(|c| c.method == "POST" && c.path == wanted)
                    .count()
                    >= count
            })
            .await;
        assert!(
            ok,
            "fewer than {count} posts to {channel}: {:?}",
            self.fake.rest_calls()
        );
        self.posts_to(channel)
    }

    /// The REST calls after start-up (application info, command wipe, guild fetch left out).
    pub fn activity(&self) -> Vec<RestCall> {
        self.fake
            .rest_calls()
            .into_iter()
            .filter(|c| {
                !c.path.contains("applications")
                    && c.path != "/gateway/bot"
                    && !(c.method == "GET" && c.path.starts_with("/guilds/"))
            })
            .collect()
    }

    /// Waits until `count` files were uploaded; returns them.
    pub async fn wait_files(&self, count: usize) -> Vec<UploadedFile> {
        let deadline = tokio::time::Instant::now() + WAIT;
        loop {
            let files = self.fake.uploaded_files();
            if files.len() >= count {
                return files;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "fewer than {count} uploads: {:?}",
                self.fake.rest_calls()
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// Stops the bot and returns its outcome.
    pub async fn stop(&mut self) -> Result<(), Error> {
        self.cancel.cancel();
        let task = self.task.take().expect("running");
        tokio::time::timeout(WAIT, task)
            .await
            .expect("the bot stops in time")
            .expect("the bot task")
    }
}

/// An ISO 8601 time `hours` ago.
pub fn hours_ago(hours: i64) -> String {
    (chrono::Utc::now() - chrono::TimeDelta::hours(hours))
        .format("%Y-%m-%dT%H:%M:%S%.6f+00:00")
        .to_string()
}
