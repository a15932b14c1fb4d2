//! Edits and deletes of recorded messages (one worker, in gateway order, after the rows
//! queued before them are written), and the member join/leave/ban reports.

use std::sync::Arc;

use tokio::sync::{mpsc, oneshot};
use tokio_util::sync::CancellationToken;
use twilight_model::channel::Message;
use twilight_model::channel::message::Embed;
use twilight_model::id::Id;
use twilight_model::id::marker::{ChannelMarker, GuildMarker};
use twilight_model::user::User;

use crate::embeds::{self, MemberEvent};
use crate::store::NewRow;
use crate::{Bot, Result};

/// Work for the history worker.
pub(crate) enum Job {
    /// A new version of a message.
    Edit {
        message: Box<Message>,
        /// Completes once the rows queued before the edit are written.
        ready: oneshot::Receiver<()>,
    },
    /// Messages deleted (one, or a bulk delete).
    Delete {
        guild: Id<GuildMarker>,
        channel: Id<ChannelMarker>,
        ids: Vec<u64>,
        ready: oneshot::Receiver<()>,
    },
}

/// Runs the jobs one after the other until `stop`, then finishes those already queued.
pub(crate) async fn worker(bot: Arc<Bot>, mut rx: mpsc::Receiver<Job>, stop: CancellationToken) {
    let mut closed = false;
    loop {
        let job = tokio::select! {
            biased;
            job = rx.recv() => job,
            () = stop.cancelled(), if !closed => {
                rx.close();
                closed = true;
                continue;
            }
        };
        let Some(job) = job else { break };
        let outcome = match job {
            Job::Edit { message, ready } => {
                let _ = ready.await;
                edit(&bot, &message).await
            }
            Job::Delete {
                guild,
                channel,
                ids,
                ready,
            } => {
                let _ = ready.await;
                delete(&bot, guild, channel, &ids).await
            }
        };
        if let Err(e) = outcome {
            tracing::warn!(error = %e, "audit history job failed");
        }
    }
}

async fn post(bot: &Bot, channel: u64, embed: Embed) -> Result<()> {
    let Some(channel) = Id::<ChannelMarker>::new_checked(channel) else {
        return Ok(());
    };
    bot.http.create_message(channel).embeds(&[embed]).await?;
    Ok(())
}

async fn edit(bot: &Bot, message: &Message) -> Result<()> {
    let Some(guild) = message.guild_id else {
        return Ok(());
    };
    if message.author.bot || !bot.records(guild, message.channel_id).await? {
        return Ok(());
    }
    let versions = bot.store.versions(message.id.get()).await?;
    let newest = versions.last().and_then(|r| r.content.clone());
    if newest.as_deref() == Some(message.content.as_str()) {
        return Ok(());
    }
    if let Some(channel) = bot.audit_channel(guild).await? {
        let embed = embeds::edited(
            message.author.id.get(),
            guild.get(),
            message.channel_id.get(),
            message.id.get(),
            newest.as_deref(),
            &message.content,
        );
        post(bot, channel, embed).await?;
    }
    bot.store.insert(vec![NewRow::from_message(message)]).await
}

async fn delete(
    bot: &Bot,
    guild: Id<GuildMarker>,
    channel: Id<ChannelMarker>,
    ids: &[u64],
) -> Result<()> {
    if !bot.records(guild, channel).await? {
        return Ok(());
    }
    let audit = bot.audit_channel(guild).await?;
    for id in ids {
        let versions = bot.store.versions(*id).await?;
        if let Some(audit) = audit {
            let embed = embeds::deleted(channel.get(), &versions);
            if let Err(e) = post(bot, audit, embed).await {
                tracing::warn!(error = %e, message = id, "could not post a delete report");
            }
        }
        bot.store.mark_deleted(*id).await?;
    }
    Ok(())
}

/// Posts a member join/leave/ban report when the guild has `AuditLogging` on and an
/// `AuditLogChannel`.
pub(crate) async fn member_event(
    bot: Arc<Bot>,
    guild: Id<GuildMarker>,
    event: MemberEvent,
    user: User,
) {
    let outcome = async {
        if !bot
            .guild_config
            .is_true(guild_key(guild), "AuditLogging")
            .await?
        {
            return Ok(());
        }
        if let Some(channel) = bot.audit_channel(guild).await? {
            post(&bot, channel, embeds::member(event, &user)).await?;
        }
        Ok::<(), crate::Error>(())
    }
    .await;
    if let Err(e) = outcome {
        tracing::warn!(error = %e, ?event, "could not report a member event");
    }
}

/// The `config` table's key of a guild.
pub(crate) fn guild_key(guild: Id<GuildMarker>) -> i64 {
    i64::try_from(guild.get()).unwrap_or(i64::MAX)
}
