//! `GET /healthcheck` through poem's test client.

use poem::http::StatusCode;
use poem::test::TestClient;
use sahasrahbot_api::{AppState, app};
use sea_orm::Database;

#[tokio::test]
async fn healthy_when_the_database_answers() {
    let db = Database::connect("sqlite::memory:").await.expect("sqlite");
    let cli = TestClient::new(app(AppState { db }));
    let resp = cli.get("/healthcheck").send().await;
    resp.assert_status_is_ok();
    resp.assert_json(serde_json::json!({"success": true, "database": "ok"}))
        .await;
}

#[tokio::test]
async fn unavailable_with_a_problem_body_when_the_database_is_gone() {
    let db = Database::connect("sqlite::memory:").await.expect("sqlite");
    let state = AppState { db: db.clone() };
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
    let cli = TestClient::new(app(AppState { db }));
    let resp = cli.get("/api/openapi.json").send().await;
    resp.assert_status_is_ok();
    let doc: serde_json::Value = resp.json().await.value().deserialize();
    assert!(doc["paths"]["/healthcheck"]["get"].is_object(), "{doc}");
}
