//! The texts built from an episode (`tournament.md` §1.3, §2.12, §3.2, §5): the room's
//! `info_user` line, the room-opened announcements of the open-entry events, and the
//! settings submission link.
//!
//! Times in race infos are US/Eastern wall-clock times ([`string_time`]); announcements use
//! Discord timestamps, which each reader sees in their own zone. The race start is the
//! episode's `whenCountdown`; the seed goes out 10 minutes before it.

use chrono::{DateTime, Duration, FixedOffset};

use crate::definition::{EventDefinition, HandlerKind};
use crate::speedgaming::Episode;
use crate::time::{TimestampStyle, discord_timestamp, string_time};
use crate::{Error, Result};

/// The username the SpeedGaming webhook post of the ALTTPR daily is sent with.
pub const WEBHOOK_USERNAME: &str = "SahasrahBot";

/// How long before the race start the seed is distributed (dailies, qualifier).
pub fn seed_lead() -> Duration {
    Duration::minutes(10)
}

/// The race start (`whenCountdown`); an error names the episode when SpeedGaming sent none.
pub fn race_start(episode: &Episode) -> Result<DateTime<FixedOffset>> {
    episode.when_countdown.ok_or_else(|| {
        Error::SpeedGaming(format!(
            "episode {} has no race start time (whenCountdown)",
            episode.id
        ))
    })
}

/// When the seed is distributed: the race start minus 10 minutes.
pub fn seed_time(episode: &Episode) -> Result<DateTime<FixedOffset>> {
    Ok(race_start(episode)? - seed_lead())
}

/// `" on {ch1, ch2}"` when the episode has broadcast channels, else empty.
fn on_channels(episode: &Episode) -> String {
    let channels = episode.broadcast_channels();
    if channels.is_empty() {
        String::new()
    } else {
        format!(" on {}", channels.join(", "))
    }
}

/// The generic race info (§2.12): `{shortName} - {versus} - {title}`, then
/// ` - Game #{n}` for a non-zero game number, ` - Restream(s) at {channels}` when there are
/// broadcast channels, and ` - {episode id}`.
pub fn generic(episode: &Episode, versus: &str, game_number: Option<i32>) -> String {
    let mut info = format!(
        "{} - {} - {}",
        episode.event.short_name,
        versus,
        episode.title()
    );
    if let Some(n) = game_number.filter(|n| *n != 0) {
        info.push_str(&format!(" - Game #{n}"));
    }
    let channels = episode.broadcast_channels();
    if !channels.is_empty() {
        info.push_str(&format!(" - Restream(s) at {}", channels.join(", ")));
    }
    info.push_str(&format!(" - {}", episode.id));
    info
}

/// The live qualifier's race info: `ALTTPR Main Tournament Live Qualifier - {title} at
/// {h:mm AM} Eastern[ on {channels}] - Seed Distributed and Room Locked at {seed time}
/// Eastern - {episode id}`.
pub fn qualifier(episode: &Episode) -> Result<String> {
    Ok(format!(
        "ALTTPR Main Tournament Live Qualifier - {} at {} Eastern{} - Seed Distributed and Room Locked at {} Eastern - {}",
        episode.title(),
        string_time(&race_start(episode)?),
        on_channels(episode),
        string_time(&seed_time(episode)?),
        episode.id
    ))
}

/// The ALTTPR daily's race info: `SpeedGaming Daily Race Series - {title} at {time}
/// Eastern[ on {channels}] - Seed Distributed at {seed time} Eastern - {episode id}`.
pub fn alttpr_daily(episode: &Episode) -> Result<String> {
    Ok(format!(
        "SpeedGaming Daily Race Series - {} at {} Eastern{} - Seed Distributed at {} Eastern - {}",
        episode.title(),
        string_time(&race_start(episode)?),
        on_channels(episode),
        string_time(&seed_time(episode)?),
        episode.id
    ))
}

/// The SMZ3 weekly's race info: `SMZ3 Weekly Race - {title} at {time} Eastern[ on
/// {channels}] - {episode id}`.
pub fn smz3_weekly(episode: &Episode) -> Result<String> {
    Ok(format!(
        "SMZ3 Weekly Race - {} at {} Eastern{} - {}",
        episode.title(),
        string_time(&race_start(episode)?),
        on_channels(episode),
        episode.id
    ))
}

/// The race info (`info_user`) a handler opens its rooms with. `versus` and `game_number`
/// are used by the generic format only (the open-entry events have no players).
pub fn race_info(
    kind: HandlerKind,
    episode: &Episode,
    versus: &str,
    game_number: Option<i32>,
) -> Result<String> {
    match kind {
        HandlerKind::AlttprQualifier => qualifier(episode),
        HandlerKind::AlttprDaily => alttpr_daily(episode),
        HandlerKind::Smz3Weekly => smz3_weekly(episode),
        _ => Ok(generic(episode, versus, game_number)),
    }
}

/// `{title} - <t:X> (<t:X:R>)` with X the race start: the common head of the announcements.
fn announcement_head(series: &str, episode: &Episode) -> Result<String> {
    let start = race_start(episode)?;
    Ok(format!(
        "{series} - {} - {} ({}){}",
        episode.title(),
        discord_timestamp(&start, TimestampStyle::Default),
        discord_timestamp(&start, TimestampStyle::Relative),
        on_channels(episode)
    ))
}

