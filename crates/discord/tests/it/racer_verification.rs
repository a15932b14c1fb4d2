//! `/racerverification` and its button (`discord.md` §2.17; parity all_rows RV1–RV3) through
//! the fake Discord, with racetime.gg's race history stubbed.

use crate::common;

use chrono::{Duration as Days, Utc};
use common::{
    APP_URL, CHANNEL, GUILD, Harness, admin, all_rows, is_ephemeral, member, start, start_on,
    user_row, wait_calls,
};
use sahasrahbot_core::db::entities::{racerverification as rv, users, verifiedracer};
use sahasrahbot_testkit::db::TestDb;
use sahasrahbot_testkit::discord::{FakeUser, RestCall, SentInteraction};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter,
};
use serde_json::{Value, json};
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

const ROLE: u64 = 800_000_000_000_000_001;
const VERIFY: &str = "racerverify:verifystatus";

fn create(opts: Value) -> Value {
    json!([{"name": "create_or_update", "type": 1, "options": opts}])
}

fn role_opt() -> Value {
    json!({"name": "role", "type": 8, "value": ROLE.to_string()})
}

fn race(category: &str, status: &str, days_ago: i64) -> Value {
    let opened = (Utc::now() - Days::days(days_ago)).to_rfc3339();
    json!({"name": format!("{category}/some-race"), "category": {"slug": category},
           "status": {"value": status}, "opened_at": opened})
}

async fn history(server: &MockServer, rtgg: &str, pages: Vec<Vec<Value>>) {
    let n = pages.len();
    for (i, races) in pages.into_iter().enumerate() {
        Mock::given(method("GET"))
            .and(path(format!("/rtgg/user/{rtgg}/races/data")))
            .and(query_param("page", (i + 1).to_string()))
            .respond_with(
                ResponseTemplate::new(200).set_body_json(json!({"races": races, "num_pages": n})),
            )
            .mount(server)
            .await;
    }
}

/// Runs create_or_update as an admin; returns the verification row.
async fn post_verification(h: &Harness, opts: Value) -> (Vec<RestCall>, rv::Model) {
    let calls = h
        .command(&admin(), "racerverification", create(opts), 2)
        .await;
    let row = rv::Entity::find()
        .filter(rv::Column::RoleId.eq(ROLE as i64))
        .one(h.db.conn())
        .await
        .unwrap()
        .expect("row");
    (calls, row)
}

fn click(h: &Harness, user: &FakeUser, message: i64) -> SentInteraction {
    h.fake.component_on_message(user, VERIFY, message as u64)
}

