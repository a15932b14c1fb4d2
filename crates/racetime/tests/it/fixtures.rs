//! The recorded racetime.gg frames (`../shared/fixtures/racetime`): the client parses every
//! server frame, its action frames have the recorded shapes, and the testkit fake answers with
//! the recorded shapes. Skips with a printed reason when `../shared` is absent.

use crate::common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use common::{WAIT, start_bot, test_config};
use sahasrahbot_racetime::{MessageOptions, ServerMessage};
use sahasrahbot_testkit::racetime::{FakeRacetime, NewRace};
use serde_json::Value;

fn fixtures() -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/fixtures/racetime");
    if dir.is_dir() {
        Some(dir)
    } else {
        #[allow(clippy::print_stderr)] // the skip reason must show in the test output
        {
            eprintln!("skipping: {} is absent", dir.display());
        }
        None
    }
}

fn observations(dir: &Path, file: &str) -> Vec<Value> {
    let text = std::fs::read_to_string(dir.join(file)).unwrap();
    let v: Value = serde_json::from_str(&text).unwrap();
    v["observations"].as_array().unwrap().clone()
}

fn keys(v: &Value) -> BTreeSet<String> {
    v.as_object()
        .map(|o| o.keys().cloned().collect())
        .unwrap_or_default()
}

