//! Tolerant data types for racetime.gg JSON (racetime.md §1.4–1.9).
//!
//! Every struct ignores unknown fields and defaults missing ones, and every status enum has an
//! `Unknown` variant, so a server change never makes a room unreadable.

use std::time::Duration;

use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;

use crate::error::{Error, Result};

/// A race room's status value.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub enum RaceStatusValue {
    /// Anyone may join.
    #[default]
    Open,
    /// Join by invitation or request.
    Invitational,
    /// Countdown running.
    Pending,
    /// Race running.
    InProgress,
    /// Race done.
    Finished,
    /// Race cancelled.
    Cancelled,
    /// A partitioned (1v1 ladder) parent race.
    Partitioned,
    /// A value this client does not know.
    Unknown(String),
}

impl RaceStatusValue {
    /// The wire string.
    pub fn as_str(&self) -> &str {
        match self {
            Self::Open => "open",
            Self::Invitational => "invitational",
            Self::Pending => "pending",
            Self::InProgress => "in_progress",
            Self::Finished => "finished",
            Self::Cancelled => "cancelled",
            Self::Partitioned => "partitioned",
            Self::Unknown(s) => s,
        }
    }

    /// Parses a wire string; unknown strings become [`RaceStatusValue::Unknown`].
    pub fn parse(s: &str) -> Self {
        match s {
            "open" => Self::Open,
            "invitational" => Self::Invitational,
            "pending" => Self::Pending,
            "in_progress" => Self::InProgress,
            "finished" => Self::Finished,
            "cancelled" => Self::Cancelled,
            "partitioned" => Self::Partitioned,
            other => Self::Unknown(other.to_owned()),
        }
    }

    /// `finished`, `cancelled` and `partitioned` rooms are no longer handled.
    pub fn is_terminal(&self) -> bool {
        matches!(self, Self::Finished | Self::Cancelled | Self::Partitioned)
    }

    /// `open` or `invitational`: the race has not started counting down.
    pub fn is_preparing(&self) -> bool {
        matches!(self, Self::Open | Self::Invitational)
    }
}

impl<'de> Deserialize<'de> for RaceStatusValue {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let s = Option::<String>::deserialize(d)?.unwrap_or_default();
        Ok(Self::parse(&s))
    }
}

