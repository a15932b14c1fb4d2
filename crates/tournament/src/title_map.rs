//! Match title → ALTTPR preset maps (`tournament.md` §3.6): the German tournament
//! (`alttprde`, 12 modes) and the German mini tournament (`alttprmini`, 5 modes) pick the
//! preset from the SpeedGaming match title.
//!
//! The mode is the text after the **last** `:` of the title, trimmed (`"Round 1: Boss
//! Shuffle"` → `Boss Shuffle`; a title without a colon is the mode itself). A mode missing
//! from the map makes the roll fail with [`INVALID_MODE_MESSAGE`] in the room.
//!
//! A map can also come from an event's `config:` block in `tournaments.yaml`
//! (`title_map:`, a mapping of mode → preset), which replaces the built-in one.

use serde::{Deserialize, Serialize};

/// The room message when the title names no mode of the map.
pub const INVALID_MODE_MESSAGE: &str =
    "Invalid mode chosen, please contact a tournament admin for assistance.";

/// The built-in `alttprde` map, in the original's order.
const ALTTPRDE: [(&str, &str); 12] = [
    ("Open", "open"),
    ("Standard", "standard"),
    ("6/6 Fast Ganon", "open_fast_66"),
    ("Casual Boots", "casualboots"),
    ("Big Key Shuffle", "catobat/bkshuffle"),
    ("Boss Shuffle", "nightcl4w/german_boss_shuffle"),
    ("All Dungeons", "adboots"),
    ("Open Hard", "derduden2/german_hard"),
    ("Enemizer", "enemizer"),
    ("6/6 Vanilla Swords", "nightcl4w/6_6_vanilla_swords"),
    ("All Dungeons Keysanity", "adkeys_boots"),
    ("Standard Swordless", "nightcl4w/german_swordless2024"),
];

/// The built-in `alttprmini` map, in the original's order.
const ALTTPRMINI: [(&str, &str); 5] = [
    ("Casual Boots", "casualboots"),
    ("6/6 Defeat Ganon", "nightcl4w/6_6_defeat_ganon"),
    ("Boss Shuffle", "nightcl4w/boss_shuffle"),
    ("Big Key Shuffle", "catobat/bkshuffle"),
    ("All Dungeons", "adboots"),
];

/// A mode → preset map. Serialized as a mapping, entries in order.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TitleMap {
    entries: Vec<(String, String)>,
}

/// A title whose mode is not in the map.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{INVALID_MODE_MESSAGE} (mode {mode:?} of title {title:?})")]
pub struct InvalidMode {
    /// The whole match title.
    pub title: String,
    /// The mode read from it.
    pub mode: String,
}

impl TitleMap {
    /// A map of these (mode, preset) entries; a repeated mode keeps its first position and
    /// takes the last preset.
    pub fn new<M: Into<String>, P: Into<String>>(
        entries: impl IntoIterator<Item = (M, P)>,
    ) -> Self {
        let mut map = TitleMap::default();
        for (mode, preset) in entries {
            map.insert(mode.into(), preset.into());
        }
        map
    }

    fn insert(&mut self, mode: String, preset: String) {
        match self.entries.iter_mut().find(|(m, _)| *m == mode) {
            Some(slot) => slot.1 = preset,
            None => self.entries.push((mode, preset)),
        }
    }

    /// The built-in `alttprde` map (12 modes).
    pub fn alttprde() -> Self {
        Self::new(ALTTPRDE)
    }

    /// The built-in `alttprmini` map (5 modes).
    pub fn alttprmini() -> Self {
        Self::new(ALTTPRMINI)
    }

    /// The entries, in order.
    pub fn entries(&self) -> impl Iterator<Item = (&str, &str)> {
        self.entries.iter().map(|(m, p)| (m.as_str(), p.as_str()))
    }

