//! HTTP plumbing shared by the providers: the client, status classification and body
//! decoding into the error taxonomy.

use reqwest::{RequestBuilder, Response};
use serde_json::Value as Json;

use crate::error::{ErrorKind, Failure, truncate};

/// The `User-Agent` of every provider request.
pub(crate) const USER_AGENT: &str = concat!("SahasrahBot/", env!("CARGO_PKG_VERSION"));

/// The class of a transport error: timeouts, connection failures and broken bodies. The
/// URL's query is dropped from the message: it may hold an API key (OoTR).
pub(crate) fn transport(mut err: reqwest::Error) -> Failure {
    if let Some(url) = err.url_mut() {
        url.set_query(None);
    }
    let kind = if err.is_timeout() {
        ErrorKind::Timeout
    } else if err.is_decode() {
        ErrorKind::ResponseFormat
    } else {
        ErrorKind::Unavailable
    };
    Failure::new(kind, format!("request failed: {}", error_chain(&err)))
}

/// The error and its sources, joined with `: `.
fn error_chain(err: &dyn std::error::Error) -> String {
    let mut text = err.to_string();
    let mut source = err.source();
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}

/// Sends the request; any status other than 2xx is a [`Failure`] classified by status,
/// with the body as the provider's message.
pub(crate) async fn send(request: RequestBuilder) -> Result<Response, Failure> {
    let response = request.send().await.map_err(transport)?;
    let status = response.status();
    if status.is_success() {
        return Ok(response);
    }
    let body = response.text().await.unwrap_or_default();
    Err(Failure::http(status.as_u16(), &body))
}

/// Sends without looking at the status (for providers that answer with redirects).
pub(crate) async fn send_raw(request: RequestBuilder) -> Result<Response, Failure> {
    request.send().await.map_err(transport)
}

/// The body as text.
pub(crate) async fn text(response: Response) -> Result<String, Failure> {
    response.text().await.map_err(transport)
}

/// The body parsed as JSON whatever the content type (some providers serve JSON as
/// `text/html`); anything else is a response-format failure.
pub(crate) async fn json(response: Response) -> Result<Json, Failure> {
    let body = text(response).await?;
    parse_json(&body)
}

/// `body` parsed as JSON, or a response-format failure quoting its start.
pub(crate) fn parse_json(body: &str) -> Result<Json, Failure> {
    serde_json::from_str(body).map_err(|e| {
        Failure::format(format!(
            "unexpected response (not JSON: {e}): {}",
            truncate(body.trim(), 200)
        ))
    })
}

/// Sends the request and parses a 2xx body as JSON.
pub(crate) async fn send_json(request: RequestBuilder) -> Result<Json, Failure> {
    json(send(request).await?).await
}

/// A string field of a JSON object, or a response-format failure naming it.
pub(crate) fn str_field<'a>(value: &'a Json, key: &str) -> Result<&'a str, Failure> {
    value
        .get(key)
        .and_then(Json::as_str)
        .ok_or_else(|| Failure::format(format!("unexpected response: no string `{key}`")))
}

/// Python's `str()` of a JSON scalar, as form fields carry it (`True`, `None`, `3`).
pub(crate) fn python_str(value: &Json) -> String {
    match value {
        Json::String(s) => s.clone(),
        Json::Bool(true) => "True".to_owned(),
        Json::Bool(false) => "False".to_owned(),
        Json::Null => "None".to_owned(),
        Json::Number(n) => n.to_string(),
        other => other.to_string(),
    }
}

/// The value of the hidden input `name` in an HTML page (attributes in any order).
pub(crate) fn hidden_input(html: &str, name: &str) -> Option<String> {
    let tag_re = regex::Regex::new(r"(?is)<input\b[^>]*>").ok()?;
    let name_re = regex::Regex::new(&format!(
        r#"(?i)\bname\s*=\s*["']?{}["'\s/>]"#,
        regex::escape(name)
    ))
    .ok()?;
    let value_re =
        regex::Regex::new(r#"(?i)\bvalue\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))"#).ok()?;
    tag_re
        .find_iter(html)
        .map(|m| m.as_str())
        .find(|tag| name_re.is_match(tag))
        .and_then(|tag| value_re.captures(tag))
        .and_then(|c| c.get(1).or_else(|| c.get(2)).or_else(|| c.get(3)))
        .map(|m| m.as_str().to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hidden_input_reads_the_value_whatever_the_attribute_order() {
        let html = r#"<form><input type="hidden" value="abc123" name="csrfmiddlewaretoken">
            <input name='other' value='x'></form>"#;
        assert_eq!(
            hidden_input(html, "csrfmiddlewaretoken").as_deref(),
            Some("abc123")
        );
        assert_eq!(hidden_input(html, "other").as_deref(), Some("x"));
        assert_eq!(hidden_input(html, "missing"), None);
    }

    #[test]
    fn python_str_matches_python() {
        assert_eq!(python_str(&Json::Bool(true)), "True");
        assert_eq!(python_str(&serde_json::json!(3)), "3");
        assert_eq!(python_str(&serde_json::json!("on")), "on");
    }

    #[tokio::test]
    async fn transport_errors_do_not_show_query_strings() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        drop(listener);
        let err = reqwest::Client::new()
            .get(format!("http://127.0.0.1:{port}/api?key=SECRET"))
            .send()
            .await
            .unwrap_err();
        let failure = transport(err);
        assert_eq!(failure.kind, ErrorKind::Unavailable);
        assert!(!failure.message.contains("SECRET"), "{}", failure.message);
        assert!(failure.message.contains("/api"), "{}", failure.message);
    }

    #[test]
    fn malformed_json_is_a_format_failure() {
        let f = parse_json("<html>oops</html>").unwrap_err();
        assert_eq!(f.kind, ErrorKind::ResponseFormat);
        assert!(f.message.contains("<html>oops</html>"));
    }
}
