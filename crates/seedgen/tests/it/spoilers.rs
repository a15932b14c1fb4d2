//! Spoiler logs of alttpr.com games: generated through wiremock with `spoilers: generate`,
//! formatted (sections in order, prizes, drops, translation, digging game, bosses, meta),
//! progression-only, and published gzipped to a local object store.

use crate::common;

use std::io::Read as _;

use common::ctx;
use rand::SeedableRng;
use rand::rngs::StdRng;
use sahasrahbot_seedgen::ordered::OrderedJson;
use sahasrahbot_seedgen::providers::alttpr::{AlttprProvider, AlttprRequest};
use sahasrahbot_seedgen::spoilers::{
    SpoilerPublisher, SpoilerType, formatted_spoiler, progression_spoiler,
};
use sahasrahbot_seedgen::storage::SpoilerStore;
use sahasrahbot_seedgen::{Error, GeneratedSeed, SeedProvider};
use serde_json::json;
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

/// An alttpr.com answer in its real shape, keys deliberately not sorted.
fn answer(spoilers: &str, shuffle: &str) -> String {
    let packs: Vec<u8> = [
        [216, 216, 216, 216, 217, 216, 216, 217],
        [218, 217, 218, 219, 218, 217, 218, 218],
        [224, 223, 223, 218, 224, 223, 216, 223],
        [220, 220, 220, 221, 220, 220, 222, 220],
        [225, 216, 225, 226, 225, 216, 225, 226],
        [223, 217, 216, 225, 223, 220, 217, 216],
        [227, 227, 227, 227, 227, 227, 227, 121],
    ]
    .concat();
    let packs = serde_json::to_string(&packs).unwrap();
    format!(
        r#"{{"logic": "NoGlitches",
  "patch": [{{"1573397": [0, 5, 2, 3, 11]}}, {{"981972": [218, 219, 220]}}, {{"207304": [217]}},
            {{"207300": [227]}}, {{"227731": [216]}}, {{"950988": [226]}}, {{"227960": {packs}}},
            {{"982410": [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 25]}}],
  "spoiler": {{
    "Special": {{"Waterfall Bottle:1": "BottleWithGreenPotion:1", "Pyramid Bottle:1": "Bottle:1"}},
    "Light World": {{"Sahasrahla:1": "PegasusBoots:1", "Link's Uncle:1": "ProgressiveSword:1",
                    "Blind's Hideout - Top:1": "TwentyRupees:1"}},
    "Eastern Palace": {{"Eastern Palace - Prize:1": "PendantOfCourage:1",
                       "Eastern Palace - Big Chest:1": "BigKeyP1:1",
                       "Eastern Palace - Compass Chest:1": "Hookshot:1"}},
    "Hyrule Castle": {{"Sanctuary:1": "KeyH2:1"}},
    "Tower Of Hera": {{"Tower of Hera - Prize:1": "Crystal5:1", "Tower of Hera - Big Chest:1": "Lamp:1"}},
    "Bosses": {{"Eastern Palace:1": "Moldorm:1"}},
    "meta": {{"spoilers": "{spoilers}", "shuffle": "{shuffle}", "mode": "open",
             "enemizer.boss_shuffle": "full", "name": "Open", "hash": "stale"}}
  }},
  "hash": "Ab12Cd34Ef",
  "generated": "2026-11-22T01:00:00+00:00"}}"#
    )
}

async fn generate(server: &MockServer, body: String) -> GeneratedSeed {
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_string(body))
        .mount(server)
        .await;
    AlttprProvider::new(ctx(server))
        .generate(
            &AlttprRequest {
                baseurl: Some("https://alttpr.com".into()),
                endpoint: "/api/randomizer".into(),
                body: json!({"spoilers": "generate"}),
            },
            None,
        )
        .await
        .unwrap()
}

fn keys(v: &OrderedJson) -> Vec<&str> {
    v.entries()
        .unwrap()
        .iter()
        .map(|(k, _)| k.as_str())
        .collect()
}

#[tokio::test]
async fn formatted_spoiler_follows_the_original_layout() {
    let server = MockServer::start().await;
    let seed = generate(&server, answer("generate", "none")).await;
    let game = OrderedJson::parse(seed.raw.as_deref().unwrap()).unwrap();
    let spoiler = formatted_spoiler(&game, &seed.hash_or_id, &seed.url)
        .unwrap()
        .unwrap();
    assert_eq!(
        keys(&spoiler),
        [
            "Prizes",
            "Special",
            "Hyrule Castle",
            "Eastern Palace",
            "Tower Of Hera",
            "Light World",
            "Drops",
            "Bosses",
            "meta"
        ]
    );
    let j = spoiler.to_json();
    assert_eq!(
        j["Prizes"],
        json!({"Eastern Palace": "PendantOfCourage", "Tower Of Hera": "Crystal5"})
    );
    // Prize locations removed, `:1` stripped, dungeon items translated, order kept.
    let eastern = spoiler.get("Eastern Palace").unwrap();
    assert_eq!(
        keys(eastern),
        [
            "Eastern Palace - Big Chest",
            "Eastern Palace - Compass Chest"
        ]
    );
    assert_eq!(
        j["Eastern Palace"]["Eastern Palace - Big Chest"],
        "BigKeyP1-EasternPalace"
    );
    assert_eq!(j["Hyrule Castle"]["Sanctuary"], "KeyH2-HyruleCastle");
    assert_eq!(
        keys(spoiler.get("Light World").unwrap()),
        ["Sahasrahla", "Link's Uncle", "Blind's Hideout - Top"]
    );
    assert_eq!(j["Special"]["DiggingGameDigs"], 25);
    assert_eq!(
        j["Drops"],
        json!({
            "PullTree": {"Tier1": "RupeeBlue", "Tier2": "RupeeRed", "Tier3": "BombRefill1"},
            "RupeeCrab": {"Main": "RupeeGreen", "Final": "Fairy"},
            "Stun": "Heart", "FishSave": "ArrowRefill10",
            "PrizePacks": {"HeartsGroup": "HeartsPack", "RupeesGroup": "RupeesPack",
                "MagicGroup": "MagicPack", "BombsGroup": "BombsPack", "ArrowsGroup": "ArrowsPack",
                "SmallVarietyGroup": "SmallVarietyPack",
                "LargeVarietyGroup": "Fairy, Fairy, Fairy, Fairy, Fairy, Fairy, Fairy, Bee"}
        })
    );
    assert_eq!(j["Bosses"], json!({"Eastern Palace": "Moldorm"}));
    assert_eq!(j["meta"]["hash"], "Ab12Cd34Ef");
    assert_eq!(j["meta"]["permalink"], "https://alttpr.com/h/Ab12Cd34Ef");
    assert_eq!(j["meta"]["name"], "Open");
}

