//! The `audit_messages` table: inserts, versions of a message, the deleted flag, history
//! exports and the retention prune.

use chrono::NaiveDateTime;
use sahasrahbot_core::db::entities::audit_messages::{self, Column, Entity};
use sea_orm::{
    ActiveValue::{NotSet, Set},
    ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
    sea_query::Expr,
};

use crate::Result;

/// The longest `content` the column holds (`varchar(4000)`), in characters.
pub const MAX_CONTENT: usize = 4000;
/// The longest `attachment` URL the column holds (`varchar(1000)`), in characters.
pub const MAX_ATTACHMENT: usize = 1000;

/// One version of a message, as it is recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewRow {
    /// The guild; 0 for a direct message.
    pub guild_id: u64,
    /// The message.
    pub message_id: u64,
    /// The author.
    pub user_id: u64,
    /// The channel.
    pub channel_id: u64,
    /// When the message was created (UTC).
    pub message_date: NaiveDateTime,
    /// The text (cut to [`MAX_CONTENT`] characters when stored).
    pub content: String,
    /// The URL of the first attachment, when any.
    pub attachment: Option<String>,
}

fn cut(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((at, _)) => text[..at].to_owned(),
        None => text.to_owned(),
    }
}

/// Snowflakes are below 2^63, so the `bigint` columns hold them as they are.
fn signed(id: u64) -> i64 {
    i64::try_from(id).unwrap_or(i64::MAX)
}

impl NewRow {
    fn active(self) -> audit_messages::ActiveModel {
        audit_messages::ActiveModel {
            id: NotSet,
            guild_id: Set(Some(signed(self.guild_id))),
            message_id: Set(Some(signed(self.message_id))),
            user_id: Set(Some(signed(self.user_id))),
            channel_id: Set(Some(signed(self.channel_id))),
            message_date: Set(Some(self.message_date)),
            content: Set(Some(cut(&self.content, MAX_CONTENT))),
            attachment: Set(self.attachment.map(|a| cut(&a, MAX_ATTACHMENT))),
            deleted: Set(0),
        }
    }
}

/// Queries over `audit_messages`.
#[derive(Debug, Clone)]
pub struct Store {
    db: DatabaseConnection,
}

impl Store {
    /// The table in `db`.
    pub fn new(db: DatabaseConnection) -> Self {
        Self { db }
    }

    /// Inserts `rows` in one statement.
    ///
    /// # Errors
    /// A database error (nothing of the batch is written on most backends).
    pub async fn insert(&self, rows: Vec<NewRow>) -> Result<()> {
        if rows.is_empty() {
            return Ok(());
        }
        Entity::insert_many(rows.into_iter().map(NewRow::active))
            .exec_without_returning(&self.db)
            .await?;
        Ok(())
    }

    /// Every stored version of `message_id`, oldest first.
    ///
    /// # Errors
    /// A database error.
    pub async fn versions(&self, message_id: u64) -> Result<Vec<audit_messages::Model>> {
        Ok(Entity::find()
            .filter(Column::MessageId.eq(signed(message_id)))
            .order_by_asc(Column::Id)
            .all(&self.db)
            .await?)
    }

    /// Flags every version of `message_id` deleted; returns how many rows changed.
    ///
    /// # Errors
    /// A database error.
    pub async fn mark_deleted(&self, message_id: u64) -> Result<u64> {
        let done = Entity::update_many()
            .col_expr(Column::Deleted, Expr::value(1))
            .filter(Column::MessageId.eq(signed(message_id)))
            .exec(&self.db)
            .await?;
        Ok(done.rows_affected)
    }

    /// A member's rows in a guild in table order, at most `limit`; only the deleted ones
    /// when `deleted_only`.
    ///
    /// # Errors
    /// A database error.
    pub async fn history(
        &self,
        guild_id: u64,
        user_id: u64,
        deleted_only: bool,
        limit: u64,
    ) -> Result<Vec<audit_messages::Model>> {
        let mut query = Entity::find()
            .filter(Column::GuildId.eq(signed(guild_id)))
            .filter(Column::UserId.eq(signed(user_id)));
        if deleted_only {
            query = query.filter(Column::Deleted.eq(1));
        }
        Ok(query
            .order_by_asc(Column::Id)
            .limit(limit)
            .all(&self.db)
            .await?)
    }

    /// Deletes the rows whose `message_date` is `cutoff` or earlier; returns how many.
    ///
    /// # Errors
    /// A database error.
    pub async fn prune(&self, cutoff: NaiveDateTime) -> Result<u64> {
        let done = Entity::delete_many()
            .filter(Column::MessageDate.lte(cutoff))
            .exec(&self.db)
            .await?;
        Ok(done.rows_affected)
    }

    /// How many rows the table holds.
    ///
    /// # Errors
    /// A database error.
    pub async fn count(&self) -> Result<u64> {
        use sea_orm::PaginatorTrait as _;
        Ok(Entity::find().count(&self.db).await?)
    }
}

#[cfg(test)]
mod tests {
    use super::cut;

    #[test]
    fn cut_counts_characters_not_bytes() {
        assert_eq!(cut("héllo", 2), "hé");
        assert_eq!(cut("abc", 5), "abc");
    }
}
