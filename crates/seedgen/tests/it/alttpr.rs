//! alttpr.com against a wiremock server: endpoints, branches, auth, the file-select code,
//! and the contract's retry rules (4xx once, 5xx/429/timeouts retried, bad bodies once).

use crate::common;

use common::{ctx, received, too_slow};
use sahasrahbot_seedgen::providers::alttpr::{AlttprProvider, AlttprRequest};
use sahasrahbot_seedgen::{Error, ProviderContext, SeedProvider, Surface};
use serde_json::{Value, json};
use wiremock::matchers::{basic_auth, body_json, header_exists, method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

/// A generate answer in alttpr.com's shape (patch list, spoiler with meta, hash).
fn game(hash: &str) -> Value {
    json!({
        "logic": "NoGlitches",
        "patch": [
            {"1573395": [0, 0, 9, 28, 3, 11, 0]},
            {"1573500": [1, 2, 3]},
            {"65536": [255]}
        ],
        "spoiler": {"meta": {"name": "Open", "spoilers": "off", "version": "31.0.9",
                             "mode": "open", "goal": "ganon"}},
        "hash": hash,
        "generated": "2026-11-22T01:02:03+00:00",
        "size": 2
    })
}

fn request(baseurl: Option<&str>, endpoint: &str) -> AlttprRequest {
    AlttprRequest {
        baseurl: baseurl.map(str::to_owned),
        endpoint: endpoint.to_owned(),
        body: json!({"goal": "ganon", "tournament": true, "spoilers": "off"}),
    }
}

fn provider(server: &MockServer) -> AlttprProvider {
    AlttprProvider::new(ctx(server))
}

#[tokio::test]
async fn generate_reads_hash_permalink_code_and_sends_the_body() {
    let server = MockServer::start().await;
    let req = request(None, "/api/randomizer");
    Mock::given(method("POST"))
        .and(path("/api/randomizer"))
        .and(body_json(&req.body))
        .respond_with(ResponseTemplate::new(200).set_body_json(game("Ab12Cd34Ef")))
        .expect(1)
        .mount(&server)
        .await;
    let seed = provider(&server)
        .generate(&req, Some(Surface::Discord))
        .await
        .unwrap();
    assert_eq!(seed.hash_or_id, "Ab12Cd34Ef");
    assert_eq!(seed.url, format!("{}/h/Ab12Cd34Ef", server.uri()));
    assert_eq!(
        seed.code.as_deref().unwrap(),
        ["Ether", "Heart", "Bombs", "Lamp", "Bow"]
    );
    assert_eq!(seed.version.as_deref(), Some("31.0.9"));
    assert_eq!(seed.provider_meta.attempt_count, 1);
    assert_eq!(seed.provider_meta.provider, "alttpr");
    assert_eq!(seed.provider_meta.surface, Some(Surface::Discord));
    assert_eq!(seed.data["spoiler"]["meta"]["name"], "Open");
}

#[tokio::test]
async fn branches_pick_their_base_and_permalinks_name_the_public_host() {
    let server = MockServer::start().await;
    for (prefix, hash) in [("/live", "L"), ("/beeta", "B"), ("/tournament", "T")] {
        Mock::given(method("POST"))
            .and(path(format!("{prefix}/api/randomizer")))
            .respond_with(ResponseTemplate::new(200).set_body_json(game(hash)))
            .expect(1)
            .mount(&server)
            .await;
    }
    let p = provider(&server);
    for (base, hash) in [
        ("https://alttpr.com", "L"),
        ("https://beeta.alttpr.com", "B"),
        ("https://tournament.alttpr.com", "T"),
    ] {
        let seed = p
            .generate(&request(Some(base), "/api/randomizer"), None)
            .await
            .unwrap();
        assert_eq!(seed.hash_or_id, hash);
        assert_eq!(seed.url, format!("{base}/h/{hash}"));
    }
}

#[tokio::test]
async fn customizer_and_festive_endpoints() {
    let server = MockServer::start().await;
    for (endpoint, hash) in [
        ("/api/customizer", "C"),
        ("/festive/api/randomizer", "FR"),
        ("/festive/api/customizer", "FC"),
    ] {
        Mock::given(method("POST"))
            .and(path(endpoint))
            .respond_with(ResponseTemplate::new(200).set_body_json(game(hash)))
            .expect(1)
            .mount(&server)
            .await;
        let seed = provider(&server)
            .generate(&request(None, endpoint), None)
            .await
            .unwrap();
        assert_eq!(seed.hash_or_id, hash);
    }
}

#[tokio::test]
async fn basic_auth_only_when_user_and_password_are_set() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(basic_auth("synack", "hunter2"))
        .respond_with(ResponseTemplate::new(200).set_body_json(game("AUTH")))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_json(game("NOAUTH")))
        .mount(&server)
        .await;

    let mut config = common::config(&server);
    config.alttpr.username = "synack".into();
    config.alttpr.password = sahasrahbot_core::config::Secret::new("hunter2");
    let with_auth = AlttprProvider::new(ProviderContext::new(config.clone()).unwrap());
    let seed = with_auth
        .generate(&request(None, "/api/randomizer"), None)
        .await
        .unwrap();
    assert_eq!(seed.hash_or_id, "AUTH");

    config.alttpr.password = sahasrahbot_core::config::Secret::default();
    let user_only = AlttprProvider::new(ProviderContext::new(config).unwrap());
    let seed = user_only
        .generate(&request(None, "/api/randomizer"), None)
        .await
        .unwrap();
    assert_eq!(seed.hash_or_id, "NOAUTH");
    let requests = server.received_requests().await.unwrap();
    assert!(requests[0].headers.contains_key("authorization"));
    assert!(!requests[1].headers.contains_key("authorization"));
}

