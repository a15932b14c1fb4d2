//! Async tournaments on every database backend: the runner flow with its audit rows, the
//! enforcement tick, scoring and the leaderboard, staff operations, reattempts and reviews.

use std::collections::HashMap;
use std::sync::Arc;

use async_trait::async_trait;
use chrono::{DateTime, NaiveDateTime, TimeDelta, TimeZone, Utc};
use sahasrahbot_core::db::entities::{
    asynctournament, asynctournamentauditlog, asynctournamentliverace, asynctournamentpermalink,
    asynctournamentpermalinkpool, asynctournamentpermissions, asynctournamentrace,
    asynctournamentwhitelist, users,
};
use sahasrahbot_testkit::db::TestDb;
use sahasrahbot_tournament::Error;
use sahasrahbot_tournament::asynctournament::{
    Actor, AsyncRole, AsyncTournaments, Grantee, LiveEntrant, NewPool, NewSeed, NewTournament,
    RaceStatus, ReviewQueueFilter, ReviewStatus, RunUpdate, TimeoutKind, check_close, score,
};
use sahasrahbot_tournament::ports::{DirectoryError, GuildDirectory, Member};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, IntoActiveModel, QueryFilter,
    QueryOrder, Set,
};

const GUILD: u64 = 334_795_604_918_272_012;
const CHANNEL: u64 = 1_000_000_000_000_000_001;
const OWNER: u64 = 185_198_185_990_324_225;
// Old accounts (created in 2015–2016).
const ALICE: u64 = 100 << 22;
const BOB: u64 = 200 << 22;
const CAROL: u64 = 300 << 22;
const MOD_ROLE: u64 = 42;

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 2, 13, 2, 0, 0).unwrap()
}

fn naive(t: DateTime<Utc>) -> NaiveDateTime {
    t.naive_utc()
}

fn seeds(n: usize) -> Vec<NewSeed> {
    (0..n)
        .map(|i| NewSeed {
            url: format!("https://alttpr.com/h/seed{i}"),
            notes: Some(format!("Bow/Boots/Hammer/{i}")),
        })
        .collect()
}

/// Guild members with roles.
#[derive(Default)]
struct Guild(HashMap<u64, Vec<u64>>);

#[async_trait]
impl GuildDirectory for Guild {
    async fn member(&self, guild: u64, user: u64) -> Result<Option<Member>, DirectoryError> {
        Ok((guild == GUILD)
            .then(|| self.0.get(&user))
            .flatten()
            .map(|roles| Member {
                id: user,
                name: format!("user{user}"),
                roles: roles.clone(),
            }))
    }

    async fn member_by_name(
        &self,
        _guild: u64,
        _name: &str,
    ) -> Result<Option<Member>, DirectoryError> {
        Ok(None)
    }
}

struct Setup {
    svc: AsyncTournaments,
    tournament: asynctournament::Model,
}

impl Setup {
    fn db(&self) -> &DatabaseConnection {
        self.svc.db()
    }

    /// A runner with a linked racetime.gg account.
    async fn runner(&self, discord: u64) -> users::Model {
        let user = self.svc.user_by_discord_id(discord, None).await.unwrap();
        let mut active = user.into_active_model();
        active.rtgg_id = Set(Some(format!("rt{discord}")));
        active.update(self.db()).await.unwrap()
    }

    async fn reload(&self) -> asynctournament::Model {
        self.svc
            .tournament(self.tournament.id)
            .await
            .unwrap()
            .unwrap()
    }

    /// Opens, starts and finishes a run taking `minutes`, starting at `start`.
    async fn play(
        &self,
        user: &users::Model,
        discord: u64,
        pool: &str,
        thread: u64,
        start: DateTime<Utc>,
        minutes: i64,
    ) -> asynctournamentrace::Model {
        let tournament = self.reload().await;
        let opened = self
            .svc
            .open_race(&tournament, user, pool, thread, start)
            .await
            .unwrap();
        self.svc.race_ready(opened.race.id, discord).await.unwrap();
        self.svc
            .race_started(opened.race.id, discord, start)
            .await
            .unwrap();
        self.svc
            .finish(opened.race.id, discord, start + TimeDelta::minutes(minutes))
            .await
            .unwrap()
    }

    async fn audit(&self) -> Vec<(String, Option<i32>)> {
        asynctournamentauditlog::Entity::find()
            .filter(asynctournamentauditlog::Column::TournamentId.eq(self.tournament.id))
            .order_by_asc(asynctournamentauditlog::Column::Id)
            .all(self.db())
            .await
            .unwrap()
            .into_iter()
            .map(|a| (a.action, a.user_id))
            .collect()
    }
}

/// A tournament with pools A and B of one seed each.
async fn setup(db: &TestDb) -> Setup {
    sahasrahbot_migrations::migrate(db.conn())
        .await
        .expect("migrations");
    let svc = AsyncTournaments::new(db.conn().clone());
    let tournament = svc
        .create_tournament(NewTournament {
            name: "Main Qualifier".into(),
            guild_id: GUILD,
            channel_id: CHANNEL,
            owner_id: OWNER,
            report_channel_id: None,
        })
        .await
        .unwrap();
    for pool in ["A", "B"] {
        svc.add_pool(tournament.id, pool, Some("open"), &seeds(1))
            .await
            .unwrap();
    }
    Setup { svc, tournament }
}

