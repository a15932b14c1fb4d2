//! The async-tournament pages (parity rows 33–42) on every available database backend:
//! permission gates, the dashboard and the one reattempt, the review queue with its
//! filters and pages, claim-on-view, the review rules, the leaderboard after scoring, and
//! runner notes kept as text.

use crate::async_common;
use crate::web_common;

use std::sync::Arc;

use async_common::*;
use poem::Endpoint;
use poem::http::StatusCode;
use sahasrahbot_api::AppState;
use sahasrahbot_core::db::entities::{
    asynctournament, asynctournamentpermissions, asynctournamentrace,
};
use sahasrahbot_migrations::migrate;
use sahasrahbot_testkit::db::TestDb;
use sahasrahbot_testkit::oauth::FakeOAuth;
use sahasrahbot_tournament::asynctournament::AsyncTournaments;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, DatabaseConnection, EntityTrait};
use web_common::*;

/// The app over `db` with the fake Discord login, the seeded guild and `service`.
fn async_app(
    db: &DatabaseConnection,
    fake: &FakeOAuth,
    service: AsyncTournaments,
) -> impl Endpoint + use<> {
    sahasrahbot_api::app(
        AppState::new(db.clone())
            .with_config(Arc::new(config(fake)))
            .with_guild_directory(guild())
            .with_async_tournaments(service),
    )
}

async fn race(db: &DatabaseConnection, id: i32) -> asynctournamentrace::Model {
    asynctournamentrace::Entity::find_by_id(id)
        .one(db)
        .await
        .expect("query")
        .expect("race")
}

async fn status_of<E: Endpoint>(browser: &Browser<E>, uri: &str) -> StatusCode {
    browser.get(uri).await.0.status()
}

#[tokio::test]
async fn pages_follow_the_tournament_permissions() {
    for db in TestDb::all().await {
        let name = db.name();
        migrate(db.conn()).await.expect("migrate");
        let s = seed(db.conn()).await;
        let fake = FakeOAuth::start().await.expect("oauth");
        let service = AsyncTournaments::new(db.conn().clone());
        let t = s.tournament;
        let public_pages = [
            format!("/async/races/{t}/leaderboard"),
            format!("/async/pools/{t}"),
            format!("/async/player/{t}/{}", s.alice),
            format!("/async/permalink/{t}/{}", s.link_a1),
        ];
        let staff_pages = [
            format!("/async/races/{t}/queue"),
            format!("/async/races/{t}/review/{}", s.bob_a),
        ];

        // Anonymous, tournament running: everything but the live-race permalink is closed.
        let anon = Browser::new(async_app(db.conn(), &fake, service.clone()));
        for page in &public_pages {
            assert_eq!(
                status_of(&anon, page).await,
                StatusCode::FORBIDDEN,
                "{name} {page}"
            );
        }
        let resp = anon.get(&public_pages[0]).await;
        assert!(
            body(resp)
                .await
                .contains("not authorized to view this tournament")
        );
        assert_eq!(
            status_of(&anon, &format!("/async/permalink/{t}/{}", s.link_live)).await,
            StatusCode::OK,
            "{name}: live-race permalinks are public"
        );
        for page in staff_pages.iter().chain([&format!("/async/races/{t}")]) {
            let resp = anon.get(page).await;
            resp.assert_status(StatusCode::FOUND);
            assert_eq!(location(&resp), "/login/", "{name} {page}");
        }
        for page in [
            "/async/pools/abc".to_owned(),
            "/async/races/999999/leaderboard".to_owned(),
            format!("/async/permalink/{t}/999999"),
            format!("/async/permalink/{}/{}", s.closed_tournament, s.link_a1),
        ] {
            assert_eq!(
                status_of(&anon, &page).await,
                StatusCode::NOT_FOUND,
                "{name} {page}"
            );
        }

        // A runner without a role: own dashboard only.
        let bob = Browser::new(async_app(db.conn(), &fake, service.clone()));
        bob.login_as(&fake, BOB, "bob").await;
        assert_eq!(
            status_of(&bob, &format!("/async/races/{t}")).await,
            StatusCode::OK
        );
        for page in ["/async/races/abc", "/async/races/999999"] {
            assert_eq!(
                status_of(&bob, page).await,
                StatusCode::NOT_FOUND,
                "{name} {page}"
            );
        }
        for page in public_pages.iter().chain(&staff_pages) {
            assert_eq!(
                status_of(&bob, page).await,
                StatusCode::FORBIDDEN,
                "{name} {page}"
            );
        }

        // A `public` row (database only) opens bob's viewer pages — pools, player,
        // permalink — while the tournament runs; not the leaderboard, not staff pages.
        let now = chrono::Utc::now().naive_utc();
        asynctournamentpermissions::ActiveModel {
            role: Set("public".into()),
            created: Set(now),
            updated: Set(now),
            tournament_id: Set(t),
            user_id: Set(Some(s.bob)),
            discord_role_id: Set(None),
            ..Default::default()
        }
        .insert(db.conn())
        .await
        .expect("public grant");
        for page in &public_pages[1..] {
            assert_eq!(status_of(&bob, page).await, StatusCode::OK, "{name} {page}");
        }
        for page in public_pages[..1].iter().chain(&staff_pages) {
            assert_eq!(
                status_of(&bob, page).await,
                StatusCode::FORBIDDEN,
                "{name} {page}"
            );
        }

        // Admin by user grant, mod by Discord role: everything.
        for (id, who) in [(ADMIN, "admin"), (ROLE_MOD, "rolemod")] {
            let staff = Browser::new(async_app(db.conn(), &fake, service.clone()));
            staff.login_as(&fake, id, who).await;
            for page in public_pages.iter().chain(&staff_pages) {
                assert_eq!(
                    status_of(&staff, page).await,
                    StatusCode::OK,
                    "{name} {who} {page}"
                );
            }
        }

        // Closed: the leaderboard, pool, player and permalink pages are public.
        let mut closed: asynctournament::ActiveModel = asynctournament::Entity::find_by_id(t)
            .one(db.conn())
            .await
            .expect("query")
            .expect("tournament")
            .into();
        closed.active = Set(false);
        closed.update(db.conn()).await.expect("close");
        for page in &public_pages {
            assert_eq!(
                status_of(&anon, page).await,
                StatusCode::OK,
                "{name} {page}"
            );
            assert_eq!(status_of(&bob, page).await, StatusCode::OK, "{name} {page}");
        }
        for page in &staff_pages {
            assert_eq!(
                status_of(&bob, page).await,
                StatusCode::FORBIDDEN,
                "{name} {page}"
            );
        }
        let html = body(anon.get(&format!("/async/pools/{t}")).await).await;
        assert!(html.contains("Pool A") && html.contains("Pool B"), "{html}");
        assert!(html.contains("seed4"), "{html}");
        assert!(
            html.contains("Spring Async &lt;2024&gt;"),
            "{name}: names are escaped"
        );
    }
}

