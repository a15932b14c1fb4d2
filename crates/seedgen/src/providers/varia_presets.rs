//! VARIA requests of the racetime SMR category (core.md §2.4): the "choozo" race options
//! and the league playoff options, validated and mapped to VARIA settings.

use serde_json::{Map, Value as Json, json};

use super::varia::VariaRequest;
use crate::error::{Error, Result};

/// `Ok` when `value` is one of `allowed`, else the original's message for the option.
fn check(value: &str, allowed: &[&str], message: &str) -> Result<()> {
    if allowed.contains(&value) {
        Ok(())
    } else {
        Err(Error::BadRequest {
            provider: "varia".to_owned(),
            message: message.to_owned(),
        })
    }
}

/// The choozo options (each one of an enumerated set of words).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChoozoOptions {
    /// `FullCountdown`, `M/m` or `RandomSplit`.
    pub split: String,
    /// `FullArea`, `LightArea` or `VanillaArea`.
    pub area: String,
    /// `RandomBoss` or `VanillaBoss`.
    pub boss: String,
    /// `HarderDifficulty`, `HardDifficulty`, `MediumDifficulty`, `EasyDifficulty` or
    /// `BasicDifficulty`.
    pub difficulty: String,
    /// `RandomEscape` or `VanillaEscape`.
    pub escape: String,
    /// `LateMorph`, `RandomMorph` or `EarlyMorph`.
    pub morph: String,
    /// `DeepStart`, `RandomStart`, `NotDeepStart`, `ShallowStart` or `VanillaStart`.
    pub start: String,
}

fn start_locations(start: &str) -> &'static [&'static str] {
    match start {
        "DeepStart" => &["Aqueduct", "Bubble Mountain", "Firefleas Top"],
        "RandomStart" => &[
            "Aqueduct",
            "Big Pink",
            "Bubble Mountain",
            "Business Center",
            "Etecoons Supers",
            "Firefleas Top",
            "Gauntlet Top",
            "Golden Four",
            "Green Brinstar Elevator",
            "Red Brinstar Elevator",
            "Wrecked Ship Main",
        ],
        "NotDeepStart" => &[
            "Big Pink",
            "Business Center",
            "Etecoons Supers",
            "Gauntlet Top",
            "Golden Four",
            "Green Brinstar Elevator",
            "Red Brinstar Elevator",
            "Wrecked Ship Main",
        ],
        "ShallowStart" => &[
            "Big Pink",
            "Gauntlet Top",
            "Green Brinstar Elevator",
            "Wrecked Ship Main",
        ],
        _ => &["Landing Site"],
    }
}

fn object(value: Json) -> Map<String, Json> {
    match value {
        Json::Object(map) => map,
        _ => Map::new(),
    }
}

/// The VARIA request for a choozo race: settings preset `Season_Races`, skills `newbie`
/// for `BasicDifficulty` and `Season_Races` otherwise.
///
/// # Errors
/// [`Error::BadRequest`] naming the first invalid option and the allowed words.
pub fn choozo(options: &ChoozoOptions, race: bool) -> Result<VariaRequest> {
    let o = options;
    check(
        &o.split,
        &["FullCountdown", "M/m", "RandomSplit"],
        "Invalid item split setting.  Must be FullCountdown, M/m or RandomSplit.",
    )?;
    check(
        &o.area,
        &["FullArea", "LightArea", "VanillaArea"],
        "Invalid area setting.  Must be FullArea, LightArea or VanillaArea.",
    )?;
    check(
        &o.boss,
        &["RandomBoss", "VanillaBoss"],
        "Invalid boss setting.  Must be RandomBoss or VanillaBoss.",
    )?;
    check(
        &o.difficulty,
        &[
            "HarderDifficulty",
            "HardDifficulty",
            "MediumDifficulty",
            "EasyDifficulty",
            "BasicDifficulty",
        ],
        "Invalid difficulty setting.  Must be HarderDifficulty, HardDifficulty, MediumDifficulty, EasyDifficulty or BasicDifficulty.",
    )?;
    check(
        &o.escape,
        &["RandomEscape", "VanillaEscape"],
        "Invalid escape setting.  Must be RandomEscape or VanillaEscape.",
    )?;
    check(
        &o.morph,
        &["LateMorph", "RandomMorph", "EarlyMorph"],
        "Invalid morph setting.  Must be LateMorph, RandomMorph or EarlyMorph.",
    )?;
    check(
        &o.start,
        &[
            "DeepStart",
            "RandomStart",
            "NotDeepStart",
            "ShallowStart",
            "VanillaStart",
        ],
        "Invalid start setting.  Must be DeepStart, RandomStart, NotDeepStart, ShallowStart or VanillaStart.",
    )?;
    let split = match o.split.as_str() {
        "FullCountdown" => "FullWithHUD",
        "M/m" => "Major",
        _ => "random",
    };
    let difficulty = match o.difficulty.as_str() {
        "HarderDifficulty" => "harder",
        "HardDifficulty" => "hard",
        "MediumDifficulty" => "medium",
        _ => "easy",
    };
    let morph = match o.morph.as_str() {
        "LateMorph" => "late",
        "RandomMorph" => "random",
        _ => "early",
    };
    let area = match o.area.as_str() {
        "FullArea" => "full",
        "LightArea" => "light",
        _ => "off",
    };
    let on_off = |on: bool| if on { "on" } else { "off" };
    let settings = json!({
        "hud": "on",
        "suitsRestriction": "off",
        "variaTweaks": "on",
        "majorsSplit": split,
        "majorsSplitMultiSelect": ["FullWithHUD", "Major"],
        "areaRandomization": area,
        "areaLayout": on_off(o.area != "VanillaArea"),
        "bossRandomization": on_off(o.boss != "VanillaBoss"),
        "maxDifficulty": difficulty,
        "escapeRando": on_off(o.escape != "VanillaEscape"),
        "morphPlacement": morph,
        "startLocation": if o.start == "VanillaStart" { "Landing Site" } else { "random" },
        "startLocationMultiSelect": start_locations(&o.start),
    });
    Ok(VariaRequest {
        settings_preset: "Season_Races".to_owned(),
        skills_preset: if o.difficulty == "BasicDifficulty" {
            "newbie"
        } else {
            "Season_Races"
        }
        .to_owned(),
        race,
        settings: Some(object(settings)),
    })
}

