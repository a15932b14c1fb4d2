//! [`S3Store`]: an [`ObjectStore`] on Amazon S3 (core.md §4), objects PUT with AWS
//! Signature Version 4 and addressed virtual-hosted style
//! (`https://<bucket>.s3.amazonaws.com/<key>`). Credentials come from the standard
//! environment variables (`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`,
//! `AWS_SESSION_TOKEN`, `AWS_REGION`).

use async_trait::async_trait;
use hmac::{Hmac, Mac};
use sahasrahbot_core::config::Secret;
use sha2::{Digest, Sha256};

use crate::contract::Contract;
use crate::error::{Error, Failure, Result};
use crate::http::send;
use crate::storage::{ObjectStore, PutObject};

/// AWS credentials.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct S3Credentials {
    /// The access key id.
    pub access_key_id: String,
    /// The secret access key.
    pub secret_access_key: Secret,
    /// The session token of temporary credentials.
    pub session_token: Option<Secret>,
}

impl S3Credentials {
    /// From `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and `AWS_SESSION_TOKEN`; `None`
    /// unless both keys are set.
    pub fn from_env() -> Option<Self> {
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
        Some(Self {
            access_key_id: var("AWS_ACCESS_KEY_ID")?,
            secret_access_key: Secret::new(var("AWS_SECRET_ACCESS_KEY")?),
            session_token: var("AWS_SESSION_TOKEN").map(Secret::new),
        })
    }
}

/// The region from `AWS_REGION` / `AWS_DEFAULT_REGION`, else `us-east-1`.
pub fn region_from_env() -> String {
    ["AWS_REGION", "AWS_DEFAULT_REGION"]
        .iter()
        .find_map(|n| std::env::var(n).ok().filter(|v| !v.trim().is_empty()))
        .unwrap_or_else(|| "us-east-1".to_owned())
}

