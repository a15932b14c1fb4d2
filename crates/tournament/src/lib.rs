//! SahasrahBot's tournament engine.
//!
//! This crate will hold the SpeedGaming client, the registry read from `tournaments.yaml`,
//! the tournament race lifecycle with per-event hooks, dailies, and the async-tournament
//! domain rules. See `tournament.md` of the specs. Nothing is implemented yet.
