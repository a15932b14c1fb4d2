//! A live room: the [`Room`] context handed to handlers (typed bot actions), and the room task
//! (one tokio task per room: websocket, reconnects, hooks, command dispatch).

use std::collections::BTreeMap;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use futures_util::future::BoxFuture;
use futures_util::{SinkExt, StreamExt};
use rand::Rng;
use serde::Serialize;
use serde_json::{Value, json};
use tokio::sync::{oneshot, watch};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::http::HeaderValue;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;
use tokio_util::sync::CancellationToken;
use tracing::{Instrument, debug, info, warn};

use crate::api::{AccessToken, Api, RaceSettings};
use crate::command::parse_command;
use crate::config::BotConfig;
use crate::error::{Error, Result};
use crate::handler::{Commands, Invocation, RaceHandler};
use crate::model::{ChatMessage, RaceData, ServerMessage, Team};
use crate::registry::{HandlerRegistry, RoomHandle};

/// An action button on a bot chat message (racetime.md §2.1 `msg_actions`).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ChatAction {
    /// Chat text the button sends (may contain `${field}` survey placeholders).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// A link instead of a message.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// Label of the survey's submit button.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub submit: Option<String>,
    /// Survey questions (`[{name, label, type, …}]`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub survey: Option<Value>,
    /// Tooltip.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
}

/// Options of [`Room::send_message_with`].
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MessageOptions {
    /// Up to four buttons, by label. Not allowed with `direct_to`.
    pub actions: Option<BTreeMap<String, ChatAction>>,
    /// Pin the message. Not allowed with `direct_to`.
    pub pinned: bool,
    /// Send as a DM to this user id.
    pub direct_to: Option<String>,
}

/// What the room task is asked to do: write a frame, or run an injected command.
pub(crate) enum Outgoing {
    Frame(String),
    Inject(Box<ChatMessage>, oneshot::Sender<CommandOutcome>),
}

/// What the room task takes from its [`Outbox`].
pub(crate) enum Event {
    /// A queued frame or injected command.
    Item(Outgoing),
    /// Something outside the room changed (shutdown, a new token): check the cancellation token
    /// and the token watch. Room loops do not poll those on every wake-up (the token watch is
    /// shared by every room of a bot, and each poll takes its locks).
    Control,
}

/// A tiny unbounded queue with one consumer, the room task (a tokio channel preallocates a
/// 32-slot block, about 1.5 KiB, which adds up over thousands of idle rooms; an empty
/// `VecDeque` allocates nothing, and an `AtomicWaker` registers without a waiter list).
#[derive(Default)]
pub(crate) struct Outbox {
    queue: std::sync::Mutex<std::collections::VecDeque<Outgoing>>,
    waker: futures_util::task::AtomicWaker,
    control: std::sync::atomic::AtomicBool,
    closed: std::sync::atomic::AtomicBool,
}

impl Outbox {
    fn lock(&self) -> std::sync::MutexGuard<'_, std::collections::VecDeque<Outgoing>> {
        // Only push/pop happen under the lock; a poisoned queue is still consistent.
        self.queue.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub(crate) fn push(&self, item: Outgoing) -> std::result::Result<(), Outgoing> {
        if self.is_closed() {
            return Err(item);
        }
        self.lock().push_back(item);
        self.waker.wake();
        Ok(())
    }

    /// Forgets the room task's waker while the task is running anyway: what is pushed now is
    /// seen by its next `recv` without waking (and polling) the task once more.
    fn disarm(&self) {
        drop(self.waker.take());
    }

    /// Asks the room task to check its cancellation token and token watch.
    pub(crate) fn signal(&self) {
        self.control
            .store(true, std::sync::atomic::Ordering::Release);
        self.waker.wake();
    }

    fn poll_event(&self) -> Option<Event> {
        if self
            .control
            .swap(false, std::sync::atomic::Ordering::AcqRel)
        {
            return Some(Event::Control);
        }
        self.try_recv().map(Event::Item)
    }

    /// Waits for the next event. Cancel-safe: an item is only taken when it is returned. Only
    /// the room task may wait (one waker).
    async fn recv(&self) -> Event {
        std::future::poll_fn(|cx| {
            if let Some(event) = self.poll_event() {
                return std::task::Poll::Ready(event);
            }
            self.waker.register(cx.waker());
            // A push between the check and the registration woke the old waker: look again.
            match self.poll_event() {
                Some(event) => std::task::Poll::Ready(event),
                None => std::task::Poll::Pending,
            }
        })
        .await
    }

    pub(crate) fn is_closed(&self) -> bool {
        self.closed.load(std::sync::atomic::Ordering::Acquire)
    }

    /// Takes the next queued item without waiting.
    fn try_recv(&self) -> Option<Outgoing> {
        self.lock().pop_front()
    }

    /// Refuses further items and drops queued ones (waking injected-command waiters).
    fn close(&self) {
        self.closed
            .store(true, std::sync::atomic::Ordering::Release);
        let drained: Vec<Outgoing> = self.lock().drain(..).collect();
        drop(drained);
    }
}

/// Type-erased access to the bot that owns a room (the bot is generic over its factory).
pub(crate) trait BotOps: Send + Sync {
    fn join(&self, name: String, force: bool) -> BoxFuture<'static, Result<Option<RoomHandle>>>;
    fn start_race(&self, settings: RaceSettings) -> BoxFuture<'static, Result<String>>;
    fn get_team(&self, slug: String) -> BoxFuture<'static, Result<Team>>;
    /// The bot was dropped: its rooms leave.
    fn is_gone(&self) -> bool;
}

pub(crate) struct RoomShared {
    pub(crate) name: String,
    pub(crate) category: String,
    pub(crate) id: u64,
    pub(crate) outbox: Outbox,
    race: RwLock<Arc<RaceData>>,
    api: Arc<Api>,
    token: watch::Receiver<Arc<AccessToken>>,
    bot: Arc<dyn BotOps>,
}

