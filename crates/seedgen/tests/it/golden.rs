//! The golden provider calls of the original (`../shared/fixtures/golden/*.jsonl`): each
//! alttpr.com, SM and SMZ3 call is sent through [`Seedgen`] to a wiremock server, which
//! must receive exactly the recorded body at the recorded endpoint; the audit row written
//! must equal the recorded audit object (with the placeholders `HASH`, `SLUG` and `URL`
//! replaced by what the provider answered). Skips, saying why, without the shared folder.
#![allow(clippy::print_stderr, reason = "a skipped test says why")]

use crate::common;

use std::path::PathBuf;

use sahasrahbot_core::db::entities::audit_generated_games;
use sahasrahbot_core::presets::{GenerationAudit, ProviderRequest};
use sahasrahbot_migrations::migrate;
use sahasrahbot_seedgen::Seedgen;
use sahasrahbot_testkit::db::TestDb;
use sea_orm::{EntityTrait, QueryOrder};
use serde_json::{Value, json};
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

fn golden(name: &str) -> Option<Vec<Value>> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/fixtures/golden")
        .join(name);
    let Ok(text) = std::fs::read_to_string(&path) else {
        eprintln!("skipping: {} is absent", path.display());
        return None;
    };
    Some(
        text.lines()
            .filter(|l| !l.trim().is_empty())
            .map(|l| serde_json::from_str(l).expect("a JSON line"))
            .collect(),
    )
}

fn audit_of(v: &Value) -> GenerationAudit {
    GenerationAudit {
        randomizer: v["randomizer"].as_str().unwrap().to_owned(),
        gentype: v["gentype"].as_str().unwrap().to_owned(),
        genoption: v["genoption"].as_str().map(str::to_owned),
        customizer: v["customizer"] == 1,
        doors: v.get("doors").and_then(Value::as_bool),
        avianart: v.get("avianart").and_then(Value::as_bool),
    }
}

fn request_of(call: &Value) -> Option<ProviderRequest> {
    let body = call["body"].clone();
    let baseurl = call["baseurl"].as_str().map(str::to_owned);
    match call["provider"].as_str()? {
        "alttpr" => Some(ProviderRequest::Alttpr {
            baseurl: baseurl.filter(|b| !b.starts_with('<')),
            endpoint: call["endpoint"].as_str()?.to_owned(),
            body,
        }),
        "sm" => Some(ProviderRequest::Sm {
            baseurl: baseurl?,
            body,
        }),
        "smz3" => Some(ProviderRequest::Smz3 {
            baseurl: baseurl?,
            body,
        }),
        _ => None,
    }
}

/// The audit row as the fixture's audit object (placeholders filled in).
fn row_json(row: &audit_generated_games::Model, with_flags: bool) -> Value {
    let mut v = json!({
        "randomizer": row.randomizer, "hash_id": row.hash_id, "permalink": row.permalink,
        "gentype": row.gentype, "genoption": row.genoption, "customizer": row.customizer,
    });
    if with_flags {
        v["doors"] = json!(row.doors);
        v["avianart"] = json!(row.avianart);
    }
    v
}

#[tokio::test]
async fn golden_calls_reach_the_provider_unchanged_and_audit_as_recorded() {
    let (Some(alttpr), Some(other)) = (
        golden("alttpr_preset_requests.jsonl"),
        golden("other_preset_requests.jsonl"),
    ) else {
        return;
    };
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "hash": "GoldenHash", "patch": [{"1573397": [0, 1, 2, 3, 4]}],
            "spoiler": {"meta": {}},
            "guid": "0123456789abcdef0123456789abcdef", "mode": "normal"})))
        .mount(&server)
        .await;
    let mut config = common::config(&server);
    // Calls without a branch go to the configured default base; every base named in the
    // fixtures is sent to the local server (never to the real host).
    config.alttpr.baseurl = "https://alttpr.com".into();
    for line in alttpr.iter().chain(other.iter()) {
        if let Some(base) = line["call"]["baseurl"].as_str() {
            config
                .base_url_overrides
                .insert(base.to_owned(), server.uri());
        }
    }
    let db = TestDb::sqlite().await;
    migrate(db.conn()).await.expect("migrate");
    let seedgen = Seedgen::new(config, Some(db.conn().clone()), None).unwrap();

    let mut checked = 0;
    for line in alttpr.iter().chain(other.iter()) {
        let Some(request) = request_of(&line["call"]) else {
            continue;
        };
        let audit = audit_of(&line["audit"]);
        let seed = seedgen
            .generate(&request, Some(&audit), None)
            .await
            .unwrap();

        let received = server.received_requests().await.unwrap();
        let last = received.last().unwrap();
        let sent: Value = serde_json::from_slice(&last.body).unwrap();
        let what = format!("{} {}", line["preset"], line["profile"]);
        assert_eq!(sent, line["call"]["body"], "{what}: body");
        assert!(
            last.url
                .path()
                .ends_with(line["call"]["endpoint"].as_str().unwrap()),
            "{what}: endpoint {}",
            last.url.path()
        );

        let row = audit_generated_games::Entity::find()
            .order_by_desc(audit_generated_games::Column::Id)
            .one(db.conn())
            .await
            .unwrap()
            .unwrap();
        let mut expected = line["audit"].clone();
        let placeholder = expected["hash_id"].as_str().unwrap_or_default().to_owned();
        assert!(placeholder == "HASH" || placeholder == "SLUG", "{what}");
        expected["hash_id"] = json!(seed.hash_or_id);
        expected["permalink"] = json!(seed.url);
        let with_flags = expected.get("doors").is_some();
        assert_eq!(row_json(&row, with_flags), expected, "{what}: audit");
        assert_eq!(row.settings.as_ref(), Some(&line["call"]["body"]), "{what}");
        checked += 1;
    }
    assert!(checked >= 200, "only {checked} golden calls checked");
}
