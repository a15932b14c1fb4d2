//! Web login, session, CSRF and the root pages (parity rows 1–8, 11, 62–64) through poem's
//! test client, against the fake Discord OAuth2 provider.

use crate::web_common;

use poem::http::StatusCode;
use sahasrahbot_core::config::Secret;
use sahasrahbot_core::db::entities::{nick_verification, presetnamespaces, presets};
use sahasrahbot_migrations::migrate;
use sahasrahbot_testkit::db::TestDb;
use sahasrahbot_testkit::oauth::{DISCORD_CLIENT_ID, FakeOAuth};
use sea_orm::{ActiveValue::Set, Database, EntityTrait, PaginatorTrait};
use web_common::*;

async fn memory_db() -> sea_orm::DatabaseConnection {
    let db = Database::connect("sqlite::memory:").await.expect("sqlite");
    migrate(&db).await.expect("migrate");
    db
}

#[tokio::test]
async fn the_oauth_round_trip_logs_in_and_the_pages_show_the_user() {
    let fake = FakeOAuth::start().await.expect("fake");
    let browser = Browser::new(web_app(memory_db().await, config(&fake)));

    let resp = browser.get("/").await;
    resp.assert_status_is_ok();
    let html = body(resp).await;
    assert!(html.contains("href=\"/login/\""), "{html}");

    let resp = browser.get("/login/").await;
    resp.assert_status(StatusCode::FOUND);
    let to = location(&resp);
    assert!(
        to.starts_with("https://discord.com/api/oauth2/authorize?"),
        "{to}"
    );
    assert_eq!(query_param(&to, "scope").as_deref(), Some("identify"));
    assert_eq!(query_param(&to, "response_type").as_deref(), Some("code"));
    assert_eq!(
        query_param(&to, "client_id").as_deref(),
        Some(DISCORD_CLIENT_ID)
    );
    assert_eq!(
        query_param(&to, "redirect_uri").as_deref(),
        Some("https://bot.example.org/callback/discord/")
    );
    let state = query_param(&to, "state").expect("state");
    assert!(state.len() >= 32, "{state}");
    let cookie = resp
        .0
        .headers()
        .get("set-cookie")
        .expect("session cookie")
        .to_str()
        .expect("text")
        .to_owned();
    assert!(cookie.contains("HttpOnly"), "{cookie}");
    assert!(cookie.contains("SameSite=Lax"), "{cookie}");
    assert!(cookie.contains("Secure"), "{cookie}");
    assert!(
        !cookie.contains("discord"),
        "encrypted, not readable: {cookie}"
    );

    fake.discord_code(
        "c",
        serde_json::json!({"id": "111", "username": "bob", "global_name": "Bob X",
                           "discriminator": "0", "avatar": null}),
    );
    let resp = browser
        .get(&format!("/callback/discord/?code=c&state={state}"))
        .await;
    resp.assert_status(StatusCode::FOUND);
    assert_eq!(location(&resp), "/me");

    let token_call = fake
        .requests()
        .into_iter()
        .find(|r| r.path == "/api/oauth2/token")
        .expect("token exchange");
    assert_eq!(token_call.form["code"], "c");
    assert_eq!(
        token_call.form["redirect_uri"],
        "https://bot.example.org/callback/discord/"
    );
    assert!(
        token_call
            .authorization
            .as_deref()
            .is_some_and(|a| a.starts_with("Basic ")),
        "{token_call:?}"
    );

    let resp = browser.get("/me").await;
    resp.assert_status(StatusCode::PERMANENT_REDIRECT);
    assert_eq!(location(&resp), "/me/");
    let resp = browser.get("/me/").await;
    resp.assert_status_is_ok();
    let html = body(resp).await;
    assert!(html.contains("About bob"), "{html}");
    assert!(html.contains("/racetime/verification/initiate"), "{html}");
    let html = body(browser.get("/").await).await;
    assert!(html.contains("Bob X"), "{html}");
    assert!(html.contains("href=\"/logout\""), "{html}");
    assert!(!html.contains("<script"), "no scripts: {html}");

    let resp = browser.get("/logout").await;
    resp.assert_status(StatusCode::PERMANENT_REDIRECT);
    assert_eq!(location(&resp), "/logout/");
    let resp = browser.get("/logout/").await;
    resp.assert_status(StatusCode::FOUND);
    assert_eq!(location(&resp), "/");
    let resp = browser.get("/me/").await;
    resp.assert_status(StatusCode::FOUND);
    assert_eq!(location(&resp), "/login/");
}

