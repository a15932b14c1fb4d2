//! The bot end to end, through the real twilight client code against the testkit's fake
//! Discord: gateway connect/identify/READY/resume, command registration, every built
//! command's REST calls, the error paths of §1.7, and the ChatNotifier port.

use crate::common;

use common::{
    GUILD, Setup, WAIT, admin, all_rows, bot_settings, command_names, deps, field_names, member,
    start, strings, wait_calls,
};
use sahasrahbot_core::db::entities::{audit_generated_games, config, discord_server_categories};
use sahasrahbot_core::db::entities::{presetnamespaces, presets as preset_rows};
use sahasrahbot_core::ports::{AllowedMentions, ChatMessage, ChatNotifier, ChatTarget};
use sahasrahbot_discord::{BotSettings, DiscordNotifier, Error, ShardRange, run_with};
use sahasrahbot_migrations::migrate;
use sahasrahbot_seedgen::SeedgenConfig;
use sahasrahbot_testkit::db::TestDb;
use sahasrahbot_testkit::discord::{FakeDiscord, FakeDiscordConfig, FakeUser};
use sea_orm::{ActiveValue::Set, EntityTrait};
use serde_json::{Value, json};
use tokio_util::sync::CancellationToken;
use wiremock::matchers::{method, path};
use wiremock::{Mock, ResponseTemplate};

/// The global commands; each must be registered (more may be).
const GLOBAL_COMMANDS: [&str; 16] = [
    "alttpr",
    "sm",
    "smz3",
    "alttprutils",
    "holyimage",
    "datetime",
    "smdash",
    "discordservers",
    "inquiry",
    "rankedchoice",
    "smvaria",
    "ctjets",
    "z2r",
    "dailygame",
    "rtggadmin",
    "racerverification",
];
/// The global commands hidden from members who are not administrators, guild only.
const ADMIN_COMMANDS: [&str; 4] = [
    "discordservers",
    "rankedchoice",
    "rtggadmin",
    "racerverification",
];

fn alttpr_game() -> Value {
    json!({
        "hash": "AbCdEf1234",
        "generated": "2026-11-22T01:02:03+00:00",
        "patch": [{"1573397": [0, 22, 12, 3, 29]}],
        "spoiler": {"meta": {
            "name": "Open", "notes": "<p>Seven <b>crystals</b></p>",
            "logic": "NoGlitches", "item_placement": "advanced", "dungeon_items": "standard",
            "accessibility": "items", "goal": "ganon", "entry_crystals_tower": "7",
            "entry_crystals_ganon": "7", "mode": "open", "enemizer.boss_shuffle": "none",
            "enemizer.enemy_shuffle": "none", "enemizer.enemy_damage": "default",
            "enemizer.enemy_health": "default", "hints": "on", "weapons": "randomized",
            "item_pool": "normal", "item_functionality": "normal", "spoilers": "off"
        }}
    })
}

fn settings_map() -> Value {
    json!({
        "item_placement": {"advanced": "Advanced"},
        "dungeon_items": {"standard": "Standard"},
        "accessibility": {"items": "100% Inventory"},
        "goals": {"ganon": "Defeat Ganon"},
        "world_state": {"open": "Open"},
        "boss_shuffle": {"none": "None"},
        "enemy_shuffle": {"none": "None"},
        "weapons": {"randomized": "Randomized"},
        "item_pool": {"normal": "Normal"},
        "item_functionality": {"normal": "Normal"},
        "enemy_damage": {"default": "Default"},
        "enemy_health": {"default": "Default"}
    })
}

#[tokio::test]
async fn connects_registers_commands_once_and_resumes_after_a_dropped_socket() {
    let h = start().await;
    let app = h.fake.application_id();
    let global = h.fake.calls_to(&format!("/applications/{app}/commands"));
    assert_eq!(global.len(), 1, "one global bulk overwrite");
    assert_eq!(global[0].method, "PUT");
    let commands = global[0].body.as_array().unwrap();
    let names = command_names(&global[0]);
    for expected in GLOBAL_COMMANDS {
        assert!(
            names.contains(&expected),
            "{expected} is registered: {names:?}"
        );
    }
    let mut unique = names.clone();
    unique.sort_unstable();
    unique.dedup();
    assert_eq!(unique.len(), names.len(), "no name twice: {names:?}");
    for name in ADMIN_COMMANDS {
        let command = commands.iter().find(|c| c["name"] == name).unwrap();
        assert_eq!(command["default_member_permissions"], "8", "{name}");
        assert_eq!(command["contexts"], json!([0]), "{name}");
    }
    let preset = &global[0].body[0]["options"][0];
    assert_eq!(preset["name"], "preset");
    assert_eq!(preset["options"][0]["autocomplete"], true);
    let guild = h
        .fake
        .calls_to(&format!("/applications/{app}/guilds/{GUILD}/commands"));
    assert_eq!(guild.len(), 1, "one bulk overwrite for the ALTTP guild");
    assert_eq!(command_names(&guild[0]), ["welcome", "rom", "sgdaily"]);

    h.fake.drop_gateway();
    assert!(
        h.fake
            .wait_for_gateway(WAIT, |s| s.resumes == 1 && s.live == 1)
            .await,
        "the bot resumed: {:?}",
        h.fake.gateway_stats()
    );
    assert_eq!(
        h.fake.gateway_stats().identifies,
        1,
        "resume, not a new session"
    );
    assert!(h.fake.gateway_stats().connections >= 2);
    // Commands are not synced again after a reconnect.
    assert_eq!(
        h.fake
            .calls_to(&format!("/applications/{app}/commands"))
            .len(),
        1
    );

    // The bot still answers after the resume.
    let calls = h.command(&member(), "rom", json!([]), 1).await;
    assert_eq!(calls.len(), 1);
    assert_eq!(calls[0].body["type"], 4);
}

