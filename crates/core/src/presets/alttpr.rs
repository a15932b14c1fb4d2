//! alttpr presets → provider requests (core.md §1.5.1, §1.5.2).

use super::mystery::rng::{Rng, choice, randint};
use super::store::kind;
use super::value::{Map, Value};
use super::{Preset, PresetError, ProviderRequest};

/// The options a caller passes when generating from an alttpr preset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AlttprOptions {
    /// Force hints on.
    pub hints: bool,
    /// Force hints off (ignored when `hints` is set).
    pub nohints: bool,
    /// Spoiler mode for alttpr.com (`on`, `off`, `generate`, `mystery`); doors: `on` = public.
    pub spoilers: String,
    /// Race (tournament) seed.
    pub tournament: bool,
    /// Allow quickswap, unless the preset sets `allow_quickswap` itself.
    pub allow_quickswap: bool,
    /// Prefix for the alttpr.com endpoint (`/festive`).
    pub endpoint_prefix: String,
    /// Branch: `live`, `beeta`, `tournament` pick an alttpr.com base URL; any value is the
    /// door randomizer checkout. A preset's own `branch` wins.
    pub branch: Option<String>,
}

impl Default for AlttprOptions {
    /// The original's defaults: spoilers off, tournament, no quickswap, no branch.
    fn default() -> Self {
        Self {
            hints: false,
            nohints: false,
            spoilers: "off".to_owned(),
            tournament: true,
            allow_quickswap: false,
            endpoint_prefix: String::new(),
            branch: None,
        }
    }
}

impl AlttprOptions {
    /// Discord `/alttpr preset` with the race option: spoilers off and tournament when
    /// `race`, spoilers on otherwise; quickswap allowed; branch `live`.
    pub fn discord(race: bool) -> Self {
        Self {
            spoilers: if race { "off" } else { "on" }.to_owned(),
            tournament: race,
            allow_quickswap: true,
            branch: Some("live".to_owned()),
            ..Self::default()
        }
    }
}

/// The alttpr.com base URL for a branch; `None` means the configured default.
pub fn alttpr_baseurl(branch: Option<&str>) -> Option<&'static str> {
    match branch? {
        "live" => Some("https://alttpr.com"),
        "beeta" => Some("https://beeta.alttpr.com"),
        "tournament" => Some("https://tournament.alttpr.com"),
        _ => None,
    }
}

/// Builds the provider request for an alttpr preset: the door randomizer when `doors` is
/// set, else AVIANART when `avianart` is set, else alttpr.com. `rng` is used only by
/// `forced_locations`.
pub fn build_request(
    preset: &Preset,
    opts: &AlttprOptions,
    rng: &mut dyn Rng,
) -> Result<ProviderRequest, PresetError> {
    let mut settings = preset.settings()?.clone();
    let branch = match preset.data.get("branch") {
        Some(Value::Str(b)) => Some(b.clone()),
        Some(Value::Null) | None => opts.branch.clone(),
        Some(other) => Some(other.to_string()),
    };

    if preset.flag("doors") {
        // The original wrote the strings 'on'/'off' into this boolean field; booleans here.
        if opts.hints {
            settings.insert("hints", true);
        } else if opts.nohints {
            settings.insert("hints", false);
        }
        if opts.allow_quickswap {
            settings.insert("quickswap", true);
        }
        return Ok(ProviderRequest::Doors {
            spoilers: opts.spoilers == "on",
            branch,
            settings: Value::Map(settings).to_json(),
        });
    }

    if preset.flag("avianart") {
        let name = match settings.get("preset") {
            Some(Value::Str(s)) => s.clone(),
            Some(other) => {
                return Err(preset.invalid(format!("`settings.preset` is {}", kind(other))));
            }
            None => return Err(preset.invalid("avianart preset without `settings.preset`".into())),
        };
        return Ok(ProviderRequest::Avianart {
            preset: name,
            race: opts.tournament,
        });
    }

    let customizer = preset.flag("customizer");
    if customizer {
        if !settings.contains_key("l") {
            settings.insert("l", Map::new());
        }
        if let Some(forced) = preset.data.get("forced_locations") {
            apply_forced_locations(preset, &mut settings, forced, rng)?;
        }
    }
    if opts.hints {
        settings.insert("hints", "on");
    } else if opts.nohints {
        settings.insert("hints", "off");
    }
    settings.insert("tournament", opts.tournament);
    settings.insert("spoilers", opts.spoilers.as_str());
    if !settings.contains_key("allow_quickswap") {
        settings.insert("allow_quickswap", opts.allow_quickswap);
    }
    let endpoint = format!(
        "{}{}",
        opts.endpoint_prefix,
        if customizer {
            "/api/customizer"
        } else {
            "/api/randomizer"
        }
    );
    Ok(ProviderRequest::Alttpr {
        baseurl: alttpr_baseurl(branch.as_deref()).map(str::to_owned),
        endpoint,
        body: Value::Map(settings).to_json(),
    })
}

/// §1.5.2: place `forced_locations` items into `settings.l`, with the original's draws
/// (`randint(1, 100)` per copy, then `choice` over the entry's still-free locations).
fn apply_forced_locations(
    preset: &Preset,
    settings: &mut Map,
    forced: &Value,
    rng: &mut dyn Rng,
) -> Result<(), PresetError> {
    let entries = match forced {
        Value::Seq(entries) => entries.clone(),
        Value::Null => return Ok(()),
        other => return Err(preset.invalid(format!("`forced_locations` is {}", kind(other)))),
    };
    for entry in entries {
        let Value::Map(entry) = entry else {
            return Err(preset.invalid("a `forced_locations` entry is not a mapping".into()));
        };
        let item = entry
            .get("item")
            .cloned()
            .ok_or_else(|| PresetError::MissingKey("item".into()))?;
        let mut locations: Vec<Value> = match entry.get("locations") {
            Some(Value::Seq(l)) => l.clone(),
            _ => return Err(PresetError::MissingKey("locations".into())),
        };
        let quantity = entry.get("quantity").and_then(Value::as_int).unwrap_or(1);
        let chance = entry
            .get("chance")
            .and_then(Value::as_number)
            .unwrap_or(100.0);
        let allow_override = entry.get("override").is_none_or(Value::truthy);
        for _ in 0..quantity.max(0) {
            let roll = randint(rng, 1, 100).unwrap_or(1);
            #[allow(clippy::cast_precision_loss)] // 1..=100
            if roll as f64 > chance {
                continue;
            }
            let placed = match settings.get("l") {
                Some(Value::Map(l)) => l.clone(),
                _ => Map::new(),
            };
            let free: Vec<Value> = locations
                .iter()
                .filter(|loc| placed.get_value(loc).is_none())
                .cloned()
                .collect();
            let Some(location) = choice(rng, &free).cloned() else {
                return Err(PresetError::ForcedLocationsExhausted {
                    item: item.to_string(),
                });
            };
            let occupied = placed.get_value(&location).is_some_and(Value::truthy);
            if !occupied && allow_override {
                if let Some(Value::Map(l)) = settings.get_mut("l") {
                    l.insert(location.clone(), item.clone());
                }
                if let Some(pos) = locations.iter().position(|l| l == &location) {
                    locations.remove(pos);
                }
            }
        }
    }
    Ok(())
}
