//! Throw-away databases for tests, one per available backend.
//!
//! [`TestDb::all`] always yields a fresh SQLite database in a temporary directory, plus a
//! freshly created, uniquely named database on MariaDB/MySQL when `TEST_MYSQL_URL` is set
//! and on PostgreSQL when `TEST_POSTGRES_URL` is set (CI sets both; e.g.
//! `mysql://root@127.0.0.1:3306/test` and `postgres://postgres@127.0.0.1:5432/test`; the
//! database named in the URL is not used, only the server and credentials). Server
//! databases are dropped when the [`TestDb`] is dropped; their names carry the process id
//! and a counter, so parallel test processes never collide.
//!
//! The databases are empty: tests run the migrations themselves.

use std::fmt;
use std::path::PathBuf;
use std::sync::Once;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use sea_orm::{ConnectOptions, ConnectionTrait, Database, DatabaseConnection, TransactionTrait};

/// Environment variable naming a MariaDB/MySQL server for tests.
pub const MYSQL_ENV: &str = "TEST_MYSQL_URL";
/// Environment variable naming a PostgreSQL server for tests.
pub const POSTGRES_ENV: &str = "TEST_POSTGRES_URL";

/// Which database server a [`TestDb`] runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// SQLite, a file in a temporary directory.
    Sqlite,
    /// MariaDB or MySQL (`TEST_MYSQL_URL`).
    MySql,
    /// PostgreSQL (`TEST_POSTGRES_URL`).
    Postgres,
}

impl Backend {
    /// A short name for assertion messages: `sqlite`, `mysql`, `postgres`.
    pub fn name(self) -> &'static str {
        match self {
            Self::Sqlite => "sqlite",
            Self::MySql => "mysql",
            Self::Postgres => "postgres",
        }
    }
}

impl fmt::Display for Backend {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A fresh, empty database for one test.
pub struct TestDb {
    conn: DatabaseConnection,
    backend: Backend,
    url: String,
    /// Server URL to connect to for `DROP DATABASE`, and the database name.
    server: Option<(String, String)>,
    _dir: Option<tempfile::TempDir>,
}

impl fmt::Debug for TestDb {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TestDb")
            .field("backend", &self.backend)
            .field("url", &self.url)
            .finish_non_exhaustive()
    }
}

static COUNTER: AtomicU32 = AtomicU32::new(0);
static SKIP_NOTICE: Once = Once::new();

fn connect_options(url: &str) -> ConnectOptions {
    let mut opts = ConnectOptions::new(url.to_owned());
    opts.sqlx_logging(false)
        .max_connections(4)
        .connect_timeout(Duration::from_secs(10));
    opts
}

fn unique_name() -> String {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    format!(
        "sbtest_{}_{}_{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed),
        nanos % 1_000_000
    )
}

/// `url` with its path (database name) replaced by `/{db}` (or removed when `db` is empty).
fn with_database(url: &str, db: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let authority_start = base.find("://").map_or(0, |i| i + 3);
    let path_start = base[authority_start..]
        .find('/')
        .map_or(base.len(), |i| authority_start + i);
    let mut out = format!("{}/{}", &base[..path_start], db);
    if let Some(q) = query {
        out.push('?');
        out.push_str(q);
    }
    out
}

