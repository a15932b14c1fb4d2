//! `cargo xtask bench-api [--seconds N] [--connections N]`: builds the JSON API load
//! benchmark (`crates/api/examples/bench_api.rs`) in release mode and runs it: the real app on
//! loopback over SQLite, keep-alive clients on `GET /presets/api/alttpr?preset=open` and
//! `GET /healthcheck`, requests per second and latency percentiles.

use std::process::{Command, ExitCode};

/// Runs the benchmark, passing the options through.
#[expect(
    clippy::print_stderr,
    reason = "a command-line tool reports on its streams"
)]
pub(crate) fn run(args: &[String]) -> ExitCode {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let status = Command::new(cargo)
        .args([
            "run",
            "--quiet",
            "--release",
            "-p",
            "sahasrahbot-api",
            "--example",
            "bench_api",
            "--",
        ])
        .args(args)
        .status();
    match status {
        Ok(s) if s.success() => ExitCode::SUCCESS,
        Ok(_) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("bench-api: cannot run cargo: {e}");
            ExitCode::FAILURE
        }
    }
}
