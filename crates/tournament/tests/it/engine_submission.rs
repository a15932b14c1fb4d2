//! Settings submission forms (parity rows P33 data side, P34, P35): the SMRL form as data,
//! the game → randomizer/preset mapping, the `tournament_games` row, the audit embed and
//! the player DMs, and the room gate opening once settings exist.

use crate::common;

use std::collections::HashMap;

use common::*;
use sahasrahbot_core::db::entities::tournament_games;
use sahasrahbot_core::ports::{AllowedMentions, ChatTarget};
use sahasrahbot_tournament::engine::CreateOutcome;
use sahasrahbot_tournament::engine::submission::{FormKind, SubmissionForm, smrl_choice};
use sahasrahbot_tournament::{Error, EventDefinition, HandlerKind};
use sea_orm::{ActiveModelTrait, EntityTrait, Set};
use serde_json::{Value, json};

const SMRL_AUDIT: u64 = 1_080_994_224_880_750_682;

fn smrl() -> EventDefinition {
    EventDefinition {
        racetime_category: "alttpr".into(),
        // The harness's players are members of its guild.
        guild_id: GUILD,
        ..HandlerKind::Smrl.default_definition("smrl")
    }
}

fn form(pairs: &[(&str, &str)]) -> HashMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

async fn harness() -> Harness {
    let h = Harness::new(vec![smrl(), league_event()]).await;
    h.add_player(111, "alice", true).await;
    h.add_player(222, "bob", true).await;
    h.add_episode(episode(
        6001,
        "smrl",
        "Playoffs",
        20,
        vec![player("Alice", "111", ""), player("Bob", "222", "")],
        &[],
    ));
    h
}

fn embed_of(m: &sahasrahbot_core::ports::ChatMessage) -> Value {
    serde_json::from_str(m.embed.as_deref().expect("an embed")).unwrap()
}

