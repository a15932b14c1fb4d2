//! The `generator` group (`discord.md` §2.12): `/alttpr preset` and the preset
//! autocomplete.

use std::time::Instant;

use sahasrahbot_core::presets::alttpr::{AlttprOptions, build_request};
use sahasrahbot_core::presets::{Game, ProviderRequest, user};
use sahasrahbot_core::telemetry::{Event, Surface};
use sahasrahbot_seedgen::Surface as GenSurface;
use twilight_model::application::command::{Command, CommandOptionChoice, CommandType};
use twilight_util::builder::command::{CommandBuilder, StringBuilder, SubCommandBuilder};

use crate::Result;
use crate::context::{Ctx, Options};
use crate::embeds::alttpr::{SeedEmbedInput, field, seed_embed};
use crate::errors::Error;

fn yes_no(name: &'static str, description: &'static str) -> StringBuilder {
    StringBuilder::new(name, description).choices([("Yes", "yes"), ("No", "no")])
}

/// `/alttpr` with its `preset` subcommand.
pub fn alttpr_command() -> Command {
    CommandBuilder::new(
        "alttpr",
        "ALTTPR Randomizer seed generation",
        CommandType::ChatInput,
    )
    .contexts(super::anywhere())
    .option(
        SubCommandBuilder::new("preset", "Generate an ALTTPR game from a preset.")
            .option(
                StringBuilder::new("preset", "The preset you want generate.")
                    .required(true)
                    .autocomplete(true),
            )
            .option(yes_no("race", "Is this a race? (default no)"))
            .option(yes_no("hints", "Do you want hints? (default no)"))
            .option(yes_no("allow_quickswap", "Allow quickswap? (default yes)"))
            .option(
                StringBuilder::new("branch", "Which alttpr.com branch? (default live)").choices([
                    ("Live", "live"),
                    ("Tournament", "tournament"),
                    ("Beeta", "beeta"),
                ]),
            ),
    )
    .build()
}

/// Preset autocomplete: global preset names starting with the typed text, at most 25.
pub(crate) fn preset_choices(ctx: &Ctx, typed: &str) -> Result<Vec<CommandOptionChoice>> {
    let names = ctx.bot.deps.presets.search(Game::Alttpr, typed)?;
    Ok(super::string_choices(names))
}

fn event(
    ctx: &Ctx,
    action: &str,
    status: &str,
    started: Option<Instant>,
    error: Option<&Error>,
) -> Event {
    Event {
        event_name: format!("discord.generator.preset.{action}"),
        surface: Surface::Discord,
        feature: "generator.preset".to_owned(),
        action: action.to_owned(),
        status: status.to_owned(),
        provider: Some("alttpr".to_owned()),
        guild_id: ctx.guild_id().map(|g| g.get()),
        duration_ms: started.map(|s| u32::try_from(s.elapsed().as_millis()).unwrap_or(u32::MAX)),
        error_type: error.map(|e| e.telemetry_class().to_owned()),
    }
}

/// `/alttpr preset`: options are checked first (a bad value is an ephemeral error), then a
/// public defer, the preset load, the generation and a follow-up with the seed embed and
/// "Preset" first.
pub(crate) async fn alttpr_preset(ctx: &Ctx, options: &Options) -> Result<()> {
    let preset_name = options.required_string("preset")?.to_owned();
    let race = options.yes_no("race", false)?;
    let hints = options.yes_no("hints", false)?;
    let allow_quickswap = options.yes_no("allow_quickswap", true)?;
    let branch = match options.string("branch") {
        None => "live",
        Some(b @ ("live" | "tournament" | "beeta")) => b,
        Some(other) => {
            return Err(Error::BadOption(format!(
                "`{other}` is not a valid branch: choose Live, Tournament or Beeta."
            )));
        }
    };
    let telemetry = ctx.bot.deps.telemetry.clone();
    telemetry
        .record(event(ctx, "invoke", "ok", None, None))
        .await;
    let started = Instant::now();
    ctx.defer(false).await?;

    let result = generate(ctx, &preset_name, race, hints, allow_quickswap, branch).await;
    match &result {
        Ok(()) => {
            telemetry
                .record(event(ctx, "success", "ok", Some(started), None))
                .await
        }
        Err(e) => {
            let status = if e.telemetry_class() == "provider_timeout" {
                "timeout"
            } else {
                "error"
            };
            telemetry
                .record(event(ctx, "failure", status, Some(started), Some(e)))
                .await;
        }
    }
    result
}

async fn generate(
    ctx: &Ctx,
    preset_name: &str,
    race: bool,
    hints: bool,
    allow_quickswap: bool,
    branch: &str,
) -> Result<()> {
    let deps = &ctx.bot.deps;
    let users = user::UserPresets::new(deps.db.clone());
    let preset = user::fetch(&deps.presets, &users, Game::Alttpr, preset_name)
        .await
        .map_err(|e| match e {
            sahasrahbot_core::Error::Preset(p) => Error::Preset(p),
            other => Error::Database(other),
        })?;
    let opts = AlttprOptions {
        hints,
        allow_quickswap,
        branch: Some(branch.to_owned()),
        ..AlttprOptions::discord(race)
    };
    let request = {
        let mut rng = ThreadRng(rand::thread_rng());
        build_request(&preset, &opts, &mut rng)?
    };
    let audit = preset.audit();
    let seed = deps
        .seedgen
        .generate(&request, Some(&audit), Some(GenSurface::Discord))
        .await?;
    let baseurl = match &request {
        ProviderRequest::Alttpr { baseurl, .. } => baseurl.clone(),
        _ => None,
    };
    let settings_map = deps
        .seedgen
        .alttpr
        .settings_map(baseurl.as_deref(), Some(GenSurface::Discord))
        .await?;
    let code = seed.code.clone().unwrap_or_default();
    let emoji = |name: &str| ctx.bot.emoji(name);
    let mut embed = seed_embed(
        SeedEmbedInput {
            data: &seed.data,
            permalink: &seed.url,
            code: &code,
            settings_map: &settings_map,
            title: None,
            notes: None,
            include_settings: true,
        },
        &emoji,
        ctx.bot.emoji_url("SahasrahBot"),
    );
    embed.fields.insert(0, field("Preset", preset_name, false));
    ctx.followup(None, &[embed]).await
}

/// The core preset roller's randomness from the thread RNG.
struct ThreadRng(rand::rngs::ThreadRng);

impl sahasrahbot_core::presets::mystery::rng::Rng for ThreadRng {
    fn next_u32(&mut self) -> u32 {
        rand::RngCore::next_u32(&mut self.0)
    }
}
