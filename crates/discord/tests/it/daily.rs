//! `/dailygame` and the daily announcer (`discord.md` §2.2; parity all_rows D1–D4) through the
//! fake Discord, with alttpr.com stubbed.

use crate::common;

use std::time::Duration;

use common::{
    CHANNEL as CHANNEL_A, GUILD, Harness, Setup, WAIT, all_rows, field_names, is_ephemeral, member,
    start, wait_calls,
};
use sahasrahbot_core::db::entities::daily;
use sahasrahbot_core::guild_config::GuildConfig;
use sahasrahbot_migrations::migrate;
use sahasrahbot_testkit::db::TestDb;
use sahasrahbot_testkit::discord::{FakeDiscordConfig, FakeGuild};
use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const HASH: &str = "DaIlY12345";
const CHANNEL_B: u64 = 600_000_000_000_000_002;
const CHANNEL_C: u64 = 600_000_000_000_000_003;

fn game() -> Value {
    json!({
        "hash": HASH,
        "generated": "2026-11-22T01:02:03+00:00",
        "patch": [{"1573397": [0, 22, 12, 3, 29]}],
        "spoiler": {"meta": {
            "name": "Daily Challenge: Keysanity", "notes": "<p>Original notes</p>",
            "logic": "NoGlitches", "item_placement": "advanced", "dungeon_items": "full",
            "accessibility": "items", "goal": "ganon", "entry_crystals_tower": "7",
            "entry_crystals_ganon": "7", "mode": "open", "hints": "off",
            "weapons": "randomized", "item_pool": "normal", "item_functionality": "normal",
            "spoilers": "off"
        }}
    })
}

async fn mount_alttpr(server: &MockServer) {
    Mock::given(method("GET"))
        .and(path("/api/daily"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"hash": HASH})))
        .mount(server)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("/hash/{HASH}")))
        .respond_with(ResponseTemplate::new(200).set_body_json(game()))
        .mount(server)
        .await;
    Mock::given(method("GET"))
        .and(path("/randomizer/settings"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "item_placement": {"advanced": "Advanced"},
            "dungeon_items": {"full": "Keysanity"},
            "goals": {"ganon": "Defeat Ganon"},
            "world_state": {"open": "Open"}
        })))
        .mount(server)
        .await;
}

fn three_channel_guild() -> FakeDiscordConfig {
    FakeDiscordConfig {
        guilds: vec![FakeGuild {
            channels: vec![CHANNEL_A, CHANNEL_B, CHANNEL_C],
            ..FakeGuild::default()
        }],
        ..FakeDiscordConfig::default()
    }
}

/// The bot on `db` in a guild with three channels, its announcer ticking every 300 ms.
async fn start_announcing(db: TestDb, ext: MockServer) -> Harness {
    Setup::default()
        .db(db)
        .ext(ext)
        .fake(three_channel_guild())
        .adjust(|c| c.cogs.daily_interval = Duration::from_millis(300))
        .start()
        .await
}

fn requests_to(server_requests: &[wiremock::Request], p: &str) -> usize {
    server_requests.iter().filter(|r| r.url.path() == p).count()
}

#[tokio::test]
async fn dailygame_replies_publicly_with_the_daily_embed_and_caches_the_game() {
    let h = start().await;
    mount_alttpr(&h.ext).await;
    let i = h.fake.slash_command(&member(), "dailygame", json!([]));
    let calls = wait_calls(&h.fake, &i.token, 1).await;
    assert_eq!(calls.len(), 1, "{calls:#?}");
    assert_eq!(calls[0].path, i.callback_path());
    assert_eq!(calls[0].body["type"], 4);
    assert!(!is_ephemeral(&calls[0].body), "public");
    let embed = &calls[0].body["data"]["embeds"][0];
    assert_eq!(embed["title"], "Daily Challenge: Keysanity");
    let description = embed["description"].as_str().unwrap();
    assert!(
        description.contains("https://alttpr.com/daily"),
        "{description}"
    );
    assert!(!description.contains("Original notes"));
    assert_eq!(embed["color"], 0x0099_2D22);
    assert_eq!(
        field_names(embed),
        [
            "Item Placement",
            "Goal",
            "Gameplay",
            "Difficulty",
            "File Select Code",
            "Permalink"
        ]
    );
    assert!(
        embed["fields"][0]["value"]
            .as_str()
            .unwrap()
            .contains("**Dungeon Items:** Keysanity")
    );
    assert_eq!(
        embed["fields"][5]["value"],
        format!("{}/h/{HASH}", h.ext.uri())
    );

    // A second call within the minute reads the hash and the game from the cache.
    let calls = h.command(&member(), "dailygame", json!([]), 1).await;
    assert_eq!(
        calls[0].body["data"]["embeds"][0]["title"],
        "Daily Challenge: Keysanity"
    );
    let requests = h.ext.received_requests().await.unwrap();
    assert_eq!(requests_to(&requests, "/api/daily"), 1);
    assert_eq!(requests_to(&requests, &format!("/hash/{HASH}")), 1);
}

