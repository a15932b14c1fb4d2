//! The runner's side (`discord.md` §4.4): 🏁 in the tournament channel, the pool dialog,
//! the private race thread, Ready and the countdown, GO with Finish / Forfeit / Get timer,
//! `/async done`, and the run-information modal.
//!
//! Differences from the original: the active race and the pool's free slot are checked
//! *before* the thread is created, and when no permalink is left for the runner the new
//! thread is deleted again and the runner told so (no orphan threads, no crash); every
//! refusal returns; Finish disables the GO buttons only after a finish that was recorded;
//! the runner is re-checked when the modal is submitted; the dialog states the real start
//! deadline (20 minutes).

use std::time::Duration;

use sahasrahbot_core::db::entities::asynctournament as at_model;
use sahasrahbot_tournament::asynctournament::{self as at, RaceStatus};
use twilight_model::application::interaction::InteractionData;
use twilight_model::channel::ChannelType;
use twilight_model::channel::message::MessageFlags;
use twilight_model::http::interaction::{
    InteractionResponse, InteractionResponseData, InteractionResponseType,
};
use twilight_model::id::Id;
use twilight_model::id::marker::{MessageMarker, UserMarker};

use super::{invoker, texts, views};
use crate::context::Ctx;
use crate::errors::Error;
use crate::{Result, users_only_mentions};

/// The pause between two countdown messages.
pub const COUNTDOWN_TICK: Duration = Duration::from_secs(1);

/// The `customization` of the tournaments that submit a collection rate and an IGT
/// instead of a VOD.
const GMPMT2023: &str = "gmpmt2023";

/// The message the clicked component is on.
fn clicked_message(ctx: &Ctx) -> Result<Id<MessageMarker>> {
    ctx.interaction
        .message
        .as_ref()
        .map(|m| m.id)
        .ok_or_else(|| Error::BadOption("This button is not on a message.".to_owned()))
}

/// Responds by editing the message the component is on (callback type 7).
async fn update_clicked(ctx: &Ctx, data: InteractionResponseData) -> Result<()> {
    ctx.respond(InteractionResponse {
        kind: InteractionResponseType::UpdateMessage,
        data: Some(data),
    })
    .await
}

/// The race of this thread; tells the clicker when there is none.
pub(crate) async fn race_here(ctx: &Ctx) -> Result<Option<at::AsyncRace>> {
    let thread = ctx.require_channel()?.get();
    let race = ctx.bot.asyncs.race_by_thread(thread).await?;
    if race.is_none() {
        ctx.tell(texts::NOT_A_RACE_ROOM).await?;
    }
    Ok(race)
}

/// The tournament of this channel; tells the clicker when there is none.
pub(crate) async fn tournament_here(ctx: &Ctx) -> Result<Option<at_model::Model>> {
    let channel = ctx.require_channel()?.get();
    let found = ctx.bot.asyncs.tournament_by_channel(channel).await?;
    if found.is_none() {
        ctx.tell(texts::NOT_CONFIGURED).await?;
    }
    Ok(found)
}

/// The tournament of a race.
pub(crate) async fn tournament_of(ctx: &Ctx, race: &at::AsyncRace) -> Result<at_model::Model> {
    ctx.bot
        .asyncs
        .tournament(race.race.tournament_id)
        .await?
        .ok_or(sahasrahbot_tournament::Error::AsyncNotFound("Tournament").into())
}

/// Whether a tournament uses the `gmpmt2023` variant (no VOD, collection rate and IGT).
pub(crate) fn is_gmpmt(tournament: &at_model::Model) -> bool {
    tournament.customization == GMPMT2023
}

