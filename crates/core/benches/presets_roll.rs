//! Rough timing of preset loading, request building and mystery rolls over the presets we
//! ship (`cargo bench -p sahasrahbot-core --bench presets_roll`). No benchmark framework:
//! it prints the mean time per operation.

#![allow(clippy::print_stdout)] // a benchmark reports on stdout

use std::hint::black_box;
use std::path::PathBuf;
use std::time::Instant;

use sahasrahbot_core::presets::alttpr::{self, AlttprOptions};
use sahasrahbot_core::presets::mystery::{self, PyRandom};
use sahasrahbot_core::presets::{Game, PresetStore};

fn time(label: &str, iterations: u32, mut f: impl FnMut(u32)) {
    let start = Instant::now();
    for i in 0..iterations {
        f(i);
    }
    let per = start.elapsed() / iterations;
    println!("{label:<40} {per:>12?} per op ({iterations} ops)");
}

fn main() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../presets");
    let store = PresetStore::new(&dir);
    time("load alttpr/open", 2_000, |_| {
        black_box(store.load(Game::Alttpr, "open").ok());
    });
    let Ok(open) = store.load(Game::Alttpr, "open") else {
        println!("skipping: shipped presets not found at {}", dir.display());
        return;
    };
    let opts = AlttprOptions::discord(true);
    time("build alttpr request", 20_000, |i| {
        let mut rng = PyRandom::new(i.into());
        black_box(alttpr::build_request(&open, &opts, &mut rng).ok());
    });
    for name in store.list(Game::AlttprMystery).unwrap_or_default() {
        let Ok(ws) = store.load(Game::AlttprMystery, &name) else {
            continue;
        };
        time(&format!("mystery roll {name}"), 2_000, |i| {
            let mut rng = PyRandom::new(i.into());
            black_box(mystery::roll(&ws.data, "mystery", &store, &mut rng).ok());
        });
    }
}
