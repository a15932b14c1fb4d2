//! The bad-Discord report (`tournament.md` §2.18.3, P41; `discord.md` §2.10, the loop
//! `find_races_with_bad_discord`): every 4 hours, for each active event, the SpeedGaming
//! runners of the next 48 hours whose Discord account cannot be found in the event's guild
//! are listed in the event's audit channel, under a ping of the bot's maintainer.
//!
//! For every player of `match1` and `match2` (when present):
//! - players marked `publicStream == "ignore"` and the `Winner of …` / `Loser of …`
//!   placeholders are skipped;
//! - the member is looked up by `discordId` (a value that is not a number counts as no
//!   member), then — when that finds nobody — by `discordTag` without a trailing `#0`
//!   ([`GuildDirectory::member_by_name`]: the Discord username);
//! - nobody found → `Episode {id} - {slug} - {displayName} could not be found`.
//!
//! The RaceTime link and the `users` row are not checked (as the original). An event
//! without an audit channel is not looked at.
//!
//! Deliberate improvements over the original, whose loop had no error guard: a failure
//! (SpeedGaming, a Discord lookup, the post) is logged and ends only that event's report
//! for the tick, and a report longer than Discord's 2000 characters is split into several
//! messages instead of failing.

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use sahasrahbot_core::ports::{AllowedMentions, ChatMessage, ChatNotifier, ChatTarget};
use sahasrahbot_racetime::CancellationToken;
use tracing::{Instrument, info, info_span, warn};

use crate::engine::Clock;
use crate::ports::{GuildDirectory, Member};
use crate::speedgaming::Player;
use crate::time::Window;
use crate::week::every;
use crate::{Episode, Error, EventDefinition, Registry, Result, SpeedGaming};

/// The default interval of the loop (4 hours, the original's production setting).
pub const DEFAULT_INTERVAL: Duration = Duration::from_secs(4 * 60 * 60);

/// The mention opening every report: the bot's maintainer (Synack).
pub const REPORT_PING: &str = "<@185198185990324225>";

/// Discord's limit on a message's length, in characters.
pub const MESSAGE_LIMIT: usize = 2000;

/// Display-name prefixes of SpeedGaming's bracket placeholders, which are not players.
pub const PLACEHOLDER_PREFIXES: [&str; 2] = ["Winner of ", "Loser of "];

/// What the report works with.
pub struct BadDiscordServices {
    /// SpeedGaming.
    pub speedgaming: SpeedGaming,
    /// Guild members.
    pub guilds: Arc<dyn GuildDirectory>,
    /// Posts to the audit channels.
    pub notifier: Arc<dyn ChatNotifier>,
    /// How often the loop runs ([`DEFAULT_INTERVAL`] in production).
    pub interval: Duration,
    /// The clock (tests pass a fixed one).
    pub clock: Clock,
}

impl std::fmt::Debug for BadDiscordServices {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BadDiscordServices")
            .field("speedgaming", &self.speedgaming)
            .field("interval", &self.interval)
            .finish_non_exhaustive()
    }
}

/// The bad-Discord report over the active events.
#[derive(Clone)]
pub struct BadDiscordReport {
    services: Arc<BadDiscordServices>,
    events: Arc<Vec<EventDefinition>>,
}

impl std::fmt::Debug for BadDiscordReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let slugs: Vec<&str> = self.events.iter().map(|e| e.event_slug.as_str()).collect();
        f.debug_struct("BadDiscordReport")
            .field("events", &slugs)
            .finish()
    }
}

/// Whether a SpeedGaming display name is a bracket placeholder (`Winner of …`,
/// `Loser of …`) rather than a runner.
pub fn is_placeholder(display_name: &str) -> bool {
    PLACEHOLDER_PREFIXES
        .iter()
        .any(|p| display_name.starts_with(p))
}

/// The report line of a runner who cannot be found.
pub fn missing_line(episode_id: i64, event_slug: &str, display_name: &str) -> String {
    format!("Episode {episode_id} - {event_slug} - {display_name} could not be found")
}

/// The messages of a report: [`REPORT_PING`], a blank line, then one line per missing
/// runner, cut at line boundaries into messages of at most [`MESSAGE_LIMIT`] characters
/// (the ping opens the first one only; a single line longer than the limit is cut). No
/// lines, no messages.
pub fn report_messages(lines: &[String]) -> Vec<String> {
    if lines.is_empty() {
        return Vec::new();
    }
    let mut messages = Vec::new();
    // The ping, then the blank line made by the first line's separator.
    let mut current = format!("{REPORT_PING}\n");
    let mut current_len = current.chars().count();
    for line in lines {
        for piece in pieces(line, MESSAGE_LIMIT) {
            let piece_len = piece.chars().count();
            let mut separator = usize::from(!current.is_empty());
            if current_len + separator + piece_len > MESSAGE_LIMIT {
                messages.push(current.trim_end().to_owned());
                current.clear();
                current_len = 0;
                separator = 0;
            }
            if separator == 1 {
                current.push('\n');
            }
            current.push_str(piece);
            current_len += separator + piece_len;
        }
    }
    if !current.is_empty() {
        messages.push(current);
    }
    messages
}

