//! [`AppState`]: the handles every route may use.

use std::path::PathBuf;

use sea_orm::DatabaseConnection;

/// Shared state of the HTTP routes.
#[derive(Debug, Clone)]
pub struct AppState {
    /// The database.
    pub db: DatabaseConnection,
    /// The local spoiler log directory served under `/spoilers/`, when spoiler logs are
    /// stored locally rather than in S3.
    pub spoiler_dir: Option<PathBuf>,
}