/// The live qualifier's room-opened announcement (§3.2): `ALTTPR Main Tournament Live
/// Qualifier - {title} - <t:X> (<t:X:R>)[ on {channels}] - Seed Distributed and Room Lock
/// <t:Y:R> - {room url}`, X the race start, Y the seed time.
pub fn qualifier_announcement(episode: &Episode, room_url: &str) -> Result<String> {
    Ok(format!(
        "{} - Seed Distributed and Room Lock {} - {room_url}",
        announcement_head("ALTTPR Main Tournament Live Qualifier", episode)?,
        discord_timestamp(&seed_time(episode)?, TimestampStyle::Relative),
    ))
}

/// The ALTTPR daily's room-opened announcement (§5): `SpeedGaming Daily Race Series -
/// {title} - <t:X> (<t:X:R>)[ on {channels}] - Seed Distributed <t:Y:R> - {room url}`.
pub fn alttpr_daily_announcement(episode: &Episode, room_url: &str) -> Result<String> {
    Ok(format!(
        "{} - Seed Distributed {} - {room_url}",
        announcement_head("SpeedGaming Daily Race Series", episode)?,
        discord_timestamp(&seed_time(episode)?, TimestampStyle::Relative),
    ))
}

/// The SMZ3 weekly's room-opened announcement (§5): `[<@&{role}> ]SMZ3 Weekly Race -
/// {title} - <t:X> (<t:X:R>)[ on {channels}] - {room url}`; no seed time.
pub fn smz3_announcement(episode: &Episode, role: Option<u64>, room_url: &str) -> Result<String> {
    Ok(format!(
        "{}{} - {room_url}",
        role_prefix(role),
        announcement_head("SMZ3 Weekly Race", episode)?,
    ))
}

/// `<@&{role}> ` or nothing.
fn role_prefix(role: Option<u64>) -> String {
    role.map(|r| format!("<@&{r}> ")).unwrap_or_default()
}

/// What an open-entry event posts when its room opens, instead of player DMs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoomAnnouncement {
    /// The channel to post in (role mentions allowed); `None` when the event has no
    /// announce channel configured.
    pub channel: Option<u64>,
    /// The channel message.
    pub content: String,
    /// The text for the SpeedGaming Discord webhook (sent as [`WEBHOOK_USERNAME`]), when
    /// the event posts there too: the ALTTPR daily, prefixed with its role ping.
    pub webhook_content: Option<String>,
}

/// The room-opened announcement of `definition`'s event for `episode` and the new room,
/// or `None` when the handler DMs the players instead (every handler but the qualifier and
/// the dailies).
pub fn room_opened_announcement(
    definition: &EventDefinition,
    episode: &Episode,
    room_url: &str,
) -> Result<Option<RoomAnnouncement>> {
    let channel = definition.announce_channel;
    let announcement = match definition.handler {
        HandlerKind::AlttprQualifier => RoomAnnouncement {
            channel,
            content: qualifier_announcement(episode, room_url)?,
            webhook_content: None,
        },
        HandlerKind::AlttprDaily => {
            let content = alttpr_daily_announcement(episode, room_url)?;
            RoomAnnouncement {
                channel,
                webhook_content: Some(format!(
                    "{}{content}",
                    role_prefix(definition.announce_role)
                )),
                content,
            }
        }
        HandlerKind::Smz3Weekly => RoomAnnouncement {
            channel,
            content: smz3_announcement(episode, definition.announce_role, room_url)?,
            webhook_content: None,
        },
        _ => return Ok(None),
    };
    Ok(Some(announcement))
}

/// The settings submission link: `{app_url}/submit/{event_slug}?episode_id={id}`, where
/// `event_slug` is the episode's SpeedGaming event slug.
pub fn submit_link(app_url: &str, event_slug: &str, episode_id: i64) -> String {
    format!(
        "{}/submit/{event_slug}?episode_id={episode_id}",
        app_url.trim_end_matches('/')
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn episode(countdown: Option<&str>) -> Episode {
        serde_json::from_value(serde_json::json!({
            "id": 7,
            "event": {"slug": "alttprdaily", "shortName": "Daily", "name": "ALTTPR Daily"},
            "match1": {"title": "Open", "players": []},
            "whenCountdown": countdown,
            "channels": []
        }))
        .unwrap()
    }

    #[test]
    fn a_missing_countdown_is_an_error_naming_the_episode() {
        let e = episode(None);
        let err = alttpr_daily(&e).unwrap_err().to_string();
        assert!(err.contains("episode 7"), "{err}");
        // The generic format does not need the time.
        assert_eq!(generic(&e, "", None), "Daily -  - Open - 7");
    }

    #[test]
    fn game_number_zero_is_left_out() {
        let e = episode(Some("2026-02-12T18:00:00-05:00"));
        assert_eq!(
            generic(&e, "a vs. b", Some(0)),
            "Daily - a vs. b - Open - 7"
        );
        assert_eq!(
            generic(&e, "a vs. b", Some(3)),
            "Daily - a vs. b - Open - Game #3 - 7"
        );
    }

    #[test]
    fn submit_link_format() {
        assert_eq!(
            submit_link("https://sahasrahbotapi.synack.live", "smrl", 4242),
            "https://sahasrahbotapi.synack.live/submit/smrl?episode_id=4242"
        );
        assert_eq!(
            submit_link("http://localhost:5001/", "smrl", 1),
            "http://localhost:5001/submit/smrl?episode_id=1"
        );
    }
}
