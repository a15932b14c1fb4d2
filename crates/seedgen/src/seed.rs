//! [`GeneratedSeed`]: the canonical answer of every provider (core.md §3.3).

use std::fmt;
use std::sync::Arc;

use serde::Serialize;
use serde_json::{Value as Json, json};

/// Where a generation was asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Surface {
    /// A Discord command.
    Discord,
    /// A racetime.gg room command.
    Racetime,
    /// The HTTP API.
    Api,
}

impl fmt::Display for Surface {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Surface::Discord => "discord",
            Surface::Racetime => "racetime",
            Surface::Api => "api",
        })
    }
}

/// How a generation went: provider, operation, attempts and latency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProviderMeta {
    /// The provider's short name.
    pub provider: String,
    /// The operation (`generate`, …).
    pub operation: String,
    /// The attempt that succeeded (1-based), for the main request of the operation.
    pub attempt_count: u32,
    /// Milliseconds from the start of the first attempt to the success, waits included.
    pub latency_ms: u64,
    /// Where the generation was asked for.
    pub surface: Option<Surface>,
}

/// A generated game, whatever the provider.
#[derive(Debug, Clone, PartialEq)]
pub struct GeneratedSeed {
    /// The permalink users open.
    pub url: String,
    /// The provider's id for the game (alttpr hash, samus.link slug, door id, …).
    pub hash_or_id: String,
    /// The file-select code, when the provider has one.
    pub code: Option<Vec<String>>,
    /// Where the spoiler log is, when there is one.
    pub spoiler_url: Option<String>,
    /// The generator's version, when known.
    pub version: Option<String>,
    /// How the generation went.
    pub provider_meta: ProviderMeta,
    /// The provider's full answer (embeds and spoiler logs read it); `Null` when there is
    /// nothing more than the fields above.
    pub data: Json,
    /// The provider's answer as it was sent, where key order matters (alttpr.com games,
    /// for spoiler logs); `None` for other providers.
    pub raw: Option<Arc<str>>,
}

impl GeneratedSeed {
    /// The canonical dictionary form: `url`, `hash_or_id`, `provider_meta` (with `surface`
    /// always present), and `code`, `spoiler_url`, `version` only when set.
    pub fn to_json(&self) -> Json {
        let mut obj = serde_json::Map::new();
        obj.insert("url".into(), json!(self.url));
        obj.insert("hash_or_id".into(), json!(self.hash_or_id));
        obj.insert(
            "provider_meta".into(),
            serde_json::to_value(&self.provider_meta).unwrap_or(Json::Null),
        );
        if let Some(code) = &self.code {
            obj.insert("code".into(), json!(code));
        }
        if let Some(spoiler) = &self.spoiler_url {
            obj.insert("spoiler_url".into(), json!(spoiler));
        }
        if let Some(version) = &self.version {
            obj.insert("version".into(), json!(version));
        }
        Json::Object(obj)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn optional_fields_are_omitted_and_surface_is_always_there() {
        let seed = GeneratedSeed {
            url: "https://alttpr.com/h/abc".into(),
            hash_or_id: "abc".into(),
            code: None,
            spoiler_url: None,
            version: Some("v1".into()),
            provider_meta: ProviderMeta {
                provider: "alttpr".into(),
                operation: "generate".into(),
                attempt_count: 2,
                latency_ms: 5,
                surface: None,
            },
            data: Json::Null,
            raw: None,
        };
        let j = seed.to_json();
        assert!(j.get("code").is_none());
        assert!(j.get("spoiler_url").is_none());
        assert_eq!(j["version"], "v1");
        assert_eq!(j["provider_meta"]["surface"], Json::Null);
        assert_eq!(j["provider_meta"]["attempt_count"], 2);
    }
}
