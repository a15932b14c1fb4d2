//! The texts built from SpeedGaming episodes (`tournament.md` §1.3, §2.12, §3.2, §3.6, §5):
//! race infos (P11, P26), room-opened announcements (P20, P25), the submit link, title maps
//! (P37) and the `/sgdaily` reply (P42).

use chrono::{DateTime, FixedOffset};
use sahasrahbot_tournament::dailies::{NO_DAILIES, SgDailyReply, sgdaily_reply};
use sahasrahbot_tournament::race_info::{
    self, RoomAnnouncement, WEBHOOK_USERNAME, room_opened_announcement, submit_link,
};
use sahasrahbot_tournament::registry::{Profile, Registry};
use sahasrahbot_tournament::speedgaming::versus;
use sahasrahbot_tournament::title_map::INVALID_MODE_MESSAGE;
use sahasrahbot_tournament::{Episode, HandlerKind};
use serde_json::{Value, json};

const ROOM: &str = "https://racetime.gg/alttpr/clever-link-1234";

/// An episode as SpeedGaming serves it: `when` 10 minutes after `whenCountdown` (a
/// restream with a delay), extra fields SpeedGaming sends but the bot ignores.
fn episode(id: i64, slug: &str, title: &str, countdown: &str, channels: Value) -> Episode {
    let countdown_t = DateTime::parse_from_rfc3339(countdown).unwrap();
    let when = countdown_t + chrono::Duration::minutes(10);
    serde_json::from_value(json!({
        "id": id,
        "event": {"slug": slug, "shortName": short_name(slug), "name": format!("{slug} full name"), "active": true},
        "match1": {
            "id": 1,
            "title": title,
            "players": [
                {"displayName": "Runner One", "discordId": "1001", "discordTag": "one", "publicStream": "", "streamingFrom": "one_tv"},
                {"displayName": "Runner Two", "discordId": "", "discordTag": "two#0", "publicStream": "", "streamingFrom": "two_tv"}
            ]
        },
        "match2": null,
        "when": when.to_rfc3339(),
        "whenCountdown": countdown,
        "channels": channels,
        "commentators": [],
        "trackers": [],
        "broadcasters": [],
        "helpers": [],
        "approved": true,
        "length": 90,
        "timezone": "America/New_York"
    }))
    .unwrap()
}

fn short_name(slug: &str) -> &'static str {
    match slug {
        "invleague" => "ALTTPR League",
        "alttprdaily" => "SG Daily",
        _ => "Tournament",
    }
}

fn channels(names: &[(&str, &str)]) -> Value {
    Value::Array(
        names
            .iter()
            .enumerate()
            .map(|(i, (name, slug))| json!({"id": i + 40, "name": name, "slug": slug, "language": "en"}))
            .collect(),
    )
}

fn unix(t: &str) -> i64 {
    DateTime::<FixedOffset>::parse_from_rfc3339(t)
        .unwrap()
        .timestamp()
}

// ---------------------------------------------------------------- P11: generic race info

#[test]
fn generic_race_info_with_two_and_three_players() {
    let e = episode(
        4101,
        "invleague",
        "Week 3",
        "2026-02-12T20:00:00-05:00",
        channels(&[
            ("ALTTPRandomizer", "alttprandomizer"),
            ("No Restream", "norestream"),
        ]),
    );
    let two = versus(&["one", "two"]);
    assert_eq!(
        race_info::race_info(HandlerKind::InvLeague, &e, &two, None).unwrap(),
        "ALTTPR League - one vs. two - Week 3 - Restream(s) at ALTTPRandomizer - 4101"
    );
    let three = versus(&["one", "two", "three"]);
    assert_eq!(
        race_info::generic(&e, &three, Some(2)),
        "ALTTPR League - one, two, three - Week 3 - Game #2 - Restream(s) at ALTTPRandomizer - 4101"
    );
}

