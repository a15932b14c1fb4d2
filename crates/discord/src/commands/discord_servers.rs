//! The `discord_servers` group (`discord.md` §2.3), administrators only: categories of a
//! guild's Discord server list (`discord_server_categories`), the servers in them
//! (`discord_server_lists`, invite codes), and `refresh`, which reposts the lists.
//!
//! Differences from the original (fix D18): lists and `refresh` sort categories by
//! `order`, then id; a category or server id of another guild is refused like an unknown
//! one.

use std::collections::BTreeSet;

use sahasrahbot_core::db::entities::discord_server_categories as categories;
use sahasrahbot_core::db::entities::discord_server_lists as servers;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter,
    QueryOrder,
};
use twilight_model::application::command::{Command, CommandType};
use twilight_model::application::interaction::InteractionContextType;
use twilight_model::channel::ChannelType;
use twilight_model::guild::Permissions;
use twilight_model::id::Id;
use twilight_model::id::marker::{ChannelMarker, GuildMarker, MessageMarker};
use twilight_util::builder::command::{
    ChannelBuilder, CommandBuilder, IntegerBuilder, StringBuilder, SubCommandBuilder,
};

use super::db_id;
use crate::Result;
use crate::context::{Ctx, Options};
use crate::embeds::alttpr::field;
use crate::errors::Error;

/// Discord's "blue" embed colour.
const BLUE: u32 = 0x0034_98DB;
/// Servers per posted message of `refresh`.
const SERVERS_PER_MESSAGE: usize = 10;
/// Messages older than this cannot be bulk-deleted.
const BULK_DELETE_MAX_AGE_SECS: i64 = 14 * 24 * 3600;
/// The longest title, description or server description the table holds.
const MAX_TEXT: usize = 200;

/// `/discordservers`: guild only, hidden from non-administrators.
pub fn discordservers_command() -> Command {
    let category_id = || IntegerBuilder::new("category_id", "The category's id.").required(true);
    let server_id = || IntegerBuilder::new("server_id", "The server's id.").required(true);
    CommandBuilder::new(
        "discordservers",
        "Manage categories of the Discord server list.",
        CommandType::ChatInput,
    )
    .contexts([InteractionContextType::Guild])
    .default_member_permissions(Permissions::ADMINISTRATOR)
    .option(
        SubCommandBuilder::new("add_category", "Add a category to the Discord server list.")
            .option(
                ChannelBuilder::new("channel", "The channel the category is posted in.")
                    .required(true)
                    .channel_types([ChannelType::GuildText]),
            )
            .option(StringBuilder::new("category_title", "The category's title.").required(true))
            .option(StringBuilder::new(
                "category_description",
                "The category's description.",
            ))
            .option(IntegerBuilder::new(
                "order",
                "Where the category goes in the list (default 0).",
            )),
    )
    .option(SubCommandBuilder::new(
        "list_category",
        "List the server list categories of this server.",
    ))
    .option(SubCommandBuilder::new("remove_category", "Remove a category.").option(category_id()))
    .option(
        SubCommandBuilder::new("update_category", "Update a category.")
            .option(category_id())
            .option(StringBuilder::new("category_title", "The category's title.").required(true))
            .option(
                StringBuilder::new("category_description", "The category's description.")
                    .required(true),
            )
            .option(IntegerBuilder::new(
                "order",
                "Where the category goes in the list (default 0).",
            )),
    )
    .option(
        SubCommandBuilder::new("add_server", "Add a server to a category.")
            .option(category_id())
            .option(
                StringBuilder::new("invite_url", "An invite link to the server.").required(true),
            )
            .option(
                StringBuilder::new("server_description", "How the server is listed.")
                    .required(true),
            ),
    )
    .option(
        SubCommandBuilder::new("list_servers", "List the servers of a category.")
            .option(category_id()),
    )
    .option(
        SubCommandBuilder::new("remove_server", "Remove a server from the server list.")
            .option(server_id()),
    )
    .option(
        SubCommandBuilder::new("update_server", "Update a server of the server list.")
            .option(server_id())
            .option(
                StringBuilder::new("invite_url", "An invite link to the server.").required(true),
            )
            .option(category_id())
            .option(StringBuilder::new(
                "server_description",
                "How the server is listed (default: unchanged).",
            )),
    )
    .option(SubCommandBuilder::new(
        "refresh",
        "Repost the server list in its channels.",
    ))
    .build()
}

