//! The prefix commands (`discord.md` §3.5): `messagehistory` and `deletedhistory`, CSV
//! exports of a member's recorded messages for members with Manage Messages.

use std::sync::Arc;

use sahasrahbot_core::db::entities::audit_messages;
use twilight_http::request::channel::reaction::RequestReactionType;
use twilight_model::channel::Message;
use twilight_model::guild::Permissions;
use twilight_model::http::attachment::Attachment;
use twilight_model::id::Id;
use twilight_model::id::marker::GuildMarker;

use crate::{Bot, Error, Result};

/// How many rows an export holds when no limit is given.
pub const DEFAULT_LIMIT: u64 = 500;

/// A parsed command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryCommand {
    /// `deletedhistory` rather than `messagehistory`.
    pub deleted_only: bool,
    /// The member.
    pub user_id: u64,
    /// At most this many rows.
    pub limit: u64,
}

/// Parses `content` after the prefix: `None` when it is no command of this bot (ignored
/// silently), an error for a known command with bad arguments.
///
/// # Errors
/// [`Error::BadArgument`] with the text the user sees.
pub fn parse(rest: &str) -> Option<Result<HistoryCommand>> {
    let mut words = rest.split_whitespace();
    let deleted_only = match words.next()? {
        "messagehistory" => false,
        "deletedhistory" => true,
        _ => return None,
    };
    Some(parse_args(deleted_only, words))
}

fn parse_args<'a>(
    deleted_only: bool,
    mut words: impl Iterator<Item = &'a str>,
) -> Result<HistoryCommand> {
    let member = words.next().ok_or_else(|| {
        Error::BadArgument("member is a required argument that is missing.".to_owned())
    })?;
    let digits = member
        .strip_prefix("<@")
        .and_then(|m| m.strip_suffix('>'))
        .map_or(member, |m| m.trim_start_matches('!'));
    let user_id = digits
        .parse::<u64>()
        .ok()
        .filter(|id| *id > 0)
        .ok_or_else(|| Error::BadArgument(format!("Member \"{member}\" not found.")))?;
    let limit = match words.next() {
        None => DEFAULT_LIMIT,
        Some(n) => n.parse::<u64>().map_err(|_| {
            Error::BadArgument("Converting to \"int\" failed for parameter \"limit\".".to_owned())
        })?,
    };
    Ok(HistoryCommand {
        deleted_only,
        user_id,
        limit,
    })
}

