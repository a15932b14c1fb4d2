//! Flag-string categories: z1r, z2r, smb3r, ff1r (racetime.md §3.12). Seeds are random
//! numbers drawn locally; nothing is called over the network.

use rand::Rng;
use sahasrahbot_racetime::{Commands, HandlerResult, Invocation, Room};
use sahasrahbot_seedgen::providers::local::{self, Z2R_PRESETS};

use crate::core::texts::DONE;
use crate::core::{Category, RoomHandler};
use crate::generate::announce_seed;

const NO_FLAGS: &str = "You must specify a set of flags!";

/// z1r presets (name → flag string).
pub const Z1R_PRESETS: &[(&str, &str)] = &[
    ("abns22_swiss", "oIbnPfPb01HJEAN8LBIMmlBWz!gGeqNjpYphk"),
    ("abns22_bracket", "143oNtDD4RQLqGPLpaSfjC2AnRmLOpqFAW5QT4"),
    ("abns22_top8", "143oNtDD4RQLrJy5BfGRUWmqGpjvyjX29Xj97o"),
    ("consternation", "oIbnPfPb01Hll3D29Bc2!etrojQOSjJQZUJ3A"),
    ("2019brackets", "oIbnPfPaymqfyH4t7pgvRD4cP1H1I7sPTblX9"),
    ("rr2024", "oIbq2JttN3ae9PzaCJOsVpXedaDD1C2B1yAt8"),
    ("sgl24", "oIbnPfPb01HmodtgCWCvSuAbuHPqZRIVKCvKj"),
    ("bettypls", "q9yBZxHDLh6lovXqLgSNrmEieda2tqJLXZUEo"),
    ("excavator", "hvFx!4yyHzSQ4RIGBlC82EgnMP0hKMULyMo0WP"),
    ("jesscherk", "oIbnPg!o7RsFZtKnEc9AAI8WI7bpnQVS16uNU"),
    ("magsrush", "oIbnPfPb01Hll3F1P2W2uMZOcOJWr!jS05L0A"),
    ("babysfirsthdn", "oVeI512duFh1JQJ6dol1rhfGazsxVWEBeazWF"),
    ("walkitin", "oIbnPfPaymqfyH3OJhgiKHew0nr6Guj6lqHtv"),
    ("swordlessplus", "oIbnPfPb01Hns9ilYf3aXrUwNv7SZU05a56UV"),
    ("randomforce", "oIbnPfPazW!1troLaKovLCWdzL0Ech79PCP7x"),
    ("rr2025", "CKnGZ6u7XaVW!hJ!sGTvkRim82t8PvIW1BEycZo"),
    ("sgl25online", "12TDBJOu7zgjkBGTDwHViA9wS3IpdJcvhCVEtu9"),
    ("power", "143oNtDD4PAvBt5G8xyCFu5kwp7tS8vUBVpiZY"),
    ("courage", "oIbnQLMCpyScZbUVFbgpGKPLsHFflaoYKIxoA"),
    ("wisdom", "oIbnPfPb0mR7ggY12zwI0QNIY620UnhU8kiC3"),
    ("sgl25ip", "12TDBJOu7zgjkBGTDsoDP5Hg7jnJNmTUCh4wT9X"),
    ("ttp4rp", "24hJoDaoq92qaumIfio4Qq8LtfU0Xt8tpG3Iafo"),
    ("ttp4hopla", "oIbnRjuMUKqwdnOXzOMO7PuDtwAvU3boJnaXW"),
    ("ttp4consternation", "oIbnPfPb01Hll3D295IGDxxjR4UwfEok8P4MD"),
    ("afbns_swiss", "1K9hKZCQamJvAprO0CLKqHgZk0MR1RqiE9bfe9xv"),
    ("afbns_bracket", "12V4XiZA!b3mWgwigt9JQcwZSUlpadoHsJNny3J"),
    ("afbns_top8", "12V4XiZA!b3mWh!GQFcZr9rUkzjsoaFlYFS64EU"),
];

/// Posts `Seed: … - Flags: …[ - extra]` as info and chat, then DONE, under the roll guard.
async fn seed_and_flags<C: Category>(
    h: &RoomHandler<C>,
    room: &Room,
    inv: &Invocation,
    text: String,
) -> HandlerResult {
    h.guarded_roll(room, &inv.message, || async {
        announce_seed(room, text.clone(), &text)?;
        Ok(true)
    })
    .await
}

