//! Preset files (namespaced by game) and the mystery roller.
//!
//! - [`PresetStore`] loads global presets from `<dir>/<game>/<name>.yaml` with the original
//!   bot's lookup rules (core.md §1.1) and YAML 1.1 semantics ([`yaml`], §1.3).
//! - [`alttpr`] and [`other`] turn a loaded preset into a [`ProviderRequest`] (§1.5): pure
//!   functions, no HTTP.
//! - [`mystery`] rolls alttprmystery weightsets (§1.6) with randomness injected through
//!   [`mystery::Rng`]; [`mystery::PyRandom`] reproduces CPython's `random` bit for bit.
//! - [`check_dir`] validates a preset directory file by file.
//!
//! - [`user`] serves user presets stored in the database (namespaces, §1.2);
//!   [`user::fetch`] loads any reference from the right place.

pub mod alttpr;
mod base;
mod check;
pub mod mystery;
pub mod other;
mod request;
mod store;
pub mod user;
pub mod value;
pub mod yaml;

pub use base::{base_customizer_payload, base_doors_payload, base_randomizer_payload};
pub use check::check_dir;
pub use request::{GenerationAudit, ProviderRequest};
pub use store::{Preset, PresetStore};
pub use value::{Map, Value};

use std::fmt;
use std::path::PathBuf;

/// The URL the original points users to when a preset is missing.
pub const PRESET_LIST_URL: &str = "https://sahasrahbot.synack.live/presets.html";

/// A randomizer whose presets live in their own directory (`PRESET_CLASS_MAPPING`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Game {
    /// A Link to the Past Randomizer (alttpr.com, door randomizer, AVIANART).
    Alttpr,
    /// ALTTPR mystery weightsets.
    AlttprMystery,
    /// Super Metroid Randomizer (samus.link).
    Sm,
    /// SM + ALTTP combo randomizer (samus.link).
    Smz3,
    /// Chrono Trigger: Jets of Time.
    CtJets,
}

impl Game {
    /// Every game, in the order of the original's mapping.
    pub const ALL: [Game; 5] = [
        Game::Alttpr,
        Game::AlttprMystery,
        Game::CtJets,
        Game::Smz3,
        Game::Sm,
    ];

    /// The slug: directory name and `randomizer` value.
    pub fn slug(self) -> &'static str {
        match self {
            Game::Alttpr => "alttpr",
            Game::AlttprMystery => "alttprmystery",
            Game::Sm => "sm",
            Game::Smz3 => "smz3",
            Game::CtJets => "ctjets",
        }
    }

    /// The game for a slug (exact, lowercase).
    pub fn from_slug(slug: &str) -> Option<Game> {
        Game::ALL.into_iter().find(|g| g.slug() == slug)
    }
}

impl fmt::Display for Game {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.slug())
    }
}

/// A parsed preset reference string (§1.1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PresetRef {
    /// A global (file) preset; the name keeps its original case.
    Global(String),
    /// A user preset `namespace/name`, both lowercased; parts after the second are ignored.
    Namespaced {
        /// The namespace (lowercased).
        namespace: String,
        /// The preset name (lowercased).
        name: String,
    },
}

impl PresetRef {
    /// Parses a reference: lowercased and split on `/`; one part is a global name (original
    /// case kept), two or more are `namespace/name`.
    pub fn parse(reference: &str) -> Result<PresetRef, PresetError> {
        if reference.is_empty() {
            return Err(PresetError::NoPresetSpecified);
        }
        let lower = reference.to_lowercase();
        let mut parts = lower.split('/');
        match (parts.next(), parts.next()) {
            (Some(ns), Some(name)) => Ok(PresetRef::Namespaced {
                namespace: ns.to_owned(),
                name: name.to_owned(),
            }),
            _ => Ok(PresetRef::Global(reference.to_owned())),
        }
    }

    /// The name part (what the audit row records as `genoption`).
    pub fn name(&self) -> &str {
        match self {
            PresetRef::Global(name) | PresetRef::Namespaced { name, .. } => name,
        }
    }
}

/// Everything that can go wrong loading, checking, building or rolling a preset.
#[derive(Debug, thiserror::Error)]
pub enum PresetError {
    /// No preset name was given.
    #[error("No preset was specified.")]
    NoPresetSpecified,
    /// A global preset file does not exist (the original's wording, double space included).
    #[error("Could not find preset {name}.  See a list of available presets at {PRESET_LIST_URL}")]
    NotFound {
        /// The game searched.
        game: Game,
        /// The name asked for.
        name: String,
    },
    /// A namespaced preset does not exist.
    #[error("Could not find preset {name} in namespace {namespace}.")]
    NotFoundInNamespace {
        /// The namespace.
        namespace: String,
        /// The preset name.
        name: String,
    },
    /// A user namespace does not exist.
    #[error("Namespace {namespace} does not exist.")]
    NamespaceNotFound {
        /// The namespace asked for.
        namespace: String,
    },
    /// A preset without a namespace cannot be saved (global presets are files).
    #[error("You cannot save a global preset.")]
    AttemptToSaveGlobalPreset,
    /// User (namespaced) presets need the database and are not served by the file store.
    #[error("namespaced preset {namespace}/{name} cannot be loaded from the preset directory")]
    NamespacedNotSupported {
        /// The namespace.
        namespace: String,
        /// The preset name.
        name: String,
    },
    /// A file could not be read.
    #[error("cannot read {path}: {source}")]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// A file is not valid YAML.
    #[error("invalid YAML in {name}: {message}")]
    Yaml {
        /// The preset name or file.
        name: String,
        /// The parser's message.
        message: String,
    },
    /// A preset has the wrong shape (e.g. `settings` is not a mapping).
    #[error("invalid preset {name}: {reason}")]
    Invalid {
        /// The preset name.
        name: String,
        /// What is wrong.
        reason: String,
    },
    /// A required weight or key is missing (the original's `KeyError`).
    #[error("missing key '{0}'")]
    MissingKey(String),
    /// A weight or option value has an unusable type or value (the original's
    /// `TypeError`/`ValueError`).
    #[error("invalid weights: {0}")]
    InvalidWeights(String),
    /// `forced_locations`: no free location left for an item.
    #[error("forced_locations: no free location left for {item}")]
    ForcedLocationsExhausted {
        /// The item being placed.
        item: String,
    },
    /// A mystery weightset rolled a preset that does not exist.
    #[error("weightset rolled preset {preset}, which does not exist: {source}")]
    RolledPresetMissing {
        /// The rolled preset reference.
        preset: String,
        /// The lookup error.
        #[source]
        source: Box<PresetError>,
    },
}
