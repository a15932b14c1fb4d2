//! [`ObjectStore`]: where door patches and spoiler logs are kept (S3 in production,
//! core.md §4), and [`LocalDirStore`], a directory served under a URL prefix.

use std::io::Write as _;
use std::path::PathBuf;

use async_trait::async_trait;
use flate2::Compression;
use flate2::write::GzEncoder;

use crate::error::{Error, Result};

/// One object to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PutObject {
    /// The key (`patch/DR_<id>.bps`, `spoiler__<hash>__<code>__<x>.txt`, …).
    pub key: String,
    /// The bytes, already gzipped when `content_encoding` says so.
    pub bytes: Vec<u8>,
    /// World-readable (`public-read`) or private.
    pub public: bool,
    /// `Content-Encoding` (`gzip` for spoiler logs).
    pub content_encoding: Option<String>,
    /// `Content-Disposition: attachment`.
    pub attachment: bool,
}

/// Object storage.
#[async_trait]
pub trait ObjectStore: Send + Sync {
    /// Stores the object and returns its URL.
    ///
    /// # Errors
    /// When the object cannot be stored.
    async fn put(&self, object: PutObject) -> Result<String>;
}

/// An [`ObjectStore`] writing files into a directory that is served at `url_base`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocalDirStore {
    /// The directory.
    pub dir: PathBuf,
    /// The URL prefix the directory is served at.
    pub url_base: String,
}

#[async_trait]
impl ObjectStore for LocalDirStore {
    async fn put(&self, object: PutObject) -> Result<String> {
        let path = self.dir.join(&object.key);
        let io =
            |e: std::io::Error| Error::Storage(format!("cannot write {}: {e}", path.display()));
        if let Some(parent) = path.parent() {
            tokio::fs::create_dir_all(parent).await.map_err(io)?;
        }
        tokio::fs::write(&path, &object.bytes).await.map_err(io)?;
        Ok(format!(
            "{}/{}",
            self.url_base.trim_end_matches('/'),
            object.key
        ))
    }
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

    #[tokio::test]
    async fn local_store_writes_and_links() {
        let dir = tempfile::tempdir().unwrap();
        let store = LocalDirStore {
            dir: dir.path().to_path_buf(),
            url_base: "https://files.example/".into(),
        };
        let url = store
            .put(PutObject {
                key: "patch/a.bps".into(),
                bytes: b"x".to_vec(),
                public: true,
                content_encoding: None,
                attachment: false,
            })
            .await
            .unwrap();
        assert_eq!(url, "https://files.example/patch/a.bps");
        assert_eq!(std::fs::read(dir.path().join("patch/a.bps")).unwrap(), b"x");
    }
}
