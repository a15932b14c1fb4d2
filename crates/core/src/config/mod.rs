//! The bot's configuration.
//!
//! Sources, lowest precedence first:
//! 1. built-in defaults ([`Config::default`]);
//! 2. the TOML file (`sahasrahbot.toml` in the working directory unless another is named);
//! 3. `SAHASRAHBOT_*` environment variables, nested with `__`
//!    (`SAHASRAHBOT_API__LISTEN=0.0.0.0:5001` sets `api.listen`);
//! 4. the Python bot's environment names (`DISCORD_TOKEN`, `DB_HOST`, …, see [`legacy`]),
//!    so an existing deployment keeps working unchanged; `DATABASE_URL` last of all.
//!
//! [`Config::load`] reads and validates; every invalid value is reported with its key.
//! Secrets are [`Secret`]s and never printed.

mod de;
pub mod legacy;
mod secret;
mod validate;

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use serde::{Deserialize, Serialize};

pub use secret::Secret;
pub use validate::{DATABASE_SCHEMES, Problem};

/// The default configuration file, looked up in the working directory.
pub const DEFAULT_FILE: &str = "sahasrahbot.toml";

/// The racetime.gg categories the bot serves in production, in the Python bot's order.
pub const PRODUCTION_CATEGORIES: &[&str] = &[
    "alttpr",
    "contra",
    "ct-jets",
    "ff1r",
    "sgl",
    "smb3r",
    "smr",
    "smw-hacks",
    "smz3",
    "twwr",
    "z1r",
    "z2r",
];

/// The one racetime.gg category served in debug mode.
pub const DEBUG_CATEGORIES: &[&str] = &["test"];

/// Why the configuration could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// A source could not be read or a value has the wrong type (figment names the key and
    /// the source).
    #[error("configuration: {0}")]
    Read(#[from] Box<figment::Error>),
    /// Values were read but some are invalid; one line per problem.
    #[error("configuration has {} invalid value(s):\n{}", .0.len(), validate::render(.0))]
    Invalid(Vec<Problem>),
}

/// The whole configuration of the bot.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// Debug mode (`DEBUG`): the `test` racetime category only, the debug tournament
    /// profile, debug-only routes.
    pub debug: bool,
    /// Logging.
    pub log: LogConfig,
    /// The database.
    pub database: DatabaseConfig,
    /// The HTTP API and web pages.
    pub api: ApiConfig,
    /// Preset files.
    pub presets: PresetsConfig,
    /// The main Discord bot and Discord login.
    pub discord: DiscordConfig,
    /// The audit Discord bot.
    pub audit: AuditConfig,
    /// racetime.gg bots and account linking.
    pub racetime: RacetimeConfig,
    /// alttpr.com.
    pub alttpr: AlttprConfig,
    /// ROM files used by local generators.
    pub roms: RomsConfig,
    /// Spoiler log storage.
    pub spoilers: SpoilersConfig,
    /// SpeedGaming.
    pub speedgaming: SpeedGamingConfig,
    /// Discord webhooks for notices.
    pub webhooks: WebhooksConfig,
    /// ootrandomizer.com.
    pub ootr: OotrConfig,
    /// Error reporting.
    pub sentry: SentryConfig,
    /// Tournaments.
    pub tournament: TournamentConfig,
    /// Usage telemetry.
    pub telemetry: TelemetryConfig,
}

/// How log lines are written.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    /// Human-readable lines.
    #[default]
    Text,
    /// One JSON object per line.
    Json,
}

/// Logging settings. `RUST_LOG`, when set, overrides `filter`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LogConfig {
    /// `text` or `json`.
    pub format: LogFormat,
    /// A tracing filter directive, e.g. `info,sahasrahbot_racetime=debug`.
    pub filter: String,
}

impl Default for LogConfig {
    fn default() -> Self {
        Self {
            format: LogFormat::Text,
            filter: "info".into(),
        }
    }
}

/// Database settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DatabaseConfig {
    /// `sqlite://path`, `mysql://…`, `mariadb://…` or `postgres://…`. Printed with the
    /// password masked.
    #[serde(serialize_with = "validate::serialize_masked_url")]
    pub url: String,
    /// Largest number of pooled connections.
    pub max_connections: u32,
    /// Seconds to wait for a connection before giving up.
    pub connect_timeout_secs: u64,
}

