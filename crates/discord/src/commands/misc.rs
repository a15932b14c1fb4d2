//! The `misc` group (`discord.md` §2.4): `/welcome`, `/rom`, `/holyimage` and `/datetime`.
//!
//! The texts are this project's own wording of the original's messages (same facts and
//! links).

use twilight_model::application::command::{Command, CommandType};
use twilight_util::builder::command::{CommandBuilder, StringBuilder};

use crate::Result;
use crate::context::{Ctx, Options};
use crate::errors::Error;

/// The languages of `/welcome` with their text.
pub const WELCOME_TEXTS: [(&str, &str); 4] = [
    (
        "french",
        "Bienvenue ! Ce serveur Discord est surtout anglophone.\n\
         Il existe une communauté francophone : https://discord.gg/9cWhQyw — ses membres \
         seront ravis de vous aider.\n\nEncore bienvenue !",
    ),
    (
        "spanish",
        "¡Bienvenido! En este servidor de Discord se habla sobre todo inglés.\n\
         Hay una comunidad en español donde te ayudarán con gusto: https://discord.gg/xyHxAFJ\n\n\
         ¡Bienvenido de nuevo!",
    ),
    (
        "german",
        "Willkommen! Auf diesem Server wird hauptsächlich Englisch gesprochen.\n\
         Es gibt aber auch eine deutschsprachige Community, die dir gern weiterhilft — von \
         Tipps für Einsteiger bis zu Turnieren: https://discordapp.com/invite/5zuANcS\n\n\
         Nochmals herzlich willkommen!",
    ),
    (
        "portuguese",
        "Olá e bem-vindo ao servidor internacional do ALTTP Randomizer!\n\n\
         Aqui se fala principalmente inglês, e poucos membros falam português. Se você \
         prefere conversar, buscar informações e tutoriais ou participar de torneios em \
         português, a comunidade brasileira vai recebê-lo muito bem nestes servidores:\n\n\
         Zelda Randomizer Brasil: https://discord.gg/HBvVB3xAVe\n\
         Randomizer Brasil: https://discord.gg/U4U62Gysku",
    ),
];

/// The `/rom` guidance.
pub const ROM_TEXT: &str = "To check that your legally dumped Japanese 1.0 ROM of A Link to \
the Past is the right one for ALTTPR, use <http://alttp.mymm1.com/game/checkcrc/>. The same \
tool can also find the permalink page of a seed, which links the spoiler log when the seed \
has one.\n\nWe cannot help anyone find this ROM online, so please don't ask for that here.\n\
See <#543572578787393556> for details.";

/// `/welcome language`.
pub fn welcome_command() -> Command {
    CommandBuilder::new(
        "welcome",
        "Welcome messages for various languages.",
        CommandType::ChatInput,
    )
    .contexts([twilight_model::application::interaction::InteractionContextType::Guild])
    .option(
        StringBuilder::new("language", "Choose a language for the welcome message.")
            .required(true)
            .choices(WELCOME_TEXTS.iter().map(|(lang, _)| (*lang, *lang))),
    )
    .build()
}

/// `/rom`.
pub fn rom_command() -> Command {
    CommandBuilder::new(
        "rom",
        "Get info about how to verify a ROM.",
        CommandType::ChatInput,
    )
    .contexts([twilight_model::application::interaction::InteractionContextType::Guild])
    .build()
}

pub(crate) async fn welcome(ctx: &Ctx, options: &Options) -> Result<()> {
    let language = options.required_string("language")?;
    let text = WELCOME_TEXTS
        .iter()
        .find(|(lang, _)| *lang == language)
        .map(|(_, text)| *text)
        .ok_or_else(|| {
            Error::BadOption(format!(
                "`{language}` is not a known language: choose french, spanish, german or \
                 portuguese."
            ))
        })?;
    ctx.reply(Some(text.to_owned()), Vec::new(), false).await
}

pub(crate) async fn rom(ctx: &Ctx) -> Result<()> {
    ctx.reply(Some(ROM_TEXT.to_owned()), Vec::new(), false)
        .await
}

/// Holy image embed colour (#FFAF00).
pub const HOLY_COLOUR: u32 = 0x00FF_AF00;
/// How long the holy image list is kept for autocompletes.
const HOLY_CACHE_TTL: std::time::Duration = std::time::Duration::from_secs(300);
/// The holy image site.
const HOLY_SITE: &str = "http://alttp.mymm1.com/holyimage";

/// `/holyimage slug [game]`.
pub fn holyimage_command() -> Command {
    CommandBuilder::new(
        "holyimage",
        "Retrieves a holy image from http://alttp.mymm1.com/holyimage/",
        CommandType::ChatInput,
    )
    .contexts(super::anywhere())
    .option(
        StringBuilder::new("slug", "Slug of the holy image to retrieve.")
            .required(true)
            .autocomplete(true),
    )
    .option(
        StringBuilder::new("game", "Slug of the game to pull a holy image for.").autocomplete(true),
    )
    .build()
}

