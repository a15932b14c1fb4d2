//! Writing and reading rows through the entities on every available backend, on a freshly
//! migrated database: Discord ids above 2^53, NULLs, JSON, dates with microseconds, database
//! defaults, foreign keys (cascade) and case-insensitive lookups.

use crate::common;
use common::select_every_entity;

use chrono::{NaiveDate, NaiveDateTime, Utc};
use sahasrahbot_core::db::entities::{
    audit_generated_games, config, presetnamespaces, presets, spoiler_races, telemetry_events,
    users,
};
use sahasrahbot_migrations::migrate;
use sahasrahbot_testkit::db::{Backend, TestDb};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, ModelTrait, PaginatorTrait, QueryFilter, Set,
};
use serde_json::json;

/// 2^53 + 1: the first integer a double cannot hold.
const ABOVE_2_53: i64 = 9_007_199_254_740_993;
const BIG_SNOWFLAKE: i64 = 1_234_567_890_123_456_789;

fn at(h: u32, m: u32, s: u32, micro: u32) -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2026, 11, 22)
        .and_then(|d| d.and_hms_micro_opt(h, m, s, micro))
        .expect("valid time")
}

/// Within ten minutes of the current UTC time: the entities fill timestamps in from the
/// application's UTC clock, whatever the database server's time zone.
fn close_to_now(t: NaiveDateTime) -> bool {
    (Utc::now().naive_utc() - t).num_minutes().abs() <= 10
}

#[tokio::test]
async fn every_entity_matches_the_migrated_schema() {
    for db in TestDb::all().await {
        migrate(db.conn()).await.expect("migrate");
        let errors = select_every_entity(db.conn()).await;
        assert!(errors.is_empty(), "{}: {errors:#?}", db.name());
    }
}

#[tokio::test]
async fn updates_refresh_the_updated_column_on_every_backend() {
    for db in TestDb::all().await {
        let name = db.name();
        let conn = db.conn();
        migrate(conn).await.expect("migrate");
        let long_ago = at(0, 0, 0, 0) - chrono::Duration::days(3000);
        let user = users::ActiveModel {
            display_name: Set(Some("before".to_owned())),
            created: Set(long_ago),
            updated: Set(long_ago),
            ..Default::default()
        }
        .insert(conn)
        .await
        .expect("insert");
        assert_eq!(
            user.updated, long_ago,
            "{name}: explicit value kept on insert"
        );
        let mut active: users::ActiveModel = user.into();
        active.display_name = Set(Some("after".to_owned()));
        let updated = active.update(conn).await.expect("update");
        assert!(close_to_now(updated.updated), "{name}: {}", updated.updated);
        assert_eq!(updated.created, long_ago, "{name}");
        let read = users::Entity::find_by_id(updated.id)
            .one(conn)
            .await
            .expect("select")
            .expect("found");
        assert_eq!(read, updated, "{name}");
    }
}

