//! The `sgdailies` group (`discord.md` §2.9, `tournament.md` §5): `/sgdaily`, the next
//! SpeedGaming ALTTPR daily races, registered in the ALTTP Randomizer guilds only.
//!
//! The reply itself (texts, embed layout) is built by
//! [`sahasrahbot_tournament::dailies::sgdaily_reply`]; this module reads the schedule and
//! sends it.

use chrono::Utc;
use sahasrahbot_tournament::dailies::{self, SgDailyReply};
use sahasrahbot_tournament::time::Window;
use twilight_model::application::command::{Command, CommandType};
use twilight_model::application::interaction::InteractionContextType;
use twilight_model::channel::message::Embed;
use twilight_model::channel::message::embed::{EmbedField, EmbedThumbnail};
use twilight_util::builder::command::{CommandBuilder, IntegerBuilder};

use crate::context::{Ctx, Options};
use crate::{Error, Result};

/// The smallest and largest `number_of_days`.
pub const DAYS_RANGE: (i64, i64) = (1, 8);

/// What the user sees when SpeedGaming cannot be read (after the error class).
pub const SG_UNAVAILABLE: &str =
    "the daily race schedule could not be read, please try again later";

/// `/sgdaily [number_of_days]`.
pub fn sgdaily_command() -> Command {
    CommandBuilder::new(
        "sgdaily",
        "Retrieves the next SpeedGaming ALTTPR daily races.",
        CommandType::ChatInput,
    )
    .contexts([InteractionContextType::Guild])
    .option(
        IntegerBuilder::new(
            "number_of_days",
            "How many upcoming daily races to show (1 to 8, default 1).",
        )
        .min_value(DAYS_RANGE.0)
        .max_value(DAYS_RANGE.1),
    )
    .build()
}

/// `/sgdaily`: a public defer, the `alttprdaily` schedule of the next 192 hours, then the
/// reply as the follow-up. The count is kept within 1..=8 (Discord enforces the same bounds).
pub(crate) async fn sgdaily(ctx: &Ctx, options: &Options) -> Result<()> {
    let n = options
        .integer("number_of_days")
        .unwrap_or(DAYS_RANGE.0)
        .clamp(DAYS_RANGE.0, DAYS_RANGE.1);
    ctx.defer(false).await?;
    let window = Window::sgdaily(Utc::now());
    let episodes = ctx
        .bot
        .speedgaming
        .schedule(dailies::SGDAILY_EVENT, window.from, window.to)
        .await
        .map_err(|e| {
            tracing::warn!(error = %e, event = dailies::SGDAILY_EVENT, "SpeedGaming schedule failed");
            Error::External {
                service: "SpeedGaming",
                reason: SG_UNAVAILABLE.to_owned(),
            }
        })?;
    // `n` is within 1..=8 here.
    let count = usize::try_from(n).unwrap_or(1);
    match dailies::sgdaily_reply(&episodes, count) {
        SgDailyReply::Text { content } => ctx.followup(Some(&content), &[]).await,
        SgDailyReply::Embeds { embeds } => {
            let embeds: Vec<Embed> = embeds.into_iter().map(to_discord).collect();
            ctx.followup(None, &embeds).await
        }
    }
}

/// The tournament crate's embed as twilight's.
fn to_discord(embed: dailies::Embed) -> Embed {
    Embed {
        author: None,
        color: None,
        description: Some(embed.description),
        fields: embed
            .fields
            .into_iter()
            .map(|f| EmbedField {
                inline: f.inline,
                name: f.name,
                value: f.value,
            })
            .collect(),
        flags: None,
        footer: None,
        image: None,
        kind: "rich".to_owned(),
        provider: None,
        thumbnail: Some(EmbedThumbnail {
            height: None,
            proxy_url: None,
            url: embed.thumbnail.url,
            width: None,
        }),
        timestamp: None,
        title: Some(embed.title),
        url: None,
        video: None,
    }
}