impl Serialize for RaceStatusValue {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// `{value, verbose_value, help_text}` as sent for races and entrants.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(default)]
pub struct Status<V> {
    /// The machine value.
    pub value: V,
    /// Human label.
    pub verbose_value: Option<String>,
    /// Human help text.
    pub help_text: Option<String>,
}

/// A user summary (`User.api_dict_summary`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(default)]
pub struct User {
    /// Hashid.
    pub id: String,
    /// Name plus `#discriminator` when used.
    pub full_name: String,
    /// Display name.
    pub name: String,
    /// Discriminator, if any.
    pub discriminator: Option<String>,
    /// Profile path.
    pub url: Option<String>,
    /// Avatar URL.
    pub avatar: Option<String>,
    /// Pronouns.
    pub pronouns: Option<String>,
    /// Flair string.
    pub flair: Option<String>,
    /// Twitch login.
    pub twitch_name: Option<String>,
    /// Twitch display name.
    pub twitch_display_name: Option<String>,
    /// Twitch channel URL.
    pub twitch_channel: Option<String>,
    /// Category moderator for the race's category.
    pub can_moderate: bool,
}

/// An entrant of a race.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(default)]
pub struct Entrant {
    /// The user; `None` for deleted users.
    pub user: Option<User>,
    /// The team, for team races.
    pub team: Option<Value>,
    /// Entrant status (`requested`, `invited`, `declined`, `ready`, `not_ready`, `in_progress`,
    /// `done`, `dnf`, `dq`, `partitioned`, or something new).
    pub status: Status<String>,
    /// ISO-8601 duration of the finish time.
    pub finish_time: Option<String>,
    /// When the entrant finished.
    pub finished_at: Option<String>,
    /// Place, once finished.
    pub place: Option<i64>,
    /// `1st`, `2nd`, …
    pub place_ordinal: Option<String>,
    /// Score, if ranked.
    pub score: Option<Value>,
    /// Score change, if ranked.
    pub score_change: Option<Value>,
    /// Comment text.
    pub comment: Option<String>,
    /// Whether a comment was left.
    pub has_comment: bool,
    /// Stream live.
    pub stream_live: bool,
    /// Stream override set.
    pub stream_override: bool,
}

/// `{name, custom}` goal.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(default)]
pub struct Goal {
    /// Goal name or free text.
    pub name: String,
    /// `true` for a free-text goal.
    pub custom: bool,
}

/// The category summary embedded in race data.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(default)]
pub struct CategorySummary {
    /// Name.
    pub name: String,
    /// Short name.
    pub short_name: String,
    /// Slug.
    pub slug: String,
    /// Path.
    pub url: String,
    /// Data path.
    pub data_url: String,
    /// Image URL.
    pub image: Option<String>,
}

/// Race data (`GET /{category}/{slug}/data`, and `race` in `race.data` frames).
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(default)]
pub struct RaceData {
    /// Version; only ever increases.
    pub version: i64,
    /// Room name `category/slug`.
    pub name: String,
    /// Race slug.
    pub slug: String,
    /// Status.
    pub status: Status<RaceStatusValue>,
    /// Path of the race page.
    pub url: String,
    /// Path of the race data.
    pub data_url: String,
    /// Bot websocket path (`/ws/o/bot/{slug}`).
    pub websocket_bot_url: String,
    /// Category summary.
    pub category: CategorySummary,
    /// Goal.
    pub goal: Goal,
    /// `info_user` + newline + `info_bot`.
    pub info: Option<String>,
    /// Bot-set info.
    pub info_bot: Option<String>,
    /// User-set info.
    pub info_user: Option<String>,
    /// Team race.
    pub team_race: bool,
    /// Joined entrants.
    pub entrants_count: i64,
    /// Finished entrants.
    pub entrants_count_finished: i64,
    /// Inactive entrants.
    pub entrants_count_inactive: i64,
    /// Entrants in server order.
    pub entrants: Vec<Entrant>,
    /// Opened at (ISO-8601).
    pub opened_at: Option<String>,
    /// Started at.
    pub started_at: Option<String>,
    /// Ended at.
    pub ended_at: Option<String>,
    /// Cancelled at.
    pub cancelled_at: Option<String>,
    /// Start delay (ISO-8601 duration).
    pub start_delay: Option<String>,
    /// Time limit (ISO-8601 duration).
    pub time_limit: Option<String>,
    /// Chat message delay (ISO-8601 duration).
    pub chat_message_delay: Option<String>,
    /// Ranked.
    pub ranked: bool,
    /// Unlisted.
    pub unlisted: bool,
    /// Time limit auto-complete.
    pub time_limit_auto_complete: bool,
    /// Require even teams.
    pub require_even_teams: bool,
    /// Streaming required.
    pub streaming_required: bool,
    /// Auto start.
    pub auto_start: bool,
    /// Recordable.
    pub recordable: bool,
    /// Recorded.
    pub recorded: bool,
    /// Disqualify unready entrants on force start.
    pub disqualify_unready: bool,
    /// Allow comments.
    pub allow_comments: bool,
    /// Hide comments.
    pub hide_comments: bool,
    /// Hide entrants.
    pub hide_entrants: bool,
    /// Chat restricted.
    pub chat_restricted: bool,
    /// Allow pre-race chat.
    pub allow_prerace_chat: bool,
    /// Allow mid-race chat.
    pub allow_midrace_chat: bool,
    /// Allow non-entrant chat.
    pub allow_non_entrant_chat: bool,
    /// Opener, if a user.
    pub opened_by: Option<User>,
    /// Opener, if a bot.
    pub opened_by_bot: Option<String>,
    /// Monitors.
    pub monitors: Vec<User>,
    /// Bot-writable metadata.
    pub bot_meta: Value,
}

