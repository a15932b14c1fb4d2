//! The whole bot running a tournament event: with Discord and the `test` racetime.gg
//! category configured in debug mode, the registry holds the `test` event, whose schedule
//! is the debug episode 1 read from `speedgaming.debug_fixtures_dir` (SpeedGaming itself
//! is never asked), and the tournaments subsystem opens a room for it, telling the players
//! over Discord (`discord.md` T2) or the event's audit channel when it cannot (T1).

use crate::common;

use std::path::Path;
use std::process::Child;
use std::time::Duration;

use chrono::Utc;
use sahasrahbot_core::db::entities::users;
use sahasrahbot_testkit::discord::{FakeDiscord, FakeUser, RestCall};
use sahasrahbot_testkit::racetime::{FakeConfig, FakeRacetime};
use sea_orm::{ActiveModelTrait, Set};
use serde_json::{Value, json};
use tempfile::TempDir;
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

const WAIT: Duration = Duration::from_secs(60);
/// The debug schedule of the `test` event is always episode 1.
const EPISODE: i64 = 1;

/// A running bot with its fakes, serving the `test` event from a registry file that points
/// the event at the fake Discord's guild and channel.
struct Run {
    racetime: FakeRacetime,
    discord: FakeDiscord,
    sg: MockServer,
    rooms_before: Vec<String>,
    child: Child,
    _dirs: (TempDir, TempDir),
}

/// Starts the bot for episode 1 with `players` (SpeedGaming's player objects); `linked` are
/// the Discord users with a `users` row (linked to racetime.gg) who are in the guild.
async fn start(players: Value, linked: &[FakeUser]) -> Run {
    let racetime = FakeRacetime::start_with(FakeConfig {
        category: "test".into(),
        category_name: "Test".into(),
        ..FakeConfig::default()
    })
    .await
    .expect("fake racetime");
    // Room creation reads the SpeedGaming volunteers' team, as the original does.
    racetime.add_team("sg-volunteers", "SpeedGaming Volunteers", &[]);
    let discord = FakeDiscord::start().await.expect("fake discord");
    for user in linked {
        discord.add_member(user);
    }
    let sg = MockServer::start().await;
    let start = Utc::now() + chrono::Duration::minutes(20);
    let episode = json!({
        "id": EPISODE,
        "event": {"slug": "test", "shortName": "TEST", "name": "Test Event"},
        "match1": {"title": "Round 1", "players": players},
        "match2": null,
        "when": start.to_rfc3339(),
        "whenCountdown": start.to_rfc3339(),
        "channels": [],
    });
    // SpeedGaming answers nothing: any request to it is a failure of debug mode.
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(500))
        .mount(&sg)
        .await;
    let fixtures = tempfile::tempdir().expect("tempdir");
    std::fs::write(fixtures.path().join("sg_1.json"), episode.to_string()).expect("sg_1.json");

    let dir = tempfile::tempdir().expect("tempdir");
    let registry = format!(
        "version: 1\nprofiles:\n  debug:\n    events:\n      - event_slug: test\n        \
         handler: test\n        enabled: true\n        config:\n          guild_id: {}\n          \
         audit_channel: {}\n  production:\n    events: []\n",
        discord.guild_id(),
        discord.channel_id()
    );
    std::fs::write(dir.path().join("tournaments.yaml"), registry).expect("registry file");
    link_users(dir.path(), linked).await;

    let rooms_before = racetime.race_names();
    let child = common::bot_in(dir.path())
        .env("DEBUG", "true")
        .env("RACETIME_HOST", racetime.host())
        .env("RACETIME_PORT", racetime.port().to_string())
        .env("RACETIME_SECURE", "false")
        .env("RACETIME_URL", racetime.base_url())
        .env("RACETIME_CLIENT_ID_TEST", racetime.client_id())
        .env("RACETIME_CLIENT_SECRET_TEST", racetime.client_secret())
        .env("DISCORD_TOKEN", discord.token())
        .env("SAHASRAHBOT_DISCORD__HTTP_PROXY", discord.http_proxy())
        .env("SAHASRAHBOT_DISCORD__GATEWAY_URL", discord.gateway_url())
        .env("SG_API_ENDPOINT", sg.uri())
        .env(
            "SAHASRAHBOT_SPEEDGAMING__DEBUG_FIXTURES_DIR",
            fixtures.path(),
        )
        .env("SAHASRAHBOT_TOURNAMENT__CONFIG_ENABLED", "true")
        .env("SAHASRAHBOT_TOURNAMENT__REGISTRY_FILE", "tournaments.yaml")
        .spawn()
        .expect("spawn the bot");
    Run {
        racetime,
        discord,
        sg,
        rooms_before,
        child,
        _dirs: (dir, fixtures),
    }
}

/// Creates the bot's database in `dir` (`sahasrahbot migrate`) and links `users` there.
async fn link_users(dir: &Path, users: &[FakeUser]) {
    let migrated = common::bot_in(dir)
        .arg("migrate")
        .status()
        .expect("run migrate");
    assert!(migrated.success(), "migrate failed");
    let db = sea_orm::Database::connect(format!(
        "sqlite://{}?mode=rw",
        dir.join("data/sahasrahbot.db").display()
    ))
    .await
    .expect("open the bot's database");
    let now = Utc::now().naive_utc();
    for user in users {
        users::ActiveModel {
            discord_user_id: Set(Some(i64::try_from(user.id).expect("a Discord id"))),
            display_name: Set(Some(user.name.clone())),
            rtgg_id: Set(Some(format!("rt{}", user.id))),
            created: Set(now),
            updated: Set(now),
            test_user: Set(false),
            ..Default::default()
        }
        .insert(&db)
        .await
        .expect("users row");
    }
    db.close().await.expect("close");
}

