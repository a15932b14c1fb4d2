//! The `generator` group (`discord.md` §2.12): `/alttpr preset`, `/alttpr mystery`,
//! `/alttpr spoiler`, `/alttpr customspoiler`, `/alttpr custompreset`, `/alttpr custommystery`, `/sm preset`, `/smz3 preset`, `/smdash`,
//! `/alttprutils verifygame|savepreset`, and their autocompletes.

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

/// The alttpr.com branch a game is rolled on.
fn branch_choice() -> StringBuilder {
    StringBuilder::new("branch", "Which alttpr.com branch? (default live)").choices([
        ("Live", "live"),
        ("Tournament", "tournament"),
        ("Beeta", "beeta"),
    ])
}

/// `/alttpr` with its `preset` and `mystery` subcommands.
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
            .option(branch_choice()),
    )
    .option(mystery_subcommand())
    .option(custommystery_subcommand())
    .option(
        SubCommandBuilder::new(
            "kisspriest",
            "Create a series of \"Kiss Priest\" games (a mode created by hycutype).",
        )
        .option(
            twilight_util::builder::command::IntegerBuilder::new(
                "count",
                "The number of games you want to generate (default 10).",
            )
            .min_value(1)
            .max_value(super::kisspriest::MAX_GAMES),
        ),
    )
    .option(
        SubCommandBuilder::new("spoiler", "Generate a race game with a public spoiler log.")
            .option(
                StringBuilder::new("preset", "The preset you want to generate.")
                    .required(true)
                    .autocomplete(true),
            )
            .option(twilight_util::builder::command::BooleanBuilder::new(
                "progression_spoiler",
                "Only list where progression items are? (default no)",
            ))
            .option(branch_choice()),
    )
    .option(
        SubCommandBuilder::new(
            "customspoiler",
            "Generate a race game with a public spoiler log from your own preset file.",
        )
        .option(
            twilight_util::builder::command::AttachmentBuilder::new(
                "yamlfile",
                "The preset YAML file.",
            )
            .required(true),
        )
        .option(branch_choice()),
    )
    .option(
        SubCommandBuilder::new("custompreset", "Generate a game from your own preset file.")
            .option(
                twilight_util::builder::command::AttachmentBuilder::new(
                    "yamlfile",
                    "The preset YAML file.",
                )
                .required(true),
            )
            .option(yes_no("race", "Is this a race? (default no)"))
            .option(yes_no("hints", "Do you want hints? (default no)"))
            .option(yes_no("allow_quickswap", "Allow quickswap? (default yes)"))
            .option(branch_choice()),
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

/// The `branch` option: `live` (default), `tournament` or `beeta`.
fn branch_option(options: &Options) -> Result<&'static str> {
    match options.string("branch") {
        None | Some("live") => Ok("live"),
        Some("tournament") => Ok("tournament"),
        Some("beeta") => Ok("beeta"),
        Some(other) => Err(Error::BadOption(format!(
            "`{other}` is not a valid branch: choose Live, Tournament or Beeta."
        ))),
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
    let branch = branch_option(options)?;
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
    generate_with(ctx, preset_name, race, hints, allow_quickswap, branch, None).await
}

/// The §5.1 seed embed of an alttpr.com game generated from `request`, with the settings
/// names of the branch the game came from.
async fn alttpr_embed(
    ctx: &Ctx,
    request: &ProviderRequest,
    seed: &sahasrahbot_seedgen::GeneratedSeed,
) -> Result<twilight_model::channel::message::Embed> {
    let baseurl = match request {
        ProviderRequest::Alttpr { baseurl, .. } => baseurl.clone(),
        _ => None,
    };
    let settings_map = ctx
        .bot
        .deps
        .seedgen
        .alttpr
        .settings_map(baseurl.as_deref(), Some(GenSurface::Discord))
        .await?;
    let code = seed.code.clone().unwrap_or_default();
    let emoji = |name: &str| ctx.bot.emoji(name);
    Ok(seed_embed(
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
    ))
}

async fn generate_with(
    ctx: &Ctx,
    preset_name: &str,
    race: bool,
    hints: bool,
    allow_quickswap: bool,
    branch: &str,
    appended: Option<(&str, String)>,
) -> Result<()> {
    let opts = AlttprOptions {
        hints,
        allow_quickswap,
        branch: Some(branch.to_owned()),
        ..AlttprOptions::discord(race)
    };
    let preset = alttpr_preset_named(&ctx.bot.deps, preset_name).await?;
    let (request, seed) = roll_alttpr(&ctx.bot.deps, &preset, &opts).await?;
    let mut embed = alttpr_embed(ctx, &request, &seed).await?;
    // A custom preset gets the "Saved as preset!" field instead of "Preset".
    if appended.is_none() {
        embed.fields.insert(0, field("Preset", preset_name, false));
    }
    if let Some((name, value)) = appended {
        embed.fields.push(field(name, value, false));
    }
    ctx.followup(None, &[embed]).await
}

/// The global or user ALTTPR preset `name`.
pub(crate) async fn alttpr_preset_named(
    deps: &crate::Deps,
    name: &str,
) -> Result<sahasrahbot_core::presets::Preset> {
    let users = user::UserPresets::new(deps.db.clone());
    user::fetch(&deps.presets, &users, Game::Alttpr, name)
        .await
        .map_err(|e| match e {
            sahasrahbot_core::Error::Preset(p) => Error::Preset(p),
            other => Error::Database(other),
        })
}

/// An alttpr.com game from `preset` with `opts` (seedgen writes the audit row): the request
/// sent and the game.
pub(crate) async fn roll_alttpr(
    deps: &crate::Deps,
    preset: &sahasrahbot_core::presets::Preset,
    opts: &AlttprOptions,
) -> Result<(ProviderRequest, sahasrahbot_seedgen::GeneratedSeed)> {
    let request = {
        let mut rng = ThreadRng(rand::thread_rng());
        build_request(preset, opts, &mut rng)?
    };
    let audit = preset.audit();
    let seed = deps
        .seedgen
        .generate(&request, Some(&audit), Some(GenSurface::Discord))
        .await?;
    Ok((request, seed))
}

/// The core preset roller's randomness from the thread RNG.
struct ThreadRng(rand::rngs::ThreadRng);

impl sahasrahbot_core::presets::mystery::rng::Rng for ThreadRng {
    fn next_u32(&mut self) -> u32 {
        rand::RngCore::next_u32(&mut self.0)
    }
}

/// `/sm preset [race]` or `/smz3 preset [race] [spoiler_race]`.
pub fn samus_command(game: Game) -> Command {
    let (name, description) = match game {
        Game::Sm => ("sm", "Generate a Super Metroid Randomizer game."),
        _ => ("smz3", "Generate a SM + ALTTP combo randomizer game."),
    };
    let mut preset = SubCommandBuilder::new("preset", "Generate a game from a preset.")
        .option(
            StringBuilder::new("preset", "The preset you want to generate.")
                .required(true)
                .autocomplete(true),
        )
        .option(yes_no("race", "Is this a race? (default no)"));
    if game == Game::Smz3 {
        preset = preset.option(yes_no(
            "spoiler_race",
            "Make a race spoiler log available? (default no)",
        ));
    }
    CommandBuilder::new(name, description, CommandType::ChatInput)
        .contexts(super::anywhere())
        .option(preset)
        .build()
}

/// Preset autocomplete for any preset game.
pub(crate) fn game_choices(ctx: &Ctx, game: Game, typed: &str) -> Result<Vec<CommandOptionChoice>> {
    let names = ctx.bot.deps.presets.search(game, typed)?;
    Ok(super::string_choices(names))
}

async fn load_preset(
    ctx: &Ctx,
    game: Game,
    reference: &str,
) -> Result<sahasrahbot_core::presets::Preset> {
    let deps = &ctx.bot.deps;
    let users = user::UserPresets::new(deps.db.clone());
    user::fetch(&deps.presets, &users, game, reference)
        .await
        .map_err(|e| match e {
            sahasrahbot_core::Error::Preset(p) => Error::Preset(p),
            other => Error::Database(other),
        })
}

/// `/sm preset` and `/smz3 preset`: defer(pub), generate on samus.link, follow-up with the
/// SM/SMZ3 embed (§5.4) and, for an SMZ3 spoiler race, the inline "Race Spoiler Log" link.
pub(crate) async fn samus_preset(ctx: &Ctx, options: &Options, game: Game) -> Result<()> {
    let reference = options.required_string("preset")?.to_owned();
    let race = options.yes_no("race", false)?;
    let spoiler_race = game == Game::Smz3 && options.yes_no("spoiler_race", false)?;
    ctx.defer(false).await?;
    let preset = load_preset(ctx, game, &reference).await?;
    let (request, _key) = {
        let mut rng = ThreadRng(rand::thread_rng());
        sahasrahbot_core::presets::other::build_samus_request(
            &preset,
            race,
            spoiler_race,
            &mut rng,
        )?
    };
    let seed = ctx
        .bot
        .deps
        .seedgen
        .generate(&request, Some(&preset.audit()), Some(GenSurface::Discord))
        .await?;
    let label = if game == Game::Sm { "SM" } else { "SMZ3" };
    let mut fields = vec![
        field(
            "File Select Code",
            seed.code.clone().unwrap_or_default().join(" "),
            false,
        ),
        field("Permalink", seed.url.clone(), false),
    ];
    if spoiler_race && let Some(url) = &seed.spoiler_url {
        fields.push(field("Race Spoiler Log", url.clone(), true));
    }
    let embed = crate::embeds::embed(
        "Requested Seed",
        Some(format!("Requested {label} Randomizer Game.")),
        crate::embeds::alttpr::SEED_COLOUR,
        fields,
        Some("Generated by SahasrahBot"),
    );
    ctx.followup(None, &[embed]).await
}

/// The `custommystery` subcommand of `/alttpr`.
pub(crate) fn custommystery_subcommand() -> SubCommandBuilder {
    SubCommandBuilder::new(
        "custommystery",
        "Roll a mystery game from your own weightset file.",
    )
    .option(
        twilight_util::builder::command::AttachmentBuilder::new(
            "yamlfile",
            "The weightset YAML file.",
        )
        .required(true),
    )
    .option(yes_no("race", "Is this a race? (default yes)"))
    .option(yes_no(
        "mask_settings",
        "Mask the settings of the game? (default yes)",
    ))
}

/// The `mystery` subcommand of `/alttpr`.
pub(crate) fn mystery_subcommand() -> SubCommandBuilder {
    SubCommandBuilder::new("mystery", "Generate a mystery game.")
        .option(
            StringBuilder::new("weightset", "The weightset you want to use.")
                .required(true)
                .autocomplete(true),
        )
        .option(yes_no("race", "Is this a race? (default yes)"))
        .option(yes_no(
            "mask_settings",
            "Mask the settings of the game? (default yes)",
        ))
}

/// `/alttpr mystery`: defer(pub), roll the weightset, generate, follow-up with title
/// "Mystery Game", "Weightset" first and "Custom Instructions" second when the roll has
/// them. `mask_settings: no` really shows the settings (fix D5).
pub(crate) async fn alttpr_mystery(ctx: &Ctx, options: &Options) -> Result<()> {
    let weightset = options.required_string("weightset")?.to_owned();
    let race = options.yes_no("race", true)?;
    let mask = options.yes_no("mask_settings", true)?;
    ctx.defer(false).await?;
    let weights = load_preset(ctx, Game::AlttprMystery, &weightset)
        .await?
        .data;
    let genoption = sahasrahbot_core::presets::PresetRef::parse(&weightset)?
        .name()
        .to_owned();
    mystery_with(
        ctx,
        &weights,
        Some(&weightset),
        &genoption,
        race,
        mask,
        None,
    )
    .await
}

/// `/alttpr custommystery`: saves the uploaded weightset as `{namespace}/latest`, rolls it
/// like `/alttpr mystery`, and appends a "Saved as custom weightset!" field.
pub(crate) async fn alttpr_custommystery(ctx: &Ctx, options: &Options) -> Result<()> {
    let race = options.yes_no("race", true)?;
    let mask = options.yes_no("mask_settings", true)?;
    ctx.defer(false).await?;
    let content = ctx.attachment_text(options, "yamlfile").await?;
    let namespace = own_namespace(ctx).await?;
    let reference = format!("{namespace}/latest");
    user::UserPresets::new(ctx.bot.deps.db.clone())
        .save(Game::AlttprMystery, &reference, &content)
        .await
        .map_err(core_error)?;
    let weights = load_preset(ctx, Game::AlttprMystery, &reference)
        .await?
        .data;
    let saved = (
        "Saved as custom weightset!",
        format!("You can roll this weightset again with the name `{reference}`."),
    );
    mystery_with(ctx, &weights, None, "latest", race, mask, Some(saved)).await
}

#[allow(
    clippy::too_many_arguments,
    reason = "the two mystery commands differ in each"
)]
async fn mystery_with(
    ctx: &Ctx,
    weights: &sahasrahbot_core::presets::Map,
    weightset: Option<&str>,
    genoption: &str,
    race: bool,
    mask: bool,
    appended: Option<(&str, String)>,
) -> Result<()> {
    let deps = &ctx.bot.deps;
    let users = user::UserPresets::new(deps.db.clone());
    let sources = user::MysteryPresets::load(&deps.presets, &users, weights)
        .await
        .map_err(Error::Database)?;
    let spoilers = if mask { "mystery" } else { "off" };
    let roll = {
        let mut rng = ThreadRng(rand::thread_rng());
        sahasrahbot_core::presets::mystery::roll(weights, spoilers, &sources, &mut rng)?
    };
    let request = roll.request(spoilers, race, true);
    let audit = roll.audit(genoption);
    let seed = deps
        .seedgen
        .generate(&request, Some(&audit), Some(GenSurface::Discord))
        .await?;
    let code = seed.code.clone().unwrap_or_default();
    let emoji = |name: &str| ctx.bot.emoji(name);
    let mut embed = if matches!(request, ProviderRequest::Alttpr { .. }) {
        let settings_map = deps
            .seedgen
            .alttpr
            .settings_map(None, Some(GenSurface::Discord))
            .await?;
        seed_embed(
            SeedEmbedInput {
                data: &seed.data,
                permalink: &seed.url,
                code: &code,
                settings_map: &settings_map,
                title: Some("Mystery Game"),
                notes: None,
                include_settings: true,
            },
            &emoji,
            ctx.bot.emoji_url("SahasrahBot"),
        )
    } else {
        crate::embeds::embed(
            "Mystery Game",
            None,
            crate::embeds::alttpr::SEED_COLOUR,
            vec![
                field(
                    "File Select Code",
                    crate::embeds::alttpr::file_select_code(&code, &emoji),
                    false,
                ),
                field("Permalink", seed.url.clone(), false),
            ],
            Some("Generated"),
        )
    };
    let mut at = 0;
    if let Some(name) = weightset {
        embed.fields.insert(0, field("Weightset", name, false));
        at = 1;
    }
    if let Some(instructions) = &roll.custom_instructions {
        embed.fields.insert(
            at,
            field("Custom Instructions", instructions.as_str(), false),
        );
    }
    if let Some((name, value)) = appended {
        embed.fields.push(field(name, value, false));
    }
    ctx.followup(None, &[embed]).await
}

