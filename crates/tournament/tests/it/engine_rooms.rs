//! Room creation end to end (parity rows P5–P10, P12, P17, P24): wiremock SpeedGaming and
//! league site, the real racetime client against the testkit fake, a recording notifier.

use crate::common;

use common::*;
use sahasrahbot_core::db::entities::tournament_results;
use sahasrahbot_core::ports::{AllowedMentions, ChatTarget};
use sahasrahbot_testkit::db::TestDb;
use sahasrahbot_tournament::engine::{CreateOutcome, texts};
use sahasrahbot_tournament::{EventDefinition, HandlerKind};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};

async fn results_row(h: &Harness, room: &str) -> Option<tournament_results::Model> {
    tournament_results::Entity::find()
        .filter(tournament_results::Column::SrlId.eq(room))
        .one(h.db.conn())
        .await
        .unwrap()
}

fn created(outcome: CreateOutcome) -> String {
    match outcome {
        CreateOutcome::Created(room) => room,
        other => panic!("no room created: {other:?}"),
    }
}

async fn league_harness(mode: Value) -> (Harness, String, String) {
    league_harness_on(mode, TestDb::sqlite().await).await
}

async fn league_harness_on(mode: Value, db: TestDb) -> (Harness, String, String) {
    let h = Harness::with_db(vec![league_event()], db).await;
    let a = h.add_player(111, "alice", true).await.unwrap();
    let b = h.add_player(222, "bob", true).await.unwrap();
    h.add_episode(episode(
        1001,
        "alttprleague",
        "Week 1",
        20,
        vec![player("Alice", "111", ""), player("Bob", "222", "")],
        &[],
    ));
    h.mock_league(1001, mode).await;
    (h, a, b)
}

#[tokio::test]
async fn league_room_settings_row_invites_dms_and_welcome() {
    let (h, a, b) =
        league_harness(json!({"mode": {"preset": "open", "coop": false, "spoiler": false}})).await;
    h.notifier.fail_users.lock().unwrap().insert(222);
    let room = created(h.engine.create_room(&league_event(), 1001).await.unwrap());

    // P8: the startrace form, as the room shows it.
    let race = h.fake.race(&room);
    assert_eq!(race["status"]["value"], "invitational");
    assert_eq!(
        race["goal"],
        json!({"name": "Beat the game - Tournament (Solo)", "custom": false})
    );
    assert_eq!(
        race["info_user"],
        "ALTTPRLEAGUE - alice vs. bob - Week 1 - 1001"
    );
    assert_eq!(race["start_delay"], "P0DT00H00M15S");
    assert_eq!(race["time_limit"], "P1DT00H00M00S");
    for (k, v) in [
        ("streaming_required", true),
        ("auto_start", true),
        ("allow_comments", true),
        ("hide_comments", true),
        ("allow_prerace_chat", true),
        ("allow_midrace_chat", true),
        ("allow_non_entrant_chat", false),
        ("team_race", false),
        ("require_even_teams", true),
        ("unlisted", false),
    ] {
        assert_eq!(race[k], json!(v), "{k}");
    }

    // P9: the results row, then the invites in player order.
    let row = results_row(&h, &room).await.expect("results row");
    assert_eq!(row.episode_id.as_deref(), Some("1001"));
    assert_eq!(row.event.as_deref(), Some("alttprleague"));
    assert_eq!(row.spoiler, None);
    assert_eq!(row.permalink, None);
    assert!(
        h.wait_action(&room, |f| f["action"] == "invite"
            && f["data"]["user"] == json!(b))
            .await
    );
    let invites: Vec<Value> = h
        .fake
        .bot_actions(&room)
        .into_iter()
        .filter(|f| f["action"] == "invite")
        .map(|f| f["data"]["user"].clone())
        .collect();
    assert_eq!(invites, vec![json!(a), json!(b)]);

    // P12: the welcome, then the pinned roll button.
    assert!(
        h.wait_action(&room, |f| f["data"]["pinned"] == json!(true))
            .await
    );
    let sent = h.sent_messages(&room);
    assert_eq!(sent.len(), 2, "{sent:#?}");
    assert_eq!(sent[0]["message"], texts::WELCOME);
    assert_ne!(sent[0]["pinned"], json!(true));
    assert_eq!(sent[1]["message"], "Tournament Controls:");
    assert_eq!(sent[1]["pinned"], json!(true));
    assert_eq!(
        sent[1]["actions"],
        json!({"Roll Tournament Seed": {"message": "!tournamentrace", "help": "Create a seed for this specific tournament race.  This should only be done shortly before the race starts."}})
    );

    // P10: the room-opened DM; a failing DM is only logged.
    let dms = h.notifier.to(ChatTarget::User(111));
    assert_eq!(dms.len(), 1);
    let embed: Value = serde_json::from_str(dms[0].embed.as_deref().unwrap()).unwrap();
    assert_eq!(embed["title"], "RT.gg Room Opened - alice vs. bob");
    let url = format!("{}/{room}", h.fake.base_url());
    assert!(
        embed["description"].as_str().unwrap().contains(&url),
        "{embed}"
    );
    assert!(h.notifier.to(ChatTarget::User(222)).is_empty());
    assert!(h.notifier.to(ChatTarget::Channel(AUDIT)).is_empty());
    assert_eq!(
        h.engine.linked(&room).unwrap().player_racetime_ids(),
        vec![a, b]
    );
}

