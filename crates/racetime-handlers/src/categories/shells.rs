//! The thin categories: twwr (core commands silenced), sgl and smw-hacks (no commands of
//! their own), contra (KONOT greeting on every start).

use sahasrahbot_racetime::{Commands, Room};

use crate::core::{Category, Intro, RoomHandler};

/// `!help` of sgl and smw-hacks.
pub const NO_COMMANDS: &str = "I have no commands for this category.";

/// The Wind Waker Randomizer: no intro; `!help`, `!lock`, `!unlock`, `!cancel` and
/// `!tournamentrace` do nothing.
#[derive(Debug)]
pub struct Twwr;

impl Category for Twwr {
    const INTRO: Intro = Intro::None;

    fn commands(core: Commands<RoomHandler<Self>>) -> Commands<RoomHandler<Self>> {
        ["help", "lock", "unlock", "cancel", "tournamentrace"]
            .into_iter()
            .fold(core, |c, name| {
                c.add(name, |_h, _room: Room, _inv| async { Ok(()) })
            })
    }
}

fn no_commands<C: Category>(core: Commands<RoomHandler<C>>) -> Commands<RoomHandler<C>> {
    core.add("help", |_h, room: Room, _inv| async move {
        room.send_message(NO_COMMANDS)?;
        Ok(())
    })
}

/// SpeedGaming Live: no intro, `!help` says there are no commands.
#[derive(Debug)]
pub struct Sgl;

impl Category for Sgl {
    const INTRO: Intro = Intro::None;

    fn commands(core: Commands<RoomHandler<Self>>) -> Commands<RoomHandler<Self>> {
        no_commands(core)
    }
}

/// SMW hacks: no intro, `!help` says there are no commands.
#[derive(Debug)]
pub struct SmwHacks;

impl Category for SmwHacks {
    const INTRO: Intro = Intro::None;

    fn commands(core: Commands<RoomHandler<Self>>) -> Commands<RoomHandler<Self>> {
        no_commands(core)
    }
}

/// Contra's greeting, sent on every handler start of an open room.
pub const CONTRA_INTRO: &str = "Greetings!  To start a KONOT race, use !konot.";

/// Contra: KONOT greeting.
#[derive(Debug)]
pub struct Contra;

impl Category for Contra {
    const INTRO: Intro = Intro::EveryStart(CONTRA_INTRO);

    fn commands(core: Commands<RoomHandler<Self>>) -> Commands<RoomHandler<Self>> {
        core.add("help", |_h, room: Room, _inv| async move {
            room.send_message("To start a KONOT race, use !konot.")?;
            Ok(())
        })
    }
}
