//! The integration tests of `racetime`, one module per area, built as one test binary (one
//! link instead of one per file).

mod common;

mod client;
mod fake_server;
mod fixtures;
mod tls;
