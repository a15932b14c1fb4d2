//! samus.link Super Metroid and SMZ3 (core.md §2.2, §2.3). Unlike the original, a non-2xx
//! answer is an error (reference bug B12).

use async_trait::async_trait;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sahasrahbot_core::presets::other::samus_spoiler_url;
use serde_json::{Value as Json, json};

use super::{ProviderContext, SeedProvider, meta};
use crate::error::{Failure, Result};
use crate::http::{send_json, str_field};
use crate::seed::{GeneratedSeed, Surface};

/// Which samus.link randomizer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SamusGame {
    /// Super Metroid.
    Sm,
    /// SM + ALTTP combo.
    Smz3,
}

impl SamusGame {
    /// `sm` or `smz3`.
    pub fn slug(self) -> &'static str {
        match self {
            SamusGame::Sm => "sm",
            SamusGame::Smz3 => "smz3",
        }
    }
}

/// A samus.link generation request.
#[derive(Debug, Clone, PartialEq)]
pub struct SamusRequest {
    /// SM or SMZ3.
    pub game: SamusGame,
    /// The base URL (`https://sm.samus.link`, `https://{release}.samus.link`, …).
    pub baseurl: String,
    /// The settings (string values; `spoilerKey` when a spoiler is wanted).
    pub body: Json,
}

impl SamusRequest {
    /// A multiworld request (§2.3): the preset settings with `race`, `gamemode`,
    /// `players`, `seed` (when given) and `player-<i>` set; sent to `https://samus.link`.
    pub fn multiworld(
        game: SamusGame,
        settings: &Json,
        players: &[String],
        tournament: bool,
        seed_number: Option<u64>,
    ) -> SamusRequest {
        let mut body = settings.as_object().cloned().unwrap_or_default();
        body.insert(
            "race".into(),
            json!(if tournament { "true" } else { "false" }),
        );
        body.insert("gamemode".into(), json!("multiworld"));
        body.insert("players".into(), json!(players.len()));
        if let Some(seed) = seed_number.filter(|&s| s != 0) {
            body.insert("seed".into(), json!(seed.to_string()));
        }
        for (i, name) in players.iter().enumerate() {
            body.insert(format!("player-{i}"), json!(name));
        }
        SamusRequest {
            game,
            baseurl: "https://samus.link".to_owned(),
            body: Json::Object(body),
        }
    }
}

/// The samus.link client.
#[derive(Debug, Clone)]
pub struct SamusProvider {
    ctx: ProviderContext,
}

impl SamusProvider {
    /// A client using `ctx`.
    pub fn new(ctx: ProviderContext) -> Self {
        Self { ctx }
    }
}

/// The 22-character slug of a seed: URL-safe base64 of the UUID's 16 bytes, unpadded.
/// Accepts the UUID with or without hyphens.
pub fn slug(guid: &str) -> Option<String> {
    let hex: String = guid.chars().filter(|c| *c != '-').collect();
    if hex.len() != 32 {
        return None;
    }
    let bytes = (0..16)
        .map(|i| u8::from_str_radix(hex.get(2 * i..2 * i + 2)?, 16).ok())
        .collect::<Option<Vec<u8>>>()?;
    Some(URL_SAFE_NO_PAD.encode(bytes))
}

#[async_trait]
impl SeedProvider for SamusProvider {
    type Request = SamusRequest;

    fn name(&self) -> &'static str {
        "samus"
    }

    async fn generate(
        &self,
        request: &SamusRequest,
        surface: Option<Surface>,
    ) -> Result<GeneratedSeed> {
        let provider = request.game.slug();
        let base = request.baseurl.trim_end_matches('/');
        let url = format!(
            "{}/api/randomizers/{provider}/generate",
            self.ctx.config.resolve_base(base)
        );
        let done = self
            .ctx
            .contract
            .run(provider, "generate", surface, || {
                let req = self.ctx.client.post(&url).json(&request.body);
                async move {
                    let data = send_json(req).await?;
                    let guid = str_field(&data, "guid")?.to_owned();
                    let slug = slug(&guid).ok_or_else(|| {
                        Failure::format(format!("unexpected response: `guid` {guid:?} is no UUID"))
                    })?;
                    Ok((guid, slug, data))
                }
            })
            .await?;
        let provider_meta = meta(provider, "generate", &done, surface);
        let (guid, slug, data) = done.value;
        let kind = if data.get("mode").and_then(Json::as_str) == Some("multiworld") {
            "multiworld"
        } else {
            "seed"
        };
        let code = data
            .get("hash")
            .and_then(Json::as_str)
            .map(|h| vec![h.to_owned()]);
        let spoiler_url = request
            .body
            .get("spoilerKey")
            .and_then(Json::as_str)
            .map(|key| samus_spoiler_url(base, &guid, key, true));
        Ok(GeneratedSeed {
            url: format!("{base}/{kind}/{slug}"),
            hash_or_id: slug,
            code,
            spoiler_url,
            version: None,
            provider_meta,
            data,
            raw: None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slug_vector() {
        assert_eq!(
            slug("0123456789abcdef0123456789abcdef").as_deref(),
            Some("ASNFZ4mrze8BI0VniavN7w")
        );
        assert_eq!(
            slug("01234567-89ab-cdef-0123-456789abcdef").as_deref(),
            Some("ASNFZ4mrze8BI0VniavN7w")
        );
        assert_eq!(slug("nope"), None);
    }

    #[test]
    fn multiworld_request_sets_players_and_seed() {
        let r = SamusRequest::multiworld(
            SamusGame::Smz3,
            &json!({"logic": "normal"}),
            &["a".into(), "b".into()],
            false,
            Some(42),
        );
        assert_eq!(r.body["players"], 2);
        assert_eq!(r.body["player-1"], "b");
        assert_eq!(r.body["seed"], "42");
        assert_eq!(r.body["race"], "false");
        assert_eq!(r.body["gamemode"], "multiworld");
        assert_eq!(r.baseurl, "https://samus.link");
    }
}