#[tokio::test]
async fn bad_callbacks_get_oauth_error_pages_with_real_statuses() {
    let fake = FakeOAuth::start().await.expect("fake");
    let browser = Browser::new(web_app(memory_db().await, config(&fake)));

    browser.get("/login/").await;
    fake.discord_code("c", serde_json::json!({"id": "111", "username": "bob"}));
    let resp = browser.get("/callback/discord/?code=c&state=wrong").await;
    resp.assert_status(StatusCode::BAD_REQUEST);
    let html = body(resp).await;
    assert!(html.contains("OAuth Error"), "{html}");
    assert!(html.contains("CSRF state validation failed"), "{html}");

    let resp = browser.get("/callback/discord/?error=access_denied").await;
    resp.assert_status(StatusCode::FORBIDDEN);
    assert!(body(resp).await.contains("Access Denied"));

    let resp = browser.get("/login/").await;
    let state = query_param(&location(&resp), "state").expect("state");
    let resp = browser
        .get(&format!("/callback/discord/?state={state}"))
        .await;
    resp.assert_status(StatusCode::BAD_REQUEST);
    assert!(body(resp).await.contains("No authorization code received"));

    // An unknown code: Discord refuses the exchange.
    let resp = browser.get("/login/").await;
    let state = query_param(&location(&resp), "state").expect("state");
    let resp = browser
        .get(&format!("/callback/discord/?code=nope&state={state}"))
        .await;
    resp.assert_status(StatusCode::BAD_GATEWAY);
    assert!(body(resp).await.contains("OAuth Error"));
    let resp = browser.get("/me/").await;
    resp.assert_status(StatusCode::FOUND);

    // Escaped provider text.
    let resp = browser
        .get("/callback/discord/?error=x&error_description=%3Cscript%3E")
        .await;
    resp.assert_status(StatusCode::BAD_REQUEST);
    let html = body(resp).await;
    assert!(
        html.contains("&lt;script&gt;") && !html.contains("<script>"),
        "{html}"
    );
}

#[tokio::test]
async fn protected_pages_return_after_login() {
    let fake = FakeOAuth::start().await.expect("fake");
    let browser = Browser::new(web_app(memory_db().await, config(&fake)));
    let resp = browser.get("/presets/me").await;
    resp.assert_status(StatusCode::FOUND);
    assert_eq!(location(&resp), "/login/");
    let resp = browser.login_as(&fake, USER_ID, "Bob X").await;
    resp.assert_status(StatusCode::FOUND);
    assert_eq!(location(&resp), "/presets/me?");
    let resp = browser.get("/presets/me").await;
    resp.assert_status(StatusCode::FOUND);
    assert_eq!(location(&resp), "/presets/manage/bob-x");
}

#[tokio::test]
async fn login_is_refused_clearly_without_a_secret_key() {
    let fake = FakeOAuth::start().await.expect("fake");
    let mut cfg = config(&fake);
    cfg.api.secret_key = Secret::default();
    let browser = Browser::new(web_app(memory_db().await, cfg));
    let resp = browser.get("/login/").await;
    resp.assert_status(StatusCode::SERVICE_UNAVAILABLE);
    assert!(body(resp).await.contains("Login Unavailable"));
    // The rest of the site still works.
    browser.get("/").await.assert_status_is_ok();
}

