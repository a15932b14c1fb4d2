//! Hosts, URLs and tunables.

use std::time::Duration;

use rand::Rng;
use url::Url;

use crate::error::Result;

/// Where racetime.gg is (racetime.md §1.1): `http`/`ws` or `https`/`wss`, a host, and a port that
/// is only written into URLs when non-zero.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostConfig {
    /// Host name, e.g. `racetime.gg` or `127.0.0.1`.
    pub host: String,
    /// Port; `0` omits it from URLs.
    pub port: u16,
    /// Use `https`/`wss` (verified TLS) instead of `http`/`ws`.
    pub secure: bool,
}

impl Default for HostConfig {
    /// Production racetime.gg.
    fn default() -> Self {
        Self {
            host: "racetime.gg".to_owned(),
            port: 0,
            secure: true,
        }
    }
}

impl HostConfig {
    /// A plain-HTTP host on the given port, e.g. a local racetime-app or a test fake.
    pub fn insecure(host: impl Into<String>, port: u16) -> Self {
        Self {
            host: host.into(),
            port,
            secure: false,
        }
    }

    fn base(&self, scheme: &str) -> String {
        if self.port == 0 {
            format!("{scheme}://{}", self.host)
        } else {
            format!("{scheme}://{}:{}", self.host, self.port)
        }
    }

    /// An HTTP(S) URL for `path` (which starts with `/`).
    pub fn http_url(&self, path: &str) -> Result<Url> {
        let scheme = if self.secure { "https" } else { "http" };
        Ok(Url::parse(&format!("{}{path}", self.base(scheme)))?)
    }

    /// A websocket URL for `path` (which starts with `/`).
    pub fn ws_url(&self, path: &str) -> Result<Url> {
        let scheme = if self.secure { "wss" } else { "ws" };
        Ok(Url::parse(&format!("{}{path}", self.base(scheme)))?)
    }
}

/// Exponential backoff with jitter: attempt `n` (1-based) waits a random time in
/// `[d/2, d]` where `d = min(base * 2^(n-1), max)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Backoff {
    /// Delay before the first retry (upper bound).
    pub base: Duration,
    /// Largest delay.
    pub max: Duration,
}

impl Backoff {
    /// The delay before retry number `attempt` (1-based; 0 is treated as 1).
    pub fn delay(&self, attempt: u32) -> Duration {
        let exp = attempt.saturating_sub(1).min(20);
        let full = self.base.saturating_mul(1u32 << exp).min(self.max);
        if full.is_zero() {
            return full;
        }
        let half = full / 2;
        let jitter =
            rand::thread_rng().gen_range(0..=half.as_micros().min(u64::MAX as u128) as u64);
        half + Duration::from_micros(jitter)
    }
}

/// Everything a [`Bot`](crate::Bot) needs to know. Build with [`BotConfig::new`] and adjust the
/// public fields.
#[derive(Clone)]
pub struct BotConfig {
    /// Where racetime.gg is.
    pub host: HostConfig,
    /// Category slug, e.g. `alttpr`.
    pub category: String,
    /// OAuth2 client id of the category bot.
    pub client_id: String,
    /// OAuth2 client secret of the category bot (never logged).
    pub client_secret: String,
    /// How often `/o/{category}/data` is polled. Default 30 s.
    pub scan_interval: Duration,
    /// Backoff used when the category feed fails. Default 5 s .. 5 min.
    pub feed_backoff: Backoff,
    /// Backoff used when a room socket has to reconnect. Default 1 s .. 5 min.
    pub reconnect_backoff: Backoff,
    /// A room gives up after this many consecutive failed (re)connections. Default 10.
    pub max_reconnect_failures: u32,
    /// Backoff used when fetching a token fails. Default 4 s .. 5 min.
    pub token_backoff: Backoff,
    /// Refresh the token this long before it expires (if the lifetime is shorter than this,
    /// refresh at half-life). Default 600 s.
    pub token_refresh_margin: Duration,
    /// Least time between two token refreshes requested by rooms after "Permission denied"
    /// (scheduled refreshes are not limited). Default 30 s.
    pub token_refresh_cooldown: Duration,
    /// After a token refresh each room reconnects at a random moment within this window (the
    /// old token stays valid for [`BotConfig::token_refresh_margin`]). Default 60 s.
    pub token_reconnect_spread: Duration,
    /// Liveness ping on a room socket after this long without any frame from the server (a
    /// busy room does not ping); three intervals without any frame count as a lost connection.
    /// Default 30 s.
    pub ping_interval: Duration,
    /// Chat command prefix. Default `!`.
    pub command_prefix: String,
    /// Largest websocket message accepted from the server. Default 1 MiB.
    pub max_message_size: usize,
    /// How many rooms are joined concurrently during a scan. Default 8.
    pub join_concurrency: usize,
    /// DER-encoded certificates trusted in addition to the webpki roots, for HTTPS and the room
    /// sockets (a private racetime-app, a test server's self-signed certificate). Certificates
    /// are always verified. Default none.
    pub extra_root_certificates: Vec<Vec<u8>>,
}