async fn fetch_holy_images(ctx: &Ctx) -> Result<serde_json::Value> {
    let unavailable = |reason: String| Error::External {
        service: "the holy image list",
        reason,
    };
    let response = ctx
        .bot
        .web
        .get(&ctx.bot.holy_images_url)
        .send()
        .await
        .map_err(|e| unavailable(e.to_string()))?;
    if !response.status().is_success() {
        return Err(unavailable(format!("HTTP {}", response.status())));
    }
    let json: serde_json::Value = response
        .json()
        .await
        .map_err(|e| unavailable(e.to_string()))?;
    *ctx.bot.holy_cache.lock().await = Some((std::time::Instant::now(), json.clone()));
    Ok(json)
}

async fn cached_holy_images(ctx: &Ctx) -> Result<serde_json::Value> {
    if let Some((at, json)) = ctx.bot.holy_cache.lock().await.as_ref()
        && at.elapsed() < HOLY_CACHE_TTL
    {
        return Ok(json.clone());
    }
    fetch_holy_images(ctx).await
}

/// The guild's default game (`HolyImageDefaultGame`, default `z3r`), per guild (fix D17);
/// `z3r` in DMs.
async fn default_game(ctx: &Ctx) -> Result<String> {
    match ctx.guild_id() {
        Some(guild) => {
            let guild = i64::try_from(guild.get()).unwrap_or_default();
            Ok(ctx
                .bot
                .deps
                .guild_config
                .get_or(guild, "HolyImageDefaultGame", "z3r")
                .await?)
        }
        None => Ok("z3r".to_owned()),
    }
}

/// The first image of `game` whose slug, alias or index matches `slug` (lowercased).
pub fn find_holy_image<'a>(
    images: &'a serde_json::Value,
    game: &str,
    slug: &str,
) -> Option<&'a serde_json::Value> {
    let wanted = slug.to_lowercase();
    images.get(game)?.as_array()?.iter().find(|item| {
        item.get("slug").and_then(serde_json::Value::as_str) == Some(wanted.as_str())
            || item
                .get("aliases")
                .and_then(serde_json::Value::as_array)
                .is_some_and(|a| a.iter().any(|x| x.as_str() == Some(wanted.as_str())))
            || item.get("idx").is_some_and(|idx| match idx {
                serde_json::Value::String(s) => *s == wanted,
                other => other
                    .as_u64()
                    .is_some_and(|n| wanted.parse::<u64>() == Ok(n)),
            })
    })
}

/// `/holyimage`: a public embed (title, description, thumbnail or "Link" field, "Source",
/// credit footer); an unknown image is an ephemeral `HolyImageNotFound`.
pub(crate) async fn holyimage(ctx: &Ctx, options: &Options) -> Result<()> {
    use crate::embeds::alttpr::field;
    let slug = options.required_string("slug")?.to_owned();
    let game = match options.string("game") {
        Some(g) => g.to_owned(),
        None => default_game(ctx).await?,
    };
    let images = fetch_holy_images(ctx).await?;
    let image = find_holy_image(&images, &game, &slug).ok_or_else(|| {
        Error::HolyImageNotFound(format!(
            "There is no such holy image. See the list at <{HOLY_SITE}/>"
        ))
    })?;
    let text = |key: &str| image.get(key).and_then(serde_json::Value::as_str);
    let image_slug = text("slug").unwrap_or(&slug);
    let mut fields = Vec::new();
    let mut thumbnail = None;
    if let Some(url) = text("url") {
        if text("mode") == Some("redirect") {
            fields.push(field("Link", url, false));
        } else {
            thumbnail = Some(url.to_owned());
        }
    }
    fields.push(field(
        "Source",
        format!("{HOLY_SITE}/{game}-{image_slug}.html"),
        false,
    ));
    let description = text("desc")
        .or_else(|| text("description"))
        .map(crate::embeds::html_to_markdown);
    let credit = text("credit").map(|c| format!("Created by {c}"));
    let mut embed = crate::embeds::embed(
        text("title").unwrap_or(image_slug),
        description,
        HOLY_COLOUR,
        fields,
        credit.as_deref(),
    );
    embed.thumbnail =
        thumbnail.map(
            |url| twilight_model::channel::message::embed::EmbedThumbnail {
                height: None,
                proxy_url: None,
                url,
                width: None,
            },
        );
    ctx.reply(None, vec![embed], false).await
}

