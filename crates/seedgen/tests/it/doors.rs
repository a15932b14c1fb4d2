//! The door randomizer as an external program: a clear error when it is not installed,
//! and a full run against a fake `DungeonRandomizer.py` (a shell script run by `sh`) and a
//! fake `flips`, with the patch and spoiler stored in a local directory.

use std::io::Read as _;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::time::Duration;

use sahasrahbot_seedgen::providers::doors::{DoorsProvider, DoorsRequest};
use sahasrahbot_seedgen::storage::SpoilerStore;
use sahasrahbot_seedgen::{Error, ProviderContext, RetryPolicy, SeedProvider, SeedgenConfig};
use serde_json::json;

/// A fake generator: reads `outputpath`/`outputname` from the settings file, fails while
/// `fail_first` runs remain (counted in `runs`), else writes the ROM and spoiler.
const FAKE_GENERATOR: &str = r#"
settings="$2"
out=$(sed -n 's/.*"outputpath":"\([^"]*\)".*/\1/p' "$settings")
name=$(sed -n 's/.*"outputname":"\([^"]*\)".*/\1/p' "$settings")
cp "$settings" "$(dirname "$0")/last_settings.json"
runs=$(cat "$(dirname "$0")/runs" 2>/dev/null || echo 0)
runs=$((runs + 1))
echo "$runs" > "$(dirname "$0")/runs"
fail_first=$(cat "$(dirname "$0")/fail_first" 2>/dev/null || echo 0)
if [ "$runs" -le "$fail_first" ]; then echo "generation failed, retry" >&2; exit 1; fi
if [ -f "$(dirname "$0")/hang" ]; then exec sleep 30; fi
printf 'ROM' > "$out/DR_$name.sfc"
printf 'ALttP Dungeon Randomizer Version 1.4.1.12v  -  Seed: 424242\n\nHash:  Bomb, Pearl, Cane, Hookshot, Key\n' > "$out/DR_${name}_Spoiler.txt"
"#;

const FAKE_FLIPS: &str = "#!/bin/sh\nprintf 'BPS1' > \"$5\"\n";

struct Setup {
    _dir: tempfile::TempDir,
    home: std::path::PathBuf,
    store: std::path::PathBuf,
    config: SeedgenConfig,
}

fn setup() -> Setup {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("DR");
    std::fs::create_dir_all(&home).unwrap();
    std::fs::write(home.join("DungeonRandomizer.py"), FAKE_GENERATOR).unwrap();
    let flips = dir.path().join("flips");
    std::fs::write(&flips, FAKE_FLIPS).unwrap();
    std::fs::set_permissions(&flips, std::fs::Permissions::from_mode(0o755)).unwrap();
    let rom = dir.path().join("alttp.sfc");
    std::fs::write(&rom, b"JP10").unwrap();
    let store = dir.path().join("store");
    let mut config = SeedgenConfig {
        policy: RetryPolicy {
            timeout: Duration::from_secs(10),
            max_attempts: 3,
            initial_backoff: Duration::from_millis(1),
            max_backoff: Duration::from_millis(2),
        },
        ..SeedgenConfig::default()
    };
    config.doors.home = home.clone();
    config.doors.unstable_home = dir.path().join("DRUnstable");
    config.doors.python = "sh".into();
    config.doors.flips = flips;
    config.doors.rom = rom;
    config.doors.enemizer = "/opt/enemizer/EnemizerCLI.Core".into();
    Setup {
        _dir: dir,
        home,
        store,
        config,
    }
}

fn provider(s: &Setup) -> DoorsProvider {
    let store = SpoilerStore::local(&s.store, "https://bucket.example/objects").unwrap();
    DoorsProvider::new(ProviderContext::new(s.config.clone()).unwrap(), Some(store))
}

fn request(spoilers: bool, branch: Option<&str>) -> DoorsRequest {
    DoorsRequest {
        spoilers,
        branch: branch.map(str::to_owned),
        settings: json!({"door_shuffle": "crossed", "mode": "open"}),
    }
}