impl Default for DatabaseConfig {
    fn default() -> Self {
        Self {
            url: "sqlite://data/sahasrahbot.db".into(),
            max_connections: 10,
            connect_timeout_secs: 10,
        }
    }
}

/// HTTP API and web settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ApiConfig {
    /// Whether the HTTP server runs at all.
    pub enabled: bool,
    /// The address the server listens on (`APP_LISTEN`; the Python bot hard-coded
    /// `127.0.0.1:5001`).
    pub listen: String,
    /// The public base URL (`APP_URL`), used in links and OAuth redirects.
    pub app_url: String,
    /// The session key (`APP_SECRET_KEY`).
    pub secret_key: Secret,
}

impl Default for ApiConfig {
    fn default() -> Self {
        Self {
            enabled: true,
            listen: "127.0.0.1:5001".into(),
            app_url: "http://localhost:5001".into(),
            secret_key: Secret::default(),
        }
    }
}

impl ApiConfig {
    /// The listen address; valid after [`Config::load`].
    pub fn listen_addr(&self) -> Option<SocketAddr> {
        self.listen.parse().ok()
    }
}

/// Preset file settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PresetsConfig {
    /// The directory holding one sub-directory per game (`alttpr/`, `sm/`, …).
    pub dir: PathBuf,
}

impl Default for PresetsConfig {
    fn default() -> Self {
        Self {
            dir: PathBuf::from("presets"),
        }
    }
}

/// The main Discord bot.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DiscordConfig {
    /// Bot token (`DISCORD_TOKEN`); the bot is disabled without it.
    pub token: Secret,
    /// OAuth2 application id (`DISCORD_CLIENT_ID`), for web login.
    #[serde(deserialize_with = "de::lenient_string")]
    pub client_id: String,
    /// OAuth2 application secret (`DISCORD_CLIENT_SECRET`).
    pub client_secret: Secret,
    /// Load the (deprecated) role-assignment features (`DISCORD_ROLE_ASSIGNMENT_ENABLED`).
    pub role_assignment_enabled: bool,
    /// Guilds of the ALTTP Randomizer community (`ALTTP_RANDOMIZER_SERVERS`).
    #[serde(deserialize_with = "de::id_list")]
    pub alttp_randomizer_servers: Vec<u64>,
    /// Guilds that get the tournament commands (`MAIN_TOURNAMENT_SERVERS`).
    #[serde(deserialize_with = "de::id_list")]
    pub main_tournament_servers: Vec<u64>,
    /// Guilds of the CC tournament (`CC_TOURNAMENT_SERVERS`).
    #[serde(deserialize_with = "de::id_list")]
    pub cc_tournament_servers: Vec<u64>,
    /// Audit channels of the CC tournament (`CC_TOURNAMENT_AUDIT_CHANNELS`).
    #[serde(deserialize_with = "de::id_list")]
    pub cc_tournament_audit_channels: Vec<u64>,
    /// A plain-HTTP `host:port` that stands in for `discord.com` (an HTTP proxy such as
    /// twilight-http-proxy); empty talks to Discord directly.
    pub http_proxy: String,
    /// A gateway URL that stands in for Discord's (a gateway proxy); empty uses Discord's.
    pub gateway_url: String,
    /// The first shard this process runs (with `shard_total` > 0).
    pub shard_first: u32,
    /// How many shards this process runs (with `shard_total` > 0).
    pub shard_count: u32,
    /// The bot's total number of shards; 0 runs the single shard 0 of 1.
    pub shard_total: u32,
    /// Seconds between the daily announcer's checks of alttpr.com; unset is 300.
    pub daily_interval_secs: Option<u64>,
    /// Seconds between the async tournament's start-timeout and 12-hour checks; unset is 60.
    pub async_enforcement_interval_secs: Option<u64>,
    /// Seconds between the async tournament's score recalculations; unset is 3600.
    pub async_scoring_interval_secs: Option<u64>,
}

