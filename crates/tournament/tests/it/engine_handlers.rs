//! Per-handler behaviour: fixed-preset rolls (P38), title maps (P37), the test event (no
//! roll), and gatekeeping (the engine side of P27).

use crate::common;

use common::*;
use sahasrahbot_core::ports::ChatTarget;
use sahasrahbot_tournament::engine::CreateOutcome;
use sahasrahbot_tournament::title_map::INVALID_MODE_MESSAGE;
use sahasrahbot_tournament::{EventDefinition, HandlerKind};
use serde_json::{Value, json};

fn event(kind: HandlerKind, slug: &str) -> EventDefinition {
    EventDefinition {
        guild_id: GUILD,
        ..kind.default_definition(slug)
    }
}

async fn open(h: &Harness, def: &EventDefinition, title: &str) -> (String, String) {
    let a = h.add_player(111, "alice", true).await.unwrap();
    h.add_episode(episode(
        4001,
        &def.event_slug,
        title,
        20,
        vec![player("Alice", "111", "")],
        &[],
    ));
    let CreateOutcome::Created(room) = h.engine.create_room(def, 4001).await.unwrap() else {
        panic!("no room");
    };
    h.wait_joined(&room).await;
    (room, a)
}

async fn generate_requests(h: &Harness) -> Vec<(String, Value)> {
    h.web
        .received_requests()
        .await
        .unwrap()
        .iter()
        .filter(|r| r.url.path().ends_with("/api/randomizer"))
        .map(|r| {
            (
                r.url.path().to_owned(),
                serde_json::from_slice(&r.body).unwrap(),
            )
        })
        .collect()
}

#[tokio::test]
async fn fixed_preset_handlers_roll_on_their_branch_with_quickswap() {
    for (kind, slug, path) in [
        (HandlerKind::Boots, "boots", "/default/api/randomizer"),
        (HandlerKind::NoLogic, "nologic", "/beeta/api/randomizer"),
        (HandlerKind::AlttprHmg, "alttprhmg", "/live/api/randomizer"),
    ] {
        let def = event(kind, slug);
        let h = Harness::new(vec![def.clone()]).await;
        let (room, a) = open(&h, &def, "Round 1").await;
        assert!(
            h.wait_action(&room, |f| f["data"]["pinned"] == json!(true))
                .await,
            "{slug}: welcome"
        );
        h.fake.send_chat(&room, &a, "!tournamentrace");
        h.wait_message(&room, "(test handler: seed_rolled)").await;
        let reqs = generate_requests(&h).await;
        assert_eq!(reqs.len(), 1, "{slug}");
        assert_eq!(reqs[0].0, path, "{slug}");
        assert_eq!(reqs[0].1["allow_quickswap"], json!(true), "{slug}");
        assert_eq!(reqs[0].1["tournament"], json!(true), "{slug}");
        assert_eq!(reqs[0].1["spoilers"], "off", "{slug}");
        assert_eq!(reqs[0].1["hints"], "off", "{slug}");
    }
}

#[tokio::test]
async fn title_map_handlers_roll_the_mode_of_the_title_or_refuse_it() {
    let def = event(HandlerKind::AlttprDe, "alttprde");
    let h = Harness::new(vec![def.clone()]).await;
    let (room, a) = open(&h, &def, "Viertelfinale: All Dungeons").await;
    h.fake.send_chat(&room, &a, "!tournamentrace");
    h.wait_message(&room, "(test handler: seed_rolled)").await;
    assert_eq!(generate_requests(&h).await.len(), 1);

    let def = event(HandlerKind::AlttprMini, "alttprmini");
    let h = Harness::new(vec![def.clone()]).await;
    let (room, a) = open(&h, &def, "Runde 2: Open").await;
    h.fake.send_chat(&room, &a, "!tournamentrace");
    h.wait_message(&room, INVALID_MODE_MESSAGE).await;
    assert!(
        h.fake
            .wait_until(WAIT, |f| f
                .bot_messages(&room)
                .iter()
                .any(|m| m.starts_with("Command raised exception: ")))
            .await
    );
    assert!(generate_requests(&h).await.is_empty());
}

#[tokio::test]
async fn the_test_event_opens_a_base_room_with_invites_and_dms_but_never_rolls() {
    // The test event's category is `test`; the harness runs an `alttpr` bot.
    let def = EventDefinition {
        racetime_category: "alttpr".into(),
        ..event(HandlerKind::Test, "test")
    };
    let h = Harness::new(vec![def.clone()]).await;
    let (room, a) = open(&h, &def, "Test match").await;
    let race = h.fake.race(&room);
    assert_eq!(race["status"]["value"], "invitational");
    assert_eq!(
        race["goal"],
        json!({"name": "Beat the game", "custom": false})
    );
    assert!(
        h.wait_action(&room, |f| f["action"] == "invite"
            && f["data"]["user"] == json!(a))
            .await
    );
    assert_eq!(h.notifier.to(ChatTarget::User(111)).len(), 1);
    h.fake.send_chat(&room, &a, "!tournamentrace");
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    assert!(
        h.sent_messages(&room).is_empty(),
        "no welcome and no roll: {:#?}",
        h.sent_messages(&room)
    );
    assert!(generate_requests(&h).await.is_empty());
}

