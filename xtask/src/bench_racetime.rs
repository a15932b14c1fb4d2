//! `cargo xtask bench-racetime [--rooms 100,1000,5000,20000] [--seconds N] [--tls] [--no-floor]`:
//! builds the racetime room benchmark (`crates/racetime/examples/bench_rooms/`) in release mode,
//! runs it once per room count (a fresh bot process and a fresh fake each time, loopback only), and
//! prints the table, the ratios against the Python racetime-bot and the targets.
//! `KiB/room` is the bot's resident-memory growth from before the first join to all rooms idle,
//! divided by the rooms (fixed costs such as the registry's table and allocator arenas are spread
//! over the rooms, so it falls as N grows); `marginal` is the slope of that growth from the next
//! smaller room count (what one more idle room costs). `CPU ms/cmd` is the bot process's own CPU
//! time over the load window (all its threads; the fake runs in a separate process and is not
//! counted; keepalives and reply echoes included) divided by the replies; `user`/`sys` split it,
//! and `sw/cmd` counts the bot threads' context switches (sleeps and wake-ups) per command.
//! `floor` is the same run with the floor client of `bench_rooms --floor` in place of the bot (no
//! websocket library, no JSON: what the kernel and the runtime alone cost per command here), and
//! `×floor` the bot's CPU per command over it; `--no-floor` skips those runs.
//! `--tls` runs every room over `wss` (a TLS front with a self-signed certificate before the
//! fake, in the fake's process), as production racetime.gg is.

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Command, ExitCode, ExitStatus, Stdio};

use serde_json::Value;

/// The Python racetime-bot measured on this machine the same way (from the issue).
const PY_KIB_PER_ROOM: f64 = 41.0;
const PY_CPU_MS_LOW: f64 = 0.24;
const PY_CPU_MS_HIGH: f64 = 0.9;
const PY_P99_MS_AT_5000: f64 = 150.0;

/// Targets.
const TARGET_ROOMS: u64 = 20_000;
const TARGET_KIB_PER_ROOM: f64 = 8.0;
const TARGET_CPU_MS: f64 = 0.05;
const TARGET_P99_MS_AT_5000: f64 = 5.0;

struct Options {
    rooms: Vec<u64>,
    seconds: u64,
    /// `multi` (tokio's default multi-thread runtime) or `current` (one thread) for the bot.
    runtime: String,
    /// Rooms over TLS (`wss`).
    tls: bool,
    /// Also run the floor client for each room count.
    floor: bool,
}

fn parse(args: &[String]) -> Result<Options, String> {
    let mut opts = Options {
        rooms: vec![100, 1_000, 5_000, 20_000],
        seconds: 20,
        runtime: "multi".to_owned(),
        tls: false,
        floor: true,
    };
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--rooms" => {
                let list = it.next().ok_or("--rooms needs a list such as 100,1000")?;
                opts.rooms = list
                    .split(',')
                    .map(|n| n.trim().replace('_', "").parse::<u64>())
                    .collect::<Result<_, _>>()
                    .map_err(|e| format!("--rooms {list}: {e}"))?;
            }
            "--seconds" => {
                let n = it.next().ok_or("--seconds needs a number")?;
                opts.seconds = n.parse().map_err(|e| format!("--seconds {n}: {e}"))?;
            }
            "--runtime" => match it.next().map(String::as_str) {
                Some(r @ ("multi" | "current")) => r.clone_into(&mut opts.runtime),
                _ => return Err("--runtime is multi or current".to_owned()),
            },
            "--tls" => opts.tls = true,
            "--no-floor" => opts.floor = false,
            other => return Err(format!("unknown argument {other}")),
        }
    }
    if opts.rooms.is_empty() || opts.rooms.iter().any(|n| *n == 0 || *n > 100_000) {
        return Err("room counts must be between 1 and 100000".to_owned());
    }
    if !(1..=600).contains(&opts.seconds) {
        return Err("--seconds must be between 1 and 600".to_owned());
    }
    Ok(opts)
}

