//! The staff commands (`discord.md` §4.5): `/async extendtimeout`, `calculate_scores`,
//! `live_race_record` (with its autocomplete), `close` (with its confirmation) and
//! `update_run`. Who may use them is the tournament crate's permission resolution (§4.9),
//! with the guild's members read over REST.

use sahasrahbot_core::db::entities::asynctournament as at_model;
use sahasrahbot_tournament::asynctournament::{self as at, AsyncRole, RaceStatus};
use serde_json::Value as Json;
use twilight_model::application::command::CommandOptionChoice;
use twilight_model::channel::message::MessageFlags;
use twilight_model::http::interaction::{
    InteractionResponse, InteractionResponseData, InteractionResponseType,
};

use super::runner::{race_here, tournament_here, tournament_of};
use super::{invoker, texts, views};
use crate::commands::string_choices;
use crate::context::{Ctx, Options};
use crate::errors::Error;
use crate::{DiscordDirectory, Result};

/// Whether the invoker holds one of `roles` in `tournament`.
async fn holds(ctx: &Ctx, tournament: &at_model::Model, roles: &[AsyncRole]) -> Result<bool> {
    let directory = DiscordDirectory::new(ctx.bot.http.clone());
    let svc = &ctx.bot.asyncs;
    let user = svc
        .user_by_discord_id(invoker(ctx)?, Some(&ctx.user_name()))
        .await?;
    Ok(svc
        .is_async_tournament_user(Some(&user), tournament, roles, &directory)
        .await?)
}

/// The invoker as the domain's owner-level [`at::Actor`]: elevated when they are the bot
/// owner or an admin of `tournament` (`DECISIONS.md`: bot owner or a tournament admin; the
/// tournament's owner always may).
pub(crate) async fn actor(ctx: &Ctx, tournament: &at_model::Model) -> Result<at::Actor> {
    let discord_id = invoker(ctx)?;
    let elevated = ctx.user_id().is_some_and(|u| ctx.bot.is_owner(u))
        || holds(ctx, tournament, at::ADMINS).await?;
    Ok(at::Actor {
        discord_id,
        elevated,
    })
}

/// `/async extendtimeout minutes`: a pending race, tournament admins and mods; the new
/// start deadline announced publicly.
pub(crate) async fn extend_timeout(ctx: &Ctx, options: &Options) -> Result<()> {
    let minutes = options
        .integer("minutes")
        .ok_or_else(|| Error::BadOption("The option `minutes` is required.".to_owned()))?;
    let Some(found) = race_here(ctx).await? else {
        return Ok(());
    };
    if found.status() != Some(RaceStatus::Pending) {
        return ctx.tell(texts::NOT_PENDING).await;
    }
    let tournament = tournament_of(ctx, &found).await?;
    if !holds(ctx, &tournament, &[AsyncRole::Admin, AsyncRole::Mod]).await? {
        return ctx.tell(texts::CANNOT_EXTEND).await;
    }
    let race = ctx
        .bot
        .asyncs
        .extend_timeout(found.race.id, invoker(ctx)?, minutes)
        .await?;
    let deadline = race
        .thread_timeout_time
        .ok_or(sahasrahbot_tournament::Error::AsyncNotFound("Timeout"))?;
    ctx.reply(Some(texts::timeout_extended(deadline)), Vec::new(), false)
        .await
}

/// `/async calculate_scores [only_approved]`: tournament admins; par times and scores
/// recalculated (closed tournaments too).
pub(crate) async fn calculate_scores(ctx: &Ctx, options: &Options) -> Result<()> {
    let Some(tournament) = tournament_here(ctx).await? else {
        return Ok(());
    };
    if !holds(ctx, &tournament, &[AsyncRole::Admin]).await? {
        return ctx.tell(texts::ADMIN_ONLY).await;
    }
    ctx.defer(true).await?;
    let only_approved = options.boolean("only_approved").unwrap_or(false);
    ctx.bot
        .asyncs
        .calculate_scores(tournament.id, only_approved, chrono::Utc::now())
        .await?;
    ctx.followup(Some(texts::DONE), &[]).await
}

/// The autocomplete of `racetime_slug`: live races in progress whose slug contains the
/// typed text (case-insensitive).
pub(crate) async fn live_race_choices(ctx: &Ctx, typed: &str) -> Result<Vec<CommandOptionChoice>> {
    let live = ctx.bot.asyncs.live_races_matching(typed).await?;
    Ok(string_choices(
        live.into_iter().filter_map(|l| l.racetime_slug),
    ))
}

/// The entrants of racetime.gg's race data (`entrants[]`: `user.id`, `user.full_name`,
/// `status.value`, `finished_at`).
fn entrants(data: &Json) -> Vec<at::LiveEntrant> {
    data["entrants"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default()
        .iter()
        .map(|e| at::LiveEntrant {
            racetime_id: e["user"]["id"].as_str().map(str::to_owned),
            name: e["user"]["full_name"]
                .as_str()
                .or_else(|| e["user"]["name"].as_str())
                .unwrap_or("(deleted user)")
                .to_owned(),
            status: e["status"]["value"].as_str().unwrap_or_default().to_owned(),
            finished_at: e["finished_at"]
                .as_str()
                .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok())
                .map(|t| t.with_timezone(&chrono::Utc)),
        })
        .collect()
}

