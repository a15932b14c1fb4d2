//! The command line.

use std::path::PathBuf;

use clap::{Parser, Subcommand};

/// SahasrahBot: the ALTTP Randomizer community bot for Discord, racetime.gg and the web.
#[derive(Debug, Parser)]
#[command(name = "sahasrahbot", version, about)]
pub(crate) struct Cli {
    /// The configuration file (default: sahasrahbot.toml in the working directory, if it
    /// exists).
    #[arg(
        long,
        short,
        global = true,
        env = "SAHASRAHBOT_CONFIG",
        value_name = "FILE"
    )]
    pub(crate) config: Option<PathBuf>,

    /// What to do (default: run).
    #[command(subcommand)]
    pub(crate) command: Option<Command>,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Start the bot: connect, migrate, run every configured subsystem until SIGINT/SIGTERM.
    Run,
    /// Bring the database schema up to date (adopting a Python bot database) and exit.
    Migrate,
    /// Preset tools.
    Presets {
        /// The presets subcommand.
        #[command(subcommand)]
        command: PresetsCommand,
    },
    /// Discord tools.
    Discord {
        /// The Discord subcommand.
        #[command(subcommand)]
        command: DiscordCommand,
    },
    /// Usage telemetry tools.
    Telemetry {
        /// The telemetry subcommand.
        #[command(subcommand)]
        command: TelemetryCommand,
    },
    /// Configuration tools.
    Config {
        /// The configuration subcommand.
        #[command(subcommand)]
        command: ConfigCommand,
    },
}

/// `sahasrahbot config …`.
#[derive(Debug, Subcommand)]
pub(crate) enum ConfigCommand {
    /// Print the effective configuration with secrets masked; exit non-zero listing every
    /// invalid value.
    Check,
}

/// `sahasrahbot presets …`.
#[derive(Debug, Subcommand)]
pub(crate) enum PresetsCommand {
    /// Validate every preset file of a directory (default: `presets.dir`); name each bad
    /// file and why, and exit 1 when there is any.
    Check {
        /// The preset directory, holding one sub-directory per game.
        dir: Option<PathBuf>,
    },
}

/// `sahasrahbot telemetry …`.
#[derive(Debug, Subcommand)]
pub(crate) enum TelemetryCommand {
    /// Print usage over the last DAYS days: busiest features, outcomes, guilds, per day.
    Report {
        /// How many days back.
        #[arg(default_value_t = 7)]
        days: u32,
    },
    /// Delete events older than `telemetry.retention_days` now (the bot also does this
    /// daily while running).
    Purge,
}

/// `sahasrahbot discord …`.
#[derive(Debug, Subcommand)]
pub(crate) enum DiscordCommand {
    /// Register the slash commands with Discord (global, and per ALTTP Randomizer guild),
    /// replacing what was registered before. The bot also does this at each start.
    SyncCommands,
}
