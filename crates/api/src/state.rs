//! [`AppState`]: the handles every route may use.

use sea_orm::DatabaseConnection;

/// Shared state of the HTTP routes.
#[derive(Debug, Clone)]
pub struct AppState {
    /// The database.
    pub db: DatabaseConnection,
}
