//! The `daily` group (`discord.md` §2.2): `/dailygame` and the daily-challenge announcer.
//!
//! - `/dailygame`: today's alttpr.com daily game as the seed embed (§5.1), public, with the
//!   description replaced by a note pointing at <https://alttpr.com/daily>. The daily hash is
//!   cached for 60 s and each game for 24 h.
//! - The announcer loop (every [`DEFAULT_INTERVAL`] by default): when alttpr.com has a
//!   daily hash with no `daily` row, it posts the embed to every channel named by a guild's
//!   `DailyAnnouncerChannel` setting (ids, or text channel names resolved in that guild)
//!   and opens a thread on each post, named after the game. One channel failing (a 403, a
//!   thread that cannot be created) does not stop the others.
//!
//! Differences from the original: the `daily` row is written after the posts (fix D19), so
//! a daily whose game could not be fetched is tried again on the next tick instead of being
//! lost; an id in the setting must be a channel of that guild; nothing is fetched while no
//! guild has the setting; every tick's errors are logged and the loop goes on.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use sahasrahbot_core::db::entities::daily;
use sahasrahbot_core::guild_config::{ChannelRef, channel_refs};
use sahasrahbot_seedgen::{GeneratedSeed, Surface as GenSurface};
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};
use tokio::sync::Mutex;
use tokio_util::sync::CancellationToken;
use tracing::Instrument as _;
use twilight_model::application::command::{Command, CommandType};
use twilight_model::channel::message::Embed;
use twilight_model::channel::{ChannelType, thread::AutoArchiveDuration};
use twilight_model::id::Id;
use twilight_model::id::marker::{ChannelMarker, GuildMarker};
use twilight_util::builder::command::CommandBuilder;

use crate::context::Ctx;
use crate::embeds::alttpr::{SeedEmbedInput, seed_embed};
use crate::errors::Error;
use crate::{Bot, Result};

/// How often the announcer looks for a new daily game (the original's 5 minutes).
pub const DEFAULT_INTERVAL: Duration = Duration::from_secs(300);

/// The guild setting naming the announcement channels.
pub const ANNOUNCER_SETTING: &str = "DailyAnnouncerChannel";

/// The description that replaces the game's notes.
const DAILY_NOTE: &str =
    "Today's daily challenge. The current one is always at https://alttpr.com/daily";

/// How long `/dailygame` keeps the daily hash.
const HASH_TTL: Duration = Duration::from_secs(60);
/// How long a daily game is kept.
const GAME_TTL: Duration = Duration::from_secs(24 * 3600);

/// `/dailygame`'s cache: the current hash and the games by hash.
#[derive(Debug, Default)]
pub(crate) struct Cache {
    hash: Mutex<Option<(Instant, String)>>,
    games: Mutex<HashMap<String, (Instant, GeneratedSeed)>>,
}

/// `/dailygame`: no options, anywhere.
pub fn dailygame_command() -> Command {
    CommandBuilder::new(
        "dailygame",
        "Returns the current daily game from alttpr.com.",
        CommandType::ChatInput,
    )
    .contexts(super::anywhere())
    .build()
}

fn unavailable(e: &sahasrahbot_seedgen::Error) -> Error {
    Error::External {
        service: "alttpr.com",
        reason: format!("unable to fetch the daily challenge right now ({e}); try again later"),
    }
}

/// `/dailygame`: a public reply with the daily game's embed; an ephemeral error when
/// alttpr.com cannot be reached.
pub(crate) async fn dailygame(ctx: &Ctx) -> Result<()> {
    let bot = &ctx.bot;
    let hash = cached_hash(bot).await.map_err(|e| unavailable(&e))?;
    let game = cached_game(bot, &hash).await.map_err(|e| unavailable(&e))?;
    let embed = daily_embed(bot, &game).await.map_err(|e| unavailable(&e))?;
    ctx.reply(None, vec![embed], false).await
}

async fn cached_hash(bot: &Bot) -> Result<String, sahasrahbot_seedgen::Error> {
    let mut slot = bot.daily_cache.hash.lock().await;
    if let Some((at, hash)) = slot.as_ref()
        && at.elapsed() < HASH_TTL
    {
        return Ok(hash.clone());
    }
    let hash = bot
        .deps
        .seedgen
        .alttpr
        .daily_hash(Some(GenSurface::Discord))
        .await?;
    *slot = Some((Instant::now(), hash.clone()));
    Ok(hash)
}

