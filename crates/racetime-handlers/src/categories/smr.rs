//! smr (racetime.md §3.12 smr): `!totalrace`/`!total`, `!multiworld`, `!variarace` and its
//! aliases, `!dashrace` and its aliases, `!choozorace`, `!smleagueplayoff`, `!help`.

use std::sync::Arc;

use rand::seq::SliceRandom;
use sahasrahbot_core::presets::Game;
use sahasrahbot_racetime::{Commands, HandlerResult, Invocation, Room};
use sahasrahbot_seedgen::providers::SeedProvider;
use sahasrahbot_seedgen::providers::dash::DashRequest;
use sahasrahbot_seedgen::providers::varia::VariaRequest;
use sahasrahbot_seedgen::providers::varia_presets::{self, ChoozoOptions};
use sahasrahbot_seedgen::{GeneratedSeed, Surface};

use super::smz3::multiworld;
use crate::core::texts::GENERATING;
use crate::core::{Category, RoomHandler};
use crate::generate::announce_seed;

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
        c.add("choozorace", choozorace)
            .add("smleagueplayoff", league_playoff)
    }
}

/// The text users see for a request seedgen refused (the invalid option and its words).
fn refusal(e: sahasrahbot_seedgen::Error) -> String {
    match e {
        sahasrahbot_seedgen::Error::BadRequest { message, .. } => message,
        other => other.to_string(),
    }
}

/// The VARIA request of a Choozo race, or the validation message.
pub fn choozo_request(args: &[String]) -> Result<VariaRequest, String> {
    let [split, area, boss, difficulty, escape, morph, start] = args else {
        return Err(format!(
            "{} {} provided, 7 required (item split, area, boss, difficulty, escape, morph, start)",
            args.len(),
            if args.len() == 1 {
                "argument"
            } else {
                "arguments"
            }
        ));
    };
    let options = ChoozoOptions {
        split: split.clone(),
        area: area.clone(),
        boss: boss.clone(),
        difficulty: difficulty.clone(),
        escape: escape.clone(),
        morph: morph.clone(),
        start: start.clone(),
    };
    varia_presets::choozo(&options, true).map_err(refusal)
}

/// A VARIA seed for `request`, or `None` when VARIA fails: the room is then told why, after
/// `error_prefix`.
async fn varia_seed(
    h: &RoomHandler<Smr>,
    room: &Room,
    request: &VariaRequest,
    error_prefix: &str,
) -> sahasrahbot_racetime::Result<Option<GeneratedSeed>> {
    match h
        .services()
        .seedgen
        .varia
        .generate(request, Some(Surface::Racetime))
        .await
    {
        Ok(seed) => Ok(Some(seed)),
        Err(e) => {
            room.send_message(format!("{error_prefix}{e}"))?;
            Ok(None)
        }
    }
}

async fn choozorace(h: Arc<RoomHandler<Smr>>, room: Room, inv: Invocation) -> HandlerResult {
    h.guarded_roll(&room, &inv.message, || async {
        let request = match choozo_request(&inv.args) {
            Ok(r) => r,
            Err(text) => {
                room.send_message(text)?;
                return Ok(false);
            }
        };
        room.send_message(GENERATING)?;
        let Some(seed) = varia_seed(&h, &room, &request, "Error: ").await? else {
            return Ok(false);
        };
        let info = format!(
            "Super Metroid Choozo Randomizer - {} - {}",
            seed.url,
            inv.args.join(" ")
        );
        announce_seed(&room, info, &seed.url)?;
        if inv.args.get(4).is_some_and(|e| e == "RandomEscape") {
            room.send_message("Don't forget to disable screen shake during escape.")?;
        }
        Ok(true)
    })
    .await
}

/// The VARIA request of a league playoff game, or the validation message.
pub fn league_playoff_request(args: &[String]) -> Result<VariaRequest, String> {
    let [majors, area, bosses, ..] = args else {
        return Err("3 arguments required (majors, area, bosses).".to_owned());
    };
    varia_presets::league_playoff(majors, area, bosses).map_err(refusal)
}

async fn league_playoff(h: Arc<RoomHandler<Smr>>, room: Room, inv: Invocation) -> HandlerResult {
    h.guarded_roll(&room, &inv.message, || async {
        if inv.args.is_empty() {
            room.send_message(crate::core::texts::NO_PRESET)?;
            return Ok(false);
        }
        room.send_message(GENERATING)?;
        // Fewer than three arguments: a plain reply (the original answered "list index out
        // of range", §5.11).
        let request = match league_playoff_request(&inv.args) {
            Ok(r) => r,
            Err(text) => {
                room.send_message(text)?;
                return Ok(false);
            }
        };
        let Some(seed) = varia_seed(&h, &room, &request, "").await? else {
            return Ok(false);
        };
        let info = format!(
            "Super Metroid League Playoffs - {} - {} - {}",
            inv.args.first().map_or("", String::as_str),
            seed.url,
            inv.args.join(", ")
        );
        announce_seed(&room, info, &seed.url)?;
        Ok(true)
    })
    .await
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
        let info = format!("SM Total Randomizer - {name} - {} - ({code})", seed.url);
        announce_seed(&room, info, &seed.url)?;
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
        let Some(seed) = varia_seed(&h, &room, &request, "").await? else {
            return Ok(false);
        };
        announce_seed(
            &room,
            format!("{settings} / {skills} - {}", seed.url),
            &seed.url,
        )?;
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
        announce_seed(
            &room,
            format!("SM Dash Randomizer - {}", seed.url),
            &seed.url,
        )?;
        Ok(true)
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(s: &str) -> Vec<String> {
        s.split(' ').map(str::to_owned).collect()
    }

    #[test]
    fn choozo_arguments_are_counted_and_checked() {
        assert_eq!(
            choozo_request(&args("a b c d e f")).unwrap_err(),
            "6 arguments provided, 7 required (item split, area, boss, difficulty, escape, morph, start)"
        );
        assert_eq!(
            choozo_request(&args("a")).unwrap_err(),
            "1 argument provided, 7 required (item split, area, boss, difficulty, escape, morph, start)"
        );
        assert_eq!(
            choozo_request(&args(
                "Full FullArea RandomBoss HardDifficulty RandomEscape LateMorph DeepStart"
            ))
            .unwrap_err(),
            "Invalid item split setting.  Must be FullCountdown, M/m or RandomSplit."
        );
        let r = choozo_request(&args(
            "M/m LightArea VanillaBoss BasicDifficulty VanillaEscape EarlyMorph VanillaStart",
        ))
        .unwrap();
        assert_eq!(r.skills_preset, "newbie");
        let s = r.settings.unwrap();
        assert_eq!(s["majorsSplit"], "Major");
        assert_eq!(s["areaRandomization"], "light");
        assert_eq!(s["bossRandomization"], "off");
        assert_eq!(s["maxDifficulty"], "easy");
        assert_eq!(s["startLocation"], "Landing Site");
    }

    #[test]
    fn league_playoff_needs_three_valid_arguments() {
        assert_eq!(
            league_playoff_request(&args("Major Off")).unwrap_err(),
            "3 arguments required (majors, area, bosses)."
        );
        assert_eq!(
            league_playoff_request(&args("Major Sideways On")).unwrap_err(),
            "Invalid area setting.  Must be Off, Light, or Full."
        );
        let s = league_playoff_request(&args("FullRandom Light On"))
            .unwrap()
            .settings
            .unwrap();
        assert_eq!(s["majorsSplit"], "Full");
        assert_eq!(s["lightAreaRandomization"], "on");
        assert_eq!(s["startLocation"], "random");
    }
}
