//! `/inquiry` (discord.md §2.13, parity rows I1–I3) end to end through the fake Discord:
//! the five preconditions in order, the public post with the 📬 button and its DB row, and
//! 📬 → "Yes!" → modal → private thread with the role's members and the summary.

use crate::common;

use common::*;
use sahasrahbot_core::db::entities::inquirymessageconfig;
use sahasrahbot_testkit::discord::{FakeUser, MEMBER_PERMISSIONS, RestCall};
use sea_orm::EntityTrait;
use serde_json::{Value, json};

const SEND_MESSAGES: u64 = 1 << 11;
const VIEW_CHANNEL: u64 = 1 << 10;
const MANAGE_THREADS: u64 = 1 << 34;
const SEND_MESSAGES_IN_THREADS: u64 = 1 << 38;
const ROLE: u64 = 800_000_000_000_000_001;

fn moderator() -> FakeUser {
    FakeUser {
        permissions: MEMBER_PERMISSIONS | MANAGE_THREADS,
        ..FakeUser::member(333_333_333_333_333_333, "moderator")
    }
}

fn role_option() -> Value {
    json!([{"name": "role", "type": 8, "value": ROLE.to_string()}])
}

fn overwrite(id: u64, allow: u64, deny: u64) -> Value {
    json!({"id": id.to_string(), "type": 0, "allow": allow.to_string(), "deny": deny.to_string()})
}

/// A channel set up as the original requires: `@everyone` cannot post but can post in
/// threads, and the role can see the channel.
fn good_channel(h: &Harness) {
    h.fake.set_channel_overwrites(
        CHANNEL,
        json!([
            overwrite(
                GUILD,
                SEND_MESSAGES_IN_THREADS,
                SEND_MESSAGES | VIEW_CHANNEL
            ),
            overwrite(ROLE, VIEW_CHANNEL, 0),
        ]),
    );
}

async fn inquiry_reply(h: &Harness, user: &FakeUser, extra: Value) -> Vec<RestCall> {
    let i = h.fake.interaction_with(
        user,
        2,
        json!({"name": "inquiry", "type": 1, "options": role_option()}),
        extra,
    );
    wait_calls(&h.fake, &i.token, 1).await
}

#[tokio::test]
async fn the_five_preconditions_are_checked_in_order() {
    let h = start().await;
    h.fake.add_role(ROLE, "Staff", 0);
    let expect = |calls: &[RestCall], text: &str| {
        assert_eq!(calls.len(), 1, "{calls:#?}");
        let data = message_callback(&calls[0], true);
        assert_eq!(data["content"], text);
        assert!(data["components"].is_null());
    };

    // 1. The invoker cannot manage threads.
    let calls = inquiry_reply(&h, &member(), json!({})).await;
    expect(
        &calls,
        "You need the Manage Threads permission in this channel to set up inquiries.",
    );
    // 2. The bot cannot create private threads here.
    let calls = inquiry_reply(
        &h,
        &moderator(),
        json!({"app_permissions": (MEMBER_PERMISSIONS | MANAGE_THREADS).to_string()}),
    )
    .await;
    expect(
        &calls,
        "I need the Create Private Threads permission in this channel.",
    );
    // 3. @everyone can send messages (the fake's default channel).
    let calls = inquiry_reply(&h, &moderator(), json!({})).await;
    expect(
        &calls,
        "`@everyone` must not be able to send messages in this channel.",
    );
    // 4. @everyone cannot send messages in threads.
    h.fake
        .set_channel_overwrites(CHANNEL, json!([overwrite(GUILD, 0, SEND_MESSAGES)]));
    let calls = inquiry_reply(&h, &moderator(), json!({})).await;
    expect(
        &calls,
        "`@everyone` must be able to send messages in threads of this channel.",
    );
    // 5. The role cannot see the channel.
    h.fake.set_channel_overwrites(
        CHANNEL,
        json!([overwrite(
            GUILD,
            SEND_MESSAGES_IN_THREADS,
            SEND_MESSAGES | VIEW_CHANNEL
        )]),
    );
    let calls = inquiry_reply(&h, &moderator(), json!({})).await;
    expect(&calls, &format!("<@&{ROLE}> cannot see this channel."));
    assert_eq!(
        calls[0].body["data"]["allowed_mentions"]["parse"],
        json!(["users"]),
        "the role is not pinged"
    );
    assert!(
        all_rows::<inquirymessageconfig::Entity>(&h.db)
            .await
            .is_empty()
    );
    // Bot-permission checks happen before any REST lookups; the channel lookups only once
    // the invoker and the bot qualify.
    assert_eq!(h.fake.calls_to(&format!("/channels/{CHANNEL}")).len(), 3);
}