impl RaceData {
    /// The category slug: the part of `name` before `/`.
    pub fn category_slug(&self) -> &str {
        self.name.split_once('/').map_or("", |(c, _)| c)
    }
}

/// Parses a Django ISO-8601 duration such as `P0DT00H00M15S` or `P1DT00H00M00.5S`.
pub fn parse_duration(s: &str) -> Option<Duration> {
    let rest = s.strip_prefix('P')?;
    let (date, time) = rest.split_once('T').unwrap_or((rest, ""));
    let mut secs = 0f64;
    let mut num = String::new();
    for c in date.chars() {
        if c == 'D' {
            secs += num.parse::<f64>().ok()? * 86400.0;
            num.clear();
        } else {
            num.push(c);
        }
    }
    if !num.is_empty() {
        return None;
    }
    for c in time.chars() {
        let mul = match c {
            'H' => 3600.0,
            'M' => 60.0,
            'S' => 1.0,
            _ => {
                num.push(c);
                continue;
            }
        };
        secs += num.parse::<f64>().ok()? * mul;
        num.clear();
    }
    if !num.is_empty() || secs < 0.0 {
        return None;
    }
    Some(Duration::from_secs_f64(secs))
}

/// A race summary in the category feed.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(default)]
pub struct RaceSummary {
    /// Room name `category/slug`.
    pub name: String,
    /// Status.
    pub status: Status<RaceStatusValue>,
    /// Race page path.
    pub url: String,
    /// Race data path.
    pub data_url: String,
    /// Goal.
    pub goal: Goal,
    /// Info.
    pub info: Option<String>,
    /// Joined entrants.
    pub entrants_count: i64,
    /// Opened by a bot.
    pub opened_by_bot: Option<String>,
}

/// `GET /o/{category}/data`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(default)]
pub struct CategoryData {
    /// Name.
    pub name: String,
    /// Short name.
    pub short_name: String,
    /// Slug.
    pub slug: String,
    /// Active goal names.
    pub goals: Vec<String>,
    /// Races being prepared or run (the bot feed includes unlisted ones).
    pub current_races: Vec<RaceSummary>,
    /// Owners.
    pub owners: Vec<User>,
    /// Moderators.
    pub moderators: Vec<User>,
}

/// A team member (`GET /team/{slug}/data`).
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(default)]
pub struct TeamMember {
    /// The user.
    #[serde(flatten)]
    pub user: User,
    /// Team owner.
    pub owner: bool,
}

/// `GET /team/{slug}/data`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(default)]
pub struct Team {
    /// Name.
    pub name: String,
    /// Slug.
    pub slug: String,
    /// Formal team.
    pub formal: bool,
    /// Members.
    pub members: Vec<TeamMember>,
}

/// A chat message (`Message.as_dict`).
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(default)]
pub struct ChatMessage {
    /// Hashid.
    pub id: String,
    /// Sender, if a user.
    pub user: Option<User>,
    /// Sender, if a bot.
    pub bot: Option<String>,
    /// DM recipient.
    pub direct_to: Option<Value>,
    /// When posted.
    pub posted_at: Option<String>,
    /// Text, possibly with `##style##text##` markup.
    pub message: String,
    /// Text without markup.
    pub message_plain: Option<String>,
    /// Highlighted.
    pub highlight: bool,
    /// A DM.
    pub is_dm: bool,
    /// Sent by a bot.
    pub is_bot: bool,
    /// Sender is a category moderator, the race opener or a race monitor (`null` for system).
    pub is_monitor: Option<bool>,
    /// Sent by the system.
    pub is_system: bool,
    /// Pinned.
    pub is_pinned: bool,
    /// Delay in seconds.
    pub delay: Option<Value>,
    /// Action buttons.
    pub actions: Option<Value>,
}

impl ChatMessage {
    /// A message as if a moderator/monitor sent `text`: used to inject commands (racetime.md §3.10:
    /// sender `FAKE` / `API-submitted command`).
    pub fn synthetic(text: impl Into<String>) -> Self {
        Self {
            id: "synthetic".to_owned(),
            user: Some(User {
                id: "FAKE".to_owned(),
                full_name: "API-submitted command".to_owned(),
                name: "API-submitted command".to_owned(),
                can_moderate: true,
                ..User::default()
            }),
            message: text.into(),
            is_monitor: Some(true),
            ..Self::default()
        }
    }