/// A handle on one live room, handed to hooks and commands. Cheap to clone.
///
/// Actions are queued to the room's task and written to the socket in order; while the room is
/// reconnecting they wait for the new socket.
#[derive(Clone)]
pub struct Room {
    pub(crate) inner: Arc<RoomShared>,
}

impl std::fmt::Debug for Room {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Room")
            .field("name", &self.inner.name)
            .finish()
    }
}

/// A unique `8-4-4-4-12` lowercase hex guid: a random base drawn once per process plus a
/// counter (the server only needs it unique, to drop a resent duplicate), built without
/// per-byte formatting.
fn new_guid() -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    static BASE: std::sync::OnceLock<u128> = std::sync::OnceLock::new();
    static COUNTER: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let base = *BASE.get_or_init(|| rand::thread_rng().r#gen());
    let n = COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let b = base.wrapping_add(u128::from(n)).to_be_bytes();
    let mut out = String::with_capacity(36);
    for (i, x) in b.iter().enumerate() {
        if matches!(i, 4 | 6 | 8 | 10) {
            out.push('-');
        }
        out.push(char::from(HEX[usize::from(x >> 4)]));
        out.push(char::from(HEX[usize::from(x & 0xf)]));
    }
    out
}

/// The `message` action, serialized straight from borrowed fields (no `Value` tree).
#[derive(Serialize)]
struct MessageAction<'a> {
    action: &'static str,
    data: MessageData<'a>,
}

#[derive(Serialize)]
struct MessageData<'a> {
    // Alphabetical, as the `Value` form used to send them.
    actions: &'a Option<BTreeMap<String, ChatAction>>,
    direct_to: &'a Option<String>,
    guid: &'a str,
    message: &'a str,
    pinned: bool,
}

impl Room {
    /// Room name `category/slug`.
    pub fn name(&self) -> &str {
        &self.inner.name
    }

    /// Category slug.
    pub fn category(&self) -> &str {
        &self.inner.category
    }

    /// Race slug.
    pub fn slug(&self) -> &str {
        self.inner
            .name
            .split_once('/')
            .map_or(&self.inner.name, |(_, s)| s)
    }

    /// The latest race data.
    pub fn race(&self) -> Arc<RaceData> {
        // A poisoned lock only means a panic elsewhere while swapping an Arc; the value is intact.
        self.inner
            .race
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    pub(crate) fn set_race(&self, race: RaceData) -> Arc<RaceData> {
        let mut guard = self.inner.race.write().unwrap_or_else(|e| e.into_inner());
        std::mem::replace(&mut *guard, Arc::new(race))
    }

    /// Sends any action frame `{"action": action, "data": data}`.
    pub fn send_action(&self, action: &str, data: Value) -> Result<()> {
        let frame = if data.is_null() {
            json!({ "action": action })
        } else {
            json!({ "action": action, "data": data })
        };
        self.send_frame(frame.to_string())
    }

    fn send_frame(&self, frame: String) -> Result<()> {
        self.inner
            .outbox
            .push(Outgoing::Frame(frame))
            .map_err(|_| Error::RoomClosed(self.inner.name.clone()))
    }

    /// Posts a chat message as the bot.
    pub fn send_message(&self, message: impl Into<String>) -> Result<()> {
        self.send_message_with(message, MessageOptions::default())
    }

    /// Posts a chat message with buttons, pinned, or as a DM.
    pub fn send_message_with(
        &self,
        message: impl Into<String>,
        opts: MessageOptions,
    ) -> Result<()> {
        if opts.direct_to.is_some() && (opts.actions.is_some() || opts.pinned) {
            return Err(Error::InvalidRequest(
                "a direct message cannot have actions or be pinned".to_owned(),
            ));
        }
        let message = message.into();
        let guid = new_guid();
        let frame = serde_json::to_string(&MessageAction {
            action: "message",
            data: MessageData {
                actions: &opts.actions,
                direct_to: &opts.direct_to,
                guid: &guid,
                message: &message,
                pinned: opts.pinned,
            },
        })?;
        self.send_frame(frame)
    }

    /// Pins a message by id.
    pub fn pin_message(&self, message_id: &str) -> Result<()> {
        self.send_action("pin_message", json!({ "message": message_id }))
    }

    /// Unpins a message by id.
    pub fn unpin_message(&self, message_id: &str) -> Result<()> {
        self.send_action("unpin_message", json!({ "message": message_id }))
    }

    /// Sets the bot's info line (`setinfo` with `info_bot`). An empty string is a no-op on the
    /// server.
    pub fn set_bot_raceinfo(&self, info: impl Into<String>) -> Result<()> {
        self.send_action("setinfo", json!({ "info_bot": info.into() }))
    }

    /// Sets the user info line (`setinfo` with `info_user`).
    pub fn set_user_raceinfo(&self, info: impl Into<String>) -> Result<()> {
        self.send_action("setinfo", json!({ "info_user": info.into() }))
    }

    /// Merges `meta` into the race's `bot_meta` (`setmeta`; the server does not broadcast it).
    pub fn set_bot_meta(&self, meta: serde_json::Map<String, Value>) -> Result<()> {
        self.send_action("setmeta", Value::Object(meta))
    }

    /// Invitational → open.
    pub fn make_open(&self) -> Result<()> {
        self.send_action("make_open", Value::Null)
    }

    /// Open → invitational.
    pub fn make_invitational(&self) -> Result<()> {
        self.send_action("make_invitational", Value::Null)
    }

    /// Force-starts the race (`begin`).
    pub fn force_start(&self) -> Result<()> {
        self.send_action("begin", Value::Null)
    }

    /// Cancels the race.
    pub fn cancel_race(&self) -> Result<()> {
        self.send_action("cancel", Value::Null)
    }

    fn user_action(&self, action: &str, user_id: &str) -> Result<()> {
        self.send_action(action, json!({ "user": user_id }))
    }

    /// Invites a user.
    pub fn invite_user(&self, user_id: &str) -> Result<()> {
        self.user_action("invite", user_id)
    }

    /// Accepts a join request.
    pub fn accept_request(&self, user_id: &str) -> Result<()> {
        self.user_action("accept_request", user_id)
    }

    /// Unreadies an entrant.
    pub fn force_unready(&self, user_id: &str) -> Result<()> {
        self.user_action("force_unready", user_id)
    }

    /// Removes an entrant.
    pub fn remove_entrant(&self, user_id: &str) -> Result<()> {
        self.user_action("remove_entrant", user_id)
    }

    /// Makes an entrant a race monitor.
    pub fn add_monitor(&self, user_id: &str) -> Result<()> {
        self.user_action("add_monitor", user_id)
    }

    /// Removes a race monitor.
    pub fn remove_monitor(&self, user_id: &str) -> Result<()> {
        self.user_action("remove_monitor", user_id)
    }

    /// Overrides an entrant's stream requirement.
    pub fn override_stream(&self, user_id: &str) -> Result<()> {
        self.user_action("override_stream", user_id)
    }

    /// Asks for a fresh `race.data`.
    pub fn get_race(&self) -> Result<()> {
        self.send_action("getrace", Value::Null)
    }

    /// Asks for `chat.history`.
    pub fn get_history(&self) -> Result<()> {
        self.send_action("gethistory", Value::Null)
    }

    /// Opens a new room in this bot's category ([`Bot::start_race`](crate::Bot::start_race)),
    /// e.g. the next room of a series; returns its name.
    pub async fn start_race(&self, settings: &RaceSettings) -> Result<String> {
        self.inner.bot.start_race(settings.clone()).await
    }

    /// Opens a new room and joins it (forced), like
    /// [`Bot::start_race_and_join`](crate::Bot::start_race_and_join).
    pub async fn start_race_and_join(&self, settings: &RaceSettings) -> Result<RoomHandle> {
        let name = self.start_race(settings).await?;
        self.join_room(&name, true)
            .await?
            .ok_or(Error::RoomNotHandled(name))
    }

    /// Joins another room of this bot's category by name, like
    /// [`Bot::join_room`](crate::Bot::join_room).
    pub async fn join_room(&self, name: &str, force: bool) -> Result<Option<RoomHandle>> {
        self.inner.bot.join(name.to_owned(), force).await
    }

    /// `GET /team/{slug}/data`.
    pub async fn get_team(&self, slug: &str) -> Result<Team> {
        self.inner.bot.get_team(slug.to_owned()).await
    }

    /// `GET /user/{id}/data` (the public profile, as JSON), like
    /// [`Bot::get_user`](crate::Bot::get_user).
    pub async fn get_user(&self, user_id: &str) -> Result<serde_json::Value> {
        self.inner.api.user(user_id).await
    }

    /// Edits the room over HTTP (`POST /o/{category}/{slug}/edit`). The server resets missing
    /// fields, so every current setting is sent with `change` applied on top. Refused for
    /// finished/cancelled races; `invitational` and `team_race` cannot be edited.
    pub async fn edit(&self, change: impl FnOnce(&mut RaceSettings)) -> Result<()> {
        let race = self.race();
        if race.status.value.is_terminal() {
            return Err(Error::InvalidRequest(format!(
                "cannot edit a {} race",
                race.status.value.as_str()
            )));
        }
        let mut settings = RaceSettings::from_race(&race);
        change(&mut settings);
        let token = self.inner.token.borrow().value.clone();
        self.inner
            .api
            .edit(
                &self.inner.name,
                &token,
                &settings,
                race.status.value.is_preparing(),
            )
            .await
    }
}

/// What happened to an injected command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CommandOutcome {
    /// The command ran and returned `Ok`.
    Completed,
    /// The command failed; `Command raised exception: …` was posted.
    Failed(String),
    /// The text is not a command of this handler.
    NotACommand,
}

