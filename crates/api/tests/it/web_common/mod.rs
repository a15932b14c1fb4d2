//! Shared helpers of the web page tests: the app against a fake OAuth provider, and a
//! browser-like client that keeps the session cookie.

#![allow(dead_code, unreachable_pub)]

use std::sync::{Arc, Mutex};

use poem::Endpoint;
use poem::http::header;
use poem::test::{TestClient, TestForm, TestResponse};
use sahasrahbot_api::{AppState, app};
use sahasrahbot_core::config::{Config, Secret};
use sahasrahbot_testkit::oauth::{
    DISCORD_CLIENT_ID, DISCORD_CLIENT_SECRET, FakeOAuth, RACETIME_CLIENT_ID, RACETIME_CLIENT_SECRET,
};
use sea_orm::DatabaseConnection;
use serde_json::json;

/// The public URL the tests configure.
pub const APP_URL: &str = "https://bot.example.org";
/// The logged-in user's Discord id (parity table "S").
pub const USER_ID: i64 = 111;

/// A configuration pointing Discord and racetime.gg at `fake`.
pub fn config(fake: &FakeOAuth) -> Config {
    let mut config = Config::default();
    config.api.app_url = APP_URL.into();
    config.api.secret_key = Secret::new("a test secret key that is long enough");
    config.discord.client_id = DISCORD_CLIENT_ID.into();
    config.discord.client_secret = Secret::new(DISCORD_CLIENT_SECRET);
    config.discord.http_proxy = fake.http_proxy();
    config.racetime.url = fake.url();
    config.racetime.oauth_client_id = RACETIME_CLIENT_ID.into();
    config.racetime.oauth_client_secret = Secret::new(RACETIME_CLIENT_SECRET);
    config
}

/// The app over `db` with [`config`].
pub fn web_app(db: DatabaseConnection, config: Config) -> impl Endpoint {
    app(AppState::new(db).with_config(Arc::new(config)))
}

/// A client that keeps the `session` cookie like a browser.
pub struct Browser<E> {
    pub cli: TestClient<E>,
    cookie: Mutex<Option<String>>,
}

impl<E: Endpoint> Browser<E> {
    pub fn new(ep: E) -> Self {
        Self {
            cli: TestClient::new(ep),
            cookie: Mutex::new(None),
        }
    }

    fn keep_cookie(&self, resp: &TestResponse) {
        for value in resp.0.headers().get_all(header::SET_COOKIE) {
            let value = value.to_str().expect("cookie text");
            let pair = value.split(';').next().unwrap_or_default();
            if let Some(v) = pair.strip_prefix("session=") {
                let removed = value.contains("Max-Age=0") || v.is_empty();
                *self.cookie.lock().expect("lock") = (!removed).then(|| pair.to_owned());
            }
        }
    }

    fn cookie(&self) -> Option<String> {
        self.cookie.lock().expect("lock").clone()
    }

    /// The raw `Set-Cookie` of the last login, for attribute checks.
    pub async fn get(&self, uri: &str) -> TestResponse {
        let mut req = self.cli.get(uri);
        if let Some(c) = self.cookie() {
            req = req.header(header::COOKIE, c);
        }
        let resp = req.send().await;
        self.keep_cookie(&resp);
        resp
    }

    pub async fn post_form(&self, uri: &str, form: &[(&str, &str)]) -> TestResponse {
        let mut req = self.cli.post(uri).form(&form);
        if let Some(c) = self.cookie() {
            req = req.header(header::COOKIE, c);
        }
        let resp = req.send().await;
        self.keep_cookie(&resp);
        resp
    }

    pub async fn post_with_origin(
        &self,
        uri: &str,
        origin: &str,
        form: &[(&str, &str)],
    ) -> TestResponse {
        let mut req = self
            .cli
            .post(uri)
            .form(&form)
            .header(header::ORIGIN, origin);
        if let Some(c) = self.cookie() {
            req = req.header(header::COOKIE, c);
        }
        let resp = req.send().await;
        self.keep_cookie(&resp);
        resp
    }

    pub async fn post_multipart(&self, uri: &str, form: TestForm) -> TestResponse {
        let mut req = self.cli.post(uri).multipart(form);
        if let Some(c) = self.cookie() {
            req = req.header(header::COOKIE, c);
        }
        let resp = req.send().await;
        self.keep_cookie(&resp);
        resp
    }

