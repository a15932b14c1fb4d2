//! The Python bot's environment variable names, mapped onto this configuration.
//!
//! An existing deployment's environment (or `.env` file loaded by its service manager)
//! keeps working: `DISCORD_TOKEN` sets `discord.token`, `RACETIME_CLIENT_ID_SMWHACKS` sets
//! `racetime.categories.smw-hacks.client_id`, and `DB_HOST`/`DB_PORT`/`DB_USER`/`DB_PASS`/
//! `DB_NAME` together make `database.url` (MySQL, as the Python bot used). `DATABASE_URL`,
//! when set, wins over the `DB_*` parts. Names are matched case-insensitively, as
//! pydantic-settings did.

use figment::value::{Dict, Map, Value};
use figment::{Error, Metadata, Profile, Provider};

use super::{DEBUG_CATEGORIES, PRODUCTION_CATEGORIES};

/// How a legacy value is typed before it reaches the configuration.
#[derive(Debug, Clone, Copy)]
enum Kind {
    Text,
    Bool,
    Int,
    Float,
}

/// Every plain legacy name: (environment name, configuration key, type).
const NAMES: &[(&str, &str, Kind)] = &[
    ("DEBUG", "debug", Kind::Bool),
    ("APP_URL", "api.app_url", Kind::Text),
    ("APP_SECRET_KEY", "api.secret_key", Kind::Text),
    ("APP_LISTEN", "api.listen", Kind::Text),
    ("DISCORD_TOKEN", "discord.token", Kind::Text),
    ("DISCORD_CLIENT_ID", "discord.client_id", Kind::Text),
    ("DISCORD_CLIENT_SECRET", "discord.client_secret", Kind::Text),
    (
        "DISCORD_ROLE_ASSIGNMENT_ENABLED",
        "discord.role_assignment_enabled",
        Kind::Bool,
    ),
    (
        "ALTTP_RANDOMIZER_SERVERS",
        "discord.alttp_randomizer_servers",
        Kind::Text,
    ),
    (
        "MAIN_TOURNAMENT_SERVERS",
        "discord.main_tournament_servers",
        Kind::Text,
    ),
    (
        "CC_TOURNAMENT_SERVERS",
        "discord.cc_tournament_servers",
        Kind::Text,
    ),
    (
        "CC_TOURNAMENT_AUDIT_CHANNELS",
        "discord.cc_tournament_audit_channels",
        Kind::Text,
    ),
    ("AUDIT_DISCORD_TOKEN", "audit.token", Kind::Text),
    ("RACETIME_HOST", "racetime.host", Kind::Text),
    ("RACETIME_PORT", "racetime.port", Kind::Int),
    ("RACETIME_SECURE", "racetime.secure", Kind::Bool),
    ("RACETIME_URL", "racetime.url", Kind::Text),
    (
        "RACETIME_COMMAND_PREFIX",
        "racetime.command_prefix",
        Kind::Text,
    ),
    (
        "RACETIME_CLIENT_ID_OAUTH",
        "racetime.oauth_client_id",
        Kind::Text,
    ),
    (
        "RACETIME_CLIENT_SECRET_OAUTH",
        "racetime.oauth_client_secret",
        Kind::Text,
    ),
    ("ALTTPR_BASEURL", "alttpr.baseurl", Kind::Text),
    ("ALTTPR_USERNAME", "alttpr.username", Kind::Text),
    ("ALTTPR_PASSWORD", "alttpr.password", Kind::Text),
    ("ALTTP_ROM", "roms.alttp_rom", Kind::Text),
    ("DOOR_RANDO_HOME", "roms.door_rando_home", Kind::Text),
    (
        "AWS_SPOILER_BUCKET_NAME",
        "spoilers.aws_spoiler_bucket_name",
        Kind::Text,
    ),
    (
        "SPOILERLOGURLBASE",
        "spoilers.spoiler_log_url_base",
        Kind::Text,
    ),
    (
        "SAHASRAHBOT_BUCKET",
        "spoilers.sahasrahbot_bucket",
        Kind::Text,
    ),
    ("SG_API_ENDPOINT", "speedgaming.api_endpoint", Kind::Text),
    ("SG_DISCORD_WEBHOOK", "webhooks.sg_discord", Kind::Text),
    (
        "BINGO_COLLAB_DISCORD_WEBHOOK",
        "webhooks.bingo_collab_discord",
        Kind::Text,
    ),
    ("OOTR_API_KEY", "ootr.api_key", Kind::Text),
    ("SENTRY_URL", "sentry.url", Kind::Text),
    (
        "TOURNAMENT_CONFIG_ENABLED",
        "tournament.config_enabled",
        Kind::Bool,
    ),
    ("TELEMETRY_ENABLED", "telemetry.enabled", Kind::Bool),
    (
        "TELEMETRY_SAMPLE_RATE",
        "telemetry.sample_rate",
        Kind::Float,
    ),
    (
        "TELEMETRY_RETENTION_DAYS",
        "telemetry.retention_days",
        Kind::Int,
    ),
    ("TELEMETRY_HASH_SALT", "telemetry.hash_salt", Kind::Text),
    ("TELEMETRY_QUEUE_SIZE", "telemetry.queue_size", Kind::Int),
];

