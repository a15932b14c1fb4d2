//! The integration tests of `sahasrahbot`, one module per area, built as one test binary (one
//! link instead of one per file).

mod common;

mod audit;
mod cli;
mod discord;
mod racetime;
mod tournaments;
mod web_submit;
