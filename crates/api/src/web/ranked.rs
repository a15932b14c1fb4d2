//! Ranked-choice ballots (`api.md` §3.4, parity rows 43–44): the ballot form, the vote
//! (validated, stored in one transaction), and the election's Discord message refreshed
//! after the commit through [`ElectionDiscord`].

use std::collections::{BTreeMap, HashSet};
use std::sync::Arc;

use async_trait::async_trait;
use poem::http::StatusCode;
use poem::session::Session;
use poem::web::{Data, Form, Path};
use poem::{Request, Response, handler};
use sahasrahbot_core::db::entities::{
    ranked_choice_candidate as candidates, ranked_choice_election as elections,
    ranked_choice_votes as votes,
};
use sea_orm::{
    ActiveValue, ColumnTrait, ConnectionTrait, DatabaseBackend, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, TransactionTrait,
};
use serde::Serialize;

use super::error::WebError;
use super::session::{self, DiscordUser};
use super::{WebConfig, render_page};
use crate::AppState;

/// The Discord side of ranked-choice voting.
#[async_trait]
pub trait ElectionDiscord: Send + Sync {
    /// The role ids of `user` in `guild`; `Ok(None)` when they are not a member.
    async fn member_roles(&self, guild: i64, user: i64) -> Result<Option<Vec<i64>>, String>;
    /// Re-renders the election's Discord message (the embed with its candidates).
    async fn refresh_election(&self, election_id: i32) -> Result<(), String>;
}

/// A vote as the ballot summary shows it.
#[derive(Debug, Serialize)]
struct VoteRow {
    rank: i32,
    candidate: String,
}

/// A candidate as the ballot shows it.
#[derive(Debug, Serialize)]
struct CandidateRow {
    id: i32,
    name: String,
}

/// The open election `id` or the Not Found page.
async fn open_election(state: &AppState, id: &str) -> Result<elections::Model, WebError> {
    let id: i32 = id.parse().map_err(|_| WebError::NotFound)?;
    elections::Entity::find_by_id(id)
        .one(state.db())
        .await?
        .filter(|e| e.active)
        .ok_or(WebError::NotFound)
}

/// Whether `user` may vote in `election` (private elections: member of the guild with the
/// voter role).
async fn check_voter(
    state: &AppState,
    election: &elections::Model,
    user: &DiscordUser,
) -> Result<(), WebError> {
    if !election.private {
        return Ok(());
    }
    let discord = state.election_discord().ok_or_else(|| {
        WebError::page(
            StatusCode::SERVICE_UNAVAILABLE,
            "Voting Unavailable",
            "This private election cannot check voters right now. Please try again later.",
        )
    })?;
    let (Some(guild), Some(role)) = (election.guild_id, election.voter_role_id) else {
        return Err(WebError::forbidden(
            "Access Denied",
            "You are not authorized to vote in this election.",
        ));
    };
    match discord.member_roles(guild, user.id).await {
        Ok(None) => Err(WebError::forbidden(
            "Access Denied",
            "You were not found in the server. Contact the bot's owner if this is wrong.",
        )),
        Ok(Some(roles)) if roles.contains(&role) => Ok(()),
        Ok(Some(_)) => Err(WebError::forbidden(
            "Access Denied",
            "You are not authorized to vote in this election.",
        )),
        Err(e) => {
            tracing::warn!(error = %e, election = election.id, "member lookup failed");
            Err(WebError::page(
                StatusCode::BAD_GATEWAY,
                "Voting Unavailable",
                "Discord did not answer. Please try again later.",
            ))
        }
    }
}

async fn candidates_of(
    db: &impl ConnectionTrait,
    election: i32,
) -> Result<Vec<candidates::Model>, WebError> {
    Ok(candidates::Entity::find()
        .filter(candidates::Column::ElectionId.eq(election))
        .order_by_asc(candidates::Column::Id)
        .all(db)
        .await?)
}

/// The user's stored votes, by rank, with candidate names.
async fn votes_of(
    state: &AppState,
    election: i32,
    user: i64,
    candidates: &[candidates::Model],
) -> Result<Vec<VoteRow>, WebError> {
    let names: BTreeMap<i32, String> = candidates
        .iter()
        .map(|c| (c.id, c.name.clone().unwrap_or_default()))
        .collect();
    Ok(votes::Entity::find()
        .filter(votes::Column::ElectionId.eq(election))
        .filter(votes::Column::UserId.eq(user))
        .order_by_asc(votes::Column::Rank)
        .all(state.db())
        .await?
        .into_iter()
        .map(|v| VoteRow {
            rank: v.rank.unwrap_or_default(),
            candidate: names.get(&v.candidate_id).cloned().unwrap_or_default(),
        })
        .collect())
}

fn summary(
    session: &Session,
    user: &DiscordUser,
    election: &elections::Model,
    votes: Vec<VoteRow>,
) -> Result<Response, WebError> {
    render_page(
        "ranked_voted.html",
        Some(user),
        session,
        minijinja::context! { title => election.title, votes => votes },
    )
}

/// `GET /ranked_choice/<id>`: the ballot, or the user's votes when they already voted.
#[handler]
pub(crate) async fn ballot_page(
    session: &Session,
    req: &Request,
    state: Data<&AppState>,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let user = session::require_user(session, req)?;
    let election = open_election(&state, &id).await?;
    check_voter(&state, &election, &user).await?;
    let candidates = candidates_of(state.db(), election.id).await?;
    let mine = votes_of(&state, election.id, user.id, &candidates).await?;
    if !mine.is_empty() {
        return summary(session, &user, &election, mine);
    }
    let rows: Vec<CandidateRow> = candidates
        .iter()
        .map(|c| CandidateRow {
            id: c.id,
            name: c.name.clone().unwrap_or_default(),
        })
        .collect();
    render_page(
        "ranked_ballot.html",
        Some(&user),
        session,
        minijinja::context! {
            id => election.id, title => election.title, description => election.description,
            candidates => rows, max_rank => candidates.len(),
        },
    )
}

