//! The error type of this crate: the provider error taxonomy (core.md §3.2) plus the few
//! failures that happen before a provider is reached.

use std::fmt;

use sahasrahbot_core::presets::PresetError;

/// The five classes of provider failure (core.md §3.1, §3.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorKind {
    /// An attempt took longer than the configured timeout (retried).
    Timeout,
    /// The provider could not be reached, answered 5xx or an unexpected status (retried).
    Unavailable,
    /// The provider answered 429 (retried).
    RateLimited,
    /// The provider rejected the request (4xx other than 429; not retried).
    InvalidRequest,
    /// The provider answered something we cannot read (not retried).
    ResponseFormat,
}

impl ErrorKind {
    /// Whether the reliability contract retries an attempt that failed this way.
    pub fn is_retryable(self) -> bool {
        matches!(
            self,
            ErrorKind::Timeout | ErrorKind::Unavailable | ErrorKind::RateLimited
        )
    }

    /// The class of an HTTP status that is not a success: 429 → rate limited, other 4xx →
    /// invalid request, anything else (5xx, unexpected 1xx/3xx) → unavailable.
    pub fn from_status(status: u16) -> ErrorKind {
        match status {
            429 => ErrorKind::RateLimited,
            400..=499 => ErrorKind::InvalidRequest,
            _ => ErrorKind::Unavailable,
        }
    }
}

/// One failed attempt, before the contract adds the provider, operation and attempt count.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// The class of failure.
    pub kind: ErrorKind,
    /// The HTTP status, when the provider answered.
    pub status_code: Option<u16>,
    /// What the provider said, or what went wrong (shown to users after the provider name).
    pub message: String,
}

impl Failure {
    /// A failure of `kind` with `message` and no HTTP status.
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Failure {
        Failure {
            kind,
            status_code: None,
            message: message.into(),
        }
    }

    /// A failure for a non-success HTTP status; `body` is the provider's message (an empty
    /// body becomes `HTTP <status>`).
    pub fn http(status: u16, body: &str) -> Failure {
        let body = body.trim();
        let message = if body.is_empty() {
            format!("HTTP {status}")
        } else {
            format!("HTTP {status}: {}", truncate(body, 500))
        };
        Failure {
            kind: ErrorKind::from_status(status),
            status_code: Some(status),
            message,
        }
    }

    /// A response we could not read.
    pub fn format(message: impl Into<String>) -> Failure {
        Failure::new(ErrorKind::ResponseFormat, message)
    }

    /// The provider could not be reached or answered with an error.
    pub fn unavailable(message: impl Into<String>) -> Failure {
        Failure::new(ErrorKind::Unavailable, message)
    }
}

/// The first `max` characters of `text` (on a character boundary), with `…` when cut.
pub(crate) fn truncate(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((i, _)) => format!("{}…", &text[..i]),
        None => text.to_owned(),
    }
}

/// A provider failure after the contract gave up: which provider and operation, how many
/// attempts were made, the HTTP status if any, and the provider's message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProviderFailure {
    /// The provider's short name (`alttpr`, `sm`, `avianart`, …).
    pub provider: String,
    /// The operation (`generate`, `poll`, `presets`, …).
    pub operation: String,
    /// The attempt at which this error was raised (1-based).
    pub attempts: u32,
    /// The HTTP status, when the provider answered.
    pub status_code: Option<u16>,
    /// The provider's message (or a description of the failure).
    pub provider_message: String,
}

impl fmt::Display for ProviderFailure {
    /// `<provider>: <provider_message>`, the user-facing form (§3.2).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.provider, self.provider_message)
    }
}