/// An S3 bucket.
#[derive(Debug, Clone)]
pub struct S3Store {
    client: reqwest::Client,
    contract: Contract,
    bucket: String,
    region: String,
    endpoint: String,
    credentials: S3Credentials,
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

fn hmac(key: &[u8], data: &str) -> Vec<u8> {
    // HMAC accepts keys of any length, so `new_from_slice` cannot fail.
    let mut mac = match Hmac::<Sha256>::new_from_slice(key) {
        Ok(mac) => mac,
        Err(_) => return Vec::new(),
    };
    mac.update(data.as_bytes());
    mac.finalize().into_bytes().to_vec()
}

/// S3's URI encoding of a key: everything but unreserved characters and `/`.
pub fn encode_key(key: &str) -> String {
    let mut out = String::new();
    for b in key.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~' | b'/') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// An AWS Signature Version 4 signature of a request without query string. `headers` are
/// (lowercase name, trimmed value) pairs, sorted by name; returns the signed-headers list
/// and the signature.
pub fn sign_v4(
    method: &str,
    canonical_uri: &str,
    headers: &[(String, String)],
    payload_hash: &str,
    amz_date: &str,
    region: &str,
    secret: &str,
) -> (String, String) {
    let date = amz_date.get(..8).unwrap_or(amz_date);
    let canonical_headers: String = headers.iter().map(|(k, v)| format!("{k}:{v}\n")).collect();
    let signed_headers = headers
        .iter()
        .map(|(k, _)| k.as_str())
        .collect::<Vec<_>>()
        .join(";");
    let canonical_request = format!(
        "{method}\n{canonical_uri}\n\n{canonical_headers}\n{signed_headers}\n{payload_hash}"
    );
    let scope = format!("{date}/{region}/s3/aws4_request");
    let string_to_sign = format!(
        "AWS4-HMAC-SHA256\n{amz_date}\n{scope}\n{}",
        sha256_hex(canonical_request.as_bytes())
    );
    let k_date = hmac(format!("AWS4{secret}").as_bytes(), date);
    let k_region = hmac(&k_date, region);
    let k_service = hmac(&k_region, "s3");
    let k_signing = hmac(&k_service, "aws4_request");
    (signed_headers, hex(&hmac(&k_signing, &string_to_sign)))
}

impl S3Store {
    /// A store for `bucket` in `region`.
    ///
    /// # Errors
    /// When the HTTP client cannot be built.
    pub fn new(
        bucket: impl Into<String>,
        region: impl Into<String>,
        credentials: S3Credentials,
        contract: Contract,
    ) -> Result<Self> {
        let bucket = bucket.into();
        Ok(Self {
            client: crate::providers::client_builder()
                .build()
                .map_err(Error::Client)?,
            contract,
            endpoint: format!("https://{bucket}.s3.amazonaws.com"),
            bucket,
            region: region.into(),
            credentials,
        })
    }

    /// Sends requests to `endpoint` instead of `https://<bucket>.s3.amazonaws.com` (an
    /// S3-compatible server, or a fake in tests). Returned URLs keep the S3 form.
    #[must_use]
    pub fn with_endpoint(mut self, endpoint: impl Into<String>) -> Self {
        self.endpoint = endpoint.into().trim_end_matches('/').to_owned();
        self
    }

    /// The public URL of `key`.
    pub fn url(&self, key: &str) -> String {
        format!(
            "https://{}.s3.amazonaws.com/{}",
            self.bucket,
            encode_key(key)
        )
    }

    fn signed_request(&self, object: &PutObject) -> Result<reqwest::RequestBuilder, Failure> {
        let key = encode_key(&object.key);
        let url = format!("{}/{key}", self.endpoint);
        let parsed = url::Url::parse(&url).map_err(|e| Failure::format(e.to_string()))?;
        let host = match (parsed.host_str(), parsed.port()) {
            (Some(h), Some(p)) => format!("{h}:{p}"),
            (Some(h), None) => h.to_owned(),
            (None, _) => return Err(Failure::format(format!("no host in {url}"))),
        };
        let amz_date = chrono::Utc::now().format("%Y%m%dT%H%M%SZ").to_string();
        let payload_hash = sha256_hex(&object.bytes);
        let mut headers: Vec<(String, String)> = vec![
            ("host".into(), host),
            (
                "x-amz-acl".into(),
                if object.public {
                    "public-read"
                } else {
                    "private"
                }
                .into(),
            ),
            ("x-amz-content-sha256".into(), payload_hash.clone()),
            ("x-amz-date".into(), amz_date.clone()),
        ];
        if let Some(encoding) = &object.content_encoding {
            headers.push(("content-encoding".into(), encoding.clone()));
        }
        if object.attachment {
            headers.push(("content-disposition".into(), "attachment".into()));
        }
        if let Some(token) = &self.credentials.session_token {
            headers.push(("x-amz-security-token".into(), token.expose().to_owned()));
        }
        headers.sort();
        let (signed, signature) = sign_v4(
            "PUT",
            parsed.path(),
            &headers,
            &payload_hash,
            &amz_date,
            &self.region,
            self.credentials.secret_access_key.expose(),
        );
        let authorization = format!(
            "AWS4-HMAC-SHA256 Credential={}/{}/{}/s3/aws4_request,SignedHeaders={signed},Signature={signature}",
            self.credentials.access_key_id,
            amz_date.get(..8).unwrap_or_default(),
            self.region
        );
        let mut request = self
            .client
            .put(&url)
            .header(reqwest::header::AUTHORIZATION, authorization)
            .body(object.bytes.clone());
        for (name, value) in headers.into_iter().filter(|(n, _)| n != "host") {
            request = request.header(name, value);
        }
        Ok(request)
    }
}

#[async_trait]
impl ObjectStore for S3Store {
    async fn put(&self, object: PutObject) -> Result<String> {
        self.contract
            .run("s3", "put", None, || {
                let request = self.signed_request(&object);
                async move {
                    send(request?).await?;
                    Ok(())
                }
            })
            .await?;
        Ok(self.url(&object.key))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The GET Object example of the S3 Signature Version 4 documentation.
    #[test]
    fn signature_matches_the_aws_example() {
        let headers = vec![
            (
                "host".to_owned(),
                "examplebucket.s3.amazonaws.com".to_owned(),
            ),
            ("range".to_owned(), "bytes=0-9".to_owned()),
            ("x-amz-content-sha256".to_owned(), sha256_hex(b"")),
            ("x-amz-date".to_owned(), "20130524T000000Z".to_owned()),
        ];
        let (signed, signature) = sign_v4(
            "GET",
            "/test.txt",
            &headers,
            &sha256_hex(b""),
            "20130524T000000Z",
            "us-east-1",
            "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        );
        assert_eq!(signed, "host;range;x-amz-content-sha256;x-amz-date");
        assert_eq!(
            signature,
            "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41"
        );
    }

    #[test]
    fn keys_are_encoded_except_slashes() {
        assert_eq!(
            encode_key("spoiler/DR_ab c$.txt"),
            "spoiler/DR_ab%20c%24.txt"
        );
    }
}
