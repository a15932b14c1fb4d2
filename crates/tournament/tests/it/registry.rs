//! The tournament registry (`tournament.md` §4; parity rows P1, P2): the built-in fallback,
//! the v1 YAML loader with every validation rule in order, profile selection, the
//! per-event `config:` block, and the upstream `config/tournaments.yaml` loading unchanged.

use std::path::PathBuf;

use sahasrahbot_core::config::Config;
use sahasrahbot_tournament::registry::{Profile, Registry, Source, fallback};
use sahasrahbot_tournament::title_map::TitleMap;
use sahasrahbot_tournament::{EventDefinition, HandlerKind};

const PRODUCTION: [&str; 5] = ["alttpr", "alttprdaily", "smz3", "invleague", "alttprleague"];

fn problems(r: &Registry) -> Vec<String> {
    r.problems().iter().map(ToString::to_string).collect()
}

/// A v1 document with these event lists (YAML block sequences, indented by 6).
fn doc(debug: &str, production: &str) -> String {
    format!(
        "version: 1\nprofiles:\n  debug:\n    events:\n{debug}\n  production:\n    events:\n{production}\n"
    )
}

fn event(slug: &str, handler: &str, enabled: &str) -> String {
    format!("      - event_slug: {slug}\n        handler: {handler}\n        enabled: {enabled}\n")
}

const TEST_EVENT: &str = "      - {event_slug: test, handler: test, enabled: true}";

// ---------------------------------------------------------------- P1: built-in fallback

#[test]
fn builtin_registry_is_the_production_set_or_test_in_order() {
    let prod = Registry::builtin(Profile::Production);
    assert_eq!(prod.slugs(), PRODUCTION);
    assert_eq!(prod.source(), &Source::Builtin);
    assert!(prod.problems().is_empty());
    let debug = Registry::builtin(Profile::Debug);
    assert_eq!(debug.slugs(), ["test"]);
    // Each event runs its catalog handler with the built-in definition.
    for def in prod.events().iter().chain(debug.events()) {
        let kind = HandlerKind::from_id(&def.event_slug).unwrap();
        assert_eq!(def, &kind.default_definition(&def.event_slug));
    }
    assert_eq!(
        fallback(Profile::Production),
        [
            HandlerKind::AlttprQualifier,
            HandlerKind::AlttprDaily,
            HandlerKind::Smz3Weekly,
            HandlerKind::InvLeague,
            HandlerKind::AlttprLeague
        ]
    );
}

#[test]
fn from_config_uses_the_builtin_registry_unless_the_file_is_enabled() {
    let mut config = Config::default();
    assert!(!config.tournament.config_enabled);
    assert_eq!(Registry::from_config(&config).slugs(), PRODUCTION);
    config.debug = true;
    assert_eq!(Registry::from_config(&config).slugs(), ["test"]);

    // The file is read only when enabled; a missing file is a reported problem, no events.
    config.debug = false;
    config.tournament.registry_file = PathBuf::from("/nonexistent/tournaments.yaml");
    assert_eq!(Registry::from_config(&config).slugs(), PRODUCTION);
    config.tournament.config_enabled = true;
    let r = Registry::from_config(&config);
    assert!(r.is_failed());
    assert!(r.events().is_empty());
    assert_eq!(
        problems(&r),
        ["config file not found: /nonexistent/tournaments.yaml"]
    );
}

#[test]
fn from_config_reads_the_file_for_the_debug_flag_profile() {
    let path =
        std::env::temp_dir().join(format!("sahasrahbot-registry-{}.yaml", std::process::id()));
    let text = doc(
        TEST_EVENT,
        &(event("smz3", "smz3", "true") + &event("alttprde", "alttprde", "true")),
    );
    std::fs::write(&path, text).unwrap();
    let mut config = Config::default();
    config.tournament.config_enabled = true;
    config.tournament.registry_file = path.clone();
    let r = Registry::from_config(&config);
    assert_eq!(r.slugs(), ["smz3", "alttprde"]);
    assert_eq!(r.source(), &Source::File(Some(path.clone())));
    assert_eq!(r.profile(), Profile::Production);
    config.debug = true;
    assert_eq!(Registry::from_config(&config).slugs(), ["test"]);
    std::fs::remove_file(path).unwrap();
}

