//! A mystery roll from the project's shipped weightset, generated through `Seedgen`: a
//! failed attempt is retried with the same rolled settings (the original re-rolled), and
//! the audit row records `gentype` `mystery` with the weightset name.

use crate::common;

use std::path::PathBuf;

use common::config;
use sahasrahbot_core::db::entities::audit_generated_games;
use sahasrahbot_core::presets::mystery::{PyRandom, roll};
use sahasrahbot_core::presets::{Game, PresetStore, ProviderRequest};
use sahasrahbot_migrations::migrate;
use sahasrahbot_seedgen::Seedgen;
use sahasrahbot_testkit::db::TestDb;
use sea_orm::EntityTrait;
use serde_json::json;
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

#[tokio::test]
async fn a_mystery_roll_is_retried_unchanged_and_audited_as_mystery() {
    let store = PresetStore::new(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../presets"));
    let weights = store.fetch(Game::AlttprMystery, "casual").unwrap();
    // The first seed whose roll goes to alttpr.com (not the door randomizer).
    let (rolled, request) = (0..50)
        .find_map(|seed| {
            let rolled = roll(&weights.data, "mystery", &store, &mut PyRandom::new(seed)).ok()?;
            let request = rolled.request("mystery", true, true);
            matches!(request, ProviderRequest::Alttpr { .. }).then_some((rolled, request))
        })
        .expect("an alttpr.com roll among the first 50 seeds");

    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(500))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "hash": "Myst3ry", "patch": [{"1573397": [1, 1, 1, 1, 1]}],
            "spoiler": {"meta": {"spoilers": "mystery"}}})))
        .mount(&server)
        .await;

    let db = TestDb::sqlite().await;
    migrate(db.conn()).await.expect("migrate");
    let seedgen = Seedgen::new(config(&server), Some(db.conn().clone()), None).unwrap();
    let seed = seedgen
        .generate(&request, Some(&rolled.audit("casual")), None)
        .await
        .unwrap();
    assert_eq!(seed.provider_meta.attempt_count, 2);

    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 2);
    assert_eq!(
        requests[0].body, requests[1].body,
        "the same settings, not a re-roll"
    );
    let ProviderRequest::Alttpr { body, .. } = &request else {
        unreachable!("checked above");
    };
    let sent: serde_json::Value = serde_json::from_slice(&requests[1].body).unwrap();
    assert_eq!(&sent, body);
    assert_eq!(sent["spoilers"], "mystery");

    let rows = audit_generated_games::Entity::find()
        .all(db.conn())
        .await
        .unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].gentype.as_deref(), Some("mystery"));
    assert_eq!(rows[0].genoption.as_deref(), Some("casual"));
    assert_eq!(rows[0].hash_id.as_deref(), Some("Myst3ry"));
    assert_eq!(rows[0].customizer, Some(i32::from(rolled.customizer)));
}