#[tokio::test]
async fn heartbeats_are_acknowledged() {
    let h = Setup::default()
        .fake(FakeDiscordConfig {
            heartbeat_interval_ms: 100,
            ..FakeDiscordConfig::default()
        })
        .start()
        .await;
    assert!(
        h.fake.wait_for_gateway(WAIT, |s| s.heartbeats >= 3).await,
        "heartbeats: {:?}",
        h.fake.gateway_stats()
    );
    // Acknowledged heartbeats keep the session: no reconnect.
    assert_eq!(h.fake.gateway_stats().connections, 1);
}

#[tokio::test]
async fn welcome_replies_publicly_in_the_chosen_language() {
    let h = start().await;
    let i = h.fake.slash_command(
        &member(),
        "welcome",
        json!([{"name": "language", "type": 3, "value": "german"}]),
    );
    let calls = wait_calls(&h.fake, &i.token, 1).await;
    assert_eq!(calls.len(), 1, "{calls:#?}");
    assert_eq!(calls[0].method, "POST");
    assert_eq!(calls[0].path, i.callback_path());
    assert_eq!(calls[0].body["type"], 4);
    assert!(
        calls[0].body["data"]
            .get("flags")
            .is_none_or(Value::is_null)
    );
    let content = calls[0].body["data"]["content"].as_str().unwrap();
    assert!(content.starts_with("Willkommen!"));
    assert!(content.contains("https://discordapp.com/invite/5zuANcS"));
    assert_eq!(
        calls[0].body["data"]["allowed_mentions"]["parse"],
        json!(["users"])
    );
}

#[tokio::test]
async fn rom_replies_with_the_guidance() {
    let h = start().await;
    let calls = h.command(&member(), "rom", json!([]), 1).await;
    assert_eq!(calls.len(), 1);
    let content = calls[0].body["data"]["content"].as_str().unwrap();
    assert!(content.contains("<http://alttp.mymm1.com/game/checkcrc/>"));
    assert!(content.contains("<#543572578787393556>"));
}

#[tokio::test]
async fn a_bad_option_value_gets_an_ephemeral_error_with_a_reference() {
    let h = start().await;
    let calls = h
        .command(
            &member(),
            "welcome",
            json!([{"name": "language", "type": 3, "value": "klingon"}]),
            1,
        )
        .await;
    assert_eq!(calls.len(), 1);
    assert_eq!(calls[0].body["type"], 4);
    assert_eq!(calls[0].body["data"]["flags"], 64);
    let content = calls[0].body["data"]["content"].as_str().unwrap();
    assert!(
        content.starts_with("<:RIPLink:700000000000000001> `BadArgument`"),
        "{content}"
    );
    assert!(content.contains("Reference: `"), "{content}");

    // A bad yes/no value on /alttpr preset is refused before anything is deferred.
    let calls = h
        .command(
            &member(),
            "alttpr",
            json!([{"name": "preset", "type": 1, "options": [
            {"name": "preset", "type": 3, "value": "open"},
            {"name": "race", "type": 3, "value": "maybe"}]}]),
            1,
        )
        .await;
    assert_eq!(calls.len(), 1);
    assert_eq!(calls[0].body["type"], 4);
    assert_eq!(calls[0].body["data"]["flags"], 64);
}

#[tokio::test]
async fn an_unknown_command_and_an_unknown_button_are_answered_ephemerally() {
    let h = start().await;
    let calls = h.command(&member(), "nosuchcommand", json!([]), 1).await;
    assert_eq!(calls[0].body["data"]["flags"], 64);
    assert!(
        calls[0].body["data"]["content"]
            .as_str()
            .unwrap()
            .contains("not found")
    );

    let i = h.fake.component(&member(), "sahabot:expired:123");
    let calls = wait_calls(&h.fake, &i.token, 1).await;
    assert_eq!(calls[0].body["type"], 4);
    assert_eq!(calls[0].body["data"]["flags"], 64);
}