/// The pools the clicker may start a run in (the checks of §4.4 steps 2–5); the racetime.gg
/// refusal gets the account-linking page.
async fn open_pools(ctx: &Ctx, tournament: &at_model::Model) -> Result<Option<Vec<(i32, String)>>> {
    match ctx
        .bot
        .asyncs
        .check_new_run(tournament, invoker(ctx)?)
        .await
    {
        Ok(check) => Ok(Some(
            check.pools.into_iter().map(|p| (p.id, p.name)).collect(),
        )),
        Err(e @ sahasrahbot_tournament::Error::AsyncRacetimeNotLinked) => {
            ctx.tell(&texts::link_racetime(&e.to_string(), &ctx.bot.cogs.app_url))
                .await?;
            Ok(None)
        }
        Err(e) => Err(e.into()),
    }
}

/// 🏁: the checks of §4.4 (each refusal ephemeral), then the ephemeral pool dialog.
pub(crate) async fn new_race(ctx: &Ctx) -> Result<()> {
    let Some(tournament) = tournament_here(ctx).await? else {
        return Ok(());
    };
    let Some(pools) = open_pools(ctx, &tournament).await? else {
        return Ok(());
    };
    let expires = chrono::Utc::now().timestamp() + views::DIALOG_SECONDS;
    ctx.respond(InteractionResponse {
        kind: InteractionResponseType::ChannelMessageWithSource,
        data: Some(InteractionResponseData {
            content: Some(texts::new_race_warning(
                at::timeouts::START_GRACE.num_minutes(),
            )),
            components: Some(views::pool_picker(&pools, None, expires)),
            flags: Some(MessageFlags::EPHEMERAL),
            allowed_mentions: Some(users_only_mentions()),
            ..Default::default()
        }),
    })
    .await
}

/// The pool select: the dialog again with the choice shown and "I confirm…" enabled.
pub(crate) async fn pick_pool(ctx: &Ctx, expires: i64) -> Result<()> {
    let chosen = match &ctx.interaction.data {
        Some(InteractionData::MessageComponent(data)) => {
            data.values.first().and_then(|v| v.parse::<i32>().ok())
        }
        _ => None,
    };
    let Some(tournament) = tournament_here(ctx).await? else {
        return Ok(());
    };
    let Some(pools) = open_pools(ctx, &tournament).await? else {
        return Ok(());
    };
    let Some((id, name)) = pools.iter().find(|(id, _)| Some(*id) == chosen) else {
        return ctx.tell(texts::CHOOSE_POOL).await;
    };
    update_clicked(
        ctx,
        InteractionResponseData {
            embeds: Some(vec![views::selected_embed(name)]),
            components: Some(views::pool_picker(&pools, Some(*id), expires)),
            ..Default::default()
        },
    )
    .await
}

/// "Cancel": the dialog says so and loses its components and embed.
pub(crate) async fn cancel_new_race(ctx: &Ctx) -> Result<()> {
    update_clicked(
        ctx,
        InteractionResponseData {
            content: Some(texts::CANCELLED.to_owned()),
            components: Some(Vec::new()),
            embeds: Some(Vec::new()),
            ..Default::default()
        },
    )
    .await
}

