//! `GET /spoilers/{key}`: spoiler logs stored in the local directory (when no S3 bucket is
//! configured), sent as stored: gzip bytes with `Content-Encoding: gzip`.

use std::path::{Component, Path, PathBuf};

use poem::http::{StatusCode, header};
use poem::web::{Data, Path as UrlPath};
use poem::{Response, handler};

use crate::problem::problem;
use crate::state::AppState;

/// The file under `dir` that `key` names, if `key` is a plain relative path (no `..`, no
/// root, no empty segment).
fn resolve(dir: &Path, key: &str) -> Option<PathBuf> {
    let rel = Path::new(key);
    let plain = !key.is_empty()
        && !key.contains("//")
        && rel.components().all(|c| matches!(c, Component::Normal(_)));
    plain.then(|| dir.join(rel))
}

/// Serves one stored spoiler log.
#[handler]
pub(crate) async fn spoiler(state: Data<&AppState>, key: UrlPath<String>) -> Response {
    let Some(dir) = state.spoiler_dir() else {
        return problem(
            StatusCode::NOT_FOUND,
            "spoiler logs are not stored on this server",
        );
    };
    let Some(path) = resolve(dir, &key) else {
        return problem(StatusCode::NOT_FOUND, "no such spoiler log");
    };
    match tokio::fs::read(&path).await {
        Ok(bytes) => {
            let content_type = if key.ends_with(".json") {
                "application/json"
            } else {
                "text/plain"
            };
            Response::builder()
                .content_type(content_type)
                .header(header::CONTENT_ENCODING, "gzip")
                .header(header::CONTENT_DISPOSITION, "attachment")
                .body(bytes)
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            problem(StatusCode::NOT_FOUND, "no such spoiler log")
        }
        Err(e) => {
            tracing::warn!(error = %e, path = %path.display(), "cannot read spoiler log");
            problem(
                StatusCode::INTERNAL_SERVER_ERROR,
                "the spoiler log cannot be read",
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_relative_keys_resolve() {
        let dir = Path::new("/data/spoilers");
        assert_eq!(
            resolve(dir, "a/b.txt"),
            Some(PathBuf::from("/data/spoilers/a/b.txt"))
        );
        assert_eq!(resolve(dir, "../etc/passwd"), None);
        assert_eq!(resolve(dir, "a/../../x"), None);
        assert_eq!(resolve(dir, "/etc/passwd"), None);
        assert_eq!(resolve(dir, ""), None);
        assert_eq!(resolve(dir, "a//b"), None);
    }
}
