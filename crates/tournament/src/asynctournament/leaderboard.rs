//! The leaderboard (`api.md` §3.3.1), built from rows without touching the database.

use std::collections::HashMap;

use sahasrahbot_core::db::entities::{asynctournamentpermalinkpool, asynctournamentrace, users};

use super::rules::RaceStatus;

/// A tournament's leaderboard.
#[derive(Debug, Clone, PartialEq)]
pub struct Leaderboard {
    /// The pools, in order: the columns of the board.
    pub pools: Vec<asynctournamentpermalinkpool::Model>,
    /// How many slots each pool has per player.
    pub runs_per_pool: usize,
    /// The players, by score descending; rank 1 first.
    pub entries: Vec<LeaderboardEntry>,
}

/// One player's line.
#[derive(Debug, Clone, PartialEq)]
pub struct LeaderboardEntry {
    /// 1-based position (ties get different ranks).
    pub rank: usize,
    /// The player.
    pub player: users::Model,
    /// `runs_per_pool` slots per pool, in pool order; `None` for an unplayed slot.
    pub races: Vec<Option<asynctournamentrace::Model>>,
    /// Mean of the slot scores, unplayed and unscored slots counting 0; 0 without slots.
    pub score: f64,
    /// Mean over the finished, scored slots; 0 when there are none.
    pub estimate: f64,
    /// Slot counts.
    pub counts: LeaderboardCounts,
}

/// How a player's slots are filled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct LeaderboardCounts {
    /// Finished runs.
    pub finished: usize,
    /// Forfeited and disqualified runs.
    pub forfeited: usize,
    /// Empty slots.
    pub unplayed: usize,
}

impl Leaderboard {
    /// Builds the board.
    ///
    /// - `players`: every user with a race in the tournament, in the order ties keep;
    /// - `pools`: the tournament's pools, in order;
    /// - `pool_of_permalink`: the pool id of each permalink of the tournament;
    /// - `races`: the tournament's races in database (id) order; only final, not
    ///   reattempted ones fill slots.
    pub fn build(
        players: Vec<users::Model>,
        pools: Vec<asynctournamentpermalinkpool::Model>,
        pool_of_permalink: &HashMap<i32, i32>,
        races: &[asynctournamentrace::Model],
        runs_per_pool: usize,
    ) -> Self {
        let mut counted: HashMap<(i32, i32), Vec<&asynctournamentrace::Model>> = HashMap::new();
        for race in races {
            let status = RaceStatus::parse(&race.status);
            if !status.is_some_and(RaceStatus::is_final) || race.reattempted == Some(true) {
                continue;
            }
            if let Some(pool) = pool_of_permalink.get(&race.permalink_id) {
                counted.entry((race.user_id, *pool)).or_default().push(race);
            }
        }
        let mut entries: Vec<LeaderboardEntry> = players
            .into_iter()
            .map(|player| {
                let races: Vec<Option<asynctournamentrace::Model>> = pools
                    .iter()
                    .flat_map(|pool| {
                        let played = counted
                            .get(&(player.id, pool.id))
                            .map(Vec::as_slice)
                            .unwrap_or_default();
                        (0..runs_per_pool).map(|slot| played.get(slot).map(|r| (*r).clone()))
                    })
                    .collect();
                LeaderboardEntry::new(player, races)
            })
            .collect();
        // A stable sort: equal scores keep the players' order.
        entries.sort_by(|a, b| b.score.total_cmp(&a.score));
        rank(&mut entries);
        Self {
            pools,
            runs_per_pool,
            entries,
        }
    }

    /// The entries ordered by estimate instead (the web page's `?estimate=true`), ranked by
    /// that order.
    pub fn by_estimate(&self) -> Vec<LeaderboardEntry> {
        let mut entries = self.entries.clone();
        entries.sort_by(|a, b| b.estimate.total_cmp(&a.estimate));
        rank(&mut entries);
        entries
    }
}

fn rank(entries: &mut [LeaderboardEntry]) {
    for (i, entry) in entries.iter_mut().enumerate() {
        entry.rank = i + 1;
    }
}

impl LeaderboardEntry {
    fn new(player: users::Model, races: Vec<Option<asynctournamentrace::Model>>) -> Self {
        let mut counts = LeaderboardCounts::default();
        let mut finished_scores = Vec::new();
        let mut total = 0.0;
        for slot in &races {
            let Some(race) = slot else {
                counts.unplayed += 1;
                continue;
            };
            total += race.score.unwrap_or(0.0);
            if race.status == RaceStatus::Finished.as_str() {
                counts.finished += 1;
                finished_scores.extend(race.score);
            } else {
                counts.forfeited += 1;
            }
        }
        Self {
            rank: 0,
            player,
            score: mean(total, races.len()),
            estimate: mean(finished_scores.iter().sum(), finished_scores.len()),
            races,
            counts,
        }
    }
}

