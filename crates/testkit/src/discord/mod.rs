//! A fake Discord on 127.0.0.1 (random port): the REST routes the bot uses and a gateway
//! websocket, both reached through twilight's own settings (`twilight_http::Client::builder()
//! .proxy(fake.http_proxy(), true)` and `twilight_gateway::ConfigBuilder::proxy_url(fake
//! .gateway_url())`). Specs: `discord.md` §8 and §9.
//!
//! - **REST** (under `/api/v10`): every request is recorded as a [`RestCall`] (method, path
//!   without the `/api/v10` prefix, query, JSON body) and answered like Discord: application
//!   info, current user, interaction callbacks (204), webhook follow-ups and edits (a message
//!   object), channel messages, DM channel creation, reactions, guild members and roles,
//!   guild emojis, and command bulk overwrites (the commands echoed back with ids). Unknown
//!   routes answer 404 `{"code": 0, "message": "404: Not Found"}`; [`FakeDiscord::fail_route`]
//!   makes a route answer an error status instead.
//! - **Gateway**: HELLO, IDENTIFY (token checked; a bad token closes with 4004), READY (its
//!   `resume_gateway_url` points back to the fake) followed by one GUILD_CREATE per guild,
//!   RESUME (RESUMED, or INVALID_SESSION for an unknown session), HEARTBEAT → ACK, and
//!   REQUEST_GUILD_MEMBERS → GUILD_MEMBERS_CHUNK.
//!
//! Test controls: [`FakeDiscord::slash_command`],
//! [`FakeDiscord::slash_command_with_attachments`] (with [`FakeDiscord::add_attachment`]: files
//! served like Discord's CDN), [`FakeDiscord::autocomplete`],
//! [`FakeDiscord::component`] (INTERACTION_CREATE as a given [`FakeUser`] with their member
//! permissions), [`FakeDiscord::message_create`], [`FakeDiscord::member_add`],
//! [`FakeDiscord::dispatch`] (any event), [`FakeDiscord::drop_gateway`],
//! [`FakeDiscord::interaction_with`] (extra payload fields such as `app_permissions`),
//! [`FakeDiscord::component_on_message`], [`FakeDiscord::modal_submit`], and the same from
//! another channel or a thread ([`FakeDiscord::interaction_in`], [`FakeDiscord::component_in`],
//! [`FakeDiscord::select_in`], [`FakeDiscord::slash_command_in`],
//! [`FakeDiscord::modal_submit_in`]); the fake's world:
//! [`FakeDiscord::add_invite`] (`GET /invites/{code}`), [`FakeDiscord::add_channel_message`]
//! (`GET /channels/{c}/messages`; bulk delete and deletes are accepted),
//! [`FakeDiscord::set_channel_overwrites`] (`GET /channels/{c}`),
//! [`FakeDiscord::add_role`] / [`FakeDiscord::set_everyone_permissions`]
//! (`GET /guilds/{g}/roles`), [`FakeDiscord::add_member`] (`GET /guilds/{g}/members`,
//! paged with `after`; `GET /guilds/{g}/members/{u}` and `GET /guilds/{g}/members/search`
//! (username or nickname prefix) read the same list, see [`FakeDiscord::strict_members`]);
//! threads (`POST /channels/{c}/threads`, thread members, `DELETE /channels/{c}`) and
//! `GET /guilds/{g}` are served, and `@original` answers with the id of the message a
//! type-4 callback created; observations [`FakeDiscord::rest_calls`],
//! [`FakeDiscord::uploaded_files`] (multipart files), [`FakeDiscord::gateway_stats`], and
//! [`FakeDiscord::wait_until`] / [`FakeDiscord::wait_for_call`] to wait for a condition.
//!
//! The audit bot's controls ([`FakeMessage`] with [`FakeDiscord::send_message`],
//! [`FakeDiscord::edit_message`], [`FakeDiscord::delete_message`],
//! [`FakeDiscord::delete_messages`], [`FakeDiscord::member_remove`],
//! [`FakeDiscord::ban_add`], [`FakeDiscord::role_create`]) and
//! [`FakeDiscord::audit_log_reasons`]; `PATCH /guilds/{g}/members/{u}` (timeouts, nicknames)
//! answers the member with the changes applied.
//!
//! Guild scheduled events (`/guilds/{g}/scheduled-events[/{id}]`: list, get, create, edit,
//! delete; 404 code 10070 for an unknown id) are kept by the fake: see
//! [`FakeDiscord::scheduled_events`], [`FakeDiscord::remove_scheduled_event`] and
//! [`FakeDiscord::set_scheduled_event_status`].

