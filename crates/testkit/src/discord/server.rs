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

pub(crate) use crate::loopback::lock;

pub(crate) type Shared = Arc<Mutex<World>>;

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
    /// Whether the CDN answers `Range` requests (it does unless a test turns it off).
    pub(crate) cdn_ranges: bool,
    /// Body bytes the CDN has sent.
    pub(crate) cdn_bytes_served: u64,
    /// Invite code → the invited guild's (id, name).
    pub(crate) invites: HashMap<String, (u64, String)>,
    /// Messages `GET /channels/{c}/messages` lists, newest first.
    pub(crate) channel_messages: HashMap<u64, Vec<Value>>,
    /// Permission overwrites `GET /channels/{c}` shows.
    pub(crate) overwrites: HashMap<u64, Value>,
    /// Roles besides `@everyone` (`GET /guilds/{g}/roles`).
    pub(crate) roles: Vec<Value>,
    /// `@everyone`'s permissions, when a test changed them.
    pub(crate) everyone_permissions: Option<u64>,
    /// Guild members `GET /guilds/{g}/members` lists (member objects, ascending ids).
    pub(crate) members: Vec<Value>,
    /// Whether `GET /guilds/{g}/members/{u}` answers 404 for users not in `members`
    /// (otherwise it makes up a member `user{u}`).
    pub(crate) strict_members: bool,
    /// Guild scheduled events, by id.
    pub(crate) scheduled_events: super::scheduled_events::Store,
    /// Interaction token → the id of the message its type-4 callback created.
    originals: HashMap<String, u64>,
    /// Files uploaded in multipart bodies, in order.
    pub(crate) files: Vec<super::UploadedFile>,
    /// `X-Audit-Log-Reason` headers sent: (method, path, decoded reason).
    pub(crate) audit_reasons: Vec<(String, String, String)>,
    /// Messages dispatched with `send_message`, by id (for edits).
    pub(crate) sent_messages: HashMap<u64, Value>,
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
            cdn_ranges: true,
            cdn_bytes_served: 0,
            invites: HashMap::new(),
            channel_messages: HashMap::new(),
            overwrites: HashMap::new(),
            roles: Vec::new(),
            everyone_permissions: None,
            members: Vec::new(),
            strict_members: false,
            scheduled_events: super::scheduled_events::Store::new(),
            originals: HashMap::new(),
            files: Vec::new(),
            audit_reasons: Vec::new(),
            sent_messages: HashMap::new(),
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
            "permissions": self.everyone_permissions.unwrap_or(super::MEMBER_PERMISSIONS).to_string(),
            "position": 0, "flags": 0,
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

