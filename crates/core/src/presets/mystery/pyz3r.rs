//! The alttpr.com settings roll of pyz3r's `generate_random_settings` (core.md §1.6.4).

use super::options::{Options, apply_rules, assured_sword, draw_or, draw_required, is, opt};
use super::rng::Rng;
use super::weights::{get_random_option, randval, resolve_subweights};
use crate::presets::value::{Map, Value};
use crate::presets::{PresetError, base_customizer_payload, base_randomizer_payload};

/// Total number of item slots an alttpr.com customizer pool must fill.
const POOL_SIZE: i64 = 216;

const REQUIRED_BASE: [&str; 16] = [
    "glitches_required",
    "item_placement",
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

const WILD: [&str; 4] = [
    "region.wildKeys",
    "region.wildBigKeys",
    "region.wildCompasses",
    "region.wildMaps",
];

/// Rolls alttpr.com settings; returns `(settings, customizer)`.
pub(crate) fn generate_random_settings(
    weights: &Map,
    tournament: bool,
    spoilers: &str,
    rng: &mut dyn Rng,
) -> Result<(Map, bool), PresetError> {
    let weights = resolve_subweights(weights, rng)?;
    let mut options = Options::new();
    for key in REQUIRED_BASE {
        let v = draw_required(&weights, key, rng)?;
        options.insert(key, v);
    }
    for (key, default) in [
        ("pot_shuffle", Value::from("off")),
        ("allow_quickswap", Value::Bool(false)),
        ("pseudoboots", Value::Bool(false)),
    ] {
        let v = draw_or(&weights, key, default, rng)?;
        options.insert(key, v);
    }
    let entrance = draw_required(&weights, "entrance_shuffle", rng)?;
    options.insert("entrance_shuffle", entrance);

    let mut customizer = false;
    let mut eq: Vec<Value> = Vec::new();
    let mut custom = Map::new();
    let mut pool = Map::new();
    let cust_weights = weights.get("customizer").cloned().unwrap_or(Value::Null);
    if is(&options, "entrance_shuffle", "none") && cust_weights.truthy() {
        let cw = cust_weights.as_map().cloned().unwrap_or_default();
        for (key, spec) in section(&cw, "eq").iter() {
            let v = get_random_option(Some(spec), rng)?;
            if v.truthy() {
                eq.extend(super::equipment::starting_equipment(&key.key_string(), &v)?);
                customizer = true;
            }
        }
        for (target, name) in [(&mut custom, "custom"), (&mut pool, "pool")] {
            for (key, spec) in section(&cw, name).iter() {
                let v = get_random_option(Some(spec), rng)?;
                if !v.is_null() {
                    target.insert(key.clone(), v);
                    customizer = true;
                }
            }
        }
    }

    let base = if customizer {
        base_customizer_payload()
    } else {
        base_randomizer_payload()
    };
    let Value::Map(mut settings) = Value::from_json(&base) else {
        return Err(PresetError::InvalidWeights(
            "base payload is not an object".into(),
        ));
    };

    if customizer {
        let cw = cust_weights.as_map().cloned().unwrap_or_default();
        let filler = weights
            .get("options")
            .and_then(Value::as_map)
            .and_then(|o| o.get("FillItemPoolWith"))
            .map_or_else(|| "Nothing".to_owned(), Value::key_string);
        customize(
            &mut settings,
            &mut options,
            &cw,
            &custom,
            &pool,
            eq,
            filler,
            rng,
        )?;
    }

    assured_sword(&mut options);
    apply_rules(&weights, &mut options, rng)?;

    let o = |k: &str| opt(&options, k).cloned();
    settings.insert("glitches", o("glitches_required")?);
    settings.insert("item_placement", o("item_placement")?);
    settings.insert("dungeon_items", o("dungeon_items")?);
    settings.insert("accessibility", o("accessibility")?);
    settings.insert("goal", o("goals")?);
    let crystals = entry_map(&mut settings, "crystals");
    crystals.insert("ganon", o("ganon_open")?);
    crystals.insert("tower", o("tower_open")?);
    settings.insert("mode", o("world_state")?);
    settings.insert("hints", o("hints")?);
    settings.insert("weapons", o("weapons")?);
    let item = entry_map(&mut settings, "item");
    item.insert("pool", o("item_pool")?);
    item.insert("functionality", o("item_functionality")?);
    settings.insert("tournament", tournament);
    settings.insert("spoilers", spoilers);
    let enemizer = entry_map(&mut settings, "enemizer");
    enemizer.insert("boss_shuffle", o("boss_shuffle")?);
    enemizer.insert("enemy_shuffle", o("enemy_shuffle")?);
    enemizer.insert("enemy_damage", o("enemy_damage")?);
    enemizer.insert("enemy_health", o("enemy_health")?);
    enemizer.insert("pot_shuffle", o("pot_shuffle")?);
    settings.insert("entrances", o("entrance_shuffle")?);
    settings.insert("pseudoboots", o("pseudoboots")?);

    let quickswap = draw_or(&weights, "allow_quickswap", Value::Bool(false), rng)?;
    settings.insert("allow_quickswap", quickswap);
    Ok((settings, customizer))
}

/// `weights.customizer.<name>` as a mapping (absent or null → empty).
fn section(customizer: &Map, name: &str) -> Map {
    customizer
        .get(name)
        .and_then(Value::as_map)
        .cloned()
        .unwrap_or_default()
}

/// The mapping under `key`, created (or replaced, if not a mapping) when needed.
fn entry_map<'a>(map: &'a mut Map, key: &str) -> &'a mut Map {
    if !matches!(map.get(key), Some(Value::Map(_))) {
        map.insert(key, Map::new());
    }
    match map.get_mut(key) {
        Some(Value::Map(m)) => m,
        // Just ensured above that `key` holds a mapping.
        _ => unreachable!("entry_map: key was just set to a mapping"),
    }
}