#[tokio::test]
async fn alttpr_preset_defers_then_posts_the_seed_embed_and_writes_the_audit_row() {
    let h = start().await;
    Mock::given(method("POST"))
        .and(path("/beeta/api/randomizer"))
        .respond_with(ResponseTemplate::new(200).set_body_json(alttpr_game()))
        .expect(1)
        .mount(&h.ext)
        .await;
    Mock::given(method("GET"))
        .and(path("/beeta/randomizer/settings"))
        .respond_with(ResponseTemplate::new(200).set_body_json(settings_map()))
        .mount(&h.ext)
        .await;
    let i = h.fake.slash_command(
        &member(),
        "alttpr",
        json!([{"name": "preset", "type": 1, "options": [
            {"name": "preset", "type": 3, "value": "open"},
            {"name": "race", "type": 3, "value": "yes"},
            {"name": "hints", "type": 3, "value": "yes"},
            {"name": "branch", "type": 3, "value": "beeta"}]}]),
    );
    let calls = wait_calls(&h.fake, &i.token, 2).await;
    assert_eq!(calls.len(), 2, "{calls:#?}");
    assert_eq!(calls[0].path, i.callback_path());
    assert_eq!(calls[0].body["type"], 5);
    assert!(calls[0].body["data"]["flags"].is_null(), "public defer");
    assert_eq!(calls[1].method, "POST");
    assert_eq!(calls[1].path, i.webhook_path(h.fake.application_id()));
    let embed = &calls[1].body["embeds"][0];
    assert_eq!(
        field_names(embed),
        [
            "Preset",
            "Item Placement",
            "Goal",
            "Gameplay",
            "Difficulty",
            "File Select Code",
            "Permalink"
        ]
    );
    assert_eq!(embed["fields"][0]["value"], "open");
    assert_eq!(embed["fields"][0]["inline"], false);
    assert_eq!(embed["fields"][1]["inline"], true);
    assert_eq!(embed["title"], "Open");
    assert_eq!(embed["description"], "Seven **crystals**");
    assert_eq!(embed["color"], 0x0099_2D22);
    assert_eq!(embed["footer"]["text"], "Generated");
    assert!(
        embed["footer"]["icon_url"]
            .as_str()
            .unwrap()
            .contains("700000000000000002")
    );
    assert_eq!(
        embed["fields"][1]["value"],
        "**Glitches Required:** NoGlitches\n**Item Placement:** Advanced\n**Dungeon Items:** Standard\n**Accessibility:** 100% Inventory"
    );
    assert!(
        embed["fields"][3]["value"]
            .as_str()
            .unwrap()
            .contains("**Entrance Shuffle:** None")
    );
    assert!(
        embed["fields"][3]["value"]
            .as_str()
            .unwrap()
            .contains("**Pot Shuffle:** off")
    );
    assert_eq!(embed["fields"][5]["value"], "Bow/Boots/Hammer/Bombs/Map");
    assert_eq!(
        embed["fields"][6]["value"],
        "https://beeta.alttpr.com/h/AbCdEf1234"
    );

    // The options reached alttpr.com as generator flags.
    let requests = h.ext.received_requests().await.unwrap_or_default();
    let generate = requests
        .iter()
        .find(|r| r.url.path() == "/beeta/api/randomizer")
        .expect("generate request");
    let body: Value = serde_json::from_slice(&generate.body).unwrap();
    assert_eq!(body["tournament"], true);
    assert_eq!(body["spoilers"], "off");
    assert_eq!(body["hints"], "on");

    let rows = all_rows::<audit_generated_games::Entity>(&h.db).await;
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].hash_id.as_deref(), Some("AbCdEf1234"));
    assert_eq!(rows[0].genoption.as_deref(), Some("open"));
    assert_eq!(rows[0].gentype.as_deref(), Some("preset"));
}

#[tokio::test]
async fn an_unknown_preset_edits_the_public_response_with_the_error() {
    let h = start().await;
    let calls = h
        .command(
            &member(),
            "alttpr",
            json!([{"name": "preset", "type": 1, "options": [
            {"name": "preset", "type": 3, "value": "nope"}]}]),
            2,
        )
        .await;
    assert_eq!(calls.len(), 2, "{calls:#?}");
    assert_eq!(calls[0].body["type"], 5);
    assert_eq!(calls[1].method, "PATCH");
    assert!(calls[1].path.ends_with("/messages/@original"));
    let content = calls[1].body["content"].as_str().unwrap();
    assert!(
        content.contains("`PresetNotFoundException`: Could not find preset nope."),
        "{content}"
    );
    assert!(content.starts_with("<:RIPLink:"));
    assert!(
        h.ext
            .received_requests()
            .await
            .unwrap_or_default()
            .is_empty()
    );
}

#[tokio::test]
async fn a_provider_failure_shows_the_class_and_a_reference_id() {
    let h = start().await;
    Mock::given(method("POST"))
        .and(path("/live/api/randomizer"))
        .respond_with(ResponseTemplate::new(503))
        .mount(&h.ext)
        .await;
    let calls = h
        .command(
            &member(),
            "alttpr",
            json!([{"name": "preset", "type": 1, "options": [
            {"name": "preset", "type": 3, "value": "open"}]}]),
            2,
        )
        .await;
    assert_eq!(calls.len(), 2, "{calls:#?}");
    assert_eq!(calls[0].body["type"], 5);
    let content = calls[1].body["content"].as_str().unwrap();
    assert!(content.contains("`ProviderUnavailable`"), "{content}");
    let reference = content
        .rsplit("Reference: `")
        .next()
        .unwrap()
        .trim_end_matches('`');
    assert_eq!(reference.len(), 8, "{content}");
    let rows = all_rows::<audit_generated_games::Entity>(&h.db).await;
    assert!(rows.is_empty(), "no audit row for a failed generation");
}

#[tokio::test]
async fn the_error_emoji_falls_back_when_the_guild_has_no_riplink() {
    let mut config = FakeDiscordConfig::default();
    config.guilds[0].emojis.clear();
    let h = Setup::default().fake(config).start().await;
    let calls = h
        .command(
            &member(),
            "welcome",
            json!([{"name": "language", "type": 3, "value": "klingon"}]),
            1,
        )
        .await;
    let content = calls[0].body["data"]["content"].as_str().unwrap();
    assert!(!content.starts_with("None"));
    assert!(content.starts_with('\u{1F44E}'), "{content}");
}

#[tokio::test]
async fn preset_autocomplete_lists_matching_presets() {
    let h = start().await;
    let i = h.fake.autocomplete(
        &member(),
        "alttpr",
        json!([{"name": "preset", "type": 1, "options": [
            {"name": "preset", "type": 3, "value": "op", "focused": true}]}]),
    );
    let calls = wait_calls(&h.fake, &i.token, 1).await;
    assert_eq!(calls.len(), 1);
    assert_eq!(calls[0].body["type"], 8);
    let choices = strings(&calls[0].body["data"]["choices"], "value");
    assert_eq!(choices, ["open"]);
}

#[tokio::test]
async fn the_bot_reacts_when_mentioned() {
    let h = start().await;
    let id = h.fake.message_create(&member(), "", true);
    let call = h
        .fake
        .wait_for_call(
            "PUT",
            &format!("/channels/{}/messages/{id}/reactions/", h.fake.channel_id()),
            WAIT,
        )
        .await
        .expect("a reaction");
    assert!(
        call.path.contains("SahasrahBot:700000000000000002"),
        "{}",
        call.path
    );
}

