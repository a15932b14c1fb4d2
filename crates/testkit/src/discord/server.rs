//! The fake's state, REST routes and gateway socket.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use futures_util::{SinkExt, StreamExt};
use poem::http::{Method, StatusCode};
use poem::web::websocket::{CloseCode, Message, WebSocket, WebSocketStream};
use poem::{FromRequest, IntoResponse, Request, Response};
use serde_json::{Value, json};
use tokio::sync::mpsc;

use super::{FakeDiscordConfig, GatewayStats, RestCall};

pub(crate) type Shared = Arc<Mutex<World>>;

pub(crate) fn lock(world: &Shared) -> std::sync::MutexGuard<'_, World> {
    // A panic in a test thread must not hide the world from the rest of the test.
    world.lock().unwrap_or_else(|e| e.into_inner())
}

/// What the socket task of one connection is told to do.
#[derive(Debug)]
pub(crate) enum Out {
    Text(String),
    Close(u16, String),
    Drop,
}

#[derive(Debug)]
pub(crate) struct Conn {
    id: u64,
    tx: mpsc::UnboundedSender<Out>,
    live: bool,
}

#[derive(Debug)]
pub(crate) struct Failure {
    pub(crate) method: String,
    pub(crate) prefix: String,
    pub(crate) status: u16,
    pub(crate) remaining: u32,
}

#[derive(Debug)]
pub(crate) struct World {
    pub(crate) config: FakeDiscordConfig,
    addr: SocketAddr,
    pub(crate) calls: Vec<RestCall>,
    pub(crate) failures: Vec<Failure>,
    conns: Vec<Conn>,
    seq: u64,
    session_id: String,
    next_id: u64,
    stats: GatewayStats,
    command_ids: HashMap<String, u64>,
    pub(crate) attachments: HashMap<String, Vec<u8>>,
}

impl World {
    pub(crate) fn new(config: FakeDiscordConfig, addr: SocketAddr) -> Self {
        Self {
            config,
            addr,
            calls: Vec::new(),
            failures: Vec::new(),
            conns: Vec::new(),
            seq: 0,
            session_id: "fake-session-1".to_owned(),
            next_id: 1_000_000_000_000_000_000,
            stats: GatewayStats::default(),
            command_ids: HashMap::new(),
            attachments: HashMap::new(),
        }
    }

    pub(crate) fn next_id(&mut self) -> u64 {
        self.next_id += 1;
        self.next_id
    }

    pub(crate) fn command_id(&mut self, name: &str) -> u64 {
        if let Some(id) = self.command_ids.get(name) {
            return *id;
        }
        let id = self.next_id();
        self.command_ids.insert(name.to_owned(), id);
        id
    }

    pub(crate) fn stats(&self) -> GatewayStats {
        GatewayStats {
            live: u32::try_from(self.conns.iter().filter(|c| c.live).count()).unwrap_or(u32::MAX),
            ..self.stats
        }
    }

    pub(crate) fn bot_user_json(&self) -> Value {
        json!({
            "id": self.config.application_id.to_string(),
            "username": self.config.bot_name,
            "global_name": null,
            "discriminator": "0",
            "avatar": null,
            "bot": true,
            "public_flags": 0,
        })
    }

    fn current_user_json(&self) -> Value {
        let mut user = self.bot_user_json();
        user["mfa_enabled"] = json!(false);
        user["verified"] = json!(true);
        user["flags"] = json!(0);
        user["locale"] = json!("en-US");
        user
    }

    fn frame(op: u8, t: Option<&str>, s: Option<u64>, d: Value) -> String {
        json!({"op": op, "t": t, "s": s, "d": d}).to_string()
    }

    pub(crate) fn dispatch(&mut self, event: &str, data: Value) -> u64 {
        self.seq += 1;
        let text = Self::frame(0, Some(event), Some(self.seq), data);
        self.conns.retain(|c| !c.tx.is_closed());
        for conn in self.conns.iter().filter(|c| c.live) {
            let _ = conn.tx.send(Out::Text(text.clone()));
        }
        self.seq
    }

    fn send_to(&mut self, conn_id: u64, text: String) {
        if let Some(conn) = self.conns.iter().find(|c| c.id == conn_id) {
            let _ = conn.tx.send(Out::Text(text));
        }
    }

