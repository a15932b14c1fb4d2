//! Preset files (namespaced by game) and the mystery roller.
