//! `/rtggadmin blast|report` (`discord.md` §2.5; parity row R1) through the fake Discord.

use crate::common;

use common::{
    APP_URL, GUILD, admin, is_ephemeral, member, start, start_on, strings, user_row, wait_calls,
};
use sahasrahbot_core::db::entities::users;
use sahasrahbot_testkit::db::TestDb;
use sahasrahbot_testkit::discord::{FakeDiscord, FakeUser, RestCall};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};
use serde_json::{Value, json};

const ROLE: u64 = 800_000_000_000_000_001;

fn with_role(id: u64, name: &str) -> FakeUser {
    FakeUser {
        roles: vec![ROLE],
        ..FakeUser::member(id, name)
    }
}

/// alice (linked), bob (no row), carol (row without rtgg_id) hold the role; dave does not.
async fn members(fake: &FakeDiscord, db: &DatabaseConnection) {
    fake.add_role(ROLE, "Racers", 0);
    fake.add_member(&with_role(301, "alice"));
    fake.add_member(&with_role(302, "bob"));
    fake.add_member(&with_role(303, "carol"));
    fake.add_member(&FakeUser::member(304, "dave"));
    user_row(db, 301, Some("rtggAlice")).await;
    user_row(db, 303, None).await;
    user_row(db, 304, None).await;
}

fn sub(name: &str, role: Option<u64>) -> Value {
    let options = role.map_or_else(
        || json!([]),
        |r| json!([{"name": "role", "type": 8, "value": r.to_string()}]),
    );
    json!([{"name": name, "type": 1, "options": options}])
}

fn dm_calls(fake: &FakeDiscord) -> Vec<RestCall> {
    fake.rest_calls()
        .into_iter()
        .filter(|c| c.path == "/users/@me/channels")
        .collect()
}

#[tokio::test]
async fn blast_dms_the_unlinked_members_of_the_role_and_lists_them_on_every_backend() {
    for db in TestDb::all().await {
        let backend = db.name();
        let h = start_on(db).await;
        members(&h.fake, h.db.conn()).await;
        let i = h
            .fake
            .slash_command(&admin(), "rtggadmin", sub("blast", Some(ROLE)));
        let calls = wait_calls(&h.fake, &i.token, 2).await;
        assert_eq!(calls.len(), 2, "{backend}: {calls:#?}");
        assert_eq!(calls[0].path, i.callback_path());
        assert_eq!(calls[0].body["type"], 5, "defer");
        assert!(is_ephemeral(&calls[0].body), "{backend}: ephemeral defer");
        assert_eq!(calls[1].method, "POST");
        assert_eq!(calls[1].path, i.webhook_path(h.fake.application_id()));
        assert_eq!(
            calls[1].body["content"], "Sent a DM to bob\nSent a DM to carol",
            "{backend}"
        );
        assert!(is_ephemeral(&calls[1].body));
        assert!(
            !h.fake
                .calls_to(&format!("/guilds/{GUILD}/members"))
                .is_empty()
        );

        let dms = dm_calls(&h.fake);
        let recipients: Vec<&Value> = dms.iter().map(|c| &c.body["recipient_id"]).collect();
        assert_eq!(recipients, [&json!("302"), &json!("303")], "{backend}");
        let texts: Vec<String> = h
            .fake
            .rest_calls()
            .into_iter()
            .filter(|c| c.method == "POST" && c.path.starts_with("/channels/"))
            .map(|c| c.body["content"].as_str().unwrap_or("").to_owned())
            .collect();
        assert_eq!(texts.len(), 2, "{backend}");
        assert!(texts[0].starts_with("Hello bob!"), "{}", texts[0]);
        assert!(
            texts[0].contains(&format!("{APP_URL}/racetime/verification/initiate")),
            "{}",
            texts[0]
        );
        h.cancel.cancel();
    }
}

