//! Room lifecycle end to end (racetime.md §4 rows 25–30, 32–35, 51): tournaments through the
//! port, status hooks, Discord fan-out, unlisted rows (every DB backend), KONOT, `!override`
//! and `!promote`.

mod common;

use common::Harness;
use sahasrahbot_core::db::entities::{
    racetimekonotgame, racetimekonotsegment, rtggoverridewhitelist, rtggunlistedrooms, rtggwatcher,
    rtggwatcherplayer, tournament_results,
};
use sahasrahbot_core::ports::ChatTarget;
use sahasrahbot_racetime_handlers::categories::{Alttpr, Contra};
use sahasrahbot_racetime_handlers::core::texts;
use sahasrahbot_racetime_handlers::rejoin_unlisted_rooms;
use sahasrahbot_testkit::db::TestDb;
use sahasrahbot_testkit::racetime::NewRace;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};

fn entrant_status(h: &Harness, room: &str, user: &str) -> String {
    h.fake.race(room)["entrants"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["user"]["id"] == user)
        .map(|e| e["status"]["value"].as_str().unwrap().to_owned())
        .unwrap_or_default()
}

fn is_monitor(h: &Harness, room: &str, user: &str) -> bool {
    h.fake.race(room)["monitors"]
        .as_array()
        .is_some_and(|m| m.iter().any(|u| u["id"] == user))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tournamentrace_gates_spectators_and_unlinked_rooms() {
    let h = Harness::new("alttpr").await;
    h.start::<Alttpr>().await;
    let room = h.open(NewRace::default()).await;
    h.wait_count(&room, 1).await;
    let spectator = h.fake.add_user("watcher", false);
    let runner = h.fake.add_entrant(&room, "runner");
    h.say(&room, &spectator, "!tournamentrace").await;
    h.wait_message(
        &room,
        "Only entrants or race monitors may roll a tournament seed.",
    )
    .await;
    h.say(&room, &runner, "!tournamentrace").await;
    h.wait_message(&room, "This room is not associated with a tournament.")
        .await;

    h.services.link_tournament(&room, h.tournament.clone());
    h.say(&room, &runner, "!tournamentrace a b").await;
    h.wait_message(&room, "Tournament seed rolled.").await;
    assert!(
        h.tournament
            .calls
            .lock()
            .unwrap()
            .contains(&"process [\"a\", \"b\"]".to_owned())
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tournament_rooms_accept_players_and_promote_gatekeepers_and_hook_statuses() {
    let h = Harness::new("alttpr").await;
    h.start::<Alttpr>().await;
    let room = h.open(NewRace::default()).await;
    let player = h.fake.add_user("player", false);
    let gatekeeper = h.fake.add_user("gatekeeper", false);
    let stranger = h.fake.add_user("stranger", false);
    h.tournament.players.lock().unwrap().push(player.clone());
    h.tournament
        .gatekeepers
        .lock()
        .unwrap()
        .push(gatekeeper.clone());
    h.services.link_tournament(&room, h.tournament.clone());

    h.fake.add_existing_entrant(&room, &player, "requested");
    h.fake.add_existing_entrant(&room, &gatekeeper, "requested");
    h.fake.add_existing_entrant(&room, &stranger, "requested");
    assert!(
        h.fake
            .wait_until(common::WAIT, |_| entrant_status(&h, &room, &player)
                == "not_ready"
                && entrant_status(&h, &room, &gatekeeper) == "not_ready"
                && is_monitor(&h, &room, &gatekeeper))
            .await
    );
    assert_eq!(entrant_status(&h, &room, &stranger), "requested");

    // Pending: tournament hook and hidden comments (alttpr); in progress: start hook.
    h.fake.set_status(&room, "pending");
    assert!(
        h.fake
            .wait_until(common::WAIT, |f| f.race(&room)["hide_comments"] == true)
            .await
    );
    h.fake.set_status(&room, "in_progress");
    assert!(
        h.fake
            .wait_until(common::WAIT, |_| h
                .tournament
                .calls
                .lock()
                .unwrap()
                .contains(&"start".to_owned()))
            .await
    );
    assert!(
        h.tournament
            .calls
            .lock()
            .unwrap()
            .contains(&"pending".to_owned())
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tournament_link_is_restored_from_tournament_results() {
    let h = Harness::new("alttpr").await;
    let room = h.fake.open_race(NewRace {
        invitational: true,
        ..NewRace::default()
    });
    tournament_results::ActiveModel {
        srl_id: Set(Some(room.clone())),
        episode_id: Set(Some("12345".to_owned())),
        event: Set(Some("test-event".to_owned())),
        ..Default::default()
    }
    .insert(h.db.conn())
    .await
    .unwrap();
    h.start::<Alttpr>().await;
    h.wait_handled(&room).await;
    assert!(
        h.fake
            .wait_until(common::WAIT, |_| h
                .tournament
                .calls
                .lock()
                .unwrap()
                .contains(&"resume".to_owned()))
            .await
    );
    let runner = h.fake.add_entrant(&room, "runner");
    h.say(&room, &runner, "!tournamentrace").await;
    h.wait_message(&room, "Tournament seed rolled.").await;
    // No alttpr intro in a tournament room.
    assert!(!h.messages(&room).iter().any(|m| m.starts_with("Hi!")));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn promote_is_silent_unless_gatekeeper_and_needs_an_entrant() {
    let h = Harness::new("alttpr").await;
    h.start::<Alttpr>().await;
    let room = h.open(NewRace::default()).await;
    h.wait_count(&room, 1).await;
    let nobody = h.fake.add_entrant(&room, "nobody");
    h.say(&room, &nobody, "!promote").await;
    h.quiet(&room, 1).await; // no tournament: silent

    let gatekeeper = h.fake.add_user("gatekeeper", false);
    h.tournament
        .gatekeepers
        .lock()
        .unwrap()
        .push(gatekeeper.clone());
    h.services.link_tournament(&room, h.tournament.clone());
    h.say(&room, &nobody, "!promote").await;
    h.quiet(&room, 1).await; // not a gatekeeper: silent
    h.say(&room, &gatekeeper, "!promote").await;
    h.wait_message(&room, texts::PROMOTE_JOIN_FIRST).await;
    assert!(
        !h.messages(&room)
            .iter()
            .any(|m| m.starts_with("Command raised exception"))
    );
    h.fake.add_existing_entrant(&room, &gatekeeper, "not_ready");
    h.say(&room, &gatekeeper, "!promote").await;
    assert!(
        h.fake
            .wait_until(common::WAIT, |_| is_monitor(&h, &room, &gatekeeper))
            .await
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn override_checks_the_whitelist_and_expiry() {
    let h = Harness::new("alttpr").await;
    h.start::<Alttpr>().await;
    let room = h.open(NewRace::default()).await;
    h.wait_count(&room, 1).await;
    let handle = h.registry.get(&room).unwrap();
    handle
        .room()
        .edit(|s| s.streaming_required = true)
        .await
        .unwrap();
    let ok = h.fake.add_entrant(&room, "ok");
    let expired = h.fake.add_entrant(&room, "expired");
    let stranger = h.fake.add_entrant(&room, "stranger");
    let now = chrono::Utc::now().naive_utc();
    for (id, expires) in [
        (&ok, Some(now + chrono::Duration::days(1))),
        (&expired, Some(now - chrono::Duration::days(1))),
    ] {
        rtggoverridewhitelist::ActiveModel {
            racetime_id: Set(id.clone()),
            category: Set("alttpr".to_owned()),
            created: Set(now),
            updated: Set(now),
            reason: Set(Some("test".to_owned())),
            expires: Set(expires),
            ..Default::default()
        }
        .insert(h.db.conn())
        .await
        .unwrap();
    }
    h.say(&room, &stranger, "!override").await;
    h.wait_message(&room, texts::OVERRIDE_NOT_WHITELISTED).await;
    h.say(&room, &expired, "!override").await;
    h.wait_message(&room, texts::OVERRIDE_EXPIRED).await;
    h.say(&room, &ok, "!override").await;
    assert!(
        h.fake
            .wait_until(common::WAIT, |f| f.race(&room)["entrants"]
                .as_array()
                .unwrap()
                .iter()
                .any(
                    |e| e["user"]["id"] == ok.as_str() && e["stream_override"] == true
                ))
            .await
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn watchlisted_entrants_are_announced_on_discord_when_the_race_starts() {
    let h = Harness::new("alttpr").await;
    h.start::<Alttpr>().await;
    let room = h.open(NewRace::default()).await;
    let watched = h.fake.add_entrant(&room, "watched");
    h.fake.add_entrant(&room, "other");
    let w = rtggwatcher::ActiveModel {
        guild_id: Set(1),
        channel_id: Set(4242),
        category: Set("alttpr".to_owned()),
        notify_on_new_player: Set(false),
        ..Default::default()
    }
    .insert(h.db.conn())
    .await
    .unwrap();
    rtggwatcherplayer::ActiveModel {
        racetime_id: Set(watched.clone()),
        rtgg_watcher_id: Set(w.id),
        ..Default::default()
    }
    .insert(h.db.conn())
    .await
    .unwrap();
    h.fake.set_status(&room, "pending");
    h.fake.set_status(&room, "in_progress");
    assert!(
        h.fake
            .wait_until(common::WAIT, |_| !h
                .notifier
                .sent
                .lock()
                .unwrap()
                .is_empty())
            .await
    );
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    let sent = h.notifier.sent.lock().unwrap().clone();
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].0, ChatTarget::Channel(4242));
    let embed: serde_json::Value =
        serde_json::from_str(sent[0].1.embed.as_deref().unwrap()).unwrap();
    assert_eq!(embed["title"], "Watchlisted Player Detected");
    assert!(
        embed["fields"][0]["value"]
            .as_str()
            .unwrap()
            .starts_with("watched")
    );
}

async fn unlisted_rows(h: &Harness) -> Vec<String> {
    rtggunlistedrooms::Entity::find()
        .all(h.db.conn())
        .await
        .unwrap()
        .into_iter()
        .map(|r| r.room_name)
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unlisted_rooms_are_recorded_removed_and_swept_at_startup() {
    for db in TestDb::all().await {
        let backend = db.name();
        let h = Harness::with_db("alttpr", db).await;
        h.start::<Alttpr>().await;
        let room = h
            .open(NewRace {
                unlisted: true,
                ..NewRace::default()
            })
            .await;
        let listed = h.open(NewRace::default()).await;
        assert!(
            wait_rows(&h, std::slice::from_ref(&room)).await,
            "{backend}"
        );
        // Cancelling makes the room public server-side: the row goes.
        h.registry.get(&room).unwrap().room().cancel_race().unwrap();
        assert!(wait_rows(&h, &[]).await, "{backend}");
        h.stop().await;

        // Start-up sweep: rejoin a live unlisted room, delete finished/missing/listed ones.
        let live = h.fake.open_race(NewRace {
            unlisted: true,
            ..NewRace::default()
        });
        let finished = h.fake.open_race(NewRace {
            unlisted: true,
            ..NewRace::default()
        });
        h.fake.set_status(&finished, "finished");
        for name in [&live, &finished, &listed, &"alttpr/gone-0000".to_owned()] {
            rtggunlistedrooms::ActiveModel {
                room_name: Set(name.clone()),
                category: Set("alttpr".to_owned()),
                ..Default::default()
            }
            .insert(h.db.conn())
            .await
            .unwrap();
        }
        let rows = unlisted_rows(&h).await;
        assert!(
            !rows.contains(&room),
            "cancelled room's row deleted ({backend}): {rows:?}"
        );

        let bot = sahasrahbot_racetime::Bot::connect(
            h.bot_config(),
            sahasrahbot_racetime_handlers::RoomFactory::<Alttpr>::new(h.fresh_services()),
            h.registry.clone(),
            sahasrahbot_racetime::CancellationToken::new(),
        )
        .await
        .unwrap();
        let sweep = rejoin_unlisted_rooms(&bot, h.db.conn()).await.unwrap();
        assert_eq!(sweep.rejoined, vec![live.clone()], "{backend}");
        let mut deleted = sweep.deleted.clone();
        deleted.sort();
        let mut want = vec![
            finished.clone(),
            listed.clone(),
            "alttpr/gone-0000".to_owned(),
        ];
        want.sort();
        assert_eq!(deleted, want, "{backend}");
        assert_eq!(unlisted_rows(&h).await, vec![live.clone()], "{backend}");
        assert!(h.registry.contains(&live));
        bot.cancellation_token().cancel();
    }
}

async fn wait_rows(h: &Harness, want: &[String]) -> bool {
    for _ in 0..200 {
        if unlisted_rows(h).await == want {
            return true;
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    false
}

async fn segments(h: &Harness) -> Vec<(String, i32, i32)> {
    racetimekonotsegment::Entity::find()
        .all(h.db.conn())
        .await
        .unwrap()
        .into_iter()
        .map(|s| (s.racetime_room, s.segment_number, s.game_id))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn konot_chains_rooms_and_keeps_a_custom_goal() {
    for db in TestDb::all().await {
        let backend = db.name();
        let h = Harness::with_db("contra", db).await;
        h.start::<Contra>().await;
        let room = h
            .open(NewRace {
                goal: Some("Beat Contra blindfolded".to_owned()),
                ..NewRace::default()
            })
            .await;
        let a = h.fake.add_entrant(&room, "a");
        let b = h.fake.add_entrant(&room, "b");
        let c = h.fake.add_entrant(&room, "c");
        h.say(&room, &a, "!konot").await;
        h.wait_message(&room, texts::KONOT_START).await;
        // The race info is set right after the announcement: wait for it.
        assert!(
            h.fake
                .wait_until(common::WAIT, |f| {
                    f.race(&room)["info_bot"] == "KONOT Series, Segment #1"
                })
                .await,
            "info_bot: {}",
            h.info_bot(&room)
        );
        let games = racetimekonotgame::Entity::find()
            .all(h.db.conn())
            .await
            .unwrap();
        assert_eq!(games.len(), 1, "{backend}");
        assert_eq!(games[0].category_slug, "contra");
        for id in [&a, &b, &c] {
            h.fake.set_entrant_status(&room, id, "ready");
        }
        h.fake.set_status(&room, "in_progress");
        for id in [&a, &b, &c] {
            h.fake.set_entrant_status(&room, id, "done");
        }
        h.fake.set_status(&room, "finished");
        assert!(
            h.fake
                .wait_until(common::WAIT, |f| f.race_names().len() == 2)
                .await,
            "{backend}: no next room"
        );
        let next = h
            .fake
            .race_names()
            .into_iter()
            .find(|n| n != &room)
            .expect("next room");
        let race = h.fake.race(&next);
        assert_eq!(race["info_user"], "KONOT Series, Segment #2");
        assert_eq!(race["goal"]["name"], "Beat Contra blindfolded", "{backend}");
        assert_eq!(race["goal"]["custom"], true);
        assert_eq!(race["status"]["value"], "invitational");
        assert!(
            h.fake
                .wait_until(common::WAIT, |_| entrant_status(&h, &next, &a) == "invited"
                    && entrant_status(&h, &next, &b) == "invited")
                .await
        );
        assert_eq!(
            entrant_status(&h, &next, &c),
            "",
            "last finisher eliminated"
        );
        let segs = segments(&h).await;
        assert_eq!(segs.len(), 2, "{backend}");
        assert_eq!((segs[1].0.as_str(), segs[1].1), (next.as_str(), 2));
        assert_eq!(segs[0].2, segs[1].2);
        // The next room is handled and greeted (contra intro).
        h.wait_message(&next, "Greetings!  To start a KONOT race, use !konot.")
            .await;
    }
}

/// A contra KONOT series of three players whose first room has finished and chained to a
/// second one: the harness, the first room, the second room and the players' ids.
async fn finish_first_konot_segment() -> (Harness, String, String, Vec<String>) {
    let h = Harness::new("contra").await;
    h.start::<Contra>().await;
    let room = h.open(NewRace::default()).await;
    let ids: Vec<String> = ["a", "b", "c"]
        .iter()
        .map(|n| h.fake.add_entrant(&room, n))
        .collect();
    h.say(&room, &ids[0], "!konot").await;
    h.wait_message(&room, texts::KONOT_START).await;
    h.fake.set_status(&room, "in_progress");
    for id in &ids {
        h.fake.set_entrant_status(&room, id, "done");
    }
    h.fake.set_status(&room, "finished");
    assert!(
        h.fake
            .wait_until(common::WAIT, |f| f.race_names().len() == 2)
            .await
    );
    let next = h
        .fake
        .race_names()
        .into_iter()
        .find(|n| n != &room)
        .unwrap();
    (h, room, next, ids)
}

/// Row 51: what the handler sends while the room finishes (the link to the next room, the
/// final-race notice) must still reach the room: the racetime client sends the frames
/// queued during the terminal `race.data` before the room task stops.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn konot_messages_sent_while_finishing_reach_the_room() {
    let (h, room, next, _) = finish_first_konot_segment().await;
    h.wait_message(
        &room,
        &format!("Next race room at {}/{next}", h.fake.base_url()),
    )
    .await;
}

/// Row 51, second part: the final-race notice when the last two players finish the chained
/// room. Checked on the frames the bot sent: the fake does not list messages of rooms the
/// bot opened itself in their chat log yet.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "flaky: the test can finish the chained room before its handler has seen a first status, so no transition fires; needs a hook to wait on"]
async fn konot_final_race_notice_reaches_the_last_room() {
    let (h, _, next, ids) = finish_first_konot_segment().await;
    h.wait_handled(&next).await;
    h.fake.set_status(&next, "in_progress");
    h.fake.set_entrant_status(&next, &ids[0], "done");
    h.fake.set_entrant_status(&next, &ids[1], "done");
    h.fake.set_status(&next, "finished");
    let sent = h
        .fake
        .wait_until(common::WAIT, |f| {
            f.bot_actions(&next).iter().any(|a| {
                a["action"] == "message" && a["data"]["message"] == "This was the final race!  GG"
            })
        })
        .await;
    assert!(sent, "{:#?}", h.fake.bot_actions(&next));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn konot_with_a_dnf_advances_every_finisher() {
    let h = Harness::new("contra").await;
    h.start::<Contra>().await;
    let room = h.open(NewRace::default()).await;
    let ids: Vec<String> = ["a", "b", "c", "d"]
        .iter()
        .map(|n| h.fake.add_entrant(&room, n))
        .collect();
    h.say(&room, &ids[0], "!konot").await;
    h.wait_message(&room, texts::KONOT_START).await;
    h.fake.set_status(&room, "in_progress");
    for id in &ids[..3] {
        h.fake.set_entrant_status(&room, id, "done");
    }
    h.fake.set_entrant_status(&room, &ids[3], "dnf");
    h.fake.set_status(&room, "finished");
    assert!(
        h.fake
            .wait_until(common::WAIT, |f| f.race_names().len() == 2)
            .await
    );
    let next = h
        .fake
        .race_names()
        .into_iter()
        .find(|n| n != &room)
        .unwrap();
    assert!(
        h.fake
            .wait_until(common::WAIT, |_| ids[..3]
                .iter()
                .all(|id| entrant_status(&h, &next, id) == "invited"))
            .await
    );
    assert_eq!(entrant_status(&h, &next, &ids[3]), "");
}

/// §5.23: `!konot` twice in a room leaves two segment rows; the handler still starts after a
/// restart and resumes the latest series.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn konot_twice_in_a_room_still_resumes_after_a_restart() {
    let h = Harness::new("contra").await;
    h.start::<Contra>().await;
    let room = h.open(NewRace::default()).await;
    let a = h.fake.add_entrant(&room, "a");
    h.say(&room, &a, "!konot").await;
    h.wait_message(&room, texts::KONOT_START).await;
    h.say(&room, &a, "!konot").await;
    assert!(
        h.fake
            .wait_until(common::WAIT, |f| f
                .bot_messages(&room)
                .iter()
                .filter(|m| *m == texts::KONOT_START)
                .count()
                == 2)
            .await
    );
    let mut rows = Vec::new();
    for _ in 0..200 {
        rows = racetimekonotsegment::Entity::find()
            .filter(racetimekonotsegment::Column::RacetimeRoom.eq(room.as_str()))
            .all(h.db.conn())
            .await
            .unwrap();
        if rows.len() == 2 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    assert_eq!(rows.len(), 2);
    let latest = sahasrahbot_racetime_handlers::konot::resume(h.db.conn(), &room)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        latest.game_id,
        rows.iter().map(|r| r.game_id).max().unwrap()
    );
    h.stop().await;
    h.start_with::<Contra>(h.fresh_services()).await;
    h.wait_handled(&room).await;
    h.say(&room, &a, "!help").await;
    h.wait_message(&room, "To start a KONOT race, use !konot.")
        .await;
}

/// Row 28: the first `race.data` a handler sees never fires a transition (a room joined while
/// already counting down gets no `hide_comments` edit); later changes do.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_first_race_data_fires_no_transition() {
    let h = Harness::new("alttpr").await;
    let room = h.fake.open_race(NewRace::default());
    h.fake.add_entrant(&room, "a");
    h.fake.set_status(&room, "pending");
    h.start::<Alttpr>().await;
    h.wait_handled(&room).await;
    tokio::time::sleep(std::time::Duration::from_millis(400)).await;
    assert_eq!(h.fake.race(&room)["hide_comments"], false);
    assert!(h.messages(&room).is_empty(), "no intro once counting down");
}
