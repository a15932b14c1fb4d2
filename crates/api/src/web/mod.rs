//! The web pages (`api.md` §1.3–§1.6, §2.1, §3): Discord login with an encrypted session
//! cookie, CSRF-checked forms, server-rendered pages in one shared layout.
//!
//! [`routes`] is nested at `/` by [`crate::app`]: every path the machine routes do not
//! claim ends up here, and whatever matches no page gets the HTML "Not Found" page with a
//! 404 status.

mod asynctournament;
mod auth;
mod config;
mod discord_elections;
mod error;
mod pages;
mod presets;
mod racetime;
mod ranked;
mod session;
mod static_files;
mod submit;
mod templates;
mod triforce;

use std::sync::Arc;

use minijinja::Value;
use poem::http::{StatusCode, header};
use poem::session::{CookieConfig, CookieSession};
use poem::web::cookie::{CookieKey, SameSite};
use poem::{Endpoint, EndpointExt, IntoResponse, Request, Response, Route};
use sha2::{Digest, Sha512};

pub use config::WebConfig;
pub use discord_elections::DiscordElections;
pub use ranked::ElectionDiscord;
pub use session::DiscordUser;
pub use submit::Submissions;

pub(crate) use error::WebError;

use crate::AppState;

/// The name of the session cookie.
const SESSION_COOKIE: &str = "session";

/// The web pages with their session layer, for `state`'s configuration.
///
/// Logs at start-up when web login cannot work (no secret key outside debug mode, no
/// Discord OAuth2 client); the pages still run and the login page says it is unavailable.
pub(crate) fn routes(state: &AppState) -> impl Endpoint + use<> {
    let config = Arc::new(WebConfig::from_config(state.config()));
    if let Some(reason) = config.login_unavailable() {
        tracing::warn!(%reason, "web login is disabled");
    }
    let key = if config.secret_key.trim().is_empty() {
        // Debug mode (or login disabled): a per-process key; sessions end at restart.
        CookieKey::generate()
    } else {
        CookieKey::from(Sha512::digest(config.secret_key.as_bytes()).as_slice())
    };
    let cookie = CookieConfig::private(key)
        .name(SESSION_COOKIE)
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(!config.debug);
    Route::new()
        .at("/", poem::get(pages::index))
        .at("/me/", poem::get(pages::me))
        .at("/me", poem::get(slash_redirect))
        .at(
            "/purgeme",
            poem::get(pages::purgeme_form).post(pages::purgeme),
        )
        .at("/login/", poem::get(auth::login))
        .at("/login", poem::get(slash_redirect))
        .at("/callback/discord/", poem::get(auth::callback))
        .at("/callback/discord", poem::get(slash_redirect))
        .at("/logout/", poem::get(auth::logout))
        .at("/logout", poem::get(slash_redirect))
        .at("/assets/*path", poem::get(static_files::asset))
        .at("/presets", poem::get(presets::index))
        .at("/presets/me", poem::get(presets::mine))
        .at(
            "/presets/:namespace/create",
            poem::get(presets::create_form).post(presets::create),
        )
        .at(
            "/presets/manage/:namespace",
            poem::get(presets::namespace_page),
        )
        .at(
            "/presets/manage/:namespace/:randomizer",
            poem::get(presets::namespace_game_page),
        )
        .at(
            "/presets/manage/:namespace/:randomizer/:preset",
            poem::get(presets::view).post(presets::update),
        )
        .at(
            "/racetime/verification/initiate",
            poem::get(racetime::initiate),
        )
        .at(
            "/racetime/verify/return",
            poem::get(racetime::verify_return),
        )
        .at(
            "/ranked_choice/:id",
            poem::get(ranked::ballot_page).post(ranked::vote),
        )
        .at("/submit/:event", poem::get(submit::form_page))
        .at("/submit", poem::post(submit::submit))
        .at("/triforcetexts/sgl23", poem::get(triforce::keyed_form))
        .at(
            "/triforcetexts/sgl23/submit",
            poem::post(triforce::keyed_submit),
        )
        .at("/triforcetexts/:pool", poem::get(triforce::form_page))
        .at("/triforcetexts/:pool/submit", poem::post(triforce::submit))
        .at(
            "/triforcetexts/:pool/moderation",
            poem::get(triforce::moderation),
        )
        .at(
            "/triforcetexts/:pool/moderation/:text_id/:action",
            poem::post(triforce::moderate),
        )
        .at("/async/races/:tid", poem::get(asynctournament::dashboard))
        .at(
            "/async/races/:tid/reattempt",
            poem::get(asynctournament::reattempt_form),
        )
        .at(
            "/async/race/:tid/reattempt",
            poem::post(asynctournament::reattempt),
        )
        .at("/async/races/:tid/queue", poem::get(asynctournament::queue))
        .at(
            "/async/races/:tid/review/:rid",
            poem::get(asynctournament::review_page).post(asynctournament::review),
        )
        .at(
            "/async/races/:tid/leaderboard",
            poem::get(asynctournament::leaderboard),
        )
        .at(
            "/async/player/:tid/:uid",
            poem::get(asynctournament::player_page),
        )
        .at("/async/pools/:tid", poem::get(asynctournament::pools_page))
        .at(
            "/async/permalink/:tid/:pid",
            poem::get(asynctournament::permalink_page),
        )
        .catch_error(|_: poem::error::NotFoundError| async { error::not_found_page() })
        .catch_error(|_: poem::error::MethodNotAllowedError| async {
            error::error_page(
                StatusCode::METHOD_NOT_ALLOWED,
                "Method Not Allowed",
                "This page does not accept that kind of request.",
            )
        })
        // Pages' errors become responses here, inside the session layer, so the session
        // changes made before an error (a remembered return path, a popped OAuth state) are
        // still written.
        .catch_all_error(|e| async move { e.into_response() })
        .with(CookieSession::new(cookie))
        .data(config)
}

/// A `302 Found` to `location`.
pub(crate) fn found(location: &str) -> Response {
    Response::builder()
        .status(StatusCode::FOUND)
        .header(header::LOCATION, location)
        .finish()
}

/// `308 Permanent Redirect` from a slash-less path to its slashed form, the query kept, as
/// Werkzeug's strict-slash rule did. `Location` is relative (`/me/`), so it stays right
/// behind a TLS-terminating proxy.
#[poem::handler]
fn slash_redirect(req: &Request) -> Response {
    let query = req
        .uri()
        .query()
        .map(|q| format!("?{q}"))
        .unwrap_or_default();
    let location = format!("{}/{query}", req.uri().path());
    Response::builder()
        .status(StatusCode::PERMANENT_REDIRECT)
        .header(header::LOCATION, location)
        .finish()
}

/// The template context every page gets: the logged-in user (or none) and the session's
/// CSRF token for its forms, merged with `extra`.
pub(crate) fn page_context(
    user: Option<&DiscordUser>,
    session: &poem::session::Session,
    extra: Value,
) -> Value {
    let base = minijinja::context! {
        user => user,
        csrf_token => session::csrf_token(session),
    };
    minijinja::context! { ..base, ..extra }
}

/// Renders `template` with [`page_context`] as a 200 page.
pub(crate) fn render_page(
    template: &str,
    user: Option<&DiscordUser>,
    session: &poem::session::Session,
    extra: Value,
) -> Result<Response, WebError> {
    Ok(templates::render(template, page_context(user, session, extra))?.into_response())
}
