//! The ALTTPR seed embed (`discord.md` §5.1), built from a generated game and the labels of
//! `{base}/randomizer/settings`.

pub use sahasrahbot_seedgen::alttpr_summary::file_select_code;
use sahasrahbot_seedgen::alttpr_summary::settings_fields;
use serde_json::Value as Json;
use twilight_model::channel::message::Embed;
use twilight_model::channel::message::embed::{EmbedField, EmbedFooter};
use twilight_model::util::Timestamp;

/// Dark red, the seed embed's colour.
pub const SEED_COLOUR: u32 = 0x0099_2D22;

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
        fields.extend(
            settings_fields(meta, input.settings_map)
                .into_iter()
                .map(|f| field(&f.name, f.value, f.inline)),
        );
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

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

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