#[tokio::test]
async fn league_coop_and_spoiler_rooms_use_the_coop_goal_as_custom_goal() {
    let (h, _, _) =
        league_harness(json!({"mode": {"preset": "open", "coop": true, "spoiler": false}})).await;
    let room = created(h.engine.create_room(&league_event(), 1001).await.unwrap());
    let race = h.fake.race(&room);
    assert_eq!(
        race["goal"],
        json!({"name": "Beat the game - Tournament (Co-op)", "custom": true})
    );
    assert_eq!(race["team_race"], json!(true));
    assert_eq!(race["require_even_teams"], json!(true));

    let (h, _, _) =
        league_harness(json!({"mode": {"preset": "open", "coop": false, "spoiler": true}})).await;
    let room = created(h.engine.create_room(&league_event(), 1001).await.unwrap());
    let race = h.fake.race(&room);
    assert_eq!(
        race["goal"],
        json!({"name": "Beat the game - Tournament (Co-op)", "custom": true})
    );
    assert_eq!(race["team_race"], json!(false));
}

#[tokio::test]
async fn an_episode_with_a_live_room_is_not_opened_again_but_a_cancelled_one_is() {
    for db in TestDb::all().await {
        dedupe_on(db).await;
    }
}

async fn dedupe_on(db: TestDb) {
    let (h, _, _) = league_harness_on(json!({"mode": {"preset": "open"}}), db).await;
    let event = league_event();
    let first = created(h.engine.create_room(&event, 1001).await.unwrap());
    assert_eq!(h.startrace_count(), 1);
    assert_eq!(
        h.engine.create_room(&event, 1001).await.unwrap(),
        CreateOutcome::Exists(first.clone())
    );
    assert_eq!(h.startrace_count(), 1);

    h.fake.set_status(&first, "cancelled");
    let second = created(h.engine.create_room(&event, 1001).await.unwrap());
    assert_ne!(first, second);
    assert_eq!(h.startrace_count(), 2);
    assert!(
        results_row(&h, &first).await.is_none(),
        "the cancelled room's row is deleted"
    );
    assert_eq!(
        results_row(&h, &second)
            .await
            .unwrap()
            .episode_id
            .as_deref(),
        Some("1001")
    );
}

