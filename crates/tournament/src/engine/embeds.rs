//! The seed embeds of a tournament roll (§2.11), as Discord JSON built from a
//! [`GeneratedSeed`]: the player/audit embed and the tournament (commentary) embed.
//!
//! The settings block and the file-select code are the ones of the Discord bot's seed embed
//! ([`sahasrahbot_seedgen::alttpr_summary`]).

use sahasrahbot_seedgen::GeneratedSeed;
use sahasrahbot_seedgen::alttpr_summary::{file_select_code, settings_fields};
use serde_json::{Value, json};

/// Dark red: the player embed.
pub const PLAYER_COLOUR: u32 = 0x0099_2D22;
/// Dark gold: the tournament embed.
pub const TOURNAMENT_COLOUR: u32 = 0x00C2_7C0E;

/// What both embeds show besides the seed.
#[derive(Clone, Copy)]
pub struct EmbedContext<'a> {
    /// The title (the race info).
    pub title: &'a str,
    /// The description (`versus`).
    pub versus: &'a str,
    /// The room URL.
    pub room_url: &'a str,
    /// Broadcast channel names.
    pub broadcast_channels: &'a [&'a str],
    /// alttpr.com's `/randomizer/settings` labels (`{}` shows the raw values).
    pub settings_map: &'a Value,
    /// The bot's custom emoji mention for an emoji name, when known (see
    /// [`file_select_code`]); `&|_| None` shows the item names only.
    pub emoji: &'a dyn Fn(&str) -> Option<String>,
}

fn field(name: &str, value: impl Into<String>, inline: bool) -> Value {
    json!({"name": name, "value": value.into(), "inline": inline})
}

/// The settings block of the seed, as the Discord bot's seed embed shows it.
fn settings(seed: &GeneratedSeed, map: &Value) -> Vec<Value> {
    let empty = json!({});
    let meta = seed.data.pointer("/spoiler/meta").unwrap_or(&empty);
    if meta.as_object().is_none_or(serde_json::Map::is_empty) {
        return Vec::new();
    }
    settings_fields(meta, map)
        .into_iter()
        .map(|f| field(&f.name, f.value, f.inline))
        .collect()
}

/// The seed code as the room's bot info shows it: `(A/B/C/D/E)`.
pub fn seed_code(seed: &GeneratedSeed) -> String {
    format!("({})", seed.code.clone().unwrap_or_default().join("/"))
}

fn build(seed: &GeneratedSeed, ctx: EmbedContext<'_>, colour: u32, permalink: bool) -> Value {
    let mut fields = Vec::new();
    if !ctx.broadcast_channels.is_empty() {
        let links: Vec<String> = ctx
            .broadcast_channels
            .iter()
            .map(|c| format!("[{c}](https://twitch.tv/{c})"))
            .collect();
        fields.push(field("Broadcast Channels", links.join(", "), false));
    }
    fields.push(field("RaceTime.gg", ctx.room_url, false));
    fields.extend(settings(seed, ctx.settings_map));
    let code = seed.code.clone().unwrap_or_default();
    fields.push(field(
        "File Select Code",
        file_select_code(&code, ctx.emoji),
        false,
    ));
    if permalink {
        fields.push(field("Permalink", seed.url.clone(), false));
    }
    let mut embed = json!({
        "title": ctx.title,
        "description": ctx.versus,
        "color": colour,
        "fields": fields,
        "footer": {"text": "Generated"},
    });
    if let Some(ts) = seed.data.get("generated").and_then(Value::as_str) {
        embed["timestamp"] = json!(ts);
    }
    embed
}

/// The player/audit embed (with the permalink).
pub fn player_embed(seed: &GeneratedSeed, ctx: EmbedContext<'_>) -> Value {
    build(seed, ctx, PLAYER_COLOUR, true)
}

/// The tournament (commentary) embed: dark gold, no permalink.
pub fn tournament_embed(seed: &GeneratedSeed, ctx: EmbedContext<'_>) -> Value {
    build(seed, ctx, TOURNAMENT_COLOUR, false)
}

/// The room-opened DM embed (§2.7).
pub fn room_opened_embed(
    versus: &str,
    room_url: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Value {
    json!({
        "title": format!("RT.gg Room Opened - {versus}"),
        "description": format!(
            "Greetings!  A RaceTime.gg race room has been automatically opened for you.\nYou may access it at {room_url}\n\nEnjoy!"
        ),
        "color": 0x0034_98DB,
        "timestamp": now.to_rfc3339(),
    })
}
