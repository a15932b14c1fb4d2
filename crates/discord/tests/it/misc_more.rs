//! The remaining `misc` and `generator` commands end to end through the fake Discord
//! (discord.md §2.4, §2.12; parity rows M1, G11, G13, G14 and S1 for the new commands):
//! `/welcome portuguese`, `/smvaria` and its autocompletes (fix D6), `/ctjets`, `/z2r`,
//! with the providers mocked by wiremock.

use crate::common;

use common::*;
use sahasrahbot_core::db::entities::audit_generated_games;
use sahasrahbot_seedgen::providers::local::{Z2R_MRB, Z2R_PRESETS};
use serde_json::{Value, json};
use wiremock::matchers::{body_string_contains, method, path};
use wiremock::{Mock, ResponseTemplate};

#[tokio::test]
async fn the_new_commands_are_registered_globally() {
    let h = start().await;
    let app = h.fake.application_id();
    let global = h.fake.calls_to(&format!("/applications/{app}/commands"));
    assert_eq!(global.len(), 1);
    let commands = global[0].body.as_array().unwrap().clone();
    let by_name = |name: &str| {
        commands
            .iter()
            .find(|c| c["name"] == name)
            .unwrap_or_else(|| panic!("{name} is registered"))
            .clone()
    };
    let smvaria = by_name("smvaria");
    assert_eq!(smvaria["options"][0]["name"], "settings");
    assert_eq!(smvaria["options"][0]["autocomplete"], true);
    assert_eq!(smvaria["options"][1]["name"], "skills");
    let z2r = by_name("z2r");
    let choices = strings(&z2r["options"][0]["options"][0]["choices"], "value");
    let expected: Vec<&str> = Z2R_PRESETS.iter().map(|(n, _)| *n).collect();
    assert_eq!(choices, expected);
    assert_eq!(z2r["options"][1]["name"], "mrb");
    assert_eq!(by_name("ctjets")["options"][0]["autocomplete"], true);
    // Hidden from members who may not use them; guild only.
    let rankedchoice = by_name("rankedchoice");
    assert_eq!(rankedchoice["default_member_permissions"], "8");
    assert_eq!(rankedchoice["contexts"], json!([0]));
    let inquiry = by_name("inquiry");
    assert_eq!(
        inquiry["default_member_permissions"],
        (1_u64 << 34).to_string()
    );
    assert_eq!(inquiry["contexts"], json!([0]));
    assert_eq!(inquiry["options"][0]["type"], 8, "a role option");
    let discordservers = by_name("discordservers");
    let names = strings(&discordservers["options"], "name");
    assert_eq!(
        names,
        [
            "add_category",
            "list_category",
            "remove_category",
            "update_category",
            "add_server",
            "list_servers",
            "remove_server",
            "update_server",
            "refresh"
        ]
    );
}

#[tokio::test]
async fn welcome_in_portuguese_links_the_brazilian_servers() {
    let h = start().await;
    let calls = h
        .command(
            &member(),
            "welcome",
            json!([{"name": "language", "type": 3, "value": "portuguese"}]),
            1,
        )
        .await;
    assert_eq!(calls.len(), 1);
    let data = message_callback(&calls[0], false);
    let content = data["content"].as_str().unwrap();
    assert!(
        content.contains("https://discord.gg/HBvVB3xAVe"),
        "{content}"
    );
    assert!(
        content.contains("https://discord.gg/U4U62Gysku"),
        "{content}"
    );
}

fn seed_line(content: &str) -> u64 {
    let first = content.lines().next().unwrap();
    first
        .strip_prefix("**Seed**: ")
        .unwrap_or_else(|| panic!("{first}"))
        .parse()
        .unwrap()
}

#[tokio::test]
async fn z2r_posts_a_seed_and_the_flags_publicly() {
    let h = start().await;
    let calls = h
        .command(
            &member(),
            "z2r",
            sub(
                "preset",
                json!([{"name": "preset", "type": 3, "value": "sgl4"}]),
            ),
            1,
        )
        .await;
    assert_eq!(calls.len(), 1, "not deferred: {calls:#?}");
    let data = message_callback(&calls[0], false);
    let content = data["content"].as_str().unwrap();
    assert!(seed_line(content) <= 1_000_000_000);
    let flags = Z2R_PRESETS.iter().find(|(n, _)| *n == "sgl4").unwrap().1;
    assert_eq!(
        content.lines().nth(1).unwrap(),
        format!("**Flags:** {flags}")
    );
    assert_eq!(content.lines().count(), 2);

    let calls = h.command(&member(), "z2r", sub("mrb", json!([])), 1).await;
    let data = message_callback(&calls[0], false);
    let content = data["content"].as_str().unwrap();
    let lines: Vec<&str> = content.lines().collect();
    assert_eq!(lines.len(), 3, "{content}");
    seed_line(content);
    let flags = lines[1].strip_prefix("**Flags:** ").unwrap();
    let description = lines[2].strip_prefix("**Description**: ").unwrap();
    assert!(Z2R_MRB.contains(&(description, flags)), "{content}");

    let calls = h
        .command(
            &member(),
            "z2r",
            sub(
                "preset",
                json!([{"name": "preset", "type": 3, "value": "nope"}]),
            ),
            1,
        )
        .await;
    let data = message_callback(&calls[0], true);
    assert!(data["content"].as_str().unwrap().contains("`BadArgument`"));
}

