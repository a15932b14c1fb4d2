//! The `create_races` tick and loop (parity rows P4, P6, P45).

use crate::common;

use std::collections::HashMap;
use std::time::Duration;

use common::*;
use sahasrahbot_core::ports::ChatTarget;
use sahasrahbot_racetime::CancellationToken;
use sahasrahbot_testkit::db::TestDb;
use sahasrahbot_tournament::speedgaming::eastern_isoformat;
use sahasrahbot_tournament::{EventDefinition, HandlerKind};
use serde_json::json;

fn production_events() -> Vec<EventDefinition> {
    [
        (HandlerKind::AlttprQualifier, "alttpr"),
        (HandlerKind::AlttprDaily, "alttprdaily"),
        (HandlerKind::Smz3Weekly, "smz3"),
        (HandlerKind::InvLeague, "invleague"),
        (HandlerKind::AlttprLeague, "alttprleague"),
    ]
    .into_iter()
    .map(|(k, slug)| k.default_definition(slug))
    .collect()
}

/// `(event, from, to)` of every schedule request, in order.
async fn schedule_queries(h: &Harness) -> Vec<(String, String, String)> {
    h.sg.received_requests()
        .await
        .unwrap()
        .iter()
        .filter(|r| r.url.path() == "/schedule")
        .map(|r| {
            let q: HashMap<String, String> = r.url.query_pairs().into_owned().collect();
            (q["event"].clone(), q["from"].clone(), q["to"].clone())
        })
        .collect()
}

#[tokio::test]
async fn each_event_is_polled_with_its_own_window_in_eastern_time() {
    let h = Harness::new(production_events()).await;
    h.engine.create_races_tick().await;
    let from = eastern_isoformat(now() - chrono::Duration::minutes(30));
    let to = |m: i64| eastern_isoformat(now() + chrono::Duration::minutes(m));
    assert_eq!(
        schedule_queries(&h).await,
        vec![
            ("alttpr".to_owned(), from.clone(), to(60)),
            ("alttprdaily".to_owned(), from.clone(), to(60)),
            ("smz3".to_owned(), from.clone(), to(60)),
            ("invleague".to_owned(), from.clone(), to(45)),
            ("alttprleague".to_owned(), from.clone(), to(45)),
        ]
    );
    assert!(from.ends_with("-05:00"), "{from}");
}

#[tokio::test]
async fn one_failing_event_does_not_stop_the_others_and_failures_repeat_every_tick() {
    let daily = HandlerKind::AlttprDaily.default_definition("alttprdaily");
    let h = Harness::new(vec![
        league_event(),
        HandlerKind::AlttprQualifier.default_definition("alttpr"),
        daily,
    ])
    .await;
    // The league episode cannot be created (no mode); SpeedGaming fails for the qualifier.
    h.add_episode(episode(1001, "alttprleague", "Week 1", 20, vec![], &[]));
    h.mock_league(1001, json!({})).await;
    h.sg_state.failing.lock().unwrap().insert("alttpr".into());
    h.add_episode(episode(2001, "alttprdaily", "Daily", 30, vec![], &[]));
    // Outside the window: not opened.
    h.add_episode(episode(2002, "alttprdaily", "Later Daily", 90, vec![], &[]));

    h.engine.create_races_tick().await;
    assert_eq!(h.startrace_count(), 1, "the daily's room is still opened");
    h.engine.create_races_tick().await;
    assert_eq!(h.startrace_count(), 1, "and not twice");
    let audit = h.notifier.to(ChatTarget::Channel(AUDIT));
    assert_eq!(audit.len(), 2, "one audit message per tick: {audit:#?}");
    assert!(audit.iter().all(|m| m.content.starts_with(
        "There was an error while automatically creating a race room for episode `1001`."
    )));
    let infos: Vec<String> = h
        .fake
        .race_names()
        .iter()
        .map(|r| {
            h.fake.race(r)["info_user"]
                .as_str()
                .unwrap_or_default()
                .to_owned()
        })
        .collect();
    assert_eq!(infos.len(), 1);
    assert!(infos[0].ends_with(" - 2001"), "{infos:?}");
}

