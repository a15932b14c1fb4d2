//! The `rankedchoice` group (`discord.md` §2.14): `/rankedchoice create` posts an
//! election (voting happens on the web site); its persistent "End Election" button lets the
//! owner close it, count the ballots ([`tally`]) and post the result.
//!
//! Difference from the original (fix D1): `create` really requires an administrator or the
//! bot owner.

use std::collections::{BTreeMap, HashMap};

use sahasrahbot_core::db::entities::{
    ranked_choice_candidate as candidates, ranked_choice_election as elections,
    ranked_choice_votes as votes,
};
use sahasrahbot_core::reference::reference_id;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter,
    QueryOrder, TransactionTrait,
};
use twilight_model::application::command::{Command, CommandType};
use twilight_model::application::interaction::InteractionContextType;
use twilight_model::channel::message::Embed;
use twilight_model::channel::message::component::{ActionRow, Button, ButtonStyle, Component};
use twilight_model::guild::Permissions;
use twilight_model::http::attachment::Attachment;
use twilight_model::http::interaction::{
    InteractionResponse, InteractionResponseData, InteractionResponseType,
};
use twilight_model::id::Id;
use twilight_model::id::marker::{ChannelMarker, MessageMarker};
use twilight_util::builder::command::{
    BooleanBuilder, CommandBuilder, IntegerBuilder, RoleBuilder, StringBuilder, SubCommandBuilder,
};

use super::db_id;
use crate::Result;
use crate::context::{Ctx, Options};
use crate::embeds::alttpr::field;
use crate::errors::{Error, user_message};

/// The persistent "End Election" button of election messages.
pub const END_ELECTION_ID: &str = "sahasrahbot:rankedchoice:end_election";
/// The longest title the table holds.
const MAX_TITLE: usize = 200;
/// The longest description the table holds.
const MAX_DESCRIPTION: usize = 2000;
/// The longest candidate name the table holds.
const MAX_CANDIDATE: usize = 200;
/// Tolerance of vote-weight comparisons (fractional transfers).
const EPSILON: f64 = 1e-9;

/// `/rankedchoice create`: guild only, shown to administrators.
pub fn rankedchoice_command() -> Command {
    CommandBuilder::new(
        "rankedchoice",
        "Ranked-choice elections.",
        CommandType::ChatInput,
    )
    .contexts([InteractionContextType::Guild])
    .default_member_permissions(Permissions::ADMINISTRATOR)
    .option(
        SubCommandBuilder::new("create", "Create a ranked choice election.")
            .option(StringBuilder::new("title", "The title of the election.").required(true))
            .option(
                StringBuilder::new(
                    "candidates",
                    "The candidates for the election, separated by commas.",
                )
                .required(true),
            )
            .option(
                IntegerBuilder::new("seats", "The number of seats to fill (default 1).")
                    .min_value(1),
            )
            .option(StringBuilder::new(
                "description",
                "The description of the election.",
            ))
            .option(RoleBuilder::new(
                "authorized_voters_role",
                "The role allowed to vote. If not given, anyone can vote.",
            ))
            .option(BooleanBuilder::new(
                "show_vote_count",
                "Whether to show who has voted (default yes).",
            )),
    )
    .build()
}

/// One round of the count.
#[derive(Debug, Clone, PartialEq)]
pub struct Round {
    /// The votes of each continuing candidate this round, in candidate order.
    pub counts: Vec<(u32, f64)>,
    /// Candidates elected this round (highest first).
    pub elected: Vec<u32>,
    /// The candidate eliminated this round.
    pub eliminated: Option<u32>,
}

/// The outcome of [`tally`].
#[derive(Debug, Clone, PartialEq)]
pub struct Tally {
    /// The Droop quota: a candidate with at least this many votes is elected.
    pub quota: f64,
    /// The winners, in the order they were elected.
    pub winners: Vec<u32>,
    /// The rounds of the count.
    pub rounds: Vec<Round>,
}

