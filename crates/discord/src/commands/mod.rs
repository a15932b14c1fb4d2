//! Slash-command definitions (what is registered with Discord) and the dispatch table from
//! command name to handler module.
//!
//! - [`misc`]: `/welcome`, `/rom` (ALTTP Randomizer guilds only), `/holyimage`, `/datetime`.
//! - [`sgdailies`]: `/sgdaily` (ALTTP Randomizer guilds only).
//! - [`generator`]: `/alttpr preset|mystery|custommystery|spoiler|customspoiler|custompreset`, `/sm preset`, `/smz3 preset`,
//!   `/smdash`, `/smvaria`, `/ctjets`, `/z2r preset|mrb`,
//!   `/alttprutils verifygame|savepreset|convertcustomizer`, and their autocompletes.
//! - [`customizer`]: the customizer-save → preset conversion of `/alttprutils convertcustomizer`.
//! - [`discord_servers`]: `/discordservers` (administrators only).
//! - [`inquiry`]: `/inquiry` and its 📬 / "Yes!" buttons and modal.
//! - [`kisspriest`]: `/alttpr kisspriest`.
//! - [`rankedchoice`]: `/rankedchoice create` and the "End Election" button.
//! - [`daily`]: `/dailygame` and the daily-challenge announcer loop.
//! - [`nickname`]: `/rtggadmin blast|report` (administrators only).
//! - [`racer_verification`]: `/racerverification create_or_update|reverify` (administrators
//!   only) and its "Verify your status" button.
//! - [`asynctournament`]: `/async …` (async tournaments), its buttons, modals and
//!   enforcement loops.

pub mod asynctournament;
pub mod customizer;
pub mod daily;
pub mod discord_servers;
pub mod generator;
pub mod inquiry;
pub mod kisspriest;
pub mod misc;
pub mod nickname;
pub mod racer_verification;
pub mod rankedchoice;
pub mod sgdailies;

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
        inquiry::inquiry_command(),
        rankedchoice::rankedchoice_command(),
        generator::smvaria_command(),
        generator::ctjets_command(),
        generator::z2r_command(),
        daily::dailygame_command(),
        nickname::rtggadmin_command(),
        racer_verification::racerverification_command(),
        asynctournament::async_command(),
    ]
}

/// The commands registered only in the ALTTP Randomizer guilds.
pub fn alttp_guild_commands() -> Vec<Command> {
    vec![
        misc::welcome_command(),
        misc::rom_command(),
        sgdailies::sgdaily_command(),
    ]
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
        ("sgdaily", []) => sgdailies::sgdaily(ctx, options).await,
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
        ("discordservers", ["add_category"]) => discord_servers::add_category(ctx, options).await,
        ("discordservers", ["remove_category"]) => {
            discord_servers::remove_category(ctx, options).await
        }
        ("discordservers", ["update_category"]) => {
            discord_servers::update_category(ctx, options).await
        }
        ("discordservers", ["add_server"]) => discord_servers::add_server(ctx, options).await,
        ("discordservers", ["list_servers"]) => discord_servers::list_servers(ctx, options).await,
        ("discordservers", ["remove_server"]) => discord_servers::remove_server(ctx, options).await,
        ("discordservers", ["update_server"]) => discord_servers::update_server(ctx, options).await,
        ("discordservers", ["refresh"]) => discord_servers::refresh(ctx).await,
        ("inquiry", []) => inquiry::inquiry(ctx, options).await,
        ("rankedchoice", ["create"]) => rankedchoice::create(ctx, options).await,
        ("smvaria", []) => generator::smvaria(ctx, options).await,
        ("ctjets", []) => generator::ctjets(ctx, options).await,
        ("z2r", ["preset"]) => generator::z2r_preset(ctx, options).await,
        ("z2r", ["mrb"]) => generator::z2r_mrb(ctx).await,
        ("alttprutils", ["convertcustomizer"]) => generator::convertcustomizer(ctx, options).await,
        ("alttpr", ["kisspriest"]) => kisspriest::kisspriest(ctx, options).await,
        ("dailygame", []) => daily::dailygame(ctx).await,
        ("rtggadmin", ["blast"]) => nickname::blast(ctx, options).await,
        ("rtggadmin", ["report"]) => nickname::report(ctx, options).await,
        ("racerverification", ["create_or_update"]) => {
            racer_verification::create_or_update(ctx, options).await
        }
        ("racerverification", ["reverify"]) => racer_verification::reverify(ctx, options).await,
        ("async", [sub]) => match asynctournament::dispatch(ctx, options, sub).await {
            Some(result) => result,
            None => Err(Error::UnknownCommand(name)),
        },
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
        ("smvaria", [], Some(("settings", typed))) => {
            generator::varia_choices(&generator::VARIA_SETTINGS, typed)
        }
        ("smvaria", [], Some(("skills", typed))) => {
            generator::varia_choices(&generator::VARIA_SKILLS, typed)
        }
        ("ctjets", [], Some(("preset", typed))) => {
            generator::game_choices(ctx, Game::CtJets, typed)?
        }
        ("async", ["addseed"], Some(("preset", typed))) => generator::preset_choices(ctx, typed)?,
        ("async", ["live_race_record"], Some(("racetime_slug", typed))) => {
            asynctournament::staff::live_race_choices(ctx, typed).await?
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

/// The `names` starting with `typed`, sorted, at most 25 (Discord's limit), as choices.
pub(crate) fn prefix_choices<S: AsRef<str>>(
    names: impl IntoIterator<Item = S>,
    typed: &str,
) -> Vec<CommandOptionChoice> {
    let mut found: Vec<String> = names
        .into_iter()
        .filter(|n| n.as_ref().starts_with(typed))
        .map(|n| n.as_ref().to_owned())
        .collect();
    found.sort();
    found.truncate(25);
    string_choices(found)
}

/// A snowflake as the `bigint` the tables store.
pub(crate) fn db_id(id: u64) -> crate::Result<i64> {
    i64::try_from(id)
        .map_err(|_| crate::errors::Error::BadOption(format!("The id {id} is out of range.")))
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
