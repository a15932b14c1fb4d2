//! Weight primitives (core.md §1.6.7): `conv`, `get_random_option`, `randval`, and the
//! subweights loop (§1.6.3 step 1).

use super::rng::{Rng, randint, weighted_index};
use crate::presets::PresetError;
use crate::presets::value::{Map, Value};

/// `conv`: a string that parses as an int becomes that int; `"true"`/`"false"` (any case)
/// become booleans; everything else is unchanged.
pub fn conv(value: &Value) -> Value {
    let Value::Str(s) = value else {
        return value.clone();
    };
    let trimmed = s.trim();
    let digits = trimmed.strip_prefix(['+', '-']).unwrap_or(trimmed);
    let underscores_ok =
        !digits.starts_with('_') && !digits.ends_with('_') && !digits.contains("__");
    if !digits.is_empty()
        && underscores_ok
        && digits.chars().all(|c| c.is_ascii_digit() || c == '_')
    {
        let clean: String = trimmed.chars().filter(|&c| c != '_').collect();
        if let Ok(i) = clean.parse::<i64>() {
            return Value::Int(i);
        }
    }
    match s.to_lowercase().as_str() {
        "true" => Value::Bool(true),
        "false" => Value::Bool(false),
        _ => value.clone(),
    }
}

/// `get_random_option`: `None`/`{}` → `Null` without a draw; a mapping → one weighted draw
/// over its (converted) keys; anything else → `conv(value)` without a draw.
pub fn get_random_option(optset: Option<&Value>, rng: &mut dyn Rng) -> Result<Value, PresetError> {
    match optset {
        None | Some(Value::Null) => Ok(Value::Null),
        Some(Value::Map(map)) if map.is_empty() => Ok(Value::Null),
        Some(Value::Map(map)) => weighted_choice(map, rng),
        Some(other) => Ok(conv(other)),
    }
}

/// One weighted draw over a non-empty mapping of option → weight.
fn weighted_choice(map: &Map, rng: &mut dyn Rng) -> Result<Value, PresetError> {
    let mut weights = Vec::with_capacity(map.len());
    for (key, weight) in map.iter() {
        let w = weight.as_number().ok_or_else(|| {
            PresetError::InvalidWeights(format!("non-numeric weight {weight} for option {key}"))
        })?;
        weights.push(w);
    }
    let total: f64 = weights.iter().sum();
    if !total.is_finite() {
        return Err(PresetError::InvalidWeights(
            "total of weights must be finite".into(),
        ));
    }
    if total <= 0.0 {
        return Err(PresetError::InvalidWeights(
            "total of weights must be greater than zero".into(),
        ));
    }
    let idx = weighted_index(rng, &weights);
    let key = map.keys().nth(idx).unwrap_or(&Value::Null);
    Ok(conv(key))
}

/// `randval`: a `[lo, hi]` list draws `randint(lo, hi)`; anything else is returned as is.
pub fn randval(value: &Value, rng: &mut dyn Rng) -> Result<Value, PresetError> {
    match value {
        Value::Seq(items) => {
            let lo = items.first().and_then(Value::as_int);
            let hi = items.get(1).and_then(Value::as_int);
            let (Some(lo), Some(hi)) = (lo, hi) else {
                return Err(PresetError::InvalidWeights(format!(
                    "range {value} is not a list of two integers"
                )));
            };
            randint(rng, lo, hi)
                .map(Value::Int)
                .ok_or_else(|| PresetError::InvalidWeights(format!("empty range [{lo}, {hi}]")))
        }
        other => Ok(other.clone()),
    }
}

