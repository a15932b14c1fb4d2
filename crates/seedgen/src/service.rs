//! [`Seedgen`]: every provider behind one handle, and the generation of a core
//! [`ProviderRequest`] with its audit row.

use sahasrahbot_core::presets::{GenerationAudit, ProviderRequest};
use sea_orm::DatabaseConnection;
use serde_json::json;
use tracing::warn;

use crate::audit::{AuditEntry, write_audit};
use crate::config::SeedgenConfig;
use crate::error::Result;
use crate::providers::alttpr::{AlttprProvider, AlttprRequest};
use crate::providers::avianart::{AvianartProvider, AvianartRequest};
use crate::providers::bingosync::BingoSyncProvider;
use crate::providers::ctjets::{CtJetsProvider, CtJetsRequest};
use crate::providers::dash::DashProvider;
use crate::providers::doors::{DoorsProvider, DoorsRequest};
use crate::providers::ootr::OotrProvider;
use crate::providers::samus::{SamusGame, SamusProvider, SamusRequest};
use crate::providers::varia::VariaProvider;
use crate::providers::{ProviderContext, SeedProvider};
use crate::seed::{GeneratedSeed, Surface};
use crate::storage::SpoilerStore;
use sahasrahbot_core::config::Config;

/// Every provider, sharing one HTTP client and configuration, plus the database the audit
/// rows go to.
#[derive(Debug, Clone)]
pub struct Seedgen {
    /// alttpr.com.
    pub alttpr: AlttprProvider,
    /// samus.link (SM, SMZ3).
    pub samus: SamusProvider,
    /// AVIANART.
    pub avianart: AvianartProvider,
    /// The door randomizer.
    pub doors: DoorsProvider,
    /// ctjot.com.
    pub ctjets: CtJetsProvider,
    /// SM VARIA.
    pub varia: VariaProvider,
    /// DASH.
    pub dash: DashProvider,
    /// ootrandomizer.com.
    pub ootr: OotrProvider,
    /// BingoSync.
    pub bingosync: BingoSyncProvider,
    db: Option<DatabaseConnection>,
}

impl Seedgen {
    /// Builds every provider. Audit rows are written when `db` is given; door games need a
    /// `patch_store`.
    ///
    /// # Errors
    /// When an HTTP client cannot be built.
    pub fn new(
        config: SeedgenConfig,
        db: Option<DatabaseConnection>,
        patch_store: Option<SpoilerStore>,
    ) -> Result<Self> {
        let ctx = ProviderContext::new(config)?;
        Ok(Self {
            alttpr: AlttprProvider::new(ctx.clone()),
            samus: SamusProvider::new(ctx.clone()),
            avianart: AvianartProvider::new(ctx.clone()),
            doors: DoorsProvider::new(ctx.clone(), patch_store),
            ctjets: CtJetsProvider::new(ctx.clone()),
            varia: VariaProvider::new(ctx.clone()),
            dash: DashProvider::new(ctx.clone())?,
            ootr: OotrProvider::new(ctx.clone()),
            bingosync: BingoSyncProvider::new(ctx)?,
            db,
        })
    }

    /// Every provider as the bot's configuration says: alttpr.com base URL and
    /// credentials, OoTR key, door randomizer checkout and ROM; door patches go to the
    /// `SAHASRAHBOT_BUCKET` S3 bucket when it is set (configured from the `AWS_*`
    /// environment variables), linked as `https://<bucket>.s3.amazonaws.com/<key>`.
    ///
    /// # Errors
    /// When an HTTP client cannot be built or the S3 configuration is invalid.
    pub fn from_config(config: &Config, db: Option<DatabaseConnection>) -> Result<Self> {
        let seedgen = SeedgenConfig::from_config(config);
        let bucket = config.spoilers.sahasrahbot_bucket.trim();
        let store = if bucket.is_empty() {
            None
        } else {
            Some(SpoilerStore::s3(
                SpoilerStore::s3_builder(bucket, seedgen.policy),
                format!("https://{bucket}.s3.amazonaws.com"),
            )?)
        };
        Self::new(seedgen, db, store)
    }

    /// Sends a request built from a preset (or a mystery roll) to its provider; on success
    /// writes the `audit_generated_games` row when `audit` is given and a database is
    /// configured. A failing audit insert is logged, never returned: the game exists.
    ///
    /// # Errors
    /// The provider's error; no audit row is written then.
    pub async fn generate(
        &self,
        request: &ProviderRequest,
        audit: Option<&GenerationAudit>,
        surface: Option<Surface>,
    ) -> Result<GeneratedSeed> {
        let (seed, settings, hash_id) = match request {
            ProviderRequest::Alttpr {
                baseurl,
                endpoint,
                body,
            } => {
                let req = AlttprRequest {
                    baseurl: baseurl.clone(),
                    endpoint: endpoint.clone(),
                    body: body.clone(),
                };
                let seed = self.alttpr.generate(&req, surface).await?;
                let id = Some(seed.hash_or_id.clone());
                (seed, body.clone(), id)
            }
            ProviderRequest::Sm { baseurl, body } | ProviderRequest::Smz3 { baseurl, body } => {
                let game = if matches!(request, ProviderRequest::Sm { .. }) {
                    SamusGame::Sm
                } else {
                    SamusGame::Smz3
                };
                let req = SamusRequest {
                    game,
                    baseurl: baseurl.clone(),
                    body: body.clone(),
                };
                let seed = self.samus.generate(&req, surface).await?;
                let id = Some(seed.hash_or_id.clone());
                (seed, body.clone(), id)
            }
            ProviderRequest::Avianart { preset, race } => {
                let req = AvianartRequest {
                    preset: preset.clone(),
                    race: *race,
                };
                let seed = self.avianart.generate(&req, surface).await?;
                let id = Some(seed.hash_or_id.clone());
                (seed, json!({"preset": preset}), id)
            }
            ProviderRequest::Doors {
                spoilers,
                branch,
                settings,
            } => {
                let req = DoorsRequest {
                    spoilers: *spoilers,
                    branch: branch.clone(),
                    settings: settings.clone(),
                };
                let seed = self.doors.generate(&req, surface).await?;
                let id = Some(seed.hash_or_id.clone());
                (seed, settings.clone(), id)
            }
            ProviderRequest::CtJets { settings, version } => {
                let req = CtJetsRequest {
                    settings: settings.clone(),
                    version: version.clone(),
                };
                let seed = self.ctjets.generate(&req, surface).await?;
                (seed, settings.clone(), None)
            }
        };
        if let (Some(audit), Some(db)) = (audit, &self.db) {
            let entry = AuditEntry {
                audit: audit.clone(),
                hash_id,
                permalink: Some(seed.url.clone()),
                settings,
            };
            if let Err(e) = write_audit(db, &entry).await {
                warn!(provider = request.provider(), error = %e, "audit row not written");
            }
        }
        Ok(seed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spoilers::spoiler_backend;
    use crate::storage::Backend;

    #[test]
    fn builds_from_the_default_configuration() {
        let config = Config::default();
        let seedgen = Seedgen::from_config(&config, None).unwrap();
        assert!(!seedgen.doors.is_installed(None) || config.roms.door_rando_home.exists());
        // No spoiler bucket: spoiler logs are kept in a local directory.
        assert_eq!(
            spoiler_backend(&config),
            Backend::Local("data/spoilers".into())
        );
    }
}
