//! The integration tests of `tournament`, one module per area, built as one test binary (one
//! link instead of one per file).

mod common;

mod async_tournament;
mod bad_discord;
mod engine_handlers;
mod engine_loop;
mod engine_qualifier;
mod engine_roll;
mod engine_rooms;
mod engine_submission;
mod formats;
mod registry;
mod speedgaming;
mod week;
