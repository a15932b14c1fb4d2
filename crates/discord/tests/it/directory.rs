//! [`DiscordDirectory`] (the tournament engine's `GuildDirectory`) through the fake Discord:
//! the exact REST calls, 404 as "not a member", and the username match.

use crate::common;

use common::bot_settings;
use sahasrahbot_discord::DiscordDirectory;
use sahasrahbot_testkit::discord::{FakeDiscord, FakeUser};
use sahasrahbot_tournament::ports::{GuildDirectory, Member};

async fn setup() -> (FakeDiscord, DiscordDirectory) {
    let fake = FakeDiscord::start().await.expect("fake discord");
    let settings = bot_settings(&fake);
    let directory = DiscordDirectory::from_settings(&settings);
    (fake, directory)
}

fn runner(id: u64, name: &str, roles: &[u64]) -> FakeUser {
    FakeUser {
        roles: roles.to_vec(),
        ..FakeUser::member(id, name)
    }
}

#[tokio::test]
async fn member_by_id_reads_the_member_with_roles() {
    let (fake, directory) = setup().await;
    fake.strict_members();
    fake.add_member(&runner(301, "synack", &[900, 901]));
    let guild = fake.guild_id();
    let member = directory.member(guild, 301).await.unwrap();
    assert_eq!(
        member,
        Some(Member {
            id: 301,
            name: "synack".to_owned(),
            roles: vec![900, 901],
        })
    );
    let calls = fake.calls_to(&format!("/guilds/{guild}/members"));
    assert_eq!(calls.len(), 1);
    assert_eq!(calls[0].method, "GET");
    assert_eq!(calls[0].path, format!("/guilds/{guild}/members/301"));
}

#[tokio::test]
async fn member_by_id_is_none_on_discords_404() {
    let (fake, directory) = setup().await;
    fake.strict_members();
    let guild = fake.guild_id();
    assert_eq!(directory.member(guild, 302).await.unwrap(), None);
    assert_eq!(
        fake.calls_to(&format!("/guilds/{guild}/members/302")).len(),
        1
    );
    // User id 0 is no snowflake: nobody, without a request.
    assert_eq!(directory.member(guild, 0).await.unwrap(), None);
    assert_eq!(fake.calls_to("/guilds/").len(), 1);
}

#[tokio::test]
async fn member_by_id_in_an_unknown_guild_is_an_error_not_a_missing_member() {
    let (fake, directory) = setup().await;
    fake.strict_members();
    let error = directory.member(123_456_789, 301).await.unwrap_err();
    assert!(
        error
            .to_string()
            .contains("member lookup in guild 123456789"),
        "{error}"
    );
    assert_eq!(fake.calls_to("/guilds/123456789/members/301").len(), 1);
}

#[tokio::test]
async fn member_by_id_fails_on_other_errors() {
    let (fake, directory) = setup().await;
    let guild = fake.guild_id();
    fake.fail_route("GET", &format!("/guilds/{guild}/members/303"), 500, 1);
    let error = directory.member(guild, 303).await.unwrap_err();
    assert!(error.to_string().contains("member lookup"), "{error}");
}

#[tokio::test]
async fn member_by_name_searches_and_matches_the_exact_username() {
    let (fake, directory) = setup().await;
    fake.add_member(&runner(401, "synackfan", &[]));
    fake.add_member(&runner(402, "synack", &[7]));
    fake.add_member(&runner(403, "other", &[]));
    let guild = fake.guild_id();

    let member = directory.member_by_name(guild, "synack").await.unwrap();
    assert_eq!(
        member,
        Some(Member {
            id: 402,
            name: "synack".to_owned(),
            roles: vec![7],
        })
    );
    let calls = fake.calls_to(&format!("/guilds/{guild}/members/search"));
    assert_eq!(calls.len(), 1);
    assert_eq!(calls[0].method, "GET");
    let query: std::collections::HashMap<String, String> =
        url_pairs(&calls[0].query).into_iter().collect();
    assert_eq!(query.get("query").map(String::as_str), Some("synack"));
    assert_eq!(query.get("limit").map(String::as_str), Some("1000"));

    // Usernames are lowercase: a capitalised SG tag still finds the member.
    let member = directory.member_by_name(guild, "SynAck").await.unwrap();
    assert_eq!(member.map(|m| m.id), Some(402));

    // A prefix of a username is not a match.
    assert_eq!(
        directory.member_by_name(guild, "synac").await.unwrap(),
        None
    );
    // Nobody by that name.
    assert_eq!(
        directory.member_by_name(guild, "nobody").await.unwrap(),
        None
    );
    // An empty name is nobody, without a request.
    let before = fake.calls_to("/guilds/").len();
    assert_eq!(directory.member_by_name(guild, " ").await.unwrap(), None);
    assert_eq!(fake.calls_to("/guilds/").len(), before);
}

#[tokio::test]
async fn member_by_name_fails_when_the_search_fails() {
    let (fake, directory) = setup().await;
    let guild = fake.guild_id();
    fake.fail_route("GET", &format!("/guilds/{guild}/members/search"), 403, 1);
    let error = directory.member_by_name(guild, "synack").await.unwrap_err();
    assert!(error.to_string().contains("member search"), "{error}");
}

fn url_pairs(query: &str) -> Vec<(String, String)> {
    query
        .split('&')
        .filter_map(|kv| {
            let (k, v) = kv.split_once('=')?;
            Some((k.to_owned(), v.to_owned()))
        })
        .collect()
}
