//! The pure rules of async tournaments (`discord.md` §4.1, §4.7, §4.8): statuses, elapsed
//! times, par and score, permalink allocation, the account-age gate, thread names and the
//! `/async create` permalinks option.

use std::fmt;

use chrono::{DateTime, NaiveDateTime, TimeDelta, Utc};
use rand::Rng;

use crate::{Error, Result};

/// The highest score a run can get (a run at 0.95 × par or faster).
pub const MAX_SCORE: f64 = 105.0;
/// The lowest score a run can get (a run at 2 × par or slower, forfeits, disqualifications).
pub const MIN_SCORE: f64 = 0.0;
/// How many of the fastest finished runs make the par time.
pub const PAR_RUNS: usize = 5;
/// When the play counts of a pool's permalinks differ by more than this, the least-played
/// permalink is forced (§4.8).
pub const MAX_POOL_IMBALANCE: usize = 3;
/// How much older than the tournament a Discord account must be to play without being
/// whitelisted.
pub const ACCOUNT_AGE_DAYS: i64 = 7;
/// The longest thread-name prefix taken from the username.
pub const THREAD_USERNAME_MAX: usize = 20;
/// The most seeds one `/async create` row or `/async addseed` may ask for (each one is a
/// seed generation).
pub const MAX_SEEDS_PER_POOL: u32 = 100;
/// The longest pool name the table holds (`varchar(45)`).
pub const MAX_POOL_NAME: usize = 45;

/// The status of one async run (`asynctournamentrace.status`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RaceStatus {
    /// The thread is open; the runner has not pressed Ready.
    Pending,
    /// Counting down or running.
    InProgress,
    /// Finished; `end_time` is set.
    Finished,
    /// Forfeited by the runner, by a timeout or by an owner fix-up.
    Forfeit,
    /// Disqualified (owner fix-up or a live race).
    Disqualified,
}

impl RaceStatus {
    /// Every status, in lifecycle order.
    pub const ALL: [RaceStatus; 5] = [
        Self::Pending,
        Self::InProgress,
        Self::Finished,
        Self::Forfeit,
        Self::Disqualified,
    ];

    /// The value stored in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::InProgress => "in_progress",
            Self::Finished => "finished",
            Self::Forfeit => "forfeit",
            Self::Disqualified => "disqualified",
        }
    }

    /// The status stored as `value`, `None` for anything else.
    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == value)
    }

    /// Pending or in progress: the runner has an open race.
    pub fn is_active(self) -> bool {
        matches!(self, Self::Pending | Self::InProgress)
    }

    /// Finished, forfeit or disqualified: the run counts for scoring and the leaderboard.
    pub fn is_final(self) -> bool {
        matches!(self, Self::Finished | Self::Forfeit | Self::Disqualified)
    }
}

impl fmt::Display for RaceStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The review status of a run (`asynctournamentrace.review_status`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ReviewStatus {
    /// Not reviewed yet (the default).
    Pending,
    /// Accepted by a reviewer.
    Accepted,
    /// Rejected by a reviewer; shown as "Pending Second Review".
    Rejected,
}

impl ReviewStatus {
    /// Every review status, in the order the review form offers them.
    pub const ALL: [ReviewStatus; 3] = [Self::Pending, Self::Accepted, Self::Rejected];

    /// The value stored in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Accepted => "accepted",
            Self::Rejected => "rejected",
        }
    }

    /// The review status stored as `value`, `None` for anything else.
    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == value)
    }

    /// What the web pages show: rejected runs read "Pending Second Review".
    pub fn label(self) -> &'static str {
        match self {
            Self::Pending => "Pending",
            Self::Accepted => "Accepted",
            Self::Rejected => "Pending Second Review",
        }
    }

    /// Whether a stored review status counts as approved for `calculate_scores
    /// only_approved`: `accepted` (what the review form writes) and the legacy `approved`
    /// (what the Python bot filtered on, which nothing ever wrote).
    pub fn is_approved(value: &str) -> bool {
        value == Self::Accepted.as_str() || value == "approved"
    }
}

