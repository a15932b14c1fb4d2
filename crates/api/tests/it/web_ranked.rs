//! Ranked-choice ballots (parity rows 43–44) against the fake Discord (member lookups and
//! the election message refresh), on every available database backend.

use crate::web_common;

use std::sync::Arc;

use poem::http::StatusCode;
use sahasrahbot_api::AppState;
use sahasrahbot_api::web::DiscordElections;
use sahasrahbot_core::db::entities::{
    ranked_choice_candidate as candidates, ranked_choice_election as elections,
    ranked_choice_votes as votes,
};
use sahasrahbot_migrations::migrate;
use sahasrahbot_testkit::db::TestDb;
use sahasrahbot_testkit::discord::{FakeDiscord, FakeUser};
use sahasrahbot_testkit::oauth::FakeOAuth;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter,
};
use web_common::*;

const GUILD: i64 = 500_000_000_000_000_001;
const CHANNEL: i64 = 600_000_000_000_000_001;
const MESSAGE: i64 = 800_000_000_000_000_001;
const ROLE: i64 = 700_000_000_000_000_111;

async fn election(db: &DatabaseConnection, private: bool, active: bool) -> (i32, Vec<i32>) {
    let now = chrono::Utc::now().naive_utc();
    let e = elections::Entity::insert(elections::ActiveModel {
        guild_id: Set(Some(GUILD)),
        channel_id: Set(Some(CHANNEL)),
        message_id: Set(Some(MESSAGE)),
        owner_id: Set(999),
        title: Set("Best Dungeon".into()),
        description: Set(Some("Pick well".into())),
        show_vote_count: Set(false),
        active: Set(active),
        private: Set(private),
        seats: Set(1),
        voter_role_id: Set(private.then_some(ROLE)),
        created: Set(now),
        updated: Set(now),
        ..Default::default()
    })
    .exec_with_returning(db)
    .await
    .expect("election");
    let mut ids = Vec::new();
    for name in ["Swamp Palace", "Ice Palace"] {
        let c = candidates::Entity::insert(candidates::ActiveModel {
            election_id: Set(e.id),
            name: Set(Some(name.into())),
            created: Set(now),
            updated: Set(now),
            ..Default::default()
        })
        .exec_with_returning(db)
        .await
        .expect("candidate");
        ids.push(c.id);
    }
    (e.id, ids)
}

fn twilight(discord: &FakeDiscord) -> Arc<twilight_http::Client> {
    Arc::new(
        twilight_http::Client::builder()
            .token("fake-discord-token".to_owned())
            .proxy(discord.http_proxy(), true)
            .build(),
    )
}

