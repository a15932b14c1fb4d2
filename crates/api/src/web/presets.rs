//! The preset pages (`api.md` §3.1, parity rows 13–20): namespace listings, the YAML
//! view, and the owner's upload, replace and delete forms, over core's preset repository.

use std::sync::Arc;

use poem::http::StatusCode;
use poem::session::Session;
use poem::web::{Data, Multipart, Path};
use poem::{Request, Response, handler};
use sahasrahbot_core::db::entities::{presetnamespaces, presets};
use sahasrahbot_core::presets::Game;
use sea_orm::sea_query::{Expr, Func};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde::Serialize;

use super::error::WebError;
use super::session::{self, DiscordUser};
use super::{WebConfig, found, render_page};
use crate::AppState;

/// The largest preset file accepted, in bytes.
const MAX_PRESET_BYTES: usize = 256 * 1024;
/// The longest preset name accepted.
const MAX_PRESET_NAME: usize = 50;

/// A preset row as the templates show it.
#[derive(Debug, Serialize)]
struct PresetRow {
    name: String,
    randomizer: String,
}

/// The "Unauthorized" error page of the preset forms.
fn unauthorized(message: &str) -> WebError {
    WebError::forbidden("Unauthorized", message)
}

/// The namespace called `name`, or the Not Found page.
async fn namespace_or_404(
    state: &AppState,
    name: &str,
) -> Result<presetnamespaces::Model, WebError> {
    state
        .user_presets()
        .namespace(name)
        .await?
        .ok_or(WebError::NotFound)
}

/// Whether the (optional) user may edit `ns`.
async fn owns(
    state: &AppState,
    ns: &presetnamespaces::Model,
    user: Option<&DiscordUser>,
) -> Result<bool, WebError> {
    match user {
        Some(user) => Ok(state.user_presets().is_owner(ns, user.id).await?),
        None => Ok(false),
    }
}

/// The preset `name` of `randomizer` in `ns` (name matched case-insensitively).
async fn preset_row(
    state: &AppState,
    ns: &presetnamespaces::Model,
    randomizer: &str,
    name: &str,
) -> Result<Option<presets::Model>, WebError> {
    Ok(presets::Entity::find()
        .filter(presets::Column::NamespaceId.eq(ns.id))
        .filter(presets::Column::Randomizer.eq(randomizer))
        .filter(
            Expr::expr(Func::lower(Expr::col(presets::Column::PresetName))).eq(name.to_lowercase()),
        )
        .one(state.db())
        .await?)
}

/// `GET /presets`: every namespace (login optional).
#[handler]
pub(crate) async fn index(session: &Session, state: Data<&AppState>) -> Result<Response, WebError> {
    let user = session::current_user(session);
    let namespaces: Vec<String> = presetnamespaces::Entity::find()
        .order_by_asc(presetnamespaces::Column::Name)
        .all(state.db())
        .await?
        .into_iter()
        .filter_map(|ns| ns.name)
        .collect();
    render_page(
        "presets.html",
        user.as_ref(),
        session,
        minijinja::context! { namespaces => namespaces },
    )
}

/// `GET /presets/me`: the user's namespace, made on first visit (login required).
#[handler]
pub(crate) async fn mine(
    session: &Session,
    req: &Request,
    state: Data<&AppState>,
) -> Result<Response, WebError> {
    let user = session::require_user(session, req)?;
    let ns = state
        .user_presets()
        .namespace_for_user(user.id, &user.name)
        .await?;
    let name = ns.name.unwrap_or_default();
    Ok(found(&format!("/presets/manage/{name}")))
}

/// `GET /presets/<ns>/create`: the upload form, for the namespace's owners.
#[handler]
pub(crate) async fn create_form(
    session: &Session,
    req: &Request,
    state: Data<&AppState>,
    Path(namespace): Path<String>,
) -> Result<Response, WebError> {
    let user = session::require_user(session, req)?;
    state
        .user_presets()
        .namespace_for_user(user.id, &user.name)
        .await?;
    let ns = namespace_or_404(&state, &namespace).await?;
    if !owns(&state, &ns, Some(&user)).await? {
        return Err(unauthorized(
            "You are not allowed to create presets in this namespace.",
        ));
    }
    let randomizers: Vec<&str> = Game::ALL.iter().map(|g| g.slug()).collect();
    render_page(
        "preset_create.html",
        Some(&user),
        session,
        minijinja::context! { namespace => ns.name, randomizers => randomizers },
    )
}

