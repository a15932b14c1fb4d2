//! `/sgdaily` through the fake Discord, with SpeedGaming stood in by wiremock (serving JSON
//! as `text/html`, as SpeedGaming does): discord.md §2.9, tournament.md §5 (P42, SG1).

use crate::common;

use chrono::DateTime;
use common::{Harness, command_names, field_names, member, start, wait_calls};
use sahasrahbot_testkit::discord::RestCall;
use serde_json::{Value, json};
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

const THUMBNAIL: &str =
    "https://pbs.twimg.com/profile_images/1185422684190105600/3jiXIf5Y_400x400.jpg";
const FULL_SCHEDULE: &str = "[Full Schedule](http://speedgaming.org/alttprdaily)";

fn episode(id: i64, title: &str, when: &str, channels: Value) -> Value {
    json!({
        "id": id,
        "event": {"slug": "alttprdaily", "shortName": "SGD", "name": "SpeedGaming Daily Race Series"},
        "match1": {"title": title, "players": []},
        "match2": null,
        "when": when,
        "whenCountdown": when,
        "channels": channels,
        "commentators": [], "trackers": [], "broadcasters": [],
    })
}

/// Serves `body` for the `alttprdaily` schedule, as `text/html`.
async fn mount_schedule(sg: &MockServer, status: u16, body: &Value) {
    Mock::given(method("GET"))
        .and(path("/api/schedule"))
        .and(query_param("event", "alttprdaily"))
        .respond_with(
            ResponseTemplate::new(status)
                .set_body_raw(body.to_string(), "text/html; charset=utf-8"),
        )
        .mount(sg)
        .await;
}

fn unix(when: &str) -> i64 {
    DateTime::parse_from_rfc3339(when).unwrap().timestamp()
}

/// Sends `/sgdaily` (with `options`) and returns the interaction's calls once `n` were made.
async fn sgdaily(h: &Harness, options: Value, n: usize) -> (Vec<RestCall>, String) {
    let i = h.fake.slash_command(&member(), "sgdaily", options);
    let calls = wait_calls(&h.fake, &i.token, n).await;
    assert_eq!(calls.len(), n, "{calls:#?}");
    // A public defer first.
    assert_eq!(calls[0].path, i.callback_path());
    assert_eq!(calls[0].body["type"], 5);
    let flags = calls[0].body["data"]["flags"].as_u64().unwrap_or(0);
    assert_eq!(flags & 64, 0, "the defer is public");
    (calls, i.webhook_path(h.fake.application_id()))
}

#[tokio::test]
async fn is_registered_in_the_alttp_guild_only_with_a_bounded_count() {
    let h = start().await;
    let app = h.fake.application_id();
    let guild = h.fake.calls_to(&format!(
        "/applications/{app}/guilds/{}/commands",
        h.fake.guild_id()
    ));
    assert_eq!(guild.len(), 1);
    let sgdaily = guild[0]
        .body
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "sgdaily")
        .expect("/sgdaily in the guild set")
        .clone();
    assert_eq!(sgdaily["contexts"], json!([0]));
    let option = &sgdaily["options"][0];
    assert_eq!(option["name"], "number_of_days");
    assert_eq!(option["type"], 4, "integer");
    assert_eq!(option["min_value"], 1);
    assert_eq!(option["max_value"], 8);
    assert_ne!(option["required"], true);
    let global = h.fake.calls_to(&format!("/applications/{app}/commands"));
    assert!(
        !command_names(&global[0]).contains(&"sgdaily"),
        "not global"
    );
}

#[tokio::test]
async fn one_episode_shows_mode_time_and_twitch_channels_by_slug() {
    let h = start().await;
    let when = "2026-11-23T14:00:00-05:00";
    let channels = json!([
        {"id": 5, "name": "ALTTPRandomizer", "slug": "alttprandomizer", "language": "en"},
        {"id": 0, "name": "No Restream", "slug": "norestream", "language": "en"},
        {"id": 7, "name": "SpeedGaming", "slug": "speedgaming", "language": "en"}
    ]);
    mount_schedule(
        &h.ext,
        200,
        &json!([
            episode(9001, "Standard", when, channels),
            episode(9002, "Open", "2026-11-24T14:00:00-05:00", json!([]))
        ]),
    )
    .await;
    let (calls, webhook) = sgdaily(&h, json!([]), 2).await;
    assert_eq!(calls[1].method, "POST");
    assert_eq!(calls[1].path, webhook);
    let embeds = calls[1].body["embeds"].as_array().unwrap();
    assert_eq!(embeds.len(), 1);
    let embed = &embeds[0];
    assert_eq!(embed["title"], "SpeedGaming Daily Race Series");
    assert_eq!(
        embed["description"],
        format!("**Mode:** Standard\n{FULL_SCHEDULE}")
    );
    assert_eq!(embed["thumbnail"]["url"], THUMBNAIL);
    let t = unix(when);
    assert_eq!(
        embed["fields"],
        json!([
            {"name": "Time", "value": format!("<t:{t}:f> (<t:{t}:R>)"), "inline": false},
            {"name": "Twitch Channels",
             "value": "[alttprandomizer](https://twitch.tv/alttprandomizer), [speedgaming](https://twitch.tv/speedgaming)",
             "inline": false}
        ])
    );

    // SpeedGaming was asked for the 192 hours from now.
    let requests = h.ext.received_requests().await.unwrap();
    assert_eq!(requests.len(), 1);
    let query: std::collections::HashMap<String, String> =
        requests[0].url.query_pairs().into_owned().collect();
    let from = DateTime::parse_from_rfc3339(&query["from"]).unwrap();
    let to = DateTime::parse_from_rfc3339(&query["to"]).unwrap();
    assert_eq!((to - from).num_hours(), 192);
    assert!((chrono::Utc::now() - from.to_utc()).num_seconds().abs() < 60);
}

