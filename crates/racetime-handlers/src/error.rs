//! The crate's error type.

/// Everything that can fail in the room handlers.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A database query failed.
    #[error("database error: {0}")]
    Database(#[from] sea_orm::DbErr),
    /// The racetime.gg client failed.
    #[error(transparent)]
    Racetime(#[from] sahasrahbot_racetime::Error),
    /// A seed provider failed.
    #[error(transparent)]
    Seedgen(#[from] sahasrahbot_seedgen::Error),
    /// A preset could not be loaded or built.
    #[error(transparent)]
    Preset(#[from] sahasrahbot_core::presets::PresetError),
    /// A core service failed.
    #[error(transparent)]
    Core(#[from] sahasrahbot_core::Error),
    /// The tournament engine failed.
    #[error(transparent)]
    Tournament(#[from] sahasrahbot_tournament::Error),
    /// A port (tournament, spoiler logs) failed.
    #[error("{0}")]
    Port(String),
    /// Anything else, with the text users see.
    #[error("{0}")]
    Other(String),
}

/// The crate's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
