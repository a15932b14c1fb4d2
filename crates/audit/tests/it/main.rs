//! The integration tests of `audit`, one module per area, built as one test binary (one
//! link instead of one per file).

mod common;

mod burst;
mod history;
mod moderation;