async fn cached_game(bot: &Bot, hash: &str) -> Result<GeneratedSeed, sahasrahbot_seedgen::Error> {
    {
        let mut games = bot.daily_cache.games.lock().await;
        games.retain(|_, (at, _)| at.elapsed() < GAME_TTL);
        if let Some((_, game)) = games.get(hash) {
            return Ok(game.clone());
        }
    }
    let game = bot
        .deps
        .seedgen
        .alttpr
        .retrieve(hash, None, Some(GenSurface::Discord))
        .await?;
    bot.daily_cache
        .games
        .lock()
        .await
        .insert(hash.to_owned(), (Instant::now(), game.clone()));
    Ok(game)
}

/// The seed embed of a daily game, its description replaced by the daily note.
async fn daily_embed(bot: &Bot, game: &GeneratedSeed) -> Result<Embed, sahasrahbot_seedgen::Error> {
    let settings_map = bot
        .deps
        .seedgen
        .alttpr
        .settings_map(None, Some(GenSurface::Discord))
        .await?;
    let code = game.code.clone().unwrap_or_default();
    let emoji = |name: &str| bot.emoji(name);
    Ok(seed_embed(
        SeedEmbedInput {
            data: &game.data,
            permalink: &game.url,
            code: &code,
            settings_map: &settings_map,
            title: None,
            notes: Some(DAILY_NOTE),
            include_settings: true,
        },
        &emoji,
        bot.emoji_url("SahasrahBot"),
    ))
}

/// Runs `tick` at once and then every `interval` until `cancel` fires; a tick that is
/// late (a slow provider) delays the next one instead of bunching them up.
pub(crate) async fn every<F, Fut>(interval: Duration, cancel: CancellationToken, tick: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    sahasrahbot_tournament::week::every(interval.max(Duration::from_millis(1)), &cancel, tick)
        .await;
}

/// Waits until the gateway's READY (as the original's loops start); `false` when `cancel`
/// fired first.
pub(crate) async fn wait_ready(bot: &Bot, cancel: &CancellationToken) -> bool {
    loop {
        if bot
            .bot_user_id
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .is_some()
        {
            return true;
        }
        tokio::select! {
            () = cancel.cancelled() => return false,
            () = tokio::time::sleep(Duration::from_millis(100)) => {}
        }
    }
}

/// The announcer: waits for READY, then ticks every `cogs.daily_interval` until `cancel`.
pub(crate) async fn announce_loop(bot: Arc<Bot>, cancel: CancellationToken) {
    if !wait_ready(&bot, &cancel).await {
        return;
    }
    let interval = bot.cogs.daily_interval;
    every(interval, cancel, || {
        let bot = bot.clone();
        async move {
            let tick = announce(&bot).instrument(tracing::info_span!("daily_announcer"));
            match tick.await {
                Ok(Some(hash)) => tracing::info!(hash = %hash, "daily challenge announced"),
                Ok(None) => {}
                Err(e) => tracing::warn!(error = %e, "daily announcer tick failed"),
            }
        }
    })
    .await;
}

/// One announcer tick; the announced hash, if any.
async fn announce(bot: &Bot) -> Result<Option<String>> {
    let settings = bot.deps.guild_config.guilds_with(ANNOUNCER_SETTING).await?;
    let targets: Vec<(i64, String)> = settings
        .into_iter()
        .filter_map(|(guild, value)| value.map(|v| (guild, v)))
        .filter(|(_, value)| !value.trim().is_empty())
        .collect();
    if targets.is_empty() {
        return Ok(None);
    }
    let hash = bot
        .deps
        .seedgen
        .alttpr
        .daily_hash(Some(GenSurface::Discord))
        .await?;
    let seen = daily::Entity::find()
        .filter(daily::Column::Hash.eq(hash.as_str()))
        .one(&bot.deps.db)
        .await?;
    if seen.is_some() {
        return Ok(None);
    }
    let game = cached_game(bot, &hash).await?;
    let embed = daily_embed(bot, &game).await?;
    let thread_name = game
        .data
        .pointer("/spoiler/meta/name")
        .and_then(serde_json::Value::as_str)
        .filter(|n| !n.trim().is_empty())
        .unwrap_or("Daily Challenge")
        .chars()
        .take(100)
        .collect::<String>();
    for (guild, value) in &targets {
        let Some(guild_id) = u64::try_from(*guild).ok().and_then(Id::new_checked) else {
            continue;
        };
        announce_in(bot, guild_id, value, &embed, &thread_name)
            .instrument(tracing::info_span!("daily_guild", guild = guild))
            .await;
    }
    daily::Entity::insert(daily::ActiveModel {
        hash: Set(hash.clone()),
        ..Default::default()
    })
    .exec(&bot.deps.db)
    .await?;
    Ok(Some(hash))
}