fn csv_field(out: &mut String, value: &str) {
    if value.contains([',', '"', '\n', '\r']) {
        out.push('"');
        out.push_str(&value.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(value);
    }
}

/// The export: `message_date,content,attachment,deleted`, one line per row, CRLF endings.
pub fn csv(rows: &[audit_messages::Model]) -> String {
    let mut out = String::from("message_date,content,attachment,deleted\r\n");
    for row in rows {
        let date = row
            .message_date
            .map(|d| d.format("%Y-%m-%d %H:%M:%S%.6f").to_string())
            .unwrap_or_default();
        csv_field(&mut out, &date);
        out.push(',');
        csv_field(&mut out, row.content.as_deref().unwrap_or(""));
        out.push(',');
        csv_field(&mut out, row.attachment.as_deref().unwrap_or(""));
        out.push(',');
        out.push_str(&row.deleted.to_string());
        out.push_str("\r\n");
    }
    out
}

/// Runs a command message (its prefix already stripped into `rest`): silence for unknown
/// commands and for members without Manage Messages.
pub(crate) async fn handle(bot: Arc<Bot>, message: Arc<Message>, rest: String) {
    let Some(guild) = message.guild_id else {
        return;
    };
    let Some(parsed) = parse(&rest) else { return };
    let roles = message
        .member
        .as_ref()
        .map(|m| m.roles.clone())
        .unwrap_or_default();
    match bot.permissions(guild, message.author.id, &roles).await {
        Ok(p) if p.intersects(Permissions::MANAGE_MESSAGES | Permissions::ADMINISTRATOR) => {}
        Ok(_) => return,
        Err(e) => {
            tracing::warn!(error = %e, "permissions unknown; command ignored");
            return;
        }
    }
    let outcome = match parsed {
        Ok(command) => export(&bot, &message, guild.get(), &command).await,
        Err(e) => Err(e),
    };
    let Err(error) = outcome else { return };
    let text = match &error {
        Error::BadArgument(text) => text.clone(),
        other => {
            let reference = sahasrahbot_core::reference::reference_id();
            tracing::error!(error = %other, reference, "audit command failed");
            mark_failed(&bot, &message, guild).await;
            format!("Something went wrong on our side.\n-# Reference: `{reference}`")
        }
    };
    if let Err(e) = bot
        .http
        .create_message(message.channel_id)
        .reply(message.id)
        .content(&text)
        .await
    {
        tracing::warn!(error = %e, "could not answer a command");
    }
}

/// Marks a command that failed on our side as the Python audit bot did: a reaction with the
/// guild's `RIPLink` emoji, or 👎 when the guild has none (or its emojis cannot be read).
async fn mark_failed(bot: &Bot, message: &Message, guild: Id<GuildMarker>) {
    let rip = match bot.http.emojis(guild).await {
        Ok(response) => response
            .models()
            .await
            .ok()
            .and_then(|emojis| emojis.into_iter().find(|e| e.name == "RIPLink")),
        Err(e) => {
            tracing::warn!(error = %e, "could not read the guild's emojis");
            None
        }
    };
    let reaction = match &rip {
        Some(emoji) => RequestReactionType::Custom {
            id: emoji.id,
            name: Some(&emoji.name),
        },
        None => RequestReactionType::Unicode { name: "👎" },
    };
    let request = bot
        .http
        .create_reaction(message.channel_id, message.id, &reaction);
    if let Err(e) = request.await {
        tracing::warn!(error = %e, "could not mark a failed command");
    }
}

async fn export(bot: &Bot, message: &Message, guild: u64, command: &HistoryCommand) -> Result<()> {
    let rows = bot
        .store
        .history(guild, command.user_id, command.deleted_only, command.limit)
        .await?;
    let suffix = if command.deleted_only {
        "deleted"
    } else {
        "history"
    };
    let file = Attachment::from_bytes(
        format!("{}_{suffix}.csv", command.user_id),
        csv(&rows).into_bytes(),
        1,
    );
    bot.http
        .create_message(message.channel_id)
        .reply(message.id)
        .attachments(&[file])
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands_parse_mentions_ids_and_limits() {
        let c = parse("messagehistory <@!42> 10")
            .expect("ours")
            .expect("valid");
        assert_eq!(
            c,
            HistoryCommand {
                deleted_only: false,
                user_id: 42,
                limit: 10
            }
        );
        let c = parse("deletedhistory 42").expect("ours").expect("valid");
        assert!(c.deleted_only);
        assert_eq!(c.limit, DEFAULT_LIMIT);
        assert!(parse("help").is_none());
        assert!(matches!(
            parse("messagehistory"),
            Some(Err(Error::BadArgument(_)))
        ));
        assert!(matches!(
            parse("messagehistory bob"),
            Some(Err(Error::BadArgument(_)))
        ));
        assert!(matches!(
            parse("messagehistory 4 many"),
            Some(Err(Error::BadArgument(_)))
        ));
    }

    #[test]
    fn csv_quotes_what_needs_quoting() {
        let row = audit_messages::Model {
            id: 1,
            guild_id: Some(1),
            message_id: Some(2),
            user_id: Some(3),
            channel_id: Some(4),
            message_date: chrono::DateTime::from_timestamp(1_700_000_000, 0).map(|d| d.naive_utc()),
            content: Some("hi, \"you\"\nthere".to_owned()),
            attachment: None,
            deleted: 1,
        };
        assert_eq!(
            csv(&[row]),
            "message_date,content,attachment,deleted\r\n\
             2023-11-14 22:13:20.000000,\"hi, \"\"you\"\"\nthere\",,1\r\n"
        );
    }
}
