//! The registry file loader: YAML 1.1 (as PyYAML reads it), schema version 1, the
//! original's validation rules in their order (`tournament.md` §4.4):
//!
//! 1. the file must be readable YAML and not empty;
//! 2. keys `version`, then `profiles`, must be present;
//! 3. `version` must be an integer (a real one: `true` is refused) equal to 1;
//! 4. `profiles` must be a mapping holding `debug` and `production`;
//! 5. each profile must be a mapping whose `events` is a list;
//! 6. each event must be a mapping with `event_slug`, `handler`, `enabled` (in that order);
//!    `event_slug` and `handler` non-empty strings, `enabled` a boolean; the slug unique in
//!    its profile; `notes`, if present, a string or null;
//! 7. `handler` must be a catalog id;
//! 8. (port addition) `config`, if present, must be a mapping of known keys with values of
//!    the right type ([`super::overrides`]).
//!
//! Rules 1–4 concern the whole file: a failure leaves the registry empty. A rule-5 failure
//! drops that profile. Rules 6–8 drop only that event; each event reports its first failure.

use std::collections::HashMap;

use sahasrahbot_core::presets::Value;
use sahasrahbot_core::presets::yaml;

use super::overrides::apply_config;
use super::{EventAt, Problem, Profile, Registry, Source};
use crate::definition::HandlerKind;

/// The required profiles, in the order they are checked.
const REQUIRED_PROFILES: [&str; 2] = ["debug", "production"];

/// How a YAML value is named in messages.
pub(super) fn describe(value: &Value) -> String {
    match value {
        Value::Null => "null".to_owned(),
        Value::Bool(b) => format!("the boolean {b}"),
        Value::Int(i) => format!("the integer {i}"),
        Value::Float(x) => format!("the number {x}"),
        Value::Str(s) => format!("the string {s:?}"),
        Value::Seq(_) => "a list".to_owned(),
        Value::Map(_) => "a mapping".to_owned(),
    }
}

