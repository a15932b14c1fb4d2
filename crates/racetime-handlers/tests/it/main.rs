//! The integration tests of `racetime-handlers`, one module per area, built as one test binary (one
//! link instead of one per file).

mod common;

mod categories;
mod core;
mod lifecycle;
mod register;
mod spoiler;
mod tournament;
