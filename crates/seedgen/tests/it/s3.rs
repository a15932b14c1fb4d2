//! The S3 path of [`SpoilerStore`] against a real S3 protocol server: moto's server mode
//! (`pip install 'moto[server]'`, `.ci/run` installs it), started on a free loopback port
//! for each test and killed when it ends. Spoiler logs are published through [`SpoilerPublisher`] and read
//! back with `object_store`: the key is the §4.1 object name, the body gzip of the JSON,
//! stored with `Content-Encoding: gzip`, `Content-Disposition: attachment` and the
//! visibility tag. Without moto those tests say why and return.
//!
//! Retries are checked against wiremock: a 503 is retried, a 403 is not.
#![allow(clippy::print_stderr, reason = "a skipped test says why")]

use std::io::Read as _;
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use object_store::aws::AmazonS3Builder;
use object_store::path::Path;
use object_store::{Attribute, ObjectStore};
use rand::SeedableRng;
use rand::rngs::StdRng;
use sahasrahbot_seedgen::spoilers::{SpoilerPublisher, SpoilerType};
use sahasrahbot_seedgen::storage::{Backend, PutObject, SpoilerStore, gzip};
use sahasrahbot_seedgen::{Error, GeneratedSeed, ProviderMeta, RetryPolicy};
use serde_json::json;
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

const BUCKET: &str = "sahasrahbot-spoilers";

