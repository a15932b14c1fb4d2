//! The `racer_verification` group (`discord.md` §2.17): a role granted to members who have
//! raced enough on racetime.gg, checked by a persistent button.
//!
//! - `/racerverification create_or_update role …`: stores the requirements for `role` in
//!   this server (`racerverification`, one row per role and guild), posts them publicly
//!   with the "Verify your status" button (`racerverify:verifystatus`) and records that
//!   message on the row.
//! - The button: a deferred update, then an ephemeral follow-up. Members without a linked
//!   racetime.gg account get the linking page (`{APP_URL}/racetime/verification/initiate`);
//!   eligible members get the role (audit reason "Racer Verification") and a
//!   `verifiedracer` row; others are told they do not meet the requirements.
//! - `/racerverification reverify [revoke]`: re-checks every holder of each verified role of
//!   this server whose last verification is older than the row's reverify period; with
//!   `revoke` the ineligible lose the role and their `verifiedracer` row and get a DM.
//!
//! Eligibility counts, within the period: with `use_alttpr_ladder`, the member's ALTTPR
//! Ladder races (the current ladder's racer matched by Discord user name, all flags; plus the
//! archive's count by Discord id); then, while short of the minimum, the finished races in
//! the listed categories read page by page from `{RACETIME_URL}/user/{id}/races/data`.
//!
//! Differences from the original: both commands really are limited to administrators and
//! the bot owner (fix D1, refusal worded correctly); the linking page is `APP_URL`'s (fix
//! D21); `reverify` keys `verifiedracer` by user *and* verification and reports members as
//! revoked only when `revoke` is set (others as no longer eligible; fix D16); an error after
//! the button's deferred update is shown to the clicker instead of being lost.

use chrono::{DateTime, Duration as Days, NaiveDateTime, Utc};
use sahasrahbot_core::db::entities::{racerverification as rv, users, verifiedracer};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter,
    TryIntoModel,
};
use serde_json::Value as Json;
use twilight_http::request::AuditLogReason as _;
use twilight_model::application::command::{Command, CommandType};
use twilight_model::application::interaction::InteractionContextType;
use twilight_model::channel::ChannelType;
use twilight_model::channel::message::component::{ActionRow, Button, ButtonStyle, Component};
use twilight_model::channel::message::{Embed, MessageFlags};
use twilight_model::guild::{Member, Permissions};
use twilight_model::http::attachment::Attachment;
use twilight_model::http::interaction::{
    InteractionResponse, InteractionResponseData, InteractionResponseType,
};
use twilight_model::id::Id;
use twilight_model::id::marker::{GuildMarker, RoleMarker};
use twilight_util::builder::command::{
    BooleanBuilder, ChannelBuilder, CommandBuilder, IntegerBuilder, RoleBuilder, StringBuilder,
    SubCommandBuilder,
};

use super::db_id;
use super::nickname::{role_members, send_dm};
use crate::context::{Ctx, Options};
use crate::errors::Error;
use crate::{Bot, Result};

/// The persistent "Verify your status" button.
pub const VERIFY_STATUS_ID: &str = "racerverify:verifystatus";

/// Audit-log reason of the role changes.
const REASON: &str = "Racer Verification";

/// Pages of race history read at most per check (20 races a page).
const MAX_PAGES: u32 = 200;

/// Longest list of names sent as text; longer lists go into `revoked_users.txt`.
const MAX_LIST: usize = 1800;

