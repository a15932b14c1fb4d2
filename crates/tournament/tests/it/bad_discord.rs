//! The bad-Discord report (tournament.md §2.18.3, P41; discord.md §2.10 T6) against a
//! wiremock SpeedGaming (JSON served as `text/html`), a fake guild directory and a recording
//! notifier; the loop's schedule under tokio's paused clock.

use crate::common::{FakeGuilds, RecordingNotifier};

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, TimeZone, Utc};
use sahasrahbot_core::ports::{AllowedMentions, ChatTarget};
use sahasrahbot_racetime::CancellationToken;
use sahasrahbot_tournament::bad_discord::{
    BadDiscordReport, BadDiscordServices, DEFAULT_INTERVAL, MESSAGE_LIMIT, REPORT_PING,
    is_placeholder, report_messages,
};
use sahasrahbot_tournament::{EventDefinition, HandlerKind, SpeedGaming};
use serde_json::{Value, json};
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

const GUILD: u64 = 400_000_000_000_000_001;
const AUDIT: u64 = 400_000_000_000_000_100;

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 2, 12, 23, 0, 0).unwrap()
}

fn player(display: &str, id: &str, tag: &str) -> Value {
    json!({"displayName": display, "discordId": id, "discordTag": tag,
           "publicStream": "", "streamingFrom": display})
}

fn ignored(display: &str) -> Value {
    json!({"displayName": display, "discordId": "", "discordTag": "",
           "publicStream": "ignore", "streamingFrom": ""})
}

fn episode(id: i64, slug: &str, match1: Vec<Value>, match2: Option<Vec<Value>>) -> Value {
    json!({
        "id": id,
        "event": {"slug": slug, "shortName": slug, "name": slug},
        "match1": {"title": "Round 1", "players": match1},
        "match2": match2.map(|p| json!({"title": "Round 1b", "players": p})),
        "when": "2026-02-13T20:00:00-05:00",
        "whenCountdown": "2026-02-13T20:10:00-05:00",
        "channels": [],
    })
}

async fn mount(sg: &MockServer, slug: &str, status: u16, body: Value) {
    Mock::given(method("GET"))
        .and(path("/api/schedule"))
        .and(query_param("event", slug))
        .respond_with(
            ResponseTemplate::new(status)
                .set_body_raw(body.to_string(), "text/html; charset=UTF-8"),
        )
        .mount(sg)
        .await;
}

fn event(kind: HandlerKind, slug: &str, guild: u64, audit: Option<u64>) -> EventDefinition {
    EventDefinition {
        guild_id: guild,
        audit_channel: audit,
        ..kind.default_definition(slug)
    }
}

struct Setup {
    sg: MockServer,
    guilds: Arc<FakeGuilds>,
    notifier: Arc<RecordingNotifier>,
}

impl Setup {
    async fn new() -> Self {
        Self {
            sg: MockServer::start().await,
            guilds: Arc::new(FakeGuilds::default()),
            notifier: Arc::new(RecordingNotifier::default()),
        }
    }

    fn report(&self, events: Vec<EventDefinition>, interval: Duration) -> BadDiscordReport {
        BadDiscordReport::new(
            BadDiscordServices {
                speedgaming: SpeedGaming::new(
                    reqwest::Client::new(),
                    format!("{}/api", self.sg.uri()),
                ),
                guilds: self.guilds.clone(),
                notifier: self.notifier.clone(),
                interval,
                clock: Arc::new(now),
            },
            events,
        )
    }

    async fn schedule_requests(&self) -> Vec<HashMap<String, String>> {
        self.sg
            .received_requests()
            .await
            .unwrap()
            .into_iter()
            .map(|r| r.url.query_pairs().into_owned().collect())
            .collect()
    }
}

#[test]
fn placeholders_are_winner_of_and_loser_of() {
    assert!(is_placeholder("Winner of Match 3"));
    assert!(is_placeholder("Loser of Round 2 Game 1"));
    assert!(!is_placeholder("Winner"));
    assert!(!is_placeholder("winner of match 3"));
    assert!(!is_placeholder("The Winner of Hearts"));
}

#[test]
fn report_messages_ping_then_a_blank_line_then_the_lines() {
    assert!(report_messages(&[]).is_empty());
    let lines = vec![
        "Episode 1 - alttpr - A could not be found".to_owned(),
        "Episode 2 - alttpr - B could not be found".to_owned(),
    ];
    assert_eq!(
        report_messages(&lines),
        vec![format!("{REPORT_PING}\n\n{}\n{}", lines[0], lines[1])]
    );
}