/// The invoking guild (the group is guild only), after the administrator check.
fn admin_guild(ctx: &Ctx) -> Result<(Id<GuildMarker>, i64)> {
    ctx.require_admin()?;
    let guild = ctx.require_guild()?;
    Ok((guild, db_id(guild.get())?))
}

fn required_int(options: &Options, name: &str) -> Result<i64> {
    options
        .integer(name)
        .ok_or_else(|| Error::BadOption(format!("The option `{name}` is required.")))
}

fn id_int(options: &Options, name: &str) -> Result<i32> {
    let value = required_int(options, name)?;
    i32::try_from(value).map_err(|_| Error::BadOption(format!("There is no id {value}.")))
}

fn order_option(options: &Options) -> Result<i32> {
    let order = options.integer("order").unwrap_or(0);
    i32::try_from(order)
        .map_err(|_| Error::BadOption(format!("The order {order} is out of range.")))
}

fn text_option(options: &Options, name: &str, required: bool) -> Result<Option<String>> {
    let value = match options.string(name) {
        Some(v) => v.trim().to_owned(),
        None if required => {
            return Err(Error::BadOption(format!(
                "The option `{name}` is required."
            )));
        }
        None => return Ok(None),
    };
    if value.chars().count() > MAX_TEXT {
        return Err(Error::BadOption(format!(
            "`{name}` is too long (at most {MAX_TEXT} characters)."
        )));
    }
    Ok(Some(value))
}

/// The category `id` of `guild`; another guild's category is "not found" too.
async fn guild_category(ctx: &Ctx, guild: i64, id: i32) -> Result<categories::Model> {
    categories::Entity::find_by_id(id)
        .filter(categories::Column::GuildId.eq(guild))
        .one(&ctx.bot.deps.db)
        .await?
        .ok_or_else(|| Error::BadOption(format!("There is no category {id} in this server.")))
}

/// The server `id` when its category belongs to `guild`.
async fn guild_server(ctx: &Ctx, guild: i64, id: i32) -> Result<servers::Model> {
    let missing = || Error::BadOption(format!("There is no server {id} in this server's list."));
    let server = servers::Entity::find_by_id(id)
        .one(&ctx.bot.deps.db)
        .await?
        .ok_or_else(missing)?;
    guild_category(ctx, guild, server.category_id)
        .await
        .map_err(|_| missing())?;
    Ok(server)
}

fn embed(
    title: String,
    fields: Vec<twilight_model::channel::message::embed::EmbedField>,
) -> twilight_model::channel::message::Embed {
    crate::embeds::embed(&title, None, BLUE, fields, None)
}

/// `/discordservers add_category`: ephemeral "Added category {title} to {#channel}".
pub(crate) async fn add_category(ctx: &Ctx, options: &Options) -> Result<()> {
    let (_, guild) = admin_guild(ctx)?;
    let channel = options
        .id("channel")
        .ok_or_else(|| Error::BadOption("The option `channel` is required.".to_owned()))?;
    let title = text_option(options, "category_title", true)?.unwrap_or_default();
    let description = text_option(options, "category_description", false)?;
    let order = order_option(options)?;
    categories::ActiveModel {
        order: Set(order),
        guild_id: Set(guild),
        channel_id: Set(db_id(channel)?),
        category_title: Set(title.clone()),
        category_description: Set(description),
        ..Default::default()
    }
    .insert(&ctx.bot.deps.db)
    .await?;
    ctx.reply(
        Some(format!("Added category {title} to <#{channel}>")),
        Vec::new(),
        true,
    )
    .await
}