/// `/racerverification create_or_update|reverify`: guild only, hidden from non-administrators.
pub fn racerverification_command() -> Command {
    CommandBuilder::new(
        "racerverification",
        "Verify racers by their RaceTime.gg race history.",
        CommandType::ChatInput,
    )
    .contexts([InteractionContextType::Guild])
    .default_member_permissions(Permissions::ADMINISTRATOR)
    .option(
        SubCommandBuilder::new("create_or_update", "Create a racer verification message.")
            .option(
                RoleBuilder::new("role", "The role to assign to verified racers.").required(true),
            )
            .option(
                StringBuilder::new(
                    "racetime_categories",
                    "A comma-separated list of racetime categories to include in verification.",
                )
                .max_length(2000),
            )
            .option(BooleanBuilder::new(
                "use_alttpr_ladder",
                "Set to true to include ALTTPR ladder in the verification requirements.",
            ))
            .option(
                IntegerBuilder::new(
                    "minimum_races",
                    "Minimum number of races required to be verified.",
                )
                .min_value(1),
            )
            .option(
                IntegerBuilder::new(
                    "time_period_days",
                    "How long back to look to verify the racer.",
                )
                .min_value(1),
            )
            .option(
                IntegerBuilder::new(
                    "reverify_period_days",
                    "How often racers must reverify. Leave blank to disable reverification.",
                )
                .min_value(1),
            )
            .option(BooleanBuilder::new(
                "revoke_ineligible",
                "Set to true to revoke the role from ineligible racers.",
            ))
            .option(
                ChannelBuilder::new("audit_channel", "A channel told when racers are revoked.")
                    .channel_types([ChannelType::GuildText]),
            ),
    )
    .option(
        SubCommandBuilder::new("reverify", "Reverify all racers in this server.").option(
            BooleanBuilder::new(
                "revoke",
                "Remove the role from racers who no longer qualify.",
            ),
        ),
    )
    .build()
}

/// A positive day or race count option, with its default.
fn positive(options: &Options, name: &str, default: Option<i64>) -> Result<Option<i32>> {
    match options.integer(name).or(default) {
        None => Ok(None),
        Some(n) if (1..=100_000).contains(&n) => Ok(i32::try_from(n).ok()),
        Some(n) => Err(Error::BadOption(format!(
            "`{name}` must be between 1 and 100000 (got {n})."
        ))),
    }
}

/// The category slugs of a setting (`"alttpr, smr"`), checked to look like slugs.
fn categories(value: Option<&str>) -> Result<Vec<String>> {
    let Some(value) = value else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    for slug in value.split(',').map(str::trim).filter(|s| !s.is_empty()) {
        if !slug
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        {
            return Err(Error::BadOption(format!(
                "`{slug}` is not a racetime.gg category slug (like `alttpr`)."
            )));
        }
        out.push(slug.to_owned());
    }
    Ok(out)
}

fn plural(n: i32, one: &str, many: &str) -> String {
    if n == 1 {
        format!("{n} {one}")
    } else {
        format!("{n} {many}")
    }
}

/// The public text explaining a verification's requirements.
pub(crate) fn requirements_text(row: &rv::Model) -> String {
    let cats = categories(row.racetime_categories.as_deref()).unwrap_or_default();
    let mut text = String::from(
        "Use the button below to verify your status as a racer.\n\
         This needs a RaceTime.gg account linked to your Discord account through SahasrahBot; \
         if yours is not linked yet, the button gives you the link. No RaceTime.gg account? \
         Create one at <https://racetime.gg>.\n\n\
         Questions? Ask a server administrator.\n\n\
         **Requirements:**\n\
         - A RaceTime.gg account linked to your Discord account through SahasrahBot\n",
    );
    text.push_str(&format!(
        "- At least {} finished in the last {} on RaceTime.gg in these categories: {}{}\n",
        plural(row.minimum_races, "race", "races"),
        plural(row.time_period_days, "day", "days"),
        if cats.is_empty() {
            "(none)".to_owned()
        } else {
            cats.join(", ")
        },
        if row.use_alttpr_ladder {
            ", or ALTTPR Ladder races"
        } else {
            ""
        },
    ));
    text.push_str("- Membership of this Discord server\n");
    if let Some(days) = row.reverify_period_days {
        text.push_str(&format!(
            "- Verification again every {}; this happens automatically, nothing to do on \
             your side\n",
            plural(days, "day", "days")
        ));
    }
    text
}

fn verify_button() -> Component {
    Component::ActionRow(ActionRow {
        components: vec![Component::Button(Button {
            custom_id: Some(VERIFY_STATUS_ID.to_owned()),
            disabled: false,
            emoji: None,
            id: None,
            label: Some("Verify your status".to_owned()),
            sku_id: None,
            style: ButtonStyle::Primary,
            url: None,
        })],
        id: None,
    })
}

