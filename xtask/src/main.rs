//! Project maintenance tasks: `cargo xtask <task>`.
//!
//! - `layers [--metadata FILE]`: check that crates depend only downward (reads
//!   `cargo metadata`, or FILE).
//! - `test [ARGS…]`: say which database backends the suite will use, then run
//!   `cargo test --workspace ARGS…` (the README's test command).
//! - `bench-racetime [--rooms 100,1000,5000,20000] [--seconds N] [--tls] [--no-floor]`: the
//!   racetime room benchmark (release build; memory per room, CPU per command against the floor
//!   client's, latency, lost commands).
//! - `openapi [--check]`: write the web server's OpenAPI document to `docs/openapi.json`
//!   (`--check`: fail when the committed file is stale).
//! - `bench-api [--seconds N] [--connections N]`: requests per second of the JSON API on
//!   loopback (release build).
//! - `bench-audit [--messages N] [--debug]`: messages per second the audit bot records
//!   (SQLite; MariaDB / PostgreSQL when `TEST_MYSQL_URL` / `TEST_POSTGRES_URL` are set).

mod bench_api;
mod bench_audit;
mod bench_racetime;
mod layers;
mod openapi;

use std::process::{Command, ExitCode};

#[expect(
    clippy::print_stderr,
    clippy::print_stdout,
    reason = "a command-line tool reports on its streams"
)]
fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        ["layers"] | ["layers", "--metadata", _] => {
            let json = match args.get(2) {
                Some(file) => std::fs::read_to_string(file).map_err(|e| format!("{file}: {e}")),
                None => cargo_metadata(),
            };
            let problems =
                json.and_then(|j| layers::check(&j).map_err(|e| format!("cargo metadata: {e}")));
            match problems {
                Ok(p) if p.is_empty() => {
                    println!("layers: ok");
                    ExitCode::SUCCESS
                }
                Ok(p) => {
                    for line in p {
                        eprintln!("layers: {line}");
                    }
                    ExitCode::FAILURE
                }
                Err(e) => {
                    eprintln!("layers: {e}");
                    ExitCode::FAILURE
                }
            }
        }
        ["bench-racetime", ..] => bench_racetime::run(&args[1..]),
        ["bench-audit", ..] => bench_audit::run(&args[1..]),
        ["bench-api", ..] => bench_api::run(&args[1..]),
        ["openapi", ..] => openapi::run(&args[1..]),
        ["test", ..] => {
            for (name, var) in [
                ("MariaDB/MySQL", "TEST_MYSQL_URL"),
                ("PostgreSQL", "TEST_POSTGRES_URL"),
            ] {
                match std::env::var(var) {
                    Ok(url) if !url.trim().is_empty() => {
                        println!("test: {name} tests on, using {var}={url}")
                    }
                    _ => println!("test: {name} tests skipped ({var} is not set); SQLite only"),
                }
            }
            let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
            match Command::new(cargo)
                .args(["test", "--workspace"])
                .args(&args[1..])
                .status()
            {
                Ok(status) if status.success() => ExitCode::SUCCESS,
                Ok(_) => ExitCode::FAILURE,
                Err(e) => {
                    eprintln!("test: cannot run cargo: {e}");
                    ExitCode::FAILURE
                }
            }
        }
        _ => {
            eprintln!(
                "usage: cargo xtask layers [--metadata FILE] | cargo xtask test [ARGS…] | cargo xtask bench-racetime [--rooms N,…] [--seconds N] [--tls] [--no-floor]"
            );
            ExitCode::from(2)
        }
    }
}

fn cargo_metadata() -> Result<String, String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = Command::new(cargo)
        .args(["metadata", "--format-version", "1", "--no-deps"])
        .output()
        .map_err(|e| format!("cannot run cargo metadata: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "cargo metadata failed: {}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    String::from_utf8(out.stdout).map_err(|e| format!("cargo metadata output: {e}"))
}
