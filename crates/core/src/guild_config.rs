//! Per-guild settings (`config` table, core.md §6.3): one cached service for every reader
//! and writer, so a `set` is seen by the next `get` everywhere in the process.
//!
//! Differences from the Python bot, which had two caches that never invalidated each
//! other and cached a caller's default as if it were stored: here a miss is cached as "not
//! set" and each caller supplies its own default; a value longer than the column (45
//! characters) is refused before anything is written; duplicate rows for one parameter
//! (the table has no unique key) are read as the oldest row and collapsed by `set`.

use std::collections::HashMap;

use sea_orm::{
    ActiveValue, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder,
    TransactionTrait,
};
use tokio::sync::RwLock;

use crate::db::entities::config;
use crate::{Error, Result};

/// The largest value the `config.value` column holds.
pub const MAX_VALUE_LEN: usize = 45;

/// The guild id under which global (not per-guild) settings are stored.
pub const GLOBAL: i64 = 0;

/// A channel named in a setting: by id, or by name to be resolved in the guild.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChannelRef {
    /// A channel id.
    Id(u64),
    /// A text channel name.
    Name(String),
}

/// Splits a comma-separated channel setting (`"123, announcements"`): digits are ids,
/// anything else a channel name; blank entries are dropped.
pub fn channel_refs(value: &str) -> Vec<ChannelRef> {
    value
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| match s.parse::<u64>() {
            Ok(id) if s.chars().all(|c| c.is_ascii_digit()) => ChannelRef::Id(id),
            _ => ChannelRef::Name(s.to_owned()),
        })
        .collect()
}

/// The guild settings service; share one per process (behind an `Arc`) so that every
/// reader sees every write.
#[derive(Debug)]
pub struct GuildConfig {
    db: DatabaseConnection,
    cache: RwLock<HashMap<(i64, String), Option<String>>>,
}

impl GuildConfig {
    /// A service over `db` with an empty cache.
    pub fn new(db: DatabaseConnection) -> Self {
        Self {
            db,
            cache: RwLock::new(HashMap::new()),
        }
    }

    /// The value of `parameter` in `guild`, `None` when unset. Cached, misses included.
    pub async fn get(&self, guild: i64, parameter: &str) -> Result<Option<String>> {
        let key = (guild, parameter.to_owned());
        if let Some(hit) = self.cache.read().await.get(&key) {
            return Ok(hit.clone());
        }
        let value = config::Entity::find()
            .filter(config::Column::GuildId.eq(guild))
            .filter(config::Column::Parameter.eq(parameter))
            .order_by_asc(config::Column::Id)
            .one(&self.db)
            .await?
            .and_then(|row| row.value);
        self.cache.write().await.insert(key, value.clone());
        Ok(value)
    }

    /// The value of `parameter`, or `default` when unset (the default is not cached).
    pub async fn get_or(&self, guild: i64, parameter: &str, default: &str) -> Result<String> {
        Ok(self
            .get(guild, parameter)
            .await?
            .unwrap_or_else(|| default.to_owned()))
    }

    /// Whether `parameter` is set to `true` (the Python bot's flag convention).
    pub async fn is_true(&self, guild: i64, parameter: &str) -> Result<bool> {
        Ok(self
            .get(guild, parameter)
            .await?
            .is_some_and(|v| v == "true"))
    }

    /// Stores `value`, replacing every existing row of (`guild`, `parameter`) in one
    /// transaction.
    ///
    /// # Errors
    /// [`Error::GuildConfigValueTooLong`] when `value` exceeds [`MAX_VALUE_LEN`]
    /// characters (nothing is written), or a database error.
    pub async fn set(&self, guild: i64, parameter: &str, value: &str) -> Result<()> {
        let len = value.chars().count();
        if len > MAX_VALUE_LEN || parameter.chars().count() > MAX_VALUE_LEN {
            return Err(Error::GuildConfigValueTooLong {
                parameter: parameter.to_owned(),
                len,
            });
        }
        let txn = self.db.begin().await?;
        config::Entity::delete_many()
            .filter(config::Column::GuildId.eq(guild))
            .filter(config::Column::Parameter.eq(parameter))
            .exec(&txn)
            .await?;
        config::Entity::insert(config::ActiveModel {
            id: ActiveValue::NotSet,
            guild_id: ActiveValue::Set(guild),
            parameter: ActiveValue::Set(parameter.to_owned()),
            value: ActiveValue::Set(Some(value.to_owned())),
        })
        .exec(&txn)
        .await?;
        txn.commit().await?;
        self.cache
            .write()
            .await
            .insert((guild, parameter.to_owned()), Some(value.to_owned()));
        Ok(())
    }

    /// Removes `parameter` from `guild`; returns how many rows were deleted.
    pub async fn delete(&self, guild: i64, parameter: &str) -> Result<u64> {
        let res = config::Entity::delete_many()
            .filter(config::Column::GuildId.eq(guild))
            .filter(config::Column::Parameter.eq(parameter))
            .exec(&self.db)
            .await?;
        self.cache
            .write()
            .await
            .insert((guild, parameter.to_owned()), None);
        Ok(res.rows_affected)
    }

    /// Every (parameter, value) of `guild`, oldest first (uncached).
    pub async fn list(&self, guild: i64) -> Result<Vec<(String, Option<String>)>> {
        let rows = config::Entity::find()
            .filter(config::Column::GuildId.eq(guild))
            .order_by_asc(config::Column::Id)
            .all(&self.db)
            .await?;
        Ok(rows.into_iter().map(|r| (r.parameter, r.value)).collect())
    }

    /// Every (guild, value) that has `parameter` set (uncached).
    pub async fn guilds_with(&self, parameter: &str) -> Result<Vec<(i64, Option<String>)>> {
        let rows = config::Entity::find()
            .filter(config::Column::Parameter.eq(parameter))
            .order_by_asc(config::Column::Id)
            .all(&self.db)
            .await?;
        Ok(rows.into_iter().map(|r| (r.guild_id, r.value)).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn channel_settings_split_into_ids_and_names() {
        assert_eq!(
            channel_refs(" 123456789012345678, announcements ,, 42 "),
            vec![
                ChannelRef::Id(123_456_789_012_345_678),
                ChannelRef::Name("announcements".into()),
                ChannelRef::Id(42),
            ]
        );
        assert_eq!(channel_refs(""), vec![]);
        assert_eq!(channel_refs("+5"), vec![ChannelRef::Name("+5".into())]);
    }
}
