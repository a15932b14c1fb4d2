//! The client's `https`/`wss` paths against the fake behind a TLS front with a self-signed
//! certificate: trusted as an extra root it works end to end (token, feed, room socket, a
//! command and its reply); not trusted, it is refused.

use crate::common;
use crate::common::tls_front;

use common::{WAIT, eventually, start_bot, test_config};
use sahasrahbot_racetime::{
    Bot, BotConfig, DefaultFactory, Error, HandlerRegistry, HostConfig, RaceHandler,
};
use sahasrahbot_testkit::racetime::{FakeRacetime, NewRace};
use tokio_util::sync::CancellationToken;

fn tls_config(fake: &FakeRacetime, front: &tls_front::TlsFront) -> BotConfig {
    test_config(fake).with_host(HostConfig {
        host: "127.0.0.1".to_owned(),
        port: front.port,
        secure: true,
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn room_over_tls_with_a_trusted_root() {
    let fake = FakeRacetime::start().await.unwrap();
    let front = tls_front::start(fake.port()).await.unwrap();
    let config = tls_config(&fake, &front).with_root_certificate(tls_front::CERT_DER);
    let bot = start_bot(config).await;
    let room = fake.open_race(NewRace::default());
    assert!(
        fake.wait_until(WAIT, |f| f.open_bot_sockets(&room) == 1)
            .await,
        "room socket connected through TLS"
    );
    assert!(eventually(|| bot.events.count(&room, "begin") == 1).await);
    let user = fake.add_entrant(&room, "RacerOne");
    fake.send_chat(&room, &user, "!echo over tls");
    assert!(
        fake.wait_until(WAIT, |f| f
            .bot_messages(&room)
            .iter()
            .any(|m| m == r#"args=["over", "tls"]"#))
            .await,
        "reply: {:?}",
        fake.bot_messages(&room)
    );
    // A dropped socket reconnects through TLS too.
    assert_eq!(fake.drop_bot_sockets(&room), 1);
    assert!(
        fake.wait_until(WAIT, |f| f.bot_connections(&room).len() == 2
            && f.open_bot_sockets(&room) == 1)
            .await,
        "reconnected through TLS"
    );
    fake.send_chat(&room, &user, "!echo again");
    assert!(
        fake.wait_until(WAIT, |f| f
            .bot_messages(&room)
            .iter()
            .any(|m| m == r#"args=["again"]"#))
            .await,
        "reply after reconnect: {:?}",
        fake.bot_messages(&room)
    );
    assert_eq!(bot.events.count(&room, "begin"), 1);
    bot.cancel.cancel();
    bot.task.await.unwrap();
}

#[derive(Default)]
struct Quiet;
impl RaceHandler for Quiet {}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn untrusted_certificate_is_refused() {
    let fake = FakeRacetime::start().await.unwrap();
    let front = tls_front::start(fake.port()).await.unwrap();
    let err = Bot::connect(
        tls_config(&fake, &front),
        DefaultFactory::<Quiet>::new(),
        HandlerRegistry::new(),
        CancellationToken::new(),
    )
    .await
    .unwrap_err();
    let mut chain = format!("{err}");
    let mut source = std::error::Error::source(&err);
    while let Some(s) = source {
        chain.push_str(&format!(": {s}"));
        source = s.source();
    }
    assert!(matches!(err, Error::Http(_)), "{chain}");
    // Which verification error rustls names depends on the roots reqwest loads (the
    // webpki set, or the system's too when another crate turns that on): any of them is a
    // refused certificate.
    assert!(chain.contains("invalid peer certificate"), "{chain}");
    assert!(fake.issued_tokens().is_empty());
}