#[tokio::test]
async fn gatekeepers_are_sg_volunteers_or_members_with_a_helper_role() {
    let mut def = league_event();
    def.guild_id = GUILD;
    let h = Harness::new(vec![def.clone()]).await;
    let volunteer = h.fake.add_user("volunteer", false);
    h.fake
        .add_team("sg-volunteers", "SG Volunteers", &[volunteer.as_str()]);
    h.mock_league(4001, json!({"mode": {"preset": "open"}}))
        .await;
    let (room, _) = open(&h, &def, "Week 1").await;
    let race = h.engine.linked(&room).unwrap();

    let helper = h.add_player(600, "helper", true).await.unwrap();
    h.guilds
        .members
        .lock()
        .unwrap()
        .get_mut(&GUILD)
        .unwrap()
        .iter_mut()
        .find(|m| m.id == 600)
        .unwrap()
        .roles = vec![def.helper_roles[0]];
    let plain = h.add_player(700, "plain", true).await.unwrap();
    assert!(race.can_gatekeep(&volunteer).await);
    assert!(race.can_gatekeep(&helper).await);
    assert!(!race.can_gatekeep(&plain).await);
    assert!(!race.can_gatekeep("nobody").await);

    // An event without helper roles: only the team counts (no crash, §2.1).
    let mut bare = def.clone();
    bare.helper_roles.clear();
    let h2 = Harness::new(vec![bare.clone()]).await;
    h2.mock_league(4001, json!({"mode": {"preset": "open"}}))
        .await;
    let (room2, _) = open(&h2, &bare, "Week 1").await;
    let helper2 = h2.add_player(600, "helper", true).await.unwrap();
    assert!(
        !h2.engine
            .linked(&room2)
            .unwrap()
            .can_gatekeep(&helper2)
            .await
    );
}

fn smrl() -> EventDefinition {
    EventDefinition {
        racetime_category: "alttpr".into(),
        ..event(HandlerKind::Smrl, "smrl")
    }
}

#[tokio::test]
async fn smrl_without_settings_warns_the_players_each_tick_and_opens_no_room() {
    use sahasrahbot_core::db::entities::tournament_games;
    use sea_orm::EntityTrait;
    let def = smrl();
    let h = Harness::new(vec![def.clone()]).await;
    h.add_player(111, "alice", true).await;
    h.add_episode(episode(
        5001,
        "smrl",
        "Game 1",
        20,
        vec![player("Alice", "111", "")],
        &[],
    ));
    for _ in 0..2 {
        assert_eq!(
            h.engine.create_room(&def, 5001).await.unwrap(),
            CreateOutcome::Skipped("settings not submitted")
        );
    }
    assert_eq!(h.startrace_count(), 0);
    let dms = h.notifier.to(ChatTarget::User(111));
    assert_eq!(dms.len(), 2);
    assert_eq!(
        dms[0].content,
        "Your upcoming race room cannot be created because settings have not submitted: `alice`!\n\nFor your convenience, please visit https://app.example/submit/smrl?episode_id=5001 to submit the settings.\n\n"
    );
    let game = tournament_games::Entity::find_by_id(5001)
        .one(h.db.conn())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(game.event.as_deref(), Some("smrl"));
    assert_eq!(game.submitted, Some(1));
    assert!(
        h.notifier
            .to(ChatTarget::Channel(1_080_994_224_880_750_682))
            .is_empty(),
        "no audit error"
    );
}

