//! The `week_races` loop (P32, P39, P40, loop timing and per-event isolation) against a
//! wiremock SpeedGaming (JSON served as `text/html`), in-memory fakes of the Discord ports
//! that record every call, a recording notifier and a migrated test database (SQLite, plus
//! MariaDB / PostgreSQL when configured).

use crate::common::{FakeGuilds, RecordingNotifier, SgState};

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, TimeZone, Utc};
use sahasrahbot_core::db::entities::{scheduledevents, tournament_games, users};
use sahasrahbot_core::ports::ChatTarget;
use sahasrahbot_racetime::CancellationToken;
use sahasrahbot_testkit::db::TestDb;
use sahasrahbot_tournament::week::{
    ChannelBoard, DiscordPortError, EventSpec, EventStatus, GuildEvent, ScheduledEvents,
    WeekConfig, WeekRaces, WeekServices, every,
};
use sahasrahbot_tournament::{EventDefinition, HandlerKind, SpeedGaming};
use sea_orm::{ActiveModelTrait, EntityTrait, QueryOrder, Set};
use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer};

const GUILD: u64 = 543_577_975_032_119_296;
const AUDIT: u64 = 546_728_638_272_241_674;
const BOARD: u64 = 434_560_353_461_075_969;
const APP_URL: &str = "https://app.example";

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 2, 12, 23, 0, 0).unwrap()
}

// ---------------------------------------------------------------- SpeedGaming

fn player(name: &str, discord_id: &str, tag: &str) -> Value {
    json!({"displayName": name, "discordId": discord_id, "discordTag": tag,
           "publicStream": "", "streamingFrom": format!("{}_tv", name.to_lowercase())})
}

fn when(minutes: i64) -> DateTime<Utc> {
    now() + chrono::Duration::minutes(minutes)
}

/// An episode of `event` whose `when` is `minutes` from [`now`]; `channels` are
/// `(id, name, slug, language)`.
fn episode(
    id: i64,
    event: &str,
    title: &str,
    minutes: i64,
    players: Vec<Value>,
    channels: &[(i64, &str, &str, &str)],
) -> Value {
    let w = when(minutes);
    let channels: Vec<Value> = channels
        .iter()
        .map(|(id, name, slug, lang)| json!({"id": id, "name": name, "slug": slug, "language": lang}))
        .collect();
    json!({
        "id": id,
        "event": {"slug": event, "shortName": event.to_uppercase(), "name": event},
        "match1": {"title": title, "players": players},
        "match2": null,
        "when": w.with_timezone(&chrono_tz::US::Eastern).format("%Y-%m-%dT%H:%M:%S%:z").to_string(),
        "whenCountdown": (w + chrono::Duration::minutes(10)).with_timezone(&chrono_tz::US::Eastern).to_rfc3339(),
        "channels": channels,
        "commentators": [], "trackers": [], "broadcasters": [],
    })
}

// ---------------------------------------------------------------- Discord fakes

#[derive(Default)]
struct FakeEvents {
    events: Mutex<HashMap<u64, GuildEvent>>,
    calls: Mutex<Vec<String>>,
    next: Mutex<u64>,
}

impl FakeEvents {
    fn calls(&self) -> Vec<String> {
        std::mem::take(&mut *self.calls.lock().unwrap())
    }
    fn event(&self, id: u64) -> Option<GuildEvent> {
        self.events.lock().unwrap().get(&id).cloned()
    }
    fn remove(&self, id: u64) {
        self.events.lock().unwrap().remove(&id);
    }
    fn insert(&self, id: u64, status: EventStatus) {
        let spec = EventSpec {
            name: "OLD".into(),
            description: String::new(),
            start: now(),
            end: now(),
            location: "TBD".into(),
        };
        self.events
            .lock()
            .unwrap()
            .insert(id, GuildEvent { id, status, spec });
    }
}

