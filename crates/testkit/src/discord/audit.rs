//! Controls the audit bot's tests need: messages with a member object (join date, roles)
//! and attachments, in any channel or as DMs; edits, single and bulk deletes; member
//! leave and ban; role creation; and the `X-Audit-Log-Reason` headers the bot sent.

use serde_json::{Value, json};

use super::server::{self, lock};
use super::{FakeAttachment, FakeDiscord, FakeUser};

/// A message to dispatch with [`FakeDiscord::send_message`].
#[derive(Debug, Clone)]
pub struct FakeMessage {
    /// The author.
    pub author: FakeUser,
    /// The text.
    pub content: String,
    /// The channel; `None` is the first guild's first channel (or a DM channel).
    pub channel: Option<u64>,
    /// A direct message (no guild, no member object).
    pub dm: bool,
    /// When the author joined the guild (ISO 8601); `None` is 2020-01-01.
    pub joined_at: Option<String>,
    /// Attachments (from [`FakeDiscord::add_attachment`]).
    pub attachments: Vec<FakeAttachment>,
    /// The author is a bot account.
    pub bot: bool,
    /// The message's creation time (ISO 8601); `None` is 2026-11-22T00:00:00Z.
    pub timestamp: Option<String>,
}

impl FakeMessage {
    /// A guild message by `author` in the first channel.
    pub fn new(author: &FakeUser, content: &str) -> Self {
        Self {
            author: author.clone(),
            content: content.to_owned(),
            channel: None,
            dm: false,
            joined_at: None,
            attachments: Vec::new(),
            bot: false,
            timestamp: None,
        }
    }

    /// In `channel`.
    #[must_use]
    pub fn in_channel(mut self, channel: u64) -> Self {
        self.channel = Some(channel);
        self
    }

    /// As a direct message to the bot.
    #[must_use]
    pub fn direct(mut self) -> Self {
        self.dm = true;
        self
    }

    /// By a member who joined at `joined_at` (ISO 8601).
    #[must_use]
    pub fn joined(mut self, joined_at: &str) -> Self {
        self.joined_at = Some(joined_at.to_owned());
        self
    }

    /// With `attachment`.
    #[must_use]
    pub fn attach(mut self, attachment: FakeAttachment) -> Self {
        self.attachments.push(attachment);
        self
    }

    /// By a bot account.
    #[must_use]
    pub fn by_bot(mut self) -> Self {
        self.bot = true;
        self
    }

    /// Created at `timestamp` (ISO 8601).
    #[must_use]
    pub fn at(mut self, timestamp: &str) -> Self {
        self.timestamp = Some(timestamp.to_owned());
        self
    }
}

impl FakeDiscord {
    /// Dispatches `message` as MESSAGE_CREATE and keeps it for [`FakeDiscord::edit_message`];
    /// returns its id.
    pub fn send_message(&self, message: &FakeMessage) -> u64 {
        let payload = self.message_payload(message, None);
        let id = payload["id"]
            .as_str()
            .and_then(|i| i.parse().ok())
            .unwrap_or(0);
        let mut w = lock(&self.world);
        w.sent_messages.insert(id, payload.clone());
        w.dispatch("MESSAGE_CREATE", payload);
        id
    }

    /// Builds the MESSAGE_CREATE payload of `message` (a new id unless `id` is given)
    /// without sending it.
    pub fn message_payload(&self, message: &FakeMessage, id: Option<u64>) -> Value {
        let mut w = lock(&self.world);
        let id = id.unwrap_or_else(|| w.next_id());
        let guild_id = w.config.guilds.first().map_or(0, |g| g.id);
        let channel = message.channel.unwrap_or_else(|| {
            w.config
                .guilds
                .first()
                .and_then(|g| g.channels.first().copied())
                .unwrap_or(1)
        });
        let mut author = message.author.user_json();
        author["bot"] = json!(message.bot);
        let mut payload = server::message_json(id, channel, author, &message.content, &json!({}));
        if let Some(ts) = &message.timestamp {
            payload["timestamp"] = json!(ts);
        }
        payload["attachments"] = Value::Array(
            message
                .attachments
                .iter()
                .map(FakeAttachment::json)
                .collect(),
        );
        if !message.dm {
            payload["guild_id"] = json!(guild_id.to_string());
            payload["member"] = json!({
                "roles": message.author.roles.iter().map(u64::to_string).collect::<Vec<_>>(),
                "joined_at": message.joined_at.clone()
                    .unwrap_or_else(|| "2020-01-01T00:00:00.000000+00:00".to_owned()),
                "deaf": false, "mute": false, "flags": 0,
            });
        }
        payload
    }

