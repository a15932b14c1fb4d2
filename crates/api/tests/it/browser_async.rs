//! Issue #7 in a real browser: a tournament admin logs in through the Discord OAuth2
//! redirect chain (headless Chromium, Discord's authorize page faked over HTTPS), opens a
//! run's review page (which claims it), approves it with the review form, lands on the
//! queue, and after the approved-only scoring the leaderboard shows the run's score. Runs on
//! every available database backend; skipped with a printed reason when Chromium is not
//! installed.

use crate::async_common;
use crate::web_common;

use std::sync::Arc;

use async_common::*;
use sahasrahbot_core::db::entities::asynctournamentrace;
use sahasrahbot_migrations::migrate;
use sahasrahbot_testkit::browser::{DiscordAuthorize, WAIT};
use sahasrahbot_testkit::db::TestDb;
use sahasrahbot_testkit::oauth::FakeOAuth;
use sahasrahbot_tournament::asynctournament::AsyncTournaments;
use sea_orm::EntityTrait;
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_admin_approves_a_run_and_the_leaderboard_changes() {
    let oauth = Arc::new(FakeOAuth::start().await.expect("fake OAuth"));
    let authorize = DiscordAuthorize::approving(
        oauth.clone(),
        json!({"id": ADMIN.to_string(), "username": "admin", "global_name": "The Admin",
               "discriminator": "0", "avatar": null}),
    )
    .await
    .expect("authorize page");
    let Some(browser) = web_common::browser_or_skip(&authorize).await else {
        return;
    };

    for db in TestDb::all().await {
        let name = db.name();
        migrate(db.conn()).await.expect("migrate");
        let s = seed(db.conn()).await;
        let t = s.tournament;
        let service = AsyncTournaments::new(db.conn().clone());
        // Approved-only scoring before any review: no seed has a par, nobody scores.
        service
            .calculate_scores(t, true, chrono::Utc::now())
            .await
            .expect("scores");
        let (site, _server) = web_common::serve_site(db.conn().clone(), &oauth, |state| {
            state
                .with_guild_directory(guild())
                .with_async_tournaments(service.clone())
        })
        .await;
        browser.goto(&site).await.expect("open the site");
        browser.delete_cookies().await.expect("log out");

        // Not logged in: the dashboard sends the browser through Discord and back.
        browser
            .goto(&format!("{site}/async/races/{t}"))
            .await
            .expect("open the dashboard");
        browser
            .wait_for_text("h2", "Your results so far!", WAIT)
            .await
            .unwrap_or_else(|e| panic!("{name}: no dashboard after login: {e}"));
        let board = format!("{site}/async/races/{t}/leaderboard");
        browser.goto(&board).await.expect("open the leaderboard");
        browser
            .wait_for_text("h1", "Leaderboard of", WAIT)
            .await
            .unwrap_or_else(|e| panic!("{name}: no leaderboard: {e}"));
        let first = browser
            .find("tbody tr:first-child .score")
            .await
            .expect("first line");
        assert_eq!(first.text().await.expect("score"), "0.000", "{name}");

        // The review page claims the run; the form approves it.
        browser
            .goto(&format!("{site}/async/races/{t}/review/{}", s.bob_a))
            .await
            .expect("open the review page");
        browser
            .wait_for("select[name=review_status]", WAIT)
            .await
            .unwrap_or_else(|e| panic!("{name}: no review form: {e}"));
        browser
            .find("option[value=accepted]")
            .await
            .expect("the accepted option")
            .click()
            .await
            .expect("choose accepted");
        browser
            .find("textarea[name=reviewer_notes]")
            .await
            .expect("notes")
            .send_keys("Clean run.")
            .await
            .expect("type");
        browser
            .find("form button[type=submit]")
            .await
            .expect("the save button")
            .click()
            .await
            .expect("submit");
        browser
            .wait_for_text("h1", "Review queue", WAIT)
            .await
            .unwrap_or_else(|e| panic!("{name}: not back on the queue: {e}"));
        let row = asynctournamentrace::Entity::find_by_id(s.bob_a)
            .one(db.conn())
            .await
            .expect("query")
            .expect("run");
        assert_eq!(row.review_status, "accepted", "{name}");
        assert_eq!(row.reviewer_notes.as_deref(), Some("Clean run."), "{name}");
        assert_eq!(row.reviewed_by_id, Some(s.admin), "{name}");

        // The hourly approved-only scoring: bob's run is its seed's par (100), his other
        // slot is unapproved (0): 50 and first place.
        service
            .calculate_scores(t, true, chrono::Utc::now())
            .await
            .expect("scores");
        browser.goto(&board).await.expect("reload the leaderboard");
        let first = browser
            .wait_for("tbody tr:first-child", WAIT)
            .await
            .expect("first line");
        let text = first.text().await.expect("text");
        assert!(
            text.contains("bob") && text.contains("50.000"),
            "{name}: {text}"
        );
    }
}