#[tokio::test]
async fn the_loop_runs_at_once_then_every_interval_until_cancelled() {
    let daily = HandlerKind::AlttprDaily.default_definition("alttprdaily");
    let h = Harness::with_config(
        vec![daily],
        TestDb::sqlite().await,
        Duration::from_millis(300),
    )
    .await;
    h.add_episode(episode(2001, "alttprdaily", "Daily", 30, vec![], &[]));
    let cancel = CancellationToken::new();
    let task = tokio::spawn({
        let engine = h.engine.clone();
        let cancel = cancel.clone();
        async move { engine.run(cancel).await }
    });
    assert!(
        h.fake.wait_until(WAIT, |_| h.startrace_count() == 1).await,
        "the first tick runs at once"
    );
    // Later ticks see the episode again (cadence: the paused-time test below).
    let deadline = tokio::time::Instant::now() + WAIT;
    while schedule_queries(&h).await.len() < 3 {
        assert!(tokio::time::Instant::now() < deadline, "fewer than 3 ticks");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(h.startrace_count(), 1, "the episode's room is opened once");
    cancel.cancel();
    tokio::time::timeout(WAIT, task)
        .await
        .expect("the loop stops")
        .unwrap();
    let after = schedule_queries(&h).await.len();
    tokio::time::sleep(Duration::from_millis(700)).await;
    assert_eq!(
        schedule_queries(&h).await.len(),
        after,
        "no tick after cancellation"
    );
}

/// An engine with no events and no I/O; its clock counts the ticks.
fn counting_engine(
    ticks: std::sync::Arc<std::sync::atomic::AtomicUsize>,
) -> sahasrahbot_tournament::engine::Engine {
    use sahasrahbot_tournament::engine::{Engine, EngineConfig, EngineServices};
    use std::sync::Arc;
    use std::sync::atomic::Ordering;
    let seedgen = sahasrahbot_seedgen::Seedgen::new(
        sahasrahbot_seedgen::SeedgenConfig::default(),
        None,
        None,
    )
    .unwrap();
    let services = EngineServices {
        db: sea_orm::DatabaseConnection::Disconnected,
        speedgaming: sahasrahbot_tournament::SpeedGaming::new(
            reqwest::Client::new(),
            "http://127.0.0.1:9",
        ),
        bots: sahasrahbot_tournament::ports::RacetimeBots::new(),
        guilds: Arc::new(FakeGuilds::default()),
        notifier: Arc::new(RecordingNotifier::default()),
        seedgen: Arc::new(seedgen),
        presets: Arc::new(sahasrahbot_core::presets::PresetStore::new("presets")),
        spoilers: None,
        http: reqwest::Client::new(),
        config: EngineConfig::default(),
        clock: Arc::new(move || {
            ticks.fetch_add(1, Ordering::SeqCst);
            now()
        }),
    };
    Engine::new(services, Vec::new())
}

#[tokio::test(start_paused = true)]
async fn the_loop_ticks_every_five_minutes_of_paused_time() {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};
    let ticks = Arc::new(AtomicUsize::new(0));
    let engine = counting_engine(ticks.clone());
    let cancel = CancellationToken::new();
    let task = tokio::spawn({
        let cancel = cancel.clone();
        async move { engine.run(cancel).await }
    });
    let settle = || async {
        for _ in 0..10 {
            tokio::task::yield_now().await;
        }
    };
    settle().await;
    assert_eq!(
        ticks.load(Ordering::SeqCst),
        1,
        "the first tick runs at once"
    );
    tokio::time::advance(Duration::from_secs(299)).await;
    settle().await;
    assert_eq!(ticks.load(Ordering::SeqCst), 1);
    tokio::time::advance(Duration::from_secs(1)).await;
    settle().await;
    assert_eq!(ticks.load(Ordering::SeqCst), 2);
    for n in 3..=5 {
        tokio::time::advance(Duration::from_secs(300)).await;
        settle().await;
        assert_eq!(ticks.load(Ordering::SeqCst), n);
    }
    cancel.cancel();
    task.await.unwrap();
    tokio::time::advance(Duration::from_secs(900)).await;
    assert_eq!(
        ticks.load(Ordering::SeqCst),
        5,
        "no tick after cancellation"
    );
}