#[tokio::test]
async fn one_episode_without_a_title_or_channels_is_tbd_without_a_channel_field() {
    let h = start().await;
    let when = "2026-11-23T14:00:00-05:00";
    mount_schedule(&h.ext, 200, &json!([episode(9001, "", when, json!([]))])).await;
    let (calls, _) = sgdaily(
        &h,
        json!([{"name": "number_of_days", "type": 4, "value": 1}]),
        2,
    )
    .await;
    let embed = &calls[1].body["embeds"][0];
    assert_eq!(
        embed["description"],
        format!("**Mode:** *TBD*\n{FULL_SCHEDULE}")
    );
    assert_eq!(field_names(embed), ["Time"]);
}

#[tokio::test]
async fn several_episodes_list_the_first_n_with_tbd_titles() {
    let h = start().await;
    let whens = [
        "2026-11-23T14:00:00-05:00",
        "2026-11-24T14:00:00-05:00",
        "2026-11-25T14:00:00-05:00",
        "2026-11-26T14:00:00-05:00",
    ];
    mount_schedule(
        &h.ext,
        200,
        &json!([
            episode(1, "Standard", whens[0], json!([])),
            episode(2, "", whens[1], json!([])),
            episode(3, "Co-op Daily", whens[2], json!([])),
            episode(4, "Not shown", whens[3], json!([]))
        ]),
    )
    .await;
    let (calls, webhook) = sgdaily(
        &h,
        json!([{"name": "number_of_days", "type": 4, "value": 3}]),
        2,
    )
    .await;
    assert_eq!(calls[1].path, webhook);
    let embed = &calls[1].body["embeds"][0];
    assert_eq!(embed["title"], "ALTTP Randomizer SG Daily Schedule");
    assert_eq!(embed["description"], FULL_SCHEDULE);
    assert_eq!(embed["thumbnail"]["url"], THUMBNAIL);
    let field = |name: &str, when: &str| json!({"name": name, "value": format!("<t:{}:f>", unix(when)), "inline": false});
    assert_eq!(
        embed["fields"],
        json!([
            field("Standard", whens[0]),
            field("TBD", whens[1]),
            field("Co-op Daily", whens[2])
        ])
    );
}

#[tokio::test]
async fn no_episode_is_a_plain_public_message() {
    let h = start().await;
    mount_schedule(&h.ext, 200, &json!([])).await;
    let (calls, webhook) = sgdaily(&h, json!([]), 2).await;
    assert_eq!(calls[1].path, webhook);
    assert_eq!(
        calls[1].body["content"],
        "There are no currently SpeedGaming ALTTPR Daily Races scheduled within the next 8 days."
    );
    assert!(calls[1].body["embeds"].as_array().is_none_or(Vec::is_empty));
}

#[tokio::test]
async fn a_speedgaming_failure_edits_the_deferred_reply_into_a_short_error() {
    let h = start().await;
    mount_schedule(&h.ext, 500, &json!({"message": "boom"})).await;
    let (calls, webhook) = sgdaily(&h, json!([]), 2).await;
    assert_eq!(calls[1].method, "PATCH");
    assert_eq!(calls[1].path, format!("{webhook}/messages/@original"));
    let content = calls[1].body["content"].as_str().unwrap();
    assert!(content.contains("`ServiceUnavailable`"), "{content}");
    assert!(
        content.contains(
            "SpeedGaming is unavailable: the daily race schedule could not be read, please try again later"
        ),
        "{content}"
    );
    assert!(!content.contains("500"), "no internals: {content}");
    assert!(!content.contains("127.0.0.1"), "no internals: {content}");
}

#[tokio::test]
async fn a_speedgaming_error_body_is_the_same_short_error() {
    let h = start().await;
    mount_schedule(&h.ext, 200, &json!({"error": "Event not found"})).await;
    let (calls, webhook) = sgdaily(&h, json!([]), 2).await;
    assert_eq!(calls[1].path, format!("{webhook}/messages/@original"));
    let content = calls[1].body["content"].as_str().unwrap();
    assert!(content.contains("SpeedGaming is unavailable"), "{content}");
}
