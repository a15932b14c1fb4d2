//! The error type of this crate.

/// Everything that can go wrong running the HTTP server.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The listen address could not be bound or the server failed.
    #[error("HTTP server on {addr}: {source}")]
    Serve {
        /// The address the server was to listen on.
        addr: String,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
}

/// Result with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