/// Counts ranked ballots by single transferable vote: the Droop quota
/// (`floor(ballots / (seats + 1)) + 1`); each round every continuing candidate reaching
/// the quota is elected and its surplus moves on to the next preferences at a reduced
/// weight (`surplus / votes`); when nobody reaches it, the candidate with the fewest votes
/// is eliminated (a tie goes against the one with fewer votes in the latest earlier round
/// that separates them, then against the later candidate) and its ballots move on; when
/// no more candidates continue than seats remain, they are all elected. With one seat this
/// is instant-runoff voting.
///
/// `candidates` gives the candidates in order; each ballot lists candidates by preference
/// (unknown or repeated entries are skipped).
pub fn tally(candidates: &[u32], ballots: &[Vec<u32>], seats: usize) -> Tally {
    let ballots: Vec<Vec<u32>> = ballots
        .iter()
        .map(|b| {
            let mut seen = Vec::new();
            for c in b {
                if candidates.contains(c) && !seen.contains(c) {
                    seen.push(*c);
                }
            }
            seen
        })
        .filter(|b| !b.is_empty())
        .collect();
    #[allow(
        clippy::cast_precision_loss,
        reason = "ballot counts are far below 2^52"
    )]
    let quota = ((ballots.len() / (seats + 1)) + 1) as f64;
    let mut weights = vec![1.0_f64; ballots.len()];
    let mut continuing: Vec<u32> = candidates.to_vec();
    let mut winners: Vec<u32> = Vec::new();
    let mut rounds: Vec<Round> = Vec::new();
    while winners.len() < seats && !continuing.is_empty() {
        // Each ballot counts for its first continuing preference.
        let mut totals: HashMap<u32, f64> = continuing.iter().map(|c| (*c, 0.0)).collect();
        let mut holder: Vec<Option<u32>> = vec![None; ballots.len()];
        for (i, ballot) in ballots.iter().enumerate() {
            if let Some(c) = ballot.iter().find(|c| continuing.contains(c)) {
                *totals.entry(*c).or_default() += weights[i];
                holder[i] = Some(*c);
            }
        }
        let counts: Vec<(u32, f64)> = continuing.iter().map(|c| (*c, totals[c])).collect();
        let open = seats - winners.len();
        let mut round = Round {
            counts: counts.clone(),
            elected: Vec::new(),
            eliminated: None,
        };
        if continuing.len() <= open {
            let mut rest = counts.clone();
            rest.sort_by(|a, b| b.1.total_cmp(&a.1));
            round.elected = rest.iter().map(|(c, _)| *c).collect();
        } else {
            let mut reached: Vec<(u32, f64)> = counts
                .iter()
                .filter(|(_, v)| *v + EPSILON >= quota)
                .copied()
                .collect();
            reached.sort_by(|a, b| b.1.total_cmp(&a.1));
            reached.truncate(open);
            if reached.is_empty() {
                round.eliminated = Some(loser(&counts, &rounds));
            } else {
                for (c, v) in &reached {
                    let keep = if *v > EPSILON {
                        (v - quota).max(0.0) / v
                    } else {
                        0.0
                    };
                    for (i, h) in holder.iter().enumerate() {
                        if *h == Some(*c) {
                            weights[i] *= keep;
                        }
                    }
                }
                round.elected = reached.iter().map(|(c, _)| *c).collect();
            }
        }
        winners.extend(&round.elected);
        continuing.retain(|c| !round.elected.contains(c) && round.eliminated != Some(*c));
        rounds.push(round);
    }
    Tally {
        quota,
        winners,
        rounds,
    }
}

/// The candidate to eliminate: the fewest votes; ties broken by the latest earlier round
/// that separates the tied, then against the later candidate.
fn loser(counts: &[(u32, f64)], earlier: &[Round]) -> u32 {
    let lowest = counts.iter().map(|(_, v)| *v).fold(f64::INFINITY, f64::min);
    let mut tied: Vec<u32> = counts
        .iter()
        .filter(|(_, v)| (*v - lowest).abs() < EPSILON)
        .map(|(c, _)| *c)
        .collect();
    for round in earlier.iter().rev() {
        if tied.len() < 2 {
            break;
        }
        let of = |c: u32| {
            round
                .counts
                .iter()
                .find(|(x, _)| *x == c)
                .map_or(0.0, |(_, v)| *v)
        };
        let low = tied.iter().map(|c| of(*c)).fold(f64::INFINITY, f64::min);
        tied.retain(|c| (of(*c) - low).abs() < EPSILON);
    }
    tied.last().copied().unwrap_or_default()
}

