//! Shared pieces of both roll paths: option draws, the assured-sword rule and `rules`.

use super::rng::Rng;
use super::weights::get_random_option;
use crate::presets::PresetError;
use crate::presets::value::{Map, Value};

/// The options rolled so far (`options` dict of the original).
pub(crate) type Options = Map;

/// Draws a required option: a missing key is the original's `KeyError`.
pub(crate) fn draw_required(
    weights: &Map,
    key: &str,
    rng: &mut dyn Rng,
) -> Result<Value, PresetError> {
    let spec = weights
        .get(key)
        .ok_or_else(|| PresetError::MissingKey(key.to_owned()))?;
    get_random_option(Some(spec), rng)
}

/// Draws an option with a default used when the key is absent.
pub(crate) fn draw_or(
    weights: &Map,
    key: &str,
    default: Value,
    rng: &mut dyn Rng,
) -> Result<Value, PresetError> {
    match weights.get(key) {
        Some(spec) => get_random_option(Some(spec), rng),
        None => get_random_option(Some(&default), rng),
    }
}

/// The option value, or a `KeyError`-like error.
pub(crate) fn opt<'a>(options: &'a Options, key: &str) -> Result<&'a Value, PresetError> {
    options
        .get(key)
        .ok_or_else(|| PresetError::MissingKey(key.to_owned()))
}

/// Whether option `key` equals the string `s`.
pub(crate) fn is(options: &Options, key: &str, s: &str) -> bool {
    options.get(key).and_then(Value::as_str) == Some(s)
}

/// Assured-sword rule: standard mode with enemy changes gets an assured sword.
pub(crate) fn assured_sword(options: &mut Options) {
    let weapons_ok = is(options, "weapons", "vanilla") || is(options, "weapons", "assured");
    let enemies_changed = !is(options, "enemy_shuffle", "none")
        || !is(options, "enemy_damage", "default")
        || !is(options, "enemy_health", "default");
    if !weapons_ok && is(options, "world_state", "standard") && enemies_changed {
        options.insert("weapons", "assured");
    }
}

/// Applies `rules`: every `exact` condition must match (`options[Key] == Value`), then each
/// action is drawn in order.
pub(crate) fn apply_rules(
    weights: &Map,
    options: &mut Options,
    rng: &mut dyn Rng,
) -> Result<(), PresetError> {
    let rules = match weights.get("rules") {
        None | Some(Value::Null) => return Ok(()),
        Some(Value::Seq(rules)) => rules.clone(),
        Some(Value::Map(m)) if m.is_empty() => return Ok(()),
        Some(_) => return Err(PresetError::InvalidWeights("`rules` is not a list".into())),
    };
    for rule in rules {
        let Value::Map(rule) = rule else {
            return Err(PresetError::InvalidWeights(
                "a rule is not a mapping".into(),
            ));
        };
        let mut matched = true;
        if let Some(Value::Seq(conditions)) = rule.get("conditions") {
            for cond in conditions {
                let Value::Map(cond) = cond else {
                    return Err(PresetError::InvalidWeights(
                        "a rule condition is not a mapping".into(),
                    ));
                };
                let exact = cond
                    .get("MatchType")
                    .is_none_or(|m| m.as_str() == Some("exact"));
                if !exact {
                    continue;
                }
                let key = cond
                    .get("Key")
                    .ok_or_else(|| PresetError::MissingKey("Key".into()))?;
                let expected = cond
                    .get("Value")
                    .ok_or_else(|| PresetError::MissingKey("Value".into()))?;
                let actual = options
                    .get_value(key)
                    .ok_or_else(|| PresetError::MissingKey(key.to_string()))?;
                if !actual.py_eq(expected) {
                    matched = false;
                }
            }
        }
        if matched && let Some(Value::Map(actions)) = rule.get("actions") {
            for (key, spec) in actions.iter() {
                let v = get_random_option(Some(spec), rng)?;
                options.insert(key.clone(), v);
            }
        }
    }
    Ok(())
}
