//! The `nickname` group, `/rtggadmin` (`discord.md` §2.5): find the members of a role who
//! have not linked a racetime.gg account, and DM them the linking page.
//!
//! - `/rtggadmin blast role`: DMs every unlinked member of `role` a link to
//!   `{APP_URL}/racetime/verification/initiate`; the ephemeral follow-up has one line per
//!   member (sent, or why not), or "No messages sent.".
//! - `/rtggadmin report role`: lists the unlinked members, or says everyone is linked.
//!
//! Bot owner or guild administrator only (registered with `default_member_permissions`).
//! "Unlinked" means no `users` row for the member's Discord id, or one whose `rtgg_id` is
//! null. Members are read from Discord's member list (`GET /guilds/{g}/members`, paged).
//! Unlike the original, a reply longer than Discord's 2000 characters is split over several
//! follow-ups instead of failing.

use std::collections::HashSet;

use sahasrahbot_core::db::entities::users;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use twilight_model::application::command::{Command, CommandType};
use twilight_model::application::interaction::InteractionContextType;
use twilight_model::channel::message::MessageFlags;
use twilight_model::guild::{Member, Permissions};
use twilight_model::id::Id;
use twilight_model::id::marker::{GuildMarker, RoleMarker};
use twilight_util::builder::command::{CommandBuilder, RoleBuilder, SubCommandBuilder};

use crate::context::{Ctx, Options};
use crate::{Bot, Result};

/// Discord's message length limit.
const MAX_MESSAGE: usize = 2000;

/// `/rtggadmin blast|report`: guild only, hidden from non-administrators.
pub fn rtggadmin_command() -> Command {
    let role = || RoleBuilder::new("role", "The role whose members are checked.").required(true);
    CommandBuilder::new(
        "rtggadmin",
        "Admin commands for rt.gg integration",
        CommandType::ChatInput,
    )
    .contexts([InteractionContextType::Guild])
    .default_member_permissions(Permissions::ADMINISTRATOR)
    .option(
        SubCommandBuilder::new(
            "blast",
            "DM the members of a role who have not linked a RaceTime.gg account.",
        )
        .option(role()),
    )
    .option(
        SubCommandBuilder::new(
            "report",
            "List the members of a role who have not linked a RaceTime.gg account.",
        )
        .option(role()),
    )
    .build()
}

/// Every member of `guild` holding `role` (the member list read in pages of 1000).
pub(crate) async fn role_members(
    bot: &Bot,
    guild: Id<GuildMarker>,
    role: Id<RoleMarker>,
) -> Result<Vec<Member>> {
    let mut out = Vec::new();
    let mut after = None;
    loop {
        let mut request = bot.http.guild_members(guild).limit(1000);
        if let Some(after) = after {
            request = request.after(after);
        }
        let page = request.await?.models().await?;
        let last = page.last().map(|m| m.user.id);
        let full = page.len() >= 1000;
        out.extend(page.into_iter().filter(|m| m.roles.contains(&role)));
        match last {
            Some(last) if full => after = Some(last),
            _ => break,
        }
    }
    Ok(out)
}

/// The members among `members` with no linked racetime.gg account.
async fn unlinked(bot: &Bot, members: Vec<Member>) -> Result<Vec<Member>> {
    let ids: Vec<i64> = members
        .iter()
        .filter_map(|m| i64::try_from(m.user.id.get()).ok())
        .collect();
    let linked: HashSet<i64> = users::Entity::find()
        .filter(users::Column::DiscordUserId.is_in(ids))
        .filter(users::Column::RtggId.is_not_null())
        .all(&bot.deps.db)
        .await?
        .into_iter()
        .filter_map(|u| u.discord_user_id)
        .collect();
    Ok(members
        .into_iter()
        .filter(|m| {
            i64::try_from(m.user.id.get())
                .map(|id| !linked.contains(&id))
                .unwrap_or(true)
        })
        .collect())
}

/// `name`, or `name#1234` for an account that still has a discriminator.
pub(crate) fn tag(member: &Member) -> String {
    match member.user.discriminator {
        0 => member.user.name.clone(),
        d => format!("{}#{d:04}", member.user.name),
    }
}

/// `lines` joined with line breaks into messages of at most 2000 characters.
fn chunk_lines(lines: &[String]) -> Vec<String> {
    let mut chunks: Vec<String> = Vec::new();
    for line in lines {
        let line: String = line.chars().take(MAX_MESSAGE).collect();
        match chunks.last_mut() {
            Some(chunk) if chunk.chars().count() + 1 + line.chars().count() <= MAX_MESSAGE => {
                chunk.push('\n');
                chunk.push_str(&line);
            }
            _ => chunks.push(line),
        }
    }
    chunks
}

/// Sends `chunks` as ephemeral follow-ups.
async fn ephemeral_followups(ctx: &Ctx, chunks: &[String]) -> Result<()> {
    let client = ctx.bot.http.interaction(ctx.bot.application_id);
    for chunk in chunks {
        client
            .create_followup(&ctx.interaction.token)
            .content(chunk)
            .flags(MessageFlags::EPHEMERAL)
            .await?;
    }
    Ok(())
}

/// Sends `lines` as ephemeral follow-ups of at most 2000 characters each.
pub(crate) async fn followup_lines(ctx: &Ctx, lines: &[String]) -> Result<()> {
    ephemeral_followups(ctx, &chunk_lines(lines)).await
}

async fn unlinked_members_of(ctx: &Ctx, options: &Options) -> Result<Vec<Member>> {
    ctx.require_admin()?;
    let guild = ctx.require_guild()?;
    let role = options.role("role")?;
    ctx.defer(true).await?;
    let members = role_members(&ctx.bot, guild, role).await?;
    unlinked(&ctx.bot, members).await
}

/// `/rtggadmin blast role`.
pub(crate) async fn blast(ctx: &Ctx, options: &Options) -> Result<()> {
    let members = unlinked_members_of(ctx, options).await?;
    let link = format!(
        "{}/racetime/verification/initiate",
        ctx.bot.cogs.app_url.trim_end_matches('/')
    );
    let mut lines = Vec::new();
    for member in &members {
        let name = member.nick.clone().unwrap_or_else(|| {
            member
                .user
                .global_name
                .clone()
                .unwrap_or_else(|| member.user.name.clone())
        });
        let text = format!(
            "Hello {name}! Your Discord account has no RaceTime.gg account linked to \
             SahasrahBot yet. Please link one at {link}\n\nIf you have any questions, \
             contact Synack."
        );
        match send_dm(&ctx.bot, member, &text).await {
            Ok(()) => lines.push(format!("Sent a DM to {}", tag(member))),
            Err(e) => lines.push(format!("Could not send a DM to {}: {e}", tag(member))),
        }
    }
    if lines.is_empty() {
        lines.push("No messages sent.".to_owned());
    }
    followup_lines(ctx, &lines).await
}

/// Sends `text` to `member` in a DM.
pub(crate) async fn send_dm(bot: &Bot, member: &Member, text: &str) -> Result<()> {
    let channel = bot
        .http
        .create_private_channel(member.user.id)
        .await?
        .model()
        .await?;
    bot.http.create_message(channel.id).content(text).await?;
    Ok(())
}

/// `/rtggadmin report role`.
pub(crate) async fn report(ctx: &Ctx, options: &Options) -> Result<()> {
    let members = unlinked_members_of(ctx, options).await?;
    let lines: Vec<String> = if members.is_empty() {
        vec!["Everyone in this role is registered with the bot.".to_owned()]
    } else {
        members.iter().map(tag).collect()
    };
    followup_lines(ctx, &lines).await
}