#[tokio::test]
async fn the_dashboard_lists_own_runs_and_allows_one_reattempt() {
    for db in TestDb::all().await {
        let name = db.name();
        migrate(db.conn()).await.expect("migrate");
        let s = seed(db.conn()).await;
        let fake = FakeOAuth::start().await.expect("oauth");
        let t = s.tournament;
        let alice = Browser::new(async_app(
            db.conn(),
            &fake,
            AsyncTournaments::new(db.conn().clone()),
        ));
        alice.login_as(&fake, ALICE, "alice").await;

        let html = body(alice.get(&format!("/async/races/{t}")).await).await;
        assert!(html.contains("Your results so far!"), "{html}");
        let forfeit = html.find(&format!("<td>{}</td>", s.alice_forfeit));
        let finished = html.find(&format!("<td>{}</td>", s.alice_finished));
        assert!(forfeit.is_some() && finished.is_some(), "{name}: {html}");
        assert!(forfeit < finished, "{name}: newest first");
        assert!(
            !html.contains(&format!("<td>{}</td>", s.bob_a)),
            "{name}: own runs only"
        );
        let reattempt = format!("/async/races/{t}/reattempt?race_id={}", s.alice_finished);
        assert!(html.contains(&reattempt), "{name}: {html}");
        assert!(
            !html.contains("href=\"javascript:"),
            "{name}: VoD links are http(s) only"
        );

        // The checks, in order.
        let resp = alice.get(&format!("/async/races/{t}/reattempt")).await;
        resp.assert_status(StatusCode::BAD_REQUEST);
        assert!(body(resp).await.contains("You must supply a race_id"));
        let resp = alice
            .get(&format!("/async/races/{t}/reattempt?race_id={}", s.bob_a))
            .await;
        resp.assert_status(StatusCode::FORBIDDEN);
        assert!(
            body(resp)
                .await
                .contains("Only the race&#x27;s player may reattempt it.")
        );

        let resp = alice.get(&reattempt).await;
        resp.assert_status_is_ok();
        let form = body(resp).await;
        assert!(
            !form.contains("<script>alert"),
            "{name}: notes are escaped: {form}"
        );
        assert!(form.contains("&lt;script&gt;"), "{name}: {form}");
        let token = csrf_in(&form).expect("token");
        let post = format!("/async/race/{t}/reattempt?race_id={}", s.alice_finished);

        // No token, no confirmation: refused, nothing changed.
        alice
            .post_form(&post, &[("reason", "x"), ("confirm", "yes")])
            .await
            .assert_status(StatusCode::FORBIDDEN);
        alice
            .post_form(&post, &[("reason", "x"), ("csrf_token", &token)])
            .await
            .assert_status(StatusCode::BAD_REQUEST);
        assert_eq!(
            race(db.conn(), s.alice_finished).await.reattempted,
            Some(false)
        );

        let resp = alice
            .post_form(
                &post,
                &[
                    ("reason", " seed crashed "),
                    ("confirm", "yes"),
                    ("csrf_token", &token),
                ],
            )
            .await;
        resp.assert_status(StatusCode::FOUND);
        assert_eq!(location(&resp), format!("/async/races/{t}"));
        let row = race(db.conn(), s.alice_finished).await;
        assert_eq!(row.reattempted, Some(true), "{name}");
        assert_eq!(
            row.reattempt_reason.as_deref(),
            Some("seed crashed"),
            "{name}"
        );

        // Once only.
        let html = body(alice.get(&format!("/async/races/{t}")).await).await;
        assert!(!html.contains("Reattempt this score"), "{name}: {html}");
        let other = format!("race_id={}", s.alice_forfeit);
        let resp = alice
            .get(&format!("/async/races/{t}/reattempt?{other}"))
            .await;
        resp.assert_status(StatusCode::FORBIDDEN);
        assert!(body(resp).await.contains("already used your reattempt"));
        alice
            .post_form(
                &format!("/async/race/{t}/reattempt?{other}"),
                &[("confirm", "yes"), ("csrf_token", &token)],
            )
            .await
            .assert_status(StatusCode::FORBIDDEN);
        assert_eq!(
            race(db.conn(), s.alice_forfeit).await.reattempted,
            Some(false)
        );
    }
}

