//! DASH (dashrando.net, core.md §2.7): a GET that answers 307 with the seed URL as its
//! body; redirects are not followed.

use async_trait::async_trait;
use serde_json::Value as Json;

use super::{ProviderContext, SeedProvider, client_builder, meta};
use crate::error::{Error, Failure, Result, truncate};
use crate::http::{send_json, send_raw, text};
use crate::seed::{GeneratedSeed, Surface};

const NAME: &str = "dash";

/// The modes offered when the preset list cannot be read.
pub const FALLBACK_MODES: [&str; 6] = [
    "classic",
    "recall",
    "2017_mm",
    "chozo_bozo",
    "sgl23",
    "surprise_surprise",
];

/// A DASH generation request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DashRequest {
    /// The mode (`classic_mm` by default).
    pub mode: String,
    /// Whether a spoiler is wanted.
    pub spoiler: bool,
}

impl Default for DashRequest {
    fn default() -> Self {
        Self {
            mode: "classic_mm".to_owned(),
            spoiler: false,
        }
    }
}

/// The DASH client.
#[derive(Debug, Clone)]
pub struct DashProvider {
    ctx: ProviderContext,
    no_redirects: reqwest::Client,
}

impl DashProvider {
    /// A client using `ctx` (plus its own client that does not follow redirects and speaks
    /// TLS 1.2 at most, as the original).
    ///
    /// # Errors
    /// When the HTTP client cannot be built.
    pub fn new(ctx: ProviderContext) -> Result<Self> {
        let no_redirects = client_builder()
            .redirect(reqwest::redirect::Policy::none())
            .max_tls_version(reqwest::tls::Version::TLS_1_2)
            .build()
            .map_err(Error::Client)?;
        Ok(Self { ctx, no_redirects })
    }

    fn base(&self) -> &str {
        self.ctx.config.dash_base.trim_end_matches('/')
    }

    /// The mode names (`data[].tags[0]` of `/api/presets`), or [`FALLBACK_MODES`] on any
    /// failure.
    pub async fn presets(&self, surface: Option<Surface>) -> Vec<String> {
        let url = format!("{}/api/presets", self.base());
        let result = self
            .ctx
            .contract
            .run(NAME, "presets", surface, || {
                let req = self.ctx.client.get(&url);
                async move { send_json(req).await }
            })
            .await;
        let modes: Option<Vec<String>> = result.ok().and_then(|done| {
            done.value
                .get("data")?
                .as_array()?
                .iter()
                .map(|p| {
                    p.pointer("/tags/0")
                        .and_then(Json::as_str)
                        .map(str::to_owned)
                })
                .collect()
        });
        modes.unwrap_or_else(|| FALLBACK_MODES.iter().map(|s| (*s).to_owned()).collect())
    }
}

#[async_trait]
impl SeedProvider for DashProvider {
    type Request = DashRequest;

    fn name(&self) -> &'static str {
        NAME
    }

    async fn generate(
        &self,
        request: &DashRequest,
        surface: Option<Surface>,
    ) -> Result<GeneratedSeed> {
        let mut url = format!("{}/generate/{}?race=1", self.base(), request.mode);
        if request.spoiler {
            url.push_str("&spoiler=1");
        }
        let done = self
            .ctx
            .contract
            .run(NAME, "generate", surface, || {
                let req = self.no_redirects.get(&url);
                async move {
                    let response = send_raw(req).await?;
                    let status = response.status().as_u16();
                    let body = text(response).await?;
                    match status {
                        307 => {
                            let seed_url = body.trim().to_owned();
                            if seed_url.is_empty() {
                                return Err(Failure::format("307 without a seed URL"));
                            }
                            // The body is the permalink users get: only an http(s) URL.
                            let is_url = url::Url::parse(&seed_url)
                                .is_ok_and(|u| matches!(u.scheme(), "http" | "https"));
                            if !is_url {
                                return Err(Failure::format(format!(
                                    "307 whose body is no seed URL: {}",
                                    truncate(&seed_url, 200)
                                )));
                            }
                            Ok(seed_url)
                        }
                        200..=299 => Err(Failure::format(format!(
                            "Could not generate smdash seed: {}",
                            truncate(body.trim(), 500)
                        ))),
                        _ => Err(Failure::http(status, &body)),
                    }
                }
            })
            .await?;
        let provider_meta = meta(NAME, "generate", &done, surface);
        let seed_url = done.value;
        let id = seed_url
            .trim_end_matches('/')
            .rsplit('/')
            .next()
            .unwrap_or_default()
            .to_owned();
        Ok(GeneratedSeed {
            spoiler_url: request.spoiler.then(|| seed_url.clone()),
            url: seed_url,
            hash_or_id: id,
            code: None,
            version: None,
            provider_meta,
            data: Json::Null,
            raw: None,
        })
    }
}