/// `/alttprutils verifygame hash_id`.
pub fn alttprutils_command() -> Command {
    CommandBuilder::new(
        "alttprutils",
        "Utilities for the ALTTP Randomizer",
        CommandType::ChatInput,
    )
    .contexts(super::anywhere())
    .option(
        SubCommandBuilder::new("verifygame", "Verify a game was generated by SahasrahBot.")
            .option(StringBuilder::new("hash_id", "The hash id of the game.").required(true)),
    )
    .option(
        SubCommandBuilder::new(
            "convertcustomizer",
            "Convert a customizer save file to a SahasrahBot preset file.",
        )
        .option(
            twilight_util::builder::command::AttachmentBuilder::new(
                "customizer_json",
                "A valid ALTTPR Customizer save file.",
            )
            .required(true),
        ),
    )
    .option(
        SubCommandBuilder::new("savepreset", "Save a preset to your namespace.")
            .option(StringBuilder::new("preset_name", "The name to save it as.").required(true))
            .option(
                twilight_util::builder::command::AttachmentBuilder::new(
                    "preset_file",
                    "The preset YAML file.",
                )
                .required(true),
            ),
    )
    .build()
}

/// `/alttprutils verifygame`: a public "not generated by SahasrahBot" when no audit row
/// has the hash; the row's details, ephemeral, when one has.
pub(crate) async fn verifygame(ctx: &Ctx, options: &Options) -> Result<()> {
    use sahasrahbot_core::db::entities::audit_generated_games as games;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
    let hash = options.required_string("hash_id")?;
    let row = games::Entity::find()
        .filter(games::Column::HashId.eq(hash))
        .order_by_desc(games::Column::Id)
        .one(&ctx.bot.deps.db)
        .await
        .map_err(|e| Error::Database(e.into()))?;
    match row {
        None => {
            ctx.reply(
                Some("That game was not generated by SahasrahBot.".to_owned()),
                Vec::new(),
                false,
            )
            .await
        }
        Some(row) => {
            let text = format!(
                "**Randomizer:** {}\n**Game Type:** {}\n**Game Option:** {}\n**Permalink:** <{}>",
                row.randomizer.unwrap_or_default(),
                row.gentype.unwrap_or_default(),
                row.genoption.unwrap_or_default(),
                row.permalink.unwrap_or_default(),
            );
            ctx.reply(Some(text), Vec::new(), true).await
        }
    }
}

