//! [`SpoilerStore`]: where spoiler logs and door patches are kept (core.md §4), through the
//! [`object_store`] crate: a local directory ([`LocalFileSystem`], served under a URL
//! prefix, `/spoilers/` by the API) or an S3 bucket ([`AmazonS3`]).
//!
//! S3 configuration is read from the usual `AWS_*` environment variables
//! ([`AmazonS3Builder::from_env`]: `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`,
//! `AWS_SESSION_TOKEN`, `AWS_REGION`, `AWS_ENDPOINT`, …), falling back to the standard
//! credential chain (web identity, ECS, instance metadata). [`SpoilerStore::s3_builder`]
//! gives the builder so callers (tests) can override the endpoint or credentials.
//!
//! Visibility: `object_store` cannot send a per-object ACL (`x-amz-acl`), so every S3
//! object is tagged `visibility=public` or `visibility=private` instead. The bucket makes
//! public objects readable with a bucket policy such as
//!
//! ```json
//! {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
//!  "Resource": "arn:aws:s3:::<bucket>/*",
//!  "Condition": {"StringEquals": {"s3:ExistingObjectTag/visibility": "public"}}}
//! ```
//!
//! and the uploading identity needs `s3:PutObject` and `s3:PutObjectTagging`.

use std::io::Write as _;
use std::path::PathBuf;
use std::sync::Arc;

use flate2::Compression;
use flate2::write::GzEncoder;
use object_store::aws::{AmazonS3, AmazonS3Builder, AmazonS3ConfigKey};
use object_store::local::LocalFileSystem;
use object_store::path::Path;
use object_store::{
    Attribute, Attributes, BackoffConfig, ClientOptions, ObjectStore, PutOptions, PutPayload,
    RetryConfig, TagSet,
};

use crate::contract::RetryPolicy;
use crate::error::{Error, Result};

/// The tag S3 objects carry in place of an ACL.
pub const VISIBILITY_TAG: &str = "visibility";

/// One object to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PutObject {
    /// The key (`patch/DR_<id>.bps`, `spoiler__<hash>__<code>__<x>.txt`, …).
    pub key: String,
    /// The bytes, already gzipped when `content_encoding` says so.
    pub bytes: Vec<u8>,
    /// World-readable or private (the [`VISIBILITY_TAG`] on S3).
    pub public: bool,
    /// `Content-Encoding` (`gzip` for spoiler logs); S3 only.
    pub content_encoding: Option<String>,
    /// `Content-Disposition: attachment`; S3 only.
    pub attachment: bool,
}

/// Which kind of store a [`SpoilerStore`] writes to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Backend {
    /// A local directory.
    Local(PathBuf),
    /// An S3 bucket.
    S3 {
        /// The bucket name.
        bucket: String,
    },
}

/// An [`ObjectStore`] plus the public URL prefix of its objects.
#[derive(Clone)]
pub struct SpoilerStore {
    store: Arc<dyn ObjectStore>,
    backend: Backend,
    url_base: String,
}

impl std::fmt::Debug for SpoilerStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SpoilerStore")
            .field("backend", &self.backend)
            .field("url_base", &self.url_base)
            .finish_non_exhaustive()
    }
}

fn storage_error(e: impl std::fmt::Display) -> Error {
    Error::Storage(e.to_string())
}

impl SpoilerStore {
    /// Files under `dir` (created when missing), served at `url_base`.
    ///
    /// # Errors
    /// When the directory cannot be created.
    pub fn local(dir: impl Into<PathBuf>, url_base: impl Into<String>) -> Result<Self> {
        let dir = dir.into();
        std::fs::create_dir_all(&dir)
            .map_err(|e| Error::Storage(format!("cannot create {}: {e}", dir.display())))?;
        let store = LocalFileSystem::new_with_prefix(&dir).map_err(storage_error)?;
        Ok(Self {
            store: Arc::new(store),
            backend: Backend::Local(dir),
            url_base: url_base.into(),
        })
    }

    /// The S3 builder for `bucket`: the `AWS_*` environment variables, and `policy` as the
    /// per-request timeout and the retries (5xx, 429 and transport errors).
    pub fn s3_builder(bucket: &str, policy: RetryPolicy) -> AmazonS3Builder {
        let retries = policy.max_attempts.saturating_sub(1);
        let retry = RetryConfig {
            backoff: BackoffConfig {
                init_backoff: policy.initial_backoff,
                max_backoff: policy.max_backoff,
                base: 2.0,
            },
            max_retries: usize::try_from(retries).unwrap_or(usize::MAX),
            retry_timeout: (policy.timeout + policy.max_backoff)
                .saturating_mul(policy.max_attempts.max(1)),
        };
        AmazonS3Builder::from_env()
            .with_bucket_name(bucket)
            .with_retry(retry)
            .with_client_options(ClientOptions::new().with_timeout(policy.timeout))
    }

