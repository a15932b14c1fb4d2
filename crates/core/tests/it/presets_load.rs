//! Loading rules (core.md §1.1, §1.3), `check_dir`, the presets we ship, and the outcome
//! mix of the original's weightsets (§1.6.8).

#![allow(clippy::print_stderr)] // skip notices and match counts go to the test log

use std::path::{Path, PathBuf};

use sahasrahbot_core::presets::alttpr::{self, AlttprOptions};
use sahasrahbot_core::presets::mystery::{self, PyRandom};
use sahasrahbot_core::presets::{
    Game, PresetError, PresetRef, PresetStore, ProviderRequest, Value, check_dir, other,
};

fn upstream() -> Option<PathBuf> {
    let dir =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/fixtures/upstream/presets");
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!("skipping: upstream presets not found at {}", dir.display());
        None
    }
}

fn shipped() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../presets")
}

fn yaml_names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter_map(|f| f.strip_suffix(".yaml").map(str::to_owned))
        .collect();
    names.sort();
    names
}

#[test]
fn reference_strings_parse_like_the_original() {
    assert_eq!(
        PresetRef::parse("Open").unwrap(),
        PresetRef::Global("Open".into())
    );
    assert_eq!(
        PresetRef::parse("Synack/MyPreset").unwrap(),
        PresetRef::Namespaced {
            namespace: "synack".into(),
            name: "mypreset".into()
        }
    );
    assert_eq!(
        PresetRef::parse("a/b/c").unwrap(),
        PresetRef::Namespaced {
            namespace: "a".into(),
            name: "b".into()
        }
    );
    assert!(matches!(
        PresetRef::parse(""),
        Err(PresetError::NoPresetSpecified)
    ));
}

#[test]
fn every_upstream_preset_loads() {
    let Some(dir) = upstream() else { return };
    let store = PresetStore::new(&dir);
    let mut count = 0;
    for game in Game::ALL {
        for name in yaml_names(&dir.join(game.slug())) {
            let preset = store
                .load(game, &name)
                .unwrap_or_else(|e| panic!("{game}/{name}: {e}"));
            assert!(!preset.data.is_empty(), "{game}/{name} is empty");
            count += 1;
        }
    }
    assert_eq!(count, 205, "205 .yaml files (the .yml one is not a preset)");
}

#[test]
fn yaml_11_booleans_become_bool_keys_in_tournament_de() {
    let Some(dir) = upstream() else { return };
    let ws = PresetStore::new(&dir)
        .load(Game::AlttprMystery, "tournament_de")
        .unwrap();
    let bombbag = ws.data.get("bombbag").and_then(Value::as_map).unwrap();
    let keys: Vec<_> = bombbag.keys().cloned().collect();
    assert_eq!(keys, vec![Value::Bool(true), Value::Bool(false)]);
    // and so the weightset still rolls (bombbag can never be 'on')
    let roll = mystery::roll(
        &ws.data,
        "mystery",
        &PresetStore::new(&dir),
        &mut PyRandom::new(0),
    )
    .unwrap();
    assert!(roll.doors);
}

#[test]
fn global_lookup_rules() {
    let Some(dir) = upstream() else { return };
    let store = PresetStore::new(&dir);
    assert!(store.load(Game::Alttpr, "open").is_ok());
    // only the base name counts: "../alttpr/open" is "open.yaml" in the sm directory
    let err = store.load(Game::Sm, "../alttpr/open").unwrap_err();
    assert!(matches!(err, PresetError::NotFound { .. }));
    let err = store.fetch(Game::Alttpr, "enemizer_chaos").unwrap_err();
    assert_eq!(
        err.to_string(),
        "Could not find preset enemizer_chaos.  See a list of available presets at https://sahasrahbot.synack.live/presets.html"
    );
    // case-sensitive on this filesystem
    assert!(store.load(Game::Alttpr, "OPEN").is_err());
    // namespaced references need the database
    assert!(matches!(
        store.fetch(Game::Alttpr, "someone/open"),
        Err(PresetError::NamespacedNotSupported { .. })
    ));
}

#[test]
fn list_and_search() {
    let Some(dir) = upstream() else { return };
    let store = PresetStore::new(&dir);
    let names = store.list(Game::Alttpr).unwrap();
    assert_eq!(names.len(), 123);
    assert!(!names.iter().any(|n| n == "enemizer_chaos"));
    let found = store.search(Game::Alttpr, "OPEN").unwrap();
    assert!(found.len() <= 25 && !found.is_empty());
    assert!(found.iter().all(|n| n.starts_with("open")));
    assert!(found.windows(2).all(|w| w[0] <= w[1]), "sorted");
    // sorted before cut: the first 25 names overall
    let all = store.search(Game::Alttpr, "").unwrap();
    assert_eq!(all, names[..25].to_vec());
    assert!(
        store
            .list(Game::Sm)
            .unwrap()
            .contains(&"casual_full".to_owned())
    );
}

#[test]
fn check_dir_names_the_bad_upstream_files() {
    let Some(dir) = upstream() else { return };
    let problems = check_dir(&dir);
    let mut bad: Vec<(String, &str)> = problems
        .iter()
        .map(|(p, reason)| {
            let rel = p.strip_prefix(&dir).unwrap().to_string_lossy().into_owned();
            (rel, reason.as_str())
        })
        .collect();
    bad.sort();
    let files: Vec<&str> = bad.iter().map(|(f, _)| f.as_str()).collect();
    assert_eq!(
        files,
        [
            "alttpr/enemizer_chaos.yml",
            "alttprmystery/festive.yaml",
            "alttprmystery/grabbag.yaml"
        ],
        "{bad:#?}"
    );
    assert!(bad[0].1.contains("only .yaml"));
    assert!(bad[1].1.contains("glitches_required"), "{}", bad[1].1);
    assert!(bad[2].1.contains("tournament"), "{}", bad[2].1);
}

