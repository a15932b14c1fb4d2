//! Start-up (racetime.md §4 rows 1–3): one bot per configured category, disabled categories
//! reported, not fatal; debug mode serves `test` only.

use crate::common;

use common::Harness;
use sahasrahbot_core::config::{CategoryCredentials, Config, Secret};
use sahasrahbot_racetime::CancellationToken;
use sahasrahbot_racetime_handlers::start_racetime_bots;
use sahasrahbot_testkit::racetime::NewRace;

fn config(h: &Harness, debug: bool) -> Config {
    let mut c = Config {
        debug,
        ..Config::default()
    };
    c.racetime.host = h.fake.host();
    c.racetime.port = h.fake.port();
    c.racetime.secure = false;
    c.racetime.categories.insert(
        h.fake.category(),
        CategoryCredentials {
            client_id: h.fake.client_id(),
            client_secret: Secret::new(h.fake.client_secret()),
        },
    );
    c.racetime.categories.insert(
        "z1r".to_owned(),
        CategoryCredentials {
            client_id: h.fake.client_id(),
            client_secret: Secret::new("wrong"),
        },
    );
    c
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn configured_categories_run_and_the_others_are_reported_disabled() {
    let h = Harness::new("alttpr").await;
    // Production polling is every 30 s: the room exists before the first scan.
    let room = h.fake.open_race(NewRace::default());
    let cancel = CancellationToken::new();
    let started = start_racetime_bots(
        &config(&h, false),
        h.services.clone(),
        h.registry.clone(),
        cancel.clone(),
    )
    .await;
    let running: Vec<&str> = started.running.iter().map(|(s, _)| s.as_str()).collect();
    assert_eq!(running, ["alttpr"]);
    let disabled: Vec<&str> = started.disabled.iter().map(|(s, _)| s.as_str()).collect();
    assert!(disabled.contains(&"ct-jets"), "{disabled:?}");
    assert!(disabled.contains(&"smw-hacks"), "{disabled:?}");
    let z1r = started
        .disabled
        .iter()
        .find(|(s, _)| s == "z1r")
        .expect("z1r disabled");
    assert!(
        z1r.1.contains("refused the client credentials"),
        "{}",
        z1r.1
    );
    assert_eq!(started.disabled.len(), 11);

    // The alttpr bot serves rooms with the alttpr handler.
    h.wait_handled(&room).await;
    h.wait_count(&room, 1).await;
    let frame = h
        .fake
        .bot_actions(&room)
        .into_iter()
        .find(|a| a["action"] == "message")
        .unwrap();
    assert!(frame["data"]["actions"]["Roll a Game"].is_object());
    cancel.cancel();
    for (_, task) in started.running {
        task.await.unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn debug_mode_serves_only_the_test_category() {
    let h = Harness::new("test").await;
    let room = h.fake.open_race(NewRace::default());
    let cancel = CancellationToken::new();
    let started = start_racetime_bots(
        &config(&h, true),
        h.services.clone(),
        h.registry.clone(),
        cancel.clone(),
    )
    .await;
    let running: Vec<&str> = started.running.iter().map(|(s, _)| s.as_str()).collect();
    assert_eq!(running, ["test"]);
    h.wait_handled(&room).await;
    let user = h.fake.add_user("runner", false);
    h.say(&room, &user, "!test 1").await;
    h.wait_message(&room, "test command complete").await;
    cancel.cancel();
}