#[tokio::test]
async fn a_4xx_is_not_retried() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(422).set_body_string("goal is invalid"))
        .mount(&server)
        .await;
    let err = provider(&server)
        .generate(&request(None, "/api/randomizer"), None)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::InvalidRequest(_)), "{err}");
    assert_eq!(err.to_string(), "alttpr: HTTP 422: goal is invalid");
    assert_eq!(err.failure().unwrap().status_code, Some(422));
    assert_eq!(received(&server).await, 1);
}

#[tokio::test]
async fn a_5xx_is_retried_then_succeeds() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(502))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_json(game("RETRIED")))
        .mount(&server)
        .await;
    let seed = provider(&server)
        .generate(&request(None, "/api/randomizer"), None)
        .await
        .unwrap();
    assert_eq!(seed.hash_or_id, "RETRIED");
    assert_eq!(seed.provider_meta.attempt_count, 2);
    assert_eq!(received(&server).await, 2);
}

#[tokio::test]
async fn persistent_5xx_gives_unavailable_after_three_attempts() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(503).set_body_string("maintenance"))
        .mount(&server)
        .await;
    let err = provider(&server)
        .generate(&request(None, "/api/randomizer"), None)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Unavailable(_)), "{err}");
    assert_eq!(err.failure().unwrap().attempts, 3);
    assert_eq!(received(&server).await, 3);
}

#[tokio::test]
async fn a_429_is_retried() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(429).insert_header("retry-after", "1"))
        .up_to_n_times(2)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_json(game("LIMITED")))
        .mount(&server)
        .await;
    let seed = provider(&server)
        .generate(&request(None, "/api/randomizer"), None)
        .await
        .unwrap();
    assert_eq!(seed.provider_meta.attempt_count, 3);
    assert_eq!(received(&server).await, 3);
}

#[tokio::test]
async fn slow_answers_time_out_and_are_retried() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(game("SLOW"))
                .set_delay(too_slow()),
        )
        .mount(&server)
        .await;
    let err = provider(&server)
        .generate(&request(None, "/api/randomizer"), None)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Timeout(_)), "{err}");
    assert_eq!(err.failure().unwrap().attempts, 3);
    assert!(err.to_string().starts_with("alttpr: timed out after"));
    assert_eq!(received(&server).await, 3);
}

#[tokio::test]
async fn a_timeout_then_a_fast_answer_succeeds() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(game("X"))
                .set_delay(too_slow()),
        )
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_json(game("FAST")))
        .mount(&server)
        .await;
    let seed = provider(&server)
        .generate(&request(None, "/api/randomizer"), None)
        .await
        .unwrap();
    assert_eq!(seed.hash_or_id, "FAST");
    assert_eq!(seed.provider_meta.attempt_count, 2);
}

#[tokio::test]
async fn malformed_bodies_are_not_retried() {
    for body in [
        "<html>Whoops</html>",
        r#"{"hash": "x"}"#,
        r#"{"patch": []}"#,
    ] {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .respond_with(ResponseTemplate::new(200).set_body_string(body))
            .mount(&server)
            .await;
        let err = provider(&server)
            .generate(&request(None, "/api/randomizer"), None)
            .await
            .unwrap_err();
        assert!(matches!(err, Error::ResponseFormat(_)), "{body}: {err}");
        assert_eq!(received(&server).await, 1, "{body}");
    }
}

#[tokio::test]
async fn unreachable_host_is_unavailable() {
    let server = MockServer::start().await;
    let mut config = common::config(&server);
    // A port nothing listens on: bind, read the port, close.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    config.alttpr.baseurl = format!("http://127.0.0.1:{port}");
    let p = AlttprProvider::new(ProviderContext::new(config).unwrap());
    let err = p
        .generate(&request(None, "/api/randomizer"), None)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Unavailable(_)), "{err}");
    assert_eq!(err.failure().unwrap().attempts, 3);
}

#[tokio::test]
async fn retrieve_reads_json_served_as_html_and_daily_reads_the_hash() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/hash/Zz9"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_string(game("Zz9").to_string())
                .insert_header("content-type", "text/html; charset=UTF-8"),
        )
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/hash/missing"))
        .respond_with(ResponseTemplate::new(404))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/daily"))
        .and(header_exists("user-agent"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"hash": "DAILY1"})))
        .mount(&server)
        .await;
    let mut config = common::config(&server);
    config.alttpr.daily_url = format!("{}/api/daily", server.uri());
    let p = AlttprProvider::new(ProviderContext::new(config).unwrap());
    let seed = p.retrieve("Zz9", None, None).await.unwrap();
    assert_eq!(seed.hash_or_id, "Zz9");
    assert_eq!(seed.provider_meta.operation, "retrieve");
    let err = p.retrieve("missing", None, None).await.unwrap_err();
    assert!(matches!(err, Error::InvalidRequest(_)));
    assert_eq!(p.daily_hash(None).await.unwrap(), "DAILY1");
    let requests: Vec<Request> = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 3, "the 404 was not retried");
}