#[test]
fn long_reports_are_split_at_line_boundaries_under_discords_limit() {
    let lines: Vec<String> = (0..80)
        .map(|i| format!("Episode {i} - alttpr - Runner number {i:03} could not be found"))
        .collect();
    let messages = report_messages(&lines);
    assert!(messages.len() >= 2, "{} messages", messages.len());
    for m in &messages {
        assert!(
            m.chars().count() <= MESSAGE_LIMIT,
            "{} chars",
            m.chars().count()
        );
    }
    assert!(messages[0].starts_with(&format!("{REPORT_PING}\n\nEpisode 0 - ")));
    assert!(messages[1..].iter().all(|m| !m.contains(REPORT_PING)));
    // Every line once, whole and in order.
    let joined: Vec<&str> = messages
        .iter()
        .flat_map(|m| m.lines())
        .filter(|l| l.starts_with("Episode "))
        .collect();
    let expected: Vec<&str> = lines.iter().map(String::as_str).collect();
    assert_eq!(joined, expected);

    // A single line longer than the limit is cut, not dropped.
    let huge = vec!["x".repeat(MESSAGE_LIMIT + 10)];
    let messages = report_messages(&huge);
    assert!(messages.iter().all(|m| m.chars().count() <= MESSAGE_LIMIT));
    let xs: usize = messages.iter().map(|m| m.matches('x').count()).sum();
    assert_eq!(xs, MESSAGE_LIMIT + 10);
}

#[tokio::test]
async fn unresolvable_players_are_reported_to_the_audit_channel_with_the_ping() {
    let s = Setup::new().await;
    s.guilds.add(GUILD, 101, "found_by_id", &[]);
    s.guilds.add(GUILD, 102, "tagger", &[]);
    s.guilds.add(GUILD, 103, "id_gone_tag_ok", &[]);
    s.guilds.add(999, 104, "other_guild", &[]);
    mount(
        &s.sg,
        "alttpr",
        200,
        json!([
            episode(
                7001,
                "alttpr",
                vec![
                    player("Found", "101", "whatever#0"),
                    player("Tagged", "", "tagger#0"),
                    player("Stale id", "555", "id_gone_tag_ok"),
                    player("Bad id", "not-a-number", ""),
                    player("Nobody", "", ""),
                    player("Elsewhere", "104", ""),
                    ignored("Ignored runner"),
                    player("Winner of Match 3", "", ""),
                    player("Loser of Match 4", "", ""),
                ],
                Some(vec![player("Second match", "", "ghost#0")]),
            ),
            episode(7002, "alttpr", vec![player("Found", "101", "")], None),
        ]),
    )
    .await;
    let report = s.report(
        vec![event(
            HandlerKind::AlttprQualifier,
            "alttpr",
            GUILD,
            Some(AUDIT),
        )],
        DEFAULT_INTERVAL,
    );
    report.tick().await;

    let sent = s.notifier.all();
    assert_eq!(sent.len(), 1, "{sent:#?}");
    assert_eq!(sent[0].0, ChatTarget::Channel(AUDIT));
    assert_eq!(sent[0].1.allowed_mentions, AllowedMentions::Users);
    assert_eq!(sent[0].1.embed, None);
    assert_eq!(
        sent[0].1.content,
        "<@185198185990324225>\n\n\
         Episode 7001 - alttpr - Bad id could not be found\n\
         Episode 7001 - alttpr - Nobody could not be found\n\
         Episode 7001 - alttpr - Elsewhere could not be found\n\
         Episode 7001 - alttpr - Second match could not be found"
    );
    // The id first; the tag (without `#0`) only when the id found nobody; nothing for
    // ignored players and placeholders.
    assert_eq!(
        s.guilds.lookups(),
        [
            "id:101",
            "name:tagger",
            "id:555",
            "name:id_gone_tag_ok",
            "id:104",
            "name:ghost",
            "id:101",
        ]
    );
    // The next 48 hours, sent in US/Eastern.
    let requests = s.schedule_requests().await;
    assert_eq!(requests.len(), 1);
    assert_eq!(requests[0]["event"], "alttpr");
    assert_eq!(requests[0]["from"], "2026-02-12T18:00:00-05:00");
    assert_eq!(requests[0]["to"], "2026-02-14T18:00:00-05:00");
}

#[tokio::test]
async fn nothing_is_posted_when_everyone_is_found_or_there_is_no_audit_channel() {
    let s = Setup::new().await;
    s.guilds.add(GUILD, 101, "runner", &[]);
    mount(
        &s.sg,
        "invleague",
        200,
        json!([episode(1, "invleague", vec![player("R", "101", "")], None)]),
    )
    .await;
    mount(
        &s.sg,
        "alttprdaily",
        200,
        json!([episode(
            2,
            "alttprdaily",
            vec![player("Missing", "", "")],
            None
        )]),
    )
    .await;
    let report = s.report(
        vec![
            event(HandlerKind::InvLeague, "invleague", GUILD, Some(AUDIT)),
            event(HandlerKind::AlttprDaily, "alttprdaily", GUILD, None),
        ],
        DEFAULT_INTERVAL,
    );
    report.tick().await;
    assert!(s.notifier.all().is_empty(), "{:#?}", s.notifier.all());
    let requests = s.schedule_requests().await;
    let asked: Vec<&str> = requests.iter().map(|q| q["event"].as_str()).collect();
    assert_eq!(asked, ["invleague"], "no audit channel, no schedule read");
}

