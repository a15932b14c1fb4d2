//! What the async tournament says: replies, thread posts and the enforcement pings, and the
//! Discord timestamps in them.

use chrono::NaiveDateTime;

/// The refusal of the owner-only commands (`create`, `addseed`, `repost`, `permissions`).
pub(crate) const OWNER_ONLY: &str = "Only the bot owner may manage async tournaments at this time.";
/// An owner-level command by someone who is neither the tournament's owner, one of its
/// admins, nor the bot owner.
pub(crate) const ADMINS_ONLY: &str =
    "Only the owner of this tournament, its admins or the bot owner may do this.";
/// The channel has no tournament.
pub(crate) const NOT_CONFIGURED: &str = "This channel is not set up for an async tournament.";
/// The channel or thread has no race.
pub(crate) const NOT_A_RACE_ROOM: &str = "This channel/thread is not an async race room.";
/// The confirm button was pressed without a pool (only possible with a forged id).
pub(crate) const CHOOSE_POOL: &str = "Please choose a pool.";
/// The new-run dialog was cancelled.
pub(crate) const CANCELLED: &str = "Request cancelled. Nothing was recorded, and you may \
     start a run later.";
/// Someone other than the runner pressed Ready.
pub(crate) const ONLY_RUNNER_START: &str = "Only the runner of this race can start it.";
/// Ready on a race that is not pending.
pub(crate) const MUST_BE_PENDING: &str = "This race must be pending to be started.";
/// The countdown or GO could not be posted; the race is pending again (Rust-only).
pub(crate) const COUNTDOWN_FAILED: &str = "The countdown could not be posted because of a \
     Discord error, so your race has not started. It is pending again: press Ready to \
     try again (you have at least 20 minutes).";
/// Someone other than the runner pressed Forfeit.
pub(crate) const ONLY_RUNNER_FORFEIT: &str = "Only the runner may forfeit this race.";
/// Forfeit on a race that is over.
pub(crate) const CANNOT_FORFEIT: &str = "Only a pending or in-progress race can be forfeited.";
/// The forfeit confirmation.
pub(crate) const FORFEIT_ASK: &str = "Are you sure you want to forfeit? Think carefully: \
     this **cannot be undone**. The run scores **zero** on your record and you may not play \
     it again.";
/// The forfeit confirmation after the confirm button was used.
pub(crate) const FORFEIT_DONE: &str = "Forfeit recorded.";
/// Someone other than the runner finished.
pub(crate) const ONLY_RUNNER_FINISH: &str = "Only the runner of this race may finish it.";
/// Finish on a race that is not in progress.
pub(crate) const NOT_IN_PROGRESS: &str = "Only a race in progress can be finished.";
/// Get timer on a race that is over.
pub(crate) const ALREADY_FINISHED: &str = "Race is already finished.";
/// Someone other than the runner pressed Submit Run Information.
pub(crate) const ONLY_RUNNER_SUBMIT: &str = "Only the runner may submit run information.";
/// `/async extendtimeout` on a race that is not pending.
pub(crate) const NOT_PENDING: &str = "This race is not pending. It cannot be extended.";
/// `/async extendtimeout` by someone without the admin or mod permission.
pub(crate) const CANNOT_EXTEND: &str =
    "You are not allowed to extend the timeout of this tournament race.";
/// `/async calculate_scores` by someone without the admin permission.
pub(crate) const ADMIN_ONLY: &str = "Only an admin of this tournament may do this.";
/// `/async live_race_record` by someone without the admin or mod permission.
pub(crate) const STAFF_ONLY: &str = "Only an admin or mod of this tournament may do this.";
/// The close confirmation.
pub(crate) const CLOSE_ASK: &str =
    "Are you sure you want to close this tournament?\n\nThis cannot be undone.";
/// The tournament was closed.
pub(crate) const CLOSED: &str = "This tournament has been closed.";
/// An unknown live race.
pub(crate) const UNKNOWN_LIVE_RACE: &str =
    "That RaceTime.gg room is not a live race of an async tournament.";
/// The live race was recorded cleanly.
pub(crate) const LIVE_RACE_CLEAN: &str =
    "The recording of this race finished without any warnings!";
/// `/async calculate_scores` finished.
pub(crate) const DONE: &str = "Done!";
/// A short-lived dialog was used after it expired.
pub(crate) const EXPIRED: &str = "This dialog has expired. Please start again.";

/// `/async permissions` without a role or a user.
pub(crate) const ROLE_OR_USER: &str = "Please specify a role or a user.";
/// `/async permissions` with both.
pub(crate) const ROLE_XOR_USER: &str = "Please specify a role OR a user, not both.";

/// `/async addseed` with a pool the tournament does not have.
pub(crate) fn unknown_pool(name: &str) -> String {
    format!("This tournament has no pool named {name}.")
}

/// `/async addseed`'s answer.
pub(crate) fn seeds_added(count: u32, pool: &str) -> String {
    format!("Added {count} seeds to pool {pool}.")
}

/// `/async permissions` with a role.
pub(crate) fn granted_role(role: u64, members: usize, permission: &str) -> String {
    format!(
        "The {members} current members of <@&{role}> have been granted {permission} permissions."
    )
}

/// `/async permissions` with a user.
pub(crate) fn granted_user(name: &str, id: u64, permission: &str) -> String {
    format!("{name} ({id}) has been granted {permission} permissions.")
}