/// `/racerverification create_or_update`.
pub(crate) async fn create_or_update(ctx: &Ctx, options: &Options) -> Result<()> {
    ctx.require_admin()?;
    let guild_id = ctx.require_guild()?;
    let role = options.role("role")?;
    let cats = categories(options.string("racetime_categories"))?;
    let minimum = positive(options, "minimum_races", Some(1))?.unwrap_or(1);
    let period = positive(options, "time_period_days", Some(365))?.unwrap_or(365);
    let reverify = positive(options, "reverify_period_days", None)?;
    let audit_channel = options
        .channel("audit_channel")
        .map(|id| db_id(id.get()))
        .transpose()?;
    let db = &ctx.bot.deps.db;
    let (guild_db, role_db) = (db_id(guild_id.get())?, db_id(role.get())?);
    let existing = rv::Entity::find()
        .filter(rv::Column::GuildId.eq(guild_db))
        .filter(rv::Column::RoleId.eq(role_db))
        .one(db)
        .await?;
    let mut row = match existing {
        Some(found) => found.into_active_model(),
        None => rv::ActiveModel {
            guild_id: Set(guild_db),
            role_id: Set(role_db),
            ..Default::default()
        },
    };
    row.racetime_categories = Set((!cats.is_empty()).then(|| cats.join(",")));
    row.use_alttpr_ladder = Set(options.boolean("use_alttpr_ladder").unwrap_or(false));
    row.minimum_races = Set(minimum);
    row.time_period_days = Set(period);
    row.reverify_period_days = Set(reverify);
    row.revoke_ineligible = Set(options.boolean("revoke_ineligible").unwrap_or(false));
    row.audit_channel_id = Set(audit_channel);
    let saved = row.save(db).await?;
    let model = saved.clone().try_into_model()?;

    let message = ctx
        .reply_and_fetch(InteractionResponseData {
            content: Some(requirements_text(&model)),
            components: Some(vec![verify_button()]),
            ..Default::default()
        })
        .await?;
    let channel = ctx
        .interaction
        .channel
        .as_ref()
        .map(|c| c.id)
        .unwrap_or(message.channel_id);
    let mut saved = saved;
    saved.message_id = Set(Some(db_id(message.id.get())?));
    saved.channel_id = Set(Some(db_id(channel.get())?));
    saved.save(db).await?;
    Ok(())
}

/// The window start of a verification.
fn window_start(row: &rv::Model) -> DateTime<Utc> {
    Utc::now() - Days::days(i64::from(row.time_period_days))
}

/// The number of the member's races that count, up to the minimum (reading stops there).
async fn race_count(bot: &Bot, rtgg_id: &str, row: &rv::Model) -> Result<i64> {
    let cats = categories(row.racetime_categories.as_deref())?;
    let minimum = i64::from(row.minimum_races);
    if cats.is_empty() {
        return Ok(0);
    }
    let since = window_start(row);
    let base = bot.cogs.racetime_url.trim_end_matches('/');
    let unavailable = |reason: String| Error::External {
        service: "racetime.gg",
        reason,
    };
    let mut count = 0_i64;
    let mut page = 1_u32;
    while count < minimum && page <= MAX_PAGES {
        let url = format!("{base}/user/{rtgg_id}/races/data");
        let response = bot
            .web
            .get(&url)
            .query(&[("page", page)])
            .send()
            .await
            .map_err(|e| unavailable(e.to_string()))?;
        if !response.status().is_success() {
            return Err(unavailable(format!("HTTP {}", response.status())));
        }
        let data: Json = response
            .json()
            .await
            .map_err(|e| unavailable(format!("unreadable race history: {e}")))?;
        let races = data["races"].as_array().cloned().unwrap_or_default();
        if races.is_empty() {
            break;
        }
        count += races
            .iter()
            .filter(|r| {
                r.pointer("/category/slug")
                    .and_then(Json::as_str)
                    .is_some_and(|s| cats.iter().any(|c| c == s))
            })
            .filter(|r| r.pointer("/status/value").and_then(Json::as_str) == Some("finished"))
            .filter(|r| {
                r["opened_at"]
                    .as_str()
                    .and_then(|s| DateTime::parse_from_rfc3339(s).ok())
                    .is_some_and(|t| t.with_timezone(&Utc) > since)
            })
            .count() as i64;
        let pages = data["num_pages"].as_u64().unwrap_or(1);
        if u64::from(page) >= pages {
            break;
        }
        page += 1;
    }
    Ok(count)
}