#[tokio::test]
async fn create_pools_and_seeds() {
    for db in TestDb::all().await {
        let s = setup(&db).await;
        let t = &s.tournament;
        assert!(t.active);
        assert_eq!(t.owner_id, OWNER as i64);
        assert_eq!(t.runs_per_pool, 1);
        let again = s
            .svc
            .create_tournament(NewTournament {
                name: "Other".into(),
                guild_id: GUILD,
                channel_id: CHANNEL,
                owner_id: OWNER,
                report_channel_id: None,
            })
            .await;
        assert!(
            matches!(again, Err(Error::AsyncChannelTaken)),
            "{}",
            db.name()
        );
        // Names fit the 45-character column on every database; 45 characters (not bytes) fit.
        for (name, fits) in [
            ("é".repeat(45), true),
            ("x".repeat(46), false),
            ("  ".into(), false),
        ] {
            let created = s
                .svc
                .create_tournament(NewTournament {
                    name: name.clone(),
                    guild_id: GUILD,
                    channel_id: CHANNEL + 1 + name.len() as u64,
                    owner_id: OWNER,
                    report_channel_id: None,
                })
                .await;
            match created {
                Ok(t) => {
                    assert!(fits, "{name:?} was accepted on {}", db.name());
                    assert_eq!(t.name, name);
                }
                Err(e) => {
                    assert!(!fits, "{name:?}: {e} on {}", db.name());
                    assert!(matches!(e, Error::AsyncBadName), "{e}");
                }
            }
        }
        assert!(matches!(
            s.svc.add_pool(t.id, "A", Some("open"), &seeds(1)).await,
            Err(Error::AsyncPoolExists(_))
        ));
        let added = s.svc.add_seeds(t.id, "B", &seeds(2)).await.unwrap();
        assert_eq!(added.len(), 2);
        assert!(matches!(
            s.svc.add_seeds(t.id, "Z", &seeds(1)).await,
            Err(Error::AsyncNotFound("Pool"))
        ));
        let pools = s.svc.pools_with_permalinks(t.id).await.unwrap();
        let shape: Vec<(String, usize)> = pools
            .iter()
            .map(|(p, l)| (p.name.clone(), l.len()))
            .collect();
        assert_eq!(shape, vec![("A".into(), 1), ("B".into(), 3)]);
        assert_eq!(
            pools[1].1[0].notes.as_deref(),
            Some("Bow/Boots/Hammer/0"),
            "{}",
            db.name()
        );
        assert_eq!(
            s.svc
                .tournament_by_channel(CHANNEL)
                .await
                .unwrap()
                .map(|t| t.id),
            Some(t.id)
        );
        let owner = s.svc.user_by_discord_id(OWNER, None).await.unwrap();
        assert_eq!(s.audit().await, vec![("create".into(), Some(owner.id))]);
    }
}

fn new_pool(name: &str, n: usize) -> NewPool {
    NewPool {
        name: name.into(),
        preset: Some("open".into()),
        seeds: seeds(n),
    }
}

/// `/async create` writes the tournament, its pools and seeds and the audit row in one
/// transaction: a refused pool leaves no row at all.
#[tokio::test]
async fn create_with_pools_is_all_or_nothing() {
    for db in TestDb::all().await {
        sahasrahbot_migrations::migrate(db.conn())
            .await
            .expect("migrations");
        let svc = AsyncTournaments::new(db.conn().clone());
        let new = NewTournament {
            name: "Main Qualifier".into(),
            guild_id: GUILD,
            channel_id: CHANNEL,
            owner_id: OWNER,
            report_channel_id: None,
        };
        let refused = svc
            .create_tournament_with_pools(new.clone(), &[new_pool("A", 2), new_pool("A", 1)])
            .await;
        assert!(
            matches!(&refused, Err(Error::AsyncPoolExists(name)) if name == "A"),
            "{}: {refused:?}",
            db.name()
        );
        let conn = db.conn();
        assert!(
            asynctournament::Entity::find()
                .all(conn)
                .await
                .unwrap()
                .is_empty()
        );
        assert!(
            asynctournamentpermalinkpool::Entity::find()
                .all(conn)
                .await
                .unwrap()
                .is_empty()
        );
        assert!(
            asynctournamentpermalink::Entity::find()
                .all(conn)
                .await
                .unwrap()
                .is_empty()
        );
        assert!(
            asynctournamentauditlog::Entity::find()
                .all(conn)
                .await
                .unwrap()
                .is_empty()
        );

        let t = svc
            .create_tournament_with_pools(new, &[new_pool("A", 2), new_pool("B", 1)])
            .await
            .unwrap();
        let shape: Vec<(String, Option<String>, usize)> = svc
            .pools_with_permalinks(t.id)
            .await
            .unwrap()
            .into_iter()
            .map(|(p, l)| (p.name, p.preset, l.len()))
            .collect();
        assert_eq!(
            shape,
            vec![
                ("A".into(), Some("open".into()), 2),
                ("B".into(), Some("open".into()), 1)
            ],
            "{}",
            db.name()
        );
        let audit: Vec<String> = asynctournamentauditlog::Entity::find()
            .all(conn)
            .await
            .unwrap()
            .into_iter()
            .map(|a| a.action)
            .collect();
        assert_eq!(audit, vec!["create".to_owned()]);
    }
}

