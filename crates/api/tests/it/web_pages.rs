//! Preset pages (rows 13–20), triforce texts (rows 51–56) and racetime.gg linking (rows
//! 25–26) through poem's test client, on every available database backend.

use crate::web_common;

use poem::http::StatusCode;
use poem::test::{TestForm, TestFormField};
use sahasrahbot_core::db::entities::{
    asynctournament, asynctournamentpermissions, presetnamespaces, presets, triforcetexts,
    triforcetextsconfig, users,
};
use sahasrahbot_migrations::migrate;
use sahasrahbot_testkit::db::TestDb;
use sahasrahbot_testkit::oauth::{FakeOAuth, RACETIME_CLIENT_ID};
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use web_common::*;

const OPEN: &str = "goal_name: open\nsettings:\n  mode: open\n  goal: ganon\n";
const OTHER: i64 = 222;

fn file(name: &str, content: &str) -> TestFormField {
    TestFormField::bytes(content.as_bytes().to_vec())
        .name(name)
        .filename("preset.yaml")
}

#[tokio::test]
async fn preset_pages_list_create_view_replace_and_delete() {
    for db in TestDb::all().await {
        let name = db.name();
        migrate(db.conn()).await.expect("migrate");
        let fake = FakeOAuth::start().await.expect("fake");
        let app = || web_app(db.conn().clone(), config(&fake));
        let owner = Browser::new(app());
        let other = Browser::new(app());
        let anon = Browser::new(app());
        owner.login_as(&fake, USER_ID, "Bob X").await;
        other.login_as(&fake, OTHER, "Eve").await;

        // Row 14: the namespace is made once.
        for _ in 0..2 {
            let resp = owner.get("/presets/me").await;
            resp.assert_status(StatusCode::FOUND);
            assert_eq!(location(&resp), "/presets/manage/bob-x", "{name}");
        }
        assert_eq!(
            presetnamespaces::Entity::find()
                .count(db.conn())
                .await
                .expect("n"),
            1
        );

        // Row 13.
        let html = body(anon.get("/presets").await).await;
        assert!(
            html.contains("href=\"/presets/manage/bob-x\""),
            "{name}: {html}"
        );

        // Row 15.
        let resp = owner.get("/presets/bob-x/create").await;
        resp.assert_status_is_ok();
        let html = body(resp).await;
        for r in ["alttpr", "alttprmystery", "ctjets", "smz3", "sm"] {
            assert!(
                html.contains(&format!("<option value=\"{r}\">")),
                "{r}: {html}"
            );
        }
        let token = csrf_in(&html).expect("token");
        let resp = other.get("/presets/bob-x/create").await;
        resp.assert_status(StatusCode::FORBIDDEN);
        assert!(
            body(resp)
                .await
                .contains("not allowed to create presets in this namespace")
        );

        // Row 16.
        let form = |preset: &str, token: &str| {
            TestForm::new()
                .text("csrf_token", token)
                .text("preset_name", preset)
                .text("randomizer", "alttpr")
                .field(file("presetfile", OPEN))
        };
        let resp = owner
            .post_multipart("/presets/bob-x/create", form("open2", &token))
            .await;
        resp.assert_status(StatusCode::FOUND);
        assert_eq!(
            location(&resp),
            "/presets/manage/bob-x/alttpr?preset=open2",
            "{name}"
        );
        let row = presets::Entity::find()
            .one(db.conn())
            .await
            .expect("q")
            .expect("row");
        assert_eq!(row.content, OPEN);
        let resp = owner
            .post_multipart("/presets/bob-x/create", form("bad-name", &token))
            .await;
        resp.assert_status(StatusCode::FORBIDDEN);
        assert!(body(resp).await.contains("Invalid preset name"));
        let resp = owner
            .post_multipart("/presets/bob-x/create", form("open3", "forged"))
            .await;
        resp.assert_status(StatusCode::FORBIDDEN);
        let no_file = TestForm::new()
            .text("csrf_token", &token)
            .text("preset_name", "open3")
            .text("randomizer", "alttpr");
        owner
            .post_multipart("/presets/bob-x/create", no_file)
            .await
            .assert_status(StatusCode::BAD_REQUEST);
        let not_yaml = TestForm::new()
            .text("csrf_token", &token)
            .text("preset_name", "open3")
            .text("randomizer", "alttpr")
            .field(file("presetfile", "settings: [unclosed"));
        owner
            .post_multipart("/presets/bob-x/create", not_yaml)
            .await
            .assert_status(StatusCode::BAD_REQUEST);
        assert_eq!(
            presets::Entity::find().count(db.conn()).await.expect("n"),
            1,
            "{name}"
        );

        // Rows 17–18.
        let html = body(anon.get("/presets/manage/bob-x").await).await;
        assert!(
            html.contains("/presets/manage/bob-x/alttpr/open2"),
            "{html}"
        );
        assert!(!html.contains("Create a new preset"), "{html}");
        assert!(
            body(owner.get("/presets/manage/bob-x").await)
                .await
                .contains("Create a new preset")
        );
        let html = body(anon.get("/presets/manage/bob-x/sm").await).await;
        assert!(!html.contains("open2"), "{html}");
        anon.get("/presets/manage/nobody")
            .await
            .assert_status(StatusCode::NOT_FOUND);

        // Row 19.
        let resp = anon.get("/presets/manage/bob-x/alttpr/open2").await;
        resp.assert_status_is_ok();
        let html = body(resp).await;
        assert!(html.contains("goal_name: open"), "{html}");
        assert!(!html.contains("name=\"delete\""), "{html}");
        let html = body(owner.get("/presets/manage/bob-x/alttpr/open2").await).await;
        assert!(
            html.contains("name=\"delete\"") && html.contains("name=\"save\""),
            "{html}"
        );

        // Row 20.
        let replace = |content: &str, token: &str| {
            TestForm::new()
                .text("csrf_token", token)
                .field(file("presetfile", content))
        };
        let changed = OPEN.replace("ganon", "fast_ganon");
        let resp = owner
            .post_multipart(
                "/presets/manage/bob-x/alttpr/open2",
                replace(&changed, &token),
            )
            .await;
        resp.assert_status(StatusCode::FOUND);
        assert_eq!(location(&resp), "/presets/manage/bob-x/alttpr/open2");
        let row = presets::Entity::find()
            .one(db.conn())
            .await
            .expect("q")
            .expect("row");
        assert_eq!(row.content, changed, "{name}");
        let resp = owner
            .post_multipart("/presets/manage/bob-x/alttpr/open2", replace("", &token))
            .await;
        resp.assert_status(StatusCode::BAD_REQUEST);
        assert!(body(resp).await.contains("empty or missing"));
        let other_token = other.csrf("/purgeme").await;
        let resp = other
            .post_multipart(
                "/presets/manage/bob-x/alttpr/open2",
                replace(OPEN, &other_token),
            )
            .await;
        resp.assert_status(StatusCode::FORBIDDEN);
        assert!(body(resp).await.contains("You do not own this preset"));
        let delete = TestForm::new()
            .text("csrf_token", &token)
            .text("delete", "delete");
        let resp = owner
            .post_multipart("/presets/manage/bob-x/alttpr/open2", delete)
            .await;
        resp.assert_status(StatusCode::FOUND);
        assert_eq!(location(&resp), "/presets/manage/bob-x");
        assert_eq!(
            presets::Entity::find().count(db.conn()).await.expect("n"),
            0,
            "{name}"
        );
    }
}