#[tokio::test]
async fn create_or_update_posts_the_requirements_with_the_button_and_upserts_on_every_backend() {
    for db in TestDb::all().await {
        let backend = db.name();
        let h = start_on(db).await;
        let (calls, row) = post_verification(
            &h,
            json!([role_opt(),
                {"name": "racetime_categories", "type": 3, "value": "alttpr, smr"},
                {"name": "minimum_races", "type": 4, "value": 2},
                {"name": "time_period_days", "type": 4, "value": 30},
                {"name": "reverify_period_days", "type": 4, "value": 7},
                {"name": "audit_channel", "type": 7, "value": CHANNEL.to_string()}]),
        )
        .await;
        assert_eq!(calls.len(), 2, "{backend}: {calls:#?}");
        assert_eq!(calls[0].body["type"], 4);
        assert!(!is_ephemeral(&calls[0].body), "public");
        let content = calls[0].body["data"]["content"].as_str().unwrap();
        assert!(
            content.contains(
                "- At least 2 races finished in the last 30 days on RaceTime.gg in these \
                 categories: alttpr, smr\n"
            ),
            "{content}"
        );
        assert!(content.contains("- Membership of this Discord server\n"));
        assert!(content.contains("- Verification again every 7 days"));
        assert!(!content.contains("Ladder"));
        let button = &calls[0].body["data"]["components"][0]["components"][0];
        assert_eq!(button["custom_id"], VERIFY);
        assert_eq!(button["label"], "Verify your status");
        assert_eq!(button["style"], 1);
        assert_eq!(calls[1].method, "GET");
        assert!(calls[1].path.ends_with("/messages/@original"));
        assert_eq!(row.guild_id, GUILD as i64, "{backend}");
        assert_eq!(row.racetime_categories.as_deref(), Some("alttpr,smr"));
        assert_eq!((row.minimum_races, row.time_period_days), (2, 30));
        assert_eq!(row.reverify_period_days, Some(7));
        assert_eq!(row.audit_channel_id, Some(CHANNEL as i64));
        assert_eq!(row.channel_id, Some(CHANNEL as i64));
        let first_message = row.message_id.expect("message id stored");

        // The same role again: the row is updated, and points at the new message.
        let (calls, row) = post_verification(
            &h,
            json!([role_opt(),
                {"name": "racetime_categories", "type": 3, "value": "alttpr"},
                {"name": "use_alttpr_ladder", "type": 5, "value": true},
                {"name": "time_period_days", "type": 4, "value": 1}]),
        )
        .await;
        let content = calls[0].body["data"]["content"].as_str().unwrap();
        assert!(
            content.contains(
                "- At least 1 race finished in the last 1 day on RaceTime.gg in these \
                 categories: alttpr, or ALTTPR Ladder races\n"
            ),
            "{content}"
        );
        assert!(!content.contains("Verification again"));
        assert_eq!(all_rows::<rv::Entity>(&h.db).await.len(), 1, "{backend}");
        assert!(row.use_alttpr_ladder);
        assert_eq!(row.reverify_period_days, None);
        assert_ne!(row.message_id, Some(first_message));
        h.cancel.cancel();
    }
}

#[tokio::test]
async fn non_admins_are_refused_and_bad_values_are_rejected_before_anything_is_written() {
    let h = start().await;
    let calls = h
        .command(
            &member(),
            "racerverification",
            create(json!([role_opt()])),
            1,
        )
        .await;
    assert_eq!(calls.len(), 1);
    assert!(is_ephemeral(&calls[0].body));
    let content = calls[0].body["data"]["content"].as_str().unwrap();
    assert!(content.contains("administrator"), "{content}");
    let calls = h
        .command(
            &member(),
            "racerverification",
            json!([{"name": "reverify", "type": 1, "options": []}]),
            1,
        )
        .await;
    assert_eq!(calls.len(), 1);
    assert_eq!(calls[0].body["type"], 4, "refused before any defer");
    assert!(is_ephemeral(&calls[0].body));

    for bad in [
        json!({"name": "minimum_races", "type": 4, "value": 0}),
        json!({"name": "time_period_days", "type": 4, "value": -3}),
        json!({"name": "racetime_categories", "type": 3, "value": "alttpr, not a slug!"}),
    ] {
        let calls = h
            .command(
                &admin(),
                "racerverification",
                create(json!([role_opt(), bad])),
                1,
            )
            .await;
        assert_eq!(calls.len(), 1);
        assert!(is_ephemeral(&calls[0].body));
        let content = calls[0].body["data"]["content"].as_str().unwrap();
        assert!(content.contains("`BadArgument`"), "{content}");
    }
    assert!(all_rows::<rv::Entity>(&h.db).await.is_empty());
}