/// Checks a ballot: `candidate_<id>` fields of this election's candidates, blank or a rank
/// from 1 to the number of candidates, every rank used once. Returns `(candidate, rank)`
/// sorted by rank.
pub(crate) fn parse_ballot(
    fields: &[(String, String)],
    candidates: &[i32],
) -> Result<Vec<(i32, i32)>, WebError> {
    let mut seen = HashSet::new();
    let mut ranks = HashSet::new();
    let mut out = Vec::new();
    let max = i32::try_from(candidates.len()).unwrap_or(i32::MAX);
    for (key, value) in fields {
        let Some(id) = key.strip_prefix("candidate_") else {
            continue;
        };
        let id: i32 = id
            .parse()
            .map_err(|_| WebError::bad_request("Invalid candidate"))?;
        if !candidates.contains(&id) || !seen.insert(id) {
            return Err(WebError::bad_request("Invalid candidate"));
        }
        let value = value.trim();
        if value.is_empty() {
            continue;
        }
        let rank: i32 = value
            .parse()
            .ok()
            .filter(|r| (1..=max).contains(r))
            .ok_or_else(|| {
                WebError::bad_request(format!("Every rank must be a number from 1 to {max}."))
            })?;
        if !ranks.insert(rank) {
            return Err(WebError::bad_request(
                "Every candidate you rank needs a distinct rank.",
            ));
        }
        out.push((id, rank));
    }
    if out.is_empty() {
        return Err(WebError::bad_request("Rank at least one candidate."));
    }
    out.sort_by_key(|&(_, rank)| rank);
    Ok(out)
}

/// `POST /ranked_choice/<id>`: stores the ballot once per user, then refreshes the
/// election's Discord message (a Discord failure is logged, the vote stays).
#[handler]
pub(crate) async fn vote(
    session: &Session,
    req: &Request,
    config: Data<&Arc<WebConfig>>,
    state: Data<&AppState>,
    Path(id): Path<String>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let user = session::require_user(session, req)?;
    let token = fields
        .iter()
        .find(|(k, _)| k == "csrf_token")
        .map(|(_, v)| v.as_str());
    session::verify_csrf(session, req, &config.app_url, token)?;
    let election = open_election(&state, &id).await?;
    check_voter(&state, &election, &user).await?;
    let txn = state.db().begin().await?;
    if txn.get_database_backend() != DatabaseBackend::Sqlite {
        // Serialises concurrent ballots of this election (SQLite serialises writers).
        elections::Entity::find_by_id(election.id)
            .lock_exclusive()
            .one(&txn)
            .await?;
    }
    let candidates = candidates_of(&txn, election.id).await?;
    let ids: Vec<i32> = candidates.iter().map(|c| c.id).collect();
    let ballot = parse_ballot(&fields, &ids)?;
    let already = votes::Entity::find()
        .filter(votes::Column::ElectionId.eq(election.id))
        .filter(votes::Column::UserId.eq(user.id))
        .one(&txn)
        .await?;
    if already.is_some() {
        return Err(WebError::forbidden(
            "Already Voted",
            "You already voted in this election. Contact the bot's owner to change your vote.",
        ));
    }
    let now = chrono::Utc::now().naive_utc();
    votes::Entity::insert_many(ballot.iter().map(|&(candidate, rank)| votes::ActiveModel {
        election_id: ActiveValue::Set(election.id),
        user_id: ActiveValue::Set(user.id),
        candidate_id: ActiveValue::Set(candidate),
        rank: ActiveValue::Set(Some(rank)),
        created: ActiveValue::Set(now),
        updated: ActiveValue::Set(now),
        ..Default::default()
    }))
    .exec(&txn)
    .await?;
    txn.commit().await?;
    tracing::info!(
        election = election.id,
        discord_user_id = user.id,
        ranked = ballot.len(),
        "ranked-choice ballot stored"
    );
    match state.election_discord() {
        Some(discord) => {
            if let Err(e) = discord.refresh_election(election.id).await {
                tracing::warn!(error = %e, election = election.id, "election message not refreshed");
            }
        }
        None => tracing::info!(
            election = election.id,
            "Discord not configured: election message not refreshed"
        ),
    }
    let mine = votes_of(&state, election.id, user.id, &candidates).await?;
    summary(session, &user, &election, mine)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn ballots_are_validated() {
        let c = [1, 2, 3];
        let ok = parse_ballot(
            &f(&[
                ("candidate_2", "1"),
                ("candidate_1", "2"),
                ("candidate_3", ""),
                ("csrf_token", "x"),
            ]),
            &c,
        )
        .expect("valid");
        assert_eq!(ok, vec![(2, 1), (1, 2)]);
        for bad in [
            vec![("candidate_1", "1"), ("candidate_2", "1")],
            vec![
                ("candidate_1", "2"),
                ("candidate_2", "1"),
                ("candidate_3", "2"),
            ],
            vec![("candidate_9", "1")],
            vec![("candidate_x", "1")],
            vec![("candidate_1", "0")],
            vec![("candidate_1", "4")],
            vec![("candidate_1", "-1")],
            vec![("candidate_1", "one")],
            vec![("candidate_1", "")],
            vec![("candidate_1", "1"), ("candidate_1", "2")],
        ] {
            assert!(parse_ballot(&f(&bad), &c).is_err(), "{bad:?}");
        }
    }
}
