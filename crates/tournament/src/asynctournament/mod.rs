//! Async tournaments (`discord.md` §4, `api.md` §3.3): the rules and the database side the
//! Discord `/async` commands and the web pages share.
//!
//! Entry points:
//!
//! - [`AsyncTournaments`] (build one per process over the DB connection; clones share its
//!   leaderboard cache and scoring lock):
//!   - Discord owner commands: [`AsyncTournaments::create_tournament_with_pools`] (+
//!     [`parse_pool_specs`]; every seed rolled by the caller first, then all written in one
//!     transaction), [`AsyncTournaments::add_seeds`] (likewise), [`AsyncTournaments::grant_permission`]
//!     (+ [`AsyncRole::parse_grant`]), [`AsyncTournaments::close`] / [`check_close`],
//!     [`AsyncTournaments::update_run`] (+ [`parse_elapsed_time`]).
//!   - Runner buttons: [`AsyncTournaments::check_new_run`] → (pool select) →
//!     [`AsyncTournaments::check_open_race`] → create the thread ([`thread_name`]) →
//!     [`AsyncTournaments::open_race`]; then [`AsyncTournaments::race_by_thread`],
//!     [`AsyncTournaments::race_ready`] → countdown → [`AsyncTournaments::race_started`]
//!     (or [`AsyncTournaments::countdown_failed`] when it could not be posted),
//!     [`AsyncTournaments::finish`], [`AsyncTournaments::forfeit`],
//!     [`AsyncTournaments::submit_run_info`], [`AsyncTournaments::submit_collection_rate`];
//!     the timer text is [`format_elapsed`] of [`AsyncRace::elapsed`].
//!   - Staff: [`AsyncTournaments::extend_timeout`], [`AsyncTournaments::calculate_scores`],
//!     [`AsyncTournaments::live_races_matching`] / [`AsyncTournaments::live_race_for_record`]
//!     / [`AsyncTournaments::record_live_race`] (+ [`LiveEntrant::from_race`]).
//!   - Loops: [`AsyncTournaments::enforce_timeouts`] every 60 s (post the returned
//!     [`TimeoutNotice`]s), [`AsyncTournaments::score_active_tournaments`] hourly.
//!   - Web: [`AsyncTournaments::leaderboard`] ([`Leaderboard`], `by_estimate`),
//!     [`AsyncTournaments::races_of_user`], [`AsyncTournaments::has_reattempted`],
//!     [`AsyncTournaments::check_reattempt`] / [`AsyncTournaments::reattempt`],
//!     [`AsyncTournaments::review_queue`] ([`ReviewQueueFilter::from_query`]),
//!     [`AsyncTournaments::race_for_review`] (claims), [`AsyncTournaments::submit_review`],
//!     [`AsyncTournaments::pools_with_permalinks`], [`AsyncTournaments::permalink`],
//!     [`AsyncTournaments::permalink_races`], lookups ([`AsyncTournaments::tournament`],
//!     [`AsyncTournaments::tournaments`], [`AsyncTournaments::user`]).
//! - Permissions: [`is_async_tournament_user`] (also as a method) with the role sets of
//!   §4.9: [`STAFF`], [`ADMINS`], [`VIEWERS`] ([`AsyncRole`]).
//! - Refusals are [`crate::Error`]'s `Async*` variants; their texts are user-facing.
//! - Pure rules: [`RaceStatus`], [`ReviewStatus`], [`elapsed`], [`par_time`], [`score`],
//!   [`choose_permalink`], [`needs_whitelist`], and [`timeouts`].

pub mod leaderboard;
pub mod permissions;
pub mod rules;
pub mod service;
pub mod timeouts;

pub use leaderboard::{Leaderboard, LeaderboardCounts, LeaderboardEntry};
pub use permissions::{ADMINS, STAFF, VIEWERS, is_async_tournament_user};
pub use rules::{
    AsyncRole, PermalinkCandidate, PoolSpec, RaceStatus, ReviewStatus, choose_permalink,
    discord_account_created, elapsed, format_elapsed, needs_whitelist, par_time,
    parse_elapsed_time, parse_pool_specs, run_score, score, thread_name,
};
pub use service::{
    Actor, AsyncRace, AsyncTournaments, AuditAction, Grantee, LiveEntrant, LiveFilter, NewPool,
    NewRunCheck, NewSeed, NewTournament, OpenedRace, REVIEW_PAGE_SIZE, ReviewQueueFilter,
    ReviewQueuePage, ReviewerFilter, RunUpdate, TimeoutKind, TimeoutNotice, check_close,
    reviewable,
};
