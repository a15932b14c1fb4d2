//! The background enforcement (`discord.md` §4.6), started with the bot and stopped with
//! it; each waits for READY, runs at once, then at its interval; a failing tick is logged
//! and the loop goes on.
//!
//! - Every `async_enforcement_interval` (60 s): the tournament crate's timeout pass
//!   (default start deadlines written, pending races past their deadline and runs over
//!   12 hours forfeited), then its pings posted in the race threads.
//! - Every `async_scoring_interval` (1 hour): every active tournament scored.
//!
//! Difference from the original: the start-deadline warning is posted once per race and
//! deadline (again after an `/async extendtimeout`), not on every tick of the last ten
//! minutes; the memory of what was warned is per process.

use std::collections::HashMap;
use std::future::IntoFuture as _;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::NaiveDateTime;
use sahasrahbot_tournament::asynctournament::{TimeoutKind, TimeoutNotice};
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;
use tracing::Instrument as _;
use twilight_model::id::Id;

use super::texts;
use crate::commands::daily::{every, wait_ready};
use crate::{Bot, Result};

/// The default interval of the timeout pass.
pub const ENFORCEMENT_INTERVAL: Duration = Duration::from_secs(60);
/// The default interval of the scoring.
pub const SCORING_INTERVAL: Duration = Duration::from_secs(3600);

/// Race id → the deadline it was last warned about.
type Warned = Arc<Mutex<HashMap<i32, NaiveDateTime>>>;

/// Starts both loops; they end when `cancel` fires.
pub(crate) fn spawn(bot: Arc<Bot>, cancel: CancellationToken) -> Vec<JoinHandle<()>> {
    let enforcement = {
        let (bot, cancel) = (bot.clone(), cancel.clone());
        tokio::spawn(async move {
            if !wait_ready(&bot, &cancel).await {
                return;
            }
            let warned = Warned::default();
            every(bot.cogs.async_enforcement_interval, cancel, || {
                let (bot, warned) = (bot.clone(), warned.clone());
                async move {
                    let span = tracing::info_span!("async_timeouts");
                    if let Err(e) = enforce(&bot, &warned).instrument(span).await {
                        tracing::warn!(error = %e, "async tournament timeout pass failed");
                    }
                }
            })
            .await;
        })
    };
    let scoring = tokio::spawn(async move {
        if !wait_ready(&bot, &cancel).await {
            return;
        }
        every(bot.cogs.async_scoring_interval, cancel, || {
            let bot = bot.clone();
            async move {
                let span = tracing::info_span!("async_scoring");
                let scored = bot
                    .asyncs
                    .score_active_tournaments(chrono::Utc::now())
                    .instrument(span)
                    .await;
                match scored {
                    Ok(n) => tracing::debug!(tournaments = n, "async tournaments scored"),
                    Err(e) => tracing::warn!(error = %e, "async tournament scoring failed"),
                }
            }
        })
        .await;
    });
    vec![enforcement, scoring]
}

/// One timeout pass: the forfeits are written by the tournament crate; the pings are
/// posted here (a thread the bot cannot post in is logged and skipped).
async fn enforce(bot: &Bot, warned: &Warned) -> Result<()> {
    let notices = bot
        .asyncs
        .enforce_timeouts(chrono::Utc::now(), |_| true)
        .await?;
    for notice in notices {
        let Some(text) = notice_text(&notice, warned) else {
            continue;
        };
        let Some(thread) = Id::new_checked(notice.thread_id) else {
            continue;
        };
        let span = tracing::info_span!(
            "async_timeout",
            race = notice.race_id,
            tournament = notice.tournament_id
        );
        let sent = bot
            .http
            .create_message(thread)
            .content(&text)
            .into_future()
            .instrument(span)
            .await;
        if let Err(e) = sent {
            tracing::warn!(race = notice.race_id, thread = notice.thread_id, error = %e,
                "could not post an async timeout notice");
        }
    }
    Ok(())
}

/// What to post for `notice`; `None` for a warning already posted for this deadline.
fn notice_text(notice: &TimeoutNotice, warned: &Warned) -> Option<String> {
    let runner = notice.runner_discord_id.unwrap_or_default();
    match notice.kind {
        TimeoutKind::Warning { deadline } => {
            let deadline = deadline.naive_utc();
            let mut seen = warned.lock().unwrap_or_else(|e| e.into_inner());
            if seen.get(&notice.race_id) == Some(&deadline) {
                return None;
            }
            seen.insert(notice.race_id, deadline);
            Some(texts::timeout_warning(runner, deadline))
        }
        TimeoutKind::Forfeited => {
            forget(warned, notice.race_id);
            Some(texts::start_timeout_forfeit(runner))
        }
        TimeoutKind::RunningForfeited => Some(texts::running_timeout_forfeit(runner)),
    }
}

fn forget(warned: &Warned, race: i32) {
    warned
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .remove(&race);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn notice(kind: TimeoutKind) -> TimeoutNotice {
        TimeoutNotice {
            race_id: 7,
            tournament_id: 1,
            thread_id: 9,
            runner_discord_id: Some(42),
            kind,
        }
    }

    #[test]
    fn a_warning_is_posted_once_per_deadline() {
        let warned = Warned::default();
        let first = chrono::DateTime::from_timestamp(1_800_000_000, 0).unwrap_or_default();
        let later = first + chrono::TimeDelta::minutes(15);
        let warn = |deadline| notice(TimeoutKind::Warning { deadline });
        let text = notice_text(&warn(first), &warned).expect("first warning");
        assert!(
            text.starts_with("<@42>, your race will be permanently forfeited at <t:1800000000:f>")
        );
        assert_eq!(notice_text(&warn(first), &warned), None);
        assert!(notice_text(&warn(later), &warned).is_some(), "extended");
        assert!(notice_text(&notice(TimeoutKind::Forfeited), &warned).is_some());
        assert!(warned.lock().unwrap().is_empty());
    }
}
