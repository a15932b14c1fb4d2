//! The engine's room chat lines (§2.8, §2.10, §3.3) and audit lines (§2.17). Race infos
//! and announcements are in [`crate::race_info`].

/// First room message of a roll.
pub const GENERATING: &str =
    "Generating game, please wait.  If nothing happens after a minute, contact Synack.";
/// Last room message of the generic ALTTPR roll.
pub const GENERATED: &str = "Seed has been generated, you should have received a DM in both Discord and RaceTime.gg.  Please contact a Tournament Moderator if you haven't received the DM.";
/// First welcome message of the ALTTPR rooms.
pub const WELCOME: &str = "Welcome! Use the \"Roll Tournament Seed\" pinned above about 5 minutes before your race start.  You do NOT need to wait for your setup helper to do this or start your race, they will appear later to setup the stream.";
/// Text of the pinned message that carries the roll button.
pub const CONTROLS: &str = "Tournament Controls:";
/// Label of the roll button.
pub const ROLL_LABEL: &str = "Roll Tournament Seed";
/// Tooltip of the roll button.
pub const ROLL_HELP: &str = "Create a seed for this specific tournament race.  This should only be done shortly before the race starts.";
/// What the roll button sends.
pub const ROLL_COMMAND: &str = "!tournamentrace";
/// Room message when the league site has no mode.
pub const NO_LEAGUE_MODE: &str =
    "No active League mode!  This should not have happened.  Contact a league admin/mod for help.";

/// The audit message of a failed room creation (§2.17).
pub fn creation_failed(episode_id: i64, error: &str) -> String {
    format!(
        "There was an error while automatically creating a race room for episode `{episode_id}`.\n\n{error}"
    )
}
/// The SMRL welcome, pinned with the roll button.
pub const SMRL_WELCOME: &str = "Welcome. Use !tournamentrace (without any arguments) to roll your seed!  This should be done about 5 minutes prior to the start of your race.  You do NOT need to wait for your setup helper to do this or start your race, they will appear later to setup the stream.";
