//! [`SeedgenConfig`]: where each provider lives, credentials, and the retry policy.
//!
//! Production values come from the bot's configuration ([`SeedgenConfig::from_config`]);
//! tests point every provider at a local server by changing the base URLs (and, for URLs
//! that arrive inside a request, such as alttpr.com branches and samus.link releases, with
//! [`SeedgenConfig::base_url_overrides`]).

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;

use sahasrahbot_core::config::{Config, Secret};

use crate::contract::RetryPolicy;

/// alttpr.com settings.
#[derive(Debug, Clone, PartialEq)]
pub struct AlttprSettings {
    /// The base URL used when a request names no branch (`ALTTPR_BASEURL`).
    pub baseurl: String,
    /// Basic-auth user; auth is sent only when user and password are both set.
    pub username: String,
    /// Basic-auth password.
    pub password: Secret,
    /// Where the daily game is read (`https://alttpr.com/api/daily`).
    pub daily_url: String,
}

/// Door randomizer settings (a local Python program, core.md §2.5).
#[derive(Debug, Clone, PartialEq)]
pub struct DoorsSettings {
    /// The stable checkout (`DOOR_RANDO_HOME`), holding `DungeonRandomizer.py`.
    pub home: PathBuf,
    /// The checkout for the `volatile` / `unstable` branches.
    pub unstable_home: PathBuf,
    /// The interpreter that runs `DungeonRandomizer.py`.
    pub python: PathBuf,
    /// The Japanese 1.0 ROM (`ALTTP_ROM`).
    pub rom: PathBuf,
    /// EnemizerCLI, passed to the generator except on the `volatile` branch.
    pub enemizer: PathBuf,
    /// The `flips` binary that makes the BPS patch.
    pub flips: PathBuf,
    /// How long one run may take.
    pub timeout: Duration,
    /// Runs in total before giving up.
    pub max_attempts: u32,
}

/// Everything the providers need.
#[derive(Debug, Clone, PartialEq)]
pub struct SeedgenConfig {
    /// Timeout, attempts and backoff for every HTTP call.
    pub policy: RetryPolicy,
    /// alttpr.com.
    pub alttpr: AlttprSettings,
    /// Base URLs that arrive inside requests (`https://beeta.alttpr.com`,
    /// `https://sm.samus.link`, …) mapped to the base actually called. Empty in production.
    pub base_url_overrides: BTreeMap<String, String>,
    /// AVIANART (`https://avianart.games`).
    pub avianart_base: String,
    /// Wait between two AVIANART status polls.
    pub avianart_poll_interval: Duration,
    /// AVIANART status polls before giving up.
    pub avianart_max_polls: u32,
    /// SM VARIA (`https://randommetroidsolver.pythonanywhere.com`).
    pub varia_base: String,
    /// DASH (`https://www.dashrando.net`).
    pub dash_base: String,
    /// ctjot.com, where forms are fetched and posted (`https://ctjot.com`).
    pub ctjets_base: String,
    /// The Chrono Trigger ROM uploaded to ctjot.com.
    pub ctjets_rom: PathBuf,
    /// ootrandomizer.com (`https://ootrandomizer.com`).
    pub ootr_base: String,
    /// ootrandomizer.com API key (`OOTR_API_KEY`).
    pub ootr_api_key: Secret,
    /// BingoSync (`https://bingosync.com`).
    pub bingosync_base: String,
    /// The door randomizer.
    pub doors: DoorsSettings,
}

