//! The provider failure matrix for the HTTP providers VARIA, DASH, CTJets, OoTR, BingoSync
//! and AVIANART (alttpr.com and samus.link have theirs in `alttpr.rs` and `samus.rs`).
//!
//! Each provider's endpoint answers, one row at a time: success; a 4xx (not retried); a 5xx
//! then success; a 429 then success; a timeout then success; timeouts throughout; and one
//! or more malformed bodies (not retried). Every row checks the outcome (the canonical
//! answer, or the class of the five-class taxonomy and the attempt that raised it) and how
//! many requests the endpoint received.

use crate::common;

use std::fmt::Debug;

use common::{config, ctx, too_slow};
use sahasrahbot_seedgen::providers::avianart::{AvianartProvider, AvianartRequest};
use sahasrahbot_seedgen::providers::bingosync::{BingoCard, BingoSyncProvider};
use sahasrahbot_seedgen::providers::ctjets::{CtJetsProvider, CtJetsRequest};
use sahasrahbot_seedgen::providers::dash::{DashProvider, DashRequest};
use sahasrahbot_seedgen::providers::ootr::{OotrProvider, OotrRequest};
use sahasrahbot_seedgen::providers::varia::{VariaProvider, VariaRequest};
use sahasrahbot_seedgen::{Error, ErrorKind, GeneratedSeed, ProviderContext, SeedProvider};
use serde_json::{Value, json};
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockBuilder, MockServer, Request, ResponseTemplate};

// ---------------------------------------------------------------------------- harness

/// The call a row is about: its method, path, and the query parameters it carries.
struct Endpoint {
    method: &'static str,
    path: &'static str,
    query: &'static [(&'static str, &'static str)],
}

impl Endpoint {
    const fn new(method: &'static str, path: &'static str) -> Self {
        Self {
            method,
            path,
            query: &[],
        }
    }

    const fn with_query(mut self, query: &'static [(&'static str, &'static str)]) -> Self {
        self.query = query;
        self
    }

    fn mock(&self) -> MockBuilder {
        let mut mock = Mock::given(method(self.method)).and(path(self.path));
        for (k, v) in self.query {
            mock = mock.and(query_param(*k, *v));
        }
        mock
    }

    fn matches(&self, request: &Request) -> bool {
        request.method.as_str() == self.method
            && request.url.path() == self.path
            && self.query.iter().all(|(k, v)| {
                request
                    .url
                    .query_pairs()
                    .any(|(qk, qv)| qk == *k && qv == *v)
            })
    }

    /// How many requests this endpoint received.
    async fn hits(&self, server: &MockServer) -> usize {
        server
            .received_requests()
            .await
            .unwrap_or_default()
            .iter()
            .filter(|r| self.matches(r))
            .count()
    }
}

/// What a row expects; the number is both the attempt that succeeded or failed and the
/// number of requests the endpoint received.
#[derive(Debug, Clone, Copy)]
enum Expect {
    Success(u32),
    Failure(ErrorKind, u32),
}

/// One row of the matrix: the endpoint answers `first` once (when set), then `then`.
struct Row {
    name: String,
    first: Option<ResponseTemplate>,
    then: ResponseTemplate,
    expect: Expect,
}

impl Row {
    fn new(
        name: impl Into<String>,
        first: Option<ResponseTemplate>,
        then: ResponseTemplate,
        expect: Expect,
    ) -> Self {
        Self {
            name: name.into(),
            first,
            then,
            expect,
        }
    }

    async fn mount(&self, endpoint: &Endpoint, server: &MockServer) {
        if let Some(first) = &self.first {
            endpoint
                .mock()
                .respond_with(first.clone())
                .up_to_n_times(1)
                .mount(server)
                .await;
        }
        endpoint
            .mock()
            .respond_with(self.then.clone())
            .mount(server)
            .await;
    }