    /// `is_monitor` as a bool.
    pub fn sender_is_monitor(&self) -> bool {
        self.is_monitor.unwrap_or(false)
    }

    /// The sender's `can_moderate`.
    pub fn sender_can_moderate(&self) -> bool {
        self.user.as_ref().is_some_and(|u| u.can_moderate)
    }
}

/// A frame the server sends on the bot socket (racetime.md §1.9).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum ServerMessage {
    /// `race.data`.
    RaceData(Box<RaceData>),
    /// `race.renders` (HTML; ignored).
    RaceRenders,
    /// `chat.message`.
    ChatMessage(Box<ChatMessage>),
    /// `chat.history`, whichever shape (list or object keyed by id) the server sent.
    ChatHistory(Vec<ChatMessage>),
    /// `chat.dm`: only the message id is broadcast.
    ChatDm {
        /// Message hashid.
        message: String,
        /// Sending bot.
        from_bot: Option<String>,
        /// Recipient.
        to: Option<Value>,
    },
    /// `chat.pin`.
    ChatPin(Box<ChatMessage>),
    /// `chat.unpin`.
    ChatUnpin(Box<ChatMessage>),
    /// `error` with its messages.
    Error(Vec<String>),
    /// `pong`.
    Pong,
    /// Any other type (`chat.delete`, `chat.purge`, `race.split`, or something new).
    Other {
        /// The `type` field.
        kind: String,
    },
}

impl ServerMessage {
    /// Parses one text frame. Unknown types are [`ServerMessage::Other`]; only frames that are
    /// not JSON objects with a string `type`, or whose known payload cannot be read, fail.
    pub fn parse(text: &str) -> Result<Self> {
        // Fast path for the frames every room sees: one pass over the text, the payload
        // deserialized straight into its type (no `Value` tree), whichever order the keys come
        // in. Anything unusual takes the tolerant path.
        if let Ok(Fast {
            kind: Some(kind),
            message,
            race,
        }) = serde_json::from_str::<Fast<'_>>(text)
        {
            match (&*kind, message, race) {
                ("chat.message", Some(m), _) => return Ok(Self::ChatMessage(Box::new(m))),
                ("chat.pin", Some(m), _) => return Ok(Self::ChatPin(Box::new(m))),
                ("chat.unpin", Some(m), _) => return Ok(Self::ChatUnpin(Box::new(m))),
                ("race.data", _, Some(r)) => return Ok(Self::RaceData(Box::new(r))),
                ("race.renders", ..) => return Ok(Self::RaceRenders),
                ("pong", ..) => return Ok(Self::Pong),
                _ => {}
            }
        }
        let mut v: Value = serde_json::from_str(text)?;
        let kind = v
            .get("type")
            .and_then(Value::as_str)
            .ok_or_else(|| Error::MalformedFrame("no string `type` field".to_owned()))?
            .to_owned();
        let mut take = |key: &str| v.get_mut(key).map(Value::take).unwrap_or(Value::Null);
        Ok(match kind.as_str() {
            "race.data" => Self::RaceData(Box::new(from_field(take("race"), "race")?)),
            "race.renders" => Self::RaceRenders,
            "chat.message" => Self::ChatMessage(Box::new(from_field(take("message"), "message")?)),
            "chat.pin" => Self::ChatPin(Box::new(from_field(take("message"), "message")?)),
            "chat.unpin" => Self::ChatUnpin(Box::new(from_field(take("message"), "message")?)),
            "chat.history" => Self::ChatHistory(history(take("messages"))),
            "chat.dm" => Self::ChatDm {
                message: take("message").as_str().unwrap_or_default().to_owned(),
                from_bot: take("from_bot").as_str().map(str::to_owned),
                to: Some(take("to")).filter(|v| !v.is_null()),
            },
            "error" => Self::Error(match take("errors") {
                Value::Array(items) => items
                    .into_iter()
                    .map(|e| match e {
                        Value::String(s) => s,
                        other => other.to_string(),
                    })
                    .collect(),
                Value::String(s) => vec![s],
                Value::Null => Vec::new(),
                other => vec![other.to_string()],
            }),
            "pong" => Self::Pong,
            _ => Self::Other { kind },
        })
    }
}