    /// Number of modes.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether the map has no modes.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The preset for a mode name (exact, case-sensitive).
    pub fn get(&self, mode: &str) -> Option<&str> {
        self.entries
            .iter()
            .find(|(m, _)| m == mode)
            .map(|(_, p)| p.as_str())
    }

    /// The preset for a match title: its [`mode_of_title`] looked up in the map.
    pub fn preset_for_title(&self, title: &str) -> Result<&str, InvalidMode> {
        let mode = mode_of_title(title);
        self.get(mode).ok_or_else(|| InvalidMode {
            title: title.to_owned(),
            mode: mode.to_owned(),
        })
    }
}

/// The mode part of a match title: the text after the last `:`, trimmed; the whole title,
/// trimmed, when there is no colon.
pub fn mode_of_title(title: &str) -> &str {
    title.rsplit(':').next().unwrap_or(title).trim()
}

impl Serialize for TitleMap {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = s.serialize_map(Some(self.entries.len()))?;
        for (mode, preset) in &self.entries {
            map.serialize_entry(mode, preset)?;
        }
        map.end()
    }
}

impl<'de> Deserialize<'de> for TitleMap {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = TitleMap;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a mapping of mode names to preset names")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut a: A,
            ) -> Result<TitleMap, A::Error> {
                let mut map = TitleMap::default();
                while let Some((mode, preset)) = a.next_entry::<String, String>()? {
                    map.insert(mode, preset);
                }
                Ok(map)
            }
        }
        d.deserialize_map(Visitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mode_is_the_trimmed_text_after_the_last_colon() {
        assert_eq!(mode_of_title("Round 1: Boss Shuffle"), "Boss Shuffle");
        assert_eq!(mode_of_title("Top 8: Game 2:  Open Hard  "), "Open Hard");
        assert_eq!(mode_of_title("  Enemizer "), "Enemizer");
        assert_eq!(mode_of_title("Finals:"), "");
    }

    #[test]
    fn built_in_maps() {
        let de = TitleMap::alttprde();
        assert_eq!(de.len(), 12);
        assert_eq!(
            de.preset_for_title("Gruppenphase: Boss Shuffle"),
            Ok("nightcl4w/german_boss_shuffle")
        );
        assert_eq!(
            de.preset_for_title("Achtelfinale: Standard Swordless"),
            Ok("nightcl4w/german_swordless2024")
        );
        assert_eq!(de.preset_for_title("6/6 Fast Ganon"), Ok("open_fast_66"));
        let mini = TitleMap::alttprmini();
        assert_eq!(mini.len(), 5);
        assert_eq!(
            mini.preset_for_title("Round 1: Boss Shuffle"),
            Ok("nightcl4w/boss_shuffle")
        );
        assert_eq!(
            mini.preset_for_title("Round 2: 6/6 Defeat Ganon"),
            Ok("nightcl4w/6_6_defeat_ganon")
        );
        // The mini map has no "Open".
        assert!(mini.preset_for_title("Round 3: Open").is_err());
    }

    #[test]
    fn unknown_modes_are_invalid_with_the_room_message() {
        let err = TitleMap::alttprde()
            .preset_for_title("Round 1: boss shuffle")
            .unwrap_err();
        assert_eq!(err.mode, "boss shuffle");
        assert!(err.to_string().starts_with(INVALID_MODE_MESSAGE));
        assert_eq!(
            INVALID_MODE_MESSAGE,
            "Invalid mode chosen, please contact a tournament admin for assistance."
        );
    }

    #[test]
    fn serde_as_an_ordered_mapping() {
        let map: TitleMap =
            serde_json::from_str(r#"{"Open": "open", "Keysanity": "keysanity"}"#).unwrap();
        let entries: Vec<_> = map.entries().collect();
        assert_eq!(entries, vec![("Open", "open"), ("Keysanity", "keysanity")]);
        assert_eq!(
            serde_json::to_string(&map).unwrap(),
            r#"{"Open":"open","Keysanity":"keysanity"}"#
        );
    }
}
