//! The async tournament's Discord workflow (`discord.md` §4) through the fake Discord, the
//! real database (SQLite, plus MariaDB / PostgreSQL when configured) and alttpr.com stubbed.

use crate::common;

use std::time::Duration;

use chrono::{TimeDelta, Utc};
use common::{
    APP_URL, BotConfig, CHANNEL, GUILD, Harness, Setup, all_rows, is_ephemeral, sub, user_row,
};
use sahasrahbot_core::db::entities::{
    asynctournament as tournaments, asynctournamentauditlog as audit,
    asynctournamentpermalink as permalinks, asynctournamentpermalinkpool as pools,
    asynctournamentpermissions as permissions, asynctournamentrace as races, users,
};
use sahasrahbot_testkit::db::TestDb;
use sahasrahbot_testkit::discord::{FakeUser, RestCall, SentInteraction};
use sahasrahbot_tournament::asynctournament::AsyncTournaments;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, EntityTrait, IntoActiveModel};
use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// The file-select code of [`game`]'s patch.
const CODE: &str = "Bow/Boomerang/Hookshot/Bombs/Mushroom";
/// How long a flow may take.
const WAIT: Duration = Duration::from_secs(15);

fn runner(n: u64) -> FakeUser {
    FakeUser::member(300_000_000_000_000_000 + n, &format!("runner{n}"))
}

fn staff() -> FakeUser {
    FakeUser::member(400_000_000_000_000_001, "staff")
}

fn owner(h: &Harness) -> FakeUser {
    FakeUser::member(h.fake.owner_id(), "Synack")
}

fn game(hash: &str) -> Value {
    json!({"hash": hash, "generated": "2026-11-22T01:02:03+00:00",
           "patch": [{"1573397": [0, 1, 2, 3, 4, 9]}],
           "spoiler": {"meta": {"name": "Open", "spoilers": "off"}}})
}

/// alttpr.com answering one game per request: `AAA1`, `AAA2`, ….
async fn mount_alttpr(server: &MockServer, games: usize) {
    for n in 1..=games {
        Mock::given(method("POST"))
            .and(path("/live/api/randomizer"))
            .respond_with(ResponseTemplate::new(200).set_body_json(game(&format!("AAA{n}"))))
            .up_to_n_times(1)
            .mount(server)
            .await;
    }
}

/// Runs `act`, then waits until the calls made since satisfy `done`; those calls.
async fn during(
    h: &Harness,
    act: impl FnOnce() -> SentInteraction,
    done: impl Fn(&[RestCall]) -> bool,
) -> (SentInteraction, Vec<RestCall>) {
    let before = h.fake.rest_calls().len();
    let sent = act();
    let ok = h
        .fake
        .wait_until(WAIT, |calls| done(&calls[before.min(calls.len())..]))
        .await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    let calls: Vec<RestCall> = h.fake.rest_calls().into_iter().skip(before).collect();
    assert!(ok, "the flow did not complete: {calls:#?}");
    (sent, calls)
}

/// The only callback of `calls`.
fn callback(calls: &[RestCall]) -> &RestCall {
    let found: Vec<&RestCall> = calls
        .iter()
        .filter(|c| c.path.ends_with("/callback"))
        .collect();
    assert_eq!(found.len(), 1, "{calls:#?}");
    found[0]
}

/// The ephemeral text reply of a refused interaction (and nothing else was called).
fn refusal(calls: &[RestCall]) -> String {
    assert_eq!(calls.len(), 1, "only the refusal: {calls:#?}");
    assert_eq!(calls[0].body["type"], 4, "{calls:#?}");
    assert!(is_ephemeral(&calls[0].body), "{calls:#?}");
    calls[0].body["data"]["content"]
        .as_str()
        .expect("a text")
        .to_owned()
}

/// Sends a click and returns the refusal text.
async fn refused(h: &Harness, act: impl FnOnce() -> SentInteraction) -> String {
    let before = h.fake.rest_calls().len();
    let sent = act();
    let token = sent.token.clone();
    h.fake
        .wait_until(WAIT, |calls| {
            calls[before..].iter().any(|c| c.path.contains(&token))
        })
        .await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    let calls: Vec<RestCall> = h
        .fake
        .rest_calls()
        .into_iter()
        .skip(before)
        .filter(|c| c.path.contains(&sent.token) || !c.path.starts_with("/webhooks"))
        .collect();
    refusal(&calls)
}

fn button(data: &Value, row: usize, index: usize) -> &Value {
    &data["components"][row]["components"][index]
}

/// `/async create` by the owner in the tournament channel.
async fn create(h: &Harness, name: &str, spec: &str) -> (Vec<RestCall>, tournaments::Model) {
    let options = sub(
        "create",
        json!([{"name": "name", "type": 3, "value": name},
               {"name": "permalinks", "type": 3, "value": spec}]),
    );
    let (_, calls) = during(
        h,
        || h.fake.slash_command(&owner(h), "async", options),
        |calls| calls.iter().any(|c| c.path.starts_with("/webhooks")),
    )
    .await;
    let rows = all_rows::<tournaments::Entity>(&h.db).await;
    let tournament = rows
        .into_iter()
        .find(|t| t.name == name)
        .expect("the tournament row");
    (calls, tournament)
}

/// A runner's way from 🏁 to their thread; the thread id and the calls of the confirm.
async fn open_thread(h: &Harness, who: &FakeUser, pool: &str) -> (u64, Vec<RestCall>) {
    let (_, calls) = during(
        h,
        || {
            h.fake
                .component_in(who, "sahasrahbot:new_async_race", CHANNEL, 1)
        },
        |calls| calls.iter().any(|c| c.path.ends_with("/callback")),
    )
    .await;
    let data = &callback(&calls).body["data"];
    let select = button(data, 0, 0);
    let value = select["options"]
        .as_array()
        .expect("options")
        .iter()
        .find(|o| o["label"] == pool)
        .expect("the pool is offered")["value"]
        .as_str()
        .expect("a value")
        .to_owned();
    let select_id = select["custom_id"].as_str().expect("an id").to_owned();
    let (_, calls) = during(
        h,
        || h.fake.select_in(who, &select_id, &[&value], CHANNEL, 2),
        |calls| calls.iter().any(|c| c.path.ends_with("/callback")),
    )
    .await;
    let update = callback(&calls);
    assert_eq!(update.body["type"], 7, "the dialog is updated: {calls:#?}");
    let confirm = button(&update.body["data"], 1, 0);
    assert_ne!(confirm["disabled"], true, "enabled: {confirm}");
    let confirm_id = confirm["custom_id"].as_str().expect("an id").to_owned();
    let (_, calls) = during(
        h,
        || h.fake.component_in(who, &confirm_id, CHANNEL, 2),
        |calls| {
            calls
                .iter()
                .any(|c| c.method == "PATCH" && c.path.ends_with("/@original"))
        },
    )
    .await;
    let member = calls
        .iter()
        .find(|c| c.method == "PUT" && c.path.contains("/thread-members/"))
        .expect("the runner is added to the thread");
    let thread = member.path.split('/').nth(2).expect("a thread id");
    (thread.parse().expect("a snowflake"), calls)
}

/// Ready → countdown → GO; the calls.
async fn ready(h: &Harness, who: &FakeUser, thread: u64) -> Vec<RestCall> {
    let (_, calls) = during(
        h,
        || {
            h.fake
                .component_in(who, "sahasrahbot:async_ready", thread, 50)
        },
        |calls| calls.iter().any(|c| c.body["content"] == "**GO!**"),
    )
    .await;
    calls
}

async fn race_of(h: &Harness, user: &FakeUser) -> races::Model {
    let runner = all_rows::<users::Entity>(&h.db)
        .await
        .into_iter()
        .find(|u| u.discord_user_id == Some(user.id as i64))
        .expect("the runner's users row");
    all_rows::<races::Entity>(&h.db)
        .await
        .into_iter()
        .find(|r| r.user_id == runner.id)
        .expect("the runner's race")
}

fn actions(rows: &[audit::Model]) -> Vec<&str> {
    rows.iter().map(|r| r.action.as_str()).collect()
}

