//! Who may do what in an async tournament (`discord.md` §4.9).

use sahasrahbot_core::db::entities::{asynctournament, asynctournamentpermissions, users};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

use super::rules::AsyncRole;
use crate::ports::GuildDirectory;
use crate::{Error, Result};

/// The role set of `/async extendtimeout`, `/async live_race_record`, the review queue and
/// the review page: tournament admins and mods.
pub const STAFF: &[AsyncRole] = &[AsyncRole::Admin, AsyncRole::Mod];
/// The role set of `/async calculate_scores`: tournament admins.
pub const ADMINS: &[AsyncRole] = &[AsyncRole::Admin];
/// The role set of the leaderboard, player, pool and permalink pages: staff, or anyone once
/// the tournament is closed.
pub const VIEWERS: &[AsyncRole] = &[AsyncRole::Admin, AsyncRole::Mod, AsyncRole::Public];

/// Whether `user` holds one of `roles` in `tournament`:
///
/// 1. [`AsyncRole::Public`] among `roles` and the tournament closed → allowed;
/// 2. no user (an anonymous web visitor) → denied;
/// 3. a permission row for the user with one of the roles (`public` rows included: they
///    open the viewer pages while the tournament runs) → allowed;
/// 4. a permission row for a Discord role the user's member in the tournament's guild holds,
///    with one of the roles → allowed (the guild is only asked when such rows exist; a user
///    not in the guild is denied);
/// 5. otherwise denied.
#[tracing::instrument(skip_all, fields(tournament = tournament.id, user = user.map(|u| u.id)))]
pub async fn is_async_tournament_user<C: ConnectionTrait>(
    db: &C,
    user: Option<&users::Model>,
    tournament: &asynctournament::Model,
    roles: &[AsyncRole],
    directory: &dyn GuildDirectory,
) -> Result<bool> {
    if roles.contains(&AsyncRole::Public) && !tournament.active {
        return Ok(true);
    }
    let Some(user) = user else {
        return Ok(false);
    };
    // A `public` row (written in the database; no command grants it) lets its holder see
    // the viewer pages of an active tournament, as in the Python bot.
    let stored: Vec<&str> = roles.iter().map(|r| r.as_str()).collect();
    if stored.is_empty() {
        return Ok(false);
    }
    let rows = asynctournamentpermissions::Entity::find()
        .filter(asynctournamentpermissions::Column::TournamentId.eq(tournament.id))
        .filter(asynctournamentpermissions::Column::Role.is_in(stored))
        .all(db)
        .await?;
    if rows.iter().any(|r| r.user_id == Some(user.id)) {
        return Ok(true);
    }
    let granted_roles: Vec<i64> = rows.iter().filter_map(|r| r.discord_role_id).collect();
    if granted_roles.is_empty() {
        return Ok(false);
    }
    let (Some(discord_id), Ok(guild)) = (
        user.discord_user_id.and_then(|d| u64::try_from(d).ok()),
        u64::try_from(tournament.guild_id),
    ) else {
        return Ok(false);
    };
    let member = directory
        .member(guild, discord_id)
        .await
        .map_err(|e| Error::Discord(e.to_string()))?;
    Ok(member.is_some_and(|m| {
        m.roles
            .iter()
            .filter_map(|r| i64::try_from(*r).ok())
            .any(|r| granted_roles.contains(&r))
    }))
}
