//! The seed providers, one module each, and what they share.

pub mod alttpr;
pub mod avianart;
pub mod bingosync;
pub mod ctjets;
pub mod dash;
pub mod doors;
pub mod local;
pub mod ootr;
pub mod samus;
pub mod varia;
pub mod varia_presets;

use std::sync::Arc;

use async_trait::async_trait;

use crate::config::SeedgenConfig;
use crate::contract::{Completed, Contract};
use crate::error::{Error, Result};
use crate::http::USER_AGENT;
use crate::seed::{GeneratedSeed, ProviderMeta, Surface};

/// One seed provider: turns its request type into a [`GeneratedSeed`], every network call
/// going through the reliability [`Contract`].
#[async_trait]
pub trait SeedProvider: Send + Sync {
    /// What the provider is asked to generate.
    type Request: Send + Sync + ?Sized;

    /// The provider's short name (`alttpr`, `sm`, `avianart`, …), used in errors and logs.
    fn name(&self) -> &'static str;

    /// Generates one game.
    ///
    /// # Errors
    /// A taxonomy [`Error`] after the contract gave up, or a local failure.
    async fn generate(
        &self,
        request: &Self::Request,
        surface: Option<Surface>,
    ) -> Result<GeneratedSeed>;
}

/// What every provider holds: the configuration, an HTTP client and the contract.
#[derive(Debug, Clone)]
pub struct ProviderContext {
    /// The providers' configuration.
    pub config: Arc<SeedgenConfig>,
    /// The shared HTTP client (connection pool).
    pub client: reqwest::Client,
    /// The envelope, with `config.policy`.
    pub contract: Contract,
}

impl ProviderContext {
    /// A context with a fresh HTTP client.
    ///
    /// # Errors
    /// When the HTTP client cannot be built (TLS initialisation).
    pub fn new(config: SeedgenConfig) -> Result<Self> {
        let client = client_builder().build().map_err(Error::Client)?;
        Ok(Self {
            contract: Contract::new(config.policy),
            config: Arc::new(config),
            client,
        })
    }
}

/// The builder every client of this crate starts from (user agent set, no global timeout:
/// the contract times attempts out).
pub(crate) fn client_builder() -> reqwest::ClientBuilder {
    reqwest::Client::builder().user_agent(USER_AGENT)
}

/// The [`ProviderMeta`] of a completed call.
pub(crate) fn meta<T>(
    provider: &str,
    operation: &str,
    done: &Completed<T>,
    surface: Option<Surface>,
) -> ProviderMeta {
    ProviderMeta {
        provider: provider.to_owned(),
        operation: operation.to_owned(),
        attempt_count: done.attempts,
        latency_ms: done.latency_ms(),
        surface,
    }
}
