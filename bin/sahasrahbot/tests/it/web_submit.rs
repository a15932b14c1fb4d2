//! The binary hands the web pages their Discord and tournament handles. With Discord and a
//! registry holding an `smrl` event (the handler with a settings form), a user logged in
//! through the Discord OAuth2 flow
//!
//! - gets the event's form at `/submit/smrl` and a 404 page for an event without one (a web
//!   server without the tournament engine answers 503 "Submissions Unavailable");
//! - votes in a private ranked-choice election: the voter role is checked in the guild
//!   through Discord (without the Discord side: 503 "Voting Unavailable") and the
//!   election's Discord message is edited after the ballot is stored;
//! - reviews an async tournament's runs as a mod by way of a Discord role: the grant names
//!   the role, and the member's roles are read from the guild through Discord.

use crate::common;

use std::sync::Arc;
use std::time::Duration;

use poem::http::{HeaderMap, StatusCode};
use reqwest::header;
use sahasrahbot_core::db::entities::{
    asynctournament, asynctournamentpermissions, ranked_choice_candidate as candidates,
    ranked_choice_election as elections, ranked_choice_votes as votes, users,
};
use sahasrahbot_testkit::discord::{FakeDiscord, FakeUser};
use sahasrahbot_testkit::oauth::{DISCORD_CLIENT_ID, DISCORD_CLIENT_SECRET, FakeOAuth};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};
use serde_json::json;
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

const WAIT: Duration = Duration::from_secs(60);
/// The user who logs in.
const USER: u64 = 444;
/// The voter role of the private election, also the async tournament's mod role.
const VOTER_ROLE: u64 = 5_550_001;
/// The election message's channel.
const CHANNEL: i64 = 6_660_001;
/// The election message.
const MESSAGE: i64 = 6_660_002;
const REGISTRY: &str = "version: 1
profiles:
  debug:
    events: []
  production:
    events:
      - event_slug: smrl
        handler: smrl
        enabled: true
";

/// One address for the bot's `discord.http_proxy` in front of both fakes: the web login's
/// OAuth2 calls (`/api/oauth2/token`, and `/users/@me` with a `Bearer` token) go to the
/// OAuth fake, the bot's own REST calls (`Bot` token) to the Discord fake.
async fn discord_front(oauth: String, discord: String) -> (String, tokio::task::JoinHandle<()>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr").to_string();
    let acceptor = poem::listener::TcpAcceptor::from_tokio(listener).expect("acceptor");
    let client = reqwest::Client::new();
    let endpoint = poem::endpoint::make(move |req: poem::Request| {
        let (client, oauth, discord) = (client.clone(), oauth.clone(), discord.clone());
        async move {
            let bearer_or_basic = req
                .headers()
                .get(header::AUTHORIZATION)
                .and_then(|v| v.to_str().ok())
                .is_some_and(|v| v.starts_with("Bearer ") || v.starts_with("Basic "));
            let base = if bearer_or_basic || req.uri().path() == "/api/oauth2/token" {
                oauth
            } else {
                discord
            };
            let target = format!(
                "{base}{}",
                req.uri().path_and_query().map_or("/", |p| p.as_str())
            );
            let (method, headers) = (req.method().clone(), req.headers().clone());
            let body = req.into_body().into_vec().await.unwrap_or_default();
            let mut forwarded = HeaderMap::new();
            for (name, value) in &headers {
                if name != header::HOST && name != header::CONTENT_LENGTH {
                    forwarded.append(name, value.clone());
                }
            }
            match client
                .request(method, target)
                .headers(forwarded)
                .body(body)
                .send()
                .await
            {
                Ok(resp) => {
                    let status = resp.status();
                    let kind = resp.headers().get(header::CONTENT_TYPE).cloned();
                    let bytes = resp.bytes().await.unwrap_or_default();
                    let mut out = poem::Response::builder().status(status);
                    if let Some(kind) = kind {
                        out = out.header(header::CONTENT_TYPE, kind);
                    }
                    out.body(bytes.to_vec())
                }
                Err(_) => poem::Response::builder()
                    .status(StatusCode::BAD_GATEWAY)
                    .finish(),
            }
        }
    });
    let server = tokio::spawn(async move {
        let _ = poem::Server::new_with_acceptor(acceptor)
            .run(endpoint)
            .await;
    });
    (addr, server)
}

/// A free loopback port.
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("free port")
        .port()
}

/// The `session=…` pair of a response's `Set-Cookie`, if it sets one.
fn session_cookie(resp: &reqwest::Response) -> Option<String> {
    resp.headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .filter_map(|v| v.split(';').next())
        .find(|pair| pair.starts_with("session="))
        .map(str::to_owned)
}

/// The CSRF token of a page's form.
fn csrf_in(html: &str) -> Option<String> {
    let marker = "name=\"csrf_token\" value=\"";
    let start = html.find(marker)? + marker.len();
    let end = html[start..].find('"')?;
    Some(html[start..start + end].to_owned())
}

