//! Telemetry on every available database backend: queueing, sampling, flush, purge, report.

use chrono::{NaiveDate, Utc};
use sahasrahbot_core::config::{Secret, TelemetryConfig};
use sahasrahbot_core::db::entities::telemetry_events;
use sahasrahbot_core::telemetry::{Event, Surface, Telemetry, guild_hash, purge, report};
use sahasrahbot_migrations::migrate;
use sahasrahbot_testkit::db::TestDb;
use sea_orm::{EntityTrait, QueryOrder, Set};
use tokio_util::sync::CancellationToken;

fn config(queue_size: u32, sample_rate: f64) -> TelemetryConfig {
    TelemetryConfig {
        enabled: true,
        sample_rate,
        retention_days: 30,
        hash_salt: Secret::new("pepper"),
        queue_size,
    }
}

fn event(name: &str, action: &str, guild: Option<u64>) -> Event {
    Event {
        event_name: name.to_owned(),
        surface: Surface::Discord,
        feature: "generator.preset".to_owned(),
        action: action.to_owned(),
        status: if action == "failure" { "error" } else { "ok" }.to_owned(),
        provider: Some("alttpr".to_owned()),
        guild_id: guild,
        duration_ms: Some(1234),
        error_type: (action == "failure").then(|| "invalid_preset".to_owned()),
    }
}

async fn rows(db: &TestDb) -> Vec<telemetry_events::Model> {
    telemetry_events::Entity::find()
        .order_by_asc(telemetry_events::Column::Id)
        .all(db.conn())
        .await
        .expect("select")
}

#[tokio::test]
async fn flush_writes_queued_events_with_hashed_guilds() {
    for db in TestDb::all().await {
        migrate(db.conn()).await.expect("migrate");
        let t = Telemetry::new(db.conn().clone(), &config(100, 1.0));
        t.record(event(
            "discord.generator.preset.invoke",
            "invoke",
            Some(123_456_789_012_345_678),
        ))
        .await;
        t.record(event("discord.generator.preset.failure", "failure", None))
            .await;
        assert_eq!(t.queued().await, 2);
        assert_eq!(t.flush().await, 2, "{}", db.name());
        assert_eq!(t.queued().await, 0);

        let got = rows(&db).await;
        assert_eq!(got.len(), 2, "{}", db.name());
        assert_eq!(got[0].event_name, "discord.generator.preset.invoke");
        assert_eq!(got[0].surface, "discord");
        assert_eq!(
            got[0].guild_hash.as_deref(),
            Some("0f1cf2fb2e4e43a21c2f43ed1c8bc87188f8c0b66ecc2685873dca4b1c7205d5")
        );
        assert_eq!(got[0].day_bucket, got[0].created_at.date());
        assert_eq!(got[0].duration_ms, Some(1234));
        assert_eq!(got[1].guild_hash, None);
        assert_eq!(got[1].error_type.as_deref(), Some("invalid_preset"));
        assert_eq!(got[1].sample_rate, 1.0);
    }
}

#[tokio::test]
async fn a_full_queue_drops_the_oldest_events() {
    let db = TestDb::sqlite().await;
    migrate(db.conn()).await.expect("migrate");
    let t = Telemetry::new(db.conn().clone(), &config(3, 1.0));
    for i in 0..5 {
        t.record(event(&format!("e{i}"), "invoke", None)).await;
    }
    assert_eq!(t.dropped(), 2);
    t.flush().await;
    let names: Vec<String> = rows(&db).await.into_iter().map(|r| r.event_name).collect();
    assert_eq!(names, vec!["e2", "e3", "e4"]);
}

#[tokio::test]
async fn invalid_events_and_sampled_out_events_are_not_stored() {
    let db = TestDb::sqlite().await;
    migrate(db.conn()).await.expect("migrate");
    let t = Telemetry::new(db.conn().clone(), &config(100, 1.0));
    t.record(event(&"x".repeat(101), "invoke", None)).await;
    t.record(Event {
        feature: " ".into(),
        ..event("ok.name", "invoke", None)
    })
    .await;
    t.record(Event {
        action: "a".repeat(21),
        ..event("ok.name", "invoke", None)
    })
    .await;
    assert_eq!(t.queued().await, 0);

    let none = Telemetry::new(db.conn().clone(), &config(100, 0.0));
    for _ in 0..50 {
        none.record(event("sampled", "invoke", None)).await;
    }
    assert_eq!(none.queued().await, 0, "sample rate 0 keeps nothing");
}