/// `/discordservers list_category`: a public embed with one field per category (sorted by
/// `order`, then id — fix D18), or an ephemeral "No categories found.".
pub(crate) async fn list_category(ctx: &Ctx) -> Result<()> {
    let (_, guild) = admin_guild(ctx)?;
    let rows = sorted_categories(ctx, guild).await?;
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
    ctx.reply(
        None,
        vec![embed("List of categories".to_owned(), fields)],
        false,
    )
    .await
}

async fn sorted_categories(ctx: &Ctx, guild: i64) -> Result<Vec<categories::Model>> {
    categories::Entity::find()
        .filter(categories::Column::GuildId.eq(guild))
        .order_by_asc(categories::Column::Order)
        .order_by_asc(categories::Column::Id)
        .all(&ctx.bot.deps.db)
        .await
        .map_err(Error::from)
}

/// `/discordservers remove_category`: deletes this guild's category (its servers go with
/// it); ephemeral "Removed category {id}".
pub(crate) async fn remove_category(ctx: &Ctx, options: &Options) -> Result<()> {
    let (_, guild) = admin_guild(ctx)?;
    let id = id_int(options, "category_id")?;
    let category = guild_category(ctx, guild, id).await?;
    servers::Entity::delete_many()
        .filter(servers::Column::CategoryId.eq(category.id))
        .exec(&ctx.bot.deps.db)
        .await?;
    categories::Entity::delete_by_id(category.id)
        .exec(&ctx.bot.deps.db)
        .await?;
    ctx.reply(Some(format!("Removed category {id}")), Vec::new(), true)
        .await
}

/// `/discordservers update_category`: ephemeral "Updated category {id}".
pub(crate) async fn update_category(ctx: &Ctx, options: &Options) -> Result<()> {
    let (_, guild) = admin_guild(ctx)?;
    let id = id_int(options, "category_id")?;
    let title = text_option(options, "category_title", true)?.unwrap_or_default();
    let description = text_option(options, "category_description", true)?;
    let order = order_option(options)?;
    let mut row = guild_category(ctx, guild, id).await?.into_active_model();
    row.category_title = Set(title);
    row.category_description = Set(description);
    row.order = Set(order);
    row.update(&ctx.bot.deps.db).await?;
    ctx.reply(Some(format!("Updated category {id}")), Vec::new(), true)
        .await
}

/// The code of an invite link (`https://discord.gg/CODE`, `discord.com/invite/CODE`) or
/// of a bare code.
pub fn invite_code(invite: &str) -> Option<String> {
    let without_query = invite.trim().split(['?', '#']).next().unwrap_or_default();
    let trimmed = without_query.trim_end_matches('/');
    let code = trimmed.rsplit('/').next().unwrap_or_default();
    let plausible = !code.is_empty()
        && code
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    plausible.then(|| code.to_owned())
}

/// Resolves an invite over REST: its code and the invited guild's name.
async fn resolve_invite(ctx: &Ctx, invite: &str) -> Result<(String, String)> {
    let invalid = || Error::BadOption(format!("`{invite}` is not a valid invite."));
    let code = invite_code(invite).ok_or_else(invalid)?;
    let response = match ctx.bot.http.invite(&code).await {
        Ok(r) => r,
        Err(e) if matches!(e.kind(), twilight_http::error::ErrorType::Response { status, .. } if status.get() == 404) =>
        {
            return Err(invalid());
        }
        Err(e) => return Err(e.into()),
    };
    let invite = response.model().await?;
    let name = invite.guild.map(|g| g.name).unwrap_or_default();
    Ok((invite.code, name))
}

/// `/discordservers add_server`: resolves the invite, stores its code; ephemeral "Added
/// server {invited guild} to category {id}".
pub(crate) async fn add_server(ctx: &Ctx, options: &Options) -> Result<()> {
    let (_, guild) = admin_guild(ctx)?;
    let category_id = id_int(options, "category_id")?;
    let invite_url = options.required_string("invite_url")?.to_owned();
    let description = text_option(options, "server_description", true)?.unwrap_or_default();
    let category = guild_category(ctx, guild, category_id).await?;
    let (code, name) = resolve_invite(ctx, &invite_url).await?;
    servers::ActiveModel {
        server_description: Set(description),
        invite_id: Set(code),
        category_id: Set(category.id),
        ..Default::default()
    }
    .insert(&ctx.bot.deps.db)
    .await?;
    ctx.reply(
        Some(format!("Added server {name} to category {category_id}")),
        Vec::new(),
        true,
    )
    .await
}

