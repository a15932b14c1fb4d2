//! Room lifecycle end to end (racetime.md §4 rows 25–30, 32–35, 51): tournaments through the
//! port, status hooks, Discord fan-out, unlisted rows (every DB backend), KONOT, `!override`
//! and `!promote`.

use crate::common;

use common::Harness;
use sahasrahbot_core::db::entities::{
    racetimekonotgame, racetimekonotsegment, rtggoverridewhitelist, rtggunlistedrooms, rtggwatcher,
    rtggwatcherplayer, tournament_results,
};
use sahasrahbot_core::ports::ChatTarget;
use sahasrahbot_racetime_handlers::categories::{Alttpr, Contra};
use sahasrahbot_racetime_handlers::core::texts;
use sahasrahbot_racetime_handlers::{konot, rejoin_unlisted_rooms};
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
    // A deleted user listed before the sender is skipped, not a failure (§5.10).
    let ghost = h.fake.add_entrant(&room, "ghost");
    h.fake.delete_user(&ghost);
    let runner = h.fake.add_entrant(&room, "runner");
    assert!(h.fake.race(&room)["entrants"][0]["user"].is_null());
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

    // A deleted user's request (`user: null`) listed first does not stop the others (§5.10).
    let ghost = h.fake.add_user("ghost", false);
    h.fake.add_existing_entrant(&room, &ghost, "requested");
    h.fake.delete_user(&ghost);
    h.fake.add_existing_entrant(&room, &player, "requested");
    assert!(h.fake.race(&room)["entrants"][0]["user"].is_null());
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
async fn a_room_the_service_links_after_begin_is_linked_at_the_next_join_request() {
    let h = Harness::new("alttpr").await;
    h.start::<Alttpr>().await;
    let room = h
        .open(NewRace {
            invitational: true,
            ..NewRace::default()
        })
        .await;
    let player = h.fake.add_user("player", false);
    h.tournament.players.lock().unwrap().push(player.clone());
    // Nothing linked yet (the service has not linked the room it opened): not accepted.
    h.fake.add_existing_entrant(&room, &player, "requested");
    tokio::time::sleep(std::time::Duration::from_millis(400)).await;
    assert_eq!(entrant_status(&h, &room, &player), "requested");
    assert!(h.services.tournament(&room).is_none());

    // The service links it; the next frame with the request pending accepts the player.
    h.tournament.linked_rooms.lock().unwrap().push(room.clone());
    h.fake.rebroadcast(&room);
    assert!(
        h.fake
            .wait_until(common::WAIT, |_| entrant_status(&h, &room, &player)
                == "not_ready")
            .await
    );
    assert!(h.services.tournament(&room).is_some());
    // Linked by the service, not resumed from a row.
    assert!(
        !h.tournament
            .calls
            .lock()
            .unwrap()
            .contains(&"resume".to_owned())
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_results_row_written_after_begin_links_the_room_at_tournamentrace() {
    let h = Harness::new("alttpr").await;
    h.start::<Alttpr>().await;
    let room = h.open(NewRace::default()).await;
    let runner = h.fake.add_entrant(&room, "runner");
    tournament_results::ActiveModel {
        srl_id: Set(Some(room.clone())),
        episode_id: Set(Some("12345".to_owned())),
        event: Set(Some("test-event".to_owned())),
        ..Default::default()
    }
    .insert(h.db.conn())
    .await
    .unwrap();
    h.say(&room, &runner, "!tournamentrace").await;
    h.wait_message(&room, "Tournament seed rolled.").await;
    assert_eq!(
        *h.tournament.calls.lock().unwrap(),
        vec!["resume".to_owned(), "process []".to_owned()]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_seed_counts_as_rolled_only_when_the_tournament_rolled_one() {
    let h = Harness::new("alttpr").await;
    h.start::<Alttpr>().await;
    let room = h.open(NewRace::default()).await;
    let runner = h.fake.add_entrant(&room, "runner");
    h.services.link_tournament(&room, h.tournament.clone());
    h.tournament
        .no_roll
        .store(true, std::sync::atomic::Ordering::SeqCst);
    h.say(&room, &runner, "!tournamentrace").await;
    h.wait_message(&room, "Tournament guard said no.").await;
    // Nothing was rolled: the next try reaches the tournament again.
    h.say(&room, &runner, "!tournamentrace").await;
    assert!(
        h.fake
            .wait_until(common::WAIT, |f| f
                .bot_messages(&room)
                .iter()
                .filter(|m| *m == "Tournament guard said no.")
                .count()
                == 2)
            .await
    );
    assert!(
        !h.messages(&room)
            .contains(&texts::ALREADY_ROLLED.to_owned())
    );

    h.tournament
        .no_roll
        .store(false, std::sync::atomic::Ordering::SeqCst);
    h.say(&room, &runner, "!tournamentrace").await;
    h.wait_message(&room, "Tournament seed rolled.").await;
    h.say(&room, &runner, "!tournamentrace").await;
    h.wait_message(&room, texts::ALREADY_ROLLED).await;
    assert_eq!(h.tournament.calls.lock().unwrap().len(), 3);
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
    // The whitelist is per category: the stranger's row is for another one.
    for (id, category, expires) in [
        (&ok, "alttpr", Some(now + chrono::Duration::days(1))),
        (&expired, "alttpr", Some(now - chrono::Duration::days(1))),
        (&stranger, "smz3", None),
    ] {
        rtggoverridewhitelist::ActiveModel {
            racetime_id: Set(id.clone()),
            category: Set(category.to_owned()),
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
    h.wait_message(
        &room,
        "You are not permitted to override the streaming requirement in this category.  Please contact a category owner if this needs to change.",
    )
    .await;
    h.say(&room, &expired, "!override").await;
    h.wait_message(
        &room,
        "Your streaming exemption has expired.  Please contact a category owner to have it renewed.",
    )
    .await;
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

/// The `(full name, profile path)` of a user as the race JSON shows them.
fn user_links(h: &Harness, room: &str, id: &str) -> (String, String) {
    let race = h.fake.race(room);
    let user = race["entrants"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["user"]["id"] == id)
        .map(|e| e["user"].clone())
        .unwrap();
    (
        user["full_name"].as_str().unwrap().to_owned(),
        user["url"].as_str().unwrap().to_owned(),
    )
}

async fn watcher(h: &Harness, category: &str, channel: i64, new_players: bool) -> i32 {
    rtggwatcher::ActiveModel {
        guild_id: Set(1),
        channel_id: Set(channel),
        category: Set(category.to_owned()),
        notify_on_new_player: Set(new_players),
        ..Default::default()
    }
    .insert(h.db.conn())
    .await
    .unwrap()
    .id
}

async fn watch(h: &Harness, watcher: i32, racetime_id: &str) {
    rtggwatcherplayer::ActiveModel {
        racetime_id: Set(racetime_id.to_owned()),
        rtgg_watcher_id: Set(watcher),
        ..Default::default()
    }
    .insert(h.db.conn())
    .await
    .unwrap();
}

/// What was sent to Discord once `n` messages arrived and nothing followed for a moment:
/// (channel, embed), sorted by channel then description.
async fn discord_embeds(h: &Harness, n: usize) -> Vec<(u64, serde_json::Value)> {
    let arrived = h
        .fake
        .wait_until(common::WAIT, |_| h.notifier.sent.lock().unwrap().len() >= n)
        .await;
    assert!(arrived, "fewer than {n} Discord messages");
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let mut out: Vec<(u64, serde_json::Value)> = h
        .notifier
        .sent
        .lock()
        .unwrap()
        .iter()
        .map(|(target, message)| {
            let ChatTarget::Channel(channel) = target else {
                panic!("not a channel: {target:?}");
            };
            assert_eq!(message.content, "");
            let embed = serde_json::from_str(message.embed.as_deref().unwrap()).unwrap();
            (*channel, embed)
        })
        .collect();
    out.sort_by_key(|(c, e)| (*c, e["description"].as_str().unwrap_or_default().to_owned()));
    out
}

/// Row 29 / discord.md §2.6: a watchlisted entrant gets a red embed in the watcher's channel
/// when the race starts; other entrants and other categories' watchers get nothing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn watchlisted_entrants_are_announced_on_discord_when_the_race_starts() {
    let h = Harness::new("alttpr").await;
    h.start::<Alttpr>().await;
    let room = h.open(NewRace::default()).await;
    let watched = h.fake.add_entrant(&room, "watched");
    h.fake.add_entrant(&room, "other");
    h.fake.set_races_joined(&watched, 3);
    let w = watcher(&h, "alttpr", 4242, false).await;
    watch(&h, w, &watched).await;
    let elsewhere = watcher(&h, "smz3", 999, true).await;
    watch(&h, elsewhere, &watched).await;
    h.fake.set_status(&room, "pending");
    h.fake.set_status(&room, "in_progress");
    let sent = discord_embeds(&h, 1).await;
    let base = h.fake.base_url();
    let (full_name, profile) = user_links(&h, &room, &watched);
    assert_eq!(
        sent,
        [(
            4242,
            serde_json::json!({
                "title": "Watchlisted Player Detected in race",
                "description": format!(
                    "Watchlisted player [{full_name}]({base}{profile}) started racing in [{room}]({base}/{room})"
                ),
                "color": 0xE7_4C3C,
            })
        )]
    );
}

/// Row 29 / discord.md §2.6: when the race starts, entrants whose racetime.gg profile shows
/// no race joined yet get a green "New Racer Detected!" embed in the channel of every watcher
/// of the category with `notify_on_new_player`; a deleted user (`user: null`) listed first
/// does not stop it (racetime.md §5.10).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn first_time_racers_are_announced_to_watchers_that_ask() {
    let h = Harness::new("alttpr").await;
    h.start::<Alttpr>().await;
    let room = h.open(NewRace::default()).await;
    let gone = h.fake.add_entrant(&room, "gone");
    let newbie = h.fake.add_entrant(&room, "newbie");
    let veteran = h.fake.add_entrant(&room, "veteran");
    h.fake.set_races_joined(&veteran, 12);
    let (full_name, profile) = user_links(&h, &room, &newbie);
    h.fake.delete_user(&gone);
    watcher(&h, "alttpr", 555, true).await;
    watcher(&h, "alttpr", 556, true).await;
    watcher(&h, "alttpr", 777, false).await;
    watcher(&h, "smz3", 999, true).await;
    h.fake.set_status(&room, "pending");
    h.fake.set_status(&room, "in_progress");
    assert!(
        h.fake.race(&room)["entrants"][0]["user"].is_null(),
        "the deleted user is listed first"
    );
    let sent = discord_embeds(&h, 2).await;
    let base = h.fake.base_url();
    let embed = serde_json::json!({
        "title": "New Racer Detected!",
        "description": format!(
            "[{full_name}]({base}{profile}) started their first race in [{room}]({base}/{room})"
        ),
        "color": 0x2E_CC71,
    });
    assert_eq!(sent, [(555, embed.clone()), (556, embed)]);
    // One profile look-up per entrant with a user, however many watchers asked.
    let lookups: Vec<String> = h
        .fake
        .http_requests()
        .into_iter()
        .filter(|r| r.starts_with("GET /user/"))
        .collect();
    assert_eq!(
        lookups,
        [
            format!("GET /user/{newbie}/data"),
            format!("GET /user/{veteran}/data")
        ]
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
        // Made public by its monitors: the row goes too.
        let public = h
            .open(NewRace {
                unlisted: true,
                ..NewRace::default()
            })
            .await;
        assert!(
            wait_rows(&h, std::slice::from_ref(&public)).await,
            "{backend}"
        );
        h.fake.set_unlisted(&public, false);
        assert!(wait_rows(&h, &[]).await, "{backend}: made public");
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
/// room, in that room's chat.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn konot_final_race_notice_reaches_the_last_room() {
    let (h, _, next, ids) = finish_first_konot_segment().await;
    // The first room's handler is done with the chained room once both players are invited
    // (after the segment row and the join).
    assert!(
        h.fake
            .wait_until(common::WAIT, |_| ids[..2]
                .iter()
                .all(|id| entrant_status(&h, &next, id) == "invited"))
            .await
    );
    // A reply to a command proves the chained room's handler has read every earlier frame,
    // its first race.data included: the status changes below are transitions to it.
    h.say(&next, &ids[0], "!help").await;
    h.wait_message(&next, "To start a KONOT race, use !konot.")
        .await;
    h.fake.set_status(&next, "in_progress");
    h.fake.set_entrant_status(&next, &ids[0], "done");
    h.fake.set_entrant_status(&next, &ids[1], "done");
    h.fake.set_status(&next, "finished");
    h.wait_message(&next, konot::FINAL_RACE).await;
    assert_eq!(
        h.messages(&next),
        [
            "Greetings!  To start a KONOT race, use !konot.",
            "To start a KONOT race, use !konot.",
            konot::FINAL_RACE,
        ]
    );
}

/// A room whose segment row is written after its handler started (the category feed can
/// join a chained room before the previous room's handler records it) still counts as a
/// KONOT segment when it finishes.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_segment_recorded_after_the_handler_started_still_counts() {
    let h = Harness::new("contra").await;
    h.start::<Contra>().await;
    let room = h.open(NewRace::default()).await;
    let ids: Vec<String> = ["a", "b"]
        .iter()
        .map(|n| h.fake.add_entrant(&room, n))
        .collect();
    // The handler has started and seen the room before the row exists.
    h.say(&room, &ids[0], "!help").await;
    h.wait_message(&room, "To start a KONOT race, use !konot.")
        .await;
    konot::create_new(h.db.conn(), "contra", &room)
        .await
        .unwrap();
    h.fake.set_status(&room, "in_progress");
    for id in &ids {
        h.fake.set_entrant_status(&room, id, "done");
    }
    h.fake.set_status(&room, "finished");
    h.wait_message(&room, konot::FINAL_RACE).await;
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
