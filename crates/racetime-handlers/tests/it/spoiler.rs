//! Spoiler races end to end (racetime.md §4 rows 15–19): the `spoiler_races` row on every
//! test database backend, the log at the start, the countdown, and its resumption.

use crate::common;

use std::time::Duration;

use common::{CODE, Harness};
use sahasrahbot_core::db::entities::spoiler_races;
use sahasrahbot_racetime_handlers::categories::{Alttpr, Smz3};
use sahasrahbot_racetime_handlers::core::texts;
use sahasrahbot_testkit::db::TestDb;
use sahasrahbot_testkit::racetime::NewRace;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, ResponseTemplate};

async fn row(h: &Harness, room: &str) -> Option<spoiler_races::Model> {
    spoiler_races::Entity::find()
        .filter(spoiler_races::Column::SrlId.eq(room))
        .one(h.db.conn())
        .await
        .expect("query")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn newrace_spoiler_race_stores_the_row_then_posts_the_log_and_counts_down() {
    for db in TestDb::all().await {
        let backend = db.name();
        let h = Harness::with_db("alttpr", db).await;
        h.mock_alttpr("/live", "Spoil1").await;
        h.start::<Alttpr>().await;
        let room = h.open(NewRace::default()).await;
        let user = h.fake.add_user("runner", false);
        h.say(
            &room,
            &user,
            "!newrace --preset=standard --spoiler_race --countdown=3",
        )
        .await;
        let notice = "The spoiler log for this race will be sent after the race begins in this room.  A 3s countdown timer at that time will begin.";
        h.wait_message(&room, notice).await;
        let msgs = h.messages(&room);
        let url = &msgs[2];
        assert_eq!(
            h.info_bot(&room),
            format!("spoiler standard - {url} - ({CODE})"),
            "{backend}"
        );
        let r = row(&h, &room).await.expect("row");
        assert_eq!(r.studytime, Some(3), "{backend}");
        assert_eq!(
            r.spoiler_url.as_deref(),
            Some("https://spoilers.example/Spoil1-full.txt")
        );
        assert!(r.started.is_none());
        let reqs = h.provider_requests().await;
        assert_eq!(reqs[0].1["spoilers"], "generate");

        h.fake.set_status(&room, "in_progress");
        h.wait_message(&room, "Log study has finished.  Begin racing!")
            .await;
        let msgs = h.messages(&room);
        let start = msgs
            .iter()
            .position(|m| m == "Sending spoiler log...")
            .unwrap();
        assert_eq!(
            msgs[start..],
            [
                "Sending spoiler log...",
                "---------------",
                "This race's spoiler log: https://spoilers.example/Spoil1-full.txt",
                "---------------",
                "GLHF! :mudora:",
                "3 second(s) remain!",
                "2 second(s) remain!",
                "1 second(s) remain!",
                "Log study has finished.  Begin racing!",
            ],
            "{backend}"
        );
        assert!(row(&h, &room).await.unwrap().started.is_some(), "{backend}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn spoiler_defaults_to_900_and_progression_begins_at_once() {
    let h = Harness::new("alttpr").await;
    h.mock_alttpr("/default", "Spoil2").await;
    h.start::<Alttpr>().await;
    let user = h.fake.add_user("runner", false);

    let room = h.open(NewRace::default()).await;
    h.say(&room, &user, "!spoiler standard").await;
    h.wait_message(&room, "The spoiler log for this race will be sent after the race begins in this room.  A 900s countdown timer at that time will begin.").await;
    assert_eq!(row(&h, &room).await.unwrap().studytime, Some(900));

    let room2 = h.open(NewRace::default()).await;
    h.say(&room2, &user, "!progression standard").await;
    h.wait_message(
        &room2,
        "The progression spoiler for this race will be sent after the race begins in this room.",
    )
    .await;
    assert_eq!(row(&h, &room2).await.unwrap().studytime, Some(0));
    assert_eq!(
        row(&h, &room2).await.unwrap().spoiler_url.as_deref(),
        Some("https://spoilers.example/Spoil2-progression.txt")
    );
    h.fake.set_status(&room2, "in_progress");
    h.wait_message(&room2, "Log study has finished.  Begin racing!")
        .await;
    let msgs = h.messages(&room2);
    let glhf = msgs.iter().position(|m| m == "GLHF! :mudora:").unwrap();
    assert_eq!(msgs[glhf + 1], "Log study has finished.  Begin racing!");

    // alttpr `!cancel` deletes the scheduled spoiler race.
    let monitor = h.fake.add_user("mod", true);
    h.say(&room, &monitor, "!cancel").await;
    h.wait_message(&room, texts::CANCEL).await;
    assert!(row(&h, &room).await.is_none());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tournamentspoiler_rolls_on_the_tournament_site_with_its_study_time() {
    let h = Harness::new("alttpr").await;
    // Only the tournament site answers: a roll anywhere else would fail.
    h.mock_alttpr("/tournament", "Spoil4").await;
    h.start::<Alttpr>().await;
    let user = h.fake.add_user("runner", false);
    let room = h.open(NewRace::default()).await;
    h.say(&room, &user, "!tournamentspoiler standard 600").await;
    h.wait_message(&room, "The spoiler log for this race will be sent after the race begins in this room.  A 600s countdown timer at that time will begin.").await;
    let r = row(&h, &room).await.expect("row");
    assert_eq!(r.studytime, Some(600));
    assert_eq!(
        r.spoiler_url.as_deref(),
        Some("https://spoilers.example/Spoil4-full.txt")
    );
    let reqs = h.provider_requests().await;
    assert_eq!(reqs.len(), 1, "{reqs:?}");
    assert!(reqs[0].0.starts_with("/tournament/"), "{}", reqs[0].0);
    assert_eq!(reqs[0].1["spoilers"], "generate");
    assert_eq!(reqs[0].1["tournament"], true);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_countdown_resumes_after_a_restart() {
    for db in TestDb::all().await {
        let backend = db.name();
        let h = Harness::with_db("alttpr", db).await;
        let room = h.fake.open_race(NewRace::default());
        h.fake.set_status(&room, "in_progress");
        // The bot "died" 57 s into a 60 s study time.
        spoiler_races::ActiveModel {
            srl_id: Set(Some(room.clone())),
            spoiler_url: Set(Some("https://spoilers.example/x.txt".to_owned())),
            studytime: Set(Some(60)),
            date: Set(chrono::Utc::now().naive_utc()),
            started: Set(Some(
                chrono::Utc::now().naive_utc() - chrono::Duration::seconds(57),
            )),
            ..Default::default()
        }
        .insert(h.db.conn())
        .await
        .expect("row");
        h.start::<Alttpr>().await;
        h.wait_message(&room, "Log study has finished.  Begin racing!")
            .await;
        let msgs = h.messages(&room);
        assert_eq!(
            msgs.last().unwrap(),
            "Log study has finished.  Begin racing!",
            "{backend}"
        );
        assert!(
            msgs.iter().any(|m| m == "1 second(s) remain!"),
            "{backend}: {msgs:#?}"
        );
        assert!(
            !msgs.iter().any(|m| m == "30 second(s) remain!"),
            "{backend}: {msgs:#?}"
        );
        assert!(
            !msgs.iter().any(|m| m == "Sending spoiler log..."),
            "{backend}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn smz3_spoiler_defaults_to_1500_seconds() {
    let h = Harness::new("smz3").await;
    Mock::given(method("POST"))
        .and(path("/smz3/api/randomizers/smz3/generate"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "guid": "0123456789abcdef0123456789abcdef",
            "hash": "ABCD",
        })))
        .mount(&h.providers)
        .await;
    h.start::<Smz3>().await;
    let room = h.open(NewRace::default()).await;
    let user = h.fake.add_user("runner", false);
    h.say(&room, &user, "!spoiler normal").await;
    h.wait_message(&room, "The spoiler log for this race will be sent after the race begins in this room.  A 1500s countdown timer at that time will begin.").await;
    let r = row(&h, &room).await.unwrap();
    assert_eq!(r.studytime, Some(1500));
    assert!(
        r.spoiler_url
            .unwrap()
            .contains("/api/spoiler/0123456789abcdef0123456789abcdef?key=")
    );
    let info = h.info_bot(&room);
    assert!(info.starts_with("spoiler normal - "), "{info}");
    assert!(info.ends_with(" - (ABCD)"), "{info}");
    tokio::time::sleep(Duration::from_millis(10)).await;
}
