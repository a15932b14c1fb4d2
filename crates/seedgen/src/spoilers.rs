//! alttpr.com spoiler logs for spoiler races (core.md §4.1): the formatted spoiler, the
//! progression spoiler, the object name, the gzipped body and the upload through a
//! [`SpoilerStore`]. Key order follows the original (sections in a fixed order, locations
//! in the order alttpr.com sent them), which is why this works on [`OrderedJson`].

use std::path::PathBuf;

use rand::Rng;
use rand::distributions::Alphanumeric;

use crate::contract::RetryPolicy;
use crate::error::{Error, Result};
use crate::ordered::OrderedJson;
use crate::providers::alttpr::patch_bytes;
use crate::pyjson::dumps_ordered_indent;
use crate::seed::GeneratedSeed;
use crate::storage::{Backend, PutObject, SpoilerStore, gzip};
use sahasrahbot_core::config::Config;

/// Where spoiler logs are kept without a bucket; the API serves it under `/spoilers/`.
pub const LOCAL_SPOILER_DIR: &str = "data/spoilers";

/// Which spoiler a race publishes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SpoilerType {
    /// The whole (filtered, translated) spoiler.
    Spoiler,
    /// Only where the progression items are.
    Progression,
}

impl SpoilerType {
    /// `spoiler` or `progression`, the object name prefix.
    pub fn as_str(self) -> &'static str {
        match self {
            SpoilerType::Spoiler => "spoiler",
            SpoilerType::Progression => "progression",
        }
    }
}

const SECTIONS: [&str; 17] = [
    "Special",
    "Hyrule Castle",
    "Eastern Palace",
    "Desert Palace",
    "Tower Of Hera",
    "Castle Tower",
    "Dark Palace",
    "Swamp Palace",
    "Skull Woods",
    "Thieves Town",
    "Ice Palace",
    "Misery Mire",
    "Turtle Rock",
    "Ganons Tower",
    "Light World",
    "Death Mountain",
    "Dark World",
];

const ER_SECTIONS: [&str; 17] = [
    "Special",
    "Hyrule Castle",
    "Eastern Palace",
    "Desert Palace",
    "Tower of Hera",
    "Agahnims Tower",
    "Palace of Darkness",
    "Swamp Palace",
    "Skull Woods",
    "Thieves Town",
    "Ice Palace",
    "Misery Mire",
    "Turtle Rock",
    "Ganons Tower",
    "Caves",
    "Light World",
    "Dark World",
];

/// (section, prize location) without entrance shuffle; with it, see [`prize_map`].
const PRIZES: [(&str, &str); 10] = [
    ("Eastern Palace", "Eastern Palace - Prize:1"),
    ("Desert Palace", "Desert Palace - Prize:1"),
    ("Tower Of Hera", "Tower of Hera - Prize:1"),
    ("Dark Palace", "Palace of Darkness - Prize:1"),
    ("Swamp Palace", "Swamp Palace - Prize:1"),
    ("Skull Woods", "Skull Woods - Prize:1"),
    ("Thieves Town", "Thieves' Town - Prize:1"),
    ("Ice Palace", "Ice Palace - Prize:1"),
    ("Misery Mire", "Misery Mire - Prize:1"),
    ("Turtle Rock", "Turtle Rock - Prize:1"),
];

fn prize_map(er: bool) -> Vec<(String, String)> {
    PRIZES
        .iter()
        .map(|(section, location)| {
            if er {
                let section = match *section {
                    "Tower Of Hera" => "Tower of Hera",
                    "Dark Palace" => "Palace of Darkness",
                    s => s,
                };
                (section.to_owned(), location.replace(":1", ""))
            } else {
                ((*section).to_owned(), (*location).to_owned())
            }
        })
        .collect()
}

/// The 40 items the progression spoiler lists.
pub const PROGRESSION_ITEMS: [&str; 40] = [
    "L1Sword",
    "MasterSword",
    "ProgressiveSword",
    "BottleWithRandom",
    "Bottle",
    "BottleWithRedPotion",
    "BottleWithGreenPotion",
    "BottleWithBluePotion",
    "BottleWithBee",
    "BottleWithGoldBee",
    "BottleWithFairy",
    "Bombos",
    "BookOfMudora",
    "BowAndArrows",
    "CaneOfSomaria",
    "Cape",
    "Ether",
    "FireRod",
    "Flippers",
    "Hammer",
    "Hookshot",
    "IceRod",
    "Lamp",
    "MagicMirror",
    "MoonPearl",
    "Mushroom",
    "OcarinaInactive",
    "OcarinaActive",
    "PegasusBoots",
    "Powder",
    "PowerGlove",
    "Quake",
    "Shovel",
    "TitansMitt",
    "BowAndSilverArrows",
    "SilverArrowUpgrade",
    "ProgressiveGlove",
    "ProgressiveBow",
    "BugCatchingNet",
    "CaneOfByrna",
];

