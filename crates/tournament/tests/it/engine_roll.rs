//! The generic ALTTPR roll through `!tournamentrace` (parity rows P14–P16) and resume (P29).

use crate::common;

use common::*;
use sahasrahbot_core::db::entities::tournament_results;
use sahasrahbot_core::ports::{AllowedMentions, ChatTarget};
use sahasrahbot_tournament::engine::{CreateOutcome, texts};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};

struct Rolled {
    h: Harness,
    room: String,
    a: String,
    b: String,
}

async fn roll(channels: &[&str], fail_bob: bool) -> Rolled {
    let h = Harness::new(vec![league_event()]).await;
    let a = h.add_player(111, "alice", true).await.unwrap();
    let b = h.add_player(222, "bob", true).await.unwrap();
    h.add_episode(episode(
        1001,
        "alttprleague",
        "Week 1",
        20,
        vec![player("Alice", "111", ""), player("Bob", "222", "")],
        channels,
    ));
    h.mock_league(
        1001,
        json!({"mode": {"preset": "open", "coop": false, "spoiler": false}}),
    )
    .await;
    let CreateOutcome::Created(room) = h.engine.create_room(&league_event(), 1001).await.unwrap()
    else {
        panic!("no room");
    };
    h.fake.add_existing_entrant(&room, &a, "ready");
    h.fake.add_existing_entrant(&room, &b, "not_ready");
    // Let the room see both entrants before the roll reads them.
    assert!(
        h.fake
            .wait_until(WAIT, |_| h.registry.get(&room).is_some_and(|r| r
                .room()
                .race()
                .entrants
                .len()
                == 2))
            .await
    );
    if fail_bob {
        h.notifier.fail_users.lock().unwrap().insert(222);
    }
    h.fake.send_chat(&room, &a, "!tournamentrace");
    h.wait_message(&room, "(test handler: seed_rolled)").await;
    Rolled { h, room, a, b }
}

fn embed_of(m: &sahasrahbot_core::ports::ChatMessage) -> Value {
    serde_json::from_str(m.embed.as_deref().expect("an embed")).unwrap()
}

