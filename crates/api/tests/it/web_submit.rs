//! Tournament settings submission pages (parity rows 49–50) over a recording stand-in
//! for the tournament engine (the engine's own processing is tested in its crate).

use crate::web_common;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use poem::http::StatusCode;
use sahasrahbot_api::AppState;
use sahasrahbot_api::web::Submissions;
use sahasrahbot_migrations::migrate;
use sahasrahbot_testkit::oauth::FakeOAuth;
use sahasrahbot_tournament::engine::submission::SubmissionForm;
use sea_orm::Database;
use web_common::*;

/// One call to `submit`: event, episode id, form fields, submitter.
type Submission = (String, i64, HashMap<String, String>, String);

#[derive(Default)]
struct Recorder {
    calls: Mutex<Vec<Submission>>,
}

#[async_trait]
impl Submissions for Recorder {
    fn form(&self, event: &str) -> Option<SubmissionForm> {
        (event == "smrl").then(|| SubmissionForm::smrl("smrl"))
    }

    async fn submit(
        &self,
        event: &str,
        episode_id: i64,
        fields: &HashMap<String, String>,
        submitted_by: &str,
    ) -> Result<String, String> {
        self.calls.lock().expect("lock").push((
            event.to_owned(),
            episode_id,
            fields.clone(),
            submitted_by.to_owned(),
        ));
        if episode_id == 6001 {
            Ok("Alice vs. Bob".to_owned())
        } else {
            Err("SpeedGaming: episode <b>secret</b> not found".to_owned())
        }
    }
}

#[tokio::test]
async fn the_form_renders_and_submissions_go_to_the_engine() {
    let db = Database::connect("sqlite::memory:").await.expect("sqlite");
    migrate(&db).await.expect("migrate");
    let fake = FakeOAuth::start().await.expect("fake");
    let recorder = Arc::new(Recorder::default());
    let state = AppState::new(db)
        .with_config(Arc::new(config(&fake)))
        .with_submissions(recorder.clone());
    let browser = Browser::new(sahasrahbot_api::app(state));
    browser
        .get("/submit/smrl?episode_id=6001")
        .await
        .assert_status(StatusCode::FOUND);
    browser.login_as(&fake, USER_ID, "bob").await;

    // Row 49.
    let resp = browser.get("/submit/smrl?episode_id=6001").await;
    resp.assert_status_is_ok();
    let html = body(resp).await;
    assert!(html.contains("name=\"event\" value=\"smrl\""), "{html}");
    assert!(html.contains("value=\"6001\""), "{html}");
    assert!(
        html.contains("<select id=\"game\" name=\"game\">"),
        "{html}"
    );
    assert!(html.contains("<option value=\"RLS4W2\">"), "{html}");
    let token = csrf_in(&html).expect("token");
    browser
        .get("/submit/alttprleague")
        .await
        .assert_status(StatusCode::NOT_FOUND);

    // Row 50.
    let resp = browser
        .post_form(
            "/submit",
            &[
                ("event", "smrl"),
                ("episodeid", "6001"),
                ("game", "1"),
                ("csrf_token", &token),
            ],
        )
        .await;
    resp.assert_status_is_ok();
    assert!(body(resp).await.contains("Alice vs. Bob"));
    let calls = recorder.calls.lock().expect("lock").clone();
    assert_eq!(calls.len(), 1);
    assert_eq!((calls[0].0.as_str(), calls[0].1), ("smrl", 6001));
    assert_eq!(calls[0].2["game"], "1");
    assert_eq!(calls[0].3, "bob#0");

    let resp = browser
        .post_form(
            "/submit",
            &[
                ("event", "smrl"),
                ("episodeid", "7"),
                ("game", "1"),
                ("csrf_token", &token),
            ],
        )
        .await;
    resp.assert_status(StatusCode::BAD_REQUEST);
    let html = body(resp).await;
    assert!(html.contains("Error processing the submission"), "{html}");
    assert!(!html.contains("secret"), "no internal details: {html}");
    browser
        .post_form(
            "/submit",
            &[
                ("event", "smrl"),
                ("episodeid", "x"),
                ("csrf_token", &token),
            ],
        )
        .await
        .assert_status(StatusCode::BAD_REQUEST);
    browser
        .post_form("/submit", &[("event", "smrl"), ("episodeid", "6001")])
        .await
        .assert_status(StatusCode::FORBIDDEN);
    assert_eq!(recorder.calls.lock().expect("lock").len(), 2);
}