    /// The bucket `builder` describes; objects are linked as `{url_base}/{key}`.
    ///
    /// # Errors
    /// When the configuration is incomplete or invalid (no bucket, a bad endpoint).
    pub fn s3(builder: AmazonS3Builder, url_base: impl Into<String>) -> Result<Self> {
        let bucket = builder
            .get_config_value(&AmazonS3ConfigKey::Bucket)
            .unwrap_or_default();
        let store: AmazonS3 = builder.build().map_err(storage_error)?;
        Ok(Self {
            store: Arc::new(store),
            backend: Backend::S3 { bucket },
            url_base: url_base.into(),
        })
    }

    /// The underlying store, to read objects back or list them.
    pub fn object_store(&self) -> Arc<dyn ObjectStore> {
        Arc::clone(&self.store)
    }

    /// The local directory or S3 bucket.
    pub fn backend(&self) -> &Backend {
        &self.backend
    }

    /// The public URL of `key`: `{url_base}/{key}`, the key percent-encoded except `/`.
    pub fn url(&self, key: &str) -> String {
        format!(
            "{}/{}",
            self.url_base.trim_end_matches('/'),
            encode_key(key)
        )
    }

    /// Stores the object and returns its URL.
    ///
    /// # Errors
    /// An invalid key, or when the object cannot be stored.
    pub async fn put(&self, object: PutObject) -> Result<String> {
        let location = Path::parse(&object.key)
            .map_err(|e| Error::Storage(format!("bad object key {:?}: {e}", object.key)))?;
        let mut options = PutOptions::default();
        if matches!(self.backend, Backend::S3 { .. }) {
            let mut attributes = Attributes::new();
            if let Some(encoding) = &object.content_encoding {
                attributes.insert(Attribute::ContentEncoding, encoding.clone().into());
            }
            if object.attachment {
                attributes.insert(Attribute::ContentDisposition, "attachment".into());
            }
            let mut tags = TagSet::default();
            tags.push(
                VISIBILITY_TAG,
                if object.public { "public" } else { "private" },
            );
            options.attributes = attributes;
            options.tags = tags;
        }
        self.store
            .put_opts(&location, PutPayload::from(object.bytes), options)
            .await
            .map_err(|e| Error::Storage(format!("cannot store {}: {e}", object.key)))?;
        Ok(self.url(&object.key))
    }
}

/// S3's URI encoding of a key: everything but unreserved characters and `/`.
pub fn encode_key(key: &str) -> String {
    let mut out = String::with_capacity(key.len());
    for b in key.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~' | b'/') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// gzip of `bytes`.
pub fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = GzEncoder::new(Vec::new(), Compression::default());
    // Writing into a Vec cannot fail.
    let _ = encoder.write_all(bytes);
    encoder.finish().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use std::io::Read as _;

    use super::*;

    #[test]
    fn gzip_round_trips() {
        let packed = gzip(b"hello spoiler");
        let mut out = String::new();
        flate2::read::GzDecoder::new(&packed[..])
            .read_to_string(&mut out)
            .unwrap();
        assert_eq!(out, "hello spoiler");
    }

    #[test]
    fn keys_are_encoded_except_slashes() {
        assert_eq!(
            encode_key("spoiler/DR_ab c$.txt"),
            "spoiler/DR_ab%20c%24.txt"
        );
    }

    #[tokio::test]
    async fn local_store_writes_and_links() {
        let dir = tempfile::tempdir().unwrap();
        let store =
            SpoilerStore::local(dir.path().join("nested"), "https://files.example/").unwrap();
        let url = store
            .put(PutObject {
                key: "patch/a.bps".into(),
                bytes: b"x".to_vec(),
                public: true,
                content_encoding: Some("gzip".into()),
                attachment: true,
            })
            .await
            .unwrap();
        assert_eq!(url, "https://files.example/patch/a.bps");
        assert_eq!(
            std::fs::read(dir.path().join("nested/patch/a.bps")).unwrap(),
            b"x"
        );
    }
}
