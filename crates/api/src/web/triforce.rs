//! Triforce texts (`api.md` §3.8, parity rows 51–56): three-line texts for the game's
//! triforce room, submitted per pool and moderated by the pool's moderators.
//!
//! Lines are checked against the characters the game can show (the set the original meant,
//! not the far wider one its pattern accepted; see `docs/changes-from-python.md`).
//! Moderation is a CSRF-checked POST scoped to the pool in the URL.

use std::sync::Arc;

use poem::http::StatusCode;
use poem::session::Session;
use poem::web::{Data, Form, Path, Query};
use poem::{Request, Response, handler};
use sahasrahbot_core::db::entities::{triforcetexts, triforcetextsconfig};
use sea_orm::{
    ActiveModelTrait, ActiveValue, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter,
    QueryOrder,
};
use serde::{Deserialize, Serialize};

use super::error::WebError;
use super::session;
use super::{WebConfig, found, render_page};
use crate::AppState;

/// The longest line, in characters.
pub(crate) const MAX_LINE: usize = 19;
/// The longest author name of the keyed pool.
const MAX_AUTHOR: usize = 50;
/// The pool whose form is opened with a key instead of a login.
const KEYED_POOL: &str = "sgl23";
/// Session flag: the keyed pool's key was given.
const KEYED_FLAG: &str = "sgl23_triforce_text_authorized";
/// Punctuation and arrows the game's font has.
const PUNCTUATION: &str = " ?!,-….~～'↑↓→←";
/// The hiragana the game's font has.
const HIRAGANA: &str = "あいうえおやゆよかきくけこわをんさしすせそがぎぐたちつてとげござなにぬねのじずぜはひふへほぞだぢまみむめもづでどらりるれろばびぶべぼぱぴぷぺぽゃゅょっぁぃぅぇぉ";
/// The katakana the game's font has.
const KATAKANA: &str = "アイウエオヤユヨカキクケコワヲンサシスセソガギグタチツテトゲゴザナニヌネノジズゼハヒフヘホゾダマミムメモヅデドラリルレロバビブベボパピプペポャュョッァィゥェォ";

/// Whether `line` fits the triforce room: at most [`MAX_LINE`] characters, each an ASCII
/// letter or digit, or one of the game's punctuation, arrows and kana.
pub(crate) fn valid_line(line: &str) -> bool {
    line.chars().count() <= MAX_LINE
        && line.chars().all(|c| {
            c.is_ascii_alphanumeric()
                || PUNCTUATION.contains(c)
                || HIRAGANA.contains(c)
                || KATAKANA.contains(c)
        })
}

/// The submission form.
#[derive(Debug, Deserialize)]
pub(crate) struct TextForm {
    first_line: Option<String>,
    second_line: Option<String>,
    third_line: Option<String>,
    author_name: Option<String>,
    csrf_token: Option<String>,
}

impl TextForm {
    /// The stored text (lines joined by `\n`), or the page naming the first bad line.
    fn text(&self) -> Result<String, WebError> {
        let lines = [&self.first_line, &self.second_line, &self.third_line];
        let mut out = Vec::with_capacity(3);
        for (i, line) in lines.into_iter().enumerate() {
            let line = line
                .as_deref()
                .ok_or_else(|| WebError::bad_request("A line of the text is missing."))?;
            if !valid_line(line) {
                return Err(WebError::page(
                    StatusCode::BAD_REQUEST,
                    "Invalid input.",
                    format!(
                        "The text on line {} is not valid: use at most {MAX_LINE} letters, digits, spaces or the listed symbols.",
                        i + 1
                    ),
                ));
            }
            out.push(line);
        }
        Ok(out.join("\n"))
    }
}

/// A text as the moderation table shows it.
#[derive(Debug, Serialize)]
struct TextRow {
    id: i32,
    text: String,
    author: Option<String>,
    approved: Option<bool>,
}

/// Stores a new (pending) text.
async fn insert(
    state: &AppState,
    pool: &str,
    text: String,
    discord_user_id: Option<i64>,
    author: String,
) -> Result<(), WebError> {
    triforcetexts::ActiveModel {
        pool_name: ActiveValue::Set(pool.to_owned()),
        text: ActiveValue::Set(text),
        author: ActiveValue::Set(Some(author)),
        discord_user_id: ActiveValue::Set(discord_user_id),
        broadcasted: ActiveValue::Set(false),
        approved: ActiveValue::Set(None),
        ..Default::default()
    }
    .insert(state.db())
    .await?;
    tracing::info!(%pool, ?discord_user_id, "triforce text submitted");
    Ok(())
}

