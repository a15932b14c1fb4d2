//! The §8 parity rows and §1 behaviours no other test file covered: `sync_commands` (what
//! `sahasrahbot discord sync-commands` calls), the retired commands' absence and the option
//! schemas against §2 (S1, T7, MW1), a stray multiworld click and an unhandled form (MW2),
//! no mention reaction without the emoji (S6), the SMZ3 race spoiler field and its audit
//! rows (G10, G15), users-only mentions on follow-ups (S7), guild config read through the
//! core service's cache and invalidated by its writes (§1.6), the reference id shown to the
//! user being the one logged and failing buttons answering (§1.7), the inquiry and election
//! buttons after a restart (S2, §1.9), and a watcher embed through the notifier (RT1/RT2).

use crate::common;

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::*;
use sahasrahbot_core::db::entities::{
    audit_generated_games, config, inquirymessageconfig, ranked_choice_election,
};
use sahasrahbot_core::guild_config::GuildConfig;
use sahasrahbot_discord::{Deps, Error, run_with_speedgaming, sync_commands};
use sahasrahbot_testkit::discord::{FakeDiscord, FakeDiscordConfig};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};
use tokio_util::sync::CancellationToken;
use wiremock::matchers::{method, path};
use wiremock::{Mock, ResponseTemplate};

/// Commands retired or not ported (DECISIONS.md Scope, §2.10, §2.11, §10).
const RETIRED: [&str; 6] = [
    "cc2023",
    "tournament_deck",
    "multiworld",
    "smmulti",
    "doorsmw",
    "admin",
];

#[tokio::test]
async fn sync_commands_overwrites_the_global_set_and_each_alttp_guilds_set() {
    let fake = FakeDiscord::start().await.expect("fake discord");
    let other_guild = 500_000_000_000_000_009;
    let settings = sahasrahbot_discord::BotSettings {
        alttp_randomizer_servers: vec![GUILD, other_guild],
        ..bot_settings(&fake)
    };
    let report = sync_commands(&settings).await.expect("synced");

    let app = fake.application_id();
    let global = fake.calls_to(&format!("/applications/{app}/commands"));
    assert_eq!(global.len(), 1, "{global:#?}");
    assert_eq!(global[0].method, "PUT");
    let names = command_names(&global[0]);
    assert_eq!(report.global, names);
    for name in ["alttpr", "dailygame", "discordservers", "inquiry"] {
        assert!(names.contains(&name), "{name} in {names:?}");
    }
    for name in RETIRED.iter().chain(&["welcome", "rom", "sgdaily"]) {
        assert!(!names.contains(name), "{name} is not global: {names:?}");
    }
    for guild in [GUILD, other_guild] {
        let calls = fake.calls_to(&format!("/applications/{app}/guilds/{guild}/commands"));
        assert_eq!(calls.len(), 1, "{guild}: {calls:#?}");
        assert_eq!(calls[0].method, "PUT");
        assert_eq!(command_names(&calls[0]), ["welcome", "rom", "sgdaily"]);
    }
    assert_eq!(
        report.guilds,
        [GUILD, other_guild].map(|g| (g, vec!["welcome".into(), "rom".into(), "sgdaily".into()]))
    );

    let no_token = sahasrahbot_discord::BotSettings {
        token: " ".to_owned(),
        ..bot_settings(&fake)
    };
    assert!(matches!(
        sync_commands(&no_token).await,
        Err(Error::NoToken)
    ));
    assert_eq!(
        fake.calls_to(&format!("/applications/{app}/commands"))
            .len(),
        1,
        "nothing registered without a token"
    );
}

#[tokio::test]
async fn a_stray_multiworld_click_is_answered_ephemerally_and_writes_nothing() {
    let h = start().await;
    let i = h.fake.component(&member(), "sahabot:multiworld:join");
    let calls = wait_calls(&h.fake, &i.token, 1).await;
    assert_eq!(calls.len(), 1, "{calls:#?}");
    let data = message_callback(&calls[0], true);
    assert_eq!(data["content"], "This button is no longer active.");
    assert!(all_rows::<config::Entity>(&h.db).await.is_empty());
}

