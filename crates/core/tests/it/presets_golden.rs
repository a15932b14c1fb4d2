//! Golden parity: requests built from the original's presets and mystery rolls must equal
//! what the original produced (`../shared/fixtures/golden`, core.md §8.3).

#![allow(clippy::print_stderr)] // skip notices and match counts go to the test log

use std::path::PathBuf;

use sahasrahbot_core::presets::alttpr::{self, AlttprOptions};
use sahasrahbot_core::presets::mystery::{self, PyRandom};
use sahasrahbot_core::presets::{
    Game, PresetError, PresetStore, base_customizer_payload, base_doors_payload,
    base_randomizer_payload, other,
};
use serde_json::Value as Json;

fn fixtures() -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/fixtures");
    if dir.join("golden").is_dir() {
        Some(dir)
    } else {
        eprintln!("skipping: fixtures not found at {}", dir.display());
        None
    }
}

fn jsonl(path: PathBuf) -> Vec<Json> {
    std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("read {}: {e}", path.display()))
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// Paths where `got` and `want` differ (object key order ignored, value types compared).
fn diff(path: &str, got: &Json, want: &Json, out: &mut Vec<String>) {
    match (got, want) {
        (Json::Object(a), Json::Object(b)) => {
            for (k, v) in b {
                match a.get(k) {
                    Some(g) => diff(&format!("{path}.{k}"), g, v, out),
                    None => out.push(format!("{path}.{k}: missing (want {v})")),
                }
            }
            for (k, v) in a {
                if !b.contains_key(k) {
                    out.push(format!("{path}.{k}: unexpected {v}"));
                }
            }
        }
        (Json::Array(a), Json::Array(b)) if a.len() == b.len() => {
            for (i, (g, w)) in a.iter().zip(b).enumerate() {
                diff(&format!("{path}[{i}]"), g, w, out);
            }
        }
        (Json::Number(a), Json::Number(b)) => {
            let same = (a.is_f64() == b.is_f64()) && a.as_f64() == b.as_f64();
            if !same {
                out.push(format!("{path}: got {got}, want {want}"));
            }
        }
        _ if got == want => {}
        _ => out.push(format!("{path}: got {got}, want {want}")),
    }
}

fn report(failures: &[String], total: usize, what: &str) {
    assert!(
        failures.is_empty(),
        "{} of {total} {what} mismatched:\n{}",
        failures.len(),
        failures.join("\n")
    );
    eprintln!("{total} {what} matched");
}

#[test]
fn base_payloads_match_the_fixture() {
    let Some(dir) = fixtures() else { return };
    let text = std::fs::read_to_string(dir.join("golden/base_payloads.json")).unwrap();
    let golden: Json = serde_json::from_str(&text).unwrap();
    let mut out = Vec::new();
    diff(
        "randomizer",
        &base_randomizer_payload(),
        &golden["BASE_RANDOMIZER_PAYLOAD"],
        &mut out,
    );
    diff(
        "customizer",
        &base_customizer_payload(),
        &golden["BASE_CUSTOMIZER_PAYLOAD"],
        &mut out,
    );
    diff(
        "doors",
        &base_doors_payload(),
        &golden["BASE_DOORS_PAYLOAD"],
        &mut out,
    );
    assert!(
        out.is_empty(),
        "base payload differences:\n{}",
        out.join("\n")
    );
}

#[test]
fn alttpr_preset_requests_match_the_original() {
    let Some(dir) = fixtures() else { return };
    let store = PresetStore::new(dir.join("upstream/presets"));
    let lines = jsonl(dir.join("golden/alttpr_preset_requests.jsonl"));
    assert_eq!(lines.len(), 246);
    let mut failures = Vec::new();
    for line in &lines {
        let name = line["preset"].as_str().unwrap();
        let profile = line["profile"].as_str().unwrap();
        let flags = &line["flags"];
        let opts = AlttprOptions {
            hints: flags["hints"].as_bool().unwrap(),
            nohints: flags
                .get("nohints")
                .and_then(Json::as_bool)
                .unwrap_or(false),
            spoilers: flags["spoilers"].as_str().unwrap().to_owned(),
            tournament: flags["tournament"].as_bool().unwrap(),
            allow_quickswap: flags["allow_quickswap"].as_bool().unwrap(),
            endpoint_prefix: String::new(),
            branch: flags["branch"].as_str().map(str::to_owned),
        };
        let preset = store.load(Game::Alttpr, name).unwrap();
        let mut rng = PyRandom::new(line["rng_seed"].as_i64().unwrap().into());
        let got = match alttpr::build_request(&preset, &opts, &mut rng) {
            Ok(req) => req.to_json("<config.ALTTPR_BASEURL>"),
            Err(e) => {
                failures.push(format!("{name}/{profile}: error {e}"));
                continue;
            }
        };
        let mut want = line["call"].clone();
        if want["provider"] == "doors" {
            // The door call in the fixture has no base URL; ours neither.
            want.as_object_mut().unwrap().remove("baseurl");
        }
        let mut out = Vec::new();
        diff("call", &got, &want, &mut out);
        diff(
            "audit",
            &preset.audit().to_json(),
            &audit_of(line),
            &mut out,
        );
        if !out.is_empty() {
            failures.push(format!("{name}/{profile}:\n  {}", out.join("\n  ")));
        }
    }
    report(&failures, lines.len(), "alttpr preset requests");
}

