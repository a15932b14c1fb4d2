//! Test doubles for the engine's ports and builders for the data it reads, for this crate's
//! tests and for the tests of the crates above it that run the real engine (feature
//! `testing`; never enabled in the bot itself).
//!
//! - [`RecordingNotifier`]: a [`ChatNotifier`] that keeps what it was asked to send and can
//!   refuse chosen users and channels, as Discord does.
//! - [`FakeGuilds`]: a [`GuildDirectory`] over members added by the test; it logs lookups and
//!   can fail whole guilds.
//! - [`sg_player`], [`sg_episode`]: SpeedGaming's JSON shapes.
//! - [`seed_qualifier`]: an async tournament with one pool, and optionally a live race, for
//!   the live-qualifier event.

use std::collections::{HashMap, HashSet};
use std::sync::Mutex;

use async_trait::async_trait;
use chrono::{DateTime, NaiveDateTime, Utc};
use sahasrahbot_core::db::entities::{
    asynctournament, asynctournamentliverace, asynctournamentpermalinkpool,
};
use sahasrahbot_core::ports::{ChatMessage, ChatNotifier, ChatTarget, NotifyError};
use sea_orm::{ActiveModelTrait, ConnectionTrait, DbErr, Set};
use serde_json::{Value, json};

use crate::engine::lock;
use crate::ports::{DirectoryError, GuildDirectory, Member};

/// Records what was sent to Discord; DMs to `fail_users` and posts to `fail_channels` fail
/// with Discord's reasons.
#[derive(Debug, Default)]
pub struct RecordingNotifier {
    /// Everything sent, in order.
    pub sent: Mutex<Vec<(ChatTarget, ChatMessage)>>,
    /// Users whose DMs are refused ("Cannot send messages to this user").
    pub fail_users: Mutex<HashSet<u64>>,
    /// Channels the bot may not post in ("Missing Permissions").
    pub fail_channels: Mutex<HashSet<u64>>,
}

#[async_trait]
impl ChatNotifier for RecordingNotifier {
    async fn notify(&self, target: ChatTarget, message: ChatMessage) -> Result<(), NotifyError> {
        let refused = match target {
            ChatTarget::User(id) => lock(&self.fail_users)
                .contains(&id)
                .then_some("Cannot send messages to this user (403)"),
            ChatTarget::Channel(id) => lock(&self.fail_channels)
                .contains(&id)
                .then_some("Missing Permissions"),
        };
        if let Some(reason) = refused {
            return Err(NotifyError {
                target,
                reason: reason.into(),
            });
        }
        lock(&self.sent).push((target, message));
        Ok(())
    }
}

impl RecordingNotifier {
    /// The messages sent to `target`, in order.
    pub fn to(&self, target: ChatTarget) -> Vec<ChatMessage> {
        lock(&self.sent)
            .iter()
            .filter(|(t, _)| *t == target)
            .map(|(_, m)| m.clone())
            .collect()
    }

    /// The contents posted to `channel`.
    pub fn contents_to(&self, channel: u64) -> Vec<String> {
        self.to(ChatTarget::Channel(channel))
            .into_iter()
            .map(|m| m.content)
            .collect()
    }

    /// Everything sent so far.
    pub fn all(&self) -> Vec<(ChatTarget, ChatMessage)> {
        lock(&self.sent).clone()
    }

    /// Everything sent so far, forgotten here.
    pub fn take(&self) -> Vec<(ChatTarget, ChatMessage)> {
        std::mem::take(&mut *lock(&self.sent))
    }
}

/// Guild members by guild; every lookup is logged (`id:{n}` or `name:{s}`), and the guilds
/// in `failing_guilds` answer with an error, as when Discord is down.
#[derive(Debug, Default)]
pub struct FakeGuilds {
    /// Members by guild id.
    pub members: Mutex<HashMap<u64, Vec<Member>>>,
    /// Guilds whose lookups fail.
    pub failing_guilds: Mutex<HashSet<u64>>,
    lookups: Mutex<Vec<String>>,
}

impl FakeGuilds {
    /// Adds a member with `roles` to `guild`.
    pub fn add(&self, guild: u64, id: u64, name: &str, roles: &[u64]) {
        lock(&self.members).entry(guild).or_default().push(Member {
            id,
            name: name.to_owned(),
            roles: roles.to_vec(),
        });
    }

    /// The lookups so far, in order.
    pub fn lookups(&self) -> Vec<String> {
        lock(&self.lookups).clone()
    }

