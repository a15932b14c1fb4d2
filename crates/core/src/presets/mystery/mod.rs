//! The mystery roller (core.md §1.6): a weightset plus randomness → rolled settings.
//!
//! Randomness comes through [`Rng`]; [`PyRandom`] reproduces CPython's `random` so rolls
//! match the original bit for bit for the same seed.

mod doors;
mod equipment;
mod options;
mod pyz3r;
pub mod rng;
pub mod weights;

pub use equipment::starting_equipment;
pub use rng::{PyRandom, Rng};

use super::value::{Map, Value};
use super::{Game, GenerationAudit, Preset, PresetError, PresetStore, ProviderRequest};

/// The outcome of one roll (`AlttprMystery` of the original, without the seed).
#[derive(Debug, Clone, PartialEq)]
pub struct MysteryRoll {
    /// The weights after subweight resolution.
    pub weights: Map,
    /// The rolled settings: an alttpr.com body or door randomizer settings.
    pub settings: Map,
    /// Whether the alttpr.com customizer endpoint is needed.
    pub customizer: bool,
    /// Whether the door randomizer is needed.
    pub doors: bool,
    /// Text shown to racers, when the weightset rolled one.
    pub custom_instructions: Option<String>,
    /// Door randomizer branch (`None`: alttpr.com, or a rolled door preset's default).
    pub branch: Option<String>,
}

impl MysteryRoll {
    /// The provider request the original makes for this roll: the door randomizer (public
    /// spoiler unless `spoilers` is `mystery`), or alttpr.com at the configured base URL
    /// with `tournament` and `allow_quickswap` forced.
    pub fn request(
        &self,
        spoilers: &str,
        tournament: bool,
        allow_quickswap: bool,
    ) -> ProviderRequest {
        if self.doors {
            return ProviderRequest::Doors {
                spoilers: spoilers != "mystery",
                branch: self.branch.clone(),
                settings: Value::Map(self.settings.clone()).to_json(),
            };
        }
        let mut body = self.settings.clone();
        body.insert("tournament", tournament);
        body.insert("allow_quickswap", allow_quickswap);
        ProviderRequest::Alttpr {
            baseurl: None,
            endpoint: if self.customizer {
                "/api/customizer"
            } else {
                "/api/randomizer"
            }
            .to_owned(),
            body: Value::Map(body).to_json(),
        }
    }
}

impl MysteryRoll {
    /// The audit fields of a roll from the weightset named `weightset` (name part).
    pub fn audit(&self, weightset: &str) -> GenerationAudit {
        GenerationAudit {
            randomizer: "alttpr".to_owned(),
            gentype: "mystery".to_owned(),
            genoption: Some(weightset.to_owned()),
            customizer: self.customizer,
            doors: Some(self.doors),
            avianart: None,
        }
    }

    /// The settingsgen API answer `{settings, customizer, doors, endpoint}` (endpoint `null`
    /// for the door randomizer); the rolled settings are returned unchanged.
    pub fn settingsgen_json(&self) -> serde_json::Value {
        let endpoint = match (self.doors, self.customizer) {
            (true, _) => None,
            (false, true) => Some("/api/customizer"),
            (false, false) => Some("/api/randomizer"),
        };
        serde_json::json!({
            "settings": Value::Map(self.settings.clone()).to_json(),
            "customizer": self.customizer,
            "doors": self.doors,
            "endpoint": endpoint,
        })
    }
}

/// Something that can load the alttpr presets a weightset's `preset` key names.
pub trait PresetSource {
    /// Loads an alttpr preset by reference (`name` or `namespace/name`).
    fn alttpr_preset(&self, reference: &str) -> Result<Preset, PresetError>;
}

impl PresetSource for PresetStore {
    fn alttpr_preset(&self, reference: &str) -> Result<Preset, PresetError> {
        self.fetch(Game::Alttpr, reference)
    }
}

/// `mystery_generate`: rolls `weights` with `spoilers` (normally `mystery`).
///
/// A `preset` key first draws a preset name (`none` means roll normally); a rolled preset
/// that does not exist is [`PresetError::RolledPresetMissing`].
pub fn roll(
    weights: &Map,
    spoilers: &str,
    presets: &dyn PresetSource,
    rng: &mut dyn Rng,
) -> Result<MysteryRoll, PresetError> {
    if let Some(spec) = weights.get("preset") {
        let rolled = weights::get_random_option(Some(spec), rng)?;
        if rolled.as_str() != Some("none") {
            let reference = rolled.key_string();
            let preset = presets.alttpr_preset(&reference).map_err(|e| {
                PresetError::RolledPresetMissing {
                    preset: reference.clone(),
                    source: Box::new(e),
                }
            })?;
            let mut settings = preset.settings()?.clone();
            settings.remove("name");
            settings.remove("notes");
            settings.insert("spoilers", spoilers);
            let custom_instructions =
                weights::get_random_option(weights.get("custom_instructions"), rng)?;
            return Ok(MysteryRoll {
                weights: weights.clone(),
                settings,
                customizer: preset.flag("customizer"),
                doors: preset.flag("doors"),
                custom_instructions: instructions(custom_instructions),
                branch: None,
            });
        }
    }
    roll_doors_or_alttpr(weights, spoilers, rng)
}

