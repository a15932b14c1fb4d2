//! The SpeedGaming client against a wiremock server (`tournament.md` §1.1): JSON served as
//! `text/html`, the `event`/`from`/`to` query in US/Eastern `isoformat()`, `{"error": …}`
//! bodies, HTTP failures.

use chrono::{Duration, TimeZone, Utc};
use sahasrahbot_tournament::time::Window;
use sahasrahbot_tournament::{Error, SpeedGaming};
use serde_json::json;
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// A body as SpeedGaming sends it: JSON text labelled `text/html`.
fn html(body: serde_json::Value) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_raw(body.to_string(), "text/html; charset=UTF-8")
}

fn episode_json(id: i64, title: &str) -> serde_json::Value {
    json!({
        "id": id,
        "event": {"id": 3, "slug": "alttprdaily", "shortName": "SG Daily", "name": "ALTTPR SG Daily", "game": "ALTTPR"},
        "match1": {"id": 9, "title": title, "players": [
            {"id": 1, "displayName": "Runner", "discordId": null, "discordTag": "runner#0", "publicStream": "ignore", "streamingFrom": "runner_tv"}
        ]},
        "match2": null,
        "when": "2026-02-12T20:10:00-05:00",
        "whenCountdown": "2026-02-12T20:00:00-05:00",
        "channels": [{"id": 12, "name": "SpeedGaming", "slug": "speedgaming", "language": "en", "initials": "SG"}],
        "commentators": [{"approved": true, "language": "en", "displayName": "c"}],
        "trackers": [],
        "broadcasters": [],
        "helpers": [],
        "approved": true,
        "externalRestream": false
    })
}

fn client(server: &MockServer) -> SpeedGaming {
    SpeedGaming::new(reqwest::Client::new(), server.uri())
}

#[tokio::test]
async fn schedule_sends_the_eastern_window_and_reads_text_html_json() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/schedule"))
        .and(query_param("event", "alttprdaily"))
        .and(query_param("from", "2026-02-12T17:30:00-05:00"))
        .and(query_param("to", "2026-02-12T19:00:00-05:00"))
        .respond_with(html(json!([
            episode_json(101, "Open"),
            episode_json(102, "")
        ])))
        .expect(1)
        .mount(&server)
        .await;

    // The create_races window of a 60-minute lead at 23:00 UTC (18:00 EST).
    let now = Utc.with_ymd_and_hms(2026, 2, 12, 23, 0, 0).unwrap();
    let w = Window::create_races(now, Duration::minutes(60));
    let episodes = client(&server)
        .schedule("alttprdaily", w.from, w.to)
        .await
        .unwrap();
    assert_eq!(episodes.len(), 2);
    let first = &episodes[0];
    assert_eq!(first.id, 101);
    assert_eq!(first.event.slug, "alttprdaily");
    assert_eq!(first.event.short_name, "SG Daily");
    assert_eq!(first.title(), "Open");
    assert_eq!(first.broadcast_channels(), ["SpeedGaming"]);
    assert_eq!(first.active_players().count(), 0);
    let player = &first.match1.as_ref().unwrap().players[0];
    assert_eq!(player.discord_id, "");
    assert_eq!(player.discord_name(), "runner");
    assert_eq!(
        first.when_countdown.unwrap().to_rfc3339(),
        "2026-02-12T20:00:00-05:00"
    );
    assert_eq!(first.commentators.len(), 1);
    assert_eq!(episodes[1].title(), "");
}

#[tokio::test]
async fn schedule_bounds_keep_microseconds_and_the_summer_offset() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/schedule"))
        .and(query_param("event", "smz3"))
        .and(query_param("from", "2026-07-01T12:00:05.123456-04:00"))
        .and(query_param("to", "2026-07-08T12:00:05.123456-04:00"))
        .respond_with(html(json!([])))
        .expect(1)
        .mount(&server)
        .await;
    let now = Utc.with_ymd_and_hms(2026, 7, 1, 16, 0, 5).unwrap() + Duration::microseconds(123_456);
    let w = Window::week_races(now);
    let episodes = client(&server)
        .schedule("smz3", w.from, w.to)
        .await
        .unwrap();
    assert!(episodes.is_empty());
}

#[tokio::test]
async fn schedule_error_body_is_event_not_found() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/schedule"))
        .respond_with(html(json!({"error": "Event not found"})))
        .mount(&server)
        .await;
    let now = Utc::now();
    let err = client(&server)
        .schedule("nosuchevent", now, now + Duration::hours(1))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::EventNotFound(_)), "{err:?}");
    assert_eq!(
        err.to_string(),
        "SpeedGaming event not found: nosuchevent: Event not found"
    );
}

#[tokio::test]
async fn episode_by_id() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/episode"))
        .and(query_param("id", "4242"))
        .respond_with(html(episode_json(4242, "Round 1: Boss Shuffle")))
        .expect(1)
        .mount(&server)
        .await;
    // A trailing slash on the configured base is tolerated.
    let sg = SpeedGaming::new(reqwest::Client::new(), format!("{}/", server.uri()));
    let e = sg.episode(4242).await.unwrap();
    assert_eq!(e.id, 4242);
    assert_eq!(e.title(), "Round 1: Boss Shuffle");
}

