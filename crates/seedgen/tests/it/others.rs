//! VARIA, DASH, CTJets, OoTR and BingoSync against a wiremock server: the requests each
//! one sends, what it reads back, and the contract's retry rules.

use crate::common;

use common::{config, ctx, received, too_slow};
use sahasrahbot_seedgen::providers::bingosync::{BingoCard, BingoSyncProvider};
use sahasrahbot_seedgen::providers::ctjets::{CtJetsProvider, CtJetsRequest};
use sahasrahbot_seedgen::providers::dash::{DashProvider, DashRequest, FALLBACK_MODES};
use sahasrahbot_seedgen::providers::ootr::{OotrProvider, OotrRequest};
use sahasrahbot_seedgen::providers::varia::{VariaProvider, VariaRequest};
use sahasrahbot_seedgen::{Error, ProviderContext, SeedProvider};
use serde_json::json;
use wiremock::matchers::{body_json, body_string_contains, header, method, path, query_param};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

fn form(request: &Request) -> Vec<(String, String)> {
    url::form_urlencoded::parse(&request.body)
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

fn field<'a>(fields: &'a [(String, String)], key: &str) -> Option<&'a str> {
    fields
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
}

// ---------------------------------------------------------------------------- VARIA

async fn mount_varia_presets(server: &MockServer) {
    Mock::given(method("POST"))
        .and(path("/randoPresetWebService"))
        .and(body_string_contains("randoPreset=default"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "majorsSplit": "Full", "areaRandomization": "off", "startLocation": ["Landing Site"],
            "nested": {"a": "1", "b": "2"}})))
        .mount(server)
        .await;
    Mock::given(method("POST"))
        .and(path("/randoPresetWebService"))
        .and(body_string_contains("randoPreset=Season_Races"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "majorsSplit": "Major", "nested": {"b": "3"}})))
        .mount(server)
        .await;
    Mock::given(method("POST"))
        .and(path("/randoPresetWebService"))
        .respond_with(ResponseTemplate::new(400))
        .mount(server)
        .await;
    Mock::given(method("POST"))
        .and(path("/presetWebService"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"Knows": {"Wall": [true, 1]}})),
        )
        .mount(server)
        .await;
}

#[tokio::test]
async fn varia_merges_presets_and_posts_the_form() {
    let server = MockServer::start().await;
    mount_varia_presets(&server).await;
    Mock::given(method("POST"))
        .and(path("/randomizerWebService"))
        .respond_with(ResponseTemplate::new(200).set_body_json(
            json!({"seedKey": "0123456789ABCDEF0123456789ABCDEF", "errorMsg": "warning: x"}),
        ))
        .mount(&server)
        .await;
    let request = VariaRequest {
        settings_preset: "Season_Races".into(),
        skills_preset: "regular".into(),
        race: true,
        settings: Some(
            json!({"areaRandomization": "full", "startLocation": ["Landing Site", "Ceres"]})
                .as_object()
                .cloned()
                .unwrap(),
        ),
    };
    let seed = VariaProvider::new(ctx(&server))
        .generate(&request, None)
        .await
        .unwrap();
    assert_eq!(
        seed.url,
        format!(
            "{}/customizer/01234567-89ab-cdef-0123-456789abcdef",
            server.uri()
        )
    );
    assert_eq!(seed.data["errorMsg"], "warning: x");
    let requests = server.received_requests().await.unwrap();
    let sent = form(requests.last().unwrap());
    assert_eq!(field(&sent, "majorsSplit"), Some("Major"));
    assert_eq!(field(&sent, "areaRandomization"), Some("full"));
    assert_eq!(field(&sent, "startLocation"), Some("Landing Site,Ceres"));
    assert_eq!(field(&sent, "raceMode"), Some("on"));
    assert_eq!(field(&sent, "preset"), Some("regular"));
    assert_eq!(field(&sent, "complexity"), Some("advanced"));
    assert_eq!(field(&sent, "seed"), Some("0"));
    assert_eq!(
        field(&sent, "paramsFileTarget"),
        Some(r#"{"Knows": {"Wall": [true, 1]}}"#)
    );
    assert_eq!(requests.len(), 4);
}

#[tokio::test]
async fn varia_unknown_preset_and_generator_errors() {
    let server = MockServer::start().await;
    mount_varia_presets(&server).await;
    let request = VariaRequest {
        settings_preset: "nope".into(),
        skills_preset: "regular".into(),
        race: false,
        settings: None,
    };
    let err = VariaProvider::new(ctx(&server))
        .generate(&request, None)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::InvalidRequest(_)), "{err}");
    assert_eq!(err.failure().unwrap().operation, "settings_preset");

    let server = MockServer::start().await;
    mount_varia_presets(&server).await;
    Mock::given(method("POST"))
        .and(path("/randomizerWebService"))
        .respond_with(ResponseTemplate::new(500))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/randomizerWebService"))
        .respond_with(ResponseTemplate::new(200).set_body_string("Error: no solution"))
        .mount(&server)
        .await;
    let request = VariaRequest {
        settings_preset: "default".into(),
        ..request
    };
    let err = VariaProvider::new(ctx(&server))
        .generate(&request, None)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::ResponseFormat(_)), "{err}");
    assert!(err.to_string().contains("Error: no solution"));
    // default preset, skills, generate twice (500 retried, then the unreadable answer once).
    assert_eq!(received(&server).await, 4);
}

