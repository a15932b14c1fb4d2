//! alttpr.com (core.md §2.1): generate through the randomizer, customizer and festive
//! endpoints, retrieve by hash, the daily game, and the file-select code read from the
//! patch data.

use std::sync::Arc;

use async_trait::async_trait;
use serde_json::Value as Json;

use super::{ProviderContext, SeedProvider, meta};
use crate::error::{Failure, Result};
use crate::http::{parse_json, send, send_json, str_field, text};
use crate::seed::{GeneratedSeed, Surface};

/// The ROM offset of the five file-select code bytes.
pub const CODE_OFFSET: u64 = 1_573_397;

/// File-select code byte → item name.
pub const CODE_NAMES: [&str; 32] = [
    "Bow",
    "Boomerang",
    "Hookshot",
    "Bombs",
    "Mushroom",
    "Magic Powder",
    "Ice Rod",
    "Pendant",
    "Bombos",
    "Ether",
    "Quake",
    "Lamp",
    "Hammer",
    "Shovel",
    "Flute",
    "Bugnet",
    "Book",
    "Empty Bottle",
    "Green Potion",
    "Somaria",
    "Cape",
    "Mirror",
    "Boots",
    "Gloves",
    "Flippers",
    "Moon Pearl",
    "Shield",
    "Tunic",
    "Heart",
    "Map",
    "Compass",
    "Big Key",
];

/// The code shown when the patch holds fewer than five code bytes.
pub const DEFAULT_CODE: [&str; 5] = ["Bow", "Boomerang", "Hookshot", "Bombs", "Mushroom"];

/// A generation request: the body goes to `{base}{endpoint}`.
#[derive(Debug, Clone, PartialEq)]
pub struct AlttprRequest {
    /// The branch's base URL; `None` is the configured `ALTTPR_BASEURL`.
    pub baseurl: Option<String>,
    /// `/api/randomizer`, `/api/customizer`, or either with the `/festive` prefix.
    pub endpoint: String,
    /// The settings.
    pub body: Json,
}

/// The alttpr.com client.
#[derive(Debug, Clone)]
pub struct AlttprProvider {
    ctx: ProviderContext,
}

const NAME: &str = "alttpr";

impl AlttprProvider {
    /// A client using `ctx`.
    pub fn new(ctx: ProviderContext) -> Self {
        Self { ctx }
    }

    /// The public base URL for a request (`None` → the configured default).
    pub fn base(&self, baseurl: Option<&str>) -> String {
        baseurl
            .unwrap_or(&self.ctx.config.alttpr.baseurl)
            .trim_end_matches('/')
            .to_owned()
    }

    fn with_auth(&self, request: reqwest::RequestBuilder) -> reqwest::RequestBuilder {
        let a = &self.ctx.config.alttpr;
        if a.username.trim().is_empty() || a.password.is_blank() {
            request
        } else {
            request.basic_auth(&a.username, Some(a.password.expose()))
        }
    }

    /// Fetches a generated game by hash (`GET {base}/hash/{hash}`).
    ///
    /// # Errors
    /// A taxonomy error (404 for an unknown hash is an invalid request).
    pub async fn retrieve(
        &self,
        hash: &str,
        baseurl: Option<&str>,
        surface: Option<Surface>,
    ) -> Result<GeneratedSeed> {
        let base = self.base(baseurl);
        let url = format!("{}/hash/{hash}", self.ctx.config.resolve_base(&base));
        let done = self
            .ctx
            .contract
            .run(NAME, "retrieve", surface, || {
                let req = self.with_auth(self.ctx.client.get(&url));
                fetch_game(req)
            })
            .await?;
        Ok(done_to_seed(&base, "retrieve", surface, done))
    }

