//! [`Problem`]: the RFC 9457 problem body of every API error.

use poem_openapi::Object;

/// An API error body, sent as `application/problem+json`.
#[derive(Debug, Clone, PartialEq, Eq, Object)]
pub struct Problem {
    /// A URI naming the problem type; `about:blank` when the status says it all.
    #[oai(rename = "type")]
    pub kind: String,
    /// A short summary of the problem type.
    pub title: String,
    /// The HTTP status code.
    pub status: u16,
    /// What went wrong in this case.
    pub detail: String,
}

impl Problem {
    /// A problem of type `about:blank` with the status' standard title.
    pub fn new(status: poem::http::StatusCode, detail: impl Into<String>) -> Self {
        Self {
            kind: "about:blank".into(),
            title: status.canonical_reason().unwrap_or("Error").into(),
            status: status.as_u16(),
            detail: detail.into(),
        }
    }
}
