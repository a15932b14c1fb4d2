//! The ALTTPR live qualifier's roll and race start (§3.2).

use sahasrahbot_core::db::entities::{
    asynctournament, asynctournamentliverace, asynctournamentpermalink,
    asynctournamentpermalinkpool, asynctournamentrace, triforcetexts, users,
};
use sahasrahbot_core::ports::AllowedMentions;
use sahasrahbot_racetime::{ChatMessage, Room};
use sahasrahbot_seedgen::Surface;
use sahasrahbot_seedgen::triforce_text::request_with_text;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, EntityTrait, IntoActiveModel, PaginatorTrait,
    QueryFilter, QueryOrder, Set,
};
use tracing::info;

use super::embeds::seed_code;
use super::race::{CoreRng, TournamentRace};
use super::{texts, upsert_result};
use crate::asynctournament::{STAFF, is_async_tournament_user};
use crate::{Error, Result};

/// The triforce-text pool of the qualifier seeds.
const TEXT_POOL: &str = "alttpr2024";

fn guard(room: &Room, text: &str) -> Result<bool> {
    room.send_message(format!("{text}  Please contact Synack for further help."))?;
    Ok(false)
}

/// Picks an approved text of the pool, balanced by submitter.
async fn pick_text(race: &TournamentRace) -> Result<Option<String>> {
    use rand::seq::SliceRandom;
    let rows = triforcetexts::Entity::find()
        .filter(triforcetexts::Column::PoolName.eq(TEXT_POOL))
        .filter(triforcetexts::Column::Approved.eq(true))
        .order_by_asc(triforcetexts::Column::Id)
        .all(&race.services.db)
        .await?;
    let mut authors: Vec<Option<i64>> = Vec::new();
    for r in &rows {
        if !authors.contains(&r.discord_user_id) {
            authors.push(r.discord_user_id);
        }
    }
    let mut rng = rand::thread_rng();
    let Some(author) = authors.choose(&mut rng).copied() else {
        return Ok(None);
    };
    let theirs: Vec<&triforcetexts::Model> = rows
        .iter()
        .filter(|r| r.discord_user_id == author)
        .collect();
    Ok(theirs.choose(&mut rng).map(|r| r.text.clone()))
}

/// Whether `user` is a mod or admin of `tournament` (a permission row for the user, or for a
/// role their member in the tournament's guild holds).
async fn is_mod(
    race: &TournamentRace,
    tournament: &asynctournament::Model,
    user: &users::Model,
) -> Result<bool> {
    is_async_tournament_user(
        &race.services.db,
        Some(user),
        tournament,
        STAFF,
        race.services.guilds.as_ref(),
    )
    .await
}

