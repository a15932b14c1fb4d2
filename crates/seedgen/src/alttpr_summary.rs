//! What an ALTTPR game's embeds say about it (`discord.md` §5.1), independent of how the
//! embed is sent: the settings block labelled with alttpr.com's `/randomizer/settings` map,
//! and the file-select code with the bot's custom emojis.
//!
//! The Discord bot's seed embed and the tournament engine's seed DMs are both built from
//! these pieces.

use serde_json::Value;

/// One embed field, before it becomes Discord's shape.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SummaryField {
    /// The field name.
    pub name: String,
    /// The field value (Discord markdown).
    pub value: String,
    /// Whether Discord may put it beside the previous field.
    pub inline: bool,
}

impl SummaryField {
    fn new(name: &str, value: impl Into<String>, inline: bool) -> Self {
        Self {
            name: name.to_owned(),
            value: value.into(),
            inline,
        }
    }
}

/// File-select item name → the name of the bot's custom emoji for it.
pub const CODE_EMOJIS: [(&str, &str); 32] = [
    ("Bow", "Bow"),
    ("Boomerang", "BestBoomerang"),
    ("Hookshot", "Hookshot"),
    ("Bombs", "Blowup"),
    ("Mushroom", "Mushroom"),
    ("Magic Powder", "Powder"),
    ("Ice Rod", "IceRod"),
    ("Pendant", "PendantOfCourage"),
    ("Bombos", "Bombos"),
    ("Ether", "Ether"),
    ("Quake", "Quake"),
    ("Lamp", "Lamp"),
    ("Hammer", "MCHammer"),
    ("Shovel", "shovel"),
    ("Flute", "Flute"),
    ("Bugnet", "BugNet"),
    ("Book", "Mudora"),
    ("Empty Bottle", "EmptyBottle"),
    ("Green Potion", "GreenPotion"),
    ("Somaria", "somaria"),
    ("Cape", "Cape"),
    ("Mirror", "mirror"),
    ("Boots", "GoFast"),
    ("Gloves", "PowerGlove"),
    ("Flippers", "Flippers"),
    ("Moon Pearl", "MoonPearl"),
    ("Shield", "MirrorShield"),
    ("Tunic", "GreenTunic"),
    ("Heart", "ALotOfLove"),
    ("Map", "DungeonMap"),
    ("Compass", "DungeonCompass"),
    ("Big Key", "BigKey"),
];

/// The file-select code: the custom emojis and the names when `emoji` resolves them (emoji
/// name → its mention), else the names joined with `/`. A missing emoji is shown as its item
/// name (not `None`).
pub fn file_select_code(code: &[String], emoji: &dyn Fn(&str) -> Option<String>) -> String {
    let names = code.join("/");
    let emojis: Vec<Option<String>> = code
        .iter()
        .map(|item| {
            CODE_EMOJIS
                .iter()
                .find(|(name, _)| name == item)
                .and_then(|(_, emoji_name)| emoji(emoji_name))
        })
        .collect();
    if emojis.iter().all(Option::is_none) {
        return names;
    }
    let shown: Vec<String> = emojis
        .into_iter()
        .zip(code)
        .map(|(e, name)| e.unwrap_or_else(|| name.clone()))
        .collect();
    format!("{} ({names})", shown.join(" "))
}

fn text(v: Option<&Value>) -> String {
    match v {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Null) | None => "None".to_owned(),
        Some(other) => other.to_string(),
    }
}

