//! Bringing any database the bot may meet up to date: fresh, already ours, or made by the
//! Python bot.

use std::fmt;
use std::time::{SystemTime, UNIX_EPOCH};

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{
    ActiveValue, ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbBackend, EntityTrait,
    QueryResult, Statement, TransactionTrait,
};
use sea_orm_migration::seaql_migrations;

use crate::{LEDGER_TABLE, LEGACY_LEDGER_TABLE, Migrator, baseline, baseline_tables};

/// What [`migrate`] found and did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MigrationOutcome {
    /// The database was empty; every migration ran, the baseline included.
    Fresh,
    /// The database was the Python bot's: the baseline was recorded as applied without
    /// running, then the later migrations (if any) ran.
    Adopted,
    /// The database was ours and some newer migrations ran.
    Upgraded,
    /// The database was ours and nothing was pending.
    UpToDate,
}

impl fmt::Display for MigrationOutcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Fresh => "fresh database, schema created",
            Self::Adopted => "Python bot database adopted",
            Self::Upgraded => "database upgraded",
            Self::UpToDate => "database already up to date",
        })
    }
}

/// The result of [`migrate`], for the start-up log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MigrationReport {
    /// Which case it was.
    pub outcome: MigrationOutcome,
    /// Migrations recorded as applied without running (the baseline, on adoption).
    pub recorded: Vec<String>,
    /// Migrations that ran, in order.
    pub applied: Vec<String>,
}

impl fmt::Display for MigrationReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.outcome)?;
        if !self.recorded.is_empty() {
            write!(f, "; recorded as applied: {}", self.recorded.join(", "))?;
        }
        if self.applied.is_empty() {
            write!(f, "; no migration ran")
        } else {
            write!(f, "; applied: {}", self.applied.join(", "))
        }
    }
}

/// Why [`migrate`] or [`pending_migrations`] refused or failed.
#[derive(Debug, thiserror::Error)]
pub enum MigrateError {
    /// The database has an `aerich` table but lacks tables of the Python bot's final schema
    /// (an older or foreign aerich database). Nothing was written.
    #[error(
        "database has an `aerich` table but is missing these tables of the Python bot's schema: {}; \
         finish the Python bot's migrations (aerich upgrade) first. Nothing was changed",
        .missing.join(", ")
    )]
    LegacyIncomplete {
        /// The missing table names.
        missing: Vec<String>,
    },
    /// The database holds some of the bot's tables but neither our ledger
    /// (`seaql_migrations`) nor aerich's. Nothing was written.
    #[error(
        "database has tables of the bot ({}) but no migration ledger (neither `seaql_migrations` \
         nor `aerich`); refusing to guess its state. Nothing was changed",
        .found.join(", ")
    )]
    Unrecognised {
        /// The bot's tables that were found.
        found: Vec<String>,
    },
    /// Another process kept the migration lock for too long.
    #[error("another process has been migrating this database for over {seconds} s; giving up")]
    LockTimeout {
        /// How long we waited.
        seconds: u32,
    },
    /// A database statement failed.
    #[error("database error during migration: {0}")]
    Database(#[from] DbErr),
}

/// The state of a database as [`inspect`] sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DatabaseState {
    /// None of the bot's tables and no ledger.
    Empty,
    /// The Python bot's database, complete, without our ledger.
    Legacy,
    /// Ours: `seaql_migrations` exists; the applied migration names.
    Managed {
        /// Versions recorded in `seaql_migrations`.
        applied: Vec<String>,
    },
}

