//! racetime.gg account linking (`api.md` §2.4, §3.2, parity rows 25–26): an OAuth2 round
//! trip with `state`, then the Discord user's `users` row and the racetime.gg one are
//! joined — merged in one transaction when they are two rows.

use std::sync::Arc;

use poem::http::StatusCode;
use poem::session::Session;
use poem::web::{Data, Query};
use poem::{Request, Response, handler};
use sahasrahbot_core::db::entities::users;
use sea_orm::sea_query::{Alias, Expr, Query as SqlQuery};
use sea_orm::{
    ActiveModelTrait, ActiveValue, ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait,
    IntoActiveModel, QueryFilter, TransactionTrait,
};
use serde::Deserialize;

use super::error::WebError;
use super::session::{self, DiscordUser};
use super::{WebConfig, found, render_page};
use crate::AppState;

/// Session key of the racetime.gg OAuth2 `state` of a link in progress.
const STATE_KEY: &str = "racetime_oauth_state";

/// Every column that points at `users.id`: `(table, column)`. A merge repoints them all
/// from the merged-away row to the kept one.
pub(crate) const USER_REFERENCES: &[(&str, &str)] = &[
    ("asynctournamentauditlog", "user_id"),
    ("asynctournamentpermissions", "user_id"),
    ("asynctournamentrace", "reviewed_by_id"),
    ("asynctournamentrace", "user_id"),
    ("asynctournamentreviewnotes", "author_id"),
    ("asynctournamentwhitelist", "user_id"),
    ("scheduleepisode", "approved_by_id"),
    ("scheduleaudit", "user_id"),
    ("scheduleepisodecommentator", "user_id"),
    ("scheduleepisodecommentator", "approved_by_id"),
    ("scheduleepisodecommentatorpreferredpartner", "user_id"),
    ("scheduleepisodeplayer", "user_id"),
    ("scheduleepisoderestreamer", "approved_by_id"),
    ("scheduleepisoderestreamer", "user_id"),
    ("scheduleepisodetracker", "approved_by_id"),
    ("scheduleepisodetracker", "user_id"),
    ("schedulerolemember", "user_id"),
    ("verifiedracer", "user_id"),
];

/// The racetime.gg account of the token.
#[derive(Debug, Deserialize)]
struct RacetimeUser {
    id: String,
    name: String,
}

/// `GET /racetime/verification/initiate`: to racetime.gg's authorize page with a fresh
/// `state` (login required).
#[handler]
pub(crate) fn initiate(
    session: &Session,
    req: &Request,
    config: Data<&Arc<WebConfig>>,
) -> Result<Response, WebError> {
    session::require_user(session, req)?;
    if let Some(reason) = config.racetime_unavailable() {
        tracing::warn!(%reason, "racetime.gg linking refused");
        return Err(WebError::page(
            StatusCode::SERVICE_UNAVAILABLE,
            "Linking Unavailable",
            "Linking a racetime.gg account is not set up on this site yet.",
        ));
    }
    let url = session::authorize_url(
        session,
        STATE_KEY,
        &format!("{}/o/authorize", config.racetime_url),
        &config.racetime_client_id,
        &config.racetime_redirect_uri(),
        "read",
    )?;
    Ok(found(&url))
}

/// racetime.gg's redirect back.
#[derive(Debug, Deserialize)]
pub(crate) struct ReturnQuery {
    code: Option<String>,
    state: Option<String>,
}

/// `GET /racetime/verify/return?code=…&state=…`: checks `state`, reads the racetime.gg
/// account and links it to the logged-in Discord user.
#[handler]
pub(crate) async fn verify_return(
    session: &Session,
    req: &Request,
    config: Data<&Arc<WebConfig>>,
    state: Data<&AppState>,
    Query(query): Query<ReturnQuery>,
) -> Result<Response, WebError> {
    let user = session::require_user(session, req)?;
    if !session::take_state_matches(session, STATE_KEY, query.state.as_deref()) {
        return Err(WebError::bad_request(
            "The racetime.gg link could not be verified (state mismatch). Please start again.",
        ));
    }
    let code = query
        .code
        .filter(|c| !c.is_empty())
        .ok_or_else(|| WebError::bad_request("code is missing"))?;
    let racer = match fetch_racer(state.http(), &config, &code).await {
        Ok(racer) => racer,
        Err(e) => {
            tracing::warn!(error = %e, "racetime.gg link failed");
            return Err(WebError::page(
                StatusCode::BAD_GATEWAY,
                "Racetime Account Verification",
                "racetime.gg did not accept the link. Please try again.",
            ));
        }
    };
    let txn = state.db().begin().await?;
    link(&txn, &user, &racer.id).await?;
    txn.commit().await.map_err(|e| link_failed(&e))?;
    tracing::info!(discord_user_id = user.id, rtgg_id = %racer.id, "racetime.gg account linked");
    render_page(
        "message.html",
        Some(&user),
        session,
        minijinja::context! {
            title => "Racetime Account Verification",
            message => format!(
                "Thank you {}! Your racetime.gg account is now linked to your Discord account.",
                racer.name
            ),
        },
    )
}