/// `/smdash preset [spoiler]`.
pub fn smdash_command() -> Command {
    CommandBuilder::new(
        "smdash",
        "Generate a Super Metroid DASH randomizer game.",
        CommandType::ChatInput,
    )
    .contexts(super::anywhere())
    .option(
        StringBuilder::new("preset", "The DASH mode to generate.")
            .required(true)
            .autocomplete(true),
    )
    .option(yes_no("spoiler", "Include a spoiler log? (default no)"))
    .build()
}

/// DASH mode autocomplete: the modes dashrando.net lists (its fallback list when it cannot
/// be read) starting with the typed text, at most 25.
pub(crate) async fn smdash_choices(ctx: &Ctx, typed: &str) -> Vec<CommandOptionChoice> {
    let modes = ctx
        .bot
        .deps
        .seedgen
        .dash
        .presets(Some(GenSurface::Discord))
        .await;
    super::prefix_choices(modes, typed)
}

/// `/smdash`: defer(pub), generate on dashrando.net, post the seed URL as plain text.
pub(crate) async fn smdash(ctx: &Ctx, options: &Options) -> Result<()> {
    use sahasrahbot_seedgen::SeedProvider as _;
    let mode = options.required_string("preset")?.to_owned();
    let spoiler = options.yes_no("spoiler", false)?;
    ctx.defer(false).await?;
    let request = sahasrahbot_seedgen::providers::dash::DashRequest { mode, spoiler };
    let seed = ctx
        .bot
        .deps
        .seedgen
        .dash
        .generate(&request, Some(GenSurface::Discord))
        .await?;
    ctx.followup(Some(&seed.url), &[]).await
}