    /// Checks the outcome and the endpoint's request count; `success` checks the value of a
    /// success and gets the attempt it is expected at.
    async fn check<T: Debug>(
        &self,
        label: &str,
        endpoint: &Endpoint,
        server: &MockServer,
        result: Result<T, Error>,
        success: impl FnOnce(T, u32),
    ) {
        let hits = endpoint.hits(server).await;
        let row = format!("{label} / {}", self.name);
        match (self.expect, result) {
            (Expect::Success(n), Ok(value)) => {
                assert_eq!(hits, n as usize, "{row}: requests to the endpoint");
                success(value, n);
            }
            (Expect::Failure(kind, n), Err(err)) => {
                assert_eq!(err.kind(), Some(kind), "{row}: {err}");
                let failure = err.failure().expect("a provider failure");
                assert_eq!(failure.attempts, n, "{row}: attempts ({err})");
                assert_eq!(hits, n as usize, "{row}: requests to the endpoint");
            }
            (expect, got) => panic!("{row}: expected {expect:?}, got {got:?}"),
        }
    }
}

/// The standard rows for an endpoint whose success is `ok`: success, `client_error` (a
/// 4xx), 503 then success, 429 then success, a timeout then success, timeouts throughout,
/// and each of `malformed`.
fn matrix(
    ok: &ResponseTemplate,
    client_error: ResponseTemplate,
    malformed: Vec<(&str, ResponseTemplate)>,
) -> Vec<Row> {
    let slow = ok.clone().set_delay(too_slow());
    let mut rows = vec![
        Row::new("success", None, ok.clone(), Expect::Success(1)),
        Row::new(
            "4xx",
            None,
            client_error,
            Expect::Failure(ErrorKind::InvalidRequest, 1),
        ),
        Row::new(
            "5xx then success",
            Some(ResponseTemplate::new(503).set_body_string("Service Unavailable")),
            ok.clone(),
            Expect::Success(2),
        ),
        Row::new(
            "429 then success",
            Some(
                ResponseTemplate::new(429)
                    .insert_header("retry-after", "1")
                    .set_body_string("Too Many Requests"),
            ),
            ok.clone(),
            Expect::Success(2),
        ),
        Row::new(
            "timeout then success",
            Some(slow.clone()),
            ok.clone(),
            Expect::Success(2),
        ),
        Row::new(
            "timeouts throughout",
            None,
            slow,
            Expect::Failure(ErrorKind::Timeout, 3),
        ),
    ];
    rows.extend(malformed.into_iter().map(|(name, body)| {
        Row::new(
            format!("malformed: {name}"),
            None,
            body,
            Expect::Failure(ErrorKind::ResponseFormat, 1),
        )
    }));
    rows
}

/// The canonical fields a provider's success must have.
struct Canonical {
    provider: &'static str,
    url: String,
    hash_or_id: &'static str,
    code: Option<Vec<&'static str>>,
    spoiler_url: Option<String>,
    version: Option<&'static str>,
}

impl Canonical {
    fn assert(&self, row: &str, seed: &GeneratedSeed, attempts: u32) {
        assert_eq!(seed.url, self.url, "{row}: url");
        assert_eq!(seed.hash_or_id, self.hash_or_id, "{row}: hash_or_id");
        assert_eq!(
            seed.code
                .as_ref()
                .map(|c| c.iter().map(String::as_str).collect::<Vec<_>>()),
            self.code,
            "{row}: code"
        );
        assert_eq!(seed.spoiler_url, self.spoiler_url, "{row}: spoiler_url");
        assert_eq!(seed.version.as_deref(), self.version, "{row}: version");
        assert_eq!(
            seed.provider_meta.provider, self.provider,
            "{row}: provider"
        );
        assert_eq!(seed.provider_meta.operation, "generate", "{row}: operation");
        assert_eq!(
            seed.provider_meta.attempt_count, attempts,
            "{row}: attempt_count"
        );
    }
}

