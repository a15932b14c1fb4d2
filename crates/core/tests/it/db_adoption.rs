//! Adopting the Python bot's real MariaDB database: the fixture dump is loaded, rows are
//! written with raw SQL the way the Python bot wrote them, `migrate` records the baseline
//! without touching anything, and the rows read back through the entities.
//!
//! Runs only when `TEST_MYSQL_URL` is set and `../shared/fixtures` is present.

use crate::common;
use common::select_every_entity;

use chrono::NaiveDate;
use sahasrahbot_core::db::entities::{
    asynctournament, asynctournamentrace, audit_generated_games, config, presetnamespaces, presets,
    spoiler_races, telemetry_events, users,
};
use sahasrahbot_migrations::{MigrationOutcome, baseline, migrate};
use sahasrahbot_testkit::db::{TestDb, legacy_schema_sql};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::json;

const PYTHON_ROWS: &str = r#"
INSERT INTO aerich (version, app, content) VALUES ('98_20260212_telemetry.py', 'models', '{}');
INSERT INTO users (id, discord_user_id, twitch_name, display_name, created, updated, rtgg_id, test_user)
  VALUES (7, 185198185990324225, NULL, 'Synack', '2023-01-02 03:04:05.123456', '2024-05-06 07:08:09.000000', 'xldAMBlqvY3aOP57', 0);
INSERT INTO presetnamespaces (id, name, discord_user_id) VALUES (3, 'synack', 185198185990324225);
INSERT INTO presets (preset_name, content, namespace_id, randomizer, generated_count)
  VALUES ('Open', 'goal_name: test\nsettings:\n  mode: open\n', 3, 'alttpr', 41);
INSERT INTO config (guild_id, parameter, value) VALUES (0, 'GlobalThing', '1'), (9007199254740993, 'AsyncTournamentAdmins', NULL);
INSERT INTO spoiler_races (srl_id, spoiler_url, studytime, date, started)
  VALUES ('alttpr/clever-link-1234', 'https://example.invalid/s.txt', 900, '2025-01-01 00:00:00.000000', NULL);
INSERT INTO audit_generated_games (randomizer, hash_id, permalink, settings, gentype, genoption, customizer, doors, avianart)
  VALUES ('alttpr', 'zq9XJ3dA7b', 'https://alttpr.com/h/zq9XJ3dA7b', '{"mode": "open", "crystals": {"ganon": "7"}, "n": 1}', 'preset', 'open', 0, 0, 0);
INSERT INTO telemetry_events (created_at, day_bucket, event_name, surface, feature, action, status, sample_rate)
  VALUES ('2026-02-12 10:11:12.131415', '2026-02-12', 'seed_generated', 'discord', 'alttpr', 'generate', 'success', 1);
INSERT INTO asynctournament (id, name, guild_id, channel_id, owner_id, allowed_reattempts)
  VALUES (1, 'Test Async', 1234567890123456789, 1234567890123456790, 185198185990324225, NULL);
INSERT INTO asynctournamentpermalinkpool (id, name, tournament_id, preset) VALUES (1, 'Pool A', 1, 'open');
INSERT INTO asynctournamentpermalink (id, url, pool_id, live_race, par_time) VALUES (1, 'https://alttpr.com/h/abc', 1, 0, 5400.5);
INSERT INTO asynctournamentrace (id, permalink_id, tournament_id, user_id, status, reattempted, score)
  VALUES (1, 1, 1, 7, 'finished', NULL, 97.25);
"#;