/// The run ids a queue page lists (the review links).
fn listed(html: &str, t: i32) -> Vec<i32> {
    let marker = format!("/async/races/{t}/review/");
    html.match_indices(&marker)
        .filter_map(|(i, _)| {
            let rest = &html[i + marker.len()..];
            rest[..rest.find('"')?].parse().ok()
        })
        .collect()
}

#[tokio::test]
async fn the_review_queue_filters_claims_and_reviews() {
    for db in TestDb::all().await {
        let name = db.name();
        migrate(db.conn()).await.expect("migrate");
        let s = seed(db.conn()).await;
        let fake = FakeOAuth::start().await.expect("oauth");
        let service = AsyncTournaments::new(db.conn().clone());
        let t = s.tournament;
        let admin = Browser::new(async_app(db.conn(), &fake, service.clone()));
        admin.login_as(&fake, ADMIN, "admin").await;
        let carol = Browser::new(async_app(db.conn(), &fake, service.clone()));
        carol.login_as(&fake, CAROL, "carol").await;
        let queue = format!("/async/races/{t}/queue");

        // Default: finished, pending review, Discord-thread runs, not reattempted.
        let html = body(admin.get(&queue).await).await;
        assert_eq!(
            listed(&html, t),
            vec![s.alice_finished, s.bob_a, s.bob_b, s.carol_b],
            "{name}"
        );
        let html = body(admin.get(&format!("{queue}?live=true")).await).await;
        assert_eq!(listed(&html, t), vec![s.bob_live], "{name}");
        let html = body(admin.get(&format!("{queue}?status=forfeit&live=all")).await).await;
        assert_eq!(
            listed(&html, t),
            vec![s.alice_forfeit, s.carol_timeout],
            "{name}"
        );

        // Viewing a reviewable, unclaimed run claims it; another mod sees the claim.
        let page = format!("/async/races/{t}/review/{}", s.bob_a);
        let html = body(admin.get(&page).await).await;
        assert!(html.contains("name=\"review_status\""), "{name}: {html}");
        assert_eq!(
            race(db.conn(), s.bob_a).await.reviewed_by_id,
            Some(s.admin),
            "{name}"
        );
        let html = body(carol.get(&page).await).await;
        assert!(
            html.contains("admin has claimed this run"),
            "{name}: {html}"
        );
        assert_eq!(
            race(db.conn(), s.bob_a).await.reviewed_by_id,
            Some(s.admin),
            "{name}"
        );
        let html = body(admin.get(&format!("{queue}?reviewed=me")).await).await;
        assert_eq!(listed(&html, t), vec![s.bob_a], "{name}");
        let html = body(admin.get(&format!("{queue}?reviewed=unreviewed")).await).await;
        assert_eq!(
            listed(&html, t),
            vec![s.alice_finished, s.bob_b, s.carol_b],
            "{name}"
        );
        let html = body(admin.get(&format!("{queue}?reviewed={}", s.admin)).await).await;
        assert_eq!(listed(&html, t), vec![s.bob_a], "{name}");

        // Runs that cannot be reviewed are not claimed and have no form.
        for id in [s.alice_forfeit, s.carol_reattempted] {
            let html = body(admin.get(&format!("/async/races/{t}/review/{id}")).await).await;
            assert!(!html.contains("name=\"review_status\""), "{name}: {html}");
            assert_eq!(race(db.conn(), id).await.reviewed_by_id, None, "{name}");
        }
        assert_eq!(
            status_of(
                &admin,
                &format!("/async/races/{}/review/{}", s.closed_tournament, s.bob_a)
            )
            .await,
            StatusCode::FORBIDDEN,
            "{name}: no role in the other tournament"
        );

        // The review POST rules.
        let token = csrf_in(&body(admin.get(&page).await).await).expect("token");
        let post = |id: i32| format!("/async/races/{t}/review/{id}");
        for (id, text) in [
            (s.alice_forfeit, "cannot be reviewed yet"),
            (s.carol_reattempted, "Reattempted races cannot be reviewed"),
        ] {
            let resp = admin
                .post_form(
                    &post(id),
                    &[("review_status", "accepted"), ("csrf_token", &token)],
                )
                .await;
            resp.assert_status(StatusCode::FORBIDDEN);
            assert!(body(resp).await.contains(text), "{name} {id}");
        }
        let carol_token = csrf_in(&body(carol.get(&page).await).await).expect("token");
        let resp = carol
            .post_form(
                &post(s.carol_b),
                &[("review_status", "accepted"), ("csrf_token", &carol_token)],
            )
            .await;
        resp.assert_status(StatusCode::FORBIDDEN);
        assert!(
            body(resp).await.contains("cannot review your own run"),
            "{name}"
        );
        admin
            .post_form(
                &post(s.bob_a),
                &[("review_status", "bogus"), ("csrf_token", &token)],
            )
            .await
            .assert_status(StatusCode::BAD_REQUEST);
        admin
            .post_form(&post(s.bob_a), &[("review_status", "accepted")])
            .await
            .assert_status(StatusCode::FORBIDDEN);
        assert_eq!(
            race(db.conn(), s.bob_a).await.review_status,
            "pending",
            "{name}"
        );

        // Carol (a mod) reviews bob's run claimed by the admin: she becomes the reviewer.
        let resp = carol
            .post_form(
                &post(s.bob_a),
                &[
                    ("review_status", "rejected"),
                    ("reviewer_notes", "<b>check</b> the VoD"),
                    ("csrf_token", &carol_token),
                ],
            )
            .await;
        resp.assert_status(StatusCode::FOUND);
        assert_eq!(location(&resp), queue, "{name}");
        let row = race(db.conn(), s.bob_a).await;
        assert_eq!(row.review_status, "rejected", "{name}");
        assert_eq!(row.reviewer_notes.as_deref(), Some("<b>check</b> the VoD"));
        assert_eq!(row.reviewed_by_id, Some(s.carol), "{name}");
        assert!(row.reviewed_at.is_some(), "{name}");
        let html = body(admin.get(&format!("{queue}?review_status=rejected")).await).await;
        assert_eq!(listed(&html, t), vec![s.bob_a], "{name}");
        assert!(html.contains("Pending Second Review"), "{name}");
        let html = body(admin.get(&page).await).await;
        assert!(
            html.contains("&lt;b&gt;check&lt;&#x2f;b&gt; the VoD"),
            "{name}: {html}"
        );

        // Pages of 20.
        for _ in 0..21 {
            run(
                db.conn(),
                Run {
                    tournament: t,
                    user: s.bob,
                    permalink: s.link_a2,
                    finished_after: Some(5000),
                    ..Run::default()
                },
            )
            .await;
        }
        let html = body(admin.get(&queue).await).await;
        assert_eq!(listed(&html, t).len(), 20, "{name}");
        assert!(html.contains("queue?page=2"), "{name}: {html}");
        let html = body(admin.get(&format!("{queue}?page=2")).await).await;
        assert_eq!(listed(&html, t).len(), 4, "{name}");
        assert!(html.contains("queue?page=1"), "{name}");
        let html = body(admin.get(&format!("{queue}?page=0")).await).await;
        assert_eq!(listed(&html, t).len(), 20, "{name}: page 0 is page 1");
    }
}