/// A running `moto_server`, killed on drop.
struct Moto {
    child: Child,
    endpoint: String,
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Moto {
    /// Starts `moto_server` (or `python3 -m moto.server` when the script is not on the
    /// `PATH`) on a free loopback port and waits until it listens; `None` (with the reason
    /// on stderr) when moto is not installed.
    fn start(test: &str) -> Option<Moto> {
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .unwrap()
            .port();
        let args = ["-H", "127.0.0.1", "-p", &port.to_string()].map(str::to_owned);
        if let Some(moto) = Moto::spawn(Command::new("moto_server").args(&args), port) {
            return Some(moto);
        }
        let importable = Command::new("python3")
            .args(["-c", "import moto.server"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        if importable
            && let Some(moto) = Moto::spawn(
                Command::new("python3")
                    .args(["-m", "moto.server"])
                    .args(&args),
                port,
            )
        {
            return Some(moto);
        }
        eprintln!("skipped {test}: moto is not installed (pip install 'moto[server]')");
        None
    }

    /// Runs `command` and waits until `port` listens; `None` when the program is missing
    /// (not found, or a pyenv/asdf shim answering 127).
    fn spawn(command: &mut Command, port: u16) -> Option<Moto> {
        let child = match command
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
        {
            Ok(child) => child,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return None,
            Err(e) => panic!("cannot start moto: {e}"),
        };
        let mut moto = Moto {
            child,
            endpoint: format!("http://127.0.0.1:{port}"),
        };
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            if let Some(status) = moto.child.try_wait().unwrap() {
                if status.code() == Some(127) {
                    return None;
                }
                panic!("moto exited early: {status}");
            }
            if TcpStream::connect(("127.0.0.1", port)).is_ok() {
                return Some(moto);
            }
            assert!(Instant::now() < deadline, "moto did not listen within 60 s");
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Creates `bucket` (moto does not check signatures).
    async fn create_bucket(&self, bucket: &str) {
        let response = reqwest::Client::new()
            .put(format!("{}/{bucket}", self.endpoint))
            .send()
            .await
            .unwrap();
        assert!(response.status().is_success(), "{}", response.status());
    }

    /// The tag set of `key`, as XML. moto wants an `Authorization` header for this one
    /// but does not check the signature.
    async fn tagging(&self, bucket: &str, key: &str) -> String {
        reqwest::Client::new()
            .get(format!("{}/{bucket}/{key}?tagging", self.endpoint))
            .header(
                "authorization",
                "AWS4-HMAC-SHA256 Credential=testing/20261122/us-east-1/s3/aws4_request, \
                 SignedHeaders=host, Signature=0",
            )
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap()
    }

    /// The builder our code makes, pointed at this server with test credentials.
    fn builder(&self, bucket: &str) -> AmazonS3Builder {
        s3_builder(bucket).with_endpoint(&self.endpoint)
    }
}

fn policy() -> RetryPolicy {
    RetryPolicy {
        timeout: Duration::from_secs(10),
        max_attempts: 3,
        initial_backoff: Duration::from_millis(1),
        max_backoff: Duration::from_millis(2),
    }
}

fn s3_builder(bucket: &str) -> AmazonS3Builder {
    SpoilerStore::s3_builder(bucket, policy())
        .with_allow_http(true)
        .with_region("us-east-1")
        .with_access_key_id("testing")
        .with_secret_access_key("testing")
}

/// An alttpr.com game as the provider returns it.
fn seed() -> GeneratedSeed {
    let raw = r#"{"logic": "NoGlitches", "patch": [],
  "spoiler": {
    "Special": {"Waterfall Bottle:1": "BottleWithGreenPotion:1"},
    "Light World": {"Link's Uncle:1": "ProgressiveSword:1", "Sahasrahla:1": "PegasusBoots:1"},
    "Eastern Palace": {"Eastern Palace - Prize:1": "PendantOfCourage:1",
                       "Eastern Palace - Big Chest:1": "BigKeyP1:1"},
    "meta": {"spoilers": "generate", "shuffle": "none", "mode": "open",
             "enemizer.boss_shuffle": "none", "name": "Open"}
  },
  "hash": "Ab12Cd34Ef"}"#;
    GeneratedSeed {
        url: "https://alttpr.com/h/Ab12Cd34Ef".into(),
        hash_or_id: "Ab12Cd34Ef".into(),
        code: Some(
            ["Bow", "Magic Powder", "Hookshot", "Bombs", "Lamp"]
                .map(String::from)
                .to_vec(),
        ),
        spoiler_url: None,
        version: None,
        provider_meta: ProviderMeta {
            provider: "alttpr".into(),
            operation: "generate".into(),
            attempt_count: 1,
            latency_ms: 1,
            surface: None,
        },
        data: serde_json::from_str(raw).unwrap(),
        raw: Some(Arc::from(raw)),
    }
}

fn gunzip(bytes: &[u8]) -> String {
    let mut text = String::new();
    flate2::read::GzDecoder::new(bytes)
        .read_to_string(&mut text)
        .unwrap();
    text
}

#[tokio::test]
async fn spoiler_logs_are_published_to_s3() {
    let Some(moto) = Moto::start("spoiler_logs_are_published_to_s3") else {
        return;
    };
    moto.create_bucket(BUCKET).await;
    let store = SpoilerStore::s3(moto.builder(BUCKET), "https://spoilers.example/logs/").unwrap();
    assert_eq!(
        store.backend(),
        &Backend::S3 {
            bucket: BUCKET.into()
        }
    );
    let publisher = SpoilerPublisher::new(store);
    let url = publisher
        .publish(&seed(), SpoilerType::Spoiler, &mut StdRng::seed_from_u64(7))
        .await
        .unwrap();
    let key = url
        .strip_prefix("https://spoilers.example/logs/")
        .unwrap()
        .to_owned();
    let re = regex::Regex::new(
        r"^spoiler__Ab12Cd34Ef__Bow-MagicPowder-Hookshot-Bombs-Lamp__[A-Za-z0-9]{4}\.txt$",
    )
    .unwrap();
    assert!(re.is_match(&key), "{key}");

    // Read back through a store of its own: exactly that one object is in the bucket.
    let reader = moto.builder(BUCKET).build().unwrap();
    let listed = reader.list_with_delimiter(None).await.unwrap();
    let keys: Vec<&str> = listed.objects.iter().map(|o| o.location.as_ref()).collect();
    assert_eq!(keys, [key.as_str()]);
    let got = reader.get(&Path::from(key.as_str())).await.unwrap();
    assert_eq!(
        got.attributes
            .get(&Attribute::ContentEncoding)
            .map(|v| v.as_ref()),
        Some("gzip")
    );
    assert_eq!(
        got.attributes
            .get(&Attribute::ContentDisposition)
            .map(|v| v.as_ref()),
        Some("attachment")
    );
    let text = gunzip(&got.bytes().await.unwrap());
    assert!(
        text.starts_with(
            "{\n    \"Prizes\": {\n        \"Eastern Palace\": \"PendantOfCourage\"\n    },\n"
        ),
        "{text}"
    );
    assert!(text.contains("\"Eastern Palace - Big Chest\": \"BigKeyP1-EasternPalace\""));
    assert!(text.contains("\"hash\": \"Ab12Cd34Ef\""));
    let tagging = moto.tagging(BUCKET, &key).await;
    assert!(
        tagging.contains("<Key>visibility</Key>") && tagging.contains("<Value>public</Value>"),
        "{tagging}"
    );

    // The progression spoiler goes next to it.
    let url = publisher
        .publish(
            &seed(),
            SpoilerType::Progression,
            &mut StdRng::seed_from_u64(8),
        )
        .await
        .unwrap();
    let key = url.rsplit('/').next().unwrap();
    assert!(key.starts_with("progression__Ab12Cd34Ef__"), "{key}");
    let got = reader.get(&Path::from(key)).await.unwrap();
    let progression: serde_json::Value =
        serde_json::from_str(&gunzip(&got.bytes().await.unwrap())).unwrap();
    assert_eq!(
        progression["Light World"],
        json!(["Link's Uncle", "Sahasrahla"])
    );
}

#[tokio::test]
async fn door_objects_private_objects_and_a_missing_bucket() {
    let Some(moto) = Moto::start("door_objects_private_objects_and_a_missing_bucket") else {
        return;
    };
    moto.create_bucket(BUCKET).await;
    let store = SpoilerStore::s3(
        moto.builder(BUCKET),
        format!("https://{BUCKET}.s3.amazonaws.com"),
    )
    .unwrap();
    let url = store
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
        format!("https://{BUCKET}.s3.amazonaws.com/patch/DR_abc.bps")
    );
    let url = store
        .put(PutObject {
            key: "spoiler/DR_abc_Spoiler.txt".into(),
            bytes: gzip(b"Door spoiler"),
            public: false,
            content_encoding: Some("gzip".into()),
            attachment: true,
        })
        .await
        .unwrap();
    assert!(url.ends_with("/spoiler/DR_abc_Spoiler.txt"));

    let reader = store.object_store();
    let patch = reader.get(&Path::from("patch/DR_abc.bps")).await.unwrap();
    assert!(patch.attributes.get(&Attribute::ContentEncoding).is_none());
    assert_eq!(&patch.bytes().await.unwrap()[..], b"BPS1");
    let spoiler = reader
        .get(&Path::from("spoiler/DR_abc_Spoiler.txt"))
        .await
        .unwrap();
    assert_eq!(gunzip(&spoiler.bytes().await.unwrap()), "Door spoiler");
    let tagging = moto.tagging(BUCKET, "spoiler/DR_abc_Spoiler.txt").await;
    assert!(tagging.contains("<Value>private</Value>"), "{tagging}");

    // A bucket that does not exist is a storage error, not a hang.
    let missing = SpoilerStore::s3(moto.builder("no-such-bucket"), "https://x.example").unwrap();
    let err = missing
        .put(PutObject {
            key: "a.txt".into(),
            bytes: b"a".to_vec(),
            public: true,
            content_encoding: None,
            attachment: false,
        })
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Storage(_)), "{err}");
    assert!(err.to_string().contains("cannot store a.txt"), "{err}");
}

