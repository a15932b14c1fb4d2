//! smz3 (racetime.md §3.12 smz3): `!race`/`!preset`, `!spoiler`, `!multiworld`, `!help`.
//! Also the samus.link helpers smr shares (multiworld).

use std::collections::BTreeMap;
use std::sync::Arc;

use rand::Rng as _;
use sahasrahbot_core::presets::Game;
use sahasrahbot_core::presets::other::build_samus_request;
use sahasrahbot_racetime::{Commands, HandlerError, HandlerResult, Invocation, Room};
use sahasrahbot_seedgen::Surface;
use sahasrahbot_seedgen::providers::SeedProvider;
use sahasrahbot_seedgen::providers::samus::{SamusGame, SamusRequest};

use super::alttpr::plain_or_raise;
use crate::core::texts::{GENERATING, NO_PRESET};
use crate::core::{Category, RoomHandler};
use crate::generate::{ThreadRng, announce_seed, load_preset};
use crate::spoiler::schedule_spoiler_race;

/// SM + ALTTP combo randomizer.
#[derive(Debug)]
pub struct Smz3;

/// `!help` of smz3.
pub const HELP: &str = "Available commands:\n\"!race <preset>, !multiworld <preset>\" to generate a race preset.  Check out https://sahasrahbot.synack.live/rtgg.html#smz3-commands for more info.";

impl Category for Smz3 {
    fn commands(core: Commands<RoomHandler<Self>>) -> Commands<RoomHandler<Self>> {
        core.add("race", |h, room, inv| {
            preset_cmd::<Self>(h, room, inv, Game::Smz3, false)
        })
        .add("preset", |h, room, inv| {
            preset_cmd::<Self>(h, room, inv, Game::Smz3, false)
        })
        .add("spoiler", |h, room, inv| {
            preset_cmd::<Self>(h, room, inv, Game::Smz3, true)
        })
        .add(
            "multiworld",
            |h: Arc<RoomHandler<Self>>, room: Room, inv: Invocation| async move {
                let preset = inv.args.first().cloned();
                let preset = preset.map(|p| (p.clone(), p));
                multiworld(&h, &room, &inv, Game::Smz3, preset, "SMZ3 Multiworld").await
            },
        )
        .add("help", |_h, room: Room, _inv| async move {
            room.send_message(HELP)?;
            Ok(())
        })
    }
}

/// `!race`/`!preset` (`spoiler` false) and `!spoiler` of a samus.link game.
pub(crate) async fn preset_cmd<C: Category>(
    h: Arc<RoomHandler<C>>,
    room: Room,
    inv: Invocation,
    game: Game,
    spoiler: bool,
) -> HandlerResult {
    h.guarded_roll(&room, &inv.message, || async {
        let Some(name) = inv.args.first().filter(|p| !p.is_empty()).cloned() else {
            room.send_message(NO_PRESET)?;
            return Ok(false);
        };
        room.send_message(GENERATING)?;
        let services = h.services();
        let preset = match load_preset(services, game, &name).await {
            Ok(p) => p,
            Err(e) => return plain_or_raise(&room, e),
        };
        let (request, _key) = build_samus_request(&preset, true, spoiler, &mut ThreadRng(rand::thread_rng()))
            .map_err(crate::Error::from)?;
        let audit = preset.audit();
        let seed = services
            .seedgen
            .generate(&request, Some(&audit), Some(Surface::Racetime))
            .await
            .map_err(crate::Error::from)?;
        let code = seed.code.as_deref().unwrap_or_default().join("");
        if spoiler {
            let studytime = match inv.args.get(1) {
                Some(a) => a
                    .parse::<i32>()
                    .map_err(|_| format!("invalid literal for int() with base 10: '{a}'"))?,
                None => 1500,
            };
            room.set_bot_raceinfo(format!("spoiler {name} - {} - ({code})", seed.url))?;
            room.send_message(seed.url.clone())?;
            let url = seed.spoiler_url.clone().unwrap_or_default();
            schedule_spoiler_race(&h, &room, &url, studytime).await?;
            room.send_message(format!(
                "The spoiler log for this race will be sent after the race begins in this room.  A {studytime}s countdown timer at that time will begin."
            ))?;
        } else {
            announce_seed(&room, format!("{name} - {} - ({code})", seed.url), &seed.url)?;
        }
        Ok(true)
    })
    .await
}

/// Team name → member names, over joined entrants with a team (the original crashed on
/// invitees without a team, §5.9).
pub(crate) fn teams(room: &Room) -> Result<BTreeMap<String, Vec<String>>, HandlerError> {
    let race = room.race();
    if !race.team_race {
        return Err("This is not a team race.".into());
    }
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for e in &race.entrants {
        let (Some(user), Some(team)) = (&e.user, &e.team) else {
            continue;
        };
        let Some(team) = team.get("name").and_then(|n| n.as_str()) else {
            continue;
        };
        out.entry(team.to_owned())
            .or_default()
            .push(user.name.clone());
    }
    Ok(out)
}

/// `!multiworld <preset> [seed]`: one game per team with the same seed number.
/// `preset` is (name asked for, name resolved).
pub(crate) async fn multiworld<C: Category>(
    h: &RoomHandler<C>,
    room: &Room,
    inv: &Invocation,
    game: Game,
    preset: Option<(String, String)>,
    info_prefix: &str,
) -> HandlerResult {
    h.guarded_roll(room, &inv.message, || async {
        let Some((_, resolved)) = preset.filter(|(p, _)| !p.is_empty()) else {
            room.send_message(NO_PRESET)?;
            return Ok(false);
        };
        let seed_number: u64 = match inv.args.get(1) {
            Some(a) => match a.parse::<u64>() {
                Ok(n) if n <= 2_147_483_647 => n,
                _ => {
                    room.send_message(
                        "The seed number must be a whole number from 0 to 2147483647.",
                    )?;
                    return Ok(false);
                }
            },
            None => rand::thread_rng().gen_range(0..=2_147_483_647u64),
        };
        if !room.race().team_race {
            room.send_message("This must be a team race.")?;
            return Ok(false);
        }
        let teams = teams(room)?;
        let mut sizes = teams.values().map(Vec::len);
        let first = sizes.next();
        if sizes.any(|n| Some(n) != first) {
            room.send_message("Teams are unequal in size.")?;
            return Ok(false);
        }
        room.send_message(GENERATING)?;
        let services = h.services();
        let preset = match load_preset(services, game, &resolved).await {
            Ok(p) => p,
            Err(e) => return plain_or_raise(room, e),
        };
        let settings = sahasrahbot_core::presets::Value::Map(
            preset.settings().map_err(crate::Error::from)?.clone(),
        )
        .to_json();
        let samus_game = if game == Game::Sm {
            SamusGame::Sm
        } else {
            SamusGame::Smz3
        };
        for (team, players) in &teams {
            let request =
                SamusRequest::multiworld(samus_game, &settings, players, true, Some(seed_number));
            match services
                .seedgen
                .samus
                .generate(&request, Some(Surface::Racetime))
                .await
            {
                Ok(seed) => {
                    room.send_message(format!("Team {team}: {}", seed.url))?;
                    room.send_message("------")?;
                }
                Err(e) => {
                    room.send_message(e.to_string())?;
                    return Ok(false);
                }
            }
        }
        room.set_bot_raceinfo(format!("{info_prefix} - {resolved}"))?;
        room.send_message("Seed rolling complete.")?;
        Ok(true)
    })
    .await
}