/// The audit Discord bot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AuditConfig {
    /// Bot token (`AUDIT_DISCORD_TOKEN`); the audit bot is disabled without it.
    pub token: Secret,
    /// Days message history is kept.
    pub retention_days: u32,
    /// Seconds between two prunes of old message history (the first runs at start).
    pub prune_interval_secs: u64,
    /// Channels whose guild messages are neither recorded nor reported.
    pub excluded_channels: Vec<u64>,
    /// Discord's list of SHA-256 hashes of phishing domains (JSON array of hex strings).
    pub bad_domains_url: String,
    /// Seconds the bad-domain list is kept before it is downloaded again.
    pub bad_domains_refresh_secs: u64,
    /// Plain-HTTP host:port that replaces `discord.com` for the audit bot (tests).
    pub http_proxy: String,
    /// Gateway URL that replaces `wss://gateway.discord.gg` for the audit bot (tests).
    pub gateway_url: String,
}

/// The channels the Python audit bot meant to leave out of its history.
pub const AUDIT_EXCLUDED_CHANNELS: [u64; 3] = [
    694_710_452_478_803_968,
    694_710_286_455_930_911,
    606_873_327_839_215_616,
];

impl Default for AuditConfig {
    fn default() -> Self {
        Self {
            token: Secret::default(),
            retention_days: 30,
            prune_interval_secs: 86_400,
            excluded_channels: AUDIT_EXCLUDED_CHANNELS.to_vec(),
            bad_domains_url: "https://cdn.discordapp.com/bad-domains/hashes.json".to_owned(),
            bad_domains_refresh_secs: 3_600,
            http_proxy: String::new(),
            gateway_url: String::new(),
        }
    }
}

/// One racetime.gg category's bot credentials.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CategoryCredentials {
    /// OAuth2 client id (`RACETIME_CLIENT_ID_<SLUG>`).
    #[serde(deserialize_with = "de::lenient_string")]
    pub client_id: String,
    /// OAuth2 client secret (`RACETIME_CLIENT_SECRET_<SLUG>`).
    pub client_secret: Secret,
}

/// racetime.gg settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RacetimeConfig {
    /// Server host (`RACETIME_HOST`).
    pub host: String,
    /// Server port (`RACETIME_PORT`); 0 leaves it out of URLs.
    pub port: u16,
    /// Use https/wss (`RACETIME_SECURE`).
    pub secure: bool,
    /// Public base URL for links and account linking (`RACETIME_URL`).
    pub url: String,
    /// Chat command prefix (`RACETIME_COMMAND_PREFIX`).
    pub command_prefix: String,
    /// OAuth2 client id for account linking (`RACETIME_CLIENT_ID_OAUTH`).
    #[serde(deserialize_with = "de::lenient_string")]
    pub oauth_client_id: String,
    /// OAuth2 client secret for account linking (`RACETIME_CLIENT_SECRET_OAUTH`).
    pub oauth_client_secret: Secret,
    /// Bot credentials per category slug (`ct-jets`, `smw-hacks`, …). A category without
    /// both values is disabled.
    pub categories: BTreeMap<String, CategoryCredentials>,
}

impl Default for RacetimeConfig {
    fn default() -> Self {
        Self {
            host: "localhost".into(),
            port: 8000,
            secure: false,
            url: "http://localhost:8000".into(),
            command_prefix: "!".into(),
            oauth_client_id: String::new(),
            oauth_client_secret: Secret::default(),
            categories: BTreeMap::new(),
        }
    }
}

impl RacetimeConfig {
    /// The credentials of `slug` when both id and secret are set.
    pub fn credentials(&self, slug: &str) -> Option<&CategoryCredentials> {
        self.categories
            .get(slug)
            .filter(|c| !c.client_id.trim().is_empty() && !c.client_secret.is_blank())
    }
}

/// alttpr.com settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AlttprConfig {
    /// Base URL of the default branch (`ALTTPR_BASEURL`).
    pub baseurl: String,
    /// HTTP basic-auth user for every alttpr.com call (`ALTTPR_USERNAME`).
    pub username: String,
    /// HTTP basic-auth password (`ALTTPR_PASSWORD`).
    pub password: Secret,
}

impl Default for AlttprConfig {
    fn default() -> Self {
        Self {
            baseurl: "https://alttpr.com".into(),
            username: String::new(),
            password: Secret::default(),
        }
    }
}

/// ROM files.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RomsConfig {
    /// The Japanese 1.0 ALTTP ROM (`ALTTP_ROM`), for the door randomizer.
    pub alttp_rom: PathBuf,
    /// Where the door randomizer is installed (`DOOR_RANDO_HOME`).
    pub door_rando_home: PathBuf,
}