#[tokio::test]
async fn progression_spoiler_lists_progression_locations() {
    let server = MockServer::start().await;
    let seed = generate(&server, answer("on", "none")).await;
    let game = OrderedJson::parse(seed.raw.as_deref().unwrap()).unwrap();
    let spoiler = progression_spoiler(&game, &seed.hash_or_id, &seed.url)
        .unwrap()
        .unwrap();
    assert_eq!(
        keys(&spoiler),
        ["Eastern Palace", "Tower Of Hera", "Light World", "meta"]
    );
    let j = spoiler.to_json();
    assert_eq!(j["Light World"], json!(["Sahasrahla", "Link's Uncle"]));
    assert_eq!(
        j["Eastern Palace"],
        json!(["Eastern Palace - Compass Chest"])
    );
    assert_eq!(j["meta"]["permalink"], "https://alttpr.com/h/Ab12Cd34Ef");
}

#[tokio::test]
async fn no_spoiler_when_off_and_no_progression_spoiler_for_entrance_shuffle() {
    let server = MockServer::start().await;
    let seed = generate(&server, answer("off", "none")).await;
    let game = OrderedJson::parse(seed.raw.as_deref().unwrap()).unwrap();
    assert_eq!(formatted_spoiler(&game, "h", "u").unwrap(), None);
    assert_eq!(progression_spoiler(&game, "h", "u").unwrap(), None);

    let game = OrderedJson::parse(&answer("generate", "crossed")).unwrap();
    let err = progression_spoiler(&game, "h", "u").unwrap_err();
    assert!(matches!(err, Error::Spoiler(_)));
    assert_eq!(
        err.to_string(),
        "spoiler: Entrance randomizer is not yet supported."
    );
    // The formatted spoiler uses the entrance-shuffle section names there.
    let spoiler = formatted_spoiler(&game, "h", "u").unwrap().unwrap();
    assert!(spoiler.get("Tower Of Hera").is_none());
}

#[tokio::test]
async fn published_spoilers_are_gzipped_python_style_json_under_the_url_base() {
    let server = MockServer::start().await;
    let seed = generate(&server, answer("generate", "none")).await;
    let dir = tempfile::tempdir().unwrap();
    let publisher = SpoilerPublisher::new(
        SpoilerStore::local(dir.path(), "https://spoilers.example/logs/").unwrap(),
    );
    let url = publisher
        .publish(&seed, SpoilerType::Spoiler, &mut StdRng::seed_from_u64(7))
        .await
        .unwrap();
    let name = url
        .strip_prefix("https://spoilers.example/logs/")
        .unwrap()
        .to_owned();
    let re = regex::Regex::new(
        r"^spoiler__Ab12Cd34Ef__Bow-MagicPowder-Hookshot-Bombs-Lamp__[A-Za-z0-9]{4}\.txt$",
    )
    .unwrap();
    assert!(re.is_match(&name), "{name}");
    let packed = std::fs::read(dir.path().join(&name)).unwrap();
    let mut text = String::new();
    flate2::read::GzDecoder::new(&packed[..])
        .read_to_string(&mut text)
        .unwrap();
    assert!(
        text.starts_with(
            "{\n    \"Prizes\": {\n        \"Eastern Palace\": \"PendantOfCourage\",\n"
        ),
        "{text}"
    );
    assert!(text.contains("\"Link's Uncle\": \"ProgressiveSword\""));

    // A game whose spoilers are off stores the JSON `null`.
    let server = MockServer::start().await;
    let seed = generate(&server, answer("off", "none")).await;
    let url = publisher
        .publish(
            &seed,
            SpoilerType::Progression,
            &mut StdRng::seed_from_u64(8),
        )
        .await
        .unwrap();
    let name = url.rsplit('/').next().unwrap();
    assert!(name.starts_with("progression__Ab12Cd34Ef__"));
    let packed = std::fs::read(dir.path().join(name)).unwrap();
    let mut text = String::new();
    flate2::read::GzDecoder::new(&packed[..])
        .read_to_string(&mut text)
        .unwrap();
    assert_eq!(text, "null");
}
