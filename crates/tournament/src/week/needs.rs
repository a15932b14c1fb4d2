//! The scheduling-needs board (§2.18.2, P40): one embed listing the week's missing
//! commentators, trackers and broadcasters, kept in the event's channel by editing the
//! bot's first message among the last 50 (or sending one).

use chrono::{DateTime, Utc};
use serde_json::{Value, json};
use tracing::info;

use super::WeekServices;
use super::ports::DiscordPortError;
use crate::speedgaming::Crew;
use crate::time::{TimestampStyle, discord_timestamp};
use crate::{Episode, Error, EventDefinition, Result};

/// SpeedGaming channel ids that never count as a broadcast (no restream, placeholders).
const IGNORED_CHANNEL_IDS: [i64; 7] = [0, 31, 36, 62, 63, 64, 65];
/// Channel slugs whose episodes also need a broadcaster.
const BROADCASTER_SLUGS: [&str; 6] = [
    "ALTTPRandomizer",
    "ALTTPRandomizer2",
    "ALTTPRandomizer3",
    "ALTTPRandomizer4",
    "ALTTPRandomizer5",
    "ALTTPRandomizer6",
];
/// The embed title.
pub const TITLE: &str = "Scheduling Needs";
/// The embed description. It says 48 hours although the window is 168 hours, as the
/// original's does.
pub const DESCRIPTION: &str = "This is the current scheduling needs for the next 48 hours.\n\nTimes are shown in your **local time zone**.";
/// A field without lines.
pub const NO_NEEDS: &str = "No current needs.";

/// The lines of each field.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Needs {
    pub commentators: Vec<String>,
    pub trackers: Vec<String>,
    pub broadcasters: Vec<String>,
}

fn approved(crew: &[Crew], lang: &str) -> i64 {
    i64::try_from(
        crew.iter()
            .filter(|c| c.approved && c.language == lang)
            .count(),
    )
    .unwrap_or(i64::MAX)
}

fn line(time: &str, needed: i64, role: &str, episode: i64) -> String {
    format!(
        "*{time}* - Need **{needed}** - [Sign Up!](http://speedgaming.org/{role}/signup/{episode}/)"
    )
}

/// The needs of `episodes` for an event broadcasting in `lang`.
pub(crate) fn needs(lang: &str, episodes: &[Episode]) -> Needs {
    let mut out = Needs::default();
    for episode in episodes {
        let slugs: Vec<&str> = episode
            .channels
            .iter()
            .filter(|c| !IGNORED_CHANNEL_IDS.contains(&c.id) && c.language == lang)
            .map(|c| c.slug.as_str())
            .collect();
        let Some(first) = slugs.first() else {
            continue;
        };
        let Some(when) = episode.when else {
            continue;
        };
        let time = discord_timestamp(&when, TimestampStyle::ShortDateTime);
        let commentators = 2 - approved(&episode.commentators, lang);
        if commentators > 0 {
            out.commentators
                .push(line(&time, commentators, "commentator", episode.id));
        }
        let runners = episode.match1.as_ref().map_or(0, |m| m.players.len());
        let trackers = if runners > 2 { 2 } else { 1 } - approved(&episode.trackers, lang);
        if trackers > 0 {
            out.trackers
                .push(line(&time, trackers, "tracker", episode.id));
        }
        if BROADCASTER_SLUGS.contains(first) {
            let broadcasters = 1 - approved(&episode.broadcasters, lang);
            if broadcasters > 0 {
                out.broadcasters
                    .push(line(&time, broadcasters, "broadcaster", episode.id));
            }
        }
    }
    out
}

/// The board embed (Discord JSON).
pub(crate) fn embed(needs: &Needs, with_trackers: bool, now: DateTime<Utc>) -> Value {
    let value = |lines: &[String]| {
        if lines.is_empty() {
            NO_NEEDS.to_owned()
        } else {
            lines.join("\n")
        }
    };
    let mut fields = vec![json!({
        "name": "Commentators Needed", "value": value(&needs.commentators), "inline": false,
    })];
    if with_trackers {
        fields.push(json!({
            "name": "Trackers Needed", "value": value(&needs.trackers), "inline": false,
        }));
    }
    if !needs.broadcasters.is_empty() {
        fields.push(json!({
            "name": "Broadcasters Needed", "value": needs.broadcasters.join("\n"), "inline": false,
        }));
    }
    json!({
        "type": "rich",
        "title": TITLE,
        "description": DESCRIPTION,
        "timestamp": now.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
        "fields": fields,
    })
}

/// Builds the board of `event` and publishes it to `channel`.
pub(crate) async fn publish(
    s: &WeekServices,
    event: &EventDefinition,
    channel: u64,
    episodes: &[Episode],
) -> Result<()> {
    let needs = needs(&event.lang, episodes);
    let embed = embed(&needs, event.scheduling_needs_tracker, (s.clock)());
    let port = |e: DiscordPortError| Error::Discord(e.to_string());
    match s.board.find_own_message(channel).await.map_err(port)? {
        Some(message) => {
            s.board
                .edit_embed(channel, message, &embed)
                .await
                .map_err(port)?;
            info!(event = %event.event_slug, channel, message, "scheduling needs edited");
        }
        None => {
            let message = s.board.send_embed(channel, &embed).await.map_err(port)?;
            info!(event = %event.event_slug, channel, message, "scheduling needs posted");
        }
    }
    Ok(())
}