/// Everything a room task needs.
pub(crate) struct RoomTask<H: RaceHandler> {
    pub(crate) room: Room,
    pub(crate) handler: Arc<H>,
    pub(crate) commands: Arc<Commands<H>>,
    pub(crate) config: Arc<BotConfig>,
    pub(crate) token: watch::Receiver<Arc<AccessToken>>,
    pub(crate) refresh: Arc<tokio::sync::Notify>,
    pub(crate) cancel: CancellationToken,
    pub(crate) registry: HandlerRegistry,
    /// The server refused an action with this socket's token.
    pub(crate) denied: bool,
}

/// Creates a room and its (not yet spawned) task.
#[allow(clippy::too_many_arguments)]
pub(crate) fn new_room<H: RaceHandler>(
    id: u64,
    race: RaceData,
    handler: H,
    commands: Arc<Commands<H>>,
    config: Arc<BotConfig>,
    api: Arc<Api>,
    token: watch::Receiver<Arc<AccessToken>>,
    refresh: Arc<tokio::sync::Notify>,
    cancel: CancellationToken,
    registry: HandlerRegistry,
    bot: Arc<dyn BotOps>,
) -> (RoomHandle, RoomTask<H>) {
    let room = Room {
        inner: Arc::new(RoomShared {
            name: race.name.clone(),
            category: config.category.clone(),
            id,
            outbox: Outbox::default(),
            race: RwLock::new(Arc::new(race)),
            api,
            token: token.clone(),
            bot,
        }),
    };
    let handle = RoomHandle::new(room.clone());
    let task = RoomTask {
        room,
        handler: Arc::new(handler),
        commands,
        config,
        token,
        refresh,
        cancel,
        registry,
        denied: false,
    };
    (handle, task)
}

type TlsSocket =
    tokio_tungstenite::WebSocketStream<tokio_rustls::client::TlsStream<tokio::net::TcpStream>>;

/// A room's websocket, boxed: the room task's state keeps more than one slot for a value it
/// moves between await points (the connect result, the live socket), and a pointer is cheaper
/// to repeat than the socket. The TLS variant also carries rustls' state (about 1 KiB) that a
/// plain socket (a local racetime-app, the fake) does not need.
enum Socket {
    Plain(Box<tokio_tungstenite::WebSocketStream<tokio::net::TcpStream>>),
    Tls(Box<TlsSocket>),
}