#[tokio::test]
async fn dailygame_says_so_ephemerally_when_alttpr_com_fails() {
    let h = start().await;
    Mock::given(method("GET"))
        .and(path("/api/daily"))
        .respond_with(ResponseTemplate::new(503))
        .mount(&h.ext)
        .await;
    let calls = h.command(&member(), "dailygame", json!([]), 1).await;
    assert_eq!(calls.len(), 1, "{calls:#?}");
    assert_eq!(calls[0].body["type"], 4);
    assert!(is_ephemeral(&calls[0].body));
    let content = calls[0].body["data"]["content"].as_str().unwrap();
    assert!(content.contains("`ServiceUnavailable`"), "{content}");
    assert!(
        content.contains("unable to fetch the daily challenge"),
        "{content}"
    );
}

/// Waits until `n` messages were posted to the given channels.
async fn wait_posts(h: &Harness, n: usize) {
    let ok = h
        .fake
        .wait_until(WAIT, |calls| {
            calls
                .iter()
                .filter(|c| c.method == "POST" && c.path.ends_with("/threads"))
                .count()
                >= n
        })
        .await;
    assert!(ok, "{n} threads: {:#?}", h.fake.rest_calls());
}

/// The `daily` rows, once there is one (the row is written just after the last post).
async fn daily_rows(h: &Harness) -> Vec<daily::Model> {
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let rows = all_rows::<daily::Entity>(&h.db).await;
        if !rows.is_empty() || tokio::time::Instant::now() > deadline {
            return rows;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

fn posts(h: &Harness) -> Vec<sahasrahbot_testkit::discord::RestCall> {
    h.fake
        .rest_calls()
        .into_iter()
        .filter(|c| c.method == "POST" && c.path.starts_with("/channels/"))
        .filter(|c| c.path.ends_with("/messages"))
        .collect()
}

#[tokio::test]
async fn a_new_daily_is_posted_with_a_thread_once_per_configured_channel_on_every_backend() {
    for db in TestDb::all().await {
        let backend = db.name();
        migrate(db.conn()).await.expect("migrate");
        let config = GuildConfig::new(db.conn().clone());
        // One id and one name; channel C is not named; a guild the bot is not in is skipped.
        config
            .set(
                GUILD as i64,
                "DailyAnnouncerChannel",
                &format!("{CHANNEL_A}, channel-1"),
            )
            .await
            .unwrap();
        config
            .set(123_456_789, "DailyAnnouncerChannel", "general")
            .await
            .unwrap();
        let ext = MockServer::start().await;
        mount_alttpr(&ext).await;
        let h = start_announcing(db, ext).await;
        wait_posts(&h, 2).await;
        let sent = posts(&h);
        let channels: Vec<&str> = sent.iter().map(|c| c.path.as_str()).collect();
        assert_eq!(
            channels,
            [
                format!("/channels/{CHANNEL_A}/messages"),
                format!("/channels/{CHANNEL_B}/messages")
            ],
            "{backend}"
        );
        for post in &sent {
            let embed = &post.body["embeds"][0];
            assert_eq!(embed["title"], "Daily Challenge: Keysanity", "{backend}");
            assert!(
                embed["description"]
                    .as_str()
                    .unwrap()
                    .contains("alttpr.com/daily")
            );
            assert_eq!(post.body["allowed_mentions"]["parse"], json!(["users"]));
        }
        let threads: Vec<_> = h
            .fake
            .rest_calls()
            .into_iter()
            .filter(|c| c.path.ends_with("/threads"))
            .collect();
        assert_eq!(threads.len(), 2, "{backend}");
        for (thread, channel) in threads.iter().zip([CHANNEL_A, CHANNEL_B]) {
            assert!(
                thread
                    .path
                    .starts_with(&format!("/channels/{channel}/messages/")),
                "{}",
                thread.path
            );
            assert_eq!(thread.body["name"], "Daily Challenge: Keysanity");
            assert_eq!(thread.body["auto_archive_duration"], 1440);
        }
        let rows = daily_rows(&h).await;
        assert_eq!(rows.len(), 1, "{backend}");
        assert_eq!(rows[0].hash, HASH);

        // D3: later ticks see the same hash and post nothing more.
        tokio::time::sleep(Duration::from_millis(1000)).await;
        let requests = h.ext.received_requests().await.unwrap();
        assert!(
            requests_to(&requests, "/api/daily") >= 3,
            "the loop kept ticking"
        );
        assert_eq!(posts(&h).len(), 2, "{backend}: no second announcement");
        let lookups = h.fake.calls_to("/guilds/123456789/channels");
        assert_eq!(
            lookups.len(),
            1,
            "{backend}: the unknown guild is looked up, then skipped"
        );
        assert_eq!(all_rows::<daily::Entity>(&h.db).await.len(), 1);
        h.cancel.cancel();
    }
}

#[tokio::test]
async fn a_forbidden_channel_does_not_stop_the_others() {
    let ext = MockServer::start().await;
    mount_alttpr(&ext).await;
    let h = start_announcing(TestDb::sqlite().await, ext).await;
    // Armed before the setting exists, so before any tick can post.
    h.fake
        .fail_route("POST", &format!("/channels/{CHANNEL_A}/messages"), 403, 100);
    h.db.conn();
    GuildConfig::new(h.db.conn().clone())
        .set(
            GUILD as i64,
            "DailyAnnouncerChannel",
            &format!("{CHANNEL_A},{CHANNEL_B}"),
        )
        .await
        .unwrap();
    wait_posts(&h, 1).await;
    let sent = posts(&h);
    assert_eq!(sent.len(), 2, "A refused, B posted: {sent:#?}");
    assert_eq!(sent[0].path, format!("/channels/{CHANNEL_A}/messages"));
    assert_eq!(sent[1].path, format!("/channels/{CHANNEL_B}/messages"));
    let threads = h.fake.calls_to(&format!("/channels/{CHANNEL_B}/messages/"));
    assert_eq!(threads.len(), 1, "a thread only on the post that exists");
    let rows = daily_rows(&h).await;
    assert_eq!(rows.len(), 1, "the daily counts as announced");
}

#[tokio::test]
async fn a_daily_whose_game_cannot_be_fetched_is_announced_on_a_later_tick() {
    let ext = MockServer::start().await;
    // The first game fetch fails; later ones succeed.
    Mock::given(method("GET"))
        .and(path(format!("/hash/{HASH}")))
        .respond_with(ResponseTemplate::new(500))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&ext)
        .await;
    mount_alttpr(&ext).await;
    let db = TestDb::sqlite().await;
    migrate(db.conn()).await.expect("migrate");
    GuildConfig::new(db.conn().clone())
        .set(
            GUILD as i64,
            "DailyAnnouncerChannel",
            &CHANNEL_B.to_string(),
        )
        .await
        .unwrap();
    let h = start_announcing(db, ext).await;
    wait_posts(&h, 1).await;
    let requests = h.ext.received_requests().await.unwrap();
    assert_eq!(
        requests_to(&requests, &format!("/hash/{HASH}")),
        2,
        "failed once, then fetched"
    );
    assert_eq!(posts(&h).len(), 1);
    let rows = daily_rows(&h).await;
    assert_eq!(rows.len(), 1, "written after the post (fix D19)");
}
