//! samus.link SM and SMZ3 against a wiremock server: endpoint and base per game and
//! release, slug permalinks, multiworld URLs, spoiler URLs, and non-2xx answers as errors
//! (the original parsed them as data).

use crate::common;

use common::{ctx, received, too_slow};
use sahasrahbot_seedgen::providers::samus::{SamusGame, SamusProvider, SamusRequest};
use sahasrahbot_seedgen::{Error, SeedProvider};
use serde_json::{Value, json};
use wiremock::matchers::{body_json, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const GUID: &str = "0123456789abcdef0123456789abcdef";

fn answer(mode: &str) -> Value {
    json!({"guid": GUID, "hash": "Grapple Beam Bombos Charge Beam Hookshot", "mode": mode,
           "seedNumber": 12345, "gameName": "SMZ3 Casual"})
}

fn sm_request(body: Value) -> SamusRequest {
    SamusRequest {
        game: SamusGame::Sm,
        baseurl: "https://sm.samus.link".into(),
        body,
    }
}

#[tokio::test]
async fn sm_generate_gives_a_slug_permalink_and_a_spoiler_url_with_the_key() {
    let server = MockServer::start().await;
    let body = json!({"logic": "casual", "race": "true", "spoilerKey": "AbCdEfGhIjKlMnOpQrSt"});
    Mock::given(method("POST"))
        .and(path("/sm/api/randomizers/sm/generate"))
        .and(body_json(&body))
        .respond_with(ResponseTemplate::new(200).set_body_json(answer("normal")))
        .expect(1)
        .mount(&server)
        .await;
    let seed = SamusProvider::new(ctx(&server))
        .generate(&sm_request(body), None)
        .await
        .unwrap();
    assert_eq!(seed.hash_or_id, "ASNFZ4mrze8BI0VniavN7w");
    assert_eq!(
        seed.url,
        "https://sm.samus.link/seed/ASNFZ4mrze8BI0VniavN7w"
    );
    assert_eq!(
        seed.spoiler_url.as_deref(),
        Some(
            "https://sm.samus.link/api/spoiler/0123456789abcdef0123456789abcdef?key=AbCdEfGhIjKlMnOpQrSt&yaml=True"
        )
    );
    assert_eq!(
        seed.code.unwrap(),
        ["Grapple Beam Bombos Charge Beam Hookshot"]
    );
    assert_eq!(seed.provider_meta.provider, "sm");
}

#[tokio::test]
async fn smz3_release_base_and_multiworld_url() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v11/api/randomizers/smz3/generate"))
        .respond_with(ResponseTemplate::new(200).set_body_json(answer("normal")))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/smz3/api/randomizers/smz3/generate"))
        .respond_with(ResponseTemplate::new(200).set_body_json(answer("multiworld")))
        .mount(&server)
        .await;
    let p = SamusProvider::new(ctx(&server));
    let seed = p
        .generate(
            &SamusRequest {
                game: SamusGame::Smz3,
                baseurl: "https://v11.samus.link".into(),
                body: json!({"race": "false"}),
            },
            None,
        )
        .await
        .unwrap();
    assert_eq!(
        seed.url,
        "https://v11.samus.link/seed/ASNFZ4mrze8BI0VniavN7w"
    );
    assert_eq!(seed.spoiler_url, None);

    let multi = SamusRequest::multiworld(
        SamusGame::Smz3,
        &json!({"smlogic": "normal"}),
        &["Alice".into(), "Bob".into()],
        true,
        None,
    );
    let seed = p.generate(&multi, None).await.unwrap();
    assert_eq!(
        seed.url,
        "https://samus.link/multiworld/ASNFZ4mrze8BI0VniavN7w"
    );
    let requests = server.received_requests().await.unwrap();
    let sent: Value = serde_json::from_slice(&requests[1].body).unwrap();
    assert_eq!(sent["player-0"], "Alice");
    assert_eq!(sent["players"], 2);
}

#[tokio::test]
async fn error_statuses_follow_the_contract() {
    // 400: not retried (the original parsed the error body and crashed on `guid`).
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(400).set_body_json(json!({"error": "bad logic"})))
        .mount(&server)
        .await;
    let err = SamusProvider::new(ctx(&server))
        .generate(&sm_request(json!({})), None)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::InvalidRequest(_)), "{err}");
    assert!(err.to_string().starts_with("sm: HTTP 400"));
    assert_eq!(received(&server).await, 1);

    // 500 then success.
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(500))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_json(answer("normal")))
        .mount(&server)
        .await;
    let seed = SamusProvider::new(ctx(&server))
        .generate(&sm_request(json!({})), None)
        .await
        .unwrap();
    assert_eq!(seed.provider_meta.attempt_count, 2);
    assert_eq!(received(&server).await, 2);

    // 429 throughout: rate limited after three attempts.
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(429))
        .mount(&server)
        .await;
    let err = SamusProvider::new(ctx(&server))
        .generate(&sm_request(json!({})), None)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::RateLimited(_)), "{err}");
    assert_eq!(received(&server).await, 3);
}

#[tokio::test]
async fn timeouts_and_malformed_answers() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(answer("normal"))
                .set_delay(too_slow()),
        )
        .mount(&server)
        .await;
    let err = SamusProvider::new(ctx(&server))
        .generate(&sm_request(json!({})), None)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Timeout(_)), "{err}");
    assert_eq!(received(&server).await, 3);

    for body in [json!({"hash": "x"}), json!({"guid": "not-a-uuid"})] {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .respond_with(ResponseTemplate::new(200).set_body_json(body.clone()))
            .mount(&server)
            .await;
        let err = SamusProvider::new(ctx(&server))
            .generate(&sm_request(json!({})), None)
            .await
            .unwrap_err();
        assert!(matches!(err, Error::ResponseFormat(_)), "{body}: {err}");
        assert_eq!(received(&server).await, 1);
    }
}