fn read_json(path: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

#[tokio::test]
async fn missing_checkout_rom_or_store_is_not_installed() {
    let s = setup();
    // The unstable checkout does not exist.
    let err = provider(&s)
        .generate(&request(false, Some("volatile")), None)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::NotInstalled { .. }), "{err}");
    assert!(
        err.to_string()
            .starts_with("doors: the door randomizer is not installed")
    );
    assert!(err.to_string().contains("DRUnstable"));

    let mut missing_rom = setup();
    missing_rom.config.doors.rom = "/nonexistent/rom.sfc".into();
    let err = provider(&missing_rom)
        .generate(&request(false, None), None)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("ALTTP ROM"), "{err}");

    let no_store = DoorsProvider::new(ProviderContext::new(s.config.clone()).unwrap(), None);
    let err = no_store
        .generate(&request(false, None), None)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::NotInstalled { .. }), "{err}");
}

#[tokio::test]
async fn a_run_produces_patch_spoiler_code_and_version() {
    let s = setup();
    let seed = provider(&s)
        .generate(&request(true, Some("stable")), None)
        .await
        .unwrap();
    let id = seed.hash_or_id.clone();
    assert_eq!(id.len(), 12);
    assert!(id.chars().all(|c| c.is_ascii_alphanumeric()));
    assert_eq!(
        seed.url,
        format!(
            "https://alttprpatch.synack.live/patcher.html?patch=https://bucket.example/objects/patch/DR_{id}.bps"
        )
    );
    assert_eq!(
        seed.spoiler_url.as_deref(),
        Some(format!("https://bucket.example/objects/spoiler/DR_{id}_Spoiler.txt").as_str())
    );
    assert_eq!(
        seed.code.unwrap(),
        ["Bombs", "Moon Pearl", "Somaria", "Hookshot", "Big Key"]
    );
    assert_eq!(seed.version.as_deref(), Some("1.4.1.12v"));
    assert_eq!(
        std::fs::read(s.store.join(format!("patch/DR_{id}.bps"))).unwrap(),
        b"BPS1"
    );
    let packed = std::fs::read(s.store.join(format!("spoiler/DR_{id}_Spoiler.txt"))).unwrap();
    let mut text = String::new();
    flate2::read::GzDecoder::new(&packed[..])
        .read_to_string(&mut text)
        .unwrap();
    assert!(
        text.starts_with("ALttP Dungeon Randomizer Version 1.4.1.12v"),
        "gzipped spoiler"
    );

    let sent = read_json(&s.home.join("last_settings.json"));
    assert_eq!(sent["door_shuffle"], "crossed");
    assert_eq!(sent["outputname"], id.as_str());
    assert_eq!(sent["race"], false, "spoilers on: not a race");
    assert_eq!(sent["create_rom"], true);
    assert_eq!(sent["calc_playthrough"], false);
    assert_eq!(sent["count"], 1);
    assert_eq!(sent["names"], "");
    assert_eq!(sent["enemizercli"], "/opt/enemizer/EnemizerCLI.Core");
}

#[tokio::test]
async fn race_games_hide_the_spoiler_and_failed_runs_are_retried() {
    let s = setup();
    std::fs::write(s.home.join("fail_first"), "1").unwrap();
    let seed = provider(&s)
        .generate(&request(false, None), None)
        .await
        .unwrap();
    assert_eq!(seed.spoiler_url, None);
    assert_eq!(seed.provider_meta.attempt_count, 2);
    assert_eq!(read_json(&s.home.join("last_settings.json"))["race"], true);

    let s = setup();
    std::fs::write(s.home.join("fail_first"), "99").unwrap();
    let err = provider(&s)
        .generate(&request(false, None), None)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Unavailable(_)), "{err}");
    assert!(
        err.to_string().contains("generation failed, retry"),
        "{err}"
    );
    assert_eq!(
        err.failure().unwrap().attempts,
        4,
        "four runs, as the original"
    );
}

#[tokio::test]
async fn a_hanging_run_is_killed_at_the_timeout() {
    let mut s = setup();
    std::fs::write(s.home.join("hang"), "").unwrap();
    s.config.doors.timeout = Duration::from_millis(300);
    s.config.doors.max_attempts = 2;
    let started = std::time::Instant::now();
    let err = provider(&s)
        .generate(&request(false, None), None)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Timeout(_)), "{err}");
    assert_eq!(err.failure().unwrap().attempts, 2);
    assert!(started.elapsed() < Duration::from_secs(10));
}