mod audit;
mod scheduled_events;
mod server;

pub use audit::FakeMessage;

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{Value, json};

use server::{Shared, World, lock};

/// Discord's "administrator" permission bit.
pub const ADMINISTRATOR: u64 = 1 << 3;
/// The permissions of an ordinary member (view channel, send messages, use commands…).
pub const MEMBER_PERMISSIONS: u64 = 0x0000_0000_8006_4c40;

/// The `data` of a modal submit: `custom_id` and one text input per `(id, value)`.
fn modal_data(custom_id: &str, fields: &[(&str, &str)]) -> Value {
    let rows: Vec<Value> = fields
        .iter()
        .zip(1_i32..)
        .map(|((id, value), n)| {
            json!({"type": 1, "id": 2 * n - 1, "components": [
                {"type": 4, "id": 2 * n, "custom_id": id, "value": value}]})
        })
        .collect();
    json!({"custom_id": custom_id, "components": rows})
}

/// Options of [`FakeDiscord::start_with`].
#[derive(Debug, Clone)]
pub struct FakeDiscordConfig {
    /// The bot token the fake accepts (REST `Authorization: Bot …` and IDENTIFY).
    pub token: String,
    /// The application (and bot user) id.
    pub application_id: u64,
    /// The application's owner.
    pub owner_id: u64,
    /// The bot user's name.
    pub bot_name: String,
    /// The guilds the bot is in.
    pub guilds: Vec<FakeGuild>,
    /// The heartbeat interval sent in HELLO, milliseconds (Discord: 41250).
    pub heartbeat_interval_ms: u64,
}

impl Default for FakeDiscordConfig {
    fn default() -> Self {
        Self {
            token: "fake-discord-token".to_owned(),
            application_id: 900_000_000_000_000_001,
            owner_id: 185_198_185_990_324_225,
            bot_name: "SahasrahBot".to_owned(),
            guilds: vec![FakeGuild::default()],
            heartbeat_interval_ms: 41_250,
        }
    }
}

/// A guild the bot is in.
#[derive(Debug, Clone)]
pub struct FakeGuild {
    /// The guild id.
    pub id: u64,
    /// The guild name.
    pub name: String,
    /// Custom emojis: `(name, id)`.
    pub emojis: Vec<(String, u64)>,
    /// Text channel ids.
    pub channels: Vec<u64>,
}

impl Default for FakeGuild {
    /// Guild 500000000000000001 with one channel and the `RIPLink` and `SahasrahBot` emojis.
    fn default() -> Self {
        Self {
            id: 500_000_000_000_000_001,
            name: "Fake ALTTPR".to_owned(),
            emojis: vec![
                ("RIPLink".to_owned(), 700_000_000_000_000_001),
                ("SahasrahBot".to_owned(), 700_000_000_000_000_002),
            ],
            channels: vec![600_000_000_000_000_001],
        }
    }
}

/// A user acting through the fake (the invoker of an interaction, a message author, …).
#[derive(Debug, Clone)]
pub struct FakeUser {
    /// The user id.
    pub id: u64,
    /// The username.
    pub name: String,
    /// The member's permissions in the channel (the interaction's `member.permissions`).
    pub permissions: u64,
    /// Role ids.
    pub roles: Vec<u64>,
}

impl FakeUser {
    /// An ordinary member.
    pub fn member(id: u64, name: &str) -> Self {
        Self {
            id,
            name: name.to_owned(),
            permissions: MEMBER_PERMISSIONS,
            roles: Vec::new(),
        }
    }

    /// A member with the administrator permission.
    pub fn admin(id: u64, name: &str) -> Self {
        Self {
            permissions: MEMBER_PERMISSIONS | ADMINISTRATOR,
            ..Self::member(id, name)
        }
    }

    pub(crate) fn user_json(&self) -> Value {
        json!({
            "id": self.id.to_string(),
            "username": self.name,
            "global_name": self.name,
            "discriminator": "0",
            "avatar": null,
            "bot": false,
            "public_flags": 0,
        })
    }
}

