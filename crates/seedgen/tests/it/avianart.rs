//! AVIANART against a wiremock server: the generate payload, polling until finished, an
//! immediate finish, a reported failure, and polling that never finishes (an error here;
//! the original silently returned nothing).

use crate::common;

use common::{ctx, received};
use sahasrahbot_seedgen::providers::avianart::{AvianartProvider, AvianartRequest};
use sahasrahbot_seedgen::{Error, SeedProvider};
use serde_json::{Value, json};
use wiremock::matchers::{body_json, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn finished(hash: &str) -> Value {
    json!({"response": {"hash": hash, "status": "finished", "spoiler": {"meta": {
        "hash": "Bomb, Bug Net, Pearl, Hookshot, Key", "version": "1.0.0.4-avianart"}}}})
}

fn generating(hash: &str) -> Value {
    json!({"response": {"hash": hash, "status": "generating"}})
}

fn request() -> AvianartRequest {
    AvianartRequest {
        preset: "kaesden/cabookey".into(),
        race: true,
    }
}

async fn mount_generate(server: &MockServer, answer: Value) {
    Mock::given(method("POST"))
        .and(path("/api.php"))
        .and(query_param("action", "generate"))
        .and(query_param("preset", "kaesden/cabookey"))
        .and(body_json(json!([{"args": {"race": true}}])))
        .respond_with(ResponseTemplate::new(200).set_body_json(answer))
        .expect(1)
        .mount(server)
        .await;
}

#[tokio::test]
async fn polls_until_finished() {
    let server = MockServer::start().await;
    mount_generate(&server, generating("h1")).await;
    Mock::given(method("GET"))
        .and(path("/api.php"))
        .and(query_param("action", "permlink"))
        .and(query_param("hash", "h1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(generating("h1")))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(query_param("action", "permlink"))
        .respond_with(ResponseTemplate::new(200).set_body_json(finished("h1")))
        .mount(&server)
        .await;
    let seed = AvianartProvider::new(ctx(&server))
        .generate(&request(), None)
        .await
        .unwrap();
    assert_eq!(seed.url, "https://avianart.games/perm/h1");
    assert_eq!(seed.hash_or_id, "h1");
    assert_eq!(
        seed.code.unwrap(),
        ["Bombs", "Bugnet", "Moon Pearl", "Hookshot", "Big Key"]
    );
    assert_eq!(seed.version.as_deref(), Some("1.0.0.4-avianart"));
    assert_eq!(received(&server).await, 3, "one POST, two polls");
}

#[tokio::test]
async fn an_immediately_finished_game_is_a_success() {
    let server = MockServer::start().await;
    mount_generate(&server, finished("now")).await;
    let seed = AvianartProvider::new(ctx(&server))
        .generate(&request(), None)
        .await
        .unwrap();
    assert_eq!(seed.url, "https://avianart.games/perm/now");
    assert_eq!(received(&server).await, 1);
}

#[tokio::test]
async fn a_reported_failure_is_an_error_with_the_message() {
    let server = MockServer::start().await;
    mount_generate(&server, generating("bad")).await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(
            json!({"response": {"hash": "bad", "status": "failure", "message": "preset not found"}}),
        ))
        .mount(&server)
        .await;
    let err = AvianartProvider::new(ctx(&server))
        .generate(&request(), None)
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "avianart: Failed to generate game: preset not found"
    );
    assert_eq!(received(&server).await, 2);
}

#[tokio::test]
async fn polling_that_never_finishes_is_a_timeout() {
    let server = MockServer::start().await;
    mount_generate(&server, generating("slow")).await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(generating("slow")))
        .mount(&server)
        .await;
    let err = AvianartProvider::new(ctx(&server))
        .generate(&request(), None)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Timeout(_)), "{err}");
    // One POST and the configured three polls.
    assert_eq!(received(&server).await, 4);
}

#[tokio::test]
async fn generate_follows_the_contract() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_json(finished("x")))
        .mount(&server)
        .await;
    let seed = AvianartProvider::new(ctx(&server))
        .generate(&request(), None)
        .await
        .unwrap();
    assert_eq!(seed.provider_meta.attempt_count, 2);

    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(404))
        .mount(&server)
        .await;
    let err = AvianartProvider::new(ctx(&server))
        .generate(&request(), None)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::InvalidRequest(_)));
    assert_eq!(received(&server).await, 1);

    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_string("{\"response\": 3}"))
        .mount(&server)
        .await;
    let err = AvianartProvider::new(ctx(&server))
        .generate(&request(), None)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::ResponseFormat(_)));
    assert_eq!(received(&server).await, 1);
}
