//! The racetime benchmark for one room count (run by `cargo xtask bench-racetime`, which builds
//! it in release mode and prints the table; Linux only).
//!
//! 1. A child process (this binary with `--serve`) runs the testkit fake with N open rooms, so
//!    the fake's memory and CPU are not counted.
//! 2. One bot joins every room; once all are idle, the growth of the bot's resident memory is
//!    divided by N.
//! 3. The child posts `!ping <seq>` from a user at 0.2 commands per room per second, spread
//!    evenly, for the load window; the bot's `ping` command answers `pong <seq>`. The child
//!    timestamps each chat when it hands it to the socket and each reply when it reads the bot's
//!    frame (latency), and counts commands without a reply after a grace period (lost). The bot
//!    measures its own CPU time over the window (all threads, `/proc/self/task/*/schedstat`;
//!    the fake's CPU is in the child process and not counted) and divides it by the replies;
//!    that includes any keepalive pings and the echo of every reply. It also reports its
//!    user/system split (`/proc/self/stat`) and its threads' context switches.
//!
//! The open-file soft limit is raised to the hard limit (by re-running through `sh -c ulimit`);
//! when N sockets do not fit under it, N is capped and the result says so.
//!
//! ```text
//! cargo run --release -p sahasrahbot-racetime --example bench_rooms -- --rooms 2000 --seconds 20
//! ```
//!
//! `--runtime current` runs the bot on a current-thread tokio runtime instead of the default
//! multi-thread one. `--tls` puts a TLS front (the self-signed certificate of
//! `tests/fixtures/`, trusted as an extra root) before the fake in the child process, so every
//! room takes the client's `wss` path, as against production racetime.gg.
//!
//! `--sync` (used by `cargo xtask bench-racetime` when one process cannot hold every room)
//! prints `IDLE` on stdout once the rooms are idle and measured, and starts the load only after
//! a line on stdin, so that several bot processes put their load on the machine at once.
//!
//! `--floor` runs the floor client ([`floor`]) in place of the bot: the same rooms, runtime, load
//! and measurements, with no websocket library and no JSON, for what the kernel and the runtime
//! alone cost per command on this machine.
//!
//! The last line of output is `RESULT {json}`.

use std::collections::HashMap;
use std::io::{BufRead, Write};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use sahasrahbot_racetime::{
    Bot, BotConfig, CancellationToken, Commands, DefaultFactory, HandlerRegistry, HostConfig,
    RaceHandler, Room,
};
use sahasrahbot_testkit::process::status_kib;
use sahasrahbot_testkit::racetime::{FakeConfig, FakeRacetime, NewRace};
use serde_json::json;
use tracing::info;

mod floor;
#[path = "../../tests/it/common/tls_front.rs"]
mod tls_front;

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// Rooms the client joins at once.
const JOIN_CONCURRENCY: usize = 64;
/// Commands per room per second.
const RATE_PER_ROOM: f64 = 0.2;
/// File descriptors kept free for everything but the room sockets (HTTP connections, the
/// runtime, and the `/proc` reads of the measurements themselves).
const FD_RESERVE: u64 = 300;
/// How long replies may trail the end of the load window before they count as lost.
const GRACE: Duration = Duration::from_secs(5);

/// The bench handler: `!ping <seq>` → `pong <seq>`.
#[derive(Default)]
struct Pinger;

impl RaceHandler for Pinger {
    fn commands() -> Commands<Self> {
        Commands::new().add("ping", |_me: Arc<Self>, room: Room, inv| async move {
            let seq = inv.args.first().map_or("", String::as_str);
            room.send_message(format!("pong {seq}"))?;
            Ok(())
        })
    }
}

/// What joins the rooms: the bot under test, or the floor client.
enum Client {
    Bot {
        registry: HandlerRegistry,
        cancel: CancellationToken,
        task: tokio::task::JoinHandle<()>,
    },
    Floor(floor::Floor),
}

impl Client {
    fn joined(&self) -> usize {
        match self {
            Self::Bot { registry, .. } => registry.len(),
            Self::Floor(floor) => floor.open(),
        }
    }

    async fn stop(self) -> Result<(), BoxError> {
        match self {
            Self::Bot { cancel, task, .. } => {
                cancel.cancel();
                task.await?;
            }
            Self::Floor(floor) => drop(floor),
        }
        Ok(())
    }
}