#[tokio::test]
async fn a_full_tournament_three_runners_two_pools_a_forfeit_a_timeout_and_scores() {
    for db in TestDb::all().await {
        let backend = db.name();
        let ext = MockServer::start().await;
        mount_alttpr(&ext, 3).await;
        let h = Setup::default()
            .db(db)
            .ext(ext)
            .adjust(|c: &mut BotConfig| {
                c.cogs.async_countdown_tick = Duration::from_millis(5);
                c.cogs.async_enforcement_interval = Duration::from_millis(300);
            })
            .start()
            .await;
        scenario(&h, backend).await;
        h.cancel.cancel();
    }
}

async fn scenario(h: &Harness, backend: &str) {
    let app = h.fake.application_id();
    // The owner creates the tournament: one seed in Pool A, two in Pool B.
    let (calls, tournament) = create(h, "Spring Qualifier", "Pool A,open,1; Pool B,open,2").await;
    assert_eq!(calls[0].body["type"], 5, "{backend}: public defer");
    assert!(!is_ephemeral(&calls[0].body));
    let post = calls.last().expect("the follow-up");
    assert_eq!(post.method, "POST");
    assert!(post.path.starts_with(&format!("/webhooks/{app}/")));
    let embed = &post.body["embeds"][0];
    assert_eq!(embed["title"], "Spring Qualifier");
    assert_eq!(embed["fields"][0]["name"], "Owner");
    assert_eq!(
        embed["fields"][0]["value"],
        format!("<@{}>", h.fake.owner_id())
    );
    assert_eq!(embed["footer"]["text"], format!("ID: {}", tournament.id));
    let start = &post.body["components"][0]["components"][0];
    assert_eq!(start["custom_id"], "sahasrahbot:new_async_race");
    assert_eq!(start["label"], "Start new async run");
    assert_eq!(start["style"], 3);
    assert_eq!(start["emoji"]["name"], "🏁");
    assert_eq!(tournament.guild_id, GUILD as i64);
    assert_eq!(tournament.channel_id, CHANNEL as i64);
    assert_eq!(tournament.owner_id, h.fake.owner_id() as i64);
    assert!(tournament.active);
    let mut pool_rows = all_rows::<pools::Entity>(&h.db).await;
    pool_rows.sort_by_key(|p| p.id);
    let names: Vec<(&str, Option<&str>)> = pool_rows
        .iter()
        .map(|p| (p.name.as_str(), p.preset.as_deref()))
        .collect();
    assert_eq!(
        names,
        [("Pool A", Some("open")), ("Pool B", Some("open"))],
        "{backend}"
    );
    let mut seeds = all_rows::<permalinks::Entity>(&h.db).await;
    seeds.sort_by_key(|p| p.id);
    let by_pool: Vec<(i32, Option<&str>, Option<&str>)> = seeds
        .iter()
        .map(|p| (p.pool_id, p.url.as_deref(), p.notes.as_deref()))
        .collect();
    let (a, b) = (pool_rows[0].id, pool_rows[1].id);
    assert_eq!(
        by_pool,
        [
            (a, Some("https://alttpr.com/h/AAA1"), Some(CODE)),
            (b, Some("https://alttpr.com/h/AAA2"), Some(CODE)),
            (b, Some("https://alttpr.com/h/AAA3"), Some(CODE)),
        ],
        "{backend}"
    );
    assert_eq!(actions(&all_rows::<audit::Entity>(&h.db).await), ["create"]);

    let (r1, r2, r3) = (runner(1), runner(2), runner(3));
    for (r, rtgg) in [(&r1, "rt1"), (&r2, "rt2"), (&r3, "rt3")] {
        user_row(h.db.conn(), r.id, Some(rtgg)).await;
    }

    // Runner 1: 🏁 → the ephemeral dialog.
    let (_, calls) = during(
        h,
        || {
            h.fake
                .component_in(&r1, "sahasrahbot:new_async_race", CHANNEL, 1)
        },
        |calls| !calls.is_empty(),
    )
    .await;
    assert_eq!(calls.len(), 1, "{calls:#?}");
    let data = &calls[0].body["data"];
    assert_eq!(calls[0].body["type"], 4);
    assert!(is_ephemeral(&calls[0].body));
    assert!(
        data["content"]
            .as_str()
            .unwrap()
            .starts_with("You must start your race within 20 minutes of confirming"),
        "{data}"
    );
    let select = button(data, 0, 0);
    assert_eq!(select["type"], 3);
    assert_eq!(select["placeholder"], "Select an async pool");
    let labels: Vec<&Value> = select["options"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| &o["label"])
        .collect();
    assert_eq!(labels, ["Pool A", "Pool B"]);
    assert_eq!(
        button(data, 1, 0)["label"],
        "I confirm, this is the point of no return!"
    );
    assert_eq!(button(data, 1, 0)["disabled"], true);
    assert_eq!(button(data, 1, 1)["label"], "Cancel");

    // Runner 1 opens Pool A.
    let (thread1, calls) = open_thread(h, &r1, "Pool A").await;
    let kinds: Vec<(&str, String)> = calls
        .iter()
        .map(|c| {
            (
                c.method.as_str(),
                c.path.replace(&thread1.to_string(), "{thread}"),
            )
        })
        .collect();
    assert_eq!(kinds[0].0, "POST");
    assert!(kinds[0].1.ends_with("/callback"));
    assert_eq!(calls[0].body["type"], 6, "deferred update");
    assert_eq!(
        kinds[1..],
        [
            ("POST", format!("/channels/{CHANNEL}/threads")),
            (
                "PUT",
                format!("/channels/{{thread}}/thread-members/{}", r1.id)
            ),
            ("POST", "/channels/{thread}/messages".to_owned()),
            (
                "PATCH",
                format!(
                    "/webhooks/{app}/{}/messages/@original",
                    kinds[4].1.split('/').nth(3).unwrap()
                )
            ),
        ],
        "{backend}"
    );
    assert_eq!(calls[1].body["name"], "runner1 - Pool A");
    assert_eq!(calls[1].body["type"], 12, "a private thread");
    let race1 = race_of(h, &r1).await;
    let post = &calls[3].body;
    assert!(post["content"].as_str().unwrap().contains("unlisted"));
    let embed = &post["embeds"][0];
    assert_eq!(embed["title"], "Tournament Async Run");
    let fields: Vec<(&Value, &Value)> = embed["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (&f["name"], &f["value"]))
        .collect();
    assert_eq!(
        fields,
        [
            (&json!("Pool"), &json!("Pool A")),
            (&json!("Permalink"), &json!("https://alttpr.com/h/AAA1")),
            (&json!("Notes"), &json!(CODE)),
        ]
    );
    assert_eq!(embed["footer"]["text"], format!("Race ID: {}", race1.id));
    assert_eq!(button(post, 0, 0)["custom_id"], "sahasrahbot:async_ready");
    assert_eq!(button(post, 0, 1)["custom_id"], "sahasrahbot:async_forfeit");
    let done = &calls[4].body;
    assert_eq!(
        done["content"],
        format!("Created <#{thread1}>. Please join that thread for your race details.")
    );
    assert_eq!(done["components"], json!([]));
    assert_eq!(done["embeds"], json!([]));
    assert_eq!(race1.status, "pending", "{backend}");
    assert_eq!(race1.thread_id, Some(thread1 as i64));
    assert!(race1.thread_open_time.is_some());
    assert_eq!(race1.permalink_id, seeds[0].id);
    assert_eq!(race1.start_time, None);

    // A bystander cannot start it.
    let text = refused(h, || {
        h.fake
            .component_in(&r2, "sahasrahbot:async_ready", thread1, 50)
    })
    .await;
    assert_eq!(text, "Only the runner of this race can start it.");

    // Ready: the Ready buttons disabled, 10... to 1..., GO with its buttons.
    let calls = ready(h, &r1, thread1).await;
    let update = &calls[0];
    assert_eq!(update.body["type"], 7);
    let row = &update.body["data"]["components"][0]["components"];
    assert_eq!(row[0]["disabled"], true);
    assert_eq!(row[1]["disabled"], true);
    let posted: Vec<&Value> = calls[1..]
        .iter()
        .filter(|c| c.path == format!("/channels/{thread1}/messages"))
        .map(|c| &c.body["content"])
        .collect();
    let expected: Vec<Value> = (1..=10)
        .rev()
        .map(|n| json!(format!("{n}...")))
        .chain([json!("**GO!**")])
        .collect();
    assert_eq!(posted, expected.iter().collect::<Vec<_>>(), "{backend}");
    let go = calls.last().unwrap();
    let go_buttons: Vec<(&Value, &Value)> = go.body["components"][0]["components"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| (&b["custom_id"], &b["label"]))
        .collect();
    assert_eq!(
        go_buttons,
        [
            (&json!("sahasrahbot:async_finish"), &json!("Finish")),
            (&json!("sahasrahbot:async_forfeit2"), &json!("Forfeit")),
            (&json!("sahasrahbot:async_get_timer"), &json!("Get timer")),
        ]
    );
    tokio::time::sleep(Duration::from_millis(200)).await;
    let race1 = race_of(h, &r1).await;
    assert_eq!(race1.status, "in_progress", "{backend}");
    assert!(race1.start_time.is_some());

    // A bystander's Finish is refused and leaves the runner's buttons alone.
    let text = refused(h, || {
        h.fake
            .component_in(&r2, "sahasrahbot:async_finish", thread1, 60)
    })
    .await;
    assert_eq!(text, "Only the runner of this race may finish it.");

    // Get timer.
    let text = refused(h, || {
        h.fake
            .component_in(&r1, "sahasrahbot:async_get_timer", thread1, 60)
    })
    .await;
    assert!(text.starts_with("Timer: **00:00:0"), "{text}");

    // Finish: the public time with the submit button, then the GO buttons disabled.
    let (_, calls) = during(
        h,
        || {
            h.fake
                .component_in(&r1, "sahasrahbot:async_finish", thread1, 60)
        },
        |calls| calls.iter().any(|c| c.method == "PATCH"),
    )
    .await;
    assert_eq!(calls.len(), 2, "{calls:#?}");
    assert_eq!(calls[0].body["type"], 4);
    assert!(!is_ephemeral(&calls[0].body));
    let text = calls[0].body["data"]["content"].as_str().unwrap();
    assert!(text.starts_with("Your finish time of **00:00:0"), "{text}");
    let submit = button(&calls[0].body["data"], 0, 0);
    assert_eq!(submit["custom_id"], "sahasrahbot:async_submit_vod");
    assert_eq!(submit["label"], "Submit Run Information");
    assert_eq!(calls[1].path, format!("/channels/{thread1}/messages/60"));
    let off: Vec<&Value> = calls[1].body["components"][0]["components"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| &b["disabled"])
        .collect();
    assert_eq!(off, [&json!(true); 3]);
    let race1 = race_of(h, &r1).await;
    assert_eq!(race1.status, "finished");
    assert!(race1.end_time >= race1.start_time);

    // The run information: the modal, then the values saved and echoed.
    let (_, calls) = during(
        h,
        || {
            h.fake
                .component_in(&r1, "sahasrahbot:async_submit_vod", thread1, 61)
        },
        |calls| !calls.is_empty(),
    )
    .await;
    assert_eq!(calls[0].body["type"], 9, "a modal: {calls:#?}");
    assert_eq!(calls[0].body["data"]["title"], "Submit VOD and Notes");
    let modal_id = calls[0].body["data"]["custom_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let (_, calls) = during(
        h,
        || {
            h.fake.modal_submit_in(
                &r1,
                &modal_id,
                &[
                    ("runner_vod_url", "https://youtu.be/run1"),
                    ("runner_notes", "clean run"),
                ],
                thread1,
            )
        },
        |calls| !calls.is_empty(),
    )
    .await;
    assert_eq!(calls[0].body["type"], 4);
    assert!(!is_ephemeral(&calls[0].body));
    assert_eq!(
        calls[0].body["data"]["content"],
        "VOD link and runner notes saved.\n\n**URL:**\nhttps://youtu.be/run1\n\n**Notes:**\nclean run"
    );
    let race1 = race_of(h, &r1).await;
    assert_eq!(
        race1.runner_vod_url.as_deref(),
        Some("https://youtu.be/run1")
    );
    assert_eq!(race1.runner_notes.as_deref(), Some("clean run"));

    // Runner 2 plays the same Pool A seed and forfeits from the GO message.
    let (thread2, _) = open_thread(h, &r2, "Pool A").await;
    assert_eq!(race_of(h, &r2).await.permalink_id, seeds[0].id);
    ready(h, &r2, thread2).await;
    let (_, calls) = during(
        h,
        || {
            h.fake
                .component_in(&r2, "sahasrahbot:async_forfeit2", thread2, 70)
        },
        |calls| !calls.is_empty(),
    )
    .await;
    assert_eq!(calls.len(), 1);
    assert!(is_ephemeral(&calls[0].body));
    let confirm = button(&calls[0].body["data"], 0, 0);
    assert_eq!(confirm["label"], "Confirm Forfeit");
    assert_eq!(confirm["style"], 4);
    let confirm_id = confirm["custom_id"].as_str().unwrap().to_owned();
    let (_, calls) = during(
        h,
        || h.fake.component_in(&r2, &confirm_id, thread2, 71),
        |calls| calls.iter().any(|c| c.method == "PATCH"),
    )
    .await;
    assert_eq!(calls.len(), 3, "{calls:#?}");
    assert_eq!(calls[0].body["type"], 7);
    assert_eq!(button(&calls[0].body["data"], 0, 0)["disabled"], true);
    assert_eq!(calls[1].path, format!("/channels/{thread2}/messages"));
    assert_eq!(
        calls[1].body["content"],
        format!("This run has been forfeited by <@{}>.", r2.id)
    );
    assert_eq!(calls[2].path, format!("/channels/{thread2}/messages/70"));
    assert_eq!(
        calls[2].body["components"][0]["components"][2]["disabled"],
        true
    );
    assert_eq!(race_of(h, &r2).await.status, "forfeit");

    // Runner 3 opens Pool B and never presses Ready: warned once, then forfeited.
    let (thread3, _) = open_thread(h, &r3, "Pool B").await;
    let race3 = race_of(h, &r3).await;
    assert!([seeds[1].id, seeds[2].id].contains(&race3.permalink_id));
    let soon = Utc::now().naive_utc() + TimeDelta::minutes(5);
    let mut row = race3.clone().into_active_model();
    row.thread_timeout_time = Set(Some(soon));
    row.update(h.db.conn()).await.unwrap();
    let thread3_messages = format!("/channels/{thread3}/messages");
    let pings = || -> Vec<RestCall> {
        h.fake
            .calls_to(&thread3_messages)
            .into_iter()
            .filter(|c| {
                c.body["content"]
                    .as_str()
                    .is_some_and(|t| t.starts_with("<@"))
            })
            .collect()
    };
    let pinged = |n: usize| {
        move |calls: &[RestCall]| {
            calls
                .iter()
                .filter(|c| c.path.ends_with(&format!("/channels/{thread3}/messages")))
                .filter(|c| {
                    c.body["content"]
                        .as_str()
                        .is_some_and(|t| t.starts_with("<@"))
                })
                .count()
                >= n
        }
    };
    assert!(h.fake.wait_until(WAIT, pinged(1)).await);
    // Several more passes: still one warning.
    tokio::time::sleep(Duration::from_millis(1000)).await;
    let warnings = pings();
    assert_eq!(warnings.len(), 1, "{warnings:#?}");
    let text = warnings[0].body["content"].as_str().unwrap();
    assert!(
        text.starts_with(&format!(
            "<@{}>, your race will be permanently forfeited at <t:{}:f>",
            r3.id,
            soon.and_utc().timestamp()
        )),
        "{text}"
    );
    let mut row = race_of(h, &r3).await.into_active_model();
    row.thread_timeout_time = Set(Some(Utc::now().naive_utc() - TimeDelta::minutes(1)));
    row.update(h.db.conn()).await.unwrap();
    assert!(h.fake.wait_until(WAIT, pinged(2)).await);
    let posts = pings();
    assert_eq!(
        posts[1].body["content"],
        format!(
            "<@{}>, the grace period for the start of this run has elapsed, and the run has \
             been forfeited. Please contact the @Admins if you believe this is a mistake.",
            r3.id
        )
    );
    assert_eq!(race_of(h, &r3).await.status, "forfeit", "{backend}");

    // Scores: a staff admin recalculates; runner 1 is at par.
    let options = sub(
        "permissions",
        json!([{"name": "permission", "type": 3, "value": "admin"},
               {"name": "user", "type": 6, "value": staff().id.to_string()}]),
    );
    let i = h.fake.slash_command(&owner(h), "async", options);
    let calls = common::wait_calls(&h.fake, &i.token, 2).await;
    assert_eq!(calls[0].body["type"], 5);
    assert!(is_ephemeral(&calls[0].body));
    assert_eq!(
        calls[1].body["content"],
        format!(
            "user{} ({}) has been granted admin permissions.",
            staff().id,
            staff().id
        )
    );
    let grants = all_rows::<permissions::Entity>(&h.db).await;
    assert_eq!(grants.len(), 1);
    assert_eq!(grants[0].role, "admin");
    let i = h
        .fake
        .slash_command(&staff(), "async", sub("calculate_scores", json!([])));
    let calls = common::wait_calls(&h.fake, &i.token, 2).await;
    assert_eq!(calls[0].body["type"], 5);
    assert!(is_ephemeral(&calls[0].body));
    assert_eq!(calls[1].body["content"], "Done!");
    let (race1, race2, race3) = (
        race_of(h, &r1).await,
        race_of(h, &r2).await,
        race_of(h, &r3).await,
    );
    assert_eq!(race1.score, Some(100.0), "{backend}");
    assert_eq!(race2.score, Some(0.0));
    assert_eq!(race3.score, None, "no finished run in Pool B: no par");
    let par = permalinks::Entity::find_by_id(seeds[0].id)
        .one(h.db.conn())
        .await
        .unwrap()
        .and_then(|p| p.par_time);
    assert!(par.is_some_and(|p| p >= 0.0));

    // The leaderboard: runner 1 first (100 in Pool A, an empty Pool B slot).
    let board = AsyncTournaments::new(h.db.conn().clone())
        .leaderboard(tournament.id)
        .await
        .unwrap()
        .expect("a leaderboard");
    let top = &board.entries[0];
    assert_eq!(top.player.discord_user_id, Some(r1.id as i64));
    assert_eq!(top.score, 50.0);
    assert_eq!(top.estimate, 100.0);

    // The audit trail.
    let mut trail = all_rows::<audit::Entity>(&h.db).await;
    trail.sort_by_key(|r| r.id);
    assert_eq!(
        actions(&trail),
        [
            "create",
            "create_thread",
            "race_ready",
            "race_countdown",
            "race_started",
            "race_finish",
            "create_thread",
            "race_ready",
            "race_countdown",
            "race_started",
            "runner_forfeit",
            "create_thread",
            "timeout_forfeit",
        ],
        "{backend}"
    );
    assert_eq!(trail.last().unwrap().user_id, None, "the system");

    // Closing: not by a runner; a tournament admin gets the confirmation too
    // (DECISIONS.md); the owner confirms.
    let i = h.fake.slash_command(&r2, "async", sub("close", json!([])));
    let calls = common::wait_calls(&h.fake, &i.token, 1).await;
    assert_eq!(refusal(&calls), "You are not the owner of this tournament.");
    let i = h
        .fake
        .slash_command(&staff(), "async", sub("close", json!([])));
    let calls = common::wait_calls(&h.fake, &i.token, 1).await;
    assert!(is_ephemeral(&calls[0].body));
    assert_eq!(
        button(&calls[0].body["data"], 0, 0)["label"],
        "Yes, close this tournament",
        "an admin may close"
    );
    let i = h
        .fake
        .slash_command(&owner(h), "async", sub("close", json!([])));
    let calls = common::wait_calls(&h.fake, &i.token, 1).await;
    assert!(is_ephemeral(&calls[0].body));
    let lock = button(&calls[0].body["data"], 0, 0);
    assert_eq!(lock["label"], "Yes, close this tournament");
    let lock_id = lock["custom_id"].as_str().unwrap().to_owned();
    let i = h.fake.component_in(&owner(h), &lock_id, CHANNEL, 80);
    let calls = common::wait_calls(&h.fake, &i.token, 1).await;
    assert_eq!(calls[0].body["type"], 4);
    assert!(!is_ephemeral(&calls[0].body));
    assert_eq!(
        calls[0].body["data"]["content"],
        "This tournament has been closed."
    );
    let closed = tournaments::Entity::find_by_id(tournament.id)
        .one(h.db.conn())
        .await
        .unwrap()
        .unwrap();
    assert!(!closed.active, "{backend}");
}

#[tokio::test]
async fn start_refusals_each_answer_ephemerally_and_create_nothing() {
    let ext = MockServer::start().await;
    mount_alttpr(&ext, 1).await;
    let h = Setup::default().ext(ext).start().await;
    // No tournament in this channel yet.
    let who = runner(1);
    let text = refused(&h, || {
        h.fake
            .component_in(&who, "sahasrahbot:new_async_race", CHANNEL, 1)
    })
    .await;
    assert_eq!(text, "This channel is not set up for an async tournament.");
    // Only the bot owner creates tournaments.
    let i = h.fake.slash_command(
        &who,
        "async",
        sub(
            "create",
            json!([{"name": "name", "type": 3, "value": "T"},
                   {"name": "permalinks", "type": 3, "value": "A,open,1"}]),
        ),
    );
    let calls = common::wait_calls(&h.fake, &i.token, 1).await;
    assert_eq!(
        refusal(&calls),
        "Only the bot owner may manage async tournaments at this time."
    );
    assert!(all_rows::<tournaments::Entity>(&h.db).await.is_empty());
    // A malformed permalinks option is refused before anything is written.
    let i = h.fake.slash_command(
        &owner(&h),
        "async",
        sub(
            "create",
            json!([{"name": "name", "type": 3, "value": "T"},
                   {"name": "permalinks", "type": 3, "value": "A,open"}]),
        ),
    );
    let calls = common::wait_calls(&h.fake, &i.token, 1).await;
    assert!(refusal(&calls).starts_with("Invalid permalinks option"));
    assert!(all_rows::<tournaments::Entity>(&h.db).await.is_empty());
    let (_, tournament) = create(&h, "T", "A,open,1").await;

    // Too new an account (created now).
    let ms = u64::try_from(Utc::now().timestamp_millis()).unwrap() - 1_420_070_400_000;
    let fresh = FakeUser::member(ms << 22, "fresh");
    let text = refused(&h, || {
        h.fake
            .component_in(&fresh, "sahasrahbot:new_async_race", CHANNEL, 1)
    })
    .await;
    assert!(
        text.starts_with("Your Discord account is too new"),
        "{text}"
    );

    // No racetime.gg account linked: the refusal links the page.
    let text = refused(&h, || {
        h.fake
            .component_in(&who, "sahasrahbot:new_async_race", CHANNEL, 1)
    })
    .await;
    assert!(text.contains("RaceTime.gg"), "{text}");
    assert!(
        text.ends_with(&format!("<{APP_URL}/racetime/verification/initiate>")),
        "{text}"
    );

    // Every pool played.
    let linked = runner(2);
    let user = user_row(h.db.conn(), linked.id, Some("rt2")).await;
    let permalink = all_rows::<permalinks::Entity>(&h.db).await[0].clone();
    races::ActiveModel {
        tournament_id: Set(tournament.id),
        permalink_id: Set(permalink.id),
        user_id: Set(user.id),
        status: Set("finished".to_owned()),
        review_status: Set("pending".to_owned()),
        reattempted: Set(Some(false)),
        thread_id: Set(Some(777)),
        ..Default::default()
    }
    .insert(h.db.conn())
    .await
    .unwrap();
    let text = refused(&h, || {
        h.fake
            .component_in(&linked, "sahasrahbot:new_async_race", CHANNEL, 1)
    })
    .await;
    assert_eq!(
        text,
        "You have already played all available pools for this tournament."
    );
    // A finished race: Ready and Finish are refused; a stranger cannot finish with /async done.
    let text = refused(&h, || {
        h.fake
            .component_in(&linked, "sahasrahbot:async_ready", 777, 5)
    })
    .await;
    assert_eq!(text, "This race must be pending to be started.");
    let text = refused(&h, || {
        h.fake
            .slash_command_in(&who, "async", sub("done", json!([])), 777)
    })
    .await;
    assert_eq!(text, "Only the runner of this race may finish it.");
    let text = refused(&h, || {
        h.fake
            .component_in(&linked, "sahasrahbot:async_finish", 777, 5)
    })
    .await;
    assert_eq!(text, "Only a race in progress can be finished.");
    // An expired dialog.
    let text = refused(&h, || {
        h.fake
            .component_in(&linked, "sahasrahbot:async_cancel:1000", CHANNEL, 5)
    })
    .await;
    assert_eq!(text, "This dialog has expired. Please start again.");
    assert_eq!(all_rows::<races::Entity>(&h.db).await.len(), 1);
    assert!(
        h.fake
            .calls_to(&format!("/channels/{CHANNEL}/threads"))
            .is_empty()
    );
}

#[tokio::test]
async fn the_pool_limit_is_checked_before_any_thread_is_created() {
    let ext = MockServer::start().await;
    mount_alttpr(&ext, 1).await;
    let h = Setup::default().ext(ext).start().await;
    create(&h, "T", "A,open,1").await;
    let who = runner(4);
    user_row(h.db.conn(), who.id, Some("rt4")).await;
    // Two dialogs open at once; the first confirm opens the thread.
    let (_, calls) = during(
        &h,
        || {
            h.fake
                .component_in(&who, "sahasrahbot:new_async_race", CHANNEL, 1)
        },
        |calls| !calls.is_empty(),
    )
    .await;
    let pool = button(&calls[0].body["data"], 0, 0)["options"][0]["value"]
        .as_str()
        .unwrap()
        .to_owned();
    let stale = button(&calls[0].body["data"], 1, 0)["custom_id"]
        .as_str()
        .unwrap()
        .replace(":0", &format!(":{pool}"));
    open_thread(&h, &who, "A").await;
    assert_eq!(
        h.fake
            .calls_to(&format!("/channels/{CHANNEL}/threads"))
            .len(),
        1
    );
    // The second, stale dialog is refused without a new thread.
    let text = refused(&h, || h.fake.component_in(&who, &stale, CHANNEL, 2)).await;
    assert!(
        text.starts_with("You already have an active race"),
        "{text}"
    );
    assert_eq!(
        h.fake
            .calls_to(&format!("/channels/{CHANNEL}/threads"))
            .len(),
        1
    );
}

/// A slash command in `channel`; its calls once `n` were made.
async fn command_in(
    h: &Harness,
    who: &FakeUser,
    name: &str,
    options: Value,
    channel: u64,
    n: usize,
) -> Vec<RestCall> {
    let i = h
        .fake
        .slash_command_in(who, "async", sub(name, options), channel);
    common::wait_calls(&h.fake, &i.token, n).await
}

#[tokio::test]
async fn staff_commands_owner_fixups_live_races_and_the_gmpmt_variant() {
    for db in TestDb::all().await {
        let backend = db.name();
        let ext = MockServer::start().await;
        mount_alttpr(&ext, 4).await;
        let h = Setup::default()
            .db(db)
            .ext(ext)
            .adjust(|c: &mut BotConfig| c.cogs.async_countdown_tick = Duration::from_millis(5))
            .start()
            .await;
        staff_flows(&h, backend).await;
        h.cancel.cancel();
    }
}

async fn staff_flows(h: &Harness, backend: &str) {
    let (_, tournament) = create(h, "Gimmick", "A,open,1;B,open,1").await;
    let mut row = tournament.clone().into_active_model();
    row.customization = Set("gmpmt2023".to_owned());
    row.update(h.db.conn()).await.unwrap();
    let boss = owner(h);

    // addseed: two more seeds in A; an unknown pool is named.
    let calls = command_in(
        h,
        &boss,
        "addseed",
        json!([{"name": "pool_name", "type": 3, "value": "A"},
               {"name": "preset", "type": 3, "value": "ignored"},
               {"name": "num", "type": 4, "value": 2}]),
        CHANNEL,
        2,
    )
    .await;
    assert_eq!(calls[0].body["type"], 5, "{backend}: {calls:#?}");
    assert!(!is_ephemeral(&calls[0].body));
    assert_eq!(calls[1].body["content"], "Added 2 seeds to pool A.");
    let pool_a = all_rows::<pools::Entity>(&h.db)
        .await
        .into_iter()
        .find(|p| p.name == "A")
        .unwrap();
    let in_a = all_rows::<permalinks::Entity>(&h.db)
        .await
        .into_iter()
        .filter(|p| p.pool_id == pool_a.id)
        .count();
    assert_eq!(in_a, 3, "{backend}");
    let calls = command_in(
        h,
        &boss,
        "addseed",
        json!([{"name": "pool_name", "type": 3, "value": "Z"},
               {"name": "preset", "type": 3, "value": "open"}]),
        CHANNEL,
        1,
    )
    .await;
    assert_eq!(refusal(&calls), "This tournament has no pool named Z.");

    // repost: the embed and the button again.
    let calls = command_in(h, &boss, "repost", json!([]), CHANNEL, 2).await;
    assert_eq!(calls[0].body["type"], 5);
    assert_eq!(calls[1].body["embeds"][0]["title"], "Gimmick");
    assert_eq!(
        button(&calls[1].body, 0, 0)["custom_id"],
        "sahasrahbot:new_async_race"
    );

    // permissions: a role's current members become mods.
    const ROLE: u64 = 800_000_000_000_000_009;
    let moderator = FakeUser {
        roles: vec![ROLE],
        ..FakeUser::member(500_000_000_000_000_005, "moddy")
    };
    h.fake.add_member(&moderator);
    h.fake.add_member(&runner(9));
    let calls = command_in(
        h,
        &boss,
        "permissions",
        json!([{"name": "permission", "type": 3, "value": "admin"}]),
        CHANNEL,
        1,
    )
    .await;
    assert_eq!(refusal(&calls), "Please specify a role or a user.");
    let calls = command_in(
        h,
        &boss,
        "permissions",
        json!([{"name": "permission", "type": 3, "value": "mod"},
               {"name": "role", "type": 8, "value": ROLE.to_string()}]),
        CHANNEL,
        2,
    )
    .await;
    assert!(is_ephemeral(&calls[0].body));
    assert_eq!(
        calls[1].body["content"],
        format!("The 1 current members of <@&{ROLE}> have been granted mod permissions.")
    );
    let grants = all_rows::<permissions::Entity>(&h.db).await;
    assert_eq!(grants.len(), 1, "{backend}");
    assert_eq!(grants[0].role, "mod");
    assert_eq!(grants[0].discord_role_id, None, "granted per user");
    let moddy = all_rows::<users::Entity>(&h.db)
        .await
        .into_iter()
        .find(|u| u.discord_user_id == Some(moderator.id as i64))
        .expect("a users row for the member");
    assert_eq!(grants[0].user_id, Some(moddy.id));
    assert_eq!(moddy.display_name.as_deref(), Some("moddy"));

    // Runner 1 opens A: the gmpmt2023 instructions.
    let r1 = runner(1);
    user_row(h.db.conn(), r1.id, Some("rt1")).await;
    let (thread1, calls) = open_thread(h, &r1, "A").await;
    let post = calls
        .iter()
        .find(|c| c.path == format!("/channels/{thread1}/messages"))
        .unwrap();
    assert!(
        post.body["content"]
            .as_str()
            .unwrap()
            .contains("Do **not** stream")
    );

    // extendtimeout: not for runners; a mod moves the deadline by 15 minutes.
    let calls = command_in(
        h,
        &r1,
        "extendtimeout",
        json!([{"name": "minutes", "type": 4, "value": 15}]),
        thread1,
        1,
    )
    .await;
    assert_eq!(
        refusal(&calls),
        "You are not allowed to extend the timeout of this tournament race."
    );
    let opened = race_of(h, &r1).await.thread_open_time.unwrap();
    let calls = command_in(
        h,
        &moderator,
        "extendtimeout",
        json!([{"name": "minutes", "type": 4, "value": 15}]),
        thread1,
        1,
    )
    .await;
    let deadline = race_of(h, &r1)
        .await
        .thread_timeout_time
        .expect("a deadline");
    assert_eq!(deadline, opened + TimeDelta::minutes(35), "{backend}");
    let at = deadline.and_utc().timestamp();
    assert_eq!(calls[0].body["type"], 4);
    assert!(!is_ephemeral(&calls[0].body));
    assert_eq!(
        calls[0].body["data"]["content"],
        format!("Timeout extended to <t:{at}:f> (<t:{at}:R>).")
    );

    // Ready, then /async done: the gmpmt finish text, no buttons to disable.
    ready(h, &r1, thread1).await;
    let calls = command_in(h, &r1, "done", json!([]), thread1, 1).await;
    assert_eq!(calls.len(), 1, "{calls:#?}");
    let text = calls[0].body["data"]["content"].as_str().unwrap();
    assert!(text.contains("collection rate and IGT"), "{text}");
    let i = h
        .fake
        .component_in(&r1, "sahasrahbot:async_submit_vod", thread1, 90);
    let calls = common::wait_calls(&h.fake, &i.token, 1).await;
    assert_eq!(calls[0].body["type"], 9);
    assert_eq!(
        calls[0].body["data"]["title"],
        "Submit Collection Rate and IGT"
    );
    let modal_id = calls[0].body["data"]["custom_id"]
        .as_str()
        .unwrap()
        .to_owned();
    // Another member's submission is refused.
    let i = h.fake.modal_submit_in(
        &moderator,
        &modal_id,
        &[("collection_rate", "1"), ("igt", "x")],
        thread1,
    );
    let calls = common::wait_calls(&h.fake, &i.token, 1).await;
    assert_eq!(
        refusal(&calls),
        "Only the runner may submit run information."
    );
    let i = h.fake.modal_submit_in(
        &r1,
        &modal_id,
        &[("collection_rate", "169"), ("igt", "1:23:45.67")],
        thread1,
    );
    let calls = common::wait_calls(&h.fake, &i.token, 1).await;
    assert!(!is_ephemeral(&calls[0].body));
    assert!(
        calls[0].body["data"]["content"]
            .as_str()
            .unwrap()
            .starts_with(
                "Collection rate and IGT saved.\n\n**Collection rate:** 169\n**IGT:** 1:23:45.67"
            )
    );
    let race1 = race_of(h, &r1).await;
    assert_eq!(race1.run_collection_rate.as_deref(), Some("169"));
    assert_eq!(race1.run_igt.as_deref(), Some("1:23:45.67"));

    // Owner-level commands: a mod is neither the owner nor an admin.
    let calls = command_in(h, &moderator, "repost", json!([]), CHANNEL, 1).await;
    assert_eq!(
        refusal(&calls),
        "Only the owner of this tournament, its admins or the bot owner may do this."
    );

    // update_run: the owner (or an admin), not a mod.
    let fix = json!([{"name": "status", "type": 3, "value": "disqualified"},
                     {"name": "elapsed_time", "type": 3, "value": "1:02:03"},
                     {"name": "vod_url", "type": 3, "value": "https://youtu.be/fix"}]);
    let calls = command_in(h, &moderator, "update_run", fix.clone(), thread1, 1).await;
    assert_eq!(refusal(&calls), "You are not the owner of this tournament.");
    let calls = command_in(h, &boss, "update_run", fix, thread1, 1).await;
    assert!(!is_ephemeral(&calls[0].body));
    let text = calls[0].body["data"]["content"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(
        text.starts_with("Synack administratively updated this run:"),
        "{text}"
    );
    let race1 = race_of(h, &r1).await;
    assert_eq!(race1.status, "disqualified", "{backend}");
    assert_eq!(
        race1.runner_vod_url.as_deref(),
        Some("https://youtu.be/fix")
    );
    assert_eq!(race1.runner_notes.as_deref(), Some(text.as_str()));
    let took = race1.end_time.unwrap() - race1.start_time.unwrap();
    assert_eq!(took, TimeDelta::seconds(3723));

    // Runner 2 opens B and forfeits from the Ready message: its two buttons are disabled.
    let r2 = runner(2);
    user_row(h.db.conn(), r2.id, Some("rt2")).await;
    let (thread2, _) = open_thread(h, &r2, "B").await;
    let i = h
        .fake
        .component_in(&r2, "sahasrahbot:async_forfeit", thread2, 91);
    let calls = common::wait_calls(&h.fake, &i.token, 1).await;
    let confirm_id = button(&calls[0].body["data"], 0, 0)["custom_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let (_, calls) = during(
        h,
        || h.fake.component_in(&r2, &confirm_id, thread2, 92),
        |calls| calls.iter().any(|c| c.method == "PATCH"),
    )
    .await;
    let patch = calls.iter().find(|c| c.method == "PATCH").unwrap();
    assert_eq!(patch.path, format!("/channels/{thread2}/messages/91"));
    let ids: Vec<&Value> = patch.body["components"][0]["components"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| &b["custom_id"])
        .collect();
    assert_eq!(
        ids,
        ["sahasrahbot:async_ready", "sahasrahbot:async_forfeit"]
    );
    assert_eq!(race_of(h, &r2).await.status, "forfeit", "{backend}");

    // calculate_scores needs an admin, not a mod.
    let calls = command_in(h, &moderator, "calculate_scores", json!([]), CHANNEL, 1).await;
    assert_eq!(
        refusal(&calls),
        "Only an admin of this tournament may do this."
    );

    // A live race of pool A with runner 3 in progress.
    let r3 = runner(3);
    let user3 = user_row(h.db.conn(), r3.id, Some("rt3")).await;
    let now = Utc::now().naive_utc();
    let live = sahasrahbot_core::db::entities::asynctournamentliverace::ActiveModel {
        racetime_slug: Set(Some("alttpr/fancy-race-1234".to_owned())),
        status: Set("in_progress".to_owned()),
        created: Set(now),
        updated: Set(now),
        pool_id: Set(pool_a.id),
        tournament_id: Set(tournament.id),
        ..Default::default()
    }
    .insert(h.db.conn())
    .await
    .unwrap();
    let permalink = all_rows::<permalinks::Entity>(&h.db).await[0].clone();
    races::ActiveModel {
        tournament_id: Set(tournament.id),
        permalink_id: Set(permalink.id),
        user_id: Set(user3.id),
        live_race_id: Set(Some(live.id)),
        status: Set("in_progress".to_owned()),
        review_status: Set("pending".to_owned()),
        reattempted: Set(Some(false)),
        start_time: Set(Some(now)),
        ..Default::default()
    }
    .insert(h.db.conn())
    .await
    .unwrap();
    let i = h.fake.autocomplete(
        &moderator,
        "async",
        json!([{"name": "live_race_record", "type": 1, "options": [
            {"name": "racetime_slug", "type": 3, "value": "FANCY", "focused": true}]}]),
    );
    let calls = common::wait_calls(&h.fake, &i.token, 1).await;
    assert_eq!(calls[0].body["type"], 8);
    assert_eq!(
        calls[0].body["data"]["choices"],
        json!([{"name": "alttpr/fancy-race-1234", "value": "alttpr/fancy-race-1234"}])
    );
    let record = |slug: &str| json!([{"name": "racetime_slug", "type": 3, "value": slug}]);
    let calls = command_in(
        h,
        &moderator,
        "live_race_record",
        record("alttpr/nope"),
        CHANNEL,
        1,
    )
    .await;
    assert_eq!(
        refusal(&calls),
        "That RaceTime.gg room is not a live race of an async tournament."
    );
    let calls = command_in(
        h,
        &r1,
        "live_race_record",
        record("alttpr/fancy-race-1234"),
        CHANNEL,
        1,
    )
    .await;
    assert_eq!(
        refusal(&calls),
        "Only an admin or mod of this tournament may do this."
    );
    Mock::given(method("GET"))
        .and(path("/rtgg/alttpr/fancy-race-1234/data"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"entrants": [
                {"user": {"id": "rt3", "full_name": "Runner#3"}, "status": {"value": "done"},
                 "finished_at": "2026-11-22T03:04:05+00:00"},
                {"user": {"id": "rtX", "full_name": "Stranger#9"}, "status": {"value": "dnf"},
                 "finished_at": null}
            ]})),
        )
        .mount(&h.ext)
        .await;
    let calls = command_in(
        h,
        &moderator,
        "live_race_record",
        record("alttpr/fancy-race-1234"),
        CHANNEL,
        2,
    )
    .await;
    assert_eq!(calls[0].body["type"], 5);
    assert!(is_ephemeral(&calls[0].body));
    let text = calls[1].body["content"].as_str().unwrap();
    assert!(
        text.starts_with("The race was recorded with these warnings."),
        "{text}"
    );
    assert!(text.contains("Stranger#9"), "{text}");
    let race3 = race_of(h, &r3).await;
    assert_eq!(race3.status, "finished", "{backend}");
    assert_eq!(
        race3.end_time.map(|t| t.and_utc().to_rfc3339()),
        Some("2026-11-22T03:04:05+00:00".to_owned())
    );
    let live = sahasrahbot_core::db::entities::asynctournamentliverace::Entity::find_by_id(live.id)
        .one(h.db.conn())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(live.status, "finished");

    // The pool dialog's Cancel.
    let (_, calls) = during(
        h,
        || {
            h.fake
                .component_in(&runner(4), "sahasrahbot:new_async_race", CHANNEL, 1)
        },
        |calls| !calls.is_empty(),
    )
    .await;
    let text = refusal(&calls);
    assert!(
        text.contains("RaceTime.gg"),
        "runner 4 is not linked: {text}"
    );
    let (_, calls) = during(
        h,
        || {
            h.fake
                .component_in(&r2, "sahasrahbot:new_async_race", CHANNEL, 1)
        },
        |calls| !calls.is_empty(),
    )
    .await;
    let cancel_id = button(&calls[0].body["data"], 1, 1)["custom_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let i = h.fake.component_in(&r2, &cancel_id, CHANNEL, 2);
    let calls = common::wait_calls(&h.fake, &i.token, 1).await;
    assert_eq!(calls[0].body["type"], 7);
    assert_eq!(
        calls[0].body["data"]["content"],
        "Request cancelled. Nothing was recorded, and you may start a run later."
    );
    assert_eq!(calls[0].body["data"]["components"], json!([]));
    assert_eq!(calls[0].body["data"]["embeds"], json!([]));
}

#[tokio::test]
async fn a_pool_with_no_seed_left_for_the_runner_deletes_the_new_thread() {
    let ext = MockServer::start().await;
    mount_alttpr(&ext, 1).await;
    let h = Setup::default().ext(ext).start().await;
    let (_, tournament) = create(&h, "T", "A,open,1").await;
    let mut row = tournament.clone().into_active_model();
    row.runs_per_pool = Set(2);
    row.update(h.db.conn()).await.unwrap();
    let who = runner(5);
    let user = user_row(h.db.conn(), who.id, Some("rt5")).await;
    let permalink = all_rows::<permalinks::Entity>(&h.db).await[0].clone();
    races::ActiveModel {
        tournament_id: Set(tournament.id),
        permalink_id: Set(permalink.id),
        user_id: Set(user.id),
        status: Set("forfeit".to_owned()),
        review_status: Set("pending".to_owned()),
        reattempted: Set(Some(false)),
        ..Default::default()
    }
    .insert(h.db.conn())
    .await
    .unwrap();
    let (_, calls) = during(
        &h,
        || {
            h.fake
                .component_in(&who, "sahasrahbot:new_async_race", CHANNEL, 1)
        },
        |calls| !calls.is_empty(),
    )
    .await;
    let data = &calls[0].body["data"];
    let pool = button(data, 0, 0)["options"][0]["value"]
        .as_str()
        .unwrap()
        .to_owned();
    let confirm = button(data, 1, 0)["custom_id"]
        .as_str()
        .unwrap()
        .rsplit_once(':')
        .map(|(head, _)| format!("{head}:{pool}"))
        .unwrap();
    let (i, calls) = during(
        &h,
        || h.fake.component_in(&who, &confirm, CHANNEL, 2),
        |calls| calls.iter().any(|c| c.path.starts_with("/webhooks")),
    )
    .await;
    let paths: Vec<(&str, &str)> = calls
        .iter()
        .map(|c| (c.method.as_str(), c.path.as_str()))
        .collect();
    assert_eq!(paths[0], ("POST", i.callback_path().as_str()));
    assert_eq!(calls[0].body["type"], 6);
    assert_eq!(
        paths[1],
        ("POST", format!("/channels/{CHANNEL}/threads").as_str())
    );
    assert_eq!(
        paths[2].0, "DELETE",
        "the thread is deleted again: {calls:#?}"
    );
    assert!(paths[2].1.starts_with("/channels/"));
    let followup = calls.last().unwrap();
    assert!(is_ephemeral(&followup.body));
    assert!(
        followup.body["content"]
            .as_str()
            .unwrap()
            .starts_with("There is no seed left in this pool for you."),
        "{followup:#?}"
    );
    assert_eq!(all_rows::<races::Entity>(&h.db).await.len(), 1);
}

#[tokio::test]
async fn a_run_over_twelve_hours_is_forfeited_by_the_loop_and_the_runner_pinged() {
    let ext = MockServer::start().await;
    mount_alttpr(&ext, 1).await;
    let h = Setup::default()
        .ext(ext)
        .adjust(|c: &mut BotConfig| {
            c.cogs.async_enforcement_interval = Duration::from_millis(200);
        })
        .start()
        .await;
    let (_, tournament) = create(&h, "T", "A,open,1").await;
    let who = runner(6);
    let user = user_row(h.db.conn(), who.id, Some("rt6")).await;
    let permalink = all_rows::<permalinks::Entity>(&h.db).await[0].clone();
    let long_ago = Utc::now().naive_utc() - TimeDelta::hours(13);
    races::ActiveModel {
        tournament_id: Set(tournament.id),
        permalink_id: Set(permalink.id),
        user_id: Set(user.id),
        status: Set("in_progress".to_owned()),
        review_status: Set("pending".to_owned()),
        reattempted: Set(Some(false)),
        thread_id: Set(Some(888)),
        thread_open_time: Set(Some(long_ago)),
        start_time: Set(Some(long_ago)),
        ..Default::default()
    }
    .insert(h.db.conn())
    .await
    .unwrap();
    let ping = h
        .fake
        .wait_for_call("POST", "/channels/888/messages", WAIT)
        .await
        .expect("the runner is pinged");
    assert_eq!(
        ping.body["content"],
        format!(
            "<@{}>, this race has run for more than 12 hours and has been forfeited. Please \
             contact the @Admins if you believe this is a mistake.",
            who.id
        )
    );
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(h.fake.calls_to("/channels/888/messages").len(), 1, "once");
    assert_eq!(race_of(&h, &who).await.status, "forfeit");
    let trail = all_rows::<audit::Entity>(&h.db).await;
    let last = trail.iter().max_by_key(|r| r.id).unwrap();
    assert_eq!(
        (last.action.as_str(), last.user_id),
        ("timeout_forfeit", None)
    );
}

/// Every row of the four tables a create writes is absent.
async fn no_tournament_rows(h: &Harness) {
    assert!(all_rows::<tournaments::Entity>(&h.db).await.is_empty());
    assert!(all_rows::<pools::Entity>(&h.db).await.is_empty());
    assert!(all_rows::<permalinks::Entity>(&h.db).await.is_empty());
    assert!(all_rows::<audit::Entity>(&h.db).await.is_empty());
}

/// alttpr.com answering `ok` games, then `status` to every request.
async fn mount_alttpr_then_fail(server: &MockServer, ok: usize, status: u16) {
    server.reset().await;
    mount_alttpr(server, ok).await;
    Mock::given(method("POST"))
        .and(path("/live/api/randomizer"))
        .respond_with(ResponseTemplate::new(status).set_body_json(json!({"error": "nope"})))
        .mount(server)
        .await;
}

#[tokio::test]
async fn a_seed_provider_failing_midway_writes_nothing_for_create_or_addseed() {
    for db in TestDb::all().await {
        let backend = db.name();
        let h = Setup::default().db(db).start().await;
        let boss = owner(&h);

        // A pool named twice is refused before any seed is rolled.
        mount_alttpr_then_fail(&h.ext, 1, 500).await;
        let calls = command_in(
            &h,
            &boss,
            "create",
            json!([{"name": "name", "type": 3, "value": "T"},
                   {"name": "permalinks", "type": 3, "value": "A,open,1;A,open,1"}]),
            CHANNEL,
            1,
        )
        .await;
        assert!(
            refusal(&calls).ends_with("this pool is listed twice"),
            "{backend}: {calls:#?}"
        );
        assert!(h.ext.received_requests().await.unwrap().is_empty());
        no_tournament_rows(&h).await;

        // create: the first seed rolls, the second fails → the error, and no row at all.
        let calls = command_in(
            &h,
            &boss,
            "create",
            json!([{"name": "name", "type": 3, "value": "T"},
                   {"name": "permalinks", "type": 3, "value": "A,open,1;B,open,1"}]),
            CHANNEL,
            2,
        )
        .await;
        assert_eq!(calls.len(), 2, "{backend}: {calls:#?}");
        assert_eq!(calls[0].body["type"], 5, "the public defer");
        let text = calls[1].body["content"].as_str().expect("a follow-up text");
        assert!(text.contains("`Provider"), "{backend}: {text}");
        no_tournament_rows(&h).await;

        // The same with the provider refusing (4xx) the second seed of one pool.
        mount_alttpr_then_fail(&h.ext, 1, 400).await;
        let calls = command_in(
            &h,
            &boss,
            "create",
            json!([{"name": "name", "type": 3, "value": "T"},
                   {"name": "permalinks", "type": 3, "value": "A,open,2"}]),
            CHANNEL,
            2,
        )
        .await;
        let text = calls[1].body["content"].as_str().expect("a follow-up text");
        assert!(text.contains("`Provider"), "{backend}: {text}");
        no_tournament_rows(&h).await;

        // addseed: one of two seeds rolls → the error, and the pool keeps its one seed.
        mount_alttpr_then_fail(&h.ext, 2, 500).await;
        create(&h, "T", "A,open,1").await;
        let calls = command_in(
            &h,
            &boss,
            "addseed",
            json!([{"name": "pool_name", "type": 3, "value": "A"},
                   {"name": "preset", "type": 3, "value": "open"},
                   {"name": "num", "type": 4, "value": 2}]),
            CHANNEL,
            2,
        )
        .await;
        assert_eq!(calls[0].body["type"], 5, "{backend}: {calls:#?}");
        let text = calls[1].body["content"].as_str().expect("a follow-up text");
        assert!(text.contains("`Provider"), "{backend}: {text}");
        assert_eq!(all_rows::<permalinks::Entity>(&h.db).await.len(), 1);
        h.cancel.cancel();
    }
}

#[tokio::test]
async fn a_countdown_discord_refuses_puts_the_race_back_to_pending() {
    let ext = MockServer::start().await;
    mount_alttpr(&ext, 1).await;
    let h = Setup::default()
        .ext(ext)
        .adjust(|c: &mut BotConfig| c.cogs.async_countdown_tick = Duration::from_millis(5))
        .start()
        .await;
    create(&h, "T", "A,open,1").await;
    let who = runner(7);
    user_row(h.db.conn(), who.id, Some("rt7")).await;
    let (thread, _) = open_thread(&h, &who, "A").await;
    h.fake
        .fail_route("POST", &format!("/channels/{thread}/messages"), 500, 1);
    let (_, calls) = during(
        &h,
        || {
            h.fake
                .component_in(&who, "sahasrahbot:async_ready", thread, 50)
        },
        |calls| {
            calls
                .iter()
                .any(|c| c.path.starts_with("/webhooks") && c.method == "POST")
        },
    )
    .await;
    let clicked = callback(&calls);
    assert_eq!(clicked.body["type"], 7);
    assert_eq!(button(&clicked.body["data"], 0, 0)["disabled"], true);
    let posts: Vec<&RestCall> = calls
        .iter()
        .filter(|c| c.method == "POST" && c.path == format!("/channels/{thread}/messages"))
        .collect();
    assert_eq!(posts.len(), 1, "the countdown stops: {calls:#?}");
    let enabled = calls
        .iter()
        .find(|c| c.method == "PATCH" && c.path == format!("/channels/{thread}/messages/50"))
        .expect("the Ready buttons are enabled again");
    assert_ne!(
        button(&enabled.body, 0, 0)["disabled"],
        true,
        "{enabled:#?}"
    );
    let told = calls.last().unwrap();
    assert!(is_ephemeral(&told.body), "{told:#?}");
    assert!(
        told.body["content"]
            .as_str()
            .unwrap()
            .starts_with("The countdown could not be posted"),
        "{told:#?}"
    );
    let race = race_of(&h, &who).await;
    assert_eq!((race.status.as_str(), race.start_time), ("pending", None));
    let trail = all_rows::<audit::Entity>(&h.db).await;
    assert_eq!(
        trail.iter().max_by_key(|r| r.id).unwrap().action,
        "countdown_failed"
    );

    // Ready again: the countdown runs and the race starts.
    ready(&h, &who, thread).await;
    let race = race_of(&h, &who).await;
    assert_eq!(race.status, "in_progress");
    assert!(race.start_time.is_some());
}

#[tokio::test]
async fn timer_during_the_countdown_closed_tournaments_and_expired_confirmations() {
    let ext = MockServer::start().await;
    mount_alttpr(&ext, 1).await;
    let h = Setup::default().ext(ext).start().await;
    let (_, tournament) = create(&h, "T", "A,open,1").await;
    let who = runner(8);
    let user = user_row(h.db.conn(), who.id, Some("rt8")).await;
    let permalink = all_rows::<permalinks::Entity>(&h.db).await[0].clone();
    // In the countdown: in progress, no start time yet.
    races::ActiveModel {
        tournament_id: Set(tournament.id),
        permalink_id: Set(permalink.id),
        user_id: Set(user.id),
        status: Set("in_progress".to_owned()),
        review_status: Set("pending".to_owned()),
        reattempted: Set(Some(false)),
        thread_id: Set(Some(777)),
        thread_open_time: Set(Some(Utc::now().naive_utc())),
        ..Default::default()
    }
    .insert(h.db.conn())
    .await
    .unwrap();
    let text = refused(&h, || {
        h.fake
            .component_in(&who, "sahasrahbot:async_get_timer", 777, 60)
    })
    .await;
    assert_eq!(text, "Timer: **N/A**");

    // An expired forfeit confirmation does nothing.
    let expired = Utc::now().timestamp() - 1;
    let text = refused(&h, || {
        h.fake.component_in(
            &who,
            &format!("sahasrahbot:async_ffconfirm:{expired}:60:g"),
            777,
            61,
        )
    })
    .await;
    assert_eq!(text, "This dialog has expired. Please start again.");
    assert_eq!(race_of(&h, &who).await.status, "in_progress");

    // An expired close confirmation does nothing.
    let text = refused(&h, || {
        h.fake.component_in(
            &owner(&h),
            &format!("sahasrahbot:async_close:{expired}"),
            CHANNEL,
            62,
        )
    })
    .await;
    assert_eq!(text, "This dialog has expired. Please start again.");
    let row = tournaments::Entity::find_by_id(tournament.id)
        .one(h.db.conn())
        .await
        .unwrap()
        .unwrap();
    assert!(row.active);

    // Closing a closed tournament is refused.
    let mut closed = row.into_active_model();
    closed.active = Set(false);
    closed.update(h.db.conn()).await.unwrap();
    let i = h
        .fake
        .slash_command(&owner(&h), "async", sub("close", json!([])));
    let calls = common::wait_calls(&h.fake, &i.token, 1).await;
    assert_eq!(refusal(&calls), "This tournament is not currently active.");
    let trail = all_rows::<audit::Entity>(&h.db).await;
    assert_eq!(actions(&trail), vec!["create"], "nothing audited");
}