#[tokio::test]
async fn the_button_links_verifies_or_refuses() {
    let h = start().await;
    let (_, row) = post_verification(
        &h,
        json!([role_opt(),
            {"name": "racetime_categories", "type": 3, "value": "alttpr,smr"},
            {"name": "minimum_races", "type": 4, "value": 2},
            {"name": "time_period_days", "type": 4, "value": 30}]),
    )
    .await;
    let message = row.message_id.unwrap();

    // Not linked: the linking page.
    let alice = FakeUser::member(401, "alice");
    let i = click(&h, &alice, message);
    let calls = wait_calls(&h.fake, &i.token, 2).await;
    assert_eq!(calls.len(), 2, "{calls:#?}");
    assert_eq!(calls[0].body["type"], 6, "deferred update");
    assert_eq!(calls[1].method, "POST");
    assert!(is_ephemeral(&calls[1].body));
    let content = calls[1].body["content"].as_str().unwrap();
    assert!(
        content.contains(&format!("{APP_URL}/racetime/verification/initiate")),
        "{content}"
    );

    // Linked with two counting races over two pages (others: wrong category, not
    // finished, too old).
    let bob = FakeUser::member(402, "bob");
    let bob_id = user_row(h.db.conn(), 402, Some("rtggBob")).await.id;
    history(
        &h.ext,
        "rtggBob",
        vec![
            vec![
                race("alttpr", "finished", 3),
                race("smr", "cancelled", 3),
                race("ootr", "finished", 3),
            ],
            vec![race("alttpr", "finished", 100), race("smr", "finished", 20)],
        ],
    )
    .await;
    let i = click(&h, &bob, message);
    let calls = wait_calls(&h.fake, &i.token, 2).await;
    assert_eq!(calls[0].body["type"], 6);
    let content = calls[1].body["content"].as_str().unwrap();
    assert!(content.starts_with("Congratulations"), "{content}");
    assert!(
        content.contains("**2**") && content.contains("**30**"),
        "{content}"
    );
    assert!(is_ephemeral(&calls[1].body));
    let role_puts = h
        .fake
        .calls_to(&format!("/guilds/{GUILD}/members/402/roles/{ROLE}"));
    assert_eq!(role_puts.len(), 1);
    assert_eq!(role_puts[0].method, "PUT");
    let verified = verifiedracer::Entity::find()
        .filter(verifiedracer::Column::UserId.eq(bob_id))
        .all(h.db.conn())
        .await
        .unwrap();
    assert_eq!(verified.len(), 1);
    assert_eq!(verified[0].racer_verification_id, row.id);
    assert_eq!(verified[0].estimated_count, Some(2));
    assert!(verified[0].last_verified.is_some());

    // Linked, but only old races: refused, no role.
    let carol = FakeUser::member(403, "carol");
    user_row(h.db.conn(), 403, Some("rtggCarol")).await;
    history(
        &h.ext,
        "rtggCarol",
        vec![vec![race("alttpr", "finished", 400)]],
    )
    .await;
    let i = click(&h, &carol, message);
    let calls = wait_calls(&h.fake, &i.token, 2).await;
    let content = calls[1].body["content"].as_str().unwrap();
    assert!(
        content.starts_with("Sorry, you do not meet the requirements"),
        "{content}"
    );
    assert!(
        h.fake
            .calls_to(&format!("/guilds/{GUILD}/members/403/roles"))
            .is_empty()
    );

    // A button on a message that is no verification message.
    let i = click(&h, &bob, 123_456);
    let calls = wait_calls(&h.fake, &i.token, 2).await;
    assert!(
        calls[1].body["content"]
            .as_str()
            .unwrap()
            .contains("not an active racer verification message")
    );

    // racetime.gg failing: the clicker is told, the verification message is left alone.
    let dave = FakeUser::member(404, "dave");
    user_row(h.db.conn(), 404, Some("rtggDave")).await;
    Mock::given(method("GET"))
        .and(path("/rtgg/user/rtggDave/races/data"))
        .respond_with(ResponseTemplate::new(500))
        .mount(&h.ext)
        .await;
    let i = click(&h, &dave, message);
    let calls = wait_calls(&h.fake, &i.token, 2).await;
    assert_eq!(calls.len(), 2, "{calls:#?}");
    assert_eq!(
        calls[1].method, "POST",
        "a follow-up, not an edit of the message"
    );
    assert!(is_ephemeral(&calls[1].body));
    assert!(
        calls[1].body["content"]
            .as_str()
            .unwrap()
            .contains("racetime.gg")
    );
}

fn with_role(id: u64, name: &str) -> FakeUser {
    FakeUser {
        roles: vec![ROLE],
        ..FakeUser::member(id, name)
    }
}

