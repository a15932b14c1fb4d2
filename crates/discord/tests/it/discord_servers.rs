//! `/discordservers` (discord.md §2.3, parity rows DS1–DS3) end to end through the fake
//! Discord, on every available database backend.

use crate::common;

use common::*;
use sahasrahbot_core::db::entities::{discord_server_categories as cats, discord_server_lists};
use sea_orm::{ActiveValue::Set, EntityTrait};
use serde_json::json;

async fn insert_category(h: &Harness, guild: u64, title: &str, order: i32) -> i32 {
    cats::Entity::insert(cats::ActiveModel {
        order: Set(order),
        guild_id: Set(i64::try_from(guild).unwrap()),
        channel_id: Set(i64::try_from(CHANNEL).unwrap()),
        category_title: Set(title.to_owned()),
        category_description: Set(None),
        ..Default::default()
    })
    .exec(h.db.conn())
    .await
    .unwrap()
    .last_insert_id
}

async fn insert_server(h: &Harness, category: i32, description: &str, code: &str) -> i32 {
    discord_server_lists::Entity::insert(discord_server_lists::ActiveModel {
        server_description: Set(description.to_owned()),
        invite_id: Set(code.to_owned()),
        category_id: Set(category),
        ..Default::default()
    })
    .exec(h.db.conn())
    .await
    .unwrap()
    .last_insert_id
}

async fn run(
    h: &Harness,
    user: &sahasrahbot_testkit::discord::FakeUser,
    name: &str,
    options: serde_json::Value,
) -> Vec<sahasrahbot_testkit::discord::RestCall> {
    h.command(user, "discordservers", sub(name, options), 1)
        .await
}

fn content(call: &sahasrahbot_testkit::discord::RestCall) -> String {
    call.body["data"]["content"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

#[tokio::test]
async fn non_administrators_are_refused_every_subcommand() {
    let h = start().await;
    let category = insert_category(&h, GUILD, "Kept", 0).await;
    for (name, options) in [
        (
            "add_category",
            json!([{"name": "channel", "type": 7, "value": CHANNEL.to_string()},
                                {"name": "category_title", "type": 3, "value": "X"}]),
        ),
        (
            "remove_category",
            json!([{"name": "category_id", "type": 4, "value": category}]),
        ),
        (
            "update_category",
            json!([{"name": "category_id", "type": 4, "value": category},
                                   {"name": "category_title", "type": 3, "value": "Y"},
                                   {"name": "category_description", "type": 3, "value": "d"}]),
        ),
        (
            "list_servers",
            json!([{"name": "category_id", "type": 4, "value": category}]),
        ),
        ("refresh", json!([])),
    ] {
        let calls = run(&h, &member(), name, options).await;
        assert_eq!(calls.len(), 1, "{name}: {calls:#?}");
        let data = message_callback(&calls[0], true);
        assert!(
            data["content"].as_str().unwrap().contains("administrator"),
            "{name}: {data}"
        );
    }
    let rows = all_rows::<cats::Entity>(&h.db).await;
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].category_title, "Kept");
    assert!(
        h.fake.calls_to("/channels/").is_empty(),
        "refresh did nothing"
    );
}

#[tokio::test]
async fn categories_are_added_updated_listed_and_removed() {
    for db in databases().await {
        let h = start_on(db).await;
        let calls = run(
            &h,
            &admin(),
            "add_category",
            json!([
            {"name": "channel", "type": 7, "value": CHANNEL.to_string()},
            {"name": "category_title", "type": 3, "value": "Speedrun servers"},
            {"name": "category_description", "type": 3, "value": "Where people race"},
            {"name": "order", "type": 4, "value": 2}]),
        )
        .await;
        assert_eq!(calls.len(), 1);
        message_callback(&calls[0], true);
        assert_eq!(
            content(&calls[0]),
            format!("Added category Speedrun servers to <#{CHANNEL}>")
        );
        let rows = all_rows::<cats::Entity>(&h.db).await;
        assert_eq!(rows.len(), 1, "{}", h.db.name());
        let row = &rows[0];
        assert_eq!(row.guild_id, i64::try_from(GUILD).unwrap());
        assert_eq!(row.channel_id, i64::try_from(CHANNEL).unwrap());
        assert_eq!(row.order, 2);
        assert_eq!(
            row.category_description.as_deref(),
            Some("Where people race")
        );

        // A second category sorts first by its order.
        let first = insert_category(&h, GUILD, "First", 1).await;
        let calls = run(&h, &admin(), "list_category", json!([])).await;
        let data = message_callback(&calls[0], false);
        assert_eq!(data["embeds"][0]["title"], "List of categories");
        assert_eq!(
            field_names(&data["embeds"][0]),
            ["First", "Speedrun servers"]
        );

        let calls = run(
            &h,
            &admin(),
            "update_category",
            json!([
            {"name": "category_id", "type": 4, "value": row.id},
            {"name": "category_title", "type": 3, "value": "Renamed"},
            {"name": "category_description", "type": 3, "value": "New text"}]),
        )
        .await;
        message_callback(&calls[0], true);
        assert_eq!(content(&calls[0]), format!("Updated category {}", row.id));
        let updated = cats::Entity::find_by_id(row.id)
            .one(h.db.conn())
            .await
            .unwrap()
            .unwrap();
        assert_eq!(updated.category_title, "Renamed");
        assert_eq!(updated.category_description.as_deref(), Some("New text"));
        assert_eq!(updated.order, 0, "order defaults to 0, as the original");

        let calls = run(
            &h,
            &admin(),
            "remove_category",
            json!([
            {"name": "category_id", "type": 4, "value": first}]),
        )
        .await;
        message_callback(&calls[0], true);
        assert_eq!(content(&calls[0]), format!("Removed category {first}"));
        let left: Vec<i32> = all_rows::<cats::Entity>(&h.db)
            .await
            .iter()
            .map(|c| c.id)
            .collect();
        assert_eq!(left, [row.id]);
    }
}