/// A GET of a ladder API returning JSON.
async fn ladder_get(bot: &Bot, url: &str, query: &[(&str, String)]) -> Result<Json> {
    let unavailable = |reason: String| Error::External {
        service: "the ALTTPR Ladder",
        reason,
    };
    let response = bot
        .web
        .get(url)
        .query(query)
        .header(reqwest::header::USER_AGENT, "SahasrahBot")
        .send()
        .await
        .map_err(|e| unavailable(e.to_string()))?;
    if !response.status().is_success() {
        return Err(unavailable(format!("HTTP {}", response.status())));
    }
    response
        .json()
        .await
        .map_err(|e| unavailable(format!("unreadable answer: {e}")))
}

/// A ladder time (`2026-01-02T03:04:05`, with or without an offset; UTC when none).
fn ladder_time(value: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(value)
        .map(|t| t.with_timezone(&Utc))
        .ok()
        .or_else(|| {
            NaiveDateTime::parse_from_str(value, "%Y-%m-%dT%H:%M:%S%.f")
                .ok()
                .map(|t| t.and_utc())
        })
}

/// The member's ALTTPR Ladder races in the window: the current ladder (the racer found by
/// Discord user name among the active racers, races of every flag) plus the archive of
/// earlier seasons (by Discord id).
async fn ladder_count(bot: &Bot, discord: (u64, &str), row: &rv::Model) -> Result<i64> {
    let since = window_start(row);
    let base = bot.cogs.ladder_url.trim_end_matches('/');
    let racers = ladder_get(
        bot,
        &format!("{base}/api/v1/PublicAPI/GetActiveRacers"),
        &[],
    )
    .await?;
    let guid = racers.as_array().and_then(|list| {
        list.iter()
            .find(|r| r["DiscordName"].as_str() == Some(discord.1))
            .and_then(|r| r["RacerGUID"].as_str().map(str::to_owned))
    });
    let mut count = 0_i64;
    if let Some(guid) = guid {
        let flags = ladder_get(
            bot,
            &format!("{base}/api/v1/PublicAPI/GetRacerHistory"),
            &[("RacerGUID", guid), ("flag_id", "0".to_owned())],
        )
        .await?;
        count += flags
            .as_array()
            .into_iter()
            .flatten()
            .flat_map(|flag| flag["Results"].as_array().into_iter().flatten())
            .filter(|race| {
                race["StartDateTime"]
                    .as_str()
                    .and_then(ladder_time)
                    .is_some_and(|t| t > since)
            })
            .count() as i64;
    }
    let archive = bot.cogs.ladder_archive_url.trim_end_matches('/');
    let history = ladder_get(
        bot,
        &format!("{archive}/api/v1/PublicAPI/GetRacerRaceHistory"),
        &[
            ("discordid", discord.0.to_string()),
            ("startdt", since.format("%m%d%Y").to_string()),
            ("enddt", Utc::now().format("%m%d%Y").to_string()),
        ],
    )
    .await?;
    count += history["TotalCount"].as_i64().unwrap_or(0);
    Ok(count)
}

