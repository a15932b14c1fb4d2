//! `/alttprutils convertcustomizer` (`discord.md` §2.12): an alttpr.com customizer save
//! file (`customizer-settings.json`) turned into a SahasrahBot preset
//! (`{customizer: true, randomizer: alttpr, settings: …}`), and the small YAML writer that
//! renders it.
//!
//! The settings start from the customizer defaults ([`base_customizer_payload`]); each
//! `randomizer.*` / `vt.custom.*` key of the save that is present and not null replaces
//! the matching setting; `vt.custom.equipment` becomes the starting-equipment list.

use sahasrahbot_core::presets::mystery::starting_equipment;
use sahasrahbot_core::presets::{Value, base_customizer_payload};
use serde_json::{Map, Value as Json};

use crate::errors::Error;

/// Where a plain `randomizer.*` / `vt.custom.*` key of the save goes in the settings.
const PLAIN_KEYS: [(&str, &[&str]); 23] = [
    ("randomizer.glitches_required", &["glitches"]),
    ("randomizer.accessibility", &["accessibility"]),
    ("randomizer.goal", &["goal"]),
    ("randomizer.tower_open", &["crystals", "tower"]),
    ("randomizer.ganon_open", &["crystals", "ganon"]),
    ("randomizer.dungeon_items", &["dungeon_items"]),
    ("randomizer.item_placement", &["item_placement"]),
    ("randomizer.world_state", &["mode"]),
    ("randomizer.hints", &["hints"]),
    ("randomizer.weapons", &["weapons"]),
    ("randomizer.item_pool", &["item", "pool"]),
    ("randomizer.item_functionality", &["item", "functionality"]),
    ("randomizer.boss_shuffle", &["enemizer", "boss_shuffle"]),
    ("randomizer.enemy_shuffle", &["enemizer", "enemy_shuffle"]),
    ("randomizer.enemy_damage", &["enemizer", "enemy_damage"]),
    ("randomizer.enemy_health", &["enemizer", "enemy_health"]),
    ("randomizer.pot_shuffle", &["enemizer", "pot_shuffle"]),
    ("vt.custom.prizepacks", &["drops"]),
    ("vt.custom.drops", &["custom", "drop", "count"]),
    ("vt.custom.items", &["custom", "item", "count"]),
    ("vt.custom.locations", &["l"]),
    ("vt.custom.notes", &["notes"]),
    ("vt.custom.name", &["name"]),
];

fn set_path(root: &mut Json, path: &[&str], value: Json) {
    let Some((last, parents)) = path.split_last() else {
        return;
    };
    let mut node = root;
    for key in parents {
        if !node.get(*key).is_some_and(Json::is_object) {
            node[*key] = Json::Object(Map::new());
        }
        node = &mut node[*key];
    }
    node[*last] = value;
}

/// The preset settings of a customizer save.
///
/// # Errors
/// The save is no JSON object, or its equipment has an unknown value.
pub fn convert(save: &Json) -> Result<Json, Error> {
    let save = save
        .as_object()
        .ok_or_else(|| Error::BadOption("The customizer file is no JSON object.".to_owned()))?;
    let mut settings = base_customizer_payload();
    settings["tournament"] = Json::Bool(false);
    settings["spoilers"] = Json::String("off".to_owned());
    let present = |key: &str| save.get(key).filter(|v| !v.is_null());
    for (key, path) in PLAIN_KEYS {
        if let Some(value) = present(key) {
            set_path(&mut settings, path, value.clone());
        }
    }
    for key in ["vt.custom.settings", "vt.custom.glitches"] {
        if let Some(Json::Object(map)) = present(key) {
            for (k, v) in map {
                set_path(&mut settings, &["custom", k], v.clone());
            }
        }
    }
    if let Some(Json::Object(equipment)) = present("vt.custom.equipment") {
        let mut eq = Vec::new();
        for (key, value) in equipment {
            let items = starting_equipment(key, &Value::from_json(value)).map_err(|e| {
                Error::BadOption(format!("The starting equipment `{key}` is invalid: {e}"))
            })?;
            eq.extend(items.iter().map(Value::to_json));
        }
        settings["eq"] = Json::Array(eq);
    }
    Ok(settings)
}

/// The preset file for a customizer save: `customizer: true`, `randomizer: alttpr` and the
/// converted settings, as YAML.
///
/// # Errors
/// See [`convert`].
pub fn preset_yaml(save: &Json) -> Result<String, Error> {
    let mut preset = Map::new();
    preset.insert("customizer".to_owned(), Json::Bool(true));
    preset.insert("randomizer".to_owned(), Json::String("alttpr".to_owned()));
    preset.insert("settings".to_owned(), convert(save)?);
    Ok(to_yaml(&Json::Object(preset)))
}