// ---------------------------------------------------------------------------- DASH

#[tokio::test]
async fn dash_reads_the_seed_url_from_a_307_body() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/generate/classic_mm"))
        .and(query_param("race", "1"))
        .and(query_param("spoiler", "1"))
        .respond_with(
            ResponseTemplate::new(307)
                .insert_header("location", "/seed/abc123")
                .set_body_string("https://www.dashrando.net/seed/abc123"),
        )
        .mount(&server)
        .await;
    let seed = DashProvider::new(ctx(&server))
        .unwrap()
        .generate(
            &DashRequest {
                spoiler: true,
                ..DashRequest::default()
            },
            None,
        )
        .await
        .unwrap();
    assert_eq!(seed.url, "https://www.dashrando.net/seed/abc123");
    assert_eq!(seed.hash_or_id, "abc123");
    assert_eq!(seed.spoiler_url.as_deref(), Some(seed.url.as_str()));
    assert_eq!(received(&server).await, 1, "the redirect was not followed");
}

#[tokio::test]
async fn dash_errors_and_retries() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/generate/recall"))
        .respond_with(ResponseTemplate::new(200).set_body_string("bad mode"))
        .mount(&server)
        .await;
    let p = DashProvider::new(ctx(&server)).unwrap();
    let req = DashRequest {
        mode: "recall".into(),
        spoiler: false,
    };
    let err = p.generate(&req, None).await.unwrap_err();
    assert_eq!(
        err.to_string(),
        "dash: Could not generate smdash seed: bad mode"
    );
    assert_eq!(received(&server).await, 1);

    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(500))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(307).set_body_string("https://d/seed/x"))
        .mount(&server)
        .await;
    let seed = DashProvider::new(ctx(&server))
        .unwrap()
        .generate(&req, None)
        .await
        .unwrap();
    assert_eq!(seed.provider_meta.attempt_count, 2);

    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(404))
        .mount(&server)
        .await;
    let err = DashProvider::new(ctx(&server))
        .unwrap()
        .generate(&req, None)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::InvalidRequest(_)));
    assert_eq!(received(&server).await, 1);
}

#[tokio::test]
async fn dash_presets_and_their_fallback() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/presets"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"data": [{"tags": ["classic", "x"]}, {"tags": ["sgl24"]}]})),
        )
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/presets"))
        .respond_with(ResponseTemplate::new(200).set_body_string("nope"))
        .mount(&server)
        .await;
    let p = DashProvider::new(ctx(&server)).unwrap();
    assert_eq!(p.presets(None).await, ["classic", "sgl24"]);
    assert_eq!(p.presets(None).await, FALLBACK_MODES);
}

// ---------------------------------------------------------------------------- CTJets

