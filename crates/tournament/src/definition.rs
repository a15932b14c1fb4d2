//! The handler catalog and per-event definitions (`tournament.md` §3.0, §3.1, §9.1).
//!
//! A [`HandlerKind`] is what the registry's `handler:` names; an [`EventDefinition`] holds
//! the ids and numbers an event runs with. The built-in values of each kind are the
//! original's hard-coded ones.

use serde::{Deserialize, Serialize};

use crate::title_map::TitleMap;

/// A tournament handler of the catalog (`AVAILABLE_TOURNAMENT_HANDLERS`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum HandlerKind {
    /// `test`: the development event (base room, invites and DMs; no roll).
    Test,
    /// `alttpr`: the ALTTPR main-tournament live qualifier.
    AlttprQualifier,
    /// `alttprdaily`: the SpeedGaming daily race series.
    AlttprDaily,
    /// `smz3`: the SMZ3 weekly race.
    Smz3Weekly,
    /// `invleague`: the ALTTPR Invitational League.
    InvLeague,
    /// `alttprleague`: the ALTTPR Open League.
    AlttprLeague,
    /// `boots`: CAS Boots tournament.
    Boots,
    /// `nologic`: no-logic race.
    NoLogic,
    /// `smwde`: the German SMW hacks tournament.
    Smwde,
    /// `alttprhmg`: HMG tournament.
    AlttprHmg,
    /// `alttprmini`: the German mini tournament.
    AlttprMini,
    /// `alttprde`: the German tournament.
    AlttprDe,
    /// `smrl`: SM Rando League playoffs.
    Smrl,
}

impl HandlerKind {
    /// Every catalog entry, in the original's catalog order.
    pub const ALL: [HandlerKind; 13] = [
        HandlerKind::Test,
        HandlerKind::AlttprQualifier,
        HandlerKind::AlttprDaily,
        HandlerKind::Smz3Weekly,
        HandlerKind::InvLeague,
        HandlerKind::AlttprLeague,
        HandlerKind::Boots,
        HandlerKind::NoLogic,
        HandlerKind::Smwde,
        HandlerKind::AlttprHmg,
        HandlerKind::AlttprMini,
        HandlerKind::AlttprDe,
        HandlerKind::Smrl,
    ];