/// Whether the member qualifies, and the races counted: ALTTPR Ladder races first when the
/// verification counts them, then racetime.gg races while short of the minimum. A ladder
/// failure is only an error when the racetime.gg races do not make up for it.
async fn eligibility(
    bot: &Bot,
    discord: (u64, &str),
    rtgg_id: &str,
    row: &rv::Model,
) -> Result<(bool, i64)> {
    let minimum = i64::from(row.minimum_races);
    let mut count = 0;
    let mut ladder_error = None;
    if row.use_alttpr_ladder {
        match ladder_count(bot, discord, row).await {
            Ok(n) => count += n,
            Err(e) => {
                tracing::warn!(error = %e, "ALTTPR Ladder races not counted");
                ladder_error = Some(e);
            }
        }
    }
    if count < minimum {
        count += race_count(bot, rtgg_id, row).await?;
    }
    match ladder_error {
        Some(e) if count < minimum => Err(e),
        _ => Ok((count >= minimum, count)),
    }
}

fn now() -> NaiveDateTime {
    chrono::SubsecRound::trunc_subsecs(Utc::now().naive_utc(), 6)
}

/// Creates or refreshes the `verifiedracer` row of (user, verification).
async fn record_verified(bot: &Bot, user: i32, row: &rv::Model, count: i64) -> Result<()> {
    let db = &bot.deps.db;
    let existing = verifiedracer::Entity::find()
        .filter(verifiedracer::Column::UserId.eq(user))
        .filter(verifiedracer::Column::RacerVerificationId.eq(row.id))
        .one(db)
        .await?;
    let mut active = match existing {
        Some(found) => found.into_active_model(),
        None => verifiedracer::ActiveModel {
            user_id: Set(user),
            racer_verification_id: Set(row.id),
            ..Default::default()
        },
    };
    active.last_verified = Set(Some(now()));
    active.estimated_count = Set(Some(i32::try_from(count).unwrap_or(i32::MAX)));
    active.save(db).await?;
    Ok(())
}

/// The "Verify your status" button.
pub(crate) async fn verify_status(ctx: &Ctx) -> Result<()> {
    ctx.respond(InteractionResponse {
        kind: InteractionResponseType::DeferredUpdateMessage,
        data: None,
    })
    .await?;
    // After a deferred update an error must not edit the clicked message: it is told to
    // the clicker in an ephemeral follow-up instead.
    let text = match verify_text(ctx).await {
        Ok(text) => text,
        Err(e) => {
            let reference = sahasrahbot_core::reference::reference_id();
            tracing::error!(reference = %reference, error = ?e, "racer verification failed");
            crate::errors::user_message(&e, None, &reference)
        }
    };
    if let Err(e) = ephemeral_followup(ctx, &text, None).await {
        // Not returned: the generic error path would edit the verification message.
        tracing::warn!(error = %e, "could not answer a racer verification click");
    }
    Ok(())
}

async fn verify_text(ctx: &Ctx) -> Result<String> {
    let guild_id = ctx.require_guild()?;
    let message_id = ctx
        .interaction
        .message
        .as_ref()
        .map(|m| m.id.get())
        .ok_or_else(|| Error::BadOption("The button has no message.".to_owned()))?;
    let db = &ctx.bot.deps.db;
    let row = rv::Entity::find()
        .filter(rv::Column::MessageId.eq(db_id(message_id)?))
        .filter(rv::Column::GuildId.eq(db_id(guild_id.get())?))
        .one(db)
        .await?;
    let Some(row) = row else {
        return Ok(
            "This message is not an active racer verification message. Please tell \
                   a server administrator."
                .to_owned(),
        );
    };
    let user_id = ctx
        .user_id()
        .ok_or_else(|| Error::BadOption("No user.".to_owned()))?;
    let user = users::Entity::find()
        .filter(users::Column::DiscordUserId.eq(db_id(user_id.get())?))
        .one(db)
        .await?;
    let linked = user
        .as_ref()
        .and_then(|u| u.rtgg_id.clone().map(|r| (u.id, r)));
    let Some((user_row, rtgg_id)) = linked else {
        return Ok(format!(
            "Please link your RaceTime.gg account first: {}/racetime/verification/initiate\n\n\
             Then click the button again!",
            ctx.bot.cogs.app_url.trim_end_matches('/')
        ));
    };
    let name = ctx.user_name();
    let (eligible, count) = eligibility(&ctx.bot, (user_id.get(), &name), &rtgg_id, &row).await?;
    if !eligible {
        return Ok(
            "Sorry, you do not meet the requirements for verification. If you think \
                   this is a mistake, please ask a server administrator."
                .to_owned(),
        );
    }
    record_verified(&ctx.bot, user_row, &row, count).await?;
    let role = u64::try_from(row.role_id)
        .ok()
        .and_then(Id::<RoleMarker>::new_checked)
        .ok_or_else(|| Error::BadOption("The verification's role id is invalid.".to_owned()))?;
    ctx.bot
        .http
        .add_guild_member_role(guild_id, user_id, role)
        .reason(REASON)
        .await?;
    Ok(format!(
        "Congratulations, you are verified!\n\nWe counted at least **{count}** races over \
         the last **{}** days.",
        row.time_period_days
    ))
}