/// Posts to the channels of one guild; failures are logged.
async fn announce_in(
    bot: &Bot,
    guild: Id<GuildMarker>,
    value: &str,
    embed: &Embed,
    thread_name: &str,
) {
    let channels = match resolve_channels(bot, guild, value).await {
        Ok(channels) => channels,
        Err(e) => {
            tracing::warn!(error = %e, "cannot read the guild's channels; skipped");
            return;
        }
    };
    for channel in channels {
        if let Err(e) = post(bot, channel, embed, thread_name).await {
            tracing::warn!(channel = %channel, error = %e, "daily post failed");
        }
    }
}

/// The text channels a setting names in `guild` (ids of that guild's channels, or names),
/// in the setting's order without repeats. Fails when the guild's channels cannot be read
/// (the bot is not in the guild).
async fn resolve_channels(
    bot: &Bot,
    guild: Id<GuildMarker>,
    value: &str,
) -> Result<Vec<Id<ChannelMarker>>> {
    let channels = bot.http.guild_channels(guild).await?.models().await?;
    let text = |kind: ChannelType| {
        matches!(
            kind,
            ChannelType::GuildText | ChannelType::GuildAnnouncement
        )
    };
    let mut out: Vec<Id<ChannelMarker>> = Vec::new();
    for reference in channel_refs(value) {
        let found = channels.iter().find(|c| {
            text(c.kind)
                && match &reference {
                    ChannelRef::Id(id) => c.id.get() == *id,
                    ChannelRef::Name(name) => c.name.as_deref() == Some(name.as_str()),
                }
        });
        match found {
            Some(c) if !out.contains(&c.id) => out.push(c.id),
            Some(_) => {}
            None => tracing::warn!(channel = ?reference, "daily channel not found in the guild"),
        }
    }
    Ok(out)
}

/// Posts the embed to `channel` and opens a thread on the post (a failed thread leaves the
/// post in place).
async fn post(bot: &Bot, channel: Id<ChannelMarker>, embed: &Embed, thread: &str) -> Result<()> {
    let message = bot
        .http
        .create_message(channel)
        .embeds(std::slice::from_ref(embed))
        .await?
        .model()
        .await?;
    bot.http
        .create_thread_from_message(channel, message.id, thread)
        .auto_archive_duration(AutoArchiveDuration::Day)
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicU32, Ordering};

    use super::*;

    /// [`every`] on a task, counting its ticks; each tick takes `tick_length`.
    fn counting_loop(
        interval: Duration,
        tick_length: Duration,
    ) -> (
        Arc<AtomicU32>,
        CancellationToken,
        tokio::task::JoinHandle<()>,
    ) {
        let ticks = Arc::new(AtomicU32::new(0));
        let cancel = CancellationToken::new();
        let task = tokio::spawn({
            let (ticks, cancel) = (ticks.clone(), cancel.clone());
            async move {
                every(interval, cancel, || {
                    let ticks = ticks.clone();
                    async move {
                        ticks.fetch_add(1, Ordering::SeqCst);
                        tokio::time::sleep(tick_length).await;
                    }
                })
                .await;
            }
        });
        (ticks, cancel, task)
    }

    #[tokio::test(start_paused = true)]
    async fn the_loop_ticks_at_once_then_every_interval_until_cancelled() {
        let (ticks, cancel, task) = counting_loop(DEFAULT_INTERVAL, Duration::ZERO);
        tokio::time::sleep(Duration::from_secs(1)).await;
        assert_eq!(ticks.load(Ordering::SeqCst), 1, "first tick at once");
        tokio::time::sleep(Duration::from_secs(298)).await;
        assert_eq!(ticks.load(Ordering::SeqCst), 1, "nothing before 5 minutes");
        tokio::time::sleep(Duration::from_secs(2)).await;
        assert_eq!(ticks.load(Ordering::SeqCst), 2, "second tick at 5 minutes");
        tokio::time::sleep(Duration::from_secs(600)).await;
        assert_eq!(ticks.load(Ordering::SeqCst), 4);
        cancel.cancel();
        task.await.expect("loop ends when cancelled");
        tokio::time::sleep(Duration::from_secs(3600)).await;
        assert_eq!(ticks.load(Ordering::SeqCst), 4, "no tick after cancel");
    }

    #[tokio::test(start_paused = true)]
    async fn a_slow_tick_delays_the_next_and_cancel_interrupts_it() {
        let (ticks, cancel, task) = counting_loop(Duration::from_secs(60), Duration::from_secs(90));
        tokio::time::sleep(Duration::from_secs(100)).await;
        // Tick 1 ran 0–90 s; tick 2 started at 90 s (late), not twice.
        assert_eq!(ticks.load(Ordering::SeqCst), 2);
        cancel.cancel();
        task.await.expect("a running tick is abandoned on cancel");
    }
}