/// A profile or key name as it is written in the file.
fn key_name(key: &Value) -> String {
    match key {
        Value::Str(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Loads the registry of `profile` from `text`.
pub(super) fn load(text: &str, profile: Profile, source: Source) -> Registry {
    let fail = |message: String| Registry::failed(source.clone(), profile, Problem::file(message));

    // Rule 1.
    let doc = match yaml::parse(text) {
        Ok(Value::Null) => return fail("config file is empty".to_owned()),
        Ok(doc) => doc,
        Err(e) => return fail(format!("YAML parse error: {e}")),
    };
    let Some(top) = doc.as_map() else {
        return fail(format!(
            "the document must be a mapping with 'version' and 'profiles', not {}",
            describe(&doc)
        ));
    };

    // Rule 2.
    let (Some(version), Some(profiles)) = (top.get("version"), top.get("profiles")) else {
        let key = if top.contains_key("version") {
            "profiles"
        } else {
            "version"
        };
        return fail(format!("missing required key: '{key}'"));
    };

    // Rule 3.
    match version {
        Value::Int(1) => {}
        Value::Int(v) => return fail(format!("unsupported config version: {v} (expected 1)")),
        other => {
            return fail(format!(
                "'version' must be an integer, not {}",
                describe(other)
            ));
        }
    }

    // Rule 4.
    let Some(profiles) = profiles.as_map() else {
        return fail(format!(
            "'profiles' must be a mapping, not {}",
            describe(profiles)
        ));
    };
    for required in REQUIRED_PROFILES {
        if !profiles.contains_key(required) {
            return fail(format!("missing required profile: '{required}'"));
        }
    }

    // Rules 5–8, every profile in file order.
    let mut registry = Registry {
        source,
        profile,
        events: Vec::new(),
        disabled: Vec::new(),
        problems: Vec::new(),
        failed: false,
    };
    for (name, body) in profiles.iter() {
        let name = key_name(name);
        let selected = name == profile.name();
        let events = match profile_events(&name, body) {
            Ok(events) => events,
            Err(problem) => {
                registry.problems.push(problem);
                if selected {
                    registry.failed = true;
                }
                continue;
            }
        };
        let mut seen: HashMap<String, usize> = HashMap::new();
        for (index, event) in events.iter().enumerate() {
            match check_event(&name, index, event, &mut seen) {
                Ok(valid) if selected => {
                    if valid.enabled {
                        registry.events.push(valid.definition);
                    } else {
                        registry.disabled.push(valid.definition.event_slug);
                    }
                }
                Ok(_) => {}
                Err(problem) => registry.problems.push(problem),
            }
        }
    }
    registry
}

/// Rule 5: the profile's `events` list.
fn profile_events<'a>(name: &str, body: &'a Value) -> Result<&'a [Value], Problem> {
    let problem = |message: String| Problem {
        profile: Some(name.to_owned()),
        event: None,
        field: None,
        message,
    };
    let Some(body) = body.as_map() else {
        return Err(problem(format!(
            "the profile must be a mapping, not {}",
            describe(body)
        )));
    };
    let Some(events) = body.get("events") else {
        return Err(problem("missing required key: 'events'".to_owned()));
    };
    match events {
        Value::Seq(events) => Ok(events),
        other => Err(Problem {
            field: Some("events".to_owned()),
            ..problem(format!("must be a list, not {}", describe(other)))
        }),
    }
}

struct ValidEvent {
    enabled: bool,
    definition: crate::EventDefinition,
}

/// Rules 6–8 for one event.
fn check_event(
    profile: &str,
    index: usize,
    event: &Value,
    seen: &mut HashMap<String, usize>,
) -> Result<ValidEvent, Problem> {
    let mut at = EventAt { index, slug: None };
    let problem = |at: &EventAt, field: Option<&str>, message: String| Problem {
        profile: Some(profile.to_owned()),
        event: Some(at.clone()),
        field: field.map(str::to_owned),
        message,
    };

    let Some(map) = event.as_map() else {
        return Err(problem(
            &at,
            None,
            format!("the event must be a mapping, not {}", describe(event)),
        ));
    };
    // A well-formed slug names the event in the messages that follow.
    if let Some(Value::Str(slug)) = map.get("event_slug")
        && !slug.is_empty()
    {
        at.slug = Some(slug.clone());
    }

    for field in ["event_slug", "handler", "enabled"] {
        if !map.contains_key(field) {
            return Err(problem(
                &at,
                Some(field),
                "missing required field".to_owned(),
            ));
        }
    }
    let non_empty = |field: &str| -> Result<String, Problem> {
        match map.get(field) {
            Some(Value::Str(s)) if !s.is_empty() => Ok(s.clone()),
            Some(Value::Str(_)) => Err(problem(
                &at,
                Some(field),
                "must be a non-empty string, not an empty string".to_owned(),
            )),
            other => Err(problem(
                &at,
                Some(field),
                format!(
                    "must be a non-empty string, not {}",
                    describe(other.unwrap_or(&Value::Null))
                ),
            )),
        }
    };
    let slug = non_empty("event_slug")?;
    let handler = non_empty("handler")?;
    let enabled = match map.get("enabled") {
        Some(Value::Bool(b)) => *b,
        other => {
            return Err(problem(
                &at,
                Some("enabled"),
                format!(
                    "must be a boolean (true or false), not {}",
                    describe(other.unwrap_or(&Value::Null))
                ),
            ));
        }
    };
    if let Some(first) = seen.get(&slug) {
        return Err(problem(
            &at,
            Some("event_slug"),
            format!("duplicate event_slug '{slug}' (already used by the event at index {first})"),
        ));
    }
    seen.insert(slug.clone(), index);
    match map.get("notes") {
        None | Some(Value::Null | Value::Str(_)) => {}
        Some(other) => {
            return Err(problem(
                &at,
                Some("notes"),
                format!("must be a string or null, not {}", describe(other)),
            ));
        }
    }

    // Rule 7.
    let Some(kind) = HandlerKind::from_id(&handler) else {
        let mut ids: Vec<&str> = HandlerKind::ALL.iter().map(|k| k.id()).collect();
        ids.sort_unstable();
        return Err(problem(
            &at,
            Some("handler"),
            format!(
                "unknown handler '{handler}'. Available handlers: {}",
                ids.join(", ")
            ),
        ));
    };

    // Rule 8.
    let mut definition = kind.default_definition(&slug);
    match map.get("config") {
        None | Some(Value::Null) => {}
        Some(Value::Map(config)) => {
            apply_config(&mut definition, config)
                .map_err(|(field, message)| problem(&at, Some(&field), message))?;
        }
        Some(other) => {
            return Err(problem(
                &at,
                Some("config"),
                format!("must be a mapping, not {}", describe(other)),
            ));
        }
    }
    Ok(ValidEvent {
        enabled,
        definition,
    })
}
