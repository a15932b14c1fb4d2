//! The ALTTPR door randomizer (core.md §2.5): a local Python program run per generation,
//! its ROM turned into a BPS patch with `flips`, patch and spoiler handed to a
//! [`SpoilerStore`]. A missing checkout, interpreter, ROM or `flips` is a clear
//! [`Error::NotInstalled`].

use std::ffi::OsString;
use std::path::Path;
use std::process::Stdio;

use async_trait::async_trait;
use rand::Rng;
use rand::distributions::Alphanumeric;
use serde_json::{Value as Json, json};
use tokio::process::Command;

use super::{ProviderContext, SeedProvider};
use crate::contract::{Contract, RetryPolicy};
use crate::error::{Error, Failure, Result, truncate};
use crate::seed::{GeneratedSeed, ProviderMeta, Surface};
use crate::storage::{PutObject, SpoilerStore, gzip};

const NAME: &str = "doors";

/// The web patcher users open with the patch URL.
pub const PATCHER_URL: &str = "https://alttprpatch.synack.live/patcher.html?patch=";

/// A door randomizer generation request.
#[derive(Debug, Clone, PartialEq)]
pub struct DoorsRequest {
    /// Whether the spoiler is public (the game is a race otherwise).
    pub spoilers: bool,
    /// `volatile` / `unstable` use the unstable checkout; anything else the stable one.
    pub branch: Option<String>,
    /// The DungeonRandomizer settings, before the fixed keys are added.
    pub settings: Json,
}

/// The door randomizer runner.
#[derive(Clone)]
pub struct DoorsProvider {
    ctx: ProviderContext,
    store: Option<SpoilerStore>,
}

impl std::fmt::Debug for DoorsProvider {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DoorsProvider")
            .field("home", &self.ctx.config.doors.home)
            .field("store", &self.store.is_some())
            .finish()
    }
}

impl DoorsProvider {
    /// A runner using `ctx`; without a `store` generation fails with
    /// [`Error::NotInstalled`].
    pub fn new(ctx: ProviderContext, store: Option<SpoilerStore>) -> Self {
        Self { ctx, store }
    }

    fn checkout(&self, branch: Option<&str>) -> &Path {
        match branch {
            Some("volatile" | "unstable") => &self.ctx.config.doors.unstable_home,
            _ => &self.ctx.config.doors.home,
        }
    }

    /// Whether the checkout for `branch` holds `DungeonRandomizer.py`.
    pub fn is_installed(&self, branch: Option<&str>) -> bool {
        self.checkout(branch).join("DungeonRandomizer.py").is_file()
    }

    fn not_installed(message: String) -> Error {
        Error::NotInstalled {
            provider: NAME.to_owned(),
            message,
        }
    }

    /// The settings file content: the request's settings plus the fixed keys.
    pub fn settings_file(&self, request: &DoorsRequest, outdir: &Path, id: &str) -> Json {
        let d = &self.ctx.config.doors;
        let mut s = request.settings.as_object().cloned().unwrap_or_default();
        s.insert("outputpath".into(), json!(outdir.display().to_string()));
        s.insert("outputname".into(), json!(id));
        s.insert("create_rom".into(), json!(true));
        s.insert("create_spoiler".into(), json!(true));
        s.insert("calc_playthrough".into(), json!(false));
        s.insert("rom".into(), json!(d.rom.display().to_string()));
        if request.branch.as_deref() != Some("volatile") {
            s.insert(
                "enemizercli".into(),
                json!(d.enemizer.display().to_string()),
            );
        }
        s.insert("count".into(), json!(1));
        s.insert("multi".into(), json!(1));
        s.insert("names".into(), json!(""));
        s.insert("race".into(), json!(!request.spoilers));
        Json::Object(s)
    }
}

/// Runs a program; a non-zero exit is an (retryable) unavailable failure with its stderr.
async fn run(program: &Path, args: Vec<OsString>, cwd: &Path) -> Result<(), Failure> {
    let output = Command::new(program)
        .args(args)
        .current_dir(cwd)
        .stdin(Stdio::null())
        .kill_on_drop(true)
        .output()
        .await
        .map_err(|e| Failure::unavailable(format!("cannot run {}: {e}", program.display())))?;
    if output.status.success() {
        Ok(())
    } else {
        let stderr = String::from_utf8_lossy(&output.stderr);
        Err(Failure::unavailable(format!(
            "{} failed ({}): {}",
            program.display(),
            output.status,
            truncate(stderr.trim(), 1000)
        )))
    }
}

#[async_trait]
impl SeedProvider for DoorsProvider {
    type Request = DoorsRequest;

