//! SM VARIA (core.md §2.4): settings preset and skill preset fetched from the VARIA web
//! services, merged with the caller's settings, then posted as a form.

use async_trait::async_trait;
use serde_json::{Map, Value as Json};

use super::{ProviderContext, SeedProvider, meta};
use crate::error::{Failure, Result};
use crate::http::{python_str, send, send_json, text};
use crate::pyjson::dumps;
use crate::seed::{GeneratedSeed, Surface};

const NAME: &str = "varia";

/// A VARIA generation request.
#[derive(Debug, Clone, PartialEq)]
pub struct VariaRequest {
    /// The settings preset (`default`, `Season_Races`, …).
    pub settings_preset: String,
    /// The skill preset (`regular`, `newbie`, `Season_Races`, …).
    pub skills_preset: String,
    /// Race mode.
    pub race: bool,
    /// Settings merged on top of the presets.
    pub settings: Option<Map<String, Json>>,
}

/// The VARIA client.
#[derive(Debug, Clone)]
pub struct VariaProvider {
    ctx: ProviderContext,
}

/// Merges `over` into `base`: nested objects merge, anything else is replaced.
pub fn deep_merge(base: &mut Map<String, Json>, over: &Map<String, Json>) {
    for (k, v) in over {
        match (base.get_mut(k), v) {
            (Some(Json::Object(b)), Json::Object(o)) => deep_merge(b, o),
            _ => {
                base.insert(k.clone(), v.clone());
            }
        }
    }
}

/// `{base}/customizer/{seedKey as 8-4-4-4-12}`; `None` when `seed_key` is no UUID.
pub fn customizer_url(base: &str, seed_key: &str) -> Option<String> {
    let hex: String = seed_key.chars().filter(|c| *c != '-').collect();
    if hex.len() != 32 || !hex.chars().all(|c| c.is_ascii_hexdigit()) {
        return None;
    }
    let hex = hex.to_ascii_lowercase();
    Some(format!(
        "{}/customizer/{}-{}-{}-{}-{}",
        base.trim_end_matches('/'),
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    ))
}

impl VariaProvider {
    /// A client using `ctx`.
    pub fn new(ctx: ProviderContext) -> Self {
        Self { ctx }
    }

    fn base(&self) -> String {
        self.ctx.config.varia_base.trim_end_matches('/').to_owned()
    }

    async fn post_form(
        &self,
        path: &str,
        operation: &str,
        form: Vec<(String, String)>,
        surface: Option<Surface>,
    ) -> Result<Json> {
        let url = format!("{}{path}", self.base());
        let done = self
            .ctx
            .contract
            .run(NAME, operation, surface, || {
                let req = self.ctx.client.post(&url).form(&form);
                async move { send_json(req).await }
            })
            .await?;
        Ok(done.value)
    }

    async fn settings_preset(&self, name: &str, surface: Option<Surface>) -> Result<Json> {
        self.post_form(
            "/randoPresetWebService",
            "settings_preset",
            vec![
                ("randoPreset".into(), name.into()),
                ("origin".into(), "extStats".into()),
            ],
            surface,
        )
        .await
    }

    /// The form fields VARIA's generator receives for `request` (the presets fetched and
    /// merged, lists joined with commas).
    ///
    /// # Errors
    /// A taxonomy error from a preset service (400: the preset does not exist).
    pub async fn build_form(
        &self,
        request: &VariaRequest,
        surface: Option<Surface>,
    ) -> Result<Vec<(String, String)>> {
        let mut settings = self
            .settings_preset("default", surface)
            .await?
            .as_object()
            .cloned()
            .unwrap_or_default();
        settings.insert("complexity".into(), "advanced".into());
        settings.insert("seed".into(), "0".into());
        settings.insert("logic".into(), "vanilla".into());
        if request.settings_preset != "default" {
            let preset = self
                .settings_preset(&request.settings_preset, surface)
                .await?;
            if let Some(p) = preset.as_object() {
                deep_merge(&mut settings, p);
            }
        }
        if let Some(extra) = &request.settings {
            deep_merge(&mut settings, extra);
        }
        let skills = self
            .post_form(
                "/presetWebService",
                "skills_preset",
                vec![("preset".into(), request.skills_preset.clone())],
                surface,
            )
            .await?;
        settings.insert("paramsFileTarget".into(), Json::String(dumps(&skills)));
        settings.insert("preset".into(), request.skills_preset.clone().into());
        settings.insert(
            "raceMode".into(),
            if request.race { "on" } else { "off" }.into(),
        );
        Ok(settings
            .into_iter()
            .map(|(k, v)| {
                let v = match &v {
                    Json::Array(items) => {
                        items.iter().map(python_str).collect::<Vec<_>>().join(",")
                    }
                    other => python_str(other),
                };
                (k, v)
            })
            .collect())
    }
}

#[async_trait]
impl SeedProvider for VariaProvider {
    type Request = VariaRequest;

    fn name(&self) -> &'static str {
        NAME
    }

    async fn generate(
        &self,
        request: &VariaRequest,
        surface: Option<Surface>,
    ) -> Result<GeneratedSeed> {
        let form = self.build_form(request, surface).await?;
        let base = self.base();
        let url = format!("{base}/randomizerWebService");
        let done = self
            .ctx
            .contract
            .run(NAME, "generate", surface, || {
                let req = self.ctx.client.post(&url).form(&form);
                let base = base.clone();
                async move {
                    let body = text(send(req).await?).await?;
                    let data: Json =
                        serde_json::from_str(&body).unwrap_or_else(|_| Json::String(body.clone()));
                    let key = data.get("seedKey").and_then(Json::as_str).ok_or_else(|| {
                        Failure::format(format!(
                            "no seed generated: {}",
                            crate::error::truncate(&body, 500)
                        ))
                    })?;
                    let url = customizer_url(&base, key)
                        .ok_or_else(|| Failure::format(format!("`seedKey` {key:?} is no UUID")))?;
                    Ok((key.to_owned(), url, data))
                }
            })
            .await?;
        let provider_meta = meta(NAME, "generate", &done, surface);
        let (key, url, data) = done.value;
        Ok(GeneratedSeed {
            url,
            hash_or_id: key,
            code: None,
            spoiler_url: None,
            version: None,
            provider_meta,
            data,
            raw: None,
        })
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn deep_merge_merges_objects_and_replaces_the_rest() {
        let mut base = json!({"a": {"x": 1, "y": 2}, "b": [1], "c": 1})
            .as_object()
            .cloned()
            .unwrap();
        let over = json!({"a": {"y": 3}, "b": [2], "d": 4})
            .as_object()
            .cloned()
            .unwrap();
        deep_merge(&mut base, &over);
        assert_eq!(
            Json::Object(base),
            json!({"a": {"x": 1, "y": 3}, "b": [2], "c": 1, "d": 4})
        );
    }

    #[test]
    fn customizer_url_formats_the_uuid() {
        assert_eq!(
            customizer_url("https://v/", "0123456789ABCDEF0123456789abcdef").unwrap(),
            "https://v/customizer/01234567-89ab-cdef-0123-456789abcdef"
        );
        assert!(customizer_url("https://v", "zz").is_none());
    }
}