fn field_names(embed: &Value) -> Vec<String> {
    embed["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["name"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn the_league_roll_runs_the_generic_flow_in_order() {
    let Rolled { h, room, a, b } = roll(&[], true).await;

    // The seed request: the league preset, tournament, quickswap, no hints, spoilers off.
    let reqs = h.web.received_requests().await.unwrap();
    let bodies: Vec<Value> = reqs
        .iter()
        .filter(|r| r.url.path().ends_with("/api/randomizer"))
        .map(|r| serde_json::from_slice(&r.body).unwrap())
        .collect();
    assert_eq!(bodies.len(), 1);
    assert_eq!(bodies[0]["tournament"], json!(true));
    assert_eq!(bodies[0]["allow_quickswap"], json!(true));
    assert_eq!(bodies[0]["spoilers"], "off");
    assert_eq!(bodies[0]["hints"], "off");

    let row = tournament_results::Entity::find()
        .filter(tournament_results::Column::SrlId.eq(room.as_str()))
        .one(h.db.conn())
        .await
        .unwrap()
        .unwrap();
    let url = row.permalink.clone().expect("permalink saved");
    assert!(url.ends_with("/h/h4sh"), "{url}");
    assert_eq!(row.episode_id.as_deref(), Some("1001"));

    // Frames in order: generating, setinfo (code), DM-failure notice, URL DMs, done.
    let frames = h.fake.bot_actions(&room);
    let pos = |pred: &dyn Fn(&Value) -> bool| {
        frames
            .iter()
            .position(pred)
            .unwrap_or_else(|| panic!("missing frame in {frames:#?}"))
    };
    let generating = pos(&|f| f["data"]["message"] == texts::GENERATING);
    let setinfo = pos(&|f| f["action"] == "setinfo");
    let dm_fail = pos(&|f| {
        f["data"]["message"]
            == "Could not send DM to bob.  Please contact a Tournament Moderator for assistance."
    });
    let dm_a = pos(&|f| f["data"]["direct_to"] == json!(a) && f["data"]["message"] == json!(url));
    let dm_b = pos(&|f| f["data"]["direct_to"] == json!(b) && f["data"]["message"] == json!(url));
    let done = pos(&|f| f["data"]["message"] == texts::GENERATED);
    assert!(
        generating < setinfo && setinfo < dm_fail && dm_fail < dm_a && dm_a < dm_b && dm_b < done
    );
    let code = frames[setinfo]["data"]["info_bot"].as_str().unwrap();
    assert!(
        code.starts_with('(') && code.ends_with(')') && code.matches('/').count() == 4,
        "{code}"
    );

    // Audit: the player embed, then the @here notice for the failed DM.
    let audit = h.notifier.to(ChatTarget::Channel(AUDIT));
    assert_eq!(audit.len(), 2, "{audit:#?}");
    let embed = embed_of(&audit[0]);
    assert_eq!(
        embed["title"],
        "ALTTPRLEAGUE - alice vs. bob - Week 1 - 1001"
    );
    assert_eq!(embed["description"], "alice vs. bob");
    assert_eq!(
        field_names(&embed),
        [
            "RaceTime.gg",
            "Item Placement",
            "Goal",
            "Gameplay",
            "Difficulty",
            "File Select Code",
            "Permalink"
        ]
    );
    assert_eq!(
        embed["fields"][0]["value"],
        format!("{}/{room}", h.fake.base_url())
    );
    assert_eq!(embed["fields"][6]["value"], json!(url));
    // Settings labelled with alttpr.com's settings map.
    assert_eq!(
        embed["fields"][1]["value"],
        "**Glitches Required:** NoGlitches\n**Item Placement:** Advanced\n**Dungeon Items:** standard\n**Accessibility:** items"
    );
    assert_eq!(
        embed["fields"][2]["value"],
        "**Goal:** Defeat Ganon\n**Open Tower:** 7\n**Ganon Vulnerable:** 7"
    );
    assert!(
        embed["fields"][3]["value"]
            .as_str()
            .unwrap()
            .starts_with("**World State:** Open\n")
    );
    assert!(
        embed["fields"][4]["value"]
            .as_str()
            .unwrap()
            .starts_with("**Swords:** Randomized\n")
    );
    assert_eq!(audit[1].content, "@here could not send DM to bob");
    assert_eq!(audit[1].allowed_mentions, AllowedMentions::UsersAndEveryone);
    // No broadcast channels: no commentary post.
    assert!(h.notifier.to(ChatTarget::Channel(COMMENTARY)).is_empty());
    // Alice got the room DM and the seed DM.
    let dms = h.notifier.to(ChatTarget::User(111));
    assert_eq!(dms.len(), 2);
    assert_eq!(embed_of(&dms[1]), embed);
}

#[tokio::test]
async fn with_broadcast_channels_the_commentary_gets_the_tournament_embed() {
    let Rolled { h, .. } = roll(&["ALTTPRandomizer", "Some Placeholder"], false).await;
    let commentary = h.notifier.to(ChatTarget::Channel(COMMENTARY));
    assert_eq!(commentary.len(), 1);
    let t = embed_of(&commentary[0]);
    assert_eq!(
        field_names(&t),
        [
            "Broadcast Channels",
            "RaceTime.gg",
            "Item Placement",
            "Goal",
            "Gameplay",
            "Difficulty",
            "File Select Code"
        ]
    );
    assert_eq!(
        t["fields"][0]["value"],
        "[ALTTPRandomizer](https://twitch.tv/ALTTPRandomizer)"
    );
    let audit = h.notifier.to(ChatTarget::Channel(AUDIT));
    assert_eq!(audit.len(), 1);
    let p = embed_of(&audit[0]);
    assert_eq!(field_names(&p)[0], "Broadcast Channels");
    assert_eq!(field_names(&p).last().unwrap(), "Permalink");
    assert_ne!(p["color"], t["color"]);
    assert_eq!(
        p["title"],
        "ALTTPRLEAGUE - alice vs. bob - Week 1 - Restream(s) at ALTTPRandomizer - 1001"
    );
}

#[tokio::test]
async fn resume_links_a_room_again_from_its_results_row() {
    let Rolled { h, room, a, b } = roll(&[], false).await;
    let row = tournament_results::Entity::find()
        .filter(tournament_results::Column::SrlId.eq(room.as_str()))
        .one(h.db.conn())
        .await
        .unwrap()
        .unwrap();
    let handle = h.registry.get(&room).unwrap();
    let sg_before = h.sg.received_requests().await.unwrap().len();
    let race = h
        .engine
        .resume(handle.room(), &row)
        .await
        .unwrap()
        .expect("linked");
    assert!(
        h.sg.received_requests().await.unwrap().len() > sg_before,
        "the episode is refetched"
    );
    assert_eq!(race.player_racetime_ids(), vec![a, b]);
    assert!(std::sync::Arc::ptr_eq(
        &race,
        &h.engine.linked(&room).unwrap()
    ));

    // A row of an event that is no longer active leaves the room unlinked.
    let mut stale = row.clone();
    stale.event = Some("oldevent".into());
    assert!(
        h.engine
            .resume(handle.room(), &stale)
            .await
            .unwrap()
            .is_none()
    );

    // A finished room is forgotten.
    assert!(h.engine.unlink(&room).is_some());
    assert!(h.engine.linked(&room).is_none());
}

#[tokio::test]
async fn a_league_spoiler_roll_publishes_the_log_and_schedules_a_zero_study_spoiler_race() {
    use sahasrahbot_core::db::entities::spoiler_races;
    let h = Harness::new(vec![league_event()]).await;
    let a = h.add_player(111, "alice", true).await.unwrap();
    h.add_episode(episode(
        1001,
        "alttprleague",
        "Week 1",
        20,
        vec![player("Alice", "111", "")],
        &[],
    ));
    h.mock_league(
        1001,
        json!({"mode": {"preset": "open", "coop": false, "spoiler": true}}),
    )
    .await;
    let CreateOutcome::Created(room) = h.engine.create_room(&league_event(), 1001).await.unwrap()
    else {
        panic!("no room");
    };
    h.wait_joined(&room).await;
    h.fake.send_chat(&room, &a, "!tournamentrace");
    h.wait_message(&room, "(test handler: seed_rolled)").await;
    let body: Value = h
        .web
        .received_requests()
        .await
        .unwrap()
        .iter()
        .find(|r| r.url.path().ends_with("/api/randomizer"))
        .map(|r| serde_json::from_slice(&r.body).unwrap())
        .unwrap();
    assert_eq!(body["spoilers"], "generate");
    let row = spoiler_races::Entity::find()
        .filter(spoiler_races::Column::SrlId.eq(room.as_str()))
        .one(h.db.conn())
        .await
        .unwrap()
        .expect("spoiler race row");
    assert_eq!(row.studytime, Some(0));
    let url = row.spoiler_url.unwrap();
    assert!(
        url.starts_with("https://spoilers.example/spoiler__h4sh__"),
        "{url}"
    );
    // The results row keeps `spoiler` null (baseline).
    let results = tournament_results::Entity::find()
        .filter(tournament_results::Column::SrlId.eq(room.as_str()))
        .one(h.db.conn())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(results.spoiler, None);
    assert!(results.permalink.is_some());
}