// ---------------------------------------------------------------- P2: file-level rules

#[test]
fn file_level_problems_leave_the_registry_empty() {
    let valid_profiles = format!(
        "profiles:\n  debug:\n    events: []\n  production:\n    events:\n{}",
        event("alttpr", "alttpr", "true")
    );
    let cases: Vec<(&str, String, &str)> = vec![
        ("empty file", String::new(), "config file is empty"),
        (
            "only a comment",
            "# nothing here\n".into(),
            "config file is empty",
        ),
        ("explicit null", "~\n".into(), "config file is empty"),
        (
            "top-level list",
            "- version\n- profiles\n".into(),
            "the document must be a mapping with 'version' and 'profiles', not a list",
        ),
        (
            "top-level scalar",
            "tournaments\n".into(),
            "the document must be a mapping with 'version' and 'profiles', not the string \"tournaments\"",
        ),
        (
            "no version",
            valid_profiles.clone(),
            "missing required key: 'version'",
        ),
        (
            "no version, no profiles",
            "foo: 1\n".into(),
            "missing required key: 'version'",
        ),
        (
            "no profiles",
            "version: 1\n".into(),
            "missing required key: 'profiles'",
        ),
        (
            "string version",
            format!("version: '1'\n{valid_profiles}"),
            "'version' must be an integer, not the string \"1\"",
        ),
        (
            "boolean version (accepted by the original)",
            format!("version: true\n{valid_profiles}"),
            "'version' must be an integer, not the boolean true",
        ),
        (
            "YAML 1.1 boolean version",
            format!("version: on\n{valid_profiles}"),
            "'version' must be an integer, not the boolean true",
        ),
        (
            "float version",
            format!("version: 1.0\n{valid_profiles}"),
            "'version' must be an integer, not the number 1",
        ),
        (
            "version 2",
            format!("version: 2\n{valid_profiles}"),
            "unsupported config version: 2 (expected 1)",
        ),
        (
            "profiles is a list",
            "version: 1\nprofiles: [debug, production]\n".into(),
            "'profiles' must be a mapping, not a list",
        ),
        (
            "no debug profile",
            "version: 1\nprofiles:\n  production:\n    events: []\n".into(),
            "missing required profile: 'debug'",
        ),
        (
            "no production profile",
            "version: 1\nprofiles:\n  debug:\n    events: []\n".into(),
            "missing required profile: 'production'",
        ),
    ];
    for (name, yaml, expected) in cases {
        let r = Registry::from_yaml(&yaml, Profile::Production);
        assert!(r.is_failed(), "{name}");
        assert!(r.events().is_empty(), "{name}");
        assert_eq!(problems(&r), [expected], "{name}");
    }
}

#[test]
fn a_yaml_syntax_error_is_reported() {
    let r = Registry::from_yaml("version: 1\nprofiles: [\n", Profile::Production);
    assert!(r.is_failed());
    let p = problems(&r);
    assert_eq!(p.len(), 1);
    assert!(p[0].starts_with("YAML parse error: "), "{p:?}");
}

// ---------------------------------------------------------------- P2: profile-level rules

#[test]
fn profile_level_problems_drop_only_that_profile() {
    let with_production = |production: &str| {
        format!(
            "version: 1\nprofiles:\n  debug:\n    events:\n{TEST_EVENT}\n  production:{production}\n"
        )
    };
    let cases = [
        (
            " []",
            "profile 'production': the profile must be a mapping, not a list",
        ),
        (
            " {}",
            "profile 'production': missing required key: 'events'",
        ),
        (
            "\n    events: {}",
            "profile 'production', field 'events': must be a list, not a mapping",
        ),
        (
            "\n    events:",
            "profile 'production', field 'events': must be a list, not null",
        ),
    ];
    for (body, expected) in cases {
        let yaml = with_production(body);
        let prod = Registry::from_yaml(&yaml, Profile::Production);
        assert!(prod.is_failed(), "{body}");
        assert!(prod.events().is_empty(), "{body}");
        assert_eq!(problems(&prod), [expected], "{body}");
        // The other profile still loads, and the problem is still reported.
        let debug = Registry::from_yaml(&yaml, Profile::Debug);
        assert!(!debug.is_failed(), "{body}");
        assert_eq!(debug.slugs(), ["test"], "{body}");
        assert_eq!(problems(&debug), [expected], "{body}");
    }
}

