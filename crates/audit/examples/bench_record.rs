//! Messages recorded per second and the memory it takes: the audit bot against the testkit's
//! fake Discord, a burst of `--messages N` MESSAGE_CREATE events, timed from the burst's
//! start until the table holds every row. One JSON line per backend on stdout: SQLite always,
//! MariaDB/MySQL when `TEST_MYSQL_URL` is set, PostgreSQL when `TEST_POSTGRES_URL` is set.
//! `--backend sqlite|mysql|postgres` runs one. Run through `cargo xtask bench-audit`, which
//! runs each backend in a process of its own.
//!
//! The fake runs in a child process (this binary with `--serve`, driven over its stdin and
//! stdout), so the resident memory this process reports is the bot's alone, with its
//! database driver (SQLite runs in-process): its growth once the bot is connected and idle,
//! the peak during the burst, and what is left after it.

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use sahasrahbot_audit::store::Store;
use sahasrahbot_audit::{AuditSettings, Deps, run_with};
use sahasrahbot_core::guild_config::GuildConfig;
use sahasrahbot_testkit::db::TestDb;
use sahasrahbot_testkit::discord::{FakeDiscord, FakeMessage, FakeUser};
use sahasrahbot_testkit::process::{reset_peak_rss, status_kib};
use tokio::sync::mpsc::{UnboundedReceiver, unbounded_channel};
use tokio_util::sync::CancellationToken;

/// How long anything the child is asked may take.
const STEP: Duration = Duration::from_secs(600);

#[expect(
    clippy::print_stdout,
    clippy::print_stderr,
    reason = "a benchmark reports"
)]
#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.iter().any(|a| a == "--serve") {
        if let Err(e) = serve().await {
            eprintln!("fake Discord: {e}");
            std::process::exit(1);
        }
        return;
    }
    let messages = args
        .iter()
        .position(|a| a == "--messages")
        .and_then(|i| args.get(i + 1))
        .and_then(|n| n.replace('_', "").parse::<u64>().ok())
        .unwrap_or(20_000);
    // One backend per process (`--backend sqlite|mysql|postgres`, as `cargo xtask
    // bench-audit` runs it), so that no run inherits the heap another one grew.
    let backend = args
        .iter()
        .position(|a| a == "--backend")
        .and_then(|i| args.get(i + 1))
        .map(String::as_str);
    let dbs = match backend {
        Some("sqlite") => vec![TestDb::sqlite().await],
        Some("mysql") => TestDb::mysql().await.into_iter().collect(),
        Some("postgres") => TestDb::postgres().await.into_iter().collect(),
        Some(other) => {
            eprintln!("unknown backend {other} (sqlite, mysql or postgres)");
            std::process::exit(2);
        }
        None => TestDb::all().await,
    };
    for db in dbs {
        match bench(&db, messages).await {
            Ok(r) => println!(
                "{{\"backend\":\"{}\",\"messages\":{messages},\"seconds\":{:.3},\"per_second\":{:.0},\
                 \"idle_kib\":{},\"peak_kib\":{},\"after_kib\":{}}}",
                db.name(),
                r.elapsed.as_secs_f64(),
                messages as f64 / r.elapsed.as_secs_f64(),
                r.idle_kib,
                r.peak_kib,
                r.after_kib,
            ),
            Err(e) => eprintln!("{}: {e}", db.name()),
        }
    }
}

