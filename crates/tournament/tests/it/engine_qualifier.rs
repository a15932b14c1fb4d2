//! The ALTTPR live qualifier (parity rows P19–P23).

use crate::common;

use common::*;
use sahasrahbot_core::db::entities::{
    asynctournament, asynctournamentliverace, asynctournamentpermalink,
    asynctournamentpermalinkpool, asynctournamentpermissions, asynctournamentrace, triforcetexts,
    users,
};
use sahasrahbot_core::ports::{AllowedMentions, ChatTarget};
use sahasrahbot_testkit::db::TestDb;
use sahasrahbot_tournament::engine::CreateOutcome;
use sahasrahbot_tournament::testing::seed_qualifier;
use sahasrahbot_tournament::{EventDefinition, HandlerKind};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
use serde_json::{Value, json};

const QUAL_AUDIT: u64 = 647_966_639_266_201_620;
const ANNOUNCE: u64 = 407_803_705_375_850_506;

fn qualifier() -> EventDefinition {
    HandlerKind::AlttprQualifier.default_definition("alttpr")
}

struct Qual {
    h: Harness,
    tournament: i32,
    pool: i32,
    live: i32,
}

async fn setup(live_race: bool) -> Qual {
    setup_on(live_race, TestDb::sqlite().await).await
}

async fn setup_on(live_race: bool, db: TestDb) -> Qual {
    let h = Harness::with_db(vec![qualifier()], db).await;
    let rows = seed_qualifier(h.db.conn(), now().naive_utc(), live_race.then_some(3001))
        .await
        .expect("qualifier rows");
    h.add_episode(episode(
        3001,
        "alttpr",
        "Pool A",
        50,
        vec![],
        &["ALTTPRandomizer"],
    ));
    Qual {
        h,
        tournament: rows.tournament,
        pool: rows.pool,
        live: rows.live.unwrap_or_default(),
    }
}

#[tokio::test]
async fn without_a_live_race_nothing_happens() {
    let q = setup(false).await;
    assert_eq!(
        q.h.engine.create_room(&qualifier(), 3001).await.unwrap(),
        CreateOutcome::Skipped("no live race for this episode")
    );
    assert_eq!(q.h.startrace_count(), 0);
    assert!(q.h.notifier.all().is_empty());
    assert!(
        q.h.sg.received_requests().await.unwrap().is_empty(),
        "the gate runs before SpeedGaming"
    );
}