/// Looks at the database and tells which case it is, without writing anything.
///
/// Errors with [`MigrateError::LegacyIncomplete`] or [`MigrateError::Unrecognised`] when
/// the database is neither empty, ours, nor a complete Python bot database.
pub async fn inspect<C: ConnectionTrait>(db: &C) -> Result<DatabaseState, MigrateError> {
    let tables = list_tables(db).await?;
    let has = |name: &str| tables.iter().any(|t| t.eq_ignore_ascii_case(name));

    if has(LEDGER_TABLE) {
        let applied = seaql_migrations::Entity::find()
            .all(db)
            .await?
            .into_iter()
            .map(|m| m.version)
            .collect();
        return Ok(DatabaseState::Managed { applied });
    }
    if has(LEGACY_LEDGER_TABLE) {
        let missing: Vec<String> = baseline_tables()
            .filter(|t| !has(t))
            .map(str::to_owned)
            .collect();
        if missing.is_empty() {
            return Ok(DatabaseState::Legacy);
        }
        return Err(MigrateError::LegacyIncomplete { missing });
    }
    let found: Vec<String> = baseline_tables()
        .filter(|t| has(t))
        .map(str::to_owned)
        .collect();
    if found.is_empty() {
        Ok(DatabaseState::Empty)
    } else {
        Err(MigrateError::Unrecognised { found })
    }
}

/// The names of the migrations [`migrate`] would run (not counting a baseline it would only
/// record), oldest first. Writes nothing.
pub async fn pending_migrations<C: ConnectionTrait>(db: &C) -> Result<Vec<String>, MigrateError> {
    let all = Migrator::migrations();
    let names = all.iter().map(|m| m.name().to_owned());
    Ok(match inspect(db).await? {
        DatabaseState::Empty => names.collect(),
        DatabaseState::Legacy => names.filter(|n| n != baseline::NAME).collect(),
        DatabaseState::Managed { applied } => names.filter(|n| !applied.contains(n)).collect(),
    })
}

/// Brings the database up to date, whatever it is:
///
/// - empty: runs every migration ([`MigrationOutcome::Fresh`]);
/// - the Python bot's (an `aerich` table, every legacy table present, no
///   `seaql_migrations`): records the baseline as applied without running it, then runs the
///   later migrations ([`MigrationOutcome::Adopted`]); no existing table or row is touched;
/// - ours: runs what is pending ([`MigrationOutcome::Upgraded`] or
///   [`MigrationOutcome::UpToDate`]);
/// - anything else: an error naming the missing or unexpected tables, before any write.
///
/// Running it twice is harmless: the second run reports [`MigrationOutcome::UpToDate`].
/// On MySQL/MariaDB and PostgreSQL it first takes an advisory lock (waiting up to 10
/// minutes for another process's migration) and works on that one pinned connection.
pub async fn migrate(db: &DatabaseConnection) -> Result<MigrationReport, MigrateError> {
    let backend = db.get_database_backend();
    if backend == DbBackend::Sqlite {
        return run(Conn::Pool(db)).await;
    }
    // MySQL and PostgreSQL: one pinned connection holding a lock, so that processes
    // starting together migrate one after the other. On PostgreSQL everything also happens
    // in this one transaction (adoption and migrations are all-or-nothing there).
    let txn = db.begin().await?;
    lock(&txn, backend).await?;
    let result = run(Conn::Txn(&txn)).await;
    if backend == DbBackend::MySql {
        // GET_LOCK belongs to the session, which outlives the transaction: release it.
        let released = txn
            .execute_unprepared(&format!("DO RELEASE_LOCK('{LOCK_NAME}')"))
            .await;
        if let Err(e) = released {
            tracing::warn!(error = %e, "could not release the migration lock");
        }
    }
    match result {
        Ok(report) => {
            txn.commit().await?;
            Ok(report)
        }
        Err(e) => {
            if let Err(rollback) = txn.rollback().await {
                tracing::warn!(error = %rollback, "rollback after a failed migration failed");
            }
            Err(e)
        }
    }
}

/// Name of the advisory lock taken while migrating (MySQL `GET_LOCK`, PostgreSQL
/// `pg_advisory_xact_lock(hashtext(…))`).
const LOCK_NAME: &str = "sahasrahbot_migrations";

/// How long to wait for another process's migration, in seconds.
const LOCK_TIMEOUT_SECS: u32 = 600;