    /// The hash of today's daily game (`GET https://alttpr.com/api/daily`).
    ///
    /// # Errors
    /// A taxonomy error.
    pub async fn daily_hash(&self, surface: Option<Surface>) -> Result<String> {
        let url = self.ctx.config.alttpr.daily_url.clone();
        let done = self
            .ctx
            .contract
            .run(NAME, "daily", surface, || {
                let req = self.with_auth(self.ctx.client.get(&url));
                async move {
                    let body = send_json(req).await?;
                    Ok(str_field(&body, "hash")?.to_owned())
                }
            })
            .await?;
        Ok(done.value)
    }

    /// The display labels of the settings (`GET {base}/randomizer/settings`).
    ///
    /// # Errors
    /// A taxonomy error.
    pub async fn settings_map(
        &self,
        baseurl: Option<&str>,
        surface: Option<Surface>,
    ) -> Result<Json> {
        let url = format!(
            "{}/randomizer/settings",
            self.ctx.config.resolve_base(&self.base(baseurl))
        );
        let done = self
            .ctx
            .contract
            .run(NAME, "settings", surface, || {
                let req = self.with_auth(self.ctx.client.get(&url));
                async move { send_json(req).await }
            })
            .await?;
        Ok(done.value)
    }
}

#[async_trait]
impl SeedProvider for AlttprProvider {
    type Request = AlttprRequest;

    fn name(&self) -> &'static str {
        NAME
    }

    async fn generate(
        &self,
        request: &AlttprRequest,
        surface: Option<Surface>,
    ) -> Result<GeneratedSeed> {
        let base = self.base(request.baseurl.as_deref());
        let url = format!(
            "{}{}",
            self.ctx.config.resolve_base(&base),
            request.endpoint
        );
        let done = self
            .ctx
            .contract
            .run(NAME, "generate", surface, || {
                let req = self.with_auth(self.ctx.client.post(&url).json(&request.body));
                fetch_game(req)
            })
            .await?;
        Ok(done_to_seed(&base, "generate", surface, done))
    }
}

/// A parsed game: hash, code, and the whole answer (parsed and as sent).
#[derive(Debug)]
struct Game {
    hash: String,
    code: Vec<String>,
    data: Json,
    raw: Arc<str>,
}

/// Sends the request and reads a game from the answer.
async fn fetch_game(request: reqwest::RequestBuilder) -> Result<Game, Failure> {
    let raw = text(send(request).await?).await?;
    let data = parse_json(&raw)?;
    parse_game(data, raw.into())
}

fn parse_game(data: Json, raw: Arc<str>) -> Result<Game, Failure> {
    let hash = str_field(&data, "hash")?.to_owned();
    let patch = data
        .get("patch")
        .ok_or_else(|| Failure::format("unexpected response: no `patch`"))?;
    let code = file_select_code(patch)
        .map_err(|e| Failure::format(format!("unexpected response: {e}")))?
        .into_iter()
        .map(str::to_owned)
        .collect();
    Ok(Game {
        hash,
        code,
        data,
        raw,
    })
}

fn done_to_seed(
    base: &str,
    operation: &str,
    surface: Option<Surface>,
    done: crate::contract::Completed<Game>,
) -> GeneratedSeed {
    let provider_meta = meta(NAME, operation, &done, surface);
    let game = done.value;
    let version = game
        .data
        .pointer("/spoiler/meta/version")
        .and_then(Json::as_str)
        .map(str::to_owned);
    GeneratedSeed {
        url: permalink(base, &game.hash),
        hash_or_id: game.hash,
        code: Some(game.code),
        spoiler_url: None,
        version,
        provider_meta,
        data: game.data,
        raw: Some(game.raw),
    }
}

/// `{base}/h/{hash}`.
pub fn permalink(base: &str, hash: &str) -> String {
    format!("{}/h/{hash}", base.trim_end_matches('/'))
}

