//! [`WebConfig`]: what the web pages need to know from the configuration.

use sahasrahbot_core::config::Config;

/// Discord's public OAuth2 authorize page (the browser goes there).
pub(crate) const DISCORD_AUTHORIZE_URL: &str = "https://discord.com/api/oauth2/authorize";
/// Discord's API root for the server-side OAuth2 calls.
pub(crate) const DISCORD_API_BASE: &str = "https://discord.com/api";

/// Settings of the web login and pages.
#[derive(Debug, Clone)]
pub struct WebConfig {
    /// The public base URL (`api.app_url`), without a trailing slash.
    pub app_url: String,
    /// Debug mode: cookies without `Secure`, a blank secret key allowed.
    pub debug: bool,
    /// The session key (`api.secret_key`); blank means "none configured".
    pub secret_key: String,
    /// Discord OAuth2 client id.
    pub discord_client_id: String,
    /// Discord OAuth2 client secret.
    pub discord_client_secret: String,
    /// Where the browser is sent to authorize (Discord's page).
    pub discord_authorize_url: String,
    /// The API root the server calls for `/oauth2/token` and `/v10/users/@me`.
    pub discord_api_base: String,
    /// racetime.gg's public base URL (`racetime.url`).
    pub racetime_url: String,
    /// racetime.gg OAuth2 client id for account linking.
    pub racetime_client_id: String,
    /// racetime.gg OAuth2 client secret.
    pub racetime_client_secret: String,
}

impl WebConfig {
    /// The web settings of `config`. Server-side Discord calls go through
    /// `discord.http_proxy` when it is set (as the bot's REST calls do).
    pub fn from_config(config: &Config) -> Self {
        let proxy = config.discord.http_proxy.trim();
        let discord_api_base = if proxy.is_empty() {
            DISCORD_API_BASE.to_owned()
        } else {
            format!("http://{proxy}/api")
        };
        Self {
            app_url: config.api.app_url.trim_end_matches('/').to_owned(),
            debug: config.debug,
            secret_key: config.api.secret_key.expose().to_owned(),
            discord_client_id: config.discord.client_id.clone(),
            discord_client_secret: config.discord.client_secret.expose().to_owned(),
            discord_authorize_url: DISCORD_AUTHORIZE_URL.to_owned(),
            discord_api_base,
            racetime_url: config.racetime.url.trim_end_matches('/').to_owned(),
            racetime_client_id: config.racetime.oauth_client_id.clone(),
            racetime_client_secret: config.racetime.oauth_client_secret.expose().to_owned(),
        }
    }

    /// Why web login cannot work with these settings, if it cannot: no secret key outside
    /// debug mode, or no Discord OAuth2 client.
    pub fn login_unavailable(&self) -> Option<&'static str> {
        if self.secret_key.trim().is_empty() && !self.debug {
            Some("api.secret_key is not set")
        } else if self.discord_client_id.trim().is_empty()
            || self.discord_client_secret.trim().is_empty()
        {
            Some("the Discord OAuth2 client (discord.client_id / client_secret) is not set")
        } else {
            None
        }
    }

    /// Why RaceTime account linking cannot work, if it cannot.
    pub fn racetime_unavailable(&self) -> Option<&'static str> {
        if self.racetime_client_id.trim().is_empty()
            || self.racetime_client_secret.trim().is_empty()
        {
            Some("the racetime.gg OAuth2 client (racetime.oauth_client_id / secret) is not set")
        } else {
            None
        }
    }

    /// The Discord OAuth2 redirect URI: `<app_url>/callback/discord/`.
    pub fn discord_redirect_uri(&self) -> String {
        format!("{}/callback/discord/", self.app_url)
    }

    /// The racetime.gg OAuth2 redirect URI: `<app_url>/racetime/verify/return`.
    pub fn racetime_redirect_uri(&self) -> String {
        format!("{}/racetime/verify/return", self.app_url)
    }
}
