//! The active tournament registry (`tournament.md` §4): which events the loops serve, each
//! with the handler that runs it and the [`EventDefinition`] it runs with.
//!
//! Two sources, chosen by `tournament.config_enabled` (`TOURNAMENT_CONFIG_ENABLED`):
//! - **built-in** (the default): derived from the handler catalog — production serves
//!   `alttpr`, `alttprdaily`, `smz3`, `invleague`, `alttprleague` in that order; debug serves
//!   `test` ([`fallback`]). Each event's slug is its handler's catalog id.
//! - **the registry file** (`tournament.registry_file`, `config/tournaments.yaml`): schema
//!   version 1, validated rule by rule in the original's order (`docs/tournaments.md`).
//!   The profile is `debug` when `debug` is set, else `production`; the registry holds that
//!   profile's enabled events in file order. An event may carry a `config:` block
//!   overriding its handler's built-in definition.
//!
//! A bad file does not stop the bot: every problem is reported with its profile, event and
//! field ([`Problem`]); an event with a problem is skipped and the rest are served. A
//! problem with the file itself (unreadable, not YAML, a missing `profiles`, a wrong
//! `version`, …) leaves the registry empty.
//!
//! Divergence from the original: `version` must be a real integer; YAML `true` (which
//! Python accepts as 1) is refused.

mod load;
mod overrides;

use std::fmt;
use std::path::{Path, PathBuf};

use sahasrahbot_core::config::Config;
use tracing::{error, info};

use crate::definition::{EventDefinition, HandlerKind};

pub use overrides::CONFIG_KEYS;

/// A profile of the registry file, selected by the `debug` setting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Profile {
    /// `debug`: used when `debug` is set.
    Debug,
    /// `production`: used otherwise.
    Production,
}

impl Profile {
    /// The profile for the `debug` setting.
    pub fn from_debug(debug: bool) -> Self {
        if debug {
            Profile::Debug
        } else {
            Profile::Production
        }
    }

    /// The profile's key in the registry file.
    pub fn name(self) -> &'static str {
        match self {
            Profile::Debug => "debug",
            Profile::Production => "production",
        }
    }
}

impl fmt::Display for Profile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The built-in profile a catalog handler belongs to, if any. Every catalog entry must be
/// placed here (the match is exhaustive), so the fallback cannot drift from the catalog.
fn builtin_profile(kind: HandlerKind) -> Option<Profile> {
    match kind {
        HandlerKind::Test => Some(Profile::Debug),
        HandlerKind::AlttprQualifier
        | HandlerKind::AlttprDaily
        | HandlerKind::Smz3Weekly
        | HandlerKind::InvLeague
        | HandlerKind::AlttprLeague => Some(Profile::Production),
        HandlerKind::Boots
        | HandlerKind::NoLogic
        | HandlerKind::Smwde
        | HandlerKind::AlttprHmg
        | HandlerKind::AlttprMini
        | HandlerKind::AlttprDe
        | HandlerKind::Smrl => None,
    }
}

/// The built-in registry of `profile`: the catalog entries placed in it, in catalog order.
/// Each serves the event whose slug is its catalog id.
pub fn fallback(profile: Profile) -> Vec<HandlerKind> {
    HandlerKind::ALL
        .into_iter()
        .filter(|k| builtin_profile(*k) == Some(profile))
        .collect()
}

/// Where the registry came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// The built-in registry ([`fallback`]).
    Builtin,
    /// A registry file (`None`: YAML given as text).
    File(Option<PathBuf>),
}

/// Where in the registry file a problem is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventAt {
    /// The event's index in its profile's `events` list, from 0.
    pub index: usize,
    /// The event's slug, when it has a valid one.
    pub slug: Option<String>,
}

/// One problem found in the registry file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The profile it is in; `None` for a problem of the whole file.
    pub profile: Option<String>,
    /// The event it is in; `None` for a problem of the file or a whole profile.
    pub event: Option<EventAt>,
    /// The field (`handler`, `config.guild_id`, …), when one is to blame.
    pub field: Option<String>,
    /// What is wrong.
    pub message: String,
}

impl Problem {
    fn file(message: impl Into<String>) -> Self {
        Self {
            profile: None,
            event: None,
            field: None,
            message: message.into(),
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut parts = Vec::new();
        if let Some(profile) = &self.profile {
            parts.push(format!("profile '{profile}'"));
        }
        if let Some(at) = &self.event {
            match &at.slug {
                Some(slug) => parts.push(format!("event at index {} ('{slug}')", at.index)),
                None => parts.push(format!("event at index {}", at.index)),
            }
        }
        if let Some(field) = &self.field {
            parts.push(format!("field '{field}'"));
        }
        if parts.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "{}: {}", parts.join(", "), self.message)
        }
    }
}

/// The active registry.
#[derive(Debug, Clone)]
pub struct Registry {
    source: Source,
    profile: Profile,
    events: Vec<EventDefinition>,
    disabled: Vec<String>,
    problems: Vec<Problem>,
    failed: bool,
}

