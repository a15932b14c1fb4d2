//! BingoSync rooms (core.md §2.9) through the site's private form endpoints. The original
//! failed on every call (reference bug B14, an undefined cookie jar); here one cookie jar
//! lives with the provider, so the CSRF cookie and the room session carry across calls.

use std::sync::Arc;

use reqwest::cookie::Jar;
use serde_json::json;

use super::{ProviderContext, client_builder};
use crate::error::{Error, Failure, Result};
use crate::http::{hidden_input, send, send_raw, text};
use crate::seed::Surface;

const NAME: &str = "bingosync";

/// The card options of a new room or card.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BingoCard {
    /// BingoSync's game type id.
    pub game_type: String,
    /// The variant id, when the game has variants.
    pub variant_type: Option<String>,
    /// `1` (lockout) or `2` (non-lockout).
    pub lockout_mode: String,
    /// A seed, or empty for a random one.
    pub seed: String,
    /// A custom board as JSON text, or empty.
    pub custom_json: String,
    /// Hide the card until revealed.
    pub hide_card: bool,
}

impl Default for BingoCard {
    fn default() -> Self {
        Self {
            game_type: String::new(),
            variant_type: None,
            lockout_mode: "1".to_owned(),
            seed: String::new(),
            custom_json: String::new(),
            hide_card: true,
        }
    }
}

/// A created room.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BingoRoom {
    /// The room id (last segment of the redirect).
    pub room_id: String,
    /// The passphrase players join with.
    pub password: String,
    /// `{base}/room/{room_id}`.
    pub url: String,
}

/// The BingoSync client.
#[derive(Debug, Clone)]
pub struct BingoSyncProvider {
    ctx: ProviderContext,
    client: reqwest::Client,
    nickname: String,
}

impl BingoSyncProvider {
    /// A client using `ctx`, with its own cookie jar, posting as `SahasrahBot`.
    ///
    /// # Errors
    /// When the HTTP client cannot be built.
    pub fn new(ctx: ProviderContext) -> Result<Self> {
        let client = client_builder()
            .cookie_provider(Arc::new(Jar::default()))
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(Error::Client)?;
        Ok(Self {
            ctx,
            client,
            nickname: "SahasrahBot".to_owned(),
        })
    }

    fn base(&self) -> &str {
        self.ctx.config.bingosync_base.trim_end_matches('/')
    }

    /// The room URL for an id.
    pub fn room_url(&self, room_id: &str) -> String {
        format!("{}/room/{room_id}", self.base())
    }

    async fn csrf_token(&self, surface: Option<Surface>) -> Result<String> {
        let url = format!("{}/", self.base());
        let done = self
            .ctx
            .contract
            .run(NAME, "csrf", surface, || {
                let req = self.client.get(&url);
                async move {
                    let html = text(send(req).await?).await?;
                    hidden_input(&html, "csrfmiddlewaretoken")
                        .ok_or_else(|| Failure::format("Unable to acquire CSRF token"))
                }
            })
            .await?;
        Ok(done.value)
    }

    /// Creates a room: CSRF token from the front page, then the room form; BingoSync
    /// answers 302 to the new room.
    ///
    /// # Errors
    /// A taxonomy error; a non-302 success is a response-format error ("Unable to create
    /// BingoSync room!").
    pub async fn create_room(
        &self,
        room_name: &str,
        passphrase: &str,
        card: &BingoCard,
        surface: Option<Surface>,
    ) -> Result<BingoRoom> {
        let csrf = self.csrf_token(surface).await?;
        let base = self.base().to_owned();
        let mut form: Vec<(&str, &str)> = vec![
            ("csrfmiddlewaretoken", &csrf),
            ("nickname", &self.nickname),
            ("room_name", room_name),
            ("passphrase", passphrase),
            ("game_type", &card.game_type),
        ];
        if let Some(v) = &card.variant_type {
            form.push(("variant_type", v));
        }
        form.extend([
            ("lockout_mode", card.lockout_mode.as_str()),
            ("seed", &card.seed),
            ("custom_json", &card.custom_json),
            ("is_spectator", "on"),
        ]);
        if card.hide_card {
            form.push(("hide_card", "on"));
        }
        let done = self
            .ctx
            .contract
            .run(NAME, "create_room", surface, || {
                let req = self
                    .client
                    .post(format!("{base}/"))
                    .header("Origin", &base)
                    .header("Referer", &base)
                    .form(&form);
                async move {
                    let response = send_raw(req).await?;
                    let status = response.status().as_u16();
                    if status == 302 {
                        let location = response
                            .headers()
                            .get(reqwest::header::LOCATION)
                            .and_then(|v| v.to_str().ok())
                            .unwrap_or_default();
                        let id = location
                            .trim_end_matches('/')
                            .rsplit('/')
                            .next()
                            .unwrap_or("");
                        if id.is_empty() {
                            return Err(Failure::format("redirect without a room"));
                        }
                        return Ok(id.to_owned());
                    }
                    let body = text(response).await.unwrap_or_default();
                    if (200..300).contains(&status) {
                        Err(Failure::format("Unable to create BingoSync room!"))
                    } else {
                        Err(Failure::http(status, &body))
                    }
                }
            })
            .await?;
        Ok(BingoRoom {
            url: self.room_url(&done.value),
            room_id: done.value,
            password: passphrase.to_owned(),
        })
    }

    /// Deals a new card in a room (`PUT /api/new-card`).
    ///
    /// # Errors
    /// A taxonomy error.
    pub async fn new_card(
        &self,
        room_id: &str,
        card: &BingoCard,
        surface: Option<Surface>,
    ) -> Result<String> {
        let url = format!("{}/api/new-card", self.base());
        let body = json!({
            "hide_card": card.hide_card,
            "game_type": card.game_type,
            "variant_type": card.variant_type,
            "custom_json": card.custom_json,
            "lockout_mode": card.lockout_mode,
            "seed": card.seed,
            "room": room_id,
        });
        let done = self
            .ctx
            .contract
            .run(NAME, "new_card", surface, || {
                let req = self.client.put(&url).json(&body);
                async move { text(send(req).await?).await }
            })
            .await?;
        Ok(done.value)
    }
}
