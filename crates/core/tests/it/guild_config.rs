//! Guild settings on every available database backend.

use sahasrahbot_core::Error;
use sahasrahbot_core::db::entities::config;
use sahasrahbot_core::guild_config::GuildConfig;
use sahasrahbot_migrations::migrate;
use sahasrahbot_testkit::db::TestDb;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, Set};

const GUILD: i64 = 1_234_567_890_123_456_789;

async fn rows(db: &TestDb, parameter: &str) -> u64 {
    config::Entity::find()
        .filter(config::Column::Parameter.eq(parameter))
        .count(db.conn())
        .await
        .expect("count")
}

#[tokio::test]
async fn set_get_delete_with_the_cache_kept_in_step() {
    for db in TestDb::all().await {
        migrate(db.conn()).await.expect("migrate");
        let gc = GuildConfig::new(db.conn().clone());
        assert_eq!(gc.get(GUILD, "CommandPrefix").await.expect("get"), None);
        assert_eq!(
            gc.get_or(GUILD, "CommandPrefix", "$").await.expect("get"),
            "$"
        );
        assert_eq!(
            gc.get_or(GUILD, "CommandPrefix", "!").await.expect("get"),
            "!",
            "a default is the caller's, not cached ({})",
            db.name()
        );
        gc.set(GUILD, "CommandPrefix", "?").await.expect("set");
        assert_eq!(
            gc.get(GUILD, "CommandPrefix")
                .await
                .expect("get")
                .as_deref(),
            Some("?")
        );
        gc.set(GUILD, "CommandPrefix", "%").await.expect("set");
        assert_eq!(
            gc.get(GUILD, "CommandPrefix")
                .await
                .expect("get")
                .as_deref(),
            Some("%")
        );
        assert_eq!(rows(&db, "CommandPrefix").await, 1, "{}", db.name());
        assert!(!gc.is_true(GUILD, "AuditLogging").await.expect("get"));
        gc.set(GUILD, "AuditLogging", "true").await.expect("set");
        assert!(gc.is_true(GUILD, "AuditLogging").await.expect("get"));

        // A second service (another process) sees the stored values.
        let other = GuildConfig::new(db.conn().clone());
        assert_eq!(
            other
                .get(GUILD, "CommandPrefix")
                .await
                .expect("get")
                .as_deref(),
            Some("%")
        );
        assert_eq!(
            other.list(GUILD).await.expect("list"),
            vec![
                ("CommandPrefix".to_owned(), Some("%".to_owned())),
                ("AuditLogging".to_owned(), Some("true".to_owned())),
            ]
        );
        assert_eq!(
            other.guilds_with("AuditLogging").await.expect("q"),
            vec![(GUILD, Some("true".into()))]
        );

        assert_eq!(gc.delete(GUILD, "CommandPrefix").await.expect("delete"), 1);
        assert_eq!(gc.get(GUILD, "CommandPrefix").await.expect("get"), None);
        assert_eq!(rows(&db, "CommandPrefix").await, 0);
    }
}

#[tokio::test]
async fn duplicate_rows_read_as_the_oldest_and_collapse_on_set() {
    for db in TestDb::all().await {
        migrate(db.conn()).await.expect("migrate");
        for value in ["first", "second"] {
            config::Entity::insert(config::ActiveModel {
                guild_id: Set(GUILD),
                parameter: Set("DailyAnnouncerChannel".into()),
                value: Set(Some(value.into())),
                ..Default::default()
            })
            .exec(db.conn())
            .await
            .expect("insert");
        }
        let gc = GuildConfig::new(db.conn().clone());
        assert_eq!(
            gc.get(GUILD, "DailyAnnouncerChannel")
                .await
                .expect("get")
                .as_deref(),
            Some("first"),
            "{}",
            db.name()
        );
        gc.set(GUILD, "DailyAnnouncerChannel", "third")
            .await
            .expect("set");
        assert_eq!(rows(&db, "DailyAnnouncerChannel").await, 1, "{}", db.name());
    }
}

#[tokio::test]
async fn a_value_longer_than_the_column_is_refused_and_nothing_changes() {
    for db in TestDb::all().await {
        migrate(db.conn()).await.expect("migrate");
        let gc = GuildConfig::new(db.conn().clone());
        gc.set(GUILD, "DailyAnnouncerChannel", "123")
            .await
            .expect("set");
        let three_ids = "123456789012345678,223456789012345678,323456789012345678";
        let err = gc
            .set(GUILD, "DailyAnnouncerChannel", three_ids)
            .await
            .expect_err("too long");
        assert!(
            matches!(err, Error::GuildConfigValueTooLong { len: 56, .. }),
            "{err}"
        );
        assert_eq!(
            err.to_string(),
            "the value for DailyAnnouncerChannel is 56 characters long; a guild setting holds at most 45"
        );
        assert_eq!(
            gc.get(GUILD, "DailyAnnouncerChannel")
                .await
                .expect("get")
                .as_deref(),
            Some("123")
        );
        assert_eq!(rows(&db, "DailyAnnouncerChannel").await, 1);
    }
}
