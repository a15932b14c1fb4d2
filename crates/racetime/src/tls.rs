//! The TLS connector of a bot's room sockets: one rustls `ClientConfig` (ring, the webpki roots
//! plus any extra roots of the [`BotConfig`](crate::BotConfig)), built once per bot and shared by
//! every room. tokio-tungstenite's own `connect_async` builds a fresh config, root store
//! included, for every connection, and each connection keeps it for its lifetime.

use std::sync::Arc;

use tokio_rustls::TlsConnector;
use tokio_rustls::rustls::{self, ClientConfig, RootCertStore};

use crate::error::{Error, Result};

/// Builds the shared connector. Certificate verification is always on (DECISIONS.md).
pub(crate) fn connector(extra_roots: &[Vec<u8>]) -> Result<TlsConnector> {
    let mut roots = RootCertStore::empty();
    roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    for der in extra_roots {
        roots
            .add(rustls::pki_types::CertificateDer::from(der.clone()))
            .map_err(|e| Error::InvalidRequest(format!("bad extra root certificate: {e}")))?;
    }
    let config =
        ClientConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
            .with_safe_default_protocol_versions()
            .map_err(|e| Error::InvalidRequest(format!("TLS configuration: {e}")))?
            .with_root_certificates(roots)
            .with_no_client_auth();
    Ok(TlsConnector::from(Arc::new(config)))
}