fn first_arg(inv: &Invocation) -> Option<String> {
    inv.args.first().cloned()
}

/// The Legend of Zelda Randomizer.
#[derive(Debug)]
pub struct Z1r;

async fn z1r_race<C: Category>(
    h: &RoomHandler<C>,
    room: &Room,
    inv: &Invocation,
    preset: Option<&str>,
) -> HandlerResult {
    h.guarded_roll(room, &inv.message, || async {
        let Some(preset) = preset else {
            room.send_message("No preset specified.")?;
            return Ok(false);
        };
        let Some((_, flags)) = Z1R_PRESETS.iter().find(|(n, _)| *n == preset) else {
            room.send_message("Invalid preset specified.")?;
            return Ok(false);
        };
        let seed = local::z1r(&mut rand::thread_rng(), flags).seed;
        room.send_message(format!("{preset} - Flags: {flags} Seed: {seed}"))?;
        room.set_bot_raceinfo(format!("Flags: {flags} Seed: {seed}"))?;
        room.send_message(DONE)?;
        Ok(true)
    })
    .await
}

impl Category for Z1r {
    fn commands(core: Commands<RoomHandler<Self>>) -> Commands<RoomHandler<Self>> {
        let mut c = core
            .add("flags", |h: std::sync::Arc<RoomHandler<Self>>, room: Room, inv: Invocation| async move {
                let Some(flags) = first_arg(&inv) else {
                    room.send_message(NO_FLAGS)?;
                    return Ok(());
                };
                let seed = local::z1r(&mut rand::thread_rng(), &flags).seed;
                seed_and_flags(&h, &room, &inv, format!("Seed: {seed} - Flags: {flags}")).await
            })
            .add("race", |h: std::sync::Arc<RoomHandler<Self>>, room: Room, inv: Invocation| async move {
                let preset = first_arg(&inv);
                z1r_race(&h, &room, &inv, preset.as_deref()).await
            })
            .add("ttp4", |h: std::sync::Arc<RoomHandler<Self>>, room: Room, inv: Invocation| async move {
                let options = ["ttp4rp", "ttp4hopla", "ttp4consternation"];
                let pick = options[rand::thread_rng().gen_range(0..options.len())];
                z1r_race(&h, &room, &inv, Some(pick)).await
            })
            .add("help", |_h, room: Room, _inv| async move {
                room.send_message("Available commands:\n\"!race <preset>\" or \"!flags <flagstring>\" to generate a seed.  Check out https://sahasrahbot.synack.live/rtgg.html#the-legend-of-zelda-randomizer-z1r for more info.")?;
                Ok(())
            });
        for name in ["ttp4rp", "ttp4hopla", "ttp4consternation"] {
            c = c.add(name, move |h: std::sync::Arc<RoomHandler<Self>>, room: Room, inv: Invocation| async move {
                z1r_race(&h, &room, &inv, Some(name)).await
            });
        }
        c
    }
}

/// Zelda 2 Randomizer.
#[derive(Debug)]
pub struct Z2r;

impl Category for Z2r {
    fn commands(core: Commands<RoomHandler<Self>>) -> Commands<RoomHandler<Self>> {
        let mut c = core
            .add("flags", |h: std::sync::Arc<RoomHandler<Self>>, room: Room, inv: Invocation| async move {
                let Some(flags) = first_arg(&inv) else {
                    room.send_message(NO_FLAGS)?;
                    return Ok(());
                };
                let seed = local::z2r(&mut rand::thread_rng(), &flags).seed;
                seed_and_flags(&h, &room, &inv, format!("Seed: {seed} - Flags: {flags}")).await
            })
            .add("mrb", |h: std::sync::Arc<RoomHandler<Self>>, room: Room, inv: Invocation| async move {
                let roll = local::z2r_mrb(&mut rand::thread_rng());
                let description = roll.description.unwrap_or_default();
                let text = format!("Seed: {} - Flags: {} - {description}", roll.seed, roll.flags);
                seed_and_flags(&h, &room, &inv, text).await
            })
            .add("help", |_h, room: Room, _inv| async move {
                room.send_message("Available commands:\n\"!flags <flags>\" to generate a seed.  Check out https://sahasrahbot.synack.live/rtgg.html#zelda-2-randomizer-z2r for more info.")?;
                Ok(())
            });
        for &(name, flags) in &Z2R_PRESETS {
            c = c.add(name, move |h: std::sync::Arc<RoomHandler<Self>>, room: Room, inv: Invocation| async move {
                let seed = local::z2r(&mut rand::thread_rng(), flags).seed;
                seed_and_flags(&h, &room, &inv, format!("Seed: {seed} - Flags: {flags}")).await
            });
        }
        c
    }
}