#[test]
fn extra_profiles_are_validated_but_never_selected() {
    let yaml = format!(
        "{}  staging:\n    events:\n{}",
        doc(TEST_EVENT, &event("alttpr", "alttpr", "true")),
        event("smrl", "nosuchhandler", "true")
    );
    let r = Registry::from_yaml(&yaml, Profile::Production);
    assert_eq!(r.slugs(), ["alttpr"]);
    assert!(!r.is_failed());
    assert_eq!(r.problems().len(), 1);
    assert_eq!(r.problems()[0].profile.as_deref(), Some("staging"));
}

// ---------------------------------------------------------------- P2: event-level rules

/// Each case: the production events after a valid first event `alttpr` (index 0) and
/// before a valid last event `smz3`; the problem expected for the bad one.
#[test]
fn event_level_problems_skip_only_that_event_in_rule_order() {
    let cases: Vec<(&str, String, &str)> = vec![
        (
            "not a mapping",
            "      - alttprdaily\n".into(),
            "profile 'production', event at index 1: the event must be a mapping, not the string \"alttprdaily\"",
        ),
        (
            "no event_slug",
            "      - {handler: boots, enabled: true}\n".into(),
            "profile 'production', event at index 1, field 'event_slug': missing required field",
        ),
        (
            "no handler",
            "      - {event_slug: boots, enabled: true}\n".into(),
            "profile 'production', event at index 1 ('boots'), field 'handler': missing required field",
        ),
        (
            "no enabled",
            "      - {event_slug: boots, handler: boots}\n".into(),
            "profile 'production', event at index 1 ('boots'), field 'enabled': missing required field",
        ),
        (
            "missing fields are checked in order",
            "      - {enabled: maybe}\n".into(),
            "profile 'production', event at index 1, field 'event_slug': missing required field",
        ),
        (
            "empty event_slug",
            "      - {event_slug: '', handler: boots, enabled: true}\n".into(),
            "profile 'production', event at index 1, field 'event_slug': must be a non-empty string, not an empty string",
        ),
        (
            "integer event_slug",
            "      - {event_slug: 2024, handler: boots, enabled: true}\n".into(),
            "profile 'production', event at index 1, field 'event_slug': must be a non-empty string, not the integer 2024",
        ),
        (
            "null handler",
            "      - {event_slug: boots, handler: ~, enabled: true}\n".into(),
            "profile 'production', event at index 1 ('boots'), field 'handler': must be a non-empty string, not null",
        ),
        (
            "quoted yes is not a boolean",
            "      - {event_slug: boots, handler: boots, enabled: 'yes'}\n".into(),
            "profile 'production', event at index 1 ('boots'), field 'enabled': must be a boolean (true or false), not the string \"yes\"",
        ),
        (
            "integer enabled",
            "      - {event_slug: boots, handler: boots, enabled: 1}\n".into(),
            "profile 'production', event at index 1 ('boots'), field 'enabled': must be a boolean (true or false), not the integer 1",
        ),
        (
            "duplicate slug",
            event("alttpr", "alttprleague", "true"),
            "profile 'production', event at index 1 ('alttpr'), field 'event_slug': duplicate event_slug 'alttpr' (already used by the event at index 0)",
        ),
        (
            "non-string notes",
            "      - {event_slug: boots, handler: boots, enabled: true, notes: 5}\n".into(),
            "profile 'production', event at index 1 ('boots'), field 'notes': must be a string or null, not the integer 5",
        ),
        (
            "list notes",
            "      - {event_slug: boots, handler: boots, enabled: true, notes: [a]}\n".into(),
            "profile 'production', event at index 1 ('boots'), field 'notes': must be a string or null, not a list",
        ),
        (
            "unknown handler",
            event("alttprcd", "alttprcd", "true"),
            "profile 'production', event at index 1 ('alttprcd'), field 'handler': unknown handler 'alttprcd'. Available handlers: alttpr, alttprdaily, alttprde, alttprhmg, alttprleague, alttprmini, boots, invleague, nologic, smrl, smwde, smz3, test",
        ),
        (
            "schema rules come before the handler reference",
            "      - {event_slug: x, handler: nope, enabled: true, notes: 1}\n".into(),
            "profile 'production', event at index 1 ('x'), field 'notes': must be a string or null, not the integer 1",
        ),
        (
            "a disabled event is validated too",
            event("sgl", "sglive", "false"),
            "profile 'production', event at index 1 ('sgl'), field 'handler': unknown handler 'sglive'. Available handlers: alttpr, alttprdaily, alttprde, alttprhmg, alttprleague, alttprmini, boots, invleague, nologic, smrl, smwde, smz3, test",
        ),
        (
            "config must be a mapping",
            "      - {event_slug: boots, handler: boots, enabled: true, config: [1]}\n".into(),
            "profile 'production', event at index 1 ('boots'), field 'config': must be a mapping, not a list",
        ),
    ];
    for (name, bad, expected) in cases {
        let production = format!(
            "{}{bad}{}",
            event("alttpr", "alttpr", "true"),
            event("smz3", "smz3", "true")
        );
        let r = Registry::from_yaml(&doc(TEST_EVENT, &production), Profile::Production);
        assert!(!r.is_failed(), "{name}");
        assert_eq!(r.slugs(), ["alttpr", "smz3"], "{name}");
        assert_eq!(problems(&r), [expected], "{name}");
        let p = &r.problems()[0];
        assert_eq!(p.event.as_ref().map(|e| e.index), Some(1), "{name}");
    }
}

