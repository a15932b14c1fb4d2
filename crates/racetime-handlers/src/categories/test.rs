//! The debug `test` category: alttpr plus `!test [seconds]`, a countdown without the begin
//! message.

use std::time::Duration;

use sahasrahbot_racetime::{Commands, Invocation, Room};

use crate::core::{Category, Intro, RoomHandler};
use crate::spoiler::countdown;

/// The debug category.
#[derive(Debug)]
pub struct Test;

impl Category for Test {
    const INTRO: Intro = Intro::Alttpr;
    const MONITOR_CANCEL: bool = true;
    const HIDE_COMMENTS_ON_PENDING: bool = true;

    fn commands(core: Commands<RoomHandler<Self>>) -> Commands<RoomHandler<Self>> {
        super::alttpr::add_commands(core).add(
            "test",
            |_h, room: Room, inv: Invocation| async move {
                let seconds = match inv.args.first() {
                    None => 30,
                    Some(arg) => match arg.parse::<u64>() {
                        Ok(n) => n,
                        Err(_) => {
                            room.send_message("Invalid number of seconds")?;
                            return Ok(());
                        }
                    },
                };
                room.send_message(format!("initiated test command, waiting {seconds} seconds"))?;
                let r = room.clone();
                countdown(Duration::from_secs(seconds), false, |text| {
                    let _ = r.send_message(text);
                })
                .await;
                room.send_message("test command complete")?;
                Ok(())
            },
        )
    }
}