#[tokio::test]
async fn blast_reports_a_failed_dm_and_says_when_nobody_needs_one() {
    let h = start().await;
    members(&h.fake, h.db.conn()).await;
    // The DM channel of the first recipient cannot be opened.
    h.fake.fail_route("POST", "/users/@me/channels", 403, 1);
    let calls = h
        .command(&admin(), "rtggadmin", sub("blast", Some(ROLE)), 2)
        .await;
    let content = calls[1].body["content"].as_str().unwrap();
    let lines: Vec<&str> = content.lines().collect();
    assert_eq!(lines.len(), 2, "{content}");
    assert!(
        lines[0].starts_with("Could not send a DM to bob: "),
        "{content}"
    );
    assert_eq!(lines[1], "Sent a DM to carol");

    // A role nobody unlinked holds: nothing is sent.
    let calls = h
        .command(&admin(), "rtggadmin", sub("blast", Some(ROLE + 1)), 2)
        .await;
    assert_eq!(calls[1].body["content"], "No messages sent.");
}

#[tokio::test]
async fn report_lists_the_unlinked_members_without_messaging_them() {
    let h = start().await;
    members(&h.fake, h.db.conn()).await;
    let calls = h
        .command(&admin(), "rtggadmin", sub("report", Some(ROLE)), 2)
        .await;
    assert_eq!(calls[0].body["type"], 5);
    assert!(is_ephemeral(&calls[0].body));
    assert_eq!(calls[1].body["content"], "bob\ncarol");
    assert!(dm_calls(&h.fake).is_empty(), "no DMs");

    // Once everyone is linked.
    user_row(h.db.conn(), 302, Some("rtggBob")).await;
    users::Entity::delete_many()
        .filter(users::Column::DiscordUserId.eq(303_i64))
        .exec(h.db.conn())
        .await
        .unwrap();
    user_row(h.db.conn(), 303, Some("rtggCarol")).await;
    let calls = h
        .command(&admin(), "rtggadmin", sub("report", Some(ROLE)), 2)
        .await;
    assert_eq!(
        calls[1].body["content"],
        "Everyone in this role is registered with the bot."
    );
}

#[tokio::test]
async fn a_non_admin_is_refused_and_a_missing_role_is_a_bad_option() {
    let h = start().await;
    members(&h.fake, h.db.conn()).await;
    for subcommand in ["blast", "report"] {
        let calls = h
            .command(&member(), "rtggadmin", sub(subcommand, Some(ROLE)), 1)
            .await;
        assert_eq!(calls.len(), 1, "{calls:#?}");
        assert_eq!(calls[0].body["type"], 4);
        assert!(is_ephemeral(&calls[0].body));
        let content = calls[0].body["data"]["content"].as_str().unwrap();
        assert!(content.contains("administrator"), "{content}");
    }
    assert!(
        h.fake
            .calls_to(&format!("/guilds/{GUILD}/members"))
            .is_empty()
    );
    assert!(dm_calls(&h.fake).is_empty());

    let calls = h
        .command(&admin(), "rtggadmin", sub("blast", None), 1)
        .await;
    assert_eq!(calls.len(), 1);
    assert!(is_ephemeral(&calls[0].body));
    assert!(
        calls[0].body["data"]["content"]
            .as_str()
            .unwrap()
            .contains("`BadArgument`")
    );
}

#[tokio::test]
async fn the_command_is_registered_guild_only_for_administrators() {
    let h = start().await;
    let app = h.fake.application_id();
    let global = h.fake.calls_to(&format!("/applications/{app}/commands"));
    let command = global[0]
        .body
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "rtggadmin")
        .expect("registered globally")
        .clone();
    assert_eq!(command["default_member_permissions"], "8");
    assert_eq!(command["contexts"], json!([0]));
    let subs = strings(&command["options"], "name");
    assert_eq!(subs, ["blast", "report"]);
    assert_eq!(
        command["options"][0]["options"][0]["type"], 8,
        "a role option"
    );
    assert_eq!(command["options"][0]["options"][0]["required"], true);
}