#[tokio::test]
#[allow(clippy::print_stderr, reason = "a skipped test says why")]
async fn python_bot_database_is_adopted_and_readable() {
    let Some(dump) = legacy_schema_sql() else {
        eprintln!("skipping: ../shared/fixtures/legacy_schema_mysql.sql is absent");
        return;
    };
    let Some(db) = TestDb::mysql().await else {
        eprintln!("skipping: TEST_MYSQL_URL is not set (MariaDB adoption test)");
        return;
    };
    let conn = db.conn();
    db.run_script(&dump).await.expect("load the legacy dump");
    db.run_script(PYTHON_ROWS)
        .await
        .expect("insert Python-bot rows");

    let report = migrate(conn).await.expect("adopt");
    assert_eq!(report.outcome, MigrationOutcome::Adopted);
    assert_eq!(report.recorded, vec![baseline::NAME.to_owned()]);
    assert!(report.applied.is_empty(), "{report}");
    assert!(report.to_string().contains("adopted"), "{report}");

    let user = users::Entity::find_by_id(7)
        .one(conn)
        .await
        .expect("select user")
        .expect("user kept");
    assert_eq!(user.discord_user_id, Some(185_198_185_990_324_225));
    assert_eq!(user.display_name.as_deref(), Some("Synack"));
    assert_eq!(user.twitch_name, None);
    assert_eq!(
        user.created,
        NaiveDate::from_ymd_opt(2023, 1, 2)
            .and_then(|d| d.and_hms_micro_opt(3, 4, 5, 123_456))
            .expect("date")
    );

    let (preset, ns) = presets::Entity::find()
        .filter(presets::Column::PresetName.eq("open"))
        .find_also_related(presetnamespaces::Entity)
        .one(conn)
        .await
        .expect("select preset")
        .expect("preset kept (case-insensitive lookup)");
    assert_eq!(preset.preset_name, "Open");
    assert_eq!(preset.generated_count, 41);
    assert!(preset.content.contains("mode: open\n"));
    assert_eq!(ns.and_then(|n| n.name).as_deref(), Some("synack"));

    let cfg = config::Entity::find()
        .filter(config::Column::GuildId.eq(9_007_199_254_740_993_i64))
        .one(conn)
        .await
        .expect("select config")
        .expect("config kept");
    assert_eq!(cfg.value, None);
    assert_eq!(config::Entity::find().count(conn).await.expect("count"), 2);

    let race = spoiler_races::Entity::find()
        .one(conn)
        .await
        .expect("select")
        .expect("spoiler race kept");
    assert_eq!(race.studytime, Some(900));
    assert_eq!(race.started, None);

    let game = audit_generated_games::Entity::find()
        .filter(audit_generated_games::Column::HashId.eq("zq9XJ3dA7b"))
        .one(conn)
        .await
        .expect("select")
        .expect("audit row kept");
    assert_eq!(
        game.settings,
        Some(json!({"mode": "open", "crystals": {"ganon": "7"}, "n": 1}))
    );
    assert!(game.timestamp.is_some(), "server default filled it");

    let event = telemetry_events::Entity::find()
        .one(conn)
        .await
        .expect("select")
        .expect("event kept");
    assert_eq!(
        event.day_bucket,
        NaiveDate::from_ymd_opt(2026, 2, 12).expect("date")
    );
    assert!((event.sample_rate - 1.0).abs() < f64::EPSILON);

    let tournament = asynctournament::Entity::find_by_id(1)
        .one(conn)
        .await
        .expect("select")
        .expect("tournament kept");
    assert_eq!(tournament.allowed_reattempts, None);
    assert!(tournament.active);
    assert_eq!(tournament.runs_per_pool, 1);
    let runs = asynctournamentrace::Entity::find()
        .filter(asynctournamentrace::Column::TournamentId.eq(tournament.id))
        .all(conn)
        .await
        .expect("runs");
    assert_eq!(runs.len(), 1);
    assert_eq!(runs[0].score, Some(97.25));
    assert_eq!(runs[0].reattempted, None);
    assert_eq!(runs[0].review_status, "pending");

    // Every entity reads the real legacy tables (all rows, every column).
    let errors = select_every_entity(conn).await;
    assert!(errors.is_empty(), "{errors:#?}");

    // Nothing was rewritten: the aerich ledger is intact, and a second run has no work.
    let aerich = conn
        .query_one(sea_orm::Statement::from_string(
            conn.get_database_backend(),
            "SELECT COUNT(*) AS n FROM aerich",
        ))
        .await
        .expect("aerich")
        .expect("row");
    assert_eq!(aerich.try_get::<i64>("", "n").expect("n"), 1);
    let again = migrate(conn).await.expect("second run");
    assert_eq!(again.outcome, MigrationOutcome::UpToDate);
    assert_eq!(users::Entity::find().count(conn).await.expect("count"), 1);
}
