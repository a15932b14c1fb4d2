//! Exact chat texts of the core handler (double spaces after periods kept on purpose).

/// The core greeting; `{prefix}` is the command prefix.
pub(crate) fn intro(prefix: &str) -> String {
    format!(
        "Hi!  I'm SahasrahBot, your friendly robotic elder and randomizer seed roller! Use {prefix}help to see what I can do!   Check out https://sahasrahbot.synack.live/rtgg.html for more info."
    )
}

/// A roll command while a seed is rolled.
pub const ALREADY_ROLLED: &str =
    "I already rolled a seed!  Use !cancel to clear the currently rolled game.";
/// A roll command from a non-monitor in a locked room.
pub const LOCKED: &str = "Seed rolling is locked in this room.  Only the creator of this room, a race monitor, or a moderator can roll.";
/// `!lock`.
pub const LOCK: &str = "Lock initiated. I will now only roll seeds for race monitors.";
/// `!unlock`.
pub const UNLOCK: &str = "Lock released. Anyone may now roll a seed.";
/// `!cancel` (the typo "Reseting" of the original is fixed).
pub const CANCEL: &str = "Resetting bot state.  You may now roll a new game.";
/// The info after `!cancel`.
pub const NEW_RACE: &str = "New Race";
/// `!tournamentrace` from a spectator.
pub const TOURNAMENT_ENTRANTS_ONLY: &str =
    "Only entrants or race monitors may roll a tournament seed.";
/// `!tournamentrace` in a room without a tournament.
pub const NOT_A_TOURNAMENT: &str = "This room is not associated with a tournament.";
/// `!konot`.
pub const KONOT_START: &str = "Setting up new KONOT race series!  The last player(s) to finish will be eliminated.  Once this race finishes, a new race will be created and the players advancing will be invited to the new room.";
/// `!override` from a user not on the category's whitelist: no permission to override the
/// streaming requirement here; a category owner can change that.
pub const OVERRIDE_NOT_WHITELISTED: &str = "You are not permitted to override the streaming requirement in this category.  Please contact a category owner if this needs to change.";
/// `!override` with an expired exemption: a category owner can renew it.
pub const OVERRIDE_EXPIRED: &str =
    "Your streaming exemption has expired.  Please contact a category owner to have it renewed.";
/// `!promote` from a gatekeeper who has not joined the race (the server only promotes
/// entrants; the original sent the action anyway and echoed the server's error).
pub const PROMOTE_JOIN_FIRST: &str =
    "You must join this race room before I can promote you.  Join, then use !promote again.";
/// The please-wait notice of every generator command.
pub const GENERATING: &str =
    "Generating game, please wait.  If nothing happens after a minute, contact Synack.";
/// After a successful roll.
pub const DONE: &str = "Seed rolling complete.  See race info for details.";
/// A roll command without a preset.
pub const NO_PRESET: &str = "You must specify a preset!";
/// Echo of server errors.
pub(crate) fn exception(text: &str) -> String {
    format!("Command raised exception: {text}")
}
