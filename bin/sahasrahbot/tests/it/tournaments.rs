//! The whole bot running a tournament event: with Discord and the `test` racetime.gg
//! category configured in debug mode, the registry holds the `test` event, whose schedule
//! is the debug episode 1 read from `speedgaming.debug_fixtures_dir` (SpeedGaming itself
//! is never asked), and the tournaments subsystem opens a room for it.

use crate::common;

use std::time::Duration;

use chrono::Utc;
use sahasrahbot_testkit::discord::FakeDiscord;
use sahasrahbot_testkit::racetime::{FakeConfig, FakeRacetime};
use serde_json::json;
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

const WAIT: Duration = Duration::from_secs(60);
/// The debug schedule of the `test` event is always episode 1.
const EPISODE: i64 = 1;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_episode_in_the_window_gets_a_room() {
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
    let sg = MockServer::start().await;
    let start = Utc::now() + chrono::Duration::minutes(20);
    let episode = json!({
        "id": EPISODE,
        "event": {"slug": "test", "shortName": "TEST", "name": "Test Event"},
        "match1": {"title": "Round 1", "players": []},
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

    let before = racetime.race_names();
    let dir = tempfile::tempdir().expect("tempdir");
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
        .spawn()
        .expect("spawn the bot");

    let opened = racetime
        .wait_until(WAIT, |f| {
            f.race_names().iter().any(|name| {
                !before.contains(name)
                    && f.race(name)["info_user"]
                        .as_str()
                        .is_some_and(|i| i.ends_with("- 1"))
            })
        })
        .await;
    let names = racetime.race_names();
    let room = names.iter().find(|n| !before.contains(n)).cloned();

    let status = common::terminate(child).await;

    assert!(
        opened,
        "no room for episode {EPISODE}: rooms {names:?}, racetime requests {:?}, SG requests {:?}",
        racetime.http_requests(),
        sg.received_requests().await.unwrap_or_default().len()
    );
    let room = room.expect("the new room");
    let race = racetime.race(&room);
    assert_eq!(race["info_user"], "TEST -  - Round 1 - 1", "{race}");
    let asked = sg.received_requests().await.unwrap_or_default();
    assert!(asked.is_empty(), "SpeedGaming was asked: {asked:?}");
    assert_eq!(status.code(), Some(0));
}
