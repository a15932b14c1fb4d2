//! `cargo xtask bench-audit [--messages N] [--debug]`: how many messages per second the audit
//! bot records. Runs `crates/audit/examples/bench_record.rs` (release build unless
//! `--debug`): the bot against the testkit's fake Discord on loopback, a burst of N
//! MESSAGE_CREATE events (default 20,000), timed until every row is in `audit_messages`, and
//! the bot's resident memory (the fake runs in a child process): its growth once connected
//! and idle, at the burst's peak, and after it.
//! SQLite always; MariaDB/MySQL when `TEST_MYSQL_URL` is set and PostgreSQL when
//! `TEST_POSTGRES_URL` is set (a fresh database on the server each run).

use std::process::{Command, ExitCode, Stdio};

use serde_json::Value;

#[expect(
    clippy::print_stderr,
    clippy::print_stdout,
    reason = "a command-line tool reports on its streams"
)]
pub(crate) fn run(args: &[String]) -> ExitCode {
    let mut messages = "20000".to_owned();
    let mut release = true;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--messages" => match it.next() {
                Some(n) if n.replace('_', "").parse::<u64>().is_ok() => messages.clone_from(n),
                _ => {
                    eprintln!("bench-audit: --messages needs a number");
                    return ExitCode::from(2);
                }
            },
            "--debug" => release = false,
            other => {
                eprintln!("bench-audit: unknown option {other}");
                eprintln!("usage: cargo xtask bench-audit [--messages N] [--debug]");
                return ExitCode::from(2);
            }
        }
    }
    let mut backends = vec!["sqlite"];
    for (backend, name, var) in [
        ("mysql", "MariaDB/MySQL", "TEST_MYSQL_URL"),
        ("postgres", "PostgreSQL", "TEST_POSTGRES_URL"),
    ] {
        if std::env::var(var).map_or(true, |v| v.trim().is_empty()) {
            eprintln!("bench-audit: {name} skipped ({var} is not set)");
        } else {
            backends.push(backend);
        }
    }
    // Each backend in a process of its own, so that no run's memory includes another's heap.
    let mut stdout = Vec::new();
    for backend in backends {
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
        let mut command = Command::new(cargo);
        command.args([
            "run",
            "-q",
            "-p",
            "sahasrahbot-audit",
            "--example",
            "bench_record",
        ]);
        if release {
            command.arg("--release");
        }
        command
            .args(["--", "--messages", &messages, "--backend", backend])
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit());
        let out = match command.output() {
            Ok(out) => out,
            Err(e) => {
                eprintln!("bench-audit: cannot run cargo: {e}");
                return ExitCode::FAILURE;
            }
        };
        if !out.status.success() {
            eprintln!("bench-audit: the {backend} run failed ({})", out.status);
            return ExitCode::FAILURE;
        }
        stdout.extend_from_slice(&out.stdout);
    }
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    println!(
        "audit recording benchmark: {} build, {cores} cores, fake Discord on loopback, \
         batches of 500 rows",
        if release { "release" } else { "debug" }
    );
    println!(
        "{:<10} {:>9} {:>9} {:>12} {:>10} {:>10} {:>10}",
        "backend", "messages", "seconds", "messages/s", "idle KiB", "peak KiB", "after KiB"
    );
    let mut lines = 0;
    for line in String::from_utf8_lossy(&stdout).lines() {
        let Ok(v) = serde_json::from_str::<Value>(line) else {
            continue;
        };
        lines += 1;
        println!(
            "{:<10} {:>9} {:>9.3} {:>12} {:>10} {:>10} {:>10}",
            v["backend"].as_str().unwrap_or("?"),
            v["messages"].as_u64().unwrap_or(0),
            v["seconds"].as_f64().unwrap_or(0.0),
            v["per_second"].as_f64().map_or(0, |n| n as u64),
            v["idle_kib"].as_u64().unwrap_or(0),
            v["peak_kib"].as_u64().unwrap_or(0),
            v["after_kib"].as_u64().unwrap_or(0),
        );
    }
    if lines == 0 {
        eprintln!("bench-audit: no results");
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}