fn object() -> PutObject {
    PutObject {
        key: "spoiler__Ab12__Bow-Hookshot__x9Qz.txt".into(),
        bytes: gzip(b"{}"),
        public: true,
        content_encoding: Some("gzip".into()),
        attachment: true,
    }
}

#[tokio::test]
async fn signed_headers_5xx_retried_4xx_not() {
    let server = MockServer::start().await;
    Mock::given(method("PUT"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("PUT"))
        .respond_with(ResponseTemplate::new(200).insert_header("ETag", "\"e1\""))
        .mount(&server)
        .await;
    let store = SpoilerStore::s3(
        s3_builder(BUCKET).with_endpoint(server.uri()),
        "https://spoilers.example",
    )
    .unwrap();
    store.put(object()).await.unwrap();
    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 2);
    let request = &requests[1];
    assert_eq!(
        request.url.path(),
        format!("/{BUCKET}/spoiler__Ab12__Bow-Hookshot__x9Qz.txt")
    );
    let header = |name: &str| {
        request
            .headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    assert_eq!(header("content-encoding"), "gzip");
    assert_eq!(header("content-disposition"), "attachment");
    assert_eq!(header("x-amz-tagging"), "visibility=public");
    let authorization = header("authorization");
    assert!(
        authorization.starts_with("AWS4-HMAC-SHA256 Credential=testing/"),
        "{authorization}"
    );
    for signed in ["content-disposition", "content-encoding", "x-amz-tagging"] {
        assert!(authorization.contains(signed), "{authorization}");
    }

    let server = MockServer::start().await;
    Mock::given(method("PUT"))
        .respond_with(
            ResponseTemplate::new(403).set_body_string("<Error><Code>AccessDenied</Code></Error>"),
        )
        .mount(&server)
        .await;
    let store = SpoilerStore::s3(
        s3_builder(BUCKET).with_endpoint(server.uri()),
        "https://spoilers.example",
    )
    .unwrap();
    let err = store.put(object()).await.unwrap_err();
    assert!(matches!(err, Error::Storage(_)), "{err}");
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
}
