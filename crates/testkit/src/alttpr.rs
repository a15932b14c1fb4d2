//! A fake alttpr.com on a [`wiremock`] server: the generate endpoints of every branch answer
//! one game, and the settings endpoint a small map of setting names.

use serde_json::{Value, json};
use wiremock::matchers::{method, path_regex};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// An alttpr.com generate answer for an open, no-glitches game with `hash`.
pub fn game(hash: &str) -> Value {
    json!({
        "logic": "NoGlitches",
        "patch": [{"1573395": [0, 0, 9, 28, 3, 11, 0]}],
        "spoiler": {"meta": {"name": "Open", "spoilers": "off", "version": "31.0.9",
            "logic": "NoGlitches", "item_placement": "advanced", "dungeon_items": "standard",
            "accessibility": "items", "goal": "ganon", "entry_crystals_tower": "7",
            "entry_crystals_ganon": "7", "mode": "open", "weapons": "randomized",
            "item_pool": "normal", "item_functionality": "normal", "hints": "off"}},
        "hash": hash,
        "generated": "2026-02-13T01:55:00+00:00",
        "size": 2
    })
}

/// Mounts `POST /{branch}/api/{randomizer,customizer}` (answering [`game`] with `hash`) and
/// `GET /{branch}/randomizer/settings` on `server`, for the live, default, beeta and
/// tournament branches.
pub async fn mount(server: &MockServer, hash: &str) {
    Mock::given(method("POST"))
        .and(path_regex(
            "^/(live|default|beeta|tournament)/api/(randomizer|customizer)$",
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(game(hash)))
        .mount(server)
        .await;
    Mock::given(method("GET"))
        .and(path_regex(
            "^/(live|default|beeta|tournament)/randomizer/settings$",
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "item_placement": {"advanced": "Advanced"},
            "goals": {"ganon": "Defeat Ganon"},
            "world_state": {"open": "Open"},
            "weapons": {"randomized": "Randomized"},
        })))
        .mount(server)
        .await;
}
