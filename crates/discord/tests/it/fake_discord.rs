//! The fake Discord itself, driven by twilight's own gateway and HTTP clients: a bad token
//! is refused (REST 401, gateway close 4004), an unknown session cannot be resumed (the
//! shard identifies again), member requests are answered with a chunk, and failures can be
//! injected on a route.

use crate::common;

use common::WAIT;
use sahasrahbot_testkit::discord::FakeDiscord;
use twilight_gateway::{
    ConfigBuilder, Event, EventTypeFlags, Intents, Shard, ShardId, StreamExt as _,
};
use twilight_model::gateway::payload::outgoing::RequestGuildMembers;
use twilight_model::id::Id;

fn shard(fake: &FakeDiscord, token: String) -> Shard {
    let config = ConfigBuilder::new(token, Intents::GUILDS | Intents::GUILD_MEMBERS)
        .proxy_url(fake.gateway_url())
        .build();
    Shard::with_config(ShardId::ONE, config)
}

async fn next_matching(shard: &mut Shard, pred: impl Fn(&Event) -> bool) -> Option<Event> {
    tokio::time::timeout(WAIT, async {
        while let Some(item) = shard.next_event(EventTypeFlags::all()).await {
            if let Ok(event) = item
                && pred(&event)
            {
                return Some(event);
            }
        }
        None
    })
    .await
    .ok()
    .flatten()
}

#[tokio::test]
async fn a_bad_token_is_refused_on_rest_and_gateway() {
    let fake = FakeDiscord::start().await.unwrap();
    let http = twilight_http::Client::builder()
        .token("wrong".to_owned())
        .proxy(fake.http_proxy(), true)
        .build();
    let err = http.current_user().await.unwrap_err();
    assert!(err.to_string().contains("401"), "{err}");

    let mut shard = shard(&fake, "wrong".to_owned());
    let closed = next_matching(&mut shard, |e| matches!(e, Event::GatewayClose(_))).await;
    match closed {
        Some(Event::GatewayClose(Some(frame))) => assert_eq!(frame.code, 4004),
        other => panic!("expected a 4004 close, got {other:?}"),
    }
    assert_eq!(fake.gateway_stats().identifies, 0);
}

#[tokio::test]
async fn ready_guilds_and_member_chunks() {
    let fake = FakeDiscord::start().await.unwrap();
    let mut shard = shard(&fake, fake.token());
    let ready = next_matching(&mut shard, |e| matches!(e, Event::Ready(_))).await;
    let Some(Event::Ready(ready)) = ready else {
        panic!("no READY");
    };
    assert_eq!(ready.user.id.get(), fake.application_id());
    assert_eq!(ready.resume_gateway_url, fake.gateway_url());
    let guild = next_matching(&mut shard, |e| matches!(e, Event::GuildCreate(_))).await;
    let Some(Event::GuildCreate(guild)) = guild else {
        panic!("no GUILD_CREATE");
    };
    assert_eq!(guild.id().get(), fake.guild_id());

    let guild_id = Id::new(fake.guild_id());
    shard.command(
        &RequestGuildMembers::builder(guild_id)
            .nonce("n1")
            .query("", None),
    );
    let chunk = next_matching(&mut shard, |e| matches!(e, Event::MemberChunk(_))).await;
    let Some(Event::MemberChunk(chunk)) = chunk else {
        panic!("no GUILD_MEMBERS_CHUNK");
    };
    assert_eq!(chunk.guild_id, guild_id);
    assert_eq!(chunk.nonce.as_deref(), Some("n1"));
}

#[tokio::test]
async fn an_unknown_session_is_not_resumed() {
    let fake = FakeDiscord::start().await.unwrap();
    let config = ConfigBuilder::new(fake.token(), Intents::GUILDS)
        .proxy_url(fake.gateway_url())
        .resume_url(fake.gateway_url())
        .session(twilight_gateway::Session::new(
            5,
            "no-such-session".to_owned(),
        ))
        .build();
    let mut shard = Shard::with_config(ShardId::ONE, config);
    let ready = next_matching(&mut shard, |e| matches!(e, Event::Ready(_))).await;
    assert!(
        ready.is_some(),
        "the shard identified after INVALID_SESSION"
    );
    let stats = fake.gateway_stats();
    assert_eq!(stats.resumes, 0);
    assert_eq!(stats.identifies, 1);
}

#[tokio::test]
async fn failures_can_be_injected_on_a_route() {
    let fake = FakeDiscord::start().await.unwrap();
    let http = twilight_http::Client::builder()
        .token(fake.token())
        .proxy(fake.http_proxy(), true)
        .build();
    fake.fail_route("POST", "/channels/9/messages", 403, 1);
    let err = http
        .create_message(Id::new(9))
        .content("a")
        .await
        .unwrap_err();
    assert!(err.to_string().contains("403"), "{err}");
    http.create_message(Id::new(9)).content("b").await.unwrap();
    let calls = fake.calls_to("/channels/9/messages");
    assert_eq!(calls.len(), 2);
    assert_eq!(calls[1].body["content"], "b");
}

#[tokio::test]
async fn dispatched_events_reach_twilight_as_typed_events() {
    use sahasrahbot_testkit::discord::FakeUser;
    let fake = FakeDiscord::start().await.unwrap();
    let mut shard = shard(&fake, fake.token());
    assert!(
        next_matching(&mut shard, |e| matches!(e, Event::GuildCreate(_)))
            .await
            .is_some()
    );
    let user = FakeUser::member(77, "newcomer");
    fake.member_add(&user);
    let Some(Event::MemberAdd(added)) =
        next_matching(&mut shard, |e| matches!(e, Event::MemberAdd(_))).await
    else {
        panic!("no GUILD_MEMBER_ADD");
    };
    assert_eq!(added.user.id.get(), 77);
    let id = fake.message_create(&user, "hi", true);
    let Some(Event::MessageCreate(message)) =
        next_matching(&mut shard, |e| matches!(e, Event::MessageCreate(_))).await
    else {
        panic!("no MESSAGE_CREATE");
    };
    assert_eq!(message.id.get(), id);
    assert_eq!(message.mentions[0].id.get(), fake.application_id());
    let sent = fake.component(&user, "x:1");
    let Some(Event::InteractionCreate(interaction)) =
        next_matching(&mut shard, |e| matches!(e, Event::InteractionCreate(_))).await
    else {
        panic!("no INTERACTION_CREATE");
    };
    assert_eq!(interaction.token, sent.token);
}
