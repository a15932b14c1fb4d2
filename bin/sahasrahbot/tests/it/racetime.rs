//! The whole bot against the fake racetime.gg: the binary, started the way a user starts it
//! (configuration from the environment), joins an open room of the debug `test` category,
//! answers a chat command, and stops cleanly on SIGTERM.

use crate::common;

use std::time::Duration;

use sahasrahbot_testkit::racetime::{FakeConfig, FakeRacetime, NewRace};

#[tokio::test]
async fn the_bot_joins_a_room_and_answers_commands() {
    let fake = FakeRacetime::start_with(FakeConfig {
        category: "test".into(),
        category_name: "Test".into(),
        ..FakeConfig::default()
    })
    .await
    .expect("fake racetime");
    let room = fake.open_race(NewRace::default());
    let dir = tempfile::tempdir().expect("tempdir");

    let child = common::bot_in(dir.path())
        .env("DEBUG", "true")
        .env("RACETIME_HOST", fake.host())
        .env("RACETIME_PORT", fake.port().to_string())
        .env("RACETIME_SECURE", "false")
        .env("RACETIME_CLIENT_ID_TEST", fake.client_id())
        .env("RACETIME_CLIENT_SECRET_TEST", fake.client_secret())
        .spawn()
        .expect("spawn the bot");

    let joined = fake
        .wait_until(Duration::from_secs(30), |f| f.open_bot_sockets(&room) == 1)
        .await;
    assert!(
        joined,
        "the bot did not join {room}: {:?}",
        fake.http_requests()
    );

    let user = fake.add_entrant(&room, "Runner");
    fake.send_chat(&room, &user, "!test 0");
    let answered = fake
        .wait_until(Duration::from_secs(30), |f| {
            f.bot_messages(&room)
                .iter()
                .any(|m| m == "test command complete")
        })
        .await;
    let said = fake.bot_messages(&room);
    assert!(answered, "{said:?}");
    assert!(
        said.contains(&"initiated test command, waiting 0 seconds".to_owned()),
        "{said:?}"
    );

    let status = common::terminate(child).await;
    assert_eq!(status.code(), Some(0));
    let closed = fake
        .wait_until(Duration::from_secs(10), |f| f.open_bot_sockets(&room) == 0)
        .await;
    assert!(closed, "the room socket was not closed at shutdown");
}