/// Step 5 of §1.6.4: the customizer adjustments.
#[allow(clippy::too_many_arguments)] // mirrors the state the original threads through
fn customize(
    settings: &mut Map,
    options: &mut Options,
    cw: &Map,
    rolled_custom: &Map,
    rolled_pool: &Map,
    mut eq: Vec<Value>,
    filler: String,
    rng: &mut dyn Rng,
) -> Result<(), PresetError> {
    let custom = entry_map(settings, "custom");
    custom.insert("customPrizePacks", false);
    for (k, v) in rolled_custom.iter() {
        custom.insert(k.clone(), v.clone());
    }
    {
        let count = entry_map(entry_map(custom, "item"), "count");
        for (k, v) in rolled_pool.iter() {
            count.insert(k.clone(), v.clone());
        }
        if !eq.is_empty() {
            for item in &eq {
                let name = item.key_string();
                let mapped = if name == "OcarinaActive" {
                    "OcarinaInactive".to_owned()
                } else if name.starts_with("Bottle") {
                    "BottleWithRandom".to_owned()
                } else {
                    name
                };
                let current = count.get(&mapped).and_then(Value::as_int).unwrap_or(0);
                count.insert(mapped, if current > 0 { current - 1 } else { 0 });
            }
        }
    }
    if !eq.is_empty() {
        eq.extend(std::iter::repeat_n(Value::from("BossHeartContainer"), 3));
        settings.insert("eq", Value::Seq(eq));
    }

    let custom = entry_map(settings, "custom");
    if custom.get("item.require.Lamp").is_some_and(Value::truthy) {
        options.insert("enemy_shuffle", "none");
        options.insert("enemy_damage", "default");
        options.insert("pot_shuffle", "off");
    }
    if WILD.iter().any(|k| rolled_custom.contains_key(k)) {
        options.insert("dungeon_items", "standard");
    }
    let truthy = |m: &Map, k: &str| m.get(k).is_some_and(Value::truthy);
    if WILD.iter().any(|k| truthy(custom, k)) {
        custom.insert("rom.freeItemMenu", true);
        custom.insert("rom.freeItemText", true);
    }
    let weights_custom = section(cw, "custom");
    if truthy(custom, "region.wildMaps") && !weights_custom.contains_key("rom.mapOnPickup") {
        custom.insert("rom.mapOnPickup", true);
    }
    if truthy(custom, "region.wildCompasses") && !weights_custom.contains_key("rom.dungeonCount") {
        custom.insert("rom.dungeonCount", "pickup");
    }

    if is(options, "goals", "triforce-hunt") {
        let (goal, pool_n) = triforce_hunt(cw, rng)?;
        custom.insert("item.Goal.Required", goal.clone());
        let count = entry_map(entry_map(custom, "item"), "count");
        count.insert("TriforcePiece", pool_n);
    }

    if custom.get("rom.timerMode").and_then(Value::as_str) == Some("countdown-ohko")
        && let Some(Value::Map(ohko)) = cw.get("timed-ohko")
    {
        let clocks = section(ohko, "clock");
        for (clock, spec) in clocks.iter() {
            let spec = spec.as_map().cloned().unwrap_or_default();
            let zero = Value::Int(0);
            let value = randval(nonnull(spec.get("value")).unwrap_or(&zero), rng)?;
            custom.insert(format!("item.value.{}", clock.key_string()), value);
            let pool = randval(nonnull(spec.get("pool")).unwrap_or(&zero), rng)?;
            let count = entry_map(entry_map(custom, "item"), "count");
            count.insert(clock.clone(), pool);
        }
        let start = randval(
            nonnull(ohko.get("timerStart")).unwrap_or(&Value::Int(0)),
            rng,
        )?;
        custom.insert("rom.timerStart", start);
    }

    let count = entry_map(entry_map(entry_map(settings, "custom"), "item"), "count");
    let mut total: i64 = 0;
    for (_, v) in count.iter() {
        total += v.as_int().ok_or_else(|| {
            PresetError::InvalidWeights(format!("item count {v} is not an integer"))
        })?;
    }
    let current = count.get(&filler).and_then(Value::as_int).unwrap_or(0);
    count.insert(filler, current + (POOL_SIZE - total).max(0));

    if is(options, "world_state", "standard")
        && let Some(Value::Seq(items)) = settings.get_mut("eq")
    {
        for item in items.iter_mut() {
            if item.as_str() == Some("OcarinaActive") {
                *item = Value::from("OcarinaInactive");
            }
        }
    }
    if is(options, "goals", "pedestal") || is(options, "goals", "dungeons") {
        entry_map(settings, "custom").insert("prize.crossWorld", true);
    }
    Ok(())
}

