//! Rough cost of idle rooms: opens N rooms on the testkit fake (in a child process, so its
//! sockets are not counted), lets one bot join them all, and logs the bot process's
//! resident-memory growth per room (Linux only).
//!
//! ```text
//! cargo run -p sahasrahbot-racetime --example bench_rooms -- 2000
//! ```

use std::io::{BufRead, Write};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use sahasrahbot_racetime::{
    Bot, BotConfig, CancellationToken, DefaultFactory, HandlerRegistry, HostConfig, RaceHandler,
};
use sahasrahbot_testkit::racetime::{FakeConfig, FakeRacetime, NewRace};
use tracing::info;

#[derive(Default)]
struct Idle;
impl RaceHandler for Idle {}

fn rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

/// Child: serve the fake with `rooms` open rooms, print the port, live until stdin closes.
async fn serve(rooms: usize) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    let fake = FakeRacetime::start().await?;
    for _ in 0..rooms {
        fake.open_race(NewRace::default());
    }
    let mut out = std::io::stdout();
    writeln!(out, "{}", fake.port())?;
    out.flush()?;
    tokio::task::spawn_blocking(|| {
        let mut line = String::new();
        let _ = std::io::stdin().read_line(&mut line);
    })
    .await?;
    Ok(())
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "warn,bench_rooms=info".into()),
        )
        .init();
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some("--serve") {
        return serve(args.get(2).map(|n| n.parse()).transpose()?.unwrap_or(1000)).await;
    }
    let rooms: usize = args.get(1).map(|n| n.parse()).transpose()?.unwrap_or(1000);
    let mut child = Command::new(std::env::current_exe()?)
        .args(["--serve", &rooms.to_string()])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()?;
    let mut port = String::new();
    std::io::BufReader::new(child.stdout.take().ok_or("no child stdout")?).read_line(&mut port)?;
    let port: u16 = port.trim().parse()?;
    let fake = FakeConfig::default();

    let mut config = BotConfig::new(fake.category, fake.client_id, fake.client_secret)
        .with_host(HostConfig::insecure("127.0.0.1", port));
    config.join_concurrency = 64;
    let cancel = CancellationToken::new();
    let registry = HandlerRegistry::new();
    let bot = Bot::connect(
        config,
        DefaultFactory::<Idle>::new(),
        registry.clone(),
        cancel.clone(),
    )
    .await?;
    tokio::time::sleep(Duration::from_millis(200)).await;
    let before = rss_kib().unwrap_or(0);
    let started = Instant::now();
    let runner = bot.clone();
    let task = tokio::spawn(async move { runner.run().await });
    let deadline = Instant::now() + Duration::from_secs(600);
    while registry.len() < rooms && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let elapsed = started.elapsed();
    // Let every room connect and read its first frames.
    tokio::time::sleep(Duration::from_secs(2)).await;
    let after = rss_kib().unwrap_or(0);
    info!(
        rooms,
        joined = registry.len(),
        ?elapsed,
        rss_before_kib = before,
        rss_after_kib = after,
        per_room_bytes = (after.saturating_sub(before) * 1024) / rooms.max(1) as u64,
        "idle rooms (bot process only)"
    );
    cancel.cancel();
    task.await?;
    drop(child.stdin.take());
    let _ = child.wait();
    Ok(())
}