/// The VARIA request for a league playoff game (always a race; `Season_Races` presets).
///
/// # Errors
/// [`Error::BadRequest`] naming the first invalid option and the allowed words.
pub fn league_playoff(majors: &str, area: &str, bosses: &str) -> Result<VariaRequest> {
    check(
        majors,
        &["FullTraditional", "FullRandom", "Major", "Chozo"],
        "Invalid major setting. Must be FullTraditional, FullRandom, Major, or Chozo.",
    )?;
    check(
        area,
        &["Off", "Light", "Full"],
        "Invalid area setting.  Must be Off, Light, or Full.",
    )?;
    check(
        bosses,
        &["Off", "On"],
        "Invalid bosses setting.  Must be Off, or On.",
    )?;
    let on_off = |on: bool| if on { "on" } else { "off" };
    let mut settings = object(json!({
        "majorsSplit": if matches!(majors, "FullTraditional" | "FullRandom") { "Full" } else { majors },
        "areaRandomization": on_off(area != "Off"),
        "areaLayout": on_off(area != "Off"),
        "lightAreaRandomization": on_off(area == "Light"),
        "bossRandomization": on_off(bosses != "Off"),
    }));
    if majors == "FullRandom" {
        settings.insert("startLocation".into(), json!("random"));
        settings.insert(
            "startLocationMultiSelect".into(),
            json!([
                "Gauntlet Top",
                "Green Brinstar Elevator",
                "Big Pink,Etecoons Supers",
                "Wrecked Ship Main",
                "Firefleas Top",
                "Business Center",
                "Bubble Mountain",
                "Mama Turtle"
            ]),
        );
    }
    Ok(VariaRequest {
        settings_preset: "Season_Races".to_owned(),
        skills_preset: "Season_Races".to_owned(),
        race: true,
        settings: Some(settings),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn options() -> ChoozoOptions {
        ChoozoOptions {
            split: "M/m".into(),
            area: "LightArea".into(),
            boss: "VanillaBoss".into(),
            difficulty: "BasicDifficulty".into(),
            escape: "RandomEscape".into(),
            morph: "EarlyMorph".into(),
            start: "ShallowStart".into(),
        }
    }

    #[test]
    fn choozo_maps_the_options() {
        let r = choozo(&options(), true).unwrap();
        assert_eq!(r.skills_preset, "newbie");
        assert_eq!(r.settings_preset, "Season_Races");
        let s = Json::Object(r.settings.unwrap());
        assert_eq!(s["majorsSplit"], "Major");
        assert_eq!(s["areaRandomization"], "light");
        assert_eq!(s["areaLayout"], "on");
        assert_eq!(s["bossRandomization"], "off");
        assert_eq!(s["maxDifficulty"], "easy");
        assert_eq!(s["escapeRando"], "on");
        assert_eq!(s["morphPlacement"], "early");
        assert_eq!(s["startLocation"], "random");
        assert_eq!(s["startLocationMultiSelect"].as_array().unwrap().len(), 4);
    }

    #[test]
    fn choozo_rejects_unknown_words_with_the_list() {
        let mut o = options();
        o.morph = "SoonMorph".into();
        let err = choozo(&o, false).unwrap_err();
        assert_eq!(
            err.to_string(),
            "varia: Invalid morph setting.  Must be LateMorph, RandomMorph or EarlyMorph."
        );
    }

    #[test]
    fn league_playoff_full_random_adds_start_locations() {
        let r = league_playoff("FullRandom", "Light", "On").unwrap();
        let s = Json::Object(r.settings.unwrap());
        assert_eq!(s["majorsSplit"], "Full");
        assert_eq!(s["lightAreaRandomization"], "on");
        assert_eq!(s["areaRandomization"], "on");
        assert_eq!(s["startLocation"], "random");
        assert!(league_playoff("Chozo", "Off", "Off").unwrap().race);
        assert!(league_playoff("Nope", "Off", "Off").is_err());
    }
}
