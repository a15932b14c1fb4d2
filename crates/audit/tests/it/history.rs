//! Recording, edits, deletes, member reports, prune at start and the CSV commands
//! (`discord.md` §8 rows AU1–AU8), through the fake Discord.

use crate::common;

use common::{AUDIT_CHANNEL, CHANNEL, EXCLUDED, GUILD, Setup, start};
use sahasrahbot_core::db::entities::audit_messages;
use sahasrahbot_testkit::discord::{ADMINISTRATOR, FakeMessage, FakeUser};
use sea_orm::{ActiveModelTrait, ActiveValue::Set};

fn member() -> FakeUser {
    FakeUser::member(42, "Runner")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn guild_messages_and_dms_are_recorded_but_not_bots_or_excluded_channels() {
    let h = start().await;
    let user = member();
    let guild_msg = h.fake.send_message(&FakeMessage::new(&user, "hello there"));
    h.fake
        .send_message(&FakeMessage::new(&user, "beep").by_bot());
    h.fake
        .send_message(&FakeMessage::new(&user, "secret").in_channel(EXCLUDED));
    let dm = h
        .fake
        .send_message(&FakeMessage::new(&user, "psst").direct());
    assert!(
        h.wait_rows(|rows| rows.len() >= 2).await,
        "{:?}",
        h.rows().await
    );
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let rows = h.rows().await;
    assert_eq!(rows.len(), 2, "{rows:?}");
    assert_eq!(rows[0].message_id, Some(guild_msg as i64));
    assert_eq!(rows[0].guild_id, Some(GUILD as i64));
    assert_eq!(rows[0].channel_id, Some(CHANNEL as i64));
    assert_eq!(rows[0].user_id, Some(42));
    assert_eq!(rows[0].content.as_deref(), Some("hello there"));
    assert_eq!(rows[0].deleted, 0);
    assert_eq!(
        rows[0].message_date.map(|d| d.to_string()).as_deref(),
        Some("2026-11-22 00:00:00")
    );
    assert_eq!(rows[1].message_id, Some(dm as i64));
    assert_eq!(rows[1].guild_id, Some(0), "DMs are recorded with guild 0");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_audit_logging_only_dms_are_recorded() {
    let h = Setup::default()
        .settings(vec![("AuditLogChannel", AUDIT_CHANNEL.to_string())])
        .start()
        .await;
    let user = member();
    let id = h.fake.send_message(&FakeMessage::new(&user, "hello"));
    h.fake.send_message(&FakeMessage::new(&user, "dm").direct());
    assert!(h.wait_rows(|rows| !rows.is_empty()).await);
    h.fake.edit_message(id, "hello again");
    h.fake.delete_message(CHANNEL, id);
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let rows = h.rows().await;
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!(rows[0].guild_id, Some(0));
    assert!(
        h.posts_to(AUDIT_CHANNEL).is_empty(),
        "no reports without AuditLogging"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_edit_is_reported_and_stored_as_a_new_version() {
    let h = start().await;
    let id = h
        .fake
        .send_message(&FakeMessage::new(&member(), "first text"));
    assert!(h.fake.edit_message(id, "second text"));
    let posts = h.wait_posts(AUDIT_CHANNEL, 1).await;
    let embed = &posts[0].body["embeds"][0];
    assert_eq!(embed["title"], "Message Edited");
    assert_eq!(embed["color"], 0xa8_4300);
    assert_eq!(embed["fields"][0]["name"], "Old Message");
    assert_eq!(embed["fields"][0]["value"], "first text");
    assert_eq!(embed["fields"][1]["name"], "New Message");
    assert_eq!(embed["fields"][1]["value"], "second text");
    assert_eq!(embed["fields"][1]["inline"], true);
    assert_eq!(embed["footer"]["text"], "Logged at");
    let description = embed["description"].as_str().expect("description");
    assert!(description.contains("<@42>") && description.contains(&format!("<#{CHANNEL}>")));
    assert!(description.contains(&format!(
        "https://discord.com/channels/{GUILD}/{CHANNEL}/{id}"
    )));
    assert!(h.wait_rows(|rows| rows.len() == 2).await);
    let rows = h.rows().await;
    assert_eq!(rows[1].message_id, Some(id as i64));
    assert_eq!(rows[1].content.as_deref(), Some("second text"));

    // The same text again (an embed unfurl, a pin): nothing.
    h.fake.edit_message(id, "second text");
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert_eq!(h.rows().await.len(), 2);
    assert_eq!(h.posts_to(AUDIT_CHANNEL).len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_delete_is_reported_and_flags_every_version() {
    let h = start().await;
    let file = h.fake.add_attachment("notes.txt", b"hello");
    let id = h
        .fake
        .send_message(&FakeMessage::new(&member(), "original").attach(file.clone()));
    h.fake.edit_message(id, "changed");
    h.wait_posts(AUDIT_CHANNEL, 1).await;
    h.fake.delete_message(CHANNEL, id);
    let posts = h.wait_posts(AUDIT_CHANNEL, 2).await;
    let embed = &posts[1].body["embeds"][0];
    assert_eq!(embed["title"], "Message Deleted");
    assert_eq!(embed["color"], 0x99_2d22);
    assert_eq!(embed["fields"][0]["name"], "Old Message");
    assert_eq!(embed["fields"][0]["value"], "changed");
    assert_eq!(embed["fields"][1]["name"], "Old Attachment");
    assert_eq!(embed["fields"][1]["value"], file.url.as_str());
    assert_eq!(embed["fields"][2]["name"], "Message Timestamp");
    assert_eq!(embed["fields"][2]["value"], "2026-11-22 00:00:00 UTC");
    assert!(
        embed["description"]
            .as_str()
            .is_some_and(|d| d.contains("<@42>"))
    );
    assert!(
        h.wait_rows(|rows| rows.len() == 2 && rows.iter().all(|r| r.deleted == 1))
            .await
    );

    // A message never recorded: an "unknown" report, no crash.
    h.fake.delete_message(CHANNEL, 77);
    let posts = h.wait_posts(AUDIT_CHANNEL, 3).await;
    assert_eq!(
        posts[2].body["embeds"][0]["fields"][0]["value"],
        "??? err unknown ???"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bulk_delete_reports_each_message() {
    let h = start().await;
    let a = h.fake.send_message(&FakeMessage::new(&member(), "one"));
    let b = h.fake.send_message(&FakeMessage::new(&member(), "two"));
    h.fake.delete_messages(CHANNEL, &[a, b]);
    let posts = h.wait_posts(AUDIT_CHANNEL, 2).await;
    let olds: Vec<&str> = posts
        .iter()
        .map(|p| {
            p.body["embeds"][0]["fields"][0]["value"]
                .as_str()
                .unwrap_or("")
        })
        .collect();
    assert_eq!(olds, vec!["one", "two"]);
    assert!(
        h.wait_rows(|rows| rows.len() == 2 && rows.iter().all(|r| r.deleted == 1))
            .await
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn member_events_are_reported_only_with_audit_logging() {
    let h = start().await;
    let user = FakeUser::member(77, "Newcomer");
    h.fake.member_add(&user);
    h.fake.member_remove(&user);
    h.fake.ban_add(&user);
    let posts = h.wait_posts(AUDIT_CHANNEL, 3).await;
    let mut titles: Vec<String> = posts
        .iter()
        .map(|p| {
            p.body["embeds"][0]["title"]
                .as_str()
                .unwrap_or("")
                .to_owned()
        })
        .collect();
    titles.sort();
    assert_eq!(
        titles,
        vec!["Member Banned", "Member Joined", "Member Left"]
    );
    let joined = posts
        .iter()
        .find(|p| p.body["embeds"][0]["title"] == "Member Joined")
        .expect("joined");
    assert_eq!(joined.body["embeds"][0]["color"], 0x2e_cc71);
    assert_eq!(joined.body["embeds"][0]["description"], "<@77>\nNewcomer");
    assert!(joined.body["embeds"][0]["thumbnail"]["url"].is_string());

    let quiet = Setup::default()
        .settings(vec![("AuditLogChannel", AUDIT_CHANNEL.to_string())])
        .start()
        .await;
    quiet.fake.member_add(&user);
    quiet.fake.member_remove(&user);
    quiet.fake.ban_add(&user);
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    assert!(quiet.posts_to(AUDIT_CHANNEL).is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rows_past_the_retention_are_pruned_at_start() {
    let db = sahasrahbot_testkit::db::TestDb::sqlite().await;
    sahasrahbot_migrations::migrate(db.conn())
        .await
        .expect("migrate");
    let now = chrono::Utc::now().naive_utc();
    for (message, days) in [(1_i64, 31_i64), (2, 30), (3, 29), (4, 0)] {
        audit_messages::ActiveModel {
            guild_id: Set(Some(GUILD as i64)),
            message_id: Set(Some(message)),
            user_id: Set(Some(42)),
            channel_id: Set(Some(CHANNEL as i64)),
            message_date: Set(Some(now - chrono::TimeDelta::days(days))),
            content: Set(Some(format!("{days} days old"))),
            attachment: Set(None),
            deleted: Set(0),
            ..Default::default()
        }
        .insert(db.conn())
        .await
        .expect("seed");
    }
    let h = Setup::default().db(db).start().await;
    assert!(
        h.wait_rows(|rows| rows.len() == 2).await,
        "{:?}",
        h.rows().await
    );
    let kept: Vec<Option<i64>> = h.rows().await.iter().map(|r| r.message_id).collect();
    assert_eq!(kept, vec![Some(3), Some(4)], "30 days old or older is gone");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn history_exports_are_csv_files_for_moderators_only() {
    let h = start().await;
    let mut moderator = FakeUser::member(9, "Mod");
    moderator.roles = vec![800];
    h.fake.role_create(800, "Moderators", 1 << 13); // MANAGE_MESSAGES
    let user = member();
    let a = h.fake.send_message(&FakeMessage::new(&user, "hi, all"));
    h.fake.send_message(&FakeMessage::new(&user, "second"));
    h.fake.delete_message(CHANNEL, a);
    assert!(
        h.wait_rows(|rows| rows.iter().filter(|r| r.deleted == 1).count() == 1)
            .await
    );

    // Not a moderator: silence.
    h.fake
        .send_message(&FakeMessage::new(&user, "$messagehistory <@42>"));
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert!(h.fake.uploaded_files().is_empty());

    h.fake
        .send_message(&FakeMessage::new(&moderator, "$messagehistory <@42>"));
    h.fake
        .send_message(&FakeMessage::new(&moderator, "$deletedhistory 42 10"));
    let files = h.wait_files(2).await;
    let history = files
        .iter()
        .find(|f| f.filename == "42_history.csv")
        .expect("history");
    let text = String::from_utf8_lossy(&history.content).into_owned();
    let lines: Vec<&str> = text.split("\r\n").filter(|l| !l.is_empty()).collect();
    assert_eq!(lines[0], "message_date,content,attachment,deleted");
    assert_eq!(
        lines.len(),
        4,
        "header, two messages and the command: {text}"
    );
    assert!(lines[1].ends_with(",\"hi, all\",,1"), "{}", lines[1]);
    assert!(lines[2].ends_with(",second,,0"));
    let deleted = files
        .iter()
        .find(|f| f.filename == "42_deleted.csv")
        .expect("deleted");
    let text = String::from_utf8_lossy(&deleted.content).into_owned();
    assert_eq!(
        text.matches("\r\n").count(),
        2,
        "header and the deleted message: {text}"
    );

    // A bad member argument is answered with the reason.
    h.fake
        .send_message(&FakeMessage::new(&moderator, "$messagehistory bob"));
    let ok = h
        .fake
        .wait_until(common::WAIT, |calls| {
            calls
                .iter()
                .any(|c| c.body["content"] == "Member \"bob\" not found.")
        })
        .await;
    assert!(ok);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_command_failing_on_our_side_is_marked_and_answered_with_a_reference() {
    // With the guild's RIPLink emoji, and with 👎 where the guild has none.
    for (setup, mark) in [
        (Setup::default(), "RIPLink:700000000000000001"),
        (Setup::default().without_emojis(), "%F0%9F%91%8E"),
    ] {
        let h = setup.start().await;
        let mut moderator = FakeUser::member(9, "Mod");
        moderator.roles = vec![800];
        h.fake.role_create(800, "Moderators", 1 << 13); // MANAGE_MESSAGES
        // Discord refuses the CSV upload once.
        h.fake
            .fail_route("POST", &format!("/channels/{CHANNEL}/messages"), 500, 1);
        let id = h
            .fake
            .send_message(&FakeMessage::new(&moderator, "$messagehistory 42"));
        let reaction = h
            .fake
            .wait_for_call(
                "PUT",
                &format!("/channels/{CHANNEL}/messages/{id}/reactions/"),
                common::WAIT,
            )
            .await
            .expect("the command is marked as failed");
        assert!(reaction.path.contains(mark), "{}", reaction.path);
        let answered = h
            .fake
            .wait_until(common::WAIT, |calls| {
                calls.iter().any(|c| {
                    c.body["content"]
                        .as_str()
                        .is_some_and(|t| t.starts_with("Something went wrong on our side."))
                })
            })
            .await;
        assert!(answered, "the moderator gets a reference to quote");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_guild_prefix_is_respected() {
    let h = Setup::default()
        .settings(vec![
            ("AuditLogging", "true".to_owned()),
            ("CommandPrefix", "!".to_owned()),
        ])
        .start()
        .await;
    let admin = FakeUser {
        permissions: ADMINISTRATOR,
        roles: vec![801],
        ..FakeUser::member(9, "Admin")
    };
    h.fake.role_create(801, "Admins", ADMINISTRATOR);
    h.fake
        .send_message(&FakeMessage::new(&admin, "$messagehistory 42"));
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert!(h.fake.uploaded_files().is_empty());
    h.fake
        .send_message(&FakeMessage::new(&admin, "!messagehistory 42"));
    let files = h.wait_files(1).await;
    assert_eq!(files[0].filename, "42_history.csv");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn recording_goes_on_after_the_gateway_drops() {
    let h = start().await;
    let user = member();
    h.fake
        .send_message(&FakeMessage::new(&user, "before the drop"));
    assert!(h.wait_rows(|rows| rows.len() == 1).await);

    h.fake.drop_gateway();
    let resumed = h
        .fake
        .wait_for_gateway(common::WAIT, |s| s.resumes >= 1 && s.live == 1)
        .await;
    assert!(resumed, "{:?}", h.fake.gateway_stats());
    h.fake.send_message(&FakeMessage::new(&user, "after it"));
    assert!(
        h.wait_rows(|rows| rows.len() == 2).await,
        "{:?}",
        h.rows().await
    );
    let rows = h.rows().await;
    assert_eq!(rows[1].content.as_deref(), Some("after it"));
    assert_eq!(
        h.fake.gateway_stats().identifies,
        1,
        "resumed, not identified again"
    );
}