#[async_trait]
impl ScheduledEvents for FakeEvents {
    async fn get(&self, guild: u64, id: u64) -> Result<GuildEvent, DiscordPortError> {
        assert_eq!(guild, GUILD);
        self.calls.lock().unwrap().push(format!("get {id}"));
        self.event(id).ok_or(DiscordPortError::NotFound)
    }
    async fn create(&self, guild: u64, spec: &EventSpec) -> Result<u64, DiscordPortError> {
        assert_eq!(guild, GUILD);
        let id = {
            let mut n = self.next.lock().unwrap();
            *n += 1;
            9_000 + *n
        };
        self.calls.lock().unwrap().push(format!("create {id}"));
        self.events.lock().unwrap().insert(
            id,
            GuildEvent {
                id,
                status: EventStatus::Scheduled,
                spec: spec.clone(),
            },
        );
        Ok(id)
    }
    async fn edit(&self, guild: u64, id: u64, spec: &EventSpec) -> Result<(), DiscordPortError> {
        assert_eq!(guild, GUILD);
        self.calls.lock().unwrap().push(format!("edit {id}"));
        match self.events.lock().unwrap().get_mut(&id) {
            Some(e) => {
                e.spec = spec.clone();
                Ok(())
            }
            None => Err(DiscordPortError::NotFound),
        }
    }
    async fn delete(&self, guild: u64, id: u64) -> Result<(), DiscordPortError> {
        assert_eq!(guild, GUILD);
        self.calls.lock().unwrap().push(format!("delete {id}"));
        self.events
            .lock()
            .unwrap()
            .remove(&id)
            .map(|_| ())
            .ok_or(DiscordPortError::NotFound)
    }
}

/// A message of a channel (newest first): `(id, by the bot, embed)`.
type Msg = (u64, bool, Option<Value>);

#[derive(Default)]
struct FakeBoard {
    channels: Mutex<HashMap<u64, Vec<Msg>>>,
    calls: Mutex<Vec<String>>,
    found: tokio::sync::Notify,
    next: Mutex<u64>,
}

impl FakeBoard {
    fn add(&self, channel: u64, own: bool) -> u64 {
        let id = {
            let mut n = self.next.lock().unwrap();
            *n += 1;
            100 + *n
        };
        self.channels
            .lock()
            .unwrap()
            .entry(channel)
            .or_default()
            .insert(0, (id, own, None));
        id
    }
    fn calls(&self) -> Vec<String> {
        std::mem::take(&mut *self.calls.lock().unwrap())
    }
    fn embed(&self, channel: u64, id: u64) -> Option<Value> {
        self.channels.lock().unwrap()[&channel]
            .iter()
            .find(|m| m.0 == id)
            .and_then(|m| m.2.clone())
    }
}

#[async_trait]
impl ChannelBoard for FakeBoard {
    async fn find_own_message(&self, channel: u64) -> Result<Option<u64>, DiscordPortError> {
        self.calls.lock().unwrap().push(format!("find {channel}"));
        self.found.notify_one();
        Ok(self
            .channels
            .lock()
            .unwrap()
            .get(&channel)
            .and_then(|list| list.iter().take(50).find(|m| m.1).map(|m| m.0)))
    }
    async fn edit_embed(
        &self,
        channel: u64,
        message: u64,
        embed: &Value,
    ) -> Result<(), DiscordPortError> {
        self.calls
            .lock()
            .unwrap()
            .push(format!("edit {channel} {message}"));
        let mut channels = self.channels.lock().unwrap();
        let m = channels
            .get_mut(&channel)
            .and_then(|l| l.iter_mut().find(|m| m.0 == message))
            .ok_or(DiscordPortError::NotFound)?;
        m.2 = Some(embed.clone());
        Ok(())
    }
    async fn send_embed(&self, channel: u64, embed: &Value) -> Result<u64, DiscordPortError> {
        let id = self.add(channel, true);
        self.calls
            .lock()
            .unwrap()
            .push(format!("send {channel} {id}"));
        let mut channels = self.channels.lock().unwrap();
        if let Some(m) = channels
            .get_mut(&channel)
            .and_then(|l| l.iter_mut().find(|m| m.0 == id))
        {
            m.2 = Some(embed.clone());
        }
        Ok(id)
    }
}

// ---------------------------------------------------------------- harness

struct H {
    db: TestDb,
    sg: SgState,
    _server: MockServer,
    events: Arc<FakeEvents>,
    board: Arc<FakeBoard>,
    notifier: Arc<RecordingNotifier>,
    guilds: Arc<FakeGuilds>,
    week: WeekRaces,
}

impl H {
    async fn new(db: TestDb, defs: Vec<EventDefinition>) -> Self {
        Self::with_interval(db, defs, Duration::from_secs(900)).await
    }

