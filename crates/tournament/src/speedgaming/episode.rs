//! The episode model (`tournament.md` §1.2) and the values derived from it (§1.3).
//!
//! Only the fields the engine reads are modelled; everything else SpeedGaming sends is
//! ignored, and missing lists or strings default to empty.

use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};

/// One SpeedGaming episode (a scheduled match).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Episode {
    /// The episode id: the dedupe key and the last element of the race info.
    pub id: i64,
    /// The event the episode belongs to.
    #[serde(default)]
    pub event: EventRef,
    /// The match (title and runners).
    #[serde(default)]
    pub match1: Option<Match>,
    /// The second match of a double-header; read only by the bad-Discord report.
    #[serde(default)]
    pub match2: Option<Match>,
    /// The broadcast start.
    #[serde(default)]
    pub when: Option<DateTime<FixedOffset>>,
    /// The actual race start.
    #[serde(default)]
    pub when_countdown: Option<DateTime<FixedOffset>>,
    /// Broadcast channels.
    #[serde(default)]
    pub channels: Vec<Channel>,
    /// Commentator sign-ups.
    #[serde(default)]
    pub commentators: Vec<Crew>,
    /// Tracker sign-ups.
    #[serde(default)]
    pub trackers: Vec<Crew>,
    /// Broadcaster sign-ups.
    #[serde(default)]
    pub broadcasters: Vec<Crew>,
}

/// The event of an episode.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EventRef {
    /// The SG slug; equals the registry key.
    #[serde(default)]
    pub slug: String,
    /// The short name, first segment of the generic race info.
    #[serde(default)]
    pub short_name: String,
    /// The full name.
    #[serde(default)]
    pub name: String,
}

/// A match of an episode.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Match {
    /// The "friendly name" of the match.
    #[serde(default, deserialize_with = "null_as_empty")]
    pub title: String,
    /// The runners.
    #[serde(default)]
    pub players: Vec<Player>,
}

/// A runner of a match.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Player {
    /// The SG display name.
    #[serde(default, deserialize_with = "null_as_empty")]
    pub display_name: String,
    /// The Discord user id as a string; may be empty.
    #[serde(default, deserialize_with = "null_as_empty")]
    pub discord_id: String,
    /// The Discord username; may be empty, may end in `#0`.
    #[serde(default, deserialize_with = "null_as_empty")]
    pub discord_tag: String,
    /// `"ignore"` skips the player in every lookup.
    #[serde(default, deserialize_with = "null_as_empty")]
    pub public_stream: String,
    /// The Twitch name the player streams from.
    #[serde(default, deserialize_with = "null_as_empty")]
    pub streaming_from: String,
}

impl Player {
    /// Whether the player is marked to be skipped (`publicStream == "ignore"`).
    pub fn is_ignored(&self) -> bool {
        self.public_stream == "ignore"
    }

    /// The Discord username without a trailing `#0`.
    pub fn discord_name(&self) -> &str {
        self.discord_tag
            .strip_suffix("#0")
            .unwrap_or(&self.discord_tag)
    }
}

/// A broadcast channel.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Channel {
    /// SG's channel id.
    #[serde(default)]
    pub id: i64,
    /// The Twitch name; names with a space are SG placeholders.
    #[serde(default, deserialize_with = "null_as_empty")]
    pub name: String,
    /// The URL slug.
    #[serde(default, deserialize_with = "null_as_empty")]
    pub slug: String,
    /// The broadcast language.
    #[serde(default, deserialize_with = "null_as_empty")]
    pub language: String,
}

/// A crew (commentator, tracker, broadcaster) sign-up.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Crew {
    /// Whether the sign-up was approved.
    #[serde(default)]
    pub approved: bool,
    /// The crew member's language.
    #[serde(default, deserialize_with = "null_as_empty")]
    pub language: String,
}

impl Episode {
    /// The match title (empty when there is no match).
    pub fn title(&self) -> &str {
        self.match1.as_ref().map_or("", |m| m.title.as_str())
    }

    /// The runners of the first match who are not marked `ignore`.
    pub fn active_players(&self) -> impl Iterator<Item = &Player> {
        self.match1
            .iter()
            .flat_map(|m| m.players.iter())
            .filter(|p| !p.is_ignored())
    }

    /// The names of the broadcast channels: every channel whose name has no space.
    pub fn broadcast_channels(&self) -> Vec<&str> {
        self.channels
            .iter()
            .map(|c| c.name.as_str())
            .filter(|n| !n.contains(' '))
            .collect()
    }
}

/// `versus` (§1.3): the players' Discord usernames joined with `" vs. "` for one or two
/// names, `", "` for three or more.
pub fn versus<S: AsRef<str>>(names: &[S]) -> String {
    let names: Vec<&str> = names.iter().map(AsRef::as_ref).collect();
    if names.len() <= 2 {
        names.join(" vs. ")
    } else {
        names.join(", ")
    }
}

fn null_as_empty<'de, D: serde::Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    Ok(Option::<String>::deserialize(d)?.unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn episode() -> Episode {
        serde_json::from_value(serde_json::json!({
            "id": 42,
            "event": {"slug": "invleague", "shortName": "League", "name": "ALTTPR League", "extra": 1},
            "match1": {"title": "Week 1", "players": [
                {"displayName": "A", "discordId": "1", "discordTag": "a#0", "publicStream": "", "streamingFrom": "a_tv"},
                {"displayName": "B", "discordId": "", "discordTag": null, "publicStream": "ignore", "streamingFrom": "b"}
            ]},
            "match2": null,
            "when": "2026-02-12T21:30:00-05:00",
            "whenCountdown": "2026-02-12T21:40:00-05:00",
            "channels": [{"id": 5, "name": "ALTTPRandomizer", "slug": "alttprandomizer", "language": "en"},
                         {"id": 0, "name": "No Restream", "slug": "norestream", "language": "en"}],
            "helpers": []
        }))
        .unwrap()
    }

    #[test]
    fn derived_values() {
        let e = episode();
        assert_eq!(e.title(), "Week 1");
        assert_eq!(e.broadcast_channels(), vec!["ALTTPRandomizer"]);
        let players: Vec<&str> = e
            .active_players()
            .map(|p| p.display_name.as_str())
            .collect();
        assert_eq!(players, vec!["A"]);
        assert_eq!(e.match1.as_ref().unwrap().players[0].discord_name(), "a");
        assert!(e.match2.is_none());
        assert_eq!(
            e.when_countdown.unwrap().to_rfc3339(),
            "2026-02-12T21:40:00-05:00"
        );
    }

    #[test]
    fn versus_separators() {
        assert_eq!(versus::<&str>(&[]), "");
        assert_eq!(versus(&["a"]), "a");
        assert_eq!(versus(&["a", "b"]), "a vs. b");
        assert_eq!(versus(&["a", "b", "c"]), "a, b, c");
    }
}