async fn verified_row(db: &DatabaseConnection, user: i32, rv_id: i32, days_ago: i64) {
    verifiedracer::ActiveModel {
        user_id: Set(user),
        racer_verification_id: Set(rv_id),
        last_verified: Set(Some((Utc::now() - Days::days(days_ago)).naive_utc())),
        estimated_count: Set(Some(5)),
        ..Default::default()
    }
    .insert(db)
    .await
    .expect("verifiedracer row");
}

fn reverify(revoke: bool) -> Value {
    json!([{"name": "reverify", "type": 1, "options": [
        {"name": "revoke", "type": 5, "value": revoke}]}])
}

#[tokio::test]
async fn reverify_revokes_the_ineligible_and_keeps_the_rest_on_every_backend() {
    for db in TestDb::all().await {
        let backend = db.name();
        let h = start_on(db).await;
        let (_, row) = post_verification(
            &h,
            json!([role_opt(),
                {"name": "racetime_categories", "type": 3, "value": "alttpr"},
                {"name": "reverify_period_days", "type": 4, "value": 7}]),
        )
        .await;
        h.fake.add_role(ROLE, "Racers", 0);
        // old: verified a month ago, no recent race → ineligible.
        // fresh: verified yesterday → not checked.
        // still: verified a month ago, still racing → refreshed.
        // nobody: holds the role with no users row → ineligible (no link).
        for (id, name) in [
            (501, "old"),
            (502, "fresh"),
            (503, "still"),
            (504, "nobody"),
        ] {
            h.fake.add_member(&with_role(id, name));
        }
        h.fake.add_member(&FakeUser::member(505, "outsider"));
        let old = user_row(h.db.conn(), 501, Some("rtggOld")).await.id;
        let fresh = user_row(h.db.conn(), 502, Some("rtggFresh")).await.id;
        let still = user_row(h.db.conn(), 503, Some("rtggStill")).await.id;
        verified_row(h.db.conn(), old, row.id, 30).await;
        verified_row(h.db.conn(), fresh, row.id, 1).await;
        verified_row(h.db.conn(), still, row.id, 30).await;
        history(
            &h.ext,
            "rtggOld",
            vec![vec![race("alttpr", "finished", 500)]],
        )
        .await;
        history(
            &h.ext,
            "rtggStill",
            vec![vec![race("alttpr", "finished", 2)]],
        )
        .await;

        // Without revoke: reported as no longer eligible, nothing removed.
        let calls = h
            .command(&admin(), "racerverification", reverify(false), 2)
            .await;
        assert_eq!(calls[0].body["type"], 5);
        assert!(is_ephemeral(&calls[0].body));
        let content = calls[1].body["content"].as_str().unwrap();
        assert!(
            content.starts_with(&format!(
                "**2** users no longer meet the requirements of the <@&{ROLE}> role"
            )),
            "{backend}: {content}"
        );
        assert!(content.ends_with("\n\nold\nnobody"), "{content}");
        assert!(
            h.fake.rest_calls().iter().all(|c| c.method != "DELETE"),
            "{backend}: no role removed"
        );
        let nobody = users::Entity::find()
            .filter(users::Column::DiscordUserId.eq(504_i64))
            .one(h.db.conn())
            .await
            .unwrap()
            .expect("users row created for the member");
        assert_eq!(nobody.display_name.as_deref(), Some("nobody"));

        // With revoke: role removed from both, their rows gone, a DM each.
        let calls = h
            .command(&admin(), "racerverification", reverify(true), 2)
            .await;
        let content = calls[1].body["content"].as_str().unwrap();
        assert_eq!(
            content,
            format!(
                "**2** users were revoked from the <@&{ROLE}> role due to ineligibility.\n\nold\nnobody"
            ),
            "{backend}"
        );
        let deletes: Vec<String> = h
            .fake
            .rest_calls()
            .into_iter()
            .filter(|c| c.method == "DELETE")
            .map(|c| c.path)
            .collect();
        assert_eq!(
            deletes,
            [
                format!("/guilds/{GUILD}/members/501/roles/{ROLE}"),
                format!("/guilds/{GUILD}/members/504/roles/{ROLE}")
            ],
            "{backend}"
        );
        let dms: Vec<Value> = h
            .fake
            .calls_to("/users/@me/channels")
            .into_iter()
            .map(|c| c.body["recipient_id"].clone())
            .collect();
        assert_eq!(dms, [json!("501"), json!("504")]);
        let dm_text = h
            .fake
            .rest_calls()
            .into_iter()
            .filter(|c| c.method == "POST" && c.path.starts_with("/channels/"))
            .filter_map(|c| c.body["content"].as_str().map(str::to_owned))
            .find(|t| t.contains("has expired"))
            .expect("a DM");
        assert!(dm_text.contains("__Racers__"), "{dm_text}");
        let left: Vec<i32> = all_rows::<verifiedracer::Entity>(&h.db)
            .await
            .into_iter()
            .map(|v| v.user_id)
            .collect();
        assert!(!left.contains(&old), "{backend}: old's row deleted");
        assert!(left.contains(&fresh) && left.contains(&still));
        h.cancel.cancel();
    }
}

