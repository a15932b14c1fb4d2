//! Helpers shared by the database test files.

/// Selects every column of every entity, so that a column name or type the database does
/// not have fails here rather than in production.
pub(crate) async fn select_every_entity(conn: &sea_orm::DatabaseConnection) -> Vec<String> {
    use sahasrahbot_core::db::entities::*;
    use sea_orm::EntityTrait;
    let mut errors = Vec::new();
    macro_rules! check {
        ($($m:ident),* $(,)?) => {$(
            if let Err(e) = $m::Entity::find().all(conn).await {
                errors.push(format!("{}: {e}", stringify!($m)));
            }
        )*};
    }
    check!(
        asynctournament,
        asynctournamentauditlog,
        asynctournamentliverace,
        asynctournamentpermalink,
        asynctournamentpermalinkpool,
        asynctournamentpermissions,
        asynctournamentrace,
        asynctournamentreviewnotes,
        asynctournamentwhitelist,
        audit_generated_games,
        audit_messages,
        authorizationkeypermissions,
        authorizationkeys,
        config,
        daily,
        discord_server_categories,
        discord_server_lists,
        inquirymessageconfig,
        nick_verification,
        presetnamespacecollaborators,
        presetnamespaces,
        presets,
        racerverification,
        racetimekonotgame,
        racetimekonotsegment,
        ranked_choice_authorized_voters,
        ranked_choice_candidate,
        ranked_choice_election,
        ranked_choice_votes,
        rtggoverridewhitelist,
        rtggunlistedrooms,
        rtggwatcher,
        rtggwatcherplayer,
        scheduledevents,
        scheduleepisode,
        scheduleepisodeplayer,
        scheduleevent,
        sgl2023onsitehistory,
        spoiler_races,
        telemetry_events,
        tournament_games,
        tournament_results,
        tournamentpresethistory,
        triforcetexts,
        triforcetextsconfig,
        users,
        verifiedracer,
    );
    errors
}
