//! Issue #8 in a real browser: headless Chromium logs in through the Discord OAuth2 redirect
//! chain (the site's `/login/`, Discord's authorize page faked over HTTPS, the site's
//! callback; the encrypted session cookie, `state` and the return path all kept by the
//! browser itself), opens a triforce-text pool page, types a text into the form and submits
//! it (its CSRF token included by the browser), and sees the thank-you page; the text is then
//! a pending row of that pool. A form on another loopback origin posting to the pool (the
//! browser sends the session cookie along: ports do not make another site) is refused and
//! stores nothing. Runs on every available database backend; skipped with a printed reason
//! when Chromium is not installed.

use crate::web_common;

use std::sync::Arc;

use sahasrahbot_core::db::entities::triforcetexts;
use sahasrahbot_migrations::migrate;
use sahasrahbot_testkit::browser::{DiscordAuthorize, WAIT};
use sahasrahbot_testkit::db::TestDb;
use sahasrahbot_testkit::oauth::FakeOAuth;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::json;

/// The user Discord logs in.
const USER: i64 = 333;
/// The pool of the test.
const POOL: &str = "alttpr2024";

/// A page on another loopback origin with a form posting a text to the pool of `site`.
async fn attacker(site: &str) -> (String, web_common::Served) {
    let page = format!(
        "<title>Win a prize</title><form method=post action=\"{site}/triforcetexts/{POOL}/submit\">\
         <input type=hidden name=first_line value=PWNED><input type=hidden name=second_line value=A>\
         <input type=hidden name=third_line value=B><input type=hidden name=csrf_token value=guess>\
         <button type=submit>Claim</button></form>"
    );
    web_common::serve_endpoint(poem::endpoint::make_sync(move |_| {
        poem::web::Html(page.clone())
    }))
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_logged_in_user_submits_a_triforce_text_through_the_form() {
    let oauth = Arc::new(FakeOAuth::start().await.expect("fake OAuth"));
    let authorize = DiscordAuthorize::approving(
        oauth.clone(),
        json!({"id": USER.to_string(), "username": "zelda", "global_name": "Zelda",
               "discriminator": "0", "avatar": "abc123"}),
    )
    .await
    .expect("authorize page");
    let Some(browser) = web_common::browser_or_skip(&authorize).await else {
        return;
    };

    for db in TestDb::all().await {
        let name = db.name();
        migrate(db.conn()).await.expect("migrate");
        let before = authorize.requests().len();
        let (site, _server) =
            web_common::serve_site(db.conn().clone(), &oauth, |state| state).await;
        let page = format!("{site}/triforcetexts/{POOL}");

        // Cookies are per host, not per port: the previous backend's site left a login.
        browser.goto(&site).await.expect("open the site");
        browser.delete_cookies().await.expect("log out");

        // Not logged in: the pool page sends the browser through Discord and back to it.
        browser.goto(&page).await.expect("open the pool page");
        let landed = browser
            .wait_for_url(|u| u.starts_with(&page), WAIT)
            .await
            .unwrap_or_else(|e| panic!("{name}: not back on the pool page: {e}"));
        assert_eq!(
            landed.trim_end_matches('?'),
            page,
            "{name}: the remembered return path"
        );
        let asked = &authorize.requests()[before..];
        assert_eq!(asked.len(), 1, "{name}: one trip to Discord: {asked:?}");
        assert_eq!(
            asked[0].query.get("redirect_uri").map(String::as_str),
            Some(format!("{site}/callback/discord/").as_str()),
            "{name}"
        );
        let exchanged = oauth
            .requests()
            .iter()
            .filter(|r| r.path == "/api/oauth2/token")
            .count();
        assert!(exchanged >= 1, "{name}: the site exchanged the code");
        let who = browser
            .wait_for(".username", WAIT)
            .await
            .expect("the account bar");
        assert_eq!(who.text().await.expect("name"), "Zelda", "{name}");
        let cookies = browser.cookies().await.expect("cookies");
        let session = cookies
            .iter()
            .find(|c| c["name"] == "session")
            .unwrap_or_else(|| panic!("{name}: no session cookie in {cookies:?}"));
        assert_eq!(session["httpOnly"], true, "{name}: {session}");
        assert_eq!(session["sameSite"], "Lax", "{name}: {session}");

        // The form, typed into and sent by the browser.
        for (field, text) in [
            ("first_line", "HELLO FROM"),
            ("second_line", "CHROMIUM"),
            ("third_line", "GG!"),
        ] {
            browser
                .find(&format!("input[name={field}]"))
                .await
                .unwrap_or_else(|e| panic!("{name}: {field}: {e}"))
                .send_keys(text)
                .await
                .expect("type");
        }
        browser
            .find("form button[type=submit]")
            .await
            .expect("the submit button")
            .click()
            .await
            .expect("submit");
        browser
            .wait_for_text("h1", "Thank you!", WAIT)
            .await
            .unwrap_or_else(|e| panic!("{name}: no thank-you page: {e}"));
        assert_eq!(
            browser.current_url().await.expect("url"),
            format!("{page}/submit"),
            "{name}"
        );

        // A form elsewhere posting into the pool, with the user's cookie: refused.
        let (evil, _evil) = attacker(&site).await;
        browser.goto(&evil).await.expect("open the other site");
        browser
            .find("button")
            .await
            .expect("the other site's button")
            .click()
            .await
            .expect("post from the other site");
        browser
            .wait_for_text("h1", "Form Expired", WAIT)
            .await
            .unwrap_or_else(|e| panic!("{name}: the cross-origin post was not refused: {e}"));

        let rows = triforcetexts::Entity::find()
            .filter(triforcetexts::Column::PoolName.eq(POOL))
            .all(db.conn())
            .await
            .expect("rows");
        assert_eq!(rows.len(), 1, "{name}: {rows:?}");
        let row = &rows[0];
        assert_eq!(row.text, "HELLO FROM\nCHROMIUM\nGG!", "{name}");
        assert_eq!(row.discord_user_id, Some(USER), "{name}");
        assert_eq!(row.author.as_deref(), Some("zelda#0"), "{name}");
        assert_eq!(row.approved, None, "{name}: pending moderation");
    }
}