#[test]
fn generic_race_info_lists_every_broadcast_channel_and_skips_placeholders() {
    let no_restream = episode(
        4102,
        "invleague",
        "Week 4",
        "2026-02-12T20:00:00-05:00",
        channels(&[("SG Restream TBD", "tbd")]),
    );
    assert_eq!(
        race_info::generic(&no_restream, "a vs. b", None),
        "ALTTPR League - a vs. b - Week 4 - 4102"
    );
    let two_channels = episode(
        4103,
        "invleague",
        "Week 4",
        "2026-02-12T20:00:00-05:00",
        channels(&[("ALTTPRandomizer", "x"), ("SpeedGaming", "y")]),
    );
    assert_eq!(
        race_info::generic(&two_channels, "a vs. b", Some(0)),
        "ALTTPR League - a vs. b - Week 4 - Restream(s) at ALTTPRandomizer, SpeedGaming - 4103"
    );
}

#[test]
fn every_handler_but_the_open_events_uses_the_generic_info() {
    let e = episode(
        9,
        "smrl",
        "Playoffs",
        "2026-02-12T20:00:00-05:00",
        json!([]),
    );
    for kind in HandlerKind::ALL {
        let info = race_info::race_info(kind, &e, "a vs. b", None).unwrap();
        let generic = race_info::generic(&e, "a vs. b", None);
        let open = matches!(
            kind,
            HandlerKind::AlttprQualifier | HandlerKind::AlttprDaily | HandlerKind::Smz3Weekly
        );
        assert_eq!(info == generic, !open, "{kind:?}");
    }
}

// ---------------------------------------------------------------- P26: Eastern times

#[test]
fn daily_and_qualifier_race_info_in_eastern_time() {
    let daily = episode(
        501,
        "alttprdaily",
        "Open",
        "2026-02-12T18:05:00-05:00",
        channels(&[("SpeedGaming", "speedgaming")]),
    );
    assert_eq!(
        race_info::alttpr_daily(&daily).unwrap(),
        "SpeedGaming Daily Race Series - Open at 6:05 PM Eastern on SpeedGaming - Seed Distributed at 5:55 PM Eastern - 501"
    );
    // SpeedGaming may send another offset: the text is still Eastern.
    let qual = episode(502, "alttpr", "Pool A", "2026-07-04T16:00:00Z", json!([]));
    assert_eq!(
        race_info::qualifier(&qual).unwrap(),
        "ALTTPR Main Tournament Live Qualifier - Pool A at 12:00 PM Eastern - Seed Distributed and Room Locked at 11:50 AM Eastern - 502"
    );
    let smz3 = episode(
        503,
        "smz3",
        "Normal",
        "2026-02-14T09:00:00-05:00",
        channels(&[("SMZ3 TBD", "x"), ("smz3rando", "smz3rando")]),
    );
    assert_eq!(
        race_info::race_info(HandlerKind::Smz3Weekly, &smz3, "", None).unwrap(),
        "SMZ3 Weekly Race - Normal at 9:00 AM Eastern on smz3rando - 503"
    );
}

#[test]
fn seed_times_across_daylight_saving_boundaries() {
    // Spring forward: 3:05 AM EDT; ten minutes earlier is 1:55 AM EST.
    let spring = episode(
        601,
        "alttprdaily",
        "Open",
        "2026-03-08T03:05:00-04:00",
        json!([]),
    );
    assert_eq!(
        race_info::alttpr_daily(&spring).unwrap(),
        "SpeedGaming Daily Race Series - Open at 3:05 AM Eastern - Seed Distributed at 1:55 AM Eastern - 601"
    );
    // Fall back: the second 1:05 AM (EST); ten minutes earlier is 12:55 AM EST = 1:55 AM EDT.
    let fall = episode(
        602,
        "alttpr",
        "Pool B",
        "2026-11-01T01:05:00-05:00",
        json!([]),
    );
    assert_eq!(
        race_info::qualifier(&fall).unwrap(),
        "ALTTPR Main Tournament Live Qualifier - Pool B at 1:05 AM Eastern - Seed Distributed and Room Locked at 1:55 AM Eastern - 602"
    );
    // The Discord timestamps are plain instants, untouched by the zone change.
    let text = race_info::alttpr_daily_announcement(&spring, ROOM).unwrap();
    let start = unix("2026-03-08T07:05:00Z");
    assert!(
        text.contains(&format!("<t:{start}> (<t:{start}:R>)")),
        "{text}"
    );
    assert!(
        text.contains(&format!("Seed Distributed <t:{}:R>", start - 600)),
        "{text}"
    );
}

