//! An event's optional `config:` block (`tournament.md` §4.6): values that replace fields of
//! its handler's built-in definition, so the Discord ids, timing and room goal of an event
//! can change without a new build.
//!
//! Ids may be written as integers or as strings of digits; an unknown key, or a value of
//! the wrong type, is a problem naming the key (`config.{key}`).

use sahasrahbot_core::presets::{Map, Value};

use super::load::describe;
use crate::definition::EventDefinition;
use crate::title_map::TitleMap;

/// The keys a `config:` block may hold, in the order the documentation lists them.
pub const CONFIG_KEYS: [&str; 16] = [
    "racetime_category",
    "racetime_goal",
    "coop",
    "lang",
    "guild_id",
    "audit_channel",
    "commentary_channel",
    "scheduling_needs_channel",
    "scheduling_needs_tracker",
    "announce_channel",
    "announce_role",
    "helper_roles",
    "create_scheduled_events",
    "stream_delay",
    "room_open_time",
    "title_map",
];

/// A problem: the field (`config.key`) and what is wrong.
type Failure = (String, String);

/// Applies the block's values to `definition`, in the block's order; stops at the first
/// problem.
pub(super) fn apply_config(definition: &mut EventDefinition, config: &Map) -> Result<(), Failure> {
    for (key, value) in config.iter() {
        let Value::Str(key) = key else {
            return Err((
                format!("config.{key}"),
                format!("unknown key; known keys: {}", CONFIG_KEYS.join(", ")),
            ));
        };
        let field = format!("config.{key}");
        let fail = |what: &str| {
            (
                field.clone(),
                format!("must be {what}, not {}", describe(value)),
            )
        };
        match key.as_str() {
            "racetime_category" => {
                definition.racetime_category =
                    non_empty(value).ok_or_else(|| fail("a non-empty string"))?;
            }
            "racetime_goal" => {
                definition.racetime_goal =
                    non_empty(value).ok_or_else(|| fail("a non-empty string"))?;
            }
            "lang" => {
                definition.lang = non_empty(value).ok_or_else(|| fail("a non-empty string"))?;
            }
            "coop" => definition.coop = boolean(value).ok_or_else(|| fail("a boolean"))?,
            "scheduling_needs_tracker" => {
                definition.scheduling_needs_tracker =
                    boolean(value).ok_or_else(|| fail("a boolean"))?;
            }
            "create_scheduled_events" => {
                definition.create_scheduled_events =
                    boolean(value).ok_or_else(|| fail("a boolean"))?;
            }
            "guild_id" => definition.guild_id = id(value).ok_or_else(|| fail(ID))?,
            "audit_channel" => {
                definition.audit_channel = optional_id(value).ok_or_else(|| fail(OPTIONAL_ID))?
            }
            "commentary_channel" => {
                definition.commentary_channel =
                    optional_id(value).ok_or_else(|| fail(OPTIONAL_ID))?;
            }
            "scheduling_needs_channel" => {
                definition.scheduling_needs_channel =
                    optional_id(value).ok_or_else(|| fail(OPTIONAL_ID))?;
            }
            "announce_channel" => {
                definition.announce_channel =
                    optional_id(value).ok_or_else(|| fail(OPTIONAL_ID))?;
            }
            "announce_role" => {
                definition.announce_role = optional_id(value).ok_or_else(|| fail(OPTIONAL_ID))?
            }
            "helper_roles" => {
                definition.helper_roles =
                    id_list(value).ok_or_else(|| fail("a list of Discord ids"))?;
            }
            "stream_delay" => {
                definition.stream_delay = minutes(value).ok_or_else(|| fail(MINUTES))?
            }
            "room_open_time" => {
                definition.room_open_time = minutes(value).ok_or_else(|| fail(MINUTES))?
            }
            "title_map" => {
                definition.title_map = title_map(value).ok_or_else(|| {
                    fail("a mapping of mode names to preset names (strings), or null")
                })?;
            }
            _ => {
                return Err((
                    field,
                    format!("unknown key; known keys: {}", CONFIG_KEYS.join(", ")),
                ));
            }
        }
    }
    Ok(())
}

const ID: &str = "a Discord id (a positive integer)";
const OPTIONAL_ID: &str = "a Discord id (a positive integer) or null";
const MINUTES: &str = "a whole number of minutes (0 or more)";

fn non_empty(value: &Value) -> Option<String> {
    match value {
        Value::Str(s) if !s.trim().is_empty() => Some(s.clone()),
        _ => None,
    }
}

fn boolean(value: &Value) -> Option<bool> {
    match value {
        Value::Bool(b) => Some(*b),
        _ => None,
    }
}

/// A snowflake: a positive integer, or a string of digits.
fn id(value: &Value) -> Option<u64> {
    match value {
        Value::Int(i) => u64::try_from(*i).ok().filter(|i| *i > 0),
        Value::Str(s) if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) => {
            s.parse().ok().filter(|i| *i > 0)
        }
        _ => None,
    }
}

/// `Some(None)` for null, `Some(Some(id))` for an id, `None` for anything else.
fn optional_id(value: &Value) -> Option<Option<u64>> {
    match value {
        Value::Null => Some(None),
        other => id(other).map(Some),
    }
}

/// A list of ids; null is the empty list.
fn id_list(value: &Value) -> Option<Vec<u64>> {
    match value {
        Value::Null => Some(Vec::new()),
        Value::Seq(items) => items.iter().map(id).collect(),
        _ => None,
    }
}

fn minutes(value: &Value) -> Option<u32> {
    match value {
        Value::Int(i) => u32::try_from(*i).ok(),
        _ => None,
    }
}

/// `Some(None)` for null, `Some(Some(map))` for a mapping of strings to strings.
fn title_map(value: &Value) -> Option<Option<TitleMap>> {
    match value {
        Value::Null => Some(None),
        Value::Map(map) => {
            let mut entries = Vec::with_capacity(map.len());
            for (mode, preset) in map.iter() {
                match (mode, preset) {
                    (Value::Str(m), Value::Str(p)) if !m.trim().is_empty() && !p.is_empty() => {
                        entries.push((m.trim().to_owned(), p.clone()));
                    }
                    _ => return None,
                }
            }
            Some(Some(TitleMap::new(entries)))
        }
        _ => None,
    }
}
