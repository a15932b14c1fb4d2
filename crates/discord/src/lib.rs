//! SahasrahBot's Discord bot.
//!
//! This crate will hold the twilight gateway and HTTP client, the slash-command registry,
//! one module per command group, and the `ChatNotifier` implementation the other crates
//! use. See `discord.md` of the specs. Nothing is implemented yet.
