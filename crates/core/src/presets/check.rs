//! [`check_dir`]: validate every preset file of a directory.

use std::path::{Path, PathBuf};

use super::mystery::{self, PresetSource, PyRandom};
use super::value::Value;
use super::{Game, Preset, PresetStore, alttpr, other};

/// How many seeds a weightset is test-rolled with.
const CHECK_ROLLS: i128 = 20;

/// Checks every preset under `dir` (`<dir>/<game>/*.yaml`) and returns each bad file with
/// the reason; an empty list means all is well. Files are checked as the bot would use
/// them: YAML 1.1 parse, shape per game, a request built for alttpr/sm/smz3/ctjets, and for
/// weightsets the presets they name plus a few test rolls. `.yml` files are reported as
/// ignored, since only `.yaml` files are loaded. Unknown subdirectories are skipped.
pub fn check_dir(dir: &Path) -> Vec<(PathBuf, String)> {
    let mut problems = Vec::new();
    let store = PresetStore::new(dir);
    for game in Game::ALL {
        let game_dir = store.game_dir(game);
        let Ok(entries) = std::fs::read_dir(&game_dir) else {
            continue;
        };
        let mut files: Vec<PathBuf> = entries.filter_map(Result::ok).map(|e| e.path()).collect();
        files.sort();
        for path in files {
            let Some(file) = path.file_name().and_then(|f| f.to_str()) else {
                continue;
            };
            if file.ends_with(".yml") {
                problems.push((
                    path.clone(),
                    "ignored: only .yaml files are loaded".to_owned(),
                ));
                continue;
            }
            let Some(name) = file.strip_suffix(".yaml") else {
                continue;
            };
            if let Err(reason) = check_one(&store, game, name) {
                problems.push((path.clone(), reason));
            }
        }
    }
    problems
}

fn check_one(store: &PresetStore, game: Game, name: &str) -> Result<(), String> {
    let preset = store.load(game, name).map_err(|e| e.to_string())?;
    let mut rng = PyRandom::new(0);
    match game {
        Game::Alttpr => {
            alttpr::build_request(&preset, &alttpr::AlttprOptions::discord(false), &mut rng)
                .map_err(|e| e.to_string())?;
        }
        Game::Sm | Game::Smz3 => {
            other::build_samus_request(&preset, true, true, &mut rng).map_err(|e| e.to_string())?;
        }
        Game::CtJets => {
            other::build_ctjets_request(&preset).map_err(|e| e.to_string())?;
        }
        Game::AlttprMystery => check_weightset(store, &preset)?,
    }
    Ok(())
}

fn check_weightset(store: &PresetStore, preset: &Preset) -> Result<(), String> {
    if let Some(Value::Map(names)) = preset.data.get("preset") {
        for (key, _) in names.iter() {
            let reference = mystery::weights::conv(key).key_string();
            if reference == "none" {
                continue;
            }
            if let Err(e) = store.alttpr_preset(&reference) {
                return Err(format!(
                    "`preset` names {reference}, which cannot be loaded: {e}"
                ));
            }
        }
    }
    for seed in 0..CHECK_ROLLS {
        let mut rng = PyRandom::new(seed);
        if let Err(e) = mystery::roll(&preset.data, "mystery", store, &mut rng) {
            return Err(format!("test roll with seed {seed} failed: {e}"));
        }
    }
    Ok(())
}