/// The invoker's namespace, created on first use.
async fn own_namespace(ctx: &Ctx) -> Result<String> {
    let user_id = ctx
        .user_id()
        .ok_or_else(|| Error::BadOption("No user on this interaction.".to_owned()))?;
    let users = user::UserPresets::new(ctx.bot.deps.db.clone());
    let ns = users
        .namespace_for_user(
            i64::try_from(user_id.get()).unwrap_or_default(),
            &ctx.user_name(),
        )
        .await
        .map_err(core_error)?;
    ns.name
        .ok_or_else(|| Error::BadOption("Your preset namespace has no name.".to_owned()))
}

fn core_error(e: sahasrahbot_core::Error) -> Error {
    match e {
        sahasrahbot_core::Error::Preset(p) => Error::Preset(p),
        other => Error::Database(other),
    }
}

/// `/alttprutils savepreset`: saves the file as `{namespace}/{name}` (name lowercased);
/// ephemeral "Preset saved as …".
pub(crate) async fn savepreset(ctx: &Ctx, options: &Options) -> Result<()> {
    let name = options.required_string("preset_name")?.to_lowercase();
    if name.is_empty() || name.contains('/') {
        return Err(Error::BadOption(
            "A preset name cannot be empty or contain `/`.".to_owned(),
        ));
    }
    ctx.defer(true).await?;
    let content = ctx.attachment_text(options, "preset_file").await?;
    let namespace = own_namespace(ctx).await?;
    let reference = format!("{namespace}/{name}");
    user::UserPresets::new(ctx.bot.deps.db.clone())
        .save(Game::Alttpr, &reference, &content)
        .await
        .map_err(core_error)?;
    ctx.followup(Some(&format!("Preset saved as {reference}")), &[])
        .await
}

