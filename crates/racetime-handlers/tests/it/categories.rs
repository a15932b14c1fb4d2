//! Category command formats end to end (racetime.md §4 rows 20, 37–49 and the debug `test`
//! category).

use crate::common;

use common::Harness;
use sahasrahbot_racetime_handlers::categories::{
    Alttpr, Contra, CtJets, Ff1r, Smb3r, Smr, Smz3, Test, Z1r, Z2r, flags,
};
use sahasrahbot_racetime_handlers::core::texts;
use sahasrahbot_testkit::racetime::NewRace;
use serde_json::json;
use wiremock::matchers::{method, path, path_regex, query_param};
use wiremock::{Mock, ResponseTemplate};

fn seed_number(text: &str, prefix: &str) -> u64 {
    text.strip_prefix(prefix)
        .and_then(|rest| rest.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no seed number in {text:?}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn z1r_flags_race_and_presets() {
    let h = Harness::new("z1r").await;
    h.start::<Z1r>().await;
    let user = h.fake.add_user("runner", false);

    let room = h.open(NewRace::default()).await;
    h.wait_count(&room, 1).await; // core intro
    h.say(&room, &user, "!flags").await;
    h.wait_message(&room, "You must specify a set of flags!")
        .await;
    h.say(&room, &user, "!flags ABC123").await;
    h.wait_message(&room, texts::DONE).await;
    let msgs = h.messages(&room);
    let line = &msgs[2];
    let n = seed_number(line, "Seed: ");
    assert!(n <= 8_999_999_999_999_999_999);
    assert_eq!(line, &format!("Seed: {n} - Flags: ABC123"));
    assert_eq!(h.info_bot(&room), *line);

    let room = h.open(NewRace::default()).await;
    h.say(&room, &user, "!race").await;
    h.wait_message(&room, "No preset specified.").await;
    h.say(&room, &user, "!race nope").await;
    h.wait_message(&room, "Invalid preset specified.").await;
    h.say(&room, &user, "!race consternation").await;
    h.wait_message(&room, texts::DONE).await;
    let line = h
        .messages(&room)
        .into_iter()
        .find(|m| m.starts_with("consternation - Flags: "))
        .unwrap();
    let flags = "oIbnPfPb01Hll3D29Bc2!etrojQOSjJQZUJ3A";
    let n: u64 = line.rsplit("Seed: ").next().unwrap().parse().unwrap();
    assert_eq!(line, format!("consternation - Flags: {flags} Seed: {n}"));
    assert_eq!(h.info_bot(&room), format!("Flags: {flags} Seed: {n}"));
    assert_eq!(flags::Z1R_PRESETS.len(), 27);

    let room = h.open(NewRace::default()).await;
    h.say(&room, &user, "!ttp4").await;
    h.wait_message(&room, texts::DONE).await;
    assert!(h.messages(&room).iter().any(|m| m.starts_with("ttp4")));
    // Each ttp4 preset is its own command too (row 42).
    let room = h.open(NewRace::default()).await;
    h.say(&room, &user, "!ttp4hopla").await;
    h.wait_message(&room, texts::DONE).await;
    let line = h
        .messages(&room)
        .into_iter()
        .find(|m| m.starts_with("ttp4hopla - Flags: "))
        .unwrap();
    let n: u64 = line.rsplit("Seed: ").next().unwrap().parse().unwrap();
    assert_eq!(
        line,
        format!("ttp4hopla - Flags: oIbnRjuMUKqwdnOXzOMO7PuDtwAvU3boJnaXW Seed: {n}")
    );
    h.say(&room, &user, "!help").await;
    h.wait_message(&room, "Available commands:\n\"!race <preset>\" or \"!flags <flagstring>\" to generate a seed.  Check out https://sahasrahbot.synack.live/rtgg.html#the-legend-of-zelda-randomizer-z1r for more info.").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn z2r_flags_mrb_and_shortcuts() {
    let h = Harness::new("z2r").await;
    h.start::<Z2r>().await;
    let user = h.fake.add_user("runner", false);
    let room = h.open(NewRace::default()).await;
    h.say(&room, &user, "!mrb").await;
    h.wait_message(&room, texts::DONE).await;
    let line = h
        .messages(&room)
        .into_iter()
        .find(|m| m.starts_with("Seed: "))
        .unwrap();
    let n = seed_number(&line, "Seed: ");
    assert!(n <= 1_000_000_000);
    assert!(
        sahasrahbot_seedgen::providers::local::Z2R_MRB
            .iter()
            .any(|(d, f)| line == format!("Seed: {n} - Flags: {f} - {d}")),
        "{line}"
    );
    assert_eq!(h.info_bot(&room), line);

    let room = h.open(NewRace::default()).await;
    h.say(&room, &user, "!nit").await;
    h.wait_message(&room, texts::DONE).await;
    let line = h
        .messages(&room)
        .into_iter()
        .find(|m| m.starts_with("Seed: "))
        .unwrap();
    let n = seed_number(&line, "Seed: ");
    assert_eq!(
        line,
        format!("Seed: {n} - Flags: hhAhD0j#$78$Jp5Q$dAhOA!0Pz@A")
    );
    // Row 43: any flag string.
    let room = h.open(NewRace::default()).await;
    h.say(&room, &user, "!flags AAAAAA#").await;
    h.wait_message(&room, texts::DONE).await;
    let line = h
        .messages(&room)
        .into_iter()
        .find(|m| m.starts_with("Seed: "))
        .unwrap();
    let n = seed_number(&line, "Seed: ");
    assert_eq!(line, format!("Seed: {n} - Flags: AAAAAA#"));
    h.say(&room, &user, "!help").await;
    h.wait_message(&room, "Available commands:\n\"!flags <flags>\" to generate a seed.  Check out https://sahasrahbot.synack.live/rtgg.html#zelda-2-randomizer-z2r for more info.").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn smb3r_flags_and_ff1r_url() {
    let h = Harness::new("smb3r").await;
    h.start::<Smb3r>().await;
    let user = h.fake.add_user("runner", false);
    let room = h.open(NewRace::default()).await;
    h.say(&room, &user, "!flags 17BAS2LNJ4").await;
    h.wait_message(&room, texts::DONE).await;
    let line = h
        .messages(&room)
        .into_iter()
        .find(|m| m.starts_with("Seed: "))
        .unwrap();
    let n = seed_number(&line, "Seed: ");
    assert!(n <= 999_999_999_998);
    assert_eq!(line, format!("Seed: {n} - Flags: 17BAS2LNJ4"));
    h.say(&room, &user, "!help").await;
    h.wait_message(&room, "Available commands:\n\"!flags <flags>\" to generate a seed.  Check out https://sahasrahbot.synack.live/rtgg.html#super-mario-bros-3-randomizer-smb3r for more info.").await;

    let h = Harness::new("ff1r").await;
    h.start::<Ff1r>().await;
    let user = h.fake.add_user("runner", false);
    let room = h.open(NewRace::default()).await;
    h.say(&room, &user, "!ff1url").await;
    h.wait_message(&room, "You must specify a FF1R URL with the flags!")
        .await;
    h.say(
        &room,
        &user,
        "!ff1url https://finalfantasyrandomizer.com/Randomize?s=00000000&f=FLAGS",
    )
    .await;
    h.wait_message(&room, texts::DONE).await;
    let url = h
        .messages(&room)
        .into_iter()
        .find(|m| m.starts_with("https://"))
        .unwrap();
    let rest = url
        .strip_prefix("https://finalfantasyrandomizer.com/Randomize?s=")
        .unwrap();
    let (seed, tail) = rest.split_at(8);
    assert!(
        seed.chars()
            .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_lowercase()),
        "{url}"
    );
    assert_eq!(tail, "&f=FLAGS");
    assert_eq!(h.info_bot(&room), url);
    h.say(&room, &user, "!help").await;
    h.wait_message(&room, "Available commands:\n\"!ff1url <url>\" to generate seed.  Check out https://sahasrahbot.synack.live/rtgg.html#final-fantasy-randomizer-ff1r for more info.").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn smz3_race_info_and_multiworld_needs_a_team_race() {
    let h = Harness::new("smz3").await;
    Mock::given(method("POST"))
        .and(path("/smz3/api/randomizers/smz3/generate"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "guid": "0123456789abcdef0123456789abcdef",
            "hash": "Kraid Ridley Phantoon",
        })))
        .mount(&h.providers)
        .await;
    h.start::<Smz3>().await;
    let user = h.fake.add_user("runner", false);
    let room = h.open(NewRace::default()).await;
    h.say(&room, &user, "!race normal").await;
    h.wait_message(&room, texts::DONE).await;
    let url = h.messages(&room)[2].clone();
    assert_eq!(
        h.info_bot(&room),
        format!("normal - {url} - (Kraid Ridley Phantoon)")
    );
    let body = &h.provider_requests().await[0].1;
    assert_eq!(body["race"], "true");
    // Row 37: `!preset` is the same roll.
    let room = h.open(NewRace::default()).await;
    h.say(&room, &user, "!preset normal").await;
    h.wait_message(&room, texts::DONE).await;
    let url = h.messages(&room)[2].clone();
    assert_eq!(
        h.info_bot(&room),
        format!("normal - {url} - (Kraid Ridley Phantoon)")
    );

    let room = h.open(NewRace::default()).await;
    h.say(&room, &user, "!multiworld normal").await;
    h.wait_message(&room, "This must be a team race.").await;

    // Row 9: a command that fails reports it, and nothing counts as rolled.
    let room = h.open(NewRace::default()).await;
    h.say(&room, &user, "!spoiler normal abc").await;
    h.wait_message(
        &room,
        "Command raised exception: invalid literal for int() with base 10: 'abc'",
    )
    .await;
    h.say(&room, &user, "!race normal").await;
    h.wait_message(&room, texts::DONE).await;
    h.say(&room, &user, "!help").await;
    h.wait_message(&room, sahasrahbot_racetime_handlers::categories::smz3::HELP)
        .await;
}

const GUID_ALPHA: &str = "00112233-4455-6677-8899-aabbccddeeff";
const GUID_BRAVO: &str = "ffeeddcc-bbaa-9988-7766-554433221100";

/// samus.link multiworld answers at `path`: one game per team, told apart by its first
/// player.
async fn mock_multiworld(h: &Harness, path: &str, first_players: [(&str, &str); 2]) {
    for (player, guid) in first_players {
        Mock::given(method("POST"))
            .and(wiremock::matchers::path(path))
            .and(wiremock::matchers::body_partial_json(
                json!({"gamemode": "multiworld", "player-0": player}),
            ))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({
                "guid": guid,
                "mode": "multiworld",
                "hash": "Kraid Ridley",
            })))
            .mount(&h.providers)
            .await;
    }
}