/// `/async live_race_record racetime_slug [force]`: tournament admins and mods; the
/// room's results read from racetime.gg and recorded on the live race's runs.
pub(crate) async fn live_race_record(ctx: &Ctx, options: &Options) -> Result<()> {
    let slug = options.required_string("racetime_slug")?;
    let force = options.boolean("force").unwrap_or(false);
    let svc = &ctx.bot.asyncs;
    let live = match svc.live_race_for_record(slug, force).await {
        Err(sahasrahbot_tournament::Error::AsyncNotFound(_)) => {
            return ctx.tell(texts::UNKNOWN_LIVE_RACE).await;
        }
        other => other?,
    };
    let tournament = svc
        .tournament(live.tournament_id)
        .await?
        .ok_or(sahasrahbot_tournament::Error::AsyncNotFound("Tournament"))?;
    if !holds(ctx, &tournament, &[AsyncRole::Admin, AsyncRole::Mod]).await? {
        return ctx.tell(texts::STAFF_ONLY).await;
    }
    ctx.defer(true).await?;
    let url = format!("{}/{slug}/data", ctx.bot.cogs.racetime_url);
    let data: Json = match ctx.bot.web.get(&url).send().await {
        Ok(r) if r.status().is_success() => r.json().await.map_err(|e| Error::External {
            service: "racetime.gg",
            reason: format!("unreadable race data: {e}"),
        })?,
        Ok(r) => {
            let text = texts::racetime_error(&format!("HTTP {}", r.status()));
            return ctx.followup(Some(&text), &[]).await;
        }
        Err(e) => {
            return ctx
                .followup(Some(&texts::racetime_error(&e.to_string())), &[])
                .await;
        }
    };
    let warnings = svc.record_live_race(&live, &entrants(&data)).await?;
    let text = if warnings.is_empty() {
        texts::LIVE_RACE_CLEAN.to_owned()
    } else {
        texts::live_race_warnings(&warnings)
    };
    ctx.followup(Some(&text), &[]).await
}

/// `/async close`: the tournament's owner, the bot owner or a tournament admin; an active
/// tournament; an ephemeral confirmation.
pub(crate) async fn close(ctx: &Ctx) -> Result<()> {
    let Some(tournament) = tournament_here(ctx).await? else {
        return Ok(());
    };
    at::check_close(&tournament, actor(ctx, &tournament).await?)?;
    let expires = chrono::Utc::now().timestamp() + views::DIALOG_SECONDS;
    ctx.respond(InteractionResponse {
        kind: InteractionResponseType::ChannelMessageWithSource,
        data: Some(InteractionResponseData {
            content: Some(texts::CLOSE_ASK.to_owned()),
            components: Some(views::close_confirm(expires)),
            flags: Some(MessageFlags::EPHEMERAL),
            ..Default::default()
        }),
    })
    .await
}

/// "Yes, close this tournament": re-checked, closed, announced publicly.
pub(crate) async fn confirm_close(ctx: &Ctx) -> Result<()> {
    let Some(tournament) = tournament_here(ctx).await? else {
        return Ok(());
    };
    let actor = actor(ctx, &tournament).await?;
    ctx.bot.asyncs.close(tournament.id, actor).await?;
    tracing::info!(tournament = tournament.id, "async tournament closed");
    ctx.reply(Some(texts::CLOSED.to_owned()), Vec::new(), false)
        .await
}

/// `/async update_run [status] [elapsed_time] [vod_url]`: the tournament's owner, the bot
/// owner or a tournament admin; the
/// changes made, noted in the runner notes and announced publicly.
pub(crate) async fn update_run(ctx: &Ctx, options: &Options) -> Result<()> {
    let Some(found) = race_here(ctx).await? else {
        return Ok(());
    };
    let status = options
        .string("status")
        .map(|s| {
            RaceStatus::parse(s)
                .filter(|s| s.is_final())
                .ok_or_else(|| Error::BadOption(format!("`{s}` is not a status for a run.")))
        })
        .transpose()?;
    let elapsed = options
        .string("elapsed_time")
        .map(at::parse_elapsed_time)
        .transpose()?;
    let tournament = tournament_of(ctx, &found).await?;
    let actor = actor(ctx, &tournament).await?;
    let update = at::RunUpdate {
        status,
        elapsed,
        vod_url: options.string("vod_url").map(str::to_owned),
    };
    let (_, text) = ctx
        .bot
        .asyncs
        .update_run(
            found.race.id,
            actor,
            &ctx.user_name(),
            update,
            chrono::Utc::now(),
        )
        .await?;
    ctx.reply(Some(text), Vec::new(), false).await
}