/// `/alttpr custompreset`: saves the file as `{namespace}/latest`, generates it like
/// `/alttpr preset` and appends a "Saved as preset!" field.
pub(crate) async fn custompreset(ctx: &Ctx, options: &Options) -> Result<()> {
    let race = options.yes_no("race", false)?;
    let hints = options.yes_no("hints", false)?;
    let allow_quickswap = options.yes_no("allow_quickswap", true)?;
    let branch = branch_option(options)?;
    ctx.defer(false).await?;
    let content = ctx.attachment_text(options, "yamlfile").await?;
    let namespace = own_namespace(ctx).await?;
    let reference = format!("{namespace}/latest");
    user::UserPresets::new(ctx.bot.deps.db.clone())
        .save(Game::Alttpr, &reference, &content)
        .await
        .map_err(core_error)?;
    generate_with(
        ctx,
        &reference,
        race,
        hints,
        allow_quickswap,
        branch,
        Some((
            "Saved as preset!",
            format!("You can generate this preset again with the name `{reference}`."),
        )),
    )
    .await
}

/// `/alttpr spoiler`: defer(pub), generate a race game with spoilers `generate`, publish
/// its (progression) spoiler log publicly, follow-up with the seed embed headed by "Spoiler
/// Log URL" then "Preset".
pub(crate) async fn alttpr_spoiler(ctx: &Ctx, options: &Options) -> Result<()> {
    let preset_name = options.required_string("preset")?.to_owned();
    let progression = options.boolean("progression_spoiler").unwrap_or(false);
    let branch = branch_option(options)?;
    ctx.defer(false).await?;
    let preset = load_preset(ctx, Game::Alttpr, &preset_name).await?;
    spoiler_with(ctx, &preset, Some(&preset_name), progression, branch).await
}

