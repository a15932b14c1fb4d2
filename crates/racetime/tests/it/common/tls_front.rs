//! A TLS front for the testkit fake: terminates TLS on 127.0.0.1 with the self-signed
//! certificate of `tests/fixtures/` (`localhost`, `127.0.0.1`) and relays every connection to
//! the fake's plain port, so the client's `https`/`wss` paths run against the fake. Used by the
//! TLS tests and by `examples/bench_rooms --tls` (through `#[path]`).
#![allow(dead_code, unreachable_pub)]

use std::sync::Arc;

use tokio_rustls::rustls;
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};

/// The front's certificate (DER), to trust as an extra root.
pub const CERT_DER: &[u8] = include_bytes!("../../fixtures/localhost.cert.der");
/// Its private key (PKCS#8 DER).
const KEY_DER: &[u8] = include_bytes!("../../fixtures/localhost.key.der");

/// A server-side TLS acceptor with the fixture certificate.
pub fn acceptor() -> tokio_rustls::TlsAcceptor {
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .expect("ring supports the default protocol versions")
    .with_no_client_auth()
    .with_single_cert(
        vec![CertificateDer::from(CERT_DER.to_vec())],
        PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(KEY_DER.to_vec())),
    )
    .expect("fixture certificate and key match");
    tokio_rustls::TlsAcceptor::from(Arc::new(config))
}

/// The running front; dropping it stops accepting.
pub struct TlsFront {
    pub port: u16,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for TlsFront {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Starts a front relaying to `127.0.0.1:{backend_port}`.
pub async fn start(backend_port: u16) -> std::io::Result<TlsFront> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let port = listener.local_addr()?.port();
    let acceptor = acceptor();
    let task = tokio::spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                // A client that refuses the certificate ends the handshake here.
                let Ok(mut tls) = acceptor.accept(tcp).await else {
                    return;
                };
                let Ok(mut backend) =
                    tokio::net::TcpStream::connect(("127.0.0.1", backend_port)).await
                else {
                    return;
                };
                let _ = tokio::io::copy_bidirectional(&mut tls, &mut backend).await;
            });
        }
    });
    Ok(TlsFront { port, task })
}