#[tokio::test]
async fn no_reaction_to_a_mention_without_the_sahasrahbot_emoji() {
    let mut fake = FakeDiscordConfig::default();
    fake.guilds[0]
        .emojis
        .retain(|(name, _)| name != "SahasrahBot");
    assert!(!fake.guilds[0].emojis.is_empty(), "RIPLink stays");
    let h = Setup::default().fake(fake).start().await;
    h.fake.message_create(&member(), "", true);
    // The reaction would come after at most 5 s.
    tokio::time::sleep(Duration::from_millis(5500)).await;
    let reactions: Vec<_> = h
        .fake
        .calls_to(&format!("/channels/{CHANNEL}/messages/"))
        .into_iter()
        .filter(|c| c.path.contains("/reactions/"))
        .collect();
    assert!(reactions.is_empty(), "{reactions:#?}");
}

async fn mount_smz3(h: &Harness, guid: &str) {
    Mock::given(method("POST"))
        .and(path("/smz3/api/randomizers/smz3/generate"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "guid": guid, "hash": "Kraid Ridley Ganon Moldorm", "mode": "normal"
        })))
        .mount(&h.ext)
        .await;
}

fn smz3_options(spoiler_race: &str) -> Value {
    json!([{"name": "preset", "type": 1, "options": [
        {"name": "preset", "type": 3, "value": "normal"},
        {"name": "race", "type": 3, "value": "yes"},
        {"name": "spoiler_race", "type": 3, "value": spoiler_race}]}])
}

#[tokio::test]
async fn smz3_spoiler_race_adds_the_inline_race_spoiler_log_link() {
    let h = start().await;
    let guid = "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0";
    mount_smz3(&h, guid).await;

    let calls = h.command(&member(), "smz3", smz3_options("yes"), 2).await;
    assert_eq!(calls.len(), 2, "{calls:#?}");
    assert_eq!(calls[0].body["type"], 5);
    assert!(!is_ephemeral(&calls[0].body));
    let embed = &calls[1].body["embeds"][0];
    assert_eq!(embed["description"], "Requested SMZ3 Randomizer Game.");
    // S7: the follow-up parses user mentions only.
    assert_eq!(calls[1].body["allowed_mentions"]["parse"], json!(["users"]));
    assert_eq!(
        field_names(embed),
        ["File Select Code", "Permalink", "Race Spoiler Log"]
    );
    assert_eq!(embed["fields"][2]["inline"], true);
    let requests = h.ext.received_requests().await.unwrap_or_default();
    let body: Value = serde_json::from_slice(&requests[0].body).unwrap();
    assert_eq!(body["race"], "true");
    let key = body["spoilerKey"].as_str().expect("a spoiler key was sent");
    assert_eq!(key.len(), 20, "{key}");
    let link = embed["fields"][2]["value"].as_str().unwrap();
    assert!(
        link.ends_with(&format!("/api/spoiler/{guid}?key={key}&yaml=True")),
        "{link}"
    );

    // Without spoiler_race: no key, no field.
    let calls = h.command(&member(), "smz3", smz3_options("no"), 2).await;
    assert_eq!(
        field_names(&calls[1].body["embeds"][0]),
        ["File Select Code", "Permalink"]
    );
    let requests = h.ext.received_requests().await.unwrap_or_default();
    let body: Value = serde_json::from_slice(&requests[1].body).unwrap();
    assert!(body.get("spoilerKey").is_none(), "{body}");

    // G15: one audit row per generated game.
    let rows = all_rows::<audit_generated_games::Entity>(&h.db).await;
    assert_eq!(rows.len(), 2);
    for row in rows {
        assert_eq!(row.randomizer.as_deref(), Some("smz3"));
        assert_eq!(row.gentype.as_deref(), Some("preset"));
        assert_eq!(row.genoption.as_deref(), Some("normal"));
    }
}

/// One `a` image per game, titled after the game.
async fn mount_holy_images(h: &Harness) {
    Mock::given(method("GET"))
        .and(path("/holyimages.json"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "z3r": [{"idx": 0, "slug": "a", "title": "Z3R image", "desc": "z3r"}],
            "z1r": [{"idx": 0, "slug": "a", "title": "Z1R image", "desc": "z1r"}],
            "smr": [{"idx": 0, "slug": "a", "title": "SMR image", "desc": "smr"}]
        })))
        .mount(&h.ext)
        .await;
}