#[test]
fn the_smrl_form_is_the_game_select_and_the_game_4_5_preset_select() {
    assert!(
        SubmissionForm::for_event(&HandlerKind::AlttprLeague.default_definition("alttprleague"))
            .is_none()
    );
    let f = SubmissionForm::for_event(&smrl()).expect("smrl has a form");
    assert_eq!(f.kind, FormKind::Smrl);
    assert_eq!(f.event, "smrl");
    let v = serde_json::to_value(&f).unwrap();
    let opts = |i: usize, key: &str| -> Vec<String> {
        v["fields"][i]["options"]
            .as_array()
            .unwrap()
            .iter()
            .map(|o| o[key].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(v["fields"][0]["name"], "game");
    assert_eq!(opts(0, "value"), ["1", "2", "3", "4", "5"]);
    assert_eq!(opts(0, "label"), ["Power", "Varia", "Gravity", "4", "5"]);
    assert_eq!(v["fields"][0]["shown_when"], Value::Null);
    assert_eq!(v["fields"][1]["name"], "preset");
    assert_eq!(
        opts(1, "value"),
        ["RLS4W2", "RLS4W3", "RLS4P1", "classic_mm", "RLS4P2"]
    );
    assert_eq!(
        v["fields"][1]["shown_when"],
        json!({"field": "game", "values": ["4", "5"]})
    );

    let g = SubmissionForm::generic(
        "es",
        vec![(
            "preset".into(),
            "Preset".into(),
            vec![
                sahasrahbot_tournament::engine::submission::FormOption {
                    value: "b".into(),
                    label: "B".into(),
                },
                sahasrahbot_tournament::engine::submission::FormOption {
                    value: "a".into(),
                    label: "A".into(),
                },
            ],
        )],
    );
    assert_eq!(g.kind, FormKind::Generic);
    assert_eq!(g.fields.len(), 1);
    assert_eq!(g.fields[0].options[0].value, "b", "insertion order kept");
    assert!(g.fields[0].shown_when.is_none());
}

#[test]
fn every_game_number_maps_to_its_randomizer_and_preset() {
    type Case = (
        &'static [(&'static str, &'static str)],
        i32,
        &'static str,
        &'static str,
    );
    let cases: [Case; 9] = [
        (&[("game", "1")], 1, "smvaria", "RLS4W5"),
        (&[("game", "2")], 2, "smdash", "recall_mm"),
        (&[("game", "3")], 3, "smvaria", "RLS4GS"),
        // A preset sent for games 1–3 (hidden field) is ignored.
        (
            &[("game", "3"), ("preset", "classic_mm")],
            3,
            "smvaria",
            "RLS4GS",
        ),
        (
            &[("game", "4"), ("preset", "RLS4W2")],
            4,
            "smvaria",
            "RLS4W2",
        ),
        (
            &[("game", "4"), ("preset", "classic_mm")],
            4,
            "smdash",
            "classic_mm",
        ),
        (
            &[("game", "5"), ("preset", "RLS4W3")],
            5,
            "smvaria",
            "RLS4W3",
        ),
        (
            &[("game", "5"), ("preset", "RLS4P1")],
            5,
            "smvaria",
            "RLS4P1",
        ),
        (
            &[("game", "5"), ("preset", "RLS4P2")],
            5,
            "smvaria",
            "RLS4P2",
        ),
    ];
    for (fields, game, randomizer, preset) in cases {
        let c = smrl_choice(&form(fields)).unwrap();
        assert_eq!(
            (c.game_number, c.randomizer.as_str(), c.preset.as_str()),
            (game, randomizer, preset),
            "{fields:?}"
        );
    }
}

#[test]
fn invalid_games_and_presets_are_validation_errors() {
    for fields in [
        &[("game", "6")][..],
        &[("game", "0")],
        &[("game", "abc")],
        &[],
        &[("game", "4")],
        &[("game", "5"), ("preset", "RLS4W5")],
    ] {
        match smrl_choice(&form(fields)) {
            Err(Error::Submission(msg)) => assert!(!msg.is_empty()),
            other => panic!("{fields:?}: {other:?}"),
        }
    }
    let Err(e) = smrl_choice(&form(&[("game", "6")])) else {
        panic!()
    };
    assert_eq!(
        e.to_string(),
        "Invalid game number `6`: choose a game from 1 to 5."
    );
}

#[tokio::test]
async fn a_submission_stores_the_game_posts_the_audit_embed_and_dms_the_players() {
    let h = harness().await;
    h.notifier.fail_users.lock().unwrap().insert(222);
    let done = h
        .engine
        .process_submission_form(
            "smrl",
            6001,
            &form(&[
                ("episodeid", "6001"),
                ("game", "4"),
                ("preset", "classic_mm"),
            ]),
            "carol",
        )
        .await
        .unwrap();
    assert_eq!(done.versus, "alice vs. bob");

    let row = tournament_games::Entity::find_by_id(6001)
        .one(h.db.conn())
        .await
        .unwrap()
        .expect("game row");
    assert_eq!(
        row.settings,
        Some(json!({"randomizer": "smdash", "preset": "classic_mm"}))
    );
    assert_eq!(row.event.as_deref(), Some("smrl"));
    assert_eq!(row.game_number, Some(4));

    let audit = h.notifier.to(ChatTarget::Channel(SMRL_AUDIT));
    assert_eq!(audit.len(), 2, "{audit:#?}");
    let embed = embed_of(&audit[0]);
    assert_eq!(audit[0].content, "");
    assert_eq!(embed["title"], "SMRL - alice vs. bob");
    assert_eq!(
        embed["description"],
        "Thank you for submitting your settings for this race!  Below is what will be played.\nIf this is incorrect, please contact a tournament admin."
    );
    let fields: Vec<(String, String)> = embed["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            assert_eq!(f["inline"], json!(false));
            (
                f["name"].as_str().unwrap().to_owned(),
                f["value"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let expected = [
        ("Episode ID", "6001"),
        ("Event", "smrl"),
        ("Game #", "4"),
        ("Randomizer", "smdash"),
        ("Preset", "classic_mm"),
        ("Submitted by", "carol"),
    ];
    assert_eq!(
        fields,
        expected
            .iter()
            .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
            .collect::<Vec<_>>()
    );
    // Bob's DM failed: the audit gets @here with the embed.
    assert_eq!(audit[1].content, "@here could not send DM to bob");
    assert_eq!(audit[1].allowed_mentions, AllowedMentions::UsersAndEveryone);
    assert_eq!(embed_of(&audit[1]), embed);
    // Alice got the embed.
    let dms = h.notifier.to(ChatTarget::User(111));
    assert_eq!(dms.len(), 1);
    assert_eq!(embed_of(&dms[0]), embed);

    // Submitting again updates the same row and keeps the reminder flag.
    let mut row: tournament_games::ActiveModel = row.into();
    row.submitted = Set(Some(1));
    row.update(h.db.conn()).await.unwrap();
    h.engine
        .process_submission_form("smrl", 6001, &form(&[("game", "1")]), "carol")
        .await
        .unwrap();
    let row = tournament_games::Entity::find_by_id(6001)
        .one(h.db.conn())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        row.settings,
        Some(json!({"randomizer": "smvaria", "preset": "RLS4W5"}))
    );
    assert_eq!(row.game_number, Some(1));
    assert_eq!(row.submitted, Some(1));
}

#[tokio::test]
async fn a_refused_submission_writes_and_sends_nothing() {
    let h = harness().await;
    // The GET side: only an active event with a form has one.
    assert_eq!(
        h.engine.submission_form("smrl"),
        Some(SubmissionForm::smrl("smrl"))
    );
    assert_eq!(h.engine.submission_form("alttprleague"), None);
    assert_eq!(h.engine.submission_form("nosuchevent"), None);
    for (event, fields) in [
        ("smrl", form(&[("game", "7")])),
        ("smrl", form(&[("game", "4"), ("preset", "evil")])),
        ("alttprleague", form(&[("game", "1")])),
        ("nosuchevent", form(&[("game", "1")])),
    ] {
        let e = h
            .engine
            .process_submission_form(event, 6001, &fields, "carol")
            .await
            .expect_err("refused");
        assert!(matches!(e, Error::Submission(_)), "{e:?}");
    }
    // An episode whose runner cannot be resolved fails before anything is written.
    h.add_episode(episode(
        6002,
        "smrl",
        "Playoffs",
        20,
        vec![player("Zed", "999", "")],
        &[],
    ));
    let e = h
        .engine
        .process_submission_form("smrl", 6002, &form(&[("game", "1")]), "carol")
        .await
        .expect_err("unresolved player");
    assert!(matches!(e, Error::Player(_)), "{e:?}");
    assert!(
        tournament_games::Entity::find()
            .all(h.db.conn())
            .await
            .unwrap()
            .is_empty()
    );
    assert!(h.notifier.all().is_empty(), "{:#?}", h.notifier.all());
}

#[tokio::test]
async fn after_a_submission_the_room_gate_opens_the_room() {
    let h = harness().await;
    let def = smrl();
    assert_eq!(
        h.engine.create_room(&def, 6001).await.unwrap(),
        CreateOutcome::Skipped("settings not submitted")
    );
    h.engine
        .process_submission_form("smrl", 6001, &form(&[("game", "3")]), "alice")
        .await
        .unwrap();
    let CreateOutcome::Created(room) = h.engine.create_room(&def, 6001).await.unwrap() else {
        panic!("no room");
    };
    assert_eq!(h.startrace_count(), 1);
    assert_eq!(
        h.fake.race(&room)["info_user"],
        "SMRL - alice vs. bob - Playoffs - Game #3 - 6001"
    );
    let race = h.engine.linked(&room).expect("linked");
    assert_eq!(
        race.smrl_settings(),
        Some(("smvaria".to_owned(), "RLS4GS".to_owned()))
    );
}