#[tokio::test]
async fn rows_round_trip_through_the_entities() {
    for db in TestDb::all().await {
        let name = db.name();
        let conn = db.conn();
        migrate(conn).await.expect("migrate");

        // users: big Discord id, NULLs, database defaults for created/updated/test_user.
        let user = users::ActiveModel {
            discord_user_id: Set(Some(ABOVE_2_53)),
            twitch_name: Set(None),
            display_name: Set(Some("Synack".to_owned())),
            rtgg_id: Set(Some("xldAMBlqvY3aOP57".to_owned())),
            ..Default::default()
        }
        .insert(conn)
        .await
        .unwrap_or_else(|e| panic!("{name}: insert user: {e}"));
        let read = users::Entity::find()
            .filter(users::Column::DiscordUserId.eq(ABOVE_2_53))
            .one(conn)
            .await
            .expect("select user")
            .expect("user found");
        assert_eq!(read, user, "{name}");
        assert_eq!(read.discord_user_id, Some(ABOVE_2_53), "{name}");
        assert_eq!(read.twitch_name, None, "{name}");
        assert!(!read.test_user, "{name}");
        assert!(
            close_to_now(read.created),
            "{name}: created = {}",
            read.created
        );
        let nobody = users::ActiveModel {
            discord_user_id: Set(Some(i64::MAX)),
            ..Default::default()
        }
        .insert(conn)
        .await
        .expect("second user");
        assert_eq!(nobody.discord_user_id, Some(i64::MAX), "{name}");
        assert_eq!(nobody.display_name, None, "{name}");

        // presetnamespaces + presets, related lookups, case-insensitive names, cascade.
        let ns = presetnamespaces::ActiveModel {
            name: Set(Some("synack".to_owned())),
            discord_user_id: Set(BIG_SNOWFLAKE),
            ..Default::default()
        }
        .insert(conn)
        .await
        .expect("namespace");
        let content = "goal_name: test\nsettings:\n  mode: open\n  weapons: randomized\n";
        let preset = presets::ActiveModel {
            preset_name: Set("open".to_owned()),
            content: Set(content.to_owned()),
            namespace_id: Set(ns.id),
            randomizer: Set("alttpr".to_owned()),
            ..Default::default()
        }
        .insert(conn)
        .await
        .expect("preset");
        assert_eq!(preset.generated_count, 0, "{name}: DB default");
        let (p, owner) = presets::Entity::find()
            .filter(presets::Column::PresetName.eq("open"))
            .find_also_related(presetnamespaces::Entity)
            .one(conn)
            .await
            .expect("select preset")
            .expect("preset found");
        assert_eq!(p.content, content, "{name}");
        assert_eq!(
            owner.as_ref().map(|o| o.discord_user_id),
            Some(BIG_SNOWFLAKE),
            "{name}"
        );
        assert_eq!(
            ns.find_related(presets::Entity)
                .count(conn)
                .await
                .expect("count"),
            1,
            "{name}"
        );
        if db.backend() != Backend::Postgres {
            // MySQL's collation and SQLite's NOCASE: the Python bot's lookups relied on it.
            let upper = presets::Entity::find()
                .filter(presets::Column::PresetName.eq("OPEN"))
                .one(conn)
                .await
                .expect("select");
            assert!(upper.is_some(), "{name}: case-insensitive lookup");
        }
        ns.clone().delete(conn).await.expect("delete namespace");
        assert_eq!(
            presets::Entity::find().count(conn).await.expect("count"),
            0,
            "{name}: ON DELETE CASCADE"
        );

        // spoiler_races: default date, NULL started, then an update.
        let race = spoiler_races::ActiveModel {
            srl_id: Set(Some("alttpr/clever-link-1234".to_owned())),
            spoiler_url: Set(Some("https://spoilers.example/x.txt".to_owned())),
            studytime: Set(Some(900)),
            started: Set(None),
            ..Default::default()
        }
        .insert(conn)
        .await
        .expect("spoiler race");
        assert!(close_to_now(race.date), "{name}");
        let mut active: spoiler_races::ActiveModel = race.into();
        active.started = Set(Some(at(1, 2, 3, 456_789)));
        let race = active.update(conn).await.expect("update");
        let again = spoiler_races::Entity::find_by_id(race.id)
            .one(conn)
            .await
            .expect("select")
            .expect("found");
        assert_eq!(again.started, Some(at(1, 2, 3, 456_789)), "{name}");

        // config: guild 0 (global) and a NULL value.
        for (guild, value) in [(0_i64, Some("1")), (BIG_SNOWFLAKE, None)] {
            config::ActiveModel {
                guild_id: Set(guild),
                parameter: Set("AsyncTournamentAdmins".to_owned()),
                value: Set(value.map(str::to_owned)),
                ..Default::default()
            }
            .insert(conn)
            .await
            .expect("config");
        }
        let rows = config::Entity::find()
            .filter(config::Column::GuildId.eq(BIG_SNOWFLAKE))
            .all(conn)
            .await
            .expect("config rows");
        assert_eq!(rows.len(), 1, "{name}");
        assert_eq!(rows[0].value, None, "{name}");

        // audit_generated_games: JSON settings.
        let settings = json!({
            "glitches": "none",
            "item": {"pool": "normal", "functionality": "normal"},
            "crystals": {"ganon": "7", "tower": "7"},
            "spoilers": "off",
            "seed": ABOVE_2_53,
            "list": [1, 2.5, null, true],
        });
        let game = audit_generated_games::ActiveModel {
            randomizer: Set(Some("alttpr".to_owned())),
            hash_id: Set(Some("zq9XJ3dA7b".to_owned())),
            permalink: Set(Some("https://alttpr.com/h/zq9XJ3dA7b".to_owned())),
            settings: Set(Some(settings.clone())),
            gentype: Set(Some("preset".to_owned())),
            genoption: Set(Some("open".to_owned())),
            customizer: Set(Some(0)),
            doors: Set(false),
            avianart: Set(true),
            ..Default::default()
        }
        .insert(conn)
        .await
        .expect("audit row");
        let read = audit_generated_games::Entity::find()
            .filter(audit_generated_games::Column::HashId.eq("zq9XJ3dA7b"))
            .one(conn)
            .await
            .expect("select")
            .expect("found");
        assert_eq!(read.settings, Some(settings), "{name}");
        assert_eq!(read, game, "{name}");
        assert!(read.avianart && !read.doors, "{name}");

        // telemetry_events: date, microseconds, double.
        let event = telemetry_events::ActiveModel {
            created_at: Set(at(23, 59, 59, 999_999)),
            day_bucket: Set(NaiveDate::from_ymd_opt(2026, 11, 22).expect("date")),
            event_name: Set("seed_generated".to_owned()),
            surface: Set("racetime".to_owned()),
            feature: Set("alttpr".to_owned()),
            action: Set("generate".to_owned()),
            status: Set("success".to_owned()),
            provider: Set(None),
            guild_hash: Set(Some("ab".repeat(32))),
            duration_ms: Set(Some(1234)),
            error_type: Set(None),
            sample_rate: Set(0.25),
            ..Default::default()
        }
        .insert(conn)
        .await
        .expect("telemetry");
        let read = telemetry_events::Entity::find_by_id(event.id)
            .one(conn)
            .await
            .expect("select")
            .expect("found");
        assert_eq!(read, event, "{name}");
        assert_eq!(read.created_at, at(23, 59, 59, 999_999), "{name}");
    }
}