/// Builds the example in release mode and returns the path of its executable.
fn build() -> Result<String, String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let mut child = Command::new(cargo)
        .args([
            "build",
            "--release",
            "-p",
            "sahasrahbot-racetime",
            "--example",
            "bench_rooms",
            "--message-format=json-render-diagnostics",
        ])
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    let stdout = child.stdout.take().ok_or("no cargo stdout")?;
    let mut exe = None;
    for line in BufReader::new(stdout).lines() {
        let line = line.map_err(|e| format!("reading cargo output: {e}"))?;
        let Ok(msg) = serde_json::from_str::<Value>(&line) else {
            continue;
        };
        if msg["reason"] == "compiler-artifact"
            && msg["target"]["name"] == "bench_rooms"
            && let Some(path) = msg["executable"].as_str()
        {
            exe = Some(path.to_owned());
        }
    }
    let status = child.wait().map_err(|e| format!("cargo build: {e}"))?;
    if !status.success() {
        return Err("cargo build --release of the benchmark failed".to_owned());
    }
    exe.ok_or_else(|| "cargo did not report the bench_rooms executable".to_owned())
}

/// The benchmark for `rooms` rooms with the options of this run; its progress goes to stderr.
fn bench_command(exe: &str, rooms: u64, opts: &Options) -> Command {
    let mut command = Command::new(exe);
    command
        .args([
            "--rooms",
            &rooms.to_string(),
            "--seconds",
            &opts.seconds.to_string(),
            "--runtime",
            &opts.runtime,
        ])
        .args(opts.tls.then_some("--tls"))
        .stderr(Stdio::inherit());
    command
}

/// The figures of the last `RESULT {json}` line of a benchmark's output.
fn parse_result(rooms: u64, stdout: &str, status: ExitStatus) -> Result<Value, String> {
    let result = stdout
        .lines()
        .rev()
        .find_map(|l| l.strip_prefix("RESULT "))
        .ok_or_else(|| format!("{rooms} rooms: no RESULT line (exit {status})"))?;
    serde_json::from_str(result).map_err(|e| format!("{rooms} rooms: bad RESULT line: {e}"))
}

/// Runs one room count in one bot process (or one floor client process, with `--floor`).
fn run_one(exe: &str, rooms: u64, opts: &Options, floor: bool) -> Result<Value, String> {
    let out = bench_command(exe, rooms, opts)
        .args(floor.then_some("--floor"))
        .output()
        .map_err(|e| format!("cannot run {exe}: {e}"))?;
    parse_result(rooms, &String::from_utf8_lossy(&out.stdout), out.status)
}

/// Runs `rooms` rooms as `parts` bot processes at once (each with its own fake), for a room
/// count one process cannot hold under the open-file limit. Every part joins its share and
/// reports `IDLE`; the load starts in all parts together. The parts' figures are summed; the
/// latency percentiles are the worst part's, an upper bound on those of all commands together.
fn run_split(exe: &str, rooms: u64, parts: u64, opts: &Options) -> Result<Value, String> {
    let share = rooms.div_ceil(parts);
    let mut children = Vec::new();
    for _ in 0..parts {
        let mut child = bench_command(exe, share, opts)
            .arg("--sync")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .map_err(|e| format!("cannot run {exe}: {e}"))?;
        let stdout = child.stdout.take().ok_or("no benchmark stdout")?;
        children.push((child, BufReader::new(stdout)));
    }
    // Wait until every part is idle, then start them all.
    for (_, out) in &mut children {
        let mut line = String::new();
        loop {
            line.clear();
            let n = out
                .read_line(&mut line)
                .map_err(|e| format!("reading a part's output: {e}"))?;
            if n == 0 {
                return Err(format!(
                    "{rooms} rooms: a part ended before its rooms were idle"
                ));
            }
            if line.trim() == "IDLE" {
                break;
            }
        }
    }
    for (child, _) in &mut children {
        let stdin = child.stdin.as_mut().ok_or("no benchmark stdin")?;
        writeln!(stdin, "go").map_err(|e| format!("starting a part: {e}"))?;
    }
    let mut results = Vec::new();
    for (mut child, mut out) in children {
        let mut rest = String::new();
        out.read_to_string(&mut rest)
            .map_err(|e| format!("reading a part's output: {e}"))?;
        let status = child
            .wait()
            .map_err(|e| format!("waiting for a part: {e}"))?;
        results.push(parse_result(share, &rest, status)?);
    }
    let sum = |key: &str| results.iter().map(|r| f(r, key)).sum::<f64>();
    let worst = |key: &str| results.iter().map(|r| f(r, key)).fold(0.0_f64, f64::max);
    let joined = sum("joined");
    let replied = sum("replied").max(1.0);
    let growth_kib = sum("rss_idle_kib") - sum("rss_before_kib");
    Ok(serde_json::json!({
        "rooms_asked": rooms,
        "rooms": share * parts,
        "processes": parts,
        "joined": joined as u64,
        "capped_by_fd_limit": results.iter().any(|r| r["capped_by_fd_limit"] == true),
        "nofile_soft": u(&results[0], "nofile_soft"),
        "nofile_hard": u(&results[0], "nofile_hard"),
        "rss_before_kib": sum("rss_before_kib") as u64,
        "rss_idle_kib": sum("rss_idle_kib") as u64,
        "bytes_per_idle_room": growth_kib * 1024.0 / joined.max(1.0),
        "cpu_ms": sum("cpu_ms"),
        "cpu_per_command_ms": sum("cpu_ms") / replied,
        "user_ms": sum("user_ms"),
        "sys_ms": sum("sys_ms"),
        "switches_per_command": sum("context_switches") / replied,
        "sent": sum("sent") as u64,
        "replied": sum("replied") as u64,
        "lost": sum("lost") as u64,
        "p50_ms": worst("p50_ms"),
        "p99_ms": worst("p99_ms"),
        "max_ms": worst("max_ms"),
    }))
}