/// CPU time of each thread of this process, nanoseconds (first field of `schedstat`).
fn thread_cpu_ns() -> HashMap<String, u64> {
    let mut out = HashMap::new();
    let Ok(dir) = std::fs::read_dir("/proc/self/task") else {
        return out;
    };
    for entry in dir.flatten() {
        let path = entry.path().join("schedstat");
        if let Some(ns) = std::fs::read_to_string(path)
            .ok()
            .and_then(|s| s.split_whitespace().next()?.parse().ok())
        {
            out.insert(entry.file_name().to_string_lossy().into_owned(), ns);
        }
    }
    out
}

/// Context switches of each thread of this process (voluntary + involuntary, from
/// `/proc/self/task/*/status`): every time a thread sleeps and is woken again.
fn thread_switches() -> HashMap<String, u64> {
    let mut out = HashMap::new();
    let Ok(dir) = std::fs::read_dir("/proc/self/task") else {
        return out;
    };
    for entry in dir.flatten() {
        let Ok(status) = std::fs::read_to_string(entry.path().join("status")) else {
            continue;
        };
        let n: u64 = status
            .lines()
            .filter_map(|l| {
                l.strip_prefix("voluntary_ctxt_switches:")
                    .or_else(|| l.strip_prefix("nonvoluntary_ctxt_switches:"))
            })
            .filter_map(|v| v.trim().parse::<u64>().ok())
            .sum();
        out.insert(entry.file_name().to_string_lossy().into_owned(), n);
    }
    out
}

/// User and system CPU time of the whole process (exited threads included), milliseconds,
/// from `/proc/self/stat` (clock ticks of 10 ms).
fn process_user_sys_ms() -> Option<(f64, f64)> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the parenthesised command name; utime and stime are fields 14 and 15.
    let rest = &stat[stat.rfind(')')? + 2..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let utime: f64 = fields.get(11)?.parse().ok()?;
    let stime: f64 = fields.get(12)?.parse().ok()?;
    // USER_HZ is 100 on Linux.
    Some((utime * 10.0, stime * 10.0))
}

/// CPU time spent between two snapshots (threads that exited in between are missed).
fn cpu_delta_ns(before: &HashMap<String, u64>, after: &HashMap<String, u64>) -> u64 {
    after
        .iter()
        .map(|(tid, ns)| ns.saturating_sub(before.get(tid).copied().unwrap_or(0)))
        .sum()
}

