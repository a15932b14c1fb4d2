//! The logged-in user in the encrypted session cookie, the remembered return path, and the
//! CSRF token of forms.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use poem::Request;
use poem::http::header;
use poem::session::Session;
use serde::{Deserialize, Serialize};

use super::error::WebError;

/// Session key of the logged-in user.
const USER_KEY: &str = "user";
/// Session key of the path to return to after login.
pub(crate) const RETURN_PATH_KEY: &str = "login_original_path";
/// Session key of the CSRF token.
const CSRF_KEY: &str = "csrf_token";

/// The Discord user of a web session (`api.md` §2.1.1): the snowflake as an integer, the
/// user name, the display name and the avatar URL.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DiscordUser {
    /// The Discord user id.
    pub id: i64,
    /// The user name.
    pub name: String,
    /// The global display name, else the user name.
    pub display_name: String,
    /// The legacy discriminator (`"0"` for migrated accounts).
    pub discriminator: String,
    /// The avatar image URL (the default avatar when the user has none).
    pub avatar_url: String,
    /// When the login lapses (the Discord token's expiry), Unix seconds.
    pub expires_at: i64,
}

impl DiscordUser {
    /// The user from Discord's `/users/@me` JSON; `None` when the id is missing or not a
    /// snowflake.
    pub fn from_discord(json: &serde_json::Value, expires_at: i64) -> Option<Self> {
        let id: i64 = json.get("id")?.as_str()?.parse().ok()?;
        let name = json.get("username")?.as_str()?.to_owned();
        let display_name = json
            .get("global_name")
            .and_then(|v| v.as_str())
            .filter(|s| !s.is_empty())
            .unwrap_or(&name)
            .to_owned();
        let discriminator = json
            .get("discriminator")
            .and_then(|v| v.as_str())
            .unwrap_or("0")
            .to_owned();
        let avatar_url = match json.get("avatar").and_then(|v| v.as_str()) {
            Some(hash) => {
                let ext = if hash.starts_with("a_") { "gif" } else { "png" };
                format!("https://cdn.discordapp.com/avatars/{id}/{hash}.{ext}")
            }
            None => {
                let index = match discriminator.parse::<u64>() {
                    Ok(d) if d != 0 => d % 5,
                    _ => (id as u64 >> 22) % 6,
                };
                format!("https://cdn.discordapp.com/embed/avatars/{index}.png")
            }
        };
        Some(Self {
            id,
            name,
            display_name,
            discriminator,
            avatar_url,
            expires_at,
        })
    }

    /// `name#discriminator`, as the Python bot stored authors.
    pub fn tag(&self) -> String {
        format!("{}#{}", self.name, self.discriminator)
    }
}

/// The logged-in user, if the session holds one that has not lapsed.
pub(crate) fn current_user(session: &Session) -> Option<DiscordUser> {
    let user: DiscordUser = session.get(USER_KEY)?;
    if user.expires_at <= chrono::Utc::now().timestamp() {
        session.remove(USER_KEY);
        return None;
    }
    Some(user)
}

/// Stores the logged-in user.
pub(crate) fn set_user(session: &Session, user: &DiscordUser) {
    session.set(USER_KEY, user);
}

/// The logged-in user, or [`WebError::LoginRequired`] after remembering the request's path
/// and query (`/presets/me?`) to come back to.
pub(crate) fn require_user(session: &Session, req: &Request) -> Result<DiscordUser, WebError> {
    if let Some(user) = current_user(session) {
        return Ok(user);
    }
    let path = format!(
        "{}?{}",
        req.uri().path(),
        req.uri().query().unwrap_or_default()
    );
    session.set(RETURN_PATH_KEY, path);
    Err(WebError::LoginRequired)
}

/// A return path that stays on this site: it starts with exactly one `/` and has no
/// backslash; anything else becomes `/me`.
pub(crate) fn safe_return_path(path: Option<String>) -> String {
    match path {
        Some(p) if p.starts_with('/') && !p.starts_with("//") && !p.contains('\\') => p,
        _ => "/me".to_owned(),
    }
}

/// `n` random bytes, URL-safe base64 without padding.
pub(crate) fn random_token(n: usize) -> String {
    let bytes: Vec<u8> = (0..n).map(|_| rand::random::<u8>()).collect();
    URL_SAFE_NO_PAD.encode(bytes)
}

