//! A seeded async tournament for the `/async/…` page and API tests: three runners, two
//! pools, finished runs, a forfeit, a timed-out forfeit, a live-race run and a reattempted
//! run, plus an admin, a mod (by user grant) and a mod by Discord role.

#![allow(dead_code, unreachable_pub)]

use std::sync::Arc;

use async_trait::async_trait;
use chrono::{NaiveDate, NaiveDateTime, TimeDelta};
use sahasrahbot_core::db::entities::{
    asynctournament, asynctournamentliverace, asynctournamentpermalink,
    asynctournamentpermalinkpool, asynctournamentpermissions, asynctournamentrace,
    authorizationkeypermissions, authorizationkeys, users,
};
use sahasrahbot_tournament::ports::{DirectoryError, GuildDirectory, Member};
use sea_orm::{ActiveValue::NotSet, ActiveValue::Set, DatabaseConnection, EntityTrait};

/// The tournament's guild (a snowflake above 2^53, to catch float rounding).
pub const GUILD: i64 = 500_000_000_000_000_001;
/// The tournament's channel.
pub const CHANNEL: i64 = 600_000_000_000_000_003;
/// The Discord role granted `mod`.
pub const MOD_ROLE: i64 = 700_000_000_000_000_007;

/// Discord ids of the seeded users.
pub const ALICE: i64 = 111;
pub const BOB: i64 = 222;
pub const CAROL: i64 = 333;
pub const ADMIN: i64 = 444;
pub const ROLE_MOD: i64 = 555;
pub const STRANGER: i64 = 666;

/// The API key with the `asynctournament` permission, and one with another permission.
pub const KEY: &str = "async-key-0123456789";
pub const OTHER_KEY: &str = "racetime-key-0123456789";

/// Runner notes with markup that must stay text.
pub const EVIL_NOTES: &str = "<script>alert('xss')</script>\n&lt;img src=x onerror=alert(1)&gt; [vod](javascript:alert(2)) https://example.org/vod";

/// The ids of the seeded rows.
#[derive(Debug, Clone, Copy)]
pub struct Seeded {
    pub tournament: i32,
    pub closed_tournament: i32,
    pub pool_a: i32,
    pub pool_b: i32,
    /// Pool A: `link_a1` (alice 1:00:00 and bob 1:30:00 finished), `link_a2` (carol's timed-out
    /// forfeit, carol's reattempted run).
    pub link_a1: i32,
    pub link_a2: i32,
    /// Pool B: `link_b1` (alice forfeit, bob 2:00:00, carol 1:00:00), `link_live` (live race).
    pub link_b1: i32,
    pub link_live: i32,
    pub alice: i32,
    pub bob: i32,
    pub carol: i32,
    pub admin: i32,
    pub role_mod: i32,
    /// alice, finished on `link_a1`, with [`EVIL_NOTES`].
    pub alice_finished: i32,
    /// alice, forfeited on `link_b1`.
    pub alice_forfeit: i32,
    pub bob_a: i32,
    pub bob_b: i32,
    /// carol's timed-out forfeit (never started) on `link_a2`.
    pub carol_timeout: i32,
    pub carol_b: i32,
    /// carol's reattempted finished run on `link_a2`.
    pub carol_reattempted: i32,
    /// bob's live-race run (no thread) on `link_live`.
    pub bob_live: i32,
}

/// 2024-03-01 at `h:m:s`.
pub fn at(h: u32, m: u32, s: u32) -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2024, 3, 1)
        .and_then(|d| d.and_hms_opt(h, m, s))
        .expect("valid time")
}

async fn user(db: &DatabaseConnection, discord: i64, name: &str) -> i32 {
    users::Entity::insert(users::ActiveModel {
        id: NotSet,
        discord_user_id: Set(Some(discord)),
        twitch_name: Set(Some(format!("{name}_tv"))),
        display_name: Set(Some(name.into())),
        created: Set(at(0, 0, 0)),
        updated: Set(at(0, 0, 0)),
        rtgg_id: Set(Some(format!("rt-{name}"))),
        rtgg_access_token: Set(Some("secret-token".into())),
        test_user: Set(false),
    })
    .exec(db)
    .await
    .expect("user")
    .last_insert_id
}

async fn tournament(db: &DatabaseConnection, name: &str, channel: i64, active: bool) -> i32 {
    asynctournament::Entity::insert(asynctournament::ActiveModel {
        id: NotSet,
        name: Set(name.into()),
        guild_id: Set(GUILD),
        channel_id: Set(channel),
        report_channel_id: Set(None),
        created: Set(at(0, 0, 0)),
        updated: Set(at(0, 0, 0)),
        active: Set(active),
        owner_id: Set(ADMIN),
        allowed_reattempts: Set(Some(1)),
        customization: Set("default".into()),
        runs_per_pool: Set(1),
    })
    .exec(db)
    .await
    .expect("tournament")
    .last_insert_id
}