    /// Logs in through the fake Discord as `username` with id `id`; returns the callback's
    /// response (a redirect).
    pub async fn login_as(&self, fake: &FakeOAuth, id: i64, username: &str) -> TestResponse {
        let resp = self.get("/login/").await;
        resp.assert_status(poem::http::StatusCode::FOUND);
        let state = query_param(&location(&resp), "state").expect("state");
        let code = format!("code-{id}-{}", rand_suffix());
        fake.discord_code(
            &code,
            json!({"id": id.to_string(), "username": username, "global_name": null,
                   "discriminator": "0", "avatar": null}),
        );
        self.get(&format!("/callback/discord/?code={code}&state={state}"))
            .await
    }

    /// The page's CSRF token (from a form on `uri`).
    pub async fn csrf(&self, uri: &str) -> String {
        let body = self
            .get(uri)
            .await
            .0
            .into_body()
            .into_string()
            .await
            .expect("body");
        csrf_in(&body).unwrap_or_else(|| panic!("no csrf token on {uri}: {body}"))
    }
}

fn rand_suffix() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0);
    N.fetch_add(1, Ordering::Relaxed)
}

/// The CSRF token in a page.
pub fn csrf_in(body: &str) -> Option<String> {
    let start = body.find("name=\"csrf_token\" value=\"")? + "name=\"csrf_token\" value=\"".len();
    let end = body[start..].find('"')?;
    Some(body[start..start + end].to_owned())
}

/// The `Location` header.
pub fn location(resp: &TestResponse) -> String {
    resp.0
        .headers()
        .get(header::LOCATION)
        .map(|v| v.to_str().expect("location text").to_owned())
        .unwrap_or_default()
}

/// A query parameter of an absolute URL.
pub fn query_param(url: &str, name: &str) -> Option<String> {
    url::Url::parse(url)
        .ok()?
        .query_pairs()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

/// The response body as text.
pub async fn body(resp: TestResponse) -> String {
    resp.0.into_body().into_string().await.expect("body")
}

/// A server spawned on a loopback port; it stops when this handle is dropped.
pub struct Served(tokio::task::JoinHandle<()>);

impl Drop for Served {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// A free loopback listener and its `http://` URL.
async fn loopback() -> (tokio::net::TcpListener, String) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    (listener, url)
}

/// Serves `endpoint` on `listener` until the handle is dropped.
fn spawn_on<E>(listener: tokio::net::TcpListener, endpoint: E) -> Served
where
    E: Endpoint + 'static,
{
    let acceptor = poem::listener::TcpAcceptor::from_tokio(listener).expect("acceptor");
    Served(tokio::spawn(async move {
        let _ = poem::Server::new_with_acceptor(acceptor)
            .run(endpoint)
            .await;
    }))
}

/// Serves `endpoint` on a free loopback port; returns its `http://` URL.
pub async fn serve_endpoint<E>(endpoint: E) -> (String, Served)
where
    E: Endpoint + 'static,
{
    let (listener, url) = loopback().await;
    (url, spawn_on(listener, endpoint))
}

/// The web app over `db` on a free loopback port, [`config`] with that address as its
/// public URL, and `with` adding the test's handles to the state; returns the site's URL.
pub async fn serve_site(
    db: DatabaseConnection,
    fake: &FakeOAuth,
    with: impl FnOnce(AppState) -> AppState,
) -> (String, Served) {
    let (listener, url) = loopback().await;
    let mut config = config(fake);
    config.api.app_url = url.clone();
    let state = with(AppState::new(db).with_config(Arc::new(config)));
    (url, spawn_on(listener, app(state)))
}

/// Headless Chromium whose `discord.com` is `authorize`; `None` (with the reason printed)
/// when Chromium is not installed, so the calling test passes as skipped.
pub async fn browser_or_skip(
    authorize: &sahasrahbot_testkit::browser::DiscordAuthorize,
) -> Option<sahasrahbot_testkit::browser::Browser> {
    use sahasrahbot_testkit::browser;
    let started = browser::Browser::start_with(authorize.browser_options())
        .await
        .expect("start the browser");
    if started.is_none() {
        #[expect(clippy::print_stderr, reason = "the skip reason is the test's output")]
        {
            eprintln!("skipped: {}", browser::unavailable().unwrap_or_default());
        }
    }
    started
}
