//! A headless Chromium for real-browser tests, driven over WebDriver.
//!
//! [`Browser::start`] launches Debian's `chromedriver` ([`CHROMEDRIVER`], package
//! `chromium-driver`) on a free loopback port, which starts [`CHROMIUM`] (package
//! `chromium`) headless with a fresh profile, and talks the W3C WebDriver protocol to it
//! with `reqwest`. Dropping the [`Browser`] ends the session (Chromium quits) and stops
//! chromedriver.
//!
//! When either program is missing, [`Browser::start`] answers `Ok(None)`: the test prints
//! [`unavailable`]'s reason and passes. Any other failure is an error.
//!
//! ```no_run
//! # async fn demo() -> Result<(), sahasrahbot_testkit::browser::BrowserError> {
//! use sahasrahbot_testkit::browser::{self, Browser};
//! let Some(browser) = Browser::start().await? else {
//!     eprintln!("skipped: {}", browser::unavailable().unwrap_or_default());
//!     return Ok(());
//! };
//! browser.goto("http://127.0.0.1:5001/").await?;
//! browser.find("input[name=first_line]").await?.send_keys("HELLO").await?;
//! browser.find("form button[type=submit]").await?.click().await?;
//! browser.wait_for_text("h1", "Thank", browser::WAIT).await?;
//! # Ok(()) }
//! ```
//!
//! - Pages: [`Browser::goto`], [`Browser::current_url`], [`Browser::title`],
//!   [`Browser::source`], [`Browser::execute`] (a script's JSON result),
//!   [`Browser::cookies`], [`Browser::delete_cookies`].
//! - Elements by CSS selector: [`Browser::find`], [`Browser::find_all`], and the waiting
//!   forms [`Browser::wait_for`], [`Browser::wait_for_text`], [`Browser::wait_for_url`];
//!   an [`Element`] gives its [`text`](Element::text), [`attr`](Element::attr), and takes
//!   [`send_keys`](Element::send_keys), [`clear`](Element::clear),
//!   [`click`](Element::click).
//! - Other hosts: no name but `localhost` resolves (pages load at once on a closed
//!   network); [`BrowserOptions::map_host`] points a host name (say `discord.com`) at a
//!   loopback server, and [`BrowserOptions::accept_insecure_certs`] lets that server use a
//!   self-signed certificate. [`DiscordAuthorize`] is such a server: Discord's OAuth2
//!   authorize page, approving at once and redirecting back with a code it registers with
//!   [`FakeOAuth`](crate::oauth::FakeOAuth), so a login through `/login/` runs the real
//!   redirect chain (cookies, `state`) in the browser.
//!
//! Chromium runs with `--headless --no-sandbox --disable-gpu --disable-quic --no-first-run
//! --disable-background-networking --disable-component-update --disable-sync` and its own
//! temporary `--user-data-dir`: without the background-networking flags it keeps calling
//! Google's services, which a closed network answers with nothing but timeouts.

mod authorize;

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

pub use authorize::{AuthorizeRequest, DiscordAuthorize};

/// The Chromium binary (Debian package `chromium`).
pub const CHROMIUM: &str = "/usr/bin/chromium";
/// The WebDriver server for it (Debian package `chromium-driver`).
pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
/// A generous wait for a page to show something (a debug build on a busy machine).
pub const WAIT: Duration = Duration::from_secs(20);

/// The key of an element reference in WebDriver's JSON.
const ELEMENT_KEY: &str = "element-6066-11e4-a52e-4f735466cecf";
/// How long chromedriver gets to answer `/status` after it starts.
const DRIVER_START: Duration = Duration::from_secs(20);
/// How often the waiting helpers look again.
const POLL: Duration = Duration::from_millis(100);

/// Why the browser tests cannot run here (a program is missing), or `None` when they can.
pub fn unavailable() -> Option<String> {
    first_missing(&[CHROMIUM, CHROMEDRIVER])
}

