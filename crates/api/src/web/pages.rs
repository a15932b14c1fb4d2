//! The root pages (`api.md` §3.0): welcome, profile, purge.

use std::sync::Arc;

use poem::session::Session;
use poem::web::{Data, Form};
use poem::{Request, Response, handler};
use sahasrahbot_core::db::entities::{
    nick_verification, presetnamespacecollaborators, presetnamespaces, presets,
};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, TransactionTrait};
use serde::Deserialize;

use super::error::WebError;
use super::session;
use super::{WebConfig, found, render_page};
use crate::AppState;

/// `GET /`: the welcome page (login optional).
#[handler]
pub(crate) fn index(
    session: &Session,
    config: Data<&Arc<WebConfig>>,
) -> Result<Response, WebError> {
    let user = session::current_user(session);
    let invite = (!config.discord_client_id.is_empty()).then(|| {
        format!(
            "https://discord.com/oauth2/authorize?client_id={}&scope=bot%20applications.commands",
            config.discord_client_id
        )
    });
    render_page(
        "index.html",
        user.as_ref(),
        session,
        minijinja::context! { invite_url => invite },
    )
}

/// `GET /me/`: the profile page (login required).
#[handler]
pub(crate) fn me(session: &Session, req: &Request) -> Result<Response, WebError> {
    let user = session::require_user(session, req)?;
    render_page("me.html", Some(&user), session, minijinja::context! {})
}

/// `GET /purgeme`: asks to confirm deleting the user's presets (login required).
#[handler]
pub(crate) fn purgeme_form(session: &Session, req: &Request) -> Result<Response, WebError> {
    let user = session::require_user(session, req)?;
    render_page("purgeme.html", Some(&user), session, minijinja::context! {})
}

/// The purge form.
#[derive(Debug, Deserialize)]
pub(crate) struct PurgeForm {
    confirmpurge: Option<String>,
    #[serde(rename = "csrf_token")]
    csrf: Option<String>,
}

/// `POST /purgeme`: with `confirmpurge=yes`, deletes the user's preset namespace (its
/// presets and collaborators too) and nickname verifications in one transaction, then
/// logs out; otherwise back to `/me/`.
#[handler]
pub(crate) async fn purgeme(
    session: &Session,
    req: &Request,
    config: Data<&Arc<WebConfig>>,
    state: Data<&AppState>,
    Form(form): Form<PurgeForm>,
) -> Result<Response, WebError> {
    let user = session::require_user(session, req)?;
    session::verify_csrf(session, req, &config.app_url, form.csrf.as_deref())?;
    if form.confirmpurge.as_deref() != Some("yes") {
        return Ok(found("/me/"));
    }
    let txn = state.db().begin().await?;
    let namespaces: Vec<i32> = presetnamespaces::Entity::find()
        .filter(presetnamespaces::Column::DiscordUserId.eq(user.id))
        .all(&txn)
        .await?
        .into_iter()
        .map(|ns| ns.id)
        .collect();
    presets::Entity::delete_many()
        .filter(presets::Column::NamespaceId.is_in(namespaces.clone()))
        .exec(&txn)
        .await?;
    presetnamespacecollaborators::Entity::delete_many()
        .filter(presetnamespacecollaborators::Column::NamespaceId.is_in(namespaces.clone()))
        .exec(&txn)
        .await?;
    presetnamespaces::Entity::delete_many()
        .filter(presetnamespaces::Column::Id.is_in(namespaces))
        .exec(&txn)
        .await?;
    nick_verification::Entity::delete_many()
        .filter(nick_verification::Column::DiscordUserId.eq(user.id))
        .exec(&txn)
        .await?;
    txn.commit().await?;
    tracing::info!(discord_user_id = user.id, "purged the user's presets");
    Ok(found("/logout/"))
}