/// A private election of the fake's guild with two candidates, open to [`VOTER_ROLE`];
/// returns its id and the candidates' ids.
async fn private_election(db: &sea_orm::DatabaseConnection, guild: u64) -> (i32, Vec<i32>) {
    let now = chrono::Utc::now().naive_utc();
    let election = elections::ActiveModel {
        guild_id: Set(Some(i64::try_from(guild).expect("guild id"))),
        channel_id: Set(Some(CHANNEL)),
        message_id: Set(Some(MESSAGE)),
        owner_id: Set(1),
        title: Set("Best dungeon".into()),
        description: Set(None),
        show_vote_count: Set(true),
        active: Set(true),
        created: Set(now),
        updated: Set(now),
        private: Set(true),
        seats: Set(1),
        results: Set(None),
        voter_role_id: Set(Some(i64::try_from(VOTER_ROLE).expect("role id"))),
        ..Default::default()
    }
    .insert(db)
    .await
    .expect("election");
    let mut ids = Vec::new();
    for name in ["Swamp Palace", "Ice Palace"] {
        let candidate = candidates::ActiveModel {
            name: Set(Some(name.into())),
            created: Set(now),
            updated: Set(now),
            election_id: Set(election.id),
            winner: Set(None),
            ..Default::default()
        }
        .insert(db)
        .await
        .expect("candidate");
        ids.push(candidate.id);
    }
    (election.id, ids)
}