/// Dungeon items named with their dungeon (`BigKeyP1` → `BigKeyP1-EasternPalace`);
/// `None` for anything else (46 entries, Appendix B).
pub fn translate_dungeon_item(item: &str) -> Option<String> {
    let (kind, code) = ["BigKey", "Key", "Map", "Compass"]
        .iter()
        .find_map(|k| item.strip_prefix(k).map(|rest| (*k, rest)))?;
    let dungeon = match code {
        "P1" => "EasternPalace",
        "P2" => "DesertPalace",
        "P3" => "TowerOfHera",
        "D1" => "PalaceOfDarkness",
        "D2" => "SwampPalace",
        "D3" => "SkullWoods",
        "D4" => "ThievesTown",
        "D5" => "IcePalace",
        "D6" => "MiseryMire",
        "D7" => "TurtleRock",
        "A1" => "CastleTower",
        "A2" => "GanonsTower",
        "H2" => "HyruleCastle",
        _ => return None,
    };
    let missing = matches!(
        (kind, code),
        ("BigKey", "A1" | "H2") | ("Key", "P1") | ("Map", "A1") | ("Compass", "A1" | "H2")
    );
    (!missing).then(|| format!("{item}-{dungeon}"))
}

/// A drop byte's sprite name.
pub fn droppable(byte: u8) -> &'static str {
    match byte {
        121 => "Bee",
        178 => "BeeGood",
        216 => "Heart",
        217 => "RupeeGreen",
        218 => "RupeeBlue",
        219 => "RupeeRed",
        220 => "BombRefill1",
        221 => "BombRefill4",
        222 => "BombRefill8",
        223 => "MagicRefillSmall",
        224 => "MagicRefillFull",
        225 => "ArrowRefill5",
        226 => "ArrowRefill10",
        227 => "Fairy",
        _ => "ERR: UNKNOWN",
    }
}

const PACK_GROUPS: [&str; 7] = [
    "HeartsGroup",
    "RupeesGroup",
    "MagicGroup",
    "BombsGroup",
    "ArrowsGroup",
    "SmallVarietyGroup",
    "LargeVarietyGroup",
];

const VANILLA_PACKS: [(&str, [u8; 8]); 7] = [
    ("HeartsPack", [216, 216, 216, 216, 217, 216, 216, 217]),
    ("RupeesPack", [218, 217, 218, 219, 218, 217, 218, 218]),
    ("MagicPack", [224, 223, 223, 218, 224, 223, 216, 223]),
    ("BombsPack", [220, 220, 220, 221, 220, 220, 222, 220]),
    ("ArrowsPack", [225, 216, 225, 226, 225, 216, 225, 226]),
    ("SmallVarietyPack", [223, 217, 216, 225, 223, 220, 217, 216]),
    ("LargeVarietyPack", [216, 227, 224, 219, 222, 216, 219, 226]),
];

fn pack_name(pack: &[u8]) -> String {
    VANILLA_PACKS
        .iter()
        .find(|(_, bytes)| bytes[..] == *pack)
        .map_or_else(
            || {
                pack.iter()
                    .map(|b| droppable(*b))
                    .collect::<Vec<_>>()
                    .join(", ")
            },
            |(name, _)| (*name).to_owned(),
        )
}

/// The bytes of the patch chunk starting exactly at `offset` (the original looks drops up
/// by literal key).
fn chunk_at(patch: &OrderedJson, offset: u32) -> Option<Vec<u8>> {
    let key = offset.to_string();
    let OrderedJson::Array(chunks) = patch else {
        return None;
    };
    chunks.iter().find_map(|c| match c.get(&key)? {
        OrderedJson::Array(bytes) => Some(
            bytes
                .iter()
                .map(|b| match b {
                    OrderedJson::Number(n) => n.as_u64().and_then(|v| u8::try_from(v).ok()),
                    _ => None,
                })
                .collect::<Option<Vec<u8>>>()
                .unwrap_or_default(),
        ),
        _ => None,
    })
}