async fn lock(txn: &DatabaseTransaction, backend: DbBackend) -> Result<(), MigrateError> {
    match backend {
        DbBackend::MySql => {
            let row = txn
                .query_one(Statement::from_string(
                    backend,
                    format!("SELECT GET_LOCK('{LOCK_NAME}', {LOCK_TIMEOUT_SECS}) AS got"),
                ))
                .await?;
            let got = row
                .map(|r| r.try_get::<Option<i64>>("", "got"))
                .transpose()?
                .flatten();
            if got == Some(1) {
                Ok(())
            } else {
                Err(MigrateError::LockTimeout {
                    seconds: LOCK_TIMEOUT_SECS,
                })
            }
        }
        DbBackend::Postgres => {
            txn.execute_unprepared(&format!(
                "SET LOCAL lock_timeout = '{LOCK_TIMEOUT_SECS}s'; \
                 SELECT pg_advisory_xact_lock(hashtext('{LOCK_NAME}'))"
            ))
            .await?;
            Ok(())
        }
        DbBackend::Sqlite => Ok(()),
    }
}

/// The connection [`run`] works on: the pool (SQLite) or the locked transaction.
#[derive(Clone, Copy)]
enum Conn<'c> {
    Pool(&'c DatabaseConnection),
    Txn(&'c DatabaseTransaction),
}

impl<'c> Conn<'c> {
    fn schema(self) -> SchemaManagerConnection<'c> {
        match self {
            Conn::Pool(db) => SchemaManagerConnection::Connection(db),
            Conn::Txn(txn) => SchemaManagerConnection::Transaction(txn),
        }
    }
}

async fn run(conn: Conn<'_>) -> Result<MigrationReport, MigrateError> {
    let db = conn.schema();
    let state = inspect(&db).await?;
    let (outcome, recorded) = match &state {
        DatabaseState::Empty => (MigrationOutcome::Fresh, Vec::new()),
        DatabaseState::Legacy => {
            tracing::info!("adopting the Python bot's database: recording the baseline");
            Migrator::install(&db).await?;
            record_applied(&db, baseline::NAME).await?;
            (MigrationOutcome::Adopted, vec![baseline::NAME.to_owned()])
        }
        DatabaseState::Managed { .. } => (MigrationOutcome::UpToDate, Vec::new()),
    };
    let pending: Vec<String> = Migrator::get_pending_migrations(&db)
        .await?
        .iter()
        .map(|m| m.name().to_owned())
        .collect();
    if !pending.is_empty() {
        Migrator::up(conn.schema(), None).await?;
    }
    let outcome = match outcome {
        MigrationOutcome::UpToDate if !pending.is_empty() => MigrationOutcome::Upgraded,
        other => other,
    };
    let report = MigrationReport {
        outcome,
        recorded,
        applied: pending,
    };
    tracing::info!(%report, "migrations done");
    Ok(report)
}

async fn record_applied<C: ConnectionTrait>(db: &C, version: &str) -> Result<(), DbErr> {
    // A clock before 1970 is not worth failing adoption for; 0 marks it.
    let now = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| {
        <i64 as TryFrom<u64>>::try_from(d.as_secs()).unwrap_or(i64::MAX)
    });
    seaql_migrations::Entity::insert(seaql_migrations::ActiveModel {
        version: ActiveValue::Set(version.to_owned()),
        applied_at: ActiveValue::Set(now),
    })
    .exec(db)
    .await?;
    Ok(())
}

/// The base tables of the current database/schema.
async fn list_tables<C: ConnectionTrait>(db: &C) -> Result<Vec<String>, DbErr> {
    let backend = db.get_database_backend();
    let sql = match backend {
        DbBackend::Sqlite => {
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        }
        DbBackend::MySql => {
            "SELECT CAST(table_name AS CHAR) AS name FROM information_schema.tables \
             WHERE table_schema = DATABASE() AND table_type = 'BASE TABLE'"
        }
        DbBackend::Postgres => {
            "SELECT tablename::text AS name FROM pg_catalog.pg_tables \
             WHERE schemaname = current_schema()"
        }
    };
    let rows: Vec<QueryResult> = db
        .query_all(Statement::from_string(backend, sql.to_owned()))
        .await?;
    rows.iter()
        .map(|r| r.try_get::<String>("", "name"))
        .collect()
}