async fn mount_varia(h: &Harness, error_msg: &str) {
    for preset in ["default", "Season_Races"] {
        Mock::given(method("POST"))
            .and(path("/varia/randoPresetWebService"))
            .and(body_string_contains(format!("randoPreset={preset}")))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({"preset": preset})))
            .mount(&h.ext)
            .await;
    }
    Mock::given(method("POST"))
        .and(path("/varia/presetWebService"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"Knows": {}})))
        .mount(&h.ext)
        .await;
    Mock::given(method("POST"))
        .and(path("/varia/randomizerWebService"))
        .and(body_string_contains("raceMode=on"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "seedKey": "0123456789abcdef0123456789abcdef",
            "errorMsg": error_msg,
        })))
        .expect(1)
        .mount(&h.ext)
        .await;
}

fn smvaria_options(race: &str) -> Value {
    json!([
        {"name": "settings", "type": 3, "value": "Season_Races"},
        {"name": "skills", "type": 3, "value": "Season_Races"},
        {"name": "race", "type": 3, "value": race},
    ])
}

#[tokio::test]
async fn smvaria_defers_then_posts_the_varia_embed() {
    let h = start().await;
    mount_varia(&h, "Some items were placed early").await;
    let i = h
        .fake
        .slash_command(&member(), "smvaria", smvaria_options("yes"));
    let calls = wait_calls(&h.fake, &i.token, 2).await;
    assert_eq!(calls.len(), 2, "{calls:#?}");
    assert_eq!(calls[0].body["type"], 5);
    assert!(calls[0].body["data"]["flags"].is_null(), "public defer");
    assert_eq!(calls[1].path, i.webhook_path(h.fake.application_id()));
    let embed = &calls[1].body["embeds"][0];
    assert_eq!(embed["title"], "Generated Super Metroid Varia Game");
    assert_eq!(
        embed["description"],
        "**Skills preset:** Season_Races\n**Settings preset:** Season_Races"
    );
    assert_eq!(embed["color"], 0x00E6_7E22);
    assert!(embed["timestamp"].is_string());
    assert_eq!(field_names(embed), ["Link", "Warnings"]);
    assert_eq!(
        embed["fields"][0]["value"],
        format!(
            "{}/varia/customizer/01234567-89ab-cdef-0123-456789abcdef",
            h.ext.uri()
        )
    );
    assert_eq!(embed["fields"][1]["value"], "Some items were placed early");

    // A bad race value is refused before anything is deferred or generated.
    let calls = h
        .command(&member(), "smvaria", smvaria_options("maybe"), 1)
        .await;
    assert_eq!(calls.len(), 1);
    message_callback(&calls[0], true);
}

#[tokio::test]
async fn smvaria_without_warnings_has_only_the_link() {
    let h = start().await;
    mount_varia(&h, "").await;
    let calls = h
        .command(&member(), "smvaria", smvaria_options("yes"), 2)
        .await;
    assert_eq!(field_names(&calls[1].body["embeds"][0]), ["Link"]);
}

#[tokio::test]
async fn a_varia_failure_edits_the_public_response_with_the_error() {
    let h = start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(503))
        .mount(&h.ext)
        .await;
    let calls = h
        .command(&member(), "smvaria", smvaria_options("no"), 2)
        .await;
    assert_eq!(calls.len(), 2, "{calls:#?}");
    assert_eq!(calls[0].body["type"], 5);
    assert_eq!(calls[1].method, "PATCH");
    assert!(calls[1].path.ends_with("/messages/@original"));
    let content = calls[1].body["content"].as_str().unwrap();
    assert!(content.contains("`ProviderUnavailable`"), "{content}");
}