/// §1.6.3: subweights, the deciding draws, then the door or the alttpr.com path.
fn roll_doors_or_alttpr(
    weights: &Map,
    spoilers: &str,
    rng: &mut dyn Rng,
) -> Result<MysteryRoll, PresetError> {
    let weights = weights::resolve_subweights(weights, rng)?;
    let (options, door_mode) = doors::decide(&weights, rng)?;
    let custom_instructions = weights::get_random_option(weights.get("custom_instructions"), rng)?;
    let (settings, customizer, branch) = if door_mode {
        let settings = doors::generate_doors_settings(&weights, options, rng)?;
        (settings, false, Some(doors::branch(&weights)))
    } else {
        let (settings, customizer) =
            pyz3r::generate_random_settings(&weights, true, spoilers, rng)?;
        (settings, customizer, None)
    };
    Ok(MysteryRoll {
        weights,
        settings,
        customizer,
        doors: door_mode,
        custom_instructions: instructions(custom_instructions),
        branch,
    })
}

fn instructions(v: Value) -> Option<String> {
    match v {
        Value::Null => None,
        Value::Str(s) => Some(s),
        other => Some(other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::presets::yaml::parse;

    const BASE: &str = "glitches_required: none\nitem_placement: advanced\ndungeon_items: standard\naccessibility: items\ngoals: ganon\nganon_open: '7'\ntower_open: '7'\nworld_state: open\nhints: 'off'\nweapons: randomized\nitem_pool: normal\nitem_functionality: normal\nboss_shuffle: none\nenemy_shuffle: none\nenemy_damage: default\nenemy_health: default\nentrance_shuffle: none\n";

    struct NoPresets;
    impl PresetSource for NoPresets {
        fn alttpr_preset(&self, reference: &str) -> Result<Preset, PresetError> {
            Err(PresetError::NotFound {
                game: Game::Alttpr,
                name: reference.to_owned(),
            })
        }
    }

    fn roll_text(extra: &str, seed: i128) -> Result<MysteryRoll, PresetError> {
        let w = parse(&format!("{BASE}{extra}")).unwrap();
        roll(
            w.as_map().unwrap(),
            "mystery",
            &NoPresets,
            &mut PyRandom::new(seed),
        )
    }

    #[test]
    fn fixed_weights_give_the_randomizer_payload_with_converted_crystals() {
        let r = roll_text("", 0).unwrap();
        assert!(!r.doors && !r.customizer);
        let req = r.request("mystery", true, true);
        let ProviderRequest::Alttpr {
            baseurl,
            endpoint,
            body,
        } = req
        else {
            panic!()
        };
        assert_eq!(baseurl, None);
        assert_eq!(endpoint, "/api/randomizer");
        assert_eq!(body["crystals"]["ganon"], 7, "conv turns '7' into a number");
        assert_eq!(
            body["allow_quickswap"], true,
            "the caller's value overrides the roll"
        );
        assert_eq!(body["spoilers"], "mystery");
    }

    #[test]
    fn door_rolls_use_the_branch_and_public_spoiler_flag() {
        let r = roll_text(
            "door_shuffle: basic\noptions: {branch: volatile}\nkeyshuffle: {wild: 1}\n",
            3,
        )
        .unwrap();
        assert!(r.doors);
        assert_eq!(r.branch.as_deref(), Some("volatile"));
        assert_eq!(
            r.settings.get("keyshuffle"),
            Some(&Value::from("wild")),
            "raw value on volatile"
        );
        let ProviderRequest::Doors {
            spoilers, branch, ..
        } = r.request("on", true, true)
        else {
            panic!()
        };
        assert!(spoilers);
        assert_eq!(branch.as_deref(), Some("volatile"));
        assert!(r.settingsgen_json()["endpoint"].is_null());
    }

    #[test]
    fn keysanity_weight_is_rolled_instead_of_crashing() {
        let r = roll_text("door_shuffle: crossed\nkeysanity: {'on': 1}\n", 1).unwrap();
        assert_eq!(r.settings.get("keysanity"), Some(&Value::Bool(true)));
    }

    #[test]
    fn rules_compare_with_python_equality() {
        let rules = "rules:\n  - conditions:\n      - Key: ganon_open\n        Value: 7\n    actions:\n      weapons: assured\n";
        let r = roll_text(rules, 0).unwrap();
        assert_eq!(r.settings.get("weapons"), Some(&Value::from("assured")));
        let bad = "rules:\n  - conditions:\n      - Key: nosuchoption\n        Value: 1\n    actions: {}\n";
        assert!(
            matches!(roll_text(bad, 0), Err(PresetError::MissingKey(k)) if k == "nosuchoption")
        );
    }

    #[test]
    fn missing_required_weight_is_a_missing_key_error() {
        let w = parse("description: nothing\n").unwrap();
        let err = roll(
            w.as_map().unwrap(),
            "mystery",
            &NoPresets,
            &mut PyRandom::new(0),
        )
        .unwrap_err();
        assert!(
            matches!(err, PresetError::MissingKey(ref k) if k == "glitches_required"),
            "{err}"
        );
    }

    #[test]
    fn customizer_fills_the_pool_to_216() {
        let extra = "customizer:\n  eq:\n    PegasusBoots: 1\n  pool:\n    Bombs: 0\noptions: {FillItemPoolWith: TwentyRupees}\n";
        let r = roll_text(extra, 0).unwrap();
        assert!(r.customizer);
        let json = Value::Map(r.settings.clone()).to_json();
        let count = json["custom"]["item"]["count"].as_object().unwrap();
        let total: i64 = count.values().map(|v| v.as_i64().unwrap()).sum();
        assert!(total >= 216);
        assert_eq!(json["eq"][0], "PegasusBoots");
        assert_eq!(json["eq"].as_array().unwrap().len(), 4);
    }
}
