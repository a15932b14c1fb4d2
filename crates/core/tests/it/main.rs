//! The integration tests of `core`, one module per area, built as one test binary (one
//! link instead of one per file).

mod common;

mod db_adoption;
mod db_connect;
mod db_entities;
mod guild_config;
mod presets_golden;
mod presets_load;
mod presets_user;
mod telemetry;