fn multiworld_url(guid: &str) -> String {
    let slug = sahasrahbot_seedgen::providers::samus::slug(guid).unwrap();
    format!("https://samus.link/multiworld/{slug}")
}

/// A team race of `teams` (team name, member names) in the harness's category; returns the
/// room and the first member's id.
async fn team_room(h: &Harness, teams: &[(&str, &[&str])]) -> (String, String) {
    let room = h
        .open(NewRace {
            team_race: true,
            ..NewRace::default()
        })
        .await;
    let mut first = None;
    for (team, members) in teams {
        for name in *members {
            let id = h.fake.add_entrant(&room, name);
            h.fake.set_entrant_team(&room, &id, Some(team));
            first.get_or_insert(id);
        }
    }
    let first = first.unwrap();
    // The handler has the teams once it answers a command sent after them.
    h.say(&room, &first, "!help").await;
    h.wait_count(&room, 2).await;
    (room, first)
}

/// Row 38 (smz3): a 2v2 team race gets one multiworld game per team with the same seed
/// number, "Team X: url" then "------" for each team in name order, and the race info; an
/// invited user without a team (§5.9) is left out instead of failing the command. Unequal
/// teams and races that are no team race are refused.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn smz3_multiworld_rolls_one_game_per_team() {
    let h = Harness::new("smz3").await;
    let path = "/smz3/api/randomizers/smz3/generate";
    mock_multiworld(&h, path, [("a1", GUID_ALPHA), ("b1", GUID_BRAVO)]).await;
    h.start::<Smz3>().await;
    let (room, first) = team_room(&h, &[("Bravo", &["b1", "b2"]), ("Alpha", &["a1", "a2"])]).await;
    let invited = h.fake.add_user("invitee", false);
    h.fake.add_existing_entrant(&room, &invited, "invited");
    assert!(h.fake.race(&room)["entrants"][4]["team"].is_null());
    let team = &h.fake.race(&room)["entrants"][0]["team"];
    assert_eq!(team["name"], "Bravo");
    assert_eq!(team["slug"], "bravo");

    h.say(&room, &first, "!multiworld normal 4242").await;
    h.wait_message(&room, "Seed rolling complete.").await;
    assert_eq!(
        h.messages(&room)[2..],
        [
            texts::GENERATING.to_owned(),
            format!("Team Alpha: {}", multiworld_url(GUID_ALPHA)),
            "------".to_owned(),
            format!("Team Bravo: {}", multiworld_url(GUID_BRAVO)),
            "------".to_owned(),
            "Seed rolling complete.".to_owned(),
        ]
    );
    assert_eq!(h.info_bot(&room), "SMZ3 Multiworld - normal");
    let bodies: Vec<_> = h
        .provider_requests()
        .await
        .into_iter()
        .filter(|(p, _)| p == path)
        .map(|(_, b)| b)
        .collect();
    assert_eq!(bodies.len(), 2);
    for (body, players) in bodies.iter().zip([["a1", "a2"], ["b1", "b2"]]) {
        assert_eq!(body["players"], 2);
        assert_eq!(body["player-0"], players[0]);
        assert_eq!(body["player-1"], players[1]);
        assert_eq!(body["seed"], "4242");
        assert_eq!(body["race"], "true");
    }
    h.say(&room, &first, "!multiworld normal").await;
    h.wait_message(&room, texts::ALREADY_ROLLED).await;

    let (room, first) = team_room(&h, &[("Alpha", &["a1", "a2"]), ("Bravo", &["b1"])]).await;
    h.say(&room, &first, "!multiworld normal").await;
    h.wait_message(&room, "Teams are unequal in size.").await;
    h.quiet(&room, 3).await;
    // Refused, not rolled: a fixed room may roll.
    let b2 = h.fake.add_entrant(&room, "b2");
    h.fake.set_entrant_team(&room, &b2, Some("Bravo"));
    h.say(&room, &first, "!help").await;
    h.wait_count(&room, 4).await;
    h.say(&room, &first, "!multiworld normal").await;
    h.wait_message(&room, "Seed rolling complete.").await;
}

