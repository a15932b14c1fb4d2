//! `/assets/*`: the site's own stylesheet and logo, compiled into the binary (no file
//! system access, so no path traversal).

use poem::http::header;
use poem::web::Path;
use poem::{IntoResponse, Response, handler};

use super::error::WebError;

/// Every asset: path under `/assets/`, content type, bytes.
const ASSETS: &[(&str, &str, &[u8])] = &[
    (
        "css/site.css",
        "text/css; charset=utf-8",
        include_bytes!("../../static/css/site.css"),
    ),
    (
        "images/logo.svg",
        "image/svg+xml",
        include_bytes!("../../static/images/logo.svg"),
    ),
];

/// `GET /assets/<path>`.
#[handler]
pub(crate) fn asset(Path(path): Path<String>) -> Result<Response, WebError> {
    let (_, content_type, bytes) = ASSETS
        .iter()
        .find(|(name, _, _)| *name == path)
        .ok_or(WebError::NotFound)?;
    Ok(bytes
        .to_vec()
        .with_content_type(*content_type)
        .with_header(header::CACHE_CONTROL, "public, max-age=3600")
        .into_response())
}
