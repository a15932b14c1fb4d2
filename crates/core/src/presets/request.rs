//! [`ProviderRequest`]: what a preset asks a seed provider for.

use serde_json::{Value as Json, json};

/// A description of one provider call, built from a preset and options. The seedgen crate
/// sends it; nothing here does I/O.
#[derive(Debug, Clone, PartialEq)]
pub enum ProviderRequest {
    /// POST to alttpr.com (`/api/randomizer` or `/api/customizer`).
    Alttpr {
        /// Base URL chosen by branch; `None` means the configured `ALTTPR_BASEURL`.
        baseurl: Option<String>,
        /// Endpoint path, including any prefix such as `/festive`.
        endpoint: String,
        /// The JSON body.
        body: Json,
    },
    /// The local door randomizer.
    Doors {
        /// Whether the spoiler is public.
        spoilers: bool,
        /// Branch / checkout to run (`None`: the provider's default).
        branch: Option<String>,
        /// The DungeonRandomizer settings, before the provider adds its fixed keys.
        settings: Json,
    },
    /// AVIANART.
    Avianart {
        /// The AVIANART preset name (may be namespaced on AVIANART's side).
        preset: String,
        /// Race mode (no spoiler).
        race: bool,
    },
    /// samus.link Super Metroid.
    Sm {
        /// `https://sm.samus.link` or `https://{release}.sm.samus.link`.
        baseurl: String,
        /// The JSON body (all strings).
        body: Json,
    },
    /// samus.link SMZ3.
    Smz3 {
        /// `https://samus.link` or `https://{release}.samus.link`.
        baseurl: String,
        /// The JSON body (all strings).
        body: Json,
    },
    /// ctjot.com form submission.
    CtJets {
        /// The form fields.
        settings: Json,
        /// The generator version (`3.1.0` style, as the preset gives it).
        version: String,
    },
}

impl ProviderRequest {
    /// The provider's short name (`alttpr`, `doors`, `avianart`, `sm`, `smz3`, `ctjets`).
    pub fn provider(&self) -> &'static str {
        match self {
            ProviderRequest::Alttpr { .. } => "alttpr",
            ProviderRequest::Doors { .. } => "doors",
            ProviderRequest::Avianart { .. } => "avianart",
            ProviderRequest::Sm { .. } => "sm",
            ProviderRequest::Smz3 { .. } => "smz3",
            ProviderRequest::CtJets { .. } => "ctjets",
        }
    }

    /// The endpoint path for providers that POST to one.
    pub fn endpoint(&self) -> Option<&str> {
        match self {
            ProviderRequest::Alttpr { endpoint, .. } => Some(endpoint),
            ProviderRequest::Sm { .. } => Some("/api/randomizers/sm/generate"),
            ProviderRequest::Smz3 { .. } => Some("/api/randomizers/smz3/generate"),
            _ => None,
        }
    }

    /// A JSON description `{provider, baseurl?, endpoint?, body | settings | preset …}`;
    /// `default_baseurl` fills in an alttpr `baseurl` of `None`.
    pub fn to_json(&self, default_baseurl: &str) -> Json {
        match self {
            ProviderRequest::Alttpr {
                baseurl,
                endpoint,
                body,
            } => json!({
                "provider": "alttpr",
                "baseurl": baseurl.as_deref().unwrap_or(default_baseurl),
                "endpoint": endpoint,
                "body": body,
            }),
            ProviderRequest::Doors {
                spoilers,
                branch,
                settings,
            } => json!({
                "provider": "doors", "spoilers": spoilers, "branch": branch, "body": settings,
            }),
            ProviderRequest::Avianart { preset, race } => {
                json!({"provider": "avianart", "preset": preset, "race": race})
            }
            ProviderRequest::Sm { baseurl, body } | ProviderRequest::Smz3 { baseurl, body } => {
                json!({
                    "provider": self.provider(),
                    "baseurl": baseurl,
                    "endpoint": self.endpoint(),
                    "body": body,
                })
            }
            ProviderRequest::CtJets { settings, version } => {
                json!({"provider": "ctjets", "settings": settings, "version": version})
            }
        }
    }
}

/// The preset-side fields of an `audit_generated_games` row (the provider adds `hash_id`,
/// `permalink` and the settings it sent).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GenerationAudit {
    /// `randomizer` column: `alttpr` (also for mystery), `sm`, `smz3`, `ctjets`.
    pub randomizer: String,
    /// `gentype` column: `preset` or `mystery`.
    pub gentype: String,
    /// `genoption` column: the preset or weightset name part (namespace dropped).
    pub genoption: Option<String>,
    /// `customizer` column (stored as 1/0).
    pub customizer: bool,
    /// `doors` column, written by alttpr presets and mystery rolls only.
    pub doors: Option<bool>,
    /// `avianart` column, written by alttpr presets only.
    pub avianart: Option<bool>,
}

impl GenerationAudit {
    /// The fields as the original's audit call passes them (`customizer` as 1/0).
    pub fn to_json(&self) -> Json {
        let mut obj = serde_json::Map::new();
        obj.insert("randomizer".into(), json!(self.randomizer));
        obj.insert("gentype".into(), json!(self.gentype));
        obj.insert("genoption".into(), json!(self.genoption));
        obj.insert("customizer".into(), json!(u8::from(self.customizer)));
        if let Some(doors) = self.doors {
            obj.insert("doors".into(), json!(doors));
        }
        if let Some(avianart) = self.avianart {
            obj.insert("avianart".into(), json!(avianart));
        }
        Json::Object(obj)
    }
}