#[tokio::test]
async fn reverify_without_a_period_revokes_nobody() {
    let h = start().await;
    post_verification(&h, json!([role_opt()])).await;
    let calls = h
        .command(&admin(), "racerverification", reverify(true), 2)
        .await;
    assert_eq!(calls.len(), 2);
    let content = calls[1].body["content"].as_str().unwrap();
    assert!(
        content.starts_with(&format!("No users were revoked from the <@&{ROLE}> role")),
        "{content}"
    );
    assert!(
        h.fake
            .calls_to(&format!("/guilds/{GUILD}/members"))
            .is_empty()
    );
}

#[tokio::test]
async fn ladder_races_count_when_the_verification_includes_the_ladder() {
    let h = start().await;
    let (_, row) = post_verification(
        &h,
        json!([role_opt(),
            {"name": "racetime_categories", "type": 3, "value": "alttpr"},
            {"name": "use_alttpr_ladder", "type": 5, "value": true},
            {"name": "minimum_races", "type": 4, "value": 3},
            {"name": "time_period_days", "type": 4, "value": 30}]),
    )
    .await;
    let message = row.message_id.unwrap();
    let naive = |days: i64| {
        (Utc::now() - Days::days(days))
            .naive_utc()
            .format("%Y-%m-%dT%H:%M:%S")
            .to_string()
    };
    Mock::given(method("GET"))
        .and(path("/ladder/api/v1/PublicAPI/GetActiveRacers"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([
            {"DiscordName": "other", "RacerGUID": "g-2"},
            {"DiscordName": "erin", "RacerGUID": "g-1"}])))
        .mount(&h.ext)
        .await;
    Mock::given(method("GET"))
        .and(path("/ladder/api/v1/PublicAPI/GetRacerHistory"))
        .and(query_param("RacerGUID", "g-1"))
        .and(query_param("flag_id", "0"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([
            {"Results": [{"StartDateTime": naive(5)}, {"StartDateTime": naive(100)}]},
            {"Results": [{"StartDateTime": naive(2)}]}])))
        .mount(&h.ext)
        .await;
    for (discord, total) in [("405", 1), ("406", 0)] {
        Mock::given(method("GET"))
            .and(path("/archive/api/v1/PublicAPI/GetRacerRaceHistory"))
            .and(query_param("discordid", discord))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({"TotalCount": total})))
            .mount(&h.ext)
            .await;
    }
    Mock::given(method("GET"))
        .and(path("/archive/api/v1/PublicAPI/GetRacerRaceHistory"))
        .and(query_param("discordid", "407"))
        .respond_with(ResponseTemplate::new(503))
        .mount(&h.ext)
        .await;

    // erin: two current-ladder races in the window plus one archived: enough without
    // racetime.gg.
    user_row(h.db.conn(), 405, Some("rtggErin")).await;
    let i = click(&h, &FakeUser::member(405, "erin"), message);
    let calls = wait_calls(&h.fake, &i.token, 2).await;
    let content = calls[1].body["content"].as_str().unwrap();
    assert!(
        content.starts_with("Congratulations") && content.contains("**3**"),
        "{content}"
    );
    let requests = h.ext.received_requests().await.unwrap();
    assert!(
        requests.iter().all(|r| !r.url.path().contains("rtggErin")),
        "racetime.gg not asked"
    );
    let archive = requests
        .iter()
        .find(|r| r.url.path().starts_with("/archive/"))
        .expect("archive asked");
    let since = (Utc::now() - Days::days(30)).format("%m%d%Y").to_string();
    assert!(
        archive
            .url
            .query()
            .unwrap()
            .contains(&format!("startdt={since}"))
    );

    // gina: not on the current ladder, nothing archived: racetime.gg makes up the rest.
    user_row(h.db.conn(), 406, Some("rtggGina")).await;
    history(
        &h.ext,
        "rtggGina",
        vec![vec![
            race("alttpr", "finished", 1),
            race("alttpr", "finished", 2),
            race("alttpr", "finished", 3),
        ]],
    )
    .await;
    let i = click(&h, &FakeUser::member(406, "gina"), message);
    let calls = wait_calls(&h.fake, &i.token, 2).await;
    assert!(
        calls[1].body["content"]
            .as_str()
            .unwrap()
            .starts_with("Congratulations")
    );

    // hank: the archive fails and racetime.gg is not enough: told to try later, not refused.
    user_row(h.db.conn(), 407, Some("rtggHank")).await;
    history(
        &h.ext,
        "rtggHank",
        vec![vec![race("alttpr", "finished", 1)]],
    )
    .await;
    let i = click(&h, &FakeUser::member(407, "hank"), message);
    let calls = wait_calls(&h.fake, &i.token, 2).await;
    let content = calls[1].body["content"].as_str().unwrap();
    assert!(content.contains("ALTTPR Ladder"), "{content}");
    assert!(!content.starts_with("Sorry"), "{content}");
    assert!(
        h.fake
            .calls_to(&format!("/guilds/{GUILD}/members/407/roles"))
            .is_empty()
    );
}