    fn dispatch_to(&mut self, conn_id: u64, event: &str, data: Value) {
        self.seq += 1;
        let text = Self::frame(0, Some(event), Some(self.seq), data);
        self.send_to(conn_id, text);
    }

    pub(crate) fn close_all(&mut self) {
        for conn in self.conns.drain(..) {
            let _ = conn.tx.send(Out::Drop);
        }
    }

    pub(crate) fn addr(&self) -> SocketAddr {
        self.addr
    }

    fn set_live(&mut self, conn_id: u64) {
        if let Some(conn) = self.conns.iter_mut().find(|c| c.id == conn_id) {
            conn.live = true;
        }
    }

    fn guild_create_json(&self, index: usize) -> Value {
        let g = &self.config.guilds[index];
        let everyone = json!({
            "id": g.id.to_string(), "name": "@everyone", "color": 0,
            "colors": {"primary_color": 0, "secondary_color": null, "tertiary_color": null},
            "hoist": false, "managed": false, "mentionable": false,
            "permissions": super::MEMBER_PERMISSIONS.to_string(), "position": 0, "flags": 0,
        });
        let emojis: Vec<Value> = g
            .emojis
            .iter()
            .map(|(name, id)| {
                json!({"id": id.to_string(), "name": name, "animated": false, "available": true,
                       "managed": false, "require_colons": true, "roles": []})
            })
            .collect();
        let channels: Vec<Value> = g
            .channels
            .iter()
            .enumerate()
            .map(|(i, id)| {
                json!({"id": id.to_string(), "type": 0, "guild_id": g.id.to_string(),
                       "name": format!("channel-{i}"), "position": i, "permission_overwrites": []})
            })
            .collect();
        json!({
            "id": g.id.to_string(),
            "name": g.name,
            "afk_channel_id": null,
            "afk_timeout": 300,
            "application_id": null,
            "banner": null,
            "channels": channels,
            "default_message_notifications": 0,
            "description": null,
            "discovery_splash": null,
            "emojis": emojis,
            "explicit_content_filter": 0,
            "features": [],
            "guild_scheduled_events": [],
            "icon": null,
            "joined_at": "2020-01-01T00:00:00.000000+00:00",
            "large": false,
            "member_count": 1,
            "members": [],
            "mfa_level": 0,
            "nsfw_level": 0,
            "owner_id": self.config.owner_id.to_string(),
            "preferred_locale": "en-US",
            "premium_progress_bar_enabled": false,
            "premium_tier": 0,
            "presences": [],
            "public_updates_channel_id": null,
            "roles": [everyone],
            "rules_channel_id": null,
            "safety_alerts_channel_id": null,
            "splash": null,
            "stage_instances": [],
            "stickers": [],
            "system_channel_flags": 0,
            "system_channel_id": null,
            "threads": [],
            "unavailable": false,
            "vanity_url_code": null,
            "verification_level": 0,
            "voice_states": [],
        })
    }

    fn ready_json(&self) -> Value {
        let guilds: Vec<Value> = self
            .config
            .guilds
            .iter()
            .map(|g| json!({"id": g.id.to_string(), "unavailable": true}))
            .collect();
        json!({
            "v": 10,
            "user": self.current_user_json(),
            "guilds": guilds,
            "session_id": self.session_id,
            "resume_gateway_url": format!("ws://{}", self.addr),
            "shard": [0, 1],
            "application": {"id": self.config.application_id.to_string(), "flags": 0},
        })
    }

    fn application_json(&self) -> Value {
        json!({
            "id": self.config.application_id.to_string(),
            "name": self.config.bot_name,
            "icon": null,
            "description": "",
            "bot_public": true,
            "bot_require_code_grant": false,
            "flags": 0,
            "verify_key": "00",
            "team": null,
            "owner": {
                "id": self.config.owner_id.to_string(),
                "username": "Synack",
                "discriminator": "0",
                "avatar": null,
                "public_flags": 0,
            },
        })
    }
}

