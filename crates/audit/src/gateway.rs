//! The audit bot's gateway shard (all intents, message content included) and the event
//! dispatch. The loop itself only records messages and queues work, so that events are
//! handled in gateway order; moderation and commands run on their own tasks.

use std::sync::Arc;

use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;
use twilight_gateway::{Event, Intents, ShardId};
use twilight_model::channel::Message;
use twilight_model::gateway::payload::incoming::GuildCreate;

use crate::embeds::MemberEvent;
use crate::history::{self, Job};
use crate::store::NewRow;
use crate::{Bot, Error, Result, commands, moderation};

/// Every intent, privileged ones included (`discord.md` §3.1).
pub(crate) fn intents() -> Intents {
    Intents::all()
}

/// Serves shard 0 of 1 until `cancel` fires.
pub(crate) async fn serve(
    bot: Arc<Bot>,
    jobs: mpsc::Sender<Job>,
    cancel: CancellationToken,
) -> Result<()> {
    let shard = sahasrahbot_core::gateway::shard(
        ShardId::ONE,
        bot.settings.token.clone(),
        intents(),
        bot.settings.gateway_url.as_deref(),
    );
    sahasrahbot_core::gateway::run_shard(shard, cancel, |event| handle(&bot, &jobs, event))
        .await
        .map_err(|e| match e {
            sahasrahbot_core::Error::Gateway(reason) => Error::Gateway(reason),
            other => Error::Gateway(other.to_string()),
        })
}

async fn handle(bot: &Arc<Bot>, jobs: &mpsc::Sender<Job>, event: Event) {
    match event {
        Event::Ready(ready) => {
            tracing::info!(user = %ready.user.name, guilds = ready.guilds.len(), "audit bot READY");
            *bot.me.write().unwrap_or_else(|e| e.into_inner()) = Some(ready.user.id);
        }
        Event::GuildCreate(guild) => {
            if let GuildCreate::Available(g) = *guild {
                bot.guilds.set(g.id, g.owner_id, &g.roles);
            }
        }
        Event::GuildUpdate(g) => bot.guilds.set(g.id, g.owner_id, &g.roles),
        Event::GuildDelete(g) => bot.guilds.remove(g.id),
        Event::RoleCreate(r) => bot.guilds.set_role(r.guild_id, &r.role),
        Event::RoleUpdate(r) => bot.guilds.set_role(r.guild_id, &r.role),
        Event::RoleDelete(r) => bot.guilds.remove_role(r.guild_id, r.role_id),
        Event::MessageCreate(message) => on_message(bot, Arc::new(message.message)).await,
        Event::MessageUpdate(update) => {
            if let Ok(ready) = bot.recorder.flush_marker().await {
                let job = Job::Edit {
                    message: Box::new((*update).0),
                    ready,
                };
                let _ = jobs.send(job).await;
            }
        }
        Event::MessageDelete(deleted) => {
            if let Some(guild) = deleted.guild_id
                && let Ok(ready) = bot.recorder.flush_marker().await
            {
                let job = Job::Delete {
                    guild,
                    channel: deleted.channel_id,
                    ids: vec![deleted.id.get()],
                    ready,
                };
                let _ = jobs.send(job).await;
            }
        }
        Event::MessageDeleteBulk(deleted) => {
            if let Some(guild) = deleted.guild_id
                && let Ok(ready) = bot.recorder.flush_marker().await
            {
                let job = Job::Delete {
                    guild,
                    channel: deleted.channel_id,
                    ids: deleted.ids.iter().map(|id| id.get()).collect(),
                    ready,
                };
                let _ = jobs.send(job).await;
            }
        }
        Event::MemberAdd(member) => {
            let (guild, user) = (member.guild_id, member.member.user.clone());
            tokio::spawn(history::member_event(
                bot.clone(),
                guild,
                MemberEvent::Joined,
                user,
            ));
        }
        Event::MemberRemove(member) => {
            tokio::spawn(history::member_event(
                bot.clone(),
                member.guild_id,
                MemberEvent::Left,
                member.user,
            ));
        }
        Event::BanAdd(ban) => {
            tokio::spawn(history::member_event(
                bot.clone(),
                ban.guild_id,
                MemberEvent::Banned,
                ban.user,
            ));
        }
        _ => {}
    }
}

/// Records the message (DMs always; guild messages when the guild has `AuditLogging` on
/// and the channel is not excluded), then hands commands and moderation to their tasks.
async fn on_message(bot: &Arc<Bot>, message: Arc<Message>) {
    if message.author.bot {
        return;
    }
    let Some(guild) = message.guild_id else {
        if let Err(e) = bot.recorder.record(NewRow::from_message(&message)).await {
            tracing::warn!(error = %e, "DM not recorded");
        }
        return;
    };
    match bot.records(guild, message.channel_id).await {
        Ok(true) => {
            if let Err(e) = bot.recorder.record(NewRow::from_message(&message)).await {
                tracing::warn!(error = %e, "message not recorded");
            }
        }
        Ok(false) => {}
        Err(e) => tracing::warn!(error = %e, "guild settings unreadable; message not recorded"),
    }
    match bot
        .guild_config
        .get_or(history::guild_key(guild), "CommandPrefix", "$")
        .await
    {
        Ok(prefix) if !prefix.is_empty() => {
            if let Some(rest) = message.content.strip_prefix(prefix.as_str()) {
                let rest = rest.to_owned();
                tokio::spawn(commands::handle(bot.clone(), message.clone(), rest));
            }
        }
        Ok(_) => {}
        Err(e) => tracing::warn!(error = %e, "command prefix unreadable"),
    }
    if moderation::worth_checking(&message) {
        tokio::spawn(moderation::moderate(bot.clone(), message));
    }
}