/// The fields of a preset form.
#[derive(Debug, Default)]
struct PresetForm {
    csrf: Option<String>,
    preset_name: Option<String>,
    randomizer: Option<String>,
    file: Option<Vec<u8>>,
    delete: bool,
}

/// Reads a multipart preset form.
async fn read_form(mut multipart: Multipart) -> Result<PresetForm, WebError> {
    let mut form = PresetForm::default();
    while let Some(field) = multipart
        .next_field()
        .await
        .map_err(|e| WebError::bad_request(format!("The form could not be read: {e}")))?
    {
        let name = field.name().unwrap_or_default().to_owned();
        let bytes = field
            .bytes()
            .await
            .map_err(|e| WebError::bad_request(format!("The form could not be read: {e}")))?;
        if bytes.len() > MAX_PRESET_BYTES {
            return Err(WebError::page(
                StatusCode::PAYLOAD_TOO_LARGE,
                "Oops!",
                "That preset file is too large.",
            ));
        }
        let text = || String::from_utf8_lossy(&bytes).into_owned();
        match name.as_str() {
            "csrf_token" => form.csrf = Some(text()),
            "preset_name" => form.preset_name = Some(text()),
            "randomizer" => form.randomizer = Some(text()),
            "presetfile" => form.file = Some(bytes),
            "delete" => form.delete = true,
            _ => {}
        }
    }
    Ok(form)
}

/// The file's text: [`WebError`] 400 when missing, "Oops!" when empty or not UTF-8.
fn file_text(file: Option<Vec<u8>>) -> Result<String, WebError> {
    let bytes = file.ok_or_else(|| WebError::bad_request("The preset file is missing."))?;
    let text = String::from_utf8(bytes)
        .map_err(|_| WebError::bad_request("The preset file is not UTF-8 text."))?;
    if text.trim().is_empty() {
        return Err(WebError::bad_request("The preset file is empty or missing.").titled("Oops!"));
    }
    Ok(text)
}

/// Saves `content` as `namespace/name` of `game`; a file that does not load as a preset
/// is refused with the reason.
async fn save(
    state: &AppState,
    game: Game,
    namespace: &str,
    name: &str,
    content: &str,
) -> Result<(), WebError> {
    match state
        .user_presets()
        .save(game, &format!("{namespace}/{name}"), content)
        .await
    {
        Ok(()) => Ok(()),
        Err(sahasrahbot_core::Error::Preset(e)) => Err(WebError::bad_request(format!(
            "That file is not a valid {game} preset: {e}"
        ))
        .titled("Oops!")),
        Err(e) => Err(e.into()),
    }
}

/// `POST /presets/<ns>/create`: stores an uploaded preset (owners only).
#[handler]
pub(crate) async fn create(
    session: &Session,
    req: &Request,
    config: Data<&Arc<WebConfig>>,
    state: Data<&AppState>,
    Path(namespace): Path<String>,
    multipart: Multipart,
) -> Result<Response, WebError> {
    let user = session::require_user(session, req)?;
    let form = read_form(multipart).await?;
    session::verify_csrf(session, req, &config.app_url, form.csrf.as_deref())?;
    let ns = namespace_or_404(&state, &namespace).await?;
    if !owns(&state, &ns, Some(&user)).await? {
        return Err(unauthorized(
            "You are not allowed to create presets in this namespace.",
        ));
    }
    let name = form
        .preset_name
        .ok_or_else(|| WebError::bad_request("The preset name is missing."))?;
    if name.is_empty()
        || name.chars().count() > MAX_PRESET_NAME
        || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
    {
        return Err(unauthorized(
            "Invalid preset name: use letters, digits and underscores only.",
        ));
    }
    let randomizer = form
        .randomizer
        .ok_or_else(|| WebError::bad_request("The randomizer is missing."))?;
    let game = Game::from_slug(&randomizer)
        .ok_or_else(|| WebError::bad_request(format!("Unknown randomizer {randomizer}.")))?;
    let content = file_text(form.file)?;
    let ns_name = ns.name.clone().unwrap_or_default();
    save(&state, game, &ns_name, &name, &content).await?;
    tracing::info!(namespace = %ns_name, preset = %name, %game, discord_user_id = user.id, "preset saved");
    Ok(found(&format!(
        "/presets/manage/{ns_name}/{game}?preset={name}"
    )))
}