/// The chunks of a patch list as `(offset, bytes)`, sorted by offset.
fn chunks(patch: &Json) -> Result<Vec<(u64, Vec<u8>)>, String> {
    let list = patch.as_array().ok_or("`patch` is not a list")?;
    let mut out = Vec::new();
    for entry in list {
        let obj = entry.as_object().ok_or("a patch entry is not an object")?;
        for (offset, bytes) in obj {
            let offset: u64 = offset
                .parse()
                .map_err(|_| format!("patch offset {offset:?} is not a number"))?;
            let bytes = bytes
                .as_array()
                .ok_or("patch bytes are not a list")?
                .iter()
                .map(|b| {
                    b.as_u64()
                        .and_then(|b| u8::try_from(b).ok())
                        .ok_or("a patch byte is not in 0..=255")
                })
                .collect::<Result<Vec<u8>, _>>()?;
            out.push((offset, bytes));
        }
    }
    out.sort_by_key(|(o, _)| *o);
    Ok(out)
}

/// Up to `len` bytes at ROM offset `target`: the chunk starting exactly there, else the
/// chunk before it (bytes from `target - start`). Errors when no chunk starts at or before
/// `target`.
pub fn patch_bytes(patch: &Json, target: u64, len: usize) -> Result<Vec<u8>, String> {
    let chunks = chunks(patch)?;
    let idx = chunks.partition_point(|(o, _)| *o < target);
    if let Some((o, bytes)) = chunks.get(idx)
        && *o == target
    {
        return Ok(bytes.iter().take(len).copied().collect());
    }
    let Some((start, bytes)) = idx.checked_sub(1).and_then(|i| chunks.get(i)) else {
        return Err(format!("no patch data at or before offset {target}"));
    };
    let from = usize::try_from(target - start).unwrap_or(usize::MAX);
    Ok(bytes.iter().skip(from).take(len).copied().collect())
}

/// The file-select code of a patch: five names; the default code when the patch holds
/// fewer than five bytes there.
pub fn file_select_code(patch: &Json) -> Result<Vec<&'static str>, String> {
    let bytes = patch_bytes(patch, CODE_OFFSET, 5)?;
    if bytes.len() < 5 {
        return Ok(DEFAULT_CODE.to_vec());
    }
    bytes
        .iter()
        .map(|&b| {
            CODE_NAMES
                .get(usize::from(b))
                .copied()
                .ok_or_else(|| format!("file-select code byte {b} is out of range"))
        })
        .collect()
}

/// The code as text: the names joined with `/`.
pub fn code_text(code: &[impl AsRef<str>]) -> String {
    code.iter().map(AsRef::as_ref).collect::<Vec<_>>().join("/")
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn code_from_an_exact_chunk() {
        let patch = json!([{"100": [1]}, {"1573397": [0, 1, 2, 3, 4, 9]}]);
        assert_eq!(
            file_select_code(&patch).unwrap(),
            ["Bow", "Boomerang", "Hookshot", "Bombs", "Mushroom"]
        );
    }

    #[test]
    fn code_from_inside_the_previous_chunk() {
        let patch = json!([{"1573395": [99, 99, 31, 30, 29, 28, 27]}, {"1573500": [0]}]);
        assert_eq!(
            file_select_code(&patch).unwrap(),
            ["Big Key", "Compass", "Map", "Heart", "Tunic"]
        );
    }

    #[test]
    fn short_data_gives_the_default_and_no_chunk_is_an_error() {
        let patch = json!([{"1573396": [1, 2, 3]}]);
        assert_eq!(file_select_code(&patch).unwrap(), DEFAULT_CODE);
        let patch = json!([{"1573400": [1, 2, 3, 4, 5]}]);
        assert!(file_select_code(&patch).is_err());
    }

    #[test]
    fn code_text_and_permalink() {
        assert_eq!(
            code_text(&DEFAULT_CODE),
            "Bow/Boomerang/Hookshot/Bombs/Mushroom"
        );
        assert_eq!(
            permalink("https://alttpr.com/", "AbC"),
            "https://alttpr.com/h/AbC"
        );
    }
}