async fn failure_text(players: Vec<Value>, setup: impl AsyncFnOnce(&Harness)) -> String {
    let h = Harness::new(vec![league_event()]).await;
    setup(&h).await;
    h.add_episode(episode(1003, "alttprleague", "Week 2", 20, players, &[]));
    h.mock_league(1003, json!({"mode": {"preset": "open"}}))
        .await;
    let err = h
        .engine
        .create_room(&league_event(), 1003)
        .await
        .unwrap_err();
    assert_eq!(h.startrace_count(), 0);
    let audit = h.notifier.to(ChatTarget::Channel(AUDIT));
    assert_eq!(audit.len(), 1);
    assert_eq!(
        audit[0].content,
        texts::creation_failed(1003, &err.to_string())
    );
    assert!(audit[0].content.starts_with(
        "There was an error while automatically creating a race room for episode `1003`.\n\n"
    ));
    assert_eq!(audit[0].allowed_mentions, AllowedMentions::UsersAndEveryone);
    err.to_string()
}

#[tokio::test]
async fn player_resolution_rules_and_their_audit_errors() {
    // discordId without a users row: no fallback to the tag.
    let e = failure_text(vec![player("Carol", "333", "carol")], async |h| {
        h.guilds.add(GUILD, 333, "carol", &[]);
    })
    .await;
    assert_eq!(e, "Unable to pull nick data for 333");

    // A linked user who left the guild: the clearer message.
    let e = failure_text(vec![player("Dave", "444", "")], async |h| {
        h.add_player(444, "dave", true).await;
        h.guilds.members.lock().unwrap().clear();
    })
    .await;
    assert_eq!(
        e,
        "The player `Dave` (Discord id 444) is not a member of the tournament's Discord server.  Please contact a Tournament moderator for assistance."
    );

    // Neither id nor tag.
    let e = failure_text(vec![player("Eve", "", "")], async |_| {}).await;
    assert_eq!(
        e,
        "Unable to lookup the player `Eve`.  Please contact a Tournament moderator for assistance."
    );

    // The tag path (with `#0` stripped) and ignored players.
    let h = Harness::new(vec![league_event()]).await;
    let f = h.add_player(555, "frank", true).await.unwrap();
    let mut ignored = player("Ghost", "", "");
    ignored["publicStream"] = json!("ignore");
    h.add_episode(episode(
        1004,
        "alttprleague",
        "Week 3",
        20,
        vec![player("Frank", "", "frank#0"), ignored],
        &[],
    ));
    h.mock_league(1004, json!({"mode": {"preset": "open"}}))
        .await;
    let room = created(h.engine.create_room(&league_event(), 1004).await.unwrap());
    assert_eq!(
        h.engine.linked(&room).unwrap().player_racetime_ids(),
        vec![f]
    );
    assert_eq!(
        h.fake.race(&room)["info_user"],
        "ALTTPRLEAGUE - frank - Week 3 - 1004"
    );
}

#[tokio::test]
async fn a_league_episode_without_a_mode_opens_no_room() {
    let (h, _, _) = league_harness(json!({})).await;
    let err = h
        .engine
        .create_room(&league_event(), 1001)
        .await
        .unwrap_err();
    assert_eq!(err.to_string(), texts::NO_LEAGUE_MODE);
    assert_eq!(h.startrace_count(), 0);
    let audit = h.notifier.to(ChatTarget::Channel(AUDIT));
    assert_eq!(audit.len(), 1);
    assert!(audit[0].content.ends_with(texts::NO_LEAGUE_MODE));
}

