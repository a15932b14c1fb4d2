//! The JSON shapes of the async-tournament API (api.md §3.3.1) and their conversion from
//! database rows. The fields are those the Python bot sent; the server writes every
//! object's keys in alphabetical order (JSON readers do not depend on key order).
//!
//! Timestamps are ISO 8601 in UTC with a `Z` (`2024-01-01T13:30:05Z`, microseconds only when
//! not zero), as pydantic wrote them; the leaderboard alone uses HTTP dates.

use chrono::{NaiveDateTime, Timelike};
use poem_openapi::Object;
use sahasrahbot_core::db::entities::{
    asynctournament, asynctournamentliverace, asynctournamentpermalink,
    asynctournamentpermalinkpool, users,
};

/// A timestamp as pydantic wrote it: ISO 8601 in UTC with `Z`, microseconds when not zero.
pub(super) fn iso(t: NaiveDateTime) -> String {
    if t.nanosecond() == 0 {
        t.format("%Y-%m-%dT%H:%M:%SZ").to_string()
    } else {
        t.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string()
    }
}

/// An async tournament.
#[derive(Debug, Clone, Object)]
pub(super) struct Tournament {
    /// The tournament id.
    id: i32,
    /// Its name.
    name: String,
    /// The Discord guild (snowflake).
    guild_id: i64,
    /// The Discord channel holding the start button (snowflake).
    channel_id: i64,
    /// The channel results are reported to (snowflake).
    report_channel_id: Option<i64>,
    /// The Discord user who created it (snowflake).
    owner_id: i64,
    /// When it was created (ISO 8601, UTC).
    created: String,
    /// When it was last updated (ISO 8601, UTC).
    updated: String,
    /// Whether runs may still be started.
    active: bool,
    /// Reattempts allowed per player (not enforced: one reattempt per tournament).
    allowed_reattempts: Option<i16>,
    /// How many runs each player plays per pool.
    runs_per_pool: i16,
    /// The customisation key (`default` or an event's).
    customization: String,
}

impl From<&asynctournament::Model> for Tournament {
    fn from(t: &asynctournament::Model) -> Self {
        Self {
            id: t.id,
            name: t.name.clone(),
            guild_id: t.guild_id,
            channel_id: t.channel_id,
            report_channel_id: t.report_channel_id,
            owner_id: t.owner_id,
            created: iso(t.created),
            updated: iso(t.updated),
            active: t.active,
            allowed_reattempts: t.allowed_reattempts,
            runs_per_pool: t.runs_per_pool,
            customization: t.customization.clone(),
        }
    }
}

/// A bot user (the racetime.gg access token is never sent).
#[derive(Debug, Clone, Object)]
pub(super) struct User {
    /// The users row id.
    id: i32,
    /// The Discord user id (snowflake).
    discord_user_id: Option<i64>,
    /// The Twitch name.
    twitch_name: Option<String>,
    /// The racetime.gg user id.
    rtgg_id: Option<String>,
    /// The display name.
    display_name: Option<String>,
}

impl From<&users::Model> for User {
    fn from(u: &users::Model) -> Self {
        Self {
            id: u.id,
            discord_user_id: u.discord_user_id,
            twitch_name: u.twitch_name.clone(),
            rtgg_id: u.rtgg_id.clone(),
            display_name: u.display_name.clone(),
        }
    }
}

/// A pool, as other objects refer to it.
#[derive(Debug, Clone, Object)]
pub(super) struct PoolRef {
    /// The pool id.
    id: i32,
    /// Its name.
    name: String,
    /// The preset its seeds were rolled with.
    preset: Option<String>,
    /// The tournament it belongs to.
    tournament_id: i32,
}

impl From<&asynctournamentpermalinkpool::Model> for PoolRef {
    fn from(p: &asynctournamentpermalinkpool::Model) -> Self {
        Self {
            id: p.id,
            name: p.name.clone(),
            preset: p.preset.clone(),
            tournament_id: p.tournament_id,
        }
    }
}

/// A permalink (seed) with its pool.
#[derive(Debug, Clone, Object)]
pub(super) struct Permalink {
    /// The permalink id.
    id: i32,
    /// The pool it belongs to.
    pool: PoolRef,
    /// The seed's URL.
    url: Option<String>,
    /// Notes shown to runners.
    notes: Option<String>,
    /// Whether the seed is reserved for live races.
    live_race: bool,
    /// The par time in seconds (mean of the fastest finishes), once scored.
    par_time: Option<f64>,
    /// When the par time was computed (ISO 8601, UTC).
    par_updated_at: Option<String>,
}

