//! [`DiscordNotifier`]: the `ChatNotifier` port over twilight-http.

use std::sync::Arc;

use async_trait::async_trait;
use sahasrahbot_core::ports::{ChatMessage, ChatNotifier, ChatTarget, NotifyError};
use twilight_http::Client;
use twilight_model::id::Id;

use crate::BotSettings;

/// Posts messages to channels and DMs users through Discord's REST API.
#[derive(Debug, Clone)]
pub struct DiscordNotifier {
    http: Arc<Client>,
}

impl DiscordNotifier {
    /// A notifier over an existing client (share the bot's).
    pub fn new(http: Arc<Client>) -> Self {
        Self { http }
    }

    /// A notifier with its own client for `settings`.
    pub fn from_settings(settings: &BotSettings) -> Self {
        Self::new(Arc::new(settings.http_client()))
    }

    async fn send(&self, target: ChatTarget, message: &ChatMessage) -> Result<(), String> {
        let channel_id = match target {
            ChatTarget::Channel(id) => Id::new_checked(id).ok_or("channel id 0")?,
            ChatTarget::User(id) => {
                let user = Id::new_checked(id).ok_or("user id 0")?;
                let channel = self
                    .http
                    .create_private_channel(user)
                    .await
                    .map_err(|e| e.to_string())?
                    .model()
                    .await
                    .map_err(|e| e.to_string())?;
                channel.id
            }
        };
        // The embed arrives as Discord JSON: it is passed through as given.
        let mut payload = serde_json::json!({
            "content": message.content,
            "allowed_mentions": {"parse": message.allowed_mentions.parse()},
        });
        if let Some(embed) = &message.embed {
            let embed: serde_json::Value =
                serde_json::from_str(embed).map_err(|e| format!("bad embed JSON: {e}"))?;
            payload["embeds"] = serde_json::json!([embed]);
        }
        let payload = serde_json::to_vec(&payload).map_err(|e| e.to_string())?;
        self.http
            .create_message(channel_id)
            .payload_json(&payload)
            .await
            .map_err(|e| e.to_string())?;
        Ok(())
    }
}

#[async_trait]
impl ChatNotifier for DiscordNotifier {
    async fn notify(&self, target: ChatTarget, message: ChatMessage) -> Result<(), NotifyError> {
        self.send(target, &message)
            .await
            .map_err(|reason| NotifyError { target, reason })
    }
}