#[tokio::test]
async fn daily_rooms_are_open_announced_and_roll_nothing() {
    let daily = HandlerKind::AlttprDaily.default_definition("alttprdaily");
    let h = Harness::new(vec![daily.clone()]).await;
    wiremock::Mock::given(wiremock::matchers::method("POST"))
        .and(wiremock::matchers::path("/sg-webhook"))
        .respond_with(wiremock::ResponseTemplate::new(204))
        .mount(&h.web)
        .await;
    h.add_episode(episode(
        2001,
        "alttprdaily",
        "Co-op Daily",
        50,
        vec![player("X", "999", "")],
        &["ALTTPRandomizer", "No Restream"],
    ));
    let room = created(h.engine.create_room(&daily, 2001).await.unwrap());
    let race = h.fake.race(&room);
    assert_eq!(race["status"]["value"], "open");
    assert_eq!(race["team_race"], json!(true));
    assert_eq!(
        race["goal"],
        json!({"name": "Beat the game - Casual", "custom": false})
    );
    let start = (now() + chrono::Duration::minutes(60)).timestamp();
    assert_eq!(
        race["info_user"],
        "SpeedGaming Daily Race Series - Co-op Daily at 10:00 PM Eastern on ALTTPRandomizer - Seed Distributed at 9:50 PM Eastern - 2001"
    );

    let url = format!("{}/{room}", h.fake.base_url());
    let text = format!(
        "SpeedGaming Daily Race Series - Co-op Daily - <t:{start}> (<t:{start}:R>) on ALTTPRandomizer - Seed Distributed <t:{}:R> - {url}",
        start - 600
    );
    let announced = h
        .notifier
        .to(ChatTarget::Channel(daily.announce_channel.unwrap()));
    assert_eq!(announced.len(), 1);
    assert_eq!(announced[0].content, text);
    assert_eq!(
        announced[0].allowed_mentions,
        AllowedMentions::UsersAndRoles
    );
    assert_eq!(h.notifier.all().len(), 1, "no DMs");
    let hook: Vec<Value> = h
        .web
        .received_requests()
        .await
        .unwrap()
        .iter()
        .filter(|r| r.url.path() == "/sg-webhook")
        .map(|r| serde_json::from_slice(&r.body).unwrap())
        .collect();
    assert_eq!(hook.len(), 1);
    assert_eq!(hook[0]["content"], format!("<@&399038388964950016> {text}"));
    assert_eq!(hook[0]["username"], "SahasrahBot");

    // No players resolved, no invites, no welcome; the roll does nothing after the gate.
    let user = h.fake.add_user("runner", false);
    h.fake.send_chat(&room, &user, "!tournamentrace");
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    assert!(
        h.sent_messages(&room).is_empty(),
        "{:#?}",
        h.sent_messages(&room)
    );
    assert!(
        !h.fake
            .bot_actions(&room)
            .iter()
            .any(|f| f["action"] == "invite")
    );
}

#[tokio::test]
async fn the_smz3_weekly_announces_with_its_role_ping_and_no_webhook() {
    // The weekly runs in the smz3 category; the harness bot serves alttpr.
    let weekly = EventDefinition {
        racetime_category: "alttpr".into(),
        racetime_goal: "Beat the game".into(),
        ..HandlerKind::Smz3Weekly.default_definition("smz3")
    };
    let h = Harness::new(vec![weekly.clone()]).await;
    h.add_episode(episode(2101, "smz3", "Weekly", 50, vec![], &[]));
    let room = created(h.engine.create_room(&weekly, 2101).await.unwrap());
    let race = h.fake.race(&room);
    assert_eq!(race["status"]["value"], "open");
    assert_eq!(race["team_race"], json!(false));
    assert_eq!(
        race["info_user"],
        "SMZ3 Weekly Race - Weekly at 10:00 PM Eastern - 2101"
    );
    let start = (now() + chrono::Duration::minutes(60)).timestamp();
    let announced = h
        .notifier
        .to(ChatTarget::Channel(weekly.announce_channel.unwrap()));
    assert_eq!(announced.len(), 1);
    assert_eq!(
        announced[0].content,
        format!(
            "<@&449260882501959700> SMZ3 Weekly Race - Weekly - <t:{start}> (<t:{start}:R>) - {}/{room}",
            h.fake.base_url()
        )
    );
    assert_eq!(
        announced[0].allowed_mentions,
        AllowedMentions::UsersAndRoles
    );
    assert!(
        !h.web
            .received_requests()
            .await
            .unwrap()
            .iter()
            .any(|r| r.url.path() == "/sg-webhook")
    );
}