#[test]
fn sm_smz3_ctjets_requests_match_the_original() {
    let Some(dir) = fixtures() else { return };
    let store = PresetStore::new(dir.join("upstream/presets"));
    let lines = jsonl(dir.join("golden/other_preset_requests.jsonl"));
    let mut failures = Vec::new();
    for line in &lines {
        let game = Game::from_slug(line["randomizer"].as_str().unwrap()).unwrap();
        let name = line["preset"].as_str().unwrap();
        let preset = store.load(game, name).unwrap();
        let (got, want, label) = if game == Game::CtJets {
            let req = other::build_ctjets_request(&preset).unwrap().to_json("");
            let got = serde_json::json!({"settings": req["settings"], "version": req["version"]});
            (got, line["call"].clone(), name.to_owned())
        } else {
            let spoilers = line["spoilers"].as_bool().unwrap();
            let tournament = line["tournament"].as_bool().unwrap();
            let mut rng = PyRandom::new(line["rng_seed"].as_i64().unwrap().into());
            let (req, key) =
                other::build_samus_request(&preset, tournament, spoilers, &mut rng).unwrap();
            let mut got = req.to_json("");
            let url = req_url(&got, key.as_deref());
            got.as_object_mut()
                .unwrap()
                .insert("spoiler_url".into(), url);
            let mut want = line["call"].clone();
            want.as_object_mut()
                .unwrap()
                .insert("spoiler_url".into(), line["spoiler_url"].clone());
            (got, want, format!("{game}/{name} spoilers={spoilers}"))
        };
        let mut out = Vec::new();
        diff("call", &got, &want, &mut out);
        diff(
            "audit",
            &preset.audit().to_json(),
            &audit_of(line),
            &mut out,
        );
        if !out.is_empty() {
            failures.push(format!("{label}:\n  {}", out.join("\n  ")));
        }
    }
    report(&failures, lines.len(), "sm/smz3/ctjets requests");
}

/// The fixture's audit fields minus those the provider fills in.
fn audit_of(line: &Json) -> Json {
    let mut audit = line["audit"].clone();
    let obj = audit.as_object_mut().unwrap();
    obj.remove("hash_id");
    obj.remove("permalink");
    audit
}

fn req_url(call: &Json, key: Option<&str>) -> Json {
    match key {
        Some(key) => Json::String(other::samus_spoiler_url(
            call["baseurl"].as_str().unwrap(),
            "GUID",
            key,
            true,
        )),
        None => Json::Null,
    }
}

#[test]
fn mystery_rolls_match_the_original() {
    let Some(dir) = fixtures() else { return };
    let store = PresetStore::new(dir.join("upstream/presets"));
    let lines = jsonl(dir.join("golden/mystery_rolls.jsonl"));
    assert_eq!(lines.len(), 220);
    let mut failures = Vec::new();
    for line in &lines {
        let ws = line["weightset"].as_str().unwrap();
        let seed = line["rng_seed"].as_i64().unwrap();
        let label = format!("{ws} seed {seed}");
        let weights = store.load(Game::AlttprMystery, ws).unwrap();
        let mut rng = PyRandom::new(seed.into());
        let result = mystery::roll(&weights.data, "mystery", &store, &mut rng);
        match (result, line.get("error").and_then(Json::as_str)) {
            (Err(e), Some(want)) => {
                let key = want
                    .strip_prefix("KeyError: '")
                    .and_then(|k| k.strip_suffix('\''));
                match (&e, key) {
                    (PresetError::MissingKey(got), Some(key)) if got == key => {}
                    _ => failures.push(format!("{label}: error {e}, want {want}")),
                }
            }
            (Ok(_), Some(want)) => failures.push(format!("{label}: rolled, want error {want}")),
            (Err(e), None) => failures.push(format!("{label}: error {e}")),
            (Ok(roll), None) => {
                let call = roll
                    .request("mystery", true, true)
                    .to_json("<config.ALTTPR_BASEURL>");
                let got = serde_json::json!({
                    "customizer": roll.customizer,
                    "doors": roll.doors,
                    "branch": roll.branch,
                    "custom_instructions": roll.custom_instructions,
                    "call": call,
                    "audit": roll.audit(ws).to_json(),
                });
                let want = serde_json::json!({
                    "customizer": line["customizer"],
                    "doors": line["doors"],
                    "branch": line["branch"],
                    "custom_instructions": line["custom_instructions"],
                    "call": line["call"],
                    "audit": audit_of(line),
                });
                let mut out = Vec::new();
                diff("roll", &got, &want, &mut out);
                if !out.is_empty() {
                    failures.push(format!("{label}:\n  {}", out.join("\n  ")));
                }
            }
        }
    }
    report(&failures, lines.len(), "mystery rolls");
}

#[test]
fn diff_reports_value_and_type_changes() {
    let want = serde_json::json!({"a": 1, "b": [true, "x"], "c": {"d": 7}});
    let mut out = Vec::new();
    diff("v", &want, &want, &mut out);
    assert!(out.is_empty());
    let got = serde_json::json!({"a": 1.0, "b": [true, "y"], "c": {"e": 7}});
    diff("v", &got, &want, &mut out);
    assert_eq!(out.len(), 4, "{out:?}");
    assert!(out[0].starts_with("v.a"));
}