    fn find(
        &self,
        guild: u64,
        lookup: String,
        matches: impl Fn(&Member) -> bool,
    ) -> Result<Option<Member>, DirectoryError> {
        lock(&self.lookups).push(lookup);
        if lock(&self.failing_guilds).contains(&guild) {
            return Err(DirectoryError("Discord is down".to_owned()));
        }
        Ok(lock(&self.members)
            .get(&guild)
            .and_then(|m| m.iter().find(|m| matches(m)).cloned()))
    }
}

#[async_trait]
impl GuildDirectory for FakeGuilds {
    async fn member(&self, guild: u64, user: u64) -> Result<Option<Member>, DirectoryError> {
        self.find(guild, format!("id:{user}"), |m| m.id == user)
    }

    async fn member_by_name(
        &self,
        guild: u64,
        name: &str,
    ) -> Result<Option<Member>, DirectoryError> {
        self.find(guild, format!("name:{name}"), |m| m.name == name)
    }
}

/// A SpeedGaming player as the schedule lists it, streaming from their lowercased name.
pub fn sg_player(name: &str, discord_id: &str, tag: &str) -> Value {
    json!({
        "displayName": name,
        "discordId": discord_id,
        "discordTag": tag,
        "publicStream": "",
        "streamingFrom": name.to_lowercase(),
    })
}

/// A SpeedGaming episode of `event` starting at `when` (sent in US Eastern time, as the site
/// does), counting down 10 minutes later, broadcast on `channels`.
pub fn sg_episode(
    id: i64,
    event: &str,
    title: &str,
    when: DateTime<Utc>,
    players: Vec<Value>,
    channels: &[&str],
) -> Value {
    let eastern = |t: DateTime<Utc>| t.with_timezone(&chrono_tz::US::Eastern).to_rfc3339();
    let channels: Vec<Value> = channels
        .iter()
        .enumerate()
        .map(|(i, c)| json!({"id": i, "name": c, "slug": c.to_lowercase(), "language": "en"}))
        .collect();
    json!({
        "id": id,
        "event": {"slug": event, "shortName": event.to_uppercase(), "name": format!("{event} event")},
        "match1": {"title": title, "players": players},
        "match2": null,
        "when": eastern(when),
        "whenCountdown": eastern(when + chrono::Duration::minutes(10)),
        "channels": channels,
        "commentators": [], "trackers": [], "broadcasters": [],
    })
}

/// The rows [`seed_qualifier`] wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QualifierRows {
    /// The async tournament "Main" (one run per pool).
    pub tournament: i32,
    /// Its pool "Pool A", rolling the `open` preset.
    pub pool: i32,
    /// The scheduled live race of `Pool A` for the episode, when one was asked for.
    pub live: Option<i32>,
}

/// Writes an active async tournament "Main" in the live qualifier's guild with one pool,
/// "Pool A", and, when `live_race_for` names a SpeedGaming episode, a scheduled live race of
/// that pool for it. Rows are stamped `at`.
pub async fn seed_qualifier(
    db: &impl ConnectionTrait,
    at: NaiveDateTime,
    live_race_for: Option<i32>,
) -> Result<QualifierRows, DbErr> {
    let tournament = asynctournament::ActiveModel {
        name: Set("Main".into()),
        guild_id: Set(334_795_604_918_272_012),
        channel_id: Set(1),
        created: Set(at),
        updated: Set(at),
        active: Set(true),
        owner_id: Set(1),
        customization: Set("default".into()),
        runs_per_pool: Set(1),
        ..Default::default()
    }
    .insert(db)
    .await?;
    let pool = asynctournamentpermalinkpool::ActiveModel {
        name: Set("Pool A".into()),
        created: Set(at),
        updated: Set(at),
        tournament_id: Set(tournament.id),
        preset: Set(Some("open".into())),
        ..Default::default()
    }
    .insert(db)
    .await?;
    let mut live = None;
    if let Some(episode) = live_race_for {
        let row = asynctournamentliverace::ActiveModel {
            episode_id: Set(Some(episode)),
            match_title: Set(Some("Pool A".into())),
            status: Set("scheduled".into()),
            created: Set(at),
            updated: Set(at),
            pool_id: Set(pool.id),
            tournament_id: Set(tournament.id),
            ..Default::default()
        }
        .insert(db)
        .await?;
        live = Some(row.id);
    }
    Ok(QualifierRows {
        tournament: tournament.id,
        pool: pool.id,
        live,
    })
}