async fn mount_ctjets(server: &MockServer, answer: &str) {
    Mock::given(method("GET"))
        .and(path("/3_1_0/options/"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("set-cookie", "csrftoken=cookie123; Path=/")
                .set_body_string(
                    r#"<form><input type="hidden" name="csrfmiddlewaretoken" value="tok456"></form>"#,
                ),
        )
        .mount(server)
        .await;
    Mock::given(method("POST"))
        .and(path("/3_1_0/generate-rom/"))
        .and(header("cookie", "csrftoken=cookie123"))
        .respond_with(ResponseTemplate::new(200).set_body_string(answer))
        .mount(server)
        .await;
}

#[tokio::test]
async fn ctjets_posts_the_form_with_token_cookie_referer_and_rom() {
    let server = MockServer::start().await;
    mount_ctjets(
        &server,
        r#"<p>Done</p><a href="/share/AbCdE">Seed share link</a>"#,
    )
    .await;
    let rom = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(rom.path(), b"CHRONO-ROM-BYTES").unwrap();
    let mut cfg = config(&server);
    cfg.ctjets_rom = rom.path().to_path_buf();
    let p = CtJetsProvider::new(ProviderContext::new(cfg).unwrap());
    let seed = p
        .generate(
            &CtJetsRequest {
                settings: json!({"difficulty": "normal", "disable_glitches": "on"}),
                version: "3.1.0".into(),
            },
            None,
        )
        .await
        .unwrap();
    assert_eq!(seed.url, "http://www.ctjot.com/share/AbCdE");
    assert_eq!(seed.hash_or_id, "AbCdE");
    let requests = server.received_requests().await.unwrap();
    let post = &requests[1];
    assert_eq!(
        post.headers.get("referer").unwrap().to_str().unwrap(),
        format!("{}/3_1_0/options/", server.uri())
    );
    let body = String::from_utf8_lossy(&post.body);
    let order: Vec<usize> = [
        "name=\"csrfmiddlewaretoken\"\r\n\r\ntok456",
        "name=\"seed\"\r\n\r\n\r\n",
        "name=\"difficulty\"\r\n\r\nnormal",
        "name=\"disable_glitches\"\r\n\r\non",
        "filename=\"rom_file\"",
        "CHRONO-ROM-BYTES",
    ]
    .iter()
    .map(|needle| {
        body.find(needle)
            .unwrap_or_else(|| panic!("{needle} in {body}"))
    })
    .collect();
    assert!(
        order.windows(2).all(|w| w[0] < w[1]),
        "fields in order: {order:?}"
    );
}

#[tokio::test]
async fn ctjets_missing_rom_and_missing_link() {
    let server = MockServer::start().await;
    mount_ctjets(&server, "<p>Something went wrong</p>").await;
    let mut cfg = config(&server);
    cfg.ctjets_rom = "/nonexistent/ct.sfc".into();
    let err = CtJetsProvider::new(ProviderContext::new(cfg.clone()).unwrap())
        .generate(
            &CtJetsRequest {
                settings: json!({}),
                version: "3_1_0".into(),
            },
            None,
        )
        .await
        .unwrap_err();
    assert!(matches!(err, Error::NotInstalled { .. }), "{err}");
    assert_eq!(received(&server).await, 0);

    let rom = tempfile::NamedTempFile::new().unwrap();
    cfg.ctjets_rom = rom.path().to_path_buf();
    let err = CtJetsProvider::new(ProviderContext::new(cfg).unwrap())
        .generate(
            &CtJetsRequest {
                settings: json!({}),
                version: "3_1_0".into(),
            },
            None,
        )
        .await
        .unwrap_err();
    assert!(matches!(err, Error::ResponseFormat(_)), "{err}");
    assert_eq!(received(&server).await, 2);
}

// ---------------------------------------------------------------------------- OoTR

#[tokio::test]
async fn ootr_sends_key_version_encrypt_and_settings() {
    let server = MockServer::start().await;
    let settings = json!({"world_count": 1, "create_spoiler": true});
    Mock::given(method("POST"))
        .and(path("/api/sglive/seed/create"))
        .and(query_param("key", "secret-key"))
        .and(query_param("version", "devSGLive22_8.1.49-40"))
        .and(query_param("encrypt", "true"))
        .and(body_json(&settings))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"id": 1234567, "version": "8.1.49"})),
        )
        .mount(&server)
        .await;
    let mut cfg = config(&server);
    cfg.ootr_api_key = sahasrahbot_core::config::Secret::new("secret-key");
    let seed = OotrProvider::new(ProviderContext::new(cfg).unwrap())
        .generate(
            &OotrRequest {
                settings,
                version: "devSGLive22_8.1.49-40".into(),
                encrypt: true,
            },
            None,
        )
        .await
        .unwrap();
    assert_eq!(seed.url, "https://ootrandomizer.com/seed/get?id=1234567");
    assert_eq!(seed.hash_or_id, "1234567");
}