/// A countdown that could not be posted puts the race back to pending with a fresh start
/// grace; a race stranded in progress without a start time is forfeited 12 hours after
/// its thread opened.
#[tokio::test]
async fn a_failed_countdown_is_pending_again_and_a_stranded_one_times_out() {
    for db in TestDb::all().await {
        let s = setup(&db).await;
        let alice = s.runner(ALICE).await;
        let race = s
            .svc
            .open_race(&s.tournament, &alice, "A", 11, t0())
            .await
            .unwrap()
            .race;
        s.svc.race_ready(race.id, ALICE).await.unwrap();
        let failed_at = t0() + TimeDelta::minutes(19);
        assert!(s.svc.countdown_failed(race.id, failed_at).await.unwrap());
        let back = s.svc.race(race.id).await.unwrap().unwrap().race;
        assert_eq!(back.status, "pending", "{}", db.name());
        assert_eq!(back.start_time, None);
        assert_eq!(
            back.thread_timeout_time,
            Some(naive(failed_at + TimeDelta::minutes(20))),
            "a fresh start grace"
        );
        assert_eq!(
            s.audit().await.last(),
            Some(&("countdown_failed".into(), Some(alice.id)))
        );
        // Not forfeited at the original deadline; warned inside the new one's last 10 min.
        let at_old_deadline = s
            .svc
            .enforce_timeouts(t0() + TimeDelta::minutes(25), |_| true)
            .await
            .unwrap();
        assert!(at_old_deadline.is_empty(), "{at_old_deadline:?}");
        let forfeited = s
            .svc
            .enforce_timeouts(failed_at + TimeDelta::minutes(21), |_| true)
            .await
            .unwrap();
        assert_eq!(forfeited.len(), 1);
        assert_eq!(forfeited[0].kind, TimeoutKind::Forfeited);
        // A forfeited (or started) race is not put back.
        assert!(!s.svc.countdown_failed(race.id, failed_at).await.unwrap());
        assert_eq!(
            s.svc.race(race.id).await.unwrap().unwrap().race.status,
            "forfeit"
        );

        // Bob's countdown stopped with the bot: in progress, no start time.
        let bob = s.runner(BOB).await;
        let stranded = s
            .svc
            .open_race(&s.tournament, &bob, "B", 12, t0())
            .await
            .unwrap()
            .race;
        s.svc.race_ready(stranded.id, BOB).await.unwrap();
        let early = s
            .svc
            .enforce_timeouts(t0() + TimeDelta::hours(11), |_| true)
            .await
            .unwrap();
        assert!(early.is_empty(), "{early:?}");
        let late = s
            .svc
            .enforce_timeouts(t0() + TimeDelta::hours(12), |_| true)
            .await
            .unwrap();
        assert_eq!(late.len(), 1, "{}", db.name());
        assert_eq!(
            (late[0].race_id, late[0].kind),
            (stranded.id, TimeoutKind::RunningForfeited)
        );
        assert_eq!(
            s.svc.race(stranded.id).await.unwrap().unwrap().race.status,
            "forfeit"
        );
    }
}