#[tokio::test]
async fn a_long_list_of_names_goes_into_a_file() {
    let h = start().await;
    post_verification(
        &h,
        json!([role_opt(), {"name": "reverify_period_days", "type": 4, "value": 7}]),
    )
    .await;
    // 100 unlinked holders with 24-character names: 2,499 characters of names.
    for n in 0..100_u64 {
        h.fake.add_member(&with_role(
            700 + n,
            &format!("racer-with-a-long-name{n:02}"),
        ));
    }
    let calls = h
        .command(&admin(), "racerverification", reverify(false), 2)
        .await;
    assert_eq!(calls.len(), 2, "{calls:#?}");
    let body = &calls[1].body;
    assert!(is_ephemeral(body));
    assert_eq!(
        body["content"],
        format!(
            "**100** users no longer meet the requirements of the <@&{ROLE}> role (kept: run \
             with `revoke` to remove it)."
        )
    );
    assert_eq!(body["attachments"][0]["filename"], "revoked_users.txt");
}

#[tokio::test]
async fn the_button_keeps_working_after_a_restart() {
    let mut h = start().await;
    let (_, row) = post_verification(
        &h,
        json!([role_opt(), {"name": "racetime_categories", "type": 3, "value": "alttpr"}]),
    )
    .await;
    h.restart().await;
    user_row(h.db.conn(), 410, Some("rtggIvy")).await;
    history(&h.ext, "rtggIvy", vec![vec![race("alttpr", "finished", 1)]]).await;
    let i = click(&h, &FakeUser::member(410, "ivy"), row.message_id.unwrap());
    let calls = wait_calls(&h.fake, &i.token, 2).await;
    assert_eq!(calls[0].body["type"], 6);
    assert!(
        calls[1].body["content"]
            .as_str()
            .unwrap()
            .starts_with("Congratulations")
    );
    assert_eq!(
        h.fake
            .calls_to(&format!("/guilds/{GUILD}/members/410/roles/{ROLE}"))
            .len(),
        1
    );
}