/// "I confirm…": the active-race and pool-slot checks first (refusals ephemeral, nothing
/// created), then a deferred update, the private thread, the race (the permalink chosen;
/// when none is left the thread is deleted again), the runner added, the instructions with
/// the race embed and the Ready buttons, and the dialog pointing at the thread.
pub(crate) async fn confirm_new_race(ctx: &Ctx, pool: i32) -> Result<()> {
    let Some(tournament) = tournament_here(ctx).await? else {
        return Ok(());
    };
    let svc = &ctx.bot.asyncs;
    let user_id = invoker(ctx)?;
    let Some(pool) = svc
        .pools(tournament.id)
        .await?
        .into_iter()
        .find(|p| p.id == pool)
    else {
        return ctx.tell(texts::CHOOSE_POOL).await;
    };
    let user = svc.user_by_discord_id(user_id, None).await?;
    svc.check_open_race(&tournament, &user, &pool.name).await?;
    ctx.respond(InteractionResponse {
        kind: InteractionResponseType::DeferredUpdateMessage,
        data: None,
    })
    .await?;
    let name = at::thread_name(&ctx.user_name(), &pool.name);
    let thread = ctx
        .bot
        .http
        .create_thread(ctx.require_channel()?, &name, ChannelType::PrivateThread)
        .await?
        .model()
        .await?;
    let opened = match svc
        .open_race(
            &tournament,
            &user,
            &pool.name,
            thread.id.get(),
            chrono::Utc::now(),
        )
        .await
    {
        Ok(opened) => opened,
        Err(e) => {
            if let Err(deleted) = ctx.bot.http.delete_channel(thread.id).await {
                tracing::warn!(thread = %thread.id, error = %deleted, "could not delete the unused thread");
            }
            return Err(e.into());
        }
    };
    let runner = Id::<UserMarker>::new_checked(user_id)
        .ok_or_else(|| Error::BadOption("No user on this interaction.".to_owned()))?;
    ctx.bot.http.add_thread_member(thread.id, runner).await?;
    let embed = views::race_embed(
        &opened.pool.name,
        opened.permalink.url.as_deref().unwrap_or_default(),
        opened.permalink.notes.as_deref(),
        opened.race.id,
    );
    ctx.bot
        .http
        .create_message(thread.id)
        .content(texts::instructions(is_gmpmt(&tournament)))
        .embeds(&[embed])
        .components(&views::ready_view(false))
        .await?;
    ctx.bot
        .http
        .interaction(ctx.bot.application_id)
        .update_response(&ctx.interaction.token)
        .content(Some(&texts::thread_created(thread.id.get())))
        .components(Some(&[]))
        .embeds(Some(&[]))
        .await?;
    tracing::info!(race = opened.race.id, thread = %thread.id, "async race thread opened");
    Ok(())
}

/// ✅ Ready: the runner of a pending race only; the Ready buttons disabled (the callback
/// itself), the race in progress, the [`countdown`], and the start time taken after GO was
/// sent. When the countdown cannot be posted the race is pending again
/// ([`countdown_failed`]).
pub(crate) async fn ready(ctx: &Ctx) -> Result<()> {
    let Some(found) = race_here(ctx).await? else {
        return Ok(());
    };
    let user = invoker(ctx)?;
    if !found.is_runner(user) {
        return ctx.tell(texts::ONLY_RUNNER_START).await;
    }
    if found.status() != Some(RaceStatus::Pending) {
        return ctx.tell(texts::MUST_BE_PENDING).await;
    }
    update_clicked(
        ctx,
        InteractionResponseData {
            components: Some(views::ready_view(true)),
            ..Default::default()
        },
    )
    .await?;
    let race = ctx.bot.asyncs.race_ready(found.race.id, user).await?;
    if let Err(e) = countdown(ctx).await {
        return countdown_failed(ctx, race.id, e).await;
    }
    ctx.bot
        .asyncs
        .race_started(race.id, user, chrono::Utc::now())
        .await?;
    tracing::info!(race = race.id, "async race started");
    Ok(())
}

/// `10...` to `1...` one tick apart, then `**GO!**` with the Finish / Forfeit / Get timer
/// buttons, in the race thread.
async fn countdown(ctx: &Ctx) -> Result<()> {
    let thread = ctx.require_channel()?;
    let http = &ctx.bot.http;
    for n in (1..=10).rev() {
        http.create_message(thread)
            .content(&format!("{n}..."))
            .await?;
        tokio::time::sleep(ctx.bot.cogs.async_countdown_tick).await;
    }
    http.create_message(thread)
        .content("**GO!**")
        .components(&views::in_progress_view(false))
        .await?;
    Ok(())
}

