//! `cargo xtask openapi [--check]`: writes the OpenAPI document of the web server's machine
//! routes (printed by `crates/api/examples/openapi.rs`) to `docs/openapi.json`; with
//! `--check`, fails when the committed file differs from what the code describes.

use std::path::Path;
use std::process::{Command, ExitCode};

const TARGET: &str = "docs/openapi.json";

/// Runs the task from the workspace root.
#[expect(
    clippy::print_stderr,
    clippy::print_stdout,
    reason = "a command-line tool reports on its streams"
)]
pub(crate) fn run(args: &[String]) -> ExitCode {
    let check = match args {
        [] => false,
        [flag] if flag == "--check" => true,
        _ => {
            eprintln!("usage: cargo xtask openapi [--check]");
            return ExitCode::FAILURE;
        }
    };
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let out = match Command::new(cargo)
        .args([
            "run",
            "--quiet",
            "-p",
            "sahasrahbot-api",
            "--example",
            "openapi",
        ])
        .output()
    {
        Ok(out) if out.status.success() => out.stdout,
        Ok(out) => {
            eprintln!(
                "openapi: the example failed:\n{}",
                String::from_utf8_lossy(&out.stderr)
            );
            return ExitCode::FAILURE;
        }
        Err(e) => {
            eprintln!("openapi: cannot run cargo: {e}");
            return ExitCode::FAILURE;
        }
    };
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let target = root.join(TARGET);
    if check {
        let committed = std::fs::read(&target).unwrap_or_default();
        if committed == out {
            println!("openapi: {TARGET} is up to date");
            ExitCode::SUCCESS
        } else {
            eprintln!("openapi: {TARGET} is stale; run `cargo xtask openapi` and commit it");
            ExitCode::FAILURE
        }
    } else {
        match std::fs::write(&target, &out) {
            Ok(()) => {
                println!("openapi: wrote {TARGET} ({} bytes)", out.len());
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("openapi: cannot write {TARGET}: {e}");
                ExitCode::FAILURE
            }
        }
    }
}