    /// Dispatches MESSAGE_UPDATE for a message sent with [`FakeDiscord::send_message`], with
    /// new `content` (the full message, as Discord sends it). Returns false for an unknown id.
    pub fn edit_message(&self, id: u64, content: &str) -> bool {
        let mut w = lock(&self.world);
        let Some(message) = w.sent_messages.get_mut(&id) else {
            return false;
        };
        message["content"] = json!(content);
        message["edited_timestamp"] = json!("2026-11-22T00:05:00.000000+00:00");
        let payload = message.clone();
        w.dispatch("MESSAGE_UPDATE", payload);
        true
    }

    /// Dispatches MESSAGE_DELETE of `id` in `channel` of the first guild.
    pub fn delete_message(&self, channel: u64, id: u64) -> u64 {
        let mut w = lock(&self.world);
        let guild_id = w.config.guilds.first().map_or(0, |g| g.id);
        w.dispatch(
            "MESSAGE_DELETE",
            json!({"id": id.to_string(), "channel_id": channel.to_string(),
                   "guild_id": guild_id.to_string()}),
        )
    }

    /// Dispatches MESSAGE_DELETE_BULK of `ids` in `channel` of the first guild.
    pub fn delete_messages(&self, channel: u64, ids: &[u64]) -> u64 {
        let mut w = lock(&self.world);
        let guild_id = w.config.guilds.first().map_or(0, |g| g.id);
        w.dispatch(
            "MESSAGE_DELETE_BULK",
            json!({"ids": ids.iter().map(u64::to_string).collect::<Vec<_>>(),
                   "channel_id": channel.to_string(), "guild_id": guild_id.to_string()}),
        )
    }

    /// Dispatches GUILD_MEMBER_REMOVE of `user` from the first guild.
    pub fn member_remove(&self, user: &FakeUser) -> u64 {
        let mut w = lock(&self.world);
        let guild_id = w.config.guilds.first().map_or(0, |g| g.id);
        w.dispatch(
            "GUILD_MEMBER_REMOVE",
            json!({"guild_id": guild_id.to_string(), "user": user.user_json()}),
        )
    }

    /// Dispatches GUILD_BAN_ADD of `user` in the first guild.
    pub fn ban_add(&self, user: &FakeUser) -> u64 {
        let mut w = lock(&self.world);
        let guild_id = w.config.guilds.first().map_or(0, |g| g.id);
        w.dispatch(
            "GUILD_BAN_ADD",
            json!({"guild_id": guild_id.to_string(), "user": user.user_json()}),
        )
    }

    /// Adds a role (as [`FakeDiscord::add_role`]) and dispatches GUILD_ROLE_CREATE for it.
    pub fn role_create(&self, id: u64, name: &str, permissions: u64) -> u64 {
        self.add_role(id, name, permissions);
        let mut w = lock(&self.world);
        let guild_id = w.config.guilds.first().map_or(0, |g| g.id);
        let role = w.roles.last().cloned().unwrap_or(Value::Null);
        w.dispatch(
            "GUILD_ROLE_CREATE",
            json!({"guild_id": guild_id.to_string(), "role": role}),
        )
    }

    /// The `X-Audit-Log-Reason` headers sent so far: (method, path, reason), in order.
    pub fn audit_log_reasons(&self) -> Vec<(String, String, String)> {
        lock(&self.world).audit_reasons.clone()
    }
}