#[tokio::test]
async fn an_inquiry_opens_a_private_thread_with_the_roles_members() {
    for db in databases().await {
        let h = start_on(db).await;
        h.fake.add_role(ROLE, "Staff", 0);
        good_channel(&h);
        let staff1 = FakeUser {
            roles: vec![ROLE],
            ..FakeUser::member(444_000_000_000_000_001, "staff1")
        };
        let staff2 = FakeUser {
            roles: vec![ROLE, 1],
            ..FakeUser::member(444_000_000_000_000_002, "staff2")
        };
        let bystander = FakeUser::member(444_000_000_000_000_003, "bystander");
        for user in [&staff1, &bystander, &staff2] {
            h.fake.add_member(user);
        }

        // I2: the public post with the 📬 button, and its row.
        let calls = inquiry_reply(&h, &moderator(), json!({})).await;
        assert_eq!(calls.len(), 2, "{calls:#?}");
        let data = message_callback(&calls[0], false);
        let content = data["content"].as_str().unwrap();
        assert!(content.contains("📬") && content.contains(&format!("<@&{ROLE}>")));
        assert_eq!(data["allowed_mentions"]["parse"], json!(["users"]));
        let button = &data["components"][0]["components"][0];
        assert_eq!(button["custom_id"], "sahasrahbot:open_inquiry");
        assert_eq!(button["label"], "Open New Inquiry");
        assert_eq!(button["style"], 1);
        assert_eq!(button["emoji"]["name"], "📬");
        assert_eq!(calls[1].method, "GET");
        assert!(calls[1].path.ends_with("/messages/@original"));
        let rows = all_rows::<inquirymessageconfig::Entity>(&h.db).await;
        assert_eq!(rows.len(), 1, "{}", h.db.name());
        assert_eq!(rows[0].role_id, i64::try_from(ROLE).unwrap());
        let message_id = u64::try_from(rows[0].message_id).unwrap();

        // I3: 📬 → ephemeral confirmation with the red "Yes!".
        let submitter = FakeUser::member(555_555_555_555_555_555, "Asker");
        let click = h
            .fake
            .component_on_message(&submitter, "sahasrahbot:open_inquiry", message_id);
        let calls = wait_calls(&h.fake, &click.token, 1).await;
        assert_eq!(calls.len(), 1);
        let data = message_callback(&calls[0], true);
        assert!(
            data["content"]
                .as_str()
                .unwrap()
                .contains(&format!("private thread with <@&{ROLE}>"))
        );
        let yes = &data["components"][0]["components"][0];
        assert_eq!(yes["label"], "Yes!");
        assert_eq!(yes["style"], 4);
        let yes_id = yes["custom_id"].as_str().unwrap().to_owned();
        assert!(yes_id.starts_with(&format!("sahasrahbot:inquiry_yes:{message_id}:")));

        // "Yes!" → the modal.
        let click = h.fake.component(&submitter, &yes_id);
        let calls = wait_calls(&h.fake, &click.token, 1).await;
        assert_eq!(calls.len(), 1);
        assert_eq!(calls[0].body["type"], 9);
        let modal = &calls[0].body["data"];
        assert_eq!(modal["title"], "Open Inquiry");
        let modal_id = modal["custom_id"].as_str().unwrap().to_owned();
        let input = &modal["components"][0]["components"][0];
        assert_eq!(input["type"], 4);
        assert_eq!(input["label"], "Brief Summary");
        assert_eq!(
            (input["min_length"].clone(), input["max_length"].clone()),
            (json!(10), json!(200))
        );
        assert_eq!(input["required"], true);

        // The submission.
        h.fake.clear_rest_calls();
        let submit = h.fake.modal_submit(
            &submitter,
            &modal_id,
            &[("description", "My seed crashed @everyone")],
        );
        let thread_post = |calls: &[RestCall]| {
            calls.iter().any(|c| {
                c.method == "POST"
                    && c.path.starts_with("/channels/")
                    && c.path.ends_with("/messages")
            })
        };
        assert!(h.fake.wait_until(WAIT, thread_post).await);
        tokio::time::sleep(std::time::Duration::from_millis(150)).await;
        let calls = h.fake.rest_calls();
        let thread_create = &calls[0];
        assert_eq!(thread_create.method, "POST");
        assert_eq!(thread_create.path, format!("/channels/{CHANNEL}/threads"));
        assert_eq!(thread_create.body["type"], 12);
        assert_eq!(thread_create.body["auto_archive_duration"], 1440);
        let name = thread_create.body["name"].as_str().unwrap();
        assert!(name.starts_with("Inquiry Asker "), "{name}");
        let suffix: u32 = name.rsplit(' ').next().unwrap().parse().unwrap();
        assert!(suffix < 1000);
        let thread = h
            .fake
            .calls_to("/channels/")
            .into_iter()
            .find(|c| c.path.contains("/thread-members/"))
            .unwrap()
            .path
            .split('/')
            .nth(2)
            .unwrap()
            .to_owned();
        let steps: Vec<String> = calls
            .iter()
            .map(|c| format!("{} {}", c.method, c.path))
            .collect();
        let member_path = |u: &FakeUser| format!("PUT /channels/{thread}/thread-members/{}", u.id);
        assert_eq!(steps[1], member_path(&submitter));
        assert_eq!(steps[2], format!("POST {}", submit.callback_path()));
        assert!(
            steps[3].starts_with(&format!("GET /guilds/{GUILD}/members")),
            "{steps:#?}"
        );
        assert_eq!(steps[4], member_path(&staff1));
        assert_eq!(steps[5], member_path(&staff2));
        assert_eq!(steps[6], format!("POST /channels/{thread}/messages"));
        assert_eq!(steps.len(), 7, "{steps:#?}");
        let data = message_callback(&calls[2], true);
        assert_eq!(
            data["content"],
            format!("A new thread called <#{thread}> has been opened for this inquiry.")
        );
        let summary = &calls[6].body;
        assert_eq!(
            summary["content"],
            format!(
                "<@{}> has opened an inquiry.\n\n**Description:** My seed crashed @everyone",
                submitter.id
            )
        );
        assert_eq!(summary["allowed_mentions"]["parse"], json!([]));
    }
}