fn html(body: &str) -> ResponseTemplate {
    ResponseTemplate::new(200)
        .insert_header("content-type", "text/html; charset=utf-8")
        .set_body_string(body)
}

// ---------------------------------------------------------------------------- VARIA

#[tokio::test]
async fn varia_generate_matrix() {
    let endpoint = Endpoint::new("POST", "/randomizerWebService");
    let presets = Endpoint::new("POST", "/randoPresetWebService");
    let skills = Endpoint::new("POST", "/presetWebService");
    let ok = ResponseTemplate::new(200)
        .set_body_json(json!({"seedKey": "0123456789ABCDEF0123456789ABCDEF", "errorMsg": ""}));
    let rows = matrix(
        &ok,
        ResponseTemplate::new(400).set_body_json(json!({"errorMsg": "Invalid parameter"})),
        vec![
            ("not JSON", html("<html><body>Internal error</body></html>")),
            (
                "no seedKey",
                ResponseTemplate::new(200).set_body_json(json!({"errorMsg": "no solution"})),
            ),
            (
                "seedKey is no UUID",
                ResponseTemplate::new(200).set_body_json(json!({"seedKey": "nope"})),
            ),
        ],
    );
    let request = VariaRequest {
        settings_preset: "default".into(),
        skills_preset: "regular".into(),
        race: true,
        settings: None,
    };
    for row in rows {
        let server = MockServer::start().await;
        presets
            .mock()
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({"majorsSplit": "Full"})))
            .mount(&server)
            .await;
        skills
            .mock()
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({"Knows": {}})))
            .mount(&server)
            .await;
        row.mount(&endpoint, &server).await;
        let result = VariaProvider::new(ctx(&server))
            .generate(&request, None)
            .await;
        let want = Canonical {
            provider: "varia",
            url: format!(
                "{}/customizer/01234567-89ab-cdef-0123-456789abcdef",
                server.uri()
            ),
            hash_or_id: "0123456789ABCDEF0123456789ABCDEF",
            code: None,
            spoiler_url: None,
            version: None,
        };
        row.check("varia", &endpoint, &server, result, |seed, n| {
            want.assert(&row.name, &seed, n);
        })
        .await;
        // Only the generate call is retried: the presets were read once each.
        assert_eq!(presets.hits(&server).await, 1, "varia / {}", row.name);
        assert_eq!(skills.hits(&server).await, 1, "varia / {}", row.name);
    }
}

// ---------------------------------------------------------------------------- DASH

/// DASH's success is not a 2xx: it is a 307 whose body is the seed URL (the redirect is
/// not followed), and a 2xx is its way of saying the generation failed.
#[tokio::test]
async fn dash_generate_matrix() {
    let endpoint = Endpoint::new("GET", "/generate/classic_mm").with_query(&[("race", "1")]);
    let ok = ResponseTemplate::new(307)
        .insert_header("location", "/seed/abc123")
        .set_body_string("https://www.dashrando.net/seed/abc123");
    let rows = matrix(
        &ok,
        ResponseTemplate::new(404).set_body_string("Not Found"),
        vec![
            (
                "a 200 with the generator's complaint",
                ResponseTemplate::new(200).set_body_string("Invalid mode"),
            ),
            ("a 307 without a body", ResponseTemplate::new(307)),
            (
                "a 307 whose body is no URL",
                ResponseTemplate::new(307)
                    .insert_header("location", "/seed/abc123")
                    .set_body_string("<a href=\"/seed/abc123\">Temporary Redirect</a>"),
            ),
        ],
    );
    for row in rows {
        let server = MockServer::start().await;
        row.mount(&endpoint, &server).await;
        let result = DashProvider::new(ctx(&server))
            .unwrap()
            .generate(&DashRequest::default(), None)
            .await;
        let want = Canonical {
            provider: "dash",
            url: "https://www.dashrando.net/seed/abc123".into(),
            hash_or_id: "abc123",
            code: None,
            spoiler_url: None,
            version: None,
        };
        row.check("dash", &endpoint, &server, result, |seed, n| {
            want.assert(&row.name, &seed, n);
        })
        .await;
    }
}