/// `/alttpr customspoiler`: like `/alttpr spoiler` from an uploaded preset file (not
/// saved); only "Spoiler Log URL" is added to the embed.
pub(crate) async fn alttpr_customspoiler(ctx: &Ctx, options: &Options) -> Result<()> {
    let branch = branch_option(options)?;
    ctx.defer(false).await?;
    let content = ctx.attachment_text(options, "yamlfile").await?;
    let preset = sahasrahbot_core::presets::Preset::from_yaml(Game::Alttpr, "custom", &content)?;
    spoiler_with(ctx, &preset, None, false, branch).await
}

async fn spoiler_with(
    ctx: &Ctx,
    preset: &sahasrahbot_core::presets::Preset,
    preset_name: Option<&str>,
    progression: bool,
    branch: &str,
) -> Result<()> {
    use rand::SeedableRng as _;
    use sahasrahbot_seedgen::spoilers::SpoilerType;
    let deps = &ctx.bot.deps;
    let publisher = deps.spoilers.clone().ok_or_else(|| Error::External {
        service: "spoiler log storage",
        reason: "not configured on this bot".to_owned(),
    })?;
    let opts = AlttprOptions {
        spoilers: "generate".to_owned(),
        tournament: true,
        allow_quickswap: true,
        branch: Some(branch.to_owned()),
        ..AlttprOptions::default()
    };
    let request = {
        let mut rng = ThreadRng(rand::thread_rng());
        build_request(preset, &opts, &mut rng)?
    };
    let seed = deps
        .seedgen
        .generate(&request, Some(&preset.audit()), Some(GenSurface::Discord))
        .await?;
    let kind = if progression {
        SpoilerType::Progression
    } else {
        SpoilerType::Spoiler
    };
    let url = publisher
        .publish(&seed, kind, &mut rand::rngs::StdRng::from_entropy())
        .await?;
    let mut embed = alttpr_embed(ctx, &request, &seed).await?;
    if let Some(name) = preset_name {
        embed.fields.insert(0, field("Preset", name, false));
    }
    embed.fields.insert(0, field("Spoiler Log URL", url, false));
    ctx.followup(None, &[embed]).await
}