/// `!tournamentrace` of the qualifier.
pub(super) async fn roll(
    race: &TournamentRace,
    room: &Room,
    message: &ChatMessage,
) -> Result<bool> {
    let s = &race.services;
    let db = &s.db;
    room.send_message(texts::GENERATING)?;
    // Refresh the episode (and team) before the guards, as the original does.
    race.update_data(room).await?;
    let live = asynctournamentliverace::Entity::find()
        .filter(asynctournamentliverace::Column::EpisodeId.eq(race.episode_id))
        .one(db)
        .await?;
    let Some(live) = live else {
        return guard(room, "No live race found for this episode.");
    };
    if live.permalink_id.is_some() {
        return guard(room, "Seed has already been generated for this live race.");
    }
    let Some(pool) = asynctournamentpermalinkpool::Entity::find_by_id(live.pool_id)
        .one(db)
        .await?
    else {
        return guard(room, "No pool has been set for this live race.");
    };
    let tournament = asynctournament::Entity::find_by_id(live.tournament_id)
        .one(db)
        .await?
        .ok_or_else(|| Error::Config(format!("live race {} has no tournament", live.id)))?;
    let caller = message
        .user
        .as_ref()
        .map(|u| u.id.clone())
        .unwrap_or_default();
    let user = users::Entity::find()
        .filter(users::Column::RtggId.eq(caller.as_str()))
        .one(db)
        .await?
        .ok_or_else(|| {
            Error::Player(format!(
                "Users matching query does not exist (rtgg_id {caller})"
            ))
        })?;
    if !is_mod(race, &tournament, &user).await? {
        return guard(
            room,
            "Only a mod or admin of this tournament may invoke !tournamentrace.",
        );
    }
    let Some(preset_name) = pool.preset.clone() else {
        return guard(room, "No preset has been set for this pool.");
    };

    room.make_invitational()?;
    room.send_message("This room is now locked.  Late entries are not permitted.")?;

    let preset = race.load_preset(&preset_name).await?;
    let text = pick_text(race).await?;
    let request = request_with_text(
        &preset,
        text.as_deref(),
        None,
        Some("live"),
        &mut CoreRng::new(),
    )
    .map_err(|e| Error::Preset(e.to_string()))?;
    let seed = s
        .seedgen
        .generate(&request, Some(&preset.audit()), Some(Surface::Racetime))
        .await?;
    let code = seed_code(&seed);
    let room_url = s.room_url(&room.race().url);
    room.set_bot_raceinfo(format!("{} - {code}", seed.url))?;
    room.send_message(format!("Seed: {} - {code}", seed.url))?;
    s.post(
        race.event.audit_channel,
        format!("{room_url} - {} - {code}", seed.url),
        AllowedMentions::Users,
    )
    .await;

    let episode = race.episode();
    upsert_result(
        db,
        room.name(),
        race.episode_id,
        &episode.event.slug,
        Some(&seed.url),
    )
    .await?;
    let now = (s.clock)().naive_utc();
    let permalink = asynctournamentpermalink::ActiveModel {
        url: Set(Some(seed.url.clone())),
        pool_id: Set(pool.id),
        notes: Set(Some(format!("Generated for a live race.  {code}"))),
        live_race: Set(true),
        created: Set(now),
        updated: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    let mut live_row = live.clone().into_active_model();
    live_row.permalink_id = Set(Some(permalink.id));
    live_row.racetime_slug = Set(Some(room.name().to_owned()));
    live_row.updated = Set(now);
    live_row.update(db).await?;

    let pool_permalinks: Vec<i32> = asynctournamentpermalink::Entity::find()
        .filter(asynctournamentpermalink::Column::PoolId.eq(pool.id))
        .all(db)
        .await?
        .into_iter()
        .map(|p| p.id)
        .collect();
    let mut eligible = Vec::new();
    for entrant in &room.race().entrants {
        let Some(rt) = &entrant.user else { continue };
        let existing = users::Entity::find()
            .filter(users::Column::RtggId.eq(rt.id.as_str()))
            .one(db)
            .await?;
        let user = match existing {
            Some(u) => {
                let mut a = u.into_active_model();
                a.twitch_name = Set(rt.twitch_name.clone());
                a.updated = Set(now);
                a.update(db).await?
            }
            None => {
                users::ActiveModel {
                    rtgg_id: Set(Some(rt.id.clone())),
                    display_name: Set(Some(rt.name.clone())),
                    twitch_name: Set(rt.twitch_name.clone()),
                    created: Set(now),
                    updated: Set(now),
                    test_user: Set(false),
                    ..Default::default()
                }
                .insert(db)
                .await?
            }
        };
        let done = asynctournamentrace::Entity::find()
            .filter(asynctournamentrace::Column::TournamentId.eq(tournament.id))
            .filter(asynctournamentrace::Column::UserId.eq(user.id))
            .filter(asynctournamentrace::Column::PermalinkId.is_in(pool_permalinks.clone()))
            .filter(asynctournamentrace::Column::Reattempted.eq(false))
            .count(db)
            .await?;
        if done >= u64::try_from(tournament.runs_per_pool).unwrap_or(0) {
            continue;
        }
        let active = asynctournamentrace::Entity::find()
            .filter(asynctournamentrace::Column::TournamentId.eq(tournament.id))
            .filter(asynctournamentrace::Column::UserId.eq(user.id))
            .filter(asynctournamentrace::Column::Status.is_in(["pending", "in_progress"]))
            .count(db)
            .await?;
        if active > 0 {
            continue;
        }
        asynctournamentrace::ActiveModel {
            tournament_id: Set(tournament.id),
            permalink_id: Set(permalink.id),
            user_id: Set(user.id),
            thread_id: Set(None),
            status: Set("pending".to_owned()),
            review_status: Set("pending".to_owned()),
            live_race_id: Set(Some(live.id)),
            reattempted: Set(Some(false)),
            created: Set(now),
            updated: Set(now),
            ..Default::default()
        }
        .insert(db)
        .await?;
        eligible.push(user.display_name.unwrap_or_else(|| rt.name.clone()));
    }
    let names = eligible.join(", ");
    s.post(
        race.event.audit_channel,
        format!("{room_url} -Eligible entrants for this pool: {names}"),
        AllowedMentions::Users,
    )
    .await;
    room.send_message(format!("Eligible entrants for this pool: {names}"))?;
    info!(room = room.name(), seed = %seed.url, eligible = eligible.len(), "qualifier seed rolled");
    Ok(true)
}

/// The qualifier's race start: pending rows of entrants go `in_progress`, no-shows are
/// deleted, the live race goes `in_progress`.
pub(super) async fn on_race_start(race: &TournamentRace, room: &Room) -> Result<()> {
    let s = &race.services;
    let db = &s.db;
    let Some(live) = asynctournamentliverace::Entity::find()
        .filter(asynctournamentliverace::Column::EpisodeId.eq(race.episode_id))
        .one(db)
        .await?
    else {
        return Ok(());
    };
    let data = room.race();
    let start = data
        .started_at
        .as_deref()
        .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok())
        .map_or_else(|| (s.clock)().naive_utc(), |t| t.naive_utc());
    let ids: Vec<String> = data
        .entrants
        .iter()
        .filter_map(|e| e.user.as_ref().map(|u| u.id.clone()))
        .collect();
    let user_ids: Vec<i32> = if ids.is_empty() {
        Vec::new()
    } else {
        users::Entity::find()
            .filter(users::Column::RtggId.is_in(ids))
            .all(db)
            .await?
            .into_iter()
            .map(|u| u.id)
            .collect()
    };
    let pending = || {
        Condition::all()
            .add(asynctournamentrace::Column::LiveRaceId.eq(live.id))
            .add(asynctournamentrace::Column::Status.eq("pending"))
    };
    if !user_ids.is_empty() {
        asynctournamentrace::Entity::update_many()
            .col_expr(
                asynctournamentrace::Column::Status,
                sea_orm::sea_query::Expr::value("in_progress"),
            )
            .col_expr(
                asynctournamentrace::Column::StartTime,
                sea_orm::sea_query::Expr::value(start),
            )
            .filter(pending().add(asynctournamentrace::Column::UserId.is_in(user_ids)))
            .exec(db)
            .await?;
    }
    asynctournamentrace::Entity::delete_many()
        .filter(pending())
        .exec(db)
        .await?;
    let mut live_row = live.clone().into_active_model();
    live_row.status = Set("in_progress".to_owned());
    live_row.updated = Set((s.clock)().naive_utc());
    live_row.update(db).await?;

    let started = asynctournamentrace::Entity::find()
        .filter(asynctournamentrace::Column::LiveRaceId.eq(live.id))
        .filter(asynctournamentrace::Column::Status.eq("in_progress"))
        .order_by_asc(asynctournamentrace::Column::Id)
        .all(db)
        .await?;
    let mut names = Vec::new();
    for r in started {
        if let Some(u) = users::Entity::find_by_id(r.user_id).one(db).await? {
            names.push(u.display_name.unwrap_or_default());
        }
    }
    let names = names.join(", ");
    let room_url = s.room_url(&data.url);
    s.post(
        race.event.audit_channel,
        format!("{room_url} - Entrants: {names}"),
        AllowedMentions::Users,
    )
    .await;
    room.send_message(format!("Final eligible entrants for this pool: {names}"))?;
    room.send_message("Good luck, have fun!  Mid-race chat is disabled.  If you need assistance, please ping @Admins in Discord.")?;
    Ok(())
}
