//! A fake OAuth2 provider on 127.0.0.1 (random port) speaking the two dialects the web
//! login uses:
//!
//! - **Discord** (`api.md` §2.1): `POST /api/oauth2/token` (client id and secret by HTTP
//!   Basic, form `grant_type=authorization_code`, `code`, `redirect_uri`) and
//!   `GET /api/v10/users/@me` with the bearer token. Point the bot at it with
//!   `discord.http_proxy = fake.http_proxy()`.
//! - **racetime.gg** (`api.md` §2.4): `POST /o/token` (client id and secret in the form)
//!   and `GET /o/userinfo` with the bearer token. Point the bot at it with
//!   `racetime.url = fake.url()`.
//!
//! Codes are registered by the test ([`FakeOAuth::discord_code`],
//! [`FakeOAuth::racetime_code`]) and work once; tokens are opaque. Every request is recorded
//! ([`FakeOAuth::requests`]). Errors look like the providers': 400 `{"error":
//! "invalid_grant"}` for an unknown code, 401 `{"error": "invalid_client"}` for bad client
//! credentials, 401 for an unknown bearer token.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use poem::http::{StatusCode, header};
use poem::{Body, Request, Response};
use serde_json::{Value, json};

use crate::loopback::lock;

/// Which provider a code or token belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Provider {
    Discord,
    Racetime,
}

/// A request the fake received.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OAuthRequest {
    /// HTTP method.
    pub method: String,
    /// Path.
    pub path: String,
    /// The `Authorization` header, if any.
    pub authorization: Option<String>,
    /// The form body's fields.
    pub form: HashMap<String, String>,
}

#[derive(Debug, Default)]
struct World {
    discord_client: (String, String),
    racetime_client: (String, String),
    codes: HashMap<String, (Provider, Value)>,
    tokens: HashMap<String, (Provider, Value)>,
    requests: Vec<OAuthRequest>,
    next_token: u64,
    fail_token_exchange: bool,
}

type Shared = Arc<Mutex<World>>;

/// The running fake. Dropping it stops the server.
#[derive(Debug)]
pub struct FakeOAuth {
    world: Shared,
    addr: SocketAddr,
    server: tokio::task::JoinHandle<()>,
}

impl Drop for FakeOAuth {
    fn drop(&mut self) {
        self.server.abort();
    }
}

/// The Discord client id the fake accepts unless told otherwise.
pub const DISCORD_CLIENT_ID: &str = "900000000000000001";
/// The Discord client secret the fake accepts unless told otherwise.
pub const DISCORD_CLIENT_SECRET: &str = "discord-secret";
/// The racetime.gg client id the fake accepts unless told otherwise.
pub const RACETIME_CLIENT_ID: &str = "rt-client";
/// The racetime.gg client secret the fake accepts unless told otherwise.
pub const RACETIME_CLIENT_SECRET: &str = "rt-secret";

impl FakeOAuth {
    /// Starts on a random loopback port, accepting [`DISCORD_CLIENT_ID`] /
    /// [`DISCORD_CLIENT_SECRET`] and [`RACETIME_CLIENT_ID`] / [`RACETIME_CLIENT_SECRET`].
    pub async fn start() -> std::io::Result<Self> {
        let world: Shared = Arc::new(Mutex::new(World {
            discord_client: (DISCORD_CLIENT_ID.into(), DISCORD_CLIENT_SECRET.into()),
            racetime_client: (RACETIME_CLIENT_ID.into(), RACETIME_CLIENT_SECRET.into()),
            ..World::default()
        }));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let server = crate::loopback::serve_on(listener, world.clone(), route)?;
        Ok(Self {
            world,
            addr,
            server,
        })
    }

    /// `http://127.0.0.1:<port>` (the racetime.gg base URL).
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// `127.0.0.1:<port>`, for `discord.http_proxy`.
    pub fn http_proxy(&self) -> String {
        self.addr.to_string()
    }

    /// Registers a Discord authorization `code` that logs in `user` (the `/users/@me`
    /// JSON: `id` as a string, `username`, `global_name`, `discriminator`, `avatar`).
    pub fn discord_code(&self, code: &str, user: Value) {
        lock(&self.world)
            .codes
            .insert(code.to_owned(), (Provider::Discord, user));
    }

    /// Registers a racetime.gg authorization `code` for `user` (the `/o/userinfo` JSON:
    /// `id`, `name`, …).
    pub fn racetime_code(&self, code: &str, user: Value) {
        lock(&self.world)
            .codes
            .insert(code.to_owned(), (Provider::Racetime, user));
    }