#[test]
fn valid_variants_are_accepted() {
    let production = [
        // YAML 1.1 booleans, as PyYAML reads them.
        "      - {event_slug: alttpr, handler: alttpr, enabled: yes}",
        "      - {event_slug: boots, handler: boots, enabled: off}",
        // Null and missing notes; unknown event keys are ignored, as in the original.
        "      - {event_slug: smz3, handler: smz3, enabled: True, notes: ~, owner: synack}",
        // One handler may serve several slugs.
        "      - {event_slug: invleague, handler: invleague, enabled: true, notes: \"Invitational\"}",
        "      - {event_slug: openleague2, handler: alttprleague, enabled: true}",
        "      - {event_slug: alttprleague, handler: alttprleague, enabled: true}",
    ]
    .join("\n");
    let r = Registry::from_yaml(&doc(TEST_EVENT, &production), Profile::Production);
    assert!(r.problems().is_empty(), "{:?}", problems(&r));
    assert_eq!(
        r.slugs(),
        ["alttpr", "smz3", "invleague", "openleague2", "alttprleague"]
    );
    assert_eq!(r.disabled(), ["boots"]);
    let second = r.get("openleague2").unwrap();
    assert_eq!(second.handler, HandlerKind::AlttprLeague);
    assert_eq!(second.event_slug, "openleague2");
    assert!(r.get("boots").is_none());
}

#[test]
fn profile_selection_and_file_order() {
    let production = event("alttprleague", "alttprleague", "true")
        + &event("nologic", "nologic", "false")
        + &event("alttpr", "alttpr", "true")
        + &event("smwde", "smwde", "true");
    let debug = event("test", "test", "true") + &event("alttprdaily", "alttprdaily", "true");
    let yaml = doc(&debug, &production);
    let prod = Registry::from_yaml(&yaml, Profile::Production);
    assert_eq!(prod.slugs(), ["alttprleague", "alttpr", "smwde"]);
    assert_eq!(prod.disabled(), ["nologic"]);
    let dbg = Registry::from_yaml(&yaml, Profile::Debug);
    assert_eq!(dbg.slugs(), ["test", "alttprdaily"]);
    assert!(dbg.summary().contains("profile=debug"));
    assert!(
        dbg.summary()
            .ends_with("enabled_event_slugs=[test, alttprdaily]")
    );
}

