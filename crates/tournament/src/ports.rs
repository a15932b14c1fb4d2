//! How the engine reaches racetime.gg and Discord (`ARCHITECTURE.md`, Ports).
//!
//! - [`RacetimeCategory`]: one category bot — read the category and rooms, open a room and
//!   join it, read a team. Implemented here for the racetime client's [`Bot`], so the
//!   binary passes its running bots in.
//! - [`GuildDirectory`]: Discord guild members (by id or by name, with roles). Implemented by
//!   the Discord crate; sends go through [`sahasrahbot_core::ports::ChatNotifier`].

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, RwLock};
use std::time::Duration;

use async_trait::async_trait;
use sahasrahbot_racetime::HandlerFactory;
use sahasrahbot_racetime::model::{CategoryData, Team};
use sahasrahbot_racetime::{Bot, RaceData, RaceSettings, RoomHandle};

use crate::{Error, Result};

/// One racetime.gg category bot, as the engine uses it.
#[async_trait]
pub trait RacetimeCategory: Send + Sync {
    /// The category slug.
    fn category(&self) -> &str;
    /// `GET /{category}/data` (goals, current races).
    async fn category_data(&self) -> sahasrahbot_racetime::Result<CategoryData>;
    /// `GET /{category}/{room}/data`; `name` is `category/room`.
    async fn race_data(&self, name: &str) -> sahasrahbot_racetime::Result<RaceData>;
    /// Opens a room (unknown goals sent as custom goals) and joins it.
    async fn start_race_and_join(
        &self,
        settings: &RaceSettings,
    ) -> sahasrahbot_racetime::Result<RoomHandle>;
    /// `GET /team/{slug}/data`.
    async fn get_team(&self, slug: &str) -> sahasrahbot_racetime::Result<Team>;
}

#[async_trait]
impl<F: HandlerFactory> RacetimeCategory for Bot<F> {
    fn category(&self) -> &str {
        &self.config().category
    }

    async fn category_data(&self) -> sahasrahbot_racetime::Result<CategoryData> {
        Bot::category_data(self).await
    }

    async fn race_data(&self, name: &str) -> sahasrahbot_racetime::Result<RaceData> {
        Bot::race_data(self, name).await
    }

    async fn start_race_and_join(
        &self,
        settings: &RaceSettings,
    ) -> sahasrahbot_racetime::Result<RoomHandle> {
        Bot::start_race_and_join(self, settings).await
    }

    async fn get_team(&self, slug: &str) -> sahasrahbot_racetime::Result<Team> {
        Bot::get_team(self, slug).await
    }
}

/// The category bots this process runs, by category slug.
///
/// A shared handle: clones see the same bots. Each category's supervised task puts its bot
/// in when it connects (and again after a restart), so the engine always reaches the live
/// one. Categories announced with [`RacetimeBots::expect`] can be waited for at start-up
/// ([`RacetimeBots::ready`]), so that the first room-creation pass does not run before the
/// bots have connected.
#[derive(Clone, Default)]
pub struct RacetimeBots {
    bots: Arc<RwLock<HashMap<String, Arc<dyn RacetimeCategory>>>>,
    expected: Arc<RwLock<HashSet<String>>>,
    inserted: Arc<tokio::sync::Notify>,
}

impl std::fmt::Debug for RacetimeBots {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_set().entries(self.read().keys()).finish()
    }
}

impl RacetimeBots {
    /// No bots.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a category bot, replacing an earlier bot of the same category.
    pub fn insert(&self, bot: Arc<dyn RacetimeCategory>) {
        let category = bot.category().to_owned();
        self.bots
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .insert(category, bot);
        self.inserted.notify_waiters();
    }

    /// Announces that a bot for `category` is being started in this process.
    pub fn expect(&self, category: &str) {
        self.expected
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .insert(category.to_owned());
    }

    /// Waits until every expected category has its bot, for at most `timeout`; whether they
    /// all have. Without expected categories it returns at once.
    pub async fn ready(&self, timeout: Duration) -> bool {
        let all_in = || {
            let bots = self.read();
            self.expected
                .read()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .iter()
                .all(|c| bots.contains_key(c))
        };
        let wait = async {
            loop {
                // Registered before the check, so an insert in between is not missed.
                let inserted = self.inserted.notified();
                if all_in() {
                    return;
                }
                inserted.await;
            }
        };
        tokio::time::timeout(timeout, wait).await.is_ok()
    }

    /// The bot of `category`, or an error naming the missing category (the event cannot
    /// run in this process).
    pub fn get(&self, category: &str) -> Result<Arc<dyn RacetimeCategory>> {
        self.read().get(category).cloned().ok_or_else(|| {
            Error::Config(format!(
                "no racetime.gg bot runs for the category {category}"
            ))
        })
    }

    // A poisoned lock only means a writer panicked mid-insert of one map entry; the map
    // itself is still consistent, so it is used as is.
    fn read(&self) -> std::sync::RwLockReadGuard<'_, HashMap<String, Arc<dyn RacetimeCategory>>> {
        self.bots
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// A Discord guild member, as the engine needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    /// The user id.
    pub id: u64,
    /// The username (`member.name`, not the display name).
    pub name: String,
    /// The member's role ids.
    pub roles: Vec<u64>,
}

/// The failure of a [`GuildDirectory`] lookup.
#[derive(Debug, thiserror::Error)]
#[error("Discord lookup failed: {0}")]
pub struct DirectoryError(pub String);

/// Discord guild members.
#[async_trait]
pub trait GuildDirectory: Send + Sync {
    /// The member with this user id, `None` when the user is not in the guild.
    async fn member(&self, guild: u64, user: u64) -> Result<Option<Member>, DirectoryError>;
    /// The member with this username, `None` when nobody in the guild has it.
    async fn member_by_name(
        &self,
        guild: u64,
        name: &str,
    ) -> Result<Option<Member>, DirectoryError>;

    /// The mention (`<:name:id>`) of the bot's custom emoji called `name`, for the
    /// file-select code of seed embeds; `None` (the default) shows item names instead.
    fn emoji(&self, _name: &str) -> Option<String> {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn ready_waits_only_for_expected_categories() {
        let bots = RacetimeBots::new();
        assert!(
            bots.ready(Duration::from_secs(60)).await,
            "nothing expected"
        );
        bots.expect("alttpr");
        let started = tokio::time::Instant::now();
        assert!(
            !bots.ready(Duration::from_secs(60)).await,
            "alttpr never came"
        );
        assert_eq!(started.elapsed(), Duration::from_secs(60));
        assert!(
            bots.get("alttpr").is_err(),
            "a missing bot is still an error"
        );
    }
}
