//! The real client against the testkit fake racetime.gg.

use crate::common;

use std::time::Duration;

use common::{WAIT, eventually, start_bot, test_config};
use sahasrahbot_racetime::{
    Bot, CommandOutcome, DefaultFactory, Error, HandlerRegistry, MessageOptions, RaceHandler,
    RaceSettings,
};
use sahasrahbot_testkit::racetime::{FakeConfig, FakeRacetime, NewRace};
use tokio_util::sync::CancellationToken;

#[derive(Default)]
struct Quiet;
impl RaceHandler for Quiet {}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_secret_is_invalid_client() {
    let fake = FakeRacetime::start().await.unwrap();
    let mut config = test_config(&fake);
    config.client_secret = "wrong".to_owned();
    let err = Bot::connect(
        config,
        DefaultFactory::<Quiet>::new(),
        HandlerRegistry::new(),
        CancellationToken::new(),
    )
    .await
    .unwrap_err();
    assert!(
        matches!(&err, Error::InvalidClient(e) if e == "invalid_client"),
        "{err}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn discovers_unlisted_room_and_dispatches_commands() {
    let fake = FakeRacetime::start().await.unwrap();
    let bot = start_bot(test_config(&fake)).await;
    let room = fake.open_race(NewRace {
        unlisted: true,
        ..NewRace::default()
    });
    // Unlisted rooms are only in the bot feed.
    assert!(
        eventually(|| bot.registry.contains(&room)).await,
        "room discovered"
    );
    assert!(
        fake.wait_until(WAIT, |f| f.open_bot_sockets(&room) == 1)
            .await
    );
    assert!(eventually(|| bot.events.count(&room, "begin") == 1).await);
    let user = fake.add_entrant(&room, "RacerOne");

    // Row 7: case-sensitive commands, args split on single spaces.
    fake.send_chat(&room, &user, "!Race standard");
    fake.send_chat(&room, &user, "!echo  open");
    assert!(
        fake.wait_until(WAIT, |f| f
            .bot_messages(&room)
            .contains(&r#"args=["", "open"]"#.to_owned()))
            .await
    );
    // Row 8: unknown commands are silent; bot and system messages never trigger commands.
    fake.send_chat(&room, &user, "!nosuchcommand");
    fake.send_bot_chat(&room, "OtherBot", "!count");
    fake.send_system_message(&room, "!count");
    fake.send_chat(&room, &user, "!count");
    assert!(
        fake.wait_until(WAIT, |f| f
            .bot_messages(&room)
            .contains(&"count=1".to_owned()))
            .await
    );
    // Row 9: a failing command posts the exception text.
    fake.send_chat(&room, &user, "!fail");
    assert!(
        fake.wait_until(WAIT, |f| f
            .bot_messages(&room)
            .contains(&"Command raised exception: boom".to_owned()))
            .await
    );
    // Row 13: the ex2_ keyword form.
    fake.send_chat(
        &room,
        &user,
        "!newrace --preset=standard --no-quickswap --branch=beeta --countdown=600",
    );
    assert!(
        fake.wait_until(WAIT, |f| f.bot_messages(&room).contains(
            &r#"pos=["!newrace"] kw=branch=beeta,countdown=600,preset=standard,quickswap=False"#
                .to_owned()
        ))
        .await,
        "{:?}",
        fake.bot_messages(&room)
    );
    // Nothing else was answered: only the messages above.
    let msgs = fake.bot_messages(&room);
    assert_eq!(msgs.len(), 4, "{msgs:?}");
    assert!(
        bot.events
            .all(&room)
            .contains(&"chat:!Race standard".to_owned())
    );

    bot.cancel.cancel();
    tokio::time::timeout(WAIT, bot.task).await.unwrap().unwrap();
    assert!(
        fake.wait_until(WAIT, |f| f.open_bot_sockets_total() == 0)
            .await,
        "shutdown closes sockets"
    );
    let requests = fake.http_requests().len();
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(fake.http_requests().len(), requests, "polling stopped");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn commands_of_one_room_run_concurrently() {
    let fake = FakeRacetime::start().await.unwrap();
    let bot = start_bot(test_config(&fake)).await;
    let room = fake.open_race(NewRace::default());
    assert!(
        fake.wait_until(WAIT, |f| f.open_bot_sockets(&room) == 1)
            .await
    );
    let user = fake.add_entrant(&room, "RacerOne");
    fake.send_chat(&room, &user, "!slow");
    fake.send_chat(&room, &user, "!fast");
    assert!(
        fake.wait_until(WAIT, |f| f.bot_messages(&room).len() == 2)
            .await
    );
    assert_eq!(fake.bot_messages(&room), vec!["fast done", "slow done"]);
    bot.cancel.cancel();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn token_refresh_reconnects_every_room_and_keeps_state() {
    let fake = FakeRacetime::start_with(FakeConfig {
        token_lifetime_secs: 2,
        ..FakeConfig::default()
    })
    .await
    .unwrap();
    let bot = start_bot(test_config(&fake)).await;
    let rooms: Vec<String> = (0..3).map(|_| fake.open_race(NewRace::default())).collect();
    for room in &rooms {
        assert!(
            fake.wait_until(WAIT, |f| f.open_bot_sockets(room) == 1)
                .await
        );
        assert_eq!(
            bot.registry.dispatch_command(room, "!count").await.unwrap(),
            CommandOutcome::Completed
        );
    }
    // The 2 s token is refreshed at half-life; every socket reconnects with the new token.
    assert!(
        fake.wait_until(WAIT, |f| f.issued_tokens().len() >= 2)
            .await
    );
    let second = fake.issued_tokens()[1].clone();
    for room in &rooms {
        assert!(
            fake.wait_until(WAIT, |f| f.bot_connections(room).contains(&second))
                .await,
            "{room} reconnected with the new token"
        );
    }
    for room in &rooms {
        bot.registry.dispatch_command(room, "!count").await.unwrap();
        assert!(
            fake.wait_until(WAIT, |f| f
                .bot_messages(room)
                .contains(&"count=2".to_owned()))
                .await,
            "state kept across the reconnect: {:?}",
            fake.bot_messages(room)
        );
        assert_eq!(bot.events.count(room, "begin"), 1, "no second begin");
        assert!(
            !bot.events.all(room).iter().any(|e| e.starts_with("error:")),
            "no permission errors: {:?}",
            bot.events.all(room)
        );
    }
    bot.cancel.cancel();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn expired_token_is_refreshed_after_permission_denied() {
    let fake = FakeRacetime::start().await.unwrap();
    let bot = start_bot(test_config(&fake)).await;
    let room = fake.open_race(NewRace::default());
    assert!(
        fake.wait_until(WAIT, |f| f.open_bot_sockets(&room) == 1)
            .await
    );
    fake.expire_tokens();
    bot.registry
        .dispatch_command(&room, "!count")
        .await
        .unwrap();
    assert!(
        eventually(|| bot
            .events
            .all(&room)
            .contains(&"error:Permission denied. Check your authorization token.".to_owned()))
        .await
    );
    assert!(
        fake.wait_until(WAIT, |f| f.issued_tokens().len() == 2)
            .await
    );
    let fresh = fake.issued_tokens()[1].clone();
    assert!(
        fake.wait_until(WAIT, |f| f.bot_connections(&room).last() == Some(&fresh))
            .await
    );
    bot.registry
        .dispatch_command(&room, "!count")
        .await
        .unwrap();
    assert!(
        fake.wait_until(WAIT, |f| f.bot_messages(&room)
            == vec!["count=2".to_owned()])
            .await,
        "{:?}",
        fake.bot_messages(&room)
    );
    bot.cancel.cancel();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn socket_drop_mid_race_reconnects_once_without_second_begin() {
    let fake = FakeRacetime::start().await.unwrap();
    let bot = start_bot(test_config(&fake)).await;
    let room = fake.open_race(NewRace::default());
    assert!(
        fake.wait_until(WAIT, |f| f.open_bot_sockets(&room) == 1)
            .await
    );
    fake.set_status(&room, "in_progress");
    assert!(eventually(|| bot.events.count(&room, "status:in_progress") == 1).await);
    bot.registry
        .dispatch_command(&room, "!count")
        .await
        .unwrap();

    assert_eq!(fake.drop_bot_sockets(&room), 1);
    assert!(
        fake.wait_until(WAIT, |f| f.bot_connections(&room).len() == 2)
            .await
    );
    assert!(
        fake.wait_until(WAIT, |f| f.open_bot_sockets(&room) == 1)
            .await
    );
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(
        fake.bot_connections(&room).len(),
        2,
        "reconnected exactly once"
    );
    assert_eq!(bot.events.count(&room, "begin"), 1);
    let created = bot
        .bot
        .factory()
        .created
        .lock()
        .unwrap()
        .get(&room)
        .copied();
    assert_eq!(created, Some(1), "same handler object");

    bot.registry
        .dispatch_command(&room, "!count")
        .await
        .unwrap();
    assert!(
        fake.wait_until(WAIT, |f| f
            .bot_messages(&room)
            .contains(&"count=2".to_owned()))
            .await
    );
    // Finishing ends the room: `end` once, socket closed, registry entry gone.
    fake.set_status(&room, "finished");
    assert!(eventually(|| !bot.registry.contains(&room)).await);
    assert_eq!(bot.events.count(&room, "end"), 1);
    assert!(
        fake.wait_until(WAIT, |f| f.open_bot_sockets(&room) == 0)
            .await
    );
    // Discovery does not re-join a finished race.
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(!bot.registry.contains(&room));
    bot.cancel.cancel();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn feed_errors_back_off_and_recover() {
    let fake = FakeRacetime::start().await.unwrap();
    let bot = start_bot(test_config(&fake)).await;
    assert!(
        fake.wait_until(WAIT, |f| f
            .http_requests()
            .iter()
            .any(|r| r == "GET /o/alttpr/data"))
            .await
    );
    let started = tokio::time::Instant::now();
    fake.fail_next_requests(4);
    let room = fake.open_race(NewRace::default());
    assert!(
        eventually(|| bot.registry.contains(&room)).await,
        "recovered"
    );
    // Four failures with a 40 ms base backoff (jitter keeps at least half): ≥ 20+40+80+160 ms.
    let elapsed = started.elapsed();
    assert!(
        elapsed >= Duration::from_millis(300),
        "backed off: {elapsed:?}"
    );
    // …and the feed was not hammered meanwhile.
    let feed_calls = fake
        .http_requests()
        .iter()
        .filter(|r| *r == "GET /o/alttpr/data")
        .count();
    assert!(feed_calls < 20, "{feed_calls} feed calls");
    bot.cancel.cancel();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_frames_are_skipped() {
    let fake = FakeRacetime::start().await.unwrap();
    let bot = start_bot(test_config(&fake)).await;
    let room = fake.open_race(NewRace::default());
    assert!(
        fake.wait_until(WAIT, |f| f.open_bot_sockets(&room) == 1)
            .await
    );
    for frame in [
        "not json at all",
        "[1,2,3]",
        r#"{"type": 5}"#,
        r#"{"type": "race.data", "race": "nope"}"#,
        r#"{"type": "chat.message", "message": null}"#,
        r#"{"type": "brand.new.type", "whatever": {}}"#,
        r#"{"type": "chat.history", "messages": {"a": {"id": "a", "message": "hi"}}}"#,
        r#"{"type": "chat.history", "messages": [{"id": "b"}]}"#,
        r#"{"type": "race.data", "race": {"name": "x/y", "status": {"value": "weird"}, "version": 0}}"#,
    ] {
        fake.send_raw_frame(&room, frame);
    }
    let user = fake.add_entrant(&room, "RacerOne");
    fake.send_chat(&room, &user, "!count");
    assert!(
        fake.wait_until(WAIT, |f| f
            .bot_messages(&room)
            .contains(&"count=1".to_owned()))
            .await
    );
    assert_eq!(fake.bot_connections(&room).len(), 1, "no reconnect");
    // The stale (version 0) race.data did not replace the real one.
    let handle = bot.registry.get(&room).unwrap();
    assert_eq!(handle.room().race().name, room);
    bot.cancel.cancel();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_hundred_rooms_on_one_client() {
    let fake = FakeRacetime::start().await.unwrap();
    let rooms: Vec<String> = (0..200)
        .map(|_| fake.open_race(NewRace::default()))
        .collect();
    let mut config = test_config(&fake);
    config.join_concurrency = 32;
    let bot = start_bot(config).await;
    assert!(
        fake.wait_until(Duration::from_secs(30), |f| f.open_bot_sockets_total()
            == 200)
            .await,
        "{} sockets",
        fake.open_bot_sockets_total()
    );
    assert_eq!(bot.registry.len(), 200);
    for room in rooms.iter().step_by(20) {
        assert_eq!(
            bot.registry.dispatch_command(room, "!count").await.unwrap(),
            CommandOutcome::Completed
        );
        assert!(
            fake.wait_until(WAIT, |f| f.bot_messages(room) == vec!["count=1".to_owned()])
                .await
        );
    }
    bot.cancel.cancel();
    tokio::time::timeout(Duration::from_secs(30), bot.task)
        .await
        .unwrap()
        .unwrap();
    assert!(
        fake.wait_until(WAIT, |f| f.open_bot_sockets_total() == 0)
            .await
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn gives_up_after_consecutive_failures() {
    let fake = FakeRacetime::start().await.unwrap();
    let bot = start_bot(test_config(&fake)).await;
    let room = fake.open_race(NewRace::default());
    assert!(
        fake.wait_until(WAIT, |f| f.open_bot_sockets(&room) == 1)
            .await
    );
    drop(fake); // the server goes away: every reconnect fails
    assert!(eventually(|| bot.events.count(&room, "gave_up") == 1).await);
    assert!(eventually(|| !bot.registry.contains(&room)).await);
    bot.cancel.cancel();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn injected_command_outcomes() {
    let fake = FakeRacetime::start().await.unwrap();
    let bot = start_bot(test_config(&fake)).await;
    let room = fake.open_race(NewRace::default());
    assert!(
        fake.wait_until(WAIT, |f| f.open_bot_sockets(&room) == 1)
            .await
    );
    let reg = &bot.registry;
    assert_eq!(
        reg.dispatch_command(&room, "!count").await.unwrap(),
        CommandOutcome::Completed
    );
    assert_eq!(
        reg.dispatch_command(&room, "!fail").await.unwrap(),
        CommandOutcome::Failed("boom".to_owned())
    );
    assert_eq!(
        reg.dispatch_command(&room, "!nope").await.unwrap(),
        CommandOutcome::NotACommand
    );
    assert!(matches!(
        reg.dispatch_command("alttpr/no-such-room", "!count").await,
        Err(Error::RoomNotHandled(_))
    ));
    assert!(
        fake.wait_until(WAIT, |f| f.bot_messages(&room)
            == vec!["count=1", "Command raised exception: boom"])
            .await
    );
    bot.cancel.cancel();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn actions_edit_startrace_and_lookups() {
    let fake = FakeRacetime::start().await.unwrap();
    let bot = start_bot(test_config(&fake)).await;

    // startrace: 201 + Location, then joined by name.
    let settings = RaceSettings {
        goal: Some("Beat the game".to_owned()),
        info_user: "Seed: https://example.invalid/h/ABCDEF".to_owned(),
        start_delay: 10,
        ..RaceSettings::default()
    };
    let handle = bot.bot.start_race_and_join(&settings).await.unwrap();
    let room_name = handle.name().to_owned();
    assert!(room_name.starts_with("alttpr/"));
    assert_eq!(fake.race(&room_name)["opened_by_bot"], "TestBot");
    assert!(
        fake.wait_until(WAIT, |f| f.open_bot_sockets(&room_name) == 1)
            .await
    );
    let room = handle.room().clone();

    // Unknown goal becomes a custom goal.
    let custom = bot
        .bot
        .start_race(&RaceSettings {
            goal: Some("Some weird goal".to_owned()),
            ..RaceSettings::default()
        })
        .await
        .unwrap();
    assert_eq!(fake.race(&custom)["goal"]["custom"], true);
    assert_eq!(fake.race(&custom)["goal"]["name"], "Some weird goal");

    // Validation errors come back as the server's form errors.
    let err = bot
        .bot
        .start_race(&RaceSettings {
            goal: Some("Beat the game".to_owned()),
            start_delay: 5,
            ..RaceSettings::default()
        })
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Validation(e) if e.contains_key("start_delay")),
        "{err}"
    );
    assert!(matches!(
        bot.bot
            .start_race(&RaceSettings {
                goal: Some("a".into()),
                custom_goal: Some("b".into()),
                ..RaceSettings::default()
            })
            .await,
        Err(Error::InvalidRequest(_))
    ));

    // Socket actions.
    let racer = fake.add_entrant(&room_name, "RacerOne");
    room.send_message_with(
        "pinned hello",
        MessageOptions {
            pinned: true,
            ..MessageOptions::default()
        },
    )
    .unwrap();
    room.set_bot_raceinfo("Preset: open").unwrap();
    let mut meta = serde_json::Map::new();
    meta.insert("preset".into(), "open".into());
    room.set_bot_meta(meta).unwrap();
    room.make_invitational().unwrap();
    room.add_monitor(&racer).unwrap();
    room.invite_user("NOSUCHUSER000000").unwrap();
    room.force_start().unwrap();
    assert!(
        eventually(|| {
            let all = bot.events.all(&room_name);
            all.contains(&"error:No user found matching the given ID.".to_owned())
                && all.contains(&"error:Race cannot be started yet.".to_owned())
        })
        .await,
        "{:?}",
        bot.events.all(&room_name)
    );
    let race = fake.race(&room_name);
    assert_eq!(race["info_bot"], "Preset: open");
    assert_eq!(race["bot_meta"]["preset"], "open");
    assert_eq!(race["status"]["value"], "invitational");
    assert_eq!(race["monitors"][0]["id"], racer.as_str());
    assert!(
        fake.chat_log(&room_name)
            .iter()
            .any(|m| m["message"] == "pinned hello" && m["is_pinned"] == true)
    );
    assert!(eventually(|| room.race().status.value.as_str() == "invitational").await);

    // edit: every field is sent, so unrelated settings survive.
    room.edit(|s| s.hide_comments = true).await.unwrap();
    let race = fake.race(&room_name);
    assert_eq!(race["hide_comments"], true);
    assert_eq!(race["info_user"], "Seed: https://example.invalid/h/ABCDEF");
    assert_eq!(race["start_delay"], "P0DT00H00M10S");
    assert_eq!(race["goal"]["name"], "Beat the game");

    // Lookups.
    fake.add_team("sg-volunteers", "SG Volunteers", &[&racer]);
    let team = bot.bot.get_team("sg-volunteers").await.unwrap();
    assert_eq!(team.members[0].user.id, racer);
    assert!(matches!(
        bot.bot.get_team("nope").await,
        Err(Error::NotFound(_))
    ));
    let user = bot.bot.get_user(&racer).await.unwrap();
    assert_eq!(user["name"], "RacerOne");

    // Cancel ends the room.
    room.cancel_race().unwrap();
    assert!(eventually(|| bot.events.count(&room_name, "end") == 1).await);
    assert!(eventually(|| !bot.registry.contains(&room_name)).await);
    assert!(matches!(
        room.edit(|_| {}).await,
        Err(Error::InvalidRequest(_))
    ));
    bot.cancel.cancel();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn join_by_name_checks_category_and_should_handle() {
    let fake = FakeRacetime::start().await.unwrap();
    let mut config = test_config(&fake);
    config.scan_interval = Duration::from_secs(3600);
    let bot = start_bot(config).await;
    assert!(matches!(
        bot.bot.join_room("smz3/some-race", false).await,
        Err(Error::WrongCategory { .. })
    ));
    let done = fake.open_race(NewRace::default());
    fake.set_status(&done, "finished");
    assert!(bot.bot.join_room(&done, false).await.unwrap().is_none());
    let open = fake.open_race(NewRace::default());
    let a = bot.bot.join_room(&open, false).await.unwrap().unwrap();
    let b = bot.bot.join_room(&open, false).await.unwrap().unwrap();
    assert_eq!(a.name(), b.name());
    assert!(
        fake.wait_until(WAIT, |f| f.open_bot_sockets(&open) == 1)
            .await
    );
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(fake.bot_connections(&open).len(), 1, "joined once");
    bot.cancel.cancel();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pings_keep_a_quiet_room_connected() {
    let fake = FakeRacetime::start().await.unwrap();
    let mut config = test_config(&fake);
    config.ping_interval = Duration::from_millis(20);
    let bot = start_bot(config).await;
    let room = fake.open_race(NewRace::default());
    assert!(
        fake.wait_until(WAIT, |f| f.open_bot_sockets(&room) == 1)
            .await
    );
    tokio::time::sleep(Duration::from_millis(300)).await;
    let pings = fake
        .bot_actions(&room)
        .iter()
        .filter(|a| a["action"] == "ping")
        .count();
    assert!(pings >= 5, "{pings} pings");
    assert_eq!(fake.bot_connections(&room).len(), 1, "pongs keep it alive");
    bot.cancel.cancel();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn many_permission_denials_cause_one_refresh() {
    let fake = FakeRacetime::start().await.unwrap();
    let bot = start_bot(test_config(&fake)).await;
    let rooms: Vec<String> = (0..3).map(|_| fake.open_race(NewRace::default())).collect();
    for room in &rooms {
        assert!(
            fake.wait_until(WAIT, |f| f.open_bot_sockets(room) == 1)
                .await
        );
    }
    fake.expire_tokens();
    for room in &rooms {
        for _ in 0..3 {
            bot.registry.dispatch_command(room, "!count").await.unwrap();
        }
    }
    assert!(
        fake.wait_until(WAIT, |f| f.issued_tokens().len() >= 2)
            .await
    );
    let fresh = fake.issued_tokens()[1].clone();
    for room in &rooms {
        assert!(
            fake.wait_until(WAIT, |f| f.bot_connections(room).last() == Some(&fresh))
                .await
        );
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(fake.issued_tokens().len(), 2, "one refresh (cooldown)");
    bot.cancel.cancel();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn should_handle_filters_discovery_and_force_overrides_it() {
    let fake = FakeRacetime::start().await.unwrap();
    let bot = common::start_bot_with(test_config(&fake), true).await;
    let invitational = fake.open_race(NewRace {
        invitational: true,
        ..NewRace::default()
    });
    let open = fake.open_race(NewRace::default());
    assert!(eventually(|| bot.registry.contains(&open)).await);
    tokio::time::sleep(Duration::from_millis(200)).await; // several scans
    assert!(!bot.registry.contains(&invitational));
    assert!(
        bot.bot
            .join_room(&invitational, false)
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        bot.bot
            .join_room(&invitational, true)
            .await
            .unwrap()
            .is_some()
    );
    assert!(
        fake.wait_until(WAIT, |f| f.open_bot_sockets(&invitational) == 1)
            .await
    );
    bot.cancel.cancel();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_room_can_open_and_join_the_next_room() {
    let fake = FakeRacetime::start().await.unwrap();
    let mut config = test_config(&fake);
    config.scan_interval = Duration::from_secs(3600); // only explicit joins
    let bot = start_bot(config).await;
    let first = fake.open_race(NewRace::default());
    let handle = bot.bot.join_room(&first, false).await.unwrap().unwrap();
    assert!(
        fake.wait_until(WAIT, |f| f.open_bot_sockets(&first) == 1)
            .await
    );
    assert_eq!(
        handle.dispatch_command("!next").await.unwrap(),
        CommandOutcome::Completed
    );
    // Completed means queued; wait for the server to have it.
    assert!(
        fake.wait_until(WAIT, |f| !f.bot_messages(&first).is_empty())
            .await
    );
    let msgs = fake.bot_messages(&first);
    let next = msgs[0].strip_prefix("next: ").unwrap().to_owned();
    assert!(bot.registry.contains(&next));
    assert!(
        fake.wait_until(WAIT, |f| f.open_bot_sockets(&next) == 1)
            .await
    );
    let race = fake.race(&next);
    assert_eq!(race["status"]["value"], "invitational");
    assert_eq!(race["info_user"], "Segment #2");
    assert!(eventually(|| bot.events.count(&next, "begin") == 1).await);
    bot.cancel.cancel();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failed_token_refresh_is_retried() {
    let fake = FakeRacetime::start_with(FakeConfig {
        token_lifetime_secs: 1,
        ..FakeConfig::default()
    })
    .await
    .unwrap();
    let mut config = test_config(&fake);
    config.scan_interval = Duration::from_secs(3600);
    let bot = start_bot(config).await;
    let room = fake.open_race(NewRace::default());
    bot.bot.join_room(&room, false).await.unwrap().unwrap();
    assert!(
        fake.wait_until(WAIT, |f| f.open_bot_sockets(&room) == 1)
            .await
    );
    // The refresh (due at 0.5 s) meets three 500s, backs off, and succeeds.
    fake.fail_next_requests(3);
    assert!(
        fake.wait_until(WAIT, |f| f.issued_tokens().len() >= 2)
            .await
    );
    let token_posts = fake
        .http_requests()
        .iter()
        .filter(|r| *r == "POST /o/token")
        .count();
    assert!(token_posts >= 5, "{token_posts} token requests");
    let second = fake.issued_tokens()[1].clone();
    assert!(
        fake.wait_until(WAIT, |f| f.bot_connections(&room).contains(&second))
            .await
    );
    bot.cancel.cancel();
}