/// One REST request the bot made.
#[derive(Debug, Clone, PartialEq)]
pub struct RestCall {
    /// `GET`, `POST`, …
    pub method: String,
    /// The path after `/api/v10`, e.g. `/interactions/1/tok/callback`.
    pub path: String,
    /// The query string (empty when none).
    pub query: String,
    /// The JSON body (`payload_json` of a multipart body; `Null` when there is none).
    pub body: Value,
}

/// A file the bot uploaded (a part of a multipart request).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UploadedFile {
    /// The path of the request (after `/api/v10`).
    pub path: String,
    /// The part's file name.
    pub filename: String,
    /// The file's bytes.
    pub content: Vec<u8>,
}

/// Counters of the gateway.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct GatewayStats {
    /// Websocket connections accepted.
    pub connections: u32,
    /// IDENTIFY payloads received.
    pub identifies: u32,
    /// RESUME payloads received (with a known session).
    pub resumes: u32,
    /// HEARTBEAT payloads received.
    pub heartbeats: u32,
    /// Sockets currently open and identified or resumed.
    pub live: u32,
}

/// An interaction sent by a test control.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SentInteraction {
    /// The interaction id.
    pub id: u64,
    /// The interaction token.
    pub token: String,
}

impl SentInteraction {
    /// The path of its callback: `/interactions/{id}/{token}/callback`.
    pub fn callback_path(&self) -> String {
        format!("/interactions/{}/{}/callback", self.id, self.token)
    }

    /// The path of its webhook (follow-ups): `/webhooks/{app}/{token}`.
    pub fn webhook_path(&self, application_id: u64) -> String {
        format!("/webhooks/{application_id}/{}", self.token)
    }
}

/// A file the fake serves like Discord's CDN, for attachment options.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FakeAttachment {
    /// The attachment id.
    pub id: u64,
    /// The file name.
    pub filename: String,
    /// Where the fake serves it (`http://127.0.0.1:port/attachments/{id}/{filename}`).
    pub url: String,
    /// Its size in bytes.
    pub size: u64,
}

impl FakeAttachment {
    /// The attachment object of an interaction's `resolved.attachments`.
    pub fn json(&self) -> Value {
        json!({
            "id": self.id.to_string(),
            "filename": self.filename,
            "size": self.size,
            "url": self.url,
            "proxy_url": self.url,
            "content_type": "application/octet-stream",
        })
    }
}

/// The running fake. Dropping it stops the server and closes every socket.
#[derive(Debug)]
pub struct FakeDiscord {
    world: Shared,
    addr: SocketAddr,
    server: tokio::task::JoinHandle<()>,
}

impl Drop for FakeDiscord {
    fn drop(&mut self) {
        self.server.abort();
        lock(&self.world).close_all();
    }
}

impl FakeDiscord {
    /// Starts a fake with the default configuration.
    ///
    /// # Errors
    /// When no loopback port can be bound.
    pub async fn start() -> std::io::Result<Self> {
        Self::start_with(FakeDiscordConfig::default()).await
    }

    /// Starts a fake with `config`.
    ///
    /// # Errors
    /// When no loopback port can be bound.
    pub async fn start_with(config: FakeDiscordConfig) -> std::io::Result<Self> {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let world: Shared = Arc::new(Mutex::new(World::new(config, addr)));
        let server = crate::loopback::serve_on(listener, world.clone(), server::route)?;
        Ok(Self {
            world,
            addr,
            server,
        })
    }

    /// `127.0.0.1:port`, for `twilight_http::client::ClientBuilder::proxy(_, true)`.
    pub fn http_proxy(&self) -> String {
        self.addr.to_string()
    }

    /// `ws://127.0.0.1:port`, for `twilight_gateway::ConfigBuilder::proxy_url`.
    pub fn gateway_url(&self) -> String {
        format!("ws://{}", self.addr)
    }

    /// The accepted bot token.
    pub fn token(&self) -> String {
        lock(&self.world).config.token.clone()
    }

    /// The application (and bot user) id.
    pub fn application_id(&self) -> u64 {
        lock(&self.world).config.application_id
    }

    /// The application owner's id.
    pub fn owner_id(&self) -> u64 {
        lock(&self.world).config.owner_id
    }

    /// The first guild's id.
    pub fn guild_id(&self) -> u64 {
        lock(&self.world).config.guilds.first().map_or(0, |g| g.id)
    }

    /// The first channel of the first guild.
    pub fn channel_id(&self) -> u64 {
        lock(&self.world)
            .config
            .guilds
            .first()
            .and_then(|g| g.channels.first().copied())
            .unwrap_or(0)
    }