/// One pass over a frame: its `type`, and a `message` or `race` object read straight into its
/// type (before the `type` is known, speculatively: a payload of another shape fails the fast
/// path, and the frame takes the tolerant one).
struct Fast<'a> {
    kind: Option<std::borrow::Cow<'a, str>>,
    message: Option<ChatMessage>,
    race: Option<RaceData>,
}

/// The keys [`Fast`] reads, identified without allocating.
#[derive(Deserialize)]
#[serde(field_identifier, rename_all = "lowercase")]
enum FastKey {
    Type,
    Message,
    Race,
    #[serde(other)]
    Other,
}

/// A string borrowed from the frame when it has no escapes.
#[derive(Deserialize)]
struct BorrowedStr<'a>(#[serde(borrow)] std::borrow::Cow<'a, str>);

impl<'de> Deserialize<'de> for Fast<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct Visit;
        impl<'de> serde::de::Visitor<'de> for Visit {
            type Value = Fast<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a frame object")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> std::result::Result<Fast<'de>, A::Error> {
                let mut out = Fast {
                    kind: None,
                    message: None,
                    race: None,
                };
                while let Some(key) = map.next_key::<FastKey>()? {
                    let kind = out.kind.as_deref();
                    match key {
                        FastKey::Type => out.kind = Some(map.next_value::<BorrowedStr<'de>>()?.0),
                        FastKey::Message
                            if kind.is_none_or(|k| {
                                matches!(k, "chat.message" | "chat.pin" | "chat.unpin")
                            }) =>
                        {
                            out.message = Some(map.next_value::<ObjectOnly<ChatMessage>>()?.0);
                        }
                        FastKey::Race if kind.is_none_or(|k| k == "race.data") => {
                            out.race = Some(map.next_value::<ObjectOnly<RaceData>>()?.0);
                        }
                        _ => {
                            map.next_value::<serde::de::IgnoredAny>()?;
                        }
                    }
                }
                Ok(out)
            }
        }
        d.deserialize_map(Visit)
    }
}

/// A struct that must come as a JSON object (serde would also accept an array), as
/// [`from_field`] requires on the tolerant path.
struct ObjectOnly<T>(T);

impl<'de, T: Deserialize<'de>> Deserialize<'de> for ObjectOnly<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct Visit<T>(std::marker::PhantomData<T>);
        impl<'de, T: Deserialize<'de>> serde::de::Visitor<'de> for Visit<T> {
            type Value = T;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("an object")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                map: A,
            ) -> std::result::Result<T, A::Error> {
                T::deserialize(serde::de::value::MapAccessDeserializer::new(map))
            }
        }
        d.deserialize_map(Visit(std::marker::PhantomData))
            .map(ObjectOnly)
    }
}

fn from_field<T: serde::de::DeserializeOwned>(v: Value, field: &str) -> Result<T> {
    if !v.is_object() {
        return Err(Error::MalformedFrame(format!("`{field}` is not an object")));
    }
    Ok(serde_json::from_value(v)?)
}

