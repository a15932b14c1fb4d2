//! The testkit fake behaves like the recorded racetime.gg on the raw protocol (no client crate
//! logic in between): token errors, feeds, bot socket authentication and action errors.

use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use sahasrahbot_testkit::racetime::{FakeRacetime, NewRace};
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

async fn token(fake: &FakeRacetime) -> String {
    let resp: Value = reqwest::Client::new()
        .post(format!("{}/o/token", fake.base_url()))
        .form(&[
            ("client_id", fake.client_id()),
            ("client_secret", fake.client_secret()),
            ("grant_type", "client_credentials".to_owned()),
        ])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(resp["token_type"], "Bearer");
    assert_eq!(resp["expires_in"], 36000);
    resp["access_token"].as_str().unwrap().to_owned()
}

type Ws =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

async fn connect(fake: &FakeRacetime, room: &str, token: &str) -> Ws {
    let slug = room.split_once('/').unwrap().1;
    let mut req = format!("ws://{}:{}/ws/o/bot/{slug}", fake.host(), fake.port())
        .into_client_request()
        .unwrap();
    req.headers_mut()
        .insert("Authorization", format!("Bearer {token}").parse().unwrap());
    tokio_tungstenite::connect_async(req).await.unwrap().0
}

async fn next_of(ws: &mut Ws, kind: &str) -> Value {
    loop {
        let msg = tokio::time::timeout(Duration::from_secs(5), ws.next())
            .await
            .expect("frame in time")
            .unwrap()
            .unwrap();
        if let Message::Text(t) = msg {
            let v: Value = serde_json::from_str(t.as_str()).unwrap();
            if v["type"] == kind {
                return v;
            }
        }
    }
}

