//! `db::connect` on every URL form it accepts, error messages with masked passwords, and
//! `db::ping`.

use sahasrahbot_core::Error;
use sahasrahbot_core::db::{DbOptions, connect, mask_url_password, ping};
use sahasrahbot_migrations::{MigrationOutcome, migrate};
use sahasrahbot_testkit::db::{MYSQL_ENV, POSTGRES_ENV};
use std::time::Duration;

#[tokio::test]
async fn sqlite_file_and_its_directory_are_created() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("nested/deeper/sahasrahbot.db");
    assert!(!path.exists());
    let db = connect(
        &format!("sqlite://{}", path.display()),
        &DbOptions::default(),
    )
    .await
    .expect("connect");
    assert!(ping(&db).await);
    assert_eq!(
        migrate(&db).await.expect("migrate").outcome,
        MigrationOutcome::Fresh
    );
    db.close().await.expect("close");
    assert!(path.is_file(), "the file exists");

    // Reopening finds the data.
    let db = connect(
        &format!("sqlite://{}", path.display()),
        &DbOptions::default(),
    )
    .await
    .expect("reconnect");
    assert_eq!(
        migrate(&db).await.expect("migrate").outcome,
        MigrationOutcome::UpToDate
    );
}

#[tokio::test]
async fn in_memory_sqlite_keeps_its_schema_across_queries() {
    let db = connect("sqlite::memory:", &DbOptions::default())
        .await
        .expect("connect");
    assert_eq!(
        migrate(&db).await.expect("migrate").outcome,
        MigrationOutcome::Fresh
    );
    assert_eq!(
        migrate(&db).await.expect("again").outcome,
        MigrationOutcome::UpToDate
    );
    assert!(ping(&db).await);
}

#[tokio::test]
async fn bad_scheme_is_refused_with_the_password_masked() {
    let err = connect("redis://bot:hunter2@cache:6379/0", &DbOptions::default())
        .await
        .expect_err("unsupported");
    assert!(matches!(err, Error::DatabaseUrl { .. }), "{err:?}");
    let msg = err.to_string();
    assert!(msg.contains("redis://bot:****@cache:6379/0"), "{msg}");
    assert!(!msg.contains("hunter2"), "{msg}");
}

#[tokio::test]
async fn unreachable_server_names_the_masked_url() {
    let options = DbOptions {
        connect_timeout: Duration::from_secs(3),
        acquire_timeout: Duration::from_secs(3),
        ..DbOptions::default()
    };
    for url in [
        "mysql://bot:s3cr3t@127.0.0.1:1/sahasrahbot",
        "mariadb://bot:s3cr3t@127.0.0.1:1/sahasrahbot",
        "postgres://bot:s3cr3t@127.0.0.1:1/sahasrahbot",
    ] {
        let err = connect(url, &options)
            .await
            .expect_err("nothing listens on port 1");
        assert!(matches!(err, Error::DatabaseConnect { .. }), "{err:?}");
        let msg = err.to_string();
        assert!(msg.contains(&mask_url_password(url)), "{msg}");
        assert!(msg.contains("bot:****@127.0.0.1:1/sahasrahbot"), "{msg}");
        assert!(!msg.contains("s3cr3t"), "{msg}");
    }
}

#[tokio::test]
async fn servers_from_the_environment_answer_pings() {
    for var in [MYSQL_ENV, POSTGRES_ENV] {
        let Ok(url) = std::env::var(var) else {
            continue;
        };
        let db = connect(&url, &DbOptions::default())
            .await
            .unwrap_or_else(|e| panic!("{var}: {e}"));
        assert!(ping(&db).await, "{var}");
        db.close().await.expect("close");
    }
    if let Ok(url) = std::env::var(MYSQL_ENV) {
        // The `mariadb://` spelling reaches the same server.
        let db = connect(
            &url.replacen("mysql://", "mariadb://", 1),
            &DbOptions::default(),
        )
        .await
        .expect("mariadb:// URL");
        assert!(ping(&db).await);
    }
}
