//! The `audit_generated_games` row: written after a successful generation of a preset
//! request (alttpr.com, samus.link, AVIANART, CTJets), with the preset's audit fields and
//! the provider's id and permalink; not written when the provider fails. Runs on every
//! available database backend.

use crate::common;

use common::config;
use sahasrahbot_core::db::entities::audit_generated_games;
use sahasrahbot_core::presets::alttpr::{AlttprOptions, build_request};
use sahasrahbot_core::presets::mystery::PyRandom;
use sahasrahbot_core::presets::other::build_samus_request;
use sahasrahbot_core::presets::{Game, GenerationAudit, Preset, ProviderRequest};
use sahasrahbot_migrations::migrate;
use sahasrahbot_seedgen::{Error, Seedgen, Surface};
use sahasrahbot_testkit::db::TestDb;
use sea_orm::{EntityTrait, PaginatorTrait};
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn alttpr_game(hash: &str) -> serde_json::Value {
    json!({"hash": hash, "patch": [{"1573397": [1, 2, 3, 4, 5]}],
           "spoiler": {"meta": {"name": "Open"}}, "generated": "2026-11-22T00:00:00+00:00"})
}

#[tokio::test]
async fn a_successful_alttpr_preset_writes_one_row() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/live/api/customizer"))
        .respond_with(ResponseTemplate::new(200).set_body_json(alttpr_game("Hash123")))
        .mount(&server)
        .await;
    let preset = Preset::from_yaml(
        Game::Alttpr,
        "tournament_keys",
        "customizer: true\nsettings: {goal: ganon, eq: [BossHeartContainer]}\n",
    )
    .unwrap();
    let request = build_request(
        &preset,
        &AlttprOptions::discord(true),
        &mut PyRandom::new(1),
    )
    .unwrap();
    let audit = preset.audit();

    for db in TestDb::all().await {
        migrate(db.conn()).await.expect("migrate");
        let seedgen = Seedgen::new(config(&server), Some(db.conn().clone()), None).unwrap();
        let seed = seedgen
            .generate(&request, Some(&audit), Some(Surface::Discord))
            .await
            .unwrap();
        assert_eq!(seed.url, "https://alttpr.com/h/Hash123");
        let rows = audit_generated_games::Entity::find()
            .all(db.conn())
            .await
            .unwrap();
        assert_eq!(rows.len(), 1, "{}", db.name());
        let row = &rows[0];
        assert_eq!(row.randomizer.as_deref(), Some("alttpr"), "{}", db.name());
        assert_eq!(row.hash_id.as_deref(), Some("Hash123"));
        assert_eq!(
            row.permalink.as_deref(),
            Some("https://alttpr.com/h/Hash123")
        );
        assert_eq!(row.gentype.as_deref(), Some("preset"));
        assert_eq!(row.genoption.as_deref(), Some("tournament_keys"));
        assert_eq!(row.customizer, Some(1));
        assert!(!row.doors && !row.avianart);
        assert!(row.timestamp.is_some());
        let ProviderRequest::Alttpr { body, .. } = &request else {
            panic!("alttpr.com request expected");
        };
        assert_eq!(row.settings.as_ref(), Some(body), "{}", db.name());
        assert_eq!(row.settings.as_ref().unwrap()["tournament"], true);
    }
}

#[tokio::test]
async fn a_failed_generation_writes_nothing() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(400).set_body_string("bad"))
        .mount(&server)
        .await;
    let request = ProviderRequest::Alttpr {
        baseurl: None,
        endpoint: "/api/randomizer".into(),
        body: json!({"goal": "nope"}),
    };
    let audit = GenerationAudit {
        randomizer: "alttpr".into(),
        gentype: "preset".into(),
        genoption: Some("open".into()),
        customizer: false,
        doors: Some(false),
        avianart: Some(false),
    };
    for db in TestDb::all().await {
        migrate(db.conn()).await.expect("migrate");
        let seedgen = Seedgen::new(config(&server), Some(db.conn().clone()), None).unwrap();
        let err = seedgen
            .generate(&request, Some(&audit), None)
            .await
            .unwrap_err();
        assert!(matches!(err, Error::InvalidRequest(_)), "{err}");
        let count = audit_generated_games::Entity::find()
            .count(db.conn())
            .await
            .unwrap();
        assert_eq!(count, 0, "{}", db.name());
    }
}