#[tokio::test]
async fn another_guilds_category_or_server_is_not_touched() {
    let h = start().await;
    let foreign = insert_category(&h, 500_000_000_000_000_999, "Elsewhere", 0).await;
    let server = insert_server(&h, foreign, "Their server", "theirs").await;
    for (name, options) in [
        (
            "remove_category",
            json!([{"name": "category_id", "type": 4, "value": foreign}]),
        ),
        (
            "update_category",
            json!([{"name": "category_id", "type": 4, "value": foreign},
                                   {"name": "category_title", "type": 3, "value": "Mine"},
                                   {"name": "category_description", "type": 3, "value": "d"}]),
        ),
        (
            "remove_server",
            json!([{"name": "server_id", "type": 4, "value": server}]),
        ),
        (
            "list_servers",
            json!([{"name": "category_id", "type": 4, "value": foreign}]),
        ),
    ] {
        let calls = run(&h, &admin(), name, options).await;
        let data = message_callback(&calls[0], true);
        assert!(
            data["content"].as_str().unwrap().contains("`BadArgument`"),
            "{name}: {data}"
        );
    }
    let row = cats::Entity::find_by_id(foreign)
        .one(h.db.conn())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(row.category_title, "Elsewhere");
    assert!(
        discord_server_lists::Entity::find_by_id(server)
            .one(h.db.conn())
            .await
            .unwrap()
            .is_some()
    );
}

#[tokio::test]
async fn servers_are_resolved_from_their_invite_and_stored_by_code() {
    for db in databases().await {
        let h = start_on(db).await;
        h.fake.add_invite("abcDEF", 42, "Zelda Racing");
        h.fake.add_invite("newcode", 43, "Moved Server");
        let category = insert_category(&h, GUILD, "Races", 0).await;
        let other = insert_category(&h, GUILD, "Other", 1).await;

        let calls = run(
            &h,
            &admin(),
            "add_server",
            json!([
            {"name": "category_id", "type": 4, "value": category},
            {"name": "invite_url", "type": 3, "value": "https://discord.gg/abcDEF"},
            {"name": "server_description", "type": 3, "value": "Zelda races"}]),
        )
        .await;
        message_callback(&calls[0], true);
        assert_eq!(
            content(&calls[0]),
            format!("Added server Zelda Racing to category {category}")
        );
        assert_eq!(h.fake.calls_to("/invites/abcDEF").len(), 1);
        let rows = all_rows::<discord_server_lists::Entity>(&h.db).await;
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].invite_id, "abcDEF");
        assert_eq!(rows[0].category_id, category);
        assert_eq!(rows[0].server_description, "Zelda races");
        let id = rows[0].id;

        let calls = run(
            &h,
            &admin(),
            "list_servers",
            json!([
            {"name": "category_id", "type": 4, "value": category}]),
        )
        .await;
        let data = message_callback(&calls[0], true);
        let embed = &data["embeds"][0];
        assert_eq!(
            embed["title"],
            format!("Server list for category id {category}")
        );
        assert_eq!(field_names(embed), ["Zelda races"]);
        assert_eq!(embed["fields"][0]["value"], format!("*Id:* {id}"));

        let calls = run(
            &h,
            &admin(),
            "list_servers",
            json!([
            {"name": "category_id", "type": 4, "value": other}]),
        )
        .await;
        message_callback(&calls[0], true);
        assert_eq!(
            content(&calls[0]),
            format!("No servers found for category {other}")
        );

        // No description given: the old one stays.
        let calls = run(
            &h,
            &admin(),
            "update_server",
            json!([
            {"name": "server_id", "type": 4, "value": id},
            {"name": "invite_url", "type": 3, "value": "newcode"},
            {"name": "category_id", "type": 4, "value": other}]),
        )
        .await;
        message_callback(&calls[0], true);
        assert_eq!(content(&calls[0]), format!("Updated server {id}"));
        let row = discord_server_lists::Entity::find_by_id(id)
            .one(h.db.conn())
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            (row.invite_id.as_str(), row.category_id),
            ("newcode", other)
        );
        assert_eq!(row.server_description, "Zelda races");

        let calls = run(
            &h,
            &admin(),
            "remove_server",
            json!([
            {"name": "server_id", "type": 4, "value": id}]),
        )
        .await;
        message_callback(&calls[0], true);
        assert_eq!(content(&calls[0]), format!("Removed server {id}"));
        assert!(
            all_rows::<discord_server_lists::Entity>(&h.db)
                .await
                .is_empty()
        );
    }
}

