//! `POST /api/racetime/cmd` end to end (parity row 24, racetime.md §4 row 36): a real alttpr
//! category bot joined to a room of the testkit's fake racetime.gg, the command posted through
//! poem's test client, the room's chat read back from the fake.

use std::sync::Arc;
use std::time::Duration;

use poem::http::StatusCode;
use poem::test::TestClient;
use sahasrahbot_api::{AppState, app};
use sahasrahbot_core::db::entities::{authorizationkeypermissions, authorizationkeys};
use sahasrahbot_core::presets::PresetStore;
use sahasrahbot_racetime::{BotConfig, CancellationToken, HandlerRegistry, HostConfig};
use sahasrahbot_racetime_handlers::Services;
use sahasrahbot_seedgen::{Seedgen, SeedgenConfig};
use sahasrahbot_testkit::db::TestDb;
use sahasrahbot_testkit::racetime::{FakeConfig, FakeRacetime, NewRace};
use sahasrahbot_tournament::ports::RacetimeBots;
use sea_orm::{ActiveValue::NotSet, ActiveValue::Set, EntityTrait};
use serde_json::{Value, json};

const WAIT: Duration = Duration::from_secs(10);
const KEY: &str = "s3cret-alttpr-key";
const SMZ3_KEY: &str = "s3cret-smz3-key";
const HELP_START: &str = "Available commands:\n\"!race <preset>\" to generate a race preset.";