/// The Python bot's `DB_*` names and their defaults there.
const DB_PARTS: [(&str, &str); 5] = [
    ("DB_HOST", "localhost"),
    ("DB_PORT", "3306"),
    ("DB_USER", "sahasrahbot"),
    ("DB_PASS", ""),
    ("DB_NAME", "sahasrahbot"),
];

const ID_PREFIX: &str = "RACETIME_CLIENT_ID_";
const SECRET_PREFIX: &str = "RACETIME_CLIENT_SECRET_";

/// The environment name part of a category slug: upper-cased, dashes removed
/// (`smw-hacks` → `SMWHACKS`).
pub fn env_slug(slug: &str) -> String {
    slug.replace('-', "").to_uppercase()
}

/// The category slug an environment name part stands for: a known category whose
/// [`env_slug`] matches, else the part lower-cased.
fn slug_from_env(part: &str) -> String {
    PRODUCTION_CATEGORIES
        .iter()
        .chain(DEBUG_CATEGORIES)
        .find(|slug| env_slug(slug).eq_ignore_ascii_case(part))
        .map_or_else(|| part.to_lowercase(), |slug| (*slug).to_owned())
}

/// A figment provider reading the Python bot's environment names from the process
/// environment.
#[derive(Debug, Clone, Copy, Default)]
pub struct LegacyEnv;

impl LegacyEnv {
    /// The configuration these variables make: pairs of (dotted key, value).
    fn entries(vars: impl IntoIterator<Item = (String, String)>) -> Vec<(String, Value)> {
        let vars: Vec<(String, String)> = vars
            .into_iter()
            .map(|(k, v)| (k.to_uppercase(), v))
            .collect();
        let get = |name: &str| {
            vars.iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.as_str())
        };
        let mut out = Vec::new();

        for (name, key, kind) in NAMES {
            if let Some(raw) = get(name) {
                out.push(((*key).to_owned(), typed(raw, *kind)));
            }
        }
        for (name, value) in &vars {
            if name == "RACETIME_CLIENT_ID_OAUTH" || name == "RACETIME_CLIENT_SECRET_OAUTH" {
                continue;
            }
            let (part, field) = if let Some(part) = name.strip_prefix(ID_PREFIX) {
                (part, "client_id")
            } else if let Some(part) = name.strip_prefix(SECRET_PREFIX) {
                (part, "client_secret")
            } else {
                continue;
            };
            if !part.is_empty() {
                let key = format!("racetime.categories.{}.{field}", slug_from_env(part));
                out.push((key, Value::from(value.clone())));
            }
        }

        if let Some(url) = get("DATABASE_URL") {
            out.push(("database.url".into(), Value::from(url.to_owned())));
        } else if DB_PARTS.iter().any(|(name, _)| get(name).is_some()) {
            let part = |name: &str, default: &str| get(name).unwrap_or(default).to_owned();
            let [host, port, user, pass, db] = DB_PARTS.map(|(n, d)| part(n, d));
            let url = format!(
                "mysql://{}:{}@{host}:{port}/{db}",
                url::form_urlencoded::byte_serialize(user.as_bytes()).collect::<String>(),
                url::form_urlencoded::byte_serialize(pass.as_bytes()).collect::<String>(),
            );
            out.push(("database.url".into(), Value::from(url)));
        }
        out
    }
}