/// The result as text (the `results` column and `results.txt`): every round's counts and
/// what happened, then the winners.
pub fn results_text(tally: &Tally, names: &BTreeMap<u32, String>, ballots: usize) -> String {
    let name = |c: &u32| names.get(c).cloned().unwrap_or_else(|| format!("#{c}"));
    let mut out = format!(
        "Single transferable vote: {ballots} ballot(s), quota {}\n",
        tally.quota
    );
    for (i, round) in tally.rounds.iter().enumerate() {
        out.push_str(&format!("\nRound {}\n", i + 1));
        let width = round
            .counts
            .iter()
            .map(|(c, _)| name(c).chars().count())
            .max()
            .unwrap_or(0);
        for (c, v) in &round.counts {
            out.push_str(&format!("  {:<width$}  {v:>8.2}\n", name(c)));
        }
        for c in &round.elected {
            out.push_str(&format!("  Elected: {}\n", name(c)));
        }
        if let Some(c) = &round.eliminated {
            out.push_str(&format!("  Eliminated: {}\n", name(c)));
        }
    }
    let winners: Vec<String> = tally.winners.iter().map(name).collect();
    out.push_str(&format!("\nWinners: {}\n", winners.join(", ")));
    out
}

/// The election embed: title, description, then non-inline "Seats up for election",
/// "Candidates" (numbered, ✅ after winners), "Authorized Voters Role" (private elections),
/// "Vote URL", "Owner", "Status"; footer "ID: n".
pub fn election_embed(
    election: &elections::Model,
    candidates: &[candidates::Model],
    app_url: &str,
) -> Embed {
    let list: Vec<String> = candidates
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let mark = if c.winner == Some(true) { " ✅" } else { "" };
            format!("{}. {}{mark}", i + 1, c.name.as_deref().unwrap_or_default())
        })
        .collect();
    let mut fields = vec![
        field("Seats up for election", election.seats.to_string(), false),
        field("Candidates", list.join("\n"), false),
    ];
    if election.private
        && let Some(role) = election.voter_role_id
    {
        fields.push(field(
            "Authorized Voters Role",
            format!("<@&{role}>"),
            false,
        ));
    }
    fields.push(field(
        "Vote URL",
        format!("{app_url}/ranked_choice/{}", election.id),
        false,
    ));
    fields.push(field("Owner", format!("<@{}>", election.owner_id), false));
    fields.push(field(
        "Status",
        if election.active { "Open" } else { "Closed" },
        false,
    ));
    let mut embed = crate::embeds::embed(
        &election.title,
        election.description.clone(),
        0,
        fields,
        Some(&format!("ID: {}", election.id)),
    );
    embed.color = None;
    embed.timestamp = None;
    embed
}

fn end_button() -> Component {
    Component::ActionRow(ActionRow {
        components: vec![Component::Button(Button {
            custom_id: Some(END_ELECTION_ID.to_owned()),
            disabled: false,
            emoji: None,
            label: Some("End Election".to_owned()),
            style: ButtonStyle::Danger,
            url: None,
            sku_id: None,
            id: None,
        })],
        id: None,
    })
}

fn bounded(value: &str, name: &str, max: usize) -> Result<String> {
    let value = value.trim();
    if value.is_empty() {
        return Err(Error::BadOption(format!("`{name}` cannot be empty.")));
    }
    if value.chars().count() > max {
        return Err(Error::BadOption(format!(
            "`{name}` is too long (at most {max} characters)."
        )));
    }
    Ok(value.to_owned())
}

