//! Shared test bot: a handler that records what happens, against the testkit fake.
#![allow(dead_code, unreachable_pub)]

pub mod tls_front;

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use sahasrahbot_racetime::{
    Backoff, Bot, BotConfig, CancellationToken, ChatMessage, Commands, Error, HandlerError,
    HandlerFactory, HandlerRegistry, HandlerResult, HostConfig, RaceData, RaceHandler, Room,
};
use sahasrahbot_testkit::racetime::FakeRacetime;

/// What happened, per room.
#[derive(Default, Debug)]
pub struct Events {
    pub log: Mutex<Vec<(String, String)>>,
}

impl Events {
    pub fn push(&self, room: &str, what: impl Into<String>) {
        self.log
            .lock()
            .unwrap()
            .push((room.to_owned(), what.into()));
    }

    pub fn count(&self, room: &str, what: &str) -> usize {
        self.log
            .lock()
            .unwrap()
            .iter()
            .filter(|(r, w)| r == room && w == what)
            .count()
    }

    pub fn all(&self, room: &str) -> Vec<String> {
        self.log
            .lock()
            .unwrap()
            .iter()
            .filter(|(r, _)| r == room)
            .map(|(_, w)| w.clone())
            .collect()
    }
}

pub struct TestHandler {
    events: Arc<Events>,
    counter: AtomicU64,
}

#[async_trait]
impl RaceHandler for TestHandler {
    fn commands() -> Commands<Self> {
        Commands::new()
            .add("count", |h: Arc<Self>, room: Room, _inv| async move {
                let n = h.counter.fetch_add(1, Ordering::SeqCst) + 1;
                room.send_message(format!("count={n}"))?;
                Ok(())
            })
            .add("fail", |_h, _room, _inv| async move {
                Err::<(), HandlerError>("boom".into())
            })
            .add("echo", |_h, room: Room, inv| async move {
                room.send_message(format!("args={:?}", inv.args))?;
                Ok(())
            })
            .add("newrace", |_h, room: Room, inv| async move {
                let kw = inv.keyword_args();
                let kws: Vec<String> = kw
                    .keywords
                    .iter()
                    .map(|(k, v)| format!("{k}={v}"))
                    .collect();
                room.send_message(format!("pos={:?} kw={}", kw.positional, kws.join(",")))?;
                Ok(())
            })
            .add("slow", |_h, room: Room, _inv| async move {
                tokio::time::sleep(Duration::from_millis(300)).await;
                room.send_message("slow done")?;
                Ok(())
            })
            .add("next", |_h, room: Room, _inv| async move {
                let mut settings = sahasrahbot_racetime::RaceSettings::default();
                settings.set_goal(room.race().goal.name.clone());
                settings.invitational = true;
                settings.info_user = "Segment #2".to_owned();
                let next = room.start_race_and_join(&settings).await?;
                room.send_message(format!("next: {}", next.name()))?;
                Ok(())
            })
            .add("fast", |_h, room: Room, _inv| async move {
                room.send_message("fast done")?;
                Ok(())
            })
    }

    async fn begin(&self, room: &Room) -> HandlerResult {
        self.events.push(room.name(), "begin");
        Ok(())
    }

    async fn end(&self, room: &Room) -> HandlerResult {
        self.events.push(room.name(), "end");
        Ok(())
    }

    async fn race_data(&self, room: &Room, previous: &RaceData) -> HandlerResult {
        let now = room.race();
        if now.status.value != previous.status.value {
            self.events
                .push(room.name(), format!("status:{}", now.status.value.as_str()));
        }
        Ok(())
    }

    async fn chat_message(&self, room: &Room, message: &ChatMessage) -> HandlerResult {
        self.events
            .push(room.name(), format!("chat:{}", message.message));
        Ok(())
    }

    async fn error(&self, room: &Room, errors: &[String]) -> HandlerResult {
        self.events
            .push(room.name(), format!("error:{}", errors.join(",")));
        Ok(())
    }

    async fn gave_up(&self, room: &Room, error: &Error) {
        let _ = error;
        self.events.push(room.name(), "gave_up");
    }
}

pub struct TestFactory {
    pub events: Arc<Events>,
    pub created: Mutex<HashMap<String, usize>>,
    /// `should_handle` refuses invitational rooms.
    pub refuse_invitational: bool,
}

#[async_trait]
impl HandlerFactory for TestFactory {
    type Handler = TestHandler;

    fn should_handle(&self, race: &RaceData) -> bool {
        let refused = self.refuse_invitational
            && race.status.value == sahasrahbot_racetime::RaceStatusValue::Invitational;
        !race.status.value.is_terminal() && !refused
    }

    async fn create(&self, race: &RaceData) -> Result<TestHandler, HandlerError> {
        *self
            .created
            .lock()
            .unwrap()
            .entry(race.name.clone())
            .or_default() += 1;
        Ok(TestHandler {
            events: self.events.clone(),
            counter: AtomicU64::new(0),
        })
    }
}

pub fn test_config(fake: &FakeRacetime) -> BotConfig {
    let mut c = BotConfig::new(fake.category(), fake.client_id(), fake.client_secret())
        .with_host(HostConfig::insecure(fake.host(), fake.port()));
    c.scan_interval = Duration::from_millis(50);
    c.feed_backoff = Backoff {
        base: Duration::from_millis(40),
        max: Duration::from_millis(400),
    };
    c.reconnect_backoff = Backoff {
        base: Duration::from_millis(20),
        max: Duration::from_millis(200),
    };
    c.token_backoff = Backoff {
        base: Duration::from_millis(20),
        max: Duration::from_millis(200),
    };
    c.max_reconnect_failures = 4;
    c.token_reconnect_spread = Duration::from_millis(50);
    c
}

pub struct Running {
    pub bot: Bot<TestFactory>,
    pub events: Arc<Events>,
    pub cancel: CancellationToken,
    pub task: tokio::task::JoinHandle<()>,
    pub registry: HandlerRegistry,
}

pub async fn start_bot(config: BotConfig) -> Running {
    start_bot_with(config, false).await
}

pub async fn start_bot_with(config: BotConfig, refuse_invitational: bool) -> Running {
    let events = Arc::new(Events::default());
    let registry = HandlerRegistry::new();
    let cancel = CancellationToken::new();
    let factory = TestFactory {
        events: events.clone(),
        created: Mutex::new(HashMap::new()),
        refuse_invitational,
    };
    let bot = Bot::connect(config, factory, registry.clone(), cancel.clone())
        .await
        .expect("bot connects to the fake");
    let runner = bot.clone();
    let task = tokio::spawn(async move { runner.run().await });
    Running {
        bot,
        events,
        cancel,
        task,
        registry,
    }
}

pub const WAIT: Duration = Duration::from_secs(10);

/// Polls until `cond` holds or 10 s pass.
pub async fn eventually(mut cond: impl FnMut() -> bool) -> bool {
    let deadline = tokio::time::Instant::now() + WAIT;
    while tokio::time::Instant::now() < deadline {
        if cond() {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    cond()
}