/// Row 38 (smr): the same for Super Metroid multiworld, with its own race info.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn smr_multiworld_rolls_one_game_per_team() {
    let h = Harness::new("smr").await;
    let path = "/smz3/api/randomizers/sm/generate";
    mock_multiworld(&h, path, [("a1", GUID_ALPHA), ("b1", GUID_BRAVO)]).await;
    h.start::<Smr>().await;
    let (room, first) = team_room(&h, &[("Alpha", &["a1", "a2"]), ("Bravo", &["b1", "b2"])]).await;
    h.say(&room, &first, "!multiworld casual_full").await;
    h.wait_message(&room, "Seed rolling complete.").await;
    assert_eq!(
        h.messages(&room)[2..],
        [
            texts::GENERATING.to_owned(),
            format!("Team Alpha: {}", multiworld_url(GUID_ALPHA)),
            "------".to_owned(),
            format!("Team Bravo: {}", multiworld_url(GUID_BRAVO)),
            "------".to_owned(),
            "Seed rolling complete.".to_owned(),
        ]
    );
    assert_eq!(h.info_bot(&room), "SM Multiworld - casual_full");

    let room = h.open(NewRace::default()).await;
    let user = h.fake.add_entrant(&room, "solo");
    h.say(&room, &user, "!multiworld casual_full").await;
    h.wait_message(&room, "This must be a team race.").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn smr_total_alias_works_and_dash_usage_and_url() {
    let h = Harness::new("smr").await;
    Mock::given(method("POST"))
        .and(path("/sm/api/randomizers/sm/generate"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "guid": "0123456789abcdef0123456789abcdef",
            "hash": "Draygon",
        })))
        .mount(&h.providers)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/presets"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "data": [{"tags": ["classic"]}, {"tags": ["recall"]}]
        })))
        .mount(&h.providers)
        .await;
    Mock::given(method("GET"))
        .and(path("/generate/classic"))
        .and(query_param("race", "1"))
        .and(query_param("spoiler", "1"))
        .respond_with(
            ResponseTemplate::new(307).set_body_string("https://dashrando.net/seed/abc123"),
        )
        .mount(&h.providers)
        .await;
    h.start::<Smr>().await;
    let user = h.fake.add_user("runner", false);

    // `!total` is an alias of `!totalrace` (the original never awaited it).
    let room = h.open(NewRace::default()).await;
    h.say(&room, &user, "!total casual_full").await;
    h.wait_message(&room, texts::DONE).await;
    let url = h.messages(&room)[2].clone();
    assert_eq!(
        h.info_bot(&room),
        format!("SM Total Randomizer - casual_full - {url} - (Draygon)")
    );

    let room = h.open(NewRace::default()).await;
    h.say(&room, &user, "!dash").await;
    h.wait_message(&room, "Available presets: classic, recall")
        .await;
    assert!(
        h.messages(&room)
            .iter()
            .any(|m| m == "Usage: !dash [--spoiler] <preset>")
    );
    h.say(&room, &user, "!dash --fast classic").await;
    h.wait_message(
        &room,
        "Invalid option: --fast  Supported options: --spoiler",
    )
    .await;
    h.say(&room, &user, "!dash --spoiler classic").await;
    h.wait_message(&room, texts::DONE).await;
    assert!(
        h.messages(&room)
            .iter()
            .any(|m| m == "https://dashrando.net/seed/abc123")
    );
    assert_eq!(
        h.info_bot(&room),
        "SM Dash Randomizer - https://dashrando.net/seed/abc123"
    );

    // Choozo: argument count, then a VARIA game with the screen-shake reminder.
    Mock::given(method("POST"))
        .and(path("/randomizerWebService"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "seedKey": "01234567-89ab-cdef-0123-456789abcdef"
        })))
        .mount(&h.providers)
        .await;
    Mock::given(method("POST"))
        .and(path_regex("(?i)presetWebService$"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({})))
        .mount(&h.providers)
        .await;
    let room = h.open(NewRace::default()).await;
    h.say(&room, &user, "!choozorace a b c d e f").await;
    h.wait_message(&room, "6 arguments provided, 7 required (item split, area, boss, difficulty, escape, morph, start)").await;
    let args = "RandomSplit FullArea RandomBoss HardDifficulty RandomEscape LateMorph DeepStart";
    h.say(&room, &user, &format!("!choozorace {args}")).await;
    h.wait_message(&room, "Don't forget to disable screen shake during escape.")
        .await;
    let msgs = h.messages(&room);
    let url = &msgs[msgs.len() - 3];
    assert_eq!(msgs[msgs.len() - 2], texts::DONE);
    assert_eq!(
        h.info_bot(&room),
        format!("Super Metroid Choozo Randomizer - {url} - {args}")
    );

    let room = h.open(NewRace::default()).await;
    h.say(&room, &user, "!smleagueplayoff Major Off").await;
    h.wait_message(&room, "3 arguments required (majors, area, bosses).")
        .await;
    h.say(&room, &user, "!smleagueplayoff Major Light On").await;
    h.wait_message(&room, texts::DONE).await;
    let msgs = h.messages(&room);
    let url = &msgs[msgs.len() - 2];
    assert!(url.starts_with("http"), "{msgs:#?}");
    assert_eq!(
        h.info_bot(&room),
        format!("Super Metroid League Playoffs - Major - {url} - Major, Light, On")
    );

    let room = h.open(NewRace::default()).await;
    h.say(&room, &user, "!varia onlyone").await;
    h.wait_message(&room, "You must specify setting and skill presets!")
        .await;
    h.say(&room, &user, "!varia Season_Races Season_Races")
        .await;
    h.wait_message(&room, texts::DONE).await;
    let msgs = h.messages(&room);
    let url = &msgs[msgs.len() - 2];
    assert!(url.starts_with("http"), "{msgs:#?}");
    assert_eq!(
        h.info_bot(&room),
        format!("Season_Races / Season_Races - {url}")
    );
    h.say(&room, &user, "!help").await;
    h.wait_message(&room, sahasrahbot_racetime_handlers::categories::smr::HELP)
        .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mystery_defaults_and_info() {
    let h = Harness::new("alttpr").await;
    h.mock_alttpr("/default", "Myst1").await;
    h.start::<Alttpr>().await;
    let user = h.fake.add_user("runner", false);
    let room = h.open(NewRace::default()).await;
    h.say(&room, &user, "!mystery").await;
    h.wait_message(&room, "Could not find preset weighted.  See a list of available presets at https://sahasrahbot.synack.live/presets.html").await;
    h.say(&room, &user, "!mystery casual").await;
    h.wait_message(&room, texts::DONE).await;
    let info = h.info_bot(&room);
    assert!(
        info.starts_with("mystery casual - ") || info.starts_with("Instructions: "),
        "{info}"
    );
    let req = &h.provider_requests().await[0];
    assert_eq!(req.1["spoilers"], "mystery");
    assert_eq!(req.1["tournament"], true);
    h.say(&room, &user, "!help").await;
    h.wait_message(
        &room,
        sahasrahbot_racetime_handlers::categories::alttpr::HELP,
    )
    .await;
    for (cmd, reply) in [
        ("!register", "Lazy Kid ain't got nothing compared to me."),
        ("!synack", "You need to be more creative."),
        (
            "!vt",
            "You summon Veetorp, he looks around confused and curses your next game with bad (CS)PRNG.",
        ),
    ] {
        h.say(&room, &user, cmd).await;
        h.wait_message(&room, reply).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn test_category_counts_down_without_the_begin_message() {
    let h = Harness::new("test").await;
    h.start::<Test>().await;
    let user = h.fake.add_user("runner", false);
    let room = h.open(NewRace::default()).await;
    h.say(&room, &user, "!help").await;
    h.wait_message(
        &room,
        sahasrahbot_racetime_handlers::categories::alttpr::HELP,
    )
    .await;
    h.say(&room, &user, "!test x").await;
    h.wait_message(&room, "Invalid number of seconds").await;
    h.say(&room, &user, "!test 2").await;
    h.wait_message(&room, "test command complete").await;
    let msgs = h.messages(&room);
    let start = msgs
        .iter()
        .position(|m| m == "initiated test command, waiting 2 seconds")
        .unwrap();
    assert_eq!(
        msgs[start..],
        [
            "initiated test command, waiting 2 seconds",
            "2 second(s) remain!",
            "1 second(s) remain!",
            "test command complete",
        ]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn contra_help() {
    let h = Harness::new("contra").await;
    h.start::<Contra>().await;
    let user = h.fake.add_user("runner", false);
    let room = h.open(NewRace::default()).await;
    h.say(&room, &user, "!help").await;
    h.wait_message(&room, "To start a KONOT race, use !konot.")
        .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ctjets_preset_posts_the_share_link_and_may_roll_again() {
    let h = Harness::new("ct-jets").await;
    Mock::given(method("GET"))
        .and(path("/3_1_0/options/"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_string(r#"<input type="hidden" name="csrfmiddlewaretoken" value="tok">"#),
        )
        .mount(&h.providers)
        .await;
    Mock::given(method("POST"))
        .and(path("/3_1_0/generate-rom/"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_string(r#"<a href="https://ctjot.com/share/AbCdE">Seed share link</a>"#),
        )
        .mount(&h.providers)
        .await;
    h.start::<CtJets>().await;
    let user = h.fake.add_user("runner", false);
    let room = h.open(NewRace::default()).await;
    h.say(&room, &user, "!preset standard").await;
    h.wait_message(&room, texts::DONE).await;
    assert!(
        h.messages(&room)
            .iter()
            .any(|m| m == "https://ctjot.com/share/AbCdE")
    );
    assert_eq!(h.info_bot(&room), "https://ctjot.com/share/AbCdE");
    h.say(&room, &user, "!preset standard").await;
    assert!(
        h.fake
            .wait_until(common::WAIT, |f| f
                .bot_messages(&room)
                .iter()
                .filter(|m| *m == texts::DONE)
                .count()
                == 2)
            .await
    );
    assert!(!h.messages(&room).iter().any(|m| m == texts::ALREADY_ROLLED));
    h.say(&room, &user, "!help").await;
    h.wait_message(
        &room,
        "Available commands:\n\"!preset <preset>\" to generate a seed.",
    )
    .await;
}
