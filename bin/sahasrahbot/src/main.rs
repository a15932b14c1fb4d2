//! The `sahasrahbot` binary: command line, start-up wiring and supervision.

mod cli;
mod error;
mod logging;
mod run;
mod subsystems;
mod supervisor;
mod tournaments;
mod wiring;

use std::process::ExitCode;

use clap::Parser;
use sahasrahbot_core::config::Config;

use crate::cli::{Cli, Command, ConfigCommand, DiscordCommand, PresetsCommand, TelemetryCommand};
use crate::error::AppError;

fn main() -> ExitCode {
    let cli = Cli::parse();
    match dispatch(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            report(&e);
            ExitCode::from(e.exit_code())
        }
    }
}

#[expect(
    clippy::print_stderr,
    reason = "the one place errors reach the user before or without logging"
)]
fn report(error: &AppError) {
    eprintln!("error: {error}");
}

fn dispatch(cli: Cli) -> Result<(), AppError> {
    let config = Config::load(cli.config.as_deref());
    match cli.command.unwrap_or(Command::Run) {
        Command::Config {
            command: ConfigCommand::Check,
        } => config_check(config?),
        Command::Presets {
            command: PresetsCommand::Check { dir },
        } => {
            let dir = match dir {
                Some(dir) => dir,
                None => config?.presets.dir,
            };
            presets_check(&dir)
        }
        Command::Discord {
            command: DiscordCommand::SyncCommands,
        } => {
            let config = config?;
            logging::init(&config.log)?;
            runtime()?.block_on(sync_commands(&config))
        }
        Command::Telemetry { command } => {
            let config = config?;
            logging::init(&config.log)?;
            runtime()?.block_on(async {
                match command {
                    TelemetryCommand::Report { days } => run::telemetry_report(&config, days).await,
                    TelemetryCommand::Purge => run::telemetry_purge(&config).await,
                }
            })
        }
        Command::Migrate => {
            let config = config?;
            logging::init(&config.log)?;
            runtime()?.block_on(run::migrate_only(&config))
        }
        Command::Run => {
            let config = config?;
            logging::init(&config.log)?;
            runtime()?.block_on(run::run(config))
        }
    }
}

#[expect(
    clippy::print_stdout,
    reason = "presets check prints its report for the user"
)]
fn presets_check(dir: &std::path::Path) -> Result<(), AppError> {
    if !dir.is_dir() {
        return Err(AppError::PresetDir(dir.to_owned()));
    }
    let problems = sahasrahbot_core::presets::check_dir(dir);
    for (file, reason) in &problems {
        println!("{}: {reason}", file.display());
    }
    if problems.is_empty() {
        println!("presets: every file under {} is valid", dir.display());
        Ok(())
    } else {
        Err(AppError::BadPresets(problems.len()))
    }
}

#[expect(
    clippy::print_stdout,
    reason = "sync-commands prints what it registered"
)]
async fn sync_commands(config: &Config) -> Result<(), AppError> {
    let settings = sahasrahbot_discord::BotSettings::from_config(config);
    let report = sahasrahbot_discord::sync_commands(&settings).await?;
    println!("global: {}", report.global.join(", "));
    for (guild, names) in &report.guilds {
        println!("guild {guild}: {}", names.join(", "));
    }
    Ok(())
}

fn runtime() -> Result<tokio::runtime::Runtime, AppError> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(AppError::Runtime)
}

#[expect(
    clippy::print_stdout,
    reason = "config check prints its report for the user"
)]
fn config_check(config: Config) -> Result<(), AppError> {
    print!("{}", config.to_masked_toml());
    println!();
    println!("# subsystems");
    for status in subsystems::plan(&config) {
        println!("#   {status}");
    }
    println!("# configuration is valid");
    Ok(())
}
