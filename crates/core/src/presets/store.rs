//! [`PresetStore`]: global presets on disk, `<dir>/<game>/<name>.yaml`.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use super::value::{Map, Value};
use super::{Game, PresetError, PresetRef, yaml};

/// How long a directory listing is reused (the original caches it for 60 s).
const LIST_TTL: Duration = Duration::from_secs(60);
/// Most names [`PresetStore::search`] returns (Discord autocomplete limit).
const SEARCH_LIMIT: usize = 25;

/// A loaded preset: its game, name and the whole YAML document (a mapping).
#[derive(Debug, Clone, PartialEq)]
pub struct Preset {
    /// The game whose directory it came from.
    pub game: Game,
    /// The name it was loaded under (for a namespaced preset, the name part).
    pub name: String,
    /// The document: `settings`, `customizer`, `doors`, … or a mystery weightset.
    pub data: Map,
}

impl Preset {
    /// Parses YAML text as a preset of `game` called `name`; the document must be a mapping.
    pub fn from_yaml(game: Game, name: &str, text: &str) -> Result<Preset, PresetError> {
        let value = yaml::parse(text).map_err(|message| PresetError::Yaml {
            name: name.to_owned(),
            message,
        })?;
        match value {
            Value::Map(data) => Ok(Preset {
                game,
                name: name.to_owned(),
                data,
            }),
            other => Err(PresetError::Invalid {
                name: name.to_owned(),
                reason: format!("the document is not a mapping but {}", kind(&other)),
            }),
        }
    }

    /// A top-level flag read with Python truthiness (`customizer`, `doors`, `avianart`).
    pub fn flag(&self, key: &str) -> bool {
        self.data.get(key).is_some_and(Value::truthy)
    }

    /// The `settings` mapping, or an [`PresetError::Invalid`] naming what is wrong.
    pub fn settings(&self) -> Result<&Map, PresetError> {
        match self.data.get("settings") {
            Some(Value::Map(m)) => Ok(m),
            Some(other) => {
                Err(self.invalid(format!("`settings` is {}, not a mapping", kind(other))))
            }
            None => Err(self.invalid("no `settings` mapping".to_owned())),
        }
    }

    /// The audit fields for generating from this preset (`gentype` `preset`).
    pub fn audit(&self) -> super::GenerationAudit {
        let alttpr = self.game == Game::Alttpr;
        super::GenerationAudit {
            randomizer: self.game.slug().to_owned(),
            gentype: "preset".to_owned(),
            genoption: Some(self.name.clone()),
            customizer: alttpr && self.flag("customizer"),
            doors: alttpr.then(|| self.flag("doors")),
            avianart: alttpr.then(|| self.flag("avianart")),
        }
    }

    /// `description`, when it is a string.
    pub fn description(&self) -> Option<&str> {
        self.data.get("description").and_then(Value::as_str)
    }

    /// `goal_name`, when it is a string.
    pub fn goal_name(&self) -> Option<&str> {
        self.data.get("goal_name").and_then(Value::as_str)
    }

    pub(crate) fn invalid(&self, reason: String) -> PresetError {
        PresetError::Invalid {
            name: format!("{}/{}", self.game, self.name),
            reason,
        }
    }
}

/// A short description of a value's type, for error messages.
pub(crate) fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Int(_) => "an integer",
        Value::Float(_) => "a float",
        Value::Str(_) => "a string",
        Value::Seq(_) => "a list",
        Value::Map(_) => "a mapping",
    }
}

/// Global presets under a root directory, one subdirectory per [`Game`] slug.
#[derive(Debug)]
pub struct PresetStore {
    root: PathBuf,
    listings: Mutex<HashMap<Game, (Instant, Vec<String>)>>,
}

impl PresetStore {
    /// A store over `root` (e.g. `presets/`); nothing is read until asked.
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Self {
            root: root.into(),
            listings: Mutex::new(HashMap::new()),
        }
    }

    /// The root directory.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The directory of one game.
    pub fn game_dir(&self, game: Game) -> PathBuf {
        self.root.join(game.slug())
    }

    /// Loads a preset by reference string (§1.1). Namespaced references need the database
    /// and return [`PresetError::NamespacedNotSupported`] here.
    pub fn fetch(&self, game: Game, reference: &str) -> Result<Preset, PresetError> {
        match PresetRef::parse(reference)? {
            PresetRef::Global(name) => self.load(game, &name),
            PresetRef::Namespaced { namespace, name } => {
                Err(PresetError::NamespacedNotSupported { namespace, name })
            }
        }
    }

    /// Loads the global preset `name` of `game`: only the base name of `<name>.yaml` is
    /// used (no directory traversal), only `.yaml` files count, names are case-sensitive.
    pub fn load(&self, game: Game, name: &str) -> Result<Preset, PresetError> {
        if name.is_empty() {
            return Err(PresetError::NoPresetSpecified);
        }
        let file_name = format!("{name}.yaml");
        let base = file_name
            .rsplit('/')
            .next()
            .unwrap_or(&file_name)
            .to_owned();
        let not_found = || PresetError::NotFound {
            game,
            name: name.to_owned(),
        };
        if base == ".yaml" && name.ends_with('/') {
            return Err(not_found());
        }
        let path = self.game_dir(game).join(&base);
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::NotFound | std::io::ErrorKind::IsADirectory
                ) =>
            {
                return Err(not_found());
            }
            Err(source) => return Err(PresetError::Io { path, source }),
        };
        Preset::from_yaml(game, name, &text)
    }

    /// The names of the global presets of `game` (`.yaml` files without the extension),
    /// sorted; cached for 60 seconds. A missing directory lists nothing.
    pub fn list(&self, game: Game) -> Result<Vec<String>, PresetError> {
        if let Ok(cache) = self.listings.lock()
            && let Some((at, names)) = cache.get(&game)
            && at.elapsed() < LIST_TTL
        {
            return Ok(names.clone());
        }
        let names = list_yaml_names(&self.game_dir(game))?;
        if let Ok(mut cache) = self.listings.lock() {
            cache.insert(game, (Instant::now(), names.clone()));
        }
        Ok(names)
    }

    /// Autocomplete: names starting with `prefix` (lowercased), sorted, at most 25. Unlike
    /// the original this sorts before cutting, so the 25 kept are the first in order.
    pub fn search(&self, game: Game, prefix: &str) -> Result<Vec<String>, PresetError> {
        let prefix = prefix.to_lowercase();
        Ok(self
            .list(game)?
            .into_iter()
            .filter(|n| n.starts_with(&prefix))
            .take(SEARCH_LIMIT)
            .collect())
    }
}

/// Sorted `.yaml` file names (without extension) in `dir`; a missing directory is empty.
pub(crate) fn list_yaml_names(dir: &Path) -> Result<Vec<String>, PresetError> {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(source) => {
            return Err(PresetError::Io {
                path: dir.to_owned(),
                source,
            });
        }
    };
    let mut names: Vec<String> = entries
        .filter_map(Result::ok)
        .filter_map(|e| e.file_name().into_string().ok())
        .filter_map(|f| f.strip_suffix(".yaml").map(str::to_owned))
        .collect();
    names.sort();
    Ok(names)
}
