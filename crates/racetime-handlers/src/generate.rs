//! Seed generation for room commands: presets and mystery weightsets through
//! `sahasrahbot_seedgen`, with the errors users should read as plain replies told apart.

use rand::RngCore;
use sahasrahbot_core::presets::alttpr::{AlttprOptions, build_request};
use sahasrahbot_core::presets::mystery::{self, Rng};
use sahasrahbot_core::presets::user::{self, MysteryPresets, UserPresets};
use sahasrahbot_core::presets::{Game, Preset, PresetError, Value};
use sahasrahbot_seedgen::{GeneratedSeed, Surface};

use crate::ports::SpoilerKind;
use crate::services::Services;
use crate::{Error, Result};

/// The thread RNG as the preset roller's randomness.
pub(crate) struct ThreadRng(pub(crate) rand::rngs::ThreadRng);

impl Rng for ThreadRng {
    fn next_u32(&mut self) -> u32 {
        self.0.next_u32()
    }
}

/// The text to post instead of `Command raised exception: …` for errors that are the user's
/// (an unknown preset or weightset; the original caught the wrong class, §5.4).
pub(crate) fn user_facing(e: &Error) -> Option<String> {
    let preset = match e {
        Error::Preset(p) => p,
        Error::Core(sahasrahbot_core::Error::Preset(p)) => p,
        _ => return None,
    };
    match preset {
        PresetError::NotFound { .. }
        | PresetError::NotFoundInNamespace { .. }
        | PresetError::NamespaceNotFound { .. }
        | PresetError::NoPresetSpecified => Some(preset.to_string()),
        _ => None,
    }
}

/// Loads a preset of `game` by reference (file or `namespace/name`).
pub(crate) async fn load_preset(services: &Services, game: Game, name: &str) -> Result<Preset> {
    let users = UserPresets::new(services.db.clone());
    Ok(user::fetch(&services.presets, &users, game, name).await?)
}

/// Generates an alttpr preset game.
pub(crate) async fn alttpr_preset(
    services: &Services,
    preset: &Preset,
    opts: &AlttprOptions,
) -> Result<GeneratedSeed> {
    let request = build_request(preset, opts, &mut ThreadRng(rand::thread_rng()))?;
    let audit = preset.audit();
    Ok(services
        .seedgen
        .generate(&request, Some(&audit), Some(Surface::Racetime))
        .await?)
}

/// A spoiler game: generated with spoilers `generate`, its log published.
pub(crate) struct SpoilerGame {
    pub(crate) seed: GeneratedSeed,
    pub(crate) spoiler_url: String,
    pub(crate) preset_studytime: Option<i64>,
}

/// Generates an alttpr spoiler game and publishes its log.
pub(crate) async fn alttpr_spoiler(
    services: &Services,
    preset_name: &str,
    branch: Option<String>,
    quickswap: bool,
    festive: bool,
    kind: SpoilerKind,
) -> Result<SpoilerGame> {
    let preset = load_preset(services, Game::Alttpr, preset_name).await?;
    let opts = AlttprOptions {
        spoilers: "generate".to_owned(),
        tournament: true,
        allow_quickswap: quickswap,
        endpoint_prefix: if festive { "/festive" } else { "" }.to_owned(),
        branch,
        ..AlttprOptions::default()
    };
    let seed = alttpr_preset(services, &preset, &opts).await?;
    let logs = services
        .spoilers
        .as_ref()
        .ok_or_else(|| Error::Port("Spoiler logs are not available right now.".to_owned()))?;
    let spoiler_url = logs.publish(&seed, kind).await?;
    Ok(SpoilerGame {
        seed,
        spoiler_url,
        preset_studytime: preset.data.get("studytime").and_then(Value::as_int),
    })
}

/// A mystery game and the weightset's custom instructions.
pub(crate) async fn alttpr_mystery(
    services: &Services,
    weightset: &str,
) -> Result<(GeneratedSeed, Option<String>)> {
    let ws = load_preset(services, Game::AlttprMystery, weightset).await?;
    let users = UserPresets::new(services.db.clone());
    let source = MysteryPresets::load(&services.presets, &users, &ws.data).await?;
    let roll = mystery::roll(
        &ws.data,
        "mystery",
        &source,
        &mut ThreadRng(rand::thread_rng()),
    )?;
    let request = roll.request("mystery", true, true);
    let audit = roll.audit(&ws.name);
    let seed = services
        .seedgen
        .generate(&request, Some(&audit), Some(Surface::Racetime))
        .await?;
    Ok((seed, roll.custom_instructions.clone()))
}

/// The usual end of a roll: `info` as the bot's race info, the seed's `url` in chat, then
/// "Seed rolling complete".
pub(crate) fn announce_seed(
    room: &sahasrahbot_racetime::Room,
    info: String,
    url: &str,
) -> sahasrahbot_racetime::Result<()> {
    room.set_bot_raceinfo(info)?;
    room.send_message(url)?;
    room.send_message(crate::core::texts::DONE)
}

/// `a/b/c/d/e` from a file-select code.
pub(crate) fn code_slash(seed: &GeneratedSeed) -> String {
    seed.code.as_deref().unwrap_or_default().join("/")
}