/// A Discord message object as the fake answers it.
pub(crate) fn message_json(
    id: u64,
    channel_id: u64,
    author: Value,
    content: &str,
    body: &Value,
) -> Value {
    json!({
        "id": id.to_string(),
        "channel_id": channel_id.to_string(),
        "author": author,
        "content": content,
        "embeds": body.get("embeds").cloned().unwrap_or_else(|| json!([])),
        "components": body.get("components").cloned().unwrap_or_else(|| json!([])),
        "attachments": [],
        "mention_everyone": false,
        "mention_roles": [],
        "mentions": [],
        "pinned": false,
        "timestamp": "2026-11-22T00:00:00.000000+00:00",
        "edited_timestamp": null,
        "tts": false,
        "type": 0,
        "flags": body.get("flags").cloned().unwrap_or_else(|| json!(0)),
    })
}

fn json_response(status: StatusCode, body: &Value) -> Response {
    Response::builder()
        .status(status)
        .content_type("application/json")
        .body(body.to_string())
}

fn error_response(status: StatusCode, code: u64, message: &str) -> Response {
    json_response(status, &json!({"code": code, "message": message}))
}

fn empty(status: StatusCode) -> Response {
    Response::builder().status(status).body("")
}

/// The JSON of a request body: plain JSON, or the `payload_json` part of a multipart body.
fn parse_body(bytes: &[u8]) -> Value {
    if bytes.is_empty() {
        return Value::Null;
    }
    if let Ok(v) = serde_json::from_slice(bytes) {
        return v;
    }
    let text = String::from_utf8_lossy(bytes);
    if let Some(at) = text.find("name=\"payload_json\"")
        && let Some(start) = text[at..].find("\r\n\r\n").map(|i| at + i + 4)
        && let Some(end) = text[start..].find("\r\n--").map(|i| start + i)
        && let Ok(v) = serde_json::from_str(&text[start..end])
    {
        return v;
    }
    Value::String(text.into_owned())
}

