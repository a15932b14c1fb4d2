//! The `discord_servers` group (`discord.md` §2.3), admin only: so far `list_category`.

use sahasrahbot_core::db::entities::discord_server_categories as categories;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use twilight_model::application::command::{Command, CommandType};
use twilight_model::application::interaction::InteractionContextType;
use twilight_model::guild::Permissions;
use twilight_util::builder::command::{CommandBuilder, SubCommandBuilder};

use crate::Result;
use crate::context::Ctx;
use crate::embeds::alttpr::field;
use crate::errors::Error;

/// Discord's "blue" embed colour.
const BLUE: u32 = 0x0034_98DB;

/// `/discordservers`: guild only, hidden from non-administrators.
pub fn discordservers_command() -> Command {
    CommandBuilder::new(
        "discordservers",
        "Manage categories of the Discord server list.",
        CommandType::ChatInput,
    )
    .contexts([InteractionContextType::Guild])
    .default_member_permissions(Permissions::ADMINISTRATOR)
    .option(SubCommandBuilder::new(
        "list_category",
        "List the server list categories of this server.",
    ))
    .build()
}

/// `/discordservers list_category`: a public embed with one field per category (sorted by
/// `order`, then id — fix D18), or an ephemeral "No categories found.".
pub(crate) async fn list_category(ctx: &Ctx) -> Result<()> {
    ctx.require_admin()?;
    let guild = ctx
        .guild_id()
        .ok_or_else(|| Error::Forbidden("This command can only be used in a server.".to_owned()))?;
    let guild = i64::try_from(guild.get())
        .map_err(|_| Error::BadOption("guild id out of range".to_owned()))?;
    let rows = categories::Entity::find()
        .filter(categories::Column::GuildId.eq(guild))
        .order_by_asc(categories::Column::Order)
        .order_by_asc(categories::Column::Id)
        .all(&ctx.bot.deps.db)
        .await
        .map_err(|e| Error::Database(e.into()))?;
    if rows.is_empty() {
        return ctx
            .reply(Some("No categories found.".to_owned()), Vec::new(), true)
            .await;
    }
    let fields = rows
        .iter()
        .map(|c| {
            field(
                &c.category_title,
                format!("*Id:* {}\n*Channel:* <#{}>", c.id, c.channel_id),
                false,
            )
        })
        .collect();
    let embed = twilight_model::channel::message::Embed {
        author: None,
        color: Some(BLUE),
        description: None,
        fields,
        flags: None,
        footer: None,
        image: None,
        kind: "rich".to_owned(),
        provider: None,
        thumbnail: None,
        timestamp: None,
        title: Some("List of categories".to_owned()),
        url: None,
        video: None,
    };
    ctx.reply(None, vec![embed], false).await
}
