//! The async tournament's Discord workflow (`discord.md` §4): the `/async` commands, the
//! runner's buttons in the tournament channel and in the private race threads, and the
//! background enforcement loops. The rules (allocation, scoring, timeouts, permissions)
//! are the tournament crate's `asynctournament` module; this module talks to Discord.
//!
//! - [`owner`]: `/async create|addseed|repost|permissions` (the bot owner only).
//! - [`runner`]: 🏁 Start new async run → the pool dialog → the private thread → Ready →
//!   the countdown → GO with Finish / Forfeit / Get timer → the run-information modal.
//! - [`staff`]: `/async extendtimeout|calculate_scores|live_race_record|close|update_run|
//!   done`.
//! - [`loops`]: the start-timeout warnings and forfeits, the 12-hour forfeit and the hourly
//!   scoring.
//! - [`views`]: the components, their `custom_id` scheme and the embeds; [`texts`]: what
//!   users read.

pub mod loops;
pub mod owner;
pub mod runner;
pub mod staff;
pub mod texts;
pub mod views;

use twilight_model::application::command::{Command, CommandType};
use twilight_model::application::interaction::InteractionContextType;
use twilight_model::channel::ChannelType;
use twilight_util::builder::command::{
    BooleanBuilder, ChannelBuilder, CommandBuilder, IntegerBuilder, RoleBuilder, StringBuilder,
    SubCommandBuilder, UserBuilder,
};

use crate::Result;
use crate::context::{Ctx, Options};
use crate::errors::Error;

/// `/async …`: guild only, visible to everyone (runners use `/async done`; the other
/// subcommands check their own permissions).
pub fn async_command() -> Command {
    CommandBuilder::new("async", "Async tournaments.", CommandType::ChatInput)
        .contexts([InteractionContextType::Guild])
        .option(
            SubCommandBuilder::new("create", "Create an async tournament in this channel.")
                .option(
                    StringBuilder::new("name", "The name of the tournament.")
                        .required(true)
                        .max_length(45),
                )
                .option(
                    StringBuilder::new(
                        "permalinks",
                        "Pools as pool_name,preset,count rows separated by semicolons.",
                    )
                    .required(true),
                )
                .option(
                    ChannelBuilder::new("report_channel", "A channel for reports (stored only).")
                        .channel_types([ChannelType::GuildText]),
                ),
        )
        .option(
            SubCommandBuilder::new("addseed", "Add seeds to a pool of this tournament.")
                .option(StringBuilder::new("pool_name", "The pool.").required(true))
                .option(
                    StringBuilder::new(
                        "preset",
                        "The preset, for pools that have none stored (otherwise ignored).",
                    )
                    .required(true)
                    .autocomplete(true),
                )
                .option(
                    IntegerBuilder::new("num", "How many seeds to add (default 1).")
                        .min_value(1)
                        .max_value(i64::from(
                            sahasrahbot_tournament::asynctournament::rules::MAX_SEEDS_PER_POOL,
                        )),
                ),
        )
        .option(SubCommandBuilder::new(
            "repost",
            "Post the tournament embed and its button again.",
        ))
        .option(
            SubCommandBuilder::new("permissions", "Grant a tournament permission.")
                .option(
                    StringBuilder::new("permission", "admin or mod.")
                        .required(true)
                        .choices([("admin", "admin"), ("mod", "mod")]),
                )
                .option(RoleBuilder::new(
                    "role",
                    "Grant it to every current member of this role.",
                ))
                .option(UserBuilder::new("user", "Grant it to this user.")),
        )
        .option(
            SubCommandBuilder::new("extendtimeout", "Extend the start timeout of this race.")
                .option(
                    IntegerBuilder::new("minutes", "Minutes to add (negative to shorten).")
                        .required(true),
                ),
        )
        .option(
            SubCommandBuilder::new("calculate_scores", "Recalculate par times and scores.").option(
                BooleanBuilder::new("only_approved", "Only count approved runs (default no)."),
            ),
        )
        .option(
            SubCommandBuilder::new("live_race_record", "Record the results of a live race.")
                .option(
                    StringBuilder::new("racetime_slug", "The RaceTime.gg room.")
                        .required(true)
                        .autocomplete(true),
                )
                .option(BooleanBuilder::new(
                    "force",
                    "Record it even if it is not in progress.",
                )),
        )
        .option(SubCommandBuilder::new("close", "Close this tournament."))
        .option(
            SubCommandBuilder::new("update_run", "Fix up this run (tournament owner).")
                .option(StringBuilder::new("status", "The new status.").choices([
                    ("finished", "finished"),
                    ("forfeit", "forfeit"),
                    ("disqualified", "disqualified"),
                ]))
                .option(StringBuilder::new(
                    "elapsed_time",
                    "The elapsed time, H:M:S.",
                ))
                .option(StringBuilder::new("vod_url", "The VOD URL.")),
        )
        .option(SubCommandBuilder::new(
            "done",
            "Finish your race in this thread.",
        ))
        .build()
}