#[test]
fn a_missing_race_start_is_an_error_naming_the_episode() {
    let mut e = episode(
        700,
        "alttprdaily",
        "Open",
        "2026-02-12T18:05:00-05:00",
        json!([]),
    );
    e.when_countdown = None;
    for kind in [
        HandlerKind::AlttprQualifier,
        HandlerKind::AlttprDaily,
        HandlerKind::Smz3Weekly,
    ] {
        let err = race_info::race_info(kind, &e, "", None).unwrap_err();
        assert!(err.to_string().contains("episode 700"), "{err}");
    }
}

// ---------------------------------------------------------------- P20, P25: announcements

#[test]
fn qualifier_room_opened_announcement() {
    let e = episode(
        801,
        "alttpr",
        "Qualifier Pool A",
        "2026-02-12T20:00:00-05:00",
        channels(&[("ALTTPRandomizer", "alttprandomizer")]),
    );
    let definition = HandlerKind::AlttprQualifier.default_definition("alttpr");
    let a = room_opened_announcement(&definition, &e, ROOM)
        .unwrap()
        .unwrap();
    assert_eq!(
        a,
        RoomAnnouncement {
            channel: Some(407_803_705_375_850_506),
            content: "ALTTPR Main Tournament Live Qualifier - Qualifier Pool A - <t:1770944400> (<t:1770944400:R>) on ALTTPRandomizer - Seed Distributed and Room Lock <t:1770943800:R> - https://racetime.gg/alttpr/clever-link-1234".into(),
            webhook_content: None,
        }
    );
    assert_eq!(unix("2026-02-12T20:00:00-05:00"), 1_770_944_400);
}

#[test]
fn alttpr_daily_announcement_and_webhook_text() {
    let e = episode(
        802,
        "alttprdaily",
        "Co-op Daily",
        "2026-02-12T20:00:00-05:00",
        json!([]),
    );
    let definition = HandlerKind::AlttprDaily.default_definition("alttprdaily");
    let a = room_opened_announcement(&definition, &e, ROOM)
        .unwrap()
        .unwrap();
    let text = "SpeedGaming Daily Race Series - Co-op Daily - <t:1770944400> (<t:1770944400:R>) - Seed Distributed <t:1770943800:R> - https://racetime.gg/alttpr/clever-link-1234";
    assert_eq!(a.channel, Some(307_861_467_838_021_633));
    assert_eq!(a.content, text);
    assert_eq!(
        a.webhook_content.as_deref(),
        Some(format!("<@&399038388964950016> {text}").as_str())
    );
    assert_eq!(WEBHOOK_USERNAME, "SahasrahBot");
}

#[test]
fn smz3_announcement_pings_the_role_without_seed_time_or_webhook() {
    let e = episode(
        803,
        "smz3",
        "Keysanity",
        "2026-02-12T20:00:00-05:00",
        channels(&[("smz3rando", "smz3rando"), ("SG TBD", "tbd")]),
    );
    let definition = HandlerKind::Smz3Weekly.default_definition("smz3");
    let a = room_opened_announcement(&definition, &e, ROOM)
        .unwrap()
        .unwrap();
    assert_eq!(
        a,
        RoomAnnouncement {
            channel: Some(451_977_523_123_978_260),
            content: "<@&449260882501959700> SMZ3 Weekly Race - Keysanity - <t:1770944400> (<t:1770944400:R>) on smz3rando - https://racetime.gg/alttpr/clever-link-1234".into(),
            webhook_content: None,
        }
    );
    // Without a role there is no ping.
    assert_eq!(
        race_info::smz3_announcement(&e, None, ROOM).unwrap(),
        "SMZ3 Weekly Race - Keysanity - <t:1770944400> (<t:1770944400:R>) on smz3rando - https://racetime.gg/alttpr/clever-link-1234"
    );
}

