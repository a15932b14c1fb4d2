//! [`DiscordAuthorize`]: Discord's OAuth2 authorize page for a browser test, over HTTPS with
//! a self-signed certificate (`discord-test-cert.pem`, made for this fake only; the browser
//! accepts it through [`BrowserOptions::accept_insecure_certs`]).

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use super::BrowserOptions;
use crate::loopback::lock;
use crate::oauth::FakeOAuth;

/// The fake's certificate (CN and SAN `discord.com`), valid until 2126.
const CERT_PEM: &[u8] = include_bytes!("discord-test-cert.pem");
/// Its private key. It protects nothing: it exists for this loopback fake.
const KEY_PEM: &[u8] = include_bytes!("discord-test-key.pem");
/// The largest request head read.
const MAX_HEAD: usize = 16 * 1024;

/// A request for the authorize page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthorizeRequest {
    /// The path (`/api/oauth2/authorize`).
    pub path: String,
    /// The query parameters (`client_id`, `redirect_uri`, `state`, `scope`, …).
    pub query: HashMap<String, String>,
}

/// Decides an authorization: the code to send back, or `None` to deny it.
type Approve = dyn Fn(&AuthorizeRequest) -> Option<String> + Send + Sync;

/// Discord's authorize page on a loopback HTTPS port. `GET /api/oauth2/authorize` (and
/// `/oauth2/authorize`) redirects at once to the request's `redirect_uri` with `code` and
/// the same `state`, or with `error=access_denied` when the approval says no; anything
/// else is a 404. Point a browser at it with [`DiscordAuthorize::browser_options`].
/// Dropping it stops the server.
pub struct DiscordAuthorize {
    addr: SocketAddr,
    requests: Arc<Mutex<Vec<AuthorizeRequest>>>,
    server: tokio::task::JoinHandle<()>,
}

impl std::fmt::Debug for DiscordAuthorize {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DiscordAuthorize")
            .field("addr", &self.addr)
            .finish_non_exhaustive()
    }
}

impl Drop for DiscordAuthorize {
    fn drop(&mut self) {
        self.server.abort();
    }
}

impl DiscordAuthorize {
    /// Approves every authorization as `user` (the `/users/@me` JSON): each request gets a
    /// fresh code registered with `oauth` ([`FakeOAuth::discord_code`]), so the site's token
    /// exchange through the fake logs that user in.
    pub async fn approving(oauth: Arc<FakeOAuth>, user: Value) -> std::io::Result<Self> {
        let next = std::sync::atomic::AtomicU64::new(0);
        Self::start(move |_| {
            let n = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let code = format!("browser-code-{n}");
            oauth.discord_code(&code, user.clone());
            Some(code)
        })
        .await
    }

    /// Starts on a random loopback port; `approve` answers each authorization.
    pub async fn start(
        approve: impl Fn(&AuthorizeRequest) -> Option<String> + Send + Sync + 'static,
    ) -> std::io::Result<Self> {
        let certs = vec![CertificateDer::from_pem_slice(CERT_PEM).map_err(std::io::Error::other)?];
        let key = PrivateKeyDer::from_pem_slice(KEY_PEM).map_err(std::io::Error::other)?;
        let tls = rustls::ServerConfig::builder_with_provider(Arc::new(
            rustls::crypto::ring::default_provider(),
        ))
        .with_safe_default_protocol_versions()
        .map_err(std::io::Error::other)?
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .map_err(std::io::Error::other)?;
        let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(tls));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let requests = Arc::new(Mutex::new(Vec::new()));
        let approve: Arc<Approve> = Arc::new(approve);
        let seen = requests.clone();
        let server = tokio::spawn(async move {
            while let Ok((tcp, _)) = listener.accept().await {
                let (acceptor, approve, seen) = (acceptor.clone(), approve.clone(), seen.clone());
                tokio::spawn(async move {
                    // A connection the browser drops half-way is of no interest.
                    if let Ok(tls) = acceptor.accept(tcp).await {
                        let _ = serve(tls, &*approve, &seen).await;
                    }
                });
            }
        });
        Ok(Self {
            addr,
            requests,
            server,
        })
    }

    /// Where it listens.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Browser options sending `discord.com` here and accepting the certificate.
    pub fn browser_options(&self) -> BrowserOptions {
        BrowserOptions::default()
            .map_host("discord.com", self.addr)
            .accept_insecure_certs()
    }

    /// The authorize requests so far.
    pub fn requests(&self) -> Vec<AuthorizeRequest> {
        lock(&self.requests).clone()
    }
}

/// Reads one request head and answers it; the connection closes after.
async fn serve(
    mut stream: tokio_rustls::server::TlsStream<tokio::net::TcpStream>,
    approve: &Approve,
    seen: &Mutex<Vec<AuthorizeRequest>>,
) -> std::io::Result<()> {
    let mut head = Vec::new();
    let mut buf = [0u8; 4096];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        let n = stream.read(&mut buf).await?;
        if n == 0 || head.len() > MAX_HEAD {
            return Ok(());
        }
        head.extend_from_slice(&buf[..n]);
    }
    let text = String::from_utf8_lossy(&head);
    let mut parts = text.lines().next().unwrap_or_default().split(' ');
    let (method, target) = (
        parts.next().unwrap_or_default(),
        parts.next().unwrap_or("/"),
    );
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    let response =
        if method == "GET" && matches!(path, "/api/oauth2/authorize" | "/oauth2/authorize") {
            let request = AuthorizeRequest {
                path: path.to_owned(),
                query: url::form_urlencoded::parse(query.as_bytes())
                    .into_owned()
                    .collect(),
            };
            lock(seen).push(request.clone());
            redirect(&request, approve(&request))
        } else {
            "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".to_owned()
        };
    stream.write_all(response.as_bytes()).await?;
    stream.shutdown().await
}

/// The redirect back to the site: `code` and `state`, or `error=access_denied`.
fn redirect(request: &AuthorizeRequest, code: Option<String>) -> String {
    let Some(back) = request
        .query
        .get("redirect_uri")
        .and_then(|u| url::Url::parse(u).ok())
    else {
        return "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
            .to_owned();
    };
    let mut back = back;
    {
        let mut pairs = back.query_pairs_mut();
        match code {
            Some(code) => pairs.append_pair("code", &code),
            None => pairs.append_pair("error", "access_denied"),
        };
        if let Some(state) = request.query.get("state") {
            pairs.append_pair("state", state);
        }
    }
    format!(
        "HTTP/1.1 302 Found\r\nLocation: {back}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
    )
}