#[test]
fn empty_event_lists_are_valid() {
    let r = Registry::from_yaml(
        "version: 1\nprofiles:\n  debug: {events: []}\n  production: {events: []}\n",
        Profile::Production,
    );
    assert!(!r.is_failed());
    assert!(r.problems().is_empty());
    assert!(r.events().is_empty());
}

// ---------------------------------------------------------------- the config: block

#[test]
fn config_block_overrides_the_builtin_definition() {
    let production = [
        r#"      - event_slug: alttprde"#,
        r#"        handler: alttprde"#,
        r#"        enabled: true"#,
        r#"        config:"#,
        r#"          guild_id: "469300113290821999""#,
        r#"          audit_channel: null"#,
        r#"          commentary_channel: 1234"#,
        r#"          announce_channel: 55"#,
        r#"          announce_role: '66'"#,
        r#"          helper_roles: [1, "2"]"#,
        r#"          racetime_goal: Beat the game - Tournament (Solo)"#,
        r#"          racetime_category: alttpr"#,
        r#"          lang: en"#,
        r#"          coop: yes"#,
        r#"          create_scheduled_events: false"#,
        r#"          scheduling_needs_channel: 77"#,
        r#"          scheduling_needs_tracker: true"#,
        r#"          stream_delay: 0"#,
        r#"          room_open_time: 50"#,
        r#"          title_map:"#,
        r#"            Open: open"#,
        r#"            ' Keysanity ': keysanity"#,
        r#"      - event_slug: alttpr"#,
        r#"        handler: alttpr"#,
        r#"        enabled: true"#,
        r#"        config: {}"#,
        r#"      - event_slug: smz3"#,
        r#"        handler: smz3"#,
        r#"        enabled: true"#,
        r#"        config: ~"#,
    ]
    .join("\n");
    let r = Registry::from_yaml(&doc(TEST_EVENT, &production), Profile::Production);
    assert!(r.problems().is_empty(), "{:?}", problems(&r));
    let de = r.get("alttprde").unwrap();
    let expected = EventDefinition {
        guild_id: 469_300_113_290_821_999,
        audit_channel: None,
        commentary_channel: Some(1234),
        announce_channel: Some(55),
        announce_role: Some(66),
        helper_roles: vec![1, 2],
        racetime_goal: "Beat the game - Tournament (Solo)".into(),
        racetime_category: "alttpr".into(),
        lang: "en".into(),
        coop: true,
        create_scheduled_events: false,
        scheduling_needs_channel: Some(77),
        scheduling_needs_tracker: true,
        stream_delay: 0,
        room_open_time: 50,
        title_map: Some(TitleMap::new([
            ("Open", "open"),
            ("Keysanity", "keysanity"),
        ])),
        ..HandlerKind::AlttprDe.default_definition("alttprde")
    };
    assert_eq!(de, &expected);
    assert_eq!(de.room_lead().num_minutes(), 50);
    // Empty and null blocks change nothing.
    assert_eq!(
        r.get("alttpr").unwrap(),
        &HandlerKind::AlttprQualifier.default_definition("alttpr")
    );
    assert_eq!(
        r.get("smz3").unwrap(),
        &HandlerKind::Smz3Weekly.default_definition("smz3")
    );
}

