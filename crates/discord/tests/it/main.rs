//! The integration tests of `discord`, one module per area, built as one test binary (one
//! link instead of one per file).

mod common;

mod asynctournament;
mod bot;
mod daily;
mod directory;
mod discord_servers;
mod fake_discord;
mod inquiry;
mod misc_more;
mod nickname;
mod parity_gaps;
mod racer_verification;
mod rankedchoice;
mod sgdaily;
mod tournament_week;
