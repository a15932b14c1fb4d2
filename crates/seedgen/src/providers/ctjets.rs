//! Chrono Trigger: Jets of Time (ctjot.com, core.md §2.8): the options page gives a CSRF
//! token, the ROM form is posted with the settings, and the answer page links the seed.

use std::sync::Arc;

use async_trait::async_trait;
use reqwest::cookie::Jar;
use reqwest::multipart::{Form, Part};
use serde_json::Value as Json;

use super::{ProviderContext, SeedProvider, client_builder, meta};
use crate::error::{Error, Failure, Result};
use crate::http::{hidden_input, python_str, send, text};
use crate::seed::{GeneratedSeed, Surface};

const NAME: &str = "ctjets";

/// The host seed links point to.
pub const CTJOT_SITE: &str = "http://www.ctjot.com";

/// A CTJets generation request.
#[derive(Debug, Clone, PartialEq)]
pub struct CtJetsRequest {
    /// The form fields (ctjot.com names and values).
    pub settings: Json,
    /// The generator version, `3.1.0` or `3_1_0`.
    pub version: String,
}

/// The ctjot.com client.
#[derive(Debug, Clone)]
pub struct CtJetsProvider {
    ctx: ProviderContext,
}

impl CtJetsProvider {
    /// A client using `ctx`.
    pub fn new(ctx: ProviderContext) -> Self {
        Self { ctx }
    }
}

/// The `href` of the first `<a>` whose text is `Seed share link`.
pub fn share_link(html: &str) -> Option<String> {
    let re = regex::Regex::new(r#"(?is)<a\b([^>]*)>\s*Seed share link\s*</a>"#).ok()?;
    let href = regex::Regex::new(r#"(?i)\bhref\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))"#).ok()?;
    let attrs = re.captures(html)?.get(1)?.as_str();
    let c = href.captures(attrs)?;
    c.get(1)
        .or_else(|| c.get(2))
        .or_else(|| c.get(3))
        .map(|m| m.as_str().replace("&amp;", "&"))
}

#[async_trait]
impl SeedProvider for CtJetsProvider {
    type Request = CtJetsRequest;

    fn name(&self) -> &'static str {
        NAME
    }

    async fn generate(
        &self,
        request: &CtJetsRequest,
        surface: Option<Surface>,
    ) -> Result<GeneratedSeed> {
        let rom_path = &self.ctx.config.ctjets_rom;
        let rom = tokio::fs::read(rom_path)
            .await
            .map_err(|e| Error::NotInstalled {
                provider: NAME.to_owned(),
                message: format!(
                    "cannot read the Chrono Trigger ROM {}: {e}",
                    rom_path.display()
                ),
            })?;
        let version = request.version.replace('.', "_");
        let base = self.ctx.config.ctjets_base.trim_end_matches('/');
        let options = format!("{base}/{version}/options/");
        let generate = format!("{base}/{version}/generate-rom/");
        let fields: Vec<(String, String)> = request
            .settings
            .as_object()
            .map(|m| m.iter().map(|(k, v)| (k.clone(), python_str(v))).collect())
            .unwrap_or_default();
        let done = self
            .ctx
            .contract
            .run(NAME, "generate", surface, || {
                let options = options.clone();
                let generate = generate.clone();
                let fields = fields.clone();
                let rom = rom.clone();
                async move {
                    let client = client_builder()
                        .cookie_provider(Arc::new(Jar::default()))
                        .build()
                        .map_err(|e| Failure::unavailable(e.to_string()))?;
                    let page = text(send(client.get(&options)).await?).await?;
                    let csrf = hidden_input(&page, "csrfmiddlewaretoken")
                        .ok_or_else(|| Failure::format("no CSRF token on the options page"))?;
                    let mut form = Form::new()
                        .text("csrfmiddlewaretoken", csrf)
                        .text("seed", "");
                    for (k, v) in fields {
                        form = form.text(k, v);
                    }
                    form = form.part("rom_file", Part::bytes(rom).file_name("rom_file"));
                    let req = client
                        .post(&generate)
                        .header(reqwest::header::REFERER, &options)
                        .multipart(form);
                    let html = text(send(req).await?).await?;
                    share_link(&html)
                        .ok_or_else(|| Failure::format("no seed share link in the answer"))
                }
            })
            .await?;
        let provider_meta = meta(NAME, "generate", &done, surface);
        let href = done.value;
        let url = if href.starts_with("http://") || href.starts_with("https://") {
            href
        } else {
            format!("{CTJOT_SITE}{href}")
        };
        let id = url
            .trim_end_matches('/')
            .rsplit('/')
            .next()
            .unwrap_or_default()
            .to_owned();
        Ok(GeneratedSeed {
            url,
            hash_or_id: id,
            code: None,
            spoiler_url: None,
            version: Some(version),
            provider_meta,
            data: Json::Null,
            raw: None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_share_link() {
        let html = r#"<p><a href="/x">other</a> <a class="b" href="/share/abc123/">Seed share link</a></p>"#;
        assert_eq!(share_link(html).as_deref(), Some("/share/abc123/"));
        assert_eq!(share_link("<a href='/x'>nope</a>"), None);
    }
}