#[tokio::test]
async fn cancel_shuts_the_bot_down_cleanly() {
    let mut h = start().await;
    let result = h.stop().await;
    assert!(matches!(result, Ok(Ok(()))), "{result:?}");
}

#[tokio::test]
async fn the_notifier_posts_to_channels_and_dms() {
    let fake = FakeDiscord::start().await.unwrap();
    let notifier = DiscordNotifier::from_settings(&bot_settings(&fake));
    notifier
        .notify(
            ChatTarget::Channel(fake.channel_id()),
            ChatMessage {
                content: "hello".into(),
                embed: Some(r#"{"title": "T", "fields": []}"#.into()),
                ..ChatMessage::default()
            },
        )
        .await
        .unwrap();
    notifier
        .notify(
            ChatTarget::User(42),
            ChatMessage {
                content: "psst".into(),
                embed: None,
                allowed_mentions: AllowedMentions::UsersAndEveryone,
            },
        )
        .await
        .unwrap();
    let calls = fake.rest_calls();
    assert_eq!(
        calls[0].path,
        format!("/channels/{}/messages", fake.channel_id())
    );
    assert_eq!(calls[0].body["content"], "hello");
    assert_eq!(calls[0].body["embeds"][0]["title"], "T");
    assert_eq!(calls[0].body["allowed_mentions"]["parse"], json!(["users"]));
    assert_eq!(calls[1].path, "/users/@me/channels");
    assert_eq!(calls[1].body["recipient_id"], "42");
    assert!(calls[2].path.starts_with("/channels/") && calls[2].path.ends_with("/messages"));
    assert_eq!(calls[2].body["content"], "psst");
    assert_eq!(
        calls[2].body["allowed_mentions"]["parse"],
        json!(["users", "everyone"])
    );

    fake.fail_route(
        "POST",
        &format!("/channels/{}/messages", fake.channel_id()),
        403,
        1,
    );
    let err = notifier
        .notify(
            ChatTarget::Channel(fake.channel_id()),
            ChatMessage {
                content: "x".into(),
                embed: None,
                ..ChatMessage::default()
            },
        )
        .await
        .unwrap_err();
    assert_eq!(err.target, ChatTarget::Channel(fake.channel_id()));
}

#[tokio::test]
async fn an_admin_command_refuses_non_admins_ephemerally() {
    let h = start().await;
    let sub = json!([{"name": "list_category", "type": 1, "options": []}]);
    let calls = h.command(&member(), "discordservers", sub.clone(), 1).await;
    assert_eq!(calls.len(), 1);
    assert_eq!(calls[0].body["type"], 4);
    assert_eq!(calls[0].body["data"]["flags"], 64);
    let content = calls[0].body["data"]["content"].as_str().unwrap();
    assert!(content.contains("administrator"), "{content}");
    assert!(!content.contains("`CheckFailure`"), "{content}");

    // An administrator with no categories: ephemeral notice.
    let admin = admin();
    let calls = h.command(&admin, "discordservers", sub.clone(), 1).await;
    assert_eq!(calls[0].body["data"]["content"], "No categories found.");
    assert_eq!(calls[0].body["data"]["flags"], 64);

    // With categories: a public embed, sorted by `order` then id.
    for (order, title) in [(2, "Second"), (1, "First")] {
        discord_server_categories::Entity::insert(discord_server_categories::ActiveModel {
            order: Set(order),
            guild_id: Set(i64::try_from(GUILD).unwrap()),
            channel_id: Set(600_000_000_000_000_001),
            category_title: Set(title.to_owned()),
            category_description: Set(None),
            ..Default::default()
        })
        .exec(h.db.conn())
        .await
        .unwrap();
    }
    let calls = h.command(&admin, "discordservers", sub, 1).await;
    assert!(calls[0].body["data"]["flags"].is_null());
    let embed = &calls[0].body["data"]["embeds"][0];
    assert_eq!(embed["title"], "List of categories");
    assert_eq!(field_names(embed), ["First", "Second"]);
    assert!(
        embed["fields"][0]["value"]
            .as_str()
            .unwrap()
            .contains("<#600000000000000001>")
    );
}

#[tokio::test]
async fn alttpr_mystery_rolls_the_weightset_and_masks_the_settings() {
    let h = start().await;
    let mut game = alttpr_game();
    game["spoiler"]["meta"]["spoilers"] = json!("mystery");
    for endpoint in ["/api/randomizer", "/api/customizer"] {
        Mock::given(method("POST"))
            .and(path(endpoint))
            .respond_with(ResponseTemplate::new(200).set_body_json(game.clone()))
            .mount(&h.ext)
            .await;
    }
    Mock::given(method("GET"))
        .and(path("/randomizer/settings"))
        .respond_with(ResponseTemplate::new(200).set_body_json(settings_map()))
        .mount(&h.ext)
        .await;
    let calls = h
        .command(
            &member(),
            "alttpr",
            json!([{"name": "mystery", "type": 1, "options": [
            {"name": "weightset", "type": 3, "value": "casual"}]}]),
            2,
        )
        .await;
    assert_eq!(calls.len(), 2, "{calls:#?}");
    assert_eq!(calls[0].body["type"], 5);
    let embed = &calls[1].body["embeds"][0];
    assert_eq!(embed["title"], "Mystery Game");
    assert_eq!(
        field_names(embed),
        [
            "Weightset",
            "Mystery Game",
            "Item Placement",
            "File Select Code",
            "Permalink"
        ]
    );
    assert_eq!(embed["fields"][0]["value"], "casual");
    let requests = h.ext.received_requests().await.unwrap_or_default();
    let generate = requests
        .iter()
        .find(|r| r.url.path().starts_with("/api/"))
        .expect("generate request");
    let body: Value = serde_json::from_slice(&generate.body).unwrap();
    assert_eq!(body["spoilers"], "mystery");
    assert_eq!(body["tournament"], true);
    let rows = all_rows::<audit_generated_games::Entity>(&h.db).await;
    assert_eq!(rows[0].gentype.as_deref(), Some("mystery"));
    assert_eq!(rows[0].genoption.as_deref(), Some("casual"));

    // mask_settings=no really unmasks (fix D5).
    let i = h.fake.slash_command(
        &member(),
        "alttpr",
        json!([{"name": "mystery", "type": 1, "options": [
            {"name": "weightset", "type": 3, "value": "casual"},
            {"name": "mask_settings", "type": 3, "value": "no"}]}]),
    );
    wait_calls(&h.fake, &i.token, 2).await;
    let requests = h.ext.received_requests().await.unwrap_or_default();
    let last = requests
        .iter()
        .rev()
        .find(|r| r.url.path().starts_with("/api/"))
        .unwrap();
    let body: Value = serde_json::from_slice(&last.body).unwrap();
    assert_eq!(body["spoilers"], "off");
}

#[tokio::test]
async fn sm_preset_posts_the_sm_embed() {
    let h = start().await;
    Mock::given(method("POST"))
        .and(path("/sm/api/randomizers/sm/generate"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "guid": "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0",
            "hash": "Kraid Ridley Phantoon Draygon",
            "mode": "normal"
        })))
        .mount(&h.ext)
        .await;
    let calls = h
        .command(
            &member(),
            "sm",
            json!([{"name": "preset", "type": 1, "options": [
            {"name": "preset", "type": 3, "value": "casual_full"},
            {"name": "race", "type": 3, "value": "yes"}]}]),
            2,
        )
        .await;
    assert_eq!(calls.len(), 2, "{calls:#?}");
    assert_eq!(calls[0].body["type"], 5);
    let embed = &calls[1].body["embeds"][0];
    assert_eq!(embed["title"], "Requested Seed");
    assert_eq!(embed["description"], "Requested SM Randomizer Game.");
    assert_eq!(field_names(embed), ["File Select Code", "Permalink"]);
    assert_eq!(embed["fields"][0]["value"], "Kraid Ridley Phantoon Draygon");
    assert!(
        embed["fields"][1]["value"]
            .as_str()
            .unwrap()
            .starts_with("https://sm.samus.link/seed/")
    );
    assert_eq!(embed["footer"]["text"], "Generated by SahasrahBot");
    let requests = h.ext.received_requests().await.unwrap_or_default();
    let body: Value = serde_json::from_slice(&requests[0].body).unwrap();
    assert_eq!(body["race"], "true");
    // Row G15: the game is audited like the alttpr ones.
    let rows = all_rows::<audit_generated_games::Entity>(&h.db).await;
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!(rows[0].randomizer.as_deref(), Some("sm"));
    assert_eq!(rows[0].gentype.as_deref(), Some("preset"));
    assert_eq!(rows[0].genoption.as_deref(), Some("casual_full"));
    assert_eq!(
        rows[0].permalink.as_deref(),
        embed["fields"][1]["value"].as_str(),
        "the row links the posted game"
    );
}