/// `/discordservers list_servers`: an ephemeral embed with one field per server, or an
/// ephemeral "No servers found for category {id}".
pub(crate) async fn list_servers(ctx: &Ctx, options: &Options) -> Result<()> {
    let (_, guild) = admin_guild(ctx)?;
    let category_id = id_int(options, "category_id")?;
    let category = guild_category(ctx, guild, category_id).await?;
    let rows = servers::Entity::find()
        .filter(servers::Column::CategoryId.eq(category.id))
        .order_by_asc(servers::Column::Id)
        .all(&ctx.bot.deps.db)
        .await?;
    if rows.is_empty() {
        return ctx
            .reply(
                Some(format!("No servers found for category {category_id}")),
                Vec::new(),
                true,
            )
            .await;
    }
    let fields = rows
        .iter()
        .map(|s| field(&s.server_description, format!("*Id:* {}", s.id), false))
        .collect();
    ctx.reply(
        None,
        vec![embed(
            format!("Server list for category id {category_id}"),
            fields,
        )],
        true,
    )
    .await
}

/// `/discordservers remove_server`: ephemeral "Removed server {id}".
pub(crate) async fn remove_server(ctx: &Ctx, options: &Options) -> Result<()> {
    let (_, guild) = admin_guild(ctx)?;
    let id = id_int(options, "server_id")?;
    let server = guild_server(ctx, guild, id).await?;
    servers::Entity::delete_by_id(server.id)
        .exec(&ctx.bot.deps.db)
        .await?;
    ctx.reply(Some(format!("Removed server {id}")), Vec::new(), true)
        .await
}

/// `/discordservers update_server`: resolves the invite, moves the server to the category
/// (of this guild) and keeps the description unless a new one is given; ephemeral
/// "Updated server {id}".
pub(crate) async fn update_server(ctx: &Ctx, options: &Options) -> Result<()> {
    let (_, guild) = admin_guild(ctx)?;
    let id = id_int(options, "server_id")?;
    let category_id = id_int(options, "category_id")?;
    let invite_url = options.required_string("invite_url")?.to_owned();
    let description = text_option(options, "server_description", false)?;
    let server = guild_server(ctx, guild, id).await?;
    let category = guild_category(ctx, guild, category_id).await?;
    let (code, _) = resolve_invite(ctx, &invite_url).await?;
    let mut row = server.into_active_model();
    row.invite_id = Set(code);
    row.category_id = Set(category.id);
    if let Some(description) = description {
        row.server_description = Set(description);
    }
    row.update(&ctx.bot.deps.db).await?;
    ctx.reply(Some(format!("Updated server {id}")), Vec::new(), true)
        .await
}

/// The messages `refresh` posts for one category: chunks of ten servers, headed by the
/// bold underlined title (with " - Part N" when there is more than one chunk).
pub fn category_messages(title: &str, servers: &[(String, String)]) -> Vec<String> {
    let chunks: Vec<&[(String, String)]> = servers.chunks(SERVERS_PER_MESSAGE).collect();
    let parts = chunks.len();
    chunks
        .iter()
        .enumerate()
        .map(|(i, chunk)| {
            let mut lines = vec![if parts == 1 {
                format!("**__{title}__**")
            } else {
                format!("**__{title} - Part {}__**", i + 1)
            }];
            lines.extend(
                chunk
                    .iter()
                    .map(|(description, code)| format!("{description}: https://discord.gg/{code}")),
            );
            lines.join("\n")
        })
        .collect()
}

