//! The crate's single error type.

use std::collections::BTreeMap;

/// Everything that can go wrong talking to racetime.gg.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// `POST /o/token` refused the client id/secret (401 `invalid_client`). Retrying does not help.
    #[error("racetime.gg refused the client credentials ({0})")]
    InvalidClient(String),
    /// The token endpoint answered 200 without an `access_token`.
    #[error("racetime.gg token response had no access_token")]
    NoAccessToken,
    /// 403 on a bot endpoint: token expired/invalid, or the bot is not active for the category.
    #[error("racetime.gg refused the request (403 Forbidden): {0}")]
    Forbidden(String),
    /// 404: room, category, team or user does not exist.
    #[error("not found on racetime.gg: {0}")]
    NotFound(String),
    /// 422 with the server's form errors (`{"errors": {field: [messages]}}`).
    #[error("racetime.gg rejected the form: {}", format_validation(.0))]
    Validation(BTreeMap<String, Vec<String>>),
    /// Any other unexpected HTTP status.
    #[error("racetime.gg answered HTTP {status} for {what}")]
    Status {
        /// The status code.
        status: u16,
        /// What was requested.
        what: String,
    },
    /// `startrace` answered 201 but without a `Location` header.
    #[error("racetime.gg created a race but sent no Location header")]
    NoLocation,
    /// A transport error from the HTTP client.
    #[error("HTTP error: {0}")]
    Http(#[from] reqwest::Error),
    /// A websocket error.
    #[error("websocket error: {0}")]
    WebSocket(#[from] Box<tokio_tungstenite::tungstenite::Error>),
    /// JSON that could not be decoded.
    #[error("malformed JSON: {0}")]
    Json(#[from] serde_json::Error),
    /// A URL could not be built.
    #[error("bad URL: {0}")]
    Url(#[from] url::ParseError),
    /// The socket closed, ended, timed out or stopped answering.
    #[error("disconnected: {0}")]
    Disconnected(String),
    /// A frame that is valid JSON but not a server message (e.g. no `type`).
    #[error("malformed frame: {0}")]
    MalformedFrame(String),
    /// The room name does not belong to this bot's category, or is not `category/slug`.
    #[error("room {room:?} is not a room of category {category:?}")]
    WrongCategory {
        /// The room asked for.
        room: String,
        /// The bot's category.
        category: String,
    },
    /// The caller asked for something the client refuses before any network I/O.
    #[error("invalid request: {0}")]
    InvalidRequest(String),
    /// The room is not (or no longer) handled by this process.
    #[error("race room not currently handled: {0}")]
    RoomNotHandled(String),
    /// The room's task has ended, so its actions can no longer be sent.
    #[error("room {0} is closed")]
    RoomClosed(String),
    /// The room could not be (re)connected after the configured number of attempts.
    #[error("gave up on room {room} after {attempts} consecutive connection failures: {last}")]
    GaveUp {
        /// The room.
        room: String,
        /// How many attempts in a row failed.
        attempts: u32,
        /// The last failure.
        last: String,
    },
    /// The bot (or the whole process) is shutting down.
    #[error("shutting down")]
    Shutdown,
}

fn format_validation(errors: &BTreeMap<String, Vec<String>>) -> String {
    errors
        .iter()
        .map(|(field, msgs)| format!("{field}: {}", msgs.join(" ")))
        .collect::<Vec<_>>()
        .join("; ")
}

impl From<tokio_tungstenite::tungstenite::Error> for Error {
    fn from(e: tokio_tungstenite::tungstenite::Error) -> Self {
        Error::WebSocket(Box::new(e))
    }
}

/// Shorthand for `Result<T, racetime::Error>`.
pub type Result<T, E = Error> = std::result::Result<T, E>;