    async fn with_interval(db: TestDb, defs: Vec<EventDefinition>, interval: Duration) -> Self {
        sahasrahbot_migrations::migrate(db.conn())
            .await
            .expect("migrations");
        let server = MockServer::start().await;
        let sg = SgState::default();
        Mock::given(method("GET"))
            .and(path("/schedule"))
            .respond_with(sg.schedule())
            .mount(&server)
            .await;
        let events = Arc::new(FakeEvents::default());
        let board = Arc::new(FakeBoard::default());
        let notifier = Arc::new(RecordingNotifier::default());
        let guilds = Arc::new(FakeGuilds::default());
        let services = WeekServices {
            db: db.conn().clone(),
            speedgaming: SpeedGaming::new(reqwest::Client::new(), server.uri()),
            guilds: guilds.clone(),
            notifier: notifier.clone(),
            events: events.clone(),
            board: board.clone(),
            config: WeekConfig {
                app_url: APP_URL.into(),
                interval,
            },
            clock: Arc::new(now),
        };
        Self {
            db,
            sg,
            _server: server,
            events,
            board,
            notifier,
            guilds,
            week: WeekRaces::new(services, defs),
        }
    }

    /// A linked player: a `users` row and a guild member.
    async fn linked(&self, id: u64, name: &str) {
        users::ActiveModel {
            discord_user_id: Set(Some(i64::try_from(id).unwrap())),
            display_name: Set(Some(name.into())),
            created: Set(now().naive_utc()),
            updated: Set(now().naive_utc()),
            test_user: Set(false),
            ..Default::default()
        }
        .insert(self.db.conn())
        .await
        .expect("user row");
        self.guilds.add(GUILD, id, name, &[]);
    }

    async fn rows(&self) -> Vec<(i64, String, i32)> {
        scheduledevents::Entity::find()
            .order_by_asc(scheduledevents::Column::EpisodeId)
            .all(self.db.conn())
            .await
            .expect("rows")
            .into_iter()
            .map(|r| (r.scheduled_event_id, r.event_slug, r.episode_id))
            .collect()
    }

    async fn add_row(&self, event_id: i64, slug: &str, episode: i32) {
        scheduledevents::ActiveModel {
            scheduled_event_id: Set(event_id),
            event_slug: Set(slug.into()),
            episode_id: Set(episode),
        }
        .insert(self.db.conn())
        .await
        .expect("scheduled event row");
    }
}

fn league() -> EventDefinition {
    // The built-in invleague: guild, audit channel, scheduled events on.
    let def = HandlerKind::InvLeague.default_definition("invleague");
    assert!(def.create_scheduled_events);
    assert_eq!(def.guild_id, GUILD);
    def
}

fn description(minutes: i64) -> String {
    format!("Start Time: <t:{}:f>", when(minutes).timestamp())
}

// ---------------------------------------------------------------- P39