impl std::fmt::Debug for BotConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BotConfig")
            .field("host", &self.host)
            .field("category", &self.category)
            .field("client_id", &self.client_id)
            .field("client_secret", &"<redacted>")
            .field("scan_interval", &self.scan_interval)
            .field("reconnect_backoff", &self.reconnect_backoff)
            .field("max_reconnect_failures", &self.max_reconnect_failures)
            .field("command_prefix", &self.command_prefix)
            .field(
                "extra_root_certificates",
                &self.extra_root_certificates.len(),
            )
            .finish_non_exhaustive()
    }
}

impl BotConfig {
    /// Production defaults for one category.
    pub fn new(
        category: impl Into<String>,
        client_id: impl Into<String>,
        client_secret: impl Into<String>,
    ) -> Self {
        Self {
            host: HostConfig::default(),
            category: category.into(),
            client_id: client_id.into(),
            client_secret: client_secret.into(),
            scan_interval: Duration::from_secs(30),
            feed_backoff: Backoff {
                base: Duration::from_secs(5),
                max: Duration::from_secs(300),
            },
            reconnect_backoff: Backoff {
                base: Duration::from_secs(1),
                max: Duration::from_secs(300),
            },
            max_reconnect_failures: 10,
            token_backoff: Backoff {
                base: Duration::from_secs(4),
                max: Duration::from_secs(300),
            },
            token_refresh_margin: Duration::from_secs(600),
            token_refresh_cooldown: Duration::from_secs(30),
            token_reconnect_spread: Duration::from_secs(60),
            ping_interval: Duration::from_secs(30),
            command_prefix: "!".to_owned(),
            max_message_size: 1 << 20,
            join_concurrency: 8,
            extra_root_certificates: Vec::new(),
        }
    }

    /// Same config pointed at another host.
    pub fn with_host(mut self, host: HostConfig) -> Self {
        self.host = host;
        self
    }

    /// Same config that also trusts this DER-encoded certificate (see
    /// [`BotConfig::extra_root_certificates`]).
    pub fn with_root_certificate(mut self, der: impl Into<Vec<u8>>) -> Self {
        self.extra_root_certificates.push(der.into());
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_follow_secure_and_port() {
        let h = HostConfig::insecure("localhost", 8000);
        assert_eq!(
            h.http_url("/o/token").unwrap().as_str(),
            "http://localhost:8000/o/token"
        );
        assert_eq!(
            h.ws_url("/ws/o/bot/x").unwrap().as_str(),
            "ws://localhost:8000/ws/o/bot/x"
        );
        let p = HostConfig::default();
        assert_eq!(
            p.http_url("/alttpr/data").unwrap().as_str(),
            "https://racetime.gg/alttpr/data"
        );
        assert_eq!(p.ws_url("/ws").unwrap().as_str(), "wss://racetime.gg/ws");
    }

    #[test]
    fn backoff_grows_and_caps() {
        let b = Backoff {
            base: Duration::from_millis(100),
            max: Duration::from_millis(1000),
        };
        for attempt in 1..30 {
            let d = b.delay(attempt);
            let full = (Duration::from_millis(100) * 2u32.pow((attempt - 1).min(10)))
                .min(Duration::from_millis(1000));
            assert!(d >= full / 2 && d <= full, "{attempt}: {d:?}");
        }
    }
}
