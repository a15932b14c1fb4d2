//! Times as the engine shows and queries them (`tournament.md` §1.3, §1.4).
//!
//! - [`string_time`]: a time in US/Eastern on a 12-hour clock without a leading zero
//!   (`6:05 PM`), as race infos write it.
//! - [`discord_timestamp`]: Discord's `<t:…>` markup, rendered by each reader's client in
//!   their own zone.
//! - [`Window`]: the SpeedGaming schedule window each polling loop asks for.

use chrono::{DateTime, Duration, TimeZone, Utc};
use chrono_tz::US::Eastern;

/// `t` in US/Eastern as `h:mm AM` / `h:mm PM`, no leading zero on the hour (`9:05 AM`,
/// `12:30 PM`). Daylight saving time follows the date of `t`.
pub fn string_time<Tz: TimeZone>(t: &DateTime<Tz>) -> String {
    t.with_timezone(&Eastern).format("%-I:%M %p").to_string()
}

/// The style letter of a Discord timestamp.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimestampStyle {
    /// `<t:X>`: no letter (the client's default, a short date and time).
    Default,
    /// `<t:X:R>`: relative ("in 10 minutes").
    Relative,
    /// `<t:X:f>`: long date with short time.
    ShortDateTime,
}

/// Discord's timestamp markup for `t`: `<t:{unix seconds}>`, `<t:{…}:R>` or `<t:{…}:f>`.
pub fn discord_timestamp<Tz: TimeZone>(t: &DateTime<Tz>, style: TimestampStyle) -> String {
    let unix = t.timestamp();
    match style {
        TimestampStyle::Default => format!("<t:{unix}>"),
        TimestampStyle::Relative => format!("<t:{unix}:R>"),
        TimestampStyle::ShortDateTime => format!("<t:{unix}:f>"),
    }
}

/// A SpeedGaming schedule window (`from`, `to`), sent in US/Eastern by
/// [`SpeedGaming::schedule`](crate::SpeedGaming::schedule).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    /// The start of the window.
    pub from: DateTime<Utc>,
    /// The end of the window.
    pub to: DateTime<Utc>,
}

impl Window {
    /// `[now − hours_past, now + hours_future]`, as the original's
    /// `get_upcoming_episodes_by_event(hours_past, hours_future)`.
    fn around(now: DateTime<Utc>, past: Duration, future: Duration) -> Self {
        Self {
            from: now - past,
            to: now + future,
        }
    }

    /// The `create_races` window: `[now − 30 min, now + lead]`, where `lead` is the event's
    /// [`room_lead`](crate::EventDefinition::room_lead). An episode stays eligible for about
    /// 30 minutes after its start.
    pub fn create_races(now: DateTime<Utc>, lead: Duration) -> Self {
        Self::around(now, Duration::minutes(30), lead)
    }

    /// The `week_races` window (reminders, scheduled events, scheduling needs):
    /// `[now, now + 168 h]`.
    pub fn week_races(now: DateTime<Utc>) -> Self {
        Self::around(now, Duration::zero(), Duration::hours(168))
    }

    /// The bad-Discord report window: `[now, now + 48 h]`.
    pub fn bad_discord(now: DateTime<Utc>) -> Self {
        Self::around(now, Duration::zero(), Duration::hours(48))
    }

    /// The `/sgdaily` window: `[now, now + 192 h]` (8 days).
    pub fn sgdaily(now: DateTime<Utc>) -> Self {
        Self::around(now, Duration::zero(), Duration::hours(192))
    }

    /// Whether `t` lies in the window, both ends included.
    pub fn contains<Tz: TimeZone>(&self, t: &DateTime<Tz>) -> bool {
        let t = t.with_timezone(&Utc);
        self.from <= t && t <= self.to
    }
}

#[cfg(test)]
mod tests {
    use chrono::FixedOffset;

    use super::*;
    use crate::speedgaming::eastern_isoformat;

    fn utc(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, mo, d, h, mi, 0).unwrap()
    }

    #[test]
    fn string_time_is_eastern_twelve_hour_without_leading_zero() {
        // 23:05 UTC in February is 6:05 PM EST.
        assert_eq!(string_time(&utc(2026, 2, 12, 23, 5)), "6:05 PM");
        // 14:00 UTC is 9:00 AM EST, 10:00 AM EDT.
        assert_eq!(string_time(&utc(2026, 1, 10, 14, 0)), "9:00 AM");
        assert_eq!(string_time(&utc(2026, 7, 10, 14, 0)), "10:00 AM");
        // Noon and midnight.
        assert_eq!(string_time(&utc(2026, 7, 10, 16, 30)), "12:30 PM");
        assert_eq!(string_time(&utc(2026, 7, 10, 4, 0)), "12:00 AM");
        // The offset of the input does not matter, only the instant.
        let berlin = FixedOffset::east_opt(3600).unwrap();
        let t = berlin.with_ymd_and_hms(2026, 2, 13, 0, 5, 0).unwrap();
        assert_eq!(string_time(&t), "6:05 PM");
    }

    #[test]
    fn string_time_across_the_spring_forward_boundary() {
        // 2026-03-08 02:00 EST → 03:00 EDT (07:00 UTC).
        assert_eq!(string_time(&utc(2026, 3, 8, 6, 59)), "1:59 AM");
        assert_eq!(string_time(&utc(2026, 3, 8, 7, 0)), "3:00 AM");
        // 2026-11-01 02:00 EDT → 01:00 EST (06:00 UTC): 1 AM happens twice.
        assert_eq!(string_time(&utc(2026, 11, 1, 5, 30)), "1:30 AM");
        assert_eq!(string_time(&utc(2026, 11, 1, 6, 30)), "1:30 AM");
    }

    #[test]
    fn discord_timestamps() {
        let t = utc(2026, 2, 12, 23, 5);
        assert_eq!(t.timestamp(), 1_770_937_500);
        assert_eq!(
            discord_timestamp(&t, TimestampStyle::Default),
            "<t:1770937500>"
        );
        assert_eq!(
            discord_timestamp(&t, TimestampStyle::Relative),
            "<t:1770937500:R>"
        );
        assert_eq!(
            discord_timestamp(&t, TimestampStyle::ShortDateTime),
            "<t:1770937500:f>"
        );
    }

    #[test]
    fn loop_windows() {
        let now = utc(2026, 2, 12, 23, 0);
        let w = Window::create_races(now, Duration::minutes(45));
        assert_eq!(eastern_isoformat(w.from), "2026-02-12T17:30:00-05:00");
        assert_eq!(eastern_isoformat(w.to), "2026-02-12T18:45:00-05:00");
        let w = Window::week_races(now);
        assert_eq!((w.from, w.to), (now, utc(2026, 2, 19, 23, 0)));
        let w = Window::bad_discord(now);
        assert_eq!((w.from, w.to), (now, utc(2026, 2, 14, 23, 0)));
        let w = Window::sgdaily(now);
        assert_eq!((w.from, w.to), (now, utc(2026, 2, 20, 23, 0)));
        assert!(w.contains(&now));
        assert!(!w.contains(&(now - Duration::seconds(1))));
    }
}