async fn holyimage_title(h: &Harness) -> Value {
    let calls = h
        .command(
            &member(),
            "holyimage",
            json!([{"name": "slug", "type": 3, "value": "a"}]),
            1,
        )
        .await;
    calls[0].body["data"]["embeds"][0]["title"].clone()
}

#[tokio::test]
async fn guild_config_is_cached_and_invalidated_by_the_core_services_writes() {
    // The harness's bot is replaced by one sharing `service` with the test, as the other
    // subsystems of the process share it.
    let mut h = start().await;
    h.cancel.cancel();
    let _ = (&mut h.task).await;
    mount_holy_images(&h).await;
    let service = Arc::new(GuildConfig::new(h.db.conn().clone()));
    let deps = Deps {
        guild_config: service.clone(),
        ..deps(h.db.conn(), h.config.seedgen.clone())
    };
    let identifies = h.fake.gateway_stats().identifies;
    h.cancel = CancellationToken::new();
    h.task = tokio::spawn(run_with_speedgaming(
        h.config.settings.clone(),
        h.config.cogs.clone(),
        h.config.speedgaming.clone(),
        deps,
        h.cancel.clone(),
    ));
    assert!(
        h.fake
            .wait_for_gateway(WAIT, |s| s.identifies > identifies && s.live >= 1)
            .await
    );
    tokio::time::sleep(Duration::from_millis(200)).await;
    let guild = i64::try_from(GUILD).unwrap();

    // No row: the default game.
    assert_eq!(holyimage_title(&h).await, "Z3R image");

    // Set through the service: the next read sees it.
    service
        .set(guild, "HolyImageDefaultGame", "z1r")
        .await
        .unwrap();
    assert_eq!(holyimage_title(&h).await, "Z1R image");

    // A write behind the service's back is not seen: the value is cached.
    let row = config::Entity::find()
        .filter(config::Column::GuildId.eq(guild))
        .filter(config::Column::Parameter.eq("HolyImageDefaultGame"))
        .one(h.db.conn())
        .await
        .unwrap()
        .unwrap();
    let mut row: config::ActiveModel = row.into();
    row.value = Set(Some("smr".to_owned()));
    row.update(h.db.conn()).await.unwrap();
    assert_eq!(holyimage_title(&h).await, "Z1R image");

    // Any write through the service drops the cached value.
    service
        .set(guild, "HolyImageDefaultGame", "smr")
        .await
        .unwrap();
    assert_eq!(holyimage_title(&h).await, "SMR image");
    service.delete(guild, "HolyImageDefaultGame").await.unwrap();
    assert_eq!(holyimage_title(&h).await, "Z3R image");
}

/// Collects what the `fmt` subscriber writes.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn the_reference_shown_to_the_user_is_logged_with_the_full_error() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_ansi(false)
        .with_max_level(tracing::Level::INFO)
        .with_writer(move || writer.clone())
        .finish();
    // The test runtime has one thread: the bot's tasks log through this subscriber.
    let _guard = tracing::subscriber::set_default(subscriber);

    let h = start().await;
    Mock::given(method("POST"))
        .and(path("/live/api/randomizer"))
        .respond_with(ResponseTemplate::new(503).set_body_string("maintenance"))
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
    let content = calls[1].body["content"].as_str().unwrap().to_owned();
    let reference = content
        .rsplit("Reference: `")
        .next()
        .unwrap()
        .trim_end_matches('`')
        .to_owned();
    assert_eq!(reference.len(), 8, "{content}");
    assert!(content.contains("`ProviderUnavailable`"), "{content}");

    let log = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    let line = log
        .lines()
        .find(|l| l.contains(&format!("reference={reference}")))
        .unwrap_or_else(|| panic!("no log line with {reference}:\n{log}"));
    assert!(line.contains("ERROR"), "{line}");
    assert!(line.contains("command failed"), "{line}");
    assert!(line.contains("command=\"alttpr preset\""), "{line}");
    // The full error (its debug form), more than the user was shown.
    assert!(
        line.contains("attempts: 1") && line.contains("status_code: Some(503)"),
        "the full error is logged: {line}"
    );
}