type WsResult<T> = std::result::Result<T, tokio_tungstenite::tungstenite::Error>;

/// The client handshake over any stream (plain TCP, or TLS the room task set up itself),
/// reading just the response head; the bytes read past it (frames the server sent right
/// behind it) go to the websocket, which starts with a fresh `read_buffer_size` buffer.
/// tungstenite's own handshake hands its 4 KiB handshake buffer (and more) over to the socket,
/// where it stays for the room's lifetime: about 8 KiB per idle room.
async fn ws_handshake<S>(
    req: tokio_tungstenite::tungstenite::handshake::client::Request,
    mut stream: S,
    config: Option<WebSocketConfig>,
) -> WsResult<tokio_tungstenite::WebSocketStream<S>>
where
    S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin,
{
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use tokio_tungstenite::tungstenite::Error as WsError;
    use tokio_tungstenite::tungstenite::error::ProtocolError;
    use tokio_tungstenite::tungstenite::handshake::client::generate_request;
    use tokio_tungstenite::tungstenite::handshake::derive_accept_key;
    use tokio_tungstenite::tungstenite::protocol::Role;

    const MAX_HEAD: usize = 16 * 1024;
    let (request, key) = generate_request(req)?;
    stream.write_all(&request).await?;
    stream.flush().await?;
    let mut head: Vec<u8> = Vec::new();
    let mut buf = [0u8; 1024];
    let end = loop {
        let n = stream.read(&mut buf).await?;
        if n == 0 {
            return Err(WsError::Protocol(ProtocolError::HandshakeIncomplete));
        }
        // The blank line may straddle two reads.
        let from = head.len().saturating_sub(3);
        head.extend_from_slice(&buf[..n]);
        if let Some(pos) = head[from..].windows(4).position(|w| w == b"\r\n\r\n") {
            break from + pos + 4;
        }
        if head.len() > MAX_HEAD {
            return Err(WsError::Protocol(ProtocolError::HandshakeIncomplete));
        }
    };
    let rest = head[end..].to_vec();
    head.truncate(end);
    let text = String::from_utf8_lossy(&head);
    let mut lines = text.split("\r\n");
    let status: u16 = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .and_then(|c| c.parse().ok())
        .ok_or(WsError::Protocol(ProtocolError::HandshakeIncomplete))?;
    let headers: Vec<(&str, &str)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim(), v.trim()))
        .collect();
    let header = |name: &str| {
        headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| *v)
    };
    if status != 101 {
        let mut response: tokio_tungstenite::tungstenite::handshake::client::Response =
            tokio_tungstenite::tungstenite::http::Response::new(None);
        *response.status_mut() = tokio_tungstenite::tungstenite::http::StatusCode::from_u16(status)
            .map_err(|_| WsError::Protocol(ProtocolError::HandshakeIncomplete))?;
        return Err(WsError::Http(response));
    }
    if !header("Upgrade").is_some_and(|v| v.eq_ignore_ascii_case("websocket")) {
        return Err(WsError::Protocol(
            ProtocolError::MissingUpgradeWebSocketHeader,
        ));
    }
    if !header("Connection").is_some_and(|v| {
        v.split(',')
            .any(|t| t.trim().eq_ignore_ascii_case("upgrade"))
    }) {
        return Err(WsError::Protocol(
            ProtocolError::MissingConnectionUpgradeHeader,
        ));
    }
    if header("Sec-WebSocket-Accept") != Some(derive_accept_key(key.as_bytes()).as_str()) {
        return Err(WsError::Protocol(
            ProtocolError::SecWebSocketAcceptKeyMismatch,
        ));
    }
    drop(text);
    drop(head);
    Ok(if rest.is_empty() {
        tokio_tungstenite::WebSocketStream::from_raw_socket(stream, Role::Client, config).await
    } else {
        tokio_tungstenite::WebSocketStream::from_partially_read(stream, rest, Role::Client, config)
            .await
    })
}

/// Connects TLS over `tcp` with the bot's shared connector (certificates verified against its
/// roots), for the host of `url`.
async fn tls_connect(
    connector: &tokio_rustls::TlsConnector,
    url: &url::Url,
    tcp: tokio::net::TcpStream,
) -> WsResult<tokio_rustls::client::TlsStream<tokio::net::TcpStream>> {
    use tokio_rustls::rustls::pki_types::ServerName;
    let name = match url.host() {
        Some(url::Host::Domain(d)) => ServerName::try_from(d.to_owned())
            .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidInput, e.to_string()))?,
        Some(url::Host::Ipv4(ip)) => ServerName::IpAddress(std::net::IpAddr::V4(ip).into()),
        Some(url::Host::Ipv6(ip)) => ServerName::IpAddress(std::net::IpAddr::V6(ip).into()),
        None => {
            return Err(tokio_tungstenite::tungstenite::Error::Url(
                tokio_tungstenite::tungstenite::error::UrlError::NoHostName,
            ));
        }
    };
    Ok(connector.connect(name, tcp).await?)
}

impl Socket {
    async fn send(&mut self, message: Message) -> WsResult<()> {
        match self {
            Self::Plain(ws) => ws.send(message).await,
            Self::Tls(ws) => ws.send(message).await,
        }
    }

    /// The next message; cancel-safe like [`StreamExt::next`].
    async fn next(&mut self) -> Option<WsResult<Message>> {
        match self {
            Self::Plain(ws) => ws.next().await,
            Self::Tls(ws) => ws.next().await,
        }
    }

    async fn close(&mut self) -> WsResult<()> {
        match self {
            Self::Plain(ws) => (**ws).close(None).await,
            Self::Tls(ws) => (**ws).close(None).await,
        }
    }
}

/// How long a finished room may take to send what its handler queued at the end.
const FLUSH_AT_END: Duration = Duration::from_secs(2);

