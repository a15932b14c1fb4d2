//! The JSON (machine) routes through poem's test client (api.md parity rows 21–23, 45–48,
//! 62), on SQLite and, when configured, MariaDB and PostgreSQL.

use poem::http::StatusCode;
use poem::test::{TestClient, TestResponse};
use sahasrahbot_api::{AppState, app};
use sahasrahbot_core::db::entities::{presetnamespaces, presets, tournament_games};
use sahasrahbot_core::presets::PresetStore;
use sahasrahbot_testkit::db::TestDb;
use sea_orm::{ActiveValue::Set, EntityTrait};
use serde_json::{Value, json};
use std::sync::Arc;

const OPEN2: &str = "settings:\n  mode: open\n  goal: fast_ganon\n";
const WEIGHTS: &str = "preset:\n  open: 1\n";

fn presets_dir() -> String {
    format!("{}/../../presets", env!("CARGO_MANIFEST_DIR"))
}

async fn seeded(db: &TestDb) -> TestClient<impl poem::Endpoint> {
    sahasrahbot_migrations::migrate(db.conn())
        .await
        .expect("migrations");
    let now = chrono::Utc::now().naive_utc();
    for (id, name, user) in [(1, "alice", 111_i64), (2, "bob", 222)] {
        presetnamespaces::Entity::insert(presetnamespaces::ActiveModel {
            id: Set(id),
            name: Set(Some(name.into())),
            discord_user_id: Set(user),
        })
        .exec(db.conn())
        .await
        .expect("namespace");
    }
    for (ns, game, name, content) in [
        (1, "alttpr", "open2", OPEN2),
        (1, "alttpr", "Crosskeys2", OPEN2),
        (2, "smz3", "normal", "settings: {}\n"),
        (1, "alttprmystery", "myweights", WEIGHTS),
    ] {
        presets::Entity::insert(presets::ActiveModel {
            id: sea_orm::ActiveValue::NotSet,
            randomizer: Set(game.into()),
            preset_name: Set(name.into()),
            namespace_id: Set(ns),
            content: Set(content.into()),
            modified: Set(now),
            generated_count: Set(0),
        })
        .exec(db.conn())
        .await
        .expect("preset");
    }
    let t = chrono::NaiveDate::from_ymd_opt(2024, 1, 2)
        .and_then(|d| d.and_hms_opt(3, 4, 5))
        .expect("date");
    for (episode, event, notes) in [
        (10, "alttpr", "x marks"),
        (11, "smz3", "none"),
        (12, "alttpr", ""),
    ] {
        tournament_games::Entity::insert(tournament_games::ActiveModel {
            episode_id: Set(episode),
            event: Set(Some(event.into())),
            game_number: Set(Some(1)),
            settings: Set(Some(json!({"z": 1, "a": {"y": true, "b": "x"}}))),
            submitted: Set(Some(1)),
            created: Set(t),
            updated: Set(t),
            notes: Set(Some(notes.into())),
            preset: Set(Some("open".into())),
        })
        .exec(db.conn())
        .await
        .expect("game");
    }
    TestClient::new(app(
        AppState::new(db.conn().clone()).with_presets(Arc::new(PresetStore::new(presets_dir())))
    ))
}

async fn problem(resp: TestResponse, status: StatusCode) -> Value {
    resp.assert_status(status);
    resp.assert_content_type("application/problem+json");
    let body: Value = resp.json().await.value().deserialize();
    assert_eq!(body["status"], status.as_u16(), "{body}");
    assert!(
        body["detail"].as_str().is_some_and(|d| !d.is_empty()),
        "{body}"
    );
    body
}

async fn json_ok(resp: TestResponse) -> Value {
    resp.assert_status_is_ok();
    resp.json().await.value().deserialize()
}

#[tokio::test]
async fn preset_lists_global_names_and_namespaces_with_that_randomizer() {
    for db in TestDb::all().await {
        let cli = seeded(&db).await;
        let body = json_ok(cli.get("/presets/api/alttpr/list").send().await).await;
        let global: Vec<&str> = body["global"]
            .as_array()
            .expect("global")
            .iter()
            .filter_map(Value::as_str)
            .collect();
        assert!(
            global.contains(&"open") && global.contains(&"standard"),
            "{body}"
        );
        let mut sorted = global.clone();
        sorted.sort_unstable();
        assert_eq!(global, sorted, "{}", db.name());
        assert_eq!(
            body["namespaces"],
            json!([{"name": "alice", "presets": ["Crosskeys2", "open2"]}]),
            "{}: bob has no alttpr preset",
            db.name()
        );
        let smz3 = json_ok(cli.get("/presets/api/smz3/list").send().await).await;
        assert_eq!(
            smz3["namespaces"],
            json!([{"name": "bob", "presets": ["normal"]}])
        );
        problem(
            cli.get("/presets/api/bogus/list").send().await,
            StatusCode::NOT_FOUND,
        )
        .await;
    }
}