async fn open_room(q: &Qual) -> String {
    match q.h.engine.create_room(&qualifier(), 3001).await.unwrap() {
        CreateOutcome::Created(room) => {
            q.h.wait_joined(&room).await;
            room
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn the_qualifier_room_is_open_without_auto_start_and_announced() {
    let q = setup(true).await;
    let room = open_room(&q).await;
    let race = q.h.fake.race(&room);
    assert_eq!(race["status"]["value"], "open");
    assert_eq!(race["goal"]["name"], "Beat the game - Tournament (Solo)");
    assert_eq!(race["start_delay"], "P0DT00H00M30S");
    assert_eq!(race["auto_start"], json!(false));
    assert_eq!(race["allow_prerace_chat"], json!(false));
    assert_eq!(race["allow_midrace_chat"], json!(false));
    assert_eq!(race["team_race"], json!(false));
    assert_eq!(
        race["info_user"],
        "ALTTPR Main Tournament Live Qualifier - Pool A at 10:00 PM Eastern on ALTTPRandomizer - Seed Distributed and Room Locked at 9:50 PM Eastern - 3001"
    );
    let start = (now() + chrono::Duration::minutes(60)).timestamp();
    let announced = q.h.notifier.to(ChatTarget::Channel(ANNOUNCE));
    assert_eq!(announced.len(), 1);
    assert_eq!(
        announced[0].content,
        format!(
            "ALTTPR Main Tournament Live Qualifier - Pool A - <t:{start}> (<t:{start}:R>) on ALTTPRandomizer - Seed Distributed and Room Lock <t:{}:R> - {}/{room}",
            start - 600,
            q.h.fake.base_url()
        )
    );
    assert_eq!(
        announced[0].allowed_mentions,
        AllowedMentions::UsersAndRoles
    );
    assert_eq!(q.h.notifier.all().len(), 1, "no DMs");
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert!(q.h.sent_messages(&room).is_empty(), "no welcome");
    assert!(
        !q.h.fake
            .bot_actions(&room)
            .iter()
            .any(|f| f["action"] == "invite")
    );
}

async fn user_row(h: &Harness, rtgg: &str, name: &str, discord: Option<i64>) -> users::Model {
    users::ActiveModel {
        rtgg_id: Set(Some(rtgg.into())),
        display_name: Set(Some(name.into())),
        discord_user_id: Set(discord),
        created: Set(now().naive_utc()),
        updated: Set(now().naive_utc()),
        test_user: Set(false),
        ..Default::default()
    }
    .insert(h.db.conn())
    .await
    .unwrap()
}

async fn race_row(h: &Harness, tournament: i32, permalink: i32, user: i32, status: &str) {
    race_row_live(h, tournament, permalink, user, status, None).await;
}

async fn race_row_live(
    h: &Harness,
    tournament: i32,
    permalink: i32,
    user: i32,
    status: &str,
    live: Option<i32>,
) {
    let t = now().naive_utc();
    asynctournamentrace::ActiveModel {
        live_race_id: Set(live),
        tournament_id: Set(tournament),
        permalink_id: Set(permalink),
        user_id: Set(user),
        status: Set(status.into()),
        review_status: Set("pending".into()),
        reattempted: Set(Some(false)),
        created: Set(t),
        updated: Set(t),
        ..Default::default()
    }
    .insert(h.db.conn())
    .await
    .unwrap();
}

async fn wait_entrants(h: &Harness, room: &str, n: usize) {
    assert!(
        h.fake
            .wait_until(WAIT, |_| h.registry.get(room).is_some_and(|r| r
                .room()
                .race()
                .entrants
                .len()
                == n))
            .await
    );
}

#[tokio::test]
async fn the_guard_ladder_stops_before_the_lock() {
    let q = setup(true).await;
    let room = open_room(&q).await;
    let stranger = q.h.fake.add_user("stranger", false);
    user_row(&q.h, &stranger, "stranger", None).await;
    q.h.fake.send_chat(&room, &stranger, "!tournamentrace");
    q.h
        .wait_message(&room, "Only a mod or admin of this tournament may invoke !tournamentrace.  Please contact Synack for further help.")
        .await;
    // An unknown racetime user surfaces as a command error.
    let unknown = q.h.fake.add_user("unknown", false);
    q.h.fake.send_chat(&room, &unknown, "!tournamentrace");
    assert!(
        q.h.fake
            .wait_until(WAIT, |f| f
                .bot_messages(&room)
                .iter()
                .any(|m| m.starts_with("Command raised exception: ")))
            .await
    );
    // The pool without a preset.
    let mut pool: asynctournamentpermalinkpool::ActiveModel =
        asynctournamentpermalinkpool::Entity::find_by_id(q.pool)
            .one(q.h.db.conn())
            .await
            .unwrap()
            .unwrap()
            .into();
    pool.preset = Set(None);
    pool.update(q.h.db.conn()).await.unwrap();
    let m = user_row(&q.h, "modid", "mod", None).await;
    asynctournamentpermissions::ActiveModel {
        role: Set("mod".into()),
        created: Set(now().naive_utc()),
        updated: Set(now().naive_utc()),
        tournament_id: Set(q.tournament),
        user_id: Set(Some(m.id)),
        ..Default::default()
    }
    .insert(q.h.db.conn())
    .await
    .unwrap();
    let mod_user = q.h.fake.add_user("mod", false);
    let mut u: users::ActiveModel = m.into();
    u.rtgg_id = Set(Some(mod_user.clone()));
    u.update(q.h.db.conn()).await.unwrap();
    q.h.fake.send_chat(&room, &mod_user, "!tournamentrace");
    q.h.wait_message(
        &room,
        "No preset has been set for this pool.  Please contact Synack for further help.",
    )
    .await;
    // A live race whose seed was already rolled.
    let t = now().naive_utc();
    let rolled = asynctournamentpermalink::ActiveModel {
        url: Set(Some("https://alttpr.com/h/rolled".into())),
        pool_id: Set(q.pool),
        live_race: Set(true),
        created: Set(t),
        updated: Set(t),
        ..Default::default()
    }
    .insert(q.h.db.conn())
    .await
    .unwrap();
    let mut live: asynctournamentliverace::ActiveModel =
        asynctournamentliverace::Entity::find_by_id(q.live)
            .one(q.h.db.conn())
            .await
            .unwrap()
            .unwrap()
            .into();
    live.permalink_id = Set(Some(rolled.id));
    let live = live.update(q.h.db.conn()).await.unwrap();
    q.h.fake.send_chat(&room, &mod_user, "!tournamentrace");
    q.h.wait_message(
        &room,
        "Seed has already been generated for this live race.  Please contact Synack for further help.",
    )
    .await;
    // No live race for the room's episode at all.
    let mut live: asynctournamentliverace::ActiveModel = live.into();
    live.episode_id = Set(Some(999_999));
    live.update(q.h.db.conn()).await.unwrap();
    q.h.fake.send_chat(&room, &mod_user, "!tournamentrace");
    q.h.wait_message(
        &room,
        "No live race found for this episode.  Please contact Synack for further help.",
    )
    .await;
    assert!(
        !q.h.fake
            .bot_actions(&room)
            .iter()
            .any(|f| f["action"] == "make_invitational")
    );
    assert_eq!(q.h.fake.race(&room)["status"]["value"], "open");
}

#[tokio::test]
async fn the_qualifier_roll_locks_rolls_and_writes_the_eligible_entrants_then_starts() {
    for db in TestDb::all().await {
        qualifier_roll_on(setup_on(true, db).await).await;
    }
}

async fn qualifier_roll_on(q: Qual) {
    let (h, db) = (&q.h, q.h.db.conn());
    triforcetexts::ActiveModel {
        pool_name: Set("alttpr2024".into()),
        text: Set("GG WP".into()),
        approved: Set(Some(true)),
        broadcasted: Set(false),
        discord_user_id: Set(Some(7)),
        timestamp: Set(now().naive_utc()),
        ..Default::default()
    }
    .insert(db)
    .await
    .unwrap();
    let room = open_room(&q).await;

    // A mod by Discord role; three entrants: fresh, at the pool quota, with an active race.
    let mod_rt = h.fake.add_user("modder", false);
    user_row(h, &mod_rt, "modder", Some(4242)).await;
    h.guilds.add(334_795_604_918_272_012, 4242, "modder", &[99]);
    asynctournamentpermissions::ActiveModel {
        role: Set("admin".into()),
        created: Set(now().naive_utc()),
        updated: Set(now().naive_utc()),
        tournament_id: Set(q.tournament),
        discord_role_id: Set(Some(99)),
        ..Default::default()
    }
    .insert(db)
    .await
    .unwrap();
    let fresh = h.fake.add_user("fresh", false);
    let done = h.fake.add_user("done", false);
    let busy = h.fake.add_user("busy", false);
    let done_row = user_row(h, &done, "done", None).await;
    let busy_row = user_row(h, &busy, "busy", None).await;
    let t = now().naive_utc();
    let old = asynctournamentpermalink::ActiveModel {
        url: Set(Some("https://alttpr.com/h/old".into())),
        pool_id: Set(q.pool),
        live_race: Set(false),
        created: Set(t),
        updated: Set(t),
        ..Default::default()
    }
    .insert(db)
    .await
    .unwrap();
    // `done` has used both runs of this pool; `busy` has a pending race in another pool.
    race_row(h, q.tournament, old.id, done_row.id, "finished").await;
    race_row(h, q.tournament, old.id, done_row.id, "finished").await;
    let mut tour: asynctournament::ActiveModel = asynctournament::Entity::find_by_id(q.tournament)
        .one(db)
        .await
        .unwrap()
        .unwrap()
        .into();
    tour.runs_per_pool = Set(2);
    tour.update(db).await.unwrap();
    let other_pool = asynctournamentpermalinkpool::ActiveModel {
        name: Set("Pool B".into()),
        created: Set(t),
        updated: Set(t),
        tournament_id: Set(q.tournament),
        preset: Set(Some("open".into())),
        ..Default::default()
    }
    .insert(db)
    .await
    .unwrap();
    let other = asynctournamentpermalink::ActiveModel {
        url: Set(Some("https://alttpr.com/h/other".into())),
        pool_id: Set(other_pool.id),
        live_race: Set(false),
        created: Set(t),
        updated: Set(t),
        ..Default::default()
    }
    .insert(db)
    .await
    .unwrap();
    race_row(h, q.tournament, other.id, busy_row.id, "pending").await;
    for u in [&fresh, &done, &busy] {
        h.fake.add_existing_entrant(&room, u, "ready");
    }
    wait_entrants(h, &room, 3).await;

    h.fake.send_chat(&room, &mod_rt, "!tournamentrace");
    h.wait_message(&room, "(test handler: seed_rolled)").await;

    let url = "https://alttpr.com/h/h4sh";
    let msgs = h.fake.bot_messages(&room);
    let code = h.fake.race(&room)["info_bot"].as_str().unwrap().to_owned();
    assert!(code.starts_with(&format!("{url} - (")), "{code}");
    let code = code.trim_start_matches(&format!("{url} - ")).to_owned();
    assert_eq!(
        msgs,
        vec![
            "Generating game, please wait.  If nothing happens after a minute, contact Synack."
                .to_owned(),
            "This room is now locked.  Late entries are not permitted.".to_owned(),
            format!("Seed: {url} - {code}"),
            "Eligible entrants for this pool: fresh".to_owned(),
            "(test handler: seed_rolled)".to_owned(),
        ]
    );
    assert!(
        h.fake
            .bot_actions(&room)
            .iter()
            .any(|f| f["action"] == "make_invitational")
    );
    // The seed: the pool preset with the triforce text, on the live branch.
    let body: Value = h
        .web
        .received_requests()
        .await
        .unwrap()
        .iter()
        .find(|r| r.url.path() == "/live/api/randomizer")
        .map(|r| serde_json::from_slice(&r.body).unwrap())
        .expect("a live-branch generate");
    assert_eq!(body["texts"]["end_triforce"], "{NOBORDER}\nGG WP");
    assert_eq!(body["tournament"], json!(true));

    let room_url = format!("{}/{room}", h.fake.base_url());
    let audit: Vec<String> = h
        .notifier
        .to(ChatTarget::Channel(QUAL_AUDIT))
        .into_iter()
        .map(|m| m.content)
        .collect();
    assert_eq!(
        audit,
        vec![
            format!("{room_url} - {url} - {code}"),
            format!("{room_url} -Eligible entrants for this pool: fresh"),
        ]
    );
    let live = asynctournamentliverace::Entity::find_by_id(q.live)
        .one(db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(live.racetime_slug.as_deref(), Some(room.as_str()));
    let permalink = asynctournamentpermalink::Entity::find_by_id(live.permalink_id.unwrap())
        .one(db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(permalink.url.as_deref(), Some(url));
    assert!(permalink.live_race);
    assert_eq!(
        permalink.notes,
        Some(format!("Generated for a live race.  {code}"))
    );
    let fresh_user = users::Entity::find()
        .filter(users::Column::RtggId.eq(fresh.as_str()))
        .one(db)
        .await
        .unwrap()
        .expect("user created");
    assert_eq!(fresh_user.display_name.as_deref(), Some("fresh"));
    let pending = asynctournamentrace::Entity::find()
        .filter(asynctournamentrace::Column::LiveRaceId.eq(q.live))
        .all(db)
        .await
        .unwrap();
    assert_eq!(pending.len(), 1);
    assert_eq!(pending[0].user_id, fresh_user.id);
    assert_eq!(pending[0].status, "pending");

    // A second roll: already generated.
    h.fake.send_chat(&room, &mod_rt, "!tournamentrace");
    h.wait_message(&room, "Seed has already been generated for this live race.  Please contact Synack for further help.").await;

    // Race start (P23): a pending row of someone who is not in the room is a no-show.
    let gone = user_row(h, "gone", "gone", None).await;
    race_row_live(
        h,
        q.tournament,
        permalink.id,
        gone.id,
        "pending",
        Some(q.live),
    )
    .await;
    h.fake.set_status(&room, "in_progress");
    h.wait_message(&room, "Good luck, have fun!  Mid-race chat is disabled.  If you need assistance, please ping @Admins in Discord.").await;
    assert!(
        h.fake
            .bot_messages(&room)
            .contains(&"Final eligible entrants for this pool: fresh".to_owned())
    );
    let started = asynctournamentrace::Entity::find_by_id(pending[0].id)
        .one(db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(started.status, "in_progress");
    assert!(started.start_time.is_some());
    let live = asynctournamentliverace::Entity::find_by_id(q.live)
        .one(db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(live.status, "in_progress");
    let left = asynctournamentrace::Entity::find()
        .filter(asynctournamentrace::Column::LiveRaceId.eq(q.live))
        .all(db)
        .await
        .unwrap();
    assert_eq!(left.len(), 1, "the no-show's pending row is deleted");
    let audit = h.notifier.to(ChatTarget::Channel(QUAL_AUDIT));
    assert_eq!(
        audit.last().unwrap().content,
        format!("{room_url} - Entrants: fresh")
    );
}
