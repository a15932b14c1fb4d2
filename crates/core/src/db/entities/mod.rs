//! sea-orm entities, one module per table the bot reads or writes.
//!
//! Table and column names, types and nullability are those of the Python bot's migrated
//! MySQL schema, so the same code works on an adopted database. Tables that are deprecated
//! or unused (multiworld, reaction/voice roles, the legacy SRL and schedule side tables) have
//! no entity; the migrations still create them so that adopted data survives.
//!
//! Timestamps are naive UTC. Columns with `ON UPDATE CURRENT_TIMESTAMP` on MySQL (`updated`,
//! `modified`, `updated_at`, some `timestamp`s) must be set by the application on SQLite and
//! PostgreSQL.

pub mod asynctournament;
pub mod asynctournamentauditlog;
pub mod asynctournamentliverace;
pub mod asynctournamentpermalink;
pub mod asynctournamentpermalinkpool;
pub mod asynctournamentpermissions;
pub mod asynctournamentrace;
pub mod asynctournamentreviewnotes;
pub mod asynctournamentwhitelist;
pub mod audit_generated_games;
pub mod audit_messages;
pub mod authorizationkeypermissions;
pub mod authorizationkeys;
pub mod config;
pub mod daily;
pub mod discord_server_categories;
pub mod discord_server_lists;
pub mod inquirymessageconfig;
pub mod nick_verification;
pub mod presetnamespacecollaborators;
pub mod presetnamespaces;
pub mod presets;
pub mod racerverification;
pub mod racetimekonotgame;
pub mod racetimekonotsegment;
pub mod ranked_choice_authorized_voters;
pub mod ranked_choice_candidate;
pub mod ranked_choice_election;
pub mod ranked_choice_votes;
pub mod rtggoverridewhitelist;
pub mod rtggunlistedrooms;
pub mod rtggwatcher;
pub mod rtggwatcherplayer;
pub mod scheduledevents;
pub mod scheduleepisode;
pub mod scheduleepisodeplayer;
pub mod scheduleevent;
pub mod sgl2023onsitehistory;
pub mod spoiler_races;
pub mod telemetry_events;
pub mod tournament_games;
pub mod tournament_results;
pub mod tournamentpresethistory;
pub mod triforcetexts;
pub mod triforcetextsconfig;
pub mod users;
pub mod verifiedracer;

/// The entities under their model names (`Users`, `Presets`, …).
pub mod prelude {
    pub use super::asynctournament::Entity as AsyncTournament;
    pub use super::asynctournamentauditlog::Entity as AsyncTournamentAuditLog;
    pub use super::asynctournamentliverace::Entity as AsyncTournamentLiveRace;
    pub use super::asynctournamentpermalink::Entity as AsyncTournamentPermalink;
    pub use super::asynctournamentpermalinkpool::Entity as AsyncTournamentPermalinkPool;
    pub use super::asynctournamentpermissions::Entity as AsyncTournamentPermissions;
    pub use super::asynctournamentrace::Entity as AsyncTournamentRace;
    pub use super::asynctournamentreviewnotes::Entity as AsyncTournamentReviewNotes;
    pub use super::asynctournamentwhitelist::Entity as AsyncTournamentWhitelist;
    pub use super::audit_generated_games::Entity as AuditGeneratedGames;
    pub use super::audit_messages::Entity as AuditMessages;
    pub use super::authorizationkeypermissions::Entity as AuthorizationKeyPermissions;
    pub use super::authorizationkeys::Entity as AuthorizationKeys;
    pub use super::config::Entity as Config;
    pub use super::daily::Entity as Daily;
    pub use super::discord_server_categories::Entity as DiscordServerCategories;
    pub use super::discord_server_lists::Entity as DiscordServerLists;
    pub use super::inquirymessageconfig::Entity as InquiryMessageConfig;
    pub use super::nick_verification::Entity as NickVerification;
    pub use super::presetnamespacecollaborators::Entity as PresetNamespaceCollaborators;
    pub use super::presetnamespaces::Entity as PresetNamespaces;
    pub use super::presets::Entity as Presets;
    pub use super::racerverification::Entity as RacerVerification;
    pub use super::racetimekonotgame::Entity as RacetimeKONOTGame;
    pub use super::racetimekonotsegment::Entity as RaceTimeKONOTSegment;
    pub use super::ranked_choice_authorized_voters::Entity as RankedChoiceAuthorizedVoters;
    pub use super::ranked_choice_candidate::Entity as RankedChoiceCandidate;
    pub use super::ranked_choice_election::Entity as RankedChoiceElection;
    pub use super::ranked_choice_votes::Entity as RankedChoiceVotes;
    pub use super::rtggoverridewhitelist::Entity as RTGGOverrideWhitelist;
    pub use super::rtggunlistedrooms::Entity as RTGGUnlistedRooms;
    pub use super::rtggwatcher::Entity as RTGGWatcher;
    pub use super::rtggwatcherplayer::Entity as RTGGWatcherPlayer;
    pub use super::scheduledevents::Entity as ScheduledEvents;
    pub use super::scheduleepisode::Entity as ScheduleEpisode;
    pub use super::scheduleepisodeplayer::Entity as ScheduleEpisodePlayer;
    pub use super::scheduleevent::Entity as ScheduleEvent;
    pub use super::sgl2023onsitehistory::Entity as SGL2023OnsiteHistory;
    pub use super::spoiler_races::Entity as SpoilerRaces;
    pub use super::telemetry_events::Entity as TelemetryEvent;
    pub use super::tournament_games::Entity as TournamentGames;
    pub use super::tournament_results::Entity as TournamentResults;
    pub use super::tournamentpresethistory::Entity as TournamentPresetHistory;
    pub use super::triforcetexts::Entity as TriforceTexts;
    pub use super::triforcetextsconfig::Entity as TriforceTextsConfig;
    pub use super::users::Entity as Users;
    pub use super::verifiedracer::Entity as VerifiedRacer;
}