#[test]
fn player_events_have_no_announcement() {
    let e = episode(
        804,
        "invleague",
        "Week 1",
        "2026-02-12T20:00:00-05:00",
        json!([]),
    );
    for kind in HandlerKind::ALL {
        let definition = kind.default_definition(kind.id());
        let a = room_opened_announcement(&definition, &e, ROOM).unwrap();
        let open = matches!(
            kind,
            HandlerKind::AlttprQualifier | HandlerKind::AlttprDaily | HandlerKind::Smz3Weekly
        );
        assert_eq!(a.is_some(), open, "{kind:?}");
    }
}

#[test]
fn announcement_ids_follow_the_registry_config_block() {
    let yaml = "version: 1
profiles:
  debug: {events: []}
  production:
    events:
      - event_slug: alttprdaily
        handler: alttprdaily
        enabled: true
        config: {announce_channel: 11, announce_role: 22}
";
    let r = Registry::from_yaml(yaml, Profile::Production);
    let e = episode(
        805,
        "alttprdaily",
        "Open",
        "2026-02-12T20:00:00-05:00",
        json!([]),
    );
    let a = room_opened_announcement(r.get("alttprdaily").unwrap(), &e, ROOM)
        .unwrap()
        .unwrap();
    assert_eq!(a.channel, Some(11));
    assert!(
        a.webhook_content
            .unwrap()
            .starts_with("<@&22> SpeedGaming Daily")
    );
}

#[test]
fn submit_link_uses_the_sg_event_slug_and_episode() {
    assert_eq!(
        submit_link("https://sahasrahbotapi.synack.live", "smrl", 31337),
        "https://sahasrahbotapi.synack.live/submit/smrl?episode_id=31337"
    );
}

// ---------------------------------------------------------------- P37: title maps

#[test]
fn title_maps_of_the_german_events() {
    let de = HandlerKind::AlttprDe.default_definition("alttprde");
    let map = de.title_map.as_ref().unwrap();
    assert_eq!(map.len(), 12);
    assert_eq!(
        map.preset_for_title("Viertelfinale: Big Key Shuffle"),
        Ok("catobat/bkshuffle")
    );
    assert_eq!(
        map.preset_for_title("Runde 1 : All Dungeons "),
        Ok("adboots")
    );
    let mini = HandlerKind::AlttprMini.default_definition("alttprmini");
    let map = mini.title_map.as_ref().unwrap();
    assert_eq!(map.len(), 5);
    assert_eq!(
        map.preset_for_title("Round 1: Casual Boots"),
        Ok("casualboots")
    );
    let err = map.preset_for_title("Round 1: Open Hard").unwrap_err();
    assert!(err.to_string().starts_with(INVALID_MODE_MESSAGE));
    // Other handlers have no map.
    assert!(
        HandlerKind::Boots
            .default_definition("boots")
            .title_map
            .is_none()
    );
}

#[test]
fn a_title_map_from_the_config_block_replaces_the_builtin_one() {
    let yaml = "version: 1
profiles:
  debug: {events: []}
  production:
    events:
      - event_slug: alttprmini
        handler: alttprmini
        enabled: true
        config:
          title_map:
            Pedestal: pedestal
            Boss Shuffle: nightcl4w/boss_shuffle_2026
";
    let r = Registry::from_yaml(yaml, Profile::Production);
    assert!(r.problems().is_empty());
    let map = r.get("alttprmini").unwrap().title_map.as_ref().unwrap();
    assert_eq!(map.len(), 2);
    assert_eq!(map.preset_for_title("Final: Pedestal"), Ok("pedestal"));
    assert_eq!(
        map.preset_for_title("Round 2: Boss Shuffle"),
        Ok("nightcl4w/boss_shuffle_2026")
    );
    assert!(map.preset_for_title("Round 2: Casual Boots").is_err());
}

// ---------------------------------------------------------------- P42: /sgdaily