impl fmt::Display for ReviewStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A per-tournament role (`asynctournamentpermissions.role`), and the pseudo-role `public`
/// used in permission checks (§4.9).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AsyncRole {
    /// Tournament admin: everything a mod may do, plus `calculate_scores`.
    Admin,
    /// Tournament mod: extend timeouts, record live races, review runs.
    Mod,
    /// Not a stored role: in a check, allows everyone once the tournament is closed.
    Public,
}

impl AsyncRole {
    /// The stored value (`admin`, `mod`) or `public`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Admin => "admin",
            Self::Mod => "mod",
            Self::Public => "public",
        }
    }

    /// A role that `/async permissions` may grant: `admin` or `mod`; the error text is the
    /// refusal shown to the invoker.
    pub fn parse_grant(value: &str) -> Result<Self> {
        match value {
            "admin" => Ok(Self::Admin),
            "mod" => Ok(Self::Mod),
            other => Err(Error::AsyncBadPermission(other.to_owned())),
        }
    }
}

impl fmt::Display for AsyncRole {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The elapsed time of a run (§4.1): end − start when finished, now − start when in
/// progress, `None` otherwise or without a start time. `status` is the stored string.
pub fn elapsed(
    status: &str,
    start: Option<NaiveDateTime>,
    end: Option<NaiveDateTime>,
    now: DateTime<Utc>,
) -> Option<TimeDelta> {
    let start = start?;
    match RaceStatus::parse(status)? {
        RaceStatus::Finished => end.map(|end| end - start),
        RaceStatus::InProgress => Some(now.naive_utc() - start),
        _ => None,
    }
}

/// `HH:MM:SS` of an elapsed time, or `N/A`. Only the seconds-within-a-day part is shown
/// (as Python's `timedelta.seconds`): whole days are dropped, and a negative time wraps
/// around the day.
pub fn format_elapsed(elapsed: Option<TimeDelta>) -> String {
    let Some(elapsed) = elapsed else {
        return "N/A".to_owned();
    };
    let mut secs = elapsed.num_seconds();
    if elapsed.subsec_nanos() < 0 {
        // num_seconds truncates toward zero; the day-part arithmetic needs the floor.
        secs -= 1;
    }
    let secs = secs.rem_euclid(86_400);
    format!(
        "{:02}:{:02}:{:02}",
        secs / 3600,
        (secs % 3600) / 60,
        secs % 60
    )
}

/// A duration as float seconds (Python's `total_seconds()`).
pub fn seconds(delta: TimeDelta) -> f64 {
    // Microseconds overflow i64 only past ±292,000 years; f64 holds them exactly below
    // 2^53 µs (285 years), far beyond any run.
    let micros = delta.num_microseconds().unwrap_or(i64::MAX);
    micros as f64 / 1_000_000.0
}

/// The par time in seconds: the mean of the [`PAR_RUNS`] fastest finished times (all of
/// them when fewer), `None` without finished runs.
pub fn par_time(finished: &[f64]) -> Option<f64> {
    if finished.is_empty() {
        return None;
    }
    let mut sorted = finished.to_vec();
    sorted.sort_by(f64::total_cmp);
    let top = &sorted[..sorted.len().min(PAR_RUNS)];
    Some(top.iter().sum::<f64>() / top.len() as f64)
}

/// The score of a finished run: `clamp((2 − elapsed/par) × 100, 0, 105)`.
///
/// A non-positive par (every top run took no time at all) cannot be divided by: runs no
/// slower than it get the maximum, slower runs zero. A NaN input scores zero.
pub fn score(elapsed: f64, par: f64) -> f64 {
    if par <= 0.0 {
        return if elapsed <= par { MAX_SCORE } else { MIN_SCORE };
    }
    let raw = (2.0 - elapsed / par) * 100.0;
    if raw.is_nan() {
        return MIN_SCORE;
    }
    raw.clamp(MIN_SCORE, MAX_SCORE)
}

/// The score of a counted run: [`score`] when finished with a known elapsed time, 0 for
/// forfeits, disqualifications and finished runs without times.
pub fn run_score(status: RaceStatus, elapsed: Option<f64>, par: f64) -> f64 {
    match (status, elapsed) {
        (RaceStatus::Finished, Some(elapsed)) => score(elapsed, par),
        _ => MIN_SCORE,
    }
}

/// One permalink of a pool, as allocation sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PermalinkCandidate {
    /// `asynctournamentpermalink.id`.
    pub id: i32,
    /// Races on it in this tournament and pool, reattempted ones included.
    pub play_count: usize,
    /// Whether the user has ever played it (reattempts included).
    pub played_by_user: bool,
}