/// An active async tournament of the fake's guild, owned by someone else, whose `mod`
/// grant names [`VOTER_ROLE`] (no user), and the `users` row of [`USER`] (which the
/// Discord side creates on a user's first async action); returns the tournament's id.
async fn async_tournament_with_role_grant(db: &sea_orm::DatabaseConnection, guild: u64) -> i32 {
    let now = chrono::Utc::now().naive_utc();
    users::ActiveModel {
        discord_user_id: Set(Some(i64::try_from(USER).expect("user id"))),
        display_name: Set(Some("samus".into())),
        created: Set(now),
        updated: Set(now),
        test_user: Set(false),
        ..Default::default()
    }
    .insert(db)
    .await
    .expect("users row");
    let tournament = asynctournament::ActiveModel {
        name: Set("Role-graded async".into()),
        guild_id: Set(i64::try_from(guild).expect("guild id")),
        channel_id: Set(CHANNEL + 10),
        report_channel_id: Set(None),
        created: Set(now),
        updated: Set(now),
        active: Set(true),
        owner_id: Set(1),
        allowed_reattempts: Set(Some(0)),
        customization: Set("default".into()),
        runs_per_pool: Set(1),
        ..Default::default()
    }
    .insert(db)
    .await
    .expect("tournament");
    asynctournamentpermissions::ActiveModel {
        role: Set("mod".into()),
        created: Set(now),
        updated: Set(now),
        tournament_id: Set(tournament.id),
        user_id: Set(None),
        discord_role_id: Set(Some(i64::try_from(VOTER_ROLE).expect("role id"))),
        ..Default::default()
    }
    .insert(db)
    .await
    .expect("role grant");
    tournament.id
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_bot_serves_submissions_and_private_ranked_choice_voting() {
    let discord = FakeDiscord::start().await.expect("fake discord");
    let oauth = Arc::new(FakeOAuth::start().await.expect("fake OAuth"));
    let (front, _front) =
        discord_front(oauth.url(), format!("http://{}", discord.http_proxy())).await;
    // SpeedGaming has no episodes for the engine's loops.
    let sg = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([])))
        .mount(&sg)
        .await;
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir_all(dir.path().join("config")).expect("config dir");
    std::fs::write(dir.path().join("config/tournaments.yaml"), REGISTRY).expect("registry");
    let port = free_port();
    let site = format!("http://127.0.0.1:{port}");
    let db_url = format!("sqlite://{}/bot.db", dir.path().display());
    let mut member = FakeUser::member(USER, "samus");
    member.roles.push(VOTER_ROLE);
    discord.add_member(&member);
    let child = common::bot_in(dir.path())
        .env("SAHASRAHBOT_DATABASE__URL", &db_url)
        .env("SAHASRAHBOT_API__ENABLED", "true")
        .env("SAHASRAHBOT_API__LISTEN", format!("127.0.0.1:{port}"))
        .env("APP_URL", &site)
        .env(
            "APP_SECRET_KEY",
            "an end-to-end test secret key, long enough",
        )
        .env("DISCORD_CLIENT_ID", DISCORD_CLIENT_ID)
        .env("DISCORD_CLIENT_SECRET", DISCORD_CLIENT_SECRET)
        .env("DISCORD_TOKEN", discord.token())
        .env("SAHASRAHBOT_DISCORD__HTTP_PROXY", &front)
        .env("SAHASRAHBOT_DISCORD__GATEWAY_URL", discord.gateway_url())
        .env("SG_API_ENDPOINT", sg.uri())
        .env("TOURNAMENT_CONFIG_ENABLED", "true")
        .spawn()
        .expect("spawn the bot");

    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let deadline = tokio::time::Instant::now() + WAIT;
    while http
        .get(format!("{site}/healthcheck"))
        .send()
        .await
        .is_err()
    {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the API never answered"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }

    // Log in: /login/ → Discord's authorize page (played here) → the callback.
    let login = http
        .get(format!("{site}/login/"))
        .send()
        .await
        .expect("login");
    assert_eq!(login.status(), StatusCode::FOUND);
    let cookie = session_cookie(&login).expect("session cookie");
    let authorize = url::Url::parse(
        login
            .headers()
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .expect("location"),
    )
    .expect("authorize URL");
    let state = authorize
        .query_pairs()
        .find(|(k, _)| k == "state")
        .map(|(_, v)| v.into_owned())
        .expect("state");
    oauth.discord_code(
        "e2e-code",
        json!({"id": USER.to_string(), "username": "samus", "global_name": null,
               "discriminator": "0", "avatar": null}),
    );
    let back = http
        .get(format!("{site}/callback/discord/"))
        .query(&[("code", "e2e-code"), ("state", state.as_str())])
        .header(header::COOKIE, &cookie)
        .send()
        .await
        .expect("callback");
    assert_eq!(back.status(), StatusCode::FOUND, "the login went through");
    let cookie = session_cookie(&back).expect("the logged-in session");

    let form = http
        .get(format!("{site}/submit/smrl?episode_id=7"))
        .header(header::COOKIE, &cookie)
        .send()
        .await
        .expect("form");
    let form_status = form.status();
    let form_html = form.text().await.unwrap_or_default();
    let other = http
        .get(format!("{site}/submit/alttpr"))
        .header(header::COOKIE, &cookie)
        .send()
        .await
        .expect("other event");
    let other_status = other.status();

    // Ranked choice: the ballot of a private election, then a vote.
    let db = sea_orm::Database::connect(&db_url)
        .await
        .expect("the bot's database");
    let (election, ids) = private_election(&db, discord.guild_id()).await;
    let ballot = http
        .get(format!("{site}/ranked_choice/{election}"))
        .header(header::COOKIE, &cookie)
        .send()
        .await
        .expect("ballot");
    let ballot_status = ballot.status();
    // The form's CSRF token lives in the session: keep the cookie that carries it.
    let cookie = session_cookie(&ballot).unwrap_or(cookie);
    let ballot_html = ballot.text().await.unwrap_or_default();
    let token = csrf_in(&ballot_html).unwrap_or_default();
    discord.clear_rest_calls();
    let voted = http
        .post(format!("{site}/ranked_choice/{election}"))
        .header(header::COOKIE, &cookie)
        .form(&[
            ("csrf_token".to_owned(), token),
            (format!("candidate_{}", ids[1]), "1".to_owned()),
            (format!("candidate_{}", ids[0]), "2".to_owned()),
        ])
        .send()
        .await
        .expect("vote");
    let voted_status = voted.status();
    let voted_html = voted.text().await.unwrap_or_default();
    let edit = format!("/channels/{CHANNEL}/messages/{MESSAGE}");
    let edited = discord
        .wait_until(WAIT, |calls| {
            calls.iter().any(|c| c.method == "PATCH" && c.path == edit)
        })
        .await;
    let ballots = votes::Entity::find()
        .filter(votes::Column::ElectionId.eq(election))
        .all(&db)
        .await
        .expect("votes");
    let calls = discord.rest_calls();

    // Async tournament review as a mod through the Discord role (without the guild
    // directory the web pages see no roles and answer 403).
    let tournament = async_tournament_with_role_grant(&db, discord.guild_id()).await;
    let queue = http
        .get(format!("{site}/async/races/{tournament}/queue"))
        .header(header::COOKIE, &cookie)
        .send()
        .await
        .expect("review queue");
    let queue_status = queue.status();
    let queue_html = queue.text().await.unwrap_or_default();
    db.close().await.expect("close");

    let status = common::terminate(child).await;

    assert_eq!(form_status, StatusCode::OK, "{form_html}");
    assert!(
        form_html.contains("Submit settings for smrl") && form_html.contains("name=\"game\""),
        "{form_html}"
    );
    assert!(
        form_html.contains("value=\"7\""),
        "the episode id: {form_html}"
    );
    assert_eq!(
        other_status,
        StatusCode::NOT_FOUND,
        "an event without a form"
    );

    assert_eq!(ballot_status, StatusCode::OK, "{ballot_html}");
    assert!(ballot_html.contains("Ice Palace"), "{ballot_html}");
    assert_eq!(voted_status, StatusCode::OK, "{voted_html}");
    let mut ranks: Vec<(i32, Option<i32>)> =
        ballots.iter().map(|v| (v.candidate_id, v.rank)).collect();
    ranks.sort_unstable();
    assert_eq!(ranks, vec![(ids[0], Some(2)), (ids[1], Some(1))]);
    let user = i64::try_from(USER).expect("id");
    assert!(ballots.iter().all(|v| v.user_id == user), "{ballots:?}");
    assert!(edited, "the election message was not edited: {calls:?}");
    assert_eq!(queue_status, StatusCode::OK, "{queue_html}");
    assert!(queue_html.contains("Role-graded async"), "{queue_html}");
    assert_eq!(status.code(), Some(0));
}