#[tokio::test]
async fn verifygame_is_public_when_unknown_and_ephemeral_when_found() {
    let h = start().await;
    let sub = |hash: &str| {
        json!([{"name": "verifygame", "type": 1, "options": [
            {"name": "hash_id", "type": 3, "value": hash}]}])
    };
    let calls = h.command(&member(), "alttprutils", sub("nohash"), 1).await;
    assert_eq!(
        calls[0].body["data"]["content"],
        "That game was not generated by SahasrahBot."
    );
    assert!(calls[0].body["data"]["flags"].is_null());

    audit_generated_games::Entity::insert(audit_generated_games::ActiveModel {
        randomizer: Set(Some("alttpr".to_owned())),
        hash_id: Set(Some("Known1".to_owned())),
        permalink: Set(Some("https://alttpr.com/h/Known1".to_owned())),
        gentype: Set(Some("preset".to_owned())),
        genoption: Set(Some("open".to_owned())),
        customizer: Set(Some(0)),
        doors: Set(false),
        avianart: Set(false),
        ..Default::default()
    })
    .exec(h.db.conn())
    .await
    .unwrap();
    let calls = h.command(&member(), "alttprutils", sub("Known1"), 1).await;
    assert_eq!(calls[0].body["data"]["flags"], 64);
    assert_eq!(
        calls[0].body["data"]["content"],
        "**Randomizer:** alttpr\n**Game Type:** preset\n**Game Option:** open\n**Permalink:** <https://alttpr.com/h/Known1>"
    );
}

fn holy_images() -> Value {
    json!({
        "z3r": [
            {"idx": 0, "slug": "spinspeed", "title": "Spin Speed", "desc": "<p>Go <b>fast</b></p>",
             "url": "https://example.org/spin.png", "credit": "Someone", "aliases": ["spin"]},
            {"idx": 1, "slug": "fakeflipper", "title": "Fake Flipper", "desc": "Swim",
             "url": "https://example.org/ff", "mode": "redirect"}
        ],
        "z1r": [{"idx": 0, "slug": "whistle", "title": "Whistle", "desc": "Tune"}]
    })
}

async fn mount_holy_images(h: &common::Harness) {
    Mock::given(method("GET"))
        .and(path("/holyimages.json"))
        .respond_with(ResponseTemplate::new(200).set_body_json(holy_images()))
        .mount(&h.ext)
        .await;
}

