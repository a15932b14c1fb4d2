//! SahasrahBot's database migrations.
//!
//! Creates the schema from scratch on SQLite, MySQL/MariaDB and PostgreSQL, and adopts a
//! database made by the Python bot (recognised by its `aerich` table) without dropping or
//! rewriting data.
//!
//! The binary calls [`migrate`] at start-up (and from `sahasrahbot migrate`); it logs the
//! returned [`MigrationReport`]. [`pending_migrations`] tells what [`migrate`] would do,
//! without writing anything. On MySQL/MariaDB and PostgreSQL, [`migrate`] holds an advisory
//! lock, so processes sharing a database may all call it at start-up; on PostgreSQL it runs
//! in one transaction (all or nothing). SQLite has no such lock: one process per file.
//!
//! # Schema decisions
//! The baseline reproduces the Python bot's *migrated* MySQL database, not its models
//! (`core.md` §7.3), so that production can be adopted as is. Kept as production has them:
//! the non-unique index on `users.display_name`; the two identical UNIQUE keys on
//! `users.rtgg_id`; NULL allowed in `presetnamespaces.name`,
//! `asynctournament.allowed_reattempts`, `asynctournamentrace.reattempted`,
//! `asynctournamentpermalink.url` and `ranked_choice_candidate.name`; the plain
//! `racetimekonotsegment.game_id` with its leftover index; ON DELETE CASCADE from the async
//! whitelist/permissions/audit-log `user_id`s; no default on `telemetry_events.created_at`;
//! aerich's index and constraint names. Fixes belong in later migrations, each after a data
//! check.
//!
//! On MySQL/MariaDB the result is identical to the Python bot's: `mysqldump --no-data` of a
//! migrated database equals that of the fixture dump loaded on the same server, `aerich`
//! aside (and the `mariadb_schema` test compares `information_schema`). SQLite and PostgreSQL get the natural
//! types (`bigint` ids, `text` or `jsonb` JSON, `timestamp`/text datetimes), server-side
//! `DEFAULT` current UTC time, and no `ON UPDATE` (the core entities set those columns).
//! SQLite string columns are `COLLATE NOCASE` so lookups are case-insensitive as on MySQL;
//! PostgreSQL compares case-sensitively, so queries that need case-insensitivity there
//! must fold case themselves.

mod adopt;
pub mod baseline;

pub use adopt::{
    DatabaseState, MigrateError, MigrationOutcome, MigrationReport, inspect, migrate,
    pending_migrations,
};
pub use sea_orm_migration::MigratorTrait;

use sea_orm_migration::prelude::*;

/// The name of aerich's ledger table, which marks a database made by the Python bot.
pub const LEGACY_LEDGER_TABLE: &str = "aerich";

/// The name of our own ledger table (sea-orm-migration's default).
pub const LEDGER_TABLE: &str = "seaql_migrations";

/// The names of the tables the baseline creates (the Python bot's 67 tables, without
/// `aerich`), parents before children.
pub fn baseline_tables() -> impl Iterator<Item = &'static str> {
    baseline::TABLES.iter().map(|t| t.name)
}

/// All migrations of the bot, oldest first.
#[derive(Debug, Clone, Copy, Default)]
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![Box::new(baseline::Migration)]
    }
}
