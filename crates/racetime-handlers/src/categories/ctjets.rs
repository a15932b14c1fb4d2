//! ct-jets (racetime.md §3.12 ct-jets): `!preset` posts the share link; repeat rolls are
//! allowed (it never sets the rolled flag).

use std::sync::Arc;

use sahasrahbot_core::presets::Game;
use sahasrahbot_core::presets::other::build_ctjets_request;
use sahasrahbot_racetime::{Commands, Invocation, Room};
use sahasrahbot_seedgen::Surface;

use super::alttpr::plain_or_raise;
use crate::core::texts::{DONE, GENERATING, NO_PRESET};
use crate::core::{Category, RoomHandler};
use crate::generate::load_preset;

/// Chrono Trigger: Jets of Time.
#[derive(Debug)]
pub struct CtJets;

impl Category for CtJets {
    fn commands(core: Commands<RoomHandler<Self>>) -> Commands<RoomHandler<Self>> {
        core.add(
            "preset",
            |h: Arc<RoomHandler<Self>>, room: Room, inv: Invocation| async move {
                h.guarded_roll(&room, &inv.message, || async {
                    let Some(name) = inv.args.first().filter(|p| !p.is_empty()).cloned() else {
                        room.send_message(NO_PRESET)?;
                        return Ok(false);
                    };
                    room.send_message(GENERATING)?;
                    let services = h.services();
                    let preset = match load_preset(services, Game::CtJets, &name).await {
                        Ok(p) => p,
                        Err(e) => return plain_or_raise(&room, e),
                    };
                    let request = build_ctjets_request(&preset).map_err(crate::Error::from)?;
                    let audit = preset.audit();
                    let seed = services
                        .seedgen
                        .generate(&request, Some(&audit), Some(Surface::Racetime))
                        .await
                        .map_err(crate::Error::from)?;
                    room.send_message(seed.url.clone())?;
                    room.set_bot_raceinfo(seed.url.clone())?;
                    room.send_message(DONE)?;
                    // ct-jets rooms may roll again (the original never set the flag).
                    Ok(false)
                })
                .await
            },
        )
        .add("help", |_h, room: Room, _inv| async move {
            room.send_message("Available commands:\n\"!preset <preset>\" to generate a seed.")?;
            Ok(())
        })
    }
}