#[test]
fn config_block_problems_name_the_key() {
    let known = "known keys: racetime_category, racetime_goal, coop, lang, guild_id, audit_channel, commentary_channel, scheduling_needs_channel, scheduling_needs_tracker, announce_channel, announce_role, helper_roles, create_scheduled_events, stream_delay, room_open_time, title_map";
    let cases: Vec<(&str, String)> = vec![
        ("{guild: 1}", format!("field 'config.guild': unknown key; {known}")),
        ("{event_slug: other}", format!("field 'config.event_slug': unknown key; {known}")),
        ("{1: 2}", format!("field 'config.1': unknown key; {known}")),
        (
            "{guild_id: -5}",
            "field 'config.guild_id': must be a Discord id (a positive integer), not the integer -5".into(),
        ),
        (
            "{guild_id: null}",
            "field 'config.guild_id': must be a Discord id (a positive integer), not null".into(),
        ),
        (
            "{audit_channel: '12a'}",
            "field 'config.audit_channel': must be a Discord id (a positive integer) or null, not the string \"12a\"".into(),
        ),
        (
            "{helper_roles: 5}",
            "field 'config.helper_roles': must be a list of Discord ids, not the integer 5".into(),
        ),
        (
            "{helper_roles: [1, x]}",
            "field 'config.helper_roles': must be a list of Discord ids, not a list".into(),
        ),
        (
            "{stream_delay: '10'}",
            "field 'config.stream_delay': must be a whole number of minutes (0 or more), not the string \"10\"".into(),
        ),
        (
            "{room_open_time: -1}",
            "field 'config.room_open_time': must be a whole number of minutes (0 or more), not the integer -1".into(),
        ),
        (
            "{coop: 'true'}",
            "field 'config.coop': must be a boolean, not the string \"true\"".into(),
        ),
        (
            "{racetime_goal: ''}",
            "field 'config.racetime_goal': must be a non-empty string, not the string \"\"".into(),
        ),
        (
            "{title_map: {Open: 1}}",
            "field 'config.title_map': must be a mapping of mode names to preset names (strings), or null, not a mapping".into(),
        ),
        (
            "{lang: de, bogus: 1}",
            format!("field 'config.bogus': unknown key; {known}"),
        ),
    ];
    for (block, expected) in cases {
        let production = format!(
            "{}      - {{event_slug: boots, handler: boots, enabled: true, config: {block}}}\n",
            event("alttpr", "alttpr", "true")
        );
        let r = Registry::from_yaml(&doc(TEST_EVENT, &production), Profile::Production);
        assert_eq!(r.slugs(), ["alttpr"], "{block}");
        assert_eq!(
            problems(&r),
            [format!(
                "profile 'production', event at index 1 ('boots'), {expected}"
            )],
            "{block}"
        );
    }
}

// ---------------------------------------------------------------- the upstream file

#[allow(clippy::print_stderr)] // the skip reason must show in the test output
fn upstream_registry_file() -> Option<PathBuf> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/fixtures/upstream/config/tournaments.yaml");
    if path.is_file() {
        Some(path)
    } else {
        eprintln!(
            "skipping: {} is absent (the shared fixtures are not checked out)",
            path.display()
        );
        None
    }
}

#[test]
fn the_upstream_registry_file_loads_unchanged_and_matches_the_fallback() {
    let Some(path) = upstream_registry_file() else {
        return;
    };
    for profile in [Profile::Production, Profile::Debug] {
        let file = Registry::load_file(&path, profile);
        assert!(file.problems().is_empty(), "{:?}", problems(&file));
        let builtin = Registry::builtin(profile);
        // No drift: the file's enabled events are the built-in ones, in the same order
        // and with the same definitions.
        assert_eq!(file.events(), builtin.events(), "{profile}");
    }
    let prod = Registry::load_file(&path, Profile::Production);
    assert_eq!(
        prod.disabled(),
        [
            "boots",
            "nologic",
            "smwde",
            "alttprhmg",
            "alttprmini",
            "alttprde",
            "smrl"
        ]
    );
}

#[test]
fn every_catalog_handler_can_be_enabled_from_the_file() {
    let production: String = HandlerKind::ALL
        .iter()
        .map(|k| event(k.id(), k.id(), "true"))
        .collect();
    let r = Registry::from_yaml(&doc(TEST_EVENT, &production), Profile::Production);
    assert!(r.problems().is_empty(), "{:?}", problems(&r));
    assert_eq!(r.events().len(), HandlerKind::ALL.len());
    for (def, kind) in r.events().iter().zip(HandlerKind::ALL) {
        assert_eq!(def, &kind.default_definition(kind.id()));
    }
}