/// The skip reason naming the first of `programs` that does not exist.
fn first_missing(programs: &[&str]) -> Option<String> {
    programs
        .iter()
        .find(|p| !Path::new(p).exists())
        .map(|p| {
            format!("{p} is not installed (apt-get install chromium chromium-driver), so the browser tests are skipped")
        })
}

/// What went wrong talking to the browser.
#[derive(Debug, thiserror::Error)]
pub enum BrowserError {
    /// Starting chromedriver or a helper server failed.
    #[error("I/O: {0}")]
    Io(#[from] std::io::Error),
    /// The HTTP exchange with chromedriver failed.
    #[error("WebDriver HTTP: {0}")]
    Http(#[from] reqwest::Error),
    /// chromedriver answered with a WebDriver error.
    #[error("WebDriver {command}: {error}: {message}")]
    WebDriver {
        /// The command (`POST /element`, …).
        command: String,
        /// The WebDriver error code (`no such element`, …).
        error: String,
        /// chromedriver's message.
        message: String,
    },
    /// A waiting helper gave up; the text says what it waited for and what it saw.
    #[error("timed out: {0}")]
    Timeout(String),
}

/// How to start the browser beyond the fixed flags.
#[derive(Debug, Clone, Default)]
pub struct BrowserOptions {
    host_rules: Vec<String>,
    accept_insecure_certs: bool,
}

impl BrowserOptions {
    /// Sends every connection to `host` (any port) to `addr` instead, through Chromium's
    /// `--host-resolver-rules`. URLs keep their host name (cookies and origins too).
    pub fn map_host(mut self, host: &str, addr: SocketAddr) -> Self {
        self.host_rules.push(format!("MAP {host} {addr}"));
        self
    }

    /// Accepts any TLS certificate (WebDriver's `acceptInsecureCerts`), for loopback servers
    /// with a self-signed one.
    pub fn accept_insecure_certs(mut self) -> Self {
        self.accept_insecure_certs = true;
        self
    }
}

/// A headless Chromium in a WebDriver session. Dropping it quits the browser.
#[derive(Debug)]
pub struct Browser {
    http: reqwest::Client,
    driver: Child,
    driver_addr: SocketAddr,
    /// `http://127.0.0.1:<port>/session/<id>`.
    session_url: String,
    session_id: String,
    /// Chromium's process id as chromedriver reports it (`goog:processID`).
    chromium_pid: Option<u64>,
    _profile: tempfile::TempDir,
}

impl Browser {
    /// Starts chromedriver and a headless Chromium with the default options; `Ok(None)` when
    /// they are not installed (see [`unavailable`]).
    pub async fn start() -> Result<Option<Self>, BrowserError> {
        Self::start_with(BrowserOptions::default()).await
    }

    /// [`Browser::start`] with `options`.
    pub async fn start_with(options: BrowserOptions) -> Result<Option<Self>, BrowserError> {
        if unavailable().is_some() {
            return Ok(None);
        }
        let port = {
            let probe = TcpListener::bind("127.0.0.1:0")?;
            probe.local_addr()?.port()
        };
        let driver_addr = SocketAddr::from(([127, 0, 0, 1], port));
        let driver = Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()?;
        let profile = tempfile::Builder::new()
            .prefix("chromium-profile-")
            .tempdir()?;
        let http = reqwest::Client::builder()
            .no_proxy()
            .timeout(Duration::from_secs(120))
            .build()?;
        // Owns the child from here on, so an early return still stops chromedriver.
        let mut browser = Self {
            http,
            driver,
            driver_addr,
            session_url: String::new(),
            session_id: String::new(),
            chromium_pid: None,
            _profile: profile,
        };
        browser.wait_for_driver().await?;
        let mut args = vec![
            "--headless".to_owned(),
            "--no-sandbox".to_owned(),
            "--disable-gpu".to_owned(),
            "--disable-quic".to_owned(),
            "--no-first-run".to_owned(),
            "--disable-background-networking".to_owned(),
            "--disable-component-update".to_owned(),
            "--disable-sync".to_owned(),
            "--disable-crash-reporter".to_owned(),
            format!("--user-data-dir={}", browser._profile.path().display()),
        ];
        // Mapped hosts first; every other name but loopback's fails at once (an avatar on
        // Discord's CDN must not hold a page's load event up on a closed network).
        let mut rules = options.host_rules.clone();
        rules.extend(
            ["MAP * ~NOTFOUND", "EXCLUDE localhost", "EXCLUDE 127.0.0.1"].map(String::from),
        );
        args.push(format!("--host-resolver-rules={}", rules.join(",")));
        let capabilities = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "acceptInsecureCerts": options.accept_insecure_certs,
            "pageLoadStrategy": "normal",
            "timeouts": {"implicit": 0, "pageLoad": 60_000, "script": 30_000},
            "goog:chromeOptions": {"binary": CHROMIUM, "args": args},
        }}});
        let created = browser
            .command(
                reqwest::Method::POST,
                format!("http://{driver_addr}/session"),
                "POST /session",
                Some(capabilities),
            )
            .await?;
        let id = created["sessionId"]
            .as_str()
            .ok_or_else(|| BrowserError::WebDriver {
                command: "POST /session".into(),
                error: "no session id".into(),
                message: created.to_string(),
            })?;
        browser.session_id = id.to_owned();
        browser.session_url = format!("http://{driver_addr}/session/{id}");
        browser.chromium_pid = created["capabilities"]["goog:processID"].as_u64();
        Ok(Some(browser))
    }

    /// Polls `/status` until chromedriver is ready.
    async fn wait_for_driver(&mut self) -> Result<(), BrowserError> {
        let deadline = Instant::now() + DRIVER_START;
        let status = format!("http://{}/status", self.driver_addr);
        loop {
            if let Some(exit) = self.driver.try_wait()? {
                return Err(BrowserError::Io(std::io::Error::other(format!(
                    "{CHROMEDRIVER} exited at start: {exit}"
                ))));
            }
            if let Ok(resp) = self.http.get(&status).send().await {
                let body: Value = resp.json().await.unwrap_or_default();
                if body["value"]["ready"] == json!(true) {
                    return Ok(());
                }
            }
            if Instant::now() > deadline {
                return Err(BrowserError::Timeout(format!(
                    "{CHROMEDRIVER} did not get ready on {}",
                    self.driver_addr
                )));
            }
            tokio::time::sleep(POLL).await;
        }
    }

    /// One WebDriver command; the answer's `value`.
    async fn command(
        &self,
        method: reqwest::Method,
        url: String,
        name: &str,
        body: Option<Value>,
    ) -> Result<Value, BrowserError> {
        let mut req = self.http.request(method, url);
        if let Some(body) = body {
            req = req.json(&body);
        }
        let resp = req.send().await?;
        let ok = resp.status().is_success();
        let mut answer: Value = resp.json().await?;
        let value = answer["value"].take();
        if ok {
            Ok(value)
        } else {
            Err(BrowserError::WebDriver {
                command: name.to_owned(),
                error: value["error"].as_str().unwrap_or("unknown").to_owned(),
                message: value["message"].as_str().unwrap_or_default().to_owned(),
            })
        }
    }

    /// A command on this session: `path` below `/session/<id>`.
    async fn session(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<Value>,
    ) -> Result<Value, BrowserError> {
        let name = format!("{method} {path}");
        let url = format!("{}{path}", self.session_url);
        self.command(method, url, &name, body).await
    }

    /// Opens `url` and waits for the page to load (redirects followed).
    pub async fn goto(&self, url: &str) -> Result<(), BrowserError> {
        self.session(reqwest::Method::POST, "/url", Some(json!({"url": url})))
            .await
            .map(drop)
    }

    /// The address of the page shown.
    pub async fn current_url(&self) -> Result<String, BrowserError> {
        let v = self.session(reqwest::Method::GET, "/url", None).await?;
        Ok(v.as_str().unwrap_or_default().to_owned())
    }

    /// The page's `<title>`.
    pub async fn title(&self) -> Result<String, BrowserError> {
        let v = self.session(reqwest::Method::GET, "/title", None).await?;
        Ok(v.as_str().unwrap_or_default().to_owned())
    }

    /// The page's current HTML (the DOM serialised).
    pub async fn source(&self) -> Result<String, BrowserError> {
        let v = self.session(reqwest::Method::GET, "/source", None).await?;
        Ok(v.as_str().unwrap_or_default().to_owned())
    }

    /// Runs `script` (a function body; `arguments[i]` are `args`) in the page and returns
    /// its JSON result.
    pub async fn execute(&self, script: &str, args: Vec<Value>) -> Result<Value, BrowserError> {
        self.session(
            reqwest::Method::POST,
            "/execute/sync",
            Some(json!({"script": script, "args": args})),
        )
        .await
    }

    /// The cookies visible to the current page, as WebDriver cookie objects (`name`,
    /// `value`, `secure`, `httpOnly`, `sameSite`, …).
    pub async fn cookies(&self) -> Result<Vec<Value>, BrowserError> {
        let v = self.session(reqwest::Method::GET, "/cookie", None).await?;
        Ok(v.as_array().cloned().unwrap_or_default())
    }

    /// Deletes the cookies of the current page's site. Cookies are per host, not per port:
    /// two sites on `127.0.0.1` see each other's, so a test serving a second site on
    /// loopback starts it logged out this way.
    pub async fn delete_cookies(&self) -> Result<(), BrowserError> {
        self.session(reqwest::Method::DELETE, "/cookie", None)
            .await
            .map(drop)
    }

    /// The first element matching the CSS selector `css`; a `no such element` error when
    /// there is none.
    pub async fn find(&self, css: &str) -> Result<Element<'_>, BrowserError> {
        let v = self
            .session(
                reqwest::Method::POST,
                "/element",
                Some(json!({"using": "css selector", "value": css})),
            )
            .await?;
        Ok(self.element(&v))
    }

    /// Every element matching `css`, in document order.
    pub async fn find_all(&self, css: &str) -> Result<Vec<Element<'_>>, BrowserError> {
        let v = self
            .session(
                reqwest::Method::POST,
                "/elements",
                Some(json!({"using": "css selector", "value": css})),
            )
            .await?;
        Ok(v.as_array()
            .map(|list| list.iter().map(|e| self.element(e)).collect())
            .unwrap_or_default())
    }

    fn element(&self, reference: &Value) -> Element<'_> {
        Element {
            browser: self,
            id: reference[ELEMENT_KEY]
                .as_str()
                .unwrap_or_default()
                .to_owned(),
        }
    }

    /// Waits up to `timeout` for an element matching `css`.
    pub async fn wait_for(
        &self,
        css: &str,
        timeout: Duration,
    ) -> Result<Element<'_>, BrowserError> {
        let deadline = Instant::now() + timeout;
        loop {
            match self.find(css).await {
                Ok(e) => return Ok(e),
                Err(BrowserError::WebDriver { error, .. }) if error == "no such element" => {}
                Err(e) => return Err(e),
            }
            if Instant::now() > deadline {
                return Err(self.timeout(format!("an element `{css}`")).await);
            }
            tokio::time::sleep(POLL).await;
        }
    }

    /// Waits up to `timeout` for an element matching `css` whose text contains `text`.
    pub async fn wait_for_text(
        &self,
        css: &str,
        text: &str,
        timeout: Duration,
    ) -> Result<Element<'_>, BrowserError> {
        let deadline = Instant::now() + timeout;
        loop {
            for e in self.find_all(css).await? {
                match e.text().await {
                    Ok(t) if t.contains(text) => return Ok(e),
                    // The page changed under us: look again.
                    Ok(_) | Err(BrowserError::WebDriver { .. }) => {}
                    Err(err) => return Err(err),
                }
            }
            if Instant::now() > deadline {
                return Err(self
                    .timeout(format!("`{css}` with the text {text:?}"))
                    .await);
            }
            tokio::time::sleep(POLL).await;
        }
    }

    /// Waits up to `timeout` until the page's address satisfies `pred`; returns it.
    pub async fn wait_for_url(
        &self,
        pred: impl Fn(&str) -> bool,
        timeout: Duration,
    ) -> Result<String, BrowserError> {
        let deadline = Instant::now() + timeout;
        loop {
            let url = self.current_url().await?;
            if pred(&url) {
                return Ok(url);
            }
            if Instant::now() > deadline {
                return Err(self.timeout("the expected address".into()).await);
            }
            tokio::time::sleep(POLL).await;
        }
    }

    /// A timeout naming what was awaited, with the page's address and text for the report.
    async fn timeout(&self, what: String) -> BrowserError {
        let url = self.current_url().await.unwrap_or_default();
        let text = match self.find("body").await {
            Ok(body) => body.text().await.unwrap_or_default(),
            Err(_) => String::new(),
        };
        BrowserError::Timeout(format!(
            "waiting for {what} on {url}; the page says: {text}"
        ))
    }

    /// Ends the session the blocking way (Drop cannot wait on async I/O): one raw
    /// `DELETE /session/<id>`, which makes chromedriver quit Chromium.
    fn delete_session(&self) -> std::io::Result<()> {
        let mut stream = TcpStream::connect_timeout(&self.driver_addr, Duration::from_secs(2))?;
        stream.set_read_timeout(Some(Duration::from_secs(10)))?;
        write!(
            stream,
            "DELETE /session/{} HTTP/1.1\r\nHost: {}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
            self.session_id, self.driver_addr
        )?;
        // chromedriver answers once Chromium has quit, and may keep the connection open:
        // the head of the answer is enough.
        let (mut answer, mut buf) = (Vec::new(), [0u8; 1024]);
        while !answer.windows(4).any(|w| w == b"\r\n\r\n") {
            let n = stream.read(&mut buf)?;
            if n == 0 {
                break;
            }
            answer.extend_from_slice(&buf[..n]);
        }
        Ok(())
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        if !self.session_id.is_empty() {
            let _ = self.delete_session();
        }
        let _ = self.driver.kill();
        let _ = self.driver.wait();
        // Should Chromium outlive its session (a failed DELETE), end it by its own id, after
        // checking the id still names a Chromium.
        if let Some(pid) = self.chromium_pid {
            let comm = std::fs::read_to_string(format!("/proc/{pid}/comm")).unwrap_or_default();
            if comm.trim() == "chromium" {
                let _ = Command::new("kill")
                    .args(["-KILL", &pid.to_string()])
                    .stdout(Stdio::null())
                    .stderr(Stdio::null())
                    .status();
            }
        }
    }
}

