//! AVIANART (core.md §2.6): generate, then poll until the game is finished. Unlike the
//! original (reference bug B11), an immediately finished answer is a success and a game
//! still generating after the last poll is a timeout error.

use async_trait::async_trait;
use serde_json::{Value as Json, json};

use super::doors::translate_code;
use super::{ProviderContext, SeedProvider, meta};
use crate::error::{Error, ErrorKind, Failure, ProviderFailure, Result};
use crate::http::{send_json, str_field};
use crate::seed::{GeneratedSeed, Surface};

const NAME: &str = "avianart";

/// The public site, for permalinks.
pub const AVIANART_SITE: &str = "https://avianart.games";

/// An AVIANART generation request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AvianartRequest {
    /// The AVIANART preset name.
    pub preset: String,
    /// Race mode.
    pub race: bool,
}

/// The AVIANART client.
#[derive(Debug, Clone)]
pub struct AvianartProvider {
    ctx: ProviderContext,
}

impl AvianartProvider {
    /// A client using `ctx`.
    pub fn new(ctx: ProviderContext) -> Self {
        Self { ctx }
    }
}

/// `response.status`, `finished` when absent.
fn status(answer: &Json) -> &str {
    answer
        .pointer("/response/status")
        .and_then(Json::as_str)
        .unwrap_or("finished")
}

fn response_of(answer: Json) -> Result<Json, Failure> {
    match answer {
        Json::Object(mut obj) if obj.get("response").is_some_and(Json::is_object) => obj
            .remove("response")
            .ok_or_else(|| Failure::format("unexpected response: no `response`")),
        _ => Err(Failure::format("unexpected response: no `response` object")),
    }
}

#[async_trait]
impl SeedProvider for AvianartProvider {
    type Request = AvianartRequest;

    fn name(&self) -> &'static str {
        NAME
    }

    async fn generate(
        &self,
        request: &AvianartRequest,
        surface: Option<Surface>,
    ) -> Result<GeneratedSeed> {
        let base = self.ctx.config.avianart_base.trim_end_matches('/');
        let api = format!("{base}/api.php");
        let payload = json!([{"args": {"race": request.race}}]);
        let done = self
            .ctx
            .contract
            .run(NAME, "generate", surface, || {
                let req = self
                    .ctx
                    .client
                    .post(&api)
                    .query(&[("action", "generate"), ("preset", request.preset.as_str())])
                    .json(&payload);
                async move {
                    let answer = send_json(req).await?;
                    let response = response_of(answer.clone())?;
                    let hash = str_field(&response, "hash")?.to_owned();
                    Ok((hash, answer))
                }
            })
            .await?;
        let provider_meta = meta(NAME, "generate", &done, surface);
        let (hash, mut answer) = done.value;

        let mut polls = 0;
        loop {
            match status(&answer) {
                "finished" => break,
                "failure" => {
                    let message = answer
                        .pointer("/response/message")
                        .and_then(Json::as_str)
                        .unwrap_or("unknown error");
                    return Err(Error::InvalidRequest(ProviderFailure {
                        provider: NAME.to_owned(),
                        operation: "poll".to_owned(),
                        attempts: polls,
                        status_code: None,
                        provider_message: format!("Failed to generate game: {message}"),
                    }));
                }
                _ if polls >= self.ctx.config.avianart_max_polls => {
                    return Err(Error::from_failure(
                        Failure::new(
                            ErrorKind::Timeout,
                            format!("game {hash} was still generating after {polls} polls"),
                        ),
                        NAME,
                        "poll",
                        polls,
                    ));
                }
                _ => {}
            }
            tokio::time::sleep(self.ctx.config.avianart_poll_interval).await;
            polls += 1;
            answer = self
                .ctx
                .contract
                .run(NAME, "poll", surface, || {
                    let req = self
                        .ctx
                        .client
                        .get(&api)
                        .query(&[("action", "permlink"), ("hash", hash.as_str())]);
                    async move {
                        let answer = send_json(req).await?;
                        response_of(answer.clone())?;
                        Ok(answer)
                    }
                })
                .await?
                .value;
        }

        let response = answer.get("response").cloned().unwrap_or(Json::Null);
        let code_text = response
            .pointer("/spoiler/meta/hash")
            .and_then(Json::as_str)
            .ok_or_else(|| {
                Error::from_failure(
                    Failure::format("unexpected response: no `spoiler.meta.hash`"),
                    NAME,
                    "poll",
                    polls.max(1),
                )
            })?;
        let code = translate_code(code_text);
        let version = response
            .pointer("/spoiler/meta/version")
            .and_then(Json::as_str)
            .map(str::to_owned);
        Ok(GeneratedSeed {
            url: format!("{AVIANART_SITE}/perm/{hash}"),
            hash_or_id: hash,
            code: Some(code),
            spoiler_url: None,
            version,
            provider_meta,
            data: response,
            raw: None,
        })
    }
}
