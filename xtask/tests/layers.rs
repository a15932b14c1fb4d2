//! `cargo xtask layers --metadata FILE` on recorded `cargo metadata` shapes.

use std::path::Path;
use std::process::Command;

fn layers(fixture: &str) -> (i32, String, String) {
    let file = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(fixture);
    let out = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["layers", "--metadata"])
        .arg(file)
        .output()
        .expect("run xtask");
    (
        out.status.code().expect("exit code"),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn a_downward_workspace_passes() {
    let (code, out, err) = layers("layers_ok.json");
    assert_eq!((code, out.as_str(), err.as_str()), (0, "layers: ok\n", ""));
}

#[test]
fn upward_and_sideways_edges_fail_with_one_line_each() {
    let (code, out, err) = layers("layers_upward.json");
    assert_eq!(code, 1);
    assert_eq!(out, "");
    assert_eq!(
        err,
        "layers: sahasrahbot-core must not depend on sahasrahbot-seedgen (normal dependency): upward or sideways in the layer table\n\
         layers: sahasrahbot-racetime must not depend on sahasrahbot-core (normal dependency): upward or sideways in the layer table\n"
    );
}

#[test]
fn an_unreadable_file_is_an_error() {
    let (code, _, err) = layers("missing.json");
    assert_eq!(code, 1);
    assert!(
        err.starts_with("layers: ") && err.contains("missing.json"),
        "{err}"
    );
}
