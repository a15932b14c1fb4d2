//! Serves the whole app on the address given (default `127.0.0.1:5099`) over a fresh,
//! migrated SQLite database and the shipped presets, with no credentials: a stand-alone
//! target for schema fuzzing and demos. Runs until killed.
//!
//! `cargo run -p sahasrahbot-api --example serve -- 127.0.0.1:5099`

use std::sync::Arc;

use sahasrahbot_api::{AppState, serve};
use sahasrahbot_core::presets::PresetStore;
use tokio_util::sync::CancellationToken;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let listen = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:5099".to_owned());
    let dir = tempfile::tempdir()?;
    let url = format!("sqlite:{}?mode=rwc", dir.path().join("serve.db").display());
    let db = sea_orm::Database::connect(&url).await?;
    sahasrahbot_migrations::migrate(&db).await?;
    let presets = format!("{}/../../presets", env!("CARGO_MANIFEST_DIR"));
    let state = AppState::new(db).with_presets(Arc::new(PresetStore::new(presets)));
    serve(&listen, state, CancellationToken::new()).await?;
    Ok(())
}