#[tokio::test]
async fn samus_avianart_and_ctjets_rows_and_overlong_values() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/smz3/api/randomizers/smz3/generate"))
        .respond_with(ResponseTemplate::new(200).set_body_json(
            json!({"guid": "0123456789abcdef0123456789abcdef", "hash": "code", "mode": "normal"}),
        ))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/api.php"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"response": {
            "hash": "avi1", "spoiler": {"meta": {"hash": "Bow, Bomb, Rod, Cane, Key", "version": "v"}}}})))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/3_1_0/options/"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_string(r#"<input type="hidden" name="csrfmiddlewaretoken" value="tok">"#),
        )
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/3_1_0/generate-rom/"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_string(r#"<a href="/share/xyz">Seed share link</a>"#),
        )
        .mount(&server)
        .await;
    let rom = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(rom.path(), b"CTROM").unwrap();

    let smz3 = Preset::from_yaml(
        Game::Smz3,
        "normal",
        "settings: {smlogic: normal, goal: defeatboth}\n",
    )
    .unwrap();
    let (smz3_request, _) = build_samus_request(&smz3, true, false, &mut PyRandom::new(1)).unwrap();
    let long_name = "a_very_long_preset_name_that_does_not_fit_in_forty_five_chars";
    let avianart = Preset::from_yaml(
        Game::Alttpr,
        long_name,
        "avianart: true\nsettings: {preset: kaesden/cabookey}\n",
    )
    .unwrap();
    let avianart_request =
        build_request(&avianart, &AlttprOptions::default(), &mut PyRandom::new(1)).unwrap();
    let ctjets_request = ProviderRequest::CtJets {
        settings: json!({"difficulty": "normal"}),
        version: "3.1.0".into(),
    };
    let ctjets_audit = GenerationAudit {
        randomizer: "ctjets".into(),
        gentype: "preset".into(),
        genoption: Some("standard".into()),
        customizer: false,
        doors: None,
        avianart: None,
    };

    for db in TestDb::all().await {
        migrate(db.conn()).await.expect("migrate");
        let mut cfg = config(&server);
        cfg.ctjets_rom = rom.path().to_path_buf();
        let seedgen = Seedgen::new(cfg, Some(db.conn().clone()), None).unwrap();
        seedgen
            .generate(&smz3_request, Some(&smz3.audit()), None)
            .await
            .unwrap();
        seedgen
            .generate(&avianart_request, Some(&avianart.audit()), None)
            .await
            .unwrap();
        seedgen
            .generate(&ctjets_request, Some(&ctjets_audit), None)
            .await
            .unwrap();
        // No audit given: nothing written (e.g. multiworld).
        seedgen.generate(&smz3_request, None, None).await.unwrap();

        let rows = audit_generated_games::Entity::find()
            .all(db.conn())
            .await
            .unwrap();
        let name = db.name();
        assert_eq!(rows.len(), 3, "{name}");
        assert_eq!(rows[0].randomizer.as_deref(), Some("smz3"));
        assert_eq!(rows[0].hash_id.as_deref(), Some("ASNFZ4mrze8BI0VniavN7w"));
        assert_eq!(rows[0].customizer, Some(0));
        assert_eq!(rows[1].hash_id.as_deref(), Some("avi1"));
        assert!(rows[1].avianart, "{name}");
        assert_eq!(
            rows[1].genoption.as_deref(),
            Some(&long_name[..45]),
            "{name}"
        );
        assert_eq!(
            rows[1].settings,
            Some(json!({"preset": "kaesden/cabookey"}))
        );
        assert_eq!(rows[2].randomizer.as_deref(), Some("ctjets"));
        assert_eq!(rows[2].hash_id, None);
        assert_eq!(
            rows[2].permalink.as_deref(),
            Some("http://www.ctjot.com/share/xyz")
        );
    }
}