enum Flow {
    Continue,
    Stop,
}

enum Disconnect {
    /// Socket failed or was closed by the server: count a failure, back off.
    Failed(Error),
    /// Token changed: reconnect right away.
    NewToken,
    /// Shutdown or terminal status: leave.
    Exit,
}

struct Cleanup {
    room: Room,
    registry: HandlerRegistry,
}

impl Drop for Cleanup {
    fn drop(&mut self) {
        self.room.inner.outbox.close();
        self.registry.remove(self.room.name(), self.room.inner.id);
    }
}

impl<H: RaceHandler> RoomTask<H> {
    /// The room task. Not an `async fn` wrapping another future: the task would then keep
    /// `self` twice.
    pub(crate) fn run(self) -> impl std::future::Future<Output = ()> + Send + 'static {
        let span =
            tracing::info_span!("room", room = %self.room.name(), category = %self.room.category());
        self.run_owned().instrument(span)
    }

    async fn run_owned(mut self) {
        // Also on panic: the room must leave the registry so discovery can join it again.
        let _cleanup = Cleanup {
            room: self.room.clone(),
            registry: self.registry.clone(),
        };
        self.run_inner().await;
        debug!("room task ended");
    }

    fn ws_config(&self) -> WebSocketConfig {
        // Chat-sized buffers: the 128 KiB defaults would dominate the memory of idle rooms.
        // tungstenite reserves a whole frame's length on top of what one read already brought
        // in, and the read buffer never shrinks: with 1 KiB reads (one read per chat frame) an
        // idle room's buffer settles near the size of its largest `race.data` frame plus 1 KiB,
        // where 2 KiB reads doubled it to 4 KiB for a 1.4 KiB race.
        WebSocketConfig::default()
            .read_buffer_size(1024)
            .write_buffer_size(0)
            .max_write_buffer_size(1 << 20)
            .max_message_size(Some(self.config.max_message_size))
            .max_frame_size(Some(self.config.max_message_size))
    }

    async fn connect(&mut self) -> Result<Socket> {
        let token = self.token.borrow_and_update().value.clone();
        let race = self.room.race();
        let path = if race.websocket_bot_url.is_empty() {
            format!("/ws/o/bot/{}", self.room.slug())
        } else {
            race.websocket_bot_url.clone()
        };
        let url = self.room.inner.api.host.ws_url(&path)?;
        let mut req = url.as_str().into_client_request()?;
        let auth = HeaderValue::from_str(&format!("Bearer {token}"))
            .map_err(|e| Error::InvalidRequest(format!("token is not a header value: {e}")))?;
        req.headers_mut().insert("Authorization", auth);
        let config = Some(self.ws_config());
        let tls = self.room.inner.api.tls.clone();
        let connecting = async move {
            let host = url.host_str().unwrap_or_default();
            let secure = url.scheme() == "wss";
            let port = url
                .port_or_known_default()
                .unwrap_or(if secure { 443 } else { 80 });
            let tcp = tokio::net::TcpStream::connect((host, port))
                .await
                .map_err(tokio_tungstenite::tungstenite::Error::Io)?;
            if secure {
                // The bot's shared connector (built when the host is secure); one built here
                // would carry its own copy of the root store for the socket's lifetime.
                let connector = match tls {
                    Some(c) => c,
                    None => crate::tls::connector(&[]).map_err(|e| {
                        tokio_tungstenite::tungstenite::Error::Io(std::io::Error::other(
                            e.to_string(),
                        ))
                    })?,
                };
                // Boxed: the TLS handshake future is large, and would size every connect of a
                // plain socket too.
                let stream = Box::pin(tls_connect(&connector, &url, tcp)).await?;
                return Ok(Socket::Tls(Box::new(
                    Box::pin(ws_handshake(req, stream, config)).await?,
                )));
            }
            Ok::<_, tokio_tungstenite::tungstenite::Error>(Socket::Plain(Box::new(
                ws_handshake(req, tcp, config).await?,
            )))
        };
        match tokio::time::timeout(Duration::from_secs(30), connecting).await {
            Ok(Ok(ws)) => Ok(ws),
            Ok(Err(e)) => Err(e.into()),
            Err(_) => Err(Error::InvalidRequest(
                "websocket connect timed out".to_owned(),
            )),
        }
    }

    async fn run_inner(&mut self) {
        let mut begun = false;
        let mut failures: u32 = 0;
        let mut pending: Option<String> = None;
        loop {
            if self.cancel.is_cancelled() {
                return;
            }
            let cancel = self.cancel.clone();
            let connected = tokio::select! {
                _ = cancel.cancelled() => return,
                // Boxed: the connect future is large and only lives while connecting, so it
                // should not inflate every idle room task.
                r = Box::pin(self.connect()) => r,
            };
            let result = match connected {
                Ok(mut ws) => {
                    info!(reconnect = begun, "connected");
                    if !begun {
                        begun = true;
                        if let Err(e) = self.handler.begin(&self.room).await {
                            warn!(error = %e, "begin hook failed");
                        }
                    }
                    let r = Box::pin(self.serve(&mut ws, &mut failures, &mut pending)).await;
                    let _ = tokio::time::timeout(Duration::from_secs(5), ws.close()).await;
                    r
                }
                Err(e) => Disconnect::Failed(e),
            };
            match result {
                Disconnect::Exit => return,
                Disconnect::NewToken => {
                    info!("token refreshed; reconnecting");
                }
                Disconnect::Failed(e) => {
                    failures += 1;
                    if failures >= self.config.max_reconnect_failures {
                        let err = Error::GaveUp {
                            room: self.room.name().to_owned(),
                            attempts: failures,
                            last: e.to_string(),
                        };
                        self.handler.gave_up(&self.room, &err).await;
                        return;
                    }
                    let delay = self.config.reconnect_backoff.delay(failures);
                    warn!(error = %e, failures, ?delay, "room socket lost; reconnecting");
                    tokio::select! {
                        _ = self.cancel.cancelled() => return,
                        _ = tokio::time::sleep(delay) => {}
                    }
                }
            }
        }
    }

    async fn serve(
        &mut self,
        ws: &mut Socket,
        failures: &mut u32,
        pending: &mut Option<String>,
    ) -> Disconnect {
        if let Some(frame) = pending.take()
            && let Err(e) = ws.send(Message::text(frame.clone())).await
        {
            *pending = Some(frame);
            return Disconnect::Failed(e.into());
        }
        // Keepalive: a ping only after a whole interval without any frame from the server (a
        // busy room never pings; every frame pushes the deadline back, which only moves the
        // timer's expiry, an atomic store, until the timer wheel reaches it). Every ping is
        // answered: silence for three intervals means the connection is dead even if TCP has
        // not noticed.
        let interval = self.config.ping_interval;
        let mut last_frame = tokio::time::Instant::now();
        let keepalive = tokio::time::sleep_until(last_frame + interval);
        tokio::pin!(keepalive);
        // After a token refresh, reconnect at a random moment within the spread so that
        // thousands of rooms do not reconnect at once (the old token stays valid meanwhile).
        // Boxed and only while pending: an inline timer would grow every idle room.
        let mut reconnect_at: Option<std::pin::Pin<Box<tokio::time::Sleep>>> = None;
        // Shutdown and token changes arrive as `Event::Control`; they may also have happened
        // while connecting.
        let mut check_control = true;
        loop {
            if std::mem::take(&mut check_control) {
                if self.cancel.is_cancelled() || self.room.inner.bot.is_gone() {
                    return Disconnect::Exit;
                }
                if reconnect_at.is_none() {
                    match self.token.has_changed() {
                        // The bot is gone.
                        Err(_) => return Disconnect::Exit,
                        Ok(false) => {}
                        Ok(true) => {
                            let spread = self.config.token_reconnect_spread;
                            let delay = if spread.is_zero() || std::mem::take(&mut self.denied) {
                                Duration::ZERO
                            } else {
                                rand::thread_rng().gen_range(Duration::ZERO..=spread)
                            };
                            reconnect_at = Some(Box::pin(tokio::time::sleep(delay)));
                        }
                    }
                }
            }
            let reconnect_sleep = async {
                match reconnect_at.as_mut() {
                    Some(sleep) => sleep.await,
                    None => std::future::pending().await,
                }
            };
            tokio::select! {
                biased;
                _ = reconnect_sleep => return Disconnect::NewToken,
                frame = ws.next() => {
                    match frame {
                        Some(Ok(Message::Text(text))) => {
                            self.room.inner.outbox.disarm();
                            *failures = 0;
                            last_frame = tokio::time::Instant::now();
                            keepalive.as_mut().reset(last_frame + interval);
                            if let Flow::Stop = self.on_text(text.as_str()).await {
                                // Boxed: it holds a timer, and runs once per room at most.
                                Box::pin(self.flush_outbox(ws)).await;
                                return Disconnect::Exit;
                            }
                        }
                        Some(Ok(Message::Close(frame))) => {
                            return Disconnect::Failed(Error::Disconnected(format!(
                                "server closed the socket: {frame:?}"
                            )));
                        }
                        Some(Ok(_)) => {
                            last_frame = tokio::time::Instant::now();
                            keepalive.as_mut().reset(last_frame + interval);
                        }
                        Some(Err(e)) => return Disconnect::Failed(e.into()),
                        None => {
                            return Disconnect::Failed(Error::Disconnected(
                                "socket ended".to_owned(),
                            ));
                        }
                    }
                }
                event = self.room.inner.outbox.recv() => match event {
                    Event::Item(Outgoing::Frame(frame)) => {
                        if let Err(e) = ws.send(Message::text(frame.clone())).await {
                            *pending = Some(frame);
                            return Disconnect::Failed(e.into());
                        }
                    }
                    Event::Item(Outgoing::Inject(message, done)) => {
                        self.room.inner.outbox.disarm();
                        self.inject(*message, done);
                    }
                    Event::Control => check_control = true,
                },
                () = keepalive.as_mut() => {
                    let now = tokio::time::Instant::now();
                    if now.saturating_duration_since(last_frame) > interval * 3 {
                        return Disconnect::Failed(Error::Disconnected(
                            "keepalive timeout".to_owned(),
                        ));
                    }
                    if let Err(e) = ws.send(Message::text(r#"{"action":"ping"}"#)).await {
                        return Disconnect::Failed(e.into());
                    }
                    keepalive.as_mut().reset(now + interval);
                }
            }
        }
    }

    /// Sends the frames the handler queued while the race was ending (a KONOT link, a
    /// farewell) before the room closes; bounded so a dead socket cannot hold the task.
    async fn flush_outbox(&self, ws: &mut Socket) {
        let flush = async {
            while let Some(item) = self.room.inner.outbox.try_recv() {
                if let Outgoing::Frame(frame) = item
                    && let Err(e) = ws.send(Message::text(frame)).await
                {
                    warn!(error = %e, "could not send a message queued while the race ended");
                    return;
                }
            }
        };
        if tokio::time::timeout(FLUSH_AT_END, flush).await.is_err() {
            warn!("messages queued while the race ended were not all sent in time");
        }
    }

    async fn on_text(&mut self, text: &str) -> Flow {
        let msg = match ServerMessage::parse(text) {
            Ok(m) => m,
            Err(e) => {
                warn!(error = %e, frame = %truncate(text, 200), "skipping malformed frame");
                return Flow::Continue;
            }
        };
        match msg {
            ServerMessage::RaceData(race) => {
                let current = self.room.race();
                if race.version < current.version {
                    debug!(
                        version = race.version,
                        current = current.version,
                        "stale race.data"
                    );
                    return Flow::Continue;
                }
                let terminal = race.status.value.is_terminal();
                let previous = self.room.set_race(*race);
                if let Err(e) = self.handler.race_data(&self.room, &previous).await {
                    warn!(error = %e, "race_data hook failed");
                }
                if terminal {
                    if let Err(e) = self.handler.end(&self.room).await {
                        warn!(error = %e, "end hook failed");
                    }
                    return Flow::Stop;
                }
            }
            ServerMessage::ChatMessage(message) => {
                if let Err(e) = self.handler.chat_message(&self.room, &message).await {
                    warn!(error = %e, "chat_message hook failed");
                }
                if !message.is_bot && !message.is_system {
                    self.dispatch(*message, None);
                }
            }
            ServerMessage::Error(errors) => {
                if errors.iter().any(|e| e.starts_with("Permission denied")) {
                    // The socket's token is no longer valid: ask for a fresh one, and reconnect
                    // as soon as it arrives.
                    self.denied = true;
                    self.refresh.notify_one();
                }
                if let Err(e) = self.handler.error(&self.room, &errors).await {
                    warn!(error = %e, "error hook failed");
                }
            }
            ServerMessage::Other { kind } => debug!(%kind, "ignoring frame type"),
            _ => {}
        }
        Flow::Continue
    }

    fn inject(&self, message: ChatMessage, done: oneshot::Sender<CommandOutcome>) {
        self.dispatch(message, Some(done));
    }

    /// Runs a command. Commands of one room run concurrently: the command is polled once right
    /// here, and only one that has to wait (most reply at once) gets its own task.
    fn dispatch(&self, message: ChatMessage, done: Option<oneshot::Sender<CommandOutcome>>) {
        let parsed = parse_command(&message.message, &self.config.command_prefix);
        let Some((parsed, f)) = parsed.and_then(|p| self.commands.get(&p.name).map(|f| (p, f)))
        else {
            if let Some(done) = done {
                let _ = done.send(CommandOutcome::NotACommand);
            }
            return;
        };
        let room = self.room.clone();
        let handler = self.handler.clone();
        let span = tracing::info_span!("command", name = %parsed.name);
        let inv = Invocation {
            name: parsed.name,
            args: parsed.args,
            message: Arc::new(message),
        };
        let first = {
            let _entered = span.enter();
            // The first poll uses a no-op waker: a command that is not done is handed to a task
            // below, whose first poll registers the task's own waker (futures re-register on
            // every poll), so no wake-up is lost. A panic stays inside the command, as it would
            // in its own task.
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                let mut fut = f(handler, room.clone(), inv);
                let mut cx = std::task::Context::from_waker(futures_util::task::noop_waker_ref());
                match fut.as_mut().poll(&mut cx) {
                    std::task::Poll::Ready(result) => Ok(result),
                    std::task::Poll::Pending => Err(fut),
                }
            }))
        };
        match first {
            Ok(Ok(result)) => {
                let _entered = span.enter();
                finish_command(&room, result, done);
            }
            Ok(Err(fut)) => {
                tokio::spawn(
                    async move {
                        let result = fut.await;
                        finish_command(&room, result, done);
                    }
                    .instrument(span),
                );
            }
            Err(_) => {
                let _entered = span.enter();
                warn!("command panicked");
                // Dropping `done` tells an injecting caller the command did not complete.
                drop(done);
            }
        }
    }
}

