//! The ALTTPR seed embed (`discord.md` §5.1), built from a generated game and the labels of
//! `{base}/randomizer/settings`.

use serde_json::Value as Json;
use twilight_model::channel::message::Embed;
use twilight_model::channel::message::embed::{EmbedField, EmbedFooter};
use twilight_model::util::Timestamp;

/// Dark red, the seed embed's colour.
pub const SEED_COLOUR: u32 = 0x0099_2D22;

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

/// What the seed embed is built from.
#[derive(Debug, Clone, Copy)]
pub struct SeedEmbedInput<'a> {
    /// The generator's full answer (`spoiler.meta`, `generated`, …).
    pub data: &'a Json,
    /// The permalink.
    pub permalink: &'a str,
    /// The file-select code (five item names).
    pub code: &'a [String],
    /// The labels of `/randomizer/settings`.
    pub settings_map: &'a Json,
    /// A title replacing `meta.name`.
    pub title: Option<&'a str>,
    /// A description replacing `meta.notes`.
    pub notes: Option<&'a str>,
    /// Whether to show the settings block.
    pub include_settings: bool,
}

/// A field.
pub fn field(name: &str, value: impl Into<String>, inline: bool) -> EmbedField {
    EmbedField {
        name: name.to_owned(),
        value: value.into(),
        inline,
    }
}

fn text(v: Option<&Json>) -> String {
    match v {
        Some(Json::String(s)) => s.clone(),
        Some(Json::Null) | None => "None".to_owned(),
        Some(other) => other.to_string(),
    }
}

/// The label of `meta[key]` in settings group `group` (the raw value when unlabelled).
fn label(map: &Json, group: &str, meta: &Json, key: &str) -> String {
    let raw = meta.get(key);
    let raw_key = match raw {
        Some(Json::String(s)) => s.clone(),
        Some(other) => other.to_string(),
        None => return "None".to_owned(),
    };
    map.get(group)
        .and_then(|g| g.get(&raw_key))
        .and_then(Json::as_str)
        .map_or(raw_key, str::to_owned)
}

/// The file-select code: the custom emojis and the names when `emoji` resolves them, else
/// the names joined with `/`. A missing emoji is shown as its item name (not `None`).
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

/// Builds the seed embed: title, notes, dark red, the generation time; the settings block
/// (mystery, festive or the four normal fields); "File Select Code"; "Permalink"; footer
/// "Generated" with the `SahasrahBot` emoji as icon when visible (no icon otherwise, fix D2).
pub fn seed_embed(
    input: SeedEmbedInput<'_>,
    emoji: &dyn Fn(&str) -> Option<String>,
    footer_icon: Option<String>,
) -> Embed {
    let empty = Json::Object(serde_json::Map::new());
    let meta = input.data.pointer("/spoiler/meta").unwrap_or(&empty);
    let map = input.settings_map;
    let title = input
        .title
        .map(str::to_owned)
        .or_else(|| meta.get("name").and_then(Json::as_str).map(str::to_owned))
        .unwrap_or_else(|| "Requested Seed".to_owned());
    let description = input
        .notes
        .map(str::to_owned)
        .or_else(|| {
            meta.get("notes")
                .and_then(Json::as_str)
                .map(super::html_to_markdown)
        })
        .unwrap_or_default();
    let timestamp = input
        .data
        .get("generated")
        .and_then(Json::as_str)
        .and_then(|s| Timestamp::parse(s).ok());

    let mut fields = Vec::new();
    if input.include_settings {
        let l = |group: &str, key: &str| label(map, group, meta, key);
        if meta.get("spoilers").and_then(Json::as_str) == Some("mystery") {
            fields.push(field(
                "Mystery Game",
                "No meta information is available for this game.",
                false,
            ));
            fields.push(field(
                "Item Placement",
                format!("**Glitches Required:** {}", text(meta.get("logic"))),
                true,
            ));
        } else if meta.get("special").is_some_and(truthy) {
            fields.push(field(
                "Festive Randomizer",
                "This is a festive game: expect a few surprises. Happy holidays!",
                false,
            ));
            fields.push(field(
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
            ));
        } else {
            fields.push(field(
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
            ));
            let crystals = |key: &str| match meta.get(key) {
                None => "unknown".to_owned(),
                v => text(v),
            };
            fields.push(field(
                "Goal",
                format!(
                    "**Goal:** {}\n**Open Tower:** {}\n**Ganon Vulnerable:** {}",
                    l("goals", "goal"),
                    crystals("entry_crystals_tower"),
                    crystals("entry_crystals_ganon"),
                ),
                true,
            ));
            let entrance = if meta.get("shuffle").is_some() {
                l("entrance_shuffle", "shuffle")
            } else {
                "None".to_owned()
            };
            let pot = match meta.get("enemizer.pot_shuffle") {
                None => "off".to_owned(),
                v => text(v),
            };
            fields.push(field(
                "Gameplay",
                format!(
                    "**World State:** {}\n**Entrance Shuffle:** {entrance}\n**Boss Shuffle:** {}\n\
                     **Enemy Shuffle:** {}\n**Pot Shuffle:** {pot}\n**Hints:** {}",
                    l("world_state", "mode"),
                    l("boss_shuffle", "enemizer.boss_shuffle"),
                    l("enemy_shuffle", "enemizer.enemy_shuffle"),
                    text(meta.get("hints")),
                ),
                true,
            ));
            fields.push(field(
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
            ));
        }
    }
    fields.push(field(
        "File Select Code",
        file_select_code(input.code, emoji),
        false,
    ));
    fields.push(field("Permalink", input.permalink, false));

    Embed {
        author: None,
        color: Some(SEED_COLOUR),
        description: Some(description),
        fields,
        flags: None,
        footer: Some(EmbedFooter {
            icon_url: footer_icon,
            proxy_icon_url: None,
            text: "Generated".to_owned(),
        }),
        image: None,
        kind: "rich".to_owned(),
        provider: None,
        thumbnail: None,
        timestamp,
        title: Some(title),
        url: None,
        video: None,
    }
}

fn truthy(v: &Json) -> bool {
    match v {
        Json::Null => false,
        Json::Bool(b) => *b,
        Json::Number(n) => n.as_f64().is_some_and(|f| f != 0.0),
        Json::String(s) => !s.is_empty(),
        Json::Array(a) => !a.is_empty(),
        Json::Object(o) => !o.is_empty(),
    }
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

    #[test]
    fn mystery_games_hide_settings() {
        let data = json!({"spoiler": {"meta": {"spoilers": "mystery", "logic": "NoGlitches"}}});
        let e = seed_embed(
            SeedEmbedInput {
                data: &data,
                permalink: "https://alttpr.com/h/x",
                code: &[],
                settings_map: &json!({}),
                title: Some("Mystery Game"),
                notes: None,
                include_settings: true,
            },
            &|_| None,
            None,
        );
        let names: Vec<&str> = e.fields.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "Mystery Game",
                "Item Placement",
                "File Select Code",
                "Permalink"
            ]
        );
        assert_eq!(e.title.as_deref(), Some("Mystery Game"));
    }
}