/// The start of an OAuth2 code flow: a fresh `state`, kept in the session under `key`, and
/// the address of `authorize_url` with the flow's parameters, to redirect the browser to.
pub(crate) fn authorize_url(
    session: &Session,
    key: &str,
    authorize_url: &str,
    client_id: &str,
    redirect_uri: &str,
    scope: &str,
) -> Result<String, WebError> {
    let state = random_token(32);
    session.set(key, state.clone());
    let mut url = url::Url::parse(authorize_url)
        .map_err(|e| WebError::Internal(format!("authorize URL {authorize_url:?}: {e}")))?;
    url.query_pairs_mut()
        .append_pair("response_type", "code")
        .append_pair("client_id", client_id)
        .append_pair("redirect_uri", redirect_uri)
        .append_pair("scope", scope)
        .append_pair("state", &state);
    Ok(url.into())
}

/// Whether `returned` is the `state` kept under `key` by [`authorize_url`]. The kept state is
/// removed either way: it serves one return only.
pub(crate) fn take_state_matches(session: &Session, key: &str, returned: Option<&str>) -> bool {
    let expected: Option<String> = session.get(key);
    session.remove(key);
    match (expected.as_deref(), returned) {
        (Some(e), Some(r)) => constant_time_eq(e.as_bytes(), r.as_bytes()),
        _ => false,
    }
}

/// The session's CSRF token, made on first use.
pub(crate) fn csrf_token(session: &Session) -> String {
    if let Some(token) = session.get::<String>(CSRF_KEY) {
        return token;
    }
    let token = random_token(32);
    session.set(CSRF_KEY, token.clone());
    token
}

/// Whether `a` and `b` are equal, in time independent of where they differ.
pub(crate) fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Checks a form POST: an `Origin` header, when sent, must be this site (`app_url` or
/// the request's own host), and `submitted` must equal the session's CSRF token.
pub(crate) fn verify_csrf(
    session: &Session,
    req: &Request,
    app_url: &str,
    submitted: Option<&str>,
) -> Result<(), WebError> {
    if let Some(origin) = req.headers().get(header::ORIGIN) {
        let origin = origin.to_str().unwrap_or_default();
        let own_host = req
            .headers()
            .get(header::HOST)
            .and_then(|h| h.to_str().ok())
            .map(|h| (format!("http://{h}"), format!("https://{h}")));
        let app_origin = url::Url::parse(app_url)
            .ok()
            .map(|u| u.origin().ascii_serialization());
        let same = app_origin.as_deref() == Some(origin)
            || own_host.is_some_and(|(http, https)| origin == http || origin == https);
        if !same {
            tracing::warn!(%origin, "form POST from another origin refused");
            return Err(WebError::Csrf);
        }
    }
    let expected: Option<String> = session.get(CSRF_KEY);
    match (expected, submitted) {
        (Some(expected), Some(given))
            if constant_time_eq(expected.as_bytes(), given.as_bytes()) =>
        {
            Ok(())
        }
        _ => {
            tracing::warn!(path = %req.uri().path(), "form POST without a valid CSRF token");
            Err(WebError::Csrf)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn return_paths_stay_on_the_site() {
        assert_eq!(
            safe_return_path(Some("/presets/me?".into())),
            "/presets/me?"
        );
        assert_eq!(safe_return_path(Some("//evil.com".into())), "/me");
        assert_eq!(safe_return_path(Some("/\\evil.com".into())), "/me");
        assert_eq!(safe_return_path(Some("https://evil.com".into())), "/me");
        assert_eq!(safe_return_path(None), "/me");
    }

    #[test]
    fn discord_users_get_integer_ids_names_and_avatars() {
        let json = serde_json::json!({
            "id": "111", "username": "bob", "global_name": "Bob X",
            "discriminator": "0", "avatar": null
        });
        let user = DiscordUser::from_discord(&json, 0).expect("user");
        assert_eq!(user.id, 111);
        assert_eq!(user.name, "bob");
        assert_eq!(user.display_name, "Bob X");
        assert_eq!(user.tag(), "bob#0");
        assert_eq!(
            user.avatar_url,
            "https://cdn.discordapp.com/embed/avatars/0.png"
        );
        let json = serde_json::json!({"id": "222", "username": "al", "discriminator": "1234",
            "avatar": "a_ff"});
        let user = DiscordUser::from_discord(&json, 0).expect("user");
        assert_eq!(user.display_name, "al");
        assert_eq!(
            user.avatar_url,
            "https://cdn.discordapp.com/avatars/222/a_ff.gif"
        );
        assert!(
            DiscordUser::from_discord(&serde_json::json!({"id": "x", "username": "a"}), 0)
                .is_none()
        );
    }

    #[test]
    fn constant_time_comparison() {
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"ab"));
    }
}