impl TestDb {
    /// Every available backend: SQLite always, MariaDB/PostgreSQL when their environment
    /// variables are set. Prints once per process which server backends are skipped.
    ///
    /// # Panics
    /// When a configured server cannot be reached or the database cannot be created: a
    /// set variable means the test run expects that backend.
    pub async fn all() -> Vec<TestDb> {
        let mut dbs = vec![Self::sqlite().await];
        let mut skipped = Vec::new();
        match Self::mysql().await {
            Some(db) => dbs.push(db),
            None => skipped.push(format!("MariaDB/MySQL ({MYSQL_ENV} unset)")),
        }
        match Self::postgres().await {
            Some(db) => dbs.push(db),
            None => skipped.push(format!("PostgreSQL ({POSTGRES_ENV} unset)")),
        }
        if !skipped.is_empty() {
            SKIP_NOTICE.call_once(|| {
                #[allow(
                    clippy::print_stderr,
                    reason = "the test log must say what was skipped"
                )]
                {
                    eprintln!("database tests: skipping {}", skipped.join(" and "));
                }
            });
        }
        dbs
    }

    /// A fresh SQLite database in a temporary directory.
    ///
    /// # Panics
    /// When the temporary directory or the database cannot be created.
    pub async fn sqlite() -> TestDb {
        let dir = tempfile::tempdir().expect("temporary directory for the SQLite test database");
        let path = dir.path().join("test.db");
        let url = format!("sqlite://{}?mode=rwc", path.display());
        let conn = Database::connect(connect_options(&url))
            .await
            .expect("open the SQLite test database");
        TestDb {
            conn,
            backend: Backend::Sqlite,
            url,
            server: None,
            _dir: Some(dir),
        }
    }

    /// A fresh database on the `TEST_MYSQL_URL` server, or `None` when it is unset.
    ///
    /// # Panics
    /// When the server cannot be reached or the database cannot be created.
    pub async fn mysql() -> Option<TestDb> {
        let server = std::env::var(MYSQL_ENV).ok().filter(|s| !s.is_empty())?;
        let server = server.replacen("mariadb://", "mysql://", 1);
        Some(Self::on_server(Backend::MySql, &with_database(&server, ""), &server).await)
    }

    /// A fresh database on the `TEST_POSTGRES_URL` server, or `None` when it is unset.
    ///
    /// # Panics
    /// When the server cannot be reached or the database cannot be created.
    pub async fn postgres() -> Option<TestDb> {
        let server = std::env::var(POSTGRES_ENV).ok().filter(|s| !s.is_empty())?;
        Some(
            Self::on_server(
                Backend::Postgres,
                &with_database(&server, "postgres"),
                &server,
            )
            .await,
        )
    }

    async fn on_server(backend: Backend, admin_url: &str, server_url: &str) -> TestDb {
        let name = unique_name();
        let admin = Database::connect(connect_options(admin_url))
            .await
            .unwrap_or_else(|e| panic!("connect to the {backend} test server: {e}"));
        let create = match backend {
            Backend::MySql => format!("CREATE DATABASE `{name}` CHARACTER SET utf8mb4"),
            _ => format!("CREATE DATABASE \"{name}\""),
        };
        admin
            .execute_unprepared(&create)
            .await
            .unwrap_or_else(|e| panic!("create the {backend} test database {name}: {e}"));
        let _ = admin.close().await;
        let url = with_database(server_url, &name);
        let conn = Database::connect(connect_options(&url))
            .await
            .unwrap_or_else(|e| panic!("connect to the {backend} test database {name}: {e}"));
        TestDb {
            conn,
            backend,
            url,
            server: Some((admin_url.to_owned(), name)),
            _dir: None,
        }
    }

    /// The connection.
    pub fn conn(&self) -> &DatabaseConnection {
        &self.conn
    }

    /// Which backend this is.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// The backend's short name, for assertion messages.
    pub fn name(&self) -> &'static str {
        self.backend.name()
    }

    /// The URL of this database (test credentials only).
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The database (schema) name on a server backend; `None` for SQLite.
    pub fn database_name(&self) -> Option<&str> {
        self.server.as_ref().map(|(_, n)| n.as_str())
    }

    /// Runs a SQL script of `;`-terminated statements (such as a `mysqldump` file) on one
    /// connection, so that session settings like `FOREIGN_KEY_CHECKS=0` hold throughout.
    ///
    /// # Errors
    /// The first statement that fails.
    pub async fn run_script(&self, script: &str) -> Result<(), sea_orm::DbErr> {
        let txn = self.conn.begin().await?;
        for statement in split_script(script) {
            txn.execute_unprepared(&statement).await?;
        }
        txn.commit().await
    }
}

/// Splits a SQL script into statements at `;` + end of line, dropping blank ones and
/// whole-line `--` comments.
fn split_script(script: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    for line in script.lines() {
        if line.trim_start().starts_with("--") {
            continue;
        }
        current.push_str(line);
        current.push('\n');
        if line.trim_end().ends_with(';') {
            let stmt = current.trim().trim_end_matches(';').trim().to_owned();
            if !stmt.is_empty() {
                out.push(stmt);
            }
            current.clear();
        }
    }
    let rest = current.trim();
    if !rest.is_empty() {
        out.push(rest.to_owned());
    }
    out
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let Some((admin_url, name)) = self.server.take() else {
            return;
        };
        let backend = self.backend;
        // Drop the database from a separate thread with its own runtime: `Drop` cannot
        // await, and the test's runtime may be shutting down.
        let handle = std::thread::spawn(move || {
            let Ok(rt) = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            else {
                return;
            };
            rt.block_on(async move {
                let Ok(admin) = Database::connect(connect_options(&admin_url)).await else {
                    return;
                };
                let sql = match backend {
                    Backend::MySql => format!("DROP DATABASE IF EXISTS `{name}`"),
                    _ => format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"),
                };
                let _ = admin.execute_unprepared(&sql).await;
                let _ = admin.close().await;
            });
        });
        let _ = handle.join();
    }
}

/// The Python bot's MySQL schema dump (`../shared/fixtures/legacy_schema_mysql.sql` next to
/// the workspace), or `None` when the shared folder is absent.
pub fn legacy_schema_sql() -> Option<String> {
    let path = shared_fixtures_dir()?.join("legacy_schema_mysql.sql");
    std::fs::read_to_string(path).ok()
}

/// `../shared/fixtures` relative to the workspace root, when it exists.
fn shared_fixtures_dir() -> Option<PathBuf> {
    // crates/testkit → workspace root → its parent.
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/fixtures")
        .canonicalize()
        .ok()?;
    dir.is_dir().then_some(dir)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn database_is_replaced_in_urls() {
        assert_eq!(
            with_database("mysql://root@127.0.0.1:3306/test", "x"),
            "mysql://root@127.0.0.1:3306/x"
        );
        assert_eq!(
            with_database("postgres://u:p@h:5432/test?sslmode=disable", "postgres"),
            "postgres://u:p@h:5432/postgres?sslmode=disable"
        );
        assert_eq!(with_database("mysql://root@h", ""), "mysql://root@h/");
    }

    #[test]
    fn scripts_split_at_statement_ends() {
        let s = "/* c */\nCREATE TABLE `a` (\n  x int\n);\n-- note\nSET x=1;\n";
        assert_eq!(
            split_script(s),
            vec!["/* c */\nCREATE TABLE `a` (\n  x int\n)", "SET x=1"]
        );
    }
}
