//! Player resolution for `week_races` (§2.3): the engine's [`resolve_players`], except
//! that the open races (dailies and the qualifier) resolve no players, as in the original's
//! handler construction.

use sea_orm::DatabaseConnection;

use crate::engine::{ResolvedPlayer, resolve_players};
use crate::ports::GuildDirectory;
use crate::speedgaming::versus;
use crate::{Episode, EventDefinition, HandlerKind, Result};

/// The resolved runners of `episode` (none for the open races).
pub(crate) async fn resolve(
    db: &DatabaseConnection,
    guilds: &dyn GuildDirectory,
    event: &EventDefinition,
    episode: &Episode,
) -> Result<Vec<ResolvedPlayer>> {
    if event.handler.is_daily() || event.handler == HandlerKind::AlttprQualifier {
        return Ok(Vec::new());
    }
    resolve_players(db, guilds, event, episode).await
}

/// `versus` of resolved players.
pub(crate) fn versus_of(players: &[ResolvedPlayer]) -> String {
    let names: Vec<&str> = players.iter().map(|p| p.name.as_str()).collect();
    versus(&names)
}