/// Everything that can go wrong generating a seed.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Every attempt timed out, or polling did not finish in time.
    #[error("{0}")]
    Timeout(ProviderFailure),
    /// The provider could not be reached or answered 5xx (after the retries).
    #[error("{0}")]
    Unavailable(ProviderFailure),
    /// The provider kept answering 429 (after the retries).
    #[error("{0}")]
    RateLimited(ProviderFailure),
    /// The provider rejected the request (4xx, or a generation failure it reported).
    #[error("{0}")]
    InvalidRequest(ProviderFailure),
    /// The provider's answer could not be read.
    #[error("{0}")]
    ResponseFormat(ProviderFailure),
    /// A local program or file the provider needs is missing (door randomizer, ROM).
    #[error("{provider}: {message}")]
    NotInstalled {
        /// The provider's short name.
        provider: String,
        /// What is missing and where it was looked for.
        message: String,
    },
    /// The request cannot be sent as given (bad arguments, unsupported request).
    #[error("{provider}: {message}")]
    BadRequest {
        /// The provider's short name.
        provider: String,
        /// What is wrong with the request.
        message: String,
    },
    /// A patch or spoiler log could not be stored.
    #[error("storage: {0}")]
    Storage(String),
    /// A spoiler log cannot be made from this game.
    #[error("spoiler: {0}")]
    Spoiler(String),
    /// The HTTP client could not be built.
    #[error("cannot build the HTTP client: {0}")]
    Client(#[source] reqwest::Error),
    /// A preset could not be loaded or built.
    #[error(transparent)]
    Preset(#[from] PresetError),
}

impl Error {
    /// Builds the taxonomy error for a failed attempt.
    pub fn from_failure(failure: Failure, provider: &str, operation: &str, attempts: u32) -> Error {
        let detail = ProviderFailure {
            provider: provider.to_owned(),
            operation: operation.to_owned(),
            attempts,
            status_code: failure.status_code,
            provider_message: failure.message,
        };
        match failure.kind {
            ErrorKind::Timeout => Error::Timeout(detail),
            ErrorKind::Unavailable => Error::Unavailable(detail),
            ErrorKind::RateLimited => Error::RateLimited(detail),
            ErrorKind::InvalidRequest => Error::InvalidRequest(detail),
            ErrorKind::ResponseFormat => Error::ResponseFormat(detail),
        }
    }

    /// The taxonomy class, for provider failures.
    pub fn kind(&self) -> Option<ErrorKind> {
        match self {
            Error::Timeout(_) => Some(ErrorKind::Timeout),
            Error::Unavailable(_) => Some(ErrorKind::Unavailable),
            Error::RateLimited(_) => Some(ErrorKind::RateLimited),
            Error::InvalidRequest(_) => Some(ErrorKind::InvalidRequest),
            Error::ResponseFormat(_) => Some(ErrorKind::ResponseFormat),
            _ => None,
        }
    }

    /// The provider, operation, attempts, status and message, for provider failures.
    pub fn failure(&self) -> Option<&ProviderFailure> {
        match self {
            Error::Timeout(f)
            | Error::Unavailable(f)
            | Error::RateLimited(f)
            | Error::InvalidRequest(f)
            | Error::ResponseFormat(f) => Some(f),
            _ => None,
        }
    }
}

/// Result with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_map_to_the_taxonomy() {
        assert_eq!(ErrorKind::from_status(429), ErrorKind::RateLimited);
        assert_eq!(ErrorKind::from_status(404), ErrorKind::InvalidRequest);
        assert_eq!(ErrorKind::from_status(503), ErrorKind::Unavailable);
        assert_eq!(ErrorKind::from_status(302), ErrorKind::Unavailable);
        assert!(ErrorKind::Timeout.is_retryable());
        assert!(!ErrorKind::InvalidRequest.is_retryable());
        assert!(!ErrorKind::ResponseFormat.is_retryable());
    }

    #[test]
    fn display_is_provider_then_message() {
        let err = Error::from_failure(Failure::http(422, "bad goal"), "alttpr", "generate", 1);
        assert_eq!(err.to_string(), "alttpr: HTTP 422: bad goal");
        let f = err.failure().unwrap();
        assert_eq!((f.status_code, f.attempts), (Some(422), 1));
        assert_eq!(err.kind(), Some(ErrorKind::InvalidRequest));
    }

    #[test]
    fn truncate_cuts_on_char_boundaries() {
        assert_eq!(truncate("ééé", 2), "éé…");
        assert_eq!(truncate("abc", 5), "abc");
    }
}
