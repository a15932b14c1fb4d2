//! The integration tests of `seedgen`, one module per area, built as one test binary (one
//! link instead of one per file).

mod common;

mod alttpr;
mod audit;
mod avianart;
mod doors;
mod golden;
mod matrix;
mod mystery;
mod others;
mod s3;
mod samus;
mod spoilers;
mod triforce_text;