impl Default for SeedgenConfig {
    /// The production endpoints, no credentials, the default policy.
    fn default() -> Self {
        let home = PathBuf::from("/opt/ALttPDoorRandomizer");
        Self {
            policy: RetryPolicy::default(),
            alttpr: AlttprSettings {
                baseurl: "https://alttpr.com".to_owned(),
                username: String::new(),
                password: Secret::default(),
                daily_url: "https://alttpr.com/api/daily".to_owned(),
            },
            base_url_overrides: BTreeMap::new(),
            avianart_base: "https://avianart.games".to_owned(),
            avianart_poll_interval: Duration::from_secs(5),
            avianart_max_polls: 24,
            varia_base: "https://randommetroidsolver.pythonanywhere.com".to_owned(),
            dash_base: "https://www.dashrando.net".to_owned(),
            ctjets_base: "https://ctjot.com".to_owned(),
            ctjets_rom: PathBuf::from("/opt/data/chronotrigger.sfc"),
            ootr_base: "https://ootrandomizer.com".to_owned(),
            ootr_api_key: Secret::default(),
            bingosync_base: "https://bingosync.com".to_owned(),
            doors: DoorsSettings {
                unstable_home: unstable_sibling(&home),
                enemizer: home.join("../enemizer/ubuntu.16.04-x64/EnemizerCLI.Core"),
                home,
                python: PathBuf::from("python3"),
                rom: PathBuf::from("/opt/data/alttp_jp10.sfc"),
                flips: PathBuf::from("flips"),
                timeout: Duration::from_secs(120),
                max_attempts: 4,
            },
        }
    }
}

/// `/opt/ALttPDoorRandomizer` → `/opt/ALttPDoorRandomizerUnstable`.
fn unstable_sibling(home: &std::path::Path) -> PathBuf {
    let mut name = home
        .file_name()
        .map(|n| n.to_os_string())
        .unwrap_or_default();
    name.push("Unstable");
    home.with_file_name(name)
}

impl SeedgenConfig {
    /// The providers' settings from the bot's configuration: alttpr.com base URL and
    /// credentials, the OoTR key, the door randomizer checkout and ROM.
    pub fn from_config(config: &Config) -> Self {
        let mut out = Self::default();
        out.alttpr.baseurl = config.alttpr.baseurl.trim_end_matches('/').to_owned();
        out.alttpr.username = config.alttpr.username.clone();
        out.alttpr.password = config.alttpr.password.clone();
        out.ootr_api_key = config.ootr.api_key.clone();
        let home = config.roms.door_rando_home.clone();
        out.doors.unstable_home = unstable_sibling(&home);
        out.doors.enemizer = home.join("../enemizer/ubuntu.16.04-x64/EnemizerCLI.Core");
        out.doors.home = home;
        out.doors.rom = config.roms.alttp_rom.clone();
        out
    }

    /// The base actually called for `base` (an override, or `base` itself), without a
    /// trailing `/`.
    pub fn resolve_base(&self, base: &str) -> String {
        let base = base.trim_end_matches('/');
        self.base_url_overrides
            .get(base)
            .map_or(base, String::as_str)
            .trim_end_matches('/')
            .to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overrides_replace_known_bases_only() {
        let mut c = SeedgenConfig::default();
        c.base_url_overrides.insert(
            "https://beeta.alttpr.com".into(),
            "http://127.0.0.1:1/".into(),
        );
        assert_eq!(
            c.resolve_base("https://beeta.alttpr.com/"),
            "http://127.0.0.1:1"
        );
        assert_eq!(c.resolve_base("https://alttpr.com"), "https://alttpr.com");
    }

    #[test]
    fn from_config_takes_alttpr_ootr_and_door_settings() {
        let mut config = Config::default();
        config.alttpr.baseurl = "https://alttpr.example/".into();
        config.alttpr.username = "user".into();
        config.alttpr.password = Secret::new("pw");
        config.ootr.api_key = Secret::new("key");
        config.roms.door_rando_home = PathBuf::from("/srv/DR");
        config.roms.alttp_rom = PathBuf::from("/srv/rom.sfc");
        let c = SeedgenConfig::from_config(&config);
        assert_eq!(c.alttpr.baseurl, "https://alttpr.example");
        assert_eq!(c.alttpr.username, "user");
        assert_eq!(c.alttpr.password.expose(), "pw");
        assert_eq!(c.ootr_api_key.expose(), "key");
        assert_eq!(c.doors.home, PathBuf::from("/srv/DR"));
        assert_eq!(c.doors.unstable_home, PathBuf::from("/srv/DRUnstable"));
        assert_eq!(c.doors.rom, PathBuf::from("/srv/rom.sfc"));
        assert_eq!(c.policy, RetryPolicy::default());
    }

    #[test]
    fn unstable_checkout_is_a_sibling() {
        assert_eq!(
            unstable_sibling(std::path::Path::new("/opt/DR")),
            PathBuf::from("/opt/DRUnstable")
        );
    }
}