fn nonnull(v: Option<&Value>) -> Option<&Value> {
    v.filter(|v| !v.is_null())
}

/// §1.6.4 step 5.9: `(goal, pool)` for triforce hunt.
fn triforce_hunt(cw: &Map, rng: &mut dyn Rng) -> Result<(Value, Value), PresetError> {
    let Some(Value::Map(t)) = cw.get("triforce-hunt") else {
        return Ok((Value::Int(20), Value::Int(30)));
    };
    let min_spec = nonnull(t.get("min_difference"))
        .cloned()
        .unwrap_or(Value::Int(0));
    let min_diff = get_random_option(Some(&min_spec), rng)?;
    let goal = match t.get("goal") {
        Some(g) => randval(g, rng)?,
        None => Value::Int(20),
    };
    let as_int = |v: &Value, what: &str| {
        v.as_int().ok_or_else(|| {
            PresetError::InvalidWeights(format!("triforce-hunt {what} {v} is not an integer"))
        })
    };
    let min_diff = as_int(&min_diff, "min_difference")?;
    let goal_n = as_int(&goal, "goal")?;
    let mut pool_spec = t.get("pool").cloned();
    if let Some(Value::Seq(items)) = &mut pool_spec
        && let Some(lo) = items.first().and_then(Value::as_int)
        && lo + min_diff < goal_n
    {
        items[0] = Value::Int(goal_n + min_diff);
    }
    let pool = match pool_spec {
        Some(p) => randval(&p, rng)?,
        None => Value::Int(30),
    };
    let pool_n = as_int(&pool, "pool")?.max(goal_n + min_diff);
    Ok((goal, Value::Int(pool_n)))
}
