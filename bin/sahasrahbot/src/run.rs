//! `sahasrahbot run` and `sahasrahbot migrate`.

use std::time::Duration;

use chrono::Utc;
use sahasrahbot_api::AppState;
use sahasrahbot_core::config::Config;
use sahasrahbot_core::db;
use sahasrahbot_core::telemetry;
use sea_orm::DatabaseConnection;
use tokio_util::sync::CancellationToken;

use crate::error::AppError;
use crate::subsystems::{self, State};
use crate::supervisor::{Backoff, Supervisor};
use crate::wiring::App;

/// How long subsystems get to stop after SIGINT/SIGTERM (the whole shutdown stays within
/// 10 s: this, then closing the database pool).
const SHUTDOWN_GRACE: Duration = Duration::from_secs(8);

async fn connect_and_migrate(config: &Config) -> Result<DatabaseConnection, AppError> {
    let timeout = Duration::from_secs(config.database.connect_timeout_secs);
    let options = db::DbOptions {
        max_connections: config.database.max_connections,
        connect_timeout: timeout,
        acquire_timeout: timeout,
        ..db::DbOptions::default()
    };
    let conn = db::connect(&config.database.url, &options).await?;
    let report = sahasrahbot_migrations::migrate(&conn).await?;
    tracing::info!(%report, "database ready");
    Ok(conn)
}

/// Connects, brings the schema up to date and exits.
pub(crate) async fn migrate_only(config: &Config) -> Result<(), AppError> {
    let conn = connect_and_migrate(config).await?;
    // Closing a pool that is going away anyway; a failure here changes nothing for the user.
    let _ = conn.close().await;
    Ok(())
}

/// `telemetry report DAYS`: prints the report.
#[expect(clippy::print_stdout, reason = "the report is the command's output")]
pub(crate) async fn telemetry_report(config: &Config, days: u32) -> Result<(), AppError> {
    let conn = connect_and_migrate(config).await?;
    let report = telemetry::report(&conn, days, Utc::now().naive_utc()).await?;
    print!("{report}");
    let _ = conn.close().await;
    Ok(())
}

/// `telemetry purge`: deletes events past the retention period.
pub(crate) async fn telemetry_purge(config: &Config) -> Result<(), AppError> {
    let conn = connect_and_migrate(config).await?;
    let days = config.telemetry.retention_days;
    let deleted = telemetry::purge(&conn, days, Utc::now().naive_utc()).await?;
    tracing::info!(deleted, retention_days = days, "telemetry purged");
    let _ = conn.close().await;
    Ok(())
}

/// Runs the bot until SIGINT or SIGTERM.
pub(crate) async fn run(config: Config) -> Result<(), AppError> {
    let conn = connect_and_migrate(&config).await?;
    let app = App::build(config, conn.clone())?;
    let config = app.config.clone();
    let cancel = CancellationToken::new();
    let mut supervisor = Supervisor::new(cancel.clone(), Backoff::default());

    for status in subsystems::plan(&config) {
        match &status.state {
            State::Enabled(_) => tracing::info!(subsystem = %status.name, "{status}"),
            State::Disabled(_) => tracing::info!(subsystem = %status.name, "{status}"),
        }
        if !matches!(status.state, State::Enabled(_)) {
            continue;
        }
        match status.name.as_str() {
            "discord" => supervisor.spawn("discord", app.discord()),
            "audit" => supervisor.spawn("audit", app.audit()),
            "tournaments" => {
                if let Some(tournaments) = app.tournaments() {
                    supervisor.spawn("tournaments", tournaments);
                }
            }
            "telemetry" => {
                let (telemetry, retention) =
                    (app.telemetry.clone(), config.telemetry.retention_days);
                supervisor.spawn(
                    "telemetry",
                    Box::new(move |cancel| {
                        let telemetry = telemetry.clone();
                        Box::pin(async move {
                            telemetry.run(retention, cancel).await.map_err(Into::into)
                        })
                    }),
                );
            }
            "api" => {
                let listen = config.api.listen.clone();
                let state = api_state(&app, &config);
                supervisor.spawn(
                    "api",
                    Box::new(move |cancel| {
                        let (listen, state) = (listen.clone(), state.clone());
                        Box::pin(async move {
                            sahasrahbot_api::serve(&listen, state, cancel)
                                .await
                                .map_err(Into::into)
                        })
                    }),
                );
            }
            name => {
                if let Some(slug) = name.strip_prefix("racetime/") {
                    supervisor.spawn(name, app.racetime(slug));
                }
            }
        }
    }

    tracing::info!("SahasrahBot is running; SIGINT or SIGTERM stops it");
    shutdown_signal().await?;
    tracing::info!("shutting down");
    let aborted = supervisor.shutdown(SHUTDOWN_GRACE).await;
    if aborted > 0 {
        tracing::warn!(aborted, "subsystems did not stop in time and were aborted");
    }
    if let Err(e) = conn.close().await {
        tracing::warn!(error = %e, "closing the database pool failed");
    }
    tracing::info!("stopped");
    Ok(())
}