#[tokio::test]
async fn inquiry_and_election_buttons_work_after_a_restart() {
    let mut h = start().await;
    let role: u64 = 800_000_000_000_000_001;
    h.fake.add_role(role, "Staff", 0);
    let message: u64 = 900_000_000_000_000_001;
    inquirymessageconfig::ActiveModel {
        message_id: Set(i64::try_from(message).unwrap()),
        role_id: Set(i64::try_from(role).unwrap()),
    }
    .insert(h.db.conn())
    .await
    .unwrap();
    let i = h.fake.slash_command(
        &admin(),
        "rankedchoice",
        sub(
            "create",
            json!([{"name": "title", "type": 3, "value": "Restart"},
                   {"name": "candidates", "type": 3, "value": "Alpha,Beta"}]),
        ),
    );
    wait_calls(&h.fake, &i.token, 1).await;
    let election = all_rows::<ranked_choice_election::Entity>(&h.db).await;
    assert_eq!(election.len(), 1);
    let election_message = u64::try_from(election[0].message_id.expect("stored")).unwrap();

    h.restart().await;

    let click = h
        .fake
        .component_on_message(&member(), "sahasrahbot:open_inquiry", message);
    let calls = wait_calls(&h.fake, &click.token, 1).await;
    let data = message_callback(&calls[0], true);
    assert!(
        data["content"]
            .as_str()
            .unwrap()
            .contains(&format!("private thread with <@&{role}>")),
        "{data}"
    );
    assert_eq!(data["components"][0]["components"][0]["label"], "Yes!");

    let click = h.fake.component_on_message(
        &admin(),
        "sahasrahbot:rankedchoice:end_election",
        election_message,
    );
    let calls = wait_calls(&h.fake, &click.token, 2).await;
    assert_eq!(calls[0].body["type"], 6);
    assert_eq!(calls[1].body["content"], "Successfully ended the election.");
    let closed = all_rows::<ranked_choice_election::Entity>(&h.db).await;
    assert!(!closed[0].active);
}

#[tokio::test]
async fn a_failing_button_gets_an_ephemeral_error_with_a_reference() {
    // §1.7 C: the original left the user on "This interaction failed"; the port answers.
    let h = start().await;
    let click = h.fake.component_on_message(
        &member(),
        "sahasrahbot:open_inquiry",
        900_000_000_000_000_404,
    );
    let calls = wait_calls(&h.fake, &click.token, 1).await;
    assert_eq!(calls.len(), 1, "{calls:#?}");
    let data = message_callback(&calls[0], true);
    let content = data["content"].as_str().unwrap();
    assert!(
        content.contains("This inquiry message is not set up any more."),
        "{content}"
    );
    assert!(content.contains("Reference: `"), "{content}");
    assert!(data["components"].is_null() || data["components"] == json!([]));

    // After a deferred update, the error is an ephemeral follow-up.
    let click = h.fake.component_on_message(
        &member(),
        "sahasrahbot:rankedchoice:end_election",
        900_000_000_000_000_405,
    );
    let calls = wait_calls(&h.fake, &click.token, 2).await;
    assert_eq!(calls.len(), 2, "{calls:#?}");
    assert_eq!(calls[0].body["type"], 6);
    assert_eq!(calls[1].path, click.webhook_path(h.fake.application_id()));
    assert_eq!(calls[1].body["flags"], 64);
    let content = calls[1].body["content"].as_str().unwrap();
    assert!(
        content.contains("This election does not exist any more.")
            && content.contains("Reference: `"),
        "{content}"
    );
    assert!(
        all_rows::<ranked_choice_election::Entity>(&h.db)
            .await
            .is_empty()
    );
}

#[tokio::test]
async fn a_form_nobody_handles_is_answered_ephemerally() {
    let h = start().await;
    let submit = h.fake.modal_submit(
        &member(),
        "sahabot:multiworld:password",
        &[("password", "hunter2")],
    );
    let calls = wait_calls(&h.fake, &submit.token, 1).await;
    assert_eq!(calls.len(), 1, "{calls:#?}");
    let data = message_callback(&calls[0], true);
    assert_eq!(data["content"], "This form is no longer active.");
}