/// Autocomplete of `/holyimage`: game keys, or the slugs of the chosen (or default) game,
/// starting with the typed text, sorted, at most 25.
pub(crate) async fn holyimage_choices(
    ctx: &Ctx,
    options: &Options,
    focused: &str,
    typed: &str,
) -> Result<Vec<twilight_model::application::command::CommandOptionChoice>> {
    let images = cached_holy_images(ctx).await?;
    let names: Vec<&str> = if focused == "game" {
        images
            .as_object()
            .map(|o| o.keys().map(String::as_str).collect())
            .unwrap_or_default()
    } else {
        let game = match options.string("game") {
            Some(g) if !g.is_empty() => g.to_owned(),
            _ => default_game(ctx).await?,
        };
        images
            .get(&game)
            .and_then(serde_json::Value::as_array)
            .map(|items| {
                items
                    .iter()
                    .filter_map(|i| i.get("slug").and_then(serde_json::Value::as_str))
                    .collect()
            })
            .unwrap_or_default()
    };
    Ok(super::prefix_choices(names, typed))
}

/// `/datetime`: Discord timestamp markdown for a date and time in a time zone.
pub fn datetime_command() -> Command {
    use twilight_util::builder::command::IntegerBuilder;
    let int = |name: &str, description: &str, min: i64, max: i64| {
        IntegerBuilder::new(name, description)
            .min_value(min)
            .max_value(max)
    };
    CommandBuilder::new(
        "datetime",
        "Get Discord date markdown for a date and time.",
        CommandType::ChatInput,
    )
    .contexts(super::anywhere())
    .option(int("year", "Year (default: this year)", 1970, 9999))
    .option(int("month", "Month (default: this month)", 1, 12))
    .option(int("day", "Day (default: today)", 1, 31))
    .option(int("hour", "Hour, 0-23 (default 0)", 0, 23))
    .option(int("minute", "Minute (default 0)", 0, 59))
    .option(int("second", "Second (default 0)", 0, 59))
    .option(StringBuilder::new("timezone", "Time zone (default US/Eastern)").autocomplete(true))
    .build()
}

/// The styles of Discord timestamps, in the order shown.
const TIMESTAMP_STYLES: [char; 7] = ['t', 'T', 'd', 'D', 'f', 'F', 'R'];

/// `/datetime`: an ephemeral embed with one line per timestamp style; an unknown time zone
/// or an impossible date is an ephemeral message naming it. Missing year, month and day
/// are today's in the chosen time zone.
pub(crate) async fn datetime(ctx: &Ctx, options: &Options) -> Result<()> {
    use chrono::{Datelike as _, TimeZone as _};
    let tz_name = options.string("timezone").unwrap_or("US/Eastern");
    let Ok(tz) = tz_name.parse::<chrono_tz::Tz>() else {
        return ctx
            .reply(
                Some(format!("Unknown timezone: {tz_name}")),
                Vec::new(),
                true,
            )
            .await;
    };
    let today = chrono::Utc::now().with_timezone(&tz);
    let part = |name: &str, default: i64| options.integer(name).unwrap_or(default);
    let (y, mo, d) = (
        part("year", i64::from(today.year())),
        part("month", i64::from(today.month())),
        part("day", i64::from(today.day())),
    );
    let (h, mi, s) = (part("hour", 0), part("minute", 0), part("second", 0));
    let invalid = format!("Invalid date: {y}-{mo}-{d} {h}:{mi}:{s} {tz_name}");
    let local = (|| {
        let date = chrono::NaiveDate::from_ymd_opt(
            i32::try_from(y).ok()?,
            u32::try_from(mo).ok()?,
            u32::try_from(d).ok()?,
        )?;
        let naive = date.and_hms_opt(
            u32::try_from(h).ok()?,
            u32::try_from(mi).ok()?,
            u32::try_from(s).ok()?,
        )?;
        tz.from_local_datetime(&naive).earliest()
    })();
    let Some(local) = local else {
        return ctx.reply(Some(invalid), Vec::new(), true).await;
    };
    let unix = local.timestamp();
    let mut description = String::from(
        "Paste a code below into a message: Discord shows it in each reader's own time zone.\n",
    );
    for style in TIMESTAMP_STYLES {
        description.push_str(&format!("\n<t:{unix}:{style}> `<t:{unix}:{style}>`"));
    }
    let embed = crate::embeds::embed(
        &format!(
            "Date markdown for {} {tz_name}",
            local.format("%Y-%m-%d %H:%M:%S")
        ),
        Some(description),
        DATETIME_COLOUR,
        Vec::new(),
        None,
    );
    ctx.reply(None, vec![embed], true).await
}

/// Discord's "blue".
const DATETIME_COLOUR: u32 = 0x0034_98DB;

/// Time zone autocomplete: IANA names starting with the typed text (case-insensitive), at
/// most 25.
pub(crate) fn timezone_choices(
    typed: &str,
) -> Vec<twilight_model::application::command::CommandOptionChoice> {
    let typed = typed.to_lowercase();
    let names = chrono_tz::TZ_VARIANTS
        .iter()
        .map(|tz| tz.name())
        .filter(|name| name.to_lowercase().starts_with(&typed))
        .take(25)
        .map(str::to_owned);
    super::string_choices(names)
}
