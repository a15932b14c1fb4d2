//! `/alttpr kisspriest` (`discord.md` §2.12): a batch of "Kiss Priest" games (a mode by
//! hycutype): standard mode with shuffled enemies, the Triforce in the Sanctuary chest as
//! the goal, every dungeon key but Hyrule Castle's placed by hand, a random weapon (or
//! bombs) at Link's Uncle, and bombs guaranteed among the enemy drops. The last third of a
//! batch is harder (fewer heart containers, one armour and two swords fewer, more pieces of
//! heart).
//!
//! [`batch`] builds the customizer settings (pure, randomness from the caller);
//! [`kisspriest`] generates them on alttpr.com's customizer and posts one embed.

use base64::Engine as _;
use rand::Rng;
use rand::seq::SliceRandom as _;
use sahasrahbot_core::presets::{GenerationAudit, ProviderRequest, base_customizer_payload};
use sahasrahbot_seedgen::Surface as GenSurface;
use serde_json::{Value as Json, json};

use crate::Result;
use crate::context::{Ctx, Options};
use crate::embeds::alttpr::{field, file_select_code};
use crate::errors::Error;

/// Discord's "blurple" (the Kiss Priest embed).
const BLURPLE: u32 = 0x0058_65F2;
/// The most games one command makes.
pub const MAX_GAMES: i64 = 10;

/// The location of Link's Uncle's item.
const UNCLE: &str = "Link's Uncle:1";

/// Fixed placements: the Triforce and every dungeon small key but Hyrule Castle's.
const PLACED: [(&str, &str); 29] = [
    ("Sanctuary:1", "Triforce"),
    ("Desert Palace - Torch:1", "KeyP2"),
    ("Tower of Hera - Basement Cage:1", "KeyP3"),
    ("Castle Tower - Room 03:1", "KeyA1"),
    ("Castle Tower - Dark Maze:1", "KeyA1"),
    ("Palace of Darkness - Shooter Room:1", "KeyD1"),
    ("Palace of Darkness - The Arena - Ledge:1", "KeyD1"),
    ("Palace of Darkness - The Arena - Bridge:1", "KeyD1"),
    ("Palace of Darkness - Stalfos Basement:1", "KeyD1"),
    ("Palace of Darkness - Dark Basement - Left:1", "KeyD1"),
    ("Palace of Darkness - Dark Basement - Right:1", "KeyD1"),
    ("Swamp Palace - Entrance:1", "KeyD2"),
    ("Skull Woods - Bridge Room:1", "KeyD3"),
    ("Skull Woods - Pot Prison:1", "KeyD3"),
    ("Skull Woods - Pinball Room:1", "KeyD3"),
    ("Thieves' Town - Ambush Chest:1", "KeyD4"),
    ("Ice Palace - Freezor Chest:1", "KeyD5"),
    ("Ice Palace - Iced T Room:1", "KeyD5"),
    ("Misery Mire - Main Lobby:1", "KeyD6"),
    ("Misery Mire - Bridge Chest:1", "KeyD6"),
    ("Misery Mire - Spike Chest:1", "KeyD6"),
    ("Turtle Rock - Chain Chomps:1", "KeyD7"),
    ("Turtle Rock - Roller Room - Left:1", "KeyD7"),
    ("Turtle Rock - Roller Room - Right:1", "KeyD7"),
    ("Turtle Rock - Big Chest:1", "KeyD7"),
    ("Ganon's Tower - Bob's Torch:1", "KeyA2"),
    ("Ganon's Tower - DMs Room - Top Left:1", "KeyA2"),
    ("Ganon's Tower - DMs Room - Top Right:1", "KeyA2"),
    ("Ganon's Tower - DMs Room - Bottom Left:1", "KeyA2"),
];

/// What Link's Uncle may hold; the sword is eight times rarer than each other weapon.
const UNCLE_WEAPONS: [(&str, u32); 7] = [
    ("ProgressiveSword", 1),
    ("ProgressiveBow", 8),
    ("FireRod", 8),
    ("Hammer", 8),
    ("CaneOfByrna", 8),
    ("CaneOfSomaria", 8),
    ("TenBombs", 8),
];