    fn name(&self) -> &'static str {
        NAME
    }

    async fn generate(
        &self,
        request: &DoorsRequest,
        surface: Option<Surface>,
    ) -> Result<GeneratedSeed> {
        let d = &self.ctx.config.doors;
        let checkout = self.checkout(request.branch.as_deref()).to_path_buf();
        if !self.is_installed(request.branch.as_deref()) {
            return Err(Self::not_installed(format!(
                "the door randomizer is not installed: no DungeonRandomizer.py in {} \
                 (set DOOR_RANDO_HOME)",
                checkout.display()
            )));
        }
        if !d.rom.is_file() {
            return Err(Self::not_installed(format!(
                "the ALTTP ROM is missing at {} (set ALTTP_ROM)",
                d.rom.display()
            )));
        }
        let Some(store) = self.store.clone() else {
            return Err(Self::not_installed(
                "no storage is configured for door patches and spoilers".to_owned(),
            ));
        };
        let dir = tempfile::tempdir().map_err(|e| {
            Self::not_installed(format!("cannot create a temporary directory: {e}"))
        })?;
        let id: String = rand::thread_rng()
            .sample_iter(&Alphanumeric)
            .take(12)
            .map(char::from)
            .collect();
        let settings = self.settings_file(request, dir.path(), &id);
        let settings_path = dir.path().join("settings.json");
        let text = serde_json::to_vec(&settings).unwrap_or_default();
        tokio::fs::write(&settings_path, text)
            .await
            .map_err(|e| Self::not_installed(format!("cannot write the settings file: {e}")))?;

        let contract = Contract::new(RetryPolicy {
            timeout: d.timeout,
            max_attempts: d.max_attempts,
            ..self.ctx.config.policy
        });
        let done = contract
            .run(NAME, "generate", surface, || {
                let args = vec![
                    OsString::from("DungeonRandomizer.py"),
                    OsString::from("--settingsfile"),
                    settings_path.clone().into_os_string(),
                ];
                run(&d.python, args, &checkout)
            })
            .await?;
        let provider_meta = ProviderMeta {
            provider: NAME.to_owned(),
            operation: "generate".to_owned(),
            attempt_count: done.attempts,
            latency_ms: done.latency_ms(),
            surface,
        };

        let rom = dir.path().join(format!("DR_{id}.sfc"));
        let spoiler_path = dir.path().join(format!("DR_{id}_Spoiler.txt"));
        let bps_path = dir.path().join(format!("DR_{id}.bps"));
        let format_err = |message: String| {
            Error::from_failure(Failure::format(message), NAME, "generate", done.attempts)
        };
        let spoiler = tokio::fs::read_to_string(&spoiler_path)
            .await
            .map_err(|e| format_err(format!("no spoiler written ({e})")))?;
        let code = parse_code(&spoiler)
            .ok_or_else(|| format_err("no file-select code in the spoiler".to_owned()))?;
        let version = parse_version(&spoiler);

        let args = vec![
            OsString::from("--create"),
            OsString::from("--bps-delta"),
            d.rom.clone().into_os_string(),
            rom.into_os_string(),
            bps_path.clone().into_os_string(),
        ];
        run(&d.flips, args, dir.path())
            .await
            .map_err(|f| Error::from_failure(f, NAME, "patch", 1))?;
        let bps = tokio::fs::read(&bps_path)
            .await
            .map_err(|e| format_err(format!("no patch written ({e})")))?;

        let patch_url = store
            .put(PutObject {
                key: format!("patch/DR_{id}.bps"),
                bytes: bps,
                public: true,
                content_encoding: None,
                attachment: false,
            })
            .await?;
        let spoiler_url = store
            .put(PutObject {
                key: format!("spoiler/DR_{id}_Spoiler.txt"),
                bytes: gzip(spoiler.as_bytes()),
                public: request.spoilers,
                content_encoding: Some("gzip".to_owned()),
                attachment: true,
            })
            .await?;
        Ok(GeneratedSeed {
            url: format!("{PATCHER_URL}{patch_url}"),
            hash_or_id: id,
            code: Some(code),
            spoiler_url: request.spoilers.then_some(spoiler_url),
            version,
            provider_meta,
            data: json!({"spoiler": spoiler, "patch_url": patch_url, "settings": settings}),
            raw: None,
        })
    }
}

/// Door-randomizer item names → the names the bot's code emojis use.
pub fn translate_name(name: &str) -> &str {
    match name {
        "Bomb" => "Bombs",
        "Powder" => "Magic Powder",
        "Rod" => "Ice Rod",
        "Ocarina" => "Flute",
        "Bug Net" => "Bugnet",
        "Bottle" => "Empty Bottle",
        "Potion" => "Green Potion",
        "Cane" => "Somaria",
        "Pearl" => "Moon Pearl",
        "Key" => "Big Key",
        other => other,
    }
}

/// A `", "`-separated code, translated, first five names.
pub fn translate_code(text: &str) -> Vec<String> {
    text.split(", ")
        .take(5)
        .map(|n| translate_name(n).to_owned())
        .collect()
}

/// The code from a spoiler: the first `Hash` (optionally followed by colons), whitespace,
/// then a line with at least four commas.
pub fn parse_code(spoiler: &str) -> Option<Vec<String>> {
    let re = regex::Regex::new(r"Hash:*\s+([^\n]*,[^\n]*,[^\n]*,[^\n]*,[^\n]*)").ok()?;
    let line = re
        .captures(spoiler)?
        .get(1)?
        .as_str()
        .trim_end_matches('\r');
    Some(translate_code(line))
}

/// The version between `ALttP Dungeon Randomizer Version ` and `  -  Seed: <digits>`.
pub fn parse_version(spoiler: &str) -> Option<String> {
    let re = regex::Regex::new(r"ALttP Dungeon Randomizer Version (.*?)  -  Seed: \d+").ok()?;
    Some(re.captures(spoiler)?.get(1)?.as_str().to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    const SPOILER: &str = "ALttP Dungeon Randomizer Version 1.4.1.10v  -  Seed: 123456\n\
        Settings Code: abc\nHash: Bomb, Bug Net, Pearl, Hookshot, Key\nmore";

    #[test]
    fn code_and_version_from_a_spoiler() {
        assert_eq!(
            parse_code(SPOILER).unwrap(),
            ["Bombs", "Bugnet", "Moon Pearl", "Hookshot", "Big Key"]
        );
        assert_eq!(parse_version(SPOILER).as_deref(), Some("1.4.1.10v"));
        assert_eq!(parse_code("Hash: a, b"), None);
    }
}