#[tokio::test]
async fn one_preset_comes_back_as_raw_yaml() {
    for db in TestDb::all().await {
        let cli = seeded(&db).await;
        let file = std::fs::read_to_string(format!("{}/alttpr/open.yaml", presets_dir()))
            .expect("shipped preset");
        let resp = cli
            .get("/presets/api/alttpr")
            .query("preset", &"open")
            .send()
            .await;
        let body = json_ok(resp).await;
        assert_eq!(
            body,
            json!({"data": file, "preset": "open", "randomizer": "alttpr"})
        );
        let keys: Vec<&String> = body.as_object().expect("object").keys().collect();
        assert_eq!(keys, ["data", "preset", "randomizer"]);

        let resp = cli
            .get("/presets/api/alttpr")
            .query("preset", &"Alice/OPEN2")
            .send()
            .await;
        let body = json_ok(resp).await;
        assert_eq!(body["data"], OPEN2, "{}", db.name());
        assert_eq!(body["preset"], "Alice/OPEN2");

        let resp = cli
            .get("/presets/api/alttpr")
            .query("preset", &"nope")
            .send()
            .await;
        let body = problem(resp, StatusCode::NOT_FOUND).await;
        assert_eq!(body["detail"], "no alttpr preset nope");
        let resp = cli
            .get("/presets/api/alttpr")
            .query("preset", &"a\0b")
            .send()
            .await;
        problem(resp, StatusCode::BAD_REQUEST).await;
        for missing in ["nope", "alice/nope", "nobody/open2", "../alttpr/open"] {
            let resp = cli
                .get("/presets/api/alttpr")
                .query("preset", &missing)
                .send()
                .await;
            problem(resp, StatusCode::NOT_FOUND).await;
        }
        problem(
            cli.get("/presets/api/alttpr").send().await,
            StatusCode::BAD_REQUEST,
        )
        .await;
        let resp = cli
            .get("/presets/api/bogus")
            .query("preset", &"open")
            .send()
            .await;
        problem(resp, StatusCode::NOT_FOUND).await;
    }
}

#[tokio::test]
async fn user_presets_download_as_attachments() {
    for db in TestDb::all().await {
        let cli = seeded(&db).await;
        let resp = cli.get("/presets/download/alice/alttpr/open2").send().await;
        resp.assert_status_is_ok();
        resp.assert_content_type("application/octet-stream");
        resp.assert_header(
            "content-disposition",
            "attachment; filename=\"alice-open2.yaml\"",
        );
        resp.assert_text(OPEN2).await;
        for bad in [
            "/presets/download/alice/smz3/open2",
            "/presets/download/nobody/alttpr/open2",
            "/presets/download/alice/alttpr/nope",
        ] {
            problem(cli.get(bad).send().await, StatusCode::NOT_FOUND).await;
        }
    }
}