    /// Every REST request so far, in order.
    pub fn rest_calls(&self) -> Vec<RestCall> {
        lock(&self.world).calls.clone()
    }

    /// The files uploaded so far (multipart parts with a file name), in order.
    pub fn uploaded_files(&self) -> Vec<UploadedFile> {
        lock(&self.world).files.clone()
    }

    /// Forgets the recorded REST requests.
    pub fn clear_rest_calls(&self) {
        lock(&self.world).calls.clear();
    }

    /// The recorded requests whose path starts with `prefix`.
    pub fn calls_to(&self, prefix: &str) -> Vec<RestCall> {
        lock(&self.world)
            .calls
            .iter()
            .filter(|c| c.path.starts_with(prefix))
            .cloned()
            .collect()
    }

    /// Gateway counters.
    pub fn gateway_stats(&self) -> GatewayStats {
        lock(&self.world).stats()
    }

    /// The next `count` requests with this method whose path starts with `path_prefix`
    /// answer `status` with a Discord error body.
    pub fn fail_route(&self, method: &str, path_prefix: &str, status: u16, count: u32) {
        lock(&self.world).failures.push(server::Failure {
            method: method.to_owned(),
            prefix: path_prefix.to_owned(),
            status,
            remaining: count,
        });
    }

    /// Dispatches an event (`t`, `d`) to every live gateway socket; returns its sequence.
    pub fn dispatch(&self, event: &str, data: Value) -> u64 {
        lock(&self.world).dispatch(event, data)
    }

    /// Closes every gateway socket abruptly (no close frame), as a network failure would.
    pub fn drop_gateway(&self) {
        lock(&self.world).close_all();
    }

    /// Sends an INTERACTION_CREATE of type 2 (slash command) in the first guild's first
    /// channel, as `user`. `options` is Discord's `data.options` array.
    pub fn slash_command(&self, user: &FakeUser, name: &str, options: Value) -> SentInteraction {
        self.interaction(
            user,
            2,
            json!({"name": name, "type": 1, "options": options}),
        )
    }

    /// Serves `content` as an attachment (CDN-like, no auth) and returns it.
    pub fn add_attachment(&self, filename: &str, content: &[u8]) -> FakeAttachment {
        let mut w = lock(&self.world);
        let id = w.next_id();
        w.attachments.insert(id.to_string(), content.to_vec());
        FakeAttachment {
            id,
            filename: filename.to_owned(),
            url: format!("http://{}/attachments/{id}/{filename}", w.addr()),
            size: content.len() as u64,
        }
    }

    /// Turns the CDN's answers to `Range` requests on or off (off: every file is sent
    /// whole, as by a server without range support).
    pub fn set_cdn_ranges(&self, on: bool) {
        lock(&self.world).cdn_ranges = on;
    }

    /// How many bytes of attachments the CDN has sent so far.
    pub fn cdn_bytes_served(&self) -> u64 {
        lock(&self.world).cdn_bytes_served
    }

    /// Like [`FakeDiscord::slash_command`], with `attachments` in `data.resolved` (an
    /// attachment option's value is the attachment's id as a string).
    pub fn slash_command_with_attachments(
        &self,
        user: &FakeUser,
        name: &str,
        options: Value,
        attachments: &[FakeAttachment],
    ) -> SentInteraction {
        let resolved: serde_json::Map<String, Value> = attachments
            .iter()
            .map(|a| (a.id.to_string(), a.json()))
            .collect();
        self.interaction(
            user,
            2,
            json!({"name": name, "type": 1, "options": options,
                   "resolved": {"attachments": resolved}}),
        )
    }

    /// Sends an INTERACTION_CREATE of type 4 (autocomplete); one option should carry
    /// `"focused": true`.
    pub fn autocomplete(&self, user: &FakeUser, name: &str, options: Value) -> SentInteraction {
        self.interaction(
            user,
            4,
            json!({"name": name, "type": 1, "options": options}),
        )
    }

    /// Sends an INTERACTION_CREATE of type 3 (a button click) with `custom_id`.
    pub fn component(&self, user: &FakeUser, custom_id: &str) -> SentInteraction {
        self.interaction(
            user,
            3,
            json!({"custom_id": custom_id, "component_type": 2}),
        )
    }

