//! `/rankedchoice` (discord.md §2.14, parity rows RC1–RC2) end to end through the fake
//! Discord: creating an election (administrators or the bot owner only, fix D1), and
//! "End Election" by the owner (count, winners, result file) or by anyone else.

use crate::common;

use common::*;
use sahasrahbot_core::db::entities::{
    ranked_choice_candidate as candidates, ranked_choice_election as elections,
    ranked_choice_votes as votes,
};
use sahasrahbot_testkit::discord::{FakeUser, RestCall};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder,
};
use serde_json::{Value, json};

const ROLE: u64 = 800_000_000_000_000_002;

fn create_options(candidates: &str, extra: Value) -> Value {
    let mut options = vec![
        json!({"name": "title", "type": 3, "value": "Best dungeon"}),
        json!({"name": "candidates", "type": 3, "value": candidates}),
    ];
    options.extend(extra.as_array().cloned().unwrap_or_default());
    sub("create", Value::Array(options))
}

async fn create(h: &Harness, user: &FakeUser, candidates: &str, extra: Value) -> Vec<RestCall> {
    let i = h
        .fake
        .slash_command(user, "rankedchoice", create_options(candidates, extra));
    wait_calls(&h.fake, &i.token, 1).await
}

fn values(embed: &Value) -> Vec<(String, String)> {
    embed["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            assert_eq!(f["inline"], false);
            (
                f["name"].as_str().unwrap().to_owned(),
                f["value"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

#[tokio::test]
async fn an_administrator_creates_an_election_with_its_embed_and_rows() {
    for db in databases().await {
        let h = start_on(db).await;
        let calls = create(
            &h,
            &admin(),
            " Eastern Palace, Swamp Palace ,Ice Palace",
            json!([
                {"name": "seats", "type": 4, "value": 2},
                {"name": "description", "type": 3, "value": "Pick two"},
                {"name": "authorized_voters_role", "type": 8, "value": ROLE.to_string()},
                {"name": "show_vote_count", "type": 5, "value": false},
            ]),
        )
        .await;
        assert_eq!(calls.len(), 2, "{calls:#?}");
        let data = message_callback(&calls[0], false);
        let election = elections::Entity::find()
            .one(h.db.conn())
            .await
            .unwrap()
            .expect("the election row");
        let embed = &data["embeds"][0];
        assert_eq!(embed["title"], "Best dungeon");
        assert_eq!(embed["description"], "Pick two");
        assert_eq!(embed["footer"]["text"], format!("ID: {}", election.id));
        assert_eq!(
            values(embed),
            [
                ("Seats up for election".to_owned(), "2".to_owned()),
                (
                    "Candidates".to_owned(),
                    "1. Eastern Palace\n2. Swamp Palace\n3. Ice Palace".to_owned()
                ),
                ("Authorized Voters Role".to_owned(), format!("<@&{ROLE}>")),
                (
                    "Vote URL".to_owned(),
                    format!("{APP_URL}/ranked_choice/{}", election.id)
                ),
                ("Owner".to_owned(), format!("<@{}>", admin().id)),
                ("Status".to_owned(), "Open".to_owned()),
            ]
        );
        let button = &data["components"][0]["components"][0];
        assert_eq!(button["custom_id"], "sahasrahbot:rankedchoice:end_election");
        assert_eq!(button["label"], "End Election");
        assert_eq!(button["style"], 4);
        assert_eq!(calls[1].method, "GET");
        assert!(calls[1].path.ends_with("/messages/@original"));

        assert_eq!(election.guild_id, Some(i64::try_from(GUILD).unwrap()));
        assert_eq!(election.channel_id, Some(i64::try_from(CHANNEL).unwrap()));
        assert_eq!(election.owner_id, i64::try_from(admin().id).unwrap());
        assert!(election.message_id.is_some(), "{}", h.db.name());
        assert!(election.private && election.active && !election.show_vote_count);
        assert_eq!(election.voter_role_id, Some(i64::try_from(ROLE).unwrap()));
        assert_eq!(election.seats, 2);
        let names: Vec<Option<String>> = candidates::Entity::find()
            .filter(candidates::Column::ElectionId.eq(election.id))
            .order_by_asc(candidates::Column::Id)
            .all(h.db.conn())
            .await
            .unwrap()
            .into_iter()
            .map(|c| c.name)
            .collect();
        assert_eq!(
            names,
            [
                Some("Eastern Palace".to_owned()),
                Some("Swamp Palace".to_owned()),
                Some("Ice Palace".to_owned())
            ]
        );
    }
}

#[tokio::test]
async fn non_administrators_and_bad_options_are_refused_ephemerally() {
    let h = start().await;
    // Fix D1: the gate blocks members who are neither administrators nor the bot owner.
    let calls = create(&h, &member(), "A,B", json!([])).await;
    assert_eq!(calls.len(), 1);
    let data = message_callback(&calls[0], true);
    assert!(data["content"].as_str().unwrap().contains("administrator"));
    for (candidates, extra, expected) in [
        (
            "A,B",
            json!([{"name": "seats", "type": 4, "value": 3}]),
            "`seats` must be between 1 and",
        ),
        (
            "A,B",
            json!([{"name": "seats", "type": 4, "value": 0}]),
            "`seats` must be between 1 and",
        ),
        ("A,,B", json!([]), "`candidates` cannot be empty"),
    ] {
        let calls = create(&h, &admin(), candidates, extra).await;
        assert_eq!(calls.len(), 1);
        let data = message_callback(&calls[0], true);
        let text = data["content"].as_str().unwrap();
        assert!(
            text.contains("`BadArgument`") && text.contains(expected),
            "{text}"
        );
    }
    assert!(all_rows::<elections::Entity>(&h.db).await.is_empty());
    assert!(all_rows::<candidates::Entity>(&h.db).await.is_empty());

    // The bot owner may create one without being an administrator.
    let owner = FakeUser::member(h.fake.owner_id(), "Synack");
    let calls = create(&h, &owner, "A,B", json!([])).await;
    message_callback(&calls[0], false);
    assert_eq!(all_rows::<elections::Entity>(&h.db).await.len(), 1);
}

async fn vote(h: &Harness, election: i32, user: i64, ranked: &[i32]) {
    for (rank, candidate) in ranked.iter().enumerate() {
        votes::ActiveModel {
            user_id: Set(user),
            rank: Set(Some(i32::try_from(rank).unwrap() + 1)),
            candidate_id: Set(*candidate),
            election_id: Set(election),
            ..Default::default()
        }
        .insert(h.db.conn())
        .await
        .unwrap();
    }
}

#[tokio::test]
async fn the_owner_ends_the_election_and_the_result_is_posted() {
    for db in databases().await {
        let h = start_on(db).await;
        create(&h, &admin(), "Alpha,Beta,Gamma", json!([])).await;
        let election = elections::Entity::find()
            .one(h.db.conn())
            .await
            .unwrap()
            .unwrap();
        let message = u64::try_from(election.message_id.unwrap()).unwrap();
        let ids: Vec<i32> = candidates::Entity::find()
            .order_by_asc(candidates::Column::Id)
            .all(h.db.conn())
            .await
            .unwrap()
            .iter()
            .map(|c| c.id)
            .collect();
        let (a, b, c) = (ids[0], ids[1], ids[2]);
        // Alpha 4, Beta 3, Gamma 2 whose voters prefer Beta: Gamma out, Beta wins 5–4.
        for user in 1..=4 {
            vote(&h, election.id, user, &[a]).await;
        }
        for user in 5..=7 {
            vote(&h, election.id, user, &[b, a]).await;
        }
        for user in 8..=9 {
            vote(&h, election.id, user, &[c, b]).await;
        }

        // Someone else: deferred update, then an ephemeral refusal; nothing changes.
        let click = h.fake.component_on_message(
            &member(),
            "sahasrahbot:rankedchoice:end_election",
            message,
        );
        let calls = wait_calls(&h.fake, &click.token, 2).await;
        assert_eq!(calls.len(), 2, "{calls:#?}");
        assert_eq!(calls[0].body["type"], 6);
        assert_eq!(calls[1].path, click.webhook_path(h.fake.application_id()));
        assert_eq!(
            calls[1].body["content"],
            "You are not the owner of this election."
        );
        assert_eq!(calls[1].body["flags"], 64);
        let unchanged = elections::Entity::find_by_id(election.id)
            .one(h.db.conn())
            .await
            .unwrap()
            .unwrap();
        assert!(unchanged.active && unchanged.results.is_none());

        // The owner.
        let click =
            h.fake
                .component_on_message(&admin(), "sahasrahbot:rankedchoice:end_election", message);
        let calls = wait_calls(&h.fake, &click.token, 2).await;
        assert_eq!(calls.len(), 2, "{calls:#?}");
        assert_eq!(calls[0].body["type"], 6);
        assert_eq!(calls[1].body["content"], "Successfully ended the election.");
        assert_eq!(calls[1].body["flags"], 64);
        let edits: Vec<RestCall> = h
            .fake
            .calls_to(&format!("/channels/{CHANNEL}/messages/{message}"))
            .into_iter()
            .filter(|c| c.method == "PATCH")
            .collect();
        assert_eq!(edits.len(), 1);
        let embed = &edits[0].body["embeds"][0];
        let fields = values(embed);
        assert_eq!(fields[1].1, "1. Alpha\n2. Beta ✅\n3. Gamma");
        assert_eq!(
            fields.last().unwrap(),
            &("Status".to_owned(), "Closed".to_owned())
        );
        assert_eq!(edits[0].body["attachments"][0]["filename"], "results.txt");

        let closed = elections::Entity::find_by_id(election.id)
            .one(h.db.conn())
            .await
            .unwrap()
            .unwrap();
        assert!(!closed.active, "{}", h.db.name());
        let results = closed.results.unwrap();
        assert!(results.contains("Eliminated: Gamma"), "{results}");
        assert!(results.ends_with("Winners: Beta\n"), "{results}");
        let winners: Vec<(i32, Option<bool>)> = candidates::Entity::find()
            .order_by_asc(candidates::Column::Id)
            .all(h.db.conn())
            .await
            .unwrap()
            .iter()
            .map(|c| (c.id, c.winner))
            .collect();
        assert_eq!(
            winners,
            [(a, Some(false)), (b, Some(true)), (c, Some(false))]
        );

        // Again: already closed, no second edit.
        let click =
            h.fake
                .component_on_message(&admin(), "sahasrahbot:rankedchoice:end_election", message);
        let calls = wait_calls(&h.fake, &click.token, 2).await;
        assert_eq!(calls[1].body["content"], "This election is already closed.");
        assert_eq!(
            h.fake
                .calls_to(&format!("/channels/{CHANNEL}/messages/{message}"))
                .iter()
                .filter(|c| c.method == "PATCH")
                .count(),
            1
        );
    }
}
