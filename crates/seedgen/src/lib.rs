//! Seed providers for SahasrahBot.
//!
//! This crate will hold the `SeedProvider` trait, the reliability contract every provider
//! call goes through (timeout, retries with backoff, error taxonomy, canonical
//! `GeneratedSeed`, audit row), each provider (alttpr.com, samus.link, VARIA, DASH, CTJets,
//! BingoSync, AVIANART, OoTR, the door randomizer, local generators) and spoiler log storage.
//! See `core.md` §2–§4 of the specs. Nothing is implemented yet.