    /// Makes every token exchange fail with 500 (or work again).
    pub fn fail_token_exchange(&self, fail: bool) {
        lock(&self.world).fail_token_exchange = fail;
    }

    /// Every request so far.
    pub fn requests(&self) -> Vec<OAuthRequest> {
        lock(&self.world).requests.clone()
    }
}

fn json_response(status: StatusCode, body: &Value) -> Response {
    Response::builder()
        .status(status)
        .content_type("application/json")
        .body(body.to_string())
}

fn basic_credentials(authorization: Option<&str>) -> Option<(String, String)> {
    use base64::Engine;
    let encoded = authorization?.strip_prefix("Basic ")?;
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(encoded)
        .ok()?;
    let text = String::from_utf8(decoded).ok()?;
    let (id, secret) = text.split_once(':')?;
    Some((
        url::form_urlencoded::parse(id.as_bytes())
            .map(|(k, _)| k.into_owned())
            .next()
            .unwrap_or_default(),
        secret.to_owned(),
    ))
}

async fn route(world: Shared, req: Request) -> Response {
    let method = req.method().to_string();
    let path = req.uri().path().to_owned();
    let authorization = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let body = req.into_body();
    let bytes = Body::into_vec(body).await.unwrap_or_default();
    let form: HashMap<String, String> = url::form_urlencoded::parse(&bytes).into_owned().collect();
    let mut w = lock(&world);
    w.requests.push(OAuthRequest {
        method: method.clone(),
        path: path.clone(),
        authorization: authorization.clone(),
        form: form.clone(),
    });
    match (method.as_str(), path.as_str()) {
        ("POST", "/api/oauth2/token") => {
            let client = basic_credentials(authorization.as_deref());
            if client.as_ref() != Some(&w.discord_client) {
                return json_response(
                    StatusCode::UNAUTHORIZED,
                    &json!({"error": "invalid_client"}),
                );
            }
            exchange(&mut w, Provider::Discord, &form)
        }
        ("POST", "/o/token") => {
            let given = (
                form.get("client_id").cloned().unwrap_or_default(),
                form.get("client_secret").cloned().unwrap_or_default(),
            );
            if given != w.racetime_client {
                return json_response(
                    StatusCode::UNAUTHORIZED,
                    &json!({"error": "invalid_client"}),
                );
            }
            exchange(&mut w, Provider::Racetime, &form)
        }
        ("GET", "/api/v10/users/@me") => user_info(&w, Provider::Discord, authorization.as_deref()),
        ("GET", "/o/userinfo") => user_info(&w, Provider::Racetime, authorization.as_deref()),
        _ => json_response(
            StatusCode::NOT_FOUND,
            &json!({"message": "404: Not Found", "code": 0}),
        ),
    }
}

fn exchange(w: &mut World, provider: Provider, form: &HashMap<String, String>) -> Response {
    if w.fail_token_exchange {
        return json_response(
            StatusCode::INTERNAL_SERVER_ERROR,
            &json!({"error": "server_error"}),
        );
    }
    if form.get("grant_type").map(String::as_str) != Some("authorization_code") {
        return json_response(
            StatusCode::BAD_REQUEST,
            &json!({"error": "unsupported_grant_type"}),
        );
    }
    let code = form.get("code").cloned().unwrap_or_default();
    let Some((owner, user)) = w.codes.get(&code).cloned() else {
        return json_response(StatusCode::BAD_REQUEST, &json!({"error": "invalid_grant"}));
    };
    if owner != provider {
        return json_response(StatusCode::BAD_REQUEST, &json!({"error": "invalid_grant"}));
    }
    w.codes.remove(&code);
    w.next_token += 1;
    let token = format!("token-{}", w.next_token);
    w.tokens.insert(token.clone(), (provider, user));
    let (expires_in, scope) = match provider {
        Provider::Discord => (604_800, "identify"),
        Provider::Racetime => (36_000, "read"),
    };
    json_response(
        StatusCode::OK,
        &json!({
            "access_token": token,
            "token_type": "Bearer",
            "expires_in": expires_in,
            "refresh_token": format!("refresh-{}", w.next_token),
            "scope": scope,
        }),
    )
}

fn user_info(w: &World, provider: Provider, authorization: Option<&str>) -> Response {
    let token = authorization.and_then(|a| a.strip_prefix("Bearer "));
    match token.and_then(|t| w.tokens.get(t)) {
        Some((owner, user)) if *owner == provider => json_response(StatusCode::OK, user),
        _ => json_response(
            StatusCode::UNAUTHORIZED,
            &json!({"message": "401: Unauthorized", "code": 0}),
        ),
    }
}
