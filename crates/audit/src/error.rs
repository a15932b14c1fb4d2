//! The crate's error type.

/// Everything that can go wrong in the audit bot.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The audit bot has no token configured.
    #[error("the audit bot has no token (AUDIT_DISCORD_TOKEN)")]
    NoToken,
    /// A Discord REST request failed.
    #[error("Discord request failed: {0}")]
    Http(#[from] twilight_http::Error),
    /// A Discord REST answer could not be read.
    #[error("Discord answered something unexpected: {0}")]
    Body(#[from] twilight_http::response::DeserializeBodyError),
    /// The gateway stream ended without being asked to, or refused the bot.
    #[error("the Discord gateway closed: {0}")]
    Gateway(String),
    /// A database call failed.
    #[error("database error: {0}")]
    Database(#[from] sea_orm::DbErr),
    /// A guild setting could not be read.
    #[error("guild setting: {0}")]
    GuildConfig(#[from] sahasrahbot_core::Error),
    /// An outside download (the bad-domain list, an attachment) failed.
    #[error("{what} could not be downloaded: {reason}")]
    Download {
        /// What was downloaded.
        what: &'static str,
        /// Why it failed.
        reason: String,
    },
    /// A zip archive could not be read.
    #[error("not a readable zip archive: {0}")]
    Zip(String),
    /// A prefix command's argument is missing or invalid (shown to the user).
    #[error("{0}")]
    BadArgument(String),
    /// The recorder stopped before a row could be queued.
    #[error("the message recorder has stopped")]
    RecorderStopped,
}

/// The crate's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
