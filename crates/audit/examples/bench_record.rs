//! Messages recorded per second: the audit bot against the testkit's fake Discord, a burst
//! of `--messages N` MESSAGE_CREATE events, timed from the first dispatch until the table
//! holds every row. One JSON line per backend on stdout: SQLite always, MariaDB/MySQL when
//! `TEST_MYSQL_URL` is set, PostgreSQL when `TEST_POSTGRES_URL` is set. Run through
//! `cargo xtask bench-audit`.

use std::sync::Arc;
use std::time::{Duration, Instant};

use sahasrahbot_audit::store::Store;
use sahasrahbot_audit::{AuditSettings, Deps, run_with};
use sahasrahbot_core::guild_config::GuildConfig;
use sahasrahbot_testkit::db::TestDb;
use sahasrahbot_testkit::discord::{FakeDiscord, FakeMessage, FakeUser};
use tokio_util::sync::CancellationToken;

#[expect(
    clippy::print_stdout,
    clippy::print_stderr,
    reason = "a benchmark reports"
)]
#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let messages = args
        .iter()
        .position(|a| a == "--messages")
        .and_then(|i| args.get(i + 1))
        .and_then(|n| n.replace('_', "").parse::<u64>().ok())
        .unwrap_or(20_000);
    for db in TestDb::all().await {
        match bench(&db, messages).await {
            Ok(elapsed) => println!(
                "{{\"backend\":\"{}\",\"messages\":{messages},\"seconds\":{:.3},\"per_second\":{:.0}}}",
                db.name(),
                elapsed.as_secs_f64(),
                messages as f64 / elapsed.as_secs_f64()
            ),
            Err(e) => eprintln!("{}: {e}", db.name()),
        }
    }
}

async fn bench(db: &TestDb, messages: u64) -> Result<Duration, String> {
    sahasrahbot_migrations::migrate(db.conn())
        .await
        .map_err(|e| e.to_string())?;
    let guild_config = Arc::new(GuildConfig::new(db.conn().clone()));
    let fake = FakeDiscord::start().await.map_err(|e| e.to_string())?;
    guild_config
        .set(fake.guild_id() as i64, "AuditLogging", "true")
        .await
        .map_err(|e| e.to_string())?;
    let settings = AuditSettings {
        token: fake.token(),
        http_proxy: Some(fake.http_proxy()),
        gateway_url: Some(fake.gateway_url()),
        bad_domains_url: "http://127.0.0.1:9/hashes.json".to_owned(),
        ..AuditSettings::default()
    };
    let cancel = CancellationToken::new();
    let deps = Deps {
        db: db.conn().clone(),
        guild_config,
    };
    let task = tokio::spawn(run_with(settings, deps, cancel.clone()));
    if !fake
        .wait_for_gateway(Duration::from_secs(30), |s| {
            s.identifies == 1 && s.live == 1
        })
        .await
    {
        return Err("the audit bot did not connect".to_owned());
    }
    let store = Store::new(db.conn().clone());
    let user = FakeUser::member(42, "Chatty");
    let payloads: Vec<FakeMessage> = (0..messages)
        .map(|i| FakeMessage::new(&user, &format!("benchmark message number {i}")))
        .collect();
    let started = Instant::now();
    for message in &payloads {
        fake.send_message(message);
    }
    let deadline = started + Duration::from_secs(600);
    loop {
        let count = store.count().await.map_err(|e| e.to_string())?;
        if count >= messages {
            break;
        }
        if Instant::now() > deadline {
            return Err(format!("only {count} of {messages} rows after 600 s"));
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let elapsed = started.elapsed();
    cancel.cancel();
    let _ = task.await;
    Ok(elapsed)
}