/// `(name, type, required, autocomplete)` of each option of `options`.
fn shape(options: &Value) -> Vec<(String, u64, bool, bool)> {
    options
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default()
        .iter()
        .map(|o| {
            (
                o["name"].as_str().unwrap().to_owned(),
                o["type"].as_u64().unwrap(),
                o["required"].as_bool().unwrap_or(false),
                o["autocomplete"].as_bool().unwrap_or(false),
            )
        })
        .collect()
}

fn opt(name: &str, kind: u64, required: bool, autocomplete: bool) -> (String, u64, bool, bool) {
    (name.to_owned(), kind, required, autocomplete)
}

#[tokio::test]
async fn registered_option_schemas_follow_section_2() {
    const STR: u64 = 3;
    const INT: u64 = 4;
    const BOOL: u64 = 5;
    const CHANNEL: u64 = 7;
    const ROLE: u64 = 8;
    let h = start().await;
    let app = h.fake.application_id();
    let global = h.fake.calls_to(&format!("/applications/{app}/commands"));
    let guild = h
        .fake
        .calls_to(&format!("/applications/{app}/guilds/{GUILD}/commands"));
    let all: Vec<&Value> = global[0]
        .body
        .as_array()
        .unwrap()
        .iter()
        .chain(guild[0].body.as_array().unwrap())
        .collect();
    let command = |name: &str| -> &Value {
        all.iter()
            .find(|c| c["name"] == name)
            .unwrap_or_else(|| panic!("{name} registered"))
    };
    let subcommand = |name: &str, sub: &str| -> Value {
        command(name)["options"]
            .as_array()
            .unwrap()
            .iter()
            .find(|o| o["name"] == sub)
            .unwrap_or_else(|| panic!("/{name} {sub}"))["options"]
            .clone()
    };

    // §2.4 misc.
    let welcome = &command("welcome")["options"];
    assert_eq!(shape(welcome), [opt("language", STR, true, false)]);
    let mut languages = strings(&welcome[0]["choices"], "value");
    languages.sort_unstable();
    assert_eq!(languages, ["french", "german", "portuguese", "spanish"]);
    assert_eq!(shape(&command("rom")["options"]), []);
    assert_eq!(
        shape(&command("holyimage")["options"]),
        [opt("slug", STR, true, true), opt("game", STR, false, true)]
    );
    let datetime = &command("datetime")["options"];
    let mut names = Vec::new();
    for o in datetime.as_array().unwrap() {
        let name = o["name"].as_str().unwrap();
        names.push(name);
        assert_ne!(o["required"], true, "{name} is optional");
        let range = (o["min_value"].as_i64(), o["max_value"].as_i64());
        let expected = match name {
            "year" => (Some(1970), Some(9999)),
            "month" => (Some(1), Some(12)),
            "day" => (Some(1), Some(31)),
            "hour" => (Some(0), Some(23)),
            "minute" | "second" => (Some(0), Some(59)),
            "timezone" => {
                assert_eq!(o["autocomplete"], true);
                (None, None)
            }
            other => panic!("unexpected option {other}"),
        };
        assert_eq!(range, expected, "{name}");
    }
    names.sort_unstable();
    assert_eq!(
        names,
        [
            "day", "hour", "minute", "month", "second", "timezone", "year"
        ]
    );

    // §2.3 discord_servers.
    assert_eq!(
        shape(&subcommand("discordservers", "add_category")),
        [
            opt("channel", CHANNEL, true, false),
            opt("category_title", STR, true, false),
            opt("category_description", STR, false, false),
            opt("order", INT, false, false)
        ]
    );
    assert_eq!(
        shape(&subcommand("discordservers", "update_category")),
        [
            opt("category_id", INT, true, false),
            opt("category_title", STR, true, false),
            opt("category_description", STR, true, false),
            opt("order", INT, false, false)
        ]
    );
    assert_eq!(
        shape(&subcommand("discordservers", "add_server")),
        [
            opt("category_id", INT, true, false),
            opt("invite_url", STR, true, false),
            opt("server_description", STR, true, false)
        ]
    );
    assert_eq!(
        shape(&subcommand("discordservers", "update_server")),
        [
            opt("server_id", INT, true, false),
            opt("invite_url", STR, true, false),
            opt("category_id", INT, true, false),
            opt("server_description", STR, false, false)
        ]
    );
    for (sub, id) in [
        ("remove_category", "category_id"),
        ("list_servers", "category_id"),
        ("remove_server", "server_id"),
    ] {
        assert_eq!(
            shape(&subcommand("discordservers", sub)),
            [opt(id, INT, true, false)],
            "{sub}"
        );
    }
    for sub in ["list_category", "refresh"] {
        assert_eq!(shape(&subcommand("discordservers", sub)), [], "{sub}");
    }

    // §2.13 inquiry, §2.5 rtggadmin.
    assert_eq!(
        shape(&command("inquiry")["options"]),
        [opt("role", ROLE, true, false)]
    );
    for sub in ["blast", "report"] {
        assert_eq!(
            shape(&subcommand("rtggadmin", sub)),
            [opt("role", ROLE, true, false)],
            "{sub}"
        );
    }

    // §2.14 rankedchoice.
    assert_eq!(
        shape(&subcommand("rankedchoice", "create")),
        [
            opt("title", STR, true, false),
            opt("candidates", STR, true, false),
            opt("seats", INT, false, false),
            opt("description", STR, false, false),
            opt("authorized_voters_role", ROLE, false, false),
            opt("show_vote_count", BOOL, false, false)
        ]
    );

    // §2.17 racer_verification.
    assert_eq!(
        shape(&subcommand("racerverification", "create_or_update")),
        [
            opt("role", ROLE, true, false),
            opt("racetime_categories", STR, false, false),
            opt("use_alttpr_ladder", BOOL, false, false),
            opt("minimum_races", INT, false, false),
            opt("time_period_days", INT, false, false),
            opt("reverify_period_days", INT, false, false),
            opt("revoke_ineligible", BOOL, false, false),
            opt("audit_channel", CHANNEL, false, false)
        ]
    );
    assert_eq!(
        shape(&subcommand("racerverification", "reverify")),
        [opt("revoke", BOOL, false, false)]
    );
}

