//! The S3 object store against a wiremock server standing in for S3: the PUT carries the
//! ACL, encoding and disposition headers, a payload hash and a Signature Version 4 that
//! verifies against the headers the server received; 5xx is retried, 403 is not. Also a
//! door patch stored through it.

use std::sync::Arc;
use std::time::Duration;

use sahasrahbot_core::config::Secret;
use sahasrahbot_seedgen::s3::{S3Credentials, S3Store, sign_v4};
use sahasrahbot_seedgen::storage::{ObjectStore, PutObject, gzip};
use sahasrahbot_seedgen::{Contract, Error, RetryPolicy};
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const SECRET: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

fn store(server: &MockServer) -> S3Store {
    let contract = Contract::new(RetryPolicy {
        timeout: Duration::from_millis(500),
        max_attempts: 3,
        initial_backoff: Duration::from_millis(1),
        max_backoff: Duration::from_millis(2),
    });
    S3Store::new(
        "sahasrahbot-spoilers",
        "us-east-2",
        S3Credentials {
            access_key_id: "AKIDEXAMPLE".into(),
            secret_access_key: Secret::new(SECRET),
            session_token: None,
        },
        contract,
    )
    .unwrap()
    .with_endpoint(server.uri())
}

fn object(public: bool) -> PutObject {
    PutObject {
        key: "spoiler__Ab12__Bow-Hookshot__x9Qz.txt".into(),
        bytes: gzip(b"{\"meta\": {}}"),
        public,
        content_encoding: Some("gzip".into()),
        attachment: true,
    }
}

fn header_value<'a>(request: &'a Request, name: &str) -> &'a str {
    request
        .headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
}

/// Recomputes the signature from what the server received.
fn verify(request: &Request) {
    let auth = header_value(request, "authorization");
    let signed = auth
        .split("SignedHeaders=")
        .nth(1)
        .and_then(|s| s.split(',').next())
        .unwrap();
    let headers: Vec<(String, String)> = signed
        .split(';')
        .map(|name| {
            (
                name.to_owned(),
                header_value(request, name).trim().to_owned(),
            )
        })
        .collect();
    let (_, signature) = sign_v4(
        "PUT",
        request.url.path(),
        &headers,
        header_value(request, "x-amz-content-sha256"),
        header_value(request, "x-amz-date"),
        "us-east-2",
        SECRET,
    );
    assert!(
        auth.ends_with(&format!("Signature={signature}")),
        "{auth} vs {signature}"
    );
}

#[tokio::test]
async fn put_sends_headers_and_a_valid_signature() {
    let server = MockServer::start().await;
    Mock::given(method("PUT"))
        .and(path("/spoiler__Ab12__Bow-Hookshot__x9Qz.txt"))
        .and(header("x-amz-acl", "public-read"))
        .and(header("content-encoding", "gzip"))
        .and(header("content-disposition", "attachment"))
        .respond_with(ResponseTemplate::new(200))
        .expect(1)
        .mount(&server)
        .await;
    let url = store(&server).put(object(true)).await.unwrap();
    assert_eq!(
        url,
        "https://sahasrahbot-spoilers.s3.amazonaws.com/spoiler__Ab12__Bow-Hookshot__x9Qz.txt"
    );
    let requests = server.received_requests().await.unwrap();
    let request = &requests[0];
    assert!(
        header_value(request, "authorization")
            .starts_with("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/")
    );
    assert!(header_value(request, "authorization").contains(
        "/us-east-2/s3/aws4_request,SignedHeaders=content-disposition;content-encoding;host;x-amz-acl;x-amz-content-sha256;x-amz-date,"
    ));
    let body_hash: String = {
        use sha2::Digest as _;
        sha2::Sha256::digest(&request.body)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    };
    assert_eq!(header_value(request, "x-amz-content-sha256"), body_hash);
    verify(request);
}

#[tokio::test]
async fn private_objects_5xx_retry_and_403_no_retry() {
    let server = MockServer::start().await;
    Mock::given(method("PUT"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("PUT"))
        .and(header("x-amz-acl", "private"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&server)
        .await;
    store(&server).put(object(false)).await.unwrap();
    assert_eq!(server.received_requests().await.unwrap().len(), 2);

    let server = MockServer::start().await;
    Mock::given(method("PUT"))
        .respond_with(
            ResponseTemplate::new(403).set_body_string("<Error><Code>AccessDenied</Code></Error>"),
        )
        .mount(&server)
        .await;
    let err = store(&server).put(object(true)).await.unwrap_err();
    assert!(matches!(err, Error::InvalidRequest(_)), "{err}");
    assert!(err.to_string().starts_with("s3: HTTP 403"));
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
}

#[tokio::test]
async fn works_as_the_spoiler_and_patch_store() {
    let server = MockServer::start().await;
    Mock::given(method("PUT"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&server)
        .await;
    let s3: Arc<dyn ObjectStore> = Arc::new(store(&server));
    let url = s3
        .put(PutObject {
            key: "patch/DR_abc.bps".into(),
            bytes: b"BPS1".to_vec(),
            public: true,
            content_encoding: None,
            attachment: false,
        })
        .await
        .unwrap();
    assert_eq!(
        url,
        "https://sahasrahbot-spoilers.s3.amazonaws.com/patch/DR_abc.bps"
    );
    let requests = server.received_requests().await.unwrap();
    assert!(requests[0].headers.get("content-encoding").is_none());
    assert!(
        header_value(&requests[0], "authorization")
            .contains("SignedHeaders=host;x-amz-acl;x-amz-content-sha256;x-amz-date,")
    );
    verify(&requests[0]);
}
