//! Ports: traits through which a lower crate acts through a higher one without naming it.
//!
//! The binary passes implementations in at start-up; tests pass recording fakes.

use async_trait::async_trait;

/// A message for a Discord channel or user: plain text, optionally with one embed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ChatMessage {
    /// The message text (may be empty when an embed is given).
    pub content: String,
    /// An embed, as Discord's JSON embed object.
    pub embed: Option<String>,
    /// Which mentions in `content` may ping.
    pub allowed_mentions: AllowedMentions,
}

/// Which mentions of a [`ChatMessage`] may ping (Discord's `allowed_mentions.parse`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum AllowedMentions {
    /// User mentions only (the default).
    #[default]
    Users,
    /// User and role mentions (announcements that ping a role).
    UsersAndRoles,
    /// User mentions plus `@everyone` / `@here` (audit alerts).
    UsersAndEveryone,
}

impl AllowedMentions {
    /// The `allowed_mentions.parse` list Discord expects.
    pub fn parse(self) -> &'static [&'static str] {
        match self {
            AllowedMentions::Users => &["users"],
            AllowedMentions::UsersAndRoles => &["users", "roles"],
            AllowedMentions::UsersAndEveryone => &["users", "everyone"],
        }
    }
}

/// Where a [`ChatMessage`] goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ChatTarget {
    /// A guild text channel (or thread), by Discord id.
    Channel(u64),
    /// A direct message to a user, by Discord id.
    User(u64),
}

/// The failure of a [`ChatNotifier`] send.
#[derive(Debug, thiserror::Error)]
#[error("could not deliver the message to {target:?}: {reason}")]
pub struct NotifyError {
    /// Where the message was going.
    pub target: ChatTarget,
    /// Why it failed, as the chat service said.
    pub reason: String,
}

/// Sends messages to Discord channels and users.
///
/// Implemented by the Discord crate; the tournament engine and the racetime handlers use it
/// for audit messages and DMs.
#[async_trait]
pub trait ChatNotifier: Send + Sync {
    /// Delivers `message` to `target`.
    async fn notify(&self, target: ChatTarget, message: ChatMessage) -> Result<(), NotifyError>;
}