/// The thank-you page.
fn thanks(session: &Session, user: Option<&session::DiscordUser>) -> Result<Response, WebError> {
    render_page(
        "message.html",
        user,
        session,
        minijinja::context! {
            title => "Thank you!",
            message => "Thanks for your submission. It will show up once a moderator approves it.",
        },
    )
}

/// `GET /triforcetexts/<pool>`: the submission form (login required).
#[handler]
pub(crate) fn form_page(
    session: &Session,
    req: &Request,
    Path(pool): Path<String>,
) -> Result<Response, WebError> {
    let user = session::require_user(session, req)?;
    render_page(
        "triforce_form.html",
        Some(&user),
        session,
        minijinja::context! { pool => pool, keyed => false, max_line => MAX_LINE },
    )
}

/// `POST /triforcetexts/<pool>/submit`: checks and stores a text (login required).
#[handler]
pub(crate) async fn submit(
    session: &Session,
    req: &Request,
    config: Data<&Arc<WebConfig>>,
    state: Data<&AppState>,
    Path(pool): Path<String>,
    Form(form): Form<TextForm>,
) -> Result<Response, WebError> {
    let user = session::require_user(session, req)?;
    session::verify_csrf(session, req, &config.app_url, form.csrf_token.as_deref())?;
    let text = form.text()?;
    insert(&state, &pool, text, Some(user.id), user.tag()).await?;
    thanks(session, Some(&user))
}

/// The `key` query of the keyed pool.
#[derive(Debug, Deserialize)]
pub(crate) struct KeyQuery {
    key: Option<String>,
}

/// The "Invalid key" page.
fn invalid_key(message: &str) -> WebError {
    WebError::forbidden("Invalid key", message)
}

/// `GET /triforcetexts/sgl23?key=…`: with the pool's key, remembers it in the session and
/// shows the form with an author field (login optional).
#[handler]
pub(crate) async fn keyed_form(
    session: &Session,
    state: Data<&AppState>,
    Query(query): Query<KeyQuery>,
) -> Result<Response, WebError> {
    let user = session::current_user(session);
    let configured = triforcetextsconfig::Entity::find()
        .filter(triforcetextsconfig::Column::PoolName.eq(KEYED_POOL))
        .filter(triforcetextsconfig::Column::KeyName.eq("key"))
        .one(state.db())
        .await?
        .ok_or_else(|| invalid_key("This pool has no key configured."))?;
    let given = query.key.unwrap_or_default();
    if !session::constant_time_eq(configured.value.as_bytes(), given.as_bytes()) {
        return Err(invalid_key("The key you supplied is not valid."));
    }
    session.set(KEYED_FLAG, true);
    render_page(
        "triforce_form.html",
        user.as_ref(),
        session,
        minijinja::context! {
            pool => KEYED_POOL, keyed => true, max_line => MAX_LINE, max_author => MAX_AUTHOR,
        },
    )
}

/// `POST /triforcetexts/sgl23/submit`: stores a text under the given author name, for a
/// session that gave the key.
#[handler]
pub(crate) async fn keyed_submit(
    session: &Session,
    req: &Request,
    config: Data<&Arc<WebConfig>>,
    state: Data<&AppState>,
    Form(form): Form<TextForm>,
) -> Result<Response, WebError> {
    let user = session::current_user(session);
    if session.get::<bool>(KEYED_FLAG) != Some(true) {
        return Err(invalid_key("The key stored in your session is not valid."));
    }
    session::verify_csrf(session, req, &config.app_url, form.csrf_token.as_deref())?;
    let text = form.text()?;
    let author = form.author_name.as_deref().unwrap_or_default().trim();
    if author.is_empty() || author.chars().count() > MAX_AUTHOR {
        return Err(WebError::page(
            StatusCode::BAD_REQUEST,
            "Invalid input.",
            format!("Please give an author name of at most {MAX_AUTHOR} characters."),
        ));
    }
    insert(&state, KEYED_POOL, text, None, author.to_owned()).await?;
    thanks(session, user.as_ref())
}