/// The lines `reader` yields, read on a thread of their own.
fn lines_of(reader: impl std::io::Read + Send + 'static) -> UnboundedReceiver<String> {
    let (tx, rx) = unbounded_channel();
    std::thread::spawn(move || {
        for line in BufReader::new(reader).lines() {
            let Ok(line) = line else { break };
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    rx
}

/// The child: a fake Discord. It prints `FAKE <http proxy> <gateway url> <token> <guild>`,
/// then answers `WAIT` with `READY` once a bot is connected and `BURST n` with `SENT` once n
/// messages are sent; it ends with its stdin.
async fn serve() -> Result<(), String> {
    let fake = FakeDiscord::start().await.map_err(|e| e.to_string())?;
    let mut out = std::io::stdout();
    let mut say = |line: String| -> Result<(), String> {
        writeln!(out, "{line}")
            .and_then(|()| out.flush())
            .map_err(|e| e.to_string())
    };
    say(format!(
        "FAKE {} {} {} {}",
        fake.http_proxy(),
        fake.gateway_url(),
        fake.token(),
        fake.guild_id()
    ))?;
    let mut commands = lines_of(std::io::stdin());
    while let Some(command) = commands.recv().await {
        match command.split_once(' ') {
            None if command == "WAIT" => {
                let ready = fake
                    .wait_for_gateway(STEP, |s| s.identifies == 1 && s.live == 1)
                    .await;
                say(if ready { "READY" } else { "TIMEOUT" }.to_owned())?;
            }
            Some(("BURST", n)) => {
                let n: u64 = n.parse().map_err(|_| format!("bad burst size {n}"))?;
                let user = FakeUser::member(42, "Chatty");
                for i in 0..n {
                    fake.send_message(&FakeMessage::new(
                        &user,
                        &format!("benchmark message number {i}"),
                    ));
                }
                say("SENT".to_owned())?;
            }
            _ => return Err(format!("unknown command {command:?}")),
        }
    }
    Ok(())
}

/// The child process and its two streams.
struct Fake {
    child: Child,
    stdin: ChildStdin,
    lines: UnboundedReceiver<String>,
}

impl Fake {
    fn start() -> Result<Self, String> {
        let exe = std::env::current_exe().map_err(|e| e.to_string())?;
        let mut child = Command::new(exe)
            .arg("--serve")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .map_err(|e| format!("cannot start the fake: {e}"))?;
        let stdin = child.stdin.take().ok_or("no stdin")?;
        let stdout = child.stdout.take().ok_or("no stdout")?;
        Ok(Self {
            child,
            stdin,
            lines: lines_of(stdout),
        })
    }

    async fn line(&mut self) -> Result<String, String> {
        tokio::time::timeout(STEP, self.lines.recv())
            .await
            .map_err(|_| "the fake did not answer".to_owned())?
            .ok_or_else(|| "the fake exited".to_owned())
    }

    async fn ask(&mut self, command: &str, answer: &str) -> Result<(), String> {
        writeln!(self.stdin, "{command}").map_err(|e| e.to_string())?;
        let got = self.line().await?;
        if got == answer {
            Ok(())
        } else {
            Err(format!("{command}: the fake said {got}"))
        }
    }
}

impl Drop for Fake {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One backend's figures: time to record the burst, and the bot's memory growth (KiB) over
/// the process before it started.
struct Run {
    elapsed: Duration,
    idle_kib: u64,
    peak_kib: u64,
    after_kib: u64,
}

async fn bench(db: &TestDb, messages: u64) -> Result<Run, String> {
    sahasrahbot_migrations::migrate(db.conn())
        .await
        .map_err(|e| e.to_string())?;
    let mut fake = Fake::start()?;
    let hello = fake.line().await?;
    let fields: Vec<&str> = hello.split(' ').collect();
    let [_, http_proxy, gateway_url, token, guild] = fields[..] else {
        return Err(format!("the fake said {hello}"));
    };
    let guild_config = Arc::new(GuildConfig::new(db.conn().clone()));
    guild_config
        .set(
            guild.parse::<i64>().map_err(|e| e.to_string())?,
            "AuditLogging",
            "true",
        )
        .await
        .map_err(|e| e.to_string())?;
    let settings = AuditSettings {
        token: token.to_owned(),
        http_proxy: Some(http_proxy.to_owned()),
        gateway_url: Some(gateway_url.to_owned()),
        bad_domains_url: "http://127.0.0.1:9/hashes.json".to_owned(),
        ..AuditSettings::default()
    };
    let cancel = CancellationToken::new();
    let deps = Deps {
        db: db.conn().clone(),
        guild_config,
    };
    let before = status_kib("VmRSS").unwrap_or(0);
    let task = tokio::spawn(run_with(settings, deps, cancel.clone()));
    fake.ask("WAIT", "READY").await?;
    tokio::time::sleep(Duration::from_secs(1)).await;
    let idle = status_kib("VmRSS").unwrap_or(0);
    reset_peak_rss();
    let store = Store::new(db.conn().clone());
    let started = Instant::now();
    fake.ask(&format!("BURST {messages}"), "SENT").await?;
    loop {
        let count = store.count().await.map_err(|e| e.to_string())?;
        if count >= messages {
            break;
        }
        if started.elapsed() > STEP {
            return Err(format!("only {count} of {messages} rows after 600 s"));
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let elapsed = started.elapsed();
    let peak = status_kib("VmHWM").unwrap_or(0);
    tokio::time::sleep(Duration::from_secs(1)).await;
    let after = status_kib("VmRSS").unwrap_or(0);
    cancel.cancel();
    let _ = task.await;
    Ok(Run {
        elapsed,
        idle_kib: idle.saturating_sub(before),
        peak_kib: peak.saturating_sub(before),
        after_kib: after.saturating_sub(before),
    })
}