/// Deletes the bot's own messages among the last 100 of `channel`: in bulk when younger
/// than 14 days, one by one otherwise.
async fn purge_own_messages(ctx: &Ctx, channel: Id<ChannelMarker>) -> Result<()> {
    let me = ctx
        .bot
        .bot_user_id
        .read()
        .unwrap_or_else(|e| e.into_inner())
        .unwrap_or_else(|| ctx.bot.application_id.cast());
    let messages = ctx
        .bot
        .http
        .channel_messages(channel)
        .limit(100)
        .await?
        .models()
        .await?;
    let now = chrono::Utc::now().timestamp();
    let (recent, old): (Vec<_>, Vec<_>) = messages
        .iter()
        .filter(|m| m.author.id == me)
        .partition(|m| now - m.timestamp.as_secs() < BULK_DELETE_MAX_AGE_SECS);
    let recent: Vec<Id<MessageMarker>> = recent.iter().map(|m| m.id).collect();
    match recent.as_slice() {
        [] => {}
        [one] => {
            ctx.bot.http.delete_message(channel, *one).await?;
        }
        many => {
            ctx.bot.http.delete_messages(channel, many).await?;
        }
    }
    for message in old {
        ctx.bot.http.delete_message(channel, message.id).await?;
    }
    Ok(())
}

/// `/discordservers refresh`: public defer; purge the bot's messages in every channel of
/// the guild's categories; post each category (sorted by `order`, then id) in chunks of
/// ten servers; follow-up "Refreshed server list for {guild}".
pub(crate) async fn refresh(ctx: &Ctx) -> Result<()> {
    let (guild_id, guild) = admin_guild(ctx)?;
    ctx.defer(false).await?;
    let categories = sorted_categories(ctx, guild).await?;
    let channels: BTreeSet<i64> = categories.iter().map(|c| c.channel_id).collect();
    for channel in channels {
        if let Some(channel) = u64::try_from(channel).ok().and_then(Id::new_checked) {
            purge_own_messages(ctx, channel).await?;
        }
    }
    for category in &categories {
        let Some(channel) = u64::try_from(category.channel_id)
            .ok()
            .and_then(Id::<ChannelMarker>::new_checked)
        else {
            continue;
        };
        let rows = servers::Entity::find()
            .filter(servers::Column::CategoryId.eq(category.id))
            .order_by_asc(servers::Column::Id)
            .all(&ctx.bot.deps.db)
            .await?;
        let listed: Vec<(String, String)> = rows
            .into_iter()
            .map(|s| (s.server_description, s.invite_id))
            .collect();
        for text in category_messages(&category.category_title, &listed) {
            ctx.bot.http.create_message(channel).content(&text).await?;
        }
    }
    let name = ctx.bot.http.guild(guild_id).await?.model().await?.name;
    ctx.followup(Some(&format!("Refreshed server list for {name}")), &[])
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invite_codes_come_from_links_or_bare_codes() {
        assert_eq!(
            invite_code("https://discord.gg/abc123").as_deref(),
            Some("abc123")
        );
        assert_eq!(
            invite_code("https://discord.com/invite/Ab-c_1/?event=2").as_deref(),
            Some("Ab-c_1")
        );
        assert_eq!(invite_code(" abc ").as_deref(), Some("abc"));
        assert_eq!(invite_code("https://discord.gg/"), None);
        assert_eq!(invite_code("not an invite"), None);
    }

    #[test]
    fn categories_are_split_in_parts_of_ten() {
        let servers: Vec<(String, String)> = (1..=12)
            .map(|i| (format!("Server {i}"), format!("code{i}")))
            .collect();
        let messages = category_messages("Races", &servers);
        assert_eq!(messages.len(), 2);
        assert!(
            messages[0].starts_with("**__Races - Part 1__**\nServer 1: https://discord.gg/code1\n")
        );
        assert_eq!(messages[0].lines().count(), 11);
        assert_eq!(
            messages[1],
            "**__Races - Part 2__**\nServer 11: https://discord.gg/code11\nServer 12: https://discord.gg/code12"
        );
        let one = category_messages("Solo", &servers[..1]);
        assert_eq!(one, ["**__Solo__**\nServer 1: https://discord.gg/code1"]);
        assert!(category_messages("Empty", &[]).is_empty());
    }
}
