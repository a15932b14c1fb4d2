//! Database connection and the sea-orm entities of the bot's tables.
//!
//! - [`connect`] opens SQLite (`sqlite://path`, `sqlite::memory:`), MySQL/MariaDB
//!   (`mysql://`, `mariadb://`) or PostgreSQL (`postgres://`, `postgresql://`) by URL;
//! - [`ping`] answers the healthcheck;
//! - [`mask_url_password`] makes a URL safe to log;
//! - [`entities`] holds one sea-orm entity per table the bot uses.
//!
//! The schema itself (and the adoption of a Python-bot database) lives in the
//! `sahasrahbot-migrations` crate; the binary runs it after [`connect`].

pub mod entities;

use std::path::Path;
use std::time::Duration;

use sea_orm::{ConnectOptions, ConnectionTrait, Database, DatabaseConnection};

use crate::{Error, Result};

/// Pool settings for [`connect`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DbOptions {
    /// Largest number of pooled connections (SQLite in-memory databases always use 1).
    pub max_connections: u32,
    /// How long to wait for the server when opening a connection.
    pub connect_timeout: Duration,
    /// How long a query may wait for a free pooled connection.
    pub acquire_timeout: Duration,
    /// Log every SQL statement (sqlx logging).
    pub log_statements: bool,
}

impl Default for DbOptions {
    fn default() -> Self {
        Self {
            max_connections: 10,
            connect_timeout: Duration::from_secs(10),
            acquire_timeout: Duration::from_secs(30),
            log_statements: false,
        }
    }
}

/// The URL with its password, if any, replaced by `****`:
/// `mysql://user:secret@host:3306/db` → `mysql://user:****@host:3306/db`.
///
/// URLs without a password (and strings that are not URLs) come back unchanged.
pub fn mask_url_password(url: &str) -> String {
    let Some(scheme_end) = url.find("://") else {
        return url.to_owned();
    };
    let authority_start = scheme_end + 3;
    let authority_end = url[authority_start..]
        .find(['/', '?', '#'])
        .map_or(url.len(), |i| authority_start + i);
    let authority = &url[authority_start..authority_end];
    let Some(at) = authority.rfind('@') else {
        return url.to_owned();
    };
    let Some(colon) = authority[..at].find(':') else {
        return url.to_owned();
    };
    format!(
        "{}{}:****{}",
        &url[..authority_start],
        &authority[..colon],
        &url[authority_start + at..]
    )
}

/// A URL [`connect`] can hand to sea-orm: the backend checked, `mariadb://` rewritten to
/// `mysql://`, SQLite files opened in `mode=rwc`. Returns the URL and whether it is an
/// in-memory SQLite database.
fn normalise_url(url: &str) -> Result<(String, bool)> {
    let url = url.trim();
    let invalid = |reason: String| Error::DatabaseUrl {
        url: mask_url_password(url),
        reason,
    };
    let Some((scheme, rest)) = url.split_once(':') else {
        return Err(invalid(
            "expected sqlite://, mysql://, mariadb:// or postgres://".to_owned(),
        ));
    };
    match scheme.to_ascii_lowercase().as_str() {
        "sqlite" => {
            let rest = rest.strip_prefix("//").unwrap_or(rest);
            let (path, query) = match rest.split_once('?') {
                Some((p, q)) => (p, Some(q)),
                None => (rest, None),
            };
            if path.is_empty() {
                return Err(invalid("no SQLite file path".to_owned()));
            }
            if path.starts_with(":memory:") || query.is_some_and(|q| q.contains("mode=memory")) {
                return Ok((format!("sqlite:{rest}"), true));
            }
            if let Some(parent) = Path::new(path).parent()
                && !parent.as_os_str().is_empty()
            {
                std::fs::create_dir_all(parent).map_err(|e| {
                    invalid(format!("cannot create directory {}: {e}", parent.display()))
                })?;
            }
            let query = match query {
                Some(q) if q.split('&').any(|kv| kv.starts_with("mode=")) => q.to_owned(),
                Some(q) if !q.is_empty() => format!("{q}&mode=rwc"),
                _ => "mode=rwc".to_owned(),
            };
            Ok((format!("sqlite://{path}?{query}"), false))
        }
        "mysql" | "postgres" | "postgresql" if rest.starts_with("//") => {
            Ok((url.to_owned(), false))
        }
        "mariadb" if rest.starts_with("//") => Ok((format!("mysql:{rest}"), false)),
        other => Err(invalid(format!(
            "unsupported scheme `{other}`: expected sqlite://, mysql://, mariadb:// or postgres://"
        ))),
    }
}

