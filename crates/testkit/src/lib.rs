//! Test fakes for SahasrahBot, speaking the real protocols on loopback.
//!
//! - [`fixtures`]: finding `../shared/fixtures`, and skipping with a printed reason when a
//!   fresh clone does not have it.
//! - [`alttpr`]: a fake alttpr.com (generate and settings endpoints) on a wiremock server.
//! - [`browser`]: a headless Chromium driven over WebDriver for real-browser tests (skipped
//!   with a printed reason when Chromium is not installed), and a fake Discord authorize page.
//! - [`db`]: a fresh database per available backend (SQLite always; MariaDB and PostgreSQL
//!   when `TEST_MYSQL_URL` / `TEST_POSTGRES_URL` are set).
//! - [`discord`]: a fake Discord (REST routes under `/api/v10` and a gateway websocket on
//!   127.0.0.1, random port) with test controls: interactions as a given user, dropped
//!   sockets, the recorded REST calls.
//! - [`oauth`]: a fake OAuth2 provider for the web login: Discord's token and `/users/@me`
//!   routes and racetime.gg's `/o/token` and `/o/userinfo`.
//! - [`process`]: the benchmarks' reading of their own resident memory.
//! - [`racetime`]: a fake racetime.gg (HTTP + bot websocket on 127.0.0.1, random port) with
//!   test controls.

pub mod alttpr;
pub mod browser;
pub mod db;
pub mod discord;
mod loopback;
pub mod oauth;
pub mod process;
pub mod racetime;