#[tokio::test]
async fn registered_generator_and_sgdaily_schemas_follow_section_2() {
    const SUB: u64 = 1;
    const STR: u64 = 3;
    const INT: u64 = 4;
    const BOOL: u64 = 5;
    const FILE: u64 = 11;
    let h = start().await;
    let app = h.fake.application_id();
    let global = h.fake.calls_to(&format!("/applications/{app}/commands"));
    let guild = h
        .fake
        .calls_to(&format!("/applications/{app}/guilds/{GUILD}/commands"));
    let all: Vec<&Value> = global[0]
        .body
        .as_array()
        .unwrap()
        .iter()
        .chain(guild[0].body.as_array().unwrap())
        .collect();
    let options = |path: &[&str]| -> Value {
        let mut current = (*all.iter().find(|c| c["name"] == path[0]).unwrap()).clone();
        for name in &path[1..] {
            current = current["options"]
                .as_array()
                .unwrap()
                .iter()
                .find(|o| o["name"] == *name)
                .unwrap_or_else(|| panic!("{path:?}"))
                .clone();
        }
        current["options"].clone()
    };
    let yes_no = |o: &Value| {
        assert_eq!(strings(&o["choices"], "value"), ["yes", "no"], "{o}");
    };

    // /alttpr preset: the options and their choices.
    let preset = options(&["alttpr", "preset"]);
    assert_eq!(
        shape(&preset),
        [
            opt("preset", STR, true, true),
            opt("race", STR, false, false),
            opt("hints", STR, false, false),
            opt("allow_quickswap", STR, false, false),
            opt("branch", STR, false, false)
        ]
    );
    for o in &preset.as_array().unwrap()[1..4] {
        yes_no(o);
    }
    assert_eq!(
        strings(&preset[4]["choices"], "value"),
        ["live", "tournament", "beeta"]
    );
    assert_eq!(
        shape(&options(&["alttpr", "spoiler"])),
        [
            opt("preset", STR, true, true),
            opt("progression_spoiler", BOOL, false, false),
            opt("branch", STR, false, false)
        ]
    );
    for sub in ["custompreset", "customspoiler", "custommystery"] {
        let shape = shape(&options(&["alttpr", sub]));
        assert_eq!(shape[0], opt("yamlfile", FILE, true, false), "{sub}");
    }
    let mystery = options(&["alttpr", "mystery"]);
    assert_eq!(
        shape(&mystery),
        [
            opt("weightset", STR, true, true),
            opt("race", STR, false, false),
            opt("mask_settings", STR, false, false)
        ]
    );
    let kisspriest = options(&["alttpr", "kisspriest"]);
    assert_eq!(shape(&kisspriest), [opt("count", INT, false, false)]);
    assert_eq!(
        (
            kisspriest[0]["min_value"].as_i64(),
            kisspriest[0]["max_value"].as_i64()
        ),
        (Some(1), Some(10))
    );

    // /alttprutils.
    assert_eq!(
        shape(&options(&["alttprutils", "convertcustomizer"])),
        [opt("customizer_json", FILE, true, false)]
    );
    assert_eq!(
        shape(&options(&["alttprutils", "savepreset"])),
        [
            opt("preset_name", STR, true, false),
            opt("preset_file", FILE, true, false)
        ]
    );
    assert_eq!(
        shape(&options(&["alttprutils", "verifygame"])),
        [opt("hash_id", STR, true, false)]
    );

    // /sm, /smz3: a preset subcommand each.
    assert_eq!(
        shape(&options(&["sm", "preset"])),
        [
            opt("preset", STR, true, true),
            opt("race", STR, false, false)
        ]
    );
    assert_eq!(
        shape(&options(&["smz3", "preset"])),
        [
            opt("preset", STR, true, true),
            opt("race", STR, false, false),
            opt("spoiler_race", STR, false, false)
        ]
    );

    // /z2r: preset with its fixed choices, and mrb.
    let z2r = options(&["z2r"]);
    assert_eq!(
        shape(&z2r),
        [
            opt("preset", SUB, false, false),
            opt("mrb", SUB, false, false)
        ]
    );
    let mut z2r_presets = strings(&z2r[0]["options"][0]["choices"], "value");
    z2r_presets.sort_unstable();
    assert_eq!(
        z2r_presets,
        [
            "brackets", "groups1", "groups2", "groups3", "groups4", "maxrando", "nit", "sgl",
            "sgl4"
        ]
    );

    // /sgdaily (ALTTP guilds): number_of_days 1–8.
    let sgdaily = options(&["sgdaily"]);
    assert_eq!(shape(&sgdaily), [opt("number_of_days", INT, false, false)]);
    assert_eq!(
        (
            sgdaily[0]["min_value"].as_i64(),
            sgdaily[0]["max_value"].as_i64()
        ),
        (Some(1), Some(8))
    );
}