fn history(v: Value) -> Vec<ChatMessage> {
    let items: Vec<Value> = match v {
        Value::Array(a) => a,
        Value::Object(o) => o.into_iter().map(|(_, v)| v).collect(),
        _ => Vec::new(),
    };
    items
        .into_iter()
        .filter_map(|m| serde_json::from_value(m).ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(
            parse_duration("P0DT00H00M15S"),
            Some(Duration::from_secs(15))
        );
        assert_eq!(
            parse_duration("P1DT00H00M00S"),
            Some(Duration::from_secs(86400))
        );
        assert_eq!(
            parse_duration("P0DT01H02M03.5S"),
            Some(Duration::from_secs_f64(3723.5))
        );
        assert_eq!(parse_duration("15"), None);
    }

    #[test]
    fn tolerant_frames() {
        let m = ServerMessage::parse(
            r#"{"type":"race.data","race":{"name":"a/b","status":{"value":"weird_new"},"extra":1,"version":3}}"#,
        )
        .unwrap();
        let ServerMessage::RaceData(r) = m else {
            panic!()
        };
        assert_eq!(r.status.value, RaceStatusValue::Unknown("weird_new".into()));
        assert_eq!(r.version, 3);
        assert!(matches!(
            ServerMessage::parse(r#"{"type":"brand.new","x":1}"#).unwrap(),
            ServerMessage::Other { .. }
        ));
        let h = ServerMessage::parse(
            r#"{"type":"chat.history","messages":{"a":{"id":"a","message":"x"},"b":5}}"#,
        )
        .unwrap();
        assert!(matches!(h, ServerMessage::ChatHistory(v) if v.len() == 1));
        let h = ServerMessage::parse(r#"{"type":"chat.history","messages":[{"id":"a"}]}"#).unwrap();
        assert!(matches!(h, ServerMessage::ChatHistory(v) if v.len() == 1));
        assert!(ServerMessage::parse(r#"{"type":"chat.message","message":[]}"#).is_err());
        assert!(ServerMessage::parse(r#"{"type":"race.data","race":[]}"#).is_err());
        let m = ServerMessage::parse(
            r#"{"type":"chat.message","message":{"id":"m","message":"!x","new":1,"is_bot":true}}"#,
        )
        .unwrap();
        assert!(matches!(m, ServerMessage::ChatMessage(c) if c.message == "!x" && c.is_bot));
        assert!(ServerMessage::parse("not json").is_err());
        // The payload may come before the type (a serializer with sorted keys).
        let m = ServerMessage::parse(
            r#"{"date":"x","message":{"id":"m","message":"!ping 1","user":{"id":"u","name":"U"}},"type":"chat.message"}"#,
        )
        .unwrap();
        assert!(
            matches!(m, ServerMessage::ChatMessage(c) if c.message == "!ping 1" && c.user.as_ref().is_some_and(|u| u.id == "u"))
        );
        let m = ServerMessage::parse(r#"{"message":{"id":"p","message":"x"},"type":"chat.pin"}"#)
            .unwrap();
        assert!(matches!(m, ServerMessage::ChatPin(c) if c.id == "p"));
        let m = ServerMessage::parse(r#"{"type":"chat.unpin","message":{"id":"p"}}"#).unwrap();
        assert!(matches!(m, ServerMessage::ChatUnpin(c) if c.id == "p"));
        let m = ServerMessage::parse(r#"{"race":{"name":"a/b","version":7},"type":"race.data"}"#)
            .unwrap();
        assert!(matches!(m, ServerMessage::RaceData(r) if r.version == 7 && r.name == "a/b"));
        // `chat.dm` carries only an id in `message`: a string, in either order.
        for text in [
            r#"{"message":"abc","from_bot":"B","type":"chat.dm"}"#,
            r#"{"type":"chat.dm","message":"abc","from_bot":"B"}"#,
        ] {
            let m = ServerMessage::parse(text).unwrap();
            assert!(
                matches!(&m, ServerMessage::ChatDm { message, from_bot, .. } if message == "abc" && from_bot.as_deref() == Some("B")),
                "{m:?}"
            );
        }
        // A type with an escape still takes the fast path's answer.
        assert!(matches!(
            ServerMessage::parse(r#"{"type":"pon\u0067"}"#).unwrap(),
            ServerMessage::Pong
        ));
        assert!(ServerMessage::parse(r#"{"message":{"id":"m"}}"#).is_err());
        assert!(ServerMessage::parse(r#"{"no":"type"}"#).is_err());
        assert!(ServerMessage::parse(r#"{"type":"race.data","race":5}"#).is_err());
    }
}