/// The countdown or GO could not be posted: the race goes back to pending (unless it moved
/// on meanwhile, e.g. forfeited), the Ready buttons are enabled again (best effort: Discord
/// is failing) and the runner told; otherwise `error` is handed on.
async fn countdown_failed(ctx: &Ctx, race_id: i32, error: Error) -> Result<()> {
    tracing::error!(race = race_id, error = %error, "the async race countdown could not be posted");
    if !ctx
        .bot
        .asyncs
        .countdown_failed(race_id, chrono::Utc::now())
        .await?
    {
        return Err(error);
    }
    let enabled = ctx
        .bot
        .http
        .update_message(ctx.require_channel()?, clicked_message(ctx)?)
        .components(Some(&views::ready_view(false)))
        .await;
    if let Err(e) = enabled {
        tracing::warn!(race = race_id, error = %e, "could not enable the Ready buttons again");
    }
    ctx.tell(texts::COUNTDOWN_FAILED).await
}

/// 🏳️ Forfeit: the runner of a pending or running race only; an ephemeral confirmation.
pub(crate) async fn forfeit(ctx: &Ctx, go: bool) -> Result<()> {
    let Some(found) = race_here(ctx).await? else {
        return Ok(());
    };
    if !found.is_runner(invoker(ctx)?) {
        return ctx.tell(texts::ONLY_RUNNER_FORFEIT).await;
    }
    if !found.status().is_some_and(RaceStatus::is_active) {
        return ctx.tell(texts::CANNOT_FORFEIT).await;
    }
    let message = clicked_message(ctx)?.get();
    let expires = chrono::Utc::now().timestamp() + views::DIALOG_SECONDS;
    ctx.respond(InteractionResponse {
        kind: InteractionResponseType::ChannelMessageWithSource,
        data: Some(InteractionResponseData {
            content: Some(texts::FORFEIT_ASK.to_owned()),
            components: Some(views::forfeit_confirm(message, go, expires, false)),
            flags: Some(MessageFlags::EPHEMERAL),
            ..Default::default()
        }),
    })
    .await
}

/// "Confirm Forfeit": re-checked; the race forfeited; the confirmation disabled; a public
/// notice in the thread; the buttons of the message the forfeit came from disabled.
pub(crate) async fn confirm_forfeit(ctx: &Ctx, message: u64, go: bool) -> Result<()> {
    let Some(found) = race_here(ctx).await? else {
        return Ok(());
    };
    let user = invoker(ctx)?;
    if !found.is_runner(user) {
        return ctx.tell(texts::ONLY_RUNNER_FORFEIT).await;
    }
    if !found.status().is_some_and(RaceStatus::is_active) {
        return ctx.tell(texts::CANNOT_FORFEIT).await;
    }
    ctx.bot.asyncs.forfeit(found.race.id, user).await?;
    update_clicked(
        ctx,
        InteractionResponseData {
            content: Some(texts::FORFEIT_DONE.to_owned()),
            components: Some(views::forfeit_confirm(message, go, 0, true)),
            ..Default::default()
        },
    )
    .await?;
    let thread = ctx.require_channel()?;
    ctx.bot
        .http
        .create_message(thread)
        .content(&texts::forfeited_by(user))
        .await?;
    if let Some(message) = Id::<MessageMarker>::new_checked(message) {
        let off = if go {
            views::in_progress_view(true)
        } else {
            views::ready_view(true)
        };
        ctx.bot
            .http
            .update_message(thread, message)
            .components(Some(&off))
            .await?;
    }
    Ok(())
}

