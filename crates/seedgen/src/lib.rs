//! Seed providers for SahasrahBot (specs: `core.md` §2–§3).
//!
//! - [`Contract`] runs every provider call: a timeout per attempt, retries with exponential
//!   backoff for timeouts, 5xx and 429 only, and the error taxonomy of [`Error`].
//! - [`SeedProvider`] is implemented by each provider in [`providers`]; they all answer with
//!   the canonical [`GeneratedSeed`].
//! - [`Seedgen`] holds every provider and turns a core
//!   [`ProviderRequest`](sahasrahbot_core::presets::ProviderRequest) into a game, writing the
//!   `audit_generated_games` row ([`audit`]) on success.
//! - [`triforce_text`] puts an approved triforce text into an alttpr preset.
//! - [`SeedgenConfig`] says where each provider lives; tests point it at local servers.
//! - [`spoilers`] formats alttpr.com spoiler logs for spoiler races and publishes them
//!   through a [`storage::SpoilerStore`]: an S3 bucket or a local directory, both through
//!   the `object_store` crate.

pub mod alttpr_summary;
pub mod audit;
mod config;
mod contract;
mod error;
mod http;
pub mod ordered;
pub mod providers;
pub mod pyjson;
mod seed;
mod service;
pub mod spoilers;
pub mod storage;
#[cfg(feature = "testing")]
pub mod testing;
pub mod triforce_text;

pub use config::{AlttprSettings, DoorsSettings, SeedgenConfig};
pub use contract::{Completed, Contract, RetryPolicy};
pub use error::{Error, ErrorKind, Failure, ProviderFailure, Result};
pub use providers::{ProviderContext, SeedProvider};
pub use seed::{GeneratedSeed, ProviderMeta, Surface};
pub use service::Seedgen;