#[tokio::test]
async fn scheduled_events_follow_the_schedule_over_three_ticks() {
    for db in TestDb::all().await {
        let backend = db.name();
        let h = H::new(db, vec![league()]).await;
        h.linked(11, "alice").await;
        h.linked(12, "bob").await;
        h.linked(13, "carol").await;
        // 1: title, two players, a broadcast channel (a placeholder with a space comes first).
        // 2: no channel → multistre.am from every runner's streamingFrom (ignored ones too).
        // 3: no players → no versus, location TBD.
        // 4: an unlinked runner → skipped, no event.
        let mut ignored = player("Dave", "", "");
        ignored["publicStream"] = json!("ignore");
        let eps = |title1: &str| {
            vec![
                episode(
                    1,
                    "invleague",
                    title1,
                    60,
                    vec![player("Alice", "11", ""), player("Bob", "", "bob#0")],
                    &[
                        (0, "No Restream", "norestream", "en"),
                        (5, "ALTTPRandomizer", "alttprandomizer", "en"),
                    ],
                ),
                episode(
                    2,
                    "invleague",
                    "",
                    120,
                    vec![player("Carol", "13", ""), ignored.clone()],
                    &[],
                ),
                episode(3, "invleague", "Showcase", 180, vec![], &[]),
                episode(
                    4,
                    "invleague",
                    "Week 2",
                    240,
                    vec![player("Eve", "99", "")],
                    &[],
                ),
            ]
        };
        h.sg.set(eps("Week 1"));

        // Tick 1: three events created, one row each.
        h.week.tick().await;
        assert_eq!(
            h.events.calls(),
            ["create 9001", "create 9002", "create 9003"],
            "{backend}"
        );
        let e1 = h.events.event(9001).unwrap().spec;
        assert_eq!(
            e1,
            EventSpec {
                name: "INVLEAGUE - Week 1 - alice vs. bob".into(),
                description: description(60),
                start: when(60),
                end: when(180),
                location: "https://twitch.tv/ALTTPRandomizer".into(),
            },
            "{backend}"
        );
        let e2 = h.events.event(9002).unwrap().spec;
        assert_eq!(e2.name, "INVLEAGUE - carol", "{backend}");
        assert_eq!(
            e2.location, "https://multistre.am/carol_tv/dave_tv/layout3/",
            "{backend}"
        );
        assert_eq!(e2.end - e2.start, chrono::Duration::hours(2), "{backend}");
        let e3 = h.events.event(9003).unwrap().spec;
        assert_eq!(
            (e3.name.as_str(), e3.location.as_str()),
            ("INVLEAGUE - Showcase", "TBD"),
            "{backend}"
        );
        assert_eq!(
            h.rows().await,
            [
                (9001, "invleague".to_owned(), 1),
                (9002, "invleague".to_owned(), 2),
                (9003, "invleague".to_owned(), 3)
            ],
            "{backend}"
        );

        // Tick 2: episode 1 renamed (edit), episode 2 unchanged but gone from Discord
        // (recreated, row upserted), episode 3 left the schedule (deleted, row removed).
        let mut changed = eps("Semifinal");
        changed.remove(2);
        h.sg.set(changed);
        h.events.remove(9002);
        h.week.tick().await;
        assert_eq!(
            h.events.calls(),
            [
                "get 9003",
                "delete 9003",
                "get 9001",
                "edit 9001",
                "get 9002",
                "create 9004"
            ],
            "{backend}"
        );
        assert_eq!(
            h.events.event(9001).unwrap().spec.name,
            "INVLEAGUE - Semifinal - alice vs. bob",
            "{backend}"
        );
        assert_eq!(h.events.event(9004).unwrap().spec, e2, "{backend}");
        assert_eq!(
            h.rows().await,
            [
                (9001, "invleague".to_owned(), 1),
                (9004, "invleague".to_owned(), 2)
            ],
            "{backend}"
        );

        // Tick 3: nothing changed on SG → reads only. Two dead rows: one whose event
        // Discord no longer knows (row deleted: the documented fix), one already running
        // (not deleted on Discord, row deleted). Another event's row is left alone.
        h.add_row(7001, "invleague", 70).await;
        h.add_row(7002, "invleague", 71).await;
        h.add_row(7003, "alttprde", 72).await;
        h.events.insert(7002, EventStatus::Active);
        h.week.tick().await;
        assert_eq!(
            h.events.calls(),
            ["get 7001", "get 7002", "get 9001", "get 9004"],
            "{backend}"
        );
        assert!(h.events.event(7002).is_some(), "{backend}");
        assert_eq!(
            h.rows().await,
            [
                (9001, "invleague".to_owned(), 1),
                (9004, "invleague".to_owned(), 2),
                (7003, "alttprde".to_owned(), 72)
            ],
            "{backend}"
        );
        // No reminders, no board for this event.
        assert!(h.notifier.take().is_empty(), "{backend}");
        assert!(h.board.calls().is_empty(), "{backend}");
    }
}

#[tokio::test]
async fn long_names_are_cut_to_100_characters() {
    let h = H::new(TestDb::sqlite().await, vec![league()]).await;
    let title = "é".repeat(120);
    h.sg.set(vec![episode(1, "invleague", &title, 60, vec![], &[])]);
    h.week.tick().await;
    let name = h.events.event(9001).unwrap().spec.name;
    assert_eq!(name.chars().count(), 100);
    assert!(name.starts_with("INVLEAGUE - éé"));
}

// ---------------------------------------------------------------- P40

fn needs_event() -> EventDefinition {
    EventDefinition {
        create_scheduled_events: false,
        scheduling_needs_channel: Some(BOARD),
        ..HandlerKind::AlttprQualifier.default_definition("alttpr")
    }
}

fn crew(approved: bool, lang: &str) -> Value {
    json!({"approved": approved, "language": lang})
}

