//! The owner commands (`discord.md` §4.3): `/async create` for the bot's owner (the
//! application owner Discord reports); `addseed`, `repost` and `permissions` for the bot's
//! owner, the tournament's owner or a tournament admin (`DECISIONS.md`: not the owner only).
//!
//! Seeds are alttpr.com race games (tournament, spoilers off, the preset's hints, quickswap
//! allowed) stored as the permalink and the file-select code joined with `/`.
//!
//! Differences from the original: the `permalinks` option, the presets and the channel are
//! checked before anything is written or generated (refusals are ephemeral; the original
//! raised on a malformed row and answered "already associated" publicly); `addseed` rolls
//! from the option's preset only when the pool has none stored, and names an unknown pool.

use sahasrahbot_core::db::entities::asynctournament as at_model;
use sahasrahbot_core::presets::Preset;
use sahasrahbot_core::presets::alttpr::AlttprOptions;
use sahasrahbot_tournament::asynctournament as at;
use twilight_model::application::interaction::InteractionData;
use twilight_model::id::Id;

use super::{invoker, runner, texts, views};
use crate::Result;
use crate::commands::generator::{alttpr_preset_named, roll_alttpr};
use crate::context::{Ctx, Options};
use crate::errors::Error;

/// Whether the invoker owns the bot; tells them otherwise.
async fn bot_owner(ctx: &Ctx) -> Result<bool> {
    if ctx.user_id().is_some_and(|u| ctx.bot.is_owner(u)) {
        return Ok(true);
    }
    ctx.tell(texts::OWNER_ONLY).await?;
    Ok(false)
}

/// Whether the invoker may run an owner-level command on `tournament`: its owner, the bot
/// owner or a tournament admin (`DECISIONS.md`); refused privately otherwise.
async fn administers(ctx: &Ctx, tournament: &at_model::Model) -> Result<bool> {
    if super::staff::actor(ctx, tournament)
        .await?
        .administers(tournament)
    {
        return Ok(true);
    }
    ctx.tell(texts::ADMINS_ONLY).await?;
    Ok(false)
}

/// `count` race seeds rolled from `preset`.
async fn roll_seeds(ctx: &Ctx, preset: &Preset, count: u32) -> Result<Vec<at::NewSeed>> {
    let mut seeds = Vec::new();
    for _ in 0..count {
        let (_, seed) = roll_alttpr(&ctx.bot.deps, preset, &AlttprOptions::discord(true)).await?;
        seeds.push(at::NewSeed {
            notes: seed.code.as_ref().map(|code| code.join("/")),
            url: seed.url,
        });
    }
    Ok(seeds)
}

/// The tournament embed and its 🏁 button as the follow-up of a deferred command.
async fn post_tournament(ctx: &Ctx, tournament: &at_model::Model) -> Result<()> {
    let embed = views::tournament_embed(&tournament.name, tournament.owner_id, tournament.id);
    ctx.bot
        .http
        .interaction(ctx.bot.application_id)
        .create_followup(&ctx.interaction.token)
        .embeds(&[embed])
        .components(&views::tournament_view())
        .await?;
    Ok(())
}

/// `/async create name permalinks [report_channel]`: everything is checked first (the
/// permalinks option, the channel, the presets; refusals ephemeral), then a public defer,
/// every seed rolled, and only then the tournament, its pools and seeds written in one
/// transaction (a seed provider failing midway writes nothing), and the tournament embed.
pub(crate) async fn create(ctx: &Ctx, options: &Options) -> Result<()> {
    if !bot_owner(ctx).await? {
        return Ok(());
    }
    let guild = ctx.require_guild()?.get();
    let channel = ctx.require_channel()?.get();
    let name = options.required_string("name")?.trim().to_owned();
    let specs = at::parse_pool_specs(options.required_string("permalinks")?)?;
    let svc = &ctx.bot.asyncs;
    if svc.tournament_by_channel(channel).await?.is_some() {
        return Err(sahasrahbot_tournament::Error::AsyncChannelTaken.into());
    }
    let mut presets = Vec::with_capacity(specs.len());
    for spec in &specs {
        presets.push(alttpr_preset_named(&ctx.bot.deps, &spec.preset).await?);
    }
    ctx.defer(false).await?;
    let mut pools = Vec::with_capacity(specs.len());
    for (spec, preset) in specs.iter().zip(&presets) {
        pools.push(at::NewPool {
            name: spec.name.clone(),
            preset: Some(spec.preset.clone()),
            seeds: roll_seeds(ctx, preset, spec.count).await?,
        });
    }
    let tournament = svc
        .create_tournament_with_pools(
            at::NewTournament {
                name,
                guild_id: guild,
                channel_id: channel,
                owner_id: invoker(ctx)?,
                report_channel_id: options.channel("report_channel").map(|c| c.get()),
            },
            &pools,
        )
        .await?;
    tracing::info!(
        tournament = tournament.id,
        pools = pools.len(),
        "async tournament created"
    );
    post_tournament(ctx, &tournament).await
}

