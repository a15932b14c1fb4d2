//! [`Problem`]: the RFC 9457 problem body of every API error, and the middleware that gives
//! framework errors (unknown path, bad parameter, wrong method) on the machine routes that
//! body too (api.md §1.5 port guidance, parity row 62).

use poem::http::StatusCode;
use poem::{Endpoint, IntoResponse, Request, Response};
use poem_openapi::Object;
use poem_openapi::types::ToJSON;

/// The media type of problem bodies.
pub const PROBLEM_JSON: &str = "application/problem+json";

/// Path prefixes of the machine (JSON) routes: errors there answer problem+json, never an
/// HTML page.
const API_PREFIXES: [&str; 4] = [
    "/api/",
    "/presets/api/",
    "/presets/download/",
    "/async/api/",
];

/// Exact machine paths outside [`API_PREFIXES`].
const API_PATHS: [&str; 2] = ["/healthcheck", "/robots.txt"];

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
    /// Only on the async-tournament routes' 404: `Tournament not found.`, the body the Python
    /// bot answered (with status 200), kept for its clients.
    #[oai(skip_serializing_if_is_none)]
    pub error: Option<String>,
}

impl Problem {
    /// A problem of type `about:blank` with the status' standard title.
    pub fn new(status: StatusCode, detail: impl Into<String>) -> Self {
        Self {
            kind: "about:blank".into(),
            title: status.canonical_reason().unwrap_or("Error").into(),
            status: status.as_u16(),
            detail: detail.into(),
            error: None,
        }
    }

    /// The problem with the Python bot's `error` text.
    pub fn with_error(mut self, error: impl Into<String>) -> Self {
        self.error = Some(error.into());
        self
    }

    /// The problem as a whole response.
    pub fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        Response::builder()
            .status(status)
            .content_type(PROBLEM_JSON)
            .body(self.to_json_string())
    }
}

/// A problem response with `status` and `detail`.
pub(crate) fn problem(status: StatusCode, detail: &str) -> Response {
    Problem::new(status, detail).into_response()
}

/// Whether `path` is one of the machine routes.
pub(crate) fn is_api_path(path: &str) -> bool {
    API_PATHS.contains(&path) || API_PREFIXES.iter().any(|p| path.starts_with(p))
}

/// Middleware: on a machine route, a framework error (no such route, a parameter or body
/// that does not parse, a wrong method or media type) becomes a problem body with the
/// error's status. Other routes are left to the web pages' own error handling.
pub(crate) async fn api_errors<E: Endpoint>(ep: E, req: Request) -> poem::Result<Response> {
    if !is_api_path(req.uri().path()) {
        return ep.call(req).await.map(IntoResponse::into_response);
    }
    let path = req.uri().path().to_owned();
    // No stored name or key holds a NUL byte, and some databases refuse one in a query.
    if path.contains("%00") || req.uri().query().is_some_and(|q| q.contains("%00")) {
        return Ok(problem(
            StatusCode::BAD_REQUEST,
            "NUL bytes are not allowed in the path or query",
        ));
    }
    match ep.call(req).await {
        Ok(resp) => {
            let resp = resp.into_response();
            let status = resp.status();
            let json = is_json(&resp);
            if (status.is_client_error() || status.is_server_error()) && !json {
                // Something other than the API answered an error on a machine path (e.g. the
                // web pages' 404 for an `/async/api/` route that does not exist).
                let detail = if status == StatusCode::NOT_FOUND {
                    format!("no API route {path}")
                } else {
                    status.canonical_reason().unwrap_or("error").to_owned()
                };
                return Ok(Problem::new(status, detail).into_response());
            }
            Ok(resp)
        }
        Err(e) => {
            let status = e.status();
            let message = e.to_string();
            // A route's own error answer (a typed problem response) travels as an error
            // carrying that response: send it as it is.
            let resp = e.into_response();
            if is_json(&resp) {
                return Ok(resp);
            }
            let detail = if status == StatusCode::NOT_FOUND {
                format!("no API route {path}")
            } else {
                message
            };
            if status.is_server_error() {
                tracing::error!(%path, error = %detail, "API request failed");
            } else {
                tracing::debug!(%path, %status, error = %detail, "API request refused");
            }
            Ok(Problem::new(status, detail).into_response())
        }
    }
}

fn is_json(resp: &Response) -> bool {
    resp.content_type()
        .is_some_and(|ct| ct.starts_with(PROBLEM_JSON) || ct.starts_with("application/json"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn machine_paths_are_recognised() {
        for p in [
            "/healthcheck",
            "/robots.txt",
            "/api/nope",
            "/api/settingsgen/mystery",
            "/presets/api/alttpr",
            "/presets/download/a/b/c",
            "/async/api/tournaments",
        ] {
            assert!(is_api_path(p), "{p}");
        }
        for p in [
            "/",
            "/presets",
            "/presets/manage/x",
            "/api",
            "/healthcheck/",
            "/me/",
        ] {
            assert!(!is_api_path(p), "{p}");
        }
    }
}