fn needs_episodes() -> Vec<Value> {
    let mut a = episode(
        21,
        "alttpr",
        "Qualifier 1",
        60,
        vec![player("A", "", ""), player("B", "", "")],
        &[(5, "ALTTPRandomizer", "ALTTPRandomizer", "en")],
    );
    // One approved English commentator (the German and the unapproved one do not count).
    a["commentators"] = json!([crew(true, "en"), crew(true, "de"), crew(false, "en")]);
    let mut b = episode(
        22,
        "alttpr",
        "Qualifier 2",
        120,
        vec![
            player("A", "", ""),
            player("B", "", ""),
            player("C", "", ""),
        ],
        &[
            (0, "No Restream", "norestream", "en"),
            (40, "SpeedGaming", "speedgaming", "en"),
        ],
    );
    b["commentators"] = json!([crew(true, "en"), crew(true, "en")]);
    b["trackers"] = json!([crew(true, "en")]);
    b["broadcasters"] = json!([]);
    // Only ignored ids or another language: not on the board.
    let c = episode(23, "alttpr", "Q3", 180, vec![], &[(62, "SG", "sg", "en")]);
    let d = episode(
        24,
        "alttpr",
        "Q4",
        240,
        vec![],
        &[(41, "SGDE", "sgde", "de")],
    );
    vec![a, b, c, d]
}

#[tokio::test]
async fn scheduling_needs_board_is_sent_then_edited() {
    let h = H::new(TestDb::sqlite().await, vec![needs_event()]).await;
    h.sg.set(needs_episodes());
    // A message by someone else only: the board is sent.
    h.board.add(BOARD, false);
    h.week.tick().await;
    let calls = h.board.calls();
    assert_eq!(calls.len(), 2);
    assert_eq!(calls[0], format!("find {BOARD}"));
    let sent: u64 = calls[1]
        .strip_prefix(&format!("send {BOARD} "))
        .expect("a new message")
        .parse()
        .unwrap();
    let t = |m: i64| format!("<t:{}:f>", when(m).timestamp());
    let expected = json!({
        "type": "rich",
        "title": "Scheduling Needs",
        "description": "This is the current scheduling needs for the next 48 hours.\n\nTimes are shown in your **local time zone**.",
        "timestamp": "2026-02-12T23:00:00.000Z",
        "fields": [
            {"name": "Commentators Needed", "inline": false,
             "value": format!("*{}* - Need **1** - [Sign Up!](http://speedgaming.org/commentator/signup/21/)", t(60))},
            {"name": "Trackers Needed", "inline": false,
             "value": format!("*{}* - Need **1** - [Sign Up!](http://speedgaming.org/tracker/signup/21/)\n*{}* - Need **1** - [Sign Up!](http://speedgaming.org/tracker/signup/22/)", t(60), t(120))},
            {"name": "Broadcasters Needed", "inline": false,
             "value": format!("*{}* - Need **1** - [Sign Up!](http://speedgaming.org/broadcaster/signup/21/)", t(60))},
        ],
    });
    assert_eq!(h.board.embed(BOARD, sent), Some(expected));

    // Second tick: the bot's message (the newest of its two) is edited, nothing is sent.
    let newer = h.board.add(BOARD, true);
    h.board.add(BOARD, false);
    h.sg.set(needs_episodes().into_iter().skip(1).collect());
    h.week.tick().await;
    assert_eq!(
        h.board.calls(),
        [format!("find {BOARD}"), format!("edit {BOARD} {newer}")]
    );
    let edited = h.board.embed(BOARD, newer).unwrap();
    assert_eq!(
        edited["fields"],
        json!([
            {"name": "Commentators Needed", "inline": false, "value": "No current needs."},
            {"name": "Trackers Needed", "inline": false,
             "value": format!("*{}* - Need **1** - [Sign Up!](http://speedgaming.org/tracker/signup/22/)", t(120))},
        ])
    );
}