#[tokio::test]
async fn holyimage_posts_the_image_embed_with_the_guild_default_game() {
    let h = start().await;
    mount_holy_images(&h).await;
    // The guild's default game comes from the config table (set before first use: the
    // service caches per guild).
    config::Entity::insert(config::ActiveModel {
        guild_id: Set(i64::try_from(GUILD).unwrap()),
        parameter: Set("HolyImageDefaultGame".to_owned()),
        value: Set(Some("z1r".to_owned())),
        ..Default::default()
    })
    .exec(h.db.conn())
    .await
    .unwrap();
    let calls = h.command(&member(),
        "holyimage",
        json!([{"name": "slug", "type": 3, "value": "SPIN"}, {"name": "game", "type": 3, "value": "z3r"}]), 1).await;
    assert_eq!(calls[0].body["type"], 4);
    assert!(calls[0].body["data"]["flags"].is_null());
    let embed = &calls[0].body["data"]["embeds"][0];
    assert_eq!(embed["title"], "Spin Speed");
    assert_eq!(embed["description"], "Go **fast**");
    assert_eq!(embed["color"], 0x00FF_AF00);
    assert_eq!(embed["thumbnail"]["url"], "https://example.org/spin.png");
    assert_eq!(field_names(embed), ["Source"]);
    assert_eq!(
        embed["fields"][0]["value"],
        "http://alttp.mymm1.com/holyimage/z3r-spinspeed.html"
    );
    assert_eq!(embed["footer"]["text"], "Created by Someone");

    // redirect mode: a Link field instead of a thumbnail.
    let calls = h.command(&member(),
        "holyimage",
        json!([{"name": "slug", "type": 3, "value": "1"}, {"name": "game", "type": 3, "value": "z3r"}]), 1).await;
    let embed = &calls[0].body["data"]["embeds"][0];
    assert_eq!(field_names(embed), ["Link", "Source"]);
    assert!(embed["thumbnail"].is_null());

    let calls = h
        .command(
            &member(),
            "holyimage",
            json!([{"name": "slug", "type": 3, "value": "whistle"}]),
            1,
        )
        .await;
    assert_eq!(calls[0].body["data"]["embeds"][0]["title"], "Whistle");
}

#[tokio::test]
async fn an_unknown_holyimage_is_an_ephemeral_holyimagenotfound() {
    let h = start().await;
    mount_holy_images(&h).await;
    let calls = h.command(&member(),
        "holyimage",
        json!([{"name": "slug", "type": 3, "value": "nope"}, {"name": "game", "type": 3, "value": "z3r"}]), 1).await;
    assert_eq!(calls.len(), 1);
    assert_eq!(calls[0].body["data"]["flags"], 64);
    let content = calls[0].body["data"]["content"].as_str().unwrap();
    assert!(content.contains("`HolyImageNotFound`"), "{content}");
}

#[tokio::test]
async fn holyimage_autocompletes_games_and_slugs() {
    let h = start().await;
    mount_holy_images(&h).await;
    let i = h.fake.autocomplete(
        &member(),
        "holyimage",
        json!([{"name": "slug", "type": 3, "value": ""},
               {"name": "game", "type": 3, "value": "z", "focused": true}]),
    );
    let calls = wait_calls(&h.fake, &i.token, 1).await;
    assert_eq!(calls[0].body["type"], 8);
    assert_eq!(calls[0].body["data"]["choices"][0]["value"], "z1r");
    assert_eq!(calls[0].body["data"]["choices"][1]["value"], "z3r");
    let i = h.fake.autocomplete(
        &member(),
        "holyimage",
        json!([{"name": "slug", "type": 3, "value": "f", "focused": true}]),
    );
    let calls = wait_calls(&h.fake, &i.token, 1).await;
    let choices = strings(&calls[0].body["data"]["choices"], "value");
    assert_eq!(choices, ["fakeflipper"]);
}

#[tokio::test]
async fn smdash_posts_the_seed_url() {
    let h = start().await;
    Mock::given(method("GET"))
        .and(path("/dash/generate/classic"))
        .respond_with(ResponseTemplate::new(307).set_body_string("https://dashrando.net/seed/abc"))
        .mount(&h.ext)
        .await;
    let calls = h
        .command(
            &member(),
            "smdash",
            json!([{"name": "preset", "type": 3, "value": "classic"}]),
            2,
        )
        .await;
    assert_eq!(calls.len(), 2, "{calls:#?}");
    assert_eq!(calls[0].body["type"], 5);
    assert_eq!(calls[1].body["content"], "https://dashrando.net/seed/abc");
}

const CUSTOM_PRESET: &str = "goal_name: custom\nsettings:\n  goal: ganon\n  mode: open\n";

#[tokio::test]
async fn savepreset_stores_the_file_in_the_users_namespace() {
    let h = start().await;
    let file = h.fake.add_attachment("mine.yaml", CUSTOM_PRESET.as_bytes());
    let user = FakeUser::member(333_333_333_333_333_333, "Bob X");
    let i = h.fake.slash_command_with_attachments(
        &user,
        "alttprutils",
        json!([{"name": "savepreset", "type": 1, "options": [
            {"name": "preset_name", "type": 3, "value": "MyPreset"},
            {"name": "preset_file", "type": 11, "value": file.id.to_string()}]}]),
        &[file],
    );
    let calls = wait_calls(&h.fake, &i.token, 2).await;
    assert_eq!(calls.len(), 2, "{calls:#?}");
    assert_eq!(calls[0].body["type"], 5);
    assert_eq!(calls[0].body["data"]["flags"], 64);
    assert_eq!(calls[1].body["content"], "Preset saved as bob-x/mypreset");
    let ns = all_rows::<presetnamespaces::Entity>(&h.db).await;
    assert_eq!(ns[0].name.as_deref(), Some("bob-x"));
    assert_eq!(ns[0].discord_user_id, 333_333_333_333_333_333);
    let rows = all_rows::<preset_rows::Entity>(&h.db).await;
    assert_eq!(rows[0].preset_name, "mypreset");
    assert_eq!(rows[0].content, CUSTOM_PRESET);
}