#[tokio::test]
async fn the_notifier_posts_a_watcher_embed_as_given() {
    // RT1/RT2: racetime-handlers builds the embed JSON (its lifecycle tests); this is the
    // Discord half, the embed reaching the watcher channel unchanged.
    use sahasrahbot_core::ports::{ChatMessage, ChatNotifier, ChatTarget};
    let fake = FakeDiscord::start().await.expect("fake discord");
    let notifier = sahasrahbot_discord::DiscordNotifier::from_settings(&bot_settings(&fake));
    let embed = json!({
        "title": "Watchlisted Player Detected in race",
        "description": "Watchlisted player [Alice](https://racetime.gg/user/a) started racing in [alttpr/room](https://racetime.gg/alttpr/room)",
        "color": 0x00FF_0000,
    });
    notifier
        .notify(
            ChatTarget::Channel(fake.channel_id()),
            ChatMessage {
                content: String::new(),
                embed: Some(embed.to_string()),
                ..ChatMessage::default()
            },
        )
        .await
        .expect("posted");
    let calls = fake.calls_to(&format!("/channels/{}/messages", fake.channel_id()));
    assert_eq!(calls.len(), 1, "{calls:#?}");
    assert_eq!(calls[0].method, "POST");
    assert_eq!(calls[0].body["embeds"], json!([embed]));
    assert!(
        calls[0].body["content"].as_str().is_none_or(str::is_empty),
        "{}",
        calls[0].body
    );
    assert_eq!(calls[0].body["allowed_mentions"]["parse"], json!(["users"]));
}
