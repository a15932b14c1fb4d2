//! alttpr (racetime.md §3.12 alttpr): `!race`, `!noqsrace`, `!newrace`, `!spoiler`,
//! `!tournamentspoiler`, `!progression`, `!mystery`, monitor-only `!cancel`, `!help`, and the
//! "Roll a Game" intro button. Also the base of the debug `test` category.

use std::sync::Arc;

use sahasrahbot_core::presets::Game;
use sahasrahbot_core::presets::alttpr::AlttprOptions;
use sahasrahbot_racetime::{ArgValue, ChatMessage, Commands, HandlerResult, Invocation, Room};

use crate::core::texts::{GENERATING, NO_PRESET};
use crate::core::{Category, Intro, RoomHandler};
use crate::generate::{self, announce_seed, code_slash, user_facing};
use crate::ports::SpoilerKind;
use crate::spoiler::schedule_spoiler_race;

/// The alttpr category.
#[derive(Debug)]
pub struct Alttpr;

impl Category for Alttpr {
    const INTRO: Intro = Intro::Alttpr;
    const MONITOR_CANCEL: bool = true;
    const HIDE_COMMENTS_ON_PENDING: bool = true;

    fn commands(core: Commands<RoomHandler<Self>>) -> Commands<RoomHandler<Self>> {
        add_commands(core)
    }
}

/// `!help` of alttpr.
pub const HELP: &str = "Available commands:\n\"!race <preset>\" to generate a race preset.\n\"!mystery <weightset>\" to generate a mystery game.\n\"!spoiler <preset>\" to generate a spoiler race.  Check out https://sahasrahbot.synack.live/rtgg.html for more info.";

/// Adds the alttpr commands (shared with the `test` category).
pub(crate) fn add_commands<C: Category>(c: Commands<RoomHandler<C>>) -> Commands<RoomHandler<C>> {
    c.add("race", |h, room, inv: Invocation| async move {
        race_cmd::<C>(h, room, inv, true).await
    })
    .add("noqsrace", |h, room, inv: Invocation| async move {
        race_cmd::<C>(h, room, inv, false).await
    })
    .add("newrace", newrace::<C>)
    .add("spoiler", |h, room, inv: Invocation| async move {
        spoiler_cmd::<C>(h, room, inv, None, SpoilerKind::Full).await
    })
    .add("tournamentspoiler", |h, room, inv: Invocation| async move {
        spoiler_cmd::<C>(h, room, inv, Some("tournament"), SpoilerKind::Full).await
    })
    .add("progression", |h, room, inv: Invocation| async move {
        spoiler_cmd::<C>(h, room, inv, None, SpoilerKind::Progression).await
    })
    .add("mystery", mystery::<C>)
    .add("help", |_h, room: Room, _inv| async move {
        room.send_message(HELP)?;
        Ok(())
    })
    .add("register", |_h, room: Room, _inv| async move {
        room.send_message("Lazy Kid ain't got nothing compared to me.")?;
        Ok(())
    })
    .add("vt", |_h, room: Room, _inv| async move {
        room.send_message(
            "You summon Veetorp, he looks around confused and curses your next game with bad (CS)PRNG.",
        )?;
        Ok(())
    })
    .add("synack", |_h, room: Room, _inv| async move {
        room.send_message("You need to be more creative.")?;
        Ok(())
    })
}

/// Options of a non-spoiler alttpr roll.
struct Roll<'a> {
    preset: &'a str,
    quickswap: bool,
    branch: String,
    festive: bool,
    hints: bool,
}

/// GEN, generate, INFO, url, DONE. Returns whether a seed was rolled.
async fn roll_preset<C: Category>(
    h: &RoomHandler<C>,
    room: &Room,
    roll: Roll<'_>,
) -> Result<bool, sahasrahbot_racetime::HandlerError> {
    room.send_message(GENERATING)?;
    let services = h.services();
    let result = async {
        let preset = generate::load_preset(services, Game::Alttpr, roll.preset).await?;
        let opts = AlttprOptions {
            hints: roll.hints,
            spoilers: "off".to_owned(),
            tournament: true,
            allow_quickswap: roll.quickswap,
            endpoint_prefix: if roll.festive { "/festive" } else { "" }.to_owned(),
            branch: Some(roll.branch.clone()),
            ..AlttprOptions::default()
        };
        generate::alttpr_preset(services, &preset, &opts).await
    }
    .await;
    let seed = match result {
        Ok(seed) => seed,
        Err(e) => return plain_or_raise(room, e),
    };
    let info = format!("{} - {} - ({})", roll.preset, seed.url, code_slash(&seed));
    announce_seed(room, info, &seed.url)?;
    Ok(true)
}

/// Posts a user-facing error as a plain reply (nothing rolled), or raises the rest.
pub(crate) fn plain_or_raise(
    room: &Room,
    e: crate::Error,
) -> Result<bool, sahasrahbot_racetime::HandlerError> {
    match user_facing(&e) {
        Some(text) => {
            room.send_message(text)?;
            Ok(false)
        }
        None => Err(e.into()),
    }
}

async fn race_cmd<C: Category>(
    h: Arc<RoomHandler<C>>,
    room: Room,
    inv: Invocation,
    quickswap: bool,
) -> HandlerResult {
    let Some(preset) = inv.args.first().filter(|p| !p.is_empty()).cloned() else {
        room.send_message(NO_PRESET)?;
        return Ok(());
    };
    let branch = inv
        .args
        .get(1)
        .cloned()
        .unwrap_or_else(|| "live".to_owned());
    let message: &ChatMessage = &inv.message;
    h.guarded_roll(&room, message, || {
        roll_preset(
            &h,
            &room,
            Roll {
                preset: &preset,
                quickswap,
                branch,
                festive: false,
                hints: false,
            },
        )
    })
    .await
}