impl Run {
    /// The rooms opened since the start.
    fn new_rooms(&self) -> Vec<String> {
        self.racetime
            .race_names()
            .into_iter()
            .filter(|n| !self.rooms_before.contains(n))
            .collect()
    }

    /// Stops the bot (it must exit 0) and checks SpeedGaming was never asked.
    async fn stop(self) {
        let status = common::terminate(self.child).await;
        let asked = self.sg.received_requests().await.unwrap_or_default();
        assert!(asked.is_empty(), "SpeedGaming was asked: {asked:?}");
        assert_eq!(status.code(), Some(0));
    }
}

/// The messages the bot sent to `channel` so far.
fn messages_to(calls: &[RestCall], channel: &str) -> Vec<Value> {
    calls
        .iter()
        .filter(|c| c.method == "POST" && c.path == format!("/channels/{channel}/messages"))
        .map(|c| c.body.clone())
        .collect()
}

fn player(name: &str, discord_id: &str) -> Value {
    json!({"displayName": name, "discordId": discord_id, "discordTag": "",
           "publicStream": "", "streamingFrom": ""})
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_episode_in_the_window_gets_a_room_and_its_players_a_dm() {
    let alice = FakeUser::member(401_000_000_000_000_001, "Alice");
    let bob = FakeUser::member(401_000_000_000_000_002, "Bob");
    let run = start(
        json!([
            player("Alice", &alice.id.to_string()),
            player("Bob", &bob.id.to_string())
        ]),
        &[alice.clone(), bob.clone()],
    )
    .await;

    let opened = run
        .racetime
        .wait_until(WAIT, |f| {
            f.race_names().iter().any(|name| {
                !run.rooms_before.contains(name)
                    && f.race(name)["info_user"]
                        .as_str()
                        .is_some_and(|i| i.ends_with("- 1"))
            })
        })
        .await;
    // T2: each player's DM channel is opened and gets the "room opened" embed.
    let dms = run
        .discord
        .wait_until(WAIT, |calls| {
            calls
                .iter()
                .filter(|c| c.body["embeds"][0]["title"] == "RT.gg Room Opened - Alice vs. Bob")
                .count()
                == 2
        })
        .await;
    let rooms = run.new_rooms();
    let calls = run.discord.rest_calls();
    let racetime_requests = run.racetime.http_requests();
    run.stop().await;

    assert!(
        opened,
        "no room for episode {EPISODE}: rooms {rooms:?}, racetime requests {racetime_requests:?}"
    );
    let room = rooms.first().expect("the new room");
    assert_eq!(rooms.len(), 1, "{rooms:?}");
    assert!(dms, "no room-opened DMs: {calls:#?}");
    let recipients: Vec<&Value> = calls
        .iter()
        .filter(|c| c.path == "/users/@me/channels")
        .map(|c| &c.body["recipient_id"])
        .collect();
    for user in [&alice, &bob] {
        assert!(
            recipients.contains(&&json!(user.id.to_string())),
            "no DM channel for {}: {recipients:?}",
            user.name
        );
    }
    let embed = calls
        .iter()
        .find(|c| c.body["embeds"][0]["title"] == "RT.gg Room Opened - Alice vs. Bob")
        .map(|c| c.body["embeds"][0].clone())
        .expect("the embed");
    assert!(
        embed.to_string().contains(room.as_str()),
        "the embed links the room {room}: {embed}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_episode_that_cannot_be_opened_is_reported_to_the_audit_channel() {
    // T1: a player whose Discord id SpeedGaming gives as garbage stops the room.
    let run = start(json!([player("Mallory", "not-an-id")]), &[]).await;
    let channel = run.discord.channel_id().to_string();
    let failure = format!(
        "There was an error while automatically creating a race room for episode `{EPISODE}`.\n\n"
    );
    // The event's audit channel also gets the bad-Discord report (every 15 s in debug mode).
    let is_failure = |m: &Value| {
        m["content"]
            .as_str()
            .is_some_and(|c| c.starts_with(&failure))
    };
    let reported = run
        .discord
        .wait_until(WAIT, |calls| {
            messages_to(calls, &channel).iter().any(is_failure)
        })
        .await;
    let rooms = run.new_rooms();
    let calls = run.discord.rest_calls();
    run.stop().await;

    assert!(reported, "no failure in the audit channel: {calls:#?}");
    let posted = messages_to(&calls, &channel);
    let first = posted.iter().find(|m| is_failure(m)).expect("the failure");
    let content = first["content"].as_str().unwrap_or_default();
    assert!(content.contains("not-an-id"), "{content}");
    // The first pass waited for the category bot: no failure for want of it.
    assert!(
        !posted
            .iter()
            .any(|m| m.to_string().contains("no racetime.gg bot runs")),
        "{posted:#?}"
    );
    assert_eq!(
        first["allowed_mentions"]["parse"],
        json!(["users", "everyone"]),
        "{first}"
    );
    assert!(rooms.is_empty(), "a room was opened anyway: {rooms:?}");
}