#[tokio::test]
async fn the_yes_button_stops_working_after_a_minute() {
    let h = start().await;
    h.fake.add_role(ROLE, "Staff", 0);
    good_channel(&h);
    inquiry_reply(&h, &moderator(), json!({})).await;
    let message_id = inquirymessageconfig::Entity::find()
        .one(h.db.conn())
        .await
        .unwrap()
        .unwrap()
        .message_id;
    let expired = chrono::Utc::now().timestamp() - 1;
    let click = h.fake.component(
        &member(),
        &format!("sahasrahbot:inquiry_yes:{message_id}:{expired}"),
    );
    let calls = wait_calls(&h.fake, &click.token, 1).await;
    assert_eq!(calls.len(), 1);
    let data = message_callback(&calls[0], true);
    assert_eq!(data["content"], "This button is no longer active.");

    // A 📬 on a message that is no inquiry message: an ephemeral error, no confirmation.
    let click = h
        .fake
        .component_on_message(&member(), "sahasrahbot:open_inquiry", 42);
    let calls = wait_calls(&h.fake, &click.token, 1).await;
    assert_eq!(calls.len(), 1);
    let data = message_callback(&calls[0], true);
    assert!(data["components"].is_null());
    assert!(
        data["content"]
            .as_str()
            .unwrap()
            .contains("not set up any more")
    );
}
