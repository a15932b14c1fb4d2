//! On MariaDB/MySQL, a freshly migrated database has exactly the schema of the Python bot's
//! migrated database (`../shared/fixtures/legacy_schema_mysql.sql`), compared through
//! `information_schema`: columns (position, type, nullability, default, extra such as
//! `ON UPDATE`, charset and collation), indexes (names included), foreign keys with their
//! rules, CHECK constraints (the JSON columns' `json_valid`) and table engine/collation.
//! Then the real dump is adopted.
//!
//! Runs only when `TEST_MYSQL_URL` is set and the shared fixtures are present.

use sahasrahbot_migrations::{MigrationOutcome, baseline, migrate};
use sahasrahbot_testkit::db::{TestDb, legacy_schema_sql};
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend, Statement};

/// `information_schema` views to compare: (what, query returning one `row` string per
/// item, with `?` standing for the schema name).
const QUERIES: &[(&str, &str)] = &[
    (
        "tables",
        "SELECT CONCAT_WS('|', table_name, engine, table_collation) AS `row`
         FROM information_schema.tables WHERE table_schema = ?",
    ),
    (
        "columns",
        "SELECT CONCAT_WS('|', table_name, column_name, ordinal_position,
                IFNULL(column_default, '<none>'), is_nullable, column_type, extra,
                IFNULL(character_set_name, '-'), IFNULL(collation_name, '-'), column_key) AS `row`
         FROM information_schema.columns WHERE table_schema = ?",
    ),
    (
        "indexes",
        "SELECT CONCAT_WS('|', table_name, index_name, non_unique, seq_in_index, column_name,
                index_type) AS `row`
         FROM information_schema.statistics WHERE table_schema = ?",
    ),
    (
        "foreign keys",
        "SELECT CONCAT_WS('|', k.table_name, k.constraint_name, k.column_name,
                k.referenced_table_name, k.referenced_column_name, r.update_rule,
                r.delete_rule) AS `row`
         FROM information_schema.key_column_usage k
         JOIN information_schema.referential_constraints r
           ON r.constraint_schema = k.constraint_schema
          AND r.constraint_name = k.constraint_name AND r.table_name = k.table_name
         WHERE k.table_schema = ? AND k.referenced_table_name IS NOT NULL",
    ),
    (
        "check constraints",
        "SELECT CONCAT_WS('|', table_name, constraint_name, check_clause) AS `row`
         FROM information_schema.check_constraints WHERE constraint_schema = ?",
    ),
];

const OURS_OR_AERICH: [&str; 2] = ["aerich", "seaql_migrations"];

async fn describe(db: &TestDb) -> Vec<(&'static str, Vec<String>)> {
    let schema = db.database_name().expect("server database");
    let mut out = Vec::new();
    for (what, sql) in QUERIES {
        let rows = db
            .conn()
            .query_all(Statement::from_sql_and_values(
                DbBackend::MySql,
                *sql,
                [schema.into()],
            ))
            .await
            .unwrap_or_else(|e| panic!("{what}: {e}"));
        let mut items: Vec<String> = rows
            .iter()
            .map(|r| r.try_get::<String>("", "row").expect("row"))
            .filter(|r| {
                let table = r.split('|').next().unwrap_or_default();
                !OURS_OR_AERICH.contains(&table)
            })
            .collect();
        items.sort();
        out.push((*what, items));
    }
    out
}

#[tokio::test]
#[allow(clippy::print_stderr, reason = "a skipped test says why")]
async fn migrated_schema_equals_the_python_bots_and_the_dump_is_adopted() {
    let Some(dump) = legacy_schema_sql() else {
        eprintln!("skipping: ../shared/fixtures/legacy_schema_mysql.sql is absent");
        return;
    };
    let Some(legacy) = TestDb::mysql().await else {
        eprintln!("skipping: TEST_MYSQL_URL is not set");
        return;
    };
    let Some(fresh) = TestDb::mysql().await else {
        return;
    };
    legacy
        .run_script(&dump)
        .await
        .expect("load the legacy dump");
    let report = migrate(fresh.conn()).await.expect("migrate");
    assert_eq!(report.outcome, MigrationOutcome::Fresh);

    let want = describe(&legacy).await;
    let got = describe(&fresh).await;
    for ((what, want), (_, got)) in want.iter().zip(&got) {
        assert!(!want.is_empty(), "no {what} in the dump?");
        let missing: Vec<&String> = want.iter().filter(|w| !got.contains(w)).collect();
        let extra: Vec<&String> = got.iter().filter(|g| !want.contains(g)).collect();
        assert!(
            missing.is_empty() && extra.is_empty(),
            "{what} differ\n  only in the Python bot's schema: {missing:#?}\n  only in ours: {extra:#?}"
        );
    }

    // The dump itself is adopted, and a second run has nothing to do.
    let adopted = migrate(legacy.conn()).await.expect("adopt the dump");
    assert_eq!(adopted.outcome, MigrationOutcome::Adopted);
    assert_eq!(adopted.recorded, vec![baseline::NAME.to_owned()]);
    assert_eq!(
        describe(&legacy).await,
        want,
        "adoption must not change the schema"
    );
    let again = migrate(legacy.conn()).await.expect("again");
    assert_eq!(again.outcome, MigrationOutcome::UpToDate);
}