    /// Sends an INTERACTION_CREATE of `kind` with `data` (the `id` of commands is filled in).
    pub fn interaction(&self, user: &FakeUser, kind: u8, data: Value) -> SentInteraction {
        let mut w = lock(&self.world);
        Self::build_interaction(&mut w, user, kind, data, &Value::Null)
    }

    fn build_interaction(
        w: &mut World,
        user: &FakeUser,
        kind: u8,
        data: Value,
        extra: &Value,
    ) -> SentInteraction {
        let id = w.next_id();
        let token = format!("itoken-{id}");
        let guild_id = w.config.guilds.first().map_or(0, |g| g.id);
        let channel_id = w
            .config
            .guilds
            .first()
            .and_then(|g| g.channels.first().copied())
            .unwrap_or(0);
        let mut data = data;
        if kind == 2 || kind == 4 {
            data["id"] = json!(
                w.command_id(data["name"].as_str().unwrap_or(""))
                    .to_string()
            );
        }
        let payload = json!({
            "id": id.to_string(),
            "application_id": w.config.application_id.to_string(),
            "type": kind,
            "data": data,
            "guild_id": guild_id.to_string(),
            "channel": {"id": channel_id.to_string(), "type": 0},
            "channel_id": channel_id.to_string(),
            "member": {
                "user": user.user_json(),
                "roles": user.roles.iter().map(u64::to_string).collect::<Vec<_>>(),
                "joined_at": "2020-01-01T00:00:00.000000+00:00",
                "deaf": false,
                "mute": false,
                "flags": 0,
                "permissions": user.permissions.to_string(),
            },
            "token": token,
            "version": 1,
            "locale": "en-US",
            "guild_locale": "en-US",
            "app_permissions": "2251799813685247",
            "entitlements": [],
            "authorizing_integration_owners": {"0": guild_id.to_string()},
            "context": 0,
            "attachment_size_limit": 8_388_608,
        });
        let mut payload = payload;
        if let Value::Object(extra) = extra {
            for (k, v) in extra {
                payload[k] = v.clone();
            }
        }
        w.dispatch("INTERACTION_CREATE", payload);
        SentInteraction { id, token }
    }

    /// Like [`FakeDiscord::interaction`], with `extra` merged into the INTERACTION_CREATE
    /// payload's top level (e.g. `message` for a click on a given message, or
    /// `app_permissions`).
    pub fn interaction_with(
        &self,
        user: &FakeUser,
        kind: u8,
        data: Value,
        extra: Value,
    ) -> SentInteraction {
        let mut w = lock(&self.world);
        let sent = Self::build_interaction(&mut w, user, kind, data, &extra);
        drop(w);
        sent
    }

    /// A button click (`custom_id`) on the bot's message `message_id` in the first channel.
    pub fn component_on_message(
        &self,
        user: &FakeUser,
        custom_id: &str,
        message_id: u64,
    ) -> SentInteraction {
        let message = {
            let w = lock(&self.world);
            let channel = w
                .config
                .guilds
                .first()
                .and_then(|g| g.channels.first().copied())
                .unwrap_or(0);
            server::message_json(message_id, channel, w.bot_user_json(), "", &json!({}))
        };
        self.interaction_with(
            user,
            3,
            json!({"custom_id": custom_id, "component_type": 2}),
            json!({"message": message}),
        )
    }

    /// A modal submit (interaction type 5) with `custom_id` and text inputs `(id, value)`.
    pub fn modal_submit(
        &self,
        user: &FakeUser,
        custom_id: &str,
        fields: &[(&str, &str)],
    ) -> SentInteraction {
        self.interaction(user, 5, modal_data(custom_id, fields))
    }

    /// An interaction of `kind` with `data` sent from `channel` instead of the first
    /// channel: one of the guild's text channels (type 0) or, for any other id, a private
    /// thread (type 12) of the first channel. With `message`, it is a click on the bot's
    /// message of that id there.
    pub fn interaction_in(
        &self,
        user: &FakeUser,
        kind: u8,
        data: Value,
        channel: u64,
        message: Option<u64>,
    ) -> SentInteraction {
        let mut w = lock(&self.world);
        let guild = w.config.guilds.first();
        let text_channel = guild.is_some_and(|g| g.channels.contains(&channel));
        let parent = guild.and_then(|g| g.channels.first().copied()).unwrap_or(0);
        let mut scope = if text_channel {
            json!({"channel": {"id": channel.to_string(), "type": 0},
                   "channel_id": channel.to_string()})
        } else {
            json!({"channel": {"id": channel.to_string(), "type": 12,
                               "parent_id": parent.to_string()},
                   "channel_id": channel.to_string()})
        };
        if let Some(message) = message {
            scope["message"] =
                server::message_json(message, channel, w.bot_user_json(), "", &json!({}));
        }
        Self::build_interaction(&mut w, user, kind, data, &scope)
    }