#[tokio::test]
async fn smvaria_autocompletes_answer_choices() {
    let h = start().await;
    let i = h.fake.autocomplete(
        &member(),
        "smvaria",
        json!([{"name": "settings", "type": 3, "value": "scav", "focused": true}]),
    );
    let calls = wait_calls(&h.fake, &i.token, 1).await;
    assert_eq!(calls[0].body["type"], 8);
    assert_eq!(
        calls[0].body["data"]["choices"],
        json!([
            {"name": "scavenger_hard", "value": "scavenger_hard"},
            {"name": "scavenger_random", "value": "scavenger_random"},
            {"name": "scavenger_speedrun", "value": "scavenger_speedrun"},
            {"name": "scavenger_vanilla_but_not", "value": "scavenger_vanilla_but_not"},
        ])
    );
    let i = h.fake.autocomplete(
        &member(),
        "smvaria",
        json!([{"name": "settings", "type": 3, "value": "default"},
               {"name": "skills", "type": 3, "value": "", "focused": true}]),
    );
    let calls = wait_calls(&h.fake, &i.token, 1).await;
    assert_eq!(
        calls[0].body["data"]["choices"].as_array().unwrap().len(),
        11
    );
}

#[tokio::test]
async fn ctjets_posts_the_share_link_and_writes_the_audit_row() {
    let rom_dir = tempfile::tempdir().unwrap();
    let rom = rom_dir.path().join("ct.sfc");
    std::fs::write(&rom, b"not really a rom").unwrap();
    let rom_path = rom.clone();
    let h = Setup::default()
        .adjust(move |c| c.seedgen.ctjets_rom = rom_path)
        .start()
        .await;
    Mock::given(method("GET"))
        .and(path("/ctjets/3_1_0/options/"))
        .respond_with(ResponseTemplate::new(200).set_body_string(
            r#"<form><input type="hidden" name="csrfmiddlewaretoken" value="tok"></form>"#,
        ))
        .mount(&h.ext)
        .await;
    Mock::given(method("POST"))
        .and(path("/ctjets/3_1_0/generate-rom/"))
        .and(body_string_contains("tok"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_string(r#"<p><a href="/share/abc123/">Seed share link</a></p>"#),
        )
        .expect(1)
        .mount(&h.ext)
        .await;
    let calls = h
        .command(
            &member(),
            "ctjets",
            json!([{"name": "preset", "type": 3, "value": "standard"}]),
            2,
        )
        .await;
    assert_eq!(calls.len(), 2, "{calls:#?}");
    assert_eq!(calls[0].body["type"], 5);
    assert!(calls[0].body["data"]["flags"].is_null());
    assert_eq!(
        calls[1].body["content"],
        "http://www.ctjot.com/share/abc123/"
    );
    let rows = all_rows::<audit_generated_games::Entity>(&h.db).await;
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].randomizer.as_deref(), Some("ctjets"));
    assert_eq!(rows[0].gentype.as_deref(), Some("preset"));
    assert_eq!(rows[0].genoption.as_deref(), Some("standard"));

    let i = h.fake.autocomplete(
        &member(),
        "ctjets",
        json!([{"name": "preset", "type": 3, "value": "st", "focused": true}]),
    );
    let calls = wait_calls(&h.fake, &i.token, 1).await;
    assert_eq!(
        calls[0].body["data"]["choices"],
        json!([{"name": "standard", "value": "standard"}])
    );

    // An unknown preset: the public response becomes the error.
    let calls = h
        .command(
            &member(),
            "ctjets",
            json!([{"name": "preset", "type": 3, "value": "nope"}]),
            2,
        )
        .await;
    assert_eq!(calls[1].method, "PATCH");
    assert!(
        calls[1].body["content"]
            .as_str()
            .unwrap()
            .contains("`PresetNotFoundException`")
    );
}