/// Super Mario Bros. 3 Randomizer.
#[derive(Debug)]
pub struct Smb3r;

impl Category for Smb3r {
    fn commands(core: Commands<RoomHandler<Self>>) -> Commands<RoomHandler<Self>> {
        core.add("flags", |h: std::sync::Arc<RoomHandler<Self>>, room: Room, inv: Invocation| async move {
            let Some(flags) = first_arg(&inv) else {
                room.send_message(NO_FLAGS)?;
                return Ok(());
            };
            let seed = local::smb3r(&mut rand::thread_rng(), &flags).seed;
            seed_and_flags(&h, &room, &inv, format!("Seed: {seed} - Flags: {flags}")).await
        })
        .add("help", |_h, room: Room, _inv| async move {
            room.send_message("Available commands:\n\"!flags <flags>\" to generate a seed.  Check out https://sahasrahbot.synack.live/rtgg.html#super-mario-bros-3-randomizer-smb3r for more info.")?;
            Ok(())
        })
    }
}

/// Final Fantasy Randomizer.
#[derive(Debug)]
pub struct Ff1r;

/// `url` with its `s` query parameter set to `seed`: replaced in place when present,
/// appended otherwise; every other parameter kept in order.
pub fn ff1r_url(url: &str, seed: &str) -> Result<String, url::ParseError> {
    let mut parsed = url::Url::parse(url)?;
    let mut pairs: Vec<(String, String)> = parsed
        .query_pairs()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    match pairs.iter_mut().find(|(k, _)| k == "s") {
        Some(pair) => pair.1 = seed.to_owned(),
        None => pairs.push(("s".to_owned(), seed.to_owned())),
    }
    parsed.query_pairs_mut().clear().extend_pairs(&pairs);
    Ok(parsed.to_string())
}

impl Category for Ff1r {
    fn commands(core: Commands<RoomHandler<Self>>) -> Commands<RoomHandler<Self>> {
        core.add("ff1url", |h: std::sync::Arc<RoomHandler<Self>>, room: Room, inv: Invocation| async move {
            let Some(url) = first_arg(&inv) else {
                room.send_message("You must specify a FF1R URL with the flags!")?;
                return Ok(());
            };
            h.guarded_roll(&room, &inv.message, || async {
                let seed = format!("{:08X}", rand::thread_rng().r#gen::<u32>());
                let new_url = ff1r_url(&url, &seed).map_err(|e| e.to_string())?;
                announce_seed(&room, new_url.clone(), &new_url)?;
                Ok(true)
            })
            .await
        })
        .add("help", |_h, room: Room, _inv| async move {
            room.send_message("Available commands:\n\"!ff1url <url>\" to generate seed.  Check out https://sahasrahbot.synack.live/rtgg.html#final-fantasy-randomizer-ff1r for more info.")?;
            Ok(())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ff1r_url_replaces_or_adds_s() {
        assert_eq!(
            ff1r_url(
                "https://finalfantasyrandomizer.com/Randomize?s=00000000&f=ABC-def",
                "1A2B3C4D"
            )
            .unwrap(),
            "https://finalfantasyrandomizer.com/Randomize?s=1A2B3C4D&f=ABC-def"
        );
        assert_eq!(
            ff1r_url(
                "https://finalfantasyrandomizer.com/Randomize?f=XYZ",
                "DEADBEEF"
            )
            .unwrap(),
            "https://finalfantasyrandomizer.com/Randomize?f=XYZ&s=DEADBEEF"
        );
    }
}
