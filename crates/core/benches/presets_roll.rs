//! Preset throughput (`cargo bench -p sahasrahbot-core --bench presets_roll`): loads every
//! preset of the Python bot's preset directory (`../shared/fixtures/upstream/presets`, or
//! the presets we ship when that is absent), builds their requests, and rolls 10,000
//! mystery seeds over its weightsets. Prints presets/s, requests/s and rolls/s. No
//! benchmark framework: wall-clock over many operations.

#![allow(clippy::print_stdout)] // a benchmark reports on stdout

use std::hint::black_box;
use std::path::PathBuf;
use std::time::Instant;

use sahasrahbot_core::presets::alttpr::{self, AlttprOptions};
use sahasrahbot_core::presets::mystery::{self, PyRandom};
use sahasrahbot_core::presets::{Game, Preset, PresetStore};

const ROLLS: u64 = 10_000;
const LOAD_PASSES: u32 = 20;

fn rate(label: &str, ops: u64, secs: f64) {
    println!(
        "{label:<32} {:>12.0} /s   ({ops} in {secs:.3} s)",
        ops as f64 / secs
    );
}

fn main() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let upstream = root.join("../../../shared/fixtures/upstream/presets");
    let dir = if upstream.is_dir() {
        upstream
    } else {
        println!("../shared absent: measuring the shipped presets instead");
        root.join("../../presets")
    };
    println!("preset directory: {}", dir.display());

    let store = PresetStore::new(&dir);
    let names: Vec<(Game, String)> = Game::ALL
        .iter()
        .flat_map(|&g| {
            store
                .list(g)
                .unwrap_or_default()
                .into_iter()
                .map(move |n| (g, n))
        })
        .collect();

    // Load every file LOAD_PASSES times (read + YAML 1.1 parse).
    let start = Instant::now();
    let mut loaded: Vec<Preset> = Vec::new();
    for pass in 0..LOAD_PASSES {
        for (game, name) in &names {
            if let Ok(p) = store.load(*game, name) {
                if pass == 0 {
                    loaded.push(p);
                } else {
                    black_box(p);
                }
            }
        }
    }
    let ops = names.len() as u64 * u64::from(LOAD_PASSES);
    rate("presets loaded", ops, start.elapsed().as_secs_f64());

    let alttpr: Vec<&Preset> = loaded.iter().filter(|p| p.game == Game::Alttpr).collect();
    let opts = AlttprOptions::discord(true);
    let start = Instant::now();
    let mut built = 0u64;
    for i in 0..ROLLS {
        let preset = alttpr[(i as usize) % alttpr.len().max(1)];
        let mut rng = PyRandom::new(i.into());
        built += u64::from(alttpr::build_request(preset, &opts, &mut rng).is_ok());
    }
    rate(
        "alttpr requests built",
        built,
        start.elapsed().as_secs_f64(),
    );

    let weightsets: Vec<&Preset> = loaded
        .iter()
        .filter(|p| p.game == Game::AlttprMystery)
        .collect();
    let start = Instant::now();
    let mut rolled = 0u64;
    for i in 0..ROLLS {
        let ws = weightsets[(i as usize) % weightsets.len().max(1)];
        let mut rng = PyRandom::new(i.into());
        rolled +=
            u64::from(black_box(mystery::roll(&ws.data, "mystery", &store, &mut rng)).is_ok());
    }
    let secs = start.elapsed().as_secs_f64();
    rate("mystery rolls", ROLLS, secs);
    println!("({rolled} of {ROLLS} rolls succeeded; the rest are weightsets that fail by design)");
}
