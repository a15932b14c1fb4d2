//! [`WebError`]: how a page fails, rendered as the site's error page with a real status.

use poem::http::StatusCode;
use poem::{IntoResponse, Response};

use super::templates;

/// A page's failure. Every variant renders as the shared error page (or, for
/// [`WebError::LoginRequired`], as the redirect to `/login/`).
#[derive(Debug, thiserror::Error)]
pub enum WebError {
    /// The page needs a logged-in user (the return path is already remembered).
    #[error("login required")]
    LoginRequired,
    /// Nothing here.
    #[error("not found")]
    NotFound,
    /// An error page with a chosen status, title and message.
    #[error("{status}: {title}: {message}")]
    Page {
        /// The HTTP status.
        status: StatusCode,
        /// The page title ("Access Denied", "Invalid input.", …).
        title: String,
        /// The explanation shown to the user.
        message: String,
    },
    /// The form's CSRF token or `Origin` did not match.
    #[error("the form could not be verified")]
    Csrf,
    /// A database error.
    #[error("database: {0}")]
    Db(#[from] sea_orm::DbErr),
    /// A core (preset repository) error.
    #[error("{0}")]
    Core(#[from] sahasrahbot_core::Error),
    /// The session could not be read or written.
    #[error("session: {0}")]
    Session(String),
    /// A template failed to render.
    #[error("template: {0}")]
    Template(String),
    /// Any other internal failure (described for the log only).
    #[error("{0}")]
    Internal(String),
}

impl WebError {
    /// An error page.
    pub(crate) fn page(status: StatusCode, title: &str, message: impl Into<String>) -> Self {
        Self::Page {
            status,
            title: title.to_owned(),
            message: message.into(),
        }
    }

    /// A 400 page.
    pub(crate) fn bad_request(message: impl Into<String>) -> Self {
        Self::page(StatusCode::BAD_REQUEST, "Bad Request", message)
    }

    /// The same error with another page title (for [`WebError::Page`]).
    pub(crate) fn titled(self, title: &str) -> Self {
        match self {
            Self::Page {
                status, message, ..
            } => Self::Page {
                status,
                title: title.to_owned(),
                message,
            },
            other => other,
        }
    }

    /// A 403 page.
    pub(crate) fn forbidden(title: &str, message: impl Into<String>) -> Self {
        Self::page(StatusCode::FORBIDDEN, title, message)
    }
}

/// The shared error page with `status`.
pub(crate) fn error_page(status: StatusCode, title: &str, message: &str) -> Response {
    match templates::render(
        "message.html",
        minijinja::context! { title => title, message => message },
    ) {
        Ok(html) => html.with_status(status).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "the error page does not render");
            (status, format!("{title}: {message}")).into_response()
        }
    }
}

/// The "Not Found" page (404).
pub(crate) fn not_found_page() -> Response {
    error_page(
        StatusCode::NOT_FOUND,
        "Not Found",
        "The page you asked for does not exist.",
    )
}

/// The "Something Bad Happened" page (500).
pub(crate) fn internal_page() -> Response {
    error_page(
        StatusCode::INTERNAL_SERVER_ERROR,
        "Something Bad Happened",
        "Something went wrong on our side. Please try again later.",
    )
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        match self {
            WebError::LoginRequired => super::found("/login/"),
            WebError::NotFound => not_found_page(),
            WebError::Page {
                status,
                title,
                message,
            } => error_page(status, &title, &message),
            WebError::Csrf => error_page(
                StatusCode::FORBIDDEN,
                "Form Expired",
                "This form could not be verified. Go back, reload the page and try again.",
            ),
            WebError::Db(_)
            | WebError::Core(_)
            | WebError::Session(_)
            | WebError::Template(_)
            | WebError::Internal(_) => {
                tracing::error!(error = %self, "page failed");
                internal_page()
            }
        }
    }
}

impl From<WebError> for poem::Error {
    fn from(e: WebError) -> Self {
        poem::Error::from_response(e.into_response())
    }
}
