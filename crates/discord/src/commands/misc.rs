//! The `misc` group (`discord.md` §2.4): `/welcome` and `/rom`.
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
        "Bem-vindo! Este servidor do Discord é principalmente em inglês.\n\
         Se preferir conversar em português, pergunte por aqui pela comunidade lusófona de \
         ALTTPR — teremos prazer em indicar o caminho.\n\nMais uma vez, bem-vindo!",
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
