//! The binary's error type and exit codes.

use sahasrahbot_core::config::ConfigError;

/// Why the binary stopped with a failure.
#[derive(Debug, thiserror::Error)]
pub(crate) enum AppError {
    /// The configuration is unreadable or invalid (exit code 2).
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// Logging could not start (exit code 2).
    #[error(transparent)]
    Logging(#[from] crate::logging::LoggingError),
    /// The async runtime could not start.
    #[error("cannot start the async runtime: {0}")]
    Runtime(#[source] std::io::Error),
    /// The database could not be reached or opened.
    #[error(transparent)]
    Database(#[from] sahasrahbot_core::Error),
    /// The database schema could not be brought up to date.
    #[error("database migration failed: {0}")]
    Migrate(#[from] sahasrahbot_migrations::MigrateError),
    /// `presets check` was given something that is not a directory (exit code 2).
    #[error("{} is not a preset directory", .0.display())]
    PresetDir(std::path::PathBuf),
    /// `presets check` found bad files (listed on standard output).
    #[error("{0} preset file(s) are invalid")]
    BadPresets(usize),
    /// The seed providers or the spoiler log store could not be set up.
    #[error("seed providers: {0}")]
    Seedgen(#[source] sahasrahbot_seedgen::Error),
    /// A Discord request failed (or no token is configured).
    #[error("discord: {0}")]
    Discord(#[from] sahasrahbot_discord::Error),
    /// The audit bot failed (or no token is configured).
    #[error("audit: {0}")]
    Audit(#[from] sahasrahbot_audit::Error),
    /// The shutdown signal handler could not be installed.
    #[error("cannot listen for shutdown signals: {0}")]
    Signal(#[source] std::io::Error),
}

impl AppError {
    /// The process exit code: 2 for configuration problems, 1 otherwise.
    pub(crate) fn exit_code(&self) -> u8 {
        match self {
            Self::Config(_) | Self::Logging(_) | Self::PresetDir(_) => 2,
            _ => 1,
        }
    }
}