async fn send(ws: &mut Ws, v: Value) {
    ws.send(Message::text(v.to_string())).await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn token_endpoint_errors_as_recorded() {
    let fake = FakeRacetime::start().await.unwrap();
    let http = reqwest::Client::new();
    let url = format!("{}/o/token", fake.base_url());
    let resp = http
        .post(&url)
        .form(&[
            ("client_id", fake.client_id().as_str()),
            ("client_secret", "wrong"),
            ("grant_type", "client_credentials"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 401);
    assert_eq!(
        resp.headers()["WWW-Authenticate"],
        "Bearer error=\"invalid_client\""
    );
    assert_eq!(
        resp.json::<Value>().await.unwrap(),
        json!({"error": "invalid_client"})
    );
    let resp = http.post(&url).form(&[("x", "y")]).send().await.unwrap();
    assert_eq!(resp.status(), 400);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn feeds_and_auth() {
    let fake = FakeRacetime::start().await.unwrap();
    let http = reqwest::Client::new();
    let base = fake.base_url();
    let unlisted = fake.open_race(NewRace {
        unlisted: true,
        ..NewRace::default()
    });
    let listed = fake.open_race(NewRace::default());
    let names = |v: &Value| -> Vec<String> {
        v["current_races"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["name"].as_str().unwrap().to_owned())
            .collect()
    };
    let public: Value = http
        .get(format!("{base}/alttpr/data"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(names(&public), vec![listed.clone()]);
    let noauth = http
        .get(format!("{base}/o/alttpr/data"))
        .send()
        .await
        .unwrap();
    assert_eq!(noauth.status(), 403);
    assert_eq!(noauth.text().await.unwrap(), "");
    let t = token(&fake).await;
    let bot: Value = http
        .get(format!("{base}/o/alttpr/data"))
        .bearer_auth(&t)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let mut got = names(&bot);
    got.sort();
    let mut want = vec![listed.clone(), unlisted];
    want.sort();
    assert_eq!(got, want);
    // startrace without a token, edit of a finished race.
    let resp = http
        .post(format!("{base}/o/alttpr/startrace"))
        .form(&[("goal", "Beat the game")])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 403);
    fake.set_status(&listed, "finished");
    let resp = http
        .post(format!("{base}/o/{listed}/edit"))
        .bearer_auth(&t)
        .form(&[("goal", "Beat the game")])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 403);
    let resp = http
        .get(format!("{base}/alttpr/no-such-race/data"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 404);
    // fail_next_requests
    fake.fail_next_requests(2);
    for _ in 0..2 {
        let r = http
            .get(format!("{base}/alttpr/data"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 500);
    }
    let r = http
        .get(format!("{base}/alttpr/data"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bot_socket_behaves_like_the_recording() {
    let fake = FakeRacetime::start().await.unwrap();
    let room = fake.open_race(NewRace::default());
    let racer = fake.add_entrant(&room, "RacerOne");

    // Unknown slug: no websocket.
    let bad = format!(
        "ws://{}:{}/ws/o/bot/no-such-race-0000",
        fake.host(),
        fake.port()
    );
    assert!(tokio_tungstenite::connect_async(bad).await.is_err());

    // A bad token still connects and receives broadcasts, but actions are refused.
    let mut ws = connect(&fake, &room, "not-a-token").await;
    let data = next_of(&mut ws, "race.data").await;
    assert_eq!(data["race"]["name"], room.as_str());
    next_of(&mut ws, "race.renders").await;
    send(
        &mut ws,
        json!({"action": "message", "data": {"message": "hi", "guid": "a-1"}}),
    )
    .await;
    let err = next_of(&mut ws, "error").await;
    assert_eq!(
        err["errors"],
        json!(["Permission denied. Check your authorization token."])
    );

    let t = token(&fake).await;
    let mut ws = connect(&fake, &room, &t).await;
    next_of(&mut ws, "race.data").await;
    send(&mut ws, json!({"action": "ping"})).await;
    next_of(&mut ws, "pong").await;
    send(&mut ws, json!({"action": "nonsense_action", "data": {}})).await;
    assert_eq!(
        next_of(&mut ws, "error").await["errors"][0],
        "Action is missing or not recognised. Check your input and try again."
    );
    send(
        &mut ws,
        json!({"action": "message", "data": {"message": "hi"}}),
    )
    .await;
    assert!(
        next_of(&mut ws, "error").await["errors"][0]
            .as_str()
            .unwrap()
            .starts_with("Bad request, no GUID supplied.")
    );
    // Duplicate guid: the second is silently dropped.
    for _ in 0..2 {
        send(
            &mut ws,
            json!({"action": "message", "data": {"message": "once", "guid": "g-1"}}),
        )
        .await;
    }
    let echo = next_of(&mut ws, "chat.message").await;
    assert_eq!(echo["message"]["message"], "once");
    assert_eq!(echo["message"]["is_bot"], true);
    assert_eq!(echo["message"]["bot"], "TestBot");
    // DM: only announced as chat.dm.
    send(
        &mut ws,
        json!({"action": "message", "data": {"message": "psst", "guid": "g-2", "direct_to": racer}}),
    )
    .await;
    let dm = next_of(&mut ws, "chat.dm").await;
    assert_eq!(dm["to"]["id"], racer.as_str());
    assert_eq!(dm["from_bot"], "TestBot");
    // setinfo: system message and a new version.
    send(
        &mut ws,
        json!({"action": "setinfo", "data": {"info_bot": "Preset: open"}}),
    )
    .await;
    let sys = next_of(&mut ws, "chat.message").await;
    assert_eq!(
        sys["message"]["message"],
        "##bot##TestBot## updated the race information."
    );
    assert_eq!(
        sys["message"]["message_plain"],
        "TestBot updated the race information."
    );
    let after = next_of(&mut ws, "race.data").await;
    assert_eq!(after["race"]["info_bot"], "Preset: open");
    assert!(after["version"].as_i64() > data["version"].as_i64());
    // History is a list of messages.
    send(&mut ws, json!({"action": "gethistory"})).await;
    let hist = next_of(&mut ws, "chat.history").await;
    assert!(hist["messages"].as_array().unwrap().len() >= 2);
    // Entrant errors.
    send(
        &mut ws,
        json!({"action": "add_monitor", "data": {"user": "NOSUCHUSER"}}),
    )
    .await;
    assert_eq!(
        next_of(&mut ws, "error").await["errors"][0],
        "No user found matching the given ID."
    );
    let outsider = fake.add_user("Outsider", false);
    send(
        &mut ws,
        json!({"action": "add_monitor", "data": {"user": outsider}}),
    )
    .await;
    assert_eq!(
        next_of(&mut ws, "error").await["errors"][0],
        "Specified user is not a race entrant."
    );
    send(
        &mut ws,
        json!({"action": "override_stream", "data": {"user": racer}}),
    )
    .await;
    assert_eq!(
        next_of(&mut ws, "error").await["errors"][0],
        "You cannot set a stream override for this entrant at this time. Refresh to continue."
    );
    send(&mut ws, json!({"action": "make_open"})).await;
    assert_eq!(
        next_of(&mut ws, "error").await["errors"][0],
        "Race is not an invitational."
    );
    // A user's chat reaches the bot socket.
    fake.send_chat(&room, &racer, "!help");
    let msg = next_of(&mut ws, "chat.message").await;
    assert_eq!(msg["message"]["message"], "!help");
    assert_eq!(msg["message"]["user"]["name"], "RacerOne");
    // Expired tokens are refused on the same socket.
    fake.expire_tokens();
    send(
        &mut ws,
        json!({"action": "message", "data": {"message": "x", "guid": "g-3"}}),
    )
    .await;
    assert_eq!(
        next_of(&mut ws, "error").await["errors"][0],
        "Permission denied. Check your authorization token."
    );
    // Dropping the socket closes it.
    // Two sockets: the bad-token one is still open too.
    assert_eq!(fake.drop_bot_sockets(&room), 2);
    let closed = tokio::time::timeout(Duration::from_secs(5), async {
        while let Some(Ok(m)) = ws.next().await {
            if m.is_close() {
                break;
            }
        }
    })
    .await;
    assert!(closed.is_ok());
}