impl Default for RomsConfig {
    fn default() -> Self {
        Self {
            alttp_rom: PathBuf::from("/opt/data/alttp_jp10.sfc"),
            door_rando_home: PathBuf::from("/opt/ALttPDoorRandomizer"),
        }
    }
}

/// Spoiler log storage.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SpoilersConfig {
    /// S3 bucket for spoiler logs (`AWS_SPOILER_BUCKET_NAME`); empty stores them locally.
    pub aws_spoiler_bucket_name: String,
    /// Public URL prefix of stored spoiler logs (`SPOILERLOGURLBASE`).
    pub spoiler_log_url_base: String,
    /// S3 bucket for door-randomizer objects (`SAHASRAHBOT_BUCKET`).
    pub sahasrahbot_bucket: String,
}

/// SpeedGaming settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SpeedGamingConfig {
    /// API base (`SG_API_ENDPOINT`).
    pub api_endpoint: String,
    /// In debug mode, where the episode files `sg_1.json`, `sg_2.json` and `sg_3.json` of the
    /// `test` event are read from; unset, debug mode asks the API for those episodes.
    pub debug_fixtures_dir: Option<PathBuf>,
}

impl Default for SpeedGamingConfig {
    fn default() -> Self {
        Self {
            api_endpoint: "https://speedgaming.org/api".into(),
            debug_fixtures_dir: None,
        }
    }
}

/// Discord webhooks.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct WebhooksConfig {
    /// SpeedGaming daily notices (`SG_DISCORD_WEBHOOK`).
    pub sg_discord: Secret,
    /// Bingo tournament notices (`BINGO_COLLAB_DISCORD_WEBHOOK`).
    pub bingo_collab_discord: Secret,
}

/// ootrandomizer.com settings.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct OotrConfig {
    /// API key (`OOTR_API_KEY`).
    pub api_key: Secret,
}

/// Error reporting.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SentryConfig {
    /// Sentry DSN (`SENTRY_URL`).
    pub url: Secret,
}

/// Tournament settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TournamentConfig {
    /// Use the registry file instead of the built-in registry (`TOURNAMENT_CONFIG_ENABLED`).
    pub config_enabled: bool,
    /// The registry file.
    pub registry_file: PathBuf,
    /// Seconds between room-creation passes; unset is 300 (15 in debug mode).
    pub create_races_interval_secs: Option<u64>,
    /// Seconds between `week_races` passes (scheduled events, scheduling needs,
    /// reminders); unset is 900 (15 in debug mode).
    pub week_races_interval_secs: Option<u64>,
    /// Seconds between bad-Discord reports; unset is 14,400 (15 in debug mode).
    pub bad_discord_interval_secs: Option<u64>,
}

impl Default for TournamentConfig {
    fn default() -> Self {
        Self {
            config_enabled: false,
            registry_file: PathBuf::from("config/tournaments.yaml"),
            create_races_interval_secs: None,
            week_races_interval_secs: None,
            bad_discord_interval_secs: None,
        }
    }
}

/// Usage telemetry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TelemetryConfig {
    /// Record events (`TELEMETRY_ENABLED`).
    pub enabled: bool,
    /// Stored with each event, between 0 and 1 (`TELEMETRY_SAMPLE_RATE`).
    pub sample_rate: f64,
    /// Days events are kept (`TELEMETRY_RETENTION_DAYS`).
    pub retention_days: u32,
    /// Salt for guild id hashes (`TELEMETRY_HASH_SALT`).
    pub hash_salt: Secret,
    /// Events held in memory between flushes (`TELEMETRY_QUEUE_SIZE`).
    pub queue_size: u32,
}

impl Default for TelemetryConfig {
    fn default() -> Self {
        Self {
            enabled: false,
            sample_rate: 1.0,
            retention_days: 30,
            hash_salt: Secret::default(),
            queue_size: 1000,
        }
    }
}

impl Config {
    /// The sources in precedence order: defaults, `file` (skipped when absent), the
    /// `SAHASRAHBOT_*` environment, the Python bot's environment names.
    pub fn figment(file: &Path) -> Figment {
        // The defaults hold no secrets, so their masked serialization is the real one.
        let mut figment = Figment::from(Serialized::defaults(Config::default()));
        if file.exists() {
            figment = figment.merge(Toml::file_exact(file));
        }
        figment
            .merge(
                Env::prefixed("SAHASRAHBOT_")
                    .ignore(&["CONFIG"])
                    .split("__"),
            )
            .merge(legacy::LegacyEnv)
    }

