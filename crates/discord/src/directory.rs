//! [`DiscordDirectory`]: the tournament engine's
//! [`GuildDirectory`](sahasrahbot_tournament::ports::GuildDirectory) port over twilight-http.
//!
//! Members are read from Discord's REST API on each call (no gateway member cache, so the
//! bot needs no "chunking" before a lookup, unlike the original).

use std::sync::Arc;

use async_trait::async_trait;
use sahasrahbot_tournament::ports::{DirectoryError, GuildDirectory, Member};
use twilight_http::Client;
use twilight_http::api_error::ApiError;
use twilight_http::error::ErrorType;
use twilight_model::id::Id;
use twilight_model::id::marker::GuildMarker;

use crate::{BotSettings, EmojiCache};

/// How many members a name search asks for (Discord's maximum). The search matches the
/// start of usernames and nicknames, so an exact username is among the first results; the
/// maximum keeps it there even when many names share the prefix.
const SEARCH_LIMIT: u16 = 1000;

/// Discord's error code for an unknown guild.
const UNKNOWN_GUILD: u64 = 10004;

/// Guild members read through Discord's REST API.
#[derive(Debug, Clone)]
pub struct DiscordDirectory {
    http: Arc<Client>,
    emojis: EmojiCache,
}

impl DiscordDirectory {
    /// A directory over an existing client (share the bot's).
    pub fn new(http: Arc<Client>) -> Self {
        Self {
            http,
            emojis: EmojiCache::default(),
        }
    }

    /// Custom emojis come from `emojis` (the running bot's [`Deps::emojis`](crate::Deps));
    /// without it the tournament embeds show item names.
    #[must_use]
    pub fn with_emojis(mut self, emojis: EmojiCache) -> Self {
        self.emojis = emojis;
        self
    }

    /// A directory with its own client for `settings`.
    pub fn from_settings(settings: &BotSettings) -> Self {
        Self::new(Arc::new(settings.http_client()))
    }
}

fn guild_id(guild: u64) -> Result<Id<GuildMarker>, DirectoryError> {
    Id::new_checked(guild).ok_or_else(|| DirectoryError("guild id 0".to_owned()))
}

fn member_of(member: twilight_model::guild::Member) -> Member {
    Member {
        id: member.user.id.get(),
        name: member.user.name,
        roles: member.roles.iter().map(|r| r.get()).collect(),
    }
}

/// Whether `error` is Discord's 404 for a member or user that does not exist (as opposed
/// to an unknown guild, which is a configuration problem and stays an error).
fn is_missing_member(error: &twilight_http::Error) -> bool {
    match error.kind() {
        ErrorType::Response { status, error, .. } => {
            status.get() == 404 && !matches!(error, ApiError::General(e) if e.code == UNKNOWN_GUILD)
        }
        _ => false,
    }
}

fn failed(guild: u64, what: &str, error: impl std::fmt::Display) -> DirectoryError {
    DirectoryError(format!("{what} in guild {guild}: {error}"))
}

#[async_trait]
impl GuildDirectory for DiscordDirectory {
    /// `GET /guilds/{guild}/members/{user}`; Discord's 404 for an unknown member or user is
    /// `None`.
    async fn member(&self, guild: u64, user: u64) -> Result<Option<Member>, DirectoryError> {
        let Some(user_id) = Id::new_checked(user) else {
            return Ok(None);
        };
        match self.http.guild_member(guild_id(guild)?, user_id).await {
            Ok(response) => {
                let member = response
                    .model()
                    .await
                    .map_err(|e| failed(guild, "reading member", e))?;
                Ok(Some(member_of(member)))
            }
            Err(e) if is_missing_member(&e) => Ok(None),
            Err(e) => Err(failed(guild, "member lookup", e)),
        }
    }

    /// The member whose **username** (`user.name`, the unique lowercase Discord handle —
    /// not the global display name and not the guild nickname) is `name`, compared without
    /// regard to case: `GET /guilds/{guild}/members/search?query={name}` (a prefix search
    /// over usernames and nicknames), then the exact username among the results. A legacy
    /// `#0` discriminator must be stripped by the caller.
    async fn member_by_name(
        &self,
        guild: u64,
        name: &str,
    ) -> Result<Option<Member>, DirectoryError> {
        let name = name.trim();
        if name.is_empty() {
            return Ok(None);
        }
        let members = self
            .http
            .search_guild_members(guild_id(guild)?, name)
            .limit(SEARCH_LIMIT)
            .await
            .map_err(|e| failed(guild, "member search", e))?
            .models()
            .await
            .map_err(|e| failed(guild, "reading the member search", e))?;
        Ok(members
            .into_iter()
            .find(|m| m.user.name.eq_ignore_ascii_case(name))
            .map(member_of))
    }

    fn emoji(&self, name: &str) -> Option<String> {
        self.emojis.mention(name)
    }
}