/// An element of the page (valid until the page changes).
#[derive(Debug)]
pub struct Element<'a> {
    browser: &'a Browser,
    id: String,
}

impl Element<'_> {
    async fn call(
        &self,
        method: reqwest::Method,
        what: &str,
        body: Option<Value>,
    ) -> Result<Value, BrowserError> {
        let path = format!("/element/{}{what}", self.id);
        self.browser.session(method, &path, body).await
    }

    /// The rendered text.
    pub async fn text(&self) -> Result<String, BrowserError> {
        let v = self.call(reqwest::Method::GET, "/text", None).await?;
        Ok(v.as_str().unwrap_or_default().to_owned())
    }

    /// An attribute, `None` when the element does not have it.
    pub async fn attr(&self, name: &str) -> Result<Option<String>, BrowserError> {
        let v = self
            .call(reqwest::Method::GET, &format!("/attribute/{name}"), None)
            .await?;
        Ok(v.as_str().map(str::to_owned))
    }

    /// Types `text` into the element (focused first), as a user would.
    pub async fn send_keys(&self, text: &str) -> Result<(), BrowserError> {
        self.call(reqwest::Method::POST, "/value", Some(json!({"text": text})))
            .await
            .map(drop)
    }

    /// Empties an input or text area.
    pub async fn clear(&self) -> Result<(), BrowserError> {
        self.call(reqwest::Method::POST, "/clear", Some(json!({})))
            .await
            .map(drop)
    }

    /// Clicks the element's centre (scrolled into view); a click that submits a form waits
    /// for the next page to load.
    pub async fn click(&self) -> Result<(), BrowserError> {
        self.call(reqwest::Method::POST, "/click", Some(json!({})))
            .await
            .map(drop)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A page with a form echoing its field, on a loopback port.
    async fn echo_site() -> (SocketAddr, tokio::task::JoinHandle<()>) {
        use poem::web::{Form, Html};
        #[poem::handler]
        fn form() -> Html<&'static str> {
            Html(
                "<title>Echo</title><img src=https://cdn.example.org/a.png alt=\"\">\
                 <form method=post action=/echo>\
                 <input name=word><button type=submit>Send</button></form>",
            )
        }
        #[poem::handler]
        fn echo(Form(f): Form<std::collections::HashMap<String, String>>) -> Html<String> {
            Html(format!(
                "<h1>Got {}</h1>",
                f.get("word").cloned().unwrap_or_default()
            ))
        }
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("addr");
        let acceptor = poem::listener::TcpAcceptor::from_tokio(listener).expect("acceptor");
        let app = poem::Route::new()
            .at("/", poem::get(form))
            .at("/echo", poem::post(echo))
            .at("/back", poem::get(form));
        let server = tokio::spawn(async move {
            let _ = poem::Server::new_with_acceptor(acceptor).run(app).await;
        });
        (addr, server)
    }

    #[test]
    fn the_skip_reason_names_the_missing_program() {
        assert_eq!(first_missing(&["/bin/sh"]), None);
        let reason = first_missing(&["/bin/sh", "/nonexistent/chromedriver"]).expect("missing");
        assert!(
            reason.starts_with("/nonexistent/chromedriver is not installed"),
            "{reason}"
        );
        assert!(
            reason.contains("apt-get install chromium chromium-driver"),
            "{reason}"
        );
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn fills_a_form_and_follows_the_authorize_redirect() {
        let authorize = DiscordAuthorize::start(|req| {
            (req.query.get("client_id").map(String::as_str) == Some("me")).then(|| "c1".into())
        })
        .await
        .expect("authorize fake");
        let Some(browser) = Browser::start_with(authorize.browser_options())
            .await
            .expect("browser")
        else {
            #[expect(clippy::print_stderr, reason = "the skip reason is the test's output")]
            {
                eprintln!("skipped: {}", unavailable().unwrap_or_default());
            }
            return;
        };
        let (addr, _server) = echo_site().await;
        browser
            .goto(&format!("http://{addr}/"))
            .await
            .expect("goto");
        assert_eq!(browser.title().await.expect("title"), "Echo");
        browser
            .find("input[name=word]")
            .await
            .expect("input")
            .send_keys("hello")
            .await
            .expect("type");
        browser
            .find("button")
            .await
            .expect("button")
            .click()
            .await
            .expect("click");
        browser
            .wait_for_text("h1", "Got hello", WAIT)
            .await
            .expect("echo page");

        let back = format!("http://{addr}/back");
        let mut authorize_url =
            url::Url::parse("https://discord.com/api/oauth2/authorize").expect("url");
        authorize_url
            .query_pairs_mut()
            .append_pair("client_id", "me")
            .append_pair("redirect_uri", &back)
            .append_pair("state", "s t");
        browser
            .goto(authorize_url.as_str())
            .await
            .expect("authorize");
        let landed = browser
            .wait_for_url(|u| u.starts_with(&back), WAIT)
            .await
            .expect("redirected back");
        assert_eq!(landed, format!("{back}?code=c1&state=s+t"));
        assert_eq!(authorize.requests().len(), 1);
        assert_eq!(authorize.requests()[0].query["state"], "s t");
    }
}