/// Three runners on pool A (one seed): two finish, one forfeits; a pending run on pool B
/// times out through the tick; scoring and the leaderboard follow the formula.
#[tokio::test]
async fn scenario_scores_and_leaderboard() {
    for db in TestDb::all().await {
        let s = setup(&db).await;
        let tid = s.tournament.id;
        let alice = s.runner(ALICE).await;
        let bob = s.runner(BOB).await;
        let carol = s.runner(CAROL).await;

        let check = s.svc.check_new_run(&s.tournament, ALICE).await.unwrap();
        let names: Vec<&str> = check.pools.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, vec!["A", "B"]);

        let a = s.play(&alice, ALICE, "A", 11, t0(), 60).await;
        assert_eq!(a.status, "finished");
        assert_eq!(a.start_time, Some(naive(t0())));
        assert_eq!(a.end_time, Some(naive(t0() + TimeDelta::hours(1))));
        let b = s.play(&bob, BOB, "A", 12, t0(), 120).await;

        let tournament = s.reload().await;
        let opened = s
            .svc
            .open_race(&tournament, &carol, "A", 13, t0())
            .await
            .unwrap();
        assert_eq!(opened.race.status, "pending");
        let c = s.svc.forfeit(opened.race.id, CAROL).await.unwrap();
        assert_eq!(c.status, "forfeit");

        // Pool A is used up for Alice; B remains.
        assert!(matches!(
            s.svc.check_open_race(&tournament, &alice, "A").await,
            Err(Error::AsyncPoolPlayed)
        ));
        let pending = s
            .svc
            .open_race(&tournament, &alice, "B", 21, t0())
            .await
            .unwrap()
            .race;
        let pool_b = s.svc.check_open_race(&tournament, &bob, "B").await.unwrap();
        assert_eq!(pool_b.name, "B");
        // One active race at a time.
        assert!(matches!(
            s.svc.open_race(&tournament, &alice, "B", 22, t0()).await,
            Err(Error::AsyncActiveRace)
        ));

        // Tick: nothing at +5 min (but the default deadline is written), a warning at +11,
        // nothing for an unreachable thread, a forfeit at +21.
        let none = s
            .svc
            .enforce_timeouts(t0() + TimeDelta::minutes(5), |_| true)
            .await
            .unwrap();
        assert!(none.is_empty(), "{}", db.name());
        let stored = s.svc.race(pending.id).await.unwrap().unwrap().race;
        assert_eq!(
            stored.thread_timeout_time,
            Some(naive(t0() + TimeDelta::minutes(20)))
        );
        let warn = s
            .svc
            .enforce_timeouts(t0() + TimeDelta::minutes(11), |_| true)
            .await
            .unwrap();
        assert_eq!(warn.len(), 1);
        assert_eq!(warn[0].thread_id, 21);
        assert_eq!(warn[0].runner_discord_id, Some(ALICE));
        assert_eq!(
            warn[0].kind,
            TimeoutKind::Warning {
                deadline: t0() + TimeDelta::minutes(20)
            }
        );
        let hidden = s
            .svc
            .enforce_timeouts(t0() + TimeDelta::minutes(21), |_| false)
            .await
            .unwrap();
        assert!(hidden.is_empty());
        assert_eq!(
            s.svc.race(pending.id).await.unwrap().unwrap().race.status,
            "pending"
        );
        let forfeits = s
            .svc
            .enforce_timeouts(t0() + TimeDelta::minutes(21), |_| true)
            .await
            .unwrap();
        assert_eq!(forfeits.len(), 1);
        assert_eq!(forfeits[0].kind, TimeoutKind::Forfeited);
        assert_eq!(forfeits[0].race_id, pending.id);
        assert_eq!(
            s.svc.race(pending.id).await.unwrap().unwrap().race.status,
            "forfeit"
        );
        assert!(matches!(
            s.svc.check_new_run(&s.tournament, ALICE).await,
            Err(Error::AsyncAllPoolsPlayed)
        ));

        // The audit trail.
        let audit = s.audit().await;
        let alice_actions: Vec<&str> = audit
            .iter()
            .filter(|(_, u)| *u == Some(alice.id))
            .map(|(a, _)| a.as_str())
            .collect();
        assert_eq!(
            alice_actions,
            vec![
                "create_thread",
                "race_ready",
                "race_countdown",
                "race_started",
                "race_finish",
                "create_thread"
            ]
        );
        assert!(audit.contains(&("runner_forfeit".into(), Some(carol.id))));
        assert_eq!(audit.last(), Some(&("timeout_forfeit".into(), None)));

        // Scoring: par of the A seed = mean(60, 120) min = 5400 s.
        s.svc.calculate_scores(tid, false, t0()).await.unwrap();
        let seed_a = asynctournamentpermalink::Entity::find_by_id(a.permalink_id)
            .one(s.db())
            .await
            .unwrap()
            .unwrap();
        assert_eq!(seed_a.par_time, Some(5400.0));
        let score_of = |id: i32| {
            let svc = s.svc.clone();
            async move { svc.race(id).await.unwrap().unwrap().race.score }
        };
        assert_eq!(score_of(a.id).await, Some(105.0));
        let bob_score = score(7200.0, 5400.0);
        assert!((bob_score - 66.666_666).abs() < 1e-3);
        assert_eq!(score_of(b.id).await, Some(bob_score));
        assert_eq!(score_of(c.id).await, Some(0.0));
        // Pool B has no finished run: no par, no score.
        assert_eq!(score_of(pending.id).await, None);

        let board = s.svc.leaderboard(tid).await.unwrap().unwrap();
        let lines: Vec<(usize, i32, f64, usize, usize, usize)> = board
            .entries
            .iter()
            .map(|e| {
                (
                    e.rank,
                    e.player.id,
                    e.score,
                    e.counts.finished,
                    e.counts.forfeited,
                    e.counts.unplayed,
                )
            })
            .collect();
        assert_eq!(
            lines,
            vec![
                (1, alice.id, 52.5, 1, 1, 0),
                (2, bob.id, bob_score / 2.0, 1, 0, 1),
                (3, carol.id, 0.0, 0, 1, 1),
            ],
            "{}",
            db.name()
        );
        assert_eq!(board.entries[0].estimate, 105.0);
        // Cached until the next scoring.
        let again = s.svc.leaderboard(tid).await.unwrap().unwrap();
        assert!(Arc::ptr_eq(&board, &again));
        s.svc.calculate_scores(tid, true, t0()).await.unwrap();
        let rebuilt = s.svc.leaderboard(tid).await.unwrap().unwrap();
        assert!(!Arc::ptr_eq(&board, &rebuilt));
        assert!(s.svc.leaderboard(tid + 1000).await.unwrap().is_none());
    }
}

#[tokio::test]
async fn only_approved_counts_accepted_runs() {
    for db in TestDb::all().await {
        let s = setup(&db).await;
        let alice = s.runner(ALICE).await;
        let bob = s.runner(BOB).await;
        let a = s.play(&alice, ALICE, "A", 11, t0(), 60).await;
        let b = s.play(&bob, BOB, "A", 12, t0(), 90).await;
        s.svc
            .submit_review(
                s.tournament.id,
                b.id,
                alice.id,
                ReviewStatus::Accepted,
                None,
                t0(),
            )
            .await
            .unwrap();
        s.svc
            .calculate_scores(s.tournament.id, true, t0())
            .await
            .unwrap();
        let seed = asynctournamentpermalink::Entity::find_by_id(b.permalink_id)
            .one(s.db())
            .await
            .unwrap()
            .unwrap();
        // Only Bob's accepted run makes the par; Alice's pending one is not scored.
        assert_eq!(seed.par_time, Some(5400.0), "{}", db.name());
        let score_of = |id| {
            let svc = s.svc.clone();
            async move { svc.race(id).await.unwrap().unwrap().race.score }
        };
        assert_eq!(score_of(b.id).await, Some(100.0));
        assert_eq!(score_of(a.id).await, None);
        // The hourly job scores every active tournament, all runs counted.
        assert_eq!(s.svc.score_active_tournaments(t0()).await.unwrap(), 1);
        assert_eq!(score_of(a.id).await, Some(105.0));
        s.svc.close(s.tournament.id, OWNER.into()).await.unwrap();
        assert_eq!(s.svc.score_active_tournaments(t0()).await.unwrap(), 0);
    }
}