/// Resolves `subweights`: one draw per nesting level over the `chance` values, then a
/// shallow merge of the chosen `weights` over the parent (the child's `subweights`
/// replaces the parent's). No draw when there are no subweights.
pub fn resolve_subweights(weights: &Map, rng: &mut dyn Rng) -> Result<Map, PresetError> {
    let mut weights = weights.clone();
    loop {
        let subs = match weights.get("subweights") {
            None | Some(Value::Null) => return Ok(weights),
            Some(Value::Map(m)) => m.clone(),
            Some(_) => {
                return Err(PresetError::InvalidWeights(
                    "`subweights` is not a mapping".into(),
                ));
            }
        };
        let mut chances = Map::new();
        for (name, sub) in subs.iter() {
            let chance = sub
                .as_map()
                .and_then(|m| m.get("chance"))
                .ok_or_else(|| PresetError::MissingKey("chance".into()))?;
            chances.insert(name.clone(), chance.clone());
        }
        let chosen = get_random_option(Some(&Value::Map(chances)), rng)?;
        if chosen.is_null() {
            return Ok(weights);
        }
        let mut child = subs
            .get_value(&chosen)
            .and_then(Value::as_map)
            .and_then(|m| m.get("weights"))
            .and_then(Value::as_map)
            .cloned()
            .unwrap_or_default();
        let nested = match child.get("subweights") {
            Some(v) if v.truthy() => v.clone(),
            _ => Value::Map(Map::new()),
        };
        child.insert("subweights", nested);
        for (k, v) in child.iter() {
            weights.insert(k.clone(), v.clone());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::presets::mystery::rng::PyRandom;
    use crate::presets::yaml::parse;

    /// An RNG that fails the test if any draw is made.
    struct NoDraws;
    impl Rng for NoDraws {
        fn next_u32(&mut self) -> u32 {
            panic!("unexpected draw");
        }
    }

    #[test]
    fn conv_follows_the_original() {
        assert_eq!(conv(&"7".into()), Value::Int(7));
        assert_eq!(conv(&"True".into()), Value::Bool(true));
        assert_eq!(conv(&"FALSE".into()), Value::Bool(false));
        assert_eq!(conv(&"random".into()), Value::Str("random".into()));
        assert_eq!(conv(&Value::Float(0.5)), Value::Float(0.5));
    }

    #[test]
    fn get_random_option_without_draws() {
        let mut rng = NoDraws;
        assert_eq!(get_random_option(None, &mut rng).unwrap(), Value::Null);
        let empty = Value::Map(Map::new());
        assert_eq!(
            get_random_option(Some(&empty), &mut rng).unwrap(),
            Value::Null
        );
        let list = Value::Seq(vec![Value::Int(1), Value::Int(2)]);
        assert_eq!(get_random_option(Some(&list), &mut rng).unwrap(), list);
        assert_eq!(
            get_random_option(Some(&"7".into()), &mut rng).unwrap(),
            Value::Int(7)
        );
    }

    #[test]
    fn weighted_draws_convert_keys_and_reject_bad_weights() {
        let mut rng = PyRandom::new(0);
        let one = parse("{'7': 1}").unwrap();
        assert_eq!(
            get_random_option(Some(&one), &mut rng).unwrap(),
            Value::Int(7)
        );
        let zero = parse("{a: 0, b: 0}").unwrap();
        assert!(matches!(
            get_random_option(Some(&zero), &mut rng),
            Err(PresetError::InvalidWeights(_))
        ));
        let text = parse("{a: x}").unwrap();
        assert!(get_random_option(Some(&text), &mut rng).is_err());
    }

    #[test]
    fn nested_subweights_take_one_draw_per_level() {
        let w = parse(
            "a: 1\nsubweights:\n  only:\n    chance: 1\n    weights:\n      a: 2\n      subweights:\n        inner:\n          chance: 5\n          weights: {b: 3}\n",
        )
        .unwrap();
        let mut rng = PyRandom::new(1);
        let resolved = resolve_subweights(w.as_map().unwrap(), &mut rng).unwrap();
        assert_eq!(resolved.get("a"), Some(&Value::Int(2)));
        assert_eq!(resolved.get("b"), Some(&Value::Int(3)));
        assert_eq!(resolved.get("subweights"), Some(&Value::Map(Map::new())));
        // two levels → two random() calls → four 32-bit outputs
        let mut expected = PyRandom::new(1);
        for _ in 0..4 {
            expected.next_u32();
        }
        assert_eq!(rng.next_u32(), expected.next_u32());
    }
}