/// The label of `meta[key]` in settings group `group` (the raw value when unlabelled).
fn label(map: &Value, group: &str, meta: &Value, key: &str) -> String {
    let raw = match meta.get(key) {
        Some(Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
        None => return "None".to_owned(),
    };
    map.get(group)
        .and_then(|g| g.get(&raw))
        .and_then(Value::as_str)
        .map_or(raw, str::to_owned)
}

/// Python's truthiness of a JSON value (how the original tests `meta.special`).
fn truthy(v: &Value) -> bool {
    match v {
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::Number(n) => n.as_f64().is_some_and(|f| f != 0.0),
        Value::String(s) => !s.is_empty(),
        Value::Array(a) => !a.is_empty(),
        Value::Object(o) => !o.is_empty(),
    }
}

/// The settings block of a game whose `spoiler.meta` is `meta`, labelled with `settings_map`
/// (`{}` shows the raw values): a mystery game says no meta information is available, a
/// festive game gets its one "Settings" field, any other game the four fields "Item
/// Placement", "Goal", "Gameplay" and "Difficulty".
pub fn settings_fields(meta: &Value, settings_map: &Value) -> Vec<SummaryField> {
    let l = |group: &str, key: &str| label(settings_map, group, meta, key);
    let or = |key: &str, default: &str| match meta.get(key) {
        None => default.to_owned(),
        v => text(v),
    };
    if meta.get("spoilers").and_then(Value::as_str) == Some("mystery") {
        return vec![
            SummaryField::new(
                "Mystery Game",
                "No meta information is available for this game.",
                false,
            ),
            SummaryField::new(
                "Item Placement",
                format!("**Glitches Required:** {}", text(meta.get("logic"))),
                true,
            ),
        ];
    }
    if meta.get("special").is_some_and(truthy) {
        return vec![
            SummaryField::new(
                "Festive Randomizer",
                "This is a festive game: expect a few surprises. Happy holidays!",
                false,
            ),
            SummaryField::new(
                "Settings",
                format!(
                    "**Item Placement:** {}\n**Dungeon Items:** {}\n**Accessibility:** {}\n\
                     **World State:** {}\n**Hints:** {}\n**Swords:** {}\n**Item Pool:** {}\n\
                     **Item Functionality:** {}",
                    l("item_placement", "item_placement"),
                    l("dungeon_items", "dungeon_items"),
                    l("accessibility", "accessibility"),
                    l("world_state", "mode"),
                    text(meta.get("hints")),
                    l("weapons", "weapons"),
                    l("item_pool", "item_pool"),
                    l("item_functionality", "item_functionality"),
                ),
                false,
            ),
        ];
    }
    let entrance = if meta.get("shuffle").is_some() {
        l("entrance_shuffle", "shuffle")
    } else {
        "None".to_owned()
    };
    vec![
        SummaryField::new(
            "Item Placement",
            format!(
                "**Glitches Required:** {}\n**Item Placement:** {}\n**Dungeon Items:** {}\n\
                 **Accessibility:** {}",
                text(meta.get("logic")),
                l("item_placement", "item_placement"),
                l("dungeon_items", "dungeon_items"),
                l("accessibility", "accessibility"),
            ),
            true,
        ),
        SummaryField::new(
            "Goal",
            format!(
                "**Goal:** {}\n**Open Tower:** {}\n**Ganon Vulnerable:** {}",
                l("goals", "goal"),
                or("entry_crystals_tower", "unknown"),
                or("entry_crystals_ganon", "unknown"),
            ),
            true,
        ),
        SummaryField::new(
            "Gameplay",
            format!(
                "**World State:** {}\n**Entrance Shuffle:** {entrance}\n**Boss Shuffle:** {}\n\
                 **Enemy Shuffle:** {}\n**Pot Shuffle:** {}\n**Hints:** {}",
                l("world_state", "mode"),
                l("boss_shuffle", "enemizer.boss_shuffle"),
                l("enemy_shuffle", "enemizer.enemy_shuffle"),
                or("enemizer.pot_shuffle", "off"),
                text(meta.get("hints")),
            ),
            true,
        ),
        SummaryField::new(
            "Difficulty",
            format!(
                "**Swords:** {}\n**Item Pool:** {}\n**Item Functionality:** {}\n\
                 **Enemy Damage:** {}\n**Enemy Health:** {}",
                l("weapons", "weapons"),
                l("item_pool", "item_pool"),
                l("item_functionality", "item_functionality"),
                l("enemy_damage", "enemizer.enemy_damage"),
                l("enemy_health", "enemizer.enemy_health"),
            ),
            true,
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn code_with_and_without_emojis() {
        let code: Vec<String> = ["Bow", "Boots", "Hammer", "Bombs", "Map"]
            .iter()
            .map(|s| (*s).to_owned())
            .collect();
        assert_eq!(
            file_select_code(&code, &|_| None),
            "Bow/Boots/Hammer/Bombs/Map"
        );
        let with = file_select_code(&code, &|n| (n == "GoFast").then(|| "<:GoFast:1>".into()));
        assert_eq!(
            with,
            "Bow <:GoFast:1> Hammer Bombs Map (Bow/Boots/Hammer/Bombs/Map)"
        );
    }

    fn names(fields: &[SummaryField]) -> Vec<&str> {
        fields.iter().map(|f| f.name.as_str()).collect()
    }

    #[test]
    fn mystery_festive_and_normal_blocks() {
        let mystery = json!({"spoilers": "mystery", "logic": "NoGlitches"});
        assert_eq!(
            names(&settings_fields(&mystery, &json!({}))),
            ["Mystery Game", "Item Placement"]
        );
        let festive = json!({"special": true, "mode": "open"});
        assert_eq!(
            names(&settings_fields(&festive, &json!({}))),
            ["Festive Randomizer", "Settings"]
        );
        let normal = json!({"goal": "ganon", "logic": "NoGlitches"});
        let map = json!({"goals": {"ganon": "Defeat Ganon"}});
        let fields = settings_fields(&normal, &map);
        assert_eq!(
            names(&fields),
            ["Item Placement", "Goal", "Gameplay", "Difficulty"]
        );
        assert!(
            fields[1].value.starts_with("**Goal:** Defeat Ganon\n"),
            "{fields:?}"
        );
        assert!(
            fields[1].value.contains("**Open Tower:** unknown"),
            "{fields:?}"
        );
        assert!(
            fields[2].value.contains("**Pot Shuffle:** off"),
            "{fields:?}"
        );
        assert!(
            fields[2].value.contains("**Entrance Shuffle:** None"),
            "{fields:?}"
        );
    }
}