#[tokio::test]
async fn an_unknown_invite_is_an_ephemeral_error_and_stores_nothing() {
    let h = start().await;
    let category = insert_category(&h, GUILD, "Races", 0).await;
    let calls = run(
        &h,
        &admin(),
        "add_server",
        json!([
        {"name": "category_id", "type": 4, "value": category},
        {"name": "invite_url", "type": 3, "value": "https://discord.gg/expired"},
        {"name": "server_description", "type": 3, "value": "Gone"}]),
    )
    .await;
    assert_eq!(calls.len(), 1);
    let data = message_callback(&calls[0], true);
    let text = data["content"].as_str().unwrap();
    assert!(
        text.contains("`BadArgument`") && text.contains("not a valid invite"),
        "{text}"
    );
    assert!(
        all_rows::<discord_server_lists::Entity>(&h.db)
            .await
            .is_empty()
    );
}

#[tokio::test]
async fn refresh_purges_the_bots_messages_and_posts_parts_of_ten() {
    let h = start().await;
    let category = insert_category(&h, GUILD, "Races", 0).await;
    for i in 1..=12 {
        insert_server(&h, category, &format!("Server {i}"), &format!("code{i}")).await;
    }
    let lonely = insert_category(&h, GUILD, "Lonely", 5).await;
    insert_server(&h, lonely, "Solo", "solo").await;
    // Newest first: two recent bot messages, one of a member, one bot message from a
    // month ago.
    let now = chrono::Utc::now();
    let iso =
        |t: chrono::DateTime<chrono::Utc>| t.format("%Y-%m-%dT%H:%M:%S%.6f+00:00").to_string();
    let recent1 = h
        .fake
        .add_channel_message(CHANNEL, None, "old list", &iso(now));
    let theirs = h
        .fake
        .add_channel_message(CHANNEL, Some(&member()), "hi", &iso(now));
    let recent2 = h.fake.add_channel_message(
        CHANNEL,
        None,
        "old list 2",
        &iso(now - chrono::Duration::hours(1)),
    );
    let ancient = h.fake.add_channel_message(
        CHANNEL,
        None,
        "ancient",
        &iso(now - chrono::Duration::days(30)),
    );

    let i = h
        .fake
        .slash_command(&admin(), "discordservers", sub("refresh", json!([])));
    let calls = wait_calls(&h.fake, &i.token, 2).await;
    assert_eq!(calls.len(), 2, "{calls:#?}");
    assert_eq!(calls[0].body["type"], 5);
    assert!(calls[0].body["data"]["flags"].is_null(), "public defer");
    assert_eq!(calls[1].path, i.webhook_path(h.fake.application_id()));
    assert_eq!(
        calls[1].body["content"],
        "Refreshed server list for Fake ALTTPR"
    );

    let channel_calls: Vec<_> = h
        .fake
        .calls_to(&format!("/channels/{CHANNEL}/messages"))
        .into_iter()
        .collect();
    let listed: Vec<_> = channel_calls.iter().filter(|c| c.method == "GET").collect();
    assert_eq!(listed.len(), 1);
    assert!(listed[0].query.contains("limit=100"), "{:?}", listed[0]);
    let bulk: Vec<_> = channel_calls
        .iter()
        .filter(|c| c.method == "POST" && c.path.ends_with("/bulk-delete"))
        .collect();
    assert_eq!(bulk.len(), 1);
    assert_eq!(
        bulk[0].body["messages"],
        json!([recent1.to_string(), recent2.to_string()])
    );
    let deleted: Vec<&str> = channel_calls
        .iter()
        .filter(|c| c.method == "DELETE")
        .map(|c| c.path.as_str())
        .collect();
    assert_eq!(deleted, [format!("/channels/{CHANNEL}/messages/{ancient}")]);
    assert!(
        !channel_calls
            .iter()
            .any(|c| c.path.ends_with(&theirs.to_string()))
    );

    let posts: Vec<String> = channel_calls
        .iter()
        .filter(|c| c.method == "POST" && c.path == format!("/channels/{CHANNEL}/messages"))
        .map(|c| c.body["content"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(posts.len(), 3, "{posts:#?}");
    assert!(posts[0].starts_with("**__Races - Part 1__**\nServer 1: https://discord.gg/code1\n"));
    assert_eq!(posts[0].lines().count(), 11);
    assert_eq!(
        posts[1],
        "**__Races - Part 2__**\nServer 11: https://discord.gg/code11\nServer 12: https://discord.gg/code12"
    );
    assert_eq!(posts[2], "**__Lonely__**\nSolo: https://discord.gg/solo");
}