const NOTES: &str = "The Triforce is in the Sanctuary chest. THE KEY MAY BE IN THE UNCLE \
CHEST.\n\nBombs are guaranteed as drops in case the uncle weapon can't kill the boomerang \
chest guard or the key rat: packs 4 and 7 are unchanged (8 bombs), the second prize of every \
other pack is a 4-bomb drop, and so is the second crab drop.";

/// A key of the customizer's `l` (placements) map: the location, base64-encoded.
fn location_key(location: &str) -> String {
    base64::engine::general_purpose::STANDARD.encode(location)
}

/// A key of `weights` picked with probability proportional to its weight (`None` when all
/// weights are zero).
fn weighted<'a>(rng: &mut impl Rng, weights: &[(&'a str, u32)]) -> Option<&'a str> {
    let total: u32 = weights.iter().map(|(_, w)| w).sum();
    if total == 0 {
        return None;
    }
    let mut pick = rng.gen_range(0..total);
    for (key, weight) in weights {
        if pick < *weight {
            return Some(key);
        }
        pick -= weight;
    }
    None
}

/// The uncle items of a batch: each pick halves that weapon's weight, and the list is
/// reversed so a (rare) sword tends to come early.
pub fn uncle_weapons(rng: &mut impl Rng, count: usize) -> Vec<String> {
    let mut weights: Vec<(&str, u32)> = UNCLE_WEAPONS.to_vec();
    let mut picks = Vec::with_capacity(count);
    for _ in 0..count {
        let Some(pick) = weighted(rng, &weights) else {
            break;
        };
        if let Some(entry) = weights.iter_mut().find(|(k, _)| *k == pick) {
            entry.1 /= 2;
        }
        picks.push(pick.to_owned());
    }
    picks.reverse();
    picks
}

/// The settings every game of a batch starts from (before its uncle item and drops).
fn base_settings() -> Json {
    let mut s = base_customizer_payload();
    for (key, value) in [
        ("allow_quickswap", json!(true)),
        ("glitches", json!("none")),
        ("item_placement", json!("advanced")),
        ("dungeon_items", json!("standard")),
        ("accessibility", json!("none")),
        ("goal", json!("triforce-hunt")),
        ("crystals", json!({"ganon": "7", "tower": "7"})),
        ("mode", json!("standard")),
        ("hints", json!("off")),
        ("weapons", json!("randomized")),
        ("item", json!({"pool": "normal", "functionality": "normal"})),
        ("tournament", json!(true)),
        ("spoilers", json!("off")),
        ("lang", json!("en")),
        (
            "enemizer",
            json!({"boss_shuffle": "none", "enemy_shuffle": "shuffled",
                   "enemy_damage": "default", "enemy_health": "default"}),
        ),
        ("notes", json!(NOTES)),
        (
            "eq",
            json!([
                "BossHeartContainer",
                "BossHeartContainer",
                "BossHeartContainer"
            ]),
        ),
    ] {
        s[key] = value;
    }
    let placed: serde_json::Map<String, Json> = PLACED
        .iter()
        .map(|(location, item)| (location_key(location), json!(format!("{item}:1"))))
        .collect();
    s["l"] = Json::Object(placed);
    let counts = &mut s["custom"]["item"]["count"];
    // The placed keys leave the pool; one twenty-rupee pile makes room for the Triforce.
    for (_, item) in PLACED.iter().filter(|(_, item)| *item != "Triforce") {
        counts[*item] = json!(0);
    }
    adjust(counts, "TwentyRupees", -1);
    s["custom"]["region.wildKeys"] = json!(true);
    s["custom"]["rom.logicMode"] = json!("NoGlitches");
    s["drops"] = json!({
        "0": ["Heart", "BombRefill4", "Heart", "Heart", "RupeeGreen", "Heart", "Heart", "RupeeGreen"],
        "1": ["RupeeBlue", "BombRefill4", "RupeeBlue", "RupeeRed", "RupeeBlue", "RupeeGreen", "RupeeBlue", "RupeeBlue"],
        "2": ["MagicRefillFull", "BombRefill4", "MagicRefillSmall", "RupeeBlue", "MagicRefillFull", "MagicRefillSmall", "Heart", "MagicRefillSmall"],
        "3": ["BombRefill1", "BombRefill1", "BombRefill1", "BombRefill4", "BombRefill1", "BombRefill1", "BombRefill8", "BombRefill1"],
        "4": ["ArrowRefill5", "BombRefill4", "ArrowRefill5", "ArrowRefill10", "ArrowRefill5", "Heart", "ArrowRefill5", "ArrowRefill10"],
        "5": ["MagicRefillSmall", "BombRefill4", "Heart", "ArrowRefill5", "MagicRefillSmall", "BombRefill1", "RupeeGreen", "Heart"],
        "6": ["Heart", "Fairy", "MagicRefillFull", "RupeeRed", "BombRefill8", "Heart", "RupeeRed", "ArrowRefill10"],
        "pull": ["RupeeGreen", "RupeeGreen", "RupeeGreen"],
        "crab": ["auto_fill", "BombRefill4"],
        "stun": ["auto_fill"],
        "fish": ["RupeeGreen"]
    });
    s
}