    /// A button click (`custom_id`) on the bot's message `message` in `channel` (see
    /// [`FakeDiscord::interaction_in`]).
    pub fn component_in(
        &self,
        user: &FakeUser,
        custom_id: &str,
        channel: u64,
        message: u64,
    ) -> SentInteraction {
        self.interaction_in(
            user,
            3,
            json!({"custom_id": custom_id, "component_type": 2}),
            channel,
            Some(message),
        )
    }

    /// A choice in the string select `custom_id` on the bot's message `message` in
    /// `channel`.
    pub fn select_in(
        &self,
        user: &FakeUser,
        custom_id: &str,
        values: &[&str],
        channel: u64,
        message: u64,
    ) -> SentInteraction {
        self.interaction_in(
            user,
            3,
            json!({"custom_id": custom_id, "component_type": 3, "values": values}),
            channel,
            Some(message),
        )
    }

    /// A slash command sent from `channel` (see [`FakeDiscord::interaction_in`]).
    pub fn slash_command_in(
        &self,
        user: &FakeUser,
        name: &str,
        options: Value,
        channel: u64,
    ) -> SentInteraction {
        self.interaction_in(
            user,
            2,
            json!({"name": name, "type": 1, "options": options}),
            channel,
            None,
        )
    }

    /// A modal submit sent from `channel` (see [`FakeDiscord::modal_submit`] and
    /// [`FakeDiscord::interaction_in`]).
    pub fn modal_submit_in(
        &self,
        user: &FakeUser,
        custom_id: &str,
        fields: &[(&str, &str)],
        channel: u64,
    ) -> SentInteraction {
        self.interaction_in(user, 5, modal_data(custom_id, fields), channel, None)
    }

    /// `GET /invites/{code}` answers with the invited guild `(guild_id, guild_name)`; other
    /// codes answer 404 Unknown Invite.
    pub fn add_invite(&self, code: &str, guild_id: u64, guild_name: &str) {
        lock(&self.world)
            .invites
            .insert(code.to_owned(), (guild_id, guild_name.to_owned()));
    }

    /// Adds a message to what `GET /channels/{channel}/messages` lists (newest first: add
    /// the newest first). `author` `None` is the bot; `timestamp` is ISO 8601. Returns its
    /// id.
    pub fn add_channel_message(
        &self,
        channel: u64,
        author: Option<&FakeUser>,
        content: &str,
        timestamp: &str,
    ) -> u64 {
        let mut w = lock(&self.world);
        let id = w.next_id();
        let author = author.map_or_else(|| w.bot_user_json(), FakeUser::user_json);
        let mut msg = server::message_json(id, channel, author, content, &json!({}));
        msg["timestamp"] = json!(timestamp);
        w.channel_messages.entry(channel).or_default().push(msg);
        id
    }

    /// The permission overwrites `GET /channels/{channel}` shows (Discord's array).
    pub fn set_channel_overwrites(&self, channel: u64, overwrites: Value) {
        lock(&self.world).overwrites.insert(channel, overwrites);
    }

    /// `@everyone`'s base permissions (GUILD_CREATE and `GET /guilds/{g}/roles`).
    pub fn set_everyone_permissions(&self, permissions: u64) {
        lock(&self.world).everyone_permissions = Some(permissions);
    }

    /// Adds a role with `permissions` to `GET /guilds/{g}/roles`.
    pub fn add_role(&self, id: u64, name: &str, permissions: u64) {
        lock(&self.world).roles.push(json!({
            "id": id.to_string(), "name": name, "color": 0, "hoist": false, "managed": false,
            "colors": {"primary_color": 0, "secondary_color": null, "tertiary_color": null},
            "mentionable": true, "position": 1, "flags": 0,
            "permissions": permissions.to_string(),
        }));
    }