pub(crate) async fn route(world: Shared, mut req: Request) -> Response {
    let full_path = req.uri().path().to_owned();
    if let Some(rest) = full_path.strip_prefix("/attachments/") {
        // CDN-like static files: `/attachments/{id}/{filename}`.
        let id = rest.split('/').next().unwrap_or("");
        let w = lock(&world);
        return match w.attachments.get(id) {
            Some(content) => Response::builder()
                .status(StatusCode::OK)
                .content_type("application/octet-stream")
                .body(content.clone()),
            None => empty(StatusCode::NOT_FOUND),
        };
    }
    let Some(path) = full_path.strip_prefix("/api/v10") else {
        return gateway(world, req).await;
    };
    let path = path.to_owned();
    let method = req.method().clone();
    let query = req.uri().query().unwrap_or("").to_owned();
    let auth = req.header("Authorization").map(str::to_owned);
    let bytes = req.take_body().into_vec().await.unwrap_or_default();
    let body = parse_body(&bytes);

    let mut w = lock(&world);
    w.calls.push(RestCall {
        method: method.to_string(),
        path: path.clone(),
        query,
        body: body.clone(),
    });
    // Interaction callbacks and webhooks are authorised by their token, like Discord's.
    let token_route = path.starts_with("/interactions/") || path.starts_with("/webhooks/");
    if !token_route && auth.as_deref() != Some(&format!("Bot {}", w.config.token)) {
        return error_response(StatusCode::UNAUTHORIZED, 0, "401: Unauthorized");
    }
    if let Some(f) = w
        .failures
        .iter_mut()
        .find(|f| f.remaining > 0 && f.method == method.as_str() && path.starts_with(&f.prefix))
    {
        f.remaining -= 1;
        let status = StatusCode::from_u16(f.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        return match f.status {
            403 => error_response(status, 50013, "Missing Permissions"),
            404 => error_response(status, 10003, "Unknown Channel"),
            _ => error_response(status, 0, "Internal Server Error"),
        };
    }
    let segs: Vec<&str> = path.trim_matches('/').split('/').collect();
    let app = w.config.application_id.to_string();
    let bot = w.bot_user_json();
    match (method, segs.as_slice()) {
        (Method::GET, ["oauth2", "applications", "@me"] | ["applications", "@me"]) => {
            json_response(StatusCode::OK, &w.application_json())
        }
        (Method::GET, ["users", "@me"]) => json_response(StatusCode::OK, &w.current_user_json()),
        (Method::GET, ["gateway", "bot"]) => json_response(
            StatusCode::OK,
            &json!({"url": format!("ws://{}", w.addr), "shards": 1, "session_start_limit":
                {"total": 1000, "remaining": 1000, "reset_after": 0, "max_concurrency": 1}}),
        ),
        (Method::POST, ["interactions", _, _, "callback"]) => empty(StatusCode::NO_CONTENT),
        (
            Method::PUT,
            ["applications", a, "commands"] | ["applications", a, "guilds", _, "commands"],
        ) if *a == app => {
            let commands: Vec<Value> = body
                .as_array()
                .cloned()
                .unwrap_or_default()
                .into_iter()
                .map(|mut c| {
                    let name = c["name"].as_str().unwrap_or("").to_owned();
                    c["id"] = json!(w.command_id(&name).to_string());
                    c["application_id"] = json!(app);
                    c["version"] = json!("1");
                    c
                })
                .collect();
            json_response(StatusCode::OK, &Value::Array(commands))
        }
        (Method::GET, ["applications", a, "commands"]) if *a == app => {
            json_response(StatusCode::OK, &json!([]))
        }
        (Method::POST, ["webhooks", a, _]) if *a == app => {
            let id = w.next_id();
            let content = body["content"].as_str().unwrap_or("").to_owned();
            json_response(StatusCode::OK, &message_json(id, 0, bot, &content, &body))
        }
        (Method::PATCH | Method::GET, ["webhooks", a, _, "messages", m]) if *a == app => {
            let id = m.parse::<u64>().unwrap_or(1);
            let content = body["content"].as_str().unwrap_or("").to_owned();
            json_response(StatusCode::OK, &message_json(id, 0, bot, &content, &body))
        }
        (Method::DELETE, ["webhooks", a, _, "messages", _]) if *a == app => {
            empty(StatusCode::NO_CONTENT)
        }
        (Method::POST, ["channels", c, "messages"]) => {
            let id = w.next_id();
            let channel = c.parse::<u64>().unwrap_or(0);
            let content = body["content"].as_str().unwrap_or("").to_owned();
            json_response(
                StatusCode::OK,
                &message_json(id, channel, bot, &content, &body),
            )
        }
        (Method::PATCH, ["channels", c, "messages", m]) => {
            let id = m.parse::<u64>().unwrap_or(0);
            let channel = c.parse::<u64>().unwrap_or(0);
            let content = body["content"].as_str().unwrap_or("").to_owned();
            json_response(
                StatusCode::OK,
                &message_json(id, channel, bot, &content, &body),
            )
        }
        (Method::DELETE, ["channels", _, "messages", _]) => empty(StatusCode::NO_CONTENT),
        (Method::PUT | Method::DELETE, ["channels", _, "messages", _, "reactions", ..]) => {
            empty(StatusCode::NO_CONTENT)
        }
        (Method::POST, ["users", "@me", "channels"]) => {
            let id = w.next_id();
            let recipient = body["recipient_id"].clone();
            json_response(
                StatusCode::OK,
                &json!({"id": id.to_string(), "type": 1, "last_message_id": null,
                        "recipients": [{"id": recipient, "username": "user", "discriminator": "0",
                                        "avatar": null}]}),
            )
        }
        (Method::GET, ["guilds", g, "emojis"]) => {
            let emojis: Vec<Value> = w
                .config
                .guilds
                .iter()
                .filter(|guild| guild.id.to_string() == *g)
                .flat_map(|guild| guild.emojis.iter())
                .map(|(name, id)| {
                    json!({"id": id.to_string(), "name": name, "animated": false,
                           "available": true, "managed": false, "require_colons": true,
                           "roles": []})
                })
                .collect();
            json_response(StatusCode::OK, &Value::Array(emojis))
        }
        (Method::GET, ["guilds", _, "members", u]) => json_response(
            StatusCode::OK,
            &json!({"user": {"id": u, "username": format!("user{u}"), "discriminator": "0",
                             "avatar": null},
                    "roles": [], "joined_at": "2020-01-01T00:00:00.000000+00:00",
                    "deaf": false, "mute": false, "flags": 0}),
        ),
        (Method::PUT | Method::DELETE, ["guilds", _, "members", _, "roles", _]) => {
            empty(StatusCode::NO_CONTENT)
        }
        _ => error_response(StatusCode::NOT_FOUND, 0, "404: Not Found"),
    }
}

async fn gateway(world: Shared, req: Request) -> Response {
    let mut body = poem::RequestBody::default();
    let ws = match WebSocket::from_request(&req, &mut body).await {
        Ok(ws) => ws,
        Err(e) => return e.into_response(),
    };
    ws.on_upgrade(move |socket| gateway_socket(world, socket))
        .into_response()
}

async fn gateway_socket(world: Shared, socket: WebSocketStream) {
    let (tx, mut rx) = mpsc::unbounded_channel();
    let (conn_id, hello) = {
        let mut w = lock(&world);
        let id = w.next_id();
        w.conns.push(Conn {
            id,
            tx,
            live: false,
        });
        w.stats.connections += 1;
        let hello = World::frame(
            10,
            None,
            None,
            json!({"heartbeat_interval": w.config.heartbeat_interval_ms}),
        );
        (id, hello)
    };
    let (mut sink, mut stream) = socket.split();
    if sink.send(Message::Text(hello)).await.is_err() {
        return;
    }
    loop {
        tokio::select! {
            out = rx.recv() => match out {
                Some(Out::Text(text)) => {
                    if sink.send(Message::Text(text)).await.is_err() {
                        break;
                    }
                }
                Some(Out::Close(code, reason)) => {
                    let _ = sink
                        .send(Message::Close(Some((CloseCode::from(code), reason))))
                        .await;
                    break;
                }
                Some(Out::Drop) | None => break,
            },
            incoming = stream.next() => match incoming {
                Some(Ok(Message::Text(text))) => handle_frame(&world, conn_id, &text),
                Some(Ok(Message::Close(frame))) => {
                    // Complete the closing handshake, as Discord does.
                    let _ = sink.send(Message::Close(frame)).await;
                    break;
                }
                Some(Err(_)) | None => break,
                Some(Ok(_)) => {}
            },
        }
    }
    let mut w = lock(&world);
    w.conns.retain(|c| c.id != conn_id);
}

fn handle_frame(world: &Shared, conn_id: u64, text: &str) {
    let Ok(frame) = serde_json::from_str::<Value>(text) else {
        return;
    };
    let mut w = lock(world);
    let d = &frame["d"];
    match frame["op"].as_u64() {
        Some(1) => {
            w.stats.heartbeats += 1;
            w.send_to(conn_id, World::frame(11, None, None, Value::Null));
        }
        Some(2) => {
            let token = d["token"].as_str().unwrap_or("");
            let token = token.strip_prefix("Bot ").unwrap_or(token);
            if token != w.config.token {
                if let Some(conn) = w.conns.iter().find(|c| c.id == conn_id) {
                    let _ = conn
                        .tx
                        .send(Out::Close(4004, "Authentication failed.".to_owned()));
                }
                return;
            }
            w.stats.identifies += 1;
            w.session_id = format!("fake-session-{}", w.stats.identifies);
            w.set_live(conn_id);
            let ready = w.ready_json();
            w.dispatch_to(conn_id, "READY", ready);
            for i in 0..w.config.guilds.len() {
                let guild = w.guild_create_json(i);
                w.dispatch_to(conn_id, "GUILD_CREATE", guild);
            }
        }
        Some(6) => {
            if d["session_id"].as_str() == Some(w.session_id.as_str()) {
                w.stats.resumes += 1;
                w.set_live(conn_id);
                w.dispatch_to(conn_id, "RESUMED", Value::Null);
            } else {
                w.send_to(conn_id, World::frame(9, None, None, json!(false)));
            }
        }
        Some(8) => {
            let guild_id = d["guild_id"].clone();
            let nonce = d.get("nonce").cloned().unwrap_or(Value::Null);
            w.dispatch_to(
                conn_id,
                "GUILD_MEMBERS_CHUNK",
                json!({"guild_id": guild_id, "members": [], "chunk_index": 0,
                       "chunk_count": 1, "nonce": nonce}),
            );
        }
        _ => {}
    }
}
