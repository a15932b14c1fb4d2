//! SahasrahBot's racetime.gg room handlers.
//!
//! This crate will hold the core room handler (intro, `!help`, `!lock`, `!cancel`, spoiler
//! races, KONOT, …) and one module per racetime.gg category, built on the
//! `sahasrahbot-racetime` client. See `racetime.md` §3–§4 of the specs. Nothing is
//! implemented yet.
