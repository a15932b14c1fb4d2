//! Validation of a read configuration: one [`Problem`] per invalid value.

use std::fmt;
use std::net::SocketAddr;

use serde::Serializer;
use url::Url;

use super::Config;
use crate::db::mask_url_password;

/// One invalid configuration value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The configuration key, dotted (`database.url`).
    pub key: String,
    /// What is wrong with it, naming the value unless it is secret.
    pub message: String,
}

impl Problem {
    pub(crate) fn new(key: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            key: key.into(),
            message: message.into(),
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.key, self.message)
    }
}

pub(super) fn render(problems: &[Problem]) -> String {
    problems
        .iter()
        .map(|p| format!("  {p}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The database URL schemes the bot can connect to.
pub const DATABASE_SCHEMES: &[&str] = &["sqlite", "mysql", "mariadb", "postgres", "postgresql"];

pub(super) fn serialize_masked_url<S: Serializer>(url: &str, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&mask_url_password(url))
}

fn check_url(problems: &mut Vec<Problem>, key: &str, value: &str) {
    match Url::parse(value) {
        Ok(u) if matches!(u.scheme(), "http" | "https") => {}
        Ok(u) => problems.push(Problem::new(
            key,
            format!(
                "{value:?} must be an http:// or https:// URL, not {}://",
                u.scheme()
            ),
        )),
        Err(e) => problems.push(Problem::new(key, format!("{value:?} is not a URL ({e})"))),
    }
}

impl Config {
    /// Every invalid value, each with its key. Empty when the configuration is usable.
    pub fn problems(&self) -> Vec<Problem> {
        let mut p = Vec::new();

        let db = &self.database.url;
        match Url::parse(db) {
            Ok(u) if DATABASE_SCHEMES.contains(&u.scheme()) => {}
            Ok(u) => p.push(Problem::new(
                "database.url",
                format!(
                    "{} has scheme {:?}; use one of {}",
                    mask_url_password(db),
                    u.scheme(),
                    DATABASE_SCHEMES.join(", ")
                ),
            )),
            Err(e) => p.push(Problem::new(
                "database.url",
                format!("{} is not a database URL ({e})", mask_url_password(db)),
            )),
        }
        if self.database.max_connections == 0 {
            p.push(Problem::new(
                "database.max_connections",
                "must be at least 1",
            ));
        }
        if self.database.connect_timeout_secs == 0 {
            p.push(Problem::new(
                "database.connect_timeout_secs",
                "must be at least 1",
            ));
        }

        if self.api.listen.parse::<SocketAddr>().is_err() {
            p.push(Problem::new(
                "api.listen",
                format!(
                    "{:?} is not an address like 127.0.0.1:5001",
                    self.api.listen
                ),
            ));
        }
        check_url(&mut p, "api.app_url", &self.api.app_url);

        if !self.discord.client_id.is_empty()
            && !self.discord.client_id.chars().all(|c| c.is_ascii_digit())
        {
            p.push(Problem::new(
                "discord.client_id",
                format!(
                    "{:?} is not a Discord application id (digits only)",
                    self.discord.client_id
                ),
            ));
        }
        let d = &self.discord;
        if d.shard_total > 0
            && (d.shard_count == 0 || d.shard_first + d.shard_count > d.shard_total)
        {
            p.push(Problem::new(
                "discord.shard_count",
                format!(
                    "shards {}..{} do not fit in {} shard(s); shard_count must be at least 1",
                    d.shard_first,
                    d.shard_first + d.shard_count,
                    d.shard_total
                ),
            ));
        }
        if self.audit.retention_days == 0 {
            p.push(Problem::new("audit.retention_days", "must be at least 1"));
        }
        if self.audit.prune_interval_secs == 0 {
            p.push(Problem::new(
                "audit.prune_interval_secs",
                "must be at least 1",
            ));
        }
        if self.audit.bad_domains_refresh_secs == 0 {
            p.push(Problem::new(
                "audit.bad_domains_refresh_secs",
                "must be at least 1",
            ));
        }

        let rt = &self.racetime;
        if rt.host.trim().is_empty() {
            p.push(Problem::new("racetime.host", "must not be empty"));
        }
        check_url(&mut p, "racetime.url", &rt.url);
        if rt.command_prefix.is_empty() || rt.command_prefix.contains(char::is_whitespace) {
            p.push(Problem::new(
                "racetime.command_prefix",
                format!(
                    "{:?} must be non-empty and without spaces",
                    rt.command_prefix
                ),
            ));
        }
        for (slug, creds) in &rt.categories {
            let valid_slug = !slug.is_empty()
                && slug
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
            if !valid_slug {
                p.push(Problem::new(
                    format!("racetime.categories.{slug}"),
                    "a category slug holds only lower-case letters, digits and '-'",
                ));
            }
            let has_id = !creds.client_id.trim().is_empty();
            let has_secret = !creds.client_secret.is_blank();
            if has_id != has_secret {
                let missing = if has_id { "client_secret" } else { "client_id" };
                p.push(Problem::new(
                    format!("racetime.categories.{slug}.{missing}"),
                    format!("must be set too (set both, or neither to disable {slug})"),
                ));
            }
        }

        check_url(&mut p, "alttpr.baseurl", &self.alttpr.baseurl);
        check_url(
            &mut p,
            "speedgaming.api_endpoint",
            &self.speedgaming.api_endpoint,
        );

        let t = &self.telemetry;
        if !(0.0..=1.0).contains(&t.sample_rate) {
            p.push(Problem::new(
                "telemetry.sample_rate",
                format!("{} must be between 0 and 1", t.sample_rate),
            ));
        }
        if t.queue_size == 0 {
            p.push(Problem::new("telemetry.queue_size", "must be at least 1"));
        }
        if t.retention_days == 0 {
            p.push(Problem::new(
                "telemetry.retention_days",
                "must be at least 1",
            ));
        }
        p
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_config_is_valid() {
        assert_eq!(Config::default().problems(), vec![]);
    }

    #[test]
    fn each_invalid_value_is_named() {
        let mut c = Config::default();
        c.database.url = "redis://u:pw@localhost/0".into();
        c.api.listen = "localhost".into();
        c.telemetry.sample_rate = 2.0;
        c.racetime.categories.insert(
            "alttpr".into(),
            super::super::CategoryCredentials {
                client_id: "abc".into(),
                ..Default::default()
            },
        );
        let keys: Vec<String> = c.problems().into_iter().map(|p| p.to_string()).collect();
        assert_eq!(
            keys,
            vec![
                "database.url: redis://u:****@localhost/0 has scheme \"redis\"; use one of sqlite, mysql, mariadb, postgres, postgresql",
                "api.listen: \"localhost\" is not an address like 127.0.0.1:5001",
                "racetime.categories.alttpr.client_secret: must be set too (set both, or neither to disable alttpr)",
                "telemetry.sample_rate: 2 must be between 0 and 1",
            ]
        );
    }
}