#[tokio::test]
async fn start_checks_in_order() {
    for db in TestDb::all().await {
        let s = setup(&db).await;
        // A brand-new account (created at the tournament's creation).
        let created = s.tournament.created.and_utc();
        let ms = u64::try_from(created.timestamp_millis() - 1_420_070_400_000).unwrap();
        let newbie = ms << 22;
        assert!(matches!(
            s.svc.check_new_run(&s.tournament, newbie).await,
            Err(Error::AsyncAccountTooNew)
        ));
        let user = s.svc.user_by_discord_id(newbie, None).await.unwrap();
        asynctournamentwhitelist::ActiveModel {
            tournament_id: Set(s.tournament.id),
            user_id: Set(user.id),
            ..Default::default()
        }
        .insert(s.db())
        .await
        .unwrap();
        // Whitelisted: the next check is the racetime.gg link.
        assert!(matches!(
            s.svc.check_new_run(&s.tournament, newbie).await,
            Err(Error::AsyncRacetimeNotLinked)
        ));
        s.runner(newbie).await;
        assert_eq!(
            s.svc
                .check_new_run(&s.tournament, newbie)
                .await
                .unwrap()
                .pools
                .len(),
            2
        );
        let closed = s.svc.close(s.tournament.id, OWNER.into()).await.unwrap();
        assert!(!closed.active);
        assert!(matches!(
            s.svc.check_new_run(&closed, newbie).await,
            Err(Error::AsyncInactive)
        ));
    }
}

#[tokio::test]
async fn runner_refusals_and_staff_operations() {
    for db in TestDb::all().await {
        let s = setup(&db).await;
        let alice = s.runner(ALICE).await;
        let opened = s
            .svc
            .open_race(&s.tournament, &alice, "A", 11, t0())
            .await
            .unwrap()
            .race;
        let by_thread = s.svc.race_by_thread(11).await.unwrap().unwrap();
        assert_eq!(by_thread.race.id, opened.id);
        assert!(by_thread.is_runner(ALICE) && !by_thread.is_runner(BOB));
        assert!(s.svc.race_by_thread(99).await.unwrap().is_none());

        assert!(matches!(
            s.svc.race_ready(opened.id, BOB).await,
            Err(Error::AsyncNotRunner)
        ));
        assert!(matches!(
            s.svc.finish(opened.id, ALICE, t0()).await,
            Err(Error::AsyncWrongStatus(status)) if status == "pending"
        ));

        // Extend: mods only on the Discord side; the service checks the status.
        let extended = s.svc.extend_timeout(opened.id, OWNER, 15).await.unwrap();
        assert_eq!(
            extended.thread_timeout_time,
            Some(naive(t0() + TimeDelta::minutes(35)))
        );
        let extended = s.svc.extend_timeout(opened.id, OWNER, -5).await.unwrap();
        assert_eq!(
            extended.thread_timeout_time,
            Some(naive(t0() + TimeDelta::minutes(30)))
        );
        let owner = s.svc.user_by_discord_id(OWNER, None).await.unwrap();
        assert_eq!(
            s.audit().await.last(),
            Some(&("extend_timeout".into(), Some(owner.id)))
        );

        s.svc.race_ready(opened.id, ALICE).await.unwrap();
        assert!(matches!(
            s.svc.race_ready(opened.id, ALICE).await,
            Err(Error::AsyncWrongStatus(_))
        ));
        assert!(matches!(
            s.svc.extend_timeout(opened.id, OWNER, 5).await,
            Err(Error::AsyncWrongStatus(_))
        ));
        s.svc.race_started(opened.id, ALICE, t0()).await.unwrap();

        // 12 h later the tick forfeits the run.
        let early = s
            .svc
            .enforce_timeouts(t0() + TimeDelta::hours(11), |_| true)
            .await
            .unwrap();
        assert!(early.is_empty());
        let late = s
            .svc
            .enforce_timeouts(t0() + TimeDelta::hours(12), |_| true)
            .await
            .unwrap();
        assert_eq!(late.len(), 1);
        assert_eq!(late[0].kind, TimeoutKind::RunningForfeited);
        assert!(matches!(
            s.svc.forfeit(opened.id, ALICE).await,
            Err(Error::AsyncWrongStatus(status)) if status == "forfeit"
        ));

        // The owner fixes the run up.
        assert!(matches!(
            s.svc
                .update_run(opened.id, ALICE.into(), "alice", RunUpdate::default(), t0())
                .await,
            Err(Error::AsyncNotOwner)
        ));
        s.svc
            .submit_run_info(opened.id, "https://youtu.be/x".into(), Some("gg".into()))
            .await
            .unwrap();
        let now = t0() + TimeDelta::hours(13);
        let (race, message) = s
            .svc
            .update_run(
                opened.id,
                OWNER.into(),
                "synack",
                RunUpdate {
                    status: Some(RaceStatus::Finished),
                    elapsed: Some(TimeDelta::seconds(5025)),
                    vod_url: Some("https://youtu.be/y".into()),
                },
                now,
            )
            .await
            .unwrap();
        assert!(message.starts_with("synack administratively updated this run:"));
        assert!(message.contains("01:23:45"), "{message}");
        assert_eq!(race.status, "finished");
        assert_eq!(race.end_time, Some(naive(now)));
        assert_eq!(race.start_time, Some(naive(now - TimeDelta::seconds(5025))));
        assert_eq!(race.runner_vod_url.as_deref(), Some("https://youtu.be/y"));
        assert_eq!(
            race.runner_notes.as_deref(),
            Some(format!("gg\n\n{message}").as_str())
        );

        // Closing: the owner, or someone the caller found to be the bot owner or a
        // tournament admin (elevated); once.
        assert!(matches!(
            s.svc.close(s.tournament.id, ALICE.into()).await,
            Err(Error::AsyncNotOwner)
        ));
        let elevated = Actor {
            discord_id: ALICE,
            elevated: true,
        };
        let t = s.svc.tournament(s.tournament.id).await.unwrap().unwrap();
        assert!(check_close(&t, elevated).is_ok());
        s.svc.close(s.tournament.id, OWNER.into()).await.unwrap();
        assert!(matches!(
            s.svc.close(s.tournament.id, OWNER.into()).await,
            Err(Error::AsyncInactive)
        ));
    }
}