impl Permalink {
    pub(super) fn new(
        p: &asynctournamentpermalink::Model,
        pool: &asynctournamentpermalinkpool::Model,
    ) -> Self {
        Self {
            id: p.id,
            pool: pool.into(),
            url: p.url.clone(),
            notes: p.notes.clone(),
            live_race: p.live_race,
            par_time: p.par_time,
            par_updated_at: p.par_updated_at.map(iso),
        }
    }
}

/// A permalink (seed) inside its pool.
#[derive(Debug, Clone, Object)]
pub(super) struct PermalinkFlat {
    /// The permalink id.
    id: i32,
    /// The seed's URL.
    url: Option<String>,
    /// Notes shown to runners.
    notes: Option<String>,
    /// Whether the seed is reserved for live races.
    live_race: bool,
    /// The par time in seconds, once scored.
    par_time: Option<f64>,
    /// When the par time was computed (ISO 8601, UTC).
    par_updated_at: Option<String>,
}

impl From<&asynctournamentpermalink::Model> for PermalinkFlat {
    fn from(p: &asynctournamentpermalink::Model) -> Self {
        Self {
            id: p.id,
            url: p.url.clone(),
            notes: p.notes.clone(),
            live_race: p.live_race,
            par_time: p.par_time,
            par_updated_at: p.par_updated_at.map(iso),
        }
    }
}

/// A live (racetime.gg) race of the tournament.
#[derive(Debug, Clone, Object)]
pub(super) struct LiveRace {
    /// The live race id.
    pub(super) id: i32,
    /// The tournament.
    pub(super) tournament: Tournament,
    /// The pool it draws from.
    pub(super) pool: PoolRef,
    /// The seed, once chosen.
    pub(super) permalink: Option<Permalink>,
    /// The racetime.gg room slug.
    pub(super) racetime_slug: Option<String>,
    /// The SpeedGaming episode.
    pub(super) episode_id: Option<i32>,
    /// The match title.
    pub(super) match_title: Option<String>,
    /// `scheduled`, `pending`, `in_progress`, `finished` or `cancelled`.
    pub(super) status: String,
}

/// A live race inside its pool.
#[derive(Debug, Clone, Object)]
pub(super) struct PoolLiveRace {
    /// The live race id.
    id: i32,
    /// The tournament.
    tournament: Tournament,
    /// The seed, once chosen.
    permalink: Option<PermalinkFlat>,
    /// The racetime.gg room slug.
    racetime_slug: Option<String>,
    /// The SpeedGaming episode.
    episode_id: Option<i32>,
    /// The match title.
    match_title: Option<String>,
    /// The live race's status.
    status: String,
}

impl PoolLiveRace {
    pub(super) fn new(
        r: &asynctournamentliverace::Model,
        tournament: Tournament,
        permalink: Option<&asynctournamentpermalink::Model>,
    ) -> Self {
        Self {
            id: r.id,
            tournament,
            permalink: permalink.map(Into::into),
            racetime_slug: r.racetime_slug.clone(),
            episode_id: r.episode_id,
            match_title: r.match_title.clone(),
            status: r.status.clone(),
        }
    }
}

/// A pool with its permalinks and live races.
#[derive(Debug, Clone, Object)]
pub(super) struct Pool {
    /// The pool id.
    pub(super) id: i32,
    /// Its name.
    pub(super) name: String,
    /// The preset its seeds were rolled with.
    pub(super) preset: Option<String>,
    /// Its live races.
    pub(super) live_races: Vec<PoolLiveRace>,
    /// Its permalinks.
    pub(super) permalinks: Vec<PermalinkFlat>,
    /// The tournament it belongs to.
    pub(super) tournament_id: i32,
}