/// Reports a command's result: `Command raised exception: …` in chat on error, and the outcome
/// to an injecting caller.
fn finish_command(
    room: &Room,
    result: crate::handler::HandlerResult,
    done: Option<oneshot::Sender<CommandOutcome>>,
) {
    let outcome = match result {
        Ok(()) => CommandOutcome::Completed,
        Err(e) => {
            let text = e.to_string();
            warn!(error = %text, "command failed");
            let _ = room.send_message(format!("Command raised exception: {text}"));
            CommandOutcome::Failed(text)
        }
    };
    if let Some(done) = done {
        let _ = done.send(outcome);
    }
}

fn truncate(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

/// The TLS tests' server side (the fixture certificate), shared with the integration tests.
#[cfg(test)]
#[path = "../tests/it/common/tls_front.rs"]
mod tls_front;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::HostConfig;
    use crate::handler::HandlerResult;

    struct Nop;
    impl RaceHandler for Nop {}

    struct NoBot;
    impl BotOps for NoBot {
        fn join(&self, _: String, _: bool) -> BoxFuture<'static, Result<Option<RoomHandle>>> {
            Box::pin(async { Err(Error::Shutdown) })
        }
        fn start_race(&self, _: RaceSettings) -> BoxFuture<'static, Result<String>> {
            Box::pin(async { Err(Error::Shutdown) })
        }
        fn get_team(&self, _: String) -> BoxFuture<'static, Result<Team>> {
            Box::pin(async { Err(Error::Shutdown) })
        }
        fn is_gone(&self) -> bool {
            true
        }
    }

    #[tokio::test]
    async fn idle_room_is_small() {
        let (_tx, token) = watch::channel(Arc::new(AccessToken {
            value: "t".into(),
            expires_in: Duration::from_secs(1),
        }));
        let api = Arc::new(Api::new(HostConfig::insecure("127.0.0.1", 1), &[]).unwrap());
        let race = RaceData {
            name: "cat/slug".into(),
            ..RaceData::default()
        };
        let (_handle, task) = new_room(
            1,
            race,
            Nop,
            Arc::new(Commands::new()),
            Arc::new(BotConfig::new("cat", "id", "secret")),
            api,
            token,
            Arc::new(tokio::sync::Notify::new()),
            CancellationToken::new(),
            HandlerRegistry::new(),
            Arc::new(NoBot),
        );
        let fut = task.run();
        let size = std::mem::size_of_val(&fut);
        // The task's own state (768 bytes in a release build); the socket (boxed, about 300
        // bytes plain), its read buffer (1 KiB reads; it grows to the largest frame), the boxed
        // state of the live connection and the race data come on top.
        assert!(size <= 4096, "room task future is {size} bytes");
        let _: HandlerResult = Ok(());
    }

    /// Serves one connection with `reply(key)` written in the given pieces.
    async fn one_shot_server(
        pieces: fn(&str) -> Vec<Vec<u8>>,
    ) -> (String, tokio::task::JoinHandle<()>) {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let server = tokio::spawn(async move {
            let (mut sock, _) = listener.accept().await.unwrap();
            let mut req = Vec::new();
            let mut buf = [0u8; 512];
            while !req.ends_with(b"\r\n\r\n") {
                let n = sock.read(&mut buf).await.unwrap();
                req.extend_from_slice(&buf[..n]);
            }
            let req = String::from_utf8(req).unwrap();
            let key = req
                .lines()
                .find_map(|l| l.strip_prefix("Sec-WebSocket-Key: "))
                .unwrap()
                .trim()
                .to_owned();
            let accept =
                tokio_tungstenite::tungstenite::handshake::derive_accept_key(key.as_bytes());
            for piece in pieces(&accept) {
                sock.write_all(&piece).await.unwrap();
                sock.flush().await.unwrap();
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        });
        (format!("ws://{addr}/ws/o/bot/x"), server)
    }

    async fn handshake(
        url: &str,
    ) -> WsResult<tokio_tungstenite::WebSocketStream<tokio::net::TcpStream>> {
        let parsed = url::Url::parse(url).unwrap();
        let tcp =
            tokio::net::TcpStream::connect((parsed.host_str().unwrap(), parsed.port().unwrap()))
                .await
                .unwrap();
        ws_handshake(url.into_client_request().unwrap(), tcp, None).await
    }

    #[tokio::test]
    async fn plain_handshake_keeps_frames_behind_the_head() {
        // The head arrives split across writes, with a text frame right behind it.
        let (url, server) = one_shot_server(|accept| {
            let head = format!(
                "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: {accept}\r\n\r\n"
            );
            let (a, b) = head.split_at(head.len() - 3);
            let mut rest = b.as_bytes().to_vec();
            rest.extend_from_slice(&[0x81, 2, b'h', b'i']);
            vec![a.as_bytes().to_vec(), rest]
        })
        .await;
        let mut ws = handshake(&url).await.unwrap();
        let msg = ws.next().await.unwrap().unwrap();
        assert_eq!(msg, Message::text("hi"));
        server.await.unwrap();
    }

    #[tokio::test]
    async fn plain_handshake_errors() {
        let (url, server) = one_shot_server(|_| {
            vec![b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n".to_vec()]
        })
        .await;
        match handshake(&url).await {
            Err(tokio_tungstenite::tungstenite::Error::Http(r)) => assert_eq!(r.status(), 404),
            other => panic!("expected an HTTP error, got {:?}", other.map(|_| ())),
        }
        server.await.unwrap();
        let (url, server) = one_shot_server(|_| {
            vec![b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: wrong\r\n\r\n".to_vec()]
        })
        .await;
        assert!(matches!(
            handshake(&url).await,
            Err(tokio_tungstenite::tungstenite::Error::Protocol(_))
        ));
        server.await.unwrap();
    }

    use super::tls_front;

    /// Serves one TLS connection with the fixture certificate: the 101 head with a text frame
    /// right behind it, in one write (so the client reads past the head).
    async fn tls_one_shot_server() -> (u16, tokio::task::JoinHandle<bool>) {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let server = tokio::spawn(async move {
            let (tcp, _) = listener.accept().await.unwrap();
            let Ok(mut sock) = tls_front::acceptor().accept(tcp).await else {
                return false;
            };
            let mut req = Vec::new();
            let mut buf = [0u8; 512];
            while !req.ends_with(b"\r\n\r\n") {
                let n = sock.read(&mut buf).await.unwrap();
                req.extend_from_slice(&buf[..n]);
            }
            let req = String::from_utf8(req).unwrap();
            let key = req
                .lines()
                .find_map(|l| l.strip_prefix("Sec-WebSocket-Key: "))
                .unwrap()
                .trim()
                .to_owned();
            let accept =
                tokio_tungstenite::tungstenite::handshake::derive_accept_key(key.as_bytes());
            let mut out = format!(
                "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: {accept}\r\n\r\n"
            )
            .into_bytes();
            out.extend_from_slice(&[0x81, 3, b't', b'l', b's']);
            sock.write_all(&out).await.unwrap();
            sock.flush().await.unwrap();
            // Wait for the client's frame.
            let n = sock.read(&mut buf).await.unwrap();
            n > 0
        });
        (port, server)
    }

    async fn tls_socket(extra_roots: &[Vec<u8>], port: u16) -> WsResult<TlsSocket> {
        let url = url::Url::parse(&format!("wss://127.0.0.1:{port}/ws/o/bot/x")).unwrap();
        let connector = crate::tls::connector(extra_roots).unwrap();
        let tcp = tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .unwrap();
        let tls = tls_connect(&connector, &url, tcp).await?;
        ws_handshake(url.as_str().into_client_request().unwrap(), tls, None).await
    }

    #[tokio::test]
    async fn tls_socket_with_a_trusted_root() {
        let (port, server) = tls_one_shot_server().await;
        let mut ws = tls_socket(&[tls_front::CERT_DER.to_vec()], port)
            .await
            .unwrap();
        // The frame that came in the same TLS record as the head is not lost.
        assert_eq!(ws.next().await.unwrap().unwrap(), Message::text("tls"));
        ws.send(Message::text("hello")).await.unwrap();
        assert!(server.await.unwrap(), "server got the client's frame");
    }

    #[tokio::test]
    async fn tls_socket_refuses_an_untrusted_certificate() {
        let (port, server) = tls_one_shot_server().await;
        match tls_socket(&[], port).await {
            Err(tokio_tungstenite::tungstenite::Error::Io(e)) => {
                assert!(e.to_string().contains("UnknownIssuer"), "{e}");
            }
            other => panic!("expected a TLS error, got {:?}", other.map(|_| ())),
        }
        assert!(!server.await.unwrap(), "server saw no handshake");
    }
}
