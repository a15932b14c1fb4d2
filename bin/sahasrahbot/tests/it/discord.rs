//! The whole bot against the fake Discord: the binary connects through the configured
//! HTTP proxy and gateway URL, registers its commands, answers a slash command, and stops
//! cleanly on SIGTERM.

use crate::common;

use std::time::Duration;

use sahasrahbot_testkit::discord::{FakeDiscord, FakeUser};
use serde_json::json;

const WAIT: Duration = Duration::from_secs(30);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_bot_connects_and_answers_a_slash_command() {
    let fake = FakeDiscord::start().await.expect("fake discord");
    let dir = tempfile::tempdir().expect("tempdir");
    let child = common::bot_in(dir.path())
        .env("DISCORD_TOKEN", fake.token())
        .env("SAHASRAHBOT_DISCORD__HTTP_PROXY", fake.http_proxy())
        .env("SAHASRAHBOT_DISCORD__GATEWAY_URL", fake.gateway_url())
        .env("ALTTP_RANDOMIZER_SERVERS", fake.guild_id().to_string())
        // The tournaments subsystem runs with Discord; keep it off the internet.
        .env("SG_API_ENDPOINT", "http://127.0.0.1:9")
        .spawn()
        .expect("spawn the bot");

    let ready = fake
        .wait_for_gateway(WAIT, |s| s.identifies == 1 && s.live == 1)
        .await;
    assert!(ready, "no IDENTIFY: {:?}", fake.gateway_stats());
    let app = fake.application_id();
    assert_eq!(
        fake.calls_to(&format!("/applications/{app}/commands"))
            .len(),
        1
    );

    let sent = fake.slash_command(&FakeUser::member(42, "Runner"), "rom", json!([]));
    let answered = fake
        .wait_until(WAIT, |calls| {
            calls.iter().any(|c| c.path.contains(&sent.token))
        })
        .await;
    assert!(answered, "no answer to /rom: {:?}", fake.rest_calls());
    let reply = fake
        .rest_calls()
        .into_iter()
        .find(|c| c.path.contains(&sent.token))
        .expect("reply");
    assert_eq!(reply.body["type"], 4, "{:?}", reply.body);

    let status = common::terminate(child).await;
    assert_eq!(status.code(), Some(0));
    let closed = fake
        .wait_for_gateway(Duration::from_secs(10), |s| s.live == 0)
        .await;
    assert!(
        closed,
        "the gateway socket was not closed: {:?}",
        fake.gateway_stats()
    );
}