#[tokio::test]
async fn permissions_resolve_users_roles_and_public() {
    for db in TestDb::all().await {
        let s = setup(&db).await;
        let guild = Guild(
            [(BOB, vec![MOD_ROLE]), (CAROL, vec![7])]
                .into_iter()
                .collect(),
        );
        let grantees = [Grantee {
            discord_id: ALICE,
            name: "alice".into(),
        }];
        let granted = s
            .svc
            .grant_permission(s.tournament.id, &grantees, AsyncRole::Admin)
            .await
            .unwrap();
        assert_eq!(granted[0].display_name.as_deref(), Some("alice"));
        // Idempotent.
        s.svc
            .grant_permission(s.tournament.id, &grantees, AsyncRole::Admin)
            .await
            .unwrap();
        let rows = asynctournamentpermissions::Entity::find()
            .filter(asynctournamentpermissions::Column::TournamentId.eq(s.tournament.id))
            .all(s.db())
            .await
            .unwrap();
        assert_eq!(rows.len(), 1, "{}", db.name());
        assert!(matches!(
            s.svc
                .grant_permission(s.tournament.id, &grantees, AsyncRole::Public)
                .await,
            Err(Error::AsyncBadPermission(_))
        ));
        asynctournamentpermissions::ActiveModel {
            role: Set("mod".into()),
            tournament_id: Set(s.tournament.id),
            discord_role_id: Set(Some(MOD_ROLE as i64)),
            ..Default::default()
        }
        .insert(s.db())
        .await
        .unwrap();

        let alice = s.svc.user_by_discord_id(ALICE, None).await.unwrap();
        let bob = s.svc.user_by_discord_id(BOB, None).await.unwrap();
        let carol = s.svc.user_by_discord_id(CAROL, None).await.unwrap();
        let staff = [AsyncRole::Admin, AsyncRole::Mod];
        let admin = [AsyncRole::Admin];
        let public = [AsyncRole::Admin, AsyncRole::Mod, AsyncRole::Public];
        let t = s.tournament.clone();
        let allowed = |user: Option<&users::Model>,
                       t: &asynctournament::Model,
                       roles: &[AsyncRole]| {
            let (svc, user, t, roles) = (s.svc.clone(), user.cloned(), t.clone(), roles.to_vec());
            let guild = &guild;
            async move {
                svc.is_async_tournament_user(user.as_ref(), &t, &roles, guild)
                    .await
                    .unwrap()
            }
        };
        assert!(allowed(Some(&alice), &t, &admin).await);
        assert!(allowed(Some(&bob), &t, &staff).await);
        assert!(!allowed(Some(&bob), &t, &admin).await);
        assert!(!allowed(Some(&carol), &t, &staff).await);
        assert!(!allowed(None, &t, &public).await);
        assert!(!allowed(Some(&carol), &t, &public).await);
        // A `public` row (database only) opens the viewer pages, not the staff ones.
        asynctournamentpermissions::ActiveModel {
            role: Set("public".into()),
            tournament_id: Set(s.tournament.id),
            user_id: Set(Some(carol.id)),
            ..Default::default()
        }
        .insert(s.db())
        .await
        .unwrap();
        assert!(allowed(Some(&carol), &t, &public).await);
        assert!(!allowed(Some(&carol), &t, &staff).await);
        let closed = s.svc.close(t.id, OWNER.into()).await.unwrap();
        assert!(allowed(None, &closed, &public).await);
        assert!(!allowed(None, &closed, &staff).await);
    }
}

#[tokio::test]
async fn live_race_recording() {
    for db in TestDb::all().await {
        let s = setup(&db).await;
        let alice = s.runner(ALICE).await;
        let bob = s.runner(BOB).await;
        let carol = s.runner(CAROL).await;
        let pool = s
            .svc
            .pool_by_name(s.tournament.id, "A")
            .await
            .unwrap()
            .unwrap();
        let permalink = s.svc.pools_with_permalinks(s.tournament.id).await.unwrap()[0].1[0].clone();
        let live = asynctournamentliverace::ActiveModel {
            racetime_slug: Set(Some("alttpr/clever-link-1234".into())),
            episode_id: Set(Some(7)),
            status: Set("in_progress".into()),
            permalink_id: Set(Some(permalink.id)),
            pool_id: Set(pool.id),
            tournament_id: Set(s.tournament.id),
            ..Default::default()
        }
        .insert(s.db())
        .await
        .unwrap();
        for user in [&alice, &bob, &carol] {
            asynctournamentrace::ActiveModel {
                permalink_id: Set(permalink.id),
                tournament_id: Set(s.tournament.id),
                user_id: Set(user.id),
                status: Set("in_progress".into()),
                review_status: Set("pending".into()),
                reattempted: Set(Some(false)),
                live_race_id: Set(Some(live.id)),
                start_time: Set(Some(naive(t0()))),
                ..Default::default()
            }
            .insert(s.db())
            .await
            .unwrap();
        }
        let found = s.svc.live_races_matching("CLEVER").await.unwrap();
        assert_eq!(found.len(), 1);
        assert!(s.svc.live_races_matching("other").await.unwrap().is_empty());
        assert!(matches!(
            s.svc.live_race_for_record("alttpr/nope-0000", false).await,
            Err(Error::AsyncNotFound(_))
        ));
        let entrant = |id: &str, status: &str, minutes: Option<i64>| LiveEntrant {
            racetime_id: Some(id.to_owned()),
            name: id.to_owned(),
            status: status.to_owned(),
            finished_at: minutes.map(|m| t0() + TimeDelta::minutes(m)),
        };
        let live = s
            .svc
            .live_race_for_record("alttpr/clever-link-1234", false)
            .await
            .unwrap();
        let warnings = s
            .svc
            .record_live_race(
                &live,
                &[
                    entrant(&format!("rt{ALICE}"), "done", Some(95)),
                    entrant(&format!("rt{BOB}"), "dnf", None),
                    entrant(&format!("rt{CAROL}"), "in_progress", None),
                    entrant("stranger", "done", Some(80)),
                ],
            )
            .await
            .unwrap();
        assert_eq!(warnings.len(), 3, "{warnings:?}");
        let statuses: Vec<(i32, String, Option<NaiveDateTime>)> =
            asynctournamentrace::Entity::find()
                .filter(asynctournamentrace::Column::LiveRaceId.eq(live.id))
                .order_by_asc(asynctournamentrace::Column::Id)
                .all(s.db())
                .await
                .unwrap()
                .into_iter()
                .map(|r| (r.user_id, r.status, r.end_time))
                .collect();
        assert_eq!(
            statuses,
            vec![
                (
                    alice.id,
                    "finished".into(),
                    Some(naive(t0() + TimeDelta::minutes(95)))
                ),
                (bob.id, "forfeit".into(), None),
                (carol.id, "in_progress".into(), None),
            ]
        );
        // Carol is still running: the live race stays in progress until recorded again.
        let live = s
            .svc
            .live_race_for_record("alttpr/clever-link-1234", false)
            .await
            .unwrap();
        let warnings = s
            .svc
            .record_live_race(&live, &[entrant(&format!("rt{CAROL}"), "dq", Some(100))])
            .await
            .unwrap();
        assert!(warnings.is_empty(), "{warnings:?}");
        assert!(matches!(
            s.svc
                .live_race_for_record("alttpr/clever-link-1234", false)
                .await,
            Err(Error::AsyncLiveRaceNotInProgress)
        ));
        assert!(
            s.svc
                .live_race_for_record("alttpr/clever-link-1234", true)
                .await
                .is_ok()
        );
    }
}