#[tokio::test]
async fn episode_error_body_is_episode_not_found() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/episode"))
        .and(query_param("id", "0"))
        .respond_with(html(json!({"error": "Episode not found"})))
        .mount(&server)
        .await;
    let err = client(&server).episode(0).await.unwrap_err();
    assert!(matches!(err, Error::EpisodeNotFound(_)), "{err:?}");
    assert_eq!(
        err.to_string(),
        "SpeedGaming episode not found: 0: Episode not found"
    );
}

#[tokio::test]
async fn http_failures_and_bad_bodies_are_speedgaming_errors() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/episode"))
        .and(query_param("id", "1"))
        .respond_with(ResponseTemplate::new(502).set_body_string("Bad Gateway"))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/episode"))
        .and(query_param("id", "2"))
        .respond_with(
            ResponseTemplate::new(200).set_body_raw("<html>maintenance</html>", "text/html"),
        )
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/episode"))
        .and(query_param("id", "3"))
        .respond_with(html(json!({"id": "three"})))
        .mount(&server)
        .await;
    let sg = client(&server);
    for id in [1, 2, 3] {
        let err = sg.episode(id).await.unwrap_err();
        assert!(matches!(err, Error::SpeedGaming(_)), "{id}: {err:?}");
    }
    let err = sg.episode(1).await.unwrap_err().to_string();
    assert!(err.contains("502"), "{err}");
}

#[tokio::test]
async fn an_unreachable_server_is_a_speedgaming_error() {
    // A port nobody listens on (a dropped wiremock server would only go back to its pool
    // and keep answering).
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let sg = SpeedGaming::new(reqwest::Client::new(), format!("http://127.0.0.1:{port}"));
    let err = sg.episode(1).await.unwrap_err();
    // A connection failure, not an HTTP status from some server.
    assert!(
        matches!(&err, Error::SpeedGaming(m) if !m.contains("answered")),
        "{err:?}"
    );
}

/// DEBUG mode (§1.1): `test`'s schedule is episode 1 in any window, episodes 1–3 come from
/// the fixture directory, episode 0 is a synthetic error, everything else is the API.
#[tokio::test]
async fn debug_mode_serves_the_test_event_and_fixture_episodes() {
    let server = MockServer::builder().start().await;
    Mock::given(method("GET"))
        .and(path("/episode"))
        .and(query_param("id", "7"))
        .respond_with(html(episode_json(7, "From the API")))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/schedule"))
        .and(query_param("event", "alttprdaily"))
        .respond_with(html(json!([episode_json(8, "Daily")])))
        .mount(&server)
        .await;
    let dir = std::env::temp_dir().join(format!("sahasrahbot-sg-fixtures-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for n in [1, 2] {
        std::fs::write(
            dir.join(format!("sg_{n}.json")),
            episode_json(n, &format!("Fixture {n}")).to_string(),
        )
        .unwrap();
    }
    let sg = client(&server).with_debug(Some(dir.clone()));

    // Any window, even one in the past, gives episode 1 for `test`.
    let long_ago = Utc.with_ymd_and_hms(2001, 1, 1, 0, 0, 0).unwrap();
    let list = sg
        .schedule("test", long_ago, long_ago + Duration::minutes(1))
        .await
        .unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].id, 1);
    assert_eq!(list[0].title(), "Fixture 1");
    assert_eq!(sg.episode(2).await.unwrap().title(), "Fixture 2");
    // Episode 3 has no file: a clear error naming it.
    let e = sg.episode(3).await.unwrap_err();
    assert!(
        matches!(&e, Error::SpeedGaming(m) if m.contains("sg_3.json")),
        "{e:?}"
    );
    assert!(matches!(
        sg.episode(0).await,
        Err(Error::EpisodeNotFound(_))
    ));
    // Other episodes and events still go to the API.
    assert_eq!(sg.episode(7).await.unwrap().title(), "From the API");
    let daily = sg
        .schedule("alttprdaily", long_ago, long_ago + Duration::minutes(1))
        .await
        .unwrap();
    assert_eq!(daily[0].id, 8);
    // The debug episodes and the `test` schedule never reach the API. (This test's server is
    // its own, not one from wiremock's pool, where a late request of another test can land.)
    let fetched_debug: Vec<String> = server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .filter(|r| {
            r.url.query_pairs().any(|(k, v)| {
                (k == "id" && ["0", "1", "2", "3"].contains(&v.as_ref()))
                    || (k == "event" && v == "test")
            })
        })
        .map(|r| r.url.to_string())
        .collect();
    assert!(
        fetched_debug.is_empty(),
        "fixtures were fetched: {fetched_debug:?}"
    );

    // Without a fixture directory the debug episodes come from the API; not in DEBUG mode,
    // `test` is an ordinary event.
    let api_only = client(&server).with_debug(None);
    assert_eq!(api_only.episode(7).await.unwrap().id, 7);
    assert!(client(&server).episode(0).await.is_err());
    std::fs::remove_dir_all(&dir).unwrap();
}