async fn add_key(db: &TestDb, key: &str, subtype: &str) {
    let row = authorizationkeys::Entity::insert(authorizationkeys::ActiveModel {
        id: NotSet,
        key: Set(key.into()),
        name: Set(format!("{subtype} key")),
    })
    .exec(db.conn())
    .await
    .expect("key");
    authorizationkeypermissions::Entity::insert(authorizationkeypermissions::ActiveModel {
        id: NotSet,
        r#type: Set("racetimecmd".into()),
        subtype: Set(Some(subtype.into())),
        auth_key_id: Set(row.last_insert_id),
    })
    .exec(db.conn())
    .await
    .expect("permission");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn commands_reach_a_handled_room_through_the_api() {
    for db in TestDb::all().await {
        sahasrahbot_migrations::migrate(db.conn())
            .await
            .expect("migrations");
        add_key(&db, KEY, "alttpr").await;
        add_key(&db, SMZ3_KEY, "smz3").await;

        let fake = FakeRacetime::start_with(FakeConfig {
            category: "alttpr".into(),
            category_name: "ALTTPR".into(),
            ..FakeConfig::default()
        })
        .await
        .expect("fake racetime");
        let host = HostConfig::insecure(fake.host(), fake.port());
        let seedgen = Seedgen::new(SeedgenConfig::default(), None, None).expect("seedgen");
        let presets = format!("{}/../../presets", env!("CARGO_MANIFEST_DIR"));
        let (registry, bots) = (HandlerRegistry::new(), RacetimeBots::new());
        let services = Arc::new(
            Services::new(
                db.conn().clone(),
                Arc::new(seedgen),
                PresetStore::new(&presets),
                host.clone(),
            )
            .with_racetime_bots(bots.clone()),
        );
        let mut config =
            BotConfig::new(fake.category(), fake.client_id(), fake.client_secret()).with_host(host);
        config.scan_interval = Duration::from_millis(50);
        let cancel = CancellationToken::new();
        let task = sahasrahbot_racetime_handlers::start_category(
            config,
            services,
            registry.clone(),
            cancel.clone(),
        )
        .await
        .expect("bot starts");

        let room = fake.open_race(NewRace::default());
        let reg = registry.clone();
        assert!(
            fake.wait_until(WAIT, |f| reg.contains(&room)
                && f.open_bot_sockets(&room) > 0)
                .await,
            "bot never joined {room}"
        );
        // The alttpr intro comes first.
        assert!(
            fake.wait_until(WAIT, |f| !f.bot_messages(&room).is_empty())
                .await
        );
        let slug = room
            .split_once('/')
            .map(|(_, s)| s.to_owned())
            .expect("slug");

        let cli = TestClient::new(app(
            AppState::new(db.conn().clone()).with_racetime(registry.clone(), bots)
        ));
        let body = json!({"category": "alttpr", "room": slug, "cmd": "!help"});

        let resp = cli
            .post("/api/racetime/cmd")
            .header("Authorization", format!("Bearer {KEY}"))
            .body_json(&body)
            .send()
            .await;
        resp.assert_status_is_ok();
        resp.assert_json(json!({"success": true})).await;
        // The command ran: its reply follows the announcement (the bot's socket delivers it
        // to the fake right after the API answered).
        let replied = |f: &FakeRacetime| {
            let msgs = f.bot_messages(&room);
            msgs.iter()
                .position(|m| m == "Executing command from API request: !help")
                .and_then(|at| msgs.get(at + 1))
                .is_some_and(|m| m.starts_with(HELP_START))
        };
        assert!(
            fake.wait_until(WAIT, replied).await,
            "{}: {:#?}",
            db.name(),
            fake.bot_messages(&room)
        );

        // The raw header value and the deprecated query form work too.
        let resp = cli
            .post("/api/racetime/cmd")
            .header("Authorization", KEY)
            .body_json(&body)
            .send()
            .await;
        resp.assert_status_is_ok();
        let resp = cli
            .post("/api/racetime/cmd")
            .query("auth_key", &KEY)
            .body_json(&body)
            .send()
            .await;
        resp.assert_status_is_ok();
        let announced = |f: &FakeRacetime| {
            f.bot_messages(&room)
                .iter()
                .filter(|m| *m == "Executing command from API request: !help")
                .count()
        };
        assert!(
            fake.wait_until(WAIT, |f| announced(f) == 3).await,
            "{}: {:#?}",
            db.name(),
            fake.bot_messages(&room)
        );

        let problem = |resp: poem::test::TestResponse, status: StatusCode| async move {
            resp.assert_status(status);
            resp.assert_content_type("application/problem+json");
            let v: Value = resp.json().await.value().deserialize();
            assert_eq!(v["status"], status.as_u16());
        };
        // No key.
        problem(
            cli.post("/api/racetime/cmd").body_json(&body).send().await,
            StatusCode::UNAUTHORIZED,
        )
        .await;
        // Unknown key; a key of another category.
        for key in ["Bearer nope", SMZ3_KEY, "Bearer s3cret-alttpr-kez"] {
            let resp = cli
                .post("/api/racetime/cmd")
                .header("Authorization", key)
                .body_json(&body)
                .send()
                .await;
            problem(resp, StatusCode::FORBIDDEN).await;
        }
        // A room nobody handles; a category no bot of this process runs.
        let resp = cli
            .post("/api/racetime/cmd")
            .header("Authorization", format!("Bearer {KEY}"))
            .body_json(&json!({"category": "alttpr", "room": "nope-0000", "cmd": "!help"}))
            .send()
            .await;
        problem(resp, StatusCode::NOT_FOUND).await;
        let resp = cli
            .post("/api/racetime/cmd")
            .header("Authorization", format!("Bearer {SMZ3_KEY}"))
            .body_json(&json!({"category": "smz3", "room": slug, "cmd": "!help"}))
            .send()
            .await;
        problem(resp, StatusCode::NOT_FOUND).await;
        // Bad bodies.
        for bad in [
            json!({"category": "alttpr", "room": slug}),
            json!([1]),
            json!({"category": "alttpr", "room": slug, "cmd": ""}),
        ] {
            let resp = cli
                .post("/api/racetime/cmd")
                .header("Authorization", format!("Bearer {KEY}"))
                .body_json(&bad)
                .send()
                .await;
            problem(resp, StatusCode::BAD_REQUEST).await;
        }

        cancel.cancel();
        let _ = tokio::time::timeout(WAIT, task).await;
    }
}
