//! The binary with only the audit bot configured: it reports `audit: enabled`, connects to
//! the fake Discord with its own token, records a DM, and stops cleanly on SIGTERM with
//! the gateway socket closed.

use crate::common;

use std::process::Stdio;
use std::time::Duration;

use sahasrahbot_testkit::discord::{FakeDiscord, FakeDiscordConfig, FakeMessage, FakeUser};

const WAIT: Duration = Duration::from_secs(30);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_audit_bot_is_enabled_by_its_token_and_stops_cleanly() {
    let fake = FakeDiscord::start_with(FakeDiscordConfig {
        token: "audit-token".to_owned(),
        ..FakeDiscordConfig::default()
    })
    .await
    .expect("fake discord");
    let dir = tempfile::tempdir().expect("tempdir");
    let log = dir.path().join("out.log");
    let out = std::fs::File::create(&log).expect("log file");
    let child = common::bot_in(dir.path())
        .env("AUDIT_DISCORD_TOKEN", fake.token())
        .env("SAHASRAHBOT_AUDIT__HTTP_PROXY", fake.http_proxy())
        .env("SAHASRAHBOT_AUDIT__GATEWAY_URL", fake.gateway_url())
        .env(
            "SAHASRAHBOT_AUDIT__BAD_DOMAINS_URL",
            "http://127.0.0.1:9/bad-domains/hashes.json",
        )
        .stdout(Stdio::from(out.try_clone().expect("clone")))
        .stderr(Stdio::from(out))
        .spawn()
        .expect("spawn the bot");

    let ready = fake
        .wait_for_gateway(WAIT, |s| s.identifies == 1 && s.live == 1)
        .await;
    assert!(ready, "no IDENTIFY: {:?}", fake.gateway_stats());
    // The audit application's global commands are cleared once.
    let app = fake.application_id();
    let wiped = fake.calls_to(&format!("/applications/{app}/commands"));
    assert_eq!(wiped.len(), 1);
    assert_eq!(wiped[0].body, serde_json::json!([]));

    fake.send_message(&FakeMessage::new(&FakeUser::member(42, "Runner"), "hello").direct());
    // Give the recorder a moment; the row must be written by the time the process exits.
    tokio::time::sleep(Duration::from_millis(300)).await;

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
    let text = std::fs::read_to_string(&log).expect("log");
    assert!(text.contains("audit: enabled"), "{text}");
    let db = sea_orm::Database::connect(format!(
        "sqlite://{}?mode=ro",
        dir.path().join("data/sahasrahbot.db").display()
    ))
    .await
    .expect("open the bot's database");
    use sea_orm::{EntityTrait, PaginatorTrait};
    let rows = sahasrahbot_core::db::entities::audit_messages::Entity::find()
        .count(&db)
        .await
        .expect("count");
    assert_eq!(rows, 1, "the DM is recorded");
}