/// One run of the tournament.
#[derive(Debug, Clone, Object)]
pub(super) struct Race {
    /// The race id.
    pub(super) id: i32,
    /// The seed played.
    pub(super) permalink: Permalink,
    /// The runner.
    pub(super) user: User,
    /// The Discord thread of the run (snowflake); none for live races.
    pub(super) thread_id: Option<i64>,
    /// When the thread was opened (ISO 8601, UTC).
    pub(super) thread_open_time: Option<String>,
    /// When the run is forfeited unless started (ISO 8601, UTC).
    pub(super) thread_timeout_time: Option<String>,
    /// When the run started (ISO 8601, UTC).
    pub(super) start_time: Option<String>,
    /// When the run ended (ISO 8601, UTC).
    pub(super) end_time: Option<String>,
    /// `pending`, `in_progress`, `finished`, `forfeit` or `disqualified`.
    pub(super) status: String,
    /// The live race the run was part of.
    pub(super) live_race: Option<LiveRace>,
    /// Whether the runner gave this run up for a reattempt.
    pub(super) reattempted: Option<bool>,
    /// Why.
    pub(super) reattempt_reason: Option<String>,
    /// The runner's notes.
    pub(super) runner_notes: Option<String>,
    /// The runner's VoD.
    pub(super) runner_vod_url: Option<String>,
    /// The collection rate the runner reported.
    pub(super) run_collection_rate: Option<String>,
    /// The in-game time the runner reported.
    pub(super) run_igt: Option<String>,
    /// `pending`, `accepted` or `rejected`.
    pub(super) review_status: String,
    /// The reviewer.
    pub(super) reviewed_by: Option<User>,
    /// When it was reviewed (ISO 8601, UTC).
    pub(super) reviewed_at: Option<String>,
    /// The reviewer's notes.
    pub(super) reviewer_notes: Option<String>,
    /// The score (0–105), once scored.
    pub(super) score: Option<f64>,
    /// When the score was computed (ISO 8601, UTC).
    pub(super) score_updated_at: Option<String>,
    /// The tournament.
    pub(super) tournament_id: i32,
}

/// A player's standing on the leaderboard.
#[derive(Debug, Clone, Object)]
pub(super) struct LeaderboardEntry {
    /// How the player's slots are filled.
    pub(super) counts: LeaderboardCounts,
    /// The player.
    pub(super) player: LeaderboardPlayer,
    /// The player's slots, pool by pool, `runs_per_pool` each; `null` for an unplayed slot.
    pub(super) races: Vec<Option<LeaderboardRace>>,
    /// The player's place, from 1 (ties get different places).
    pub(super) rank: u32,
    /// The mean of the slot scores, unplayed and unscored slots counting 0.
    pub(super) score: f64,
}

/// How a player's slots are filled.
#[derive(Debug, Clone, Object)]
pub(super) struct LeaderboardCounts {
    /// Finished runs.
    pub(super) finished: u32,
    /// Forfeited and disqualified runs.
    pub(super) forfeited: u32,
    /// Empty slots.
    pub(super) unplayed: u32,
}

/// The player of a leaderboard entry.
#[derive(Debug, Clone, Object)]
pub(super) struct LeaderboardPlayer {
    /// The Discord user id (snowflake).
    pub(super) discord_user_id: Option<i64>,
    /// The display name.
    pub(super) display_name: Option<String>,
    /// The users row id.
    pub(super) id: i32,
    /// The racetime.gg user id.
    pub(super) rtgg_id: Option<String>,
    /// The Twitch name.
    pub(super) twitch_name: Option<String>,
}

/// A run in a leaderboard slot (times as HTTP dates, as the Python bot's `jsonify` wrote
/// them).
#[derive(Debug, Clone, Object)]
pub(super) struct LeaderboardRace {
    /// `HH:MM:SS` from start to end, `N/A` without both.
    pub(super) elapsed_time: String,
    /// When the run ended, as an HTTP date.
    pub(super) end_time: Option<String>,
    /// The race id.
    pub(super) id: i32,
    /// The seed played.
    pub(super) permalink_id: i32,
    /// The score, once scored.
    pub(super) score: Option<f64>,
    /// When the run started, as an HTTP date.
    pub(super) start_time: Option<String>,
    /// `finished`, `forfeit` or `disqualified`.
    pub(super) status: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_are_iso_with_z_and_micros_only_when_set() {
        let t = chrono::NaiveDate::from_ymd_opt(2024, 1, 1)
            .and_then(|d| d.and_hms_opt(13, 30, 5))
            .expect("valid date");
        assert_eq!(iso(t), "2024-01-01T13:30:05Z");
        let t = t.with_nanosecond(120_000_000).expect("valid nanos");
        assert_eq!(iso(t), "2024-01-01T13:30:05.120000Z");
    }
}