/// The shared finish routine (✅ Finish with `from_button`, and `/async done`): the runner
/// of a race in progress only; the finish recorded; a public message with the time and the
/// Submit Run Information button; then (Finish only) the GO buttons disabled.
pub(crate) async fn finish(ctx: &Ctx, from_button: bool) -> Result<()> {
    let Some(found) = race_here(ctx).await? else {
        return Ok(());
    };
    let user = invoker(ctx)?;
    if !found.is_runner(user) {
        return ctx.tell(texts::ONLY_RUNNER_FINISH).await;
    }
    if found.status() != Some(RaceStatus::InProgress) {
        return ctx.tell(texts::NOT_IN_PROGRESS).await;
    }
    let tournament = tournament_of(ctx, &found).await?;
    let race = ctx
        .bot
        .asyncs
        .finish(found.race.id, user, chrono::Utc::now())
        .await?;
    let elapsed = at::format_elapsed(at::elapsed(
        &race.status,
        race.start_time,
        race.end_time,
        chrono::Utc::now(),
    ));
    ctx.respond(InteractionResponse {
        kind: InteractionResponseType::ChannelMessageWithSource,
        data: Some(InteractionResponseData {
            content: Some(texts::finished(&elapsed, is_gmpmt(&tournament))),
            components: Some(views::post_race_view()),
            allowed_mentions: Some(users_only_mentions()),
            ..Default::default()
        }),
    })
    .await?;
    if from_button {
        ctx.bot
            .http
            .update_message(ctx.require_channel()?, clicked_message(ctx)?)
            .components(Some(&views::in_progress_view(true)))
            .await?;
    }
    tracing::info!(race = race.id, elapsed = %elapsed, "async race finished");
    Ok(())
}

/// ⏱️ Get timer: anyone in the thread; the elapsed time, `N/A` during the countdown.
pub(crate) async fn timer(ctx: &Ctx) -> Result<()> {
    let Some(found) = race_here(ctx).await? else {
        return Ok(());
    };
    if found.status().is_some_and(RaceStatus::is_final) {
        return ctx.tell(texts::ALREADY_FINISHED).await;
    }
    let elapsed = at::format_elapsed(found.elapsed(chrono::Utc::now()));
    ctx.tell(&texts::timer(&elapsed)).await
}

/// 🗒️ Submit Run Information: the runner only; the modal of the tournament's kind.
pub(crate) async fn submit_info(ctx: &Ctx) -> Result<()> {
    let Some(found) = race_here(ctx).await? else {
        return Ok(());
    };
    if !found.is_runner(invoker(ctx)?) {
        return ctx.tell(texts::ONLY_RUNNER_SUBMIT).await;
    }
    let tournament = tournament_of(ctx, &found).await?;
    let (custom_id, title, inputs) = views::run_info_modal(is_gmpmt(&tournament));
    ctx.respond(InteractionResponse {
        kind: InteractionResponseType::Modal,
        data: Some(InteractionResponseData {
            custom_id: Some(custom_id.to_owned()),
            title: Some(title.to_owned()),
            components: Some(inputs),
            ..Default::default()
        }),
    })
    .await
}

/// The run-information modal: the runner re-checked, the values saved, echoed publicly.
pub(crate) async fn save_run_info(ctx: &Ctx, gmpmt: bool) -> Result<()> {
    use crate::commands::inquiry::modal_value;
    let Some(found) = race_here(ctx).await? else {
        return Ok(());
    };
    if !found.is_runner(invoker(ctx)?) {
        return ctx.tell(texts::ONLY_RUNNER_SUBMIT).await;
    }
    let svc = &ctx.bot.asyncs;
    let text = if gmpmt {
        let rate = modal_value(ctx, views::COLLECTION_INPUT).unwrap_or_default();
        let igt = modal_value(ctx, views::IGT_INPUT).unwrap_or_default();
        let text = texts::run_info_saved(&rate, &igt);
        svc.submit_collection_rate(found.race.id, rate, igt).await?;
        text
    } else {
        let url = modal_value(ctx, views::VOD_INPUT).unwrap_or_default();
        let notes = modal_value(ctx, views::NOTES_INPUT).unwrap_or_default();
        let text = texts::vod_saved(&url, &notes);
        svc.submit_run_info(found.race.id, url, Some(notes).filter(|n| !n.is_empty()))
            .await?;
        text
    };
    ctx.reply(Some(text), Vec::new(), false).await
}