#[tokio::test]
async fn board_without_tracker_field_and_one_failing_event() {
    // smwde: German, no tracker field. The first event's SpeedGaming schedule fails: the
    // second is still served (per-event isolation).
    let broken = EventDefinition {
        scheduling_needs_channel: Some(1),
        ..HandlerKind::Smwde.default_definition("broken")
    };
    let smwde = EventDefinition {
        scheduling_needs_channel: Some(BOARD),
        ..HandlerKind::Smwde.default_definition("smwde")
    };
    let h = H::new(TestDb::sqlite().await, vec![broken, smwde]).await;
    h.sg.failing.lock().unwrap().insert("broken".into());
    let mut e = episode(
        31,
        "smwde",
        "Runde 1",
        60,
        vec![player("A", "", "")],
        &[(41, "SGDE", "sgde", "de")],
    );
    e["commentators"] = json!([crew(true, "de"), crew(true, "de")]);
    h.sg.set(vec![e]);
    h.week.tick().await;
    let calls = h.board.calls();
    assert_eq!(calls.len(), 2, "{calls:?}");
    assert_eq!(calls[0], format!("find {BOARD}"));
    let id: u64 = calls[1]
        .strip_prefix(&format!("send {BOARD} "))
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(
        h.board.embed(BOARD, id).unwrap()["fields"],
        json!([{"name": "Commentators Needed", "inline": false, "value": "No current needs."}])
    );
    // Both events asked SpeedGaming for [now, now + 168 h] in US/Eastern.
    let queries = h.sg.queries.lock().unwrap().clone();
    let asked: Vec<&str> = queries.iter().map(|q| q["event"].as_str()).collect();
    assert_eq!(asked, ["broken", "smwde"]);
    assert_eq!(queries[1]["from"], "2026-02-12T18:00:00-05:00");
    assert_eq!(queries[1]["to"], "2026-02-19T18:00:00-05:00");
}

// ---------------------------------------------------------------- P32

#[tokio::test]
async fn submission_reminders_are_sent_once_per_episode() {
    for db in TestDb::all().await {
        let backend = db.name();
        let smrl = HandlerKind::Smrl.default_definition("smrl");
        let audit = smrl.audit_channel.expect("smrl audit channel");
        let smrl = EventDefinition {
            guild_id: GUILD,
            ..smrl
        };
        let h = H::new(db, vec![smrl]).await;
        h.linked(11, "alice").await;
        h.linked(12, "bob").await;
        // 41: two linked players. 42: already reminded. 43: an unlinked player.
        h.sg.set(vec![
            episode(
                41,
                "smrl",
                "Game 1",
                60,
                vec![player("Alice", "11", ""), player("Bob", "12", "")],
                &[],
            ),
            episode(
                42,
                "smrl",
                "Game 2",
                90,
                vec![player("Alice", "11", ""), player("Bob", "12", "")],
                &[],
            ),
            episode(
                43,
                "smrl",
                "Game 3",
                120,
                vec![player("Zed", "77", "")],
                &[],
            ),
        ]);
        tournament_games::ActiveModel {
            episode_id: Set(42),
            event: Set(Some("smrl".into())),
            submitted: Set(Some(1)),
            ..Default::default()
        }
        .insert(h.db.conn())
        .await
        .expect("game row");

        let text = format!(
            "Greetings!  Do not forget to submit settings for your upcoming race: `alice vs. bob`!\n\nFor your convenience, please visit {APP_URL}/submit/smrl?episode_id=41 to submit the settings.\n\n"
        );
        let failure = "There was an error while sending a submission reminder for episode `43`.\n\nUnable to pull nick data for 77";
        for tick in 1..=2 {
            h.week.tick().await;
            let sent = h.notifier.take();
            let dms: Vec<(ChatTarget, &str)> = sent
                .iter()
                .filter(|(t, _)| matches!(t, ChatTarget::User(_)))
                .map(|(t, m)| (*t, m.content.as_str()))
                .collect();
            if tick == 1 {
                assert_eq!(
                    dms,
                    [
                        (ChatTarget::User(11), text.as_str()),
                        (ChatTarget::User(12), text.as_str())
                    ],
                    "{backend}"
                );
            } else {
                assert!(dms.is_empty(), "{backend}: {dms:?}");
            }
            // The unresolvable episode is reported on every tick.
            let audits: Vec<&str> = sent
                .iter()
                .filter(|(t, _)| *t == ChatTarget::Channel(audit))
                .map(|(_, m)| m.content.as_str())
                .collect();
            assert_eq!(audits, [failure], "{backend} tick {tick}");
        }
        let row = tournament_games::Entity::find_by_id(41)
            .one(h.db.conn())
            .await
            .unwrap()
            .expect("row of the reminded episode");
        assert_eq!(
            (row.event.as_deref(), row.submitted),
            (Some("smrl"), Some(1)),
            "{backend}"
        );
        assert!(
            tournament_games::Entity::find_by_id(43)
                .one(h.db.conn())
                .await
                .unwrap()
                .is_none(),
            "{backend}"
        );
        // No scheduled events, no board for SMRL.
        assert!(h.events.calls().is_empty(), "{backend}");
    }
}

