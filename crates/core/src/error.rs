//! The error type of this crate.

/// Everything that can go wrong in the core crate.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The configuration could not be read or holds invalid values.
    #[error(transparent)]
    Config(#[from] crate::config::ConfigError),
    /// A database operation failed.
    #[error("database error: {0}")]
    Database(#[from] sea_orm::DbErr),
    /// The database URL is malformed or names an unsupported backend (password masked).
    #[error("invalid database URL {url}: {reason}")]
    DatabaseUrl {
        /// The URL, password masked.
        url: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The database could not be opened or reached (URL with its password masked).
    #[error("cannot connect to the database at {url}: {source}")]
    DatabaseConnect {
        /// The URL, password masked.
        url: String,
        /// The driver's error.
        source: sea_orm::DbErr,
    },
    /// A preset could not be loaded, built or rolled.
    #[error(transparent)]
    Preset(#[from] crate::presets::PresetError),
    /// A guild setting is longer than its column holds.
    #[error(
        "the value for {parameter} is {len} characters long; a guild setting holds at most {max}",
        max = crate::guild_config::MAX_VALUE_LEN
    )]
    GuildConfigValueTooLong {
        /// The parameter being set.
        parameter: String,
        /// The value's length in characters.
        len: usize,
    },
    /// A Discord gateway shard stopped for good (see [`crate::gateway`]).
    #[error("Discord gateway: {0}")]
    Gateway(String),
}

/// Result with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