    /// The catalog id used in `tournaments.yaml`.
    pub fn id(self) -> &'static str {
        match self {
            HandlerKind::Test => "test",
            HandlerKind::AlttprQualifier => "alttpr",
            HandlerKind::AlttprDaily => "alttprdaily",
            HandlerKind::Smz3Weekly => "smz3",
            HandlerKind::InvLeague => "invleague",
            HandlerKind::AlttprLeague => "alttprleague",
            HandlerKind::Boots => "boots",
            HandlerKind::NoLogic => "nologic",
            HandlerKind::Smwde => "smwde",
            HandlerKind::AlttprHmg => "alttprhmg",
            HandlerKind::AlttprMini => "alttprmini",
            HandlerKind::AlttprDe => "alttprde",
            HandlerKind::Smrl => "smrl",
        }
    }

    /// The catalog entry with this id.
    pub fn from_id(id: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.id() == id)
    }

    /// Whether this is a SpeedGaming daily (open room, announcement, no players).
    pub fn is_daily(self) -> bool {
        matches!(self, HandlerKind::AlttprDaily | HandlerKind::Smz3Weekly)
    }

    /// Whether the handler has a settings submission form (`submission_form` of the
    /// original, §2.16): its players get a reminder DM from `week_races`. Only `smrl`
    /// (a template form) has one in the catalog.
    pub fn has_submission_form(self) -> bool {
        matches!(self, HandlerKind::Smrl)
    }

    /// Whether the handler is built on the original's `ALTTPRTournamentRace` (league,
    /// boots, nologic, hmg, mini, de): its submission reminder is also skipped once
    /// settings are stored for the episode (`alttpr.py:106`, §2.16).
    pub fn is_alttpr_tournament_race(self) -> bool {
        matches!(
            self,
            HandlerKind::InvLeague
                | HandlerKind::AlttprLeague
                | HandlerKind::Boots
                | HandlerKind::NoLogic
                | HandlerKind::AlttprHmg
                | HandlerKind::AlttprMini
                | HandlerKind::AlttprDe
        )
    }

    /// The definition this handler runs with for `event_slug` unless the registry file
    /// overrides it: the original's hard-coded values (§3.1).
    pub fn default_definition(self, event_slug: &str) -> EventDefinition {
        let base = EventDefinition {
            event_slug: event_slug.to_owned(),
            handler: self,
            racetime_category: "alttpr".into(),
            racetime_goal: "Beat the game".into(),
            lang: "en".into(),
            coop: false,
            guild_id: 0,
            audit_channel: None,
            commentary_channel: None,
            scheduling_needs_channel: None,
            scheduling_needs_tracker: false,
            announce_channel: None,
            announce_role: None,
            helper_roles: Vec::new(),
            create_scheduled_events: false,
            stream_delay: 0,
            room_open_time: 35,
            title_map: None,
        };
        const ALTTPR_GUILD: u64 = 334_795_604_918_272_012;
        const LEAGUE_HELPERS: [u64; 5] = [
            543_596_853_871_116_288,
            543_597_099_649_073_162,
            676_530_377_812_082_706,
            553_295_025_190_993_930,
            674_109_759_179_194_398,
        ];
        const GERMAN_HELPERS: [u64; 3] = [
            534_030_648_713_674_765,
            469_300_493_542_490_112,
            623_071_415_129_866_240,
        ];
        match self {
            HandlerKind::Test => EventDefinition {
                racetime_category: "test".into(),
                guild_id: 508_335_685_044_928_540,
                audit_channel: Some(537_469_084_527_230_976),
                ..base
            },
            HandlerKind::AlttprQualifier => EventDefinition {
                racetime_goal: "Beat the game - Tournament (Solo)".into(),
                guild_id: ALTTPR_GUILD,
                audit_channel: Some(647_966_639_266_201_620),
                commentary_channel: Some(947_095_820_673_638_400),
                scheduling_needs_channel: Some(434_560_353_461_075_969),
                scheduling_needs_tracker: true,
                announce_channel: Some(407_803_705_375_850_506),
                helper_roles: vec![
                    334_797_023_054_397_450,
                    435_200_206_552_694_794,
                    482_353_483_853_332_481,
                    426_487_540_829_388_805,
                    613_394_561_594_687_499,
                    334_796_844_750_209_024,
                ],
                create_scheduled_events: true,
                room_open_time: 60,
                ..base
            },
            HandlerKind::AlttprDaily => EventDefinition {
                racetime_goal: "Beat the game - Casual".into(),
                guild_id: 307_860_211_333_595_146,
                announce_channel: Some(307_861_467_838_021_633),
                announce_role: Some(399_038_388_964_950_016),
                room_open_time: 60,
                ..base
            },
            HandlerKind::Smz3Weekly => EventDefinition {
                racetime_category: "smz3".into(),
                racetime_goal: "Beat the games".into(),
                guild_id: 445_948_207_638_511_616,
                announce_channel: Some(451_977_523_123_978_260),
                announce_role: Some(449_260_882_501_959_700),
                room_open_time: 60,
                ..base
            },
            HandlerKind::InvLeague | HandlerKind::AlttprLeague => EventDefinition {
                racetime_goal: "Beat the game - Tournament (Solo)".into(),
                guild_id: 543_577_975_032_119_296,
                audit_channel: Some(546_728_638_272_241_674),
                commentary_channel: Some(1_157_407_211_094_556_703),
                helper_roles: LEAGUE_HELPERS.to_vec(),
                create_scheduled_events: true,
                stream_delay: 10,
                ..base
            },
            HandlerKind::Boots => EventDefinition {
                racetime_goal: "Beat the game - Tournament (Solo)".into(),
                guild_id: 973_765_801_528_139_837,
                ..base
            },
            HandlerKind::NoLogic => EventDefinition {
                racetime_goal: "Beat the game (glitched)".into(),
                guild_id: 535_946_014_037_901_333,
                audit_channel: Some(850_226_062_864_023_583),
                commentary_channel: Some(549_709_098_015_391_764),
                ..base
            },
            HandlerKind::AlttprHmg => EventDefinition {
                racetime_goal: "Beat the game (glitched)".into(),
                guild_id: 535_946_014_037_901_333,
                audit_channel: Some(850_226_062_864_023_583),
                commentary_channel: Some(549_709_098_015_391_764),
                helper_roles: vec![
                    549_709_214_000_480_276,
                    535_962_854_004_883_467,
                    535_962_802_230_132_737,
                ],
                ..base
            },
            HandlerKind::Smwde => EventDefinition {
                racetime_category: "smw-hacks".into(),
                racetime_goal: "Any%".into(),
                lang: "de".into(),
                guild_id: 753_727_862_229_565_612,
                audit_channel: Some(826_775_494_329_499_648),
                scheduling_needs_channel: Some(835_946_387_065_012_275),
                helper_roles: vec![754_845_429_773_893_782, 753_742_980_820_631_562],
                ..base
            },
            HandlerKind::AlttprMini => EventDefinition {
                lang: "de".into(),
                title_map: Some(TitleMap::alttprmini()),
                guild_id: 469_300_113_290_821_632,
                audit_channel: Some(473_668_481_011_679_234),
                commentary_channel: Some(469_317_757_331_308_555),
                helper_roles: GERMAN_HELPERS.to_vec(),
                ..base
            },
            HandlerKind::AlttprDe => EventDefinition {
                lang: "de".into(),
                title_map: Some(TitleMap::alttprde()),
                guild_id: 469_300_113_290_821_632,
                audit_channel: Some(473_668_481_011_679_234),
                commentary_channel: Some(469_317_757_331_308_555),
                helper_roles: GERMAN_HELPERS.to_vec(),
                create_scheduled_events: true,
                stream_delay: 10,
                ..base
            },
            HandlerKind::Smrl => EventDefinition {
                racetime_category: "smr".into(),
                guild_id: 500_362_417_629_560_881,
                audit_channel: Some(1_080_994_224_880_750_682),
                helper_roles: vec![
                    500_363_025_958_567_948,
                    501_810_831_504_179_250,
                    504_725_352_745_140_224,
                ],
                ..base
            },
        }
    }
}

