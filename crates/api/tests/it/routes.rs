//! The HTTP surface through poem's test client: `/healthcheck`, the OpenAPI document, `/spoilers/`.

use poem::http::StatusCode;
use poem::test::TestClient;
use sahasrahbot_api::{AppState, app};
use sea_orm::Database;

#[tokio::test]
async fn healthy_when_the_database_answers() {
    let db = Database::connect("sqlite::memory:").await.expect("sqlite");
    let cli = TestClient::new(app(AppState::new(db)));
    let resp = cli.get("/healthcheck").send().await;
    resp.assert_status_is_ok();
    resp.assert_json(serde_json::json!({"success": true, "database": "ok", "discord": "disabled"}))
        .await;
}

#[tokio::test]
async fn unavailable_with_a_problem_body_when_the_database_is_gone() {
    let db = Database::connect("sqlite::memory:").await.expect("sqlite");
    let state = AppState::new(db.clone());
    db.close().await.expect("close");
    let cli = TestClient::new(app(state));
    let resp = cli.get("/healthcheck").send().await;
    resp.assert_status(StatusCode::SERVICE_UNAVAILABLE);
    resp.assert_content_type("application/problem+json");
    resp.assert_json(serde_json::json!({
        "type": "about:blank",
        "title": "Service Unavailable",
        "status": 503,
        "detail": "database: not answering",
    }))
    .await;
}

#[tokio::test]
async fn openapi_document_lists_the_healthcheck() {
    let db = Database::connect("sqlite::memory:").await.expect("sqlite");
    let cli = TestClient::new(app(AppState::new(db)));
    let resp = cli.get("/api/openapi.json").send().await;
    resp.assert_status_is_ok();
    let doc: serde_json::Value = resp.json().await.value().deserialize();
    assert!(doc["paths"]["/healthcheck"]["get"].is_object(), "{doc}");
}

#[tokio::test]
async fn local_spoiler_logs_are_served_gzip_encoded() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir_all(dir.path().join("2026")).expect("mkdir");
    let gz = [0x1f_u8, 0x8b, 0x08, 0x00, 0x01, 0x02];
    std::fs::write(dir.path().join("2026/ABCD_spoiler.txt"), gz).expect("write");
    let db = Database::connect("sqlite::memory:").await.expect("sqlite");
    let cli = TestClient::new(app(
        AppState::new(db).with_spoiler_dir(Some(dir.path().to_owned()))
    ));

    let resp = cli.get("/spoilers/2026/ABCD_spoiler.txt").send().await;
    resp.assert_status_is_ok();
    resp.assert_header("content-encoding", "gzip");
    resp.assert_header("content-disposition", "attachment");
    resp.assert_bytes(gz.to_vec()).await;

    for bad in [
        "/spoilers/2026/missing.txt",
        "/spoilers/..%2F..%2Fetc%2Fpasswd",
        "/spoilers/2026/../../x",
    ] {
        let resp = cli.get(bad).send().await;
        resp.assert_status(StatusCode::NOT_FOUND);
        resp.assert_content_type("application/problem+json");
    }
}

#[tokio::test]
async fn spoilers_are_404_when_stored_in_s3() {
    let db = Database::connect("sqlite::memory:").await.expect("sqlite");
    let cli = TestClient::new(app(AppState::new(db)));
    cli.get("/spoilers/x.txt")
        .send()
        .await
        .assert_status(StatusCode::NOT_FOUND);
}

/// A Discord port that answers as told and counts the checks.
struct FakeDiscord {
    up: bool,
    calls: std::sync::atomic::AtomicUsize,
}

#[async_trait::async_trait]
impl sahasrahbot_api::DiscordHealth for FakeDiscord {
    async fn check(&self) -> Result<(), String> {
        self.calls.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        if self.up {
            Ok(())
        } else {
            Err("gateway closed".into())
        }
    }
}

#[tokio::test]
async fn healthcheck_reports_discord_and_fails_with_503_when_it_is_down() {
    for up in [true, false] {
        let db = Database::connect("sqlite::memory:").await.expect("sqlite");
        let discord = std::sync::Arc::new(FakeDiscord {
            up,
            calls: 0.into(),
        });
        let cli = TestClient::new(app(AppState::new(db).with_discord_health(discord.clone())));
        for _ in 0..3 {
            let resp = cli.get("/healthcheck").send().await;
            if up {
                resp.assert_status_is_ok();
                resp.assert_json(
                    serde_json::json!({"success": true, "database": "ok", "discord": "ok"}),
                )
                .await;
            } else {
                resp.assert_status(StatusCode::SERVICE_UNAVAILABLE);
                resp.assert_content_type("application/problem+json");
                let body: serde_json::Value = resp.json().await.value().deserialize();
                assert_eq!(body["detail"], "discord: not answering");
            }
        }
        // Answers are cached: three requests, one Discord call.
        assert_eq!(discord.calls.load(std::sync::atomic::Ordering::SeqCst), 1);
    }
}