fn mean(total: f64, n: usize) -> f64 {
    if n == 0 { 0.0 } else { total / n as f64 }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDateTime;

    fn t() -> NaiveDateTime {
        NaiveDateTime::default()
    }

    fn user(id: i32) -> users::Model {
        users::Model {
            id,
            discord_user_id: Some(i64::from(id)),
            twitch_name: None,
            display_name: Some(format!("u{id}")),
            created: t(),
            updated: t(),
            rtgg_id: None,
            rtgg_access_token: None,
            test_user: false,
        }
    }

    fn pool(id: i32) -> asynctournamentpermalinkpool::Model {
        asynctournamentpermalinkpool::Model {
            id,
            name: format!("P{id}"),
            created: t(),
            updated: t(),
            tournament_id: 1,
            preset: None,
        }
    }

    pub(crate) fn race(
        id: i32,
        user_id: i32,
        permalink_id: i32,
        status: &str,
        score: Option<f64>,
    ) -> asynctournamentrace::Model {
        asynctournamentrace::Model {
            id,
            thread_id: Some(1),
            start_time: None,
            end_time: None,
            created: t(),
            updated: t(),
            permalink_id,
            tournament_id: 1,
            thread_open_time: None,
            status: status.into(),
            thread_timeout_time: None,
            review_status: "pending".into(),
            reviewer_notes: None,
            runner_notes: None,
            runner_vod_url: None,
            reattempted: Some(false),
            reviewed_at: None,
            user_id,
            reviewed_by_id: None,
            live_race_id: None,
            score,
            score_updated_at: None,
            run_collection_rate: None,
            run_igt: None,
            reattempt_reason: None,
        }
    }

    #[test]
    fn slots_scores_and_ranks() {
        // Permalinks 10, 11 in pool 1; 20 in pool 2.
        let pools: HashMap<i32, i32> = [(10, 1), (11, 1), (20, 2)].into_iter().collect();
        let mut reattempted = race(4, 1, 11, "finished", Some(90.0));
        reattempted.reattempted = Some(true);
        let races = vec![
            race(1, 1, 10, "finished", Some(100.0)),
            race(2, 1, 20, "forfeit", Some(0.0)),
            race(3, 2, 11, "finished", Some(80.0)),
            reattempted,
            race(5, 2, 20, "pending", None),
            race(6, 3, 10, "finished", None),
        ];
        let board = Leaderboard::build(
            vec![user(1), user(2), user(3)],
            vec![pool(1), pool(2)],
            &pools,
            &races,
            1,
        );
        let lines: Vec<(usize, i32, f64, f64)> = board
            .entries
            .iter()
            .map(|e| (e.rank, e.player.id, e.score, e.estimate))
            .collect();
        assert_eq!(
            lines,
            vec![(1, 1, 50.0, 100.0), (2, 2, 40.0, 80.0), (3, 3, 0.0, 0.0)]
        );
        let first = &board.entries[0];
        assert_eq!(
            first.counts,
            LeaderboardCounts {
                finished: 1,
                forfeited: 1,
                unplayed: 0
            }
        );
        assert_eq!(board.entries[1].counts.unplayed, 1);
        assert_eq!(board.entries[1].races[1], None);
        let by_estimate: Vec<i32> = board.by_estimate().iter().map(|e| e.player.id).collect();
        assert_eq!(by_estimate, vec![1, 2, 3]);
    }

    #[test]
    fn several_runs_per_pool_fill_in_db_order() {
        let pools: HashMap<i32, i32> = [(10, 1), (11, 1)].into_iter().collect();
        let races = vec![
            race(1, 1, 11, "finished", Some(60.0)),
            race(2, 1, 10, "disqualified", Some(0.0)),
            race(3, 1, 10, "finished", Some(90.0)),
        ];
        let board = Leaderboard::build(vec![user(1)], vec![pool(1)], &pools, &races, 2);
        let ids: Vec<Option<i32>> = board.entries[0]
            .races
            .iter()
            .map(|r| r.as_ref().map(|r| r.id))
            .collect();
        assert_eq!(ids, vec![Some(1), Some(2)]);
        assert_eq!(board.entries[0].score, 30.0);
        assert_eq!(board.entries[0].counts.forfeited, 1);
    }

    #[test]
    fn zero_pools_score_zero() {
        let board = Leaderboard::build(vec![user(1)], vec![], &HashMap::new(), &[], 1);
        assert_eq!(board.entries.len(), 1);
        assert_eq!(board.entries[0].score, 0.0);
        assert!(board.entries[0].races.is_empty());
    }
}
