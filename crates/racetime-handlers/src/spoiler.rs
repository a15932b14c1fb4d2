//! Spoiler races (racetime.md §3.6): the `spoiler_races` row, the log posted at the start,
//! the study-time countdown, and its resumption after a restart.

use std::sync::Mutex;
use std::time::Duration;

use sahasrahbot_core::db::entities::spoiler_races;
use sahasrahbot_racetime::{HandlerResult, Room};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter, Set};
use tokio::task::JoinHandle;
use tokio::time::{Instant, sleep_until};
use tracing::{Instrument, info_span, warn};

use crate::core::{Category, RoomHandler};
use crate::services::lock;

/// Seconds left at which the countdown speaks.
pub const REMINDER_MARKS: [u64; 19] = [
    1800, 1500, 1200, 900, 600, 300, 120, 60, 30, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1,
];

/// The end of the study time.
pub const BEGIN_RACING: &str = "Log study has finished.  Begin racing!";

/// A handler's spoiler race: the attached row and the running countdown.
#[derive(Debug, Default)]
pub(crate) struct SpoilerState {
    row: Mutex<Option<spoiler_races::Model>>,
    countdown: Mutex<Option<JoinHandle<()>>>,
}

impl Drop for SpoilerState {
    fn drop(&mut self) {
        if let Some(task) = lock(&self.countdown).take() {
            task.abort();
        }
    }
}

/// The reminder text for `t` seconds left.
pub fn reminder_text(t: u64) -> String {
    let (m, s) = (t / 60, t % 60);
    if m == 0 {
        format!("{s} second(s) remain!")
    } else {
        format!("{m} minute(s), {s} seconds remain!")
    }
}

/// Counts `duration` down, calling `say` at each reminder mark not above the whole seconds
/// left at the start, then with [`BEGIN_RACING`] when `begin_message` is set.
pub async fn countdown(duration: Duration, begin_message: bool, mut say: impl FnMut(String)) {
    let start = Instant::now();
    let end = start + duration;
    let left = duration.as_secs_f64().ceil() as u64;
    for mark in REMINDER_MARKS.into_iter().filter(|m| *m <= left) {
        sleep_until(
            end.checked_sub(Duration::from_secs(mark))
                .unwrap_or(start)
                .max(start),
        )
        .await;
        say(reminder_text(mark));
    }
    sleep_until(end).await;
    if begin_message {
        say(BEGIN_RACING.to_owned());
    }
}

fn start_countdown<C: Category>(h: &RoomHandler<C>, room: &Room, duration: Duration, begin: bool) {
    let room2 = room.clone();
    let span = info_span!("countdown", room = room.name(), category = room.category());
    let task = tokio::spawn(
        async move {
            countdown(duration, begin, |text| {
                if let Err(e) = room2.send_message(text) {
                    warn!(error = %e, "countdown message not sent");
                }
            })
            .await;
        }
        .instrument(span),
    );
    if let Some(old) = lock(&h.spoiler.countdown).replace(task) {
        old.abort();
    }
}

/// Upserts the room's `spoiler_races` row and attaches it.
pub(crate) async fn schedule_spoiler_race<C: Category>(
    h: &RoomHandler<C>,
    room: &Room,
    spoiler_url: &str,
    studytime: i32,
) -> crate::Result<()> {
    let db = &h.services.db;
    let existing = spoiler_races::Entity::find()
        .filter(spoiler_races::Column::SrlId.eq(room.name()))
        .one(db)
        .await?;
    let row = match existing {
        Some(row) => {
            let mut am = row.into_active_model();
            am.spoiler_url = Set(Some(spoiler_url.to_owned()));
            am.studytime = Set(Some(studytime));
            am.started = Set(None);
            am.update(db).await?
        }
        None => {
            spoiler_races::ActiveModel {
                srl_id: Set(Some(room.name().to_owned())),
                spoiler_url: Set(Some(spoiler_url.to_owned())),
                studytime: Set(Some(studytime)),
                date: Set(chrono::Utc::now().naive_utc()),
                started: Set(None),
                ..Default::default()
            }
            .insert(db)
            .await?
        }
    };
    *lock(&h.spoiler.row) = Some(row);
    Ok(())
}

/// Deletes the room's `spoiler_races` row (alttpr `!cancel`).
pub(crate) async fn delete_spoiler_race<C: Category>(
    h: &RoomHandler<C>,
    room: &Room,
) -> crate::Result<()> {
    spoiler_races::Entity::delete_many()
        .filter(spoiler_races::Column::SrlId.eq(room.name()))
        .exec(&h.services.db)
        .await?;
    *lock(&h.spoiler.row) = None;
    if let Some(task) = lock(&h.spoiler.countdown).take() {
        task.abort();
    }
    Ok(())
}

