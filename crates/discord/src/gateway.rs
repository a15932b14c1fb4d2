//! The gateway shard: connect, identify, resume (twilight does these), and the event
//! dispatch to handlers.

use std::sync::Arc;
use std::time::Duration;

use rand::Rng as _;
use tokio_util::sync::CancellationToken;
use tracing::Instrument as _;
use twilight_gateway::{Event, Intents, Shard, ShardId};
use twilight_model::gateway::payload::incoming::MessageCreate;

use crate::{Bot, BotSettings, Error, Result, context};

/// The library-default intents plus GUILD_MEMBERS (§1.2); MESSAGE_CONTENT and presences
/// stay off.
pub(crate) fn intents() -> Intents {
    Intents::all() - Intents::GUILD_PRESENCES - Intents::MESSAGE_CONTENT
}

/// Serves the configured shards (one by default) until `cancel` fires; the first shard
/// that fails stops the others.
pub(crate) async fn serve(
    bot: Arc<Bot>,
    settings: &BotSettings,
    cancel: CancellationToken,
) -> Result<()> {
    let range = settings.shards.unwrap_or_default();
    let stop = cancel.child_token();
    let mut tasks = tokio::task::JoinSet::new();
    for number in range.first..range.first.saturating_add(range.count.max(1)) {
        let id = ShardId::new_checked(number, range.total).ok_or_else(|| {
            Error::Gateway(format!(
                "shard {number} is outside 0..{} (check the shard range)",
                range.total
            ))
        })?;
        let shard = sahasrahbot_core::gateway::shard(
            id,
            settings.token.clone(),
            intents(),
            settings.gateway_url.as_deref(),
        );
        let span = tracing::info_span!("shard", shard = number);
        tasks.spawn(serve_shard(bot.clone(), shard, stop.clone()).instrument(span));
    }
    let mut outcome = Ok(());
    while let Some(done) = tasks.join_next().await {
        let result = done.unwrap_or_else(|e| Err(Error::Gateway(format!("shard task: {e}"))));
        if result.is_err() && outcome.is_ok() {
            outcome = result;
            stop.cancel();
        }
    }
    outcome
}

/// Serves one shard until `cancel` fires.
async fn serve_shard(bot: Arc<Bot>, shard: Shard, cancel: CancellationToken) -> Result<()> {
    sahasrahbot_core::gateway::run_shard(shard, cancel, |event| {
        handle(&bot, event);
        std::future::ready(())
    })
    .await
    .map_err(|e| match e {
        sahasrahbot_core::Error::Gateway(reason) => Error::Gateway(reason),
        other => Error::Gateway(other.to_string()),
    })
}

/// One gateway event: caches updated in place, interactions and mentions on their own
/// tasks.
fn handle(bot: &Arc<Bot>, event: Event) {
    match event {
        Event::Ready(ready) => {
            tracing::info!(user = %ready.user.name, guilds = ready.guilds.len(), "Discord READY");
            *bot.bot_user_id.write().unwrap_or_else(|e| e.into_inner()) = Some(ready.user.id);
        }
        Event::Resumed => tracing::info!("Discord session resumed"),
        Event::GuildCreate(guild) => {
            if let twilight_model::gateway::payload::incoming::GuildCreate::Available(g) = *guild {
                for emoji in &g.emojis {
                    bot.emojis
                        .insert(&emoji.name, emoji.id, emoji.animated, false);
                }
            }
        }
        Event::GuildEmojisUpdate(update) => {
            for emoji in &update.emojis {
                bot.emojis
                    .insert(&emoji.name, emoji.id, emoji.animated, true);
            }
        }
        Event::InteractionCreate(interaction) => {
            let bot = bot.clone();
            tokio::spawn(context::handle(bot, interaction.0));
        }
        Event::MessageCreate(message) => {
            let bot = bot.clone();
            tokio::spawn(mention_reaction(bot, message));
        }
        _ => {}
    }
}

/// When the bot is mentioned, react with its `SahasrahBot` emoji after a random 0–5 s
/// wait; nothing when that emoji is not visible (§2.4).
async fn mention_reaction(bot: Arc<Bot>, message: Box<MessageCreate>) {
    let me = *bot.bot_user_id.read().unwrap_or_else(|e| e.into_inner());
    let Some(me) = me else { return };
    if !message.mentions.iter().any(|m| m.id == me) {
        return;
    }
    let Some(id) = bot.emojis.id("SahasrahBot") else {
        return;
    };
    let wait = rand::thread_rng().gen_range(0..5000);
    tokio::time::sleep(Duration::from_millis(wait)).await;
    let emoji = twilight_http::request::channel::reaction::RequestReactionType::Custom {
        id,
        name: Some("SahasrahBot"),
    };
    let request = bot
        .http
        .create_reaction(message.channel_id, message.id, &emoji);
    if let Err(e) = request.await {
        tracing::warn!(error = %e, "could not react to a mention");
    }
}