/// `(soft, hard)` open-file limits of this process.
fn nofile_limits() -> Option<(u64, u64)> {
    let limits = std::fs::read_to_string("/proc/self/limits").ok()?;
    let line = limits.lines().find(|l| l.starts_with("Max open files"))?;
    let mut nums = line["Max open files".len()..].split_whitespace();
    let soft = nums.next()?.parse().ok()?;
    let hard = nums.next()?.parse().ok()?;
    Some((soft, hard))
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// Child: serve the fake with `rooms` open rooms, print the port, then obey stdin:
/// `load <seconds>` runs the command load and prints its result; EOF ends the process.
async fn serve(rooms: usize, tls: bool) -> Result<(), BoxError> {
    let fake = FakeRacetime::start().await?;
    // Kept alive for the whole run; its relays are in this (the fake's) process.
    let front = if tls {
        Some(tls_front::start(fake.port()).await?)
    } else {
        None
    };
    fake.set_quiet(true);
    let names: Vec<String> = (0..rooms)
        .map(|_| fake.open_race(NewRace::default()))
        .collect();
    let user = fake.add_user("Bencher", false);
    let mut out = std::io::stdout();
    writeln!(out, "{}", front.as_ref().map_or(fake.port(), |f| f.port))?;
    out.flush()?;
    let (line_tx, mut lines) = tokio::sync::mpsc::unbounded_channel::<String>();
    std::thread::spawn(move || {
        for line in std::io::stdin().lock().lines() {
            let Ok(line) = line else { break };
            if line_tx.send(line).is_err() {
                break;
            }
        }
    });
    while let Some(line) = lines.recv().await {
        if let Some(secs) = line.strip_prefix("load ") {
            let window = Duration::from_secs_f64(secs.trim().parse()?);
            let result = drive_load(&fake, &names, &user, window).await;
            writeln!(out, "{result}")?;
            out.flush()?;
        }
    }
    Ok(())
}

/// Posts `!ping <seq>` round-robin over the rooms at [`RATE_PER_ROOM`] for `window`, collects
/// the replies, and returns the figures as JSON.
async fn drive_load(
    fake: &FakeRacetime,
    rooms: &[String],
    user: &str,
    window: Duration,
) -> serde_json::Value {
    let mut feed = fake.bot_message_feed();
    let rate = RATE_PER_ROOM * rooms.len() as f64;
    let mut sent_at: Vec<Instant> = Vec::with_capacity((rate * window.as_secs_f64()) as usize + 1);
    let mut replied: Vec<Option<Duration>> = Vec::with_capacity(sent_at.capacity());
    let mut unexpected = 0u64;
    let start = Instant::now();
    let mut tick = tokio::time::interval(Duration::from_millis(5));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    let mut on_reply = |msg: sahasrahbot_testkit::racetime::BotMessage,
                        sent_at: &[Instant],
                        replied: &mut Vec<Option<Duration>>| {
        let seq = msg
            .text
            .strip_prefix("pong ")
            .and_then(|s| s.parse::<usize>().ok());
        match seq {
            Some(seq) if seq < sent_at.len() && replied[seq].is_none() => {
                replied[seq] = Some(msg.received_at.saturating_duration_since(sent_at[seq]));
            }
            _ => unexpected += 1,
        }
    };
    // Load window.
    loop {
        tokio::select! {
            _ = tick.tick() => {
                let elapsed = start.elapsed();
                if elapsed >= window {
                    break;
                }
                let due = (elapsed.as_secs_f64() * rate) as usize;
                while sent_at.len() < due {
                    let seq = sent_at.len();
                    let room = &rooms[seq % rooms.len()];
                    sent_at.push(Instant::now());
                    replied.push(None);
                    fake.send_chat(room, user, &format!("!ping {seq}"));
                }
            }
            Some(msg) = feed.recv() => on_reply(msg, &sent_at, &mut replied),
        }
    }
    // Grace period for the last replies.
    let grace_end = tokio::time::Instant::now() + GRACE;
    while replied.iter().any(Option::is_none) {
        match tokio::time::timeout_at(grace_end, feed.recv()).await {
            Ok(Some(msg)) => on_reply(msg, &sent_at, &mut replied),
            _ => break,
        }
    }
    let mut latencies: Vec<Duration> = replied.iter().flatten().copied().collect();
    latencies.sort_unstable();
    let sent = sent_at.len();
    json!({
        "sent": sent,
        "replied": latencies.len(),
        "lost": sent - latencies.len(),
        "unexpected": unexpected,
        "p50_ms": ms(percentile(&latencies, 50.0)),
        "p99_ms": ms(percentile(&latencies, 99.0)),
        "max_ms": ms(latencies.last().copied().unwrap_or_default()),
    })
}

struct Args {
    rooms: usize,
    seconds: f64,
    current_thread: bool,
    tls: bool,
    sync: bool,
    floor: bool,
}

fn parse_args(args: &[String]) -> Result<Args, BoxError> {
    let mut out = Args {
        rooms: 1000,
        seconds: 20.0,
        current_thread: false,
        tls: false,
        sync: false,
        floor: false,
    };
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--rooms" => out.rooms = it.next().ok_or("--rooms needs a value")?.parse()?,
            "--seconds" => out.seconds = it.next().ok_or("--seconds needs a value")?.parse()?,
            "--runtime" => {
                out.current_thread = match it.next().map(String::as_str) {
                    Some("current") => true,
                    Some("multi") => false,
                    _ => return Err("--runtime is current or multi".into()),
                }
            }
            "--tls" => out.tls = true,
            "--sync" => out.sync = true,
            "--floor" => out.floor = true,
            n if n.parse::<usize>().is_ok() => out.rooms = n.parse()?,
            other => return Err(format!("unknown argument {other}").into()),
        }
    }
    if out.floor && out.tls {
        return Err("--floor speaks plain websockets only".into());
    }
    if out.rooms == 0 || !(out.seconds > 0.0 && out.seconds <= 3600.0) {
        return Err("need --rooms > 0 and 0 < --seconds <= 3600".into());
    }
    Ok(out)
}