fn f(v: &Value, key: &str) -> f64 {
    v[key].as_f64().unwrap_or(f64::NAN)
}

fn u(v: &Value, key: &str) -> u64 {
    v[key].as_u64().unwrap_or(0)
}

/// How many bot processes a run used (1 unless it was split).
fn processes(r: &Value) -> u64 {
    u(r, "processes").max(1)
}

/// A run's name in the report: `20000/2p` for a split run, `20000*` for one capped by the
/// open-file limit, else its room count.
fn run_label(r: &Value) -> String {
    if processes(r) > 1 {
        format!("{}/{}p", u(r, "rooms_asked"), processes(r))
    } else if r["capped_by_fd_limit"] == true {
        format!("{}*", u(r, "rooms_asked"))
    } else {
        u(r, "rooms").to_string()
    }
}

fn verdict(ok: bool) -> &'static str {
    if ok { "met" } else { "NOT met" }
}

/// `cargo xtask bench-racetime …`.
#[expect(
    clippy::print_stderr,
    clippy::print_stdout,
    reason = "a command-line tool reports on its streams"
)]
pub(crate) fn run(args: &[String]) -> ExitCode {
    let opts = match parse(args) {
        Ok(o) => o,
        Err(e) => {
            eprintln!("bench-racetime: {e}");
            eprintln!(
                "usage: cargo xtask bench-racetime [--rooms 100,1000,5000,20000] [--seconds N] [--tls] \
                 [--no-floor]"
            );
            return ExitCode::from(2);
        }
    };
    let exe = match build() {
        Ok(exe) => exe,
        Err(e) => {
            eprintln!("bench-racetime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let load_before = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    let mut results = Vec::new();
    let mut floors: Vec<Value> = Vec::new();
    for &rooms in &opts.rooms {
        eprintln!(
            "bench-racetime: {rooms} rooms, {} s of commands…",
            opts.seconds
        );
        let single = match run_one(&exe, rooms, &opts, false) {
            Ok(r) => r,
            Err(e) => {
                eprintln!("bench-racetime: {e}");
                return ExitCode::FAILURE;
            }
        };
        // One process could not hold them all: run them again as several processes at once.
        let capacity = u(&single, "rooms");
        let capped = single["capped_by_fd_limit"] == true && capacity > 0;
        if opts.floor && !opts.tls {
            eprintln!("bench-racetime: {rooms} rooms, the floor client…");
            match run_one(&exe, rooms, &opts, true) {
                Ok(r) => floors.push(r),
                Err(e) => {
                    eprintln!("bench-racetime: {e}");
                    return ExitCode::FAILURE;
                }
            }
        }
        results.push(single);
        if capped {
            let parts = rooms.div_ceil(capacity);
            eprintln!("bench-racetime: {rooms} rooms as {parts} bot processes at once…");
            match run_split(&exe, rooms, parts, &opts) {
                Ok(r) => results.push(r),
                Err(e) => {
                    eprintln!("bench-racetime: {e}");
                    return ExitCode::FAILURE;
                }
            }
        }
    }
    let load_after = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();

    println!();
    println!(
        "racetime rooms benchmark: release build, {cores} cores, bot on tokio's {} runtime, \
         loopback fake{} in a separate process, 0.2 commands/room/s for {} s per room count",
        if opts.runtime == "current" {
            "current-thread"
        } else {
            "multi-thread"
        },
        if opts.tls { " behind TLS (wss)" } else { "" },
        opts.seconds
    );
    println!(
        "load average before: {}; after: {}",
        load_before.trim(),
        load_after.trim()
    );
    println!();
    println!(
        "{:>9} {:>7} {:>9} {:>9} {:>10} {:>7} {:>6} {:>8} {:>8} {:>7} {:>7} {:>7} {:>7} {:>7} {:>5}",
        "rooms",
        "joined",
        "KiB/room",
        "marginal",
        "CPU ms/cmd",
        "floor",
        "×floor",
        "user",
        "sys",
        "sw/cmd",
        "p50 ms",
        "p99 ms",
        "max ms",
        "sent",
        "lost"
    );
    let growth_kib = |r: &Value| u(r, "rss_idle_kib") as f64 - u(r, "rss_before_kib") as f64;
    // The floor client's CPU per command for the same rooms in one process.
    let floor_of = |r: &Value| {
        floors
            .iter()
            .find(|fl| processes(r) == 1 && u(fl, "rooms") == u(r, "rooms"))
            .map(|fl| f(fl, "cpu_per_command_ms"))
    };
    let mut ordered: Vec<&Value> = results.iter().collect();
    ordered.sort_by_key(|r| (u(r, "joined"), processes(r)));
    // Marginal figures only between single-process runs: every process has its fixed costs.
    let mut smaller: Option<&Value> = None;
    for r in &ordered {
        let label = run_label(r);
        let marginal = match smaller {
            Some(a) if processes(r) == 1 && u(r, "joined") > u(a, "joined") => format!(
                "{:.2}",
                (growth_kib(r) - growth_kib(a)) / (u(r, "joined") - u(a, "joined")) as f64
            ),
            _ => "-".to_owned(),
        };
        let replied = u(r, "replied").max(1) as f64;
        println!(
            "{:>9} {:>7} {:>9.2} {:>9} {:>10.4} {:>7} {:>6} {:>8.4} {:>8.4} {:>7.2} {:>7.2} {:>7.2} {:>7.2} {:>7} {:>5}",
            label,
            u(r, "joined"),
            f(r, "bytes_per_idle_room") / 1024.0,
            marginal,
            f(r, "cpu_per_command_ms"),
            floor_of(r).map_or("-".to_owned(), |c| format!("{c:.4}")),
            floor_of(r).map_or("-".to_owned(), |c| format!(
                "{:.1}",
                f(r, "cpu_per_command_ms") / c
            )),
            f(r, "user_ms") / replied,
            f(r, "sys_ms") / replied,
            f(r, "switches_per_command"),
            f(r, "p50_ms"),
            f(r, "p99_ms"),
            f(r, "max_ms"),
            u(r, "sent"),
            u(r, "lost"),
        );
        if processes(r) == 1 {
            smaller = Some(r);
        }
    }
    println!(
        "(user and sys: the process's CPU split, from 10 ms clock ticks; the CPU column is the \
         threads' scheduler time in nanoseconds)"
    );
    if let Some(r) = results
        .iter()
        .find(|r| processes(r) == 1 && r["capped_by_fd_limit"] == true)
    {
        println!(
            "* {} rooms asked, but the open-file limit of this machine (soft {}, hard {}) leaves \
             room for {} sockets in one process: this machine cannot hold {} rooms in one \
             client.",
            u(r, "rooms_asked"),
            u(r, "nofile_soft"),
            u(r, "nofile_hard"),
            u(r, "rooms"),
            u(r, "rooms_asked"),
        );
    }
    for r in results.iter().filter(|r| processes(r) > 1) {
        println!(
            "{}/{}p: the same {} rooms as {} bot processes of {} rooms, loaded at the same time \
             (each with its own fake); memory, CPU and commands summed, percentiles of the worst \
             process (an upper bound for all commands together).",
            u(r, "rooms_asked"),
            processes(r),
            u(r, "rooms_asked"),
            processes(r),
            u(r, "rooms") / processes(r),
        );
    }

    // Marginal memory between the two largest single-process runs (fixed costs cancel out).
    let singles: Vec<&Value> = ordered
        .iter()
        .copied()
        .filter(|r| processes(r) == 1)
        .collect();
    if let [.., a, b] = singles.as_slice()
        && u(b, "joined") > u(a, "joined")
    {
        let slope = (growth_kib(b) - growth_kib(a)) / (u(b, "joined") - u(a, "joined")) as f64;
        println!(
            "marginal memory between {} and {} rooms: {slope:.2} KiB per room",
            u(a, "joined"),
            u(b, "joined")
        );
    }

    // Ratios and targets.
    println!();
    let largest = singles.last().copied();
    let worst_cpu = results
        .iter()
        .map(|r| f(r, "cpu_per_command_ms"))
        .fold(0.0_f64, f64::max);
    let best_cpu = results
        .iter()
        .map(|r| f(r, "cpu_per_command_ms"))
        .fold(f64::INFINITY, f64::min);
    let at_5000 = results
        .iter()
        .find(|r| u(r, "rooms") == 5_000 && processes(r) == 1);
    if let Some(big) = largest {
        let kib = f(big, "bytes_per_idle_room") / 1024.0;
        println!(
            "memory per idle room ({} rooms, one process): {kib:.2} KiB vs Python \
             {PY_KIB_PER_ROOM} KiB → {:.1}× less",
            u(big, "joined"),
            PY_KIB_PER_ROOM / kib
        );
    }
    println!(
        "CPU per command: {best_cpu:.4}–{worst_cpu:.4} ms vs Python {PY_CPU_MS_LOW}–{PY_CPU_MS_HIGH} \
         ms → {:.0}–{:.0}× less",
        PY_CPU_MS_LOW / worst_cpu,
        PY_CPU_MS_HIGH / best_cpu
    );
    if let Some(r) = at_5000 {
        println!(
            "p99 at 5,000 rooms: {:.2} ms vs Python {PY_P99_MS_AT_5000} ms → {:.0}× lower",
            f(r, "p99_ms"),
            PY_P99_MS_AT_5000 / f(r, "p99_ms")
        );
    }
    println!();
    println!("targets:");
    let most = |rows: &mut dyn Iterator<Item = &Value>| rows.map(|r| u(r, "joined")).max();
    let one_process = most(&mut results.iter().filter(|r| processes(r) == 1)).unwrap_or(0);
    let split = most(&mut results.iter().filter(|r| processes(r) > 1));
    let max_joined = one_process.max(split.unwrap_or(0));
    println!(
        "  {TARGET_ROOMS} rooms joined on this machine: {} (most in one process: {one_process}{})",
        verdict(max_joined >= TARGET_ROOMS),
        split.map_or(String::new(), |n| format!(
            "; in several processes at once: {n}"
        ))
    );
    if let Some(big) = largest {
        // Judged on the average at the largest single-process run, fixed costs included (the
        // stricter of the two figures once the marginal cost is below the average).
        let kib = f(big, "bytes_per_idle_room") / 1024.0;
        println!(
            "  ≤ {TARGET_KIB_PER_ROOM} KiB per idle room: {} ({kib:.2} KiB per room at {} rooms, \
             fixed costs included; the marginal figure is above)",
            verdict(kib <= TARGET_KIB_PER_ROOM),
            u(big, "joined")
        );
    }
    let cpu_by_run: Vec<String> = ordered
        .iter()
        .map(|r| {
            let cpu = f(r, "cpu_per_command_ms");
            format!(
                "{}: {cpu:.4} {}{}",
                run_label(r),
                verdict(cpu <= TARGET_CPU_MS),
                floor_of(r).map_or(String::new(), |c| format!(" (floor {c:.4})"))
            )
        })
        .collect();
    println!(
        "  ≤ {TARGET_CPU_MS} ms CPU per command: {} in every run ({})",
        verdict(worst_cpu <= TARGET_CPU_MS),
        cpu_by_run.join(", ")
    );
    let unreachable: Vec<String> = ordered
        .iter()
        .filter(|r| floor_of(r).is_some_and(|c| c > TARGET_CPU_MS))
        .map(|r| run_label(r))
        .collect();
    if !unreachable.is_empty() {
        println!(
            "    the floor client, which does no websocket or JSON work, is itself above {TARGET_CPU_MS} \
             ms at {} rooms: no client reaches the target there on this machine",
            unreachable.join(", ")
        );
    }
    match at_5000 {
        Some(r) => println!(
            "  p99 ≤ {TARGET_P99_MS_AT_5000} ms at 5,000 rooms, none lost: {} (p99 {:.2} ms, {} lost)",
            verdict(f(r, "p99_ms") <= TARGET_P99_MS_AT_5000 && u(r, "lost") == 0),
            f(r, "p99_ms"),
            u(r, "lost")
        ),
        None => println!("  p99 at 5,000 rooms: not measured (add 5000 to --rooms)"),
    }
    ExitCode::SUCCESS
}