/// Chooses the permalink a user plays next (§4.8). `candidates` are the pool's permalinks
/// not reserved for live races, in pool order.
///
/// When the play counts differ by more than [`MAX_POOL_IMBALANCE`], the least-played
/// permalink (the first one on a tie) is chosen if the user has not played it; otherwise
/// the choice is uniform among the permalinks the user has not played. `None` when the user
/// has played them all (the Python bot raised here).
pub fn choose_permalink<R: Rng + ?Sized>(
    candidates: &[PermalinkCandidate],
    rng: &mut R,
) -> Option<i32> {
    let eligible: Vec<i32> = candidates
        .iter()
        .filter(|c| !c.played_by_user)
        .map(|c| c.id)
        .collect();
    let max = candidates.iter().map(|c| c.play_count).max()?;
    let min = candidates.iter().map(|c| c.play_count).min()?;
    if max - min > MAX_POOL_IMBALANCE {
        // min_by_key keeps the first of equal minimums, as Python's min() does.
        let least = candidates.iter().min_by_key(|c| c.play_count)?;
        if !least.played_by_user {
            return Some(least.id);
        }
    }
    if eligible.is_empty() {
        return None;
    }
    Some(eligible[rng.gen_range(0..eligible.len())])
}

/// When a Discord account was created, from its snowflake id.
pub fn discord_account_created(user_id: u64) -> DateTime<Utc> {
    const DISCORD_EPOCH_MS: i64 = 1_420_070_400_000;
    // The top 42 bits are milliseconds since the Discord epoch: always fits in i64.
    let ms = i64::try_from(user_id >> 22).unwrap_or(i64::MAX) + DISCORD_EPOCH_MS;
    DateTime::from_timestamp_millis(ms).unwrap_or(DateTime::<Utc>::MAX_UTC)
}

/// The account-age gate (§4.4 step 3): an account created later than the tournament's
/// creation minus [`ACCOUNT_AGE_DAYS`] days must be whitelisted to play.
pub fn needs_whitelist(account_created: DateTime<Utc>, tournament_created: NaiveDateTime) -> bool {
    account_created.naive_utc() > tournament_created - TimeDelta::days(ACCOUNT_AGE_DAYS)
}

/// The name of a runner's private thread: the username slugified (transliterated to ASCII,
/// runs of anything but letters, digits and `-` turned into one `-`, case kept), cut to
/// [`THREAD_USERNAME_MAX`] characters, then ` - {pool}`.
pub fn thread_name(username: &str, pool: &str) -> String {
    let ascii = deunicode::deunicode(username);
    let mut slug = String::with_capacity(ascii.len());
    for c in ascii.chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c);
        } else if !slug.ends_with('-') {
            slug.push('-');
        }
    }
    let cut: String = slug
        .trim_matches('-')
        .chars()
        .take(THREAD_USERNAME_MAX)
        .collect();
    format!("{} - {pool}", cut.trim_matches('-'))
}

/// One row of `/async create`'s `permalinks` option: a pool, the preset its seeds are
/// rolled from, and how many seeds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PoolSpec {
    /// The pool's name.
    pub name: String,
    /// The preset the seeds are rolled from (stored on the pool).
    pub preset: String,
    /// How many seeds to roll.
    pub count: u32,
}

