//! The door-randomizer mystery path (core.md §1.6.3 steps 2–5 and §1.6.5).

use super::options::{Options, apply_rules, assured_sword, draw_or, draw_required, is, opt};
use super::rng::{Rng, sample};
use super::weights::get_random_option;
use crate::presets::value::{Map, Value};
use crate::presets::{PresetError, base_doors_payload};

/// The seven draws that decide between the door randomizer and alttpr.com, in order.
pub(crate) const DECIDING: [(&str, DefaultKind); 7] = [
    ("door_shuffle", DefaultKind::Str("vanilla")),
    ("keydropshuffle", DefaultKind::False),
    ("dropshuffle", DefaultKind::False),
    ("pottery", DefaultKind::Str("none")),
    ("shopsanity", DefaultKind::False),
    ("collection_rate", DefaultKind::False),
    ("bombbag", DefaultKind::False),
];

/// A default value of an option draw.
#[derive(Clone, Copy)]
pub(crate) enum DefaultKind {
    /// `False`.
    False,
    /// A string.
    Str(&'static str),
    /// An int.
    Int(i64),
}

impl DefaultKind {
    fn value(self) -> Value {
        match self {
            DefaultKind::False => Value::Bool(false),
            DefaultKind::Str(s) => Value::from(s),
            DefaultKind::Int(i) => Value::Int(i),
        }
    }
}

/// Draws the deciding options; returns them and whether the door randomizer is needed.
pub(crate) fn decide(weights: &Map, rng: &mut dyn Rng) -> Result<(Options, bool), PresetError> {
    let mut options = Options::new();
    for (key, default) in DECIDING {
        let v = draw_or(weights, key, default.value(), rng)?;
        options.insert(key, v);
    }
    let on = |k: &str| is(&options, k, "on");
    let force = weights
        .get("options")
        .and_then(Value::as_map)
        .and_then(|o| o.get("force_doors"))
        .is_some_and(Value::truthy);
    let doors = !is(&options, "door_shuffle", "vanilla")
        || on("keydropshuffle")
        || on("dropshuffle")
        || !is(&options, "pottery", "none")
        || on("shopsanity")
        || on("collection_rate")
        || on("bombbag")
        || force;
    Ok((options, doors))
}

/// `weights.options.branch`, default `stable`.
pub(crate) fn branch(weights: &Map) -> String {
    weights
        .get("options")
        .and_then(Value::as_map)
        .and_then(|o| o.get("branch"))
        .filter(|b| !b.is_null())
        .map_or_else(|| "stable".to_owned(), Value::key_string)
}

const REQUIRED_FIRST: [&str; 15] = [
    "glitches_required",
    "dungeon_items",
    "accessibility",
    "goals",
    "ganon_open",
    "tower_open",
    "world_state",
    "hints",
    "weapons",
    "item_pool",
    "item_functionality",
    "boss_shuffle",
    "enemy_shuffle",
    "enemy_damage",
    "enemy_health",
];

const LATER: [(&str, DefaultKind); 15] = [
    ("mapshuffle", DefaultKind::False),
    ("compassshuffle", DefaultKind::False),
    ("keyshuffle", DefaultKind::False),
    ("bigkeyshuffle", DefaultKind::False),
    ("timer", DefaultKind::Str("none")),
    ("experimental", DefaultKind::False),
    ("dungeon_counters", DefaultKind::Str("default")),
    ("triforce_pool", DefaultKind::Int(0)),
    ("triforce_goal", DefaultKind::Int(0)),
    ("restrict_boss_items", DefaultKind::Str("none")),
    ("shufflelinks", DefaultKind::False),
    ("overworld_map", DefaultKind::Str("default")),
    ("pseudoboots", DefaultKind::False),
    ("intensity", DefaultKind::Int(2)),
    ("beemizer", DefaultKind::Int(0)),
];

/// §1.6.5: rolls the door randomizer settings, continuing from the deciding `options`.
pub(crate) fn generate_doors_settings(
    weights: &Map,
    mut options: Options,
    rng: &mut dyn Rng,
) -> Result<Map, PresetError> {
    let branch = branch(weights);
    for key in REQUIRED_FIRST {
        let v = draw_required(weights, key, rng)?;
        options.insert(key, v);
    }
    let v = draw_or(weights, "pot_shuffle", Value::from("off"), rng)?;
    options.insert("pot_shuffle", v);
    let v = draw_or(weights, "algorithm", Value::from("balanced"), rng)?;
    options.insert("algorithm", v);
    let v = draw_required(weights, "entrance_shuffle", rng)?;
    options.insert("entrance_shuffle", v);
    let v = draw_or(weights, "colorizepots", Value::Bool(false), rng)?;
    options.insert("colorizepots", v);
    for (key, default) in LATER {
        let v = draw_or(weights, key, default.value(), rng)?;
        options.insert(key, v);
    }
    let volatile = branch == "volatile";
    if volatile {
        for key in ["keyshuffle", "dropshuffle"] {
            let v = draw_or(weights, key, Value::from("none"), rng)?;
            options.insert(key, v);
        }
    }
    // The original crashed on a `keysanity` weight (never drawn); it is drawn here instead.
    if weights.contains_key("keysanity") {
        let v = draw_or(weights, "keysanity", Value::Bool(false), rng)?;
        options.insert("keysanity", v);
    }

    let start_items = start_inventory(weights, rng)?;

    assured_sword(&mut options);
    apply_rules(weights, &mut options, rng)?;

    let Value::Map(mut s) = Value::from_json(&base_doors_payload()) else {
        return Err(PresetError::InvalidWeights(
            "door base payload is not an object".into(),
        ));
    };
    let o = |k: &str| opt(&options, k).cloned();
    let eq_on = |k: &str| is(&options, k, "on");
    let retro = is(&options, "world_state", "retro");
    s.insert("retro", retro);
    s.insert(
        "mode",
        if retro {
            Value::from("open")
        } else {
            o("world_state")?
        },
    );
    s.insert("logic", "noglitches");
    let goal = match o("goals")? {
        Value::Str(g) if g == "fast_ganon" => Value::from("crystals"),
        Value::Str(g) if g == "triforce-hunt" => Value::from("triforcehunt"),
        other => other,
    };
    s.insert("goal", goal.clone());
    s.insert("crystals_gt", o("tower_open")?);
    s.insert("crystals_ganon", o("ganon_open")?);
    let swords = match o("weapons")?.as_str() {
        Some("randomized") => "random",
        Some("assured") => "assured",
        Some("vanilla") => "vanilla",
        Some("swordless") => "swordless",
        _ => return Err(PresetError::MissingKey(o("weapons")?.to_string())),
    };
    s.insert("swords", swords);
    s.insert("difficulty", o("item_pool")?);
    s.insert("item_functionality", o("item_functionality")?);
    s.insert("accessibility", o("accessibility")?);
    s.insert("shopsanity", eq_on("shopsanity"));
    s.insert("algorithm", o("algorithm")?);
    s.insert("shuffleganon", true);
    let shuffle = if is(&options, "entrance_shuffle", "none") {
        Value::from("vanilla")
    } else {
        o("entrance_shuffle")?
    };
    let simple_shuffle = matches!(
        shuffle.as_str(),
        Some("vanilla" | "dungeonsfull" | "dungeonssimple")
    );
    s.insert("shuffle", shuffle);
    let open_pyramid = simple_shuffle && matches!(goal.as_str(), Some("crystals" | "trinity"));
    s.insert("openpyramid", open_pyramid);
    s.insert("shufflepots", is(&options, "pot_shuffle", "on"));
    s.insert("shuffleenemies", o("enemy_shuffle")?);
    s.insert("shufflebosses", o("boss_shuffle")?);
    s.insert("enemy_damage", o("enemy_damage")?);
    s.insert("enemy_health", o("enemy_health")?);
    s.insert("keydropshuffle", eq_on("keydropshuffle"));
    s.insert("dropshuffle", eq_on("dropshuffle"));
    s.insert("pottery", o("pottery")?);
    s.insert("colorizepots", eq_on("colorizepots"));
    let dungeon_items = o("dungeon_items")?;
    let di = dungeon_items.as_str().unwrap_or("");
    for (key, derived) in [
        ("mapshuffle", matches!(di, "mc" | "mcs" | "full")),
        ("compassshuffle", matches!(di, "mc" | "mcs" | "full")),
        ("keyshuffle", matches!(di, "mcs" | "full")),
        ("bigkeyshuffle", di == "full"),
        ("keysanity", di == "full"),
    ] {
        let v = if weights.contains_key(key) {
            eq_on(key)
        } else {
            derived
        };
        s.insert(key, v);
    }
    for key in [
        "timer",
        "dungeon_counters",
        "collection_rate",
        "bombbag",
        "triforce_pool",
        "triforce_goal",
        "restrict_boss_items",
        "shufflelinks",
        "overworld_map",
        "pseudoboots",
        "door_shuffle",
        "intensity",
    ] {
        s.insert(key, o(key)?);
    }
    s.insert("experimental", eq_on("experimental"));
    s.insert("hints", eq_on("hints"));
    s.insert("beemizer", o("beemizer")?);
    s.insert("startinventory", start_items.join(","));
    s.insert("usestartinventory", !start_items.is_empty());
    if volatile {
        s.insert("keyshuffle", o("keyshuffle")?);
        s.insert("dropshuffle", o("dropshuffle")?);
    }
    Ok(s)
}

/// §1.6.5 step 3: the start inventory items (limit drawn first, then a count per item,
/// then `sample` down to the limit).
fn start_inventory(weights: &Map, rng: &mut dyn Rng) -> Result<Vec<String>, PresetError> {
    let limit = get_random_option(weights.get("startinventorylimit"), rng)?;
    let mut items = Vec::new();
    if let Some(Value::Map(inventory)) = weights.get("startinventory") {
        for (item, spec) in inventory.iter() {
            let count = get_random_option(Some(spec), rng)?;
            let n = count.as_int().ok_or_else(|| {
                PresetError::InvalidWeights(format!(
                    "start inventory count {count} for {item} is not an integer"
                ))
            })?;
            for _ in 0..n.max(0) {
                items.push(item.key_string());
            }
        }
    }
    if let Some(limit) = limit.as_int().filter(|_| !limit.is_null()) {
        let limit = usize::try_from(limit).map_err(|_| {
            PresetError::InvalidWeights(format!("negative startinventorylimit {limit}"))
        })?;
        if items.len() > limit {
            items = sample(rng, &items, limit);
        }
    }
    Ok(items)
}
