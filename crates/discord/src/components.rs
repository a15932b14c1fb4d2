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
    /// 📬 "Open New Inquiry" on an inquiry message (`/inquiry`).
    OpenInquiry,
    /// "End Election" on a ranked-choice election message.
    EndElection,
    /// "Yes!" on an inquiry confirmation: the inquiry message and the button's expiry
    /// (unix seconds).
    ConfirmInquiry {
        /// The inquiry message.
        message_id: u64,
        /// When the button stops working.
        expires: i64,
    },
    /// "Verify your status" on a racer verification message (`/racerverification`).
    RacerVerifyStatus,
    /// An async tournament button or select (`/async`).
    Async(crate::commands::asynctournament::views::Action),
    /// No handler claims the id (an expired short-lived component, a retired feature).
    Unknown(String),
}

/// Parses a `custom_id` into its route. The persistent ids of the table in §1.9 get their
/// variants as their command groups are ported.
pub fn parse(custom_id: &str) -> Route {
    use crate::commands::inquiry;
    if custom_id == inquiry::OPEN_INQUIRY_ID {
        return Route::OpenInquiry;
    }
    if custom_id == crate::commands::racer_verification::VERIFY_STATUS_ID {
        return Route::RacerVerifyStatus;
    }
    if custom_id == crate::commands::rankedchoice::END_ELECTION_ID {
        return Route::EndElection;
    }
    if let Some(action) = crate::commands::asynctournament::views::parse(custom_id) {
        return Route::Async(action);
    }
    if let Some((message, expires)) = custom_id
        .strip_prefix(inquiry::CONFIRM_PREFIX)
        .and_then(|rest| rest.split_once(':'))
        && let (Ok(message_id), Ok(expires)) = (message.parse(), expires.parse())
    {
        return Route::ConfirmInquiry {
            message_id,
            expires,
        };
    }
    Route::Unknown(custom_id.to_owned())
}

/// Handles a component interaction.
pub(crate) async fn route(ctx: &Ctx) -> Result<()> {
    let custom_id = match &ctx.interaction.data {
        Some(InteractionData::MessageComponent(data)) => data.custom_id.clone(),
        _ => String::new(),
    };
    match parse(&custom_id) {
        Route::OpenInquiry => crate::commands::inquiry::open_inquiry(ctx).await,
        Route::EndElection => crate::commands::rankedchoice::end_election(ctx).await,
        Route::ConfirmInquiry {
            message_id,
            expires,
        } => crate::commands::inquiry::confirm(ctx, message_id, expires).await,
        Route::RacerVerifyStatus => crate::commands::racer_verification::verify_status(ctx).await,
        Route::Async(action) => crate::commands::asynctournament::component(ctx, action).await,
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

/// Handles a modal submit (`custom_id` of the modal).
pub(crate) async fn route_modal(ctx: &Ctx) -> Result<()> {
    let custom_id = match &ctx.interaction.data {
        Some(InteractionData::ModalSubmit(data)) => data.custom_id.clone(),
        _ => String::new(),
    };
    if let Some(message_id) = custom_id
        .strip_prefix(crate::commands::inquiry::MODAL_PREFIX)
        .and_then(|id| id.parse().ok())
    {
        return crate::commands::inquiry::submit(ctx, message_id).await;
    }
    if let Some(result) = crate::commands::asynctournament::modal(ctx, &custom_id).await {
        return result;
    }
    tracing::info!(custom_id = %custom_id, "modal with no handler");
    ctx.reply(
        Some("This form is no longer active.".to_owned()),
        Vec::new(),
        true,
    )
    .await
}
