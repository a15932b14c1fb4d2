//! Migrating fresh, adopted, unrecognised and incomplete databases on every available
//! backend.

use sahasrahbot_migrations::{
    DatabaseState, LEDGER_TABLE, MigrateError, MigrationOutcome, baseline, baseline_tables,
    inspect, migrate, pending_migrations,
};
use sahasrahbot_testkit::db::{Backend, TestDb};
use sea_orm_migration::sea_orm::{ConnectionTrait, DatabaseConnection, Statement};

async fn tables(db: &TestDb) -> Vec<String> {
    let sql = match db.backend() {
        Backend::Sqlite => {
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        }
        Backend::MySql => {
            "SELECT CAST(table_name AS CHAR) AS name FROM information_schema.tables \
             WHERE table_schema = DATABASE()"
        }
        Backend::Postgres => {
            "SELECT tablename::text AS name FROM pg_tables WHERE schemaname = current_schema()"
        }
    };
    let conn = db.conn();
    let rows = conn
        .query_all(Statement::from_string(conn.get_database_backend(), sql))
        .await
        .expect("list tables");
    let mut names: Vec<String> = rows
        .iter()
        .map(|r| r.try_get::<String>("", "name").expect("name"))
        .collect();
    names.sort();
    names
}

async fn exec(conn: &DatabaseConnection, sql: &str) {
    conn.execute_unprepared(sql)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
}

#[tokio::test]
async fn fresh_database_gets_the_baseline_and_a_second_run_is_a_no_op() {
    for db in TestDb::all().await {
        let name = db.name();
        assert_eq!(
            inspect(db.conn()).await.expect("inspect"),
            DatabaseState::Empty,
            "{name}"
        );
        assert_eq!(
            pending_migrations(db.conn()).await.expect("pending"),
            vec![baseline::NAME.to_owned()],
            "{name}"
        );
        // `pending_migrations` wrote nothing.
        assert!(tables(&db).await.is_empty(), "{name}");

        let report = migrate(db.conn()).await.expect("first migrate");
        assert_eq!(report.outcome, MigrationOutcome::Fresh, "{name}");
        assert_eq!(report.applied, vec![baseline::NAME.to_owned()], "{name}");
        assert!(report.recorded.is_empty(), "{name}");

        let mut expected: Vec<String> = baseline_tables().map(str::to_owned).collect();
        expected.push(LEDGER_TABLE.to_owned());
        expected.sort();
        assert_eq!(tables(&db).await, expected, "{name}");

        let again = migrate(db.conn()).await.expect("second migrate");
        assert_eq!(again.outcome, MigrationOutcome::UpToDate, "{name}");
        assert!(
            again.applied.is_empty() && again.recorded.is_empty(),
            "{name}"
        );
        assert!(
            pending_migrations(db.conn())
                .await
                .expect("pending")
                .is_empty(),
            "{name}"
        );
        assert!(again.to_string().contains("up to date"), "{name}: {again}");
    }
}

/// A Python-bot database is simulated on every backend: the baseline schema plus an
/// `aerich` table, without our ledger. (The MariaDB test below uses the real dump.)
#[tokio::test]
async fn legacy_database_is_adopted_without_touching_rows() {
    for db in TestDb::all().await {
        let name = db.name();
        let conn = db.conn();
        migrate(conn).await.expect("create the schema");
        exec(conn, &format!("DROP TABLE {LEDGER_TABLE}")).await;
        exec(
            conn,
            "CREATE TABLE aerich (id integer PRIMARY KEY, version varchar(255) NOT NULL, \
             app varchar(20) NOT NULL, content text NOT NULL)",
        )
        .await;
        exec(
            conn,
            "INSERT INTO aerich (id, version, app, content) VALUES (1, '98_telemetry.py', 'models', '{}')",
        )
        .await;
        exec(
            conn,
            "INSERT INTO config (guild_id, parameter, value) VALUES (1234567890123456789, 'x', 'y')",
        )
        .await;

        assert_eq!(
            inspect(conn).await.expect("inspect"),
            DatabaseState::Legacy,
            "{name}"
        );
        assert!(
            pending_migrations(conn).await.expect("pending").is_empty(),
            "{name}"
        );

        let report = migrate(conn).await.expect("adopt");
        assert_eq!(report.outcome, MigrationOutcome::Adopted, "{name}");
        assert_eq!(report.recorded, vec![baseline::NAME.to_owned()], "{name}");
        assert!(report.applied.is_empty(), "{name}");

        let row = conn
            .query_one(Statement::from_string(
                conn.get_database_backend(),
                "SELECT guild_id, parameter FROM config",
            ))
            .await
            .expect("select")
            .expect("row kept");
        assert_eq!(
            row.try_get::<i64>("", "guild_id").expect("guild_id"),
            1234567890123456789
        );
        assert_eq!(
            migrate(conn).await.expect("again").outcome,
            MigrationOutcome::UpToDate,
            "{name}"
        );
        assert!(tables(&db).await.contains(&"aerich".to_owned()), "{name}");
    }
}