/// Re-runs this process with the open-file soft limit raised to the hard limit, if it is lower.
/// Returns `None` when the current process should go on.
fn reexec_with_raised_limit() -> Option<std::io::Result<std::process::ExitStatus>> {
    let (soft, hard) = nofile_limits()?;
    if soft >= hard || std::env::var_os("BENCH_ROOMS_REEXEC").is_some() {
        return None;
    }
    let exe = std::env::current_exe().ok()?;
    Some(
        Command::new("sh")
            .arg("-c")
            .arg(r#"ulimit -n "$(ulimit -Hn)" && exec "$0" "$@""#)
            .arg(exe)
            .args(std::env::args().skip(1))
            .env("BENCH_ROOMS_REEXEC", "1")
            .status(),
    )
}

#[expect(
    clippy::print_stderr,
    clippy::print_stdout,
    reason = "a benchmark reports on its streams"
)]
async fn bench(args: Args) -> Result<(), BoxError> {
    let Args {
        rooms: asked,
        seconds,
        current_thread,
        tls,
        sync,
        floor,
    } = args;
    let (soft, hard) = nofile_limits().unwrap_or((1024, 1024));
    let fit = soft.saturating_sub(FD_RESERVE) as usize;
    let rooms = asked.min(fit);
    if rooms < asked {
        eprintln!(
            "bench_rooms: {asked} rooms do not fit under the open-file limit (soft {soft}, hard \
             {hard}; each room is one socket in this process and one in the fake): running \
             {rooms}"
        );
    }

    let mut child = Command::new(std::env::current_exe()?)
        .args(["--serve", &rooms.to_string()])
        .args(tls.then_some("--tls"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()?;
    let mut child_in = child.stdin.take().ok_or("no child stdin")?;
    let mut child_out = std::io::BufReader::new(child.stdout.take().ok_or("no child stdout")?);
    let mut port = String::new();
    child_out.read_line(&mut port)?;
    let port: u16 = port.trim().parse()?;
    let fake = FakeConfig::default();
    let rss_before;
    let started;
    let client = if floor {
        tokio::time::sleep(Duration::from_millis(200)).await;
        rss_before = status_kib("VmRSS").ok_or("cannot read /proc/self/status")?;
        started = Instant::now();
        Client::Floor(
            floor::connect(
                port,
                &fake.category,
                &fake.client_id,
                &fake.client_secret,
                JOIN_CONCURRENCY,
            )
            .await?,
        )
    } else {
        let mut config = BotConfig::new(fake.category, fake.client_id, fake.client_secret)
            .with_host(HostConfig::insecure("127.0.0.1", port));
        if tls {
            config.host.secure = true;
            config = config.with_root_certificate(tls_front::CERT_DER);
        }
        config.join_concurrency = JOIN_CONCURRENCY;
        // One discovery pass: with thousands of rooms the fake's category feed is huge, and a
        // re-scan during the load window would measure the fake, not the rooms.
        config.scan_interval = Duration::from_secs(3600);
        let cancel = CancellationToken::new();
        let registry = HandlerRegistry::new();
        let bot = Bot::connect(
            config,
            DefaultFactory::<Pinger>::new(),
            registry.clone(),
            cancel.clone(),
        )
        .await?;
        tokio::time::sleep(Duration::from_millis(200)).await;
        rss_before = status_kib("VmRSS").ok_or("cannot read /proc/self/status")?;
        started = Instant::now();
        let runner = bot.clone();
        let task = tokio::spawn(async move { runner.run().await });
        let deadline = Instant::now() + Duration::from_secs(120 + rooms as u64 / 50);
        while registry.len() < rooms && Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        Client::Bot {
            registry,
            cancel,
            task,
        }
    };
    let join_time = started.elapsed();
    let joined = client.joined();
    // Let every room connect and read its first frames.
    tokio::time::sleep(Duration::from_secs(3)).await;
    let rss_idle = status_kib("VmRSS").ok_or("cannot read /proc/self/status")?;
    let per_room_bytes = (rss_idle.saturating_sub(rss_before) * 1024) / joined.max(1) as u64;
    info!(
        rooms,
        joined,
        ?join_time,
        rss_before_kib = rss_before,
        rss_idle_kib = rss_idle,
        per_room_bytes,
        "idle rooms (bot process only)"
    );

    if sync {
        // Tell the driver these rooms are idle, and wait for its go (or its end).
        println!("IDLE");
        std::io::stdout().flush()?;
        tokio::task::spawn_blocking(|| {
            let mut go = String::new();
            std::io::stdin().read_line(&mut go)
        })
        .await??;
    }

    let switches_before = thread_switches();
    let user_sys_before = process_user_sys_ms().ok_or("cannot read /proc/self/stat")?;
    let cpu_before = thread_cpu_ns();
    if cpu_before.is_empty() {
        return Err("cannot read /proc/self/task/*/schedstat".into());
    }
    let wall = Instant::now();
    writeln!(child_in, "load {seconds}")?;
    child_in.flush()?;
    let mut line = String::new();
    let load: serde_json::Value = tokio::task::spawn_blocking(move || {
        child_out
            .read_line(&mut line)
            .map(|_| serde_json::from_str(&line))
    })
    .await???;
    let cpu_after = thread_cpu_ns();
    if cpu_after.is_empty() {
        return Err("cannot read /proc/self/task/*/schedstat".into());
    }
    let user_sys_after = process_user_sys_ms().ok_or("cannot read /proc/self/stat")?;
    let switches_after = thread_switches();
    let cpu_ns = cpu_delta_ns(&cpu_before, &cpu_after);
    let switches = cpu_delta_ns(&switches_before, &switches_after);
    let user_ms = user_sys_after.0 - user_sys_before.0;
    let sys_ms = user_sys_after.1 - user_sys_before.1;
    let wall = wall.elapsed();
    let rss_loaded = status_kib("VmRSS").ok_or("cannot read /proc/self/status")?;
    let replied = load["replied"].as_u64().unwrap_or(0);
    let cpu_per_command_ms = cpu_ns as f64 / 1e6 / replied.max(1) as f64;
    info!(
        cpu_ms = cpu_ns as f64 / 1e6,
        ?wall,
        cpu_per_command_ms,
        %load,
        "command load"
    );

    client.stop().await?;
    drop(child_in);
    let _ = child.wait();

    let result = json!({
        "client": if floor { "floor" } else { "bot" },
        "runtime": if current_thread { "current_thread" } else { "multi_thread" },
        "tls": tls,
        "rooms_asked": asked,
        "rooms": rooms,
        "joined": joined,
        "capped_by_fd_limit": rooms < asked,
        "nofile_soft": soft,
        "nofile_hard": hard,
        "join_seconds": join_time.as_secs_f64(),
        "rss_before_kib": rss_before,
        "rss_idle_kib": rss_idle,
        "rss_loaded_kib": rss_loaded,
        "bytes_per_idle_room": per_room_bytes,
        "load_seconds": seconds,
        "cpu_ms": cpu_ns as f64 / 1e6,
        "cpu_per_command_ms": cpu_per_command_ms,
        "user_ms": user_ms,
        "sys_ms": sys_ms,
        "context_switches": switches,
        "switches_per_command": switches as f64 / replied.max(1) as f64,
        "sent": load["sent"],
        "replied": load["replied"],
        "lost": load["lost"],
        "p50_ms": load["p50_ms"],
        "p99_ms": load["p99_ms"],
        "max_ms": load["max_ms"],
    });
    println!("RESULT {result}");
    Ok(())
}

fn main() -> Result<(), BoxError> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "warn,bench_rooms=info".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("--serve") {
        let rooms = args.get(1).map(|n| n.parse()).transpose()?.unwrap_or(1000);
        let tls = args.get(2).map(String::as_str) == Some("--tls");
        return tokio::runtime::Runtime::new()?.block_on(serve(rooms, tls));
    }
    if let Some(status) = reexec_with_raised_limit() {
        std::process::exit(status?.code().unwrap_or(1));
    }
    let args = parse_args(&args)?;
    // The bot's runtime: tokio's default multi-thread one (one worker per core), or one thread.
    let runtime = if args.current_thread {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?
    } else {
        tokio::runtime::Runtime::new()?
    };
    runtime.block_on(bench(args))
}