#[tokio::test]
async fn ootr_contract_rules() {
    let request = OotrRequest {
        settings: json!({}),
        version: "6.1.0".into(),
        encrypt: false,
    };
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(403).set_body_string("invalid key"))
        .mount(&server)
        .await;
    let err = OotrProvider::new(ctx(&server))
        .generate(&request, None)
        .await
        .unwrap_err();
    assert_eq!(err.to_string(), "ootr: HTTP 403: invalid key");
    assert_eq!(received(&server).await, 1);

    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"id": 1}))
                .set_delay(too_slow()),
        )
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"id": 2})))
        .mount(&server)
        .await;
    let seed = OotrProvider::new(ctx(&server))
        .generate(&request, None)
        .await
        .unwrap();
    assert_eq!(seed.hash_or_id, "2");
    assert_eq!(seed.provider_meta.attempt_count, 2);
}

// ---------------------------------------------------------------------------- BingoSync

#[tokio::test]
async fn bingosync_creates_a_room_and_deals_a_card() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("set-cookie", "csrftoken=c1; Path=/")
                .set_body_string(r#"<input name="csrfmiddlewaretoken" type="hidden" value="t1">"#),
        )
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/"))
        .and(header("cookie", "csrftoken=c1"))
        .and(header("origin", server.uri().as_str()))
        .respond_with(
            ResponseTemplate::new(302)
                .insert_header("location", "/room/Rm0ABCdef")
                .insert_header("set-cookie", "sessionid=s1; Path=/"),
        )
        .mount(&server)
        .await;
    Mock::given(method("PUT"))
        .and(path("/api/new-card"))
        .and(body_json(
            json!({"hide_card": true, "game_type": "18", "variant_type": "18",
            "custom_json": "", "lockout_mode": "1", "seed": "", "room": "Rm0ABCdef"}),
        ))
        .respond_with(ResponseTemplate::new(200).set_body_string("ok"))
        .mount(&server)
        .await;
    let p = BingoSyncProvider::new(ctx(&server)).unwrap();
    let card = BingoCard {
        game_type: "18".into(),
        variant_type: Some("18".into()),
        ..BingoCard::default()
    };
    let room = p
        .create_room("SpeedGaming Race", "pass123", &card, None)
        .await
        .unwrap();
    assert_eq!(room.room_id, "Rm0ABCdef");
    assert_eq!(room.password, "pass123");
    assert_eq!(room.url, format!("{}/room/Rm0ABCdef", server.uri()));
    let requests = server.received_requests().await.unwrap();
    let sent = form(&requests[1]);
    assert_eq!(field(&sent, "csrfmiddlewaretoken"), Some("t1"));
    assert_eq!(field(&sent, "nickname"), Some("SahasrahBot"));
    assert_eq!(field(&sent, "passphrase"), Some("pass123"));
    assert_eq!(field(&sent, "hide_card"), Some("on"));
    assert_eq!(field(&sent, "is_spectator"), Some("on"));

    assert_eq!(p.new_card(&room.room_id, &card, None).await.unwrap(), "ok");
    let requests = server.received_requests().await.unwrap();
    let cookie = requests[2].headers.get("cookie").unwrap().to_str().unwrap();
    assert!(
        cookie.contains("sessionid=s1"),
        "room session kept: {cookie}"
    );
}

#[tokio::test]
async fn bingosync_without_redirect_or_token_fails_clearly() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_string(r#"<input name="csrfmiddlewaretoken" value="t">"#),
        )
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_string("form errors"))
        .mount(&server)
        .await;
    let p = BingoSyncProvider::new(ctx(&server)).unwrap();
    let err = p
        .create_room("r", "p", &BingoCard::default(), None)
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "bingosync: Unable to create BingoSync room!"
    );

    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_string("<html></html>"))
        .mount(&server)
        .await;
    let err = BingoSyncProvider::new(ctx(&server))
        .unwrap()
        .create_room("r", "p", &BingoCard::default(), None)
        .await
        .unwrap_err();
    assert_eq!(err.to_string(), "bingosync: Unable to acquire CSRF token");
    assert_eq!(received(&server).await, 1);
}