async fn pool(db: &DatabaseConnection, tournament: i32, name: &str) -> i32 {
    asynctournamentpermalinkpool::Entity::insert(asynctournamentpermalinkpool::ActiveModel {
        id: NotSet,
        name: Set(name.into()),
        created: Set(at(0, 0, 0)),
        updated: Set(at(0, 0, 0)),
        tournament_id: Set(tournament),
        preset: Set(Some("open".into())),
    })
    .exec(db)
    .await
    .expect("pool")
    .last_insert_id
}

async fn link(db: &DatabaseConnection, pool: i32, n: u32, live: bool) -> i32 {
    asynctournamentpermalink::Entity::insert(asynctournamentpermalink::ActiveModel {
        id: NotSet,
        url: Set(Some(format!("https://alttpr.com/h/seed{n}"))),
        created: Set(at(0, 0, 0)),
        updated: Set(at(0, 0, 0)),
        pool_id: Set(pool),
        live_race: Set(live),
        notes: Set(Some(format!("seed {n}"))),
        par_updated_at: Set(None),
        par_time: Set(None),
    })
    .exec(db)
    .await
    .expect("permalink")
    .last_insert_id
}

/// A run: `finished_after` seconds for a finished run, `None` for other statuses.
pub struct Run<'a> {
    pub tournament: i32,
    pub user: i32,
    pub permalink: i32,
    pub status: &'a str,
    pub finished_after: Option<i64>,
    pub started: bool,
    pub thread: bool,
    pub live_race: Option<i32>,
    pub reattempted: bool,
    pub notes: Option<&'a str>,
}

impl Default for Run<'_> {
    fn default() -> Self {
        Self {
            tournament: 0,
            user: 0,
            permalink: 0,
            status: "finished",
            finished_after: None,
            started: true,
            thread: true,
            live_race: None,
            reattempted: false,
            notes: None,
        }
    }
}

/// Inserts a run.
pub async fn run(db: &DatabaseConnection, r: Run<'_>) -> i32 {
    let start = at(10, 0, 0);
    asynctournamentrace::Entity::insert(asynctournamentrace::ActiveModel {
        id: NotSet,
        thread_id: Set(r
            .thread
            .then_some(900_000_000_000_000_000 + i64::from(r.user))),
        start_time: Set(r.started.then_some(start)),
        end_time: Set(r.finished_after.map(|s| start + TimeDelta::seconds(s))),
        created: Set(at(9, 50, 0)),
        updated: Set(at(9, 50, 0)),
        permalink_id: Set(r.permalink),
        tournament_id: Set(r.tournament),
        thread_open_time: Set(r.thread.then_some(at(9, 50, 0))),
        status: Set(r.status.into()),
        thread_timeout_time: Set(None),
        review_status: Set("pending".into()),
        reviewer_notes: Set(None),
        runner_notes: Set(r.notes.map(Into::into)),
        runner_vod_url: Set(Some("javascript:alert(3)".into())),
        reattempted: Set(Some(r.reattempted)),
        reviewed_at: Set(None),
        user_id: Set(r.user),
        reviewed_by_id: Set(None),
        live_race_id: Set(r.live_race),
        score: Set(None),
        score_updated_at: Set(None),
        run_collection_rate: Set(None),
        run_igt: Set(None),
        reattempt_reason: Set(r.reattempted.then(|| "bad stream".to_owned())),
    })
    .exec(db)
    .await
    .expect("race")
    .last_insert_id
}

async fn grant(
    db: &DatabaseConnection,
    tournament: i32,
    user: Option<i32>,
    role_id: Option<i64>,
    role: &str,
) {
    asynctournamentpermissions::Entity::insert(asynctournamentpermissions::ActiveModel {
        id: NotSet,
        role: Set(role.into()),
        created: Set(at(0, 0, 0)),
        updated: Set(at(0, 0, 0)),
        tournament_id: Set(tournament),
        user_id: Set(user),
        discord_role_id: Set(role_id),
    })
    .exec(db)
    .await
    .expect("permission");
}

pub async fn key(db: &DatabaseConnection, key: &str, kind: &str) {
    let id = authorizationkeys::Entity::insert(authorizationkeys::ActiveModel {
        id: NotSet,
        key: Set(key.into()),
        name: Set(format!("{kind} key")),
    })
    .exec(db)
    .await
    .expect("key")
    .last_insert_id;
    authorizationkeypermissions::Entity::insert(authorizationkeypermissions::ActiveModel {
        id: NotSet,
        r#type: Set(kind.into()),
        subtype: Set(None),
        auth_key_id: Set(id),
    })
    .exec(db)
    .await
    .expect("key permission");
}