/// Lists `namespace`'s presets, of one randomizer when given.
async fn listing(
    session: &Session,
    state: &AppState,
    namespace: &str,
    randomizer: Option<&str>,
) -> Result<Response, WebError> {
    let user = session::current_user(session);
    let ns = namespace_or_404(state, namespace).await?;
    let mut query = presets::Entity::find().filter(presets::Column::NamespaceId.eq(ns.id));
    if let Some(r) = randomizer {
        query = query.filter(presets::Column::Randomizer.eq(r));
    }
    let rows: Vec<PresetRow> = query
        .order_by_asc(presets::Column::Randomizer)
        .order_by_asc(presets::Column::PresetName)
        .all(state.db())
        .await?
        .into_iter()
        .map(|p| PresetRow {
            name: p.preset_name,
            randomizer: p.randomizer,
        })
        .collect();
    let owner = owns(state, &ns, user.as_ref()).await?;
    render_page(
        "presets_namespace.html",
        user.as_ref(),
        session,
        minijinja::context! {
            namespace => ns.name, randomizer => randomizer, presets => rows, owner => owner,
        },
    )
}

/// `GET /presets/manage/<ns>`: the namespace's presets (login optional).
#[handler]
pub(crate) async fn namespace_page(
    session: &Session,
    state: Data<&AppState>,
    Path(namespace): Path<String>,
) -> Result<Response, WebError> {
    listing(session, &state, &namespace, None).await
}

/// `GET /presets/manage/<ns>/<randomizer>`: the namespace's presets of one randomizer.
#[handler]
pub(crate) async fn namespace_game_page(
    session: &Session,
    state: Data<&AppState>,
    Path((namespace, randomizer)): Path<(String, String)>,
) -> Result<Response, WebError> {
    listing(session, &state, &namespace, Some(&randomizer)).await
}

/// `GET /presets/manage/<ns>/<randomizer>/<preset>`: the YAML, and for owners the
/// replace/delete form.
#[handler]
pub(crate) async fn view(
    session: &Session,
    state: Data<&AppState>,
    Path((namespace, randomizer, preset)): Path<(String, String, String)>,
) -> Result<Response, WebError> {
    let user = session::current_user(session);
    let ns = namespace_or_404(&state, &namespace).await?;
    let row = preset_row(&state, &ns, &randomizer, &preset)
        .await?
        .ok_or(WebError::NotFound)?;
    let owner = owns(&state, &ns, user.as_ref()).await?;
    render_page(
        "preset_view.html",
        user.as_ref(),
        session,
        minijinja::context! {
            namespace => ns.name, randomizer => row.randomizer, name => row.preset_name,
            content => row.content, owner => owner,
        },
    )
}

/// `POST /presets/manage/<ns>/<randomizer>/<preset>`: replace the file, or delete the
/// preset with the `delete` button (owners only).
#[handler]
pub(crate) async fn update(
    session: &Session,
    req: &Request,
    config: Data<&Arc<WebConfig>>,
    state: Data<&AppState>,
    Path((namespace, randomizer, preset)): Path<(String, String, String)>,
    multipart: Multipart,
) -> Result<Response, WebError> {
    let user = session::require_user(session, req)?;
    let form = read_form(multipart).await?;
    session::verify_csrf(session, req, &config.app_url, form.csrf.as_deref())?;
    let ns = namespace_or_404(&state, &namespace).await?;
    let row = preset_row(&state, &ns, &randomizer, &preset)
        .await?
        .ok_or(WebError::NotFound)?;
    if !owns(&state, &ns, Some(&user)).await? {
        return Err(unauthorized("You do not own this preset."));
    }
    let ns_name = ns.name.clone().unwrap_or_default();
    if form.delete {
        presets::Entity::delete_by_id(row.id)
            .exec(state.db())
            .await?;
        tracing::info!(namespace = %ns_name, preset = %row.preset_name, discord_user_id = user.id, "preset deleted");
        return Ok(found(&format!("/presets/manage/{ns_name}")));
    }
    let content = file_text(form.file)?;
    let game = Game::from_slug(&row.randomizer)
        .ok_or_else(|| WebError::bad_request(format!("Unknown randomizer {}.", row.randomizer)))?;
    save(&state, game, &ns_name, &row.preset_name, &content).await?;
    Ok(found(&format!(
        "/presets/manage/{ns_name}/{}/{}",
        row.randomizer, row.preset_name
    )))
}