#[test]
fn every_recorded_server_frame_parses() {
    let Some(dir) = fixtures() else { return };
    let mut parsed = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let name = entry.unwrap().file_name().into_string().unwrap();
        if !name.starts_with("ws_recv__") {
            continue;
        }
        for obs in observations(&dir, &name) {
            let text = obs["payload"].to_string();
            let msg = ServerMessage::parse(&text)
                .unwrap_or_else(|e| panic!("{name} seq {}: {e}", obs["seq"]));
            match (&msg, obs["payload"]["type"].as_str().unwrap()) {
                (ServerMessage::RaceData(r), "race.data") => {
                    assert!(r.name.starts_with("alttpr/"));
                    assert!(r.version > 0);
                }
                (ServerMessage::ChatMessage(_), "chat.message")
                | (ServerMessage::ChatHistory(_), "chat.history")
                | (ServerMessage::Error(_), "error")
                | (ServerMessage::Pong, "pong")
                | (ServerMessage::RaceRenders, "race.renders")
                | (ServerMessage::ChatDm { .. }, "chat.dm")
                | (ServerMessage::ChatPin(_), "chat.pin")
                | (ServerMessage::ChatUnpin(_), "chat.unpin")
                | (ServerMessage::Other { .. }, "authenticated") => {}
                (m, t) => panic!("{name}: {t} parsed as {m:?}"),
            }
            parsed += 1;
        }
    }
    assert!(parsed > 200, "{parsed} frames");
    // The recorded history is non-empty and every entry parses.
    let hist = &observations(&dir, "ws_recv__chat_history.json")[0]["payload"];
    let ServerMessage::ChatHistory(msgs) = ServerMessage::parse(&hist.to_string()).unwrap() else {
        panic!()
    };
    assert_eq!(msgs.len(), hist["messages"].as_array().unwrap().len());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn client_frames_and_fake_answers_have_the_recorded_shapes() {
    let Some(dir) = fixtures() else { return };
    let fake = FakeRacetime::start().await.unwrap();
    let bot = start_bot(test_config(&fake)).await;
    let room_name = fake.open_race(NewRace::default());
    let racer = fake.add_entrant(&room_name, "RacerOne");
    assert!(
        fake.wait_until(WAIT, |f| f.open_bot_sockets(&room_name) == 1)
            .await
    );
    let room = bot.registry.get(&room_name).unwrap().room().clone();

    // Client → server frames, one per recorded action.
    room.send_message_with("hello", MessageOptions::default())
        .unwrap();
    room.set_bot_raceinfo("info").unwrap();
    let mut meta = serde_json::Map::new();
    meta.insert("preset".into(), "open".into());
    room.set_bot_meta(meta).unwrap();
    room.make_invitational().unwrap();
    room.make_open().unwrap();
    room.force_start().unwrap();
    room.invite_user(&racer).unwrap();
    room.accept_request(&racer).unwrap();
    room.force_unready(&racer).unwrap();
    room.add_monitor(&racer).unwrap();
    room.remove_monitor(&racer).unwrap();
    room.override_stream(&racer).unwrap();
    room.pin_message("abc").unwrap();
    room.unpin_message("abc").unwrap();
    room.get_race().unwrap();
    room.get_history().unwrap();
    room.remove_entrant(&racer).unwrap();
    room.cancel_race().unwrap();
    assert!(
        fake.wait_until(WAIT, |f| f
            .bot_actions(&room_name)
            .iter()
            .any(|a| a["action"] == "cancel"))
            .await
    );
    let sent = fake.bot_actions(&room_name);
    for action in [
        "message",
        "setinfo",
        "setmeta",
        "make_invitational",
        "make_open",
        "begin",
        "invite",
        "accept_request",
        "force_unready",
        "add_monitor",
        "remove_monitor",
        "override_stream",
        "pin_message",
        "unpin_message",
        "getrace",
        "gethistory",
        "remove_entrant",
        "cancel",
    ] {
        let recorded = &observations(&dir, &format!("ws_send__{action}.json"))[0]["payload"];
        let ours = sent
            .iter()
            .find(|a| a["action"] == action)
            .unwrap_or_else(|| panic!("{action} not sent"));
        // The server treats a missing `data` like `{}` (the recordings have both forms).
        let data = |v: &Value| {
            v.get("data")
                .cloned()
                .unwrap_or_else(|| Value::Object(Default::default()))
        };
        assert_eq!(ours["action"], recorded["action"]);
        match action {
            // Free-form payloads: only the recorded field names must be among ours.
            "setmeta" | "setinfo" => {}
            // We always send guid/pinned/actions/direct_to; the recording has message + guid.
            "message" => {
                let ours = keys(&data(ours));
                assert!(
                    keys(&data(recorded)).is_subset(&ours),
                    "message data {ours:?}"
                );
            }
            _ => assert_eq!(keys(&data(ours)), keys(&data(recorded)), "{action} data"),
        }
    }

    // Server → client shapes from the fake match the recordings.
    fake.add_entrant(&room_name, "RacerTwo");
    let http = reqwest_get(&fake, &format!("/{room_name}/data")).await;
    let recorded_race = &observations(&dir, "http__race_data.json")[0]["payload"];
    assert_eq!(keys(&http), keys(recorded_race), "race JSON keys");
    let entrant = &http["entrants"][0];
    let recorded_entrant =
        &observations(&dir, "http__race_data_in_progress.json")[0]["payload"]["entrants"][0];
    assert_eq!(keys(entrant), keys(recorded_entrant), "entrant keys");
    assert_eq!(
        keys(&entrant["user"]),
        keys(&recorded_entrant["user"]),
        "user keys"
    );

    fake.open_race(NewRace::default());
    let cat = reqwest_get(&fake, "/alttpr/data").await;
    let recorded_cat = &observations(&dir, "http__category_data_with_race.json")[0]["payload"];
    assert_eq!(keys(&cat), keys(recorded_cat), "category keys");
    assert_eq!(
        keys(&cat["current_races"][0]),
        keys(&recorded_cat["current_races"][0]),
        "race summary keys"
    );

    let chat = fake.chat_log(&room_name);
    let recorded_chat = &observations(&dir, "ws_recv__chat_message.json")[0]["payload"]["message"];
    assert_eq!(keys(&chat[0]), keys(recorded_chat), "chat message keys");
    bot.cancel.cancel();
}

async fn reqwest_get(fake: &FakeRacetime, path: &str) -> Value {
    reqwest::get(format!("{}{path}", fake.base_url()))
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}