/// On `in_progress`: stamps `started`, posts the log and starts the study countdown.
pub(crate) async fn send_spoiler_log<C: Category>(
    h: &RoomHandler<C>,
    room: &Room,
) -> HandlerResult {
    let attached = lock(&h.spoiler.row).clone();
    // A row written by other code after the handler started (the tournament engine's
    // league spoiler roll) is found in the database, as the original looked it up there.
    let row = match attached {
        Some(row) => Some(row),
        None => {
            spoiler_races::Entity::find()
                .filter(spoiler_races::Column::SrlId.eq(room.name()))
                .one(&h.services.db)
                .await?
        }
    };
    let Some(row) = row else {
        return Ok(());
    };
    let studytime = row.studytime.unwrap_or(0).max(0);
    let url = row.spoiler_url.clone().unwrap_or_default();
    let mut am = row.into_active_model();
    am.started = Set(Some(chrono::Utc::now().naive_utc()));
    let row = am.update(&h.services.db).await?;
    *lock(&h.spoiler.row) = Some(row);
    room.send_message("Sending spoiler log...")?;
    room.send_message("---------------")?;
    room.send_message(format!("This race's spoiler log: {url}"))?;
    room.send_message("---------------")?;
    room.send_message("GLHF! :mudora:")?;
    start_countdown(h, room, Duration::from_secs(studytime as u64), true);
    Ok(())
}

/// On handler creation: attaches the room's row and, when the study time is still running
/// (`started + studytime − now > 0`), resumes the countdown.
pub(crate) async fn resume<C: Category>(h: &RoomHandler<C>, room: &Room) {
    let row = spoiler_races::Entity::find()
        .filter(spoiler_races::Column::SrlId.eq(room.name()))
        .one(&h.services.db)
        .await;
    let row = match row {
        Ok(Some(row)) => row,
        Ok(None) => return,
        Err(e) => {
            warn!(room = room.name(), error = %e, "could not load the spoiler race");
            return;
        }
    };
    if let Some(started) = row.started {
        let end = started + chrono::Duration::seconds(i64::from(row.studytime.unwrap_or(0)));
        let left = end - chrono::Utc::now().naive_utc();
        if let Ok(left) = left.to_std()
            && !left.is_zero()
        {
            start_countdown(h, room, left, true);
        }
    }
    *lock(&h.spoiler.row) = Some(row);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn sixty_five_seconds_speaks_at_each_mark_then_begins() {
        let said = std::sync::Arc::new(Mutex::new(Vec::<(u64, String)>::new()));
        let start = Instant::now();
        let s = said.clone();
        countdown(Duration::from_secs(65), true, move |t| {
            lock(&s).push((start.elapsed().as_secs(), t));
        })
        .await;
        let said = lock(&said).clone();
        let texts: Vec<&str> = said.iter().map(|(_, t)| t.as_str()).collect();
        assert_eq!(texts[0], "1 minute(s), 0 seconds remain!");
        assert_eq!(texts[1], "30 second(s) remain!");
        assert_eq!(texts[2], "10 second(s) remain!");
        assert_eq!(texts[11], "1 second(s) remain!");
        assert_eq!(texts[12], BEGIN_RACING);
        assert_eq!(texts.len(), 13);
        assert_eq!(said[0].0, 5);
        assert_eq!(said[1].0, 35);
        assert_eq!(said[12].0, 65);
    }

    #[tokio::test(start_paused = true)]
    async fn full_study_time_starts_with_its_own_mark_and_zero_begins_at_once() {
        let said = std::sync::Arc::new(Mutex::new(Vec::<String>::new()));
        let s = said.clone();
        countdown(Duration::from_secs(900), false, move |t| lock(&s).push(t)).await;
        let said = lock(&said).clone();
        assert_eq!(said[0], "15 minute(s), 0 seconds remain!");
        assert_eq!(said[1], "10 minute(s), 0 seconds remain!");
        assert_eq!(said[2], "5 minute(s), 0 seconds remain!");
        assert_eq!(said[3], "2 minute(s), 0 seconds remain!");
        assert!(!said.contains(&BEGIN_RACING.to_owned()));

        let said = std::sync::Arc::new(Mutex::new(Vec::<String>::new()));
        let s = said.clone();
        let start = Instant::now();
        countdown(Duration::ZERO, true, move |t| lock(&s).push(t)).await;
        assert_eq!(*lock(&said), vec![BEGIN_RACING.to_owned()]);
        assert_eq!(start.elapsed(), Duration::ZERO);
    }
}