/// Settings presets of `/smvaria` (VARIA's own list).
pub const VARIA_SETTINGS: [&str; 31] = [
    "Chozo_Speedrun",
    "SGLive2021",
    "SMRAT2021",
    "Season_Races",
    "Torneio_SGPT2",
    "VARIA_Weekly",
    "all_random",
    "default",
    "doors_long",
    "doors_short",
    "free",
    "hardway2hell",
    "haste",
    "highway2hell",
    "hud",
    "hud_hard",
    "hud_start",
    "minimizer",
    "minimizer_hardcore",
    "minimizer_maximizer",
    "quite_random",
    "scavenger_hard",
    "scavenger_random",
    "scavenger_speedrun",
    "scavenger_vanilla_but_not",
    "stupid_hard",
    "surprise",
    "vanilla",
    "way_of_chozo",
    "where_am_i",
    "where_is_morph",
];

/// Skill presets of `/smvaria`.
pub const VARIA_SKILLS: [&str; 11] = [
    "SMRAT2021",
    "Season_Races",
    "Torneio_SGPT2",
    "casual",
    "expert",
    "master",
    "newbie",
    "regular",
    "samus",
    "solution",
    "veteran",
];

/// Discord's "orange" (the VARIA embed).
const VARIA_COLOUR: u32 = 0x00E6_7E22;

/// `/smvaria settings skills [race]`.
pub fn smvaria_command() -> Command {
    CommandBuilder::new(
        "smvaria",
        "Generate a Super Metroid VARIA randomizer game.",
        CommandType::ChatInput,
    )
    .contexts(super::anywhere())
    .option(
        StringBuilder::new("settings", "The settings preset you want to generate.")
            .required(true)
            .autocomplete(true),
    )
    .option(
        StringBuilder::new("skills", "The skills preset you want to use.")
            .required(true)
            .autocomplete(true),
    )
    .option(yes_no("race", "Is this a race? (default no)"))
    .build()
}

/// `/smvaria` autocompletes: the fixed preset names starting with the typed text, sorted,
/// at most 25, answered as choices (fix D6: the original answered plain strings, which
/// Discord rejects).
pub(crate) fn varia_choices(names: &[&str], typed: &str) -> Vec<CommandOptionChoice> {
    super::prefix_choices(names, typed)
}

/// `/smvaria`: defer(pub), generate through the VARIA web service, follow-up with the
/// VARIA embed: title "Generated Super Metroid Varia Game", the presets in bold labels,
/// "Link", and "Warnings" when VARIA sent an `errorMsg`.
pub(crate) async fn smvaria(ctx: &Ctx, options: &Options) -> Result<()> {
    use sahasrahbot_seedgen::SeedProvider as _;
    let settings = options.required_string("settings")?.to_owned();
    let skills = options.required_string("skills")?.to_owned();
    let race = options.yes_no("race", false)?;
    ctx.defer(false).await?;
    let request = sahasrahbot_seedgen::providers::varia::VariaRequest {
        settings_preset: settings.clone(),
        skills_preset: skills.clone(),
        race,
        settings: None,
    };
    let seed = ctx
        .bot
        .deps
        .seedgen
        .varia
        .generate(&request, Some(GenSurface::Discord))
        .await?;
    let mut fields = vec![field("Link", seed.url.clone(), false)];
    if let Some(warnings) = seed
        .data
        .get("errorMsg")
        .and_then(serde_json::Value::as_str)
        .filter(|w| !w.is_empty())
    {
        fields.push(field("Warnings", warnings, false));
    }
    let mut embed = crate::embeds::embed(
        "Generated Super Metroid Varia Game",
        Some(format!(
            "**Skills preset:** {skills}\n**Settings preset:** {settings}"
        )),
        VARIA_COLOUR,
        fields,
        None,
    );
    embed.timestamp =
        twilight_model::util::Timestamp::from_secs(chrono::Utc::now().timestamp()).ok();
    ctx.followup(None, &[embed]).await
}

/// `/ctjets preset`.
pub fn ctjets_command() -> Command {
    CommandBuilder::new(
        "ctjets",
        "Generate a Chrono Trigger: Jets of Time randomizer game.",
        CommandType::ChatInput,
    )
    .contexts(super::anywhere())
    .option(
        StringBuilder::new("preset", "The preset you want to generate.")
            .required(true)
            .autocomplete(true),
    )
    .build()
}