#[tokio::test]
async fn smrl_rolls_the_submitted_varia_preset() {
    use sahasrahbot_core::db::entities::{tournament_games, tournament_results};
    use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
    use wiremock::matchers::{method, path, path_regex};
    use wiremock::{Mock, ResponseTemplate};
    let def = smrl();
    let h = Harness::new(vec![def.clone()]).await;
    tournament_games::ActiveModel {
        episode_id: Set(4001),
        event: Set(Some("smrl".into())),
        game_number: Set(Some(3)),
        settings: Set(Some(json!({"randomizer": "smvaria", "preset": "RLS4GS"}))),
        created: Set(now().naive_utc()),
        updated: Set(now().naive_utc()),
        ..Default::default()
    }
    .insert(h.db.conn())
    .await
    .unwrap();
    Mock::given(method("POST"))
        .and(path("/randomizerWebService"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"seedKey": "01234567-89ab-cdef-0123-456789abcdef"})),
        )
        .mount(&h.web)
        .await;
    Mock::given(method("POST"))
        .and(path_regex("(?i)presetWebService$"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({})))
        .mount(&h.web)
        .await;
    let (room, a) = open(&h, &def, "Game 3").await;
    assert_eq!(
        h.fake.race(&room)["info_user"],
        "SMRL - alice - Game 3 - Game #3 - 4001"
    );
    assert!(
        h.wait_action(&room, |f| f["data"]["pinned"] == json!(true))
            .await
    );
    let sent = h.sent_messages(&room);
    assert_eq!(sent.len(), 1, "one pinned welcome: {sent:#?}");
    assert_eq!(
        sent[0]["message"],
        sahasrahbot_tournament::engine::texts::SMRL_WELCOME
    );
    assert_eq!(
        sent[0]["actions"]["Roll Tournament Seed"]["message"],
        "!tournamentrace"
    );

    h.fake.send_chat(&room, &a, "!tournamentrace");
    h.wait_message(&room, "(test handler: seed_rolled)").await;
    let msgs = h.fake.bot_messages(&room);
    let url = h.fake.race(&room)["info_bot"].as_str().unwrap().to_owned();
    assert!(
        url.contains("01234567-89ab-cdef-0123-456789abcdef"),
        "{url}"
    );
    assert_eq!(
        msgs[msgs.len() - 4..].to_vec(),
        vec![
            "Generating game, please wait.  If nothing happens after a minute, contact Synack."
                .to_owned(),
            url.clone(),
            "Seed has been generated!".to_owned(),
            "(test handler: seed_rolled)".to_owned(),
        ]
    );
    let forms: Vec<(String, String)> = h
        .web
        .received_requests()
        .await
        .unwrap()
        .iter()
        .map(|r| {
            (
                r.url.path().to_owned(),
                String::from_utf8_lossy(&r.body).into_owned(),
            )
        })
        .collect();
    assert!(
        forms
            .iter()
            .any(|(p, b)| p == "/randoPresetWebService" && b.contains("randoPreset=RLS4GS")),
        "{forms:#?}"
    );
    assert!(
        forms.iter().any(|(p, b)| p == "/randomizerWebService"
            && b.contains("preset=Season_Races")
            && b.contains("raceMode=on")),
        "{forms:#?}"
    );
    let row = tournament_results::Entity::find()
        .filter(tournament_results::Column::SrlId.eq(room.as_str()))
        .one(h.db.conn())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(row.permalink.as_deref(), Some(url.as_str()));
    assert!(
        h.notifier
            .to(ChatTarget::Channel(1_080_994_224_880_750_682))
            .is_empty(),
        "no audit posts"
    );
}

/// P36, the DASH branch: a submitted `smdash` mode is rolled on dashrando.net (a GET
/// answered 307 with the seed URL), posted, set as the bot race info and stored.
#[tokio::test]
async fn smrl_rolls_the_submitted_dash_mode() {
    use sahasrahbot_core::db::entities::{tournament_games, tournament_results};
    use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
    use wiremock::matchers::{method, path, query_param};
    use wiremock::{Mock, ResponseTemplate};
    const SEED: &str = "https://dashrando.net/seed/AbCdEf";
    let def = smrl();
    let h = Harness::new(vec![def.clone()]).await;
    tournament_games::ActiveModel {
        episode_id: Set(4001),
        event: Set(Some("smrl".into())),
        game_number: Set(Some(2)),
        settings: Set(Some(json!({"randomizer": "smdash", "preset": "recall_mm"}))),
        created: Set(now().naive_utc()),
        updated: Set(now().naive_utc()),
        ..Default::default()
    }
    .insert(h.db.conn())
    .await
    .unwrap();
    Mock::given(method("GET"))
        .and(path("/generate/recall_mm"))
        .and(query_param("race", "1"))
        .respond_with(ResponseTemplate::new(307).set_body_string(SEED))
        .mount(&h.web)
        .await;
    let (room, a) = open(&h, &def, "Game 2").await;
    h.fake.send_chat(&room, &a, "!tournamentrace");
    h.wait_message(&room, "(test handler: seed_rolled)").await;
    let msgs = h.fake.bot_messages(&room);
    assert_eq!(
        msgs[msgs.len() - 3..].to_vec(),
        vec![
            SEED.to_owned(),
            "Seed has been generated!".to_owned(),
            "(test handler: seed_rolled)".to_owned(),
        ]
    );
    assert_eq!(h.fake.race(&room)["info_bot"], SEED);
    let row = tournament_results::Entity::find()
        .filter(tournament_results::Column::SrlId.eq(room.as_str()))
        .one(h.db.conn())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(row.permalink.as_deref(), Some(SEED));
}