/// `/async addseed pool_name preset [num]`: in the tournament channel; seeds rolled from
/// the pool's stored preset (the option's when the pool has none), every one before any is
/// written (a seed provider failing midway adds none).
pub(crate) async fn addseed(ctx: &Ctx, options: &Options) -> Result<()> {
    let Some(tournament) = runner::tournament_here(ctx).await? else {
        return Ok(());
    };
    if !administers(ctx, &tournament).await? {
        return Ok(());
    }
    let pool_name = options.required_string("pool_name")?;
    let svc = &ctx.bot.asyncs;
    let Some(pool) = svc.pool_by_name(tournament.id, pool_name).await? else {
        return ctx.tell(&texts::unknown_pool(pool_name)).await;
    };
    let preset_name = match pool.preset.as_deref().filter(|p| !p.is_empty()) {
        Some(stored) => stored.to_owned(),
        None => options.required_string("preset")?.to_owned(),
    };
    let count = u32::try_from(options.integer("num").unwrap_or(1))
        .ok()
        .filter(|n| (1..=at::rules::MAX_SEEDS_PER_POOL).contains(n))
        .ok_or_else(|| {
            Error::BadOption(format!(
                "`num` must be from 1 to {}.",
                at::rules::MAX_SEEDS_PER_POOL
            ))
        })?;
    let preset = alttpr_preset_named(&ctx.bot.deps, &preset_name).await?;
    ctx.defer(false).await?;
    let seeds = roll_seeds(ctx, &preset, count).await?;
    svc.add_seeds(tournament.id, &pool.name, &seeds).await?;
    ctx.followup(Some(&texts::seeds_added(count, &pool.name)), &[])
        .await
}

/// `/async repost`: the tournament embed and its button again (the old ones keep working).
pub(crate) async fn repost(ctx: &Ctx) -> Result<()> {
    let Some(tournament) = runner::tournament_here(ctx).await? else {
        return Ok(());
    };
    if !administers(ctx, &tournament).await? {
        return Ok(());
    }
    ctx.defer(false).await?;
    post_tournament(ctx, &tournament).await
}

/// The user name of a user option, from the interaction's resolved data.
fn resolved_user_name(ctx: &Ctx, user: u64) -> Option<String> {
    match &ctx.interaction.data {
        Some(InteractionData::ApplicationCommand(data)) => data
            .resolved
            .as_ref()
            .and_then(|r| r.users.get(&Id::new_checked(user)?))
            .map(|u| u.name.clone()),
        _ => None,
    }
}

/// `/async permissions permission [role] [user]`: the permission granted to one user, or
/// to each current member of a role (a snapshot: later members of the role get nothing).
pub(crate) async fn permissions(ctx: &Ctx, options: &Options) -> Result<()> {
    let guild = ctx.require_guild()?;
    let Some(tournament) = runner::tournament_here(ctx).await? else {
        return Ok(());
    };
    if !administers(ctx, &tournament).await? {
        return Ok(());
    }
    let role = at::AsyncRole::parse_grant(options.required_string("permission")?)?;
    let (role_option, user_option) = (options.role("role").ok(), options.id("user"));
    let (grantees, text) = match (role_option, user_option) {
        (None, None) => return ctx.tell(texts::ROLE_OR_USER).await,
        (Some(_), Some(_)) => return ctx.tell(texts::ROLE_XOR_USER).await,
        (Some(discord_role), None) => {
            ctx.defer(true).await?;
            let members =
                crate::commands::nickname::role_members(&ctx.bot, guild, discord_role).await?;
            let grantees: Vec<at::Grantee> = members
                .iter()
                .map(|m| at::Grantee {
                    discord_id: m.user.id.get(),
                    name: m.user.name.clone(),
                })
                .collect();
            let text = texts::granted_role(discord_role.get(), grantees.len(), role.as_str());
            (grantees, text)
        }
        (None, Some(user)) => {
            ctx.defer(true).await?;
            let name = resolved_user_name(ctx, user).unwrap_or_else(|| format!("user{user}"));
            let text = texts::granted_user(&name, user, role.as_str());
            (
                vec![at::Grantee {
                    discord_id: user,
                    name,
                }],
                text,
            )
        }
    };
    ctx.bot
        .asyncs
        .grant_permission(tournament.id, &grantees, role)
        .await?;
    ctx.followup(Some(&text), &[]).await
}