#[tokio::test]
async fn triforce_texts_are_checked_stored_and_moderated_per_pool() {
    for db in TestDb::all().await {
        let name = db.name();
        migrate(db.conn()).await.expect("migrate");
        let fake = FakeOAuth::start().await.expect("fake");
        let app = || web_app(db.conn().clone(), config(&fake));
        let user = Browser::new(app());
        let moderator = Browser::new(app());
        user.get("/triforcetexts/alttpr2024")
            .await
            .assert_status(StatusCode::FOUND);
        user.login_as(&fake, OTHER, "eve").await;
        moderator.login_as(&fake, USER_ID, "bob").await;
        for (pool, key, value) in [
            ("alttpr2024", "moderator", USER_ID.to_string()),
            ("sgl23", "key", "sesame".to_owned()),
        ] {
            triforcetextsconfig::Entity::insert(triforcetextsconfig::ActiveModel {
                pool_name: Set(pool.into()),
                key_name: Set(key.into()),
                value: Set(value),
                ..Default::default()
            })
            .exec(db.conn())
            .await
            .expect("config");
        }

        // Rows 51–52.
        let resp = user.get("/triforcetexts/alttpr2024").await;
        resp.assert_status_is_ok();
        let html = body(resp).await;
        for f in ["first_line", "second_line", "third_line"] {
            assert!(html.contains(&format!("<label for=\"{f}\">")), "{html}");
        }
        let token = csrf_in(&html).expect("token");
        let resp = user
            .post_form(
                "/triforcetexts/alttpr2024/submit",
                &[
                    ("first_line", "HELLO"),
                    ("second_line", "WORLD"),
                    ("third_line", "!"),
                    ("csrf_token", &token),
                ],
            )
            .await;
        resp.assert_status_is_ok();
        assert!(body(resp).await.contains("Thank"));
        let row = triforcetexts::Entity::find()
            .one(db.conn())
            .await
            .expect("q")
            .expect("row");
        assert_eq!(row.text, "HELLO\nWORLD\n!", "{name}");
        assert_eq!(row.author.as_deref(), Some("eve#0"));
        assert_eq!(row.discord_user_id, Some(OTHER));
        assert_eq!(row.approved, None);
        for (first, third) in [("12345678901234567890", "x"), ("ok", "<b>")] {
            let resp = user
                .post_form(
                    "/triforcetexts/alttpr2024/submit",
                    &[
                        ("first_line", first),
                        ("second_line", "a"),
                        ("third_line", third),
                        ("csrf_token", &token),
                    ],
                )
                .await;
            resp.assert_status(StatusCode::BAD_REQUEST);
            let html = body(resp).await;
            let line = if first == "ok" { "line 3" } else { "line 1" };
            assert!(html.contains(line), "{html}");
        }
        assert_eq!(
            triforcetexts::Entity::find()
                .count(db.conn())
                .await
                .expect("n"),
            1
        );

        // Row 53.
        let resp = user.get("/triforcetexts/alttpr2024/moderation").await;
        resp.assert_status(StatusCode::FORBIDDEN);
        assert!(body(resp).await.contains("Access Denied"));
        let html = body(moderator.get("/triforcetexts/alttpr2024/moderation").await).await;
        assert!(html.contains("HELLO\nWORLD\n!"), "{html}");
        let html = body(
            moderator
                .get("/triforcetexts/alttpr2024/moderation?approved=true")
                .await,
        )
        .await;
        assert!(!html.contains("HELLO"), "{html}");

        // Row 54: POST, CSRF-checked, scoped to the pool.
        let mod_token = moderator.csrf("/triforcetexts/alttpr2024/moderation").await;
        let approve = format!("/triforcetexts/alttpr2024/moderation/{}/approve", row.id);
        moderator
            .get(&approve)
            .await
            .assert_status(StatusCode::METHOD_NOT_ALLOWED);
        moderator
            .post_form(&approve, &[("csrf_token", "forged")])
            .await
            .assert_status(StatusCode::FORBIDDEN);
        moderator
            .post_form(
                &format!("/triforcetexts/other/moderation/{}/approve", row.id),
                &[("csrf_token", &mod_token)],
            )
            .await
            .assert_status(StatusCode::FORBIDDEN);
        let resp = moderator
            .post_form(&approve, &[("csrf_token", &mod_token)])
            .await;
        resp.assert_status(StatusCode::FOUND);
        assert_eq!(location(&resp), "/triforcetexts/alttpr2024/moderation");
        let row = triforcetexts::Entity::find_by_id(row.id)
            .one(db.conn())
            .await
            .expect("q")
            .expect("row");
        assert_eq!(row.approved, Some(true), "{name}");

        // Rows 55–56.
        let anon = Browser::new(app());
        let resp = anon.get("/triforcetexts/sgl23?key=wrong").await;
        resp.assert_status(StatusCode::FORBIDDEN);
        assert!(body(resp).await.contains("not valid"));
        let resp = anon
            .post_form("/triforcetexts/sgl23/submit", &[("first_line", "A")])
            .await;
        resp.assert_status(StatusCode::FORBIDDEN);
        assert!(
            body(resp)
                .await
                .contains("stored in your session is not valid")
        );
        let resp = anon.get("/triforcetexts/sgl23?key=sesame").await;
        resp.assert_status_is_ok();
        let html = body(resp).await;
        assert!(html.contains("name=\"author_name\""), "{html}");
        let token = csrf_in(&html).expect("token");
        let resp = anon
            .post_form(
                "/triforcetexts/sgl23/submit",
                &[
                    ("first_line", "GG"),
                    ("second_line", ""),
                    ("third_line", ""),
                    ("author_name", "Runner"),
                    ("csrf_token", &token),
                ],
            )
            .await;
        resp.assert_status_is_ok();
        let row = triforcetexts::Entity::find()
            .filter(triforcetexts::Column::PoolName.eq("sgl23"))
            .one(db.conn())
            .await
            .expect("q")
            .expect("row");
        assert_eq!(row.discord_user_id, None, "{name}");
        assert_eq!(row.author.as_deref(), Some("Runner"));
    }
}

