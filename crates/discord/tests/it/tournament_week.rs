//! [`DiscordWeekPorts`] (the tournament `week_races` ports) through the fake Discord: the
//! exact REST calls for guild scheduled events and the scheduling-needs board, 404 as
//! NotFound, and the bot's own message among the last 50.

use crate::common;

use chrono::{TimeZone, Utc};
use common::bot_settings;
use sahasrahbot_discord::DiscordWeekPorts;
use sahasrahbot_testkit::discord::{FakeDiscord, FakeUser};
use sahasrahbot_tournament::week::{
    ChannelBoard, DiscordPortError, EventSpec, EventStatus, ScheduledEvents,
};
use serde_json::json;

async fn setup() -> (FakeDiscord, DiscordWeekPorts) {
    let fake = FakeDiscord::start().await.expect("fake discord");
    let settings = bot_settings(&fake);
    let ports = DiscordWeekPorts::from_settings(&settings);
    (fake, ports)
}

fn spec(name: &str) -> EventSpec {
    let start = Utc.with_ymd_and_hms(2026, 2, 13, 0, 0, 0).unwrap();
    EventSpec {
        name: name.to_owned(),
        description: "Start Time: <t:1770940800:f>".to_owned(),
        start,
        end: start + chrono::Duration::hours(2),
        location: "https://twitch.tv/ALTTPRandomizer".to_owned(),
    }
}

#[tokio::test]
async fn scheduled_events_are_created_read_edited_and_deleted() {
    let (fake, ports) = setup().await;
    let guild = fake.guild_id();
    let path = format!("/guilds/{guild}/scheduled-events");

    let id = ports
        .create(guild, &spec("INVLEAGUE - Week 1 - a vs. b"))
        .await
        .unwrap();
    let calls = fake.calls_to(&path);
    assert_eq!(calls.len(), 1);
    assert_eq!(calls[0].method, "POST");
    let body = &calls[0].body;
    assert_eq!(body["name"], "INVLEAGUE - Week 1 - a vs. b");
    assert_eq!(body["description"], "Start Time: <t:1770940800:f>");
    assert_eq!(body["entity_type"], 3, "external");
    assert_eq!(body["privacy_level"], 2, "guild only");
    assert_eq!(
        body["entity_metadata"],
        json!({"location": "https://twitch.tv/ALTTPRandomizer"})
    );
    let start =
        chrono::DateTime::parse_from_rfc3339(body["scheduled_start_time"].as_str().unwrap())
            .unwrap();
    let end =
        chrono::DateTime::parse_from_rfc3339(body["scheduled_end_time"].as_str().unwrap()).unwrap();
    assert_eq!(start.timestamp(), 1_770_940_800);
    assert_eq!(end - start, chrono::Duration::hours(2));

    // Read back: the same spec, scheduled.
    let got = ports.get(guild, id).await.unwrap();
    assert_eq!(got.id, id);
    assert_eq!(got.status, EventStatus::Scheduled);
    assert_eq!(got.spec, spec("INVLEAGUE - Week 1 - a vs. b"));

    // Edit: every field is sent; the fake keeps the change.
    fake.clear_rest_calls();
    let renamed = EventSpec {
        location: "https://multistre.am/a_tv/b_tv/layout3/".to_owned(),
        ..spec("INVLEAGUE - Semifinal - a vs. b")
    };
    ports.edit(guild, id, &renamed).await.unwrap();
    let calls = fake.rest_calls();
    assert_eq!(calls.len(), 1);
    assert_eq!(
        (calls[0].method.as_str(), calls[0].path.clone()),
        ("PATCH", format!("{path}/{id}"))
    );
    assert_eq!(calls[0].body["name"], "INVLEAGUE - Semifinal - a vs. b");
    assert_eq!(calls[0].body["entity_type"], 3);
    assert_eq!(
        calls[0].body["entity_metadata"]["location"],
        "https://multistre.am/a_tv/b_tv/layout3/"
    );
    assert_eq!(ports.get(guild, id).await.unwrap().spec, renamed);

    // A running event reads as active.
    fake.set_scheduled_event_status(id, 2);
    assert_eq!(
        ports.get(guild, id).await.unwrap().status,
        EventStatus::Active
    );

    // Delete, then every route answers NotFound.
    ports.delete(guild, id).await.unwrap();
    assert!(fake.scheduled_events().is_empty());
    assert_eq!(
        ports.get(guild, id).await.unwrap_err(),
        DiscordPortError::NotFound
    );
    assert_eq!(
        ports.edit(guild, id, &renamed).await.unwrap_err(),
        DiscordPortError::NotFound
    );
    assert_eq!(
        ports.delete(guild, id).await.unwrap_err(),
        DiscordPortError::NotFound
    );
}