/// Parses `pool,preset,count;pool,preset,count;…`. Spaces around fields are ignored, and so
/// are empty rows (a trailing `;`). A malformed row is refused with a text naming it (the
/// Python bot raised).
pub fn parse_pool_specs(value: &str) -> Result<Vec<PoolSpec>> {
    let bad = |row: &str, why: &str| Error::AsyncBadPermalinks(format!("`{row}`: {why}"));
    let mut specs: Vec<PoolSpec> = Vec::new();
    for row in value.split(';').map(str::trim).filter(|r| !r.is_empty()) {
        let fields: Vec<&str> = row.split(',').map(str::trim).collect();
        let [name, preset, count] = fields[..] else {
            return Err(bad(row, "expected `pool,preset,count`"));
        };
        if name.is_empty() || preset.is_empty() {
            return Err(bad(row, "the pool name and the preset may not be empty"));
        }
        if name.chars().count() > MAX_POOL_NAME {
            return Err(bad(
                row,
                &format!("pool names are at most {MAX_POOL_NAME} characters"),
            ));
        }
        let count = count
            .parse::<u32>()
            .ok()
            .filter(|c| (1..=MAX_SEEDS_PER_POOL).contains(c))
            .ok_or_else(|| {
                bad(
                    row,
                    &format!("the count must be a number from 1 to {MAX_SEEDS_PER_POOL}"),
                )
            })?;
        if specs.iter().any(|s| s.name == name) {
            return Err(bad(row, "this pool is listed twice"));
        }
        specs.push(PoolSpec {
            name: name.to_owned(),
            preset: preset.to_owned(),
            count,
        });
    }
    if specs.is_empty() {
        return Err(Error::AsyncBadPermalinks(
            "no pools given; use `pool,preset,count;…`".to_owned(),
        ));
    }
    Ok(specs)
}