#[tokio::test]
async fn ballots_are_validated_stored_once_and_refresh_the_discord_message() {
    for db in TestDb::all().await {
        let name = db.name();
        migrate(db.conn()).await.expect("migrate");
        let fake = FakeOAuth::start().await.expect("oauth");
        let discord = FakeDiscord::start().await.expect("discord");
        let state = AppState::new(db.conn().clone())
            .with_config(Arc::new(config(&fake)))
            .with_election_discord(Arc::new(DiscordElections::new(
                twilight(&discord),
                db.conn().clone(),
                APP_URL,
            )));
        let browser = Browser::new(sahasrahbot_api::app(state));
        browser.login_as(&fake, USER_ID, "bob").await;
        let (eid, ids) = election(db.conn(), false, true).await;
        let (closed, _) = election(db.conn(), false, false).await;

        // Row 43.
        browser
            .get(&format!("/ranked_choice/{closed}"))
            .await
            .assert_status(StatusCode::NOT_FOUND);
        browser
            .get("/ranked_choice/abc")
            .await
            .assert_status(StatusCode::NOT_FOUND);
        let resp = browser.get(&format!("/ranked_choice/{eid}")).await;
        resp.assert_status_is_ok();
        let html = body(resp).await;
        for id in &ids {
            assert!(html.contains(&format!("name=\"candidate_{id}\"")), "{html}");
        }
        let token = csrf_in(&html).expect("token");
        let url = format!("/ranked_choice/{eid}");

        // Bad ballots: nothing stored.
        let (a, b) = (
            format!("candidate_{}", ids[0]),
            format!("candidate_{}", ids[1]),
        );
        for bad in [
            vec![(a.as_str(), "1"), (b.as_str(), "1")],
            vec![(a.as_str(), "1"), ("candidate_999999", "2")],
            vec![(a.as_str(), "0")],
            vec![(a.as_str(), "")],
        ] {
            let mut form = bad.clone();
            form.push(("csrf_token", &token));
            let resp = browser.post_form(&url, &form).await;
            resp.assert_status(StatusCode::BAD_REQUEST);
        }
        let resp = browser
            .post_form(
                &url,
                &[
                    (a.as_str(), "1"),
                    ("candidate_999999", "2"),
                    ("csrf_token", &token),
                ],
            )
            .await;
        assert!(body(resp).await.contains("Invalid candidate"));
        browser
            .post_form(&url, &[(a.as_str(), "1")])
            .await
            .assert_status(StatusCode::FORBIDDEN);
        assert_eq!(
            votes::Entity::find().count(db.conn()).await.expect("n"),
            0,
            "{name}"
        );

        // Row 44.
        let resp = browser
            .post_form(
                &url,
                &[(b.as_str(), "1"), (a.as_str(), "2"), ("csrf_token", &token)],
            )
            .await;
        resp.assert_status_is_ok();
        let html = body(resp).await;
        assert!(
            html.contains("Ice Palace") && html.contains("Swamp Palace"),
            "{html}"
        );
        let stored = votes::Entity::find()
            .filter(votes::Column::UserId.eq(USER_ID))
            .all(db.conn())
            .await
            .expect("votes");
        assert_eq!(stored.len(), 2, "{name}");
        assert!(
            stored
                .iter()
                .any(|v| v.candidate_id == ids[1] && v.rank == Some(1))
        );
        let patch = discord
            .rest_calls()
            .into_iter()
            .find(|c| {
                c.method == "PATCH" && c.path == format!("/channels/{CHANNEL}/messages/{MESSAGE}")
            })
            .expect("message refreshed");
        let embed = &patch.body["embeds"][0];
        assert_eq!(embed["title"], "Best Dungeon");
        assert!(
            embed
                .to_string()
                .contains(&format!("{APP_URL}/ranked_choice/{eid}")),
            "{embed}"
        );

        let resp = browser
            .post_form(&url, &[(a.as_str(), "1"), ("csrf_token", &token)])
            .await;
        resp.assert_status(StatusCode::FORBIDDEN);
        assert!(body(resp).await.contains("already voted"));
        let html = body(browser.get(&url).await).await;
        assert!(
            html.contains("Your ballot") && html.contains("Ice Palace"),
            "{html}"
        );
        assert_eq!(votes::Entity::find().count(db.conn()).await.expect("n"), 2);
    }
}

#[tokio::test]
async fn private_elections_need_the_voter_role() {
    let db = TestDb::sqlite().await;
    migrate(db.conn()).await.expect("migrate");
    let fake = FakeOAuth::start().await.expect("oauth");
    let discord = FakeDiscord::start().await.expect("discord");
    discord.strict_members();
    let mut voter = FakeUser::member(USER_ID as u64, "bob");
    voter.roles = vec![ROLE as u64];
    discord.add_member(&voter);
    discord.add_member(&FakeUser::member(222, "eve"));
    let state = AppState::new(db.conn().clone())
        .with_config(Arc::new(config(&fake)))
        .with_election_discord(Arc::new(DiscordElections::new(
            twilight(&discord),
            db.conn().clone(),
            APP_URL,
        )));
    let app = sahasrahbot_api::app(state);
    let (eid, _) = election(db.conn(), true, true).await;
    let url = format!("/ranked_choice/{eid}");

    let bob = Browser::new(&app);
    bob.login_as(&fake, USER_ID, "bob").await;
    bob.get(&url).await.assert_status_is_ok();
    let eve = Browser::new(&app);
    eve.login_as(&fake, 222, "eve").await;
    let resp = eve.get(&url).await;
    resp.assert_status(StatusCode::FORBIDDEN);
    assert!(body(resp).await.contains("not authorized to vote"));
    let stranger = Browser::new(&app);
    stranger.login_as(&fake, 333, "zed").await;
    let resp = stranger.get(&url).await;
    resp.assert_status(StatusCode::FORBIDDEN);
    assert!(body(resp).await.contains("not found in the server"));
}