#[tokio::test]
async fn an_event_removed_on_discord_reads_as_not_found() {
    let (fake, ports) = setup().await;
    let guild = fake.guild_id();
    let id = ports.create(guild, &spec("ALTTPR - Q1")).await.unwrap();
    fake.remove_scheduled_event(id);
    assert_eq!(
        ports.get(guild, id).await.unwrap_err(),
        DiscordPortError::NotFound
    );
    // Another failure is not NotFound.
    fake.fail_route("GET", &format!("/guilds/{guild}/scheduled-events/"), 500, 1);
    assert!(matches!(
        ports.get(guild, id).await.unwrap_err(),
        DiscordPortError::Failed(_)
    ));
}

#[tokio::test]
async fn the_board_finds_the_bots_newest_message_among_the_last_50() {
    let (fake, ports) = setup().await;
    let channel = fake.channel_id();
    let someone = FakeUser::member(301, "someone");

    // Only other people's messages: none found, a new message is sent.
    fake.add_channel_message(channel, Some(&someone), "hi", "2026-02-12T22:00:00+00:00");
    assert_eq!(ports.find_own_message(channel).await.unwrap(), None);
    let list = fake.calls_to(&format!("/channels/{channel}/messages"));
    assert_eq!(list.last().map(|c| c.query.as_str()), Some("limit=50"));
    let embed = json!({"title": "Scheduling Needs", "fields": []});
    let sent = ports.send_embed(channel, &embed).await.unwrap();
    let post = fake
        .rest_calls()
        .into_iter()
        .rfind(|c| c.method == "POST")
        .expect("the board post");
    assert_eq!(post.path, format!("/channels/{channel}/messages"));
    assert_eq!(post.body["embeds"], json!([embed]));
    assert!(sent > 0);

    // Two bot messages, listed after the other one (the fake lists in the order added,
    // newest first): the first bot message of the list is the one edited.
    let newest = fake.add_channel_message(channel, None, "", "2026-02-12T21:00:00+00:00");
    fake.add_channel_message(channel, None, "", "2026-02-12T20:00:00+00:00");
    let message = ports
        .find_own_message(channel)
        .await
        .unwrap()
        .expect("a bot message");
    assert_eq!(message, newest);
    ports.edit_embed(channel, message, &embed).await.unwrap();
    let patch = fake.rest_calls().pop().expect("the edit");
    assert_eq!(
        (patch.method.as_str(), patch.path),
        ("PATCH", format!("/channels/{channel}/messages/{message}"))
    );
    assert_eq!(patch.body["embeds"], json!([embed]));
    // The bot user is read once.
    assert_eq!(fake.calls_to("/users/@me").len(), 1);
}

// ------------------------------------------------------------------ the loop end to end

mod end_to_end {
    use std::sync::{Arc, Mutex};