/// What one registry event runs with (§2.1, §9.1): ids only, no live Discord objects.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventDefinition {
    /// The registry key, equal to the SpeedGaming event slug.
    pub event_slug: String,
    /// The handler that runs the event.
    pub handler: HandlerKind,
    /// The racetime.gg category whose bot opens the rooms.
    pub racetime_category: String,
    /// The room goal; sent as a custom goal when the category lacks it.
    pub racetime_goal: String,
    /// Language filter of the scheduling-needs board.
    pub lang: String,
    /// Team (co-op) rooms.
    pub coop: bool,
    /// The tournament's Discord guild.
    pub guild_id: u64,
    /// Audit messages (§2.17).
    pub audit_channel: Option<u64>,
    /// The tournament embed after a seed roll, when there are broadcast channels.
    pub commentary_channel: Option<u64>,
    /// The scheduling-needs board.
    pub scheduling_needs_channel: Option<u64>,
    /// Adds the "Trackers Needed" field to the board.
    pub scheduling_needs_tracker: bool,
    /// Room-opened announcements (qualifier, dailies) instead of DMs.
    pub announce_channel: Option<u64>,
    /// The role pinged by the announcement.
    pub announce_role: Option<u64>,
    /// Discord roles whose members may gatekeep the rooms.
    pub helper_roles: Vec<u64>,
    /// Keep Discord scheduled events for the episodes.
    pub create_scheduled_events: bool,
    /// Stream delay, minutes.
    pub stream_delay: u32,
    /// How long before the race the room opens, minutes.
    pub room_open_time: u32,
    /// Match title → preset map of the title-driven rolls (`alttprde`, `alttprmini`;
    /// §3.6); `None` for every other handler unless the registry file sets one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title_map: Option<TitleMap>,
}

impl EventDefinition {
    /// `hours_before_room_open` (§1.5): `(stream_delay + room_open_time) / 60`, as a
    /// duration.
    pub fn room_lead(&self) -> chrono::Duration {
        chrono::Duration::minutes(i64::from(self.stream_delay + self.room_open_time))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catalog_ids_round_trip() {
        for kind in HandlerKind::ALL {
            assert_eq!(HandlerKind::from_id(kind.id()), Some(kind));
        }
        assert_eq!(HandlerKind::from_id("alttprcd"), None);
    }

    #[test]
    fn lead_times_follow_the_spec_table() {
        let lead = |k: HandlerKind| k.default_definition(k.id()).room_lead().num_minutes();
        assert_eq!(lead(HandlerKind::AlttprQualifier), 60);
        assert_eq!(lead(HandlerKind::AlttprDaily), 60);
        assert_eq!(lead(HandlerKind::Smz3Weekly), 60);
        assert_eq!(lead(HandlerKind::InvLeague), 45);
        assert_eq!(lead(HandlerKind::AlttprLeague), 45);
        assert_eq!(lead(HandlerKind::AlttprDe), 45);
        assert_eq!(lead(HandlerKind::Test), 35);
        assert_eq!(lead(HandlerKind::Smrl), 35);
    }
}