#[tokio::test]
async fn one_events_failure_does_not_stop_the_others() {
    let s = Setup::new().await;
    // A runner with a tag, so that the directory is asked.
    let missing = |id, slug: &str| {
        json!([episode(
            id,
            slug,
            vec![player("Ghost", "", "ghost#0")],
            None
        )])
    };
    // SpeedGaming fails for the first event, answers an error body for the second.
    mount(&s.sg, "alttpr", 500, json!({"message": "oops"})).await;
    mount(&s.sg, "smz3", 200, json!({"error": "Event not found"})).await;
    // The directory fails in the third event's guild; the fourth's audit post fails.
    mount(&s.sg, "invleague", 200, missing(3, "invleague")).await;
    s.guilds.failing_guilds.lock().unwrap().insert(333);
    mount(&s.sg, "alttprleague", 200, missing(4, "alttprleague")).await;
    s.notifier.fail_channels.lock().unwrap().insert(444);
    // The last one reports.
    mount(&s.sg, "alttprdaily", 200, missing(5, "alttprdaily")).await;

    let report = s.report(
        vec![
            event(HandlerKind::AlttprQualifier, "alttpr", GUILD, Some(111)),
            event(HandlerKind::AlttprDaily, "smz3", GUILD, Some(222)),
            event(HandlerKind::InvLeague, "invleague", 333, Some(333)),
            event(HandlerKind::AlttprLeague, "alttprleague", GUILD, Some(444)),
            event(HandlerKind::AlttprDaily, "alttprdaily", GUILD, Some(AUDIT)),
        ],
        DEFAULT_INTERVAL,
    );
    report.tick().await;

    let asked: Vec<String> = s
        .schedule_requests()
        .await
        .into_iter()
        .map(|q| q["event"].clone())
        .collect();
    assert_eq!(
        asked,
        ["alttpr", "smz3", "invleague", "alttprleague", "alttprdaily"]
    );
    let sent = s.notifier.all();
    assert_eq!(sent.len(), 1, "{sent:#?}");
    assert_eq!(
        s.notifier.contents_to(AUDIT),
        [format!(
            "{REPORT_PING}\n\nEpisode 5 - alttprdaily - Ghost could not be found"
        )]
    );
    // The failing event's error is returned by `report_event` too.
    let e = report
        .report_event(
            &event(HandlerKind::AlttprQualifier, "alttpr", GUILD, Some(111)),
            now(),
        )
        .await
        .unwrap_err();
    assert!(e.to_string().contains("SpeedGaming"), "{e}");
}

/// Yields to the runtime (so sockets make progress without the paused clock moving) until
/// `cond` holds or `max` of real time passed.
async fn settle(max: Duration, cond: impl Fn() -> bool) -> bool {
    let deadline = std::time::Instant::now() + max;
    while std::time::Instant::now() < deadline {
        if cond() {
            // Let anything that follows show up too.
            for _ in 0..200 {
                tokio::task::yield_now().await;
            }
            return true;
        }
        tokio::task::yield_now().await;
    }
    false
}

/// How long (real time) to wait for something expected.
const PATIENCE: Duration = Duration::from_secs(5);
/// How long (real time) to watch for something that must not happen.
const QUIET: Duration = Duration::from_millis(300);

#[tokio::test(start_paused = true)]
async fn the_loop_runs_at_once_then_every_four_hours_until_cancelled() {
    assert_eq!(DEFAULT_INTERVAL, Duration::from_secs(4 * 3600));
    let s = Setup::new().await;
    mount(
        &s.sg,
        "alttpr",
        200,
        json!([episode(9, "alttpr", vec![player("Ghost", "", "")], None)]),
    )
    .await;
    let report = s.report(
        vec![event(
            HandlerKind::AlttprQualifier,
            "alttpr",
            GUILD,
            Some(AUDIT),
        )],
        DEFAULT_INTERVAL,
    );
    let cancel = CancellationToken::new();
    let task = tokio::spawn({
        let report = report.clone();
        let cancel = cancel.clone();
        async move { report.run(cancel).await }
    });
    let notifier = s.notifier.clone();
    let posts = move || notifier.all().len();

    assert!(
        settle(PATIENCE, || posts() == 1).await,
        "the first pass runs at once"
    );
    assert_eq!(posts(), 1);

    tokio::time::advance(DEFAULT_INTERVAL - Duration::from_secs(1)).await;
    settle(QUIET, || posts() > 1).await;
    assert_eq!(posts(), 1, "nothing before four hours");

    tokio::time::advance(Duration::from_secs(1)).await;
    assert!(
        settle(PATIENCE, || posts() == 2).await,
        "the second pass after four hours"
    );
    assert_eq!(posts(), 2);

    cancel.cancel();
    assert!(
        settle(PATIENCE, || task.is_finished()).await,
        "the loop stops when cancelled"
    );
    tokio::time::advance(DEFAULT_INTERVAL * 2).await;
    settle(QUIET, || posts() > 2).await;
    assert_eq!(posts(), 2);
    assert_eq!(s.schedule_requests().await.len(), 2);
}