fn daily(id: i64, title: &str, when: &str, channels: Value) -> Episode {
    serde_json::from_value(json!({
        "id": id,
        "event": {"slug": "alttprdaily", "shortName": "SG Daily", "name": "ALTTPR SpeedGaming Daily Races"},
        "match1": {"title": title, "players": []},
        "when": when,
        "whenCountdown": when,
        "channels": channels
    }))
    .unwrap()
}

#[test]
fn sgdaily_without_episodes_is_a_text_reply() {
    let reply = sgdaily_reply(&[], 3);
    assert_eq!(
        serde_json::to_value(&reply).unwrap(),
        json!({"content": "There are no currently SpeedGaming ALTTPR Daily Races scheduled within the next 8 days."})
    );
    assert_eq!(
        reply,
        SgDailyReply::Text {
            content: NO_DAILIES.into()
        }
    );
}

#[test]
fn sgdaily_next_episode_embed() {
    let episodes = [
        daily(
            1,
            "Standard",
            "2026-02-12T20:00:00-05:00",
            json!([
                {"id": 1, "name": "SpeedGaming", "slug": "speedgaming", "language": "en"},
                {"id": 2, "name": "SpeedGaming2", "slug": "speedgaming2", "language": "en"},
                {"id": 3, "name": "No Restream", "slug": "norestream", "language": "en"}
            ]),
        ),
        daily(2, "Open", "2026-02-13T20:00:00-05:00", json!([])),
    ];
    let reply = serde_json::to_value(sgdaily_reply(&episodes, 1)).unwrap();
    assert_eq!(
        reply,
        json!({"embeds": [{
            "title": "ALTTPR SpeedGaming Daily Races",
            "description": "**Mode:** Standard\n[Full Schedule](http://speedgaming.org/alttprdaily)",
            "fields": [
                {"name": "Time", "value": "<t:1770944400:f> (<t:1770944400:R>)", "inline": false},
                {"name": "Twitch Channels", "value": "[speedgaming](https://twitch.tv/speedgaming), [speedgaming2](https://twitch.tv/speedgaming2)", "inline": false}
            ],
            "thumbnail": {"url": "https://pbs.twimg.com/profile_images/1185422684190105600/3jiXIf5Y_400x400.jpg"}
        }]})
    );
}

#[test]
fn sgdaily_next_episode_without_title_or_channels() {
    let episodes = [daily(1, "", "2026-02-12T20:00:00-05:00", json!([]))];
    let reply = serde_json::to_value(sgdaily_reply(&episodes, 1)).unwrap();
    let embed = &reply["embeds"][0];
    assert_eq!(
        embed["description"],
        "**Mode:** *TBD*\n[Full Schedule](http://speedgaming.org/alttprdaily)"
    );
    assert_eq!(embed["fields"].as_array().unwrap().len(), 1);
}

#[test]
fn sgdaily_schedule_shows_the_first_n_episodes() {
    let episodes: Vec<Episode> = (0..5)
        .map(|i| {
            daily(
                i,
                if i == 1 { "" } else { "Open" },
                &format!("2026-02-{:02}T20:00:00-05:00", 12 + i),
                json!([]),
            )
        })
        .collect();
    let reply = serde_json::to_value(sgdaily_reply(&episodes, 3)).unwrap();
    let embed = &reply["embeds"][0];
    assert_eq!(embed["title"], "ALTTP Randomizer SG Daily Schedule");
    assert_eq!(
        embed["description"],
        "[Full Schedule](http://speedgaming.org/alttprdaily)"
    );
    assert_eq!(
        embed["fields"],
        json!([
            {"name": "Open", "value": "<t:1770944400:f>", "inline": false},
            {"name": "TBD", "value": "<t:1771030800:f>", "inline": false},
            {"name": "Open", "value": "<t:1771117200:f>", "inline": false}
        ])
    );
    // Asking for more than there are shows them all.
    let reply = serde_json::to_value(sgdaily_reply(&episodes, 8)).unwrap();
    assert_eq!(reply["embeds"][0]["fields"].as_array().unwrap().len(), 5);
}