/// The file parts (`filename` given) of a multipart body with `boundary`.
fn multipart_files(bytes: &[u8], boundary: &str) -> Vec<(String, Vec<u8>)> {
    let delimiter = format!("--{boundary}");
    let delimiter = delimiter.as_bytes();
    let mut parts = Vec::new();
    let mut starts = Vec::new();
    let mut i = 0;
    while i + delimiter.len() <= bytes.len() {
        if &bytes[i..i + delimiter.len()] == delimiter {
            starts.push(i);
            i += delimiter.len();
        } else {
            i += 1;
        }
    }
    for pair in starts.windows(2) {
        let part = &bytes[pair[0] + delimiter.len()..pair[1]];
        let Some(split) = part.windows(4).position(|w| w == b"\r\n\r\n") else {
            continue;
        };
        let headers = String::from_utf8_lossy(&part[..split]);
        let Some(at) = headers.find("filename=\"") else {
            continue;
        };
        let name: String = headers[at + 10..]
            .chars()
            .take_while(|c| *c != '"')
            .collect();
        let body = &part[split + 4..];
        let body = body.strip_suffix(b"\r\n").unwrap_or(body);
        parts.push((name, body.to_vec()));
    }
    parts
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

/// Serves attachment `id` like Discord's CDN: whole, or one byte range of `Range: bytes=a-b`,
/// `bytes=a-` or `bytes=-n` (206 with `Content-Range`; 416 when it is past the end), unless
/// ranges were turned off. Counts the body bytes it sends.
fn cdn(world: &Shared, id: &str, range: Option<&str>) -> Response {
    let mut w = lock(world);
    let Some(content) = w.attachments.get(id) else {
        return empty(StatusCode::NOT_FOUND);
    };
    let len = content.len() as u64;
    // `Some((from, to))` for a single range that parses; anything else is ignored, as
    // servers do, and the file is sent whole.
    let wanted = range
        .filter(|_| w.cdn_ranges)
        .and_then(|r| r.strip_prefix("bytes="))
        .filter(|r| !r.contains(','))
        .and_then(|r| r.split_once('-'))
        .and_then(
            |(from, to)| match (from.parse::<u64>(), to.parse::<u64>()) {
                (Ok(from), Ok(to)) => Some((from, to.min(len.saturating_sub(1)))),
                (Ok(from), Err(_)) if to.is_empty() => Some((from, len.saturating_sub(1))),
                (Err(_), Ok(n)) if from.is_empty() => {
                    Some((len.saturating_sub(n), len.saturating_sub(1)))
                }
                _ => None,
            },
        );
    let (body, content_range) = match wanted {
        None => (content.clone(), None),
        Some((from, to)) if from <= to && to < len => (
            content[from as usize..=to as usize].to_vec(),
            Some(format!("bytes {from}-{to}/{len}")),
        ),
        Some(_) => {
            return Response::builder()
                .status(StatusCode::RANGE_NOT_SATISFIABLE)
                .header("Content-Range", format!("bytes */{len}"))
                .finish();
        }
    };
    w.cdn_bytes_served += body.len() as u64;
    match content_range {
        Some(range) => Response::builder()
            .status(StatusCode::PARTIAL_CONTENT)
            .header("Content-Range", range)
            .content_type("application/octet-stream")
            .body(body),
        None => Response::builder()
            .status(StatusCode::OK)
            .content_type("application/octet-stream")
            .body(body),
    }
}

pub(crate) async fn route(world: Shared, mut req: Request) -> Response {
    let full_path = req.uri().path().to_owned();
    if let Some(rest) = full_path.strip_prefix("/attachments/") {
        // CDN-like static files: `/attachments/{id}/{filename}`.
        let id = rest.split('/').next().unwrap_or("");
        return cdn(&world, id, req.header("Range"));
    }
    let Some(path) = full_path.strip_prefix("/api/v10") else {
        return gateway(world, req).await;
    };
    let path = path.to_owned();
    let method = req.method().clone();
    let query = req.uri().query().unwrap_or("").to_owned();
    let auth = req.header("Authorization").map(str::to_owned);
    let boundary = req
        .header("Content-Type")
        .and_then(|t| t.split("boundary=").nth(1))
        .map(|b| b.trim_matches('"').to_owned());
    let reason = req.header("X-Audit-Log-Reason").map(|r| {
        url::form_urlencoded::parse(format!("r={r}").as_bytes())
            .next()
            .map_or_else(|| r.to_owned(), |(_, v)| v.into_owned())
    });
    let bytes = req.take_body().into_vec().await.unwrap_or_default();
    let body = parse_body(&bytes);

    let mut w = lock(&world);
    if let Some(reason) = reason {
        w.audit_reasons
            .push((method.to_string(), path.clone(), reason));
    }
    if let Some(boundary) = boundary {
        for (filename, content) in multipart_files(&bytes, &boundary) {
            w.files.push(super::UploadedFile {
                path: path.clone(),
                filename,
                content,
            });
        }
    }
    w.calls.push(RestCall {
        method: method.to_string(),
        path: path.clone(),
        query: query.clone(),
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
    // Interaction messages live in the first channel (a channel id of 0 is no snowflake).
    let first_channel = w
        .config
        .guilds
        .first()
        .and_then(|g| g.channels.first().copied())
        .unwrap_or(1);
    if let Some(response) = super::scheduled_events::route(&mut w, &method, &segs, &body) {
        return response;
    }
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
        (Method::POST, ["interactions", _, token, "callback"]) => {
            // A message callback creates a message: `@original` answers with its id.
            if body["type"] == 4 && !w.originals.contains_key(*token) {
                let id = w.next_id();
                w.originals.insert((*token).to_owned(), id);
            }
            empty(StatusCode::NO_CONTENT)
        }
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
            json_response(
                StatusCode::OK,
                &message_json(id, first_channel, bot, &content, &body),
            )
        }
        (Method::PATCH | Method::GET, ["webhooks", a, token, "messages", m]) if *a == app => {
            let id = m
                .parse::<u64>()
                .ok()
                .or_else(|| (*m == "@original").then(|| w.originals.get(*token).copied())?)
                .unwrap_or(1);
            let content = body["content"].as_str().unwrap_or("").to_owned();
            json_response(
                StatusCode::OK,
                &message_json(id, first_channel, bot, &content, &body),
            )
        }
        (Method::DELETE, ["webhooks", a, _, "messages", _]) if *a == app => {
            empty(StatusCode::NO_CONTENT)
        }
        (Method::GET, ["channels", c, "messages"]) => {
            let channel = c.parse::<u64>().unwrap_or(0);
            let list = w
                .channel_messages
                .get(&channel)
                .cloned()
                .unwrap_or_default();
            json_response(StatusCode::OK, &Value::Array(list))
        }
        (Method::POST, ["channels", _, "messages", "bulk-delete"]) => empty(StatusCode::NO_CONTENT),
        (Method::GET, ["channels", c]) => {
            let channel = c.parse::<u64>().unwrap_or(0);
            let guild = w
                .config
                .guilds
                .iter()
                .find(|g| g.channels.contains(&channel))
                .map_or(0, |g| g.id);
            let overwrites = w
                .overwrites
                .get(&channel)
                .cloned()
                .unwrap_or_else(|| json!([]));
            json_response(
                StatusCode::OK,
                &json!({"id": c, "type": 0, "guild_id": guild.to_string(), "name": "channel",
                        "position": 0, "permission_overwrites": overwrites}),
            )
        }
        (Method::POST, ["channels", c, "threads"]) => {
            let id = w.next_id();
            let guild = w.config.guilds.first().map_or(0, |g| g.id);
            json_response(
                StatusCode::CREATED,
                &json!({"id": id.to_string(), "type": body["type"].as_u64().unwrap_or(11),
                        "guild_id": guild.to_string(), "parent_id": c,
                        "name": body["name"], "owner_id": w.config.application_id.to_string(),
                        "thread_metadata": {"archived": false, "locked": false,
                            "auto_archive_duration": body["auto_archive_duration"].as_u64().unwrap_or(1440),
                            "archive_timestamp": "2026-11-22T00:00:00.000000+00:00"},
                        "member_count": 0, "message_count": 0}),
            )
        }
        (Method::DELETE, ["channels", c]) => json_response(
            StatusCode::OK,
            &json!({"id": c, "type": 12, "guild_id": w.config.guilds.first().map_or(0, |g| g.id).to_string(),
                    "name": "deleted"}),
        ),
        (Method::PUT | Method::DELETE, ["channels", _, "thread-members", _]) => {
            empty(StatusCode::NO_CONTENT)
        }
        (Method::GET, ["invites", code]) => match w.invites.get(*code).cloned() {
            Some((guild_id, name)) => json_response(
                StatusCode::OK,
                &json!({"code": code, "type": 0,
                        "guild": {"id": guild_id.to_string(), "name": name, "splash": null,
                                  "banner": null, "description": null, "icon": null,
                                  "features": [], "verification_level": 0,
                                  "vanity_url_code": null, "nsfw_level": 0},
                        "channel": {"id": "1", "name": "general", "type": 0}}),
            ),
            None => error_response(StatusCode::NOT_FOUND, 10006, "Unknown Invite"),
        },
        (Method::GET, ["guilds", g]) => {
            match w
                .config
                .guilds
                .iter()
                .position(|guild| guild.id.to_string() == *g)
            {
                Some(i) => json_response(StatusCode::OK, &w.guild_create_json(i)),
                None => error_response(StatusCode::NOT_FOUND, 10004, "Unknown Guild"),
            }
        }
        (Method::GET, ["guilds", g, "roles"]) => {
            let everyone = json!({
                "id": g, "name": "@everyone", "color": 0, "hoist": false, "managed": false,
                "colors": {"primary_color": 0, "secondary_color": null, "tertiary_color": null},
                "mentionable": false, "position": 0, "flags": 0,
                "permissions": w.everyone_permissions.unwrap_or(super::MEMBER_PERMISSIONS).to_string(),
            });
            let mut roles = vec![everyone];
            roles.extend(w.roles.iter().cloned());
            json_response(StatusCode::OK, &Value::Array(roles))
        }
        (Method::GET, ["guilds", _, "members"]) => {
            let params: HashMap<String, String> = url::form_urlencoded::parse(query.as_bytes())
                .into_owned()
                .collect();
            let after = params
                .get("after")
                .and_then(|a| a.parse::<u64>().ok())
                .unwrap_or(0);
            let limit = params
                .get("limit")
                .and_then(|l| l.parse::<usize>().ok())
                .unwrap_or(1);
            let page: Vec<Value> = w
                .members
                .iter()
                .filter(|m| {
                    m["user"]["id"]
                        .as_str()
                        .and_then(|i| i.parse::<u64>().ok())
                        .unwrap_or(0)
                        > after
                })
                .take(limit)
                .cloned()
                .collect();
            json_response(StatusCode::OK, &Value::Array(page))
        }
        (Method::POST, ["channels", c, "messages", m, "threads"]) => {
            // A thread started from a message has the message's id.
            let guild = w
                .config
                .guilds
                .iter()
                .find(|g| g.channels.iter().any(|x| x.to_string() == *c))
                .map_or(0, |g| g.id);
            json_response(
                StatusCode::CREATED,
                &json!({"id": m, "type": 11, "guild_id": guild.to_string(), "parent_id": c,
                        "name": body["name"], "owner_id": w.config.application_id.to_string(),
                        "thread_metadata": {"archived": false, "locked": false,
                            "auto_archive_duration": body["auto_archive_duration"].as_u64().unwrap_or(1440),
                            "archive_timestamp": "2026-11-22T00:00:00.000000+00:00"},
                        "member_count": 0, "message_count": 0}),
            )
        }
        (Method::GET, ["guilds", g, "channels"]) => {
            match w
                .config
                .guilds
                .iter()
                .position(|guild| guild.id.to_string() == *g)
            {
                Some(i) => json_response(StatusCode::OK, &w.guild_create_json(i)["channels"]),
                None => error_response(StatusCode::NOT_FOUND, 10004, "Unknown Guild"),
            }
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
        (Method::GET, ["guilds", _, "members", "search"]) => {
            // Discord's search: members whose username or nickname starts with `query`
            // (case-insensitive), at most `limit` (default 1).
            let params: HashMap<String, String> = url::form_urlencoded::parse(query.as_bytes())
                .into_owned()
                .collect();
            let needle = params
                .get("query")
                .map_or_else(String::new, |q| q.to_lowercase());
            let limit = params
                .get("limit")
                .and_then(|l| l.parse::<usize>().ok())
                .unwrap_or(1);
            let found: Vec<Value> = w
                .members
                .iter()
                .filter(|m| {
                    let starts = |v: &Value| {
                        v.as_str()
                            .is_some_and(|s| s.to_lowercase().starts_with(&needle))
                    };
                    starts(&m["user"]["username"]) || starts(&m["nick"])
                })
                .take(limit)
                .cloned()
                .collect();
            json_response(StatusCode::OK, &Value::Array(found))
        }
        (Method::GET, ["guilds", g, "members", u]) => {
            let known = w
                .members
                .iter()
                .find(|m| m["user"]["id"].as_str() == Some(*u))
                .cloned();
            let known_guild = w
                .config
                .guilds
                .iter()
                .any(|guild| guild.id.to_string() == *g);
            match known {
                None if w.strict_members && !known_guild => {
                    error_response(StatusCode::NOT_FOUND, 10004, "Unknown Guild")
                }
                Some(member) => json_response(StatusCode::OK, &member),
                None if w.strict_members => {
                    error_response(StatusCode::NOT_FOUND, 10007, "Unknown Member")
                }
                None => json_response(
                    StatusCode::OK,
                    &json!({"user": {"id": u, "username": format!("user{u}"), "discriminator": "0",
                                     "avatar": null},
                            "roles": [], "joined_at": "2020-01-01T00:00:00.000000+00:00",
                            "deaf": false, "mute": false, "flags": 0}),
                ),
            }
        }
        (Method::PATCH, ["guilds", _, "members", u]) => {
            // A member edit (nickname, timeout…): the member with the changes applied.
            let mut member = w
                .members
                .iter()
                .find(|m| m["user"]["id"].as_str() == Some(*u))
                .cloned()
                .unwrap_or_else(|| {
                    json!({"user": {"id": u, "username": format!("user{u}"),
                                    "discriminator": "0", "avatar": null},
                           "roles": [], "joined_at": "2020-01-01T00:00:00.000000+00:00",
                           "deaf": false, "mute": false, "flags": 0})
                });
            if let Value::Object(changes) = &body {
                for (k, v) in changes {
                    member[k] = v.clone();
                }
            }
            json_response(StatusCode::OK, &member)
        }
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
