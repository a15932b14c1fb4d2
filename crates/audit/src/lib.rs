//! SahasrahBot's audit bot.
//!
//! This crate will hold the second Discord client that records message history, reports
//! edits, deletes, joins and leaves, prunes old rows and moderates. See `discord.md` §3 of
//! the specs. Nothing is implemented yet.