#[test]
fn check_dir_reports_broken_files() {
    let tmp = tempfile::tempdir().unwrap();
    let alttpr = tmp.path().join("alttpr");
    let mystery = tmp.path().join("alttprmystery");
    std::fs::create_dir_all(&alttpr).unwrap();
    std::fs::create_dir_all(&mystery).unwrap();
    std::fs::write(alttpr.join("syntax.yaml"), "settings: [1, 2\n").unwrap();
    std::fs::write(alttpr.join("list.yaml"), "- 1\n- 2\n").unwrap();
    std::fs::write(alttpr.join("nosettings.yaml"), "description: x\n").unwrap();
    std::fs::write(mystery.join("zero.yaml"), "preset:\n  none: 0\n").unwrap();
    let problems = check_dir(tmp.path());
    let names: Vec<String> = problems
        .iter()
        .map(|(p, _)| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    assert_eq!(
        names,
        ["list.yaml", "nosettings.yaml", "syntax.yaml", "zero.yaml"],
        "{problems:#?}"
    );
    assert!(problems[0].1.contains("not a mapping"));
    assert!(problems[1].1.contains("settings"));
    assert!(problems[2].1.contains("invalid YAML"));
    assert!(problems[3].1.contains("greater than zero"));
}

#[test]
fn shipped_presets_load_and_build() {
    let dir = shipped();
    assert!(check_dir(&dir).is_empty(), "{:#?}", check_dir(&dir));
    let store = PresetStore::new(&dir);
    for game in Game::ALL {
        assert!(
            !store.list(game).unwrap().is_empty(),
            "we ship at least one {game} preset"
        );
    }
    for name in store.list(Game::Alttpr).unwrap() {
        let preset = store.load(Game::Alttpr, &name).unwrap();
        let req = alttpr::build_request(
            &preset,
            &AlttprOptions::discord(true),
            &mut PyRandom::new(1),
        )
        .unwrap();
        let ProviderRequest::Alttpr { body, baseurl, .. } = req else {
            panic!("{name}: not alttpr.com")
        };
        assert_eq!(baseurl.as_deref(), Some("https://alttpr.com"));
        assert_eq!(body["tournament"], true);
        assert_eq!(body["spoilers"], "off");
    }
    let sm = store.load(Game::Sm, "casual_full").unwrap();
    let (req, key) = other::build_samus_request(&sm, true, false, &mut PyRandom::new(1)).unwrap();
    assert!(key.is_none());
    assert_eq!(req.endpoint(), Some("/api/randomizers/sm/generate"));
    for name in store.list(Game::AlttprMystery).unwrap() {
        let ws = store.load(Game::AlttprMystery, &name).unwrap();
        for seed in 0..50 {
            mystery::roll(&ws.data, "mystery", &store, &mut PyRandom::new(seed))
                .unwrap_or_else(|e| panic!("{name} seed {seed}: {e}"));
        }
    }
}

#[test]
fn missing_rolled_preset_is_a_clear_error() {
    let tmp = tempfile::tempdir().unwrap();
    let ws = sahasrahbot_core::presets::Preset::from_yaml(
        Game::AlttprMystery,
        "t",
        "preset:\n  nosuchpreset: 1\n",
    )
    .unwrap();
    let err = mystery::roll(
        &ws.data,
        "mystery",
        &PresetStore::new(tmp.path()),
        &mut PyRandom::new(0),
    )
    .unwrap_err();
    assert!(
        matches!(err, PresetError::RolledPresetMissing { ref preset, .. } if preset == "nosuchpreset")
    );
    assert!(err.to_string().contains("nosuchpreset"));
}

/// §1.6.8: the outcome mix of 300 seeds per weightset, exact with the Python-compatible RNG.
#[test]
fn weightset_outcome_mix_over_300_seeds() {
    let Some(dir) = upstream() else { return };
    let store = PresetStore::new(&dir);
    let tally = |name: &str| {
        let ws = store.load(Game::AlttprMystery, name).unwrap();
        let (mut errors, mut doors, mut customizer) = (0, 0, 0);
        for seed in 0..300 {
            match mystery::roll(&ws.data, "mystery", &store, &mut PyRandom::new(seed)) {
                Err(_) => errors += 1,
                Ok(r) if r.doors => doors += 1,
                Ok(r) if r.customizer => customizer += 1,
                Ok(_) => {}
            }
        }
        (errors, doors, customizer)
    };
    assert_eq!(tally("festive").0, 300);
    let (errors, _, _) = tally("grabbag");
    assert!(
        (10..=35).contains(&errors),
        "grabbag errors {errors} (about 7%)"
    );
    for name in [
        "doors",
        "pogchampion",
        "pogchampion_season9",
        "tournament_de",
    ] {
        assert_eq!(tally(name).1, 300, "{name} always takes the door path");
    }
    for name in ["pogchampion_season7", "veetorp"] {
        let d = tally(name).1;
        assert!(
            d > 0 && d < 300,
            "{name} sometimes takes the door path ({d})"
        );
    }
    for name in [
        "chaos",
        "boots",
        "hmg",
        "ladder_item",
        "ladder_ohko",
        "timed_ohko",
        "microfr2020",
    ] {
        assert_eq!(tally(name).2, 300, "{name} is always customizer");
    }
    let c = tally("weighted").2;
    assert!(
        (30..=60).contains(&c),
        "weighted customizer share {c}/300 (about 15%)"
    );
}