    use async_trait::async_trait;
    use chrono::{DateTime, TimeZone, Utc};
    use sahasrahbot_core::db::entities::{scheduledevents, users};
    use sahasrahbot_core::ports::{ChatMessage, ChatNotifier, ChatTarget, NotifyError};
    use sahasrahbot_discord::{DiscordDirectory, DiscordWeekPorts};
    use sahasrahbot_testkit::db::TestDb;
    use sahasrahbot_testkit::discord::{FakeDiscord, FakeUser};
    use sahasrahbot_tournament::week::{WeekConfig, WeekRaces, WeekServices};
    use sahasrahbot_tournament::{EventDefinition, HandlerKind, SpeedGaming};
    use sea_orm::{ActiveModelTrait, EntityTrait, Set};
    use serde_json::{Value, json};
    use wiremock::matchers::{method, path};
    use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 2, 12, 23, 0, 0).unwrap()
    }

    #[derive(Clone, Default)]
    struct Sg(Arc<Mutex<Vec<Value>>>);

    impl Respond for Sg {
        fn respond(&self, _req: &Request) -> ResponseTemplate {
            let body = serde_json::to_vec(&*self.0.lock().unwrap()).unwrap();
            ResponseTemplate::new(200).set_body_raw(body, "text/html")
        }
    }

    #[derive(Default)]
    struct Silent;

    #[async_trait]
    impl ChatNotifier for Silent {
        async fn notify(&self, _: ChatTarget, _: ChatMessage) -> Result<(), NotifyError> {
            Ok(())
        }
    }

    fn episode(title: &str) -> Value {
        let when = now() + chrono::Duration::hours(3);
        json!({
            "id": 501,
            "event": {"slug": "alttpr", "shortName": "ALTTPR", "name": "ALTTPR"},
            "match1": {"title": title, "players": [
                {"displayName": "Runner", "discordId": "301", "discordTag": "", "publicStream": "",
                 "streamingFrom": "runner_tv"}]},
            "match2": null,
            "when": when.to_rfc3339(),
            "whenCountdown": when.to_rfc3339(),
            "channels": [{"id": 5, "name": "ALTTPRandomizer", "slug": "ALTTPRandomizer", "language": "en"}],
            "commentators": [], "trackers": [], "broadcasters": [],
        })
    }

    /// T3/T4 of `discord.md`: the first tick creates the scheduled event and posts the
    /// board; a changed title edits the event and the board; a vanished episode deletes the
    /// event and its row.
    #[tokio::test]
    async fn week_races_through_the_fake_discord() {
        let fake = FakeDiscord::start().await.expect("fake discord");
        let guild = fake.guild_id();
        let board = fake.channel_id();
        fake.add_member(&FakeUser::member(301, "runner"));
        let settings = crate::common::bot_settings(&fake);
        let db = TestDb::sqlite().await;
        sahasrahbot_migrations::migrate(db.conn())
            .await
            .expect("migrations");
        users::ActiveModel {
            discord_user_id: Set(Some(301)),
            display_name: Set(Some("runner".into())),
            created: Set(now().naive_utc()),
            updated: Set(now().naive_utc()),
            test_user: Set(false),
            ..Default::default()
        }
        .insert(db.conn())
        .await
        .expect("user row");
        let server = MockServer::start().await;
        let sg = Sg::default();
        Mock::given(method("GET"))
            .and(path("/schedule"))
            .respond_with(sg.clone())
            .mount(&server)
            .await;
        // An event with players (the base handler), scheduled events and the board.
        let event = EventDefinition {
            guild_id: guild,
            create_scheduled_events: true,
            scheduling_needs_channel: Some(board),
            ..HandlerKind::Test.default_definition("alttpr")
        };
        let ports = Arc::new(DiscordWeekPorts::from_settings(&settings));
        let week = WeekRaces::new(
            WeekServices {
                db: db.conn().clone(),
                speedgaming: SpeedGaming::new(reqwest::Client::new(), server.uri()),
                guilds: Arc::new(DiscordDirectory::from_settings(&settings)),
                notifier: Arc::new(Silent),
                events: ports.clone(),
                board: ports,
                config: WeekConfig::default(),
                clock: Arc::new(now),
            },
            vec![event],
        );
        let events_path = format!("/guilds/{guild}/scheduled-events");
        let writes = |fake: &FakeDiscord| -> Vec<(String, String)> {
            fake.rest_calls()
                .into_iter()
                .filter(|c| c.method != "GET")
                .map(|c| (c.method, c.path))
                .collect()
        };

        *sg.0.lock().unwrap() = vec![episode("Round 1")];
        week.tick().await;
        let created = fake.scheduled_events();
        assert_eq!(created.len(), 1);
        assert_eq!(created[0]["name"], "ALTTPR - Round 1 - runner");
        assert_eq!(
            created[0]["entity_metadata"]["location"],
            "https://twitch.tv/ALTTPRandomizer"
        );
        let id: u64 = created[0]["id"].as_str().unwrap().parse().unwrap();
        assert_eq!(
            writes(&fake),
            [
                ("POST".to_owned(), events_path.clone()),
                ("POST".to_owned(), format!("/channels/{board}/messages")),
            ]
        );
        let rows = scheduledevents::Entity::find()
            .all(db.conn())
            .await
            .unwrap();
        assert_eq!(rows.len(), 1);
        assert_eq!(
            (rows[0].scheduled_event_id, rows[0].episode_id),
            (i64::try_from(id).unwrap(), 501)
        );

        // The board message now exists among the channel's messages.
        let message = fake.add_channel_message(board, None, "", "2026-02-12T23:00:00+00:00");
        fake.clear_rest_calls();
        *sg.0.lock().unwrap() = vec![episode("Round 2")];
        week.tick().await;
        assert_eq!(
            writes(&fake),
            [
                ("PATCH".to_owned(), format!("{events_path}/{id}")),
                (
                    "PATCH".to_owned(),
                    format!("/channels/{board}/messages/{message}")
                ),
            ]
        );
        assert_eq!(
            fake.scheduled_events()[0]["name"],
            "ALTTPR - Round 2 - runner"
        );

        // Unchanged: reads only (the board is always refreshed).
        fake.clear_rest_calls();
        week.tick().await;
        assert_eq!(
            writes(&fake),
            [(
                "PATCH".to_owned(),
                format!("/channels/{board}/messages/{message}")
            )]
        );

        // The episode left the schedule: the event and its row are deleted.
        fake.clear_rest_calls();
        sg.0.lock().unwrap().clear();
        week.tick().await;
        assert_eq!(
            writes(&fake),
            [
                ("DELETE".to_owned(), format!("{events_path}/{id}")),
                (
                    "PATCH".to_owned(),
                    format!("/channels/{board}/messages/{message}")
                ),
            ]
        );
        assert!(fake.scheduled_events().is_empty());
        assert!(
            scheduledevents::Entity::find()
                .all(db.conn())
                .await
                .unwrap()
                .is_empty()
        );
    }
}