/// The web server's handles: the shared configuration, preset store and racetime.gg bots;
/// the async tournaments; when the bot has a Discord token, a Discord liveness check,
/// ranked-choice voting's Discord side and the guild directory (Discord-role grants on the
/// async pages); and the tournament engine behind `/submit` when tournaments run.
fn api_state(app: &App, config: &std::sync::Arc<Config>) -> AppState {
    let mut state = AppState::new(app.db.clone())
        .with_config(config.clone())
        .with_presets(app.presets.clone())
        .with_spoiler_dir(app.local_spoiler_dir())
        .with_racetime(app.registry.clone(), app.racetime_bots.clone())
        .with_async_tournaments(app.async_tournaments.clone());
    if let Some(tournaments) = &app.tournaments {
        state = state.with_submissions(tournaments.engine.clone());
    }
    if !config.discord.token.is_blank() {
        let http = std::sync::Arc::new(
            sahasrahbot_discord::BotSettings::from_config(config).http_client(),
        );
        // Async-tournament pages resolve staff grants made to Discord roles through it.
        state = state.with_guild_directory(std::sync::Arc::new(
            sahasrahbot_discord::DiscordDirectory::new(http.clone()),
        ));
        state = state.with_election_discord(std::sync::Arc::new(
            sahasrahbot_api::web::DiscordElections::new(
                http.clone(),
                app.db.clone(),
                &config.api.app_url,
            ),
        ));
        state = state.with_discord_health(std::sync::Arc::new(DiscordRest(move || {
            let http = http.clone();
            Box::pin(async move {
                let app = http
                    .current_user_application()
                    .await
                    .map_err(|e| e.to_string())?;
                app.model().await.map_err(|e| e.to_string())?;
                Ok(())
            }) as DiscordCheck
        })));
    }
    state
}

/// One Discord liveness check (`GET /applications/@me` with the bot token).
type DiscordCheck = std::pin::Pin<Box<dyn std::future::Future<Output = Result<(), String>> + Send>>;

/// `/healthcheck`'s Discord port over the bot's REST client.
struct DiscordRest<F>(F);

#[async_trait::async_trait]
impl<F> sahasrahbot_api::DiscordHealth for DiscordRest<F>
where
    F: Fn() -> DiscordCheck + Send + Sync,
{
    async fn check(&self) -> Result<(), String> {
        (self.0)().await
    }
}

/// Resolves on the first SIGINT or SIGTERM.
async fn shutdown_signal() -> Result<(), AppError> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let mut term = signal(SignalKind::terminate()).map_err(AppError::Signal)?;
        tokio::select! {
            r = tokio::signal::ctrl_c() => r.map_err(AppError::Signal),
            _ = term.recv() => Ok(()),
        }
    }
    #[cfg(not(unix))]
    {
        tokio::signal::ctrl_c().await.map_err(AppError::Signal)
    }
}