#[tokio::test]
async fn unrecognised_database_is_refused_without_writing() {
    for db in TestDb::all().await {
        let name = db.name();
        let conn = db.conn();
        exec(conn, "CREATE TABLE presets (id integer PRIMARY KEY)").await;
        exec(conn, "CREATE TABLE something_else (id integer PRIMARY KEY)").await;
        let before = tables(&db).await;

        let err = migrate(conn).await.expect_err("must refuse");
        match &err {
            MigrateError::Unrecognised { found } => {
                assert_eq!(found, &vec!["presets".to_owned()], "{name}")
            }
            other => panic!("{name}: unexpected error {other:?}"),
        }
        let msg = err.to_string();
        assert!(
            msg.contains("presets") && msg.contains("no migration ledger"),
            "{msg}"
        );
        assert!(pending_migrations(conn).await.is_err(), "{name}");
        assert_eq!(tables(&db).await, before, "{name}: nothing may be written");
    }
}

#[tokio::test]
async fn incomplete_aerich_database_is_refused_without_writing() {
    for db in TestDb::all().await {
        let name = db.name();
        let conn = db.conn();
        exec(conn, "CREATE TABLE aerich (id integer PRIMARY KEY)").await;
        exec(conn, "CREATE TABLE users (id integer PRIMARY KEY)").await;
        let before = tables(&db).await;

        let err = migrate(conn).await.expect_err("must refuse");
        let MigrateError::LegacyIncomplete { missing } = &err else {
            panic!("{name}: unexpected error {err:?}");
        };
        assert_eq!(missing.len(), 66, "{name}: {missing:?}");
        assert!(missing.contains(&"telemetry_events".to_owned()), "{name}");
        assert!(!missing.contains(&"users".to_owned()), "{name}");
        assert!(err.to_string().contains("telemetry_events"), "{err}");
        assert_eq!(tables(&db).await, before, "{name}: nothing may be written");
    }
}

#[tokio::test]
async fn baseline_cannot_be_reverted() {
    use sea_orm_migration::MigratorTrait;
    let db = TestDb::sqlite().await;
    migrate(db.conn()).await.expect("migrate");
    let err = sahasrahbot_migrations::Migrator::down(db.conn(), Some(1))
        .await
        .expect_err("down must refuse");
    assert!(err.to_string().contains("cannot be reverted"), "{err}");
    assert_eq!(tables(&db).await.len(), 68);
}

/// Two processes starting together on one MySQL/PostgreSQL database: the advisory lock
/// makes one create the schema and the other find it up to date.
#[tokio::test]
async fn concurrent_migrations_on_a_server_take_turns() {
    for db in TestDb::all().await {
        if db.backend() == Backend::Sqlite {
            continue;
        }
        let name = db.name();
        let other = sea_orm_migration::sea_orm::Database::connect(db.url())
            .await
            .expect("second pool");
        let (a, b) = tokio::join!(migrate(db.conn()), migrate(&other));
        let mut outcomes = vec![
            a.unwrap_or_else(|e| panic!("{name}: {e}")).outcome,
            b.unwrap_or_else(|e| panic!("{name}: {e}")).outcome,
        ];
        outcomes.sort_by_key(|o| format!("{o:?}"));
        assert_eq!(
            outcomes,
            vec![MigrationOutcome::Fresh, MigrationOutcome::UpToDate],
            "{name}"
        );
        other.close().await.expect("close");
    }
}