impl Registry {
    /// The registry the configuration asks for: the file when `tournament.config_enabled`,
    /// else the built-in one; profile by `debug`. Logs a summary line, and every problem
    /// of the file as an error.
    pub fn from_config(config: &Config) -> Self {
        let profile = Profile::from_debug(config.debug);
        let registry = if config.tournament.config_enabled {
            Self::load_file(&config.tournament.registry_file, profile)
        } else {
            Self::builtin(profile)
        };
        registry.log();
        registry
    }

    /// The built-in registry of `profile`.
    pub fn builtin(profile: Profile) -> Self {
        Self {
            source: Source::Builtin,
            profile,
            events: fallback(profile)
                .into_iter()
                .map(|k| k.default_definition(k.id()))
                .collect(),
            disabled: Vec::new(),
            problems: Vec::new(),
            failed: false,
        }
    }

    /// The registry read from the file at `path`, for `profile`.
    pub fn load_file(path: &Path, profile: Profile) -> Self {
        let source = Source::File(Some(path.to_owned()));
        match std::fs::read_to_string(path) {
            Ok(text) => load::load(&text, profile, source),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Self::failed(
                source,
                profile,
                Problem::file(format!("config file not found: {}", path.display())),
            ),
            Err(e) => Self::failed(
                source,
                profile,
                Problem::file(format!("error reading config file {}: {e}", path.display())),
            ),
        }
    }

    /// The registry read from YAML text, for `profile`.
    pub fn from_yaml(text: &str, profile: Profile) -> Self {
        load::load(text, profile, Source::File(None))
    }

    fn failed(source: Source, profile: Profile, problem: Problem) -> Self {
        Self {
            source,
            profile,
            events: Vec::new(),
            disabled: Vec::new(),
            problems: vec![problem],
            failed: true,
        }
    }

    /// The active events, in registry order.
    pub fn events(&self) -> &[EventDefinition] {
        &self.events
    }

    /// The active event with this slug.
    pub fn get(&self, event_slug: &str) -> Option<&EventDefinition> {
        self.events.iter().find(|e| e.event_slug == event_slug)
    }

    /// The active slugs, in order.
    pub fn slugs(&self) -> Vec<&str> {
        self.events.iter().map(|e| e.event_slug.as_str()).collect()
    }

    /// The slugs of the selected profile's valid events that are disabled, in file order.
    pub fn disabled(&self) -> &[String] {
        &self.disabled
    }

    /// Every problem found in the file, in file order.
    pub fn problems(&self) -> &[Problem] {
        &self.problems
    }

    /// Whether the file (or the selected profile as a whole) could not be used, so the
    /// registry is empty.
    pub fn is_failed(&self) -> bool {
        self.failed
    }

    /// The selected profile.
    pub fn profile(&self) -> Profile {
        self.profile
    }

    /// Where the registry came from.
    pub fn source(&self) -> &Source {
        &self.source
    }

    /// One line describing the registry: source, profile, counts and the active slugs.
    pub fn summary(&self) -> String {
        let source = match &self.source {
            Source::Builtin => "hardcoded".to_owned(),
            Source::File(Some(path)) => format!("config ({})", path.display()),
            Source::File(None) => "config".to_owned(),
        };
        format!(
            "Tournament Registry: source={source}, profile={}, enabled_events_count={}, disabled_events_count={}, problems={}, enabled_event_slugs=[{}]",
            self.profile,
            self.events.len(),
            self.disabled.len(),
            self.problems.len(),
            self.slugs().join(", ")
        )
    }

    /// Logs [`summary`](Self::summary) and each problem (as errors).
    pub fn log(&self) {
        for problem in &self.problems {
            let fatal = self.failed
                && problem.event.is_none()
                && problem
                    .profile
                    .as_deref()
                    .is_none_or(|p| p == self.profile.name());
            if fatal {
                error!("tournament registry: {problem}; no tournament events are served");
            } else {
                error!("tournament registry: {problem}; skipped");
            }
        }
        info!("{}", self.summary());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fallback_is_derived_from_the_catalog() {
        let ids = |p| {
            fallback(p)
                .into_iter()
                .map(HandlerKind::id)
                .collect::<Vec<_>>()
        };
        assert_eq!(
            ids(Profile::Production),
            ["alttpr", "alttprdaily", "smz3", "invleague", "alttprleague"]
        );
        assert_eq!(ids(Profile::Debug), ["test"]);
        // Every catalog entry has exactly one place: a built-in profile or none.
        let placed = HandlerKind::ALL
            .into_iter()
            .filter(|k| builtin_profile(*k).is_some())
            .count();
        assert_eq!(placed, 6);
    }

    #[test]
    fn problem_display_names_profile_event_and_field() {
        let p = Problem {
            profile: Some("production".into()),
            event: Some(EventAt {
                index: 3,
                slug: Some("boots".into()),
            }),
            field: Some("enabled".into()),
            message: "must be a boolean".into(),
        };
        assert_eq!(
            p.to_string(),
            "profile 'production', event at index 3 ('boots'), field 'enabled': must be a boolean"
        );
        assert_eq!(
            Problem::file("config file is empty").to_string(),
            "config file is empty"
        );
    }
}