/// Parses `/async update_run`'s `elapsed_time`: `H:M:S` read as a time of day, so hours
/// 0–23, minutes and seconds 0–59.
pub fn parse_elapsed_time(value: &str) -> Result<TimeDelta> {
    let bad = || Error::AsyncBadElapsedTime(value.to_owned());
    let parts: Vec<&str> = value.trim().split(':').collect();
    let [h, m, s] = parts[..] else {
        return Err(bad());
    };
    let field = |text: &str, max: i64| {
        let digits =
            !text.is_empty() && text.len() <= 2 && text.bytes().all(|b| b.is_ascii_digit());
        digits
            .then(|| text.parse::<i64>().ok())
            .flatten()
            .filter(|v| *v <= max)
            .ok_or_else(bad)
    };
    let (h, m, s) = (field(h, 23)?, field(m, 59)?, field(s, 59)?);
    Ok(TimeDelta::seconds(h * 3600 + m * 60 + s))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;
    use rand::SeedableRng;
    use rand::rngs::StdRng;

    fn at(h: u32, m: u32, s: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2026, 2, 13)
            .and_then(|d| d.and_hms_opt(h, m, s))
            .expect("valid time")
    }

    #[test]
    fn statuses_round_trip() {
        for s in RaceStatus::ALL {
            assert_eq!(RaceStatus::parse(s.as_str()), Some(s));
        }
        for s in ReviewStatus::ALL {
            assert_eq!(ReviewStatus::parse(s.as_str()), Some(s));
        }
        assert_eq!(RaceStatus::parse("forfet"), None);
        assert_eq!(ReviewStatus::Rejected.label(), "Pending Second Review");
        assert!(ReviewStatus::is_approved("accepted"));
        assert!(ReviewStatus::is_approved("approved"));
        assert!(!ReviewStatus::is_approved("rejected"));
        assert_eq!(AsyncRole::parse_grant("mod").ok(), Some(AsyncRole::Mod));
        assert!(AsyncRole::parse_grant("public").is_err());
    }

    #[test]
    fn elapsed_by_status() {
        let now = at(3, 0, 0).and_utc();
        let (start, end) = (Some(at(1, 0, 0)), Some(at(2, 30, 15)));
        assert_eq!(
            format_elapsed(elapsed("finished", start, end, now)),
            "01:30:15"
        );
        assert_eq!(
            format_elapsed(elapsed("in_progress", start, None, now)),
            "02:00:00"
        );
        assert_eq!(elapsed("forfeit", start, end, now), None);
        assert_eq!(elapsed("in_progress", None, None, now), None);
        assert_eq!(format_elapsed(None), "N/A");
    }

    #[test]
    fn elapsed_format_drops_days() {
        let d = TimeDelta::hours(25) + TimeDelta::minutes(2) + TimeDelta::seconds(3);
        assert_eq!(format_elapsed(Some(d)), "01:02:03");
        assert_eq!(
            format_elapsed(Some(TimeDelta::milliseconds(-500))),
            "23:59:59"
        );
    }

    #[test]
    fn par_is_mean_of_five_fastest() {
        assert_eq!(par_time(&[]), None);
        assert_eq!(par_time(&[100.0, 200.0]), Some(150.0));
        let times = [700.0, 100.0, 600.0, 200.0, 300.0, 400.0, 500.0];
        assert_eq!(par_time(&times), Some(300.0));
    }

    #[test]
    fn score_formula() {
        assert_eq!(score(100.0, 100.0), 100.0);
        assert_eq!(score(95.0, 100.0), 105.0);
        assert_eq!(score(50.0, 100.0), 105.0);
        assert_eq!(score(200.0, 100.0), 0.0);
        assert_eq!(score(300.0, 100.0), 0.0);
        assert!((score(150.0, 100.0) - 50.0).abs() < 1e-9);
        assert_eq!(score(0.0, 0.0), MAX_SCORE);
        assert_eq!(score(1.0, 0.0), MIN_SCORE);
        assert_eq!(run_score(RaceStatus::Forfeit, Some(10.0), 100.0), 0.0);
        assert_eq!(run_score(RaceStatus::Finished, None, 100.0), 0.0);
    }

    fn cand(id: i32, play_count: usize, played_by_user: bool) -> PermalinkCandidate {
        PermalinkCandidate {
            id,
            play_count,
            played_by_user,
        }
    }

    #[test]
    fn allocation_forces_least_played_when_unbalanced() {
        let mut rng = StdRng::seed_from_u64(1);
        let pool = [cand(1, 5, false), cand(2, 1, false), cand(3, 1, false)];
        for _ in 0..20 {
            assert_eq!(choose_permalink(&pool, &mut rng), Some(2));
        }
        // Difference of exactly 3 is not an imbalance: every eligible one comes up.
        let pool = [cand(1, 4, false), cand(2, 1, false)];
        let mut seen = std::collections::HashSet::new();
        for _ in 0..50 {
            seen.extend(choose_permalink(&pool, &mut rng));
        }
        assert_eq!(seen.len(), 2);
    }

    #[test]
    fn allocation_falls_back_when_forced_one_was_played() {
        let mut rng = StdRng::seed_from_u64(2);
        let pool = [cand(1, 9, false), cand(2, 1, true), cand(3, 7, false)];
        let mut seen = std::collections::HashSet::new();
        for _ in 0..50 {
            seen.extend(choose_permalink(&pool, &mut rng));
        }
        assert_eq!(seen, [1, 3].into_iter().collect());
        assert_eq!(
            choose_permalink(&[cand(1, 0, true), cand(2, 0, true)], &mut rng),
            None
        );
        assert_eq!(choose_permalink(&[], &mut rng), None);
    }

    #[test]
    fn account_age_gate() {
        // 2015-01-01 00:00:00 UTC + 0 ms.
        assert_eq!(
            discord_account_created(0).naive_utc(),
            NaiveDate::from_ymd_opt(2015, 1, 1)
                .and_then(|d| d.and_hms_opt(0, 0, 0))
                .expect("valid")
        );
        let created = at(0, 0, 0);
        let old = (created - TimeDelta::days(8)).and_utc();
        let new = (created - TimeDelta::days(6)).and_utc();
        assert!(!needs_whitelist(old, created));
        assert!(needs_whitelist(new, created));
        assert!(!needs_whitelist(
            (created - TimeDelta::days(7)).and_utc(),
            created
        ));
    }

    #[test]
    fn thread_names() {
        assert_eq!(thread_name("synack", "Pool A"), "synack - Pool A");
        assert_eq!(thread_name("Some_User.Name", "P"), "Some-User-Name - P");
        assert_eq!(
            thread_name("averyveryverylongusername", "P"),
            "averyveryverylonguse - P"
        );
        assert_eq!(thread_name("__abc__", "P"), "abc - P");
        assert_eq!(thread_name("Zoë", "P"), "Zoe - P");
        // A cut that ends on a separator does not keep it.
        assert_eq!(
            thread_name("abcdefghijklmnopqrs_tu", "P"),
            "abcdefghijklmnopqrs - P"
        );
    }

    #[test]
    fn pool_specs() {
        let specs = parse_pool_specs("A, open, 2; B,casualboots,1;").expect("valid");
        assert_eq!(
            specs,
            vec![
                PoolSpec {
                    name: "A".into(),
                    preset: "open".into(),
                    count: 2
                },
                PoolSpec {
                    name: "B".into(),
                    preset: "casualboots".into(),
                    count: 1
                }
            ]
        );
        for bad in [
            "",
            "A,open",
            "A,open,x",
            "A,open,0",
            ",open,1",
            "A,open,1;A,open,2",
            "A,open,1,2",
            "A,open,101",
        ] {
            let err = parse_pool_specs(bad).expect_err(bad);
            assert!(matches!(err, Error::AsyncBadPermalinks(_)), "{bad}");
        }
        let err = parse_pool_specs("A,open,x")
            .expect_err("bad count")
            .to_string();
        assert!(err.contains("`A,open,x`"), "{err}");
    }

    /// Randomized properties (a hand-rolled loop over a seeded RNG, so failures replay).
    mod properties {
        use super::*;

        const CASES: usize = 2_000;

        fn time(rng: &mut StdRng) -> f64 {
            match rng.gen_range(0..10) {
                0 => 0.0,
                1 => -rng.gen_range(0.0..10_000.0),
                2 => rng.gen_range(0.0..1e9),
                _ => rng.gen_range(1.0..30_000.0),
            }
        }

        #[test]
        fn scores_stay_in_range() {
            let mut rng = StdRng::seed_from_u64(0x5c0e);
            for _ in 0..CASES {
                let (elapsed, par) = (time(&mut rng), time(&mut rng));
                let s = score(elapsed, par);
                assert!(
                    (MIN_SCORE..=MAX_SCORE).contains(&s),
                    "score({elapsed}, {par}) = {s}"
                );
                let status = RaceStatus::ALL[rng.gen_range(0..RaceStatus::ALL.len())];
                let s = run_score(status, Some(elapsed), par);
                assert!((MIN_SCORE..=MAX_SCORE).contains(&s));
            }
        }

        #[test]
        fn par_never_drops_when_a_slower_run_is_added() {
            let mut rng = StdRng::seed_from_u64(0x9a12);
            for _ in 0..CASES {
                let n = rng.gen_range(1..12);
                let mut times: Vec<f64> = (0..n).map(|_| rng.gen_range(1.0..20_000.0)).collect();
                let before = par_time(&times).expect("non-empty");
                let slowest = times.iter().copied().fold(f64::MIN, f64::max);
                times.push(slowest + rng.gen_range(0.0..5_000.0));
                let after = par_time(&times).expect("non-empty");
                assert!(after >= before - 1e-9, "{times:?}: {before} -> {after}");
            }
        }

        #[test]
        fn allocation_never_repeats_a_seed() {
            let mut rng = StdRng::seed_from_u64(0xa110c);
            for _ in 0..CASES {
                let n = rng.gen_range(0..8);
                let candidates: Vec<PermalinkCandidate> = (0..n)
                    .map(|id| cand(id, rng.gen_range(0..12), rng.gen_bool(0.5)))
                    .collect();
                let chosen = choose_permalink(&candidates, &mut rng);
                let fresh: Vec<i32> = candidates
                    .iter()
                    .filter(|c| !c.played_by_user)
                    .map(|c| c.id)
                    .collect();
                match chosen {
                    Some(id) => assert!(fresh.contains(&id), "{candidates:?} -> {id}"),
                    None => assert!(fresh.is_empty(), "{candidates:?} -> None"),
                }
            }
        }
    }

    #[test]
    fn elapsed_time_option() {
        assert_eq!(
            parse_elapsed_time("1:02:03").ok(),
            Some(TimeDelta::seconds(3723))
        );
        assert_eq!(
            parse_elapsed_time("23:59:59").ok(),
            Some(TimeDelta::seconds(86_399))
        );
        for bad in [
            "24:00:00", "1:60:00", "1:00", "a:b:c", "1:2:3:4", "-1:00:00",
        ] {
            assert!(parse_elapsed_time(bad).is_err(), "{bad}");
        }
    }
}
