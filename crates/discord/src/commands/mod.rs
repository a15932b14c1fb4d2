//! Slash-command definitions (what is registered with Discord) and the dispatch table from
//! command name to handler module.
//!
//! - [`misc`]: `/welcome`, `/rom` (ALTTP Randomizer guilds only), `/holyimage`, `/datetime`.
//! - [`generator`]: `/alttpr preset|mystery|custommystery|spoiler|customspoiler|custompreset`, `/sm preset`, `/smz3 preset`,
//!   `/smdash`, `/alttprutils verifygame|savepreset`, and their autocompletes.
//! - [`discord_servers`]: `/discordservers list_category` (administrators only).

pub mod discord_servers;
pub mod generator;
pub mod misc;

use sahasrahbot_core::presets::Game;
use twilight_model::application::command::{Command, CommandOptionChoice};
use twilight_model::application::interaction::InteractionContextType;

use crate::context::{Ctx, Options};
use crate::{Error, Result};

/// The global commands.
pub fn global_commands() -> Vec<Command> {
    vec![
        generator::alttpr_command(),
        generator::samus_command(Game::Sm),
        generator::samus_command(Game::Smz3),
        generator::alttprutils_command(),
        misc::holyimage_command(),
        misc::datetime_command(),
        generator::smdash_command(),
        discord_servers::discordservers_command(),
    ]
}

/// The commands registered only in the ALTTP Randomizer guilds.
pub fn alttp_guild_commands() -> Vec<Command> {
    vec![misc::welcome_command(), misc::rom_command()]
}

/// Where a command may be used: guilds and the bot's DMs (as the original, which set no
/// restriction on these commands).
pub(crate) fn anywhere() -> [InteractionContextType; 2] {
    [InteractionContextType::Guild, InteractionContextType::BotDm]
}

/// The dispatch table: the command name and subcommand path → the handler.
pub(crate) async fn dispatch(ctx: &Ctx, options: &Options) -> Result<()> {
    let name = command_name(ctx);
    let path: Vec<&str> = options.path.iter().map(String::as_str).collect();
    match (name.as_str(), path.as_slice()) {
        ("welcome", []) => misc::welcome(ctx, options).await,
        ("rom", []) => misc::rom(ctx).await,
        ("holyimage", []) => misc::holyimage(ctx, options).await,
        ("datetime", []) => misc::datetime(ctx, options).await,
        ("alttpr", ["preset"]) => generator::alttpr_preset(ctx, options).await,
        ("alttpr", ["mystery"]) => generator::alttpr_mystery(ctx, options).await,
        ("alttpr", ["custommystery"]) => generator::alttpr_custommystery(ctx, options).await,
        ("alttpr", ["spoiler"]) => generator::alttpr_spoiler(ctx, options).await,
        ("alttpr", ["customspoiler"]) => generator::alttpr_customspoiler(ctx, options).await,
        ("sm", ["preset"]) => generator::samus_preset(ctx, options, Game::Sm).await,
        ("smz3", ["preset"]) => generator::samus_preset(ctx, options, Game::Smz3).await,
        ("smdash", []) => generator::smdash(ctx, options).await,
        ("alttprutils", ["verifygame"]) => generator::verifygame(ctx, options).await,
        ("alttprutils", ["savepreset"]) => generator::savepreset(ctx, options).await,
        ("alttpr", ["custompreset"]) => generator::custompreset(ctx, options).await,
        ("discordservers", ["list_category"]) => discord_servers::list_category(ctx).await,
        _ => Err(Error::UnknownCommand(name)),
    }
}

/// Autocomplete answers, by command and focused option.
pub(crate) async fn autocomplete(ctx: &Ctx, options: &Options) -> Result<()> {
    let name = command_name(ctx);
    let path: Vec<&str> = options.path.iter().map(String::as_str).collect();
    let choices = match (name.as_str(), path.as_slice(), options.focused()) {
        ("holyimage", [], Some((focused, typed))) => {
            misc::holyimage_choices(ctx, options, focused, typed).await?
        }
        ("datetime", [], Some(("timezone", typed))) => misc::timezone_choices(typed),
        ("smdash", [], Some(("preset", typed))) => generator::smdash_choices(ctx, typed).await,
        ("alttpr", ["preset" | "spoiler"], Some(("preset", typed))) => {
            generator::preset_choices(ctx, typed)?
        }
        ("alttpr", ["mystery"], Some(("weightset", typed))) => {
            generator::game_choices(ctx, Game::AlttprMystery, typed)?
        }
        ("sm", ["preset"], Some(("preset", typed))) => {
            generator::game_choices(ctx, Game::Sm, typed)?
        }
        ("smz3", ["preset"], Some(("preset", typed))) => {
            generator::game_choices(ctx, Game::Smz3, typed)?
        }
        _ => Vec::new(),
    };
    ctx.autocomplete(choices).await
}

fn command_name(ctx: &Ctx) -> String {
    match &ctx.interaction.data {
        Some(twilight_model::application::interaction::InteractionData::ApplicationCommand(d)) => {
            d.name.clone()
        }
        _ => String::new(),
    }
}

/// String choices whose name and value are the same.
pub(crate) fn string_choices(values: impl IntoIterator<Item = String>) -> Vec<CommandOptionChoice> {
    values
        .into_iter()
        .map(|v| CommandOptionChoice {
            name: v.clone(),
            name_localizations: None,
            value: twilight_model::application::command::CommandOptionChoiceValue::String(v),
        })
        .collect()
}