/// Seeds the tournament (see the module docs) on a migrated database.
pub async fn seed(db: &DatabaseConnection) -> Seeded {
    let t = tournament(db, "Spring Async <2024>", CHANNEL, true).await;
    let closed_tournament = tournament(db, "Old Async", CHANNEL + 1, false).await;
    let pool_a = pool(db, t, "Pool A").await;
    let pool_b = pool(db, t, "Pool B").await;
    let link_a1 = link(db, pool_a, 1, false).await;
    let link_a2 = link(db, pool_a, 2, false).await;
    let link_b1 = link(db, pool_b, 3, false).await;
    let link_live = link(db, pool_b, 4, true).await;
    let alice = user(db, ALICE, "alice").await;
    let bob = user(db, BOB, "bob").await;
    let carol = user(db, CAROL, "carol").await;
    let admin = user(db, ADMIN, "admin").await;
    let role_mod = user(db, ROLE_MOD, "rolemod").await;
    user(db, STRANGER, "stranger").await;
    grant(db, t, Some(admin), None, "admin").await;
    grant(db, t, Some(carol), None, "mod").await;
    grant(db, t, None, Some(MOD_ROLE), "mod").await;
    let live = asynctournamentliverace::Entity::insert(asynctournamentliverace::ActiveModel {
        id: NotSet,
        racetime_slug: Set(Some("alttpr/witty-link-1234".into())),
        episode_id: Set(Some(4242)),
        match_title: Set(Some("bob vs. dave".into())),
        status: Set("finished".into()),
        created: Set(at(0, 0, 0)),
        updated: Set(at(0, 0, 0)),
        permalink_id: Set(Some(link_live)),
        pool_id: Set(pool_b),
        tournament_id: Set(t),
    })
    .exec(db)
    .await
    .expect("live race")
    .last_insert_id;
    let base = Run {
        tournament: t,
        ..Run::default()
    };
    let alice_finished = run(
        db,
        Run {
            user: alice,
            permalink: link_a1,
            finished_after: Some(3600),
            notes: Some(EVIL_NOTES),
            ..base
        },
    )
    .await;
    let alice_forfeit = run(
        db,
        Run {
            user: alice,
            permalink: link_b1,
            status: "forfeit",
            ..base
        },
    )
    .await;
    let bob_a = run(
        db,
        Run {
            user: bob,
            permalink: link_a1,
            finished_after: Some(5400),
            ..base
        },
    )
    .await;
    let bob_b = run(
        db,
        Run {
            user: bob,
            permalink: link_b1,
            finished_after: Some(7200),
            ..base
        },
    )
    .await;
    let carol_timeout = run(
        db,
        Run {
            user: carol,
            permalink: link_a2,
            status: "forfeit",
            started: false,
            ..base
        },
    )
    .await;
    let carol_b = run(
        db,
        Run {
            user: carol,
            permalink: link_b1,
            finished_after: Some(3600),
            ..base
        },
    )
    .await;
    let carol_reattempted = run(
        db,
        Run {
            user: carol,
            permalink: link_a2,
            finished_after: Some(4000),
            reattempted: true,
            ..base
        },
    )
    .await;
    let bob_live = run(
        db,
        Run {
            user: bob,
            permalink: link_live,
            finished_after: Some(6000),
            thread: false,
            live_race: Some(live),
            ..base
        },
    )
    .await;
    key(db, KEY, "asynctournament").await;
    key(db, OTHER_KEY, "racetimecmd").await;
    Seeded {
        tournament: t,
        closed_tournament,
        pool_a,
        pool_b,
        link_a1,
        link_a2,
        link_b1,
        link_live,
        alice,
        bob,
        carol,
        admin,
        role_mod,
        alice_finished,
        alice_forfeit,
        bob_a,
        bob_b,
        carol_timeout,
        carol_b,
        carol_reattempted,
        bob_live,
    }
}

/// A guild in which [`ROLE_MOD`] holds [`MOD_ROLE`] and everyone else is a plain member.
pub struct Guild;

#[async_trait]
impl GuildDirectory for Guild {
    async fn member(&self, guild: u64, user: u64) -> Result<Option<Member>, DirectoryError> {
        assert_eq!(guild, GUILD as u64, "the tournament's guild is asked");
        let roles = if user == ROLE_MOD as u64 {
            vec![MOD_ROLE as u64]
        } else {
            Vec::new()
        };
        Ok(Some(Member {
            id: user,
            name: format!("member{user}"),
            roles,
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

/// The guild directory as the state takes it.
pub fn guild() -> Arc<dyn GuildDirectory> {
    Arc::new(Guild)
}