#[tokio::test]
async fn racetime_linking_checks_state_and_merges_in_one_transaction() {
    for db in TestDb::all().await {
        let name = db.name();
        migrate(db.conn()).await.expect("migrate");
        let fake = FakeOAuth::start().await.expect("fake");
        let browser = Browser::new(web_app(db.conn().clone(), config(&fake)));
        browser.login_as(&fake, USER_ID, "bob").await;

        // Row 25.
        let resp = browser.get("/racetime/verification/initiate").await;
        resp.assert_status(StatusCode::FOUND);
        let to = location(&resp);
        assert!(
            to.starts_with(&format!("{}/o/authorize?", fake.url())),
            "{to}"
        );
        assert_eq!(
            query_param(&to, "client_id").as_deref(),
            Some(RACETIME_CLIENT_ID)
        );
        assert_eq!(query_param(&to, "scope").as_deref(), Some("read"));
        assert_eq!(query_param(&to, "response_type").as_deref(), Some("code"));
        assert_eq!(
            query_param(&to, "redirect_uri").as_deref(),
            Some("https://bot.example.org/racetime/verify/return")
        );
        let state = query_param(&to, "state").expect("state");

        // Wrong state, then no code.
        let resp = browser
            .get("/racetime/verify/return?code=x&state=nope")
            .await;
        resp.assert_status(StatusCode::BAD_REQUEST);
        let to = location(&browser.get("/racetime/verification/initiate").await);
        let state2 = query_param(&to, "state").expect("state");
        let resp = browser
            .get(&format!("/racetime/verify/return?state={state2}"))
            .await;
        resp.assert_status(StatusCode::BAD_REQUEST);
        assert!(body(resp).await.contains("code is missing"));
        let _ = state;

        // Row 26, no rows yet: one row made.
        fake.racetime_code("r-code", serde_json::json!({"id": "r1", "name": "Racer"}));
        let to = location(&browser.get("/racetime/verification/initiate").await);
        let state = query_param(&to, "state").expect("state");
        let resp = browser
            .get(&format!(
                "/racetime/verify/return?code=r-code&state={state}"
            ))
            .await;
        resp.assert_status_is_ok();
        assert!(body(resp).await.contains("Thank you Racer"));
        let rows = users::Entity::find().all(db.conn()).await.expect("users");
        assert_eq!(rows.len(), 1, "{name}");
        assert_eq!(rows[0].discord_user_id, Some(USER_ID));
        assert_eq!(rows[0].rtgg_id.as_deref(), Some("r1"));
        assert_eq!(rows[0].display_name.as_deref(), Some("bob"));

        // Both rows exist: merged into the racetime.gg row, references repointed.
        users::Entity::delete_many()
            .exec(db.conn())
            .await
            .expect("clear");
        let a = users::Entity::insert(users::ActiveModel {
            rtgg_id: Set(Some("r2".into())),
            display_name: Set(Some("racer-row".into())),
            test_user: Set(false),
            ..Default::default()
        })
        .exec_with_returning(db.conn())
        .await
        .expect("a");
        let b = users::Entity::insert(users::ActiveModel {
            discord_user_id: Set(Some(USER_ID)),
            display_name: Set(Some("discord-row".into())),
            test_user: Set(false),
            ..Default::default()
        })
        .exec_with_returning(db.conn())
        .await
        .expect("b");
        let t = asynctournament::Entity::insert(asynctournament::ActiveModel {
            name: Set("T".into()),
            guild_id: Set(1),
            channel_id: Set(2),
            owner_id: Set(3),
            active: Set(true),
            allowed_reattempts: Set(Some(0)),
            runs_per_pool: Set(1),
            customization: Set("default".into()),
            ..Default::default()
        })
        .exec_with_returning(db.conn())
        .await
        .expect("tournament");
        asynctournamentpermissions::Entity::insert(asynctournamentpermissions::ActiveModel {
            tournament_id: Set(t.id),
            user_id: Set(Some(b.id)),
            role: Set("admin".into()),
            ..Default::default()
        })
        .exec(db.conn())
        .await
        .expect("permission");
        fake.racetime_code("r-code2", serde_json::json!({"id": "r2", "name": "Racer"}));
        let to = location(&browser.get("/racetime/verification/initiate").await);
        let state = query_param(&to, "state").expect("state");
        browser
            .get(&format!(
                "/racetime/verify/return?code=r-code2&state={state}"
            ))
            .await
            .assert_status_is_ok();
        let rows = users::Entity::find().all(db.conn()).await.expect("users");
        assert_eq!(rows.len(), 1, "{name}: {rows:?}");
        assert_eq!(rows[0].id, a.id);
        assert_eq!(rows[0].discord_user_id, Some(USER_ID));
        assert_eq!(rows[0].rtgg_id.as_deref(), Some("r2"));
        let perm = asynctournamentpermissions::Entity::find()
            .one(db.conn())
            .await
            .expect("q")
            .expect("perm");
        assert_eq!(perm.user_id, Some(a.id), "{name}");
    }
}