/// An ephemeral follow-up, with an optional text file.
async fn ephemeral_followup(ctx: &Ctx, text: &str, file: Option<(&str, String)>) -> Result<()> {
    let client = ctx.bot.http.interaction(ctx.bot.application_id);
    let attachments: Vec<Attachment> = file
        .map(|(name, body)| {
            vec![Attachment::from_bytes(
                name.to_owned(),
                body.into_bytes(),
                1,
            )]
        })
        .unwrap_or_default();
    let embeds: [Embed; 0] = [];
    client
        .create_followup(&ctx.interaction.token)
        .content(text)
        .embeds(&embeds)
        .attachments(&attachments)
        .flags(MessageFlags::EPHEMERAL)
        .await?;
    Ok(())
}

/// `/racerverification reverify [revoke]`.
pub(crate) async fn reverify(ctx: &Ctx, options: &Options) -> Result<()> {
    ctx.require_admin()?;
    let guild_id = ctx.require_guild()?;
    let revoke = options.boolean("revoke").unwrap_or(false);
    ctx.defer(true).await?;
    let rows = rv::Entity::find()
        .filter(rv::Column::GuildId.eq(db_id(guild_id.get())?))
        .all(&ctx.bot.deps.db)
        .await?;
    if rows.is_empty() {
        return ephemeral_followup(ctx, "This server has no racer verification.", None).await;
    }
    for row in rows {
        let (text, file) = reverify_one(ctx, guild_id, &row, revoke).await?;
        let file = file.map(|body| ("revoked_users.txt", body));
        ephemeral_followup(ctx, &text, file).await?;
    }
    Ok(())
}

/// Re-checks one verification: the summary text and, for long lists, the file body.
async fn reverify_one(
    ctx: &Ctx,
    guild_id: Id<GuildMarker>,
    row: &rv::Model,
    revoke: bool,
) -> Result<(String, Option<String>)> {
    let role_mention = format!("<@&{}>", row.role_id);
    let Some(period) = row.reverify_period_days else {
        return Ok((
            format!(
                "No users were revoked from the {role_mention} role: it has no reverification period."
            ),
            None,
        ));
    };
    let role = u64::try_from(row.role_id)
        .ok()
        .and_then(Id::<RoleMarker>::new_checked)
        .ok_or_else(|| Error::BadOption("The verification's role id is invalid.".to_owned()))?;
    let members = role_members(&ctx.bot, guild_id, role).await?;
    let guild_name = match ctx.bot.http.guild(guild_id).await {
        Ok(response) => response.model().await.map(|g| g.name).unwrap_or_default(),
        Err(_) => String::new(),
    };
    let mut ineligible: Vec<String> = Vec::new();
    for member in &members {
        if !due(ctx, member, row, period).await? {
            continue;
        }
        let user = user_row(ctx, member).await?;
        let verdict = match &user.rtgg_id {
            Some(rtgg) => {
                let discord = (member.user.id.get(), member.user.name.as_str());
                eligibility(&ctx.bot, discord, rtgg, row).await?
            }
            None => (false, 0),
        };
        if verdict.0 {
            record_verified(&ctx.bot, user.id, row, verdict.1).await?;
            continue;
        }
        ineligible.push(member.user.name.clone());
        if revoke {
            revoke_member(ctx, guild_id, role, member, &user, row, &guild_name).await?;
        }
    }
    if ineligible.is_empty() {
        return Ok((
            format!("No users were revoked from the {role_mention} role due to ineligibility."),
            None,
        ));
    }
    let head = if revoke {
        format!(
            "**{}** users were revoked from the {role_mention} role due to ineligibility.",
            ineligible.len()
        )
    } else {
        format!(
            "**{}** users no longer meet the requirements of the {role_mention} role (kept: \
             run with `revoke` to remove it).",
            ineligible.len()
        )
    };
    let list = ineligible.join("\n");
    if list.len() > MAX_LIST {
        Ok((head, Some(list)))
    } else {
        Ok((format!("{head}\n\n{list}"), None))
    }
}

