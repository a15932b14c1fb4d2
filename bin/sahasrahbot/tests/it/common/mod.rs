//! Running the real binary in end-to-end tests: a clean environment in a temporary
//! directory, and SIGTERM with the exit status.

use std::path::Path;
use std::process::{Child, Command, ExitStatus, Stdio};

/// The binary under test.
pub(crate) const BIN: &str = env!("CARGO_BIN_EXE_sahasrahbot");

/// `sahasrahbot` in `dir` with an empty environment (only `PATH`), the HTTP API off and its
/// output discarded; add the settings of the test with `.env(…)`, then `.spawn()`.
pub(crate) fn bot_in(dir: &Path) -> Command {
    let mut cmd = Command::new(BIN);
    cmd.current_dir(dir)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("SAHASRAHBOT_API__ENABLED", "false")
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    cmd
}

/// Sends SIGTERM to the bot and waits for it to exit.
pub(crate) async fn terminate(mut child: Child) -> ExitStatus {
    let pid = child.id().to_string();
    let sent = Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .expect("run kill");
    assert!(sent.success(), "kill -TERM {pid} failed");
    tokio::task::spawn_blocking(move || child.wait())
        .await
        .expect("join")
        .expect("wait for the bot")
}
