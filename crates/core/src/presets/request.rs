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