/// Whether `member` must be checked again: no verification of this role recorded within
/// the period.
async fn due(ctx: &Ctx, member: &Member, row: &rv::Model, period: i32) -> Result<bool> {
    let db = &ctx.bot.deps.db;
    let Some(user) = users::Entity::find()
        .filter(users::Column::DiscordUserId.eq(db_id(member.user.id.get())?))
        .one(db)
        .await?
    else {
        return Ok(true);
    };
    let verified = verifiedracer::Entity::find()
        .filter(verifiedracer::Column::UserId.eq(user.id))
        .filter(verifiedracer::Column::RacerVerificationId.eq(row.id))
        .one(db)
        .await?;
    let cutoff = now() - Days::days(i64::from(period));
    Ok(verified
        .and_then(|v| v.last_verified)
        .is_none_or(|at| at <= cutoff))
}

/// The member's `users` row, created when missing (display name = user name, unless another
/// row already has that name: the column is unique).
async fn user_row(ctx: &Ctx, member: &Member) -> Result<users::Model> {
    let db = &ctx.bot.deps.db;
    let discord_id = db_id(member.user.id.get())?;
    if let Some(found) = users::Entity::find()
        .filter(users::Column::DiscordUserId.eq(discord_id))
        .one(db)
        .await?
    {
        return Ok(found);
    }
    let name_taken = users::Entity::find()
        .filter(users::Column::DisplayName.eq(member.user.name.as_str()))
        .one(db)
        .await?
        .is_some();
    users::ActiveModel {
        discord_user_id: Set(Some(discord_id)),
        display_name: Set((!name_taken).then(|| member.user.name.clone())),
        test_user: Set(false),
        ..Default::default()
    }
    .insert(db)
    .await
    .map_err(Error::from)
}

/// Removes the role, deletes the `verifiedracer` row and tells the member.
async fn revoke_member(
    ctx: &Ctx,
    guild_id: Id<GuildMarker>,
    role: Id<RoleMarker>,
    member: &Member,
    user: &users::Model,
    row: &rv::Model,
    guild_name: &str,
) -> Result<()> {
    ctx.bot
        .http
        .remove_guild_member_role(guild_id, member.user.id, role)
        .reason(REASON)
        .await?;
    verifiedracer::Entity::delete_many()
        .filter(verifiedracer::Column::UserId.eq(user.id))
        .filter(verifiedracer::Column::RacerVerificationId.eq(row.id))
        .exec(&ctx.bot.deps.db)
        .await?;
    let role_name = match ctx.bot.http.roles(guild_id).await {
        Ok(response) => response
            .models()
            .await
            .ok()
            .and_then(|roles| roles.into_iter().find(|r| r.id == role).map(|r| r.name)),
        Err(_) => None,
    }
    .unwrap_or_else(|| "racer".to_owned());
    let text = format!(
        "Your verification for __{role_name}__ has expired. Please verify again with the \
         button on the verification message in the {guild_name} server.\n\nIf you think this \
         is a mistake, please ask a server administrator."
    );
    if let Err(e) = send_dm(&ctx.bot, member, &text).await {
        tracing::warn!(user = %member.user.id, error = %e, "could not DM a revoked racer");
    }
    Ok(())
}
