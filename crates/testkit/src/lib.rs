//! Test fakes for SahasrahBot, speaking the real protocols on loopback.
//!
//! - [`fixtures`]: finding `../shared/fixtures`, and skipping with a printed reason when a
//!   fresh clone does not have it.
//! - [`db`]: a fresh database per available backend (SQLite always; MariaDB and PostgreSQL
//!   when `TEST_MYSQL_URL` / `TEST_POSTGRES_URL` are set).
//! - [`discord`]: a fake Discord (REST routes under `/api/v10` and a gateway websocket on
//!   127.0.0.1, random port) with test controls: interactions as a given user, dropped
//!   sockets, the recorded REST calls.
//! - [`racetime`]: a fake racetime.gg (HTTP + bot websocket on 127.0.0.1, random port) with
//!   test controls.

pub mod db;
pub mod discord;
pub mod racetime;