// ---------------------------------------------------------------------------- CTJets

/// Each CTJets attempt reads a CSRF token from the options page, then posts the ROM form;
/// the rows are about the form post, and every attempt must have fetched a fresh token.
#[tokio::test]
async fn ctjets_generate_matrix() {
    let endpoint = Endpoint::new("POST", "/3_1_0/generate-rom/");
    let options = Endpoint::new("GET", "/3_1_0/options/");
    let ok = html(r#"<p>Done</p><a href="/share/AbCdE">Seed share link</a>"#);
    let rows = matrix(
        &ok,
        ResponseTemplate::new(403).set_body_string("CSRF verification failed"),
        vec![("no share link", html("<p>Something went wrong</p>"))],
    );
    let rom = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(rom.path(), b"CHRONO-ROM-BYTES").unwrap();
    let request = CtJetsRequest {
        settings: json!({"difficulty": "normal"}),
        version: "3.1.0".into(),
    };
    for row in rows {
        let server = MockServer::start().await;
        options
            .mock()
            .respond_with(
                html(
                    r#"<form><input type="hidden" name="csrfmiddlewaretoken" value="tok"></form>"#,
                )
                .insert_header("set-cookie", "csrftoken=cookie; Path=/"),
            )
            .mount(&server)
            .await;
        row.mount(&endpoint, &server).await;
        let mut cfg = config(&server);
        cfg.ctjets_rom = rom.path().to_path_buf();
        let result = CtJetsProvider::new(ProviderContext::new(cfg).unwrap())
            .generate(&request, None)
            .await;
        let want = Canonical {
            provider: "ctjets",
            url: "http://www.ctjot.com/share/AbCdE".into(),
            hash_or_id: "AbCdE",
            code: None,
            spoiler_url: None,
            version: Some("3_1_0"),
        };
        row.check("ctjets", &endpoint, &server, result, |seed, n| {
            want.assert(&row.name, &seed, n);
        })
        .await;
        assert_eq!(
            options.hits(&server).await,
            endpoint.hits(&server).await,
            "ctjets / {}: one token per attempt",
            row.name
        );
    }
}

// ---------------------------------------------------------------------------- OoTR

#[tokio::test]
async fn ootr_generate_matrix() {
    let endpoint = Endpoint::new("POST", "/api/sglive/seed/create")
        .with_query(&[("version", "6.1.0"), ("encrypt", "true")]);
    let ok = ResponseTemplate::new(200).set_body_json(json!({"id": 1234567, "version": "6.1.0"}));
    let rows = matrix(
        &ok,
        ResponseTemplate::new(403).set_body_string("invalid key"),
        vec![
            ("not JSON", html("<html><body>Maintenance</body></html>")),
            (
                "no id",
                ResponseTemplate::new(200).set_body_json(json!({"error": "Invalid settings"})),
            ),
            (
                "a null id",
                ResponseTemplate::new(200).set_body_json(json!({"id": null})),
            ),
        ],
    );
    let request = OotrRequest {
        settings: json!({"world_count": 1}),
        version: "6.1.0".into(),
        encrypt: true,
    };
    for row in rows {
        let server = MockServer::start().await;
        row.mount(&endpoint, &server).await;
        let result = OotrProvider::new(ctx(&server))
            .generate(&request, None)
            .await;
        let want = Canonical {
            provider: "ootr",
            url: "https://ootrandomizer.com/seed/get?id=1234567".into(),
            hash_or_id: "1234567",
            code: None,
            spoiler_url: None,
            version: Some("6.1.0"),
        };
        row.check("ootr", &endpoint, &server, result, |seed, n| {
            want.assert(&row.name, &seed, n);
        })
        .await;
    }
}

// ---------------------------------------------------------------------------- AVIANART

fn avianart_finished(hash: &str) -> Value {
    json!({"response": {"hash": hash, "status": "finished", "spoiler": {"meta": {
        "hash": "Bomb, Bug Net, Pearl, Hookshot, Key", "version": "1.0.0.4-avianart"}}}})
}

fn avianart_canonical() -> Canonical {
    Canonical {
        provider: "avianart",
        url: "https://avianart.games/perm/h1".into(),
        hash_or_id: "h1",
        code: Some(vec!["Bombs", "Bugnet", "Moon Pearl", "Hookshot", "Big Key"]),
        spoiler_url: None,
        version: Some("1.0.0.4-avianart"),
    }
}

const AVIANART_GENERATE: Endpoint = Endpoint::new("POST", "/api.php")
    .with_query(&[("action", "generate"), ("preset", "kaesden/cabookey")]);

fn avianart_request() -> AvianartRequest {
    AvianartRequest {
        preset: "kaesden/cabookey".into(),
        race: true,
    }
}

/// The generate call, answered with a game that is already finished (no polling).
#[tokio::test]
async fn avianart_generate_matrix() {
    let endpoint = AVIANART_GENERATE;
    let ok = ResponseTemplate::new(200).set_body_json(avianart_finished("h1"));
    let rows = matrix(
        &ok,
        ResponseTemplate::new(404).set_body_string("preset not found"),
        vec![
            ("not JSON", html("<html><body>Bad Gateway</body></html>")),
            (
                "no response object",
                ResponseTemplate::new(200).set_body_string(r#"{"response": 3}"#),
            ),
            (
                "no hash",
                ResponseTemplate::new(200)
                    .set_body_json(json!({"response": {"status": "generating"}})),
            ),
        ],
    );
    for row in rows {
        let server = MockServer::start().await;
        row.mount(&endpoint, &server).await;
        let result = AvianartProvider::new(ctx(&server))
            .generate(&avianart_request(), None)
            .await;
        row.check(
            "avianart generate",
            &endpoint,
            &server,
            result,
            |seed, n| {
                avianart_canonical().assert(&row.name, &seed, n);
            },
        )
        .await;
    }
}

/// The poll call, after a generate answer that says the game is still generating; the
/// seed's `attempt_count` stays the generate call's.
#[tokio::test]
async fn avianart_poll_matrix() {
    let endpoint =
        Endpoint::new("GET", "/api.php").with_query(&[("action", "permlink"), ("hash", "h1")]);
    let ok = ResponseTemplate::new(200).set_body_json(avianart_finished("h1"));
    let rows = matrix(
        &ok,
        ResponseTemplate::new(404).set_body_string("not found"),
        vec![
            ("not JSON", html("<html><body>Bad Gateway</body></html>")),
            (
                "no response object",
                ResponseTemplate::new(200).set_body_json(json!({"error": "x"})),
            ),
            (
                "finished without a code",
                ResponseTemplate::new(200)
                    .set_body_json(json!({"response": {"hash": "h1", "status": "finished"}})),
            ),
        ],
    );
    for row in rows {
        let server = MockServer::start().await;
        AVIANART_GENERATE
            .mock()
            .respond_with(
                ResponseTemplate::new(200)
                    .set_body_json(json!({"response": {"hash": "h1", "status": "generating"}})),
            )
            .mount(&server)
            .await;
        row.mount(&endpoint, &server).await;
        let result = AvianartProvider::new(ctx(&server))
            .generate(&avianart_request(), None)
            .await;
        row.check("avianart poll", &endpoint, &server, result, |seed, _| {
            avianart_canonical().assert(&row.name, &seed, 1);
        })
        .await;
        assert_eq!(
            AVIANART_GENERATE.hits(&server).await,
            1,
            "avianart poll / {}",
            row.name
        );
    }
}

// ---------------------------------------------------------------------------- BingoSync

const BINGO_FRONT: Endpoint = Endpoint::new("GET", "/");
const BINGO_ROOM: Endpoint = Endpoint::new("POST", "/");
const BINGO_CARD: Endpoint = Endpoint::new("PUT", "/api/new-card");

fn bingo_front_page() -> ResponseTemplate {
    html(r#"<form><input name="csrfmiddlewaretoken" type="hidden" value="t1"></form>"#)
        .insert_header("set-cookie", "csrftoken=c1; Path=/")
}

fn bingo_room_redirect() -> ResponseTemplate {
    ResponseTemplate::new(302)
        .insert_header("location", "/room/Rm0ABCdef")
        .insert_header("set-cookie", "sessionid=s1; Path=/")
}

fn bingo_card() -> BingoCard {
    BingoCard {
        game_type: "18".into(),
        variant_type: Some("18".into()),
        ..BingoCard::default()
    }
}

/// BingoSync makes rooms, not seeds, in several steps: its matrix is run on each step of
/// `create_room` (the front page with the CSRF token, then the room form, whose success is
/// a 302 to the room) with the other step answering normally; the answer is the room.
#[tokio::test]
async fn bingosync_create_room_matrix() {
    let steps = [
        (
            "bingosync csrf",
            BINGO_FRONT,
            BINGO_ROOM,
            bingo_front_page(),
            bingo_room_redirect(),
            vec![("no CSRF token", html("<html><body>BingoSync</body></html>"))],
        ),
        (
            "bingosync create_room",
            BINGO_ROOM,
            BINGO_FRONT,
            bingo_room_redirect(),
            bingo_front_page(),
            vec![
                (
                    "a 200 with form errors",
                    html("<ul class=\"errorlist\"></ul>"),
                ),
                ("a 302 without a room", ResponseTemplate::new(302)),
            ],
        ),
    ];
    for (label, endpoint, other, ok, other_ok, malformed) in steps {
        for row in matrix(
            &ok,
            ResponseTemplate::new(403).set_body_string("CSRF verification failed"),
            malformed,
        ) {
            let server = MockServer::start().await;
            other
                .mock()
                .respond_with(other_ok.clone())
                .mount(&server)
                .await;
            row.mount(&endpoint, &server).await;
            let result = BingoSyncProvider::new(ctx(&server))
                .unwrap()
                .create_room("SpeedGaming Race", "pass123", &bingo_card(), None)
                .await;
            let uri = server.uri();
            row.check(label, &endpoint, &server, result, |room, _| {
                assert_eq!(room.room_id, "Rm0ABCdef", "{label} / {}", row.name);
                assert_eq!(room.url, format!("{uri}/room/Rm0ABCdef"));
                assert_eq!(room.password, "pass123");
            })
            .await;
            // The other step: the token is read once; the room form is sent only once a
            // token was read.
            let other_hits = match (label, row.expect) {
                ("bingosync csrf", Expect::Failure(..)) => 0,
                _ => 1,
            };
            assert_eq!(
                other.hits(&server).await,
                other_hits,
                "{label} / {}",
                row.name
            );
        }
    }
}

/// `new_card` passes BingoSync's answer through as text, so no body is malformed: its
/// matrix has no malformed row.
#[tokio::test]
async fn bingosync_new_card_matrix() {
    let ok = ResponseTemplate::new(200).set_body_string("ok");
    let rows = matrix(
        &ok,
        ResponseTemplate::new(400).set_body_string("bad room"),
        vec![],
    );
    for row in rows {
        let server = MockServer::start().await;
        row.mount(&BINGO_CARD, &server).await;
        let result = BingoSyncProvider::new(ctx(&server))
            .unwrap()
            .new_card("Rm0ABCdef", &bingo_card(), None)
            .await;
        row.check(
            "bingosync new_card",
            &BINGO_CARD,
            &server,
            result,
            |text, _| {
                assert_eq!(text, "ok", "bingosync new_card / {}", row.name);
            },
        )
        .await;
    }
}