    /// Reads every source and validates the result.
    ///
    /// `file` is the TOML file to read; when `None`, [`DEFAULT_FILE`] is read if it exists.
    /// A file named explicitly must exist.
    pub fn load(file: Option<&Path>) -> Result<Self, ConfigError> {
        let path = file.unwrap_or(Path::new(DEFAULT_FILE));
        if file.is_some() && !path.exists() {
            return Err(ConfigError::Invalid(vec![Problem::new(
                "config file",
                format!("{} does not exist", path.display()),
            )]));
        }
        Self::from_figment(&Self::figment(path))
    }

    /// Extracts and validates a configuration from `figment`.
    pub fn from_figment(figment: &Figment) -> Result<Self, ConfigError> {
        let config: Config = figment.extract().map_err(Box::new)?;
        let problems = config.problems();
        if problems.is_empty() {
            Ok(config)
        } else {
            Err(ConfigError::Invalid(problems))
        }
    }

    /// The racetime.gg categories this process serves: `test` in debug mode, the production
    /// list otherwise, plus any other category given credentials in the configuration.
    pub fn racetime_categories(&self) -> Vec<&str> {
        let base = if self.debug {
            DEBUG_CATEGORIES
        } else {
            PRODUCTION_CATEGORIES
        };
        let mut slugs: Vec<&str> = base.to_vec();
        for slug in self.racetime.categories.keys() {
            if !slugs.contains(&slug.as_str()) {
                slugs.push(slug);
            }
        }
        slugs
    }

    /// The effective configuration as TOML, secrets masked.
    pub fn to_masked_toml(&self) -> String {
        // Serializing plain structs, maps and strings to TOML cannot fail; an error here
        // would be a bug in the config types, so say so instead of panicking.
        toml::to_string_pretty(self).unwrap_or_else(|e| format!("# cannot render: {e}\n"))
    }
}

#[cfg(test)]
#[allow(
    clippy::result_large_err,
    reason = "figment::Jail closures return figment's own (large) error type"
)]
mod tests {
    use figment::Jail;

    use super::*;

    /// Loads as the binary does without `--config`: the jail is the working directory.
    fn load_in(_jail: &Jail) -> Result<Config, ConfigError> {
        Config::load(None)
    }

    #[test]
    fn sources_apply_in_precedence_order() {
        Jail::expect_with(|jail| {
            jail.create_file(
                DEFAULT_FILE,
                r#"
                debug = true
                [api]
                listen = "0.0.0.0:7000"
                app_url = "https://file.example"
                [racetime]
                host = "file-host"
                port = 1
                "#,
            )?;
            jail.set_env("SAHASRAHBOT_API__LISTEN", "127.0.0.1:6000");
            jail.set_env("SAHASRAHBOT_RACETIME__PORT", "2");
            jail.set_env("RACETIME_PORT", "443");
            jail.set_env("DISCORD_TOKEN", "tok");
            let c = load_in(jail).expect("valid");
            assert!(c.debug, "file beats defaults");
            assert_eq!(c.api.app_url, "https://file.example", "file beats defaults");
            assert_eq!(
                c.api.listen, "127.0.0.1:6000",
                "SAHASRAHBOT_ env beats file"
            );
            assert_eq!(c.racetime.host, "file-host");
            assert_eq!(c.racetime.port, 443, "legacy name beats SAHASRAHBOT_ env");
            assert_eq!(c.discord.token.expose(), "tok");
            assert_eq!(
                c.database.url, "sqlite://data/sahasrahbot.db",
                "default kept"
            );
            Ok(())
        });
    }

    #[test]
    fn legacy_names_fill_nested_keys() {
        Jail::expect_with(|jail| {
            jail.set_env("RACETIME_CLIENT_ID_SMWHACKS", "cid");
            jail.set_env("RACETIME_CLIENT_SECRET_SMWHACKS", "csecret");
            jail.set_env("MAIN_TOURNAMENT_SERVERS", "123, 456");
            jail.set_env("DB_HOST", "db");
            jail.set_env("DB_PASS", "pw");
            let c = load_in(jail).expect("valid");
            let creds = c.racetime.credentials("smw-hacks").expect("credentials");
            assert_eq!(creds.client_id, "cid");
            assert_eq!(creds.client_secret.expose(), "csecret");
            assert_eq!(c.discord.main_tournament_servers, vec![123, 456]);
            assert_eq!(c.database.url, "mysql://sahasrahbot:pw@db:3306/sahasrahbot");
            Ok(())
        });
    }

