//! Test fakes for SahasrahBot, speaking the real protocols on loopback.
//!
//! - [`fixtures`]: finding `../shared/fixtures`, and skipping with a printed reason when a
//!   fresh clone does not have it.
//! - [`db`]: a fresh database per available backend (SQLite always; MariaDB and PostgreSQL
//!   when `TEST_MYSQL_URL` / `TEST_POSTGRES_URL` are set).
//! - [`racetime`]: a fake racetime.gg (HTTP + bot websocket on 127.0.0.1, random port) with
//!   test controls.

pub mod db;
pub mod racetime;
