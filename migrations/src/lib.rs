//! SahasrahBot's database migrations.
//!
//! Creates the schema from scratch on SQLite, MySQL/MariaDB and PostgreSQL, and adopts a
//! database made by the Python bot (recognised by its `aerich` table) without dropping or
//! rewriting data.
//!
//! The binary calls [`migrate`] at start-up (and from `sahasrahbot migrate`); it logs the
//! returned [`MigrationReport`]. [`pending_migrations`] tells what [`migrate`] would do,
//! without writing anything.

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
