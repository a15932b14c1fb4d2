//! The baseline migration: the Python bot's schema after all 98 of its aerich migrations.
//!
//! On a fresh database it creates the 67 tables. On a database made by the Python bot it is
//! recorded as applied without running (see [`crate::migrate`]). It is never reverted: that
//! would drop every table of the bot.

pub(crate) mod spec;
mod tables;

use sea_orm_migration::prelude::*;

pub(crate) use tables::TABLES;

/// The name under which the baseline is recorded in `seaql_migrations`.
pub const NAME: &str = "m20260212_000001_legacy_baseline";

/// The baseline migration.
#[derive(Debug, Clone, Copy, Default)]
pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        NAME
    }
}

// The trait spells `&SchemaManager` without `<'_>`; async-trait needs the impl to match.
#[allow(elided_lifetimes_in_paths)]
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let backend = manager.get_database_backend();
        for table in TABLES {
            let statements = spec::table_statements(table, TABLES, backend);
            manager.create_table(statements.table).await?;
            for index in statements.indexes {
                manager.create_index(index).await?;
            }
        }
        Ok(())
    }

    async fn down(&self, _manager: &SchemaManager) -> Result<(), DbErr> {
        Err(DbErr::Migration(
            "the baseline migration cannot be reverted: it would drop every table of the bot"
                .to_owned(),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn sixty_seven_tables_parents_first_and_no_aerich() {
        assert_eq!(TABLES.len(), 67);
        let mut seen = HashSet::new();
        for t in TABLES {
            assert_ne!(t.name, "aerich");
            for f in t.foreign_keys {
                assert!(
                    f.table == t.name || seen.contains(f.table),
                    "{} references {} before it is created",
                    t.name,
                    f.table
                );
                assert!(t.columns.iter().any(|c| c.name == f.column));
            }
            for k in t.keys {
                for c in k.columns {
                    assert!(
                        t.columns.iter().any(|col| col.name == *c),
                        "{}.{}",
                        t.name,
                        c
                    );
                }
            }
            assert!(seen.insert(t.name), "{} twice", t.name);
        }
    }

    #[test]
    fn mysql_ddl_keeps_legacy_types_and_defaults() {
        use sea_orm_migration::sea_orm::DbBackend;
        let users = TABLES
            .iter()
            .find(|t| t.name == "users")
            .expect("users table");
        let st = spec::table_statements(users, TABLES, DbBackend::MySql);
        let sql = DbBackend::MySql.build(&st.table).to_string();
        assert!(
            sql.contains("`created` datetime(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6)"),
            "{sql}"
        );
        assert!(sql.contains("ON UPDATE CURRENT_TIMESTAMP(6)"), "{sql}");
        assert!(
            sql.contains("UNIQUE KEY `racetime_id` (`rtgg_id`)"),
            "{sql}"
        );
        assert!(st.indexes.is_empty());
        let pg = spec::table_statements(users, TABLES, DbBackend::Postgres);
        assert_eq!(pg.indexes.len(), 4);
    }
}
