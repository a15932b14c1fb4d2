//! No message is lost under a burst: 10,000 messages through the gateway, and 10,000 rows
//! queued right before a shutdown, on every available database (SQLite always; MariaDB and
//! PostgreSQL with `TEST_MYSQL_URL` / `TEST_POSTGRES_URL`).

use crate::common;

use std::time::{Duration, Instant};

use common::Setup;
use sahasrahbot_audit::recorder::Recorder;
use sahasrahbot_audit::store::{NewRow, Store};
use sahasrahbot_testkit::db::TestDb;
use sahasrahbot_testkit::discord::{FakeMessage, FakeUser};
use tokio_util::sync::CancellationToken;

const BURST: u64 = 10_000;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[expect(clippy::print_stdout, reason = "the test reports its throughput")]
async fn a_burst_of_messages_is_recorded_in_full() {
    for db in TestDb::all().await {
        let backend = db.name();
        let h = Setup::default().db(db).start().await;
        let user = FakeUser::member(42, "Chatty");
        let started = Instant::now();
        for i in 0..BURST {
            h.fake
                .send_message(&FakeMessage::new(&user, &format!("message {i}")));
        }
        let store = Store::new(h.db.conn().clone());
        let deadline = Instant::now() + Duration::from_secs(120);
        let mut count = 0;
        while Instant::now() < deadline {
            count = store.count().await.expect("count");
            if count >= BURST {
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let elapsed = started.elapsed();
        assert_eq!(count, BURST, "{backend}: rows lost");
        println!(
            "{backend}: {BURST} messages recorded in {:.2} s ({:.0}/s)",
            elapsed.as_secs_f64(),
            BURST as f64 / elapsed.as_secs_f64()
        );
        let rows = h.rows().await;
        let mut ids: Vec<i64> = rows.iter().filter_map(|r| r.message_id).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len() as u64, BURST, "{backend}: one row per message");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_queue_is_written_out_at_shutdown() {
    for db in TestDb::all().await {
        let backend = db.name();
        sahasrahbot_migrations::migrate(db.conn())
            .await
            .expect("migrate");
        let store = Store::new(db.conn().clone());
        let stop = CancellationToken::new();
        let (recorder, writer) = Recorder::spawn(store.clone(), 20_000, 500, stop.clone());
        let date = chrono::Utc::now().naive_utc();
        for i in 0..BURST {
            recorder
                .record(NewRow {
                    guild_id: 1,
                    message_id: i + 1,
                    user_id: 2,
                    channel_id: 3,
                    message_date: date,
                    content: format!("row {i}"),
                    attachment: None,
                })
                .await
                .expect("queued");
        }
        stop.cancel();
        writer.await.expect("writer");
        assert_eq!(store.count().await.expect("count"), BURST, "{backend}");
        let stats = recorder.stats();
        assert_eq!(
            stats.written.load(std::sync::atomic::Ordering::Relaxed),
            BURST
        );
        // After the stop, rows are refused instead of silently dropped.
        let refused = recorder
            .record(NewRow {
                guild_id: 1,
                message_id: 0,
                user_id: 2,
                channel_id: 3,
                message_date: date,
                content: String::new(),
                attachment: None,
            })
            .await;
        assert!(refused.is_err(), "{backend}");
    }
}