/// A string as a YAML scalar: plain when it is unambiguous, double-quoted otherwise (JSON's
/// escapes are valid in YAML double-quoted scalars).
fn scalar(text: &str) -> String {
    let plain = !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-' | ' '))
        && text.starts_with(|c: char| c.is_ascii_alphabetic())
        && !text.ends_with(' ')
        && !matches!(
            text.to_ascii_lowercase().as_str(),
            "y" | "n" | "yes" | "no" | "on" | "off" | "true" | "false" | "null"
        );
    if plain {
        text.to_owned()
    } else {
        Json::String(text.to_owned()).to_string()
    }
}

fn inline(value: &Json) -> Option<String> {
    match value {
        Json::Null => Some("null".to_owned()),
        Json::Bool(b) => Some(b.to_string()),
        Json::Number(n) => Some(n.to_string()),
        Json::String(s) => Some(scalar(s)),
        Json::Array(a) if a.is_empty() => Some("[]".to_owned()),
        Json::Object(o) if o.is_empty() => Some("{}".to_owned()),
        _ => None,
    }
}

fn write(out: &mut String, value: &Json, indent: usize) {
    let pad = " ".repeat(indent);
    match value {
        Json::Object(map) => {
            for (k, v) in map {
                match inline(v) {
                    Some(text) => out.push_str(&format!("{pad}{}: {text}\n", scalar(k))),
                    None => {
                        out.push_str(&format!("{pad}{}:\n", scalar(k)));
                        write(out, v, indent + 2);
                    }
                }
            }
        }
        Json::Array(items) => {
            for item in items {
                match inline(item) {
                    Some(text) => out.push_str(&format!("{pad}- {text}\n")),
                    None => {
                        out.push_str(&format!("{pad}-\n"));
                        write(out, item, indent + 2);
                    }
                }
            }
        }
        other => {
            if let Some(text) = inline(other) {
                out.push_str(&format!("{pad}{text}\n"));
            }
        }
    }
}

/// `value` as block-style YAML.
pub fn to_yaml(value: &Json) -> String {
    let mut out = String::new();
    write(&mut out, value, 0);
    out
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn settings_come_from_the_save_over_the_defaults() {
        let save = json!({
            "randomizer.glitches_required": "overworld_glitches",
            "randomizer.tower_open": "5",
            "randomizer.item_pool": "hard",
            "randomizer.boss_shuffle": null,
            "vt.custom.drops": {"0": ["Heart"]},
            "vt.custom.settings": {"rom.timerMode": "countdown"},
            "vt.custom.glitches": {"canBootsClip": true},
            "vt.custom.name": "My game",
            "vt.custom.equipment": {"Bottle1": 5, "Rupees": 325, "PegasusBoots": 1},
        });
        let s = convert(&save).unwrap();
        assert_eq!(s["glitches"], "overworld_glitches");
        assert_eq!(s["crystals"]["tower"], "5");
        assert_eq!(s["item"]["pool"], "hard");
        assert_eq!(
            s["enemizer"]["boss_shuffle"],
            base_customizer_payload()["enemizer"]["boss_shuffle"],
            "null keeps the default"
        );
        assert_eq!(s["custom"]["drop"]["count"], json!({"0": ["Heart"]}));
        assert_eq!(s["custom"]["rom.timerMode"], "countdown");
        assert_eq!(s["custom"]["canBootsClip"], true);
        assert_eq!(s["name"], "My game");
        assert_eq!(
            s["eq"],
            json!([
                "BottleWithBee",
                "PegasusBoots",
                "ThreeHundredRupees",
                "TwentyRupees",
                "FiveRupees"
            ])
        );
        assert_eq!(
            (s["tournament"].clone(), s["spoilers"].clone()),
            (json!(false), json!("off"))
        );
        assert!(convert(&json!([1])).is_err());
        assert!(convert(&json!({"vt.custom.equipment": {"Ocarina": 9}})).is_err());
    }

    #[test]
    fn the_yaml_reads_back_as_the_same_preset() {
        let save = json!({"randomizer.goal": "fast_ganon", "vt.custom.notes": "a: b # c\n'x'"});
        let text = preset_yaml(&save).unwrap();
        assert!(
            text.starts_with("customizer: true\nrandomizer: alttpr\nsettings:\n"),
            "{text}"
        );
        let parsed = sahasrahbot_core::presets::yaml::parse(&text)
            .unwrap()
            .to_json();
        let mut expected = json!({"customizer": true, "randomizer": "alttpr"});
        expected["settings"] = convert(&save).unwrap();
        assert_eq!(parsed, expected);
        assert_eq!(scalar("on"), "\"on\"");
        assert_eq!(scalar("fast_ganon"), "fast_ganon");
        assert_eq!(scalar("7"), "\"7\"");
    }
}