/// Opens a connection pool to the database at `url`.
///
/// Accepts `sqlite://path` (relative or `sqlite:///absolute`; the parent directory and
/// the file are created when missing), `sqlite::memory:`, `mysql://`, `mariadb://`,
/// `postgres://` and `postgresql://`. Does not run migrations.
///
/// # Errors
/// [`Error::DatabaseUrl`] for an unsupported or malformed URL, [`Error::DatabaseConnect`]
/// when the database cannot be opened or reached; both name the URL with its password
/// masked.
pub async fn connect(url: &str, options: &DbOptions) -> Result<DatabaseConnection> {
    let (normalised, in_memory) = normalise_url(url)?;
    let mut opts = ConnectOptions::new(normalised);
    opts.connect_timeout(options.connect_timeout)
        .acquire_timeout(options.acquire_timeout)
        .sqlx_logging(options.log_statements);
    if in_memory {
        // Keep exactly one connection alive: the database lives as long as it does.
        opts.max_connections(1).min_connections(1);
    } else {
        opts.max_connections(options.max_connections.max(1));
    }
    let db = Database::connect(opts)
        .await
        .map_err(|source| Error::DatabaseConnect {
            url: mask_url_password(url),
            source,
        })?;
    tracing::debug!(url = %mask_url_password(url), backend = ?db.get_database_backend(), "database connected");
    Ok(db)
}

/// Whether the database answers (for `/healthcheck`).
pub async fn ping(db: &DatabaseConnection) -> bool {
    db.ping().await.is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_masked() {
        assert_eq!(
            mask_url_password("mysql://user:secret@host:3306/db"),
            "mysql://user:****@host:3306/db"
        );
        assert_eq!(
            mask_url_password("postgres://u:p%40ss@h/db?sslmode=require"),
            "postgres://u:****@h/db?sslmode=require"
        );
        assert_eq!(
            mask_url_password("mysql://root@127.0.0.1:3306/test"),
            "mysql://root@127.0.0.1:3306/test"
        );
        assert_eq!(
            mask_url_password("sqlite://data/sahasrahbot.db"),
            "sqlite://data/sahasrahbot.db"
        );
        assert_eq!(mask_url_password("not a url"), "not a url");
        assert_eq!(
            mask_url_password("mysql://user:pa:ss@word@host/db"),
            "mysql://user:****@host/db"
        );
    }

    #[test]
    fn urls_are_normalised() {
        let n = |u: &str| normalise_url(u).map(|(u, _)| u);
        assert_eq!(
            n("mariadb://u:p@h:3306/db").ok().as_deref(),
            Some("mysql://u:p@h:3306/db")
        );
        assert_eq!(
            n("postgresql://h/db").ok().as_deref(),
            Some("postgresql://h/db")
        );
        assert_eq!(
            normalise_url("sqlite::memory:").ok(),
            Some(("sqlite::memory:".to_owned(), true))
        );
        let err = normalise_url("redis://u:hunter2@h/0").expect_err("unsupported");
        let msg = err.to_string();
        assert!(msg.contains("redis://u:****@h/0"), "{msg}");
        assert!(!msg.contains("hunter2"), "{msg}");
        assert!(normalise_url("mysql:/nohost").is_err());
    }
}
