//! smr (racetime.md §3.12 smr): `!totalrace`/`!total`, `!multiworld`, `!variarace` and its
//! aliases, `!dashrace` and its aliases, `!help`.

use std::sync::Arc;

use rand::seq::SliceRandom;
use sahasrahbot_core::presets::Game;
use sahasrahbot_racetime::{Commands, HandlerResult, Invocation, Room};
use sahasrahbot_seedgen::Surface;
use sahasrahbot_seedgen::providers::SeedProvider;
use sahasrahbot_seedgen::providers::dash::DashRequest;
use sahasrahbot_seedgen::providers::varia::VariaRequest;

use super::smz3::multiworld;
use crate::core::texts::{DONE, GENERATING};
use crate::core::{Category, RoomHandler};

/// Super Metroid Randomizer.
#[derive(Debug)]
pub struct Smr;

/// `!help` of smr.
pub const HELP: &str = "Available commands:\n\"!total <preset>, !varia <settings> <skills>, !dash <preset>, !multiworld <preset>\" to generate a seed.  Check out https://sahasrahbot.synack.live/rtgg.html for more info.";

impl Category for Smr {
    fn commands(core: Commands<RoomHandler<Self>>) -> Commands<RoomHandler<Self>> {
        let mut c = core
            .add(
                "multiworld",
                |h: Arc<RoomHandler<Self>>, room: Room, inv: Invocation| async move {
                    let preset = inv.args.first().cloned().map(|p| {
                        let resolved = if p == "tournament" {
                            ["tournament_split", "tournament_full"]
                                .choose(&mut rand::thread_rng())
                                .map_or(p.clone(), |s| (*s).to_owned())
                        } else {
                            p.clone()
                        };
                        (p, resolved)
                    });
                    multiworld(&h, &room, &inv, Game::Sm, preset, "SM Multiworld").await
                },
            )
            .add("help", |_h, room: Room, _inv| async move {
                room.send_message(HELP)?;
                Ok(())
            });
        // `!total` is documented as working; the original forgot to await it (§5.3).
        for name in ["totalrace", "total"] {
            c = c.add(
                name,
                |h: Arc<RoomHandler<Self>>, room: Room, inv: Invocation| async move {
                    totalrace(h, room, inv).await
                },
            );
        }
        for name in ["variarace", "varia", "smvaria"] {
            c = c.add(name, varia);
        }
        for name in ["dashrace", "dash", "smdash"] {
            c = c.add(name, dash);
        }
        c
    }
}

/// `!totalrace <preset>`: an SM preset at samus.link, with its own info line.
async fn totalrace(h: Arc<RoomHandler<Smr>>, room: Room, inv: Invocation) -> HandlerResult {
    h.guarded_roll(&room, &inv.message, || async {
        let Some(name) = inv.args.first().filter(|p| !p.is_empty()).cloned() else {
            room.send_message(crate::core::texts::NO_PRESET)?;
            return Ok(false);
        };
        room.send_message(GENERATING)?;
        let services = h.services();
        let preset = match crate::generate::load_preset(services, Game::Sm, &name).await {
            Ok(p) => p,
            Err(e) => return super::alttpr::plain_or_raise(&room, e),
        };
        let (request, _) = sahasrahbot_core::presets::other::build_samus_request(
            &preset,
            true,
            false,
            &mut crate::generate::ThreadRng(rand::thread_rng()),
        )
        .map_err(crate::Error::from)?;
        let audit = preset.audit();
        let seed = services
            .seedgen
            .generate(&request, Some(&audit), Some(Surface::Racetime))
            .await
            .map_err(crate::Error::from)?;
        let code = seed.code.as_deref().unwrap_or_default().join("");
        room.set_bot_raceinfo(format!(
            "SM Total Randomizer - {name} - {} - ({code})",
            seed.url
        ))?;
        room.send_message(seed.url.clone())?;
        room.send_message(DONE)?;
        Ok(true)
    })
    .await
}

async fn varia(h: Arc<RoomHandler<Smr>>, room: Room, inv: Invocation) -> HandlerResult {
    h.guarded_roll(&room, &inv.message, || async {
        let (Some(settings), Some(skills)) = (inv.args.first(), inv.args.get(1)) else {
            room.send_message("You must specify setting and skill presets!")?;
            return Ok(false);
        };
        room.send_message(GENERATING)?;
        let request = VariaRequest {
            settings_preset: settings.clone(),
            skills_preset: skills.clone(),
            race: true,
            settings: None,
        };
        let seed = match h
            .services()
            .seedgen
            .varia
            .generate(&request, Some(Surface::Racetime))
            .await
        {
            Ok(s) => s,
            Err(e) => {
                room.send_message(e.to_string())?;
                return Ok(false);
            }
        };
        room.set_bot_raceinfo(format!("{settings} / {skills} - {}", seed.url))?;
        room.send_message(seed.url.clone())?;
        room.send_message(DONE)?;
        Ok(true)
    })
    .await
}

async fn dash(h: Arc<RoomHandler<Smr>>, room: Room, inv: Invocation) -> HandlerResult {
    h.guarded_roll(&room, &inv.message, || async {
        let args: Vec<&String> = inv.args.iter().filter(|a| !a.is_empty()).collect();
        let dash = &h.services().seedgen.dash;
        if args.is_empty() || args.len() > 2 {
            room.send_message("Usage: !dash [--spoiler] <preset>")?;
            let modes = dash.presets(Some(Surface::Racetime)).await;
            room.send_message(format!("Available presets: {}", modes.join(", ")))?;
            return Ok(false);
        }
        let (spoiler, mode) = if args.len() == 2 {
            if args[0] != "--spoiler" {
                room.send_message(format!(
                    "Invalid option: {}  Supported options: --spoiler",
                    args[0]
                ))?;
                return Ok(false);
            }
            (true, args[1].clone())
        } else {
            (false, args[0].clone())
        };
        room.send_message(GENERATING)?;
        let request = DashRequest { mode, spoiler };
        let seed = match dash.generate(&request, Some(Surface::Racetime)).await {
            Ok(s) => s,
            Err(e) => {
                // The provider's own message already reads "Could not generate smdash
                // seed: {body}" for a non-307 answer.
                let text = match e.failure() {
                    Some(f) if f.provider_message.starts_with("Could not generate") => {
                        f.provider_message.clone()
                    }
                    _ => format!("Could not generate smdash seed: {e}"),
                };
                room.send_message(text)?;
                return Ok(false);
            }
        };
        room.set_bot_raceinfo(format!("SM Dash Randomizer - {}", seed.url))?;
        room.send_message(seed.url.clone())?;
        room.send_message(DONE)?;
        Ok(true)
    })
    .await
}
