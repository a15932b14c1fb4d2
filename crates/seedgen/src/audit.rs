//! The `audit_generated_games` row written after a successful generation (core.md §3.4).
//! Values longer than their columns are cut so that the insert cannot fail a generation
//! that already succeeded (reference bug B19).

use sahasrahbot_core::db::entities::audit_generated_games;
use sahasrahbot_core::presets::GenerationAudit;
use sea_orm::{ActiveModelTrait, ConnectionTrait, DbErr, Set};
use serde_json::Value as Json;

/// The fields of one audit row.
#[derive(Debug, Clone, PartialEq)]
pub struct AuditEntry {
    /// The preset-side fields (randomizer, gentype, genoption, customizer, doors,
    /// avianart), from the core request builders.
    pub audit: GenerationAudit,
    /// The provider's id for the game (`None` where the original stored none: CTJets).
    pub hash_id: Option<String>,
    /// The permalink.
    pub permalink: Option<String>,
    /// The settings that were sent.
    pub settings: Json,
}

/// The first `max` characters of `s`.
fn cut(s: &str, max: usize) -> String {
    s.chars().take(max).collect()
}

/// Inserts the row; returns its id.
///
/// # Errors
/// The database error.
pub async fn write_audit<C: ConnectionTrait>(conn: &C, entry: &AuditEntry) -> Result<i32, DbErr> {
    let a = &entry.audit;
    let row = audit_generated_games::ActiveModel {
        randomizer: Set(Some(cut(&a.randomizer, 45))),
        hash_id: Set(entry.hash_id.as_deref().map(|h| cut(h, 50))),
        permalink: Set(entry.permalink.as_deref().map(|p| cut(p, 2000))),
        settings: Set(Some(entry.settings.clone())),
        gentype: Set(Some(cut(&a.gentype, 45))),
        genoption: Set(a.genoption.as_deref().map(|g| cut(g, 45))),
        timestamp: Set(Some(chrono::Utc::now().naive_utc())),
        customizer: Set(Some(i32::from(a.customizer))),
        doors: Set(a.doors.unwrap_or(false)),
        avianart: Set(a.avianart.unwrap_or(false)),
        ..Default::default()
    }
    .insert(conn)
    .await?;
    Ok(row.id)
}
