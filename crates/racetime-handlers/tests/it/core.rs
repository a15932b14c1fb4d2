//! The core handler end to end (racetime.md §4 rows 6–10, 21–25, 34–36, 47, 50, 52, 53):
//! the real client against the testkit fake racetime.gg, seeds from wiremock.

use crate::common;

use std::time::Duration;

use common::{CODE, Harness};
use sahasrahbot_racetime::model::User;
use sahasrahbot_racetime::{ChatMessage, CommandOutcome};
use sahasrahbot_racetime_handlers::categories::{Alttpr, Contra, Sgl, SmwHacks, Twwr, Z1r};
use sahasrahbot_racetime_handlers::core::texts;
use sahasrahbot_racetime_handlers::inject_command;
use sahasrahbot_testkit::racetime::NewRace;
use wiremock::matchers::method;
use wiremock::{Mock, ResponseTemplate};

const INTRO: &str = "Hi!  I'm SahasrahBot, your friendly robotic elder and randomizer seed roller! Use !help to see what I can do!   Check out https://sahasrahbot.synack.live/rtgg.html for more info.";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn alttpr_intro_has_the_roll_a_game_button_and_is_sent_once() {
    let h = Harness::new("alttpr").await;
    h.start::<Alttpr>().await;
    let room = h.open(NewRace::default()).await;
    h.wait_message(&room, INTRO).await;
    let frame = h
        .fake
        .bot_actions(&room)
        .into_iter()
        .find(|a| a["action"] == "message")
        .expect("intro frame");
    let action = &frame["data"]["actions"]["Roll a Game"];
    assert_eq!(
        action["message"],
        "!newrace --preset=${preset} ${--quickswap} ${--spoiler_race} --countdown=${countdown} --branch=${branch}"
    );
    assert_eq!(action["submit"], "Roll Game");
    let survey = action["survey"].as_array().expect("survey");
    let names: Vec<&str> = survey.iter().map(|q| q["name"].as_str().unwrap()).collect();
    assert_eq!(
        names,
        [
            "preset",
            "--quickswap",
            "--spoiler_race",
            "countdown",
            "branch"
        ]
    );
    assert_eq!(survey[1]["default"], true);
    assert_eq!(survey[3]["default"], "900");
    assert_eq!(survey[4]["default"], "live");

    // A dropped socket reconnects in place: no second intro (row 52).
    h.fake.drop_bot_sockets(&room);
    assert!(
        h.fake
            .wait_until(common::WAIT, |f| f.bot_connections(&room).len() >= 2
                && f.open_bot_sockets(&room) > 0)
            .await
    );
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(h.messages(&room).iter().filter(|m| *m == INTRO).count(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bot_opened_rooms_get_no_alttpr_intro_and_shells_have_none() {
    let h = Harness::new("sgl").await;
    h.start::<Sgl>().await;
    let room = h.open(NewRace::default()).await;
    let user = h.fake.add_user("runner", false);
    h.say(&room, &user, "!help").await;
    h.wait_message(&room, "I have no commands for this category.")
        .await;
    assert_eq!(h.messages(&room), ["I have no commands for this category."]);

    let h = Harness::new("smw-hacks").await;
    h.start::<SmwHacks>().await;
    let room = h.open(NewRace::default()).await;
    let user = h.fake.add_user("runner", false);
    h.say(&room, &user, "!help").await;
    h.wait_message(&room, "I have no commands for this category.")
        .await;
    assert_eq!(h.messages(&room).len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn contra_greets_on_every_handler_start() {
    let h = Harness::new("contra").await;
    h.start::<Contra>().await;
    let room = h.open(NewRace::default()).await;
    h.wait_message(&room, "Greetings!  To start a KONOT race, use !konot.")
        .await;
    h.stop().await;
    h.start::<Contra>().await;
    assert!(
        h.fake
            .wait_until(common::WAIT, |f| f.bot_messages(&room).len() == 2)
            .await
    );
    let user = h.fake.add_user("runner", false);
    h.say(&room, &user, "!help").await;
    h.wait_message(&room, "To start a KONOT race, use !konot.")
        .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn commands_are_case_sensitive_and_unknown_ones_are_ignored() {
    let h = Harness::new("alttpr").await;
    h.mock_alttpr("/live", "Hash1").await;
    h.start::<Alttpr>().await;
    let room = h.open(NewRace::default()).await;
    h.wait_count(&room, 1).await;
    let user = h.fake.add_user("runner", false);
    h.say(&room, &user, "!Race standard").await;
    h.say(&room, &user, "!foo").await;
    h.fake.send_bot_chat(&room, "OtherBot", "!race standard");
    h.fake.send_system_message(&room, "!race standard");
    h.quiet(&room, 1).await;
}

/// Row 7: the command prefix is configurable; the intro names it and the `!` commands are
/// then plain chat.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_command_prefix_is_configurable() {
    let h = Harness::new("z1r").await;
    let mut config = h.bot_config();
    config.command_prefix = "?".to_owned();
    h.start_configured::<Z1r>(config, h.services_with_prefix("?"))
        .await;
    let room = h.open(NewRace::default()).await;
    let intro = INTRO.replace("!help", "?help");
    h.wait_message(&room, &intro).await;
    let user = h.fake.add_user("runner", false);
    h.say(&room, &user, "!help").await;
    h.say(&room, &user, "?help").await;
    let help = "Available commands:\n\"!race <preset>\" or \"!flags <flagstring>\" to generate a seed.  Check out https://sahasrahbot.synack.live/rtgg.html#the-legend-of-zelda-randomizer-z1r for more info.";
    h.wait_message(&room, help).await;
    assert_eq!(h.messages(&room), [intro.as_str(), help]);
}

/// Row 53: every chat message the bot sends carries a fresh lowercase UUID as its guid.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_message_has_a_fresh_lowercase_uuid_guid() {
    let h = Harness::new("alttpr").await;
    h.mock_alttpr("/live", "Hash1").await;
    h.start::<Alttpr>().await;
    let room = h.open(NewRace::default()).await;
    h.wait_count(&room, 1).await;
    let user = h.fake.add_user("runner", false);
    h.say(&room, &user, "!race standard").await;
    h.wait_message(&room, texts::DONE).await;
    let guids: Vec<String> = h
        .fake
        .bot_actions(&room)
        .iter()
        .filter(|a| a["action"] == "message")
        .map(|a| a["data"]["guid"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(guids.len(), 4, "intro, please wait, url, done");
    for g in &guids {
        let groups: Vec<usize> = g.split('-').map(str::len).collect();
        assert_eq!(groups, [8, 4, 4, 4, 12], "{g}");
        assert!(
            g.chars()
                .all(|c| c == '-' || c.is_ascii_digit() || ('a'..='f').contains(&c)),
            "{g}"
        );
    }
    let distinct: std::collections::HashSet<&String> = guids.iter().collect();
    assert_eq!(distinct.len(), guids.len());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn race_rolls_once_then_says_already_rolled() {
    let h = Harness::new("alttpr").await;
    h.mock_alttpr("/live", "Hash1").await;
    h.start::<Alttpr>().await;
    let room = h.open(NewRace::default()).await;
    h.wait_count(&room, 1).await;
    let user = h.fake.add_user("runner", false);
    h.say(&room, &user, "!race standard").await;
    h.wait_message(&room, texts::DONE).await;
    let msgs = h.messages(&room);
    assert_eq!(msgs[1], texts::GENERATING);
    let url = msgs[2].clone();
    assert!(url.ends_with("/h/Hash1"), "{url}");
    assert_eq!(msgs[3], texts::DONE);
    assert_eq!(h.info_bot(&room), format!("standard - {url} - ({CODE})"));
    let reqs = h.provider_requests().await;
    assert_eq!(reqs[0].0, "/live/api/randomizer");
    assert_eq!(reqs[0].1["allow_quickswap"], true);
    assert_eq!(reqs[0].1["tournament"], true);
    assert_eq!(reqs[0].1["spoilers"], "off");

    h.say(&room, &user, "!race standard").await;
    h.wait_message(
        &room,
        "I already rolled a seed!  Use !cancel to clear the currently rolled game.",
    )
    .await;
    h.say(&room, &user, "!newrace standard").await;
    h.wait_count(&room, 6).await;
    assert_eq!(h.messages(&room)[5], texts::ALREADY_ROLLED);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn noqsrace_and_newrace_keywords_reach_the_generator() {
    let h = Harness::new("alttpr").await;
    for prefix in ["/live", "/beeta", "/tournament"] {
        h.mock_alttpr(prefix, "Hash2").await;
    }
    h.start::<Alttpr>().await;
    let user = h.fake.add_user("runner", false);

    let room = h.open(NewRace::default()).await;
    h.say(&room, &user, "!noqsrace standard").await;
    h.wait_message(&room, texts::DONE).await;

    let room2 = h.open(NewRace::default()).await;
    h.say(&room2, &user, "!newrace standard tournament").await;
    h.wait_message(&room2, texts::DONE).await;

    let room3 = h.open(NewRace::default()).await;
    h.say(
        &room3,
        &user,
        "!newrace --preset=standard --no-quickswap --branch=beeta --hints",
    )
    .await;
    h.wait_message(&room3, texts::DONE).await;

    // The survey with Quickswap unchecked sends an empty substitution: quickswap stays on.
    let room4 = h.open(NewRace::default()).await;
    h.say(
        &room4,
        &user,
        "!newrace --preset=standard   --countdown=900 --branch=live",
    )
    .await;
    h.wait_message(&room4, texts::DONE).await;

    let reqs = h.provider_requests().await;
    assert_eq!(reqs.len(), 4);
    assert_eq!(reqs[0].0, "/live/api/randomizer");
    assert_eq!(reqs[0].1["allow_quickswap"], false);
    assert_eq!(reqs[1].0, "/tournament/api/randomizer");
    assert_eq!(reqs[1].1["allow_quickswap"], true);
    assert_eq!(reqs[2].0, "/beeta/api/randomizer");
    assert_eq!(reqs[2].1["allow_quickswap"], false);
    assert_eq!(reqs[2].1["hints"], "on");
    assert_eq!(reqs[3].0, "/live/api/randomizer");
    assert_eq!(reqs[3].1["allow_quickswap"], true);
    assert!(h.info_bot(&room3).starts_with("standard - "));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_preset_is_a_plain_reply_and_nothing_is_rolled() {
    let h = Harness::new("alttpr").await;
    h.mock_alttpr("/live", "Hash3").await;
    h.start::<Alttpr>().await;
    let room = h.open(NewRace::default()).await;
    let user = h.fake.add_user("runner", false);
    h.say(&room, &user, "!race nosuchpreset").await;
    let text = "Could not find preset nosuchpreset.  See a list of available presets at https://sahasrahbot.synack.live/presets.html";
    h.wait_message(&room, text).await;
    assert_eq!(h.messages(&room)[1], texts::GENERATING);
    assert!(
        !h.messages(&room)
            .iter()
            .any(|m| m.starts_with("Command raised exception"))
    );
    h.say(&room, &user, "!race").await;
    h.wait_message(&room, "You must specify a preset!").await;
    // Nothing was rolled, so a correct preset still works.
    h.say(&room, &user, "!race standard").await;
    h.wait_message(&room, texts::DONE).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lock_is_monitor_only_and_blocks_non_monitor_rolls() {
    let h = Harness::new("alttpr").await;
    h.mock_alttpr("/live", "Hash4").await;
    h.start::<Alttpr>().await;
    let room = h.open(NewRace::default()).await;
    let user = h.fake.add_user("runner", false);
    let monitor = h.fake.add_user("mod", true);

    h.say(&room, &user, "!lock").await;
    h.wait_message(&room, "Sorry runner, only race monitors can do that.")
        .await;
    h.say(&room, &monitor, "!lock").await;
    h.wait_message(
        &room,
        "Lock initiated. I will now only roll seeds for race monitors.",
    )
    .await;
    h.say(&room, &user, "!race standard").await;
    h.wait_message(
        &room,
        "Seed rolling is locked in this room.  Only the creator of this room, a race monitor, or a moderator can roll.",
    )
    .await;
    h.say(&room, &monitor, "!race standard").await;
    h.wait_message(&room, texts::DONE).await;
    h.say(&room, &user, "!unlock").await;
    h.wait_count(&room, 8).await;
    h.say(&room, &monitor, "!unlock").await;
    h.wait_message(&room, "Lock released. Anyone may now roll a seed.")
        .await;

    // A restart creates a new handler: the lock is gone (row 24).
    h.say(&room, &monitor, "!lock").await;
    h.wait_count(&room, 10).await;
    h.stop().await;
    h.start_with::<Alttpr>(h.fresh_services()).await;
    h.wait_handled(&room).await;
    // A new process greets the room again.
    assert!(
        h.fake
            .wait_until(common::WAIT, |f| f
                .bot_messages(&room)
                .iter()
                .filter(|m| *m == INTRO)
                .count()
                == 2)
            .await
    );
    let before = h.messages(&room).len();
    h.say(&room, &user, "!race standard").await;
    h.wait_count(&room, before + 1).await;
    assert_eq!(
        h.messages(&room)[before],
        texts::GENERATING,
        "unlocked after restart"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancel_is_monitor_only_in_alttpr_and_open_elsewhere() {
    let h = Harness::new("alttpr").await;
    h.mock_alttpr("/live", "Hash5").await;
    h.start::<Alttpr>().await;
    let room = h.open(NewRace::default()).await;
    let user = h.fake.add_user("runner", false);
    let monitor = h.fake.add_user("mod", true);
    h.say(&room, &user, "!race standard").await;
    h.wait_message(&room, texts::DONE).await;
    h.say(&room, &user, "!cancel").await;
    h.wait_message(&room, "Sorry runner, only race monitors can do that.")
        .await;
    h.say(&room, &monitor, "!cancel").await;
    h.wait_message(&room, "Resetting bot state.  You may now roll a new game.")
        .await;
    assert_eq!(h.info_bot(&room), "New Race");
    h.say(&room, &user, "!race standard").await;
    assert!(
        h.fake
            .wait_until(common::WAIT, |f| f
                .bot_messages(&room)
                .iter()
                .filter(|m| *m == texts::DONE)
                .count()
                == 2)
            .await
    );

    let h = Harness::new("z1r").await;
    h.start::<Z1r>().await;
    let room = h.open(NewRace::default()).await;
    let user = h.fake.add_user("runner", false);
    h.say(&room, &user, "!cancel").await;
    h.wait_message(&room, "Resetting bot state.  You may now roll a new game.")
        .await;
    assert_eq!(h.info_bot(&room), "New Race");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn twwr_silences_the_core_commands() {
    let h = Harness::new("twwr").await;
    h.start::<Twwr>().await;
    let room = h.open(NewRace::default()).await;
    let monitor = h.fake.add_user("mod", true);
    for cmd in ["!lock", "!unlock", "!cancel", "!help", "!tournamentrace"] {
        h.say(&room, &monitor, cmd).await;
    }
    h.quiet(&room, 0).await;
    h.say(&room, &monitor, "!konot").await;
    h.wait_message(&room, texts::KONOT_START).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn injected_commands_are_announced_and_run_as_a_monitor() {
    let h = Harness::new("alttpr").await;
    h.start::<Alttpr>().await;
    let room = h.open(NewRace::default()).await;
    h.wait_count(&room, 1).await;
    inject_command(&h.registry, &room, "!lock")
        .await
        .expect("injected");
    h.wait_message(&room, texts::LOCK).await;
    let msgs = h.messages(&room);
    assert_eq!(msgs[1], "Executing command from API request: !lock");
    assert_eq!(msgs[2], texts::LOCK);
    let err = inject_command(&h.registry, "alttpr/nope-0000", "!lock")
        .await
        .unwrap_err();
    assert!(err.to_string().contains("not currently handled"), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_errors_are_echoed_once_not_in_a_loop() {
    let h = Harness::new("alttpr").await;
    h.start::<Alttpr>().await;
    let room = h.open(NewRace::default()).await;
    h.wait_count(&room, 1).await;
    h.fake.send_raw_frame(
        &room,
        r#"{"type":"error","errors":["Specified user is not a race entrant.","second"]}"#,
    );
    h.wait_message(
        &room,
        "Command raised exception: Specified user is not a race entrant.,second",
    )
    .await;
    // The echo's own failure (or any error right after) is logged, not echoed again.
    h.fake
        .send_raw_frame(&room, r#"{"type":"error","errors":["chat is closed"]}"#);
    h.fake.send_raw_frame(
        &room,
        r#"{"type":"error","errors":["Permission denied. Check your authorization token."]}"#,
    );
    h.quiet(&room, 2).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slow_roll_does_not_block_lock_and_a_second_roll_is_refused_meanwhile() {
    let h = Harness::new("alttpr").await;
    Mock::given(method("POST"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(common::alttpr_game("Slow1"))
                .set_delay(Duration::from_millis(1500)),
        )
        .mount(&h.providers)
        .await;
    h.start::<Alttpr>().await;
    let room = h.open(NewRace::default()).await;
    h.wait_count(&room, 1).await;
    let user = h.fake.add_user("runner", false);
    let monitor = h.fake.add_user("mod", true);
    h.say(&room, &user, "!race standard").await;
    h.wait_message(&room, texts::GENERATING).await;
    h.say(&room, &monitor, "!lock").await;
    h.say(&room, &user, "!race standard").await;
    h.wait_message(&room, texts::DONE).await;
    let msgs = h.messages(&room);
    let lock = msgs.iter().position(|m| m == texts::LOCK).unwrap();
    let done = msgs.iter().position(|m| m == texts::DONE).unwrap();
    assert!(lock < done, "{msgs:#?}");
    assert_eq!(
        msgs.iter().filter(|m| *m == texts::GENERATING).count(),
        1,
        "{msgs:#?}"
    );
    assert!(msgs.iter().any(|m| m == texts::ALREADY_ROLLED), "{msgs:#?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_lock_survives_an_in_place_reconnect() {
    let h = Harness::new("alttpr").await;
    h.start::<Alttpr>().await;
    let room = h.open(NewRace::default()).await;
    h.wait_count(&room, 1).await;
    let user = h.fake.add_user("runner", false);
    let monitor = h.fake.add_user("mod", true);
    h.say(&room, &monitor, "!lock").await;
    h.wait_message(&room, texts::LOCK).await;
    h.fake.drop_bot_sockets(&room);
    assert!(
        h.fake
            .wait_until(common::WAIT, |f| f.bot_connections(&room).len() >= 2
                && f.open_bot_sockets(&room) > 0)
            .await
    );
    h.say(&room, &user, "!race standard").await;
    h.wait_message(&room, texts::LOCKED).await;
}

/// A chat command from a non-monitor, handed to the room's dispatch directly: with sockets
/// reconnecting every second, chat the fake broadcasts between two sockets would be lost.
async fn dispatch_as_runner(h: &Harness, room: &str, text: &str) {
    let message = ChatMessage {
        message: text.to_owned(),
        user: Some(User {
            id: "runner-id".to_owned(),
            name: "runner".to_owned(),
            full_name: "runner".to_owned(),
            ..User::default()
        }),
        is_monitor: Some(false),
        ..ChatMessage::default()
    };
    let outcome = h
        .registry
        .get(room)
        .unwrap()
        .dispatch_message(message)
        .await
        .unwrap();
    assert_eq!(outcome, CommandOutcome::Completed);
}

/// Row 4: after a token refresh every room reconnects with the new token and keeps its
/// state: the lock and the rolled seed survive, and the room is not greeted again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_token_refresh_keeps_the_lock_and_the_rolled_seed() {
    // Tokens valid 2 s: the client refreshes at half-life, again and again.
    let h = Harness::with_token_lifetime("alttpr", 2).await;
    h.mock_alttpr("/live", "Hash1").await;
    h.start::<Alttpr>().await;
    let locked = h.open(NewRace::default()).await;
    let rolled = h.open(NewRace::default()).await;
    let outcome = h
        .registry
        .get(&locked)
        .unwrap()
        .dispatch_command("!lock")
        .await;
    assert_eq!(outcome.unwrap(), CommandOutcome::Completed);
    dispatch_as_runner(&h, &rolled, "!race standard").await;
    h.wait_message(&locked, texts::LOCK).await;
    h.wait_message(&rolled, texts::DONE).await;
    // Both rooms reconnect with a token issued after the state was set.
    let before = h.fake.issued_tokens();
    assert!(
        h.fake
            .wait_until(common::WAIT, |f| [&locked, &rolled].iter().all(|room| {
                f.bot_connections(room)
                    .last()
                    .is_some_and(|t| !before.contains(t))
            }))
            .await,
        "rooms reconnected with a new token"
    );
    dispatch_as_runner(&h, &locked, "!race standard").await;
    dispatch_as_runner(&h, &rolled, "!race standard").await;
    h.wait_message(&locked, texts::LOCKED).await;
    h.wait_message(&rolled, texts::ALREADY_ROLLED).await;
    assert_eq!(
        h.messages(&locked),
        [INTRO, texts::LOCK, texts::LOCKED],
        "no second intro"
    );
    let rolled_messages = h.messages(&rolled);
    assert_eq!(
        rolled_messages
            .iter()
            .filter(|m| m.as_str() == INTRO)
            .count(),
        1,
        "{rolled_messages:#?}"
    );
    assert_eq!(rolled_messages.last().unwrap(), texts::ALREADY_ROLLED);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn festive_uses_the_festive_endpoint() {
    let h = Harness::new("alttpr").await;
    h.mock_alttpr("/live", "Fest1").await;
    h.start::<Alttpr>().await;
    let room = h.open(NewRace::default()).await;
    let user = h.fake.add_user("runner", false);
    h.say(&room, &user, "!newrace standard --festive").await;
    h.wait_message(&room, texts::DONE).await;
    assert_eq!(
        h.provider_requests().await[0].0,
        "/live/festive/api/randomizer"
    );
}
