//! The async-tournament JSON API (parity rows 27–32) on every available database backend:
//! API keys, the shapes and their exact snowflakes, filters, pages and the leaderboard.

use crate::async_common;

use async_common::*;
use poem::http::StatusCode;
use poem::test::{TestClient, TestResponse};
use sahasrahbot_api::{AppState, PROBLEM_JSON, app};
use sahasrahbot_migrations::migrate;
use sahasrahbot_testkit::db::TestDb;
use sahasrahbot_tournament::asynctournament::AsyncTournaments;
use serde_json::{Value, json};

async fn json_of(resp: TestResponse) -> Value {
    let text = resp.0.into_body().into_string().await.expect("body");
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text}"))
}

fn ids(v: &Value) -> Vec<i64> {
    v.as_array()
        .expect("array")
        .iter()
        .map(|x| x["id"].as_i64().expect("id"))
        .collect()
}

#[tokio::test]
async fn the_async_api_needs_a_key_and_answers_the_documented_shapes() {
    for db in TestDb::all().await {
        let name = db.name();
        migrate(db.conn()).await.expect("migrate");
        let s = seed(db.conn()).await;
        let service = AsyncTournaments::new(db.conn().clone());
        let cli = TestClient::new(app(
            AppState::new(db.conn().clone()).with_async_tournaments(service.clone())
        ));
        let t = s.tournament;
        let get = |uri: String, key: Option<&'static str>| {
            let mut req = cli.get(uri);
            if let Some(key) = key {
                req = req.header("Authorization", key);
            }
            req.send()
        };

        // Keys: none → 401, unknown or of another type → 403; raw and Bearer values work.
        let resp = get("/async/api/tournaments".into(), None).await;
        resp.assert_status(StatusCode::UNAUTHORIZED);
        resp.assert_content_type(PROBLEM_JSON);
        for key in ["nope", OTHER_KEY] {
            let resp = get("/async/api/tournaments".into(), Some(key)).await;
            resp.assert_status(StatusCode::FORBIDDEN);
            resp.assert_content_type(PROBLEM_JSON);
        }
        for uri in [
            format!("/async/api/tournaments/{t}"),
            format!("/async/api/tournaments/{t}/races"),
            format!("/async/api/tournaments/{t}/pools"),
            format!("/async/api/tournaments/{t}/permalinks"),
            format!("/async/api/tournaments/{t}/leaderboard"),
        ] {
            get(uri.clone(), Some(OTHER_KEY))
                .await
                .assert_status(StatusCode::FORBIDDEN);
            get(uri, None).await.assert_status(StatusCode::UNAUTHORIZED);
        }
        let bearer = cli
            .get("/async/api/tournaments")
            .header("Authorization", format!("Bearer {KEY}"))
            .send()
            .await;
        bearer.assert_status_is_ok();

        // Tournaments.
        let resp = get("/async/api/tournaments".into(), Some(KEY)).await;
        resp.assert_status_is_ok();
        let text = resp.0.into_body().into_string().await.expect("body");
        assert!(
            text.contains("\"guild_id\":500000000000000001"),
            "{name}: exact snowflakes: {text}"
        );
        let all: Value = serde_json::from_str(&text).expect("json");
        assert_eq!(
            ids(&all),
            vec![i64::from(t), i64::from(s.closed_tournament)],
            "{name}"
        );
        let first = &all[0];
        assert_eq!(first["created"], "2024-03-01T00:00:00Z", "{name}");
        assert_eq!(first["name"], "Spring Async <2024>", "{name}");
        let active =
            json_of(get("/async/api/tournaments?active=true".into(), Some(KEY)).await).await;
        assert_eq!(ids(&active), vec![i64::from(t)], "{name}");
        let inactive =
            json_of(get("/async/api/tournaments?active=no".into(), Some(KEY)).await).await;
        assert_eq!(
            ids(&inactive),
            vec![i64::from(s.closed_tournament)],
            "{name}"
        );
        let one = json_of(get(format!("/async/api/tournaments/{t}"), Some(KEY)).await).await;
        assert_eq!(one["runs_per_pool"], 1, "{name}");
        let resp = get("/async/api/tournaments/999999".into(), Some(KEY)).await;
        resp.assert_status(StatusCode::NOT_FOUND);
        let missing = json_of(resp).await;
        assert_eq!(missing["error"], "Tournament not found.", "{name}");
        assert_eq!(missing["status"], 404, "{name}");

        // Races: nested objects, filters, pages.
        let races =
            json_of(get(format!("/async/api/tournaments/{t}/races"), Some(KEY)).await).await;
        assert_eq!(races.as_array().expect("array").len(), 8, "{name}");
        let r = &races[0];
        assert_eq!(r["id"], s.alice_finished, "{name}");
        assert_eq!(r["permalink"]["pool"]["name"], "Pool A", "{name}");
        assert_eq!(
            r["permalink"]["url"], "https://alttpr.com/h/seed1",
            "{name}"
        );
        assert_eq!(r["user"]["display_name"], "alice", "{name}");
        assert!(
            r["user"].get("rtgg_access_token").is_none(),
            "{name}: no tokens"
        );
        assert_eq!(r["start_time"], "2024-03-01T10:00:00Z", "{name}");
        assert_eq!(r["end_time"], "2024-03-01T11:00:00Z", "{name}");
        assert_eq!(r["runner_notes"], EVIL_NOTES, "{name}");
        assert_eq!(r["live_race"], Value::Null, "{name}");
        assert_eq!(r["reviewed_by"], Value::Null, "{name}");
        assert_eq!(r["tournament_id"], t, "{name}");
        let live = races
            .as_array()
            .expect("array")
            .iter()
            .find(|r| r["id"] == s.bob_live)
            .expect("live run");
        assert_eq!(
            live["live_race"]["racetime_slug"], "alttpr/witty-link-1234",
            "{name}"
        );
        assert_eq!(live["live_race"]["tournament"]["id"], t, "{name}");
        assert_eq!(live["live_race"]["permalink"]["live_race"], true, "{name}");
        assert_eq!(live["thread_id"], Value::Null, "{name}");

        let page = |q: &str| get(format!("/async/api/tournaments/{t}/races?{q}"), Some(KEY));
        let finished = json_of(page("status=finished").await).await;
        assert_eq!(
            ids(&finished),
            [
                s.alice_finished,
                s.bob_a,
                s.bob_b,
                s.carol_b,
                s.carol_reattempted,
                s.bob_live
            ]
            .map(i64::from),
            "{name}"
        );
        let second = json_of(page("status=finished&page=2&page_size=1").await).await;
        assert_eq!(ids(&second), vec![i64::from(s.bob_a)], "{name}");
        let bob = json_of(page(&format!("user_id={}", s.bob)).await).await;
        assert_eq!(
            ids(&bob),
            [s.bob_a, s.bob_b, s.bob_live].map(i64::from),
            "{name}"
        );
        let pool_b = json_of(page(&format!("pool_id={}", s.pool_b)).await).await;
        assert_eq!(
            ids(&pool_b),
            [s.alice_forfeit, s.bob_b, s.carol_b, s.bob_live].map(i64::from),
            "{name}"
        );
        let by_link =
            json_of(page(&format!("permalink_id={}&id={}", s.link_a1, s.bob_a)).await).await;
        assert_eq!(ids(&by_link), vec![i64::from(s.bob_a)], "{name}");
        for bad in [
            "page_size=101",
            "page=0",
            "page=100001",
            "page=x",
            "page_size=0",
        ] {
            let resp = page(bad).await;
            resp.assert_status(StatusCode::BAD_REQUEST);
            resp.assert_content_type(PROBLEM_JSON);
        }
        let none =
            json_of(get("/async/api/tournaments/999999/races".into(), Some(KEY)).await).await;
        assert_eq!(none, json!([]), "{name}");

        // Pools and permalinks.
        let pools =
            json_of(get(format!("/async/api/tournaments/{t}/pools"), Some(KEY)).await).await;
        assert_eq!(ids(&pools), [s.pool_a, s.pool_b].map(i64::from), "{name}");
        assert_eq!(
            ids(&pools[1]["permalinks"]),
            [s.link_b1, s.link_live].map(i64::from)
        );
        assert_eq!(
            pools[1]["live_races"][0]["permalink"]["id"], s.link_live,
            "{name}"
        );
        assert_eq!(pools[1]["live_races"][0]["tournament"]["id"], t, "{name}");
        assert_eq!(pools[0]["live_races"], json!([]), "{name}");
        let one_pool = json_of(
            get(
                format!("/async/api/tournaments/{t}/pools?id={}", s.pool_b),
                Some(KEY),
            )
            .await,
        )
        .await;
        assert_eq!(ids(&one_pool), vec![i64::from(s.pool_b)], "{name}");
        let links = json_of(
            get(
                format!("/async/api/tournaments/{t}/permalinks?pool_id={}", s.pool_a),
                Some(KEY),
            )
            .await,
        )
        .await;
        assert_eq!(ids(&links), [s.link_a1, s.link_a2].map(i64::from), "{name}");
        assert_eq!(links[0]["pool"]["tournament_id"], t, "{name}");
        let other = json_of(
            get(
                format!(
                    "/async/api/tournaments/{}/permalinks?pool_id={}",
                    s.closed_tournament, s.pool_a
                ),
                Some(KEY),
            )
            .await,
        )
        .await;
        assert_eq!(
            other,
            json!([]),
            "{name}: pools of another tournament are not listed"
        );

        // Leaderboard, after scoring (par: pool A 4500 s, pool B 5400 s).
        service
            .calculate_scores(t, false, chrono::Utc::now())
            .await
            .expect("scores");
        let board =
            json_of(get(format!("/async/api/tournaments/{t}/leaderboard"), Some(KEY)).await).await;
        let lines: Vec<(i64, i64, f64)> = board
            .as_array()
            .expect("array")
            .iter()
            .map(|e| {
                (
                    e["rank"].as_i64().expect("rank"),
                    e["player"]["id"].as_i64().expect("player"),
                    e["score"].as_f64().expect("score"),
                )
            })
            .collect();
        let expected = [
            (1, s.bob, (80.0 + (2.0 - 7200.0 / 5400.0) * 100.0) / 2.0),
            (2, s.alice, 105.0 / 2.0),
            (3, s.carol, 105.0 / 2.0),
        ];
        assert_eq!(lines.len(), 3, "{name}");
        for ((rank, player, score), (erank, eplayer, escore)) in lines.iter().zip(expected) {
            assert_eq!((*rank, *player), (erank, i64::from(eplayer)), "{name}");
            assert!((score - escore).abs() < 1e-9, "{name}: {score} vs {escore}");
        }
        let bob_line = &board[0];
        assert_eq!(
            bob_line["counts"],
            json!({"finished": 2, "forfeited": 0, "unplayed": 0}),
            "{name}"
        );
        assert_eq!(
            bob_line["player"],
            json!({"discord_user_id": BOB, "display_name": "bob", "id": s.bob,
                   "rtgg_id": "rt-bob", "twitch_name": "bob_tv"}),
            "{name}"
        );
        let slot = &bob_line["races"][0];
        assert_eq!(slot["id"], s.bob_a, "{name}");
        assert_eq!(slot["elapsed_time"], "01:30:00", "{name}");
        assert_eq!(
            slot["start_time"], "Fri, 01 Mar 2024 10:00:00 GMT",
            "{name}"
        );
        assert_eq!(slot["end_time"], "Fri, 01 Mar 2024 11:30:00 GMT", "{name}");
        assert_eq!(slot["score"], 80.0, "{name}");
        let carol_line = &board[2];
        assert_eq!(
            carol_line["counts"],
            json!({"finished": 1, "forfeited": 1, "unplayed": 0}),
            "{name}"
        );
        assert_eq!(
            carol_line["races"][0]["elapsed_time"], "N/A",
            "{name}: never started"
        );
        assert_eq!(carol_line["races"][0]["score"], Value::Null, "{name}");
        let resp = get(
            "/async/api/tournaments/999999/leaderboard".into(),
            Some(KEY),
        )
        .await;
        resp.assert_status(StatusCode::NOT_FOUND);
        assert_eq!(
            json_of(resp).await["error"],
            "Tournament not found.",
            "{name}"
        );
    }
}