/// Types a raw environment value; a value that does not parse stays text so that
/// extraction reports it with its key.
fn typed(raw: &str, kind: Kind) -> Value {
    let trimmed = raw.trim();
    match kind {
        Kind::Text => Value::from(raw.to_owned()),
        Kind::Bool => match trimmed.to_ascii_lowercase().as_str() {
            "1" | "true" | "t" | "yes" | "y" | "on" => Value::from(true),
            "0" | "false" | "f" | "no" | "n" | "off" => Value::from(false),
            _ => Value::from(raw.to_owned()),
        },
        Kind::Int => trimmed
            .parse::<i64>()
            .map_or_else(|_| Value::from(raw.to_owned()), Value::from),
        Kind::Float => trimmed
            .parse::<f64>()
            .map_or_else(|_| Value::from(raw.to_owned()), Value::from),
    }
}

impl Provider for LegacyEnv {
    fn metadata(&self) -> Metadata {
        Metadata::named("the Python bot's environment variables")
    }

    fn data(&self) -> Result<Map<Profile, Dict>, Error> {
        let mut dict = Dict::new();
        for (key, value) in Self::entries(std::env::vars()) {
            insert_dotted(&mut dict, &key, value);
        }
        Ok(Profile::Default.collect(dict))
    }
}

/// Inserts `value` at the dotted `key`, creating nested dictionaries.
fn insert_dotted(dict: &mut Dict, key: &str, value: Value) {
    match key.split_once('.') {
        None => {
            dict.insert(key.to_owned(), value);
        }
        Some((head, rest)) => {
            let entry = dict
                .entry(head.to_owned())
                .or_insert_with(|| Value::from(Dict::new()));
            if !matches!(entry, Value::Dict(..)) {
                *entry = Value::from(Dict::new());
            }
            if let Value::Dict(_, inner) = entry {
                insert_dotted(inner, rest, value);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    fn find<'a>(entries: &'a [(String, Value)], key: &str) -> Option<&'a Value> {
        entries.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    #[test]
    fn category_names_map_back_to_slugs() {
        let e = LegacyEnv::entries(vars(&[
            ("RACETIME_CLIENT_ID_SMWHACKS", "id1"),
            ("RACETIME_CLIENT_SECRET_CTJETS", "s2"),
            ("racetime_client_id_test", "id3"),
            ("RACETIME_CLIENT_ID_NEWGAME", "id4"),
            ("RACETIME_CLIENT_ID_OAUTH", "oauth"),
        ]));
        assert_eq!(
            find(&e, "racetime.categories.smw-hacks.client_id").and_then(Value::as_str),
            Some("id1")
        );
        assert_eq!(
            find(&e, "racetime.categories.ct-jets.client_secret").and_then(Value::as_str),
            Some("s2")
        );
        assert_eq!(
            find(&e, "racetime.categories.test.client_id").and_then(Value::as_str),
            Some("id3")
        );
        assert_eq!(
            find(&e, "racetime.categories.newgame.client_id").and_then(Value::as_str),
            Some("id4")
        );
        assert_eq!(
            find(&e, "racetime.oauth_client_id").and_then(Value::as_str),
            Some("oauth")
        );
        assert!(find(&e, "racetime.categories.oauth.client_id").is_none());
    }

    #[test]
    fn db_parts_make_a_mysql_url_with_defaults_and_quoting() {
        let e = LegacyEnv::entries(vars(&[("DB_HOST", "db.example"), ("DB_PASS", "p@ss/w:rd")]));
        assert_eq!(
            find(&e, "database.url").and_then(Value::as_str),
            Some("mysql://sahasrahbot:p%40ss%2Fw%3Ard@db.example:3306/sahasrahbot")
        );
    }

    #[test]
    fn database_url_wins_over_parts() {
        let e = LegacyEnv::entries(vars(&[("DB_HOST", "x"), ("DATABASE_URL", "sqlite://a.db")]));
        assert_eq!(
            find(&e, "database.url").and_then(Value::as_str),
            Some("sqlite://a.db")
        );
    }

    #[test]
    fn values_are_typed_like_pydantic() {
        let e = LegacyEnv::entries(vars(&[
            ("DEBUG", "yes"),
            ("RACETIME_PORT", "443"),
            ("RACETIME_SECURE", "banana"),
            ("DISCORD_CLIENT_ID", "1234"),
        ]));
        assert_eq!(find(&e, "debug").and_then(Value::to_bool), Some(true));
        assert_eq!(
            find(&e, "racetime.port").and_then(Value::to_i128),
            Some(443)
        );
        assert_eq!(
            find(&e, "racetime.secure").and_then(Value::as_str),
            Some("banana")
        );
        assert_eq!(
            find(&e, "discord.client_id").and_then(Value::as_str),
            Some("1234")
        );
    }
}