fn obj() -> OrderedJson {
    OrderedJson::Object(Vec::new())
}

/// `Drops`: pull tree, rupee crab, stun, fish, prize packs (absent offsets left out).
fn drops(patch: &OrderedJson) -> OrderedJson {
    let mut d = obj();
    let mut tree = obj();
    if let Some(b) = chunk_at(patch, 981_972) {
        for (i, tier) in ["Tier1", "Tier2", "Tier3"].iter().enumerate() {
            if let Some(v) = b.get(i) {
                tree.insert(tier, droppable(*v).into());
            }
        }
    }
    d.insert("PullTree", tree);
    let mut crab = obj();
    for (name, offset) in [("Main", 207_304), ("Final", 207_300)] {
        if let Some(v) = chunk_at(patch, offset).and_then(|b| b.first().copied()) {
            crab.insert(name, droppable(v).into());
        }
    }
    d.insert("RupeeCrab", crab);
    for (name, offset) in [("Stun", 227_731), ("FishSave", 950_988)] {
        if let Some(v) = chunk_at(patch, offset).and_then(|b| b.first().copied()) {
            d.insert(name, droppable(v).into());
        }
    }
    let mut packs = obj();
    if let Some(b) = chunk_at(patch, 227_960) {
        for (group, pack) in PACK_GROUPS.iter().zip(b.chunks_exact(8)) {
            packs.insert(group, OrderedJson::String(pack_name(pack)));
        }
    }
    d.insert("PrizePacks", packs);
    d
}

/// Keys and string values with every `:1` removed.
fn strip_one(section: &OrderedJson) -> OrderedJson {
    match section {
        OrderedJson::Object(entries) => OrderedJson::Object(
            entries
                .iter()
                .map(|(k, v)| {
                    let v = match v {
                        OrderedJson::String(s) => OrderedJson::String(s.replace(":1", "")),
                        other => other.clone(),
                    };
                    (k.replace(":1", ""), v)
                })
                .collect(),
        ),
        other => other.clone(),
    }
}

fn meta_str<'a>(spoiler: &'a OrderedJson, key: &str) -> Option<&'a str> {
    spoiler.get("meta")?.get(key)?.as_str()
}

fn published(spoiler: &OrderedJson) -> bool {
    matches!(meta_str(spoiler, "spoilers"), Some("on" | "generate"))
}

fn meta_with_links(spoiler: &OrderedJson, hash: &str, permalink: &str) -> OrderedJson {
    let mut meta = spoiler.get("meta").cloned().unwrap_or_else(obj);
    meta.insert("hash", hash.into());
    meta.insert("permalink", permalink.into());
    meta
}

fn spoiler_of(game: &OrderedJson) -> Result<&OrderedJson> {
    game.get("spoiler")
        .filter(|s| s.get("meta").is_some())
        .ok_or_else(|| Error::Spoiler("the game has no spoiler.meta".to_owned()))
}

/// The formatted spoiler of a game (pyz3r's filtered spoiler with dungeon items
/// translated); `None` unless the game's spoilers are `on` or `generate`.
///
/// # Errors
/// When the game has no `spoiler.meta`.
pub fn formatted_spoiler(
    game: &OrderedJson,
    hash: &str,
    permalink: &str,
) -> Result<Option<OrderedJson>> {
    let spoiler = spoiler_of(game)?;
    if !published(spoiler) {
        return Ok(None);
    }
    let er = meta_str(spoiler, "shuffle").unwrap_or("none") != "none";
    let sections: &[&str] = if er { &ER_SECTIONS } else { &SECTIONS };
    let prizes = prize_map(er);

    let mut out = obj();
    let mut prize_out = obj();
    for (section, location) in &prizes {
        if let Some(item) = spoiler
            .get(section)
            .and_then(|s| s.get(location))
            .and_then(OrderedJson::as_str)
        {
            prize_out.insert(section, OrderedJson::String(item.replace(":1", "")));
        }
    }
    out.insert("Prizes", prize_out);
    for section in sections {
        let Some(found) = spoiler.get(section) else {
            continue;
        };
        let mut filtered = strip_one(found);
        if let OrderedJson::Object(entries) = &mut filtered {
            for (_, value) in entries.iter_mut() {
                if let Some(t) = value.as_str().and_then(translate_dungeon_item) {
                    *value = OrderedJson::String(t);
                }
            }
        }
        out.insert(section, filtered);
    }
    let patch = game.get("patch").cloned().unwrap_or(OrderedJson::Null);
    out.insert("Drops", drops(&patch));
    let digs = patch_bytes(&patch.to_json(), 982_421, 1)
        .ok()
        .and_then(|b| b.first().copied());
    if let (Some(digs), OrderedJson::Object(entries)) = (digs, &mut out)
        && let Some((_, special)) = entries.iter_mut().find(|(k, _)| k == "Special")
    {
        special.insert("DiggingGameDigs", OrderedJson::Number(digs.into()));
    }
    if meta_str(spoiler, "mode").unwrap_or("open") == "retro"
        && let Some(shops) = spoiler.get("Shops")
    {
        out.insert("Shops", shops.clone());
    }
    if meta_str(spoiler, "enemizer.boss_shuffle").unwrap_or("none") != "none"
        && let Some(bosses) = spoiler.get("Bosses")
    {
        out.insert("Bosses", strip_one(bosses));
    }
    if er && let Some(entrances) = spoiler.get("Entrances") {
        out.insert("Entrances", entrances.clone());
    }
    out.insert("meta", meta_with_links(spoiler, hash, permalink));
    if let OrderedJson::Object(entries) = &mut out {
        for (section, location) in &prizes {
            let key = location.replace(":1", "");
            if let Some((_, s)) = entries.iter_mut().find(|(k, _)| k == section) {
                s.remove(&key);
            }
        }
    }
    Ok(Some(out))
}