/// The RaceTime.gg link is missing: the refusal and the account-linking page.
pub(crate) fn link_racetime(refusal: &str, app_url: &str) -> String {
    format!("{refusal}\n\nLink your account here: <{app_url}/racetime/verification/initiate>")
}

/// The new-run dialog's warning; `grace_minutes` is the real start deadline.
pub(crate) fn new_race_warning(grace_minutes: i64) -> String {
    format!(
        "You must start your race within {grace_minutes} minutes of confirming, or it will be \
         forfeited.\n\n**Only continue if you are completely ready to begin.**\n\nThis dialog \
         expires in 60 seconds. Dismiss this message if you clicked by mistake."
    )
}

/// The new-run dialog after the thread was created.
pub(crate) fn thread_created(thread: u64) -> String {
    format!("Created <#{thread}>. Please join that thread for your race details.")
}

/// The instructions posted in a new race thread.
pub(crate) fn instructions(gmpmt: bool) -> &'static str {
    if gmpmt {
        "Please read these instructions before you begin:\n\
         1. Do **not** stream this run.\n\
         2. At the end of the run, take a screenshot that shows your in-game time (IGT) and \
         your collection rate; you will be asked for both.\n\
         3. Recording the run is optional.\n\n\
         Press **Ready** when you are ready to start the countdown."
    } else {
        "Please read these instructions before you begin:\n\
         1. Record your run to an **unlisted** YouTube video, or stream it and keep the \
         recording.\n\
         2. Do not make the video public until the qualifiers have closed.\n\
         3. Do not forfeit because of technical problems; contact the tournament staff \
         instead.\n\
         4. A forfeit, even before you start, uses up your reattempt.\n\
         5. Record in .mkv or .flv, not .mp4, so a crash does not lose the file.\n\
         6. Do not use Twitch to host the recording.\n\n\
         Press **Ready** when you are ready to start the countdown."
    }
}

/// The public finish message.
pub(crate) fn finished(elapsed: &str, gmpmt: bool) -> String {
    let reminder = if gmpmt {
        "Please submit your collection rate and IGT with the button below, and post a \
         screenshot of them in this thread."
    } else {
        "Don't forget to submit your VoD with the button below!"
    };
    format!(
        "Your finish time of **{elapsed}** has been recorded. Thank you for playing!\n\n{reminder}"
    )
}

/// The public forfeit announcement.
pub(crate) fn forfeited_by(user: u64) -> String {
    format!("This run has been forfeited by <@{user}>.")
}

/// The Get timer answer.
pub(crate) fn timer(elapsed: &str) -> String {
    format!("Timer: **{elapsed}**")
}

/// The answer to the default run-information modal.
pub(crate) fn vod_saved(url: &str, notes: &str) -> String {
    format!("VOD link and runner notes saved.\n\n**URL:**\n{url}\n\n**Notes:**\n{notes}")
}

/// The answer to the `gmpmt2023` run-information modal.
pub(crate) fn run_info_saved(collection_rate: &str, igt: &str) -> String {
    format!(
        "Collection rate and IGT saved.\n\n**Collection rate:** {collection_rate}\n**IGT:** \
         {igt}\n\nPlease post a screenshot of them in this thread, and a link to your \
         recording if you made one."
    )
}

/// `<t:unix:style>` for a naive UTC time.
pub(crate) fn discord_time(at: NaiveDateTime, style: char) -> String {
    format!("<t:{}:{style}>", at.and_utc().timestamp())
}

/// `/async extendtimeout`'s answer.
pub(crate) fn timeout_extended(to: NaiveDateTime) -> String {
    format!(
        "Timeout extended to {} ({}).",
        discord_time(to, 'f'),
        discord_time(to, 'R')
    )
}

/// The warning posted while a pending race is in its last 10 minutes.
pub(crate) fn timeout_warning(user: u64, deadline: NaiveDateTime) -> String {
    format!(
        "<@{user}>, your race will be permanently forfeited at {} ({}) unless you start it \
         before then. Please start as soon as possible, and ping the @Admins if you need more \
         time.",
        discord_time(deadline, 'f'),
        discord_time(deadline, 'R')
    )
}

/// Posted when a pending race is forfeited for not being started.
pub(crate) fn start_timeout_forfeit(user: u64) -> String {
    format!(
        "<@{user}>, the grace period for the start of this run has elapsed, and the run has \
         been forfeited. Please contact the @Admins if you believe this is a mistake."
    )
}

/// Posted when a race in progress is forfeited after 12 hours.
pub(crate) fn running_timeout_forfeit(user: u64) -> String {
    format!(
        "<@{user}>, this race has run for more than 12 hours and has been forfeited. Please \
         contact the @Admins if you believe this is a mistake."
    )
}

/// racetime.gg did not answer the race data.
pub(crate) fn racetime_error(detail: &str) -> String {
    format!("Error fetching the race from RaceTime.gg: {detail}. Please try again later.")
}

/// The follow-up of `/async live_race_record` with warnings.
pub(crate) fn live_race_warnings(warnings: &[String]) -> String {
    let mut text = String::from(
        "The race was recorded with these warnings. Please report them to the bot's \
         maintainers if they look wrong:\n",
    );
    for warning in warnings {
        text.push_str("- ");
        text.push_str(warning);
        text.push('\n');
    }
    text
}