#[tokio::test]
async fn reattempt_rules() {
    for db in TestDb::all().await {
        let s = setup(&db).await;
        s.svc
            .add_seeds(s.tournament.id, "A", &seeds(1))
            .await
            .unwrap();
        let alice = s.runner(ALICE).await;
        let bob = s.runner(BOB).await;
        let first = s.play(&alice, ALICE, "A", 11, t0(), 60).await;
        let bobs = s.play(&bob, BOB, "A", 12, t0(), 60).await;
        let tid = s.tournament.id;

        assert!(matches!(
            s.svc.check_reattempt(tid, alice.id, None).await,
            Err(Error::AsyncMissingRaceId)
        ));
        assert!(matches!(
            s.svc.check_reattempt(tid, alice.id, Some(bobs.id)).await,
            Err(Error::AsyncNotYourRace)
        ));
        assert!(matches!(
            s.svc
                .check_reattempt(tid + 1, alice.id, Some(first.id))
                .await,
            Err(Error::AsyncNotYourRace)
        ));
        assert!(!s.svc.has_reattempted(tid, alice.id).await.unwrap());
        let marked = s
            .svc
            .reattempt(tid, alice.id, Some(first.id), Some("crash".into()))
            .await
            .unwrap();
        assert_eq!(marked.reattempted, Some(true));
        assert_eq!(marked.reattempt_reason.as_deref(), Some("crash"));
        assert!(s.svc.has_reattempted(tid, alice.id).await.unwrap());
        // Only one per tournament, checked first.
        assert!(matches!(
            s.svc.check_reattempt(tid, alice.id, None).await,
            Err(Error::AsyncReattemptUsed)
        ));

        // The slot is free again, and the other seed is allocated.
        let check = s.svc.check_new_run(&s.tournament, ALICE).await.unwrap();
        assert!(check.pools.iter().any(|p| p.name == "A"));
        let second = s.play(&alice, ALICE, "A", 13, t0(), 50).await;
        assert_ne!(second.permalink_id, first.permalink_id, "{}", db.name());
        // Both seeds played: nothing left even with a second slot.
        let mut t = s.reload().await.into_active_model();
        t.runs_per_pool = Set(3);
        let t = t.update(s.db()).await.unwrap();
        s.svc
            .reattempt(tid, bob.id, Some(bobs.id), None)
            .await
            .unwrap();
        assert!(matches!(
            s.svc.open_race(&t, &alice, "A", 14, t0()).await,
            Err(Error::AsyncNoEligiblePermalink)
        ));
        assert!(s.svc.race_by_thread(14).await.unwrap().is_none());

        let mine: Vec<i32> = s
            .svc
            .races_of_user(tid, alice.id)
            .await
            .unwrap()
            .iter()
            .map(|r| r.id)
            .collect();
        assert_eq!(mine, vec![second.id, first.id]);
    }
}