#[tokio::test]
async fn not_found_pages_assets_and_methods() {
    let fake = FakeOAuth::start().await.expect("fake");
    let browser = Browser::new(web_app(memory_db().await, config(&fake)));
    let resp = browser.get("/nope").await;
    resp.assert_status(StatusCode::NOT_FOUND);
    resp.assert_content_type("text/html; charset=utf-8");
    assert!(body(resp).await.contains("Not Found"));
    let resp = browser.get("/purgeme/").await;
    resp.assert_status(StatusCode::NOT_FOUND);
    let resp = browser.get("/assets/css/site.css").await;
    resp.assert_status_is_ok();
    resp.assert_content_type("text/css; charset=utf-8");
    browser
        .get("/assets/images/logo.svg")
        .await
        .assert_status_is_ok();
    browser
        .get("/assets/../Cargo.toml")
        .await
        .assert_status(StatusCode::NOT_FOUND);
    browser
        .get("/assets/css/../../Cargo.toml")
        .await
        .assert_status(StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn purgeme_deletes_presets_and_verifications_only_when_confirmed() {
    for db in TestDb::all().await {
        migrate(db.conn()).await.expect("migrate");
        let fake = FakeOAuth::start().await.expect("fake");
        let browser = Browser::new(web_app(db.conn().clone(), config(&fake)));
        let ns = presetnamespaces::Entity::insert(presetnamespaces::ActiveModel {
            name: Set(Some("bob".into())),
            discord_user_id: Set(USER_ID),
            ..Default::default()
        })
        .exec_with_returning(db.conn())
        .await
        .expect("ns");
        presets::Entity::insert(presets::ActiveModel {
            randomizer: Set("alttpr".into()),
            preset_name: Set("open2".into()),
            namespace_id: Set(ns.id),
            content: Set("goal_name: x\n".into()),
            modified: Set(chrono::Utc::now().naive_utc()),
            generated_count: Set(0),
            ..Default::default()
        })
        .exec(db.conn())
        .await
        .expect("preset");
        nick_verification::Entity::insert(nick_verification::ActiveModel {
            key: Set(42),
            discord_user_id: Set(Some(USER_ID)),
            timestamp: Set(None),
        })
        .exec(db.conn())
        .await
        .expect("nick");

        browser
            .get("/purgeme")
            .await
            .assert_status(StatusCode::FOUND);
        browser.login_as(&fake, USER_ID, "bob").await;
        let resp = browser.get("/purgeme").await;
        resp.assert_status_is_ok();
        let html = body(resp).await;
        assert!(
            html.contains("name=\"confirmpurge\" value=\"yes\""),
            "{html}"
        );
        assert!(html.contains("<label for=\"confirmpurge\">"), "{html}");
        let token = csrf_in(&html).expect("token");

        // No token, or a foreign origin: refused, nothing deleted.
        let resp = browser
            .post_form("/purgeme", &[("confirmpurge", "yes")])
            .await;
        resp.assert_status(StatusCode::FORBIDDEN);
        let resp = browser
            .post_with_origin(
                "/purgeme",
                "https://evil.example",
                &[("confirmpurge", "yes"), ("csrf_token", &token)],
            )
            .await;
        resp.assert_status(StatusCode::FORBIDDEN);
        // Not confirmed: back to the profile, rows kept.
        let resp = browser
            .post_form("/purgeme", &[("csrf_token", &token)])
            .await;
        resp.assert_status(StatusCode::FOUND);
        assert_eq!(location(&resp), "/me/");
        assert_eq!(
            presets::Entity::find().count(db.conn()).await.expect("n"),
            1,
            "{}",
            db.name()
        );

        let resp = browser
            .post_with_origin(
                "/purgeme",
                APP_URL,
                &[("confirmpurge", "yes"), ("csrf_token", &token)],
            )
            .await;
        resp.assert_status(StatusCode::FOUND);
        assert_eq!(location(&resp), "/logout/");
        assert_eq!(
            presets::Entity::find().count(db.conn()).await.expect("n"),
            0,
            "{}",
            db.name()
        );
        assert_eq!(
            presetnamespaces::Entity::find()
                .count(db.conn())
                .await
                .expect("n"),
            0
        );
        assert_eq!(
            nick_verification::Entity::find()
                .count(db.conn())
                .await
                .expect("n"),
            0
        );
    }
}

#[tokio::test]
async fn a_database_failure_gets_the_500_page() {
    let fake = FakeOAuth::start().await.expect("fake");
    let db = memory_db().await;
    let browser = Browser::new(web_app(db.clone(), config(&fake)));
    db.close().await.expect("close");
    let resp = browser.get("/presets").await;
    resp.assert_status(StatusCode::INTERNAL_SERVER_ERROR);
    let html = body(resp).await;
    assert!(html.contains("Something Bad Happened"), "{html}");
    assert!(
        !html.contains("sqlite") && !html.contains("Connection"),
        "no details: {html}"
    );
}