/// Answers the tournament crate's refusals with their plain text (ephemeral unless the
/// command deferred publicly); other outcomes are returned as they are.
async fn settle(ctx: &Ctx, result: Result<()>) -> Result<()> {
    match result {
        Err(e) if e.is_refusal() => {
            tracing::info!(refusal = %e, "async tournament action refused");
            ctx.tell(&e.to_string()).await
        }
        other => other,
    }
}

/// Runs `/async {sub}`; `None` for an unknown subcommand.
pub(crate) async fn dispatch(ctx: &Ctx, options: &Options, sub: &str) -> Option<Result<()>> {
    let result = match sub {
        "create" => owner::create(ctx, options).await,
        "addseed" => owner::addseed(ctx, options).await,
        "repost" => owner::repost(ctx).await,
        "permissions" => owner::permissions(ctx, options).await,
        "extendtimeout" => staff::extend_timeout(ctx, options).await,
        "calculate_scores" => staff::calculate_scores(ctx, options).await,
        "live_race_record" => staff::live_race_record(ctx, options).await,
        "close" => staff::close(ctx).await,
        "update_run" => staff::update_run(ctx, options).await,
        "done" => runner::finish(ctx, false).await,
        _ => return None,
    };
    Some(settle(ctx, result).await)
}

/// Handles an async tournament component.
pub(crate) async fn component(ctx: &Ctx, action: views::Action) -> Result<()> {
    use views::Action;
    if action
        .expires()
        .is_some_and(|t| chrono::Utc::now().timestamp() > t)
    {
        return ctx
            .reply(Some(texts::EXPIRED.to_owned()), Vec::new(), true)
            .await;
    }
    let result = match action {
        Action::NewRace => runner::new_race(ctx).await,
        Action::PickPool { expires } => runner::pick_pool(ctx, expires).await,
        Action::ConfirmNewRace { pool, .. } => runner::confirm_new_race(ctx, pool).await,
        Action::CancelNewRace { .. } => runner::cancel_new_race(ctx).await,
        Action::Ready => runner::ready(ctx).await,
        Action::Forfeit { go } => runner::forfeit(ctx, go).await,
        Action::ConfirmForfeit { message, go, .. } => {
            runner::confirm_forfeit(ctx, message, go).await
        }
        Action::Finish => runner::finish(ctx, true).await,
        Action::Timer => runner::timer(ctx).await,
        Action::SubmitInfo => runner::submit_info(ctx).await,
        Action::ConfirmClose { .. } => staff::confirm_close(ctx).await,
    };
    settle(ctx, result).await
}

/// Handles the run-information modals; `None` for other modals.
pub(crate) async fn modal(ctx: &Ctx, custom_id: &str) -> Option<Result<()>> {
    let result = match custom_id {
        views::VOD_MODAL_ID => runner::save_run_info(ctx, false).await,
        views::RUN_INFO_MODAL_ID => runner::save_run_info(ctx, true).await,
        _ => return None,
    };
    Some(settle(ctx, result).await)
}

/// The invoker, refused when there is none (never the case in a guild).
pub(crate) fn invoker(ctx: &Ctx) -> Result<u64> {
    ctx.user_id()
        .map(twilight_model::id::Id::get)
        .ok_or_else(|| Error::BadOption("No user on this interaction.".to_owned()))
}
