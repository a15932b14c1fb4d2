//! The data side of `/sgdaily` (`tournament.md` §5): the next SpeedGaming ALTTPR daily
//! races as a reply the Discord crate sends.
//!
//! The command reads the `alttprdaily` schedule for the next 192 hours
//! ([`Window::sgdaily`](crate::time::Window::sgdaily)) and shows the first `n` episodes
//! (`n` is `number_of_days`, 1 to 8, but it counts episodes, not days):
//! - no episode → a plain text reply;
//! - `n = 1` → an embed titled with SpeedGaming's event name, the mode, the time (`<t:f>`
//!   and `<t:R>` of `when`) and the broadcast channels;
//! - `n > 1` → an embed with one field per episode.
//!
//! [`SgDailyReply`] serializes to Discord's message JSON (`content` or `embeds`).

use serde::Serialize;

use crate::speedgaming::Episode;
use crate::time::{TimestampStyle, discord_timestamp};

/// The SpeedGaming event the command reads.
pub const SGDAILY_EVENT: &str = "alttprdaily";

/// The reply when nothing is scheduled.
pub const NO_DAILIES: &str =
    "There are no currently SpeedGaming ALTTPR Daily Races scheduled within the next 8 days.";

/// The title of the schedule embed (more than one episode).
pub const SCHEDULE_TITLE: &str = "ALTTP Randomizer SG Daily Schedule";

/// The link to SpeedGaming's schedule page.
pub const FULL_SCHEDULE_LINK: &str = "[Full Schedule](http://speedgaming.org/alttprdaily)";

/// The embed thumbnail (the SpeedGaming logo).
pub const THUMBNAIL_URL: &str =
    "https://pbs.twimg.com/profile_images/1185422684190105600/3jiXIf5Y_400x400.jpg";

/// What `/sgdaily` answers (publicly).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum SgDailyReply {
    /// A plain message.
    Text {
        /// The message text.
        content: String,
    },
    /// One embed.
    Embeds {
        /// Exactly one embed.
        embeds: Vec<Embed>,
    },
}

/// A Discord embed, in the shape of Discord's JSON.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Embed {
    /// The title.
    pub title: String,
    /// The description (markdown).
    pub description: String,
    /// The fields, in order.
    pub fields: Vec<EmbedField>,
    /// The thumbnail.
    pub thumbnail: Thumbnail,
}

/// A field of an [`Embed`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EmbedField {
    /// The field name.
    pub name: String,
    /// The field value (markdown).
    pub value: String,
    /// Whether the field sits beside others.
    pub inline: bool,
}

/// An embed thumbnail.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Thumbnail {
    /// The image URL.
    pub url: String,
}

fn field(name: impl Into<String>, value: impl Into<String>) -> EmbedField {
    EmbedField {
        name: name.into(),
        value: value.into(),
        inline: false,
    }
}

/// The `/sgdaily` reply for the scheduled `episodes` (in SpeedGaming's order) and the
/// requested count `n` (0 is taken as 1).
pub fn sgdaily_reply(episodes: &[Episode], n: usize) -> SgDailyReply {
    let Some(first) = episodes.first() else {
        return SgDailyReply::Text {
            content: NO_DAILIES.to_owned(),
        };
    };
    let n = n.max(1);
    let embed = if n == 1 {
        let title = first.title();
        let mode = if title.is_empty() { "*TBD*" } else { title };
        let time = first.when.map_or_else(
            || "TBD".to_owned(),
            |when| {
                format!(
                    "{} ({})",
                    discord_timestamp(&when, TimestampStyle::ShortDateTime),
                    discord_timestamp(&when, TimestampStyle::Relative)
                )
            },
        );
        let mut fields = vec![field("Time", time)];
        // Channel slugs, for the channels whose name has no space (the others are SG
        // placeholders).
        let links: Vec<String> = first
            .channels
            .iter()
            .filter(|c| !c.name.contains(' '))
            .map(|c| format!("[{0}](https://twitch.tv/{0})", c.slug))
            .collect();
        if !links.is_empty() {
            fields.push(field("Twitch Channels", links.join(", ")));
        }
        Embed {
            title: first.event.name.clone(),
            description: format!("**Mode:** {mode}\n{FULL_SCHEDULE_LINK}"),
            fields,
            thumbnail: thumbnail(),
        }
    } else {
        let fields = episodes
            .iter()
            .take(n)
            .map(|e| {
                let title = e.title();
                let name = if title.is_empty() { "TBD" } else { title };
                let value = e.when.map_or_else(
                    || "TBD".to_owned(),
                    |when| discord_timestamp(&when, TimestampStyle::ShortDateTime),
                );
                field(name, value)
            })
            .collect();
        Embed {
            title: SCHEDULE_TITLE.to_owned(),
            description: FULL_SCHEDULE_LINK.to_owned(),
            fields,
            thumbnail: thumbnail(),
        }
    };
    SgDailyReply::Embeds {
        embeds: vec![embed],
    }
}

fn thumbnail() -> Thumbnail {
    Thumbnail {
        url: THUMBNAIL_URL.to_owned(),
    }
}
