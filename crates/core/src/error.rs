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
    /// A preset could not be loaded, built or rolled.
    #[error(transparent)]
    Preset(#[from] crate::presets::PresetError),
}

/// Result with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