/// Exchanges `code` and reads the account.
async fn fetch_racer(
    http: &reqwest::Client,
    config: &WebConfig,
    code: &str,
) -> Result<RacetimeUser, String> {
    #[derive(Deserialize)]
    struct Token {
        access_token: String,
    }
    let token: Token = http
        .post(format!("{}/o/token", config.racetime_url))
        .form(&[
            ("client_id", config.racetime_client_id.as_str()),
            ("client_secret", config.racetime_client_secret.as_str()),
            ("code", code),
            ("grant_type", "authorization_code"),
            ("scope", "read"),
            ("redirect_uri", &config.racetime_redirect_uri()),
        ])
        .send()
        .await
        .and_then(reqwest::Response::error_for_status)
        .map_err(|e| format!("token exchange: {e}"))?
        .json()
        .await
        .map_err(|e| format!("token response: {e}"))?;
    http.get(format!("{}/o/userinfo", config.racetime_url))
        .bearer_auth(&token.access_token)
        .send()
        .await
        .and_then(reqwest::Response::error_for_status)
        .map_err(|e| format!("userinfo: {e}"))?
        .json()
        .await
        .map_err(|e| format!("userinfo response: {e}"))
}

/// The page for a link the database refused (a display name or another unique value
/// already taken).
fn link_failed(e: &sea_orm::DbErr) -> WebError {
    tracing::warn!(error = %e, "racetime.gg link refused by the database");
    WebError::page(
        StatusCode::CONFLICT,
        "Racetime Account Verification",
        "Your accounts could not be linked because another account already uses some of these details. Please contact the bot's operators.",
    )
}

/// Links racetime.gg id `rtgg_id` to `user` inside `txn`:
/// - the racetime.gg row and the Discord row are two rows → every reference to the Discord
///   row is repointed to the racetime.gg row, the Discord row deleted, and the kept row takes
///   the Discord id;
/// - no racetime.gg row → the Discord row (made if needed) takes the racetime.gg id;
/// - otherwise the racetime.gg row takes the Discord id.
///
/// The display name becomes the Discord user name. Access tokens are not stored.
pub(crate) async fn link(
    txn: &DatabaseTransaction,
    user: &DiscordUser,
    rtgg_id: &str,
) -> Result<(), WebError> {
    let by_rtgg = users::Entity::find()
        .filter(users::Column::RtggId.eq(rtgg_id))
        .one(txn)
        .await?;
    let by_discord = users::Entity::find()
        .filter(users::Column::DiscordUserId.eq(user.id))
        .one(txn)
        .await?;
    let kept = match (by_rtgg, by_discord) {
        (Some(a), Some(b)) if a.id != b.id => {
            let backend = txn.get_database_backend();
            for (table, column) in USER_REFERENCES {
                let stmt = SqlQuery::update()
                    .table(Alias::new(*table))
                    .value(Alias::new(*column), a.id)
                    .and_where(Expr::col(Alias::new(*column)).eq(b.id))
                    .to_owned();
                txn.execute(backend.build(&stmt))
                    .await
                    .map_err(|e| link_failed(&e))?;
            }
            users::Entity::delete_by_id(b.id)
                .exec(txn)
                .await
                .map_err(|e| link_failed(&e))?;
            tracing::info!(kept = a.id, merged = b.id, "merged two users rows");
            a
        }
        (None, Some(b)) => {
            let mut row = b.into_active_model();
            row.rtgg_id = ActiveValue::Set(Some(rtgg_id.to_owned()));
            row.updated = ActiveValue::NotSet;
            row.update(txn).await.map_err(|e| link_failed(&e))?
        }
        (None, None) => users::ActiveModel {
            discord_user_id: ActiveValue::Set(Some(user.id)),
            rtgg_id: ActiveValue::Set(Some(rtgg_id.to_owned())),
            display_name: ActiveValue::Set(Some(user.name.clone())),
            test_user: ActiveValue::Set(false),
            ..Default::default()
        }
        .insert(txn)
        .await
        .map_err(|e| link_failed(&e))?,
        (Some(a), _) => a,
    };
    let mut row = kept.into_active_model();
    row.discord_user_id = ActiveValue::Set(Some(user.id));
    row.rtgg_id = ActiveValue::Set(Some(rtgg_id.to_owned()));
    row.display_name = ActiveValue::Set(Some(user.name.clone()));
    row.updated = ActiveValue::NotSet;
    row.update(txn).await.map_err(|e| link_failed(&e))?;
    Ok(())
}