/// `/ctjets`: defer(pub), generate the preset on ctjot.com (audit row written), post the
/// seed's share link as plain text.
pub(crate) async fn ctjets(ctx: &Ctx, options: &Options) -> Result<()> {
    let reference = options.required_string("preset")?.to_owned();
    ctx.defer(false).await?;
    let preset = load_preset(ctx, Game::CtJets, &reference).await?;
    let request = sahasrahbot_core::presets::other::build_ctjets_request(&preset)?;
    let seed = ctx
        .bot
        .deps
        .seedgen
        .generate(&request, Some(&preset.audit()), Some(GenSurface::Discord))
        .await?;
    ctx.followup(Some(&seed.url), &[]).await
}

/// `/z2r preset|mrb`.
pub fn z2r_command() -> Command {
    use sahasrahbot_seedgen::providers::local::Z2R_PRESETS;
    CommandBuilder::new(
        "z2r",
        "Generate a seed for Zelda 2 Randomizer",
        CommandType::ChatInput,
    )
    .contexts(super::anywhere())
    .option(
        SubCommandBuilder::new(
            "preset",
            "Generate a Zelda 2 Randomizer game using the specified preset.",
        )
        .option(
            StringBuilder::new("preset", "The preset you want to generate.")
                .required(true)
                .choices(Z2R_PRESETS.iter().map(|(name, _)| (*name, *name))),
        ),
    )
    .option(SubCommandBuilder::new(
        "mrb",
        "Generate a seed with a random flag set from MRB's pool.",
    ))
    .build()
}

/// `/z2r preset`: a public "**Seed**: n" / "**Flags:** …" reply (no provider, not
/// deferred); an unknown preset is an ephemeral error.
pub(crate) async fn z2r_preset(ctx: &Ctx, options: &Options) -> Result<()> {
    let name = options.required_string("preset")?;
    let seed = sahasrahbot_seedgen::providers::local::z2r_preset(&mut rand::thread_rng(), name)
        .ok_or_else(|| {
            Error::BadOption(format!(
                "`{name}` is not a Z2R preset: choose one of the listed presets."
            ))
        })?;
    let text = format!("**Seed**: {}\n**Flags:** {}", seed.seed, seed.flags);
    ctx.reply(Some(text), Vec::new(), false).await
}

/// `/z2r mrb`: one of MRB's flag sets at random, with its description.
pub(crate) async fn z2r_mrb(ctx: &Ctx) -> Result<()> {
    let seed = sahasrahbot_seedgen::providers::local::z2r_mrb(&mut rand::thread_rng());
    let text = format!(
        "**Seed**: {}\n**Flags:** {}\n**Description**: {}",
        seed.seed,
        seed.flags,
        seed.description.unwrap_or_default()
    );
    ctx.reply(Some(text), Vec::new(), false).await
}

/// `/alttprutils convertcustomizer`: the uploaded customizer save converted to a preset,
/// answered privately as the file `output.yaml`; a file that is no JSON or has invalid
/// equipment is an ephemeral error.
pub(crate) async fn convertcustomizer(ctx: &Ctx, options: &Options) -> Result<()> {
    use twilight_model::channel::message::MessageFlags;
    use twilight_model::http::interaction::{
        InteractionResponse, InteractionResponseData, InteractionResponseType,
    };
    let text = ctx.attachment_text(options, "customizer_json").await?;
    let save: serde_json::Value = serde_json::from_str(&text)
        .map_err(|e| Error::BadOption(format!("The customizer file is not valid JSON: {e}")))?;
    let yaml = super::customizer::preset_yaml(&save)?;
    let file = twilight_model::http::attachment::Attachment::from_bytes(
        "output.yaml".to_owned(),
        yaml.into_bytes(),
        0,
    );
    ctx.respond(InteractionResponse {
        kind: InteractionResponseType::ChannelMessageWithSource,
        data: Some(InteractionResponseData {
            attachments: Some(vec![file]),
            flags: Some(MessageFlags::EPHEMERAL),
            ..Default::default()
        }),
    })
    .await
}