#[tokio::test]
async fn review_rules_and_queue() {
    for db in TestDb::all().await {
        let s = setup(&db).await;
        let tid = s.tournament.id;
        let alice = s.runner(ALICE).await;
        let bob = s.runner(BOB).await;
        let carol = s.runner(CAROL).await;
        let a = s.play(&alice, ALICE, "A", 11, t0(), 60).await;
        let b = s.play(&bob, BOB, "A", 12, t0(), 70).await;
        let pending = s
            .svc
            .open_race(&s.reload().await, &carol, "A", 13, t0())
            .await
            .unwrap()
            .race;

        let queue = s
            .svc
            .review_queue(tid, &ReviewQueueFilter::default(), carol.id)
            .await
            .unwrap();
        let ids: Vec<i32> = queue.races.iter().map(|r| r.id).collect();
        assert_eq!(ids, vec![a.id, b.id]);
        assert!(!queue.has_next);

        // Viewing claims a reviewable, unclaimed run; a second viewer does not take it over.
        let viewed = s.svc.race_for_review(tid, a.id, carol.id).await.unwrap();
        assert_eq!(viewed.race.reviewed_by_id, Some(carol.id));
        let viewed = s.svc.race_for_review(tid, a.id, bob.id).await.unwrap();
        assert_eq!(viewed.race.reviewed_by_id, Some(carol.id));
        let viewed = s
            .svc
            .race_for_review(tid, pending.id, bob.id)
            .await
            .unwrap();
        assert_eq!(viewed.race.reviewed_by_id, None);
        assert!(matches!(
            s.svc.race_for_review(tid + 1, a.id, bob.id).await,
            Err(Error::AsyncNotFound(_))
        ));

        let q =
            |reviewed: &str| ReviewQueueFilter::from_query(None, Some(reviewed), None, None, None);
        let ids = |page: sahasrahbot_tournament::asynctournament::ReviewQueuePage| {
            page.races.iter().map(|r| r.id).collect::<Vec<_>>()
        };
        assert_eq!(
            ids(s.svc.review_queue(tid, &q("me"), carol.id).await.unwrap()),
            vec![a.id]
        );
        assert_eq!(
            ids(s
                .svc
                .review_queue(tid, &q("unreviewed"), carol.id)
                .await
                .unwrap()),
            vec![b.id]
        );
        assert_eq!(
            ids(s
                .svc
                .review_queue(tid, &q(&carol.id.to_string()), bob.id)
                .await
                .unwrap()),
            vec![a.id]
        );
        let all = ReviewQueueFilter::from_query(Some("all"), None, Some("all"), Some("all"), None);
        assert_eq!(
            ids(s.svc.review_queue(tid, &all, bob.id).await.unwrap()),
            vec![a.id, b.id, pending.id]
        );
        let live = ReviewQueueFilter::from_query(None, None, None, Some("true"), None);
        assert!(ids(s.svc.review_queue(tid, &live, bob.id).await.unwrap()).is_empty());

        // Submit rules.
        assert!(matches!(
            s.svc
                .submit_review(tid, a.id, alice.id, ReviewStatus::Accepted, None, t0())
                .await,
            Err(Error::AsyncOwnRun)
        ));
        assert!(matches!(
            s.svc
                .submit_review(
                    tid,
                    pending.id,
                    alice.id,
                    ReviewStatus::Accepted,
                    None,
                    t0()
                )
                .await,
            Err(Error::AsyncNotReviewable)
        ));
        let reviewed = s
            .svc
            .submit_review(
                tid,
                a.id,
                bob.id,
                ReviewStatus::Rejected,
                Some("check the VOD".into()),
                t0(),
            )
            .await
            .unwrap();
        assert_eq!(reviewed.review_status, "rejected");
        assert_eq!(reviewed.reviewed_by_id, Some(bob.id));
        assert_eq!(reviewed.reviewed_at, Some(naive(t0())));
        assert_eq!(reviewed.reviewer_notes.as_deref(), Some("check the VOD"));
        let default_queue = s
            .svc
            .review_queue(tid, &ReviewQueueFilter::default(), bob.id)
            .await
            .unwrap();
        assert_eq!(ids(default_queue), vec![b.id]);
        s.svc
            .reattempt(tid, bob.id, Some(b.id), None)
            .await
            .unwrap();
        assert!(matches!(
            s.svc
                .submit_review(tid, b.id, alice.id, ReviewStatus::Accepted, None, t0())
                .await,
            Err(Error::AsyncReviewReattempted)
        ));
        let all_ids = ids(s.svc.review_queue(tid, &all, bob.id).await.unwrap());
        assert!(
            !all_ids.contains(&b.id),
            "reattempted runs are never queued"
        );

        // Pages of 20.
        for _ in 0..21 {
            asynctournamentrace::ActiveModel {
                permalink_id: Set(a.permalink_id),
                tournament_id: Set(tid),
                user_id: Set(carol.id),
                thread_id: Set(Some(1)),
                status: Set("finished".into()),
                review_status: Set("pending".into()),
                reattempted: Set(Some(false)),
                ..Default::default()
            }
            .insert(s.db())
            .await
            .unwrap();
        }
        let first = s
            .svc
            .review_queue(tid, &ReviewQueueFilter::default(), bob.id)
            .await
            .unwrap();
        assert_eq!(first.races.len(), 20);
        assert!(first.has_next);
        let second = s
            .svc
            .review_queue(
                tid,
                &ReviewQueueFilter::from_query(None, None, None, None, Some(2)),
                bob.id,
            )
            .await
            .unwrap();
        assert_eq!(second.races.len(), 1);
        assert!(!second.has_next);
        assert_eq!(second.page, 2);
    }
}

#[tokio::test]
async fn concurrent_confirms_open_one_race() {
    for db in TestDb::all().await {
        let s = setup(&db).await;
        s.svc
            .add_seeds(s.tournament.id, "A", &seeds(3))
            .await
            .unwrap();
        let alice = s.runner(ALICE).await;
        let (one, two) = tokio::join!(
            s.svc.open_race(&s.tournament, &alice, "A", 11, t0()),
            s.svc.open_race(&s.tournament, &alice, "B", 12, t0()),
        );
        assert!(
            one.is_ok() != two.is_ok(),
            "{}: {one:?} / {two:?}",
            db.name()
        );
        let rows = asynctournamentrace::Entity::find()
            .filter(asynctournamentrace::Column::UserId.eq(alice.id))
            .all(s.db())
            .await
            .unwrap();
        assert_eq!(rows.len(), 1, "{}", db.name());
    }
}