/// The progression spoiler: for each region, the locations holding a progression item;
/// `None` unless the game's spoilers are `on` or `generate`.
///
/// # Errors
/// Entrance-shuffled games ("Entrance randomizer is not yet supported."), or no
/// `spoiler.meta`.
pub fn progression_spoiler(
    game: &OrderedJson,
    hash: &str,
    permalink: &str,
) -> Result<Option<OrderedJson>> {
    let spoiler = spoiler_of(game)?;
    if !published(spoiler) {
        return Ok(None);
    }
    if meta_str(spoiler, "shuffle").unwrap_or("none") != "none" {
        return Err(Error::Spoiler(
            "Entrance randomizer is not yet supported.".to_owned(),
        ));
    }
    let mut out = obj();
    for region in &SECTIONS[1..] {
        let Some(entries) = spoiler.get(region).and_then(OrderedJson::entries) else {
            continue;
        };
        let locations: Vec<OrderedJson> = entries
            .iter()
            .filter(|(_, item)| {
                item.as_str()
                    .is_some_and(|i| PROGRESSION_ITEMS.contains(&i.replace(":1", "").as_str()))
            })
            .map(|(location, _)| OrderedJson::String(location.replace(":1", "")))
            .collect();
        if !locations.is_empty() {
            out.insert(region, OrderedJson::Array(locations));
        }
    }
    out.insert("meta", meta_with_links(spoiler, hash, permalink));
    Ok(Some(out))
}

/// `<type>__<hash>__<code joined by "-", spaces removed>__<suffix>.txt`.
pub fn object_name(spoiler_type: SpoilerType, hash: &str, code: &[String], suffix: &str) -> String {
    let code = code.join("-").replace(' ', "");
    format!("{}__{hash}__{code}__{suffix}.txt", spoiler_type.as_str())
}

/// The stored body: gzip of the JSON written as Python writes it with `indent=4`
/// (`null` when there is no spoiler).
pub fn spoiler_body(spoiler: Option<&OrderedJson>) -> Vec<u8> {
    let text = spoiler.map_or_else(|| "null".to_owned(), |s| dumps_ordered_indent(s, 4));
    gzip(text.as_bytes())
}

/// Where the configuration says spoiler logs go: the `AWS_SPOILER_BUCKET_NAME` S3 bucket,
/// or [`LOCAL_SPOILER_DIR`] when no bucket is set.
pub fn spoiler_backend(config: &Config) -> Backend {
    let bucket = config.spoilers.aws_spoiler_bucket_name.trim();
    if bucket.is_empty() {
        Backend::Local(PathBuf::from(LOCAL_SPOILER_DIR))
    } else {
        Backend::S3 {
            bucket: bucket.to_owned(),
        }
    }
}

/// Publishes spoiler logs of alttpr.com games.
#[derive(Debug, Clone)]
pub struct SpoilerPublisher {
    store: SpoilerStore,
}

impl SpoilerPublisher {
    /// Stores into `store`; links are its [`SpoilerStore::url`]s.
    pub fn new(store: SpoilerStore) -> Self {
        Self { store }
    }

