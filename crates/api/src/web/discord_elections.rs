//! [`DiscordElections`]: [`ElectionDiscord`] over Discord's REST API (twilight), with the
//! election embed of the `discord` crate's `/rankedchoice` command.

use std::sync::Arc;

use async_trait::async_trait;
use sahasrahbot_core::db::entities::{
    ranked_choice_candidate as candidates, ranked_choice_election as elections,
};
use sahasrahbot_discord::commands::rankedchoice::election_embed;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};
use twilight_http::error::ErrorType;
use twilight_model::id::Id;

use super::ranked::ElectionDiscord;

/// Ranked-choice voting's Discord side through the bot's REST client.
#[derive(Debug, Clone)]
pub struct DiscordElections {
    http: Arc<twilight_http::Client>,
    db: DatabaseConnection,
    app_url: String,
}

impl DiscordElections {
    /// Over the bot's REST client, the database and the public base URL (`api.app_url`,
    /// for the embed's vote link).
    pub fn new(http: Arc<twilight_http::Client>, db: DatabaseConnection, app_url: &str) -> Self {
        Self {
            http,
            db,
            app_url: app_url.trim_end_matches('/').to_owned(),
        }
    }
}

/// A non-zero id, or an error naming `what`.
fn id<T>(value: i64, what: &str) -> Result<Id<T>, String> {
    u64::try_from(value)
        .ok()
        .and_then(Id::new_checked)
        .ok_or_else(|| format!("bad {what} id {value}"))
}

#[async_trait]
impl ElectionDiscord for DiscordElections {
    async fn member_roles(&self, guild: i64, user: i64) -> Result<Option<Vec<i64>>, String> {
        match self
            .http
            .guild_member(id(guild, "guild")?, id(user, "user")?)
            .await
        {
            Ok(resp) => {
                let member = resp.model().await.map_err(|e| e.to_string())?;
                Ok(Some(
                    member
                        .roles
                        .iter()
                        .filter_map(|r| i64::try_from(r.get()).ok())
                        .collect(),
                ))
            }
            Err(e) => match e.kind() {
                ErrorType::Response { status, .. } if status.get() == 404 => Ok(None),
                _ => Err(e.to_string()),
            },
        }
    }

    async fn refresh_election(&self, election_id: i32) -> Result<(), String> {
        let election = elections::Entity::find_by_id(election_id)
            .one(&self.db)
            .await
            .map_err(|e| e.to_string())?
            .ok_or_else(|| format!("election {election_id} is gone"))?;
        let (Some(channel), Some(message)) = (election.channel_id, election.message_id) else {
            return Err(format!("election {election_id} has no Discord message"));
        };
        let list = candidates::Entity::find()
            .filter(candidates::Column::ElectionId.eq(election_id))
            .order_by_asc(candidates::Column::Id)
            .all(&self.db)
            .await
            .map_err(|e| e.to_string())?;
        let embed = election_embed(&election, &list, &self.app_url);
        self.http
            .update_message(id(channel, "channel")?, id(message, "message")?)
            .embeds(Some(&[embed]))
            .await
            .map_err(|e| e.to_string())?;
        Ok(())
    }
}
