//! Log output: tracing-subscriber, text or JSON, `RUST_LOG` over the configured filter.

use std::io::IsTerminal;

use sahasrahbot_core::config::{LogConfig, LogFormat};
use tracing_subscriber::EnvFilter;

/// Why logging could not start.
#[derive(Debug, thiserror::Error)]
#[error("log.filter {filter:?} is not a valid tracing filter: {source}")]
pub(crate) struct LoggingError {
    filter: String,
    #[source]
    source: tracing_subscriber::filter::ParseError,
}

/// Installs the global subscriber. `RUST_LOG`, when set, wins over `log.filter`.
pub(crate) fn init(config: &LogConfig) -> Result<(), LoggingError> {
    let filter = std::env::var("RUST_LOG")
        .ok()
        .filter(|f| !f.trim().is_empty())
        .unwrap_or_else(|| config.filter.clone());
    let env_filter = EnvFilter::try_new(&filter).map_err(|source| LoggingError {
        filter: filter.clone(),
        source,
    })?;
    // Colours only on a terminal: log files and journals get plain text.
    let builder = tracing_subscriber::fmt()
        .with_env_filter(env_filter)
        .with_ansi(std::io::stderr().is_terminal())
        .with_writer(std::io::stderr);
    // A second init (only possible in tests) keeps the first subscriber; nothing to report.
    let _ = match config.format {
        LogFormat::Text => builder.try_init(),
        LogFormat::Json => builder
            .json()
            .flatten_event(true)
            .with_current_span(true)
            .try_init(),
    };
    Ok(())
}