    /// The publisher the bot's configuration describes ([`spoiler_backend`]): an S3
    /// bucket configured from the `AWS_*` environment variables, or a local directory
    /// (created when missing); links start with `SPOILERLOGURLBASE`, or for the local
    /// directory `{APP_URL}/spoilers` when that is unset.
    ///
    /// # Errors
    /// When the directory cannot be created or the S3 configuration is invalid.
    pub fn from_config(config: &Config) -> Result<Self> {
        let mut url_base = config.spoilers.spoiler_log_url_base.clone();
        if url_base.trim().is_empty() && matches!(spoiler_backend(config), Backend::Local(_)) {
            // Local logs are served by the bot's own web server.
            url_base = format!("{}/spoilers", config.api.app_url.trim_end_matches('/'));
        }
        let store = match spoiler_backend(config) {
            Backend::Local(dir) => SpoilerStore::local(dir, url_base)?,
            Backend::S3 { bucket } => SpoilerStore::s3(
                SpoilerStore::s3_builder(&bucket, RetryPolicy::default()),
                url_base,
            )?,
        };
        Ok(Self::new(store))
    }

    /// The store spoiler logs go to.
    pub fn store(&self) -> &SpoilerStore {
        &self.store
    }

    /// Formats the game's spoiler, stores it (public, gzip, attachment) and returns its URL.
    ///
    /// # Errors
    /// A game that is not from alttpr.com, an entrance-shuffled progression spoiler, or a
    /// storage failure.
    pub async fn publish(
        &self,
        seed: &GeneratedSeed,
        spoiler_type: SpoilerType,
        rng: &mut (impl Rng + Send),
    ) -> Result<String> {
        let raw = seed
            .raw
            .as_deref()
            .ok_or_else(|| Error::Spoiler("not an alttpr.com game".to_owned()))?;
        let game = OrderedJson::parse(raw).map_err(|e| Error::Spoiler(e.to_string()))?;
        let spoiler = match spoiler_type {
            SpoilerType::Spoiler => formatted_spoiler(&game, &seed.hash_or_id, &seed.url)?,
            SpoilerType::Progression => progression_spoiler(&game, &seed.hash_or_id, &seed.url)?,
        };
        let suffix: String = (0..4)
            .map(|_| char::from(rng.sample(Alphanumeric)))
            .collect();
        let code = seed.code.clone().unwrap_or_default();
        let name = object_name(spoiler_type, &seed.hash_or_id, &code, &suffix);
        self.store
            .put(PutObject {
                key: name,
                bytes: spoiler_body(spoiler.as_ref()),
                public: true,
                content_encoding: Some("gzip".to_owned()),
                attachment: true,
            })
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dungeon_item_translation_has_46_entries() {
        let mut n = 0;
        for kind in ["BigKey", "Key", "Map", "Compass"] {
            for code in [
                "P1", "P2", "P3", "D1", "D2", "D3", "D4", "D5", "D6", "D7", "A1", "A2", "H1", "H2",
            ] {
                if translate_dungeon_item(&format!("{kind}{code}")).is_some() {
                    n += 1;
                }
            }
        }
        assert_eq!(n, 46);
        assert_eq!(
            translate_dungeon_item("BigKeyP1").as_deref(),
            Some("BigKeyP1-EasternPalace")
        );
        assert_eq!(translate_dungeon_item("KeyP1"), None);
        assert_eq!(translate_dungeon_item("ProgressiveSword"), None);
    }

    #[test]
    fn object_names_drop_spaces() {
        let code = ["Bow", "Magic Powder", "Hookshot", "Bombs", "Lamp"].map(String::from);
        assert_eq!(
            object_name(SpoilerType::Spoiler, "Ab12Cd34Ef", &code, "x9Qz"),
            "spoiler__Ab12Cd34Ef__Bow-MagicPowder-Hookshot-Bombs-Lamp__x9Qz.txt"
        );
    }

    #[test]
    fn prize_packs_use_names_for_vanilla_sets() {
        assert_eq!(
            pack_name(&[216, 216, 216, 216, 217, 216, 216, 217]),
            "HeartsPack"
        );
        assert_eq!(
            pack_name(&[216, 1, 216, 216, 217, 216, 216, 217]),
            "Heart, ERR: UNKNOWN, Heart, Heart, RupeeGreen, Heart, Heart, RupeeGreen"
        );
    }
}