#[tokio::test]
async fn mystery_rolls_from_posted_and_stored_weights() {
    for db in TestDb::all().await {
        let cli = seeded(&db).await;
        let body = json_ok(
            cli.post("/api/settingsgen/mystery")
                .body_json(&json!({"preset": {"open": 1}}))
                .send()
                .await,
        )
        .await;
        assert_eq!(body["customizer"], false);
        assert_eq!(body["doors"], false);
        assert_eq!(body["endpoint"], "/api/randomizer");
        assert_eq!(body["settings"]["spoilers"], "mystery");
        assert_eq!(body["settings"]["mode"], "open");
        assert!(body["settings"].get("name").is_none());

        for (url, weightset) in [
            ("/api/settingsgen/mystery", Some("alice/myweights")),
            ("/api/settingsgen/mystery/casual", None),
            ("/api/settingsgen/mystery", Some("spicy")),
        ] {
            let mut req = cli.get(url);
            if let Some(w) = weightset {
                req = req.query("weightset", &w);
            }
            let body = json_ok(req.send().await).await;
            assert!(body["settings"].is_object(), "{url} {weightset:?}: {body}");
            assert!(body["doors"].is_boolean() && body["customizer"].is_boolean());
        }

        let resp = cli
            .get("/api/settingsgen/mystery")
            .query("weightset", &"nope")
            .send()
            .await;
        problem(resp, StatusCode::NOT_FOUND).await;
        problem(
            cli.get("/api/settingsgen/mystery/alice%2Fnope")
                .send()
                .await,
            StatusCode::NOT_FOUND,
        )
        .await;
        problem(
            cli.get("/api/settingsgen/mystery").send().await,
            StatusCode::BAD_REQUEST,
        )
        .await;
        let resp = cli
            .post("/api/settingsgen/mystery")
            .body_json(&json!([1, 2]))
            .send()
            .await;
        problem(resp, StatusCode::BAD_REQUEST).await;
        let resp = cli
            .post("/api/settingsgen/mystery")
            .content_type("application/json")
            .body("{not json")
            .send()
            .await;
        problem(resp, StatusCode::BAD_REQUEST).await;
        let resp = cli
            .post("/api/settingsgen/mystery")
            .body_json(&json!({"preset": {"does-not-exist": 1}}))
            .send()
            .await;
        let body = problem(resp, StatusCode::UNPROCESSABLE_ENTITY).await;
        assert!(
            body["detail"]
                .as_str()
                .is_some_and(|d| d.contains("does-not-exist")),
            "{body}"
        );
        let resp = cli
            .post("/api/settingsgen/mystery")
            .body_json(&json!({"preset": {"alice/x\u{0}": 1}}))
            .send()
            .await;
        problem(resp, StatusCode::UNPROCESSABLE_ENTITY).await;
    }
}

#[tokio::test]
async fn tournament_games_filter_on_allowed_columns_only() {
    for db in TestDb::all().await {
        let cli = seeded(&db).await;
        let all = json_ok(cli.get("/api/tournament/games").send().await).await;
        assert_eq!(all.as_array().map(Vec::len), Some(3), "{}", db.name());

        let resp = cli
            .get("/api/tournament/games")
            .query("event", &"alttpr")
            .send()
            .await;
        let body = json_ok(resp).await;
        let ids: Vec<i64> = body
            .as_array()
            .expect("array")
            .iter()
            .filter_map(|g| g["episode_id"].as_i64())
            .collect();
        assert_eq!(ids, [10, 12], "{}", db.name());
        let first = &body[0];
        assert_eq!(first["created"], "Tue, 02 Jan 2024 03:04:05 GMT");
        assert_eq!(first["updated"], "Tue, 02 Jan 2024 03:04:05 GMT");
        assert_eq!(
            first["settings"],
            json!({"a": {"b": "x", "y": true}, "z": 1})
        );
        let keys: Vec<&String> = first.as_object().expect("object").keys().collect();
        assert_eq!(
            keys,
            [
                "created",
                "episode_id",
                "event",
                "game_number",
                "notes",
                "preset",
                "settings",
                "submitted",
                "updated"
            ]
        );

        // Lookups beyond the allow-list are ignored, not applied.
        let resp = cli
            .get("/api/tournament/games")
            .query("notes__contains", &"x")
            .send()
            .await;
        assert_eq!(json_ok(resp).await.as_array().map(Vec::len), Some(3));
        let resp = cli
            .get("/api/tournament/games")
            .query("episode_id", &11)
            .query("submitted", &1)
            .send()
            .await;
        assert_eq!(json_ok(resp).await[0]["event"], "smz3");
        let resp = cli
            .get("/api/tournament/games")
            .query("episode_id", &"abc")
            .send()
            .await;
        problem(resp, StatusCode::BAD_REQUEST).await;
    }
}

#[tokio::test]
async fn unknown_api_paths_and_methods_answer_problems() {
    let db = TestDb::sqlite().await;
    let cli = seeded(&db).await;
    for path in [
        "/api/nope",
        "/presets/api/alttpr/list/extra",
        "/async/api/nope",
    ] {
        problem(cli.get(path).send().await, StatusCode::NOT_FOUND).await;
    }
    problem(
        cli.delete("/api/tournament/games").send().await,
        StatusCode::METHOD_NOT_ALLOWED,
    )
    .await;
    let resp = cli.get("/robots.txt").send().await;
    resp.assert_status_is_ok();
    resp.assert_content_type("text/plain; charset=utf-8");
    resp.assert_text("User-agent: *\nDisallow: /\n").await;
    let resp = cli.get("/api/docs/").send().await;
    resp.assert_status_is_ok();
    let html = resp.0.into_body().into_string().await.expect("html");
    assert!(html.contains("rapi-doc"));
}