#[tokio::test]
async fn custompreset_saves_latest_and_generates() {
    let h = start().await;
    Mock::given(method("POST"))
        .and(path("/live/api/randomizer"))
        .respond_with(ResponseTemplate::new(200).set_body_json(alttpr_game()))
        .mount(&h.ext)
        .await;
    Mock::given(method("GET"))
        .and(path("/live/randomizer/settings"))
        .respond_with(ResponseTemplate::new(200).set_body_json(settings_map()))
        .mount(&h.ext)
        .await;
    let file = h.fake.add_attachment("mine.yaml", CUSTOM_PRESET.as_bytes());
    let user = FakeUser::member(444_444_444_444_444_444, "Alice");
    let i = h.fake.slash_command_with_attachments(
        &user,
        "alttpr",
        json!([{"name": "custompreset", "type": 1, "options": [
            {"name": "yamlfile", "type": 11, "value": file.id.to_string()}]}]),
        &[file],
    );
    let calls = wait_calls(&h.fake, &i.token, 2).await;
    assert_eq!(calls.len(), 2, "{calls:#?}");
    assert_eq!(calls[0].body["type"], 5);
    assert!(calls[0].body["data"]["flags"].is_null());
    let embed = &calls[1].body["embeds"][0];
    let names = field_names(embed);
    assert_eq!(names.last().map(String::as_str), Some("Saved as preset!"));
    assert!(!names.contains(&"Preset".to_owned()));
    assert!(
        embed["fields"][6]["value"]
            .as_str()
            .unwrap()
            .contains("alice/latest")
    );
    let rows = all_rows::<preset_rows::Entity>(&h.db).await;
    assert_eq!(rows[0].preset_name, "latest");
}

#[tokio::test]
async fn a_process_can_run_a_range_of_shards() {
    let mut h = Setup::default()
        .adjust(|c| {
            c.settings.shards = Some(ShardRange {
                first: 0,
                count: 2,
                total: 2,
            });
        })
        .start()
        .await;
    assert!(
        h.fake
            .wait_for_gateway(WAIT, |s| s.identifies == 2 && s.live == 2)
            .await,
        "{:?}",
        h.fake.gateway_stats()
    );
    let result = h.stop().await;
    assert!(matches!(result, Ok(Ok(()))), "{result:?}");
}

#[tokio::test]
async fn a_shard_outside_the_total_is_an_error() {
    let fake = FakeDiscord::start().await.unwrap();
    let db = TestDb::sqlite().await;
    migrate(db.conn()).await.expect("migrate");
    let deps = deps(db.conn(), SeedgenConfig::default());
    let settings = BotSettings {
        alttp_randomizer_servers: vec![GUILD],
        sync_commands_on_start: true,
        shards: Some(ShardRange {
            first: 3,
            count: 1,
            total: 2,
        }),
        ..bot_settings(&fake)
    };
    let result = run_with(settings, deps, CancellationToken::new()).await;
    assert!(matches!(result, Err(Error::Gateway(_))), "{result:?}");
}

#[tokio::test]
async fn datetime_shows_every_timestamp_style() {
    let h = start().await;
    let opts = |tz: &str, day: i64| {
        json!([{"name": "year", "type": 4, "value": 2026}, {"name": "month", "type": 4, "value": 2},
               {"name": "day", "type": 4, "value": day}, {"name": "hour", "type": 4, "value": 20},
               {"name": "timezone", "type": 3, "value": tz}])
    };
    let calls = h
        .command(&member(), "datetime", opts("US/Eastern", 12), 1)
        .await;
    assert_eq!(calls[0].body["data"]["flags"], 64);
    let embed = &calls[0].body["data"]["embeds"][0];
    assert_eq!(
        embed["title"],
        "Date markdown for 2026-02-12 20:00:00 US/Eastern"
    );
    let description = embed["description"].as_str().unwrap();
    // 2026-02-13 01:00:00 UTC
    for style in ["t", "T", "d", "D", "f", "F", "R"] {
        assert!(
            description.contains(&format!("<t:1770944400:{style}> `<t:1770944400:{style}>`")),
            "{description}"
        );
    }

    let calls = h
        .command(&member(), "datetime", opts("Mars/Olympus", 12), 1)
        .await;
    assert_eq!(
        calls[0].body["data"]["content"],
        "Unknown timezone: Mars/Olympus"
    );
    assert_eq!(calls[0].body["data"]["flags"], 64);

    let calls = h.command(&member(), "datetime", opts("UTC", 31), 1).await;
    assert_eq!(
        calls[0].body["data"]["content"],
        "Invalid date: 2026-2-31 20:0:0 UTC"
    );

    let i = h.fake.autocomplete(
        &member(),
        "datetime",
        json!([{"name": "timezone", "type": 3, "value": "us/e", "focused": true}]),
    );
    let calls = wait_calls(&h.fake, &i.token, 1).await;
    assert_eq!(
        calls[0].body["data"]["choices"][0]["value"],
        "US/East-Indiana"
    );
}

/// An alttpr.com answer with a spoiler section, as a race game with spoilers `generate`.
fn game_with_spoiler() -> Value {
    let mut game = alttpr_game();
    game["spoiler"]["Light World"] =
        json!({"Sahasrahla:1": "PegasusBoots:1", "Link's Uncle:1": "ProgressiveSword:1"});
    game["spoiler"]["Eastern Palace"] = json!({"Eastern Palace - Prize:1": "PendantOfCourage:1"});
    game["spoiler"]["Bosses"] = json!({"Eastern Palace:1": "Moldorm:1"});
    game["spoiler"]["meta"]["spoilers"] = json!("generate");
    game["spoiler"]["meta"]["shuffle"] = json!("none");
    game
}