#[tokio::test]
async fn a_failed_reminder_dm_is_audited_and_not_repeated() {
    let smrl = EventDefinition {
        guild_id: GUILD,
        audit_channel: Some(AUDIT),
        ..HandlerKind::Smrl.default_definition("smrl")
    };
    let h = H::new(TestDb::sqlite().await, vec![smrl]).await;
    h.linked(11, "alice").await;
    h.linked(12, "bob").await;
    h.notifier.fail_users.lock().unwrap().insert(12);
    h.sg.set(vec![episode(
        41,
        "smrl",
        "Game 1",
        60,
        vec![player("Alice", "11", ""), player("Bob", "12", "")],
        &[],
    )]);
    h.week.tick().await;
    let sent = h.notifier.take();
    assert_eq!(sent.len(), 2, "{sent:?}");
    assert_eq!(sent[0].0, ChatTarget::User(11));
    assert_eq!(sent[1].0, ChatTarget::Channel(AUDIT));
    assert!(
        sent[1].1.content.starts_with(
            "There was an error while sending a submission reminder for episode `41`.\n\nDiscord: reminder DM not delivered to bob"
        ),
        "{}",
        sent[1].1.content
    );
    h.week.tick().await;
    assert!(h.notifier.take().is_empty());
}

// ---------------------------------------------------------------- the loop

#[tokio::test(start_paused = true)]
async fn the_schedule_runs_at_once_then_every_interval_until_cancelled() {
    let start = tokio::time::Instant::now();
    let runs = Arc::new(Mutex::new(Vec::new()));
    let cancel = CancellationToken::new();
    let task = tokio::spawn({
        let runs = runs.clone();
        let cancel = cancel.clone();
        async move {
            every(Duration::from_secs(900), &cancel, || {
                let runs = runs.clone();
                async move {
                    runs.lock().unwrap().push(start.elapsed());
                    // A run that takes a while (SpeedGaming, Discord).
                    tokio::time::sleep(Duration::from_secs(60)).await;
                }
            })
            .await;
        }
    });
    tokio::time::sleep(Duration::from_secs(2 * 900 + 30)).await;
    assert_eq!(
        *runs.lock().unwrap(),
        [
            Duration::ZERO,
            Duration::from_secs(900),
            Duration::from_secs(1800)
        ]
    );
    // Cancelled in the middle of a run: it is abandoned and no run follows.
    cancel.cancel();
    task.await.expect("the loop stops when cancelled");
    tokio::time::sleep(Duration::from_secs(3600)).await;
    assert_eq!(runs.lock().unwrap().len(), 3);
}

#[tokio::test]
async fn week_races_runs_on_its_configured_interval_until_cancelled() {
    let h = H::with_interval(
        TestDb::sqlite().await,
        vec![needs_event()],
        Duration::from_millis(50),
    )
    .await;
    let cancel = CancellationToken::new();
    let task = tokio::spawn({
        let week = h.week.clone();
        let cancel = cancel.clone();
        async move { week.run(cancel).await }
    });
    for _ in 0..3 {
        tokio::time::timeout(Duration::from_secs(10), h.board.found.notified())
            .await
            .expect("a board update per tick");
    }
    cancel.cancel();
    tokio::time::timeout(Duration::from_secs(10), task)
        .await
        .expect("the loop stops when cancelled")
        .expect("the loop task");
    // One board message, sent on the first tick and edited on the next ones.
    let calls = h.board.calls();
    assert_eq!(
        calls.iter().filter(|c| c.starts_with("send ")).count(),
        1,
        "{calls:?}"
    );
    assert!(
        calls.iter().filter(|c| c.starts_with("edit ")).count() >= 2,
        "{calls:?}"
    );
}

#[test]
fn the_default_interval_is_15_minutes() {
    assert_eq!(WeekConfig::default().interval, Duration::from_secs(900));
}
