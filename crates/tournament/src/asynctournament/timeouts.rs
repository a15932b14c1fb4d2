//! The timeout rules of the background enforcement (`discord.md` §4.6), pure.

use chrono::{NaiveDateTime, TimeDelta};

/// How long a runner has from the thread opening to press Ready, unless extended.
pub const START_GRACE: TimeDelta = TimeDelta::minutes(20);
/// How long before the start deadline the warnings begin.
pub const WARNING_WINDOW: TimeDelta = TimeDelta::minutes(10);
/// How long a run may be in progress before it is forfeited.
pub const MAX_RUN: TimeDelta = TimeDelta::hours(12);

/// The start deadline of a pending race: its `thread_timeout_time`, or the thread's
/// opening plus [`START_GRACE`]. `None` when neither is known.
pub fn start_deadline(
    thread_open_time: Option<NaiveDateTime>,
    thread_timeout_time: Option<NaiveDateTime>,
) -> Option<NaiveDateTime> {
    thread_timeout_time.or_else(|| thread_open_time.map(|open| open + START_GRACE))
}

/// `/async extendtimeout`: the new deadline, `minutes` (possibly negative) after the
/// current one. `None` when the race has no deadline and no opening time.
pub fn extended_deadline(
    thread_open_time: Option<NaiveDateTime>,
    thread_timeout_time: Option<NaiveDateTime>,
    minutes: i64,
) -> Option<NaiveDateTime> {
    start_deadline(thread_open_time, thread_timeout_time)
        .map(|deadline| deadline + TimeDelta::minutes(minutes))
}

/// What the enforcement does with a pending race at `now`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PendingDecision {
    /// Nothing yet.
    Wait,
    /// Inside the warning window: ping the runner with the deadline.
    Warn,
    /// Past the deadline: forfeit.
    Forfeit,
}

/// The decision for a pending race whose start deadline is `deadline`: a warning strictly
/// inside the last [`WARNING_WINDOW`], a forfeit strictly after the deadline.
pub fn pending_decision(deadline: NaiveDateTime, now: NaiveDateTime) -> PendingDecision {
    if now > deadline {
        PendingDecision::Forfeit
    } else if now > deadline - WARNING_WINDOW && now < deadline {
        PendingDecision::Warn
    } else {
        PendingDecision::Wait
    }
}

/// Whether an in-progress race that started at `start` is over [`MAX_RUN`] at `now`.
pub fn running_too_long(start: NaiveDateTime, now: NaiveDateTime) -> bool {
    start + MAX_RUN <= now
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn at(h: u32, m: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2026, 2, 13)
            .and_then(|d| d.and_hms_opt(h, m, 0))
            .expect("valid time")
    }

    #[test]
    fn deadline_defaults_to_twenty_minutes() {
        assert_eq!(start_deadline(Some(at(1, 0)), None), Some(at(1, 20)));
        assert_eq!(
            start_deadline(Some(at(1, 0)), Some(at(2, 0))),
            Some(at(2, 0))
        );
        assert_eq!(start_deadline(None, None), None);
        assert_eq!(extended_deadline(Some(at(1, 0)), None, 15), Some(at(1, 35)));
        assert_eq!(
            extended_deadline(Some(at(1, 0)), Some(at(2, 0)), -30),
            Some(at(1, 30))
        );
    }

    #[test]
    fn pending_windows() {
        let deadline = at(1, 20);
        assert_eq!(pending_decision(deadline, at(1, 5)), PendingDecision::Wait);
        assert_eq!(pending_decision(deadline, at(1, 10)), PendingDecision::Wait);
        assert_eq!(pending_decision(deadline, at(1, 11)), PendingDecision::Warn);
        assert_eq!(pending_decision(deadline, at(1, 20)), PendingDecision::Wait);
        assert_eq!(
            pending_decision(deadline, at(1, 21)),
            PendingDecision::Forfeit
        );
    }

    #[test]
    fn running_limit() {
        assert!(!running_too_long(at(1, 0), at(12, 59)));
        assert!(running_too_long(at(1, 0), at(13, 0)));
    }
}
