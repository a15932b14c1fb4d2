//! A small racetime.gg bot: greets every room it joins, and answers `!roll [sides]`,
//! `!echo words…` and `!count` (a per-room counter that survives reconnects).
//!
//! Against racetime.gg (or a local racetime-app):
//!
//! ```text
//! RACETIME_CATEGORY=my-category RACETIME_CLIENT_ID=… RACETIME_CLIENT_SECRET=… \
//!   [RACETIME_HOST=localhost RACETIME_PORT=8000 RACETIME_SECURE=false] \
//!   cargo run -p sahasrahbot-racetime --example echo_bot
//! ```
//!
//! Without credentials, `cargo run -p sahasrahbot-racetime --example echo_bot -- --demo` starts
//! the testkit's fake racetime.gg, opens a room, plays a user typing commands, logs the bot's
//! replies and exits.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use async_trait::async_trait;
use sahasrahbot_racetime::{
    Bot, BotConfig, CancellationToken, Commands, DefaultFactory, HandlerRegistry, HandlerResult,
    HostConfig, RaceHandler, Room,
};
use tracing::info;

#[derive(Default)]
struct EchoBot {
    count: AtomicU64,
}

#[async_trait]
impl RaceHandler for EchoBot {
    fn commands() -> Commands<Self> {
        Commands::new()
            .add("echo", |_bot, room: Room, inv| async move {
                room.send_message(inv.args.join(" "))?;
                Ok(())
            })
            .add("count", |bot: Arc<Self>, room: Room, _inv| async move {
                let n = bot.count.fetch_add(1, Ordering::SeqCst) + 1;
                room.send_message(format!("I have counted to {n} in this room."))?;
                Ok(())
            })
            .add("roll", |_bot, room: Room, inv| async move {
                let sides: u64 = match inv.args.first() {
                    Some(s) => s.parse()?,
                    None => 6,
                };
                if sides == 0 {
                    return Err("a die needs at least one side".into());
                }
                let nanos = std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)?
                    .subsec_nanos() as u64;
                room.send_message(format!("d{sides}: {}", nanos % sides + 1))?;
                Ok(())
            })
    }

    async fn begin(&self, room: &Room) -> HandlerResult {
        room.send_message("Hello! Try !roll, !echo or !count.")?;
        Ok(())
    }

    async fn end(&self, room: &Room) -> HandlerResult {
        info!(room = room.name(), "race over");
        Ok(())
    }
}

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .init();
    if std::env::args().any(|a| a == "--demo") {
        return demo().await;
    }
    let (Some(category), Some(id), Some(secret)) = (
        env("RACETIME_CATEGORY"),
        env("RACETIME_CLIENT_ID"),
        env("RACETIME_CLIENT_SECRET"),
    ) else {
        return Err(
            "set RACETIME_CATEGORY, RACETIME_CLIENT_ID and RACETIME_CLIENT_SECRET \
                    (or pass --demo)"
                .into(),
        );
    };
    let mut config = BotConfig::new(category, id, secret);
    if let Some(host) = env("RACETIME_HOST") {
        config.host = HostConfig {
            host,
            port: env("RACETIME_PORT").map_or(Ok(0), |p| p.parse())?,
            secure: env("RACETIME_SECURE").is_some_and(|s| s == "true" || s == "1"),
        };
    }
    let cancel = CancellationToken::new();
    let bot = Bot::connect(
        config,
        DefaultFactory::<EchoBot>::new(),
        HandlerRegistry::new(),
        cancel.clone(),
    )
    .await?;
    let stop = cancel.clone();
    tokio::spawn(async move {
        let _ = tokio::signal::ctrl_c().await;
        info!("shutting down");
        stop.cancel();
    });
    bot.run().await;
    Ok(())
}

async fn demo() -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    use sahasrahbot_testkit::racetime::{FakeRacetime, NewRace};

    let fake = FakeRacetime::start().await?;
    let room = fake.open_race(NewRace::default());
    let mut config = BotConfig::new(fake.category(), fake.client_id(), fake.client_secret())
        .with_host(HostConfig::insecure(fake.host(), fake.port()));
    config.scan_interval = Duration::from_millis(200);
    let cancel = CancellationToken::new();
    let registry = HandlerRegistry::new();
    let bot = Bot::connect(
        config,
        DefaultFactory::<EchoBot>::new(),
        registry.clone(),
        cancel.clone(),
    )
    .await?;
    let runner = bot.clone();
    let task = tokio::spawn(async move { runner.run().await });

    fake.wait_until(Duration::from_secs(10), |f| f.open_bot_sockets(&room) == 1)
        .await;
    let user = fake.add_entrant(&room, "RacerOne");
    for text in [
        "!roll 20",
        "!echo hello  world",
        "!count",
        "!roll zero",
        "!Count",
    ] {
        fake.send_chat(&room, &user, text);
    }
    registry.dispatch_command(&room, "!count").await?;
    fake.wait_until(Duration::from_secs(10), |f| {
        f.bot_messages(&room).len() >= 6
    })
    .await;
    for message in fake.bot_messages(&room) {
        info!(%message, "bot said");
    }
    fake.set_status(&room, "finished");
    tokio::time::sleep(Duration::from_millis(100)).await;
    cancel.cancel();
    task.await?;
    Ok(())
}