fn adjust(counts: &mut Json, item: &str, by: i64) {
    let now = counts[item].as_i64().unwrap_or(0);
    counts[item] = json!(now + by);
}

/// Draws the first crab and stun drops from the drop pool, shuffles prize packs 1–6 (the
/// seventh stays), and makes sure the third pack's second prize is an 8-bomb drop.
fn randomize_drops(rng: &mut impl Rng, settings: &mut Json) {
    let mut pool: Vec<(String, u32)> = settings["custom"]["drop"]["count"]
        .as_object()
        .map(|m| {
            m.iter()
                .map(|(k, v)| {
                    (
                        k.clone(),
                        u32::try_from(v.as_u64().unwrap_or(0)).unwrap_or(0),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    for slot in ["crab", "stun"] {
        let weights: Vec<(&str, u32)> = pool.iter().map(|(k, w)| (k.as_str(), *w)).collect();
        if let Some(drop) = weighted(rng, &weights).map(str::to_owned) {
            if let Some(entry) = pool.iter_mut().find(|(k, _)| *k == drop) {
                entry.1 -= 1;
            }
            settings["custom"]["drop"]["count"][drop.as_str()] =
                json!(pool.iter().find(|(k, _)| *k == drop).map_or(0, |(_, w)| *w));
            settings["drops"][slot][0] = json!(drop);
        }
    }
    let mut packs: Vec<Json> = (0..6)
        .map(|i| settings["drops"][i.to_string()].clone())
        .collect();
    packs.shuffle(rng);
    if packs[2][1] == "BombRefill4" {
        packs[2][1] = json!("BombRefill8");
    }
    for (i, pack) in packs.into_iter().enumerate() {
        settings["drops"][i.to_string()] = pack;
    }
}

/// The customizer settings of a batch of `count` games named
/// `kiss-priest-{ABC}-{01…}`.
pub fn batch(rng: &mut impl Rng, count: usize) -> Vec<Json> {
    let code: String = (0..3)
        .map(|_| char::from(rng.gen_range(b'A'..=b'Z')))
        .collect();
    let uncle = uncle_weapons(rng, count);
    let hard_from = count * 2 / 3;
    (0..count)
        .map(|i| {
            let mut s = base_settings();
            randomize_drops(rng, &mut s);
            s["name"] = json!(format!("kiss-priest-{code}-{:02}", i + 1));
            if let Some(weapon) = uncle.get(i) {
                s["l"][location_key(UNCLE)] = json!(weapon);
                adjust(&mut s["custom"]["item"]["count"], weapon, -1);
            }
            if i >= hard_from {
                let counts = &mut s["custom"]["item"]["count"];
                adjust(counts, "BossHeartContainer", -6);
                adjust(counts, "ProgressiveArmor", -1);
                adjust(counts, "ProgressiveSword", -2);
                adjust(counts, "PieceOfHeart", 9);
            }
            s
        })
        .collect()
}

/// `/alttpr kisspriest [count]`: defer(pub), generate `count` (1–10, default 10) games on
/// alttpr.com's customizer (an audit row each), follow-up with the "Kiss Priest Games"
/// embed: one field per game (its name, the permalink and the file-select code).
pub(crate) async fn kisspriest(ctx: &Ctx, options: &Options) -> Result<()> {
    let count = options.integer("count").unwrap_or(MAX_GAMES);
    if !(1..=MAX_GAMES).contains(&count) {
        return Err(Error::BadOption(format!(
            "`count` must be between 1 and {MAX_GAMES}."
        )));
    }
    let count = usize::try_from(count).unwrap_or(1);
    ctx.defer(false).await?;
    let games = batch(&mut rand::thread_rng(), count);
    let audit = GenerationAudit {
        randomizer: "alttpr".to_owned(),
        gentype: "preset".to_owned(),
        genoption: Some("kisspriest".to_owned()),
        customizer: true,
        doors: Some(false),
        avianart: Some(false),
    };
    let emoji = |name: &str| ctx.bot.emoji(name);
    let mut fields = Vec::with_capacity(count);
    for (i, settings) in games.into_iter().enumerate() {
        let request = ProviderRequest::Alttpr {
            baseurl: None,
            endpoint: "/api/customizer".to_owned(),
            body: settings,
        };
        let seed = ctx
            .bot
            .deps
            .seedgen
            .generate(&request, Some(&audit), Some(GenSurface::Discord))
            .await?;
        let name = seed
            .data
            .pointer("/spoiler/meta/name")
            .and_then(Json::as_str)
            .map_or_else(|| format!("Game {}", i + 1), str::to_owned);
        let code = seed.code.clone().unwrap_or_default();
        fields.push(field(
            &name,
            format!("{}\n{}", seed.url, file_select_code(&code, &emoji)),
            false,
        ));
    }
    let embed = crate::embeds::embed("Kiss Priest Games", None, BLURPLE, fields, None);
    ctx.followup(None, &[embed]).await
}

#[cfg(test)]
mod tests {
    use rand::SeedableRng as _;

    use super::*;

    fn total(counts: &Json) -> i64 {
        counts
            .as_object()
            .unwrap()
            .values()
            .map(|v| v.as_i64().unwrap())
            .sum()
    }

    #[test]
    fn a_batch_places_the_triforce_keys_and_an_uncle_item() {
        let mut rng = rand::rngs::StdRng::seed_from_u64(7);
        let games = batch(&mut rng, 6);
        assert_eq!(games.len(), 6);
        let code = &games[0]["name"].as_str().unwrap()[12..15];
        for (i, g) in games.iter().enumerate() {
            assert_eq!(g["name"], format!("kiss-priest-{code}-{:02}", i + 1));
            assert_eq!(g["goal"], "triforce-hunt");
            assert_eq!(g["l"][location_key("Sanctuary:1")], "Triforce:1");
            assert_eq!(g["l"].as_object().unwrap().len(), 30);
            let weapon = g["l"][location_key(UNCLE)].as_str().unwrap();
            assert!(UNCLE_WEAPONS.iter().any(|(w, _)| *w == weapon));
            // 216 locations: 30 placed, the rest from the pool (the harder games trade
            // containers, armour and swords for pieces of heart: 6 + 1 + 2 = 9).
            assert_eq!(total(&g["custom"]["item"]["count"]), 216 - 30, "game {i}");
            let drops = &g["drops"];
            assert_eq!(drops["6"][0], "Heart");
            assert_ne!(drops["2"][1], "BombRefill4");
            assert_ne!(drops["crab"][0], "auto_fill");
            assert_ne!(drops["stun"][0], "auto_fill");
            assert_eq!(total(&g["custom"]["drop"]["count"]), 63 - 2);
        }
        let hard = |g: &Json| g["custom"]["item"]["count"]["PieceOfHeart"] == 33;
        assert_eq!(games.iter().filter(|g| hard(g)).count(), 2);
        assert!(hard(&games[4]) && hard(&games[5]));
    }

    #[test]
    fn uncle_weapons_repeat_less_and_never_run_dry_early() {
        let mut rng = rand::rngs::StdRng::seed_from_u64(1);
        let picks = uncle_weapons(&mut rng, 10);
        assert_eq!(picks.len(), 10);
        let mut rng = rand::rngs::StdRng::seed_from_u64(2);
        let w = [("a", 0), ("b", 3)];
        assert!((0..50).all(|_| weighted(&mut rng, &w) == Some("b")));
        assert_eq!(weighted(&mut rng, &[("a", 0)]), None);
    }
}