#[tokio::test]
async fn convertcustomizer_answers_privately_with_the_preset_file() {
    let h = start().await;
    let save = json!({
        "randomizer.goal": "fast_ganon",
        "randomizer.tower_open": "4",
        "vt.custom.name": "Custom run",
        "vt.custom.equipment": {"PegasusBoots": 1},
    });
    let file = h
        .fake
        .add_attachment("customizer-settings.json", save.to_string().as_bytes());
    let i = h.fake.slash_command_with_attachments(
        &member(),
        "alttprutils",
        sub(
            "convertcustomizer",
            json!([{"name": "customizer_json", "type": 11, "value": file.id.to_string()}]),
        ),
        std::slice::from_ref(&file),
    );
    let calls = wait_calls(&h.fake, &i.token, 1).await;
    assert_eq!(calls.len(), 1, "{calls:#?}");
    let data = message_callback(&calls[0], true);
    assert_eq!(data["attachments"][0]["filename"], "output.yaml");
    let uploads: Vec<_> = h
        .fake
        .uploaded_files()
        .into_iter()
        .filter(|f| f.path == i.callback_path())
        .collect();
    assert_eq!(uploads.len(), 1);
    assert_eq!(uploads[0].filename, "output.yaml");
    let text = String::from_utf8(uploads[0].content.clone()).unwrap();
    let preset = sahasrahbot_core::presets::yaml::parse(&text)
        .unwrap()
        .to_json();
    assert_eq!(preset["customizer"], true);
    assert_eq!(preset["randomizer"], "alttpr");
    assert_eq!(preset["settings"]["goal"], "fast_ganon");
    assert_eq!(preset["settings"]["crystals"]["tower"], "4");
    assert_eq!(preset["settings"]["name"], "Custom run");
    assert_eq!(preset["settings"]["eq"], json!(["PegasusBoots"]));
    // The converted file loads as a preset.
    sahasrahbot_core::presets::Preset::from_yaml(
        sahasrahbot_core::presets::Game::Alttpr,
        "output",
        &text,
    )
    .unwrap();

    // Not JSON: an ephemeral error.
    let bad = h.fake.add_attachment("customizer-settings.json", b"{nope");
    let i = h.fake.slash_command_with_attachments(
        &member(),
        "alttprutils",
        sub(
            "convertcustomizer",
            json!([{"name": "customizer_json", "type": 11, "value": bad.id.to_string()}]),
        ),
        std::slice::from_ref(&bad),
    );
    let calls = wait_calls(&h.fake, &i.token, 1).await;
    let data = message_callback(&calls[0], true);
    assert!(data["content"].as_str().unwrap().contains("not valid JSON"));
}

fn customizer_game(name: &str, hash: &str) -> Value {
    json!({
        "hash": hash,
        "generated": "2026-11-22T01:02:03+00:00",
        "patch": [{"1573397": [0, 22, 12, 3, 29]}],
        "spoiler": {"meta": {"name": name, "spoilers": "off", "logic": "NoGlitches"}}
    })
}

#[tokio::test]
async fn kisspriest_generates_the_batch_in_one_embed() {
    let h = start().await;
    Mock::given(method("POST"))
        .and(path("/api/customizer"))
        .and(body_string_contains("kiss-priest-"))
        .and(body_string_contains("triforce-hunt"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(customizer_game("kiss-priest-ABC-01", "KpHash0001")),
        )
        .expect(2)
        .mount(&h.ext)
        .await;
    let calls = h
        .command(
            &member(),
            "alttpr",
            sub(
                "kisspriest",
                json!([{"name": "count", "type": 4, "value": 2}]),
            ),
            2,
        )
        .await;
    assert_eq!(calls.len(), 2, "{calls:#?}");
    assert_eq!(calls[0].body["type"], 5);
    assert!(calls[0].body["data"]["flags"].is_null(), "public defer");
    let embed = &calls[1].body["embeds"][0];
    assert_eq!(embed["title"], "Kiss Priest Games");
    assert_eq!(embed["color"], 0x0058_65F2);
    let fields = embed["fields"].as_array().unwrap();
    assert_eq!(fields.len(), 2);
    for f in fields {
        assert_eq!(f["name"], "kiss-priest-ABC-01");
        assert_eq!(f["inline"], false);
        let value = f["value"].as_str().unwrap();
        let (link, code) = value.split_once('\n').unwrap();
        assert!(link.ends_with("/h/KpHash0001"), "{value}");
        assert!(!code.is_empty(), "{value}");
    }
    // The games went to alttpr.com's customizer, each with its own name.
    let requests = h.ext.received_requests().await.unwrap();
    let names: Vec<String> = requests
        .iter()
        .filter(|r| r.url.path() == "/api/customizer")
        .map(|r| {
            let body: Value = serde_json::from_slice(&r.body).unwrap();
            body["name"].as_str().unwrap().to_owned()
        })
        .collect();
    assert_eq!(names.len(), 2);
    assert!(
        names[0].ends_with("-01") && names[1].ends_with("-02"),
        "{names:?}"
    );
    let rows = all_rows::<audit_generated_games::Entity>(&h.db).await;
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0].genoption.as_deref(), Some("kisspriest"));

    // Out of range: refused before anything is deferred.
    let calls = h
        .command(
            &member(),
            "alttpr",
            sub(
                "kisspriest",
                json!([{"name": "count", "type": 4, "value": 11}]),
            ),
            1,
        )
        .await;
    assert_eq!(calls.len(), 1);
    message_callback(&calls[0], true);
}