#[tokio::test]
async fn review_pages_keep_runner_notes_as_text() {
    for db in TestDb::all().await {
        let name = db.name();
        migrate(db.conn()).await.expect("migrate");
        let s = seed(db.conn()).await;
        let fake = FakeOAuth::start().await.expect("oauth");
        let admin = Browser::new(async_app(
            db.conn(),
            &fake,
            AsyncTournaments::new(db.conn().clone()),
        ));
        admin.login_as(&fake, ADMIN, "admin").await;
        let html = body(
            admin
                .get(&format!(
                    "/async/races/{}/review/{}",
                    s.tournament, s.alice_finished
                ))
                .await,
        )
        .await;
        assert!(!html.contains("<script>alert"), "{name}: {html}");
        assert!(!html.contains("<img src=x"), "{name}: {html}");
        assert!(!html.contains("href=\"javascript:"), "{name}: {html}");
        assert!(
            html.contains("&lt;script&gt;alert(&#x27;xss&#x27;)&lt;/script&gt;<br>"),
            "{name}: {html}"
        );
        assert!(
            html.contains("&amp;lt;img src=x onerror=alert(1)&amp;gt;"),
            "{name}"
        );
        assert!(
            html.contains("<a href=\"https://example.org/vod\""),
            "{name}: plain links work"
        );
        assert!(
            html.contains("javascript:alert(3)"),
            "{name}: the bad VoD shows as text"
        );
        assert!(!html.contains("<script"), "{name}: no scripts at all");
    }
}