fn kw_bool(kw: &sahasrahbot_racetime::KeywordArgs, key: &str, default: bool) -> bool {
    match kw.get(key) {
        Some(ArgValue::Bool(b)) => *b,
        Some(ArgValue::Int(i)) => *i != 0,
        Some(ArgValue::Str(s)) => !s.is_empty(),
        None => default,
    }
}

async fn newrace<C: Category>(
    h: Arc<RoomHandler<C>>,
    room: Room,
    inv: Invocation,
) -> HandlerResult {
    let kw = inv.keyword_args();
    let message: &ChatMessage = &inv.message;
    h.guarded_roll(&room, message, || async {
        let preset = kw
            .positional
            .get(1)
            .cloned()
            .or_else(|| kw.get("preset").map(ToString::to_string))
            .filter(|p| !p.is_empty());
        let Some(preset) = preset else {
            room.send_message(NO_PRESET)?;
            return Ok(false);
        };
        let quickswap = kw_bool(&kw, "quickswap", true);
        let branch = kw
            .positional
            .get(2)
            .cloned()
            .or_else(|| kw.get("branch").map(ToString::to_string))
            .unwrap_or_else(|| "live".to_owned());
        let festive = kw_bool(&kw, "festive", false);
        let hints = kw_bool(&kw, "hints", false);
        if kw_bool(&kw, "spoiler_race", false) {
            let countdown = match kw.get("countdown") {
                Some(ArgValue::Int(n)) => *n,
                None => 900,
                Some(other) => {
                    return Err(format!("invalid countdown: {other}").into());
                }
            };
            room.send_message(GENERATING)?;
            let game = generate::alttpr_spoiler(
                h.services(),
                &preset,
                Some(branch),
                quickswap,
                festive,
                SpoilerKind::Full,
            )
            .await;
            let game = match game {
                Ok(g) => g,
                Err(e) => return plain_or_raise(&room, e),
            };
            post_spoiler_game(&h, &room, &preset, &game, countdown, false).await?;
            Ok(true)
        } else {
            roll_preset(
                &h,
                &room,
                Roll {
                    preset: &preset,
                    quickswap,
                    branch,
                    festive,
                    hints,
                },
            )
            .await
        }
    })
    .await
}

async fn post_spoiler_game<C: Category>(
    h: &RoomHandler<C>,
    room: &Room,
    preset: &str,
    game: &generate::SpoilerGame,
    studytime: i64,
    progression: bool,
) -> HandlerResult {
    let seed = &game.seed;
    room.set_bot_raceinfo(format!(
        "spoiler {preset} - {} - ({})",
        seed.url,
        code_slash(seed)
    ))?;
    room.send_message(seed.url.clone())?;
    // The row is stored before the notice, so the notice means the race is scheduled.
    let stored = i32::try_from(studytime.max(0)).unwrap_or(i32::MAX);
    schedule_spoiler_race(h, room, &game.spoiler_url, stored).await?;
    if progression {
        room.send_message(
            "The progression spoiler for this race will be sent after the race begins in this room.",
        )?;
    } else {
        room.send_message(format!(
            "The spoiler log for this race will be sent after the race begins in this room.  A {studytime}s countdown timer at that time will begin."
        ))?;
    }
    Ok(())
}

async fn spoiler_cmd<C: Category>(
    h: Arc<RoomHandler<C>>,
    room: Room,
    inv: Invocation,
    branch: Option<&'static str>,
    kind: SpoilerKind,
) -> HandlerResult {
    let message: &ChatMessage = &inv.message;
    h.guarded_roll(&room, message, || async {
        let Some(preset) = inv.args.first().filter(|p| !p.is_empty()).cloned() else {
            room.send_message(NO_PRESET)?;
            return Ok(false);
        };
        room.send_message(GENERATING)?;
        let game = generate::alttpr_spoiler(
            h.services(),
            &preset,
            branch.map(str::to_owned),
            true,
            false,
            kind,
        )
        .await;
        let game = match game {
            Ok(g) => g,
            Err(e) => return plain_or_raise(&room, e),
        };
        let progression = kind == SpoilerKind::Progression;
        let studytime = if progression {
            0
        } else {
            match inv.args.get(1) {
                Some(arg) => arg
                    .parse::<i64>()
                    .map_err(|_| format!("invalid literal for int() with base 10: '{arg}'"))?,
                None => game.preset_studytime.unwrap_or(900),
            }
        };
        post_spoiler_game(&h, &room, &preset, &game, studytime, progression).await?;
        Ok(true)
    })
    .await
}

async fn mystery<C: Category>(
    h: Arc<RoomHandler<C>>,
    room: Room,
    inv: Invocation,
) -> HandlerResult {
    let weightset = inv
        .args
        .first()
        .cloned()
        .unwrap_or_else(|| "weighted".to_owned());
    let message: &ChatMessage = &inv.message;
    h.guarded_roll(&room, message, || async {
        room.send_message(GENERATING)?;
        let (seed, instructions) = match generate::alttpr_mystery(h.services(), &weightset).await {
            Ok(v) => v,
            Err(e) => return plain_or_raise(&room, e),
        };
        let code = code_slash(&seed);
        let info = match instructions {
            Some(text) => {
                room.send_message(format!("Instructions: {text}"))?;
                format!(
                    "Instructions: {text} - mystery {weightset} - {} - ({code})",
                    seed.url
                )
            }
            None => format!("mystery {weightset} - {} - ({code})", seed.url),
        };
        announce_seed(&room, info, &seed.url)?;
        Ok(true)
    })
    .await
}
