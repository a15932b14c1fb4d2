//! The crate's error type.

/// What can go wrong in the tournament engine.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// SpeedGaming answered with an error body (`{"error": …}`) for a schedule: the event is
    /// unknown to SpeedGaming.
    #[error("SpeedGaming event not found: {0}")]
    EventNotFound(String),
    /// SpeedGaming answered with an error body for an episode.
    #[error("SpeedGaming episode not found: {0}")]
    EpisodeNotFound(String),
    /// A SpeedGaming request failed or its body could not be read.
    #[error("SpeedGaming request failed: {0}")]
    SpeedGaming(String),
    /// A racetime.gg call failed.
    #[error(transparent)]
    Racetime(#[from] sahasrahbot_racetime::Error),
    /// A database call failed.
    #[error(transparent)]
    Db(#[from] sea_orm::DbErr),
    /// The engine is not set up to run something (a category without a bot, …).
    #[error("{0}")]
    Config(String),
    /// A Discord lookup or send failed.
    #[error("Discord: {0}")]
    Discord(String),
    /// A runner of the episode cannot be resolved to a linked guild member (§2.3); the text
    /// is what the audit channel shows.
    #[error("{0}")]
    Player(String),
    /// The league site has no mode for the episode, or could not be read.
    #[error("{0}")]
    League(String),
    /// A preset could not be loaded or built.
    #[error("preset: {0}")]
    Preset(String),
    /// A submitted settings form was refused (an unknown game, a preset not offered, an
    /// event without a form); the text is shown to the submitter.
    #[error("{0}")]
    Submission(String),
    /// Seed generation failed.
    #[error(transparent)]
    Seedgen(#[from] sahasrahbot_seedgen::Error),

    // Async tournaments (`asynctournament`): refusals shown to the user, and missing rows.
    /// An async tournament, pool, race, permalink or live race does not exist; the text
    /// names what was looked for.
    #[error("{0} not found.")]
    AsyncNotFound(&'static str),
    /// `/async create` in a channel that already has an async tournament.
    #[error(
        "An async tournament is already associated with this channel.  Please create a new channel for the tournament."
    )]
    AsyncChannelTaken,
    /// An async tournament's name is empty or longer than the table's 45 characters.
    #[error("A tournament name is 1 to 45 characters long.")]
    AsyncBadName,
    /// `/async create`'s permalinks option has a malformed row; the text names it.
    #[error("Invalid permalinks option: {0}")]
    AsyncBadPermalinks(String),
    /// `/async addseed`/`create` was given a pool name the tournament already has.
    #[error("The pool {0} already exists in this tournament.")]
    AsyncPoolExists(String),
    /// `/async permissions` with something other than `admin` or `mod`.
    #[error("Invalid permission {0}.  Valid permissions are: admin, mod")]
    AsyncBadPermission(String),
    /// `/async update_run`'s elapsed time is not `H:M:S` with hours 0–23.
    #[error("Invalid elapsed time {0}; use H:M:S with hours from 0 to 23.")]
    AsyncBadElapsedTime(String),
    /// The tournament is closed.
    #[error("This tournament is not currently active.")]
    AsyncInactive,
    /// The Discord account is newer than the tournament allows and not whitelisted.
    #[error(
        "Your Discord account is too new to participate in this tournament.  Please contact a tournament administrator for manual verification and whitelisting."
    )]
    AsyncAccountTooNew,
    /// The user has not linked a racetime.gg account.
    #[error(
        "You must link your RaceTime.gg account to SahasrahBot before you can participate in an async tournament."
    )]
    AsyncRacetimeNotLinked,
    /// Every pool's slots are used up.
    #[error("You have already played all available pools for this tournament.")]
    AsyncAllPoolsPlayed,
    /// The chosen pool's slots are used up.
    #[error("You have already played from this pool.")]
    AsyncPoolPlayed,
    /// The user already has a pending or in-progress race in the tournament.
    #[error(
        "You already have an active race.  If you believe this is in error, please contact a moderator."
    )]
    AsyncActiveRace,
    /// The user has played every permalink of the pool that async runs may use.
    #[error(
        "There is no seed left in this pool for you.  Please contact a tournament administrator."
    )]
    AsyncNoEligiblePermalink,
    /// Someone other than the runner acted on a race.
    #[error("Only the runner of this race may do that.")]
    AsyncNotRunner,
    /// The race's status does not allow the action.
    #[error("This race is {0}; that cannot be done now.")]
    AsyncWrongStatus(String),
    /// Someone other than the tournament's owner tried an owner action.
    #[error("You are not the owner of this tournament.")]
    AsyncNotOwner,
    /// A live race is not in progress and recording was not forced.
    #[error("That live race is not currently in progress.")]
    AsyncLiveRaceNotInProgress,
    /// The web reattempt: the player already used their reattempt in this tournament.
    #[error(
        "You have already used your reattempt in this tournament.  Contact an admin if this is wrong."
    )]
    AsyncReattemptUsed,
    /// The web reattempt without a `race_id`.
    #[error("You must supply a race_id")]
    AsyncMissingRaceId,
    /// The web reattempt of a race that is not the player's or not in the tournament.
    #[error("Only the race's player may reattempt it.")]
    AsyncNotYourRace,
    /// A review submitted for a race that is not finished.
    #[error("This race cannot be reviewed yet.")]
    AsyncNotReviewable,
    /// A review submitted for a reattempted race.
    #[error("Reattempted races cannot be reviewed.")]
    AsyncReviewReattempted,
    /// A reviewer reviewing their own run.
    #[error("You cannot review your own run.")]
    AsyncOwnRun,
}

/// The crate's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