    #[test]
    fn loop_intervals_are_unset_by_default_and_settable() {
        Jail::expect_with(|jail| {
            let c = load_in(jail).expect("valid");
            assert_eq!(c.tournament.create_races_interval_secs, None);
            assert_eq!(c.discord.daily_interval_secs, None);
            jail.set_env("SAHASRAHBOT_TOURNAMENT__CREATE_RACES_INTERVAL_SECS", "60");
            jail.set_env("SAHASRAHBOT_TOURNAMENT__BAD_DISCORD_INTERVAL_SECS", "3600");
            jail.set_env("SAHASRAHBOT_DISCORD__DAILY_INTERVAL_SECS", "120");
            let c = load_in(jail).expect("valid");
            assert_eq!(c.tournament.create_races_interval_secs, Some(60));
            assert_eq!(c.tournament.week_races_interval_secs, None);
            assert_eq!(c.tournament.bad_discord_interval_secs, Some(3600));
            assert_eq!(c.discord.daily_interval_secs, Some(120));
            Ok(())
        });
    }

    #[test]
    fn printed_config_masks_secrets() {
        Jail::expect_with(|jail| {
            jail.set_env("DISCORD_TOKEN", "very-secret-token");
            jail.set_env("DATABASE_URL", "mysql://root:dbpass@localhost:3306/sb");
            let printed = load_in(jail).expect("valid").to_masked_toml();
            assert!(!printed.contains("very-secret-token"), "{printed}");
            assert!(!printed.contains("dbpass"), "{printed}");
            assert!(printed.contains("token = \"****\""), "{printed}");
            assert!(
                printed.contains("mysql://root:****@localhost:3306/sb"),
                "{printed}"
            );
            Ok(())
        });
    }

    #[test]
    fn wrong_types_name_the_key_and_source() {
        Jail::expect_with(|jail| {
            jail.create_file(DEFAULT_FILE, "[racetime]\nport = \"eighty\"\n")?;
            let err = load_in(jail).expect_err("invalid").to_string();
            assert!(err.contains("racetime.port"), "{err}");
            assert!(err.contains(DEFAULT_FILE), "{err}");
            Ok(())
        });
    }

    #[test]
    fn malformed_file_is_reported() {
        Jail::expect_with(|jail| {
            jail.create_file(DEFAULT_FILE, "[api\nlisten = ")?;
            let err = load_in(jail).expect_err("invalid").to_string();
            assert!(err.contains(DEFAULT_FILE), "{err}");
            Ok(())
        });
    }

    #[test]
    fn unknown_keys_are_rejected() {
        Jail::expect_with(|jail| {
            jail.create_file(DEFAULT_FILE, "[api]\nlisen = \"x\"\n")?;
            let err = load_in(jail).expect_err("invalid").to_string();
            assert!(err.contains("lisen"), "{err}");
            Ok(())
        });
    }

    #[test]
    fn missing_named_file_is_an_error() {
        let err = Config::load(Some(Path::new("/nonexistent/sb.toml"))).expect_err("missing");
        assert!(
            err.to_string()
                .contains("/nonexistent/sb.toml does not exist"),
            "{err}"
        );
    }

    #[test]
    fn invalid_values_are_all_listed() {
        Jail::expect_with(|jail| {
            jail.set_env("SAHASRAHBOT_API__LISTEN", "nope");
            jail.set_env("DATABASE_URL", "ftp://x");
            let err = load_in(jail).expect_err("invalid").to_string();
            assert!(
                err.starts_with("configuration has 2 invalid value(s):"),
                "{err}"
            );
            assert!(err.contains("api.listen"), "{err}");
            assert!(err.contains("database.url"), "{err}");
            Ok(())
        });
    }

    #[test]
    fn categories_follow_debug_mode() {
        let mut c = Config::default();
        assert_eq!(c.racetime_categories(), PRODUCTION_CATEGORIES);
        c.debug = true;
        assert_eq!(c.racetime_categories(), vec!["test"]);
    }
}
