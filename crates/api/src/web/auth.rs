//! Discord OAuth2 login (`api.md` §2.1): `/login/`, `/callback/discord/`, `/logout/`.

use std::sync::Arc;

use poem::http::StatusCode;
use poem::session::Session;
use poem::web::{Data, Query};
use poem::{Response, handler};
use serde::Deserialize;

use super::error::WebError;
use super::session::{self, DiscordUser, RETURN_PATH_KEY};
use super::{WebConfig, found};
use crate::AppState;

/// Session key of the OAuth2 `state` of a login in progress.
const STATE_KEY: &str = "oauth_state";
/// Session key of where to go after the login in progress.
const REDIRECT_KEY: &str = "oauth_redirect";
/// How long a login lasts when Discord does not say how long its token lives.
const DEFAULT_LIFETIME_SECS: i64 = 7 * 24 * 3600;

/// An "OAuth Error" page.
fn oauth_error(status: StatusCode, message: impl Into<String>) -> WebError {
    WebError::page(status, "OAuth Error", message)
}

/// `GET /login/`: remembers where to return (only a path on this site), stores a fresh
/// `state`, and sends the browser to Discord's authorize page.
#[handler]
pub(crate) fn login(
    session: &Session,
    config: Data<&Arc<WebConfig>>,
) -> Result<Response, WebError> {
    if let Some(reason) = config.login_unavailable() {
        tracing::warn!(%reason, "login refused");
        return Err(WebError::page(
            StatusCode::SERVICE_UNAVAILABLE,
            "Login Unavailable",
            "Logging in is not set up on this site yet. Please tell the bot's operators.",
        ));
    }
    let redirect = session::safe_return_path(session.get::<String>(RETURN_PATH_KEY));
    session.set(REDIRECT_KEY, redirect);
    let url = session::authorize_url(
        session,
        STATE_KEY,
        &config.discord_authorize_url,
        &config.discord_client_id,
        &config.discord_redirect_uri(),
        "identify",
    )?;
    Ok(found(&url))
}

/// The query of Discord's redirect back to us.
#[derive(Debug, Deserialize)]
pub(crate) struct CallbackQuery {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
    error_description: Option<String>,
}

/// Discord's token response (the fields used).
#[derive(Debug, Deserialize)]
struct TokenResponse {
    access_token: String,
    expires_in: Option<i64>,
}

/// `GET /callback/discord/`: checks `state`, exchanges the code, reads the user once and
/// keeps it (not the token) in the encrypted session, then returns to the remembered path.
#[handler]
pub(crate) async fn callback(
    session: &Session,
    config: Data<&Arc<WebConfig>>,
    state: Data<&AppState>,
    Query(query): Query<CallbackQuery>,
) -> Result<Response, WebError> {
    let state_ok = session::take_state_matches(session, STATE_KEY, query.state.as_deref());
    let fail = |status: StatusCode, message: String| -> Result<Response, WebError> {
        session.remove(REDIRECT_KEY);
        Err(oauth_error(status, message))
    };
    if let Some(error) = query.error.as_deref() {
        session.remove(REDIRECT_KEY);
        if error == "access_denied" {
            return Err(WebError::forbidden(
                "Access Denied",
                "We could not access your Discord account, so you are not logged in.",
            ));
        }
        let description = query.error_description.as_deref().unwrap_or(error);
        return fail(
            StatusCode::BAD_REQUEST,
            format!("An OAuth error occurred: {description}"),
        );
    }
    if !state_ok {
        return fail(
            StatusCode::BAD_REQUEST,
            "An OAuth error occurred: CSRF state validation failed".into(),
        );
    }
    let Some(code) = query.code.as_deref().filter(|c| !c.is_empty()) else {
        return fail(
            StatusCode::BAD_REQUEST,
            "An OAuth error occurred: No authorization code received".into(),
        );
    };
    let user = match fetch_user(state.http(), &config, code).await {
        Ok(user) => user,
        Err(e) => {
            tracing::warn!(error = %e, "Discord login failed");
            return fail(
                StatusCode::BAD_GATEWAY,
                "An OAuth error occurred: Discord did not accept the login".into(),
            );
        }
    };
    tracing::info!(discord_user_id = user.id, "web login");
    let redirect = session::safe_return_path(session.get::<String>(REDIRECT_KEY));
    session.remove(REDIRECT_KEY);
    session::set_user(session, &user);
    Ok(found(&redirect))
}

/// Exchanges `code` for a token and reads `/users/@me` with it.
async fn fetch_user(
    http: &reqwest::Client,
    config: &WebConfig,
    code: &str,
) -> Result<DiscordUser, String> {
    let token: TokenResponse = http
        .post(format!("{}/oauth2/token", config.discord_api_base))
        .basic_auth(
            &config.discord_client_id,
            Some(&config.discord_client_secret),
        )
        .form(&[
            ("grant_type", "authorization_code"),
            ("code", code),
            ("redirect_uri", &config.discord_redirect_uri()),
        ])
        .send()
        .await
        .and_then(reqwest::Response::error_for_status)
        .map_err(|e| format!("token exchange: {e}"))?
        .json()
        .await
        .map_err(|e| format!("token response: {e}"))?;
    let me: serde_json::Value = http
        .get(format!("{}/v10/users/@me", config.discord_api_base))
        .bearer_auth(&token.access_token)
        .send()
        .await
        .and_then(reqwest::Response::error_for_status)
        .map_err(|e| format!("users/@me: {e}"))?
        .json()
        .await
        .map_err(|e| format!("users/@me response: {e}"))?;
    let expires_at =
        chrono::Utc::now().timestamp() + token.expires_in.unwrap_or(DEFAULT_LIFETIME_SECS);
    DiscordUser::from_discord(&me, expires_at).ok_or_else(|| format!("users/@me: bad user {me}"))
}

/// `GET /logout/`: forgets the user (and the rest of the session), back to `/`.
#[handler]
pub(crate) fn logout(session: &Session) -> Response {
    session.purge();
    found("/")
}