#[tokio::test]
async fn the_leaderboard_shows_the_scores() {
    for db in TestDb::all().await {
        let name = db.name();
        migrate(db.conn()).await.expect("migrate");
        let s = seed(db.conn()).await;
        let fake = FakeOAuth::start().await.expect("oauth");
        let service = AsyncTournaments::new(db.conn().clone());
        let t = s.tournament;
        let admin = Browser::new(async_app(db.conn(), &fake, service.clone()));
        admin.login_as(&fake, ADMIN, "admin").await;
        let board = format!("/async/races/{t}/leaderboard");

        // Before scoring nobody has a score.
        let html = body(admin.get(&board).await).await;
        assert!(html.contains("0.000"), "{name}: {html}");

        // Pool A: par 4500 s → alice 105 (capped), bob 80. Pool B: par 5400 s → bob 66.667,
        // carol 105 (capped), alice's forfeit 0; carol's timed-out forfeit is unscored (no
        // finished run on its seed) and counts 0.
        service
            .calculate_scores(t, false, chrono::Utc::now())
            .await
            .expect("scores");
        let html = body(admin.get(&board).await).await;
        let order: Vec<usize> = ["bob", "alice", "carol"]
            .iter()
            .map(|p| html.find(&format!(">{p}</a>")).expect("player listed"))
            .collect();
        assert!(order[0] < order[1] && order[1] < order[2], "{name}: {html}");
        for score in ["73.333", "52.500", "105.000", "80.000", "66.667"] {
            assert!(html.contains(score), "{name}: {score} in {html}");
        }
        assert!(!html.contains("Estimate</th>"), "{name}");

        let html = body(admin.get(&format!("{board}?estimate=true")).await).await;
        assert!(html.contains("Estimate</th>"), "{name}");
        let order: Vec<usize> = ["alice", "carol", "bob"]
            .iter()
            .map(|p| html.find(&format!(">{p}</a>")).expect("player listed"))
            .collect();
        assert!(order[0] < order[1] && order[1] < order[2], "{name}: {html}");

        // The permalink page lists finished and forfeited runs by score.
        let html = body(
            admin
                .get(&format!("/async/permalink/{t}/{}", s.link_b1))
                .await,
        )
        .await;
        let pos: Vec<usize> = [s.carol_b, s.bob_b, s.alice_forfeit]
            .iter()
            .map(|id| html.find(&format!("<td>{id}</td>")).expect("run listed"))
            .collect();
        assert!(pos[0] < pos[1] && pos[1] < pos[2], "{name}: {html}");
    }
}