    /// Adds `user` (with their roles) to what `GET /guilds/{g}/members` lists.
    pub fn add_member(&self, user: &FakeUser) {
        let mut w = lock(&self.world);
        w.members.push(json!({
            "user": user.user_json(),
            "roles": user.roles.iter().map(u64::to_string).collect::<Vec<_>>(),
            "joined_at": "2020-01-01T00:00:00.000000+00:00",
            "deaf": false, "mute": false, "flags": 0,
        }));
        w.members.sort_by_key(|m| {
            m["user"]["id"]
                .as_str()
                .and_then(|i| i.parse::<u64>().ok())
                .unwrap_or(0)
        });
    }

    /// Makes `GET /guilds/{g}/members/{u}` answer 404 "Unknown Member" (code 10007) for
    /// users not added with [`FakeDiscord::add_member`] (404 "Unknown Guild", code 10004, in
    /// a guild the fake does not have), as Discord does; by default the fake makes up a
    /// member `user{u}` for them.
    pub fn strict_members(&self) {
        lock(&self.world).strict_members = true;
    }

    /// The guild scheduled events the fake holds (Discord's objects), by ascending id.
    pub fn scheduled_events(&self) -> Vec<Value> {
        lock(&self.world)
            .scheduled_events
            .values()
            .cloned()
            .collect()
    }

    /// Deletes a scheduled event behind the bot's back (a moderator did): its routes then
    /// answer 404.
    pub fn remove_scheduled_event(&self, id: u64) {
        lock(&self.world).scheduled_events.remove(&id);
    }

    /// Sets a scheduled event's `status` (1 scheduled, 2 active, 3 completed, 4 cancelled).
    pub fn set_scheduled_event_status(&self, id: u64, status: u8) {
        if let Some(event) = lock(&self.world).scheduled_events.get_mut(&id) {
            event["status"] = json!(status);
        }
    }

    /// Dispatches a MESSAGE_CREATE by `author` in the first channel; `mention_bot` puts the
    /// bot user in `mentions`. Returns the message id.
    pub fn message_create(&self, author: &FakeUser, content: &str, mention_bot: bool) -> u64 {
        let mut w = lock(&self.world);
        let id = w.next_id();
        let guild_id = w.config.guilds.first().map_or(0, |g| g.id);
        let channel_id = w
            .config
            .guilds
            .first()
            .and_then(|g| g.channels.first().copied())
            .unwrap_or(0);
        let mentions = if mention_bot {
            vec![w.bot_user_json()]
        } else {
            Vec::new()
        };
        let mut msg = server::message_json(id, channel_id, author.user_json(), content, &json!({}));
        msg["guild_id"] = json!(guild_id.to_string());
        msg["mentions"] = json!(mentions);
        w.dispatch("MESSAGE_CREATE", msg);
        id
    }

    /// Dispatches a GUILD_MEMBER_ADD of `user` to the first guild.
    pub fn member_add(&self, user: &FakeUser) -> u64 {
        let mut w = lock(&self.world);
        let guild_id = w.config.guilds.first().map_or(0, |g| g.id);
        w.dispatch(
            "GUILD_MEMBER_ADD",
            json!({
                "guild_id": guild_id.to_string(),
                "user": user.user_json(),
                "roles": [],
                "joined_at": "2026-11-22T00:00:00.000000+00:00",
                "deaf": false,
                "mute": false,
                "flags": 0,
            }),
        )
    }

    /// Waits up to `timeout` for `cond` to hold over the recorded calls; returns whether
    /// it did.
    pub async fn wait_until(&self, timeout: Duration, cond: impl Fn(&[RestCall]) -> bool) -> bool {
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            if cond(&lock(&self.world).calls) {
                return true;
            }
            if tokio::time::Instant::now() >= deadline {
                return false;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }

    /// Waits up to `timeout` for a call with `method` whose path starts with `prefix`;
    /// returns the first such call.
    pub async fn wait_for_call(
        &self,
        method: &str,
        prefix: &str,
        timeout: Duration,
    ) -> Option<RestCall> {
        let find = |calls: &[RestCall]| {
            calls
                .iter()
                .find(|c| c.method == method && c.path.starts_with(prefix))
                .cloned()
        };
        self.wait_until(timeout, |calls| find(calls).is_some())
            .await
            .then(|| find(&lock(&self.world).calls))
            .flatten()
    }

    /// Waits up to `timeout` for the gateway counters to satisfy `cond`.
    pub async fn wait_for_gateway(
        &self,
        timeout: Duration,
        cond: impl Fn(GatewayStats) -> bool,
    ) -> bool {
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            if cond(self.gateway_stats()) {
                return true;
            }
            if tokio::time::Instant::now() >= deadline {
                return false;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }
}