#[tokio::test]
async fn disabled_telemetry_records_nothing() {
    let db = TestDb::sqlite().await;
    migrate(db.conn()).await.expect("migrate");
    let t = Telemetry::new(db.conn().clone(), &TelemetryConfig::default());
    assert!(!t.is_enabled());
    t.record(event("x", "invoke", None)).await;
    assert_eq!(t.flush().await, 0);
    assert!(rows(&db).await.is_empty());
}

#[tokio::test]
async fn run_flushes_at_shutdown() {
    let db = TestDb::sqlite().await;
    migrate(db.conn()).await.expect("migrate");
    let t = Telemetry::new(db.conn().clone(), &config(100, 1.0));
    let cancel = CancellationToken::new();
    let task = tokio::spawn({
        let (t, cancel) = (t.clone(), cancel.clone());
        async move { t.run(30, cancel).await }
    });
    tokio::task::yield_now().await;
    t.record(event("late", "invoke", None)).await;
    cancel.cancel();
    task.await.expect("join").expect("run");
    assert_eq!(
        rows(&db).await.len(),
        1,
        "the event queued before shutdown was written"
    );
}

#[tokio::test]
async fn purge_deletes_only_rows_past_retention() {
    for db in TestDb::all().await {
        migrate(db.conn()).await.expect("migrate");
        let now = Utc::now().naive_utc();
        for (name, age_days) in [("old", 31), ("recent", 29)] {
            let at = now - chrono::Duration::days(age_days);
            telemetry_events::Entity::insert(telemetry_events::ActiveModel {
                created_at: Set(at),
                day_bucket: Set(at.date()),
                event_name: Set(name.into()),
                surface: Set("api".into()),
                feature: Set("f".into()),
                action: Set("invoke".into()),
                status: Set("ok".into()),
                sample_rate: Set(1.0),
                ..Default::default()
            })
            .exec(db.conn())
            .await
            .expect("insert");
        }
        assert_eq!(
            purge(db.conn(), 30, now).await.expect("purge"),
            1,
            "{}",
            db.name()
        );
        let left: Vec<String> = rows(&db).await.into_iter().map(|r| r.event_name).collect();
        assert_eq!(left, vec!["recent"], "{}", db.name());
    }
}

#[tokio::test]
async fn report_counts_features_outcomes_guilds_and_days() {
    let db = TestDb::sqlite().await;
    migrate(db.conn()).await.expect("migrate");
    let t = Telemetry::new(db.conn().clone(), &config(100, 1.0));
    for (action, guild) in [
        ("invoke", Some(1)),
        ("success", Some(1)),
        ("invoke", Some(2)),
        ("failure", Some(2)),
    ] {
        t.record(event(
            &format!("discord.generator.preset.{action}"),
            action,
            guild,
        ))
        .await;
    }
    t.record(Event {
        surface: Surface::Racetime,
        feature: "race".into(),
        ..event("racetime.race.invoke", "invoke", None)
    })
    .await;
    t.flush().await;

    let r = report(db.conn(), 7, Utc::now().naive_utc())
        .await
        .expect("report");
    assert_eq!(r.total, 5);
    assert_eq!(r.guilds, 2);
    assert_eq!(
        r.top_features[0],
        (("discord".into(), "generator.preset".into()), 4)
    );
    assert_eq!(r.top_features[1], (("racetime".into(), "race".into()), 1));
    assert_eq!(
        r.outcomes[&("discord".into(), "generator.preset".into())],
        (1, 1)
    );
    let today: NaiveDate = Utc::now().date_naive();
    assert_eq!(r.per_day[&today].0, 5);
    assert_eq!(
        r.per_day[&today].1[0],
        (
            ("discord".into(), "generator.preset".into(), "invoke".into()),
            2
        )
    );
    let text = r.to_string();
    assert!(
        text.contains("discord/generator.preset: 1 / 1 (50.0% success)"),
        "{text}"
    );
    assert_ne!(guild_hash(1, "pepper"), guild_hash(2, "pepper"));
}