#[tokio::test]
async fn alttpr_spoiler_publishes_the_log_and_links_it_first() {
    let h = start().await;
    Mock::given(method("POST"))
        .and(path("/live/api/randomizer"))
        .respond_with(ResponseTemplate::new(200).set_body_json(game_with_spoiler()))
        .mount(&h.ext)
        .await;
    Mock::given(method("GET"))
        .and(path("/live/randomizer/settings"))
        .respond_with(ResponseTemplate::new(200).set_body_json(settings_map()))
        .mount(&h.ext)
        .await;
    let calls = h
        .command(
            &member(),
            "alttpr",
            json!([{"name": "spoiler", "type": 1, "options": [
            {"name": "preset", "type": 3, "value": "open"}]}]),
            2,
        )
        .await;
    assert_eq!(calls.len(), 2, "{calls:#?}");
    assert_eq!(calls[0].body["type"], 5);
    let embed = &calls[1].body["embeds"][0];
    let names = field_names(embed);
    assert_eq!(&names[..3], ["Spoiler Log URL", "Preset", "Item Placement"]);
    let url = embed["fields"][0]["value"].as_str().unwrap();
    let name = url
        .strip_prefix("https://spoilers.example/logs/")
        .expect(url);
    assert!(
        name.starts_with("spoiler__AbCdEf1234__Bow-Boots-Hammer-Bombs-Map__"),
        "{name}"
    );
    assert!(h.spoiler_dir.path().join(name).exists());
    let requests = h.ext.received_requests().await.unwrap_or_default();
    let body: Value = serde_json::from_slice(&requests[0].body).unwrap();
    assert_eq!(body["spoilers"], "generate");
    assert_eq!(body["tournament"], true);

    // Row G4: `progression_spoiler: true` publishes the progression log instead.
    let calls = h
        .command(
            &member(),
            "alttpr",
            json!([{"name": "spoiler", "type": 1, "options": [
            {"name": "preset", "type": 3, "value": "open"},
            {"name": "progression_spoiler", "type": 5, "value": true}]}]),
            2,
        )
        .await;
    let embed = &calls[1].body["embeds"][0];
    let url = embed["fields"][0]["value"].as_str().unwrap();
    let name = url
        .strip_prefix("https://spoilers.example/logs/")
        .expect(url);
    assert!(name.starts_with("progression__AbCdEf1234__"), "{name}");
    assert!(h.spoiler_dir.path().join(name).exists());
}

#[tokio::test]
async fn alttpr_customspoiler_uses_the_uploaded_preset() {
    let h = start().await;
    Mock::given(method("POST"))
        .and(path("/live/api/randomizer"))
        .respond_with(ResponseTemplate::new(200).set_body_json(game_with_spoiler()))
        .mount(&h.ext)
        .await;
    Mock::given(method("GET"))
        .and(path("/live/randomizer/settings"))
        .respond_with(ResponseTemplate::new(200).set_body_json(settings_map()))
        .mount(&h.ext)
        .await;
    let file = h.fake.add_attachment("mine.yaml", CUSTOM_PRESET.as_bytes());
    let i = h.fake.slash_command_with_attachments(
        &member(),
        "alttpr",
        json!([{"name": "customspoiler", "type": 1, "options": [
            {"name": "yamlfile", "type": 11, "value": file.id.to_string()}]}]),
        &[file],
    );
    let calls = wait_calls(&h.fake, &i.token, 2).await;
    assert_eq!(calls.len(), 2, "{calls:#?}");
    let names = field_names(&calls[1].body["embeds"][0]);
    assert_eq!(&names[..2], ["Spoiler Log URL", "Item Placement"]);
    let requests = h.ext.received_requests().await.unwrap_or_default();
    let body: Value = serde_json::from_slice(&requests[0].body).unwrap();
    assert_eq!(body["mode"], "open");
    assert_eq!(body["spoilers"], "generate");
    assert!(
        all_rows::<preset_rows::Entity>(&h.db).await.is_empty(),
        "not saved"
    );
}

#[tokio::test]
async fn alttpr_custommystery_saves_the_weightset_and_rolls_it() {
    let h = start().await;
    let mut game = alttpr_game();
    game["spoiler"]["meta"]["spoilers"] = json!("mystery");
    for endpoint in ["/api/randomizer", "/api/customizer"] {
        Mock::given(method("POST"))
            .and(path(endpoint))
            .respond_with(ResponseTemplate::new(200).set_body_json(game.clone()))
            .mount(&h.ext)
            .await;
    }
    Mock::given(method("GET"))
        .and(path("/randomizer/settings"))
        .respond_with(ResponseTemplate::new(200).set_body_json(settings_map()))
        .mount(&h.ext)
        .await;
    let weights = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../presets/alttprmystery/casual.yaml"
    ))
    .unwrap();
    let file = h.fake.add_attachment("weights.yaml", &weights);
    let user = FakeUser::member(555_555_555_555_555_555, "Carol");
    let i = h.fake.slash_command_with_attachments(
        &user,
        "alttpr",
        json!([{"name": "custommystery", "type": 1, "options": [
            {"name": "yamlfile", "type": 11, "value": file.id.to_string()}]}]),
        &[file],
    );
    let calls = wait_calls(&h.fake, &i.token, 2).await;
    assert_eq!(calls.len(), 2, "{calls:#?}");
    let embed = &calls[1].body["embeds"][0];
    assert_eq!(embed["title"], "Mystery Game");
    let names = field_names(embed);
    assert_eq!(names.first().map(String::as_str), Some("Mystery Game"));
    assert_eq!(
        names.last().map(String::as_str),
        Some("Saved as custom weightset!")
    );
    let rows = all_rows::<preset_rows::Entity>(&h.db).await;
    assert_eq!(rows[0].preset_name, "latest");
    assert_eq!(rows[0].randomizer, "alttprmystery");
}