/// `text` cut into pieces of at most `limit` characters (one piece when it fits).
fn pieces(text: &str, limit: usize) -> Vec<&str> {
    let mut pieces = Vec::new();
    let mut rest = text;
    loop {
        match rest.char_indices().nth(limit) {
            Some((cut, _)) => {
                pieces.push(&rest[..cut]);
                rest = &rest[cut..];
            }
            None => {
                pieces.push(rest);
                return pieces;
            }
        }
    }
}

/// The member a SpeedGaming player resolves to in `guild`: by `discordId` when it is a
/// number (an unknown id finds nobody), then by `discordTag` without `#0` when the id found
/// nobody and the tag is set.
///
/// # Errors
/// A Discord lookup failed ([`Error::Discord`]).
pub async fn find_member(
    guilds: &dyn GuildDirectory,
    guild: u64,
    player: &Player,
) -> Result<Option<Member>> {
    let discord = |e: crate::ports::DirectoryError| Error::Discord(e.to_string());
    if let Ok(id) = player.discord_id.trim().parse::<u64>()
        && let Some(member) = guilds.member(guild, id).await.map_err(discord)?
    {
        return Ok(Some(member));
    }
    let name = player.discord_name().trim();
    if name.is_empty() {
        return Ok(None);
    }
    guilds.member_by_name(guild, name).await.map_err(discord)
}

/// The report lines of one episode: every runner of `match1` and `match2` who is neither
/// ignored nor a placeholder and cannot be found in `guild`.
///
/// # Errors
/// A Discord lookup failed.
pub async fn missing_players(
    guilds: &dyn GuildDirectory,
    guild: u64,
    event_slug: &str,
    episode: &Episode,
) -> Result<Vec<String>> {
    let mut lines = Vec::new();
    let players = episode
        .match1
        .iter()
        .chain(episode.match2.iter())
        .flat_map(|m| m.players.iter());
    for player in players {
        if player.is_ignored() || is_placeholder(&player.display_name) {
            continue;
        }
        if find_member(guilds, guild, player).await?.is_none() {
            lines.push(missing_line(episode.id, event_slug, &player.display_name));
        }
    }
    Ok(lines)
}

impl BadDiscordReport {
    /// The report over `events` (registry order).
    pub fn new(services: BadDiscordServices, events: Vec<EventDefinition>) -> Self {
        Self {
            services: Arc::new(services),
            events: Arc::new(events),
        }
    }

    /// The report over the registry's active events.
    pub fn from_registry(services: BadDiscordServices, registry: &Registry) -> Self {
        Self::new(services, registry.events().to_vec())
    }

    /// The report lines of `event` for the episodes of [`Window::bad_discord`] around `now`
    /// (nothing is read for an event without an audit channel).
    ///
    /// # Errors
    /// SpeedGaming or a Discord lookup failed.
    pub async fn event_lines(
        &self,
        event: &EventDefinition,
        now: DateTime<Utc>,
    ) -> Result<Vec<String>> {
        if event.audit_channel.is_none() {
            return Ok(Vec::new());
        }
        let s = &self.services;
        let window = Window::bad_discord(now);
        let episodes = s
            .speedgaming
            .schedule(&event.event_slug, window.from, window.to)
            .await?;
        let mut lines = Vec::new();
        for episode in &episodes {
            lines.extend(
                missing_players(&*s.guilds, event.guild_id, &event.event_slug, episode).await?,
            );
        }
        Ok(lines)
    }

    /// Reports `event`: its lines posted to its audit channel. Returns the number of
    /// missing runners.
    ///
    /// # Errors
    /// SpeedGaming, a Discord lookup or a post failed (messages sent before a failed post
    /// stay sent).
    pub async fn report_event(&self, event: &EventDefinition, now: DateTime<Utc>) -> Result<usize> {
        let lines = self.event_lines(event, now).await?;
        let Some(channel) = event.audit_channel else {
            return Ok(0);
        };
        for content in report_messages(&lines) {
            self.services
                .notifier
                .notify(
                    ChatTarget::Channel(channel),
                    ChatMessage {
                        content,
                        embed: None,
                        allowed_mentions: AllowedMentions::Users,
                    },
                )
                .await
                .map_err(|e| Error::Discord(e.to_string()))?;
        }
        Ok(lines.len())
    }

    /// One pass over every event; one event's failure is logged and never stops the
    /// others.
    pub async fn tick(&self) {
        let now = (self.services.clock)();
        for event in self.events.iter() {
            let span = info_span!(
                "bad_discord",
                event = %event.event_slug,
                guild = event.guild_id
            );
            async {
                match self.report_event(event, now).await {
                    Ok(0) => {}
                    Ok(missing) => {
                        info!(missing, "SpeedGaming players not found on Discord reported")
                    }
                    Err(e) => warn!(error = %e, "bad-Discord report failed for this event"),
                }
            }
            .instrument(span)
            .await;
        }
    }

    /// Runs a pass at once and then every [`BadDiscordServices::interval`] until `cancel`
    /// fires (a pass in progress is abandoned).
    pub async fn run(&self, cancel: CancellationToken) {
        every(self.services.interval, &cancel, || self.tick()).await;
    }
}