/// The candidates of `election`, in the order they were given.
async fn candidates_of(ctx: &Ctx, election: i32) -> Result<Vec<candidates::Model>> {
    candidates::Entity::find()
        .filter(candidates::Column::ElectionId.eq(election))
        .order_by_asc(candidates::Column::Id)
        .all(&ctx.bot.deps.db)
        .await
        .map_err(Error::from)
}

/// `/rankedchoice create`: administrators or the bot owner (fix D1); options checked
/// first (ephemeral errors); the election and its candidates stored, the public election
/// embed with "End Election" posted, and its message id stored.
pub(crate) async fn create(ctx: &Ctx, options: &Options) -> Result<()> {
    ctx.require_admin()?;
    let guild = ctx.require_guild()?;
    let channel = ctx.require_channel()?;
    let owner = ctx
        .user_id()
        .ok_or_else(|| Error::BadOption("No user on this interaction.".to_owned()))?;
    let title = bounded(options.required_string("title")?, "title", MAX_TITLE)?;
    let description = options
        .string("description")
        .map(|d| bounded(d, "description", MAX_DESCRIPTION))
        .transpose()?;
    let names = options
        .required_string("candidates")?
        .split(',')
        .map(|c| bounded(c, "candidates", MAX_CANDIDATE))
        .collect::<Result<Vec<String>>>()?;
    let seats = options.integer("seats").unwrap_or(1);
    let seats = i16::try_from(seats)
        .ok()
        .filter(|s| *s >= 1 && usize::from(s.unsigned_abs()) <= names.len())
        .ok_or_else(|| {
            Error::BadOption(format!(
                "`seats` must be between 1 and the number of candidates ({}).",
                names.len()
            ))
        })?;
    let role = options.id("authorized_voters_role");
    let show_vote_count = options.boolean("show_vote_count").unwrap_or(true);

    let txn = ctx.bot.deps.db.begin().await?;
    let election = elections::ActiveModel {
        guild_id: Set(Some(db_id(guild.get())?)),
        channel_id: Set(Some(db_id(channel.get())?)),
        message_id: Set(None),
        owner_id: Set(db_id(owner.get())?),
        title: Set(title),
        description: Set(description),
        show_vote_count: Set(show_vote_count),
        active: Set(true),
        private: Set(role.is_some()),
        seats: Set(seats),
        results: Set(None),
        voter_role_id: Set(role.map(db_id).transpose()?),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    for name in names {
        candidates::ActiveModel {
            name: Set(Some(name)),
            election_id: Set(election.id),
            winner: Set(None),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
    }
    txn.commit().await?;

    let listed = candidates_of(ctx, election.id).await?;
    let embed = election_embed(&election, &listed, &ctx.bot.cogs.app_url);
    let message = ctx
        .reply_and_fetch(InteractionResponseData {
            embeds: Some(vec![embed]),
            components: Some(vec![end_button()]),
            ..Default::default()
        })
        .await?;
    let mut row = election.into_active_model();
    row.message_id = Set(Some(db_id(message.id.get())?));
    let election = row.update(&ctx.bot.deps.db).await?;
    tracing::info!(election = election.id, message = %message.id, "election created");
    Ok(())
}

/// "End Election": deferred update; then, for the owner of an open election, the ballots
/// are counted, the winners and the result stored, the election closed, its message
/// edited (fresh embed and `results.txt`) and an ephemeral confirmation sent. Others get an
/// ephemeral refusal. Errors after the deferred update are sent as ephemeral follow-ups
/// (the election message is never overwritten with an error).
pub(crate) async fn end_election(ctx: &Ctx) -> Result<()> {
    ctx.respond(InteractionResponse {
        kind: InteractionResponseType::DeferredUpdateMessage,
        data: None,
    })
    .await?;
    if let Err(error) = close(ctx).await {
        let reference = reference_id();
        tracing::error!(reference = %reference, error = ?error, "ending an election failed");
        let emoji = ctx.bot.emoji("RIPLink");
        let text = user_message(&error, emoji.as_deref(), &reference);
        ctx.followup_ephemeral(&text).await?;
    }
    Ok(())
}

async fn close(ctx: &Ctx) -> Result<()> {
    let message_id = ctx
        .interaction
        .message
        .as_ref()
        .map(|m| m.id.get())
        .ok_or_else(|| Error::BadOption("This button is not on a message.".to_owned()))?;
    let election = elections::Entity::find()
        .filter(elections::Column::MessageId.eq(db_id(message_id)?))
        .one(&ctx.bot.deps.db)
        .await?
        .ok_or_else(|| Error::BadOption("This election does not exist any more.".to_owned()))?;
    let clicker = ctx.user_id().map(|u| u.get());
    if clicker.and_then(|u| i64::try_from(u).ok()) != Some(election.owner_id) {
        return ctx
            .followup_ephemeral("You are not the owner of this election.")
            .await;
    }
    if !election.active {
        return ctx
            .followup_ephemeral("This election is already closed.")
            .await;
    }
    let listed = candidates_of(ctx, election.id).await?;
    let rows = votes::Entity::find()
        .filter(votes::Column::ElectionId.eq(election.id))
        .order_by_asc(votes::Column::UserId)
        .order_by_asc(votes::Column::Rank)
        .order_by_asc(votes::Column::Id)
        .all(&ctx.bot.deps.db)
        .await?;
    let ids: Vec<u32> = listed
        .iter()
        .filter_map(|c| u32::try_from(c.id).ok())
        .collect();
    let mut by_voter: BTreeMap<i64, Vec<u32>> = BTreeMap::new();
    for vote in rows.iter().filter(|v| v.rank.is_some()) {
        if let Ok(c) = u32::try_from(vote.candidate_id) {
            by_voter.entry(vote.user_id).or_default().push(c);
        }
    }
    let ballots: Vec<Vec<u32>> = by_voter.into_values().collect();
    let seats = usize::from(election.seats.unsigned_abs());
    let outcome = tally(&ids, &ballots, seats);
    let names: BTreeMap<u32, String> = listed
        .iter()
        .filter_map(|c| {
            Some((
                u32::try_from(c.id).ok()?,
                c.name.clone().unwrap_or_default(),
            ))
        })
        .collect();
    let text = results_text(&outcome, &names, ballots.len());

    let txn = ctx.bot.deps.db.begin().await?;
    for candidate in &listed {
        let won = u32::try_from(candidate.id).is_ok_and(|id| outcome.winners.contains(&id));
        let mut row = candidate.clone().into_active_model();
        row.winner = Set(Some(won));
        row.update(&txn).await?;
    }
    let mut row = election.clone().into_active_model();
    row.results = Set(Some(text.clone()));
    row.active = Set(false);
    let election = row.update(&txn).await?;
    txn.commit().await?;

    let listed = candidates_of(ctx, election.id).await?;
    let embed = election_embed(&election, &listed, &ctx.bot.cogs.app_url);
    let channel = election
        .channel_id
        .and_then(|c| u64::try_from(c).ok())
        .and_then(Id::<ChannelMarker>::new_checked)
        .ok_or_else(|| Error::BadOption("This election has no channel.".to_owned()))?;
    let message = Id::<MessageMarker>::new_checked(message_id)
        .ok_or_else(|| Error::BadOption("This button is not on a message.".to_owned()))?;
    let attachment = Attachment::from_bytes("results.txt".to_owned(), text.into_bytes(), 0);
    ctx.bot
        .http
        .update_message(channel, message)
        .embeds(Some(&[embed]))
        .attachments(&[attachment])
        .await?;
    tracing::info!(election = election.id, winners = ?outcome.winners, "election ended");
    ctx.followup_ephemeral("Successfully ended the election.")
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ballots(spec: &[(usize, &[u32])]) -> Vec<Vec<u32>> {
        spec.iter()
            .flat_map(|(n, b)| std::iter::repeat_n(b.to_vec(), *n))
            .collect()
    }

    #[test]
    fn a_majority_wins_in_the_first_round() {
        let t = tally(
            &[1, 2, 3],
            &ballots(&[(4, &[1, 2]), (2, &[2]), (1, &[3])]),
            1,
        );
        assert_eq!(t.winners, [1]);
        assert_eq!(t.quota, 4.0);
        assert_eq!(t.rounds.len(), 1);
        assert_eq!(t.rounds[0].counts, [(1, 4.0), (2, 2.0), (3, 1.0)]);
    }

    #[test]
    fn instant_runoff_transfers_the_eliminated_ballots() {
        // A 4, B 3, C 2 (C's voters prefer B): C out, then B wins 5 to 4.
        let t = tally(
            &[1, 2, 3],
            &ballots(&[(4, &[1]), (3, &[2, 1]), (2, &[3, 2])]),
            1,
        );
        assert_eq!(t.rounds[0].eliminated, Some(3));
        assert_eq!(t.rounds[1].counts, [(1, 4.0), (2, 5.0)]);
        assert_eq!(t.winners, [2]);
    }

    #[test]
    fn surpluses_move_on_at_a_reduced_weight() {
        // 2 seats, 9 ballots: quota 4. A has 6 (surplus 2 → 1/3 each to B), then B has
        // 2 + 2 = 4 and is elected before C (3).
        let t = tally(
            &[1, 2, 3],
            &ballots(&[(6, &[1, 2]), (2, &[2]), (1, &[3])]),
            2,
        );
        assert_eq!(t.quota, 4.0);
        assert_eq!(t.rounds[0].elected, [1]);
        let b = t.rounds[1].counts.iter().find(|(c, _)| *c == 2).unwrap().1;
        assert!((b - 4.0).abs() < 1e-9, "{b}");
        assert_eq!(t.winners, [1, 2]);
    }

    #[test]
    fn ties_go_against_the_lower_earlier_count_then_the_later_candidate() {
        // Round 1: A 3, B 2, C 2, D 1 → D out (to C). Round 2: A 3, B 2, C 3 → B out.
        let t = tally(
            &[1, 2, 3, 4],
            &ballots(&[(3, &[1]), (2, &[2]), (2, &[3]), (1, &[4, 3])]),
            1,
        );
        assert_eq!(t.rounds[0].eliminated, Some(4));
        assert_eq!(t.rounds[1].eliminated, Some(2));
        // Round 3: A 3, C 3 (+B's ballots exhaust) → tie, earlier round: A 3 vs C 3, then
        // round 1: A 3 vs C 2 → C out; A wins.
        assert_eq!(t.rounds[2].eliminated, Some(3));
        assert_eq!(t.winners, [1]);
        // A tie with no history goes against the later candidate.
        let t = tally(&[1, 2], &ballots(&[(1, &[1]), (1, &[2])]), 1);
        assert_eq!(t.quota, 2.0);
        assert_eq!(t.rounds[0].eliminated, Some(2));
        assert_eq!(t.winners, [1]);
    }

    #[test]
    fn unknown_repeated_and_empty_preferences_are_ignored() {
        let t = tally(&[1, 2], &[vec![9, 2, 2, 1], vec![], vec![2]], 1);
        assert_eq!(t.winners, [2]);
        assert_eq!(t.rounds[0].counts, [(1, 0.0), (2, 2.0)]);
    }

    #[test]
    fn with_no_ballots_the_seats_still_fill_and_the_text_lists_every_round() {
        let t = tally(&[1, 2, 3], &[], 2);
        assert_eq!(t.winners.len(), 2);
        let names: BTreeMap<u32, String> = [
            (1, "Ann".to_owned()),
            (2, "Bo".to_owned()),
            (3, "Cy".to_owned()),
        ]
        .into();
        let text = results_text(&t, &names, 0);
        assert!(text.starts_with("Single transferable vote: 0 ballot(s), quota 1\n"));
        assert!(text.contains("\nRound 1\n"));
        assert!(text.ends_with(&format!(
            "Winners: {}\n",
            t.winners.iter().map(|w| names[w].clone()).collect::<Vec<_>>().join(", ")
        )));
    }
}