/// Whether `discord_user_id` moderates `pool`.
async fn is_moderator(
    state: &AppState,
    pool: &str,
    discord_user_id: i64,
) -> Result<bool, WebError> {
    let rows = triforcetextsconfig::Entity::find()
        .filter(triforcetextsconfig::Column::PoolName.eq(pool))
        .filter(triforcetextsconfig::Column::KeyName.eq("moderator"))
        .all(state.db())
        .await?;
    Ok(rows
        .iter()
        .any(|r| r.value.trim().parse::<i64>() == Ok(discord_user_id)))
}

/// The "Access Denied" page of moderation.
fn not_moderator() -> WebError {
    WebError::forbidden(
        "Access Denied",
        "You do not have permission to see this page.",
    )
}

/// The moderation filter.
#[derive(Debug, Deserialize)]
pub(crate) struct ModerationQuery {
    approved: Option<String>,
}

/// `GET /triforcetexts/<pool>/moderation?approved=pending|true|false|all`: the pool's
/// texts with approve/reject buttons (the pool's moderators only).
#[handler]
pub(crate) async fn moderation(
    session: &Session,
    req: &Request,
    state: Data<&AppState>,
    Path(pool): Path<String>,
    Query(query): Query<ModerationQuery>,
) -> Result<Response, WebError> {
    let user = session::require_user(session, req)?;
    if !is_moderator(&state, &pool, user.id).await? {
        return Err(not_moderator());
    }
    let filter = query.approved.unwrap_or_else(|| "pending".to_owned());
    let mut find = triforcetexts::Entity::find().filter(triforcetexts::Column::PoolName.eq(&pool));
    find = match filter.as_str() {
        "pending" => find.filter(triforcetexts::Column::Approved.is_null()),
        "true" => find.filter(triforcetexts::Column::Approved.eq(true)),
        "false" => find.filter(triforcetexts::Column::Approved.eq(false)),
        _ => find,
    };
    let texts: Vec<TextRow> = find
        .order_by_asc(triforcetexts::Column::Id)
        .all(state.db())
        .await?
        .into_iter()
        .map(|t| TextRow {
            id: t.id,
            text: t.text,
            author: t.author,
            approved: t.approved,
        })
        .collect();
    render_page(
        "triforce_moderation.html",
        Some(&user),
        session,
        minijinja::context! { pool => pool, texts => texts, filter => filter },
    )
}

/// The moderation action form.
#[derive(Debug, Deserialize)]
pub(crate) struct ModerateForm {
    csrf_token: Option<String>,
}

/// `POST /triforcetexts/<pool>/moderation/<id>/<approve|reject>`: sets a text of this
/// pool approved or rejected (the pool's moderators only).
#[handler]
pub(crate) async fn moderate(
    session: &Session,
    req: &Request,
    config: Data<&Arc<WebConfig>>,
    state: Data<&AppState>,
    Path((pool, text_id, action)): Path<(String, String, String)>,
    Form(form): Form<ModerateForm>,
) -> Result<Response, WebError> {
    let user = session::require_user(session, req)?;
    session::verify_csrf(session, req, &config.app_url, form.csrf_token.as_deref())?;
    if !is_moderator(&state, &pool, user.id).await? {
        return Err(not_moderator());
    }
    let text_id: i32 = text_id.parse().map_err(|_| WebError::NotFound)?;
    let approved = match action.as_str() {
        "approve" => true,
        "reject" => false,
        _ => return Err(WebError::NotFound),
    };
    let text = triforcetexts::Entity::find_by_id(text_id)
        .filter(triforcetexts::Column::PoolName.eq(&pool))
        .one(state.db())
        .await?
        .ok_or(WebError::NotFound)?;
    let mut text = text.into_active_model();
    text.approved = ActiveValue::Set(Some(approved));
    text.update(state.db()).await?;
    tracing::info!(%pool, text_id, approved, moderator = user.id, "triforce text moderated");
    Ok(found(&format!("/triforcetexts/{pool}/moderation")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_intended_characters_pass() {
        assert!(valid_line("HELLO"));
        assert!(valid_line("Hi there, ok?!"));
        assert!(valid_line("…~～'↑↓→←-."));
        assert!(valid_line("あいうえお アイウエオ"));
        assert!(valid_line(""));
        assert!(valid_line("1234567890123456789"));
    }

    #[test]
    fn everything_else_fails() {
        assert!(!valid_line("12345678901234567890"), "20 characters");
        for bad in [
            "<b>", "a/b", "[x]", "_", "{", "|", "^", "é", "Ж", "\"", "#", "a\n",
        ] {
            assert!(!valid_line(bad), "{bad:?}");
        }
    }
}
