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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::presets::Game;
    use crate::presets::mystery::PyRandom;

    fn preset(text: &str) -> Preset {
        Preset::from_yaml(Game::Alttpr, "t", text).unwrap()
    }

    #[test]
    fn flags_overwrite_and_quickswap_only_if_absent() {
        let p = preset(
            "settings: {tournament: false, spoilers: 'on', allow_quickswap: false, hints: 'off'}\n",
        );
        let opts = AlttprOptions {
            hints: true,
            allow_quickswap: true,
            endpoint_prefix: "/festive".into(),
            branch: Some("beeta".into()),
            ..AlttprOptions::default()
        };
        let ProviderRequest::Alttpr {
            baseurl,
            endpoint,
            body,
        } = build_request(&p, &opts, &mut PyRandom::new(0)).unwrap()
        else {
            panic!("not alttpr.com");
        };
        assert_eq!(baseurl.as_deref(), Some("https://beeta.alttpr.com"));
        assert_eq!(endpoint, "/festive/api/randomizer");
        assert_eq!(body["tournament"], true);
        assert_eq!(body["spoilers"], "off");
        assert_eq!(body["hints"], "on");
        assert_eq!(body["allow_quickswap"], false, "the preset's value wins");
    }

    #[test]
    fn preset_branch_wins_and_unknown_branch_uses_configured_base() {
        let p = preset("branch: tournament\nsettings: {}\n");
        let req = build_request(&p, &AlttprOptions::discord(false), &mut PyRandom::new(0)).unwrap();
        assert!(
            matches!(req, ProviderRequest::Alttpr { baseurl: Some(ref b), .. } if b == "https://tournament.alttpr.com")
        );
        let p = preset("settings: {}\n");
        let opts = AlttprOptions {
            branch: Some("other".into()),
            ..AlttprOptions::default()
        };
        let req = build_request(&p, &opts, &mut PyRandom::new(0)).unwrap();
        assert!(matches!(req, ProviderRequest::Alttpr { baseurl: None, .. }));
    }

    #[test]
    fn door_presets_get_boolean_hints_and_quickswap() {
        let p = preset("doors: true\nsettings: {hints: true}\n");
        let opts = AlttprOptions {
            nohints: true,
            allow_quickswap: true,
            spoilers: "on".into(),
            ..AlttprOptions::default()
        };
        let ProviderRequest::Doors {
            spoilers,
            settings,
            branch,
        } = build_request(&p, &opts, &mut PyRandom::new(0)).unwrap()
        else {
            panic!("not doors");
        };
        assert!(spoilers);
        assert_eq!(branch, None);
        assert_eq!(settings["hints"], false, "a boolean, not the string 'off'");
        assert_eq!(settings["quickswap"], true);
    }

    #[test]
    fn avianart_uses_the_named_preset() {
        let p = preset("avianart: true\ndoors: false\nsettings: {preset: kaesden/cabookey}\n");
        let req = build_request(&p, &AlttprOptions::default(), &mut PyRandom::new(0)).unwrap();
        assert_eq!(
            req,
            ProviderRequest::Avianart {
                preset: "kaesden/cabookey".into(),
                race: true
            }
        );
    }

    #[test]
    fn forced_locations_fill_distinct_locations_then_fail_cleanly() {
        let p = preset(
            "customizer: true\nsettings: {}\nforced_locations:\n  - item: BigKeyA2:1\n    quantity: 2\n    locations: [QQ==, Qg==]\n",
        );
        let ProviderRequest::Alttpr { body, endpoint, .. } =
            build_request(&p, &AlttprOptions::default(), &mut PyRandom::new(5)).unwrap()
        else {
            panic!("not alttpr.com");
        };
        assert_eq!(endpoint, "/api/customizer");
        let l = body["l"].as_object().unwrap();
        assert_eq!(l.len(), 2);
        assert!(l.values().all(|v| v == "BigKeyA2:1"));

        let p = preset(
            "customizer: true\nsettings: {}\nforced_locations:\n  - item: BigKeyA2:1\n    quantity: 2\n    locations: [QQ==]\n",
        );
        let err = build_request(&p, &AlttprOptions::default(), &mut PyRandom::new(5)).unwrap_err();
        assert!(
            matches!(err, PresetError::ForcedLocationsExhausted { .. }),
            "{err}"
        );
    }

    #[test]
    fn missing_settings_is_an_error_not_a_panic() {
        let p = preset("description: nothing\n");
        let err = build_request(&p, &AlttprOptions::default(), &mut PyRandom::new(0)).unwrap_err();
        assert!(err.to_string().contains("settings"));
    }
}
