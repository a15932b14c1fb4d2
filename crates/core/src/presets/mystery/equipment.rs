//! Starting equipment mapping (core.md §1.6.6).

use crate::presets::PresetError;
use crate::presets::value::Value;

const RUPEES: [(i64, &str); 6] = [
    (300, "ThreeHundredRupees"),
    (100, "OneHundredRupees"),
    (50, "FiftyRupees"),
    (20, "TwentyRupees"),
    (5, "FiveRupees"),
    (1, "OneRupee"),
];

/// The items a rolled starting-equipment `(key, value)` adds to `eq`.
pub fn starting_equipment(key: &str, value: &Value) -> Result<Vec<Value>, PresetError> {
    let n = int_of(value)?;
    let one = |s: &str| Ok(vec![Value::from(s)]);
    match key {
        "Bottle1" | "Bottle2" | "Bottle3" | "Bottle4" => match n {
            1 => one("Bottle"),
            2 => one("BottleWithRedPotion"),
            3 => one("BottleWithGreenPotion"),
            4 => one("BottleWithBluePotion"),
            5 => one("BottleWithBee"),
            6 => one("BottleWithGoldBee"),
            7 => one("BottleWithFairy"),
            _ => Err(unknown(key, value)),
        },
        "ProgressiveBow" => match n {
            1 => one("SilverArrowUpgrade"),
            2 => one("Bow"),
            3 => one("BowAndSilverArrows"),
            _ => Err(unknown(key, value)),
        },
        "Boomerang" => match n {
            1 => one("Boomerang"),
            2 => one("RedBoomerang"),
            3 => Ok(vec![Value::from("Boomerang"), Value::from("RedBoomerang")]),
            _ => Err(unknown(key, value)),
        },
        "Ocarina" => match n {
            1 => one("OcarinaInactive"),
            2 => one("OcarinaActive"),
            _ => Err(unknown(key, value)),
        },
        "Rupees" => {
            let mut left = n;
            let mut items = Vec::new();
            for (worth, name) in RUPEES {
                while left >= worth {
                    items.push(Value::from(name));
                    left -= worth;
                }
            }
            Ok(items)
        }
        _ => Ok((0..n.max(0)).map(|_| Value::from(key)).collect()),
    }
}

fn int_of(value: &Value) -> Result<i64, PresetError> {
    match value {
        Value::Bool(b) => Ok(i64::from(*b)),
        Value::Int(i) => Ok(*i),
        #[allow(clippy::cast_possible_truncation)] // Python int() truncates toward zero too
        Value::Float(f) if f.is_finite() => Ok(f.trunc() as i64),
        Value::Str(s) => s.trim().parse().map_err(|_| {
            PresetError::InvalidWeights(format!("starting equipment count {s} is not a number"))
        }),
        other => Err(PresetError::InvalidWeights(format!(
            "starting equipment count {other} is not a number"
        ))),
    }
}

fn unknown(key: &str, value: &Value) -> PresetError {
    PresetError::InvalidWeights(format!("no starting equipment {key} = {value}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rupees_split_greedily() {
        let items = starting_equipment("Rupees", &Value::Int(376)).unwrap();
        let names: Vec<_> = items.iter().map(|v| v.as_str().unwrap()).collect();
        assert_eq!(
            names,
            [
                "ThreeHundredRupees",
                "FiftyRupees",
                "TwentyRupees",
                "FiveRupees",
                "OneRupee"
            ]
        );
    }

    #[test]
    fn mapped_and_plain_items() {
        assert_eq!(
            starting_equipment("Bottle2", &Value::Int(7)).unwrap(),
            vec![Value::from("BottleWithFairy")]
        );
        assert_eq!(
            starting_equipment("PegasusBoots", &Value::Bool(true)).unwrap(),
            vec![Value::from("PegasusBoots")]
        );
        assert_eq!(
            starting_equipment("Boomerang", &Value::Int(3))
                .unwrap()
                .len(),
            2
        );
    }
}
