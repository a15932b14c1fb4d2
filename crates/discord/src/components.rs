//! Component (`custom_id`) routing (`discord.md` §1.9).
//!
//! Persistent components use fixed ids registered here, so buttons on old messages keep
//! working after a restart; short-lived components encode their state in the id behind a
//! prefix of their own. An id nobody claims gets an ephemeral "no longer active" reply
//! instead of Discord's "This interaction failed".

use twilight_model::application::interaction::InteractionData;

use crate::Result;
use crate::context::Ctx;

/// What a `custom_id` routes to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    /// No handler claims the id (an expired short-lived component, a retired feature).
    Unknown(String),
}

/// Parses a `custom_id` into its route. The persistent ids of the table in §1.9 get their
/// variants as their command groups are ported.
pub fn parse(custom_id: &str) -> Route {
    Route::Unknown(custom_id.to_owned())
}

/// Handles a component interaction.
pub(crate) async fn route(ctx: &Ctx) -> Result<()> {
    let custom_id = match &ctx.interaction.data {
        Some(InteractionData::MessageComponent(data)) => data.custom_id.clone(),
        _ => String::new(),
    };
    match parse(&custom_id) {
        Route::Unknown(id) => {
            tracing::info!(custom_id = %id, "component with no handler");
            ctx.reply(
                Some("This button is no longer active.".to_owned()),
                Vec::new(),
                true,
            )
            .await
        }
    }
}
