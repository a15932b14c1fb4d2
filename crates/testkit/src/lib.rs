//! Test fakes for SahasrahBot, speaking the real protocols on loopback.
//!
//! - [`fixtures`]: finding `../shared/fixtures`, and skipping with a printed reason when a
//!   fresh clone does not have it.
